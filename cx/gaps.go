package cx

import (
	"fmt"
	"math"
	"slices"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/metrics"
	"github.com/cxculture/cxculture/survey"
)

// Gap is the belief-behavior gap of one behavior in one unit and wave:
// how much more favorable people's beliefs are than the behavior they see
// done. A large positive gap is culture professed but not practised.
type Gap struct {
	Unit     string `json:"unit"`
	Wave     string `json:"wave"`
	Behavior string `json:"behavior"`
	// Belief and Practice are the favorable shares of the behavior's
	// belief and behavior items.
	Belief   Estimate `json:"belief"`
	Practice Estimate `json:"practice"`
	// Gap is Belief - Practice with Newcombe's hybrid score interval,
	// which treats the two shares as independent; with the same people
	// answering both, the interval is conservative when their answers are
	// positively correlated.
	Gap      float64          `json:"gap"`
	Interval metrics.Interval `json:"interval"`
}

// Gaps returns the belief-behavior gap of every behavior with both
// belief and behavior items, in every shown unit (parents before
// children), in the given wave (default the last wave of the panel),
// where the panel's plan shows the behavior's figures.
func Gaps(p *Panel, wave string) ([]Gap, error) {
	q, err := p.prepare()
	if err != nil {
		return nil, err
	}
	if wave == "" && len(q.order) > 0 {
		wave = q.order[len(q.order)-1]
	}
	if _, ok := q.index[wave]; !ok {
		return nil, invalid("wave", fmt.Sprintf("unknown wave %q", wave))
	}
	s := q.instrument(wave)
	names, items := behaviorItems(s)
	var out []Gap
	for _, u := range q.Hierarchy.IDs() {
		if ok, _ := q.shown(u, wave); !ok {
			continue
		}
		for j, b := range names {
			var bel, pra []survey.Item
			for _, it := range items[j] {
				if it.Kind == survey.Belief {
					bel = append(bel, it)
				} else {
					pra = append(pra, it)
				}
			}
			if len(bel) == 0 || len(pra) == 0 {
				continue
			}
			// Both shares rest on the people who answered their items.
			if hid, _ := q.figureHidden(u, wave, items[j]); hid {
				continue
			}
			fb, _, _ := pooled(q.rolled, u, wave, bel)
			fp, _, _ := pooled(q.rolled, u, wave, pra)
			if fb.N == 0 || fp.N == 0 {
				continue
			}
			out = append(out, Gap{Unit: u, Wave: wave, Behavior: b, Belief: estimate(fb, q.Level), Practice: estimate(fp, q.Level),
				Gap: fb.Value() - fp.Value(), Interval: metrics.NewcombeDiff(fb, fp, q.Level)})
		}
	}
	return out, nil
}

// DetectOptions configure [Detectability].
type DetectOptions struct {
	// Alpha and Power of the two-wave test; defaults 0.05 and 0.8.
	Alpha, Power float64
	// Baseline is the wave whose favorable shares are the starting
	// points; default the first wave of the panel.
	Baseline string
	// Indicators and Initiatives supply the targets checked: indicator
	// targets on survey items, and outcome targets on behavior
	// (behavior:X) or item (item:ID) measures.
	Indicators  []culture.Indicator
	Initiatives []culture.Initiative
}

// DetectableChange is, for one unit and measure, the smallest change of a
// favorable share two waves of the unit's size could detect, and the
// targets no wave could.
type DetectableChange struct {
	Unit    string `json:"unit"`
	Measure string `json:"measure"`
	// Baseline is the share in the baseline wave.
	Baseline float64 `json:"baseline"`
	// Respondents are the median and the largest number of respondents
	// of the unit in a shown wave.
	MedianRespondents  int64 `json:"median_respondents"`
	LargestRespondents int64 `json:"largest_respondents"`
	// MDC is the minimum detectable increase of the share between two
	// waves of the median size, and MDCLargest between two waves of the
	// largest size ([metrics.MinDetectableChange]); 1 when no increase is
	// detectable. Respondents, not answers, are the sample size: answers
	// of one person to several items are not independent, so this is
	// conservative.
	MDC        float64 `json:"mdc"`
	MDCLargest float64 `json:"mdc_largest"`
	// Undetectable lists the targets whose distance from the baseline
	// is smaller than the minimum detectable change in their direction
	// between two waves of the largest size: no wave of this unit could
	// detect reaching them.
	Undetectable []TargetCheck `json:"undetectable,omitempty"`
}

// TargetCheck is a target too close to the baseline to detect.
type TargetCheck struct {
	// Source names the target: "indicator:ID" or "initiative:NAME".
	Source string  `json:"source"`
	Target float64 `json:"target"`
	// Change is the distance from the baseline to the target.
	Change float64 `json:"change"`
}

// Detectability returns, for every unit shown in the baseline wave and
// every behavior measure (and every measure with a target), the minimum
// detectable change given the unit's response counts, and flags the
// targets no wave could detect. Results are ordered by unit (parents
// before children), then measure.
func Detectability(p *Panel, opts DetectOptions) ([]DetectableChange, error) {
	q, err := p.prepare()
	if err != nil {
		return nil, err
	}
	if opts.Alpha == 0 {
		opts.Alpha = 0.05
	}
	if opts.Power == 0 {
		opts.Power = 0.8
	}
	var ps problems
	if !(opts.Alpha > 0 && opts.Alpha < 1) {
		ps.add("alpha", "must be in (0,1)")
	}
	if !(opts.Power > 0 && opts.Power < 1) {
		ps.add("power", "must be in (0,1)")
	}
	if opts.Baseline == "" && len(q.order) > 0 {
		opts.Baseline = q.order[0]
	}
	bi, ok := q.index[opts.Baseline]
	if !ok {
		ps.add("baseline", fmt.Sprintf("unknown wave %q", opts.Baseline))
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	type target struct {
		source string
		value  float64
		units  []string // nil: every unit
	}
	targets := map[string][]target{}
	var keys []string
	names, _ := behaviorItems(q.Survey)
	for _, b := range names {
		keys = append(keys, BehaviorMeasure(b))
	}
	specs := map[string]measureSpec{}
	for _, k := range keys {
		specs[k], _ = q.measure(k)
	}
	for _, ind := range opts.Indicators {
		if ind.Target == nil || len(ind.Source.Items) == 0 {
			continue
		}
		m, err := q.indicatorMeasure(ind)
		if err != nil {
			return nil, err
		}
		if _, ok := specs[m.key]; !ok {
			specs[m.key] = m
			keys = append(keys, m.key)
		}
		targets[m.key] = append(targets[m.key], target{source: "indicator:" + ind.ID, value: *ind.Target})
	}
	for _, in := range opts.Initiatives {
		for _, o := range in.Outcomes {
			m, err := q.measure(o.Metric)
			if err != nil || m.kind != ShareMeasure || m.source != "survey" {
				continue
			}
			if _, ok := specs[m.key]; !ok {
				specs[m.key] = m
				keys = append(keys, m.key)
			}
			targets[m.key] = append(targets[m.key], target{source: "initiative:" + in.Name, value: o.Target, units: in.Units})
		}
	}
	var out []DetectableChange
	for _, u := range q.Hierarchy.IDs() {
		var counts []int64
		for _, w := range q.order {
			if ok, _ := q.shown(u, w); ok {
				counts = append(counts, q.rolled.Respondents[Group{u, w}])
			}
		}
		if ok, _ := q.shown(u, q.order[bi]); !ok || len(counts) == 0 {
			continue
		}
		slices.Sort(counts)
		med, big := counts[(len(counts)-1)/2], counts[len(counts)-1]
		for _, k := range keys {
			pt := q.series(u, specs[k])[bi]
			if !pt.usable() || pt.Value <= 0 || pt.Value >= 1 {
				continue
			}
			d := DetectableChange{Unit: u, Measure: k, Baseline: pt.Value, MedianRespondents: med, LargestRespondents: big}
			d.MDC = mdc(med, pt.Value, opts.Alpha, opts.Power)
			d.MDCLargest = mdc(big, pt.Value, opts.Alpha, opts.Power)
			for _, t := range targets[k] {
				if t.units != nil && !slices.Contains(t.units, u) {
					continue
				}
				change := t.value - pt.Value
				need := d.MDCLargest
				if change < 0 {
					need = mdc(big, 1-pt.Value, opts.Alpha, opts.Power)
				}
				if change != 0 && math.Abs(change) < need {
					d.Undetectable = append(d.Undetectable, TargetCheck{Source: t.source, Target: t.value, Change: change})
				}
			}
			out = append(out, d)
		}
	}
	return out, nil
}

// mdc is the minimum detectable increase of a share p between two waves
// of n, or 1 when none is detectable (a decrease from p is the increase
// from 1 - p).
func mdc(n int64, p, alpha, power float64) float64 {
	up, err := metrics.MinDetectableChange(n, n, p, alpha, power)
	if err != nil || math.IsNaN(up) {
		return 1
	}
	return up
}
