package cx_test

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"
)

// The attacker's linear programming, independent of the planner's own
// (package cx/disclosure): gonum's simplex over the attacker's constraints,
// with a branch and bound for whole-number points.

// lpProblem is a set of linear constraints over nv non-negative
// variables.
type lpProblem struct {
	nv   int
	rows [][]float64
	rhs  []float64
	kind []int // 0: =, -1: <=, +1: >=
}

func (p *lpProblem) add(coef []float64, kind int, rhs float64) {
	p.rows = append(p.rows, coef)
	p.kind = append(p.kind, kind)
	p.rhs = append(p.rhs, rhs)
}

// optimize returns the minimum (sense 1) or maximum (sense -1) of obj over
// the problem, with the optimal point (variables only).
func (p *lpProblem) optimize(obj []float64, sense float64) (float64, []float64, error) {
	slack := 0
	for _, k := range p.kind {
		if k != 0 {
			slack++
		}
	}
	cols := p.nv + slack
	var rows [][]float64
	var b []float64
	si := p.nv
	for r, row := range p.rows {
		full := make([]float64, cols)
		copy(full, row)
		switch p.kind[r] {
		case -1:
			full[si] = 1
			si++
		case +1:
			full[si] = -1
			si++
		}
		rows = append(rows, full)
		b = append(b, p.rhs[r])
	}
	rows, b = independentRows(rows, b)
	// A variable in no row is unconstrained: give it a row of its own
	// (x - s = 0 would do, but x <= big keeps the matrix small).
	used := make([]bool, cols)
	for _, row := range rows {
		for j, v := range row {
			if v != 0 {
				used[j] = true
			}
		}
	}
	c := make([]float64, cols)
	for j, v := range obj {
		c[j] = sense * v
	}
	var keep []int
	for j := range cols {
		if used[j] {
			keep = append(keep, j)
		} else if c[j] < 0 {
			return 0, nil, lp.ErrUnbounded
		}
	}
	if len(rows) == 0 {
		return 0, make([]float64, p.nv), nil
	}
	A := mat.NewDense(len(rows), len(keep), nil)
	ck := make([]float64, len(keep))
	for i, row := range rows {
		for jj, j := range keep {
			A.Set(i, jj, row[j])
		}
	}
	for jj, j := range keep {
		ck[jj] = c[j]
	}
	if len(rows) > len(keep) {
		return 0, nil, errors.New("more independent rows than columns")
	}
	f, xk, err := lp.Simplex(ck, A, b, 1e-10, nil)
	if err != nil {
		return 0, nil, err
	}
	x := make([]float64, p.nv)
	for jj, j := range keep {
		if j < p.nv {
			x[j] = xk[jj]
		}
	}
	return sense * f, x, nil
}

// independentRows drops the rows that are linear combinations of earlier
// ones (consistent systems only).
func independentRows(rows [][]float64, b []float64) ([][]float64, []float64) {
	var basis [][]float64
	var pivots []int
	var keep [][]float64
	var kb []float64
	for i, row := range rows {
		r := slices.Clone(row)
		for k, bv := range basis {
			if f := r[pivots[k]]; f != 0 {
				for j := range r {
					r[j] -= f * bv[j]
				}
			}
		}
		p := -1
		for j, v := range r {
			if math.Abs(v) > 1e-9 && (p < 0 || math.Abs(v) > math.Abs(r[p])) {
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
		basis, pivots = append(basis, r), append(pivots, p)
		keep, kb = append(keep, row), append(kb, b[i])
	}
	return keep, kb
}

func integral(x []float64) bool {
	for _, v := range x {
		if math.Abs(v-math.Round(v)) > 1e-6 {
			return false
		}
	}
	return true
}

// witnesses returns the integral optimal points of obj over p whose value
// differs from truth, and a message when the value is pinned to truth.
func witnesses(p *lpProblem, obj []float64, truth int) ([][]float64, string) {
	lo, xlo, err := p.optimize(obj, 1)
	if err != nil {
		return nil, "min: " + err.Error()
	}
	hi, xhi, err := p.optimize(obj, -1)
	if errors.Is(err, lp.ErrUnbounded) {
		// Cap the objective just above the truth to get a vertex.
		q := p.clone()
		q.add(obj, -1, float64(truth+1))
		hi, xhi, err = q.optimize(obj, -1)
	}
	if err != nil {
		return nil, "max: " + err.Error()
	}
	if hi-lo < 0.5 {
		return nil, fmt.Sprintf("determined: always %g", math.Round(lo))
	}
	if math.Round(lo) > float64(truth) || math.Round(hi) < float64(truth) {
		return nil, fmt.Sprintf("the true value %d is outside [%g, %g]: the system is wrong", truth, lo, hi)
	}
	var out [][]float64
	if math.Round(lo) != float64(truth) && integral(xlo) {
		out = append(out, xlo)
	}
	if math.Round(hi) != float64(truth) && integral(xhi) {
		out = append(out, xhi)
	}
	if len(out) > 0 {
		return out, ""
	}
	// Fractional vertices: look for an integer point with the objective
	// one step from the truth, by branch and bound.
	for _, k := range []int{truth + 1, truth - 1} {
		if float64(k) < lo-1e-6 || float64(k) > hi+1e-6 {
			continue
		}
		q := p.clone()
		q.add(obj, 0, float64(k))
		if x := integerPoint(q, 30); x != nil {
			return [][]float64{x}, ""
		}
	}
	return nil, fmt.Sprintf("range [%g, %g] has no integer point besides %d", lo, hi, truth)
}

func (p *lpProblem) clone() *lpProblem {
	return &lpProblem{nv: p.nv, rows: slices.Clone(p.rows), rhs: slices.Clone(p.rhs), kind: slices.Clone(p.kind)}
}

// integerPoint returns an integer point of p found by branching on
// fractional variables, or nil.
func integerPoint(p *lpProblem, depth int) []float64 {
	_, x, err := p.optimize(make([]float64, p.nv), 1)
	if err != nil {
		return nil
	}
	j := slices.IndexFunc(x, func(v float64) bool { return math.Abs(v-math.Round(v)) > 1e-6 })
	if j < 0 {
		return x
	}
	if depth == 0 {
		return nil
	}
	unit := make([]float64, p.nv)
	unit[j] = 1
	for _, b := range []struct {
		kind int
		v    float64
	}{{-1, math.Floor(x[j])}, {+1, math.Ceil(x[j])}} {
		q := p.clone()
		q.add(unit, b.kind, b.v)
		if y := integerPoint(q, depth-1); y != nil {
			return y
		}
	}
	return nil
}

// system is the attacker's knowledge of one wave as linear constraints
// over the atoms' respondents n (variables 0..m-1) and answers by
// category x_c (variables (1+c)m .. (2+c)m-1): equalities for every shown
// figure, bounds from every reason and invited count, Σ_c x_c <= n.
type system struct {
	m, cats int
	rows    [][]float64
	rhs     []float64
	kind    []int // 0: =, -1: <=, +1: >=
}

func (s *system) add(coef []float64, kind int, rhs float64) {
	s.rows = append(s.rows, coef)
	s.kind = append(s.kind, kind)
	s.rhs = append(s.rhs, rhs)
}

func (s *system) width() int { return (1 + s.cats) * s.m }

// vector returns the form summing, over members, the respondents (cat
// -1), the answers in category cat, or every answer (cat -2).
func (s *system) vector(members []int, cat int) []float64 {
	row := make([]float64, s.width())
	for _, i := range members {
		switch cat {
		case -1:
			row[i] = 1
		case -2:
			for c := range s.cats {
				row[(1+c)*s.m+i] = 1
			}
		default:
			row[(1+cat)*s.m+i] = 1
		}
	}
	return row
}

// countsProblem is the system restricted to the respondents.
func (s *system) countsProblem() *lpProblem {
	p := &lpProblem{nv: s.width()}
	for r, row := range s.rows {
		if slices.ContainsFunc(row[s.m:], func(v float64) bool { return v != 0 }) {
			continue
		}
		p.add(row, s.kind[r], s.rhs[r])
	}
	return p
}

// answersProblem is the system with the respondents fixed at n.
func (s *system) answersProblem(n []float64) *lpProblem {
	p := &lpProblem{nv: s.width()}
	for r, row := range s.rows {
		var rhs float64
		for j, v := range row[:s.m] {
			rhs -= v * n[j]
		}
		coef := slices.Clone(row)
		clear(coef[:s.m])
		p.add(coef, s.kind[r], s.rhs[r]+rhs)
	}
	return p
}

// whole is the joint system.
func (s *system) whole() *lpProblem {
	return &lpProblem{nv: s.width(), rows: s.rows, rhs: s.rhs, kind: s.kind}
}

// undetermined checks that obj takes a whole value other than truth in
// some whole-number solution of the system; it returns why not. It tries
// the smaller systems first (respondents alone, then answers with the
// respondents at their true values) and falls back on the whole.
func (s *system) undetermined(obj []float64, truth int, trueN []float64) string {
	counts := !slices.ContainsFunc(obj[s.m:], func(v float64) bool { return v != 0 })
	if counts {
		ws, _ := witnesses(s.countsProblem(), obj, truth)
		for _, w := range ws {
			if _, _, err := s.answersProblem(w[:s.m]).optimize(make([]float64, s.width()), 1); err == nil {
				return ""
			}
		}
	} else if ws, _ := witnesses(s.answersProblem(trueN), obj, truth); len(ws) > 0 {
		return ""
	}
	_, msg := witnesses(s.whole(), obj, truth)
	return msg
}
