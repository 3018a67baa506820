package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"sync"

	"github.com/cxculture/cxculture/cx"
)

// Dialect is the SQL dialect of the database behind a [Store].
type Dialect int

const (
	// Detect asks [New] to find the dialect by querying the database.
	Detect Dialect = iota
	// SQLite is SQLite 3.35 or later, such as modernc.org/sqlite.
	SQLite
	// Postgres is PostgreSQL 12 or later, such as through
	// github.com/jackc/pgx/v5/stdlib.
	Postgres
)

// String returns "sqlite", "postgres" or "detect".
func (d Dialect) String() string {
	switch d {
	case Detect:
		return "detect"
	case SQLite:
		return "sqlite"
	case Postgres:
		return "postgres"
	}
	return "Dialect(" + strconv.Itoa(int(d)) + ")"
}

// Options configure a [Store]. The zero value, and a nil *Options, detect
// the dialect and leave the *sql.DB open on Close.
type Options struct {
	// Dialect of the database; Detect (the zero value) queries it.
	Dialect Dialect
	// CloseDB makes [Store.Close] close the *sql.DB as well. The openers
	// of packages cx/sqlstore/sqlite and cx/sqlstore/postgres set it.
	CloseDB bool
	// Copy, when set, writes batches of responses with the database's
	// bulk-load protocol instead of multi-row INSERTs. Package
	// cx/sqlstore/postgres sets it to PostgreSQL's COPY through pgx.
	Copy CopyFunc
}

// CopyFunc writes rows into table through a bulk-load protocol (such as
// PostgreSQL's COPY FROM) on conn, the driver connection that
// sql.Conn.Raw exposes, inside the transaction open on it. next returns
// the values of each row in the order of cols, then a nil row at the end;
// an error from next must end the copy with that error. A violated unique
// key must fail with the driver's error, which the store classifies (see
// [ErrSchemaNewer] for the other errors of this package).
type CopyFunc func(ctx context.Context, conn any, table string, cols []string, next func() (row []any, err error)) error

// Store is a [cx.Store] and a [cx.TallyStore] kept in a SQL database. It
// is safe for concurrent use, also by several processes sharing the
// database. Create it with [New] (or the openers of packages
// cx/sqlstore/sqlite and cx/sqlstore/postgres) and release it with
// [Store.Close].
type Store struct {
	db      *sql.DB
	dialect Dialect
	closeDB bool
	copy    CopyFunc

	mu      sync.RWMutex
	layouts map[int64]*layout // encodings read from the database; immutable
}

var (
	_ cx.Store      = (*Store)(nil)
	_ cx.TallyStore = (*Store)(nil)
)

// New returns a store over db, creating or upgrading the schema to the
// version this package writes. The schema's tables are named with the
// prefix cx_; they may share a database (or, on PostgreSQL, the schema
// named by the connection's search_path) with other tables.
//
// Opening a database whose schema is newer than this package knows fails
// with an error wrapping [ErrSchemaNewer], and changes nothing. Upgrades
// run one version at a time, each in its own transaction, so an upgrade
// that fails leaves the database at the last version it reached.
func New(ctx context.Context, db *sql.DB, opts *Options) (*Store, error) {
	if db == nil {
		return nil, &cx.ValidationError{Problems: []cx.Problem{{Field: "db", Message: "required: a *sql.DB opened with a SQLite or PostgreSQL driver"}}}
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	s := &Store{db: db, dialect: o.Dialect, closeDB: o.CloseDB, copy: o.Copy, layouts: map[int64]*layout{}}
	switch o.Dialect {
	case Detect:
		d, err := detect(ctx, db)
		if err != nil {
			return nil, err
		}
		s.dialect = d
	case SQLite, Postgres:
	default:
		return nil, &cx.ValidationError{Problems: []cx.Problem{{Field: "options.dialect", Message: fmt.Sprintf("unknown dialect %d: use Detect, SQLite or Postgres", int(o.Dialect))}}}
	}
	if err := s.migrate(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// detect finds the dialect of db: sqlite_version() exists only in SQLite,
// current_setting('server_version_num') only in PostgreSQL.
func detect(ctx context.Context, db *sql.DB) (Dialect, error) {
	var v string
	errSQLite := db.QueryRowContext(ctx, "SELECT sqlite_version()").Scan(&v)
	if errSQLite == nil {
		return SQLite, nil
	}
	errPG := db.QueryRowContext(ctx, "SELECT current_setting('server_version_num')").Scan(&v)
	if errPG == nil {
		return Postgres, nil
	}
	return 0, fmt.Errorf("sqlstore: cannot tell the database's dialect (neither SQLite nor PostgreSQL answered: %w); set Options.Dialect",
		errors.Join(errSQLite, errPG))
}

// Dialect returns the dialect of the database.
func (s *Store) Dialect() Dialect { return s.dialect }

// Close releases the store. It closes the *sql.DB only if
// [Options.CloseDB] was set; the data stays in the database.
func (s *Store) Close() error {
	if s.closeDB {
		return s.db.Close()
	}
	return nil
}
