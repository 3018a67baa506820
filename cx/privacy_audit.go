package cx

import (
	"maps"
	"math"
	"slices"
)

// The audit of a plan: after the rules of [Privacy.Plan] hold, it solves,
// by linear programming, what a reader can work out of each protected
// group from everything shown (the counts and answers of shown cells, the
// relations, the bounds the reasons reveal, and that a group holds at
// least as many respondents as answers to an item, and at least as many
// answers as favorable answers). Where a count, a favorable count or a
// unanimous favorable share is pinned, it hides one more cell and plans
// again. The linear programs are solved per connected group of cells not
// shown, which in a plan are small.
//
// The simplex method is written here rather than taken from gonum's
// optimize/convex/lp: that Simplex searches for a first feasible basis by
// repeated QR factorizations, which took minutes on programs of a few
// hundred columns, and has no rule against cycling on the degenerate
// programs plans give. The audit's programs always start from a known
// solution (the true counts), so a condensed tableau from the slack basis
// with Bland's rule needs no first phase; the package's tests check it
// against gonum's Simplex on random programs.

// region is the set of points z = z0 + N t with A t <= b, b >= 0: the
// solutions of a system of equations and inequalities that z0 satisfies,
// parametrized by the free directions t of the equations.
type region struct {
	z0 []float64
	n  [][]float64 // len(z0) × d
	a  [][]float64 // rows over t
	b  []float64
}

// newRegion returns the region of the equations eq (rows over z, which z0
// satisfies).
func newRegion(z0 []float64, eq []map[int]float64) *region {
	return &region{z0: z0, n: freeDirections(len(z0), eq)}
}

// freeDirections returns N, v × d: the solutions of the homogeneous
// equations eq over v variables are N t.
func freeDirections(v int, eq []map[int]float64) [][]float64 {
	const eps = 1e-9
	// Reduced row echelon form of eq.
	var rows [][]float64
	var pivots []int
	for _, e := range eq {
		r := make([]float64, v)
		for j, c := range e {
			r[j] = c
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
	return n
}

// dir returns w N, the change of w·z per unit of t.
func (g *region) dir(w map[int]float64) []float64 {
	out := make([]float64, len(g.n[0]))
	for j, c := range w {
		for q, x := range g.n[j] {
			out[q] += c * x
		}
	}
	return out
}

// at returns w·z0.
func (g *region) at(w map[int]float64) float64 {
	var s float64
	for j, c := range w {
		s += c * g.z0[j]
	}
	return s
}

// atMost adds the inequality w·z <= rhs.
func (g *region) atMost(w map[int]float64, rhs float64) {
	if len(g.n) == 0 || len(g.n[0]) == 0 {
		return
	}
	g.a = append(g.a, g.dir(w))
	g.b = append(g.b, max(rhs-g.at(w), 0))
}

// step returns the moves t = ±e_q (one free direction) that keep z in
// the region and whole: sign +1 or -1 per direction, 0 for none.
func (g *region) step(q int) (plus, minus bool) {
	const eps = 1e-9
	for _, row := range g.n {
		if x := row[q]; math.Abs(x-math.Round(x)) > eps {
			return false, false
		}
	}
	plus, minus = true, true
	for i, row := range g.a {
		if row[q] > g.b[i]+eps {
			plus = false
		}
		if -row[q] > g.b[i]+eps {
			minus = false
		}
	}
	return plus, minus
}

// moves reports whether a single move along a free direction reaches
// another whole-number point of the region where w·z is larger (up) or
// smaller (down).
func (g *region) moves(w map[int]float64, up, down bool) bool {
	if len(g.n) == 0 || len(g.n[0]) == 0 {
		return false
	}
	for q, c := range g.dir(w) {
		if math.Abs(c) < 0.5 {
			continue
		}
		plus, minus := g.step(q)
		if up && (c > 0 && plus || c < 0 && minus) || down && (c < 0 && plus || c > 0 && minus) {
			return true
		}
	}
	return false
}

// span returns the integers w·z can take in the region, from the rounded
// least and greatest values; hi is +Inf when unbounded. ok is false when
// the solver gave up.
func (g *region) span(w map[int]float64) (lo, hi float64, ok bool) {
	v := g.at(w)
	if len(g.n) == 0 || len(g.n[0]) == 0 {
		return math.Round(v), math.Round(v), true
	}
	c := g.dir(w)
	up, ok1 := maximize(g.a, g.b, c)
	neg := make([]float64, len(c))
	for i, x := range c {
		neg[i] = -x
	}
	down, ok2 := maximize(g.a, g.b, neg)
	return math.Ceil(v - down - 1e-6), math.Floor(v + up + 1e-6), ok1 && ok2
}

// maximize returns the maximum of c·t subject to a t <= b (b >= 0), t
// free, by the simplex method on a condensed tableau from the slack basis
// (t = 0 is feasible), with Bland's rule against cycling; +Inf when
// unbounded. ok is false when it gave up after too many pivots.
func maximize(a [][]float64, b, c []float64) (float64, bool) {
	const eps = 1e-9
	d := len(c)
	n := 2 * d // t = t+ - t-
	m := len(a)
	t := make([][]float64, m+1)
	for i := range m {
		row := make([]float64, n+1)
		for q, x := range a[i] {
			row[q], row[d+q] = x, -x
		}
		row[n] = b[i]
		t[i] = row
	}
	obj := make([]float64, n+1)
	for q, x := range c {
		obj[q], obj[d+q] = -x, x
	}
	t[m] = obj
	nonbasic := make([]int, n) // labels: 0..n-1 structural, n.. slack
	for j := range nonbasic {
		nonbasic[j] = j
	}
	basic := make([]int, m)
	for i := range basic {
		basic[i] = n + i
	}
	for iter := 0; iter < 50000; iter++ {
		col := -1
		for j := range n {
			if t[m][j] < -eps && (col < 0 || nonbasic[j] < nonbasic[col]) {
				col = j
			}
		}
		if col < 0 {
			return t[m][n], true
		}
		row := -1
		var best float64
		for i := range m {
			if t[i][col] > eps {
				r := t[i][n] / t[i][col]
				if row < 0 || r < best-eps || r < best+eps && basic[i] < basic[row] {
					row, best = i, r
				}
			}
		}
		if row < 0 {
			return math.Inf(1), true
		}
		p := t[row][col]
		pr := t[row]
		for i := range m + 1 {
			if i == row {
				continue
			}
			f := t[i][col] / p
			if f == 0 {
				continue
			}
			ri := t[i]
			for k := range n + 1 {
				if k != col {
					ri[k] -= f * pr[k]
				}
			}
			ri[col] = -f
		}
		for k := range n + 1 {
			if k != col {
				pr[k] /= p
			}
		}
		pr[col] = 1 / p
		basic[row], nonbasic[col] = nonbasic[col], basic[row]
	}
	return 0, false
}

// audit solves what a reader can work out of each protected group and
// hides one more cell for the first group pinned in each connected group
// of cells not shown; it reports whether it hid one.
func (pl *planner) audit() bool {
	hid := false
	unknown := func(i int) bool { nd := &pl.nodes[i]; return nd.n > 0 && (nd.virtual || nd.hidden) }
	protected := func(i int) bool { nd := &pl.nodes[i]; return nd.n > 0 && nd.hidden }
	// Connected groups of cells not shown, through the relations.
	parent := make([]int, len(pl.nodes))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for _, r := range pl.rels {
		first := -1
		for _, x := range append([]int{r.total}, r.parts...) {
			if !unknown(x) {
				continue
			}
			if first < 0 {
				first = x
			} else if a, b := find(first), find(x); a != b {
				parent[max(a, b)] = min(a, b)
			}
		}
	}
	comps := map[int][]int{}
	for i := range pl.nodes {
		if unknown(i) {
			comps[find(i)] = append(comps[find(i)], i)
		}
	}
	for _, root := range slices.Sorted(maps.Keys(comps)) {
		comp := comps[root]
		if !slices.ContainsFunc(comp, protected) {
			continue
		}
		// A large group is audited around each protected cell, the cells
		// farther away taken as known (their true values): a count free
		// there is free in the whole, so the audit stays sound, if more
		// cautious.
		if len(comp) <= maxAuditCells {
			if x, ok := pl.pinned(comp, comp, protected); ok && pl.mendFrom(x) {
				hid = true
			}
			continue
		}
		for _, x := range comp {
			if !protected(x) {
				continue
			}
			if _, ok := pl.pinned(pl.around(x, unknown), []int{x}, protected); ok && pl.mendFrom(x) {
				hid = true
				break
			}
		}
	}
	return hid
}

// maxAuditCells is the most cells one linear program of the audit holds.
const maxAuditCells = 48

// around returns up to maxAuditCells unknown cells nearest x through the
// relations, x first.
func (pl *planner) around(x int, unknown func(int) bool) []int {
	out := []int{x}
	seen := map[int]bool{x: true}
	for i := 0; i < len(out) && len(out) < maxAuditCells; i++ {
		for _, ri := range pl.relsOf[out[i]] {
			r := pl.rels[ri]
			for _, y := range append([]int{r.total}, r.parts...) {
				if !seen[y] && unknown(y) && len(out) < maxAuditCells {
					seen[y] = true
					out = append(out, y)
				}
			}
		}
	}
	return out
}

// pinned returns the first protected node of targets whose count, or
// whose answers on some measure, a reader can pin down, solving over the
// cells of comp (cells not shown, targets among them) with every other
// cell taken as known.
func (pl *planner) pinned(comp, targets []int, protected func(int) bool) (int, bool) {
	col := make(map[int]int, len(comp))
	for j, x := range comp {
		col[x] = j
	}
	k := len(comp)
	// The relations touching comp, once each, in a fixed order.
	var rels []int
	seen := map[int]bool{}
	for _, x := range comp {
		for _, ri := range pl.relsOf[x] {
			if !seen[ri] {
				seen[ri] = true
				rels = append(rels, ri)
			}
		}
	}
	slices.Sort(rels)
	// equations returns the relations over comp at offset off; with q >= 0,
	// only those whose known terms have known answers.
	equations := func(off int, q bool) []map[int]float64 {
		var out []map[int]float64
		for _, ri := range rels {
			r := pl.rels[ri]
			row := map[int]float64{}
			ok := true
			term := func(x int, sign float64) {
				if j, in := col[x]; in {
					row[off+j] += sign
				} else if q && pl.nodes[x].n > 0 && pl.nodes[x].ans == nil {
					ok = false
				}
			}
			term(r.total, 1)
			for _, p := range r.parts {
				term(p, -1)
			}
			if ok && len(row) > 0 {
				out = append(out, row)
			}
		}
		return out
	}
	// bounds adds what the reasons tell of the counts, n(j) giving the
	// count of comp[j] as a combination of the variables.
	bounds := func(g *region, n func(j int) map[int]float64) {
		for j, x := range comp {
			nd := &pl.nodes[x]
			if nd.virtual {
				continue
			}
			w := n(j)
			if nd.reason.Kind == BelowMinimum {
				g.atMost(w, float64(nd.reason.Min-1))
			} else {
				neg := map[int]float64{}
				for i, c := range w {
					neg[i] = -c
				}
				g.atMost(neg, -float64(nd.reason.Min))
			}
		}
	}
	nonNegative := func(g *region) {
		for i := range g.z0 {
			g.atMost(map[int]float64{i: -1}, 0)
		}
	}
	z0 := make([]float64, k)
	for j, x := range comp {
		z0[j] = float64(pl.nodes[x].n)
	}
	counts := newRegion(z0, equations(0, false))
	nonNegative(counts)
	bounds(counts, func(j int) map[int]float64 { return map[int]float64{j: 1} })
	for _, x := range targets {
		j := col[x]
		if !protected(x) {
			continue
		}
		w := map[int]float64{j: 1}
		if counts.moves(w, true, true) {
			continue
		}
		if lo, hi, ok := counts.span(w); !ok || lo >= hi {
			return x, true
		}
	}
	if pl.space == nil || slices.ContainsFunc(comp, func(x int) bool { return pl.nodes[x].ans == nil }) {
		return 0, false
	}
	// Per measure: the respondents who did not answer (s), the favorable
	// (f) and the other (g) answers, at 0, k and 2k. The equations are the
	// same for every measure; only the true point differs.
	eq := equations(0, true)
	eq = append(eq, equations(k, true)...)
	eq = append(eq, equations(2*k, true)...)
	free := freeDirections(3*k, eq)
	for m := range pl.space.ms {
		if !slices.ContainsFunc(targets, func(x int) bool { return protected(x) && pl.nodes[x].ans[2*m] > 0 }) {
			continue
		}
		z0 := make([]float64, 3*k)
		for j, x := range comp {
			nd := &pl.nodes[x]
			z0[j] = float64(nd.n - nd.ans[2*m])
			z0[k+j] = float64(nd.ans[2*m+1])
			z0[2*k+j] = float64(nd.ans[2*m] - nd.ans[2*m+1])
		}
		g := &region{z0: z0, n: free}
		nonNegative(g)
		bounds(g, func(j int) map[int]float64 { return map[int]float64{j: 1, k + j: 1, 2*k + j: 1} })
		for _, x := range targets {
			j := col[x]
			nd := &pl.nodes[x]
			if !protected(x) || nd.ans[2*m] == 0 {
				continue
			}
			n := map[int]float64{j: 1, k + j: 1, 2*k + j: 1}
			f := map[int]float64{k + j: 1}
			u := map[int]float64{2*k + j: 1}
			// Moves to other whole-number solutions settle most cells
			// without solving: the count and favorable count change, and
			// favorable and unfavorable answers each exist in some
			// solution.
			fav, unfav := nd.ans[2*m+1] > 0, nd.ans[2*m] > nd.ans[2*m+1]
			if g.moves(n, true, true) && g.moves(f, true, true) && (fav || g.moves(f, true, false)) && (unfav || g.moves(u, true, false)) {
				continue
			}
			if lo, hi, ok := g.span(n); !ok || lo >= hi {
				return x, true
			}
			lo, hi, ok := g.span(f)
			switch {
			case !ok:
				return x, true
			case hi <= 0: // none favorable, surely
				if !pl.toldBy(x, m, true) {
					return x, true
				}
				continue
			case lo >= hi:
				return x, true
			}
			if _, rest, ok := g.span(u); !ok || rest <= 0 && !pl.toldBy(x, m, false) {
				return x, true
			}
		}
	}
	return 0, false
}
