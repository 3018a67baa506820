package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/cx/report"
	"github.com/cxculture/cxculture/cx/simulate"
	"github.com/cxculture/cxculture/survey"
)

var (
	loopOnce sync.Once
	loopR    report.Report
	loopErr  error
)

// loopReport is a whole story on simulated data, computed through a
// Program: 2 divisions of 4 teams, 8 monthly pulse waves and an A-11
// survey of their customers; division d1 runs a 90-day project from the
// fourth wave that lifts every behavior, with an outcome target on
// customer trust; employees tell stories of customer focus and customers
// leave feedback; leaders recognize a few people. The report holds every
// part: scorecard, trends, impact, wins, pitfalls, sustainment, links,
// gaps, indicators, the A-11 quarter in both conventions, the pulse
// report, comments with themes and recognition.
func loopReport(t testing.TB) report.Report {
	t.Helper()
	loopOnce.Do(func() { loopR, loopErr = buildLoopReport(context.Background()) })
	if loopErr != nil {
		t.Fatal(loopErr)
	}
	return loopR
}

func buildLoopReport(ctx context.Context) (report.Report, error) {
	first := time.Date(2025, 10, 6, 9, 0, 0, 0, time.UTC)
	d, err := simulate.Generate(simulate.Config{Seed: 17, Waves: 8, Cadence: survey.Monthly, First: first, Divisions: 2, TeamsPerDivision: 4,
		MinTeamSize: 14, MaxTeamSize: 26, Customers: &simulate.Customers{},
		Lifts: []simulate.Lift{{Units: []string{"d1"}, From: 3, Size: 1.2, Behaviors: []string{culture.CustomerFocus, culture.Agility,
			culture.Empowerment, culture.Innovation, culture.Inclusion}}}})
	if err != nil {
		return report.Report{}, err
	}
	key, err := cx.NewPseudonymizer([]byte("report fixture key, thirty-two bytes"))
	if err != nil {
		return report.Report{}, err
	}
	now := d.Waves[7].Closes.Add(24 * time.Hour)
	p, err := cx.New(memstore.New(), &cx.Options{Pseudonymizer: key, Now: func() time.Time { return now }})
	if err != nil {
		return report.Report{}, err
	}
	pulse := d.Survey.Clone()
	pulse.TextItems = []survey.TextItem{{ID: "story", Text: "What did your team change for a customer this month?", Construct: culture.CustomerFocus}}
	stories := []string{"We called customers back the same day", "We simplified the claim form", "Our manager thanked us for fixing the letters",
		"Waiting on approvals slowed us down", "We listened to customer feedback and changed the process", "Nothing changed this month"}
	feedback := []string{"The wait on the phone was too long", "Friendly and helpful staff", "The website kept logging me out",
		"Clear explanation of my claim", "I was treated with respect"}
	rs := slices.Clone(d.Responses)
	for i := range rs {
		if i%3 == 0 {
			rs[i].Texts = map[string]string{"story": stories[(i/3)%len(stories)]}
		}
	}
	cs := slices.Clone(d.CustomerResponses)
	for i := range cs {
		if i%4 == 0 {
			cs[i].Texts = map[string]string{"a11.feedback": feedback[(i/4)%len(feedback)]}
		}
	}
	a11 := d.CustomerSurvey.Fill(map[string]string{survey.A11ProgramService: "State Benefits", survey.A11AgencyProgramService: "the Benefits Office",
		survey.A11Population: "residents"})
	steps := []func() error{
		func() error { return p.DefineUnits(ctx, d.Units...) },
		func() error { return p.DefineFramework(ctx, culture.CXBehaviors()) },
		func() error { return p.DefineSurvey(ctx, pulse) },
		func() error { return p.DefineSurvey(ctx, a11) },
	}
	for _, w := range append(slices.Clone(d.Waves), d.CustomerWaves...) {
		steps = append(steps, func() error { return p.OpenWave(ctx, w) })
	}
	steps = append(steps, func() error { _, err := p.RecordResponses(ctx, append(rs, cs...)); return err })
	for _, f := range steps {
		if err := f(); err != nil {
			return report.Report{}, err
		}
	}
	var d1 []string
	for _, u := range d.Teams {
		if u[:3] == "d1-" {
			d1 = append(d1, u)
		}
	}
	trust := cx.CustomerMeasure(d.CustomerSurvey.ID, survey.DriverTrust)
	start := d.Waves[3].Opens
	in, err := p.LaunchInitiative(ctx, culture.Initiative{ID: uuid.MustParse("6c2d0a55-1b7e-4f3a-9d2c-7e4b1a0c9f11"), Name: "Call back in a day",
		Kind: culture.NinetyDay, Owner: "Head of service", Units: d1, Start: start, Behaviors: []string{culture.CustomerFocus, culture.Empowerment},
		Outcomes:    []culture.OutcomeTarget{{Metric: trust, Baseline: 0.35, Target: 0.45}},
		MissionLink: "Every customer's question answered the first time", Participants: []string{"team leads", "customer panel"},
		Status: culture.Completed,
		History: []culture.Transition{{From: culture.Planned, To: culture.Active, At: start},
			{From: culture.Active, To: culture.Completed, At: start.Add(culture.NinetyDays)}}})
	if err != nil {
		return report.Report{}, err
	}
	recs := []culture.Recognition{
		{Recognized: "ana", By: "lead", Behavior: culture.CustomerFocus, Unit: d1[0], At: d.Waves[5].Opens, Initiative: in.ID},
		{Recognized: "bo", By: "lead", Behavior: culture.Empowerment, Unit: d1[1], At: d.Waves[6].Opens},
		{Recognized: "cy", By: "peer", Behavior: culture.CustomerFocus, Unit: d1[1], At: d.Waves[6].Opens.Add(time.Hour)},
	}
	if _, err := p.RecordRecognitions(ctx, recs); err != nil {
		return report.Report{}, err
	}
	mandate, err := p.LaunchInitiative(ctx, culture.Initiative{ID: uuid.MustParse("6c2d0a55-1b7e-4f3a-9d2c-7e4b1a0c9f12"), Name: "Innovation mandate",
		Kind: culture.ChangeProgram, Owner: "CEO", Participants: []string{"CEO"}, Units: []string{"d2"}, Start: d.Waves[2].Opens,
		End: d.Waves[7].Closes.AddDate(0, 6, 0), Behaviors: []string{culture.Innovation},
		Outcomes: []culture.OutcomeTarget{{Metric: "digital_uptake", Baseline: 0.3, Target: 0.5}}})
	if err != nil {
		return report.Report{}, err
	}

	panel, err := p.Panel(ctx, pulse.ID)
	if err != nil {
		return report.Report{}, err
	}
	last := d.Waves[7].ID
	sc, err := p.Scorecard(ctx, pulse.ID, cx.ScorecardOptions{Wave: last, Baseline: d.Waves[0].ID})
	if err != nil {
		return report.Report{}, err
	}
	trends, err := cx.Trends(panel, cx.TrendOptions{Measures: []string{cx.BehaviorMeasure(culture.CustomerFocus), trust},
		Units: []string{"org", "d1", "d2"}, Since: start})
	if err != nil {
		return report.Report{}, err
	}
	im, err := cx.EstimateImpact(panel, in, cx.ImpactOptions{})
	if err != nil {
		return report.Report{}, err
	}
	stored, err := p.Store().ListRecognitions(ctx, culture.RecognitionFilter{})
	if err != nil {
		return report.Report{}, err
	}
	var inds []culture.Indicator
	for _, b := range []string{culture.CustomerFocus, culture.Empowerment} {
		var items []string
		for _, it := range pulse.ItemsFor(b) {
			if it.Kind == survey.Behavior {
				items = append(items, it.ID)
			}
		}
		target := 0.6
		name := map[string]string{culture.CustomerFocus: "Teams change how they work for customers", culture.Empowerment: "People solve problems without waiting"}[b]
		inds = append(inds, culture.Indicator{ID: b + "_seen", Behavior: b, Name: name, Source: culture.Source{Items: items}, Target: &target})
	}
	inds = append(inds, culture.Indicator{ID: "trust", Behavior: culture.CustomerFocus, Name: "Customers trust the service", Source: culture.Source{Metric: trust}})
	pitfalls, err := cx.Pitfalls(panel, []culture.Initiative{in, mandate}, cx.PitfallOptions{Now: now, Indicators: inds, Recognitions: stored})
	if err != nil {
		return report.Report{}, err
	}
	sus, err := cx.Sustain(panel, in, cx.SustainOptions{Now: now})
	if err != nil {
		return report.Report{}, err
	}
	link, err := cx.Links(panel, trust, nil, cx.LinkOptions{Waves: []string{d.Waves[5].ID, d.Waves[6].ID, d.Waves[7].ID}, Bootstrap: 200, Permutations: 199, Seed: 1, MinUnits: 8})
	if err != nil {
		return report.Report{}, err
	}
	gaps, err := cx.Gaps(panel, last)
	if err != nil {
		return report.Report{}, err
	}
	indic, err := cx.EvaluateIndicators(panel, inds, cx.IndicatorOptions{Units: []string{"d1", "d2"}})
	if err != nil {
		return report.Report{}, err
	}
	quarter := cx.FiscalQuarterOf(d.Waves[4].Opens)
	sum, err := cx.A11Summarize(a11, cs, d.Volumes, cx.A11Options{Quarter: quarter})
	if err != nil {
		return report.Report{}, err
	}
	tp, err := cx.A11Touchpoints(a11, cs, d.Volumes, cx.A11Options{Quarter: quarter})
	if err != nil {
		return report.Report{}, err
	}
	pr, err := p.PulseReport(ctx, pulse.ID, nil, cx.PulseOptions{})
	if err != nil {
		return report.Report{}, err
	}
	comments, err := p.Comments(ctx, cx.CommentOptions{Survey: pulse.ID, Waves: []string{last}, Units: []string{"org", "d1", "d2"}, Items: []string{"story"}})
	if err != nil {
		return report.Report{}, err
	}
	voc, err := p.Comments(ctx, cx.CommentOptions{Survey: d.CustomerSurvey.ID, Waves: []string{d.CustomerWaves[7].ID}, Units: []string{"org"},
		Items: []string{"a11.feedback"}})
	if err != nil {
		return report.Report{}, err
	}
	recog, err := p.RecognitionCounts(ctx, cx.RecognitionOptions{Units: []string{"org", "d1"}})
	if err != nil {
		return report.Report{}, err
	}
	plan, err := p.Disclosure(ctx, pulse.ID)
	if err != nil {
		return report.Report{}, err
	}
	h, err := p.Hierarchy(ctx)
	if err != nil {
		return report.Report{}, err
	}
	return report.Report{Title: "Call back in a day: the loop from culture to customers", Generated: now, Scorecard: sc, Trends: trends,
		Impacts: []*cx.Impact{im}, Wins: cx.Wins(im), Pitfalls: pitfalls, Sustainment: sus, Links: []*cx.Link{link}, Gaps: gaps,
		Indicators: indic, A11: sum, Touchpoints: tp, Pulse: pr, Comments: append(comments, voc...), Recognition: recog,
		Behaviors: culture.CXBehaviors().Behaviors, Hierarchy: h, Disclosure: plan,
		Waves: append(slices.Clone(d.Waves), d.CustomerWaves...), Surveys: []survey.Survey{pulse, a11}}, nil
}

// TestLoopReport renders the whole story in the four formats and checks
// that every part is there, in plain language, with nothing hidden shown.
func TestLoopReport(t *testing.T) {
	r := loopReport(t)
	var md, html, js, csv bytes.Buffer
	if err := report.Render(r, report.Outputs{Markdown: &md, HTML: &html, JSON: &js, CSV: &csv}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## Wins", "## Pitfalls", "## Did the gains hold after the initiatives ended?", "## Culture and customer results across units",
		"## Where belief runs ahead of practice", "## Behavior indicators", "## Customer survey (OMB A-11 Section 280)",
		"## The same quarter in the Touchpoints convention", "## Participation", "## Comments and themes", "## Recognition",
		"Call back in a day (90-day project", "trust (OMB A-11 Section 280 customer experience)"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("Markdown lacks %q", want)
		}
	}
	for _, id := range []string{"sustainment", "links", "gaps", "indicators", "a11", "touchpoints", "pulse", "comments", "recognition"} {
		if !strings.Contains(html.String(), `<section id="`+id+`">`) {
			t.Errorf("HTML lacks the section %s", id)
		}
	}
	d, err := report.ReadJSON(&js)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Links) != 1 || d.A11 == nil || d.Touchpoints == nil || d.Pulse == nil || len(d.Comments) == 0 || len(d.Recognition) == 0 ||
		len(d.Gaps) == 0 || len(d.Indicators) == 0 || len(d.Sustainment) == 0 {
		t.Errorf("the JSON lacks a part: %d links, a11 %v, touchpoints %v, pulse %v, %d comment groups, %d recognition rows, %d gaps, %d indicators, %d sustainment",
			len(d.Links), d.A11 != nil, d.Touchpoints != nil, d.Pulse != nil, len(d.Comments), len(d.Recognition), len(d.Gaps), len(d.Indicators), len(d.Sustainment))
	}
	for _, section := range []string{"\nsustainment,", "\nlink,", "\nlink_driver,", "\ngap,", "\nindicator,", "\na11,", "\ntouchpoints,", "\npulse,",
		"\ncomment,", "\ncomment_theme,", "\nrecognition,"} {
		if !strings.Contains(csv.String(), section) {
			t.Errorf("the CSV lacks rows of section %s", strings.TrimSpace(section))
		}
	}
	// Texts leaders read carry no internal keys.
	for _, w := range r.Wins {
		for _, key := range []string{"behavior:", "a11/", "a11.", "d1-t"} {
			if strings.Contains(w.Text, key) {
				t.Errorf("win text holds %q: %s", key, w.Text)
			}
		}
	}
	for _, s := range d.Sustainment {
		if strings.Contains(s.Summary, "behavior:") || strings.Contains(s.Summary, "a11/") {
			t.Errorf("sustainment text holds a key: %s", s.Summary)
		}
	}
	// Nothing hidden shows: hidden groups carry no figures in any format.
	for _, g := range d.Comments {
		if g.Hidden && (len(g.Verbatims) > 0 || g.Comments > 0 || len(g.Themes) > 0) {
			t.Errorf("hidden comment group %s/%s shows figures", g.Unit, g.Wave)
		}
	}
	for _, row := range d.Pulse.Rows {
		if row.Hidden && (row.Respondents != 0 || row.ResponseRate.Value.Defined()) {
			t.Errorf("hidden pulse row %s/%s shows figures", row.Unit, row.Wave)
		}
	}
}

// R's read.csv and pandas' read_csv read the whole story's CSV with their
// defaults: numeric figures, logical flags, NA where figures are missing;
// the link's R² and a Touchpoints average come back as written.
func TestLoopCSVReadByRAndPandas(t *testing.T) {
	var buf bytes.Buffer
	if err := report.Render(loopReport(t), report.Outputs{CSV: &buf}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "report.csv")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var r2, avg string
	for _, r := range recs[1:] {
		switch {
		case r[0] == "link" && r2 == "":
			r2 = r[indexOf(recs[0], "value")]
		case r[0] == "touchpoints" && r[1] == "a11.trust":
			avg = r[indexOf(recs[0], "value")]
		}
	}
	want := fmt.Sprintf("%d numeric logical %s %s", len(recs)-1, r2, avg)
	if rscript, err := exec.LookPath("Rscript"); err == nil {
		script := `d <- read.csv(commandArgs(TRUE)[1]); ` +
			`cat(nrow(d), class(d$value), class(d$hidden), format(d$value[d$section == "link"][1], digits = 12), ` +
			`format(d$value[d$section == "touchpoints" & d$unit == "a11.trust"], digits = 12), "\n")`
		out, err := exec.Command(rscript, "-e", script, path).CombinedOutput()
		if err != nil {
			t.Fatalf("Rscript: %v\n%s", err, out)
		}
		if got := strings.TrimSpace(string(out)); got != want {
			t.Errorf("R read:\n got %s\nwant %s", got, want)
		}
	} else if os.Getenv("CI") == "true" {
		t.Fatal("Rscript is not installed")
	}
	if python := pandasPython(); python != "" {
		script := `import sys, pandas as pd
d = pd.read_csv(sys.argv[1])
print(len(d), d.value.dtype, d.hidden.dtype, repr(float(d[d.section == "link"].value.iloc[0])), repr(float(d[(d.section == "touchpoints") & (d.unit == "a11.trust")].value.iloc[0])))`
		out, err := exec.Command(python, "-c", script, path).CombinedOutput()
		if err != nil {
			t.Fatalf("pandas: %v\n%s", err, out)
		}
		got := strings.Fields(strings.TrimSpace(string(out)))
		wantF := strings.Fields(want)
		if len(got) != 5 || got[0] != wantF[0] || got[1] != "float64" || got[2] != "bool" || !sameNumber(got[3], wantF[3]) || !sameNumber(got[4], wantF[4]) {
			t.Errorf("pandas read:\n got %s\nwant %s", out, want)
		}
	} else if os.Getenv("CI") == "true" {
		t.Fatal("python3 with pandas is not installed; .ci/run installs Debian's python3-pandas")
	}
}

func sameNumber(a, b string) bool {
	x, err1 := strconv.ParseFloat(a, 64)
	y, err2 := strconv.ParseFloat(b, 64)
	return err1 == nil && err2 == nil && math.Abs(x-y) <= 1e-12*math.Max(1, math.Abs(y))
}
