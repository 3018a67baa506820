package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/cxculture/cxculture/survey"
)

// putVersion stores sv, encoded as doc, as its version in
// cx_survey_versions, in place of a stored one.
func putVersion(ctx context.Context, tx *sql.Tx, o string, sv survey.Survey, doc string) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM cx_survey_versions WHERE id = $1 AND version = $2", sv.ID, int64(sv.Version)); err != nil {
		return wrap(err, o, "")
	}
	_, err := tx.ExecContext(ctx, "INSERT INTO cx_survey_versions (id, version, doc) VALUES ($1, $2, $3)", sv.ID, int64(sv.Version), doc)
	return wrap(err, o, "")
}

// ListSurveyVersions implements [survey.SurveyStore].
func (s *Store) ListSurveyVersions(ctx context.Context, id string) ([]survey.Survey, error) {
	return listVersions(ctx, s.db, id)
}

func listVersions(ctx context.Context, q queryer, id string) ([]survey.Survey, error) {
	o := op("list versions of", "survey", id)
	vs, err := listDocs[survey.Survey](ctx, q, o, "SELECT doc FROM cx_survey_versions WHERE id = $1 ORDER BY version", id)
	if err != nil {
		return nil, err
	}
	if len(vs) == 0 {
		return nil, notFound(o)
	}
	return vs, nil
}

// getVersion returns version v of survey id, the latest when v is 0.
func getVersion(ctx context.Context, q queryer, id string, v int) (survey.Survey, error) {
	if v == 0 {
		return getSurvey(ctx, q, id)
	}
	return getDoc[survey.Survey](ctx, q, op("get", "survey", fmt.Sprintf("%s version %d", id, v)),
		"SELECT doc FROM cx_survey_versions WHERE id = $1 AND version = $2", id, int64(v))
}

// UpdateSurvey implements [survey.SurveyStore]. A new version below the
// latest is refused. A version at least as high as the latest becomes the
// survey responses are encoded against:
// when the change affects how answers are tallied (items, their order or
// scales, reliability groups), the survey's stored responses are
// re-encoded against it in the same transaction.
func (s *Store) UpdateSurvey(ctx context.Context, sv survey.Survey) error {
	o := op("update", "survey", sv.ID)
	doc, err := marshal(o, sv)
	if err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if err := lock(ctx, tx, lockResponses); err != nil {
			return err
		}
		vs, err := listVersions(ctx, tx, sv.ID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(vs, func(x survey.Survey) bool { return x.Version == sv.Version })
		if latest := vs[len(vs)-1].Version; i < 0 && sv.Version < latest {
			return invalid(o, "version", fmt.Sprintf("version %d of survey %s is new and below the latest stored version %d: a new version must be above it",
				sv.Version, sv.ID, latest))
		}
		if i >= 0 {
			waves, err := listDocs[survey.Wave](ctx, tx, o, "SELECT doc FROM cx_waves WHERE survey = $1 ORDER BY id", sv.ID)
			if err != nil {
				return err
			}
			if err := fieldedVersion(o, waves, vs, vs[i], sv); err != nil {
				return err
			}
		}
		if err := putVersion(ctx, tx, o, sv, doc); err != nil {
			return err
		}
		if sv.Version < vs[len(vs)-1].Version {
			return nil // an older version: the latest stays
		}
		if err := execOne(ctx, tx, o, "UPDATE cx_surveys SET doc = $2 WHERE id = $1", sv.ID, doc); err != nil {
			return err
		}
		return s.reencode(ctx, tx, sv)
	})
}

// fieldedVersion refuses to change stored, a version of a survey whose
// versions are vs, into given when one of waves fielded it.
func fieldedVersion(o string, waves []survey.Wave, vs []survey.Survey, stored, given survey.Survey) error {
	a, _ := marshal(o, stored)
	b, _ := marshal(o, given)
	if a == b {
		return nil
	}
	for _, w := range waves {
		if f, ok := w.Fielded(vs); ok && f.Version == stored.Version {
			return invalid(o, "version", fmt.Sprintf("version %d of survey %s was fielded by wave %s and is kept as fielded: store the change as a new version",
				stored.Version, stored.ID, w.ID))
		}
	}
	return nil
}

// DeleteSurvey implements [survey.SurveyStore]: every version goes, in
// one transaction that first checks that no wave or response refers to
// the survey.
func (s *Store) DeleteSurvey(ctx context.Context, id string) error {
	o := op("delete", "survey", id)
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if err := lock(ctx, tx, lockResponses); err != nil {
			return err
		}
		var w string
		switch err := tx.QueryRowContext(ctx, "SELECT id FROM cx_waves WHERE survey = $1 ORDER BY id LIMIT 1", id).Scan(&w); {
		case err == nil:
			return invalid(o, "survey", fmt.Sprintf("survey %s cannot be deleted: wave %s belongs to it", id, w))
		case err != sql.ErrNoRows:
			return wrap(err, o, "")
		}
		if err := referred(ctx, tx, o, "SELECT 1 FROM cx_responses WHERE survey = $1 LIMIT 1", id,
			fmt.Sprintf("survey %s cannot be deleted: responses refer to it", id), "survey"); err != nil {
			return err
		}
		if err := execOne(ctx, tx, o, "DELETE FROM cx_surveys WHERE id = $1", id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "DELETE FROM cx_survey_versions WHERE id = $1", id)
		return wrap(err, o, "")
	})
}

// referred fails with a validation error saying why when query, run with
// arg, returns a row. A reference check reads the table it names whole
// when no index serves it: deletes are rare, and no index is kept for
// them.
func referred(ctx context.Context, tx *sql.Tx, o, query string, arg any, why, field string) error {
	var one int
	switch err := tx.QueryRowContext(ctx, query, arg).Scan(&one); {
	case err == nil:
		return invalid(o, field, why)
	case err != sql.ErrNoRows:
		return wrap(err, o, "")
	}
	return nil
}

// DeleteWave implements [survey.WaveStore]: in one transaction that first
// checks that no response refers to the wave.
func (s *Store) DeleteWave(ctx context.Context, id string) error {
	o := op("delete", "wave", id)
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if err := lock(ctx, tx, lockResponses); err != nil {
			return err
		}
		if err := referred(ctx, tx, o, "SELECT 1 FROM cx_responses WHERE wave = $1 LIMIT 1", id,
			fmt.Sprintf("wave %s cannot be deleted: responses refer to it", id), "wave"); err != nil {
			return err
		}
		return execOne(ctx, tx, o, "DELETE FROM cx_waves WHERE id = $1", id)
	})
}
