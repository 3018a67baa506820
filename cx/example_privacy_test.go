package cx_test

import (
	"fmt"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/metrics"
	"github.com/cxculture/cxculture/survey"
)

// Five teams of 23, 10, 7, 5 and 1 respondents under one organization. The
// team of one is below the minimum; showing the others would give it away
// (the organization minus the four teams), so another team is hidden with
// it. The plan never picks that team by its count (hiding the team of 5
// would tell a reader it is the smallest, and with the team of one at
// least 1, that they hold exactly 6): without invited counts it takes the
// first team by name ([Privacy.PlanWaves] takes the smallest invited).
func ExamplePrivacy_Plan() {
	units := []cx.Unit{{ID: "org", Name: "Organization"}}
	sizes := map[string]int64{"t1": 23, "t2": 10, "t3": 7, "t4": 5, "t5": 1}
	t := cx.NewTallies("pulse")
	for id, n := range sizes {
		units = append(units, cx.Unit{ID: id, Parent: "org", Name: "Team " + id})
		t.Respondents[cx.Group{Unit: id, Wave: "2026-06"}] = n
	}
	h, err := cx.NewHierarchy(units)
	if err != nil {
		panic(err)
	}
	plan, err := cx.DefaultPrivacy().Plan(h, t, []string{"2026-06"}, nil)
	if err != nil {
		panic(err)
	}
	// HiddenCells is an operator's list (it names the group a cell
	// protects, and leaves out the empty teams the outputs list as
	// hidden); readers' outputs ask Hidden of each cell they list.
	// BeyondMinimum counts only what the published reasons tell.
	for _, c := range plan.HiddenCells() {
		fmt.Printf("%s: %s", c.Cell, c.Reason)
		if c.Reason.Kind == cx.Complementary {
			fmt.Printf(" (it protects %s)", c.Reason.Other)
		}
		fmt.Println()
	}
	fmt.Println("hidden beyond the minimum:", plan.BeyondMinimum())
	_, hidden := plan.Hidden("org", "2026-06")
	fmt.Println("organization hidden:", hidden)
	// Output:
	// t1@2026-06: hidden so that a smaller group cannot be worked out from the figures shown (it protects t5@2026-06)
	// t5@2026-06: fewer than 5 respondents
	// hidden beyond the minimum: 1
	// organization hidden: false
}

// Teams with their answers to one item. The team of one (e) is hidden,
// and team a with it; but all seven of them agreed, so the organization
// minus the shown teams would tell that each answered favorably. So one
// shown team's figures for the item are hidden too (b, whose answers were
// mixed), the team itself staying shown.
func ExamplePrivacy_PlanSurvey() {
	s := survey.Survey{ID: "pulse", Name: "Pulse", Audience: survey.Employee, Version: 1, Items: []survey.Item{
		{ID: "q1", Text: "We act on what customers tell us.", Construct: "customer_focus", Scale: survey.Likert5, Kind: survey.Behavior, Version: 1}}}
	answers := map[string][]int{
		"a": {5, 4, 4, 5, 4, 5},
		"b": {4, 2, 5, 4, 3, 4, 4},
		"c": {4, 4, 2, 5, 3, 4, 4, 5, 1, 4},
		"d": {5, 4, 4, 2, 3, 5, 4, 1, 4, 5, 4, 4, 3, 5, 2, 4, 4, 5, 3, 4, 4, 2, 5},
		"e": {5},
	}
	units := []cx.Unit{{ID: "org", Name: "Organization"}}
	t := cx.NewTallies("pulse")
	for id, as := range answers {
		units = append(units, cx.Unit{ID: id, Parent: "org", Name: "Team " + id})
		t.Respondents[cx.Group{Unit: id, Wave: "2026-06"}] = int64(len(as))
		tally := metrics.NewTally(1, 5)
		for _, a := range as {
			if err := tally.Add(a); err != nil {
				panic(err)
			}
		}
		t.Answers[cx.Cell{Unit: id, Wave: "2026-06", Item: "q1"}] = tally
	}
	h, err := cx.NewHierarchy(units)
	if err != nil {
		panic(err)
	}
	plan, err := cx.DefaultPrivacy().PlanSurvey(s, h, t, []string{"2026-06"}, nil)
	if err != nil {
		panic(err)
	}
	// why gives the kind of a reason and the group it protects (Other);
	// Reason.String, which reports show, names no group.
	why := func(r cx.Reason) string {
		if r.Other != "" {
			return fmt.Sprintf("%s, protecting %s", r.Kind, r.Other)
		}
		return r.Kind.String()
	}
	for _, id := range []string{"org", "a", "b", "c", "d", "e"} {
		c := cx.CellRef{Unit: id, Wave: "2026-06"}
		if r, hidden := plan.Hidden(id, "2026-06"); hidden {
			fmt.Printf("%s hidden: %s\n", id, why(r))
		} else if r, hidden := plan.FigureHidden(c, cx.BehaviorMeasure("customer_focus")); hidden {
			fmt.Printf("%s shown, customer focus hidden: %s\n", id, why(r))
		} else {
			fmt.Printf("%s shown\n", id)
		}
	}
	// Output:
	// org shown
	// a hidden: complementary, protecting e@2026-06
	// b shown, customer focus hidden: complementary, protecting e@2026-06
	// c shown
	// d shown
	// e hidden: below_minimum
}

// A keyed pseudonym links one person's responses across waves without
// storing who they are.
func ExampleNewPseudonymizer() {
	p, err := cx.NewPseudonymizer([]byte("keep this key out of the store"))
	if err != nil {
		panic(err)
	}
	first, later := p.Pseudonym("e1234"), p.Pseudonym("e1234")
	fmt.Println(first)
	fmt.Println(first == later, cx.IsPseudonym(first))
	_, err = cx.NewPseudonymizer([]byte("short"))
	fmt.Println(err)
	// Output:
	// p1:4c53f8e55e898a9550d8bda4832d2b9e559e4474191e8719d4e7c8935c892979
	// true true
	// cx: invalid input: pseudonym_key: must hold at least 16 bytes, got 5
}
