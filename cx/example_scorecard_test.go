package cx_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/survey"
)

// A scorecard straight from a CSV export: two teams under one
// organization, two agility items (the second reverse keyed) and eNPS, a
// baseline wave and a later one. The small team is suppressed; the
// organization's figures include its answers. The figures agree with R:
// prop.test(10, 11, correct = FALSE) gives the Wilson interval [62%, 98%]
// of claims, prop.test(c(10, 3), c(11, 12), correct = FALSE) its p-value
// 0.00145, and p.adjust(c(0.071254, 0.001447), "BH") the adjusted
// 0.071 and 0.003.
func ExampleNewScorecard() {
	h, err := cx.NewHierarchy([]cx.Unit{
		{ID: "org", Name: "Agency"},
		{ID: "claims", Parent: "org", Name: "Claims"},
		{ID: "billing", Parent: "org", Name: "Billing"},
	})
	if err != nil {
		panic(err)
	}
	s := survey.Survey{ID: "pulse", Name: "Pulse", Audience: survey.Employee, Version: 1, Items: []survey.Item{
		{ID: "a1", Text: "We change course quickly when customers need it", Scale: survey.Likert5, Construct: "agility", Kind: survey.Behavior, Version: 1},
		{ID: "a2", Text: "Decisions wait for sign-off", Scale: survey.Likert5, Construct: "agility", Kind: survey.Behavior, Version: 1, Reverse: true},
		{ID: "enps", Text: "Would you recommend working here?", Scale: survey.NPS, Construct: survey.ENPS, Kind: survey.Outcome, Version: 1},
	}}
	const export = `unit_id,wave,submitted_at,a1,a2,enps
claims,q1,2026-01-12T09:00:00Z,2,4,6
claims,q1,2026-01-12T10:00:00Z,3,4,7
claims,q1,2026-01-13T09:00:00Z,4,2,9
claims,q1,2026-01-13T11:00:00Z,2,5,3
claims,q1,2026-01-14T09:00:00Z,3,3,8
claims,q1,2026-01-14T15:00:00Z,4,4,10
billing,q1,2026-01-12T09:30:00Z,4,2,9
billing,q1,2026-01-15T09:30:00Z,5,1,10
claims,q2,2026-04-13T09:00:00Z,5,1,9
claims,q2,2026-04-13T10:00:00Z,4,2,10
claims,q2,2026-04-14T09:00:00Z,4,1,9
claims,q2,2026-04-14T11:00:00Z,5,2,8
claims,q2,2026-04-15T09:00:00Z,4,,7
claims,q2,2026-04-15T15:00:00Z,3,2,9
billing,q2,2026-04-13T09:30:00Z,2,4,5
`
	t, err := cx.TallyCSV(context.Background(), strings.NewReader(export), s, nil, 1)
	if err != nil {
		panic(err)
	}
	sc, err := cx.NewScorecard(h, s, t, cx.ScorecardOptions{Wave: "q2", Baseline: "q1"})
	if err != nil {
		panic(err)
	}
	for _, u := range sc.Units {
		if u.Suppressed {
			fmt.Printf("%-8s suppressed: %s\n", u.Unit, u.Reason)
			continue
		}
		b := u.Behaviors[0]
		fmt.Printf("%-8s n=%d agility %.0f%% favorable [%.0f%%, %.0f%%], was %.0f%%, adjusted p %.3f, eNPS %+.0f\n",
			u.Unit, u.Respondents, 100*b.Favorable.Value, 100*b.Favorable.Interval.Lower, 100*b.Favorable.Interval.Upper,
			100*b.Change.Baseline.Value, b.Change.Adjusted, u.ENPS.Score)
	}
	// Output:
	// org      n=7 agility 77% favorable [50%, 92%], was 44%, adjusted p 0.071, eNPS +43
	// billing  suppressed: fewer than 5 respondents
	// claims   n=6 agility 91% favorable [62%, 98%], was 25%, adjusted p 0.003, eNPS +67
}
