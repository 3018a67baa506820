package cx_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/survey"
)

// The plan takes a reader not to know whether a group hidden as below the
// minimum holds anyone (disclosure.Cell.Listed): that holds only if every
// output lists an empty team, and an empty segment of a team, exactly as
// it lists a small one. A division of two teams, one with two
// respondents, one with none, nobody's invited count known: the
// scorecard, the pulse report, the segment cut and the plan show the two
// alike.
func TestOutputsListEmptyGroupsAsSmall(t *testing.T) {
	ctx := t.Context()
	opens := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	p, err := cx.New(memstore.New(), &cx.Options{Now: func() time.Time { return opens.AddDate(0, 2, 0) }})
	require.NoError(t, err)
	require.NoError(t, p.DefineUnits(ctx, cx.Unit{ID: "org", Name: "Org"}, cx.Unit{ID: "d", Parent: "org", Name: "Division"},
		cx.Unit{ID: "small", Parent: "d", Name: "Small team"}, cx.Unit{ID: "empty", Parent: "d", Name: "Empty team"},
		cx.Unit{ID: "big", Parent: "d", Name: "Big team"}, cx.Unit{ID: "other", Parent: "org", Name: "Other division"}))
	s := survey.CulturePulse()
	s.Segments = []survey.Segment{{Key: "tenure", Name: "Tenure", Values: []string{"new", "long"}}}
	require.NoError(t, p.DefineSurvey(ctx, s))
	wave := survey.Wave{ID: "w1", Survey: s.ID, Opens: opens, Closes: opens.AddDate(0, 0, 14)}
	require.NoError(t, p.OpenWave(ctx, wave))
	var rs []survey.Response
	for unit, n := range map[string]int{"small": 2, "big": 9, "other": 12} {
		for i := range n {
			r := survey.Response{ID: cxgen.IDOf(len(rs) + 1), Survey: s.ID, Wave: wave.ID, Unit: unit, Submitted: opens.Add(time.Hour),
				Answers: map[string]int{}, Segments: map[string]string{"tenure": []string{"new", "long"}[i%2]}}
			for _, it := range s.Items {
				r.Answers[it.ID] = it.Scale.Min + (i+len(it.ID))%(it.Scale.Max-it.Scale.Min+1)
			}
			rs = append(rs, r)
		}
	}
	_, err = p.RecordResponses(ctx, rs)
	require.NoError(t, err)

	d, err := p.Disclosure(ctx, s.ID)
	require.NoError(t, err)
	rs1, h1 := d.Hidden("small", "w1")
	rs0, h0 := d.Hidden("empty", "w1")
	require.True(t, h1, "two respondents")
	assert.Equal(t, h1, h0)
	assert.Equal(t, rs1, rs0, "the plan gives an empty team the reason of a small one")
	for _, v := range []string{"new", "long"} {
		r1, h1 := d.SegmentHidden("small", "w1", "tenure", v)
		r0, h0 := d.SegmentHidden("empty", "w1", "tenure", v)
		assert.True(t, h1 && h0, v)
		assert.Equal(t, r1, r0, v)
	}

	sc, err := p.Scorecard(ctx, s.ID, cx.ScorecardOptions{Wave: "w1"})
	require.NoError(t, err)
	u1, ok1 := sc.Unit("small")
	u0, ok0 := sc.Unit("empty")
	require.True(t, ok1 && ok0, "the scorecard lists both teams")
	require.True(t, u1.Suppressed)
	u1.Unit, u1.Name, u0.Unit, u0.Name = "", "", "", ""
	assert.Equal(t, fmt.Sprintf("%+v", u1), fmt.Sprintf("%+v", u0), "the scorecard shows the two teams alike")

	pr, err := p.PulseReport(ctx, s.ID, nil, cx.PulseOptions{})
	require.NoError(t, err)
	p1, ok1 := pr.Row("small", "w1")
	p0, ok0 := pr.Row("empty", "w1")
	require.True(t, ok1 && ok0, "the pulse report lists both teams")
	require.True(t, p1.Hidden)
	p1.Unit, p0.Unit = "", ""
	assert.Equal(t, fmt.Sprintf("%+v", p1), fmt.Sprintf("%+v", p0), "the pulse report shows the two teams alike")

	cut, err := p.SegmentCut(ctx, s.ID, cx.SegmentOptions{Wave: "w1", Key: "tenure", AllUnits: true})
	require.NoError(t, err)
	for _, v := range []string{"new", "long"} {
		c1, ok1 := cut.Row("small", v)
		c0, ok0 := cut.Row("empty", v)
		require.True(t, ok1 && ok0, "the cut lists both teams' %s", v)
		require.True(t, c1.Suppressed)
		c1.Unit, c1.UnitName, c0.Unit, c0.UnitName = "", "", "", ""
		assert.Equal(t, fmt.Sprintf("%+v", c1), fmt.Sprintf("%+v", c0), "the cut shows the two teams' %s alike", v)
	}
}
