package cx_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
	"github.com/cxculture/cxculture/metrics"
	"github.com/cxculture/cxculture/survey"
)

// attackCase is an organization whose respondents are known cell by cell:
// each atom is the people of one unit (directly, not below it) in one wave
// with one combination of segment values. Everything a plan shows is a sum
// of atoms; the attacker knows the structure, every shown figure and every
// reason, and nothing else.
type attackCase struct {
	Min     int
	Parents []int // Parents[i] is the parent of unit i; unit 0 is the root
	Keys    int   // segment attributes k0, k1, ... with values a and b
	Waves   int
	// WaveRule turns Privacy.WaveDifference on.
	WaveRule bool
	Atoms    []atom
}

type atom struct {
	Unit, Wave int
	Seg        []int // per key: 0 unset, 1 a, 2 b
	N, F       int   // respondents, favorable among them
}

var segValues = []string{"", "a", "b"}

func (c attackCase) unitID(i int) string { return fmt.Sprintf("u%d", i) }
func (c attackCase) waveID(i int) string { return fmt.Sprintf("w%d", i+1) }

// String draws the case: the tree, then every non-empty atom.
func (c attackCase) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "min=%d keys=%d waves=%d wave_rule=%v tree:", c.Min, c.Keys, c.Waves, c.WaveRule)
	for i := 1; i < len(c.Parents); i++ {
		fmt.Fprintf(&b, " u%d<u%d", i, c.Parents[i])
	}
	b.WriteString(" atoms (unit wave segments: n/favorable):")
	for _, a := range c.Atoms {
		if a.N == 0 {
			continue
		}
		var seg []string
		for k, v := range a.Seg {
			if v > 0 {
				seg = append(seg, fmt.Sprintf("k%d=%s", k, segValues[v]))
			}
		}
		fmt.Fprintf(&b, " [u%d %s {%s}: %d/%d]", a.Unit, c.waveID(a.Wave), strings.Join(seg, ","), a.N, a.F)
	}
	return b.String()
}

func (c attackCase) hierarchy() *cx.Hierarchy {
	units := make([]cx.Unit, len(c.Parents))
	for i, p := range c.Parents {
		units[i] = cx.Unit{ID: c.unitID(i), Name: c.unitID(i)}
		if i > 0 {
			units[i].Parent = c.unitID(p)
		}
	}
	h, err := cx.NewHierarchy(units)
	if err != nil {
		panic(err)
	}
	return h
}

func (c attackCase) attrs(a atom) map[string]string {
	m := map[string]string{}
	for k, v := range a.Seg {
		if v > 0 {
			m[fmt.Sprintf("k%d", k)] = segValues[v]
		}
	}
	return m
}

// plan runs the plan under test on the case: every respondent answers
// one yes/no item, yes (favorable) for F of each atom's N.
func (c attackCase) plan() (*cx.Disclosure, error) {
	t := cx.NewTallies("s")
	segs := cx.NewSegments()
	for _, a := range c.Atoms {
		g := cx.Group{Unit: c.unitID(a.Unit), Wave: c.waveID(a.Wave)}
		t.Respondents[g] += int64(a.N)
		cell := cx.Cell{Unit: g.Unit, Wave: g.Wave, Item: "q"}
		tally, ok := t.Answers[cell]
		if !ok {
			tally = metrics.NewTally(0, 1)
		}
		tally.Counts[0] += int64(a.N - a.F)
		tally.Counts[1] += int64(a.F)
		t.Answers[cell] = tally
		for i := range a.N {
			yes := 0
			if i < a.F {
				yes = 1
			}
			segs.AddResponse(survey.Response{Unit: g.Unit, Wave: g.Wave, Segments: c.attrs(a), Answers: map[string]int{"q": yes}})
		}
	}
	waves := make([]string, c.Waves)
	for i := range waves {
		waves[i] = c.waveID(i)
	}
	return cx.Privacy{MinScores: c.Min, WaveDifference: c.WaveRule}.Plan(c.hierarchy(), t, waves, segs)
}

// variables returns the atoms of wave w as the attacker sees them: every
// combination of segment values that each unit's direct respondents show
// value by value (the attacker knows which units have direct respondents
// and which values occur in each, but not how attributes combine), with
// the true counts, zero for combinations nobody has.
func (c attackCase) variables(w int) []atom {
	var out []atom
	for u := range c.Parents {
		support := make([]map[int]bool, c.Keys)
		for k := range support {
			support[k] = map[int]bool{}
		}
		var own []atom
		for _, a := range c.Atoms {
			if a.Wave == w && a.Unit == u && a.N > 0 {
				own = append(own, a)
				for k, v := range a.Seg {
					support[k][v] = true
				}
			}
		}
		if len(own) == 0 {
			continue
		}
		combos := [][]int{{}}
		for k := range c.Keys {
			var next [][]int
			for _, s := range combos {
				for v := range segValues {
					if support[k][v] {
						next = append(next, append(slices.Clone(s), v))
					}
				}
			}
			combos = next
		}
		for _, s := range combos {
			a := atom{Unit: u, Wave: w, Seg: s}
			for _, o := range own {
				if slices.Equal(o.Seg, s) {
					a.N, a.F = a.N+o.N, a.F+o.F
				}
			}
			out = append(out, a)
		}
	}
	return out
}

// cell is a group of respondents of one wave: a unit or segment cell the
// plan decides on, or a group a reader may derive (the direct respondents
// of a unit, in all or in a segment; the respondents of a unit without an
// attribute), with the variables it sums.
type cell struct {
	ref     cx.CellRef
	name    string
	derived bool
	members []int
}

func (c attackCase) cells(w int, vars []atom) []cell {
	h := c.hierarchy()
	var out []cell
	collect := func(keep func(a atom) bool) []int {
		var m []int
		for i, a := range vars {
			if keep(a) {
				m = append(m, i)
			}
		}
		return m
	}
	for _, u := range h.IDs() {
		in := func(a atom) bool {
			id := c.unitID(a.Unit)
			return id == u || slices.Contains(h.Ancestors(id), u)
		}
		direct := func(a atom) bool { return c.unitID(a.Unit) == u }
		ref := cx.CellRef{Unit: u, Wave: c.waveID(w)}
		out = append(out, cell{ref: ref, name: ref.String(), members: collect(in)})
		if !h.IsLeaf(u) {
			out = append(out, cell{name: "direct respondents of " + ref.String(), derived: true, members: collect(direct)})
		}
		for k := range c.Keys {
			key := fmt.Sprintf("k%d", k)
			out = append(out, cell{name: ref.String() + " without " + key, derived: true,
				members: collect(func(a atom) bool { return in(a) && a.Seg[k] == 0 })})
			for v := 1; v < len(segValues); v++ {
				sref := cx.CellRef{Unit: u, Wave: c.waveID(w), Key: key, Value: segValues[v]}
				out = append(out, cell{ref: sref, name: sref.String(), members: collect(func(a atom) bool { return in(a) && a.Seg[k] == v })})
				if !h.IsLeaf(u) {
					out = append(out, cell{name: "direct respondents of " + sref.String(), derived: true,
						members: collect(func(a atom) bool { return direct(a) && a.Seg[k] == v })})
				}
			}
		}
	}
	return out
}

func genAttackCase() gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		r := p.Rng
		c := attackCase{Min: 3 + r.Intn(3), Keys: r.Intn(3), Waves: 1 + r.Intn(2)}
		c.WaveRule = c.Waves > 1 && r.Intn(2) == 0
		if c.Keys == 2 && r.Intn(2) == 0 {
			c.Keys = 1
		}
		n := 2 + r.Intn(6)
		c.Parents = make([]int, n)
		for i := 1; i < n; i++ {
			c.Parents[i] = r.Intn(i)
		}
		h := c.hierarchy()
		combos := [][]int{{}}
		for range c.Keys {
			var next [][]int
			for _, s := range combos {
				for v := range segValues {
					next = append(next, append(slices.Clone(s), v))
				}
			}
			combos = next
		}
		for w := range c.Waves {
			for u := range n {
				// Units with children often have no direct respondents.
				if !h.IsLeaf(c.unitID(u)) && r.Intn(3) > 0 {
					continue
				}
				for _, s := range combos {
					if len(s) > 0 && s[0] == 0 && r.Intn(3) > 0 {
						continue // few respondents lack the first attribute
					}
					var k int
					switch x := r.Intn(10); {
					case x < 4:
						k = 0
					case x < 8:
						k = 1 + r.Intn(4)
					default:
						k = 5 + r.Intn(6)
					}
					if k > 0 {
						c.Atoms = append(c.Atoms, atom{Unit: u, Wave: w, Seg: slices.Clone(s), N: k, F: favorableOf(r, k)})
					}
				}
			}
		}
		return gopter.NewGenResult(c, shrinkAttackCase)
	}
}

// favorableOf draws the favorable answers of n people, unanimous (none or
// all favorable) about half the time, so that unanimous groups are common.
func favorableOf(r *rand.Rand, n int) int {
	switch r.Intn(4) {
	case 0:
		return 0
	case 1:
		return n
	}
	return r.Intn(n + 1)
}

// shrinkAttackCase offers smaller cases: without an atom, with an atom of
// one respondent fewer, without the last unit when it is a leaf with no
// atoms, with one wave or one key fewer.
func shrinkAttackCase(v interface{}) gopter.Shrink {
	c := v.(attackCase)
	var cands []attackCase
	if c.WaveRule {
		d := c
		d.WaveRule = false
		cands = append(cands, d)
	}
	if c.Waves > 1 {
		d := c
		d.Waves = c.Waves - 1
		d.Atoms = slices.DeleteFunc(slices.Clone(c.Atoms), func(a atom) bool { return a.Wave >= d.Waves })
		cands = append(cands, d)
	}
	if c.Keys > 0 {
		d := c
		d.Keys--
		d.Atoms = nil
		for _, a := range c.Atoms {
			a.Seg = a.Seg[:d.Keys]
			d.Atoms = append(d.Atoms, a)
		}
		cands = append(cands, d)
	}
	last := len(c.Parents) - 1
	if last > 1 && !slices.Contains(c.Parents[1:], last) {
		d := c
		d.Parents = c.Parents[:last]
		d.Atoms = slices.DeleteFunc(slices.Clone(c.Atoms), func(a atom) bool { return a.Unit == last })
		cands = append(cands, d)
	}
	for i := range c.Atoms {
		d := c
		d.Atoms = slices.Delete(slices.Clone(c.Atoms), i, i+1)
		cands = append(cands, d)
	}
	for i, a := range c.Atoms {
		if a.N > 1 {
			d := c
			d.Atoms = slices.Clone(c.Atoms)
			d.Atoms[i].N--
			d.Atoms[i].F = min(a.F, d.Atoms[i].N)
			cands = append(cands, d)
		}
	}
	i := 0
	return func() (interface{}, bool) {
		if i >= len(cands) {
			return nil, false
		}
		i++
		return cands[i-1], true
	}
}

// system is the attacker's knowledge of one wave as linear constraints
// over the atoms' counts n (variables 0..m-1) and favorable counts f
// (m..2m-1): equalities for every shown figure, bounds from every reason,
// f <= n.
type system struct {
	m    int
	rows [][]float64 // over n, f
	rhs  []float64
	kind []int // 0: =, -1: <=, +1: >=
}

func (s *system) add(coef []float64, kind int, rhs float64) {
	s.rows = append(s.rows, coef)
	s.kind = append(s.kind, kind)
	s.rhs = append(s.rhs, rhs)
}

// protected is a group the attacker must not pin down, with its true
// counts.
type protected struct {
	name    string
	reason  string
	members []int
	n, f    int
}

// told reports whether the shown cells tell every respondent's answer in
// g: each atom of g with respondents lies in a shown cell whose answers
// are all unfavorable (fav false) or all favorable (fav true). That is
// the unanimity no plan can hide short of hiding the shown cell.
func told(g protected, vars []atom, shown []protected, fav bool) bool {
	for _, i := range g.members {
		if vars[i].N == 0 {
			continue
		}
		if !slices.ContainsFunc(shown, func(s protected) bool {
			return slices.Contains(s.members, i) && (fav && s.f == s.n || !fav && s.f == 0)
		}) {
			return false
		}
	}
	return true
}

// attackWave builds the attacker's system of wave w and returns the groups
// it must leave undetermined: every hidden cell with respondents, and
// every derivable group of 1 to min-1 respondents.
func (c attackCase) attackWave(d *cx.Disclosure, w int) (*system, []protected, []protected, string) {
	vars := c.variables(w)
	m := len(vars)
	s := &system{m: m}
	var prot, shown []protected
	for _, ce := range c.cells(w, vars) {
		nrow, frow := make([]float64, 2*m), make([]float64, 2*m)
		var n, f int
		for _, i := range ce.members {
			nrow[i], frow[m+i] = 1, 1
			n += vars[i].N
			f += vars[i].F
		}
		if ce.derived {
			if n > 0 && n < c.Min {
				prot = append(prot, protected{ce.name, "derived", ce.members, n, f})
			}
			continue
		}
		ref := ce.ref
		var reason cx.Reason
		var hidden bool
		if ref.Key == "" {
			reason, hidden = d.Hidden(ref.Unit, ref.Wave)
		} else {
			reason, hidden = d.SegmentHidden(ref.Unit, ref.Wave, ref.Key, ref.Value)
		}
		switch {
		case !hidden:
			if n < c.Min {
				return nil, nil, nil, fmt.Sprintf("%s is shown with %d respondents, below the minimum %d", ref, n, c.Min)
			}
			s.add(nrow, 0, float64(n))
			s.add(frow, 0, float64(f))
			shown = append(shown, protected{ref.String(), "shown", ce.members, n, f})
		case reason.Kind == cx.BelowMinimum:
			if n >= reason.Min {
				return nil, nil, nil, fmt.Sprintf("%s has %d respondents but is hidden as %s", ref, n, reason)
			}
			s.add(nrow, -1, float64(reason.Min-1))
		default:
			if n < reason.Min {
				return nil, nil, nil, fmt.Sprintf("%s has %d respondents but is hidden as %s, which says at least %d", ref, n, reason, reason.Min)
			}
			s.add(nrow, +1, float64(reason.Min))
		}
		if hidden && n > 0 {
			prot = append(prot, protected{ref.String(), reason.String(), ce.members, n, f})
		}
	}
	for j := range m {
		row := make([]float64, 2*m)
		row[m+j], row[j] = 1, -1
		s.add(row, -1, 0)
	}
	return s, prot, shown, ""
}

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

// nProblem is the system restricted to the counts n.
func (s *system) nProblem() *lpProblem {
	p := &lpProblem{nv: s.m}
	for r, row := range s.rows {
		if slices.ContainsFunc(row[s.m:], func(v float64) bool { return v != 0 }) {
			continue
		}
		p.add(row[:s.m], s.kind[r], s.rhs[r])
	}
	return p
}

// fProblem is the system over the favorable counts f with n fixed.
func (s *system) fProblem(n []float64) *lpProblem {
	p := &lpProblem{nv: s.m}
	for r, row := range s.rows {
		if !slices.ContainsFunc(row[:s.m], func(v float64) bool { return v != 0 }) {
			p.add(row[s.m:], s.kind[r], s.rhs[r])
			continue
		}
		// f_j - n_j <= 0
		coef := slices.Clone(row[s.m:])
		var rhs float64
		for j, v := range row[:s.m] {
			rhs -= v * n[j]
		}
		p.add(coef, s.kind[r], s.rhs[r]+rhs)
	}
	return p
}

// whole is the joint system over n and f.
func (s *system) whole() *lpProblem {
	return &lpProblem{nv: 2 * s.m, rows: s.rows, rhs: s.rhs, kind: s.kind}
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

// undetermined checks that the sum of the counts (f false) or favorable
// counts (f true) of vars takes an integer value other than truth in some
// integer solution of the whole system; it returns why not. It first tries
// the smaller systems (n alone, then f with n fixed) and falls back on the
// whole.
func (s *system) undetermined(vars []int, f bool, truth int, trueN []float64) string {
	obj := make([]float64, s.m)
	for _, v := range vars {
		obj[v] = 1
	}
	if !f {
		ws, _ := witnesses(s.nProblem(), obj, truth)
		for _, w := range ws {
			if _, _, err := s.fProblem(w).optimize(make([]float64, s.m), 1); err == nil {
				return ""
			}
		}
	} else if ws, _ := witnesses(s.fProblem(trueN), obj, truth); len(ws) > 0 {
		return ""
	}
	full := make([]float64, 2*s.m)
	off := 0
	if f {
		off = s.m
	}
	copy(full[off:], obj)
	_, msg := witnesses(s.whole(), full, truth)
	return msg
}

// unfavorableUndetermined checks that the unfavorable answers of vars
// (n - f), zero in truth, can be positive in an integer solution of the
// whole system; it returns why not.
func (s *system) unfavorableUndetermined(vars []int) string {
	obj := make([]float64, 2*s.m)
	for _, v := range vars {
		obj[v], obj[s.m+v] = 1, -1
	}
	_, msg := witnesses(s.whole(), obj, 0)
	return msg
}

func TestPrivacyPlanAttacker(t *testing.T) {
	props := cxgen.NewProperties(t, 100)
	props.Property("no hidden group's respondent count, favorable count or favorable share is determined by what the plan shows", prop.ForAll(checkAttack, genAttackCase()))
	props.Run()
}

// checkAttack plans c and attacks the plan wave by wave; it returns what
// the attacker pinned down, or "".
func checkAttack(c attackCase) string {
	d, err := c.plan()
	if err != nil {
		return "plan: " + err.Error()
	}
	for w := range c.Waves {
		s, prot, shown, why := c.attackWave(d, w)
		if why != "" {
			return why
		}
		vars := c.variables(w)
		trueN := make([]float64, s.m)
		for i, a := range vars {
			trueN[i] = float64(a.N)
		}
		for _, g := range prot {
			if msg := s.undetermined(g.members, false, g.n, trueN); msg != "" {
				return fmt.Sprintf("respondents of %s (%d; %s): %s", g.name, g.n, g.reason, msg)
			}
			if g.f == 0 && told(g, vars, shown, false) {
				continue
			}
			if msg := s.undetermined(g.members, true, g.f, trueN); msg != "" {
				return fmt.Sprintf("favorable count of %s (%d of %d; %s): %s", g.name, g.f, g.n, g.reason, msg)
			}
			if g.f == g.n && !told(g, vars, shown, true) {
				// All favorable: the count may vary with the respondents,
				// but the share must not be pinned at 100%.
				if msg := s.unfavorableUndetermined(g.members); msg != "" {
					return fmt.Sprintf("favorable share of %s (%d of %d; %s): %s", g.name, g.f, g.n, g.reason, msg)
				}
			}
		}
	}
	return ""
}

// attackRegressions are counterexamples the property once found, shrunk.
var attackRegressions = []attackCase{
	// Two teams' small segments: their sum follows from the shown totals
	// by a combination of relations, and the bound of their reasons (at
	// most 2 each) pins both.
	{Min: 3, Keys: 1, Waves: 2, Parents: []int{0, 0, 0, 0}, Atoms: []atom{
		{Unit: 1, Wave: 1, Seg: []int{1}, N: 4, F: 3}, {Unit: 1, Wave: 1, Seg: []int{2}, N: 2, F: 1},
		{Unit: 2, Wave: 1, Seg: []int{1}, N: 4, F: 3}, {Unit: 2, Wave: 1, Seg: []int{2}, N: 2, F: 1},
		{Unit: 3, Wave: 1, Seg: []int{0}, N: 2, F: 1}, {Unit: 3, Wave: 1, Seg: []int{2}, N: 3, F: 2}}},
	// A unit whose segments' reasons pinned it between lower bounds.
	{Min: 3, Keys: 1, Waves: 2, Parents: []int{0, 0}, Atoms: []atom{
		{Unit: 1, Wave: 1, Seg: []int{0}, N: 1, F: 1}, {Unit: 1, Wave: 1, Seg: []int{2}, N: 3, F: 1}}},
	// Upper bounds of cells below the minimum, chained over three levels.
	{Min: 4, Keys: 1, Waves: 1, Parents: []int{0, 0, 1, 1, 3, 2}, Atoms: []atom{
		{Unit: 4, Seg: []int{2}, N: 3, F: 1}, {Unit: 5, Seg: []int{1}, N: 3, F: 2}, {Unit: 5, Seg: []int{2}, N: 3, F: 3}}},
	// Two segments of different attributes with the same members.
	{Min: 4, Keys: 2, Waves: 1, Parents: []int{0, 0}, Atoms: []atom{
		{Unit: 1, Seg: []int{0, 0}, N: 1, F: 1}, {Unit: 1, Seg: []int{2, 2}, N: 4, F: 3}}},
	// Lower bounds of complementary cells summing to a shown segment.
	{Min: 4, Keys: 2, Waves: 1, Parents: []int{0, 0}, Atoms: []atom{
		{Unit: 1, Seg: []int{0, 0}, N: 1, F: 1}, {Unit: 1, Seg: []int{1, 2}, N: 4, F: 3}, {Unit: 1, Seg: []int{2, 2}, N: 4, F: 3}}},
	// The respondents without an attribute, pinned through the hierarchy.
	{Min: 5, Keys: 1, Waves: 1, Parents: []int{0, 0, 1, 0, 2, 0, 5}, Atoms: []atom{
		{Unit: 0, Seg: []int{1}, N: 3, F: 2}, {Unit: 4, Seg: []int{1}, N: 2, F: 1}, {Unit: 4, Seg: []int{2}, N: 1, F: 1},
		{Unit: 6, Seg: []int{0}, N: 1, F: 1}, {Unit: 6, Seg: []int{2}, N: 4, F: 2}}},
	// A shown unit minus a shown grandchild: two people, both unfavorable.
	{Min: 5, Waves: 1, Parents: []int{0, 0, 1, 2, 2, 0}, Atoms: []atom{
		{Unit: 0, N: 2, F: 1}, {Unit: 1, N: 1, F: 0}, {Unit: 2, N: 1, F: 0}, {Unit: 4, N: 5, F: 5}, {Unit: 5, N: 3, F: 2}}},
	// A shown unit minus its shown segment and a shown sibling: the one
	// person of a team without the attribute.
	{Min: 5, Keys: 1, Waves: 1, Parents: []int{0, 0, 0, 0}, Atoms: []atom{
		{Unit: 1, Seg: []int{0}, N: 5, F: 2}, {Unit: 2, Seg: []int{2}, N: 3, F: 2}, {Unit: 3, Seg: []int{0}, N: 1, F: 1},
		{Unit: 3, Seg: []int{2}, N: 2, F: 1}}},
	// A team's segment pinned by a linear combination of four relations
	// (the organization, its segment, the team, its direct respondents).
	{Min: 5, Keys: 1, Waves: 1, Parents: []int{0, 0, 0, 2, 0, 3}, Atoms: []atom{
		{Unit: 0, Seg: []int{2}, N: 1, F: 1}, {Unit: 1, Seg: []int{1}, N: 2, F: 2}, {Unit: 1, Seg: []int{2}, N: 4, F: 4},
		{Unit: 2, Seg: []int{1}, N: 1, F: 1}, {Unit: 3, Seg: []int{0}, N: 3, F: 1}, {Unit: 5, Seg: []int{1}, N: 1, F: 1}}},
	// The organization minus a shown team and a shown segment of another:
	// two people, whose favorable count follows.
	{Min: 5, Keys: 1, Waves: 1, Parents: []int{0, 0, 0, 0}, Atoms: []atom{
		{Unit: 1, Seg: []int{1}, N: 5, F: 1}, {Unit: 1, Seg: []int{2}, N: 1, F: 0}, {Unit: 2, Seg: []int{2}, N: 1, F: 0},
		{Unit: 3, Seg: []int{0}, N: 5, F: 4}, {Unit: 3, Seg: []int{2}, N: 1, F: 1}}},
	// Favorable counts bounding a segment from below: the count alone left
	// it two values, the favorable counts took one away.
	{Min: 4, Keys: 1, Waves: 1, Parents: []int{0, 0, 0, 0, 2}, Atoms: []atom{
		{Unit: 1, Seg: []int{2}, N: 4, F: 2}, {Unit: 3, Seg: []int{1}, N: 1, F: 1}, {Unit: 3, Seg: []int{2}, N: 4, F: 3},
		{Unit: 4, Seg: []int{0}, N: 8, F: 2}, {Unit: 4, Seg: []int{1}, N: 9, F: 4}, {Unit: 4, Seg: []int{2}, N: 1, F: 0}}},
	// Two attributes crossed: their segments pin each other through the
	// crossings.
	{Min: 5, Keys: 2, Waves: 2, Parents: []int{0, 0, 0, 0, 1}, Atoms: []atom{
		{Unit: 1, Wave: 1, Seg: []int{1, 0}, N: 3, F: 1}, {Unit: 1, Wave: 1, Seg: []int{1, 1}, N: 4, F: 3},
		{Unit: 1, Wave: 1, Seg: []int{2, 1}, N: 2, F: 1}, {Unit: 2, Wave: 1, Seg: []int{1, 2}, N: 6, F: 5},
		{Unit: 2, Wave: 1, Seg: []int{2, 1}, N: 4, F: 1}, {Unit: 2, Wave: 1, Seg: []int{2, 2}, N: 1, F: 1},
		{Unit: 3, Wave: 1, Seg: []int{1, 2}, N: 2, F: 1}, {Unit: 3, Wave: 1, Seg: []int{2, 0}, N: 5, F: 3},
		{Unit: 4, Wave: 1, Seg: []int{0, 0}, N: 1, F: 0}, {Unit: 4, Wave: 1, Seg: []int{1, 1}, N: 4, F: 3},
		{Unit: 4, Wave: 1, Seg: []int{2, 1}, N: 1, F: 1}, {Unit: 4, Wave: 1, Seg: []int{2, 2}, N: 5, F: 1}}},
	// A shown team whose four people all answered favorably: the
	// favorable counts of the division's segments then bound the team's
	// segments, and the count of one follows.
	{Min: 4, Keys: 1, Waves: 1, Parents: []int{0, 0}, Atoms: []atom{
		{Unit: 0, Seg: []int{1}, N: 4, F: 0}, {Unit: 0, Seg: []int{2}, N: 4, F: 0},
		{Unit: 1, Seg: []int{1}, N: 3, F: 3}, {Unit: 1, Seg: []int{2}, N: 1, F: 1}}},
	// The organization minus a shown grandchild leaves four people, all
	// favorable, though the organization is also covered by its shown
	// segments.
	{Min: 5, Keys: 1, Waves: 1, Parents: []int{0, 0, 1, 0, 1}, Atoms: []atom{
		{Unit: 0, Seg: []int{2}, N: 1, F: 1}, {Unit: 1, Seg: []int{1}, N: 2, F: 2}, {Unit: 1, Seg: []int{2}, N: 1, F: 1},
		{Unit: 4, Seg: []int{1}, N: 5, F: 4}, {Unit: 4, Seg: []int{2}, N: 4, F: 0}}},
	// A team below the minimum inside a chain of units: its favorable
	// count follows from its parent's and a shown segment's.
	{Min: 3, Keys: 1, Waves: 1, Parents: []int{0, 0, 1, 2}, Atoms: []atom{
		{Unit: 2, Seg: []int{2}, N: 3, F: 0}, {Unit: 3, Seg: []int{0}, N: 3, F: 3}, {Unit: 3, Seg: []int{2}, N: 1, F: 0}}},
	// Two segments of a team, one unanimous each way.
	{Min: 4, Keys: 1, Waves: 1, Parents: []int{0, 0, 0, 2}, Atoms: []atom{
		{Unit: 2, Seg: []int{1}, N: 4, F: 0}, {Unit: 2, Seg: []int{2}, N: 4, F: 0},
		{Unit: 3, Seg: []int{1}, N: 2, F: 0}, {Unit: 3, Seg: []int{2}, N: 4, F: 4}}},
}

func TestPrivacyPlanAttackerRegressions(t *testing.T) {
	for _, c := range attackRegressions {
		for i := range c.Atoms {
			if c.Atoms[i].Seg == nil {
				c.Atoms[i].Seg = make([]int, c.Keys)
			}
		}
		t.Run(c.String(), func(t *testing.T) {
			if msg := checkAttack(c); msg != "" {
				t.Error(msg)
			}
		})
	}
}
