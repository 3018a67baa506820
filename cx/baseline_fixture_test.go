package cx_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/metrics"
	"github.com/cxculture/cxculture/survey"
)

// t0 is when the first wave of the fixtures opens; waves are 30 days
// apart.
var t0 = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// fixtureSurvey has a belief and a behavior item for customer focus and
// empowerment, one behavior item for agility, and eNPS.
func fixtureSurvey() survey.Survey {
	it := func(id, construct string, kind survey.ItemKind) survey.Item {
		return survey.Item{ID: id, Text: "Statement " + id, Scale: survey.Likert5, Construct: construct, Kind: kind, Version: 1}
	}
	return survey.Survey{ID: "pulse", Name: "Pulse", Audience: survey.Employee, Version: 1, Items: []survey.Item{
		it("cf_belief", culture.CustomerFocus, survey.Belief),
		it("cf_practice", culture.CustomerFocus, survey.Behavior),
		it("em_belief", culture.Empowerment, survey.Belief),
		it("em_practice", culture.Empowerment, survey.Behavior),
		it("ag_practice", culture.Agility, survey.Behavior),
		{ID: "enps", Text: "Recommend", Scale: survey.NPS, Construct: survey.ENPS, Kind: survey.Outcome, Version: 1},
	}}
}

// fixtureHierarchy is org → d1 (t1..t6), d2 (t7..t12).
func fixtureHierarchy(t testing.TB) *cx.Hierarchy {
	units := []cx.Unit{{ID: "org", Name: "Org"}, {ID: "d1", Parent: "org", Name: "D1"}, {ID: "d2", Parent: "org", Name: "D2"}}
	for i := 1; i <= 12; i++ {
		d := "d1"
		if i > 6 {
			d = "d2"
		}
		units = append(units, cx.Unit{ID: fmt.Sprintf("t%d", i), Parent: d, Name: fmt.Sprintf("Team %d", i)})
	}
	h, err := cx.NewHierarchy(units)
	require.NoError(t, err)
	return h
}

func fixtureWaves(n int) []survey.Wave {
	out := make([]survey.Wave, n)
	for i := range out {
		opens := t0.AddDate(0, 0, 30*i)
		out[i] = survey.Wave{ID: fmt.Sprintf("w%02d", i+1), Survey: "pulse", Opens: opens, Closes: opens.AddDate(0, 0, 7)}
	}
	return out
}

// setShare records n answers to a Likert-5 item in a unit and wave, fav
// of them favorable (5) and the rest unfavorable (2), and n respondents.
func setShare(t testing.TB, tl *cx.Tallies, unit, wave, item string, fav, n int64) {
	t.Helper()
	c := metrics.NewTally(1, 5)
	if err := errors.Join(c.AddCount(5, fav), c.AddCount(2, n-fav)); err != nil {
		t.Fatalf("setShare %s %s %s: %v", unit, wave, item, err)
	}
	tl.Answers[cx.Cell{Unit: unit, Wave: wave, Item: item}] = c
	tl.Respondents[cx.Group{Unit: unit, Wave: wave}] = n
}

// setNPS records eNPS answers: promoters (10), passives (8), detractors
// (3).
func setNPS(t testing.TB, tl *cx.Tallies, unit, wave string, pro, pas, det int64) {
	t.Helper()
	c := metrics.NewTally(0, 10)
	if err := errors.Join(c.AddCount(10, pro), c.AddCount(8, pas), c.AddCount(3, det)); err != nil {
		t.Fatalf("setNPS %s %s: %v", unit, wave, err)
	}
	tl.Answers[cx.Cell{Unit: unit, Wave: wave, Item: "enps"}] = c
}

// simPanel simulates shares: every team answers every item of the
// fixture survey with n respondents per wave; the favorable probability
// is base plus lift for the treated teams from wave from (0-based) on,
// for the items of the lifted constructs.
type simSpec struct {
	seed  uint64
	waves int
	n     int64
	base  float64
	lift  float64
	from  int
	// until, when above from, ends the lift before wave until (0-based).
	until   int
	treated map[string]bool
	lifted  map[string]bool
	// items, when set, lifts these item IDs instead of constructs.
	items map[string]bool
}

func simPanel(t testing.TB, h *cx.Hierarchy, sp simSpec) *cx.Panel {
	t.Helper()
	s := fixtureSurvey()
	tl := cx.NewTallies(s.ID)
	waves := fixtureWaves(sp.waves)
	r := rand.New(rand.NewPCG(sp.seed, 7))
	for _, u := range h.IDs() {
		if !h.IsLeaf(u) {
			continue
		}
		for wi, w := range waves {
			for _, it := range s.Items {
				if it.ID == "enps" {
					continue
				}
				p := sp.base
				if sp.treated[u] && wi >= sp.from && (sp.until <= sp.from || wi < sp.until) && (sp.lifted[it.Construct] || sp.items[it.ID]) {
					p += sp.lift
				}
				var fav int64
				for range sp.n {
					if r.Float64() < p {
						fav++
					}
				}
				setShare(t, tl, u, w.ID, it.ID, fav, sp.n)
			}
		}
	}
	return &cx.Panel{Hierarchy: h, Survey: s, Waves: waves, Tallies: tl}
}

// fixtureInitiative runs in units from the opening of wave index from
// (0-based) for 90 days, fostering customer focus and empowerment, with
// an outcome target on customer focus.
func fixtureInitiative(units []string, from int) culture.Initiative {
	start := t0.AddDate(0, 0, 30*from)
	return culture.Initiative{ID: uuid.MustParse("00000000-0000-4000-8000-000000000001"), Name: "Customer first", Kind: culture.NinetyDay,
		Owner: "COO", Units: units, Start: start, Behaviors: []string{culture.CustomerFocus, culture.Empowerment},
		Outcomes:    []culture.OutcomeTarget{{Metric: cx.BehaviorMeasure(culture.CustomerFocus), Baseline: 0.5, Target: 0.6}},
		MissionLink: "Serve customers well", Participants: []string{"team leads"}, Status: culture.Planned}
}
