package report

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// maxVerbatims is how many distinct verbatims a comment group lists in
// Markdown and HTML, most frequent first (the JSON and CSV keep every
// one); the rest are counted.
const maxVerbatims = 20

// verbatim is a distinct comment and how many people wrote it.
type verbatim struct {
	text string
	n    int
}

// times says how many wrote a comment, when more than one did.
func (v verbatim) times() string {
	if v.n < 2 {
		return ""
	}
	return fmt.Sprintf(" (%d people)", v.n)
}

// distinctVerbatims returns the distinct comments of a group, the most
// frequent first, then in alphabetical order: a representative order
// that shows what many wrote before what one wrote, each text once.
func distinctVerbatims(vs []string) []verbatim {
	n := map[string]int{}
	var out []verbatim
	for _, v := range vs {
		if n[v] == 0 {
			out = append(out, verbatim{text: v})
		}
		n[v]++
	}
	for i := range out {
		out[i].n = n[out[i].text]
	}
	slices.SortStableFunc(out, func(a, b verbatim) int {
		if a.n != b.n {
			return b.n - a.n
		}
		return strings.Compare(a.text, b.text)
	})
	return out
}

// topThemes returns the themes with comments, most frequent first, at
// most n, as "Name (count)".
func topThemes(g CommentGroup, n int) []string {
	idx := make([]int, 0, len(g.Themes))
	for i, t := range g.Themes {
		if t.Comments > 0 {
			idx = append(idx, i)
		}
	}
	// Stable by count, then theme order.
	for i := 1; i < len(idx); i++ {
		for j := i; j > 0 && g.Themes[idx[j]].Comments > g.Themes[idx[j-1]].Comments; j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
	var out []string
	for _, i := range idx[:min(n, len(idx))] {
		out = append(out, fmt.Sprintf("%s (%d)", g.Themes[i].Name, g.Themes[i].Comments))
	}
	return out
}

// ppText writes a difference of shares in percentage points.
func ppText(v Number) string {
	if !v.Defined() {
		return "–"
	}
	return fmt.Sprintf("%+.1f pp", 100*float64(v))
}

func ppRange(lo, hi Number) string {
	if !lo.Defined() || !hi.Defined() {
		return "–"
	}
	return fmt.Sprintf("%+.1f to %+.1f", 100*float64(lo), 100*float64(hi))
}

// indicatorValue writes a value of an indicator: a percentage for
// shares, 3 significant digits otherwise.
func indicatorValue(kind string, v Number) string {
	if !v.Defined() {
		return "–"
	}
	if kind == "share" {
		return pct(v)
	}
	return strconv.FormatFloat(float64(v), 'g', 3, 64)
}

// latest returns the latest shown point of an indicator.
func (in Indicator) latest() (IndicatorPoint, bool) {
	for i := len(in.Points) - 1; i >= 0; i-- {
		if p := in.Points[i]; !p.Hidden && p.Value.Defined() {
			return p, true
		}
	}
	return IndicatorPoint{}, false
}

// recognized returns the recognition rows with a count, the total count
// and the number of rows.
func (d *Document) recognized() (rows []Recognition, total int) {
	for _, r := range d.Recognition {
		if r.Count > 0 {
			rows = append(rows, r)
		}
	}
	if len(d.Recognition) > 0 {
		root := d.Recognition[0].Unit
		for _, r := range d.Recognition {
			if r.Unit == root {
				total += r.Count
			}
		}
	}
	return rows, total
}

// writeLoopMarkdown writes the parts that close the loop.
func (d *Document) writeLoopMarkdown(p func(string, ...any)) {
	if len(d.Sustainment) > 0 {
		p("## Did the gains hold after the initiatives ended?\n\n")
		for _, s := range d.Sustainment {
			p("- **%s**: %s.\n", mdEscape(sustainName(s.Verdict)), mdEscape(s.Summary))
		}
		p("\n")
	}
	if len(d.Links) > 0 {
		p("## Culture and customer results across units\n\n")
		for _, l := range d.Links {
			p("%s.\n\n", mdEscape(l.Summary))
			if !l.Enough {
				continue
			}
			p("With all behaviors together: %s of the differences between units (interval %s–%s), from %d random pairings.", pct(l.R2),
				pct(l.R2Lower), pct(l.R2Upper), l.Permutations)
			if !l.Significant {
				p(" No link is claimed: the shares below are descriptive only.\n\n")
			} else {
				p("\n\n")
			}
			p("| behavior | share of the differences it goes with | interval | relative weight |\n|---|--:|--:|--:|\n")
			for _, dr := range l.Drivers {
				p("| %s | %s | %s–%s | %s |\n", mdEscape(dr.Name), pct(dr.Shapley), pct(dr.Lower), pct(dr.Upper), fixed(dr.Weight, 2))
			}
			p("\n")
		}
	}
	if len(d.Gaps) > 0 {
		p("## Where belief runs ahead of practice\n\n")
		p("The share who believe in a behavior minus the share who see it done, in percentage points, with Newcombe's interval.\n\n")
		p("| unit | behavior | belief | practice | gap | interval |\n|---|---|--:|--:|--:|--:|\n")
		for _, g := range d.Gaps {
			if g.Hidden {
				p("| %s | %s | hidden: %s | | | |\n", mdEscape(g.Name), mdEscape(g.BehaviorName), mdEscape(g.Reason))
				continue
			}
			p("| %s | %s | %s | %s | %s | %s |\n", mdEscape(g.Name), mdEscape(g.BehaviorName), pct(g.Belief.Value), pct(g.Practice.Value),
				ppText(g.Gap), ppRange(g.Lower, g.Upper))
		}
		p("\n")
	}
	if len(d.Indicators) > 0 {
		p("## Behavior indicators\n\n")
		p("| indicator | unit | latest | interval | target | met | trend |\n|---|---|--:|--:|--:|---|---|\n")
		for _, in := range d.Indicators {
			lp, ok := in.latest()
			latest, iv := "–", "–"
			if ok {
				latest = indicatorValue(in.Kind, lp.Value) + " (" + lp.Label + ")"
				iv = indicatorValue(in.Kind, lp.Lower) + "–" + indicatorValue(in.Kind, lp.Upper)
			}
			met := "no"
			if in.Met {
				met = "yes"
			}
			if !in.Target.Defined() {
				met = "no target"
			}
			p("| %s | %s | %s | %s | %s | %s | %s |\n", mdEscape(in.Name), mdEscape(in.UnitName), latest, iv, indicatorValue(in.Kind, in.Target), met,
				mdEscape(verdictName(in.Verdict)))
		}
		p("\n")
	}
	if a := d.A11; a != nil {
		p("## Customer survey (OMB A-11 Section 280), %s\n\n", mdEscape(a.Quarter))
		p("Per service and channel: customers served, offered the survey, responses; per question the share who agree (4-5 of 5) with its %s interval. Rows with fewer than %d responses show only their volumes.\n\n",
			levelPct(a.Level), a.MinGroup)
		p("| service | channel | customers | offered | responses |")
		for _, it := range a.Items {
			p(" %s |", mdEscape(humanizeID(it.Driver)))
		}
		p("\n|---|---|--:|--:|--:|")
		for range a.Items {
			p("--:|")
		}
		p("\n")
		for _, r := range a.Rows {
			p("| %s | %s | %s | %s | %s |", mdEscape(humanizeID(r.Service)), mdEscape(humanizeID(r.Channel)), count(r.Customers), count(r.Offered), count(r.Responses))
			for i := range a.Items {
				if r.Hidden || i >= len(r.Drivers) {
					p(" hidden |")
					continue
				}
				ag := r.Drivers[i].Agree
				p(" %s (%s) |", pct(ag.Value), pctRange(ag.Lower, ag.Upper))
			}
			p("\n")
		}
		p("\n")
	}
	if t := d.Touchpoints; t != nil {
		p("## The same quarter in the Touchpoints convention\n\n")
		p("%s responses of %s offered the survey (%s)", count(t.Responses), count(t.Offered), pct(t.Rate))
		if t.LeftOut > 0 {
			p("; %s responses of groups below the minimum are left out", count(t.LeftOut))
		}
		p(". Average answer per question (as Touchpoints shows it, to 2 decimals) and the full distribution.\n\n")
		p("| question | answers | average | distribution |\n|---|--:|--:|---|\n")
		for _, q := range t.Questions {
			text := q.Text
			if q.Option != "" {
				text += " — " + q.Option
			}
			switch {
			case q.FreeText:
				p("| %s | %s written | | |\n", mdEscape(text), count(q.Answered))
			case q.Hidden:
				p("| %s | hidden | | |\n", mdEscape(text))
			default:
				p("| %s | %s | %s | %s |\n", mdEscape(text), count(q.Answered), q.average(), mdEscape(q.distribution()))
			}
		}
		p("\n")
	}
	if pu := d.Pulse; pu != nil {
		p("## Participation\n\n")
		p("Response rate per unit and survey (respondents of invited) with its interval; rows below %d respondents are hidden.\n\n", pu.MinGroup)
		p("| unit | survey | invited | respondents | response rate | skipped answers |\n|---|---|--:|--:|--:|--:|\n")
		for _, r := range pu.Rows {
			if r.Hidden {
				p("| %s | %s | %s | hidden: %s | | |\n", mdEscape(r.Name), mdEscape(d.wave(r.Wave)), count(r.Invited), mdEscape(r.Reason))
				continue
			}
			p("| %s | %s | %s | %s | %s (%s) | %s |\n", mdEscape(r.Name), mdEscape(d.wave(r.Wave)), count(r.Invited), count(r.Respondents),
				pct(r.ResponseRate.Value), pctRange(r.ResponseRate.Lower, r.ResponseRate.Upper), pct(r.Skipped.Value))
		}
		for _, f := range pu.Fatigue {
			p("\n- Survey fatigue in %s: %s.", mdEscape(f.Name), mdEscape(strings.Join(f.Signals, ", ")))
		}
		p("\n\n")
	}
	if len(d.Comments) > 0 {
		p("## Comments and themes\n\n")
		p("Comments are shown only for groups of at least the comment minimum of respondents; themes are counted by keyword (package cx/themes).\n\n")
		for _, g := range d.Comments {
			who := "employees"
			if g.Customer {
				who = "customers"
			}
			p("### %s, %s: %s (%s)\n\n", mdEscape(g.UnitName), mdEscape(g.WaveName), mdEscape(g.Question), who)
			if g.Hidden {
				p("Hidden: %s.\n\n", mdEscape(g.Reason))
				continue
			}
			p("%s of %s respondents wrote a comment.", count(g.Comments), count(g.Respondents))
			if th := topThemes(g, 5); len(th) > 0 {
				p(" Themes: %s.", mdEscape(strings.Join(th, ", ")))
			}
			p("\n\n")
			vs := distinctVerbatims(g.Verbatims)
			for _, v := range vs[:min(maxVerbatims, len(vs))] {
				p("> %s%s\n\n", mdEscape(v.text), v.times())
			}
			if left := len(vs) - maxVerbatims; left > 0 {
				p("%s more distinct comments are in the JSON and CSV.\n\n", count(left))
			}
		}
	}
	if len(d.Recognition) > 0 {
		rows, total := d.recognized()
		p("## Recognition\n\n")
		p("%s of recognition recorded. Per unit (with the units below it), behavior and period:\n\n", plural(total, "act"))
		p("| unit | behavior | from | to | recognitions | people |\n|---|---|---|---|--:|--:|\n")
		for _, r := range rows {
			p("| %s | %s | %s | %s | %d | %d |\n", mdEscape(r.UnitName), mdEscape(r.Label), r.From, r.To, r.Count, r.People)
		}
		p("\n")
	}
}

// loopHTML writes the parts that close the loop as HTML sections.
func (h *htmlPage) loop(d *Document) {
	if len(d.Sustainment) > 0 {
		h.p(`<section id="sustainment"><h2>Did the gains hold after the initiatives ended?</h2><ul class="feed">`)
		for _, s := range d.Sustainment {
			h.p(`<li><strong>%s</strong>: %s.`, esc(sustainName(s.Verdict)), esc(s.Summary))
			if len(s.Evidence) > 0 {
				h.p(`<details><summary>Evidence</summary><ul>`)
				for _, e := range s.Evidence {
					h.p(`<li>%s</li>`, esc(e))
				}
				h.p(`</ul></details>`)
			}
			h.p(`</li>`)
		}
		h.p("</ul></section>\n")
	}
	if len(d.Links) > 0 {
		h.p(`<section id="links"><h2>Culture and customer results across units</h2>`)
		for _, l := range d.Links {
			h.p(`<p>%s.</p>`, esc(l.Summary))
			if !l.Enough || !l.Significant {
				continue
			}
			h.figure(linkChart(h.nextID(), l), linkTable(l), len(l.Drivers))
		}
		h.p("</section>\n")
	}
	if len(d.Gaps) > 0 {
		h.p(`<section id="gaps"><h2>Where belief runs ahead of practice</h2>`)
		h.figure(gapChart(h.nextID(), d.Gaps), gapTable(d.Gaps), len(d.Gaps))
		h.p("</section>\n")
	}
	if len(d.Indicators) > 0 {
		h.p(`<section id="indicators"><h2>Behavior indicators</h2><table><thead><tr><th>indicator</th><th>unit</th><th>latest</th><th>interval</th><th>target</th><th>met</th><th>trend</th></tr></thead><tbody>`)
		for _, in := range d.Indicators {
			lp, ok := in.latest()
			latest, iv := "–", "–"
			if ok {
				latest = indicatorValue(in.Kind, lp.Value) + " (" + lp.Label + ")"
				iv = indicatorValue(in.Kind, lp.Lower) + "–" + indicatorValue(in.Kind, lp.Upper)
			}
			met := map[bool]string{true: "yes", false: "no"}[in.Met]
			if !in.Target.Defined() {
				met = "no target"
			}
			h.p(`<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>`, esc(in.Name), esc(in.UnitName), esc(latest),
				esc(iv), esc(indicatorValue(in.Kind, in.Target)), met, esc(verdictName(in.Verdict)))
		}
		h.p("</tbody></table></section>\n")
	}
	if a := d.A11; a != nil {
		h.p(`<section id="a11"><h2>Customer survey (OMB A-11 Section 280), %s</h2>`, esc(a.Quarter))
		h.p(`<p>Share who agree (4-5 of 5) with its %s interval, per service and channel; rows with fewer than %d responses show only their volumes.</p>`,
			esc(levelPct(a.Level)), a.MinGroup)
		h.p(`<table><thead><tr><th>service</th><th>channel</th><th>customers</th><th>offered</th><th>responses</th>`)
		for _, it := range a.Items {
			h.p(`<th>%s</th>`, esc(humanizeID(it.Driver)))
		}
		h.p(`</tr></thead><tbody>`)
		for _, r := range a.Rows {
			h.p(`<tr><td>%s</td><td>%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td>`, esc(humanizeID(r.Service)), esc(humanizeID(r.Channel)),
				count(r.Customers), count(r.Offered), count(r.Responses))
			for i := range a.Items {
				if r.Hidden || i >= len(r.Drivers) {
					h.p(`<td class="hidden">hidden</td>`)
					continue
				}
				ag := r.Drivers[i].Agree
				h.p(`<td class="n">%s <small>%s</small></td>`, pct(ag.Value), esc(pctRange(ag.Lower, ag.Upper)))
			}
			h.p(`</tr>`)
		}
		h.p("</tbody></table></section>\n")
	}
	if t := d.Touchpoints; t != nil {
		h.p(`<section id="touchpoints"><h2>The same quarter in the Touchpoints convention</h2>`)
		h.p(`<p>%s responses of %s offered the survey (%s). Average answer per question, as Touchpoints shows it, and the full distribution.</p>`,
			count(t.Responses), count(t.Offered), pct(t.Rate))
		h.figure(touchpointsChart(h.nextID(), t), touchpointsTable(t), len(t.Questions))
		h.p("</section>\n")
	}
	if pu := d.Pulse; pu != nil {
		h.p(`<section id="pulse"><h2>Participation</h2><table><thead><tr><th>unit</th><th>wave</th><th>invited</th><th>respondents</th><th>response rate</th><th>skipped answers</th></tr></thead><tbody>`)
		for _, r := range pu.Rows {
			if r.Hidden {
				h.p(`<tr><td>%s</td><td>%s</td><td class="n">%s</td><td colspan="3" class="hidden">hidden: %s</td></tr>`, esc(r.Name), esc(r.Wave),
					count(r.Invited), esc(r.Reason))
				continue
			}
			h.p(`<tr><td>%s</td><td>%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s <small>%s</small></td><td class="n">%s</td></tr>`,
				esc(r.Name), esc(d.wave(r.Wave)), count(r.Invited), count(r.Respondents), pct(r.ResponseRate.Value),
				esc(pctRange(r.ResponseRate.Lower, r.ResponseRate.Upper)), pct(r.Skipped.Value))
		}
		h.p(`</tbody></table>`)
		for _, f := range pu.Fatigue {
			h.p(`<p>Survey fatigue in %s: %s.</p>`, esc(f.Name), esc(strings.Join(f.Signals, ", ")))
		}
		h.p("</section>\n")
	}
	if len(d.Comments) > 0 {
		h.p(`<section id="comments"><h2>Comments and themes</h2><p>Comments are shown only for groups of at least the comment minimum of respondents; themes are counted by keyword.</p>`)
		for _, g := range d.Comments {
			who := map[bool]string{true: "customers", false: "employees"}[g.Customer]
			h.p(`<h3>%s, %s: %s <small>(%s)</small></h3>`, esc(g.UnitName), esc(g.WaveName), esc(g.Question), who)
			if g.Hidden {
				h.p(`<p class="hidden">Hidden: %s.</p>`, esc(g.Reason))
				continue
			}
			h.p(`<p>%s of %s respondents wrote a comment.`, count(g.Comments), count(g.Respondents))
			if th := topThemes(g, 5); len(th) > 0 {
				h.p(` Themes: %s.`, esc(strings.Join(th, ", ")))
			}
			h.p(`</p>`)
			if len(g.Verbatims) > 0 {
				vs := distinctVerbatims(g.Verbatims)
				h.p(`<details><summary>What they wrote (%d comments, %d distinct, most frequent first)</summary><ul class="verbatims">`, len(g.Verbatims), len(vs))
				for _, v := range vs[:min(maxVerbatims, len(vs))] {
					h.p(`<li>%s%s</li>`, esc(v.text), esc(v.times()))
				}
				h.p(`</ul>`)
				if left := len(vs) - maxVerbatims; left > 0 {
					h.p(`<p>%s more distinct comments are in the JSON and CSV.</p>`, count(left))
				}
				h.p(`</details>`)
			}
		}
		h.p("</section>\n")
	}
	if len(d.Recognition) > 0 {
		rows, total := d.recognized()
		h.p(`<section id="recognition"><h2>Recognition</h2><p>%s of recognition recorded.</p>`, esc(plural(total, "act")))
		h.p(`<table><thead><tr><th>unit</th><th>behavior</th><th>from</th><th>to</th><th>recognitions</th><th>people</th></tr></thead><tbody>`)
		for _, r := range rows {
			h.p(`<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td class="n">%d</td><td class="n">%d</td></tr>`, esc(r.UnitName), esc(r.Label),
				r.From, r.To, r.Count, r.People)
		}
		h.p("</tbody></table></section>\n")
	}
}

func linkChart(id string, l Link) string {
	c := dotChart{id: id, lo: 0, hi: 1, ticks: percentTicks, tickLabel: percentLabel,
		title:      "Share of the differences in " + l.Label + " that goes with each behavior",
		axisTitle:  "Share of the differences between units (interval)",
		legendMain: "share with its interval"}
	var desc []string
	for _, dr := range l.Drivers {
		c.rows = append(c.rows, dotRow{label: dr.Name, value: dr.Shapley, lo: dr.Lower, hi: dr.Upper, base: NaN(), note: pct(dr.Shapley),
			tip: fmt.Sprintf("%s: %s (%s–%s)", dr.Name, pct(dr.Shapley), pct(dr.Lower), pct(dr.Upper))})
		desc = append(desc, fmt.Sprintf("%s %s", dr.Name, pct(dr.Shapley)))
	}
	c.desc = fmt.Sprintf("Dot and interval chart of the share of the differences between units that goes with each behavior (%s with all of them together; a relation this strong arises by chance in %s of random pairings): %s.", pct(l.R2),
		pct(l.P), strings.Join(desc, "; "))
	return c.svg()
}

func linkTable(l Link) string {
	var b strings.Builder
	b.WriteString(`<table><thead><tr><th>behavior</th><th>share of the differences it goes with</th><th>interval</th><th>relative weight</th></tr></thead><tbody>`)
	for _, dr := range l.Drivers {
		fmt.Fprintf(&b, `<tr><td>%s</td><td class="n">%s</td><td class="n">%s–%s</td><td class="n">%s</td></tr>`, esc(dr.Name), pct(dr.Shapley),
			pct(dr.Lower), pct(dr.Upper), fixed(dr.Weight, 2))
	}
	fmt.Fprintf(&b, `</tbody></table><p>All behaviors together: %s of the differences between units; a relation this strong arises by chance in %s of %d random pairings.</p>`, pct(l.R2), pct(l.P), l.Permutations)
	return b.String()
}

func gapChart(id string, gaps []Gap) string {
	c := dotChart{id: id, lo: -0.5, hi: 0.5, ticks: []float64{-0.5, -0.25, 0, 0.25, 0.5}, zero: true,
		tickLabel:  func(v float64) string { return fmt.Sprintf("%+.0f", 100*v) },
		title:      "Belief minus practice, by unit and behavior",
		axisTitle:  "Gap in percentage points (Newcombe interval)",
		legendMain: "gap with its interval"}
	var desc []string
	for _, g := range gaps {
		r := dotRow{label: g.Name + " · " + g.BehaviorName, hidden: g.Reason, base: NaN()}
		if !g.Hidden {
			r.hidden = ""
			r.value, r.lo, r.hi = g.Gap, g.Lower, g.Upper
			r.note = ppText(g.Gap)
			r.tip = fmt.Sprintf("%s, %s: belief %s, practice %s, gap %s (%s)", g.Name, g.BehaviorName, pct(g.Belief.Value), pct(g.Practice.Value),
				ppText(g.Gap), ppRange(g.Lower, g.Upper))
			desc = append(desc, r.tip)
		}
		c.rows = append(c.rows, r)
	}
	c.desc = "Dot and interval chart of the belief-practice gaps: " + strings.Join(desc, "; ") + "."
	return c.svg()
}

func gapTable(gaps []Gap) string {
	var b strings.Builder
	b.WriteString(`<table><thead><tr><th>unit</th><th>behavior</th><th>belief</th><th>practice</th><th>gap</th><th>interval</th></tr></thead><tbody>`)
	for _, g := range gaps {
		if g.Hidden {
			fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td colspan="4" class="hidden">hidden: %s</td></tr>`, esc(g.Name), esc(g.BehaviorName), esc(g.Reason))
			continue
		}
		fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td></tr>`,
			esc(g.Name), esc(g.BehaviorName), pct(g.Belief.Value), pct(g.Practice.Value), ppText(g.Gap), ppRange(g.Lower, g.Upper))
	}
	b.WriteString(`</tbody></table>`)
	return b.String()
}

// average writes a question's average as Touchpoints shows it: to 2
// decimals.
func (q TouchpointsQuestion) average() string {
	return strconv.FormatFloat(math.Round(float64(q.Average)*100)/100, 'f', 2, 64)
}

// distribution writes the answers per point: "Agree 12, ...".
func (q TouchpointsQuestion) distribution() string {
	var dist []string
	for _, c := range q.Distribution {
		label := c.Label
		if label == "" {
			label = strconv.Itoa(c.Value)
		}
		dist = append(dist, fmt.Sprintf("%s %d", label, c.Count))
	}
	return strings.Join(dist, ", ")
}

func touchpointsChart(id string, t *Touchpoints) string {
	c := dotChart{id: id, lo: 1, hi: 5, ticks: []float64{1, 2, 3, 4, 5},
		tickLabel:  func(v float64) string { return strconv.Itoa(int(v)) },
		title:      "Average answer per question, " + t.Quarter,
		axisTitle:  "Average answer (1 strongly disagree to 5 strongly agree)",
		legendMain: "average answer"}
	var desc []string
	for _, q := range t.Questions {
		if q.FreeText || q.Option != "" {
			continue
		}
		label := q.Driver
		if label == "" {
			label = q.Item
		}
		label = humanizeID(label)
		r := dotRow{label: label, base: NaN(), lo: NaN(), hi: NaN()}
		if q.Hidden {
			r.hidden = "too few answers"
		} else {
			r.value = q.Average
			r.note = fmt.Sprintf("%.2f  n=%s", math.Round(float64(q.Average)*100)/100, count(q.Answered))
			r.tip = label + " " + r.note
			desc = append(desc, r.tip)
		}
		c.rows = append(c.rows, r)
	}
	c.desc = "Dot chart of the average answer per question: " + strings.Join(desc, "; ") + "."
	return c.svg()
}

func touchpointsTable(t *Touchpoints) string {
	var b strings.Builder
	b.WriteString(`<table><thead><tr><th>question</th><th>answers</th><th>average</th><th>distribution</th></tr></thead><tbody>`)
	for _, q := range t.Questions {
		text := q.Text
		if q.Option != "" {
			text += " — " + q.Option
		}
		switch {
		case q.FreeText:
			fmt.Fprintf(&b, `<tr><td>%s</td><td class="n">%s written</td><td></td><td></td></tr>`, esc(text), count(q.Answered))
		case q.Hidden:
			fmt.Fprintf(&b, `<tr><td>%s</td><td colspan="3" class="hidden">hidden</td></tr>`, esc(text))
		default:
			fmt.Fprintf(&b, `<tr><td>%s</td><td class="n">%s</td><td class="n">%s</td><td>%s</td></tr>`, esc(text), count(q.Answered),
				q.average(), esc(q.distribution()))
		}
	}
	b.WriteString(`</tbody></table>`)
	return b.String()
}

// loopRows returns the CSV rows of the parts that close the loop.
func (d *Document) loopRows() []row {
	var rows []row
	for _, s := range d.Sustainment {
		r := na()
		r.section, r.initiative, r.measure, r.verdict = "sustainment", s.Name, s.Measure, s.Verdict
		r.n = int64(s.WavesAfter)
		r.text = s.Summary
		rows = append(rows, r)
	}
	for _, l := range d.Links {
		r := na()
		r.section, r.measure, r.behavior = "link", l.Outcome, ""
		r.value, r.lower, r.upper, r.p, r.n = l.R2, l.R2Lower, l.R2Upper, l.P, int64(l.Units)
		r.significant = map[bool]int{true: 1, false: 0}[l.Significant]
		if !l.Enough {
			r.reason = l.Reason
		}
		r.text = l.Summary
		rows = append(rows, r)
		for _, dr := range l.Drivers {
			x := na()
			x.section, x.measure, x.behavior = "link_driver", l.Outcome, dr.Behavior
			x.value, x.lower, x.upper, x.n = dr.Shapley, dr.Lower, dr.Upper, int64(l.Units)
			rows = append(rows, x)
		}
	}
	for _, g := range d.Gaps {
		r := d.place("gap", g.Unit)
		r.wave, r.measure, r.behavior = g.Wave, "gap", g.Behavior
		r.hidden, r.reason = g.Hidden, g.Reason
		r.value, r.lower, r.upper = g.Gap, g.Lower, g.Upper
		rows = append(rows, r)
	}
	for _, in := range d.Indicators {
		for _, pt := range in.Points {
			r := d.place("indicator", in.Unit)
			r.wave, r.measure, r.behavior, r.verdict = pt.Label, "indicator:"+in.Indicator, in.Behavior, in.Verdict
			r.hidden, r.reason = pt.Hidden, pt.Reason
			r.value, r.lower, r.upper = pt.Value, pt.Lower, pt.Upper
			if !pt.Hidden && pt.Value.Defined() {
				r.n = pt.N
			}
			rows = append(rows, r)
		}
	}
	if a := d.A11; a != nil {
		for _, ar := range a.Rows {
			r := na()
			r.section, r.unit, r.wave, r.measure = "a11", ar.Service+"/"+ar.Channel, a.Quarter, "response_rate"
			r.value, r.lower, r.upper, r.successes, r.n = ar.ResponseRate.Value, ar.ResponseRate.Lower, ar.ResponseRate.Upper, ar.Responses, ar.Offered
			r.hidden = ar.Hidden
			rows = append(rows, r)
			for _, dr := range ar.Drivers {
				x := na()
				x.section, x.unit, x.wave, x.measure, x.behavior = "a11", ar.Service+"/"+ar.Channel, a.Quarter, "agree", dr.Driver
				x.value, x.lower, x.upper, x.successes, x.n = dr.Agree.Value, dr.Agree.Lower, dr.Agree.Upper, dr.Agree.Successes, dr.Agree.N
				rows = append(rows, x)
			}
		}
	}
	if t := d.Touchpoints; t != nil {
		for _, q := range t.Questions {
			r := na()
			r.section, r.wave, r.measure, r.behavior = "touchpoints", t.Quarter, "average", q.Driver
			if q.Option != "" {
				r.measure = "chosen:" + q.Option
			}
			if q.FreeText {
				r.measure = "written"
			}
			r.unit = q.Item
			r.hidden = q.Hidden
			r.value = q.Average
			if !q.Hidden {
				r.n = q.Answered
			}
			rows = append(rows, r)
		}
	}
	if pu := d.Pulse; pu != nil {
		for _, pr := range pu.Rows {
			r := d.place("pulse", pr.Unit)
			r.wave, r.measure = pr.Wave, "response_rate"
			r.hidden, r.reason = pr.Hidden, pr.Reason
			r.value, r.lower, r.upper = pr.ResponseRate.Value, pr.ResponseRate.Lower, pr.ResponseRate.Upper
			if !pr.Hidden {
				r.successes = pr.Respondents
			}
			r.n = pr.Invited
			rows = append(rows, r)
		}
	}
	for _, g := range d.Comments {
		base := d.place("comment", g.Unit)
		base.wave, base.measure = g.Wave, "comments:"+g.Item
		base.hidden, base.reason = g.Hidden, g.Reason
		if !g.Hidden {
			base.value, base.n = Number(g.Comments), g.Respondents
		}
		rows = append(rows, base)
		for _, th := range g.Themes {
			x := base
			x.section, x.measure, x.behavior = "comment_theme", "theme:"+th.Theme, ""
			x.value = Number(th.Comments)
			rows = append(rows, x)
		}
		for _, v := range distinctVerbatims(g.Verbatims) {
			x := base
			x.section, x.value, x.n, x.text = "comment_verbatim", NaN(), int64(v.n), v.text
			rows = append(rows, x)
		}
	}
	for _, c := range d.Recognition {
		r := d.place("recognition", c.Unit)
		r.wave, r.measure, r.behavior = c.From, "recognitions", c.Behavior
		r.value, r.n = Number(c.Count), int64(c.People)
		rows = append(rows, r)
	}
	return rows
}
