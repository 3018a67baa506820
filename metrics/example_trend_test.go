package metrics_test

import (
	"fmt"

	"github.com/cxculture/cxculture/metrics"
)

func ExampleLinearTrend() {
	// Response rate over eight pulse waves: is survey fatigue setting in?
	wave := []float64{1, 2, 3, 4, 5, 6, 7, 8}
	rate := []float64{0.62, 0.58, 0.60, 0.55, 0.51, 0.53, 0.47, 0.45}
	tr := metrics.LinearTrend(wave, rate)
	ci := tr.CI(0.95)
	fmt.Printf("%+.2f points per wave (95%% CI %+.2f to %+.2f), t = %.2f on %g df, p = %.5f\n",
		100*tr.Slope, 100*ci.Lower, 100*ci.Upper, tr.Test.Statistic, tr.Test.DF, tr.Test.P)
	// Output:
	// -2.37 points per wave (95% CI -3.08 to -1.66), t = -8.18 on 6 df, p = 0.00018
}

func ExampleMeanCI() {
	scores := []float64{7.5, 8, 6.5, 9, 7, 8.5, 7.5}
	ci := metrics.MeanCI(scores, 0.95)
	fmt.Printf("%.3f to %.3f\n", ci.Lower, ci.Upper)
	// Output:
	// 6.920 to 8.509
}
