package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/simulate"
	"github.com/cxculture/cxculture/survey"
)

// runStory tells the story of a 90-day project on seeded simulated data:
// baseline, scorecard, impact, wins, trends, pitfalls and planning.
func runStory(w io.Writer, minGroup int) error {
	first := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	// Division d1 runs a 90-day "customer-first" project from the fifth
	// monthly wave; it lifts customer focus and empowerment.
	d, err := simulate.Generate(simulate.Config{
		Seed: 2026, Waves: 12, Cadence: survey.Monthly, First: first, TeamsPerDivision: 8, MinTeamSize: 12, MaxTeamSize: 30,
		Fatigue: 0.02, Customers: &simulate.Customers{},
		Lifts: []simulate.Lift{{Units: []string{"d1"}, From: 4, Behaviors: []string{culture.CustomerFocus, culture.Empowerment},
			Size: 0.6, Ramp: 1}},
	})
	if err != nil {
		return err
	}
	h, err := cx.NewHierarchy(d.Units)
	if err != nil {
		return err
	}
	tallier := cx.NewTallier(d.Survey)
	for _, r := range d.Responses {
		if err := tallier.Add(r); err != nil {
			return err
		}
	}
	panel := &cx.Panel{Hierarchy: h, Survey: d.Survey, Waves: d.Waves, Tallies: tallier.Tallies(), MinGroup: minGroup}
	var d1 []string
	for _, t := range d.Teams {
		if strings.HasPrefix(t, "d1-") {
			d1 = append(d1, t)
		}
	}
	start := d.Waves[4].Opens
	project := culture.Initiative{
		ID: uuid.MustParse("2b7f4c1e-8a3d-4e6f-9b2a-5c1d7e8f9a01"), Name: "Customer-first 90 days", Kind: culture.NinetyDay,
		Owner: "Director, Service delivery", Units: d1, Start: start,
		Behaviors: []string{culture.CustomerFocus, culture.Empowerment},
		Outcomes: []culture.OutcomeTarget{{Metric: cx.BehaviorMeasure(culture.CustomerFocus), Baseline: 0.55, Target: 0.7},
			{Metric: cx.ENPSMeasure, Baseline: 0, Target: 10}},
		MissionLink:  "Resolve every customer's request the first time",
		Participants: []string{"front-line team leads", "customer panel"},
		Status:       culture.Completed,
		History: []culture.Transition{{From: culture.Planned, To: culture.Active, At: start},
			{From: culture.Active, To: culture.Completed, At: start.Add(culture.NinetyDays)}},
	}
	decree := culture.Initiative{
		ID: uuid.MustParse("2b7f4c1e-8a3d-4e6f-9b2a-5c1d7e8f9a02"), Name: "Innovation mandate", Kind: culture.ChangeProgram,
		Owner: "CEO", Participants: []string{"CEO"}, Units: []string{"d2"}, Start: d.Waves[3].Opens, End: d.Waves[11].Closes,
		Behaviors: []string{culture.Innovation}, Outcomes: []culture.OutcomeTarget{{Metric: "digital_uptake", Baseline: 0.3, Target: 0.5}},
		Status: culture.Active, History: []culture.Transition{{From: culture.Planned, To: culture.Active, At: d.Waves[3].Opens}},
	}
	indicators := []culture.Indicator{
		{ID: "cf_practice", Behavior: culture.CustomerFocus, Name: "Customer feedback changes how we work",
			Source: culture.Source{Items: itemsOf(d.Survey, culture.CustomerFocus, survey.Behavior)}, Target: ptr(0.7)},
		{ID: "em_practice", Behavior: culture.Empowerment, Name: "People solve customer problems without waiting",
			Source: culture.Source{Items: itemsOf(d.Survey, culture.Empowerment, survey.Behavior)}, Target: ptr(0.6)},
	}

	fmt.Fprintf(w, "%d teams in %d divisions, %d monthly waves from %s; %d responses\n\n", len(d.Teams), len(h.Children(h.Root())),
		len(d.Waves), d.Waves[0].Opens.Format(time.DateOnly), len(d.Responses))

	// 1. Baseline.
	base, err := cx.NewBaseline(panel, cx.BaselineOptions{Measures: []string{cx.BehaviorMeasure(culture.CustomerFocus),
		cx.BehaviorMeasure(culture.Empowerment), cx.ENPSMeasure}})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Baseline (wave %s)\n", base.Wave)
	fmt.Fprintf(w, "  %-6s %16s %16s %8s\n", "unit", "customer focus", "empowerment", "eNPS")
	for _, u := range base.Units {
		if h.Depth(u.Unit) > 1 {
			continue
		}
		fmt.Fprintf(w, "  %-6s %16s %16s %8s\n", u.Unit, share(u.Values[0]), share(u.Values[1]), score(u.Values[2]))
	}
	fmt.Fprintf(w, "  comparability breaks after the baseline: %d\n\n", len(base.Breaks))

	// 2. Scorecard of the last wave against the baseline.
	last := d.Waves[len(d.Waves)-1].ID
	sc, err := cx.NewScorecard(h, d.Survey, panel.Tallies, cx.ScorecardOptions{Wave: last, Baseline: base.Wave, MinGroup: minGroup,
		ChangeScope: cx.LeavesOnly})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Scorecard, wave %s against wave %s (▲ significant after BH over %d team tests)\n", last, base.Wave, sc.Tests)
	for _, u := range sc.Units {
		if h.Depth(u.Unit) != 1 {
			continue
		}
		fmt.Fprintf(w, "  %-4s", u.Unit)
		for _, b := range u.Behaviors {
			fmt.Fprintf(w, "  %s %3.0f%%", abbrev(b.Behavior), 100*b.Favorable.Value)
		}
		fmt.Fprintln(w)
	}
	ups := map[string]int{}
	for _, u := range sc.Units {
		for _, b := range u.Behaviors {
			if b.Change != nil && b.Change.Significant && b.Change.Diff > 0 {
				ups[strings.SplitN(u.Unit, "-", 2)[0]+" "+b.Behavior]++
			}
		}
	}
	for _, k := range slicesSorted(ups) {
		fmt.Fprintf(w, "  ▲ %s: %d team(s)\n", k, ups[k])
	}
	fmt.Fprintln(w)

	// 3. Impact of the project.
	im, err := cx.EstimateImpact(panel, project, cx.ImpactOptions{PerUnit: true,
		Measures: []string{cx.BehaviorMeasure(culture.CustomerFocus), cx.BehaviorMeasure(culture.Empowerment),
			cx.BehaviorMeasure(culture.Agility), cx.ENPSMeasure}})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Impact of %q: %d teams against %d comparison teams\n", im.Name, len(im.Units), len(im.Comparison))
	fmt.Fprintf(w, "  before: waves %s; during: waves %s; after: waves %s\n", strings.Join(im.Pre, ","), strings.Join(im.During, ","), strings.Join(im.After, ","))
	for _, e := range im.Effects {
		if !e.Estimable {
			fmt.Fprintf(w, "  %-24s %-6s not estimable: %s\n", e.Measure, e.Window, e.Reason)
			continue
		}
		unit := "pp"
		k := 100.0
		if e.Kind == cx.MeanMeasure {
			unit, k = "pt", 1
		}
		mark := ""
		if e.Improved {
			mark = "  improved"
		}
		fmt.Fprintf(w, "  %-24s %-6s %+6.1f %s [%+6.1f, %+6.1f]  adj. p %.2g%s\n", e.Measure, e.Window, k*e.Estimate, unit,
			k*e.Interval.Lower, k*e.Interval.Upper, e.Adjusted, mark)
	}
	improvedTeams := map[string]bool{}
	for _, u := range im.UnitEffects {
		if u.Improved {
			improvedTeams[u.Unit] = true
		}
	}
	fmt.Fprintf(w, "  teams with a significant improvement of their own: %d of %d\n\n", len(improvedTeams), len(im.Units))

	// 4. Wins.
	wins := cx.Wins(im)
	fmt.Fprintf(w, "Wins: %d\n", len(wins))
	for _, win := range wins {
		fmt.Fprintf(w, "  %s\n", win.Text)
	}
	if len(wins) > 0 {
		fmt.Fprintf(w, "\nThe first win in Markdown:\n\n%s\n", wins[0].Markdown)
	}

	// 5. Is the gain embedded? Trends of the project's teams.
	trends, err := cx.Trends(panel, cx.TrendOptions{Measures: []string{cx.BehaviorMeasure(culture.CustomerFocus)}, Since: start,
		Units: append([]string{"d1", "d2"}, d1...)})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Trends of customer focus since %s (baseline before the start)\n", start.Format(time.DateOnly))
	for _, tr := range trends {
		fmt.Fprintf(w, "  %-6s %s\n", tr.Unit, tr.Verdict)
	}
	inds, err := cx.EvaluateIndicators(panel, indicators, cx.IndicatorOptions{Units: []string{"d1", "d2", "d3"}})
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\nBehavior indicators in the last wave")
	for _, r := range inds {
		if r.Latest < 0 {
			fmt.Fprintf(w, "  %-12s %-3s no shown value\n", r.Indicator, r.Unit)
			continue
		}
		met := "below target"
		if r.Met {
			met = "target met"
		}
		fmt.Fprintf(w, "  %-12s %-3s %3.0f%% (target %.0f%%, %s), trend %s\n", r.Indicator, r.Unit, 100*r.Points[r.Latest].Value,
			100*r.Target, met, r.Trend.Verdict)
	}

	// 6. Pitfalls.
	now := d.Waves[len(d.Waves)-1].Closes
	pits, err := cx.Pitfalls(panel, []culture.Initiative{project, decree}, cx.PitfallOptions{Now: now, Indicators: indicators})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nPitfalls: %d\n", len(pits))
	for _, p := range pits {
		fmt.Fprintf(w, "  [%s/%s] %s\n", p.Kind, p.Check, p.Summary)
		if len(p.Evidence) > 0 {
			fmt.Fprintf(w, "      %s\n", p.Evidence[0])
		}
	}

	// 7. Culture and customers: which behaviors go with customer trust
	// across teams, and where beliefs run ahead of practice.
	ct := cx.NewTallier(d.CustomerSurvey)
	for _, r := range d.CustomerResponses {
		if err := ct.Add(r); err != nil {
			return err
		}
	}
	customers := &cx.Panel{Hierarchy: h, Survey: d.CustomerSurvey, Waves: d.CustomerWaves, Tallies: ct.Tallies(), MinGroup: minGroup}
	var lastCustomer, lastPulse []string
	for i := len(d.Waves) - 3; i < len(d.Waves); i++ {
		lastCustomer = append(lastCustomer, d.CustomerWaves[i].ID)
		lastPulse = append(lastPulse, d.Waves[i].ID)
	}
	trust, err := cx.MeasureValues(customers, "item:a11.trust", lastCustomer)
	if err != nil {
		return err
	}
	link, err := cx.Links(panel, "customer trust (A-11)", trust, cx.LinkOptions{Waves: lastPulse, Seed: 7, Bootstrap: 500})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nCulture and customer trust across %d teams (last three waves)\n", len(link.Units))
	if !link.Enough {
		fmt.Fprintf(w, "  %s\n", link.Reason)
	} else {
		fmt.Fprintf(w, "  R² %.2f [%.2f, %.2f]\n", link.R2, link.R2Interval.Lower, link.R2Interval.Upper)
		for _, dl := range link.Drivers {
			fmt.Fprintf(w, "  %-16s Shapley %.2f [%.2f, %.2f]  relative weight %.2f\n", dl.Behavior, dl.Shapley,
				dl.ShapleyInterval.Lower, dl.ShapleyInterval.Upper, dl.Weight)
		}
	}
	gaps, err := cx.Gaps(panel, last)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\nBelief ahead of practice, last wave (belief − practice, favorable share)")
	for _, g := range gaps {
		if h.Depth(g.Unit) == 1 && (g.Behavior == culture.CustomerFocus || g.Behavior == culture.Empowerment) {
			fmt.Fprintf(w, "  %-3s %-15s %+4.0f points [%+.0f, %+.0f]\n", g.Unit, g.Behavior, 100*g.Gap, 100*g.Interval.Lower, 100*g.Interval.Upper)
		}
	}

	// 8. Planning: what can a team detect?
	det, err := cx.Detectability(panel, cx.DetectOptions{Indicators: indicators, Initiatives: []culture.Initiative{project}})
	if err != nil {
		return err
	}
	var teams, flagged int
	var mdcs []float64
	for _, dc := range det {
		if h.IsLeaf(dc.Unit) && dc.Measure == cx.BehaviorMeasure(culture.CustomerFocus) {
			teams++
			mdcs = append(mdcs, dc.MDC)
			if len(dc.Undetectable) > 0 {
				flagged++
			}
		}
	}
	slices.Sort(mdcs)
	if len(mdcs) > 0 {
		fmt.Fprintf(w, "\nPlanning: a team's wave-to-wave change in customer focus is detectable from %.0f to %.0f points (median %.0f); %d of %d teams have a target no wave could detect\n",
			100*mdcs[0], 100*mdcs[len(mdcs)-1], 100*mdcs[len(mdcs)/2], flagged, teams)
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

func share(p cx.Point) string {
	if p.Suppressed || p.Missing {
		return "-"
	}
	return fmt.Sprintf("%.0f%% [%.0f-%.0f]", 100*p.Value, 100*p.Interval.Lower, 100*p.Interval.Upper)
}

func score(p cx.Point) string {
	if p.Suppressed || p.Missing {
		return "-"
	}
	return fmt.Sprintf("%+.0f", p.Value)
}

func abbrev(b string) string {
	parts := strings.Split(b, "_")
	out := ""
	for _, p := range parts {
		out += p[:1]
	}
	return strings.ToUpper(out)
}

func slicesSorted(m map[string]int) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
