package clickhouse_test

import (
	"context"
	"fmt"
	"log"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/chstore/clickhouse"
)

// Open a store on the two shards of a cluster, with its catalog in a
// SQLite file, and use it as any other store. (Not run: it needs the
// cluster.)
func ExampleOpen() {
	ctx := context.Background()
	store, err := clickhouse.Open(ctx, []string{"ch1.internal:9000", "ch2.internal:9000"}, &clickhouse.Options{
		Cluster:  "cxculture", // as in the servers' remote_servers
		Database: "cxculture", // created on every shard when missing
		Catalog:  "/var/lib/cxculture/catalog.db",
	})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	p, err := cx.New(store, nil)
	if err != nil {
		log.Fatal(err)
	}
	sc, err := p.Scorecard(ctx, "culture_pulse", cx.ScorecardOptions{Wave: "2026-06", Baseline: "2026-02"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(sc.Units), "units scored from the cluster's tallies")
}
