package metrics

import (
	"math"
	"slices"
	"testing"
)

// Each sequence of standardized points is built to trigger one rule, with
// limits at ±3; the expected signals are derived by hand from the rule
// definitions.
func TestNelsonRulesOneAtATime(t *testing.T) {
	rep := func(v float64, n int) []float64 {
		out := make([]float64, n)
		for i := range out {
			out[i] = v
		}
		return out
	}
	cat := func(parts ...[]float64) []float64 { return slices.Concat(parts...) }
	nan := math.NaN()
	tests := []struct {
		name string
		z    []float64
		want []Signal
	}{
		{"rule 1, strict", []float64{0, 3.5, 0, -3.2, 0, 0, 3}, []Signal{{Nelson1, 1}, {Nelson1, 3}}},
		{"rule 2", rep(0.5, 9), []Signal{{Nelson2, 8}}},
		{"rule 2 keeps signalling", rep(-0.5, 10), []Signal{{Nelson2, 8}, {Nelson2, 9}}},
		{"centre line breaks a run", cat(rep(0.5, 4), []float64{0}, rep(0.5, 8)), nil},
		{"NaN breaks a run", cat(rep(0.5, 4), []float64{nan}, rep(0.5, 5)), nil},
		{"rule 3 rising", []float64{-0.5, -0.4, -0.3, -0.2, -0.1, 0.1, 0.2}, []Signal{{Nelson3, 5}, {Nelson3, 6}}},
		{"rule 3 falling", []float64{0.5, 0.4, 0.3, 0.2, 0.1, -0.1}, []Signal{{Nelson3, 5}}},
		{"rule 3 broken by a tie", []float64{-0.5, -0.4, -0.3, -0.3, -0.1, 0.1, 0.2}, nil},
		{"rule 4", cat(rep(0.5, 1), []float64{-0.5, 0.5, -0.5, 0.5, -0.5, 0.5, -0.5, 0.5, -0.5, 0.5, -0.5, 0.5, -0.5}), []Signal{{Nelson4, 13}}},
		{"rule 5", []float64{2.5, 0, 2.5}, []Signal{{Nelson5, 2}}},
		{"rule 5 at the start", []float64{2.5, 2.5}, []Signal{{Nelson5, 1}}},
		{"rule 5 needs the same side", []float64{2.5, 0, -2.5}, nil},
		{"rule 5 needs the completing point", []float64{2.5, 2.5, 0}, []Signal{{Nelson5, 1}}},
		{"rule 5 window of three", []float64{2.5, 0, 0, 2.5}, nil},
		{"rule 6", []float64{1.5, 1.5, 0, 1.5, 1.5}, []Signal{{Nelson6, 4}}},
		{"rule 6 below", []float64{-1.5, -1.5, -1.5, 0.5, -1.5}, []Signal{{Nelson6, 4}}},
		{"rule 7", cat(rep(0.5, 2), rep(-0.5, 2), rep(0.5, 2), rep(-0.5, 2), rep(0.5, 2), rep(-0.5, 2), rep(0.5, 2), rep(-0.5, 1)), []Signal{{Nelson7, 14}}},
		{"rule 8", cat(rep(1.5, 2), rep(-1.5, 2), rep(1.5, 2), rep(-1.5, 2)), []Signal{{Nelson8, 7}}},
		{"empty", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lo, hi := rep(-3, len(tc.z)), rep(3, len(tc.z))
			got := nelson(tc.z, tc.z, lo, hi)
			if !slices.Equal(got, tc.want) {
				t.Errorf("signals %v, want %v", got, tc.want)
			}
		})
	}
}
