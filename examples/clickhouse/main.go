// Command clickhouse keeps a culture-change program's responses in a
// sharded ClickHouse cluster: it simulates a year of monthly pulses in an
// organization of three divisions, records the responses (twice: the
// second time adds nothing), shows how they are spread over the shards and
// the batches that wrote them, then prints the scorecard of the last wave
// against the first from tallies that the cluster computes with GROUP BY.
//
// The catalog (units, the survey, waves) goes in a SQLite file: with
// -catalog, the one given, kept with the cluster's database for the next
// run; without it, a temporary one, and the example drops the database it
// used from every shard at the end.
//
// Run:
//
//	go run ./examples/clickhouse -addrs HOST:PORT[,HOST:PORT] -cluster NAME
//
// (.ci/clickhouse-cluster start DIR starts a two-shard cluster on this
// machine and prints the values to use.)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/chstore"
	"github.com/cxculture/cxculture/cx/chstore/clickhouse"
	"github.com/cxculture/cxculture/cx/simulate"
	"github.com/cxculture/cxculture/survey"
)

func main() {
	err := run(context.Background(), os.Stdout, os.Args[1:])
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "examples/clickhouse:", err)
		os.Exit(1)
	}
}

// The environment variables read when -addrs and -cluster are not given
// (.ci/run sets them).
const (
	addrsEnv   = "CXCULTURE_CLICKHOUSE_ADDRS"
	clusterEnv = "CXCULTURE_CLICKHOUSE_CLUSTER"
)

const usage = "usage: clickhouse -addrs HOST:PORT[,HOST:PORT...] -cluster NAME [-database NAME] [-catalog FILE]"

func run(ctx context.Context, w io.Writer, args []string) error {
	fs := flag.NewFlagSet("clickhouse", flag.ContinueOnError)
	fs.SetOutput(w)
	addrs := fs.String("addrs", os.Getenv(addrsEnv), "host:port of the native protocol of every shard, comma-separated (default: $"+addrsEnv+")")
	cluster := fs.String("cluster", os.Getenv(clusterEnv), "the cluster's name in the servers' remote_servers (default: $"+clusterEnv+")")
	database := fs.String("database", "cxculture_example", "ClickHouse database of the store's tables")
	catalog := fs.String("catalog", "", "SQLite file of the catalog, kept (default: a temporary file, and the database is dropped at the end)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q; %s", fs.Args(), usage)
	}
	if *addrs == "" || *cluster == "" {
		return fmt.Errorf("no cluster given: pass -addrs and -cluster, or set %s and %s; %s", addrsEnv, clusterEnv, usage)
	}
	temporary := *catalog == ""
	if temporary {
		dir, err := os.MkdirTemp("", "cxculture-clickhouse-example")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		*catalog = filepath.Join(dir, "catalog.db")
	}
	shards := strings.Split(*addrs, ",")
	store, err := clickhouse.Open(ctx, shards, &clickhouse.Options{Cluster: *cluster, Database: *database, Catalog: *catalog})
	if err != nil {
		return err
	}
	defer store.Close()
	if temporary {
		defer dropDatabase(shards, *database)
	}
	return story(ctx, w, store)
}

func story(ctx context.Context, w io.Writer, store *chstore.Store) error {
	d, err := simulate.Generate(simulate.Config{Seed: 2026, Waves: 12, Cadence: survey.Monthly, Divisions: 3, TeamsPerDivision: 5,
		MinTeamSize: 8, MaxTeamSize: 40})
	if err != nil {
		return err
	}
	p, err := cx.New(store, nil)
	if err != nil {
		return err
	}
	if _, err := store.GetSurvey(ctx, d.Survey.ID); errors.Is(err, cx.ErrNotFound) {
		if err := p.DefineUnits(ctx, d.Units...); err != nil {
			return err
		}
		if err := p.DefineSurvey(ctx, d.Survey); err != nil {
			return err
		}
		for _, wv := range d.Waves {
			if err := p.OpenWave(ctx, wv); err != nil {
				return err
			}
		}
	} else if err != nil {
		return err
	}

	half := len(d.Responses) / 2
	added := 0
	for _, part := range [][]survey.Response{d.Responses[:half], d.Responses[half:]} {
		n, err := p.RecordResponses(ctx, part)
		if err != nil {
			return err
		}
		added += n
	}
	again, err := p.RecordResponses(ctx, d.Responses)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Recorded %d responses of %d teams in %d waves; recording them all again added %d.\n", added, len(d.Teams), len(d.Waves), again)

	counts, err := store.ShardResponses(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Stored responses per shard:")
	for i, n := range counts {
		fmt.Fprintf(w, " shard %d: %d", i+1, n)
	}
	fmt.Fprintln(w)
	batches, err := store.Batches(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "Batches written:")
	for _, b := range batches {
		fmt.Fprintf(w, "  %d: %s, %d responses\n", b.ID, b.State, b.Responses)
	}

	first, last := d.Waves[0], d.Waves[len(d.Waves)-1]
	sc, err := p.Scorecard(ctx, d.Survey.ID, cx.ScorecardOptions{Wave: last.ID, Baseline: first.ID})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nFavorable share per behavior in %s (change since %s, in points; * significant)\n",
		last.Opens.Format("January 2006"), first.Opens.Format("January 2006"))
	fmt.Fprintf(w, "%-14s %5s", "unit", "n")
	for _, b := range sc.Behaviors {
		name := b
		if bh, ok := culture.CXBehaviors().Behavior(b); ok {
			name = bh.Name
		}
		fmt.Fprintf(w, " %15s", name)
	}
	fmt.Fprintln(w)
	for _, u := range sc.Units {
		if u.Depth > 1 {
			continue // the organization and its divisions
		}
		name := strings.Repeat("  ", u.Depth) + u.Name
		if u.Suppressed {
			fmt.Fprintf(w, "%-14s %5s  (%s)\n", name, "-", u.Reason)
			continue
		}
		fmt.Fprintf(w, "%-14s %5d", name, u.Respondents)
		for _, b := range u.Behaviors {
			if b.Suppressed {
				fmt.Fprintf(w, " %15s", "-")
				continue
			}
			cell := fmt.Sprintf("%.0f%%", 100*b.Favorable.Value)
			if c := b.Change; c != nil {
				mark := ""
				if c.Significant {
					mark = "*"
				}
				cell += fmt.Sprintf(" (%+.0f%s)", 100*c.Diff, mark)
			}
			fmt.Fprintf(w, " %15s", cell)
		}
		fmt.Fprintln(w)
	}
	return nil
}

// dropDatabase drops the example's database from every shard.
func dropDatabase(shards []string, database string) {
	for _, a := range shards {
		c, err := clickhouse.Dial(context.Background(), a, nil)
		if err != nil {
			continue
		}
		_ = c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+database)
		_ = c.Close()
	}
}
