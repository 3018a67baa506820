package cx_test

import (
	"fmt"
	"maps"
	"math"
	"math/rand"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/leanovate/gopter/prop"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
	cxorg "github.com/cxculture/cxculture/cx/org"
	"github.com/cxculture/cxculture/survey"
)

var (
	reorgW1   = survey.Wave{ID: "w1", Survey: "pulse", Name: "January", Opens: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), Closes: time.Date(2026, 1, 19, 0, 0, 0, 0, time.UTC)}
	reorgW2   = survey.Wave{ID: "w2", Survey: "pulse", Name: "April", Opens: time.Date(2026, 4, 6, 0, 0, 0, 0, time.UTC), Closes: time.Date(2026, 4, 20, 0, 0, 0, 0, time.UTC)}
	reorgDate = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
)

// reorgProgram has a reorganization between two waves: North and South
// merge into Central, West moves from Ops to Sales, Support is split into
// Support A and Support B, and East is added.
func reorgProgram(t *testing.T, counts map[string][2]int) *cx.Program {
	t.Helper()
	ctx := t.Context()
	p, _ := newProgram(t)
	require.NoError(t, p.DefineUnits(ctx,
		cx.Unit{ID: "org", Name: "Agency"}, cx.Unit{ID: "sales", Parent: "org", Name: "Sales"},
		cx.Unit{ID: "north", Parent: "sales", Name: "North"}, cx.Unit{ID: "south", Parent: "sales", Name: "South"},
		cx.Unit{ID: "ops", Parent: "org", Name: "Operations"}, cx.Unit{ID: "west", Parent: "ops", Name: "West"},
		cx.Unit{ID: "support", Parent: "ops", Name: "Support"}))
	require.NoError(t, p.ChangeOrg(ctx,
		cx.OrgChange{Kind: cxorg.Merge, Effective: reorgDate, Unit: cx.Unit{ID: "central", Name: "Central"}, From: []string{"north", "south"}},
		cx.OrgChange{Kind: cxorg.Move, Effective: reorgDate, Unit: cx.Unit{ID: "west", Parent: "sales"}},
		cx.OrgChange{Kind: cxorg.Split, Effective: reorgDate, Unit: cx.Unit{ID: "support"}, Into: []cx.Unit{{ID: "support_a", Name: "Support A"}, {ID: "support_b", Name: "Support B"}}},
		cx.OrgChange{Kind: cxorg.Add, Effective: reorgDate, Unit: cx.Unit{ID: "east", Parent: "ops", Name: "East"}}))
	require.NoError(t, p.DefineSurvey(ctx, rewordSurvey()))
	require.NoError(t, p.OpenWave(ctx, reorgW1))
	require.NoError(t, p.OpenWave(ctx, reorgW2))
	var rs []survey.Response
	for _, unit := range slices.Sorted(mapsKeys(counts)) {
		for wi, w := range []survey.Wave{reorgW1, reorgW2} {
			for i := range counts[unit][wi] {
				// Favorable answers: a third of each unit's people in
				// January, two thirds in April.
				fav := i%3 == 0
				if wi == 1 {
					fav = i%3 != 0
				}
				a := map[string]int{"cf_belief": 2, "cf_practice": 2}
				if fav {
					a["cf_belief"], a["cf_practice"] = 5, 4
				}
				rs = append(rs, survey.Response{ID: uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "%s-%s-%d", unit, w.ID, i)), Survey: "pulse", Wave: w.ID,
					Unit: unit, Submitted: w.Opens.Add(time.Hour), Answers: a})
			}
		}
	}
	_, err := p.RecordResponses(ctx, rs)
	require.NoError(t, err)
	return p
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

var reorgCounts = map[string][2]int{
	"north": {21, 0}, "south": {24, 0}, "central": {0, 42},
	"west": {15, 18}, "support": {30, 0}, "support_a": {0, 15}, "support_b": {0, 12}, "east": {0, 9},
}

func TestScorecardAcrossReorganization(t *testing.T) {
	ctx := t.Context()
	p := reorgProgram(t, reorgCounts)

	// Each wave is scored on the org in force when it opened.
	jan, err := p.Scorecard(ctx, "pulse", cx.ScorecardOptions{Wave: "w1"})
	require.NoError(t, err)
	var ids []string
	for _, u := range jan.Units {
		ids = append(ids, u.Unit)
	}
	assert.Equal(t, []string{"org", "ops", "support", "west", "sales", "north", "south"}, ids)
	ops, _ := jan.Unit("ops")
	assert.Equal(t, int64(45), ops.Respondents, "in January Operations rolls up West and Support")

	sc, err := p.Scorecard(ctx, "pulse", cx.ScorecardOptions{Wave: "w2", Baseline: "w1"})
	require.NoError(t, err)
	ids = nil
	for _, u := range sc.Units {
		ids = append(ids, u.Unit)
	}
	assert.Equal(t, []string{"org", "ops", "east", "support_a", "support_b", "sales", "central", "west"}, ids)
	byID := map[string]cx.UnitScore{}
	for _, u := range sc.Units {
		byID[u.Unit] = u
	}
	// favorable answers over both items: a third of each baseline unit's
	// people answered favorably on both.
	favJan := func(units ...string) (fav, n int64) {
		for _, u := range units {
			c := int64(reorgCounts[u][0])
			fav += 2 * ((c + 2) / 3)
			n += 2 * c
		}
		return fav, n
	}
	check := func(unit string, restated bool, base ...string) {
		t.Helper()
		u := byID[unit]
		require.False(t, u.Suppressed, unit)
		assert.Empty(t, u.NotComparable, unit)
		ch := u.Behaviors[0].Change
		require.NotNil(t, ch, "%s is compared with the baseline", unit)
		fav, n := favJan(base...)
		assert.Equal(t, fav, ch.Baseline.Successes, "%s: the baseline counts %v", unit, base)
		assert.Equal(t, n, ch.Baseline.N, "%s: the baseline counts %v", unit, base)
		assert.Equal(t, restated, u.Restated != "", "%s: %q", unit, u.Restated)
	}
	check("central", true, "north", "south")
	check("west", false, "west")
	check("sales", true, "north", "south", "west")
	check("ops", true, "support")
	check("org", true, "north", "south", "west", "support")
	assert.Equal(t, "Agency is compared with its baseline; it now also counts East (added on 1 March 2026, after the baseline), which the baseline did not have", byID["org"].Restated)
	assert.Contains(t, byID["central"].Restated, "North (merged on 1 March 2026)")
	assert.Contains(t, byID["sales"].Restated, "with West (moved on 1 March 2026)")
	assert.Contains(t, byID["ops"].Restated, "without West")
	assert.Contains(t, byID["ops"].Restated, "East (added on 1 March 2026, after the baseline)")
	for _, u := range []string{"support_a", "support_b"} {
		assert.Nil(t, byID[u].Behaviors[0].Change, u)
		assert.Contains(t, byID[u].NotComparable, "Support was split on 1 March 2026", u)
	}
	assert.Contains(t, byID["east"].NotComparable, "East is new since the baseline")
	assert.Nil(t, byID["east"].Behaviors[0].Change)
}

// TestRestatedBaselinePrivacy: a restated baseline that would tell a
// hidden group is not shown. West had 3 people in January (hidden), so
// Sales restated with West would give West's figures by subtraction
// from the shown North and South.
func TestRestatedBaselinePrivacy(t *testing.T) {
	ctx := t.Context()
	counts := map[string][2]int{"north": {21, 0}, "south": {24, 0}, "central": {0, 42}, "west": {3, 18},
		"support": {30, 0}, "support_a": {0, 15}, "support_b": {0, 12}, "east": {0, 9}}
	p := reorgProgram(t, counts)
	sc, err := p.Scorecard(ctx, "pulse", cx.ScorecardOptions{Wave: "w2", Baseline: "w1"})
	require.NoError(t, err)
	sales, _ := sc.Unit("sales")
	require.False(t, sales.Suppressed)
	assert.Nil(t, sales.Behaviors[0].Change, "Sales' restated baseline would tell West's hidden January figures")
	central, _ := sc.Unit("central")
	assert.NotNil(t, central.Behaviors[0].Change, "Central's restated baseline adds up from shown groups")
	// With the bare threshold too.
	sc, err = p.Scorecard(ctx, "pulse", cx.ScorecardOptions{Wave: "w2", Baseline: "w1", UnitMinimumOnly: true})
	require.NoError(t, err)
	sales, _ = sc.Unit("sales")
	assert.Nil(t, sales.Behaviors[0].Change)
}

// TestRollUpAtEveryWave states the law of scoring on the org of each
// wave: on random org histories and responses, a unit's figures in a
// wave's scorecard (respondents, favorable answers and answers, the sum
// of the answers, per behavior) are those of the responses of the wave in
// the units at or below it in the org in force when the wave opened, and
// nothing else. The org of each wave is the generator's own record of
// the org it built (cxgen.OrgStory), not a replay of the changes.
func TestRollUpAtEveryWave(t *testing.T) {
	props := cxgen.NewProperties(t, 40)
	props.Property("a roll-up at any wave equals tallying the responses of the units in force at that wave", prop.ForAll(
		func(story cxgen.OrgStory, seed int64) string {
			ctx := t.Context()
			p, _, err := makeProgram()
			if err != nil {
				return err.Error()
			}
			if err := p.ChangeOrg(ctx, story.Changes...); err != nil {
				return "ChangeOrg: " + err.Error()
			}
			if err := p.DefineSurvey(ctx, rewordSurvey()); err != nil {
				return err.Error()
			}
			r := rand.New(rand.NewSource(seed))
			span := 48 * time.Hour
			if last := story.States[len(story.States)-1].At; last.After(cxgen.Base) {
				span += last.Sub(cxgen.Base)
			}
			var waves []survey.Wave
			for i := range 4 {
				opens := cxgen.Base.Add(time.Duration(r.Int63n(int64(span)))).Truncate(time.Hour)
				w := survey.Wave{ID: fmt.Sprintf("w%d", i), Survey: "pulse", Opens: opens, Closes: opens.Add(time.Hour)}
				if err := p.OpenWave(ctx, w); err != nil {
					return err.Error()
				}
				waves = append(waves, w)
			}
			// tally is what the responses of a unit and wave hold, per item.
			type tally struct{ respondents, fav, n, sum int64 }
			direct := map[cx.Group]*tally{}
			var rs []survey.Response
			for _, w := range waves {
				ids := slices.Sorted(maps.Keys(story.At(w.Opens)))
				for i := range 5 + r.Intn(40) {
					u := ids[r.Intn(len(ids))]
					g := cx.Group{Unit: u, Wave: w.ID}
					if direct[g] == nil {
						direct[g] = &tally{}
					}
					d := direct[g]
					d.respondents++
					a := map[string]int{}
					for _, item := range []string{"cf_belief", "cf_practice"} {
						if r.Intn(5) == 0 {
							continue // not answered
						}
						v := 1 + r.Intn(5)
						a[item] = v
						d.n++
						d.sum += int64(v)
						if v >= 4 {
							d.fav++
						}
					}
					if len(a) == 0 {
						a["cf_belief"] = 3
						d.n++
						d.sum += 3
					}
					rs = append(rs, survey.Response{ID: uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "%s-%d", w.ID, i)), Survey: "pulse", Wave: w.ID, Unit: u,
						Submitted: w.Opens, Answers: a})
				}
			}
			if _, err := p.RecordResponses(ctx, rs); err != nil {
				return "RecordResponses: " + err.Error()
			}
			for _, w := range waves {
				parent := story.At(w.Opens)
				within := func(u, anc string) bool {
					for ; u != ""; u = parent[u] {
						if u == anc {
							return true
						}
					}
					return false
				}
				sc, err := p.Scorecard(ctx, "pulse", cx.ScorecardOptions{Wave: w.ID, MinGroup: 1, UnitMinimumOnly: true})
				if err != nil {
					return fmt.Sprintf("Scorecard(%s): %v", w.ID, err)
				}
				if len(sc.Units) != len(parent) {
					return fmt.Sprintf("wave %s: %d units scored, the org then had %d", w.ID, len(sc.Units), len(parent))
				}
				for _, u := range sc.Units {
					if got, ok := parent[u.Unit]; !ok || got != u.Parent {
						return fmt.Sprintf("wave %s: unit %s under %q, the org then had it under %q (in it: %v)", w.ID, u.Unit, u.Parent, got, ok)
					}
					var want tally
					for x := range parent {
						if d := direct[cx.Group{Unit: x, Wave: w.ID}]; d != nil && within(x, u.Unit) {
							want.respondents += d.respondents
							want.fav += d.fav
							want.n += d.n
							want.sum += d.sum
						}
					}
					if want.respondents == 0 {
						if u.Respondents != 0 {
							return fmt.Sprintf("wave %s, unit %s: %d respondents where no unit below it answered", w.ID, u.Unit, u.Respondents)
						}
						continue
					}
					f := u.Behaviors[0].Favorable
					got := tally{respondents: u.Respondents, fav: f.Successes, n: f.N, sum: int64(math.Round(u.Behaviors[0].Mean * float64(f.N)))}
					if got != want {
						return fmt.Sprintf("wave %s, unit %s: respondents, favorable, answers, sum %v; the units in force below it hold %v", w.ID, u.Unit, got, want)
					}
				}
			}
			return ""
		}, cxgen.OrgStories(5, 8), cxgen.From(func(r *rand.Rand) int64 { return r.Int63() })))
	props.Run()
}

// TestPanelAcrossReorganization: the panel rolls each wave up on its own
// org; a unit that did not exist has no figure in that wave, and a unit
// whose people changed starts a new comparable stretch, said to start
// with the org, not the questions.
func TestPanelAcrossReorganization(t *testing.T) {
	ctx := t.Context()
	p := reorgProgram(t, reorgCounts)
	panel, err := p.Panel(ctx, "pulse")
	require.NoError(t, err)
	require.NotNil(t, panel.Org, "Program.Panel fills the org's history")
	trends, err := cx.Trends(panel, cx.TrendOptions{Measures: []string{cx.ItemPrefix + "cf_practice"}, Units: []string{"central", "sales", "west", "org"}})
	require.NoError(t, err)
	byUnit := map[string]cx.Trend{}
	for _, tr := range trends {
		byUnit[tr.Unit] = tr
	}
	central := byUnit["central"].Points
	require.Len(t, central, 2)
	assert.True(t, central[0].Suppressed)
	assert.Equal(t, "not in the org when wave w1 opened", central[0].Reason)
	assert.False(t, central[1].Suppressed)
	assert.Equal(t, int64(42), central[1].Respondents)
	sales := byUnit["sales"].Points
	assert.Equal(t, int64(21+24), sales[0].Respondents, "in January Sales rolls up North and South")
	assert.Equal(t, int64(42+18), sales[1].Respondents, "in April, Central and West")
	assert.NotEqual(t, sales[0].Segment, sales[1].Segment, "Sales' people changed: a new stretch")
	assert.True(t, sales[1].OrgChanged, "the stretch starts with the org")
	assert.False(t, sales[1].QuestionsChanged, "the questions did not change")
	assert.Contains(t, byUnit["sales"].Evidence, "the org changed before April: only the results from April on are compared")
	west := byUnit["west"].Points
	assert.Equal(t, west[0].Segment, west[1].Segment, "West moved but kept its people")
	assert.False(t, west[1].OrgChanged || west[1].QuestionsChanged)
}

// TestResponsesInTheirWavesOrg: a response must name a unit in force when
// its wave opened.
func TestResponsesInTheirWavesOrg(t *testing.T) {
	ctx := t.Context()
	p := reorgProgram(t, map[string][2]int{"north": {1, 0}})
	late := survey.Response{ID: uuid.NewSHA1(uuid.NameSpaceOID, []byte("late")), Survey: "pulse", Wave: "w2", Unit: "north",
		Submitted: reorgW2.Opens.Add(time.Hour), Answers: map[string]int{"cf_belief": 4}}
	_, err := p.RecordResponses(ctx, []survey.Response{late})
	assert.Empty(t, wantProblem(err, fmt.Sprintf("responses[0 %s].unit", late.ID), `unit "north" was not in the org then: it was closed, merged or split on 1 March 2026 (wave w2 opened on 6 April 2026)`))
	early := late
	early.ID, early.Wave, early.Unit, early.Submitted = uuid.NewSHA1(uuid.NameSpaceOID, []byte("early")), "w1", "central", reorgW1.Opens.Add(time.Hour)
	_, err = p.RecordResponses(ctx, []survey.Response{early})
	assert.Empty(t, wantProblem(err, fmt.Sprintf("responses[0 %s].unit", early.ID), "it was added on 1 March 2026"))
}
