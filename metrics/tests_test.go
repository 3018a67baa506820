package metrics_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/metrics"
)

// checkTest compares a Test with R's statistic, parameter and p-value.
func checkTest(t *testing.T, got metrics.Test, stat, df, p float64) {
	t.Helper()
	checkNear(t, "Statistic", got.Statistic, stat, tolR)
	checkNear(t, "DF", got.DF, df, tolR)
	checkNear(t, "P", got.P, p, tolR)
}

// References: r <- prop.test(c(x1, x2), c(n1, n2), correct = FALSE);
// r$statistic (X-squared = z²) and r$p.value, in R 4.2.2.
func TestTwoProportionZMatchesR(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name    string
		a, b    metrics.Proportion
		chi2, p float64
		sign    float64
	}{
		{"56/70 vs 48/80", metrics.Proportion{Successes: 56, N: 70}, metrics.Proportion{Successes: 48, N: 80}, 7.0234113712374597, 0.0080450813681965643, 1},
		{"9/10 vs 3/10", metrics.Proportion{Successes: 9, N: 10}, metrics.Proportion{Successes: 3, N: 10}, 7.5, 0.0061698993205441532, 1},
		{"95/410 vs 120/400", metrics.Proportion{Successes: 95, N: 410}, metrics.Proportion{Successes: 120, N: 400}, 4.8430816455907371, 0.027757250223967661, -1},
		{"1/50 vs 0/60", metrics.Proportion{Successes: 1, N: 50}, metrics.Proportion{Successes: 0, N: 60}, 1.2110091743119265, 0.27113234956794896, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := metrics.TwoProportionZ(tc.a, tc.b)
			checkTest(t, got, tc.sign*math.Sqrt(tc.chi2), nan, tc.p)
		})
	}
	t.Run("pooled 0 and 1", func(t *testing.T) {
		require.Equal(t, 0.0, metrics.TwoProportionZ(metrics.Proportion{N: 10}, metrics.Proportion{N: 20}).Statistic)
		require.Equal(t, 1.0, metrics.TwoProportionZ(metrics.Proportion{N: 10}, metrics.Proportion{N: 20}).P)
		all := metrics.TwoProportionZ(metrics.Proportion{Successes: 10, N: 10}, metrics.Proportion{Successes: 3, N: 3})
		require.Equal(t, 0.0, all.Statistic)
		require.Equal(t, 1.0, all.P)
	})
	t.Run("empty", func(t *testing.T) {
		got := metrics.TwoProportionZ(metrics.Proportion{}, metrics.Proportion{Successes: 1, N: 3})
		require.True(t, math.IsNaN(got.Statistic) && math.IsNaN(got.P) && math.IsNaN(got.DF))
	})
	mustPanic(t, "invalid", func() { metrics.TwoProportionZ(metrics.Proportion{Successes: 3, N: 2}, metrics.Proportion{N: 1}) })
}

// References computed in R 4.2.2 from the formulas (there is no NPS in base R):
//
//	nps <- function(P, A, D, lev = .95) { n <- P+A+D; p <- P/n; d <- D/n
//	  s <- 100*(p-d); se <- 100*sqrt(((p+d)-(p-d)^2)/n); z <- qnorm(1-(1-lev)/2)
//	  c(s, se, max(-100, s-z*se), min(100, s+z*se)) }
func TestNPSMatchesFormula(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name                    string
		nps                     metrics.NPS
		level                   float64
		score, se, lower, upper float64
	}{
		{"40/25/17", metrics.NPS{Promoters: 40, Passives: 25, Detractors: 17}, 0.95, 28.04878048780488, 8.670447020111574, 11.055016598523565, 45.042544377086195},
		{"40/25/17 at 90%", metrics.NPS{Promoters: 40, Passives: 25, Detractors: 17}, 0.9, 28.04878048780488, 8.670447020111574, 13.787164259483779, 42.310396716125979},
		{"all promoters", metrics.NPS{Promoters: 12}, 0.95, 100, 0, 100, 100},
		{"all passives", metrics.NPS{Passives: 3}, 0.95, 0, 0, 0, 0},
		{"one of each extreme, clipped", metrics.NPS{Promoters: 1, Detractors: 1}, 0.95, 0, 70.710678118654755, -100, 100},
		{"310/420/270", metrics.NPS{Promoters: 310, Passives: 420, Detractors: 270}, 0.95, 3.9999999999999982, 2.4049948024891865, -0.71370319588482722, 8.7137031958848237},
		{"empty", metrics.NPS{}, 0.95, nan, nan, nan, nan},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkNear(t, "Score", tc.nps.Score(), tc.score, tolR)
			checkNear(t, "SE", tc.nps.SE(), tc.se, tolR)
			iv := tc.nps.CI(tc.level)
			checkNear(t, "Lower", iv.Lower, tc.lower, tolR)
			checkNear(t, "Upper", iv.Upper, tc.upper, tolR)
		})
	}
	require.Equal(t, int64(82), metrics.NPS{Promoters: 40, Passives: 25, Detractors: 17}.N())
	require.Equal(t, metrics.NPS{Promoters: 3, Passives: 5, Detractors: 7}, metrics.NPS{1, 2, 3}.Add(metrics.NPS{2, 3, 4}))
	mustPanic(t, "negative", func() { metrics.NPS{Promoters: -1}.CI(0.95) })
	mustPanic(t, "level", func() { metrics.NPS{Promoters: 1}.CI(0) })
}

// References computed in R 4.2.2 from the formula:
//
//	za <- function(P, A, D) { n <- P+A+D; p <- P/n; d <- D/n; c(p-d, (p+d)-(p-d)^2, n) }
//	x <- za(...); y <- za(...); z <- (x[1]-y[1])/sqrt(x[2]/x[3]+y[2]/y[3]); c(z, 2*pnorm(-abs(z)))
func TestCompareNPSMatchesFormula(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name string
		a, b metrics.NPS
		z, p float64
	}{
		{"40/25/17 vs 30/30/30", metrics.NPS{40, 25, 17}, metrics.NPS{30, 30, 30}, 2.2959147493477059, 0.021680756250069207},
		{"310/420/270 vs 280/400/330", metrics.NPS{310, 420, 270}, metrics.NPS{280, 400, 330}, 2.6122906470906702, 0.0089937757102214189},
		{"all promoters vs mixed", metrics.NPS{5, 0, 0}, metrics.NPS{3, 1, 1}, 1.6770509831248424, 0.0935325126890931},
		{"reversed order", metrics.NPS{30, 30, 30}, metrics.NPS{40, 25, 17}, -2.2959147493477059, 0.021680756250069207},
		{"both all promoters", metrics.NPS{5, 0, 0}, metrics.NPS{9, 0, 0}, 0, 1},
		{"all promoters vs all detractors", metrics.NPS{5, 0, 0}, metrics.NPS{0, 0, 9}, math.Inf(1), 0},
		{"empty", metrics.NPS{}, metrics.NPS{1, 0, 0}, nan, nan},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkTest(t, metrics.CompareNPS(tc.a, tc.b), tc.z, nan, tc.p)
		})
	}
}

// References: r <- t.test(x, y, conf.level = level); r$statistic,
// r$parameter, r$p.value, r$conf.int in R 4.2.2, with
// g1, g2 <- sleep$extra by group; oj, vc <- ToothGrowth$len by supp.
func TestWelchMatchesR(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name                string
		x, y                []float64
		level               float64
		stat, df, p, lo, hi float64
	}{
		{"sleep", sleepG1, sleepG2, 0.95, -1.8608134674868531, 17.776473516178498, 0.079394140187358173, -3.3654832307117104, 0.20548323071171018},
		{"ToothGrowth at 90%", toothOJ, toothVC, 0.9, 1.915268268695268, 55.30943268264059, 0.060634507880934066, 0.46826868985538433, 6.9317313101446141},
		{"small unequal", []float64{1, 2, 3, 4, 9}, []float64{2, 2.5}, 0.95, 1.0953311426732386, 4.244263043348834, 0.33159773305876722, -2.29135069658596, 5.3913506965859597},
		{"NaN dropped", []float64{3, nan, 5, 4, 6}, []float64{1, 2, nan, 2, 3}, 0.95, 3.2732683535398861, 5.0689655172413772, 0.021679307749166075, 0.54469284343894442, 4.4553071565610551},
		{"n = 1", []float64{3}, []float64{1, 2, 3}, 0.95, nan, nan, nan, nan, nan},
		{"empty", nil, []float64{1, 2, 3}, 0.95, nan, nan, nan, nan, nan},
		{"both constant", []float64{2, 2, 2}, []float64{3, 3}, 0.95, nan, nan, nan, nan, nan},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkTest(t, metrics.WelchT(tc.x, tc.y), tc.stat, tc.df, tc.p)
			iv := metrics.WelchCI(tc.x, tc.y, tc.level)
			checkNear(t, "Lower", iv.Lower, tc.lo, tolR)
			checkNear(t, "Upper", iv.Upper, tc.hi, tolR)
		})
	}
	mustPanic(t, "level", func() { metrics.WelchCI(sleepG1, sleepG2, 95) })
}

// References: r <- wilcox.test(x, y, exact = FALSE); r$statistic (W) and
// r$p.value in R 4.2.2.
func TestMannWhitneyMatchesR(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name string
		x, y []float64
		u, p float64
	}{
		{"sleep", sleepG1, sleepG2, 25.5, 0.069327575433626581},
		{"ToothGrowth", toothOJ, toothVC, 575.5, 0.064490672133835691},
		{"Likert with ties", []float64{1, 2, 2, 3, 3, 3, 4, 4, 5}, []float64{3, 4, 4, 4, 5, 5, 5, 5}, 12.5, 0.022268397962861876},
		{"no ties", []float64{1.5, 2.7, 3.1}, []float64{0.2, 0.9, 4.4, 5.0}, 6, 1},
		{"NaN dropped", []float64{2, nan, 4, 5}, []float64{1, 3, nan}, 5, 0.38647623077123261},
		{"all equal", []float64{3, 3, 3}, []float64{3, 3}, 3, nan},
		{"empty", []float64{}, []float64{3, 3}, nan, nan},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkTest(t, metrics.MannWhitney(tc.x, tc.y), tc.u, nan, tc.p)
		})
	}
}
