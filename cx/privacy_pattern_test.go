package cx_test

import (
	"fmt"
	"maps"
	"math"
	"math/rand"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
	"github.com/cxculture/cxculture/survey"
)

// patternChanges are how many of patternTrials moves of one respondent
// between two hidden sibling teams (each staying on the same side of the
// minimum, every shown count and invited count unchanged: a change a
// reader should not be able to see) change the plan's pattern of hidden
// cells (which cells, with which reasons), without and with invited
// counts, as measured by TestHiddenOnlyChangesPattern at the default
// seed. A planner that lowers them lowers these figures too.
var patternChanges = [2]int{7, 10}

const patternTrials = 150

// patternPlan plans one wave of respondent counts and returns its hidden
// cells with their reasons, and the units whose invited counts it
// withholds.
func patternPlan(t *testing.T, h *cx.Hierarchy, sizes, invited map[string]int) map[string]string {
	t.Helper()
	tl := cx.NewTallies("s")
	for u, n := range sizes {
		if n > 0 {
			tl.Respondents[cx.Group{Unit: u, Wave: "w"}] = int64(n)
		}
	}
	d, err := cx.DefaultPrivacy().PlanWaves(survey.Survey{ID: "s"}, h, tl, []survey.Wave{{ID: "w", Survey: "s", Invited: invited}}, nil)
	require.NoError(t, err)
	out := map[string]string{}
	for _, c := range d.HiddenCells() {
		out[c.Cell.String()] = c.Reason.String()
	}
	for u := range sizes {
		if d.InvitedHidden(u, "w") {
			out["invited "+u] = "withheld"
		}
	}
	return out
}

// TestHiddenOnlyChangesPattern measures how often the pattern of hidden
// cells changes when only hidden counts change (the observation
// 4e): in random organizations of 3 to 16 units, one respondent moves
// between two hidden sibling teams, each staying small (1 to 4) or not,
// within its invited count; the plans before and after are compared.
// At the default seed the changes must not exceed the measured ones
// (patternChanges), so that a change of the planner that lets hidden
// counts show through its choices more often fails here; at another seed
// or scale (CXCULTURE_GOPTER_SEED, CXCULTURE_TEST_SCALE) the rate must
// stay within the measured rate plus three binomial standard errors of
// the trials.
func TestHiddenOnlyChangesPattern(t *testing.T) {
	seed := cxgen.Seed(t)
	r := rand.New(rand.NewSource(seed))
	want := cxgen.Runs(t, patternTrials)
	for k, withInvited := range []bool{false, true} {
		trials, changed := 0, 0
		var example string
		for iter := 0; iter < 20*want && trials < want; iter++ {
			n := 3 + r.Intn(14)
			units := []cx.Unit{{ID: "u0", Name: "u0"}}
			for i := 1; i < n; i++ {
				units = append(units, cx.Unit{ID: fmt.Sprintf("u%d", i), Parent: fmt.Sprintf("u%d", r.Intn(i)), Name: "x"})
			}
			h, err := cx.NewHierarchy(units)
			require.NoError(t, err)
			sizes, invited := map[string]int{}, map[string]int{}
			for _, u := range units {
				if h.IsLeaf(u.ID) || r.Intn(3) == 0 {
					if r.Intn(3) == 0 {
						sizes[u.ID] = 1 + r.Intn(4)
					} else {
						sizes[u.ID] = r.Intn(15)
					}
				}
				invited[u.ID] = sizes[u.ID] + r.Intn(4)
			}
			if !withInvited {
				invited = nil
			}
			base := patternPlan(t, h, sizes, invited)
			small := func(n int) bool { return n < 5 }
			for _, x := range units {
				for _, y := range units {
					if x.ID >= y.ID || x.Parent != y.Parent || x.Parent == "" || !h.IsLeaf(x.ID) || !h.IsLeaf(y.ID) {
						continue
					}
					if _, hx := base[x.ID+"@w"]; !hx {
						continue
					}
					if _, hy := base[y.ID+"@w"]; !hy {
						continue
					}
					for _, d := range []int{1, -1} {
						nx, ny := sizes[x.ID]+d, sizes[y.ID]-d
						if nx < 1 || ny < 1 || small(nx) != small(sizes[x.ID]) || small(ny) != small(sizes[y.ID]) ||
							withInvited && (nx > invited[x.ID] || ny > invited[y.ID]) || trials >= want {
							continue
						}
						moved := maps.Clone(sizes)
						moved[x.ID], moved[y.ID] = nx, ny
						after := patternPlan(t, h, moved, invited)
						trials++
						if !maps.Equal(base, after) {
							changed++
							if example == "" {
								example = fmt.Sprintf("sizes %v, one moved from %s to %s: %v, then %v", sizes, y.ID, x.ID, base, after)
							}
						}
					}
				}
			}
		}
		require.Positive(t, trials)
		rate := float64(changed) / float64(trials)
		t.Logf("invited counts %v: the pattern changed in %d of %d moves between hidden teams (%.3f); first: %s", withInvited, changed, trials, rate, example)
		if seed == cxgen.DefaultSeed && trials == patternTrials {
			assert.LessOrEqual(t, changed, patternChanges[k], "invited counts %v: hidden-only changes show in the pattern more often than measured", withInvited)
			continue
		}
		p := float64(patternChanges[k]) / patternTrials
		bound := p + 3*math.Sqrt(p*(1-p)/float64(trials))
		assert.LessOrEqual(t, rate, bound, "invited counts %v: hidden-only changes show in the pattern too often (bound %.3f)", withInvited, bound)
	}
}
