package sqlstore_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/org"
	"github.com/cxculture/cxculture/cx/sqlstore/postgres"
	"github.com/cxculture/cxculture/cx/sqlstore/sqlite"
)

// orgChildEnv, set to "path worker", makes TestOrgWritersProcesses the
// child process that writes the org of the SQLite file at path.
const orgChildEnv = "CXCULTURE_ORG_CHILD"

const orgRounds = 8

// orgWorker writes the org as one of several writers at once: it races
// the others to define a root of its own (one only may win), then adds
// teams under the root, moves each under the one before, tries a move
// that would make a cycle and erases some. It reports what it did with
// report: "root ok", "root refused", "team ID" for each team it kept,
// and "error ..." for any error outside the documented categories.
func orgWorker(ctx context.Context, p *cx.Program, id int, start <-chan struct{}, report func(string)) {
	<-start
	err := p.DefineUnits(ctx, cx.Unit{ID: fmt.Sprintf("root%d", id), Name: "Root"})
	switch {
	case err == nil:
		report("root ok")
	case errors.Is(err, cx.ErrInvalid):
		report("root refused")
	default:
		report("error root: " + err.Error())
		return
	}
	var root string
	for range 1000 {
		h, err := p.Hierarchy(ctx)
		if err == nil {
			root = h.Root()
			break
		}
		time.Sleep(time.Millisecond)
	}
	if root == "" {
		report("error: no root appeared")
		return
	}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	team := func(r int) string { return fmt.Sprintf("w%d-t%d", id, r) }
	expected := func(err error, what string) bool {
		if err != nil && !errors.Is(err, cx.ErrInvalid) && !errors.Is(err, cx.ErrNotFound) {
			report("error " + what + ": " + err.Error())
			return false
		}
		return true
	}
	for r := range orgRounds {
		if err := p.DefineUnits(ctx, cx.Unit{ID: team(r), Parent: root, Name: "Team"}); err != nil {
			report("error define: " + err.Error())
			return
		}
		if r == 0 {
			continue
		}
		err := p.ChangeOrg(ctx, cx.OrgChange{Kind: org.Move, Effective: base.AddDate(0, 0, r), Unit: cx.Unit{ID: team(r), Parent: team(r - 1)}})
		if !expected(err, "move") {
			return
		}
		err = p.ChangeOrg(ctx, cx.OrgChange{Kind: org.Move, Effective: base.AddDate(0, 0, r+100), Unit: cx.Unit{ID: team(r - 1), Parent: team(r)}})
		if err == nil {
			report(fmt.Sprintf("error: moving %s under %s made no cycle", team(r-1), team(r)))
			return
		}
		if !expected(err, "cycle") {
			return
		}
		_, err = p.Store().RecordOrgChanges(ctx, []cx.OrgChange{{Kind: org.Add, Unit: cx.Unit{ID: fmt.Sprintf("rogue%d-%d", id, r), Name: "Second root"}}})
		if !errors.Is(err, cx.ErrInvalid) {
			report(fmt.Sprintf("error: a second root through the store: %v", err))
			return
		}
	}
	// The last team has no team under it: erase it.
	if err := p.Store().DeleteUnit(ctx, team(orgRounds-1)); err != nil {
		report("error erase: " + err.Error())
		return
	}
	for r := range orgRounds - 1 {
		report("team " + team(r))
	}
}

// checkOrg checks the history after the writers: valid at every date, one
// root, the winner's; every team a writer kept is there.
func checkOrg(t *testing.T, p *cx.Program, reports []string) {
	t.Helper()
	ctx := t.Context()
	hist, err := p.Org(ctx)
	if err != nil {
		t.Fatalf("the history after concurrent writers is not valid: %v", err)
	}
	h, ok := hist.Latest()
	if !ok {
		t.Fatal("no org after concurrent writers")
	}
	wins := 0
	for _, r := range reports {
		switch {
		case r == "root ok":
			wins++
		case strings.HasPrefix(r, "error"):
			t.Error(r)
		case strings.HasPrefix(r, "team "):
			if id := strings.TrimPrefix(r, "team "); !h.Has(id) {
				t.Errorf("team %s, which a writer defined, is missing", id)
			}
		}
	}
	if wins != 1 {
		t.Errorf("%d writers defined a root; exactly one may", wins)
	}
	if !strings.HasPrefix(h.Root(), "root") {
		t.Errorf("the root is %s", h.Root())
	}
}

// TestOrgWritersProcesses runs several processes that write the org of
// one SQLite file at once (the test binary run again as children), and
// checks that the history they leave is valid: one root, no cycle, every
// team kept. Before the history was checked in one transaction, two
// processes defining units at once made two roots in 1 of 30 runs.
func TestOrgWritersProcesses(t *testing.T) {
	if v := os.Getenv(orgChildEnv); v != "" {
		orgChild(v)
		return
	}
	if _, err := os.Executable(); err != nil {
		t.Skipf("cannot re-execute the test binary: %v", err)
	}
	runs, children := 3, 4
	if testing.Short() {
		runs = 1
	}
	for run := range runs {
		path := filepath.Join(t.TempDir(), fmt.Sprintf("org%d.db", run))
		s := openSQLiteAt(t, path) // creates the schema before the children race
		p, err := cx.New(s, nil)
		if err != nil {
			t.Fatal(err)
		}
		goFile := path + ".go"
		exe, _ := os.Executable()
		var mu sync.Mutex
		var reports []string
		var wg sync.WaitGroup
		ready := make(chan struct{}, children)
		for c := range children {
			cmd := exec.Command(exe, "-test.run=^TestOrgWritersProcesses$", "-test.count=1")
			cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s %d", orgChildEnv, path, c))
			cmd.Stderr = os.Stderr
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			wg.Go(func() {
				sc := bufio.NewScanner(out)
				for sc.Scan() {
					line := sc.Text()
					switch {
					case line == "ready":
						ready <- struct{}{}
					case line == "root ok" || line == "root refused" || strings.HasPrefix(line, "team ") || strings.HasPrefix(line, "error"):
						mu.Lock()
						reports = append(reports, line)
						mu.Unlock()
					}
				}
				if err := cmd.Wait(); err != nil {
					mu.Lock()
					reports = append(reports, fmt.Sprintf("error: child %d: %v", c, err))
					mu.Unlock()
				}
			})
		}
		for range children {
			select {
			case <-ready:
			case <-time.After(60 * time.Second):
				t.Fatal("the children did not start in 60s")
			}
		}
		if err := os.WriteFile(goFile, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		checkOrg(t, p, reports)
	}
}

// orgChild is a writer process: it opens the file, says it is ready,
// waits for the parent's signal (a file) and writes.
func orgChild(v string) {
	path, num, _ := strings.Cut(v, " ")
	var id int
	fmt.Sscan(num, &id)
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		fmt.Println("error open:", err)
		os.Exit(2)
	}
	defer s.Close()
	p, err := cx.New(s, nil)
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(2)
	}
	fmt.Println("ready")
	start := make(chan struct{})
	go func() {
		for {
			if _, err := os.Stat(path + ".go"); err == nil {
				close(start)
				return
			}
			time.Sleep(200 * time.Microsecond)
		}
	}()
	orgWorker(ctx, p, id, start, func(line string) { fmt.Println(line) })
}

// TestOrgWritersConnections is the same race on PostgreSQL: writers on
// connections of their own (one connection pool each) in one schema.
func TestOrgWritersConnections(t *testing.T) {
	dsn, _ := newSchema(t)
	ctx := t.Context()
	first, err := postgres.Open(ctx, dsn) // creates the schema before the race
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	p0, err := cx.New(first, nil)
	if err != nil {
		t.Fatal(err)
	}
	const writers = 6
	start := make(chan struct{})
	var mu sync.Mutex
	var reports []string
	var wg sync.WaitGroup
	for w := range writers {
		s, err := postgres.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		p, err := cx.New(s, nil)
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			orgWorker(ctx, p, w, start, func(line string) {
				mu.Lock()
				reports = append(reports, line)
				mu.Unlock()
			})
		})
	}
	close(start)
	wg.Wait()
	checkOrg(t, p0, reports)
}

// defineChildEnv, set to a database path, makes TestDefineUnitsKilled the
// child that defines 3,001 units in it, again and again under new IDs,
// until it is killed.
const defineChildEnv = "CXCULTURE_DEFINE_CHILD_DB"

// TestDefineUnitsKilled kills, with SIGKILL at a random moment, a process
// that defines 3,001 units at a time, and checks that each definition is
// stored whole or not at all. Killing DefineUnits used to leave 2,697 of
// 3,001 units, after which defining them again failed.
func TestDefineUnitsKilled(t *testing.T) {
	if path := os.Getenv(defineChildEnv); path != "" {
		defineChild(path)
		return
	}
	if _, err := os.Executable(); err != nil {
		t.Skipf("cannot re-execute the test binary: %v", err)
	}
	path := filepath.Join(t.TempDir(), "define.db")
	kills := 3
	if testing.Short() {
		kills = 1
	}
	exe, _ := os.Executable()
	for k := range kills {
		cmd := exec.Command(exe, "-test.run=^TestDefineUnitsKilled$", "-test.count=1")
		cmd.Env = append(os.Environ(), defineChildEnv+"="+path)
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		if !sc.Scan() {
			_ = cmd.Wait()
			t.Fatal("the child exited before it started")
		}
		time.Sleep(time.Duration(150+450*k) * time.Millisecond)
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		s := openSQLiteAt(t, path)
		changes, err := s.ListOrgChanges(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if n := len(changes); n%3001 != 1 && n != 0 {
			t.Errorf("kill %d: %d changes stored, not the root and whole definitions of 3,000 teams and a division", k, n)
		}
		if _, err := org.NewHistory(changes); err != nil {
			t.Errorf("kill %d: the history left is not valid: %v", k, err)
		}
		t.Logf("kill %d: %d whole definitions stored", k, len(changes)/3001)
		_ = s.Close()
	}
}

func defineChild(path string) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	p, err := cx.New(s, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Println("started")
	if err := p.DefineUnits(ctx, cx.Unit{ID: "org", Name: "Org"}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	for round := 0; ; round++ {
		units := []cx.Unit{{ID: fmt.Sprintf("d%d-%d", os.Getpid(), round), Parent: "org", Name: "Division"}}
		for i := range 3000 {
			units = append(units, cx.Unit{ID: fmt.Sprintf("t%d-%d-%d", os.Getpid(), round, i), Parent: units[0].ID, Name: "Team"})
		}
		if err := p.DefineUnits(ctx, units...); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
}
