package report

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/cxculture/cxculture/cx"
)

func num(f float64) Number { return Number(f) }

func share(e cx.Estimate) Share {
	return Share{Value: num(e.Value), Lower: num(e.Interval.Lower), Upper: num(e.Interval.Upper),
		Successes: e.Successes, N: e.N}
}

// minGroupReason is the reason a unit under the minimum group size is
// hidden, in the words of cx.NewScorecard.
func minGroupReason(k int) string { return fmt.Sprintf("fewer than %d respondents", k) }

// buildScorecard copies the figures of sc that may be shown. A unit is
// hidden when sc suppresses it, and also, as a second line of defence,
// when it reports fewer respondents than sc.MinGroup: the numbers of a
// hidden unit are never copied.
func buildScorecard(sc *cx.Scorecard, planned func(unit, wave string) (string, bool), ps *problems) (*Scorecard, *Heatmap) {
	out := &Scorecard{Survey: sc.Survey, Wave: sc.Wave, Baseline: sc.Baseline, Level: num(sc.Level),
		FDR: num(sc.FDR), MinGroup: sc.MinGroup, Tests: sc.Tests, Behaviors: append([]string{}, sc.Behaviors...)}
	if sc.MinGroup < 1 {
		ps.add("scorecard.min_group", fmt.Sprintf("must be at least 1, got %d", sc.MinGroup))
	}
	if !(sc.Level > 0 && sc.Level < 1) {
		ps.add("scorecard.level", fmt.Sprintf("must be in (0,1), got %g", sc.Level))
	}
	if sc.Wave == "" {
		ps.add("scorecard.wave", "required")
	}
	seenBehavior := map[string]bool{}
	for j, b := range sc.Behaviors {
		if b == "" || seenBehavior[b] {
			ps.add("scorecard.behaviors["+strconv.Itoa(j)+"]", fmt.Sprintf("empty or duplicate behavior %q", b))
		}
		seenBehavior[b] = true
	}
	seen := map[string]bool{}
	hm := &Heatmap{Behaviors: append([]string{}, sc.Behaviors...), Units: []string{}, Names: []string{}, Cells: [][]Cell{}}
	for i, u := range sc.Units {
		field := "scorecard.units[" + strconv.Itoa(i) + "]"
		if u.Unit == "" || seen[u.Unit] {
			ps.add(field+".unit", fmt.Sprintf("empty or duplicate unit %q", u.Unit))
		}
		seen[u.Unit] = true
		ou := Unit{Unit: u.Unit, Name: u.Name, Parent: u.Parent, Depth: u.Depth, Leaf: u.Leaf}
		why, plannedHidden := planned(u.Unit, sc.Wave)
		switch {
		case plannedHidden && !u.Suppressed:
			ou.Hidden, ou.Reason = true, why
		case u.Suppressed:
			ou.Hidden, ou.Reason = true, u.Reason
			if ou.Reason == "" {
				ou.Reason = "suppressed"
			}
		case u.Respondents < int64(max(sc.MinGroup, 1)):
			ou.Hidden, ou.Reason = true, minGroupReason(max(sc.MinGroup, 1))
		case len(u.Behaviors) != len(sc.Behaviors):
			ps.add(field+".behaviors", fmt.Sprintf("%d behaviors for the scorecard's %d", len(u.Behaviors), len(sc.Behaviors)))
		default:
			ou.Respondents = u.Respondents
			if u.ResponseRate != nil {
				s := share(*u.ResponseRate)
				ou.ResponseRate = &s
			}
			// A baseline restated across a reorganization is the
			// scorecard's to check (it shows it only when it adds up from
			// shown figures); the plan covers units' own cells.
			_, baseHidden := planned(u.Unit, sc.Baseline)
			baseHidden = baseHidden && u.Restated == "" && u.NotComparable == ""
			for j, b := range u.Behaviors {
				if b.Behavior != sc.Behaviors[j] {
					ps.add(field+".behaviors["+strconv.Itoa(j)+"]", fmt.Sprintf("behavior %q where the scorecard has %q", b.Behavior, sc.Behaviors[j]))
				}
				bs := behaviorScore(b)
				if b.Suppressed {
					bs = hiddenBehavior(b)
				}
				if baseHidden {
					bs.Change = nil // the baseline's figures are hidden
				}
				ou.Behaviors = append(ou.Behaviors, bs)
			}
			if u.ENPS != nil {
				ou.ENPS = &ENPS{Score: num(u.ENPS.Score), Lower: num(u.ENPS.Interval.Lower), Upper: num(u.ENPS.Interval.Upper),
					Promoters: u.ENPS.Promoters, Passives: u.ENPS.Passives, Detractors: u.ENPS.Detractors, N: u.ENPS.N()}
			}
		}
		out.Units = append(out.Units, ou)
		hm.Units = append(hm.Units, ou.Unit)
		hm.Names = append(hm.Names, ou.Name)
		row := make([]Cell, len(sc.Behaviors))
		for j := range row {
			switch {
			case ou.Hidden:
				row[j] = Cell{Value: NaN(), Lower: NaN(), Upper: NaN(), Hidden: true, Reason: ou.Reason}
			case j < len(ou.Behaviors) && ou.Behaviors[j].Hidden:
				row[j] = Cell{Value: NaN(), Lower: NaN(), Upper: NaN(), Hidden: true, Reason: ou.Behaviors[j].Reason}
			case j < len(ou.Behaviors):
				b := ou.Behaviors[j]
				row[j] = Cell{Value: b.Favorable.Value, Lower: b.Favorable.Lower, Upper: b.Favorable.Upper, N: b.Favorable.N}
				if b.Change != nil && b.Change.Significant {
					row[j].Change = "down"
					if b.Change.Diff > 0 {
						row[j].Change = "up"
					}
				}
			default:
				row[j] = Cell{Value: NaN(), Lower: NaN(), Upper: NaN()}
			}
		}
		hm.Cells = append(hm.Cells, row)
	}
	// Reliability is computed over the whole organization: it is shown
	// only when the organization's own figures are.
	rootShown := len(out.Units) > 0 && !out.Units[0].Hidden
	for _, r := range sc.Reliability {
		if !rootShown {
			break
		}
		out.Reliability = append(out.Reliability, Reliability{Behavior: r.Behavior, Items: append([]string{}, r.Items...),
			Alpha: num(r.Alpha.Raw), Lower: num(r.Alpha.Feldt.Lower), Upper: num(r.Alpha.Feldt.Upper), N: r.Alpha.N})
	}
	return out, hm
}

// hiddenBehavior is a behavior the scorecard hides in a shown unit: no
// figure of it is copied.
func hiddenBehavior(b cx.BehaviorScore) BehaviorScore {
	reason := b.Reason
	if reason == "" {
		reason = "suppressed"
	}
	return BehaviorScore{Behavior: b.Behavior, Hidden: true, Reason: reason,
		Favorable: Share{Value: NaN(), Lower: NaN(), Upper: NaN()}, Mean: Mean{Value: NaN(), Lower: NaN(), Upper: NaN()}}
}

func behaviorScore(b cx.BehaviorScore) BehaviorScore {
	out := BehaviorScore{Behavior: b.Behavior, Favorable: share(b.Favorable),
		Mean: Mean{Value: num(b.Mean), Lower: num(b.MeanInterval.Lower), Upper: num(b.MeanInterval.Upper)}}
	if c := b.Change; c != nil {
		out.Change = &Change{Items: slices.Clone(c.Items), Current: share(c.Current), Baseline: share(c.Baseline), Diff: num(c.Diff), Z: num(c.Test.Statistic), P: num(c.Test.P),
			Adjusted: num(c.Adjusted), Significant: c.Significant && !math.IsNaN(c.Adjusted)}
	}
	return out
}

// privacyRules describes the privacy rules a scorecard applied.
func privacyRules(p cx.Privacy) *Privacy {
	p = p.WithDefaults()
	return &Privacy{MinScores: p.MinScores, MinComments: p.MinComments, Complementary: !p.ThresholdOnly}
}
