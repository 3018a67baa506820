package main

import (
	"context"
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
	"github.com/cxculture/cxculture/survey"
)

// benchStart is when the first wave of the benchmark data opens; the
// waves are monthly.
var benchStart = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// benchLifted are the behaviors the benchmark's initiative lifts.
var benchLifted = []string{culture.CustomerFocus, culture.Empowerment}

// runBench declares the benchmark's initiative (every fifth team, from
// wave 6, fostering customer focus and empowerment) on the data in dir,
// estimates its impact on every behavior with per-team and placebo
// effects, and prints recall and false positives.
func runBench(ctx context.Context, w io.Writer, dir string, minGroup, workers int) error {
	h, s, err := cx.ReadExportFolder(dir, survey.Survey{ID: "pulse", Name: "Pulse", Audience: survey.Employee, Version: 1})
	if err != nil {
		return err
	}
	f, err := os.Open(filepath.Join(dir, "responses.csv"))
	if err != nil {
		return err
	}
	t, err := cx.TallyCSV(ctx, f, s, nil, workers)
	f.Close()
	if err != nil {
		return fmt.Errorf("responses.csv: %w", err)
	}
	ids := t.Waves()
	slices.SortFunc(ids, func(a, b string) int { x, _ := strconv.Atoi(a); y, _ := strconv.Atoi(b); return x - y })
	var waves []survey.Wave
	for _, id := range ids {
		n, err := strconv.Atoi(id)
		if err != nil {
			return fmt.Errorf("responses.csv: wave %q is not a month number", id)
		}
		opens := benchStart.AddDate(0, n-1, 0)
		waves = append(waves, survey.Wave{ID: id, Survey: s.ID, Opens: opens, Closes: opens.AddDate(0, 0, 7)})
	}
	var treated []string
	isTreated := map[string]bool{}
	for _, u := range h.IDs() {
		if n, ok := strings.CutPrefix(u, "team"); ok {
			if k, err := strconv.Atoi(n); err == nil && k%5 == 0 {
				treated = append(treated, u)
				isTreated[u] = true
			}
		}
	}
	start := benchStart.AddDate(0, 5, 0)
	in := culture.Initiative{
		ID: uuid.MustParse("6f1c2a4e-0b7d-4c1e-9a55-3d2f8e6b7c10"), Name: "Customer-first teams", Kind: culture.NinetyDay,
		Owner: "COO", Units: treated, Start: start, Behaviors: benchLifted,
		Outcomes:    []culture.OutcomeTarget{{Metric: cx.ENPSMeasure, Baseline: 0, Target: 5}},
		MissionLink: "Serve every customer well the first time", Participants: []string{"team leads"},
	}
	var measures []string
	names, _ := behaviorsOf(s)
	for _, b := range names {
		measures = append(measures, cx.BehaviorMeasure(b))
	}
	measures = append(measures, cx.ENPSMeasure)
	panel := &cx.Panel{Hierarchy: h, Survey: s, Waves: waves, Tallies: t, MinGroup: minGroup}
	im, err := cx.EstimateImpact(panel, in, cx.ImpactOptions{Measures: measures, PerUnit: true, Placebo: true})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Initiative %q: %d teams from %s to %s; %d comparison teams\n", in.Name, len(im.Units),
		im.Start.Format(time.DateOnly), im.End.Format(time.DateOnly), len(im.Comparison))
	fmt.Fprintf(w, "waves before %v, during %v, after %v\n\n", im.Pre, im.During, im.After)
	fmt.Fprintf(w, "%-22s %-7s %9s %22s %10s %s\n", "measure", "window", "effect", "95% interval", "adj. p", "")
	for _, e := range im.Effects {
		if !e.Estimable {
			fmt.Fprintf(w, "%-22s %-7s not estimable: %s\n", e.Measure, e.Window, e.Reason)
			continue
		}
		mark := ""
		if e.Significant {
			mark = "significant"
		}
		fmt.Fprintf(w, "%-22s %-7s %+9.4f [%+9.4f, %+9.4f] %10.2g %s\n", e.Measure, e.Window, e.Estimate, e.Interval.Lower, e.Interval.Upper, e.Adjusted, mark)
	}
	fmt.Fprintln(w)
	for _, window := range []string{cx.DuringWindow, cx.AfterWindow} {
		printRecall(w, im, window, isTreated, len(treated), h)
	}
	// The control-chart view: every team's trend since the start, judged
	// against its own waves before the start.
	var teams []string
	for _, u := range h.IDs() {
		if h.IsLeaf(u) {
			teams = append(teams, u)
		}
	}
	trends, err := cx.Trends(panel, cx.TrendOptions{Measures: measures[:len(measures)-1], Units: teams, Since: start})
	if err != nil {
		return err
	}
	lifted := map[string]bool{}
	for _, b := range benchLifted {
		lifted[cx.BehaviorMeasure(b)] = true
	}
	type tally struct{ up, judged int }
	var hit, otherTreated, placebo tally
	for _, tr := range trends {
		if tr.Verdict == cx.TooLittleData {
			continue
		}
		up := tr.Verdict == cx.Improving || tr.Verdict == cx.SustainedShift
		c := &placebo
		switch {
		case isTreated[tr.Unit] && lifted[tr.Measure]:
			c = &hit
		case isTreated[tr.Unit]:
			c = &otherTreated
		}
		c.judged++
		if up {
			c.up++
		}
	}
	fmt.Fprintf(w, "trends since the start (improving or sustained shift):\n")
	fmt.Fprintf(w, "  initiative teams, lifted behaviors %d of %d (%.1f%%); initiative teams, other behaviors %d of %d (%.1f%%); other teams %d of %d (%.1f%%)\n",
		hit.up, hit.judged, pct(hit.up, hit.judged), otherTreated.up, otherTreated.judged, pct(otherTreated.up, otherTreated.judged),
		placebo.up, placebo.judged, pct(placebo.up, placebo.judged))
	return nil
}

// behaviorsOf returns the behaviors of a survey's items, in order.
func behaviorsOf(s survey.Survey) ([]string, int) {
	var out []string
	for _, c := range s.Constructs() {
		if c != survey.ENPS {
			out = append(out, c)
		}
	}
	return out, len(out)
}

// printRecall prints the recall and false positives of one window:
// behavior level (the initiative's effects) and team level (per-team and
// placebo effects).
func printRecall(w io.Writer, im *cx.Impact, window string, isTreated map[string]bool, nTreated int, h *cx.Hierarchy) {
	lifted := map[string]bool{}
	for _, b := range benchLifted {
		lifted[cx.BehaviorMeasure(b)] = true
	}
	var behHit, behFP, behOther int
	for _, e := range im.Effects {
		if e.Window != window || e.Measure == cx.ENPSMeasure {
			continue
		}
		switch {
		case lifted[e.Measure] && e.Improved:
			behHit++
		case !lifted[e.Measure]:
			behOther++
			if e.Significant {
				behFP++
			}
		}
	}
	var pairsHit, pairsTested, otherTreatedFP, otherTreatedTests, placeboFP, placeboTests int
	teamHit := map[string]bool{}
	placeboTeams := map[string]bool{}
	placeboFlagged := map[string]bool{}
	for _, u := range im.UnitEffects {
		if u.Window != window || u.Measure == cx.ENPSMeasure || !u.Estimable {
			continue
		}
		switch {
		case u.Placebo:
			placeboTests++
			placeboTeams[u.Unit] = true
			if u.Significant {
				placeboFP++
				placeboFlagged[u.Unit] = true
			}
		case lifted[u.Measure]:
			pairsTested++
			if u.Improved {
				pairsHit++
				teamHit[u.Unit] = true
			}
		default:
			otherTreatedTests++
			if u.Significant {
				otherTreatedFP++
			}
		}
	}
	fmt.Fprintf(w, "window %s:\n", window)
	fmt.Fprintf(w, "  behaviors: lifted detected %d of %d; other behaviors flagged %d of %d\n", behHit, len(benchLifted), behFP, behOther)
	fmt.Fprintf(w, "  teams: initiative teams detected %d of %d (%.1f%%); (team, lifted behavior) pairs detected %d of %d tested (%.1f%%)\n",
		len(teamHit), nTreated, pct(len(teamHit), nTreated), pairsHit, pairsTested, pct(pairsHit, pairsTested))
	fmt.Fprintf(w, "  false positives: initiative teams on other behaviors %d of %d tests (%.1f%%); other teams flagged %d of %d (%.1f%%), %d of %d (team, behavior) tests\n",
		otherTreatedFP, otherTreatedTests, pct(otherTreatedFP, otherTreatedTests), len(placeboFlagged), len(placeboTeams),
		pct(len(placeboFlagged), len(placeboTeams)), placeboFP, placeboTests)
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}
