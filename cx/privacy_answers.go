package cx

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	"github.com/cxculture/cxculture/metrics"
	"github.com/cxculture/cxculture/survey"
)

// answerSpace says which answer counts a plan follows besides the
// respondent counts: per item, the answers given and, for each range of
// answers whose share is shown (the favorable range), the answers in it.
// A vector over the space holds, per measure m, the answers to m's item at
// 2m and those in m's range at 2m+1.
type answerSpace struct {
	ms     []measure
	byItem map[string][]int
	// group names, per item, the group its figures are planned with (its
	// behavior); an item without one is a group of its own.
	group map[string]string
}

// groupOf returns the group of an item's figures.
func (a *answerSpace) groupOf(item string) string {
	if g, ok := a.group[item]; ok {
		return g
	}
	return "item:" + item
}

// measure is a range of answers, as answered (before reverse keying), to
// one item.
type measure struct {
	item   string
	lo, hi int
}

func (a *answerSpace) width() int { return 2 * len(a.ms) }

func (a *answerSpace) add(item string, lo, hi int) {
	if lo > hi {
		return
	}
	for _, m := range a.byItem[item] {
		if a.ms[m].lo == lo && a.ms[m].hi == hi {
			return
		}
	}
	a.byItem[item] = append(a.byItem[item], len(a.ms))
	a.ms = append(a.ms, measure{item, lo, hi})
}

// surveySpace follows the favorable answers of each item of s: its scale's
// favorable range, reverse keyed for a reversed item.
func surveySpace(s survey.Survey) *answerSpace {
	a := &answerSpace{byItem: map[string][]int{}, group: map[string]string{}}
	for _, it := range s.Items {
		if it.Construct != "" {
			a.group[it.ID] = "construct:" + it.Construct
		}
		lo, hi := it.Scale.FavorableMin, it.Scale.FavorableMax
		if it.Reverse {
			lo, hi = it.Scale.Reverse(hi), it.Scale.Reverse(lo)
		}
		a.add(it.ID, lo, hi)
		if isNPSScale(it.Scale.Min, it.Scale.Max) {
			// eNPS publishes detractors and passives beside promoters.
			a.add(it.ID, 0, 6)
			a.add(it.ID, 7, 8)
		}
	}
	return a
}

// isNPSScale reports whether a scale from lo to hi is the 0-10 scale of
// Net Promoter questions, whose scores publish promoters (9-10), passives
// (7-8) and detractors (0-6).
func isNPSScale(lo, hi int) bool { return lo == 0 && hi == 10 }

// conventionSpace follows, for each item the tallies of waves answer and
// each scale its tallies use, the answers above the midpoint of the scale
// and those below it (the favorable answers of [metrics.Favorable], as
// answered and reverse keyed), and on a 0-10 scale the promoters (9-10).
// The measures are in the order of item and scale, so that plans are
// deterministic.
func conventionSpace(t *Tallies, waves []string) *answerSpace {
	keep := map[string]bool{}
	for _, w := range waves {
		keep[w] = true
	}
	type scale struct {
		item     string
		min, max int
	}
	seen := map[scale]bool{}
	for c, v := range t.Answers {
		if keep[c.Wave] && len(v.Counts) > 0 {
			seen[scale{c.Item, v.Min, v.Max}] = true
		}
	}
	scales := slices.SortedFunc(maps.Keys(seen), func(a, b scale) int {
		return cmp.Or(strings.Compare(a.item, b.item), cmp.Compare(a.min, b.min), cmp.Compare(a.max, b.max))
	})
	a := &answerSpace{byItem: map[string][]int{}}
	for _, sc := range scales {
		lo, hi := sc.min, sc.max
		a.add(sc.item, (lo+hi)/2+1, hi)
		a.add(sc.item, lo, (lo+hi+1)/2-1)
		if isNPSScale(lo, hi) {
			a.add(sc.item, 9, 10)
			a.add(sc.item, 0, 6)
			a.add(sc.item, 7, 8)
		}
	}
	return a
}

// addAnswers adds n answers v to item into vec.
func (a *answerSpace) addAnswers(vec []int64, item string, v int, n int64) {
	for _, m := range a.byItem[item] {
		vec[2*m] += n
		if v >= a.ms[m].lo && v <= a.ms[m].hi {
			vec[2*m+1] += n
		}
	}
}

// addTally adds the answers of t to item into vec: what addAnswers adds
// for each of its values, with the item's measures looked up once.
func (a *answerSpace) addTally(vec []int64, item string, t metrics.Tally) {
	ms := a.byItem[item]
	if len(ms) == 0 {
		return
	}
	for j, n := range t.Counts {
		if n == 0 {
			continue
		}
		v := t.Min + j
		for _, m := range ms {
			vec[2*m] += n
			if v >= a.ms[m].lo && v <= a.ms[m].hi {
				vec[2*m+1] += n
			}
		}
	}
}

// subVec returns a - Σ bs, or nil when any of them is unknown (nil).
func subVec(a []int64, bs ...[]int64) []int64 {
	if a == nil {
		return nil
	}
	out := slices.Clone(a)
	for _, b := range bs {
		if b == nil {
			return nil
		}
		for i, v := range b {
			out[i] -= v
		}
	}
	return out
}
