package metrics

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat"
)

// Trend is the least-squares line through a series, y = Intercept + Slope·x,
// with the uncertainty of its slope: the basis of trend verdicts (is a
// score rising?) and of fatigue indicators (is the response rate falling
// wave after wave?).
type Trend struct {
	Intercept, Slope float64

	// SE is the standard error of Slope,
	//
	//	SE = √(Σ eᵢ² / (n - 2) / Σ (xᵢ - x̄)²)
	//
	// with eᵢ the residuals.
	SE float64

	// Test is the t test of Slope = 0: Statistic = Slope/SE on DF = n - 2
	// degrees of freedom, positive for a rising series.
	Test Test

	// N is the number of (x, y) pairs used.
	N int
}

// CI returns the confidence interval of the slope,
//
//	Slope ± t(n-2, 1 - (1-level)/2) · SE
//
// as R confint(lm(y ~ x), "x", level = level). Both bounds are NaN when
// SE is. CI panics if level is not in (0, 1).
func (t Trend) CI(level float64) Interval {
	mustLevel("Trend.CI", level)
	if math.IsNaN(t.SE) {
		return nanInterval
	}
	h := tCrit(level, t.Test.DF) * t.SE
	return Interval{t.Slope - h, t.Slope + h}
}

// LinearTrend fits y = a + b·x by ordinary least squares, as R
// summary(lm(y ~ x)) (Estimate, Std. Error, t value and Pr(>|t|) of x):
//
//	b = Σ (xᵢ - x̄)(yᵢ - ȳ) / Σ (xᵢ - x̄)²,  a = ȳ - b x̄
//
// with gonum's [stat.LinearRegression] for the fit. Pairs with a NaN in
// either element are dropped first. The line is NaN when fewer than two
// pairs remain or x is constant; SE and Test are NaN when fewer than three
// pairs remain. A perfect fit has SE 0, and then Test has Statistic ±Inf
// and P 0 (R warns of an essentially perfect fit), or Statistic NaN when
// the slope is 0 too. LinearTrend panics if len(x) != len(y).
func LinearTrend(x, y []float64) Trend {
	if len(x) != len(y) {
		panic(fmt.Sprintf("metrics: LinearTrend: length mismatch %d != %d", len(x), len(y)))
	}
	xs := make([]float64, 0, len(x))
	ys := make([]float64, 0, len(y))
	for i := range x {
		if !math.IsNaN(x[i]) && !math.IsNaN(y[i]) {
			xs = append(xs, x[i])
			ys = append(ys, y[i])
		}
	}
	n := len(xs)
	tr := Trend{Intercept: math.NaN(), Slope: math.NaN(), SE: math.NaN(), Test: nanTest, N: n}
	if n < 2 {
		return tr
	}
	_, sxx := stat.MeanVariance(xs, nil)
	if sxx == 0 {
		return tr
	}
	tr.Intercept, tr.Slope = stat.LinearRegression(xs, ys, nil, false)
	if n < 3 {
		return tr
	}
	var sse float64
	for i := range xs {
		e := ys[i] - (tr.Intercept + tr.Slope*xs[i])
		sse += e * e
	}
	df := float64(n - 2)
	tr.SE = math.Sqrt(sse / df / (sxx * float64(n-1)))
	t := tr.Slope / tr.SE
	tr.Test = Test{Statistic: t, DF: df, P: tTwoSided(t, df)}
	return tr
}
