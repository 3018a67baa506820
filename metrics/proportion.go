package metrics

import (
	"fmt"
	"math"
)

// Proportion is a count of Successes among N trials: respondents who agree,
// answers in the top box, units that met a target. A valid Proportion has
// 0 <= Successes <= N.
type Proportion struct{ Successes, N int64 }

// Value returns the estimate Successes / N, a number in [0, 1]. It is NaN
// when N == 0.
func (p Proportion) Value() float64 {
	if p.N == 0 {
		return math.NaN()
	}
	return float64(p.Successes) / float64(p.N)
}

// Percent returns 100 · Value(), in percentage points.
func (p Proportion) Percent() float64 { return 100 * p.Value() }

// SE returns the estimated standard error of Value,
//
//	SE = √(p̂ (1 - p̂) / N)
//
// It is NaN when N == 0, and 0 when p̂ is 0 or 1; prefer [Proportion.Wilson]
// for an interval.
func (p Proportion) SE() float64 {
	v := p.Value()
	return math.Sqrt(v * (1 - v) / float64(p.N))
}

// Wilson returns the Wilson (1927) score interval for the proportion,
// without continuity correction, as R prop.test(x, n, correct = FALSE)$conf.int:
//
//	c = z² / (2N)
//	(p̂ + c ± z √(p̂(1-p̂)/N + c/(2N))) / (1 + 2c)
//
// where z is the standard normal quantile at 1 - (1-level)/2. The bounds are
// clipped to [0, 1] and always contain p̂. Both are NaN when N == 0. Wilson
// panics if level is not in (0, 1) or if p is not a valid proportion.
func (p Proportion) Wilson(level float64) Interval {
	mustLevel("Wilson", level)
	p.mustValid("Wilson")
	if p.N == 0 {
		return nanInterval
	}
	n := float64(p.N)
	est := p.Value()
	z := zCrit(level)
	c := z * z / (2 * n)
	h := z * math.Sqrt(est*(1-est)/n+c/(2*n))
	d := 1 + 2*c
	iv := Interval{
		Lower: math.Max(0, (est+c-h)/d),
		Upper: math.Min(1, (est+c+h)/d),
	}
	// The formula gives exactly 0 and 1 at the boundaries; do not let
	// rounding exclude p̂.
	if p.Successes == 0 {
		iv.Lower = 0
	}
	if p.Successes == p.N {
		iv.Upper = 1
	}
	return iv
}

// String formats the proportion as "Successes/N".
func (p Proportion) String() string { return fmt.Sprintf("%d/%d", p.Successes, p.N) }

func (p Proportion) valid() bool { return p.N >= 0 && p.Successes >= 0 && p.Successes <= p.N }

func (p Proportion) mustValid(fn string) {
	if !p.valid() {
		panic(fmt.Sprintf("metrics: %s: invalid proportion %d/%d", fn, p.Successes, p.N))
	}
}

// NewcombeDiff returns the hybrid score interval of Newcombe (1998, method
// 10) for the difference of two independent proportions a - b, built from
// their Wilson intervals (l₁, u₁) and (l₂, u₂):
//
//	d = p̂₁ - p̂₂
//	Lower = d - √((p̂₁ - l₁)² + (u₂ - p̂₂)²)
//	Upper = d + √((u₁ - p̂₁)² + (p̂₂ - l₂)²)
//
// as DescTools::BinomDiffCI(x1, n1, x2, n2, method = "score"). The interval
// lies within [-1, 1]. Both bounds are NaN when either N is 0. NewcombeDiff
// panics if level is not in (0, 1) or if a or b is not a valid proportion.
func NewcombeDiff(a, b Proportion, level float64) Interval {
	mustLevel("NewcombeDiff", level)
	a.mustValid("NewcombeDiff")
	b.mustValid("NewcombeDiff")
	if a.N == 0 || b.N == 0 {
		return nanInterval
	}
	p1, p2 := a.Value(), b.Value()
	w1, w2 := a.Wilson(level), b.Wilson(level)
	d := p1 - p2
	return Interval{
		Lower: d - math.Hypot(p1-w1.Lower, w2.Upper-p2),
		Upper: d + math.Hypot(w1.Upper-p1, p2-w2.Lower),
	}
}
