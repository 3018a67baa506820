package survey

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
	"strings"
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
	// lo4 and hi4 hold, with four or more items, the least and greatest
	// one-digit answers of the four columns from this one, in the 16-bit
	// lanes fourDigits returns them in; next4 reports that their items
	// are this one's and the three after it.
	lo4, hi4 uint64
	next4    bool
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
	for c := range l.cols {
		col := &l.cols[c]
		if col.items < 4 {
			continue
		}
		col.next4 = true
		for k, o := range l.cols[c : c+4] {
			lo, hi := uint64(max(o.min, 0)), uint64(min(o.max, 9))
			if o.min > 9 || o.max < 0 {
				lo, hi = 1, 0 // no digit
			}
			col.lo4 |= lo << (16 * k)
			col.hi4 |= hi << (16 * k)
			col.next4 = col.next4 && o.item == col.item+k
		}
	}
	for i, r := range read {
		if !r {
			l.unread = append(l.unread, i)
		}
	}
	return l, nil
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
	texts []segmentValue
	// units and waves intern and number the IDs read; days caches the
	// dates of the submitted times read.
	units, waves *idTable
	days         *dayCache
}

// idTable interns the valid IDs of one column and numbers them.
type idTable struct {
	names []string
	// slots find the numbered IDs by a hash of all their bytes: an open
	// addressing table at most a quarter full, so that most lookups hash
	// a word or two and compare one string (a map hashes and compares
	// more, and a cache by the last bytes alone missed every other row of
	// an export of a few hundred teams).
	slots []idSlot
	// recent holds recently read IDs beyond the ones numbered, by a hash
	// of their bytes.
	recent [256]idSlot
}

// idSlot is an ID and its key; an empty slot has no ID (IDs are not
// empty). w holds the bytes of an ID of at most eight, so that finding it
// compares one word instead of calling for a comparison of strings.
type idSlot struct {
	s string
	w uint64
	k int32
}

// maxIDs bounds the IDs an idTable numbers; others are read unnumbered.
const maxIDs = 1 << 16

// idHash hashes the bytes of an ID, eight at a time.
func idHash(b []byte) uint {
	h := uint64(len(b)) * 0x9e3779b97f4a7c15
	for len(b) >= 8 {
		h = bits.RotateLeft64((h^binary.LittleEndian.Uint64(b))*0x87c37b91114253d5, 31)
		b = b[8:]
	}
	tail, _ := idWord(b)
	return fmix(h ^ tail)
}

// shortHash is idHash of an ID b of n <= 8 bytes, from w = idWord(b).
func shortHash(n int, w uint64) uint {
	h := uint64(n) * 0x9e3779b97f4a7c15
	if n == 8 {
		return fmix(bits.RotateLeft64((h^w)*0x87c37b91114253d5, 31))
	}
	return fmix(h ^ w)
}

// fmix is the finalizer of MurmurHash3 (fmix64): every byte reaches the
// low bits, which pick the slot.
func fmix(h uint64) uint {
	h = (h ^ h>>33) * 0xff51afd7ed558ccd
	h = (h ^ h>>33) * 0xc4ceb9fe1a85ec53
	return uint(h ^ h>>33)
}

// idWord returns the bytes of b, when there are at most eight, as a word
// (the first byte lowest, zeros after the last).
func idWord(b []byte) (uint64, bool) {
	n := len(b)
	if n > 8 {
		return 0, false
	}
	if cap(b) >= 8 {
		// One load: the bytes after b, up to its capacity, are masked off.
		return binary.LittleEndian.Uint64(b[:8]) & (^uint64(0) >> (64 - 8*n)), true
	}
	var w uint64
	for i, c := range b {
		w |= uint64(c) << (8 * i)
	}
	return w, true
}

// intern returns the interned string of a valid ID and its key, or false
// for a field that is not one as it stands (blanks around it included).
func (t *idTable) intern(b []byte) (string, int32, bool) {
	w, short := idWord(b)
	var h uint
	if short {
		h = shortHash(len(b), w)
	} else {
		h = idHash(b)
	}
	if mask := uint(len(t.slots)) - 1; len(t.slots) > 0 {
		if short {
			for i := h & mask; t.slots[i].s != ""; i = (i + 1) & mask {
				if sl := &t.slots[i]; sl.w == w && len(sl.s) == len(b) {
					return sl.s, sl.k, true
				}
			}
		} else {
			for i := h & mask; t.slots[i].s != ""; i = (i + 1) & mask {
				if sl := &t.slots[i]; sl.s == string(b) {
					return sl.s, sl.k, true
				}
			}
		}
	}
	slot := &t.recent[h&255]
	if slot.s == string(b) && len(b) > 0 {
		return slot.s, slot.k, true
	}
	s := string(b)
	if !ValidID(s) {
		return "", -1, false
	}
	if len(t.names) >= maxIDs {
		slot.s, slot.k = s, -1
		return s, -1, true
	}
	k := int32(len(t.names))
	t.names = append(t.names, s)
	if 4*len(t.names) > len(t.slots) {
		// A power of two, so that a mask finds a slot.
		t.slots = make([]idSlot, 1<<max(6, bits.Len(uint(8*len(t.names)-1))))
		// Written once before it is read: memory fresh from the
		// operating system (as a large table's often is) that is read
		// first maps a shared page of zeros, and the first write then
		// copies that page and interrupts the program's other cores to
		// flush the old mapping; written first, such a page faults
		// once, alone.
		clear(t.slots)
		for j, name := range t.names {
			t.put(idHash([]byte(name)), name, int32(j))
		}
	} else {
		t.put(h, s, k)
	}
	return s, k, true
}

// put adds a numbered ID to the slots, which have room.
func (t *idTable) put(h uint, s string, k int32) {
	mask := uint(len(t.slots)) - 1
	i := h & mask
	for t.slots[i].s != "" {
		i = (i + 1) & mask
	}
	w, _ := idWord([]byte(s))
	t.slots[i] = idSlot{s: s, w: w, k: k}
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
func (r *Row) HasComment() bool { return len(r.comment) > 0 && len(bytes.TrimSpace(r.comment)) > 0 }

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
