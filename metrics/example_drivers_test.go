package metrics_test

import (
	"fmt"

	"github.com/cxculture/cxculture/metrics"
)

func ExampleShapleyR2() {
	// Which A-11 drivers matter most for trust? Driver answers (ease,
	// efficiency, employee helpfulness) and trust, one row per respondent.
	x := [][]float64{
		{4, 4, 5}, {2, 3, 3}, {5, 4, 5}, {3, 2, 4}, {4, 5, 4}, {1, 2, 2},
		{3, 3, 3}, {5, 5, 4}, {2, 1, 3}, {4, 3, 5}, {3, 4, 2}, {5, 4, 4},
	}
	trust := []float64{4, 2, 5, 3, 4, 1, 3, 5, 2, 5, 3, 4}
	lmg, err := metrics.ShapleyR2(x, trust)
	if err != nil {
		panic(err)
	}
	rw, err := metrics.RelativeWeights(x, trust)
	if err != nil {
		panic(err)
	}
	var r2 float64
	for i, name := range []string{"ease", "efficiency", "employee"} {
		fmt.Printf("%-10s LMG %.3f  relative weight %.3f\n", name, lmg[i], rw[i])
		r2 += lmg[i]
	}
	fmt.Printf("R² = %.3f\n", r2)
	// Output:
	// ease       LMG 0.436  relative weight 0.394
	// efficiency LMG 0.192  relative weight 0.208
	// employee   LMG 0.298  relative weight 0.323
	// R² = 0.925
}
