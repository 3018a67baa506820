package chstore_test

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/chstore"
	"github.com/cxculture/cxculture/cx/chstore/clickhouse"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/cx/simulate"
	"github.com/cxculture/cxculture/cx/sqlstore"
	"github.com/cxculture/cxculture/cx/sqlstore/sqlite"
	"github.com/cxculture/cxculture/survey"
)

// flaky is a Conn whose inserts fail, from the n-th on, while armed.
type flaky struct {
	chstore.Conn
	armed *atomic.Int64 // inserts to let through before failing; < 0: never fail
}

var errInjected = errors.New("injected: the server went away")

func (c flaky) Insert(ctx context.Context, t chstore.Table) error {
	if c.fails() {
		return errInjected
	}
	return c.Conn.Insert(ctx, t)
}

func (c flaky) fails() bool { return c.armed.Load() >= 0 && c.armed.Add(-1) < 0 }

// openWith returns a store over conns wrapped by wrap, with its catalog in
// the SQLite file at catalog (created when missing) and its tables in
// database db.
func openWith(t *testing.T, db, catalog string, wrap func(chstore.Conn) chstore.Conn) *chstore.Store {
	t.Helper()
	addrs, name := cluster(t)
	var conns []chstore.Conn
	for _, a := range addrs {
		c, err := clickhouse.Dial(t.Context(), a, nil)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, wrap(c))
	}
	cat, err := sql.Open("sqlite", "file:"+catalog+"?"+sqlite.Pragmas)
	if err != nil {
		t.Fatal(err)
	}
	s, err := chstore.New(t.Context(), conns, cat, &chstore.Options{Cluster: name, Database: db, Dialect: sqlstore.SQLite, Close: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// define defines the simulated program's units, survey and waves in store.
func define(t *testing.T, store cx.Store, d *simulate.Data) {
	t.Helper()
	p, err := cx.New(store, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.DefineUnits(t.Context(), d.Units...); err != nil {
		t.Fatal(err)
	}
	if err := p.DefineSurvey(t.Context(), d.Survey); err != nil {
		t.Fatal(err)
	}
	for _, w := range d.Waves {
		if err := p.OpenWave(t.Context(), w); err != nil {
			t.Fatal(err)
		}
	}
}

// sameAsMemory fails the test unless store's tallies of d's survey equal
// those of rs tallied in memory.
func sameAsMemory(t *testing.T, store *chstore.Store, d *simulate.Data, rs []survey.Response, when string) {
	t.Helper()
	mem := memstore.New()
	define(t, mem, d)
	if _, err := mem.CreateResponses(t.Context(), rs); err != nil {
		t.Fatal(err)
	}
	want, err := cx.TallyResponses(t.Context(), mem, cx.TallyFilter{Survey: d.Survey.ID})
	if err != nil {
		t.Fatal(err)
	}
	got, err := store.TallyResponses(t.Context(), cx.TallyFilter{Survey: d.Survey.ID})
	if err != nil {
		t.Fatalf("%s: TallyResponses: %v", when, err)
	}
	if !got.Equal(want) {
		t.Errorf("%s: the tallies differ from those of the responses stored:\n%s", when, tallyDiff(want, got))
	}
	n, err := store.CountResponses(t.Context(), survey.ResponseFilter{})
	if err != nil || n != len(rs) {
		t.Errorf("%s: CountResponses: want %d, got %d, %v", when, len(rs), n, err)
	}
}

// TestFailedWriteIsVisibleAndRetriable fails the inserts of a write
// part-way, after one shard was written, and checks that
// the write returns the error, that no read sees any of its rows, that
// the batch log shows it failed with the cause, and that the same write
// run again stores every response.
func TestFailedWriteIsVisibleAndRetriable(t *testing.T) {
	addrs, _ := cluster(t)
	db := database(t, addrs)
	var armed atomic.Int64
	armed.Store(-1)
	s := openWith(t, db, filepath.Join(t.TempDir(), "catalog.db"), func(c chstore.Conn) chstore.Conn { return flaky{c, &armed} })
	d := simulated(t)
	define(t, s, d)
	rs := d.Responses
	first := rs[:len(rs)/3]
	if n, err := s.CreateResponses(t.Context(), first); err != nil || n != len(first) {
		t.Fatalf("CreateResponses of the first third: %d, %v", n, err)
	}
	for _, after := range []int64{0, 1} { // fail the first shard's insert, or the second's
		armed.Store(after)
		n, err := s.CreateResponses(t.Context(), rs)
		armed.Store(-1)
		if !errors.Is(err, errInjected) || n != 0 {
			t.Fatalf("CreateResponses with inserts failing after %d: want 0 and the injected error, got %d, %v", after, n, err)
		}
		sameAsMemory(t, s, d, first, fmt.Sprintf("after a write failing after %d inserts", after))
		bs, err := s.Batches(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		last := bs[len(bs)-1]
		if last.State != "failed" || !strings.Contains(last.Error, errInjected.Error()) || last.Finished.IsZero() {
			t.Errorf("the batch log's last entry: want a failed batch naming the cause, got %+v", last)
		}
	}
	n, err := s.CreateResponses(t.Context(), rs)
	if err != nil || n != len(rs)-len(first) {
		t.Fatalf("CreateResponses run again: want %d added, got %d, %v", len(rs)-len(first), n, err)
	}
	sameAsMemory(t, s, d, rs, "after the write ran again")
}

// TestFailedImportIsVisibleAndRetriable fails the inserts of an import
// (the first, or the fourth: after part of the import was written), and
// checks that
// Commit returns the error, that no read sees any of the import, that the
// batch log shows it failed with the cause, and that the import run again
// stores every response.
func TestFailedImportIsVisibleAndRetriable(t *testing.T) {
	addrs, _ := cluster(t)
	db := database(t, addrs)
	var armed atomic.Int64
	armed.Store(-1)
	s := openWith(t, db, filepath.Join(t.TempDir(), "catalog.db"), func(c chstore.Conn) chstore.Conn { return flaky{c, &armed} })
	d := simulated(t)
	define(t, s, d)
	rs := d.Responses
	first := rs[:len(rs)/3]
	if n, err := s.CreateResponses(t.Context(), first); err != nil || n != len(first) {
		t.Fatalf("CreateResponses of the first third: %d, %v", n, err)
	}
	importAll := func() (cx.ImportOutcome, error) {
		im, err := s.BeginImport(t.Context(), d.Survey.ID, cx.ImportOptions{})
		if err != nil {
			return cx.ImportOutcome{}, err
		}
		defer func() { _ = im.Rollback() }()
		for lo := 0; lo < len(rs); lo += 100 {
			if err := im.Add(t.Context(), rs[lo:min(lo+100, len(rs))]); err != nil {
				return cx.ImportOutcome{}, err
			}
		}
		return im.Commit(t.Context())
	}
	for _, after := range []int64{0, 3} { // fail the first insert, or the fourth
		armed.Store(after)
		_, err := importAll()
		armed.Store(-1)
		if !errors.Is(err, errInjected) {
			t.Fatalf("an import whose inserts fail after %d: want the injected error, got %v", after, err)
		}
		sameAsMemory(t, s, d, first, fmt.Sprintf("after an import failing after %d inserts", after))
		bs, err := s.Batches(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		last := bs[len(bs)-1]
		if last.State != "failed" || !strings.Contains(last.Error, errInjected.Error()) {
			t.Errorf("the batch log's last entry: want a failed batch naming the cause, got %+v", last)
		}
	}
	out, err := importAll()
	if err != nil || out.Added != len(rs)-len(first) || out.Unchanged != len(first) {
		t.Fatalf("the import run again: want %d added and %d unchanged, got %+v, %v", len(rs)-len(first), len(first), out, err)
	}
	sameAsMemory(t, s, d, rs, "after the import ran again")
}

// TestFailedAddStoresNothing checks the rule of cx.StagedImport.Add that
// an error ends the import: after an Add whose context is done (groups of
// 32 staged responses written before it), Commit returns that Add's error
// and stores nothing, and the batch is listed as failed; the import run
// again stores everything.
func TestFailedAddStoresNothing(t *testing.T) {
	prev := chstore.StageFlush(32)
	t.Cleanup(func() { chstore.StageFlush(prev) })
	s := openStore(t)
	d := simulated(t)
	define(t, s, d)
	rs := d.Responses
	half := len(rs) / 2
	if half < 3*32 {
		t.Fatalf("%d responses: too few to write groups before the failed Add", len(rs))
	}
	im, err := s.BeginImport(t.Context(), d.Survey.ID, cx.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = im.Rollback() }()
	if err := im.Add(t.Context(), rs[:half]); err != nil {
		t.Fatal(err)
	}
	done, cancel := context.WithCancel(t.Context())
	cancel()
	if err := im.Add(done, rs[half:]); !errors.Is(err, context.Canceled) {
		t.Fatalf("Add with its context done: %v; want an error satisfying errors.Is(err, context.Canceled)", err)
	}
	out, err := im.Commit(t.Context())
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Commit after a failed Add: %+v, %v; want that Add's error", out, err)
	}
	if n, err := s.CountResponses(t.Context(), survey.ResponseFilter{}); err != nil || n != 0 {
		t.Fatalf("after a failed Add and Commit %d responses are stored (%v), want none", n, err)
	}
	sameAsMemory(t, s, d, nil, "after an import whose second Add failed")
	bs, err := s.Batches(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 1 || bs[0].State != "failed" {
		t.Fatalf("after an import whose second Add failed the batch log holds %+v; want one failed batch", bs)
	}
	importAll(t, s, d.Survey.ID, rs, "the import run again")
	sameAsMemory(t, s, d, rs, "after the import ran again")
}

// crashEnv, set to "database,catalog", makes TestCrash the child process
// that writes batches until it is killed.
const crashEnv = "CXCULTURE_CLICKHOUSE_CRASH_CHILD"

// TestCrash kills a process writing batches of responses with SIGKILL at
// random moments and checks after each kill that the store holds exactly
// the batches the child reported committed, or also the one it was
// writing, whole: never a part of a batch; that a batch left pending is
// listed and can be discarded; and that writing everything again stores
// every response.
func TestCrash(t *testing.T) {
	d := crashData(t)
	if env := os.Getenv(crashEnv); env != "" {
		// database,catalog,first batch,inserts before exiting (-1: none)
		f := strings.Split(env, ",")
		from, _ := strconv.Atoi(f[2])
		exitAfter, _ := strconv.ParseInt(f[3], 10, 64)
		var n atomic.Int64
		n.Store(exitAfter)
		s := openWith(t, f[0], f[1], func(c chstore.Conn) chstore.Conn { return exiting{c, &n} })
		for i := from; i < crashBatches; i++ {
			if _, err := s.CreateResponses(context.Background(), crashBatch(d, i)); err != nil {
				fmt.Println("error", err)
				os.Exit(1)
			}
			fmt.Println("committed", i)
		}
		select {} // wait to be killed
	}
	if _, err := os.Executable(); err != nil {
		t.Skipf("cannot re-execute the test binary: %v", err)
	}
	addrs, _ := cluster(t)
	db := database(t, addrs)
	catalog := filepath.Join(t.TempDir(), "catalog.db")
	s := openWith(t, db, catalog, func(c chstore.Conn) chstore.Conn { return c })
	define(t, s, d)
	rng := rand.New(rand.NewPCG(uint64(cxgen.Seed(t)), 2))
	next := 0 // the first batch not stored
	for run := range 4 {
		// The first child dies in the middle of its first batch, after
		// two of its inserts; the others are killed at a random moment.
		exitAfter, delay := int64(2), time.Minute
		if run > 0 {
			exitAfter, delay = -1, time.Duration(rng.IntN(400))*time.Millisecond
		}
		last := crashChild(t, fmt.Sprintf("%s,%s,%d,%d", db, catalog, next, exitAfter), delay)
		if last >= 0 {
			next = last + 1
		}
		// The batch being written when the child died is wholly there
		// or wholly absent.
		stored := d.Responses[:crashBatchStart(d, next)]
		n, err := s.CountResponses(t.Context(), survey.ResponseFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if n != len(stored) && next < crashBatches {
			next++
			stored = d.Responses[:crashBatchStart(d, next)]
		}
		sameAsMemory(t, s, d, stored, fmt.Sprintf("after kill %d", run))
		t.Logf("kill %d: %d responses stored, in the first %d batches", run, n, next)
	}
	bs, err := s.Batches(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	pending := 0
	for _, b := range bs {
		if b.State == "pending" {
			pending++
			if err := s.Discard(t.Context(), b.ID); err != nil {
				t.Errorf("Discard(%d): %v", b.ID, err)
			}
		}
	}
	t.Logf("%d batches in the log, %d left pending by a killed child, discarded", len(bs), pending)
	if pending == 0 {
		t.Error("no batch was left pending: the first child should have died in the middle of one")
	}
	if err := s.Discard(t.Context(), bs[0].ID); !errors.Is(err, cx.ErrInvalid) {
		t.Errorf("Discard of a batch that is not pending: want cx.ErrInvalid, got %v", err)
	}
	for i := range crashBatches {
		if _, err := s.CreateResponses(t.Context(), crashBatch(d, i)); err != nil {
			t.Fatal(err)
		}
	}
	sameAsMemory(t, s, d, d.Responses, "after writing everything again")
}

// exiting is a Conn that ends the process, as a crash would, when its
// countdown of inserts reaches zero (never if it starts below zero).
type exiting struct {
	chstore.Conn
	n *atomic.Int64
}

func (c exiting) Insert(ctx context.Context, t chstore.Table) error {
	if c.n.Load() >= 0 && c.n.Add(-1) < 0 {
		os.Exit(3)
	}
	return c.Conn.Insert(ctx, t)
}

func crashData(t *testing.T) *simulate.Data {
	t.Helper()
	d, err := simulate.Generate(simulate.Config{Seed: cxgen.Seed(t), Waves: 8, Divisions: 3, TeamsPerDivision: 5})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

const crashBatches = 12

// crashBatch returns the i-th of crashBatches parts of d's responses.
func crashBatch(d *simulate.Data, i int) []survey.Response {
	return d.Responses[crashBatchStart(d, i):crashBatchStart(d, i+1)]
}

func crashBatchStart(d *simulate.Data, i int) int { return i * len(d.Responses) / crashBatches }

// crashChild runs the child for delay (from the moment it is started),
// kills it and returns the last batch it reported committed (-1 for
// none).
func crashChild(t *testing.T, env string, delay time.Duration) int {
	t.Helper()
	exe, _ := os.Executable()
	cmd := exec.Command(exe, "-test.run=^TestCrash$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnv+"="+env)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan int, 1024)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "committed "); ok {
				if i, err := strconv.Atoi(v); err == nil {
					lines <- i
				}
			}
		}
		close(lines)
	}()
	last := -1
	timer := time.NewTimer(delay)
	kill := func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}
	for {
		select {
		case i, ok := <-lines:
			if !ok {
				kill()
				return last // it died by itself, as asked
			}
			last = i
		case <-timer.C:
			kill()
			for i := range lines {
				last = max(last, i)
			}
			return last
		}
	}
}

// TestImportsAcrossHandles runs the same import through two handles at
// once, as two processes would: the first to commit stores every
// response; the other finds that responses it staged were stored
// meanwhile, stores nothing and says to run it again, which then finds
// them all unchanged. The tallies count each response once.
func TestImportsAcrossHandles(t *testing.T) {
	ctx := t.Context()
	a := openStore(t)
	b := reopen(t, a).(*chstore.Store)
	d := simulated(t)
	define(t, a, d)
	ims := make([]cx.StagedImport, 2)
	for i, s := range []*chstore.Store{a, b} {
		im, err := s.BeginImport(ctx, d.Survey.ID, cx.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := im.Add(ctx, d.Responses); err != nil {
			t.Fatal(err)
		}
		ims[i] = im
	}
	outs := make([]cx.ImportOutcome, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range ims {
		wg.Go(func() { outs[i], errs[i] = ims[i].Commit(ctx) })
	}
	wg.Wait()
	ok := 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
			if outs[i].Added != len(d.Responses) {
				t.Errorf("handle %d committed, adding %d of %d responses", i+1, outs[i].Added, len(d.Responses))
			}
		case !strings.Contains(err.Error(), "run the import again"):
			t.Errorf("handle %d: want success or an error saying to run the import again, got %v", i+1, err)
		}
	}
	if ok != 1 {
		t.Fatalf("want exactly one import committed, got %d (errors %v)", ok, errs)
	}
	im, err := b.BeginImport(ctx, d.Survey.ID, cx.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := im.Add(ctx, d.Responses); err != nil {
		t.Fatal(err)
	}
	out, err := im.Commit(ctx)
	if err != nil || out.Added != 0 || out.Unchanged != len(d.Responses) {
		t.Errorf("the import run again: want every response unchanged, got %+v, %v", out, err)
	}
	sameAsMemory(t, a, d, d.Responses, "after the imports")
}
