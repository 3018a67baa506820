package survey

import (
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// decodeFast decodes a line that holds one response in the plain form
// JSONLWriter writes (any key order and blanks): string fields without
// escapes, answers as integers, segments and free-text answers as plain
// strings, null for an absent map. It reports false for anything else
// (an escape, an unknown or repeated key, a null string, a number that is
// not a plain integer, a malformed value), which encoding/json then reads
// and names. encoding/json decodes through reflection at some 15 µs a
// line, a tenth of the time an import of a million lines may take per
// line; this path reads the common line in about a microsecond.
func decodeFast(b []byte, in *interner) (Response, bool) {
	var r Response
	d := fastDec{b: b, in: in}
	d.space()
	if !d.byte('{') {
		return r, false
	}
	var seen uint16
	d.space()
	if d.peek() == '}' {
		d.i++
		return r, d.end()
	}
	for {
		d.space()
		key, ok := d.str()
		if !ok {
			return r, false
		}
		d.space()
		if !d.byte(':') {
			return r, false
		}
		d.space()
		bit, ok := fieldBits[string(key)]
		if !ok || seen&bit != 0 {
			return r, false
		}
		seen |= bit
		switch bit {
		case fID:
			s, ok := d.str()
			if !ok {
				return r, false
			}
			id, err := uuid.ParseBytes(s)
			if err != nil {
				return r, false
			}
			r.ID = id
		case fSubmitted:
			s, ok := d.str()
			if !ok {
				return r, false
			}
			var t time.Time
			if t.UnmarshalText(s) != nil {
				return r, false
			}
			r.Submitted = t
		case fAnswers:
			if !d.intMap(&r.Answers) {
				return r, false
			}
		case fSegments:
			if !d.strMap(&r.Segments) {
				return r, false
			}
		case fTexts:
			if !d.strMap(&r.Texts) {
				return r, false
			}
		default:
			s, ok := d.str()
			if !ok {
				return r, false
			}
			switch bit {
			case fSurvey:
				r.Survey = d.in.get(s, true)
			case fWave:
				r.Wave = d.in.get(s, true)
			case fUnit:
				r.Unit = d.in.get(s, true)
			case fRespondent:
				r.Respondent = string(s)
			case fComment:
				r.Comment = string(s)
			}
		}
		d.space()
		switch d.peek() {
		case ',':
			d.i++
		case '}':
			d.i++
			return r, d.end()
		default:
			return r, false
		}
	}
}

// The fields of a response in JSON, as bits of a set.
const (
	fID uint16 = 1 << iota
	fSurvey
	fWave
	fUnit
	fRespondent
	fSubmitted
	fAnswers
	fComment
	fSegments
	fTexts
)

var fieldBits = map[string]uint16{"id": fID, "survey": fSurvey, "wave": fWave, "unit": fUnit, "respondent": fRespondent,
	"submitted": fSubmitted, "answers": fAnswers, "comment": fComment, "segments": fSegments, "texts": fTexts}

// fastDec reads a line for decodeFast.
type fastDec struct {
	b  []byte
	i  int
	in *interner
}

// interner holds one copy of the strings a JSON Lines reader meets on
// many lines (the survey's item IDs, and the survey, wave and unit IDs
// as they come): such a string costs no allocation, and the maps keyed
// by it later find it by pointer before comparing bytes. A nil
// *interner interns nothing.
type interner struct {
	m map[string]string
	// items is the number of answers a response holds at most (the
	// survey's items), the size its answers map is made with; 0 without
	// a survey.
	items int
}

// Bounds of the strings an interner adds as it reads, so that an input
// of ever new IDs does not grow it without end.
const (
	maxInterned    = 1 << 14
	maxInternedLen = 64
)

// newInterner returns an interner knowing the IDs of s's items and s's
// own ID; nil s gives an empty one.
func newInterner(s *Survey) *interner {
	in := &interner{m: map[string]string{}}
	if s != nil {
		in.m[s.ID] = s.ID
		for _, it := range s.Items {
			in.m[it.ID] = it.ID
		}
		in.items = len(s.Items)
	}
	return in
}

// get returns b as a string: the interned copy when there is one; with
// add, b is interned when it is not yet and the bounds allow.
func (in *interner) get(b []byte, add bool) string {
	if in == nil {
		return string(b)
	}
	if s, ok := in.m[string(b)]; ok {
		return s
	}
	s := string(b)
	if add && len(in.m) < maxInterned && len(s) <= maxInternedLen {
		in.m[s] = s
	}
	return s
}

// answersSize returns the size to make an answers map with.
func (in *interner) answersSize() int {
	if in == nil || in.items == 0 {
		return 32
	}
	return in.items
}

func (d *fastDec) peek() byte {
	if d.i < len(d.b) {
		return d.b[d.i]
	}
	return 0
}

func (d *fastDec) space() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *fastDec) byte(c byte) bool {
	if d.peek() != c {
		return false
	}
	d.i++
	return true
}

// end reports whether only blanks follow.
func (d *fastDec) end() bool {
	d.space()
	return d.i == len(d.b)
}

// str reads a string without escapes or control characters and returns
// its bytes (valid until the line is read again).
func (d *fastDec) str() ([]byte, bool) {
	if !d.byte('"') {
		return nil, false
	}
	start, high := d.i, false
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			d.i++
			s := d.b[start : d.i-1]
			// encoding/json writes invalid UTF-8 as U+FFFD: its way.
			return s, !high || utf8.Valid(s)
		case c == '\\' || c < 0x20:
			return nil, false
		case c >= 0x80:
			high = true
		}
		d.i++
	}
	return nil, false
}

// null reads null.
func (d *fastDec) null() bool {
	if len(d.b)-d.i >= 4 && string(d.b[d.i:d.i+4]) == "null" {
		d.i += 4
		return true
	}
	return false
}

// object reads an object of plain string keys, calling value after each
// colon; null reads as no object.
func (d *fastDec) object(value func(key []byte) bool) bool {
	if d.null() {
		return true
	}
	if !d.byte('{') {
		return false
	}
	d.space()
	if d.byte('}') {
		return true
	}
	for {
		d.space()
		key, ok := d.str()
		if !ok {
			return false
		}
		d.space()
		if !d.byte(':') {
			return false
		}
		d.space()
		if !value(key) {
			return false
		}
		d.space()
		switch d.peek() {
		case ',':
			d.i++
		case '}':
			d.i++
			return true
		default:
			return false
		}
	}
}

func (d *fastDec) intMap(m *map[string]int) bool {
	return d.object(func(key []byte) bool {
		v, ok := d.int()
		if !ok {
			return false
		}
		if *m == nil {
			*m = make(map[string]int, d.in.answersSize())
		}
		// A key given twice leaves the map as long as it was: the line
		// then goes to encoding/json, which says what it makes of it.
		before := len(*m)
		(*m)[d.in.get(key, false)] = v
		return len(*m) > before
	})
}

func (d *fastDec) strMap(m *map[string]string) bool {
	return d.object(func(key []byte) bool {
		s, ok := d.str()
		if !ok {
			return false
		}
		if *m == nil {
			*m = map[string]string{}
		}
		k := string(key)
		if _, dup := (*m)[k]; dup {
			return false
		}
		(*m)[k] = string(s)
		return true
	})
}

// int reads a JSON integer of at most nine digits, as encoding/json reads
// one into an int: an optional minus, no leading zero, no fraction or
// exponent.
func (d *fastDec) int() (int, bool) {
	neg := d.byte('-')
	start := d.i
	n := 0
	for d.i < len(d.b) && d.b[d.i] >= '0' && d.b[d.i] <= '9' {
		n = 10*n + int(d.b[d.i]-'0')
		d.i++
	}
	digits := d.i - start
	if digits == 0 || digits > 9 || (digits > 1 && d.b[start] == '0') {
		return 0, false
	}
	if c := d.peek(); c == '.' || c == 'e' || c == 'E' {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}
