// Command scorecard computes a pulse scorecard straight from a survey
// platform's export: an org chart (units.csv), an item catalog (items.csv)
// and wide-format responses (responses.csv), the layout of the benchmark
// data in shared/bench.
//
// It prints the scorecard of the last wave against the first: per unit,
// respondents, the favorable share of each behavior (with ▲/▼ where the
// change since the first wave is significant after Benjamini-Hochberg
// control) and eNPS; then the reliability of each behavior's items.
//
// With -bench it also computes the benchmark workload of shared/bench over
// every wave and prints its two result lines last:
//
//	groups_suppressed=... alpha_mean=... significant_changes=... of ...
//	checksum=...
//
// With -store it takes the path an HR or CX tool takes instead: it defines
// the org, the survey and its waves in a store (memory, a SQLite file or a
// PostgreSQL database), imports responses.csv (or the JSON Lines file
// -import names) with Program.ImportCSV or Program.ImportJSONL, and
// computes the scorecards with Program.Scorecard from the store. It prints
// how long the import and the scorecards took, and the import's rate in
// responses per second, on standard error. Respondents are pseudonymized
// with the key in CXCULTURE_PSEUDONYM_KEY (a demo key when unset).
//
// Memory: the program sets itself a soft memory limit of 48 MiB
// (runtime/debug.SetMemoryLimit) unless GOMEMLIMIT is set, and under it
// GOGC=200 unless GOGC is set; it lifts both when its tallies alone hold
// more than three quarters of the limit. Run it with GOMEMLIMIT=off to
// see its peak without the limit.
//
// Run:
//
//	go run ./examples/scorecard -data DIR [-bench] [-all] [-workers N]
//	go run ./examples/scorecard -data DIR -store memory|sqlite:FILE|postgres:DSN [-import FILE] [-scorecards=false] [-bench]
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	rtmetrics "runtime/metrics"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/metrics"
	"github.com/cxculture/cxculture/survey"
)

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
		softLimit = true
		if os.Getenv("GOGC") == "" {
			debug.SetGCPercent(gcPercent)
			raisedGC = true
		}
	}
	// The scorecard is printed a few words at a time: buffered, it takes
	// a few writes instead of one per word. What is still in the buffer
	// when the program panics or is interrupted is not printed.
	out := bufio.NewWriter(os.Stdout)
	err := run(context.Background(), out, os.Args[1:])
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "scorecard:", err)
		os.Exit(1)
	}
}

// memoryLimit is the soft memory limit the program sets itself when
// GOMEMLIMIT is not set (GOMEMLIMIT=off runs it without one). The
// scorecard from a CSV export keeps tallies, not rows: its live heap is
// about 25 MB on the benchmark exports of 100,000 and 1,000,000
// responses, and with Go's default GOGC=100 the collector lets garbage
// grow the heap to twice that before collecting. The limit makes it
// collect sooner instead, at the cost of a few more collections.
const memoryLimit = 48 << 20

// gcPercent is the GOGC the program sets itself under its soft memory
// limit when GOGC is not set: the collector lets the heap grow to three
// times what is live instead of twice. The live heap is small when the
// file is first read and grows with the tallies, so that Go's default
// collects every few megabytes at first; the limit, not GOGC, bounds the
// peak.
const gcPercent = 200

// softLimit reports whether main set memoryLimit, raisedGC whether it set
// gcPercent.
var softLimit, raisedGC bool

// liftLimit lifts the soft memory limit where the tallies themselves
// (a very large org) hold more than three quarters of it, so that the
// collector does not run continuously; Go's default GOGC alone then
// paces it.
func liftLimit() {
	if !softLimit {
		return
	}
	s := []rtmetrics.Sample{{Name: "/gc/heap/live:bytes"}}
	rtmetrics.Read(s)
	if s[0].Value.Kind() == rtmetrics.KindUint64 && s[0].Value.Uint64() > memoryLimit/4*3 {
		dropLimit()
	}
}

// dropLimit lifts the soft memory limit main set, if it did, and the
// GOGC it set under it.
func dropLimit() {
	if softLimit {
		debug.SetMemoryLimit(math.MaxInt64)
	}
	if raisedGC {
		debug.SetGCPercent(100)
	}
}

type config struct {
	data     string
	bench    bool
	all      bool
	workers  int
	minGroup int
	cpuprof  string
	memprof  string
	// The path through a store: see store.go.
	store      string
	importFile string
	scorecards bool
}

func run(ctx context.Context, w io.Writer, args []string) error {
	var cfg config
	fs := flag.NewFlagSet("scorecard", flag.ContinueOnError)
	fs.SetOutput(w)
	fs.StringVar(&cfg.data, "data", "", "data folder with units.csv, items.csv and responses.csv (required)")
	fs.BoolVar(&cfg.bench, "bench", false, "also compute the benchmark workload over all waves and print its result lines last")
	fs.BoolVar(&cfg.all, "all", false, "print every unit, not only the organization and its divisions")
	fs.IntVar(&cfg.workers, "workers", 0, "goroutines parsing the responses (0: one per core)")
	fs.IntVar(&cfg.minGroup, "min-group", 5, "minimum respondents for a unit's figures to be shown")
	fs.StringVar(&cfg.cpuprof, "cpuprofile", "", "write a CPU profile to this file")
	fs.StringVar(&cfg.memprof, "memprofile", "", "write a heap profile to this file once the scorecards are computed")
	fs.StringVar(&cfg.store, "store", "", "import into a store and score from it: memory, sqlite:FILE or postgres:DSN")
	fs.StringVar(&cfg.importFile, "import", "", "with -store, the file to import (.csv or .jsonl; default DIR/responses.csv)")
	fs.BoolVar(&cfg.scorecards, "scorecards", true, "with -store, compute the scorecards after the import")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if cfg.cpuprof != "" {
		f, err := os.Create(cfg.cpuprof)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if cfg.data == "" {
		fs.Usage()
		return errors.New("-data is required")
	}
	var d *data
	var err error
	var score func([]cx.ScorecardOptions) ([]*cx.Scorecard, error)
	if cfg.store != "" {
		var done func() error
		d, score, done, err = throughStore(ctx, cfg)
		if err != nil {
			return err
		}
		defer done()
		if !cfg.scorecards {
			return nil
		}
	} else {
		if d, err = load(ctx, cfg); err != nil {
			return err
		}
		liftLimit()
		score = func(opts []cx.ScorecardOptions) ([]*cx.Scorecard, error) { return d.t.Scorecards(d.h, opts...) }
	}
	if len(d.waves) < 2 {
		return fmt.Errorf("%s: need at least two waves to compare, found %d", cfg.data, len(d.waves))
	}
	first, last := d.waves[0], d.waves[len(d.waves)-1]
	// The scorecard shown, then with -bench one per wave for the
	// workload, all computed together.
	// The scorecard shown applies the privacy rules at the minimum given
	// (complementary suppression: no hidden unit can be worked out from
	// the shown ones), on either path.
	opts := []cx.ScorecardOptions{{Wave: last, Baseline: first, Privacy: &cx.Privacy{MinScores: cfg.minGroup}}}
	if cfg.bench {
		opts = append(opts, benchOptions(d, cfg)...)
	}
	scs, err := score(opts)
	if err != nil {
		return err
	}
	if cfg.memprof != "" {
		if err := writeHeapProfile(cfg.memprof); err != nil {
			return err
		}
	}
	printScorecard(w, d.h, scs[0], cfg.all)
	if cfg.bench {
		bench(w, d, scs[1:])
	}
	return nil
}

// data is what the three files hold, tallied.
type data struct {
	h     *cx.Hierarchy
	s     survey.Survey
	t     *cx.Tallier
	waves []string
	// respondents counts the responses per unit and wave.
	respondents map[cx.Group]int64
}

func load(ctx context.Context, cfg config) (*data, error) {
	h, s, err := cx.ReadExportFolder(cfg.data, survey.Survey{ID: "pulse", Name: "Pulse", Audience: survey.Employee, Version: 1})
	if err != nil {
		return nil, err
	}
	f, err := os.Open(filepath.Join(cfg.data, "responses.csv"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	t, err := cx.TallierFromCSV(ctx, f, s, nil, cfg.workers)
	if err != nil {
		return nil, fmt.Errorf("responses.csv: %w", err)
	}
	waves := t.Waves()
	slices.SortFunc(waves, compareWaves)
	return &data{h: h, s: s, t: t, waves: waves, respondents: t.Respondents()}, nil
}

// compareWaves orders numeric wave labels by number, others by text.
func compareWaves(a, b string) int {
	x, errA := strconv.Atoi(a)
	y, errB := strconv.Atoi(b)
	if errA == nil && errB == nil {
		return x - y
	}
	return strings.Compare(a, b)
}

func printScorecard(w io.Writer, h *cx.Hierarchy, sc *cx.Scorecard, all bool) {
	fmt.Fprintf(w, "Scorecard of survey %s, wave %s against wave %s\n", sc.Survey, sc.Wave, sc.Baseline)
	fmt.Fprintf(w, "favorable share per behavior (▲/▼ significant change, BH FDR %.2f over %d tests); groups under %d respondents suppressed\n\n",
		sc.FDR, sc.Tests, sc.MinGroup)
	fmt.Fprintf(w, "%-24s %6s", "unit", "n")
	for _, b := range sc.Behaviors {
		fmt.Fprintf(w, " %15s", trunc(b, 15))
	}
	fmt.Fprintf(w, " %12s\n", "eNPS")
	shown, hidden, sig := 0, 0, 0
	for _, u := range sc.Units {
		for _, b := range u.Behaviors {
			if b.Change != nil && b.Change.Significant {
				sig++
			}
		}
		if u.Suppressed {
			hidden++
		}
		if !all && h.Depth(u.Unit) > 1 {
			continue
		}
		shown++
		name := strings.Repeat("  ", h.Depth(u.Unit)) + u.Unit
		if u.Suppressed {
			fmt.Fprintf(w, "%-24s %6s  suppressed: %s\n", trunc(name, 24), "-", u.Reason)
			continue
		}
		fmt.Fprintf(w, "%-24s %6d", trunc(name, 24), u.Respondents)
		for _, b := range u.Behaviors {
			mark := " "
			if c := b.Change; c != nil && c.Significant {
				mark = "▲"
				if c.Diff < 0 {
					mark = "▼"
				}
			}
			fmt.Fprintf(w, " %13.1f%%%s", 100*b.Favorable.Value, mark)
		}
		if u.ENPS != nil {
			fmt.Fprintf(w, " %+12.1f", u.ENPS.Score)
		} else {
			fmt.Fprintf(w, " %12s", "-")
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "\n%d of %d units shown (-all for every unit); %d suppressed; %d significant changes\n", shown, len(sc.Units), hidden, sig)
	fmt.Fprintf(w, "\nReliability (Cronbach's alpha over the organization, wave %s)\n", sc.Wave)
	for _, r := range sc.Reliability {
		fmt.Fprintf(w, "  %-16s alpha %.3f [%.3f, %.3f]  n=%d  items %s\n", r.Behavior, r.Alpha.Raw,
			r.Alpha.Feldt.Lower, r.Alpha.Feldt.Upper, r.Alpha.N, strings.Join(r.Items, ","))
	}
}

func trunc(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// benchOptions returns the scorecard options of the workload of
// shared/bench/README.md: every wave, listwise reliability, and in the last
// wave the change of the teams since the first.
func benchOptions(d *data, cfg config) []cx.ScorecardOptions {
	first, last := d.waves[0], d.waves[len(d.waves)-1]
	var opts []cx.ScorecardOptions
	for _, wave := range d.waves {
		// The workload suppresses by units' respondents only.
		o := cx.ScorecardOptions{Wave: wave, MinGroup: cfg.minGroup, Listwise: true, UnitMinimumOnly: true}
		if wave == last {
			o.Baseline, o.ChangeScope = first, cx.LeavesOnly
		}
		opts = append(opts, o)
	}
	return opts
}

// bench prints the result lines of the workload from its scorecards, one
// per wave in order: suppressed groups over every wave and level, mean
// listwise alpha, significant changes of the teams after BH control, and
// the checksum.
func bench(w io.Writer, d *data, scs []*cx.Scorecard) {
	// Respondents per unit and wave, rolled up, to tell groups nobody
	// answered in from groups too small to show.
	// A group marked has its ancestors marked, so that marking the
	// ancestors of another stops at the first marked one.
	answered := make(map[cx.Group]bool, len(d.respondents))
	ancestors := map[string][]string{}
	for g, n := range d.respondents {
		if n == 0 {
			continue
		}
		answered[g] = true
		anc, ok := ancestors[g.Unit]
		if !ok {
			anc = d.h.Ancestors(g.Unit)
			ancestors[g.Unit] = anc
		}
		for _, a := range anc {
			k := cx.Group{Unit: a, Wave: g.Wave}
			if answered[k] {
				break
			}
			answered[k] = true
		}
	}
	var (
		suppressed   int
		checksum     float64
		alphas       []float64
		significant  int
		changesTotal int
	)
	for _, sc := range scs {
		for _, u := range sc.Units {
			if u.Suppressed {
				// Groups nobody answered in are not groups of the data.
				if answered[cx.Group{Unit: u.Unit, Wave: sc.Wave}] {
					suppressed++
				}
				continue
			}
			for _, b := range u.Behaviors {
				if b.Favorable.N > 0 {
					checksum += b.Favorable.Value
				}
			}
			if u.ENPS != nil {
				checksum += u.ENPS.Score / 100
			}
		}
		for _, r := range sc.Reliability {
			alphas = append(alphas, r.Alpha.Raw)
			checksum += r.Alpha.Raw
		}
	}
	significant, changesTotal = changeTests(scs[0], scs[len(scs)-1])
	var sum float64
	for _, a := range alphas {
		sum += a
	}
	fmt.Fprintf(w, "groups_suppressed=%d alpha_mean=%.6f significant_changes=%d of %d\n", suppressed, sum/float64(len(alphas)), significant, changesTotal)
	fmt.Fprintf(w, "checksum=%.6f\n", checksum)
}

func writeHeapProfile(path string) error {
	runtime.GC() // the profile shows the heap as of the last collection
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// changeTests returns how many of the workload's change tests are
// significant after Benjamini-Hochberg control, and how many there are:
// one per team shown in both the first and the last wave and per behavior.
// The p-value is the scorecard's two-proportion test where both waves have
// answers to the behavior, and 1 where one has none (no evidence of
// change), as the workload defines; the scorecard itself tests only pairs
// with answers on both sides.
func changeTests(first, last *cx.Scorecard) (significant, total int) {
	shown := map[string]bool{}
	for _, u := range first.Units {
		if !u.Suppressed {
			shown[u.Unit] = true
		}
	}
	var p []float64
	for _, u := range last.Units {
		if u.Suppressed || !u.Leaf || !shown[u.Unit] {
			continue
		}
		for _, b := range u.Behaviors {
			if b.Change != nil && !math.IsNaN(b.Change.Test.P) {
				p = append(p, b.Change.Test.P)
			} else {
				p = append(p, 1)
			}
		}
	}
	for _, q := range metrics.AdjustBH(p) {
		if q < last.FDR {
			significant++
		}
	}
	return significant, len(p)
}
