package metrics_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/metrics"
)

// References: prop.test(x, n, correct = FALSE, conf.level = level)$conf.int
// in R 4.2.2.
func TestWilsonMatchesR(t *testing.T) {
	tests := []struct {
		name         string
		p            metrics.Proportion
		level        float64
		lower, upper float64
	}{
		{"7 of 20", metrics.Proportion{Successes: 7, N: 20}, 0.95, 0.18119182410108206, 0.56714572331476365},
		{"none of 15", metrics.Proportion{Successes: 0, N: 15}, 0.95, 0, 0.20388330103584854},
		{"all of 15", metrics.Proportion{Successes: 15, N: 15}, 0.95, 0.79611669896415138, 1},
		{"n = 1", metrics.Proportion{Successes: 1, N: 1}, 0.95, 0.2065493143772375, 1},
		{"47 of 312 at 90%", metrics.Proportion{Successes: 47, N: 312}, 0.9, 0.12034282825218047, 0.18694614541091417},
		{"120 of 4000 at 99%", metrics.Proportion{Successes: 120, N: 4000}, 0.99, 0.023792988594597397, 0.03776363010561181},
		{"3 of 7 at 50%", metrics.Proportion{Successes: 3, N: 7}, 0.5, 0.31060347774975139, 0.55525721599154509},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			iv := tc.p.Wilson(tc.level)
			checkNear(t, "Lower", iv.Lower, tc.lower, tolR)
			checkNear(t, "Upper", iv.Upper, tc.upper, tolR)
			require.True(t, iv.Contains(tc.p.Value()))
		})
	}
}

func TestProportionEdgeCases(t *testing.T) {
	empty := metrics.Proportion{}
	require.True(t, math.IsNaN(empty.Value()))
	require.True(t, math.IsNaN(empty.SE()))
	iv := empty.Wilson(0.95)
	require.True(t, math.IsNaN(iv.Lower) && math.IsNaN(iv.Upper))

	zero := metrics.Proportion{Successes: 0, N: 40}
	require.Equal(t, 0.0, zero.Value())
	require.Equal(t, 0.0, zero.SE())
	require.Equal(t, 0.0, zero.Wilson(0.95).Lower)
	one := metrics.Proportion{Successes: 40, N: 40}
	require.Equal(t, 1.0, one.Value())
	require.Equal(t, 1.0, one.Wilson(0.95).Upper)
	require.Equal(t, 100.0, one.Percent())
	require.Equal(t, "40/40", one.String())

	mustPanic(t, "level 0", func() { zero.Wilson(0) })
	mustPanic(t, "level 1", func() { zero.Wilson(1) })
	mustPanic(t, "level NaN", func() { zero.Wilson(math.NaN()) })
	mustPanic(t, "successes > N", func() { metrics.Proportion{Successes: 5, N: 4}.Wilson(0.95) })
	mustPanic(t, "negative N", func() { metrics.Proportion{Successes: 0, N: -1}.Wilson(0.95) })
}

// References: Newcombe's (1998) method 10 computed in R 4.2.2 from the
// Wilson limits of prop.test, which is what DescTools::BinomDiffCI(x1, n1,
// x2, n2, method = "score") computes:
//
//	nw <- function(x1, n1, x2, n2, lev = .95) {
//	  p1 <- x1/n1; p2 <- x2/n2
//	  w1 <- prop.test(x1, n1, correct = FALSE, conf.level = lev)$conf.int
//	  w2 <- prop.test(x2, n2, correct = FALSE, conf.level = lev)$conf.int
//	  d <- p1 - p2
//	  c(d - sqrt((p1 - w1[1])^2 + (w2[2] - p2)^2), d + sqrt((w1[2] - p1)^2 + (p2 - w2[1])^2))
//	}
//
// The first case is example (a) of Newcombe (1998), Table II: 56/70 - 48/80,
// interval 0.0524 to 0.3339.
func TestNewcombeDiffMatchesR(t *testing.T) {
	tests := []struct {
		name         string
		a, b         metrics.Proportion
		level        float64
		lower, upper float64
	}{
		{"Newcombe 1998 (a)", metrics.Proportion{Successes: 56, N: 70}, metrics.Proportion{Successes: 48, N: 80}, 0.95, 0.052431472402364926, 0.33387265403690586},
		{"9/10 vs 3/10", metrics.Proportion{Successes: 9, N: 10}, metrics.Proportion{Successes: 3, N: 10}, 0.95, 0.17052272393450307, 0.80901797353548799},
		{"both zero", metrics.Proportion{Successes: 0, N: 10}, metrics.Proportion{Successes: 0, N: 20}, 0.95, -0.1611251580528193, 0.27753279986288915},
		{"one vs zero", metrics.Proportion{Successes: 10, N: 10}, metrics.Proportion{Successes: 0, N: 20}, 0.95, 0.67908603714191484, 1},
		{"90%", metrics.Proportion{Successes: 120, N: 400}, metrics.Proportion{Successes: 95, N: 410}, 0.9, 0.017233756705906482, 0.11897176500832966},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			iv := metrics.NewcombeDiff(tc.a, tc.b, tc.level)
			checkNear(t, "Lower", iv.Lower, tc.lower, tolR)
			checkNear(t, "Upper", iv.Upper, tc.upper, tolR)
		})
	}
	iv := metrics.NewcombeDiff(metrics.Proportion{}, metrics.Proportion{Successes: 1, N: 2}, 0.95)
	require.True(t, math.IsNaN(iv.Lower) && math.IsNaN(iv.Upper))
	mustPanic(t, "level", func() { metrics.NewcombeDiff(metrics.Proportion{N: 1}, metrics.Proportion{N: 1}, 1.5) })
}
