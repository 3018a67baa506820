package chstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// eraseEvery is the number of recorded erasures at which a deletion asks
// the shards to erase them: every mutation rewrites the parts of the table
// it touches, so they are grouped.
const eraseEvery = 100

// Erase asks every shard to erase from disk the content of the responses
// deleted so far whose erasure is still recorded in the catalog (see
// [Store.DeleteResponse]), and clears those records. ClickHouse carries
// the erasure out in the background (an ALTER TABLE ... DELETE mutation);
// reads leave the deleted responses out whether it is done or not.
// DeleteResponse calls it once 100 erasures are pending, and Close calls
// it; call it after deleting responses on a person's erasure request to
// have their content removed at once.
func (s *Store) Erase(ctx context.Context) error {
	for {
		n, err := s.eraseSome(ctx, 1000)
		if err != nil || n < 1000 {
			return err
		}
	}
}

// eraseIfMany erases the recorded erasures when there are eraseEvery or
// more.
func (s *Store) eraseIfMany(ctx context.Context) error {
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM cxch_erasures").Scan(&n); err != nil {
		return fmt.Errorf("chstore: counting pending erasures: %w", err)
	}
	if n < eraseEvery {
		return nil
	}
	return s.Erase(ctx)
}

// eraseSome issues the mutation of up to limit recorded erasures on every
// shard, then clears their records; it returns how many it issued. An
// erasure issued twice (after a failure to clear its record) does no
// harm: it deletes nothing the second time.
func (s *Store) eraseSome(ctx context.Context, limit int) (int, error) {
	type erasure struct {
		id     string
		before int64
	}
	rows, err := s.db.QueryContext(ctx, fmt.Sprintf("SELECT id, before FROM cxch_erasures ORDER BY before, id LIMIT %d", limit))
	if err != nil {
		return 0, fmt.Errorf("chstore: reading pending erasures: %w", err)
	}
	var es []erasure
	for rows.Next() {
		var e erasure
		if err := rows.Scan(&e.id, &e.before); err != nil {
			rows.Close()
			return 0, fmt.Errorf("chstore: reading pending erasures: %w", err)
		}
		es = append(es, e)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return 0, fmt.Errorf("chstore: reading pending erasures: %w", err)
	}
	if len(es) == 0 {
		return 0, nil
	}
	// The rows holding the content, written before the deleting batch,
	// go; the tombstone stays, and the same ID stored again later is
	// kept.
	var terms []string
	for _, e := range es {
		id, err := hex.DecodeString(e.id)
		if err != nil || len(id) != 16 {
			return 0, fmt.Errorf("chstore: a pending erasure names a malformed ID %q", e.id)
		}
		terms = append(terms, fmt.Sprintf("(id = %s AND batch < %d)", quote(string(id)), e.before))
	}
	q := fmt.Sprintf("ALTER TABLE %s.responses_local DELETE WHERE sign = 1 AND (%s)", s.database, strings.Join(terms, " OR "))
	for i, c := range s.shards {
		if err := c.Exec(ctx, q); err != nil {
			return 0, fmt.Errorf("chstore: asking shard %d to erase deleted responses: %w", i+1, err)
		}
	}
	err = s.inTx(ctx, nil, func(tx *sql.Tx) error {
		for _, e := range es {
			if _, err := tx.ExecContext(ctx, "DELETE FROM cxch_erasures WHERE id = $1 AND before = $2", e.id, e.before); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("chstore: clearing erasures: %w", err)
	}
	return len(es), nil
}
