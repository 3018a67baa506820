package report_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/report"
)

// renderAll renders r in the four formats.
func renderAll(t *testing.T, r report.Report) (md, htm, js, cs string) {
	t.Helper()
	var a, b, c, d bytes.Buffer
	if err := report.Render(r, report.Outputs{Markdown: &a, HTML: &b, JSON: &c, CSV: &d}); err != nil {
		t.Fatal(err)
	}
	return a.String(), b.String(), c.String(), d.String()
}

func TestHiddenUnitsShowNoFigures(t *testing.T) {
	md, htm, js, cs := renderAll(t, withAnalytics(report.Report{Scorecard: edge()}))
	// The text of the HTML, with SVG titles and descriptions; tags (and
	// the coordinates in their attributes) are left out.
	text := regexp.MustCompile(`<[^>]*>`).ReplaceAllString(htm, " ")
	for format, out := range map[string]string{"Markdown": md, "HTML": text, "JSON": js, "CSV": cs} {
		for _, s := range secrets {
			if strings.Contains(out, s) {
				i := strings.Index(out, s)
				t.Errorf("%s shows %q, a figure of a hidden unit: …%s…", format, s, out[max(0, i-80):min(len(out), i+40)])
			}
		}
		for _, unit := range []string{"Lab", "Help desk"} {
			if !strings.Contains(out, unit) {
				t.Errorf("%s does not name the hidden unit %s", format, unit)
			}
		}
		if !strings.Contains(out, "fewer than 5 respondents") {
			t.Errorf("%s does not give the reason units are hidden", format)
		}
	}
	d, err := report.Build(report.Report{Scorecard: edge()})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range d.Scorecard.Units[2:] {
		if !u.Hidden || u.Respondents != 0 || u.Behaviors != nil || u.ENPS != nil || u.ResponseRate != nil {
			t.Errorf("unit %s: hidden %v with figures %+v", u.Unit, u.Hidden, u)
		}
	}
}

// The reliability of the whole organization is a figure of the
// organization: hidden with it.
func TestHiddenRootHidesReliability(t *testing.T) {
	sc := smallOrg(t)
	if len(sc.Reliability) == 0 {
		t.Fatal("the fixture has no reliability to hide")
	}
	sc.Units[0].Suppressed, sc.Units[0].Reason = true, "fewer than 5 respondents"
	d, err := report.Build(report.Report{Scorecard: sc})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Scorecard.Reliability) != 0 {
		t.Errorf("reliability shown for a hidden organization: %+v", d.Scorecard.Reliability)
	}
	md, _, _, cs := renderAll(t, report.Report{Scorecard: sc})
	if strings.Contains(md, "Reliability") || strings.Contains(cs, ",alpha,") {
		t.Error("a rendering shows reliability of a hidden organization")
	}
}

func TestBuildRejectsInconsistentInput(t *testing.T) {
	if _, err := report.Build(report.Report{}); !errors.Is(err, cx.ErrInvalid) {
		t.Errorf("an empty report: want ErrInvalid, got %v", err)
	}
	sc := edge()
	sc.Units[0].Behaviors = sc.Units[0].Behaviors[:1]
	sc.Units[1].Behaviors[1].Behavior = "speed"
	sc.Units = append(sc.Units, sc.Units[1])
	sc.MinGroup = 0
	_, err := report.Build(report.Report{Scorecard: sc})
	ve, ok := errors.AsType[*cx.ValidationError](err)
	if !ok || !errors.Is(err, cx.ErrInvalid) {
		t.Fatalf("want a *cx.ValidationError, got %v", err)
	}
	for _, want := range []string{"scorecard.units[0].behaviors", "scorecard.units[1].behaviors[1]", "scorecard.units[4].unit", "scorecard.min_group"} {
		found := false
		for _, p := range ve.Problems {
			found = found || p.Field == want
		}
		if !found {
			t.Errorf("no problem names %s: %v", want, err)
		}
	}
	var buf bytes.Buffer
	if err := report.Render(report.Report{Scorecard: sc}, report.Outputs{Markdown: &buf}); err == nil || buf.Len() != 0 {
		t.Errorf("Render of an invalid report: err %v, wrote %d bytes", err, buf.Len())
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestRenderReportsWriteErrors(t *testing.T) {
	for name, out := range map[string]report.Outputs{
		"Markdown": {Markdown: failWriter{}}, "HTML": {HTML: failWriter{}}, "JSON": {JSON: failWriter{}}, "CSV": {CSV: failWriter{}},
	} {
		err := report.Render(report.Report{Scorecard: edge()}, out)
		if err == nil || !strings.Contains(err.Error(), "disk full") || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: want the write error naming the format, got %v", name, err)
		}
	}
}

func TestWriteFiles(t *testing.T) {
	dir := t.TempDir()
	paths, err := report.WriteFiles(dir, report.Report{Scorecard: smallOrg(t)})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 4 {
		t.Fatalf("wrote %v", paths)
	}
	md, htm, js, cs := renderAll(t, report.Report{Scorecard: smallOrg(t)})
	for i, want := range []string{htm, md, js, cs} {
		got, err := os.ReadFile(paths[i])
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Errorf("%s differs from Render's output", paths[i])
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 4 {
		t.Errorf("the folder holds %d entries, want the 4 files only", len(entries))
	}
	if _, err := report.WriteFiles(filepath.Join(dir, "missing"), report.Report{Scorecard: smallOrg(t)}); err == nil {
		t.Error("WriteFiles into a missing folder: want an error")
	}
}

func TestJSONRoundTrip(t *testing.T) {
	_, _, js, _ := renderAll(t, report.Report{Scorecard: edge()})
	if !json.Valid([]byte(js)) {
		t.Fatal("invalid JSON")
	}
	d, err := report.ReadJSON(strings.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	if d.Schema != report.Schema || d.Version != report.Version {
		t.Errorf("schema %q version %d", d.Schema, d.Version)
	}
	var again bytes.Buffer
	if err := d.WriteJSON(&again); err != nil {
		t.Fatal(err)
	}
	if again.String() != js {
		t.Errorf("JSON read back and written again differs:\n%s\nfirst:\n%s", again.String(), js)
	}
	// Undefined numbers are null, not strings or absent.
	if d.Scorecard.Units[0].Behaviors[1].Mean.Value.Defined() {
		t.Error("a NaN mean read back as a number")
	}
	if !strings.Contains(js, `"p_adjusted": null`) {
		t.Error("an untested change's adjusted p is not null")
	}
	for name, in := range map[string]string{
		"other schema": `{"schema":"other","version":1}`,
		"newer":        `{"schema":"cxculture.report","version":99}`,
		"not JSON":     `{`,
		"bad number":   `{"schema":"cxculture.report","version":1,"scorecard":{"level":"x"}}`,
	} {
		if _, err := report.ReadJSON(strings.NewReader(in)); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}

// The CSV is tidy: one row per unit, wave, measure and behavior, with the
// figures of the scorecard.
func TestCSVIsTidyAndMatchesTheScorecard(t *testing.T) {
	sc := smallOrg(t)
	_, _, _, cs := renderAll(t, report.Report{Scorecard: sc})
	recs, err := csv.NewReader(strings.NewReader(cs)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != strings.Join(report.CSVHeader, ",") {
		t.Fatalf("header %v", recs[0])
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	seen := map[string]bool{}
	checked := 0
	for _, r := range recs[1:] {
		key := strings.Join([]string{r[col["section"]], r[col["unit"]], r[col["wave"]], r[col["measure"]], r[col["behavior"]]}, "|")
		if seen[key] {
			t.Errorf("two rows for %s", key)
		}
		seen[key] = true
		if r[col["measure"]] != "favorable" || r[col["wave"]] != sc.Wave || r[col["hidden"]] != "FALSE" {
			continue
		}
		u, _ := sc.Unit(r[col["unit"]])
		j := indexOf(sc.Behaviors, r[col["behavior"]])
		want := u.Behaviors[j].Favorable
		v, _ := strconv.ParseFloat(r[col["value"]], 64)
		lo, _ := strconv.ParseFloat(r[col["lower"]], 64)
		n, _ := strconv.ParseInt(r[col["n"]], 10, 64)
		if math.Abs(v-want.Value) > 1e-11 || math.Abs(lo-want.Interval.Lower) > 1e-11 || n != want.N {
			t.Errorf("%s: value %v lower %v n %d, scorecard %v %v %d", key, v, lo, n, want.Value, want.Interval.Lower, want.N)
		}
		checked++
	}
	shown := 0
	for _, u := range sc.Units {
		if !u.Suppressed {
			shown++
		}
	}
	if shown < 3 || checked != shown*len(sc.Behaviors) {
		t.Errorf("checked %d favorable rows of %d shown units, want %d", checked, shown, shown*len(sc.Behaviors))
	}
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// R's read.csv, with its defaults, reads the CSV with numeric figures,
// logical flags and NA where figures are missing.
func TestCSVReadByR(t *testing.T) {
	rscript, err := exec.LookPath("Rscript")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("Rscript is not installed; .ci/run installs Debian's r-base-core")
		}
		t.Skip("Rscript is not installed")
	}
	_, _, _, cs := renderAll(t, report.Report{Scorecard: edge()})
	path := filepath.Join(t.TempDir(), "report.csv")
	if err := os.WriteFile(path, []byte(cs), 0o644); err != nil {
		t.Fatal(err)
	}
	script := `d <- read.csv(commandArgs(TRUE)[1]); ` +
		`cat(nrow(d), class(d$value), class(d$n), class(d$significant), class(d$hidden), sum(d$hidden), sum(is.na(d$value)), ` +
		`d$value[d$unit == "org" & d$measure == "favorable" & d$behavior == "customer_focus" & d$wave == "w2"], ` +
		`d$unit_name[1], "\n")`
	out, err := exec.Command(rscript, "-e", script, path).CombinedOutput()
	if err != nil {
		t.Fatalf("Rscript: %v\n%s", err, out)
	}
	recs, _ := csv.NewReader(strings.NewReader(cs)).ReadAll()
	hidden, na := 0, 0
	for _, r := range recs[1:] {
		if r[indexOf(recs[0], "hidden")] == "TRUE" {
			hidden++
		}
		if r[indexOf(recs[0], "value")] == "NA" {
			na++
		}
	}
	want := strconv.Itoa(len(recs)-1) + " numeric integer logical logical " + strconv.Itoa(hidden) + " " + strconv.Itoa(na) + " 0.65 " + `Acme | "Public", <Services> & *Co*`
	if got := strings.TrimSpace(string(out)); got != want {
		t.Errorf("R read:\n got %s\nwant %s", got, want)
	}
}

var (
	externalRef = regexp.MustCompile(`(?i)(src|href)\s*=|url\(\s*['"]?[a-z]+:|@import|<script|<link|<img|<iframe|<object`)
	svgBlock    = regexp.MustCompile(`(?s)<svg .*?</svg>`)
)

func TestHTMLIsSelfContainedAndAccessible(t *testing.T) {
	for _, fx := range []fixture{{"small", report.Report{Scorecard: smallOrg(t)}}, {"large", report.Report{Scorecard: largeOrg(t)}}, {"edge", report.Report{Scorecard: edge()}}} {
		t.Run(fx.name, func(t *testing.T) {
			_, htm, _, _ := renderAll(t, fx.r)
			if m := externalRef.FindString(htm); m != "" {
				t.Errorf("the HTML refers to something outside itself: %q", m)
			}
			for _, u := range regexp.MustCompile(`https?://[^"' <]+`).FindAllString(htm, -1) {
				if u != "http://www.w3.org/2000/svg" {
					t.Errorf("the HTML holds the address %s", u)
				}
			}
			svgs := svgBlock.FindAllString(htm, -1)
			if len(svgs) < 3 {
				t.Fatalf("%d charts, want at least 3 (behaviors, heatmap, eNPS)", len(svgs))
			}
			for i, s := range svgs {
				// Each chart is well-formed XML with a title and a
				// description it is labelled by.
				dec := xml.NewDecoder(strings.NewReader(s))
				for {
					_, err := dec.Token()
					if err == io.EOF {
						break
					}
					if err != nil {
						t.Fatalf("chart %d is not well-formed: %v", i, err)
					}
				}
				id := regexp.MustCompile(`^<svg [^>]*id="([^"]+)"`).FindStringSubmatch(s)
				if id == nil || !strings.Contains(s, `aria-labelledby="`+id[1]+`-title `+id[1]+`-desc"`) ||
					!regexp.MustCompile(`<title id="`+id[1]+`-title">[^<]+</title><desc id="`+id[1]+`-desc">[^<]+</desc>`).MatchString(s) {
					t.Errorf("chart %d lacks a labelled title and description: %.300s", i, s)
				}
				// A table of its numbers follows every chart.
				rest := htm[strings.Index(htm, s)+len(s):]
				if !strings.HasPrefix(rest, `</div><div class="data">`) || !strings.Contains(rest[:200], "<table>") {
					t.Errorf("chart %d has no table beside it", i)
				}
			}
		})
	}
}

// A large organization's heatmap is split into pages of at most 60 rows,
// the groups first, and every unit appears in exactly one page.
func TestHeatmapPagesOfLargeOrganization(t *testing.T) {
	sc := largeOrg(t)
	_, htm, _, _ := renderAll(t, report.Report{Scorecard: sc})
	pages := regexp.MustCompile(`(?s)<svg [^>]*id="chart\d+"[^>]*>.*?</svg>`).FindAllString(htm, -1)
	rows := 0
	heatmaps := 0
	for _, p := range pages {
		if !strings.Contains(p, "Heatmap of") {
			continue
		}
		heatmaps++
		n := strings.Count(p, `font-weight="600"><title>`) + strings.Count(p, `xml:space="preserve"><title>`)
		if n > 60 {
			t.Errorf("a heatmap page has %d rows", n)
		}
		rows += n
	}
	if rows != len(sc.Units) {
		t.Errorf("heatmap pages hold %d rows, want one per unit (%d)", rows, len(sc.Units))
	}
	if heatmaps != 21 {
		t.Errorf("%d heatmap pages, want 21 (groups, then the teams of 20 divisions)", heatmaps)
	}
}

// A unit the scorecard hides in its wave shows no trend figure for that
// wave either, even when the trend's own rule would show it.
func TestTrendPointsOfHiddenUnitsAreHidden(t *testing.T) {
	tr := cx.Trend{Unit: "lab", Measure: cx.ENPSMeasure, Kind: cx.MeanMeasure, Direction: "higher", Verdict: cx.TooLittleData,
		Points: []cx.TrendPoint{
			{Point: cx.Point{Wave: "w1", Value: 12.5, N: 9}, Charted: true},
			{Point: cx.Point{Wave: "w2", Value: 31.337, N: 8}, Charted: true},
		}}
	d, err := report.Build(report.Report{Scorecard: edge(), Trends: []cx.Trend{tr}})
	if err != nil {
		t.Fatal(err)
	}
	p := d.Trends[0].Points
	if p[0].Hidden || p[0].Value != 12.5 {
		t.Errorf("w1, where lab is not known to be hidden: %+v", p[0])
	}
	if !p[1].Hidden || p[1].Value.Defined() || p[1].N != 0 || p[1].Reason != "fewer than 5 respondents" {
		t.Errorf("w2, where the scorecard hides lab: %+v", p[1])
	}
	md, htm, js, cs := renderAll(t, report.Report{Scorecard: edge(), Trends: []cx.Trend{tr}})
	for format, out := range map[string]string{"Markdown": md, "HTML": htm, "JSON": js, "CSV": cs} {
		if strings.Contains(out, "31.3") {
			t.Errorf("%s shows the hidden point", format)
		}
	}
}

// A disclosure plan hides, in the scorecard and in every trend, the cells
// it hides, with its reasons, even when the scorecard applied only the
// bare threshold; changes whose baseline it hides lose their baseline.
func TestDisclosureHidesPlannedCells(t *testing.T) {
	w := orgData(t, 2, 2, 1, map[int]bool{3: true})
	bare, err := cx.NewScorecard(w.h, w.s, w.t, cx.ScorecardOptions{Wave: "2026-06", Baseline: "2026-01"})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := cx.DefaultPrivacy().Plan(w.h, w.t, []string{"2026-01", "2026-06"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var complementary []string
	for _, c := range plan.HiddenCells() {
		if c.Reason.Kind == cx.Complementary && c.Cell.Wave == "2026-06" {
			complementary = append(complementary, c.Cell.Unit)
		}
	}
	if len(complementary) == 0 {
		t.Fatal("the plan hides nothing to protect team0003: the fixture does not test the plan")
	}
	// A trend that shows every wave of a unit the plan hides.
	tr := cx.Trend{Unit: complementary[0], Measure: cx.ENPSMeasure, Kind: cx.MeanMeasure, Direction: "higher", Verdict: cx.TooLittleData,
		Points: []cx.TrendPoint{{Point: cx.Point{Wave: "2026-01", Value: 1, N: 9}, Charted: true}, {Point: cx.Point{Wave: "2026-06", Value: 2, N: 9}, Charted: true}}}
	d, err := report.Build(report.Report{Scorecard: bare, Trends: []cx.Trend{tr}, Disclosure: plan})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range d.Scorecard.Units {
		why, hidden := plan.Hidden(u.Unit, "2026-06")
		if u.Hidden != hidden || (hidden && u.Reason != why.String()) {
			t.Errorf("unit %s: hidden %v (%s), the plan says %v (%s)", u.Unit, u.Hidden, u.Reason, hidden, why)
		}
		_, baseHidden := plan.Hidden(u.Unit, "2026-01")
		for _, b := range u.Behaviors {
			if baseHidden && b.Change != nil {
				t.Errorf("unit %s shows a change against a hidden baseline", u.Unit)
			}
		}
	}
	if p := d.Trends[0].Points[1]; !p.Hidden || p.Value.Defined() || !strings.Contains(p.Reason, "cannot be worked out") {
		t.Errorf("the trend point the plan hides: %+v", p)
	}
	if d.Scorecard.Privacy == nil || !d.Scorecard.Privacy.Complementary {
		t.Errorf("privacy rules %+v, want those of the plan", d.Scorecard.Privacy)
	}
}

// pandasPython is the path of a python3 that imports pandas, or "": the
// python3 first on PATH (which may be a virtual environment or pyenv
// without pandas), else Debian's /usr/bin/python3, where .ci/run installs
// python3-pandas.
func pandasPython() string {
	for _, p := range []string{"python3", "/usr/bin/python3"} {
		if path, err := exec.LookPath(p); err == nil && exec.Command(path, "-c", "import pandas").Run() == nil {
			return path
		}
	}
	return ""
}

// pandas' read_csv, with its defaults, reads the CSV with numeric figures,
// NaN where figures are missing and a boolean hidden column.
func TestCSVReadByPandas(t *testing.T) {
	python := pandasPython()
	if python == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("python3 with pandas is not installed; .ci/run installs Debian's python3-pandas")
		}
		t.Skip("python3 with pandas is not installed (Debian: python3-pandas)")
	}
	_, _, _, cs := renderAll(t, withAnalytics(report.Report{Scorecard: edge()}))
	path := filepath.Join(t.TempDir(), "report.csv")
	if err := os.WriteFile(path, []byte(cs), 0o644); err != nil {
		t.Fatal(err)
	}
	script := `import sys, pandas as pd
d = pd.read_csv(sys.argv[1])
v = d[(d.unit == "org") & (d.measure == "favorable") & (d.behavior == "customer_focus") & (d.wave == "w2") & (d.section == "scorecard")].value
print(len(d), d.value.dtype, d.lower.dtype, d.hidden.dtype, int(d.hidden.sum()), int(d.value.isna().sum()), float(v.iloc[0]), d.unit_name[0])`
	out, err := exec.Command(python, "-c", script, path).CombinedOutput()
	if err != nil {
		t.Fatalf("pandas: %v\n%s", err, out)
	}
	recs, _ := csv.NewReader(strings.NewReader(cs)).ReadAll()
	hidden, na := 0, 0
	for _, r := range recs[1:] {
		if r[indexOf(recs[0], "hidden")] == "TRUE" {
			hidden++
		}
		if r[indexOf(recs[0], "value")] == "NA" {
			na++
		}
	}
	want := fmt.Sprintf("%d float64 float64 bool %d %d 0.65 %s", len(recs)-1, hidden, na, `Acme | "Public", <Services> & *Co*`)
	if got := strings.TrimSpace(string(out)); got != want {
		t.Errorf("pandas read:\n got %s\nwant %s", got, want)
	}
}

// A report may hold analytics without a scorecard.
func TestReportWithoutScorecard(t *testing.T) {
	trends, im, wins, pitfalls := analytics()
	md, htm, js, cs := renderAll(t, report.Report{Trends: trends, Impacts: []*cx.Impact{im}, Wins: wins, Pitfalls: pitfalls})
	for format, out := range map[string]string{"Markdown": md, "HTML": htm, "JSON": js, "CSV": cs} {
		if strings.Contains(out, "At a glance") || strings.Contains(out, `"scorecard"`) || strings.Contains(out, "\nscorecard,") {
			t.Errorf("%s has a scorecard part", format)
		}
	}
	if !strings.Contains(md, "## Trends") || !strings.Contains(htm, `id="trends"`) || !strings.Contains(cs, "\ntrend,org,") {
		t.Error("the trends are missing")
	}
	if strings.Contains(cs, "42.4") {
		t.Error("the suppressed trend point shows")
	}
}
