package metrics

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Paired tests: the same people measured twice (one pair per person),
// asking whether the people changed, where the tests of two samples ask
// whether two groups differ.

// McNemar returns McNemar's test that a binary outcome measured twice on
// the same people did not change, from the discordant pairs: b people
// with the outcome the first time and not the second, c people the other
// way round (concordant pairs do not enter it):
//
//	χ² = (|b - c| - 1)² / (b + c)   with the continuity correction
//	χ² = (b - c)² / (b + c)         without it
//
// with df = 1 and P = 1 - F_χ²₁(χ²), as R mcnemar.test(matrix(c(a, c, b,
// d), 2), correct = correct) (R, like this function, applies the
// correction only when b ≠ c). All fields are NaN when b + c is 0.
// McNemar panics if b or c is negative.
func McNemar(b, c int64, correct bool) Test {
	if b < 0 || c < 0 {
		panic(fmt.Sprintf("metrics: McNemar: negative count (b = %d, c = %d)", b, c))
	}
	if b+c == 0 {
		return nanTest
	}
	d := math.Abs(float64(b - c))
	if correct && b != c {
		d--
	}
	chi := d * d / float64(b+c)
	return Test{Statistic: chi, DF: 1, P: distuv.ChiSquared{K: 1}.Survival(chi)}
}

// pairedDiffs returns x[i] - y[i] over the pairs with neither value NaN.
func pairedDiffs(name string, x, y []float64) []float64 {
	if len(x) != len(y) {
		panic(fmt.Sprintf("metrics: %s: length mismatch %d != %d", name, len(x), len(y)))
	}
	d := make([]float64, 0, len(x))
	for i := range x {
		if !math.IsNaN(x[i]) && !math.IsNaN(y[i]) {
			d = append(d, x[i]-y[i])
		}
	}
	return d
}

// PairedT returns the paired t test of mean(x - y) = 0, one pair per
// person (x[i] and y[i]), as R t.test(x, y, paired = TRUE):
//
//	dᵢ = xᵢ - yᵢ,  t = d̄ / (s_d / √n),  df = n - 1
//
// with P = 2 F_df(-|t|). Pairs with a NaN are missing and dropped. All
// fields are NaN when fewer than two pairs remain or the differences do
// not vary (where R stops with "data are essentially constant").
// PairedT panics if len(x) != len(y).
func PairedT(x, y []float64) Test {
	n, mean, variance := sampleMoments(pairedDiffs("PairedT", x, y))
	if n < 2 || !(variance > 0) {
		return nanTest
	}
	t := mean / math.Sqrt(variance/float64(n))
	df := float64(n - 1)
	return Test{Statistic: t, DF: df, P: tTwoSided(t, df)}
}

// PairedTCI returns the mean of x - y over the pairs and its t confidence
// interval, d̄ ± t(n-1, 1 - (1-level)/2) · s_d/√n, as R t.test(x, y,
// paired = TRUE, conf.level = level)$estimate and $conf.int. Pairs with a
// NaN are dropped; the bounds are NaN when fewer than two pairs remain or
// the differences do not vary. PairedTCI panics if len(x) != len(y) or
// level is not in (0, 1).
func PairedTCI(x, y []float64, level float64) (mean float64, ci Interval) {
	mustLevel("PairedTCI", level)
	n, mean, variance := sampleMoments(pairedDiffs("PairedTCI", x, y))
	if n < 2 || !(variance > 0) {
		return mean, nanInterval
	}
	h := tCrit(level, float64(n-1)) * math.Sqrt(variance/float64(n))
	return mean, Interval{mean - h, mean + h}
}

// WilcoxonSignedRank returns the Wilcoxon signed-rank test of x - y
// symmetric about 0, one pair per person, as R wilcox.test(x, y, paired =
// TRUE) with its defaults. Pairs with a NaN are dropped, and so are zero
// differences; with the n that remain, Statistic is R's V, the sum of the
// ranks of |dᵢ| (ties given their average rank) over the positive dᵢ.
//
// With fewer than 50 pairs, no zero and no tie, P is exact: twice the
// smaller tail of the signed-rank distribution at V (R psignrank), at
// most 1. Otherwise it is the normal approximation with the continuity
// and tie corrections:
//
//	z = (V - n(n+1)/4 - sign(V - n(n+1)/4)/2) / √(n(n+1)(2n+1)/24 - Σ(t³-t)/48)
//
// with P = 2 Φ(-|z|), t running over the sizes of the groups of tied
// |dᵢ|. DF is NaN. All fields are NaN when no pair remains (where R
// stops); P is NaN when every |dᵢ| is tied and the variance is 0.
// WilcoxonSignedRank panics if len(x) != len(y).
//
// Ties and zeros are exact equality, as in R by default (wilcox.test's
// digits.rank = Inf): differences of means computed in floating point
// can differ in their last bits where their exact values tie (7/3 − 1
// and 8/3 − 4/3), which unties them here and in R alike. For means of
// integer answers over the same number of items, pass the sums (or means
// scaled to integers): the test depends on the ranks only, so scaling
// every pair by one factor changes nothing but the ties, which are then
// exact; R's digits.rank = 7 gives the same.
func WilcoxonSignedRank(x, y []float64) Test {
	all := pairedDiffs("WilcoxonSignedRank", x, y)
	d := all[:0:0]
	zeroes := false
	for _, v := range all {
		if v == 0 {
			zeroes = true
			continue
		}
		d = append(d, v)
	}
	n := len(d)
	if n == 0 {
		return nanTest
	}
	abs := make([]float64, n)
	for i, v := range d {
		abs[i] = math.Abs(v)
	}
	ranks, ties := averageRanks(abs)
	var v float64
	for i, r := range ranks {
		if d[i] > 0 {
			v += r
		}
	}
	fn := float64(n)
	if n < 50 && ties == 0 && !zeroes {
		var p float64
		if v > fn*(fn+1)/4 {
			p = 1 - signRankCDF(int(v)-1, n)
		} else {
			p = signRankCDF(int(v), n)
		}
		return Test{Statistic: v, DF: math.NaN(), P: math.Min(2*p, 1)}
	}
	z := v - fn*(fn+1)/4
	sigma := math.Sqrt(fn*(fn+1)*(2*fn+1)/24 - ties/48)
	var corr float64
	switch {
	case z > 0:
		corr = 0.5
	case z < 0:
		corr = -0.5
	}
	z = (z - corr) / sigma
	return Test{Statistic: v, DF: math.NaN(), P: normalTwoSided(z)}
}

// signRankCDF returns P(V ≤ v) for the Wilcoxon signed-rank statistic of n
// untied, non-zero differences under the null: the share of the 2ⁿ sign
// assignments whose positive ranks sum to at most v (R psignrank(v, n)).
// The counts come from the recurrence over ranks, exact in float64 for
// n < 50.
func signRankCDF(v, n int) float64 {
	if v < 0 {
		return 0
	}
	max := n * (n + 1) / 2
	if v >= max {
		return 1
	}
	counts := make([]float64, max+1)
	counts[0] = 1
	for k := 1; k <= n; k++ {
		for s := k * (k + 1) / 2; s >= k; s-- {
			counts[s] += counts[s-k]
		}
	}
	var below float64
	for s := 0; s <= v; s++ {
		below += counts[s]
	}
	return below / math.Ldexp(1, n)
}
