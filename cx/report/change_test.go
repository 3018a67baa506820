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
	cxorg "github.com/cxculture/cxculture/cx/org"
	"github.com/cxculture/cxculture/cx/report"
	"github.com/cxculture/cxculture/survey"
)

// changeProgram has two waves around a merge, a segment, a leader and
// people who answered both waves.
func changeProgram(t *testing.T) *cx.Program {
	t.Helper()
	ctx := t.Context()
	pz, err := cx.NewPseudonymizer([]byte("report test key of thirty-two bytes or more"))
	require.NoError(t, err)
	p, err := cx.New(memstore.New(), &cx.Options{Now: func() time.Time { return time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC) }, Pseudonymizer: pz})
	require.NoError(t, err)
	require.NoError(t, p.DefineUnits(ctx, cx.Unit{ID: "org", Name: "Agency"}, cx.Unit{ID: "sales", Parent: "org", Name: "Sales", Leaders: []string{"ana@example.gov"}},
		cx.Unit{ID: "north", Parent: "sales", Name: "North Office"}, cx.Unit{ID: "south", Parent: "sales", Name: "South Office"},
		cx.Unit{ID: "ops", Parent: "org", Name: "Operations"}))
	require.NoError(t, p.ChangeOrg(ctx, cx.OrgChange{Kind: cxorg.Merge, Effective: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		Unit: cx.Unit{ID: "central", Name: "Central Office"}, From: []string{"north", "south"}}))
	s := survey.Survey{ID: "pulse", Name: "Pulse", Audience: survey.Employee, Version: 1, Items: []survey.Item{
		{ID: "cf", Text: "Customers come first.", Scale: survey.Likert5, Construct: culture.CustomerFocus, Kind: survey.Belief, Version: 1}},
		Segments: []survey.Segment{{Key: "tenure", Name: "Tenure", Values: []string{"new", "settled", "veteran"}}}}
	require.NoError(t, p.DefineSurvey(ctx, s))
	waves := []survey.Wave{
		{ID: "w1", Survey: "pulse", Name: "January", Opens: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), Closes: time.Date(2026, 1, 19, 0, 0, 0, 0, time.UTC)},
		{ID: "w2", Survey: "pulse", Name: "April", Opens: time.Date(2026, 4, 6, 0, 0, 0, 0, time.UTC), Closes: time.Date(2026, 4, 20, 0, 0, 0, 0, time.UTC)},
	}
	var rs []survey.Response
	for wi, w := range waves {
		require.NoError(t, p.OpenWave(ctx, w))
		teams := map[string]int{"north": 20, "south": 20, "ops": 24}
		if wi == 1 {
			teams = map[string]int{"central": 40, "ops": 24}
		}
		for team, n := range teams {
			for i := range n {
				person := fmt.Sprintf("%s-%d", team, i)
				if team == "central" {
					person = fmt.Sprintf("%s-%d", []string{"north", "south"}[i%2], i/2)
				}
				tenure := []string{"new", "settled"}[i%2]
				if team == "ops" && i < 3 {
					tenure = "veteran" // three people only: hidden
				}
				v := 2
				if (i+wi*3)%4 < 2+wi {
					v = 4
				}
				rs = append(rs, survey.Response{ID: uuid.NewSHA1(uuid.NameSpaceOID, []byte(w.ID+person)), Survey: "pulse", Wave: w.ID, Unit: team,
					Respondent: person + "@example.gov", Submitted: w.Opens.Add(time.Hour), Answers: map[string]int{"cf": v}, Segments: map[string]string{"tenure": tenure}})
			}
		}
	}
	_, err = p.RecordResponses(ctx, rs)
	require.NoError(t, err)
	return p
}

// changeReport is the report of changeProgram: the scorecard of its
// second wave against the first across the merge, its cut by tenure, Ana
// Ruiz's view and the paired change.
func changeReport(t *testing.T) report.Report {
	t.Helper()
	ctx := t.Context()
	p := changeProgram(t)
	sc, err := p.Scorecard(ctx, "pulse", cx.ScorecardOptions{Wave: "w2", Baseline: "w1"})
	require.NoError(t, err)
	cut, err := p.SegmentCut(ctx, "pulse", cx.SegmentOptions{Wave: "w2", Key: "tenure", AllUnits: true})
	require.NoError(t, err)
	view, err := p.LeaderView(ctx, "pulse", "ana@example.gov", cx.ScorecardOptions{Wave: "w2"})
	require.NoError(t, err)
	pc, err := p.PairedChange(ctx, "pulse", cx.PairedOptions{Wave: "w2", Baseline: "w1", AllUnits: true})
	require.NoError(t, err)
	waves, err := p.Store().ListWaves(ctx, survey.WaveFilter{Survey: "pulse"})
	require.NoError(t, err)
	return report.Report{Scorecard: sc, Segments: []*cx.SegmentCut{cut}, Leaders: map[string]*cx.LeaderView{"Ana Ruiz": view}, Paired: []*cx.PairedChange{pc}, Waves: waves}
}

func TestReportOfChange(t *testing.T) {
	r := changeReport(t)
	var md, html, js, cs bytes.Buffer
	require.NoError(t, report.Render(r, report.Outputs{Markdown: &md, HTML: &html, JSON: &js, CSV: &cs}))
	for _, want := range []string{
		"## What the changes since the baseline compare",
		"Central Office: Central Office is compared with the units it was formed from, as they stood at the baseline: North Office (merged on 1 March 2026), South Office (merged on 1 March 2026).",
		// Sections are titled with the waves' names, never their IDs.
		"## By tenure, April",
		"## Ana Ruiz's view, April",
		"## The same people, April against January",
	} {
		assert.Contains(t, md.String(), want)
	}
	for _, want := range []string{`<section id="comparisons">`, `<section id="segment-0">`, `<section id="leader-0">`, `<section id="paired-0">`} {
		assert.Contains(t, html.String(), want)
	}
	assert.NotContains(t, md.String()+html.String()+js.String()+cs.String(), "p1:", "the leader's pseudonym is never printed")
	assert.NotRegexp(t, `survey w\d|wave .?w\d`, md.String(), "no wave is named by its ID")
	d, err := report.ReadJSON(&js)
	require.NoError(t, err)
	require.Len(t, d.Segments, 1)
	var veteran report.SegmentRow
	for _, row := range d.Segments[0].Rows {
		if row.Unit == "ops" && row.Value == "veteran" {
			veteran = row
		}
	}
	assert.True(t, veteran.Hidden, "three veterans in Operations are hidden")
	assert.Zero(t, veteran.Respondents)
	assert.Empty(t, veteran.Behaviors)
	require.Len(t, d.Leaders, 1)
	assert.Equal(t, "Ana Ruiz", d.Leaders[0].Leader)
	// Central Office holds every answer of Sales in April: no gap to it,
	// and the table says why.
	assert.Contains(t, md.String(), "– (every answer in Sales comes from Central Office: there is no rest of Sales to compare Central Office with)")
	require.Len(t, d.Paired, 1)
	rows, err := csv.NewReader(&cs).ReadAll()
	require.NoError(t, err)
	sections := map[string]int{}
	for _, row := range rows[1:] {
		sections[row[0]]++
	}
	for _, s := range []string{"comparison", "segment", "leader", "paired"} {
		assert.Positive(t, sections[s], "CSV rows of section %s", s)
	}
	for _, row := range rows[1:] {
		if row[0] == "segment" && row[1] == "ops" && strings.Contains(row[7], "veteran") {
			assert.Equal(t, "TRUE", row[slices.Index(report.CSVHeader, "hidden")], "the hidden group's row is marked hidden")
			assert.Equal(t, "NA", row[14], "and carries no count")
		}
	}
}
