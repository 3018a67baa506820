package cx

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cxculture/cxculture/metrics"
	"github.com/cxculture/cxculture/survey"
)

// A11Volume counts, for one service, channel and unit over one period,
// the customers served and how many of them were offered the survey: the
// volumes an agency reports beside the survey responses each quarter
// under OMB Circular A-11 Section 280. Responses are counted from the
// responses themselves.
type A11Volume struct {
	// Service is the service provided, such as "passport_renewal".
	Service string `json:"service"`
	// Channel is how it was provided, such as "online", "phone",
	// "in_person".
	Channel string `json:"channel"`
	// Unit is the org unit that provided it; may be empty.
	Unit string `json:"unit,omitempty"`
	// At is a time within the period counted (such as its start); the
	// quarter it falls in is the quarter it is reported in.
	At time.Time `json:"at"`
	// Customers is the number of customers served (the volume).
	Customers int64 `json:"customers"`
	// Offered is the number of customers offered the survey.
	Offered int64 `json:"offered"`
}

// FiscalQuarter is a quarter of the US federal fiscal year, which starts
// on 1 October: fiscal year 2025 runs from 1 October 2024 to 30 September
// 2025, and its first quarter is October to December 2024. A-11 Section
// 280 data are reported per fiscal quarter.
type FiscalQuarter struct {
	// Year is the fiscal year, named after the calendar year it ends in.
	Year int
	// Quarter is 1 to 4.
	Quarter int
}

// FiscalQuarterOf returns the fiscal quarter of the date of t in t's
// location.
func FiscalQuarterOf(t time.Time) FiscalQuarter {
	y, m, _ := t.Date()
	if m >= time.October {
		return FiscalQuarter{Year: y + 1, Quarter: 1}
	}
	return FiscalQuarter{Year: y, Quarter: 2 + (int(m)-1)/3}
}

// Start returns the first instant of the quarter in loc (midnight on 1
// October, January, April or July).
func (q FiscalQuarter) Start(loc *time.Location) time.Time {
	return time.Date(q.Year-1, time.October+time.Month(3*(q.Quarter-1)), 1, 0, 0, 0, 0, loc)
}

// End returns the first instant after the quarter in loc: the start of
// the next quarter.
func (q FiscalQuarter) End(loc *time.Location) time.Time {
	return time.Date(q.Year-1, time.October+time.Month(3*q.Quarter), 1, 0, 0, 0, 0, loc)
}

// String returns "FY2025 Q1".
func (q FiscalQuarter) String() string { return fmt.Sprintf("FY%d Q%d", q.Year, q.Quarter) }

// A11Options configure [A11Summarize]. Quarter is required; zero values of
// the other fields take the defaults.
type A11Options struct {
	// Quarter is the fiscal quarter summarized.
	Quarter FiscalQuarter
	// Location is the time zone of the quarter's boundaries; default UTC.
	Location *time.Location
	// ServiceKey and ChannelKey name the response segments that hold the
	// service and the channel; default "service" and "channel".
	ServiceKey, ChannelKey string
	// MinGroup is the fewest responses for a row's answers (counts per
	// point, means, shares) to be shown, and the fewest answers for each
	// driver's; default [DefaultMinScores] (5).
	// The volumes and the number of responses, which A-11 reporting
	// requires, are always shown. The summary has no totals across rows,
	// so a suppressed row's answers cannot be worked out by subtraction.
	MinGroup int
	// Level is the confidence level of the intervals; default 0.95.
	Level float64
}

func (o A11Options) withDefaults() A11Options {
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.ServiceKey == "" {
		o.ServiceKey = "service"
	}
	if o.ChannelKey == "" {
		o.ChannelKey = "channel"
	}
	if o.MinGroup == 0 {
		o.MinGroup = DefaultMinScores
	}
	if o.Level == 0 {
		o.Level = 0.95
	}
	return o
}

// A11Summary is the quarterly summary of a customer survey under OMB
// Circular A-11 Section 280, per service and channel: volumes, responses,
// and per driver the distribution of answers, the mean and the share who
// agree, with intervals.
type A11Summary struct {
	Survey  string
	Quarter FiscalQuarter
	// Items are the survey's items in survey order; each row's Drivers
	// follow this order.
	Items []survey.Item
	// MinGroup and Level are the options applied.
	MinGroup int
	Level    float64
	// Rows hold one row per service and channel seen in the volumes or
	// the responses of the quarter, ordered by service, then channel.
	Rows []A11Row
	// Outside counts the responses and volume records given that fall
	// outside the quarter and are not summarized.
	OutsideResponses, OutsideVolumes int
}

// A11Row is the summary of one service and channel.
type A11Row struct {
	Service, Channel string
	// Customers and Offered are the volumes of the quarter (0 when no
	// volume was recorded).
	Customers, Offered int64
	// Responses is the number of responses.
	Responses int64
	// ResponseRate is Responses / Offered with its Wilson interval; its
	// value is NaN when Offered is 0.
	ResponseRate metrics.Proportion
	RateCI       metrics.Interval
	// Hidden is set when the row has fewer than MinGroup responses: the
	// Drivers then hold no figures.
	Hidden bool
	// Drivers hold one score per item, in the order of A11Summary.Items.
	Drivers []A11Score
}

// A11Score is the summary of one item (one driver) in a row.
type A11Score struct {
	// Item and Driver are the item ID and its construct (such as
	// "trust").
	Item, Driver string
	// Answers is the histogram of keyed answers on the item's scale.
	Answers metrics.Tally
	// Score holds the number of answers, the mean with its Student t
	// interval, and the share who agree (4-5 on the 5-point scale, the
	// favorable range above the midpoint) with its Wilson interval.
	Score metrics.ItemScore
	// Hidden is set when the row is shown but fewer than MinGroup of its
	// customers answered this item: the driver then holds no figure.
	Hidden bool
}

type a11Key struct{ service, channel string }

// A11Summarize builds the A-11 summary of survey s for the quarter of
// opts from the responses rs (each with the service and the channel among
// its segments) and the volume records vols. Responses and volumes outside
// the quarter are counted in Outside and not summarized.
//
// It fails with a [*ValidationError] listing every problem: invalid
// options or survey, a response to another survey or without service or
// channel, an answer to an unknown item or off its scale, a malformed or
// negative volume, more offered than served, more responses than offered
// in a row.
func A11Summarize(s survey.Survey, rs []survey.Response, vols []A11Volume, opts A11Options) (*A11Summary, error) {
	opts = opts.withDefaults()
	var ps problems
	q := opts.Quarter
	if q.Quarter < 1 || q.Quarter > 4 || q.Year < 1 {
		ps.add("quarter", fmt.Sprintf("fiscal year %d quarter %d: want a year and a quarter 1 to 4", q.Year, q.Quarter))
	}
	if opts.MinGroup < 1 {
		ps.add("min_group", fmt.Sprintf("must be at least 1, got %d", opts.MinGroup))
	}
	if !(opts.Level > 0 && opts.Level < 1) {
		ps.add("level", fmt.Sprintf("must be in (0, 1), got %v", opts.Level))
	}
	if err := s.Validate(); err != nil {
		ps = append(ps, asValidation(err, "survey").(*ValidationError).Problems...)
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	from, to := q.Start(opts.Location), q.End(opts.Location)
	in := func(t time.Time) bool { return !t.Before(from) && t.Before(to) }

	sum := &A11Summary{Survey: s.ID, Quarter: q, Items: slices.Clone(s.Items), MinGroup: opts.MinGroup, Level: opts.Level}
	type cell struct {
		customers, offered, responses int64
		answers                       []metrics.Tally
	}
	cells := map[a11Key]*cell{}
	get := func(k a11Key) *cell {
		c, ok := cells[k]
		if !ok {
			c = &cell{answers: make([]metrics.Tally, len(s.Items))}
			for i, it := range s.Items {
				c.answers[i] = metrics.NewTally(it.Scale.Min, it.Scale.Max)
			}
			cells[k] = c
		}
		return c
	}
	index := map[string]int{}
	for i, it := range s.Items {
		index[it.ID] = i
	}
	for i, v := range vols {
		f := "volumes[" + strconv.Itoa(i) + "]"
		bad := false
		for _, x := range []struct{ name, v string }{{"service", v.Service}, {"channel", v.Channel}} {
			if strings.TrimSpace(x.v) == "" {
				ps.add(f+"."+x.name, "required")
				bad = true
			}
		}
		switch {
		case v.Customers < 0 || v.Offered < 0:
			ps.add(f, fmt.Sprintf("negative count (customers %d, offered %d)", v.Customers, v.Offered))
			bad = true
		case v.Offered > v.Customers:
			ps.add(f+".offered", fmt.Sprintf("%d offered the survey but %d customers served", v.Offered, v.Customers))
			bad = true
		}
		if v.At.IsZero() {
			ps.add(f+".at", "required")
			bad = true
		}
		if bad {
			continue
		}
		if !in(v.At) {
			sum.OutsideVolumes++
			continue
		}
		c := get(a11Key{v.Service, v.Channel})
		c.customers += v.Customers
		c.offered += v.Offered
	}
	for i, r := range rs {
		f := "responses[" + strconv.Itoa(i) + " " + r.ID.String() + "]"
		bad := false
		if r.Survey != s.ID {
			ps.add(f+".survey", fmt.Sprintf("survey %q, summarizing %q", r.Survey, s.ID))
			bad = true
		}
		svc, ch := strings.TrimSpace(r.Segments[opts.ServiceKey]), strings.TrimSpace(r.Segments[opts.ChannelKey])
		if svc == "" {
			ps.add(f+".segments."+opts.ServiceKey, "required: the service the customer received")
			bad = true
		}
		if ch == "" {
			ps.add(f+".segments."+opts.ChannelKey, "required: the channel of the service")
			bad = true
		}
		for _, id := range sortedKeys(r.Answers) {
			j, ok := index[id]
			switch {
			case !ok:
				ps.add(f+".answers."+id, fmt.Sprintf("unknown item %q in survey %q", id, s.ID))
				bad = true
			case !s.Items[j].Scale.Contains(r.Answers[id]):
				ps.add(f+".answers."+id, fmt.Sprintf("value %d outside scale %s", r.Answers[id], s.Items[j].Scale))
				bad = true
			}
		}
		if r.Submitted.IsZero() {
			ps.add(f+".submitted", "required")
			bad = true
		}
		if bad {
			continue
		}
		if !in(r.Submitted) {
			sum.OutsideResponses++
			continue
		}
		c := get(a11Key{svc, ch})
		c.responses++
		for id, v := range r.Answers {
			it := s.Items[index[id]]
			// The value is on the scale (checked above), so Add cannot fail.
			_ = c.answers[index[id]].Add(it.Keyed(v))
		}
	}
	keys := slices.SortedFunc(maps.Keys(cells), func(a, b a11Key) int {
		return cmp.Or(strings.Compare(a.service, b.service), strings.Compare(a.channel, b.channel))
	})
	for _, k := range keys {
		if c := cells[k]; c.offered > 0 && c.responses > c.offered {
			ps.add("rows["+k.service+"/"+k.channel+"]", fmt.Sprintf("%d responses but %d offered the survey in %s", c.responses, c.offered, q))
		}
	}
	if err := ps.err(); err != nil {
		return nil, err
	}

	nan := math.NaN()
	for _, k := range keys {
		c := cells[k]
		row := A11Row{Service: k.service, Channel: k.channel, Customers: c.customers, Offered: c.offered, Responses: c.responses,
			RateCI: metrics.Interval{Lower: nan, Upper: nan}}
		if c.offered > 0 {
			row.ResponseRate = metrics.Proportion{Successes: c.responses, N: c.offered}
			row.RateCI = row.ResponseRate.Wilson(opts.Level)
		}
		row.Hidden = c.responses < int64(opts.MinGroup)
		for i, it := range s.Items {
			sc := A11Score{Item: it.ID, Driver: it.Construct}
			// A driver rests on the customers who answered it: shown only
			// when they reach the minimum too (or nobody answered it).
			few := c.answers[i].N() > 0 && c.answers[i].N() < int64(opts.MinGroup)
			if row.Hidden || few {
				sc.Hidden = !row.Hidden
				sc.Score = metrics.ItemScore{Mean: nan, SD: nan, MeanCI: metrics.Interval{Lower: nan, Upper: nan}, FavorCI: metrics.Interval{Lower: nan, Upper: nan}}
			} else {
				sc.Answers = c.answers[i]
				sc.Score = metrics.ScoreItem(c.answers[i], opts.Level)
			}
			row.Drivers = append(row.Drivers, sc)
		}
		sum.Rows = append(sum.Rows, row)
	}
	return sum, nil
}

// Row returns the row of service and channel.
func (s *A11Summary) Row(service, channel string) (A11Row, bool) {
	for _, r := range s.Rows {
		if r.Service == service && r.Channel == channel {
			return r, true
		}
	}
	return A11Row{}, false
}

// A11CSVHeader returns the header WriteA11CSV writes for sum: the
// identifying and volume columns of the quarterly A-11 data collection
// (fiscal_year, quarter, service, channel, volume_of_customers,
// volume_of_customers_provided_survey_opportunity, volume_of_respondents),
// the response rate, then per item, named by its driver (or its ID when
// it has none): the count of each scale point ("trust_1" ... "trust_5"),
// the number of answers, the mean and its interval, and the percent who
// agree and its interval.
func A11CSVHeader(sum *A11Summary) []string {
	h := []string{"fiscal_year", "quarter", "service", "channel", "volume_of_customers",
		"volume_of_customers_provided_survey_opportunity", "volume_of_respondents",
		"response_rate_pct", "response_rate_lower", "response_rate_upper", "suppressed"}
	for _, it := range sum.Items {
		n := a11Column(it)
		for v := it.Scale.Min; v <= it.Scale.Max; v++ {
			h = append(h, n+"_"+strconv.Itoa(v))
		}
		h = append(h, n+"_n", n+"_mean", n+"_mean_lower", n+"_mean_upper", n+"_agree_pct", n+"_agree_lower", n+"_agree_upper")
	}
	return h
}

func a11Column(it survey.Item) string {
	if it.Construct != "" {
		return it.Construct
	}
	return it.ID
}

// WriteA11CSV writes sum as CSV, one line per service and channel under
// the [A11CSVHeader]: counts as integers, means to 4 decimals, percents
// to 2. The answers of a suppressed row (fewer than MinGroup responses)
// are left empty, as are figures that are undefined (a response rate
// without offers, an interval from fewer than two answers).
func WriteA11CSV(w io.Writer, sum *A11Summary) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(A11CSVHeader(sum)); err != nil {
		return err
	}
	num := func(x float64, prec int) string {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return ""
		}
		return strconv.FormatFloat(x, 'f', prec, 64)
	}
	i64 := func(n int64) string { return strconv.FormatInt(n, 10) }
	for _, r := range sum.Rows {
		rec := []string{strconv.Itoa(sum.Quarter.Year), strconv.Itoa(sum.Quarter.Quarter), r.Service, r.Channel,
			i64(r.Customers), i64(r.Offered), i64(r.Responses),
			num(r.ResponseRate.Percent(), 2), num(100*r.RateCI.Lower, 2), num(100*r.RateCI.Upper, 2), strconv.FormatBool(r.Hidden)}
		for i, it := range sum.Items {
			d := r.Drivers[i]
			for v := it.Scale.Min; v <= it.Scale.Max; v++ {
				if r.Hidden || d.Hidden {
					rec = append(rec, "")
				} else {
					rec = append(rec, i64(d.Answers.Count(v)))
				}
			}
			if r.Hidden || d.Hidden {
				rec = append(rec, "", "", "", "", "", "", "")
				continue
			}
			sc := d.Score
			rec = append(rec, i64(sc.N), num(sc.Mean, 4), num(sc.MeanCI.Lower, 4), num(sc.MeanCI.Upper, 4),
				num(sc.Favorable.Percent(), 2), num(100*sc.FavorCI.Lower, 2), num(100*sc.FavorCI.Upper, 2))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
