package report_test

import (
	"bytes"
	"flag"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/report"
	"github.com/cxculture/cxculture/metrics"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/ from the current output")

// edge is a hand-made scorecard with the awkward cases: a unit suppressed
// by the scorecard that still carries figures (which must not show), a
// unit under the minimum group size that is not marked suppressed, a
// behavior nobody answered, a mean over mixed scales (NaN), a change that
// was not tested (adjusted p NaN), names with Markdown, CSV and HTML
// metacharacters, and no eNPS in one unit.
func edge() *cx.Scorecard {
	est := func(s, n int64, lo, hi float64) cx.Estimate {
		p := metrics.Proportion{Successes: s, N: n}
		return cx.Estimate{Value: p.Value(), Interval: metrics.Interval{Lower: lo, Upper: hi}, Proportion: p}
	}
	nan := math.NaN()
	secret := cx.BehaviorScore{Behavior: "customer_focus", Favorable: est(987, 4242, 0.2, 0.3), Mean: 4.56789,
		MeanInterval: metrics.Interval{Lower: 4.1, Upper: 4.9}}
	return &cx.Scorecard{
		Survey: "pulse", Wave: "w2", Baseline: "w1", Level: 0.95, FDR: 0.05, MinGroup: 5, Tests: 3,
		Behaviors: []string{"customer_focus", "agility"},
		Units: []cx.UnitScore{
			{Unit: "org", Name: `Acme | "Public", <Services> & *Co*`, Depth: 0, Respondents: 40,
				ResponseRate: &cx.Estimate{Value: 0.8, Interval: metrics.Interval{Lower: 0.66, Upper: 0.89}, Proportion: metrics.Proportion{Successes: 40, N: 50}},
				Behaviors: []cx.BehaviorScore{
					{Behavior: "customer_focus", Favorable: est(52, 80, 0.54, 0.75), Mean: 3.9, MeanInterval: metrics.Interval{Lower: 3.7, Upper: 4.1},
						Change: &cx.Change{Baseline: est(30, 78, 0.28, 0.49), Diff: 0.65 - 30.0/78, Test: metrics.Test{Statistic: 3.3, DF: nan, P: 0.00097},
							Adjusted: 0.0029, Significant: true}},
					{Behavior: "agility", Favorable: est(20, 80, 0.17, 0.36), Mean: nan, MeanInterval: metrics.Interval{Lower: nan, Upper: nan},
						Change: &cx.Change{Baseline: est(22, 70, 0.22, 0.43), Diff: 0.25 - 22.0/70, Test: metrics.Test{Statistic: -0.9, DF: nan, P: 0.37},
							Adjusted: nan}},
				},
				ENPS: &cx.NPSScore{NPS: metrics.NPS{Promoters: 12, Passives: 18, Detractors: 10}, Score: 5, Interval: metrics.Interval{Lower: -15.2, Upper: 25.2}}},
			{Unit: "ops", Name: "Operations, north", Parent: "org", Depth: 1, Leaf: true, Respondents: 36,
				Behaviors: []cx.BehaviorScore{
					{Behavior: "customer_focus", Favorable: est(50, 72, 0.58, 0.79), Mean: 4, MeanInterval: metrics.Interval{Lower: 3.8, Upper: 4.2},
						Change: &cx.Change{Baseline: est(40, 70, 0.45, 0.68), Diff: 50.0/72 - 40.0/70, Test: metrics.Test{Statistic: 1.5, DF: nan, P: 0.13},
							Adjusted: 0.2}},
					{Behavior: "agility", Favorable: est(0, 0, nan, nan), Mean: nan, MeanInterval: metrics.Interval{Lower: nan, Upper: nan}},
				}},
			{Unit: "lab", Name: "Lab", Parent: "org", Depth: 1, Leaf: true, Suppressed: true, Reason: "fewer than 5 respondents",
				Respondents: 987654, Behaviors: []cx.BehaviorScore{secret, secret},
				ENPS: &cx.NPSScore{NPS: metrics.NPS{Promoters: 31337}, Score: 77.777, Interval: metrics.Interval{Lower: 66.6, Upper: 88.8}}},
			{Unit: "desk", Name: "Help desk", Parent: "org", Depth: 1, Leaf: true, Respondents: 4,
				Behaviors: []cx.BehaviorScore{secret, secret}},
		},
	}
}

// secrets are figures of edge's hidden units, in every form a renderer
// could print them.
var secrets = []string{"987654", "987,654", "4242", "4,242", "987", "4.56789", "4.57", "23.3%", "0.232", "31337", "77.7", "+77.8", "66.6", "88.8",
	"42.4%", "0.3131", "31.3", "0.5353", "53.5", "1799", "1,799"}

type fixture struct {
	name string
	r    report.Report
}

func fixtures(t *testing.T) []fixture {
	return []fixture{
		{"small", report.Report{Title: "Acme pulse", Generated: time.Date(2026, 6, 30, 12, 0, 0, 0, time.UTC), Scorecard: smallOrg(t)}},
		{"edge", report.Report{Scorecard: edge()}},
		{"analytics", withAnalytics(report.Report{Title: "Program review", Scorecard: edge()})},
	}
}

// withAnalytics adds the hand-made trends, impact, wins and pitfalls.
func withAnalytics(r report.Report) report.Report {
	trends, im, wins, pitfalls := analytics()
	r.Trends, r.Impacts, r.Wins, r.Pitfalls = trends, []*cx.Impact{im}, wins, pitfalls
	return r
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
		for i := range max(len(gl), len(wl)) {
			var g, w []byte
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if !bytes.Equal(g, w) {
				t.Fatalf("%s differs from the golden file at line %d:\n got: %s\nwant: %s\n(run go test -update if the change is intended)", path, i+1, g, w)
			}
		}
	}
}

func TestGolden(t *testing.T) {
	for _, fx := range fixtures(t) {
		t.Run(fx.name, func(t *testing.T) {
			var md, js, cs bytes.Buffer
			if err := report.Render(fx.r, report.Outputs{Markdown: &md, JSON: &js, CSV: &cs}); err != nil {
				t.Fatal(err)
			}
			golden(t, fx.name+".md.golden", md.Bytes())
			golden(t, fx.name+".json.golden", js.Bytes())
			golden(t, fx.name+".csv.golden", cs.Bytes())
		})
	}
}
