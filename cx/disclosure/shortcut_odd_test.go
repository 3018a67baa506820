package disclosure

import (
	"math/rand"
	"slices"
	"testing"
)

// oddTable is memoTable with the counts a caller may give that the
// planner's own tables seldom hold: counts scaled to 2^38, 2^42 (beyond
// the shortcuts' integer limits) or by a large prime; invited bounds at
// or just above a count; cells a reader cannot tell empty from small,
// listed cells, groups never shown of unknown size; groups with fewer
// people than answers; minimums from 3 to 7; reasons withheld or not.
func oddTable(r *rand.Rand, i int) *Table {
	t := memoTable(r, i%3 != 0)
	scale := int64(1)
	switch i % 7 {
	case 1:
		scale = 1 << 38
	case 2:
		scale = 1 << 42
	case 3:
		scale = 1000003
	}
	for j := range t.Cells {
		c := &t.Cells[j]
		c.N *= scale
		c.People *= scale
		if c.PeopleLo < c.PeopleHi && c.PeopleHi < Unbounded {
			c.PeopleLo *= scale
			c.PeopleHi *= scale
		} else if c.PeopleLo == c.PeopleHi {
			c.PeopleLo, c.PeopleHi = c.People, c.People
		}
		for k := range c.Ans {
			c.Ans[k] *= scale
		}
		switch r.Intn(8) {
		case 0:
			if !c.Virtual {
				c.Hi, c.Bounded = c.N+int64(r.Intn(3)), true
			}
		case 1:
			c.EmptyHidden = true
		case 2:
			c.Listed = !c.Virtual
		case 3:
			if c.Virtual {
				c.Unknown = true
			}
		case 4:
			if c.Borrowed && c.N > 1 {
				c.People = c.N / 2
			}
		}
	}
	t.Min = int64(3 + r.Intn(5))
	t.WithholdReasons = r.Intn(2) == 0
	return t
}

// The shortcuts change no plan of odd tables either (see oddTable).
func TestShortcutsChangeNoPlanOfOddTables(t *testing.T) {
	r := rand.New(rand.NewSource(testSeed(t)))
	for i := range testRuns(t, 150) {
		seed := r.Int63()
		with := oddTable(rand.New(rand.NewSource(seed)), i)
		without := oddTable(rand.New(rand.NewSource(seed)), i)
		if with.Validate() != nil {
			continue
		}
		with.Plan()
		reachShortcuts = false
		without.Plan()
		reachShortcuts = true
		for j := range with.Cells {
			a, b := with.Cells[j], without.Cells[j]
			if a.Hidden != b.Hidden || a.Reason != b.Reason || a.Withheld != b.Withheld {
				t.Fatalf("case %d: cell %s: with the shortcuts hidden %v (%+v, withheld %v), without %v (%+v, withheld %v)",
					i, a.Name, a.Hidden, a.Reason, a.Withheld, b.Hidden, b.Reason, b.Withheld)
			}
		}
		if !slices.Equal(with.Exposed, without.Exposed) {
			t.Fatalf("case %d: exposed %v with the shortcuts, %v without", i, with.Exposed, without.Exposed)
		}
	}
}

// bounded reads the inequalities the region holds when it is asked,
// whatever it held when its index of inequalities by variable was made:
// a region reset to fewer inequalities answers as a region made afresh
// with them.
func TestBoundedReadsTheRegionsOwnInequalities(t *testing.T) {
	r := rand.New(rand.NewSource(testSeed(t)))
	asked := 0
	for i := range testRuns(t, 200) {
		g := shortcutRegion(r, 2) // the audit's shape
		v := len(g.z0)
		ineq, rhs := slices.Clone(g.ineq), slices.Clone(g.rhs)
		g.bounded(unit(r.Intn(v), 1), 1) // the index of every inequality
		keep := 1 + r.Intn(len(ineq))
		g.reset(g.z0)
		fresh := regionOf(g.z0, g.dirs)
		for k := range keep {
			g.atMost(ineq[k], rhs[k])
			fresh.atMost(ineq[k], rhs[k])
		}
		for range 6 {
			w := randomForm(r, v)
			if len(w.idx) == 0 {
				continue
			}
			for _, sign := range []int64{1, -1} {
				asked++
				if a, b := g.bounded(w, sign), fresh.bounded(w, sign); a != b {
					t.Fatalf("region %d: bounded %v after reset, %v afresh (w %v toward %d, %d of %d inequalities kept)", i, a, b, w, sign, keep, len(ineq))
				}
			}
		}
	}
	if asked == 0 {
		t.Fatal("no question asked")
	}
}
