package cx

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/culture"
)

// SustainVerdict says whether an initiative's gain in one measure held
// after the initiative ended.
type SustainVerdict int

const (
	// GainNotEnded: the initiative has not ended; nothing is judged.
	GainNotEnded SustainVerdict = iota + 1
	// GainTooLittleData: the data cannot say whether there was a gain or
	// whether it held (no comparison, no wave after the end, or a gain
	// neither shown to hold nor shown to fade). Not a pitfall.
	GainTooLittleData
	// GainNone: no measurable gain, during the initiative or after it.
	GainNone
	// GainHolding: the gain holds in the waves since the end, but fewer
	// than SustainPoints of them.
	GainHolding
	// GainEmbedded: the gain holds over at least SustainPoints waves
	// after the end.
	GainEmbedded
	// GainFading: the gain made during the initiative declined after it
	// ended (a tested decline): stopping too soon.
	GainFading
)

// String returns the verdict's name, such as "fading".
func (v SustainVerdict) String() string {
	switch v {
	case GainNotEnded:
		return "not_ended"
	case GainTooLittleData:
		return "too_little_data"
	case GainNone:
		return "no_measurable_gain"
	case GainHolding:
		return "holding"
	case GainEmbedded:
		return "embedded"
	case GainFading:
		return "fading"
	}
	return "SustainVerdict(" + strconv.Itoa(int(v)) + ")"
}

// MarshalText encodes the verdict as its name.
func (v SustainVerdict) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// SustainOptions configure [Sustain]. Zero values take the defaults.
type SustainOptions struct {
	// Now is the time of the check; required.
	Now time.Time
	// Measures are the measures judged; default the initiative's
	// behaviors ([BehaviorMeasure]) and the metrics of its outcome
	// targets.
	Measures []string
	// Comparison are the units that did not run the initiative; default
	// as in [ImpactOptions].
	Comparison []string
	// SustainPoints is how many waves after the end a gain must hold to
	// count as embedded; default 3.
	SustainPoints int
	// FDR is the false discovery rate of the gains (Benjamini-Hochberg
	// over the initiative's measures and windows); default 0.05.
	FDR float64
	// Alpha is the one-sided significance level of the test of a decline
	// after the end; default 0.05.
	Alpha float64
}

// Sustainment is the judgement, for one initiative and measure, of
// whether the gain made held after the initiative ended.
type Sustainment struct {
	Initiative uuid.UUID `json:"initiative"`
	Name       string    `json:"name"`
	Measure    string    `json:"measure"`
	// Label names the measure for people.
	Label string `json:"label"`
	// Ended says whether the initiative has ended, and EndedAt when: the
	// day it was completed or stopped, or its planned end once past.
	Ended   bool      `json:"ended"`
	EndedAt time.Time `json:"ended_at,omitzero"`
	// WavesAfter counts the waves since the end with a shown value in
	// the initiative's units.
	WavesAfter int `json:"waves_after"`
	// During and After are the differences in differences ([Effect])
	// from before the start to the time of the initiative, and to after
	// its end; Decline is the one from the time of the initiative to
	// after its end, whose one-sided p-value DeclineP tests the fading
	// (0 when Decline is not estimable).
	During   Effect         `json:"during"`
	After    Effect         `json:"after"`
	Decline  Effect         `json:"decline"`
	DeclineP float64        `json:"decline_p"`
	Verdict  SustainVerdict `json:"verdict"`
	// Summary says the verdict in one plain sentence naming the
	// initiative; Evidence gives the figures.
	Summary  string   `json:"summary"`
	Evidence []string `json:"evidence"`
}

// Sustain judges, for each measure of an initiative, whether its gain
// held after the initiative ended. The rule, for an initiative that has
// ended (completed, stopped, or past its planned end):
//
//   - The gain is the difference in differences ([Effect]) from before
//     the start to the time of the initiative (during) and to the waves
//     after its end (after), against comparison units, significant after
//     Benjamini-Hochberg control at FDR over the initiative's measures and
//     windows. No gain in either window is [GainNone]: no measurable gain.
//   - Fading is a tested decline: the difference in differences from the
//     waves of the initiative to the waves after its end is worse than
//     zero, one-sided at Alpha. A gain during the initiative that fades is
//     [GainFading]: the initiative stopped too soon.
//   - A gain that holds after the end (the after window's effect is a
//     significant improvement) over at least SustainPoints waves is
//     [GainEmbedded], over fewer [GainHolding].
//   - Anything else (no comparison units, no wave since the end, a gain
//     neither shown to hold nor to fade) is [GainTooLittleData], said as
//     such: too little data is not a pitfall.
//
// Rationale: a gain is judged against units that did not run the
// initiative, so a change everywhere is no gain, and a fading must be
// shown, not presumed from a wide interval.
//
// Error rates, measured by simulation (TestSustainErrorRates: 12 teams, 5
// of them running a 90-day initiative from the fourth of 10 monthly
// waves, 40 answers per item and wave, a 20-point lift of customer focus
// during the initiative; 2,000 organizations per case,
// CXCULTURE_TEST_SCALE=20): a gain that holds is called fading (stopping
// too soon) in 4.0% (documented bound 5%) and embedded in 96.0% (floor
// 90%); a gain that falls back after the end is called fading in 100%
// (floor 95%) and embedded in 0% (bound 1%); with no gain, no measurable
// gain is reported in 97.2% (floor 95%), fading in 0.4% (bound 1%) and
// embedded, from a chance gain after the end, in 1.2% (bound 2%).
//
// It fails with a [*ValidationError] for an invalid panel, initiative or
// options.
func Sustain(p *Panel, in culture.Initiative, opts SustainOptions) ([]Sustainment, error) {
	q, err := p.prepare()
	if err != nil {
		return nil, err
	}
	if err := opts.validate(); err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	in = in.Clone()
	in.ApplyDefaults()
	if err := in.Validate(); err != nil {
		return nil, asValidation(err, "initiative")
	}
	return q.sustain(in, opts)
}

func (o SustainOptions) withDefaults() SustainOptions {
	if o.SustainPoints == 0 {
		o.SustainPoints = 3
	}
	if o.FDR == 0 {
		o.FDR = 0.05
	}
	if o.Alpha == 0 {
		o.Alpha = 0.05
	}
	return o
}

func (o SustainOptions) validate() error {
	var ps problems
	if o.Now.IsZero() {
		ps.add("now", "required: the time of the check")
	}
	if o.SustainPoints < 0 {
		ps.add("sustain_points", "must be at least 1")
	}
	if o.FDR != 0 && !(o.FDR > 0 && o.FDR < 1) {
		ps.add("fdr", "must be in (0,1)")
	}
	if o.Alpha != 0 && !(o.Alpha > 0 && o.Alpha < 0.5) {
		ps.add("alpha", "must be in (0,0.5)")
	}
	return ps.err()
}

// endOf returns when an initiative ended: the day it was completed or
// stopped, or its planned end once past now.
func endOf(in culture.Initiative, now time.Time) (time.Time, bool) {
	if t, ok := in.EndedAt(); ok {
		return t, true
	}
	if !in.End.IsZero() && in.End.Before(now) {
		return in.End, true
	}
	return time.Time{}, false
}

// initiativeMeasures returns the default measures of an initiative: its
// behaviors, then the metrics of its outcome targets.
func initiativeMeasures(in culture.Initiative) []string {
	var out []string
	for _, b := range in.Behaviors {
		out = append(out, BehaviorMeasure(b))
	}
	for _, o := range in.Outcomes {
		if !slices.Contains(out, o.Metric) {
			out = append(out, o.Metric)
		}
	}
	return out
}

func (p *Panel) sustain(in culture.Initiative, opts SustainOptions) ([]Sustainment, error) {
	measures := opts.Measures
	if measures == nil {
		measures = initiativeMeasures(in)
	}
	endedAt, ended := endOf(in, opts.Now)
	var out []Sustainment
	if !ended {
		for _, key := range measures {
			out = append(out, Sustainment{Initiative: in.ID, Name: in.Name, Measure: key, Label: lowerFirst(p.Label(key)), Verdict: GainNotEnded,
				Summary:  fmt.Sprintf("%s has not ended: whether its gain in %s holds is judged after its end", in.Name, lowerFirst(p.Label(key))),
				Evidence: []string{}})
		}
		return out, nil
	}
	if len(measures) == 0 {
		return nil, nil
	}
	comparison := opts.Comparison
	if comparison == nil {
		comparison = defaultComparison(p.Hierarchy, in)
	}
	run := in.Clone()
	run.End = endedAt
	im, err := EstimateImpact(p, run, ImpactOptions{Measures: measures, Comparison: comparison, FDR: opts.FDR})
	if err != nil {
		return nil, err
	}
	period := func(t time.Time) string {
		switch {
		case t.Before(in.Start) || t.After(opts.Now):
			return ""
		case !t.After(endedAt):
			return "pre"
		}
		return AfterWindow
	}
	for _, key := range measures {
		m, err := p.measure(key)
		if err != nil {
			return nil, err
		}
		dir := directionOf(in, key)
		s := Sustainment{Initiative: in.ID, Name: in.Name, Measure: key, Label: lowerFirst(p.Label(key)), Ended: true, EndedAt: endedAt, Evidence: []string{}}
		if e := effectOf(im, key, DuringWindow); e != nil {
			s.During = *e
		}
		if e := effectOf(im, key, AfterWindow); e != nil {
			s.After = *e
		}
		for _, pt := range p.pooledSeries(in.Units, m) {
			if pt.usable() && pt.Time.After(endedAt) && !pt.Time.After(opts.Now) {
				s.WavesAfter++
			}
		}
		treated, _ := p.changes(in.Units, m, period, AfterWindow)
		control, _ := p.changes(comparison, m, period, AfterWindow)
		s.Decline = didEffect(treated, control, m, dir, AfterWindow, p.Level)
		s.DeclineP = math.NaN()
		if s.Decline.Estimable {
			s.DeclineP = s.Decline.P / 2
			if better(dir.String(), s.Decline.Estimate) {
				s.DeclineP = 1 - s.Decline.P/2
			}
		}
		p.judgeSustain(&s, in, opts)
		if math.IsNaN(s.DeclineP) {
			s.DeclineP = 0
		}
		out = append(out, s)
	}
	return out, nil
}

// judgeSustain applies the rule of [Sustain] and writes the texts.
func (p *Panel) judgeSustain(s *Sustainment, in culture.Initiative, opts SustainOptions) {
	d, a := s.During, s.After
	gainDuring := d.Estimable && d.Improved
	gainAfter := a.Estimable && a.Improved
	end := dateText(s.EndedAt)
	evidence := func(e Effect, what string) {
		if e.Estimable {
			s.Evidence = append(s.Evidence, what+": "+p.describeEffect(e))
		} else if e.Reason != "" {
			s.Evidence = append(s.Evidence, what+": not estimable: "+e.Reason)
		}
	}
	evidence(d, "during the initiative")
	evidence(a, "after its end")
	switch {
	case !d.Estimable && !a.Estimable:
		s.Verdict = GainTooLittleData
		s.Summary = fmt.Sprintf("%s: too little data to tell whether %s gained: %s", in.Name, s.Label, firstNonEmpty(d.Reason, a.Reason))
		return
	case !gainDuring && !gainAfter:
		s.Verdict = GainNone
		s.Summary = fmt.Sprintf("%s made no measurable gain in %s against the units that did not run it", in.Name, s.Label)
		return
	case s.WavesAfter == 0:
		s.Verdict = GainTooLittleData
		s.Summary = fmt.Sprintf("%s gained in %s, but no survey since its end on %s shows whether the gain held", in.Name, s.Label, end)
		return
	}
	if gainDuring && s.Decline.Estimable && s.DeclineP < opts.Alpha {
		s.Evidence = append(s.Evidence, fmt.Sprintf("from the time of the initiative to after its end, against the comparison units: %s (one-sided %s)",
			p.describeAmount(s.Decline), pText(s.DeclineP)))
		s.Verdict = GainFading
		s.Summary = fmt.Sprintf("%s stopped too soon: its gain in %s, %s, faded after it ended on %s: %s since",
			in.Name, s.Label, p.describeAmount(d), end, p.describeAmount(s.Decline))
		return
	}
	switch {
	case gainAfter && s.WavesAfter >= opts.SustainPoints:
		s.Verdict = GainEmbedded
		s.Summary = fmt.Sprintf("%s: the gain in %s held in the %d surveys since it ended on %s: %s against where it started",
			in.Name, s.Label, s.WavesAfter, end, p.describeAmount(a))
	case gainAfter:
		s.Verdict = GainHolding
		s.Summary = fmt.Sprintf("%s: the gain in %s holds in the %d survey(s) since it ended on %s; %d are needed to call it embedded",
			in.Name, s.Label, s.WavesAfter, end, opts.SustainPoints)
	default:
		s.Verdict = GainTooLittleData
		s.Summary = fmt.Sprintf("%s gained in %s, but the %d survey(s) since its end on %s neither show the gain holding nor show it fading: too little data to say",
			in.Name, s.Label, s.WavesAfter, end)
	}
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// dateText writes a date for people: "5 Jan 2026".
func dateText(t time.Time) string {
	if t.IsZero() {
		return "an unknown date"
	}
	return t.Format("2 Jan 2006")
}

// describeAmount states an effect's size and direction for people: "+12.5
// percentage points (95% interval +4.0 to +21.0)".
func (p *Panel) describeAmount(e Effect) string {
	if !e.Estimable {
		return "not estimable"
	}
	pct := strconv.FormatFloat(100*p.level(), 'f', -1, 64) + "%"
	return fmt.Sprintf("%s (%s interval %s to %s)", signedAmount(e.Kind, e.Estimate), pct, signedNumber(e.Kind, e.Interval.Lower), signedNumber(e.Kind, e.Interval.Upper))
}

func (p *Panel) level() float64 {
	if p.Level == 0 {
		return 0.95
	}
	return p.Level
}

// signedAmount writes a change: percentage points for shares and their
// differences, points otherwise.
func signedAmount(k MeasureKind, v float64) string {
	if k == ShareMeasure || k == DifferenceMeasure {
		return fmt.Sprintf("%+.1f percentage points", 100*v)
	}
	return signedNum(v) + " points"
}

// signedNumber writes a change without its unit, as signedAmount.
func signedNumber(k MeasureKind, v float64) string {
	if k == ShareMeasure || k == DifferenceMeasure {
		return fmt.Sprintf("%+.1f", 100*v)
	}
	return signedNum(v)
}

// describeEffect states an effect with its numbers, naming the measure.
func (p *Panel) describeEffect(e Effect) string {
	sig := "not significant"
	if e.Significant {
		sig = "significant"
	}
	return fmt.Sprintf("%s changed by %s beyond the comparison units, adjusted %s (%s; %d units against %d)",
		p.Label(e.Measure), p.describeAmount(e), pText(e.Adjusted), sig, e.TreatedUnits, e.ComparisonUnits)
}
