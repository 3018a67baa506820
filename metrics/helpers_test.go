package metrics_test

import (
	"math"
	"testing"
)

// Tolerances: reference values from R are compared to 1e-9 relative
// (1e-6 for quantities computed by an iterative optimizer in R).
const (
	tolR     = 1e-9
	tolFeldt = 1e-6
	tolExact = 1e-14
)

// near reports whether got equals want within tol relative to |want| (or
// absolutely when |want| < 1); two NaNs are equal.
func near(got, want, tol float64) bool {
	if math.IsNaN(want) || math.IsNaN(got) {
		return math.IsNaN(want) && math.IsNaN(got)
	}
	if math.IsInf(want, 0) {
		return got == want
	}
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

func checkNear(t testing.TB, what string, got, want, tol float64) {
	t.Helper()
	if !near(got, want, tol) {
		t.Errorf("%s = %.17g, want %.17g (tol %g)", what, got, want, tol)
	}
}

func checkSlice(t testing.TB, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: len %d, want %d", what, len(got), len(want))
		return
	}
	for i := range want {
		if !near(got[i], want[i], tol) {
			t.Errorf("%s[%d] = %.17g, want %.17g (tol %g)", what, i, got[i], want[i], tol)
		}
	}
}

// reverse returns a copy of rows with the given columns reverse keyed on
// the scale [lo, hi].
func reverse(rows [][]float64, lo, hi float64, cols ...int) [][]float64 {
	out := make([][]float64, len(rows))
	for i, r := range rows {
		out[i] = append([]float64(nil), r...)
		for _, c := range cols {
			out[i][c] = lo + hi - out[i][c]
		}
	}
	return out
}

// mustPanic reports whether f panics with a message starting with
// "metrics: ".
func mustPanic(t testing.TB, what string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Errorf("%s: no panic", what)
			return
		}
		if s, ok := r.(string); !ok || len(s) < 9 || s[:9] != "metrics: " {
			t.Errorf("%s: panic %v, want a message starting with \"metrics: \"", what, r)
		}
	}()
	f()
}
