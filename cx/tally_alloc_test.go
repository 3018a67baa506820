package cx_test

import (
	"testing"

	"github.com/cxculture/cxculture/cx"
)

// TestTallierHotPathAllocatesNothing: once a tallier has met a response's
// unit and wave, tallying it allocates nothing.
func TestTallierHotPathAllocatesNothing(t *testing.T) {
	rows := benchRows(20000)
	tl := cx.NewTallier(benchSurvey())
	for _, r := range rows {
		if err := tl.AddRow(r.unit, r.wave, r.vals, false); err != nil {
			t.Fatal(err)
		}
	}
	i := 0
	allocs := testing.AllocsPerRun(10000, func() {
		r := rows[i%len(rows)]
		i++
		if err := tl.AddRow(r.unit, r.wave, r.vals, i%3 == 0); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("AddRow allocates %v times a response", allocs)
	}
}
