package cx_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/survey"
)

var importOpens = time.Date(2026, time.March, 2, 0, 0, 0, 0, time.UTC)

// importSurvey has three Likert items and eNPS.
func importSurvey() survey.Survey {
	return survey.Survey{ID: "pulse", Name: "Pulse", Audience: survey.Employee, Version: 1, Items: []survey.Item{
		{ID: "q1", Text: "One", Scale: survey.Likert5, Construct: "agility", Kind: survey.Behavior, Version: 1},
		{ID: "q2", Text: "Two", Scale: survey.Likert5, Construct: "agility", Kind: survey.Behavior, Version: 1, Reverse: true},
		{ID: "q3", Text: "Three", Scale: survey.Likert5, Construct: "empowerment", Kind: survey.Behavior, Version: 1},
		{ID: "enps", Text: "Recommend", Scale: survey.NPS, Construct: survey.ENPS, Kind: survey.Outcome, Version: 1},
	}}
}

// batchStore records the size of every batch given to CreateResponses and
// can refuse the batch numbered failAt (1-based).
type batchStore struct {
	cx.Store
	mu     sync.Mutex
	sizes  []int
	failAt int
}

var errRefused = errors.New("store refused the batch")

func (s *batchStore) CreateResponses(ctx context.Context, rs []survey.Response) (int, error) {
	s.mu.Lock()
	s.sizes = append(s.sizes, len(rs))
	n := len(s.sizes)
	s.mu.Unlock()
	if n == s.failAt {
		return 0, errRefused
	}
	return s.Store.CreateResponses(ctx, rs)
}

// importProgram returns a program with an org of two teams, the import
// survey and its wave "w1" open for the first 14 days of March 2026.
func importProgram(t *testing.T) (*cx.Program, *batchStore) {
	t.Helper()
	ctx := t.Context()
	store := &batchStore{Store: memstore.New()}
	p, err := cx.New(store, &cx.Options{Now: func() time.Time { return importOpens.Add(30 * 24 * time.Hour) }})
	require.NoError(t, err)
	require.NoError(t, p.DefineUnits(ctx, cx.Unit{ID: "org", Name: "Org"}, cx.Unit{ID: "team_a", Parent: "org", Name: "A"},
		cx.Unit{ID: "team_b", Parent: "org", Name: "B"}))
	require.NoError(t, p.DefineSurvey(ctx, importSurvey()))
	require.NoError(t, p.OpenWave(ctx, survey.Wave{ID: "w1", Survey: "pulse", Opens: importOpens, Closes: importOpens.Add(14 * 24 * time.Hour)}))
	return p, store
}

const importHeader = "respondent_id,unit_id,wave,submitted_at,q1,q2,q3,enps,comment\n"

// importRow returns data row i (line i+2 of the file).
func importRow(i int) string {
	comment := ""
	if i%9 == 0 {
		comment = fmt.Sprintf("\"row %d, said \"\"fine\"\"\"", i)
	}
	q3 := fmt.Sprint(1 + i%5)
	if i%4 == 0 {
		q3 = ""
	}
	return fmt.Sprintf("p%05d,team_%c,w1,2026-03-%02dT%02d:%02d:00Z,%d,%d,%s,%d,%s\n",
		i, 'a'+byte(i%2), 2+i%12, i%24, i%60, 1+i%5, 1+(i/5)%5, q3, i%11, comment)
}

func importCSV(n int, edit map[int]string) string {
	var b strings.Builder
	b.WriteString(importHeader)
	for i := range n {
		if row, ok := edit[i]; ok {
			b.WriteString(row)
			continue
		}
		b.WriteString(importRow(i))
	}
	return b.String()
}

func countStored(t *testing.T, p *cx.Program) int {
	t.Helper()
	n, err := p.Store().CountResponses(t.Context(), survey.ResponseFilter{Survey: "pulse"})
	require.NoError(t, err)
	return n
}

func TestImportCSVStoresAndIsIdempotent(t *testing.T) {
	for _, n := range []int{1, 10, 999, 1000, 1001, 2500} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			p, store := importProgram(t)
			in := importCSV(n, nil)
			res, err := p.ImportCSV(t.Context(), "pulse", strings.NewReader(in), nil)
			require.NoError(t, err)
			assert.Equal(t, cx.ImportResult{Rows: n, Added: n}, res)
			assert.Equal(t, n, countStored(t, p))
			for _, size := range store.sizes {
				assert.LessOrEqual(t, size, 1000, "the store gets the responses in batches")
			}
			// What is stored is what the CSV reader reads.
			cr, err := survey.NewCSVReader(strings.NewReader(in), importSurvey(), nil)
			require.NoError(t, err)
			for range n {
				want, err := cr.Read()
				require.NoError(t, err)
				got, err := p.Store().GetResponse(t.Context(), want.ID)
				require.NoError(t, err)
				require.True(t, want.Equal(got), "stored %+v, read %+v", got, want)
			}

			again, err := p.ImportCSV(t.Context(), "pulse", strings.NewReader(in), nil)
			require.NoError(t, err)
			assert.Equal(t, cx.ImportResult{Rows: n, Unchanged: n}, again, "re-importing adds nothing")
			assert.Equal(t, n, countStored(t, p))
		})
	}
}

func TestImportCSVAllOrNothing(t *testing.T) {
	cases := []struct {
		name       string
		n          int
		edit       map[int]string
		line, col  int
		header     string
		want       string
		moreNamed  []string
		noneStored bool
	}{
		{name: "outside scale", n: 20, edit: map[int]string{7: "p7,team_a,w1,2026-03-03T09:00:00Z,4,6,2,9,\n"},
			line: 9, col: 6, header: "q2", want: "outside scale"},
		{name: "not an integer", n: 20, edit: map[int]string{0: "p0,team_a,w1,2026-03-03T09:00:00Z,4,x,2,9,\n"},
			line: 2, col: 6, header: "q2", want: "not an integer"},
		{name: "unknown unit", n: 20, edit: map[int]string{3: "p3,team_z,w1,2026-03-03T09:00:00Z,4,2,2,9,\n"},
			line: 5, col: 2, header: "unit_id", want: `unknown unit "team_z"`},
		{name: "unknown wave", n: 20, edit: map[int]string{3: "p3,team_a,w9,2026-03-03T09:00:00Z,4,2,2,9,\n"},
			line: 5, col: 3, header: "wave", want: `unknown wave "w9"`},
		{name: "outside the wave", n: 20, edit: map[int]string{19: "p19,team_a,w1,2026-04-03T09:00:00Z,4,2,2,9,\n"},
			line: 21, col: 4, header: "submitted_at", want: "outside wave"},
		{name: "no answers", n: 20, edit: map[int]string{4: "p4,team_a,w1,2026-03-03T09:00:00Z,,,,,hello\n"},
			line: 6, col: 0, header: "answers", want: "no answers"},
		{name: "short row", n: 20, edit: map[int]string{4: "p4,team_a,w1,2026-03-03T09:00:00Z,1,2\n"},
			line: 6, col: 0, want: "6 fields, the header has 9"},
		{name: "a bad row after several batches", n: 2600, edit: map[int]string{2450: "p2450,team_a,w1,2026-03-03T09:00:00Z,0,2,2,9,\n"},
			line: 2452, col: 5, header: "q1", want: "outside scale"},
		{name: "every bad row is named", n: 1500, edit: map[int]string{
			10:   "p10,team_a,w1,2026-03-03T09:00:00Z,0,2,2,9,\n",
			1200: "p1200,team_q,w1,2026-03-03T09:00:00Z,1,2,2,12,\n"},
			line: 12, col: 5, header: "q1", want: "outside scale",
			moreNamed: []string{"line 1202, column 8 (enps): answer 12 outside scale"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, store := importProgram(t)
			res, err := p.ImportCSV(t.Context(), "pulse", strings.NewReader(importCSV(c.n, c.edit)), nil)
			require.Error(t, err)
			assert.ErrorIs(t, err, cx.ErrInvalid)
			assert.ErrorIs(t, err, survey.ErrInvalid)
			var ve *cx.ValidationError
			require.ErrorAs(t, err, &ve)
			var pe *survey.ParseError
			require.ErrorAs(t, err, &pe, "the error unwraps to the first bad row")
			assert.Equal(t, c.line, pe.Line, "line")
			assert.Equal(t, c.col, pe.Column, "column")
			if c.header != "" {
				assert.Equal(t, c.header, pe.Header)
			}
			assert.Contains(t, pe.Reason, c.want)
			where := fmt.Sprintf("line %d", c.line)
			if c.col > 0 {
				where += fmt.Sprintf(", column %d (%s)", c.col, c.header)
			}
			assert.Contains(t, err.Error(), where)
			for _, m := range c.moreNamed {
				assert.Contains(t, err.Error(), m)
			}
			assert.Contains(t, err.Error(), "nothing was stored")
			assert.Zero(t, countStored(t, p), "nothing is stored")
			assert.Empty(t, store.sizes, "the store is not even called")
			assert.Zero(t, res.Added)
			assert.Equal(t, c.n, res.Rows)
			assert.Equal(t, len(c.edit), res.Skipped)
		})
	}
}

func TestImportCSVListsAtMostAHundredProblems(t *testing.T) {
	p, _ := importProgram(t)
	edit := map[int]string{}
	for i := range 150 {
		edit[2*i] = fmt.Sprintf("p%d,team_a,w1,2026-03-03T09:00:00Z,7,2,2,9,\n", 2*i)
	}
	res, err := p.ImportCSV(t.Context(), "pulse", strings.NewReader(importCSV(400, edit)), nil)
	var ve *cx.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Len(t, ve.Problems, 102, "a hundred problems, how many more, and that nothing was stored")
	assert.Contains(t, err.Error(), "50 more problems not listed")
	assert.Len(t, res.Bad, 100)
	assert.Equal(t, 150, res.Skipped)
	assert.Zero(t, countStored(t, p))
}

func TestImportCSVSkipBadRows(t *testing.T) {
	p, _ := importProgram(t)
	edit := map[int]string{
		5:    "p5,team_a,w1,2026-03-03T09:00:00Z,4,6,2,9,\n",
		6:    "p6,team_zz,w9,2026-03-03T09:00:00Z,4,2,2,9,\n",
		1500: "p1500,team_a,w1,not-a-time,4,2,2,9,\n",
	}
	in := importCSV(2000, edit)
	res, err := p.ImportCSV(t.Context(), "pulse", strings.NewReader(in), &survey.CSVOptions{SkipBadRows: true})
	require.NoError(t, err)
	assert.Equal(t, 2000, res.Rows)
	assert.Equal(t, 1997, res.Added)
	assert.Equal(t, 3, res.Skipped)
	assert.Equal(t, 1997, countStored(t, p))
	type where struct {
		line, col int
		header    string
	}
	var got []where
	for _, pe := range res.Bad {
		got = append(got, where{pe.Line, pe.Column, pe.Header})
		assert.NotEmpty(t, pe.Reason)
	}
	assert.Equal(t, []where{{7, 6, "q2"}, {8, 2, "unit_id"}, {8, 3, "wave"}, {1502, 4, "submitted_at"}}, got,
		"every problem of every bad row is reported, in line order")
	for i := range edit {
		_, err := p.Store().GetResponse(t.Context(), rowID(t, edit[i]))
		assert.ErrorIs(t, err, cx.ErrNotFound, "bad row %d is not stored", i)
	}

	again, err := p.ImportCSV(t.Context(), "pulse", strings.NewReader(in), &survey.CSVOptions{SkipBadRows: true})
	require.NoError(t, err)
	assert.Equal(t, 0, again.Added)
	assert.Equal(t, 1997, again.Unchanged)
	assert.Len(t, again.Bad, 4)
}

// rowID is the derived ID of a CSV data row of the import survey, read
// leniently (any unit and wave).
func rowID(t *testing.T, row string) uuid.UUID {
	t.Helper()
	f := strings.Split(strings.TrimSpace(row), ",")
	submitted, _ := time.Parse(time.RFC3339, f[3])
	return survey.DerivedID(survey.Response{Survey: "pulse", Respondent: f[0], Unit: f[1], Wave: f[2], Submitted: submitted})
}

func TestImportCSVHeaderAndSurveyProblems(t *testing.T) {
	p, _ := importProgram(t)
	_, err := p.ImportCSV(t.Context(), "nope", strings.NewReader(importCSV(3, nil)), nil)
	assert.ErrorIs(t, err, cx.ErrNotFound)

	_, err = p.ImportCSV(t.Context(), "pulse", strings.NewReader("respondent_id,unit_id,wave,submitted_at,q1,qX\n"), nil)
	assert.ErrorIs(t, err, cx.ErrInvalid)
	var pe *survey.ParseError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, 1, pe.Line)
	assert.Contains(t, err.Error(), "qX")

	_, err = p.ImportCSV(t.Context(), "pulse", strings.NewReader(""), nil)
	assert.ErrorIs(t, err, cx.ErrInvalid)
	assert.Contains(t, err.Error(), "empty input")

	res, err := p.ImportCSV(t.Context(), "pulse", strings.NewReader(importHeader), nil)
	require.NoError(t, err, "a header alone imports nothing")
	assert.Equal(t, cx.ImportResult{}, res)
	assert.Zero(t, countStored(t, p))
}

func TestImportCSVConflictAndStoreFailure(t *testing.T) {
	t.Run("a different response under a stored ID", func(t *testing.T) {
		p, _ := importProgram(t)
		_, err := p.ImportCSV(t.Context(), "pulse", strings.NewReader(importCSV(10, nil)), nil)
		require.NoError(t, err)
		// Same respondent, unit, wave and time (so the same derived ID),
		// another answer.
		changed := importCSV(10, map[int]string{3: strings.Replace(importRow(3), ",4,", ",5,", 1)})
		require.NotEqual(t, importCSV(10, nil), changed)
		_, err = p.ImportCSV(t.Context(), "pulse", strings.NewReader(changed), nil)
		assert.ErrorIs(t, err, cx.ErrAlreadyExists)
		assert.Equal(t, 10, countStored(t, p))
	})
	t.Run("the store refuses a later batch", func(t *testing.T) {
		p, store := importProgram(t)
		store.failAt = 2
		in := importCSV(2500, nil)
		res, err := p.ImportCSV(t.Context(), "pulse", strings.NewReader(in), nil)
		require.ErrorIs(t, err, errRefused)
		assert.Contains(t, err.Error(), "lines 1002 to 2001")
		assert.Equal(t, 1000, res.Added, "the batch before the refused one stays stored")
		assert.Equal(t, 1000, countStored(t, p))
		store.failAt = 0
		res, err = p.ImportCSV(t.Context(), "pulse", strings.NewReader(in), nil)
		require.NoError(t, err)
		assert.Equal(t, cx.ImportResult{Rows: 2500, Added: 1500, Unchanged: 1000}, res, "importing again completes the import")
		assert.Equal(t, 2500, countStored(t, p))
	})
	t.Run("a cancelled context", func(t *testing.T) {
		p, _ := importProgram(t)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, err := p.ImportCSV(ctx, "pulse", strings.NewReader(importCSV(3000, nil)), nil)
		assert.ErrorIs(t, err, context.Canceled)
		assert.Zero(t, countStored(t, p))
	})
}

func TestImportCSVOptions(t *testing.T) {
	p, _ := importProgram(t)
	in := "Who;Team;Round;When;Agility 1;q2;q3;Recommend;Notes;Platform\n" +
		"a;team_a;w1;2026-03-05 10:00;4;2;;9;fine;x\n" +
		"b;team_b;w1;2026-03-05 11:00;4;7;;9;;x\n"
	opts := &survey.CSVOptions{Respondent: "Who", Unit: "Team", Wave: "Round", Submitted: "When", Comment: "Notes",
		TimeLayout: "2006-01-02 15:04", Comma: ';', Ignore: []string{"Platform"},
		Items: map[string]string{"Agility 1": "q1", "Recommend": "enps"}}
	_, err := p.ImportCSV(t.Context(), "pulse", strings.NewReader(in), opts)
	var pe *survey.ParseError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, 3, pe.Line)
	assert.Equal(t, 6, pe.Column)
	assert.Contains(t, err.Error(), "line 3, column 6 (q2)")
	assert.Zero(t, countStored(t, p))

	skip := *opts
	skip.SkipBadRows = true
	res, err := p.ImportCSV(t.Context(), "pulse", strings.NewReader(in+"c;team_b;w1;2026-03-05 12:00;1;2;3;10;;x\n"), &skip)
	require.NoError(t, err)
	assert.Equal(t, 2, res.Added)
	rs, err := p.Store().ListResponses(t.Context(), survey.ResponseFilter{Survey: "pulse"})
	require.NoError(t, err)
	require.Len(t, rs, 2)
	assert.Equal(t, map[string]int{"q1": 4, "q2": 2, "enps": 9}, rs[0].Answers)
	assert.Equal(t, "fine", rs[0].Comment)

	// Field names of validation problems map onto the renamed columns.
	_, err = p.ImportCSV(t.Context(), "pulse", strings.NewReader(strings.Replace(in, "team_b;w1;2026-03-05 11:00;4;7", "team_q;w1;2026-03-05 11:00;4;2", 1)), opts)
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, pe.Column, 2)
	assert.Equal(t, "Team", pe.Header)
}

// importJSONL returns n responses as JSON Lines.
func importJSONL(t *testing.T, n int) ([]survey.Response, string) {
	t.Helper()
	cr, err := survey.NewCSVReader(strings.NewReader(importCSV(n, nil)), importSurvey(), nil)
	require.NoError(t, err)
	var buf bytes.Buffer
	w := survey.NewJSONLWriter(&buf)
	var rs []survey.Response
	for range n {
		r, err := cr.Read()
		require.NoError(t, err)
		r.Survey = "pulse"
		rs = append(rs, r)
		require.NoError(t, w.Write(r))
	}
	return rs, buf.String()
}

func TestImportJSONL(t *testing.T) {
	t.Run("stores and is idempotent", func(t *testing.T) {
		for _, n := range []int{3, 1200} {
			p, store := importProgram(t)
			rs, in := importJSONL(t, n)
			res, err := p.ImportJSONL(t.Context(), "pulse", strings.NewReader(in), nil)
			require.NoError(t, err)
			assert.Equal(t, cx.ImportResult{Rows: n, Added: n}, res)
			for _, size := range store.sizes {
				assert.LessOrEqual(t, size, 1000)
			}
			for _, r := range rs {
				got, err := p.Store().GetResponse(t.Context(), r.ID)
				require.NoError(t, err)
				require.True(t, r.Equal(got))
			}
			res, err = p.ImportJSONL(t.Context(), "pulse", strings.NewReader(in), nil)
			require.NoError(t, err)
			assert.Equal(t, cx.ImportResult{Rows: n, Unchanged: n}, res)
		}
	})
	t.Run("a line without an ID gets a derived one", func(t *testing.T) {
		p, _ := importProgram(t)
		line := `{"survey":"pulse","wave":"w1","unit":"team_a","submitted":"2026-03-04T10:00:00Z","answers":{"q1":4}}` + "\n"
		for range 2 {
			_, err := p.ImportJSONL(t.Context(), "pulse", strings.NewReader(line), nil)
			require.NoError(t, err)
		}
		id := survey.DerivedID(survey.Response{Survey: "pulse", Wave: "w1", Unit: "team_a", Submitted: time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)})
		got, err := p.Store().GetResponse(t.Context(), id)
		require.NoError(t, err)
		assert.Equal(t, map[string]int{"q1": 4}, got.Answers)
		assert.Equal(t, 1, countStored(t, p))
	})
	t.Run("all or nothing, problems name line and field", func(t *testing.T) {
		_, in := importJSONL(t, 1500)
		lines := strings.SplitAfter(in, "\n")
		lines[3] = strings.Replace(lines[3], `"unit":"team_b"`, `"unit":"team_x"`, 1)
		lines[1400] = strings.Replace(lines[1400], `"q1":`, `"q1":"`, 1)
		lines[1450] = strings.Replace(lines[1450], `"q1":`, `"q9":`, 1)
		bad := strings.Join(lines, "")
		p, _ := importProgram(t)
		res, err := p.ImportJSONL(t.Context(), "pulse", strings.NewReader(bad), nil)
		require.ErrorIs(t, err, cx.ErrInvalid)
		var pe *survey.ParseError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, 4, pe.Line)
		assert.Equal(t, "unit", pe.Header)
		assert.Contains(t, err.Error(), `line 4 (unit): unknown unit "team_x"`)
		assert.Contains(t, err.Error(), "line 1401")
		assert.Contains(t, err.Error(), `line 1451 (answers.q9)`)
		assert.Zero(t, countStored(t, p))
		assert.Equal(t, 3, res.Skipped)

		res, err = p.ImportJSONL(t.Context(), "pulse", strings.NewReader(bad), &survey.JSONLOptions{SkipBadRows: true})
		require.NoError(t, err)
		assert.Equal(t, 1497, res.Added)
		require.Len(t, res.Bad, 3)
		assert.Equal(t, []int{4, 1401, 1451}, []int{res.Bad[0].Line, res.Bad[1].Line, res.Bad[2].Line})
		assert.Equal(t, 1497, countStored(t, p))
	})
	t.Run("another survey", func(t *testing.T) {
		p, _ := importProgram(t)
		_, err := p.ImportJSONL(t.Context(), "pulse", strings.NewReader(`{"survey":"other","wave":"w1","unit":"team_a","submitted":"2026-03-04T10:00:00Z","answers":{"q1":4}}`), nil)
		assert.ErrorIs(t, err, cx.ErrInvalid)
		assert.Contains(t, err.Error(), "line 1 (survey)")
	})
}

// discardStore keeps nothing of the responses it is given, and records
// the live heap (after a collection) each time it is given a batch.
type discardStore struct {
	cx.Store
	peak uint64
}

func (s *discardStore) CreateResponses(_ context.Context, rs []survey.Response) (int, error) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	s.peak = max(s.peak, m.HeapAlloc)
	return len(rs), nil
}

func TestImportMemoryDoesNotGrowWithTheInput(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 60,000 rows")
	}
	peak := func(n int) uint64 {
		store := &discardStore{Store: memstore.New()}
		p, err := cx.New(store, nil)
		require.NoError(t, err)
		ctx := t.Context()
		require.NoError(t, p.DefineUnits(ctx, cx.Unit{ID: "org", Name: "Org"}, cx.Unit{ID: "team_a", Parent: "org", Name: "A"},
			cx.Unit{ID: "team_b", Parent: "org", Name: "B"}))
		require.NoError(t, p.DefineSurvey(ctx, importSurvey()))
		require.NoError(t, p.OpenWave(ctx, survey.Wave{ID: "w1", Survey: "pulse", Opens: importOpens, Closes: importOpens.Add(14 * 24 * time.Hour)}))
		in := importCSV(n, nil)
		r := strings.NewReader(in)
		in = "" // only the reader holds the input
		res, err := p.ImportCSV(ctx, "pulse", r, nil)
		require.NoError(t, err)
		require.Equal(t, n, res.Added)
		return store.peak
	}
	small, large := peak(10000), peak(60000)
	// Kept in memory, 50,000 more responses would take well over 10 MB
	// (each holds a map of answers); the input itself is 3 MB larger.
	t.Logf("live heap while storing: %d KB for 10,000 rows, %d KB for 60,000", small>>10, large>>10)
	assert.Less(t, large, small+(4<<20), "the live heap grows with the input")
}
