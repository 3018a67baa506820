// Command pulse runs a quarter of weekly pulses: a schedule of thirteen
// waves in New York time, a rotation that keeps each pulse to eight items
// while measuring every behavior every week, simulated answers from three
// divisions (one running an empowerment project, all growing tired of the
// survey), and then the response rates and fatigue indicators per unit.
//
// It prints the schedule and the rotation, the organization's
// participation week by week, and, per division, the trend of its
// response rate, skipped answers and comment length, with the fatigue
// signals that are significant.
//
// Run:
//
//	go run ./examples/pulse [-seed N] [-fatigue F] [-max-items N] [-every N]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/cx/simulate"
	"github.com/cxculture/cxculture/survey"
)

func main() {
	if err := run(context.Background(), os.Stdout, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "pulse:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer, args []string) error {
	fs := flag.NewFlagSet("pulse", flag.ContinueOnError)
	fs.SetOutput(w)
	seed := fs.Int64("seed", 2025, "simulation seed")
	fatigue := fs.Float64("fatigue", 0.04, "survey fatigue per wave, in [0, 1)")
	maxItems := fs.Int("max-items", 8, "most items per pulse")
	every := fs.Int("every", 5, "every item is asked at least once in this many waves")
	if err := fs.Parse(args); err != nil {
		return err
	}

	// 1. The calendar: weekly, Monday 09:00 in New York, open four days.
	// The quarter crosses the start of daylight saving time on 9 March.
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		return err
	}
	bank := simulate.Pulse()
	sched := survey.Schedule{Survey: bank.ID, Cadence: survey.Weekly, First: time.Date(2025, 1, 6, 9, 0, 0, 0, ny), Waves: 13, OpenDays: 4}
	waves, err := sched.Plan()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Schedule: %d %s waves of %q, open %d days (America/New_York)\n", len(waves), sched.Cadence, bank.ID, sched.OpenDays)
	for _, i := range []int{0, 8, 9, 12} {
		fmt.Fprintf(w, "  %-16s opens %s  closes %s\n", waves[i].ID, waves[i].Opens.Format("Mon 2006-01-02 15:04 MST"), waves[i].Closes.Format("Mon 2006-01-02 15:04 MST"))
	}

	// 2. The rotation: one anchor item per behavior and eNPS every week,
	// the other items in turn.
	rot := survey.Rotation{MaxItems: *maxItems, Every: *every, Anchors: survey.AnchorItems(bank)}
	plan, err := rot.Plan(bank)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nRotation: %d items in the bank, at most %d per pulse, each asked at least every %d weeks (cycle of %d)\n",
		len(bank.Items), rot.MaxItems, rot.Every, plan.Gap)
	fmt.Fprintf(w, "  anchors, every week: %s\n", strings.Join(rot.Anchors, " "))
	anchor := map[string]bool{}
	for _, a := range rot.Anchors {
		anchor[a] = true
	}
	for i, slot := range plan.Slots {
		var rotating []string
		for _, id := range slot {
			if !anchor[id] {
				rotating = append(rotating, id)
			}
		}
		fmt.Fprintf(w, "  week %d of the cycle (%d items): + %s\n", i+1, len(slot), strings.Join(rotating, " "))
	}

	// 3. The answers: three divisions of uneven teams; division d1 runs a
	// 90-day empowerment project from week 4.
	d, err := simulate.Generate(simulate.Config{
		Seed: *seed, Survey: bank, Waves: sched.Waves, Cadence: sched.Cadence, First: sched.First, OpenDays: sched.OpenDays,
		Asked:   plan.Slots,
		Fatigue: *fatigue,
		Lifts:   []simulate.Lift{{Units: []string{"d1"}, From: 3, Behaviors: []string{culture.Empowerment}, Size: 0.5, Ramp: 4}},
	})
	if err != nil {
		return err
	}

	// 4. Into a program, which validates every unit, wave and response.
	p, err := cx.New(memstore.New(), nil)
	if err != nil {
		return err
	}
	if err := p.DefineUnits(ctx, d.Units...); err != nil {
		return err
	}
	if err := p.DefineSurvey(ctx, d.Survey); err != nil {
		return err
	}
	for _, wv := range d.Waves {
		if err := p.OpenWave(ctx, wv); err != nil {
			return err
		}
	}
	n, err := p.RecordResponses(ctx, d.Responses)
	if err != nil {
		return err
	}
	invited := 0
	for _, c := range d.Waves[0].Invited {
		invited += c
	}
	fmt.Fprintf(w, "\nProgram: %d teams in %d divisions, %d people invited each week, %d responses recorded\n",
		len(d.Teams), len(d.Units)-len(d.Teams)-1, invited, n)

	// 5. Participation and fatigue.
	asked := map[string][]string{}
	for i, wv := range d.Waves {
		asked[wv.ID] = d.Asked[i]
	}
	part, err := cx.NewParticipation(d.Survey, asked)
	if err != nil {
		return err
	}
	for _, r := range d.Responses {
		if err := part.Add(r); err != nil {
			return err
		}
	}
	h, err := cx.NewHierarchy(d.Units)
	if err != nil {
		return err
	}
	// The recommended privacy rules: 5 respondents for rates, 10 for
	// comments, and no hidden group may be worked out by subtraction.
	pr := cx.DefaultPrivacy()
	rep, err := cx.NewPulseReport(h, d.Waves, part, cx.PulseOptions{Privacy: &pr})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nOrganization, week by week (response rate with 95%% interval; skipped answers; words per comment)\n")
	fmt.Fprintf(w, "  %-5s %-10s %5s %5s %18s %8s %8s\n", "week", "opens", "resp", "inv", "response rate", "skipped", "words")
	for i, wv := range rep.Waves {
		r, _ := rep.Row(h.Root(), wv)
		fmt.Fprintf(w, "  %-5d %-10s %5d %5d %5.1f%% [%4.1f, %4.1f] %7.1f%% %8.1f\n", i+1, d.Waves[i].Opens.Format("2006-01-02"),
			r.Respondents, r.Invited, r.ResponseRate.Percent(), 100*r.RateCI.Lower, 100*r.RateCI.Upper, r.Skipped.Percent(), r.CommentWords)
	}

	fmt.Fprintf(w, "\nFatigue per unit (slope per week; * significant at 5%%)\n")
	fmt.Fprintf(w, "  %-6s %16s %16s %16s  %s\n", "unit", "response rate", "skipped", "words/comment", "signals")
	for _, u := range append([]string{h.Root()}, h.Children(h.Root())...) {
		f, _ := rep.FatigueOf(u)
		sig := strings.Join(f.Signals(), ", ")
		if sig == "" {
			sig = "none"
		}
		fmt.Fprintf(w, "  %-6s %16s %16s %16s  %s\n", u,
			slope(100*f.ResponseRate.Slope, f.FallingResponse, "pp"), slope(100*f.Skipped.Slope, f.RisingSkips, "pp"),
			slope(f.CommentWords.Slope, f.ShorterComments, "w"), sig)
	}

	small, protecting := 0, 0
	for _, r := range rep.Rows {
		switch {
		case !r.Hidden:
		case r.Reason == fmt.Sprintf("fewer than %d respondents", rep.MinGroup):
			small++
		default:
			protecting++
		}
	}
	fmt.Fprintf(w, "\nPrivacy: of %d unit-weeks, %d had fewer than %d respondents and %d more are hidden so that those cannot\n"+
		"be worked out by subtraction; their counts and rates are not shown, nor used in the trends above.\n",
		len(rep.Rows), small, rep.MinGroup, protecting)
	return nil
}

// slope formats a slope with its unit and a star when significant.
func slope(v float64, significant bool, unit string) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	s := fmt.Sprintf("%+.2f %s", v, unit)
	if significant {
		s += "*"
	}
	return s
}
