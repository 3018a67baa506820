package survey_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/cxculture/cxculture/survey"
)

// pulseCSV returns n responses in the wide layout of the benchmark data
// (25 Likert items and eNPS, about 3% skipped) and the survey they answer.
func pulseCSV(n int) ([]byte, survey.Survey) {
	s := survey.Survey{ID: "pulse", Name: "Pulse", Audience: survey.Employee, Version: 1}
	var b bytes.Buffer
	b.WriteString("respondent_id,unit_id,wave,submitted_at")
	for i := range 25 {
		id := fmt.Sprintf("q%02d", i+1)
		s.Items = append(s.Items, survey.Item{ID: id, Text: "Statement", Scale: survey.Likert5, Construct: "c" + strconv.Itoa(i/5), Kind: survey.Behavior, Version: 1})
		b.WriteString("," + id)
	}
	s.Items = append(s.Items, survey.Item{ID: "enps", Text: "Recommend", Scale: survey.NPS, Construct: survey.ENPS, Kind: survey.Outcome, Version: 1})
	b.WriteString(",enps\n")
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range n {
		fmt.Fprintf(&b, "r%08d,team%04d,%d,2026-%02d-09T18:54:10Z", i, rng.IntN(400), 1+rng.IntN(12), 1+rng.IntN(12))
		for range 25 {
			b.WriteByte(',')
			if rng.IntN(33) > 0 {
				b.WriteString(strconv.Itoa(1 + rng.IntN(5)))
			}
		}
		fmt.Fprintf(&b, ",%d\n", rng.IntN(11))
	}
	return b.Bytes(), s
}

// BenchmarkScanCSV measures parsing and validating 100,000 wide-format
// responses, without tallying them, per response.
func BenchmarkScanCSV(b *testing.B) {
	const n = 100000
	data, s := pulseCSV(n)
	for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run("workers="+strconv.Itoa(workers), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			var ms0, ms1 runtime.MemStats
			runtime.ReadMemStats(&ms0)
			for b.Loop() {
				var rows atomic.Int64
				err := survey.ScanCSV(b.Context(), bytes.NewReader(data), s, nil, workers, func(int, *survey.Row) error {
					rows.Add(1)
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
				if rows.Load() != n {
					b.Fatalf("scanned %d rows, want %d", rows.Load(), n)
				}
			}
			runtime.ReadMemStats(&ms1)
			total := float64(b.N) * n
			b.ReportMetric(b.Elapsed().Seconds()*1e9/total, "ns/response")
			b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/total, "allocs/response")
		})
	}
}
