package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cxculture/cxculture/cx"
)

// This file holds the parts of a report about programs that live through
// change: what a scorecard compares across a reorganization or a new
// version of the survey and what it does not (Comparison), cuts by
// segment, leaders' views and paired changes.

// Comparison is a note of a scorecard on what its changes since the
// baseline compare: a unit not compared (new, or divided by a split), a
// baseline restated on today's structure, or a behavior compared on some
// of its items only (a reworded or rescaled item).
type Comparison struct {
	Unit string `json:"unit"`
	Name string `json:"name"`
	// Kind is "not_comparable", "restated" or "items".
	Kind string `json:"kind"`
	// Behavior is the behavior of an "items" note.
	Behavior string `json:"behavior,omitempty"`
	// Note says it in words, with names and dates.
	Note string `json:"note"`
}

// SegmentCut is a wave cut by a segment attribute ([cx.SegmentCut]),
// without the figures of hidden groups.
type SegmentCut struct {
	Survey    string       `json:"survey"`
	Wave      string       `json:"wave"`
	Key       string       `json:"key"`
	Name      string       `json:"name"`
	Values    []string     `json:"values"`
	Behaviors []string     `json:"behaviors"`
	Rows      []SegmentRow `json:"rows"`
}

// SegmentRow is one unit's group of one segment value. A hidden row has
// only its identity, Hidden and Reason.
type SegmentRow struct {
	Unit        string          `json:"unit"`
	UnitName    string          `json:"unit_name"`
	Depth       int             `json:"depth"`
	Value       string          `json:"value"`
	Hidden      bool            `json:"hidden"`
	Reason      string          `json:"reason,omitempty"`
	Respondents int64           `json:"respondents,omitempty"`
	Behaviors   []BehaviorScore `json:"behaviors,omitempty"`
}

// LeaderView is a leader's part of a scorecard ([cx.LeaderView]): the
// units led and below them, each behavior's favorable share with its gaps
// to the parent unit and to the organization.
type LeaderView struct {
	// Leader is the leader's name as the report was given it (the
	// pseudonym is never printed).
	Leader    string        `json:"leader"`
	Wave      string        `json:"wave"`
	Behaviors []string      `json:"behaviors"`
	Rows      []LeaderRow   `json:"rows"`
	Level     Number        `json:"level"`
	Units     []string      `json:"units"`
	Gaps      [][]LeaderGap `json:"gaps"`
}

// LeaderRow is one unit of a leader's view; a hidden one has only its
// identity and the reason.
type LeaderRow struct {
	Unit        string          `json:"unit"`
	Name        string          `json:"name"`
	Depth       int             `json:"depth"`
	Hidden      bool            `json:"hidden"`
	Reason      string          `json:"reason,omitempty"`
	Respondents int64           `json:"respondents,omitempty"`
	Behaviors   []BehaviorScore `json:"behaviors,omitempty"`
}

// LeaderGap is a behavior's gap to the parent unit and to the
// organization; a nil gap is not shown.
type LeaderGap struct {
	Behavior string `json:"behavior"`
	Parent   *Gap2  `json:"parent,omitempty"`
	Org      *Gap2  `json:"org,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// Gap2 is the difference between a unit's favorable share and another
// unit's above it, with its interval.
type Gap2 struct {
	Unit  string `json:"unit"`
	Diff  Number `json:"diff"`
	Lower Number `json:"lower"`
	Upper Number `json:"upper"`
	P     Number `json:"p"`
}

// PairedChange is the change among the people who answered both waves
// ([cx.PairedChange]).
type PairedChange struct {
	Wave      string       `json:"wave"`
	Baseline  string       `json:"baseline"`
	Behaviors []string     `json:"behaviors"`
	Units     []PairedUnit `json:"units"`
}

// PairedUnit is one unit of a paired change; a hidden one has only its
// identity and the reason.
type PairedUnit struct {
	Unit      string           `json:"unit"`
	Name      string           `json:"name"`
	Hidden    bool             `json:"hidden"`
	Reason    string           `json:"reason,omitempty"`
	Pairs     int64            `json:"pairs,omitempty"`
	Behaviors []PairedBehavior `json:"behaviors,omitempty"`
}

// PairedBehavior is the paired change of one behavior.
type PairedBehavior struct {
	Behavior string `json:"behavior"`
	Hidden   bool   `json:"hidden"`
	Reason   string `json:"reason,omitempty"`
	Pairs    int64  `json:"pairs,omitempty"`
	Before   Number `json:"before"`
	After    Number `json:"after"`
	// P is McNemar's test; MeanChange and its interval, the paired t.
	P          Number `json:"p_mcnemar"`
	MeanChange Number `json:"mean_change"`
	MeanLower  Number `json:"mean_lower"`
	MeanUpper  Number `json:"mean_upper"`
	PairedTP   Number `json:"p_paired_t"`
	WilcoxonP  Number `json:"p_wilcoxon"`
	// CrossSectional is the change among everyone who answered.
	CrossSectional Number `json:"cross_sectional"`
}

// comparisons lists the notes of a scorecard on what it compares.
func comparisons(sc *cx.Scorecard) []Comparison {
	var out []Comparison
	for _, u := range sc.Units {
		if u.Suppressed {
			continue
		}
		switch {
		case u.NotComparable != "":
			out = append(out, Comparison{Unit: u.Unit, Name: u.Name, Kind: "not_comparable", Note: u.NotComparable})
		case u.Restated != "":
			out = append(out, Comparison{Unit: u.Unit, Name: u.Name, Kind: "restated", Note: u.Restated})
		}
		for _, b := range u.Behaviors {
			if b.Break != "" && !b.Suppressed {
				out = append(out, Comparison{Unit: u.Unit, Name: u.Name, Kind: "items", Behavior: b.Behavior, Note: b.Break})
			}
		}
	}
	return out
}

func behaviorsOf(bs []cx.BehaviorScore) []BehaviorScore {
	out := make([]BehaviorScore, len(bs))
	for i, b := range bs {
		if b.Suppressed {
			out[i] = hiddenBehavior(b)
		} else {
			out[i] = behaviorScore(b)
		}
	}
	return out
}

func buildSegment(c *cx.SegmentCut) SegmentCut {
	out := SegmentCut{Survey: c.Survey, Wave: c.Wave, Key: c.Key, Name: c.Name, Values: append([]string{}, c.Values...), Behaviors: append([]string{}, c.Behaviors...)}
	for _, r := range c.Rows {
		row := SegmentRow{Unit: r.Unit, UnitName: r.UnitName, Depth: r.Depth, Value: r.Value}
		if r.Suppressed {
			row.Hidden, row.Reason = true, r.Reason
		} else {
			row.Respondents, row.Behaviors = r.Respondents, behaviorsOf(r.Behaviors)
		}
		out.Rows = append(out.Rows, row)
	}
	return out
}

func gap2(g *cx.UnitGap) *Gap2 {
	if g == nil {
		return nil
	}
	return &Gap2{Unit: g.Unit, Diff: num(g.Diff), Lower: num(g.Interval.Lower), Upper: num(g.Interval.Upper), P: num(g.P)}
}

func buildLeader(name string, v *cx.LeaderView) LeaderView {
	sc := v.Scorecard
	out := LeaderView{Leader: name, Wave: sc.Wave, Behaviors: append([]string{}, sc.Behaviors...), Level: num(sc.Level), Units: append([]string{}, v.Units...)}
	for i, u := range sc.Units {
		row := LeaderRow{Unit: u.Unit, Name: u.Name, Depth: u.Depth}
		gaps := make([]LeaderGap, len(sc.Behaviors))
		if u.Suppressed {
			row.Hidden, row.Reason = true, u.Reason
		} else {
			row.Respondents, row.Behaviors = u.Respondents, behaviorsOf(u.Behaviors)
			for j, g := range v.Gaps[i] {
				gaps[j] = LeaderGap{Behavior: g.Behavior, Parent: gap2(g.Parent), Org: gap2(g.Org), Reason: g.Reason}
			}
		}
		for j := range gaps {
			gaps[j].Behavior = sc.Behaviors[j]
		}
		out.Rows = append(out.Rows, row)
		out.Gaps = append(out.Gaps, gaps)
	}
	return out
}

func buildPaired(pc *cx.PairedChange) PairedChange {
	out := PairedChange{Wave: pc.Wave, Baseline: pc.Baseline, Behaviors: append([]string{}, pc.Behaviors...)}
	for _, u := range pc.Units {
		row := PairedUnit{Unit: u.Unit, Name: u.Name}
		if u.Suppressed {
			row.Hidden, row.Reason = true, u.Reason
			out.Units = append(out.Units, row)
			continue
		}
		row.Pairs = u.Pairs
		for _, b := range u.Behaviors {
			pb := PairedBehavior{Behavior: b.Behavior, Before: NaN(), After: NaN(), P: NaN(), MeanChange: NaN(), MeanLower: NaN(), MeanUpper: NaN(),
				PairedTP: NaN(), WilcoxonP: NaN(), CrossSectional: NaN()}
			if b.Suppressed {
				pb.Hidden, pb.Reason = true, b.Reason
			} else {
				pb.Pairs, pb.Before, pb.After, pb.P = b.Pairs, num(b.Before), num(b.After), num(b.McNemar.P)
				pb.MeanChange, pb.MeanLower, pb.MeanUpper = num(b.MeanChange), num(b.MeanInterval.Lower), num(b.MeanInterval.Upper)
				pb.PairedTP, pb.WilcoxonP = num(b.PairedT.P), num(b.Wilcoxon.P)
				if b.CrossSectional != nil {
					pb.CrossSectional = num(b.CrossSectional.Diff)
				}
			}
			row.Behaviors = append(row.Behaviors, pb)
		}
		out.Units = append(out.Units, row)
	}
	return out
}

// bname names a behavior for people, from the scorecard's names when the
// report has one.
func (d *Document) bname(id string) string {
	if d.Scorecard != nil {
		return d.Scorecard.bname(id)
	}
	return humanizeID(id)
}

func (d *Document) writeChangeMarkdown(p func(string, ...any)) {
	if sc := d.Scorecard; sc != nil && len(sc.Comparisons) > 0 {
		p("## What the changes since the baseline compare\n\n")
		p("Units are compared with the units their people were in at the baseline; behaviors on the items both waves asked alike.\n\n")
		for _, c := range sc.Comparisons {
			label := mdEscape(c.Name)
			if c.Behavior != "" {
				label += ", " + mdEscape(sc.bname(c.Behavior))
			}
			p("- %s: %s.\n", label, mdEscape(c.Note))
		}
		p("\n")
	}
	for _, c := range d.Segments {
		p("## By %s, %s\n\n", mdEscape(strings.ToLower(c.Name)), mdEscape(d.wave(c.Wave)))
		p("| unit | %s | respondents |", mdEscape(c.Name))
		for _, b := range c.Behaviors {
			p(" %s |", mdEscape(d.bname(b)))
		}
		p("\n|---|---|--:|")
		for range c.Behaviors {
			p("--:|")
		}
		p("\n")
		for _, r := range c.Rows {
			p("| %s%s | %s |", strings.Repeat("· ", r.Depth), mdEscape(r.UnitName), mdEscape(r.Value))
			if r.Hidden {
				p(" hidden: %s |", mdEscape(r.Reason))
				for range c.Behaviors {
					p(" hidden |")
				}
				p("\n")
				continue
			}
			p(" %s |", count(r.Respondents))
			for _, b := range r.Behaviors {
				if b.Hidden {
					p(" hidden |")
				} else {
					p(" %s |", pct(b.Favorable.Value))
				}
			}
			p("\n")
		}
		p("\n")
	}
	for _, v := range d.Leaders {
		p("## %s's view, %s\n\n", mdEscape(v.Leader), mdEscape(d.wave(v.Wave)))
		p("Favorable share of each behavior, and its gap to the unit above and to the organization in percentage points (%s interval).\n\n", levelPct(v.Level))
		p("| unit | behavior | favorable | gap to the unit above | gap to the organization |\n|---|---|--:|--:|--:|\n")
		for i, r := range v.Rows {
			if r.Hidden {
				p("| %s%s | – | hidden: %s | – | – |\n", strings.Repeat("· ", r.Depth), mdEscape(r.Name), mdEscape(r.Reason))
				continue
			}
			for j, b := range r.Behaviors {
				fav := pct(b.Favorable.Value)
				if b.Hidden {
					fav = "hidden"
				}
				p("| %s%s | %s | %s | %s | %s |\n", strings.Repeat("· ", r.Depth), mdEscape(r.Name), mdEscape(d.bname(b.Behavior)), fav,
					mdEscape(gapText(v.Gaps[i][j].Parent, v.Gaps[i][j].Reason)), mdEscape(gapText(v.Gaps[i][j].Org, v.Gaps[i][j].Reason)))
			}
		}
		p("\n")
	}
	for _, pc := range d.Paired {
		p("## The same people, %s against %s\n\n", mdEscape(d.wave(pc.Wave)), mdEscape(d.wave(pc.Baseline)))
		p("Among the people who answered both waves: the share favorable then and now (McNemar's test), and the change of their mean answer (paired t and Wilcoxon tests), beside the change among everyone who answered.\n\n")
		p("| unit | behavior | people | then | now | p (McNemar) | mean change | p (paired t) | p (Wilcoxon) | among everyone |\n|---|---|--:|--:|--:|--:|--:|--:|--:|--:|\n")
		for _, u := range pc.Units {
			if u.Hidden {
				p("| %s | – | hidden: %s | | | | | | | |\n", mdEscape(u.Name), mdEscape(u.Reason))
				continue
			}
			for _, b := range u.Behaviors {
				if b.Hidden {
					p("| %s | %s | hidden: %s | | | | | | | |\n", mdEscape(u.Name), mdEscape(d.bname(b.Behavior)), mdEscape(b.Reason))
					continue
				}
				p("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", mdEscape(u.Name), mdEscape(d.bname(b.Behavior)), count(b.Pairs),
					pct(b.Before), pct(b.After), pvalue(b.P), fixed(b.MeanChange, 2), pvalue(b.PairedTP), pvalue(b.WilcoxonP), points(b.CrossSectional))
			}
		}
		p("\n")
	}
}

// gapText writes a gap in points with its interval, or a dash and why
// there is no gap.
func gapText(g *Gap2, reason string) string {
	if g == nil {
		if reason != "" {
			return "– (" + reason + ")"
		}
		return "–"
	}
	return fmt.Sprintf("%s (%s)", points(g.Diff), signedPoints(g.Lower, g.Upper))
}

// signedPoints writes an interval of share differences in points.
func signedPoints(lo, hi Number) string {
	if !lo.Defined() || !hi.Defined() {
		return "NA"
	}
	return fmt.Sprintf("%+.0f to %+.0f", 100*float64(lo), 100*float64(hi))
}

func (h *htmlPage) change(d *Document) {
	if sc := d.Scorecard; sc != nil && len(sc.Comparisons) > 0 {
		h.p(`<section id="comparisons"><h2>What the changes since the baseline compare</h2><p>Units are compared with the units their people were in at the baseline; behaviors on the items both waves asked alike.</p><ul>`)
		for _, c := range sc.Comparisons {
			label := c.Name
			if c.Behavior != "" {
				label += ", " + sc.bname(c.Behavior)
			}
			h.p("<li><strong>%s</strong>: %s.</li>", esc(label), esc(c.Note))
		}
		h.p("</ul></section>\n")
	}
	for i, c := range d.Segments {
		h.p(`<section id="segment-%d"><h2>By %s, %s</h2><table><thead><tr><th>unit</th><th>%s</th><th>respondents</th>`, i, esc(strings.ToLower(c.Name)), esc(d.wave(c.Wave)), esc(c.Name))
		for _, b := range c.Behaviors {
			h.p("<th>%s</th>", esc(d.bname(b)))
		}
		h.p("</tr></thead><tbody>")
		for _, r := range c.Rows {
			h.p("<tr><td>%s%s</td><td>%s</td>", strings.Repeat("· ", r.Depth), esc(r.UnitName), esc(r.Value))
			if r.Hidden {
				h.p(`<td class="hidden" colspan="%d">hidden: %s</td></tr>`, 1+len(c.Behaviors), esc(r.Reason))
				continue
			}
			h.p("<td>%s</td>", count(r.Respondents))
			for _, b := range r.Behaviors {
				if b.Hidden {
					h.p(`<td class="hidden">hidden</td>`)
				} else {
					h.p("<td>%s</td>", pct(b.Favorable.Value))
				}
			}
			h.p("</tr>")
		}
		h.p("</tbody></table></section>\n")
	}
	for i, v := range d.Leaders {
		h.p(`<section id="leader-%d"><h2>%s's view, %s</h2><p>Favorable share of each behavior, and its gap to the unit above and to the organization in percentage points (%s interval).</p>`,
			i, esc(v.Leader), esc(d.wave(v.Wave)), levelPct(v.Level))
		h.p("<table><thead><tr><th>unit</th><th>behavior</th><th>favorable</th><th>gap to the unit above</th><th>gap to the organization</th></tr></thead><tbody>")
		for ri, r := range v.Rows {
			if r.Hidden {
				h.p(`<tr><td>%s%s</td><td class="hidden" colspan="4">hidden: %s</td></tr>`, strings.Repeat("· ", r.Depth), esc(r.Name), esc(r.Reason))
				continue
			}
			for j, b := range r.Behaviors {
				fav := pct(b.Favorable.Value)
				if b.Hidden {
					fav = "hidden"
				}
				h.p("<tr><td>%s%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>", strings.Repeat("· ", r.Depth), esc(r.Name), esc(d.bname(b.Behavior)),
					esc(fav), esc(gapText(v.Gaps[ri][j].Parent, v.Gaps[ri][j].Reason)), esc(gapText(v.Gaps[ri][j].Org, v.Gaps[ri][j].Reason)))
			}
		}
		h.p("</tbody></table></section>\n")
	}
	for i, pc := range d.Paired {
		h.p(`<section id="paired-%d"><h2>The same people, %s against %s</h2><p>Among the people who answered both waves: the share favorable then and now (McNemar's test), and the change of their mean answer (paired t and Wilcoxon tests), beside the change among everyone who answered.</p>`,
			i, esc(d.wave(pc.Wave)), esc(d.wave(pc.Baseline)))
		h.p("<table><thead><tr><th>unit</th><th>behavior</th><th>people</th><th>then</th><th>now</th><th>p (McNemar)</th><th>mean change</th><th>p (paired t)</th><th>p (Wilcoxon)</th><th>among everyone</th></tr></thead><tbody>")
		for _, u := range pc.Units {
			if u.Hidden {
				h.p(`<tr><td>%s</td><td class="hidden" colspan="9">hidden: %s</td></tr>`, esc(u.Name), esc(u.Reason))
				continue
			}
			for _, b := range u.Behaviors {
				if b.Hidden {
					h.p(`<tr><td>%s</td><td>%s</td><td class="hidden" colspan="8">hidden: %s</td></tr>`, esc(u.Name), esc(d.bname(b.Behavior)), esc(b.Reason))
					continue
				}
				h.p("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>",
					esc(u.Name), esc(d.bname(b.Behavior)), count(b.Pairs), pct(b.Before), pct(b.After), pvalue(b.P), fixed(b.MeanChange, 2),
					pvalue(b.PairedTP), pvalue(b.WilcoxonP), points(b.CrossSectional))
			}
		}
		h.p("</tbody></table></section>\n")
	}
}

// changeRows are the CSV rows of the segment cuts, leaders' views and
// paired changes; a scorecard's comparison notes are in the reason
// column of rows of measure "comparison".
func (d *Document) changeRows() []row {
	var rows []row
	if sc := d.Scorecard; sc != nil {
		for _, c := range sc.Comparisons {
			r := d.place("comparison", c.Unit)
			r.wave, r.measure, r.behavior, r.verdict, r.reason = sc.Wave, "comparison", c.Behavior, c.Kind, c.Note
			rows = append(rows, r)
		}
	}
	for _, c := range d.Segments {
		for _, s := range c.Rows {
			base := d.place("segment", s.Unit)
			base.unitName, base.wave, base.window = s.UnitName, c.Wave, c.Key+"="+s.Value
			if s.Hidden {
				base.hidden, base.reason, base.measure = true, s.Reason, "respondents"
				rows = append(rows, base)
				continue
			}
			r := base
			r.measure, r.n = "respondents", s.Respondents
			rows = append(rows, r)
			for _, b := range s.Behaviors {
				r := base
				r.measure, r.behavior = "favorable", b.Behavior
				if b.Hidden {
					r.hidden, r.reason = true, b.Reason
				} else {
					r.value, r.lower, r.upper, r.successes, r.n = b.Favorable.Value, b.Favorable.Lower, b.Favorable.Upper, b.Favorable.Successes, b.Favorable.N
				}
				rows = append(rows, r)
			}
		}
	}
	for _, v := range d.Leaders {
		for i, u := range v.Rows {
			base := d.place("leader", u.Unit)
			base.unitName, base.wave, base.initiative = u.Name, v.Wave, v.Leader
			if u.Hidden {
				base.hidden, base.reason, base.measure = true, u.Reason, "respondents"
				rows = append(rows, base)
				continue
			}
			for j, g := range v.Gaps[i] {
				for _, side := range []struct {
					name string
					gap  *Gap2
				}{{"gap_to_parent", g.Parent}, {"gap_to_org", g.Org}} {
					r := base
					r.measure, r.behavior = side.name, g.Behavior
					if side.gap == nil {
						r.reason = g.Reason
						if u.Behaviors[j].Hidden {
							r.hidden, r.reason = true, u.Behaviors[j].Reason
						}
					} else {
						r.value, r.lower, r.upper, r.p = side.gap.Diff, side.gap.Lower, side.gap.Upper, side.gap.P
					}
					rows = append(rows, r)
				}
			}
		}
	}
	for _, pc := range d.Paired {
		for _, u := range pc.Units {
			base := d.place("paired", u.Unit)
			base.unitName, base.wave, base.window = u.Name, pc.Wave, pc.Baseline
			if u.Hidden {
				base.hidden, base.reason, base.measure = true, u.Reason, "pairs"
				rows = append(rows, base)
				continue
			}
			for _, b := range u.Behaviors {
				r := base
				r.measure, r.behavior = "paired_favorable", b.Behavior
				if b.Hidden {
					r.hidden, r.reason = true, b.Reason
				} else {
					r.value, r.n, r.p = b.After, b.Pairs, b.P
					r.center = b.Before
				}
				rows = append(rows, r)
				if !b.Hidden {
					m := base
					m.measure, m.behavior, m.value, m.lower, m.upper, m.p, m.n = "paired_mean_change", b.Behavior, b.MeanChange, b.MeanLower, b.MeanUpper, b.PairedTP, b.Pairs
					rows = append(rows, m)
				}
			}
		}
	}
	return rows
}

// buildChange adds the comparison notes of the scorecard, the segment
// cuts, leaders' views and paired changes of r to d.
func (d *Document) buildChange(r Report, ps *problems) {
	if r.Scorecard != nil && d.Scorecard != nil {
		d.Scorecard.Comparisons = comparisons(r.Scorecard)
	}
	for i, c := range r.Segments {
		if c == nil {
			ps.add(fmt.Sprintf("segments[%d]", i), "nil segment cut")
			continue
		}
		d.Segments = append(d.Segments, buildSegment(c))
	}
	names := make([]string, 0, len(r.Leaders))
	for name := range r.Leaders {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		v := r.Leaders[name]
		if v == nil || v.Scorecard == nil || len(v.Gaps) != len(v.Scorecard.Units) {
			ps.add("leaders["+name+"]", "nil or inconsistent leader view")
			continue
		}
		d.Leaders = append(d.Leaders, buildLeader(name, v))
	}
	for i, pc := range r.Paired {
		if pc == nil {
			ps.add(fmt.Sprintf("paired[%d]", i), "nil paired change")
			continue
		}
		d.Paired = append(d.Paired, buildPaired(pc))
	}
}
