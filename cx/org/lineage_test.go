package org_test

import (
	"fmt"
	"math/rand"
	"slices"
	"testing"
	"time"

	"github.com/leanovate/gopter/prop"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
	"github.com/cxculture/cxculture/cx/org"
)

func lineage(t *testing.T, from, to time.Time) *org.Lineage {
	t.Helper()
	h, err := org.NewHistory(story())
	require.NoError(t, err)
	l, ok := h.Lineage(from, to)
	require.True(t, ok)
	return l
}

func compare(t *testing.T, l *org.Lineage, unit string) org.Comparison {
	t.Helper()
	c, ok := l.Compare(unit)
	require.True(t, ok, "Compare(%s)", unit)
	return c
}

func TestLineageMergeAndNewUnit(t *testing.T) {
	l := lineage(t, time.Time{}, day(45))
	for _, id := range []string{"org", "sales"} {
		c := compare(t, l, id)
		assert.True(t, c.Comparable && !c.Restated, "%s keeps its people: %+v", id, c)
	}
	c := compare(t, l, "central")
	assert.True(t, c.Comparable)
	assert.True(t, c.Restated)
	assert.Equal(t, []string{"north", "south"}, c.Predecessors)
	assert.Contains(t, c.Reason, "Central is compared with the units it was formed from")
	assert.Contains(t, c.Reason, "North (merged on 31 March 2025)")
	c = compare(t, l, "west")
	assert.False(t, c.Comparable)
	assert.Equal(t, "West is new since the baseline: added on 11 March 2025, after the baseline", c.Reason)
	c = compare(t, l, "ops")
	assert.True(t, c.Comparable, "a unit that took in a new unit keeps its baseline")
	assert.False(t, c.Restated)
	assert.Contains(t, c.Reason, "West", "but says what it now also counts")
	for _, p := range []string{"north", "south"} {
		got, ok := l.Counted(p)
		assert.True(t, ok)
		assert.Equal(t, "central", got)
	}
	assert.False(t, l.Identity())
}

func TestLineageSplit(t *testing.T) {
	l := lineage(t, day(20), day(45))
	for _, id := range []string{"west", "west2"} {
		c := compare(t, l, id)
		assert.False(t, c.Comparable, "%s: %+v", id, c)
		assert.Contains(t, c.Reason, "West was split on 10 April 2025")
		assert.Contains(t, c.Reason, "cannot be divided")
	}
	assert.Equal(t, []string{"west", "west2"}, l.Successors("west"))
	got, _ := l.Counted("west")
	assert.Equal(t, "ops", got, "a split unit's baseline is counted in the lowest unit above all its parts")
	c := compare(t, l, "ops")
	assert.True(t, c.Comparable && !c.Restated, "%+v", c)
}

func TestLineageMove(t *testing.T) {
	l := lineage(t, day(10), day(25))
	c := compare(t, l, "sales")
	assert.True(t, c.Comparable && c.Restated)
	assert.Equal(t, "Sales is compared with its baseline restated on today's structure: without West (moved on 21 March 2025)", c.Reason)
	c = compare(t, l, "ops")
	assert.True(t, c.Comparable && c.Restated)
	assert.Equal(t, "Operations is compared with its baseline restated on today's structure: with West (moved on 21 March 2025)", c.Reason)
	c = compare(t, l, "west")
	assert.True(t, c.Comparable && !c.Restated, "a moved unit is compared with itself")
	same := lineage(t, day(21), day(29))
	assert.True(t, same.Identity())
}

func TestCover(t *testing.T) {
	h, err := org.NewHierarchy([]org.Unit{u("o", "", "O"), u("a", "o", "A"), u("b", "o", "B"), u("a1", "a", "A1"), u("a2", "a", "A2")})
	require.NoError(t, err)
	add, sub := h.Cover([]string{"a", "a1", "b"})
	assert.Equal(t, []string{"a", "b"}, add)
	assert.Equal(t, []string{"a2"}, sub)
}

// TestCoverLaw states what Cover is for, on random hierarchies, sets of
// units (with repeats and units the hierarchy does not hold) and direct
// figures: the roll-ups of add minus those of sub sum to the direct
// figures of the set's units; add and sub are units of the hierarchy,
// sorted, without repeats, and sub holds none of the set.
func TestCoverLaw(t *testing.T) {
	props := cxgen.NewProperties(t, 300)
	props.Property("roll-ups of the cover add up to the set's direct figures", prop.ForAll(func(units []cx.Unit, seed int64) string {
		h, err := org.NewHierarchy(units)
		if err != nil {
			return err.Error()
		}
		r := rand.New(rand.NewSource(seed))
		direct := map[string]int{}
		for _, u := range units {
			direct[u.ID] = r.Intn(50)
		}
		rolled := func(id string) int {
			n := 0
			for _, x := range h.Subtree(id) {
				n += direct[x]
			}
			return n
		}
		var set []string
		in := map[string]bool{}
		for _, u := range units {
			if r.Intn(2) == 0 {
				set = append(set, u.ID)
				in[u.ID] = true
				if r.Intn(4) == 0 {
					set = append(set, u.ID)
				}
			}
		}
		set = append(set, "zz_elsewhere")
		r.Shuffle(len(set), func(i, j int) { set[i], set[j] = set[j], set[i] })
		add, sub := h.Cover(set)
		want := 0
		for id := range in {
			want += direct[id]
		}
		got := 0
		for _, x := range add {
			got += rolled(x)
		}
		for _, x := range sub {
			got -= rolled(x)
			if in[x] {
				return fmt.Sprintf("sub holds %s, of the set", x)
			}
		}
		if got != want {
			return fmt.Sprintf("set %v: add %v, sub %v give %d, the set's direct figures sum to %d", set, add, sub, got, want)
		}
		for _, l := range [][]string{add, sub} {
			if !slices.IsSorted(l) || len(slices.Compact(slices.Clone(l))) != len(l) {
				return fmt.Sprintf("not sorted or repeated: %v", l)
			}
			for _, x := range l {
				if !h.Has(x) {
					return fmt.Sprintf("%s is not a unit of the hierarchy", x)
				}
			}
		}
		return ""
	}, cxgen.Units(12), cxgen.From(func(r *rand.Rand) int64 { return r.Int63() }).WithLabel("seed")))
	props.Run()
}

// TestLineageLaws checks, on random histories and dates, the laws the
// comparisons rest on: rolling the baseline's per-unit figures up the
// later org from Counted gives, at every comparable unit, the sum over its
// predecessors; every predecessor's successors lie within the unit; a
// unit that is not comparable says why; and the org at a date is the org
// that the changes effective by then give on their own.
func TestLineageLaws(t *testing.T) {
	props := cxgen.NewProperties(t, 200)
	props.Property("restated baselines add up, and comparisons hold their rule", prop.ForAll(func(changes []cx.OrgChange, seed int64) string {
		h, err := org.NewHistory(changes)
		if err != nil {
			return "generated history refused: " + err.Error()
		}
		dates := append([]time.Time{{}}, h.Dates()...)
		r := rand.New(rand.NewSource(seed))
		t0 := dates[r.Intn(len(dates))]
		t1 := dates[r.Intn(len(dates))]
		if t1.Before(t0) {
			t0, t1 = t1, t0
		}
		for _, at := range []time.Time{t0, t1} {
			var upTo []org.Change
			for _, c := range changes {
				if !c.Effective.After(at) {
					upTo = append(upTo, c)
				}
			}
			alone, err := org.NewHistory(upTo)
			if err != nil {
				return fmt.Sprintf("the changes effective by %s refused on their own: %v", at, err)
			}
			a, _ := alone.Latest()
			b, _ := h.At(at)
			if !a.Equal(b) {
				return fmt.Sprintf("At(%s) differs from the org its changes give alone", at)
			}
		}
		l, ok := h.Lineage(t0, t1)
		if !ok {
			return "no lineage"
		}
		then, now := l.Then(), l.Now()
		direct := map[string]int64{}
		for _, p := range then.IDs() {
			direct[p] = 1 + r.Int63n(50)
		}
		rolled := map[string]int64{}
		for p, n := range direct {
			if c, ok := l.Counted(p); ok {
				for _, x := range append([]string{c}, now.Ancestors(c)...) {
					rolled[x] += n
				}
			}
		}
		for _, id := range now.IDs() {
			c, _ := l.Compare(id)
			if !c.Comparable {
				if c.Reason == "" {
					return id + " is not comparable without a reason"
				}
				continue
			}
			var sum int64
			for _, p := range c.Predecessors {
				sum += direct[p]
				for _, s := range l.Successors(p) {
					if !now.Within(s, id) {
						return fmt.Sprintf("%s is comparable, yet predecessor %s has successor %s outside it", id, p, s)
					}
				}
			}
			if sum != rolled[id] {
				return fmt.Sprintf("%s: the restated baseline rolled from Counted is %d, the sum over its predecessors %v is %d", id, rolled[id], c.Predecessors, sum)
			}
			if c.Restated != !slices.Equal(sortedIDs(then, id), c.Predecessors) {
				return fmt.Sprintf("%s: Restated %v, predecessors %v", id, c.Restated, c.Predecessors)
			}
		}
		if !h.Changed(t0, t1) && !l.Identity() {
			return "no change between the dates, yet the lineage is not the identity"
		}
		return ""
	}, cxgen.OrgHistory(6, 12), cxgen.From(func(r *rand.Rand) int64 { return r.Int63() })))
	props.Run()
}

func sortedIDs(h *org.Hierarchy, id string) []string {
	if !h.Has(id) {
		return nil
	}
	out := h.Subtree(id)
	slices.Sort(out)
	return out
}

// TestCheckKeepsWhatIsNew states which changes Check returns to record, on
// random histories: those of added equal to no stored change and to no
// earlier one of added, in their order, compared one by one with every
// other (Change.Equal); added holds stored changes again (some at the
// same instant in another time zone), renames, moves and new leaders
// given again with another note, repeats, and the rest of the history.
func TestCheckKeepsWhatIsNew(t *testing.T) {
	props := cxgen.NewProperties(t, 200)
	runs, refused := 0, 0
	props.Property("Check returns the changes not recorded yet", prop.ForAll(func(changes []cx.OrgChange, seed int64) string {
		runs++
		r := rand.New(rand.NewSource(seed))
		cut := r.Intn(len(changes) + 1)
		stored, rest := changes[:cut], changes[cut:]
		var added []org.Change
		for _, c := range stored {
			switch r.Intn(5) {
			case 0:
				added = append(added, c.Clone())
			case 1:
				c = c.Clone()
				c.Effective = c.Effective.In(time.FixedZone("east", 5*3600))
				added = append(added, c)
			case 2:
				// A rename, move or new leaders given again with another
				// note is another change, that replays as well.
				c = c.Clone()
				if c.Kind == org.Rename || c.Kind == org.Move || c.Kind == org.Lead {
					c.Note += " (again)"
				}
				added = append(added, c)
			}
		}
		for _, c := range rest {
			added = append(added, c)
			if r.Intn(4) == 0 {
				added = append(added, c.Clone())
			}
		}
		var want []org.Change
		for _, c := range added {
			if !slices.ContainsFunc(stored, c.Equal) && !slices.ContainsFunc(want, c.Equal) {
				want = append(want, c)
			}
		}
		fresh, err := org.Check(stored, added)
		if err != nil {
			refused++ // nothing to compare; counted below
			return ""
		}
		if !slices.EqualFunc(fresh, want, org.Change.Equal) {
			return fmt.Sprintf("Check returned %d changes, %d are new:\n%v\n%v", len(fresh), len(want), fresh, want)
		}
		return ""
	}, cxgen.OrgHistory(6, 12), cxgen.From(func(r *rand.Rand) int64 { return r.Int63() })))
	props.Run()
	if refused*4 > runs {
		t.Errorf("Check refused %d of %d histories: the property says little", refused, runs)
	}
}
