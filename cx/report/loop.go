package report

import (
	"fmt"
	"strconv"
	"time"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/themes"
	"github.com/cxculture/cxculture/metrics"
)

// The parts of a report that close the loop from culture to customer
// results: how behaviors go with customer outcomes across units (links),
// where belief runs ahead of practice (gaps), the behavior indicators,
// the A-11 customer survey's quarter (ours and the Touchpoints
// convention), participation (the pulse report), comments and their
// themes, recognition, and whether initiatives' gains held.

// Link is how much the behaviors explain a customer outcome across units
// (from [cx.Link]). Drivers' shares are descriptive only when Significant
// is false.
type Link struct {
	Outcome      string       `json:"outcome"`
	Label        string       `json:"label"`
	Waves        []string     `json:"waves"`
	Units        int          `json:"units"`
	Enough       bool         `json:"enough"`
	Reason       string       `json:"reason,omitempty"`
	R2           Number       `json:"r2"`
	R2Lower      Number       `json:"r2_lower"`
	R2Upper      Number       `json:"r2_upper"`
	P            Number       `json:"p"`
	Permutations int          `json:"permutations"`
	Alpha        Number       `json:"alpha"`
	Significant  bool         `json:"significant"`
	Summary      string       `json:"summary"`
	Drivers      []LinkDriver `json:"drivers"`
}

// LinkDriver is one behavior's share of the explained variance.
type LinkDriver struct {
	Behavior string `json:"behavior"`
	Name     string `json:"name"`
	Shapley  Number `json:"shapley"`
	Lower    Number `json:"lower"`
	Upper    Number `json:"upper"`
	Weight   Number `json:"weight"`
}

// Gap is the belief-practice gap of a behavior in a unit and wave (from
// [cx.Gap]); a hidden gap has no figures.
type Gap struct {
	Unit     string `json:"unit"`
	Name     string `json:"name"`
	Wave     string `json:"wave"`
	Behavior string `json:"behavior"`
	// BehaviorName names the behavior for people.
	BehaviorName string `json:"behavior_name"`
	Hidden       bool   `json:"hidden"`
	Reason       string `json:"reason,omitempty"`
	Belief       Share  `json:"belief"`
	Practice     Share  `json:"practice"`
	Gap          Number `json:"gap"`
	Lower        Number `json:"lower"`
	Upper        Number `json:"upper"`
}

// Indicator is one behavior indicator in one unit (from
// [cx.IndicatorResult]): its latest shown value and whether it meets its
// target, the trend's verdict, and every point.
type Indicator struct {
	Indicator string           `json:"indicator"`
	Name      string           `json:"name"`
	Behavior  string           `json:"behavior"`
	Unit      string           `json:"unit"`
	UnitName  string           `json:"unit_name"`
	Measure   string           `json:"measure"`
	Kind      string           `json:"kind"`
	Direction string           `json:"direction"`
	Target    Number           `json:"target"`
	Met       bool             `json:"met"`
	Verdict   string           `json:"verdict"`
	Points    []IndicatorPoint `json:"points"`
}

// IndicatorPoint is one value of an indicator; a hidden one has no
// figures.
type IndicatorPoint struct {
	Label  string `json:"label"`
	Hidden bool   `json:"hidden"`
	Reason string `json:"reason,omitempty"`
	Value  Number `json:"value"`
	Lower  Number `json:"lower"`
	Upper  Number `json:"upper"`
	N      int64  `json:"n"`
	Met    bool   `json:"met"`
}

// A11 is the quarterly summary of an A-11 customer survey per service and
// channel (from [cx.A11Summary]).
type A11 struct {
	Survey   string    `json:"survey"`
	Quarter  string    `json:"quarter"`
	MinGroup int       `json:"min_group"`
	Level    Number    `json:"level"`
	Items    []A11Item `json:"items"`
	Rows     []A11Row  `json:"rows"`
}

// A11Item is a question of the survey.
type A11Item struct {
	Item   string `json:"item"`
	Driver string `json:"driver"`
	Text   string `json:"text"`
}

// A11Row is one service and channel; a hidden row has only its volumes.
type A11Row struct {
	Service      string      `json:"service"`
	Channel      string      `json:"channel"`
	Customers    int64       `json:"customers"`
	Offered      int64       `json:"offered"`
	Responses    int64       `json:"responses"`
	ResponseRate Share       `json:"response_rate"`
	Hidden       bool        `json:"hidden"`
	Drivers      []A11Driver `json:"drivers,omitempty"`
}

// A11Driver is one question in a row: its mean answer and the share who
// agree, with intervals.
type A11Driver struct {
	Item   string `json:"item"`
	Driver string `json:"driver"`
	N      int64  `json:"n"`
	Mean   Mean   `json:"mean"`
	Agree  Share  `json:"agree"`
}

// Touchpoints is the quarter in the convention of GSA Touchpoints (from
// [cx.TouchpointsSummary]).
type Touchpoints struct {
	Survey    string                `json:"survey"`
	Quarter   string                `json:"quarter"`
	Responses int64                 `json:"responses"`
	Offered   int64                 `json:"offered"`
	Rate      Number                `json:"rate"`
	LeftOut   int64                 `json:"left_out"`
	Questions []TouchpointsQuestion `json:"questions"`
}

// TouchpointsQuestion is one question: answers, average and distribution
// (none when hidden or free text).
type TouchpointsQuestion struct {
	Item         string                `json:"item"`
	Text         string                `json:"text"`
	Driver       string                `json:"driver,omitempty"`
	Option       string                `json:"option,omitempty"`
	FreeText     bool                  `json:"free_text"`
	Answered     int64                 `json:"answered"`
	Hidden       bool                  `json:"hidden"`
	Average      Number                `json:"average"`
	Distribution []cx.TouchpointsCount `json:"distribution,omitempty"`
}

// Pulse is the participation of every unit in every wave (from
// [cx.PulseReport]).
type Pulse struct {
	Survey      string        `json:"survey"`
	Waves       []string      `json:"waves"`
	MinGroup    int           `json:"min_group"`
	MinComments int           `json:"min_comments"`
	Rows        []PulseRow    `json:"rows"`
	Fatigue     []PulseSignal `json:"fatigue,omitempty"`
}

// PulseRow is one unit in one wave; a hidden row shows only its invited
// count.
type PulseRow struct {
	Unit         string `json:"unit"`
	Name         string `json:"name"`
	Wave         string `json:"wave"`
	Invited      int64  `json:"invited"`
	Hidden       bool   `json:"hidden"`
	Reason       string `json:"reason,omitempty"`
	Respondents  int64  `json:"respondents"`
	ResponseRate Share  `json:"response_rate"`
	Skipped      Share  `json:"skipped"`
	Comments     int64  `json:"comments"`
}

// PulseSignal lists the survey-fatigue signals of a unit.
type PulseSignal struct {
	Unit    string   `json:"unit"`
	Name    string   `json:"name"`
	Signals []string `json:"signals"`
}

// CommentGroup is the comments of one unit, wave and question (from
// [cx.CommentGroup]); a hidden group has no verbatims nor counts.
type CommentGroup struct {
	Survey      string         `json:"survey"`
	Customer    bool           `json:"customer"`
	Unit        string         `json:"unit"`
	UnitName    string         `json:"unit_name"`
	Wave        string         `json:"wave"`
	WaveName    string         `json:"wave_name"`
	Item        string         `json:"item"`
	Question    string         `json:"question"`
	Hidden      bool           `json:"hidden"`
	Reason      string         `json:"reason,omitempty"`
	Respondents int64          `json:"respondents"`
	Comments    int            `json:"comments"`
	Verbatims   []string       `json:"verbatims,omitempty"`
	Themes      []themes.Count `json:"themes,omitempty"`
}

// Recognition is how often a behavior was recognized in a unit over a
// period (from [cx.RecognitionCount]).
type Recognition struct {
	Unit     string `json:"unit"`
	UnitName string `json:"unit_name"`
	Behavior string `json:"behavior"`
	Label    string `json:"label"`
	From     string `json:"from"`
	To       string `json:"to"`
	Count    int    `json:"count"`
	People   int    `json:"people"`
}

// Sustainment says whether an initiative's gain in a measure held after
// it ended (from [cx.Sustainment]).
type Sustainment struct {
	Initiative string   `json:"initiative"`
	Name       string   `json:"name"`
	Measure    string   `json:"measure"`
	Label      string   `json:"label"`
	Verdict    string   `json:"verdict"`
	EndedAt    string   `json:"ended_at,omitempty"`
	WavesAfter int      `json:"waves_after"`
	Summary    string   `json:"summary"`
	Evidence   []string `json:"evidence,omitempty"`
}

func shareOf(p metrics.Proportion, iv metrics.Interval) Share {
	s := Share{Value: NaN(), Lower: num(iv.Lower), Upper: num(iv.Upper), Successes: p.Successes, N: p.N}
	if p.N > 0 {
		s.Value = num(p.Value())
	}
	return s
}

func hiddenShare() Share { return Share{Value: NaN(), Lower: NaN(), Upper: NaN()} }

func dateOnly(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

// behaviorNames names behaviors for people.
type behaviorNames map[string]string

func newBehaviorNames(bs []culture.Behavior) behaviorNames {
	n := behaviorNames{}
	for _, b := range bs {
		n[b.ID] = b.Name
	}
	return n
}

func (n behaviorNames) of(id string) string {
	if s := n[id]; s != "" {
		return s
	}
	return humanizeID(id)
}

func humanizeID(id string) string {
	b := []byte(id)
	for i, c := range b {
		if c == '_' {
			b[i] = ' '
		}
	}
	return string(b)
}

func buildLink(l *cx.Link, names behaviorNames) Link {
	out := Link{Outcome: l.Outcome, Label: l.Label, Waves: append([]string{}, l.Waves...), Units: len(l.Units), Enough: l.Enough, Reason: l.Reason,
		R2: num(l.R2), R2Lower: num(l.R2Interval.Lower), R2Upper: num(l.R2Interval.Upper), P: num(l.P), Permutations: l.Permutations,
		Alpha: num(l.Alpha), Significant: l.Significant, Summary: l.Summary, Drivers: []LinkDriver{}}
	if out.Label == "" {
		out.Label = l.Outcome
	}
	if !l.Enough {
		out.R2, out.R2Lower, out.R2Upper, out.P = NaN(), NaN(), NaN(), NaN()
	}
	for _, d := range l.Drivers {
		ld := LinkDriver{Behavior: d.Behavior, Name: names.of(d.Behavior), Shapley: num(d.Shapley), Lower: num(d.ShapleyInterval.Lower),
			Upper: num(d.ShapleyInterval.Upper), Weight: num(d.Weight)}
		if !l.Enough {
			ld.Shapley, ld.Lower, ld.Upper, ld.Weight = NaN(), NaN(), NaN(), NaN()
		}
		out.Drivers = append(out.Drivers, ld)
	}
	return out
}

func buildGap(g cx.Gap, names behaviorNames, unitName func(string) string, hidden func(unit, wave string) (string, bool)) Gap {
	out := Gap{Unit: g.Unit, Name: unitName(g.Unit), Wave: g.Wave, Behavior: g.Behavior, BehaviorName: names.of(g.Behavior)}
	if why, ok := hidden(g.Unit, g.Wave); ok {
		out.Hidden, out.Reason = true, why
		out.Belief, out.Practice, out.Gap, out.Lower, out.Upper = hiddenShare(), hiddenShare(), NaN(), NaN(), NaN()
		return out
	}
	out.Belief = estimateShare(g.Belief)
	out.Practice = estimateShare(g.Practice)
	out.Gap, out.Lower, out.Upper = num(g.Gap), num(g.Interval.Lower), num(g.Interval.Upper)
	return out
}

func estimateShare(e cx.Estimate) Share {
	return Share{Value: num(e.Value), Lower: num(e.Interval.Lower), Upper: num(e.Interval.Upper), Successes: e.Successes, N: e.N}
}

func buildIndicator(r cx.IndicatorResult, unitName func(string) string, hidden func(unit, wave string) (string, bool)) Indicator {
	out := Indicator{Indicator: r.Indicator, Name: r.Name, Behavior: r.Behavior, Unit: r.Unit, UnitName: unitName(r.Unit), Measure: r.Measure,
		Kind: r.Trend.Kind.String(), Direction: r.Direction, Target: NaN(), Verdict: r.Trend.Verdict.String()}
	if r.HasTarget {
		out.Target = num(r.Target)
	}
	for _, pt := range r.Points {
		label := dateOnly(pt.Time)
		if label == "" {
			label = pt.Wave
		}
		ip := IndicatorPoint{Label: label, Value: NaN(), Lower: NaN(), Upper: NaN()}
		why, planned := hidden(r.Unit, pt.Wave)
		switch {
		case pt.Suppressed || planned:
			ip.Hidden = true
			ip.Reason = pt.Reason
			if planned {
				ip.Reason = why
			}
		case pt.Missing:
			ip.Reason = "no answers"
		default:
			ip.Value, ip.Lower, ip.Upper, ip.N, ip.Met = num(pt.Value), num(pt.Interval.Lower), num(pt.Interval.Upper), pt.N, pt.Met
		}
		out.Points = append(out.Points, ip)
	}
	if r.Latest >= 0 && r.Latest < len(out.Points) && !out.Points[r.Latest].Hidden {
		out.Met = r.Met
	}
	return out
}

func buildA11(s *cx.A11Summary) *A11 {
	out := &A11{Survey: s.Survey, Quarter: s.Quarter.String(), MinGroup: s.MinGroup, Level: num(s.Level)}
	for _, it := range s.Items {
		out.Items = append(out.Items, A11Item{Item: it.ID, Driver: it.Construct, Text: it.Text})
	}
	for _, r := range s.Rows {
		row := A11Row{Service: r.Service, Channel: r.Channel, Customers: r.Customers, Offered: r.Offered, Responses: r.Responses, Hidden: r.Hidden}
		row.ResponseRate = shareOf(r.ResponseRate, r.RateCI)
		if !r.Hidden {
			for _, d := range r.Drivers {
				sc := d.Score
				row.Drivers = append(row.Drivers, A11Driver{Item: d.Item, Driver: d.Driver,
					Mean: Mean{Value: num(sc.Mean), Lower: num(sc.MeanCI.Lower), Upper: num(sc.MeanCI.Upper)}, N: sc.N,
					Agree: shareOf(sc.Favorable, sc.FavorCI)})
			}
		}
		out.Rows = append(out.Rows, row)
	}
	return out
}

func buildTouchpoints(t *cx.TouchpointsSummary) *Touchpoints {
	out := &Touchpoints{Survey: t.Survey, Quarter: t.Quarter.String(), Responses: t.Responses, Offered: t.Offered, Rate: num(t.Rate), LeftOut: t.LeftOut}
	for _, q := range t.Questions {
		tq := TouchpointsQuestion{Item: q.Item, Text: q.Text, Driver: q.Driver, Option: q.Option, FreeText: q.FreeText, Answered: q.Answered,
			Hidden: q.Hidden, Average: NaN()}
		if !q.Hidden && !q.FreeText {
			tq.Average = num(q.Average)
			tq.Distribution = append([]cx.TouchpointsCount{}, q.Distribution...)
		}
		if q.Hidden {
			tq.Answered = 0
		}
		out.Questions = append(out.Questions, tq)
	}
	return out
}

func buildPulse(r *cx.PulseReport, unitName func(string) string, hidden func(unit, wave string) (string, bool)) *Pulse {
	out := &Pulse{Survey: r.Survey, Waves: append([]string{}, r.Waves...), MinGroup: r.MinGroup, MinComments: r.MinComments}
	for _, row := range r.Rows {
		pr := PulseRow{Unit: row.Unit, Name: unitName(row.Unit), Wave: row.Wave, Invited: row.Invited}
		why, planned := hidden(row.Unit, row.Wave)
		if row.Hidden || planned {
			pr.Hidden, pr.Reason = true, row.Reason
			if planned {
				pr.Reason = why
			}
			pr.ResponseRate, pr.Skipped = hiddenShare(), hiddenShare()
			out.Rows = append(out.Rows, pr)
			continue
		}
		pr.Respondents = row.Respondents
		pr.ResponseRate = shareOf(row.ResponseRate, row.RateCI)
		if row.Invited == 0 {
			pr.ResponseRate = hiddenShare()
		}
		pr.Skipped = shareOf(row.Skipped, row.SkippedCI)
		if row.SkippedHidden {
			pr.Skipped = hiddenShare()
		}
		if !row.CommentsHidden {
			pr.Comments = row.Comments
		}
		out.Rows = append(out.Rows, pr)
	}
	for _, f := range r.Fatigue {
		if f.Fatigued() {
			out.Fatigue = append(out.Fatigue, PulseSignal{Unit: f.Unit, Name: unitName(f.Unit), Signals: f.Signals()})
		}
	}
	return out
}

func buildComment(g cx.CommentGroup) CommentGroup {
	out := CommentGroup{Survey: g.Survey, Customer: g.Customer, Unit: g.Unit, UnitName: g.UnitName, Wave: g.Wave, WaveName: g.WaveName,
		Item: g.Item, Question: g.Question, Hidden: g.Hidden, Reason: g.Reason}
	if !g.Hidden {
		out.Respondents, out.Comments = g.Respondents, g.Comments
		out.Verbatims = append([]string{}, g.Verbatims...)
		out.Themes = append([]themes.Count{}, g.Themes...)
	}
	return out
}

func buildRecognition(c cx.RecognitionCount) Recognition {
	return Recognition{Unit: c.Unit, UnitName: c.UnitName, Behavior: c.Behavior, Label: c.Label, From: dateOnly(c.From), To: dateOnly(c.To),
		Count: c.Count, People: c.People}
}

func buildSustainment(s cx.Sustainment) Sustainment {
	return Sustainment{Initiative: s.Initiative.String(), Name: s.Name, Measure: s.Measure, Label: s.Label, Verdict: s.Verdict.String(),
		EndedAt: dateOnly(s.EndedAt), WavesAfter: s.WavesAfter, Summary: s.Summary, Evidence: append([]string{}, s.Evidence...)}
}

// sustainText names a sustainment verdict for people.
var sustainText = map[string]string{
	"not_ended": "not ended", "too_little_data": "too little data", "no_measurable_gain": "no measurable gain",
	"holding": "holding", "embedded": "embedded", "fading": "fading: stopped too soon",
}

func sustainName(v string) string {
	if t, ok := sustainText[v]; ok {
		return t
	}
	return v
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// hasLoop reports whether r has any of the parts of this file.
func (r Report) hasLoop() bool {
	return len(r.Sustainment) > 0 || len(r.Links) > 0 || len(r.Gaps) > 0 || len(r.Indicators) > 0 || r.A11 != nil || r.Touchpoints != nil ||
		r.Pulse != nil || len(r.Comments) > 0 || len(r.Recognition) > 0
}

// buildLoop fills the parts of d that close the loop, hiding what the
// plan (or the scorecard) hides.
func (d *Document) buildLoop(r Report, names map[string]string, hidden func(unit, wave string) (string, bool), ps *problems) {
	bn := newBehaviorNames(r.Behaviors)
	d.behaviors = bn
	unitName := func(u string) string {
		if n := names[u]; n != "" {
			return n
		}
		return u
	}
	for _, s := range r.Sustainment {
		d.Sustainment = append(d.Sustainment, buildSustainment(s))
	}
	for i, l := range r.Links {
		if l == nil {
			ps.add("links["+strconv.Itoa(i)+"]", "nil link")
			continue
		}
		d.Links = append(d.Links, buildLink(l, bn))
	}
	for _, g := range r.Gaps {
		d.Gaps = append(d.Gaps, buildGap(g, bn, unitName, hidden))
	}
	for _, in := range r.Indicators {
		d.Indicators = append(d.Indicators, buildIndicator(in, unitName, hidden))
	}
	if r.A11 != nil {
		d.A11 = buildA11(r.A11)
	}
	if r.Touchpoints != nil {
		d.Touchpoints = buildTouchpoints(r.Touchpoints)
	}
	if r.Pulse != nil {
		d.Pulse = buildPulse(r.Pulse, unitName, hidden)
	}
	for _, g := range r.Comments {
		d.Comments = append(d.Comments, buildComment(g))
	}
	for _, c := range r.Recognition {
		d.Recognition = append(d.Recognition, buildRecognition(c))
	}
}
