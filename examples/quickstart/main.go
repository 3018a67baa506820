// Command quickstart is the shortest tour of the library: an in-memory
// program over a small organization, the CX behaviors, the culture pulse,
// a 90-day initiative and two waves of simulated responses, then, per
// unit, how many responded and how favorable each behavior is.
//
// Run:
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/survey"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer) error {
	// A fixed clock keeps the story reproducible.
	now := time.Date(2026, 6, 30, 12, 0, 0, 0, time.UTC)
	// Respondents are stored only as keyed pseudonyms. Keep the key
	// outside the store, as a secret of your own; this one is a demo.
	ps, err := cx.NewPseudonymizer([]byte("quickstart demo key, not a secret"))
	if err != nil {
		return err
	}
	p, err := cx.New(memstore.New(), &cx.Options{Now: func() time.Time { return now }, Pseudonymizer: ps})
	if err != nil {
		return err
	}

	// The organization: two divisions with two teams each.
	err = p.DefineUnits(ctx,
		cx.Unit{ID: "org", Name: "Acme Public Services"},
		cx.Unit{ID: "service", Parent: "org", Name: "Service delivery"},
		cx.Unit{ID: "digital", Parent: "org", Name: "Digital"},
		cx.Unit{ID: "contact", Parent: "service", Name: "Contact centre"},
		cx.Unit{ID: "field", Parent: "service", Name: "Field offices"},
		cx.Unit{ID: "web", Parent: "digital", Name: "Web team"},
		cx.Unit{ID: "data", Parent: "digital", Name: "Data team"},
	)
	if err != nil {
		return err
	}

	// The desired culture and the pulse that measures it.
	if err := p.DefineFramework(ctx, culture.CXBehaviors()); err != nil {
		return err
	}
	pulse := survey.CulturePulse()
	if err := p.DefineSurvey(ctx, pulse); err != nil {
		return err
	}

	// A 90-day project in the contact centre: answer more calls at first
	// contact by letting agents resolve issues themselves.
	in, err := p.LaunchInitiative(ctx, culture.Initiative{
		Name:         "Resolve at first contact",
		Kind:         culture.NinetyDay,
		Owner:        "Head of service delivery",
		Units:        []string{"contact"},
		Start:        time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC),
		Behaviors:    []string{culture.Empowerment, culture.CustomerFocus},
		Outcomes:     []culture.OutcomeTarget{{Metric: "first_contact_resolution", Baseline: 0.62, Target: 0.75}},
		MissionLink:  "People get what they need in one call.",
		Participants: []string{"Contact centre agents", "Quality team"},
	})
	if err != nil {
		return err
	}
	if in, err = p.AdvanceInitiative(ctx, in.ID, culture.Active, "kick-off"); err != nil {
		return err
	}
	fmt.Fprintf(w, "Initiative %q: %s, %s to %s\n\n", in.Name, in.Status, in.Start.Format("2006-01-02"), in.End.Format("2006-01-02"))

	// Two waves of the pulse, before and after the initiative.
	waves := []survey.Wave{
		{ID: "2026-02", Survey: pulse.ID, Opens: time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC), Closes: time.Date(2026, 2, 13, 0, 0, 0, 0, time.UTC),
			Invited: map[string]int{"contact": 40, "field": 30, "web": 12, "data": 8}},
		{ID: "2026-06", Survey: pulse.ID, Opens: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), Closes: time.Date(2026, 6, 12, 0, 0, 0, 0, time.UTC),
			Invited: map[string]int{"contact": 40, "field": 30, "web": 12, "data": 8}},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i, wv := range waves {
		if err := p.OpenWave(ctx, wv); err != nil {
			return err
		}
		rs := simulate(rng, pulse, wv, i == 1)
		if _, err := p.RecordResponses(ctx, rs); err != nil {
			return err
		}
	}

	// The scorecard of the second wave against the first.
	sc, err := p.Scorecard(ctx, pulse.ID, cx.ScorecardOptions{Wave: "2026-06", Baseline: "2026-02"})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Favorable share per behavior, wave %s (change since %s; * significant)\n", sc.Wave, sc.Baseline)
	fmt.Fprintf(w, "%-12s %5s", "unit", "n")
	for _, b := range sc.Behaviors {
		fmt.Fprintf(w, " %16s", b)
	}
	fmt.Fprintln(w)
	for _, u := range sc.Units {
		name := strings.Repeat("  ", u.Depth) + u.Unit
		if u.Suppressed {
			fmt.Fprintf(w, "%-12s %5s  (%s)\n", name, "-", u.Reason)
			continue
		}
		fmt.Fprintf(w, "%-12s %5d", name, u.Respondents)
		for _, b := range u.Behaviors {
			cell := fmt.Sprintf("%.0f%%", 100*b.Favorable.Value)
			if c := b.Change; c != nil {
				mark := ""
				if c.Significant {
					mark = "*"
				}
				cell += fmt.Sprintf(" (%+.0f%s)", 100*c.Diff, mark)
			}
			fmt.Fprintf(w, " %16s", cell)
		}
		fmt.Fprintln(w)
	}
	return nil
}

// simulate returns seeded responses for one wave. Each team has a latent
// level per behavior; after the initiative the contact centre's empowerment
// and customer focus rise.
func simulate(rng *rand.Rand, s survey.Survey, w survey.Wave, after bool) []survey.Response {
	level := map[string]float64{"contact": -0.3, "field": 0.1, "web": 0.4, "data": 0.2}
	var out []survey.Response
	for _, unit := range []string{"contact", "field", "web", "data"} {
		n := w.Invited[unit] * 3 / 4
		for r := 0; r < n; r++ {
			person := rng.NormFloat64() * 0.6
			answers := map[string]int{}
			for _, it := range s.Items {
				x := level[unit] + person + rng.NormFloat64()*0.8
				if after && unit == "contact" && (it.Construct == culture.Empowerment || it.Construct == culture.CustomerFocus) {
					x += 0.9
				}
				if it.Scale == survey.NPS {
					answers[it.ID] = min(10, max(0, int(7+2*x)))
					continue
				}
				answers[it.ID] = min(5, max(1, int(3.4+x)))
			}
			out = append(out, survey.Response{
				Survey:     s.ID,
				Wave:       w.ID,
				Unit:       unit,
				Respondent: fmt.Sprintf("p-%s-%03d", unit, r),
				Submitted:  w.Opens.Add(time.Duration(rng.IntN(10*24)) * time.Hour),
				Answers:    answers,
			})
		}
	}
	return out
}
