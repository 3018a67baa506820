package chstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The store's own tables in the catalog database. The catalog is where
// the store keeps what needs transactions: the dictionary of codes and the
// log of batches, whose states decide what every read sees.
var catalogSchema = []string{
	`CREATE TABLE IF NOT EXISTS cxch_lock (
	name TEXT NOT NULL PRIMARY KEY,
	n    BIGINT NOT NULL
)`,
	`INSERT INTO cxch_lock (name, n) VALUES ('writes', 0) ON CONFLICT DO NOTHING`,
	`CREATE TABLE IF NOT EXISTS cxch_meta (
	name  TEXT NOT NULL PRIMARY KEY,
	value TEXT NOT NULL
)`,
	`CREATE TABLE IF NOT EXISTS cxch_names (
	kind TEXT NOT NULL,
	name TEXT NOT NULL,
	code BIGINT NOT NULL,
	PRIMARY KEY (kind, name)
)`,
	`CREATE UNIQUE INDEX IF NOT EXISTS cxch_names_code ON cxch_names (kind, code)`,
	`CREATE TABLE IF NOT EXISTS cxch_batches (
	id          BIGINT NOT NULL PRIMARY KEY,
	state       TEXT NOT NULL,
	started_us  BIGINT NOT NULL,
	finished_us BIGINT NOT NULL DEFAULT 0,
	responses   BIGINT NOT NULL DEFAULT 0,
	error       TEXT NOT NULL DEFAULT ''
)`,
	`CREATE TABLE IF NOT EXISTS cxch_erasures (
	id     TEXT NOT NULL,
	before BIGINT NOT NULL,
	PRIMARY KEY (id, before)
)`,
	`CREATE TABLE IF NOT EXISTS cxch_batch_groups (
	batch  BIGINT NOT NULL,
	survey BIGINT NOT NULL,
	grp    BIGINT NOT NULL,
	PRIMARY KEY (batch, survey, grp)
)`,
}

// Batch states.
const (
	pending   = "pending"
	committed = "committed"
	failed    = "failed"
)

// schemaVersion is the version of the store's tables, in the catalog and
// on the shards, that this package writes; the catalog records it.
// Version 3 sums answers per unit, wave, item and batch, with a column
// per value from 0 to 10 and a map for the others (answer_sums); version
// 2 wrote one row per response (answers and patterns as arrays) and let
// the cluster make the long table of answers, with answers summed per
// value; version 1 wrote a row per answer and per pattern.
const schemaVersion = 3

// ErrSchemaNewer means the catalog was written by a newer version of this
// package, whose tables this one does not know.
var ErrSchemaNewer = errors.New("chstore: the store's schema is newer than this package")

// ErrSchemaOlder means the catalog was written by an older version of this
// package, whose tables this one does not write: no migration exists
// (no released version wrote them); import the responses again into a
// new database with a new catalog.
var ErrSchemaOlder = errors.New("chstore: the store's schema is older than this package")

// migrateCatalog creates the store's tables in the catalog, in one
// transaction that concurrent openers take turns at, and checks the
// version of the schema.
func (s *Store) migrateCatalog(ctx context.Context) error {
	var err error
	for range 3 { // two openers creating the tables at once may collide once
		err = s.inTx(ctx, nil, func(tx *sql.Tx) error {
			for _, q := range catalogSchema {
				if _, err := tx.ExecContext(ctx, q); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO cxch_meta (name, value) VALUES ('schema', $1) ON CONFLICT DO NOTHING", strconv.Itoa(schemaVersion)); err != nil {
				return err
			}
			var v string
			if err := tx.QueryRowContext(ctx, "SELECT value FROM cxch_meta WHERE name = 'schema'").Scan(&v); err != nil {
				return err
			}
			switch n, err := strconv.Atoi(v); {
			case err != nil || n > schemaVersion:
				return fmt.Errorf("%w: the catalog is at version %s, this package writes version %d", ErrSchemaNewer, v, schemaVersion)
			case n < schemaVersion:
				return fmt.Errorf("%w: the catalog is at version %s, this package reads and writes version %d only; "+
					"import the responses into a new database with a new catalog", ErrSchemaOlder, v, schemaVersion)
			}
			return nil
		})
		if err == nil || errors.Is(err, ErrSchemaNewer) || errors.Is(err, ErrSchemaOlder) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("chstore: creating the store's tables in the catalog: %w", err)
	}
	return nil
}

// storeID returns the identity of the store the catalog belongs to, made
// when the catalog was first opened.
func (s *Store) storeID(ctx context.Context) (string, error) {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	if _, err := s.db.ExecContext(ctx, "INSERT INTO cxch_meta (name, value) VALUES ('store', $1) ON CONFLICT DO NOTHING", hex.EncodeToString(b)); err != nil {
		return "", fmt.Errorf("chstore: reading the store's identity from the catalog: %w", err)
	}
	var id string
	if err := s.db.QueryRowContext(ctx, "SELECT value FROM cxch_meta WHERE name = 'store'").Scan(&id); err != nil {
		return "", fmt.Errorf("chstore: reading the store's identity from the catalog: %w", err)
	}
	return id, nil
}

// inTx runs fn in a transaction of the catalog, committed if fn returns
// nil; opts nil is a read-write transaction.
func (s *Store) inTx(ctx context.Context, opts *sql.TxOptions, fn func(*sql.Tx) error) (err error) {
	tx, err := s.db.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// lockWrites takes the catalog's write lock for the rest of tx: writers
// of batches and codes wait for each other (PostgreSQL holds the row lock
// to the end of the transaction; SQLite takes its write lock on the first
// write).
func lockWrites(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, "UPDATE cxch_lock SET n = n + 1 WHERE name = 'writes'")
	return err
}

// Kinds of names in the dictionary.
const (
	kindSurvey = "s"
	kindWave   = "w"
	kindUnit   = "u"
	kindItem   = "i"
	kindGroup  = "g" // a reliability group: items and scales, see groupLayout
)

// names caches the dictionary. Codes never change once given, so the
// cache needs no invalidation.
type names struct {
	mu     sync.RWMutex
	codes  map[string]uint32            // kind + "\x00" + name
	byCode map[string]map[uint32]string // kind -> code -> name
}

func nameKey(kind, name string) string { return kind + "\x00" + name }

func (n *names) cached(kind, name string) (uint32, bool) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	c, ok := n.codes[nameKey(kind, name)]
	return c, ok
}

func (n *names) remember(kind, name string, code uint32) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.codes == nil {
		n.codes, n.byCode = map[string]uint32{}, map[string]map[uint32]string{}
	}
	n.codes[nameKey(kind, name)] = code
	if n.byCode[kind] == nil {
		n.byCode[kind] = map[uint32]string{}
	}
	n.byCode[kind][code] = name
}

func (n *names) name(kind string, code uint32) (string, bool) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	name, ok := n.byCode[kind][code]
	return name, ok
}

// codes returns the codes of names of one kind, giving new codes to the
// names that have none.
func (s *Store) codes(ctx context.Context, kind string, ns []string) (map[string]uint32, error) {
	out := make(map[string]uint32, len(ns))
	var missing []string
	for _, n := range ns {
		if _, done := out[n]; done {
			continue
		}
		if c, ok := s.names.cached(kind, n); ok {
			out[n] = c
		} else {
			out[n] = 0
			missing = append(missing, n)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	slices.Sort(missing)
	err := s.inTx(ctx, nil, func(tx *sql.Tx) error {
		if err := lockWrites(ctx, tx); err != nil {
			return err
		}
		found, err := s.readCodes(ctx, tx, kind, missing)
		if err != nil {
			return err
		}
		var next int64
		if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(code), 0) FROM cxch_names WHERE kind = $1", kind).Scan(&next); err != nil {
			return err
		}
		for _, n := range missing {
			if c, ok := found[n]; ok {
				out[n] = c
				continue
			}
			next++
			if next > 1<<32-1 {
				return fmt.Errorf("the dictionary of kind %q is full", kind)
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO cxch_names (kind, name, code) VALUES ($1, $2, $3)", kind, n, next); err != nil {
				return err
			}
			out[n] = uint32(next)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("chstore: giving codes to names: %w", err)
	}
	// Remembered only once committed.
	for _, n := range missing {
		s.names.remember(kind, n, out[n])
	}
	return out, nil
}

// readCodes returns the codes the dictionary holds for names of one kind.
func (s *Store) readCodes(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, kind string, ns []string) (map[string]uint32, error) {
	out := map[string]uint32{}
	for lo := 0; lo < len(ns); lo += 500 {
		part := ns[lo:min(lo+500, len(ns))]
		args := []any{kind}
		var ph []string
		for _, n := range part {
			args = append(args, n)
			ph = append(ph, fmt.Sprintf("$%d", len(args)))
		}
		rows, err := q.QueryContext(ctx, "SELECT name, code FROM cxch_names WHERE kind = $1 AND name IN ("+strings.Join(ph, ", ")+")", args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var n string
			var c int64
			if err := rows.Scan(&n, &c); err != nil {
				rows.Close()
				return nil, err
			}
			out[n] = uint32(c)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// lookup returns the codes of the names of one kind that have one,
// without giving new codes: names without a code appear in no row.
func (s *Store) lookup(ctx context.Context, kind string, ns []string) (map[string]uint32, error) {
	out := map[string]uint32{}
	var missing []string
	for _, n := range ns {
		if c, ok := s.names.cached(kind, n); ok {
			out[n] = c
		} else {
			missing = append(missing, n)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	found, err := s.readCodes(ctx, s.db, kind, missing)
	if err != nil {
		return nil, fmt.Errorf("chstore: reading codes: %w", err)
	}
	for n, c := range found {
		s.names.remember(kind, n, c)
		out[n] = c
	}
	return out, nil
}

// namesOf returns the names of codes of one kind.
func (s *Store) namesOf(ctx context.Context, kind string, codes []uint32) (map[uint32]string, error) {
	out := make(map[uint32]string, len(codes))
	var missing []uint32
	for _, c := range codes {
		if n, ok := s.names.name(kind, c); ok {
			out[c] = n
		} else if _, seen := out[c]; !seen {
			missing = append(missing, c)
		}
	}
	slices.Sort(missing)
	missing = slices.Compact(missing)
	for lo := 0; lo < len(missing); lo += 500 {
		part := missing[lo:min(lo+500, len(missing))]
		rows, err := s.db.QueryContext(ctx, "SELECT name, code FROM cxch_names WHERE kind = $1 AND code IN ("+uints(part)+")", kind)
		if err != nil {
			return nil, fmt.Errorf("chstore: reading names: %w", err)
		}
		for rows.Next() {
			var n string
			var c int64
			if err := rows.Scan(&n, &c); err != nil {
				rows.Close()
				return nil, fmt.Errorf("chstore: reading names: %w", err)
			}
			s.names.remember(kind, n, uint32(c))
			out[uint32(c)] = n
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return nil, fmt.Errorf("chstore: reading names: %w", err)
		}
	}
	for _, c := range missing {
		if _, ok := out[c]; !ok {
			return nil, fmt.Errorf("chstore: code %d of kind %q is in the cluster but not in the catalog's dictionary: the cluster and the catalog do not belong together", c, kind)
		}
	}
	return out, nil
}

// snapshot is what a read sees: the batches up to max, except hidden
// ones (pending or failed when the snapshot was taken).
type snapshot struct {
	max    int64
	hidden []int64
}

// snapshot reads the batch log, in one statement.
func (s *Store) snapshot(ctx context.Context) (snapshot, error) {
	var sn snapshot
	rows, err := s.db.QueryContext(ctx, "SELECT id, state FROM cxch_batches WHERE state <> $1 UNION ALL SELECT COALESCE(MAX(id), 0), '' FROM cxch_batches", committed)
	if err != nil {
		return sn, fmt.Errorf("chstore: reading the batch log: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var state string
		if err := rows.Scan(&id, &state); err != nil {
			return sn, fmt.Errorf("chstore: reading the batch log: %w", err)
		}
		if state == "" {
			sn.max = id
		} else {
			sn.hidden = append(sn.hidden, id)
		}
	}
	if err := rows.Err(); err != nil {
		return sn, fmt.Errorf("chstore: reading the batch log: %w", err)
	}
	// Hidden batches above max began after the log was read.
	sn.hidden = slices.DeleteFunc(sn.hidden, func(id int64) bool { return id > sn.max })
	slices.Sort(sn.hidden)
	return sn, nil
}

// where returns the condition on the batch column that keeps the rows the
// snapshot sees.
func (sn snapshot) where() string {
	w := fmt.Sprintf("batch <= %d", sn.max)
	if len(sn.hidden) > 0 {
		w += " AND batch NOT IN (" + uints(sn.hidden) + ")"
	}
	return w
}

func queryInts(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// beginBatch records a new pending batch and returns its number.
func (s *Store) beginBatch(ctx context.Context) (int64, error) {
	var id int64
	err := s.inTx(ctx, nil, func(tx *sql.Tx) error {
		if err := lockWrites(ctx, tx); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) + 1 FROM cxch_batches").Scan(&id); err != nil {
			return err
		}
		if id > 1<<32-1 {
			return errors.New("the batch log is full")
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO cxch_batches (id, state, started_us) VALUES ($1, $2, $3)", id, pending, time.Now().UnixMicro())
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("chstore: starting a batch: %w", err)
	}
	return id, nil
}

// errRace means that a batch committed by another writer since the
// snapshot touched responses of the batch being committed.
var errRace = errors.New("chstore: another writer committed responses of this batch meanwhile")

// commitBatch marks batch b committed, recording the reliability groups
// whose pattern rows it wrote and running also (when not nil) in the same
// transaction, unless a batch committed since sn touches
// the responses with the given IDs (checked by touched, called with those
// batches); then b is marked failed and errRace returned. A batch no
// longer pending (discarded meanwhile) cannot be committed.
func (s *Store) commitBatch(ctx context.Context, b int64, n int, sn snapshot, groups []batchGroup, touched func([]int64) (bool, error), also func(*sql.Tx) error) error {
	var race bool
	err := s.inTx(ctx, nil, func(tx *sql.Tx) error {
		if err := lockWrites(ctx, tx); err != nil {
			return err
		}
		var state string
		if err := tx.QueryRowContext(ctx, "SELECT state FROM cxch_batches WHERE id = $1", b).Scan(&state); err != nil {
			return err
		}
		if state != pending {
			return fmt.Errorf("batch %d is %s, no longer pending: it was discarded", b, state)
		}
		// The batches committed since the snapshot: after its last one,
		// or hidden from it then.
		q := "SELECT id FROM cxch_batches WHERE state = $1 AND (id > $2"
		if len(sn.hidden) > 0 {
			q += " OR id IN (" + uints(sn.hidden) + ")"
		}
		since, err := queryInts(ctx, tx, q+")", committed, sn.max)
		if err != nil {
			return err
		}
		if len(since) > 0 {
			if race, err = touched(since); err != nil {
				return err
			}
		}
		now := time.Now().UnixMicro()
		if race {
			_, err := tx.ExecContext(ctx, "UPDATE cxch_batches SET state = $2, finished_us = $3, error = $4 WHERE id = $1", b, failed, now, errRace.Error())
			return err
		}
		for _, g := range groups {
			if _, err := tx.ExecContext(ctx, "INSERT INTO cxch_batch_groups (batch, survey, grp) VALUES ($1, $2, $3)", b, g.survey, g.grp); err != nil {
				return err
			}
		}
		if also != nil {
			if err := also(tx); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, "UPDATE cxch_batches SET state = $2, finished_us = $3, responses = $4 WHERE id = $1", b, committed, now, n)
		return err
	})
	if err != nil {
		return fmt.Errorf("chstore: committing batch %d: %w", b, err)
	}
	if race {
		s.purge(context.WithoutCancel(ctx), b)
		return errRace
	}
	return nil
}

// failBatch marks batch b failed with its cause, so that no read ever
// sees its rows, and removes the rows it wrote.
func (s *Store) failBatch(ctx context.Context, b int64, cause error) {
	ctx = context.WithoutCancel(ctx)
	msg := "failed"
	if cause != nil {
		msg = cause.Error()
	}
	_ = s.inTx(ctx, nil, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "UPDATE cxch_batches SET state = $2, finished_us = $3, error = $4 WHERE id = $1 AND state = $5",
			b, failed, time.Now().UnixMicro(), msg, pending)
		return err
	})
	s.purge(ctx, b)
}

// purge asks every shard to delete the rows of a batch that no read sees
// (an asynchronous mutation); failures are ignored, since the rows stay
// hidden either way.
func (s *Store) purge(ctx context.Context, b int64) {
	for _, c := range s.shards {
		for _, t := range tables {
			if t.engine != "Null" {
				_ = c.Exec(ctx, fmt.Sprintf("ALTER TABLE %s.%s_local DELETE WHERE batch = %d", s.database, t.name, b))
			}
		}
	}
}

// batchGroup records that a batch wrote the pattern rows of a reliability
// group of a survey for each of its responses to that survey.
type batchGroup struct{ survey, grp uint32 }
