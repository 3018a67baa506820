package cx

import (
	"slices"

	"github.com/cxculture/cxculture/metrics"
	"github.com/cxculture/cxculture/survey"
)

// PlanWavesOneByOne makes plans without the wave-difference rule plan
// their waves one after another, as plans with it do, until restore is
// called: for tests that compare the two.
func PlanWavesOneByOne() (restore func()) {
	planWavesApart = false
	return func() { planWavesApart = true }
}

// FiguresHiddenIn counts the figures d hides in shown cells.
func FiguresHiddenIn(d *Disclosure) int {
	n := 0
	for _, f := range d.figures {
		n += len(f)
	}
	return n
}

// AddTallyBothWays returns, over the answers followed for s's items,
// start plus the answers of t to item as addTally adds them, and as
// addAnswers adds them value by value.
func AddTallyBothWays(s survey.Survey, item string, t metrics.Tally, start []int64) (got, want []int64) {
	space := surveySpace(s)
	got, want = slices.Clone(start), slices.Clone(start)
	space.addTally(got, item, t)
	for j, n := range t.Counts {
		if n != 0 {
			space.addAnswers(want, item, t.Min+j, n)
		}
	}
	return got, want
}

// AnswerWidth returns the length of the answer vectors over s's items.
func AnswerWidth(s survey.Survey) int { return surveySpace(s).width() }
