package survey_test

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/leanovate/gopter"
)

// surveySeedEnv fixes the seed of the gopter runs, to replay a failure.
const surveySeedEnv = "CXCULTURE_GOPTER_SEED"

// surveyProps is a gopter.Properties bound to a test: seeded from
// surveySeedEnv when set, fewer runs under -short, the report in the test
// log and the seed printed on failure.
type surveyProps struct {
	*gopter.Properties
	t      *testing.T
	params *gopter.TestParameters
}

func newSurveyProps(t *testing.T, runs int) *surveyProps {
	t.Helper()
	var params *gopter.TestParameters
	if s := os.Getenv(surveySeedEnv); s != "" {
		seed, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q: not an integer seed", surveySeedEnv, s)
		}
		params = gopter.DefaultTestParametersWithSeed(seed)
	} else {
		params = gopter.DefaultTestParameters()
	}
	if testing.Short() {
		runs = max(10, runs/5)
	}
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
