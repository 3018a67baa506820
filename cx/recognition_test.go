package cx_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/memstore"
)

// recognitionProgram is the fixture organization in a program with the CX
// behaviors, a pseudonym key and the fixture initiative.
func recognitionProgram(t *testing.T) (*cx.Program, culture.Initiative) {
	ctx := t.Context()
	key, err := cx.NewPseudonymizer([]byte("a key of at least thirty-two bytes!!"))
	require.NoError(t, err)
	p, err := cx.New(memstore.New(), &cx.Options{Pseudonymizer: key, Now: func() time.Time { return t0.AddDate(0, 0, 400) }})
	require.NoError(t, err)
	require.NoError(t, p.DefineUnits(ctx, fixtureHierarchy(t).Units()...))
	require.NoError(t, p.DefineFramework(ctx, culture.CXBehaviors()))
	in, err := p.LaunchInitiative(ctx, fixtureInitiative([]string{"t1", "t2"}, 3))
	require.NoError(t, err)
	return p, in
}

// Recognition: who (a pseudonym) for which behavior, by whom, when and in
// which unit; counted per unit (rolled up), behavior and period.
func TestRecognitions(t *testing.T) {
	ctx := t.Context()
	p, in := recognitionProgram(t)
	day := func(d int) time.Time { return t0.AddDate(0, 0, d).Add(3 * time.Hour) }
	rs := []culture.Recognition{
		{Recognized: "ana@example.org", By: "lead@example.org", Behavior: culture.CustomerFocus, Unit: "t1", At: day(95), Initiative: in.ID,
			Note: "Called back every customer the same day"},
		{Recognized: "ana@example.org", By: "peer@example.org", Behavior: culture.CustomerFocus, Unit: "t1", At: day(100)},
		{Recognized: "bo@example.org", By: "lead@example.org", Behavior: culture.Empowerment, Unit: "t2", At: day(101)},
		{Recognized: "cy@example.org", By: "lead@example.org", Behavior: culture.CustomerFocus, Unit: "t7", At: day(140)},
	}
	n, err := p.RecordRecognitions(ctx, rs)
	require.NoError(t, err)
	require.Equal(t, 4, n)
	n, err = p.RecordRecognitions(ctx, rs)
	require.NoError(t, err)
	require.Zero(t, n, "recording the same batch again adds nothing: IDs derive from the content")

	stored, err := p.Store().ListRecognitions(ctx, culture.RecognitionFilter{})
	require.NoError(t, err)
	require.Len(t, stored, 4)
	for _, r := range stored {
		require.True(t, cx.IsPseudonym(r.Recognized), r.Recognized)
		require.True(t, cx.IsPseudonym(r.By), r.By)
		require.NotContains(t, r.Recognized+r.By, "example.org", "raw identities are never stored")
	}
	require.Equal(t, p.Pseudonym("ana@example.org"), stored[0].Recognized)

	// Counts per unit, behavior and month, rolled up the hierarchy.
	counts, err := p.RecognitionCounts(ctx, cx.RecognitionOptions{Units: []string{"org", "d1", "t1", "t3"}})
	require.NoError(t, err)
	got := map[string]int{}
	people := map[string]int{}
	for _, c := range counts {
		k := fmt.Sprintf("%s %s %s", c.Unit, c.Behavior, c.From.Format("2006-01"))
		got[k], people[k] = c.Count, c.People
		if c.Behavior == culture.CustomerFocus {
			require.Equal(t, "Customer focus", c.Label)
		}
	}
	// Day 95 and 100 from 5 Jan 2026 are 10 and 15 April; day 101 is
	// 16 April; day 140 is 25 May.
	require.Equal(t, 2, got["t1 customer_focus 2026-04"])
	require.Equal(t, 1, people["t1 customer_focus 2026-04"], "one person recognized twice")
	require.Equal(t, 2, got["d1 customer_focus 2026-04"])
	require.Equal(t, 1, got["d1 empowerment 2026-04"])
	require.Equal(t, 0, got["d1 customer_focus 2026-05"], "t7 is in d2")
	require.Equal(t, 1, got["org customer_focus 2026-05"])
	require.Equal(t, 0, got["t3 customer_focus 2026-04"])
	require.Contains(t, got, "t3 customer_focus 2026-04", "zero counts are listed")
	obs := cx.RecognitionObservations(counts)
	require.Equal(t, "recognitions:customer_focus", obs[0].Metric)

	// Bad input: every problem listed, nothing stored.
	bad := []culture.Recognition{
		{Recognized: "x", By: "y", Behavior: "telepathy", Unit: "nowhere", At: day(1), Initiative: uuid.MustParse("00000000-0000-4000-8000-0000000000ff")},
		{Behavior: culture.Agility, Unit: "t1"},
	}
	_, err = p.RecordRecognitions(ctx, bad)
	var ve *cx.ValidationError
	require.ErrorAs(t, err, &ve)
	msg := ve.Error()
	for _, want := range []string{`recognitions[0].unit: unknown unit "nowhere"`, `recognitions[0].behavior: unknown behavior "telepathy"`,
		"recognitions[0].initiative: unknown initiative", "recognitions[1].recognized: required", "recognitions[1].by: required", "recognitions[1].at: required"} {
		require.Contains(t, msg, want)
	}
	noKey, err := cx.New(memstore.New(), nil)
	require.NoError(t, err)
	require.NoError(t, noKey.DefineUnits(ctx, cx.Unit{ID: "u", Name: "U"}))
	require.NoError(t, noKey.DefineFramework(ctx, culture.CXBehaviors()))
	_, err = noKey.RecordRecognitions(ctx, []culture.Recognition{{Recognized: "ana@example.org", By: "lead", Behavior: culture.Agility, Unit: "u", At: day(1)}})
	require.ErrorContains(t, err, "recognitions[0].recognized: not a pseudonym")
}

// A pitfall flags an initiative whose wins were never recognized.
func TestWinsNotCelebrated(t *testing.T) {
	h := fixtureHierarchy(t)
	units := []string{"t1", "t2", "t3", "t4", "t5"}
	treated := map[string]bool{}
	for _, u := range units {
		treated[u] = true
	}
	p := simPanel(t, h, simSpec{seed: 3, waves: 10, n: 30, base: 0.45, lift: 0.25, from: 3, treated: treated,
		lifted: map[string]bool{culture.CustomerFocus: true, culture.Empowerment: true}})
	in := fixtureInitiative(units, 3)
	in.End = t0.AddDate(0, 0, 1000)
	in.Kind = culture.ChangeProgram
	now := t0.AddDate(0, 0, 330)
	indicators := []culture.Indicator{{ID: "cf", Behavior: culture.CustomerFocus, Name: "CF", Source: culture.Source{Items: []string{"cf_practice"}}},
		{ID: "em", Behavior: culture.Empowerment, Name: "EM", Source: culture.Source{Items: []string{"em_practice"}}}}
	check := func(rs []culture.Recognition) []cx.Pitfall {
		ps, err := cx.Pitfalls(p, []culture.Initiative{in}, cx.PitfallOptions{Now: now, Indicators: indicators, Recognitions: rs})
		require.NoError(t, err)
		var out []cx.Pitfall
		for _, pf := range ps {
			if pf.Kind == cx.WinsNotCelebrated {
				out = append(out, pf)
			}
		}
		return out
	}
	ps := check([]culture.Recognition{})
	require.Len(t, ps, 1)
	require.True(t, strings.HasPrefix(ps[0].Summary, "Customer first has "), ps[0].Summary)
	require.Contains(t, ps[0].Summary, "nobody has recognized the customer focus and empowerment behind them since it started on 5 Apr 2026")
	require.Equal(t, "wins_not_recognized", ps[0].Check)

	// Recognition elsewhere, of another behavior or before the start does
	// not count; one in a unit of the initiative for its behavior does.
	other := []culture.Recognition{
		{Recognized: "a", By: "b", Behavior: culture.CustomerFocus, Unit: "t9", At: t0.AddDate(0, 0, 200)},
		{Recognized: "a", By: "b", Behavior: culture.Agility, Unit: "t1", At: t0.AddDate(0, 0, 200)},
		{Recognized: "a", By: "b", Behavior: culture.CustomerFocus, Unit: "t1", At: t0.AddDate(0, 0, 10)},
	}
	require.Len(t, check(other), 1)
	require.Empty(t, check(append(other, culture.Recognition{Recognized: "a", By: "b", Behavior: culture.Empowerment, Unit: "t2",
		At: t0.AddDate(0, 0, 200)})))
	require.Empty(t, check(append(other, culture.Recognition{Recognized: "a", By: "b", Behavior: culture.Agility, Unit: "t9",
		At: t0.AddDate(0, 0, 200), Initiative: in.ID})), "tied to the initiative")
	// A program's panel carries its recognitions: the check runs without
	// options, and the options take precedence.
	withRecs := *p
	withRecs.Recognitions = []culture.Recognition{}
	ps3, err := cx.Pitfalls(&withRecs, []culture.Initiative{in}, cx.PitfallOptions{Now: now, Indicators: indicators})
	require.NoError(t, err)
	require.Equal(t, 1, countKind(ps3, cx.WinsNotCelebrated), "the panel's recognitions: none")
	ps3, err = cx.Pitfalls(&withRecs, []culture.Initiative{in}, cx.PitfallOptions{Now: now, Indicators: indicators,
		Recognitions: []culture.Recognition{{Recognized: "a", By: "b", Behavior: culture.Empowerment, Unit: "t2", At: t0.AddDate(0, 0, 200)}}})
	require.NoError(t, err)
	require.Zero(t, countKind(ps3, cx.WinsNotCelebrated))
	// Without recognitions recorded at all, the check does not run.
	ps2, err := cx.Pitfalls(p, []culture.Initiative{in}, cx.PitfallOptions{Now: now, Indicators: indicators})
	require.NoError(t, err)
	for _, pf := range ps2 {
		require.NotEqual(t, cx.WinsNotCelebrated, pf.Kind)
	}
}

// A program whose surveys keep running: the leader checks 15 days after
// each monthly survey. Once a win has shown in a survey closed more than
// the 30-day grace ago, an unrecognized win is a pitfall, though every
// new survey shows the win again.
func TestWinsNotCelebratedWhileSurveysContinue(t *testing.T) {
	h := fixtureHierarchy(t)
	units := []string{"t1", "t2", "t3", "t4", "t5"}
	treated := map[string]bool{}
	for _, u := range units {
		treated[u] = true
	}
	full := simPanel(t, h, simSpec{seed: 3, waves: 12, n: 30, base: 0.45, lift: 0.25, from: 3, treated: treated,
		lifted: map[string]bool{culture.CustomerFocus: true, culture.Empowerment: true}})
	in := fixtureInitiative(units, 3)
	in.End = t0.AddDate(0, 0, 1000)
	in.Kind = culture.ChangeProgram
	indicators := []culture.Indicator{{ID: "cf", Behavior: culture.CustomerFocus, Name: "CF", Source: culture.Source{Items: []string{"cf_practice"}}},
		{ID: "em", Behavior: culture.Empowerment, Name: "EM", Source: culture.Source{Items: []string{"em_practice"}}}}
	upTo := func(k int) *cx.Panel {
		p := *full
		p.Waves = full.Waves[:k]
		p.Tallies = full.Tallies.Clone()
		for c := range p.Tallies.Answers {
			if c.Wave > p.Waves[k-1].ID {
				delete(p.Tallies.Answers, c)
				delete(p.Tallies.Respondents, cx.Group{Unit: c.Unit, Wave: c.Wave})
			}
		}
		return &p
	}
	first := 0
	for k := 4; k <= 12; k++ {
		p := upTo(k)
		im, err := cx.EstimateImpact(p, in, cx.ImpactOptions{})
		require.NoError(t, err)
		wins := len(cx.Wins(im))
		now := p.Waves[k-1].Opens.AddDate(0, 0, 15)
		ps, err := cx.Pitfalls(p, []culture.Initiative{in}, cx.PitfallOptions{Now: now, Indicators: indicators, Recognitions: []culture.Recognition{}})
		require.NoError(t, err)
		fired := false
		for _, pf := range ps {
			fired = fired || pf.Kind == cx.WinsNotCelebrated
		}
		if wins > 0 && first == 0 {
			first = k
		}
		switch {
		case first == 0 || k == first:
			require.False(t, fired, "after survey %d: no win yet, or a win shown 15 days ago", k)
		case k >= first+2:
			require.True(t, fired, "after survey %d: the win first showed after survey %d, more than 30 days ago", k, first)
		}
	}
	require.NotZero(t, first, "a win shows")
	require.Less(t, first, 11)
}

func countKind(ps []cx.Pitfall, k cx.PitfallKind) int {
	n := 0
	for _, pf := range ps {
		if pf.Kind == k {
			n++
		}
	}
	return n
}
