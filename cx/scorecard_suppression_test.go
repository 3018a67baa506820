package cx_test

import (
	"math"
	"math/rand"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
	"github.com/cxculture/cxculture/survey"
	"github.com/leanovate/gopter/prop"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// scorecardCase is a generated data set with scorecard options over it.
type scorecardCase struct {
	tallyCase
	Opts cx.ScorecardOptions
}

func scorecardCaseFrom(r *rand.Rand) scorecardCase {
	c := scorecardCase{tallyCase: tallyCaseFrom(r, 8, 80)}
	// eNPS is asked on the NPS scale; the generator gives the construct to
	// items on any scale, which a scorecard refuses.
	for i, it := range c.Survey.Items {
		if it.Construct == survey.ENPS && it.Scale.ID != survey.NPS.ID {
			c.Survey.Items[i].Construct = ""
		}
	}
	c.Opts = cx.ScorecardOptions{Wave: "w0", MinGroup: 1 + r.Intn(10), ChangeScope: cx.ChangeScope(r.Intn(2)), Listwise: r.Intn(2) == 0}
	if r.Intn(3) > 0 {
		c.Opts.Baseline = "w1"
	}
	if r.Intn(2) == 0 {
		c.Opts.Invited = map[string]int{}
		for _, u := range c.Units {
			if r.Intn(2) == 0 {
				c.Opts.Invited[u.ID] = r.Intn(30)
			}
		}
	}
	return c
}

func TestScorecardSuppressionProperties(t *testing.T) {
	props := cxgen.NewProperties(t, 300)
	props.Property("a group under the minimum shows no figure in the scorecard or its heatmap", prop.ForAll(func(c scorecardCase) string {
		h, err := cx.NewHierarchy(c.Units)
		if err != nil {
			return err.Error()
		}
		tl, err := tallyAll(c.Survey, c.Responses)
		if err != nil {
			return err.Error()
		}
		sc, err := cx.NewScorecard(h, c.Survey, tl, c.Opts)
		if err != nil {
			return err.Error()
		}
		// Respondents per unit and wave, counted over each subtree.
		count := func(u, wave string) int64 {
			sub := append([]string{u}, h.Descendants(u)...)
			var n int64
			for _, r := range c.Responses {
				if r.Wave == wave && slices.Contains(sub, r.Unit) {
					n++
				}
			}
			return n
		}
		// answered counts the answers to item in the subtree of u.
		answered := func(u, wave, item string) int64 {
			sub := append([]string{u}, h.Descendants(u)...)
			var n int64
			for _, r := range c.Responses {
				if _, ok := r.Answers[item]; ok && r.Wave == wave && slices.Contains(sub, r.Unit) {
					n++
				}
			}
			return n
		}
		// fewAnswered reports whether a behavior rests on fewer people
		// than the minimum in u: an item answered by 1 to min-1.
		fewAnswered := func(u, wave, behavior string, min int64) bool {
			for _, it := range c.Survey.Items {
				if it.Construct == behavior && (it.Kind == survey.Belief || it.Kind == survey.Behavior) {
					if n := answered(u, wave, it.ID); n > 0 && n < min {
						return true
					}
				}
			}
			return false
		}
		check := func(sc *cx.Scorecard) string {
			min := int64(c.Opts.MinGroup)
			hm := sc.Heatmap()
			if len(sc.Units) != h.Len() || len(hm.Cells) != h.Len() {
				return "not every unit has a row"
			}
			for i, u := range sc.Units {
				n := count(u.Unit, c.Opts.Wave)
				if u.Suppressed != (n < min) {
					return u.Unit + ": suppressed does not follow the minimum"
				}
				if u.Suppressed {
					unit, _ := h.Unit(u.Unit)
					bare := cx.UnitScore{Unit: u.Unit, Name: unit.Name, Parent: unit.Parent, Depth: h.Depth(u.Unit), Leaf: h.IsLeaf(u.Unit),
						Suppressed: true, Reason: u.Reason}
					if !reflect.DeepEqual(u, bare) {
						return u.Unit + ": a suppressed unit carries figures"
					}
					if !strings.Contains(u.Reason, "fewer than "+strconv.Itoa(c.Opts.MinGroup)) {
						return u.Unit + ": reason " + u.Reason
					}
					for _, cell := range hm.Cells[i] {
						if !cell.Suppressed || !math.IsNaN(cell.Value) || cell.N != 0 || cell.Significant || cell.Up || cell.Reason != u.Reason {
							return u.Unit + ": a suppressed heatmap cell carries figures"
						}
					}
					continue
				}
				if u.Respondents != n {
					return u.Unit + ": wrong respondents"
				}
				var enps []string
				for _, it := range c.Survey.ItemsFor(survey.ENPS) {
					enps = append(enps, it.ID)
				}
				few := false
				for _, id := range enps {
					if a := answered(u.Unit, c.Opts.Wave, id); a > 0 && a < min {
						few = true
					}
				}
				if few && (u.ENPS != nil || u.ENPSReason == "") || !few && u.ENPSReason != "" {
					return u.Unit + ": eNPS shown does not follow the minimum per figure"
				}
				for j, b := range u.Behaviors {
					cell := hm.Cells[i][j]
					if b.Suppressed != fewAnswered(u.Unit, c.Opts.Wave, b.Behavior, min) {
						return u.Unit + ": behavior suppressed does not follow the minimum per figure"
					}
					if b.Suppressed {
						if b.Favorable.N != 0 || b.Favorable.Successes != 0 || !math.IsNaN(b.Mean) || b.Change != nil || !cell.Suppressed || cell.N != 0 || cell.Reason != b.Reason {
							return u.Unit + ": a suppressed behavior carries figures"
						}
						continue
					}
					if b.Change != nil && fewAnswered(u.Unit, c.Opts.Baseline, b.Behavior, min) {
						return u.Unit + ": change against a baseline resting on too few people"
					}
					if cell.Suppressed || cell.N != b.Favorable.N {
						return u.Unit + ": heatmap cell differs from the scorecard"
					}
					if b.Change != nil && count(u.Unit, c.Opts.Baseline) < min {
						return u.Unit + ": change against a suppressed baseline group"
					}
					if b.Change != nil && cell.Significant != b.Change.Significant {
						return u.Unit + ": heatmap significance differs"
					}
				}
			}
			if count(h.Root(), c.Opts.Wave) < min {
				for _, r := range sc.Reliability {
					if r.Alpha.N > 0 || !math.IsNaN(r.Alpha.Raw) {
						return "reliability of a suppressed organization is shown"
					}
				}
			}
			return ""
		}
		// Every way of computing a scorecard: from Tallies, several at
		// once, and from a Tallier without tally maps.
		batch, err := cx.NewScorecards(h, c.Survey, tl, c.Opts)
		if err != nil {
			return err.Error()
		}
		tallier := cx.NewTallier(c.Survey)
		for _, r := range c.Responses {
			if err := tallier.Add(r); err != nil {
				return err.Error()
			}
		}
		direct, err := tallier.Scorecards(h, c.Opts)
		if err != nil {
			return err.Error()
		}
		for i, sc := range []*cx.Scorecard{sc, batch[0], direct[0]} {
			if msg := check(sc); msg != "" {
				return []string{"NewScorecard", "NewScorecards", "Tallier.Scorecards"}[i] + ": " + msg
			}
		}
		return ""
	}, cxgen.From(scorecardCaseFrom)))
	props.Run()
}

func TestScorecardSuppressedOrganizationHasNoReliability(t *testing.T) {
	h, tl := scTallies(t)
	sc, err := cx.NewScorecard(h, scSurvey(), tl, cx.ScorecardOptions{Wave: "w2", MinGroup: 18})
	require.NoError(t, err)
	org, _ := sc.Unit("org")
	require.True(t, org.Suppressed, "17 respondents, a minimum of 18")
	for _, r := range sc.Reliability {
		assert.Zero(t, r.Alpha.N, "%s: the respondents of a suppressed organization are not counted", r.Behavior)
		assert.True(t, math.IsNaN(r.Alpha.Raw), "%s: nor is their alpha shown", r.Behavior)
	}
}
