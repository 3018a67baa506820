package metrics_test

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/cxculture/cxculture/metrics"
)

func BenchmarkTallyAdd(b *testing.B) {
	t := metrics.NewTally(0, 10)
	answers := make([]int, 1024)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range answers {
		answers[i] = r.IntN(11)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if err := t.Add(answers[i&1023]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkTallyMerge(b *testing.B) {
	u := metrics.NewTally(0, 10)
	for v := range 11 {
		_ = u.AddCount(v, int64(v+1))
	}
	t := metrics.NewTally(0, 10)
	b.ReportAllocs()
	for b.Loop() {
		if err := t.Merge(u); err != nil {
			b.Fatal(err)
		}
	}
}

// benchRows returns n rows of k answers on 1-5 with about 5% missing.
func benchRows(n, k int) [][]float64 {
	r := rand.New(rand.NewPCG(3, 4))
	rows := make([][]float64, n)
	for i := range rows {
		rows[i] = make([]float64, k)
		base := r.IntN(5)
		for j := range rows[i] {
			v := float64(min(5, max(1, base+r.IntN(3))))
			if r.IntN(20) == 0 {
				v = nan
			}
			rows[i][j] = v
		}
	}
	return rows
}

func BenchmarkScaleStatsAdd(b *testing.B) {
	for _, k := range []int{5, 15} {
		b.Run(strconv.Itoa(k)+" items", func(b *testing.B) {
			rows := benchRows(1024, k)
			s := metrics.NewScaleStats(k)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if err := s.Add(rows[i&1023]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

func BenchmarkScaleStatsAlpha(b *testing.B) {
	for _, k := range []int{5, 15} {
		b.Run(strconv.Itoa(k)+" items", func(b *testing.B) {
			s := metrics.NewScaleStats(k)
			for _, r := range benchRows(1000, k) {
				_ = s.Add(r)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Alpha(nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkCronbachAlpha(b *testing.B) {
	rows := benchRows(1000, 10)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := metrics.CronbachAlpha(rows, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkShapleyR2(b *testing.B) {
	x := rowsOf(mtcarsDisp, mtcarsHP, mtcarsWT, mtcarsDrat, mtcarsQsec)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := metrics.ShapleyR2(x, mtcarsMPG); err != nil {
			b.Fatal(err)
		}
	}
}

func TestAddDoesNotAllocate(t *testing.T) {
	tl := metrics.NewTally(1, 5)
	if n := testing.AllocsPerRun(100, func() { _ = tl.Add(3) }); n != 0 {
		t.Errorf("Tally.Add: %v allocations", n)
	}
	s := metrics.NewScaleStats(4)
	row := []float64{1, 2, nan, 4}
	if n := testing.AllocsPerRun(100, func() { _ = s.Add(row) }); n != 0 {
		t.Errorf("ScaleStats.Add: %v allocations", n)
	}
}
