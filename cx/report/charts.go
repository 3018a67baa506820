package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// dotRow is one row of a dot-and-interval chart.
type dotRow struct {
	label string
	// hidden is the reason the row has no figures; empty when shown.
	hidden        string
	value, lo, hi Number
	base          Number // the baseline's value, NaN for none
	mark          string // ▲ or ▼ after the value
	note          string // right-hand text: value and n
	tip           string // tooltip of the row
	emphasize     bool   // bold label (the organization)
}

// dotChart is a chart of estimates with their intervals, one row each, on
// a common horizontal scale, with an optional baseline marker per row.
type dotChart struct {
	id, title, desc string
	rows            []dotRow
	lo, hi          float64
	ticks           []float64
	tickLabel       func(float64) string
	axisTitle       string
	legendMain      string
	legendBase      string // empty: no baseline legend
	zero            bool   // draw a reference line at 0
}

func (c dotChart) svg() string {
	const (
		plotW  = 320.0 // the scale's width
		top    = 62.0
		rowH   = 28.0
		bottom = 52.0
		pad    = 12.0 // between a text and the chart's edge
	)
	// The margins fit the longest row label (left) and the longest note
	// (right), at least 160 and 120 px; the chart is as wide as they and
	// the scale need, and wider still when a hidden row's reason or the
	// legend needs it.
	left, right := 160.0, 120.0
	labels := make([]string, len(c.rows))
	notes := make([]string, len(c.rows))
	for i, r := range c.rows {
		labels[i] = clip(r.label, 25)
		left = math.Max(left, pad+textWidth(labels[i], 12, r.emphasize)+10)
		notes[i] = r.note
		if r.mark != "" {
			notes[i] = r.mark + " " + r.note
		}
		if r.hidden == "" {
			right = math.Max(right, 10+textWidth(notes[i], 12, false)+pad)
		}
	}
	width := left + plotW + right
	for _, r := range c.rows {
		if r.hidden != "" {
			width = math.Max(width, left+6+textWidth("hidden: "+r.hidden, 12, false)+pad)
		}
	}
	legendBaseX := left + 48 + textWidth(c.legendMain, 12, false)
	if c.legendBase != "" {
		width = math.Max(width, legendBaseX+12+textWidth(c.legendBase, 12, false)+pad)
	} else {
		width = math.Max(width, left+32+textWidth(c.legendMain, 12, false)+pad)
	}
	height := top + float64(len(c.rows))*rowH + bottom
	x0, x1 := left, left+plotW
	scale := func(v float64) float64 {
		v = math.Max(c.lo, math.Min(c.hi, v))
		return x0 + (v-c.lo)/(c.hi-c.lo)*(x1-x0)
	}
	var s svgDoc
	s.open(c.id, width, height, c.title, c.desc)
	// Legend.
	ly := 44.0
	s.raw(`<g class="legend">`)
	s.line(x0, ly, x0+24, ly, `stroke="`+okBlue+`" stroke-width="2"`)
	s.circle(x0+12, ly, 5, `fill="`+okBlue+`"`)
	s.text(x0+32, ly+4, c.legendMain, `fill="#333333"`)
	s.raw(`</g>`)
	if c.legendBase != "" {
		bx := legendBaseX
		s.raw(`<g class="legend">`)
		s.diamond(bx, ly, 6, `fill="#ffffff" stroke="`+okVermillion+`" stroke-width="2"`)
		s.text(bx+12, ly+4, c.legendBase, `fill="#333333"`)
		s.raw(`</g>`)
	}
	axisY := top + float64(len(c.rows))*rowH + 4
	s.xAxis(x0, x1, axisY, top-6, c.lo, c.hi, c.ticks, c.tickLabel, c.axisTitle)
	if c.zero && c.lo < 0 && c.hi > 0 {
		s.line(scale(0), top-6, scale(0), axisY, `stroke="#777777" stroke-dasharray="3 3"`)
	}
	for i, r := range c.rows {
		y := top + float64(i)*rowH + rowH/2
		weight := ""
		if r.emphasize {
			weight = ` font-weight="600"`
		}
		s.raw(`<g>`)
		if r.tip != "" {
			s.raw(`<title>%s</title>`, esc(r.tip))
		}
		if i%2 == 1 {
			s.raw(`<rect x="0" y="%s" width="%s" height="%s" fill="#f7f7f7"/>`, f1(y-rowH/2), f1(width), f1(rowH))
		}
		s.text(x0-10, y+4, labels[i], `text-anchor="end" fill="#111111"`+weight)
		if r.hidden != "" {
			s.text(x0+6, y+4, "hidden: "+r.hidden, `fill="#555555" font-style="italic"`)
			s.raw(`</g>`)
			continue
		}
		if r.base.Defined() {
			s.diamond(scale(float64(r.base)), y, 6, `fill="#ffffff" stroke="`+okVermillion+`" stroke-width="2"`)
		}
		if r.lo.Defined() && r.hi.Defined() {
			a, b := scale(float64(r.lo)), scale(float64(r.hi))
			s.line(a, y, b, y, `stroke="`+okBlue+`" stroke-width="2"`)
			s.line(a, y-5, a, y+5, `stroke="`+okBlue+`" stroke-width="2"`)
			s.line(b, y-5, b, y+5, `stroke="`+okBlue+`" stroke-width="2"`)
		}
		if r.value.Defined() {
			s.circle(scale(float64(r.value)), y, 5, `fill="`+okBlue+`"`)
		}
		s.text(x1+10, y+4, notes[i], `fill="#111111"`)
		s.raw(`</g>`)
	}
	return s.close()
}

// percentTicks are the ticks of a 0..1 share axis.
var percentTicks = []float64{0, 0.2, 0.4, 0.6, 0.8, 1}

func percentLabel(v float64) string { return strconv.Itoa(int(math.Round(100*v))) + "%" }

// behaviorChart draws the favorable share of every behavior in one unit.
func behaviorChart(id string, sc *Scorecard, u *Unit) string {
	c := dotChart{id: id, lo: 0, hi: 1, ticks: percentTicks, tickLabel: percentLabel,
		title:      "Favorable share by behavior: " + displayName(u),
		axisTitle:  "Favorable share (% of answers, " + levelPct(sc.Level) + " interval)",
		legendMain: sc.wname(sc.Wave) + ", " + levelPct(sc.Level) + " interval",
	}
	if sc.Baseline != "" {
		c.legendBase = "baseline, " + sc.wname(sc.Baseline)
	}
	var desc []string
	for _, b := range u.Behaviors {
		f := b.Favorable
		r := dotRow{label: sc.bname(b.Behavior), value: f.Value, lo: f.Lower, hi: f.Upper, base: NaN(),
			note: pct(f.Value) + "  n=" + count(f.N)}
		d := fmt.Sprintf("%s %s (%s, n=%s)", sc.bname(b.Behavior), pct(f.Value), pctRange(f.Lower, f.Upper), count(f.N))
		if ch := b.Change; ch != nil {
			if len(ch.Items) == 0 {
				r.base = ch.Baseline.Value
				d += fmt.Sprintf(", baseline %s", pct(ch.Baseline.Value))
			} else {
				// The baseline is over fewer items than the dot: no tick
				// on its scale, the two shares said in words.
				d += fmt.Sprintf(", baseline %s", baselineText(ch))
			}
			if ch.Significant {
				r.mark = arrow(direction(ch.Diff))
				d += fmt.Sprintf(", significant change %s", points(ch.Diff))
			}
		}
		r.tip = d
		desc = append(desc, d)
		c.rows = append(c.rows, r)
	}
	c.desc = fmt.Sprintf("Dot and interval chart of the favorable share of %d behaviors in %s, %s: %s. The numbers are in the table beside the chart.",
		len(u.Behaviors), displayName(u), sc.wname(sc.Wave), strings.Join(desc, "; "))
	return c.svg()
}

// enpsTicks are the ticks of an eNPS axis.
var enpsTicks = []float64{-100, -50, 0, 50, 100}

// enpsChart draws eNPS with its interval for the given units.
func enpsChart(id string, sc *Scorecard, units []*Unit, title string) string {
	c := dotChart{id: id, lo: -100, hi: 100, ticks: enpsTicks, zero: true,
		tickLabel:  func(v float64) string { return strconv.Itoa(int(v)) },
		title:      title,
		axisTitle:  "eNPS (% promoters − % detractors, " + levelPct(sc.Level) + " interval)",
		legendMain: sc.wname(sc.Wave) + ", " + levelPct(sc.Level) + " interval",
	}
	var desc []string
	for i, u := range units {
		r := dotRow{label: strings.Repeat("  ", u.Depth) + displayName(u), base: NaN(), emphasize: i == 0 && u.Depth == 0}
		switch {
		case u.Hidden:
			r.hidden = u.Reason
			desc = append(desc, displayName(u)+" hidden: "+u.Reason)
		case u.ENPS == nil:
			r.hidden = "no eNPS answers"
			desc = append(desc, displayName(u)+" no eNPS answers")
		default:
			e := u.ENPS
			r.value, r.lo, r.hi = e.Score, e.Lower, e.Upper
			r.note = signed(e.Score) + "  n=" + count(e.N)
			r.tip = fmt.Sprintf("%s eNPS %s (%s), n=%s", displayName(u), signed(e.Score), signedRange(e.Lower, e.Upper), count(e.N))
			desc = append(desc, r.tip)
		}
		c.rows = append(c.rows, r)
	}
	c.desc = fmt.Sprintf("Dot and interval chart of eNPS in %d units, %s: %s. The numbers are in the table beside the chart.",
		len(units), sc.wname(sc.Wave), strings.Join(desc, "; "))
	return c.svg()
}

// displayName is a unit's name, or its ID when it has none.
func displayName(u *Unit) string {
	if u.Name != "" {
		return u.Name
	}
	return u.Unit
}

// heatmapChart draws rows of the heatmap (indices into hm.Units).
func heatmapChart(id, title string, sc *Scorecard, hm *Heatmap, rows []int) string {
	nb := len(hm.Behaviors)
	cellW := 104.0
	if nb > 8 {
		cellW = 84
	}
	rowH := 26.0
	fontSize := 11
	if len(rows) > 25 {
		rowH, fontSize = 17, 10
	}
	const (
		labelW = 230.0
		nW     = 64.0
		top    = 74.0
		legH   = 86.0
	)
	x0 := 12 + labelW + nW
	width := math.Max(x0+cellW*float64(nb)+16, 560)
	height := top + rowH*float64(len(rows)) + legH
	var s svgDoc
	hatch := id + "-hidden"
	lo, hi, hidden := math.Inf(1), math.Inf(-1), 0
	reasons := map[string]int{}
	for _, i := range rows {
		for _, c := range hm.Cells[i] {
			if c.Hidden {
				continue
			}
			if c.Value.Defined() {
				lo, hi = math.Min(lo, float64(c.Value)), math.Max(hi, float64(c.Value))
			}
		}
		if u := &sc.Units[i]; u.Hidden {
			hidden++
			reasons[u.Reason]++
		}
	}
	desc := fmt.Sprintf("Heatmap of the favorable share of %d behaviors (columns) in %d units (rows), %s, colored on a viridis scale from 0%% (dark purple) to 100%% (yellow).",
		nb, len(rows), sc.wname(sc.Wave))
	if lo <= hi {
		desc += fmt.Sprintf(" Shares range from %s to %s.", pct(Number(lo)), pct(Number(hi)))
	}
	if hidden > 0 {
		var rs []string
		for _, r := range sortedKeys(reasons) {
			rs = append(rs, fmt.Sprintf("%d %s", reasons[r], r))
		}
		desc += fmt.Sprintf(" %d units are hidden, grey and hatched (%s).", hidden, strings.Join(rs, "; "))
	}
	desc += " Triangles mark significant changes since the baseline. The numbers are in the table beside the chart."
	s.open(id, width, height, title, desc)
	s.raw(`<defs><pattern id="%s" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="%s"/><line x1="0" y1="0" x2="0" y2="6" stroke="#9e9e9e" stroke-width="2"/></pattern></defs>`,
		hatch, hiddenFill)
	// Column headers and axis titles.
	s.text(12, top-30, "Unit", `fill="#555555" font-size="11"`)
	s.text(12+labelW+nW-8, top-30, "Respondents", `text-anchor="end" fill="#555555" font-size="11"`)
	s.text(x0, top-30, "Behavior →", `fill="#555555" font-size="11"`)
	for j, b := range hm.Behaviors {
		b = sc.bname(b)
		cx := x0 + cellW*float64(j) + cellW/2
		s.raw(`<text x="%s" y="%s" text-anchor="middle" fill="#111111" font-size="11"><title>%s</title>%s</text>`,
			f1(cx), f1(top-10), esc(b), esc(clip(b, int(cellW/7))))
	}
	for k, i := range rows {
		u := &sc.Units[i]
		y := top + rowH*float64(k)
		weight := ""
		if u.Depth == 0 {
			weight = ` font-weight="600"`
		}
		label := strings.Repeat("  ", min(u.Depth, 4)) + clip(displayName(u), 32-2*min(u.Depth, 4))
		s.raw(`<text x="12" y="%s" fill="#111111" font-size="%d" xml:space="preserve"%s><title>%s</title>%s</text>`,
			f1(y+rowH/2+4), fontSize, weight, esc(displayName(u)), esc(label))
		nText := "hidden"
		if !u.Hidden {
			nText = count(u.Respondents)
		}
		s.text(12+labelW+nW-8, y+rowH/2+4, nText, fmt.Sprintf(`text-anchor="end" fill="#333333" font-size="%d"`, fontSize))
		for j, c := range hm.Cells[i] {
			x := x0 + cellW*float64(j)
			var fill, ink, txt, tip string
			switch {
			case c.Hidden:
				fill, ink, txt = "url(#"+hatch+")", "#333333", "hidden"
				tip = fmt.Sprintf("%s · %s: hidden, %s", displayName(u), sc.bname(hm.Behaviors[j]), c.Reason)
			case !c.Value.Defined():
				fill, ink, txt = "#ffffff", "#555555", "no answers"
				tip = fmt.Sprintf("%s · %s: no answers", displayName(u), sc.bname(hm.Behaviors[j]))
			default:
				col := sequential(float64(c.Value))
				fill, ink = hex(col), inkOn(col)
				txt = pct(c.Value)
				if rowH < 20 {
					txt = strconv.Itoa(int(math.Round(100*float64(c.Value)))) + "%"
				}
				if a := arrow(c.Change); a != "" {
					txt += " " + a
				}
				tip = fmt.Sprintf("%s · %s: %s (%s), n=%s", displayName(u), sc.bname(hm.Behaviors[j]), pct(c.Value), pctRange(c.Lower, c.Upper), count(c.N))
				if c.Change != "" {
					tip += ", significant change " + c.Change
				}
			}
			s.raw(`<g><title>%s</title><rect x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="#ffffff" stroke-width="1"/>`,
				esc(tip), f1(x), f1(y), f1(cellW), f1(rowH), fill)
			s.raw(`<text x="%s" y="%s" text-anchor="middle" fill="%s" font-size="%d">%s</text></g>`,
				f1(x+cellW/2), f1(y+rowH/2+4), ink, fontSize, esc(txt))
		}
	}
	// Legend: the color scale, the hidden swatch, the change marks.
	ly := top + rowH*float64(len(rows)) + 22
	s.text(12, ly+12, "Favorable share", `fill="#333333" font-size="11"`)
	barX, barW := 110.0, 240.0
	s.raw(`<defs><linearGradient id="%s-scale">`, id)
	for k := range viridis {
		s.raw(`<stop offset="%s" stop-color="%s"/>`, f1(float64(k)/float64(len(viridis)-1)), hex(viridis[k]))
	}
	s.raw(`</linearGradient></defs>`)
	s.raw(`<rect x="%s" y="%s" width="%s" height="14" fill="url(#%s-scale)" stroke="#555555" stroke-width="0.5"/>`, f1(barX), f1(ly), f1(barW), id)
	for _, t := range percentTicks {
		x := barX + t*barW
		s.line(x, ly+14, x, ly+18, `stroke="#555555"`)
		s.text(x, ly+30, percentLabel(t), `text-anchor="middle" fill="#333333" font-size="10"`)
	}
	hx := barX + barW + 30
	s.raw(`<rect x="%s" y="%s" width="22" height="14" fill="url(#%s)" stroke="#555555" stroke-width="0.5"/>`, f1(hx), f1(ly), hatch)
	s.text(hx+28, ly+12, "hidden (privacy)", `fill="#333333" font-size="11"`)
	// Below the scale, from the left edge: from the hidden swatch it ran
	// past the edge of a heatmap of one or two behaviors.
	s.text(12, ly+48, "▲ / ▼ significant rise / fall since "+sc.orNone(), `fill="#333333" font-size="11"`)
	return s.close()
}

func (sc *Scorecard) orNone() string {
	if sc.Baseline == "" {
		return "the baseline (none)"
	}
	return sc.wname(sc.Baseline)
}
