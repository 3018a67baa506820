package cx_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/cx"
)

// pairedPerson is one response of a regression case: who, from which
// unit, with which answer to both items.
type pairedPerson struct {
	id, unit string
	answer   int
}

// pairedWorldOf builds a world of units and, per wave, its responses.
func pairedWorldOf(units []cx.Unit, waves ...[]pairedPerson) pairedWorld {
	w := pairedWorld{units: units}
	for _, ps := range waves {
		m := map[string]map[string]int{}
		for _, p := range ps {
			i := slices.IndexFunc(units, func(u cx.Unit) bool { return u.ID == p.unit })
			m[p.id] = map[string]int{pairedUnitKey: i, "cf": p.answer, "in": 1 + p.answer%5}
		}
		w.answers = append(w.answers, m)
	}
	return w
}

// people returns n people of a unit, named prefix0.., answering by f.
func people(unit, prefix string, n int, f func(i int) int) []pairedPerson {
	var out []pairedPerson
	for i := range n {
		out = append(out, pairedPerson{fmt.Sprintf("%s%d", prefix, i), unit, f(i)})
	}
	return out
}

// pairedRows returns the rows of the paired change of w2 against w1, by
// unit, after checking that the attacker works nothing out.
func pairedRows(t *testing.T, w pairedWorld) map[string]cx.PairedUnit {
	t.Helper()
	p, err := w.program(t.Context())
	require.NoError(t, err)
	msg, err := w.attack(t.Context(), p)
	require.NoError(t, err)
	assert.Empty(t, msg)
	pc, err := p.PairedChange(t.Context(), "pulse", cx.PairedOptions{Wave: "w2", Baseline: "w1", AllUnits: true})
	require.NoError(t, err)
	out := map[string]cx.PairedUnit{}
	for _, u := range pc.Units {
		out[u.Unit] = u
		if u.Suppressed {
			assert.NotContains(t, u.Reason, "w1", "reasons name waves by name or date")
			assert.NotContains(t, u.Reason, "@", "reasons name no cells")
		}
	}
	return out
}

var pairedOrg = []cx.Unit{{ID: "org", Name: "Agency"}, {ID: "d1", Parent: "org", Name: "Claims"}, {ID: "d2", Parent: "org", Name: "Benefits"},
	{ID: "t1", Parent: "d1", Name: "Claims intake"}, {ID: "t2", Parent: "d1", Name: "Claims review"},
	{ID: "t3", Parent: "d2", Name: "Benefits desk"}, {ID: "t4", Parent: "d2", Name: "Benefits online"}}

// A newcomer's answers were the scorecard's figure minus the paired one:
// team t1 has 6 respondents in April, 5 of whom answered in January.
func TestPairedNewcomerIsNotWorkedOut(t *testing.T) {
	answer := func(i int) int { return 1 + i%5 }
	var w1, w2 []pairedPerson
	for _, u := range []struct {
		id string
		n  int
	}{{"t1", 6}, {"t2", 8}, {"t3", 7}, {"t4", 9}} {
		all := people(u.id, u.id+"-", u.n, answer)
		w2 = append(w2, all...)
		if u.id == "t1" {
			all = all[:u.n-1] // the newcomer answered April only
		}
		w1 = append(w1, all...)
	}
	rows := pairedRows(t, pairedWorldOf(pairedOrg, w1, w2))
	assert.True(t, rows["t1"].Suppressed, "one newcomer")
	assert.True(t, rows["d1"].Suppressed, "Claims minus its scorecard figure is the newcomer too")
	assert.True(t, rows["org"].Suppressed)
	for _, u := range []string{"t2", "t3", "t4", "d2"} {
		assert.False(t, rows[u].Suppressed, u)
	}
}

// A hidden team's pairs were its division's paired figures minus its
// sibling's: Claims has 11 pairs, intake 8, so review has 3.
func TestPairedChildIsNotWorkedOutFromItsParent(t *testing.T) {
	answer := func(i int) int { return 1 + (i*3)%5 }
	w2 := slices.Concat(people("t1", "a", 8, answer), people("t2", "b", 8, answer), people("t3", "c", 7, answer), people("t4", "d", 9, answer))
	w1 := slices.Concat(people("t1", "a", 8, answer), people("t2", "b", 3, answer), people("t2", "left", 5, answer), people("t3", "c", 7, answer),
		people("t4", "d", 9, answer))
	rows := pairedRows(t, pairedWorldOf(pairedOrg, w1, w2))
	assert.True(t, rows["t2"].Suppressed, "3 pairs")
	assert.True(t, rows["d1"].Suppressed, "Claims minus intake would be review's 3 pairs")
	assert.False(t, rows["t1"].Suppressed)
	assert.Equal(t, int64(8), rows["t1"].Pairs)
}

var pairedTwoTeams = []cx.Unit{{ID: "org", Name: "Agency"}, {ID: "a", Parent: "org", Name: "Alpha"}, {ID: "b", Parent: "org", Name: "Beta"}}

// Two leavers' January answers were the scorecard's January figure minus
// the paired figure's January side (and two joiners' likewise in April).
func TestPairedLeaversAreNotWorkedOut(t *testing.T) {
	scores := []int{5, 4, 4, 2, 2, 1, 5}
	w1 := slices.Concat(people("a", "a", 7, func(i int) int { return scores[i] }), people("b", "b", 10, func(i int) int { return 1 + i%5 }))
	w2 := slices.Concat(people("a", "a", 5, func(int) int { return 4 }), []pairedPerson{{"a-new1", "a", 1}, {"a-new2", "a", 2}},
		people("b", "b", 10, func(i int) int { return 1 + i%5 }))
	rows := pairedRows(t, pairedWorldOf(pairedTwoTeams, w1, w2))
	assert.True(t, rows["a"].Suppressed, "2 leavers and 2 joiners")
	assert.True(t, rows["org"].Suppressed, "the agency minus Beta is Alpha")
	assert.False(t, rows["b"].Suppressed)
}

// The January plan hid Alpha to protect Beta's 3 people; Alpha's paired
// figures gave Alpha's January figures back, and the agency's minus them
// Beta's.
func TestPairedKeepsTheBaselineHidden(t *testing.T) {
	w1 := slices.Concat(people("a", "a", 6, func(i int) int { return 1 + i%5 }), []pairedPerson{{"b0", "b", 5}, {"b1", "b", 5}, {"b2", "b", 1}})
	w2 := slices.Concat(people("a", "a", 10, func(i int) int { return []int{4, 4, 4, 4, 4, 4, 2, 2, 2, 2}[i] }), people("b", "nb", 10, func(int) int { return 3 }))
	rows := pairedRows(t, pairedWorldOf(pairedTwoTeams, w1, w2))
	require.True(t, rows["a"].Suppressed)
	assert.Contains(t, rows["a"].Reason, "January 2026", "hidden in the baseline, named by its name")
	assert.True(t, rows["org"].Suppressed, "the agency's pairs are Alpha's 6")
}

// People who moved between teams are pairs of the team they answered the
// later wave from: their answers were the new team's paired figure minus
// its scorecard's baseline.
func TestPairedMoversAreNotWorkedOut(t *testing.T) {
	w1 := slices.Concat(people("a", "a", 10, func(i int) int { return 1 + i%5 }), people("b", "b", 10, func(i int) int { return 1 + i%4 }))
	w2 := slices.Concat(people("a", "a", 9, func(i int) int { return 2 + i%4 }), people("b", "b", 10, func(i int) int { return 1 + i%3 }))
	w2 = append(w2, pairedPerson{"a9", "b", 5}) // a9 moved to Beta
	rows := pairedRows(t, pairedWorldOf(pairedTwoTeams, w1, w2))
	assert.True(t, rows["b"].Suppressed, "one mover among Beta's pairs")
	assert.True(t, rows["a"].Suppressed, "one mover among Alpha's January respondents")
	assert.False(t, rows["org"].Suppressed, "nobody joined or left the agency")
	assert.Equal(t, int64(20), rows["org"].Pairs)
	for _, u := range rows {
		assert.False(t, strings.Contains(u.Reason, "@"), u.Reason)
	}
}

// Each pair of waves alone hides nothing here, but a reader who asks for
// both gives one person away: in April and July Alpha's pairs against
// January are 11, against April 10, and the difference is the one person
// who skipped April (5 newcomers in July keep each pair's joiners large).
func TestPairedAcrossPairsOfWaves(t *testing.T) {
	answer := func(i int) int { return 1 + i%5 }
	x := pairedPerson{"x", "a", 2}
	beta := people("b", "b", 10, answer)
	w1 := slices.Concat(people("a", "a", 10, answer), []pairedPerson{x}, beta)
	w2 := slices.Concat(people("a", "a", 10, answer), beta)
	w3 := slices.Concat(people("a", "a", 10, answer), []pairedPerson{x}, people("a", "new", 5, answer), beta)
	w := pairedWorldOf(pairedTwoTeams, w1, w2, w3)
	p, err := w.program(t.Context())
	require.NoError(t, err)
	msg, err := w.attack(t.Context(), p)
	require.NoError(t, err)
	assert.Empty(t, msg)
	hidden := 0
	for _, base := range []string{"w1", "w2"} {
		pc, err := p.PairedChange(t.Context(), "pulse", cx.PairedOptions{Wave: "w3", Baseline: base, Units: []string{"a"}})
		require.NoError(t, err)
		if pc.Units[0].Suppressed {
			hidden++
		}
	}
	assert.Positive(t, hidden, "Alpha against January or against April")
}

// Two people leaving Claims intake and three leaving Claims review hide
// those teams' paired figures, but not Claims', Benefits' or the
// agency's: subtracting what is shown gives the five leavers of Claims
// together, never a team's; the attacker (independent of the planner)
// finds no group below the minimum.
func TestPairedFewLeaversHideOnlyTheirTeams(t *testing.T) {
	answer := func(i int) int { return 1 + (i*2)%5 }
	stay := slices.Concat(people("t1", "a", 10, answer), people("t2", "b", 8, answer), people("t3", "c", 9, answer), people("t4", "d", 7, answer))
	w1 := slices.Concat(stay, people("t1", "a-left", 2, answer), people("t2", "b-left", 3, answer), people("t4", "d-left", 5, answer))
	w2 := slices.Concat(stay, people("t3", "c-new", 5, answer))
	rows := pairedRows(t, pairedWorldOf(pairedOrg, w1, w2))
	assert.True(t, rows["t1"].Suppressed, "2 leavers")
	assert.True(t, rows["t2"].Suppressed, "3 leavers")
	for u, pairs := range map[string]int64{"d1": 18, "t3": 9, "t4": 7, "d2": 16, "org": 34} {
		assert.False(t, rows[u].Suppressed, "%s: %s", u, rows[u].Reason)
		assert.Equal(t, pairs, rows[u].Pairs, u)
	}
}
