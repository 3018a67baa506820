package cx_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/survey"
)

func checksOf(ps []cx.Pitfall, name string) map[string]cx.Pitfall {
	out := map[string]cx.Pitfall{}
	for _, p := range ps {
		if p.Name == name {
			out[p.Check+" "+p.Measure] = p
		}
	}
	return out
}

func TestPitfalls(t *testing.T) {
	h := fixtureHierarchy(t)
	treated := map[string]bool{"t1": true, "t2": true, "t3": true, "t4": true, "t5": true}
	p := simPanel(t, h, simSpec{seed: 5, waves: 8, n: 40, base: 0.45, lift: 0.3, from: 3, treated: treated,
		// Beliefs rise, practices do not.
		items: map[string]bool{"cf_belief": true, "em_belief": true}})
	now := t0.AddDate(0, 0, 300)
	indicators := []culture.Indicator{
		{ID: "cf_seen", Behavior: culture.CustomerFocus, Name: "Customer focus seen", Source: culture.Source{Items: []string{"cf_practice"}}},
		{ID: "em_seen", Behavior: culture.Empowerment, Name: "Empowerment seen", Source: culture.Source{Items: []string{"em_practice"}}},
	}
	units := []string{"t1", "t2", "t3", "t4", "t5"}

	good := fixtureInitiative(units, 3)
	good.Name = "Good"
	good.End = t0.AddDate(0, 0, 400)
	good.Kind = culture.ChangeProgram

	decree := fixtureInitiative(units, 3)
	decree.ID = uuid.MustParse("00000000-0000-4000-8000-000000000002")
	decree.Name = "Decree"
	decree.Participants = []string{"COO"}
	decree.MissionLink = ""
	decree.Outcomes = []culture.OutcomeTarget{{Metric: "csat", Baseline: 0.7, Target: 0.8}}
	decree.Behaviors = []string{culture.CustomerFocus, culture.Agility}
	decree.Status = culture.Completed
	decree.History = []culture.Transition{{From: culture.Planned, To: culture.Active, At: decree.Start},
		{From: culture.Active, To: culture.Completed, At: decree.Start.AddDate(0, 0, 90)}}

	early := fixtureInitiative([]string{"t7"}, 0)
	early.ID = uuid.MustParse("00000000-0000-4000-8000-000000000003")
	early.Name = "Early"
	early.Start = t0.AddDate(0, 0, -60)
	early.End = t0.AddDate(0, 0, 20)
	early.Outcomes = nil

	ps, err := cx.Pitfalls(p, []culture.Initiative{good, decree, early}, cx.PitfallOptions{Now: now, Indicators: indicators})
	require.NoError(t, err)
	g := checksOf(ps, "Good")
	require.Len(t, g, 2, "%v", g)
	// The good initiative lifted beliefs only: that is the one pitfall.
	for _, b := range []string{"customer_focus", "empowerment"} {
		pf, ok := g["beliefs_outpace_practice behavior:"+b]
		require.True(t, ok, b)
		require.Equal(t, cx.ChangeByDecree, pf.Kind)
		name := strings.ReplaceAll(b, "_", " ")
		require.True(t, strings.HasPrefix(pf.Summary, "Good raised belief in "+name+" during it, but "+name+" in practice did not follow: the gap between belief and practice widened by "), pf.Summary)
		require.Len(t, pf.Evidence, 3)
		require.True(t, strings.HasPrefix(pf.Evidence[0], "belief in "+name+" changed by +"), pf.Evidence[0])
		require.Contains(t, pf.Evidence[0], "(significant; 5 units against 7)")
		require.True(t, strings.HasPrefix(pf.Evidence[1], name+" in practice changed by "), pf.Evidence[1])
		require.True(t, strings.HasPrefix(pf.Evidence[2], "gap between belief in and practice of "+name+" changed by +"), pf.Evidence[2])
	}

	d := checksOf(ps, "Decree")
	for _, k := range []string{"no_participants ", "no_indicators behavior:agility", "no_mission_link ", "outcome_not_measured csat",
		"beliefs_outpace_practice behavior:customer_focus"} {
		pf, ok := d[k]
		require.True(t, ok, "missing %q in %v", k, d)
		require.NotEmpty(t, pf.Summary)
		require.NotEmpty(t, pf.Evidence, k)
		require.Equal(t, decree.ID, pf.Initiative)
	}
	require.NotContains(t, d, "no_indicators behavior:customer_focus")
	require.NotContains(t, d, "no_outcome ")
	// Too little data after the end is said in Sustain, and is no pitfall.
	require.NotContains(t, d, "measurement_stopped ")
	require.NotContains(t, d, "ended_before_embedded csat")

	e := checksOf(ps, "Early")
	require.Contains(t, e, "no_baseline ")
	require.Contains(t, e, "no_outcome ")
	require.Equal(t, cx.NoBaseline, e["no_baseline "].Kind)
	_, err = json.Marshal(ps)
	require.NoError(t, err)

	_, err = cx.Pitfalls(p, []culture.Initiative{{Name: "x"}}, cx.PitfallOptions{})
	var ve *cx.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Contains(t, ve.Error(), "now: required")
	require.Contains(t, ve.Error(), "initiatives[0].owner")
}

func TestPitfallsStoppedTooSoonAndFading(t *testing.T) {
	h := fixtureHierarchy(t)
	units := []string{"t1", "t2", "t3", "t4", "t5"}
	treated := map[string]bool{"t1": true, "t2": true, "t3": true, "t4": true, "t5": true}
	// The lift shows in waves 4-7 only: it fades after the end.
	a := simPanel(t, h, simSpec{seed: 9, waves: 12, n: 40, base: 0.45, lift: 0.3, from: 3, treated: treated,
		lifted: map[string]bool{culture.CustomerFocus: true, culture.Empowerment: true}})
	b := simPanel(t, h, simSpec{seed: 9, waves: 12, n: 40, base: 0.45, from: 3})
	for c, v := range b.Tallies.Answers {
		if c.Wave >= "w08" {
			a.Tallies.Answers[c] = v
		}
	}
	in := fixtureInitiative(units, 3)
	in.Status = culture.Stopped
	in.History = []culture.Transition{{From: culture.Planned, To: culture.Active, At: in.Start},
		{From: culture.Active, To: culture.Stopped, At: in.Start.AddDate(0, 0, 60)}}
	ps, err := cx.Pitfalls(a, []culture.Initiative{in}, cx.PitfallOptions{Now: t0.AddDate(0, 0, 400),
		Indicators: []culture.Indicator{{ID: "a", Behavior: culture.CustomerFocus, Name: "A", Source: culture.Source{Metric: "x"}},
			{ID: "b", Behavior: culture.Empowerment, Name: "B", Source: culture.Source{Metric: "x"}}}})
	require.NoError(t, err)
	c := checksOf(ps, in.Name)
	// Stopped early is no pitfall of its own: the fading gain is, and
	// its evidence says the initiative was stopped early.
	require.NotContains(t, c, "stopped_early ")
	require.Contains(t, c, "gains_fading behavior:customer_focus")
	require.Equal(t, "Customer first was stopped on 4 Jun 2026, before its planned end on 4 Jul 2026", c["gains_fading behavior:customer_focus"].Evidence[0])
	require.NotContains(t, c, "measurement_stopped ")
	fading := c["gains_fading behavior:customer_focus"]
	require.Equal(t, cx.StoppingTooSoon, fading.Kind)
	require.True(t, strings.HasPrefix(fading.Summary, "Customer first stopped too soon: its gain in customer focus, +"), fading.Summary)
	require.Contains(t, fading.Summary, "faded after it ended on 4 Jun 2026")
}

func TestPitfallsFatigueAndBreaks(t *testing.T) {
	h := fixtureHierarchy(t)
	p := simPanel(t, h, simSpec{seed: 2, waves: 8, n: 30, base: 0.5})
	for i := range p.Waves {
		p.Waves[i].Invited = map[string]int{}
		for _, u := range h.IDs() {
			if h.IsLeaf(u) {
				p.Waves[i].Invited[u] = 40
				p.Tallies.Respondents[cx.Group{Unit: u, Wave: p.Waves[i].ID}] = int64(36 - 3*i)
			}
		}
	}
	s := p.Survey.Clone()
	s.Items[4].Version = 2
	p.Fielded = map[string]survey.Survey{"w08": s}
	ps, err := cx.Pitfalls(p, nil, cx.PitfallOptions{Now: t0.AddDate(0, 0, 300)})
	require.NoError(t, err)
	var fatigue, breaks []cx.Pitfall
	for _, pf := range ps {
		switch pf.Kind {
		case cx.SurveyFatigue:
			fatigue = append(fatigue, pf)
		case cx.ComparabilityBreakKind:
			breaks = append(breaks, pf)
		}
	}
	require.Len(t, fatigue, 3, "the organization and both divisions")
	require.Equal(t, "org", fatigue[0].Unit)
	require.Equal(t, "response rate in Org fell from 90% to 38% over 8 surveys", fatigue[0].Summary)
	require.Contains(t, fatigue[0].Evidence[0], "the survey of 5 Jan 2026: 90%, the survey of 4 Feb 2026: 82%")
	require.Len(t, breaks, 2, "behavior and mean of agility")
	require.Equal(t, "agility cannot be compared between the survey of 4 Jul 2026 and the survey of 3 Aug 2026: its questions changed", breaks[0].Summary)
	require.Equal(t, []string{`the item "Statement ag_practice" changed (version 1, then 2)`}, breaks[0].Evidence)
	require.Equal(t, "falling by 7.5 percentage points a survey on average (p < 0.0001)", fatigue[0].Evidence[1], "the rates fall by 3 of 40 a survey")

	// Steady response: no fatigue.
	q := simPanel(t, h, simSpec{seed: 2, waves: 8, n: 30, base: 0.5})
	ps, err = cx.Pitfalls(q, nil, cx.PitfallOptions{Now: t0.AddDate(0, 0, 300)})
	require.NoError(t, err)
	require.Empty(t, ps)
}
