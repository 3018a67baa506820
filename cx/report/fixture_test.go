package report_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/survey"
)

// org builds a scorecard of the culture pulse over an organization of
// divisions × teams, from seeded answers (see orgData), under the default
// privacy rules (complementary suppression).
func org(t testing.TB, divisions, teams int, seed uint64, small map[int]bool) *cx.Scorecard {
	t.Helper()
	w := orgData(t, divisions, teams, seed, small)
	pr := cx.DefaultPrivacy()
	sc, err := cx.NewScorecard(w.h, w.s, w.t, cx.ScorecardOptions{Wave: "2026-06", Baseline: "2026-01", Invited: w.invited, Privacy: &pr})
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// world is the data a scorecard is computed from.
type world struct {
	h       *cx.Hierarchy
	s       survey.Survey
	t       *cx.Tallies
	invited map[string]int
}

// orgData builds the tallies of the culture pulse over an organization of
// divisions × teams, from seeded answers: two waves, "2026-01" (baseline)
// and "2026-06"; every fourth team improves customer_focus in the second
// wave; teams listed in small have only 3 respondents in the second wave.
func orgData(t testing.TB, divisions, teams int, seed uint64, small map[int]bool) world {
	t.Helper()
	units := []cx.Unit{{ID: "org", Name: "Acme Public Services"}}
	var leaves []string
	for d := range divisions {
		div := fmt.Sprintf("div%02d", d)
		units = append(units, cx.Unit{ID: div, Parent: "org", Name: fmt.Sprintf("Division %d", d+1)})
		for k := range teams {
			team := fmt.Sprintf("team%04d", d*teams+k)
			units = append(units, cx.Unit{ID: team, Parent: div, Name: fmt.Sprintf("Team %d.%d", d+1, k+1)})
			leaves = append(leaves, team)
		}
	}
	h, err := cx.NewHierarchy(units)
	if err != nil {
		t.Fatal(err)
	}
	s := survey.CulturePulse()
	tl := cx.NewTallier(s)
	r := rand.New(rand.NewPCG(seed, 7))
	invited := map[string]int{}
	for i, team := range leaves {
		lift := 0.0
		if i%4 == 0 {
			lift = 0.25
		}
		level := 0.2 * r.NormFloat64()
		for _, wave := range []string{"2026-01", "2026-06"} {
			n := 8 + r.IntN(10)
			if wave == "2026-06" && small[i] {
				n = 3
			}
			if wave == "2026-06" {
				invited[team] = n + r.IntN(5)
			}
			for range n {
				vals := make([]int, len(s.Items))
				person := 0.5 * r.NormFloat64()
				for j, it := range s.Items {
					if r.Float64() < 0.03 {
						vals[j] = survey.Skipped
						continue
					}
					mu := 3.3 + level + person
					if wave == "2026-06" && it.Construct == "customer_focus" {
						mu += 4 * lift
					}
					if it.Scale == survey.NPS {
						vals[j] = clamp(int(math.Round(6.5+2*(mu-3.3)+1.8*r.NormFloat64())), 0, 10)
						continue
					}
					vals[j] = clamp(int(math.Round(mu+0.8*r.NormFloat64())), 1, 5)
				}
				if err := tl.AddRow(team, wave, vals, false); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	return world{h: h, s: s, t: tl.Tallies(), invited: invited}
}

func clamp(v, lo, hi int) int { return max(lo, min(hi, v)) }

// smallOrg is an organization of 2 divisions of 2 teams, one team hidden.
func smallOrg(t testing.TB) *cx.Scorecard { return org(t, 2, 2, 1, map[int]bool{3: true}) }

var (
	largeOnce sync.Once
	large     *cx.Scorecard
)

// largeOrg is an organization of 20 divisions of 20 teams (421 units), a
// tenth of the teams hidden. It is built once: callers must not modify it.
func largeOrg(t testing.TB) *cx.Scorecard {
	largeOnce.Do(func() {
		small := map[int]bool{}
		for i := 3; i < 400; i += 10 {
			small[i] = true
		}
		large = org(t, 20, 20, 2, small)
	})
	if large == nil {
		t.Fatal("the large fixture failed to build")
	}
	return large
}
