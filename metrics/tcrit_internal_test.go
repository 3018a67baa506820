package metrics

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// TestTCritMatchesR checks the two-sided t critical values against R:
//
//	for (lv in c(0.8,0.9,0.95,0.99,0.999)) for (df in c(30, 31.5, 47, 100, 999, 12345, 1e6))
//	  cat(sprintf("{%g, %g, %.17g},\n", lv, df, qt(1-(1-lv)/2, df)))
//	for (lv in c(0.95,0.9999)) for (df in c(1000, 3000)) ...
func TestTCritMatchesR(t *testing.T) {
	cases := []struct{ level, df, want float64 }{
		{0.8, 30, 1.3104150253913955},
		{0.8, 31.5, 1.309010950476166},
		{0.8, 47, 1.299824947311663},
		{0.8, 100, 1.2900747613465124},
		{0.8, 999, 1.2823995700373976},
		{0.8, 12345, 1.281620146428643},
		{0.8, 1e+06, 1.2815524121299389},
		{0.9, 30, 1.6972608865939569},
		{0.9, 31.5, 1.6946904435110752},
		{0.9, 47, 1.6779267216418605},
		{0.9, 100, 1.6602343260853394},
		{0.9, 999, 1.6463803454275343},
		{0.9, 12345, 1.6449770683606892},
		{0.9, 1e+06, 1.644855150722039},
		{0.95, 30, 2.0422724563012378},
		{0.95, 31.5, 2.0382021367118837},
		{0.95, 47, 2.0117405137297655},
		{0.95, 100, 1.9839715185235516},
		{0.95, 999, 1.9623414611334493},
		{0.95, 12345, 1.9601561676005668},
		{0.95, 1e+06, 1.9599663568141066},
		{0.99, 30, 2.7499956535672254},
		{0.99, 31.5, 2.7412150132652822},
		{0.99, 47, 2.6845556178665242},
		{0.99, 100, 2.6258905214380182},
		{0.99, 999, 2.5807596372676356},
		{0.99, 12345, 2.5762276237865187},
		{0.99, 1e+06, 2.5758342201053335},
		{0.999, 30, 3.6459586350420627},
		{0.999, 31.5, 3.6275287590496781},
		{0.999, 47, 3.5099012834495156},
		{0.999, 100, 3.3904913111642636},
		{0.999, 999, 3.3002924403987666},
		{0.999, 12345, 3.2913150545298588},
		{0.999, 1e+06, 3.2905364612487213},
		{0.95, 1000, 1.9623390808264076},
		{0.95, 3000, 1.960755055322458},
		{0.9999, 1000, 3.9063437367014076},
		{0.9999, 3000, 3.8958299326260617},
	}
	for _, c := range cases {
		if got := tCrit(c.level, c.df); math.Abs(got-c.want) > 1e-12*c.want {
			t.Errorf("tCrit(%g, %g) = %.17g, R qt gives %.17g", c.level, c.df, got, c.want)
		}
	}
}

// TestTCritAgreesWithInverseBeta compares the Newton path with the
// incomplete-beta inversion over a grid of degrees of freedom below 1000
// (above, the inversion itself drifts from R by 1e-10).
func TestTCritAgreesWithInverseBeta(t *testing.T) {
	for _, level := range []float64{0.5, 0.9, 0.95, 0.99, 0.9999} {
		for df := 30.0; df < 1000; df *= 1.13 {
			p := 1 - (1-level)/2
			want := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Quantile(p)
			if got := tCrit(level, df); math.Abs(got-want) > 1e-11*want {
				t.Errorf("tCrit(%g, %g) = %.17g, inverse beta gives %.17g", level, df, got, want)
			}
		}
	}
}

func BenchmarkTCrit(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		tCrit(0.95, float64(30+i%5000))
	}
}

func BenchmarkTCritInverseBeta(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(30 + i%5000)}.Quantile(0.975)
	}
}

// TestTCritCacheReturnsTheComputedValue: a cached critical value is the
// value computed, bit for bit, for the same level and degrees of freedom;
// at the 95% level every whole df of the array and past it, and
// fractional ones.
func TestTCritCacheReturnsTheComputedValue(t *testing.T) {
	for df := 0.5; df < t95Max+50; df += 0.5 {
		first, again, want := tCrit(0.95, df), tCrit(0.95, df), tCritCompute(0.95, df)
		if first != want || again != want {
			t.Fatalf("tCrit(0.95, %g) = %v then %v; computed %v", df, first, again, want)
		}
	}
	for _, level := range []float64{0.9, 0.95, 0.99} {
		for df := 1.0; df < 3000; df += 7 {
			first, again, want := tCrit(level, df), tCrit(level, df), tCritCompute(level, df)
			if first != want || again != want {
				t.Fatalf("tCrit(%g, %g) = %v then %v; computed %v", level, df, first, again, want)
			}
		}
	}
	if !math.IsNaN(tCrit(0.95, math.NaN())) {
		t.Error("tCrit of NaN degrees of freedom is not NaN")
	}
}
