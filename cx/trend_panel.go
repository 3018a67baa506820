package cx

import (
	"context"
	"slices"
	"time"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/survey"
)

// Panel returns the panel of a stored survey: the hierarchy (as it stands
// after the last change) and the org's history (Org), the survey, its
// waves in time order with the versions of the survey they fielded
// (Fielded), the tallies of its responses (computed in the
// database when the store offers [TallyStore]), every observation, the
// names of the behaviors and the program's metrics (Options.Metrics), and,
// as Customer, the panel of every other stored customer survey, so that
// customer results are outcomes of the panel. Each survey's Disclosure is
// the program's plan for it ([Program.Disclosure] over every wave of the
// survey), so that every figure computed from the panel hides what the
// program's other outputs hide. An unknown survey is
// [ErrNotFound].
func (p *Program) Panel(ctx context.Context, surveyID string) (*Panel, error) {
	panel, err := p.surveyPanel(ctx, surveyID)
	if err != nil {
		return nil, err
	}
	obs, err := p.store.ListObservations(ctx, ObservationFilter{})
	if err != nil {
		return nil, err
	}
	panel.Observations = obs
	behaviors, err := p.Behaviors(ctx)
	if err != nil {
		return nil, err
	}
	for _, id := range sortedKeys(behaviors) {
		panel.Behaviors = append(panel.Behaviors, behaviors[id])
	}
	panel.Metrics = slices.Clone(p.metrics)
	recs, err := p.store.ListRecognitions(ctx, culture.RecognitionFilter{})
	if err != nil {
		return nil, err
	}
	panel.Recognitions = append([]culture.Recognition{}, recs...)
	surveys, err := p.store.ListSurveys(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range surveys {
		if s.ID == surveyID || s.Audience != survey.Customer {
			continue
		}
		c, err := p.surveyPanel(ctx, s.ID)
		if err != nil {
			return nil, err
		}
		c.Hierarchy = nil
		panel.Customer = append(panel.Customer, c)
	}
	return panel, nil
}

// surveyPanel returns the hierarchy, survey, waves and tallies of a
// stored survey.
func (p *Program) surveyPanel(ctx context.Context, surveyID string) (*Panel, error) {
	s, h, waves, err := p.surveyScope(ctx, surveyID)
	if err != nil {
		return nil, err
	}
	t, err := TallyResponses(ctx, p.store, TallyFilter{Survey: surveyID})
	if err != nil {
		return nil, err
	}
	d, err := p.Disclosure(ctx, surveyID)
	if err != nil {
		return nil, err
	}
	hist, err := p.Org(ctx)
	if err != nil {
		return nil, err
	}
	fielded, err := p.fieldedOf(ctx, s, waves)
	if err != nil {
		return nil, err
	}
	return &Panel{Hierarchy: h, Survey: s, Waves: waves, Fielded: fielded, Tallies: t, Org: hist, Disclosure: d}, nil
}

// asOf returns the prepared panel as it stood at t: the waves closed by
// t (opened by t when they have no closing time), with their tallies,
// and the observations made by t, for the panel and each customer panel,
// under the same disclosure plans. A panel without wave times is kept
// whole: it cannot be dated.
func (p *Panel) asOf(t time.Time) (*Panel, error) {
	q := &Panel{Hierarchy: p.Hierarchy, Survey: p.Survey, Org: p.Org, MinGroup: p.MinGroup, Privacy: p.Privacy, Disclosure: p.plan,
		Level: p.Level, Behaviors: p.Behaviors, Metrics: p.Metrics, Recognitions: p.Recognitions}
	if len(p.Waves) == 0 {
		q := *p
		return q.prepare()
	}
	keep := map[string]bool{}
	for _, w := range p.Waves {
		done := w.Closes
		if done.IsZero() {
			done = w.Opens
		}
		if !done.After(t) {
			q.Waves = append(q.Waves, w)
			keep[w.ID] = true
		}
	}
	q.Tallies = NewTallies(p.Tallies.Survey)
	for c, v := range p.Tallies.Answers {
		if keep[c.Wave] {
			q.Tallies.Answers[c] = v
		}
	}
	for g, n := range p.Tallies.Respondents {
		if keep[g.Wave] {
			q.Tallies.Respondents[g] = n
		}
	}
	for g, n := range p.Tallies.Comments {
		if keep[g.Wave] {
			q.Tallies.Comments[g] = n
		}
	}
	for w, s := range p.Fielded {
		if keep[w] {
			if q.Fielded == nil {
				q.Fielded = map[string]survey.Survey{}
			}
			q.Fielded[w] = s
		}
	}
	for _, o := range p.Observations {
		if !o.Time.After(t) {
			q.Observations = append(q.Observations, o)
		}
	}
	for _, c := range p.Customer {
		if c == nil {
			continue
		}
		sub, err := p.customers[c.Survey.ID].asOf(t)
		if err != nil {
			return nil, err
		}
		q.Customer = append(q.Customer, sub)
	}
	return q.prepare()
}
