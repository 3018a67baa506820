package sqlstore

import (
	"context"
	"database/sql"
	"errors"
)

// withTx runs fn in a read-write transaction: if fn returns nil the
// transaction is committed, otherwise it is rolled back and fn's error
// returned (the shape of bbolt's DB.Update).
func (s *Store) withTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return s.inTx(ctx, s.db, nil, fn)
}

// beginner is what *sql.DB and *sql.Conn have in common.
type beginner interface {
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}

// readTx runs fn in a read-only transaction that sees one snapshot of the
// database: SQLite's deferred transactions do; PostgreSQL's default (read
// committed) takes a snapshot per statement, so a repeatable-read
// transaction is asked for.
func (s *Store) readTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if s.dialect == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	return s.inTx(ctx, s.db, opts, fn)
}

func (s *Store) inTx(ctx context.Context, b beginner, opts *sql.TxOptions, fn func(tx *sql.Tx) error) (err error) {
	tx, err := b.BeginTx(ctx, opts)
	if err != nil {
		return wrap(err, "begin a transaction", "")
	}
	defer func() {
		if err != nil {
			// A failed statement may have ended the transaction already
			// (SQLite's INSERT OR ROLLBACK does); the rollback's own
			// error says nothing more then.
			_ = tx.Rollback()
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return wrap(err, "commit", "")
	}
	return nil
}

// lock takes the lock of a kind of batch write for the rest of tx by
// updating its row in cx_locks: writers of that kind wait for each other
// (PostgreSQL holds the row lock until the end of the transaction; SQLite
// takes its database write lock on the first write).
func lock(ctx context.Context, tx *sql.Tx, name string) error {
	res, err := tx.ExecContext(ctx, "UPDATE cx_locks SET n = n + 1 WHERE name = $1", name)
	if err != nil {
		return wrap(err, "lock "+name, "")
	}
	if n, err := res.RowsAffected(); err == nil && n != 1 {
		return wrap(errors.New("the lock row is missing from cx_locks"), "lock "+name, "")
	}
	return nil
}
