package report_test

import (
	"encoding/csv"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/cx/report"
	"github.com/cxculture/cxculture/survey"
)

// The case through the report: six respondents, one of whom
// answered the customer-focus items. No format shows that person's
// answers (the CSV once read "favorable customer_focus ... successes 1,
// n 1").
func TestReportShowsNoFigureBelowTheMinimumPerFigure(t *testing.T) {
	ctx := t.Context()
	opens := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	p, err := cx.New(memstore.New(), &cx.Options{Now: func() time.Time { return opens.Add(30 * 24 * time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	s := survey.CulturePulse()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(p.DefineUnits(ctx, cx.Unit{ID: "org", Name: "Org"}))
	must(p.DefineSurvey(ctx, s))
	must(p.OpenWave(ctx, survey.Wave{ID: "w1", Survey: s.ID, Opens: opens, Closes: opens.Add(14 * 24 * time.Hour)}))
	var rs []survey.Response
	for i := range 6 {
		r := survey.Response{ID: cxgen.IDOf(i + 1), Survey: s.ID, Wave: "w1", Unit: "org", Submitted: opens.Add(time.Hour), Answers: map[string]int{}}
		for _, it := range s.Items {
			if it.Construct != culture.CustomerFocus || i == 0 {
				r.Answers[it.ID] = it.Scale.Max - i%3
			}
		}
		rs = append(rs, r)
	}
	_, err = p.RecordResponses(ctx, rs)
	must(err)
	sc, err := p.Scorecard(ctx, s.ID, cx.ScorecardOptions{Wave: "w1"})
	must(err)
	d, err := p.Disclosure(ctx, s.ID)
	must(err)
	md, htm, js, cs := renderAll(t, report.Report{Scorecard: sc, Disclosure: d})
	rows, err := csv.NewReader(strings.NewReader(cs)).ReadAll()
	must(err)
	col := func(name string) int { return slices.Index(report.CSVHeader, name) }
	seen := 0
	for _, r := range rows[1:] {
		if r[col("behavior")] != culture.CustomerFocus {
			continue
		}
		seen++
		if r[col("hidden")] != "TRUE" || r[col("value")] != "NA" || r[col("n")] != "NA" || r[col("successes")] != "NA" {
			t.Errorf("customer focus shown in the CSV: %v", r)
		}
	}
	if seen == 0 {
		t.Error("no customer-focus row in the CSV")
	}
	if !strings.Contains(js, `"hidden": true`) && !strings.Contains(js, `"hidden":true`) {
		t.Error("the JSON marks nothing hidden")
	}
	// The one person answered the top point twice: no format shows
	// customer focus at 100% or on one or two answers.
	text := regexp.MustCompile(`<[^>]*>`).ReplaceAllString(htm, " ")
	for format, out := range map[string]string{"Markdown": md, "HTML": text, "JSON": js} {
		for _, leak := range []string{"customer_focus 100.0%", "customer_focus` | 100.0%", "n=1)", "n=2)"} {
			if strings.Contains(out, leak) {
				t.Errorf("%s shows the one person's answers: %q", format, leak)
			}
		}
	}
	for _, r := range rows[1:] {
		if r[col("measure")] == "alpha" && r[col("behavior")] == culture.CustomerFocus {
			t.Errorf("the reliability of customer focus rests on one person: %v", r)
		}
	}
}
