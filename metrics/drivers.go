package metrics

import (
	"math"
	"math/bits"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/combin"
)

// maxShapleyDrivers bounds the drivers of [ShapleyR2], whose cost grows as
// 2^p.
const maxShapleyDrivers = 16

// driverCorr validates the data of a driver analysis, drops the rows with a
// NaN, and returns the correlation matrix of the p drivers and their
// correlations with y. ok is false when the correlations are undefined or
// the driver correlation matrix is singular (fewer rows than needed, a
// constant driver or outcome, collinear drivers).
func driverCorr(fn string, x [][]float64, y []float64) (rxx *mat.SymDense, rxy []float64, ok bool, err error) {
	if len(x) != len(y) {
		return nil, nil, false, errorf(ErrInvalid, "%s: %d rows of drivers but %d outcomes", fn, len(x), len(y))
	}
	if len(x) == 0 {
		return nil, nil, false, errorf(ErrInvalid, "%s: no observations, so no drivers", fn)
	}
	p := len(x[0])
	if p == 0 {
		return nil, nil, false, errorf(ErrInvalid, "%s: no drivers", fn)
	}
	data := make([]float64, 0, len(x)*(p+1))
	rows := 0
	for i, r := range x {
		if len(r) != p {
			return nil, nil, false, errorf(ErrInvalid, "%s: row %d has %d drivers, row 0 has %d", fn, i, len(r), p)
		}
		missing := math.IsNaN(y[i])
		if math.IsInf(y[i], 0) {
			return nil, nil, false, errorf(ErrInvalid, "%s: infinite outcome at row %d", fn, i)
		}
		for j, v := range r {
			if math.IsInf(v, 0) {
				return nil, nil, false, errorf(ErrInvalid, "%s: infinite value of driver %d at row %d", fn, j, i)
			}
			missing = missing || math.IsNaN(v)
		}
		if !missing {
			data = append(append(data, r...), y[i])
			rows++
		}
	}
	if rows < 2 {
		return nil, nil, false, nil
	}
	var all mat.SymDense
	stat.CorrelationMatrix(&all, mat.NewDense(rows, p+1, data), nil)
	rxx = mat.NewSymDense(p, nil)
	rxy = make([]float64, p)
	for i := range p {
		for j := i; j < p; j++ {
			rxx.SetSym(i, j, all.At(i, j))
		}
		rxy[i] = all.At(i, p)
	}
	for i := range p + 1 {
		for j := range p + 1 {
			if math.IsNaN(all.At(i, j)) {
				return nil, nil, false, nil
			}
		}
	}
	var chol mat.Cholesky
	if !chol.Factorize(rxx) || chol.Cond() > 1e12 {
		return nil, nil, false, nil
	}
	return rxx, rxy, true, nil
}

func nans(n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = math.NaN()
	}
	return out
}

// RelativeWeights returns Johnson's (2000) relative weights of the drivers
// x[observation][driver] in the linear regression of y on them: the share
// of R² attributable to each driver, computed through the orthogonal
// variables closest to the drivers. With the driver correlation matrix
// Rxx = Q Δ Qᵀ and the correlations r of the drivers with y,
//
//	Λ = Q Δ^½ Qᵀ              (correlations of the drivers with the orthogonal variables)
//	β = Λ⁻¹ r                 (regression of y on the orthogonal variables)
//	εⱼ = Σₖ Λⱼₖ² βₖ²
//
// The weights are non-negative and sum to R², the R² of R
// summary(lm(y ~ x))$r.squared. Rows with a NaN are dropped first.
//
// RelativeWeights returns an error wrapping [ErrInvalid] when len(x) !=
// len(y), when x is empty or has no drivers, when rows of x differ in
// length, or when a value is infinite. The weights are NaN when they are
// undefined: fewer than two complete rows, a constant driver or outcome,
// or collinear drivers (a singular or nearly singular Rxx).
func RelativeWeights(x [][]float64, y []float64) ([]float64, error) {
	rxx, rxy, ok, err := driverCorr("RelativeWeights", x, y)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nans(len(x[0])), nil
	}
	p := len(rxy)
	var eig mat.EigenSym
	if !eig.Factorize(rxx, true) {
		return nans(p), nil
	}
	vals := eig.Values(nil)
	var q mat.Dense
	eig.VectorsTo(&q)
	// Λ = Q Δ^½ Qᵀ and Λ⁻¹ = Q Δ^-½ Qᵀ.
	half := mat.NewDiagDense(p, nil)
	invHalf := mat.NewDiagDense(p, nil)
	for i, v := range vals {
		half.SetDiag(i, math.Sqrt(v))
		invHalf.SetDiag(i, 1/math.Sqrt(v))
	}
	var lambda, lambdaInv, tmp mat.Dense
	tmp.Mul(&q, half)
	lambda.Mul(&tmp, q.T())
	tmp.Mul(&q, invHalf)
	lambdaInv.Mul(&tmp, q.T())
	var beta mat.VecDense
	beta.MulVec(&lambdaInv, mat.NewVecDense(p, rxy))
	w := make([]float64, p)
	for j := range p {
		for k := range p {
			l, b := lambda.At(j, k), beta.AtVec(k)
			w[j] += l * l * b * b
		}
	}
	return w, nil
}

// ShapleyR2 returns the LMG decomposition of R² (Lindeman, Merenda and
// Gold 1980), the Shapley value of each driver in the game whose value of
// a set S of drivers is R²(S), the R² of the regression of y on S:
//
//	LMGⱼ = Σ_{S ⊆ P∖{j}} |S|! (p-|S|-1)! / p! · (R²(S ∪ {j}) - R²(S))
//
// over all subsets S of the other drivers, with R²(S) = r_Sᵀ R_SS⁻¹ r_S
// from the correlation matrix and R²(∅) = 0. The shares sum to the R² of
// all drivers, R summary(lm(y ~ x))$r.squared. Rows with a NaN are dropped
// first. The cost grows as 2^p; ShapleyR2 accepts at most 16 drivers.
//
// ShapleyR2 returns the errors of [RelativeWeights], and an error wrapping
// [ErrInvalid] when there are more than 16 drivers. The shares are NaN in
// the cases where the relative weights are.
func ShapleyR2(x [][]float64, y []float64) ([]float64, error) {
	if len(x) > 0 && len(x[0]) > maxShapleyDrivers {
		return nil, errorf(ErrInvalid, "ShapleyR2: %d drivers, at most %d", len(x[0]), maxShapleyDrivers)
	}
	rxx, rxy, ok, err := driverCorr("ShapleyR2", x, y)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nans(len(x[0])), nil
	}
	p := len(rxy)
	r2 := subsetR2(rxx, rxy)
	// weight[s] = s! (p-s-1)! / p! = 1 / (p · C(p-1, s))
	weight := make([]float64, p)
	for s := range p {
		weight[s] = 1 / float64(p*combin.Binomial(p-1, s))
	}
	out := make([]float64, p)
	for set := range r2 {
		size := bits.OnesCount(uint(set))
		for j := range p {
			bit := 1 << j
			if set&bit != 0 {
				continue
			}
			out[j] += weight[size] * (r2[set|bit] - r2[set])
		}
	}
	return out, nil
}

// subsetR2 returns R²(S) for every subset S of the drivers, indexed by the
// bit mask of S.
func subsetR2(rxx *mat.SymDense, rxy []float64) []float64 {
	p := len(rxy)
	r2 := make([]float64, 1<<p)
	idx := make([]int, 0, p)
	syms := make([]*mat.SymDense, p+1)
	vecs := make([]*mat.VecDense, p+1)
	for s := 1; s <= p; s++ {
		syms[s] = mat.NewSymDense(s, nil)
		vecs[s] = mat.NewVecDense(s, nil)
	}
	var chol mat.Cholesky
	var sol mat.VecDense
	for set := 1; set < len(r2); set++ {
		idx = idx[:0]
		for j := range p {
			if set&(1<<j) != 0 {
				idx = append(idx, j)
			}
		}
		s := len(idx)
		a, b := syms[s], vecs[s]
		for i, di := range idx {
			for j := i; j < s; j++ {
				a.SetSym(i, j, rxx.At(di, idx[j]))
			}
			b.SetVec(i, rxy[di])
		}
		// Every principal submatrix of a positive definite Rxx is
		// positive definite, so the factorization succeeds.
		chol.Factorize(a)
		sol.Reset()
		// SolveVecTo reports poor conditioning as an error but still solves;
		// the condition number of a principal submatrix is at most that of
		// Rxx, which driverCorr bounds.
		_ = chol.SolveVecTo(&sol, b)
		r2[set] = mat.Dot(b, &sol)
	}
	return r2
}
