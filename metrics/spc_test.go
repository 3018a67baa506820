package metrics_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/metrics"
)

// The reference signals come from an independent R 4.2.2 implementation of
// the Nelson rules written from their definitions (no control-chart
// package), with 0-based indices:
//
//	nelson <- function(x, z, lo, hi) {
//	  n <- length(z); out <- list(); ok <- function(v) !is.na(v) & v
//	  add <- function(r, i) out[[length(out)+1]] <<- c(r, i-1)
//	  for (i in 1:n) {
//	    if (ok(x[i] < lo[i] | x[i] > hi[i])) add(1, i)
//	    if (i >= 9 && (all(ok(z[(i-8):i] > 0)) || all(ok(z[(i-8):i] < 0)))) add(2, i)
//	    if (i >= 6) { d <- diff(z[(i-5):i]); if (all(ok(d > 0)) || all(ok(d < 0))) add(3, i) }
//	    if (i >= 14) { s <- sign(diff(z[(i-13):i])); if (all(ok(s != 0)) && all(ok(s[-1] != s[-13]))) add(4, i) }
//	    w <- max(1, i-2):i
//	    if ((ok(z[i] > 2) && sum(ok(z[w] > 2)) >= 2) || (ok(z[i] < -2) && sum(ok(z[w] < -2)) >= 2)) add(5, i)
//	    w <- max(1, i-4):i
//	    if ((ok(z[i] > 1) && sum(ok(z[w] > 1)) >= 4) || (ok(z[i] < -1) && sum(ok(z[w] < -1)) >= 4)) add(6, i)
//	    if (i >= 15 && all(ok(abs(z[(i-14):i]) < 1))) add(7, i)
//	    if (i >= 8 && all(ok(abs(z[(i-7):i]) > 1))) add(8, i)
//	  }
//	  m <- do.call(rbind, out); m[order(m[, 2], m[, 1]), , drop = FALSE] }
//	xmr <- function(x) { mr <- mean(abs(diff(x))); m <- mean(x); lo <- m - 2.66*mr; hi <- m + 2.66*mr
//	  c(m, lo, hi); nelson(x, (x - m)/(mr/1.128), rep(lo, length(x)), rep(hi, length(x))) }
func TestXmRMatchesR(t *testing.T) {
	tests := []struct {
		name                 string
		x                    []float64
		center, lower, upper float64
		signals              []metrics.Signal
	}{
		{
			name:   "alternating then a jump", // c(rep(c(10, 11), 10), 25)
			x:      []float64{10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 25},
			center: 11.19047619047619, lower: 6.8014761904761896, upper: 15.579476190476189,
			signals: []metrics.Signal{{metrics.Nelson2, 8}, {metrics.Nelson2, 9}, {metrics.Nelson2, 10}, {metrics.Nelson2, 11}, {metrics.Nelson2, 12}, {metrics.Nelson2, 13}, {metrics.Nelson4, 13}, {metrics.Nelson2, 14}, {metrics.Nelson4, 14}, {metrics.Nelson7, 14}, {metrics.Nelson2, 15}, {metrics.Nelson4, 15}, {metrics.Nelson7, 15}, {metrics.Nelson2, 16}, {metrics.Nelson4, 16}, {metrics.Nelson7, 16}, {metrics.Nelson2, 17}, {metrics.Nelson4, 17}, {metrics.Nelson7, 17}, {metrics.Nelson2, 18}, {metrics.Nelson4, 18}, {metrics.Nelson7, 18}, {metrics.Nelson2, 19}, {metrics.Nelson4, 19}, {metrics.Nelson7, 19}, {metrics.Nelson1, 20}},
		},
		{
			name:   "monthly CSAT",
			x:      []float64{4.1, 4.0, 4.2, 4.1, 4.3, 4.2, 4.1, 4.0, 4.2, 4.3, 4.4, 4.5, 4.6, 4.7, 4.8, 4.6, 4.7, 4.9, 5.0, 4.8},
			center: 4.4249999999999998, lower: 4.0749999999999993, upper: 4.7750000000000004,
			signals: []metrics.Signal{{metrics.Nelson1, 1}, {metrics.Nelson5, 1}, {metrics.Nelson5, 3}, {metrics.Nelson6, 3}, {metrics.Nelson6, 4}, {metrics.Nelson6, 5}, {metrics.Nelson6, 6}, {metrics.Nelson1, 7}, {metrics.Nelson5, 7}, {metrics.Nelson6, 7}, {metrics.Nelson8, 7}, {metrics.Nelson2, 8}, {metrics.Nelson6, 8}, {metrics.Nelson8, 8}, {metrics.Nelson2, 9}, {metrics.Nelson6, 9}, {metrics.Nelson8, 9}, {metrics.Nelson2, 10}, {metrics.Nelson3, 12}, {metrics.Nelson3, 13}, {metrics.Nelson1, 14}, {metrics.Nelson3, 14}, {metrics.Nelson5, 14}, {metrics.Nelson6, 15}, {metrics.Nelson5, 16}, {metrics.Nelson6, 16}, {metrics.Nelson1, 17}, {metrics.Nelson5, 17}, {metrics.Nelson6, 17}, {metrics.Nelson1, 18}, {metrics.Nelson5, 18}, {metrics.Nelson6, 18}, {metrics.Nelson1, 19}, {metrics.Nelson2, 19}, {metrics.Nelson5, 19}, {metrics.Nelson6, 19}, {metrics.Nelson8, 19}},
		},
		{
			// set.seed(7); round(rnorm(60, 50, 5) + c(rep(0, 30), seq(0, 12, length.out = 30)), 1)
			name:   "drift",
			x:      []float64{61.4, 44, 46.5, 47.9, 45.1, 45.3, 53.7, 49.4, 50.8, 60.9, 51.8, 63.6, 61.4, 51.6, 59.5, 52.3, 45.5, 48.5, 50, 54.9, 54.2, 53.5, 56.5, 43.1, 56.4, 50.9, 53.8, 53, 45.1, 48.6, 45.6, 54, 51.4, 50.8, 49.6, 49.3, 57.5, 47.4, 52.6, 55.3, 60.2, 51.1, 53.5, 48.8, 53.8, 54.2, 63.4, 60, 58, 62.5, 57, 58.7, 60.9, 68.1, 63.5, 62.8, 52.9, 62.8, 62.4, 57.5},
			center: 54.079999999999998, lower: 40.586135593220334, upper: 67.573864406779663,
			signals: []metrics.Signal{{metrics.Nelson6, 4}, {metrics.Nelson6, 5}, {metrics.Nelson6, 7}, {metrics.Nelson2, 33}, {metrics.Nelson2, 34}, {metrics.Nelson2, 35}, {metrics.Nelson1, 53}, {metrics.Nelson2, 53}, {metrics.Nelson6, 53}, {metrics.Nelson2, 54}, {metrics.Nelson5, 54}, {metrics.Nelson6, 54}, {metrics.Nelson2, 55}, {metrics.Nelson6, 55}, {metrics.Nelson6, 57}, {metrics.Nelson6, 58}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ch := metrics.XmR(tc.x)
			require.Len(t, ch.Center, len(tc.x))
			for i := range tc.x {
				checkNear(t, "Center", ch.Center[i], tc.center, tolR)
				checkNear(t, "Lower", ch.Lower[i], tc.lower, tolR)
				checkNear(t, "Upper", ch.Upper[i], tc.upper, tolR)
			}
			require.Equal(t, tc.signals, ch.Signals)
		})
	}
}

func TestXmREdgeCases(t *testing.T) {
	empty := metrics.XmR(nil)
	require.Empty(t, empty.Center)
	require.Empty(t, empty.Signals)

	one := metrics.XmR([]float64{4})
	require.Equal(t, []float64{4}, one.Center)
	require.True(t, math.IsNaN(one.Lower[0]) && math.IsNaN(one.Upper[0]))
	require.Empty(t, one.Signals)

	same := metrics.XmR([]float64{3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3})
	require.Equal(t, 3.0, same.Lower[0])
	require.Equal(t, 3.0, same.Upper[0])
	require.Empty(t, same.Signals, "a chart without variation has no signals")

	mustPanic(t, "NaN", func() { metrics.XmR([]float64{1, math.NaN()}) })
	mustPanic(t, "Inf", func() { metrics.XmR([]float64{1, math.Inf(1)}) })
}

// References from R 4.2.2 with the nelson function above:
//
//	pch <- function(k, n) { pb <- sum(k)/sum(n); s <- sqrt(pb*(1-pb)/n)
//	  lo <- pmax(0, pb - 3*s); hi <- pmin(1, pb + 3*s); p <- k/n
//	  pb; lo; hi; nelson(p, (p - pb)/s, lo, hi) }
//
// The second case is set.seed(11); n <- sample(40:160, 40, replace = TRUE);
// k <- rbinom(40, n, c(rep(.2, 20), rep(.3, 20))).
func TestPChartMatchesR(t *testing.T) {
	tests := []struct {
		name         string
		k, n         []int64
		pbar         float64
		lower, upper []float64
		signals      []metrics.Signal
	}{
		{
			name:    "monthly complaints",
			k:       []int64{12, 15, 9, 14, 30, 11, 13, 10, 12, 16, 2, 14},
			n:       []int64{100, 120, 90, 110, 100, 95, 105, 100, 98, 130, 40, 100},
			pbar:    0.132996632996633,
			lower:   []float64{0.031125304475123711, 0.040001258672882928, 0.025614824198218783, 0.035866132334626405, 0.031125304475123711, 0.02847885523540955, 0.033580396061128087, 0.031125304475123711, 0.030091051273716196, 0.043649567379382401, 0, 0.031125304475123711},
			upper:   []float64{0.23486796151814229, 0.22599200732038308, 0.24037844179504722, 0.2301271336586396, 0.23486796151814229, 0.23751441075785645, 0.23241286993213792, 0.23486796151814229, 0.23590221471954981, 0.22234369861388359, 0.29406934619425434, 0.23486796151814229},
			signals: []metrics.Signal{{metrics.Nelson1, 4}},
		},
		{
			name:    "shift with varying n",
			k:       []int64{12, 19, 14, 10, 26, 19, 20, 36, 10, 24, 29, 16, 28, 23, 30, 21, 15, 29, 25, 10, 25, 18, 28, 32, 30, 26, 21, 12, 50, 29, 36, 52, 35, 18, 41, 47, 12, 18, 34, 37},
			n:       []int64{73, 95, 64, 55, 152, 76, 99, 157, 51, 124, 125, 101, 133, 142, 133, 124, 74, 132, 146, 78, 84, 73, 88, 134, 79, 86, 78, 45, 149, 106, 138, 146, 121, 51, 132, 137, 42, 49, 119, 129},
			pbar:    0.24684466019417475,
			lower:   []float64{0.095448809409108992, 0.11413161933453517, 0.085153820677532743, 0.07242555337227688, 0.14192578911331186, 0.098466969762744133, 0.11684033371798774, 0.14360998950874188, 0.065714690318236429, 0.13068253192877766, 0.13114811347474412, 0.11813394128590776, 0.13468166905369089, 0.13829430953040867, 0.13468166905369089, 0.13068253192877766, 0.096475233791651099, 0.13425761086391091, 0.13979162746054805, 0.1003816008211722, 0.1057093247149426, 0.095448809409108992, 0.10895424894182229, 0.13510097142283886, 0.10131153440957849, 0.10736008718080184, 0.1003816008211722, 0.054017082328457033, 0.14087482260413109, 0.12120623899802144, 0.13673235371224976, 0.13979162746054805, 0.12925132236388967, 0.065714690318236429, 0.13425761086391091, 0.1363312146552188, 0.04724915462936799, 0.062055129318012492, 0.12826726053966642, 0.13295598323659202},
			upper:   []float64{0.39824051097924051, 0.37955770105381437, 0.40853549971081676, 0.4212637670160726, 0.35176353127503768, 0.3952223506256054, 0.37684898667036176, 0.35007933087960763, 0.42797463007011305, 0.36300678845957185, 0.36254120691360536, 0.37555537910244174, 0.35900765133465862, 0.35539501085794084, 0.35900765133465862, 0.36300678845957185, 0.39721408659669843, 0.35943170952443859, 0.35389769292780149, 0.39330771956717731, 0.38797999567340691, 0.39824051097924051, 0.38473507144652719, 0.35858834896551062, 0.39237778597877104, 0.38632923320754764, 0.39330771956717731, 0.43967223805989247, 0.35281449778421842, 0.37248308139032804, 0.35695696667609977, 0.35389769292780149, 0.36443799802445986, 0.42797463007011305, 0.35943170952443859, 0.3573581057331307, 0.44644016575898149, 0.43163419107033701, 0.36542205984868309, 0.36073333715175748},
			signals: []metrics.Signal{{metrics.Nelson6, 4}, {metrics.Nelson5, 13}, {metrics.Nelson2, 14}, {metrics.Nelson2, 15}, {metrics.Nelson5, 15}, {metrics.Nelson2, 16}, {metrics.Nelson2, 17}, {metrics.Nelson2, 18}, {metrics.Nelson2, 19}, {metrics.Nelson5, 19}, {metrics.Nelson1, 31}, {metrics.Nelson2, 32}, {metrics.Nelson2, 33}, {metrics.Nelson2, 34}, {metrics.Nelson6, 34}, {metrics.Nelson2, 35}, {metrics.Nelson6, 35}, {metrics.Nelson2, 36}, {metrics.Nelson2, 37}, {metrics.Nelson6, 37}, {metrics.Nelson2, 38}, {metrics.Nelson2, 39}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ch := metrics.PChart(tc.k, tc.n)
			for i := range tc.n {
				checkNear(t, "Center", ch.Center[i], tc.pbar, tolR)
			}
			checkSlice(t, "Lower", ch.Lower, tc.lower, tolR)
			checkSlice(t, "Upper", ch.Upper, tc.upper, tolR)
			require.Equal(t, tc.signals, ch.Signals)
		})
	}
}

func TestPChartEdgeCases(t *testing.T) {
	ch := metrics.PChart([]int64{3, 0, 4}, []int64{10, 0, 10})
	require.True(t, math.IsNaN(ch.Lower[1]) && math.IsNaN(ch.Upper[1]))
	checkNear(t, "Center", ch.Center[1], 0.35, tolExact)

	none := metrics.PChart([]int64{0, 0}, []int64{0, 0})
	require.True(t, math.IsNaN(none.Center[0]))
	require.Empty(t, none.Signals)

	zero := metrics.PChart([]int64{0, 0, 0}, []int64{10, 20, 30})
	require.Equal(t, []float64{0, 0, 0}, zero.Lower)
	require.Equal(t, []float64{0, 0, 0}, zero.Upper)
	require.Empty(t, zero.Signals)

	all := metrics.PChart([]int64{10, 20}, []int64{10, 20})
	require.Equal(t, []float64{1, 1}, all.Upper)
	require.Empty(t, all.Signals)

	require.Empty(t, metrics.PChart(nil, nil).Center)
	mustPanic(t, "length mismatch", func() { metrics.PChart([]int64{1}, []int64{1, 2}) })
	mustPanic(t, "k > n", func() { metrics.PChart([]int64{3}, []int64{2}) })
	mustPanic(t, "negative n", func() { metrics.PChart([]int64{0}, []int64{-2}) })
	require.Equal(t, "Nelson3", metrics.Nelson3.String())
	require.Equal(t, "Rule(9)", metrics.Rule(9).String())
}
