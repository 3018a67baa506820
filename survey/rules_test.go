package survey_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/survey"
)

// The rules every reader applies to bad input: every problem of a row,
// bounded records, text checked, one rule for header names.

func TestCSVReaderReportsEveryProblemOfARow(t *testing.T) {
	in := header + "p1,t,w,2026-01-05T09:00:00Z,6,0,11,9\n" + "p2,t,w,2026-01-05T09:00:00Z,4,2,3,9\n"
	_, errs := readAll(t, in, &survey.CSVOptions{SkipBadRows: true})
	require.Len(t, errs, 1, "one bad row")
	pes := survey.Problems(errs[0])
	require.Len(t, pes, 3, "the three answers off the scale are all reported: %v", errs[0])
	for i, col := range []int{5, 6, 7} {
		assert.Equal(t, 2, pes[i].Line)
		assert.Equal(t, col, pes[i].Column)
		assert.Contains(t, pes[i].Reason, "outside scale")
	}
	var first *survey.ParseError
	require.ErrorAs(t, errs[0], &first, "errors.As finds the first problem")
	assert.Equal(t, 5, first.Column)
	assert.ErrorIs(t, errs[0], survey.ErrInvalid)

	var got []*survey.ParseError
	var mu sync.Mutex
	err := survey.ScanCSV(context.Background(), strings.NewReader(in), testSurvey(),
		&survey.CSVOptions{SkipBadRows: true, OnBadRow: func(pe *survey.ParseError) { mu.Lock(); got = append(got, pe); mu.Unlock() }},
		2, func(int, *survey.Row) error { return nil })
	require.NoError(t, err)
	assert.Len(t, got, 3, "ScanCSV passes every problem to OnBadRow")
}

// unclosedFile returns a file of n data rows whose row on line bad opens a
// quote it never closes.
func unclosedFile(n, bad int) string {
	var b strings.Builder
	b.WriteString(header)
	for i := range n {
		line := i + 2
		if line == bad {
			fmt.Fprintf(&b, "\"p%d,t,w,2026-01-05T09:00:00Z,4,2,3,9\n", i)
			continue
		}
		fmt.Fprintf(&b, "p%d,t,w,2026-01-05T09:00:00Z,4,2,3,9\n", i)
	}
	return b.String()
}

func TestUnclosedQuoteDoesNotSwallowLaterRows(t *testing.T) {
	in := unclosedFile(5000, 3)
	rs, errs := readAll(t, in, &survey.CSVOptions{SkipBadRows: true})
	require.Len(t, errs, 1)
	pes := survey.Problems(errs[0])
	require.Len(t, pes, 1)
	assert.Equal(t, 3, pes[0].Line)
	assert.Equal(t, 1, pes[0].Column)
	assert.Contains(t, pes[0].Reason, "not closed")
	assert.Len(t, rs, 4999, "every other row is read")

	for _, chunk := range []int{64, 4096} {
		restore := survey.SetChunkSize(chunk)
		for _, workers := range []int{1, 3} {
			var n int
			var bad []int
			var mu sync.Mutex
			err := survey.ScanCSV(context.Background(), strings.NewReader(in), testSurvey(),
				&survey.CSVOptions{SkipBadRows: true, OnBadRow: func(pe *survey.ParseError) { mu.Lock(); bad = append(bad, pe.Line); mu.Unlock() }},
				workers, func(int, *survey.Row) error { mu.Lock(); n++; mu.Unlock(); return nil })
			require.NoError(t, err)
			assert.Equal(t, 4999, n, "chunk %d, workers %d", chunk, workers)
			assert.Equal(t, []int{3}, bad)
		}
		restore()
	}
}

// endless is a reader of a header, one row, then a row whose quoted
// comment runs on for size bytes, never closed.
type endless struct {
	head []byte
	size int
	sent int
}

func (e *endless) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(e.head) > 0 {
			k := copy(p[n:], e.head)
			e.head = e.head[k:]
			n += k
			continue
		}
		if e.sent >= e.size {
			if n == 0 {
				return 0, io.EOF
			}
			return n, nil
		}
		p[n] = 'x'
		n++
		e.sent++
	}
	return n, nil
}

func TestRecordSizeIsCapped(t *testing.T) {
	const size = 60 << 20
	head := "respondent_id,unit_id,wave,submitted_at,q1,q2,q3,enps,comment\n" +
		"p1,t,w,2026-01-05T09:00:00Z,4,2,3,9,fine\n" +
		"p2,t,w,2026-01-05T09:00:00Z,4,2,3,9,\"never closed"
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	cr, err := survey.NewCSVReader(&endless{head: []byte(head), size: size}, testSurvey(), &survey.CSVOptions{SkipBadRows: true})
	require.NoError(t, err)
	var good int
	var problems []*survey.ParseError
	for {
		_, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			problems = append(problems, survey.Problems(err)...)
			continue
		}
		good++
	}
	runtime.ReadMemStats(&after)
	assert.Equal(t, 1, good)
	require.NotEmpty(t, problems)
	assert.Equal(t, 3, problems[0].Line, "the record is named by its line")
	assert.Equal(t, 9, problems[0].Column, "and by the column of the field that runs on")
	assert.Contains(t, problems[0].Reason, "longer than 1048576 bytes")
	alloc := after.TotalAlloc - before.TotalAlloc
	assert.Less(t, alloc, uint64(24<<20), "a 60 MB field is not held in memory: allocated %d bytes", alloc)

	// A smaller limit applies; a record within it is read.
	in := header + "p1,t,w,2026-01-05T09:00:00Z,4,2,3,9\n" + "p2,t,w,2026-01-05T09:00:00Z,4,2,3,9" + strings.Repeat(" ", 100) + "\n"
	rs, errs := readAll(t, in, &survey.CSVOptions{SkipBadRows: true, MaxRecordBytes: 60})
	require.Len(t, rs, 1)
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0].Error(), "line 3")
	assert.Contains(t, errs[0].Error(), "longer than 60 bytes")

	// JSON Lines: the same limit, the same recovery.
	long := `{"id":"00000000-0000-4000-8000-000000000001","survey":"pulse","wave":"w","unit":"t","submitted":"2026-01-05T09:00:00Z","answers":{"q1":4},"comment":"` + strings.Repeat("x", 200) + "\"}\n"
	ok := `{"id":"00000000-0000-4000-8000-000000000002","survey":"pulse","wave":"w","unit":"t","submitted":"2026-01-05T09:00:00Z","answers":{"q1":4}}` + "\n"
	got, jerrs := readJSONL([]byte(ok+long+ok), &survey.JSONLOptions{SkipBadRows: true, MaxRecordBytes: 180})
	require.Len(t, jerrs, 1)
	assert.Contains(t, jerrs[0].Error(), "line 2")
	assert.Len(t, got, 2)
}

func TestReadersRejectInvalidText(t *testing.T) {
	const hdr = "respondent_id,unit_id,wave,submitted_at,q1,q2,q3,enps,tenure,comment\n"
	cases := []struct {
		name, row string
		col       int
		reason    string
	}{
		{"invalid UTF-8 in a comment", "p1,t,w,2026-01-05T09:00:00Z,4,2,3,9,a,caf\xe9\n", 10, "invalid UTF-8"},
		{"NUL in a comment", "p1,t,w,2026-01-05T09:00:00Z,4,2,3,9,a,x\x00y\n", 10, "NUL"},
		{"invalid UTF-8 in a respondent", "p\xff1,t,w,2026-01-05T09:00:00Z,4,2,3,9,a,\n", 1, "invalid UTF-8"},
		{"NUL in a quoted respondent", "\"p\x001\",t,w,2026-01-05T09:00:00Z,4,2,3,9,a,\n", 1, "NUL"},
		{"invalid UTF-8 in a segment", "p1,t,w,2026-01-05T09:00:00Z,4,2,3,9,\xc3,\n", 9, "invalid UTF-8"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, small := range []bool{true, false} {
				// The same answer for one row and for a row among many.
				var b strings.Builder
				b.WriteString(hdr)
				n := 1
				if !small {
					n = 3000
				}
				for i := range n - 1 {
					fmt.Fprintf(&b, "q%d,t,w,2026-01-05T09:00:00Z,4,2,3,9,a,fine\n", i)
				}
				b.WriteString(c.row)
				_, errs := readAll(t, b.String(), &survey.CSVOptions{SkipBadRows: true, Segments: []string{"tenure"}})
				require.Len(t, errs, 1)
				pes := survey.Problems(errs[0])
				require.Len(t, pes, 1)
				assert.Equal(t, n+1, pes[0].Line)
				assert.Equal(t, c.col, pes[0].Column)
				assert.Contains(t, pes[0].Reason, c.reason)
			}
		})
	}
	t.Run("JSON Lines", func(t *testing.T) {
		line := func(comment string) string {
			return `{"id":"00000000-0000-4000-8000-000000000001","survey":"pulse","wave":"w","unit":"t","submitted":"2026-01-05T09:00:00Z","answers":{"q1":4},"comment":"` + comment + "\"}\n"
		}
		_, errs := readJSONL([]byte(line("ok")+line("caf\xe9")+line(`x\u0000y`)), &survey.JSONLOptions{SkipBadRows: true})
		require.Len(t, errs, 2)
		pes := survey.Problems(errs[0])
		require.Len(t, pes, 1)
		assert.Equal(t, 2, pes[0].Line)
		assert.Equal(t, strings.Index(line("caf\xe9"), "\xe9")+1, pes[0].Column, "the byte where the invalid UTF-8 starts")
		pes = survey.Problems(errs[1])
		require.Len(t, pes, 1)
		assert.Equal(t, 3, pes[0].Line)
		assert.Equal(t, "comment", pes[0].Header)
		assert.Contains(t, pes[0].Reason, "NUL")
	})
	t.Run("validation", func(t *testing.T) {
		s := testSurvey()
		r := survey.Response{ID: uuid.New(), Survey: s.ID, Wave: "w", Unit: "t", Respondent: "a\xffb", Comment: "x\x00",
			Submitted: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC), Answers: map[string]int{"q1": 4}, Segments: map[string]string{"tenure": "\xc3"}}
		err := survey.ValidateResponses(okCatalog{s}, []survey.Response{r})
		require.Error(t, err)
		for _, field := range []string{".respondent", ".comment", ".segments.tenure"} {
			assert.Contains(t, err.Error(), field)
		}
	})
}

// okCatalog knows survey s, any wave of it and any unit.
type okCatalog struct{ s survey.Survey }

func (c okCatalog) Survey(id string) (survey.Survey, bool) { return c.s, id == c.s.ID }
func (c okCatalog) Wave(id string) (survey.Wave, bool) {
	return survey.Wave{ID: id, Survey: c.s.ID, Opens: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Closes: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}, true
}
func (c okCatalog) HasUnit(string) bool { return true }

func TestJSONLReaderReportsEveryProblemAndReadsAByteOrderMark(t *testing.T) {
	s := testSurvey()
	in := "\ufeff" + `{"id":"00000000-0000-4000-8000-000000000001","survey":"pulse","wave":"w","unit":"t","submitted":"2026-01-05T09:00:00Z","answers":{"q1":4}}` + "\n" +
		`{"id":"00000000-0000-4000-8000-000000000002","survey":"pulse","wave":"w","unit":"t","submitted":"2026-01-05T09:00:00Z","answers":{"q1":6,"q2":0,"enps":11,"qX":1}}` + "\n"
	rs, errs := readJSONL([]byte(in), &survey.JSONLOptions{Survey: &s, SkipBadRows: true})
	require.Len(t, rs, 1, "a byte-order mark before the first line is skipped, as in CSV")
	require.Len(t, errs, 1)
	pes := survey.Problems(errs[0])
	var fields []string
	for _, pe := range pes {
		assert.Equal(t, 2, pe.Line)
		fields = append(fields, pe.Header)
	}
	assert.Equal(t, []string{"answers.enps", "answers.q1", "answers.q2", "answers.qX"}, fields)
}

func TestHeaderNamesFollowOneRule(t *testing.T) {
	in := "\ufeff Respondent_ID ,Unit_ID,WAVE,Submitted_At,Q1,q2,q3,ENPS,Tenure\n" +
		"p1,t,w,2026-01-05T09:00:00Z,4,2,3,9,0-2y\n"
	rs, errs := readAll(t, in, &survey.CSVOptions{Segments: []string{"tenure"}})
	require.Empty(t, errs)
	require.Len(t, rs, 1)
	assert.Equal(t, "t", rs[0].Unit)
	assert.Equal(t, map[string]int{"q1": 4, "q2": 2, "q3": 3, "enps": 9}, rs[0].Answers)
	assert.Equal(t, map[string]string{"tenure": "0-2y"}, rs[0].Segments, "a segment is named as configured")

	_, err := survey.NewCSVReader(strings.NewReader("respondent_id,unit_id,Unit_ID,wave,submitted_at,q1\n"), testSurvey(), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "column 3 (Unit_ID): same name as column 2")

	idx, err := survey.HeaderIndex([]string{"\ufeffItem_ID", " Scale ", "TEXT"})
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"item_id": 0, "scale": 1, "text": 2}, idx)
	_, err = survey.HeaderIndex([]string{"scale", "Scale"})
	assert.ErrorIs(t, err, survey.ErrInvalid)

	items, err := survey.ReadItemsCSV(strings.NewReader("Item_ID,Behavior,SCALE,Reverse,Text\nq1,agility,likert5,false,One\n"))
	require.NoError(t, err)
	require.Len(t, items, 1)
	_, err = survey.ReadItemsCSV(strings.NewReader("item_id,Item_ID,scale,text\nq1,q1,likert5,One\n"))
	assert.ErrorIs(t, err, survey.ErrInvalid, "the items reader refuses a repeated column too")

	// Two items whose IDs differ only in case are matched exactly.
	s := testSurvey()
	s.Items = append(s.Items, survey.Item{ID: "Q1", Text: "Other", Scale: survey.Likert5, Construct: "agility", Kind: survey.Behavior, Version: 1})
	cr, err := survey.NewCSVReader(strings.NewReader("unit_id,wave,submitted_at,q1,Q1\nt,w,2026-01-05T09:00:00Z,1,5\n"), s, nil)
	require.NoError(t, err)
	r, err := cr.Read()
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"q1": 1, "Q1": 5}, r.Answers)
}

func TestContentID(t *testing.T) {
	base := survey.Response{Survey: "pulse", Wave: "w1", Unit: "t1", Respondent: "p1",
		Submitted: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC), Answers: map[string]int{"q1": 4, "q2": 2},
		Comment: "c", Segments: map[string]string{"tenure": "0-2y"}}
	id := survey.ContentID(base, 0)
	assert.Equal(t, byte(5), id[6]>>4, "a version 5 UUID")
	variants := map[string]func(r *survey.Response){
		"survey":     func(r *survey.Response) { r.Survey = "pulse2" },
		"wave":       func(r *survey.Response) { r.Wave = "w2" },
		"unit":       func(r *survey.Response) { r.Unit = "t2" },
		"respondent": func(r *survey.Response) { r.Respondent = "" },
		"submitted":  func(r *survey.Response) { r.Submitted = r.Submitted.Add(time.Microsecond) },
		"answer":     func(r *survey.Response) { r.Answers = map[string]int{"q1": 4, "q2": 3} },
		"item":       func(r *survey.Response) { r.Answers = map[string]int{"q1": 4, "q3": 2} },
		"skipped":    func(r *survey.Response) { r.Answers = map[string]int{"q1": 4} },
		"comment":    func(r *survey.Response) { r.Comment = "" },
		"segment":    func(r *survey.Response) { r.Segments = map[string]string{"tenure": "2-5y"} },
		"no segment": func(r *survey.Response) { r.Segments = nil },
		// Fields that run into each other must not collide.
		"shifted": func(r *survey.Response) { r.Wave, r.Unit = "w1t", "1" },
	}
	seen := map[uuid.UUID]string{id: "base"}
	for name, edit := range variants {
		r := base.Clone()
		edit(&r)
		got := survey.ContentID(r, 0)
		prev, dup := seen[got]
		assert.False(t, dup, "%s gives the ID of %s", name, prev)
		seen[got] = name
	}
	occ := map[uuid.UUID]bool{}
	for k := range 5 {
		occ[survey.ContentID(base, k)] = true
	}
	assert.Len(t, occ, 5, "identical responses get distinct IDs through their occurrence")

	same := base.Clone()
	same.ID = uuid.New()
	same.Submitted = base.Submitted.In(time.FixedZone("x", 3600)).Add(300 * time.Nanosecond)
	same.Answers = map[string]int{"q2": 2, "q1": 4}
	assert.Equal(t, id, survey.ContentID(same, 0), "the ID ignores r.ID, the zone, nanoseconds below the microsecond")
	assert.True(t, bytes.Equal(survey.AppendContent(nil, base), survey.AppendContent(nil, same)))
	empty := base.Clone()
	empty.Segments = map[string]string{}
	assert.Equal(t, survey.ContentID(func() survey.Response { r := base.Clone(); r.Segments = nil; return r }(), 0), survey.ContentID(empty, 0),
		"nil and empty maps are the same content")
	keys := slices.Collect(func(yield func(string) bool) {
		for k := range variants {
			if !yield(k) {
				return
			}
		}
	})
	assert.Len(t, seen, len(keys)+1)
}

// TestContentHasherMatchesContentID: the hasher gives every response the
// content and ID that AppendContent and ContentID give it.
func TestContentHasherMatchesContentID(t *testing.T) {
	s := testSurvey()
	h := survey.NewContentHasher(s)
	base := survey.Response{Survey: "pulse", Wave: "w1", Unit: "t1", Respondent: "p1",
		Submitted: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC), Answers: map[string]int{"q3": 4, "q1": 2, "enps": 10},
		Comment: "c", Segments: map[string]string{"tenure": "0-2y", "role": "x"}}
	variants := []func(r *survey.Response){
		func(*survey.Response) {},
		func(r *survey.Response) { r.Answers = nil },
		func(r *survey.Response) { r.Answers = map[string]int{"q2": 1} },
		func(r *survey.Response) { r.Answers["not_an_item"] = 3 },
		func(r *survey.Response) { r.Segments = nil; r.Comment = "" },
		func(r *survey.Response) { r.Texts = map[string]string{"why": "because"} },
	}
	for i, edit := range variants {
		r := base.Clone()
		r.Answers = maps.Clone(base.Answers)
		edit(&r)
		assert.Equal(t, survey.AppendContent(nil, r), h.Content(r), "variant %d", i)
		for k := range 3 {
			assert.Equal(t, survey.ContentID(r, k), h.ID(r, k), "variant %d, occurrence %d", i, k)
		}
	}
}
