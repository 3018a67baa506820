package metrics_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/metrics"
)

// References: p.adjust(p, method) in R 4.2.2. The third p is
//
//	set.seed(1); signif(runif(12)^3, 6)
func TestAdjustMatchesR(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name           string
		p              []float64
		bh, holm, bonf []float64
	}{
		{
			name: "eight p-values",
			p:    []float64{0.01, 0.02, 0.03, 0.04, 0.05, 0.5, 0.001, 0.2},
			bh:   []float64{0.040000000000000001, 0.05333333333333333, 0.059999999999999998, 0.064000000000000001, 0.066666666666666666, 0.5, 0.0080000000000000002, 0.22857142857142856},
			holm: []float64{0.070000000000000007, 0.12, 0.14999999999999999, 0.16, 0.16, 0.5, 0.0080000000000000002, 0.40000000000000002},
			bonf: []float64{0.080000000000000002, 0.16, 0.23999999999999999, 0.32000000000000001, 0.40000000000000002, 1, 0.0080000000000000002, 1},
		},
		{
			// NA stays in place and is not counted: m = 5.
			name: "NaN and ties",
			p:    []float64{0.04, nan, 0.01, 0.03, nan, 0.02, 0.04},
			bh:   []float64{0.040000000000000001, nan, 0.040000000000000001, 0.040000000000000001, nan, 0.040000000000000001, 0.040000000000000001},
			holm: []float64{0.089999999999999997, nan, 0.050000000000000003, 0.089999999999999997, nan, 0.080000000000000002, 0.089999999999999997},
			bonf: []float64{0.20000000000000001, nan, 0.050000000000000003, 0.14999999999999999, nan, 0.10000000000000001, 0.20000000000000001},
		},
		{
			name: "twelve random",
			p:    []float64{0.018717, 0.0515303, 0.187988, 0.749127, 0.00820353, 0.725094, 0.843039, 0.28854, 0.248994, 0.000235872, 0.00873858, 0.00550368},
			bh:   []float64{0.044920800000000004, 0.1030606, 0.32226514285714281, 0.81722945454545448, 0.026215739999999998, 0.81722945454545448, 0.84303899999999998, 0.38472000000000001, 0.37349100000000002, 0.002830464, 0.026215739999999998, 0.026215739999999998},
			holm: []float64{0.14973600000000001, 0.36071209999999998, 1, 1, 0.082035300000000005, 1, 1, 1, 1, 0.002830464, 0.082035300000000005, 0.060540480000000008},
			bonf: nil,
		},
		{name: "empty", p: []float64{}, bh: []float64{}, holm: []float64{}, bonf: []float64{}},
		{name: "one", p: []float64{0.3}, bh: []float64{0.3}, holm: []float64{0.3}, bonf: []float64{0.3}},
		{name: "all NaN", p: []float64{nan, nan}, bh: []float64{nan, nan}, holm: []float64{nan, nan}, bonf: []float64{nan, nan}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			orig := append([]float64(nil), tc.p...)
			checkSlice(t, "BH", metrics.AdjustBH(tc.p), tc.bh, tolR)
			checkSlice(t, "Holm", metrics.AdjustHolm(tc.p), tc.holm, tolR)
			if tc.bonf != nil {
				checkSlice(t, "Bonferroni", metrics.AdjustBonferroni(tc.p), tc.bonf, tolR)
			}
			checkSlice(t, "input", tc.p, orig, 0)
		})
	}
	mustPanic(t, "p > 1", func() { metrics.AdjustBH([]float64{0.5, 1.2}) })
	mustPanic(t, "p < 0", func() { metrics.AdjustHolm([]float64{-0.1}) })
	require.Empty(t, metrics.AdjustBH(nil))
}
