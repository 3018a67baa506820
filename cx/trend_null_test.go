package cx_test

import (
	"testing"

	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
)

// Series with no change are judged stable most of the time: the verdicts
// other than stable come from the false alarms of the Nelson rules over
// the points after the baseline, which the limits (widened for the error
// of the baseline centre) keep rare.
func TestTrendNullProperty(t *testing.T) {
	props := cxgen.NewProperties(t, 20)
	h := fixtureHierarchy(t)
	var judged, alarms int
	props.Property("a series with no change is rarely judged changed", prop.ForAll(
		func(seed uint64) bool {
			p := simPanel(t, h, simSpec{seed: seed, waves: 10, n: 30, base: 0.5})
			trends, err := cx.Trends(p, cx.TrendOptions{Measures: []string{"behavior:customer_focus", "behavior:empowerment", "behavior:agility"}})
			if err != nil {
				return false
			}
			n := 0
			for _, tr := range trends {
				if tr.Verdict == cx.TooLittleData {
					return false
				}
				judged++
				if tr.Verdict != cx.Stable {
					alarms++
					n++
				}
			}
			return n <= len(trends)/2
		},
		gen.UInt64(),
	))
	props.Run()
	rate := float64(alarms) / float64(judged)
	t.Logf("false alarms: %d of %d series (%.1f%%)", alarms, judged, 100*rate)
	require.Less(t, rate, 0.15)
}
