package disclosure

import (
	"fmt"
	"math/rand"
	"slices"
	"testing"
)

// randomForm returns a form of one to three random variables of v with
// coefficients -2..2 (nil when they cancel), as the audit's questions
// and the tests of lp.go draw them.
func randomForm(r *rand.Rand, v int) row {
	coef := map[int]int64{}
	for range 1 + r.Intn(3) {
		coef[r.Intn(v)] = int64(r.Intn(5) - 2)
	}
	return sparse(coef)
}

// shortcutRegion returns a random region of the tests of lp.go, with
// some regions of the audit's shape: per cell, its people, answers in a
// range and answers out of it, the cells' sums fixed by a relation, each
// cell's people bounded and some cells' answers bounded by a reason.
func shortcutRegion(r *rand.Rand, i int) *region {
	if i%3 != 2 {
		free := 1 + r.Intn(12)
		return randomRegion(r, free+r.Intn(2*free+1), free, r.Intn(30))
	}
	k := 2 + r.Intn(5)
	z0 := make([]int64, 3*k)
	for j := range z0 {
		z0[j] = int64(r.Intn(4))
	}
	var eq []row
	for part := range 3 {
		idx := make([]int, k)
		for j := range k {
			idx[j] = part*k + j
		}
		eq = append(eq, ones(idx...))
	}
	g := newRegion(z0, eq)
	for j := range 3 * k {
		g.nonNegative(j)
	}
	for j := range k {
		all := ones(j, k+j, 2*k+j)
		if people := all.dot(z0); r.Intn(2) == 0 {
			g.atMost(all, people+int64(r.Intn(2)))
			g.atMost(neg(all), -max(people-int64(r.Intn(2)), 0))
		}
		if answers := ones(k+j, 2*k+j); r.Intn(3) == 0 {
			g.atMost(answers, answers.dot(z0)+int64(r.Intn(2)))
		}
	}
	return g
}

// recallByHolds is the general check recall stands for: each point
// found over the region's directions, moved to its true point on either
// side, checked by holds against every equation and inequality.
func recallByHolds(g *region, w row, sign int64) bool {
	for _, p := range g.dirs.found {
		for _, s := range []int64{1, -1} {
			num := make([]int64, len(g.z0))
			for j := range num {
				num[j] = p.den*g.z0[j] + s*p.move[j]
			}
			if g.holds(num, p.den, w, sign) {
				return true
			}
		}
	}
	return false
}

// recall, which checks the points found before from the slacks of the
// inequalities and caches per region which side of each point stays
// within them, answers as the check of every point by holds does: on
// random regions, after questions that find points, and on the same
// directions moved to another true point (as the audit moves one region
// from measure to measure).
func TestRecallAgreesWithHolds(t *testing.T) {
	r := rand.New(rand.NewSource(testSeed(t)))
	var yes, no, moved int
	for i := range testRuns(t, 300) {
		g := shortcutRegion(r, i)
		v := len(g.z0)
		for round := range 2 {
			for range 8 {
				w := randomForm(r, v)
				if len(w.idx) == 0 {
					continue
				}
				for _, sign := range []int64{1, -1} {
					got, want := g.recall(w, sign), recallByHolds(g, w, sign)
					if got != want {
						t.Fatalf("region %d, round %d (%d variables, %d points found): recall %v, check by holds %v", i, round, v, len(g.dirs.found), got, want)
					}
					if want {
						yes++
					} else {
						no++
					}
					g.reach(w, sign) // finds more points
				}
			}
			// The same directions through another true point, with the
			// inequalities made again there.
			z1 := slices.Clone(g.z0)
			for _, p := range g.dirs.found {
				if p.den == 1 {
					for j := range z1 {
						z1[j] += p.move[j]
					}
					break
				}
			}
			h := regionOf(z1, g.dirs)
			for k, w := range g.ineq {
				h.atMost(w, g.rhs[k]-w.dot(g.z0)+w.dot(z1)+int64(r.Intn(2)))
			}
			if !slices.Equal(z1, g.z0) {
				moved++
			}
			g = h
		}
	}
	if yes == 0 || no == 0 || moved == 0 {
		t.Fatalf("cases not varied enough: recalled %d, not %d, regions moved to another point %d", yes, no, moved)
	}
	t.Logf("recalled %d, not %d", yes, no)
}

// bounded answers "not reachable" only where the exact simplex (its
// answer checked by its certificate) finds no point, and box's bounds
// hold the true point; on regions of the audit's shape it settles many
// questions.
func TestBoundedAgreesWithExact(t *testing.T) {
	r := rand.New(rand.NewSource(testSeed(t)))
	var settled, unreachable int
	for i := range testRuns(t, 200) {
		g := shortcutRegion(r, i)
		v := len(g.z0)
		e := newExactRegion(g)
		var ws []row
		for range 6 {
			if w := randomForm(r, v); len(w.idx) > 0 {
				ws = append(ws, w)
			}
		}
		if i%3 == 2 {
			k := v / 3
			j := r.Intn(k)
			ws = append(ws, ones(j, k+j, 2*k+j), ones(k+j, 2*k+j), unit(k+j, 1), unit(2*k+j, 1))
		}
		for _, w := range ws {
			for _, sign := range []int64{1, -1} {
				got := g.bounded(w, sign)
				want := checkExact(t, g, e, w, sign)
				if !want {
					unreachable++
				}
				if got && want {
					t.Fatalf("region %d (%d variables): bounded says w %v cannot move by one toward %d; the exact simplex moves it", i, v, w, sign)
				}
				if got {
					settled++
				}
			}
		}
		if g.boxUsable {
			for j, z := range g.z0 {
				if g.lo[j] != noLo && z < g.lo[j] || g.hi[j] != noHi && z > g.hi[j] {
					t.Fatalf("region %d: variable %d at %d outside its bounds [%d, %d]", i, j, z, g.lo[j], g.hi[j])
				}
			}
		}
	}
	if settled == 0 || settled == unreachable {
		t.Fatalf("bounded settled %d of %d questions not reachable: the cases do not exercise it", settled, unreachable)
	}
	t.Logf("bounded settled %d of %d questions not reachable", settled, unreachable)
}

// pairsByHolds is the general check pairs stands for: every two free
// directions whose columns of N are whole and level, a step of ±1 along
// each, checked by holds against every equation and inequality.
func pairsByHolds(g *region, w row, sign int64) bool {
	whole, level := g.dirs.wholeColumns()
	z := make([]int64, len(g.z0))
	for a := range whole {
		for b := range whole {
			if a == b || !level[a] || !level[b] {
				continue
			}
			for _, sa := range []int64{1, -1} {
				for _, sb := range []int64{1, -1} {
					for j := range z {
						z[j] = g.z0[j] + sa*whole[a][j] + sb*whole[b][j]
					}
					if g.holds(z, 1, w, sign) {
						return true
					}
				}
			}
		}
	}
	return false
}

// pairs, which checks two steps from the inequalities' slacks and the
// products of the columns with the inequalities, cached per region,
// answers as the check of every two steps by holds does, on random
// regions with and without directions that are not whole.
func TestPairsAgreesWithHolds(t *testing.T) {
	r := rand.New(rand.NewSource(testSeed(t)))
	var yes, no int
	for i := range testRuns(t, 300) {
		var g *region
		if i%4 == 3 {
			free := 2 + r.Intn(8)
			if g = halvedRegion(r, free+r.Intn(free+1), free); g == nil {
				continue
			}
		} else {
			g = shortcutRegion(r, i)
		}
		for range 6 {
			w := randomForm(r, len(g.z0))
			if len(w.idx) == 0 {
				continue
			}
			for _, sign := range []int64{1, -1} {
				got, want := g.pairs(w, sign), pairsByHolds(g, w, sign)
				if got != want {
					t.Fatalf("region %d (%d variables, %d free): pairs %v, check by holds %v", i, len(g.z0), g.free(), got, want)
				}
				if want {
					yes++
				} else {
					no++
				}
			}
		}
	}
	if yes == 0 || no == 0 {
		t.Fatalf("cases not varied enough: %d pairs found, %d none", yes, no)
	}
	t.Logf("%d pairs found, %d none", yes, no)
}

// The shortcuts change no plan: on random orgs, counts and answers, the
// plan with them hides the same cells for the same reasons, withholds
// the same reasons and reports the same exposed groups as the plan that
// asks the simplex every question moves and recall leave open.
func TestShortcutsChangeNoPlan(t *testing.T) {
	r := rand.New(rand.NewSource(testSeed(t)))
	runs := testRuns(t, 300)
	for i := range runs {
		answers := i%4 != 0
		seed := r.Int63()
		with := memoTable(rand.New(rand.NewSource(seed)), answers)
		without := memoTable(rand.New(rand.NewSource(seed)), answers)
		with.WithholdReasons, without.WithholdReasons = i%2 == 0, i%2 == 0
		if answers && i%150 == 1 {
			// Some groups' people fewer than their answers, as a caller's
			// counts may have it: the audit's true point then breaks an
			// inequality, and the shortcuts must leave such regions to
			// the simplex.
			for j := range with.Cells {
				if c := &with.Cells[j]; c.Borrowed && c.N > 1 {
					with.Cells[j].People, without.Cells[j].People = c.N/2, c.N/2
				}
			}
		}
		if d := planBothWays(with, without); d != "" {
			t.Fatalf("case %d (answers %v): %s", i, answers, d)
		}
	}
}

// planBothWays plans with with the audit's shortcuts and without without
// them (two copies of one table) and describes the first decision that
// differs: a cell's hiding, reason or withholding, or the exposed cells.
// It returns "" when the plans agree.
func planBothWays(with, without *Table) string {
	with.Plan()
	reachShortcuts = false
	without.Plan()
	reachShortcuts = true
	for j := range with.Cells {
		a, b := with.Cells[j], without.Cells[j]
		if a.Hidden != b.Hidden || a.Reason != b.Reason || a.Withheld != b.Withheld {
			return fmt.Sprintf("cell %s: with the shortcuts hidden %v (%+v, withheld %v), without %v (%+v, withheld %v)",
				a.Name, a.Hidden, a.Reason, a.Withheld, b.Hidden, b.Reason, b.Withheld)
		}
	}
	if !slices.Equal(with.Exposed, without.Exposed) {
		return fmt.Sprintf("exposed %v with the shortcuts, %v without", with.Exposed, without.Exposed)
	}
	return ""
}
