package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/cx/report"
	"github.com/cxculture/cxculture/cx/simulate"
	"github.com/cxculture/cxculture/cx/themes"
	"github.com/cxculture/cxculture/survey"
)

// The employees' stories and the customers' feedback added to the
// simulated responses, so that comments can be read back with themes.
var (
	stories = []string{"We called customers back the same day", "We simplified the claim form with a customer panel",
		"Our lead thanked us for fixing letters without waiting for approval", "Waiting on approvals slowed us down",
		"We listened to complaints and changed the process", "Nothing changed this month"}
	feedback = []string{"The wait on the phone was too long", "Friendly and helpful staff", "The website kept logging me out",
		"Clear explanation of my claim", "I was treated with respect", "Quick answer, problem solved"}
)

// runStory closes the loop on seeded simulated data, through one
// Program: employees' pulse and customers' A-11 survey in the same
// program; a 90-day project whose outcome target is customer trust; the
// project's impact against the teams that did not run it; the win
// announced, naming the customer result, the target and the behaviors
// behind it; whether the gain held; the pitfalls; how the behaviors go
// with customer trust across teams; the comments and their themes; the
// recognition of the behaviors; and, with reportDir, the report in four
// formats.
func runStory(ctx context.Context, w io.Writer, minGroup int, reportDir string) error {
	first := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	// Division d1 runs a 90-day "customer-first" project from the fifth
	// monthly wave; it lifts customer focus and empowerment, and the
	// customers its teams serve feel it.
	d, err := simulate.Generate(simulate.Config{
		Seed: 2026, Waves: 12, Cadence: survey.Monthly, First: first, TeamsPerDivision: 8, MinTeamSize: 12, MaxTeamSize: 30,
		Fatigue: 0.02, Customers: &simulate.Customers{},
		Lifts: []simulate.Lift{{Units: []string{"d1"}, From: 4, Behaviors: []string{culture.CustomerFocus, culture.Empowerment},
			Size: 1.5, Ramp: 1}},
	})
	if err != nil {
		return err
	}
	now := d.Waves[len(d.Waves)-1].Closes.Add(24 * time.Hour)
	key, err := cx.NewPseudonymizer([]byte("the example's key: keep yours secret"))
	if err != nil {
		return err
	}
	pr := cx.DefaultPrivacy()
	if minGroup != 0 {
		pr.MinScores = minGroup
	}
	p, err := cx.New(memstore.New(), &cx.Options{Pseudonymizer: key, Privacy: &pr, Now: func() time.Time { return now }})
	if err != nil {
		return err
	}

	// 1. One program, both sides: the employee pulse, with a question
	// about customer focus, and the A-11 survey of the customers the
	// teams serve, word for word with the service named.
	pulse := d.Survey.Clone()
	pulse.TextItems = []survey.TextItem{{ID: "story", Text: "What did your team change for a customer this month?", Construct: culture.CustomerFocus}}
	a11 := d.CustomerSurvey.Fill(map[string]string{survey.A11ProgramService: "State Benefits", survey.A11AgencyProgramService: "the State Benefits Office",
		survey.A11Population: "residents"})
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
	if err := p.DefineUnits(ctx, d.Units...); err != nil {
		return err
	}
	if err := p.DefineFramework(ctx, culture.CXBehaviors()); err != nil {
		return err
	}
	for _, s := range []survey.Survey{pulse, a11} {
		if err := p.DefineSurvey(ctx, s); err != nil {
			return err
		}
	}
	for _, wv := range append(slices.Clone(d.Waves), d.CustomerWaves...) {
		if err := p.OpenWave(ctx, wv); err != nil {
			return err
		}
	}
	n, err := p.RecordResponses(ctx, append(rs, cs...))
	if err != nil {
		return err
	}
	h, err := p.Hierarchy(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%d teams in %d divisions, %d monthly waves from %s; %d responses of employees and customers\n\n", len(d.Teams),
		len(h.Children(h.Root())), len(d.Waves), d.Waves[0].Opens.Format(time.DateOnly), n)

	// 2. The 90-day project, with a customer result as its outcome.
	var d1 []string
	for _, t := range d.Teams {
		if strings.HasPrefix(t, "d1-") {
			d1 = append(d1, t)
		}
	}
	trust := cx.CustomerMeasure(a11.ID, survey.DriverTrust)
	start := d.Waves[4].Opens
	project, err := p.LaunchInitiative(ctx, culture.Initiative{
		ID: uuid.MustParse("2b7f4c1e-8a3d-4e6f-9b2a-5c1d7e8f9a01"), Name: "Customer-first 90 days", Kind: culture.NinetyDay,
		Owner: "Director, Service delivery", Units: d1, Start: start, Behaviors: []string{culture.CustomerFocus, culture.Empowerment},
		Outcomes:     []culture.OutcomeTarget{{Metric: trust, Baseline: 0.4, Target: 0.5}},
		MissionLink:  "Resolve every customer's request the first time",
		Participants: []string{"front-line team leads", "customer panel"},
		Status:       culture.Completed,
		History: []culture.Transition{{From: culture.Planned, To: culture.Active, At: start},
			{From: culture.Active, To: culture.Completed, At: start.Add(culture.NinetyDays)}},
	})
	if err != nil {
		return err
	}
	decree, err := p.LaunchInitiative(ctx, culture.Initiative{
		ID: uuid.MustParse("2b7f4c1e-8a3d-4e6f-9b2a-5c1d7e8f9a02"), Name: "Innovation mandate", Kind: culture.ChangeProgram,
		Owner: "CEO", Participants: []string{"CEO"}, Units: []string{"d2"}, Start: d.Waves[3].Opens, End: d.Waves[11].Closes.AddDate(0, 6, 0),
		Behaviors: []string{culture.Innovation}, Outcomes: []culture.OutcomeTarget{{Metric: "digital_uptake", Baseline: 0.3, Target: 0.5}},
		Status: culture.Active, History: []culture.Transition{{From: culture.Planned, To: culture.Active, At: d.Waves[3].Opens}},
	})
	if err != nil {
		return err
	}
	// Leaders recognize the behaviors behind the win.
	recs := []culture.Recognition{
		{Recognized: "ana.lopez", By: "director", Behavior: culture.CustomerFocus, Unit: d1[0], At: d.Waves[7].Opens, Initiative: project.ID,
			Note: "Called back every customer the same day"},
		{Recognized: "ben.osei", By: "team.lead", Behavior: culture.Empowerment, Unit: d1[2], At: d.Waves[8].Opens},
		{Recognized: "chen.li", By: "peer", Behavior: culture.CustomerFocus, Unit: d1[5], At: d.Waves[9].Opens},
	}
	if _, err := p.RecordRecognitions(ctx, recs); err != nil {
		return err
	}

	// 3. The panel: the pulse with the customer survey as an outcome.
	panel, err := p.Panel(ctx, pulse.ID)
	if err != nil {
		return err
	}
	im, err := cx.EstimateImpact(panel, project, cx.ImpactOptions{PerUnit: true,
		Measures: []string{cx.BehaviorMeasure(culture.CustomerFocus), cx.BehaviorMeasure(culture.Empowerment), cx.BehaviorMeasure(culture.Agility), trust}})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Impact of %q: %d teams against %d comparison teams (the change in its teams beyond the change in the others)\n", im.Name, len(im.Units), len(im.Comparison))
	for _, e := range im.Effects {
		if !e.Estimable {
			fmt.Fprintf(w, "  %-50s %-13s not estimable: %s\n", e.Label, windowWords(e.Window), e.Reason)
			continue
		}
		mark := ""
		if e.Improved {
			mark = "  improved"
		}
		fmt.Fprintf(w, "  %-50s %-13s %+5.1f percentage points (95%% interval %+.1f to %+.1f), adjusted %s%s\n", e.Label, windowWords(e.Window), 100*e.Estimate,
			100*e.Interval.Lower, 100*e.Interval.Upper, pWords(e.Adjusted), mark)
	}
	improvedTeams := map[string]bool{}
	for _, u := range im.UnitEffects {
		if u.Improved {
			improvedTeams[u.Unit] = true
		}
	}
	fmt.Fprintf(w, "  teams with a significant improvement of their own: %d of %d\n\n", len(improvedTeams), len(im.Units))

	// 4. The win announced: the customer result, the target, the
	// behaviors behind it, the project.
	wins := cx.Wins(im)
	fmt.Fprintf(w, "Wins: %d\n", len(wins))
	for _, win := range wins {
		fmt.Fprintf(w, "  %s\n", win.Text)
	}
	if len(wins) > 0 {
		fmt.Fprintf(w, "\nThe first win in Markdown:\n\n%s\n", wins[0].Markdown)
	}

	// 5. Did the gain hold after the project ended?
	sus, err := cx.Sustain(panel, project, cx.SustainOptions{Now: now})
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "Did the gains hold?")
	for _, s := range sus {
		fmt.Fprintf(w, "  [%s] %s\n", sustainWords(s.Verdict), s.Summary)
	}
	trends, err := cx.Trends(panel, cx.TrendOptions{Measures: []string{cx.BehaviorMeasure(culture.CustomerFocus), trust}, Since: start,
		Units: append([]string{"d1", "d2"}, d1...)})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nTrends since %s (baseline before the start)\n", start.Format("2 Jan 2006"))
	for _, tr := range trends {
		fmt.Fprintf(w, "  %-10s %-50s %s\n", unitName(h, tr.Unit), tr.Label, verdictWords(tr.Verdict))
	}

	// 6. Indicators, and the pitfalls of both initiatives.
	indicators := []culture.Indicator{
		{ID: "cf_practice", Behavior: culture.CustomerFocus, Name: "Customer feedback changes how we work",
			Source: culture.Source{Items: itemsOf(pulse, culture.CustomerFocus, survey.Behavior)}, Target: ptr(0.7)},
		{ID: "em_practice", Behavior: culture.Empowerment, Name: "People solve customer problems without waiting",
			Source: culture.Source{Items: itemsOf(pulse, culture.Empowerment, survey.Behavior)}, Target: ptr(0.6)},
		{ID: "trust", Behavior: culture.CustomerFocus, Name: "Customers trust the service", Source: culture.Source{Metric: trust}, Target: ptr(0.5)},
	}
	inds, err := cx.EvaluateIndicators(panel, indicators, cx.IndicatorOptions{Units: []string{"d1", "d2", "d3"}})
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\nBehavior indicators in the last survey")
	for _, r := range inds {
		if r.Latest < 0 {
			fmt.Fprintf(w, "  %-48s %-10s no shown value\n", r.Name, unitName(h, r.Unit))
			continue
		}
		met := "below target"
		if r.Met {
			met = "target met"
		}
		fmt.Fprintf(w, "  %-48s %-10s %3.0f%% (target %.0f%%, %s), trend %s\n", r.Name, unitName(h, r.Unit), 100*r.Points[r.Latest].Value,
			100*r.Target, met, verdictWords(r.Trend.Verdict))
	}
	stored, err := p.Store().ListRecognitions(ctx, culture.RecognitionFilter{})
	if err != nil {
		return err
	}
	pits, err := cx.Pitfalls(panel, []culture.Initiative{project, decree}, cx.PitfallOptions{Now: now, Indicators: indicators, Recognitions: stored})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nPitfalls: %d\n", len(pits))
	for _, pf := range pits {
		fmt.Fprintf(w, "  [%s] %s\n", strings.ReplaceAll(string(pf.Kind), "_", " "), pf.Summary)
		if len(pf.Evidence) > 0 {
			fmt.Fprintf(w, "      %s\n", pf.Evidence[0])
		}
	}

	// 7. Culture and customers across teams, and where belief runs ahead
	// of practice.
	var lastPulse []string
	for i := len(d.Waves) - 3; i < len(d.Waves); i++ {
		lastPulse = append(lastPulse, d.Waves[i].ID)
	}
	link, err := cx.Links(panel, trust, nil, cx.LinkOptions{Waves: lastPulse, Seed: 7, Bootstrap: 500})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nCulture and customer trust across %d teams (last three surveys)\n  %s\n", len(link.Units), link.Summary)
	if link.Enough {
		fmt.Fprintf(w, "  share of the differences between teams that goes with each behavior (interval):\n")
		for _, dl := range link.Drivers {
			fmt.Fprintf(w, "  %-38s %3.0f%% (%.0f%% to %.0f%%)\n", panel.Label(cx.BehaviorMeasure(dl.Behavior)), 100*dl.Shapley,
				100*dl.ShapleyInterval.Lower, 100*dl.ShapleyInterval.Upper)
		}
	}
	last := d.Waves[len(d.Waves)-1].ID
	gaps, err := cx.Gaps(panel, last)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\nBelief ahead of practice, last survey (the share who believe in a behavior minus the share who see it done)")
	for _, g := range gaps {
		if h.Depth(g.Unit) == 1 && (g.Behavior == culture.CustomerFocus || g.Behavior == culture.Empowerment) {
			fmt.Fprintf(w, "  %-10s %-15s %+3.0f percentage points (95%% interval %+.0f to %+.0f)\n", unitName(h, g.Unit),
				strings.ToLower(panel.Label(cx.BehaviorMeasure(g.Behavior))), 100*g.Gap, 100*g.Interval.Lower, 100*g.Interval.Upper)
		}
	}

	// 8. Comments and their themes, employees' and customers'.
	comments, err := p.Comments(ctx, cx.CommentOptions{Survey: pulse.ID, Waves: []string{last}, Units: []string{"d1", "d2", "d3"}, Items: []string{"story"}})
	if err != nil {
		return err
	}
	voc, err := p.Comments(ctx, cx.CommentOptions{Survey: a11.ID, Waves: []string{d.CustomerWaves[len(d.CustomerWaves)-1].ID}, Units: []string{"org"},
		Items: []string{"a11.feedback"}})
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\nComments, last survey: the most frequent themes")
	for _, g := range append(comments, voc...) {
		if g.Hidden {
			fmt.Fprintf(w, "  %-12s hidden: %s\n", g.UnitName, g.Reason)
			continue
		}
		who := "employees"
		if g.Customer {
			who = "customers"
		}
		byCount := slices.Clone(g.Themes)
		slices.SortStableFunc(byCount, func(a, b themes.Count) int { return b.Comments - a.Comments })
		var top []string
		for _, t := range byCount {
			if t.Comments > 0 && len(top) < 3 {
				top = append(top, fmt.Sprintf("%s %d", t.Name, t.Comments))
			}
		}
		fmt.Fprintf(w, "  %-12s %s: %d comments; %s\n", g.UnitName, who, g.Comments, strings.Join(top, ", "))
	}

	// 9. Recognition of the behaviors, as an indicator of reinforcement.
	counts, err := p.RecognitionCounts(ctx, cx.RecognitionOptions{Units: []string{"d1", "d2"}})
	if err != nil {
		return err
	}
	total := map[string]int{}
	for _, c := range counts {
		total[c.UnitName+", "+strings.ToLower(c.Label)] += c.Count
	}
	fmt.Fprintln(w, "\nRecognition since the start")
	for _, k := range slices.Sorted(maps(total)) {
		fmt.Fprintf(w, "  %-40s %d\n", k, total[k])
	}

	// 10. The report, in four formats.
	if reportDir != "" {
		plan, err := p.Disclosure(ctx, pulse.ID)
		if err != nil {
			return err
		}
		sc, err := p.Scorecard(ctx, pulse.ID, cx.ScorecardOptions{Wave: last, Baseline: d.Waves[0].ID})
		if err != nil {
			return err
		}
		quarter := cx.FiscalQuarterOf(d.Waves[len(d.Waves)-1].Opens)
		sum, err := cx.A11Summarize(a11, cs, d.Volumes, cx.A11Options{Quarter: quarter})
		if err != nil {
			return err
		}
		tp, err := cx.A11Touchpoints(a11, cs, d.Volumes, cx.A11Options{Quarter: quarter})
		if err != nil {
			return err
		}
		pulseReport, err := p.PulseReport(ctx, pulse.ID, nil, cx.PulseOptions{})
		if err != nil {
			return err
		}
		paths, err := report.WriteFiles(reportDir, report.Report{Title: "Customer-first 90 days: from culture to customers", Generated: now,
			Scorecard: sc, Trends: trends, Impacts: []*cx.Impact{im}, Wins: wins, Pitfalls: pits, Sustainment: sus, Links: []*cx.Link{link},
			Gaps: gaps, Indicators: inds, A11: sum, Touchpoints: tp, Pulse: pulseReport, Comments: append(comments, voc...), Recognition: counts,
			Behaviors: culture.CXBehaviors().Behaviors,
			Hierarchy: h, Disclosure: plan, Waves: append(slices.Clone(d.Waves), d.CustomerWaves...), Surveys: []survey.Survey{pulse, a11}})
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "\nReport: %s\n", strings.Join(paths, ", "))
	}
	return nil
}

func ptr(v float64) *float64 { return &v }

// itemsOf returns the IDs of the items of a construct and kind.
func itemsOf(s survey.Survey, construct string, kind survey.ItemKind) []string {
	var out []string
	for _, it := range s.ItemsFor(construct) {
		if it.Kind == kind {
			out = append(out, it.ID)
		}
	}
	return out
}

// maps returns the keys of m, for sorting.
func maps(m map[string]int) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// unitName names a unit for people.
func unitName(h *cx.Hierarchy, id string) string {
	if u, ok := h.Unit(id); ok && u.Name != "" {
		return u.Name
	}
	return id
}

// windowWords names an impact window for people.
func windowWords(w string) string {
	if w == cx.AfterWindow {
		return "after its end"
	}
	return "during it"
}

// pWords writes a p-value for people.
func pWords(p float64) string {
	if p < 0.0001 {
		return "p < 0.0001"
	}
	return fmt.Sprintf("p = %.2g", p)
}

// verdictWords names a trend's judgement for people.
func verdictWords(v cx.Verdict) string {
	switch v {
	case cx.SustainedShift:
		return "embedded"
	case cx.TooLittleData:
		return "too little data"
	}
	return v.String()
}

// sustainWords names a sustainment verdict for people.
func sustainWords(v cx.SustainVerdict) string {
	switch v {
	case cx.GainFading:
		return "fading: stopped too soon"
	case cx.GainNone:
		return "no measurable gain"
	case cx.GainTooLittleData:
		return "too little data"
	case cx.GainNotEnded:
		return "not ended"
	}
	return v.String()
}
