package survey_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/leanovate/gopter"
)

// surveySeedEnv sets the seed of the gopter runs (default 20261207, fixed, so a
// plain go test replays the same cases); CXCULTURE_TEST_SCALE multiplies
// the number of runs for a longer search. The conventions are those of
// package cx/internal/cxgen, which this package cannot import.
const surveySeedEnv = "CXCULTURE_GOPTER_SEED"

// surveyProps is a gopter.Properties bound to a test: seeded from
// surveySeedEnv (printed to standard error when the test starts), runs
// scaled by CXCULTURE_TEST_SCALE and fewer under -short, the report in the
// test log and the seed printed on failure.
type surveyProps struct {
	*gopter.Properties
	t      *testing.T
	params *gopter.TestParameters
}

func newSurveyProps(t *testing.T, runs int) *surveyProps {
	t.Helper()
	seed := int64(20261207)
	if s := os.Getenv(surveySeedEnv); s != "" {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q: not an integer seed", surveySeedEnv, s)
		}
		seed = v
	}
	fmt.Fprintf(os.Stderr, "%s: seed %d (replay with %s=%d)\n", t.Name(), seed, surveySeedEnv, seed)
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
	return &surveyProps{Properties: gopter.NewProperties(params), t: t, params: params}
}

func (p *surveyProps) run() {
	p.t.Helper()
	if !p.Run(gopter.NewFormatedReporter(false, 160, surveyTestLog{p.t})) {
		p.t.Errorf("gopter: falsified with seed %d; replay with %s=%d", p.params.Seed(), surveySeedEnv, p.params.Seed())
	}
}

type surveyTestLog struct{ t *testing.T }

func (w surveyTestLog) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(b), "\n"))
	return len(b), nil
}
