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
	"sustained_shift": "embedded",
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
		p("Each series is judged against its baseline period: its average and the range ordinary variation stays within. A result outside the range, or a run of results on one side, is a signal.\n\n")
		p("| unit | measure | judgement | latest | baseline average | signals |\n|---|---|---|--:|--:|---|\n")
		for _, tr := range d.Trends {
			latest := "–"
			if lp, ok := lastShown(tr); ok {
				latest = formatMeasure(tr.Kind, lp.Value) + " (" + mdEscape(lp.pointName()) + ")"
			}
			p("| %s | %s | %s | %s | %s | %s |\n", mdEscape(displayTrendUnit(tr)), mdEscape(trendLabel(tr)), verdictName(tr.Verdict), latest,
				formatMeasure(tr.Kind, tr.Center), mdEscape(signalSummary(tr)))
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
			p("| survey | value | interval | answers | ordinary range | signal |\n|---|--:|--:|--:|--:|---|\n")
			at := signalsAt(tr)
			for k, pt := range tr.Points {
				if pt.Hidden {
					p("| %s | hidden: %s | | | | |\n", mdEscape(pt.pointName()), mdEscape(pt.Reason))
					continue
				}
				if pt.Missing {
					p("| %s | no answers | | | | |\n", mdEscape(pt.pointName()))
					continue
				}
				label := mdEscape(pt.pointName())
				if pt.Baseline {
					label += " (baseline)"
				}
				p("| %s | %s | %s | %s | %s | %s |\n", label, formatMeasure(tr.Kind, pt.Value),
					measureRange(tr.Kind, pt.Lower, pt.Upper), count(pt.N), measureRange(tr.Kind, pt.LCL, pt.UCL), signalWords(at[k]))
			}
			p("\n")
		}
	}
	for _, im := range d.Impacts {
		p("## Impact: %s\n\n", mdEscape(im.Name))
		p("%s\n\n", mdEscape(d.impactNote(im)))
		p("| measure | when | its units before → after | other units before → after | change beyond the other units | %s interval | adjusted p | |\n|---|---|--:|--:|--:|--:|--:|---|\n", levelPct(im.Level))
		for _, e := range im.Effects {
			if !e.Estimable {
				p("| %s | %s | not estimable: %s | | | | | |\n", mdEscape(effectLabel(e)), windowText(e.Window), mdEscape(e.Reason))
				continue
			}
			p("| %s | %s | %s → %s | %s → %s | %s | %s | %s | %s |\n", mdEscape(effectLabel(e)), windowText(e.Window),
				formatMeasure(e.Kind, e.TreatedBefore), formatMeasure(e.Kind, e.TreatedAfter),
				formatMeasure(e.Kind, e.ComparisonBefore), formatMeasure(e.Kind, e.ComparisonAfter),
				formatEffect(e.Kind, e.Estimate), effectRange(e.Kind, e.Lower, e.Upper), pvalue(e.Adjusted), effectVerdict(e))
		}
		p("\n")
		if len(im.UnitEffects) > 0 {
			p("Effects per unit (placebo: a comparison unit estimated as if it had run the initiative):\n\n")
			p("| unit | role | measure | when | before → after | change beyond the other units | interval | adjusted p | |\n|---|---|---|---|--:|--:|--:|--:|---|\n")
			for _, u := range im.UnitEffects {
				role := "ran it"
				if u.Placebo {
					role = "placebo"
				}
				kind := kindOf(im, u.Measure)
				if !u.Estimable {
					p("| %s | %s | %s | %s | not estimable | | | | |\n", mdEscape(d.name(u.Unit)), role, mdEscape(labelOf(im, u.Measure)), windowText(u.Window))
					continue
				}
				p("| %s | %s | %s | %s | %s → %s | %s | %s | %s | %s |\n", mdEscape(d.name(u.Unit)), role, mdEscape(labelOf(im, u.Measure)), windowText(u.Window),
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

// impactNote says in plain words what an impact compares.
func (d *Document) impactNote(im Impact) string {
	status := strings.ReplaceAll(im.Status, "_", " ")
	return fmt.Sprintf("%s, %s to %s, %s; %d units ran it, compared with %d units that did not. Surveys before it: %s; during it: %s; after its end: %s. Each effect is the change in its units beyond the change in the other units (a difference in differences), with %s intervals; p-values are adjusted for the number of effects tested (Benjamini-Hochberg, false discovery rate %s).",
		kindLabel(im.Kind), dayText(im.Start), dayText(im.End), status, len(im.Units), len(im.Comparison),
		d.waves(im.Pre), d.waves(im.During), d.waves(im.After), levelPct(im.Level), levelPct(im.FDR))
}

// labelOf names a measure of an impact for people: the label of its
// effects.
func labelOf(im Impact, measure string) string {
	for _, e := range im.Effects {
		if e.Measure == measure {
			return effectLabel(e)
		}
	}
	return measureLabel(measure)
}

// signalSummary says in a few words which signals a trend had: how
// many, and the latest.
func signalSummary(tr Trend) string {
	if len(tr.Signals) == 0 {
		return "none"
	}
	last := tr.Signals[len(tr.Signals)-1]
	name := last.Point
	if last.Index >= 0 && last.Index < len(tr.Points) {
		name = tr.Points[last.Index].pointName()
	}
	return fmt.Sprintf("%d, the latest in %s: %s", len(tr.Signals), name, last.Text)
}

// signalWords names the signals at one point, for tables.
func signalWords(ss []Signal) string {
	var out []string
	for _, s := range ss {
		out = append(out, shortRule(s.Rule))
	}
	return strings.Join(out, "; ")
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
		axisTitle:  "Change beyond the other units, " + unit + " (" + levelPct(im.Level) + " interval)",
		legendMain: "effect, " + levelPct(im.Level) + " interval",
	}
	var desc []string
	for _, e := range effects {
		r := dotRow{label: effectLabel(e) + ", " + windowText(e.Window), base: NaN()}
		if !e.Estimable {
			r.hidden = "not estimable: " + e.Reason
			desc = append(desc, r.label+" not estimable")
		} else {
			r.value, r.lo, r.hi = Number(float64(e.Estimate)*scale), Number(float64(e.Lower)*scale), Number(float64(e.Upper)*scale)
			r.note = formatEffect(kind, e.Estimate) + "  " + pText(e.Adjusted)
			if e.Significant {
				r.mark = "▼"
				if float64(e.Estimate) > 0 {
					r.mark = "▲"
				}
			}
			r.tip = fmt.Sprintf("%s: %s (%s), adjusted %s, %s", r.label, formatEffect(kind, e.Estimate), effectRange(kind, e.Lower, e.Upper), pvalue(e.Adjusted), effectVerdict(e))
			desc = append(desc, r.tip)
		}
		c.rows = append(c.rows, r)
	}
	c.desc = fmt.Sprintf("Dot and interval chart of %d effects of %s: the change in its units beyond the change in %d units that did not run it: %s. The numbers are in the table beside the chart.",
		len(effects), im.Name, len(im.Comparison), strings.Join(desc, "; "))
	var b strings.Builder
	b.WriteString(`<table><thead><tr><th>measure</th><th>when</th><th>its units before → after</th><th>other units before → after</th><th>change beyond the other units</th><th>interval</th><th>adjusted p</th><th></th></tr></thead><tbody>`)
	for _, e := range effects {
		if !e.Estimable {
			fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td class="hidden" colspan="6">not estimable: %s</td></tr>`, esc(effectLabel(e)), esc(windowText(e.Window)), esc(e.Reason))
			continue
		}
		fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td class="n">%s → %s</td><td class="n">%s → %s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td>%s</td></tr>`,
			esc(effectLabel(e)), esc(windowText(e.Window)), formatMeasure(kind, e.TreatedBefore), formatMeasure(kind, e.TreatedAfter),
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
	h.p(`<section id="trends"><h2>Trends</h2><p class="note">Each series is judged against its baseline period (shaded): its average and the range ordinary variation stays within; diamonds mark signals (a result outside the range, or a run on one side). %d series; the charts show the organization's and those that moved, every series is in the table below.</p>`, len(d.Trends))
	for _, i := range d.featured() {
		tr := d.Trends[i]
		h.figure(trendChart(h.nextID(), tr), trendTable(tr), len(tr.Points))
	}
	var b strings.Builder
	b.WriteString(`<table><thead><tr><th>unit</th><th>measure</th><th>judgement</th><th>latest</th><th>baseline average</th><th>signals</th></tr></thead><tbody>`)
	for _, tr := range d.Trends {
		latest := "–"
		if lp, ok := lastShown(tr); ok {
			latest = formatMeasure(tr.Kind, lp.Value) + " (" + lp.pointName() + ")"
		}
		fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%s</td><td class="n">%s</td><td class="n">%s</td><td>%s</td></tr>`,
			esc(displayTrendUnit(tr)), esc(trendLabel(tr)), esc(verdictName(tr.Verdict)), esc(latest), formatMeasure(tr.Kind, tr.Center), esc(signalSummary(tr)))
	}
	b.WriteString("</tbody></table>")
	if len(d.Trends) > openTable {
		h.p(`<details><summary>Judgements of all %d series</summary>%s</details>`, len(d.Trends), b.String())
	} else {
		h.p(`<h3>Judgements</h3>%s`, b.String())
	}
	h.p("</section>\n")
}

func (h *htmlPage) impacts(d *Document) {
	for _, im := range d.Impacts {
		h.p(`<section class="impact"><h2>Impact: %s</h2>`, esc(im.Name))
		h.p(`<p class="note">%s</p>`, esc(d.impactNote(im)))
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
	b.WriteString(`<table><thead><tr><th>unit</th><th>role</th><th>measure</th><th>when</th><th>before → after</th><th>change beyond the other units</th><th>interval</th><th>adjusted p</th><th></th></tr></thead><tbody>`)
	for _, u := range im.UnitEffects {
		role := "ran it"
		if u.Placebo {
			role = "placebo"
		}
		kind := kindOf(im, u.Measure)
		if !u.Estimable {
			fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td class="hidden" colspan="5">not estimable</td></tr>`,
				esc(d.name(u.Unit)), role, esc(labelOf(im, u.Measure)), esc(windowText(u.Window)))
			continue
		}
		fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td class="n">%s → %s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td>%s</td></tr>`,
			esc(d.name(u.Unit)), role, esc(labelOf(im, u.Measure)), esc(windowText(u.Window)), formatMeasure(kind, u.Before), formatMeasure(kind, u.After),
			formatEffect(kind, u.Estimate), effectRange(kind, u.Lower, u.Upper), esc(pvalue(u.Adjusted)),
			effectVerdict(Effect{Significant: u.Significant, Improved: u.Improved}))
	}
	b.WriteString("</tbody></table>")
	return b.String()
}
