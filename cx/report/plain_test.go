package report_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cxculture/cxculture/cx/report"
	"github.com/cxculture/cxculture/survey"
)

// leaderJSONKeys are the JSON fields whose strings are sentences people
// read; the other strings are data (IDs, keys, codes) for programs.
var leaderJSONKeys = []string{"summary", "evidence", "text", "markdown", "notes", "reason"}

// leaderCSVColumns are the CSV columns people read.
var leaderCSVColumns = []string{"text", "reason"}

// jargon are words of statistics and control charts that texts leaders
// read must not use, and number formats they must not show.
var jargon = []*regexp.Regexp{
	regexp.MustCompile(`(?i)nelson`), regexp.MustCompile(`σ|(?i)\bsigma\b`), regexp.MustCompile(`(?i)\brule \d`),
	regexp.MustCompile(`(?i)cent(re|er) line`), regexp.MustCompile(`(?i)control (limit|chart)`), regexp.MustCompile(`(?i)\bverdict`),
	regexp.MustCompile(`p′|(?i)p-chart|\bXmR\b`), regexp.MustCompile(`(?i)\bslope\b`), regexp.MustCompile(`(?i)\bper wave\b`),
	regexp.MustCompile(`\bpts\b`), regexp.MustCompile(`\d[eE][-+]\d`), regexp.MustCompile(`\bp ?= ?0([^\d.]|$)`), regexp.MustCompile(`p ?= ?<`),
	regexp.MustCompile(`(?i)shapley`), regexp.MustCompile(`\bwave [a-z0-9]`),
}

// TestLeaderTextsArePlain scans every text a leader reads, in every
// format of the whole story (the Markdown and the visible HTML whole, the
// sentences of the JSON and the CSV's text columns), for internal keys
// (measure keys, behavior and item IDs, snake_case codes), wave and unit
// IDs, and the jargon of statistics and charts; and the same of a
// scorecard with hidden units, whose reasons (one below the minimum, one
// hidden to protect it) once named the cells they protect by their IDs.
func TestLeaderTextsArePlain(t *testing.T) {
	t.Run("story", func(t *testing.T) {
		r := loopReport(t)
		// Identifiers that must not show: waves, units, items, surveys.
		var ids []string
		for _, w := range r.Waves {
			ids = append(ids, w.ID)
		}
		for _, u := range r.Hierarchy.Units() {
			ids = append(ids, u.ID)
		}
		for _, s := range r.Surveys {
			ids = append(ids, s.ID+"/")
			for _, it := range s.Items {
				ids = append(ids, it.ID)
			}
			for _, it := range s.TextItems {
				ids = append(ids, it.ID)
			}
		}
		scanPlain(t, r, ids)
	})
	t.Run("hidden units", func(t *testing.T) {
		sc := smallOrg(t)
		ids := []string{sc.Wave, sc.Baseline}
		kinds := map[string]bool{}
		for _, u := range sc.Units {
			ids = append(ids, u.Unit)
			if u.Suppressed {
				kinds[u.Reason] = true
			}
		}
		if len(kinds) < 2 {
			t.Fatalf("the fixture hides units for %d reasons (%v); the scan needs a unit below the minimum and one hidden to protect it", len(kinds), kinds)
		}
		waves := []survey.Wave{{ID: sc.Wave, Name: "June 2026"}, {ID: sc.Baseline, Name: "January 2026"}}
		scanPlain(t, report.Report{Title: "Acme pulse", Scorecard: sc, Waves: waves}, ids)
	})
}

// scanPlain renders r in every format and reports every text a leader
// reads that shows one of ids (wave, unit, item and survey IDs), an
// internal key or jargon.
func scanPlain(t *testing.T, r report.Report, ids []string) {
	t.Helper()
	var md, page, js, tidy bytes.Buffer
	if err := report.Render(r, report.Outputs{Markdown: &md, HTML: &page, JSON: &js, CSV: &tidy}); err != nil {
		t.Fatal(err)
	}
	plainWord := regexp.MustCompile(`^[a-z]+$`)
	var idPatterns []*regexp.Regexp
	for _, id := range ids {
		if plainWord.MatchString(id) && id != "org" {
			continue // an ID that is an English word ("story") cannot be told from the word
		}
		idPatterns = append(idPatterns, regexp.MustCompile(`(^|[^\w./-])`+regexp.QuoteMeta(id)+`($|[^\w/-])`))
	}
	keys := []*regexp.Regexp{
		regexp.MustCompile(`\b(behavior|belief|practice|gap|mean|outcome|nps|item|recognitions|theme|comments|indicator):\w`),
		regexp.MustCompile(`\b[a-z0-9]+_[a-z0-9_]+\b`),
	}
	check := func(format, text string) {
		t.Helper()
		for _, re := range slices.Concat(idPatterns, keys, jargon) {
			if loc := re.FindStringIndex(text); loc != nil {
				a, b := max(0, loc[0]-60), min(len(text), loc[1]+60)
				t.Errorf("%s: %q matches %s in …%s…", format, text[loc[0]:loc[1]], re, text[a:b])
			}
		}
	}
	// Markdown: the whole document, without its escapes.
	for _, line := range strings.Split(strings.ReplaceAll(md.String(), `\`, ""), "\n") {
		if strings.HasPrefix(line, "Generated ") {
			continue
		}
		check("Markdown", line)
	}
	// HTML: the visible text and the charts' titles and descriptions.
	visible := regexp.MustCompile(`(?s)<style>.*?</style>|<meta[^>]*>`).ReplaceAllString(page.String(), "")
	for _, chunk := range regexp.MustCompile(`<[^>]*>`).Split(visible, -1) {
		if s := strings.TrimSpace(html.UnescapeString(chunk)); s != "" && !strings.HasPrefix(s, "Generated ") {
			check("HTML", s)
		}
	}
	// JSON: the sentences.
	var doc any
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, y := range x {
				walk(k, y)
			}
		case []any:
			for _, y := range x {
				walk(key, y)
			}
		case string:
			if slices.Contains(leaderJSONKeys, key) {
				check("JSON "+key, x)
			}
		}
	}
	walk("", doc)
	// CSV: the text columns.
	recs, err := csv.NewReader(&tidy).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, col := range leaderCSVColumns {
		j := slices.Index(recs[0], col)
		if j < 0 {
			t.Fatalf("the CSV has no column %s", col)
		}
		for _, rec := range recs[1:] {
			if rec[j] != "" {
				check("CSV "+rec[0]+" "+col, rec[j])
			}
		}
	}
}
