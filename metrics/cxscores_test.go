package metrics_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/metrics"
)

// References from R 4.2.2:
//
//	i1 <- rep(1:5, c(4, 6, 10, 25, 15)); i2 <- rep(1:5, c(2, 3, 12, 30, 13)); i3 <- rep(1:5, c(10, 12, 15, 15, 8))
//	pp <- function(x) 100*mean(x >= 4); mean(c(pp(i1), pp(i2), pp(i3)))
func TestPercentPositive(t *testing.T) {
	items := []metrics.Tally{
		tallyOf(t, 1, 5, 4, 6, 10, 25, 15),
		tallyOf(t, 1, 5, 2, 3, 12, 30, 13),
		tallyOf(t, 1, 5, 10, 12, 15, 15, 8),
	}
	idx := metrics.PercentPositive(items)
	checkNear(t, "Value", idx.Value, 58.888888888888886, tolR)
	require.Len(t, idx.Items, 3)
	checkNear(t, "item 1", idx.Items[0].Percent(), 66.666666666666657, tolR)
	checkNear(t, "item 2", idx.Items[1].Percent(), 71.666666666666671, tolR)
	checkNear(t, "item 3", idx.Items[2].Percent(), 38.333333333333336, tolR)
	require.Equal(t, metrics.Proportion{Successes: 40, N: 60}, idx.Items[0])

	require.True(t, math.IsNaN(metrics.PercentPositive(nil).Value))
	withEmpty := metrics.PercentPositive([]metrics.Tally{items[0], metrics.NewTally(1, 5)})
	require.True(t, math.IsNaN(withEmpty.Value), "an item without answers leaves the index undefined")
}

// References from R 4.2.2 for a CES 2.0 item on 1-7 and a 1-5 item:
//
//	ces <- rep(1:7, c(2, 3, 5, 10, 20, 25, 15))
//	mean(ces >= 5); mean(ces); t.test(ces)$conf.int
//	prop.test(sum(ces >= 5), length(ces), correct = FALSE)$conf.int
//	i1 <- rep(1:5, c(4, 6, 10, 25, 15))
//	mean(i1); sd(i1); t.test(i1, conf.level = .9)$conf.int
//	prop.test(sum(i1 >= 4), length(i1), correct = FALSE, conf.level = .9)$conf.int
func TestScoreItem(t *testing.T) {
	tests := []struct {
		name     string
		tally    metrics.Tally
		level    float64
		n        int64
		mean, sd float64
		mlo, mhi float64
		fav      metrics.Proportion
		flo, fhi float64
	}{
		{"CES 1-7", tallyOf(t, 1, 7, 2, 3, 5, 10, 20, 25, 15), 0.95, 80, 5.2249999999999996, math.NaN(), 4.8985975846838832, 5.5514024153161152,
			metrics.Proportion{Successes: 60, N: 80}, 0.64515325380766031, 0.83193768142457625},
		{"A-11 1-5 at 90%", tallyOf(t, 1, 5, 4, 6, 10, 25, 15), 0.9, 60, 3.6833333333333331, 1.1570222836971427, 3.4337206054386233, 3.9329460612280429,
			metrics.Proportion{Successes: 40, N: 60}, 0.56129259278672916, 0.75765847434884737},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := metrics.ScoreItem(tc.tally, tc.level)
			require.Equal(t, tc.n, s.N)
			checkNear(t, "Mean", s.Mean, tc.mean, tolR)
			if !math.IsNaN(tc.sd) {
				checkNear(t, "SD", s.SD, tc.sd, tolR)
			}
			checkNear(t, "MeanCI.Lower", s.MeanCI.Lower, tc.mlo, tolR)
			checkNear(t, "MeanCI.Upper", s.MeanCI.Upper, tc.mhi, tolR)
			require.Equal(t, tc.fav, s.Favorable)
			checkNear(t, "FavorCI.Lower", s.FavorCI.Lower, tc.flo, tolR)
			checkNear(t, "FavorCI.Upper", s.FavorCI.Upper, tc.fhi, tolR)
		})
	}
	empty := metrics.ScoreItem(metrics.NewTally(1, 5), 0.95)
	require.Equal(t, int64(0), empty.N)
	require.True(t, math.IsNaN(empty.Mean) && math.IsNaN(empty.MeanCI.Lower) && math.IsNaN(empty.FavorCI.Lower))
}

func TestCXConventions(t *testing.T) {
	five := tallyOf(t, 1, 5, 4, 6, 10, 25, 15)
	seven := tallyOf(t, 1, 7, 2, 3, 5, 10, 20, 25, 15)
	ten := tallyOf(t, 0, 10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)
	four := tallyOf(t, 1, 4, 1, 2, 3, 4)
	tests := []struct {
		name string
		got  metrics.Proportion
		want metrics.Proportion
	}{
		{"Favorable 1-5 is 4-5", metrics.Favorable(five), metrics.Proportion{Successes: 40, N: 60}},
		{"Unfavorable 1-5 is 1-2", metrics.Unfavorable(five), metrics.Proportion{Successes: 10, N: 60}},
		{"Favorable 1-7 is 5-7", metrics.Favorable(seven), metrics.Proportion{Successes: 60, N: 80}},
		{"Unfavorable 1-7 is 1-3", metrics.Unfavorable(seven), metrics.Proportion{Successes: 10, N: 80}},
		{"Favorable 0-10 is 6-10", metrics.Favorable(ten), metrics.Proportion{Successes: 5, N: 11}},
		{"Favorable 1-4 is 3-4", metrics.Favorable(four), metrics.Proportion{Successes: 7, N: 10}},
		{"CSAT is 4-5", metrics.CSAT(five), metrics.Proportion{Successes: 40, N: 60}},
		{"CES is 5-7", metrics.CES(seven), metrics.Proportion{Successes: 60, N: 80}},
		{"TopBox 1", metrics.TopBox(five, 1), metrics.Proportion{Successes: 15, N: 60}},
		{"TopBox 3 of 1-7", metrics.TopBox(seven, 3), metrics.Proportion{Successes: 60, N: 80}},
		{"empty", metrics.CSAT(metrics.NewTally(1, 5)), metrics.Proportion{}},
		{"zero Tally", metrics.Favorable(metrics.Tally{}), metrics.Proportion{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, tc.got)
		})
	}
	mustPanic(t, "TopBox 0", func() { metrics.TopBox(five, 0) })
	mustPanic(t, "ScoreItem level", func() { metrics.ScoreItem(five, 0) })
}
