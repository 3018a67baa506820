package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/survey"
)

// queryer is what *sql.DB and *sql.Tx have in common.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// op names an operation on one entity for errors: `create unit "north"`.
func op(verb, what string, key any) string {
	switch k := key.(type) {
	case string:
		return fmt.Sprintf("%s %s %q", verb, what, k)
	case uuid.UUID:
		return fmt.Sprintf("%s %s %s", verb, what, k)
	}
	return fmt.Sprintf("%s %s %v", verb, what, key)
}

// execOne runs a statement that changes one row; none is ErrNotFound.
func execOne(ctx context.Context, q queryer, opName, query string, args ...any) error {
	res, err := q.ExecContext(ctx, query, args...)
	if err != nil {
		return wrap(err, opName, "")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return wrap(err, opName, "")
	}
	if n == 0 {
		return notFound(opName)
	}
	return nil
}

// create runs an INSERT; a stored key is ErrAlreadyExists.
func create(ctx context.Context, q queryer, opName, query string, args ...any) error {
	_, err := q.ExecContext(ctx, query, args...)
	return wrap(err, opName, "")
}

// marshal encodes a value kept as a JSON document.
func marshal(opName string, v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", invalid(opName, "", "cannot be stored: "+err.Error())
	}
	return string(b), nil
}

// unmarshal decodes a stored document into v.
func unmarshal(opName, doc string, v any) error {
	if err := json.Unmarshal([]byte(doc), v); err != nil {
		return wrap(fmt.Errorf("the stored document is corrupt: %w", err), opName, "")
	}
	return nil
}

// getDoc returns the document the query selects, decoded.
func getDoc[T any](ctx context.Context, q queryer, opName, query string, args ...any) (T, error) {
	var v T
	var doc string
	if err := q.QueryRowContext(ctx, query, args...).Scan(&doc); err != nil {
		return v, wrap(err, opName, "")
	}
	err := unmarshal(opName, doc, &v)
	return v, err
}

// listDocs returns the documents the query selects, decoded, in order.
func listDocs[T any](ctx context.Context, q queryer, opName, query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, wrap(err, opName, "")
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return nil, wrap(err, opName, "")
		}
		var v T
		if err := unmarshal(opName, doc, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err, opName, "")
	}
	return out, nil
}

// CreateFramework implements [culture.FrameworkStore].
func (s *Store) CreateFramework(ctx context.Context, f culture.Framework) error {
	o := op("create", "framework", f.ID)
	doc, err := marshal(o, f)
	if err != nil {
		return err
	}
	return create(ctx, s.db, o, "INSERT INTO cx_frameworks (id, doc) VALUES ($1, $2)", f.ID, doc)
}

// GetFramework implements [culture.FrameworkStore].
func (s *Store) GetFramework(ctx context.Context, id string) (culture.Framework, error) {
	return getDoc[culture.Framework](ctx, s.db, op("get", "framework", id), "SELECT doc FROM cx_frameworks WHERE id = $1", id)
}

// ListFrameworks implements [culture.FrameworkStore].
func (s *Store) ListFrameworks(ctx context.Context) ([]culture.Framework, error) {
	return listDocs[culture.Framework](ctx, s.db, "list frameworks", "SELECT doc FROM cx_frameworks ORDER BY id")
}

// UpdateFramework implements [culture.FrameworkStore].
func (s *Store) UpdateFramework(ctx context.Context, f culture.Framework) error {
	o := op("update", "framework", f.ID)
	doc, err := marshal(o, f)
	if err != nil {
		return err
	}
	return execOne(ctx, s.db, o, "UPDATE cx_frameworks SET doc = $2 WHERE id = $1", f.ID, doc)
}

// DeleteFramework implements [culture.FrameworkStore].
func (s *Store) DeleteFramework(ctx context.Context, id string) error {
	return execOne(ctx, s.db, op("delete", "framework", id), "DELETE FROM cx_frameworks WHERE id = $1", id)
}

// CreateIndicator implements [culture.IndicatorStore].
func (s *Store) CreateIndicator(ctx context.Context, in culture.Indicator) error {
	o := op("create", "indicator", in.ID)
	doc, err := marshal(o, in)
	if err != nil {
		return err
	}
	return create(ctx, s.db, o, "INSERT INTO cx_indicators (id, doc) VALUES ($1, $2)", in.ID, doc)
}

// GetIndicator implements [culture.IndicatorStore].
func (s *Store) GetIndicator(ctx context.Context, id string) (culture.Indicator, error) {
	return getDoc[culture.Indicator](ctx, s.db, op("get", "indicator", id), "SELECT doc FROM cx_indicators WHERE id = $1", id)
}

// ListIndicators implements [culture.IndicatorStore].
func (s *Store) ListIndicators(ctx context.Context) ([]culture.Indicator, error) {
	return listDocs[culture.Indicator](ctx, s.db, "list indicators", "SELECT doc FROM cx_indicators ORDER BY id")
}

// UpdateIndicator implements [culture.IndicatorStore].
func (s *Store) UpdateIndicator(ctx context.Context, in culture.Indicator) error {
	o := op("update", "indicator", in.ID)
	doc, err := marshal(o, in)
	if err != nil {
		return err
	}
	return execOne(ctx, s.db, o, "UPDATE cx_indicators SET doc = $2 WHERE id = $1", in.ID, doc)
}

// DeleteIndicator implements [culture.IndicatorStore].
func (s *Store) DeleteIndicator(ctx context.Context, id string) error {
	return execOne(ctx, s.db, op("delete", "indicator", id), "DELETE FROM cx_indicators WHERE id = $1", id)
}

// CreateInitiative implements [culture.InitiativeStore].
func (s *Store) CreateInitiative(ctx context.Context, in culture.Initiative) error {
	o := op("create", "initiative", in.ID)
	doc, err := marshal(o, in)
	if err != nil {
		return err
	}
	return create(ctx, s.db, o, "INSERT INTO cx_initiatives (id, start_us, status, doc) VALUES ($1, $2, $3, $4)",
		in.ID[:], in.Start.UnixMicro(), int64(in.Status), doc)
}

// GetInitiative implements [culture.InitiativeStore].
func (s *Store) GetInitiative(ctx context.Context, id uuid.UUID) (culture.Initiative, error) {
	return getDoc[culture.Initiative](ctx, s.db, op("get", "initiative", id), "SELECT doc FROM cx_initiatives WHERE id = $1", id[:])
}

// ListInitiatives implements [culture.InitiativeStore]. The status is
// filtered in the database, the unit by [culture.InitiativeFilter.Match].
func (s *Store) ListInitiatives(ctx context.Context, f culture.InitiativeFilter) ([]culture.Initiative, error) {
	query, args := "SELECT doc FROM cx_initiatives", []any(nil)
	if f.Status != 0 {
		query, args = query+" WHERE status = $1", []any{int64(f.Status)}
	}
	all, err := listDocs[culture.Initiative](ctx, s.db, "list initiatives", query+" ORDER BY start_us, id", args...)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, in := range all {
		if f.Match(in) {
			out = append(out, in)
		}
	}
	return out, nil
}

// UpdateInitiative implements [culture.InitiativeStore].
func (s *Store) UpdateInitiative(ctx context.Context, in culture.Initiative) error {
	o := op("update", "initiative", in.ID)
	doc, err := marshal(o, in)
	if err != nil {
		return err
	}
	return execOne(ctx, s.db, o, "UPDATE cx_initiatives SET start_us = $2, status = $3, doc = $4 WHERE id = $1",
		in.ID[:], in.Start.UnixMicro(), int64(in.Status), doc)
}

// DeleteInitiative implements [culture.InitiativeStore].
func (s *Store) DeleteInitiative(ctx context.Context, id uuid.UUID) error {
	return execOne(ctx, s.db, op("delete", "initiative", id), "DELETE FROM cx_initiatives WHERE id = $1", id[:])
}

// CreateSurvey implements [survey.SurveyStore]. Responses to the survey
// stored before it (or before it was deleted and created again) are
// re-encoded against it in the same transaction, so that its tallies come
// from the database.
func (s *Store) CreateSurvey(ctx context.Context, sv survey.Survey) error {
	o := op("create", "survey", sv.ID)
	doc, err := marshal(o, sv)
	if err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if err := lock(ctx, tx, lockResponses); err != nil {
			return err
		}
		if err := create(ctx, tx, o, "INSERT INTO cx_surveys (id, doc) VALUES ($1, $2)", sv.ID, doc); err != nil {
			return err
		}
		if err := putVersion(ctx, tx, o, sv, doc); err != nil {
			return err
		}
		return s.reencode(ctx, tx, sv)
	})
}

// GetSurvey implements [survey.SurveyStore].
func (s *Store) GetSurvey(ctx context.Context, id string) (survey.Survey, error) {
	return getSurvey(ctx, s.db, id)
}

func getSurvey(ctx context.Context, q queryer, id string) (survey.Survey, error) {
	return getDoc[survey.Survey](ctx, q, op("get", "survey", id), "SELECT doc FROM cx_surveys WHERE id = $1", id)
}

// ListSurveys implements [survey.SurveyStore].
func (s *Store) ListSurveys(ctx context.Context) ([]survey.Survey, error) {
	return listDocs[survey.Survey](ctx, s.db, "list surveys", "SELECT doc FROM cx_surveys ORDER BY id")
}

// CreateWave implements [survey.WaveStore].
func (s *Store) CreateWave(ctx context.Context, w survey.Wave) error {
	o := op("create", "wave", w.ID)
	doc, err := marshal(o, w)
	if err != nil {
		return err
	}
	return create(ctx, s.db, o, "INSERT INTO cx_waves (id, survey, opens_us, doc) VALUES ($1, $2, $3, $4)",
		w.ID, w.Survey, w.Opens.UnixMicro(), doc)
}

// GetWave implements [survey.WaveStore].
func (s *Store) GetWave(ctx context.Context, id string) (survey.Wave, error) {
	return getDoc[survey.Wave](ctx, s.db, op("get", "wave", id), "SELECT doc FROM cx_waves WHERE id = $1", id)
}

// ListWaves implements [survey.WaveStore].
func (s *Store) ListWaves(ctx context.Context, f survey.WaveFilter) ([]survey.Wave, error) {
	var where []string
	var args []any
	if f.Survey != "" {
		args = append(args, f.Survey)
		where = append(where, "survey = $1")
	}
	query := "SELECT doc FROM cx_waves"
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	return listDocs[survey.Wave](ctx, s.db, "list waves", query+" ORDER BY opens_us, id", args...)
}

// UpdateWave implements [survey.WaveStore]: in one transaction that
// takes the response lock, so that no response is stored meanwhile, it
// refuses to change the survey or the fielded version of a wave that
// responses refer to.
func (s *Store) UpdateWave(ctx context.Context, w survey.Wave) error {
	o := op("update", "wave", w.ID)
	doc, err := marshal(o, w)
	if err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if err := lock(ctx, tx, lockResponses); err != nil {
			return err
		}
		old, err := getDoc[survey.Wave](ctx, tx, o, "SELECT doc FROM cx_waves WHERE id = $1", w.ID)
		if err != nil {
			return err
		}
		var vs []survey.Survey
		if w.Survey == old.Survey {
			if vs, err = listVersions(ctx, tx, old.Survey); err != nil && !errors.Is(err, cx.ErrNotFound) {
				return err
			}
		}
		if field, why := w.Refielded(old, vs); why != "" {
			if err := referred(ctx, tx, o, "SELECT 1 FROM cx_responses WHERE wave = $1 LIMIT 1", w.ID,
				fmt.Sprintf("wave %s %s, but responses were given to it as it was fielded", w.ID, why), field); err != nil {
				return err
			}
		}
		return execOne(ctx, tx, o, "UPDATE cx_waves SET survey = $2, opens_us = $3, doc = $4 WHERE id = $1",
			w.ID, w.Survey, w.Opens.UnixMicro(), doc)
	})
}
