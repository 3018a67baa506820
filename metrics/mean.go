package metrics

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"
)

// MeanCI returns the Student t confidence interval for the mean of x,
//
//	mean ± t(n-1, 1 - (1-level)/2) · s / √n
//
// where s is the sample standard deviation (divisor n-1), as R
// t.test(x, conf.level = level)$conf.int. NaN elements are missing values
// and are dropped first. Both bounds are NaN when fewer than two values
// remain; when all values are equal the interval has zero width (R refuses
// such data). MeanCI panics if level is not in (0, 1).
func MeanCI(x []float64, level float64) Interval {
	mustLevel("MeanCI", level)
	n, mean, variance := sampleMoments(x)
	return tInterval(float64(n), mean, variance, level)
}

// tInterval is mean ± t(n-1) sqrt(variance/n), NaN when n < 2.
func tInterval(n, mean, variance, level float64) Interval {
	if n < 2 {
		return nanInterval
	}
	h := tCrit(level, n-1) * math.Sqrt(variance/n)
	return Interval{mean - h, mean + h}
}

// sampleMoments returns the number of non-NaN values of x, their mean and
// their sample variance (divisor n-1) from gonum's two-pass
// [stat.MeanVariance]. The mean is NaN when n == 0 and the variance is NaN
// when n < 2.
func sampleMoments(x []float64) (n int, mean, variance float64) {
	if slices.ContainsFunc(x, math.IsNaN) {
		x = dropNaN(x)
	}
	switch n = len(x); n {
	case 0:
		return 0, math.NaN(), math.NaN()
	case 1:
		return 1, x[0], math.NaN()
	}
	mean, variance = stat.MeanVariance(x, nil)
	return n, mean, variance
}

// dropNaN returns the non-NaN values of x in a new slice.
func dropNaN(x []float64) []float64 {
	out := make([]float64, 0, len(x))
	for _, v := range x {
		if !math.IsNaN(v) {
			out = append(out, v)
		}
	}
	return out
}
