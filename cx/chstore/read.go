package chstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/survey"
)

// GetResponse implements [survey.ResponseStore].
func (s *Store) GetResponse(ctx context.Context, id uuid.UUID) (survey.Response, error) {
	opName := "get response " + id.String()
	sn, err := s.snapshot(ctx)
	if err != nil {
		return survey.Response{}, wrap(err, opName)
	}
	live, err := s.liveResponses(ctx, sn, "id IN ids", []uuid.UUID{id}, "", 0, 0)
	if err != nil {
		return survey.Response{}, wrap(err, opName)
	}
	if len(live) == 0 {
		return survey.Response{}, &opError{op: opName, kind: cx.ErrNotFound}
	}
	return live[0].Response, nil
}

// ListResponses implements [survey.ResponseStore]. Every page is a query
// that groups the matching rows by response ID on the cluster: listing
// millions of responses page by page costs a query over them per page.
func (s *Store) ListResponses(ctx context.Context, f survey.ResponseFilter) ([]survey.Response, error) {
	const opName = "list responses"
	cond, none, err := s.filter(ctx, f)
	if err != nil || none {
		return nil, wrap(err, opName)
	}
	sn, err := s.snapshot(ctx)
	if err != nil {
		return nil, wrap(err, opName)
	}
	live, err := s.liveResponses(ctx, sn, cond, nil, "ORDER BY sub, id", max(f.Limit, 0), max(f.Offset, 0))
	if err != nil {
		return nil, wrap(err, opName)
	}
	var out []survey.Response
	for _, l := range live {
		out = append(out, l.Response)
	}
	return out, nil
}

// CountResponses implements [survey.ResponseStore]: it counts the stored
// responses among the matching rows, grouped by response ID on the
// cluster.
func (s *Store) CountResponses(ctx context.Context, f survey.ResponseFilter) (int, error) {
	const opName = "count responses"
	cond, none, err := s.filter(ctx, f)
	if err != nil || none {
		return 0, wrap(err, opName)
	}
	sn, err := s.snapshot(ctx)
	if err != nil {
		return 0, wrap(err, opName)
	}
	rows, err := s.coordinator().Query(ctx, fmt.Sprintf("SELECT toInt64(count()) FROM (SELECT id FROM %s.responses WHERE %s AND %s GROUP BY id HAVING %s)",
		s.database, sn.where(), cond, liveRule))
	if err != nil {
		return 0, wrap(err, opName)
	}
	var n int64
	if rows.Next() {
		err = rows.Scan(&n)
	}
	if err := errors.Join(err, rows.Err(), rows.Close()); err != nil {
		return 0, wrap(err, opName)
	}
	return int(n), nil
}

// filter returns the condition on the responses table that f sets
// (ignoring Limit and Offset), or none when no stored row can match (a
// survey, wave or units the dictionary has never seen).
func (s *Store) filter(ctx context.Context, f survey.ResponseFilter) (cond string, none bool, err error) {
	conds := []string{"1"}
	one := func(kind, col, name string) bool {
		if name == "" {
			return true
		}
		c, err2 := s.lookup(ctx, kind, []string{name})
		if err2 != nil {
			err = err2
			return false
		}
		code, ok := c[name]
		if ok {
			conds = append(conds, fmt.Sprintf("%s = %d", col, code))
		}
		return ok
	}
	if !one(kindSurvey, "survey", f.Survey) || !one(kindWave, "wave", f.Wave) {
		return "", true, err
	}
	if len(f.Units) > 0 {
		c, err := s.lookup(ctx, kindUnit, f.Units)
		if err != nil {
			return "", true, err
		}
		if len(c) == 0 {
			return "", true, nil
		}
		var codes []uint32
		for _, v := range c {
			codes = append(codes, v)
		}
		conds = append(conds, "unit IN ("+uints(codes)+")")
	}
	if !f.Since.IsZero() {
		conds = append(conds, fmt.Sprintf("submitted >= %d", f.Since.UnixMicro()))
	}
	if !f.Until.IsZero() {
		conds = append(conds, fmt.Sprintf("submitted < %d", f.Until.UnixMicro()))
	}
	return strings.Join(conds, " AND "), false, nil
}

// liveResponse is a stored response and the batch that stored it.
type liveResponse struct {
	survey.Response
	batch int64
}

// liveRule is the HAVING condition, per response ID, of a stored
// response: its last row (by batch, a +1 row after a tombstone of the same
// batch) is a +1 row. A deleted response's tombstone stays when its +1
// rows are erased, so the rule holds before, during and after erasure.
const liveRule = "argMax(sign, (batch, sign)) = 1"

// liveResponses returns the responses the snapshot sees stored among the
// rows that match cond (which may read the external table ids when ids is
// not nil), with order, limit and offset applied. Their content is that
// of their last row.
func (s *Store) liveResponses(ctx context.Context, sn snapshot, cond string, ids []uuid.UUID, order string, limit, offset int) ([]liveResponse, error) {
	last := func(col string) string { return "argMax(" + col + ", (batch, sign))" }
	q := fmt.Sprintf("SELECT id, %s, %s, %s, %s AS sub, %s, %s, toInt64(max(batch)) "+
		"FROM %s.responses WHERE %s AND %s GROUP BY id HAVING %s %s",
		last("survey"), last("wave"), last("unit"), last("submitted"), last("answers"), last("content"),
		s.database, sn.where(), cond, liveRule, order)
	if limit > 0 || offset > 0 {
		lim := int64(limit)
		if limit == 0 {
			lim = 1 << 62
		}
		q += fmt.Sprintf(" LIMIT %d, %d", offset, lim)
	}
	var ext []Table
	if ids != nil {
		ext = append(ext, idTable(ids))
	}
	type raw struct {
		id               string
		rec              rec
		answers, content string
		batch            int64
	}
	var got []raw
	err := query2(ctx, s.coordinator(), q, ext, func(rows Rows) error {
		var r raw
		if err := rows.Scan(&r.id, &r.rec.survey, &r.rec.wave, &r.rec.unit, &r.rec.submitted, &r.answers, &r.content, &r.batch); err != nil {
			return err
		}
		got = append(got, r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("chstore: reading responses: %w", err)
	}
	var svs, ws, us, its []uint32
	for i := range got {
		r := &got[i]
		if len(r.id) != 16 {
			return nil, errors.New("chstore: a stored response row is malformed")
		}
		if r.rec.items, r.rec.vals, err = parseAnswers(r.answers); err != nil {
			return nil, err
		}
		if err := parseContent(r.content, &r.rec); err != nil {
			return nil, err
		}
		svs, ws, us = append(svs, r.rec.survey), append(ws, r.rec.wave), append(us, r.rec.unit)
		its = append(its, r.rec.items...)
	}
	svN, err := s.namesOf(ctx, kindSurvey, svs)
	if err != nil {
		return nil, err
	}
	wN, err := s.namesOf(ctx, kindWave, ws)
	if err != nil {
		return nil, err
	}
	uN, err := s.namesOf(ctx, kindUnit, us)
	if err != nil {
		return nil, err
	}
	iN, err := s.namesOf(ctx, kindItem, its)
	if err != nil {
		return nil, err
	}
	out := make([]liveResponse, len(got))
	for i := range got {
		r := &got[i].rec
		resp := survey.Response{ID: uuid.UUID([]byte(got[i].id)), Survey: svN[r.survey], Wave: wN[r.wave], Unit: uN[r.unit],
			Respondent: r.respondent, Submitted: time.UnixMicro(r.submitted).UTC(), Comment: r.comment}
		if len(r.items) > 0 {
			resp.Answers = make(map[string]int, len(r.items))
			for j, it := range r.items {
				resp.Answers[iN[it]] = int(r.vals[j])
			}
		}
		if len(r.segKeys) > 0 {
			resp.Segments = make(map[string]string, len(r.segKeys))
			for j, k := range r.segKeys {
				resp.Segments[k] = r.segVals[j]
			}
		}
		if len(r.textKeys) > 0 {
			resp.Texts = make(map[string]string, len(r.textKeys))
			for j, k := range r.textKeys {
				resp.Texts[k] = r.textVals[j]
			}
		}
		out[i] = liveResponse{Response: resp, batch: got[i].batch}
	}
	return out, nil
}
