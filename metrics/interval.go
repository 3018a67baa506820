package metrics

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Interval is a confidence interval [Lower, Upper]. Both bounds are NaN
// when the interval is undefined (for example when there are no
// observations).
type Interval struct{ Lower, Upper float64 }

// Contains reports whether Lower <= x <= Upper. It is false when either
// bound or x is NaN.
func (iv Interval) Contains(x float64) bool { return iv.Lower <= x && x <= iv.Upper }

// Width returns Upper - Lower.
func (iv Interval) Width() float64 { return iv.Upper - iv.Lower }

// String formats the interval as "[Lower, Upper]".
func (iv Interval) String() string { return fmt.Sprintf("[%g, %g]", iv.Lower, iv.Upper) }

var nanInterval = Interval{math.NaN(), math.NaN()}

// validLevel reports whether level is a confidence level in (0, 1).
func validLevel(level float64) bool { return level > 0 && level < 1 }

// mustLevel panics unless level is in (0, 1); it serves the functions
// without an error result, in the gonum style.
func mustLevel(fn string, level float64) {
	if !validLevel(level) {
		panic(fmt.Sprintf("metrics: %s: confidence level %v outside (0, 1)", fn, level))
	}
}

// zCrit returns the two-sided standard normal critical value for level,
//
//	z = Φ^-1(1 - (1-level)/2)
func zCrit(level float64) float64 {
	return distuv.UnitNormal.Quantile(1 - (1-level)/2)
}

// tCrit returns the two-sided Student t critical value for level with df
// degrees of freedom,
//
//	t = F_df^-1(1 - (1-level)/2)
func tCrit(level, df float64) float64 {
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Quantile(1 - (1-level)/2)
}

// normalTwoSided returns the two-sided p-value of a standard normal
// statistic, 2 Φ(-|z|).
func normalTwoSided(z float64) float64 {
	if math.IsNaN(z) {
		return math.NaN()
	}
	return 2 * distuv.UnitNormal.CDF(-math.Abs(z))
}

// tTwoSided returns the two-sided p-value of a Student t statistic with df
// degrees of freedom, 2 F_df(-|t|).
func tTwoSided(t, df float64) float64 {
	if math.IsNaN(t) || math.IsNaN(df) {
		return math.NaN()
	}
	return 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.CDF(-math.Abs(t))
}
