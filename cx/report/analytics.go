package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/cxculture/cxculture/cx"
)

// Trend is one unit's series of one measure on a control chart, with its
// signals and verdict (from [cx.Trend]).
type Trend struct {
	Unit    string `json:"unit"`
	Name    string `json:"name"`
	Measure string `json:"measure"`
	// Label names the measure for people; absent when the trend had none.
	Label string `json:"label,omitempty"`
	// Kind is "share" (a p′-chart) or "mean" (an XmR chart).
	Kind string `json:"kind"`
	// Direction is the direction of improvement.
	Direction string `json:"direction"`
	// BaselineFrom and BaselineTo bound the baseline period.
	BaselineFrom string `json:"baseline_from,omitempty"`
	BaselineTo   string `json:"baseline_to,omitempty"`
	// Center is the baseline centre line; null without a baseline.
	Center Number `json:"center"`
	// Slope is the change per point with its interval and p-value; null
	// when undefined.
	Slope      Number `json:"slope"`
	SlopeLower Number `json:"slope_lower"`
	SlopeUpper Number `json:"slope_upper"`
	SlopeP     Number `json:"slope_p"`
	// Verdict is too_little_data, stable, improving, sustained_shift or
	// declining; Evidence explains it.
	Verdict  string   `json:"verdict"`
	Evidence []string `json:"evidence,omitempty"`
	// Points are every wave of the series, hidden ones included.
	Points []TrendPoint `json:"points"`
	// Signals are the Nelson-rule signals after the baseline period.
	Signals []Signal `json:"signals,omitempty"`
}

// TrendPoint is one point of a trend. A hidden point has no figures.
type TrendPoint struct {
	// Label is the wave ID, or the date of an observation; Name names the
	// point for people (the wave's name or date).
	Label string `json:"label"`
	Name  string `json:"name,omitempty"`
	// Time is the wave's opening or the observation's time, RFC 3339;
	// empty when unknown.
	Time   string `json:"time,omitempty"`
	Hidden bool   `json:"hidden"`
	Reason string `json:"reason,omitempty"`
	// Missing marks a wave with respondents but no answers to the
	// measure's items.
	Missing bool `json:"missing,omitempty"`
	// Value with its confidence interval, and the counts behind it.
	Value     Number `json:"value"`
	Lower     Number `json:"lower"`
	Upper     Number `json:"upper"`
	N         int64  `json:"n"`
	Successes int64  `json:"successes"`
	// Charted points are on the control chart; Baseline ones belong to
	// its baseline period.
	Charted  bool `json:"charted"`
	Baseline bool `json:"baseline"`
	// LCL and UCL are the control limits of a charted point.
	LCL Number `json:"lcl"`
	UCL Number `json:"ucl"`
}

// Signal is one Nelson-rule signal of a trend.
type Signal struct {
	// Rule is the Nelson rule number (1-8); Text describes it in plain
	// words ([cx.RuleText]).
	Rule int    `json:"rule"`
	Text string `json:"text"`
	// Point is the label of the point completing the pattern; Index its
	// position in Trend.Points.
	Point     string `json:"point"`
	Index     int    `json:"index"`
	Improving bool   `json:"improving"`
	Side      string `json:"side,omitempty"`
}

// Impact is the estimated effect of one initiative (from [cx.Impact]).
type Impact struct {
	Initiative string   `json:"initiative"`
	Name       string   `json:"name"`
	Kind       string   `json:"kind"`
	Status     string   `json:"status"`
	Start      string   `json:"start"`
	End        string   `json:"end"`
	Behaviors  []string `json:"behaviors,omitempty"`
	Outcomes   []string `json:"outcomes,omitempty"`
	Units      []string `json:"units"`
	Comparison []string `json:"comparison"`
	Pre        []string `json:"pre"`
	During     []string `json:"during"`
	After      []string `json:"after"`
	FDR        Number   `json:"fdr"`
	Level      Number   `json:"level"`
	// Effects are the differences in differences per measure and window.
	Effects []Effect `json:"effects"`
	// UnitEffects are per-unit (and placebo) effects, when estimated.
	UnitEffects []UnitEffect `json:"unit_effects,omitempty"`
	Notes       []string     `json:"notes,omitempty"`
}

// Effect is a difference in differences of one measure over one window;
// its figures are null when it is not estimable.
type Effect struct {
	Measure string `json:"measure"`
	// Label names the measure for people.
	Label            string `json:"label,omitempty"`
	Window           string `json:"window"`
	Kind             string `json:"kind"`
	Direction        string `json:"direction"`
	Estimable        bool   `json:"estimable"`
	Reason           string `json:"reason,omitempty"`
	TreatedUnits     int    `json:"treated_units"`
	ComparisonUnits  int    `json:"comparison_units"`
	TreatedBefore    Number `json:"treated_before"`
	TreatedAfter     Number `json:"treated_after"`
	ComparisonBefore Number `json:"comparison_before"`
	ComparisonAfter  Number `json:"comparison_after"`
	Estimate         Number `json:"estimate"`
	SE               Number `json:"se"`
	Lower            Number `json:"lower"`
	Upper            Number `json:"upper"`
	P                Number `json:"p"`
	Adjusted         Number `json:"p_adjusted"`
	Significant      bool   `json:"significant"`
	Improved         bool   `json:"improved"`
}

// UnitEffect is one unit's difference in differences; figures are null
// when it is not estimable.
type UnitEffect struct {
	Unit        string `json:"unit"`
	Measure     string `json:"measure"`
	Window      string `json:"window"`
	Placebo     bool   `json:"placebo"`
	Direction   string `json:"direction"`
	Estimable   bool   `json:"estimable"`
	Before      Number `json:"before"`
	After       Number `json:"after"`
	Estimate    Number `json:"estimate"`
	Lower       Number `json:"lower"`
	Upper       Number `json:"upper"`
	P           Number `json:"p"`
	Adjusted    Number `json:"p_adjusted"`
	Significant bool   `json:"significant"`
	Improved    bool   `json:"improved"`
}

// Win is a measurable CX result and the behaviors that came with it
// (from [cx.Win]).
type Win struct {
	Initiative      string   `json:"initiative"`
	Name            string   `json:"name"`
	Kind            string   `json:"kind"`
	Units           []string `json:"units"`
	TreatedUnits    int      `json:"treated_units"`
	ComparisonUnits int      `json:"comparison_units"`
	Window          string   `json:"window"`
	Before          []string `json:"before"`
	After           []string `json:"after"`
	Outcome         Effect   `json:"outcome"`
	Behaviors       []Effect `json:"behaviors,omitempty"`
	// Text announces the win in one paragraph.
	Text string `json:"text"`
}

// Pitfall is a detected pitfall of culture change with its evidence (from
// [cx.Pitfall]).
type Pitfall struct {
	Kind       string   `json:"kind"`
	Check      string   `json:"check"`
	Initiative string   `json:"initiative,omitempty"`
	Name       string   `json:"name,omitempty"`
	Unit       string   `json:"unit,omitempty"`
	Measure    string   `json:"measure,omitempty"`
	Summary    string   `json:"summary"`
	Evidence   []string `json:"evidence,omitempty"`
}

func finite(v float64, ok bool) Number {
	if !ok {
		return NaN()
	}
	return Number(v)
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

// buildTrend copies a trend; a suppressed point keeps only its label and
// reason.
func buildTrend(tr cx.Trend, names map[string]string, wave func(string) string, hidden func(unit, wave string) (string, bool), field string, ps *problems) Trend {
	out := Trend{Unit: tr.Unit, Name: names[tr.Unit], Measure: tr.Measure, Kind: tr.Kind.String(), Direction: tr.Direction,
		BaselineFrom: tr.BaselineFrom, BaselineTo: tr.BaselineTo, Center: NaN(),
		Slope: finite(tr.Slope, tr.SlopeDefined), SlopeLower: finite(tr.SlopeInterval.Lower, tr.SlopeDefined),
		SlopeUpper: finite(tr.SlopeInterval.Upper, tr.SlopeDefined), SlopeP: finite(tr.SlopeP, tr.SlopeDefined),
		Verdict: tr.Verdict.String(), Evidence: append([]string(nil), tr.Evidence...), Label: tr.Label}
	if tr.Unit == "" || tr.Measure == "" {
		ps.add(field, "a trend needs a unit and a measure")
	}
	// The chart exists when the baseline had spread: then every charted
	// point has limits (a share's lower limit may be 0, its upper not).
	chart := false
	for _, p := range tr.Points {
		chart = chart || (p.Charted && !p.Suppressed && (p.Lower != 0 || p.Upper != 0))
	}
	for i, p := range tr.Points {
		label := p.Wave
		if label == "" {
			label = day(p.Time)
		}
		if label == "" {
			label = strconv.Itoa(i + 1)
		}
		name := day(p.Time)
		if p.Wave != "" {
			name = wave(p.Wave)
		}
		tp := TrendPoint{Label: label, Name: name, Time: stamp(p.Time), Value: NaN(), Lower: NaN(), Upper: NaN(), LCL: NaN(), UCL: NaN()}
		reason, elsewhere := hidden(tr.Unit, p.Wave)
		switch {
		case elsewhere && !p.Suppressed:
			tp.Hidden, tp.Reason = true, reason
		case p.Suppressed:
			tp.Hidden, tp.Reason = true, p.Reason
			if tp.Reason == "" {
				tp.Reason = "suppressed"
			}
		case p.Missing:
			tp.Missing = true
		default:
			tp.Value, tp.Lower, tp.Upper = Number(p.Value), Number(p.Interval.Lower), Number(p.Interval.Upper)
			tp.N, tp.Successes = p.N, p.Successes
			tp.Charted, tp.Baseline = p.Charted, p.Baseline
			if chart && p.Charted {
				tp.LCL, tp.UCL = Number(p.Lower), Number(p.Upper)
			}
		}
		out.Points = append(out.Points, tp)
	}
	if chart {
		out.Center = Number(tr.Center)
	}
	for _, s := range tr.Signals {
		if s.Index < 0 || s.Index >= len(out.Points) || out.Points[s.Index].Hidden {
			continue
		}
		out.Signals = append(out.Signals, Signal{Rule: int(s.Rule), Text: cx.RuleText(s.Rule), Point: s.Point, Index: s.Index,
			Improving: s.Improving, Side: s.Side})
	}
	return out
}

func buildEffect(e cx.Effect) Effect {
	out := Effect{Measure: e.Measure, Label: e.Label, Window: e.Window, Kind: e.Kind.String(), Direction: e.Direction, Estimable: e.Estimable,
		Reason: e.Reason, TreatedUnits: e.TreatedUnits, ComparisonUnits: e.ComparisonUnits,
		TreatedBefore: NaN(), TreatedAfter: NaN(), ComparisonBefore: NaN(), ComparisonAfter: NaN(), Estimate: NaN(), SE: NaN(),
		Lower: NaN(), Upper: NaN(), P: NaN(), Adjusted: NaN()}
	if e.Estimable {
		out.TreatedBefore, out.TreatedAfter = Number(e.TreatedBefore), Number(e.TreatedAfter)
		out.ComparisonBefore, out.ComparisonAfter = Number(e.ComparisonBefore), Number(e.ComparisonAfter)
		out.Estimate, out.SE = Number(e.Estimate), Number(e.SE)
		out.Lower, out.Upper, out.P, out.Adjusted = Number(e.Interval.Lower), Number(e.Interval.Upper), Number(e.P), Number(e.Adjusted)
		out.Significant, out.Improved = e.Significant, e.Improved
	}
	return out
}

func buildImpact(im *cx.Impact) Impact {
	out := Impact{Initiative: im.Initiative.String(), Name: im.Name, Kind: im.Kind, Status: im.Status, Start: day(im.Start), End: day(im.End),
		Behaviors: clone(im.Behaviors), Outcomes: clone(im.Outcomes), Units: clone(im.Units), Comparison: clone(im.Comparison),
		Pre: clone(im.Pre), During: clone(im.During), After: clone(im.After), FDR: Number(im.FDR), Level: Number(im.Level), Notes: clone(im.Notes)}
	for _, e := range im.Effects {
		out.Effects = append(out.Effects, buildEffect(e))
	}
	for _, u := range im.UnitEffects {
		ue := UnitEffect{Unit: u.Unit, Measure: u.Measure, Window: u.Window, Placebo: u.Placebo, Direction: u.Direction, Estimable: u.Estimable,
			Before: NaN(), After: NaN(), Estimate: NaN(), Lower: NaN(), Upper: NaN(), P: NaN(), Adjusted: NaN()}
		if u.Estimable {
			ue.Before, ue.After, ue.Estimate = Number(u.Before), Number(u.After), Number(u.Estimate)
			ue.Lower, ue.Upper, ue.P, ue.Adjusted = Number(u.Interval.Lower), Number(u.Interval.Upper), Number(u.P), Number(u.Adjusted)
			ue.Significant, ue.Improved = u.Significant, u.Improved
		}
		out.UnitEffects = append(out.UnitEffects, ue)
	}
	return out
}

func buildWin(w cx.Win) Win {
	out := Win{Initiative: w.Initiative.String(), Name: w.Name, Kind: w.Kind, Units: clone(w.Units), TreatedUnits: w.TreatedUnits,
		ComparisonUnits: w.ComparisonUnits, Window: w.Window, Before: clone(w.Before), After: clone(w.After),
		Outcome: buildEffect(w.Outcome), Text: w.Text}
	for _, b := range w.Behaviors {
		out.Behaviors = append(out.Behaviors, buildEffect(b))
	}
	return out
}

func buildPitfall(p cx.Pitfall) Pitfall {
	out := Pitfall{Kind: string(p.Kind), Check: p.Check, Name: p.Name, Unit: p.Unit, Measure: p.Measure, Summary: p.Summary,
		Evidence: clone(p.Evidence)}
	if p.Initiative != [16]byte{} {
		out.Initiative = p.Initiative.String()
	}
	return out
}

func clone(s []string) []string {
	if s == nil {
		return nil
	}
	return append([]string{}, s...)
}

// measureParts splits a measure key into the measure and behavior
// columns of the CSV: behavior:X is favorable of X, mean:X mean of X,
// belief:X and practice:X belief_favorable and practice_favorable of X;
// any other key is its own measure.
func measureParts(key string) (measure, behavior string) {
	for _, p := range []struct{ prefix, name string }{
		{cx.BehaviorPrefix, "favorable"}, {cx.MeanPrefix, "mean"}, {cx.BeliefPrefix, "belief_favorable"}, {cx.PracticePrefix, "practice_favorable"},
	} {
		if rest, ok := strings.CutPrefix(key, p.prefix); ok {
			return p.name, rest
		}
	}
	return key, ""
}

// measureLabel names a measure key for people.
func measureLabel(key string) string {
	m, b := measureParts(key)
	switch {
	case key == cx.ENPSMeasure:
		return "eNPS"
	case b == "":
		return strings.ReplaceAll(m, "_", " ")
	case m == "favorable":
		return humanizeID(b) + " (favorable)"
	}
	return humanizeID(b) + " (" + strings.ReplaceAll(m, "_", " ") + ")"
}

// formatMeasure formats a value of a measure of the given kind: shares in
// percent, other values with three significant digits.
func formatMeasure(kind string, v Number) string {
	if kind == "share" {
		return pct(v)
	}
	if !v.Defined() {
		return "–"
	}
	return strconv.FormatFloat(float64(v), 'f', decimals(float64(v)), 64)
}

// formatEffect formats an effect: percentage points for shares.
func formatEffect(kind string, v Number) string {
	if kind == "share" {
		return points(v)
	}
	if !v.Defined() {
		return "–"
	}
	return fmt.Sprintf("%+.*f", decimals(float64(v)), float64(v))
}

func decimals(v float64) int {
	a := math.Abs(v)
	switch {
	case a >= 100:
		return 0
	case a >= 10:
		return 1
	case a >= 1:
		return 2
	}
	return 3
}

// pointName names a trend point for people.
func (p TrendPoint) pointName() string {
	if p.Name != "" {
		return p.Name
	}
	return p.Label
}

// shortRule names a Nelson rule in a few plain words, for tables.
func shortRule(rule int) string {
	switch rule {
	case 1:
		return "outside the ordinary range"
	case 2:
		return "long run on one side"
	case 3:
		return "steady rise or fall"
	case 4:
		return "alternating"
	case 5:
		return "near the edge of the range"
	case 6:
		return "clearly away from the average"
	case 7:
		return "unusually close to the average"
	case 8:
		return "away from the average on both sides"
	}
	return "signal"
}

// windowText names an impact window for people.
func windowText(w string) string {
	switch w {
	case cx.DuringWindow:
		return "during it"
	case cx.AfterWindow:
		return "after its end"
	}
	return w
}

// effectLabel names an effect's measure for people.
func effectLabel(e Effect) string {
	if e.Label != "" {
		return e.Label
	}
	return measureLabel(e.Measure)
}
