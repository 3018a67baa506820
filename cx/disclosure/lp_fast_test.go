package disclosure

import (
	"math"
	"math/rand"
	"slices"
	"testing"
)

// movesByHolds is the general check moves stands for: each free
// direction whose column of N is whole, one whole step along it in the
// direction of w, checked by holds against every equation and inequality.
func movesByHolds(g *region, c []float64, w row, sign int64) bool {
	z := make([]int64, len(g.z0))
	for q, x := range c {
		if math.Abs(x) < 0.5 {
			continue
		}
		step := int64(1)
		if x*float64(sign) < 0 {
			step = -1
		}
		integral := true
		for j, r := range g.n {
			v := r[q]
			if math.Abs(v-math.Round(v)) > 1e-9 {
				integral = false
				break
			}
			z[j] = g.z0[j] + step*int64(math.Round(v))
		}
		if integral && g.holds(z, 1, w, sign) {
			return true
		}
	}
	return false
}

// halvedRegion is randomRegion with some totals counted twice (2·z_j =
// sum of parts), so that some free directions have columns that are not
// whole.
func halvedRegion(r *rand.Rand, v, free int) *region {
	z0 := make([]int64, v)
	var eq []row
	totals := v - free
	for j := v - 1; j >= 0; j-- {
		if j >= totals {
			z0[j] = 2 * int64(r.Intn(8))
			continue
		}
		p, q := j+1+r.Intn(v-j-1), j+1+r.Intn(v-j-1)
		if p == q {
			z0[j] = z0[p]
			eq = append(eq, row{idx: []int{j, p}, coef: []int64{1, -1}})
			continue
		}
		z0[j] = (z0[p] + z0[q]) / 2
		z0[p] = 2*z0[j] - z0[q] // keep the equation exact
		eq = append(eq, sparse(map[int]int64{j: 2, p: -1, q: -1}))
	}
	g := newRegion(z0, eq)
	if !g.satisfiedAt0() {
		return nil
	}
	for j := range v {
		g.nonNegative(j)
	}
	return g
}

// satisfiedAt0 reports whether z0 satisfies the region's equations.
func (g *region) satisfiedAt0() bool {
	for _, e := range g.eq {
		if e.dot(g.z0) != 0 {
			return false
		}
	}
	return true
}

// moves, which finds the whole columns of N and whether the equations
// hold along them once per set of directions, answers as the check of
// every point by holds does, on random regions with and without
// directions that are not whole.
func TestMovesAgreesWithHolds(t *testing.T) {
	r := rand.New(rand.NewSource(testSeed(t)))
	runs := testRuns(t, 300)
	var yes, no, partWhole int
	for i := range runs {
		free := 1 + r.Intn(12)
		v := free + r.Intn(2*free+1)
		var g *region
		if i%2 == 0 {
			g = randomRegion(r, v, free, r.Intn(30))
		} else if g = halvedRegion(r, v, free); g == nil {
			continue
		}
		whole, _ := g.dirs.wholeColumns()
		if slices.ContainsFunc(whole, func(c []int64) bool { return c == nil }) {
			partWhole++
		}
		for range 6 {
			coef := map[int]int64{}
			for range 1 + r.Intn(3) {
				coef[r.Intn(v)] = int64(r.Intn(5) - 2)
			}
			w := sparse(coef)
			if len(w.idx) == 0 {
				continue
			}
			c := g.dir(w)
			for _, sign := range []int64{1, -1} {
				got, want := g.moves(c, w, sign), movesByHolds(g, c, w, sign)
				if got != want {
					t.Fatalf("region %d (%d variables, %d free): moves %v, check by holds %v", i, v, free, got, want)
				}
				if want {
					yes++
				} else {
					no++
				}
			}
		}
	}
	if yes == 0 || no == 0 || partWhole == 0 {
		t.Fatalf("cases not varied enough: %d moves found, %d none, %d regions with a direction not whole", yes, no, partWhole)
	}
}

// nonNegative adds what atMost(unit(v, -1), 0) adds.
func TestNonNegativeAsAtMost(t *testing.T) {
	r := rand.New(rand.NewSource(testSeed(t)))
	for i := range testRuns(t, 100) {
		free := 1 + r.Intn(10)
		v := free + r.Intn(2*free+1)
		g := randomRegion(r, v, free, r.Intn(10))
		a, b := regionOf(g.z0, g.dirs), regionOf(g.z0, g.dirs)
		for range 3 * v {
			j := r.Intn(v)
			a.nonNegative(j)
			b.atMost(unit(j, -1), 0)
		}
		a.floats()
		b.floats()
		if !slices.EqualFunc(a.ineq, b.ineq, func(x, y row) bool { return slices.Equal(x.idx, y.idx) && slices.Equal(x.coef, y.coef) }) ||
			!slices.Equal(a.rhs, b.rhs) || !slices.Equal(a.b, b.b) ||
			!slices.EqualFunc(a.a, b.a, func(x, y []float64) bool { return slices.Equal(x, y) }) {
			t.Fatalf("region %d: nonNegative added\n%v %v %v %v\natMost added\n%v %v %v %v", i, a.ineq, a.rhs, a.a, a.b, b.ineq, b.rhs, b.a, b.b)
		}
	}
}

// sparseTerms returns the form sparse returns for the same coefficients
// summed by index, with repeated indexes and cancelling terms.
func TestSparseTermsAgreesWithSparse(t *testing.T) {
	r := rand.New(rand.NewSource(testSeed(t)))
	empty := 0
	for i := range testRuns(t, 500) {
		var terms []term
		m := map[int]int64{}
		for range r.Intn(8) {
			tm := term{r.Intn(6), int64(r.Intn(3) - 1)}
			terms = append(terms, tm)
			m[tm.j] += tm.c
		}
		want := sparse(m)
		got := sparseTerms(slices.Clone(terms))
		if len(want.idx) == 0 {
			empty++
		}
		if !slices.Equal(got.idx, want.idx) || !slices.Equal(got.coef, want.coef) || (got.idx == nil) != (want.idx == nil) {
			t.Fatalf("case %d: terms %v: sparseTerms %v, sparse %v", i, terms, got, want)
		}
	}
	if empty == 0 {
		t.Fatal("no case summed to the empty form")
	}
}

// A region reset to another true point, its inequalities added again,
// is the region made afresh through that point: the same constraints,
// rows of a and answers of reach.
func TestResetRegionAsNew(t *testing.T) {
	r := rand.New(rand.NewSource(testSeed(t)))
	for i := range testRuns(t, 60) {
		free := 1 + r.Intn(10)
		v := free + r.Intn(2*free+1)
		first := randomRegion(r, v, free, 5+r.Intn(20))
		// Another true point of the same equations: the first moved
		// along a whole free direction, if one keeps it non-negative.
		z1 := slices.Clone(first.z0)
		whole, level := first.dirs.wholeColumns()
		for q := range whole {
			if !level[q] {
				continue
			}
			ok := true
			for j, c := range whole[q] {
				ok = ok && z1[j]+c >= 0
			}
			if ok {
				for j, c := range whole[q] {
					z1[j] += c
				}
				break
			}
		}
		var ws []row
		var rhs []int64
		for range 3 + r.Intn(12) {
			coef := map[int]int64{}
			for range 1 + r.Intn(3) {
				coef[r.Intn(v)] = int64(r.Intn(5) - 2)
			}
			if w := sparse(coef); len(w.idx) > 0 {
				ws, rhs = append(ws, w), append(rhs, w.dot(z1)+int64(r.Intn(3)))
			}
		}
		fresh := regionOf(z1, first.dirs)
		// Caches of the old point, which reset must drop.
		first.holds(first.z0, 1, unit(0, 1), 1)
		first.exact, first.exactSolves = newExactRegion(first), 1
		first.floats()
		first.reset(z1)
		if first.eqAt0 != nil || first.exact != nil || first.exactSolves != 0 {
			t.Fatalf("region %d: reset keeps the old point's caches", i)
		}
		for _, g := range []*region{fresh, first} {
			for j := range v {
				g.nonNegative(j)
			}
			for k, w := range ws {
				g.atMost(w, rhs[k])
			}
		}
		fresh.floats()
		first.floats()
		if !slices.Equal(fresh.rhs, first.rhs) || !slices.Equal(fresh.b, first.b) ||
			!slices.EqualFunc(fresh.a, first.a, func(x, y []float64) bool { return slices.Equal(x, y) }) {
			t.Fatalf("region %d: the reset region differs from the fresh one", i)
		}
		for k := range ws {
			for _, sign := range []int64{1, -1} {
				if a, b := fresh.reach(ws[k], sign), first.reach(ws[k], sign); a != b {
					t.Fatalf("region %d: reach %v afresh, %v after reset", i, a, b)
				}
			}
		}
	}
}
