package disclosure

// maxBoxCoef and maxBoxTerms bound the coefficients and the length of
// the constraints bounded reads; others are left out (fewer constraints:
// looser bounds, still true).
const (
	maxBoxCoef  = int64(1) << 10
	maxBoxTerms = 1 << 10
)

// box sets g.lo and g.hi to bounds on each variable that every point of
// g satisfies: from none, each constraint s·r·z <= b (an inequality, or
// an equation read both ways) bounds a variable of coefficient ±1 by b
// less the least the other terms take within the bounds so far, in
// maxBoxPasses passes over every constraint, the inequalities first
// (one pass: more would tighten some bounds further; a bound looser
// than it could be is still true). The bounds are whole numbers: every
// coefficient, right-hand side and bound is one. g.boxUsable is false
// when the true point lies beyond boxLimit.
func (g *region) box() {
	g.boxed = true
	v := len(g.z0)
	g.boxUsable = true
	for _, x := range g.z0 {
		if x > boxLimit || x < -boxLimit {
			g.boxUsable = false
			return
		}
	}
	if cap(g.lo) < v {
		g.lo, g.hi = make([]int64, v), make([]int64, v)
	}
	g.lo, g.hi = g.lo[:v], g.hi[:v]
	for j := range v {
		g.lo[j], g.hi[j] = noLo, noHi
	}
	eqAt0 := g.equationsAt0()
	for range maxBoxPasses {
		changed := false
		for i, r := range g.ineq {
			changed = g.tighten(r, 1, g.rhs[i], g.small) || changed
		}
		for i, e := range g.eq {
			changed = g.tighten(e, 1, eqAt0[i], false) || changed
			changed = g.tighten(e, -1, -eqAt0[i], false) || changed
		}
		if !changed {
			break // a further pass would change nothing
		}
	}
}

// maxBoxPasses is the number of passes of box over the constraints.
const maxBoxPasses = 1

// noLo and noHi stand for no bound below and no bound above.
const (
	noLo = -boxLimit - 1
	noHi = boxLimit + 1
)

// equationsAt0 returns eq·z0 per equation, computed once per true point.
func (g *region) equationsAt0() []int64 {
	if g.eqAt0 == nil {
		g.eqAt0 = make([]int64, len(g.eq))
		for i, e := range g.eq {
			g.eqAt0[i] = e.dot(g.z0)
		}
	}
	return g.eqAt0
}

// termMin returns the least a·z_j takes within the bounds; false when
// there is no least.
func (g *region) termMin(a int64, j int) (int64, bool) {
	switch {
	case a > 0 && g.lo[j] != noLo:
		return a * g.lo[j], true
	case a < 0 && g.hi[j] != noHi:
		return a * g.hi[j], true
	case a == 0:
		return 0, true
	}
	return 0, false
}

// termMax returns the most a·z_j takes within the bounds; false when
// there is no most.
func (g *region) termMax(a int64, j int) (int64, bool) {
	m, ok := g.termMin(-a, j)
	return -m, ok
}

// usable reports whether bounded reads the constraint s·r·z <= b: its
// coefficients, length and right-hand side are small enough for exact
// int64 sums.
func usable(r row, b int64) bool {
	if len(r.idx) > maxBoxTerms || b > boxLimit || b < -boxLimit {
		return false
	}
	for _, c := range r.coef {
		if c > maxBoxCoef || c < -maxBoxCoef {
			return false
		}
	}
	return true
}

// tighten narrows the bounds by the constraint s·r·z <= b: a variable of
// coefficient a = ±1 satisfies a·z_j <= b - (the least of the other
// terms), when those have a least. It reports whether a bound moved.
// small says that the constraint is known to be usable.
func (g *region) tighten(r row, s, b int64, small bool) bool {
	if !small && !usable(r, b) {
		return false
	}
	var least int64
	open := -1 // the one term without a least, if any
	for k, j := range r.idx {
		m, ok := g.termMin(s*r.coef[k], j)
		switch {
		case ok:
			least += m
		case open >= 0:
			return false // two terms without a least: no bound follows
		default:
			open = k
		}
	}
	changed := false
	for k, j := range r.idx {
		a := s * r.coef[k]
		if a != 1 && a != -1 || open >= 0 && k != open {
			continue
		}
		rest := least
		if open < 0 {
			m, _ := g.termMin(a, j)
			rest -= m
		}
		lim := b - rest // a·z_j <= lim
		if lim > boxLimit || lim < -boxLimit {
			continue
		}
		if a == 1 && lim < g.hi[j] {
			g.hi[j], changed = lim, true
		} else if a == -1 && -lim > g.lo[j] {
			g.lo[j], changed = -lim, true
		}
	}
	return changed
}

// bounded reports whether the bounds of box prove that no point of g,
// whole or fractional, has sign·w·z at least sign·w·z0 + 1: whether the
// most sign·w·z takes within the bounds, or the right-hand side of a
// constraint sharing a variable with w plus the most sign·w·z less that
// constraint takes within them, is below it. Each is an upper bound of
// sign·w·z over the region, so the answer "no" is exact.
func (g *region) bounded(w row, sign int64) bool {
	if !g.boxed {
		g.box()
	}
	if !g.small || !g.boxUsable || !usable(w, 0) {
		// Not for a region whose true point breaks an inequality (a
		// slack below 0, which g.small excludes): its points, if any,
		// are not what the bounds speak of, and the simplex answers
		// such regions its own way.
		return false
	}
	goal := sign*w.dot(g.z0) + 1
	if u, ok := g.maxLess(w, sign, row{}, 0); ok && u < goal {
		return true
	}
	// The inequalities of w's variables, through indexTerms, each once
	// (an inequality of an earlier variable of w is skipped); all are
	// usable, since g.small holds.
	g.indexTerms()
	for m, j := range w.idx {
	rows:
		for k := g.termStart[j]; k < g.termStart[j+1]; k++ {
			i := g.termRow[k]
			r := g.ineq[i]
			for _, e := range w.idx[:m] {
				if coefAt(r, e) != 0 {
					continue rows
				}
			}
			if u, ok := g.maxLess(w, sign, r, 1); ok && u+g.rhs[i] < goal {
				return true
			}
		}
	}
	eqAt0 := g.equationsAt0()
	for i, e := range g.eq {
		if !shares(w, e) || !usable(e, eqAt0[i]) {
			continue
		}
		for _, s := range [...]int64{1, -1} {
			if u, ok := g.maxLess(w, sign, e, s); ok && u+s*eqAt0[i] < goal {
				return true
			}
		}
	}
	return false
}

// maxLess returns the most (sign·w - s·r)·z takes within the bounds of
// box; false when it has no most.
func (g *region) maxLess(w row, sign int64, r row, s int64) (int64, bool) {
	var total int64
	for k, j := range r.idx {
		a := -s*r.coef[k] + sign*coefAt(w, j)
		m, ok := g.termMax(a, j)
		if !ok {
			return 0, false
		}
		total += m
	}
	for k, j := range w.idx {
		if coefAt(r, j) != 0 {
			continue // counted with r's terms
		}
		m, ok := g.termMax(sign*w.coef[k], j)
		if !ok {
			return 0, false
		}
		total += m
	}
	return total, true
}

// coefAt returns r's coefficient at variable j (0 when r has none).
func coefAt(r row, j int) int64 {
	for k, i := range r.idx {
		if i == j {
			return r.coef[k]
		}
	}
	return 0
}

// shares reports whether w and r have a variable in common.
func shares(w, r row) bool {
	for _, j := range w.idx {
		if coefAt(r, j) != 0 {
			return true
		}
	}
	return false
}
