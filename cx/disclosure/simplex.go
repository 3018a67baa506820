package disclosure

import "sync"

// maximize looks for a t with c·t >= target subject to a t <= b (b >= 0),
// t free, by the simplex method on a condensed tableau from the slack
// basis (t = 0 is feasible), Dantzig's rule with Bland's after a run of
// degenerate pivots (so that it cannot cycle). It stops
// at the first basic solution (or point along an unbounded ray) whose
// objective is within 1e-6 of target or above, and returns it; ok is
// false when the optimum is below that, or when it gave up after too
// many pivots.
func maximize(a [][]float64, b, c []float64, target float64) (t []float64, ok bool) {
	const perturb = 1e-7
	const eps = 1e-9
	d := len(c)
	n := 2 * d // t = t+ - t-
	m := len(a)
	sc := newSimplexScratch(m, n)
	defer simplexPool.Put(sc)
	tab := sc.tab
	for i := range m {
		r := tab[i]
		for q, x := range a[i] {
			r[q], r[d+q] = x, -x
		}
		// A small perturbation of the right-hand sides keeps the simplex
		// off degenerate vertices, where floating point loses its way.
		r[n] = b[i] + perturb*float64(1+i%97)/97
	}
	obj := tab[m]
	for q, x := range c {
		obj[q], obj[d+q] = -x, x
	}
	nonbasic := sc.nonbasic // labels: 0..n-1 structural, n.. slack
	for j := range nonbasic {
		nonbasic[j] = j
	}
	basic := sc.basic
	for i := range basic {
		basic[i] = n + i
	}
	// point returns t at the basic solution, moved by step along the
	// nonbasic column col (-1 for none).
	point := func(col int, step float64) []float64 {
		if cap(sc.x) < n {
			sc.x = make([]float64, n)
		}
		x := sc.x[:n]
		clear(x)
		for i, l := range basic {
			if l < n {
				x[l] = tab[i][n]
				if col >= 0 {
					x[l] -= step * tab[i][col]
				}
			}
		}
		if col >= 0 && nonbasic[col] < n {
			x[nonbasic[col]] += step
		}
		out := make([]float64, d)
		for q := range d {
			out[q] = x[q] - x[d+q]
		}
		return out
	}
	stalled := 0 // degenerate pivots in a row: Bland's rule after 20
	for iter := 0; iter < 50000; iter++ {
		if tab[m][n] >= target-1e-6 {
			// Perhaps reached (floating point cannot tell at the
			// boundary): the caller checks the point exactly.
			return point(-1, 0), true
		}
		col := -1
		bland := stalled > 20
		for j := range n {
			if tab[m][j] < -eps && (col < 0 || bland && nonbasic[j] < nonbasic[col] || !bland && tab[m][j] < tab[m][col]) {
				col = j
			}
		}
		if col < 0 {
			return nil, false
		}
		row := -1
		var best float64
		for i := range m {
			if tab[i][col] > eps {
				r := tab[i][n] / tab[i][col]
				if row < 0 || r < best-eps || r < best+eps && basic[i] < basic[row] {
					row, best = i, r
				}
			}
		}
		if row < 0 {
			// Unbounded along col: step far enough to pass the target.
			step := (target + 1 - tab[m][n]) / -tab[m][col]
			return point(col, max(step, 0)+1), true
		}
		if best < eps {
			stalled++
		} else {
			stalled = 0
		}
		p := tab[row][col]
		pr := tab[row]
		// The pivot row's nonzero entries: subtracting a multiple of a
		// zero leaves an entry as it was (up to the sign of a zero, which
		// no comparison sees), so the other entries are skipped.
		nz := sc.nz[:0]
		for k, x := range pr {
			if x != 0 && k != col {
				nz = append(nz, k)
			}
		}
		sc.nz = nz
		for i := range m + 1 {
			if i == row {
				continue
			}
			f := tab[i][col] / p
			if f == 0 {
				continue
			}
			ri := tab[i]
			for _, k := range nz {
				ri[k] -= f * pr[k]
			}
			ri[col] = -f
		}
		for _, k := range nz {
			pr[k] /= p
		}
		pr[col] = 1 / p
		basic[row], nonbasic[col] = nonbasic[col], basic[row]
	}
	return nil, false
}

// simplexScratch is the memory of one run of maximize: the tableau in
// one slab, and the labels of the basis. Runs reuse it through
// simplexPool, since the audit solves many small programs in a row.
type simplexScratch struct {
	slab            []float64
	tab             [][]float64
	basic, nonbasic []int
	nz              []int
	x               []float64 // the point, over t+ and t-
}

var simplexPool = sync.Pool{New: func() any { return new(simplexScratch) }}

// newSimplexScratch returns a zeroed tableau of m+1 rows of n+1 entries
// and basis labels for m rows and n columns.
func newSimplexScratch(m, n int) *simplexScratch {
	sc := simplexPool.Get().(*simplexScratch)
	size := (m + 1) * (n + 1)
	if cap(sc.slab) < size {
		sc.slab = make([]float64, size)
	} else {
		sc.slab = sc.slab[:size]
		clear(sc.slab)
	}
	if cap(sc.tab) < m+1 {
		sc.tab = make([][]float64, m+1)
	}
	sc.tab = sc.tab[:m+1]
	for i := range sc.tab {
		sc.tab[i] = sc.slab[i*(n+1) : (i+1)*(n+1) : (i+1)*(n+1)]
	}
	sc.basic = resize(sc.basic, m)
	sc.nonbasic = resize(sc.nonbasic, n)
	return sc
}

func resize(s []int, n int) []int {
	if cap(s) < n {
		return make([]int, n)
	}
	return s[:n]
}
