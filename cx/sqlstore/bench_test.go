package sqlstore_test

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/survey"
)

// The benchmark data set (../shared/bench/README.md): run
//
//	go test ./cx/sqlstore -run TestBenchData -benchdata ../bench-data/pulse1m -v -timeout 2h
//
// to ingest it into SQLite (a file in a temporary folder, or -benchdb) and
// into PostgreSQL (when CXCULTURE_POSTGRES_DSN is set), and to time the
// ingest, the tallies and the scorecard in the database against memory.
// Beside the wall time of the ingest, the CPU time the test process spent
// on it is reported, and for PostgreSQL running on this machine the CPU
// time of the server's processes: on a busy machine they vary less than
// the wall time.
var (
	benchData  = flag.String("benchdata", "", "directory of the benchmark data set (units.csv, items.csv, responses.csv); TestBenchData skips without it")
	benchDB    = flag.String("benchdb", "", "SQLite file for TestBenchData (default: a new file in a temporary folder)")
	benchRuns  = flag.Int("benchruns", 3, "runs of each timing in TestBenchData; the median is reported")
	benchBatch = flag.Int("benchbatch", 100000, "responses per CreateResponses batch in TestBenchData")
	benchOnly  = flag.String("benchstores", "memory,SQLite,Postgres", "stores TestBenchData times, comma-separated")
)

// benchSurvey reads items.csv (item_id,behavior,scale,reverse,text) as the
// survey "pulse".
func benchSurvey(dir string) (survey.Survey, error) {
	recs, err := readCSV(filepath.Join(dir, "items.csv"))
	if err != nil {
		return survey.Survey{}, err
	}
	s := survey.Survey{ID: "pulse", Name: "Benchmark pulse", Audience: survey.Employee, Version: 1}
	for i, rec := range recs[1:] {
		if len(rec) < 5 {
			return s, fmt.Errorf("items.csv line %d: want 5 fields, got %d", i+2, len(rec))
		}
		sc, ok := survey.ScaleByID(rec[2])
		if !ok {
			return s, fmt.Errorf("items.csv line %d: unknown scale %q", i+2, rec[2])
		}
		it := survey.Item{ID: rec[0], Text: rec[4], Scale: sc, Construct: rec[1], Kind: survey.Behavior, Version: 1, Reverse: rec[3] == "true"}
		if it.Construct == "" {
			it.Construct, it.Kind = survey.ENPS, survey.Outcome
		}
		s.Items = append(s.Items, it)
	}
	return s, s.Validate()
}

func readCSV(path string) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return csv.NewReader(f).ReadAll()
}

// benchUnits reads units.csv.
func benchUnits(dir string) ([]cx.Unit, error) {
	f, err := os.Open(filepath.Join(dir, "units.csv"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return cx.ReadUnitsCSV(f)
}

// benchResponses reads responses.csv; IDs are derived from each row.
func benchResponses(dir string, s survey.Survey) ([]survey.Response, error) {
	f, err := os.Open(filepath.Join(dir, "responses.csv"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cr, err := survey.NewCSVReader(f, s, nil)
	if err != nil {
		return nil, err
	}
	var out []survey.Response
	for {
		r, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
}

// benchWaves returns the waves of the responses, with windows that hold
// them.
func benchWaves(s survey.Survey, rs []survey.Response) []survey.Wave {
	type span struct{ lo, hi time.Time }
	spans := map[string]*span{}
	for _, r := range rs {
		sp := spans[r.Wave]
		if sp == nil {
			spans[r.Wave] = &span{r.Submitted, r.Submitted}
			continue
		}
		if r.Submitted.Before(sp.lo) {
			sp.lo = r.Submitted
		}
		if r.Submitted.After(sp.hi) {
			sp.hi = r.Submitted
		}
	}
	var out []survey.Wave
	for id, sp := range spans {
		out = append(out, survey.Wave{ID: id, Survey: s.ID, Opens: sp.lo, Closes: sp.hi.Add(time.Second)})
	}
	slices.SortFunc(out, func(a, b survey.Wave) int { return a.Opens.Compare(b.Opens) })
	return out
}

func median(ds []time.Duration) time.Duration {
	ds = slices.Clone(ds)
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// TestBenchData times, on the benchmark data set, the ingest of every
// response into each store, a full tally (every wave) and a scorecard
// (last wave against the first), each the median of -benchruns runs.
func TestBenchData(t *testing.T) {
	if *benchData == "" {
		t.Skip("no -benchdata directory given")
	}
	ctx := context.Background()
	s, err := benchSurvey(*benchData)
	if err != nil {
		t.Fatal(err)
	}
	units, err := benchUnits(*benchData)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	rs, err := benchResponses(*benchData, s)
	if err != nil {
		t.Fatal(err)
	}
	waves := benchWaves(s, rs)
	t.Logf("read %d responses, %d units, %d waves in %v", len(rs), len(units), len(waves), time.Since(start).Round(time.Millisecond))
	first, last := waves[0].ID, waves[len(waves)-1].ID

	type result struct {
		name                     string
		ingest, tally, scorecard []time.Duration
		ingestCPU                []time.Duration // CPU time of this process
		serverCPU                []time.Duration // CPU time of the PostgreSQL server
		ingestRate               float64
	}
	var results []*result
	stores := []struct {
		name string
		open func(t *testing.T, run int) cx.Store
	}{
		{"memory", func(*testing.T, int) cx.Store { return memstore.New() }},
		{"SQLite", func(t *testing.T, run int) cx.Store {
			path := *benchDB
			if path == "" {
				path = filepath.Join(t.TempDir(), "bench.db")
			} else {
				path += "." + strconv.Itoa(run)
				for _, suffix := range []string{"", "-wal", "-shm"} {
					_ = os.Remove(path + suffix)
				}
			}
			return openSQLiteAt(t, path)
		}},
		{"Postgres", func(t *testing.T, _ int) cx.Store { return openPostgresOpener(t) }},
	}
	for _, st := range stores {
		if !slices.Contains(strings.Split(*benchOnly, ","), st.name) {
			continue
		}
		if st.name == "Postgres" && os.Getenv(dsnEnv) == "" {
			t.Logf("Postgres: skipped, %s is not set", dsnEnv)
			continue
		}
		res := &result{name: st.name}
		ran := t.Run(st.name, func(t *testing.T) {
			for run := range *benchRuns {
				store := st.open(t, run)
				p, err := cx.New(store, nil)
				if err != nil {
					t.Fatal(err)
				}
				if err := p.DefineUnits(ctx, units...); err != nil {
					t.Fatal(err)
				}
				if err := p.DefineSurvey(ctx, s); err != nil {
					t.Fatal(err)
				}
				for _, w := range waves {
					if err := p.OpenWave(ctx, w); err != nil {
						t.Fatal(err)
					}
				}
				runtime.GC()
				server := time.Duration(-1)
				if st.name == "Postgres" {
					server = serverCPU(ctx, adminDB(t))
				}
				cpu := processCPU()
				start := time.Now()
				for lo := 0; lo < len(rs); lo += *benchBatch {
					n, err := store.CreateResponses(ctx, rs[lo:min(lo+*benchBatch, len(rs))])
					if err != nil || n != min(*benchBatch, len(rs)-lo) {
						t.Fatalf("CreateResponses: %d, %v", n, err)
					}
				}
				res.ingest = append(res.ingest, time.Since(start))
				res.ingestCPU = append(res.ingestCPU, processCPU()-cpu)
				if server >= 0 {
					if after := serverCPU(ctx, adminDB(t)); after >= 0 {
						res.serverCPU = append(res.serverCPU, after-server)
					}
				}
				for range *benchRuns {
					runtime.GC()
					start = time.Now()
					tl, err := cx.TallyResponses(ctx, store, cx.TallyFilter{Survey: s.ID})
					if err != nil {
						t.Fatal(err)
					}
					res.tally = append(res.tally, time.Since(start))
					if n := sum(tl.Respondents); n != int64(len(rs)) {
						t.Fatalf("the tally counts %d respondents, want %d", n, len(rs))
					}
					start = time.Now()
					if _, err := p.Scorecard(ctx, s.ID, cx.ScorecardOptions{Wave: last, Baseline: first}); err != nil {
						t.Fatal(err)
					}
					res.scorecard = append(res.scorecard, time.Since(start))
				}
				if c, ok := store.(interface{ Close() error }); ok {
					_ = c.Close()
				}
				serverNote := ""
				if len(res.serverCPU) > run {
					serverNote = fmt.Sprintf(", of the PostgreSQL server %v", res.serverCPU[run].Round(time.Millisecond))
				}
				t.Logf("run %d: ingest %v (CPU time of the test process %v%s), tally %v, scorecard %v", run,
					res.ingest[run].Round(time.Millisecond), res.ingestCPU[run].Round(time.Millisecond), serverNote,
					res.tally[len(res.tally)-1].Round(time.Microsecond), res.scorecard[len(res.scorecard)-1].Round(time.Microsecond))
			}
		})
		if !ran || len(res.ingest) == 0 {
			continue
		}
		res.ingestRate = float64(len(rs)) / median(res.ingest).Seconds()
		results = append(results, res)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%d responses, batches of %d, medians of %d runs (%s, GOMAXPROCS %d)\n", len(rs), *benchBatch, *benchRuns, runtime.Version(), runtime.GOMAXPROCS(0))
	fmt.Fprintf(&b, "%-9s %12s %14s %12s %12s %12s %10s %12s %10s\n", "store", "ingest", "responses/s", "ingest CPU", "server CPU", "tally", "vs memory", "scorecard", "vs memory")
	memTally, memCard := time.Duration(-1), time.Duration(-1)
	for _, r := range results {
		if r.name == "memory" {
			memTally, memCard = median(r.tally), median(r.scorecard)
		}
	}
	ratio := func(d, mem time.Duration) string {
		if mem <= 0 {
			return "-"
		}
		return fmt.Sprintf("%.2fx", float64(d)/float64(mem))
	}
	for _, r := range results {
		server := "-"
		if len(r.serverCPU) > 0 {
			server = median(r.serverCPU).Round(time.Millisecond).String()
		}
		fmt.Fprintf(&b, "%-9s %12v %14.0f %12v %12s %12v %10s %12v %10s\n", r.name, median(r.ingest).Round(time.Millisecond), r.ingestRate,
			median(r.ingestCPU).Round(time.Millisecond), server, median(r.tally).Round(time.Microsecond), ratio(median(r.tally), memTally),
			median(r.scorecard).Round(time.Microsecond), ratio(median(r.scorecard), memCard))
	}
	if avg, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Fprintf(&b, "load average at the end (1, 5, 15 min): %s", strings.Join(strings.Fields(string(avg))[:3], ", "))
	}
	t.Log(b.String())
}

func sum[K comparable](m map[K]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

// synthetic returns n responses to sv spread over units and waves, with
// distinct IDs derived from seed.
func synthetic(sv survey.Survey, n, seed int) []survey.Response {
	out := make([]survey.Response, n)
	for i := range out {
		r := survey.Response{ID: uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "bench/%d/%d", seed, i)), Survey: sv.ID,
			Wave: strconv.Itoa(1 + (i*7+seed)%12), Unit: fmt.Sprintf("team%04d", (i*31+seed)%400),
			Submitted: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second), Answers: make(map[string]int, len(sv.Items))}
		for j, it := range sv.Items {
			if (i*13+j*7+seed)%33 != 0 {
				r.Answers[it.ID] = it.Scale.Min + (i*j+i/7+j+seed)%it.Scale.Points()
			}
		}
		out[i] = r
	}
	return out
}

// BenchmarkIngest measures CreateResponses of batches of 10,000 new
// responses to the culture pulse, reported as responses/s.
func BenchmarkIngest(b *testing.B) {
	sv := survey.CulturePulse()
	const batch = 10000
	for _, be := range backends() {
		b.Run(be.name, func(b *testing.B) {
			s := be.open(b)
			if err := s.CreateSurvey(b.Context(), sv); err != nil {
				b.Fatal(err)
			}
			var total time.Duration
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				rs := synthetic(sv, batch, i)
				b.StartTimer()
				start := time.Now()
				if _, err := s.CreateResponses(b.Context(), rs); err != nil {
					b.Fatal(err)
				}
				total += time.Since(start)
			}
			b.ReportMetric(float64(b.N*batch)/total.Seconds(), "responses/s")
		})
	}
}

// BenchmarkTally measures a tally of every wave of 100,000 stored
// responses: in memory (memstore) and in the databases.
func BenchmarkTally(b *testing.B) {
	sv := survey.CulturePulse()
	rs := synthetic(sv, 100000, 0)
	stores := []struct {
		name string
		open func(testing.TB) cx.Store
	}{{"memory", func(testing.TB) cx.Store { return memstore.New() }}}
	for _, be := range backends() {
		stores = append(stores, struct {
			name string
			open func(testing.TB) cx.Store
		}{be.name, func(tb testing.TB) cx.Store { return be.open(tb) }})
	}
	for _, st := range stores {
		b.Run(st.name, func(b *testing.B) {
			s := st.open(b)
			if err := s.CreateSurvey(b.Context(), sv); err != nil {
				b.Fatal(err)
			}
			for lo := 0; lo < len(rs); lo += 20000 {
				if _, err := s.CreateResponses(b.Context(), rs[lo:lo+20000]); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for b.Loop() {
				if _, err := cx.TallyResponses(b.Context(), s, cx.TallyFilter{Survey: sv.ID}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
