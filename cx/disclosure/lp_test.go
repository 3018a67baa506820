package disclosure

import (
	"math"
	"math/big"
	"math/rand"
	"testing"
	"time"
)

// randomRegion returns a region like the audit's: v variables of which
// free are free (the others are sums of later ones, as a total is the sum
// of its parts), non-negative, with about rows further inequalities with
// coefficients -2..2 and bounds a few people from the true point, which
// is whole and satisfies them all.
func randomRegion(r *rand.Rand, v, free, rows int) *region {
	z0 := make([]int64, v)
	var eq []row
	// Variables free.. v-1 are leaves; each of 0..free-1... the first
	// v-free variables are totals of some later variables.
	totals := v - free
	for j := v - 1; j >= 0; j-- {
		if j >= totals {
			z0[j] = int64(r.Intn(12))
			continue
		}
		parts := 1 + r.Intn(4)
		coef := map[int]int64{j: 1}
		var sum int64
		for range parts {
			p := j + 1 + r.Intn(v-j-1)
			if _, dup := coef[p]; dup {
				continue
			}
			coef[p] = -1
			sum += z0[p]
		}
		z0[j] = sum
		eq = append(eq, sparse(coef))
	}
	g := newRegion(z0, eq)
	for j := range v {
		g.atMost(unit(j, -1), 0)
	}
	for range rows {
		switch r.Intn(3) {
		case 0: // a bound near the true value
			j := r.Intn(v)
			if r.Intn(2) == 0 {
				g.atMost(unit(j, 1), z0[j]+int64(r.Intn(3)))
			} else {
				g.atMost(unit(j, -1), -(z0[j] - int64(r.Intn(3))))
			}
		default: // a combination
			coef := map[int]int64{}
			for range 1 + r.Intn(4) {
				coef[r.Intn(v)] = int64(r.Intn(5) - 2)
			}
			w := sparse(coef)
			if len(w.idx) == 0 {
				continue
			}
			g.atMost(w, w.dot(z0)+int64(r.Intn(3)))
		}
	}
	return g
}

// checkExact verifies the exact simplex's answer to reach(w, sign) by
// its certificate: a point satisfying every constraint exactly with the
// move, or dual multipliers proving that no point moves by one.
func checkExact(t *testing.T, g *region, e *exactRegion, w row, sign int64) bool {
	t.Helper()
	if e.free() == 0 {
		return false
	}
	c := e.dir(w)
	if sign < 0 {
		for _, x := range c {
			x.Neg(x)
		}
	}
	one := big.NewRat(1, 1)
	res := exactMaximize(e.a, e.b, c, one)
	var tmp big.Rat
	if res.reached {
		// z = z0 + N t satisfies the equations by construction of N (checked
		// here too), the inequalities, and moves w·z by at least one.
		z := make([]*big.Rat, len(g.z0))
		for j := range z {
			z[j] = new(big.Rat).SetInt64(g.z0[j])
			for q, x := range e.n[j] {
				z[j].Add(z[j], tmp.Mul(x, res.t[q]))
			}
		}
		dot := func(r row) *big.Rat {
			s := new(big.Rat)
			for k, j := range r.idx {
				s.Add(s, new(big.Rat).Mul(new(big.Rat).SetInt64(r.coef[k]), z[j]))
			}
			return s
		}
		for _, q := range g.eq {
			if dot(q).Cmp(new(big.Rat).SetInt64(q.dot(g.z0))) != 0 {
				t.Fatalf("exact point breaks an equation")
			}
		}
		for i, q := range g.ineq {
			if dot(q).Cmp(new(big.Rat).SetInt64(g.rhs[i])) > 0 {
				t.Fatalf("exact point breaks inequality %d", i)
			}
		}
		move := new(big.Rat).Sub(dot(w), new(big.Rat).SetInt64(w.dot(g.z0)))
		if sign < 0 {
			move.Neg(move)
		}
		if move.Cmp(one) < 0 {
			t.Fatalf("exact point moves by %s only", move)
		}
		return true
	}
	// y >= 0, y A = c, y b = optimum < 1.
	yb := new(big.Rat)
	for i, y := range res.y {
		if y.Sign() < 0 {
			t.Fatalf("negative dual")
		}
		yb.Add(yb, tmp.Mul(y, e.b[i]))
	}
	for q := range c {
		s := new(big.Rat)
		for i, y := range res.y {
			s.Add(s, tmp.Mul(y, e.a[i][q]))
		}
		if s.Cmp(c[q]) != 0 {
			t.Fatalf("dual does not price direction %d", q)
		}
	}
	if yb.Cmp(res.optimum) != 0 || yb.Cmp(one) >= 0 {
		t.Fatalf("dual bound %s, optimum %s", yb, res.optimum)
	}
	return false
}

// The audit's question, answered in floating point with exact checks,
// agrees with the exact simplex (whose every answer is itself checked by
// its certificate) on random programs of the planner's sizes: up to 40
// free directions and 200 inequalities.
func TestReachAgreesWithExact(t *testing.T) {
	r := rand.New(rand.NewSource(testSeed(t)))
	runs := testRuns(t, 10)
	var questions, yes, exactSolves int
	var spent, reference time.Duration
	for i := range runs {
		free := 2 + r.Intn(39)
		v := free + r.Intn(2*free+1)
		rows := 20 + r.Intn(181)
		g := randomRegion(r, v, free, rows)
		e := newExactRegion(g)
		for range 4 {
			coef := map[int]int64{}
			for range 1 + r.Intn(3) {
				coef[r.Intn(v)] = int64(1 + r.Intn(2))
			}
			w := sparse(coef)
			for _, sign := range []int64{1, -1} {
				start := time.Now()
				got := g.reach(w, sign)
				spent += time.Since(start)
				start = time.Now()
				want := checkExact(t, g, e, w, sign)
				reference += time.Since(start)
				questions++
				if want {
					yes++
				}
				if got != want {
					t.Errorf("program %d (%d variables, %d free, %d rows): reach %v, exact %v", i, v, free, rows, got, want)
				}
			}
		}
		exactSolves += g.exactSolves
	}
	t.Logf("%d programs, %d questions, %d reachable, %d settled by the exact simplex; %v in reach, %v in the reference", runs, questions, yes, exactSolves, spent, reference)
}

// The programs on which the old floating point simplex reported +Inf
// although they are bounded (integer coefficients -2..2, variables boxed
// to ±10): maximize still may, but reach never answers from it without an
// exact check, and agrees with the exact simplex.
func TestReachOnBoxedPrograms(t *testing.T) {
	r := rand.New(rand.NewSource(testSeed(t)))
	runs := testRuns(t, 200)
	falseInf := 0
	for i := range runs {
		v := 2 + r.Intn(20)
		g := newRegion(make([]int64, v), nil)
		for j := range v {
			g.atMost(unit(j, 1), 10)
			g.atMost(unit(j, -1), 10)
		}
		for range v + r.Intn(3*v) {
			coef := map[int]int64{}
			for j := range v {
				if r.Intn(3) == 0 {
					coef[j] = int64(r.Intn(5) - 2)
				}
			}
			if w := sparse(coef); len(w.idx) > 0 {
				g.atMost(w, int64(r.Intn(4)))
			}
		}
		coef := map[int]int64{}
		for j := range v {
			coef[j] = int64(r.Intn(5) - 2)
		}
		w := sparse(coef)
		if len(w.idx) == 0 {
			continue
		}
		// A target no bounded program reaches: a floating point answer
		// of "reached" is a false +Inf.
		g.floats()
		if _, ok := maximize(g.a, g.b, g.dir(w), 1e12); ok {
			falseInf++
		}
		got, want := g.reach(w, 1), checkExact(t, g, newExactRegion(g), w, 1)
		if got != want {
			t.Errorf("program %d (%d variables): reach %v, exact %v", i, v, got, want)
		}
	}
	t.Logf("%d boxed programs; floating point claimed an unbounded optimum on %d", runs, falseInf)
}

func TestMaximizeFindsThePoint(t *testing.T) {
	// max t1 + t2 subject to t1 <= 2, t2 <= 3, t1 + t2 <= 4.
	a := [][]float64{{1, 0}, {0, 1}, {1, 1}}
	pt, ok := maximize(a, []float64{2, 3, 4}, []float64{1, 1}, 3.5)
	if !ok || math.Abs(pt[0]+pt[1]-4) > 1e-9 && pt[0]+pt[1] < 3.5 {
		t.Fatalf("got %v %v", pt, ok)
	}
	if _, ok := maximize(a, []float64{2, 3, 4}, []float64{1, 1}, 5); ok {
		t.Fatal("the optimum is 4: 5 is out of reach")
	}
	// Unbounded: max t1 subject to -t1 <= 0.
	pt, ok = maximize([][]float64{{-1}}, []float64{0}, []float64{1}, 10)
	if !ok || pt[0] < 10 {
		t.Fatalf("unbounded: got %v %v", pt, ok)
	}
}
