package report

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// maxRows is the most rows of one heatmap or table page.
const maxRows = 60

// openTable is the largest table shown open beside its chart; larger ones
// are folded into a <details> element.
const openTable = 25

const css = `
:root{color-scheme:light}
*{box-sizing:border-box}
body{margin:0;background:#fafafa;color:#111;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif}
header{background:#fff;border-bottom:1px solid #ddd;padding:18px 28px}
header h1{margin:0 0 4px;font-size:24px}
.meta{margin:0;color:#444;font-size:13px;max-width:1100px}
main{padding:12px 24px 40px}
section{margin:22px 0}
h2{font-size:19px;margin:0 0 10px}
h3{font-size:16px;margin:14px 0 8px}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px 14px;min-width:170px}
.card .k{font-size:12px;color:#555;text-transform:uppercase;letter-spacing:.03em}
.card .v{font-size:26px;font-weight:600}
.card .s{font-size:12px;color:#444}
.up{color:#0072B2}.down{color:#D55E00}
.figure{display:flex;flex-wrap:wrap;gap:20px;align-items:flex-start;margin:0 0 14px}
.plot{background:#fff;border:1px solid #ddd;border-radius:6px;padding:4px;overflow-x:auto;max-width:100%}
.plot svg{display:block;max-width:none}
.data{overflow:auto;max-height:560px;max-width:100%}
.data table{font-size:12px}
.data th,.data td{padding:3px 5px}
table{border-collapse:collapse;background:#fff;font-size:13px}
th,td{border:1px solid #ddd;padding:3px 7px;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
th{background:#f0f0f0;position:sticky;top:0}
td.hidden{color:#555;font-style:italic;background:#f2f2f2}
details{margin:6px 0}
summary{cursor:pointer;font-weight:600}
.note{color:#444;font-size:13px;max-width:1000px}
.feed{list-style:none;padding:0;margin:0;max-width:1100px}
.feed>li{background:#fff;border:1px solid #ddd;border-left:4px solid #009E73;border-radius:4px;padding:8px 12px;margin:0 0 8px}
#pitfalls .feed>li{border-left-color:#E69F00}
.tag{display:inline-block;font-size:11px;text-transform:uppercase;letter-spacing:.03em;background:#eef6f3;color:#00573f;border-radius:3px;padding:0 6px;margin-left:4px}
.tag.warn{background:#fff4dc;color:#6b4a00;margin-left:0}
`

// htmlPage accumulates the page and numbers its charts.
type htmlPage struct {
	b      *bufio.Writer
	charts int
	d      *Document
}

func (h *htmlPage) p(format string, a ...any) { fmt.Fprintf(h.b, format, a...) }

func (h *htmlPage) nextID() string {
	h.charts++
	return fmt.Sprintf("chart%d", h.charts)
}

// figure writes a chart with its numbers in a table beside it; a long
// table is folded.
func (h *htmlPage) figure(svg, table string, rows int) {
	h.p(`<div class="figure"><div class="plot">%s</div><div class="data">`, svg)
	if rows > openTable {
		h.p(`<details><summary>Numbers (%d rows)</summary>%s</details>`, rows, table)
	} else {
		h.p(`%s`, table)
	}
	h.p("</div></div>\n")
}

// WriteHTML writes d as one self-contained HTML5 file: inline CSS and
// inline SVG charts, no scripts, no external resources (a Content Security
// Policy forbids loading any). Each chart has an SVG title and description
// and its numbers in a table beside it; hidden units are drawn grey and
// hatched with their reason, never with figures. Heatmaps of more than 60
// units are split: groups first, then the units under each group, folded,
// 60 rows a page.
func (d *Document) WriteHTML(w io.Writer) error {
	h := &htmlPage{b: bufio.NewWriter(w), d: d}
	h.p("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	h.p("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
	h.p("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	h.p("<meta name=\"generator\" content=\"cxculture report, schema %s version %d\">\n", Schema, Version)
	h.p("<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n", esc(d.Title), css)
	h.p("<header><h1>%s</h1>", esc(d.Title))
	if sc := d.Scorecard; sc != nil {
		h.p(`<p class="meta">%s`, esc(d.methodText(sc)))
		if d.Generated != "" {
			h.p(" Generated %s.", esc(d.Generated))
		}
		h.p("</p>")
	} else if d.Generated != "" {
		h.p(`<p class="meta">Generated %s.</p>`, esc(d.Generated))
	}
	h.p("</header>\n<main>\n")
	if sc := d.Scorecard; sc != nil {
		h.glance(sc)
	}
	h.wins(d)
	h.pitfalls(d)
	if sc := d.Scorecard; sc != nil {
		h.scorecardBody(sc, d.Heatmap)
	}
	h.change(d)
	h.trends(d)
	h.impacts(d)
	h.loop(d)
	if sc := d.Scorecard; sc != nil {
		h.scorecardTail(sc)
	}
	h.p("</main>\n</body>\n</html>\n")
	return h.b.Flush()
}

// glance writes the headline cards of a scorecard.
func (h *htmlPage) glance(sc *Scorecard) {
	g := summarize(sc)
	h.p(`<section id="glance"><h2>At a glance</h2><div class="cards">`)
	card := func(k, v, sub, class string) {
		h.p(`<div class="card"><div class="k">%s</div><div class="v %s">%s</div><div class="s">%s</div></div>`, esc(k), class, esc(v), esc(sub))
	}
	if r := g.root; r != nil {
		if r.Hidden {
			card(displayName(r), "hidden", r.Reason, "")
		} else {
			card("Respondents", count(r.Respondents), displayName(r)+", "+h.d.wave(sc.Wave), "")
			if rr := r.ResponseRate; rr != nil {
				card("Response rate", pct(rr.Value), levelPct(sc.Level)+" interval "+pctRange(rr.Lower, rr.Upper)+", "+count(rr.N)+" invited", "")
			}
			if e := r.ENPS; e != nil {
				card("eNPS", signed(e.Score), levelPct(sc.Level)+" interval "+signedRange(e.Lower, e.Upper)+", n="+count(e.N), "")
			}
			if g.best >= 0 {
				b, wo := r.Behaviors[g.best], r.Behaviors[g.worst]
				card("Most favorable", pct(b.Favorable.Value), sc.bname(b.Behavior)+", "+pctRange(b.Favorable.Lower, b.Favorable.Upper), "")
				card("Least favorable", pct(wo.Favorable.Value), sc.bname(wo.Behavior)+", "+pctRange(wo.Favorable.Lower, wo.Favorable.Upper), "")
			}
		}
	}
	if sc.Baseline != "" {
		h.p(`<div class="card"><div class="k">Significant changes</div><div class="v"><span class="up">▲ %d</span> <span class="down">▼ %d</span></div><div class="s">since %s, of %s tests</div></div>`,
			g.up, g.down, esc(h.d.wave(sc.Baseline)), count(sc.Tests))
	}
	card("Hidden units", fmt.Sprintf("%d of %d", g.hidden, g.units), strings.Join(g.reasons, "; "), "")
	h.p("</div></section>\n")
}

// scorecardBody writes the charts and tables of a scorecard.
func (h *htmlPage) scorecardBody(sc *Scorecard, hm *Heatmap) {
	g := summarize(sc)

	if r := g.root; r != nil && !r.Hidden && len(r.Behaviors) > 0 {
		h.p(`<section id="behaviors"><h2>Favorable share by behavior: %s</h2>`, esc(displayName(r)))
		h.figure(behaviorChart(h.nextID(), sc, r), behaviorTable(sc, r), len(r.Behaviors))
		h.p("</section>\n")
	}

	if ch := significantChanges(sc); len(ch) > 0 {
		h.p(`<section id="changes"><h2>Significant changes since %s</h2>`, esc(h.d.wave(sc.Baseline)))
		h.p(`<p class="note">%d changes, largest first.</p>`, len(ch))
		h.changesTable(ch)
		h.p("</section>\n")
	}

	if hm != nil && len(hm.Units) > 0 && len(hm.Behaviors) > 0 {
		h.p(`<section id="heatmap"><h2>Heatmap: favorable share by unit and behavior</h2>`)
		for _, pg := range heatPages(sc, h.d.wave(sc.Wave)) {
			if pg.folded {
				h.p(`<details><summary>%s</summary>`, esc(pg.title))
			} else if pg.heading {
				h.p(`<h3>%s</h3>`, esc(pg.title))
			}
			h.figure(heatmapChart(h.nextID(), pg.title, sc, hm, pg.rows), heatTable(sc, pg.rows), len(pg.rows))
			if pg.folded {
				h.p(`</details>`)
			}
		}
		h.p("</section>\n")
	}

}

// scorecardTail writes eNPS by unit and reliability.
func (h *htmlPage) scorecardTail(sc *Scorecard) {
	if units := enpsUnits(sc); len(units) > 0 {
		h.p(`<section id="enps"><h2>eNPS</h2>`)
		title := "eNPS by unit"
		if len(units) < len(sc.Units) {
			title = fmt.Sprintf("eNPS of the organization and its groups (%d of %d units; every unit is in the heatmap's tables)", len(units), len(sc.Units))
		}
		h.figure(enpsChart(h.nextID(), sc, units, title), enpsTable(sc, units), len(units))
		h.p("</section>\n")
	}

	if len(sc.Reliability) > 0 {
		h.p(`<section id="reliability"><h2>Reliability of each behavior's items</h2><p class="note">Cronbach's alpha over the organization in %s.</p>`, esc(h.d.wave(sc.Wave)))
		h.p(`<table><thead><tr><th>behavior</th><th>items</th><th>alpha</th><th>%s interval</th><th>respondents</th></tr></thead><tbody>`, esc(levelPct(sc.Level)))
		for _, r := range sc.Reliability {
			h.p(`<tr><td>%s</td><td class="n">%d</td><td class="n">%s</td><td class="n">%s–%s</td><td class="n">%s</td></tr>`,
				esc(sc.bname(r.Behavior)), len(r.Items), fixed(r.Alpha, 3), fixed(r.Lower, 3), fixed(r.Upper, 3), count(r.N))
		}
		h.p("</tbody></table></section>\n")
	}
}

func behaviorTable(sc *Scorecard, u *Unit) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<table><thead><tr><th>behavior</th><th>favorable</th><th>%s interval</th><th>answers</th>`, esc(levelPct(sc.Level)))
	if sc.Baseline != "" {
		b.WriteString(`<th>baseline</th><th>change</th><th>adjusted p</th>`)
	}
	b.WriteString("</tr></thead><tbody>")
	for _, bs := range u.Behaviors {
		f := bs.Favorable
		fmt.Fprintf(&b, `<tr><td>%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td>`,
			esc(sc.bname(bs.Behavior)), pct(f.Value), pctRange(f.Lower, f.Upper), count(f.N))
		if sc.Baseline != "" {
			if c := bs.Change; c != nil {
				mark := ""
				if c.Significant {
					mark = " " + arrow(direction(c.Diff))
				}
				fmt.Fprintf(&b, `<td class="n">%s</td><td class="n">%s%s</td><td class="n">%s</td>`, esc(baselineText(c)), points(c.Diff), mark, esc(pvalue(c.Adjusted)))
			} else {
				b.WriteString(`<td class="n">–</td><td class="n">–</td><td class="n">–</td>`)
			}
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</tbody></table>")
	return b.String()
}

func (h *htmlPage) changesTable(ch []changeItem) {
	write := func(part []changeItem) {
		h.p(`<table><thead><tr><th>unit</th><th>behavior</th><th>baseline</th><th>now</th><th>change</th><th>adjusted p</th></tr></thead><tbody>`)
		for _, c := range part {
			cls := "down"
			if c.change.Diff > 0 {
				cls = "up"
			}
			h.p(`<tr><td>%s</td><td>%s</td><td class="n">%s</td><td class="n">%s</td><td class="n %s">%s %s</td><td class="n">%s</td></tr>`,
				esc(displayName(c.unit)), esc(h.d.Scorecard.bname(c.behavior)), pct(c.change.Baseline.Value), pct(c.now.Value), cls, arrow(cls), points(c.change.Diff), esc(pvalue(c.change.Adjusted)))
		}
		h.p("</tbody></table>")
	}
	const shown = 10
	if len(ch) <= shown {
		write(ch)
		return
	}
	write(ch[:shown])
	h.p(`<details><summary>%d more</summary>`, len(ch)-shown)
	write(ch[shown:])
	h.p(`</details>`)
}

// heatPage is one page of the heatmap.
type heatPage struct {
	title   string
	rows    []int
	heading bool // has a heading of its own
	folded  bool // inside a <details> element
}

// heatPages splits the units of sc into heatmap pages: all of them when
// they fit one page; else the units with children, then the units
// without, grouped under their parent and folded, each at most maxRows.
func heatPages(sc *Scorecard, wave string) []heatPage {
	all := make([]int, len(sc.Units))
	for i := range all {
		all[i] = i
	}
	if len(all) <= maxRows {
		return []heatPage{{title: "Favorable share by unit and behavior, " + wave, rows: all}}
	}
	var groups []int
	leaves := map[string][]int{}
	var parents []string
	for i, u := range sc.Units {
		if !u.Leaf {
			groups = append(groups, i)
			continue
		}
		if _, ok := leaves[u.Parent]; !ok {
			parents = append(parents, u.Parent)
		}
		leaves[u.Parent] = append(leaves[u.Parent], i)
	}
	name := map[string]string{}
	for i := range sc.Units {
		name[sc.Units[i].Unit] = displayName(&sc.Units[i])
	}
	var pages []heatPage
	for k, part := range chunks(groups) {
		t := "Favorable share: the organization and its groups, " + wave
		if len(groups) > maxRows {
			t += fmt.Sprintf(" (page %d of %d)", k+1, (len(groups)+maxRows-1)/maxRows)
		}
		pages = append(pages, heatPage{title: t, rows: part, heading: true})
	}
	for _, p := range parents {
		rows := leaves[p]
		hidden := 0
		for _, i := range rows {
			if sc.Units[i].Hidden {
				hidden++
			}
		}
		parts := chunks(rows)
		for k, part := range parts {
			t := fmt.Sprintf("Units of %s: %d units, %d hidden", name[p], len(rows), hidden)
			if len(parts) > 1 {
				t += fmt.Sprintf(" (page %d of %d)", k+1, len(parts))
			}
			pages = append(pages, heatPage{title: t, rows: part, folded: true})
		}
	}
	return pages
}

func chunks(rows []int) [][]int {
	var out [][]int
	for len(rows) > maxRows {
		out = append(out, rows[:maxRows])
		rows = rows[maxRows:]
	}
	if len(rows) > 0 {
		out = append(out, rows)
	}
	return out
}

func heatTable(sc *Scorecard, rows []int) string {
	var b strings.Builder
	b.WriteString(`<table><thead><tr><th>unit</th><th>respondents</th>`)
	for _, bh := range sc.Behaviors {
		fmt.Fprintf(&b, `<th>%s</th>`, esc(sc.bname(bh)))
	}
	b.WriteString(`<th>eNPS</th></tr></thead><tbody>`)
	for _, i := range rows {
		u := &sc.Units[i]
		fmt.Fprintf(&b, `<tr><td>%s%s</td>`, strings.Repeat("&nbsp;&nbsp;", min(u.Depth, 4)), esc(displayName(u)))
		if u.Hidden {
			fmt.Fprintf(&b, `<td class="hidden" colspan="%d">hidden: %s</td></tr>`, len(sc.Behaviors)+2, esc(u.Reason))
			continue
		}
		fmt.Fprintf(&b, `<td class="n">%s</td>`, count(u.Respondents))
		for _, bs := range u.Behaviors {
			f := bs.Favorable
			cell := pct(f.Value)
			if f.Value.Defined() {
				cell += " (" + pctRange(f.Lower, f.Upper) + ")"
			}
			if c := bs.Change; c != nil && c.Significant {
				cell += " " + arrow(direction(c.Diff))
			}
			fmt.Fprintf(&b, `<td class="n">%s</td>`, cell)
		}
		if e := u.ENPS; e != nil {
			fmt.Fprintf(&b, `<td class="n">%s (%s)</td>`, signed(e.Score), signedRange(e.Lower, e.Upper))
		} else {
			b.WriteString(`<td class="n">–</td>`)
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</tbody></table>")
	return b.String()
}

// enpsUnits are the units of the eNPS chart: all of them when they fit a
// page, else the units with children (at most maxRows); none when no unit
// has eNPS.
func enpsUnits(sc *Scorecard) []*Unit {
	any := false
	for _, u := range sc.Units {
		if u.ENPS != nil {
			any = true
			break
		}
	}
	if !any {
		return nil
	}
	var out []*Unit
	for i := range sc.Units {
		u := &sc.Units[i]
		if len(sc.Units) > maxRows && u.Leaf {
			continue
		}
		if len(out) == maxRows {
			break
		}
		out = append(out, u)
	}
	return out
}

func enpsTable(sc *Scorecard, units []*Unit) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<table><thead><tr><th>unit</th><th>eNPS</th><th>%s interval</th><th>promoters</th><th>passives</th><th>detractors</th><th>n</th></tr></thead><tbody>`, esc(levelPct(sc.Level)))
	for _, u := range units {
		fmt.Fprintf(&b, `<tr><td>%s%s</td>`, strings.Repeat("&nbsp;&nbsp;", min(u.Depth, 4)), esc(displayName(u)))
		switch {
		case u.Hidden:
			fmt.Fprintf(&b, `<td class="hidden" colspan="6">hidden: %s</td></tr>`, esc(u.Reason))
		case u.ENPS == nil:
			b.WriteString(`<td class="hidden" colspan="6">no eNPS answers</td></tr>`)
		default:
			e := u.ENPS
			fmt.Fprintf(&b, `<td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td></tr>`,
				signed(e.Score), signedRange(e.Lower, e.Upper), count(e.Promoters), count(e.Passives), count(e.Detractors), count(e.N))
		}
	}
	b.WriteString("</tbody></table>")
	return b.String()
}
