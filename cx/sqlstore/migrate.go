package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The schema migrations, one file per version and dialect, named
// NNNN_what.sql and applied in order.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

// migration is one version of the schema.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the migrations of d, checked to number 1, 2, ...
func migrations(d Dialect) ([]migration, error) {
	dir := "migrations/" + d.String()
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: reading migrations of %s: %w", d, err)
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("sqlstore: migration %s/%s: name must be NNNN_what.sql", dir, e.Name())
		}
		b, err := migrationFiles.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("sqlstore: reading migration %s/%s: %w", dir, e.Name(), err)
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(b)})
	}
	slices.SortFunc(out, func(a, b migration) int { return a.version - b.version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("sqlstore: migration %s/%s: want version %d", dir, m.name, i+1)
		}
	}
	return out, nil
}

// schemaTable records the versions applied, one row each.
const schemaTable = `CREATE TABLE IF NOT EXISTS cx_schema (
	version    INTEGER NOT NULL PRIMARY KEY,
	name       TEXT NOT NULL,
	applied_us BIGINT NOT NULL
)`

// migrate brings the schema to the latest version.
func (s *Store) migrate(ctx context.Context) error {
	return s.migrateTo(ctx, -1)
}

// migrateTo brings the schema to version target (-1: the latest), one
// version per transaction. It fails with ErrSchemaNewer if the database is
// beyond the latest version this package knows.
func (s *Store) migrateTo(ctx context.Context, target int) error {
	ms, err := migrations(s.dialect)
	if err != nil {
		return err
	}
	return s.migrateWith(ctx, ms, target)
}

// migrateWith brings the schema to version target of ms (-1: the last).
func (s *Store) migrateWith(ctx context.Context, ms []migration, target int) error {
	if target < 0 || target > len(ms) {
		target = len(ms)
	}
	if _, err := s.db.ExecContext(ctx, schemaTable); err != nil {
		return wrap(err, "create the schema table", "")
	}
	for {
		done, err := s.migrateStep(ctx, ms, target)
		if err != nil || done {
			return err
		}
	}
}

// migrateStep applies the next migration up to target in one transaction,
// unless the schema is there already. Concurrent openers wait for each
// other: the transaction starts by locking the schema table.
func (s *Store) migrateStep(ctx context.Context, ms []migration, target int) (done bool, err error) {
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		lock := "DELETE FROM cx_schema WHERE version < 0" // a write: takes SQLite's write lock
		if s.dialect == Postgres {
			lock = "LOCK TABLE cx_schema IN SHARE ROW EXCLUSIVE MODE"
		}
		if _, err := tx.ExecContext(ctx, lock); err != nil {
			return wrap(err, "lock the schema table", "")
		}
		var v sql.NullInt64
		if err := tx.QueryRowContext(ctx, "SELECT max(version) FROM cx_schema").Scan(&v); err != nil {
			return wrap(err, "read the schema version", "")
		}
		cur := int(v.Int64)
		if cur > len(ms) {
			return &opError{op: "open", err: fmt.Errorf("%w: the database is at schema version %d, this package knows versions up to %d; open it with a newer version of github.com/cxculture/cxculture",
				ErrSchemaNewer, cur, len(ms))}
		}
		if cur >= target {
			done = true
			return nil
		}
		m := ms[cur]
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return wrap(err, fmt.Sprintf("apply schema migration %s (%s)", m.name, s.dialect), "")
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO cx_schema (version, name, applied_us) VALUES ($1, $2, $3)",
			m.version, m.name, time.Now().UnixMicro()); err != nil {
			return wrap(err, "record schema migration "+m.name, "")
		}
		return nil
	})
	return done, err
}

// schemaVersion returns the version of the schema in the database.
func (s *Store) schemaVersion(ctx context.Context) (int, error) {
	var v sql.NullInt64
	if err := s.db.QueryRowContext(ctx, "SELECT max(version) FROM cx_schema").Scan(&v); err != nil {
		return 0, wrap(err, "read the schema version", "")
	}
	return int(v.Int64), nil
}
