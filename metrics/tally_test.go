package metrics_test

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/metrics"
)

func tallyOf(t testing.TB, min, max int, counts ...int64) metrics.Tally {
	t.Helper()
	tl := metrics.NewTally(min, max)
	for i, c := range counts {
		require.NoError(t, tl.AddCount(min+i, c))
	}
	return tl
}

// References from R 4.2.2 on the answers the tally holds:
//
//	x <- rep(1:5, c(3, 5, 10, 20, 12))
//	mean(x); var(x); sd(x); t.test(x)$conf.int; t.test(x, conf.level = .9)$conf.int
//	y <- rep(0:10, c(1, 0, 2, 3, 1, 4, 6, 10, 15, 22, 18))
//	mean(y); var(y); t.test(y)$conf.int
//	t.test(c(2, 4))$conf.int
func TestTallyMomentsMatchR(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name               string
		tally              metrics.Tally
		level              float64
		n                  int64
		mean, variance, sd float64
		lower, upper       float64
	}{
		{"1-5", tallyOf(t, 1, 5, 3, 5, 10, 20, 12), 0.95, 50, 3.6600000000000001, 1.290204081632653, 1.1358715075362411, 3.3371888893110055, 3.9828111106889943},
		{"1-5 at 90%", tallyOf(t, 1, 5, 3, 5, 10, 20, 12), 0.9, 50, 3.6600000000000001, 1.290204081632653, 1.1358715075362411, 3.3906847508006659, 3.9293152491993339},
		{"0-10", tallyOf(t, 0, 10, 1, 0, 2, 3, 1, 4, 6, 10, 15, 22, 18), 0.95, 82, 7.8170731707317076, 4.7932851550737734, math.Sqrt(4.7932851550737734), 7.3360186263801497, 8.2981277150832682},
		{"two answers", tallyOf(t, 1, 5, 0, 1, 0, 1, 0), 0.95, 2, 3, 2, math.Sqrt2, -9.7062047361746941, 15.706204736174694},
		{"empty", metrics.NewTally(1, 5), 0.95, 0, nan, nan, nan, nan, nan},
		{"zero Tally", metrics.Tally{}, 0.95, 0, nan, nan, nan, nan, nan},
		{"one answer", tallyOf(t, 1, 5, 0, 0, 0, 1, 0), 0.95, 1, 4, nan, nan, nan, nan},
		{"identical answers", tallyOf(t, 1, 5, 0, 0, 7, 0, 0), 0.95, 7, 3, 0, 0, 3, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.n, tc.tally.N())
			checkNear(t, "Mean", tc.tally.Mean(), tc.mean, tolR)
			checkNear(t, "Variance", tc.tally.Variance(), tc.variance, tolR)
			checkNear(t, "SD", tc.tally.SD(), tc.sd, tolR)
			iv := tc.tally.MeanCI(tc.level)
			checkNear(t, "MeanCI.Lower", iv.Lower, tc.lower, tolR)
			checkNear(t, "MeanCI.Upper", iv.Upper, tc.upper, tolR)
		})
	}
}

func TestTallyAddAndMerge(t *testing.T) {
	a := metrics.NewTally(1, 5)
	require.NoError(t, a.Add(1))
	require.NoError(t, a.Add(5))
	require.NoError(t, a.AddCount(3, 4))
	require.NoError(t, a.AddCount(2, 0))
	require.Equal(t, []int64{1, 0, 4, 0, 1}, a.Counts)
	require.Equal(t, int64(4), a.Count(3))
	require.Equal(t, int64(0), a.Count(0))
	require.Equal(t, int64(0), a.Count(6))

	err := a.Add(6)
	require.ErrorIs(t, err, metrics.ErrOutOfScale)
	require.EqualError(t, err, "metrics: answer 6 is outside the scale [1, 5]")
	require.ErrorIs(t, a.Add(0), metrics.ErrOutOfScale)
	require.ErrorIs(t, a.AddCount(2, -1), metrics.ErrInvalid)
	var zero metrics.Tally
	require.ErrorIs(t, zero.Add(0), metrics.ErrOutOfScale)
	require.Equal(t, int64(6), a.N(), "failed adds must not count")

	// The zero Tally is the identity of Merge on both sides.
	var z metrics.Tally
	require.NoError(t, z.Merge(a))
	require.True(t, z.Equal(a))
	z.Counts[0] = 99
	require.Equal(t, int64(1), a.Counts[0], "Merge into a zero Tally must copy")
	b := a.Clone()
	require.NoError(t, b.Merge(metrics.Tally{}))
	require.True(t, b.Equal(a))

	require.NoError(t, b.Merge(a))
	require.Equal(t, []int64{2, 0, 8, 0, 2}, b.Counts)

	other := metrics.NewTally(0, 10)
	err = b.Merge(other)
	require.ErrorIs(t, err, metrics.ErrScaleMismatch)
	require.Equal(t, []int64{2, 0, 8, 0, 2}, b.Counts, "a failed merge must leave the tally unchanged")
	require.True(t, errors.Is(b.Merge(metrics.Tally{Min: 1, Max: 5, Counts: []int64{1, 2}}), metrics.ErrInvalid))

	mustPanic(t, "NewTally(5, 1)", func() { metrics.NewTally(5, 1) })
	require.Equal(t, "[1, 5] [2 0 8 0 2]", b.String())
}

func TestTallyReversedAndShare(t *testing.T) {
	a := tallyOf(t, 1, 5, 3, 5, 10, 20, 12)
	r := a.Reversed()
	require.Equal(t, []int64{12, 20, 10, 5, 3}, r.Counts)
	require.Equal(t, a.Count(4), r.Count(2))
	checkNear(t, "reversed mean", r.Mean(), 6-a.Mean(), tolExact)
	require.True(t, r.Reversed().Equal(a))
	require.Equal(t, []int64{3, 5, 10, 20, 12}, a.Counts, "Reversed must not modify its receiver")

	require.Equal(t, metrics.Proportion{Successes: 32, N: 50}, a.Share(4, 5))
	require.Equal(t, metrics.Proportion{Successes: 50, N: 50}, a.Share(-10, 10))
	require.Equal(t, metrics.Proportion{Successes: 0, N: 50}, a.Share(6, 9))
	require.Equal(t, metrics.Proportion{Successes: 10, N: 50}, a.Share(3, 3))
	require.Equal(t, metrics.Proportion{}, metrics.Tally{}.Share(4, 5))
	mustPanic(t, "Share(5, 4)", func() { a.Share(5, 4) })
	mustPanic(t, "MeanCI(1)", func() { a.MeanCI(1) })
}

func TestTallyNPS(t *testing.T) {
	tests := []struct {
		name  string
		tally metrics.Tally
		want  metrics.NPS
	}{
		{"0-10", tallyOf(t, 0, 10, 1, 0, 2, 3, 1, 4, 6, 10, 15, 22, 18), metrics.NPS{Promoters: 40, Passives: 25, Detractors: 17}},
		{"all promoters", tallyOf(t, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 7), metrics.NPS{Promoters: 12}},
		{"1-10 scale", tallyOf(t, 1, 10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), metrics.NPS{Promoters: 2, Passives: 2, Detractors: 6}},
		{"empty", metrics.NewTally(0, 10), metrics.NPS{}},
		{"zero Tally", metrics.Tally{}, metrics.NPS{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, tc.tally.NPS())
		})
	}
	mustPanic(t, "1-11 scale", func() { metrics.NewTally(1, 11).NPS() })
}
