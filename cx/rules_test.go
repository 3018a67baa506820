package cx_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/metrics"
)

// onePanel holds one team's item cf_practice over len(fav) waves of n
// answers each, fav[i] of them favorable.
func onePanel(t testing.TB, fav []int64, n int64) *cx.Panel {
	t.Helper()
	h, err := cx.NewHierarchy([]cx.Unit{{ID: "org", Name: "Org"}, {ID: "team", Parent: "org", Name: "Claims team"}})
	require.NoError(t, err)
	s := fixtureSurvey()
	tl := cx.NewTallies(s.ID)
	waves := fixtureWaves(len(fav))
	for i, w := range waves {
		setShare(t, tl, "team", w.ID, "cf_practice", fav[i], n)
	}
	return &cx.Panel{Hierarchy: h, Survey: s, Waves: waves, Tallies: tl}
}

// The reproducer: a gain that fell back to the baseline is not
// embedded. One unit of 100 respondents a wave, favorable 40, 39, 41 |
// 60, 61, 60 | 42, 41 %, judged from the fourth wave on.
func TestTrendFadedGainIsNotEmbedded(t *testing.T) {
	p := onePanel(t, []int64{40, 39, 41, 60, 61, 60, 42, 41}, 100)
	trends, err := cx.Trends(p, cx.TrendOptions{Measures: []string{"item:cf_practice"}, Units: []string{"team"}, Since: p.Waves[3].Opens})
	require.NoError(t, err)
	require.Len(t, trends, 1)
	tr := trends[0]
	require.Equal(t, cx.Faded, tr.Verdict, "%v", tr.Evidence)
	require.Contains(t, fmt.Sprint(tr.Evidence), "the gain faded")

	// The same gain held to the end is embedded.
	p = onePanel(t, []int64{40, 39, 41, 60, 61, 60, 62, 61}, 100)
	trends, err = cx.Trends(p, cx.TrendOptions{Measures: []string{"item:cf_practice"}, Units: []string{"team"}, Since: p.Waves[3].Opens})
	require.NoError(t, err)
	require.Equal(t, cx.SustainedShift, trends[0].Verdict, "%v", trends[0].Evidence)
}

// The reproducer: a share fed as observations (weekly CSAT %,
// with the number of surveys behind each value) is a proportion: its
// interval is binomial, its chart a p-chart, and a win on it speaks in
// percentage points, not "raised csat by 0.0734 points".
func TestShareObservationsAreProportions(t *testing.T) {
	h := fixtureHierarchy(t)
	p := simPanel(t, h, simSpec{seed: 4, waves: 8, n: 30, base: 0.5})
	treated := map[string]bool{"t1": true, "t2": true, "t3": true, "t4": true, "t5": true}
	rng := rand.New(rand.NewPCG(4, 4))
	for i := 1; i <= 12; i++ {
		u := fmt.Sprintf("t%d", i)
		for wi, w := range p.Waves {
			pr := 0.70
			if treated[u] && wi >= 3 {
				pr = 0.85
			}
			var s int64
			for range 200 {
				if rng.Float64() < pr {
					s++
				}
			}
			p.Observations = append(p.Observations, cx.Observation{Metric: "csat", Unit: u, Time: w.Opens.Add(48 * time.Hour), Value: float64(s) / 200, N: 200})
		}
	}
	trends, err := cx.Trends(p, cx.TrendOptions{Measures: []string{"csat"}, Units: []string{"t1"}})
	require.NoError(t, err)
	require.Equal(t, cx.ShareMeasure, trends[0].Kind, "a p-chart")
	pt := trends[0].Points[0]
	require.InDelta(t, pt.Value, float64(pt.Successes)/200, 1e-12)
	want := metrics.Proportion{Successes: pt.Successes, N: 200}.Wilson(0.95)
	require.InDelta(t, want.Lower, pt.Interval.Lower, 1e-12, "a binomial (Wilson) interval")

	in := fixtureInitiative([]string{"t1", "t2", "t3", "t4", "t5"}, 3)
	in.Outcomes = []culture.OutcomeTarget{{Metric: "csat", Baseline: 0.7, Target: 0.8}}
	p.Metrics = []cx.Metric{{Key: "csat", Name: "customer satisfaction (CSAT)"}}
	im, err := cx.EstimateImpact(p, in, cx.ImpactOptions{Measures: []string{"csat"}})
	require.NoError(t, err)
	wins := cx.Wins(im)
	require.NotEmpty(t, wins)
	require.Equal(t, cx.ShareMeasure, wins[0].Outcome.Kind)
	require.Contains(t, wins[0].Text, "raised customer satisfaction (CSAT) by 1")
	require.Contains(t, wins[0].Text, " percentage points in its 5 units")
	require.Contains(t, wins[0].Text, "meeting the target of 80%")
	require.NotContains(t, wins[0].Text, "by 0.", "never a share's change as a fraction of points")

	// Declared as a mean, the same values are charted as a mean.
	p.Metrics[0].Kind = cx.MeanMeasure
	trends, err = cx.Trends(p, cx.TrendOptions{Measures: []string{"csat"}, Units: []string{"t1"}})
	require.NoError(t, err)
	require.Equal(t, cx.MeanMeasure, trends[0].Kind)
}

// The reproducers for stopping too soon: a sustained gain with
// only one survey since the end is "too little data", said as such and
// no pitfall; an initiative with no gain is reported as having no
// measurable gain, and cannot "stop too soon".
func TestStoppingTooSoonNeedsAFadingGain(t *testing.T) {
	h := fixtureHierarchy(t)
	units := []string{"t1", "t2", "t3", "t4", "t5"}
	treated := map[string]bool{}
	for _, u := range units {
		treated[u] = true
	}
	in := fixtureInitiative(units, 3)
	in.Status = culture.Completed
	in.History = []culture.Transition{{From: culture.Planned, To: culture.Active, At: in.Start},
		{From: culture.Active, To: culture.Completed, At: in.Start.AddDate(0, 0, 90)}}
	indicators := []culture.Indicator{{ID: "cf", Behavior: culture.CustomerFocus, Name: "CF", Source: culture.Source{Items: []string{"cf_practice"}}},
		{ID: "em", Behavior: culture.Empowerment, Name: "EM", Source: culture.Source{Items: []string{"em_practice"}}}}
	now := t0.AddDate(0, 0, 400)

	// Waves 1-8: the gain holds, one wave after the 90 days.
	held := simPanel(t, h, simSpec{seed: 21, waves: 8, n: 40, base: 0.45, lift: 0.25, from: 3, treated: treated,
		lifted: map[string]bool{culture.CustomerFocus: true, culture.Empowerment: true}})
	ss, err := cx.Sustain(held, in, cx.SustainOptions{Now: now})
	require.NoError(t, err)
	require.Len(t, ss, 2)
	for _, s := range ss {
		require.Equal(t, cx.GainHolding, s.Verdict, "%s: %s", s.Measure, s.Summary)
		require.Equal(t, 1, s.WavesAfter)
	}
	require.Equal(t, "Customer first: the gain in customer focus holds in the 1 survey(s) since it ended on 4 Jul 2026; 3 are needed to call it embedded", ss[0].Summary)
	// With no survey since the end, too little data.
	cut := *held
	cut.Waves = held.Waves[:7]
	cut.Tallies = held.Tallies.Clone()
	for c := range cut.Tallies.Answers {
		if c.Wave == "w08" {
			delete(cut.Tallies.Answers, c)
			delete(cut.Tallies.Respondents, cx.Group{Unit: c.Unit, Wave: c.Wave})
		}
	}
	none, err := cx.Sustain(&cut, in, cx.SustainOptions{Now: now, Measures: []string{"behavior:customer_focus"}})
	require.NoError(t, err)
	require.Equal(t, cx.GainTooLittleData, none[0].Verdict)
	require.Equal(t, "Customer first gained in customer focus, but no survey since its end on 4 Jul 2026 shows whether the gain held", none[0].Summary)
	ps, err := cx.Pitfalls(held, []culture.Initiative{in}, cx.PitfallOptions{Now: now, Indicators: indicators})
	require.NoError(t, err)
	for _, pf := range ps {
		require.NotEqual(t, cx.StoppingTooSoon, pf.Kind, "%s", pf.Summary)
		require.NotEqual(t, cx.NoMeasurableGain, pf.Kind, "%s", pf.Summary)
	}

	// No lift at all: no measurable gain, no stopping too soon.
	flat := simPanel(t, h, simSpec{seed: 22, waves: 12, n: 40, base: 0.45, treated: treated})
	ps, err = cx.Pitfalls(flat, []culture.Initiative{in}, cx.PitfallOptions{Now: now, Indicators: indicators})
	require.NoError(t, err)
	var kinds []cx.PitfallKind
	for _, pf := range ps {
		kinds = append(kinds, pf.Kind)
		require.True(t, strings.HasPrefix(pf.Summary, "Customer first "), "a pitfall names its initiative: %s", pf.Summary)
		if pf.Kind == cx.NoMeasurableGain {
			require.Equal(t, "Customer first made no measurable gain in customer focus against the units that did not run it", pf.Summary)
		}
	}
	require.Equal(t, []cx.PitfallKind{cx.NoMeasurableGain}, kinds)
}

// The reproducer for change by decree: an initiative that lifts
// belief and practice equally leaves the gap unchanged and is no decree,
// even when the practice's interval lies below the belief's estimate.
func TestDecreeTestsTheGap(t *testing.T) {
	h := fixtureHierarchy(t)
	s := fixtureSurvey()
	tl := cx.NewTallies(s.ID)
	waves := fixtureWaves(8)
	// Teams t1-t5 lift belief and practice of customer focus by the same
	// 20 points from wave 4; every count is deterministic.
	for i := 1; i <= 12; i++ {
		u := fmt.Sprintf("t%d", i)
		for wi, w := range waves {
			lift := int64(0)
			if i <= 5 && wi >= 3 {
				lift = 8
			}
			setShare(t, tl, u, w.ID, "cf_belief", 22+int64((i+wi)%3)+lift, 40)
			setShare(t, tl, u, w.ID, "cf_practice", 16+int64((2*i+wi)%4)+lift, 40)
			for _, it := range []string{"em_belief", "em_practice", "ag_practice"} {
				setShare(t, tl, u, w.ID, it, 20, 40)
			}
		}
	}
	p := &cx.Panel{Hierarchy: h, Survey: s, Waves: waves, Tallies: tl}
	in := fixtureInitiative([]string{"t1", "t2", "t3", "t4", "t5"}, 3)
	in.Behaviors = []string{culture.CustomerFocus}
	in.End = t0.AddDate(0, 0, 1000)
	in.Kind = culture.ChangeProgram
	im, err := cx.EstimateImpact(p, in, cx.ImpactOptions{Measures: []string{"belief:customer_focus", "practice:customer_focus", "gap:customer_focus"}})
	require.NoError(t, err)
	require.True(t, im.Effects[0].Improved, "beliefs rose")
	require.True(t, im.Effects[2].Improved, "practices rose")
	require.InDelta(t, 0, im.Effects[4].Estimate, 0.02, "the gap hardly changed")
	require.Equal(t, cx.DifferenceMeasure, im.Effects[4].Kind)
	ps, err := cx.Pitfalls(p, []culture.Initiative{in}, cx.PitfallOptions{Now: t0.AddDate(0, 0, 300),
		Indicators: []culture.Indicator{{ID: "cf", Behavior: culture.CustomerFocus, Name: "CF", Source: culture.Source{Items: []string{"cf_practice"}}}}})
	require.NoError(t, err)
	for _, pf := range ps {
		require.NotEqual(t, "beliefs_outpace_practice", pf.Check, pf.Summary)
	}
}

// Once an initiative has ended, the decree rule tests the gap in two
// windows (during it and after its end); each is tested at Alpha/2 so the
// rule keeps its false-alarm rate. This organization lifted belief and
// practice alike; its gap widened by chance after the end, one-sided
// p = 0.04, which one test at 5% would call a decree.
func TestDecreeEndedInitiativeTestsBothWindowsAtHalfAlpha(t *testing.T) {
	h := fixtureHierarchy(t)
	units := []string{"t1", "t2", "t3", "t4", "t5"}
	treated := map[string]bool{}
	for _, u := range units {
		treated[u] = true
	}
	p := simPanel(t, h, simSpec{seed: 89, waves: 10, n: 40, base: 0.45, lift: 0.2, from: 3, treated: treated,
		lifted: map[string]bool{culture.CustomerFocus: true}})
	in := fixtureInitiative(units, 3)
	in.Behaviors = []string{culture.CustomerFocus}
	run := in
	run.End = t0.AddDate(0, 0, 400)
	im, err := cx.EstimateImpact(p, in, cx.ImpactOptions{Measures: []string{"gap:customer_focus"},
		Directions: map[string]culture.Direction{"gap:customer_focus": culture.LowerIsBetter}})
	require.NoError(t, err)
	var after *cx.Effect
	for i := range im.Effects {
		if im.Effects[i].Window == cx.AfterWindow {
			after = &im.Effects[i]
		}
	}
	require.NotNil(t, after)
	require.True(t, after.Estimable)
	one := after.P / 2
	require.Greater(t, after.Estimate, 0.0, "the gap widened after the end")
	require.True(t, one > 0.025 && one < 0.05, "one-sided p %g: between Alpha/2 and Alpha", one)
	ps, err := cx.Pitfalls(p, []culture.Initiative{in}, cx.PitfallOptions{Now: t0.AddDate(0, 0, 400),
		Indicators: []culture.Indicator{{ID: "cf", Behavior: culture.CustomerFocus, Name: "CF", Source: culture.Source{Items: []string{"cf_practice"}}}}})
	require.NoError(t, err)
	for _, pf := range ps {
		require.NotEqual(t, "beliefs_outpace_practice", pf.Check, pf.Summary)
	}
}

// The audit's reproducers: the latest point back at the baseline is no
// embedded gain, whether the gain lasted three points or five before it.
func TestTrendLatestPointBackAtBaselineIsNotEmbedded(t *testing.T) {
	for _, fav := range [][]int64{
		{40, 39, 41, 60, 61, 60, 42},
		{40, 39, 41, 60, 61, 60, 60, 60, 42},
	} {
		p := onePanel(t, fav, 100)
		trends, err := cx.Trends(p, cx.TrendOptions{Measures: []string{"item:cf_practice"}, Units: []string{"team"}, Since: p.Waves[3].Opens})
		require.NoError(t, err)
		tr := trends[0]
		require.NotEqual(t, cx.SustainedShift, tr.Verdict, "%v: %v", fav, tr.Evidence)
		require.Contains(t, strings.Join(tr.Evidence, " "), "the gain is not shown to hold at the latest result", "%v", fav)
	}
	// A dip that recovered, and a gain that holds, are still embedded.
	for _, fav := range [][]int64{{40, 39, 41, 60, 61, 60, 41, 60}, {40, 39, 41, 60, 61, 60, 62, 61}} {
		p := onePanel(t, fav, 100)
		trends, err := cx.Trends(p, cx.TrendOptions{Measures: []string{"item:cf_practice"}, Units: []string{"team"}, Since: p.Waves[3].Opens})
		require.NoError(t, err)
		require.Equal(t, cx.SustainedShift, trends[0].Verdict, "%v: %v", fav, trends[0].Evidence)
	}
}

// The reproducer for links: with no relation between behaviors
// and outcome, a link carries a permutation p-value and claims nothing.
func TestLinksClaimNothingUnderTheNull(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	l := linksRun(t, rng, 14, 0)
	require.Greater(t, l.P, 0.05)
	require.False(t, l.Significant)
	require.Equal(t, 199, l.Permutations)
	require.True(t, strings.HasPrefix(l.Summary, "No evidence that the behaviors go with outcome across the 14 units"), l.Summary)

	l = linksRun(t, rng, 30, 1.5)
	require.True(t, l.Significant, "p = %v", l.P)
	require.Less(t, l.P, 0.01)
	require.True(t, strings.HasPrefix(l.Summary, "Across 30 units, the behaviors together account for "), l.Summary)
	require.Contains(t, l.Summary, "most of it goes with customer focus")
}
