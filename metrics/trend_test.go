package metrics_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/metrics"
)

// References: m <- lm(y ~ x); summary(m)$coefficients (Estimate, Std.
// Error, t value, Pr(>|t|)) and confint(m, "x", level = level), in R 4.2.2,
// on datasets::mtcars and a falling response-rate series.
func TestLinearTrendMatchesR(t *testing.T) {
	tests := []struct {
		name                    string
		x, y                    []float64
		level                   float64
		a, b, se, tv, p, lo, hi float64
	}{
		{"mpg ~ wt", mtcarsWT, mtcarsMPG, 0.95, 37.285126167342028, -5.3444715727226786, 0.55910104509932346, -9.559044146972111, 1.2939587013505163e-10, -6.486308237418263, -4.2026349080270942},
		{"response rate ~ wave at 90%", []float64{1, 2, 3, 4, 5, 6, 7, 8}, []float64{0.62, 0.58, 0.6, 0.55, 0.51, 0.53, 0.47, 0.45}, 0.9,
			0.64535714285714274, -0.023690476190476175, 0.0028973689422653682, -8.1765479863097053, 0.00018021867424787498, -0.02932058638446372, -0.018060365996488633},
		{"qsec ~ hp", mtcarsHP, mtcarsQsec, 0.95, 20.556354018433456, -0.018458314569635825, 0.0033593768139499945, -5.4945650910569697, 5.7662534558147894e-06, -0.025319077307102908, -0.011597551832168743},
		{"three points", []float64{1, 2, 4}, []float64{3, 1, 2}, 0.95, 2.5000000000000004, -0.21428571428571436, 0.6185895741317422, -0.34641016151377541, 0.78770438499034345, -8.0742114908667446, 7.6456400622953158},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := metrics.LinearTrend(tc.x, tc.y)
			require.Equal(t, len(tc.x), tr.N)
			checkNear(t, "Intercept", tr.Intercept, tc.a, tolR)
			checkNear(t, "Slope", tr.Slope, tc.b, tolR)
			checkNear(t, "SE", tr.SE, tc.se, tolR)
			checkTest(t, tr.Test, tc.tv, float64(len(tc.x)-2), tc.p)
			iv := tr.CI(tc.level)
			checkNear(t, "Lower", iv.Lower, tc.lo, tolR)
			checkNear(t, "Upper", iv.Upper, tc.hi, tolR)
		})
	}
}

func TestLinearTrendEdgeCases(t *testing.T) {
	nan := math.NaN()
	two := metrics.LinearTrend([]float64{1, 2}, []float64{5, 7})
	require.Equal(t, 2, two.N)
	checkNear(t, "Slope", two.Slope, 2, tolExact)
	checkNear(t, "Intercept", two.Intercept, 3, tolExact)
	require.True(t, math.IsNaN(two.SE) && math.IsNaN(two.Test.P))
	require.True(t, math.IsNaN(two.CI(0.95).Lower))

	dropped := metrics.LinearTrend([]float64{1, nan, 2, 3, 4}, []float64{5, 1, 7, nan, 11})
	require.Equal(t, 3, dropped.N)
	checkNear(t, "Slope", dropped.Slope, 2, 1e-12)

	for name, xy := range map[string][2][]float64{
		"empty":      {nil, nil},
		"one point":  {{1}, {2}},
		"constant x": {{3, 3, 3}, {1, 2, 3}},
	} {
		tr := metrics.LinearTrend(xy[0], xy[1])
		require.True(t, math.IsNaN(tr.Slope), "%s: slope %v", name, tr.Slope)
	}
	flat := metrics.LinearTrend([]float64{1, 2, 3, 4}, []float64{2, 2, 2, 2})
	require.Equal(t, 0.0, flat.Slope)
	require.Equal(t, 0.0, flat.SE)
	require.True(t, math.IsNaN(flat.Test.Statistic))
	mustPanic(t, "length mismatch", func() { metrics.LinearTrend([]float64{1}, nil) })
}
