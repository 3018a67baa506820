package report_test

import (
	"math"
	"time"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/metrics"
)

// analytics returns hand-made trends, an impact, a win and pitfalls over
// the units of edge(), with the awkward cases: a suppressed trend point
// that still carries figures (which must not show), a wave with no
// answers, a series with too little data, an effect that is not
// estimable, a placebo unit effect.
func analytics() ([]cx.Trend, *cx.Impact, []cx.Win, []cx.Pitfall) {
	waves := []string{"w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8"}
	values := []float64{0.40, 0.42, 0.41, 0.44, 0.45, 0.52, 0.55, 0.56}
	share := cx.Trend{Unit: "org", Measure: cx.BehaviorMeasure("customer_focus"), Kind: cx.ShareMeasure, Direction: "higher",
		BaselineFrom: "w1", BaselineTo: "w3", Center: 0.41, SigmaZ: 1.2, Slope: 0.022, SlopeInterval: metrics.Interval{Lower: 0.015, Upper: 0.029},
		SlopeP: 0.0004, SlopeDefined: true, Verdict: cx.Improving,
		Evidence: []string{"rule 1 at w7: a point beyond the control limits, on the improving side"}}
	for i, w := range waves {
		p := cx.TrendPoint{Point: cx.Point{Wave: w, Time: time.Date(2026, time.Month(i+1), 5, 9, 0, 0, 0, time.UTC), Value: values[i],
			Interval: metrics.Interval{Lower: values[i] - 0.05, Upper: values[i] + 0.05}, N: 400, Successes: int64(values[i] * 400), Respondents: 200},
			Charted: true, Baseline: i < 3, Lower: 0.33, Upper: 0.49}
		switch i {
		case 3:
			p = cx.TrendPoint{Point: cx.Point{Wave: w, Value: 0.4242, Interval: metrics.Interval{Lower: 0.3131, Upper: 0.5353}, N: 4242, Successes: 1799,
				Respondents: 3, Suppressed: true, Reason: "fewer than 5 respondents"}}
		case 4:
			p = cx.TrendPoint{Point: cx.Point{Wave: w, Missing: true, Respondents: 150}}
		}
		share.Points = append(share.Points, p)
	}
	share.Signals = []cx.TrendSignal{{Rule: metrics.Nelson1, Point: "w6", Index: 5, Improving: true, Side: "up"},
		{Rule: metrics.Nelson1, Point: "w7", Index: 6, Improving: true, Side: "up"},
		{Rule: metrics.Nelson5, Point: "w4", Index: 3, Improving: true, Side: "up"}}
	enps := cx.Trend{Unit: "ops", Measure: cx.ENPSMeasure, Kind: cx.MeanMeasure, Direction: "higher", Verdict: cx.TooLittleData,
		Evidence: []string{"2 shown points; a verdict needs 4"}}
	for i, w := range waves[:2] {
		enps.Points = append(enps.Points, cx.TrendPoint{Point: cx.Point{Wave: w, Value: 5 + float64(i), Interval: metrics.Interval{Lower: -10, Upper: 20 + float64(i)}, N: 36}, Charted: true})
	}
	nan := math.NaN()
	im := &cx.Impact{Initiative: uuid.MustParse("2b0c8f51-6a7e-4d3b-9f0e-5c4a1d2e3f60"), Name: "Customer-first 90 days", Kind: "ninety_day",
		Status: "completed", Start: time.Date(2026, 5, 5, 9, 0, 0, 0, time.UTC), End: time.Date(2026, 8, 3, 9, 0, 0, 0, time.UTC),
		Behaviors: []string{"customer_focus"}, Outcomes: []string{cx.ENPSMeasure}, Units: []string{"ops"}, Comparison: []string{"lab", "desk", "field"},
		Pre: waves[:4], During: waves[4:7], After: waves[7:], FDR: 0.05, Level: 0.95,
		Effects: []cx.Effect{
			{Measure: cx.BehaviorMeasure("customer_focus"), Window: cx.DuringWindow, Kind: cx.ShareMeasure, Direction: "higher", Estimable: true,
				TreatedUnits: 1, ComparisonUnits: 3, TreatedBefore: 0.40, TreatedAfter: 0.55, ComparisonBefore: 0.41, ComparisonAfter: 0.43,
				Estimate: 0.13, SE: 0.03, DF: 2.5, Interval: metrics.Interval{Lower: 0.06, Upper: 0.20}, P: 0.004, Adjusted: 0.012, Significant: true, Improved: true},
			{Measure: cx.BehaviorMeasure("customer_focus"), Window: cx.AfterWindow, Kind: cx.ShareMeasure, Direction: "higher",
				Reason: "no shown wave after the end", Interval: metrics.Interval{Lower: nan, Upper: nan}},
			{Measure: cx.ENPSMeasure, Window: cx.DuringWindow, Kind: cx.MeanMeasure, Direction: "higher", Estimable: true,
				TreatedUnits: 1, ComparisonUnits: 3, TreatedBefore: 2, TreatedAfter: 14, ComparisonBefore: 1, ComparisonAfter: 3,
				Estimate: 10, SE: 4, DF: 3, Interval: metrics.Interval{Lower: 1.5, Upper: 18.5}, P: 0.03, Adjusted: 0.045, Significant: true, Improved: true},
		},
		UnitEffects: []cx.UnitEffect{
			{Unit: "ops", Measure: cx.BehaviorMeasure("customer_focus"), Window: cx.DuringWindow, Direction: "higher", Estimable: true,
				Before: 0.40, After: 0.55, Change: 0.15, Estimate: 0.13, SE: 0.03, Interval: metrics.Interval{Lower: 0.07, Upper: 0.19}, P: 0.001, Adjusted: 0.004, Significant: true, Improved: true},
			{Unit: "field", Measure: cx.BehaviorMeasure("customer_focus"), Window: cx.DuringWindow, Placebo: true, Direction: "higher"},
		},
		Notes: []string{"unit lab is hidden in wave w6 and left out"},
	}
	wins := cx.Wins(im)
	pitfalls := []cx.Pitfall{
		{Kind: cx.ChangeByDecree, Check: "no_indicator", Initiative: im.Initiative, Name: im.Name, Measure: cx.BehaviorMeasure("customer_focus"),
			Summary: "behavior customer_focus has no indicator: nobody can see whether it changes", Evidence: []string{"0 indicators defined"}},
		{Kind: cx.SurveyFatigue, Check: "falling_response_rate", Unit: "org", Summary: "response rate in org fell from 74% to 65% over 8 waves",
			Evidence: []string{"slope -0.008 per wave, p = 0.008"}},
	}
	return []cx.Trend{share, enps}, im, wins, pitfalls
}
