package survey

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
)

// Skipped marks an item not answered in [Row.Values].
const Skipped = -1 << 31

// CSVOptions configure how a wide CSV file (one row per response, one
// column per item, as survey platforms export) maps onto responses. The
// zero value, and a nil *CSVOptions, use the defaults.
type CSVOptions struct {
	// Column names. Unit, Wave and Submitted must be present in the
	// header; ID, Respondent and Comment are used when present.
	// Defaults: "response_id", "respondent_id", "unit_id", "wave",
	// "submitted_at", "comment".
	//
	// Every reader of this module matches header names by one rule (see
	// [HeaderIndex]): blanks around a name and a byte-order mark before
	// the first are ignored, and ASCII case is not significant, so
	// "Unit_ID" is the unit column. A header that names one column twice
	// under this rule is an error.
	ID, Respondent, Unit, Wave, Submitted, Comment string
	// Items maps header names to item IDs for columns whose name is not
	// the item ID itself. A column whose name is an item ID of the survey
	// is an item column.
	Items map[string]string
	// Segments are columns copied into Response.Segments, under the
	// name given here.
	Segments []string
	// Ignore lists columns to skip, such as a platform's own metadata.
	// Any other column that is not mapped is an error: nothing in the
	// file is dropped silently.
	Ignore []string
	// TimeLayout is the layout of the submitted column (time.Parse);
	// default time.RFC3339. Times without a zone are read as UTC.
	TimeLayout string
	// Comma is the field delimiter, an ASCII character; default ','.
	Comma rune
	// SkipBadRows reports bad rows instead of failing on them: a
	// [CSVReader] returns each one's *ParseError and goes on at the next
	// row, and [ScanCSV] passes them to OnBadRow. By default the first
	// bad row fails the whole input.
	SkipBadRows bool
	// OnBadRow receives the problems of the bad rows [ScanCSV] skips
	// when SkipBadRows is set, one call per problem (a row may have
	// several). Calls are serialized but may come in any order of lines.
	OnBadRow func(*ParseError)
	// MaxRecordBytes caps the size of one record, quotes and line breaks
	// inside quoted fields included; 0 means [DefaultMaxRecordBytes]. A
	// longer record (typically one whose quote is never closed) is a bad
	// row named by its line and column, and reading goes on at the
	// record's second line; memory stays bounded whatever the input.
	MaxRecordBytes int
}

func (o *CSVOptions) withDefaults() CSVOptions {
	var c CSVOptions
	if o != nil {
		c = *o
	}
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&c.ID, "response_id")
	def(&c.Respondent, "respondent_id")
	def(&c.Unit, "unit_id")
	def(&c.Wave, "wave")
	def(&c.Submitted, "submitted_at")
	def(&c.Comment, "comment")
	def(&c.TimeLayout, time.RFC3339)
	if c.Comma == 0 {
		c.Comma = ','
	}
	if c.MaxRecordBytes <= 0 {
		c.MaxRecordBytes = DefaultMaxRecordBytes
	}
	return c
}

// column kinds of a layout.
const (
	colIgnore = iota
	colItem
	colID
	colRespondent
	colUnit
	colWave
	colSubmitted
	colComment
	colSegment
	// colText holds the answers to a free-text question (a text item).
	colText
)

// csvLayout maps the header's columns onto a survey.
type csvLayout struct {
	s       Survey
	opts    CSVOptions
	headers []string
	kind    []int
	item    []int // item index for colItem columns, text index for colText
	// textIDs are the text item IDs of the colText columns.
	textIDs []string
	min     []int // scale bounds of item columns
	max     []int
	segName []string // segment name of colSegment columns
	loc     *time.Location
	rfc3339 bool
	// fast reports that every column is of a kind fillFast reads; cols
	// are the columns as fillFast reads them, and unread the items no
	// column holds.
	fast   bool
	cols   []fastCol
	unread []int
}

// fastCol is a column as fillFast reads it.
type fastCol struct {
	kind     int
	item     int // item index of an item column
	min, max int // its scale
	// items is the number of item columns from this one on that another
	// column follows: four or more, the next four fields may be read at
	// once.
	items int
}

func newLayout(s Survey, opts CSVOptions, header [][]byte) (*csvLayout, error) {
	l := &csvLayout{s: s, opts: opts, kind: make([]int, len(header)), item: make([]int, len(header)),
		min: make([]int, len(header)), max: make([]int, len(header)), segName: make([]string, len(header)),
		loc: time.UTC, rfc3339: opts.TimeLayout == time.RFC3339}
	// Item IDs are matched exactly first, then regardless of case when
	// only one item has that name.
	itemIndex := make(map[string]int, len(s.Items))
	foldedItems := make(map[string][]int, len(s.Items))
	for i, it := range s.Items {
		itemIndex[it.ID] = i
		k := strings.ToLower(it.ID)
		foldedItems[k] = append(foldedItems[k], i)
	}
	special := map[string]int{}
	for name, kind := range map[string]int{opts.ID: colID, opts.Respondent: colRespondent, opts.Unit: colUnit,
		opts.Wave: colWave, opts.Submitted: colSubmitted, opts.Comment: colComment} {
		special[strings.ToLower(name)] = kind
	}
	mapped := make(map[string]string, len(opts.Items))
	for h, id := range opts.Items {
		mapped[strings.ToLower(strings.TrimSpace(h))] = id
	}
	segments := make(map[string]string, len(opts.Segments))
	for _, sg := range opts.Segments {
		segments[strings.ToLower(sg)] = sg
	}
	if len(opts.Segments) == 0 {
		// The survey's declared segments, in the columns named by their
		// keys, when the file has them.
		for _, sg := range s.Segments {
			segments[strings.ToLower(sg.Key)] = sg.Key
		}
	}
	ignore := make(map[string]bool, len(opts.Ignore))
	for _, ig := range opts.Ignore {
		ignore[strings.ToLower(strings.TrimSpace(ig))] = true
	}
	seen := map[string]int{}
	itemSeen := map[int]int{}
	var ps []string
	for c, h := range header {
		name := headerName(string(h), c)
		key := strings.ToLower(name)
		l.headers = append(l.headers, name)
		seenKey := key
		if _, exact := itemIndex[name]; exact && len(foldedItems[key]) > 1 {
			seenKey = "\x00" + name // items whose IDs differ only in case are told apart
		}
		if prev, dup := seen[seenKey]; dup {
			ps = append(ps, fmt.Sprintf("column %d (%s): same name as column %d", c+1, name, prev))
			continue
		}
		seen[seenKey] = c + 1
		itemID, isMapped := mapped[key]
		switch {
		case ignore[key]:
			l.kind[c] = colIgnore
		case special[key] != 0 && !isMapped:
			l.kind[c] = special[key]
		case segments[key] != "":
			l.kind[c], l.segName[c] = colSegment, segments[key]
		default:
			tid := itemID
			if !isMapped {
				tid = name
			}
			if _, ok := s.TextItem(tid); ok {
				l.kind[c] = colText
				l.textIDs = append(l.textIDs, tid)
				l.item[c] = len(l.textIDs) - 1
				continue
			}
			i, ok := itemIndex[itemID]
			if !isMapped {
				i, ok = itemIndex[name]
				if !ok && len(foldedItems[key]) == 1 {
					i, ok = foldedItems[key][0], true
				}
				itemID = name
			}
			if !ok {
				if !isMapped && len(foldedItems[key]) > 1 {
					ps = append(ps, fmt.Sprintf("column %d (%s): matches several items of survey %q that differ only in case; map it with Items", c+1, name, s.ID))
					continue
				}
				ps = append(ps, fmt.Sprintf("column %d (%s): not an item of survey %q, nor a configured column (add it to Ignore to skip it)", c+1, name, s.ID))
				continue
			}
			if prev, dup := itemSeen[i]; dup {
				ps = append(ps, fmt.Sprintf("column %d (%s): item %s is already read from column %d", c+1, name, s.Items[i].ID, prev))
				continue
			}
			itemSeen[i] = c + 1
			l.kind[c], l.item[c] = colItem, i
			l.min[c], l.max[c] = s.Items[i].Scale.Min, s.Items[i].Scale.Max
		}
	}
	for _, req := range []string{opts.Unit, opts.Wave, opts.Submitted} {
		if _, ok := seen[strings.ToLower(req)]; !ok {
			ps = append(ps, fmt.Sprintf("required column %q missing", req))
		}
	}
	for _, seg := range opts.Segments {
		if !ValidID(seg) {
			ps = append(ps, fmt.Sprintf("segment column %q is not a valid segment name", seg))
		}
	}
	if len(itemSeen) == 0 && len(ps) == 0 {
		ps = append(ps, fmt.Sprintf("no column holds an item of survey %q", s.ID))
	}
	if len(ps) > 0 {
		return nil, &ParseError{Line: 1, Reason: "header: " + strings.Join(ps, "; ")}
	}
	l.fast = fastRecords
	read := make([]bool, len(s.Items))
	for c, k := range l.kind {
		switch k {
		case colIgnore, colItem, colRespondent, colUnit, colWave, colSubmitted:
		default:
			l.fast = false
		}
		l.cols = append(l.cols, fastCol{kind: k, item: l.item[c], min: l.min[c], max: l.max[c]})
		if k == colItem {
			read[l.item[c]] = true
		}
	}
	for c := len(l.cols) - 2; c >= 0; c-- {
		if l.cols[c].kind == colItem {
			l.cols[c].items = l.cols[c+1].items + 1
		}
	}
	for i, r := range read {
		if !r {
			l.unread = append(l.unread, i)
		}
	}
	return l, nil
}

// fastRecords enables [csvLayout.fillFast]; tests turn it off to compare.
var fastRecords = true

// fillFast maps a record without quotes onto r straight from its bytes,
// in one pass, for layouts whose columns are items, unit, wave, submitted
// time, respondent and ignored ones, when every field is in its plain
// form. It reports false on anything else, and the record then goes
// through the general parser and [csvLayout.fill], which read it the same
// way or name what is wrong.
func (l *csvLayout) fillFast(r *Row, line int, rec []byte, comma byte) bool {
	if !l.fast || len(rec) > l.opts.MaxRecordBytes {
		return false
	}
	if n := len(rec); n > 0 && rec[n-1] == '\r' {
		rec = rec[:n-1]
	}
	if len(r.Values) != len(l.s.Items) {
		r.Values = make([]int, len(l.s.Items))
	}
	vals := r.Values
	for _, i := range l.unread {
		vals[i] = Skipped
	}
	r.Line = line
	r.ID, r.Unit, r.Wave, r.UnitKey, r.WaveKey, r.Submitted = uuid.Nil, "", "", -1, -1, time.Time{}
	r.respondent, r.comment, r.segments, r.texts = nil, nil, r.segments[:0], r.texts[:0]
	// Fields are taken column by column: an answer is one or two digits
	// or nothing, so most fields are read without searching for the comma.
	pos, n := 0, len(rec)
	for c := 0; c < len(l.cols); c++ {
		col := &l.cols[c]
		if c > 0 {
			if pos >= n || rec[pos] != comma {
				return false // fewer fields than columns
			}
			pos++
		}
		if col.items >= 4 && pos+8 <= n {
			// Four one-digit answers at once, when the next eight bytes
			// read "d,d,d,d,".
			if v, ok := fourDigits(binary.LittleEndian.Uint64(rec[pos:]), comma); ok {
				cs := l.cols[c : c+4 : c+4]
				d0, d1, d2, d3 := int(v&0xff), int(v>>16&0xff), int(v>>32&0xff), int(v>>48&0xff)
				if d0 < cs[0].min || d0 > cs[0].max || d1 < cs[1].min || d1 > cs[1].max ||
					d2 < cs[2].min || d2 > cs[2].max || d3 < cs[3].min || d3 > cs[3].max {
					return false
				}
				vals[cs[0].item], vals[cs[1].item], vals[cs[2].item], vals[cs[3].item] = d0, d1, d2, d3
				c += 3
				pos += 7 // the comma after the fourth is the next column's
				continue
			}
		}
		if col.kind == colItem {
			v := Skipped
			if pos < n && rec[pos] != comma {
				d := int(rec[pos]) - '0'
				if uint(d) > 9 {
					return false
				}
				pos++
				if pos < n && rec[pos] != comma {
					// Two digits, as an eNPS of 10; no leading zero.
					d2 := int(rec[pos]) - '0'
					if uint(d2) > 9 || d == 0 {
						return false
					}
					d = 10*d + d2
					pos++
					if pos < n && rec[pos] != comma {
						return false
					}
				}
				if d < col.min || d > col.max {
					return false
				}
				v = d
			}
			vals[col.item] = v
			continue
		}
		kind := col.kind
		end := bytes.IndexByte(rec[pos:], comma)
		if end < 0 {
			end = n - pos
		}
		f := rec[pos : pos+end]
		pos += end
		switch kind {
		case colUnit, colWave:
			if !r.internID(kind, f) {
				return false
			}
		case colSubmitted:
			t, ok := l.parseTime(f)
			if !ok || len(f) == 0 || f[0] <= ' ' || f[len(f)-1] <= ' ' {
				return false
			}
			r.Submitted = t
		case colRespondent:
			if _, ok := textProblem(f); !ok {
				return false
			}
			r.respondent = f
		}
	}
	if pos != n {
		return false // more fields than columns
	}
	return !r.Submitted.IsZero()
}

// fourDigits reads w, eight bytes of a record, as four one-digit fields
// each followed by the delimiter: "d,d,d,d,". It returns the digits' values
// in the low bytes of the four 16-bit lanes of v.
func fourDigits(w uint64, comma byte) (v uint64, ok bool) {
	const (
		lanes  = 0x0001000100010001
		low    = 0x00ff00ff00ff00ff
		high   = 0x0080008000800080
		commas = 0xff00ff00ff00ff00
	)
	if w&commas != uint64(comma)<<8*lanes {
		return 0, false
	}
	d := w & low
	// A byte is a digit when adding 0x46 leaves it below 0x80 (it is at
	// most '9') and subtracting '0' does not wrap (it is at least '0'); a
	// wrap borrows from the lane above, which the test also rejects.
	x := d - '0'*lanes
	if ((d+0x46*lanes)|x)&high != 0 {
		return 0, false
	}
	return x, true
}

// Row is one response of a wide CSV file in columnar form, for callers
// that process many responses without building a [Response] for each
// (tallying a scorecard straight from a file). A Row and the slices it
// holds are reused: they are valid until the callback or read that
// produced them returns.
type Row struct {
	// Line is the line where the record starts (the header is line 1).
	Line int
	// ID is read from the response-ID column, or uuid.Nil when the file
	// has none ([Row.Response] then derives one).
	ID         uuid.UUID
	Unit, Wave string
	// UnitKey and WaveKey number the distinct units and waves that the
	// reader (or, for [ScanCSV], the goroutine) producing this Row has
	// met, from 0 in the order met, so that a caller can keep per-unit
	// and per-wave state in slices; -1 past 65,536 distinct IDs.
	UnitKey, WaveKey int32
	Submitted        time.Time
	// Values holds the answer to each item of the survey, in the order of
	// Survey.Items, or [Skipped].
	Values []int

	respondent, comment []byte
	segments            []segmentValue
	// texts are the answers to free-text questions, by text item ID.
	texts  []segmentValue
	intern map[string]string
	// units and waves intern and number the IDs read.
	units, waves *idTable
}

// idTable interns the valid IDs of one column and numbers them.
type idTable struct {
	keys  map[string]int32
	names []string
	// recent holds recently read IDs by a hash of their last bytes, so
	// most lookups compare a few bytes instead of hashing.
	recent [256]struct {
		s string
		k int32
	}
}

// maxIDs bounds the IDs an idTable numbers; others are read unnumbered.
const maxIDs = 1 << 16

// intern returns the interned string of a valid ID and its key, or false
// for a field that is not one as it stands (blanks around it included).
func (t *idTable) intern(b []byte) (string, int32, bool) {
	h := uint(len(b))
	for i := max(0, len(b)-4); i < len(b); i++ {
		h = h*31 + uint(b[i])
	}
	slot := &t.recent[h&255]
	if slot.s == string(b) && len(b) > 0 {
		return slot.s, slot.k, true
	}
	if k, ok := t.keys[string(b)]; ok {
		slot.s, slot.k = t.names[k], k
		return slot.s, k, true
	}
	s := string(b)
	if !ValidID(s) {
		return "", -1, false
	}
	k := int32(-1)
	if len(t.names) < maxIDs {
		if t.keys == nil {
			t.keys = map[string]int32{}
		}
		k = int32(len(t.names))
		t.keys[s] = k
		t.names = append(t.names, s)
	}
	slot.s, slot.k = s, k
	return s, k, true
}

type segmentValue struct {
	name  string
	value []byte
}

// Respondent returns the respondent column's value, or "".
func (r *Row) Respondent() string { return string(r.respondent) }

// Comment returns the comment column's value, or "".
func (r *Row) Comment() string { return string(r.comment) }

// HasComment reports whether the comment is non-empty.
func (r *Row) HasComment() bool { return len(bytes.TrimSpace(r.comment)) > 0 }

// Response builds the domain response of the row for survey s. A row
// without a response ID gives a response without one (uuid.Nil): the
// program that records or imports it derives one from its content and its
// occurrence in the input ([ContentID]), which a reader of one row cannot
// know.
func (r *Row) Response(s Survey) Response {
	resp := Response{ID: r.ID, Survey: s.ID, Wave: r.Wave, Unit: r.Unit, Respondent: string(r.respondent),
		Submitted: r.Submitted, Comment: string(r.comment)}
	for i, v := range r.Values {
		if v != Skipped {
			if resp.Answers == nil {
				resp.Answers = make(map[string]int, len(r.Values))
			}
			resp.Answers[s.Items[i].ID] = v
		}
	}
	for _, sv := range r.segments {
		if len(sv.value) == 0 {
			continue
		}
		if resp.Segments == nil {
			resp.Segments = map[string]string{}
		}
		resp.Segments[sv.name] = string(sv.value)
	}
	for _, tv := range r.texts {
		if len(tv.value) == 0 {
			continue
		}
		if resp.Texts == nil {
			resp.Texts = map[string]string{}
		}
		resp.Texts[tv.name] = string(tv.value)
	}
	return resp
}

// responseNamespace is the UUID namespace of derived response IDs.
var responseNamespace = uuid.MustParse("5b0f3f0e-6a43-4f0b-9a8e-2f6c1d0c7a51")

// DerivedID returns the ID that imports used to give a response without
// one: a name-based (SHA-1, version 5) UUID of its survey, wave, unit,
// respondent and submitted time.
//
// Deprecated: distinct responses share it when those five fields are
// equal (two people of an anonymous export answering in the same second),
// which merged them. The imports and Program.RecordResponses of package cx
// now use [ContentID], derived from the whole content and from the
// response's occurrence in its input.
func DerivedID(r Response) uuid.UUID {
	name := r.Survey + "\x00" + r.Wave + "\x00" + r.Unit + "\x00" + r.Respondent + "\x00" + NormalizeTime(r.Submitted).Format(time.RFC3339Nano)
	return uuid.NewSHA1(responseNamespace, []byte(name))
}

// internID interns a unit (kind colUnit) or wave ID into r, or reports
// false for a field that is not a valid ID as it stands.
func (r *Row) internID(kind int, b []byte) bool {
	t := &r.waves
	if kind == colUnit {
		t = &r.units
	}
	if *t == nil {
		*t = new(idTable)
	}
	s, k, ok := (*t).intern(b)
	if !ok {
		return false
	}
	if kind == colUnit {
		r.Unit, r.UnitKey = s, k
	} else {
		r.Wave, r.WaveKey = s, k
	}
	return true
}

func (r *Row) internString(b []byte) string {
	if s, ok := r.intern[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(r.intern) < 1<<16 {
		r.intern[s] = s
	}
	return s
}

// fill maps the fields of one record onto r. line is the record's line.
// It returns every problem of the record, in the order of the columns:
// nil, a *ParseError, or ParseErrors.
func (l *csvLayout) fill(r *Row, line int, fields [][]byte) error {
	r.Line = line
	if len(fields) != len(l.kind) {
		return &ParseError{Line: line, Reason: fmt.Sprintf("%d fields, the header has %d", len(fields), len(l.kind))}
	}
	if len(r.Values) != len(l.s.Items) {
		r.Values = make([]int, len(l.s.Items))
	}
	for i := range r.Values {
		r.Values[i] = Skipped
	}
	r.ID, r.Unit, r.Wave, r.UnitKey, r.WaveKey, r.Submitted = uuid.Nil, "", "", -1, -1, time.Time{}
	r.respondent, r.comment, r.segments, r.texts = nil, nil, r.segments[:0], r.texts[:0]
	var pes []*ParseError
	perr := func(c int, reason string) {
		pes = append(pes, &ParseError{Line: line, Column: c + 1, Header: l.headers[c], Reason: reason})
	}
	text := func(c int, f []byte) []byte {
		if reason, ok := textProblem(f); !ok {
			perr(c, reason)
		}
		return f
	}
	for c, f := range fields {
		switch l.kind[c] {
		case colItem:
			if len(f) == 1 && f[0] >= '0' && f[0] <= '9' { // the common case, first
				if v := int(f[0] - '0'); v >= l.min[c] && v <= l.max[c] {
					r.Values[l.item[c]] = v
					continue
				}
			}
			f = trimSpace(f)
			if len(f) == 0 {
				continue
			}
			v, ok := atoi(f)
			if !ok {
				perr(c, fmt.Sprintf("answer %q is not an integer", f))
				continue
			}
			if v < l.min[c] || v > l.max[c] {
				it := &l.s.Items[l.item[c]]
				perr(c, fmt.Sprintf("answer %d outside scale %s of item %s", v, it.Scale, it.ID))
				continue
			}
			r.Values[l.item[c]] = v
		case colUnit, colWave:
			f = trimSpace(f)
			if !r.internID(l.kind[c], f) {
				perr(c, fmt.Sprintf("%q is not a valid ID", f))
				continue
			}
		case colSubmitted:
			f = trimSpace(f)
			t, ok := l.parseTime(f)
			if !ok {
				perr(c, fmt.Sprintf("time %q does not match layout %s", f, l.opts.TimeLayout))
				continue
			}
			r.Submitted = t
		case colID:
			f = bytes.TrimSpace(f)
			if len(f) == 0 {
				continue
			}
			id, err := uuid.ParseBytes(f)
			if err != nil {
				perr(c, fmt.Sprintf("response ID %q is not a UUID", f))
				continue
			}
			r.ID = id
		case colRespondent:
			r.respondent = text(c, f)
		case colComment:
			r.comment = text(c, f)
		case colSegment:
			r.segments = append(r.segments, segmentValue{l.segName[c], text(c, bytes.TrimSpace(f))})
		case colText:
			r.texts = append(r.texts, segmentValue{l.textIDs[l.item[c]], text(c, bytes.TrimSpace(f))})
		}
	}
	if len(pes) == 0 && r.Submitted.IsZero() {
		return &ParseError{Line: line, Column: l.col(colSubmitted), Header: l.opts.Submitted, Reason: "submitted time missing"}
	}
	return parseErr(pes)
}

func (l *csvLayout) col(kind int) int {
	for c, k := range l.kind {
		if k == kind {
			return c + 1
		}
	}
	return 0
}

// parseTime reads a submitted time, normalized. The common UTC form of
// RFC 3339 without fractional seconds ("2026-01-05T09:00:00Z") is read
// directly; anything else goes through time.ParseInLocation.
func (l *csvLayout) parseTime(f []byte) (time.Time, bool) {
	if l.rfc3339 && len(f) == 20 && f[4] == '-' && f[7] == '-' && f[10] == 'T' && f[13] == ':' && f[16] == ':' && f[19] == 'Z' {
		y, ok1 := digits(f[0:4])
		mo, ok2 := digits(f[5:7])
		d, ok3 := digits(f[8:10])
		h, ok4 := digits(f[11:13])
		mi, ok5 := digits(f[14:16])
		sec, ok6 := digits(f[17:19])
		if ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysIn(mo, y) && h < 24 && mi < 60 && sec < 60 {
			return time.Unix(unixSeconds(y, mo, d, h, mi, sec), 0).UTC(), true
		}
	}
	t, err := time.ParseInLocation(l.opts.TimeLayout, string(f), l.loc)
	if err != nil {
		return time.Time{}, false
	}
	return NormalizeTime(t), true
}

func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// daysIn returns the number of days of month m of year y (Gregorian).
func daysIn(m, y int) int {
	if m == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		return 29
	}
	return monthDays[m]
}

var monthDays = [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// unixSeconds returns the Unix time of a valid UTC civil date and time,
// counting days with the days-from-civil algorithm of Howard Hinnant
// ("chrono-Compatible Low-Level Date Algorithms").
func unixSeconds(y, m, d, h, mi, s int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	days := int64(era)*146097 + int64(doe) - 719468
	return days*86400 + int64(h*3600+mi*60+s)
}

// trimSpace is bytes.TrimSpace with a fast path for fields without
// surrounding blanks.
func trimSpace(b []byte) []byte {
	if len(b) == 0 || (b[0] > ' ' && b[len(b)-1] > ' ') {
		return b
	}
	return bytes.TrimSpace(b)
}

// atoi parses a small decimal integer with an optional sign.
func atoi(b []byte) (int, bool) {
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// csvSource is the shared setup of a CSV input: options, parser, header
// and layout.
type csvSource struct {
	sp     *splitter
	layout *csvLayout
	comma  byte
	max    int   // MaxRecordBytes
	head   chunk // the records after the header in the first chunk read
}

func (src *csvSource) parser() recordParser { return recordParser{comma: src.comma, max: src.max} }

// nextChunk returns the first chunk after the header, then the splitter's.
func (src *csvSource) nextChunk(buf []byte) (chunk, error) {
	if len(src.head.data) > 0 {
		c := src.head
		src.head = chunk{}
		return c, nil
	}
	return src.sp.next(buf)
}

func openCSV(r io.Reader, s Survey, opts *CSVOptions) (*csvSource, error) {
	o := opts.withDefaults()
	if o.Comma <= 0 || o.Comma >= 0x80 || o.Comma == '"' || o.Comma == '\n' || o.Comma == '\r' {
		return nil, &ParseError{Line: 1, Reason: fmt.Sprintf("invalid delimiter %q: use an ASCII character other than quote and newline", o.Comma)}
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	src := &csvSource{sp: newSplitter(r, 1, o.MaxRecordBytes, byte(o.Comma)), comma: byte(o.Comma), max: o.MaxRecordBytes}
	// The header is the first record of the first chunk; the rest of that
	// chunk is the first chunk of data.
	first, err := src.sp.next(nil)
	if errors.Is(err, io.EOF) {
		return nil, &ParseError{Line: 1, Reason: "empty input: a header line is required"}
	}
	if err != nil {
		return nil, fmt.Errorf("survey: reading CSV: %w", err)
	}
	if first.perr != nil {
		return nil, first.perr
	}
	p := src.parser()
	next, nl, fields, perr := p.parse(first.data, 0)
	if perr != nil {
		perr.Line = 1
		return nil, perr
	}
	if len(fields) == 0 {
		return nil, &ParseError{Line: 1, Reason: "the first line is blank: a header line is required"}
	}
	layout, err := newLayout(s, o, fields)
	if err != nil {
		return nil, err
	}
	src.layout = layout
	src.head = chunk{data: first.data[next:], line: first.line + nl}
	return src, nil
}

// CSVReader reads responses from a wide CSV file one at a time, with
// memory that does not grow with the file. It is not safe for concurrent
// use; for large files, [ScanCSV] parses on all cores.
type CSVReader struct {
	src    *csvSource
	p      recordParser
	cur    chunk
	pos    int
	line   int
	row    Row
	buf    []byte
	failed error
}

// NewCSVReader reads the header of r and maps its columns onto survey s.
// A header that names unknown columns, repeats a column or lacks a
// required one is a *ParseError listing every problem.
func NewCSVReader(r io.Reader, s Survey, opts *CSVOptions) (*CSVReader, error) {
	src, err := openCSV(r, s, opts)
	if err != nil {
		return nil, err
	}
	return &CSVReader{src: src, p: src.parser(), row: Row{intern: map[string]string{}}}, nil
}

// Header returns the column names.
func (cr *CSVReader) Header() []string { return slices.Clone(cr.src.layout.headers) }

// ReadRow reads the next record into the reader's [Row] and returns it; the
// row is valid until the next call. At the end of the input it returns
// io.EOF. A malformed record is a *ParseError naming its line and column,
// or [ParseErrors] when it has several problems; with
// CSVOptions.SkipBadRows the next call goes on at the following record
// (at the bad record's second line when the record itself is malformed,
// so that one bad record never hides the ones after it), otherwise every
// later call returns the same error.
func (cr *CSVReader) ReadRow() (*Row, error) {
	if cr.failed != nil {
		return nil, cr.failed
	}
	for {
		for cr.pos >= len(cr.cur.data) {
			c, err := cr.src.nextChunk(cr.buf)
			if err != nil {
				if !errors.Is(err, io.EOF) {
					cr.failed = fmt.Errorf("survey: reading CSV: %w", err)
				} else {
					cr.failed = io.EOF
				}
				return nil, cr.failed
			}
			cr.cur, cr.pos, cr.line, cr.buf = c, 0, c.line, c.data
			if c.perr != nil {
				return nil, cr.bad(c.perr)
			}
		}
		start, from := cr.line, cr.pos
		if rest := cr.cur.data[cr.pos:]; len(rest) > 0 && rest[0] != '\n' && rest[0] != '\r' {
			// A plain record read in one pass, as ScanCSV reads it.
			end := bytes.IndexByte(rest, '\n')
			rec := rest
			if end >= 0 {
				rec = rest[:end]
			}
			if bytes.IndexByte(rec, '"') < 0 && cr.src.layout.fillFast(&cr.row, start, rec, cr.p.comma) {
				cr.pos += len(rec)
				if end >= 0 {
					cr.pos++
					cr.line++
				}
				return &cr.row, nil
			}
		}
		next, nl, fields, perr := cr.p.parse(cr.cur.data, cr.pos)
		cr.pos, cr.line = next, cr.line+nl
		if perr == nil && fields == nil {
			continue // blank line
		}
		if perr != nil {
			cr.src.layout.locate(perr, start)
			return nil, cr.bad(perr)
		}
		if err := cr.src.layout.fill(&cr.row, start, fields); err != nil {
			if len(fields) != len(cr.src.layout.kind) && nl > 1 {
				// A record of several lines with the wrong number of
				// fields: a quote out of place joined lines that are
				// records of their own.
				cr.pos, nl = secondLine(cr.cur.data, from)
				cr.line = start + nl
			}
			return nil, cr.bad(err)
		}
		return &cr.row, nil
	}
}

// bad returns the error of a bad row, which fails every later read
// without SkipBadRows.
func (cr *CSVReader) bad(err error) error {
	if !cr.src.layout.opts.SkipBadRows {
		cr.failed = err
	}
	return err
}

// Read reads the next response. Errors are those of [CSVReader.ReadRow].
func (cr *CSVReader) Read() (Response, error) {
	row, err := cr.ReadRow()
	if err != nil {
		return Response{}, err
	}
	return row.Response(cr.src.layout.s), nil
}

// ScanCSV parses a wide CSV file on several goroutines and calls fn for
// every record, from workers goroutines at once (0 means
// runtime.GOMAXPROCS); worker, in [0, workers), tells which goroutine calls,
// so callers can keep per-goroutine state (a tallier each, merged at the
// end). Rows arrive in no particular order. Memory is bounded by a few
// chunks per worker, whatever the size of the input.
//
// The first malformed record of the file fails the scan with its
// *ParseError (the same error whatever the number of workers), unless
// CSVOptions.SkipBadRows is set, in which case bad rows go to
// CSVOptions.OnBadRow and the scan goes on. An error returned by fn stops
// the scan and is returned, wrapped with the row's line.
func ScanCSV(ctx context.Context, r io.Reader, s Survey, opts *CSVOptions, workers int, fn func(worker int, row *Row) error) error {
	src, err := openCSV(r, s, opts)
	if err != nil {
		return err
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	type job struct {
		c   chunk
		seq int64
	}
	jobs := make(chan job, workers)
	free := make(chan []byte, 2*workers+1)
	for range cap(free) {
		free <- nil
	}
	var (
		mu       sync.Mutex // guards firstErr, errLine and OnBadRow calls
		firstErr error
		errLine  = int(^uint(0) >> 1)
		stopSeq  atomic.Int64 // chunks after this one are not needed
	)
	stopSeq.Store(math.MaxInt64)
	fail := func(seq int64, line int, e error) {
		mu.Lock()
		defer mu.Unlock()
		if line < errLine {
			firstErr, errLine = e, line
		}
		if seq < stopSeq.Load() {
			stopSeq.Store(seq)
		}
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := chunkScanner{l: src.layout, p: src.parser(), row: Row{intern: map[string]string{}}, mu: &mu}
			for j := range jobs {
				if j.seq <= stopSeq.Load() && ctx.Err() == nil {
					if line, err := sc.scan(ctx, j.c, w, fn); err != nil {
						fail(j.seq, line, err)
					}
				}
				select {
				case free <- j.c.data:
				default: // the header's chunk, beyond the pool
				}
			}
		}()
	}
	var readErr error
	for seq := int64(0); seq < stopSeq.Load(); seq++ {
		var buf []byte
		select {
		case buf = <-free:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		c, err := src.nextChunk(buf)
		if err != nil {
			if !errors.Is(err, io.EOF) {
				readErr = fmt.Errorf("survey: reading CSV: %w", err)
			}
			break
		}
		jobs <- job{c, seq}
	}
	close(jobs)
	wg.Wait()
	switch {
	case firstErr != nil:
		return firstErr
	case readErr != nil:
		return readErr
	}
	return ctx.Err()
}

// chunkScanner parses the records of chunks for one goroutine of ScanCSV.
type chunkScanner struct {
	l   *csvLayout
	p   recordParser
	row Row
	mu  *sync.Mutex
}

// scan calls fn for every record of c. It returns the line and error of
// the first record that fails (a bad row without SkipBadRows, or an error
// from fn).
func (sc *chunkScanner) scan(ctx context.Context, c chunk, w int, fn func(int, *Row) error) (int, error) {
	if c.perr != nil {
		return sc.bad(c.perr)
	}
	line := c.line
	for pos, n := 0, 0; pos < len(c.data); n++ {
		if n&1023 == 1023 && ctx.Err() != nil {
			return line, ctx.Err()
		}
		start, from := line, pos
		if rest := c.data[pos:]; len(rest) > 0 && rest[0] != '\n' && rest[0] != '\r' {
			end := bytes.IndexByte(rest, '\n')
			rec := rest
			if end >= 0 {
				rec = rest[:end]
			}
			if bytes.IndexByte(rec, '"') < 0 && sc.l.fillFast(&sc.row, start, rec, sc.p.comma) {
				pos += len(rec)
				if end >= 0 {
					pos++
					line++
				}
				if err := fn(w, &sc.row); err != nil {
					return start, fmt.Errorf("survey: line %d: %w", start, err)
				}
				continue
			}
		}
		next, nl, fields, perr := sc.p.parse(c.data, pos)
		pos, line = next, line+nl
		if perr == nil && fields == nil {
			continue
		}
		var err error
		if perr != nil {
			sc.l.locate(perr, start)
			err = perr
		} else if err = sc.l.fill(&sc.row, start, fields); err != nil && len(fields) != len(sc.l.kind) && nl > 1 {
			pos, nl = secondLine(c.data, from) // as CSVReader.ReadRow does
			line = start + nl
		}
		if err != nil {
			if l, err := sc.bad(err); err != nil {
				return l, err
			}
			continue
		}
		if err := fn(w, &sc.row); err != nil {
			return start, fmt.Errorf("survey: line %d: %w", start, err)
		}
	}
	return 0, nil
}

// bad fails the scan with a bad row's error, or, with SkipBadRows, passes
// its problems to OnBadRow and returns no error.
func (sc *chunkScanner) bad(err error) (int, error) {
	pes := Problems(err)
	if !sc.l.opts.SkipBadRows {
		return pes[0].Line, err
	}
	if sc.l.opts.OnBadRow != nil {
		sc.mu.Lock()
		for _, pe := range pes {
			sc.l.opts.OnBadRow(pe)
		}
		sc.mu.Unlock()
	}
	return 0, nil
}

// locate sets the line and header of a record-level parse error.
func (l *csvLayout) locate(perr *ParseError, line int) {
	perr.Line = line
	if perr.Column > 0 && perr.Column <= len(l.headers) {
		perr.Header = l.headers[perr.Column-1]
	}
}

// CSVWriter writes responses to one survey in the wide format that
// [CSVReader] reads, with the default column names.
type CSVWriter struct {
	w      io.Writer
	s      Survey
	segs   []string
	buf    []byte
	header bool
}

// NewCSVWriter returns a writer of responses to s; segments names the
// segment columns to write after the items.
func NewCSVWriter(w io.Writer, s Survey, segments ...string) *CSVWriter {
	return &CSVWriter{w: w, s: s, segs: segments}
}

// Write writes one response (and the header before the first). Answers to
// items the survey does not have are an error; nothing is dropped.
func (cw *CSVWriter) Write(r Response) error {
	b := cw.buf[:0]
	if !cw.header {
		b = append(b, "response_id,respondent_id,unit_id,wave,submitted_at"...)
		for _, it := range cw.s.Items {
			b = append(b, ',')
			b = appendCSVField(b, it.ID)
		}
		for _, sg := range cw.segs {
			b = append(b, ',')
			b = appendCSVField(b, sg)
		}
		for _, t := range cw.s.TextItems {
			b = append(b, ',')
			b = appendCSVField(b, t.ID)
		}
		b = append(b, ",comment\n"...)
		cw.header = true
	}
	for id := range r.Answers {
		if _, ok := cw.s.Item(id); !ok {
			return fmt.Errorf("survey: response %s answers item %q, which survey %q does not have: %w", r.ID, id, cw.s.ID, ErrInvalid)
		}
	}
	for id := range r.Texts {
		if _, ok := cw.s.TextItem(id); !ok {
			return fmt.Errorf("survey: response %s answers free-text question %q, which survey %q does not have: %w", r.ID, id, cw.s.ID, ErrInvalid)
		}
	}
	for k := range r.Segments {
		if !slices.Contains(cw.segs, k) {
			return fmt.Errorf("survey: response %s has segment %q, which is not a column of this writer: %w", r.ID, k, ErrInvalid)
		}
	}
	b = append(b, r.ID.String()...)
	b = append(b, ',')
	b = appendCSVField(b, r.Respondent)
	b = append(b, ',')
	b = appendCSVField(b, r.Unit)
	b = append(b, ',')
	b = appendCSVField(b, r.Wave)
	b = append(b, ',')
	b = NormalizeTime(r.Submitted).AppendFormat(b, time.RFC3339Nano)
	for _, it := range cw.s.Items {
		b = append(b, ',')
		if v, ok := r.Answers[it.ID]; ok {
			b = strconv.AppendInt(b, int64(v), 10)
		}
	}
	for _, sg := range cw.segs {
		b = append(b, ',')
		b = appendCSVField(b, r.Segments[sg])
	}
	for _, t := range cw.s.TextItems {
		b = append(b, ',')
		b = appendCSVField(b, r.Texts[t.ID])
	}
	b = append(b, ',')
	b = appendCSVField(b, r.Comment)
	b = append(b, '\n')
	cw.buf = b
	_, err := cw.w.Write(b)
	return err
}

func appendCSVField(b []byte, s string) []byte {
	if !strings.ContainsAny(s, ",\"\r\n") && strings.TrimSpace(s) == s {
		return append(b, s...)
	}
	b = append(b, '"')
	b = append(b, strings.ReplaceAll(s, `"`, `""`)...)
	return append(b, '"')
}
