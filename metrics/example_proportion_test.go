package metrics_test

import (
	"fmt"

	"github.com/cxculture/cxculture/metrics"
)

func ExampleProportion_Wilson() {
	agree := metrics.Proportion{Successes: 38, N: 52}
	ci := agree.Wilson(0.95)
	fmt.Printf("%.1f%% agree (95%% CI %.1f%% to %.1f%%)\n", agree.Percent(), 100*ci.Lower, 100*ci.Upper)

	// Small groups and unanimous answers keep a sensible interval.
	all := metrics.Proportion{Successes: 6, N: 6}
	ci = all.Wilson(0.95)
	fmt.Printf("%v: %.3f to %.3f\n", all, ci.Lower, ci.Upper)
	// Output:
	// 73.1% agree (95% CI 59.7% to 83.2%)
	// 6/6: 0.610 to 1.000
}

func ExampleNewcombeDiff() {
	// Percent favorable in two waves of a pulse survey.
	before := metrics.Proportion{Successes: 112, N: 180}
	after := metrics.Proportion{Successes: 141, N: 190}
	ci := metrics.NewcombeDiff(after, before, 0.95)
	test := metrics.TwoProportionZ(after, before)
	fmt.Printf("change %+.1f points (95%% CI %+.1f to %+.1f), z = %.2f, p = %.4f\n",
		100*(after.Value()-before.Value()), 100*ci.Lower, 100*ci.Upper, test.Statistic, test.P)
	fmt.Printf("Cohen's h = %.2f\n", metrics.CohenH(after.Value(), before.Value()))
	// Output:
	// change +12.0 points (95% CI +2.5 to +21.2), z = 2.48, p = 0.0132
	// Cohen's h = 0.26
}
