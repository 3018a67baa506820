package memstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/survey"
)

// RecordOrgChanges implements [cx.UnitStore]: the history is checked
// whole, under the store's lock, before anything is added.
func (s *Store) RecordOrgChanges(_ context.Context, changes []cx.OrgChange) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fresh, err := cx.CheckOrgChanges(s.org, changes)
	if err != nil {
		return 0, err
	}
	s.org = append(s.org, fresh...)
	return len(fresh), nil
}

// ListOrgChanges implements [cx.UnitStore].
func (s *Store) ListOrgChanges(context.Context) ([]cx.OrgChange, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]cx.OrgChange, len(s.org))
	for i, c := range s.org {
		out[i] = c.Clone()
	}
	return out, nil
}

// DeleteUnit implements [cx.UnitStore].
func (s *Store) DeleteUnit(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	kept, err := cx.EraseOrgUnit(s.org, id)
	if err != nil {
		return err
	}
	if err := s.unitReferred(id); err != nil {
		return err
	}
	s.org = kept
	return nil
}

// refused is the error of a delete that records still refer to.
func refused(what, id, field, why string) error {
	return &cx.ValidationError{Problems: []cx.Problem{{Field: field, Message: fmt.Sprintf("%s %s cannot be deleted: %s", what, id, why)}}}
}

// unitReferred reports the first kind of record that refers to unit id.
// The caller holds the lock.
func (s *Store) unitReferred(id string) error {
	for _, r := range s.responses {
		if r.Unit == id {
			return refused("unit", id, "unit", "responses refer to it")
		}
	}
	for _, in := range s.initiatives {
		if slices.Contains(in.Units, id) {
			return refused("unit", id, "unit", fmt.Sprintf("initiative %q runs in it", in.Name))
		}
	}
	for k := range s.observations {
		if k.unit == id {
			return refused("unit", id, "unit", "observations refer to it")
		}
	}
	for _, r := range s.recognitions {
		if r.Unit == id {
			return refused("unit", id, "unit", "recognitions refer to it")
		}
	}
	for _, w := range s.waves {
		if _, ok := w.Invited[id]; ok {
			return refused("unit", id, "unit", fmt.Sprintf("wave %s counts people invited in it", w.ID))
		}
	}
	return nil
}

// CreateSurvey implements [survey.SurveyStore].
func (s *Store) CreateSurvey(_ context.Context, sv survey.Survey) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.surveys[sv.ID]; ok {
		return fmt.Errorf("memstore: survey %s: %w", sv.ID, cx.ErrAlreadyExists)
	}
	s.surveys[sv.ID] = []survey.Survey{sv.Clone()}
	return nil
}

// GetSurvey implements [survey.SurveyStore].
func (s *Store) GetSurvey(_ context.Context, id string) (survey.Survey, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	vs, ok := s.surveys[id]
	if !ok {
		return survey.Survey{}, fmt.Errorf("memstore: survey %s: %w", id, cx.ErrNotFound)
	}
	return vs[len(vs)-1].Clone(), nil
}

// surveyVersion returns version v of survey id (the latest when v is 0).
// The caller holds the lock.
func (s *Store) surveyVersion(id string, v int) (survey.Survey, bool) {
	vs := s.surveys[id]
	if len(vs) == 0 {
		return survey.Survey{}, false
	}
	if v == 0 {
		return vs[len(vs)-1], true
	}
	i, ok := slices.BinarySearchFunc(vs, v, func(x survey.Survey, v int) int { return cmp.Compare(x.Version, v) })
	if !ok {
		return survey.Survey{}, false
	}
	return vs[i], true
}

// ListSurveys implements [survey.SurveyStore].
func (s *Store) ListSurveys(context.Context) ([]survey.Survey, error) {
	s.mu.RLock()
	out := make([]survey.Survey, 0, len(s.surveys))
	for _, vs := range s.surveys {
		out = append(out, vs[len(vs)-1].Clone())
	}
	s.mu.RUnlock()
	slices.SortFunc(out, func(a, b survey.Survey) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// ListSurveyVersions implements [survey.SurveyStore].
func (s *Store) ListSurveyVersions(_ context.Context, id string) ([]survey.Survey, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	vs, ok := s.surveys[id]
	if !ok {
		return nil, fmt.Errorf("memstore: survey %s: %w", id, cx.ErrNotFound)
	}
	out := make([]survey.Survey, len(vs))
	for i, v := range vs {
		out[i] = v.Clone()
	}
	return out, nil
}

// UpdateSurvey implements [survey.SurveyStore]: a new version is added
// above the latest (one below it fails), a stored one replaced unless a
// wave fielded it.
func (s *Store) UpdateSurvey(_ context.Context, sv survey.Survey) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	vs, ok := s.surveys[sv.ID]
	if !ok {
		return fmt.Errorf("memstore: survey %s: %w", sv.ID, cx.ErrNotFound)
	}
	i, found := slices.BinarySearchFunc(vs, sv.Version, func(x survey.Survey, v int) int { return cmp.Compare(x.Version, v) })
	if !found {
		if i < len(vs) {
			return belowLatest(sv, vs[len(vs)-1].Version)
		}
		s.surveys[sv.ID] = append(slices.Clone(vs), sv.Clone())
		return nil
	}
	if err := fieldedVersion(s.wavesOf(sv.ID), vs, vs[i], sv); err != nil {
		return err
	}
	vs = slices.Clone(vs)
	vs[i] = sv.Clone()
	s.surveys[sv.ID] = vs
	return nil
}

// belowLatest is the error of a new version of a survey below its latest
// stored version: versions are added in order, so that what a wave
// without a version fielded (the first) never changes.
func belowLatest(sv survey.Survey, latest int) error {
	return &cx.ValidationError{Problems: []cx.Problem{{Field: "version", Message: fmt.Sprintf(
		"version %d of survey %s is new and below the latest stored version %d: a new version must be above it", sv.Version, sv.ID, latest)}}}
}

// wavesOf returns the waves of survey id. The caller holds the lock.
func (s *Store) wavesOf(id string) []survey.Wave {
	var out []survey.Wave
	for _, w := range s.waves {
		if w.Survey == id {
			out = append(out, w)
		}
	}
	slices.SortFunc(out, func(a, b survey.Wave) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// fieldedVersion refuses to change stored, a version of a survey whose
// versions are vs, into given when one of waves fielded it.
func fieldedVersion(waves []survey.Wave, vs []survey.Survey, stored, given survey.Survey) error {
	if sameSurvey(stored, given) {
		return nil
	}
	for _, w := range waves {
		if f, ok := w.Fielded(vs); ok && f.Version == stored.Version {
			return &cx.ValidationError{Problems: []cx.Problem{{Field: "version", Message: fmt.Sprintf(
				"version %d of survey %s was fielded by wave %s and is kept as fielded: store the change as a new version", stored.Version, stored.ID, w.ID)}}}
		}
	}
	return nil
}

// sameSurvey reports whether a and b are the same survey version.
func sameSurvey(a, b survey.Survey) bool {
	return a.Equal(b)
}

// DeleteSurvey implements [survey.SurveyStore].
func (s *Store) DeleteSurvey(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.surveys[id]; !ok {
		return fmt.Errorf("memstore: survey %s: %w", id, cx.ErrNotFound)
	}
	if ws := s.wavesOf(id); len(ws) > 0 {
		return refused("survey", id, "survey", fmt.Sprintf("wave %s belongs to it", ws[0].ID))
	}
	for _, r := range s.responses {
		if r.Survey == id {
			return refused("survey", id, "survey", "responses refer to it")
		}
	}
	delete(s.surveys, id)
	return nil
}

// CreateWave implements [survey.WaveStore].
func (s *Store) CreateWave(_ context.Context, w survey.Wave) error {
	return create(&s.mu, s.waves, w.ID, w, survey.Wave.Clone, "wave")
}

// GetWave implements [survey.WaveStore].
func (s *Store) GetWave(_ context.Context, id string) (survey.Wave, error) {
	return get(&s.mu, s.waves, id, survey.Wave.Clone, "wave")
}

// ListWaves implements [survey.WaveStore].
func (s *Store) ListWaves(_ context.Context, f survey.WaveFilter) ([]survey.Wave, error) {
	keep := func(w survey.Wave) bool { return f.Survey == "" || w.Survey == f.Survey }
	return list(&s.mu, s.waves, keep, survey.Wave.Clone, func(a, b survey.Wave) int {
		if c := a.Opens.Compare(b.Opens); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	}), nil
}

// UpdateWave implements [survey.WaveStore]. While responses refer to the
// wave, its survey and the version it fielded are kept: an update that
// changes either fails with a [*cx.ValidationError].
func (s *Store) UpdateWave(_ context.Context, w survey.Wave) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.waves[w.ID]
	if !ok {
		return fmt.Errorf("memstore: wave %s: %w", w.ID, cx.ErrNotFound)
	}
	if field, why := w.Refielded(old, s.surveys[old.Survey]); why != "" {
		for _, r := range s.responses {
			if r.Wave == w.ID {
				return &cx.ValidationError{Problems: []cx.Problem{{Field: field, Message: fmt.Sprintf("wave %s %s, but responses were given to it as it was fielded", w.ID, why)}}}
			}
		}
	}
	s.waves[w.ID] = w.Clone()
	return nil
}

// DeleteWave implements [survey.WaveStore].
func (s *Store) DeleteWave(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.waves[id]; !ok {
		return fmt.Errorf("memstore: wave %s: %w", id, cx.ErrNotFound)
	}
	for _, r := range s.responses {
		if r.Wave == id {
			return refused("wave", id, "wave", "responses refer to it")
		}
	}
	delete(s.waves, id)
	return nil
}
