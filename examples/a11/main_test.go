package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

type volumeRow struct {
	customers, offered, responses int
}

func TestRun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a11.csv")
	var out bytes.Buffer
	if err := run(t.Context(), &out, []string{"-csv", path}); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	text := out.String()
	for _, want := range []string{
		"OMB A-11 Section 280 customer experience (7 items, likert5 [1,5]: Strongly Disagree / Disagree / Neutral / Agree / Strongly Agree)",
		"satisfaction           I am satisfied with the service I received from State Benefits Online. *",
		"trust                  This interaction increased my confidence in State Benefits Online. *",
		"                         or: I trust the State Benefits Office to fulfill our country’s commitment to residents.",
		"                       Any additional feedback on your scores above? (free text)",
		"                       Any additional feedback for State Benefits Online? (free text)",
		"Touchpoints summary, FY2025 Q2: ",
		"  trust                  average ",
		"Volumes and responses, FY2025 Q2 (2025-01-01 to 2025-03-31)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the output lacks %q:\n%s", want, text)
		}
	}

	re := regexp.MustCompile(`(?m)^  ([a-z_]+) +(online|phone|mail) +(\d+) +(\d+) +(\d+) +`)
	rows := map[string]volumeRow{}
	for _, m := range re.FindAllStringSubmatch(text, -1) {
		var r volumeRow
		r.customers, _ = strconv.Atoi(m[3])
		r.offered, _ = strconv.Atoi(m[4])
		r.responses, _ = strconv.Atoi(m[5])
		rows[m[1]+"/"+m[2]] = r
		if !(r.responses <= r.offered && r.offered <= r.customers) {
			t.Errorf("%s/%s: %d customers, %d offered, %d responses", m[1], m[2], r.customers, r.offered, r.responses)
		}
	}
	if len(rows) != 9 {
		t.Fatalf("%d service/channel rows, want 9:\n%s", len(rows), text)
	}
	// Suppressed exactly where fewer than 5 responded; at least one is.
	suppressed := 0
	for key, r := range rows {
		line := "  " + strings.Replace(key, "/", " / ", 1) + ": suppressed, fewer than 5 responses"
		hidden := strings.Contains(text, line)
		if hidden != (r.responses < 5) {
			t.Errorf("%s: %d responses, suppressed %v", key, r.responses, hidden)
		}
		if hidden {
			suppressed++
		}
	}
	if suppressed == 0 {
		t.Error("no row is suppressed; the mail channel should show suppression")
	}
	// Each shown row lists the seven drivers with n <= responses, or a
	// driver fewer than 5 answered as hidden.
	drv := regexp.MustCompile(`(?m)^    ([a-z_]+) +(n=(\d+) +([\d.]+) \[|hidden, fewer than 5 answered$)`)
	if got := len(drv.FindAllStringSubmatch(text, -1)); got != 7*(9-suppressed) {
		t.Errorf("%d driver lines, want %d", got, 7*(9-suppressed))
	}
	// The change program in d2 improves trust significantly.
	if !regexp.MustCompile(`(?m)^  d2 .*change \+[\d.]+ pp \[ *\+[\d.]+, +\+[\d.]+\] \*$`).MatchString(text) {
		t.Errorf("d2's trust gain is not shown as significant:\n%s", text)
	}

	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 10 {
		t.Fatalf("%d CSV lines, want a header and 9 rows", len(recs))
	}
	head := recs[0]
	col := func(name string) int {
		i := slices.Index(head, name)
		if i < 0 {
			t.Fatalf("no column %s in %v", name, head)
		}
		return i
	}
	for _, rec := range recs[1:] {
		key := rec[col("service")] + "/" + rec[col("channel")]
		r := rows[key]
		if rec[col("volume_of_customers")] != strconv.Itoa(r.customers) ||
			rec[col("volume_of_customers_provided_survey_opportunity")] != strconv.Itoa(r.offered) ||
			rec[col("volume_of_respondents")] != strconv.Itoa(r.responses) {
			t.Errorf("%s: CSV volumes %v differ from the printed table %+v", key, rec[4:7], r)
		}
		if rec[col("fiscal_year")] != "2025" || rec[col("quarter")] != "2" {
			t.Errorf("%s: quarter %s/%s", key, rec[0], rec[1])
		}
		hidden := rec[col("suppressed")] == "true"
		if hidden != (r.responses < 5) {
			t.Errorf("%s: CSV suppressed=%v with %d responses", key, hidden, r.responses)
		}
		if hidden && rec[col("trust_mean")] != "" {
			t.Errorf("%s: suppressed row shows a trust mean", key)
		}
		if !hidden {
			n := 0
			for v := 1; v <= 5; v++ {
				c, _ := strconv.Atoi(rec[col("trust_"+strconv.Itoa(v))])
				n += c
			}
			if strconv.Itoa(n) != rec[col("trust_n")] {
				t.Errorf("%s: trust counts add to %d, trust_n %s", key, n, rec[col("trust_n")])
			}
		}
	}

	var again bytes.Buffer
	if err := run(t.Context(), &again, []string{"-csv", path}); err != nil {
		t.Fatal(err)
	}
	if again.String() != text {
		t.Error("two runs with one seed differ")
	}
}

func TestRunBadFlag(t *testing.T) {
	if err := run(t.Context(), &bytes.Buffer{}, []string{"-seed", "x"}); err == nil {
		t.Error("a malformed seed is accepted")
	}
	if err := run(t.Context(), &bytes.Buffer{}, []string{"-csv", filepath.Join(t.TempDir(), "missing", "a.csv")}); err == nil {
		t.Error("an unwritable CSV path is accepted")
	}
}
