package cx_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
