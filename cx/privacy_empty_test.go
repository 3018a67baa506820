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

// Where the plan withholds the reasons around a group (every cell near it
// hidden, and their reasons would pin it), an empty team or segment reads
// as the small ones there: withheld, in the plan, the scorecard, the
// pulse report, the segment cut and the comments. Under a chain of units,
// two teams of 3 split 1 and 2 by a segment, and a second division with
// one empty team (the case of the attacker's regression "Every cell
// hidden, and still pinned").
func TestOutputsListEmptyGroupsAsSmallWhereReasonsAreWithheld(t *testing.T) {
	ctx := t.Context()
	opens := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	p, err := cx.New(memstore.New(), &cx.Options{Now: func() time.Time { return opens.AddDate(0, 2, 0) }, Privacy: &cx.Privacy{MinScores: 3}})
	require.NoError(t, err)
	parents := []int{0, 0, 1, 2, 0, 4, 2}
	var units []cx.Unit
	for i, pa := range parents {
		u := cx.Unit{ID: fmt.Sprintf("u%d", i), Name: fmt.Sprintf("Team %d", i)}
		if i > 0 {
			u.Parent = fmt.Sprintf("u%d", pa)
		}
		units = append(units, u)
	}
	require.NoError(t, p.DefineUnits(ctx, units...))
	s := survey.CulturePulse()
	s.Segments = []survey.Segment{{Key: "k0", Name: "Tenure", Values: []string{"a", "b"}}}
	require.NoError(t, p.DefineSurvey(ctx, s))
	wave := survey.Wave{ID: "w1", Survey: s.ID, Opens: opens, Closes: opens.AddDate(0, 0, 14)}
	require.NoError(t, p.OpenWave(ctx, wave))
	var rs []survey.Response
	for _, unit := range []string{"u3", "u6"} {
		for _, v := range []string{"a", "b", "b"} {
			r := survey.Response{ID: cxgen.IDOf(len(rs) + 1), Survey: s.ID, Wave: wave.ID, Unit: unit, Submitted: opens.Add(time.Hour),
				Answers: map[string]int{}, Segments: map[string]string{"k0": v}}
			for _, it := range s.Items {
				r.Answers[it.ID] = it.Scale.Min
			}
			rs = append(rs, r)
		}
	}
	_, err = p.RecordResponses(ctx, rs)
	require.NoError(t, err)

	d, err := p.Disclosure(ctx, s.ID)
	require.NoError(t, err)
	// u3 holds 3 (a: 1, b: 2); u4 and u5 are empty.
	r3, h3 := d.Hidden("u3", "w1")
	require.True(t, h3)
	require.Equal(t, cx.Withheld, r3.Kind, "the case withholds the reasons around the small segments")
	for _, empty := range []string{"u4", "u5"} {
		r, h := d.Hidden(empty, "w1")
		assert.True(t, h, empty)
		assert.Equal(t, r3, r, "the plan gives the empty %s the reason of the teams around", empty)
		c3, _ := d.CommentsHidden("u3", "w1")
		c, _ := d.CommentsHidden(empty, "w1")
		assert.Equal(t, c3, c, "comments of the empty %s", empty)
		for _, v := range []string{"a", "b"} {
			small, _ := d.SegmentHidden("u3", "w1", "k0", v)
			r, h := d.SegmentHidden(empty, "w1", "k0", v)
			assert.True(t, h, empty)
			assert.Equal(t, small, r, "segment %s of the empty %s", v, empty)
		}
	}

	// The count of cells hidden beyond the minimum tells nothing the
	// published reasons do not: which withheld cells are small.
	beyond := 0
	for _, c := range d.HiddenCells() {
		if c.Reason.Kind != cx.BelowMinimum && c.Reason.Kind != cx.Withheld {
			beyond++
		}
	}
	assert.Equal(t, beyond, d.BeyondMinimum(), "cells hidden beyond the minimum, as their reasons read")

	sc, err := p.Scorecard(ctx, s.ID, cx.ScorecardOptions{Wave: "w1"})
	require.NoError(t, err)
	u3, ok3 := sc.Unit("u3")
	u5, ok5 := sc.Unit("u5")
	require.True(t, ok3 && ok5, "the scorecard lists both teams")
	require.True(t, u3.Suppressed)
	assert.True(t, u5.Suppressed)
	assert.Equal(t, u3.Reason, u5.Reason, "the scorecard gives the empty team the reason of the small one")

	pr, err := p.PulseReport(ctx, s.ID, nil, cx.PulseOptions{})
	require.NoError(t, err)
	p3, ok3 := pr.Row("u3", "w1")
	p5, ok5 := pr.Row("u5", "w1")
	require.True(t, ok3 && ok5, "the pulse report lists both teams")
	require.True(t, p3.Hidden)
	assert.True(t, p5.Hidden)
	assert.Equal(t, p3.Reason, p5.Reason, "the pulse report gives the empty team the reason of the small one")

	cut, err := p.SegmentCut(ctx, s.ID, cx.SegmentOptions{Wave: "w1", Key: "k0", AllUnits: true})
	require.NoError(t, err)
	c3, ok3 := cut.Row("u3", "a")
	c5, ok5 := cut.Row("u5", "a")
	require.True(t, ok3 && ok5, "the cut lists both teams' segment")
	require.True(t, c3.Suppressed)
	assert.True(t, c5.Suppressed)
	assert.Equal(t, c3.Reason, c5.Reason, "the cut gives the empty team's segment the reason of the small one")
}
