package metrics_test

import (
	"fmt"

	"github.com/cxculture/cxculture/metrics"
)

func ExampleXmR() {
	// Monthly mean CSAT; a change programme starts after month 8.
	csat := []float64{4.1, 4.0, 4.2, 4.1, 4.0, 4.2, 4.1, 4.0, 4.3, 4.4, 4.4, 4.5, 4.6, 4.6, 4.7}
	ch := metrics.XmR(csat)
	fmt.Printf("centre %.3f, limits %.3f to %.3f\n", ch.Center[0], ch.Lower[0], ch.Upper[0])
	for _, s := range ch.Signals {
		fmt.Printf("month %d: %v\n", s.Index+1, s.Rule)
	}
	// Output:
	// centre 4.280, limits 3.976 to 4.584
	// month 5: Nelson6
	// month 8: Nelson6
	// month 13: Nelson1
	// month 13: Nelson5
	// month 13: Nelson6
	// month 14: Nelson1
	// month 14: Nelson5
	// month 14: Nelson6
	// month 15: Nelson1
	// month 15: Nelson5
	// month 15: Nelson6
}

func ExamplePChart() {
	// Complaints among the cases handled each week.
	complaints := []int64{12, 15, 9, 14, 30, 11, 13, 10}
	cases := []int64{100, 120, 90, 110, 100, 95, 105, 100}
	ch := metrics.PChart(complaints, cases)
	fmt.Printf("p-bar %.4f; week 5 limits %.4f to %.4f\n", ch.Center[4], ch.Lower[4], ch.Upper[4])
	fmt.Println(ch.Signals)
	// Output:
	// p-bar 0.1390; week 5 limits 0.0352 to 0.2428
	// [{Nelson1 4}]
}
