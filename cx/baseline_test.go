package cx_test

import (
	"encoding/json"
	"testing"

	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
	"github.com/cxculture/cxculture/survey"
)

func TestBaseline(t *testing.T) {
	p := trendPanel(t)
	setNPS(t, p.Tallies, "t1", "w01", 30, 50, 20)
	s := p.Survey.Clone()
	s.Items[1].Scale = survey.Likert7
	p.Fielded = map[string]survey.Survey{"w03": s}
	b, err := cx.NewBaseline(p, cx.BaselineOptions{})
	require.NoError(t, err)
	require.Equal(t, "w01", b.Wave)
	require.Equal(t, t0, b.Time)
	require.Equal(t, []string{
		"behavior:customer_focus", "belief:customer_focus", "practice:customer_focus",
		"behavior:empowerment", "belief:empowerment", "practice:empowerment",
		"behavior:agility",
		"mean:customer_focus", "mean:empowerment", "mean:agility", "enps", "days"}, b.Measures)
	require.Len(t, b.Units, 15)
	require.Equal(t, "org", b.Units[0].Unit)

	v, ok := b.Value("t2", "behavior:customer_focus")
	require.True(t, ok)
	require.InDelta(t, 0.5, v.Value, 1e-12)
	require.Equal(t, int64(200), v.N)
	require.Equal(t, int64(100), v.Successes)
	require.InDelta(t, 0.43136085960389192, v.Interval.Lower, 1e-12) // R: prop.test(100, 200, correct = FALSE)$conf.int
	v, _ = b.Value("t2", "behavior:empowerment")
	require.True(t, v.Missing, "no answers to empowerment")
	v, _ = b.Value("t1", "enps")
	require.InDelta(t, 10, v.Value, 1e-12)
	v, _ = b.Value("t1", "days")
	require.InDelta(t, 4.0, v.Value, 1e-12, "the observation of the baseline wave")
	v, _ = b.Value("d1", "behavior:customer_focus")
	require.Equal(t, int64(6*200), v.N, "d1 pools its six teams shown in w01")
	v, _ = b.Value("t6", "behavior:customer_focus")
	require.False(t, v.Suppressed)
	for _, w := range []string{"w02", "w03"} {
		bw, err := cx.NewBaseline(p, cx.BaselineOptions{Wave: w, Measures: []string{"behavior:customer_focus"}})
		require.NoError(t, err)
		v, _ = bw.Value("d1", "behavior:customer_focus")
		require.Equal(t, int64(5*200), v.N, "the suppressed team t6 is left out of its division")
		v, _ = bw.Value("t6", "behavior:customer_focus")
		require.True(t, v.Suppressed)
		require.Equal(t, "fewer than 5 respondents", v.Reason)
	}
	_, ok = b.Value("t2", "unknown")
	require.False(t, ok)

	// w02 → w03 rescaled cf_practice; w03 → w04 back again.
	var waves []string
	for _, br := range b.Breaks {
		if br.Measure == "behavior:customer_focus" {
			waves = append(waves, br.Wave)
			require.Contains(t, br.Reason, `the item "Statement cf_practice" changed, its scale went from`, "the break quotes the item")
		}
	}
	require.Equal(t, []string{"w03", "w04"}, waves)
	_, err = json.Marshal(b)
	require.NoError(t, err)

	_, err = cx.NewBaseline(p, cx.BaselineOptions{Wave: "w99"})
	require.ErrorIs(t, err, cx.ErrInvalid)
	empty := *p
	empty.Tallies = cx.NewTallies("pulse")
	_, err = cx.NewBaseline(&empty, cx.BaselineOptions{})
	require.ErrorIs(t, err, cx.ErrInvalid)
}

// Whatever the answers of a suppressed group, no figure computed from the
// panel changes: suppressed groups enter nothing.
func TestSuppressedGroupsNeverShowProperty(t *testing.T) {
	props := cxgen.NewProperties(t, 12)
	props.Property("the answers of a suppressed group change no figure", prop.ForAll(
		func(seed uint64, fav int64) bool {
			h := fixtureHierarchy(t)
			sp := simSpec{seed: seed, waves: 7, n: 12, base: 0.5, lift: 0.2, from: 3,
				treated: map[string]bool{"t1": true, "t2": true, "t3": true}, lifted: map[string]bool{"customer_focus": true}}
			a, b := simPanel(t, h, sp), simPanel(t, h, sp)
			// t2 has 4 respondents in w02 and w05: below the minimum of 5.
			for _, w := range []string{"w02", "w05"} {
				for _, it := range []string{"cf_belief", "cf_practice", "em_belief", "em_practice", "ag_practice"} {
					setShare(t, a.Tallies, "t2", w, it, 0, 4)
					setShare(t, b.Tallies, "t2", w, it, fav, 4)
				}
			}
			in := fixtureInitiative([]string{"t1", "t2", "t3"}, 3)
			run := func(p *cx.Panel) string {
				var out []any
				im, err := cx.EstimateImpact(p, in, cx.ImpactOptions{PerUnit: true, Placebo: true})
				if err != nil {
					return err.Error()
				}
				tr, err := cx.Trends(p, cx.TrendOptions{})
				if err != nil {
					return err.Error()
				}
				bl, err := cx.NewBaseline(p, cx.BaselineOptions{Wave: "w02"})
				if err != nil {
					return err.Error()
				}
				out = append(out, im, cx.Wins(im), tr, bl)
				js, err := json.Marshal(out)
				if err != nil {
					return err.Error()
				}
				return string(js)
			}
			ra := run(a)
			return ra == run(b) && len(ra) > 1000
		},
		gen.UInt64(), gen.Int64Range(1, 4),
	))
	props.Run()
}

// With a privacy plan, the panel shows exactly what the plan shows.
func TestPanelFollowsDisclosurePlan(t *testing.T) {
	h := fixtureHierarchy(t)
	p := simPanel(t, h, simSpec{seed: 4, waves: 6, n: 12, base: 0.5})
	// t2 is small in w02; t5 in w04; all of d2 is small in w06.
	setShare(t, p.Tallies, "t2", "w02", "cf_practice", 2, 3)
	setShare(t, p.Tallies, "t5", "w04", "cf_practice", 2, 4)
	for _, u := range []string{"t7", "t8", "t9", "t10", "t11", "t12"} {
		p.Tallies.Respondents[cx.Group{Unit: u, Wave: "w06"}] = 0
	}
	var waves []string
	for _, w := range p.Waves {
		waves = append(waves, w.ID)
	}
	plan, err := cx.DefaultPrivacy().Plan(h, p.Tallies, waves, nil)
	require.NoError(t, err)
	for _, withPlan := range []*cx.Panel{{Hierarchy: h, Survey: p.Survey, Waves: p.Waves, Tallies: p.Tallies, Disclosure: plan},
		{Hierarchy: h, Survey: p.Survey, Waves: p.Waves, Tallies: p.Tallies, Privacy: &cx.Privacy{}}} {
		trends, err := cx.Trends(withPlan, cx.TrendOptions{Measures: []string{"item:cf_practice"}})
		require.NoError(t, err)
		hiddenSeen := 0
		for _, tr := range trends {
			for _, pt := range tr.Points {
				r, hidden := plan.Hidden(tr.Unit, pt.Wave)
				if withPlan.Tallies.Respondents[cx.Group{Unit: tr.Unit, Wave: pt.Wave}] == 0 && h.IsLeaf(tr.Unit) {
					hidden = true
				}
				require.Equal(t, hidden, pt.Suppressed, "%s %s", tr.Unit, pt.Wave)
				if pt.Suppressed {
					hiddenSeen++
					require.Zero(t, pt.N)
					if r.Kind == cx.Complementary {
						require.Contains(t, pt.Reason, "cannot be worked out from the figures shown")
					}
				}
			}
		}
		require.GreaterOrEqual(t, hiddenSeen, 4+6, "the two small teams, a complement each, and d2's teams")
	}
}

func TestCustomerOutcomeBaseline(t *testing.T) {
	h := fixtureHierarchy(t)
	s := survey.A11()
	tl := cx.NewTallies(s.ID)
	waves := fixtureWaves(4)
	for i := range waves {
		waves[i].Survey = s.ID
	}
	for _, w := range waves {
		for _, u := range []string{"t1", "t2"} {
			for _, it := range s.Items {
				setShare(t, tl, u, w.ID, it.ID, 30, 40)
			}
		}
	}
	p := &cx.Panel{Hierarchy: h, Survey: s, Waves: waves, Tallies: tl}
	require.Equal(t, []string{"item:a11.satisfaction", "item:a11.trust", "item:a11.effectiveness", "item:a11.ease", "item:a11.efficiency",
		"item:a11.equity", "item:a11.employee"}, cx.DefaultMeasures(s))
	b, err := cx.NewBaseline(p, cx.BaselineOptions{})
	require.NoError(t, err)
	v, ok := b.Value("d1", "item:a11.trust")
	require.True(t, ok)
	require.InDelta(t, 0.75, v.Value, 1e-12)
	require.Equal(t, int64(80), v.N)
	trends, err := cx.Trends(p, cx.TrendOptions{Units: []string{"t1"}})
	require.NoError(t, err)
	require.Len(t, trends, 7)
	require.Equal(t, cx.Stable, trends[1].Verdict)
}
