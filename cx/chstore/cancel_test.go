package chstore_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/chstore"
)

// cancelling delays the first query of pattern sums once armed (so that
// the tally's other queries end first) and cancels the tally's context
// when that query's rows end, between two parts of the pattern sums.
type cancelling struct {
	chstore.Conn
	armed  *atomic.Bool
	mu     *sync.Mutex
	cancel *func()
}

type cancelRows struct {
	chstore.Rows
	once *sync.Once
	fn   func()
}

func (r cancelRows) Next() bool {
	ok := r.Rows.Next()
	if !ok {
		r.once.Do(r.fn)
	}
	return ok
}

func (c cancelling) Query(ctx context.Context, q string, ext ...chstore.Table) (chstore.Rows, error) {
	if !strings.Contains(q, "pattern_sums") || !c.armed.CompareAndSwap(true, false) {
		return c.Conn.Query(ctx, q, ext...)
	}
	time.Sleep(700 * time.Millisecond)
	rows, err := c.Conn.Query(ctx, q, ext...)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	fn := *c.cancel
	c.mu.Unlock()
	return cancelRows{rows, &sync.Once{}, fn}, nil
}

// TestTallyCancelledBetweenPatternPartsFails: a tally of several waves,
// whose pattern sums are read in parts, fails when its context ends after
// the first part; it never returns the tallies without the later parts.
func TestTallyCancelledBetweenPatternPartsFails(t *testing.T) {
	addrs, _ := cluster(t)
	db := database(t, addrs)
	var armed atomic.Bool
	var mu sync.Mutex
	cancelFn := func() {}
	s := openWith(t, db, filepath.Join(t.TempDir(), "catalog.db"), func(c chstore.Conn) chstore.Conn {
		return cancelling{c, &armed, &mu, &cancelFn}
	})
	d := simulated(t)
	define(t, s, d)
	if _, err := s.CreateResponses(t.Context(), d.Responses); err != nil {
		t.Fatal(err)
	}
	var waves []string
	for _, w := range d.Waves {
		waves = append(waves, w.ID)
	}
	if len(waves) < 2 {
		t.Fatalf("the simulated data has %d waves: the patterns are read in one part", len(waves))
	}
	f := cx.TallyFilter{Survey: d.Survey.ID, Waves: waves}
	want, err := s.TallyResponses(t.Context(), f)
	if err != nil {
		t.Fatal(err)
	}
	for try := range 3 {
		ctx, cancel := context.WithCancel(t.Context())
		mu.Lock()
		cancelFn = cancel
		mu.Unlock()
		armed.Store(true)
		got, err := s.TallyResponses(ctx, f)
		cancel()
		if err != nil {
			continue // the tally was cut short and says so
		}
		if !got.Equal(want) {
			t.Fatalf("try %d: a tally whose context ended returned no error and differs: %d patterns, want %d", try, len(got.Patterns), len(want.Patterns))
		}
	}
}
