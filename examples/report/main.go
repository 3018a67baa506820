// Command report writes the reports of a culture-change program in the
// four formats of package cx/report: report.html (self-contained, with
// charts), report.md, report.json and report.csv.
//
// Without -data it simulates a program with cx/simulate (seeded, so every
// run writes the same files): an organization of 4 divisions of 5 teams,
// 12 monthly pulses, and a 90-day project in the teams of division d1
// that lifts customer focus, empowerment and eNPS from the sixth month.
// With -data it reads a benchmark data folder (units.csv, items.csv,
// responses.csv, as described in shared/bench/README.md), whose every
// fifth team runs an initiative from wave 6.
//
// One privacy plan (cx.DefaultPrivacy: at least 5 respondents, and
// complementary suppression so that no hidden unit can be worked out by
// subtraction) covers every wave; the scorecard, the panel behind trends,
// impact and pitfalls, and the report all apply it.
// The report holds the scorecard of the last wave against the first, its
// heatmap, trends with control limits and signals (of the organization
// and its divisions), the initiative's impact, the wins feed and the
// pitfalls found.
//
// Run:
//
//	go run ./examples/report [-data DIR] [-out DIR] [-seed N]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/report"
	"github.com/cxculture/cxculture/cx/simulate"
	"github.com/cxculture/cxculture/survey"
)

func main() {
	if err := run(context.Background(), os.Stdout, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer, args []string) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(w)
	data := fs.String("data", "", "benchmark data folder (units.csv, items.csv, responses.csv); default: simulated data")
	out := fs.String("out", ".", "folder the four report files are written to (created if missing)")
	seed := fs.Int64("seed", 2026, "seed of the simulated data")
	workers := fs.Int("workers", 0, "goroutines parsing the responses of -data (0: one per core)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	var (
		p   *program
		err error
	)
	if *data != "" {
		p, err = loadBench(ctx, *data, *workers)
	} else {
		p, err = simulated(*seed)
	}
	if err != nil {
		return err
	}
	r, err := p.report()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	paths, err := report.WriteFiles(*out, r)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s: %d units, %d waves (%s to %s), %d respondents in the last wave\n", r.Title, len(r.Scorecard.Units),
		len(p.waves), p.waves[0].ID, p.waves[len(p.waves)-1].ID, r.Scorecard.Units[0].Respondents)
	hidden := 0
	for _, u := range r.Scorecard.Units {
		if u.Suppressed {
			hidden++
		}
	}
	fmt.Fprintf(w, "%d trends, %d impact estimates, %d wins, %d pitfalls; %d units hidden\n", len(r.Trends), len(r.Impacts[0].Effects),
		len(r.Wins), len(r.Pitfalls), hidden)
	for _, path := range paths {
		fi, err := os.Stat(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "wrote %s (%d bytes)\n", path, fi.Size())
	}
	return nil
}

// program is what the report is computed from.
type program struct {
	title      string
	h          *cx.Hierarchy
	s          survey.Survey
	t          *cx.Tallies
	waves      []survey.Wave
	initiative culture.Initiative
	// trendUnits are the units whose series are charted.
	trendUnits []string
	now        time.Time
}

// simulated is a seeded program of cx/simulate.
func simulated(seed int64) (*program, error) {
	lifted := []string{culture.CustomerFocus, culture.Empowerment, survey.ENPS}
	d, err := simulate.Generate(simulate.Config{
		Seed: seed, Divisions: 4, TeamsPerDivision: 5, MinTeamSize: 3, MaxTeamSize: 30, Waves: 12, Cadence: survey.Monthly,
		First: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC), Walk: 0.05, Fatigue: 0.01,
		Lifts: []simulate.Lift{{Units: []string{"d1"}, From: 5, Behaviors: lifted, Size: 0.6, Ramp: 2}},
	})
	if err != nil {
		return nil, err
	}
	h, err := cx.NewHierarchy(d.Units)
	if err != nil {
		return nil, err
	}
	tl := cx.NewTallier(d.Survey)
	for _, r := range d.Responses {
		if err := tl.Add(r); err != nil {
			return nil, err
		}
	}
	var treated []string
	for _, t := range d.Teams {
		if strings.HasPrefix(t, "d1-") {
			treated = append(treated, t)
		}
	}
	in := culture.Initiative{
		ID: uuid.MustParse("2b0c8f51-6a7e-4d3b-9f0e-5c4a1d2e3f60"), Name: "Customer-first 90 days", Kind: culture.NinetyDay,
		Owner: "Head of service", Units: treated, Start: d.Waves[5].Opens,
		Behaviors:   []string{culture.CustomerFocus, culture.Empowerment},
		Outcomes:    []culture.OutcomeTarget{{Metric: cx.ENPSMeasure, Baseline: 0, Target: 10}},
		MissionLink: "Serve every customer well the first time", Participants: []string{"team leads", "front-line staff"},
	}
	if err := ranToEnd(&in); err != nil {
		return nil, err
	}
	last := d.Waves[len(d.Waves)-1]
	return &program{title: "Acme Public Services: culture and customer experience", h: h, s: d.Survey, t: tl.Tallies(),
		waves: d.Waves, initiative: in, trendUnits: upper(h), now: last.Closes}, nil
}

// upper returns the root and its children: the units whose trends are
// charted.
func upper(h *cx.Hierarchy) []string {
	return append([]string{h.Root()}, h.Children(h.Root())...)
}

// ranToEnd records that a 90-day initiative started on its start date and
// completed at its end.
func ranToEnd(in *culture.Initiative) error {
	in.ApplyDefaults()
	if err := in.Transition(culture.Active, in.Start, "kick-off"); err != nil {
		return err
	}
	return in.Transition(culture.Completed, in.End, "90 days done")
}

// benchStart is when the first wave of the benchmark data opens; its waves
// are monthly.
var benchStart = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// loadBench reads a benchmark data folder.
func loadBench(ctx context.Context, dir string, workers int) (*program, error) {
	h, s, err := cx.ReadExportFolder(dir, survey.Survey{ID: "pulse", Name: "Pulse", Audience: survey.Employee, Version: 1})
	if err != nil {
		return nil, err
	}
	f, err := os.Open(filepath.Join(dir, "responses.csv"))
	if err != nil {
		return nil, err
	}
	t, err := cx.TallyCSV(ctx, f, s, nil, workers)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("responses.csv: %w", err)
	}
	ids := t.Waves()
	var waves []survey.Wave
	for _, id := range ids {
		n, err := strconv.Atoi(id)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("responses.csv: wave %q is not a month number", id)
		}
		opens := benchStart.AddDate(0, n-1, 0)
		waves = append(waves, survey.Wave{ID: id, Survey: s.ID, Opens: opens, Closes: opens.AddDate(0, 0, 7)})
	}
	slices.SortFunc(waves, func(a, b survey.Wave) int { return a.Opens.Compare(b.Opens) })
	if len(waves) < 2 {
		return nil, fmt.Errorf("%s: need at least two waves, found %d", dir, len(waves))
	}
	var treated []string
	for _, u := range h.IDs() {
		if n, ok := strings.CutPrefix(u, "team"); ok {
			if k, err := strconv.Atoi(n); err == nil && k%5 == 0 && h.IsLeaf(u) {
				treated = append(treated, u)
			}
		}
	}
	in := culture.Initiative{
		ID: uuid.MustParse("6f1c2a4e-0b7d-4c1e-9a55-3d2f8e6b7c10"), Name: "Customer-first teams", Kind: culture.NinetyDay,
		Owner: "COO", Units: treated, Start: benchStart.AddDate(0, 5, 0),
		Behaviors:   []string{culture.CustomerFocus, culture.Empowerment},
		Outcomes:    []culture.OutcomeTarget{{Metric: cx.ENPSMeasure, Baseline: 0, Target: 5}},
		MissionLink: "Serve every customer well the first time", Participants: []string{"team leads"},
	}
	if err := ranToEnd(&in); err != nil {
		return nil, err
	}
	return &program{title: "Pulse benchmark: culture and customer experience", h: h, s: s, t: t, waves: waves,
		initiative: in, trendUnits: upper(h), now: waves[len(waves)-1].Closes}, nil
}

// report computes everything the report shows.
func (p *program) report() (report.Report, error) {
	first, last := p.waves[0], p.waves[len(p.waves)-1]
	// One privacy plan over every wave, applied by the scorecard and the
	// report alike: a unit hidden in a wave is hidden everywhere.
	ids := make([]string, len(p.waves))
	for i, w := range p.waves {
		ids[i] = w.ID
	}
	plan, err := cx.DefaultPrivacy().PlanSurvey(p.s, p.h, p.t, ids, nil)
	if err != nil {
		return report.Report{}, fmt.Errorf("privacy plan: %w", err)
	}
	sc, err := cx.NewScorecard(p.h, p.s, p.t, cx.ScorecardOptions{Wave: last.ID, Baseline: first.ID, Invited: last.Invited, Disclosure: plan})
	if err != nil {
		return report.Report{}, fmt.Errorf("scorecard: %w", err)
	}
	panel := &cx.Panel{Hierarchy: p.h, Survey: p.s, Waves: p.waves, Tallies: p.t, Disclosure: plan}
	trends, err := cx.Trends(panel, cx.TrendOptions{Units: p.trendUnits})
	if err != nil {
		return report.Report{}, fmt.Errorf("trends: %w", err)
	}
	im, err := cx.EstimateImpact(panel, p.initiative, cx.ImpactOptions{})
	if err != nil {
		return report.Report{}, fmt.Errorf("impact: %w", err)
	}
	pitfalls, err := cx.Pitfalls(panel, []culture.Initiative{p.initiative}, cx.PitfallOptions{Now: p.now})
	if err != nil {
		return report.Report{}, fmt.Errorf("pitfalls: %w", err)
	}
	if len(trends) == 0 {
		return report.Report{}, errors.New("no trends")
	}
	return report.Report{Title: p.title, Generated: p.now, Scorecard: sc, Trends: trends, Impacts: []*cx.Impact{im},
		Wins: cx.Wins(im), Pitfalls: pitfalls, Hierarchy: p.h, Disclosure: plan}, nil
}
