package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestStory(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out, nil); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	s := out.String()
	for _, want := range []string{
		"24 teams in 3 divisions, 12 monthly waves from 2026-01-05",
		"Impact of \"Customer-first 90 days\": 8 teams against 16 comparison teams",
		// Figures that fewer than five people answered are hidden (a
		// team's skipped items), so fewer teams carry every figure.
		"teams with a significant improvement of their own: 7 of 8",
		"Culture and customer trust across 17 teams (last three waves)",
		"Wins: 2",
		"Win: Customer-first 90 days (90-day project, 5 May–3 Aug 2026) raised customer focus by",
		"Behind it, in the same units' employee pulse: empowerment rose by",
		"**Win: Customer-first 90 days**",
		"[change_by_decree/no_participants] Innovation mandate involves nobody beyond its sponsor, CEO",
		"[not_aligned/no_mission_link] Innovation mandate",
		"[not_aligned/outcome_not_measured] Innovation mandate has an outcome, digital uptake, that is never measured in its units",
		"[survey_fatigue/falling_response] response rate in org fell",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	// The project's teams all show an embedded gain in customer focus;
	// the other division does not.
	for _, u := range []string{"d1", "d1-t1", "d1-t2", "d1-t3", "d1-t4", "d1-t5", "d1-t6", "d1-t7", "d1-t8"} {
		if !regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(u) + ` +sustained_shift$`).MatchString(s) {
			t.Errorf("%s: want a sustained shift:\n%s", u, s)
		}
	}
	if regexp.MustCompile(`(?m)^  d2 +(sustained_shift|improving)$`).MatchString(s) {
		t.Errorf("d2 did not run the project:\n%s", s)
	}
	// Agility was not lifted: no improvement is claimed for it.
	if regexp.MustCompile(`behavior:agility .*improved`).MatchString(s) {
		t.Errorf("agility flagged:\n%s", s)
	}
	// Customer focus explains the most of customer trust, with an
	// interval.
	m := regexp.MustCompile(`(?m)^  (\w+) +Shapley (\d\.\d\d) \[(\d\.\d\d), (\d\.\d\d)\]`).FindAllStringSubmatch(s, -1)
	if len(m) != 5 || m[0][1] != "customer_focus" {
		t.Fatalf("links table: %v\n%s", m, s)
	}
	for _, r := range m[1:] {
		if r[2] >= m[0][2] || r[3] > r[2] || r[2] > r[4] {
			t.Errorf("link of %s: %v", r[1], r)
		}
	}
	// The project itself is well set up: no decree or alignment pitfall.
	if regexp.MustCompile(`\[(change_by_decree|not_aligned)/[a-z_]+\] Customer-first`).MatchString(s) {
		t.Errorf("pitfall claimed for the project:\n%s", s)
	}
}

// writeBench writes a small data set in the layout of the benchmark:
// 40 teams in 2 divisions, 12 waves, every fifth team lifted in customer
// focus and empowerment from wave 6.
func writeBench(t *testing.T, perTeamWave int) string {
	dir := t.TempDir()
	var units, items, resp strings.Builder
	units.WriteString("unit_id,parent_id,name\norg,,Org\ndiv00,org,D0\ndiv01,org,D1\n")
	behaviors := []string{"customer_focus", "agility", "empowerment", "innovation", "inclusion"}
	items.WriteString("item_id,behavior,scale,reverse,text\n")
	for i := range 15 {
		fmt.Fprintf(&items, "q%02d,%s,likert5,false,Statement %d\n", i+1, behaviors[i/3], i+1)
	}
	items.WriteString("enps,,nps11,false,Recommend\n")
	resp.WriteString("respondent_id,unit_id,wave,submitted_at")
	for i := range 15 {
		fmt.Fprintf(&resp, ",q%02d", i+1)
	}
	resp.WriteString(",enps\n")
	r := rand.New(rand.NewPCG(42, 1))
	id := 0
	for team := range 40 {
		fmt.Fprintf(&units, "team%04d,div%02d,Team %d\n", team, team%2, team)
		base := r.NormFloat64() * 0.5
		for wave := 1; wave <= 12; wave++ {
			for range perTeamWave {
				id++
				person := r.NormFloat64() * 0.7
				fmt.Fprintf(&resp, "r%06d,team%04d,%d,2026-01-05T09:00:00Z", id, team, wave)
				for i := range 15 {
					level := base + person
					if team%5 == 0 && wave >= 6 && (i/3 == 0 || i/3 == 2) {
						level += 0.8
					}
					x := level + r.NormFloat64()*0.8
					v := 1
					for _, th := range []float64{-1.6, -0.7, 0.2, 1.1} {
						if x > th {
							v++
						}
					}
					fmt.Fprintf(&resp, ",%d", v)
				}
				fmt.Fprintf(&resp, ",%d\n", r.IntN(11))
			}
		}
	}
	for name, b := range map[string]*strings.Builder{"units.csv": &units, "items.csv": &items, "responses.csv": &resp} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestBenchMode(t *testing.T) {
	dir := writeBench(t, 30)
	var out bytes.Buffer
	if err := run(t.Context(), &out, []string{"-data", dir, "-workers", "2"}); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	s := out.String()
	for _, want := range []string{
		"Initiative \"Customer-first teams\": 8 teams from 2026-06-05 to 2026-09-03; 32 comparison teams",
		"waves before [1 2 3 4 5], during [6 7 8], after [9 10 11 12]",
		"behaviors: lifted detected 2 of 2; other behaviors flagged 0 of 3",
		"teams: initiative teams detected 8 of 8 (100.0%)",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	// BH controls the false discovery rate: with 16 true discoveries per
	// window, a few of the 160 placebo tests may be flagged, not more
	// than 5% of them.
	fp := regexp.MustCompile(`other teams flagged \d+ of (\d+) \(\d+\.\d%\), (\d+) of (\d+) \(team, behavior\) tests`).FindAllStringSubmatch(s, -1)
	if len(fp) != 2 {
		t.Fatalf("no false-positive line:\n%s", s)
	}
	for _, m := range fp {
		var flagged, tests int
		fmt.Sscan(m[2], &flagged)
		fmt.Sscan(m[3], &tests)
		if m[1] != "32" || tests != 160 || flagged > 8 {
			t.Errorf("placebo tests flagged %d of %d:\n%s", flagged, tests, s)
		}
	}
}

func TestBadArguments(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out, []string{"-nope"}); err == nil {
		t.Error("an unknown flag is an error")
	}
	if err := run(t.Context(), &out, []string{"-data", filepath.Join(t.TempDir(), "missing")}); err == nil || !strings.Contains(err.Error(), "units.csv") {
		t.Errorf("a missing folder names the file: %v", err)
	}
}
