package cx

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/cxculture/cxculture/survey"
)

// Disclosure returns the program's disclosure plan of the survey with the
// given ID: the one plan every output of the program applies by default
// ([Program.Scorecard], [Program.PulseReport], [Program.Panel] and what is
// computed from the panel, and the reports built from them), so that a
// cell or figure hidden in one output is hidden in all. It plans the
// given waves, or every wave of the survey when none is given, in time
// order (by Opens), under the program's privacy rules
// ([Program.Privacy]), over the tallies of the stored responses, the
// invited counts of the waves and the segments of the respondents
// (survey.Response.Segments) by the attributes the program's outputs cut
// the survey by ([Privacy.PlanWaves]).
//
// A plan over a set of waves agrees, on each of its waves, with a plan
// over any longer run of the survey's waves that starts with the same
// waves: waves are planned in time order and a wave's plan depends only
// on the waves before it. Outputs that read several waves should use one
// plan over all of them.
//
// Code that shows figures of its own (a new cut, a new report) asks the
// plan before showing each: [Disclosure.Hidden] or
// [Disclosure.SegmentHidden] for a group's existence and respondent
// count, [Disclosure.FigureHidden] or [Disclosure.ItemsHidden] for each
// figure of a shown group, [Disclosure.CommentsHidden] for comments. A
// figure the plan does not cover is hidden (NotPlanned).
//
// It fails with [ErrNotFound] for an unknown survey or a wave that is not
// one of the survey's, with a [*ValidationError] for a wave given twice.
func (p *Program) Disclosure(ctx context.Context, surveyID string, waves ...string) (*Disclosure, error) {
	d, _, err := p.disclosure(ctx, surveyID, waves, nil, true)
	return d, err
}

// disclosure returns the program's plan of a survey over waves (every
// wave when empty) and the tallies it planned, with the response patterns
// of patternWaves only when these are given, and none with noPatterns
// (the plan does not read patterns).
func (p *Program) disclosure(ctx context.Context, surveyID string, waves, patternWaves []string, noPatterns bool) (*Disclosure, *Tallies, error) {
	s, _, all, err := p.surveyScope(ctx, surveyID)
	if err != nil {
		return nil, nil, err
	}
	ordered, err := planWaves(surveyID, all, waves)
	if err != nil {
		return nil, nil, err
	}
	ids := make([]string, len(ordered))
	for i, w := range ordered {
		ids[i] = w.ID
	}
	t, err := TallyResponses(ctx, p.store, TallyFilter{Survey: surveyID, Waves: ids, PatternWaves: patternWaves, NoPatterns: noPatterns})
	if err != nil {
		return nil, nil, err
	}
	keys, err := p.segmentKeys(ctx, s)
	if err != nil {
		return nil, nil, err
	}
	segs, err := p.segmentCounts(ctx, surveyID, ids, keys)
	if err != nil {
		return nil, nil, err
	}
	priv := DefaultPrivacy()
	if p.priv != nil {
		priv = *p.priv
	}
	hist, err := p.Org(ctx)
	if err != nil {
		return nil, nil, err
	}
	in := planInputs{survey: s, waves: ordered, tallies: t, segs: segs, privacy: priv}
	for _, w := range ordered {
		if h, ok := hist.At(w.Opens); ok {
			in.orgs = append(in.orgs, h)
		}
	}
	cache := len(in.orgs) == len(ordered) && len(ordered) > 0
	if d := p.plans.get(surveyID, in); cache && d != nil {
		return d, t, nil
	}
	// Each wave on the org in force when it opened.
	d, err := p.planOrg(ctx, priv, s, ordered, t, segs)
	if err != nil {
		return nil, nil, err
	}
	if cache {
		p.plans.put(surveyID, in, d)
	}
	return d, t, nil
}

// planCache keeps the last plan of each survey with everything it was
// planned from: a program's outputs ask for the same plan several times
// (a report's scorecard, pulse report and panel), and planning costs more
// than reading the tallies again and comparing them. A plan is reused
// only when every input is equal. The tallies' response patterns are no
// input: a plan reads the answers, respondents and comments only, and
// outputs ask for the patterns of different waves (a scorecard those of
// the wave it scores). It is safe for concurrent use.
type planCache struct {
	mu    sync.Mutex
	plans map[string]cachedPlan
}

type cachedPlan struct {
	in   planInputs
	plan *Disclosure
}

// planInputs are what a program's plan is made of.
type planInputs struct {
	survey  survey.Survey
	waves   []survey.Wave
	orgs    []*Hierarchy
	tallies *Tallies
	segs    *Segments
	privacy Privacy
}

func (in planInputs) equal(o planInputs) bool {
	return in.privacy == o.privacy && in.survey.Equal(o.survey) && in.survey.Version == o.survey.Version &&
		slices.EqualFunc(in.waves, o.waves, func(a, b survey.Wave) bool {
			return a.ID == b.ID && a.Opens.Equal(b.Opens) && maps.Equal(a.Invited, b.Invited)
		}) &&
		slices.EqualFunc(in.orgs, o.orgs, func(a, b *Hierarchy) bool { return a.Equal(b) }) &&
		in.tallies.equalCounts(o.tallies) && in.segs.equal(o.segs)
}

func (c *planCache) get(surveyID string, in planInputs) *Disclosure {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.plans[surveyID]; ok && e.in.equal(in) {
		return e.plan
	}
	return nil
}

func (c *planCache) put(surveyID string, in planInputs, d *Disclosure) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.plans == nil {
		c.plans = map[string]cachedPlan{}
	}
	in.tallies = in.tallies.cloneCounts()
	in.survey = in.survey.Clone()
	in.waves = slices.Clone(in.waves)
	for i := range in.waves {
		in.waves[i] = in.waves[i].Clone()
	}
	c.plans[surveyID] = cachedPlan{in: in, plan: d}
}

// planWaves returns the waves to plan in time order: those named (each a
// wave of the survey), or all of them.
func planWaves(surveyID string, all []survey.Wave, named []string) ([]survey.Wave, error) {
	slices.SortStableFunc(all, func(a, b survey.Wave) int { return a.Opens.Compare(b.Opens) })
	if len(named) == 0 {
		return all, nil
	}
	var ps problems
	want := map[string]bool{}
	for i, id := range named {
		if want[id] {
			ps.add(fmt.Sprintf("waves[%d]", i), fmt.Sprintf("wave %q given twice", id))
		}
		want[id] = true
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	var out []survey.Wave
	for _, w := range all {
		if want[w.ID] {
			out = append(out, w)
			delete(want, w.ID)
		}
	}
	for _, id := range named {
		if want[id] {
			return nil, fmt.Errorf("cx: wave %q is not a wave of survey %q: %w", id, surveyID, ErrNotFound)
		}
	}
	return out, nil
}

// segmentKeys returns the segment attributes the program's outputs cut
// the survey by: the plan covers the segments of these attributes, and
// only these (a plan that protects segments no output shows hides unit
// figures for nothing). They are the segments the survey declares
// (survey.Survey.Segments).
func (p *Program) segmentKeys(_ context.Context, s survey.Survey) ([]string, error) {
	var keys []string
	for _, sg := range s.Segments {
		keys = append(keys, sg.Key)
	}
	return keys, nil
}

// segmentCounts counts the stored respondents of the survey in waves by
// segment of the given attributes, with their answers, for the plan
// (computed in the store when it offers [SegmentTallyStore]); nil
// without attributes.
func (p *Program) segmentCounts(ctx context.Context, surveyID string, waves, keys []string) (*Segments, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	t, err := TallySegments(ctx, p.store, SegmentFilter{Survey: surveyID, Waves: waves, Keys: keys})
	if err != nil {
		return nil, err
	}
	return t.segments(), nil
}

// checkMinGroup checks the minimum an output's options ask for when the
// program's plan applies: unset, or the program's own minimum. Another
// minimum would need a plan of its own, and two plans hiding different
// cells can single people out when read together.
func (p *Program) checkMinGroup(minGroup int) error {
	min := DefaultPrivacy().MinScores
	if p.priv != nil {
		min = p.priv.WithDefaults().MinScores
	}
	if minGroup == 0 || minGroup == min {
		return nil
	}
	return invalid("min_group", fmt.Sprintf("%d differs from the program's minimum %d (Options.Privacy): leave it unset so that the program's plan applies, or set UnitMinimumOnly for the bare threshold", minGroup, min))
}
