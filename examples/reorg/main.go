// Command reorg follows a culture program through a year of change: four
// waves of a pulse survey, a reorganization between the second and the
// third (two teams merge, a team moves to another division, a team is
// split in two), a belief item reworded in the third wave, and a cut of
// the results by tenure. It prints what is compared across the changes,
// what is not, and why, as a leader would read it.
//
// Run:
//
//	go run ./examples/reorg
package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/cx/org"
	"github.com/cxculture/cxculture/survey"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "reorg:", err)
		os.Exit(1)
	}
}

func day(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }

// pulse is the survey: customer focus (a belief and a practice) and
// empowerment, with tenure declared as a segment.
func pulse() survey.Survey {
	return survey.Survey{ID: "pulse", Name: "Culture pulse", Audience: survey.Employee, Version: 1,
		Items: []survey.Item{
			{ID: "cf_belief", Text: "Our customers' needs come first here.", Scale: survey.Likert5, Construct: culture.CustomerFocus, Kind: survey.Belief, Version: 1},
			{ID: "cf_practice", Text: "In the last month my team changed something because of customer feedback.", Scale: survey.Likert5, Construct: culture.CustomerFocus, Kind: survey.Behavior, Version: 1},
			{ID: "emp_practice", Text: "I can fix a customer's problem without asking for permission.", Scale: survey.Likert5, Construct: culture.Empowerment, Kind: survey.Behavior, Version: 1},
		},
		Segments: []survey.Segment{{Key: "tenure", Name: "Tenure", Values: []string{"under 2 years", "2 to 5 years", "over 5 years"}}},
	}
}

var waves = []survey.Wave{
	{ID: "2026-01", Survey: "pulse", Name: "January", Opens: day(1, 12), Closes: day(1, 26)},
	{ID: "2026-04", Survey: "pulse", Name: "April", Opens: day(4, 13), Closes: day(4, 27)},
	{ID: "2026-07", Survey: "pulse", Name: "July", Opens: day(7, 13), Closes: day(7, 27)},
	{ID: "2026-10", Survey: "pulse", Name: "October", Opens: day(10, 12), Closes: day(10, 26)},
}

// reorgDay is when the reorganization takes effect.
var reorgDay = day(5, 1)

// staff are the people of each team before and after the reorganization.
// Central Office keeps 40 people of each office it was formed from: 15
// people of North Office left and 15 joined South Office's part, as many
// in each tenure group, so that the people who answered only one of two
// waves are never a group small enough to be worked out from the paired
// figures (which would then be hidden).
var staff = map[string]int{
	"north": 55, "south": 25, "west": 33, "support": 60, "field": 45,
	"central": 80, "support_a": 30, "support_b": 30,
}

func run(ctx context.Context, w io.Writer) error {
	now := day(11, 2)
	ps, err := cx.NewPseudonymizer([]byte("reorg demo key, not a secret of anyone"))
	if err != nil {
		return err
	}
	p, err := cx.New(memstore.New(), &cx.Options{Now: func() time.Time { return now }, Pseudonymizer: ps})
	if err != nil {
		return err
	}
	if err := p.DefineUnits(ctx,
		cx.Unit{ID: "city_services", Name: "City Services"},
		cx.Unit{ID: "sales", Parent: "city_services", Name: "Customer Sales", Leaders: []string{"maria.lopez@city.example"}},
		cx.Unit{ID: "north", Parent: "sales", Name: "North Office"},
		cx.Unit{ID: "south", Parent: "sales", Name: "South Office"},
		cx.Unit{ID: "ops", Parent: "city_services", Name: "Operations"},
		cx.Unit{ID: "west", Parent: "ops", Name: "West Desk"},
		cx.Unit{ID: "support", Parent: "ops", Name: "Support Line"},
		cx.Unit{ID: "field", Parent: "ops", Name: "Field Teams"},
	); err != nil {
		return err
	}
	if err := p.DefineFramework(ctx, culture.CXBehaviors()); err != nil {
		return err
	}
	behaviors, err := p.Behaviors(ctx)
	if err != nil {
		return err
	}
	name := func(id string) string { return strings.ToLower(behaviors[id].Name) }
	if err := p.DefineSurvey(ctx, pulse()); err != nil {
		return err
	}
	// The reorganization of 1 May, recorded once it is decided.
	if err := p.ChangeOrg(ctx,
		cx.OrgChange{Kind: org.Merge, Effective: reorgDay, Unit: cx.Unit{ID: "central", Name: "Central Office"}, From: []string{"north", "south"},
			Note: "one office per region"},
		cx.OrgChange{Kind: org.Move, Effective: reorgDay, Unit: cx.Unit{ID: "west", Parent: "sales"}},
		cx.OrgChange{Kind: org.Split, Effective: reorgDay, Unit: cx.Unit{ID: "support"},
			Into: []cx.Unit{{ID: "support_a", Name: "Support Line A"}, {ID: "support_b", Name: "Support Line B"}}},
	); err != nil {
		return err
	}
	for i, wave := range waves {
		if i == 2 {
			// The belief item is reworded from July: a new version.
			s := pulse()
			s.Version = 2
			s.Items[0].Text, s.Items[0].Version = "Customers' needs come first in what we decide.", 2
			if err := p.DefineSurvey(ctx, s); err != nil {
				return err
			}
		}
		if err := p.OpenWave(ctx, wave); err != nil {
			return err
		}
		if _, err := p.RecordResponses(ctx, responses(i, wave)); err != nil {
			return err
		}
	}

	last, first := waves[3], waves[0]
	var names []string
	for _, wave := range waves {
		names = append(names, wave.Name)
	}
	fmt.Fprintf(w, "Four waves of the culture pulse: %s and %s.\n", strings.Join(names[:len(names)-1], ", "), names[len(names)-1])
	fmt.Fprintf(w, "The org changed on %s, between the %s and %s waves:\n", org.Day(reorgDay), waves[1].Name, waves[2].Name)
	hist, err := p.Org(ctx)
	if err != nil {
		return err
	}
	before, _ := hist.At(reorgDay.Add(-time.Microsecond))
	after, _ := hist.At(reorgDay)
	for _, c := range hist.Changes() {
		if c.Effective.Equal(reorgDay) {
			fmt.Fprintf(w, "  %s\n", describe(c, before, after))
		}
	}
	fmt.Fprintf(w, "and the belief item of customer focus was reworded in %s.\n\n", waves[2].Name)

	sc, err := p.Scorecard(ctx, "pulse", cx.ScorecardOptions{Wave: last.ID, Baseline: first.ID})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Customer focus, %s against %s (favorable share, and change in percentage points):\n", last.Name, first.Name)
	var why []string
	for _, u := range sc.Units {
		indent := strings.Repeat("  ", u.Depth)
		if u.Suppressed {
			fmt.Fprintf(w, "  %s%s: not shown (%s)\n", indent, u.Name, u.Reason)
			continue
		}
		cf := u.Behaviors[0]
		line := fmt.Sprintf("  %s%s: %.0f%%", indent, u.Name, 100*cf.Favorable.Value)
		switch {
		case u.NotComparable != "":
			line += fmt.Sprintf(", not compared with %s, see below", first.Name)
			why = append(why, u.NotComparable)
		case cf.Change != nil:
			if len(cf.Change.Items) > 0 {
				// The change is over the items asked alike in both waves:
				// say the share it starts from on those items too.
				line += fmt.Sprintf("; on the %s asked alike in both waves %.0f%%", itemsAlike(len(cf.Change.Items)), 100*cf.Change.Current.Value)
			}
			line += fmt.Sprintf(", %s since %s, %s", signedPoints(cf.Change.Diff), first.Name, judged(cf.Change.Significant))
			if u.Restated != "" {
				line += " — baseline restated, see below"
				why = append(why, u.Restated)
			}
		default:
			line += ", no change shown"
		}
		fmt.Fprintln(w, line)
	}
	for _, u := range sc.Units {
		if !u.Suppressed && u.Behaviors[0].Break != "" {
			why = append(why, "Customer focus is "+u.Behaviors[0].Break)
			break
		}
	}
	if len(why) > 0 {
		fmt.Fprintf(w, "What is compared across the changes, and what is not:\n")
		for _, s := range why {
			fmt.Fprintf(w, "  %s.\n", s)
		}
	}

	fmt.Fprintf(w, "\nBy tenure, %s, the whole agency:\n", last.Name)
	cut, err := p.SegmentCut(ctx, "pulse", cx.SegmentOptions{Wave: last.ID, Key: "tenure"})
	if err != nil {
		return err
	}
	for _, r := range cut.Rows {
		if r.Suppressed {
			fmt.Fprintf(w, "  %s: not shown (%s)\n", r.Value, r.Reason)
			continue
		}
		fmt.Fprintf(w, "  %s: %d people, customer focus %.0f%%, empowerment %.0f%%\n", r.Value, r.Respondents,
			100*r.Behaviors[0].Favorable.Value, 100*r.Behaviors[1].Favorable.Value)
	}

	fmt.Fprintf(w, "\nThe same people, %s against %s (people who answered both):\n", last.Name, first.Name)
	pc, err := p.PairedChange(ctx, "pulse", cx.PairedOptions{Wave: last.ID, Baseline: first.ID})
	if err != nil {
		return err
	}
	for _, u := range pc.Units {
		if u.Suppressed {
			fmt.Fprintf(w, "  %s: not shown (%s)\n", u.Name, u.Reason)
			continue
		}
		for _, b := range u.Behaviors {
			if b.Suppressed {
				fmt.Fprintf(w, "  %s, %s: not shown (%s)\n", u.Name, name(b.Behavior), b.Reason)
				continue
			}
			// McNemar's test of the people whose answers moved either way,
			// at the 5% level.
			fmt.Fprintf(w, "  %s, %s: %d people, %.0f%% then %.0f%% favorable on the %s asked alike in both waves, %s",
				u.Name, name(b.Behavior), b.Pairs, 100*b.Before, 100*b.After, itemsAlike(len(b.Items)), judged(b.McNemar.P < 0.05))
			if c := b.CrossSectional; c != nil {
				fmt.Fprintf(w, "; among everyone who answered, %s", signedPoints(c.Diff))
			}
			fmt.Fprintln(w)
		}
	}

	view, err := p.LeaderView(ctx, "pulse", "maria.lopez@city.example", cx.ScorecardOptions{Wave: last.ID})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nMaria Lopez's view, %s: customer focus, and its gap to the unit above and to the agency (95%% interval):\n", last.Name)
	unitNames := map[string]string{}
	for _, u := range sc.Units {
		unitNames[u.Unit] = u.Name
	}
	for i, u := range view.Scorecard.Units {
		g := view.Gaps[i][0]
		if u.Suppressed || g.Parent == nil || g.Org == nil {
			why := g.Reason
			if u.Suppressed {
				why = u.Reason
			}
			if why != "" {
				why = " (" + why + ")"
			}
			fmt.Fprintf(w, "  %s: no gap shown%s\n", u.Name, why)
			continue
		}
		fmt.Fprintf(w, "  %s: %.0f%%, %s %s (%s), %s the agency (%s)\n", u.Name, 100*u.Behaviors[0].Favorable.Value,
			points(g.Parent.Diff), unitNames[g.Parent.Unit], span(g.Parent), points(g.Org.Diff), span(g.Org))
	}
	return nil
}

// points says a gap in percentage points: "3 points higher than".
func points(d float64) string {
	p := math.Round(100 * d)
	unit := "points"
	if math.Abs(p) == 1 {
		unit = "point"
	}
	switch {
	case p > 0:
		return fmt.Sprintf("%.0f %s higher than", p, unit)
	case p < 0:
		return fmt.Sprintf("%.0f %s lower than", -p, unit)
	}
	return "level with"
}

// itemsAlike names n items: "item", "2 items".
func itemsAlike(n int) string {
	if n == 1 {
		return "item"
	}
	return fmt.Sprintf("%d items", n)
}

// signedPoints says a change in percentage points: "+16 points",
// "-1 point".
func signedPoints(d float64) string {
	p := math.Round(100 * d)
	if math.Abs(p) == 1 {
		return fmt.Sprintf("%+.0f point", p)
	}
	return fmt.Sprintf("%+.0f points", p)
}

// judged says whether a change is significant, in words.
func judged(significant bool) string {
	if significant {
		return "significant"
	}
	return "not significant, it could be chance"
}

// span says a gap's interval in percentage points.
func span(g *cx.UnitGap) string {
	return fmt.Sprintf("%+.0f to %+.0f", 100*g.Interval.Lower, 100*g.Interval.Upper)
}

// describe says a change in words, with the units' names before and
// after it.
func describe(c cx.OrgChange, before, after *cx.Hierarchy) string {
	name := func(h *cx.Hierarchy, id string) string {
		if u, ok := h.Unit(id); ok {
			return u.Name
		}
		return "a unit"
	}
	switch c.Kind {
	case org.Merge:
		var from []string
		for _, id := range c.From {
			from = append(from, name(before, id))
		}
		s := fmt.Sprintf("%s merged into %s, a new unit", strings.Join(from, " and "), c.Unit.Name)
		if c.Note != "" {
			s += " (" + c.Note + ")"
		}
		return s
	case org.Move:
		u, _ := before.Unit(c.Unit.ID)
		return fmt.Sprintf("%s moved from %s to %s", name(before, c.Unit.ID), name(before, u.Parent), name(after, c.Unit.Parent))
	case org.Split:
		var names []string
		for _, u := range c.Into {
			names = append(names, u.Name)
		}
		return fmt.Sprintf("%s split into %s", name(before, c.Unit.ID), strings.Join(names, " and "))
	}
	return fmt.Sprintf("%s: %s", name(after, c.Unit.ID), c.Kind)
}

// responses simulates wave i: everyone answers, favorable more often over
// the year; the reworded belief item reads about ten points higher.
func responses(i int, wave survey.Wave) []survey.Response {
	rng := rand.New(rand.NewPCG(2026, uint64(i)))
	teams := []string{"north", "south", "west", "support", "field"}
	if i >= 2 {
		teams = []string{"central", "west", "support_a", "support_b", "field"}
	}
	tenures := pulse().Segments[0].Values
	var out []survey.Response
	for _, team := range teams {
		for k := range staff[team] {
			person := team + "-" + fmt.Sprint(k)
			if i >= 2 {
				// After the merge and the split, people keep their names.
				switch team {
				case "central":
					person = []string{"north", "south"}[k%2] + "-" + fmt.Sprint(k/2)
				case "support_a":
					person = "support-" + fmt.Sprint(2*k)
				case "support_b":
					person = "support-" + fmt.Sprint(2*k+1)
				}
			}
			fav := func(base float64) int {
				if rng.Float64() < base+0.05*float64(i) {
					return 4 + rng.IntN(2)
				}
				return 1 + rng.IntN(3)
			}
			belief := 0.45
			if i >= 2 {
				belief += 0.10
			}
			out = append(out, survey.Response{
				ID:     uuid.NewSHA1(uuid.NameSpaceOID, []byte(wave.ID+"/"+person)),
				Survey: "pulse", Wave: wave.ID, Unit: team, Respondent: person + "@city.example",
				Submitted: wave.Opens.Add(time.Duration(rng.IntN(240)) * time.Hour),
				Answers:   map[string]int{"cf_belief": fav(belief), "cf_practice": fav(0.40), "emp_practice": fav(0.50)},
				Segments:  map[string]string{"tenure": tenures[k%3]},
			})
		}
	}
	return out
}
