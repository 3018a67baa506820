package metrics_test

import (
	"fmt"
	"math"

	"github.com/cxculture/cxculture/metrics"
)

func ExampleCronbachAlpha() {
	// Five respondents answer a four-item customer-focus scale (1-5); the
	// third item is negatively worded and already reverse keyed; one
	// answer is missing.
	nan := math.NaN()
	rows := [][]float64{
		{4, 5, 4, 4},
		{3, 3, 2, 3},
		{5, 5, 4, nan},
		{2, 3, 2, 2},
		{4, 4, 5, 4},
		{3, 2, 3, 3},
	}
	a, err := metrics.CronbachAlpha(rows, nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("alpha = %.3f (standardized %.3f), n = %d, 95%% CI %.3f to %.3f\n",
		a.Raw, a.Standardized, a.N, a.Feldt.Lower, a.Feldt.Upper)
	for i := range a.ItemRest {
		fmt.Printf("item %d: item-rest r = %.3f, alpha if deleted = %.3f\n", i+1, a.ItemRest[i], a.AlphaIfDeleted[i])
	}
	// Output:
	// alpha = 0.918 (standardized 0.929), n = 6, 95% CI 0.707 to 0.987
	// item 1: item-rest r = 0.873, alpha if deleted = 0.874
	// item 2: item-rest r = 0.729, alpha if deleted = 0.928
	// item 3: item-rest r = 0.844, alpha if deleted = 0.885
	// item 4: item-rest r = 0.874, alpha if deleted = 0.889
}

func ExampleScaleStats() {
	// Each site keeps only the sufficient statistics of its answers; the
	// organisation merges them and gets the alpha of all the answers.
	siteA := metrics.NewScaleStats(3)
	siteB := metrics.NewScaleStats(3)
	_ = siteA.Add([]float64{4, 5, 4})
	_ = siteA.Add([]float64{2, 2, 3})
	_ = siteA.AddWeighted([]float64{3, 3, 3}, 4) // four identical rows
	_ = siteB.Add([]float64{5, 4, 5})
	_ = siteB.Add([]float64{1, 2, 1})

	org := metrics.NewScaleStats(3)
	for _, s := range []*metrics.ScaleStats{siteA, siteB} {
		if err := org.Merge(s); err != nil {
			panic(err)
		}
	}
	a, _ := org.Alpha(nil)
	fmt.Printf("n = %d, alpha = %.4f\n", a.N, a.Raw)
	// Output:
	// n = 8, alpha = 0.9442
}

func ExampleOmegaTotal() {
	rows := [][]float64{
		{4, 5, 4, 4}, {3, 3, 2, 3}, {5, 5, 4, 5}, {2, 3, 2, 2},
		{4, 4, 5, 4}, {3, 2, 3, 3}, {1, 2, 2, 1}, {5, 4, 4, 5},
	}
	o, err := metrics.OmegaTotal(rows, nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("omega total = %.3f\n", o.Total)
	// Output:
	// omega total = 0.952
}
