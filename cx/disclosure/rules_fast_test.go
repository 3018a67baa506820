package disclosure

import (
	"math/rand"
	"slices"
	"testing"
)

// productByGeneralStep is product as every step of it is made in
// general: each way so far extended by each option of the next part in
// a copy.
func productByGeneralStep(pl *planner, parts []int, memo map[int][]split) []split {
	acc := []split{{}}
	for _, p := range parts {
		c := &pl.Cells[p]
		var opts []split
		switch {
		case !pl.open(p):
			continue
		case c.Virtual:
			opts = []split{{open: []int{p}}}
		case !c.Hidden:
			opts = []split{{cells: []int{p}}}
		default:
			opts = pl.splits(p, memo)
		}
		var next []split
	combine:
		for _, a := range acc {
			for _, o := range opts {
				next = append(next, split{cells: append(slices.Clip(a.cells), o.cells...), open: append(slices.Clip(a.open), o.open...)})
				if len(next) >= maxSplits {
					break combine
				}
			}
		}
		acc = next
	}
	return acc
}

// product, which extends its one way in place while every part so far
// had one option, returns the ways the general step returns, on random
// orgs with cells hidden at random (hidden totals divide several ways),
// and leaves the ways it has returned before (kept by splits) as they
// were.
func TestProductAgreesWithGeneralStep(t *testing.T) {
	r := rand.New(rand.NewSource(testSeed(t)))
	var single, several int
	for i := range testRuns(t, 300) {
		tab := memoTable(r, i%2 == 1)
		for j := range tab.Cells {
			if c := &tab.Cells[j]; !c.Virtual && c.N > 0 && r.Intn(3) == 0 {
				c.Hidden = true
			}
		}
		pl := newPlanner(tab)
		memo, ref := map[int][]split{}, map[int][]split{}
		var before [][]split
		for _, rel := range tab.Relations {
			got, want := pl.product(rel.Parts, memo), productByGeneralStep(pl, rel.Parts, ref)
			same := len(got) == len(want)
			for k := 0; same && k < len(got); k++ {
				same = slices.Equal(got[k].cells, want[k].cells) && slices.Equal(got[k].open, want[k].open)
			}
			if !same {
				t.Fatalf("case %d: relation of %s: product %v, general step %v", i, tab.Cells[rel.Total].Name, got, want)
			}
			if len(got) == 1 {
				single++
			} else {
				several++
			}
			before = append(before, got)
		}
		// Nothing returned earlier was changed by later calls.
		for k, rel := range tab.Relations {
			want := productByGeneralStep(pl, rel.Parts, map[int][]split{})
			for q := range want {
				if !slices.Equal(before[k][q].cells, want[q].cells) || !slices.Equal(before[k][q].open, want[q].open) {
					t.Fatalf("case %d: the ways of relation %d changed after later calls", i, k)
				}
			}
		}
	}
	if single == 0 || several == 0 {
		t.Fatalf("cases not varied enough: %d relations of one way, %d of several", single, several)
	}
}
