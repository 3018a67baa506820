// Package sqlite opens a [sqlstore.Store] in a SQLite database file, with
// modernc.org/sqlite, a SQLite compiled to Go: no cgo, no C toolchain.
//
// The database runs in write-ahead-log mode, so readers never wait for the
// writer and the writer never waits for readers; writers wait for each
// other up to a busy timeout. Transactions that write take the write lock
// when they begin, so two writers cannot deadlock. Every committed batch
// survives a crash of the process (synchronous=NORMAL keeps it across a
// crash of the process, though the last transactions before a power loss
// may be lost; set PRAGMA synchronous=FULL through the DSN of [OpenDSN] for
// those).
//
// Run: go run ./examples/sqlite
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	// The pure-Go SQLite driver, registered as "sqlite".
	_ "modernc.org/sqlite"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/sqlstore"
)

// Pragmas are the settings of every connection [Open] makes.
const Pragmas = "_pragma=busy_timeout(30000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)" +
	"&_pragma=foreign_keys(1)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-65536)&_pragma=wal_autocheckpoint(20000)&_txlock=immediate"

// Open opens (creating it if needed) the SQLite database file at path and
// returns a store over it, its schema created or upgraded. Close the store
// to close the file.
func Open(ctx context.Context, path string) (*sqlstore.Store, error) {
	if path == "" {
		return nil, &cx.ValidationError{Problems: []cx.Problem{{Field: "path", Message: "required: the path of the database file"}}}
	}
	if path == ":memory:" || strings.HasPrefix(path, "file:") {
		return nil, &cx.ValidationError{Problems: []cx.Problem{{Field: "path", Message: fmt.Sprintf("%q is not a file path; use OpenDSN for in-memory databases and URIs", path)}}}
	}
	if fi, err := os.Stat(filepath.Dir(path)); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("sqlite: opening %s: the folder %s does not exist", path, filepath.Dir(path))
	}
	return open(ctx, "file:"+escape(path)+"?"+Pragmas, path)
}

// OpenDSN opens a store over the modernc.org/sqlite data source name dsn,
// as given: include the settings of [Pragmas] for the behavior described
// in the package documentation.
func OpenDSN(ctx context.Context, dsn string) (*sqlstore.Store, error) {
	return open(ctx, dsn, dsn)
}

// open opens dsn; name is what errors call it.
func open(ctx context.Context, dsn, name string) (*sqlstore.Store, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlite: opening %s: %w", name, err)
	}
	if err := db.PingContext(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("sqlite: opening %s: %w", name, err), db.Close())
	}
	s, err := sqlstore.New(ctx, db, &sqlstore.Options{Dialect: sqlstore.SQLite, CloseDB: true})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("sqlite: opening %s: %w", name, err), db.Close())
	}
	return s, nil
}

// escape makes path safe inside a SQLite URI: '%', '?' and '#' are written
// as %XX.
func escape(path string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
}
