package culture_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/leanovate/gopter"
)

// gopterSeedEnv sets the seed of the gopter runs (default 20261207, fixed, so a
// plain go test replays the same cases); CXCULTURE_TEST_SCALE multiplies
// the number of runs for a longer search. The conventions are those of
// package cx/internal/cxgen, which this package cannot import.
const gopterSeedEnv = "CXCULTURE_GOPTER_SEED"

// cultureProps is a gopter.Properties bound to a test: seeded from
// gopterSeedEnv (printed to standard error when the test starts), runs
// scaled by CXCULTURE_TEST_SCALE and fewer under -short, the report in the
// test log and the seed printed on failure.
type cultureProps struct {
	*gopter.Properties
	t      *testing.T
	params *gopter.TestParameters
}

func newCultureProps(t *testing.T, runs int) *cultureProps {
	t.Helper()
	seed := int64(20261207)
	if s := os.Getenv(gopterSeedEnv); s != "" {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q: not an integer seed", gopterSeedEnv, s)
		}
		seed = v
	}
	fmt.Fprintf(os.Stderr, "%s: seed %d (replay with %s=%d)\n", t.Name(), seed, gopterSeedEnv, seed)
	if s := os.Getenv("CXCULTURE_TEST_SCALE"); s != "" {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || !(v > 0) {
			t.Fatalf("CXCULTURE_TEST_SCALE=%q: not a positive number", s)
		}
		runs = max(1, int(float64(runs)*v+0.5))
	}
	if testing.Short() {
		runs = max(10, runs/5)
	}
	params := gopter.DefaultTestParametersWithSeed(seed)
	params.MinSuccessfulTests = runs
	return &cultureProps{Properties: gopter.NewProperties(params), t: t, params: params}
}

func (p *cultureProps) run() {
	p.t.Helper()
	if !p.Run(gopter.NewFormatedReporter(false, 160, testLog{p.t})) {
		p.t.Errorf("gopter: falsified with seed %d; replay with %s=%d", p.params.Seed(), gopterSeedEnv, p.params.Seed())
	}
}

type testLog struct{ t *testing.T }

func (w testLog) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(b), "\n"))
	return len(b), nil
}
