package chstore_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/chstore"
	"github.com/cxculture/cxculture/cx/chstore/clickhouse"
	"github.com/cxculture/cxculture/cx/sqlstore/sqlite"
)

// TestOpenChecks opens stores the wrong way: a cluster database with a
// catalog it does not belong to (whose batch numbers would mix with
// another's), a catalog written by a newer version, the shards of another
// cluster, one shard given twice, shards missing, a name that is not one.
func TestOpenChecks(t *testing.T) {
	ctx := context.Background()
	addrs, name := cluster(t)
	db := database(t, addrs)
	first := filepath.Join(t.TempDir(), "first.db")
	s, err := clickhouse.Open(ctx, addrs, &clickhouse.Options{Cluster: name, Database: db, Catalog: first})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	_, err = clickhouse.Open(ctx, addrs, &clickhouse.Options{Cluster: name, Database: db, Catalog: filepath.Join(t.TempDir(), "second.db")})
	if !errors.Is(err, cx.ErrInvalid) || !strings.Contains(err.Error(), "belongs to another catalog") {
		t.Errorf("a database with another catalog: want cx.ErrInvalid saying it belongs to another catalog, got %v", err)
	}

	cat, err := sql.Open("sqlite", "file:"+first+"?"+sqlite.Pragmas)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		version string
		want    error
		words   []string
	}{
		{"99", chstore.ErrSchemaNewer, []string{"version 99", "version 3"}},
		{"2", chstore.ErrSchemaOlder, []string{"version 2", "version 3", "new database"}},
	} {
		if _, err := cat.Exec("UPDATE cxch_meta SET value = $1 WHERE name = 'schema'", tc.version); err != nil {
			t.Fatal(err)
		}
		_, err = clickhouse.Open(ctx, addrs, &clickhouse.Options{Cluster: name, Database: db, Catalog: first})
		if !errors.Is(err, tc.want) {
			t.Errorf("a catalog of schema version %s: want %v, got %v", tc.version, tc.want, err)
		}
		for _, w := range tc.words {
			if err != nil && !strings.Contains(err.Error(), w) {
				t.Errorf("a catalog of schema version %s: the error %q does not say %q", tc.version, err, w)
			}
		}
	}
	_ = cat.Close()

	for _, tc := range []struct {
		what    string
		addrs   []string
		cluster string
		want    string
	}{
		{"another cluster", addrs, "no_such_cluster", "not a shard of cluster"},
		{"a shard twice", []string{addrs[0], addrs[0]}, name, "two connections reach shard"},
		{"a shard missing", addrs[:1], name, "give one per shard"},
		{"a bad name", addrs, "drop table", "is not a cluster name"},
	} {
		_, err := clickhouse.Open(ctx, tc.addrs, &clickhouse.Options{Cluster: tc.cluster, Database: db, Catalog: filepath.Join(t.TempDir(), "c.db")})
		if !errors.Is(err, cx.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: want cx.ErrInvalid saying %q, got %v", tc.what, tc.want, err)
		}
	}
	_, err = clickhouse.Open(ctx, nil, &clickhouse.Options{Cluster: name})
	if !errors.Is(err, cx.ErrInvalid) || !strings.Contains(err.Error(), "addrs") || !strings.Contains(err.Error(), "catalog") {
		t.Errorf("no addresses and no catalog: want cx.ErrInvalid naming both, got %v", err)
	}
}
