package main

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// weekRow is one line of the organization's week-by-week table.
type weekRow struct {
	resp, invited int
	rate, skipped float64
}

func parseWeeks(t *testing.T, out string) []weekRow {
	t.Helper()
	re := regexp.MustCompile(`(?m)^  (\d+) +(\d{4}-\d\d-\d\d) +(\d+) +(\d+) +([\d.]+)% \[ *([\d.]+), *([\d.]+)\] +([\d.]+)% +([\d.]+|NaN)$`)
	var rows []weekRow
	for _, m := range re.FindAllStringSubmatch(out, -1) {
		var r weekRow
		r.resp, _ = strconv.Atoi(m[3])
		r.invited, _ = strconv.Atoi(m[4])
		r.rate, _ = strconv.ParseFloat(m[5], 64)
		lo, _ := strconv.ParseFloat(m[6], 64)
		hi, _ := strconv.ParseFloat(m[7], 64)
		r.skipped, _ = strconv.ParseFloat(m[8], 64)
		if !(lo <= r.rate && r.rate <= hi) {
			t.Errorf("rate %v outside its interval [%v, %v]", r.rate, lo, hi)
		}
		rows = append(rows, r)
	}
	return rows
}

func fatigueLine(t *testing.T, out, unit string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^  ` + unit + ` +.*$`).FindString(out)
	if m == "" {
		t.Fatalf("no fatigue line for %s:\n%s", unit, out)
	}
	return m
}

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out, nil); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	text := out.String()
	for _, want := range []string{
		"Schedule: 13 weekly waves",
		"opens Mon 2025-03-03 09:00 EST", // before daylight saving time
		"opens Mon 2025-03-10 09:00 EDT", // after: same wall clock
		"at most 8 per pulse, each asked at least every 5 weeks",
		"anchors, every week: customer_focus.belief agility.belief empowerment.belief innovation.belief inclusion.belief enps",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the output lacks %q:\n%s", want, text)
		}
	}
	// Every slot of the rotation fits, and every non-anchor item appears.
	slots := regexp.MustCompile(`(?m)^  week \d of the cycle \((\d+) items\): \+ (.*)$`).FindAllStringSubmatch(text, -1)
	if len(slots) != 5 {
		t.Fatalf("%d rotation slots, want 5:\n%s", len(slots), text)
	}
	seen := map[string]bool{}
	for _, s := range slots {
		if n, _ := strconv.Atoi(s[1]); n > 8 {
			t.Errorf("a pulse of %d items", n)
		}
		for _, id := range strings.Fields(s[2]) {
			seen[id] = true
		}
	}
	if len(seen) != 10 {
		t.Errorf("%d rotating items, want the 10 non-anchor items of the bank", len(seen))
	}

	weeks := parseWeeks(t, text)
	if len(weeks) != 13 {
		t.Fatalf("%d weeks in the table, want 13:\n%s", len(weeks), text)
	}
	for i, w := range weeks {
		if w.invited != weeks[0].invited || w.resp > w.invited {
			t.Errorf("week %d: %d responses of %d invited", i+1, w.resp, w.invited)
		}
	}
	if !(weeks[12].rate < weeks[0].rate-20) {
		t.Errorf("fatigue should cut the response rate: week 1 %v%%, week 13 %v%%", weeks[0].rate, weeks[12].rate)
	}
	if !(weeks[12].skipped > weeks[0].skipped) {
		t.Errorf("fatigue should raise skipped answers: %v%% then %v%%", weeks[0].skipped, weeks[12].skipped)
	}
	org := fatigueLine(t, text, "org")
	for _, s := range []string{"falling response rate", "rising skipped answers", "shorter comments"} {
		if !strings.Contains(org, s) {
			t.Errorf("org fatigue lacks %q: %s", s, org)
		}
	}
	if m := regexp.MustCompile(`Privacy: of 208 unit-weeks, (\d+) had fewer than 5 respondents and (\d+) more are hidden`).FindStringSubmatch(text); m == nil {
		t.Errorf("no privacy line:\n%s", text)
	} else if small, _ := strconv.Atoi(m[1]); small == 0 {
		t.Errorf("no small unit-weeks: %s", m[0])
	}

	var again bytes.Buffer
	if err := run(t.Context(), &again, nil); err != nil {
		t.Fatal(err)
	}
	if again.String() != text {
		t.Error("two runs with one seed differ")
	}
}

func TestRunWithoutFatigue(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out, []string{"-fatigue", "0"}); err != nil {
		t.Fatalf("run: %v", err)
	}
	if org := fatigueLine(t, out.String(), "org"); !strings.HasSuffix(org, "none") {
		t.Errorf("no fatigue simulated, but: %s", org)
	}
}

func TestRunImpossibleRotation(t *testing.T) {
	var out bytes.Buffer
	err := run(t.Context(), &out, []string{"-max-items", "5"})
	if err == nil || !strings.Contains(err.Error(), "5 items per wave cannot ask the 6 anchors") {
		t.Errorf("want a clear rotation error, got %v", err)
	}
	if err := run(t.Context(), &out, []string{"-nope"}); err == nil {
		t.Error("an unknown flag is accepted")
	}
}
