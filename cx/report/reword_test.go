package report_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/cx/report"
	"github.com/cxculture/cxculture/survey"
)

// TestReportOfRewordedItem: when an item of a behavior was reworded, the
// change since the baseline is over the item asked alike in both waves,
// and every format shows the wave's share over that item beside the
// baseline's, not the share over every item the wave asked. In a unit of
// 300, the unchanged practice item goes from 120 to 165 favorable (40% to
// 55%) and the reworded belief item reads 240 of 300 favorable in the
// second wave: the behavior's share in the second wave is 405 of 600,
// 67.5%, and its change is +15 points, from 40% to 55%.
func TestReportOfRewordedItem(t *testing.T) {
	ctx := t.Context()
	p, err := cx.New(memstore.New(), &cx.Options{Now: func() time.Time { return time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC) }})
	require.NoError(t, err)
	require.NoError(t, p.DefineUnits(ctx, cx.Unit{ID: "org", Name: "Agency"}, cx.Unit{ID: "claims", Parent: "org", Name: "Claims"}))
	require.NoError(t, p.DefineFramework(ctx, culture.CXBehaviors()))
	v1 := survey.Survey{ID: "pulse", Name: "Pulse", Audience: survey.Employee, Version: 1, Items: []survey.Item{
		{ID: "cf_belief", Text: "Our customers' needs come first here.", Scale: survey.Likert5, Construct: culture.CustomerFocus, Kind: survey.Belief, Version: 1},
		{ID: "cf_practice", Text: "My team changed something because of customer feedback.", Scale: survey.Likert5, Construct: culture.CustomerFocus, Kind: survey.Behavior, Version: 1},
	}}
	require.NoError(t, p.DefineSurvey(ctx, v1))
	waves := []survey.Wave{
		{ID: "w1", Survey: "pulse", Name: "January", Opens: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), Closes: time.Date(2026, 1, 19, 0, 0, 0, 0, time.UTC)},
		{ID: "w2", Survey: "pulse", Name: "April", Opens: time.Date(2026, 4, 6, 0, 0, 0, 0, time.UTC), Closes: time.Date(2026, 4, 20, 0, 0, 0, 0, time.UTC)},
	}
	var rs []survey.Response
	for wi, w := range waves {
		if wi == 1 {
			v2 := v1.Clone()
			v2.Version = 2
			v2.Items[0].Text, v2.Items[0].Version = "Customers' needs come first in what we decide.", 2
			require.NoError(t, p.DefineSurvey(ctx, v2))
		}
		require.NoError(t, p.OpenWave(ctx, w))
		belief, practice := []int{120, 240}[wi], []int{120, 165}[wi]
		for i := range 300 {
			a := map[string]int{"cf_belief": 2, "cf_practice": 2}
			if i < belief {
				a["cf_belief"] = 4
			}
			if i < practice {
				a["cf_practice"] = 5
			}
			rs = append(rs, survey.Response{ID: uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "%s-%d", w.ID, i)), Survey: "pulse", Wave: w.ID,
				Unit: "claims", Submitted: w.Opens.Add(time.Hour), Answers: a})
		}
	}
	_, err = p.RecordResponses(ctx, rs)
	require.NoError(t, err)
	sc, err := p.Scorecard(ctx, "pulse", cx.ScorecardOptions{Wave: "w2", Baseline: "w1"})
	require.NoError(t, err)
	bs, err := p.Behaviors(ctx)
	require.NoError(t, err)
	var behaviors []culture.Behavior
	for _, b := range bs {
		behaviors = append(behaviors, b)
	}
	vs, err := p.SurveyVersions(ctx, "pulse")
	require.NoError(t, err)
	r := report.Report{Scorecard: sc, Behaviors: behaviors, Waves: waves, Surveys: vs[len(vs)-1:]}
	var md, page, js, tidy bytes.Buffer
	require.NoError(t, report.Render(r, report.Outputs{Markdown: &md, HTML: &page, JSON: &js, CSV: &tidy}))

	// The behavior table: 67.5% over both items, then the change over the
	// practice item with both of its shares.
	assert.Contains(t, md.String(), "| Customer focus | 67.5% |")
	assert.Contains(t, md.String(), "| 40.0% (now 55.0%, on the item asked alike in both waves) | +15.0 percentage points ▲ |")
	assert.Contains(t, page.String(), "40.0% (now 55.0%, on the item asked alike in both waves)")
	// The list of significant changes: from 40% to 55%, not to 67.5%.
	assert.Contains(t, md.String(), "| Agency | Customer focus | 40.0% | 55.0% | +15.0 percentage points ▲ |")
	assert.NotContains(t, md.String(), "| 40.0% | 67.5% |")
	assert.Contains(t, md.String(), `Customer focus: compared with the baseline on 1 of its 2 items: the item "Our customers' needs come first here." was reworded`)

	// JSON keeps both shares and the items.
	d, err := report.ReadJSON(&js)
	require.NoError(t, err)
	require.NotNil(t, d.Scorecard)
	c := d.Scorecard.Units[0].Behaviors[0].Change
	require.NotNil(t, c)
	assert.Equal(t, []string{"cf_practice"}, c.Items)
	assert.Equal(t, int64(165), c.Current.Successes)
	assert.Equal(t, int64(300), c.Current.N)
	assert.Equal(t, int64(120), c.Baseline.Successes)
	assert.InDelta(t, 0.675, float64(d.Scorecard.Units[0].Behaviors[0].Favorable.Value), 1e-12)

	// CSV: the compared item's shares are rows of their own measure in
	// both waves; the behavior's favorable row of the wave stays 67.5%.
	rows, err := csv.NewReader(&tidy).ReadAll()
	require.NoError(t, err)
	col := func(name string) int { return slices.Index(report.CSVHeader, name) }
	got := map[string]string{}
	for _, row := range rows[1:] {
		if row[col("section")] == "scorecard" && row[col("unit")] == "claims" && row[col("behavior")] == culture.CustomerFocus {
			got[row[col("wave")]+" "+row[col("measure")]] = row[col("value")] + " " + row[col("successes")] + "/" + row[col("n")]
		}
	}
	assert.Equal(t, "0.55 165/300", got["w2 favorable_compared_items"], "%v", got)
	assert.Equal(t, "0.4 120/300", got["w1 favorable_compared_items"], "%v", got)
	assert.Equal(t, "0.675 405/600", got["w2 favorable"], "%v", got)
	_, stale := got["w1 favorable"]
	assert.False(t, stale, "no baseline row over other items than the wave's: %v", got)
}

// rewordStory is the reworded-item reproducer over four waves (January,
// March, May and July 2026) in three units of 300: Claims runs an
// initiative from February, and its answers to the belief item go from
// 120 to 165 favorable in May, when the survey's second version is
// fielded; the other units and the practice item do not move. With
// reworded, the second version asks the belief item in other words; without,
// it asks it as before, so that the same answers are a real change.
func rewordStory(t *testing.T, reworded bool) (report.Report, []cx.Win) {
	t.Helper()
	ctx := t.Context()
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	p, err := cx.New(memstore.New(), &cx.Options{Now: func() time.Time { return now }})
	require.NoError(t, err)
	require.NoError(t, p.DefineUnits(ctx, cx.Unit{ID: "org", Name: "Agency"}, cx.Unit{ID: "claims", Parent: "org", Name: "Claims"},
		cx.Unit{ID: "billing", Parent: "org", Name: "Billing"}, cx.Unit{ID: "support", Parent: "org", Name: "Support"}))
	require.NoError(t, p.DefineFramework(ctx, culture.CXBehaviors()))
	v1 := survey.Survey{ID: "pulse", Name: "Pulse", Audience: survey.Employee, Version: 1, Items: []survey.Item{
		{ID: "cf_belief", Text: "Our customers' needs come first here.", Scale: survey.Likert5, Construct: culture.CustomerFocus, Kind: survey.Belief, Version: 1},
		{ID: "cf_practice", Text: "My team changed something because of customer feedback.", Scale: survey.Likert5, Construct: culture.CustomerFocus, Kind: survey.Behavior, Version: 1},
	}}
	require.NoError(t, p.DefineSurvey(ctx, v1))
	var waves []survey.Wave
	var rs []survey.Response
	for wi, month := range []time.Month{time.January, time.March, time.May, time.July} {
		opens := time.Date(2026, month, 5, 0, 0, 0, 0, time.UTC)
		w := survey.Wave{ID: fmt.Sprintf("w%d", wi+1), Survey: "pulse", Name: month.String(), Opens: opens, Closes: opens.AddDate(0, 0, 14)}
		if month == time.May {
			v2 := v1.Clone()
			v2.Version = 2
			if reworded {
				v2.Items[0].Text, v2.Items[0].Version = "Customers' needs come first in what we decide.", 2
			}
			require.NoError(t, p.DefineSurvey(ctx, v2))
		}
		require.NoError(t, p.OpenWave(ctx, w))
		waves = append(waves, w)
		for _, unit := range []string{"claims", "billing", "support"} {
			belief := 120
			if unit == "claims" && month >= time.May {
				belief = 165
			}
			for i := range 300 {
				a := map[string]int{"cf_belief": 2, "cf_practice": 2}
				if i < belief {
					a["cf_belief"] = 4
				}
				if i%2 == 0 {
					a["cf_practice"] = 5
				}
				rs = append(rs, survey.Response{ID: uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "%s-%s-%d", w.ID, unit, i)), Survey: "pulse",
					Wave: w.ID, Unit: unit, Submitted: opens.Add(time.Hour), Answers: a})
			}
		}
	}
	_, err = p.RecordResponses(ctx, rs)
	require.NoError(t, err)

	sc, err := p.Scorecard(ctx, "pulse", cx.ScorecardOptions{Wave: "w4", Baseline: "w1"})
	require.NoError(t, err)
	panel, err := p.Panel(ctx, "pulse")
	require.NoError(t, err)
	trends, err := cx.Trends(panel, cx.TrendOptions{Measures: []string{cx.BehaviorMeasure(culture.CustomerFocus)}, Units: []string{"claims", "org"}})
	require.NoError(t, err)
	in, err := p.LaunchInitiative(ctx, culture.Initiative{Name: "Listen to customers", Kind: culture.ChangeProgram, Owner: "Head of claims",
		Units: []string{"claims"}, Behaviors: []string{culture.CustomerFocus}, Start: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC),
		End:      time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		Outcomes: []culture.OutcomeTarget{{Metric: cx.BehaviorMeasure(culture.CustomerFocus), Baseline: 0.45, Target: 0.5, Direction: culture.HigherIsBetter}}})
	require.NoError(t, err)
	im, err := cx.EstimateImpact(panel, in, cx.ImpactOptions{})
	require.NoError(t, err)
	wins := cx.Wins(im)
	pits, err := cx.Pitfalls(panel, []culture.Initiative{in}, cx.PitfallOptions{Now: now})
	require.NoError(t, err)
	bs, err := p.Behaviors(ctx)
	require.NoError(t, err)
	var behaviors []culture.Behavior
	for _, b := range bs {
		behaviors = append(behaviors, b)
	}
	h, err := p.Hierarchy(ctx)
	require.NoError(t, err)
	vs, err := p.SurveyVersions(ctx, "pulse")
	require.NoError(t, err)
	return report.Report{Scorecard: sc, Trends: trends, Impacts: []*cx.Impact{im}, Wins: wins, Pitfalls: pits,
		Behaviors: behaviors, Hierarchy: h, Waves: waves, Surveys: vs[len(vs)-1:]}, wins
}

// TestReportOfRewordedItemOverTime: the whole report on the reworded-item
// reproducer claims no change across the rewording. The same answers with
// the item asked alike in both versions are a significant rise in Claims
// (+7.5 points on the behavior, ▲) and a win of 5 points beyond the other
// units; with the item reworded in May, the report shows no win, no
// significant change and no judgement of a trend across May, and says
// what changed, in the item's words, where the figures stop being
// compared: in the scorecard, the pitfalls, the trends and the impact.
// Every text a leader reads stays plain (scanPlain).
func TestReportOfRewordedItemOverTime(t *testing.T) {
	// markdown renders r, and its has and lacks check for a text, showing
	// the whole report once if a check fails.
	markdown := func(t *testing.T, r report.Report) (has, lacks func(text string)) {
		var md bytes.Buffer
		require.NoError(t, report.Render(r, report.Outputs{Markdown: &md}))
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("the report:\n%s", md.String())
			}
		})
		has = func(text string) {
			t.Helper()
			if !strings.Contains(md.String(), text) {
				t.Errorf("the report lacks %q", text)
			}
		}
		lacks = func(text string) {
			t.Helper()
			if strings.Contains(md.String(), text) {
				t.Errorf("the report shows %q", text)
			}
		}
		return has, lacks
	}
	t.Run("asked alike", func(t *testing.T) {
		r, wins := rewordStory(t, false)
		has, lacks := markdown(t, r)
		require.Len(t, wins, 1, "the same answers without a rewording are a win")
		has("## Wins")
		has("raised customer focus by 5.0 percentage points in Claims")
		has("| · Claims | 300 | 52.5% (48.5–56.5) ▲ |")
		has("- Significant changes since January: 1 up ▲, 0 down ▼ (of 4 tests).")
		lacks("reworded")
	})
	t.Run("reworded", func(t *testing.T) {
		r, wins := rewordStory(t, true)
		has, lacks := markdown(t, r)
		assert.Empty(t, wins, "no win across the rewording")
		lacks("## Wins")
		lacks("raised customer focus")
		has("| · Claims | 300 | 52.5% (48.5–56.5) | – |") // no significant rise
		has("- Significant changes since January: 0 up ▲, 0 down ▼ (of 4 tests).")
		reworded := `the item "Our customers' needs come first here." was reworded as "Customers' needs come first in what we decide." (version 1, then 2)`
		has("- Claims, Customer focus: compared with the baseline on 1 of its 2 items: " + reworded)
		has("- **comparability break**: Customer focus cannot be compared between March and May: its questions changed\n  - " + reworded)
		has("- the questions changed before May: only the results from May on are compared")
		has("- Customer focus: the questions changed among the waves during the initiative; only those before the change are used")
		for _, tr := range r.Trends {
			assert.Equal(t, cx.TooLittleData, tr.Verdict, "%s %s: no judgement across the rewording", tr.Unit, tr.Measure)
		}
		ids := []string{"w1", "w2", "w3", "w4", "org", "claims", "billing", "support", "cf_belief", "cf_practice", "pulse/"}
		scanPlain(t, r, ids)
	})
}
