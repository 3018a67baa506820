package metrics

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// OmegaOptions are the options of [OmegaTotal] and [ScaleStats.Omega]. A
// nil *OmegaOptions means the defaults.
type OmegaOptions struct {
	Listwise bool // default pairwise, as for [AlphaOptions]
}

// Omega is McDonald's omega total of a scale under a one-factor model.
type Omega struct {
	// Total is omega total, the share of the variance of the standardized
	// total score that the common factor explains:
	//
	//	ω_t = 1 - Σᵢ ψᵢ / Σᵢⱼ Rᵢⱼ,  ψᵢ = 1 - λᵢ²
	//
	// It equals McDonald's (Σλ)² / ((Σλ)² + Σψ) when the one-factor model
	// reproduces R exactly.
	Total float64

	// Loadings are the standardized loadings λ of the items on the common
	// factor, signed so that their sum is positive.
	Loadings []float64

	// N is the number of respondents used, as in [Alpha].
	N int
}

// OmegaTotal returns McDonald's (1999) omega total of the scale whose
// answers are rows[respondent][item] (NaN missing, items reverse keyed by
// the caller), from one common factor fitted to the item correlation
// matrix R by unweighted least squares (minimum residual), that is by
// principal axes iterated until the communalities change by less than
// 1e-14, starting from the squared multiple correlations. R is cov2cor of
// the pairwise (or, with opts.Listwise, complete-row) covariances, as for
// [CronbachAlpha].
//
// With one factor ω_t is psych::omega(x, nfactors = 1)$omega.tot; psych
// stops its optimizer earlier, so the two agree to about 1e-5. Input errors
// are those of CronbachAlpha. Total and Loadings are NaN when the model is
// not identified (two items), when R is undefined (fewer than two
// respondents, an item without variance), when the iteration does not
// converge, or when a communality exceeds 1 (a Heywood case).
func OmegaTotal(rows [][]float64, opts *OmegaOptions) (Omega, error) {
	if len(rows) == 0 {
		return Omega{}, errorf(ErrInvalid, "OmegaTotal: no rows, so fewer than two items")
	}
	k := len(rows[0])
	if k < 2 {
		return Omega{}, errorf(ErrInvalid, "OmegaTotal: %d items, need at least two", k)
	}
	s := NewScaleStats(k)
	for i, r := range rows {
		if len(r) != k {
			return Omega{}, errorf(ErrInvalid, "OmegaTotal: row %d has %d answers, row 0 has %d", i, len(r), k)
		}
		if err := s.Add(r); err != nil {
			return Omega{}, errorf(ErrInvalid, "OmegaTotal: row %d: %s", i, err.(*inputError).msg)
		}
	}
	return s.Omega(opts)
}

// Omega returns McDonald's omega total of the rows added to s, identical
// to [OmegaTotal] over those rows. It returns an error wrapping
// [ErrInvalid] when s has fewer than two items.
func (s *ScaleStats) Omega(opts *OmegaOptions) (Omega, error) {
	var o OmegaOptions
	if opts != nil {
		o = *opts
	}
	k := s.k
	if k < 2 {
		return Omega{}, errorf(ErrInvalid, "Omega: %d items, need at least two", k)
	}
	n := s.n
	if o.Listwise {
		n = s.compN
	}
	out := Omega{Total: math.NaN(), Loadings: make([]float64, k), N: int(n)}
	for i := range out.Loadings {
		out.Loadings[i] = math.NaN()
	}
	if k < 3 {
		return out, nil // one factor is not identified by two items
	}
	c := s.Cov(o.Listwise)
	r := mat.NewSymDense(k, nil)
	var sumR float64
	for i := range k {
		for j := i; j < k; j++ {
			v := c[i*k+j] / math.Sqrt(c[i*k+i]*c[j*k+j])
			if i == j {
				v = 1
				if !(c[i*k+i] > 0) {
					return out, nil
				}
			}
			if math.IsNaN(v) {
				return out, nil
			}
			r.SetSym(i, j, v)
			sumR += v
			if i != j {
				sumR += v
			}
		}
	}
	lambda, ok := oneFactorULS(r)
	if !ok {
		return out, nil
	}
	var psi float64
	for _, l := range lambda {
		psi += 1 - l*l
	}
	out.Total = 1 - psi/sumR
	out.Loadings = lambda
	return out, nil
}

// oneFactorULS fits one common factor to the correlation matrix r by
// iterated principal axes: with the communalities h on the diagonal, λ is
// the leading eigenvector of the reduced matrix scaled by the square root of
// its eigenvalue, and h becomes λ². The fixed point minimizes the sum of
// squared off-diagonal residuals (unweighted least squares, minres). It
// reports false if the iteration does not converge or a communality
// exceeds 1.
func oneFactorULS(r *mat.SymDense) ([]float64, bool) {
	const (
		tol     = 1e-14
		maxIter = 100000
	)
	k := r.SymmetricDim()
	h := make([]float64, k)
	// Start from the squared multiple correlations 1 - 1/(R⁻¹)ᵢᵢ, or from
	// the largest absolute correlation of each item when R is singular.
	var chol mat.Cholesky
	if chol.Factorize(r) {
		var inv mat.SymDense
		if err := chol.InverseTo(&inv); err == nil {
			for i := range h {
				h[i] = 1 - 1/inv.At(i, i)
			}
		}
	}
	for i := range h {
		if !(h[i] > 0 && h[i] < 1) {
			h[i] = 0
			for j := range k {
				if j != i {
					h[i] = math.Max(h[i], math.Abs(r.At(i, j)))
				}
			}
		}
	}
	reduced := mat.NewSymDense(k, nil)
	var eig mat.EigenSym
	var vecs mat.Dense
	lambda := make([]float64, k)
	for range maxIter {
		reduced.CopySym(r)
		for i, v := range h {
			reduced.SetSym(i, i, v)
		}
		if !eig.Factorize(reduced, true) {
			return nil, false
		}
		vals := eig.Values(nil) // ascending
		top := vals[k-1]
		if !(top > 0) {
			return nil, false
		}
		eig.VectorsTo(&vecs)
		var sum float64
		for i := range k {
			lambda[i] = vecs.At(i, k-1) * math.Sqrt(top)
			sum += lambda[i]
		}
		if sum < 0 {
			for i := range lambda {
				lambda[i] = -lambda[i]
			}
		}
		var change float64
		for i, l := range lambda {
			change = math.Max(change, math.Abs(l*l-h[i]))
			h[i] = l * l
		}
		if change < tol {
			for _, v := range h {
				if v > 1 {
					return nil, false
				}
			}
			return lambda, true
		}
	}
	return nil, false
}
