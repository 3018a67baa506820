package cx

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/metrics"
	"github.com/cxculture/cxculture/survey"
)

// PitfallKind names a well-known mistake of culture change.
type PitfallKind string

// The pitfalls detected by [Pitfalls].
const (
	// ChangeByDecree: change pushed from the top without involvement:
	// nobody takes part beyond the sponsor, beliefs rise while the
	// behaviors people see stay flat (the belief items' difference in
	// differences is a significant improvement, the behavior items' is
	// not and its interval lies below the belief items' estimate), or
	// the behaviors have no indicators to make them observable.
	ChangeByDecree PitfallKind = "change_by_decree"
	// NotAligned: an initiative not tied to the mission or to tangible
	// outcomes: no mission link, no outcome target, or an outcome that is
	// never measured.
	NotAligned PitfallKind = "not_aligned"
	// StoppingTooSoon: an initiative, or its measurement, ended before
	// its gains met the sustained-shift rule, or its gains faded after
	// the end.
	StoppingTooSoon PitfallKind = "stopping_too_soon"
	// NoBaseline: an initiative started with no measurement before it.
	NoBaseline PitfallKind = "no_baseline"
	// SurveyFatigue: response rates (or counts) falling wave after wave.
	SurveyFatigue PitfallKind = "survey_fatigue"
	// ComparabilityBreakKind: items reworded or rescaled between waves,
	// which breaks comparisons over time.
	ComparabilityBreakKind PitfallKind = "comparability_break"
)

// Pitfall is one detected pitfall with its evidence.
type Pitfall struct {
	Kind PitfallKind `json:"kind"`
	// Check names the rule that fired, such as "no_participants".
	Check string `json:"check"`
	// Initiative and Name identify the initiative concerned, if any.
	Initiative uuid.UUID `json:"initiative,omitzero"`
	Name       string    `json:"name,omitempty"`
	// Unit and Measure locate the pitfall when it concerns one.
	Unit    string `json:"unit,omitempty"`
	Measure string `json:"measure,omitempty"`
	// Summary says what is wrong in one sentence; Evidence gives the
	// facts and numbers behind it.
	Summary  string   `json:"summary"`
	Evidence []string `json:"evidence"`
}

// PitfallOptions configure [Pitfalls].
type PitfallOptions struct {
	// Now is the time of the check; required (an initiative past its end
	// counts as ended).
	Now time.Time
	// Indicators are the behavior indicators of the culture model.
	Indicators []culture.Indicator
	// SustainPoints is the number of waves after an initiative's end
	// the sustained-shift rule needs; default 3 (as [TrendOptions]).
	SustainPoints int
	// FDR is the false discovery rate of the impact estimates; default
	// 0.05.
	FDR float64
	// FatigueAlpha is the significance level of the falling response
	// trend; default 0.05. FatigueDrop is the smallest relative fall from
	// the first to the last wave that counts; default 0.1.
	FatigueAlpha, FatigueDrop float64
}

// Pitfalls checks a program for the known pitfalls of culture change:
// each initiative for change by decree, lack of alignment, stopping too
// soon and a missing baseline; the panel for survey fatigue and
// comparability breaks. Every pitfall carries its evidence; only figures
// of shown groups are used.
//
// It fails with a [*ValidationError] for an invalid panel, initiative or
// options.
func Pitfalls(p *Panel, initiatives []culture.Initiative, opts PitfallOptions) ([]Pitfall, error) {
	q, err := p.prepare()
	if err != nil {
		return nil, err
	}
	var ps problems
	if opts.Now.IsZero() {
		ps.add("now", "required: the time of the check")
	}
	if opts.SustainPoints == 0 {
		opts.SustainPoints = 3
	}
	if opts.FDR == 0 {
		opts.FDR = 0.05
	}
	if opts.FatigueAlpha == 0 {
		opts.FatigueAlpha = 0.05
	}
	if opts.FatigueDrop == 0 {
		opts.FatigueDrop = 0.1
	}
	if opts.SustainPoints < 1 {
		ps.add("sustain_points", "must be at least 1")
	}
	if !(opts.FDR > 0 && opts.FDR < 1) {
		ps.add("fdr", "must be in (0,1)")
	}
	if !(opts.FatigueAlpha > 0 && opts.FatigueAlpha < 1) || !(opts.FatigueDrop > 0 && opts.FatigueDrop < 1) {
		ps.add("fatigue", "alpha and drop must be in (0,1)")
	}
	for i, in := range initiatives {
		in.ApplyDefaults()
		if err := in.Validate(); err != nil {
			if ve, ok := asValidation(err, "initiatives["+strconv.Itoa(i)+"]").(*ValidationError); ok {
				ps = append(ps, ve.Problems...)
			}
		}
		for j, u := range in.Units {
			if !q.Hierarchy.Has(u) {
				ps.add("initiatives["+strconv.Itoa(i)+"].units["+strconv.Itoa(j)+"]", fmt.Sprintf("unknown unit %q", u))
			}
		}
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	var out []Pitfall
	for _, in := range initiatives {
		in = in.Clone()
		in.ApplyDefaults()
		got, err := q.initiativePitfalls(in, opts)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	out = append(out, q.fatigue(opts)...)
	breaks, err := ComparabilityBreaks(q, nil)
	if err != nil {
		return nil, err
	}
	for _, b := range breaks {
		out = append(out, Pitfall{Kind: ComparabilityBreakKind, Check: "items_changed", Measure: b.Measure,
			Summary:  fmt.Sprintf("%s cannot be compared across waves %s and %s: its items changed", b.Measure, b.Previous, b.Wave),
			Evidence: []string{b.Reason, "before: " + strings.Join(b.Before, ", "), "after: " + strings.Join(b.After, ", ")}})
	}
	return out, nil
}

func (p *Panel) initiativePitfalls(in culture.Initiative, opts PitfallOptions) ([]Pitfall, error) {
	var out []Pitfall
	add := func(kind PitfallKind, check, measure, summary string, evidence ...string) {
		out = append(out, Pitfall{Kind: kind, Check: check, Initiative: in.ID, Name: in.Name, Measure: measure, Summary: summary,
			Evidence: append([]string{}, evidence...)})
	}
	// Change by decree.
	var others []string
	for _, x := range in.Participants {
		if x != in.Owner {
			others = append(others, x)
		}
	}
	if len(others) == 0 {
		add(ChangeByDecree, "no_participants", "", fmt.Sprintf("%s involves nobody beyond its sponsor %s", in.Name, in.Owner),
			fmt.Sprintf("participants: %d listed, none other than the owner", len(in.Participants)))
	}
	if len(in.Behaviors) == 0 {
		add(ChangeByDecree, "no_indicators", "", fmt.Sprintf("%s names no behavior it fosters, so no behavior can show the change", in.Name),
			"behaviors: none")
	}
	for _, b := range in.Behaviors {
		var inds []string
		for _, ind := range opts.Indicators {
			if ind.Behavior == b {
				inds = append(inds, ind.ID)
			}
		}
		if len(inds) == 0 {
			add(ChangeByDecree, "no_indicators", BehaviorMeasure(b), fmt.Sprintf("behavior %s has no indicator: nobody can see whether it changes", b),
				fmt.Sprintf("%d indicators defined, none for %s", len(opts.Indicators), b))
		}
	}
	started := !in.Start.After(opts.Now)
	comparison := defaultComparison(p.Hierarchy, in)
	if started && len(p.Waves) > 0 {
		for _, b := range in.Behaviors {
			if len(p.Survey.ItemsFor(b)) == 0 {
				continue
			}
			bel, _ := parseMeasure(BeliefPrefix + b)
			pra, _ := parseMeasure(PracticePrefix + b)
			if len(bel.items(p.Survey)) == 0 || len(pra.items(p.Survey)) == 0 {
				continue
			}
			im, err := EstimateImpact(p, in, ImpactOptions{Measures: []string{bel.key, pra.key}, Comparison: comparison, FDR: opts.FDR})
			if err != nil {
				return nil, err
			}
			for _, w := range []string{DuringWindow, AfterWindow} {
				be, pe := effectOf(im, bel.key, w), effectOf(im, pra.key, w)
				if be == nil || pe == nil || !be.Estimable || !pe.Estimable {
					continue
				}
				// Beliefs rose, and the behaviors' rise is not
				// significant and clearly smaller.
				if be.Improved && !pe.Improved && pe.Interval.Upper < be.Estimate {
					add(ChangeByDecree, "beliefs_rise_behaviors_flat", BehaviorMeasure(b),
						fmt.Sprintf("belief in %s rose but the behavior people see did not", strings.ReplaceAll(b, "_", " ")),
						describeEffect(*be), describeEffect(*pe))
					break
				}
			}
		}
	}
	// Not aligned.
	if strings.TrimSpace(in.MissionLink) == "" {
		add(NotAligned, "no_mission_link", "", fmt.Sprintf("%s does not say how it serves the mission", in.Name), "mission link: empty")
	}
	if len(in.Outcomes) == 0 {
		add(NotAligned, "no_outcome", "", fmt.Sprintf("%s has no outcome target: nothing tangible says whether it worked", in.Name), "outcomes: none")
	}
	for _, o := range in.Outcomes {
		m, err := parseMeasure(o.Metric)
		if err != nil {
			add(NotAligned, "outcome_not_measured", o.Metric, fmt.Sprintf("outcome %s is not a measure the program knows", o.Metric), err.Error())
			continue
		}
		shown := 0
		for _, pt := range p.pooledSeries(in.Units, m) {
			if pt.usable() {
				shown++
			}
		}
		if shown == 0 {
			add(NotAligned, "outcome_not_measured", o.Metric, fmt.Sprintf("outcome %s is never measured in the initiative's units", o.Metric),
				fmt.Sprintf("no shown value of %s in %s", o.Metric, strings.Join(in.Units, ", ")))
		}
	}
	// No baseline.
	if started && len(p.Waves) > 0 {
		before := 0
		for i := range p.Waves {
			if !p.waveTime(i).Before(in.Start) {
				break
			}
			for _, u := range in.Units {
				if ok, _ := p.shown(u, p.order[i]); ok {
					before++
					break
				}
			}
		}
		if before == 0 {
			add(NoBaseline, "no_baseline", "", fmt.Sprintf("%s started with no measurement of its units before it", in.Name),
				fmt.Sprintf("no wave before %s shows any of its units", in.Start.Format(time.DateOnly)))
		}
	}
	// Stopping too soon.
	endedAt, ended := in.EndedAt()
	if !ended && in.End.Before(opts.Now) {
		endedAt, ended = in.End, true
	}
	if ended {
		measures := slices.Clone(in.Behaviors)
		for i := range measures {
			measures[i] = BehaviorMeasure(measures[i])
		}
		for _, o := range in.Outcomes {
			if !slices.Contains(measures, o.Metric) {
				measures = append(measures, o.Metric)
			}
		}
		if in.Status == culture.Stopped && endedAt.Before(in.End) {
			add(StoppingTooSoon, "stopped_early", "", fmt.Sprintf("%s was stopped on %s, before its planned end %s", in.Name,
				endedAt.Format(time.DateOnly), in.End.Format(time.DateOnly)))
		}
		after := 0
		for i := range p.Waves {
			if p.waveTime(i).After(endedAt) && !p.waveTime(i).After(opts.Now) {
				after++
			}
		}
		if after < opts.SustainPoints {
			add(StoppingTooSoon, "measurement_stopped", "", fmt.Sprintf("%s ended on %s and only %d wave(s) measured its units since: the sustained-shift rule needs %d",
				in.Name, endedAt.Format(time.DateOnly), after, opts.SustainPoints), fmt.Sprintf("waves after the end: %d", after))
		}
		for _, key := range measures {
			m, err := parseMeasure(key)
			if err != nil {
				continue
			}
			tr := chartAll([]string{"initiative"}, [][]Point{p.pooledSeries(in.Units, m)}, m, directionOf(in, key),
				TrendOptions{Since: in.Start, SustainPoints: opts.SustainPoints}.withDefaults())[0]
			if tr.Verdict != SustainedShift && after >= 1 {
				add(StoppingTooSoon, "ended_before_embedded", key, fmt.Sprintf("%s ended before the gain in %s was embedded (verdict: %s)",
					in.Name, measureName(key), tr.Verdict), tr.Evidence...)
			}
		}
		if len(comparison) >= 2 && len(measures) > 0 {
			im, err := EstimateImpact(p, in, ImpactOptions{Measures: measures, Comparison: comparison, FDR: opts.FDR})
			if err != nil {
				return nil, err
			}
			for _, key := range measures {
				d, a := effectOf(im, key, DuringWindow), effectOf(im, key, AfterWindow)
				if d == nil || a == nil || !d.Estimable || !a.Estimable {
					continue
				}
				if d.Improved && (!a.Improved || (better(a.Direction, d.Estimate-a.Estimate) && !a.Interval.Contains(d.Estimate))) {
					add(StoppingTooSoon, "gains_fading", key, fmt.Sprintf("the gain in %s during %s faded after it ended", measureName(key), in.Name),
						describeEffect(*d), describeEffect(*a))
				}
			}
		}
	}
	return out, nil
}

func directionOf(in culture.Initiative, key string) culture.Direction {
	for _, o := range in.Outcomes {
		if o.Metric == key {
			return o.Direction
		}
	}
	return culture.HigherIsBetter
}

func effectOf(im *Impact, measure, window string) *Effect {
	for i := range im.Effects {
		if im.Effects[i].Measure == measure && im.Effects[i].Window == window {
			return &im.Effects[i]
		}
	}
	return nil
}

// describeEffect states an effect with its numbers.
func describeEffect(e Effect) string {
	scale := 1.0
	unit := ""
	if e.Kind == ShareMeasure {
		scale, unit = 100, " pp"
	}
	sig := "not significant"
	if e.Significant {
		sig = "significant"
	}
	return fmt.Sprintf("%s, %s window: difference in differences %+.3g%s [%+.3g, %+.3g], adjusted p = %.2g (%s; %d treated, %d comparison units)",
		e.Measure, e.Window, scale*e.Estimate, unit, scale*e.Interval.Lower, scale*e.Interval.Upper, e.Adjusted, sig, e.TreatedUnits, e.ComparisonUnits)
}

// fatigue checks the response rates (or, without invited counts, the
// respondent counts) of the root and its children for a significant fall.
func (p *Panel) fatigue(opts PitfallOptions) []Pitfall {
	var out []Pitfall
	units := append([]string{p.Hierarchy.Root()}, p.Hierarchy.Children(p.Hierarchy.Root())...)
	invited := map[int]map[string]int{}
	for i, w := range p.Waves {
		invited[i] = rollInvited(p.Hierarchy, w.Invited)
	}
	for _, u := range units {
		var x, y []float64
		var labels []string
		rates := true
		for i, w := range p.order {
			if ok, _ := p.shown(u, w); !ok {
				continue
			}
			n := float64(p.rolled.Respondents[Group{u, w}])
			inv := invited[i][u]
			if inv <= 0 {
				rates = false
			}
			x = append(x, float64(i))
			if inv > 0 {
				y = append(y, math.Min(1, n/float64(inv)))
			} else {
				y = append(y, n)
			}
			labels = append(labels, w)
		}
		if len(y) < 4 || !rates && anyInvited(p.Waves) {
			continue
		}
		tr := metrics.LinearTrend(x, y)
		if math.IsNaN(tr.Test.P) || tr.Slope >= 0 || tr.Test.P >= opts.FatigueAlpha || y[0] <= 0 || (y[0]-y[len(y)-1])/y[0] < opts.FatigueDrop {
			continue
		}
		what := "respondents"
		format := func(v float64) string { return strconv.FormatFloat(v, 'f', 0, 64) }
		if rates {
			what = "response rate"
			format = func(v float64) string { return fmt.Sprintf("%.0f%%", 100*v) }
		}
		var series []string
		for i := range y {
			series = append(series, labels[i]+": "+format(y[i]))
		}
		out = append(out, Pitfall{Kind: SurveyFatigue, Check: "falling_response", Unit: u,
			Summary: fmt.Sprintf("%s in %s fell from %s to %s over %d waves", what, u, format(y[0]), format(y[len(y)-1]), len(y)),
			Evidence: []string{strings.Join(series, ", "),
				fmt.Sprintf("slope %.3g per wave, p = %.2g", tr.Slope, tr.Test.P)}})
	}
	return out
}

func anyInvited(ws []survey.Wave) bool {
	for _, w := range ws {
		if len(w.Invited) > 0 {
			return true
		}
	}
	return false
}
