package sqlstore_test

import (
	"context"
	"testing"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/sqlstore"
	"github.com/cxculture/cxculture/cx/sqlstore/postgres"
	"github.com/cxculture/cxculture/cx/storetest"
)

func TestConformance(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			storetest.RunHarness(t, storetest.Harness{
				NewStore: func(t *testing.T) cx.Store { return b.open(t) },
				Reopen:   reopen,
				// Every check of references and every import holds the
				// responses lock in its transaction.
				Capabilities: storetest.AllCapabilities,
			})
		})
	}
}

// reopen opens a second store on the database of s, as another process
// would.
func reopen(t *testing.T, s cx.Store) cx.Store {
	t.Helper()
	where, ok := location.Load(s.(*sqlstore.Store))
	if !ok {
		t.Fatal("reopen: the store was not opened by openSQLiteAt or openPostgres")
	}
	if s.(*sqlstore.Store).Dialect() == sqlstore.SQLite {
		return openSQLiteAt(t, where.(string))
	}
	o, err := postgres.Open(context.Background(), where.(string))
	if err != nil {
		t.Fatalf("postgres.Open: %v", err)
	}
	t.Cleanup(func() { _ = o.Close() })
	return o
}
