package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// mdEscape makes text safe inside a Markdown table cell or line.
func mdEscape(s string) string {
	r := strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ", "*", `\*`, "_", `\_`, "`", "'", "<", "&lt;", ">", "&gt;", "[", `\[`, "]", `\]`)
	return r.Replace(s)
}

// WriteMarkdown writes d as a Markdown (CommonMark with GitHub tables)
// document: the headline, the root unit's behaviors with intervals, the
// heatmap as a table with hidden cells marked and their reason, and the
// reliability of each behavior.
func (d *Document) WriteMarkdown(w io.Writer) error {
	bw := bufio.NewWriter(w)
	p := func(format string, a ...any) { fmt.Fprintf(bw, format, a...) }
	p("# %s\n\n", mdEscape(d.Title))
	if d.Generated != "" {
		p("Generated %s.\n\n", d.Generated)
	}
	if sc := d.Scorecard; sc != nil {
		d.writeScorecardMarkdown(p, sc)
	}
	d.writeChangeMarkdown(p)
	d.writeAnalyticsMarkdown(p)
	d.writeLoopMarkdown(p)
	return bw.Flush()
}

func (d *Document) methodText(sc *Scorecard) string {
	var b strings.Builder
	if n := d.SurveyNames[sc.Survey]; n != "" {
		fmt.Fprintf(&b, "%s, %s", n, d.wave(sc.Wave))
	} else {
		fmt.Fprintf(&b, "Scorecard of %s", d.wave(sc.Wave))
	}
	if sc.Baseline != "" {
		fmt.Fprintf(&b, ", compared with the baseline of %s", d.wave(sc.Baseline))
	}
	fmt.Fprintf(&b, ". Intervals are %s: Wilson for shares, Student t for means, Wald for eNPS, Feldt for alpha.", levelPct(sc.Level))
	if sc.Baseline != "" {
		fmt.Fprintf(&b, " A change is significant when its two-proportion z test stays below the false discovery rate %s after Benjamini-Hochberg adjustment over %s tests.",
			levelPct(sc.FDR), count(sc.Tests))
	}
	switch p := sc.Privacy; {
	case p != nil && p.Complementary:
		fmt.Fprintf(&b, " Units with fewer than %d respondents are hidden, with no figures, and so are the units that would let a hidden one be worked out by subtraction; each hidden unit says why.", sc.MinGroup)
	default:
		fmt.Fprintf(&b, " Units with fewer than %d respondents are hidden, with no figures (the bare threshold: without complementary suppression a hidden unit may be worked out by subtracting its shown siblings from its parent).", sc.MinGroup)
	}
	return b.String()
}

// unitLabel names a unit for people: its name, else its ID.
func unitLabel(u *Unit) string {
	if u.Name == "" {
		return mdEscape(u.Unit)
	}
	return mdEscape(u.Name)
}

func (d *Document) writeScorecardMarkdown(p func(string, ...any), sc *Scorecard) {
	g := summarize(sc)
	p("%s\n\n", mdEscape(d.methodText(sc)))
	p("## At a glance\n\n")
	if g.root != nil {
		r := g.root
		if r.Hidden {
			p("- %s: hidden (%s).\n", unitLabel(r), mdEscape(r.Reason))
		} else {
			p("- %s: %s respondents", unitLabel(r), count(r.Respondents))
			if rr := r.ResponseRate; rr != nil {
				p(", response rate %s (%s)", pct(rr.Value), pctRange(rr.Lower, rr.Upper))
			}
			p(".\n")
			if e := r.ENPS; e != nil {
				p("- eNPS %s (%s), n = %s.\n", signed(e.Score), signedRange(e.Lower, e.Upper), count(e.N))
			}
			if g.best >= 0 {
				b, wo := r.Behaviors[g.best], r.Behaviors[g.worst]
				p("- Most favorable: %s %s; least favorable: %s %s.\n", mdEscape(sc.bname(b.Behavior)), pct(b.Favorable.Value),
					mdEscape(sc.bname(wo.Behavior)), pct(wo.Favorable.Value))
			}
		}
	}
	if sc.Baseline != "" {
		p("- Significant changes since %s: %d up ▲, %d down ▼ (of %s tests).\n", mdEscape(d.wave(sc.Baseline)), g.up, g.down, count(sc.Tests))
	}
	p("- Hidden: %d of %d units", g.hidden, g.units)
	if len(g.reasons) > 0 {
		p(" (%s)", mdEscape(strings.Join(g.reasons, "; ")))
	}
	p(".\n\n")

	if r := g.root; r != nil && !r.Hidden && len(r.Behaviors) > 0 {
		p("## Favorable share by behavior: %s\n\n", unitLabel(r))
		p("| behavior | favorable | %s interval | answers |", levelPct(sc.Level))
		if sc.Baseline != "" {
			p(" baseline | change | adjusted p |")
		}
		p("\n|---|--:|--:|--:|")
		if sc.Baseline != "" {
			p("--:|--:|--:|")
		}
		p("\n")
		for _, b := range r.Behaviors {
			f := b.Favorable
			p("| %s | %s | %s | %s |", mdEscape(sc.bname(b.Behavior)), pct(f.Value), pctRange(f.Lower, f.Upper), count(f.N))
			if sc.Baseline != "" {
				if c := b.Change; c != nil {
					mark := ""
					if c.Significant {
						mark = " " + arrow(direction(c.Diff))
					}
					p(" %s | %s%s | %s |", mdEscape(baselineText(c)), points(c.Diff), mark, pvalue(c.Adjusted))
				} else {
					p(" – | – | – |")
				}
			}
			p("\n")
		}
		p("\n")
	}

	if ch := significantChanges(sc); len(ch) > 0 {
		p("## Significant changes since %s\n\n", mdEscape(d.wave(sc.Baseline)))
		p("| unit | behavior | baseline | now | change | adjusted p |\n|---|---|--:|--:|--:|--:|\n")
		for _, c := range ch {
			p("| %s | %s | %s | %s | %s %s | %s |\n", unitLabel(c.unit), mdEscape(sc.bname(c.behavior)), pct(c.change.Baseline.Value),
				pct(c.now.Value), points(c.change.Diff), arrow(direction(c.change.Diff)), pvalue(c.change.Adjusted))
		}
		p("\n")
	}

	p("## Heatmap: favorable share by unit and behavior\n\n")
	p("Each cell is the favorable share with its %s interval; ▲/▼ marks a significant change since the baseline; a hidden unit shows only why it is hidden.\n\n", levelPct(sc.Level))
	p("| unit | respondents |")
	for _, b := range sc.Behaviors {
		p(" %s |", mdEscape(sc.bname(b)))
	}
	p(" eNPS |\n|---|--:|")
	for range sc.Behaviors {
		p("--:|")
	}
	p("--:|\n")
	for i := range sc.Units {
		u := &sc.Units[i]
		p("| %s%s |", strings.Repeat("· ", u.Depth), unitLabel(u))
		if u.Hidden {
			p(" hidden: %s |", mdEscape(u.Reason))
			for range sc.Behaviors {
				p(" hidden |")
			}
			p(" hidden |\n")
			continue
		}
		p(" %s |", count(u.Respondents))
		for _, b := range u.Behaviors {
			f := b.Favorable
			cell := pct(f.Value)
			if f.Value.Defined() {
				cell += " (" + pctRange(f.Lower, f.Upper) + ")"
			}
			if c := b.Change; c != nil && c.Significant {
				cell += " " + arrow(direction(c.Diff))
			}
			p(" %s |", cell)
		}
		if e := u.ENPS; e != nil {
			p(" %s (%s) |\n", signed(e.Score), signedRange(e.Lower, e.Upper))
		} else {
			p(" – |\n")
		}
	}
	p("\n")

	if len(sc.Reliability) > 0 {
		p("## Reliability of each behavior's items\n\n")
		p("Cronbach's alpha over the organization in %s.\n\n", mdEscape(d.wave(sc.Wave)))
		p("| behavior | items | alpha | %s interval | respondents |\n|---|--:|--:|--:|--:|\n", levelPct(sc.Level))
		for _, r := range sc.Reliability {
			p("| %s | %d | %s | %s–%s | %s |\n", mdEscape(sc.bname(r.Behavior)), len(r.Items), fixed(r.Alpha, 3),
				fixed(r.Lower, 3), fixed(r.Upper, 3), count(r.N))
		}
		p("\n")
	}
}
