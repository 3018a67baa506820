//go:build unix

package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// processCPU returns the CPU time (user and system) the test process has
// used so far, or -1 when it cannot be read.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// serverCPU returns the CPU time used so far by the PostgreSQL server that
// db is connected to, when it runs on this machine and its processes can
// be read in /proc: the postmaster's own and its children's that ended,
// plus that of its live children (backends, background workers). It
// returns -1 otherwise.
func serverCPU(ctx context.Context, db *sql.DB) time.Duration {
	var pid int
	if err := db.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		return -1
	}
	postmaster := procField(pid, "PPid")
	if postmaster <= 1 {
		return -1
	}
	ticks, ok := procTicks(postmaster, true)
	if !ok {
		return -1
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return -1
	}
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil || procField(child, "PPid") != postmaster {
			continue
		}
		if t, ok := procTicks(child, false); ok {
			ticks += t
		}
	}
	const hz = 100 // USER_HZ, the unit of /proc/PID/stat times on Linux
	return time.Duration(ticks) * time.Second / hz
}

// procField returns an integer field of /proc/PID/status, or -1.
func procField(pid int, name string) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				return -1
			}
			return n
		}
	}
	return -1
}

// procTicks returns utime+stime of /proc/PID/stat, with cutime+cstime (its
// children that ended) when children is set.
func procTicks(pid int, children bool) (int64, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	// The fields after the command name, which is in parentheses.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	// f[0] is field 3 (state); utime, stime, cutime, cstime are 14-17.
	if len(f) < 15 {
		return 0, false
	}
	var sum int64
	last := 12 // stime
	if children {
		last = 14
	}
	for _, s := range f[11 : last+1] {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, false
		}
		sum += n
	}
	return sum, true
}
