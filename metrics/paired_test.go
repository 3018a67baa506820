package metrics_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/metrics"
)

// References: r <- mcnemar.test(matrix(c(20, c, b, 30), 2), correct =
// correct); r$statistic and r$p.value, in R 4.2.2.
func TestMcNemarMatchesR(t *testing.T) {
	tests := []struct {
		b, c    int64
		correct bool
		stat, p float64
	}{
		{10, 5, true, 1.0666666666666667, 0.30169958247834794},
		{7, 7, true, 0, 1},
		{0, 4, true, 2.25, 0.13361440253771517},
		{15, 3, false, 8, 0.004677734981047268},
		{1, 0, true, 0, 1},
	}
	for _, tc := range tests {
		checkTest(t, metrics.McNemar(tc.b, tc.c, tc.correct), tc.stat, 1, tc.p)
	}
	got := metrics.McNemar(0, 0, true)
	require.True(t, math.IsNaN(got.P), "no discordant pair: nothing to test")
	require.Panics(t, func() { metrics.McNemar(-1, 2, true) })
}

var (
	pairedX = []float64{3.1, 4.5, 2.2, 5.0, 3.3, 4.8, 2.9}
	pairedY = []float64{2.9, 4.0, 2.8, 4.1, 3.0, 4.4, 2.5}
	likertX = []float64{4, 5, 3, 4, 2, 5, 4, 3, 4, 5, 1, 4}
	likertY = []float64{3, 5, 4, 2, 2, 4, 3, 3, 5, 4, 2, 3}
)

// References: r <- t.test(x, y, paired = TRUE); r$statistic, r$parameter,
// r$p.value, r$estimate and r$conf.int (conf.level 0.95 and 0.9), in R
// 4.2.2.
func TestPairedTMatchesR(t *testing.T) {
	checkTest(t, metrics.PairedT(pairedX, pairedY), 1.745963085742134, 6, 0.13142226225672637)
	mean, ci := metrics.PairedTCI(pairedX, pairedY, 0.95)
	checkNear(t, "mean", mean, 0.29999999999999999, tolR)
	checkNear(t, "lower", ci.Lower, -0.12044047857487632, tolR)
	checkNear(t, "upper", ci.Upper, 0.72044047857487636, tolR)
	_, ci = metrics.PairedTCI(pairedX, pairedY, 0.9)
	checkNear(t, "lower 90", ci.Lower, -0.033886832382141671, tolR)
	checkNear(t, "upper 90", ci.Upper, 0.63388683238214172, tolR)
	checkTest(t, metrics.PairedT(likertX, likertY), 1.1726039399558572, 11, 0.265723211497773)
	// A missing value drops its pair.
	x := append(append([]float64{}, pairedX...), math.NaN(), 9)
	y := append(append([]float64{}, pairedY...), 1, math.NaN())
	checkTest(t, metrics.PairedT(x, y), 1.745963085742134, 6, 0.13142226225672637)
	require.True(t, math.IsNaN(metrics.PairedT([]float64{1, 2}, []float64{0, 1}).P), "constant differences")
	require.Panics(t, func() { metrics.PairedT([]float64{1}, []float64{1, 2}) })
}

// References: r <- wilcox.test(x, y, paired = TRUE); r$statistic (V) and
// r$p.value, in R 4.2.2: the exact test (9 pairs, no ties), the normal
// approximation with ties and zeros (Likert answers), with 60 pairs, and
// with 3 pairs and a tie.
func TestWilcoxonSignedRankMatchesR(t *testing.T) {
	nan := math.NaN()
	x2 := []float64{1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30}
	y2 := []float64{0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29}
	checkTest(t, metrics.WilcoxonSignedRank(x2, y2), 40, nan, 0.0390625)
	checkTest(t, metrics.WilcoxonSignedRank(likertX, likertY), 31.5, nan, 0.27547071699343206)
	var x4, y4 []float64
	for i := 1; i <= 60; i++ {
		x4 = append(x4, math.Sin(float64(i))*10+float64(i)/7)
		y4 = append(y4, math.Cos(float64(i)*1.3)*3)
	}
	checkTest(t, metrics.WilcoxonSignedRank(x4, y4), 1449, nan, 8.5863679587028132e-05)
	checkTest(t, metrics.WilcoxonSignedRank([]float64{1.1, 2.2, 3.3}, []float64{2.0, 4.5, 1.0}), 2.5, nan, 1)
	require.True(t, math.IsNaN(metrics.WilcoxonSignedRank([]float64{1, 2}, []float64{1, 2}).Statistic), "every difference zero")
}

// TestWilcoxonSignedRankTiesOfMeans: ties are exact equality of |dᵢ|, as
// in R's wilcox.test by default (digits.rank = Inf). Means of integer
// answers computed in floating point can differ in their last bits where
// the exact values tie: with 3 items, 7/3 − 3/3 and 8/3 − 4/3 are both
// 4/3 but compute as 1.3333333333333335 and 1.3333333333333333. R and
// this function then both see fewer ties; on the integer sums (or with
// digits.rank = 7 in R) the ties are exact, which is why callers with
// means of integer answers pass sums over a common count. Values from
// R 4.2.2:
//
//	b <- c(3, 4, 6, 5, 9, 7, 6, 10, 8, 5); a <- c(7, 8, 6, 9, 12, 11, 5, 14, 12, 9)
//	wilcox.test(a, b, paired = TRUE)                         # V = 44, p = 0.0087958644786274142
//	wilcox.test(a/3, b/3, paired = TRUE, digits.rank = 7)    # the same
//	wilcox.test(a/3, b/3, paired = TRUE)                     # V = 44, p = 0.012227496055685723
func TestWilcoxonSignedRankTiesOfMeans(t *testing.T) {
	nan := math.NaN()
	before := []float64{3, 4, 6, 5, 9, 7, 6, 10, 8, 5}
	after := []float64{7, 8, 6, 9, 12, 11, 5, 14, 12, 9}
	checkTest(t, metrics.WilcoxonSignedRank(after, before), 44, nan, 0.0087958644786274142)
	meanBefore, meanAfter := make([]float64, len(before)), make([]float64, len(after))
	for i := range before {
		meanBefore[i], meanAfter[i] = before[i]/3, after[i]/3
	}
	checkTest(t, metrics.WilcoxonSignedRank(meanAfter, meanBefore), 44, nan, 0.012227496055685723)
}
