package metrics_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/metrics"
)

// References from R 4.2.2: the one-factor unweighted-least-squares
// (minres) solution by iterated principal axes to convergence, and omega
// total from it:
//
//	uls <- function(R) { h <- 1 - 1/diag(solve(R))
//	  for (it in 1:100000) { Rh <- R; diag(Rh) <- h; e <- eigen(Rh, symmetric = TRUE)
//	    l <- e$vectors[, 1] * sqrt(e$values[1]); if (sum(l) < 0) l <- -l; hn <- l^2
//	    if (max(abs(hn - h)) < 1e-15) break; h <- hn }
//	  list(l = l, omega = 1 - sum(1 - l^2)/sum(R)) }
//	C <- bfi[1:150, c("C1","C2","C3","C4","C5")]; C$C4 <- 7 - C$C4; C$C5 <- 7 - C$C5
//	A <- bfi[1:200, c("A1","A2","A3","A4","A5")]; A$A1 <- 7 - A$A1
//	uls(cor(na.omit(C))); uls(cov2cor(cov(C, use = "pairwise"))); uls(cov2cor(cov(A, use = "pairwise")))
//
// and psych 2.2.9, whose optimizer stops earlier (agreement about 1e-6):
//
//	omega(na.omit(C), nfactors = 1)$omega.tot                    # 0.72381504353901249
//	fa(na.omit(C), nfactors = 1, fm = "minres")$loadings
func TestOmegaTotalMatchesR(t *testing.T) {
	C := reverse(bfiC, 1, 6, 3, 4)
	A := reverse(bfiA, 1, 6, 0)
	tests := []struct {
		name     string
		rows     [][]float64
		listwise bool
		n        int
		omega    float64
		loadings []float64
	}{
		{"bfi C listwise", C, true, 147, 0.72381497804235906, []float64{0.66298849216249556, 0.64190251328272363, 0.67192459305970209, 0.53450901755010916, 0.4029648538216728}},
		{"bfi C pairwise", C, false, 150, 0.7289430007976353, []float64{0.66373784401637004, 0.63723385597033688, 0.68212737534593104, 0.54480113207354997, 0.41229894289246644}},
		{"bfi A pairwise", A, false, 200, 0.74379306832582137, []float64{0.39491838072651092, 0.6864860794281743, 0.81998364673585622, 0.38181296897130201, 0.7026231568202741}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, err := metrics.OmegaTotal(tc.rows, &metrics.OmegaOptions{Listwise: tc.listwise})
			require.NoError(t, err)
			require.Equal(t, tc.n, o.N)
			checkNear(t, "Total", o.Total, tc.omega, tolR)
			checkSlice(t, "Loadings", o.Loadings, tc.loadings, tolR)
		})
	}
	t.Run("psych", func(t *testing.T) {
		o, err := metrics.OmegaTotal(C, &metrics.OmegaOptions{Listwise: true})
		require.NoError(t, err)
		checkNear(t, "omega.tot", o.Total, 0.72381504353901249, 1e-6)
		checkSlice(t, "fa loadings", o.Loadings, []float64{0.6629919485255531, 0.64190190869836605, 0.67192327287258835, 0.53450539402415354, 0.40296809390067256}, 1e-5)
	})
}

func TestOmegaTotalEdgeCases(t *testing.T) {
	_, err := metrics.OmegaTotal(nil, nil)
	require.ErrorIs(t, err, metrics.ErrInvalid)
	_, err = metrics.OmegaTotal([][]float64{{1}, {2}}, nil)
	require.ErrorIs(t, err, metrics.ErrInvalid)
	_, err = metrics.OmegaTotal([][]float64{{1, 2}, {1}}, nil)
	require.ErrorIs(t, err, metrics.ErrInvalid)

	for name, rows := range map[string][][]float64{
		"one respondent":    {{1, 2, 3}},
		"identical answers": {{3, 3, 3}, {3, 3, 3}},
		"constant item":     {{3, 1, 2}, {3, 2, 3}, {3, 4, 4}, {3, 5, 4}},
		"two items":         {{1, 2}, {2, 2}, {3, 4}, {5, 4}},
	} {
		o, err := metrics.OmegaTotal(rows, nil)
		require.NoError(t, err, name)
		require.True(t, math.IsNaN(o.Total), "%s: Total = %v", name, o.Total)
	}

	// ScaleStats gives the same omega as OmegaTotal.
	s := metrics.NewScaleStats(5)
	C := reverse(bfiC, 1, 6, 3, 4)
	for _, r := range C {
		require.NoError(t, s.Add(r))
	}
	a, err := s.Omega(nil)
	require.NoError(t, err)
	b, err := metrics.OmegaTotal(C, nil)
	require.NoError(t, err)
	require.Equal(t, a, b)
}
