package metrics_test

import (
	"fmt"

	"github.com/cxculture/cxculture/metrics"
)

func ExampleSampleSize() {
	// Answers needed for ±5 points at 95% in a division of 800 people.
	n, err := metrics.SampleSize(0.05, 0.5, 0.95, 800)
	if err != nil {
		panic(err)
	}
	fmt.Println(n, "answers")
	fmt.Printf("margin with 150 answers: ±%.1f points\n", 100*metrics.MarginOfError(0.5, 150, 0.95))
	// Output:
	// 260 answers
	// margin with 150 answers: ±8.0 points
}

func ExampleMinDetectableChange() {
	// With 150 answers per wave and 65% favorable now, how large a rise
	// would the next wave detect with 80% power at the 5% level?
	d, err := metrics.MinDetectableChange(150, 150, 0.65, 0.05, 0.8)
	if err != nil {
		panic(err)
	}
	m, err := metrics.MinDetectableMeanChange(150, 150, 1.0, 0.05, 0.8)
	if err != nil {
		panic(err)
	}
	fmt.Printf("+%.1f points favorable, or %.2f on the mean (SD 1)\n", 100*d, m)
	// Output:
	// +14.4 points favorable, or 0.32 on the mean (SD 1)
}
