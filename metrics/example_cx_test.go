package metrics_test

import (
	"fmt"

	"github.com/cxculture/cxculture/metrics"
)

func ExampleScoreItem() {
	// An A-11 driver item ("It was easy to complete what I needed to do")
	// on 1-5, reported both as a mean and as percent agree.
	ease := metrics.NewTally(1, 5)
	for v, n := range []int64{4, 6, 10, 25, 15} {
		_ = ease.AddCount(v+1, n)
	}
	s := metrics.ScoreItem(ease, 0.95)
	fmt.Printf("n = %d, mean %.2f (%.2f to %.2f), agree %.1f%% (%.1f%% to %.1f%%)\n",
		s.N, s.Mean, s.MeanCI.Lower, s.MeanCI.Upper,
		s.Favorable.Percent(), 100*s.FavorCI.Lower, 100*s.FavorCI.Upper)
	// Output:
	// n = 60, mean 3.68 (3.38 to 3.98), agree 66.7% (54.1% to 77.3%)
}

func ExampleCSAT() {
	sat := metrics.NewTally(1, 5)
	for v, n := range []int64{3, 5, 12, 40, 40} {
		_ = sat.AddCount(v+1, n)
	}
	effort := metrics.NewTally(1, 7) // CES 2.0: "made it easy for me to handle my issue"
	for v, n := range []int64{2, 3, 5, 10, 20, 25, 15} {
		_ = effort.AddCount(v+1, n)
	}
	fmt.Printf("CSAT %.0f%% (mean %.2f), CES %.0f%% agree (mean %.2f)\n",
		metrics.CSAT(sat).Percent(), sat.Mean(), metrics.CES(effort).Percent(), effort.Mean())
	// Output:
	// CSAT 80% (mean 4.09), CES 75% agree (mean 5.22)
}

func ExamplePercentPositive() {
	// Three items of a FEVS-style subindex, each tallied on 1-5.
	counts := [][]int64{{4, 6, 10, 25, 15}, {2, 3, 12, 30, 13}, {10, 12, 15, 15, 8}}
	items := make([]metrics.Tally, len(counts))
	for i, c := range counts {
		items[i] = metrics.NewTally(1, 5)
		for v, n := range c {
			_ = items[i].AddCount(v+1, n)
		}
	}
	idx := metrics.PercentPositive(items)
	for i, p := range idx.Items {
		fmt.Printf("item %d: %.1f%% positive of %d\n", i+1, p.Percent(), p.N)
	}
	fmt.Printf("index %.1f\n", idx.Value)
	// Output:
	// item 1: 66.7% positive of 60
	// item 2: 71.7% positive of 60
	// item 3: 38.3% positive of 60
	// index 58.9
}
