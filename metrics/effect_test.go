package metrics_test

import (
	"math"
	"testing"

	"github.com/cxculture/cxculture/metrics"
)

// References computed in R 4.2.2 from the formulas:
//
//	cd <- function(x, y) { nx <- length(x); ny <- length(y)
//	  sp <- sqrt((sum((x-mean(x))^2) + sum((y-mean(y))^2))/(nx+ny-2)); (mean(x)-mean(y))/sp }
//	hg <- function(x, y) { m <- length(x)+length(y)-2
//	  J <- exp(lgamma(m/2) - lgamma((m-1)/2))/sqrt(m/2); J*cd(x, y) }
//	cl <- function(x, y) mean(sign(outer(x, y, "-")))
//
// on datasets::sleep (g1, g2), datasets::ToothGrowth (OJ, VC) and two
// Likert samples.
func TestEffectSizesMatchR(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name        string
		x, y        []float64
		d, g, cliff float64
	}{
		{"sleep", sleepG1, sleepG2, -0.83218108134953961, -0.79693523919112186, -0.48999999999999999},
		{"ToothGrowth", toothOJ, toothVC, 0.49452014054508575, 0.48809314960846834, 0.27888888888888891},
		{"Likert", []float64{1, 2, 2, 3, 3, 3, 4, 4, 5}, []float64{3, 4, 4, 4, 5, 5, 5, 5}, -1.3365692360796897, -1.268414345781151, -0.65277777777777779},
		// cd(5, c(1, 2)) = 3.5/sqrt(0.5) and m = 1 leaves g undefined.
		{"n = 1", []float64{5}, []float64{1, 2}, 4.9497474683058327, nan, 1},
		{"NaN dropped", []float64{1, nan, 2, 2, 3, 3, 3, 4, 4, 5}, []float64{3, 4, 4, nan, 4, 5, 5, 5, 5}, -1.3365692360796897, -1.268414345781151, -0.65277777777777779},
		{"identical", []float64{3, 3}, []float64{3, 3, 3}, nan, nan, 0},
		{"empty", nil, []float64{1, 2}, nan, nan, nan},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkNear(t, "CohenD", metrics.CohenD(tc.x, tc.y), tc.d, tolR)
			checkNear(t, "HedgesG", metrics.HedgesG(tc.x, tc.y), tc.g, tolR)
			checkNear(t, "CliffDelta", metrics.CliffDelta(tc.x, tc.y), tc.cliff, tolR)
		})
	}
}

// References: 2*asin(sqrt(p1)) - 2*asin(sqrt(p2)) in R 4.2.2.
func TestCohenH(t *testing.T) {
	checkNear(t, "h(.6, .45)", metrics.CohenH(0.6, 0.45), 0.30152534195189062, tolR)
	checkNear(t, "h(1, 0)", metrics.CohenH(1, 0), math.Pi, tolR)
	checkNear(t, "h(.3, .35)", metrics.CohenH(0.3, 0.35), -0.10682419205209048, tolR)
	checkNear(t, "h(NaN, .5)", metrics.CohenH(math.NaN(), 0.5), math.NaN(), tolR)
	mustPanic(t, "h(1.1, .5)", func() { metrics.CohenH(1.1, 0.5) })
}
