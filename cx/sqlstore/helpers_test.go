package sqlstore_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cxculture/cxculture/cx/sqlstore"
	"github.com/cxculture/cxculture/cx/sqlstore/postgres"
	"github.com/cxculture/cxculture/cx/sqlstore/sqlite"
)

// dsnEnv names the PostgreSQL database the tests use; they skip when it is
// unset.
const dsnEnv = "CXCULTURE_POSTGRES_DSN"

// backend opens fresh, empty stores of one kind.
type backend struct {
	name string
	open func(t testing.TB) *sqlstore.Store
}

func backends() []backend {
	return []backend{{"SQLite", openSQLite}, {"Postgres", openPostgres}}
}

// openSQLite returns a store in a new database file, closed at the end of
// the test.
func openSQLite(t testing.TB) *sqlstore.Store {
	t.Helper()
	return openSQLiteAt(t, filepath.Join(t.TempDir(), "cx.db"))
}

func openSQLiteAt(t testing.TB, path string) *sqlstore.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("sqlite.Open(%s): %v", path, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	location.Store(s, path)
	return s
}

// postgresDSN returns the test database's DSN, or skips the test; in CI
// (CI=true), where .ci/run sets the DSN, the test fails instead.
func postgresDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(dsnEnv)
	if dsn == "" && os.Getenv("CI") == "true" {
		t.Fatalf("%s is not set, but CI is: in CI the PostgreSQL tests run (.ci/run starts a PostgreSQL and sets it)", dsnEnv)
	}
	if dsn == "" {
		t.Skipf("%s is not set: no PostgreSQL to test against", dsnEnv)
	}
	return dsn
}

// openPostgres returns a store in a new PostgreSQL schema, dropped at the
// end of the test. The conformance suite keeps hundreds of stores until
// its end, so their idle connections are closed after a moment, so as not
// to exhaust the server's connections; otherwise the store is what
// postgres.Open returns.
func openPostgres(t testing.TB) *sqlstore.Store {
	t.Helper()
	dsn, _ := newSchema(t)
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatalf("connecting to %s: %v", dsnEnv, err)
	}
	db.SetMaxIdleConns(1)
	db.SetConnMaxIdleTime(200 * time.Millisecond)
	s, err := sqlstore.New(context.Background(), db, postgres.Options())
	if err != nil {
		_ = db.Close()
		t.Fatalf("sqlstore.New: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	location.Store(s, dsn)
	return s
}

// location maps the stores that openPostgres and openSQLiteAt open to
// their DSN or file, for the tests that open a second handle on one.
var location sync.Map // *sqlstore.Store -> string

// openPostgresOpener returns a store opened with postgres.Open in a new
// schema.
func openPostgresOpener(t testing.TB) *sqlstore.Store {
	t.Helper()
	dsn, _ := newSchema(t)
	s, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("postgres.Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

var admin struct {
	once sync.Once
	db   *sql.DB
	err  error
}

// adminDB returns the connection pool the tests create and drop schemas
// with, shared by every test of the binary.
func adminDB(t testing.TB) *sql.DB {
	t.Helper()
	dsn := postgresDSN(t)
	admin.once.Do(func() {
		admin.db, admin.err = sql.Open("pgx", dsn)
		if admin.err == nil {
			admin.db.SetMaxOpenConns(4)
			admin.err = admin.db.Ping()
		}
	})
	if admin.err != nil {
		t.Fatalf("connecting to %s: %v", dsnEnv, admin.err)
	}
	return admin.db
}

// newSchema creates a schema of its own for the test and returns a DSN
// that works in it and the admin connection pool; the schema is dropped at
// the end of the test.
func newSchema(t testing.TB) (string, *sql.DB) {
	t.Helper()
	db := adminDB(t)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "cxtest_" + hex.EncodeToString(b)
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("creating schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		if _, err := db.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	return withSearchPath(postgresDSN(t), schema), db
}

// withSearchPath adds search_path=schema to a URL or key=value DSN.
func withSearchPath(dsn, schema string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err == nil {
			q := u.Query()
			q.Set("search_path", schema)
			u.RawQuery = q.Encode()
			return u.String()
		}
	}
	return dsn + " search_path=" + schema
}
