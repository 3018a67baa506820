package sqlstore_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/cx/report"
	"github.com/cxculture/cxculture/cx/sqlstore/sqlite"
	"github.com/cxculture/cxculture/survey"
)

var importOpens = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

// importKey is the pseudonym key of the import tests.
var importKey = []byte("the import tests' pseudonym key")

// importFile returns a CSV export of n responses to the culture pulse
// without response IDs, from four teams over two waves; every 500th row
// repeats the row before it (two people answering alike in the same
// second).
func importFile(n int) string {
	sv := survey.CulturePulse()
	var b strings.Builder
	b.WriteString("respondent_id,unit_id,wave,submitted_at")
	for _, it := range sv.Items {
		b.WriteString("," + it.ID)
	}
	b.WriteString(",comment\n")
	prev := ""
	for i := range n {
		if i%500 == 499 {
			b.WriteString(prev)
			continue
		}
		var row strings.Builder
		fmt.Fprintf(&row, "e%05d,team%d,w%d,%s", i%3000, i%4, 1+i%2,
			importOpens.Add(time.Duration(i%2)*30*24*time.Hour+time.Duration(i%30000)*time.Minute).Format(time.RFC3339))
		for k, it := range sv.Items {
			if (i+k)%13 == 0 {
				row.WriteString(",")
				continue
			}
			fmt.Fprintf(&row, ",%d", it.Scale.Min+(i*7+k*3)%it.Scale.Points())
		}
		if i%11 == 0 {
			fmt.Fprintf(&row, ",\"comment %d, \"\"quoted\"\"\"", i)
		} else {
			row.WriteString(",")
		}
		row.WriteString("\n")
		prev = row.String()
		b.WriteString(prev)
	}
	return b.String()
}

// importProgram defines the org, the culture pulse and two waves in
// store, and returns a program with the test key over it.
func importProgram(t testing.TB, store cx.Store) *cx.Program {
	t.Helper()
	p, err := newImportProgram(store)
	if err != nil {
		t.Fatal(err)
	}
	if err := defineImport(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	return p
}

// newImportProgram returns a program over store with the test key, a
// year after the first wave opens.
func newImportProgram(store cx.Store) (*cx.Program, error) {
	ps, err := cx.NewPseudonymizer(importKey)
	if err != nil {
		return nil, err
	}
	return cx.New(store, &cx.Options{Pseudonymizer: ps, Now: func() time.Time { return importOpens.Add(365 * 24 * time.Hour) }})
}

func defineImport(ctx context.Context, p *cx.Program) error {
	units := []cx.Unit{{ID: "org", Name: "Org"}}
	for i := range 4 {
		units = append(units, cx.Unit{ID: fmt.Sprintf("team%d", i), Parent: "org", Name: fmt.Sprintf("Team %d", i)})
	}
	if err := p.DefineUnits(ctx, units...); err != nil {
		return err
	}
	if err := p.DefineSurvey(ctx, survey.CulturePulse()); err != nil {
		return err
	}
	for w := range 2 {
		opens := importOpens.Add(time.Duration(w) * 30 * 24 * time.Hour)
		if err := p.OpenWave(ctx, survey.Wave{ID: fmt.Sprintf("w%d", w+1), Survey: survey.CulturePulseID, Opens: opens, Closes: opens.Add(28 * 24 * time.Hour)}); err != nil {
			return err
		}
	}
	return nil
}

// TestImportMatchesMemory imports the same export into memory, SQLite and
// PostgreSQL through Program.ImportCSV and compares what each stores and
// tallies, and the report of a scorecard computed from it; then the rules
// of a second import: nothing added, a conflict stores nothing, Replace
// replaces.
func TestImportMatchesMemory(t *testing.T) {
	ctx := t.Context()
	in := importFile(3000)
	mem := importProgram(t, memstore.New())
	want, err := mem.ImportCSV(ctx, survey.CulturePulseID, strings.NewReader(in), nil)
	if err != nil {
		t.Fatal(err)
	}
	if want.Added != 3000 {
		t.Fatalf("memory: %+v", want)
	}
	wantTallies, err := cx.TallyResponses(ctx, mem.Store(), cx.TallyFilter{Survey: survey.CulturePulseID})
	if err != nil {
		t.Fatal(err)
	}
	wantRs, err := mem.Store().ListResponses(ctx, survey.ResponseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	wantReport := scoreReport(t, mem)
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t)
			p := importProgram(t, s)
			got, err := p.ImportCSV(ctx, survey.CulturePulseID, strings.NewReader(in), nil)
			if err != nil {
				t.Fatal(err)
			}
			if got.Added != want.Added || got.Rows != want.Rows {
				t.Fatalf("import: %+v, in memory %+v", got, want)
			}
			rs, err := s.ListResponses(ctx, survey.ResponseFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) != len(wantRs) {
				t.Fatalf("%d responses stored, %d in memory", len(rs), len(wantRs))
			}
			for i := range rs {
				if !rs[i].Equal(wantRs[i]) {
					t.Fatalf("response %d: stored %+v, in memory %+v", i, rs[i], wantRs[i])
				}
			}
			tl, err := s.TallyResponses(ctx, cx.TallyFilter{Survey: survey.CulturePulseID})
			if err != nil {
				t.Fatal(err)
			}
			if !tl.Equal(wantTallies) {
				t.Fatal("the stored tallies differ from those of the same import in memory")
			}
			if got := scoreReport(t, p); got != wantReport {
				t.Fatalf("the scorecard's report differs from the one in memory:\n%s\n---\n%s", got, wantReport)
			}

			again, err := p.ImportCSV(ctx, survey.CulturePulseID, strings.NewReader(in), nil)
			if err != nil || again.Added != 0 || again.Unchanged != 3000 {
				t.Fatalf("importing again: %+v, %v; want nothing added", again, err)
			}
			// A file with IDs, one of them stored with other content.
			first := rs[0]
			changed := first.Clone()
			changed.Comment = "a corrected comment"
			var jl strings.Builder
			w := survey.NewJSONLWriter(&jl)
			for i := range 1500 {
				r := survey.Response{ID: cxgen.IDOf(i + 1), Survey: first.Survey, Wave: first.Wave, Unit: first.Unit,
					Submitted: first.Submitted, Answers: map[string]int{"enps": i % 11}}
				if err := w.Write(r); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Write(changed); err != nil {
				t.Fatal(err)
			}
			res, err := p.ImportJSONL(ctx, survey.CulturePulseID, strings.NewReader(jl.String()), nil)
			if err == nil || res.Added != 0 || !strings.Contains(err.Error(), "line 1501") {
				t.Fatalf("a conflict: %+v, %v; want an error naming line 1501 and nothing added", res, err)
			}
			if n, _ := s.CountResponses(ctx, survey.ResponseFilter{}); n != 3000 {
				t.Fatalf("%d responses after a refused import, want 3000", n)
			}
			res, err = p.ImportJSONL(ctx, survey.CulturePulseID, strings.NewReader(jl.String()), nil, cx.ImportOptions{Replace: true})
			if err != nil || res.Added != 1500 || len(res.Replaced) != 1 || res.Replaced[0].Line != 1501 {
				t.Fatalf("with Replace: %+v, %v", res, err)
			}
			stored, err := s.GetResponse(ctx, first.ID)
			if err != nil || stored.Comment != "a corrected comment" {
				t.Fatalf("the replaced response: %+v, %v", stored, err)
			}
			tl, err = s.TallyResponses(ctx, cx.TallyFilter{Survey: survey.CulturePulseID})
			if err != nil {
				t.Fatal(err)
			}
			all, err := s.ListResponses(ctx, survey.ResponseFilter{})
			if err != nil {
				t.Fatal(err)
			}
			fresh := cx.NewTallier(survey.CulturePulse())
			for _, r := range all {
				if err := fresh.Add(r); err != nil {
					t.Fatal(err)
				}
			}
			if !tl.Equal(fresh.Tallies()) {
				t.Fatal("after Replace, the stored tallies differ from those of the stored responses")
			}
		})
	}
}

// scoreReport returns the Markdown, JSON and CSV report of the scorecard
// of wave w2 against w1 that p computes with its default privacy.
func scoreReport(t *testing.T, p *cx.Program) string {
	t.Helper()
	sc, err := p.Scorecard(t.Context(), survey.CulturePulseID, cx.ScorecardOptions{Wave: "w2", Baseline: "w1"})
	if err != nil {
		t.Fatal(err)
	}
	var md, js, cs bytes.Buffer
	if err := report.Render(report.Report{Title: "Pulse", Scorecard: sc}, report.Outputs{Markdown: &md, JSON: &js, CSV: &cs}); err != nil {
		t.Fatal(err)
	}
	return md.String() + js.String() + cs.String()
}

// importCrashEnv, set to a database path, makes TestImportCrash the child
// process that imports a file into it until it is killed.
const importCrashEnv = "CXCULTURE_IMPORT_CRASH_DB"

const importCrashRows = 5000

// TestImportCrash kills a process importing a CSV export into a SQLite
// file with SIGKILL at a random moment, several times, each time into a
// copy of the same database: after each kill the import is wholly stored
// or not at all, the tallies match the stored responses, and the process
// left no file in its temporary folder. Importing again completes the
// data, and once more adds nothing.
func TestImportCrash(t *testing.T) {
	if path := os.Getenv(importCrashEnv); path != "" {
		importCrashChild(path)
		return
	}
	if _, err := os.Executable(); err != nil {
		t.Skipf("cannot re-execute the test binary: %v", err)
	}
	dir := t.TempDir()
	template := filepath.Join(dir, "template.db")
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	s := openSQLiteAt(t, template)
	importProgram(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	copyDB := func(to string) {
		b, err := os.ReadFile(template)
		if err == nil {
			err = os.WriteFile(to, b, 0o600)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	// A whole import, to time it: the kills fall before, during and after
	// its commit.
	whole := filepath.Join(dir, "whole.db")
	copyDB(whole)
	start := time.Now()
	if !importCrashOnce(t, whole, tmp, time.Hour) {
		t.Fatal("the child did not complete an import")
	}
	d := time.Since(start)
	if n := checkImportCrash(t, -1, whole, tmp); n != importCrashRows {
		t.Fatalf("a whole import stored %d responses, want %d", n, importCrashRows)
	}
	rng := rand.New(rand.NewPCG(uint64(cxgen.Seed(t)), 2))
	var path string
	// Four kills by default (CXCULTURE_TEST_SCALE=5 for twenty), two
	// under -short.
	runs := cxgen.Runs(t, 4)
	if testing.Short() {
		runs = 2
	}
	for run := range runs {
		path = filepath.Join(dir, fmt.Sprintf("run%d.db", run))
		copyDB(path)
		done := importCrashOnce(t, path, tmp, time.Duration(rng.Float64()*1.2*float64(d)))
		n := checkImportCrash(t, run, path, tmp)
		if n != 0 && n != importCrashRows {
			t.Fatalf("run %d: %d responses stored: the import is half-done", run, n)
		}
		if done && n != importCrashRows {
			t.Fatalf("run %d: the child reported the import committed, but %d responses are stored", run, n)
		}
	}
	s = openSQLiteAt(t, path)
	p, err := newImportProgram(s)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := p.ImportCSV(t.Context(), survey.CulturePulseID, strings.NewReader(importFile(importCrashRows)), nil); err != nil {
			t.Fatal(err)
		}
		if n, err := s.CountResponses(t.Context(), survey.ResponseFilter{}); err != nil || n != importCrashRows {
			t.Fatalf("%d responses after importing again, want %d (%v)", n, importCrashRows, err)
		}
	}
}

// importCrashOnce starts a child importing into path with its temporary
// folder tmp, kills it after delay from its start, and reports whether it
// said the import committed.
func importCrashOnce(t *testing.T, path, tmp string, delay time.Duration) bool {
	t.Helper()
	exe, _ := os.Executable()
	cmd := exec.Command(exe, "-test.run=^TestImportCrash$", "-test.count=1")
	cmd.Env = append(os.Environ(), importCrashEnv+"="+path, "TMPDIR="+tmp)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	said := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		ok := false
		for sc.Scan() {
			ok = ok || sc.Text() == "committed"
		}
		said <- ok
	}()
	select {
	case ok := <-said:
		_ = cmd.Wait()
		return ok
	case <-time.After(delay):
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
	return <-said
}

// checkImportCrash checks the database and the temporary folder after a
// kill and returns the number of responses stored.
func checkImportCrash(t *testing.T, run int, path, tmp string) int {
	t.Helper()
	ctx := t.Context()
	entries, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) > 0 {
		t.Errorf("run %d: the killed import left %d files in its temporary folder", run, len(entries))
	}
	s := openSQLiteAt(t, path)
	defer s.Close()
	n, err := s.CountResponses(ctx, survey.ResponseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	tl, err := s.TallyResponses(ctx, cx.TallyFilter{Survey: survey.CulturePulseID})
	if err != nil {
		t.Fatalf("run %d: TallyResponses after the kill: %v", run, err)
	}
	var counted int64
	for _, c := range tl.Respondents {
		counted += c
	}
	if counted != int64(n) {
		t.Errorf("run %d: the tallies count %d respondents, the store holds %d responses", run, counted, n)
	}
	if run >= 0 {
		t.Logf("run %d: %d responses after the kill", run, n)
	}
	return n
}

// importCrashChild imports the file into path and says so, once.
func importCrashChild(path string) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	p, err := newImportProgram(s)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if _, err := p.ImportCSV(ctx, survey.CulturePulseID, strings.NewReader(importFile(importCrashRows)), nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Println("committed")
	os.Exit(0)
}

// BenchmarkImport imports an export of 5,000 responses into a fresh store
// of each kind through Program.ImportCSV and Program.ImportJSONL, and
// reports responses/s and allocations per response. examples/scorecard
// -store measures the 1M-response benchmark export end to end.
func BenchmarkImport(b *testing.B) {
	in := importFile(importCrashRows)
	var jl strings.Builder
	{
		cr, err := survey.NewCSVReader(strings.NewReader(in), survey.CulturePulse(), nil)
		if err != nil {
			b.Fatal(err)
		}
		w := survey.NewJSONLWriter(&jl)
		for {
			r, err := cr.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if err := w.Write(r); err != nil {
				b.Fatal(err)
			}
		}
	}
	for _, be := range backends() {
		for _, format := range []string{"CSV", "JSONL"} {
			b.Run(be.name+"/"+format, func(b *testing.B) {
				var total time.Duration
				var mallocs uint64
				for range b.N {
					b.StopTimer()
					p := importProgram(b, be.open(b))
					var ms0, ms1 runtime.MemStats
					runtime.ReadMemStats(&ms0)
					b.StartTimer()
					start := time.Now()
					var res cx.ImportResult
					var err error
					if format == "CSV" {
						res, err = p.ImportCSV(context.Background(), survey.CulturePulseID, strings.NewReader(in), nil)
					} else {
						res, err = p.ImportJSONL(context.Background(), survey.CulturePulseID, strings.NewReader(jl.String()), nil)
					}
					total += time.Since(start)
					runtime.ReadMemStats(&ms1)
					mallocs += ms1.Mallocs - ms0.Mallocs
					if err != nil || res.Added != importCrashRows {
						b.Fatalf("%+v, %v", res, err)
					}
				}
				n := float64(importCrashRows * b.N)
				b.ReportMetric(n/total.Seconds(), "responses/s")
				b.ReportMetric(float64(mallocs)/n, "allocs/response")
			})
		}
	}
}
