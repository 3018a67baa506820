package main

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// row is one line of the quickstart's table: a unit, its respondents and
// its five favorable shares.
type row struct {
	n      int
	shares []int
}

func parseTable(t *testing.T, out string) map[string]row {
	t.Helper()
	re := regexp.MustCompile(`(?m)^ *([a-z]+) +(\d+)((?: +-?\d+% \([+-]\d+\*?\))+)$`)
	share := regexp.MustCompile(`(-?\d+)% \(([+-]\d+)\*?\)`)
	rows := map[string]row{}
	for _, m := range re.FindAllStringSubmatch(out, -1) {
		n, _ := strconv.Atoi(m[2])
		var r row
		r.n = n
		for _, s := range share.FindAllStringSubmatch(m[3], -1) {
			v, _ := strconv.Atoi(s[1])
			r.shares = append(r.shares, v)
		}
		rows[m[1]] = r
	}
	return rows
}

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	text := out.String()
	for _, want := range []string{
		`Initiative "Resolve at first contact": active`,
		"Favorable share per behavior, wave 2026-06 (change since 2026-02; * significant)",
		"customer_focus", "agility", "empowerment", "innovation", "inclusion",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the output lacks %q:\n%s", want, text)
		}
	}

	rows := parseTable(t, text)
	units := []string{"org", "digital", "data", "web", "service", "contact", "field"}
	for _, u := range units {
		r, ok := rows[u]
		if !ok {
			t.Fatalf("no row for unit %s:\n%s", u, text)
		}
		if len(r.shares) != 5 {
			t.Errorf("unit %s: %d behavior columns, want 5", u, len(r.shares))
		}
		for _, s := range r.shares {
			if s < 0 || s > 100 {
				t.Errorf("unit %s: favorable share %d%% outside 0..100", u, s)
			}
		}
	}
	// Roll-ups count every respondent below them once.
	if got, want := rows["digital"].n, rows["data"].n+rows["web"].n; got != want {
		t.Errorf("digital has %d respondents, its teams %d", got, want)
	}
	if got, want := rows["service"].n, rows["contact"].n+rows["field"].n; got != want {
		t.Errorf("service has %d respondents, its teams %d", got, want)
	}
	if got, want := rows["org"].n, rows["digital"].n+rows["service"].n; got != want {
		t.Errorf("org has %d respondents, its divisions %d", got, want)
	}

	// The story is seeded: a second run prints the same thing.
	var again bytes.Buffer
	if err := run(t.Context(), &again); err != nil {
		t.Fatalf("second run: %v", err)
	}
	if again.String() != text {
		t.Errorf("two runs differ:\n%s\n---\n%s", text, again.String())
	}
}
