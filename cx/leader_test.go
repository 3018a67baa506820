package cx_test

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/memstore"
	cxorg "github.com/cxculture/cxculture/cx/org"
	"github.com/cxculture/cxculture/survey"
)

func leaderProgram(t *testing.T) *cx.Program {
	t.Helper()
	ctx := t.Context()
	pz, err := cx.NewPseudonymizer([]byte("a key of at least thirty-two bytes, for tests"))
	require.NoError(t, err)
	p, err := cx.New(memstore.New(), &cx.Options{Now: func() time.Time { return now }, Pseudonymizer: pz})
	require.NoError(t, err)
	require.NoError(t, p.DefineUnits(ctx, cx.Unit{ID: "org", Name: "Agency", Leaders: []string{"chief@agency.gov"}},
		cx.Unit{ID: "sales", Parent: "org", Name: "Sales", Leaders: []string{"ana@agency.gov"}},
		cx.Unit{ID: "north", Parent: "sales", Name: "North"}, cx.Unit{ID: "south", Parent: "sales", Name: "South"},
		cx.Unit{ID: "ops", Parent: "org", Name: "Operations"}, cx.Unit{ID: "west", Parent: "ops", Name: "West"}))
	require.NoError(t, p.DefineSurvey(ctx, rewordSurvey()))
	require.NoError(t, p.OpenWave(ctx, segWave))
	var rs []survey.Response
	for unit, c := range map[string][2]int{"north": {20, 15}, "south": {18, 6}, "west": {25, 10}} {
		for i := range c[0] {
			a := map[string]int{"cf_belief": 2, "cf_practice": 1}
			if i < c[1] {
				a["cf_belief"], a["cf_practice"] = 4, 5
			}
			rs = append(rs, survey.Response{ID: uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "leader-%s-%d", unit, i)), Survey: "pulse", Wave: "w1",
				Unit: unit, Submitted: segWave.Opens.Add(time.Hour), Answers: a})
		}
	}
	_, err = p.RecordResponses(ctx, rs)
	require.NoError(t, err)
	return p
}

func TestLeaderView(t *testing.T) {
	ctx := t.Context()
	p := leaderProgram(t)
	h, err := p.Hierarchy(ctx)
	require.NoError(t, err)
	sales, _ := h.Unit("sales")
	require.Len(t, sales.Leaders, 1)
	assert.True(t, cx.IsPseudonym(sales.Leaders[0]), "leaders are kept as pseudonyms, never identities")
	assert.Equal(t, p.Pseudonym("ana@agency.gov"), sales.Leaders[0])

	v, err := p.LeaderView(ctx, "pulse", "ana@agency.gov", cx.ScorecardOptions{Wave: "w1"})
	require.NoError(t, err)
	assert.Equal(t, []string{"sales"}, v.Units)
	var ids []string
	for _, u := range v.Scorecard.Units {
		ids = append(ids, u.Unit)
	}
	assert.Equal(t, []string{"sales", "north", "south"}, ids, "the leader's subtree, parents first")
	require.Len(t, v.Gaps, 3)
	north := v.Gaps[1][0]
	require.Equal(t, "north", north.Unit)
	require.NotNil(t, north.Parent)
	require.NotNil(t, north.Org)
	// North 30 of 40 favorable answers, South 12 of 36, West 20 of 50.
	assert.Equal(t, "sales", north.Parent.Unit)
	assert.InDelta(t, 30.0/40-42.0/76, north.Parent.Diff, 1e-12)
	se := 36.0 / 76 * math.Sqrt(0.75*0.25/40+(12.0/36)*(24.0/36)/36)
	assert.InDelta(t, se, north.Parent.SE, 1e-12)
	assert.InDelta(t, north.Parent.Diff-1.959963984540054*se, north.Parent.Interval.Lower, 1e-9)
	// R: prop.test(x = c(30, 12), n = c(40, 36), correct = FALSE)$p.value
	assert.InDelta(t, 0.00026465381874271794, north.Parent.P, 1e-12)
	assert.Equal(t, "org", north.Org.Unit)
	assert.InDelta(t, 30.0/40-62.0/126, north.Org.Diff, 1e-12)
	// R: prop.test(x = c(30, 32), n = c(40, 86), correct = FALSE)$p.value
	assert.InDelta(t, 7.8250805015622987e-05, north.Org.P, 1e-12)
	top := v.Gaps[0][0]
	assert.Equal(t, "org", top.Parent.Unit, "the top unit's parent is the organization")

	chief, err := p.LeaderView(ctx, "pulse", "chief@agency.gov", cx.ScorecardOptions{Wave: "w1"})
	require.NoError(t, err)
	assert.Len(t, chief.Scorecard.Units, 6)
	assert.Nil(t, chief.Gaps[0][0].Parent, "the organization has no parent")
	assert.Nil(t, chief.Gaps[0][0].Org)

	_, err = p.LeaderView(ctx, "pulse", "nobody@agency.gov", cx.ScorecardOptions{Wave: "w1"})
	assert.ErrorIs(t, err, cx.ErrNotFound)

	// Leaders change with the org: from April, Ana leads Operations.
	require.NoError(t, p.ChangeOrg(ctx, cx.OrgChange{Kind: cxorg.Lead, Effective: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC),
		Unit: cx.Unit{ID: "ops", Leaders: []string{"ana@agency.gov"}}}))
	v, err = p.LeaderView(ctx, "pulse", "ana@agency.gov", cx.ScorecardOptions{Wave: "w1"})
	require.NoError(t, err)
	assert.Equal(t, []string{"sales"}, v.Units, "a view is of the org when the wave opened")
}

// TestLeaderGapWithoutRest: West is the only unit of Operations and
// holds all its answers, so West has no gap to Operations (there is no
// rest of Operations to compare it with), where a gap of +0 points with
// an interval of +0 to +0 used to be shown; its gap to the organization
// stands: West 20 of 50 favorable answers, the rest of the organization
// (North and South) 42 of 76.
func TestLeaderGapWithoutRest(t *testing.T) {
	ctx := t.Context()
	p := leaderProgram(t)
	v, err := p.LeaderView(ctx, "pulse", "chief@agency.gov", cx.ScorecardOptions{Wave: "w1"})
	require.NoError(t, err)
	var checked int
	for i, u := range v.Scorecard.Units {
		for _, g := range v.Gaps[i] {
			switch u.Unit {
			case "west":
				checked++
				assert.Nil(t, g.Parent, "no rest of Operations to compare West with")
				assert.Equal(t, "every answer in Operations comes from West: there is no rest of Operations to compare West with", g.Reason)
				require.NotNil(t, g.Org)
				assert.InDelta(t, 20.0/50-62.0/126, g.Org.Diff, 1e-12)
				// R: prop.test(x = c(20, 42), n = c(50, 76), correct = FALSE)$p.value
				assert.InDelta(t, 0.093616062704889327, g.Org.P, 1e-12)
			case "north", "ops":
				checked++
				assert.NotNil(t, g.Parent, u.Unit)
				assert.Empty(t, g.Reason, u.Unit)
			}
		}
	}
	assert.Equal(t, 3*len(v.Scorecard.Behaviors), checked)
}

// TestLeaderViewPrivacy: a hidden unit shows no gap, and its parent's
// gap is computed only from shown figures.
func TestLeaderViewPrivacy(t *testing.T) {
	ctx := t.Context()
	p := leaderProgram(t)
	_, err := p.RecordResponses(ctx, []survey.Response{{ID: uuid.NewSHA1(uuid.NameSpaceOID, []byte("ops-1")), Survey: "pulse", Wave: "w1", Unit: "ops",
		Submitted: segWave.Opens.Add(time.Hour), Answers: map[string]int{"cf_belief": 5}}})
	require.NoError(t, err)
	v, err := p.LeaderView(ctx, "pulse", "chief@agency.gov", cx.ScorecardOptions{Wave: "w1", MinGroup: 21, UnitMinimumOnly: true})
	require.NoError(t, err)
	for i, u := range v.Scorecard.Units {
		for _, g := range v.Gaps[i] {
			if u.Suppressed {
				assert.Nil(t, g.Parent, u.Unit)
				assert.Nil(t, g.Org, u.Unit)
			}
		}
	}
	south := v.Gaps[5]
	require.Equal(t, "south", south[0].Unit)
	assert.Nil(t, south[0].Parent)
	assert.Equal(t, "the unit's figure is not shown", south[0].Reason)
}
