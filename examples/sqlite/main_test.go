package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cx.db")
	var out bytes.Buffer
	if err := run(t.Context(), &out, []string{"-db", path}); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"Recorded 134 new responses, then closed the database.",
		"Reopened it: 134 responses to the culture pulse are stored.",
		"Favorable share per behavior, wave 2026-06 (change since 2026-02; * significant)",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the output lacks %q:\n%s", want, out.String())
		}
	}
	// Every unit of the hierarchy has a row with its respondents.
	for _, row := range []string{`(?m)^org +67 `, `(?m)^    contact +30 `, `(?m)^    field +22 `} {
		if !regexp.MustCompile(row).MatchString(out.String()) {
			t.Errorf("the output has no row matching %s:\n%s", row, out.String())
		}
	}

	// A second run on the same file adds nothing and prints the same
	// scorecard.
	var again bytes.Buffer
	if err := run(t.Context(), &again, []string{"-db", path}); err != nil {
		t.Fatalf("second run: %v", err)
	}
	if !strings.Contains(again.String(), "Recorded 0 new responses") {
		t.Errorf("a second run on the same file recorded responses again:\n%s", again.String())
	}
	scorecard := func(s string) string { return s[strings.Index(s, "Favorable share"):] }
	if scorecard(again.String()) != scorecard(out.String()) {
		t.Errorf("the second run's scorecard differs:\n%s\nfirst:\n%s", scorecard(again.String()), scorecard(out.String()))
	}
}

func TestRunDefaultFile(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out, nil); err != nil {
		t.Fatalf("run: %v", err)
	}
	m := regexp.MustCompile(`Database: (.*)\n`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("the output does not name the database file:\n%s", out.String())
	}
	t.Cleanup(func() { _ = os.RemoveAll(filepath.Dir(m[1])) })
	if _, err := os.Stat(m[1]); err != nil {
		t.Errorf("the default database file: %v", err)
	}
}

func TestRunBadArguments(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out, []string{"-db", filepath.Join(t.TempDir(), "missing", "cx.db")}); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("run with a database in a missing folder: want an error naming the folder, got %v", err)
	}
	if err := run(t.Context(), &out, []string{"extra"}); err == nil {
		t.Error("run with an extra argument: want a usage error")
	}
}
