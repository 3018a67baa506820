package cx_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/survey"
)

// benchSurvey mirrors the benchmark data: 25 Likert items, five per
// behavior with the last reverse keyed, and eNPS.
func benchSurvey() survey.Survey {
	s := survey.Survey{ID: "pulse", Name: "Pulse", Audience: survey.Employee, Version: 1}
	behaviors := []string{"customer_focus", "agility", "empowerment", "innovation", "inclusion"}
	for i := range 25 {
		s.Items = append(s.Items, survey.Item{ID: fmt.Sprintf("q%02d", i+1), Text: "Statement", Scale: survey.Likert5,
			Construct: behaviors[i/5], Kind: survey.Behavior, Version: 1, Reverse: i%5 == 4})
	}
	s.Items = append(s.Items, survey.Item{ID: "enps", Text: "Recommend", Scale: survey.NPS, Construct: survey.ENPS, Kind: survey.Outcome, Version: 1})
	return s
}

type benchRow struct {
	unit, wave string
	vals       []int
}

func benchRows(n int) []benchRow {
	rng := rand.New(rand.NewPCG(1, 1))
	units := make([]string, 400)
	for i := range units {
		units[i] = fmt.Sprintf("team%04d", i)
	}
	waves := []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"}
	rows := make([]benchRow, n)
	for i := range rows {
		vals := make([]int, 26)
		for j := range 25 {
			vals[j] = 1 + rng.IntN(5)
			if rng.IntN(33) == 0 {
				vals[j] = survey.Skipped
			}
		}
		vals[25] = rng.IntN(11)
		rows[i] = benchRow{units[rng.IntN(len(units))], waves[rng.IntN(len(waves))], vals}
	}
	return rows
}

// BenchmarkTallierAddRow measures the tally hot path per response; it does
// not allocate once every unit and wave has been seen.
func BenchmarkTallierAddRow(b *testing.B) {
	rows := benchRows(100000)
	t := cx.NewTallier(benchSurvey())
	for _, r := range rows {
		_ = t.AddRow(r.unit, r.wave, r.vals, false)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		r := rows[i%len(rows)]
		if err := t.AddRow(r.unit, r.wave, r.vals, false); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkTallies measures turning a tallier of 100,000 responses into
// mergeable tallies.
func BenchmarkTallies(b *testing.B) {
	rows := benchRows(100000)
	t := cx.NewTallier(benchSurvey())
	for _, r := range rows {
		_ = t.AddRow(r.unit, r.wave, r.vals, false)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = t.Tallies()
	}
}
