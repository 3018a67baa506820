package cx_test

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/metrics"
	"github.com/cxculture/cxculture/survey"
)

// scProgramWith is scProgram with program options.
func scProgramWith(t *testing.T, opts *cx.Options) *cx.Program {
	t.Helper()
	ctx := t.Context()
	opts.Now = func() time.Time { return scOpens["w2"].Add(60 * 24 * time.Hour) }
	p, err := cx.New(memstore.New(), opts)
	require.NoError(t, err)
	require.NoError(t, p.DefineUnits(ctx, scUnits...))
	require.NoError(t, p.DefineSurvey(ctx, scSurvey()))
	require.NoError(t, p.OpenWave(ctx, survey.Wave{ID: "w1", Survey: "pulse", Opens: scOpens["w1"], Closes: scOpens["w1"].Add(14 * 24 * time.Hour)}))
	require.NoError(t, p.OpenWave(ctx, survey.Wave{ID: "w2", Survey: "pulse", Opens: scOpens["w2"], Closes: scOpens["w2"].Add(14 * 24 * time.Hour),
		Invited: map[string]int{"team_a": 12, "team_b": 4, "team_c": 10}}))
	_, err = p.RecordResponses(ctx, scResponses(t))
	require.NoError(t, err)
	return p
}

// org builds a hierarchy from "child<parent" pairs under the root "org".
func org(t *testing.T, pairs ...string) *cx.Hierarchy {
	t.Helper()
	units := []cx.Unit{{ID: "org", Name: "org"}}
	for _, p := range pairs {
		c, parent, _ := strings.Cut(p, "<")
		units = append(units, cx.Unit{ID: c, Parent: parent, Name: c})
	}
	h, err := cx.NewHierarchy(units)
	require.NoError(t, err)
	return h
}

// counts builds tallies from "unit@wave=n" entries.
func counts(t *testing.T, entries ...string) *cx.Tallies {
	t.Helper()
	tl := cx.NewTallies("s")
	for _, e := range entries {
		g, n, _ := strings.Cut(e, "=")
		u, w, _ := strings.Cut(g, "@")
		v, err := strconv.Atoi(n)
		require.NoError(t, err)
		tl.Respondents[cx.Group{Unit: u, Wave: w}] += int64(v)
	}
	return tl
}

func hiddenSet(d *cx.Disclosure) map[string]string {
	out := map[string]string{}
	for _, c := range d.HiddenCells() {
		out[c.Cell.String()] = detail(c.Reason)
	}
	return out
}

// detail writes a reason with the cell, segment or wave it names (Other),
// which Reason.String leaves out of what leaders read: the tests check
// which group a cell protects.
func detail(r cx.Reason) string {
	switch r.Kind {
	case cx.Complementary:
		return fmt.Sprintf("hidden so that %s cannot be worked out by subtraction", r.Other)
	case cx.OverlappingSegment:
		return fmt.Sprintf("differs by fewer than %d respondents from segment %s", r.Min, r.Other)
	case cx.WaveDifference:
		return fmt.Sprintf("fewer than %d respondents joined or left since wave %s", r.Min, r.Other)
	}
	return r.String()
}

func TestPrivacyDefaultsAndValidate(t *testing.T) {
	d := cx.DefaultPrivacy()
	assert.Equal(t, cx.Privacy{MinScores: 5, MinComments: 10}, d)
	assert.Equal(t, d, cx.Privacy{}.WithDefaults())
	assert.NoError(t, cx.Privacy{}.Validate())
	assert.NoError(t, cx.Privacy{MinScores: 3}.Validate(), "the field's floor")
	assert.Equal(t, 10, cx.Privacy{MinScores: 3}.WithDefaults().MinComments)
	assert.Equal(t, 12, cx.Privacy{MinScores: 12}.WithDefaults().MinComments, "comments never below scores")

	for _, tc := range []struct {
		p     cx.Privacy
		field string
		msg   string
	}{
		{cx.Privacy{MinScores: 2}, "privacy.min_scores", "at least 3, got 2"},
		{cx.Privacy{MinScores: -5}, "privacy.min_scores", "at least 3, got -5"},
		{cx.Privacy{MinScores: 8, MinComments: 6}, "privacy.min_comments", "at least min_scores (8), got 6"},
	} {
		err := tc.p.Validate()
		require.ErrorIs(t, err, cx.ErrInvalid, "%+v", tc.p)
		var ve *cx.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, tc.field, ve.Problems[0].Field)
		assert.Contains(t, ve.Problems[0].Message, tc.msg)
	}
	err := cx.Privacy{MinScores: 1, MinComments: -1}.Validate()
	var ve *cx.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Len(t, ve.Problems, 2, "every problem is listed")
}

func TestPlanBelowMinimum(t *testing.T) {
	h := org(t, "a<org", "b<org", "c<org")
	d, err := cx.DefaultPrivacy().Plan(h, counts(t, "a@w=12", "b@w=9", "c@w=0"), []string{"w"}, nil)
	require.NoError(t, err)
	r, hidden := d.Hidden("c", "w")
	assert.True(t, hidden, "a unit nobody answered in has no figures")
	assert.Equal(t, cx.BelowMinimum, r.Kind)
	assert.Equal(t, "fewer than 5 respondents", r.String())
	_, hidden = d.Hidden("b", "w")
	assert.False(t, hidden)
	assert.Empty(t, d.HiddenCells(), "empty cells are not listed")
	assert.Zero(t, d.BeyondMinimum())

	// When people were invited in c, its emptiness would tell that none of
	// them answered: an empty unit then reads and is protected like a
	// small one, and b (the fewer invited, a count every reader knows) is
	// hidden with it. With nobody invited, its emptiness is no one's.
	s := survey.Survey{ID: "pulse"}
	for invited, want := range map[int]map[string]string{
		3: {"b@w": "hidden so that c@w cannot be worked out by subtraction"},
		0: {},
	} {
		waves := []survey.Wave{{ID: "w", Survey: "pulse", Invited: map[string]int{"a": 15, "b": 10, "c": invited}}}
		d, err = cx.DefaultPrivacy().PlanWaves(s, h, counts(t, "a@w=12", "b@w=9", "c@w=0"), waves, nil)
		require.NoError(t, err)
		assert.Equal(t, want, hiddenSet(d), "%d invited in c", invited)
		_, hidden = d.Hidden("c", "w")
		assert.True(t, hidden)
	}
}

func TestPlanComplementary(t *testing.T) {
	t.Run("the worked example of the field: teams of 23, 10, 7, 5 and 1", func(t *testing.T) {
		// The field hides the team of 5; but a reader who knows it has at
		// least 5 (its reason) and the small team at least 1 (it is not
		// reported empty) would then know 5 + 1 = 6 exactly. The plan
		// never chooses by the size of the cell it hides: it takes the
		// first by name, whose reason leaves the small team 1 to 4.
		h := org(t, "t1<org", "t2<org", "t3<org", "t4<org", "t5<org")
		d, err := cx.DefaultPrivacy().Plan(h, counts(t, "t1@w=23", "t2@w=10", "t3@w=7", "t4@w=5", "t5@w=1"), []string{"w"}, nil)
		require.NoError(t, err)
		assert.Equal(t, map[string]string{
			"t5@w": "fewer than 5 respondents",
			"t1@w": "hidden so that t5@w cannot be worked out by subtraction",
		}, hiddenSet(d))
		assert.Equal(t, 1, d.BeyondMinimum())
		r, _ := d.Hidden("t1", "w")
		assert.Equal(t, cx.Reason{Kind: cx.Complementary, Min: 5, Other: "t5@w"}, r)
	})
	t.Run("the first sibling by name is hidden, whatever its size", func(t *testing.T) {
		h := org(t, "x<org", "b<org", "a<org", "s<org")
		d, err := cx.DefaultPrivacy().Plan(h, counts(t, "x@w=9", "b@w=6", "a@w=6", "s@w=2"), []string{"w"}, nil)
		require.NoError(t, err)
		assert.Equal(t, map[string]string{"s@w": "fewer than 5 respondents", "a@w": "hidden so that s@w cannot be worked out by subtraction"}, hiddenSet(d))
	})
	t.Run("two small siblings whose sum is still small need a third", func(t *testing.T) {
		h := org(t, "a<org", "b<org", "c<org", "d<org")
		d, err := cx.DefaultPrivacy().Plan(h, counts(t, "a@w=1", "b@w=2", "c@w=8", "d@w=30"), []string{"w"}, nil)
		require.NoError(t, err)
		assert.Contains(t, hiddenSet(d), "c@w")
		assert.NotContains(t, hiddenSet(d), "d@w")
	})
	t.Run("a division of one small team and no other is hidden with it", func(t *testing.T) {
		h := org(t, "div<org", "team<div", "other<org", "big<org")
		d, err := cx.DefaultPrivacy().Plan(h, counts(t, "team@w=3", "other@w=12", "big@w=40"), []string{"w"}, nil)
		require.NoError(t, err)
		got := hiddenSet(d)
		assert.Equal(t, "fewer than 5 respondents", got["team@w"])
		assert.Equal(t, "fewer than 5 respondents", got["div@w"], "the division is the team")
		assert.Equal(t, "hidden so that div@w cannot be worked out by subtraction", got["big@w"], "the first sibling by name")
		assert.NotContains(t, got, "other@w")
	})
	t.Run("the direct respondents of a division are a group too", func(t *testing.T) {
		h := org(t, "div<org", "t1<div", "t2<div", "x<org")
		// div has 2 people of its own besides its teams of 10 and 12.
		d, err := cx.DefaultPrivacy().Plan(h, counts(t, "div@w=2", "t1@w=10", "t2@w=12", "x@w=50"), []string{"w"}, nil)
		require.NoError(t, err)
		r, hidden := d.Hidden("t1", "w")
		assert.True(t, hidden)
		assert.Equal(t, "hidden so that the direct respondents of div@w cannot be worked out by subtraction", detail(r))
		assert.Equal(t, "hidden so that a smaller group cannot be worked out from the figures shown", r.String(), "leaders read no cell's name")
	})
	t.Run("with ThresholdOnly, the sibling stays and the hidden team is parent minus siblings", func(t *testing.T) {
		h := org(t, "t1<org", "t2<org", "t3<org")
		tl := counts(t, "t1@w=20", "t2@w=9", "t3@w=2")
		d, err := cx.Privacy{ThresholdOnly: true}.Plan(h, tl, []string{"w"}, nil)
		require.NoError(t, err)
		assert.Equal(t, map[string]string{"t3@w": "fewer than 5 respondents"}, hiddenSet(d))
		// The subtraction a reader can do:
		assert.Equal(t, int64(2), int64(31-20-9))
	})
}

func TestPlanOverlappingSegment(t *testing.T) {
	h := org(t, "t<org")
	tl := counts(t, "t@w=30")
	segs := cx.NewSegments()
	// 12 new joiners, 10 of them remote; 8 long-tenured, 2 of them remote.
	for i := range 30 {
		attrs := map[string]string{}
		switch {
		case i < 10:
			attrs["tenure"], attrs["site"] = "new", "remote"
		case i < 12:
			attrs["tenure"], attrs["site"] = "new", "office"
		case i < 14:
			attrs["tenure"], attrs["site"] = "long", "remote"
		case i < 20:
			attrs["tenure"], attrs["site"] = "long", "office"
		default:
			attrs["site"] = "office"
		}
		segs.Add("t", "w", attrs)
	}
	assert.Equal(t, int64(12), segs.Respondents("t", "w", "tenure", "new"))
	d, err := cx.DefaultPrivacy().Plan(h, tl, []string{"w"}, segs)
	require.NoError(t, err)
	// tenure=new (12) and site=remote (12) share 10: they differ by 4
	// people, fewer than 5; the smaller by name hides.
	r, hidden := d.SegmentHidden("t", "w", "site", "remote")
	require.True(t, hidden)
	assert.Equal(t, cx.Reason{Kind: cx.OverlappingSegment, Min: 5, Other: "tenure=new"}, r)
	assert.Equal(t, "differs by fewer than 5 respondents from another segment shown", r.String())
	// No shown segment is then below the minimum or a small difference.
	for _, c := range []struct{ k, v string }{{"tenure", "new"}, {"tenure", "long"}, {"site", "office"}, {"site", "remote"}} {
		if _, h := d.SegmentHidden("t", "w", c.k, c.v); !h {
			assert.GreaterOrEqual(t, segs.Respondents("t", "w", c.k, c.v), int64(5), c)
		}
	}
	_, hidden = d.SegmentHidden("t", "w", "tenure", "unknown")
	assert.True(t, hidden, "a segment the plan never saw is hidden")
}

func TestPlanSegmentErrors(t *testing.T) {
	h := org(t, "t<org")
	segs := cx.NewSegments()
	for range 6 {
		segs.Add("t", "w", map[string]string{"site": "remote"})
	}
	_, err := cx.DefaultPrivacy().Plan(h, counts(t, "t@w=5"), []string{"w"}, segs)
	require.ErrorIs(t, err, cx.ErrInvalid)
	assert.Contains(t, err.Error(), "6 respondents in segments of site but 5 respondents in the tallies")

	bad := cx.NewSegments()
	bad.Add("ghost", "w", map[string]string{"site": "remote"})
	_, err = cx.DefaultPrivacy().Plan(h, counts(t, "t@w=5"), []string{"w"}, bad)
	require.ErrorIs(t, err, cx.ErrNotFound)
	assert.Contains(t, err.Error(), `"ghost"`)
}

func TestPlanWaveDifference(t *testing.T) {
	h := org(t, "small<org", "big<org", "mid<org", "x<org")
	tl := counts(t,
		"small@w1=8", "small@w2=6", "small@w3=6",
		"big@w1=30", "big@w2=28", "big@w3=29",
		"mid@w1=9", "mid@w2=15", "mid@w3=15",
		"x@w1=40", "x@w2=40", "x@w3=40")
	d, err := cx.Privacy{WaveDifference: true}.Plan(h, tl, []string{"w1", "w2", "w3"}, nil)
	require.NoError(t, err)
	r, hidden := d.Hidden("small", "w2")
	require.True(t, hidden, "two people left a unit of 8: its change is theirs")
	assert.Equal(t, cx.Reason{Kind: cx.WaveDifference, Min: 5, Other: "w1"}, r)
	assert.Equal(t, "fewer than 5 respondents joined or left since the last survey it was shown in", r.String())
	_, hidden = d.Hidden("small", "w3")
	assert.True(t, hidden, "w3 is compared with w1, the last wave shown: still 2 fewer")
	r, _ = d.Hidden("big", "w2")
	assert.NotEqual(t, cx.WaveDifference, r.Kind, "in a unit of 30, two people weigh little")
	assert.Equal(t, cx.Reason{Kind: cx.Complementary, Min: 5, Other: "small@w2"}, r, "the hidden small unit needs a complementary sibling in its wave: the first by name")
	_, hidden = d.Hidden("mid", "w2")
	assert.False(t, hidden, "six joined: a group of the minimum")

	skip, err := cx.DefaultPrivacy().Plan(h, tl, []string{"w1", "w2", "w3"}, nil)
	require.NoError(t, err)
	assert.Empty(t, skip.HiddenCells())
}
func TestPlanComments(t *testing.T) {
	h := org(t, "a<org", "b<org", "c<org")
	d, err := cx.DefaultPrivacy().Plan(h, counts(t, "a@w=7", "b@w=30", "c@w=40"), []string{"w"}, nil)
	require.NoError(t, err)
	_, hidden := d.Hidden("a", "w")
	assert.False(t, hidden, "7 respondents: scores shown")
	r, hidden := d.CommentsHidden("a", "w")
	assert.True(t, hidden, "7 respondents: comments hidden")
	assert.Equal(t, "fewer than 10 respondents", r.String())
	r, hidden = d.CommentsHidden("b", "w")
	assert.True(t, hidden, "the comments of b would give a's by subtraction")
	assert.Equal(t, cx.Complementary, r.Kind)
	_, hidden = d.CommentsHidden("c", "w")
	assert.False(t, hidden)
	assert.Len(t, d.HiddenComments(), 2)
}

func TestPlanNotPlannedAndErrors(t *testing.T) {
	h := org(t, "a<org")
	d, err := cx.DefaultPrivacy().Plan(h, counts(t, "a@w=7"), []string{"w"}, nil)
	require.NoError(t, err)
	r, hidden := d.Hidden("a", "other")
	assert.True(t, hidden, "an oversight hides")
	assert.Equal(t, cx.NotPlanned, r.Kind)
	r, hidden = d.Hidden("ghost", "w")
	assert.True(t, hidden)
	assert.Equal(t, cx.BelowMinimum, r.Kind)
	assert.True(t, d.HiddenFunc()("ghost", "w"))
	assert.False(t, d.HiddenFunc()("a", "w"))
	assert.Equal(t, []string{"w"}, d.Waves())

	_, err = cx.Privacy{MinScores: 2}.Plan(h, counts(t, "a@w=7"), []string{"w"}, nil)
	assert.ErrorIs(t, err, cx.ErrInvalid)
	_, err = cx.DefaultPrivacy().Plan(h, counts(t, "a@w=7"), []string{"w", "bad wave", "w"}, nil)
	require.ErrorIs(t, err, cx.ErrInvalid)
	assert.Contains(t, err.Error(), `waves[1]: malformed wave "bad wave"`)
	assert.Contains(t, err.Error(), `waves[2]: wave "w" given twice`)
	_, err = cx.DefaultPrivacy().Plan(h, counts(t, "ghost@w=7"), []string{"w"}, nil)
	assert.ErrorIs(t, err, cx.ErrNotFound)
	_, err = cx.DefaultPrivacy().Plan(h, nil, []string{"w"}, nil)
	assert.ErrorIs(t, err, cx.ErrInvalid)
}

func TestPlanIsDeterministic(t *testing.T) {
	h := org(t, "d1<org", "d2<org", "t1<d1", "t2<d1", "t3<d1", "t4<d2", "t5<d2")
	tl := counts(t, "t1@w=3", "t2@w=7", "t3@w=7", "t4@w=2", "t5@w=9", "d2@w=1")
	first, err := cx.DefaultPrivacy().Plan(h, tl, []string{"w"}, nil)
	require.NoError(t, err)
	for range 20 {
		again, err := cx.DefaultPrivacy().Plan(h, tl.Clone(), []string{"w"}, nil)
		require.NoError(t, err)
		assert.Equal(t, first.HiddenCells(), again.HiddenCells())
	}
}

func TestScorecardWithPrivacy(t *testing.T) {
	h, tl := scTallies(t)
	s := scSurvey()
	plain, err := cx.NewScorecard(h, s, tl, cx.ScorecardOptions{Wave: "w2", Baseline: "w1"})
	require.NoError(t, err)
	assert.Nil(t, plain.Privacy)
	pr := cx.DefaultPrivacy()
	sc, err := cx.NewScorecard(h, s, tl, cx.ScorecardOptions{Wave: "w2", Baseline: "w1", Privacy: &pr})
	require.NoError(t, err)
	require.NotNil(t, sc.Privacy)
	assert.Equal(t, 5, sc.MinGroup)

	// Whatever the bare threshold hides stays hidden; what the plan adds
	// carries no figure, in the scorecard, its heatmap or its tests.
	// A scorecard plans its wave and baseline, which need not be
	// consecutive: without the wave-difference rule.
	d, err := pr.Plan(h, tl, []string{"w1", "w2"}, nil)
	require.NoError(t, err)
	hm := sc.Heatmap()
	tests := 0
	for i, u := range sc.Units {
		p, _ := plain.Unit(u.Unit)
		if p.Suppressed {
			assert.True(t, u.Suppressed, u.Unit)
		}
		if !u.Suppressed {
			for _, b := range u.Behaviors {
				if b.Change != nil && !isNaN(b.Change.Adjusted) {
					tests++
				}
			}
			continue
		}
		assert.Zero(t, u.Respondents, u.Unit)
		assert.Nil(t, u.ResponseRate, u.Unit)
		assert.Empty(t, u.Behaviors, u.Unit)
		assert.Nil(t, u.ENPS, u.Unit)
		for _, c := range hm.Cells[i] {
			assert.True(t, c.Suppressed && isNaN(c.Value) && c.N == 0 && c.Reason == u.Reason, u.Unit)
		}
		if r, hidden := d.Hidden(u.Unit, "w2"); hidden {
			assert.Equal(t, r.String(), u.Reason, u.Unit)
		}
	}
	assert.Equal(t, sc.Tests, tests, "the BH family holds only shown units")

	// The same plan passed in gives the same scorecard.
	viaPlan, err := cx.NewScorecard(h, s, tl, cx.ScorecardOptions{Wave: "w2", Baseline: "w1", Disclosure: d})
	require.NoError(t, err)
	for i := range sc.Units {
		assert.Equal(t, sc.Units[i].Suppressed, viaPlan.Units[i].Suppressed, sc.Units[i].Unit)
	}
}

func isNaN(f float64) bool { return f != f }

func TestScorecardPrivacyOptionErrors(t *testing.T) {
	h, tl := scTallies(t)
	s := scSurvey()
	pr := cx.DefaultPrivacy()
	_, err := cx.NewScorecard(h, s, tl, cx.ScorecardOptions{Wave: "w2", MinGroup: 4, Privacy: &pr})
	require.ErrorIs(t, err, cx.ErrInvalid)
	assert.Contains(t, err.Error(), "min_group: 4 differs from the privacy rules' minimum 5")
	_, err = cx.NewScorecard(h, s, tl, cx.ScorecardOptions{Wave: "w2", Privacy: &cx.Privacy{MinScores: 2}})
	require.ErrorIs(t, err, cx.ErrInvalid)
	assert.Contains(t, err.Error(), "privacy.min_scores")
	d, err := pr.Plan(h, tl, []string{"w2"}, nil)
	require.NoError(t, err)
	_, err = cx.NewScorecard(h, s, tl, cx.ScorecardOptions{Wave: "w2", Baseline: "w1", Disclosure: d})
	require.ErrorIs(t, err, cx.ErrInvalid)
	assert.Contains(t, err.Error(), `the plan does not cover wave "w1"`)
	// The bare minimum below the floor stays accepted without Privacy.
	_, err = cx.NewScorecard(h, s, tl, cx.ScorecardOptions{Wave: "w2", MinGroup: 2})
	assert.NoError(t, err)
}

func TestProgramScorecardAppliesProgramPrivacy(t *testing.T) {
	ctx := t.Context()
	pr := cx.DefaultPrivacy()
	p := scProgramWith(t, &cx.Options{Privacy: &pr})
	assert.Equal(t, &pr, p.Privacy())
	sc, err := p.Scorecard(ctx, "pulse", cx.ScorecardOptions{Wave: "w2", Baseline: "w1"})
	require.NoError(t, err)
	require.NotNil(t, sc.Privacy)
	// MinGroup equal to the program's minimum keeps the plan; another
	// minimum is refused; the bare threshold is asked for explicitly.
	same, err := p.Scorecard(ctx, "pulse", cx.ScorecardOptions{Wave: "w2", Baseline: "w1", MinGroup: 5})
	require.NoError(t, err)
	require.NotNil(t, same.Privacy, "MinGroup equal to the program's minimum keeps the program's plan")
	assert.Equal(t, pr, *same.Privacy)
	assert.Equal(t, hiddenUnits(sc), hiddenUnits(same))
	_, err = p.Scorecard(ctx, "pulse", cx.ScorecardOptions{Wave: "w2", Baseline: "w1", MinGroup: 6})
	assert.ErrorIs(t, err, cx.ErrInvalid, "a second minimum would make a second plan")
	bare, err := p.Scorecard(ctx, "pulse", cx.ScorecardOptions{Wave: "w2", Baseline: "w1", UnitMinimumOnly: true})
	require.NoError(t, err)
	assert.Nil(t, bare.Privacy, "UnitMinimumOnly asks for the bare threshold")
	assert.Subset(t, hiddenUnits(sc), hiddenUnits(bare))
	_, err = cx.New(memstore.New(), &cx.Options{Privacy: &cx.Privacy{MinScores: 1}})
	assert.ErrorIs(t, err, cx.ErrInvalid)
}

// TestBenchOverSuppression reports how many cells the privacy rules hide
// beyond those below the minimum on the benchmark data. It runs only when
// CXCULTURE_BENCH_DATA names a folder of folders with units.csv, items.csv
// and responses.csv (such as ../bench-data).
func TestBenchOverSuppression(t *testing.T) {
	root := os.Getenv("CXCULTURE_BENCH_DATA")
	if root == "" {
		t.Skip("set CXCULTURE_BENCH_DATA to the benchmark data folder")
	}
	dirs, err := filepath.Glob(filepath.Join(root, "*", "responses.csv"))
	require.NoError(t, err)
	for _, f := range dirs {
		dir := filepath.Dir(f)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			h, s, tl, waves := loadBench(t, dir)
			for _, run := range []struct {
				name string
				pr   cx.Privacy
				plan func(cx.Privacy) (*cx.Disclosure, error)
			}{
				{"Plan", cx.Privacy{}, func(pr cx.Privacy) (*cx.Disclosure, error) { return pr.Plan(h, tl, waves, nil) }},
				{"PlanSurvey", cx.Privacy{}, func(pr cx.Privacy) (*cx.Disclosure, error) { return pr.PlanSurvey(s, h, tl, waves, nil) }},
				{"Plan", cx.Privacy{WaveDifference: true}, func(pr cx.Privacy) (*cx.Disclosure, error) { return pr.Plan(h, tl, waves, nil) }},
			} {
				pr := run.pr
				start := time.Now()
				d, err := run.plan(pr)
				took := time.Since(start)
				require.NoError(t, err)
				cells, primary := 0, 0
				for _, w := range waves {
					for _, u := range h.IDs() {
						n := int64(0)
						for _, x := range append([]string{u}, h.Descendants(u)...) {
							n += tl.Respondents[cx.Group{Unit: x, Wave: w}]
						}
						if n > 0 {
							cells++
						}
						if n > 0 && n < 5 {
							primary++
						}
					}
				}
				by := map[cx.ReasonKind]int{}
				for _, c := range d.HiddenCells() {
					by[c.Reason.Kind]++
				}
				// Figures of shown units: the behaviors and eNPS.
				figures, figBy := 0, map[cx.ReasonKind]int{}
				var keys []string
				for _, b := range []string{"customer_focus", "agility", "empowerment", "innovation", "inclusion"} {
					keys = append(keys, cx.BehaviorMeasure(b))
				}
				keys = append(keys, cx.ENPSMeasure)
				for _, w := range waves {
					for _, u := range h.IDs() {
						if _, hid := d.Hidden(u, w); hid {
							continue
						}
						for _, k := range keys {
							figures++
							if r, hid := d.FigureHidden(cx.CellRef{Unit: u, Wave: w}, k); hid {
								figBy[r.Kind]++
							}
						}
					}
				}
				t.Logf("%s %s wave_rule=%v: %d cells with respondents over %d waves; %d below the minimum; %d hidden beyond it (%.1f%% of the cells): %v; "+
					"figures of shown cells (behaviors, eNPS): %d, hidden %v; %d exposed; planned in %v",
					filepath.Base(dir), run.name, pr.WaveDifference, cells, len(waves), primary, d.BeyondMinimum(),
					100*float64(d.BeyondMinimum())/float64(cells), fmtKinds(by), figures, fmtKinds(figBy), len(d.Exposed()), took.Round(time.Millisecond))
				assert.Equal(t, primary, by[cx.BelowMinimum])
			}
		})
	}
}

func fmtKinds(m map[cx.ReasonKind]int) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s=%d", k, m[k]))
	}
	return strings.Join(parts, " ")
}

func loadBench(t *testing.T, dir string) (*cx.Hierarchy, survey.Survey, *cx.Tallies, []string) {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "units.csv"))
	require.NoError(t, err)
	units, err := cx.ReadUnitsCSV(f)
	f.Close()
	require.NoError(t, err)
	h, err := cx.NewHierarchy(units)
	require.NoError(t, err)
	f, err = os.Open(filepath.Join(dir, "items.csv"))
	require.NoError(t, err)
	items, err := survey.ReadItemsCSV(f)
	f.Close()
	require.NoError(t, err)
	s := survey.Survey{ID: "pulse", Name: "Pulse", Audience: survey.Employee, Version: 1, Items: items}
	f, err = os.Open(filepath.Join(dir, "responses.csv"))
	require.NoError(t, err)
	defer f.Close()
	tl, err := cx.TallyCSV(context.Background(), f, s, nil, 0)
	require.NoError(t, err)
	waves := tl.Waves()
	slices.SortFunc(waves, func(a, b string) int {
		x, _ := strconv.Atoi(a)
		y, _ := strconv.Atoi(b)
		return x - y
	})
	return h, s, tl, waves
}

// answered builds tallies of one wave "w" and item "q" on 1-5 from each
// team's answers.
func answered(t *testing.T, teams map[string][]int) *cx.Tallies {
	t.Helper()
	tl := cx.NewTallies("pulse")
	for u, answers := range teams {
		tl.Respondents[cx.Group{Unit: u, Wave: "w"}] += int64(len(answers))
		tally := metrics.NewTally(1, 5)
		for _, v := range answers {
			require.NoError(t, tally.Add(v))
		}
		tl.Answers[cx.Cell{Unit: u, Wave: "w", Item: "q"}] = tally
	}
	return tl
}

// A team below the minimum (d) and the sibling hidden to protect it (a,
// the first by name) leave, together, a remainder a reader can compute
// from the organization: when its answers are unanimous, each of the two
// is known to have answered that way, so one more team's figures for the
// item are hidden (b, which answered otherwise; its respondent count stays
// shown); when they are mixed, they are not. The favorable range decides
// what unanimous means.
func TestPrivacyPlanUnanimousRemainder(t *testing.T) {
	h := org(t, "a<org", "b<org", "c<org", "d<org")
	mixed := []int{1, 2, 3, 4, 5, 5, 4, 2, 1, 3}
	topBox := survey.Scale{ID: "topbox", Min: 1, Max: 5, FavorableMin: 5, FavorableMax: 5}
	s := survey.Survey{ID: "pulse", Items: []survey.Item{{ID: "q", Scale: topBox}}}
	for _, c := range []struct {
		name           string
		a, d           []int
		plan, planSurv bool // whether b's figure is hidden by Plan and PlanSurvey
	}{
		{"all favorable", []int{5, 5, 5, 5, 5, 5}, []int{5, 5}, true, true},
		{"all above the midpoint, some below the top box", []int{4, 5, 4, 5, 4, 5}, []int{5, 4}, true, false},
		{"mixed", []int{1, 5, 4, 5, 4, 5}, []int{5, 2}, false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			tl := answered(t, map[string][]int{"a": c.a, "b": mixed[:7], "c": mixed, "d": c.d})
			for i, plan := range []func() (*cx.Disclosure, error){
				func() (*cx.Disclosure, error) { return cx.Privacy{}.Plan(h, tl, []string{"w"}, nil) },
				func() (*cx.Disclosure, error) { return cx.Privacy{}.PlanSurvey(s, h, tl, []string{"w"}, nil) },
			} {
				d, err := plan()
				require.NoError(t, err)
				hidden := hiddenSet(d)
				assert.Contains(t, hidden, "d@w")
				assert.Contains(t, hidden, "a@w", "the first sibling by name protects d")
				assert.NotContains(t, hidden, "b@w", "b's respondents stay shown")
				_, hid := d.FigureHidden(cx.CellRef{Unit: "b", Wave: "w"}, cx.ItemMeasure("q"))
				assert.Equal(t, []bool{c.plan, c.planSurv}[i], hid, "%s: b's figure hidden", []string{"Plan", "PlanSurvey"}[i])
				_, hid = d.FigureHidden(cx.CellRef{Unit: "c", Wave: "w"}, cx.ItemMeasure("q"))
				assert.False(t, hid, "c's figure")
			}
		})
	}
}

// The scorecard plans with the survey's favorable ranges when given rules
// but no plan: the unanimous remainder hides a third team's behavior there
// too, the team itself staying shown.
func TestScorecardPrivacyProtectsUnanimousRemainder(t *testing.T) {
	h := org(t, "a<org", "b<org", "c<org", "d<org")
	s := survey.Survey{ID: "pulse", Name: "Pulse", Audience: survey.Employee, Version: 1,
		Items: []survey.Item{{ID: "q", Text: "q", Construct: "customer_focus", Scale: survey.Likert5, Kind: survey.Behavior, Version: 1}}}
	require.NoError(t, s.Validate())
	mixed := []int{1, 2, 3, 4, 5, 5, 4, 2, 1, 3}
	for _, unanimous := range []bool{true, false} {
		a := []int{5, 5, 4, 5, 4, 5}
		if !unanimous {
			a[0] = 1
		}
		tl := answered(t, map[string][]int{"a": a, "b": mixed[:7], "c": mixed, "d": {5, 4}})
		sc, err := cx.NewScorecard(h, s, tl, cx.ScorecardOptions{Wave: "w", Privacy: &cx.Privacy{}})
		require.NoError(t, err)
		suppressed, behavior := map[string]bool{}, map[string]bool{}
		for _, u := range sc.Units {
			suppressed[u.Unit] = u.Suppressed
			if !u.Suppressed {
				behavior[u.Unit] = u.Behaviors[0].Suppressed
			}
		}
		assert.Equal(t, map[string]bool{"org": false, "a": true, "b": false, "c": false, "d": true}, suppressed, "unanimous %v", unanimous)
		assert.Equal(t, map[string]bool{"org": false, "b": unanimous, "c": false}, behavior, "unanimous %v", unanimous)
	}
}

// The invited counts the pulse report shows are bounds a reader uses. A
// sub-team of 2 invited, hidden as small, inside a team shown as 14 of 14
// responding had exactly 2 respondents; the plan now hides the team too.
// And a team of 5 invited hidden to protect a sibling would be known to
// have 5: the plan takes another sibling when it can.
func TestPlanInvitedCounts(t *testing.T) {
	s := survey.Survey{ID: "pulse"}
	t.Run("a full response pins a small part", func(t *testing.T) {
		h := org(t, "team<org", "sub<team", "other<org")
		tl := counts(t, "team@w=12", "sub@w=2", "other@w=30")
		waves := []survey.Wave{{ID: "w", Survey: "pulse", Invited: map[string]int{"team": 12, "sub": 2, "other": 40}}}
		d, err := cx.DefaultPrivacy().PlanWaves(s, h, tl, waves, nil)
		require.NoError(t, err)
		got := hiddenSet(d)
		assert.Equal(t, "fewer than 5 respondents", got["sub@w"])
		assert.Contains(t, got, "team@w", "14 of 14 would tell the 2 of 2")
		// Without the invited counts the team shows: its own 12 people
		// and the sub-team's 1 to 4 cannot be told apart.
		d, err = cx.DefaultPrivacy().Plan(h, tl, []string{"w"}, nil)
		require.NoError(t, err)
		assert.NotContains(t, hiddenSet(d), "team@w")
	})
	t.Run("a complementary team is not one its invited count would pin", func(t *testing.T) {
		h := org(t, "a<org", "b<org", "s<org")
		tl := counts(t, "a@w=5", "b@w=12", "s@w=2")
		waves := []survey.Wave{{ID: "w", Survey: "pulse", Invited: map[string]int{"a": 5, "b": 15, "s": 3}}}
		d, err := cx.DefaultPrivacy().PlanWaves(s, h, tl, waves, nil)
		require.NoError(t, err)
		assert.Equal(t, map[string]string{"s@w": "fewer than 5 respondents", "b@w": "hidden so that s@w cannot be worked out by subtraction"},
			hiddenSet(d), "a, with 5 invited, would be known to hold 5 once hidden as at least 5")
	})
}

// hiddenUnits returns the units a scorecard hides.
func hiddenUnits(sc *cx.Scorecard) []string {
	var out []string
	for _, u := range sc.Units {
		if u.Suppressed {
			out = append(out, u.Unit)
		}
	}
	return out
}
