package report

import (
	"fmt"
	"html"
	"strconv"
	"strings"
	"unicode/utf8"
)

// esc escapes text for HTML and SVG, in content and in quoted attributes.
func esc(s string) string { return html.EscapeString(s) }

// f1 formats an SVG coordinate.
func f1(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// svgDoc accumulates one SVG chart.
type svgDoc struct {
	b  strings.Builder
	id string
	// shifted is set when the chart's body is drawn in a group moved down
	// under a title of more than one line.
	shifted bool
}

// textWidth estimates the width in px of text at the given font size: a
// generous 0.6 em a character (0.66 em when bold), so that the estimate
// is at least what common sans-serif fonts draw.
func textWidth(t string, fontSize float64, bold bool) float64 {
	em := 0.6
	if bold {
		em = 0.66
	}
	return em * fontSize * float64(utf8.RuneCountInString(t))
}

// wrapText breaks t at spaces into lines of at most width px at the given
// font size. A word longer than a line stays whole on its own line.
func wrapText(t string, width, fontSize float64, bold bool) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(t) {
		switch {
		case line == "":
			line = w
		case textWidth(line+" "+w, fontSize, bold) <= width:
			line += " " + w
		default:
			lines = append(lines, line)
			line = w
		}
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}

// Title layout: drawn at 15 px, bold, a line every titleLineH px.
const (
	titleSize  = 15.0
	titleLineH = 19.0
)

// open starts a chart of the given size with its accessible title and
// description; the title is also drawn at the top left, wrapped onto more
// lines when it is wider than the chart, and then the chart grows by the
// extra lines and its body is drawn below them.
func (s *svgDoc) open(id string, width, height float64, title, desc string) {
	s.id = id
	lines := wrapText(title, width-24, titleSize, true)
	extra := titleLineH * float64(len(lines)-1)
	height += extra
	fmt.Fprintf(&s.b, `<svg xmlns="http://www.w3.org/2000/svg" id="%s" class="chart" role="img" aria-labelledby="%s-title %s-desc" width="%s" height="%s" viewBox="0 0 %s %s" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', Arial, sans-serif" font-size="12">`,
		id, id, id, f1(width), f1(height), f1(width), f1(height))
	fmt.Fprintf(&s.b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, id, esc(title), id, esc(desc))
	fmt.Fprintf(&s.b, `<rect width="100%%" height="100%%" fill="#ffffff"/>`)
	if len(lines) == 1 {
		s.text(12, 22, title, `font-size="15" font-weight="600" fill="#111111"`)
		return
	}
	s.b.WriteString(`<text x="12" y="22" font-size="15" font-weight="600" fill="#111111">`)
	for i, l := range lines {
		dy := "0"
		if i > 0 {
			dy = f1(titleLineH)
		}
		fmt.Fprintf(&s.b, `<tspan x="12" dy="%s">%s</tspan>`, dy, esc(l))
		if i < len(lines)-1 {
			// A space between the lines, so that the title's text reads
			// as written.
			s.b.WriteString(" ")
		}
	}
	s.b.WriteString(`</text>`)
	fmt.Fprintf(&s.b, `<g transform="translate(0 %s)">`, f1(extra))
	s.shifted = true
}

func (s *svgDoc) close() string {
	if s.shifted {
		s.b.WriteString("</g>")
	}
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
