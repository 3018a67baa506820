package metrics_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/metrics"
)

// References from R 4.2 with the nelson() function quoted above
// TestXmRMatchesR:
//
//	x <- c(4.1, 4.0, 4.2, 4.1, 4.3, 4.9, 5.0, 4.8, 5.1, 5.2)
//	b <- x[1:5]; m <- mean(b); mr <- mean(abs(diff(b)))
//	c(m, m - 2.66*mr, m + 2.66*mr)
//	nelson(x, (x - m)/(mr/1.128), rep(m - 2.66*mr, 10), rep(m + 2.66*mr, 10))
func TestXmRFixedMatchesR(t *testing.T) {
	x := []float64{4.1, 4.0, 4.2, 4.1, 4.3, 4.9, 5.0, 4.8, 5.1, 5.2}
	center, mr := 4.14, 0.15
	ch := metrics.XmRFixed(x, center, mr, 0)
	for i := range x {
		checkNear(t, "Center", ch.Center[i], 4.1399999999999997, tolR)
		checkNear(t, "Lower", ch.Lower[i], 3.7409999999999992, tolR)
		checkNear(t, "Upper", ch.Upper[i], 4.5389999999999997, tolR)
	}
	want := []metrics.Signal{{metrics.Nelson1, 5}, {metrics.Nelson1, 6}, {metrics.Nelson5, 6}, {metrics.Nelson1, 7}, {metrics.Nelson5, 7},
		{metrics.Nelson6, 7}, {metrics.Nelson1, 8}, {metrics.Nelson5, 8}, {metrics.Nelson6, 8}, {metrics.Nelson1, 9}, {metrics.Nelson5, 9}, {metrics.Nelson6, 9}}
	require.Equal(t, want, ch.Signals)

	flat := metrics.XmRFixed([]float64{1, 1, 2}, 1, 0, 0)
	require.Equal(t, []metrics.Signal{{metrics.Nelson1, 2}}, flat.Signals)
	require.Panics(t, func() { metrics.XmRFixed([]float64{1}, math.NaN(), 1, 0) })
	require.Panics(t, func() { metrics.XmRFixed([]float64{1}, 1, -1, 0) })
	require.Panics(t, func() { metrics.XmRFixed([]float64{math.Inf(1)}, 1, 1, 0) })
}

// References from R 4.2:
//
//	s <- c(40, 42, 38, 41, 55, 60, 58); n <- c(100, 100, 100, 100, 100, 100, 120)
//	pb <- sum(s[1:4])/sum(n[1:4]); sig <- 1.5*sqrt(pb*(1-pb)/n)
//	pmax(0, pb - 3*sig); pmin(1, pb + 3*sig)
//	nelson(s/n, (s/n - pb)/sig, pmax(0, pb - 3*sig), pmin(1, pb + 3*sig))
func TestPChartFixedMatchesR(t *testing.T) {
	s := []int64{40, 42, 38, 41, 55, 60, 58}
	n := []int64{100, 100, 100, 100, 100, 100, 120}
	ch := metrics.PChartFixed(s, n, 161.0/400, 1.5, 0)
	for i := range 6 {
		checkNear(t, "Lower", ch.Lower[i], 0.1818192704946805, tolR)
		checkNear(t, "Upper", ch.Upper[i], 0.62318072950531955, tolR)
	}
	checkNear(t, "Lower", ch.Lower[6], 0.20104697740540106, tolR)
	checkNear(t, "Upper", ch.Upper[6], 0.60395302259459904, tolR)
	require.Equal(t, []metrics.Signal{{metrics.Nelson5, 5}}, ch.Signals)

	// sigmaZ = 1 with the centre of all points is the classical p-chart.
	var sx, sn int64
	for i := range s {
		sx, sn = sx+s[i], sn+n[i]
	}
	require.Equal(t, metrics.PChart(s, n), metrics.PChartFixed(s, n, float64(sx)/float64(sn), 1, 0))

	empty := metrics.PChartFixed([]int64{0}, []int64{0}, 0.5, 1, 0)
	require.True(t, math.IsNaN(empty.Lower[0]))
	require.Panics(t, func() { metrics.PChartFixed(s, n[:2], 0.5, 1, 0) })
	require.Panics(t, func() { metrics.PChartFixed(s, n, 0, 1, 0) })
	require.Panics(t, func() { metrics.PChartFixed(s, n, 0.5, 0, 0) })
	require.Panics(t, func() { metrics.PChartFixed(s, n, 0.5, 1, -1) })
	require.Panics(t, func() { metrics.PChartFixed([]int64{3}, []int64{2}, 0.5, 1, 0) })
}

// With the error of an estimated centre (R 4.2, nelson() as above):
//
//	f <- sqrt(1 + 1/5); c(m - 2.66*mr*f, m + 2.66*mr*f)
//	nelson(x, (x - m)/(mr/1.128*f), rep(m - 2.66*mr*f, 10), rep(m + 2.66*mr*f, 10))
//	sig <- 1.5*sqrt(pb*(1-pb)*(1/n + 1/400)); pmax(0, pb - 3*sig); pmin(1, pb + 3*sig)
//	nelson(s/n, (s/n - pb)/sig, ...)   # no signal
func TestFixedChartsWithEstimatedCentreMatchR(t *testing.T) {
	x := []float64{4.1, 4.0, 4.2, 4.1, 4.3, 4.9, 5.0, 4.8, 5.1, 5.2}
	ch := metrics.XmRFixed(x, 4.14, 0.15, 5)
	checkNear(t, "Lower", ch.Lower[0], 3.7029173991108766, tolR)
	checkNear(t, "Upper", ch.Upper[0], 4.5770826008891223, tolR)
	require.Len(t, ch.Signals, 12)
	require.Equal(t, metrics.Signal{Rule: metrics.Nelson1, Index: 5}, ch.Signals[0])

	s := []int64{40, 42, 38, 41, 55, 60, 58}
	n := []int64{100, 100, 100, 100, 100, 100, 120}
	p := metrics.PChartFixed(s, n, 161.0/400, 1.5, 400)
	checkNear(t, "Lower", p.Lower[0], 0.15577144375093105, tolR)
	checkNear(t, "Lower", p.Lower[6], 0.1728082143256969, tolR)
	checkNear(t, "Upper", p.Upper[0], 0.64922855624906894, tolR)
	checkNear(t, "Upper", p.Upper[6], 0.63219178567430312, tolR)
	require.Empty(t, p.Signals)
	require.Panics(t, func() { metrics.XmRFixed(x, 4, 1, -1) })
}
