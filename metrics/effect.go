package metrics

import (
	"fmt"
	"math"
	"slices"
	"sort"
)

// CohenH returns Cohen's (1988) h, the difference between two proportions
// on the arcsine scale,
//
//	h = 2 asin √p₁ - 2 asin √p₂
//
// Conventional thresholds are 0.2 (small), 0.5 (medium) and 0.8 (large);
// test the difference with [TwoProportionZ] and bound it with
// [NewcombeDiff]. CohenH returns NaN if either proportion is NaN and panics
// if either is outside [0, 1].
func CohenH(p1, p2 float64) float64 {
	for _, p := range []float64{p1, p2} {
		if p < 0 || p > 1 {
			panic(fmt.Sprintf("metrics: CohenH: proportion %v outside [0, 1]", p))
		}
	}
	return 2*math.Asin(math.Sqrt(p1)) - 2*math.Asin(math.Sqrt(p2))
}

// pooledSD returns the means of x and y (NaN dropped), their pooled
// standard deviation and the degrees of freedom n₁ + n₂ - 2,
//
//	s_p = √((Σ(x - x̄)² + Σ(y - ȳ)²) / (n₁ + n₂ - 2))
func pooledSD(x, y []float64) (mx, my, sp, df float64) {
	nx, mx, vx := sampleMoments(x)
	ny, my, vy := sampleMoments(y)
	if nx == 0 || ny == 0 || nx+ny < 3 {
		return math.NaN(), math.NaN(), math.NaN(), math.NaN()
	}
	var ss float64
	if nx > 1 {
		ss += vx * float64(nx-1)
	}
	if ny > 1 {
		ss += vy * float64(ny-1)
	}
	df = float64(nx + ny - 2)
	return mx, my, math.Sqrt(ss / df), df
}

// CohenD returns Cohen's (1988) d, the difference of the means of x and y
// in units of their pooled standard deviation,
//
//	d = (x̄ - ȳ) / s_p,  s_p = √((Σ(x - x̄)² + Σ(y - ȳ)²) / (n₁ + n₂ - 2))
//
// Conventional thresholds are 0.2, 0.5 and 0.8; test the difference with
// [WelchT] and bound it with [WelchCI]. NaN elements are missing values
// and are dropped first. d is NaN when a sample is empty, when there are
// fewer than three values in all, or when s_p is 0.
func CohenD(x, y []float64) float64 {
	mx, my, sp, _ := pooledSD(x, y)
	if sp == 0 {
		return math.NaN()
	}
	return (mx - my) / sp
}

// HedgesG returns Hedges' g, Cohen's d with the exact small-sample bias
// correction of Hedges (1981),
//
//	g = J(m) · d,  J(m) = Γ(m/2) / (√(m/2) · Γ((m-1)/2)),  m = n₁ + n₂ - 2
//
// (J(m) ≈ 1 - 3/(4m - 1)). It is NaN where [CohenD] is and when m < 2.
func HedgesG(x, y []float64) float64 {
	mx, my, sp, m := pooledSD(x, y)
	if sp == 0 || !(m >= 2) {
		return math.NaN()
	}
	a, _ := math.Lgamma(m / 2)
	b, _ := math.Lgamma((m - 1) / 2)
	j := math.Exp(a-b) / math.Sqrt(m/2)
	return j * (mx - my) / sp
}

// CliffDelta returns Cliff's (1993) delta, the probability that a value of
// x exceeds a value of y minus the probability of the reverse,
//
//	δ = (#{(i, j): xᵢ > yⱼ} - #{(i, j): xᵢ < yⱼ}) / (n₁ n₂)
//
// a rank effect size in [-1, 1] suited to ordinal answers; δ = 2U/(n₁n₂) - 1
// for the U of [MannWhitney], which tests it. NaN elements are dropped
// first; δ is NaN when either sample is empty.
func CliffDelta(x, y []float64) float64 {
	x, y = dropNaN(x), dropNaN(y)
	if len(x) == 0 || len(y) == 0 {
		return math.NaN()
	}
	slices.Sort(y)
	var dominance int64
	for _, v := range x {
		below := sort.SearchFloat64s(y, v)                                          // y < v
		above := len(y) - sort.Search(len(y), func(i int) bool { return y[i] > v }) // y > v
		dominance += int64(below - above)
	}
	return float64(dominance) / (float64(len(x)) * float64(len(y)))
}
