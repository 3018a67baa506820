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
	dir := t.TempDir()
	var out bytes.Buffer
	if err := run(t.Context(), &out, []string{"-report", dir}); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	s := out.String()
	for _, want := range []string{
		"24 teams in 3 divisions, 12 monthly waves from 2026-01-05",
		"Impact of \"Customer-first 90 days\": 8 teams against 16 comparison teams",
		"teams with a significant improvement of their own: 8 of 8",
		"Wins: 2",
		// The win names the customer result, its interval, the target,
		// the behaviors behind it and the project, in plain language.
		"Win: Customer-first 90 days (90-day project, 5 May–3 Aug 2026) raised trust (OMB A-11 Section 280 customer experience) by",
		"beyond the change in 16 units that did not run it (95% interval +",
		"the target of 50%",
		"Behind it, in the same units' employee pulse: customer focus rose by",
		"**Win: Customer-first 90 days**",
		"[embedded] Customer-first 90 days: the gain in trust (OMB A-11 Section 280 customer experience) held in the",
		"[change by decree] Innovation mandate involves nobody beyond its sponsor, CEO",
		"[not aligned] Innovation mandate does not say how it serves the mission",
		"[not aligned] Innovation mandate has an outcome, digital uptake, that is never measured in its units",
		"[survey fatigue] response rate in Organization fell",
		"Culture and customer trust across",
		"Organization customers: ",
		"Division 1, customer focus",
		"Report: ",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	// The project's teams show an embedded gain in customer focus; the
	// other division does not.
	for _, u := range []string{"Division 1", "Team 1.1", "Team 1.2", "Team 1.3", "Team 1.4", "Team 1.5", "Team 1.6", "Team 1.7", "Team 1.8"} {
		if !regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(u) + ` +Customer focus +embedded$`).MatchString(s) {
			t.Errorf("%s: want an embedded gain:\n%s", u, s)
		}
	}
	if regexp.MustCompile(`(?m)^  Division 2 +Customer focus +(embedded|improving)$`).MatchString(s) {
		t.Errorf("d2 did not run the project:\n%s", s)
	}
	// Agility was not lifted: no improvement is claimed for it.
	if regexp.MustCompile(`(?m)^  Agility .*improved`).MatchString(s) {
		t.Errorf("agility flagged:\n%s", s)
	}
	// Customer focus and empowerment explain the most of customer trust,
	// with intervals.
	m := regexp.MustCompile(`(?m)^  ([A-Z][a-z ]+?) +(\d+)% \((\d+)% to (\d+)%\)$`).FindAllStringSubmatch(s, -1)
	if len(m) != 5 {
		t.Fatalf("links table: %v\n%s", m, s)
	}
	share := map[string]int{}
	for _, r := range m {
		var v, lo, hi int
		fmt.Sscan(r[2], &v)
		fmt.Sscan(r[3], &lo)
		fmt.Sscan(r[4], &hi)
		share[r[1]] = v
		if lo > v || v > hi {
			t.Errorf("link of %s: %v", r[1], r)
		}
	}
	for _, other := range []string{"Agility", "Innovation", "Inclusion of different perspectives"} {
		if share[other] >= share["Customer focus"] || share[other] >= share["Empowerment"] {
			t.Errorf("%s explains as much as a lifted behavior: %v", other, share)
		}
	}
	// The project itself is well set up: no decree or alignment pitfall,
	// and its win was recognized.
	if regexp.MustCompile(`\[(change by decree|not aligned|wins not celebrated|stopping too soon|no measurable gain)\] Customer-first`).MatchString(s) {
		t.Errorf("pitfall claimed for the project:\n%s", s)
	}
	// What the story prints is in plain words: no unit or wave IDs, no
	// keys, no chart jargon, no exponents.
	for _, re := range []*regexp.Regexp{
		regexp.MustCompile(`(^|[^\w.-])(d\d(-t\d)?|org)([^\w-]|$)`), regexp.MustCompile(`\b[a-z0-9]+_[a-z0-9_]+\b`),
		regexp.MustCompile(`\b(behavior|belief|practice|gap|nps|item|recognitions):\w`), regexp.MustCompile(`\ba11/`),
		regexp.MustCompile(`(?i)nelson|σ|\bslope\b|shapley|R²|\bpp\b|\bpts\b|\bverdict|per wave|control limit|sustained.shift`),
		regexp.MustCompile(`\d[eE][-+]\d`), regexp.MustCompile(`cx_pulse-\d|a11-\d`),
	} {
		for _, line := range strings.Split(s, "\n") {
			if strings.HasPrefix(line, "Report: ") {
				continue
			}
			if loc := re.FindStringIndex(line); loc != nil {
				t.Errorf("%q (%s) in: %s", line[loc[0]:loc[1]], re, line)
			}
		}
	}
	for _, f := range []string{"report.html", "report.md", "report.json", "report.csv"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil || len(b) == 0 {
			t.Errorf("report file %s: %v", f, err)
		}
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
