package metrics_test

import (
	"fmt"
	"math"

	"github.com/cxculture/cxculture/metrics"
)

func ExampleWelchT() {
	// Hours of extra sleep with two drugs (R datasets::sleep).
	drug1 := []float64{0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0}
	drug2 := []float64{1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4}
	t := metrics.WelchT(drug1, drug2)
	ci := metrics.WelchCI(drug1, drug2, 0.95)
	fmt.Printf("t = %.4f, df = %.3f, p = %.4f, 95%% CI %.4f to %.4f\n", t.Statistic, t.DF, t.P, ci.Lower, ci.Upper)
	fmt.Printf("d = %.3f, g = %.3f\n", metrics.CohenD(drug1, drug2), metrics.HedgesG(drug1, drug2))
	// Output:
	// t = -1.8608, df = 17.776, p = 0.0794, 95% CI -3.3655 to 0.2055
	// d = -0.832, g = -0.797
}

func ExampleMannWhitney() {
	// Answers on a 1-5 scale from two units.
	unitA := []float64{1, 2, 2, 3, 3, 3, 4, 4, 5}
	unitB := []float64{3, 4, 4, 4, 5, 5, 5, 5}
	t := metrics.MannWhitney(unitA, unitB)
	fmt.Printf("U = %g, p = %.4f, Cliff's delta = %.3f\n", t.Statistic, t.P, metrics.CliffDelta(unitA, unitB))
	// Output:
	// U = 12.5, p = 0.0223, Cliff's delta = -0.653
}

func ExampleAdjustBH() {
	// One p-value per item of a survey; one item was not asked (NaN).
	p := []float64{0.001, 0.012, 0.03, math.NaN(), 0.04, 0.2}
	bh := metrics.AdjustBH(p)
	holm := metrics.AdjustHolm(p)
	for i := range p {
		fmt.Printf("%.3f  BH %.3f  Holm %.3f\n", p[i], bh[i], holm[i])
	}
	// Output:
	// 0.001  BH 0.005  Holm 0.005
	// 0.012  BH 0.030  Holm 0.048
	// 0.030  BH 0.050  Holm 0.090
	// NaN  BH NaN  Holm NaN
	// 0.040  BH 0.050  Holm 0.090
	// 0.200  BH 0.200  Holm 0.200
}

func ExampleSpearman() {
	// Engagement and CSAT of eight units.
	engagement := []float64{62, 70, 55, 80, 75, 68, 59, 90}
	csat := []float64{71, 74, 70, 85, 77, 79, 66, 88}
	fmt.Printf("rho = %.4f\n", metrics.Spearman(engagement, csat))
	// Output:
	// rho = 0.9048
}
