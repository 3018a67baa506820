package metrics

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// AlphaOptions are the options of [CronbachAlpha] and [ScaleStats.Alpha].
// A nil *AlphaOptions means the defaults.
type AlphaOptions struct {
	Listwise bool    // default pairwise, as psych::alpha(use="pairwise")
	Level    float64 // confidence level of Feldt; 0 means 0.95
}

// Alpha is the internal-consistency reliability of a scale, with its
// uncertainty and item diagnostics.
type Alpha struct {
	// Raw is Cronbach's alpha of the covariance matrix C of the k items,
	//
	//	α = k/(k-1) · (1 - tr C / Σᵢⱼ Cᵢⱼ)
	Raw float64

	// Standardized is alpha of the correlation matrix R = D^-½ C D^-½,
	// D = diag(C) (R cov2cor(C)), as psych's std.alpha:
	//
	//	α_std = k/(k-1) · (1 - k / Σᵢⱼ Rᵢⱼ)
	Standardized float64

	// Feldt is the confidence interval of Raw of Feldt (1965) and Feldt,
	// Woodruff and Salih (1987), with F quantiles on N-1 and (N-1)(k-1)
	// degrees of freedom and γ = 1 - level:
	//
	//	[1 - (1-α) F(1-γ/2), 1 - (1-α) F(γ/2)]
	Feldt Interval

	// N is the number of respondents used: with at least one answer
	// (pairwise) or complete (listwise). Feldt uses N.
	N int

	// AlphaIfDeleted is Raw of the k-1 items left after deleting each
	// item; all NaN when k == 2, since alpha of one item is undefined.
	AlphaIfDeleted []float64

	// ItemRest is the correlation of each item with the sum of the other
	// items, from the covariance matrix (psych's r.drop):
	//
	//	rᵢ = (Σⱼ Cᵢⱼ - Cᵢᵢ) / √(Cᵢᵢ · Σ_{j,l≠i} Cⱼₗ)
	ItemRest []float64
}

// CronbachAlpha returns Cronbach's (1951) coefficient alpha of the scale
// whose answers are rows[respondent][item], NaN for a missing answer, with
// the items already reverse keyed by the caller. See [Alpha] for the
// formulas.
//
// By default each covariance uses the rows that answered both of its items
// (R cov(x, use = "pairwise"), psych::alpha's default); with
// opts.Listwise only complete rows are used. Raw, Standardized,
// AlphaIfDeleted and ItemRest agree with psych::alpha 2.2.9 (raw_alpha,
// std.alpha, alpha.drop$raw_alpha, item.stats$r.drop); the Feldt interval
// agrees with psych's when every row has at least one answer (psych counts
// empty rows in its N).
//
// CronbachAlpha returns an error wrapping [ErrInvalid] when there are fewer
// than two items (in particular when rows is empty), when rows have
// different lengths, when an answer is infinite, or when opts.Level is not
// 0 and not in (0, 1). Results that are undefined for valid input are NaN:
// everything when fewer than two respondents answered, Standardized and
// the ItemRest of an item without variance, Raw when the total has no
// variance. It is computed with a [ScaleStats], so it equals the Alpha of
// a ScaleStats the same rows were added to.
func CronbachAlpha(rows [][]float64, opts *AlphaOptions) (Alpha, error) {
	if len(rows) == 0 {
		return Alpha{}, errorf(ErrInvalid, "CronbachAlpha: no rows, so fewer than two items")
	}
	k := len(rows[0])
	if k < 2 {
		return Alpha{}, errorf(ErrInvalid, "CronbachAlpha: %d items, need at least two", k)
	}
	s := NewScaleStats(k)
	for i, r := range rows {
		if len(r) != k {
			return Alpha{}, errorf(ErrInvalid, "CronbachAlpha: row %d has %d answers, row 0 has %d", i, len(r), k)
		}
		if err := s.Add(r); err != nil {
			return Alpha{}, errorf(ErrInvalid, "CronbachAlpha: row %d: %s", i, err.(*inputError).msg)
		}
	}
	return s.Alpha(opts)
}

// Alpha returns Cronbach's alpha of the rows added to s, identical to
// [CronbachAlpha] over those rows. It returns an error wrapping
// [ErrInvalid] when s has fewer than two items or opts.Level is not 0 and
// not in (0, 1).
func (s *ScaleStats) Alpha(opts *AlphaOptions) (Alpha, error) {
	var o AlphaOptions
	if opts != nil {
		o = *opts
	}
	if o.Level == 0 {
		o.Level = 0.95
	}
	if !validLevel(o.Level) {
		return Alpha{}, errorf(ErrInvalid, "Alpha: confidence level %v outside (0, 1)", o.Level)
	}
	k := s.k
	if k < 2 {
		return Alpha{}, errorf(ErrInvalid, "Alpha: %d items, need at least two", k)
	}
	n := s.n
	if o.Listwise {
		n = s.compN
	}
	c := s.Cov(o.Listwise)

	var trace, total float64
	rowSum := make([]float64, k)
	for i := range k {
		trace += c[i*k+i]
		for j := range k {
			rowSum[i] += c[i*k+j]
			total += c[i*k+j]
		}
	}
	fk := float64(k)
	a := Alpha{
		Raw:            alphaFrom(fk, trace, total),
		N:              int(n),
		AlphaIfDeleted: make([]float64, k),
		ItemRest:       make([]float64, k),
	}

	var sumR float64
	for i := range k {
		for j := range k {
			sumR += c[i*k+j] / math.Sqrt(c[i*k+i]*c[j*k+j])
		}
	}
	a.Standardized = alphaFrom(fk, fk, sumR)

	for i := range k {
		cii := c[i*k+i]
		restTrace := trace - cii
		restTotal := total - 2*rowSum[i] + cii
		if negligible(restTotal, restTrace) {
			restTotal = 0
		}
		a.ItemRest[i] = (rowSum[i] - cii) / math.Sqrt(cii*restTotal)
		if math.IsInf(a.ItemRest[i], 0) {
			a.ItemRest[i] = math.NaN()
		}
		if k == 2 {
			a.AlphaIfDeleted[i] = math.NaN()
			continue
		}
		a.AlphaIfDeleted[i] = alphaFrom(fk-1, restTrace, restTotal)
	}
	a.Feldt = feldt(a.Raw, float64(n), fk, o.Level)
	return a, nil
}

// alphaFrom returns k/(k-1) · (1 - trace/total), NaN when the total
// variance is zero or negligible against the trace (the total score is
// constant, up to rounding).
func alphaFrom(k, trace, total float64) float64 {
	if negligible(total, trace) {
		return math.NaN()
	}
	return k / (k - 1) * (1 - trace/total)
}

// negligible reports whether the variance v of a sum of items is zero up to
// the rounding of its terms, whose variances sum to trace.
func negligible(v, trace float64) bool {
	return math.Abs(v) <= 1e-10*math.Abs(trace)
}

// feldt returns the Feldt (1965) confidence interval of alpha from n
// respondents and k items.
func feldt(alpha, n, k, level float64) Interval {
	if n < 2 || math.IsNaN(alpha) {
		return nanInterval
	}
	g := 1 - level
	f := distuv.F{D1: n - 1, D2: (n - 1) * (k - 1)}
	return Interval{
		Lower: 1 - (1-alpha)*f.Quantile(1-g/2),
		Upper: 1 - (1-alpha)*f.Quantile(g/2),
	}
}
