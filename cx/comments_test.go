package cx_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/cx/themes"
	"github.com/cxculture/cxculture/survey"
)

// commentProgram: org → d1 (t1: 12 people, t2: 12, t3: 4), d2 (t4: 12);
// one pulse wave whose survey has a free-text question about customer
// focus; every person answers the items, 10 of each team of 12 (and 2 of
// t3) write a story, every third writes a free comment. An A-11 quarter
// of 15 customers of t1 and t4, with comments.
func commentProgram(t *testing.T) *cx.Program {
	ctx := t.Context()
	p, err := cx.New(memstore.New(), &cx.Options{Now: func() time.Time { return t0.AddDate(0, 3, 0) }})
	require.NoError(t, err)
	require.NoError(t, p.DefineUnits(ctx, cx.Unit{ID: "org", Name: "Org"}, cx.Unit{ID: "d1", Parent: "org", Name: "Division 1"},
		cx.Unit{ID: "d2", Parent: "org", Name: "Division 2"}, cx.Unit{ID: "t1", Parent: "d1", Name: "Team 1"},
		cx.Unit{ID: "t2", Parent: "d1", Name: "Team 2"}, cx.Unit{ID: "t3", Parent: "d1", Name: "Team 3"}, cx.Unit{ID: "t4", Parent: "d2", Name: "Team 4"}))
	s := fixtureSurvey()
	s.TextItems = []survey.TextItem{{ID: "cf_story", Text: "What did your team change for a customer this month?", Construct: culture.CustomerFocus}}
	require.NoError(t, p.DefineSurvey(ctx, s))
	w := survey.Wave{ID: "w01", Survey: s.ID, Name: "January pulse", Opens: t0, Closes: t0.AddDate(0, 0, 14)}
	require.NoError(t, p.OpenWave(ctx, w))
	stories := []string{"We called customers back the same day", "We simplified the claim form", "Our manager thanked us for the fix",
		"We waited weeks for the new system", "Nothing changed", "We listened to customer feedback"}
	var rs []survey.Response
	size := map[string]int{"t1": 12, "t2": 12, "t3": 4, "t4": 12}
	for _, u := range []string{"t1", "t2", "t3", "t4"} {
		for i := range size[u] {
			r := survey.Response{Survey: s.ID, Wave: w.ID, Unit: u, Submitted: t0.Add(time.Duration(i+1) * time.Hour),
				Answers: map[string]int{"cf_belief": 4, "cf_practice": 2 + i%4, "em_belief": 3, "em_practice": 4, "ag_practice": 5}}
			if i < 10 && (u != "t3" || i < 2) {
				r.Texts = map[string]string{"cf_story": fmt.Sprintf("%s (%s %d)", stories[i%len(stories)], u, i)}
			}
			if i%3 == 0 {
				r.Comment = fmt.Sprintf("Free comment %s %d", u, i)
			}
			rs = append(rs, r)
		}
	}
	_, err = p.RecordResponses(ctx, rs)
	require.NoError(t, err)

	a11 := survey.A11()
	require.NoError(t, p.DefineSurvey(ctx, a11))
	q := survey.Wave{ID: "q2", Survey: a11.ID, Opens: t0, Closes: t0.AddDate(0, 3, 0)}
	require.NoError(t, p.OpenWave(ctx, q))
	var cs []survey.Response
	for _, u := range []string{"t1", "t4"} {
		for i := range 15 {
			r := survey.Response{Survey: a11.ID, Wave: q.ID, Unit: u, Submitted: t0.Add(time.Duration(i+1) * time.Hour),
				Answers: map[string]int{"a11.satisfaction": 4, "a11.trust": 3 + i%3}}
			if i%2 == 0 {
				r.Texts = map[string]string{"a11.feedback": []string{"The wait was too long", "Friendly and helpful staff", "The website kept logging me out"}[i%3]}
			}
			cs = append(cs, r)
		}
	}
	_, err = p.RecordResponses(ctx, cs)
	require.NoError(t, err)
	return p
}

// Comments are read back per unit, wave and question, with verbatims and
// theme counts, only for groups the privacy plan shows (10 respondents).
func TestComments(t *testing.T) {
	ctx := t.Context()
	p := commentProgram(t)
	own := themes.Theme{ID: "claims", Name: "Claims", Keywords: []string{"claim*"}}
	gs, err := p.Comments(ctx, cx.CommentOptions{Survey: "pulse", Behavior: culture.CustomerFocus, Themes: []themes.Theme{own}})
	require.NoError(t, err)
	by := map[string]cx.CommentGroup{}
	for _, g := range gs {
		require.Equal(t, "cf_story", g.Item, "only the question about customer focus")
		by[g.Unit] = g
	}
	require.Len(t, by, 7)
	t3 := by["t3"]
	require.True(t, t3.Hidden, "4 respondents: below the comment minimum of 10")
	require.Empty(t, t3.Verbatims)
	require.Empty(t, t3.Themes)
	require.Zero(t, t3.Respondents)
	require.NotEmpty(t, t3.Reason)
	// One of t1 and t2 is hidden too, so that t3's comments cannot be
	// found by setting d1's against its shown teams.
	require.True(t, by["t1"].Hidden != by["t2"].Hidden, "exactly one complementary team")
	t1 := by["t1"]
	complementary := cx.Reason{Kind: cx.Complementary}.String()
	if t1.Hidden {
		require.Equal(t, complementary, t1.Reason)
		t1 = by["t2"]
	} else {
		require.Equal(t, complementary, by["t2"].Reason)
	}
	require.False(t, t1.Hidden, t1.Reason)
	require.Equal(t, int64(12), t1.Respondents)
	require.Equal(t, 10, t1.Comments)
	require.True(t, slices.IsSorted(t1.Verbatims), "verbatims in alphabetical order, not the order given")
	require.Equal(t, "What did your team change for a customer this month?", t1.Question)
	require.Equal(t, "January pulse", t1.WaveName)
	require.Equal(t, "Team "+t1.Unit[1:], t1.UnitName)
	d1 := by["d1"]
	require.False(t, d1.Hidden, d1.Reason)
	require.Equal(t, 22, d1.Comments, "a division counts its teams' comments, t3's too (the division reaches the minimum)")
	// Theme counts against the verbatims, by the documented method.
	m, err := themes.New(append(themes.BuiltIn(), own))
	require.NoError(t, err)
	for _, g := range []cx.CommentGroup{t1, d1} {
		want := map[string]int{}
		for _, v := range g.Verbatims {
			for _, th := range m.Match(v) {
				want[th]++
			}
		}
		for _, c := range g.Themes {
			require.Equal(t, want[c.Theme], c.Comments, "%s %s", g.Unit, c.Theme)
		}
		require.Equal(t, "claims", g.Themes[len(g.Themes)-1].Theme, "the program's themes come after the built-in ones")
	}

	// The free comment is a question of its own.
	gs, err = p.Comments(ctx, cx.CommentOptions{Survey: "pulse", Items: []string{cx.CommentItem}, Units: []string{t1.Unit}, MaxVerbatims: 2})
	require.NoError(t, err)
	require.Len(t, gs, 1)
	require.Equal(t, 4, gs[0].Comments, "people 0, 3, 6 and 9 of 12")
	require.Len(t, gs[0].Verbatims, 2)

	// Customers' comments count as well: the voice of the customer.
	gs, err = p.Comments(ctx, cx.CommentOptions{Survey: survey.A11ID, Items: []string{"a11.feedback"}, Units: []string{"org", "t1"}})
	require.NoError(t, err)
	require.Len(t, gs, 2)
	for _, g := range gs {
		require.True(t, g.Customer)
		require.False(t, g.Hidden, g.Reason)
		require.Equal(t, "Any additional feedback for [Program/Service name]?", g.Question)
	}
	themed := map[string]int{}
	for _, c := range gs[0].Themes {
		themed[c.Theme] = c.Comments
	}
	require.Equal(t, 16, gs[0].Comments, "8 comments from each team")
	require.Greater(t, themed["efficiency"], 0, "the wait")
	require.Greater(t, themed["digital"], 0, "the website")
	require.Greater(t, themed["humanity"], 0, "friendly")

	// Bad input is named.
	_, err = p.Comments(ctx, cx.CommentOptions{Survey: "pulse", Waves: []string{"w99"}, Items: []string{"nope"},
		Themes: []themes.Theme{{ID: "x"}}})
	var ve *cx.ValidationError
	require.ErrorAs(t, err, &ve)
	for _, want := range []string{`waves[0]: unknown wave "w99"`, `items[0]: "nope" is not a free-text question`, "themes: "} {
		require.True(t, strings.Contains(ve.Error(), want), "%s lacks %s", ve.Error(), want)
	}
	_, err = p.Comments(ctx, cx.CommentOptions{Survey: "nope"})
	require.ErrorIs(t, err, cx.ErrNotFound)
}
