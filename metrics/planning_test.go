package metrics_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/metrics"
)

// References: qnorm(1 - (1-level)/2) * sqrt(p*(1-p)/n) in R 4.2.2.
func TestMarginOfError(t *testing.T) {
	checkNear(t, "MoE(.5, 400, .95)", metrics.MarginOfError(0.5, 400, 0.95), 0.048999099613501344, tolR)
	checkNear(t, "MoE(.3, 120, .9)", metrics.MarginOfError(0.3, 120, 0.9), 0.068809163958494429, tolR)
	checkNear(t, "MoE(.1, 1000, .99)", metrics.MarginOfError(0.1, 1000, 0.99), 0.024436462389059284, tolR)
	require.True(t, math.IsNaN(metrics.MarginOfError(0.5, 0, 0.95)))
	mustPanic(t, "p > 1", func() { metrics.MarginOfError(2, 10, 0.95) })
}

// References from R 4.2.2:
//
//	ss <- function(E, p, lev, N = 0) { z <- qnorm(1-(1-lev)/2); n <- z^2*p*(1-p)/E^2
//	  if (N > 0) n <- n/(1+(n-1)/N); ceiling(n) }
func TestSampleSizeMatchesR(t *testing.T) {
	tests := []struct {
		name             string
		margin, p, level float64
		population, want int64
	}{
		{"±5 at 95%", 0.05, 0.5, 0.95, 0, 385},
		{"±3 at 95%", 0.03, 0.5, 0.95, 0, 1068},
		{"±5 of 500", 0.05, 0.5, 0.95, 500, 218},
		{"±5 near 20% at 90%", 0.05, 0.2, 0.9, 0, 174},
		{"±1 at 99% of 2000", 0.01, 0.5, 0.99, 2000, 1785},
		{"±10 of 20", 0.1, 0.5, 0.95, 20, 17},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, err := metrics.SampleSize(tc.margin, tc.p, tc.level, tc.population)
			require.NoError(t, err)
			require.Equal(t, tc.want, n)
		})
	}
	for name, args := range map[string][4]float64{
		"margin 0":      {0, 0.5, 0.95, 0},
		"margin 1":      {1, 0.5, 0.95, 0},
		"p 0":           {0.05, 0, 0.95, 0},
		"level 1":       {0.05, 0.5, 1, 0},
		"population -1": {0.05, 0.5, 0.95, -1},
		"margin NaN":    {math.NaN(), 0.5, 0.95, 0},
	} {
		_, err := metrics.SampleSize(args[0], args[1], args[2], int64(args[3]))
		require.ErrorIs(t, err, metrics.ErrInvalid, name)
	}
}

// References from R 4.2.2. Equal sizes:
//
//	power.prop.test(n = n, p1 = p, sig.level = alpha, power = power, tol = 1e-14)$p2 - p
//	power.t.test(n = n, sd = sd, sig.level = alpha, power = power, tol = 1e-14)$delta
//
// unequal sizes, by uniroot on the same power functions:
//
//	mdc <- function(n1, n2, p, a, pw) { z <- qnorm(1-a/2)
//	  g <- function(d) { p2 <- p+d; pb <- (n1*p+n2*p2)/(n1+n2)
//	    pnorm((d - z*sqrt(pb*(1-pb)*(1/n1+1/n2)))/sqrt(p*(1-p)/n1+p2*(1-p2)/n2)) - pw }
//	  uniroot(g, c(1e-12, 1-p), tol = 1e-15)$root }
//	mdm <- function(n1, n2, sd, a, pw) { nu <- n1+n2-2; sc <- sd*sqrt(1/n1+1/n2)
//	  g <- function(d) pt(qt(a/2, nu, lower = FALSE), nu, ncp = d/sc, lower = FALSE) - pw
//	  uniroot(g, c(1e-9, 100*sc), tol = 1e-15)$root }
func TestMinDetectableChangeMatchesR(t *testing.T) {
	props := []struct {
		name            string
		n1, n2          int64
		p, alpha, power float64
		want            float64
	}{
		{"200 each from 60%", 200, 200, 0.6, 0.05, 0.8, 0.13175677048154177},
		{"1000 each from 72% at 90% power", 1000, 1000, 0.72, 0.05, 0.9, 0.062597570874921571},
		{"50 each at alpha 0.1", 50, 50, 0.3, 0.1, 0.8, 0.24300874574228876},
		{"300 then 150", 300, 150, 0.6, 0.05, 0.8, 0.13246363643883632},
		{"120 then 400", 120, 400, 0.45, 0.05, 0.9, 0.16675658719995259},
		{"not detectable", 5, 5, 0.9, 0.05, 0.99, math.NaN()},
	}
	for _, tc := range props {
		t.Run(tc.name, func(t *testing.T) {
			d, err := metrics.MinDetectableChange(tc.n1, tc.n2, tc.p, tc.alpha, tc.power)
			require.NoError(t, err)
			checkNear(t, "MinDetectableChange", d, tc.want, tolR)
		})
	}
	means := []struct {
		name             string
		n1, n2           int64
		sd, alpha, power float64
		want             float64
	}{
		{"50 each", 50, 50, 1.1, 0.05, 0.8, 0.62247122858676118},
		{"200 each at alpha 0.01", 200, 200, 0.9, 0.01, 0.9, 0.34861910201961577},
		{"5 each", 5, 5, 2, 0.05, 0.8, 4.0488819547171504},
		{"80 then 40", 80, 40, 1.2, 0.05, 0.8, 0.65638809195696901},
		{"12 then 30", 12, 30, 0.7, 0.1, 0.9, 0.71187377404810726},
	}
	for _, tc := range means {
		t.Run(tc.name, func(t *testing.T) {
			d, err := metrics.MinDetectableMeanChange(tc.n1, tc.n2, tc.sd, tc.alpha, tc.power)
			require.NoError(t, err)
			checkNear(t, "MinDetectableMeanChange", d, tc.want, tolR)
		})
	}

	_, err := metrics.MinDetectableChange(0, 10, 0.5, 0.05, 0.8)
	require.ErrorIs(t, err, metrics.ErrInvalid)
	_, err = metrics.MinDetectableChange(10, 10, 1, 0.05, 0.8)
	require.ErrorIs(t, err, metrics.ErrInvalid)
	_, err = metrics.MinDetectableChange(10, 10, 0.5, 0, 0.8)
	require.ErrorIs(t, err, metrics.ErrInvalid)
	_, err = metrics.MinDetectableChange(10, 10, 0.5, 0.05, 1)
	require.ErrorIs(t, err, metrics.ErrInvalid)
	_, err = metrics.MinDetectableMeanChange(1, 1, 1, 0.05, 0.8)
	require.ErrorIs(t, err, metrics.ErrInvalid)
	_, err = metrics.MinDetectableMeanChange(10, 10, 0, 0.05, 0.8)
	require.ErrorIs(t, err, metrics.ErrInvalid)
}
