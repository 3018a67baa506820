package chstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/cxculture/cxculture/cx"
)

// Batch is an entry of the store's batch log: one write of responses (a
// call of CreateResponses, an import, a deletion).
type Batch struct {
	ID int64
	// State is "pending" while the batch is written (or when the process
	// writing it died), "committed" once reads see it, "failed" when it
	// never will be.
	State string
	// Started and Finished are when the batch began and was committed or
	// marked failed (zero while pending).
	Started, Finished time.Time
	// Responses is the number of responses a committed batch stored or
	// deleted.
	Responses int
	// Error says why a failed batch failed.
	Error string
}

// Batches returns the batch log, oldest first: every write of responses
// since the store was created, committed, failed or pending. A batch
// pending long after its writer stopped belongs to a process that died:
// [Store.Discard] removes its rows.
func (s *Store) Batches(ctx context.Context) ([]Batch, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, state, started_us, finished_us, responses, error FROM cxch_batches ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("chstore: reading the batch log: %w", err)
	}
	defer rows.Close()
	var out []Batch
	for rows.Next() {
		var b Batch
		var started, finished int64
		if err := rows.Scan(&b.ID, &b.State, &started, &finished, &b.Responses, &b.Error); err != nil {
			return nil, fmt.Errorf("chstore: reading the batch log: %w", err)
		}
		b.Started = time.UnixMicro(started).UTC()
		if finished != 0 {
			b.Finished = time.UnixMicro(finished).UTC()
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("chstore: reading the batch log: %w", err)
	}
	return out, nil
}

// Discard marks a pending batch failed and asks the shards to delete its
// rows: for a batch whose writer died. If the writer is still at work,
// its commit fails. Discarding a batch that is not pending fails with an
// error satisfying errors.Is(err, cx.ErrInvalid); an unknown batch is
// cx.ErrNotFound.
func (s *Store) Discard(ctx context.Context, id int64) error {
	opName := fmt.Sprintf("discard batch %d", id)
	err := s.inTx(ctx, nil, func(tx *sql.Tx) error {
		if err := lockWrites(ctx, tx); err != nil {
			return err
		}
		var state string
		err := tx.QueryRowContext(ctx, "SELECT state FROM cxch_batches WHERE id = $1", id).Scan(&state)
		if errors.Is(err, sql.ErrNoRows) {
			return &opError{op: opName, kind: cx.ErrNotFound}
		}
		if err != nil {
			return err
		}
		if state != pending {
			return invalid(opName, "batch", fmt.Sprintf("batch %d is %s: only a pending batch can be discarded", id, state))
		}
		_, err = tx.ExecContext(ctx, "UPDATE cxch_batches SET state = $2, finished_us = $3, error = $4 WHERE id = $1",
			id, failed, time.Now().UnixMicro(), "discarded")
		return err
	})
	if err != nil {
		return wrap(err, opName)
	}
	s.purge(ctx, id)
	return nil
}

// ShardResponses returns the number of stored responses on each shard, in
// the order of the cluster's shard numbers: how the sharding key spread
// them.
func (s *Store) ShardResponses(ctx context.Context) ([]int64, error) {
	sn, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]int64, len(s.shards))
	for i, c := range s.shards {
		err := query(ctx, c, fmt.Sprintf("SELECT sum(respondents) FROM %s.group_sums_local WHERE %s", s.database, sn.where()),
			func(r Rows) error { return r.Scan(&out[i]) })
		if err != nil {
			return nil, fmt.Errorf("chstore: counting the responses of shard %d: %w", i+1, err)
		}
	}
	return out, nil
}
