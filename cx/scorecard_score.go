package cx

import (
	"fmt"
	"math"

	"github.com/cxculture/cxculture/metrics"
	"github.com/cxculture/cxculture/survey"
)

// score computes one scorecard from the rolled-up tallies and the
// reliability statistics of its wave, by reliability group.
func score(h *Hierarchy, s survey.Survey, rolled *rolledReader, stats groupStats, opts ScorecardOptions) (*Scorecard, error) {
	var err error
	names, items := behaviorItems(s)
	sc := &Scorecard{Survey: s.ID, Wave: opts.Wave, Baseline: opts.Baseline, Level: opts.Level, FDR: opts.FDR,
		MinGroup: opts.MinGroup, Behaviors: names}
	// hidden applies the disclosure plan, or the bare threshold without
	// one. A plan built from other tallies cannot show a group below the
	// minimum here.
	hidden := func(id, wave string) (Reason, bool) {
		below := Reason{Kind: BelowMinimum, Min: opts.MinGroup}
		if rolled.respondents(id, wave) < int64(opts.MinGroup) {
			if opts.Disclosure != nil {
				if r, h := opts.Disclosure.Hidden(id, wave); h {
					return r, true
				}
			}
			return below, true
		}
		if opts.Disclosure != nil {
			return opts.Disclosure.Hidden(id, wave)
		}
		return Reason{}, false
	}
	if opts.Disclosure != nil {
		pr := opts.Disclosure.Privacy()
		sc.Privacy = &pr
	}
	// figureHidden applies the plan's rule for a figure over items of a
	// shown unit, or without a plan the minimum per item: every item
	// answered by no one or by at least the minimum.
	figureHidden := func(id, wave string, items []survey.Item) (Reason, bool) {
		if opts.Disclosure != nil {
			return opts.Disclosure.ItemsHidden(CellRef{Unit: id, Wave: wave}, itemIDs(items)...)
		}
		if opts.UnitMinimumOnly {
			return Reason{}, false
		}
		for _, it := range items {
			if n := rolled.tally(id, wave, it).N(); n > 0 && n < int64(opts.MinGroup) {
				return Reason{Kind: FewAnswered, Min: opts.MinGroup}, true
			}
		}
		return Reason{}, false
	}
	nan := math.NaN()
	nanInterval := metrics.Interval{Lower: nan, Upper: nan}
	enps := s.ItemsFor(survey.ENPS)
	for _, it := range enps {
		if it.Scale.Min < 0 || it.Scale.Max > 10 {
			return nil, invalid("survey", fmt.Sprintf("eNPS item %s is on scale %s: an NPS needs answers within 0..10", it.ID, it.Scale))
		}
		if it.Scale.Min != enps[0].Scale.Min || it.Scale.Max != enps[0].Scale.Max {
			return nil, invalid("survey", fmt.Sprintf("eNPS items %s and %s use different scales (%s, %s)", enps[0].ID, it.ID, enps[0].Scale, it.Scale))
		}
	}
	invited := rollInvited(h, opts.Invited)
	// The items of each behavior that the baseline measured alike, the
	// same for every unit.
	alikes := make([][]survey.Item, len(names))
	breaks := make([]string, len(names))
	// allAlike[j]: every item of behavior j was measured alike.
	allAlike := make([]bool, len(names))
	for j := range names {
		alikes[j], breaks[j] = opts.comparableItems(s, items[j])
		allAlike[j] = sameItems(alikes[j], items[j])
	}

	type pending struct{ unit, behavior int }
	var tests []pending
	var pvals []float64
	ids := h.IDs()
	sc.Units = make([]UnitScore, 0, len(ids))
	for _, id := range ids {
		u, _ := h.Unit(id)
		us := UnitScore{Unit: id, Name: u.Name, Parent: u.Parent, Depth: h.Depth(id), Leaf: h.IsLeaf(id)}
		n := rolled.respondents(id, opts.Wave)
		if why, ok := hidden(id, opts.Wave); ok {
			us.Suppressed = true
			us.Reason = why.String()
			sc.Units = append(sc.Units, us)
			continue
		}
		us.Respondents = n
		if inv := opts.Disclosure.invitedShown(id, opts.Wave, int64(invited[id])); inv > 0 {
			p := metrics.Proportion{Successes: min(n, inv), N: inv}
			us.ResponseRate = &Estimate{Value: p.Value(), Interval: p.Wilson(opts.Level), Proportion: p}
		}
		baseShown := false
		var base baseView
		if opts.Baseline != "" {
			base = opts.baseline(id, rolled, hidden)
			baseShown = base.shown
			us.NotComparable, us.Restated = base.notComparable, base.restated
		}
		testable := baseShown && (opts.ChangeScope == AllUnits || h.IsLeaf(id))
		if len(names) > 0 {
			us.Behaviors = make([]BehaviorScore, 0, len(names))
		}
		for j, b := range names {
			if why, hid := figureHidden(id, opts.Wave, items[j]); hid {
				us.Behaviors = append(us.Behaviors, BehaviorScore{Behavior: b, Suppressed: true, Reason: why.String(),
					Favorable: Estimate{Value: nan, Interval: nanInterval}, Mean: nan, MeanInterval: nanInterval})
				continue
			}
			fav, all, same := rolled.pooled(id, opts.Wave, items[j])
			bs := BehaviorScore{Behavior: b, Favorable: estimate(fav, opts.Level), Mean: math.NaN(),
				MeanInterval: metrics.Interval{Lower: math.NaN(), Upper: math.NaN()}}
			if same {
				bs.Mean, bs.MeanInterval = all.Mean(), all.MeanCI(opts.Level)
			}
			alike := alikes[j]
			bs.Break = breaks[j]
			cur := fav
			if !allAlike[j] && len(alike) > 0 {
				// The change over the items both waves measured alike.
				if _, hid := figureHidden(id, opts.Wave, alike); hid {
					alike = nil
				} else {
					cur, _, _ = rolled.pooled(id, opts.Wave, alike)
				}
			}
			if baseShown && len(alike) > 0 && !opts.baseFigureHidden(id, base, alike, rolled, figureHidden) {
				was, _, _ := rolled.pooled(id, opts.baseKey, alike)
				if cur.N > 0 && was.N > 0 {
					bs.Change = &Change{Current: estimate(cur, opts.Level), Baseline: estimate(was, opts.Level), Diff: cur.Value() - was.Value(),
						Test: metrics.TwoProportionZ(cur, was), Adjusted: math.NaN()}
					if !allAlike[j] {
						bs.Change.Items = itemIDs(alike)
					}
					if testable {
						tests = append(tests, pending{len(sc.Units), j})
						pvals = append(pvals, bs.Change.Test.P)
					}
				}
			}
			us.Behaviors = append(us.Behaviors, bs)
		}
		if why, hid := figureHidden(id, opts.Wave, enps); len(enps) > 0 && hid {
			us.ENPSReason = why.String()
		} else if len(enps) > 0 {
			var nps metrics.Tally
			for _, it := range enps {
				if err := nps.Merge(rolled.tally(id, opts.Wave, it)); err != nil {
					return nil, fmt.Errorf("cx: eNPS items use different scales: %w: %w", ErrInvalid, err)
				}
			}
			if nps.N() > 0 {
				v := nps.NPS()
				us.ENPS = &NPSScore{NPS: v, Score: v.Score(), Interval: v.CI(opts.Level)}
			}
		}
		sc.Units = append(sc.Units, us)
	}
	adjusted := metrics.AdjustBH(pvals)
	for i, tp := range tests {
		c := sc.Units[tp.unit].Behaviors[tp.behavior].Change
		c.Adjusted = adjusted[i]
		c.Significant = adjusted[i] < opts.FDR
	}
	sc.Tests = len(tests)
	if _, rootHidden := hidden(h.Root(), opts.Wave); rootHidden {
		// The organization itself is suppressed: its reliability, with
		// its respondent count, is a figure of that group too.
		return sc, nil
	}
	// Reliability rests on the people who answered the behavior's items
	// across the organization: shown only with the behavior's figures.
	var shown []string
	for j, b := range names {
		if _, hid := figureHidden(h.Root(), opts.Wave, items[j]); !hid {
			shown = append(shown, b)
		}
	}
	sc.Reliability, err = reliability(s, stats, shown, opts)
	if err != nil {
		return nil, err
	}
	return sc, nil
}

func estimate(p metrics.Proportion, level float64) Estimate {
	return Estimate{Value: p.Value(), Interval: p.Wilson(level), Proportion: p}
}

// rollInvited sums invited counts up the hierarchy.
func rollInvited(h *Hierarchy, invited map[string]int) map[string]int {
	out := map[string]int{}
	for u, n := range invited {
		if !h.Has(u) {
			continue
		}
		for _, a := range withAncestors(h, u) {
			out[a] += n
		}
	}
	return out
}
