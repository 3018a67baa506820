package main

import (
	"bytes"
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
		"The org changed on 1 May 2026:",
		"north and south merged into Central Office",
		// A merged unit is compared with the units it was formed from.
		"Central Office is compared with the units it was formed from, as they stood at the baseline: North Office (merged on 1 May 2026), South Office (merged on 1 May 2026)",
		// A move restates both divisions' baselines.
		"Customer Sales is compared with its baseline restated on today's structure: with West Desk (moved on 1 May 2026)",
		"Operations is compared with its baseline restated on today's structure: without West Desk (moved on 1 May 2026)",
		// A split unit's parts are not compared.
		"Support Line A: 63% — not compared: Support Line A cannot be compared with the baseline: Support Line was split on 1 May 2026",
		// The reworded item is a break; the unchanged one is compared.
		`Customer focus is compared with the baseline on 1 of its 2 items: the item "Our customers' needs come first here." was reworded`,
		"By tenure, October, the whole agency:",
		"under 2 years:",
		"The same people, October against January",
		"Maria Lopez's view, October",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the output lacks %q:\n%s", want, text)
		}
	}
	for _, leak := range []string{"cf_belief", "2026-10", "behavior:", "@"} {
		if strings.Contains(text, leak) {
			t.Errorf("the output shows the internal key %q:\n%s", leak, text)
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
