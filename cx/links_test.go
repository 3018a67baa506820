package cx_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/metrics"
)

var (
	linkCF = []int64{40, 55, 62, 48, 70, 52, 66, 45, 58, 61, 50, 73}
	linkEM = []int64{50, 45, 60, 52, 49, 58, 41, 63, 55, 47, 60, 52}
	linkAG = []int64{30, 42, 35, 50, 44, 38, 47, 33, 41, 52, 36, 45}
	linkY  = []float64{3.1, 3.6, 3.9, 3.3, 4.2, 3.5, 3.8, 3.4, 3.7, 3.6, 3.5, 4.3}
)

func linkPanel(t *testing.T) (*cx.Panel, map[string]float64) {
	h := fixtureHierarchy(t)
	s := fixtureSurvey()
	tl := cx.NewTallies(s.ID)
	waves := fixtureWaves(2)
	y := map[string]float64{}
	for i := range 12 {
		u := fmt.Sprintf("t%d", i+1)
		for _, w := range waves {
			setShare(t, tl, u, w.ID, "cf_belief", linkCF[i], 100)
			setShare(t, tl, u, w.ID, "cf_practice", linkCF[i], 100)
			setShare(t, tl, u, w.ID, "em_belief", linkEM[i], 100)
			setShare(t, tl, u, w.ID, "em_practice", linkEM[i], 100)
			setShare(t, tl, u, w.ID, "ag_practice", linkAG[i], 100)
		}
		y[u] = linkY[i]
	}
	var obs []cx.Observation
	for i := range 12 {
		u := fmt.Sprintf("t%d", i+1)
		obs = append(obs, cx.Observation{Metric: "csat", Unit: u, Time: t0.AddDate(0, 0, 31), Value: linkY[i] - 0.1},
			cx.Observation{Metric: "csat", Unit: u, Time: t0.AddDate(0, 0, 33), Value: linkY[i] + 0.1},
			cx.Observation{Metric: "csat", Unit: u, Time: t0.AddDate(0, 0, 90), Value: 100})
	}
	return &cx.Panel{Hierarchy: h, Survey: s, Waves: waves, Tallies: tl, Observations: obs}, y
}

// The R² is R's: summary(lm(y ~ cf + em + ag))$r.squared with the shares
// and outcomes of linkCF, linkEM, linkAG and linkY.
func TestLinks(t *testing.T) {
	p, y := linkPanel(t)
	got, err := cx.MeasureValues(p, "csat", []string{"w02"})
	require.NoError(t, err)
	require.Len(t, got, 12, "leaves only have observations")
	for u, v := range y {
		require.InDelta(t, v, got[u], 1e-12, "the mean of the observations within wave w02, %s", u)
	}
	l, err := cx.Links(p, "csat", got, cx.LinkOptions{Seed: 1, Bootstrap: 300})
	require.NoError(t, err)
	require.True(t, l.Enough, l.Reason)
	require.Equal(t, []string{"w02"}, l.Waves)
	require.Len(t, l.Units, 12)
	require.InDelta(t, 0.96952108066440079, l.R2, 1e-9)
	x := make([][]float64, 12)
	for i := range x {
		x[i] = []float64{float64(linkCF[i]) / 100, float64(linkEM[i]) / 100, float64(linkAG[i]) / 100}
	}
	shap, err := metrics.ShapleyR2(x, linkY)
	require.NoError(t, err)
	rw, err := metrics.RelativeWeights(x, linkY)
	require.NoError(t, err)
	require.Equal(t, []string{culture.CustomerFocus, culture.Empowerment, culture.Agility},
		[]string{l.Drivers[0].Behavior, l.Drivers[1].Behavior, l.Drivers[2].Behavior})
	for j, d := range l.Drivers {
		require.InDelta(t, shap[j], d.Shapley, 1e-12)
		require.InDelta(t, rw[j], d.Weight, 1e-12)
		require.LessOrEqual(t, d.ShapleyInterval.Lower, d.ShapleyInterval.Upper)
	}
	require.Greater(t, l.Drivers[0].Shapley, 0.5, "customer focus drives the outcome")
	require.Greater(t, l.Drivers[0].ShapleyInterval.Lower, l.Drivers[2].ShapleyInterval.Lower)
	require.Greater(t, l.Resamples, 250)
	again, err := cx.Links(p, "csat", got, cx.LinkOptions{Seed: 1, Bootstrap: 300})
	require.NoError(t, err)
	require.Equal(t, l, again, "the same seed gives the same intervals")
	other, err := cx.Links(p, "csat", got, cx.LinkOptions{Seed: 2, Bootstrap: 300})
	require.NoError(t, err)
	require.NotEqual(t, l.R2Interval, other.R2Interval)
	_, err = json.Marshal(l)
	require.NoError(t, err)

	few, err := cx.Links(p, "csat", map[string]float64{"t1": 1, "t2": 2, "t3": 3}, cx.LinkOptions{})
	require.NoError(t, err)
	require.False(t, few.Enough)
	require.Equal(t, "3 units with every behavior shown and the outcome measured: at least 10 are needed", few.Reason)
	require.Zero(t, few.R2)

	_, err = cx.Links(p, "csat", got, cx.LinkOptions{Waves: []string{"w9"}, Units: []string{"ghost"}, Bootstrap: -1})
	var ve *cx.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Len(t, ve.Problems, 3)
}

func TestGaps(t *testing.T) {
	p, _ := linkPanel(t)
	setShare(t, p.Tallies, "t1", "w02", "cf_belief", 80, 100)
	gaps, err := cx.Gaps(p, "")
	require.NoError(t, err)
	var t1 []cx.Gap
	for _, g := range gaps {
		if g.Unit == "t1" {
			t1 = append(t1, g)
		}
	}
	require.Len(t, t1, 2, "agility has no belief item")
	require.Equal(t, culture.CustomerFocus, t1[0].Behavior)
	require.InDelta(t, 0.4, t1[0].Gap, 1e-12)
	iv := metrics.NewcombeDiff(metrics.Proportion{Successes: 80, N: 100}, metrics.Proportion{Successes: 40, N: 100}, 0.95)
	require.Equal(t, iv, t1[0].Interval)
	require.InDelta(t, 0.0, t1[1].Gap, 1e-12)
	require.Equal(t, "org", gaps[0].Unit)
	_, err = cx.Gaps(p, "w7")
	require.ErrorIs(t, err, cx.ErrInvalid)
}

func TestDetectability(t *testing.T) {
	p, _ := linkPanel(t)
	target := 0.45
	in := fixtureInitiative([]string{"t1"}, 1)
	in.Outcomes = []culture.OutcomeTarget{{Metric: "behavior:customer_focus", Baseline: 0.4, Target: 0.5}}
	ds, err := cx.Detectability(p, cx.DetectOptions{
		Indicators:  []culture.Indicator{{ID: "cf_seen", Behavior: culture.CustomerFocus, Name: "seen", Source: culture.Source{Items: []string{"cf_practice"}}, Target: &target}},
		Initiatives: []culture.Initiative{in}})
	require.NoError(t, err)
	var t1 []cx.DetectableChange
	for _, d := range ds {
		if d.Unit == "t1" {
			t1 = append(t1, d)
		}
	}
	require.Len(t, t1, 4, "three behaviors and the indicator's items")
	cf := t1[0]
	require.Equal(t, "behavior:customer_focus", cf.Measure)
	require.Equal(t, int64(100), cf.MedianRespondents)
	// R: power.prop.test(n = 100, p1 = 0.4, power = 0.8)$p2 - 0.4. R's
	// uniroot stops at a tolerance of about 1e-5.
	require.InDelta(t, 0.19693635797936893, cf.MDC, 1e-5)
	require.Equal(t, []cx.TargetCheck{{Source: "initiative:Customer first", Target: 0.5, Change: 0.5 - 0.4}}, roundChecks(cf.Undetectable))
	ind := t1[3]
	require.Equal(t, "items:cf_practice", ind.Measure)
	require.Len(t, ind.Undetectable, 1, "a 5-point target on 100 respondents")
	for _, d := range ds {
		if d.Unit == "t2" && d.Measure == "behavior:customer_focus" {
			require.Empty(t, d.Undetectable, "the initiative's target is for t1 only")
		}
	}
	_, err = cx.Detectability(p, cx.DetectOptions{Alpha: 2, Power: -1, Baseline: "x"})
	var ve *cx.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Len(t, ve.Problems, 3)
}

func roundChecks(cs []cx.TargetCheck) []cx.TargetCheck {
	for i := range cs {
		cs[i].Change = float64(int(cs[i].Change*1e9+0.5)) / 1e9
	}
	return cs
}
