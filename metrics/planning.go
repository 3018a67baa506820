package metrics

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// MarginOfError returns the half-width of the normal-approximation
// confidence interval of a proportion p estimated from n answers,
//
//	E = z √(p (1 - p) / n)
//
// with z the standard normal quantile at 1 - (1-level)/2. It is NaN when
// n <= 0. MarginOfError panics if level is not in (0, 1) or p is outside
// [0, 1].
func MarginOfError(p float64, n int64, level float64) float64 {
	mustLevel("MarginOfError", level)
	if p < 0 || p > 1 {
		panic("metrics: MarginOfError: proportion outside [0, 1]")
	}
	if n <= 0 {
		return math.NaN()
	}
	return zCrit(level) * math.Sqrt(p*(1-p)/float64(n))
}

// SampleSize returns the number of answers needed to estimate a proportion
// near p within ±margin at the given confidence level (Cochran 1977, ch. 4),
//
//	n₀ = z² p (1 - p) / margin²
//	n  = n₀ / (1 + (n₀ - 1) / population)
//
// rounded up, where the finite population correction applies only when
// population > 0 (0 means an unbounded population). Use p = 0.5 when
// nothing is known: it gives the largest n. With population > 0 the result
// is at most population.
//
// SampleSize returns an error wrapping [ErrInvalid] when margin is not in
// (0, 1), p is not in (0, 1), level is not in (0, 1) or population < 0.
func SampleSize(margin, p, level float64, population int64) (int64, error) {
	switch {
	case !(margin > 0 && margin < 1):
		return 0, errorf(ErrInvalid, "SampleSize: margin %v outside (0, 1)", margin)
	case !(p > 0 && p < 1):
		return 0, errorf(ErrInvalid, "SampleSize: proportion %v outside (0, 1)", p)
	case !validLevel(level):
		return 0, errorf(ErrInvalid, "SampleSize: confidence level %v outside (0, 1)", level)
	case population < 0:
		return 0, errorf(ErrInvalid, "SampleSize: negative population %d", population)
	}
	z := zCrit(level)
	n := z * z * p * (1 - p) / (margin * margin)
	if population > 0 {
		n /= 1 + (n-1)/float64(population)
	}
	return ceilInt(n), nil
}

// ceilInt rounds n up, ignoring a relative excess of 1e-12 left by
// rounding so that a value that is an integer in exact arithmetic is not
// pushed up by one.
func ceilInt(n float64) int64 {
	return int64(math.Ceil(n * (1 - 1e-12)))
}

// checkPlan validates the common arguments of the planning functions.
func checkPlan(fn string, n1, n2 int64, alpha, power float64) error {
	switch {
	case n1 < 1 || n2 < 1:
		return errorf(ErrInvalid, "%s: sample sizes %d and %d must be positive", fn, n1, n2)
	case !(alpha > 0 && alpha < 1):
		return errorf(ErrInvalid, "%s: significance level %v outside (0, 1)", fn, alpha)
	case !(power > 0 && power < 1):
		return errorf(ErrInvalid, "%s: power %v outside (0, 1)", fn, power)
	}
	return nil
}

// MinDetectableChange returns the smallest increase δ of a proportion from
// its baseline p in a first wave of n1 answers to p + δ in a second wave
// of n2 answers that the two-sided pooled two-proportion z test
// ([TwoProportionZ]) at significance level alpha detects with the given
// power. δ is in proportion units (0.05 is five percentage points) and
// solves (Fleiss, Levin and Paik 2003, ch. 4)
//
//	power = Φ((δ - z₁₋α/₂ √(p̄ q̄ (1/n₁ + 1/n₂))) / √(p₁q₁/n₁ + p₂q₂/n₂))
//
// with p₁ = p, p₂ = p + δ, qᵢ = 1 - pᵢ, p̄ = (n₁p₁ + n₂p₂)/(n₁ + n₂) and
// q̄ = 1 - p̄. With n1 == n2 this is the p2 - p1 of R power.prop.test(n,
// p1 = p, power = power, sig.level = alpha). A decrease from p is the
// increase from 1 - p. The result is NaN when even p + δ = 1 is not
// detected with that power.
//
// MinDetectableChange returns an error wrapping [ErrInvalid] when n1 or n2
// is less than 1, p is not in (0, 1), or alpha or power is not in (0, 1).
func MinDetectableChange(n1, n2 int64, p, alpha, power float64) (float64, error) {
	if err := checkPlan("MinDetectableChange", n1, n2, alpha, power); err != nil {
		return 0, err
	}
	if !(p > 0 && p < 1) {
		return 0, errorf(ErrInvalid, "MinDetectableChange: baseline proportion %v outside (0, 1)", p)
	}
	f1, f2 := float64(n1), float64(n2)
	z := distuv.UnitNormal.Quantile(1 - alpha/2)
	pow := func(d float64) float64 {
		p2 := p + d
		pbar := (f1*p + f2*p2) / (f1 + f2)
		num := d - z*math.Sqrt(pbar*(1-pbar)*(1/f1+1/f2))
		return distuv.UnitNormal.CDF(num / math.Sqrt(p*(1-p)/f1+p2*(1-p2)/f2))
	}
	return solveIncreasing(pow, power, 0, 1-p), nil
}

// MinDetectableMeanChange returns the smallest difference δ between the
// means of two waves of n1 and n2 answers with common standard deviation
// sd that the two-sided two-sample t test with pooled variance at
// significance level alpha detects with the given power. δ is in the units
// of the answers and solves
//
//	power = P(T > t(ν, 1 - α/2)),  T ~ t(ν, ncp),  ν = n₁ + n₂ - 2,  ncp = δ / (sd √(1/n₁ + 1/n₂))
//
// with T noncentral t (the lower tail beyond -t is neglected, as R does by
// default). With n1 == n2 this is the delta of R power.t.test(n, sd = sd,
// power = power, sig.level = alpha).
//
// MinDetectableMeanChange returns an error wrapping [ErrInvalid] when n1
// or n2 is less than 1, n1 + n2 < 3, sd is not positive and finite, or
// alpha or power is not in (0, 1).
func MinDetectableMeanChange(n1, n2 int64, sd, alpha, power float64) (float64, error) {
	if err := checkPlan("MinDetectableMeanChange", n1, n2, alpha, power); err != nil {
		return 0, err
	}
	if n1+n2 < 3 {
		return 0, errorf(ErrInvalid, "MinDetectableMeanChange: %d answers in all, need at least 3", n1+n2)
	}
	if !(sd > 0) || math.IsInf(sd, 1) {
		return 0, errorf(ErrInvalid, "MinDetectableMeanChange: standard deviation %v is not positive and finite", sd)
	}
	nu := float64(n1 + n2 - 2)
	scale := sd * math.Sqrt(1/float64(n1)+1/float64(n2))
	crit := tCrit(1-alpha, nu)
	pow := func(d float64) float64 {
		return 1 - distuv.NoncentralT{Nu: nu, Mu: d / scale}.CDF(crit)
	}
	hi := scale
	for pow(hi) < power {
		hi *= 2
	}
	return solveIncreasing(pow, power, 0, hi), nil
}

// solveIncreasing returns x in [lo, hi] with f(x) = target for a function
// increasing on [lo, hi], by bisection to the resolution of float64; NaN if
// f(hi) < target. gonum exports no scalar root finder, hence this helper.
func solveIncreasing(f func(float64) float64, target, lo, hi float64) float64 {
	if f(hi) < target {
		return math.NaN()
	}
	for range 200 {
		mid := lo + (hi-lo)/2
		if mid <= lo || mid >= hi {
			break
		}
		if f(mid) < target {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo + (hi-lo)/2
}
