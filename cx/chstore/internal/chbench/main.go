// Command chbench times the benchmark workload of shared/bench (an export
// folder: units.csv, items.csv, responses.csv) on a store: the import of
// responses.csv with Program.ImportCSV, and the scorecard of the last wave
// against the first, on the ClickHouse store, SQLite or PostgreSQL.
//
//	chbench -store clickhouse -data DIR -do import   [-addrs A,B -cluster NAME -database DB -catalog FILE]
//	chbench -store sqlite     -data DIR -do import   -db FILE
//	chbench -store postgres   -data DIR -do import   -dsn DSN
//	chbench -store memory     -data DIR -do import
//	chbench -store ... -data DIR -do scorecard [-runs N]
//
// import defines the units, the survey (items.csv) and the waves (read
// from responses.csv first, untimed) in an empty store, then times the
// import; scorecard times Program.Scorecard on a store imported before.
// Each prints one line per timing, with the machine's load average. The
// in-memory store (memory) times the library's own share of an import:
// reading, checking and pseudonymizing the rows.
// Respondent IDs are pseudonymized with a fixed key.
package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/chstore/clickhouse"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/cx/sqlstore/postgres"
	"github.com/cxculture/cxculture/cx/sqlstore/sqlite"
	"github.com/cxculture/cxculture/survey"
)

func main() {
	if err := run(context.Background(), os.Stdout, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "chbench:", err)
		os.Exit(1)
	}
}

type config struct {
	store, data, do                 string
	addrs, cluster, database, catDB string
	db, dsn                         string
	runs                            int
	compress                        bool
	cpuprof                         string
}

func run(ctx context.Context, w io.Writer, args []string) error {
	var c config
	fs := flag.NewFlagSet("chbench", flag.ContinueOnError)
	fs.StringVar(&c.store, "store", "clickhouse", "clickhouse, sqlite, postgres or memory")
	fs.StringVar(&c.data, "data", "", "the export folder (required)")
	fs.StringVar(&c.do, "do", "import", "import or scorecard")
	fs.StringVar(&c.addrs, "addrs", os.Getenv("CXCULTURE_CLICKHOUSE_ADDRS"), "ClickHouse shards, host:port,...")
	fs.StringVar(&c.cluster, "cluster", os.Getenv("CXCULTURE_CLICKHOUSE_CLUSTER"), "ClickHouse cluster name")
	fs.StringVar(&c.database, "database", "cxbench", "ClickHouse database")
	fs.StringVar(&c.catDB, "catalog", "", "SQLite file of the ClickHouse store's catalog (default: DATA/clickhouse-catalog.db)")
	fs.StringVar(&c.db, "db", "", "SQLite file (sqlite)")
	fs.StringVar(&c.dsn, "dsn", os.Getenv("CXCULTURE_POSTGRES_DSN"), "PostgreSQL DSN (postgres)")
	fs.IntVar(&c.runs, "runs", 3, "scorecard runs")
	fs.BoolVar(&c.compress, "compress", false, "LZ4 compression of the data sent to and from ClickHouse")
	fs.StringVar(&c.cpuprof, "cpuprofile", "", "write a CPU profile of the timed work to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.data == "" {
		return errors.New("-data is required")
	}
	store, err := open(ctx, c)
	if err != nil {
		return err
	}
	defer func() {
		if cl, ok := store.(io.Closer); ok {
			_ = cl.Close()
		}
	}()
	key := []byte("chbench: a fixed key for the benchmark's pseudonyms")
	ps, err := cx.NewPseudonymizer(key)
	if err != nil {
		return err
	}
	p, err := cx.New(store, &cx.Options{Pseudonymizer: ps})
	if err != nil {
		return err
	}
	h, sv, err := cx.ReadExportFolder(c.data, survey.Survey{ID: "pulse", Name: "Benchmark pulse", Audience: survey.Employee, Version: 1})
	if err != nil {
		return err
	}
	if c.cpuprof != "" {
		f, err := os.Create(c.cpuprof)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	switch c.do {
	case "import":
		return doImport(ctx, w, p, h, sv, c)
	case "scorecard":
		return doScorecard(ctx, w, p, sv, c)
	}
	return fmt.Errorf("-do %q: want import or scorecard", c.do)
}

func open(ctx context.Context, c config) (cx.Store, error) {
	switch c.store {
	case "clickhouse":
		cat := c.catDB
		if cat == "" {
			cat = filepath.Join(c.data, "clickhouse-catalog.db")
		}
		return clickhouse.Open(ctx, strings.Split(c.addrs, ","), &clickhouse.Options{Cluster: c.cluster, Database: c.database, Catalog: cat, Compress: c.compress})
	case "sqlite":
		return sqlite.Open(ctx, c.db)
	case "postgres":
		return postgres.Open(ctx, c.dsn)
	case "memory":
		return memstore.New(), nil
	}
	return nil, fmt.Errorf("-store %q: want clickhouse, sqlite, postgres or memory", c.store)
}

func doImport(ctx context.Context, w io.Writer, p *cx.Program, h *cx.Hierarchy, sv survey.Survey, c config) error {
	if err := p.DefineUnits(ctx, h.Units()...); err != nil {
		return err
	}
	if err := p.DefineSurvey(ctx, sv); err != nil {
		return err
	}
	waves, err := readWaves(filepath.Join(c.data, "responses.csv"), sv.ID)
	if err != nil {
		return err
	}
	for _, wv := range waves {
		if err := p.OpenWave(ctx, wv); err != nil {
			return err
		}
	}
	f, err := os.Open(filepath.Join(c.data, "responses.csv"))
	if err != nil {
		return err
	}
	defer f.Close()
	u0, s0 := cpuTime()
	start := time.Now()
	res, err := p.ImportCSV(ctx, sv.ID, bufio.NewReaderSize(f, 1<<20), nil)
	d := time.Since(start)
	if err != nil {
		return err
	}
	u1, s1 := cpuTime()
	fmt.Fprintf(w, "import %s: %d responses added in %.3f s: %.0f responses/s (load %s)\n", c.store, res.Added, d.Seconds(),
		float64(res.Added)/d.Seconds(), load())
	// The process's CPU during the import alone (not reading the waves
	// before it): a separate line, so that the lines above keep their form.
	fmt.Fprintf(w, "cpu %s: the import used %.2f s user + %.2f s system = %.2f s of this process's CPU\n", c.store,
		u1-u0, s1-s0, u1-u0+s1-s0)
	return nil
}

func doScorecard(ctx context.Context, w io.Writer, p *cx.Program, sv survey.Survey, c config) error {
	waves, err := p.Store().ListWaves(ctx, survey.WaveFilter{Survey: sv.ID})
	if err != nil {
		return err
	}
	if len(waves) < 2 {
		return errors.New("the store holds fewer than two waves: import first")
	}
	opts := cx.ScorecardOptions{Wave: waves[len(waves)-1].ID, Baseline: waves[0].ID}
	for i := range c.runs {
		u0, s0 := cpuTime()
		start := time.Now()
		sc, err := p.Scorecard(ctx, sv.ID, opts)
		if err != nil {
			return err
		}
		took := time.Since(start)
		u1, s1 := cpuTime()
		fmt.Fprintf(w, "scorecard %s run %d: %.3f s, %d units (load %s)\n", c.store, i, took.Seconds(), len(sc.Units), load())
		// The process's CPU during the scorecard (a line of its own, as
		// for the import): less than the wall time on a busy machine.
		fmt.Fprintf(w, "cpu %s: scorecard run %d used %.3f s of this process's CPU\n", c.store, i, u1-u0+s1-s0)
	}
	return nil
}

// readWaves returns the waves of responses.csv, each open from its first
// to just after its last response.
func readWaves(path, surveyID string) ([]survey.Wave, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReaderSize(f, 1<<20))
	r.ReuseRecord = true
	head, err := r.Read()
	if err != nil {
		return nil, err
	}
	wi, si := slices.Index(head, "wave"), slices.Index(head, "submitted_at")
	if wi < 0 || si < 0 {
		return nil, errors.New("responses.csv has no wave or submitted_at column")
	}
	type span struct{ lo, hi time.Time }
	spans := map[string]*span{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		t, err := time.Parse(time.RFC3339, rec[si])
		if err != nil {
			return nil, err
		}
		sp := spans[rec[wi]]
		if sp == nil {
			spans[strings.Clone(rec[wi])] = &span{t, t}
			continue
		}
		sp.lo, sp.hi = minTime(sp.lo, t), maxTime(sp.hi, t)
	}
	var out []survey.Wave
	for id, sp := range spans {
		out = append(out, survey.Wave{ID: id, Survey: surveyID, Opens: sp.lo, Closes: sp.hi.Add(time.Second)})
	}
	slices.SortFunc(out, func(a, b survey.Wave) int { return a.Opens.Compare(b.Opens) })
	return out, nil
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func load() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

// cpuTime returns the user and system CPU seconds this process has used.
func cpuTime() (user, system float64) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, 0
	}
	return time.Duration(ru.Utime.Nano()).Seconds(), time.Duration(ru.Stime.Nano()).Seconds()
}
