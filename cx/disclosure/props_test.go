package disclosure

import (
	"fmt"
	"os"
	"strconv"
	"testing"
)

// The conventions of package cx/internal/cxgen, which this package cannot
// import (cxgen imports cx, which imports this package): a fixed default
// seed printed when a test starts, CXCULTURE_GOPTER_SEED to replay
// another, and CXCULTURE_TEST_SCALE to multiply the number of cases
// (a fifth under -short).

// testSeed returns the seed of t's random cases.
func testSeed(t *testing.T) int64 {
	t.Helper()
	seed := int64(20261207)
	if s := os.Getenv("CXCULTURE_GOPTER_SEED"); s != "" {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("CXCULTURE_GOPTER_SEED=%q: not an integer seed", s)
		}
		seed = v
	}
	fmt.Fprintf(os.Stderr, "%s: seed %d (replay with CXCULTURE_GOPTER_SEED=%d)\n", t.Name(), seed, seed)
	return seed
}

// testRuns returns how many cases a test that asks for n should check.
func testRuns(t *testing.T, n int) int {
	t.Helper()
	if s := os.Getenv("CXCULTURE_TEST_SCALE"); s != "" {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || !(v > 0) {
			t.Fatalf("CXCULTURE_TEST_SCALE=%q: not a positive number", s)
		}
		n = int(float64(n)*v + 0.5)
	}
	if testing.Short() {
		n = max(10, n/5)
	}
	return max(1, n)
}
