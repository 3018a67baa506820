package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cxculture/cxculture/cx/report"
)

// check runs the example into a fresh folder and checks the four files.
func check(t *testing.T, args ...string) (*report.Document, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out")
	var stdout bytes.Buffer
	if err := run(t.Context(), &stdout, append(args, "-out", out)); err != nil {
		t.Fatalf("run: %v\n%s", err, stdout.String())
	}
	for _, name := range report.Files {
		fi, err := os.Stat(filepath.Join(out, name))
		if err != nil || fi.Size() == 0 {
			t.Fatalf("%s: %v (size %v)", name, err, fi)
		}
		if !strings.Contains(stdout.String(), "wrote "+filepath.Join(out, name)) {
			t.Errorf("the output does not report writing %s:\n%s", name, stdout.String())
		}
	}
	f, err := os.Open(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := report.ReadJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	if d.Scorecard == nil || len(d.Trends) == 0 || len(d.Impacts) != 1 {
		t.Fatalf("report.json: scorecard %v, %d trends, %d impacts", d.Scorecard != nil, len(d.Trends), len(d.Impacts))
	}
	htm, _ := os.ReadFile(filepath.Join(out, "report.html"))
	if n := strings.Count(string(htm), "<svg "); n < 5 || strings.Contains(string(htm), "<script") {
		t.Errorf("report.html: %d charts (want at least 5: behaviors, heatmap, trends, impact, eNPS), script %v", n, strings.Contains(string(htm), "<script"))
	}
	cf, _ := os.Open(filepath.Join(out, "report.csv"))
	defer cf.Close()
	recs, err := csv.NewReader(cf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != strings.Join(report.CSVHeader, ",") {
		t.Errorf("report.csv header %v", recs[0])
	}
	sections := map[string]int{}
	for _, r := range recs[1:] {
		sections[r[0]]++
	}
	for _, s := range []string{"scorecard", "trend", "impact"} {
		if sections[s] == 0 {
			t.Errorf("report.csv has no %s rows: %v", s, sections)
		}
	}
	md, _ := os.ReadFile(filepath.Join(out, "report.md"))
	for _, want := range []string{"## At a glance", "## Heatmap", "## Trends", "## Impact: "} {
		if !bytes.Contains(md, []byte(want)) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	return d, out
}

func TestRunSimulated(t *testing.T) {
	d, out := check(t, "-seed", "2026")
	if got := len(d.Scorecard.Units); got != 25 {
		t.Errorf("%d units, want 25 (org, 4 divisions, 20 teams)", got)
	}
	// The simulated project lifts eNPS in division d1's teams: the
	// report announces it as a win.
	if len(d.Wins) == 0 {
		t.Error("no wins for the simulated 90-day project")
	}
	for _, w := range d.Wins {
		if w.Name != "Customer-first 90 days" || !w.Outcome.Improved {
			t.Errorf("win %+v", w)
		}
	}
	// Same seed, same files.
	_, again := check(t, "-seed", "2026")
	for _, name := range report.Files {
		a, _ := os.ReadFile(filepath.Join(out, name))
		b, _ := os.ReadFile(filepath.Join(again, name))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two runs with the same seed", name)
		}
	}
}

// benchFolder writes a small data folder in the format of the benchmark:
// 2 divisions of 5 teams, 9 monthly waves, 10 items of two behaviors and
// eNPS; teams team0000 and team0005 (the initiative's) improve from wave 6.
func benchFolder(t *testing.T) string {
	dir := t.TempDir()
	var units, items, resp strings.Builder
	units.WriteString("unit_id,parent_id,name\norg,,Organization\ndiv00,org,Division 0\ndiv01,org,Division 1\n")
	for k := range 10 {
		fmt.Fprintf(&units, "team%04d,div%02d,Team %d\n", k, k/5, k)
	}
	items.WriteString("item_id,behavior,scale,reverse,text\n")
	for q := 1; q <= 10; q++ {
		b := "customer_focus"
		if q > 5 {
			b = "empowerment"
		}
		fmt.Fprintf(&items, "q%02d,%s,likert5,%v,Statement %d about %s\n", q, b, q%5 == 0, q, b)
	}
	items.WriteString("enps,,nps11,false,How likely are you to recommend working here?\n")
	resp.WriteString("respondent_id,unit_id,wave,submitted_at,q01,q02,q03,q04,q05,q06,q07,q08,q09,q10,enps\n")
	r := rand.New(rand.NewPCG(8, 8))
	id := 0
	for wave := 1; wave <= 9; wave++ {
		for k := range 10 {
			lift := 0.0
			if k%5 == 0 && wave >= 6 {
				lift = 1
			}
			for range 6 + r.IntN(6) {
				fmt.Fprintf(&resp, "r%08d,team%04d,%d,2026-%02d-10T10:00:00Z", id, k, wave, wave)
				id++
				for q := 1; q <= 10; q++ {
					v := max(1, min(5, int(3.2+lift+r.NormFloat64())))
					if q%5 == 0 {
						v = 6 - v
					}
					fmt.Fprintf(&resp, ",%d", v)
				}
				fmt.Fprintf(&resp, ",%d\n", max(0, min(10, int(6+2*lift+2*r.NormFloat64()))))
			}
		}
	}
	for name, s := range map[string]string{"units.csv": units.String(), "items.csv": items.String(), "responses.csv": resp.String()} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestRunBenchFolder(t *testing.T) {
	d, _ := check(t, "-data", benchFolder(t))
	if got := len(d.Scorecard.Units); got != 13 {
		t.Errorf("%d units, want 13", got)
	}
	if d.Scorecard.Wave != "9" || d.Scorecard.Baseline != "1" {
		t.Errorf("wave %s against %s, want 9 against 1", d.Scorecard.Wave, d.Scorecard.Baseline)
	}
	if got := d.Impacts[0].Units; strings.Join(got, ",") != "team0000,team0005" {
		t.Errorf("initiative units %v", got)
	}
}

func TestRunBadArguments(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out, []string{"extra"}); err == nil {
		t.Error("an extra argument: want a usage error")
	}
	if err := run(t.Context(), &out, []string{"-data", filepath.Join(t.TempDir(), "missing")}); err == nil || !strings.Contains(err.Error(), "units.csv") {
		t.Errorf("a missing data folder: want an error naming units.csv, got %v", err)
	}
}
