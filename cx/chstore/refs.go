package chstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/survey"
)

// DeleteUnit implements [cx.UnitStore]: it fails with cx.ErrInvalid,
// erasing nothing, when stored responses in the cluster are in the unit,
// and otherwise deletes it from the catalog, which makes the catalog's own
// checks (initiatives, observations, invited counts, the org history).
//
// The check and the deletion are one step for the writes of this Store
// (they hold its write lock), not for those of another process writing
// the same cluster at the same moment: the cluster and the catalog share
// no transaction.
func (s *Store) DeleteUnit(ctx context.Context, id string) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	// What the history says comes first, as in the other stores: an
	// unknown unit is cx.ErrNotFound, whatever responses name it.
	stored, err := s.catalog.ListOrgChanges(ctx)
	if err != nil {
		return err
	}
	if _, err := cx.EraseOrgUnit(stored, id); err != nil {
		return err
	}
	if err := s.refuseReferenced(ctx, kindUnit, "unit", id); err != nil {
		return err
	}
	return s.catalog.DeleteUnit(ctx, id)
}

// DeleteSurvey implements [survey.SurveyStore]: it fails with
// cx.ErrInvalid, deleting nothing, when stored responses in the cluster
// answer the survey, and otherwise deletes it from the catalog (which
// refuses while a wave refers to it). The check and the deletion are one
// step as for [Store.DeleteUnit].
func (s *Store) DeleteSurvey(ctx context.Context, id string) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if _, err := s.catalog.GetSurvey(ctx, id); err != nil {
		return err
	}
	if err := s.refuseReferenced(ctx, kindSurvey, "survey", id); err != nil {
		return err
	}
	return s.catalog.DeleteSurvey(ctx, id)
}

// DeleteWave implements [survey.WaveStore]: it fails with cx.ErrInvalid,
// deleting nothing, when stored responses in the cluster belong to the
// wave, and otherwise deletes it from the catalog. The check and the
// deletion are one step as for [Store.DeleteUnit].
func (s *Store) DeleteWave(ctx context.Context, id string) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if _, err := s.catalog.GetWave(ctx, id); err != nil {
		return err
	}
	if err := s.refuseReferenced(ctx, kindWave, "wave", id); err != nil {
		return err
	}
	return s.catalog.DeleteWave(ctx, id)
}

// UpdateWave implements [survey.WaveStore]: it fails with cx.ErrInvalid,
// changing nothing, when the update changes the survey or the fielded
// version of a wave that stored responses in the cluster belong to
// ([survey.Wave.Refielded]), and otherwise updates the catalog. The check
// and the update are one step as for [Store.DeleteUnit].
func (s *Store) UpdateWave(ctx context.Context, w survey.Wave) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	old, err := s.catalog.GetWave(ctx, w.ID)
	if err != nil {
		return err
	}
	var vs []survey.Survey
	if w.Survey == old.Survey {
		if vs, err = s.catalog.ListSurveyVersions(ctx, old.Survey); err != nil && !errors.Is(err, cx.ErrNotFound) {
			return err
		}
	}
	if field, why := w.Refielded(old, vs); why != "" {
		opName := fmt.Sprintf("update wave %q", w.ID)
		n, err := s.referenced(ctx, kindWave, "wave", w.ID)
		if err != nil {
			return wrap(err, opName)
		}
		if n > 0 {
			return invalid(opName, field, fmt.Sprintf("wave %s %s, but %d stored responses were given to it as it was fielded", w.ID, why, n))
		}
	}
	return s.catalog.UpdateWave(ctx, w)
}

// refuseReferenced fails with a validation error when stored responses
// have the name of the given kind (in the column col).
func (s *Store) refuseReferenced(ctx context.Context, kind, col, name string) error {
	opName := fmt.Sprintf("delete %s %q", col, name)
	n, err := s.referenced(ctx, kind, col, name)
	if err != nil {
		return wrap(err, opName)
	}
	if n > 0 {
		return invalid(opName, col, fmt.Sprintf("%s %s cannot be deleted: %d stored responses refer to it", col, name, n))
	}
	return nil
}

// referenced counts the stored responses that have the name of the given
// kind (in the column col).
func (s *Store) referenced(ctx context.Context, kind, col, name string) (int64, error) {
	codes, err := s.lookup(ctx, kind, []string{name})
	if err != nil {
		return 0, err
	}
	code, ok := codes[name]
	if !ok {
		return 0, nil // no row ever had it
	}
	sn, err := s.snapshot(ctx)
	if err != nil {
		return 0, err
	}
	var n int64
	err = query(ctx, s.coordinator(), fmt.Sprintf("SELECT sum(respondents) FROM %s.group_sums WHERE %s AND %s = %d", s.database, sn.where(), col, code),
		func(r Rows) error { return r.Scan(&n) })
	return n, err
}

// surveyVersion returns version v of a survey from the catalog (the
// latest when v is 0), or cx.ErrNotFound.
func (s *Store) surveyVersion(ctx context.Context, id string, v int) (survey.Survey, error) {
	if v == 0 {
		return s.catalog.GetSurvey(ctx, id)
	}
	vs, err := s.catalog.ListSurveyVersions(ctx, id)
	if err != nil {
		return survey.Survey{}, err
	}
	for _, sv := range vs {
		if sv.Version == v {
			return sv, nil
		}
	}
	return survey.Survey{}, &opError{op: fmt.Sprintf("get version %d of survey %q", v, id), kind: cx.ErrNotFound}
}
