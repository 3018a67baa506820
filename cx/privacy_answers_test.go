package cx_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
	"github.com/cxculture/cxculture/metrics"
	"github.com/cxculture/cxculture/survey"
)

// addTally adds what addAnswers adds for each value of the tally, one at
// a time: on random tallies of items with one measure, with several (an
// eNPS item's promoters, passives and detractors) and with none.
func TestAddTallyAgreesWithAddAnswers(t *testing.T) {
	s := survey.Survey{Items: []survey.Item{
		{ID: "q1", Scale: survey.Likert5},
		{ID: "q2", Scale: survey.Likert5, Reverse: true},
		{ID: "enps", Scale: survey.NPS},
	}}
	width := cx.AnswerWidth(s)
	rng := rand.New(rand.NewPCG(uint64(cxgen.Seed(t)), 2))
	items := []string{"q1", "q2", "enps", "unknown"}
	changed := 0
	for i := range cxgen.Runs(t, 500) {
		item := items[rng.IntN(len(items))]
		tl := metrics.Tally{Min: 1, Max: 5, Counts: make([]int64, 5)}
		if item == "enps" {
			tl = metrics.Tally{Min: 0, Max: 10, Counts: make([]int64, 11)}
		}
		for j := range tl.Counts {
			if rng.IntN(3) > 0 {
				tl.Counts[j] = int64(rng.IntN(40))
			}
		}
		start := make([]int64, width)
		for j := range start {
			start[j] = int64(rng.IntN(10))
		}
		got, want := cx.AddTallyBothWays(s, item, tl, start)
		if !slices.Equal(got, want) {
			t.Fatalf("case %d: item %s, tally %v: addTally %v, addAnswers one value at a time %v", i, item, tl.Counts, got, want)
		}
		if !slices.Equal(got, start) {
			changed++
		}
	}
	if changed == 0 {
		t.Fatal("no case added any answer")
	}
}
