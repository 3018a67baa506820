package cx_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
)

func TestWinsCarryEvidence(t *testing.T) {
	h := fixtureHierarchy(t)
	treated := map[string]bool{"t1": true, "t2": true, "t3": true, "t7": true, "t8": true}
	p := simPanel(t, h, simSpec{seed: 3, waves: 10, n: 30, base: 0.45, lift: 0.25, from: 3, treated: treated,
		lifted: map[string]bool{culture.CustomerFocus: true, culture.Empowerment: true}})
	in := fixtureInitiative([]string{"t1", "t2", "t3", "t7", "t8"}, 3)
	in.Outcomes = []culture.OutcomeTarget{{Metric: "item:cf_practice", Baseline: 0.45, Target: 0.6}}
	im, err := cx.EstimateImpact(p, in, cx.ImpactOptions{Measures: []string{"behavior:customer_focus", "behavior:empowerment",
		"behavior:agility", "item:cf_practice"}})
	require.NoError(t, err)
	wins := cx.Wins(im)
	require.Len(t, wins, 2, "a win during and a win after")
	w := wins[0]
	require.Equal(t, cx.DuringWindow, w.Window)
	require.Equal(t, "item:cf_practice", w.Outcome.Measure)
	require.True(t, w.Outcome.Improved)
	require.Greater(t, w.Outcome.Interval.Lower, 0.0)
	require.Equal(t, 5, w.TreatedUnits)
	require.Equal(t, 7, w.ComparisonUnits)
	require.Equal(t, []string{"w01", "w02", "w03"}, w.Before)
	require.Equal(t, []string{"w04", "w05", "w06", "w07"}, w.After, "a wave opening on the end day belongs to the initiative")
	require.Equal(t, t0, w.Outcome.BeforeFrom)
	var behaviors []string
	for _, b := range w.Behaviors {
		behaviors = append(behaviors, b.Measure)
		require.True(t, b.Improved)
	}
	require.Equal(t, []string{"behavior:customer_focus", "behavior:empowerment"}, behaviors, "agility was not lifted")
	// Plain language: the initiative, its dates, the result with its
	// interval in percentage points, the target, the behaviors behind it;
	// no keys, no wave IDs.
	require.True(t, strings.HasPrefix(w.Text, "Win: Customer first (90-day project, 5 Apr–4 Jul 2026) raised “Statement cf_practice” by "), w.Text)
	require.Contains(t, w.Text, " percentage points in its 5 units, beyond the change in 7 units that did not run it (95% interval +")
	require.Contains(t, w.Text, "from the surveys of 5 Jan–6 Mar 2026 to those of 5 Apr–4 Jul 2026.")
	require.True(t, w.HasTarget)
	require.InDelta(t, 0.6, w.Target, 1e-12)
	require.Equal(t, w.Outcome.TreatedAfter, w.Reached)
	require.True(t, w.TargetMet, "a 25-point lift from 45%% reaches 60%%: %v", w.Reached)
	require.Contains(t, w.Text, "meeting the target of 60%.")
	require.Contains(t, w.Text, "Behind it, in the same units' employee pulse: customer focus rose by")
	require.Contains(t, w.Text, "empowerment rose by")
	require.NotContains(t, w.Text, "agility")
	for _, jargon := range []string{"behavior:", "item:", "w0", "adjusted p"} {
		require.NotContains(t, w.Text, jargon)
	}
	require.True(t, strings.HasPrefix(w.Markdown, "**Win: Customer first**"))
	require.Contains(t, w.Markdown, "\n- customer focus rose by")
	_, err = json.Marshal(wins)
	require.NoError(t, err)

	require.Nil(t, cx.Wins(nil))
	in.Outcomes = nil
	im, err = cx.EstimateImpact(p, in, cx.ImpactOptions{})
	require.NoError(t, err)
	require.Empty(t, cx.Wins(im), "without an outcome target there is nothing to call a win")
}

// With no change anywhere, wins appear at no more than the controlled
// rate: under the complete null, Benjamini-Hochberg at FDR q keeps the
// chance of any rejection at most q.
func TestWinsNullRateProperty(t *testing.T) {
	props := cxgen.NewProperties(t, 15)
	h := fixtureHierarchy(t)
	const panels = 20
	var total, withWin int
	props.Property("a series with no change yields no win beyond the controlled rate", prop.ForAll(
		func(seed uint64, five bool) bool {
			units := []string{"t1", "t2", "t7"}
			if five {
				units = append(units, "t3", "t8")
			}
			in := fixtureInitiative(units, 3)
			wins := 0
			for i := range panels {
				p := simPanel(t, h, simSpec{seed: seed + uint64(i), waves: 8, n: 25, base: 0.55})
				im, err := cx.EstimateImpact(p, in, cx.ImpactOptions{})
				if err != nil {
					return false
				}
				if len(cx.Wins(im)) > 0 {
					wins++
				}
			}
			total += panels
			withWin += wins
			// P(X >= 7) for X ~ Binomial(20, 0.05) is about 3e-4.
			return wins < 7
		},
		gen.UInt64Range(0, 1<<40), gen.Bool(),
	))
	props.Run()
	rate := float64(withWin) / float64(total)
	// 0.05 plus three binomial standard errors.
	require.LessOrEqual(t, rate, 0.05+3*0.218/sqrtInt(total), "share of null programs with a win: %d of %d", withWin, total)
}
