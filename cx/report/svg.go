package report

import (
	"fmt"
	"html"
	"strconv"
	"strings"
)

// esc escapes text for HTML and SVG, in content and in quoted attributes.
func esc(s string) string { return html.EscapeString(s) }

// f1 formats an SVG coordinate.
func f1(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// svgDoc accumulates one SVG chart.
type svgDoc struct {
	b  strings.Builder
	id string
}

// open starts a chart of the given size with its accessible title and
// description; the title is also drawn at the top left.
func (s *svgDoc) open(id string, width, height float64, title, desc string) {
	s.id = id
	fmt.Fprintf(&s.b, `<svg xmlns="http://www.w3.org/2000/svg" id="%s" class="chart" role="img" aria-labelledby="%s-title %s-desc" width="%s" height="%s" viewBox="0 0 %s %s" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', Arial, sans-serif" font-size="12">`,
		id, id, id, f1(width), f1(height), f1(width), f1(height))
	fmt.Fprintf(&s.b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, id, esc(title), id, esc(desc))
	fmt.Fprintf(&s.b, `<rect width="100%%" height="100%%" fill="#ffffff"/>`)
	s.text(12, 22, title, `font-size="15" font-weight="600" fill="#111111"`)
}

func (s *svgDoc) close() string {
	s.b.WriteString("</svg>")
	return s.b.String()
}

// text draws text at (x, y) with extra attributes.
func (s *svgDoc) text(x, y float64, t, attrs string) {
	fmt.Fprintf(&s.b, `<text x="%s" y="%s" %s>%s</text>`, f1(x), f1(y), attrs, esc(t))
}

// line draws a line with extra attributes.
func (s *svgDoc) line(x1, y1, x2, y2 float64, attrs string) {
	fmt.Fprintf(&s.b, `<line x1="%s" y1="%s" x2="%s" y2="%s" %s/>`, f1(x1), f1(y1), f1(x2), f1(y2), attrs)
}

// raw appends markup.
func (s *svgDoc) raw(format string, a ...any) { fmt.Fprintf(&s.b, format, a...) }

// circle draws a filled circle.
func (s *svgDoc) circle(x, y, r float64, attrs string) {
	fmt.Fprintf(&s.b, `<circle cx="%s" cy="%s" r="%s" %s/>`, f1(x), f1(y), f1(r), attrs)
}

// diamond draws a diamond centred on (x, y).
func (s *svgDoc) diamond(x, y, r float64, attrs string) {
	fmt.Fprintf(&s.b, `<path d="M%s %sL%s %sL%s %sL%s %sZ" %s/>`, f1(x), f1(y-r), f1(x+r), f1(y), f1(x), f1(y+r), f1(x-r), f1(y), attrs)
}

// clip shortens a label to n runes with an ellipsis.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// xAxis draws a horizontal axis at y from x0 to x1 for values lo..hi with
// the given ticks, tick labels from label, and an axis title below.
func (s *svgDoc) xAxis(x0, x1, y, top, lo, hi float64, ticks []float64, label func(float64) string, title string) {
	scale := func(v float64) float64 { return x0 + (v-lo)/(hi-lo)*(x1-x0) }
	for _, t := range ticks {
		x := scale(t)
		s.line(x, top, x, y, `stroke="#e6e6e6" stroke-width="1"`)
		s.line(x, y, x, y+4, `stroke="#555555"`)
		s.text(x, y+16, label(t), `text-anchor="middle" fill="#333333" font-size="11"`)
	}
	s.line(x0, y, x1, y, `stroke="#555555"`)
	s.text((x0+x1)/2, y+34, title, `text-anchor="middle" fill="#333333" font-size="12"`)
}
