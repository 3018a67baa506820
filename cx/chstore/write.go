package chstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/survey"
)

// CreateResponses implements [survey.ResponseStore]: the batch is written
// to the cluster under a new batch number and becomes visible, all at
// once, when the catalog marks the batch committed. Responses stored
// already (in a committed batch) with the same content add nothing; one
// with the same ID and different content fails the whole batch with
// cx.ErrAlreadyExists before anything is written. If writing fails, the
// batch is marked failed, no read ever sees its rows, and calling
// CreateResponses again with the same responses stores them.
func (s *Store) CreateResponses(ctx context.Context, rs []survey.Response) (int, error) {
	const opName = "create responses"
	uniq := make([]survey.Response, 0, len(rs))
	seen := make(map[uuid.UUID]int, len(rs))
	for i, r := range rs {
		if j, ok := seen[r.ID]; ok {
			if !uniq[j].Equal(r) {
				return 0, alreadyExists(opName, fmt.Sprintf("responses[%d] and an earlier response of the batch differ under ID %s", i, r.ID))
			}
			continue
		}
		seen[r.ID] = len(uniq)
		uniq = append(uniq, r)
	}
	if len(uniq) == 0 {
		return 0, nil
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	for attempt := 0; ; attempt++ {
		n, err := s.createOnce(ctx, uniq)
		if errors.Is(err, errRace) && attempt < 5 {
			continue // another process stored some of them meanwhile: look again
		}
		return n, wrap(err, opName)
	}
}

// createOnce stores the responses of rs (distinct IDs) not stored yet, in
// one batch.
func (s *Store) createOnce(ctx context.Context, rs []survey.Response) (int, error) {
	sn, err := s.snapshot(ctx)
	if err != nil {
		return 0, err
	}
	recs, err := s.encode(ctx, rs)
	if err != nil {
		return 0, err
	}
	stored, err := s.storedDigests(ctx, sn, idsOf(rs))
	if err != nil {
		return 0, err
	}
	fresh := recs[:0:0]
	var ids []uuid.UUID
	for _, r := range recs {
		d, ok := stored[r.id]
		switch {
		case !ok:
			fresh = append(fresh, r)
			ids = append(ids, r.id)
		case d != r.digest:
			return 0, &opError{op: "create responses", kind: cx.ErrAlreadyExists,
				err: fmt.Errorf("response %s is stored with different content", r.id)}
		}
	}
	if len(fresh) == 0 {
		return 0, nil
	}
	groups, err := s.surveyGroups(ctx, fresh)
	if err != nil {
		return 0, err
	}
	b, err := s.beginBatch(ctx)
	if err != nil {
		return 0, err
	}
	if err := s.writeRecs(ctx, uint32(b), 1, fresh, groups); err != nil {
		s.failBatch(ctx, b, err)
		return 0, err
	}
	err = s.commitBatch(ctx, b, len(fresh), sn, recorded(groups), func(since []int64) (bool, error) {
		return s.anyTouched(ctx, since, ids)
	}, nil)
	if err != nil {
		if !errors.Is(err, errRace) {
			s.failBatch(ctx, b, err)
		}
		return 0, err
	}
	return len(fresh), nil
}

// recorded lists the groups whose pattern rows a batch wrote for the
// responses it stored.
func recorded(groups map[uint32][]groupLayout) []batchGroup {
	var out []batchGroup
	for sv, ls := range groups {
		for _, l := range ls {
			out = append(out, batchGroup{sv, l.code})
		}
	}
	return out
}

// DeleteResponse implements [survey.ResponseStore]: in a batch of its
// own it writes the response's answers and patterns again with sign -1,
// and a tombstone (its ID and keys, without its content) in the table of
// responses, so that every sum and every read leaves it out from the
// moment the batch commits. The row that holds the response's content
// (respondent, comment, segments, answers) is then erased from the
// shards' disks by a mutation: the catalog records the erasure with the
// batch, and the store asks the shards for the erasures recorded in
// groups (see [Store.Erase]). The long tables of answers and patterns
// hold none of that content, only the counts the response added and took
// away.
func (s *Store) DeleteResponse(ctx context.Context, id uuid.UUID) error {
	opName := "delete response " + id.String()
	s.wmu.Lock()
	defer s.wmu.Unlock()
	for attempt := 0; ; attempt++ {
		err := s.deleteOnce(ctx, id)
		if errors.Is(err, errRace) && attempt < 5 {
			continue
		}
		return wrap(err, opName)
	}
}

func (s *Store) deleteOnce(ctx context.Context, id uuid.UUID) error {
	sn, err := s.snapshot(ctx)
	if err != nil {
		return err
	}
	live, err := s.liveResponses(ctx, sn, "id IN ids", []uuid.UUID{id}, "", 0, 0)
	if err != nil {
		return err
	}
	if len(live) == 0 {
		return &opError{op: "delete response " + id.String(), kind: cx.ErrNotFound}
	}
	// The -1 rows of patterns mirror the +1 rows: the groups the batch
	// that stored the response wrote.
	groups, err := s.batchGroups(ctx, live[0].batch)
	if err != nil {
		return err
	}
	recs, err := s.encode(ctx, []survey.Response{live[0].Response})
	if err != nil {
		return err
	}
	b, err := s.beginBatch(ctx)
	if err != nil {
		return err
	}
	if err := s.writeRecs(ctx, uint32(b), -1, recs, groups); err != nil {
		s.failBatch(ctx, b, err)
		return err
	}
	err = s.commitBatch(ctx, b, 1, sn, nil, func(since []int64) (bool, error) {
		return s.anyTouched(ctx, since, []uuid.UUID{id})
	}, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO cxch_erasures (id, before) VALUES ($1, $2)", hex.EncodeToString(id[:]), b)
		return err
	})
	if err != nil {
		if !errors.Is(err, errRace) {
			s.failBatch(ctx, b, err)
		}
		return err
	}
	return s.eraseIfMany(context.WithoutCancel(ctx))
}

func idsOf(rs []survey.Response) []uuid.UUID {
	out := make([]uuid.UUID, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

// idTable is an external table of response IDs, named ids.
func idTable(ids []uuid.UUID) Table {
	col := make([]string, len(ids))
	for i, id := range ids {
		col[i] = string(id[:])
	}
	return Table{Name: "ids", Columns: []Column{{Name: "id", Type: "FixedString(16)", Data: col}}}
}

// storedDigests returns the digest of each response among ids that the
// snapshot sees stored.
func (s *Store) storedDigests(ctx context.Context, sn snapshot, ids []uuid.UUID) (map[uuid.UUID]uint64, error) {
	out := map[uuid.UUID]uint64{}
	const page = 200000
	for lo := 0; lo < len(ids); lo += page {
		part := ids[lo:min(lo+page, len(ids))]
		q := fmt.Sprintf("SELECT id, argMax(digest, (batch, sign)) FROM %s.responses WHERE %s AND id IN ids GROUP BY id HAVING %s",
			s.database, sn.where(), liveRule)
		rows, err := s.coordinator().Query(ctx, q, idTable(part))
		if err != nil {
			return nil, fmt.Errorf("chstore: looking up stored responses: %w", err)
		}
		for rows.Next() {
			var id string
			var d uint64
			if err := rows.Scan(&id, &d); err != nil {
				rows.Close()
				return nil, fmt.Errorf("chstore: looking up stored responses: %w", err)
			}
			out[uuid.UUID([]byte(id))] = d
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return nil, fmt.Errorf("chstore: looking up stored responses: %w", err)
		}
	}
	return out, nil
}

// batchTouched reports whether the batches given wrote rows of any of the
// responses that batch b wrote: the coordinator collects b's IDs from
// every shard (GLOBAL IN), so the process need not keep them.
func (s *Store) batchTouched(ctx context.Context, batches []int64, b int64) (bool, error) {
	var n uint64
	err := query(ctx, s.coordinator(), fmt.Sprintf("SELECT count() FROM %s.responses WHERE batch IN (%s) AND id GLOBAL IN (SELECT id FROM %s.responses WHERE batch = %d)",
		s.database, uints(batches), s.database, b), func(r Rows) error { return r.Scan(&n) })
	return n > 0, err
}

// anyTouched reports whether the batches given wrote rows of any of the
// responses with the given IDs.
func (s *Store) anyTouched(ctx context.Context, batches []int64, ids []uuid.UUID) (bool, error) {
	q := fmt.Sprintf("SELECT count() FROM %s.responses WHERE batch IN (%s) AND id IN ids", s.database, uints(batches))
	rows, err := s.coordinator().Query(ctx, q, idTable(ids))
	if err != nil {
		return false, err
	}
	var n uint64
	if rows.Next() {
		err = rows.Scan(&n)
	}
	if err := errors.Join(err, rows.Err(), rows.Close()); err != nil {
		return false, err
	}
	return n > 0, nil
}
