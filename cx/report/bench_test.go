package report_test

import (
	"io"
	"testing"

	"github.com/cxculture/cxculture/cx/report"
)

// BenchmarkRender renders the four formats of a 7-unit and a 421-unit
// scorecard.
func BenchmarkRender(b *testing.B) {
	for _, fx := range []struct {
		name string
		r    report.Report
	}{
		{"small", withAnalytics(report.Report{Scorecard: smallOrg(b)})},
		{"large", report.Report{Scorecard: largeOrg(b)}},
	} {
		b.Run(fx.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := report.Render(fx.r, report.Outputs{Markdown: io.Discard, HTML: io.Discard, JSON: io.Discard, CSV: io.Discard}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
