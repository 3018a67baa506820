package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// trendChart draws a control chart: values with their intervals, the
// centre line and control limits, the baseline period shaded, signals
// marked.
func trendChart(id string, tr Trend) string {
	const (
		width  = 580.0
		height = 300.0
		x0     = 70.0
		right  = 24.0
		top    = 72.0
		bottom = 64.0
	)
	x1, y1 := width-right, height-bottom
	share := tr.Kind == "share"
	lo, hi := math.Inf(1), math.Inf(-1)
	see := func(v Number) {
		if v.Defined() {
			lo, hi = math.Min(lo, float64(v)), math.Max(hi, float64(v))
		}
	}
	see(tr.Center)
	for _, p := range tr.Points {
		if !p.Hidden {
			see(p.Value)
			see(p.Lower)
			see(p.Upper)
			see(p.LCL)
			see(p.UCL)
		}
	}
	if lo > hi {
		lo, hi = 0, 1
	}
	pad := math.Max((hi-lo)*0.08, 1e-3)
	lo, hi = lo-pad, hi+pad
	if share {
		lo, hi = math.Max(0, lo), math.Min(1, hi)
	}
	ticks := niceTicks(lo, hi, 5)
	lo, hi = math.Min(lo, ticks[0]), math.Max(hi, ticks[len(ticks)-1])
	n := len(tr.Points)
	xAt := func(i int) float64 {
		if n == 1 {
			return (x0 + x1) / 2
		}
		return x0 + 12 + float64(i)*(x1-x0-24)/float64(n-1)
	}
	yAt := func(v float64) float64 { return y1 - (v-lo)/(hi-lo)*(y1-top) }
	label := func(v float64) string {
		if share {
			return strconv.FormatFloat(100*v, 'f', max(0, tickDecimals(ticks)-2), 64) + "%"
		}
		return strconv.FormatFloat(v, 'f', tickDecimals(ticks), 64)
	}
	var desc strings.Builder
	fmt.Fprintf(&desc, "Chart of %s in %s over %d surveys, with its baseline average and ordinary range. Judgement: %s.", trendLabel(tr), displayTrendUnit(tr), n, verdictName(tr.Verdict))
	if tr.Center.Defined() {
		var base []string
		for _, p := range tr.Points {
			if p.Baseline {
				base = append(base, p.pointName())
			}
		}
		if len(base) > 0 {
			fmt.Fprintf(&desc, " Baseline average %s (%s to %s).", formatMeasure(tr.Kind, tr.Center), base[0], base[len(base)-1])
		}
	}
	var vals []string
	for _, p := range tr.Points {
		switch {
		case p.Hidden:
			vals = append(vals, p.pointName()+" hidden")
		case p.Missing:
			vals = append(vals, p.pointName()+" no answers")
		default:
			vals = append(vals, p.pointName()+" "+formatMeasure(tr.Kind, p.Value))
		}
	}
	fmt.Fprintf(&desc, " Values: %s. %d signals. The numbers are in the table beside the chart.", strings.Join(vals, ", "), len(tr.Signals))
	var s svgDoc
	s.open(id, width, height, trendTitle(tr), desc.String())
	// Legend: each item is a swatch and its label, laid out from the
	// label's width (about 6.5 px a character at 11 px), wrapping to a
	// second row rather than overlapping.
	ly, lx := 40.0, x0
	legend := func(label string, swatch func(x, y float64)) {
		w := 28 + 6.5*float64(len([]rune(label)))
		if lx+w > x1 && lx > x0 {
			lx, ly = x0, ly+16
		}
		s.raw(`<g class="legend">`)
		swatch(lx, ly)
		s.text(lx+28, ly+4, label, `fill="#333333" font-size="11"`)
		s.raw(`</g>`)
		lx += w + 18
	}
	legend("value, interval", func(x, y float64) {
		s.line(x, y, x+22, y, `stroke="`+okBlue+`" stroke-width="2"`)
		s.circle(x+11, y, 4, `fill="`+okBlue+`"`)
	})
	legend("baseline average", func(x, y float64) { s.line(x, y, x+22, y, `stroke="#444444" stroke-width="1.5"`) })
	legend("ordinary range", func(x, y float64) {
		s.line(x, y, x+22, y, `stroke="#444444" stroke-width="1.5" stroke-dasharray="5 3"`)
	})
	legend("signal", func(x, y float64) {
		s.diamond(x+11, y, 7, `fill="none" stroke="`+okVermillion+`" stroke-width="2"`)
	})
	legend("baseline period", func(x, y float64) {
		s.raw(`<rect x="%s" y="%s" width="22" height="10" fill="#ececec"/>`, f1(x), f1(y-5))
	})
	// Baseline period.
	first, last := -1, -1
	for i, p := range tr.Points {
		if p.Baseline {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first >= 0 {
		a, b := xAt(first)-8, xAt(last)+8
		s.raw(`<rect x="%s" y="%s" width="%s" height="%s" fill="#ececec"/>`, f1(a), f1(top), f1(b-a), f1(y1-top))
	}
	// Axes and grid.
	for _, t := range ticks {
		y := yAt(t)
		s.line(x0, y, x1, y, `stroke="#e3e3e3"`)
		s.text(x0-6, y+4, label(t), `text-anchor="end" fill="#333333" font-size="11"`)
	}
	s.line(x0, top, x0, y1, `stroke="#555555"`)
	s.line(x0, y1, x1, y1, `stroke="#555555"`)
	labels := axisLabels(tr.Points)
	longest := 0
	for _, l := range labels {
		longest = max(longest, len([]rune(l)))
	}
	every := max(1, int(math.Ceil(float64(n)*(float64(longest)*6.5+10)/(x1-x0))))
	for i, l := range labels {
		if i%every == 0 {
			s.text(xAt(i), y1+16, l, `text-anchor="middle" fill="#333333" font-size="10"`)
		}
	}
	yTitle := trendLabel(tr)
	if share {
		yTitle += ", %"
	}
	s.raw(`<text x="16" y="%s" transform="rotate(-90 16 %s)" text-anchor="middle" fill="#333333" font-size="11">%s</text>`,
		f1((top+y1)/2), f1((top+y1)/2), esc(clip(yTitle, 34)))
	s.text((x0+x1)/2, y1+38, axisTitle(tr.Points), `text-anchor="middle" fill="#333333" font-size="11"`)
	// Centre and limits.
	if tr.Center.Defined() {
		var a, b float64 = -1, -1
		for i, p := range tr.Points {
			if p.Charted {
				if a < 0 {
					a = xAt(i)
				}
				b = xAt(i)
			}
		}
		if a >= 0 {
			s.line(a-8, yAt(float64(tr.Center)), b+8, yAt(float64(tr.Center)), `stroke="#444444" stroke-width="1.5"`)
		}
	}
	for _, lim := range []func(TrendPoint) Number{func(p TrendPoint) Number { return p.LCL }, func(p TrendPoint) Number { return p.UCL }} {
		var path strings.Builder
		for i, p := range tr.Points {
			v := lim(p)
			if !p.Charted || !v.Defined() {
				continue
			}
			y := yAt(float64(v))
			cmd := "L"
			if path.Len() == 0 {
				cmd = "M"
			}
			fmt.Fprintf(&path, "%s%s %sL%s %s", cmd, f1(xAt(i)-8), f1(y), f1(xAt(i)+8), f1(y))
		}
		if path.Len() > 0 {
			s.raw(`<path d="%s" fill="none" stroke="#444444" stroke-width="1.5" stroke-dasharray="5 3"/>`, path.String())
		}
	}
	// Values.
	var line strings.Builder
	prev := false
	for i, p := range tr.Points {
		if p.Hidden || p.Missing || !p.Value.Defined() {
			prev = false
			continue
		}
		cmd := "L"
		if !prev {
			cmd = "M"
		}
		fmt.Fprintf(&line, "%s%s %s", cmd, f1(xAt(i)), f1(yAt(float64(p.Value))))
		prev = true
	}
	if line.Len() > 0 {
		s.raw(`<path d="%s" fill="none" stroke="%s" stroke-width="2"/>`, line.String(), okBlue)
	}
	at := signalsAt(tr)
	for i, p := range tr.Points {
		x := xAt(i)
		switch {
		case p.Hidden:
			s.raw(`<g><title>%s: hidden, %s</title>`, esc(p.pointName()), esc(p.Reason))
			s.text(x, y1-6, "×", `text-anchor="middle" fill="#777777" font-size="14"`)
			s.raw(`</g>`)
			continue
		case p.Missing || !p.Value.Defined():
			continue
		}
		tip := fmt.Sprintf("%s: %s (%s), %s answers", p.pointName(), formatMeasure(tr.Kind, p.Value), measureRange(tr.Kind, p.Lower, p.Upper), count(p.N))
		for _, sg := range at[i] {
			tip += "; signal: " + sg.Text
		}
		s.raw(`<g><title>%s</title>`, esc(tip))
		if p.Lower.Defined() && p.Upper.Defined() {
			s.line(x, yAt(float64(p.Lower)), x, yAt(float64(p.Upper)), `stroke="`+okSkyBlue+`" stroke-width="2"`)
		}
		s.circle(x, yAt(float64(p.Value)), 4, `fill="`+okBlue+`"`)
		if len(at[i]) > 0 {
			s.diamond(x, yAt(float64(p.Value)), 9, `fill="none" stroke="`+okVermillion+`" stroke-width="2"`)
		}
		s.raw(`</g>`)
	}
	return s.close()
}

// niceTicks returns about n evenly spaced round numbers covering lo..hi.
func niceTicks(lo, hi float64, n int) []float64 {
	if !(hi > lo) {
		return []float64{lo}
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var out []float64
	for v := math.Floor(lo/step) * step; v <= hi+step*1e-9; v += step {
		out = append(out, math.Round(v/step)*step)
	}
	if out[len(out)-1] < hi {
		out = append(out, out[len(out)-1]+step)
	}
	return out
}

// tickDecimals is the number of decimals that tells the ticks apart.
func tickDecimals(ticks []float64) int {
	if len(ticks) < 2 {
		return 2
	}
	step := math.Abs(ticks[1] - ticks[0])
	d := int(math.Max(0, math.Ceil(-math.Log10(step)+1e-9)))
	if step*math.Pow(10, float64(d)) != math.Round(step*math.Pow(10, float64(d))) {
		d++
	}
	return min(d, 6)
}

func trendTable(tr Trend) string {
	var b strings.Builder
	b.WriteString(`<table><thead><tr><th>survey</th><th>value</th><th>interval</th><th>answers</th><th>ordinary range</th><th>signal</th></tr></thead><tbody>`)
	at := signalsAt(tr)
	for k, p := range tr.Points {
		label := esc(p.pointName())
		if p.Baseline {
			label += " (baseline)"
		}
		switch {
		case p.Hidden:
			fmt.Fprintf(&b, `<tr><td>%s</td><td class="hidden" colspan="5">hidden: %s</td></tr>`, label, esc(p.Reason))
			continue
		case p.Missing:
			fmt.Fprintf(&b, `<tr><td>%s</td><td class="hidden" colspan="5">no answers</td></tr>`, label)
			continue
		}
		fmt.Fprintf(&b, `<tr><td>%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td>%s</td></tr>`,
			label, formatMeasure(tr.Kind, p.Value), measureRange(tr.Kind, p.Lower, p.Upper), count(p.N),
			measureRange(tr.Kind, p.LCL, p.UCL), esc(signalWords(at[k])))
	}
	b.WriteString("</tbody></table>")
	return b.String()
}

// axisLabels are the short labels of a trend's points on the time axis:
// the date of each point when every point has one, else the labels
// without the prefix they all share, at most 12 characters.
func axisLabels(pts []TrendPoint) []string {
	out := make([]string, len(pts))
	dated := len(pts) > 0
	for _, p := range pts {
		dated = dated && len(p.Time) >= 10
	}
	if dated {
		for i, p := range pts {
			out[i] = p.Time[:10]
		}
		return out
	}
	prefix := ""
	if len(pts) > 1 {
		prefix = pts[0].pointName()
		for _, p := range pts[1:] {
			for !strings.HasPrefix(p.pointName(), prefix) {
				prefix = prefix[:len(prefix)-1]
			}
		}
		// Cut only after a separator, so that numbers stay whole.
		if i := strings.LastIndexAny(prefix, "-_ ./:"); i >= 0 {
			prefix = prefix[:i+1]
		} else {
			prefix = ""
		}
	}
	for i, p := range pts {
		out[i] = clip(strings.TrimPrefix(p.pointName(), prefix), 12)
	}
	return out
}

// axisTitle names the time axis.
func axisTitle(pts []TrendPoint) string {
	if labels := axisLabels(pts); len(pts) > 0 && len(pts[0].Time) >= 10 && labels[0] == pts[0].Time[:10] {
		return "Survey (opening date)"
	}
	return "Survey"
}
