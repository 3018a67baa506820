package cx_test

import (
	"fmt"
	"math/rand"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/leanovate/gopter/prop"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
	"github.com/cxculture/cxculture/survey"
)

// suppressionCase is an org tree with a number of direct respondents per
// unit in one wave, many of them small.
type suppressionCase struct {
	units []cx.Unit
	n     map[string]int
	min   int
}

func (c suppressionCase) String() string {
	return fmt.Sprintf("min %d, units %v, respondents %v", c.min, c.units, c.n)
}

func genSuppressionCase(r *rand.Rand) suppressionCase {
	c := suppressionCase{units: cxgen.UnitsFrom(r, 12), n: map[string]int{}, min: 3 + r.Intn(4)}
	for _, u := range c.units {
		switch r.Intn(4) {
		case 0:
		case 1:
			c.n[u.ID] = 1 + r.Intn(c.min)
		default:
			c.n[u.ID] = r.Intn(3 * c.min)
		}
	}
	return c
}

// TestPulseSuppressionProperties checks the report against a reader who
// knows every shown count, which groups are empty, and that a unit holds
// its children plus its own direct respondents: that reader can work out
// no hidden group, no small group of direct respondents, and no small sum
// of hidden groups.
func TestPulseSuppressionProperties(t *testing.T) {
	props := cxgen.NewProperties(t, 300)
	props.Property("no hidden group is recovered by subtraction", prop.ForAll(func(c suppressionCase) string {
		h, err := cx.NewHierarchy(c.units)
		if err != nil {
			return "bad tree: " + err.Error()
		}
		s := pulseSurvey()
		p, _ := cx.NewParticipation(s, nil)
		w := survey.Wave{ID: "w", Survey: "pulse", Opens: time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC), Closes: time.Date(2025, 1, 9, 0, 0, 0, 0, time.UTC)}
		k := 0
		for _, u := range h.IDs() {
			for range c.n[u] {
				k++
				if err := p.Add(survey.Response{ID: uuid.NewSHA1(uuid.NameSpaceOID, []byte(strconv.Itoa(k))), Survey: "pulse", Wave: "w", Unit: u,
					Answers: map[string]int{"q1": 3}}); err != nil {
					return err.Error()
				}
			}
		}
		rep, err := cx.NewPulseReport(h, []survey.Wave{w}, p, cx.PulseOptions{MinGroup: c.min, MinComments: c.min})
		if err != nil {
			return "report: " + err.Error()
		}
		// True rolled-up counts.
		total := map[string]int{}
		for _, u := range h.IDs() {
			for _, a := range append([]string{u}, h.Ancestors(u)...) {
				total[a] += c.n[u]
			}
		}
		known := map[string]bool{}
		for _, u := range h.IDs() {
			row, _ := rep.Row(u, "w")
			switch {
			case total[u] < c.min && !row.Hidden:
				return fmt.Sprintf("%s shown with %d respondents", u, total[u])
			case row.Hidden && row.Respondents != 0:
				return fmt.Sprintf("hidden %s shows %d respondents", u, row.Respondents)
			case !row.Hidden && row.Respondents != int64(total[u]):
				return fmt.Sprintf("%s shows %d respondents, has %d", u, row.Respondents, total[u])
			}
			known[u] = !row.Hidden || total[u] == 0
		}
		// The reader's deductions: own["p"] are p's direct respondents.
		ownKnown := map[string]bool{}
		for _, u := range h.IDs() {
			ownKnown[u] = c.n[u] == 0
		}
		for changed := true; changed; {
			changed = false
			for _, u := range h.IDs() {
				if h.IsLeaf(u) {
					continue
				}
				terms := append([]string{u}, h.Children(u)...)
				unknown := slices.DeleteFunc(slices.Clone(terms), func(x string) bool { return known[x] })
				switch {
				case len(unknown) == 1 && ownKnown[u]:
					known[unknown[0]], changed = true, true
					if total[unknown[0]] > 0 {
						return fmt.Sprintf("hidden %s (%d) = relation of %s", unknown[0], total[unknown[0]], u)
					}
				case len(unknown) == 0 && !ownKnown[u]:
					ownKnown[u], changed = true, true
					if c.n[u] < c.min {
						return fmt.Sprintf("%d direct respondents of %s worked out", c.n[u], u)
					}
				}
				if known[u] {
					sum := 0
					for _, x := range h.Children(u) {
						if !known[x] {
							sum += total[x]
						}
					}
					if !ownKnown[u] {
						sum += c.n[u]
					}
					if sum > 0 && sum < c.min {
						return fmt.Sprintf("the hidden parts of %s add up to %d", u, sum)
					}
				}
			}
		}
		return ""
	}, cxgen.From(genSuppressionCase).WithLabel("case")))
	props.Run()
}
