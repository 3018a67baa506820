package cx_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/metrics"
	"github.com/cxculture/cxculture/survey"
)

// trendPanel holds customer focus (two items, 100 answers each per wave)
// in eight waves with a planted pattern per team, and a lower-is-better
// metric in t1.
func trendPanel(t *testing.T) *cx.Panel {
	h := fixtureHierarchy(t)
	s := fixtureSurvey()
	tl := cx.NewTallies(s.ID)
	patterns := map[string][8]int64{ // favorable of 100, per wave
		"t2": {50, 50, 50, 70, 70, 70, 70, 70}, // sustained shift
		"t3": {50, 50, 50, 50, 50, 50, 50, 70}, // improving, not yet held
		"t4": {50, 50, 50, 30, 30, 30, 30, 30}, // declining
		"t5": {50, 50, 50, 70, 70, 50, 70, 70}, // improving, fell back once
	}
	waves := fixtureWaves(8)
	for i := 1; i <= 12; i++ {
		u := "t" + string(rune('0'+i%10))
		if i >= 10 {
			u = "t1" + string(rune('0'+i-10))
		}
		pat, ok := patterns[u]
		if !ok {
			pat = [8]int64{50, 50, 50, 50, 50, 50, 50, 50}
		}
		for w := range waves {
			n := int64(100)
			if u == "t6" && w%3 != 0 {
				n = 3 // suppressed every other wave
			}
			for _, item := range []string{"cf_belief", "cf_practice"} {
				setShare(t, tl, u, waves[w].ID, item, min(pat[w], n), n)
			}
		}
	}
	var obs []cx.Observation
	for i, v := range []float64{4.0, 4.2, 4.1, 3.5, 3.4, 3.5, 3.45} {
		obs = append(obs, cx.Observation{Metric: "days", Unit: "t1", Time: t0.AddDate(0, 0, 30*i+2), Value: v})
	}
	return &cx.Panel{Hierarchy: h, Survey: s, Waves: waves, Tallies: tl, Observations: obs}
}

func TestTrendVerdicts(t *testing.T) {
	p := trendPanel(t)
	trends, err := cx.Trends(p, cx.TrendOptions{Measures: []string{"behavior:customer_focus", "days"},
		Units: []string{"t1", "t2", "t3", "t4", "t5", "t6"}, Directions: map[string]culture.Direction{"days": culture.LowerIsBetter}})
	require.NoError(t, err)
	require.Len(t, trends, 12)
	got := map[string]cx.Trend{}
	for _, tr := range trends {
		got[tr.Unit+" "+tr.Measure] = tr
	}
	cf := func(u string) cx.Trend { return got[u+" behavior:customer_focus"] }
	require.Equal(t, cx.Stable, cf("t1").Verdict, cf("t1").Evidence)
	require.Empty(t, cf("t1").Signals)
	require.Equal(t, cx.SustainedShift, cf("t2").Verdict, cf("t2").Evidence)
	require.Equal(t, cx.Improving, cf("t3").Verdict, cf("t3").Evidence)
	require.Equal(t, cx.Declining, cf("t4").Verdict, cf("t4").Evidence)
	require.Equal(t, cx.Improving, cf("t5").Verdict, cf("t5").Evidence)
	require.Equal(t, cx.TooLittleData, cf("t6").Verdict, "t6 is shown in 3 waves")

	t2 := cf("t2")
	require.Equal(t, cx.ShareMeasure, t2.Kind)
	require.Equal(t, "w01", t2.BaselineFrom)
	require.Equal(t, "w03", t2.BaselineTo)
	require.InDelta(t, 0.5, t2.Center, 1e-12)
	require.Equal(t, 1.0, t2.SigmaZ, "no baseline variation: the Laney factor stays at its floor")
	// The limits are those of a p-chart on 200 answers per wave, with a
	// centre estimated from 600.
	ref := metrics.PChartFixed([]int64{140}, []int64{200}, 0.5, 1, 600)
	require.InDelta(t, ref.Upper[0], t2.Points[3].Upper, 1e-12)
	require.Equal(t, metrics.Nelson1, t2.Signals[0].Rule)
	require.Equal(t, "w04", t2.Signals[0].Point)
	require.True(t, t2.Signals[0].Improving)
	require.Equal(t, "up", t2.Signals[0].Side)
	require.Contains(t, t2.Evidence[len(t2.Evidence)-1], "all 5 results since 5 Apr 2026 are better than the baseline average")
	require.True(t, t2.SlopeDefined)
	require.Greater(t, t2.Slope, 0.0)

	t6 := cf("t6")
	for i, pt := range t6.Points {
		if i%3 != 0 {
			require.True(t, pt.Suppressed)
			require.Zero(t, pt.Value)
			require.Zero(t, pt.N)
			require.False(t, pt.Charted)
		}
	}

	days := got["t1 days"]
	require.Equal(t, cx.MeanMeasure, days.Kind)
	require.Equal(t, "lower", days.Direction)
	require.Equal(t, cx.SustainedShift, days.Verdict, days.Evidence)
	require.InDelta(t, 4.1, days.Center, 1e-12)
	require.InDelta(t, 0.15, days.MovingRange, 1e-12)
	require.Equal(t, cx.TooLittleData, got["t2 days"].Verdict, "t2 has no observations")

	_, err = json.Marshal(trends)
	require.NoError(t, err)
}

func TestTrendComparabilityBreak(t *testing.T) {
	p := trendPanel(t)
	s := p.Survey.Clone()
	for i := range s.Items {
		if s.Items[i].ID == "cf_practice" {
			s.Items[i].Version = 2
		}
	}
	p.Fielded = map[string]survey.Survey{"w05": s, "w06": s, "w07": s, "w08": s}
	breaks, err := cx.ComparabilityBreaks(p, nil)
	require.NoError(t, err)
	var measures []string
	for _, b := range breaks {
		measures = append(measures, b.Measure)
		require.Equal(t, "w04", b.Previous)
		require.Equal(t, "w05", b.Wave)
		require.Equal(t, `the item "Statement cf_practice" changed (version 1, then 2)`, b.Reason)
	}
	require.Equal(t, []string{"behavior:customer_focus", "practice:customer_focus", "mean:customer_focus"}, measures,
		"belief:customer_focus keeps its item")

	trends, err := cx.Trends(p, cx.TrendOptions{Measures: []string{"behavior:customer_focus"}, Units: []string{"t2"}})
	require.NoError(t, err)
	tr := trends[0]
	// Only w05..w08 are compared: the baseline is w05..w07.
	require.Equal(t, "w05", tr.BaselineFrom)
	require.Equal(t, "w07", tr.BaselineTo)
	require.Equal(t, cx.Stable, tr.Verdict)
	require.Contains(t, tr.Evidence[0], "the questions changed before 5 May 2026: only the results from 5 May 2026 on are compared")
	for i, pt := range tr.Points {
		require.Equal(t, i >= 4, pt.Charted)
		require.Equal(t, map[bool]int{true: 1, false: 0}[i >= 4], pt.Segment)
	}

	// Impact across the break uses only the comparable waves, and says so.
	in := fixtureInitiative([]string{"t2", "t3"}, 4)
	im, err := cx.EstimateImpact(p, in, cx.ImpactOptions{Measures: []string{"behavior:customer_focus"}})
	require.NoError(t, err)
	require.NotEmpty(t, im.Notes)
	require.Contains(t, im.Notes[0], "the questions changed between the waves before the initiative and those during it")
	require.False(t, im.Effects[0].Estimable, "no comparable wave before the start")
}

func TestTrendOptionsValidated(t *testing.T) {
	p := trendPanel(t)
	_, err := cx.Trends(p, cx.TrendOptions{BaselinePoints: 1, SustainPoints: -1, MinPoints: 2, Units: []string{"ghost"}})
	var ve *cx.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Len(t, ve.Problems, 4)
	_, err = cx.Trends(p, cx.TrendOptions{Measures: []string{"item:"}})
	require.ErrorIs(t, err, cx.ErrInvalid)
	_, err = cx.Trends(nil, cx.TrendOptions{})
	require.ErrorIs(t, err, cx.ErrInvalid)
	bad := *p
	bad.Waves = append([]survey.Wave{}, p.Waves...)
	bad.Waves[1], bad.Waves[2] = bad.Waves[2], bad.Waves[1]
	_, err = cx.Trends(&bad, cx.TrendOptions{})
	require.ErrorAs(t, err, &ve)
	require.Contains(t, ve.Error(), "waves must be in time order")
}
