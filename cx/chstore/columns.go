package chstore

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"strconv"
	"unsafe"
)

// responseRows are rows of the responses table, by column.
type responseRows struct {
	survey, wave, unit, batch []uint32
	id                        []string
	sign                      []int8
	digest                    []uint64
	submitted                 []int64
	hasComment                []uint8
	items                     [][]uint32
	vals                      [][]int64
	segs, content             []string
	buf                       []byte
	arena                     []byte // the bytes of id, segs and content
}

func responseColumns(n int) *responseRows {
	return &responseRows{
		survey: make([]uint32, 0, n), wave: make([]uint32, 0, n), unit: make([]uint32, 0, n), batch: make([]uint32, 0, n),
		id: make([]string, 0, n), sign: make([]int8, 0, n), digest: make([]uint64, 0, n), submitted: make([]int64, 0, n),
		hasComment: make([]uint8, 0, n), items: make([][]uint32, 0, n), vals: make([][]int64, 0, n),
		segs: make([]string, 0, n), content: make([]string, 0, n),
	}
}

// add appends the row of a response: with sign +1, everything the
// response holds (its answers as r's own slices, not copied); with sign
// -1, its tombstone, which keeps its ID, its keys (survey, wave, unit,
// submitted) and its comment flag, which the sums count, and nothing
// else.
func (t *responseRows) add(r *rec, b uint32, sign int8) {
	t.survey = append(t.survey, r.survey)
	t.wave = append(t.wave, r.wave)
	t.unit = append(t.unit, r.unit)
	t.batch = append(t.batch, b)
	t.id = append(t.id, t.str(r.id[:]))
	t.sign = append(t.sign, sign)
	t.submitted = append(t.submitted, r.submitted)
	has := uint8(0)
	if r.comment != "" {
		has = 1
	}
	t.hasComment = append(t.hasComment, has)
	if sign < 0 {
		t.digest = append(t.digest, 0)
		t.items = append(t.items, nil)
		t.vals = append(t.vals, nil)
		t.segs = append(t.segs, "")
		t.content = append(t.content, "")
		return
	}
	t.digest = append(t.digest, r.digest)
	t.items = append(t.items, r.items)
	t.vals = append(t.vals, r.vals)
	t.buf = appendSegments(t.buf[:0], r)
	t.segs = append(t.segs, t.str(t.buf))
	t.buf = appendContent(t.buf[:0], r)
	t.content = append(t.content, t.str(t.buf))
}

// arenaChunk is the size of the chunks of memory that responseRows.str
// copies texts into.
const arenaChunk = 1 << 20

// str returns the text of b, copied into chunks of memory shared by many
// texts and never written again: one allocation per chunk rather than
// one per text (three per response: ID, segments, content).
func (t *responseRows) str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if cap(t.arena)-len(t.arena) < len(b) {
		t.arena = make([]byte, 0, max(arenaChunk, len(b)))
	}
	lo := len(t.arena)
	t.arena = append(t.arena, b...)
	return unsafe.String(&t.arena[lo], len(b))
}

func (t *responseRows) table(db string) Table {
	return Table{Name: db + ".responses_local", Columns: []Column{
		{"survey", "UInt32", t.survey}, {"wave", "UInt32", t.wave}, {"unit", "UInt32", t.unit},
		{"id", "FixedString(16)", t.id}, {"batch", "UInt32", t.batch}, {"sign", "Int8", t.sign},
		{"digest", "UInt64", t.digest}, {"submitted", "Int64", t.submitted}, {"has_comment", "UInt8", t.hasComment},
		{"items", "Array(UInt32)", t.items}, {"vals", "Array(Int64)", t.vals},
		{"segs", "String", t.segs}, {"content", "String", t.content},
	}}
}

// parseAnswers reads the text of the column answers of the responses
// table, which the cluster makes from the arrays items and vals:
// "item:value" with the item's code, separated by spaces, items
// ascending.
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

// answerRows are rows of answers_in: a response's keys and answers, from
// which the cluster makes the long table of answers and their sums.
type answerRows struct {
	survey, wave, unit, batch []uint32
	sign                      []int8
	items                     [][]uint32
	vals                      [][]int64
}

func answerColumns(n int) *answerRows {
	return &answerRows{survey: make([]uint32, 0, n), wave: make([]uint32, 0, n), unit: make([]uint32, 0, n),
		batch: make([]uint32, 0, n), sign: make([]int8, 0, n), items: make([][]uint32, 0, n), vals: make([][]int64, 0, n)}
}

// add appends the answers of r, with the given sign (-1 takes them away).
func (t *answerRows) add(r *rec, sign int8, b uint32) {
	t.survey = append(t.survey, r.survey)
	t.wave = append(t.wave, r.wave)
	t.unit = append(t.unit, r.unit)
	t.sign = append(t.sign, sign)
	t.batch = append(t.batch, b)
	t.items = append(t.items, r.items)
	t.vals = append(t.vals, r.vals)
}

func (t *answerRows) table(db string) Table {
	return Table{Name: db + ".answers_in_local", Columns: []Column{
		{"survey", "UInt32", t.survey}, {"wave", "UInt32", t.wave}, {"unit", "UInt32", t.unit}, {"sign", "Int8", t.sign},
		{"batch", "UInt32", t.batch}, {"items", "Array(UInt32)", t.items}, {"vals", "Array(Int64)", t.vals},
	}}
}

// patternRows are rows of patterns_in: a response's keys and, per
// reliability group, the group's code and the response's pattern, from
// which the cluster makes the sums of patterns.
type patternRows struct {
	survey, wave, unit, batch []uint32
	sign                      []int8
	grps                      [][]uint32
	pats                      [][]string
}

func patternColumns(n int) *patternRows {
	return &patternRows{survey: make([]uint32, 0, n), wave: make([]uint32, 0, n), unit: make([]uint32, 0, n),
		batch: make([]uint32, 0, n), sign: make([]int8, 0, n), grps: make([][]uint32, 0, n), pats: make([][]string, 0, n)}
}

// add appends the patterns of r over the groups whose codes are grps.
func (t *patternRows) add(r *rec, grps []uint32, pats []string, sign int8, b uint32) {
	t.survey = append(t.survey, r.survey)
	t.wave = append(t.wave, r.wave)
	t.unit = append(t.unit, r.unit)
	t.sign = append(t.sign, sign)
	t.batch = append(t.batch, b)
	t.grps = append(t.grps, grps)
	t.pats = append(t.pats, pats)
}

func (t *patternRows) table(db string) Table {
	return Table{Name: db + ".patterns_in_local", Columns: []Column{
		{"survey", "UInt32", t.survey}, {"wave", "UInt32", t.wave}, {"unit", "UInt32", t.unit}, {"sign", "Int8", t.sign},
		{"batch", "UInt32", t.batch}, {"grps", "Array(UInt32)", t.grps}, {"pats", "Array(String)", t.pats},
	}}
}
