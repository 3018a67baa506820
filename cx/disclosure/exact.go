package disclosure

import "math/big"

// exactRegion is a region in rational arithmetic: z = z0 + N t with N the
// exact free directions of the equations, and A t <= b the inequalities.
type exactRegion struct {
	z0 []int64
	n  [][]*big.Rat // len(z0) × d
	a  [][]*big.Rat
	b  []*big.Rat
}

// newExactRegion returns g in rational arithmetic.
func newExactRegion(g *region) *exactRegion {
	e := &exactRegion{z0: g.z0, n: g.dirs.exactN()}
	for i, w := range g.ineq {
		e.a = append(e.a, e.dir(w))
		e.b = append(e.b, new(big.Rat).SetInt64(g.rhs[i]-w.dot(g.z0)))
	}
	return e
}

func (e *exactRegion) free() int {
	if len(e.n) == 0 {
		return 0
	}
	return len(e.n[0])
}

// dir returns w N exactly.
func (e *exactRegion) dir(w row) []*big.Rat {
	out := make([]*big.Rat, e.free())
	for q := range out {
		out[q] = new(big.Rat)
	}
	var tmp big.Rat
	for k, j := range w.idx {
		c := new(big.Rat).SetInt64(w.coef[k])
		for q, x := range e.n[j] {
			if x.Sign() != 0 {
				out[q].Add(out[q], tmp.Mul(c, x))
			}
		}
	}
	return out
}

// reach is region.reach in exact arithmetic.
func (e *exactRegion) reach(w row, sign int64) bool {
	if e.free() == 0 {
		return false
	}
	c := e.dir(w)
	if sign < 0 {
		for _, x := range c {
			x.Neg(x)
		}
	}
	res := exactMaximize(e.a, e.b, c, big.NewRat(1, 1))
	return res.reached
}

// exactFreeDirections is freeDirections in rational arithmetic, solving
// each equation for the column prefer gives it when that is possible (so
// that the free variables are those of the floating point solve).
func exactFreeDirections(v int, eq []row, prefer []int) [][]*big.Rat {
	var rows [][]*big.Rat
	var pivots []int
	var tmp big.Rat
	for ei, e := range eq {
		r := make([]*big.Rat, v)
		for j := range r {
			r[j] = new(big.Rat)
		}
		for k, j := range e.idx {
			r[j].Add(r[j], new(big.Rat).SetInt64(e.coef[k]))
		}
		for k, br := range rows {
			if f := new(big.Rat).Set(r[pivots[k]]); f.Sign() != 0 {
				for j := range r {
					if br[j].Sign() != 0 {
						r[j].Sub(r[j], tmp.Mul(f, br[j]))
					}
				}
			}
		}
		p := -1
		if ei < len(prefer) && prefer[ei] >= 0 && r[prefer[ei]].Sign() != 0 {
			p = prefer[ei]
		}
		for j, c := range r {
			if p < 0 && c.Sign() != 0 {
				p = j
				break
			}
		}
		if p < 0 {
			continue
		}
		pv := new(big.Rat).Set(r[p])
		for j := range r {
			if r[j].Sign() != 0 {
				r[j].Quo(r[j], pv)
			}
		}
		for k, br := range rows {
			if f := new(big.Rat).Set(br[p]); f.Sign() != 0 {
				for j := range br {
					if r[j].Sign() != 0 {
						br[j].Sub(br[j], tmp.Mul(f, r[j]))
					}
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
	n := make([][]*big.Rat, v)
	for j := range v {
		n[j] = make([]*big.Rat, len(free))
		for q, f := range free {
			x := new(big.Rat)
			switch {
			case isPivot[j] >= 0:
				x.Neg(rows[isPivot[j]][f])
			case j == f:
				x.SetInt64(1)
			}
			n[j][q] = x
		}
	}
	return n
}

// exactResult is the outcome of exactMaximize: whether the objective
// reached the target, the point reached (t) or, when it did not, the
// optimum and a dual certificate y >= 0 with y A = c and y b = optimum.
type exactResult struct {
	reached bool
	t       []*big.Rat
	optimum *big.Rat
	y       []*big.Rat
}

// exactMaximize looks for t with c·t >= target subject to a t <= b (b >=
// 0), t free, by the simplex method of maximize in exact arithmetic. It
// terminates: Bland's rule takes over from Dantzig's after a run of
// degenerate pivots, and every pivot that is not degenerate raises the
// objective. The tableau is kept in integers
// with one common denominator (integer pivoting: each new entry is
// (entry·pivot - column·row) / previous pivot, an exact division), which
// is much faster than fractions reduced at every step.
func exactMaximize(a [][]*big.Rat, b, c []*big.Rat, target *big.Rat) exactResult {
	d := len(c)
	n := 2 * d
	m := len(a)
	// Rows scaled to integers: row i by scale[i], the objective by lc.
	scale := make([]*big.Int, m)
	tab := make([][]*big.Int, m+1)
	for i := range m {
		l := big.NewInt(1)
		for _, x := range append(append([]*big.Rat{}, a[i]...), b[i]) {
			l = lcm(l, x.Denom())
		}
		scale[i] = l
		r := make([]*big.Int, n+1)
		for q := range d {
			v := scaled(a[i][q], l)
			r[q], r[d+q] = v, new(big.Int).Neg(v)
		}
		r[n] = scaled(b[i], l)
		tab[i] = r
	}
	lc := new(big.Int).Set(target.Denom())
	for _, x := range c {
		lc = lcm(lc, x.Denom())
	}
	obj := make([]*big.Int, n+1)
	for q := range d {
		v := scaled(c[q], lc)
		obj[q], obj[d+q] = new(big.Int).Neg(v), v
	}
	obj[n] = new(big.Int)
	tab[m] = obj
	goal := scaled(target, lc) // the objective row's value is c·t·lc
	den := big.NewInt(1)       // every entry is tab/den; den stays positive
	nonbasic := make([]int, n)
	for j := range nonbasic {
		nonbasic[j] = j
	}
	basic := make([]int, m)
	for i := range basic {
		basic[i] = n + i
	}
	ratOf := func(x *big.Int) *big.Rat { return new(big.Rat).SetFrac(x, den) }
	point := func(col int, step *big.Rat) []*big.Rat {
		x := make([]*big.Rat, n)
		for j := range x {
			x[j] = new(big.Rat)
		}
		for i, l := range basic {
			if l < n {
				x[l] = ratOf(tab[i][n])
				if col >= 0 {
					x[l].Sub(x[l], new(big.Rat).Mul(step, ratOf(tab[i][col])))
				}
			}
		}
		if col >= 0 && nonbasic[col] < n {
			x[nonbasic[col]].Add(x[nonbasic[col]], step)
		}
		out := make([]*big.Rat, d)
		for q := range d {
			out[q] = new(big.Rat).Sub(x[q], x[d+q])
		}
		return out
	}
	var t1, t2 big.Int
	// Dantzig's rule (the most negative reduced cost) takes few pivots;
	// after a run of degenerate pivots, Bland's rule (the lowest label)
	// until one makes progress, so that the method cannot cycle.
	stalled := 0
	for {
		// value >= target: tab[m][n]/den >= goal, den > 0.
		if t1.Mul(goal, den).Cmp(tab[m][n]) <= 0 {
			return exactResult{reached: true, t: point(-1, nil)}
		}
		col := -1
		bland := stalled > 20
		for j := range n {
			if tab[m][j].Sign() >= 0 {
				continue
			}
			if col < 0 || bland && nonbasic[j] < nonbasic[col] || !bland && tab[m][j].Cmp(tab[m][col]) < 0 {
				col = j
			}
		}
		if col < 0 {
			y := make([]*big.Rat, m)
			for i := range y {
				y[i] = new(big.Rat)
			}
			for j, l := range nonbasic {
				if l >= n {
					// The dual of scaled row i, per unit of objective·lc.
					v := ratOf(tab[m][j])
					v.Mul(v, new(big.Rat).SetFrac(scale[l-n], lc))
					y[l-n] = v
				}
			}
			opt := ratOf(tab[m][n])
			opt.Quo(opt, new(big.Rat).SetInt(lc))
			return exactResult{optimum: opt, y: y}
		}
		row := -1
		for i := range m {
			if tab[i][col].Sign() > 0 {
				// rhs_i/entry_i < rhs_row/entry_row, both entries positive.
				if row < 0 {
					row = i
					continue
				}
				c := t1.Mul(tab[i][n], tab[row][col]).Cmp(t2.Mul(tab[row][n], tab[i][col]))
				if c < 0 || c == 0 && basic[i] < basic[row] {
					row = i
				}
			}
		}
		if row < 0 {
			// Unbounded: step along col past the target.
			step := new(big.Rat).Sub(target, new(big.Rat).Quo(ratOf(tab[m][n]), new(big.Rat).SetInt(lc)))
			rate := new(big.Rat).Quo(ratOf(new(big.Int).Neg(tab[m][col])), new(big.Rat).SetInt(lc))
			step.Quo(step, rate)
			step.Add(step, big.NewRat(1, 1))
			return exactResult{reached: true, t: point(col, step)}
		}
		if tab[row][n].Sign() == 0 {
			stalled++
		} else {
			stalled = 0
		}
		p := new(big.Int).Set(tab[row][col])
		pr := tab[row]
		for i := range m + 1 {
			if i == row {
				continue
			}
			ri := tab[i]
			f := ri[col]
			for k := range n + 1 {
				if k == col {
					continue
				}
				// (ri[k]·p - f·pr[k]) / den
				t1.Mul(ri[k], p)
				if f.Sign() != 0 && pr[k].Sign() != 0 {
					t1.Sub(&t1, t2.Mul(f, pr[k]))
				}
				ri[k].Quo(&t1, den)
			}
			ri[col] = new(big.Int).Neg(f)
		}
		pr[col] = new(big.Int).Set(den)
		den = p
		basic[row], nonbasic[col] = nonbasic[col], basic[row]
	}
}

// scaled returns x·l, an integer when l is a multiple of x's denominator.
func scaled(x *big.Rat, l *big.Int) *big.Int {
	v := new(big.Int).Mul(x.Num(), l)
	return v.Quo(v, x.Denom())
}

func lcm(a, b *big.Int) *big.Int {
	g := new(big.Int).GCD(nil, nil, a, b)
	out := new(big.Int).Quo(a, g)
	return out.Mul(out, b)
}
