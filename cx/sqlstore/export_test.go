package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
)

// NewAtVersion returns a store over db whose schema is brought to version
// v only, as an older version of this package would have left it.
func NewAtVersion(ctx context.Context, db *sql.DB, d Dialect, v int) (*Store, error) {
	s := &Store{db: db, dialect: d, layouts: map[int64]*layout{}}
	return s, s.migrateTo(ctx, v)
}

// SchemaVersion returns the schema version of the store's database.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) { return s.schemaVersion(ctx) }

// LatestVersion returns the newest schema version this package knows.
func LatestVersion(d Dialect) int {
	ms, err := migrations(d)
	if err != nil {
		panic(err)
	}
	return len(ms)
}

// Category exposes the classification of driver errors.
var Category = category

// MigrateWithExtra upgrades the store's database with the package's
// migrations followed by further versions, one per SQL text of extra.
func (s *Store) MigrateWithExtra(ctx context.Context, extra ...string) error {
	ms, err := migrations(s.dialect)
	if err != nil {
		return err
	}
	for _, text := range extra {
		v := len(ms) + 1
		ms = append(ms, migration{version: v, name: fmt.Sprintf("%04d_extra.sql", v), sql: text})
	}
	return s.migrateWith(ctx, ms, -1)
}

// SetCopySegment sets the rows of a COPY segment of PostgreSQL imports
// and returns a function restoring it.
func SetCopySegment(n int) (restore func()) {
	old := copySegment
	copySegment = n
	return func() { copySegment = old }
}
