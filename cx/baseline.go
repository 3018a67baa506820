package cx

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cxculture/cxculture/survey"
)

// ComparabilityBreak records that a measure's items changed between two
// consecutive waves (an item reworded, rescaled, re-keyed, added or
// dropped): values on either side are not compared, and trends and
// changes are computed within the stretch after the break only.
type ComparabilityBreak struct {
	Measure string `json:"measure"`
	// Previous is the last wave before the break; Wave the first after.
	Previous string `json:"previous"`
	Wave     string `json:"wave"`
	// Before and After list the items on each side as
	// ID@vVERSION/SCALE[range;favorable]/rKEYING.
	Before []string `json:"before"`
	After  []string `json:"after"`
	// Reason says what changed, item by item, quoting the items (for
	// people; Before and After are for programs).
	Reason string `json:"reason"`
}

// DefaultMeasures returns the survey measures a baseline, trends and
// links cover by default: the favorability of each behavior (belief and
// behavior items), its beliefs and its practices apart when it has items
// of both kinds, the mean answer of each behavior, eNPS when the survey
// has an eNPS item, and the favorable share of every other outcome item
// (such as the A-11 items of a customer survey).
func DefaultMeasures(s survey.Survey) []string {
	names, items := behaviorItems(s)
	var out []string
	for i, b := range names {
		out = append(out, BehaviorPrefix+b)
		var belief, practice bool
		for _, it := range items[i] {
			belief = belief || it.Kind == survey.Belief
			practice = practice || it.Kind == survey.Behavior
		}
		if belief && practice {
			out = append(out, BeliefPrefix+b, PracticePrefix+b)
		}
	}
	for _, b := range names {
		out = append(out, MeanPrefix+b)
	}
	if len(s.ItemsFor(survey.ENPS)) > 0 {
		out = append(out, ENPSMeasure)
	}
	for _, it := range s.Items {
		if it.Kind == survey.Outcome && it.Construct != survey.ENPS {
			out = append(out, ItemPrefix+it.ID)
		}
	}
	return out
}

// ComparabilityBreaks returns, for each survey measure (default
// [DefaultMeasures] of the panel's survey), every pair of consecutive
// waves between which the measure's items differ. Operational metrics
// have no items and no breaks.
func ComparabilityBreaks(p *Panel, measures []string) ([]ComparabilityBreak, error) {
	q, err := p.prepare()
	if err != nil {
		return nil, err
	}
	if measures == nil {
		measures = DefaultMeasures(q.Survey)
	}
	var out []ComparabilityBreak
	for _, key := range measures {
		m, err := q.measure(key)
		if err != nil {
			return nil, err
		}
		if m.source != "survey" {
			continue
		}
		out = append(out, q.breaks(m)...)
	}
	return out, nil
}

func (p *Panel) breaks(m measureSpec) []ComparabilityBreak {
	var out []ComparabilityBreak
	var prev []survey.Item
	for i, w := range p.order {
		items := m.items(p.instrument(w))
		if i > 0 && itemsKey(items) != itemsKey(prev) {
			out = append(out, ComparabilityBreak{Measure: m.key, Previous: p.order[i-1], Wave: w,
				Before: signatureList(prev), After: signatureList(items), Reason: describeChange(prev, items)})
		}
		prev = items
	}
	return out
}

func signatureList(items []survey.Item) []string {
	s := itemSignature(items)
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

// describeChange says how two sets of items differ, quoting the items
// (see [itemChanges]).
func describeChange(before, after []survey.Item) string {
	return strings.Join(itemChanges(before, after), "; ")
}

// itemChanges says, quoting the items, what changed from one set of a
// measure's items to another: items added, reworded, rescaled, re-keyed
// or dropped.
func itemChanges(before, after []survey.Item) []string {
	old := map[string]survey.Item{}
	for _, it := range before {
		old[it.ID] = it
	}
	var out []string
	seen := map[string]bool{}
	for _, it := range after {
		seen[it.ID] = true
		o, ok := old[it.ID]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("the item %q was added", it.Text))
		case !o.Comparable(it):
			out = append(out, describeItemChange(o, it))
		}
	}
	for _, it := range before {
		if !seen[it.ID] {
			out = append(out, fmt.Sprintf("the item %q was dropped", it.Text))
		}
	}
	return out
}

// BaselineOptions configure [NewBaseline].
type BaselineOptions struct {
	// Wave is the baseline wave; default the first wave of the panel in
	// which anyone responded.
	Wave string
	// Measures are the measures captured; default [DefaultMeasures] plus
	// every operational metric of the panel's observations.
	Measures []string
}

// Baseline is where each unit stood before the change: per unit, the
// value of every measure in the baseline wave (for an operational metric,
// its latest observation at or before the baseline wave closes), with its
// interval; and the comparability breaks that separate later waves from
// the baseline.
type Baseline struct {
	Wave string    `json:"wave"`
	Time time.Time `json:"time,omitzero"`
	// Measures are the measure keys; every UnitBaseline.Values is aligned
	// with them.
	Measures []string       `json:"measures"`
	Units    []UnitBaseline `json:"units"`
	// Breaks are the comparability breaks after the baseline wave: a
	// measure with a break is not compared with its baseline across it.
	Breaks []ComparabilityBreak `json:"breaks,omitempty"`
}

// UnitBaseline is one unit's row of a baseline.
type UnitBaseline struct {
	Unit string `json:"unit"`
	// Values are aligned with Baseline.Measures; a suppressed or missing
	// value says so and carries no figure.
	Values []Point `json:"values"`
}

// Value returns the baseline value of a measure in a unit.
func (b *Baseline) Value(unit, measure string) (Point, bool) {
	j := slices.Index(b.Measures, measure)
	if j < 0 {
		return Point{}, false
	}
	for _, u := range b.Units {
		if u.Unit == unit {
			return u.Values[j], true
		}
	}
	return Point{}, false
}

// NewBaseline captures the baseline of every unit of the panel (parents
// before children). It fails with a [*ValidationError] when the panel or
// the options are invalid, or the panel has no responses.
func NewBaseline(p *Panel, opts BaselineOptions) (*Baseline, error) {
	q, err := p.prepare()
	if err != nil {
		return nil, err
	}
	wave := opts.Wave
	if wave == "" {
		for _, w := range q.order {
			if q.rolled.Respondents[Group{q.Hierarchy.Root(), w}] > 0 {
				wave = w
				break
			}
		}
		if wave == "" {
			return nil, invalid("panel.tallies", "no responses: a baseline needs a wave in which people responded")
		}
	}
	wi, ok := q.index[wave]
	if !ok {
		return nil, invalid("wave", fmt.Sprintf("unknown wave %q", wave))
	}
	measures := opts.Measures
	if measures == nil {
		measures = append(DefaultMeasures(q.Survey), observationMetrics(q.Observations)...)
	}
	specs := make([]measureSpec, len(measures))
	for i, key := range measures {
		if specs[i], err = q.measure(key); err != nil {
			return nil, err
		}
	}
	b := &Baseline{Wave: wave, Time: q.waveTime(wi), Measures: slices.Clone(measures)}
	cutoff := time.Time{}
	if wi < len(q.Waves) {
		cutoff = q.Waves[wi].Closes
		if cutoff.IsZero() {
			cutoff = q.Waves[wi].Opens
		}
	}
	for _, unit := range q.Hierarchy.IDs() {
		ub := UnitBaseline{Unit: unit, Values: make([]Point, len(specs))}
		for j, m := range specs {
			pts := q.series(unit, m)
			if m.source == "survey" {
				ub.Values[j] = pts[wi]
				continue
			}
			ub.Values[j] = Point{Missing: true, Reason: "no observation at or before the baseline"}
			for _, pt := range pts {
				if cutoff.IsZero() || !pt.Time.After(cutoff) {
					ub.Values[j] = pt
					if cutoff.IsZero() {
						break
					}
				}
			}
		}
		b.Units = append(b.Units, ub)
	}
	for _, m := range specs {
		if m.source != "survey" {
			continue
		}
		for _, br := range q.breaks(m) {
			if q.index[br.Wave] > wi {
				b.Breaks = append(b.Breaks, br)
			}
		}
	}
	return b, nil
}

// observationMetrics returns the distinct metric keys of obs, sorted.
func observationMetrics(obs []Observation) []string {
	set := map[string]bool{}
	for _, o := range obs {
		set[o.Metric] = true
	}
	return sortedKeys(set)
}
