package chstore

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"strconv"
)

// responseRows are rows of the responses table, by column.
type responseRows struct {
	survey, wave, unit, batch []uint32
	id                        []string
	sign                      []int8
	digest                    []uint64
	submitted                 []int64
	hasComment                []uint8
	answers, segs, content    []string
	buf                       []byte
}

func responseColumns(n int) *responseRows {
	return &responseRows{
		survey: make([]uint32, 0, n), wave: make([]uint32, 0, n), unit: make([]uint32, 0, n), batch: make([]uint32, 0, n),
		id: make([]string, 0, n), sign: make([]int8, 0, n), digest: make([]uint64, 0, n), submitted: make([]int64, 0, n),
		hasComment: make([]uint8, 0, n), answers: make([]string, 0, n), segs: make([]string, 0, n), content: make([]string, 0, n),
	}
}

// add appends the row of a response: with sign +1, everything the
// response holds; with sign -1, its tombstone, which keeps its ID, its
// keys (survey, wave, unit, submitted) and its comment flag, which the
// sums count, and nothing else.
func (t *responseRows) add(r *rec, b uint32, sign int8) {
	t.survey = append(t.survey, r.survey)
	t.wave = append(t.wave, r.wave)
	t.unit = append(t.unit, r.unit)
	t.batch = append(t.batch, b)
	t.id = append(t.id, string(r.id[:]))
	t.sign = append(t.sign, sign)
	t.submitted = append(t.submitted, r.submitted)
	has := uint8(0)
	if r.comment != "" {
		has = 1
	}
	t.hasComment = append(t.hasComment, has)
	if sign < 0 {
		t.digest = append(t.digest, 0)
		t.answers = append(t.answers, "")
		t.segs = append(t.segs, "")
		t.content = append(t.content, "")
		return
	}
	t.digest = append(t.digest, r.digest)
	t.buf = appendAnswers(t.buf[:0], r)
	t.answers = append(t.answers, string(t.buf))
	t.buf = appendSegments(t.buf[:0], r)
	t.segs = append(t.segs, string(t.buf))
	t.buf = appendContent(t.buf[:0], r)
	t.content = append(t.content, string(t.buf))
}

func (t *responseRows) table(db string) Table {
	return Table{Name: db + ".responses_local", Columns: []Column{
		{"survey", "UInt32", t.survey}, {"wave", "UInt32", t.wave}, {"unit", "UInt32", t.unit},
		{"id", "FixedString(16)", t.id}, {"batch", "UInt32", t.batch}, {"sign", "Int8", t.sign},
		{"digest", "UInt64", t.digest}, {"submitted", "Int64", t.submitted}, {"has_comment", "UInt8", t.hasComment},
		{"answers", "String", t.answers}, {"segs", "String", t.segs}, {"content", "String", t.content},
	}}
}

// appendAnswers appends the answers of r as text: "item:value" with the
// item's code, separated by spaces, items ascending.
func appendAnswers(b []byte, r *rec) []byte {
	for i, item := range r.items {
		if i > 0 {
			b = append(b, ' ')
		}
		b = strconv.AppendUint(b, uint64(item), 10)
		b = append(b, ':')
		b = strconv.AppendInt(b, r.vals[i], 10)
	}
	return b
}

// parseAnswers reads the text of appendAnswers.
func parseAnswers(s string) (items []uint32, vals []int64, err error) {
	for len(s) > 0 {
		var field string
		field, s = s, ""
		for i := 0; i < len(field); i++ {
			if field[i] == ' ' {
				field, s = field[:i], field[i+1:]
				break
			}
		}
		colon := -1
		for i := 0; i < len(field); i++ {
			if field[i] == ':' {
				colon = i
				break
			}
		}
		if colon < 0 {
			return nil, nil, errors.New("chstore: stored answers are malformed")
		}
		item, err1 := strconv.ParseUint(field[:colon], 10, 32)
		v, err2 := strconv.ParseInt(field[colon+1:], 10, 64)
		if err1 != nil || err2 != nil {
			return nil, nil, errors.New("chstore: stored answers are malformed")
		}
		items, vals = append(items, uint32(item)), append(vals, v)
	}
	return items, vals, nil
}

// appendSegments appends the segments of r as text the cluster can read
// whatever they hold: "hex(key)=hex(value)" pairs, separated by commas,
// keys ascending.
func appendSegments(b []byte, r *rec) []byte {
	for i, k := range r.segKeys {
		if i > 0 {
			b = append(b, ',')
		}
		b = hex.AppendEncode(b, []byte(k))
		b = append(b, '=')
		b = hex.AppendEncode(b, []byte(r.segVals[i]))
	}
	return b
}

// contentVersion is the first byte of the encoding of a response's
// content.
const contentVersion = 1

// appendContent appends the content of r that the responses table keeps
// in one column: respondent, comment, segments and free-text answers, each
// string with its length before it.
func appendContent(b []byte, r *rec) []byte {
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = append(b, contentVersion)
	str(r.respondent)
	str(r.comment)
	b = binary.AppendUvarint(b, uint64(len(r.segKeys)))
	for i, k := range r.segKeys {
		str(k)
		str(r.segVals[i])
	}
	b = binary.AppendUvarint(b, uint64(len(r.textKeys)))
	for i, k := range r.textKeys {
		str(k)
		str(r.textVals[i])
	}
	return b
}

// parseContent reads the encoding of appendContent into r.
func parseContent(s string, r *rec) error {
	bad := errors.New("chstore: a stored response's content is malformed")
	if len(s) == 0 || s[0] != contentVersion {
		return bad
	}
	s = s[1:]
	str := func() (string, bool) {
		n, k := binary.Uvarint([]byte(s[:min(len(s), binary.MaxVarintLen64)]))
		if k <= 0 || uint64(len(s)-k) < n {
			return "", false
		}
		v := s[k : k+int(n)]
		s = s[k+int(n):]
		return v, true
	}
	count := func() (int, bool) {
		n, k := binary.Uvarint([]byte(s[:min(len(s), binary.MaxVarintLen64)]))
		if k <= 0 || n > uint64(len(s)) {
			return 0, false
		}
		s = s[k:]
		return int(n), true
	}
	var ok bool
	if r.respondent, ok = str(); !ok {
		return bad
	}
	if r.comment, ok = str(); !ok {
		return bad
	}
	for _, pair := range []struct{ keys, vals *[]string }{{&r.segKeys, &r.segVals}, {&r.textKeys, &r.textVals}} {
		n, ok := count()
		if !ok {
			return bad
		}
		for range n {
			k, ok1 := str()
			v, ok2 := str()
			if !ok1 || !ok2 {
				return bad
			}
			*pair.keys, *pair.vals = append(*pair.keys, k), append(*pair.vals, v)
		}
	}
	if len(s) != 0 {
		return bad
	}
	return nil
}

// answerRows are rows of the long table of answers, by column.
type answerRows struct {
	survey, wave, unit, item, batch []uint32
	value                           []int64
	sign                            []int8
}

func answerColumns(n int) *answerRows {
	return &answerRows{survey: make([]uint32, 0, n), wave: make([]uint32, 0, n), unit: make([]uint32, 0, n),
		item: make([]uint32, 0, n), batch: make([]uint32, 0, n), value: make([]int64, 0, n), sign: make([]int8, 0, n)}
}

func (t *answerRows) add(survey, wave, unit, item uint32, value int64, sign int8, b uint32) {
	t.survey = append(t.survey, survey)
	t.wave = append(t.wave, wave)
	t.unit = append(t.unit, unit)
	t.item = append(t.item, item)
	t.value = append(t.value, value)
	t.sign = append(t.sign, sign)
	t.batch = append(t.batch, b)
}

func (t *answerRows) table(db string) Table {
	return Table{Name: db + ".answers_local", Columns: []Column{
		{"survey", "UInt32", t.survey}, {"wave", "UInt32", t.wave}, {"unit", "UInt32", t.unit},
		{"item", "UInt32", t.item}, {"value", "Int64", t.value}, {"sign", "Int8", t.sign}, {"batch", "UInt32", t.batch},
	}}
}

// patternRows are rows of the long table of patterns, by column.
type patternRows struct {
	survey, wave, unit, grp, batch []uint32
	pattern                        []string
	sign                           []int8
}

func patternColumns(n int) *patternRows {
	return &patternRows{survey: make([]uint32, 0, n), wave: make([]uint32, 0, n), unit: make([]uint32, 0, n),
		grp: make([]uint32, 0, n), batch: make([]uint32, 0, n), pattern: make([]string, 0, n), sign: make([]int8, 0, n)}
}

func (t *patternRows) add(survey, wave, unit, grp uint32, pattern string, sign int8, b uint32) {
	t.survey = append(t.survey, survey)
	t.wave = append(t.wave, wave)
	t.unit = append(t.unit, unit)
	t.grp = append(t.grp, grp)
	t.pattern = append(t.pattern, pattern)
	t.sign = append(t.sign, sign)
	t.batch = append(t.batch, b)
}

func (t *patternRows) table(db string) Table {
	return Table{Name: db + ".patterns_local", Columns: []Column{
		{"survey", "UInt32", t.survey}, {"wave", "UInt32", t.wave}, {"unit", "UInt32", t.unit},
		{"grp", "UInt32", t.grp}, {"pattern", "String", t.pattern}, {"sign", "Int8", t.sign}, {"batch", "UInt32", t.batch},
	}}
}
