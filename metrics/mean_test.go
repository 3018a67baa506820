package metrics_test

import (
	"math"
	"testing"

	"github.com/cxculture/cxculture/metrics"
)

// References: t.test(x, conf.level = level)$conf.int in R 4.2.2.
func TestMeanCIMatchesR(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name         string
		x            []float64
		level        float64
		lower, upper float64
	}{
		{"sleep group 1", sleepG1, 0.95, -0.52978041352623217, 2.0297804135262321},
		{"mtcars mpg at 99%", mtcarsMPG, 0.99, 17.16705699366052, 23.014193006339475},
		{"NaN dropped", []float64{3, 5, nan, 4}, 0.95, 1.5158622882496702, 6.4841377117503303},
		{"identical", []float64{2, 2, 2}, 0.95, 2, 2},
		{"n = 1", []float64{2}, 0.95, nan, nan},
		{"empty", nil, 0.95, nan, nan},
		{"all NaN", []float64{nan, nan}, 0.95, nan, nan},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			iv := metrics.MeanCI(tc.x, tc.level)
			checkNear(t, "Lower", iv.Lower, tc.lower, tolR)
			checkNear(t, "Upper", iv.Upper, tc.upper, tolR)
		})
	}
	mustPanic(t, "level", func() { metrics.MeanCI(sleepG1, -1) })
}

func TestInterval(t *testing.T) {
	iv := metrics.Interval{Lower: 1, Upper: 3}
	if !iv.Contains(1) || !iv.Contains(3) || iv.Contains(3.5) || iv.Contains(math.NaN()) {
		t.Errorf("Contains is wrong for %v", iv)
	}
	if iv.Width() != 2 || iv.String() != "[1, 3]" {
		t.Errorf("Width %v, String %q", iv.Width(), iv.String())
	}
}
