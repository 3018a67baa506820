package report

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// maxTrendCharts is the most trends drawn as charts; every trend is in the
// verdict table, the JSON and the CSV.
const maxTrendCharts = 12

// verdictText names a verdict for people.
var verdictText = map[string]string{
	"too_little_data": "too little data",
	"stable":          "stable",
	"improving":       "improving",
	"sustained_shift": "embedded (sustained shift)",
	"declining":       "declining",
	"faded":           "faded",
}

func verdictName(v string) string {
	if t, ok := verdictText[v]; ok {
		return t
	}
	return v
}

// featured returns the indices of the trends drawn as charts: the root
// unit's first, then those with a verdict other than stable, shallow units
// first, at most maxTrendCharts.
func (d *Document) featured() []int {
	depth := func(tr Trend) int {
		if d.Scorecard != nil {
			for _, u := range d.Scorecard.Units {
				if u.Unit == tr.Unit {
					return u.Depth
				}
			}
		}
		return 1
	}
	rank := func(tr Trend) int {
		switch {
		case depth(tr) == 0:
			return 0
		case tr.Verdict == "sustained_shift" || tr.Verdict == "declining":
			return 1
		case tr.Verdict == "improving":
			return 2
		}
		return 3
	}
	idx := make([]int, len(d.Trends))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		ta, tb := d.Trends[idx[a]], d.Trends[idx[b]]
		if ra, rb := rank(ta), rank(tb); ra != rb {
			return ra < rb
		}
		return depth(ta) < depth(tb)
	})
	var out []int
	for _, i := range idx {
		if rank(d.Trends[i]) == 3 && len(out) > 0 {
			continue // stable series of units below the root stay in the table
		}
		out = append(out, i)
		if len(out) == maxTrendCharts {
			break
		}
	}
	sort.Ints(out)
	return out
}

func trendTitle(tr Trend) string {
	name := tr.Name
	if name == "" {
		name = tr.Unit
	}
	return trendLabel(tr) + " · " + name + ": " + verdictName(tr.Verdict)
}

// trendLabel names a trend's measure: its label, else from its key.
func trendLabel(tr Trend) string {
	if tr.Label != "" {
		return tr.Label
	}
	return measureLabel(tr.Measure)
}

func signalsAt(tr Trend) map[int][]Signal {
	out := map[int][]Signal{}
	for _, s := range tr.Signals {
		out[s.Index] = append(out[s.Index], s)
	}
	return out
}

func lastShown(tr Trend) (TrendPoint, bool) {
	for i := len(tr.Points) - 1; i >= 0; i-- {
		if p := tr.Points[i]; !p.Hidden && !p.Missing && p.Value.Defined() {
			return p, true
		}
	}
	return TrendPoint{}, false
}

// writeAnalyticsMarkdown writes the wins, pitfalls, trends and impacts.
func (d *Document) writeAnalyticsMarkdown(p func(string, ...any)) {
	if len(d.Wins) > 0 {
		p("## Wins\n\n")
		for _, w := range d.Wins {
			p("- **%s**: %s\n", mdEscape(w.Name), mdEscape(w.Text))
		}
		p("\n")
	}
	if len(d.Pitfalls) > 0 {
		p("## Pitfalls\n\n")
		for _, pf := range d.Pitfalls {
			about := ""
			if pf.Name != "" {
				about = " (" + mdEscape(pf.Name) + ")"
			}
			p("- **%s**%s: %s\n", mdEscape(strings.ReplaceAll(pf.Kind, "_", " ")), about, mdEscape(pf.Summary))
			for _, e := range pf.Evidence {
				p("  - %s\n", mdEscape(e))
			}
		}
		p("\n")
	}
	if len(d.Trends) > 0 {
		p("## Trends\n\n")
		p("Each series is judged against its baseline period: its average and the range ordinary variation stays within (a control chart). A point beyond the range, or a run of points on one side, is a signal.\n\n")
		p("| unit | measure | judgement | latest | baseline average | signals |\n|---|---|---|--:|--:|---|\n")
		for _, tr := range d.Trends {
			latest := "–"
			if lp, ok := lastShown(tr); ok {
				latest = formatMeasure(tr.Kind, lp.Value) + " (" + mdEscape(lp.Label) + ")"
			}
			var sig []string
			for _, s := range tr.Signals {
				sig = append(sig, fmt.Sprintf("rule %d at %s", s.Rule, s.Point))
			}
			p("| %s | %s | %s | %s | %s | %s |\n", mdEscape(displayTrendUnit(tr)), mdEscape(trendLabel(tr)), verdictName(tr.Verdict), latest,
				formatMeasure(tr.Kind, tr.Center), mdEscape(strings.Join(sig, "; ")))
		}
		p("\n")
		for _, i := range d.featured() {
			tr := d.Trends[i]
			p("### %s\n\n", mdEscape(trendTitle(tr)))
			for _, e := range tr.Evidence {
				p("- %s\n", mdEscape(e))
			}
			if len(tr.Evidence) > 0 {
				p("\n")
			}
			p("| wave | value | interval | n | lower limit | upper limit | signal |\n|---|--:|--:|--:|--:|--:|---|\n")
			at := signalsAt(tr)
			for k, pt := range tr.Points {
				if pt.Hidden {
					p("| %s | hidden: %s | | | | | |\n", mdEscape(pt.Label), mdEscape(pt.Reason))
					continue
				}
				if pt.Missing {
					p("| %s | no answers | | | | | |\n", mdEscape(pt.Label))
					continue
				}
				var sig []string
				for _, s := range at[k] {
					sig = append(sig, fmt.Sprintf("rule %d", s.Rule))
				}
				label := mdEscape(pt.Label)
				if pt.Baseline {
					label += " (baseline)"
				}
				p("| %s | %s | %s | %s | %s | %s | %s |\n", label, formatMeasure(tr.Kind, pt.Value),
					measureRange(tr.Kind, pt.Lower, pt.Upper), count(pt.N), formatMeasure(tr.Kind, pt.LCL), formatMeasure(tr.Kind, pt.UCL), strings.Join(sig, ", "))
			}
			p("\n")
		}
	}
	for _, im := range d.Impacts {
		p("## Impact: %s\n\n", mdEscape(im.Name))
		p("%s, %s to %s, status %s; %d units ran it, against %d comparison units. Waves before: %s; during: %s; after: %s. Effects are differences in differences with %s intervals, Benjamini-Hochberg adjusted at %s.\n\n",
			kindLabel(im.Kind), im.Start, im.End, mdEscape(im.Status), len(im.Units), len(im.Comparison),
			waveList(im.Pre), waveList(im.During), waveList(im.After), levelPct(im.Level), levelPct(im.FDR))
		p("| measure | window | treated before → after | comparison before → after | effect | interval | adjusted p | |\n|---|---|--:|--:|--:|--:|--:|---|\n")
		for _, e := range im.Effects {
			if !e.Estimable {
				p("| %s | %s | not estimable: %s | | | | | |\n", mdCode(e.Measure), e.Window, mdEscape(e.Reason))
				continue
			}
			p("| %s | %s | %s → %s | %s → %s | %s | %s | %s | %s |\n", mdCode(e.Measure), e.Window,
				formatMeasure(e.Kind, e.TreatedBefore), formatMeasure(e.Kind, e.TreatedAfter),
				formatMeasure(e.Kind, e.ComparisonBefore), formatMeasure(e.Kind, e.ComparisonAfter),
				formatEffect(e.Kind, e.Estimate), effectRange(e.Kind, e.Lower, e.Upper), pvalue(e.Adjusted), effectVerdict(e))
		}
		p("\n")
		if len(im.UnitEffects) > 0 {
			p("Effects per unit (placebo: a comparison unit estimated as if it had run the initiative):\n\n")
			p("| unit | role | measure | window | before → after | effect | interval | adjusted p | |\n|---|---|---|---|--:|--:|--:|--:|---|\n")
			for _, u := range im.UnitEffects {
				role := "ran it"
				if u.Placebo {
					role = "placebo"
				}
				kind := kindOf(im, u.Measure)
				if !u.Estimable {
					p("| %s | %s | %s | %s | not estimable | | | | |\n", mdEscape(d.name(u.Unit)), role, mdCode(u.Measure), u.Window)
					continue
				}
				p("| %s | %s | %s | %s | %s → %s | %s | %s | %s | %s |\n", mdEscape(d.name(u.Unit)), role, mdCode(u.Measure), u.Window,
					formatMeasure(kind, u.Before), formatMeasure(kind, u.After), formatEffect(kind, u.Estimate),
					effectRange(kind, u.Lower, u.Upper), pvalue(u.Adjusted), effectVerdict(Effect{Significant: u.Significant, Improved: u.Improved}))
			}
			p("\n")
		}
		for _, n := range im.Notes {
			p("- %s\n", mdEscape(n))
		}
		if len(im.Notes) > 0 {
			p("\n")
		}
	}
}

func displayTrendUnit(tr Trend) string {
	if tr.Name != "" {
		return tr.Name
	}
	return tr.Unit
}

func kindLabel(k string) string {
	switch k {
	case "ninety_day":
		return "90-day project"
	case "change_program":
		return "Change program"
	case "":
		return "Initiative"
	}
	return strings.ReplaceAll(k, "_", " ")
}

func waveList(ws []string) string {
	switch len(ws) {
	case 0:
		return "none"
	case 1:
		return ws[0]
	}
	return ws[0] + "–" + ws[len(ws)-1]
}

func measureRange(kind string, lo, hi Number) string {
	if kind == "share" {
		return pctRange(lo, hi)
	}
	if !lo.Defined() || !hi.Defined() {
		return "–"
	}
	return formatMeasure(kind, lo) + " to " + formatMeasure(kind, hi)
}

func effectRange(kind string, lo, hi Number) string {
	return formatEffect(kind, lo) + " to " + formatEffect(kind, hi)
}

func effectVerdict(e Effect) string {
	switch {
	case e.Improved:
		return "improved"
	case e.Significant:
		return "worsened"
	}
	return "no clear effect"
}

// trendChart draws a control chart: values with their intervals, the
// centre line and control limits, the baseline period shaded, signals
// marked.
func trendChart(id string, tr Trend) string {
	const (
		width  = 580.0
		height = 300.0
		x0     = 70.0
		right  = 24.0
		top    = 66.0
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
	fmt.Fprintf(&desc, "Control chart of %s in %s over %d waves. Judgement: %s.", trendLabel(tr), displayTrendUnit(tr), n, verdictName(tr.Verdict))
	if tr.Center.Defined() {
		fmt.Fprintf(&desc, " Baseline average %s (%s to %s).", formatMeasure(tr.Kind, tr.Center), tr.BaselineFrom, tr.BaselineTo)
	}
	var vals []string
	for _, p := range tr.Points {
		switch {
		case p.Hidden:
			vals = append(vals, p.Label+" hidden")
		case p.Missing:
			vals = append(vals, p.Label+" no answers")
		default:
			vals = append(vals, p.Label+" "+formatMeasure(tr.Kind, p.Value))
		}
	}
	fmt.Fprintf(&desc, " Values: %s. %d signals. The numbers are in the table beside the chart.", strings.Join(vals, ", "), len(tr.Signals))
	var s svgDoc
	s.open(id, width, height, trendTitle(tr), desc.String())
	// Legend.
	ly := 44.0
	lx := x0
	s.line(lx, ly, lx+22, ly, `stroke="`+okBlue+`" stroke-width="2"`)
	s.circle(lx+11, ly, 4, `fill="`+okBlue+`"`)
	s.text(lx+28, ly+4, "value, interval", `fill="#333333" font-size="11"`)
	lx += 120
	s.line(lx, ly, lx+22, ly, `stroke="#444444" stroke-width="1.5"`)
	s.text(lx+28, ly+4, "baseline average", `fill="#333333" font-size="11"`)
	lx += 74
	s.line(lx, ly, lx+22, ly, `stroke="#444444" stroke-width="1.5" stroke-dasharray="5 3"`)
	s.text(lx+28, ly+4, "control limits", `fill="#333333" font-size="11"`)
	lx += 112
	s.diamond(lx+8, ly, 7, `fill="none" stroke="`+okVermillion+`" stroke-width="2"`)
	s.text(lx+20, ly+4, "signal", `fill="#333333" font-size="11"`)
	lx += 62
	s.raw(`<rect x="%s" y="%s" width="18" height="10" fill="#ececec"/>`, f1(lx), f1(ly-5))
	s.text(lx+24, ly+4, "baseline", `fill="#333333" font-size="11"`)
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
			s.raw(`<g><title>%s: hidden, %s</title>`, esc(p.Label), esc(p.Reason))
			s.text(x, y1-6, "×", `text-anchor="middle" fill="#777777" font-size="14"`)
			s.raw(`</g>`)
			continue
		case p.Missing || !p.Value.Defined():
			continue
		}
		tip := fmt.Sprintf("%s: %s (%s), n=%s", p.Label, formatMeasure(tr.Kind, p.Value), measureRange(tr.Kind, p.Lower, p.Upper), count(p.N))
		for _, sg := range at[i] {
			tip += fmt.Sprintf("; signal, rule %d: %s", sg.Rule, sg.Text)
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
	b.WriteString(`<table><thead><tr><th>wave</th><th>value</th><th>interval</th><th>n</th><th>lower limit</th><th>upper limit</th><th>signal</th></tr></thead><tbody>`)
	at := signalsAt(tr)
	for k, p := range tr.Points {
		label := esc(p.Label)
		if p.Baseline {
			label += " (baseline)"
		}
		switch {
		case p.Hidden:
			fmt.Fprintf(&b, `<tr><td>%s</td><td class="hidden" colspan="6">hidden: %s</td></tr>`, label, esc(p.Reason))
			continue
		case p.Missing:
			fmt.Fprintf(&b, `<tr><td>%s</td><td class="hidden" colspan="6">no answers</td></tr>`, label)
			continue
		}
		var sig []string
		for _, s := range at[k] {
			sig = append(sig, fmt.Sprintf("rule %d", s.Rule))
		}
		fmt.Fprintf(&b, `<tr><td>%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td>%s</td></tr>`,
			label, formatMeasure(tr.Kind, p.Value), measureRange(tr.Kind, p.Lower, p.Upper), count(p.N),
			formatMeasure(tr.Kind, p.LCL), formatMeasure(tr.Kind, p.UCL), strings.Join(sig, ", "))
	}
	b.WriteString("</tbody></table>")
	return b.String()
}

// impactChart draws the effects of one kind (share or mean) of an
// initiative with their intervals around zero.
func impactChart(id string, im Impact, kind string) (string, string, int) {
	var effects []Effect
	for _, e := range im.Effects {
		if e.Kind == kind {
			effects = append(effects, e)
		}
	}
	if len(effects) == 0 {
		return "", "", 0
	}
	scale := 1.0
	unit := "points"
	if kind == "share" {
		scale, unit = 100, "percentage points"
	}
	m := 0.0
	for _, e := range effects {
		for _, v := range []Number{e.Lower, e.Upper, e.Estimate} {
			if v.Defined() {
				m = math.Max(m, math.Abs(float64(v)*scale))
			}
		}
	}
	if m == 0 {
		m = 1
	}
	ticks := niceTicks(-m*1.05, m*1.05, 6)
	c := dotChart{id: id, lo: ticks[0], hi: ticks[len(ticks)-1], ticks: ticks, zero: true,
		tickLabel:  func(v float64) string { return strconv.FormatFloat(v, 'f', tickDecimals(ticks), 64) },
		title:      "Impact of " + im.Name + " (" + kindWord(kind) + ")",
		axisTitle:  "Difference in differences, " + unit + " (" + levelPct(im.Level) + " interval)",
		legendMain: "effect, " + levelPct(im.Level) + " interval",
	}
	var desc []string
	for _, e := range effects {
		r := dotRow{label: measureLabel(e.Measure) + " · " + e.Window, base: NaN()}
		if !e.Estimable {
			r.hidden = "not estimable: " + e.Reason
			desc = append(desc, r.label+" not estimable")
		} else {
			r.value, r.lo, r.hi = Number(float64(e.Estimate)*scale), Number(float64(e.Lower)*scale), Number(float64(e.Upper)*scale)
			r.note = formatEffect(kind, e.Estimate) + "  p=" + pvalue(e.Adjusted)
			if e.Significant {
				r.mark = "▼"
				if float64(e.Estimate) > 0 {
					r.mark = "▲"
				}
			}
			r.tip = fmt.Sprintf("%s: %s (%s), adjusted p %s, %s", r.label, formatEffect(kind, e.Estimate), effectRange(kind, e.Lower, e.Upper), pvalue(e.Adjusted), effectVerdict(e))
			desc = append(desc, r.tip)
		}
		c.rows = append(c.rows, r)
	}
	c.desc = fmt.Sprintf("Dot and interval chart of %d effects of %s, differences in differences against %d comparison units: %s. The numbers are in the table beside the chart.",
		len(effects), im.Name, len(im.Comparison), strings.Join(desc, "; "))
	var b strings.Builder
	b.WriteString(`<table><thead><tr><th>measure</th><th>window</th><th>treated before → after</th><th>comparison before → after</th><th>effect</th><th>interval</th><th>adjusted p</th><th></th></tr></thead><tbody>`)
	for _, e := range effects {
		if !e.Estimable {
			fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td class="hidden" colspan="6">not estimable: %s</td></tr>`, esc(e.Measure), esc(e.Window), esc(e.Reason))
			continue
		}
		fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td class="n">%s → %s</td><td class="n">%s → %s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td>%s</td></tr>`,
			esc(e.Measure), esc(e.Window), formatMeasure(kind, e.TreatedBefore), formatMeasure(kind, e.TreatedAfter),
			formatMeasure(kind, e.ComparisonBefore), formatMeasure(kind, e.ComparisonAfter), formatEffect(kind, e.Estimate),
			effectRange(kind, e.Lower, e.Upper), esc(pvalue(e.Adjusted)), effectVerdict(e))
	}
	b.WriteString("</tbody></table>")
	return c.svg(), b.String(), len(effects)
}

func kindWord(kind string) string {
	if kind == "share" {
		return "favorable shares"
	}
	return "scores and means"
}

// analyticsHTML writes the wins, pitfalls, trends and impacts sections.
func (h *htmlPage) wins(d *Document) {
	if len(d.Wins) == 0 {
		return
	}
	h.p(`<section id="wins"><h2>Wins</h2><ul class="feed">`)
	for _, w := range d.Wins {
		h.p(`<li><strong>%s</strong> <span class="tag">%s</span><br>%s</li>`, esc(w.Name), esc(kindLabel(w.Kind)), esc(w.Text))
	}
	h.p("</ul></section>\n")
}

func (h *htmlPage) pitfalls(d *Document) {
	if len(d.Pitfalls) == 0 {
		return
	}
	h.p(`<section id="pitfalls"><h2>Pitfalls</h2><ul class="feed">`)
	for _, pf := range d.Pitfalls {
		about := ""
		if pf.Name != "" {
			about = " · " + pf.Name
		}
		h.p(`<li><span class="tag warn">⚠ %s</span>%s<br>%s`, esc(strings.ReplaceAll(pf.Kind, "_", " ")), esc(about), esc(pf.Summary))
		if len(pf.Evidence) > 0 {
			h.p(`<ul>`)
			for _, e := range pf.Evidence {
				h.p(`<li>%s</li>`, esc(e))
			}
			h.p(`</ul>`)
		}
		h.p(`</li>`)
	}
	h.p("</ul></section>\n")
}

func (h *htmlPage) trends(d *Document) {
	if len(d.Trends) == 0 {
		return
	}
	h.p(`<section id="trends"><h2>Trends</h2><p class="note">Each series is judged against its baseline period (shaded): its average and the range ordinary variation stays within; diamonds mark signals (a point beyond the range, or a run on one side). %d series; the charts show the organization's and those that moved, every series is in the table below.</p>`, len(d.Trends))
	for _, i := range d.featured() {
		tr := d.Trends[i]
		h.figure(trendChart(h.nextID(), tr), trendTable(tr), len(tr.Points))
	}
	var b strings.Builder
	b.WriteString(`<table><thead><tr><th>unit</th><th>measure</th><th>judgement</th><th>latest</th><th>baseline average</th><th>signals</th></tr></thead><tbody>`)
	for _, tr := range d.Trends {
		latest := "–"
		if lp, ok := lastShown(tr); ok {
			latest = formatMeasure(tr.Kind, lp.Value) + " (" + lp.Label + ")"
		}
		fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%d</td></tr>`,
			esc(displayTrendUnit(tr)), esc(trendLabel(tr)), esc(verdictName(tr.Verdict)), esc(latest), formatMeasure(tr.Kind, tr.Center), len(tr.Signals))
	}
	b.WriteString("</tbody></table>")
	if len(d.Trends) > openTable {
		h.p(`<details><summary>Verdicts of all %d series</summary>%s</details>`, len(d.Trends), b.String())
	} else {
		h.p(`<h3>Verdicts</h3>%s`, b.String())
	}
	h.p("</section>\n")
}

func (h *htmlPage) impacts(d *Document) {
	for _, im := range d.Impacts {
		h.p(`<section class="impact"><h2>Impact: %s</h2>`, esc(im.Name))
		h.p(`<p class="note">%s, %s to %s, status %s; %d units ran it, against %d comparison units. Waves before: %s; during: %s; after: %s. Effects are differences in differences; p-values are Benjamini-Hochberg adjusted at %s.</p>`,
			esc(kindLabel(im.Kind)), esc(im.Start), esc(im.End), esc(im.Status), len(im.Units), len(im.Comparison),
			esc(waveList(im.Pre)), esc(waveList(im.During)), esc(waveList(im.After)), esc(levelPct(im.FDR)))
		for _, kind := range []string{"share", "mean"} {
			if svg, table, rows := impactChart(h.nextIDIf(im, kind), im, kind); svg != "" {
				h.figure(svg, table, rows)
			}
		}
		if len(im.UnitEffects) > 0 {
			h.p(`<details><summary>Effects per unit (%d)</summary>%s</details>`, len(im.UnitEffects), d.unitEffectsTable(im))
		}
		if len(im.Notes) > 0 {
			h.p(`<ul class="note">`)
			for _, n := range im.Notes {
				h.p(`<li>%s</li>`, esc(n))
			}
			h.p(`</ul>`)
		}
		h.p("</section>\n")
	}
}

// nextIDIf numbers a chart only when the impact has effects of kind.
func (h *htmlPage) nextIDIf(im Impact, kind string) string {
	for _, e := range im.Effects {
		if e.Kind == kind {
			return h.nextID()
		}
	}
	return ""
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
		prefix = pts[0].Label
		for _, p := range pts[1:] {
			for !strings.HasPrefix(p.Label, prefix) {
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
		out[i] = clip(strings.TrimPrefix(p.Label, prefix), 12)
	}
	return out
}

// axisTitle names the time axis.
func axisTitle(pts []TrendPoint) string {
	if labels := axisLabels(pts); len(pts) > 0 && len(pts[0].Time) >= 10 && labels[0] == pts[0].Time[:10] {
		return "Wave (opening date)"
	}
	return "Wave"
}

// kindOf returns the kind of a measure's effects in an impact.
func kindOf(im Impact, measure string) string {
	for _, e := range im.Effects {
		if e.Measure == measure {
			return e.Kind
		}
	}
	return "mean"
}

func (d *Document) name(unit string) string {
	if n := d.names[unit]; n != "" {
		return n
	}
	return unit
}

func (d *Document) unitEffectsTable(im Impact) string {
	var b strings.Builder
	b.WriteString(`<table><thead><tr><th>unit</th><th>role</th><th>measure</th><th>window</th><th>before → after</th><th>effect</th><th>interval</th><th>adjusted p</th><th></th></tr></thead><tbody>`)
	for _, u := range im.UnitEffects {
		role := "ran it"
		if u.Placebo {
			role = "placebo"
		}
		kind := kindOf(im, u.Measure)
		if !u.Estimable {
			fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td class="hidden" colspan="5">not estimable</td></tr>`,
				esc(d.name(u.Unit)), role, esc(u.Measure), esc(u.Window))
			continue
		}
		fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td class="n">%s → %s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td>%s</td></tr>`,
			esc(d.name(u.Unit)), role, esc(u.Measure), esc(u.Window), formatMeasure(kind, u.Before), formatMeasure(kind, u.After),
			formatEffect(kind, u.Estimate), effectRange(kind, u.Lower, u.Upper), esc(pvalue(u.Adjusted)),
			effectVerdict(Effect{Significant: u.Significant, Improved: u.Improved}))
	}
	b.WriteString("</tbody></table>")
	return b.String()
}
