package cx

import (
	"context"
	"fmt"
	"maps"

	"github.com/cxculture/cxculture/cx/org"
	"github.com/cxculture/cxculture/survey"
)

// Each wave is scored on the org in force when it opened. This file
// finds those orgs and plans a survey's waves on them.

// waveOrgs returns the org in force when each wave opened, by wave ID.
func waveOrgs(hist *org.History, waves []survey.Wave) (map[string]*Hierarchy, error) {
	out := make(map[string]*Hierarchy, len(waves))
	for _, w := range waves {
		h, ok := hist.At(w.Opens)
		if !ok {
			return nil, fmt.Errorf("cx: no org unit was in force when wave %s opened (%s): %w", w.ID, org.Day(w.Opens), ErrNotFound)
		}
		out[w.ID] = h
	}
	return out, nil
}

// planOrg plans waves (in time order) under priv, each on the org in
// force when it opened: a run of consecutive waves on one org is planned
// together, and the plans of the runs are merged into one. Without waves
// the plan is over the latest org.
func (p *Program) planOrg(ctx context.Context, priv Privacy, s survey.Survey, waves []survey.Wave, t *Tallies, segs *Segments) (*Disclosure, error) {
	hist, err := p.Org(ctx)
	if err != nil {
		return nil, err
	}
	if len(waves) == 0 {
		h, ok := hist.Latest()
		if !ok {
			return nil, fmt.Errorf("cx: no org units defined: %w", ErrNotFound)
		}
		return priv.PlanSurvey(s, h, t, nil, segs)
	}
	hs, err := waveOrgs(hist, waves)
	if err != nil {
		return nil, err
	}
	return planRuns(priv, s, waves, hs, t, segs)
}

// mergePlans returns one plan of the waves of several plans of the same
// survey and rules, each over other waves. Across a reorganization waves
// are planned apart: the wave-difference rule (off by default) starts
// again after it.
func mergePlans(ds []*Disclosure) *Disclosure {
	if len(ds) == 1 {
		return ds[0]
	}
	out := ds[0].privacy.newDisclosure(ds[0].space)
	out.waves, out.survey = map[string]bool{}, ds[0].survey
	for _, d := range ds {
		out.absorb(d)
		maps.Copy(out.waves, d.waves)
		out.order = append(out.order, d.order...)
	}
	return out
}

// waveContext returns the org a stored wave w of survey s is scored on,
// and fills opts with the instruments the wave and its baseline fielded,
// when they differ from s, and with the lineage from the baseline's org,
// when it differs.
func (p *Program) waveContext(ctx context.Context, s survey.Survey, w survey.Wave, baseline string, opts *ScorecardOptions) (*Hierarchy, error) {
	hist, err := p.Org(ctx)
	if err != nil {
		return nil, err
	}
	waves := []survey.Wave{w}
	if baseline != "" {
		b, err := p.store.GetWave(ctx, baseline)
		if err != nil {
			return nil, err
		}
		waves = append(waves, b)
	}
	hs, err := waveOrgs(hist, waves)
	if err != nil {
		return nil, err
	}
	h := hs[w.ID]
	versions, err := p.store.ListSurveyVersions(ctx, s.ID)
	if err != nil {
		return nil, err
	}
	if opts.Fielded == nil && len(versions) > 1 {
		for _, x := range waves {
			f, ok := x.Fielded(versions)
			if !ok {
				return nil, fmt.Errorf("cx: wave %s fielded version %d of survey %s, which is not stored: %w", x.ID, x.SurveyVersion, s.ID, ErrNotFound)
			}
			if f.Version != s.Version || x.ID == w.ID {
				if opts.Fielded == nil {
					opts.Fielded = map[string]survey.Survey{}
				}
				opts.Fielded[x.ID] = f
			}
		}
	}
	if baseline == "" || opts.Lineage != nil {
		return h, nil
	}
	b := waves[1]
	if !hist.Changed(b.Opens, w.Opens) && !hist.Changed(w.Opens, b.Opens) {
		return h, nil
	}
	if b.Opens.After(w.Opens) {
		return nil, invalid("baseline", fmt.Sprintf("wave %s opens after wave %s and the org changed between them: compare a wave with an earlier baseline", b.ID, w.ID))
	}
	l, ok := hist.Lineage(b.Opens, w.Opens)
	if !ok {
		return nil, fmt.Errorf("cx: no org unit was in force when wave %s opened: %w", b.ID, ErrNotFound)
	}
	if !l.Identity() {
		opts.Lineage = l
	}
	return h, nil
}

// fieldedOf returns, per wave, the version of s (the latest) the wave
// fielded, when it is another.
func (p *Program) fieldedOf(ctx context.Context, s survey.Survey, waves []survey.Wave) (map[string]survey.Survey, error) {
	versions, err := p.store.ListSurveyVersions(ctx, s.ID)
	if err != nil || len(versions) <= 1 {
		return nil, err
	}
	var out map[string]survey.Survey
	for _, w := range waves {
		f, ok := w.Fielded(versions)
		if !ok {
			return nil, fmt.Errorf("cx: wave %s fielded version %d of survey %s, which is not stored: %w", w.ID, w.SurveyVersion, s.ID, ErrNotFound)
		}
		if f.Version != s.Version {
			if out == nil {
				out = map[string]survey.Survey{}
			}
			out[w.ID] = f
		}
	}
	return out, nil
}
