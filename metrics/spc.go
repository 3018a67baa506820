package metrics

import (
	"fmt"
	"math"
)

// Rule identifies one of the eight Nelson (1984) tests for special causes
// on a control chart, numbered as Minitab numbers them. The rules are
// evaluated on the standardized points
//
//	z = (x - centre) / σ
//
// with σ the chart's estimate of the standard deviation of a point (see
// [XmR] and [PChart]). All comparisons are strict, and a point exactly on
// the centre line is on neither side, so it breaks a same-side run. A
// point whose z is NaN (a p-chart sample of size 0, a chart without
// variation) matches no condition and breaks every run.
type Rule int

// The Nelson rules. Windows slide and overlap, and every point that
// completes a pattern is reported, so a run of ten points on one side
// signals [Nelson2] at its ninth and tenth points.
const (
	// Nelson1: one point beyond the control limits (below Lower or above
	// Upper).
	Nelson1 Rule = iota + 1
	// Nelson2: nine points in a row on the same side of the centre line.
	Nelson2
	// Nelson3: six points in a row steadily rising or steadily falling
	// (five strict increases or decreases of z).
	Nelson3
	// Nelson4: fourteen points in a row alternating up and down (thirteen
	// changes of z of alternating sign, none zero).
	Nelson4
	// Nelson5: two out of three points in a row beyond 2σ on the same side,
	// the completing point being one of them.
	Nelson5
	// Nelson6: four out of five points in a row beyond 1σ on the same side,
	// the completing point being one of them.
	Nelson6
	// Nelson7: fifteen points in a row within 1σ of the centre line
	// (|z| < 1).
	Nelson7
	// Nelson8: eight points in a row beyond 1σ (|z| > 1) on either side.
	Nelson8
)

// String returns "Nelson1" … "Nelson8".
func (r Rule) String() string {
	if r >= Nelson1 && r <= Nelson8 {
		return fmt.Sprintf("Nelson%d", int(r))
	}
	return fmt.Sprintf("Rule(%d)", int(r))
}

// Signal is one special-cause signal on a control chart.
type Signal struct {
	Rule  Rule
	Index int // 0-based index of the point that completes the pattern
}

// Chart is a control chart: the centre line and control limits at each
// point, and the signals of the Nelson rules, ordered by Index and then by
// Rule.
type Chart struct {
	Center, Lower, Upper []float64 // one value per point
	Signals              []Signal
}

// XmR returns the individuals (X) chart of the series x (Montgomery,
// Introduction to Statistical Quality Control, §6.4):
//
//	centre = x̄,  MR̄ = Σ |xᵢ - xᵢ₋₁| / (n-1)
//	limits = x̄ ± 2.66 MR̄,  σ = MR̄ / 1.128
//
// where 1.128 is the d₂ constant for ranges of two and 2.66 = 3/d₂ as
// commonly rounded. The limits are NaN when x has fewer than two points;
// the chart is empty when x is. When all points are equal, σ is 0, every
// z is NaN and there are no signals. XmR panics if x holds a NaN or an
// infinity.
func XmR(x []float64) Chart {
	n := len(x)
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			panic(fmt.Sprintf("metrics: XmR: value %v at index %d", v, i))
		}
	}
	ch := Chart{Center: make([]float64, n), Lower: make([]float64, n), Upper: make([]float64, n)}
	if n == 0 {
		return ch
	}
	var sum, mr float64
	for i, v := range x {
		sum += v
		if i > 0 {
			mr += math.Abs(v - x[i-1])
		}
	}
	mean := sum / float64(n)
	mr /= float64(n - 1) // NaN when n == 1
	lo, hi := mean-2.66*mr, mean+2.66*mr
	sigma := mr / 1.128
	z := make([]float64, n)
	for i, v := range x {
		ch.Center[i], ch.Lower[i], ch.Upper[i] = mean, lo, hi
		z[i] = (v - mean) / sigma
	}
	ch.Signals = nelson(x, z, ch.Lower, ch.Upper)
	return ch
}

// PChart returns the p-chart of the proportions successes[i]/n[i]
// (Montgomery, Introduction to Statistical Quality Control, §7.2):
//
//	centre = p̄ = Σ xᵢ / Σ nᵢ
//	σᵢ = √(p̄ (1 - p̄) / nᵢ)
//	limitsᵢ = p̄ ± 3σᵢ, clipped to [0, 1]
//
// A sample with nᵢ == 0 has NaN limits and takes part in no rule; all
// centres are NaN when Σ nᵢ == 0. PChart panics if the slices differ in
// length or a sample is not a valid proportion (0 <= xᵢ <= nᵢ).
func PChart(successes, n []int64) Chart {
	if len(successes) != len(n) {
		panic(fmt.Sprintf("metrics: PChart: length mismatch %d != %d", len(successes), len(n)))
	}
	var sx, sn int64
	for i := range n {
		Proportion{successes[i], n[i]}.mustValid(fmt.Sprintf("PChart (sample %d)", i))
		sx += successes[i]
		sn += n[i]
	}
	m := len(n)
	ch := Chart{Center: make([]float64, m), Lower: make([]float64, m), Upper: make([]float64, m)}
	pbar := math.NaN()
	if sn > 0 {
		pbar = float64(sx) / float64(sn)
	}
	p := make([]float64, m)
	z := make([]float64, m)
	for i := range n {
		ch.Center[i] = pbar
		if n[i] == 0 {
			p[i], z[i] = math.NaN(), math.NaN()
			ch.Lower[i], ch.Upper[i] = math.NaN(), math.NaN()
			continue
		}
		sigma := math.Sqrt(pbar * (1 - pbar) / float64(n[i]))
		ch.Lower[i] = math.Max(0, pbar-3*sigma)
		ch.Upper[i] = math.Min(1, pbar+3*sigma)
		p[i] = float64(successes[i]) / float64(n[i])
		z[i] = (p[i] - pbar) / sigma
	}
	ch.Signals = nelson(p, z, ch.Lower, ch.Upper)
	return ch
}

// nelson evaluates the eight Nelson rules on the points x with standardized
// values z and limits lo, hi.
func nelson(x, z, lo, hi []float64) []Signal {
	var out []Signal
	// Run lengths ending at the current point.
	var above, below, rising, falling, alternating, within, beyond int
	for i := range z {
		zi := z[i]
		if x[i] < lo[i] || x[i] > hi[i] {
			out = append(out, Signal{Nelson1, i})
		}

		above = run(above, zi > 0)
		below = run(below, zi < 0)
		if above >= 9 || below >= 9 {
			out = append(out, Signal{Nelson2, i})
		}

		var d float64 // change from the previous point; NaN at the start
		if i > 0 {
			d = zi - z[i-1]
		} else {
			d = math.NaN()
		}
		rising = run(rising, d > 0)
		falling = run(falling, d < 0)
		if rising >= 5 || falling >= 5 {
			out = append(out, Signal{Nelson3, i})
		}

		// alternating counts the changes ending here that alternate in sign.
		switch {
		case !(d > 0 || d < 0):
			alternating = 0
		case alternating > 0 && (d > 0) != (z[i-1]-z[i-2] > 0):
			alternating++
		default:
			alternating = 1
		}
		if alternating >= 13 {
			out = append(out, Signal{Nelson4, i})
		}

		if countOf(z, i, 3, zi > 2, func(v float64) bool { return v > 2 }) >= 2 ||
			countOf(z, i, 3, zi < -2, func(v float64) bool { return v < -2 }) >= 2 {
			out = append(out, Signal{Nelson5, i})
		}
		if countOf(z, i, 5, zi > 1, func(v float64) bool { return v > 1 }) >= 4 ||
			countOf(z, i, 5, zi < -1, func(v float64) bool { return v < -1 }) >= 4 {
			out = append(out, Signal{Nelson6, i})
		}

		within = run(within, math.Abs(zi) < 1)
		if within >= 15 {
			out = append(out, Signal{Nelson7, i})
		}
		beyond = run(beyond, math.Abs(zi) > 1)
		if beyond >= 8 {
			out = append(out, Signal{Nelson8, i})
		}
	}
	return out
}

// run returns the length of a run after a point that extends it (ok) or
// breaks it.
func run(n int, ok bool) int {
	if ok {
		return n + 1
	}
	return 0
}

// countOf counts the points among the last w ending at i (fewer at the
// start of the series) for which f holds; it is 0 unless self, that is
// unless f holds for point i itself.
func countOf(z []float64, i, w int, self bool, f func(float64) bool) int {
	if !self {
		return 0
	}
	c := 0
	for j := max(0, i-w+1); j <= i; j++ {
		if f(z[j]) {
			c++
		}
	}
	return c
}
