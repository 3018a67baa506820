package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

// TestRun runs the story and checks that it says what is compared across
// the reorganization and the rewording, what is not, and why.
func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	text := out.String()
	for _, want := range []string{
		"Four waves of the culture pulse: January, April, July and October.",
		"The org changed on 1 May 2026, between the April and July waves:",
		"North Office and South Office merged into Central Office, a new unit (one office per region)",
		"West Desk moved from Operations to Customer Sales",
		"Support Line split into Support Line A and Support Line B",
		// A merged unit is compared with the units it was formed from.
		"Central Office is compared with the units it was formed from, as they stood at the baseline: North Office (merged on 1 May 2026), South Office (merged on 1 May 2026)",
		// A move restates both divisions' baselines.
		"Customer Sales is compared with its baseline restated on today's structure: with West Desk (moved on 1 May 2026)",
		"Operations is compared with its baseline restated on today's structure: without West Desk (moved on 1 May 2026)",
		// A split unit's parts are not compared.
		"Support Line A: 63%, not compared with January, see below",
		"  Support Line A cannot be compared with the baseline: Support Line was split on 1 May 2026",
		// The reworded item is a break; the unchanged one is compared.
		`Customer focus is compared with the baseline on 1 of its 2 items: the item "Our customers' needs come first here." was reworded`,
		// The change is over the item asked alike in both waves: 40% in
		// January, 56% in October, +16 points.
		"City Services: 63%; on the item asked alike in both waves 56%, +16 points since January, significant",
		"Field Teams: 62%; on the item asked alike in both waves 58%, +18 points since January, not significant, it could be chance",
		"Operations: 64%; on the item asked alike in both waves 59%, +19 points since January, significant — baseline restated, see below",
		"City Services, customer focus: 203 people, 40% then 57% favorable on the item asked alike in both waves, significant; among everyone who answered, +16 points",
		"By tenure, October, the whole agency:",
		"under 2 years:",
		"The same people, October against January",
		"Maria Lopez's view, October",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the output lacks %q:\n%s", want, text)
		}
	}
	for _, leak := range []string{"cf_belief", "cf_practice", "emp_practice", "2026-01", "2026-04", "2026-07", "2026-10", "behavior:", "@"} {
		if strings.Contains(text, leak) {
			t.Errorf("the output shows the internal key %q:\n%s", leak, text)
		}
	}
	// Units are named, never shown by their IDs.
	for _, id := range []string{"city_services", "sales", "north", "south", "ops", "west", "support", "field", "central", "support_a", "support_b"} {
		if regexp.MustCompile(`\b` + id + `\b`).MatchString(text) {
			t.Errorf("the output shows the unit ID %q:\n%s", id, text)
		}
	}
	// No statistical jargon: a change is significant or could be chance.
	for _, jargon := range []*regexp.Regexp{regexp.MustCompile(`(?i)mcnemar`), regexp.MustCompile(`\bp ?[=<]`), regexp.MustCompile(`\(s\)`)} {
		if jargon.MatchString(text) {
			t.Errorf("the output uses the jargon %q:\n%s", jargon, text)
		}
	}
	// Every change since January says whether it is significant.
	for _, line := range strings.Split(text, "\n") {
		if strings.Contains(line, "since January") && !strings.Contains(line, "significant") {
			t.Errorf("a change without its judgement: %q", line)
		}
	}
	var again bytes.Buffer
	if err := run(t.Context(), &again); err != nil {
		t.Fatalf("second run: %v", err)
	}
	if again.String() != text {
		t.Errorf("two runs differ:\n%s\n---\n%s", text, again.String())
	}
}
