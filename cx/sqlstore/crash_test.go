package sqlstore_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
	"github.com/cxculture/cxculture/cx/sqlstore/sqlite"
	"github.com/cxculture/cxculture/survey"
)

// crashEnv, set to a database path, makes TestCrash the child process
// that ingests batches into it until it is killed.
const crashEnv = "CXCULTURE_CRASH_CHILD_DB"

const crashBatch = 250

// TestCrash kills a process that ingests batches into a SQLite file with
// SIGKILL at a random moment, several times, and checks after each kill
// that every batch is wholly present or wholly absent, that every batch
// the child saw committed is there, that the tallies match the responses,
// and that SQLite's integrity check passes.
func TestCrash(t *testing.T) {
	if path := os.Getenv(crashEnv); path != "" {
		crashChild(path)
		return
	}
	if _, err := os.Executable(); err != nil {
		t.Skipf("cannot re-execute the test binary: %v", err)
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	runs := 6
	if testing.Short() {
		runs = 3
	}
	seed := cxgen.Seed(t)
	rng := rand.New(rand.NewPCG(uint64(seed), 1))
	committed := -1 // highest batch the children reported committed
	for run := range runs {
		last := crashOnce(t, path, time.Duration(50+rng.IntN(700))*time.Millisecond)
		committed = max(committed, last)
		checkAfterCrash(t, run, path, committed)
	}
}

// crashOnce starts a child ingesting into path, kills it after delay (from
// its first committed batch) and returns the last batch it reported
// committed.
func crashOnce(t *testing.T, path string, delay time.Duration) int {
	t.Helper()
	exe, _ := os.Executable()
	cmd := exec.Command(exe, "-test.run=^TestCrash$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
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
			if n, ok := strings.CutPrefix(sc.Text(), "committed "); ok {
				if i, err := strconv.Atoi(n); err == nil {
					lines <- i
				}
			}
		}
		close(lines)
	}()
	last := -1
	select {
	case i, ok := <-lines:
		if !ok {
			_ = cmd.Wait()
			t.Fatal("the child ingester exited before committing a batch")
		}
		last = i
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("the child ingester committed nothing in 60s")
	}
	time.Sleep(delay)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for i := range lines {
		last = max(last, i)
	}
	_ = cmd.Wait()
	return last
}

// checkAfterCrash opens the file after a kill and checks it.
func checkAfterCrash(t *testing.T, run int, path string, committed int) {
	t.Helper()
	ctx := t.Context()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var check string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("run %d: integrity_check: %q, %v", run, check, err)
	}
	s := openSQLiteAt(t, path)
	defer s.Close()
	sv := survey.CulturePulse()
	tl, err := s.TallyResponses(ctx, cx.TallyFilter{Survey: sv.ID})
	if err != nil {
		t.Fatalf("run %d: TallyResponses after the crash: %v", run, err)
	}
	total, present := 0, 0
	for i := 0; ; i++ {
		unit := fmt.Sprintf("batch%05d", i)
		n, err := s.CountResponses(ctx, survey.ResponseFilter{Units: []string{unit}})
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 && n != crashBatch {
			t.Errorf("run %d: batch %d is half-written: %d of %d responses", run, i, n, crashBatch)
		}
		if i <= committed && n == 0 {
			t.Errorf("run %d: batch %d was committed before the kill but is missing", run, i)
		}
		if got := tl.Respondents[cx.Group{Unit: unit, Wave: "w1"}]; got != int64(n) {
			t.Errorf("run %d: batch %d: the tallies count %d respondents, the store holds %d responses", run, i, got, n)
		}
		total += n
		if n > 0 {
			present++
		}
		if n == 0 && i > committed+1 {
			break
		}
	}
	all, err := s.CountResponses(ctx, survey.ResponseFilter{})
	if err != nil || all != total {
		t.Errorf("run %d: %d responses in all, %d in the batches counted (%v)", run, all, total, err)
	}
	t.Logf("run %d: %d whole batches after the kill (%d reported committed)", run, present, committed+1)
}

// crashChild ingests batch after batch into path, printing each batch
// number once committed, until killed. It continues after the batches a
// previous child left.
func crashChild(path string) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	sv := survey.CulturePulse()
	if _, err := s.GetSurvey(ctx, sv.ID); err != nil {
		if err := s.CreateSurvey(ctx, sv); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	n, err := s.CountResponses(ctx, survey.ResponseFilter{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	for i := n / crashBatch; ; i++ {
		if _, err := s.CreateResponses(ctx, batchOf(sv, "w1", i, crashBatch)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Printf("committed %d\n", i)
	}
}
