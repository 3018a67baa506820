package cx_test

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/leanovate/gopter/prop"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
	"github.com/cxculture/cxculture/survey"
)

func segmentSurvey() survey.Survey {
	s := rewordSurvey()
	s.Segments = []survey.Segment{
		{Key: "tenure", Name: "Tenure", Values: []string{"0-2y", "2-5y", "5y+"}},
		{Key: "site"},
	}
	return s
}

var segWave = survey.Wave{ID: "w1", Survey: "pulse", Name: "January", Opens: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), Closes: time.Date(2026, 1, 19, 0, 0, 0, 0, time.UTC)}

// segmentProgram records, per unit, people by tenure: count and how many
// of them answered favorably.
func segmentProgram(t *testing.T, people map[string]map[string][2]int) *cx.Program {
	t.Helper()
	ctx := t.Context()
	p, _ := newProgram(t)
	require.NoError(t, p.DefineUnits(ctx, cx.Unit{ID: "org", Name: "Agency"}, cx.Unit{ID: "east", Parent: "org", Name: "East"},
		cx.Unit{ID: "west", Parent: "org", Name: "West"}))
	require.NoError(t, p.DefineSurvey(ctx, segmentSurvey()))
	require.NoError(t, p.OpenWave(ctx, segWave))
	var rs []survey.Response
	for unit, byTenure := range people {
		for tenure, c := range byTenure {
			for i := range c[0] {
				a := map[string]int{"cf_belief": 2, "cf_practice": 2}
				if i < c[1] {
					a["cf_belief"], a["cf_practice"] = 4, 5
				}
				segs := map[string]string{"tenure": tenure, "site": []string{"hq", "remote"}[i%2]}
				rs = append(rs, survey.Response{ID: uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "%s-%s-%d", unit, tenure, i)), Survey: "pulse",
					Wave: "w1", Unit: unit, Submitted: segWave.Opens.Add(time.Hour), Answers: a, Segments: segs})
			}
		}
	}
	_, err := p.RecordResponses(ctx, rs)
	require.NoError(t, err)
	return p
}

func TestSegmentCut(t *testing.T) {
	ctx := t.Context()
	people := map[string]map[string][2]int{
		"east": {"0-2y": {20, 10}, "2-5y": {16, 4}, "5y+": {12, 6}},
		"west": {"0-2y": {22, 11}, "2-5y": {18, 9}, "5y+": {3, 3}},
	}
	p := segmentProgram(t, people)
	cut, err := p.SegmentCut(ctx, "pulse", cx.SegmentOptions{Wave: "w1", Key: "tenure"})
	require.NoError(t, err)
	assert.Equal(t, []string{"0-2y", "2-5y", "5y+"}, cut.Values, "the declared values, in their order")
	assert.Equal(t, "Tenure", cut.Name)
	for _, v := range []string{"0-2y", "2-5y", "5y+"} {
		row, ok := cut.Row("org", v)
		require.True(t, ok)
		require.False(t, row.Suppressed, "%s: %s", v, row.Reason)
		e, w := people["east"][v], people["west"][v]
		assert.Equal(t, int64(e[0]+w[0]), row.Respondents, v)
		fav := row.Behaviors[0].Favorable
		assert.Equal(t, int64(2*(e[1]+w[1])), fav.Successes, "%s: both items of customer focus of the favorable people", v)
		assert.Equal(t, int64(2*(e[0]+w[0])), fav.N, v)
	}

	grid, err := p.SegmentCut(ctx, "pulse", cx.SegmentOptions{Wave: "w1", Key: "tenure", AllUnits: true})
	require.NoError(t, err)
	require.Len(t, grid.Rows, 9)
	small, _ := grid.Row("west", "5y+")
	assert.True(t, small.Suppressed, "3 people are below the minimum")
	assert.Zero(t, small.Respondents)
	assert.Empty(t, small.Behaviors)
	// West's 5y+ cannot be worked out from West and its other values:
	// another of West's values is hidden too.
	var hidden []string
	for _, v := range grid.Values {
		if r, _ := grid.Row("west", v); r.Suppressed {
			hidden = append(hidden, v)
		}
	}
	assert.GreaterOrEqual(t, len(hidden), 2, "complementary suppression within West: %v", hidden)
	var sumHidden int
	for _, v := range hidden {
		sumHidden += people["west"][v][0]
	}
	assert.GreaterOrEqual(t, sumHidden, 5, "what subtraction leaves is at least the minimum")

	_, err = p.SegmentCut(ctx, "pulse", cx.SegmentOptions{Wave: "w1", Key: "role"})
	assert.Empty(t, wantProblem(err, "key", "not declared"))
}

func TestSegmentsDeclared(t *testing.T) {
	ctx := t.Context()
	p := segmentProgram(t, map[string]map[string][2]int{"east": {"0-2y": {6, 3}}})
	bad := survey.Response{ID: cxgen.IDOf(900), Survey: "pulse", Wave: "w1", Unit: "east", Submitted: segWave.Opens.Add(time.Hour),
		Answers: map[string]int{"cf_belief": 3}, Segments: map[string]string{"tenure": "ten years", "role": "agent"}}
	_, err := p.RecordResponses(ctx, []survey.Response{bad})
	f := fmt.Sprintf("responses[0 %s].segments.", bad.ID)
	assert.Empty(t, wantProblem(err, f+"role", "not declared"))
	assert.Empty(t, wantProblem(err, f+"tenure", "not one of the values"))

	csv := "unit_id,wave,submitted_at,cf_belief,tenure,site\neast,w1,2026-01-05T10:00:00Z,4,2-5y,hq\n"
	r, err := survey.NewCSVReader(strings.NewReader(csv), segmentSurvey(), nil)
	require.NoError(t, err)
	resp, err := r.Read()
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"tenure": "2-5y", "site": "hq"}, resp.Segments, "declared segments are read from the columns named by their keys")
}

// TestSegmentTalliesMatch: the segment tallies the store computes equal
// those counted from the listed responses.
func TestSegmentTalliesMatch(t *testing.T) {
	ctx := t.Context()
	p := segmentProgram(t, map[string]map[string][2]int{"east": {"0-2y": {7, 3}, "5y+": {4, 1}}, "west": {"2-5y": {9, 2}}})
	want := cx.NewSegmentTallies("pulse", []string{"tenure", "site"})
	rs, err := p.Store().ListResponses(ctx, survey.ResponseFilter{Survey: "pulse"})
	require.NoError(t, err)
	for _, r := range rs {
		want.AddResponse(r)
	}
	got, err := cx.TallySegments(ctx, p.Store(), cx.SegmentFilter{Survey: "pulse", Keys: []string{"site", "tenure"}})
	require.NoError(t, err)
	assert.True(t, want.Equal(got), "want %v\ngot  %v", want, got)
	assert.Equal(t, int64(4), got.Count("east", "w1", "tenure", "5y+"))
}

// TestSegmentCutNeverShowsSmallGroups states, on random data, that a
// segment cut shows no group below the minimum, directly or by
// subtraction: every shown cell has at least the minimum of respondents;
// and for each shown unit, the respondents of its hidden values (with
// those without a value), which subtraction from the unit gives, are none
// or at least the minimum.
func TestSegmentCutNeverShowsSmallGroups(t *testing.T) {
	// Each run plans the program twice (the cut, the scorecard); 10 runs
	// take a few seconds under -race (CXCULTURE_TEST_SCALE for more).
	props := cxgen.NewProperties(t, 10)
	props.Property("a segment cut never shows a group below the minimum, directly or by subtraction", prop.ForAll(func(seed int64) string {
		ctx := t.Context()
		r := rand.New(rand.NewSource(seed))
		p, _, err := makeProgram()
		if err != nil {
			return err.Error()
		}
		units := []cx.Unit{{ID: "org", Name: "Org"}}
		for i := range 2 + r.Intn(4) {
			units = append(units, cx.Unit{ID: fmt.Sprintf("t%d", i), Parent: "org", Name: fmt.Sprintf("Team %d", i)})
		}
		if err := p.DefineUnits(ctx, units...); err != nil {
			return err.Error()
		}
		if err := p.DefineSurvey(ctx, segmentSurvey()); err != nil {
			return err.Error()
		}
		if err := p.OpenWave(ctx, segWave); err != nil {
			return err.Error()
		}
		var rs []survey.Response
		count := map[[2]string]int{}
		tenures := []string{"0-2y", "2-5y", "5y+", ""}
		for i := range 20 + r.Intn(50) {
			u := units[1+r.Intn(len(units)-1)].ID
			ten := tenures[r.Intn(len(tenures))]
			segs := map[string]string{"site": []string{"hq", "remote"}[r.Intn(2)]}
			if ten != "" {
				segs["tenure"] = ten
			}
			count[[2]string{u, ten}]++
			count[[2]string{"org", ten}]++
			rs = append(rs, survey.Response{ID: cxgen.IDOf(i + 1), Survey: "pulse", Wave: "w1", Unit: u, Submitted: segWave.Opens,
				Answers: map[string]int{"cf_belief": 1 + r.Intn(5), "cf_practice": 1 + r.Intn(5)}, Segments: segs})
		}
		if _, err := p.RecordResponses(ctx, rs); err != nil {
			return err.Error()
		}
		cut, err := p.SegmentCut(ctx, "pulse", cx.SegmentOptions{Wave: "w1", Key: "tenure", AllUnits: true})
		if err != nil {
			return err.Error()
		}
		sc, err := p.Scorecard(ctx, "pulse", cx.ScorecardOptions{Wave: "w1"})
		if err != nil {
			return err.Error()
		}
		min := cut.Privacy.MinScores
		for _, u := range units {
			us, _ := sc.Unit(u.ID)
			rest := count[[2]string{u.ID, ""}]
			for _, v := range cut.Values {
				row, _ := cut.Row(u.ID, v)
				n := count[[2]string{u.ID, v}]
				if !row.Suppressed {
					if n < min || row.Respondents != int64(n) {
						return fmt.Sprintf("%s/%s shows %d respondents (has %d, minimum %d)", u.ID, v, row.Respondents, n, min)
					}
					continue
				}
				rest += n
			}
			if !us.Suppressed && rest > 0 && rest < min {
				return fmt.Sprintf("%s is shown with %d respondents; subtracting its shown values leaves %d, below %d", u.ID, us.Respondents, rest, min)
			}
		}
		return ""
	}, cxgen.From(func(r *rand.Rand) int64 { return r.Int63() })))
	props.Run()
}
