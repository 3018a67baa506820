package cx_test

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/cxculture/cxculture/cx"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestProgramScorecardDefaultPrivacy: without rules of its own a program
// applies DefaultPrivacy, so the scorecard equals the one planned with
// those rules, and hides more than the bare threshold does.
func TestProgramScorecardDefaultPrivacy(t *testing.T) {
	p := scProgram(t)
	got, err := p.Scorecard(t.Context(), "pulse", cx.ScorecardOptions{Wave: "w2", Baseline: "w1"})
	require.NoError(t, err)
	require.NotNil(t, got.Privacy, "the scorecard names the rules applied")
	assert.Equal(t, cx.DefaultPrivacy(), *got.Privacy)
	bare, err := p.Scorecard(t.Context(), "pulse", cx.ScorecardOptions{Wave: "w2", Baseline: "w1", UnitMinimumOnly: true})
	require.NoError(t, err)
	hidden := func(sc *cx.Scorecard) (n int) {
		for _, u := range sc.Units {
			if u.Suppressed {
				n++
			}
		}
		return n
	}
	assert.Greater(t, hidden(got), hidden(bare), "complementary suppression hides a sibling of the small team")
	pr := cx.DefaultPrivacy()
	planned, err := p.Scorecard(t.Context(), "pulse", cx.ScorecardOptions{Wave: "w2", Baseline: "w1", Privacy: &pr})
	require.NoError(t, err)
	assert.Equal(t, scUnitIDs(planned), scUnitIDs(got))
	for i := range got.Units {
		assert.Equal(t, planned.Units[i].Suppressed, got.Units[i].Suppressed, got.Units[i].Unit)
	}
}

// TestProgramScorecardReadsPatternsOfItsWave: a program's scorecard asks
// the store for the response patterns of the wave it scores only, and
// equals the scorecard computed from every wave's patterns under the
// plan of another program over the same store (its own plan, not one
// the first program cached), the reliability of its groups included.
func TestProgramScorecardReadsPatternsOfItsWave(t *testing.T) {
	p := scProgram(t)
	ctx := t.Context()
	opts := cx.ScorecardOptions{Wave: "w2", Baseline: "w1"}
	got, err := p.Scorecard(ctx, "pulse", opts)
	require.NoError(t, err)
	other, err := cx.New(p.Store(), &cx.Options{Now: func() time.Time { return scOpens["w2"].Add(60 * 24 * time.Hour) }})
	require.NoError(t, err)
	d, err := other.Disclosure(ctx, "pulse")
	require.NoError(t, err)
	all, err := cx.TallyResponses(ctx, p.Store(), cx.TallyFilter{Survey: "pulse"})
	require.NoError(t, err)
	waves := map[string]bool{}
	for k := range all.Patterns {
		waves[k.Wave] = true
	}
	require.Len(t, waves, 2, "both waves have patterns")
	h, err := p.HierarchyAt(ctx, scOpens["w2"])
	require.NoError(t, err)
	w, err := p.Store().GetWave(ctx, "w2")
	require.NoError(t, err)
	opts.Disclosure, opts.Invited = d, w.Invited
	want, err := cx.NewScorecard(h, scSurvey(), all, opts)
	require.NoError(t, err)
	alphas := 0
	for _, r := range want.Reliability {
		if !math.IsNaN(r.Alpha.Raw) {
			alphas++
		}
	}
	require.Positive(t, alphas, "the scorecard shows the reliability of some group")
	wj, err := json.Marshal(want)
	require.NoError(t, err)
	gj, err := json.Marshal(got)
	require.NoError(t, err)
	assert.JSONEq(t, string(wj), string(gj))
}
