package disclosure

import (
	"math"
	"math/big"
)

// The audit asks one question of a set of linear constraints: can a
// linear measure of the counts move by at least one whole person from
// its true value, over every solution a reader cannot rule out? The
// constraints are equations with small whole coefficients (the
// relations), inequalities with whole coefficients and bounds (the
// reasons' bounds, non-negativity), and the true counts satisfy them.
//
// The question is answered in floating point first: the solutions are
// parametrized as z = z0 + N t over the free directions t of the
// equations, and a simplex method maximizes the move over t. Floating
// point can err both ways (the simplex once reported +Inf on bounded
// programs), so every "yes" is checked exactly: the point the simplex
// found is rounded to a fraction with a small denominator and checked
// against the original constraints in integer arithmetic. A "yes" that
// fails the check is decided by the exact simplex of exact.go, in
// rational arithmetic. A "no" needs no check: it hides a cell.
//
// The simplex method is written here rather than taken from gonum's
// optimize/convex/lp: that Simplex searches for a first feasible basis by
// repeated QR factorizations, which took minutes on programs of a few
// hundred columns, and has no rule against cycling on the degenerate
// programs plans give. The audit's programs always start from a known
// solution (the true counts), so a condensed tableau from the slack basis
// with Bland's rule needs no first phase.

// row is a linear form with whole coefficients over the variables.
type row struct {
	idx  []int
	coef []int64
}

func (r row) dot(z []int64) int64 {
	var s int64
	for k, j := range r.idx {
		s += r.coef[k] * z[j]
	}
	return s
}

// directions are the free directions of a set of equations: the
// solutions of the homogeneous equations are N t. Regions that share the
// equations share their directions.
type directions struct {
	eq []row
	v  int
	n  [][]float64 // v × d, in floating point
	// pivots holds the column each equation was solved for, -1 for an
	// equation that depends on earlier ones.
	pivots []int
	// exact is N in rational arithmetic, with the same free variables,
	// computed when first needed.
	exact [][]*big.Rat
	// whole holds, once moves needs it, each free direction's column of
	// N rounded where every entry is within 1e-9 of a whole number (nil
	// otherwise), and level whether every equation vanishes on that
	// rounded column exactly: a whole move along it then keeps every
	// equation, as holds would find at each point it reaches.
	whole [][]int64
	level []bool
	// nonNeg holds, per variable, the form -z_v and its row of a (see
	// region.nonNegative), made when first needed.
	nonNeg  []row
	nonNegA [][]float64
	// found holds up to maxRecalled points found in regions of these
	// directions, for recall; next is the oldest once it is full.
	found []found
	next  int
	// small holds, per whole column, whether its entries are small
	// enough for exact integer sums (smallColumn): 0 not yet known, 1
	// yes, 2 no.
	small []int8
	// steps lists the directions pairs steps along (steppable).
	steps []int
	ids   int // the ids given so far
}

func newDirections(v int, eq []row) *directions {
	n, pivots := freeDirections(v, eq)
	return &directions{eq: eq, v: v, n: n, pivots: pivots}
}

// wholeColumns returns whole and level (see directions), computing them
// the first time.
func (ds *directions) wholeColumns() (whole [][]int64, level []bool) {
	const eps = 1e-9
	if ds.whole != nil || len(ds.n) == 0 {
		return ds.whole, ds.level
	}
	d := len(ds.n[0])
	ds.whole, ds.level = make([][]int64, d), make([]bool, d)
	for q := range d {
		col := make([]int64, len(ds.n))
		integral := true
		for j, r := range ds.n {
			v := r[q]
			if math.Abs(v-math.Round(v)) > eps {
				integral = false
				break
			}
			col[j] = int64(math.Round(v))
		}
		if !integral {
			continue
		}
		ds.whole[q], ds.level[q] = col, true
		for _, e := range ds.eq {
			if e.dot(col) != 0 {
				ds.level[q] = false
				break
			}
		}
	}
	return ds.whole, ds.level
}

func (ds *directions) exactN() [][]*big.Rat {
	if ds.exact == nil {
		ds.exact = exactFreeDirections(ds.v, ds.eq, ds.pivots)
	}
	return ds.exact
}

// region is the set of points z with eq z = eq z0 and ineq z <= rhs,
// which z0 satisfies.
type region struct {
	z0   []int64
	dirs *directions
	eq   []row
	ineq []row
	rhs  []int64
	// Floating point view: z = z0 + n t, a t <= b (b = rhs - ineq z0),
	// a and b made by floats when the simplex needs them; nonNegOf
	// holds, per inequality, the variable v of a nonNegative one (whose
	// row of a its directions share), -1 for others.
	n        [][]float64 // len(z0) × d
	a        [][]float64
	b        []float64
	nonNegOf []int32
	// exact, once needed, is the region in rational arithmetic.
	exact *exactRegion
	// exactSolves counts the questions the exact simplex settled.
	exactSolves int
	// eqAt0 caches eq z0 for holds; slab is where dir cuts the rows of
	// a, from the last buffer made, slabAll; z and zf are scratch for
	// moves and certify.
	eqAt0   []int64
	slab    []float64
	slabAll []float64
	z       []int64
	zf      []float64
	c       []float64 // reach's w N
	// slack holds, per inequality, rhs - ineq·z0 (what z0 leaves of its
	// bound, a whole number), and small whether every slack is at least
	// 0 (z0 is a point of the region) and every inequality's
	// coefficients, bound and slack are small enough for the exact
	// integer sums of shortcut.go and bounds.go (see usable): the
	// shortcuts answer only then.
	slack []int64
	small bool
	// The caches of shortcut.go, for the region's inequalities as they
	// are (sided says they are): colSides, sidesOf each whole column of
	// N (moves), from colDots, the column's product with each inequality
	// (cut from dotSlab; pairs reads them too); foundSides, sidesOf each
	// point of dirs.found (recall, by the point's id); termStart, termRow
	// and termCoef, the inequalities by variable (indexTerms, while
	// indexed; dotNext is its scratch); dots, sidesOf's scratch (all
	// zero between calls); wmove, pairs' w·column per column.
	colSides   []uint8
	colDots    [][]int64
	dotSlab    []int64
	foundSides [maxRecalled]struct {
		id    int
		sides uint8
	}
	termStart, dotNext []int32
	termRow            []int32
	termCoef           []int64
	indexed            bool
	dots               []int64
	wmove              []int64
	sided              bool
	// lo and hi are box's bounds on each variable, valid while boxed;
	// boxUsable is false when they could not be computed exactly.
	lo, hi           []int64
	boxed, boxUsable bool
}

// newRegion returns the region of the equations eq, which z0 satisfies.
func newRegion(z0 []int64, eq []row) *region {
	return regionOf(z0, newDirections(len(z0), eq))
}

// regionOf returns the region of the equations of ds through z0.
func regionOf(z0 []int64, ds *directions) *region {
	// The audit adds a few inequalities per variable: room for them
	// saves growing the slices one doubling at a time.
	c := 2*len(z0) + 8
	return &region{z0: z0, dirs: ds, eq: ds.eq, n: ds.n, ineq: make([]row, 0, c), rhs: make([]int64, 0, c), slack: make([]int64, 0, c), small: true}
}

// reset makes g the region of the same equations through z0, with no
// inequality, reusing g's memory: the region g was is gone (nothing
// holds its rows of a but g).
func (g *region) reset(z0 []int64) {
	g.z0 = z0
	g.ineq, g.rhs, g.slack, g.small, g.sided = g.ineq[:0], g.rhs[:0], g.slack[:0], true, false
	g.a, g.b, g.nonNegOf = g.a[:0], g.b[:0], g.nonNegOf[:0]
	g.slab = g.slabAll
	g.exact, g.exactSolves, g.eqAt0 = nil, 0, nil
	g.boxed = false
}

// free returns the number of free directions.
func (g *region) free() int {
	if len(g.n) == 0 {
		return 0
	}
	return len(g.n[0])
}

// freeDirections returns N, v × d: the solutions of the homogeneous
// equations eq over v variables are N t (reduced row echelon form in
// floating point; its errors are caught by the exact checks), and the
// column each equation was solved for (-1 when it depends on others).
func freeDirections(v int, eq []row) ([][]float64, []int) {
	const eps = 1e-9
	var rows [][]float64
	var pivots []int
	solved := make([]int, len(eq))
	for ei, e := range eq {
		solved[ei] = -1
		r := make([]float64, v)
		for k, j := range e.idx {
			r[j] += float64(e.coef[k])
		}
		for k, br := range rows {
			if f := r[pivots[k]]; f != 0 {
				for j := range r {
					r[j] -= f * br[j]
				}
			}
		}
		p := -1
		for j, c := range r {
			if math.Abs(c) > eps && (p < 0 || math.Abs(c) > math.Abs(r[p])) {
				p = j
			}
		}
		if p < 0 {
			continue
		}
		solved[ei] = p
		pv := r[p]
		for j := range r {
			r[j] /= pv
		}
		for k, br := range rows {
			if f := br[p]; f != 0 {
				for j := range br {
					br[j] -= f * r[j]
				}
				rows[k] = br
			}
		}
		rows, pivots = append(rows, r), append(pivots, p)
	}
	isPivot := make([]int, v)
	for j := range isPivot {
		isPivot[j] = -1
	}
	for k, p := range pivots {
		isPivot[p] = k
	}
	var free []int
	for j := range v {
		if isPivot[j] < 0 {
			free = append(free, j)
		}
	}
	n := make([][]float64, v)
	for j := range v {
		n[j] = make([]float64, len(free))
		if k := isPivot[j]; k >= 0 {
			for q, f := range free {
				n[j][q] = -rows[k][f]
			}
		}
	}
	for q, f := range free {
		n[f][q] = 1
	}
	return n, solved
}

// dir returns w N, the change of w·z per unit of t.
func (g *region) dir(w row) []float64 {
	out := make([]float64, g.free())
	g.dirInto(out, w)
	return out
}

// dirInto sets out, of length free(), to w N, whatever out held before
// (reach passes a buffer it reuses). Clearing out first also writes
// fresh memory before it is read (see cx's writeFirst).
func (g *region) dirInto(out []float64, w row) {
	clear(out)
	for k, j := range w.idx {
		c := float64(w.coef[k])
		for q, x := range g.n[j] {
			out[q] += c * x
		}
	}
}

// atMost adds the inequality w·z <= rhs (which z0 satisfies).
func (g *region) atMost(w row, rhs int64) {
	slack := rhs - w.dot(g.z0)
	g.ineq, g.rhs, g.slack = append(g.ineq, w), append(g.rhs, rhs), append(g.slack, slack)
	g.small = g.small && usable(w, rhs) && usable(w, slack) && slack >= 0
	g.sided = false
	g.nonNegOf = append(g.nonNegOf, -1)
	g.exact, g.boxed = nil, false
}

// floats makes the rows of a and b of the inequalities added since the
// last call: the floating point view only the simplex reads, made when
// it is first needed (most questions are settled without it): per
// inequality, in their order, w N cut from a slab, or for a nonNegative
// one the row its directions share (nonNegA); b is the slack, at least
// 0.
func (g *region) floats() {
	d := g.free()
	if d == 0 || len(g.a) == len(g.ineq) {
		return
	}
	if g.a == nil {
		g.a, g.b = make([][]float64, 0, cap(g.ineq)), make([]float64, 0, cap(g.ineq))
	}
	ds := g.dirs
	for i := len(g.a); i < len(g.ineq); i++ {
		w := g.ineq[i]
		if v := g.nonNegOf[i]; v >= 0 {
			if ds.nonNegA[v] == nil {
				ds.nonNegA[v] = make([]float64, d)
				g.dirInto(ds.nonNegA[v], w)
			}
			g.a = append(g.a, ds.nonNegA[v])
			g.b = append(g.b, float64(max(g.slack[i], 0)))
			continue
		}
		// The row of a is cut from a slab rather than allocated alone.
		if len(g.slab) < d {
			g.slabAll = make([]float64, d*max(16, len(g.ineq)-i))
			g.slab = g.slabAll
		}
		a := g.slab[:d:d]
		g.slab = g.slab[d:]
		g.dirInto(a, w)
		g.a = append(g.a, a)
		g.b = append(g.b, float64(max(g.slack[i], 0)))
	}
}

// nonNegative adds the inequality -z_v <= 0, as atMost(unit(v, -1), 0)
// does, with the form and its row of a made once for every region of
// the same directions: the audit adds it for every variable of every
// measure's region. The row of a is shared, and only read.
func (g *region) nonNegative(v int) {
	ds := g.dirs
	if ds.nonNeg == nil {
		ds.nonNeg, ds.nonNegA = make([]row, ds.v), make([][]float64, ds.v)
	}
	w := ds.nonNeg[v]
	if w.idx == nil {
		w = unit(v, -1)
		ds.nonNeg[v] = w
	}
	g.ineq, g.rhs, g.slack = append(g.ineq, w), append(g.rhs, 0), append(g.slack, g.z0[v])
	g.small = g.small && usable(w, g.z0[v]) && g.z0[v] >= 0
	g.sided = false
	g.nonNegOf = append(g.nonNegOf, int32(v))
	g.exact, g.boxed = nil, false
}

// reach reports whether some point of the region has w·z at least one
// above w·z0 (sign +1) or at least one below it (sign -1). A true answer
// is always backed by a point checked exactly; a false one may err toward
// false only where floating point misjudged, which hides more.
func (g *region) reach(w row, sign int64) bool {
	if g.free() == 0 {
		return false
	}
	// A point found for an earlier question, then a whole step along a
	// free direction, then bounds, then two whole steps (shortcut.go):
	// each answers exactly when it answers at all; the simplex decides
	// the rest.
	if reachShortcuts && g.recall(w, sign) {
		return true
	}
	// w N, in a buffer of the region's: nothing keeps it past the
	// question.
	if cap(g.c) < g.free() {
		g.c = make([]float64, g.free())
	}
	c := g.c[:g.free()]
	g.dirInto(c, w)
	if g.moves(c, w, sign) {
		return true
	}
	if reachShortcuts {
		if g.bounded(w, sign) {
			return false
		}
		if g.pairs(w, sign) {
			return true
		}
	}
	for q := range c {
		c[q] *= float64(sign)
	}
	g.floats()
	t, ok := maximize(g.a, g.b, c, 1)
	if !ok {
		return false // the floating point optimum is below 1: hide
	}
	if g.certify(w, sign, t) || g.certifyExactly(w, sign, t) {
		return true
	}
	g.exactSolves++
	if g.exact == nil {
		g.exact = newExactRegion(g)
	}
	return g.exact.reach(w, sign)
}

// certify reports whether the point z0 + N t, or a fraction with a small
// denominator near it, satisfies every constraint exactly with w·z at
// least one away from w·z0 in the direction sign.
func (g *region) certify(w row, sign int64, t []float64) bool {
	if cap(g.zf) < len(g.z0) {
		g.zf = make([]float64, len(g.z0))
	}
	if cap(g.z) < len(g.z0) {
		g.z = make([]int64, len(g.z0))
	}
	zf := g.zf[:len(g.z0)]
	for j := range zf {
		zf[j] = float64(g.z0[j])
		for q, x := range g.n[j] {
			zf[j] += x * t[q]
		}
	}
	num := g.z[:len(zf)]
	for i := range len(simpleDenominators) + 1 {
		var den int64
		if i < len(simpleDenominators) {
			den = simpleDenominators[i]
		} else {
			den = denominator(zf)
		}
		okRound := den > 0
		for j, x := range zf {
			v := math.Round(x * float64(den))
			if !okRound || math.Abs(v) > 1<<50 {
				okRound = false
				break
			}
			num[j] = int64(v)
		}
		if okRound && g.holds(num, den, w, sign) {
			g.remember(num, den)
			return true
		}
	}
	return false
}

// simpleDenominators are the denominators certify tries before the one
// the point's coordinates suggest.
var simpleDenominators = [...]int64{1, 2, 3, 4, 6, 12}

// denominator returns the least common multiple of the denominators of
// the simplest fractions within 1e-7 of each of xs (continued fractions,
// denominators up to 10^4), or 0 when it exceeds 10^7.
func denominator(xs []float64) int64 {
	den := int64(1)
	for _, x := range xs {
		f := x - math.Floor(x)
		if f < 1e-7 || f > 1-1e-7 {
			continue
		}
		// Continued fraction of f: convergents p/q.
		p0, q0, p1, q1 := int64(0), int64(1), int64(1), int64(0)
		y := f
		q := int64(0)
		for range 20 {
			a := math.Floor(y)
			p0, q0, p1, q1 = p1, q1, int64(a)*p1+p0, int64(a)*q1+q0
			if q1 > 10000 {
				return 0
			}
			if math.Abs(f-float64(p1)/float64(q1)) < 1e-7 {
				q = q1
				break
			}
			if y-a < 1e-12 {
				break
			}
			y = 1 / (y - a)
		}
		if q == 0 {
			return 0
		}
		den = den / gcd(den, q) * q
		if den > 1e7 {
			return 0
		}
	}
	return den
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// certifyExactly reports whether the point z0 + N t, with N exact and t
// rounded to simple fractions (continued fractions, denominators up to
// 10^4), satisfies every inequality exactly with w·z at least one away
// from w·z0 in the direction sign. The equations hold by construction.
func (g *region) certifyExactly(w row, sign int64, t []float64) bool {
	n := g.dirs.exactN()
	tr := make([]*big.Rat, len(t))
	for q, x := range t {
		r, ok := simpleFraction(x)
		if !ok {
			return false
		}
		tr[q] = r
	}
	z := make([]*big.Rat, len(g.z0))
	var tmp big.Rat
	for j := range z {
		z[j] = new(big.Rat).SetInt64(g.z0[j])
		for q, x := range n[j] {
			if x.Sign() != 0 && tr[q].Sign() != 0 {
				z[j].Add(z[j], tmp.Mul(x, tr[q]))
			}
		}
	}
	dot := func(r row) *big.Rat {
		s := new(big.Rat)
		for k, j := range r.idx {
			s.Add(s, tmp.Mul(tmp.SetInt64(r.coef[k]), z[j]))
		}
		return s
	}
	for i, r := range g.ineq {
		if dot(r).Cmp(new(big.Rat).SetInt64(g.rhs[i])) > 0 {
			return false
		}
	}
	move := dot(w)
	move.Sub(move, new(big.Rat).SetInt64(w.dot(g.z0)))
	if sign < 0 {
		move.Neg(move)
	}
	return move.Cmp(big.NewRat(1, 1)) >= 0
}

// simpleFraction returns the simplest fraction within 1e-6 of x with a
// denominator up to 10^4.
func simpleFraction(x float64) (*big.Rat, bool) {
	if math.IsNaN(x) || math.Abs(x) > 1<<40 {
		return nil, false
	}
	fl := math.Floor(x)
	f := x - fl
	p0, q0, p1, q1 := int64(0), int64(1), int64(1), int64(0)
	y := f
	for range 30 {
		a := math.Floor(y)
		p0, q0, p1, q1 = p1, q1, int64(a)*p1+p0, int64(a)*q1+q0
		if q1 > 10000 {
			return nil, false
		}
		if math.Abs(f-float64(p1)/float64(q1)) < 1e-6 {
			return new(big.Rat).Add(new(big.Rat).SetInt64(int64(fl)), big.NewRat(p1, q1)), true
		}
		if y-a < 1e-12 {
			break
		}
		y = 1 / (y - a)
	}
	return nil, false
}

// holds reports whether z = num/den satisfies every constraint of the
// region exactly and moves w·z by at least one in the direction sign.
func (g *region) holds(num []int64, den int64, w row, sign int64) bool {
	eqAt0 := g.equationsAt0()
	for i, e := range g.eq {
		if e.dot(num) != den*eqAt0[i] {
			return false
		}
	}
	return g.within(num, den, w, sign)
}

// within is holds without the equations: whether z = num/den satisfies
// every inequality exactly and moves w·z by at least one in the
// direction sign.
func (g *region) within(num []int64, den int64, w row, sign int64) bool {
	for i, r := range g.ineq {
		if r.dot(num) > den*g.rhs[i] {
			return false
		}
	}
	return sign*(w.dot(num)-den*w.dot(g.z0)) >= den
}

// moves reports whether a single whole-number move along one free
// direction reaches a point of the region where w·z moved by at least
// one in the direction sign, checked exactly; c is w N. The directions
// whose columns of N are whole are found once (directions.wholeColumns),
// and so is whether the equations hold along them: z0 satisfies them, so
// z0 ± a column satisfies them exactly when they vanish on the column.
func (g *region) moves(c []float64, w row, sign int64) bool {
	if cap(g.z) < len(g.z0) {
		g.z = make([]int64, len(g.z0))
	}
	z := g.z[:len(g.z0)]
	whole, level := g.dirs.wholeColumns()
	for q, x := range c {
		if math.Abs(x) < 0.5 || !level[q] {
			continue
		}
		step := int64(1)
		if x*float64(sign) < 0 {
			step = -1
		}
		if sides := g.columnSides(q, whole[q]); sides != 0 && usable(w, 0) {
			// within's check of z0 + step·column, from the sides the
			// inequalities allow the column (see sidesOf) and the move
			// of w, step·(w·column).
			if sign*step*w.dot(whole[q]) < 1 || sides&sideOf(step) == 0 {
				continue
			}
			for j, v := range whole[q] {
				z[j] = g.z0[j] + step*v
			}
			g.remember(z, 1)
			return true
		}
		for j, v := range whole[q] {
			z[j] = g.z0[j] + step*v
		}
		if g.within(z, 1, w, sign) {
			g.remember(z, 1)
			return true
		}
	}
	return false
}
