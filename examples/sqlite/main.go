// Command sqlite keeps a culture-change program in a SQLite database file:
// it defines a small organization, the CX behaviors and the culture pulse,
// records two waves of seeded simulated responses, closes the database and
// opens it again to show that the data survived, then prints the
// scorecard of the second wave, per unit, from tallies kept in the
// database.
//
// Running it again on the same file adds nothing: responses carry
// deterministic IDs and re-recording them is a no-op.
//
// Run:
//
//	go run ./examples/sqlite [-db PATH]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/sqlstore/sqlite"
	"github.com/cxculture/cxculture/survey"
)

func main() {
	err := run(context.Background(), os.Stdout, os.Args[1:])
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "examples/sqlite:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer, args []string) error {
	fs := flag.NewFlagSet("sqlite", flag.ContinueOnError)
	fs.SetOutput(w)
	path := fs.String("db", "", "SQLite database file (default: cx.db in a new temporary folder)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q; usage: sqlite [-db PATH]", fs.Args())
	}
	if *path == "" {
		dir, err := os.MkdirTemp("", "cxculture-sqlite-")
		if err != nil {
			return err
		}
		*path = filepath.Join(dir, "cx.db")
	}
	fmt.Fprintf(w, "Database: %s\n", *path)

	store, err := sqlite.Open(ctx, *path)
	if err != nil {
		return err
	}
	added, err := record(ctx, store)
	if cerr := store.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Recorded %d new responses, then closed the database.\n", added)

	// Open the file again: everything recorded is still there.
	store, err = sqlite.Open(ctx, *path)
	if err != nil {
		return err
	}
	defer store.Close()
	n, err := store.CountResponses(ctx, survey.ResponseFilter{Survey: survey.CulturePulseID})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Reopened it: %d responses to the culture pulse are stored.\n\n", n)

	p, err := cx.New(store, nil)
	if err != nil {
		return err
	}
	sc, err := p.Scorecard(ctx, survey.CulturePulseID, cx.ScorecardOptions{Wave: "2026-06", Baseline: "2026-02"})
	if err != nil {
		return err
	}
	printScorecard(w, sc)
	return nil
}

// The organization, and how many people each team invites per wave.
var (
	units = []cx.Unit{
		{ID: "org", Name: "Acme Public Services"},
		{ID: "service", Parent: "org", Name: "Service delivery"},
		{ID: "digital", Parent: "org", Name: "Digital"},
		{ID: "contact", Parent: "service", Name: "Contact centre"},
		{ID: "field", Parent: "service", Name: "Field offices"},
		{ID: "web", Parent: "digital", Name: "Web team"},
		{ID: "data", Parent: "digital", Name: "Data team"},
	}
	invited = map[string]int{"contact": 40, "field": 30, "web": 12, "data": 8}
	waves   = []survey.Wave{
		{ID: "2026-02", Survey: survey.CulturePulseID, Opens: time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC),
			Closes: time.Date(2026, 2, 13, 0, 0, 0, 0, time.UTC), Invited: invited},
		{ID: "2026-06", Survey: survey.CulturePulseID, Opens: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC),
			Closes: time.Date(2026, 6, 12, 0, 0, 0, 0, time.UTC), Invited: invited},
	}
)

// record defines the program in store, unless an earlier run did, and
// records the simulated responses of both waves; it returns how many were
// new.
func record(ctx context.Context, store cx.Store) (int, error) {
	// Respondents are stored only as keyed pseudonyms. Keep the key
	// outside the store, as a secret of your own; this one is a demo.
	ps, err := cx.NewPseudonymizer([]byte("sqlite example demo key, not a secret"))
	if err != nil {
		return 0, err
	}
	p, err := cx.New(store, &cx.Options{Pseudonymizer: ps})
	if err != nil {
		return 0, err
	}
	pulse := survey.CulturePulse()
	if _, err := store.GetSurvey(ctx, pulse.ID); errors.Is(err, cx.ErrNotFound) {
		if err := p.DefineUnits(ctx, units...); err != nil {
			return 0, err
		}
		if err := p.DefineFramework(ctx, culture.CXBehaviors()); err != nil {
			return 0, err
		}
		if err := p.DefineSurvey(ctx, pulse); err != nil {
			return 0, err
		}
		for _, wv := range waves {
			if err := p.OpenWave(ctx, wv); err != nil {
				return 0, err
			}
		}
	} else if err != nil {
		return 0, err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	added := 0
	for i, wv := range waves {
		n, err := p.RecordResponses(ctx, simulate(rng, pulse, wv, i == 1))
		if err != nil {
			return added, err
		}
		added += n
	}
	return added, nil
}

// simulate returns seeded responses for one wave, with IDs derived from
// the wave, unit and person. Each team has a latent level; after a 90-day
// initiative in the contact centre its empowerment and customer focus
// rise.
func simulate(rng *rand.Rand, s survey.Survey, w survey.Wave, after bool) []survey.Response {
	level := map[string]float64{"contact": -0.3, "field": 0.1, "web": 0.4, "data": 0.2}
	var out []survey.Response
	for _, unit := range []string{"contact", "field", "web", "data"} {
		for r := range w.Invited[unit] * 3 / 4 {
			person := rng.NormFloat64() * 0.6
			answers := map[string]int{}
			for _, it := range s.Items {
				x := level[unit] + person + rng.NormFloat64()*0.8
				if after && unit == "contact" && (it.Construct == culture.Empowerment || it.Construct == culture.CustomerFocus) {
					x += 0.9
				}
				if it.Scale == survey.NPS {
					answers[it.ID] = min(10, max(0, int(7+2*x)))
				} else {
					answers[it.ID] = min(5, max(1, int(3.4+x)))
				}
			}
			respondent := fmt.Sprintf("p-%s-%03d", unit, r)
			out = append(out, survey.Response{
				ID:         uuid.NewSHA1(uuid.NameSpaceURL, []byte("cxculture-example/"+w.ID+"/"+respondent)),
				Survey:     s.ID,
				Wave:       w.ID,
				Unit:       unit,
				Respondent: respondent,
				Submitted:  w.Opens.Add(time.Duration(rng.IntN(10*24)) * time.Hour),
				Answers:    answers,
			})
		}
	}
	return out
}

// printScorecard prints, per unit, the respondents and each behavior's
// favorable share, with its change since the baseline (* significant).
func printScorecard(w io.Writer, sc *cx.Scorecard) {
	fmt.Fprintf(w, "Favorable share per behavior, wave %s (change since %s; * significant)\n", sc.Wave, sc.Baseline)
	fmt.Fprintf(w, "%-12s %5s", "unit", "n")
	for _, b := range sc.Behaviors {
		fmt.Fprintf(w, " %15s", b)
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
			fmt.Fprintf(w, " %15s", cell)
		}
		fmt.Fprintln(w)
	}
}
