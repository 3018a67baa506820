package metrics

import (
	"fmt"
	"math"
	"sync"
	"sync/atomic"

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
//
// For df of 30 or more it uses the Cornish-Fisher expansion of the t
// quantile about the normal one (Abramowitz and Stegun 1964, 26.7.5, to
// the fifth order): as it is from df = 1000, whose error is then below
// 1e-13, and refined with Newton steps on the t distribution function
// below. Both agree with R qt to 1e-12 and are several times faster than
// inverting the incomplete beta function, as smaller df are.
//
// Values are kept once computed (up to tCacheMax of them): a scorecard asks
// for the same few levels and degrees of freedom thousands of times. The
// values of the 95% level for whole df below t95Max are kept in an array
// (t95), read without the map's hashing.
func tCrit(level, df float64) float64 {
	if level == 0.95 && df >= 1 && df < t95Max && df == math.Trunc(df) {
		slot := &t95[int(df)]
		if bits := slot.Load(); bits != 0 {
			return math.Float64frombits(bits)
		}
		v := tCritCompute(level, df)
		slot.Store(math.Float64bits(v)) // never 0: the value is positive
		return v
	}
	k := tKey{level, df}
	if v, ok := tCache.Load(k); ok {
		return v.(float64)
	}
	v := tCritCompute(level, df)
	if tCached.Add(1) <= tCacheMax {
		tCache.Store(k, v)
	}
	return v
}

// tKey names a cached critical value.
type tKey struct{ level, df float64 }

var (
	tCache  sync.Map // tKey -> float64
	tCached atomic.Int64
)

// tCacheMax bounds the number of cached t critical values.
const tCacheMax = 1 << 16

// t95 holds the bits of the 95% critical value for each whole df below
// t95Max, 0 where not computed yet.
var t95 [t95Max]atomic.Uint64

const t95Max = 1 << 14

// tCritCompute computes the value tCrit caches.
func tCritCompute(level, df float64) float64 {
	p := 1 - (1-level)/2
	if df >= 30 && !math.IsInf(df, 0) {
		return tQuantileNewton(p, df)
	}
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Quantile(p)
}

// tQuantileNewton returns the p quantile of Student's t with df ≥ 30
// degrees of freedom, for p in [0.5, 1).
func tQuantileNewton(p, df float64) float64 {
	z := distuv.UnitNormal.Quantile(p)
	z2 := z * z
	g1 := (z2 + 1) * z / 4
	g2 := ((5*z2+16)*z2 + 3) * z / 96
	g3 := (((3*z2+19)*z2+17)*z2 - 15) * z / 384
	g4 := ((((79*z2+776)*z2+1482)*z2-1920)*z2 - 945) * z / 92160
	g5 := (((((27*z2+339)*z2+930)*z2-1782)*z2-765)*z2 + 17955) * z / 368640
	t := z + (g1+(g2+(g3+(g4+g5/df)/df)/df)/df)/df
	if df >= 1000 {
		// The expansion's error is below 1e-13 here, finer than the
		// distribution function evaluates.
		return t
	}
	dist := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}
	lc := lgamma((df+1)/2) - lgamma(df/2) - 0.5*math.Log(df*math.Pi)
	for range 3 {
		f := math.Exp(lc - (df+1)/2*math.Log1p(t*t/df))
		step := (dist.CDF(t) - p) / f
		t -= step
		if math.Abs(step) <= 1e-15*t {
			break
		}
	}
	return t
}

func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
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
