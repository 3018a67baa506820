package cx_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/survey"
)

// TestImportStoresPseudonyms: with a pseudonymizer, imports store the
// keyed pseudonym of each respondent, never the raw identity, and the IDs
// derived for rows without one come from the pseudonym too.
func TestImportStoresPseudonyms(t *testing.T) {
	ctx := t.Context()
	ps, err := cx.NewPseudonymizer([]byte("a key of at least sixteen bytes"))
	require.NoError(t, err)
	store := memstore.New()
	p, err := cx.New(store, &cx.Options{Now: func() time.Time { return importOpens.Add(30 * 24 * time.Hour) }, Pseudonymizer: ps})
	require.NoError(t, err)
	require.NoError(t, p.DefineUnits(ctx, cx.Unit{ID: "org", Name: "Org"}, cx.Unit{ID: "team_a", Parent: "org", Name: "A"},
		cx.Unit{ID: "team_b", Parent: "org", Name: "B"}))
	require.NoError(t, p.DefineSurvey(ctx, importSurvey()))
	require.NoError(t, p.OpenWave(ctx, survey.Wave{ID: "w1", Survey: "pulse", Opens: importOpens, Closes: importOpens.Add(14 * 24 * time.Hour)}))

	csvText := importCSV(20, nil)
	res, err := p.ImportCSV(ctx, "pulse", strings.NewReader(csvText), nil)
	require.NoError(t, err)
	require.Equal(t, 20, res.Added)

	// The same responses as JSON Lines, with raw identities and no IDs:
	// they are the same responses, so nothing is added.
	cr, err := survey.NewCSVReader(strings.NewReader(csvText), importSurvey(), nil)
	require.NoError(t, err)
	var jl strings.Builder
	jw := survey.NewJSONLWriter(&jl)
	for {
		r, err := cr.Read()
		if err != nil {
			break
		}
		r.ID = [16]byte{}
		require.NoError(t, jw.Write(r))
	}
	res, err = p.ImportJSONL(ctx, "pulse", strings.NewReader(jl.String()), nil)
	require.NoError(t, err)
	assert.Equal(t, 0, res.Added, "the JSON Lines copy derives the same IDs")

	stored, err := store.ListResponses(ctx, survey.ResponseFilter{Survey: "pulse"})
	require.NoError(t, err)
	require.Len(t, stored, 20)
	for _, r := range stored {
		assert.True(t, cx.IsPseudonym(r.Respondent), "stored respondent %q is not a pseudonym", r.Respondent)
		assert.False(t, strings.HasPrefix(r.Respondent, "p0"), "raw identity stored")
		raw := r
		raw.Respondent = "p" + strings.Repeat("0", 5) // any raw identity
		assert.NotEqual(t, survey.ContentID(raw, 0), r.ID)
		assert.Equal(t, survey.ContentID(r, 0), r.ID, "the ID derives from the stored pseudonym")
	}
	assert.NotContains(t, strings.Join(respondents(stored), ","), "p00001")
	got := map[string]bool{}
	for _, r := range stored {
		got[r.Respondent] = true
	}
	for i := range 20 {
		raw := fmt.Sprintf("p%05d", i)
		assert.True(t, got[ps.Pseudonym(raw)], "the import stores the Pseudonymizer's pseudonym of %s", raw)
	}
}

func respondents(rs []survey.Response) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Respondent
	}
	return out
}

// TestPseudonymIgnoresSurroundingBlanks: blanks around an identity are not
// part of it, on every path that makes pseudonyms (RecordResponses, the
// CSV import, recognitions, units' leaders): " ana@example.gov " is the
// same person as "ana@example.gov", and an identity of blanks only is an
// anonymous response. Before, each spelling had a pseudonym of its own,
// so one person's answers did not link.
func TestPseudonymIgnoresSurroundingBlanks(t *testing.T) {
	ctx := t.Context()
	const who = "ana@example.gov"
	ps, err := cx.NewPseudonymizer(testKey)
	require.NoError(t, err)
	want := ps.Pseudonym(who)
	require.True(t, cx.IsPseudonym(want))
	for _, s := range []string{" " + who, who + " ", "\t" + who + " \r\n"} {
		assert.Equal(t, want, ps.Pseudonym(s), "%q", s)
	}
	assert.Empty(t, ps.Pseudonym(" \t "))
	assert.Equal(t, want, ps.Pseudonym(" "+want+" "), "a pseudonym given with blanks is kept")

	p := importProgramOn(t, memstore.New())
	csvText := importHeader +
		"\" " + who + " \",team_a,w1,2026-03-02T10:00:00Z,4,4,4,8,\n" +
		who + ",team_a,w1,2026-03-03T10:00:00Z,2,2,2,5,\n" +
		"\"  \",team_b,w1,2026-03-03T11:00:00Z,2,2,2,5,\n"
	res, err := p.ImportCSV(ctx, "pulse", strings.NewReader(csvText), nil)
	require.NoError(t, err)
	require.Equal(t, 3, res.Added)
	_, err = p.RecordResponses(ctx, []survey.Response{{Survey: "pulse", Wave: "w1", Unit: "team_b", Respondent: who + "\t",
		Submitted: importOpens.Add(2 * time.Hour), Answers: map[string]int{"q1": 3}}})
	require.NoError(t, err)
	stored, err := p.Store().ListResponses(ctx, survey.ResponseFilter{Survey: "pulse"})
	require.NoError(t, err)
	require.Len(t, stored, 4)
	linked := 0
	for _, r := range stored {
		if r.Unit == "team_b" && r.Answers["q1"] == 2 {
			assert.Empty(t, r.Respondent, "a respondent of blanks only is anonymous")
			continue
		}
		assert.Equal(t, want, r.Respondent)
		linked++
	}
	assert.Equal(t, 3, linked)

	require.NoError(t, p.DefineFramework(ctx, culture.CXBehaviors()))
	_, err = p.RecordRecognitions(ctx, []culture.Recognition{{Recognized: " " + who, By: "lead@example.gov ", Behavior: culture.CustomerFocus, Unit: "team_a", At: importOpens}})
	require.NoError(t, err)
	recs, err := p.Store().ListRecognitions(ctx, culture.RecognitionFilter{})
	require.NoError(t, err)
	require.Len(t, recs, 1)
	assert.Equal(t, want, recs[0].Recognized)
	assert.Equal(t, ps.Pseudonym("lead@example.gov"), recs[0].By)

	require.NoError(t, p.DefineUnits(ctx, cx.Unit{ID: "team_c", Parent: "org", Name: "C", Leaders: []string{" " + who}}))
	h, err := p.Hierarchy(ctx)
	require.NoError(t, err)
	c, ok := h.Unit("team_c")
	require.True(t, ok)
	assert.Equal(t, []string{want}, c.Leaders)
}
