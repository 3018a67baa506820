package report

import (
	"fmt"
	"sort"
	"strings"
)

// glance is the headline of a scorecard: what a reader should see first.
type glance struct {
	root        *Unit
	up, down    int
	hidden      int
	units       int
	reasons     []string // how many units are hidden for each kind of reason, most first
	best, worst int      // index of the root's most and least favorable behavior, -1 if none
}

func summarize(sc *Scorecard) glance {
	g := glance{best: -1, worst: -1, units: len(sc.Units)}
	if len(sc.Units) > 0 {
		g.root = &sc.Units[0]
	}
	byGroup := map[string]int{}
	for _, u := range sc.Units {
		if u.Hidden {
			g.hidden++
			byGroup[reasonGroup(u.Reason)]++
			continue
		}
		for _, b := range u.Behaviors {
			if c := b.Change; c != nil && c.Significant {
				if c.Diff > 0 {
					g.up++
				} else {
					g.down++
				}
			}
		}
	}
	groups := sortedKeys(byGroup)
	sort.SliceStable(groups, func(i, j int) bool { return byGroup[groups[i]] > byGroup[groups[j]] })
	for _, r := range groups {
		g.reasons = append(g.reasons, fmt.Sprintf("%d %s", byGroup[r], r))
	}
	if g.root != nil && !g.root.Hidden {
		for j, b := range g.root.Behaviors {
			v := b.Favorable.Value
			if !v.Defined() {
				continue
			}
			if g.best < 0 || v > g.root.Behaviors[g.best].Favorable.Value {
				g.best = j
			}
			if g.worst < 0 || v < g.root.Behaviors[g.worst].Favorable.Value {
				g.worst = j
			}
		}
	}
	return g
}

// changes lists the significant changes of shown units, largest first.
type changeItem struct {
	unit     *Unit
	behavior string
	change   *Change
	now      Share
}

func significantChanges(sc *Scorecard) []changeItem {
	var out []changeItem
	for i := range sc.Units {
		u := &sc.Units[i]
		if u.Hidden {
			continue
		}
		for _, b := range u.Behaviors {
			if b.Change != nil && b.Change.Significant {
				out = append(out, changeItem{unit: u, behavior: b.Behavior, change: b.Change, now: b.Change.now(b.Favorable)})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := float64(out[i].change.Diff), float64(out[j].change.Diff)
		if a < 0 {
			a = -a
		}
		if b < 0 {
			b = -b
		}
		return a > b
	})
	return out
}

// reasonGroup names the kind of a reason a unit is hidden, without the
// cells and waves it names, for counting.
func reasonGroup(reason string) string {
	switch {
	case strings.HasPrefix(reason, "hidden so that"):
		return "to keep another hidden unit from being worked out by subtraction"
	case strings.Contains(reason, "joined or left since"):
		return "too few people joined or left since an earlier wave"
	case strings.HasPrefix(reason, "differs by fewer than"):
		return "overlapping another segment"
	}
	return reason
}

// now is the wave's share a change is measured from: over the items
// compared when they are fewer than the behavior's, else the behavior's
// favorable share.
func (c *Change) now(favorable Share) Share {
	if len(c.Items) > 0 {
		return c.Current
	}
	return favorable
}

// baselineText is the baseline cell of a behavior's change: the baseline
// share and, when the change is over fewer items than the behavior's
// share (an item reworded, rescaled or not asked in the baseline), the
// wave's share over the same items, so that the three figures shown
// beside each other are over the same questions.
func baselineText(c *Change) string {
	if len(c.Items) == 0 {
		return pct(c.Baseline.Value)
	}
	return fmt.Sprintf("%s (now %s, on %s asked alike in both waves)", pct(c.Baseline.Value), pct(c.Current.Value), itemsAlike(len(c.Items)))
}

// itemsAlike names n items: "the item", "the 2 items".
func itemsAlike(n int) string {
	if n == 1 {
		return "the item"
	}
	return fmt.Sprintf("the %d items", n)
}
