package cx

import (
	"context"
	"fmt"
	"math"

	"github.com/cxculture/cxculture/metrics"
	"github.com/cxculture/cxculture/survey"
)

// PairedOptions configure a paired comparison of two waves.
type PairedOptions struct {
	// Wave and Baseline are the two waves, of the same survey; required.
	Wave, Baseline string
	// Units are the units compared, each with the units below it;
	// default the whole organization (the root). AllUnits compares every
	// unit.
	Units    []string
	AllUnits bool
	// Level is the confidence level of intervals; default 0.95.
	Level float64
}

// PairedChange is the change among the people who answered both waves
// (linked by their pseudonyms), beside the change among everyone who
// answered: it tells whether the same people changed, or the people did.
type PairedChange struct {
	Survey   string `json:"survey"`
	Wave     string `json:"wave"`
	Baseline string `json:"baseline"`
	// Behaviors are the behaviors compared, as in [Scorecard].
	Behaviors []string `json:"behaviors"`
	// MinPairs is the fewest people a figure rests on to be shown: the
	// privacy rules' minimum.
	MinPairs int     `json:"min_pairs"`
	Level    float64 `json:"level"`
	// Units hold one row per unit compared, in the order of the org in
	// force when the wave opened.
	Units []PairedUnit `json:"units"`
}

// PairedUnit is one unit's paired comparison. People are counted in the
// unit they answered the wave from (and in the units above it), wherever
// they answered the baseline from: a person followed across a
// reorganization is still the same person.
type PairedUnit struct {
	Unit string `json:"unit"`
	Name string `json:"name"`
	// Suppressed units show nothing; Reason says why, in words for
	// leaders (names and dates).
	Suppressed bool   `json:"suppressed,omitempty"`
	Reason     string `json:"reason,omitempty"`
	// Pairs is the number of people who answered both waves.
	Pairs int64 `json:"pairs,omitempty"`
	// Behaviors are aligned with PairedChange.Behaviors.
	Behaviors []PairedBehavior `json:"behaviors,omitempty"`
}

// PairedBehavior is the paired change of one behavior in one unit, over
// the items both waves asked alike (the same version: see
// survey.Item.Comparable).
type PairedBehavior struct {
	Behavior string `json:"behavior"`
	// Suppressed is set when fewer than the minimum of people answered
	// the items in both waves, when no item was asked alike, when the plan
	// hides the behavior in either wave, or to protect another group (see
	// [Program.PairedChange]); Reason says why.
	Suppressed bool   `json:"suppressed,omitempty"`
	Reason     string `json:"reason,omitempty"`
	// Items are the items compared.
	Items []string `json:"items,omitempty"`
	// Pairs is the number of people who answered them in both waves.
	Pairs int64 `json:"pairs,omitempty"`
	// Before and After are the shares of favorable people among the
	// pairs in the baseline and in the wave: a person is favorable when
	// at least half of their answers to Items are favorable (after
	// reverse keying). McNemar tests that nobody moved across
	// (metrics.McNemar, with the continuity correction, as R
	// mcnemar.test).
	Before  float64      `json:"before"`
	After   float64      `json:"after"`
	McNemar metrics.Test `json:"mcnemar"`
	// MeanBefore and MeanAfter are the means of each person's mean answer
	// to Items (after reverse keying); MeanChange is the mean of their
	// differences (wave minus baseline) with its paired t interval;
	// PairedT and Wilcoxon test that it is zero (metrics.PairedT and
	// metrics.WilcoxonSignedRank, as R t.test and wilcox.test with paired
	// = TRUE). NaN when the items use different scales.
	MeanBefore   float64          `json:"mean_before"`
	MeanAfter    float64          `json:"mean_after"`
	MeanChange   float64          `json:"mean_change"`
	MeanInterval metrics.Interval `json:"mean_interval"`
	PairedT      metrics.Test     `json:"paired_t"`
	Wilcoxon     metrics.Test     `json:"wilcoxon"`
	// CrossSectional is the change of the behavior's favorable share
	// among everyone who answered the two waves, as the program's
	// scorecard shows it; nil when it does not.
	CrossSectional *Change `json:"cross_sectional,omitempty"`
}

// MarshalJSON writes the PairedChange as encoding/json would, with
// undefined numbers (NaN, ±Inf) as null.
func (v PairedChange) MarshalJSON() ([]byte, error) { return marshalNull(v) }

// MarshalJSON writes the PairedUnit as encoding/json would, with
// undefined numbers (NaN, ±Inf) as null.
func (v PairedUnit) MarshalJSON() ([]byte, error) { return marshalNull(v) }

// MarshalJSON writes the PairedBehavior as encoding/json would, with
// undefined numbers (NaN, ±Inf) as null.
func (v PairedBehavior) MarshalJSON() ([]byte, error) { return marshalNull(v) }

// person is one respondent's answers to a behavior's items in one wave.
type personAnswers struct {
	unit      string
	submitted int64
	answers   map[string]int
}

// PairedChange compares two stored waves of a survey among the people who
// answered both, linked by their pseudonyms (survey.Response.Respondent;
// anonymous responses are left out, and of several responses of a person
// in a wave the last submitted counts). Each behavior is compared on the
// items both waves asked alike. Beside each paired change stands the
// change among everyone who answered, from [Program.Scorecard].
//
// Paired figures are groups of their own beside the program's plan
// ([Program.Disclosure]), and are shown only where nothing below the
// minimum can be worked out from them. A unit is shown when the plan shows
// it in both waves (a unit that was not in the org when the baseline
// opened is not compared) and at least the minimum of its people answered
// both waves; a behavior, when the plan shows its figures in both waves
// and at least the minimum of the unit's people answered its items in
// both. Beyond that, a unit or behavior is hidden (as complementary) when
// its figures, subtracted from the scorecard's or from other paired
// figures of any pair of the survey's waves, would leave a group of 1 to
// minimum-1 people: the people who answered only one of the waves (joined
// or left), the pairs of a hidden child, the people who moved between
// units, or a group the plan hides. What a reader can still learn: that
// a hidden unit's pairs, joiners or leavers are few, or none.
func (p *Program) PairedChange(ctx context.Context, surveyID string, opts PairedOptions) (*PairedChange, error) {
	if opts.Level == 0 {
		opts.Level = 0.95
	}
	var ps problems
	if !survey.ValidID(opts.Wave) {
		ps.add("wave", fmt.Sprintf("malformed or missing wave %q", opts.Wave))
	}
	if !survey.ValidID(opts.Baseline) {
		ps.add("baseline", fmt.Sprintf("malformed or missing wave %q", opts.Baseline))
	}
	if opts.Wave == opts.Baseline {
		ps.add("baseline", "must differ from the wave")
	}
	if !(opts.Level > 0 && opts.Level < 1) {
		ps.add("level", fmt.Sprintf("must be in (0,1), got %g", opts.Level))
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	sc, err := p.Scorecard(ctx, surveyID, ScorecardOptions{Wave: opts.Wave, Baseline: opts.Baseline, Level: opts.Level})
	if err != nil {
		return nil, err
	}
	s, err := p.store.GetSurvey(ctx, surveyID)
	if err != nil {
		return nil, err
	}
	w, err := p.store.GetWave(ctx, opts.Wave)
	if err != nil {
		return nil, err
	}
	so := ScorecardOptions{Wave: opts.Wave, Baseline: opts.Baseline}
	h, err := p.waveContext(ctx, s, w, opts.Baseline, &so)
	if err != nil {
		return nil, err
	}
	plan, err := p.Disclosure(ctx, surveyID)
	if err != nil {
		return nil, err
	}
	units := opts.Units
	switch {
	case opts.AllUnits:
		units = h.IDs()
	case len(units) == 0:
		units = []string{h.Root()}
	}
	for i, u := range units {
		if !h.Has(u) {
			ps.add(fmt.Sprintf("units[%d]", i), fmt.Sprintf("unit %q was not in the org when wave %s opened", u, opts.Wave))
		}
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	data, err := p.readPaired(ctx, s, plan)
	if err != nil {
		return nil, err
	}
	pi, ok := data.index[[2]string{opts.Wave, opts.Baseline}]
	if !ok {
		return nil, fmt.Errorf("cx: waves %s and %s of survey %s are not planned together: %w", opts.Wave, opts.Baseline, surveyID, ErrNotFound)
	}
	pp := planPaired(data, plan)
	spec := data.pairs[pi]
	now, before := map[string]personAnswers{}, map[string]personAnswers{}
	for _, id := range spec.people {
		r, rb := data.rec(opts.Wave, id), data.rec(opts.Baseline, id)
		now[id] = personAnswers{unit: r.unit, submitted: r.submitted, answers: r.answers}
		before[id] = personAnswers{unit: rb.unit, submitted: rb.submitted, answers: rb.answers}
	}
	min := pp.min
	out := &PairedChange{Survey: surveyID, Wave: opts.Wave, Baseline: opts.Baseline, Behaviors: spec.names, MinPairs: min, Level: opts.Level}
	scRows := map[string]UnitScore{}
	for _, u := range sc.Units {
		scRows[u.Unit] = u
	}
	for _, u := range units {
		unit, _ := h.Unit(u)
		row := PairedUnit{Unit: u, Name: unit.Name}
		if why, hid := pp.hidden[pcell{pi, u, -1}]; hid || !pp.shown[pcell{pi, u, -1}] {
			row.Suppressed, row.Reason = true, why
			out.Units = append(out.Units, row)
			continue
		}
		var people []string
		for _, id := range spec.people {
			if h.Within(now[id].unit, u) {
				people = append(people, id)
			}
		}
		row.Pairs = int64(len(people))
		for j, b := range spec.names {
			var pb PairedBehavior
			if why, hid := pp.hidden[pcell{pi, u, j}]; hid || !pp.shown[pcell{pi, u, j}] {
				pb = PairedBehavior{Behavior: b, Suppressed: true, Reason: why}
			} else {
				pb = pairedBehavior(b, spec.alike[j], people, before, now, opts.Level, min)
			}
			if r, ok := scRows[u]; ok && !r.Suppressed && j < len(r.Behaviors) {
				pb.CrossSectional = r.Behaviors[j].Change
			}
			row.Behaviors = append(row.Behaviors, pb)
		}
		out.Units = append(out.Units, row)
	}
	return out, nil
}

// pairedBehavior compares one behavior's items among people.
func pairedBehavior(name string, items []survey.Item, people []string, before, now map[string]personAnswers, level float64, min int) PairedBehavior {
	nan := math.NaN()
	pb := PairedBehavior{Behavior: name, Items: itemIDs(items), Before: nan, After: nan, MeanBefore: nan, MeanAfter: nan, MeanChange: nan,
		MeanInterval: metrics.Interval{Lower: nan, Upper: nan}, McNemar: metrics.Test{Statistic: nan, DF: nan, P: nan},
		PairedT: metrics.Test{Statistic: nan, DF: nan, P: nan}, Wilcoxon: metrics.Test{Statistic: nan, DF: nan, P: nan}}
	sameScale := true
	for _, it := range items[1:] {
		if it.Scale != items[0].Scale {
			sameScale = false
		}
	}
	// person returns whether a person's answers are mostly favorable and
	// their mean keyed answer; ok is false without an answer.
	person := func(a map[string]int) (fav bool, mean float64, ok bool) {
		var n, f int
		var sum float64
		for _, it := range items {
			v, answered := a[it.ID]
			if !answered {
				continue
			}
			n++
			k := it.Keyed(v)
			if k >= it.Scale.FavorableMin && k <= it.Scale.FavorableMax {
				f++
			}
			sum += float64(k)
		}
		if n == 0 {
			return false, 0, false
		}
		return 2*f >= n, sum / float64(n), true
	}
	var x, y []float64
	var favBefore, favAfter, down, up int64
	for _, id := range people {
		f0, m0, ok0 := person(before[id].answers)
		f1, m1, ok1 := person(now[id].answers)
		if !ok0 || !ok1 {
			continue
		}
		pb.Pairs++
		if f0 {
			favBefore++
		}
		if f1 {
			favAfter++
		}
		switch {
		case f0 && !f1:
			down++
		case !f0 && f1:
			up++
		}
		x, y = append(x, m1), append(y, m0)
	}
	if pb.Pairs < int64(min) {
		return PairedBehavior{Behavior: name, Suppressed: true, Items: pb.Items, Reason: fmt.Sprintf("fewer than %d people answered these items in both waves", min)}
	}
	n := float64(pb.Pairs)
	pb.Before, pb.After = float64(favBefore)/n, float64(favAfter)/n
	pb.McNemar = metrics.McNemar(down, up, true)
	if sameScale {
		var s0, s1 float64
		for i := range x {
			s0 += y[i]
			s1 += x[i]
		}
		pb.MeanBefore, pb.MeanAfter = s0/n, s1/n
		pb.MeanChange, pb.MeanInterval = metrics.PairedTCI(x, y, level)
		pb.PairedT = metrics.PairedT(x, y)
		pb.Wilcoxon = metrics.WilcoxonSignedRank(x, y)
	}
	return pb
}
