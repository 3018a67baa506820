package metrics_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/metrics"
)

// rowsOf builds x[observation][driver] from driver columns.
func rowsOf(cols ...[]float64) [][]float64 {
	out := make([][]float64, len(cols[0]))
	for i := range out {
		for _, c := range cols {
			out[i] = append(out[i], c[i])
		}
	}
	return out
}

// References from R 4.2.2 on datasets::mtcars, y = mpg. LMG by brute
// force over all subsets with lm, relative weights from Johnson's (2000)
// formula with eigen:
//
//	lmg <- function(y, X) {
//	  p <- ncol(X)
//	  r2 <- function(S) if (length(S) == 0) 0 else summary(lm(y ~ ., data = X[, S, drop = FALSE]))$r.squared
//	  sapply(1:p, function(j) { others <- setdiff(1:p, j); tot <- 0
//	    for (m in 0:(p-1)) {
//	      sets <- if (m == 0) list(integer(0)) else combn(others, m, simplify = FALSE)
//	      for (S in sets) tot <- tot + factorial(m) * factorial(p-m-1) / factorial(p) * (r2(c(S, j)) - r2(S))
//	    }
//	    tot })
//	}
//	rw <- function(y, X) {
//	  R <- cor(X); rxy <- cor(X, y); e <- eigen(R, symmetric = TRUE)
//	  L <- e$vectors %*% diag(sqrt(e$values)) %*% t(e$vectors)
//	  beta <- solve(L, rxy); as.vector(L^2 %*% beta^2)
//	}
//	X <- mtcars[, c("disp", "hp", "wt", "drat", "qsec")]   # and c("hp", "wt", "qsec")
//	lmg(mtcars$mpg, X); rw(mtcars$mpg, X)
//	summary(lm(mpg ~ disp + hp + wt + drat + qsec, mtcars))$r.squared   # 0.84891473873882695
func TestDriversMatchR(t *testing.T) {
	tests := []struct {
		name    string
		x       [][]float64
		lmg, rw []float64
		r2      float64
	}{
		{
			name: "mtcars five drivers",
			x:    rowsOf(mtcarsDisp, mtcarsHP, mtcarsWT, mtcarsDrat, mtcarsQsec),
			lmg:  []float64{0.20623965764673491, 0.18202103026099645, 0.26967385909901676, 0.13306588664641861, 0.057914305085660193},
			rw:   []float64{0.18379815762585791, 0.16948226319620913, 0.27349771223128605, 0.15194999923744001, 0.07018660644803508},
			r2:   0.84891473873882695,
		},
		{
			name: "mtcars three drivers",
			x:    rowsOf(mtcarsHP, mtcarsWT, mtcarsQsec),
			lmg:  []float64{0.29285186060514201, 0.46281921334862602, 0.079096687752061509},
			rw:   []float64{0.25237135636355462, 0.4989417274745378, 0.083454677867737373},
			r2:   0.29285186060514201 + 0.46281921334862602 + 0.079096687752061509,
		},
		{
			// cor(mtcars$mpg, mtcars$wt)^2
			name: "one driver",
			x:    rowsOf(mtcarsWT),
			lmg:  []float64{0.7528327936582645},
			rw:   []float64{0.7528327936582645},
			r2:   0.7528327936582645,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lmg, err := metrics.ShapleyR2(tc.x, mtcarsMPG)
			require.NoError(t, err)
			checkSlice(t, "ShapleyR2", lmg, tc.lmg, tolR)
			rw, err := metrics.RelativeWeights(tc.x, mtcarsMPG)
			require.NoError(t, err)
			checkSlice(t, "RelativeWeights", rw, tc.rw, tolR)
			var s1, s2 float64
			for i := range lmg {
				s1 += lmg[i]
				s2 += rw[i]
			}
			checkNear(t, "sum of LMG", s1, tc.r2, tolR)
			checkNear(t, "sum of weights", s2, tc.r2, tolR)
		})
	}
}

func TestDriversMissingAndUndefined(t *testing.T) {
	x := rowsOf(mtcarsHP, mtcarsWT, mtcarsQsec)
	y := append([]float64(nil), mtcarsMPG...)
	want, err := metrics.ShapleyR2(x, y)
	require.NoError(t, err)
	// Rows with a NaN are dropped: appending incomplete rows changes nothing.
	x2 := append(append([][]float64(nil), x...), []float64{math.NaN(), 3, 17}, []float64{100, 3, 17})
	y2 := append(append([]float64(nil), y...), 20, math.NaN())
	got, err := metrics.ShapleyR2(x2, y2)
	require.NoError(t, err)
	checkSlice(t, "ShapleyR2 with NaN rows", got, want, tolExact)

	allNaN := func(v []float64) bool {
		for _, f := range v {
			if !math.IsNaN(f) {
				return false
			}
		}
		return len(v) > 0
	}
	// Collinear drivers: wt and 2*wt.
	twice := make([]float64, len(mtcarsWT))
	for i, v := range mtcarsWT {
		twice[i] = 2 * v
	}
	constant := make([]float64, len(mtcarsWT))
	for i := range constant {
		constant[i] = 4
	}
	undefined := []struct {
		name string
		x    [][]float64
		y    []float64
	}{
		{"collinear", rowsOf(mtcarsWT, twice), mtcarsMPG},
		{"constant driver", rowsOf(mtcarsWT, constant), mtcarsMPG},
		{"constant outcome", rowsOf(mtcarsWT, mtcarsHP), constant},
		{"one row", [][]float64{{1, 2}}, []float64{3}},
	}
	for _, tc := range undefined {
		t.Run(tc.name, func(t *testing.T) {
			lmg, err := metrics.ShapleyR2(tc.x, tc.y)
			require.NoError(t, err)
			require.True(t, allNaN(lmg), "ShapleyR2 = %v", lmg)
			rw, err := metrics.RelativeWeights(tc.x, tc.y)
			require.NoError(t, err)
			require.True(t, allNaN(rw), "RelativeWeights = %v", rw)
		})
	}

	invalid := []struct {
		name string
		x    [][]float64
		y    []float64
	}{
		{"length mismatch", [][]float64{{1}, {2}}, []float64{1}},
		{"empty", nil, nil},
		{"no drivers", [][]float64{{}, {}}, []float64{1, 2}},
		{"ragged", [][]float64{{1, 2}, {1}}, []float64{1, 2}},
		{"infinite", [][]float64{{1}, {math.Inf(1)}}, []float64{1, 2}},
		{"infinite outcome", [][]float64{{1}, {2}}, []float64{1, math.Inf(-1)}},
	}
	for _, tc := range invalid {
		t.Run(tc.name, func(t *testing.T) {
			_, err := metrics.ShapleyR2(tc.x, tc.y)
			require.ErrorIs(t, err, metrics.ErrInvalid)
			_, err = metrics.RelativeWeights(tc.x, tc.y)
			require.ErrorIs(t, err, metrics.ErrInvalid)
		})
	}
	_, err = metrics.ShapleyR2([][]float64{make([]float64, 17)}, []float64{1})
	require.ErrorIs(t, err, metrics.ErrInvalid)
}
