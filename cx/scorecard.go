package cx

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/cxculture/cxculture/cx/org"
	"github.com/cxculture/cxculture/metrics"
	"github.com/cxculture/cxculture/survey"
)

// ChangeScope says which units a scorecard tests for change.
type ChangeScope int

const (
	// AllUnits tests every unit, leaves and roll-ups.
	AllUnits ChangeScope = iota
	// LeavesOnly tests the units without children (teams).
	LeavesOnly
)

// ScorecardOptions configure a scorecard. Wave is required; zero values of
// the other fields take the defaults.
type ScorecardOptions struct {
	// Wave is the wave scored.
	Wave string
	// Baseline is the wave changes are measured against; empty for none.
	Baseline string
	// MinGroup is the minimum number of respondents for a unit's figures
	// to be shown; default 5. Smaller groups are suppressed, and so is
	// each figure of a shown unit that fewer people answered (a behavior
	// with an item answered by 1 to MinGroup-1 people, eNPS likewise).
	// Without Privacy or Disclosure, that threshold is the only rule
	// applied (the field's bare threshold): a hidden unit can then often
	// be worked out by subtracting its shown siblings from its parent. With Privacy or Disclosure set,
	// MinGroup defaults to their minimum and, if given, must equal it.
	MinGroup int
	// UnitMinimumOnly applies MinGroup to units' respondents only, as the
	// benchmark workload defines suppression: a shown unit then shows
	// every figure, even one that fewer of its people answered. It exists
	// to compare results with tools that do so; figures people read
	// should never use it. Not allowed with Privacy or Disclosure.
	UnitMinimumOnly bool
	// Privacy, when set, applies these privacy rules (see [Privacy]):
	// complementary suppression, so that no hidden unit can be worked out
	// from the shown ones. It is the recommended setting; the rules plan
	// the scored wave and the baseline (the wave-difference rule needs
	// every wave in order: pass a Disclosure for it). [Program.Scorecard]
	// applies the program's rules (Options.Privacy) when neither Privacy,
	// Disclosure nor MinGroup is set.
	Privacy *Privacy
	// Disclosure, when set, is the plan applied (see [Privacy.Plan]); it
	// must cover Wave and Baseline. Plan once over every wave a product
	// shows and pass the same plan to every scorecard, trend and report,
	// so that each hides the same cells.
	Disclosure *Disclosure
	// Level is the confidence level of intervals; default 0.95.
	Level float64
	// FDR is the false discovery rate at which a change is significant
	// after Benjamini-Hochberg adjustment; default 0.05.
	FDR float64
	// ChangeScope selects the units tested for change; default AllUnits.
	ChangeScope ChangeScope
	// Listwise computes reliability over complete responses only; by
	// default pairwise, as psych::alpha(use = "pairwise").
	Listwise bool
	// Invited is the number of people invited per unit in the wave, for
	// response rates; Program.Scorecard fills it from the wave. A roll-up
	// unit's invited count is the sum over itself and the units below it.
	Invited map[string]int
	// Fielded holds, per wave ID, the instrument as fielded in that wave
	// when it differs from the survey given to [NewScorecard] (an item
	// reworded, rescaled or added in a new version); [Program.Scorecard]
	// fills it from the versions the waves fielded. The wave is scored on
	// its own instrument, and a behavior's change since the baseline is
	// measured on the items both waves measured alike only
	// ([survey.Item.Comparable]); [BehaviorScore.Break] says which items
	// were left out and why.
	Fielded map[string]survey.Survey
	// Lineage relates the org when the baseline opened to the org when
	// the wave opened (org.History.Lineage), when they differ;
	// [Program.Scorecard] fills it. The hierarchy given to [NewScorecard]
	// is then the wave's, the baseline's tallies name the baseline's
	// units, and each unit is compared with its predecessors: a unit that
	// is not comparable shows no change and says why
	// ([UnitScore.NotComparable]); a restated baseline is shown only when
	// it adds up from baseline figures that are shown themselves and
	// rests on at least MinGroup people ([UnitScore.Restated]).
	Lineage *org.Lineage

	// baseKey is the wave key of the baseline's figures in the rolled
	// tallies (restated for another org or version, or the baseline);
	// thenRespondents and thenPlan are the baseline's respondents and
	// plan on the baseline's own org, when the org changed.
	baseKey         string
	thenRespondents map[string]int64
	thenPlan        *Disclosure
}

func (o ScorecardOptions) withDefaults() ScorecardOptions {
	o.Privacy = rulesOf(o.Privacy, o.Disclosure)
	if o.Privacy != nil && o.MinGroup == 0 {
		o.MinGroup = o.Privacy.MinScores
	}
	if o.MinGroup == 0 {
		o.MinGroup = DefaultMinScores
	}
	if o.Level == 0 {
		o.Level = 0.95
	}
	if o.FDR == 0 {
		o.FDR = 0.05
	}
	return o
}

func (o ScorecardOptions) validate() error {
	var ps problems
	if !survey.ValidID(o.Wave) {
		ps.add("wave", fmt.Sprintf("malformed or missing wave %q", o.Wave))
	}
	if o.Baseline != "" && !survey.ValidID(o.Baseline) {
		ps.add("baseline", fmt.Sprintf("malformed wave %q", o.Baseline))
	}
	if o.Baseline != "" && o.Baseline == o.Wave {
		ps.add("baseline", "must differ from the wave scored")
	}
	if o.MinGroup < 1 {
		ps.add("min_group", fmt.Sprintf("must be at least 1, got %d", o.MinGroup))
	}
	if o.Privacy != nil {
		if o.UnitMinimumOnly {
			ps.add("unit_minimum_only", "not allowed with privacy rules or a disclosure plan")
		}
		if err := o.Privacy.Validate(); err != nil {
			ps = append(ps, err.(*ValidationError).Problems...)
		}
		if o.MinGroup != o.Privacy.MinScores {
			ps.add("min_group", fmt.Sprintf("%d differs from the privacy rules' minimum %d: leave it unset", o.MinGroup, o.Privacy.MinScores))
		}
	}
	if d := o.Disclosure; d != nil {
		if *o.Privacy != d.Privacy() {
			ps.add("privacy", "differs from the rules of the disclosure plan")
		}
		for _, w := range []string{o.Wave, o.Baseline} {
			if w != "" && !d.waves[w] {
				ps.add("disclosure", fmt.Sprintf("the plan does not cover wave %q", w))
			}
		}
	}
	if !(o.Level > 0 && o.Level < 1) {
		ps.add("level", fmt.Sprintf("must be in (0,1), got %g", o.Level))
	}
	if !(o.FDR > 0 && o.FDR < 1) {
		ps.add("fdr", fmt.Sprintf("must be in (0,1), got %g", o.FDR))
	}
	if o.ChangeScope != AllUnits && o.ChangeScope != LeavesOnly {
		ps.add("change_scope", "must be AllUnits or LeavesOnly")
	}
	for _, u := range sortedKeys(o.Invited) {
		if o.Invited[u] < 0 {
			ps.add("invited."+u, "must not be negative")
		}
	}
	return ps.err()
}

// Scorecard is the picture of one wave: per unit of the hierarchy (leaves
// and roll-ups), how favorable each behavior is, eNPS, and the change
// since a baseline wave, with intervals and multiple-comparison control; and
// per behavior, whether its items hold together.
//
// A suppressed unit carries no figure at all, only the reason.
type Scorecard struct {
	Survey   string `json:"survey"`
	Wave     string `json:"wave"`
	Baseline string `json:"baseline,omitempty"`
	// Level is the confidence level of the intervals.
	Level float64 `json:"level"`
	// FDR is the false discovery rate of the change tests.
	FDR float64 `json:"fdr"`
	// MinGroup is the minimum group size applied.
	MinGroup int `json:"min_group"`
	// Privacy holds the privacy rules applied, when the scorecard applied
	// them (ScorecardOptions.Privacy or Disclosure); nil when it applied
	// the bare MinGroup threshold.
	Privacy *Privacy `json:"privacy,omitempty"`
	// Behaviors are the constructs scored, in survey order; every
	// UnitScore.Behaviors is aligned with it.
	Behaviors []string `json:"behaviors"`
	// Units lists every unit, parents before children.
	Units []UnitScore `json:"units"`
	// Reliability holds, per behavior with at least two items, Cronbach's
	// alpha over the whole organization in the wave.
	Reliability []Reliability `json:"reliability,omitempty"`
	// Tests is the number of change tests adjusted together.
	Tests int `json:"tests"`
}

// UnitScore is one unit's row of a scorecard.
type UnitScore struct {
	Unit   string `json:"unit"`
	Name   string `json:"name"`
	Parent string `json:"parent,omitempty"`
	Depth  int    `json:"depth"`
	Leaf   bool   `json:"leaf"`
	// Suppressed units show no figures; Reason says why (the structured
	// reason is the Disclosure's, see [Disclosure.Hidden]).
	Suppressed bool   `json:"suppressed,omitempty"`
	Reason     string `json:"reason,omitempty"`
	// Respondents is the number of responses in the wave.
	Respondents int64 `json:"respondents,omitempty"`
	// ResponseRate is Respondents over the invited count, when known and
	// not withheld by the plan ([Disclosure.InvitedHidden]).
	ResponseRate *Estimate `json:"response_rate,omitempty"`
	// Behaviors are aligned with Scorecard.Behaviors.
	Behaviors []BehaviorScore `json:"behaviors,omitempty"`
	// ENPS is the employee Net Promoter Score, when the survey has an
	// item with construct "enps" and someone answered it, and it may be
	// shown; ENPSReason says why it is hidden when it may not.
	ENPS       *NPSScore `json:"enps,omitempty"`
	ENPSReason string    `json:"enps_reason,omitempty"`
	// NotComparable says why the unit shows no change since the baseline
	// although both waves may have figures: it is new since the
	// baseline, or its people were divided by a split (see
	// [ScorecardOptions.Lineage]).
	NotComparable string `json:"not_comparable,omitempty"`
	// Restated says how the unit's baseline relates to the unit, when the
	// org changed between the two waves: restated on the wave's org when
	// it is not what the unit itself was at the baseline (units moved in
	// or out, units merged into it), and the units added since, which
	// the baseline did not have.
	Restated string `json:"restated,omitempty"`
}

// Estimate is a share with its confidence interval and counts.
type Estimate struct {
	Value    float64          `json:"value"`
	Interval metrics.Interval `json:"interval"`
	metrics.Proportion
}

// BehaviorScore is how favorable one behavior is in one unit.
type BehaviorScore struct {
	Behavior string `json:"behavior"`
	// Suppressed is set when the behavior's figures may not be shown in
	// this unit although the unit is shown (fewer than the minimum of its
	// people answered the behavior's items, or hiding them protects
	// another group): Favorable and Mean then hold no figure (zero counts,
	// NaN values) and Reason says why.
	Suppressed bool   `json:"suppressed,omitempty"`
	Reason     string `json:"reason,omitempty"`
	// Favorable is the share of favorable answers pooled over the
	// behavior's answered items, after reverse keying, with its Wilson
	// interval. Answers of one respondent to several items are counted as
	// independent, as the pooled share is conventionally tested; with k
	// items the interval may be too narrow by up to a factor sqrt(k).
	Favorable Estimate `json:"favorable"`
	// Mean is the mean answer, after reverse keying, with its t interval;
	// NaN when the behavior's items use different scales.
	Mean         float64          `json:"mean"`
	MeanInterval metrics.Interval `json:"mean_interval"`
	// Change is the change of Favorable since the baseline wave, when the
	// scorecard has one and the unit is shown in both.
	Change *Change `json:"change,omitempty"`
	// Break says which of the behavior's items the change leaves out, and
	// why (reworded, rescaled or not asked in the baseline): the change is
	// measured on the others, or not at all when none is left.
	Break string `json:"break,omitempty"`
}

// Change compares a favorable share with the baseline wave's.
type Change struct {
	// Items are the items compared, when they are fewer than the
	// behavior's (see [BehaviorScore.Break]): both shares, Current and
	// Baseline, are then over these items only, and Current differs from
	// the behavior's Favorable, which is over every item of the wave.
	Items []string `json:"items,omitempty"`
	// Current is the wave's favorable share over the items compared;
	// Baseline the baseline's over the same items.
	Current  Estimate `json:"current"`
	Baseline Estimate `json:"baseline"`
	// Diff is the change in the share (Current minus Baseline).
	Diff float64 `json:"diff"`
	// Test is the pooled two-proportion z test, wave against baseline.
	Test metrics.Test `json:"test"`
	// Adjusted is the Benjamini-Hochberg adjusted p-value over every
	// change test of the scorecard.
	Adjusted float64 `json:"adjusted"`
	// Significant reports Adjusted < the scorecard's FDR.
	Significant bool `json:"significant"`
}

// NPSScore is a Net Promoter Score with its Wald interval, in points.
type NPSScore struct {
	metrics.NPS
	Score    float64          `json:"score"`
	Interval metrics.Interval `json:"interval"`
}

// Reliability is the internal consistency of one behavior's items.
type Reliability struct {
	Behavior string `json:"behavior"`
	// Items are the item IDs of the group.
	Items []string `json:"items"`
	// Alpha is Cronbach's alpha with its Feldt interval; NaN when
	// undefined.
	Alpha metrics.Alpha `json:"alpha"`
}

// Heatmap is the units × behaviors grid of a scorecard, for reports.
type Heatmap struct {
	Units     []string `json:"units"`
	Behaviors []string `json:"behaviors"`
	// Cells[i][j] is unit i, behavior j.
	Cells [][]HeatCell `json:"cells"`
}

// HeatCell is one cell of a heatmap: a favorable share, or the reason it
// is hidden.
type HeatCell struct {
	Value      float64 `json:"value"`
	N          int64   `json:"n,omitempty"`
	Suppressed bool    `json:"suppressed,omitempty"`
	Reason     string  `json:"reason,omitempty"`
	// Significant marks a significant change since the baseline; Up tells
	// its direction.
	Significant bool `json:"significant,omitempty"`
	Up          bool `json:"up,omitempty"`
}

// Heatmap returns the units × behaviors grid of the scorecard.
func (sc *Scorecard) Heatmap() Heatmap {
	hm := Heatmap{Behaviors: slices.Clone(sc.Behaviors)}
	for _, u := range sc.Units {
		hm.Units = append(hm.Units, u.Unit)
		row := make([]HeatCell, len(sc.Behaviors))
		for j := range row {
			switch {
			case u.Suppressed:
				row[j] = HeatCell{Value: math.NaN(), Suppressed: true, Reason: u.Reason}
			case u.Behaviors[j].Suppressed:
				row[j] = HeatCell{Value: math.NaN(), Suppressed: true, Reason: u.Behaviors[j].Reason}
			default:
				b := u.Behaviors[j]
				row[j] = HeatCell{Value: b.Favorable.Value, N: b.Favorable.N}
				if b.Change != nil && b.Change.Significant {
					row[j].Significant, row[j].Up = true, b.Change.Diff > 0
				}
			}
		}
		hm.Cells = append(hm.Cells, row)
	}
	return hm
}

// Unit returns the row of the unit with the given ID.
func (sc *Scorecard) Unit(id string) (UnitScore, bool) {
	for _, u := range sc.Units {
		if u.Unit == id {
			return u, true
		}
	}
	return UnitScore{}, false
}

// behaviorItems groups a survey's belief and behavior items by construct,
// in survey order.
func behaviorItems(s survey.Survey) (names []string, items [][]survey.Item) {
	index := map[string]int{}
	for _, it := range s.Items {
		if it.Construct == "" || (it.Kind != survey.Belief && it.Kind != survey.Behavior) {
			continue
		}
		i, ok := index[it.Construct]
		if !ok {
			i = len(names)
			index[it.Construct] = i
			names = append(names, it.Construct)
			items = append(items, nil)
		}
		items[i] = append(items[i], it)
	}
	return names, items
}

// NewScorecard computes the scorecard of one wave from the tallies of a
// survey's responses (as tallied, per unit; roll-ups are computed here).
// It fails with a [*ValidationError] for invalid options, and with
// [ErrNotFound] when a unit of the tallies is not in h.
func NewScorecard(h *Hierarchy, s survey.Survey, t *Tallies, opts ScorecardOptions) (*Scorecard, error) {
	scs, err := NewScorecards(h, s, t, opts)
	if err != nil {
		return nil, err
	}
	return scs[0], nil
}

// NewScorecards computes several scorecards of the same tallies, one per
// options value (for example one per wave), in order. Each equals what
// [NewScorecard] returns for its options; together they cost less: the
// tallies are rolled up and their response patterns indexed once, and the
// scorecards are computed in parallel. Errors are those of NewScorecard;
// an invalid options value is named by its index.
func NewScorecards(h *Hierarchy, s survey.Survey, t *Tallies, opts ...ScorecardOptions) ([]*Scorecard, error) {
	waves, scored, err := prepareScorecards(opts)
	if err != nil || len(opts) == 0 {
		return nil, err
	}
	if t.Survey != s.ID {
		return nil, invalid("tallies", fmt.Sprintf("tallies of survey %q, not %q", t.Survey, s.ID))
	}
	if len(opts) > 1 && !oneInstrument(s, opts) {
		// Waves that fielded other versions are scored apart.
		out := make([]*Scorecard, len(opts))
		for i := range opts {
			sc, err := NewScorecards(h, s, t, opts[i])
			if err != nil {
				return nil, fmt.Errorf("cx: scorecard %d: %w", i, err)
			}
			out[i] = sc[0]
		}
		return out, nil
	}
	s = opts[0].instrument(s, opts[0].Wave)
	if t, err = restate(t, opts, s); err != nil {
		return nil, err
	}
	waves = waves[:0]
	for _, o := range opts {
		for _, w := range []string{o.Wave, o.baseKey} {
			if w != "" && !slices.Contains(waves, w) {
				waves = append(waves, w)
			}
		}
	}
	r, err := rollUpWaves(h, s, t, waves...)
	if err != nil {
		return nil, err
	}
	return scoreAll(h, s, r, nil, func() (map[string]groupStats, error) { return statsByWave(s, t, scored), nil }, opts)
}

// oneInstrument reports whether every options value scores its wave on
// the same instrument.
func oneInstrument(s survey.Survey, opts []ScorecardOptions) bool {
	first := opts[0].instrument(s, opts[0].Wave)
	for _, o := range opts[1:] {
		if w := o.instrument(s, o.Wave); w.Version != first.Version || !slices.EqualFunc(w.Items, first.Items, survey.Item.Equal) {
			return false
		}
	}
	return true
}

// prepareScorecards applies the defaults to opts and validates them; it
// returns the waves to roll up and the waves scored.
func prepareScorecards(opts []ScorecardOptions) (waves, scored []string, err error) {
	for i := range opts {
		opts[i] = opts[i].withDefaults()
		if err := opts[i].validate(); err != nil {
			if len(opts) > 1 {
				return nil, nil, fmt.Errorf("cx: scorecard %d: %w", i, err)
			}
			return nil, nil, err
		}
		for _, w := range []string{opts[i].Wave, opts[i].Baseline} {
			if w != "" && !slices.Contains(waves, w) {
				waves = append(waves, w)
			}
		}
		opts[i].baseKey = opts[i].Baseline
		scored = append(scored, opts[i].Wave)
	}
	return waves, scored, nil
}

// reliability computes, per behavior with a reliability group, Cronbach's
// alpha over the organization from the statistics of the wave.
func reliability(s survey.Survey, stats groupStats, behaviors []string, opts ScorecardOptions) ([]Reliability, error) {
	groups := ReliabilityGroups(s)
	if len(groups) == 0 {
		return nil, nil
	}
	if stats == nil {
		stats = func(g []string) (*metrics.ScaleStats, error) { return scaleStats(s, g, nil) }
	}
	var out []Reliability
	for _, b := range behaviors {
		for _, g := range groups {
			first, _ := s.Item(g[0])
			if first.Construct != b {
				continue
			}
			st, err := stats(g)
			if err != nil {
				return nil, err
			}
			a, err := st.Alpha(&metrics.AlphaOptions{Listwise: opts.Listwise, Level: opts.Level})
			if err != nil {
				return nil, fmt.Errorf("cx: reliability of %s: %w", b, err)
			}
			out = append(out, Reliability{Behavior: b, Items: slices.Clone(g), Alpha: a})
		}
	}
	return out, nil
}

type patternCount struct {
	pattern string
	n       int64
}

// groupStats returns the statistics of a reliability group of items
// (after reverse keying) in one wave. The statistics may be shared: they
// must not be changed. A nil groupStats has no patterns.
type groupStats func(group []string) (*metrics.ScaleStats, error)

// statsByWave returns the statistics of the given waves of t, computed
// from their response patterns when asked for.
func statsByWave(s survey.Survey, t *Tallies, waves []string) map[string]groupStats {
	out := make(map[string]groupStats, len(waves))
	for w, byGroup := range patternsByWave(t, waves) {
		out[w] = func(group []string) (*metrics.ScaleStats, error) {
			return scaleStats(s, group, byGroup[strings.Join(group, ",")])
		}
	}
	return out
}

// patternsOf returns the patterns of one wave by group key.
func patternsOf(t *Tallies, wave string) map[string][]patternCount {
	return patternsByWave(t, []string{wave})[wave]
}

// patternsByWave returns the patterns of the given waves by wave and group
// key, in one pass over the tallies.
func patternsByWave(t *Tallies, waves []string) map[string]map[string][]patternCount {
	out := make(map[string]map[string][]patternCount, len(waves))
	for _, w := range waves {
		out[w] = map[string][]patternCount{}
	}
	for pk, n := range t.Patterns {
		if byGroup, ok := out[pk.Wave]; ok {
			byGroup[pk.Items] = append(byGroup[pk.Items], patternCount{pk.Pattern, n})
		}
	}
	return out
}

// PatternStats returns the sufficient statistics of a reliability group of
// items (after reverse keying) in one wave, built from the response
// patterns of t.
func PatternStats(s survey.Survey, t *Tallies, wave string, group []string) (*metrics.ScaleStats, error) {
	return scaleStats(s, group, patternsOf(t, wave)[strings.Join(group, ",")])
}

func scaleStats(s survey.Survey, group []string, patterns []patternCount) (*metrics.ScaleStats, error) {
	st := metrics.NewScaleStats(len(group))
	if err := addPatterns(st, s, group, patterns); err != nil {
		return nil, err
	}
	return st, nil
}

// addPatterns adds response patterns of a reliability group of items of s
// to st, each answer as keyed.
func addPatterns(st *metrics.ScaleStats, s survey.Survey, group []string, patterns []patternCount) error {
	items := make([]survey.Item, len(group))
	for i, id := range group {
		it, ok := s.Item(id)
		if !ok {
			return fmt.Errorf("cx: item %q is not in survey %q: %w", id, s.ID, ErrNotFound)
		}
		items[i] = it
	}
	row := make([]float64, len(group))
	for _, pc := range patterns {
		if len(pc.pattern) != len(items) {
			return fmt.Errorf("cx: pattern %q has %d answers for %d items: %w", pc.pattern, len(pc.pattern), len(items), ErrInvalid)
		}
		for j, it := range items {
			c := pc.pattern[j]
			if c == '.' {
				row[j] = math.NaN()
				continue
			}
			v := it.Scale.Min + int(c) - 'A'
			if !it.Scale.Contains(v) {
				return fmt.Errorf("cx: pattern %q: answer outside the scale of %s: %w", pc.pattern, it.ID, ErrInvalid)
			}
			row[j] = float64(it.Keyed(v))
		}
		if err := st.AddWeighted(row, pc.n); err != nil {
			return err
		}
	}
	return nil
}

// Scorecard computes the scorecard of a stored wave of a survey: tallies
// come from the store (computed in the database when it offers
// [TallyStore]), invited counts from the wave. The wave is scored on the
// org in force when it opened and on the version of the survey it
// fielded; a change since the baseline compares each unit with its
// predecessors in the baseline's org (ScorecardOptions.Lineage) on the
// items both waves measured alike (ScorecardOptions.Fielded). Unless opts
// set rules of their own (Privacy or Disclosure) or ask for the bare
// threshold (UnitMinimumOnly), the program's plan applies
// ([Program.Disclosure] over every wave of the survey): MinGroup may then
// be left unset or equal the program's minimum; another value fails with
// a [*ValidationError] (a second minimum would make a second plan, whose
// hidden cells beside the first's could single people out).
func (p *Program) Scorecard(ctx context.Context, surveyID string, opts ScorecardOptions) (*Scorecard, error) {
	s, err := p.store.GetSurvey(ctx, surveyID)
	if err != nil {
		return nil, err
	}
	w, err := p.store.GetWave(ctx, opts.Wave)
	if err != nil {
		return nil, err
	}
	if w.Survey != surveyID {
		return nil, invalid("wave", fmt.Sprintf("wave %q belongs to survey %q, not %q", w.ID, w.Survey, surveyID))
	}
	waves := []string{opts.Wave}
	if opts.Baseline != "" {
		b, err := p.store.GetWave(ctx, opts.Baseline)
		if err != nil {
			return nil, err
		}
		if b.Survey != surveyID {
			return nil, invalid("baseline", fmt.Sprintf("wave %q belongs to survey %q, not %q", b.ID, b.Survey, surveyID))
		}
		waves = append(waves, opts.Baseline)
	}
	h, err := p.waveContext(ctx, s, w, opts.Baseline, &opts)
	if err != nil {
		return nil, err
	}
	var t *Tallies
	if opts.Privacy == nil && opts.Disclosure == nil && !opts.UnitMinimumOnly {
		if err := p.checkMinGroup(opts.MinGroup); err != nil {
			return nil, err
		}
		// The program's one plan, over every wave of the survey.
		if opts.Disclosure, t, err = p.disclosure(ctx, surveyID, nil, []string{opts.Wave}, false); err != nil {
			return nil, err
		}
	} else if t, err = TallyResponses(ctx, p.store, TallyFilter{Survey: surveyID, Waves: waves, PatternWaves: []string{opts.Wave}}); err != nil {
		return nil, err
	}
	if opts.Invited == nil {
		opts.Invited = w.Invited
	}
	return NewScorecard(h, s, t, opts)
}
