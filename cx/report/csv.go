package report

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
)

// CSVHeader is the header row of [Document.WriteCSV]; the package
// documentation describes each column.
var CSVHeader = []string{
	"section", "unit", "unit_name", "parent", "depth", "initiative", "wave", "window", "measure", "behavior",
	"value", "lower", "upper", "successes", "n", "p_value", "p_adjusted", "significant",
	"center", "lcl", "ucl", "signal", "verdict", "hidden", "reason", "text",
}

// row is one CSV row, in CSVHeader's order.
type row struct {
	section, unit, unitName, parent string
	depth                           int // -1: NA
	initiative, wave, window        string
	measure, behavior               string
	value, lower, upper             Number
	successes, n                    int64 // -1: NA
	p, adjusted                     Number
	significant                     int // -1 NA, 0 FALSE, 1 TRUE
	center, lcl, ucl                Number
	signal, verdict                 string
	hidden                          bool
	reason                          string
	text                            string
}

func na() row {
	return row{depth: -1, value: NaN(), lower: NaN(), upper: NaN(), successes: -1, n: -1, p: NaN(), adjusted: NaN(), significant: -1,
		center: NaN(), lcl: NaN(), ucl: NaN()}
}

func boolText(b bool) string {
	if b {
		return "TRUE"
	}
	return "FALSE"
}

func (r row) record() []string {
	count := func(v int64) string {
		if v < 0 {
			return "NA"
		}
		return strconv.FormatInt(v, 10)
	}
	sig := "NA"
	if r.significant >= 0 {
		sig = boolText(r.significant == 1)
	}
	return []string{r.section, r.unit, r.unitName, r.parent, count(int64(r.depth)), r.initiative, r.wave, r.window, r.measure, r.behavior,
		r.value.String(), r.lower.String(), r.upper.String(), count(r.successes), count(r.n), r.p.String(), r.adjusted.String(), sig,
		r.center.String(), r.lcl.String(), r.ucl.String(), r.signal, r.verdict, boolText(r.hidden), r.reason, r.text}
}

// WriteCSV writes d as one tidy table in long format: one row per unit,
// wave and measure (and behavior, for measures of a behavior), with the
// columns of [CSVHeader]. Missing figures are NA, logical columns TRUE or
// FALSE, so that R's read.csv and pandas' read_csv read it with their
// defaults.
func (d *Document) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for _, r := range d.rows() {
		if err := cw.Write(r.record()); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func (d *Document) rows() []row {
	var rows []row
	if sc := d.Scorecard; sc != nil {
		rows = append(rows, scorecardRows(sc)...)
	}
	rows = append(rows, d.trendRows()...)
	rows = append(rows, d.impactRows()...)
	rows = append(rows, d.storyRows()...)
	rows = append(rows, d.loopRows()...)
	rows = append(rows, d.changeRows()...)
	return rows
}

// place returns a row of the unit, placed in the hierarchy when the
// scorecard lists it.
func (d *Document) place(section, unit string) row {
	r := na()
	r.section, r.unit, r.unitName = section, unit, d.names[unit]
	if d.Scorecard != nil {
		for _, u := range d.Scorecard.Units {
			if u.Unit == unit {
				r.unitName, r.parent, r.depth = u.Name, u.Parent, u.Depth
				break
			}
		}
	}
	return r
}

func (d *Document) trendRows() []row {
	var rows []row
	for _, tr := range d.Trends {
		base := d.place("trend", tr.Unit)
		if tr.Name != "" {
			base.unitName = tr.Name
		}
		base.measure, base.behavior = measureParts(tr.Measure)
		base.verdict = tr.Verdict
		signals := map[int][]string{}
		for _, s := range tr.Signals {
			signals[s.Index] = append(signals[s.Index], strconv.Itoa(s.Rule))
		}
		for i, p := range tr.Points {
			r := base
			r.wave = p.Label
			switch {
			case p.Hidden:
				r.hidden, r.reason = true, p.Reason
			case p.Missing:
				r.reason = "no answers"
			default:
				r.value, r.lower, r.upper, r.n = p.Value, p.Lower, p.Upper, p.N
				if tr.Kind == "share" {
					r.successes = p.Successes
				}
				if p.Charted {
					r.center, r.lcl, r.ucl = tr.Center, p.LCL, p.UCL
				}
				r.signal = strings.Join(signals[i], ";")
			}
			rows = append(rows, r)
		}
	}
	return rows
}

func (d *Document) impactRows() []row {
	var rows []row
	effect := func(r row, e Effect) row {
		r.window = e.Window
		r.measure, r.behavior = measureParts(e.Measure)
		r.n = int64(e.TreatedUnits)
		if !e.Estimable {
			r.reason = e.Reason
			return r
		}
		r.value, r.lower, r.upper, r.p, r.adjusted = e.Estimate, e.Lower, e.Upper, e.P, e.Adjusted
		r.significant = 0
		if e.Significant {
			r.significant = 1
		}
		return r
	}
	for _, im := range d.Impacts {
		for _, e := range im.Effects {
			r := na()
			r.section, r.initiative = "impact", im.Name
			rows = append(rows, effect(r, e))
		}
		for _, u := range im.UnitEffects {
			r := d.place("impact_unit", u.Unit)
			if u.Placebo {
				r.section = "impact_placebo"
			}
			r.initiative, r.window = im.Name, u.Window
			r.measure, r.behavior = measureParts(u.Measure)
			if u.Estimable {
				r.value, r.lower, r.upper, r.p, r.adjusted = u.Estimate, u.Lower, u.Upper, u.P, u.Adjusted
				r.significant = 0
				if u.Significant {
					r.significant = 1
				}
			}
			rows = append(rows, r)
		}
	}
	return rows
}

func scorecardRows(sc *Scorecard) []row {
	var rows []row
	for _, u := range sc.Units {
		base := na()
		base.section, base.unit, base.unitName, base.parent, base.depth, base.wave = "scorecard", u.Unit, u.Name, u.Parent, u.Depth, sc.Wave
		if u.Hidden {
			base.hidden, base.reason = true, u.Reason
			r := base
			r.measure = "respondents"
			rows = append(rows, r)
			for _, b := range sc.Behaviors {
				r := base
				r.measure, r.behavior = "favorable", b
				rows = append(rows, r)
			}
			continue
		}
		r := base
		r.measure, r.value = "respondents", Number(u.Respondents)
		rows = append(rows, r)
		if rr := u.ResponseRate; rr != nil {
			r := base
			r.measure, r.value, r.lower, r.upper, r.successes, r.n = "response_rate", rr.Value, rr.Lower, rr.Upper, rr.Successes, rr.N
			rows = append(rows, r)
		}
		for _, b := range u.Behaviors {
			if b.Hidden {
				r := base
				r.measure, r.behavior, r.hidden, r.reason = "favorable", b.Behavior, true, b.Reason
				rows = append(rows, r)
				continue
			}
			f := b.Favorable
			r := base
			r.measure, r.behavior = "favorable", b.Behavior
			r.value, r.lower, r.upper, r.successes, r.n = f.Value, f.Lower, f.Upper, f.Successes, f.N
			rows = append(rows, r)
			r = base
			r.measure, r.behavior = "mean", b.Behavior
			r.value, r.lower, r.upper, r.n = b.Mean.Value, b.Mean.Lower, b.Mean.Upper, f.N
			rows = append(rows, r)
			if c := b.Change; c != nil {
				// Over fewer items than the behavior's share, both waves'
				// shares are rows of their own measure.
				measure := "favorable"
				if len(c.Items) > 0 {
					measure = "favorable_compared_items"
					cur := c.Current
					r = base
					r.measure, r.behavior = measure, b.Behavior
					r.value, r.lower, r.upper, r.successes, r.n = cur.Value, cur.Lower, cur.Upper, cur.Successes, cur.N
					rows = append(rows, r)
				}
				bl := c.Baseline
				r = base
				r.wave, r.measure, r.behavior = sc.Baseline, measure, b.Behavior
				r.value, r.lower, r.upper, r.successes, r.n = bl.Value, bl.Lower, bl.Upper, bl.Successes, bl.N
				rows = append(rows, r)
				r = base
				r.measure, r.behavior = "favorable_change", b.Behavior
				r.value, r.p, r.adjusted = c.Diff, c.P, c.Adjusted
				r.significant = 0
				if c.Significant {
					r.significant = 1
				}
				rows = append(rows, r)
			}
		}
		if e := u.ENPS; e != nil {
			r := base
			r.measure, r.value, r.lower, r.upper, r.n = "enps", e.Score, e.Lower, e.Upper, e.N
			rows = append(rows, r)
		}
	}
	if len(sc.Units) > 0 {
		root := sc.Units[0]
		for _, rel := range sc.Reliability {
			r := na()
			r.section, r.unit, r.unitName, r.parent, r.depth, r.wave = "scorecard", root.Unit, root.Name, root.Parent, root.Depth, sc.Wave
			r.measure, r.behavior, r.value, r.lower, r.upper, r.n = "alpha", rel.Behavior, rel.Alpha, rel.Lower, rel.Upper, int64(rel.N)
			rows = append(rows, r)
		}
	}
	return rows
}

// storyRows returns the CSV rows of the wins and pitfalls: a win row
// holds the effect on its outcome and the announcement in text; a pitfall
// row its summary in text, and each pitfall_evidence row one fact.
func (d *Document) storyRows() []row {
	var rows []row
	for _, w := range d.Wins {
		r := na()
		r.section, r.initiative, r.window, r.measure = "win", w.Name, w.Window, w.Outcome.Measure
		o := w.Outcome
		r.value, r.lower, r.upper, r.p, r.adjusted = o.Estimate, o.Lower, o.Upper, o.P, o.Adjusted
		r.significant = map[bool]int{true: 1, false: 0}[o.Significant]
		r.n = int64(w.TreatedUnits)
		r.text = w.Text
		rows = append(rows, r)
	}
	for _, pf := range d.Pitfalls {
		r := na()
		if pf.Unit != "" {
			r = d.place("pitfall", pf.Unit)
		}
		r.section, r.initiative, r.measure, r.verdict, r.text = "pitfall", pf.Name, pf.Measure, pf.Kind, pf.Summary
		rows = append(rows, r)
		for _, e := range pf.Evidence {
			x := r
			x.section, x.text = "pitfall_evidence", e
			rows = append(rows, x)
		}
	}
	return rows
}
