package disclosure

// The audit asks many questions of one region: per measure, for each
// protected group, whether its answers, those in the range and those out
// of it can move up or down by one (region.reach). Most are settled
// without the simplex, by checks that give the exact answer whenever
// they answer at all (bounded is in bounds.go):
//
//   - recall: the points found for earlier questions over the same
//     equations (this region's, or another measure's: they share the
//     directions) are tried. A point num/den is kept as its move from
//     its region's true point, num - den·z0, on which every equation
//     vanishes exactly (both points satisfy them); so z0 ± move/den
//     satisfies the equations of any region of the same directions, and
//     the inequalities and the move of w are checked in integer
//     arithmetic, as within checks them. A point that passes is a point
//     of the region: the answer "reachable" is exact.
//   - bounded: bounds on each variable derived from the constraints by
//     chaining them (every point of the region, whole or fractional,
//     lies within them), then bounds on w·z from those and each single
//     constraint r·z <= rhs sharing a variable with w: w·z = r·z + (w -
//     r)·z <= rhs + the most (w - r)·z takes within the bounds. All are
//     whole numbers. When one is below w·z0 + 1, no point of the region,
//     whole or fractional, moves w by one: the answer "not reachable"
//     is exact.
//
// The simplex with its exact checks answers every question exactly but
// for one case: a floating point optimum below one where a point exists
// (a rounding error, which hides a cell more). So a question a shortcut
// settles is answered as before, except where recall, moves or pairs
// find a point the simplex would have missed. No library answers these
// questions: they are a planner's own, on programs of a few dozen
// variables asked by the thousand.
//
// A third check finds points two whole steps from the true point
// (pairs), where one step is not enough: a person moved between two
// groups in two categories at once. Its answer "reachable" is exact in
// the same way as moves'.
//
// Whether a whole step along a free direction (moves, pairs) or a point
// of recall stays within the inequalities does not depend on w: it is
// found once per region and step (sidesOf, columnSides), through the
// inequalities of each variable the step moves (indexTerms), and each
// question checks only the move of w.

// maxRecalled bounds the points recalled per set of directions: the
// most recent ones, since the questions of one group come together.
const maxRecalled = 16

// boxLimit bounds the magnitude of the bounds bounded derives and of the
// constraints it reads, so that its integer sums cannot overflow: a
// bound beyond it is dropped (taken as none), which only loosens the
// bounds and keeps them true.
const boxLimit = int64(1) << 40

// found is a point the region of some directions held: num/den, kept as
// its move from that region's true point, num - den·z0, on which every
// equation vanishes.
type found struct {
	move []int64
	den  int64
	id   int // which point this is, for the regions' caches
}

// remember records the point num/den of g, which every equation and
// inequality of g holds exactly, for recall, in place of the oldest once
// maxRecalled are kept. Points with large denominators or moves are not
// kept, so that recall's integer sums stay far from overflow.
func (g *region) remember(num []int64, den int64) {
	if den <= 0 || den > 1<<20 {
		return
	}
	for j, x := range num {
		if z := g.z0[j]; z > boxLimit || z < -boxLimit {
			return
		}
		if d := x - den*g.z0[j]; d > boxLimit || d < -boxLimit {
			return
		}
	}
	ds := g.dirs
	var p *found
	if len(ds.found) < maxRecalled {
		ds.found = append(ds.found, found{move: make([]int64, len(num))})
		p = &ds.found[len(ds.found)-1]
	} else {
		p = &ds.found[ds.next]
		ds.next = (ds.next + 1) % maxRecalled
	}
	for j, x := range num {
		p.move[j] = x - den*g.z0[j]
	}
	ds.ids++
	p.den, p.id = den, ds.ids
}

// recall reports whether a point found before for the same equations,
// moved to g's true point (z0 + move/den, or z0 - move/den), satisfies
// g's inequalities and moves w·z by at least one in the direction sign:
// the check of within, from the sides the inequalities allow the move
// (see sidesOf) and the move of w, ±(w·move)/den.
func (g *region) recall(w row, sign int64) bool {
	if len(g.dirs.found) == 0 || !g.small || !usable(w, 0) {
		return false
	}
	for i := range g.dirs.found {
		p := &g.dirs.found[i]
		// Only the side on which the point moves w by at least one in
		// the direction sign can answer.
		step, m := int64(1), sign*w.dot(p.move)
		if m < 0 {
			step, m = -1, -m
		}
		if m < p.den {
			continue
		}
		g.resetSides()
		fs := &g.foundSides[i]
		if fs.id != p.id || fs.sides == 0 {
			fs.id, fs.sides = p.id, g.sidesOf(p.move, p.den)
		}
		if fs.sides&sideOf(step) != 0 {
			return true
		}
	}
	return false
}

// The sides a move may be taken to from z0 within the inequalities:
// sideKnown marks a computed answer, sideUp z0 + move/den, sideDown z0 -
// move/den.
const (
	sideKnown uint8 = 1 << iota
	sideUp
	sideDown
)

// sideOf returns the side of a step of +1 or -1.
func sideOf(step int64) uint8 {
	if step > 0 {
		return sideUp
	}
	return sideDown
}

// sidesOf returns on which sides z = z0 ± move/den satisfies every
// inequality of g, r·z <= rhs, in integers: den·(r·z) = den·(r·z0) ±
// r·move, so the inequality holds exactly when ±(r·move) <= den·(rhs -
// r·z0), den times its slack. These are within's integers less den·(r·z0)
// on both sides, the same answer; g.small, the limits of remember and
// of columnSides keep every product and sum far below 2^63. The answer
// does not depend on w: it is found once per region (while its
// inequalities stay as they are) and move, for every question.
func (g *region) sidesOf(move []int64, den int64) uint8 {
	// Only the inequalities of the move's variables can fail: the others
	// keep r·z = r·z0, within their bounds (g.small holds only when
	// every slack is at least 0). Their r·move are summed
	// through indexTerms in a scratch row, read, then cleared.
	g.indexTerms()
	if len(g.dots) < len(g.ineq) {
		g.dots = make([]int64, len(g.ineq))
	}
	for j, x := range move {
		if x != 0 {
			for k := g.termStart[j]; k < g.termStart[j+1]; k++ {
				g.dots[g.termRow[k]] += g.termCoef[k] * x
			}
		}
	}
	sides := sideKnown | sideUp | sideDown
	for j, x := range move {
		if x != 0 {
			for k := g.termStart[j]; k < g.termStart[j+1]; k++ {
				i := g.termRow[k]
				d, lim := g.dots[i], den*g.slack[i]
				if d > lim {
					sides &^= sideUp
				}
				if -d > lim {
					sides &^= sideDown
				}
			}
		}
	}
	for j, x := range move {
		if x != 0 {
			for k := g.termStart[j]; k < g.termStart[j+1]; k++ {
				g.dots[g.termRow[k]] = 0
			}
		}
	}
	return sides
}

// resetSides drops the sides cached for other inequalities than g's.
func (g *region) resetSides() {
	if g.sided {
		return
	}
	g.sided = true
	clear(g.colSides)
	clear(g.colDots)
	g.dotSlab = g.dotSlab[:0]
	g.indexed = false
	for i := range g.foundSides {
		g.foundSides[i].sides = 0
	}
}

// columnSides returns sidesOf the whole column col of free direction q,
// from its columnDots, cached; 0 when g's inequalities or col are too
// large for sidesOf's exact integer sums (moves then checks the point by
// within).
func (g *region) columnSides(q int, col []int64) uint8 {
	if !g.small || !g.dirs.smallColumn(q, col) {
		return 0
	}
	g.resetSides()
	if len(g.colSides) != g.free() {
		g.colSides = make([]uint8, g.free())
	}
	if g.colSides[q] == 0 {
		sides := sideKnown | sideUp | sideDown
		for i, d := range g.columnDots(q, col) {
			if d > g.slack[i] {
				sides &^= sideUp
			}
			if -d > g.slack[i] {
				sides &^= sideDown
			}
		}
		g.colSides[q] = sides
	}
	return g.colSides[q]
}

// smallColumn reports whether the whole column col of free direction q
// has entries small enough for sidesOf's exact integer sums, found once
// per set of directions.
func (ds *directions) smallColumn(q int, col []int64) bool {
	if len(ds.small) != len(ds.whole) {
		ds.small = make([]int8, len(ds.whole))
	}
	if ds.small[q] == 0 {
		ds.small[q] = 2
		if usable(row{coef: col}, 0) {
			ds.small[q] = 1
		}
	}
	return ds.small[q] == 1
}

// reachShortcuts turns recall, bounded and pairs on; tests turn them
// off to compare.
var reachShortcuts = true

// columnDots returns r·col for each inequality r of g, col being the
// whole column of free direction q (one columnSides does not refuse),
// cached while g's inequalities stay as they are.
func (g *region) columnDots(q int, col []int64) []int64 {
	g.resetSides()
	if len(g.colDots) != g.free() {
		g.colDots = make([][]int64, g.free())
	}
	if g.colDots[q] == nil {
		n := len(g.ineq)
		if cap(g.dotSlab)-len(g.dotSlab) < n {
			g.dotSlab = make([]int64, 0, n*g.free())
		}
		dots := g.dotSlab[len(g.dotSlab) : len(g.dotSlab)+n : len(g.dotSlab)+n]
		g.dotSlab = g.dotSlab[:len(g.dotSlab)+n]
		clear(dots)
		// Through the inequalities of each variable of the column's
		// (columns and inequalities are sparse): the same sums.
		g.indexTerms()
		for j, x := range col {
			if x == 0 {
				continue
			}
			for k := g.termStart[j]; k < g.termStart[j+1]; k++ {
				dots[g.termRow[k]] += g.termCoef[k] * x
			}
		}
		g.colDots[q] = dots
	}
	return g.colDots[q]
}

// pairs reports whether a step of ±1 along each of two free directions
// whose columns of N are whole, z = z0 + sa·col_a + sb·col_b, is a point
// of g where w·z moved by at least one in the direction sign: moves
// finds the points one step away, pairs those two steps away, where
// people move between two groups in two categories at once (an answer
// in the range moved from one group to another and one out of it back,
// each group keeping its people). The equations vanish on both columns
// (level), so z satisfies them exactly; each inequality holds exactly
// when sa·(r·col_a) + sb·(r·col_b) <= its slack, and w moves by sa·(w·col_a)
// + sb·(w·col_b), all in integers (see sidesOf). The answer
// "reachable" is exact. One of the two columns moves w: the other may
// not.
func (g *region) pairs(w row, sign int64) bool {
	if !g.small || !usable(w, 0) || g.free() < 2 {
		return false
	}
	whole, steps := g.dirs.steppable()
	d := len(whole)
	if cap(g.wmove) < d {
		g.wmove = make([]int64, d)
	}
	wm := g.wmove[:d]
	for _, q := range steps {
		wm[q] = sign * w.dot(whole[q])
	}
	for _, a := range steps {
		if wm[a] == 0 {
			continue
		}
		sa := int64(1)
		if wm[a] < 0 {
			sa = -1
		}
		da := g.columnDots(a, whole[a])
		// An inequality the step along a alone breaks (moves found
		// none that keeps them all): b must move it too.
		broken := -1
		for i, x := range da {
			if sa*x > g.slack[i] {
				broken = i
				break
			}
		}
		for _, b := range steps {
			if b == a {
				continue
			}
			db := g.columnDots(b, whole[b])
			if broken >= 0 && db[broken] == 0 {
				continue
			}
			for _, sb := range [...]int64{1, -1} {
				if sa*wm[a]+sb*wm[b] < 1 {
					continue
				}
				ok := true
				for i, x := range da {
					if sa*x+sb*db[i] > g.slack[i] {
						ok = false
						break
					}
				}
				if ok {
					if cap(g.z) < len(g.z0) {
						g.z = make([]int64, len(g.z0))
					}
					z := g.z[:len(g.z0)]
					for j := range z {
						z[j] = g.z0[j] + sa*whole[a][j] + sb*whole[b][j]
					}
					g.remember(z, 1)
					return true
				}
			}
		}
	}
	return false
}

// steppable returns the whole columns (wholeColumns) and the free
// directions whose columns are level and small enough for exact integer
// sums (smallColumn): those pairs steps along. Found once per set of
// directions.
func (ds *directions) steppable() (whole [][]int64, steps []int) {
	whole, level := ds.wholeColumns()
	if ds.steps == nil {
		ds.steps = []int{}
		for q := range whole {
			if level[q] && ds.smallColumn(q, whole[q]) {
				ds.steps = append(ds.steps, q)
			}
		}
	}
	return whole, ds.steps
}

// indexTerms lists, once per set of inequalities, the inequalities of
// each variable j with its coefficient in them: termRow and termCoef from
// termStart[j] to termStart[j+1].
func (g *region) indexTerms() {
	g.resetSides() // an index of other inequalities is dropped
	if g.indexed {
		return
	}
	g.indexed = true
	v := len(g.z0)
	if cap(g.termStart) < v+1 {
		g.termStart = make([]int32, v+1)
	}
	g.termStart = g.termStart[:v+1]
	clear(g.termStart)
	n := 0
	for _, r := range g.ineq {
		for _, j := range r.idx {
			g.termStart[j+1]++
		}
		n += len(r.idx)
	}
	for j := range v {
		g.termStart[j+1] += g.termStart[j]
	}
	if cap(g.termRow) < n {
		g.termRow, g.termCoef = make([]int32, n), make([]int64, n)
	}
	g.termRow, g.termCoef = g.termRow[:n], g.termCoef[:n]
	next := g.dotNext[:0]
	next = append(next, g.termStart[:v]...)
	g.dotNext = next
	for i, r := range g.ineq {
		for k, j := range r.idx {
			g.termRow[next[j]], g.termCoef[next[j]] = int32(i), r.coef[k]
			next[j]++
		}
	}
}
