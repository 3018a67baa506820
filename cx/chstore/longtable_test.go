package chstore_test

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/chstore"
	"github.com/cxculture/cxculture/cx/chstore/clickhouse"
)

// TestLongTableMatchesSumsAndResponses checks the long table `answers`
// (one row per answer) after a write, a failed import, the import run
// again, deletions and a replacing import that changes answers: its
// sum(sign) per unit, wave, item and value over the committed batches
// equals answer_sums and the answers of the live responses, and once the
// cluster has carried out the purge of the failed batch, the long table
// holds no row of a batch that is not committed.
func TestLongTableMatchesSumsAndResponses(t *testing.T) {
	addrs, _ := cluster(t)
	db := database(t, addrs)
	var armed atomic.Int64
	armed.Store(-1)
	s := openWith(t, db, filepath.Join(t.TempDir(), "catalog.db"), func(c chstore.Conn) chstore.Conn { return flaky{c, &armed} })
	d := simulated(t)
	define(t, s, d)
	rs := d.Responses
	if _, err := s.CreateResponses(t.Context(), rs[:len(rs)/3]); err != nil {
		t.Fatal(err)
	}
	imp := func(o cx.ImportOptions) error {
		im, err := s.BeginImport(t.Context(), d.Survey.ID, o)
		if err != nil {
			return err
		}
		defer func() { _ = im.Rollback() }()
		if err := im.Add(t.Context(), rs); err != nil {
			return err
		}
		_, err = im.Commit(t.Context())
		return err
	}
	// The first shard's responses and answers are written, its patterns
	// are not: the failed batch left rows in the long table to purge.
	armed.Store(2)
	if err := imp(cx.ImportOptions{}); err == nil {
		t.Fatal("an import whose third insert failed succeeded")
	}
	armed.Store(-1)
	if err := imp(cx.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if err := s.DeleteResponse(t.Context(), rs[i].ID); err != nil {
			t.Fatal(err)
		}
	}
	changed := 0
	for i := 10; i < 20; i++ {
		if len(rs[i].Answers) == 0 {
			continue
		}
		k := slices.Min(slices.Collect(maps.Keys(rs[i].Answers)))
		if v := rs[i].Answers[k]; v > 1 {
			rs[i].Answers[k] = v - 1
		} else {
			delete(rs[i].Answers, k)
		}
		changed++
	}
	if changed == 0 {
		t.Fatal("no response to change")
	}
	if err := imp(cx.ImportOptions{Replace: true}); err != nil {
		t.Fatal(err)
	}
	bs, err := s.Batches(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var committed []string
	failed := 0
	for _, b := range bs {
		switch b.State {
		case "committed":
			committed = append(committed, fmt.Sprint(b.ID))
		case "failed":
			failed++
		}
	}
	if failed != 1 {
		t.Fatalf("%d failed batches, want 1: %+v", failed, bs)
	}
	c, err := clickhouse.Dial(context.Background(), addrs[0], nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	read := func(q string) []string {
		t.Helper()
		rows, err := c.Query(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		slices.Sort(out)
		return out
	}
	where := "batch IN (" + strings.Join(committed, ",") + ")"
	cell := "concat(toString(unit), '/', toString(wave), '/', toString(item), '/', toString(value), '=', toString(%s))"
	long := read(fmt.Sprintf("SELECT "+cell+" FROM %s.answers WHERE %s GROUP BY unit, wave, item, value HAVING sum(sign) != 0",
		"sum(sign)", db, where))
	// answer_sums counts the common values in a column each, the others
	// in otherMap: both unfolded into a row per value.
	counts := chstore.CountColumns()
	sums := read(fmt.Sprintf("SELECT "+cell+" FROM (SELECT unit, wave, item, value, n FROM %s.answer_sums "+
		"ARRAY JOIN arrayConcat(arrayMap(x -> toInt64(x), range(%d)), otherMap.value) AS value, arrayConcat([%s], otherMap.n) AS n WHERE %s) "+
		"GROUP BY unit, wave, item, value HAVING sum(n) != 0",
		"sum(n)", db, len(counts), strings.Join(counts, ", "), where))
	live := read(fmt.Sprintf("SELECT concat(toString(u), '/', toString(w), '/', toString(item), '/', toString(value), '=', toString(count())) FROM ("+
		"SELECT argMax(unit, (batch, sign)) AS u, argMax(wave, (batch, sign)) AS w, argMax(items, (batch, sign)) AS its, argMax(vals, (batch, sign)) AS vs "+
		"FROM %s.responses WHERE %s GROUP BY id HAVING argMax(sign, (batch, sign)) = 1) ARRAY JOIN its AS item, vs AS value GROUP BY u, w, item, value", db, where))
	if len(sums) < 100 {
		t.Fatalf("answer_sums holds %d cells", len(sums))
	}
	if !slices.Equal(long, sums) {
		t.Errorf("the long table's %d cells differ from answer_sums' %d", len(long), len(sums))
	}
	if !slices.Equal(live, sums) {
		t.Errorf("the live responses' %d cells differ from answer_sums' %d", len(live), len(sums))
	}
	// The purge is a mutation the cluster carries out in the background:
	// wait for every shard's to end, then no row of the failed batch is
	// left in the long table.
	for _, a := range addrs {
		sc, err := clickhouse.Dial(context.Background(), a, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = sc.Close() }()
		q := fmt.Sprintf("SELECT toString(count()) FROM system.mutations WHERE database = '%s' AND is_done = 0", db)
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
			rows, err := sc.Query(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			var n string
			for rows.Next() {
				if err := rows.Scan(&n); err != nil {
					t.Fatal(err)
				}
			}
			rows.Close()
			if n == "0" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("shard %s: %s mutations still running after a minute", a, n)
			}
		}
	}
	if left := read(fmt.Sprintf("SELECT toString(count()) FROM %s.answers WHERE NOT (%s)", db, where)); !slices.Equal(left, []string{"0"}) {
		t.Errorf("the long table holds %v rows of batches not committed", left)
	}
}
