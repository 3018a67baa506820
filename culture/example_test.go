package culture_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/culture"
)

// The three built-in frameworks and their behaviors.
func ExampleBuiltinFrameworks() {
	for _, f := range culture.BuiltinFrameworks() {
		fmt.Printf("%s:", f.Name)
		for _, b := range f.Behaviors {
			fmt.Printf(" %s;", b.ID)
		}
		fmt.Println()
	}
	// Output:
	// CX behaviors: customer_focus; agility; empowerment; innovation; inclusion;
	// Customer mindset: empathy; responsiveness; ownership; obsession;
	// Continuous improvement: high_standards; healthy_impatience; self_criticism; resilience;
}

// A 90-day project ends 90 days after its start by default, and moves
// through its lifecycle one validated transition at a time.
func ExampleInitiative_Transition() {
	start := time.Date(2025, time.March, 3, 9, 0, 0, 0, time.UTC)
	in := culture.Initiative{
		ID:        uuid.MustParse("0f8b7d2e-4c1a-4e55-9d3b-6a2f1c0e9b11"),
		Name:      "Answer every claim within a week",
		Kind:      culture.NinetyDay,
		Owner:     "Head of claims",
		Units:     []string{"claims"},
		Start:     start,
		Behaviors: []string{culture.CustomerFocus, culture.Agility},
		Outcomes: []culture.OutcomeTarget{
			{Metric: "processing_days", Baseline: 21, Target: 7, Direction: culture.LowerIsBetter},
		},
	}
	in.ApplyDefaults()
	fmt.Println("status:", in.Status, "ends:", in.End.Format(time.DateOnly))

	if err := in.Transition(culture.Active, start, "kick-off"); err != nil {
		fmt.Println(err)
	}
	if err := in.Transition(culture.Planned, start.Add(time.Hour), ""); err != nil {
		fmt.Println(err)
	}
	if err := in.Transition(culture.Completed, start.Add(85*24*time.Hour), "target met"); err != nil {
		fmt.Println(err)
	}
	for _, t := range in.History {
		fmt.Printf("%s → %s on %s %q\n", t.From, t.To, t.At.Format(time.DateOnly), t.Note)
	}
	fmt.Println("valid:", in.Validate() == nil)
	// Output:
	// status: planned ends: 2025-06-01
	// culture: invalid: status: cannot go from active to planned
	// planned → active on 2025-03-03 "kick-off"
	// active → completed on 2025-05-27 "target met"
	// valid: true
}

// Validation lists every problem, each naming its field.
func ExampleInitiative_Validate() {
	in := culture.Initiative{
		ID:    uuid.MustParse("0f8b7d2e-4c1a-4e55-9d3b-6a2f1c0e9b12"),
		Name:  "Redesign the renewal letter",
		Kind:  culture.ChangeProgram,
		Units: []string{"renewals", "renewals"},
		Start: time.Date(2025, time.March, 3, 0, 0, 0, 0, time.UTC),
		Outcomes: []culture.OutcomeTarget{
			{Metric: "csat_weekly", Baseline: 0.62, Target: 0.55, Direction: culture.HigherIsBetter},
		},
	}
	in.ApplyDefaults()
	err := in.Validate()
	var ve *culture.ValidationError
	if errors.As(err, &ve) {
		for _, p := range ve.Problems {
			fmt.Printf("%s: %s\n", p.Field, p.Message)
		}
	}
	fmt.Println(errors.Is(err, culture.ErrInvalid))
	// Output:
	// owner: required: the sponsor accountable for the initiative
	// units[1]: duplicate renewals
	// end: required for a change program
	// outcomes[0].target: target 0.55 is not an improvement on baseline 0.62 (higher is better)
	// true
}

// An indicator observes a behavior through survey items or an operational
// metric.
func ExampleIndicator() {
	target := 0.75
	in := culture.Indicator{
		ID:       "cf_acts_on_feedback",
		Behavior: culture.CustomerFocus,
		Name:     "Teams change how they work because of customer feedback",
		Source:   culture.Source{Items: []string{"customer_focus.behavior"}},
		Target:   &target,
	}
	fmt.Println(in.Validate(), in.Direction, in.Direction.Met(0.78, *in.Target))
	// Output:
	// <nil> higher true
}
