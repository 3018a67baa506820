package cx_test

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/survey"
)

// The rules of imports as a new user meets them with real exports.

// An import writes nothing outside the store: no temporary file holds the
// respondents, whatever the size of the input.
func TestImportWritesNoTemporaryFile(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	require.Equal(t, tmp, os.TempDir())
	for _, kind := range storeKinds {
		p := importProgramOn(t, kind.new())
		res, err := p.ImportCSV(t.Context(), "pulse", strings.NewReader(importCSV(2500, nil)), nil)
		require.NoError(t, err)
		require.Equal(t, 2500, res.Added)
		_, in := importJSONL(t, 1500)
		_, err = p.ImportJSONL(t.Context(), "pulse", strings.NewReader(in), nil)
		require.NoError(t, err)
	}
	entries, err := os.ReadDir(tmp)
	require.NoError(t, err)
	assert.Empty(t, entries, "files left in the temporary folder")
}

// anonymousCSV is an export without response or respondent IDs.
const anonymousHeader = "unit_id,wave,submitted_at,q1,q2,q3,enps\n"

func TestImportAnonymousExportKeepsEveryRow(t *testing.T) {
	for _, kind := range storeKinds {
		t.Run(kind.name, func(t *testing.T) {
			ctx := t.Context()
			p := importProgramOn(t, kind.new())
			// Two people gave the same answers in the same second; a third
			// answered an hour later.
			in := anonymousHeader +
				"team_a,w1,2026-03-03T09:00:00Z,4,2,3,9\n" +
				"team_a,w1,2026-03-03T09:00:00Z,4,2,3,9\n" +
				"team_a,w1,2026-03-03T10:00:00Z,4,2,3,9\n"
			res, err := p.ImportCSV(ctx, "pulse", strings.NewReader(in), nil)
			require.NoError(t, err)
			assert.Equal(t, cx.ImportResult{Rows: 3, Added: 3}, res, "identical rows are distinct responses")
			res, err = p.ImportCSV(ctx, "pulse", strings.NewReader(in), nil)
			require.NoError(t, err)
			assert.Equal(t, cx.ImportResult{Rows: 3, Unchanged: 3}, res, "importing the same file again adds nothing")
			assert.Equal(t, 3, countStored(t, p))

			// Three rows of one unit in the same second, with different
			// answers; then date-only times, many rows a day.
			in = anonymousHeader +
				"team_b,w1,2026-03-04T09:00:00Z,1,2,3,9\n" +
				"team_b,w1,2026-03-04T09:00:00Z,2,2,3,9\n" +
				"team_b,w1,2026-03-04T09:00:00Z,3,2,3,9\n"
			res, err = p.ImportCSV(ctx, "pulse", strings.NewReader(in), nil)
			require.NoError(t, err)
			assert.Equal(t, 3, res.Added)
			var b strings.Builder
			b.WriteString(anonymousHeader)
			for i := range 400 {
				fmt.Fprintf(&b, "team_%c,w1,2026-03-%02d,%d,%d,,%d\n", 'a'+byte(i%2), 5+i%3, 1+i%5, 1+i%3, i%11)
			}
			res, err = p.ImportCSV(ctx, "pulse", strings.NewReader(b.String()), &survey.CSVOptions{TimeLayout: "2006-01-02"})
			require.NoError(t, err)
			assert.Equal(t, 400, res.Added, "a file of date-only times keeps every row")
			assert.Equal(t, 406, countStored(t, p))

			// The tallies count every person.
			tl, err := cx.TallyResponses(ctx, p.Store(), cx.TallyFilter{Survey: "pulse"})
			require.NoError(t, err)
			assert.Equal(t, int64(203), tl.Respondents[cx.Group{Unit: "team_a", Wave: "w1"}])

			// With MergeIdenticalRows, identical rows are one response.
			q := importProgramOn(t, kind.new())
			in = anonymousHeader +
				"team_a,w1,2026-03-03T09:00:00Z,4,2,3,9\n" +
				"team_a,w1,2026-03-03T09:00:00Z,4,2,3,9\n" +
				"team_a,w1,2026-03-03T10:00:00Z,4,2,3,9\n"
			res, err = q.ImportCSV(ctx, "pulse", strings.NewReader(in), nil, cx.ImportOptions{MergeIdenticalRows: true})
			require.NoError(t, err)
			assert.Equal(t, cx.ImportResult{Rows: 3, Added: 2, Unchanged: 1}, res)
		})
	}
}

func TestRecordResponsesTwiceAddsNothing(t *testing.T) {
	ctx := t.Context()
	p := importProgramOn(t, memstore.New())
	at := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)
	rs := []survey.Response{
		{Survey: "pulse", Wave: "w1", Unit: "team_a", Submitted: at, Answers: map[string]int{"q1": 4}},
		{Survey: "pulse", Wave: "w1", Unit: "team_a", Submitted: at, Answers: map[string]int{"q1": 4}},
		{Survey: "pulse", Wave: "w1", Unit: "team_a", Submitted: at, Answers: map[string]int{"q1": 5}},
		{ID: cxgen.IDOf(7), Survey: "pulse", Wave: "w1", Unit: "team_b", Submitted: at, Answers: map[string]int{"q1": 1}},
	}
	n, err := p.RecordResponses(ctx, rs)
	require.NoError(t, err)
	assert.Equal(t, 4, n, "identical responses of one slice are each counted")
	n, err = p.RecordResponses(ctx, rs)
	require.NoError(t, err)
	assert.Zero(t, n, "recording the same slice again adds nothing")
	assert.Equal(t, 4, countStored(t, p))
	_, err = p.Store().GetResponse(ctx, survey.ContentID(rs[0], 1))
	assert.NoError(t, err, "the second identical response is stored under its occurrence")
	// The same responses through an import are the same responses.
	in := anonymousHeader + "team_a,w1,2026-03-03T09:00:00Z,4,,,\nteam_a,w1,2026-03-03T09:00:00Z,4,,,\n"
	res, err := p.ImportCSV(ctx, "pulse", strings.NewReader(in), nil)
	require.NoError(t, err)
	assert.Equal(t, cx.ImportResult{Rows: 2, Unchanged: 2}, res)
}

// withIDs returns n rows with response IDs.
func withIDs(n int, edit map[int]string) string {
	var b strings.Builder
	b.WriteString("response_id," + importHeader)
	for i := range n {
		row := importRow(i)
		if e, ok := edit[i]; ok {
			row = e
		}
		fmt.Fprintf(&b, "%s,%s", cxgen.IDOf(i+1), row)
	}
	return b.String()
}

func TestImportChecksTheWholeFileFirst(t *testing.T) {
	for _, kind := range storeKinds {
		t.Run(kind.name, func(t *testing.T) {
			ctx := t.Context()
			p := importProgramOn(t, kind.new())
			// The ID of line 7 comes back on line 2102 with other answers.
			edit := map[int]string{2100: strings.Replace(importRow(2100), ",team_a,", ",team_b,", 1)}
			in := withIDs(2600, edit)
			in = strings.Replace(in, cxgen.IDOf(2101).String(), cxgen.IDOf(6).String(), 1)
			res, err := p.ImportCSV(ctx, "pulse", strings.NewReader(in), nil)
			require.ErrorIs(t, err, cx.ErrInvalid)
			assert.Contains(t, err.Error(), "line 2102, column 1 (response_id): response ID "+cxgen.IDOf(6).String()+" is also on line 7, with different content")
			assert.Zero(t, countStored(t, p), "nothing is stored")
			assert.Zero(t, res.Added)

			// An identical repeat of an ID is one response.
			in = withIDs(10, nil) + cxgen.IDOf(3).String() + "," + importRow(2)
			res, err = p.ImportCSV(ctx, "pulse", strings.NewReader(in), nil)
			require.NoError(t, err)
			assert.Equal(t, cx.ImportResult{Rows: 11, Added: 10, Unchanged: 1}, res)

			// A corrected re-export: one answer changed.
			fixed := withIDs(10, map[int]string{4: strings.Replace(importRow(4), ",team_a,w1,2026-03-06T04:04:00Z,5,", ",team_a,w1,2026-03-06T04:04:00Z,1,", 1)})
			require.NotEqual(t, withIDs(10, nil), fixed)
			res, err = p.ImportCSV(ctx, "pulse", strings.NewReader(fixed), nil)
			require.ErrorIs(t, err, cx.ErrAlreadyExists)
			var pe *survey.ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, 6, pe.Line)
			assert.Contains(t, err.Error(), "line 6, column 1 (response_id): a different response is already stored with ID "+cxgen.IDOf(5).String())
			assert.Contains(t, err.Error(), "nothing was stored")
			assert.Zero(t, res.Added)
			stored, err := p.Store().GetResponse(ctx, cxgen.IDOf(5))
			require.NoError(t, err)
			assert.Equal(t, 5, stored.Answers["q1"], "the stored response is kept")

			if kind.name == "held" {
				_, err = p.ImportCSV(ctx, "pulse", strings.NewReader(fixed), nil, cx.ImportOptions{Replace: true})
				assert.ErrorIs(t, err, cx.ErrInvalid, "a store without the capability cannot replace within an import")
				return
			}
			res, err = p.ImportCSV(ctx, "pulse", strings.NewReader(fixed), nil, cx.ImportOptions{Replace: true})
			require.NoError(t, err)
			assert.Equal(t, cx.ImportResult{Rows: 10, Unchanged: 9, Replaced: []cx.ReplacedResponse{{Line: 6, ID: cxgen.IDOf(5)}}}, res)
			stored, err = p.Store().GetResponse(ctx, cxgen.IDOf(5))
			require.NoError(t, err)
			assert.Equal(t, 1, stored.Answers["q1"], "the corrected response replaces the stored one")
			tl, err := cx.TallyResponses(ctx, p.Store(), cx.TallyFilter{Survey: "pulse"})
			require.NoError(t, err)
			q1 := tl.Answers[cx.Cell{Unit: "team_a", Wave: "w1", Item: "q1"}]
			assert.Equal(t, []int64{2, 1, 1, 1, 0}, q1.Counts, "the tallies count the corrected answer, not the old one")
		})
	}
}

func TestImportReportsEveryProblemOfARow(t *testing.T) {
	p, _ := importProgram(t)
	res, err := p.ImportCSV(t.Context(), "pulse", strings.NewReader(importCSV(5, map[int]string{2: "p2,team_a,w1,2026-03-03T09:00:00Z,6,0,11,9,\n"})),
		&survey.CSVOptions{SkipBadRows: true})
	require.NoError(t, err)
	assert.Equal(t, 4, res.Added)
	assert.Equal(t, 1, res.Skipped)
	require.Len(t, res.Bad, 3)
	for i, col := range []int{5, 6, 7} {
		assert.Equal(t, 4, res.Bad[i].Line)
		assert.Equal(t, col, res.Bad[i].Column)
		assert.Contains(t, res.Bad[i].Reason, "outside scale")
	}
	_, err = p.ImportCSV(t.Context(), "pulse", strings.NewReader(importCSV(5, map[int]string{2: "p2,team_q,w1,2026-03-03T09:00:00Z,6,0,11,9,\n"})), nil)
	require.Error(t, err)
	for _, want := range []string{"line 4, column 5 (q1)", "line 4, column 6 (q2)", "line 4, column 7 (q3)"} {
		assert.Contains(t, err.Error(), want)
	}
}

func TestImportSkipBadRowsKeepsTheRowsAfterAnUnclosedQuote(t *testing.T) {
	for _, kind := range storeKinds {
		p := importProgramOn(t, kind.new())
		in := importCSV(5000, map[int]string{1: "\"p1,team_a,w1,2026-03-03T09:00:00Z,4,2,2,9,\n"})
		res, err := p.ImportCSV(t.Context(), "pulse", strings.NewReader(in), &survey.CSVOptions{SkipBadRows: true})
		require.NoError(t, err)
		assert.Equal(t, 5000, res.Rows, kind.name)
		assert.Equal(t, 4999, res.Added)
		assert.Equal(t, 1, res.Skipped)
		require.Len(t, res.Bad, 1)
		assert.Equal(t, 3, res.Bad[0].Line)
		assert.Equal(t, 4999, countStored(t, p))
	}
}

func TestImportRejectsInvalidText(t *testing.T) {
	for _, n := range []int{10, 3000} {
		p, _ := importProgram(t)
		in := importCSV(n, map[int]string{n - 2: "p9,team_a,w1,2026-03-03T09:00:00Z,4,2,2,9,caf\xe9 au lait\n"})
		_, err := p.ImportCSV(t.Context(), "pulse", strings.NewReader(in), nil)
		require.ErrorIs(t, err, cx.ErrInvalid, "%d rows", n)
		assert.Contains(t, err.Error(), fmt.Sprintf("line %d, column 9 (comment): invalid UTF-8", n))
		assert.Zero(t, countStored(t, p))
	}
	p, _ := importProgram(t)
	line := `{"id":"%s","survey":"pulse","wave":"w1","unit":"team_a","submitted":"2026-03-04T10:00:00Z","answers":{"q1":4},"comment":"%s"}` + "\n"
	in := "\ufeff" + fmt.Sprintf(line, cxgen.IDOf(1), "fine") + fmt.Sprintf(line, cxgen.IDOf(2), `x\u0000y`) + fmt.Sprintf(line, cxgen.IDOf(3), "caf\xe9")
	res, err := p.ImportJSONL(t.Context(), "pulse", strings.NewReader(in), &survey.JSONLOptions{SkipBadRows: true})
	require.NoError(t, err)
	assert.Equal(t, 1, res.Added, "a byte-order mark is read as in CSV")
	require.Len(t, res.Bad, 2)
	assert.Equal(t, 2, res.Bad[0].Line)
	assert.Equal(t, "comment", res.Bad[0].Header)
	assert.Equal(t, 3, res.Bad[1].Line)
	assert.Positive(t, res.Bad[1].Column)

	// The unit names of an org chart are checked the same way, and its
	// header read by the same rule as a response file's.
	_, err = cx.ReadUnitsCSV(strings.NewReader("Unit_ID,Parent_ID,Name\norg,,Org\nt1,org,Caf\xe9\n"))
	require.ErrorIs(t, err, cx.ErrInvalid)
	assert.Contains(t, err.Error(), "line 3, column 3 (name): invalid UTF-8")
	units, err := cx.ReadUnitsCSV(strings.NewReader("Unit_ID,Parent_ID,Name\norg,,Org\n"))
	require.NoError(t, err)
	assert.Len(t, units, 1)
	err = p.DefineUnits(t.Context(), cx.Unit{ID: "team_n", Parent: "org", Name: "x\x00"})
	assert.ErrorIs(t, err, cx.ErrInvalid)
	res, err = p.ImportCSV(t.Context(), "pulse", strings.NewReader("Respondent_ID,Unit_ID,Wave,Submitted_At,Q1\np1,team_a,w1,2026-03-03T09:00:00Z,4\n"), nil)
	require.NoError(t, err, "Unit_ID names the unit column of a response file too")
	assert.Equal(t, 1, res.Added)
}

func TestRawIdentityIsNeverStored(t *testing.T) {
	ctx := t.Context()
	at := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)
	raw := survey.Response{Survey: "pulse", Wave: "w1", Unit: "team_a", Respondent: "alice@example.com", Submitted: at, Answers: map[string]int{"q1": 4}}

	// Without a key: refused, naming the response and the field.
	p, err := cx.New(memstore.New(), &cx.Options{Now: func() time.Time { return importOpens.Add(30 * 24 * time.Hour) }})
	require.NoError(t, err)
	require.NoError(t, p.DefineUnits(ctx, cx.Unit{ID: "org", Name: "Org"}, cx.Unit{ID: "team_a", Parent: "org", Name: "A"}))
	require.NoError(t, p.DefineSurvey(ctx, importSurvey()))
	require.NoError(t, p.OpenWave(ctx, survey.Wave{ID: "w1", Survey: "pulse", Opens: importOpens, Closes: importOpens.Add(14 * 24 * time.Hour)}))
	anon := raw
	anon.Respondent = ""
	pseud := raw
	pseud.Respondent = cx.PseudonymPrefix + strings.Repeat("ab", 32)
	_, err = p.RecordResponses(ctx, []survey.Response{anon, pseud, raw})
	require.ErrorIs(t, err, cx.ErrInvalid)
	assert.Contains(t, err.Error(), "responses[2].respondent: not a pseudonym")
	assert.NotContains(t, err.Error(), "alice", "the raw identity is not repeated")
	assert.Zero(t, countStored(t, p))
	res, err := p.ImportCSV(ctx, "pulse", strings.NewReader("unit_id,respondent_id,wave,submitted_at,q1\nteam_a,alice@example.com,w1,2026-03-03T09:00:00Z,4\n"), nil)
	require.ErrorIs(t, err, cx.ErrInvalid)
	assert.Contains(t, err.Error(), "line 2, column 2 (respondent_id): not a pseudonym")
	assert.Zero(t, res.Added)
	_, err = p.ImportJSONL(ctx, "pulse", strings.NewReader(`{"survey":"pulse","wave":"w1","unit":"team_a","respondent":"alice@example.com","submitted":"2026-03-03T09:00:00Z","answers":{"q1":4}}`), nil)
	require.ErrorIs(t, err, cx.ErrInvalid)
	assert.Contains(t, err.Error(), "line 1 (respondent): not a pseudonym")
	n, err := p.RecordResponses(ctx, []survey.Response{anon, pseud})
	require.NoError(t, err, "anonymous responses and pseudonyms are recorded without a key")
	assert.Equal(t, 2, n)

	// With a key: the pseudonym is stored, never the identity.
	q := importProgramOn(t, memstore.New())
	_, err = q.RecordResponses(ctx, []survey.Response{raw})
	require.NoError(t, err)
	_, err = q.ImportCSV(ctx, "pulse", strings.NewReader("unit_id,respondent_id,wave,submitted_at,q1\nteam_a,bob@example.com,w1,2026-03-03T09:00:00Z,4\n"), nil)
	require.NoError(t, err)
	stored, err := q.Store().ListResponses(ctx, survey.ResponseFilter{})
	require.NoError(t, err)
	require.Len(t, stored, 2)
	for _, r := range stored {
		assert.True(t, cx.IsPseudonym(r.Respondent), r.Respondent)
	}
	assert.Equal(t, q.Pseudonym("alice@example.com"), stored[0].Respondent)
}

// The conformance of ImportStore implementations is in cx/storetest; this
// checks the fallback's conflict report through a store without it.
func TestImportConflictWithoutTheCapability(t *testing.T) {
	q := importProgramOn(t, &batchStore{Store: memstore.New()})
	_, err := q.ImportCSV(t.Context(), "pulse", strings.NewReader(withIDs(3, nil)), nil)
	require.NoError(t, err)
	changed := withIDs(3, map[int]string{1: strings.Replace(importRow(1), "team_b", "team_a", 1)})
	_, err = q.ImportCSV(t.Context(), "pulse", strings.NewReader(changed), nil)
	require.ErrorIs(t, err, cx.ErrAlreadyExists)
	assert.Contains(t, err.Error(), "line 3, column 1 (response_id)")
	assert.False(t, errors.Is(err, cx.ErrInvalid))
}
