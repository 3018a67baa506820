package survey_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/survey"
)

// The built-in instruments and what they measure.
func ExampleInstruments() {
	for _, s := range survey.Instruments() {
		fmt.Printf("%-14s %-8s %2d items, constructs %v\n", s.ID, s.Audience, len(s.Items), s.Constructs())
	}
	// Output:
	// culture_pulse  employee 11 items, constructs [customer_focus agility empowerment innovation inclusion enps]
	// a11            customer  7 items, constructs [satisfaction trust effectiveness ease efficiency equity_transparency employee_helpfulness]
	// a11_v2         customer 15 items, constructs [trust effectiveness ease efficiency equity_transparency humanity employee_helpfulness other]
	// nps            customer  1 items, constructs [nps]
	// csat           customer  1 items, constructs [csat]
	// ces            customer  1 items, constructs [ces]
}

// The culture pulse measures beliefs and behaviors apart.
func ExampleCulturePulse() {
	pulse := survey.CulturePulse()
	for _, it := range pulse.ItemsFor("empowerment") {
		fmt.Printf("%s (%s, %s): %s\n", it.ID, it.Kind, it.Scale, it.Text)
	}
	// Output:
	// empowerment.belief (belief, likert5 [1,5]): I am trusted to solve a customer's problem without waiting for approval.
	// empowerment.behavior (behavior, likert5 [1,5]): In the last month, I resolved a customer issue on my own judgement.
}

// Favorable ranges and reverse keying on the built-in scales.
func ExampleScale() {
	for _, v := range []int{6, 8, 9} {
		fmt.Printf("NPS %d favorable: %v\n", v, survey.NPS.Favorable(v))
	}
	negative := survey.Item{ID: "q9", Scale: survey.Likert5, Reverse: true}
	fmt.Println("a reversed 2 counts as", negative.Keyed(2))
	// Output:
	// NPS 6 favorable: false
	// NPS 8 favorable: false
	// NPS 9 favorable: true
	// a reversed 2 counts as 4
}

// exampleCatalog is the survey.Catalog of the example.
type exampleCatalog struct {
	s survey.Survey
	w survey.Wave
}

func (c exampleCatalog) Survey(id string) (survey.Survey, bool) { return c.s, id == c.s.ID }
func (c exampleCatalog) Wave(id string) (survey.Wave, bool)     { return c.w, id == c.w.ID }
func (c exampleCatalog) HasUnit(id string) bool                 { return id == "claims" }

// Validation lists every problem of a batch, each naming the response and
// the field or item.
func ExampleValidateResponses() {
	opens := time.Date(2025, time.June, 2, 8, 0, 0, 0, time.UTC)
	cat := exampleCatalog{
		s: survey.CSATSurvey(),
		w: survey.Wave{ID: "csat-june", Survey: survey.CSATID, Opens: opens, Closes: opens.Add(30 * 24 * time.Hour)},
	}
	id1 := uuid.MustParse("11111111-2222-4333-8444-555555555555")
	id2 := uuid.MustParse("66666666-7777-4888-9999-aaaaaaaaaaaa")
	batch := []survey.Response{
		{ID: id1, Survey: "csat", Wave: "csat-june", Unit: "claims", Submitted: opens.Add(time.Hour), Answers: map[string]int{"csat": 5}},
		{ID: id2, Survey: "csat", Wave: "csat-june", Unit: "billing", Submitted: opens.Add(-time.Hour), Answers: map[string]int{"csat": 6}},
		{ID: id1, Survey: "csat", Wave: "csat-june", Unit: "claims", Submitted: opens.Add(time.Hour), Answers: map[string]int{"effort": 2}},
	}
	err := survey.ValidateResponses(cat, batch)
	var ve *survey.ValidationError
	if errors.As(err, &ve) {
		for _, p := range ve.Problems {
			fmt.Printf("%s: %s\n", p.Field, p.Message)
		}
	}
	fmt.Println(errors.Is(err, survey.ErrInvalid))
	// Output:
	// responses[1 66666666-7777-4888-9999-aaaaaaaaaaaa].unit: unknown unit "billing"
	// responses[1 66666666-7777-4888-9999-aaaaaaaaaaaa].submitted: 2025-06-02T07:00:00Z is outside wave "csat-june" (2025-06-02T08:00:00Z to 2025-07-02T08:00:00Z)
	// responses[1 66666666-7777-4888-9999-aaaaaaaaaaaa].answers.csat: value 6 outside scale csat [1,5]
	// responses[2 11111111-2222-4333-8444-555555555555].id: same response ID as responses[0] in this batch
	// responses[2 11111111-2222-4333-8444-555555555555].answers.effort: unknown item "effort" in survey "csat"
	// responses[2 11111111-2222-4333-8444-555555555555].answers.csat: required item not answered
	// true
}
