package survey_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
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

// testSurvey has three Likert items and an eNPS item.
func testSurvey() survey.Survey {
	return survey.Survey{ID: "pulse", Name: "Pulse", Audience: survey.Employee, Version: 1, Items: []survey.Item{
		{ID: "q1", Text: "One", Scale: survey.Likert5, Construct: "agility", Kind: survey.Behavior, Version: 1},
		{ID: "q2", Text: "Two", Scale: survey.Likert5, Construct: "agility", Kind: survey.Behavior, Version: 1, Reverse: true},
		{ID: "q3", Text: "Three", Scale: survey.Likert5, Construct: "empowerment", Kind: survey.Belief, Version: 1},
		{ID: "enps", Text: "Recommend", Scale: survey.NPS, Construct: survey.ENPS, Kind: survey.Outcome, Version: 1},
	}}
}

const header = "respondent_id,unit_id,wave,submitted_at,q1,q2,q3,enps\n"

func readAll(t *testing.T, input string, opts *survey.CSVOptions) ([]survey.Response, []error) {
	t.Helper()
	cr, err := survey.NewCSVReader(strings.NewReader(input), testSurvey(), opts)
	if err != nil {
		return nil, []error{err}
	}
	var rs []survey.Response
	var errs []error
	for {
		r, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rs, errs
		}
		if err != nil {
			errs = append(errs, err)
			if opts == nil || !opts.SkipBadRows {
				return rs, errs
			}
			continue
		}
		rs = append(rs, r)
	}
}

func TestCSVReaderReadsResponses(t *testing.T) {
	in := header +
		"p1,team1,w1,2026-01-05T09:00:00Z,4,2,,9\n" +
		"p2,team2,w1,2026-01-06T10:30:00+02:00,5,1,3,\r\n" +
		"\n" +
		`"p3",team1,w2,2026-02-05T09:00:00Z,1,5,2,0` + "\n"
	rs, errs := readAll(t, in, nil)
	require.Empty(t, errs)
	require.Len(t, rs, 3)
	assert.Equal(t, map[string]int{"q1": 4, "q2": 2, "enps": 9}, rs[0].Answers)
	assert.Equal(t, "team2", rs[1].Unit)
	assert.Equal(t, time.Date(2026, 1, 6, 8, 30, 0, 0, time.UTC), rs[1].Submitted, "times are normalized to UTC")
	assert.Equal(t, map[string]int{"q1": 5, "q2": 1, "q3": 3}, rs[1].Answers, "an empty cell is a skipped answer")
	assert.Equal(t, "p3", rs[2].Respondent)
	assert.Equal(t, "w2", rs[2].Wave)
	for _, r := range rs {
		assert.Equal(t, uuid.Nil, r.ID, "a row without an ID is read without one: the recorder derives it")
	}
}

func TestCSVReaderErrorsNameLineAndColumn(t *testing.T) {
	cases := []struct {
		name, input, want string
		line, col         int
	}{
		{"value outside scale", header + "p1,t,w,2026-01-05T09:00:00Z,4,7,,9\n", "outside scale", 2, 6},
		{"not an integer", header + "p1,t,w,2026-01-05T09:00:00Z,4,2,x,9\n", "not an integer", 2, 7},
		{"decimal", header + "p1,t,w,2026-01-05T09:00:00Z,4.0,2,3,9\n", "not an integer", 2, 5},
		{"nps out of range", header + "p1,t,w,2026-01-05T09:00:00Z,4,2,3,11\n", "outside scale", 2, 8},
		{"bad time", header + "p1,t,w,05/01/2026,4,2,3,9\n", "does not match layout", 2, 4},
		{"missing time", header + "p1,t,w,,4,2,3,9\n", "does not match layout", 2, 4},
		{"bad unit", header + "p1,,w,2026-01-05T09:00:00Z,4,2,3,9\n", "not a valid ID", 2, 2},
		{"too few fields", header + "p1,t,w,2026-01-05T09:00:00Z,4,2,3\n", "7 fields, the header has 8", 2, 0},
		{"too many fields", header + "p1,t,w,2026-01-05T09:00:00Z,4,2,3,9,9\n", "9 fields", 2, 0},
		{"bare quote", header + "p\"1,t,w,2026-01-05T09:00:00Z,4,2,3,9\n", "bare", 2, 1},
		{"unclosed quote", header + "\"p1,t,w,2026-01-05T09:00:00Z,4,2,3,9\n", "not closed", 2, 1},
		{"text after quote", header + "\"p1\"x,t,w,2026-01-05T09:00:00Z,4,2,3,9\n", "after a quoted field", 2, 1},
		{"third line", header + "p1,t,w,2026-01-05T09:00:00Z,4,2,3,9\np2,t,w,2026-01-05T09:00:00Z,4,0,3,9\n", "outside scale", 3, 6},
		{"line after multi-line comment", "respondent_id,unit_id,wave,submitted_at,q1,q2,q3,enps,comment\n" +
			"p1,t,w,2026-01-05T09:00:00Z,4,2,3,9,\"two\nlines\"\np2,t,w,2026-01-05T09:00:00Z,9,2,3,9,\n", "outside scale", 4, 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rs, errs := readAll(t, c.input, nil)
			require.Len(t, errs, 1, "expected exactly one error")
			var pe *survey.ParseError
			require.ErrorAs(t, errs[0], &pe)
			assert.ErrorIs(t, errs[0], survey.ErrInvalid)
			assert.Equal(t, c.line, pe.Line, "line")
			assert.Equal(t, c.col, pe.Column, "column")
			assert.Contains(t, pe.Error(), c.want)
			assert.Contains(t, pe.Error(), fmt.Sprintf("line %d", c.line))
			if c.col > 0 {
				assert.NotEmpty(t, pe.Header, "the column's header is named")
			}
			assert.LessOrEqual(t, len(rs), 1)
		})
	}
}

func TestCSVReaderHeaderProblems(t *testing.T) {
	cases := []struct{ name, input, want string }{
		{"empty", "", "empty input"},
		{"unknown column", "respondent_id,unit_id,wave,submitted_at,q1,qX\n", "qX"},
		{"duplicate item", "respondent_id,unit_id,wave,submitted_at,q1,q1\n", "same name"},
		{"missing unit", "respondent_id,wave,submitted_at,q1\n", `"unit_id" missing`},
		{"no items", "respondent_id,unit_id,wave,submitted_at\n", "no column holds an item"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := survey.NewCSVReader(strings.NewReader(c.input), testSurvey(), nil)
			require.Error(t, err)
			assert.ErrorIs(t, err, survey.ErrInvalid)
			assert.Contains(t, err.Error(), c.want)
		})
	}
	t.Run("every problem listed", func(t *testing.T) {
		_, err := survey.NewCSVReader(strings.NewReader("respondent_id,wave,q1,qX,qY\n"), testSurvey(), nil)
		require.Error(t, err)
		for _, want := range []string{"qX", "qY", `"unit_id" missing`, `"submitted_at" missing`} {
			assert.Contains(t, err.Error(), want)
		}
	})
}

func TestCSVOptionsMapColumns(t *testing.T) {
	in := "\ufeffRespondent;Team;Round;When;Ignored;Agility 1;q2;q3;Recommend;Tenure;Notes\n" +
		"p1;t1;w1;2026-01-05 09:00;x;4;2;3;9;0-2y;\"good; fine\"\n"
	opts := &survey.CSVOptions{Respondent: "Respondent", Unit: "Team", Wave: "Round", Submitted: "When",
		Comment: "Notes", TimeLayout: "2006-01-02 15:04", Comma: ';', Ignore: []string{"Ignored"},
		Items: map[string]string{"Agility 1": "q1", "Recommend": "enps"}, Segments: []string{"Tenure"}}
	rs, errs := readAll(t, in, opts)
	require.Empty(t, errs)
	require.Len(t, rs, 1)
	r := rs[0]
	assert.Equal(t, map[string]int{"q1": 4, "q2": 2, "q3": 3, "enps": 9}, r.Answers)
	assert.Equal(t, "good; fine", r.Comment)
	assert.Equal(t, map[string]string{"Tenure": "0-2y"}, r.Segments)
	assert.Equal(t, time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC), r.Submitted)
}

func TestCSVReaderSkipBadRows(t *testing.T) {
	in := header +
		"p1,t,w,2026-01-05T09:00:00Z,4,2,3,9\n" +
		"p2,t,w,2026-01-05T09:00:00Z,4,9,3,9\n" +
		"p3,t,w,2026-01-05T09:00:00Z,\"4\n" +
		"p4,t,w,2026-01-05T09:00:00Z,4,2,3,9\n"
	rs, errs := readAll(t, in, &survey.CSVOptions{SkipBadRows: true})
	require.Len(t, errs, 2, "both bad rows reported")
	assert.Contains(t, errs[0].Error(), "line 3")
	assert.Contains(t, errs[1].Error(), "line 4")
	require.Len(t, rs, 2, "an unclosed quote does not swallow the rows after it")
	assert.Equal(t, "p4", rs[1].Respondent)
	rs, errs = readAll(t, in, nil)
	assert.Len(t, rs, 1)
	assert.Len(t, errs, 1, "by default the first bad row stops reading")
}

func TestCSVWriterRoundTrip(t *testing.T) {
	s := testSurvey()
	in := []survey.Response{
		{ID: uuid.MustParse("00000000-0000-4000-8000-000000000001"), Survey: s.ID, Wave: "w1", Unit: "t1", Respondent: "a,b",
			Submitted: time.Date(2026, 1, 5, 9, 0, 0, 123000, time.UTC), Answers: map[string]int{"q1": 1, "enps": 10},
			Comment: "said \"hi\"\nbye", Segments: map[string]string{"tenure": "0-2y"}},
		{ID: uuid.MustParse("00000000-0000-4000-8000-000000000002"), Survey: s.ID, Wave: "w2", Unit: "t2",
			Submitted: time.Date(2026, 2, 5, 9, 0, 0, 0, time.UTC), Answers: map[string]int{"q2": 3, "q3": 5}},
	}
	var buf bytes.Buffer
	cw := survey.NewCSVWriter(&buf, s, "tenure")
	for _, r := range in {
		require.NoError(t, cw.Write(r))
	}
	out, errs := readAll(t, buf.String(), &survey.CSVOptions{Segments: []string{"tenure"}})
	require.Empty(t, errs, buf.String())
	require.Len(t, out, len(in))
	for i := range in {
		assert.True(t, in[i].Normalize().Equal(out[i]), "response %d: wrote %+v, read %+v", i, in[i], out[i])
	}
	err := survey.NewCSVWriter(io.Discard, s).Write(survey.Response{Answers: map[string]int{"nope": 1}})
	assert.ErrorIs(t, err, survey.ErrInvalid, "an answer the writer cannot place is an error, not dropped")
}

// bigCSV returns n generated rows, some with quoted comments spanning lines.
func bigCSV(n int) string {
	var b strings.Builder
	b.WriteString("respondent_id,unit_id,wave,submitted_at,q1,q2,q3,enps,comment\n")
	for i := range n {
		comment := ""
		if i%7 == 0 {
			comment = fmt.Sprintf("\"line one\nline \"\"two\"\" %d\"", i)
		}
		q3 := fmt.Sprint(1 + i%5)
		if i%11 == 0 {
			q3 = ""
		}
		fmt.Fprintf(&b, "p%d,team%d,w%d,2026-01-%02dT09:00:00Z,%d,%d,%s,%d,%s\n", i, i%13, i%3, 1+i%28, 1+i%5, 1+(i/5)%5, q3, i%11, comment)
	}
	return b.String()
}

func TestScanCSVMatchesSequentialRead(t *testing.T) {
	defer survey.SetChunkSize(256)()
	in := bigCSV(2000)
	want, errs := readAll(t, in, nil)
	require.Empty(t, errs)
	for _, workers := range []int{1, 2, 3, 8} {
		var mu sync.Mutex
		var got []survey.Response
		err := survey.ScanCSV(context.Background(), strings.NewReader(in), testSurvey(), nil, workers, func(_ int, row *survey.Row) error {
			r := row.Response(testSurvey())
			mu.Lock()
			got = append(got, r)
			mu.Unlock()
			return nil
		})
		require.NoError(t, err)
		slices.SortFunc(got, func(a, b survey.Response) int { return strings.Compare(a.Respondent, b.Respondent) })
		sorted := slices.Clone(want)
		slices.SortFunc(sorted, func(a, b survey.Response) int { return strings.Compare(a.Respondent, b.Respondent) })
		require.Equal(t, len(sorted), len(got), "workers=%d", workers)
		for i := range sorted {
			require.True(t, sorted[i].Equal(got[i]), "workers=%d row %d", workers, i)
		}
	}
}

func TestScanCSVFirstErrorIsDeterministic(t *testing.T) {
	defer survey.SetChunkSize(128)()
	lines := strings.Split(strings.TrimSuffix(bigCSV(600), "\n"), "\n")
	// Break rows far apart; the first bad row in the file must be reported
	// whatever the number of workers and however chunks are scheduled.
	bad := func(i int) { lines[i] = strings.Replace(lines[i], ",w", ",w x", 1) }
	bad(1000 / 3)
	bad(500)
	bad(120)
	in := strings.Join(lines, "\n") + "\n"
	want, errs := readAll(t, in, nil)
	require.Len(t, errs, 1)
	_ = want
	var pe *survey.ParseError
	require.ErrorAs(t, errs[0], &pe)
	for _, workers := range []int{1, 2, 4, 8} {
		for range 5 {
			err := survey.ScanCSV(context.Background(), strings.NewReader(in), testSurvey(), nil, workers, func(int, *survey.Row) error { return nil })
			var got *survey.ParseError
			require.ErrorAs(t, err, &got)
			assert.Equal(t, pe.Line, got.Line, "workers=%d", workers)
		}
	}
	var mu sync.Mutex
	var skipped []int
	err := survey.ScanCSV(context.Background(), strings.NewReader(in), testSurvey(),
		&survey.CSVOptions{SkipBadRows: true, OnBadRow: func(e *survey.ParseError) { mu.Lock(); skipped = append(skipped, e.Line); mu.Unlock() }},
		3, func(int, *survey.Row) error { return nil })
	require.NoError(t, err)
	slices.Sort(skipped)
	assert.Len(t, skipped, 3, "every bad row is reported")
}

func TestScanCSVCallbackErrorStops(t *testing.T) {
	boom := errors.New("boom")
	err := survey.ScanCSV(context.Background(), strings.NewReader(bigCSV(50)), testSurvey(), nil, 2, func(_ int, r *survey.Row) error {
		if r.Line == 10 {
			return boom
		}
		return nil
	})
	require.ErrorIs(t, err, boom)
	assert.Contains(t, err.Error(), "line 10")
}

func FuzzCSVReader(f *testing.F) {
	f.Add([]byte(header + "p1,t,w,2026-01-05T09:00:00Z,4,2,,9\n"))
	f.Add([]byte(bigCSV(20)))
	f.Add([]byte(header + "\"p\"\"1\",t,w,2026-01-05T09:00:00Z,4,2,3,9\r\n\n"))
	f.Add([]byte("a,b\n\"unclosed\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := testSurvey()
		cr, err := survey.NewCSVReader(bytes.NewReader(data), s, &survey.CSVOptions{SkipBadRows: true})
		if err != nil {
			var pe *survey.ParseError
			var ve *survey.ValidationError
			if !errors.As(err, &pe) && !errors.As(err, &ve) {
				t.Fatalf("header error of unexpected type %T: %v", err, err)
			}
			return
		}
		for i := 0; ; i++ {
			if i > len(data)+1 {
				t.Fatalf("more records than bytes: the reader does not advance")
			}
			r, err := cr.Read()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				var pe *survey.ParseError
				if !errors.As(err, &pe) || pe.Line < 2 {
					t.Fatalf("record error %T %v without a line", err, err)
				}
				continue
			}
			for id, v := range r.Answers {
				it, ok := s.Item(id)
				if !ok || !it.Scale.Contains(v) {
					t.Fatalf("accepted answer %s=%d", id, v)
				}
			}
			if !survey.ValidID(r.Unit) || !survey.ValidID(r.Wave) || r.Submitted.IsZero() {
				t.Fatalf("accepted an incomplete response %+v", r)
			}
		}
	})
}
