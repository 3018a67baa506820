package chstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/chstore"
	"github.com/cxculture/cxculture/cx/chstore/clickhouse"
	"github.com/cxculture/cxculture/survey"
)

// The cluster the tests run on: .ci/run (through .ci/clickhouse-cluster)
// starts two local servers as the shards of cluster cxculture and sets
// these variables.
const (
	addrsEnv   = "CXCULTURE_CLICKHOUSE_ADDRS"
	clusterEnv = "CXCULTURE_CLICKHOUSE_CLUSTER"
)

// cluster returns the shard addresses and the cluster name, or skips the
// test when they are not set; in CI (CI=true) it fails instead.
func cluster(t testing.TB) ([]string, string) {
	t.Helper()
	addrs, name := os.Getenv(addrsEnv), os.Getenv(clusterEnv)
	if addrs == "" || name == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s and %s are not set, but CI is: in CI the ClickHouse tests run (.ci/run starts a cluster and sets them)", addrsEnv, clusterEnv)
		}
		t.Skipf("%s and %s are not set: no ClickHouse cluster to test against (.ci/clickhouse-cluster starts one)", addrsEnv, clusterEnv)
	}
	return strings.Split(addrs, ","), name
}

// database returns a fresh database name and drops it from every shard
// at the end of the test.
func database(t testing.TB, addrs []string) string {
	t.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	db := "cxtest_" + hex.EncodeToString(b)
	t.Cleanup(func() {
		for _, a := range addrs {
			c, err := clickhouse.Dial(context.Background(), a, nil)
			if err != nil {
				t.Errorf("dropping database %s: %v", db, err)
				continue
			}
			if err := c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+db); err != nil {
				t.Errorf("dropping database %s on %s: %v", db, a, err)
			}
			_ = c.Close()
		}
	})
	return db
}

// openStore returns a store in a new database of the cluster, with its
// catalog in a new SQLite file, closed and dropped at the end of the test.
func openStore(t testing.TB) *chstore.Store {
	t.Helper()
	addrs, name := cluster(t)
	db := database(t, addrs)
	opts := &clickhouse.Options{Cluster: name, Database: db, Catalog: filepath.Join(t.TempDir(), "catalog.db")}
	s, err := clickhouse.Open(context.Background(), addrs, opts)
	if err != nil {
		t.Fatalf("clickhouse.Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	location.Store(s, opts)
	return s
}

// location maps the stores openStore opens to their options, for the
// tests that open a second handle on one.
var location sync.Map // *chstore.Store -> *clickhouse.Options

// reopen opens a second store on the database and catalog of s, as
// another process would: its own connections, its own write lock.
func reopen(t *testing.T, s cx.Store) cx.Store {
	t.Helper()
	opts, ok := location.Load(s.(*chstore.Store))
	if !ok {
		t.Fatal("reopen: the store was not opened by openStore")
	}
	addrs, _ := cluster(t)
	o, err := clickhouse.Open(context.Background(), addrs, opts.(*clickhouse.Options))
	if err != nil {
		t.Fatalf("clickhouse.Open: %v", err)
	}
	t.Cleanup(func() { _ = o.Close() })
	return o
}

// importAll imports rs into survey sv of s in one Add and fails the test
// unless the import commits with every response added.
func importAll(t *testing.T, s *chstore.Store, sv string, rs []survey.Response, what string) {
	t.Helper()
	im, err := s.BeginImport(t.Context(), sv, cx.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = im.Rollback() }()
	if err := im.Add(t.Context(), rs); err != nil {
		t.Fatal(err)
	}
	if out, err := im.Commit(t.Context()); err != nil || out.Added != len(rs) {
		t.Fatalf("%s: %+v, %v; want %d added", what, out, err, len(rs))
	}
}

// mergeSums has every shard merge the parts of s's tables of sums into one
// (OPTIMIZE ... FINAL), as the servers' background merges do in time:
// the rows of equal keys are added up (and those whose counts add up to 0
// dropped, but in answer_sums, whose map keeps them).
func mergeSums(t *testing.T, s *chstore.Store) {
	t.Helper()
	opts, ok := location.Load(s)
	if !ok {
		t.Fatal("mergeSums: the store was not opened by openStore")
	}
	db := opts.(*clickhouse.Options).Database
	addrs, _ := cluster(t)
	for _, a := range addrs {
		for _, table := range []string{"answer_sums", "group_sums", "pattern_sums"} {
			chQuery(t, a, "OPTIMIZE TABLE "+db+"."+table+"_local FINAL")
		}
	}
}

// chQuery runs q on the shard at addr and returns the single Int64 it
// selects (0 for statements).
func chQuery(t *testing.T, addr, q string) int64 {
	t.Helper()
	c, err := clickhouse.Dial(t.Context(), addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	if !strings.HasPrefix(q, "SELECT") {
		if err := c.Exec(t.Context(), q); err != nil {
			t.Fatalf("%s: %s: %v", addr, q, err)
		}
		return 0
	}
	r, err := c.Query(t.Context(), q)
	if err != nil {
		t.Fatalf("%s: %s: %v", addr, q, err)
	}
	defer func() { _ = r.Close() }()
	var n int64
	for r.Next() {
		if err := r.Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	return n
}
