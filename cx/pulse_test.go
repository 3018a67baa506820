package cx_test

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/cx/simulate"
	"github.com/cxculture/cxculture/survey"
)

func pulseSurvey() survey.Survey {
	s := survey.Survey{ID: "pulse", Name: "Pulse", Audience: survey.Employee, Version: 1}
	for _, id := range []string{"q1", "q2", "q3"} {
		s.Items = append(s.Items, survey.Item{ID: id, Text: id, Scale: survey.Likert5, Construct: "customer_focus", Kind: survey.Belief, Version: 1})
	}
	return s
}

// pulseFixture: org → a (10 invited), b (12 invited), c (8 invited);
// four weekly waves. a answers 9, 8, 6, 5 times, every item, comments of
// 4 words from two respondents; b answers 8, 8, 8, 3 times, two items of
// three, with one-word comments; c answers 6, 6, 6, 4 times, one item.
// In the last wave b and c are below the minimum, and hidden together
// they protect each other.
func pulseFixture(t *testing.T) (*cx.Hierarchy, []survey.Wave, *cx.Participation) {
	t.Helper()
	h, err := cx.NewHierarchy([]cx.Unit{{ID: "org", Name: "Org"}, {ID: "a", Parent: "org", Name: "A"}, {ID: "b", Parent: "org", Name: "B"}, {ID: "c", Parent: "org", Name: "C"}})
	require.NoError(t, err)
	s := pulseSurvey()
	var waves []survey.Wave
	p, err := cx.NewParticipation(s, nil)
	require.NoError(t, err)
	start := time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC)
	for i, counts := range [][3]int{{9, 8, 6}, {8, 8, 6}, {6, 8, 6}, {5, 3, 4}} {
		w := survey.Wave{ID: fmt.Sprintf("w%d", i), Survey: "pulse", Opens: start.AddDate(0, 0, 7*i), Closes: start.AddDate(0, 0, 7*i+5),
			Invited: map[string]int{"a": 10, "b": 12, "c": 8}}
		waves = append(waves, w)
		for k := range counts[0] {
			r := survey.Response{ID: uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "a%d%d", i, k)), Survey: "pulse", Wave: w.ID, Unit: "a",
				Answers: map[string]int{"q1": 4, "q2": 3, "q3": 5}}
			if k < 2 {
				r.Comment = "more time with customers"
			}
			require.NoError(t, p.Add(r))
		}
		for k := range counts[1] {
			require.NoError(t, p.Add(survey.Response{ID: uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "b%d%d", i, k)), Survey: "pulse", Wave: w.ID, Unit: "b",
				Answers: map[string]int{"q1": 2, "q3": 4}, Comment: "ok"}))
		}
		for k := range counts[2] {
			require.NoError(t, p.Add(survey.Response{ID: uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "c%d%d", i, k)), Survey: "pulse", Wave: w.ID, Unit: "c",
				Answers: map[string]int{"q2": 1}}))
		}
	}
	return h, waves, p
}

func TestPulseReport(t *testing.T) {
	h, waves, p := pulseFixture(t)
	rep, err := cx.NewPulseReport(h, waves, p, cx.PulseOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{"w0", "w1", "w2", "w3"}, rep.Waves)
	assert.Len(t, rep.Rows, 4*4)
	assert.Equal(t, 5, rep.MinGroup)
	assert.Equal(t, 10, rep.MinComments)

	a2, _ := rep.Row("a", "w2")
	assert.Equal(t, int64(6), a2.Respondents)
	assert.Equal(t, int64(10), a2.Invited)
	assert.InDelta(t, 0.6, a2.ResponseRate.Value(), 1e-15)
	// R: prop.test(6, 10, correct = FALSE)$conf.int
	assert.InDelta(t, 0.312673769733658, a2.RateCI.Lower, 1e-12)
	assert.InDelta(t, 0.831819670293764, a2.RateCI.Upper, 1e-12)
	assert.Equal(t, int64(0), a2.Skipped.Successes)
	assert.True(t, a2.CommentsHidden, "6 respondents: comments hidden below 10")
	assert.Zero(t, a2.Comments)
	assert.True(t, math.IsNaN(a2.CommentWords))

	b0, _ := rep.Row("b", "w0")
	// R: prop.test(8, 12, correct = FALSE)$conf.int
	assert.InDelta(t, 0.390622088872800, b0.RateCI.Lower, 1e-12)
	assert.InDelta(t, 0.861879908908787, b0.RateCI.Upper, 1e-12)
	assert.Equal(t, metricsProportion(8, 24), [2]int64{b0.Skipped.Successes, b0.Skipped.N}, "one of three items skipped by each")

	b3, _ := rep.Row("b", "w3")
	assert.True(t, b3.Hidden, "3 respondents")
	assert.Equal(t, "fewer than 5 respondents", b3.Reason)
	assert.Zero(t, b3.Respondents)
	assert.True(t, math.IsNaN(b3.ResponseRate.Value()))
	assert.True(t, math.IsNaN(b3.RateCI.Lower))
	assert.True(t, math.IsNaN(b3.Skipped.Value()))
	assert.Equal(t, int64(12), b3.Invited, "the headcount stays")
	c3, _ := rep.Row("c", "w3")
	assert.True(t, c3.Hidden, "4 respondents")
	a3, _ := rep.Row("a", "w3")
	assert.False(t, a3.Hidden, "b and c hidden together (7 respondents) need no third")

	org0, _ := rep.Row("org", "w0")
	assert.Equal(t, int64(23), org0.Respondents)
	assert.Equal(t, int64(30), org0.Invited)
	assert.False(t, org0.CommentsHidden)
	assert.Equal(t, int64(10), org0.Comments)
	assert.InDelta(t, (2*4+8*1)/10.0, org0.CommentWords, 1e-12)

	// a: rates 0.9, 0.8, 0.6, 0.5. R: summary(lm(y ~ x)) gives slope -0.14,
	// SE 0.014142135623731, p 0.010050506338833518.
	fa, ok := rep.FatigueOf("a")
	require.True(t, ok)
	assert.InDelta(t, -0.14, fa.ResponseRate.Slope, 1e-12)
	assert.InDelta(t, 0.014142135623731, fa.ResponseRate.SE, 1e-12)
	assert.InDelta(t, 0.010050506338833518, fa.ResponseRate.Test.P, 1e-9)
	assert.True(t, fa.FallingResponse)
	assert.False(t, fa.RisingSkips)
	assert.Equal(t, []string{"falling response rate"}, fa.Signals())
	assert.True(t, fa.Fatigued())
	// b: the hidden wave is left out of its lines; three equal rates.
	fb, _ := rep.FatigueOf("b")
	assert.Equal(t, 3, fb.ResponseRate.N)
	assert.False(t, fb.Fatigued())

	// A stricter alpha drops the signal.
	rep, err = cx.NewPulseReport(h, waves, p, cx.PulseOptions{Alpha: 0.01})
	require.NoError(t, err)
	fa, _ = rep.FatigueOf("a")
	assert.False(t, fa.FallingResponse)

	// The Hidden option hides more, with every figure.
	rep, err = cx.NewPulseReport(h, waves, p, cx.PulseOptions{Hidden: func(u, w string) bool { return u == "a" && w == "w0" }})
	require.NoError(t, err)
	a0, _ := rep.Row("a", "w0")
	assert.True(t, a0.Hidden)
	assert.Zero(t, a0.Respondents)
	assert.Equal(t, "hidden by the disclosure plan", a0.Reason)
}

func metricsProportion(k, n int64) [2]int64 { return [2]int64{k, n} }

func TestParticipationMergeAndRotation(t *testing.T) {
	s := pulseSurvey()
	whole, err := cx.NewParticipation(s, map[string][]string{"w1": {"q1", "q2"}})
	require.NoError(t, err)
	parts := []*cx.Participation{}
	for range 2 {
		p, err := cx.NewParticipation(s, map[string][]string{"w1": {"q1", "q2"}})
		require.NoError(t, err)
		parts = append(parts, p)
	}
	for i := range 10 {
		r := survey.Response{ID: uuid.NewSHA1(uuid.NameSpaceOID, []byte{byte(i)}), Survey: "pulse", Wave: "w1", Unit: "a",
			Answers: map[string]int{"q1": 3}, Comment: "  "}
		require.NoError(t, whole.Add(r))
		require.NoError(t, parts[i%2].Add(r))
	}
	require.NoError(t, parts[0].Merge(parts[1]))
	assert.Equal(t, whole.Counts, parts[0].Counts)
	c := whole.Counts[cx.Group{Unit: "a", Wave: "w1"}]
	assert.Equal(t, cx.ParticipationCounts{Respondents: 10, Asked: 20, Answered: 10}, c, "two items asked in w1; blank comments are no comments")

	err = whole.Add(survey.Response{Survey: "pulse", Wave: "w1", Unit: "a", Answers: map[string]int{"q3": 1}})
	assert.ErrorIs(t, err, cx.ErrInvalid)
	assert.Contains(t, err.Error(), `item "q3" was not asked in wave "w1"`)
	err = whole.Add(survey.Response{Survey: "other", Wave: "w1", Unit: "a", Answers: map[string]int{"q1": 1}})
	assert.ErrorIs(t, err, cx.ErrInvalid)
	assert.Equal(t, c, whole.Counts[cx.Group{Unit: "a", Wave: "w1"}], "a rejected response counts nothing")

	other, _ := cx.NewParticipation(survey.Survey{ID: "other"}, nil)
	assert.ErrorIs(t, whole.Merge(other), cx.ErrInvalid)
	_, err = cx.NewParticipation(s, map[string][]string{"w1": {"nope"}})
	assert.ErrorIs(t, err, cx.ErrInvalid)
}

func TestPulseReportBadInput(t *testing.T) {
	h, waves, p := pulseFixture(t)
	_, err := cx.NewPulseReport(h, waves, p, cx.PulseOptions{MinGroup: -1, Level: 2})
	ve, ok := errors.AsType[*cx.ValidationError](err)
	require.True(t, ok, "%v", err)
	assert.Len(t, ve.Problems, 2, "%v", err) // min_group, level

	_, err = cx.NewPulseReport(h, waves[:2], p, cx.PulseOptions{})
	assert.ErrorIs(t, err, cx.ErrInvalid)
	assert.Contains(t, err.Error(), `counts of wave "w2"`)

	bad := append([]survey.Wave{}, waves...)
	bad[0].Survey = "other"
	bad[1] = bad[2]
	_, err = cx.NewPulseReport(h, bad, p, cx.PulseOptions{})
	assert.ErrorIs(t, err, cx.ErrInvalid)
	assert.Contains(t, err.Error(), "waves[0].survey")
	assert.Contains(t, err.Error(), "waves[2].id")

	over := append([]survey.Wave{}, waves...)
	over[0].Invited = map[string]int{"a": 3, "b": 12}
	_, err = cx.NewPulseReport(h, over, p, cx.PulseOptions{})
	assert.ErrorIs(t, err, cx.ErrInvalid)
	assert.Contains(t, err.Error(), "waves[0].invited.a: 9 respondents but 3 invited")
	assert.Contains(t, err.Error(), "waves[0].invited.org: 23 respondents but 15 invited")

	small, _ := cx.NewHierarchy([]cx.Unit{{ID: "org", Name: "Org"}, {ID: "a", Parent: "org", Name: "A"}})
	_, err = cx.NewPulseReport(small, waves, p, cx.PulseOptions{})
	assert.ErrorIs(t, err, cx.ErrNotFound)
}

// simulatedPulse returns the pulse report of a simulated program.
func simulatedPulse(t *testing.T, cfg simulate.Config) *cx.PulseReport {
	t.Helper()
	d, err := simulate.Generate(cfg)
	require.NoError(t, err)
	h, err := cx.NewHierarchy(d.Units)
	require.NoError(t, err)
	asked := map[string][]string{}
	for i, w := range d.Waves {
		asked[w.ID] = d.Asked[i]
	}
	p, err := cx.NewParticipation(d.Survey, asked)
	require.NoError(t, err)
	for _, r := range d.Responses {
		require.NoError(t, p.Add(r))
	}
	rep, err := cx.NewPulseReport(h, d.Waves, p, cx.PulseOptions{})
	require.NoError(t, err)
	return rep
}

func TestPulseFatigueOnSimulatedProgram(t *testing.T) {
	tired := simulatedPulse(t, simulate.Config{Seed: 12, Waves: 13, Fatigue: 0.05})
	f, _ := tired.FatigueOf("org")
	assert.True(t, f.FallingResponse, "falling response: slope %v p %v", f.ResponseRate.Slope, f.ResponseRate.Test.P)
	assert.True(t, f.RisingSkips, "rising skips: slope %v p %v", f.Skipped.Slope, f.Skipped.Test.P)
	assert.True(t, f.ShorterComments, "shorter comments: slope %v p %v", f.CommentWords.Slope, f.CommentWords.Test.P)

	fresh := simulatedPulse(t, simulate.Config{Seed: 12, Waves: 13})
	f, _ = fresh.FatigueOf("org")
	assert.False(t, f.Fatigued(), "no fatigue simulated: %v", f.Signals())
	r0, _ := fresh.Row("org", fresh.Waves[0])
	assert.InDelta(t, 0.7, r0.ResponseRate.Value(), 0.08)
	assert.InDelta(t, 0.04, r0.Skipped.Value(), 0.02)

	// Small teams are hidden in some waves, and hidden rows carry nothing.
	hidden := 0
	for _, r := range fresh.Rows {
		if r.Hidden {
			hidden++
			assert.Zero(t, r.Respondents)
			assert.Zero(t, r.Comments)
		}
	}
	assert.Positive(t, hidden)
}

func TestProgramPulseReport(t *testing.T) {
	ctx := t.Context()
	d, err := simulate.Generate(simulate.Config{Seed: 21, Waves: 5, Asked: [][]string{{"customer_focus.belief", "enps"}, {"agility.belief", "enps"}}})
	require.NoError(t, err)
	p, err := cx.New(memstore.New(), nil)
	require.NoError(t, err)
	_, err = p.PulseReport(ctx, d.Survey.ID, nil, cx.PulseOptions{})
	assert.ErrorIs(t, err, cx.ErrNotFound, "unknown survey")
	require.NoError(t, p.DefineUnits(ctx, d.Units...))
	require.NoError(t, p.DefineSurvey(ctx, d.Survey))
	// Open the waves in reverse: the report orders them by time.
	for i := len(d.Waves) - 1; i >= 0; i-- {
		require.NoError(t, p.OpenWave(ctx, d.Waves[i]))
	}
	_, err = p.RecordResponses(ctx, d.Responses)
	require.NoError(t, err)
	asked := map[string][]string{}
	for i, w := range d.Waves {
		asked[w.ID] = d.Asked[i]
	}
	got, err := p.PulseReport(ctx, d.Survey.ID, asked, cx.PulseOptions{})
	require.NoError(t, err)

	h, err := cx.NewHierarchy(d.Units)
	require.NoError(t, err)
	part, err := cx.NewParticipation(d.Survey, asked)
	require.NoError(t, err)
	for _, r := range d.Responses {
		require.NoError(t, part.Add(r))
	}
	// The program's report applies the program's plan.
	plan, err := p.Disclosure(ctx, d.Survey.ID)
	require.NoError(t, err)
	want, err := cx.NewPulseReport(h, d.Waves, part, cx.PulseOptions{Disclosure: plan})
	require.NoError(t, err)
	assert.Equal(t, want.Waves, got.Waves)
	require.Len(t, got.Rows, len(want.Rows))
	for i := range want.Rows {
		assert.Equal(t, want.Rows[i].Respondents, got.Rows[i].Respondents)
		assert.Equal(t, want.Rows[i].Skipped, got.Rows[i].Skipped)
		assert.Equal(t, want.Rows[i].Invited, got.Rows[i].Invited)
	}
	// Without the rotation plan every item counts as asked: more skips.
	all, err := p.PulseReport(ctx, d.Survey.ID, nil, cx.PulseOptions{})
	require.NoError(t, err)
	r0, _ := all.Row("org", d.Waves[0].ID)
	assert.Greater(t, r0.Skipped.Value(), 0.8)
}

// TestPulseComplementarySuppression: a hidden team is never recovered by
// subtracting its visible siblings from their parent.
func TestPulseComplementarySuppression(t *testing.T) {
	h, err := cx.NewHierarchy([]cx.Unit{{ID: "org", Name: "Org"}, {ID: "x", Parent: "org", Name: "X"}, {ID: "y", Parent: "org", Name: "Y"},
		{ID: "y1", Parent: "y", Name: "Y1"}, {ID: "y2", Parent: "y", Name: "Y2"}})
	require.NoError(t, err)
	s := pulseSurvey()
	p, err := cx.NewParticipation(s, nil)
	require.NoError(t, err)
	w := survey.Wave{ID: "w", Survey: "pulse", Opens: time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC), Closes: time.Date(2025, 1, 9, 0, 0, 0, 0, time.UTC)}
	k := 0
	add := func(unit string, n int) {
		for range n {
			k++
			require.NoError(t, p.Add(survey.Response{ID: uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "%d", k)), Survey: "pulse", Wave: "w", Unit: unit,
				Answers: map[string]int{"q1": 3}, Comment: "a comment"}))
		}
	}
	// y1 has 2 respondents: y = y1 + y2 would give it away, so y2 is
	// hidden too; then y (shown) = y1 + y2 holds 2 + 30 hidden
	// respondents, which is enough. The org relation is complete: x and y
	// are shown.
	add("x", 40)
	add("y1", 2)
	add("y2", 30)
	rep, err := cx.NewPulseReport(h, []survey.Wave{w}, p, cx.PulseOptions{})
	require.NoError(t, err)
	row := func(u string) cx.PulseRow { r, _ := rep.Row(u, "w"); return r }
	assert.Equal(t, "fewer than 5 respondents", row("y1").Reason)
	assert.True(t, row("y2").Hidden, "y2 protects y1")
	assert.Contains(t, row("y2").Reason, "cannot be worked out from the figures shown")
	assert.False(t, row("y").Hidden)
	assert.False(t, row("x").Hidden)
	assert.False(t, row("org").Hidden)
	assert.Equal(t, int64(32), row("y").Respondents)
	// Every relation: a hidden count is never the only unknown, and the
	// unknown parts of a shown total hold 0 or at least 5.
	for parent, parts := range map[string][]string{"org": {"x", "y"}, "y": {"y1", "y2"}} {
		var unknown int
		for _, c := range parts {
			if row(c).Hidden {
				unknown++
			}
		}
		assert.NotEqual(t, 1, unknown, "%s: one hidden part", parent)
	}

	// Comments, at 10: y1 and y2 are hidden already; y has 32, x 40.
	assert.True(t, row("y2").CommentsHidden)
	assert.False(t, row("y").CommentsHidden)
	assert.Equal(t, int64(32), row("y").Comments)

	// Direct respondents of y that, with y1, make up 5 or more protect
	// y1 without hiding y2: 2 + 3 unknown respondents.
	p2, _ := cx.NewParticipation(s, nil)
	p = p2
	add("x", 40)
	add("y1", 2)
	add("y2", 30)
	add("y", 3)
	rep, err = cx.NewPulseReport(h, []survey.Wave{w}, p, cx.PulseOptions{})
	require.NoError(t, err)
	assert.True(t, row("y1").Hidden)
	assert.False(t, row("y2").Hidden)

	// Only a parent's direct respondents would be revealed: with 2 own
	// respondents and every child shown, the smallest child is hidden.
	p3, _ := cx.NewParticipation(s, nil)
	p = p3
	add("x", 40)
	add("y1", 10)
	add("y2", 12)
	add("y", 2)
	rep, err = cx.NewPulseReport(h, []survey.Wave{w}, p, cx.PulseOptions{})
	require.NoError(t, err)
	assert.True(t, row("y1").Hidden)
	assert.Equal(t, "hidden so that a smaller group cannot be worked out from the figures shown", row("y1").Reason, "no unit named")
	assert.False(t, row("y2").Hidden)
	assert.False(t, row("y").Hidden)
}

func TestPulseReportPrivacyRules(t *testing.T) {
	h, waves, p := pulseFixture(t)
	pr := cx.DefaultPrivacy()
	pr.WaveDifference = true
	rep, err := cx.NewPulseReport(h, waves, p, cx.PulseOptions{Privacy: &pr})
	require.NoError(t, err)
	assert.Equal(t, pr.MinScores, rep.MinGroup)
	assert.Equal(t, pr.MinComments, rep.MinComments)
	// a answers 9, 8, 6, 5 times: in so small a unit a change of fewer
	// than 5 people since its last shown wave would single them out.
	a0, _ := rep.Row("a", "w0")
	assert.False(t, a0.Hidden)
	for _, w := range []string{"w1", "w2", "w3"} {
		r, _ := rep.Row("a", w)
		assert.True(t, r.Hidden, "a@%s", w)
		assert.Equal(t, "fewer than 5 respondents joined or left since the last survey it was shown in", r.Reason, "a@%s", w)
		assert.Zero(t, r.Respondents)
	}
	// Every cell the plan hides is hidden, and the report's own rules on top.
	tal := cx.NewTallies("pulse")
	for g, c := range p.Counts {
		tal.Respondents[g] = c.Respondents
		tal.Comments[g] = c.Comments
	}
	ids := []string{"w0", "w1", "w2", "w3"}
	d, err := pr.Plan(h, tal, ids, nil)
	require.NoError(t, err)
	for _, u := range h.IDs() {
		for _, w := range ids {
			_, hid := d.Hidden(u, w)
			r, _ := rep.Row(u, w)
			if hid {
				assert.True(t, r.Hidden, "%s@%s", u, w)
			}
			if _, ch := d.CommentsHidden(u, w); ch {
				assert.True(t, r.CommentsHidden, "%s@%s comments", u, w)
			}
		}
	}
	// The same plan passed as a Disclosure gives the same report.
	again, err := cx.NewPulseReport(h, waves, p, cx.PulseOptions{Disclosure: d})
	require.NoError(t, err)
	assert.Equal(t, len(rep.Rows), len(again.Rows))
	for i := range rep.Rows {
		assert.Equal(t, rep.Rows[i].Hidden, again.Rows[i].Hidden, "%s@%s", rep.Rows[i].Unit, rep.Rows[i].Wave)
		assert.Equal(t, rep.Rows[i].Reason, again.Rows[i].Reason)
	}
	// So does its HiddenFunc, apart from the reasons.
	viaFunc, err := cx.NewPulseReport(h, waves, p, cx.PulseOptions{Hidden: d.HiddenFunc()})
	require.NoError(t, err)
	for i := range rep.Rows {
		assert.Equal(t, rep.Rows[i].Hidden, viaFunc.Rows[i].Hidden, "%s@%s", rep.Rows[i].Unit, rep.Rows[i].Wave)
	}

	_, err = cx.NewPulseReport(h, waves, p, cx.PulseOptions{Privacy: &pr, MinGroup: 3})
	assert.ErrorIs(t, err, cx.ErrInvalid)
	assert.Contains(t, err.Error(), "differs from the privacy rules' minimum 5")
	strict := cx.Privacy{MinScores: 7}
	_, err = cx.NewPulseReport(h, waves, p, cx.PulseOptions{Privacy: &strict, Disclosure: d})
	assert.ErrorIs(t, err, cx.ErrInvalid)
	bad := cx.Privacy{MinScores: 2}
	_, err = cx.NewPulseReport(h, waves, p, cx.PulseOptions{Privacy: &bad})
	assert.ErrorIs(t, err, cx.ErrInvalid)
}

func TestProgramPulseReportAppliesProgramPrivacy(t *testing.T) {
	ctx := t.Context()
	d, err := simulate.Generate(simulate.Config{Seed: 5, Waves: 6})
	require.NoError(t, err)
	load := func(opts *cx.Options) *cx.Program {
		p, err := cx.New(memstore.New(), opts)
		require.NoError(t, err)
		require.NoError(t, p.DefineUnits(ctx, d.Units...))
		require.NoError(t, p.DefineSurvey(ctx, d.Survey))
		for _, w := range d.Waves {
			require.NoError(t, p.OpenWave(ctx, w))
		}
		_, err = p.RecordResponses(ctx, d.Responses)
		require.NoError(t, err)
		return p
	}
	pr := cx.DefaultPrivacy()
	pr.WaveDifference = true
	count := func(rep *cx.PulseReport) (n int) {
		for _, r := range rep.Rows {
			if r.Hidden {
				n++
			}
		}
		return n
	}
	plain, err := load(nil).PulseReport(ctx, d.Survey.ID, nil, cx.PulseOptions{})
	require.NoError(t, err)
	ruled, err := load(&cx.Options{Privacy: &pr}).PulseReport(ctx, d.Survey.ID, nil, cx.PulseOptions{})
	require.NoError(t, err)
	assert.Greater(t, count(ruled), count(plain), "the wave-difference rule hides more")
	withRules := load(&cx.Options{Privacy: &pr})
	plan, err := withRules.Disclosure(ctx, d.Survey.ID)
	require.NoError(t, err)
	explicit, err := withRules.PulseReport(ctx, d.Survey.ID, nil, cx.PulseOptions{Disclosure: plan})
	require.NoError(t, err)
	assert.Equal(t, count(ruled), count(explicit))
	for i := range ruled.Rows {
		assert.Equal(t, nanFree(ruled.Rows[i]), nanFree(explicit.Rows[i]))
	}
}

// Response rates and fatigue of a simulated quarter of weekly pulses
// whose people tire of the survey.
func ExampleNewPulseReport() {
	d, err := simulate.Generate(simulate.Config{Seed: 1, Waves: 13, Fatigue: 0.05})
	if err != nil {
		fmt.Println(err)
		return
	}
	h, _ := cx.NewHierarchy(d.Units)
	part, _ := cx.NewParticipation(d.Survey, nil)
	for _, r := range d.Responses {
		if err := part.Add(r); err != nil {
			fmt.Println(err)
			return
		}
	}
	pr := cx.DefaultPrivacy()
	rep, err := cx.NewPulseReport(h, d.Waves, part, cx.PulseOptions{Privacy: &pr})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, w := range []string{rep.Waves[0], rep.Waves[12]} {
		r, _ := rep.Row("org", w)
		fmt.Printf("%s: %d of %d responded (%.0f%%), %.0f%% of items skipped\n", w, r.Respondents, r.Invited, r.ResponseRate.Percent(), r.Skipped.Percent())
	}
	f, _ := rep.FatigueOf("org")
	fmt.Printf("response rate %+.1f points a week (p = %.2g): %v\n", 100*f.ResponseRate.Slope, f.ResponseRate.Test.P, f.Signals())
	// Output:
	// cx_pulse-20250106: 115 of 174 responded (66%), 4% of items skipped
	// cx_pulse-20250331: 58 of 174 responded (33%), 18% of items skipped
	// response rate -2.8 points a week (p = 4.6e-07): [falling response rate rising skipped answers shorter comments]
}
