package cx

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/cxculture/cxculture/cx/org"
	"github.com/cxculture/cxculture/survey"
)

// DefineSurvey stores a survey instrument, such as survey.CulturePulse(),
// or a new version of a stored one. A survey keeps every version
// (survey.Survey.Version): rewording, rescaling or re-keying an item
// makes a new version of the survey, with a higher version of the item
// (survey.Item.Version), and waves record the version they fielded, so
// that results are only compared across items that did not change.
//
// Defining a stored version again exactly as it is does nothing. A
// stored version defined with other content fails with an error
// satisfying errors.Is(err, ErrAlreadyExists) (define a new version
// instead); a version below the latest, or an item changed without a
// higher item version, fails with a [*ValidationError].
func (p *Program) DefineSurvey(ctx context.Context, s survey.Survey) error {
	s = normalizeSurvey(s)
	if err := s.Validate(); err != nil {
		return asValidation(err, "survey")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	versions, err := p.store.ListSurveyVersions(ctx, s.ID)
	if errors.Is(err, ErrNotFound) {
		return p.store.CreateSurvey(ctx, s)
	}
	if err != nil {
		return err
	}
	latest := versions[len(versions)-1]
	for _, v := range versions {
		if v.Version != s.Version {
			continue
		}
		if sameSurvey(v, s) {
			return nil
		}
		return fmt.Errorf("cx: survey %s version %d is already defined with other content: a reworded, rescaled or added item makes a new version of the survey (raise Version above %d): %w",
			s.ID, s.Version, latest.Version, ErrAlreadyExists)
	}
	if s.Version < latest.Version {
		return invalid("survey.version", fmt.Sprintf("version %d is below the latest stored version %d of survey %s", s.Version, latest.Version, s.ID))
	}
	if err := checkItemVersions(versions, s); err != nil {
		return err
	}
	return p.store.UpdateSurvey(ctx, s)
}

// checkItemVersions checks the items of s, a new version of a survey,
// against every stored version (not only the latest: an item dropped in
// one version may come back in a later one): an item's version never goes
// down, and an item at a version stored before has the same text, scale
// and keying as it had then, so that it is never compared with another
// wording of itself.
func checkItemVersions(versions []survey.Survey, s survey.Survey) error {
	var ps problems
	for i, it := range s.Items {
		f := "survey.items[" + strconv.Itoa(i) + "].version"
		var top, same *survey.Item
		var topIn, sameIn int
		for _, v := range versions {
			old, ok := v.Item(it.ID)
			if !ok {
				continue
			}
			if top == nil || old.Version > top.Version {
				top, topIn = &old, v.Version
			}
			if old.Version == it.Version && same == nil && (old.Text != it.Text || old.Scale != it.Scale || old.Reverse != it.Reverse) {
				same, sameIn = &old, v.Version
			}
		}
		switch {
		case top == nil:
		case it.Version < top.Version:
			ps.add(f, fmt.Sprintf("item %s is at version %d in version %d of the survey: an item's version never goes down", it.ID, top.Version, topIn))
		case same != nil:
			ps.add(f, fmt.Sprintf("item %s %s since version %d of the survey: raise its version above %d, so that it is not compared with its old wording",
				it.ID, howChanged(*same, it), sameIn, top.Version))
		}
	}
	return ps.err()
}

// sameSurvey reports whether a and b are the same survey version.
func sameSurvey(a, b survey.Survey) bool {
	return a.Equal(b)
}

// SurveyVersions returns every stored version of a survey, oldest first;
// [ErrNotFound] for an unknown survey.
func (p *Program) SurveyVersions(ctx context.Context, surveyID string) ([]survey.Survey, error) {
	return p.store.ListSurveyVersions(ctx, surveyID)
}

// OpenWave stores a wave of a stored survey. The wave records the version
// of the survey it fields (survey.Wave.SurveyVersion): the latest when it
// is zero, otherwise a stored version. Units named in Invited must be in
// the org in force when the wave opens. Times are normalized to UTC
// microseconds.
func (p *Program) OpenWave(ctx context.Context, w survey.Wave) error {
	w = w.Clone()
	w.Opens, w.Closes = survey.NormalizeTime(w.Opens), survey.NormalizeTime(w.Closes)
	if len(w.Invited) == 0 {
		w.Invited = nil
	}
	var ps problems
	if err := w.Validate(); err != nil {
		ps = append(ps, asValidation(err, "wave").(*ValidationError).Problems...)
	}
	versions, err := p.store.ListSurveyVersions(ctx, w.Survey)
	switch {
	case errors.Is(err, ErrNotFound):
		ps.add("wave.survey", fmt.Sprintf("unknown survey %q", w.Survey))
	case err != nil:
		return err
	case w.SurveyVersion == 0:
		w.SurveyVersion = versions[len(versions)-1].Version
	case !slices.ContainsFunc(versions, func(s survey.Survey) bool { return s.Version == w.SurveyVersion }):
		ps.add("wave.survey_version", fmt.Sprintf("survey %s has no version %d", w.Survey, w.SurveyVersion))
	}
	if len(w.Invited) > 0 && !w.Opens.IsZero() {
		hist, err := p.Org(ctx)
		if err != nil {
			return err
		}
		h, _ := hist.At(w.Opens)
		for _, u := range sortedKeys(w.Invited) {
			if h == nil || !h.Has(u) {
				ps.add("wave.invited."+u, unitNotInForce(hist, u, w.Opens))
			}
		}
	}
	if err := ps.err(); err != nil {
		return err
	}
	return p.store.CreateWave(ctx, w)
}

// unitNotInForce says why unit u is not in the org at t.
func unitNotInForce(hist *org.History, u string, t time.Time) string {
	e, ok := hist.Entry(u)
	switch {
	case !ok:
		return fmt.Sprintf("unknown unit %q", u)
	case !e.Closed.IsZero() && !e.Closed.After(t):
		return fmt.Sprintf("unit %q was not in the org then: it was closed, merged or split on %s", u, org.Day(e.Closed))
	default:
		return fmt.Sprintf("unit %q was not in the org then: it was added on %s", u, org.Day(e.Added))
	}
}
