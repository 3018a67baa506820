package report

import (
	"encoding/csv"
	"io"
	"strconv"
)

// CSVHeader is the header row of [Document.WriteCSV]; the package
// documentation describes each column.
var CSVHeader = []string{
	"section", "unit", "unit_name", "parent", "depth", "wave", "measure", "behavior",
	"value", "lower", "upper", "successes", "n", "p_value", "p_adjusted", "significant",
	"hidden", "reason",
}

// row is one CSV row, in CSVHeader's order.
type row struct {
	section, unit, unitName, parent string
	depth                           int
	wave, measure, behavior         string
	value, lower, upper             Number
	successes, n                    int64 // -1: NA
	p, adjusted                     Number
	significant                     int // -1 NA, 0 FALSE, 1 TRUE
	hidden                          bool
	reason                          string
}

func na() row {
	return row{value: NaN(), lower: NaN(), upper: NaN(), successes: -1, n: -1, p: NaN(), adjusted: NaN(), significant: -1}
}

func (r row) record() []string {
	count := func(v int64) string {
		if v < 0 {
			return "NA"
		}
		return strconv.FormatInt(v, 10)
	}
	sig := "NA"
	switch r.significant {
	case 0:
		sig = "FALSE"
	case 1:
		sig = "TRUE"
	}
	hidden := "FALSE"
	if r.hidden {
		hidden = "TRUE"
	}
	return []string{r.section, r.unit, r.unitName, r.parent, strconv.Itoa(r.depth), r.wave, r.measure, r.behavior,
		r.value.String(), r.lower.String(), r.upper.String(), count(r.successes), count(r.n), r.p.String(), r.adjusted.String(),
		sig, hidden, r.reason}
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
				bl := c.Baseline
				r = base
				r.wave, r.measure, r.behavior = sc.Baseline, "favorable", b.Behavior
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
