package metrics_test

import (
	"fmt"

	"github.com/cxculture/cxculture/metrics"
)

func ExampleTally() {
	// Answers of two teams to a 1-5 agreement item, tallied separately
	// (in parallel, or by SQL GROUP BY) and rolled up with Merge.
	teamA := metrics.NewTally(1, 5)
	for _, v := range []int{5, 4, 4, 3, 5, 2, 4} {
		if err := teamA.Add(v); err != nil {
			panic(err)
		}
	}
	teamB := metrics.NewTally(1, 5)
	_ = teamB.AddCount(4, 6)
	_ = teamB.AddCount(1, 2)

	var org metrics.Tally // the zero Tally adopts the first scale merged into it
	for _, t := range []metrics.Tally{teamA, teamB} {
		if err := org.Merge(t); err != nil {
			panic(err)
		}
	}
	fav := org.Share(4, 5)
	ci := org.MeanCI(0.95)
	fmt.Println("counts:", org.Counts)
	fmt.Printf("n = %d, mean = %.2f (95%% CI %.2f to %.2f)\n", org.N(), org.Mean(), ci.Lower, ci.Upper)
	fmt.Printf("favorable = %.1f%%\n", fav.Percent())

	err := org.Add(7)
	fmt.Println(err)
	// Output:
	// counts: [2 1 1 9 2]
	// n = 15, mean = 3.53 (95% CI 2.84 to 4.22)
	// favorable = 73.3%
	// metrics: answer 7 is outside the scale [1, 5]
}

func ExampleTally_NPS() {
	t := metrics.NewTally(0, 10)
	for v, n := range []int64{2, 0, 1, 3, 2, 4, 6, 12, 15, 25, 30} {
		_ = t.AddCount(v, n)
	}
	nps := t.NPS()
	ci := nps.CI(0.95)
	fmt.Printf("%v: NPS %+.1f ± %.1f (95%% CI %+.1f to %+.1f)\n", nps, nps.Score(), nps.SE(), ci.Lower, ci.Upper)

	// Is the change from last quarter more than noise?
	last := metrics.NPS{Promoters: 41, Passives: 30, Detractors: 29}
	test := metrics.CompareNPS(nps, last)
	fmt.Printf("z = %.2f, p = %.3f\n", test.Statistic, test.P)
	// Output:
	// NPS(55/27/18): NPS +37.0 ± 7.7 (95% CI +21.9 to +52.1)
	// z = 2.21, p = 0.027
}

func ExampleTally_Reversed() {
	// "I often think of leaving", where agreeing is unfavorable.
	t := metrics.NewTally(1, 5)
	for v, n := range []int64{10, 20, 5, 3, 2} {
		_ = t.AddCount(v+1, n)
	}
	r := t.Reversed()
	fmt.Println(r.Counts, metrics.Favorable(r))
	// Output:
	// [2 3 5 20 10] 30/40
}
