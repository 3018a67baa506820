package cx_test

import (
	"bytes"
	"fmt"
	"runtime"
	"strconv"
	"testing"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/survey"
)

// benchCSV writes rows in the wide layout of the benchmark data:
// respondent_id,unit_id,wave,submitted_at,q01..q25,enps.
func benchCSV(rows []benchRow) []byte {
	var b bytes.Buffer
	b.WriteString("respondent_id,unit_id,wave,submitted_at")
	for i := range 25 {
		fmt.Fprintf(&b, ",q%02d", i+1)
	}
	b.WriteString(",enps\n")
	for i, r := range rows {
		fmt.Fprintf(&b, "r%08d,%s,%s,2026-%02d-09T18:54:10Z", i, r.unit, r.wave, 1+i%12)
		for _, v := range r.vals {
			b.WriteByte(',')
			if v != survey.Skipped {
				b.WriteString(strconv.Itoa(v))
			}
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// benchHierarchy is the org of the benchmark data: one org, 20 divisions
// of 20 teams.
func benchHierarchy(b *testing.B) *cx.Hierarchy {
	units := []cx.Unit{{ID: "org", Name: "Org"}}
	for d := range 20 {
		units = append(units, cx.Unit{ID: fmt.Sprintf("div%02d", d), Parent: "org", Name: "Division"})
	}
	for t := range 400 {
		units = append(units, cx.Unit{ID: fmt.Sprintf("team%04d", t), Parent: fmt.Sprintf("div%02d", t/20), Name: "Team"})
	}
	h, err := cx.NewHierarchy(units)
	if err != nil {
		b.Fatal(err)
	}
	return h
}

// BenchmarkTallierFromCSV measures reading and tallying 100,000 responses
// of the benchmark layout from memory, per response, on one goroutine and
// on every core.
func BenchmarkTallierFromCSV(b *testing.B) {
	rows := benchRows(100000)
	data := benchCSV(rows)
	s := benchSurvey()
	for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run("workers="+strconv.Itoa(workers), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			var ms0, ms1 runtime.MemStats
			runtime.ReadMemStats(&ms0)
			for b.Loop() {
				if _, err := cx.TallierFromCSV(b.Context(), bytes.NewReader(data), s, nil, workers); err != nil {
					b.Fatal(err)
				}
			}
			runtime.ReadMemStats(&ms1)
			n := float64(b.N) * float64(len(rows))
			b.ReportMetric(b.Elapsed().Seconds()*1e9/n, "ns/response")
			b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/n, "allocs/response")
		})
	}
}

// BenchmarkScorecards measures scoring twelve waves of 100,000 responses
// over 421 units, from a tallier and from tallies.
func BenchmarkScorecards(b *testing.B) {
	rows := benchRows(100000)
	s := benchSurvey()
	tl := cx.NewTallier(s)
	for _, r := range rows {
		if err := tl.AddRow(r.unit, r.wave, r.vals, false); err != nil {
			b.Fatal(err)
		}
	}
	h := benchHierarchy(b)
	waves := tl.Waves()
	opts := func() []cx.ScorecardOptions {
		var o []cx.ScorecardOptions
		for _, w := range waves {
			o = append(o, cx.ScorecardOptions{Wave: w, Baseline: waves[0], Listwise: true})
		}
		o[0].Baseline = ""
		return o
	}
	b.Run("tallier", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := tl.Scorecards(h, opts()...); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(b.N)/float64(len(rows)), "ns/response")
	})
	t := tl.Tallies()
	b.Run("tallies", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := cx.NewScorecards(h, s, t, opts()...); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(b.N)/float64(len(rows)), "ns/response")
	})
}
