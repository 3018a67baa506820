package cx_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
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

// batchStore lacks the ImportStore capability (it embeds cx.Store only):
// imports hold the responses and give them to CreateResponses at once. It
// records the size of every batch it is given and can refuse the batch
// numbered failAt (1-based).
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

// stagingStore is a memstore whose staged imports fail the batch numbered
// failAt (1-based) and count the batches staged.
type stagingStore struct {
	*memstore.Store
	failAt int
	staged int
}

func (s *stagingStore) BeginImport(ctx context.Context, surveyID string, opts cx.ImportOptions) (cx.StagedImport, error) {
	im, err := s.Store.BeginImport(ctx, surveyID, opts)
	return &failingImport{StagedImport: im, s: s}, err
}

type failingImport struct {
	cx.StagedImport
	s *stagingStore
}

func (im *failingImport) Add(ctx context.Context, rs []survey.Response) error {
	im.s.staged++
	if im.s.staged == im.s.failAt {
		return errRefused
	}
	return im.StagedImport.Add(ctx, rs)
}

// storeKinds are the stores imports are tested on: one that stages
// imports (cx.ImportStore) and one that does not.
var storeKinds = []struct {
	name string
	new  func() cx.Store
}{
	{"staged", func() cx.Store { return memstore.New() }},
	{"held", func() cx.Store { return &batchStore{Store: memstore.New()} }},
}

// importProgram returns a program over a memstore (which stages imports)
// with an org of two teams, the import survey and its wave "w1" open for
// the first 14 days of March 2026, and the test key.
func importProgram(t *testing.T) (*cx.Program, *batchStore) {
	t.Helper()
	store := &batchStore{Store: memstore.New()}
	return importProgramOn(t, store.Store), store
}

// importProgramOn sets the program of importProgram up on store.
func importProgramOn(t *testing.T, store cx.Store) *cx.Program {
	t.Helper()
	ctx := t.Context()
	ps, err := cx.NewPseudonymizer(testKey)
	require.NoError(t, err)
	p, err := cx.New(store, &cx.Options{Now: func() time.Time { return importOpens.Add(30 * 24 * time.Hour) }, Pseudonymizer: ps})
	require.NoError(t, err)
	require.NoError(t, p.DefineUnits(ctx, cx.Unit{ID: "org", Name: "Org"}, cx.Unit{ID: "team_a", Parent: "org", Name: "A"},
		cx.Unit{ID: "team_b", Parent: "org", Name: "B"}))
	require.NoError(t, p.DefineSurvey(ctx, importSurvey()))
	require.NoError(t, p.OpenWave(ctx, survey.Wave{ID: "w1", Survey: "pulse", Opens: importOpens, Closes: importOpens.Add(14 * 24 * time.Hour)}))
	return p
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

// expected returns the responses a program with the test key stores for
// a CSV input of distinct rows without IDs.
func expected(t *testing.T, in string) []survey.Response {
	t.Helper()
	ps, err := cx.NewPseudonymizer(testKey)
	require.NoError(t, err)
	cr, err := survey.NewCSVReader(strings.NewReader(in), importSurvey(), nil)
	require.NoError(t, err)
	var out []survey.Response
	for {
		r, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		require.NoError(t, err)
		r.Respondent = ps.Pseudonym(r.Respondent)
		r.ID = survey.ContentID(r, 0)
		out = append(out, r)
	}
}

func TestImportCSVStoresAndIsIdempotent(t *testing.T) {
	for _, kind := range storeKinds {
		for _, n := range []int{1, 10, 1024, 1025, 2500} {
			t.Run(fmt.Sprintf("%s/%d", kind.name, n), func(t *testing.T) {
				p := importProgramOn(t, kind.new())
				in := importCSV(n, nil)
				res, err := p.ImportCSV(t.Context(), "pulse", strings.NewReader(in), nil)
				require.NoError(t, err)
				assert.Equal(t, cx.ImportResult{Rows: n, Added: n}, res)
				assert.Equal(t, n, countStored(t, p))
				// What is stored is what the CSV reader reads, with
				// pseudonyms and derived IDs.
				for _, want := range expected(t, in) {
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
		{name: "a bad row after several batches", n: 9600, edit: map[int]string{9450: "p9450,team_a,w1,2026-03-03T09:00:00Z,0,2,2,9,\n"},
			line: 9452, col: 5, header: "q1", want: "outside scale"},
		{name: "every bad row is named", n: 1500, edit: map[int]string{
			10:   "p10,team_a,w1,2026-03-03T09:00:00Z,0,2,2,9,\n",
			1200: "p1200,team_q,w1,2026-03-03T09:00:00Z,1,2,2,12,\n"},
			line: 12, col: 5, header: "q1", want: "outside scale",
			moreNamed: []string{"line 1202, column 8 (enps): answer 12 outside scale"}},
	}
	for _, kind := range storeKinds {
		for _, c := range cases {
			t.Run(kind.name+"/"+c.name, func(t *testing.T) {
				store := kind.new()
				p := importProgramOn(t, store)
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
				if bs, ok := store.(*batchStore); ok {
					assert.Empty(t, bs.sizes, "the store is not even called")
				}
				assert.Zero(t, res.Added)
				assert.Equal(t, c.n, res.Rows)
				assert.Equal(t, len(c.edit), res.Skipped)
			})
		}
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
	stored, err := p.Store().ListResponses(t.Context(), survey.ResponseFilter{Survey: "pulse"})
	require.NoError(t, err)
	for _, r := range stored {
		for i := range edit {
			assert.NotEqual(t, p.Pseudonym(fmt.Sprintf("p%d", i)), r.Respondent, "bad row %d is not stored", i)
		}
	}

	again, err := p.ImportCSV(t.Context(), "pulse", strings.NewReader(in), &survey.CSVOptions{SkipBadRows: true})
	require.NoError(t, err)
	assert.Equal(t, 0, again.Added)
	assert.Equal(t, 1997, again.Unchanged)
	assert.Len(t, again.Bad, 4)
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

func TestImportCSVStoreFailureAndCancel(t *testing.T) {
	t.Run("the store refuses a later batch", func(t *testing.T) {
		store := &stagingStore{Store: memstore.New(), failAt: 2}
		p := importProgramOn(t, store)
		in := importCSV(10000, nil)
		res, err := p.ImportCSV(t.Context(), "pulse", strings.NewReader(in), nil)
		require.ErrorIs(t, err, errRefused)
		assert.Contains(t, err.Error(), "nothing was stored")
		assert.Zero(t, res.Added)
		assert.Zero(t, countStored(t, p), "nothing of the import is stored")
		store.failAt = 0
		res, err = p.ImportCSV(t.Context(), "pulse", strings.NewReader(in), nil)
		require.NoError(t, err)
		assert.Equal(t, cx.ImportResult{Rows: 10000, Added: 10000}, res, "importing again completes the import")
	})
	t.Run("a store without the capability refuses the responses", func(t *testing.T) {
		store := &batchStore{Store: memstore.New()}
		p := importProgramOn(t, store)
		store.failAt = 1
		_, err := p.ImportCSV(t.Context(), "pulse", strings.NewReader(importCSV(5000, nil)), nil)
		require.ErrorIs(t, err, errRefused)
		assert.Zero(t, countStored(t, p))
		assert.Equal(t, []int{5000}, store.sizes, "one call with every response")
	})
	for _, kind := range storeKinds {
		t.Run(kind.name+"/a cancelled context", func(t *testing.T) {
			p := importProgramOn(t, kind.new())
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			_, err := p.ImportCSV(ctx, "pulse", strings.NewReader(importCSV(3000, nil)), nil)
			assert.ErrorIs(t, err, context.Canceled)
			assert.Zero(t, countStored(t, p))
		})
	}
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
	ps, err := cx.NewPseudonymizer(testKey)
	require.NoError(t, err)
	for i := range n {
		r, err := cr.Read()
		require.NoError(t, err)
		r.Survey = "pulse"
		r.ID = cxgen.IDOf(i + 1)
		r.Respondent = ps.Pseudonym(r.Respondent)
		rs = append(rs, r)
		require.NoError(t, w.Write(r))
	}
	return rs, buf.String()
}

func TestImportJSONL(t *testing.T) {
	t.Run("stores and is idempotent", func(t *testing.T) {
		for _, n := range []int{3, 2500} {
			p, _ := importProgram(t)
			rs, in := importJSONL(t, n)
			res, err := p.ImportJSONL(t.Context(), "pulse", strings.NewReader(in), nil)
			require.NoError(t, err)
			assert.Equal(t, cx.ImportResult{Rows: n, Added: n}, res)
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
		id := survey.ContentID(survey.Response{Survey: "pulse", Wave: "w1", Unit: "team_a", Submitted: time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC),
			Answers: map[string]int{"q1": 4}}, 0)
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

// discardStore stages imports that keep nothing of the responses they are
// given, and records the live heap (after a collection) at their commit.
type discardStore struct {
	cx.Store
	peak uint64
}

func (s *discardStore) BeginImport(context.Context, string, cx.ImportOptions) (cx.StagedImport, error) {
	return &discardImport{s: s}, nil
}

type discardImport struct {
	s     *discardStore
	added int
}

func (im *discardImport) Add(_ context.Context, rs []survey.Response) error {
	im.added += len(rs)
	return nil
}

// Commit records the live heap once the whole input is read: what the
// import keeps, beyond the batches in flight (bounded, whatever the input).
func (im *discardImport) Commit(context.Context) (cx.ImportOutcome, error) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	im.s.peak = max(im.s.peak, m.HeapAlloc)
	return cx.ImportOutcome{Added: im.added}, nil
}

func (im *discardImport) Rollback() error { return nil }

func TestImportMemoryDoesNotGrowWithTheInput(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 50,000 rows")
	}
	peak := func(n int) uint64 {
		store := &discardStore{Store: memstore.New()}
		p := importProgramOn(t, store)
		res, err := p.ImportCSV(t.Context(), "pulse", &rowReader{n: n, buf: []byte(importHeader)}, nil)
		require.NoError(t, err)
		require.Equal(t, n, res.Added)
		return store.peak
	}
	small, large := peak(10000), peak(40000)
	// Kept in memory, 30,000 more responses would take well over 15 MB
	// (each holds a map of answers); the IDs seen take 20 to 35 bytes a
	// row.
	t.Logf("live heap at the end of the input: %d KB for 10,000 rows, %d KB for 40,000", small>>10, large>>10)
	assert.Less(t, large, small+(1<<20)+30000*35, "the live heap grows with the input")
}

// rowReader generates the rows of importCSV(n, nil) as they are read.
type rowReader struct {
	n, i int
	buf  []byte
}

func (r *rowReader) Read(p []byte) (int, error) {
	for len(r.buf) < len(p) && r.i < r.n {
		r.buf = append(r.buf, importRow(r.i)...)
		r.i++
	}
	if len(r.buf) == 0 {
		return 0, io.EOF
	}
	k := copy(p, r.buf)
	r.buf = r.buf[:copy(r.buf, r.buf[k:])]
	return k, nil
}
