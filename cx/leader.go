package cx

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/cxculture/cxculture/metrics"
)

// LeaderView is a leader's part of a wave's scorecard: the units the
// leader leads (survey units whose Leaders name the leader's pseudonym,
// in the org in force when the wave opened) and every unit below them,
// each behavior with its gap to the unit's parent and to the whole
// organization.
type LeaderView struct {
	// Leader is the leader's pseudonym.
	Leader string `json:"leader"`
	// Units are the units led, the tops of the view (a unit led below
	// another one led is in the view once).
	Units []string `json:"units"`
	// Scorecard holds the rows of the view's units, parents before
	// children, as the program's scorecard of the wave shows them (the
	// same privacy plan applied).
	Scorecard *Scorecard `json:"scorecard"`
	// Gaps hold, per unit of the view (in the order of Scorecard.Units)
	// and behavior (in the order of Scorecard.Behaviors), the gaps to the
	// parent and to the organization.
	Gaps [][]BehaviorGap `json:"gaps"`
}

// BehaviorGap is how far a unit's favorable share of a behavior stands
// from its parent's and from the whole organization's.
type BehaviorGap struct {
	Unit     string `json:"unit"`
	Behavior string `json:"behavior"`
	// Parent and Org are the gaps; nil when a figure is not shown (the
	// unit's, or the other unit's), when the unit is the root (no parent;
	// for Org, the unit is the organization), and when every answer of
	// the unit above is one of the unit's (its only part that answered):
	// there is then no rest to compare the unit with.
	Parent *UnitGap `json:"parent,omitempty"`
	Org    *UnitGap `json:"org,omitempty"`
	// Reason says why a gap is missing, when it is not obvious.
	Reason string `json:"reason,omitempty"`
}

// UnitGap is the difference between a unit's favorable share and that of a
// unit above it, which counts the unit's people too. With the unit's
// share p₁ over n₁ answers and the share p₂ of the rest of the unit above
// (its answers but the unit's, n₂ of them, of N in all), the gap is
//
//	d = p₁ − (n₁p₁ + n₂p₂)/N = (n₂/N)(p₁ − p₂)
//
// with standard error (n₂/N)·√(p₁(1−p₁)/n₁ + p₂(1−p₂)/n₂), and the Wald
// interval d ± z·SE; P is the two-sided p-value of the pooled
// two-proportion z test of the unit against the rest (no difference).
// When the rest has no answers there is no gap (see [BehaviorGap]). The
// rest's figures are those of two shown groups subtracted, which the
// privacy plan allows only when they hold no people or at least the
// minimum.
type UnitGap struct {
	// Unit is the unit compared with: the parent, or the root.
	Unit string `json:"unit"`
	// Diff is the unit's share minus the other unit's.
	Diff     float64          `json:"diff"`
	SE       float64          `json:"se"`
	Interval metrics.Interval `json:"interval"`
	P        float64          `json:"p"`
}

// MarshalJSON writes the LeaderView as encoding/json would, with undefined
// numbers (NaN, ±Inf) as null.
func (v LeaderView) MarshalJSON() ([]byte, error) { return marshalNull(v) }

// MarshalJSON writes the BehaviorGap as encoding/json would, with
// undefined numbers (NaN, ±Inf) as null.
func (v BehaviorGap) MarshalJSON() ([]byte, error) { return marshalNull(v) }

// MarshalJSON writes the UnitGap as encoding/json would, with undefined
// numbers (NaN, ±Inf) as null.
func (v UnitGap) MarshalJSON() ([]byte, error) { return marshalNull(v) }

// gapOf returns the gap of a unit's share to the share of a unit above
// it, at confidence level; nil when the unit holds every answer of the
// unit above (no rest to compare with) or has none.
func gapOf(unit, above metrics.Proportion, other string, level float64) *UnitGap {
	n1, N := float64(unit.N), float64(above.N)
	rest := metrics.Proportion{Successes: above.Successes - unit.Successes, N: above.N - unit.N}
	if rest.N <= 0 || n1 == 0 {
		return nil
	}
	g := &UnitGap{Unit: other, Diff: unit.Value() - above.Value(), P: math.NaN()}
	p1, p2, n2 := unit.Value(), rest.Value(), float64(rest.N)
	g.SE = n2 / N * math.Sqrt(p1*(1-p1)/n1+p2*(1-p2)/n2)
	z := distuv.UnitNormal.Quantile(1 - (1-level)/2)
	g.Interval = metrics.Interval{Lower: g.Diff - z*g.SE, Upper: g.Diff + z*g.SE}
	g.P = metrics.TwoProportionZ(unit, rest).P
	return g
}

// LeaderView returns the view of a leader (a raw identity, turned into
// the program's pseudonym of it, or a pseudonym) on a stored wave: the
// program's scorecard of the wave (see [Program.Scorecard]; opts as
// there) restricted to the units the leader leads and those below them,
// with each behavior's gap to the unit's parent and to the whole
// organization. It fails with [ErrNotFound] when the leader leads no unit
// of the org in force when the wave opened.
func (p *Program) LeaderView(ctx context.Context, surveyID, leader string, opts ScorecardOptions) (*LeaderView, error) {
	pseudonym := p.Pseudonym(leader)
	sc, err := p.Scorecard(ctx, surveyID, opts)
	if err != nil {
		return nil, err
	}
	w, err := p.store.GetWave(ctx, opts.Wave)
	if err != nil {
		return nil, err
	}
	h, err := p.HierarchyAt(ctx, w.Opens)
	if err != nil {
		return nil, err
	}
	return leaderView(h, sc, pseudonym)
}

// leaderView restricts sc, scored on h, to the units leader leads.
func leaderView(h *Hierarchy, sc *Scorecard, leader string) (*LeaderView, error) {
	led := h.Led(leader)
	if len(led) == 0 {
		return nil, fmt.Errorf("cx: the leader leads no unit of the org when wave %s opened: %w", sc.Wave, ErrNotFound)
	}
	var tops []string
	in := map[string]bool{}
	for _, u := range led {
		covered := false
		for _, t := range tops {
			if h.Within(u, t) {
				covered = true
			}
		}
		if !covered {
			tops = append(tops, u)
		}
	}
	for _, t := range tops {
		for _, u := range h.Subtree(t) {
			in[u] = true
		}
	}
	v := &LeaderView{Leader: leader, Units: tops}
	view := *sc
	view.Units = nil
	rows := map[string]UnitScore{}
	for _, u := range sc.Units {
		rows[u.Unit] = u
		if in[u.Unit] {
			view.Units = append(view.Units, u)
		}
	}
	v.Scorecard = &view
	root := rows[h.Root()]
	for _, u := range view.Units {
		gaps := make([]BehaviorGap, len(sc.Behaviors))
		parent, hasParent := rows[u.Parent]
		for j, b := range sc.Behaviors {
			g := BehaviorGap{Unit: u.Unit, Behavior: b}
			mine, ok := shownShare(u, j)
			switch {
			case !ok:
				g.Reason = "the unit's figure is not shown"
			default:
				var why []string
				if hasParent {
					if theirs, ok := shownShare(parent, j); !ok {
						why = append(why, "the parent's figure is not shown")
					} else if g.Parent = gapOf(mine, theirs, parent.Unit, sc.Level); g.Parent == nil {
						why = append(why, noRest(u.Name, parent.Name))
					}
				}
				if u.Unit != root.Unit {
					if theirs, ok := shownShare(root, j); !ok {
						if len(why) == 0 {
							why = append(why, "the organization's figure is not shown")
						}
					} else if g.Org = gapOf(mine, theirs, root.Unit, sc.Level); g.Org == nil && root.Unit != u.Parent {
						why = append(why, noRest(u.Name, root.Name))
					}
				}
				g.Reason = strings.Join(why, "; ")
			}
			gaps[j] = g
		}
		v.Gaps = append(v.Gaps, gaps)
	}
	return v, nil
}

// noRest says why a unit has no gap to a unit above it that holds no
// answers but the unit's.
func noRest(unit, above string) string {
	return fmt.Sprintf("every answer in %s comes from %s: there is no rest of %s to compare %s with", above, unit, above, unit)
}

// shownShare returns the favorable share of behavior j of a unit's row,
// when it is shown.
func shownShare(u UnitScore, j int) (metrics.Proportion, bool) {
	if u.Suppressed || j >= len(u.Behaviors) || u.Behaviors[j].Suppressed || u.Behaviors[j].Favorable.N == 0 {
		return metrics.Proportion{}, false
	}
	return u.Behaviors[j].Favorable.Proportion, true
}

// leaderPseudonyms returns the leaders of a unit as the program keeps
// them: each a pseudonym, a raw identity turned into its pseudonym with
// Options.Pseudonymizer; a problem for a raw identity without one.
func (p *Program) leaderPseudonyms(ps *problems, field string, leaders []string) []string {
	if len(leaders) == 0 {
		return nil
	}
	out := make([]string, len(leaders))
	for i, l := range leaders {
		l = strings.TrimSpace(l) // as Pseudonym reads an identity
		switch {
		case IsPseudonym(l):
			out[i] = l
		case p.pseud != nil && l != "":
			out[i] = p.pseud.Pseudonym(l)
		default:
			ps.add(field+".leaders["+strconv.Itoa(i)+"]", "not a pseudonym, and the program has no Options.Pseudonymizer to make one (raw identities are never stored)")
			out[i] = l
		}
	}
	return out
}
