package metrics

import (
	"math"
)

// Test is the result of a two-sample hypothesis test. P is the two-sided
// p-value. DF is the degrees of freedom of the reference distribution, NaN
// where it does not apply (normal approximations). Statistic is signed so
// that it is positive when the first sample is larger, except for
// [MannWhitney], whose statistic is a count. All three fields are NaN when
// the test is undefined for the data (too few observations, no variation).
type Test struct{ Statistic, DF, P float64 }

var nanTest = Test{math.NaN(), math.NaN(), math.NaN()}

// TwoProportionZ returns the pooled two-proportion z test of a against b:
//
//	p̄ = (x₁ + x₂) / (n₁ + n₂)
//	z = (p̂₁ - p̂₂) / √(p̄ (1 - p̄) (1/n₁ + 1/n₂))
//
// P is 2 Φ(-|z|), the same p-value as R
// prop.test(c(x1, x2), c(n1, n2), correct = FALSE), whose X-squared is z².
// When p̄ is 0 or 1 the samples cannot differ, and Statistic is 0 and P is 1.
// All fields are NaN when either N is 0. DF is NaN. TwoProportionZ panics
// if a or b is not a valid proportion.
func TwoProportionZ(a, b Proportion) Test {
	a.mustValid("TwoProportionZ")
	b.mustValid("TwoProportionZ")
	if a.N == 0 || b.N == 0 {
		return nanTest
	}
	n1, n2 := float64(a.N), float64(b.N)
	pooled := float64(a.Successes+b.Successes) / (n1 + n2)
	if pooled == 0 || pooled == 1 {
		return Test{Statistic: 0, DF: math.NaN(), P: 1}
	}
	z := (a.Value() - b.Value()) / math.Sqrt(pooled*(1-pooled)*(1/n1+1/n2))
	return Test{Statistic: z, DF: math.NaN(), P: normalTwoSided(z)}
}

// CompareNPS returns the z test of the difference between the Net Promoter
// Scores of two independent samples:
//
//	z = ((p₁ - d₁) - (p₂ - d₂)) / √(V₁/n₁ + V₂/n₂),  Vᵢ = (pᵢ + dᵢ) - (pᵢ - dᵢ)²
//
// with P = 2 Φ(-|z|) and DF NaN. When both variances are zero (each sample
// is all one group), the statistic is 0 with P 1 if the scores are equal,
// and ±Inf with P 0 otherwise. All fields are NaN when either sample is
// empty. CompareNPS panics if a count is negative.
func CompareNPS(a, b NPS) Test {
	a.mustValid("CompareNPS")
	b.mustValid("CompareNPS")
	if a.N() == 0 || b.N() == 0 {
		return nanTest
	}
	p1, d1 := a.shares()
	p2, d2 := b.shares()
	diff := (p1 - d1) - (p2 - d2)
	se := math.Sqrt(a.variance()/float64(a.N()) + b.variance()/float64(b.N()))
	if se == 0 {
		if diff == 0 {
			return Test{Statistic: 0, DF: math.NaN(), P: 1}
		}
		return Test{Statistic: math.Inf(int(math.Copysign(1, diff))), DF: math.NaN(), P: 0}
	}
	z := diff / se
	return Test{Statistic: z, DF: math.NaN(), P: normalTwoSided(z)}
}

// welch returns the Welch (1947) difference of means, its standard error
// and the Welch–Satterthwaite degrees of freedom, NaN when either sample
// has fewer than two values.
func welch(x, y []float64) (diff, se, df float64) {
	nx, mx, vx := sampleMoments(x)
	ny, my, vy := sampleMoments(y)
	if nx < 2 || ny < 2 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	sx, sy := vx/float64(nx), vy/float64(ny)
	se2 := sx + sy
	df = se2 * se2 / (sx*sx/float64(nx-1) + sy*sy/float64(ny-1))
	return mx - my, math.Sqrt(se2), df
}

// WelchT returns Welch's (1947) unequal-variances t test of mean(x) against
// mean(y), as R t.test(x, y):
//
//	t  = (x̄ - ȳ) / √(s²ₓ/nₓ + s²ᵧ/nᵧ)
//	df = (s²ₓ/nₓ + s²ᵧ/nᵧ)² / ((s²ₓ/nₓ)²/(nₓ-1) + (s²ᵧ/nᵧ)²/(nᵧ-1))
//
// with P = 2 F_df(-|t|). NaN elements are missing values and are dropped
// first. All fields are NaN when a sample has fewer than two values or when
// both have zero variance.
func WelchT(x, y []float64) Test {
	diff, se, df := welch(x, y)
	if !(se > 0) {
		return nanTest
	}
	t := diff / se
	return Test{Statistic: t, DF: df, P: tTwoSided(t, df)}
}

// WelchCI returns the Welch confidence interval of mean(x) - mean(y),
//
//	(x̄ - ȳ) ± t(df, 1 - (1-level)/2) · √(s²ₓ/nₓ + s²ᵧ/nᵧ)
//
// with the degrees of freedom of [WelchT], as R t.test(x, y, conf.level =
// level)$conf.int. NaN elements are dropped first. Both bounds are NaN when
// a sample has fewer than two values or both have zero variance. WelchCI
// panics if level is not in (0, 1).
func WelchCI(x, y []float64, level float64) Interval {
	mustLevel("WelchCI", level)
	diff, se, df := welch(x, y)
	if !(se > 0) {
		return nanInterval
	}
	h := tCrit(level, df) * se
	return Interval{diff - h, diff + h}
}

// MannWhitney returns the Mann–Whitney (Wilcoxon rank-sum) test of x
// against y with the normal approximation, corrected for ties and for
// continuity, as R wilcox.test(x, y, exact = FALSE). Statistic is U of x
// (R's W), the number of pairs with x > y plus half the ties:
//
//	U = R₁ - nₓ(nₓ+1)/2
//	σ = √(nₓnᵧ/12 · ((N+1) - Σ(t³ - t) / (N(N-1)))),  N = nₓ + nᵧ
//	z = (U - nₓnᵧ/2 - sign(U - nₓnᵧ/2)/2) / σ
//
// where R₁ is the sum of the average ranks of x in the combined sample and
// t runs over the sizes of the groups of tied values. P = 2 Φ(-|z|) and
// DF is NaN. NaN elements are missing values and are dropped first. P is NaN
// when σ is 0 (all values equal), and all fields are NaN when either
// sample is empty.
func MannWhitney(x, y []float64) Test {
	x, y = dropNaN(x), dropNaN(y)
	nx, ny := len(x), len(y)
	if nx == 0 || ny == 0 {
		return nanTest
	}
	all := make([]float64, 0, nx+ny)
	all = append(append(all, x...), y...)
	ranks, ties := averageRanks(all)
	var r1 float64
	for _, r := range ranks[:nx] {
		r1 += r
	}
	fx, fy, n := float64(nx), float64(ny), float64(nx+ny)
	u := r1 - fx*(fx+1)/2
	z := u - fx*fy/2
	sigma := math.Sqrt(fx * fy / 12 * ((n + 1) - ties/(n*(n-1))))
	var corr float64
	switch {
	case z > 0:
		corr = 0.5
	case z < 0:
		corr = -0.5
	}
	z = (z - corr) / sigma
	return Test{Statistic: u, DF: math.NaN(), P: normalTwoSided(z)}
}
