package culture_test

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/leanovate/gopter"
)

// gopterSeedEnv fixes the seed of the gopter runs, to replay a failure.
const gopterSeedEnv = "CXCULTURE_GOPTER_SEED"

// cultureProps is a gopter.Properties bound to a test: seeded from
// gopterSeedEnv when set, fewer runs under -short, the report in the test
// log and the seed printed on failure.
type cultureProps struct {
	*gopter.Properties
	t      *testing.T
	params *gopter.TestParameters
}

func newCultureProps(t *testing.T, runs int) *cultureProps {
	t.Helper()
	var params *gopter.TestParameters
	if s := os.Getenv(gopterSeedEnv); s != "" {
		seed, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q: not an integer seed", gopterSeedEnv, s)
		}
		params = gopter.DefaultTestParametersWithSeed(seed)
	} else {
		params = gopter.DefaultTestParameters()
	}
	if testing.Short() {
		runs = max(10, runs/5)
	}
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
