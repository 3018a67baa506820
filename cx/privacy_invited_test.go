package cx_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/survey"
)

// A division whose head is the one person invited in it directly: whether
// the head answered must not change which cells are hidden. The plan
// once protected the division's direct respondents only when someone
// answered, so that a reader who reruns the planner learnt whether the
// head did.
func TestPlanHeadsAnswerLeavesThePatternAlone(t *testing.T) {
	h := org(t, "d1<org", "d2<org", "t1<d1", "t2<d1", "t3<d2", "t4<d2")
	waves := []survey.Wave{{ID: "w", Survey: "s", Invited: map[string]int{"d1": 1, "t1": 10, "t2": 10, "t3": 10, "t4": 10}}}
	plan := func(head int) map[string]string {
		entries := []string{"t1@w=8", "t2@w=9", "t3@w=7", "t4@w=9"}
		if head > 0 {
			entries = append(entries, "d1@w=1")
		}
		d, err := cx.DefaultPrivacy().PlanWaves(survey.Survey{ID: "s"}, h, counts(t, entries...), waves, nil)
		require.NoError(t, err)
		return hiddenSet(d)
	}
	without, with := plan(0), plan(1)
	assert.NotEmpty(t, with, "the head's answer alone is protected")
	assert.Equal(t, with, without, "the pattern tells whether the head answered")
}

// Two small teams (2 and 3 invited, all of whom answered) make up a unit
// of exactly the minimum, its siblings shown: the unit hidden as at least
// the minimum, with its invited count of 5, told that everyone invited in
// both teams answered, and no suppression could prevent it. The plan
// withholds those invited counts (and the organization's, from which they
// would follow), and nothing is exposed; the outputs show none of them.
func TestPlanWithholdsInvitedCountsThatPinAGroup(t *testing.T) {
	ctx := t.Context()
	opens := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	p, err := cx.New(memstore.New(), &cx.Options{Now: func() time.Time { return opens.AddDate(0, 2, 0) }})
	require.NoError(t, err)
	require.NoError(t, p.DefineUnits(ctx, cx.Unit{ID: "org", Name: "Org"}, cx.Unit{ID: "u", Parent: "org", Name: "U"},
		cx.Unit{ID: "v", Parent: "org", Name: "V"}, cx.Unit{ID: "w", Parent: "org", Name: "W"},
		cx.Unit{ID: "a", Parent: "u", Name: "A"}, cx.Unit{ID: "b", Parent: "u", Name: "B"}))
	s := survey.Survey{ID: "s", Name: "S", Audience: survey.Employee, Version: 1,
		Items: []survey.Item{{ID: "q", Text: "Q", Scale: survey.Likert5, Construct: "customer_focus", Kind: survey.Behavior, Version: 1}}}
	require.NoError(t, p.DefineSurvey(ctx, s))
	invited := map[string]int{"a": 2, "b": 3, "v": 12, "w": 11}
	require.NoError(t, p.OpenWave(ctx, survey.Wave{ID: "w1", Survey: s.ID, Opens: opens, Closes: opens.AddDate(0, 0, 14), Invited: invited}))
	var rs []survey.Response
	for _, u := range []struct {
		id string
		n  int
	}{{"a", 2}, {"b", 3}, {"v", 10}, {"w", 9}} {
		for k := range u.n {
			rs = append(rs, survey.Response{ID: cxgen.IDOf(len(rs) + 1), Survey: s.ID, Wave: "w1", Unit: u.id,
				Submitted: opens.Add(time.Duration(len(rs)+1) * time.Minute), Answers: map[string]int{"q": 1 + (k+len(u.id))%5}})
		}
	}
	_, err = p.RecordResponses(ctx, rs)
	require.NoError(t, err)
	d, err := p.Disclosure(ctx, s.ID)
	require.NoError(t, err)
	assert.Empty(t, d.Exposed())
	for u, want := range map[string]bool{"org": true, "u": true, "a": true, "b": true, "v": false, "w": false} {
		assert.Equal(t, want, d.InvitedHidden(u, "w1"), "invited count of %s withheld", u)
	}
	for _, u := range []string{"a", "b"} {
		_, hidden := d.Hidden(u, "w1")
		assert.True(t, hidden, u)
	}
	pr, err := p.PulseReport(ctx, s.ID, nil, cx.PulseOptions{})
	require.NoError(t, err)
	for _, row := range pr.Rows {
		if d.InvitedHidden(row.Unit, row.Wave) {
			assert.Zero(t, row.Invited, "the pulse report shows the invited count of %s", row.Unit)
		} else {
			assert.Equal(t, int64(invited[row.Unit]), row.Invited, row.Unit)
		}
	}
	sc, err := p.Scorecard(ctx, s.ID, cx.ScorecardOptions{Wave: "w1"})
	require.NoError(t, err)
	for _, u := range sc.Units {
		switch u.Unit {
		case "org":
			assert.False(t, u.Suppressed)
			assert.Nil(t, u.ResponseRate, "the organization's response rate gives its invited count")
		case "v", "w":
			assert.NotNil(t, u.ResponseRate, u.Unit)
		}
	}
}
