package report_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
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
