package report_test

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/report"
	"github.com/cxculture/cxculture/survey"
)

// A scorecard of two teams, one too small to show, rendered in the four
// formats by one call: the headline of the Markdown, the number of charts
// of the HTML and the first rows of the CSV.
func ExampleRender() {
	h, _ := cx.NewHierarchy([]cx.Unit{
		{ID: "org", Name: "Acme"}, {ID: "web", Parent: "org", Name: "Web team"}, {ID: "desk", Parent: "org", Name: "Help desk"},
	})
	s := survey.CulturePulse()
	tl := cx.NewTallier(s)
	for i := range 12 {
		unit := "web"
		if i >= 9 {
			unit = "desk" // 3 respondents: hidden
		}
		vals := make([]int, len(s.Items))
		for j, it := range s.Items {
			vals[j] = it.Scale.Min + (i+j)%(it.Scale.Max-it.Scale.Min+1)
		}
		_ = tl.AddRow(unit, "2026-06", vals, false)
	}
	// The default privacy rules: 5 respondents, and complementary
	// suppression, since the web team's figures would give away the help
	// desk's (the organization minus the web team).
	pr := cx.DefaultPrivacy()
	sc, err := cx.NewScorecard(h, s, tl.Tallies(), cx.ScorecardOptions{Wave: "2026-06", Privacy: &pr})
	if err != nil {
		fmt.Println(err)
		return
	}
	var md, html, js, csv bytes.Buffer
	if err := report.Render(report.Report{Title: "Pulse, June", Scorecard: sc},
		report.Outputs{Markdown: &md, HTML: &html, JSON: &js, CSV: &csv}); err != nil {
		fmt.Println(err)
		return
	}
	for _, line := range strings.Split(md.String(), "\n") {
		if strings.HasPrefix(line, "- ") {
			fmt.Println(line)
		}
	}
	fmt.Println(strings.Count(html.String(), "<svg "), "charts")
	for _, line := range strings.Split(csv.String(), "\n")[:3] {
		fmt.Println(line)
	}
	// The favorable share of customer_focus, 8 of 24 answers, has the
	// Wilson interval of R's prop.test(8, 24, correct = FALSE):
	// 0.179721903273 0.532936831619.

	// Output:
	// - Acme: 12 respondents.
	// - eNPS -33.3 (-81.4 to +14.7), n = 12.
	// - Most favorable: agility 45.8%; least favorable: customer focus 33.3%.
	// - Hidden: 2 of 3 units (1 fewer than 5 respondents; 1 to keep another hidden unit from being worked out by subtraction).
	// 3 charts
	// section,unit,unit_name,parent,depth,initiative,wave,window,measure,behavior,value,lower,upper,successes,n,p_value,p_adjusted,significant,center,lcl,ucl,signal,verdict,hidden,reason,text
	// scorecard,org,Acme,,0,,2026-06,,respondents,,12,NA,NA,NA,NA,NA,NA,NA,NA,NA,NA,,,FALSE,,
	// scorecard,org,Acme,,0,,2026-06,,favorable,customer_focus,0.333333333333,0.179721903273,0.532936831619,8,24,NA,NA,NA,NA,NA,NA,,,FALSE,,
}
