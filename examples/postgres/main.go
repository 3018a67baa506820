// Command postgres keeps a culture-change program in PostgreSQL: it
// defines a small organization, the CX behaviors and the culture pulse,
// records two waves of seeded simulated responses, disconnects and
// connects again to show that the data is kept, then prints the scorecard
// of the second wave, per unit, from tallies computed in the database.
//
// The tables (prefixed cx_) go in the first schema of the connection's
// search_path. Running it again on the same database adds nothing:
// responses carry deterministic IDs and re-recording them is a no-op.
//
// Run:
//
//	go run ./examples/postgres -dsn postgres://user@localhost:5432/db
//	CXCULTURE_POSTGRES_DSN=postgres://user@localhost:5432/db go run ./examples/postgres
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/sqlstore/postgres"
	"github.com/cxculture/cxculture/survey"
)

func main() {
	err := run(context.Background(), os.Stdout, os.Args[1:])
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "examples/postgres:", err)
		os.Exit(1)
	}
}

// dsnEnv is the environment variable read when -dsn is not given.
const dsnEnv = "CXCULTURE_POSTGRES_DSN"

func run(ctx context.Context, w io.Writer, args []string) error {
	fs := flag.NewFlagSet("postgres", flag.ContinueOnError)
	fs.SetOutput(w)
	dsn := fs.String("dsn", "", "PostgreSQL connection string, such as postgres://user@localhost:5432/db (default: $"+dsnEnv+")")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q; usage: postgres [-dsn DSN]", fs.Args())
	}
	if *dsn == "" {
		*dsn = os.Getenv(dsnEnv)
	}
	if *dsn == "" {
		return fmt.Errorf("no database given: pass -dsn postgres://user@host:port/db or set %s", dsnEnv)
	}

	store, err := postgres.Open(ctx, *dsn)
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
	fmt.Fprintf(w, "Recorded %d new responses, then disconnected.\n", added)

	// Connect again: everything recorded is still there.
	store, err = postgres.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer store.Close()
	n, err := store.CountResponses(ctx, survey.ResponseFilter{Survey: survey.CulturePulseID})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Connected again: %d responses to the culture pulse are stored.\n\n", n)

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
	ps, err := cx.NewPseudonymizer([]byte("postgres example demo key, not a secret"))
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
