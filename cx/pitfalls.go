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

// The pitfalls detected by [Pitfalls]. Each check's rule, rationale and
// error rates are in [Pitfalls].
const (
	// ChangeByDecree: change pushed from the top without involvement:
	// nobody takes part beyond the sponsor, the behaviors have no
	// indicators to make them observable, or beliefs rose while the
	// behaviors people see did not follow (a tested widening of the
	// belief-practice gap).
	ChangeByDecree PitfallKind = "change_by_decree"
	// NotAligned: an initiative not tied to the mission or to tangible
	// outcomes: no mission link, no outcome target, or an outcome that is
	// never measured.
	NotAligned PitfallKind = "not_aligned"
	// StoppingTooSoon: an initiative whose gain faded after it ended (a
	// gain during it and a tested decline after it, see [Sustain]),
	// whether it ran its course or was stopped early.
	StoppingTooSoon PitfallKind = "stopping_too_soon"
	// NoMeasurableGain: an initiative that ended with no measurable gain
	// in its outcomes (Kotter's failure to produce short-term wins).
	NoMeasurableGain PitfallKind = "no_measurable_gain"
	// WinsNotCelebrated: an initiative whose wins were never recognized:
	// no act of recognition of its behaviors in its units (or tied to it)
	// since it started.
	WinsNotCelebrated PitfallKind = "wins_not_celebrated"
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
	// over which a gain must hold to be embedded; default 3 (see
	// [Sustain]).
	SustainPoints int
	// FDR is the false discovery rate of the impact estimates; default
	// 0.05.
	FDR float64
	// Alpha is the one-sided significance level of the tests of a
	// widening belief-practice gap and of a fading gain; default 0.05.
	Alpha float64
	// Recognitions are the acts of recognition recorded by the program
	// (see [Program.RecordRecognitions]); when nil, the panel's
	// (Panel.Recognitions, which Program.Panel fills). When not nil (an
	// empty slice says none were recorded), an initiative with wins ([Wins]) but no
	// recognition of its behaviors in its units, or tied to it, since it
	// started is a [WinsNotCelebrated] pitfall, once RecognitionGrace has
	// passed since the surveys that first showed a win (a win must show
	// in the surveys closed RecognitionGrace before Now).
	Recognitions []culture.Recognition
	// RecognitionGrace is the time allowed to recognize a win; default
	// 30 days.
	RecognitionGrace time.Duration
	// FatigueAlpha is the significance level of the falling response
	// trend; default 0.05. FatigueDrop is the smallest relative fall from
	// the first to the last wave that counts; default 0.1.
	FatigueAlpha, FatigueDrop float64
}

// Pitfalls checks a program for the known pitfalls of culture change:
// each initiative for change by decree, lack of alignment, stopping too
// soon, no measurable gain and a missing baseline; the panel for survey
// fatigue and comparability breaks. Every pitfall of an initiative names
// the initiative in its Summary; the panel's own pitfalls (survey fatigue,
// comparability breaks) name the unit or the measure and the surveys
// concerned. Texts are in plain language (names, dates or wave names,
// percentage points) with their evidence; only figures of shown groups
// are used.
//
// The judgement rules (error rates measured by simulation; see also
// [Sustain]):
//
//   - beliefs_outpace_practice (change by decree): the belief-practice
//     gap (gap:X, the belief items' favorable share minus the behavior
//     items') is tested directly. It fires when beliefs rose (the
//     difference in differences of belief:X is a significant improvement
//     after Benjamini-Hochberg control at FDR) and the gap widened: its
//     difference in differences against the comparison units is
//     positive, one-sided p below Alpha. Once the initiative has ended
//     both windows (during it, and after its end) are tested, each at
//     Alpha/2 (Bonferroni), so that two chances do not double the false
//     alarms. Rationale: culture imposed by
//     decree shows as professed belief that practice does not follow; an
//     initiative that lifts belief and practice alike leaves the gap
//     unchanged and must not fire. Error rates (TestPitfallErrorRates: 12
//     teams, 5 running the initiative, 40 answers per item and wave, 1,600
//     organizations per case, CXCULTURE_TEST_SCALE=20): with beliefs and
//     practices lifted alike by 20 points it fires in 4.8% of running
//     change programs and 4.8% of ended 90-day projects (documented bound
//     5%), with no change in 0.8% (bound 1%), and with the beliefs lifted
//     alone in 98.4% (floor 95%).
//   - gains_fading (stopping too soon): the verdict [GainFading] of
//     [Sustain]: a gain during the initiative followed by a tested decline
//     after its end. Too little data after the end is not a pitfall, and
//     an initiative without a gain cannot fade.
//     An initiative stopped before its planned end is judged by the same
//     rule (its early stop is said in the evidence): stopping early is
//     not a pitfall when the gain held, and there is no gain to fade when
//     it made none (no_measurable_gain).
//   - no_measurable_gain: the initiative ended and none of its outcomes
//     (its behaviors when it has no outcome target) shows a measurable
//     gain, and at least one shows none ([GainNone]).
//   - wins_not_recognized (wins not celebrated): with
//     PitfallOptions.Recognitions or Panel.Recognitions (a program's
//     panel carries them), the initiative has wins ([Wins], with
//     their error rates) and no act of recognition of its behaviors in
//     its units, or tied to it, since it started, RecognitionGrace after
//     the surveys that first showed a win: the surveys closed
//     RecognitionGrace before the check already show one, so a program
//     whose surveys keep running is still checked.
//   - no_participants, no_indicators, no_mission_link, no_outcome,
//     outcome_not_measured, no_baseline: facts of the initiative's
//     definition and of the data, with no error rate.
//   - falling_response (survey fatigue): a significant falling linear
//     trend of response rates (at FatigueAlpha) that lost at least
//     FatigueDrop of the first wave's rate.
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
	if opts.Alpha == 0 {
		opts.Alpha = 0.05
	}
	if opts.RecognitionGrace == 0 {
		opts.RecognitionGrace = 30 * 24 * time.Hour
	}
	if !(opts.Alpha > 0 && opts.Alpha < 0.5) {
		ps.add("alpha", "must be in (0,0.5)")
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
	if opts.Recognitions == nil {
		opts.Recognitions = q.Recognitions
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
			Summary: fmt.Sprintf("%s cannot be compared between %s and %s: its questions changed", q.Label(b.Measure),
				q.waveName(b.Previous), q.waveName(b.Wave)),
			Evidence: q.breakEvidence(b)})
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
		add(ChangeByDecree, "no_participants", "", fmt.Sprintf("%s involves nobody beyond its sponsor, %s", in.Name, in.Owner),
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
			add(ChangeByDecree, "no_indicators", BehaviorMeasure(b), fmt.Sprintf("%s fosters %s, which has no indicator: nobody can see whether it changes",
				in.Name, lowerFirst(p.behaviorName(b))), fmt.Sprintf("%d indicators defined, none for %s", len(opts.Indicators), p.behaviorName(b)))
		}
	}
	started := !in.Start.After(opts.Now)
	comparison := defaultComparison(p.Hierarchy, in)
	if started && len(p.Waves) > 0 {
		for _, b := range in.Behaviors {
			bel, _ := p.measure(BeliefPrefix + b)
			pra, _ := p.measure(PracticePrefix + b)
			if len(bel.items(p.Survey)) == 0 || len(pra.items(p.Survey)) == 0 {
				continue
			}
			pf, err := p.decree(in, b, comparison, opts)
			if err != nil {
				return nil, err
			}
			if pf != nil {
				out = append(out, *pf)
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
		m, err := p.measure(o.Metric)
		if err != nil {
			add(NotAligned, "outcome_not_measured", o.Metric, fmt.Sprintf("%s has an outcome, %s, that the program does not measure", in.Name, lowerFirst(p.Label(o.Metric))),
				"no survey or operational metric of the program measures it")
			continue
		}
		shown := 0
		for _, pt := range p.pooledSeries(in.Units, m) {
			if pt.usable() {
				shown++
			}
		}
		if shown == 0 {
			add(NotAligned, "outcome_not_measured", o.Metric, fmt.Sprintf("%s has an outcome, %s, that is never measured in its units", in.Name, lowerFirst(p.Label(o.Metric))),
				fmt.Sprintf("no shown value of %s in %s", p.Label(o.Metric), p.unitNames(in.Units)))
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
			add(NoBaseline, "no_baseline", "", fmt.Sprintf("%s started on %s with no survey of its units before it", in.Name, dateText(in.Start)),
				fmt.Sprintf("no wave before %s shows any of its units", dateText(in.Start)))
		}
	}
	// Wins never celebrated.
	if started && opts.Recognitions != nil && len(in.Outcomes) > 0 && len(p.Waves) > 0 {
		pf, err := p.uncelebrated(in, comparison, opts)
		if err != nil {
			return nil, err
		}
		if pf != nil {
			out = append(out, *pf)
		}
	}
	// Stopping too soon, and no measurable gain.
	endedAt, ended := endOf(in, opts.Now)
	if !ended {
		return out, nil
	}
	// Stopping early is no pitfall by itself: stopping too soon is a gain
	// that did not hold (gains_fading); an early stop is said in its
	// evidence.
	stoppedEarly := ""
	if in.Status == culture.Stopped && endedAt.Before(in.End) {
		stoppedEarly = fmt.Sprintf("%s was stopped on %s, before its planned end on %s", in.Name, dateText(endedAt), dateText(in.End))
	}
	measures := initiativeMeasures(in)
	if len(measures) == 0 {
		return out, nil
	}
	ss, err := p.sustain(in, SustainOptions{Now: opts.Now, Measures: measures, Comparison: comparison, SustainPoints: opts.SustainPoints,
		FDR: opts.FDR, Alpha: opts.Alpha}.withDefaults())
	if err != nil {
		return nil, err
	}
	var targets []string
	for _, o := range in.Outcomes {
		targets = append(targets, o.Metric)
	}
	if len(targets) == 0 {
		targets = measures
	}
	var none []Sustainment
	gained := false
	for _, s := range ss {
		if s.Verdict == GainFading {
			ev := s.Evidence
			if stoppedEarly != "" {
				ev = append([]string{stoppedEarly}, ev...)
			}
			add(StoppingTooSoon, "gains_fading", s.Measure, s.Summary, ev...)
		}
		if !slices.Contains(targets, s.Measure) {
			continue
		}
		switch s.Verdict {
		case GainNone:
			none = append(none, s)
		case GainFading, GainHolding, GainEmbedded:
			gained = true
		case GainTooLittleData:
			if s.During.Improved || s.After.Improved {
				gained = true
			}
		}
	}
	if !gained && len(none) > 0 {
		var labels, ev []string
		for _, s := range none {
			labels = append(labels, s.Label)
			ev = append(ev, s.Evidence...)
		}
		add(NoMeasurableGain, "no_measurable_gain", "", fmt.Sprintf("%s made no measurable gain in %s against the units that did not run it",
			in.Name, joinAnd(labels)), ev...)
	}
	return out, nil
}

// decree tests the change in the belief-practice gap of behavior b: the
// difference in differences of gap:b (belief share minus practice share)
// against the comparison units. It returns the pitfall when beliefs rose
// (a significant improvement of belief:b after Benjamini-Hochberg control
// over the beliefs, practices and gaps of both windows) and the gap
// widened, one-sided at opts.Alpha.
func (p *Panel) decree(in culture.Initiative, b string, comparison []string, opts PitfallOptions) (*Pitfall, error) {
	bel, pra, gap := BeliefPrefix+b, PracticePrefix+b, GapPrefix+b
	im, err := EstimateImpact(p, in, ImpactOptions{Measures: []string{bel, pra, gap}, Comparison: comparison, FDR: opts.FDR,
		Directions: map[string]culture.Direction{gap: culture.LowerIsBetter}})
	if err != nil {
		return nil, err
	}
	// Each window whose gap is estimable is a test: Bonferroni over them
	// keeps the rule's false alarms at or below Alpha once an initiative
	// has ended and both windows are tested.
	windows := []string{DuringWindow, AfterWindow}
	tests := 0
	for _, w := range windows {
		if ge := effectOf(im, gap, w); ge != nil && ge.Estimable {
			tests++
		}
	}
	alpha := opts.Alpha / float64(max(tests, 1))
	for _, w := range windows {
		be, pe, ge := effectOf(im, bel, w), effectOf(im, pra, w), effectOf(im, gap, w)
		if be == nil || ge == nil || !be.Estimable || !ge.Estimable || !be.Improved || ge.Estimate <= 0 {
			continue
		}
		if one := ge.P / 2; one < alpha {
			when := "during it"
			if w == AfterWindow {
				when = "by the surveys after its end"
			}
			name := lowerFirst(p.behaviorName(b))
			return &Pitfall{Kind: ChangeByDecree, Check: "beliefs_outpace_practice", Initiative: in.ID, Name: in.Name, Measure: BehaviorMeasure(b),
				Summary: fmt.Sprintf("%s raised belief in %s %s, but %s in practice did not follow: the gap between belief and practice widened by %s",
					in.Name, name, when, name, signedAmount(DifferenceMeasure, ge.Estimate)[1:]),
				Evidence: []string{p.describeEffect(*be), p.describeEffect(*pe), p.describeEffect(*ge) + "; one-sided " + pText(one)}}, nil
		}
	}
	return nil, nil
}

// uncelebrated returns the WinsNotCelebrated pitfall of an initiative
// with wins, already shown by the surveys closed RecognitionGrace before
// now, and no recognition of its behaviors in its units (or tied to it)
// since its start, or nil.
func (p *Panel) uncelebrated(in culture.Initiative, comparison []string, opts PitfallOptions) (*Pitfall, error) {
	im, err := EstimateImpact(p, in, ImpactOptions{Comparison: comparison, FDR: opts.FDR})
	if err != nil {
		return nil, err
	}
	wins := Wins(im)
	if len(wins) == 0 {
		return nil, nil
	}
	// The grace runs from when a win first showed: the pitfall needs a
	// win in the data as it stood RecognitionGrace ago (the surveys
	// closed by then), not only now. Without wave times it cannot be
	// dated and the grace is not applied.
	if len(p.Waves) > 0 {
		then, err := p.asOf(opts.Now.Add(-opts.RecognitionGrace))
		if err != nil {
			return nil, err
		}
		if len(then.Waves) == 0 {
			return nil, nil
		}
		im, err := EstimateImpact(then, in, ImpactOptions{Comparison: comparison, FDR: opts.FDR})
		if err != nil {
			return nil, err
		}
		if len(Wins(im)) == 0 {
			return nil, nil
		}
	}
	units := map[string]bool{}
	for _, u := range in.Units {
		units[u] = true
		for _, d := range p.Hierarchy.Descendants(u) {
			units[d] = true
		}
	}
	for _, r := range opts.Recognitions {
		if r.At.Before(in.Start) || r.At.After(opts.Now) {
			continue
		}
		if r.Initiative == in.ID || (units[r.Unit] && (len(in.Behaviors) == 0 || slices.Contains(in.Behaviors, r.Behavior))) {
			return nil, nil
		}
	}
	var results []string
	for _, w := range wins {
		results = append(results, fmt.Sprintf("%s: %s", w.Label, strings.TrimPrefix(w.Text, "Win: ")))
	}
	var names []string
	for _, b := range in.Behaviors {
		names = append(names, lowerFirst(p.behaviorName(b)))
	}
	what := "its people"
	if len(names) > 0 {
		what = "the " + joinAnd(names) + " behind them"
	}
	return &Pitfall{Kind: WinsNotCelebrated, Check: "wins_not_recognized", Initiative: in.ID, Name: in.Name,
		Summary: fmt.Sprintf("%s has %d win(s) to celebrate, but nobody has recognized %s since it started on %s",
			in.Name, len(wins), what, dateText(in.Start)),
		Evidence: append(results, fmt.Sprintf("%d acts of recognition recorded, none in its units for its behaviors or tied to it since %s",
			len(opts.Recognitions), dateText(in.Start)))}, nil
}

// unitNames names units for people: their names, joined.
func (p *Panel) unitNames(units []string) string {
	names := make([]string, len(units))
	for i, u := range units {
		names[i] = p.unitName(u)
	}
	return joinAnd(names)
}

func (p *Panel) unitName(u string) string {
	if p.Hierarchy != nil {
		if x, ok := p.Hierarchy.Unit(u); ok && x.Name != "" {
			return x.Name
		}
	}
	return u
}

// joinAnd joins words as people list them: "a, b and c".
func joinAnd(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

func effectOf(im *Impact, measure, window string) *Effect {
	for i := range im.Effects {
		if im.Effects[i].Measure == measure && im.Effects[i].Window == window {
			return &im.Effects[i]
		}
	}
	return nil
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
			inv := p.plan.invitedShown(u, w, int64(invited[i][u]))
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
			series = append(series, p.waveName(labels[i])+": "+format(y[i]))
		}
		fall := fmt.Sprintf("%.1f respondents", -tr.Slope)
		if rates {
			fall = fmt.Sprintf("%.1f percentage points", -100*tr.Slope)
		}
		out = append(out, Pitfall{Kind: SurveyFatigue, Check: "falling_response", Unit: u,
			Summary: fmt.Sprintf("%s in %s fell from %s to %s over %d surveys", what, p.unitName(u), format(y[0]), format(y[len(y)-1]), len(y)),
			Evidence: []string{strings.Join(series, ", "),
				fmt.Sprintf("falling by %s a survey on average (%s)", fall, pText(tr.Test.P))}})
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

// breakEvidence says, quoting the items, what changed at a comparability
// break.
func (p *Panel) breakEvidence(b ComparabilityBreak) []string {
	m, err := p.measure(b.Measure)
	if err != nil || m.items == nil {
		return []string{"its questions changed"}
	}
	items := func(wave string) []survey.Item {
		out := m.items(p.instrument(wave))
		if m.other != nil {
			out = append(out, m.other(p.instrument(wave))...)
		}
		return out
	}
	out := itemChanges(items(b.Previous), items(b.Wave))
	if len(out) == 0 {
		out = append(out, "its questions changed")
	}
	return out
}
