package cx

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/metrics"
)

// Impact windows: from before an initiative's start to its end, and from
// before its start to after its end.
const (
	// DuringWindow compares the waves from the start to the end of an
	// initiative with the waves before its start.
	DuringWindow = "during"
	// AfterWindow compares the waves after the end with the waves before
	// the start: did the gain hold?
	AfterWindow = "after"
)

// ImpactOptions configure [EstimateImpact]. Zero values take the defaults.
type ImpactOptions struct {
	// Measures are the measures whose change is estimated; default the
	// favorability of each behavior the initiative fosters
	// ([BehaviorMeasure]) followed by the metric of each outcome target.
	Measures []string
	// Comparison are the units that did not run the initiative; default
	// every unit at the depth of the initiative's units that neither runs
	// it nor lies above or below a unit that does.
	Comparison []string
	// PerUnit also estimates each treated unit's own effect.
	PerUnit bool
	// Placebo also estimates, for each comparison unit, its effect against
	// the other comparison units, as if it had run the initiative: a
	// check of the comparison, and of the false positive rate. Placebo
	// effects are adjusted together with the per-unit effects.
	Placebo bool
	// FDR is the false discovery rate of Benjamini-Hochberg control;
	// default 0.05.
	FDR float64
	// Directions gives the direction of improvement per measure; the
	// direction of an outcome target is used for its metric, and higher is
	// better otherwise.
	Directions map[string]culture.Direction
}

// Impact is the estimated effect of one initiative: for each measure, the
// change in the units that ran it against the change in comparison units
// that did not (difference in differences), from before its start to its
// end and to after its end.
type Impact struct {
	Initiative uuid.UUID `json:"initiative"`
	Name       string    `json:"name"`
	Kind       string    `json:"kind"`
	Status     string    `json:"status"`
	Start      time.Time `json:"start"`
	End        time.Time `json:"end"`
	// Behaviors are the behaviors the initiative fosters; Outcomes the
	// metrics of its outcome targets.
	Behaviors []string `json:"behaviors,omitempty"`
	Outcomes  []string `json:"outcomes,omitempty"`
	// Units ran the initiative; Comparison did not. UnitNames name the
	// Units for people.
	Units      []string `json:"units"`
	UnitNames  []string `json:"unit_names,omitempty"`
	Comparison []string `json:"comparison"`
	// Targets are the initiative's outcome targets.
	Targets []culture.OutcomeTarget `json:"targets,omitempty"`
	// Pre, During and After are the waves of each period.
	Pre    []string `json:"pre"`
	During []string `json:"during"`
	After  []string `json:"after"`
	// Effects hold one effect per measure and window (during, after),
	// measure by measure; their p-values are adjusted together.
	Effects []Effect `json:"effects"`
	// UnitEffects hold per-unit effects of the treated units (PerUnit)
	// and of the comparison units (Placebo); their p-values are adjusted
	// together.
	UnitEffects []UnitEffect `json:"unit_effects,omitempty"`
	// FDR is the false discovery rate of the adjustment; Level the
	// confidence level of the intervals.
	FDR   float64 `json:"fdr"`
	Level float64 `json:"level"`
	// Notes report what could not be estimated and why.
	Notes []string `json:"notes,omitempty"`
}

// Effect is the difference in differences of one measure over one window:
//
//	effect = mean over treated units of (after − before)
//	       − mean over comparison units of (after − before)
//
// where a unit's before and after values pool its shown waves of each
// period. With at least 5 treated units its interval and test are Welch's
// (R t.test(dT, dC)) on the units' changes, so variation between units,
// and within respondents across items, is accounted for. With fewer, a t
// test on so few changes has too few degrees of freedom to be useful, and
// the variance is model-based, with a z test:
//
//	Var = φ Σ_T vᵤ / n_T² + s²_C / n_C
//
// with vᵤ the sampling variances of the treated units' changes and φ the
// dispersion of the comparison units (see [UnitEffect]). DF is then 0.
// When the sampling variances are unknown (operational metrics with one
// value per period), Welch's test is used whatever the number of treated
// units, or, for a single treated unit, the prediction test of
// [UnitEffect].
type Effect struct {
	Measure string `json:"measure"`
	// Label names the measure for people (see [Panel.Label]).
	Label     string      `json:"label"`
	Window    string      `json:"window"`
	Kind      MeasureKind `json:"kind"`
	Direction string      `json:"direction"`
	// Estimable is false when there are too few units with data before
	// and after; Reason says why, and the figures are zero.
	Estimable bool   `json:"estimable"`
	Reason    string `json:"reason,omitempty"`
	// TreatedUnits and ComparisonUnits count the units with a value
	// before and after.
	TreatedUnits    int `json:"treated_units"`
	ComparisonUnits int `json:"comparison_units"`
	// Before and after: means over units of the pooled values.
	TreatedBefore    float64 `json:"treated_before"`
	TreatedAfter     float64 `json:"treated_after"`
	ComparisonBefore float64 `json:"comparison_before"`
	ComparisonAfter  float64 `json:"comparison_after"`
	// Estimate is the difference in differences, with its standard
	// error, degrees of freedom, interval, two-sided p-value and
	// Benjamini-Hochberg adjusted p-value.
	Estimate    float64          `json:"estimate"`
	SE          float64          `json:"se"`
	DF          float64          `json:"df"`
	Interval    metrics.Interval `json:"interval"`
	P           float64          `json:"p"`
	Adjusted    float64          `json:"adjusted"`
	Significant bool             `json:"significant"`
	// Improved reports a significant effect in the direction of
	// improvement.
	Improved bool `json:"improved"`
	// Before and After are the waves (or, for operational metrics, the
	// observation dates) pooled before the start and in the window, in
	// time order, and BeforeFrom, BeforeTo, AfterFrom and AfterTo the
	// times of the first and last of each: for a customer survey, its own
	// reporting periods.
	Before     []string  `json:"before,omitempty"`
	After      []string  `json:"after,omitempty"`
	BeforeFrom time.Time `json:"before_from,omitzero"`
	BeforeTo   time.Time `json:"before_to,omitzero"`
	AfterFrom  time.Time `json:"after_from,omitzero"`
	AfterTo    time.Time `json:"after_to,omitzero"`
}

// UnitEffect is one unit's difference in differences: its own change
// minus the mean change of the comparison units (without itself). Its
// variance is the unit's sampling variance times the dispersion φ of the
// comparison units plus the variance of the comparison mean,
//
//	Var = φ vᵤ + s²_C / n_C,  φ = max(1, Σ_c (d_c − d̄)² / v_c / (n_C − 1))
//
// with vᵤ the binomial (or t) variance of the unit's change and d_c the
// changes of the comparison units: a quasi-likelihood scale that absorbs
// the correlation of one respondent's answers to several items. The test
// is a z test. When a unit's sampling variance is unknown (an operational
// metric with one value per period), the prediction variance s²_C (1 +
// 1/n_C) is used with a t test on n_C − 1 degrees of freedom.
type UnitEffect struct {
	Unit    string `json:"unit"`
	Measure string `json:"measure"`
	Window  string `json:"window"`
	// Placebo marks a comparison unit estimated as if it had run the
	// initiative.
	Placebo   bool   `json:"placebo,omitempty"`
	Direction string `json:"direction"`
	// Estimable is false when fewer than 2 comparison units have values
	// before and after; the figures below Change are then zero.
	Estimable   bool             `json:"estimable"`
	Before      float64          `json:"before"`
	After       float64          `json:"after"`
	Change      float64          `json:"change"`
	Estimate    float64          `json:"estimate"`
	SE          float64          `json:"se"`
	Interval    metrics.Interval `json:"interval"`
	P           float64          `json:"p"`
	Adjusted    float64          `json:"adjusted"`
	Significant bool             `json:"significant"`
	Improved    bool             `json:"improved"`
}

// minWelchUnits is the fewest treated units for which an effect is
// tested with Welch's t test on the units' changes.
const minWelchUnits = 5

// periodValue is a unit's pooled value in one period.
type periodValue struct {
	value, variance float64 // variance NaN when unknown
	n               int
}

// pool combines the points of a period: the pooled share for shares, the
// N-weighted mean for means (equal weights when N is unknown).
func pool(pts []Point, kind MeasureKind) (periodValue, bool) {
	if len(pts) == 0 {
		return periodValue{}, false
	}
	if kind == ShareMeasure {
		var s, n int64
		for _, pt := range pts {
			s += pt.Successes
			n += pt.N
		}
		if n == 0 {
			return periodValue{}, false
		}
		p := float64(s) / float64(n)
		return periodValue{p, p * (1 - p) / float64(n), len(pts)}, true
	}
	var sw, swx, swwv float64
	known := true
	for _, pt := range pts {
		w := float64(pt.N)
		if w <= 0 {
			w, known = 1, false
		}
		sw += w
		swx += w * pt.Value
		swwv += w * w * pt.SE * pt.SE
		if pt.SE == 0 && pt.N == 0 {
			known = false
		}
	}
	pv := periodValue{value: swx / sw, variance: math.NaN(), n: len(pts)}
	if known {
		pv.variance = swwv / (sw * sw)
	} else if len(pts) >= 2 {
		var ss float64
		for _, pt := range pts {
			ss += (pt.Value - pv.value) * (pt.Value - pv.value)
		}
		pv.variance = ss / float64(len(pts)-1) / float64(len(pts))
	}
	return pv, true
}

// unitChange is one unit's before and after values in a window.
type unitChange struct {
	unit          string
	before, after periodValue
	// pre and post are the points pooled in before and after.
	pre, post []Point
}

func (c unitChange) d() float64 { return c.after.value - c.before.value }
func (c unitChange) v() float64 { return c.before.variance + c.after.variance }

// EstimateImpact estimates the impact of an initiative on the panel (see
// [Impact], [Effect], [UnitEffect]). Waves opening before the
// initiative's start are the before period; waves opening from its start
// to its end the during period; later waves the after period. Only shown
// groups enter, and only waves comparable with the first wave of the
// during (or after) period: a comparability break in between drops the
// earlier waves and is noted.
//
// It fails with a [*ValidationError] when the initiative or the options
// are invalid, the initiative's units are not in the panel's hierarchy,
// or the panel's waves have no times.
func EstimateImpact(p *Panel, in culture.Initiative, opts ImpactOptions) (*Impact, error) {
	q, err := p.prepare()
	if err != nil {
		return nil, err
	}
	in = in.Clone()
	in.ApplyDefaults()
	var ps problems
	if err := in.Validate(); err != nil {
		if ve, ok := asValidation(err, "initiative").(*ValidationError); ok {
			ps = append(ps, ve.Problems...)
		}
	}
	if len(q.Waves) == 0 {
		ps.add("panel.waves", "an impact needs the waves' times: set panel.waves")
	}
	for i, u := range in.Units {
		if !q.Hierarchy.Has(u) {
			ps.add("initiative.units["+strconv.Itoa(i)+"]", fmt.Sprintf("unknown unit %q", u))
		}
	}
	for i, u := range opts.Comparison {
		switch {
		case !q.Hierarchy.Has(u):
			ps.add("comparison["+strconv.Itoa(i)+"]", fmt.Sprintf("unknown unit %q", u))
		case in.RunsIn(u):
			ps.add("comparison["+strconv.Itoa(i)+"]", fmt.Sprintf("unit %q runs the initiative", u))
		}
	}
	if opts.FDR == 0 {
		opts.FDR = 0.05
	}
	if !(opts.FDR > 0 && opts.FDR < 1) {
		ps.add("fdr", fmt.Sprintf("must be in (0,1), got %g", opts.FDR))
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	measures := opts.Measures
	if measures == nil {
		for _, b := range in.Behaviors {
			measures = append(measures, BehaviorMeasure(b))
		}
		for _, o := range in.Outcomes {
			if !slices.Contains(measures, o.Metric) {
				measures = append(measures, o.Metric)
			}
		}
	}
	if len(measures) == 0 {
		return nil, invalid("measures", "nothing to estimate: the initiative fosters no behavior and has no outcome target; name measures in the options")
	}
	comparison := opts.Comparison
	if comparison == nil {
		comparison = defaultComparison(q.Hierarchy, in)
	}
	im := &Impact{Initiative: in.ID, Name: in.Name, Kind: in.Kind.String(), Status: in.Status.String(), Start: in.Start, End: in.End,
		Units: slices.Clone(in.Units), Comparison: slices.Clone(comparison), FDR: opts.FDR, Level: q.Level,
		Behaviors: slices.Clone(in.Behaviors)}
	for _, o := range in.Outcomes {
		im.Outcomes = append(im.Outcomes, o.Metric)
		im.Targets = append(im.Targets, o)
	}
	for _, u := range in.Units {
		im.UnitNames = append(im.UnitNames, q.unitName(u))
	}
	period := func(t time.Time) string {
		switch {
		case t.Before(in.Start):
			return "pre"
		case !t.After(in.End):
			return DuringWindow
		}
		return AfterWindow
	}
	for i, w := range q.Waves {
		switch period(q.waveTime(i)) {
		case "pre":
			im.Pre = append(im.Pre, w.ID)
		case DuringWindow:
			im.During = append(im.During, w.ID)
		default:
			im.After = append(im.After, w.ID)
		}
	}
	dirOf := func(key string) culture.Direction {
		for _, o := range in.Outcomes {
			if o.Metric == key {
				return o.Direction
			}
		}
		return opts.Directions[key]
	}
	var unitFamily []*UnitEffect
	for _, key := range measures {
		m, err := q.measure(key)
		if err != nil {
			return nil, err
		}
		dir := dirOf(key)
		for _, window := range []string{DuringWindow, AfterWindow} {
			treated, notes := q.changes(in.Units, m, period, window)
			control, _ := q.changes(comparison, m, period, window)
			im.Notes = append(im.Notes, notes...)
			e := didEffect(treated, control, m, dir, window, q.Level)
			e.Label = q.Label(key)
			e.setPeriods(append(slices.Clone(treated), control...))
			im.Effects = append(im.Effects, e)
			if opts.PerUnit {
				for _, c := range treated {
					ue := unitEffect(c, control, "", dir, window, q.Level, m.key)
					im.UnitEffects = append(im.UnitEffects, ue)
				}
			}
			if opts.Placebo {
				for _, c := range control {
					ue := unitEffect(c, control, c.unit, dir, window, q.Level, m.key)
					ue.Placebo = true
					im.UnitEffects = append(im.UnitEffects, ue)
				}
			}
		}
	}
	for i := range im.UnitEffects {
		unitFamily = append(unitFamily, &im.UnitEffects[i])
	}
	adjustEffects(im.Effects, opts.FDR)
	adjustUnitEffects(unitFamily, opts.FDR)
	im.Notes = dedupe(im.Notes)
	return im, nil
}

// setPeriods records the points pooled by the units' changes.
func (e *Effect) setPeriods(cs []unitChange) {
	collect := func(side func(unitChange) []Point) ([]string, time.Time, time.Time) {
		seen := map[string]time.Time{}
		for _, c := range cs {
			for _, pt := range side(c) {
				l := TrendPoint{Point: pt}.label()
				seen[l] = pt.Time
			}
		}
		labels := slices.SortedFunc(maps.Keys(seen), func(a, b string) int {
			return cmp.Or(seen[a].Compare(seen[b]), strings.Compare(a, b))
		})
		if len(labels) == 0 {
			return nil, time.Time{}, time.Time{}
		}
		return labels, seen[labels[0]], seen[labels[len(labels)-1]]
	}
	e.Before, e.BeforeFrom, e.BeforeTo = collect(func(c unitChange) []Point { return c.pre })
	e.After, e.AfterFrom, e.AfterTo = collect(func(c unitChange) []Point { return c.post })
}

func dedupe(s []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// defaultComparison returns the units at the depth of the initiative's
// units that neither run it nor are related to a unit that does.
func defaultComparison(h *Hierarchy, in culture.Initiative) []string {
	depths := map[int]bool{}
	related := map[string]bool{}
	for _, u := range in.Units {
		if !h.Has(u) {
			continue
		}
		depths[h.Depth(u)] = true
		related[u] = true
		for _, a := range h.Ancestors(u) {
			related[a] = true
		}
		for _, d := range h.Descendants(u) {
			related[d] = true
		}
	}
	var out []string
	for _, id := range h.IDs() {
		if depths[h.Depth(id)] && !related[id] {
			out = append(out, id)
		}
	}
	return out
}

// changes returns the before and after values of each unit with both, in
// the given window.
func (p *Panel) changes(units []string, m measureSpec, period func(time.Time) string, window string) ([]unitChange, []string) {
	var out []unitChange
	var notes []string
	for _, u := range units {
		pts := p.series(u, m)
		// Keep the segment of the first point of the window.
		seg := -1
		for _, pt := range pts {
			if !pt.Time.IsZero() && period(pt.Time) == window {
				seg = pt.Segment
				break
			}
		}
		if seg < 0 {
			continue
		}
		var pre, post []Point
		var brokenBefore, brokenWithin bool
		// The points where a break before the window (up to its first
		// point) or within it would be marked, to say what changed.
		var before, within []Point
		started, inWindow := false, false
		for _, pt := range pts {
			if pt.Time.IsZero() {
				continue
			}
			per := period(pt.Time)
			if per != "pre" && per != window {
				continue
			}
			switch {
			case started && !inWindow:
				before = append(before, pt)
			case started:
				within = append(within, pt)
			}
			started, inWindow = true, inWindow || per == window
			if pt.Segment != seg {
				if per == "pre" {
					brokenBefore = true
				} else {
					brokenWithin = true
				}
				continue
			}
			if !pt.usable() {
				continue
			}
			if per == "pre" {
				pre = append(pre, pt)
			} else {
				post = append(post, pt)
			}
		}
		if brokenBefore {
			notes = append(notes, fmt.Sprintf("%s: %s between the waves before the initiative and those %s it; only the waves comparable with the first of those %s it are used",
				p.Label(m.key), whatChanged(before), window, window))
		}
		if brokenWithin {
			notes = append(notes, fmt.Sprintf("%s: %s among the waves %s the initiative; only those before the change are used",
				p.Label(m.key), whatChanged(within), window))
		}
		b, ok1 := pool(pre, m.kind)
		a, ok2 := pool(post, m.kind)
		if ok1 && ok2 {
			out = append(out, unitChange{unit: u, before: b, after: a, pre: pre, post: post})
		}
	}
	return out, notes
}

// better reports whether a change of sign d is an improvement in the
// named direction.
func better(direction string, d float64) bool {
	if direction == culture.LowerIsBetter.String() {
		return d < 0
	}
	return d > 0
}
