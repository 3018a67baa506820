package cx_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
)

// didPanel holds the item cf_practice of six teams over four waves, 20
// answers per wave: t1 and t2 run the initiative from wave 3.
func didPanel(t *testing.T) *cx.Panel {
	h := fixtureHierarchy(t)
	s := fixtureSurvey()
	tl := cx.NewTallies(s.ID)
	counts := map[string][4]int64{
		"t1": {8, 10, 15, 16}, "t2": {12, 11, 17, 18}, "t3": {9, 10, 10, 11},
		"t4": {14, 13, 13, 15}, "t5": {6, 8, 9, 8}, "t6": {11, 11, 10, 11},
	}
	waves := fixtureWaves(4)
	for u, c := range counts {
		for i, w := range waves {
			setShare(t, tl, u, w.ID, "cf_practice", c[i], 20)
		}
	}
	return &cx.Panel{Hierarchy: h, Survey: s, Waves: waves, Tallies: tl}
}

// The references come from R 4.2:
//
//	pre <- list(t1=c(8,10), t2=c(12,11), t3=c(9,10), t4=c(14,13), t5=c(6,8), t6=c(11,11))
//	post <- list(t1=c(15,16), t2=c(17,18), t3=c(10,11), t4=c(13,15), t5=c(9,8), t6=c(10,11))
//	p0 <- sapply(pre, function(x) sum(x)/40); p1 <- sapply(post, function(x) sum(x)/40)
//	d <- p1 - p0; v <- p0*(1-p0)/40 + p1*(1-p1)/40
//	T <- c("t1","t2"); C <- c("t3","t4","t5","t6"); dc <- d[C]
//	phi <- max(1, sum((dc-mean(dc))^2/v[C])/(length(C)-1))
//	est <- mean(d[T]) - mean(dc); se <- sqrt(phi*sum(v[T])/length(T)^2 + var(dc)/length(C))
//	2*pnorm(-abs(est/se)); est + c(-1, 1)*qnorm(.975)*se
//	phi <- max(1, sum((dc-mean(dc))^2/v[C])/(length(C)-1))
//	est <- d["t1"] - mean(dc); se <- sqrt(phi*v["t1"] + var(dc)/length(C)); 2*pnorm(-abs(est/se))
func TestImpactMatchesR(t *testing.T) {
	p := didPanel(t)
	in := fixtureInitiative([]string{"t1", "t2"}, 2)
	im, err := cx.EstimateImpact(p, in, cx.ImpactOptions{Measures: []string{"item:cf_practice"},
		Comparison: []string{"t3", "t4", "t5", "t6"}, PerUnit: true, Placebo: true})
	require.NoError(t, err)
	require.Equal(t, []string{"w01", "w02"}, im.Pre)
	require.Equal(t, []string{"w03", "w04"}, im.During)
	require.Empty(t, im.After)
	require.Len(t, im.Effects, 2)
	e := im.Effects[0]
	require.Equal(t, cx.DuringWindow, e.Window)
	require.True(t, e.Estimable)
	require.Equal(t, 2, e.TreatedUnits)
	require.Equal(t, 4, e.ComparisonUnits)
	// Two treated units: model-based variance (R, see did2 below).
	require.InDelta(t, 0.28125, e.Estimate, 1e-12)
	require.InDelta(t, 0.072824346318155625, e.SE, 1e-12)
	require.InDelta(t, 0.13851690401874292, e.Interval.Lower, 1e-9)
	require.InDelta(t, 0.42398309598125705, e.Interval.Upper, 1e-9)
	require.InDelta(t, 0.00011244755409265983, e.P, 1e-12)
	require.Zero(t, e.DF)
	require.True(t, e.Significant)
	require.True(t, e.Improved)
	// No wave after the end: the after window is not estimable.
	require.False(t, im.Effects[1].Estimable)
	require.NotEmpty(t, im.Effects[1].Reason)

	var t1, t3 *cx.UnitEffect
	for i := range im.UnitEffects {
		u := &im.UnitEffects[i]
		if u.Window != cx.DuringWindow {
			continue
		}
		switch u.Unit {
		case "t1":
			t1 = u
		case "t3":
			t3 = u
		}
	}
	require.NotNil(t, t1)
	require.False(t, t1.Placebo)
	require.InDelta(t, 0.29375, t1.Estimate, 1e-12)
	require.InDelta(t, 0.10489329895978421, t1.SE, 1e-12)
	require.InDelta(t, 0.0051029059611062844, t1.P, 1e-12)
	require.InDelta(t, 0.088162911819230305, t1.Interval.Lower, 1e-9)
	require.NotNil(t, t3)
	require.True(t, t3.Placebo)
	// R: t3 against t4..t6 (itself left out).
	require.InDelta(t, 0.025, t3.Estimate, 1e-12)
	require.InDelta(t, 0.1153346579885393, t3.SE, 1e-12)
	require.InDelta(t, 0.82839498387855182, t3.P, 1e-12)
	require.False(t, t3.Significant)

	_, err = json.Marshal(im)
	require.NoError(t, err, "an impact must encode as JSON")
}

func TestImpactDefaultsAndErrors(t *testing.T) {
	h := fixtureHierarchy(t)
	p := simPanel(t, h, simSpec{seed: 1, waves: 8, n: 30, base: 0.5, lift: 0.3, from: 3,
		treated: map[string]bool{"t1": true, "t2": true}, lifted: map[string]bool{culture.CustomerFocus: true}})
	in := fixtureInitiative([]string{"t1", "t2"}, 3)
	im, err := cx.EstimateImpact(p, in, cx.ImpactOptions{})
	require.NoError(t, err)
	// Default measures: the fostered behaviors, then the outcome (the
	// same as the first behavior here); default comparison: the other
	// teams.
	var measures []string
	for _, e := range im.Effects {
		measures = append(measures, e.Measure)
	}
	require.Equal(t, []string{"behavior:customer_focus", "behavior:customer_focus", "behavior:empowerment", "behavior:empowerment"}, measures)
	require.Equal(t, []string{"t10", "t11", "t12", "t3", "t4", "t5", "t6", "t7", "t8", "t9"}, sortedCopy(im.Comparison))
	require.True(t, im.Effects[0].Improved, "a 30-point lift on 60 answers per wave is found")
	require.False(t, im.Effects[2].Significant, "empowerment was not lifted")

	// Bad input: every problem is listed.
	bad := in
	bad.Units = []string{"nowhere"}
	bad.Name = ""
	_, err = cx.EstimateImpact(p, bad, cx.ImpactOptions{Comparison: []string{"t1", "ghost"}, FDR: 2})
	var ve *cx.ValidationError
	require.ErrorAs(t, err, &ve)
	require.True(t, errors.Is(err, cx.ErrInvalid))
	fields := map[string]bool{}
	for _, pr := range ve.Problems {
		fields[pr.Field] = true
	}
	for _, f := range []string{"initiative.name", "initiative.units[0]", "comparison[1]", "fdr"} {
		require.True(t, fields[f], "missing problem %s in %v", f, ve.Problems)
	}
	noTimes := *p
	noTimes.Waves = nil
	_, err = cx.EstimateImpact(&noTimes, in, cx.ImpactOptions{})
	require.ErrorIs(t, err, cx.ErrInvalid)
	_, err = cx.EstimateImpact(p, in, cx.ImpactOptions{Measures: []string{"behavior:Not An ID"}})
	require.ErrorIs(t, err, cx.ErrInvalid)
}

// Adding a constant lift L to the treated units' values from the start
// on increases the estimated impact by exactly L: for an operational
// metric by adding to the observations, for a share by moving answers
// to favorable.
func TestImpactLiftProperty(t *testing.T) {
	props := cxgen.NewProperties(t, 100)
	h := fixtureHierarchy(t)
	props.Property("a constant lift of the treated units adds to the impact", prop.ForAll(
		func(seed uint64, lift float64, k int64) string {
			r := newRand(seed)
			in := fixtureInitiative([]string{"t1", "t2", "t3"}, 3)
			in.Outcomes = []culture.OutcomeTarget{{Metric: "csat", Baseline: 0.7, Target: 0.8}}
			var obs, lifted []cx.Observation
			for _, u := range h.IDs() {
				if !h.IsLeaf(u) {
					continue
				}
				for i := range 7 {
					o := cx.Observation{Metric: "csat", Unit: u, Time: t0.AddDate(0, 0, 30*i+1), Value: 3 + r.NormFloat64()}
					obs = append(obs, o)
					if in.RunsIn(u) && i >= 3 {
						o.Value += lift
					}
					lifted = append(lifted, o)
				}
			}
			est := func(obs []cx.Observation) (float64, float64, bool) {
				p := &cx.Panel{Hierarchy: h, Survey: fixtureSurvey(), Waves: fixtureWaves(7), Tallies: cx.NewTallies("pulse"), Observations: obs}
				im, err := cx.EstimateImpact(p, in, cx.ImpactOptions{Measures: []string{"csat"}})
				if err != nil || !im.Effects[0].Estimable {
					return 0, 0, false
				}
				return im.Effects[0].Estimate, im.Effects[1].Estimate, true
			}
			d0, a0, ok0 := est(obs)
			d1, a1, ok1 := est(lifted)
			if !ok0 || !ok1 {
				return "not estimable"
			}
			if math.Abs(d1-d0-lift) > 1e-9 || math.Abs(a1-a0-lift) > 1e-9 {
				return fmt.Sprintf("observations: lift %g not added: %g %g %g %g", lift, d0, d1, a0, a1)
			}
			// Shares: k more favorable answers of 40 per wave and item is
			// a lift of k/40.
			p := simPanel(t, h, simSpec{seed: seed, waves: 7, n: 40, base: 0.4, from: 3})
			plus := simPanel(t, h, simSpec{seed: seed, waves: 7, n: 40, base: 0.4, from: 3})
			// Keep room for k more favorable answers everywhere.
			for c, tally := range plus.Tallies.Answers {
				if c.Item != "cf_practice" {
					continue
				}
				fav := min(tally.Count(5), 40-10)
				setShare(t, p.Tallies, c.Unit, c.Wave, c.Item, fav, 40)
				if in.RunsIn(c.Unit) && c.Wave >= "w04" {
					fav += k
				}
				setShare(t, plus.Tallies, c.Unit, c.Wave, c.Item, fav, 40)
			}
			e0, err0 := cx.EstimateImpact(p, in, cx.ImpactOptions{Measures: []string{"item:cf_practice"}})
			e1, err1 := cx.EstimateImpact(plus, in, cx.ImpactOptions{Measures: []string{"item:cf_practice"}})
			if err0 != nil || err1 != nil {
				return "error"
			}
			if math.Abs(e1.Effects[0].Estimate-e0.Effects[0].Estimate-float64(k)/40) > 1e-9 {
				return "shares: lift not added"
			}
			return ""
		},
		gen.UInt64(), gen.Float64Range(-2, 2), gen.Int64Range(0, 10),
	))
	props.Run()
}

// Five treated units: Welch's test on the units' changes. R 4.2, with
// the data of TestImpactMatchesR extended by:
//
//	pre:  t7=c(7,9), t8=c(10,12), t9=c(13,12), t10=c(9,9), t11=c(12,10), t12=c(8,7)
//	post: t7=c(12,14), t8=c(13,17), t9=c(16,15), t10=c(10,8), t11=c(12,13), t12=c(9,7)
//	T <- c("t1","t2","t7","t8","t9"); C <- c("t3","t4","t5","t6","t10","t11","t12")
//	t.test(d[T], d[C])
func TestImpactWelchMatchesR(t *testing.T) {
	p := didPanel(t)
	more := map[string][4]int64{"t7": {7, 9, 12, 14}, "t8": {10, 12, 13, 17}, "t9": {13, 12, 16, 15},
		"t10": {9, 9, 10, 8}, "t11": {12, 10, 12, 13}, "t12": {8, 7, 9, 7}}
	for u, c := range more {
		for i, w := range p.Waves {
			setShare(t, p.Tallies, u, w.ID, "cf_practice", c[i], 20)
		}
	}
	in := fixtureInitiative([]string{"t1", "t2", "t7", "t8", "t9"}, 2)
	im, err := cx.EstimateImpact(p, in, cx.ImpactOptions{Measures: []string{"item:cf_practice"}})
	require.NoError(t, err)
	e := im.Effects[0]
	require.Equal(t, 5, e.TreatedUnits)
	require.Equal(t, 7, e.ComparisonUnits)
	require.InDelta(t, 0.21285714285714286, e.Estimate, 1e-12)
	require.InDelta(t, 0.1255950188276875, e.Interval.Lower, 1e-9)
	require.InDelta(t, 0.30011926688659823, e.Interval.Upper, 1e-9)
	require.InDelta(t, 0.0011802955139426476, e.P, 1e-9)
	require.InDelta(t, 5.5705303949363882, e.DF, 1e-9)
}
