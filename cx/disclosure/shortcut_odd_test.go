package disclosure

import (
	"encoding/json"
	"math/rand"
	"slices"
	"testing"
)

// oddTable is memoTable with the counts a caller may give that the
// planner's own tables seldom hold: counts scaled to 2^38, 2^42 (beyond
// the shortcuts' integer limits) or by a large prime; invited bounds at
// or just above a count; cells a reader cannot tell empty from small,
// listed cells, groups never shown of unknown size; groups with fewer
// people than answers; in one measure, groups that answered none, all
// in the range, or few; minimums from 1 to 10; reasons withheld or not.
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
	if t.Measures > 1 && i%2 == 0 {
		// The second measure's answers of some groups: none, all in the
		// range, or few; the totals added up again through the
		// relations (in the order memoTable makes them, parts first).
		for j := range t.Cells {
			c := &t.Cells[j]
			if len(c.Ans) < 4 || slices.ContainsFunc(t.Relations, func(rel Relation) bool { return rel.Total == j }) {
				continue
			}
			switch r.Intn(4) {
			case 0:
				c.Ans[2], c.Ans[3] = 0, 0
			case 1:
				c.Ans[3] = c.Ans[2]
			case 2:
				c.Ans[2] = int64(1 + r.Intn(3))
				c.Ans[3] = int64(r.Intn(int(c.Ans[2]) + 1))
			}
		}
		for _, rel := range t.Relations {
			c := &t.Cells[rel.Total]
			c.Ans[2], c.Ans[3] = 0, 0
			for _, p := range rel.Parts {
				c.Ans[2] += t.Cells[p].Ans[2]
				c.Ans[3] += t.Cells[p].Ans[3]
			}
		}
	}
	t.Min = int64(1 + r.Intn(10))
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
		if d := planBothWays(with, without); d != "" {
			t.Fatalf("case %d: %s", i, d)
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

// A table on which the planner once read a stale index of a region's
// inequalities (a measure's region with fewer inequalities than the
// one before it) and panicked: planned with and without the shortcuts,
// the same plan.
func TestShortcutsPlanATableThatOnceReadAStaleIndex(t *testing.T) {
	const table = `{"Min":5,"Primary":6,"Cells":[{"Name":"org","N":17,"Ans":[17,10,21,7],"People":23,"PeopleLo":23,"PeopleHi":23},` +
		`{"Name":"d0","N":4,"Ans":[4,4,5,5],"People":6,"PeopleLo":6,"PeopleHi":6,"Depth":1},` +
		`{"Name":"d0t0","N":3,"Ans":[3,3,4,4],"People":5,"PeopleLo":5,"PeopleHi":5,"Depth":2,"EmptyHidden":true},` +
		`{"Name":"d0t1","N":1,"Ans":[1,1,1,1],"People":1,"PeopleHi":4,"Hidden":true,"Reason":{"kind":1,"min":5},"Borrowed":true,"Depth":2,"EmptyHidden":true,"Listed":true},` +
		`{"Name":"d1","N":13,"Ans":[13,6,16,2],"People":17,"PeopleLo":17,"PeopleHi":17,"Depth":1,"Headline":true},` +
		`{"Name":"d1t0","N":6,"Ans":[6,6,7,0],"People":7,"PeopleLo":7,"PeopleHi":7,"Depth":2,"Headline":true},` +
		`{"Name":"d1t1","N":7,"Hi":8,"Bounded":true,"Ans":[7,0,7,0],"People":8,"PeopleLo":8,"PeopleHi":8,"Depth":2},` +
		`{"Name":"d1-direct","Virtual":true,"Ans":[0,0,2,2],"People":2,"PeopleHi":2305843009213693951,"Depth":2,"EmptyHidden":true}],` +
		`"Relations":[{"Total":1,"Parts":[2,3]},{"Total":4,"Parts":[5,6,7]},{"Total":0,"Parts":[1,4]}],"Measures":2,"WithholdReasons":true}`
	var with, without Table
	if err := json.Unmarshal([]byte(table), &with); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(table), &without); err != nil {
		t.Fatal(err)
	}
	if d := planBothWays(&with, &without); d != "" {
		t.Fatal(d)
	}
}
