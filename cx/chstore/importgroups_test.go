package chstore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cxculture/cxculture/cx/chstore"
)

// counting is a Conn that records the number of rows of each INSERT into
// the responses table.
type counting struct {
	chstore.Conn
	mu   *sync.Mutex
	rows *[]int
}

func (c counting) Insert(ctx context.Context, t chstore.Table) error {
	if strings.HasSuffix(t.Name, ".responses_local") {
		c.mu.Lock()
		*c.rows = append(*c.rows, t.Len())
		c.mu.Unlock()
	}
	return c.Conn.Insert(ctx, t)
}

// TestImportGroupsAreBounded checks that an import writes its staged
// responses in groups bounded both by their number and by their size:
// with a bound of 40 responses, one Add of every response is written 40
// (or fewer) at a time; with a bound of 24 KiB and comments of 2 KiB,
// at most 12 at a time. Each group is one INSERT per shard into the
// responses table; every response is stored either way.
func TestImportGroupsAreBounded(t *testing.T) {
	d := simulated(t)
	for _, c := range []struct {
		name          string
		flush, bytes  int
		comment, most int
	}{
		{"by number", 40, 1 << 30, 0, 40},
		{"by size", 1 << 18, 24 << 10, 2 << 10, 12},
	} {
		t.Run(c.name, func(t *testing.T) {
			prevFlush, prevBytes := chstore.StageFlush(c.flush), chstore.StageBytes(c.bytes)
			t.Cleanup(func() { chstore.StageFlush(prevFlush); chstore.StageBytes(prevBytes) })
			addrs, _ := cluster(t)
			var mu sync.Mutex
			var rows []int
			s := openWith(t, database(t, addrs), filepath.Join(t.TempDir(), "catalog.db"), func(cn chstore.Conn) chstore.Conn {
				return counting{cn, &mu, &rows}
			})
			define(t, s, d)
			rs := append(d.Responses[:0:0], d.Responses...)
			for i := range rs {
				if c.comment > 0 {
					rs[i].Comment = fmt.Sprintf("%d %s", i, strings.Repeat("x", c.comment))
				}
			}
			importAll(t, s, d.Survey.ID, rs, "import")
			total := 0
			for _, n := range rows {
				if n > c.most {
					t.Errorf("an INSERT wrote %d responses; want at most %d", n, c.most)
				}
				total += n
			}
			// Two shards: at least one INSERT per shard for each full
			// group.
			if total != len(rs) || len(rows) < len(rs)/c.most {
				t.Errorf("%d INSERTs wrote %d responses; want %d responses in at least %d", len(rows), total, len(rs), len(rs)/c.most)
			}
			sameAsMemory(t, s, d, rs, "after the import")
		})
	}
}
