package metrics_test

import (
	"math"
	"testing"

	"github.com/cxculture/cxculture/metrics"
)

// References: cor(x, y, method = "spearman", use = "complete.obs") in R
// 4.2.2, on datasets::mtcars and datasets::sleep.
func TestSpearmanMatchesR(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name string
		x, y []float64
		want float64
	}{
		{"mtcars mpg hp", mtcarsMPG, mtcarsHP, -0.89466464574996252},
		{"mtcars wt qsec", mtcarsWT, mtcarsQsec, -0.22540120064308825},
		{"mtcars drat disp", mtcarsDrat, mtcarsDisp, -0.68359209785917152},
		{"sleep groups", sleepG1, sleepG2, 0.78181818181818175},
		{"NaN pairs dropped", []float64{1, 2, nan, 4, 5, 6}, []float64{2, 1, 4, nan, 6, 5}, 0.60000000000000009},
		{"perfect", []float64{1, 2, 3}, []float64{10, 20, 300}, 1},
		{"reversed", []float64{1, 2, 3}, []float64{3, 2, 1}, -1},
		{"constant", []float64{1, 2, 3}, []float64{4, 4, 4}, nan},
		{"one pair", []float64{1}, []float64{2}, nan},
		{"empty", nil, nil, nan},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkNear(t, "Spearman", metrics.Spearman(tc.x, tc.y), tc.want, tolR)
		})
	}
	mustPanic(t, "length mismatch", func() { metrics.Spearman([]float64{1, 2}, []float64{1}) })
}
