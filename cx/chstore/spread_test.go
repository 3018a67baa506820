package chstore_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/chstore"
	"github.com/cxculture/cxculture/cx/memstore"
)

// TestTallyAddsUpUnitsOnTwoShards checks that the tallies add up the sums
// of a unit, wave and item that two shards hold (a unit whose rows an
// earlier count of shards spread): after the responses are stored, half
// of the sums of answers, respondents and comments of every other unit
// (rounded down, so both shards hold a part of every count of two or
// more) are moved from the unit's shard to the other one, and the tallies
// of the cluster still equal memory's.
func TestTallyAddsUpUnitsOnTwoShards(t *testing.T) {
	addrs, _ := cluster(t)
	if len(addrs) < 2 {
		t.Skip("one shard: nothing to spread")
	}
	db := database(t, addrs)
	var conns []chstore.Conn
	s := openWith(t, db, filepath.Join(t.TempDir(), "catalog.db"), func(c chstore.Conn) chstore.Conn {
		conns = append(conns, c)
		return c
	})
	d := simulated(t)
	mem := memstore.New()
	load(t, mem, d)
	load(t, s, d)
	want, err := cx.TallyResponses(t.Context(), mem, cx.TallyFilter{Survey: d.Survey.ID})
	if err != nil {
		t.Fatal(err)
	}
	type table struct {
		name string
		cols []string // the key columns (UInt32), then the sums (Int64)
		sums int
	}
	moved := 0
	for _, tb := range []table{
		{"answer_sums", append([]string{"survey", "wave", "unit", "item", "batch"}, chstore.CountColumns()...), len(chstore.CountColumns())},
		{"group_sums", []string{"survey", "wave", "unit", "batch", "respondents", "comments"}, 2},
	} {
		keys := len(tb.cols) - tb.sums
		for i, c := range conns {
			// The rows of every other unit, read before any is written.
			var rows [][]int64
			q := "SELECT "
			for j, col := range tb.cols {
				if j > 0 {
					q += ", "
				}
				q += "toInt64(" + col + ")"
			}
			q += fmt.Sprintf(" FROM %s.%s_local WHERE unit %% 2 = 0", db, tb.name)
			r, err := c.Query(t.Context(), q)
			if err != nil {
				t.Fatal(err)
			}
			for r.Next() {
				row := make([]int64, len(tb.cols))
				dst := make([]any, len(row))
				for j := range row {
					dst[j] = &row[j]
				}
				if err := r.Scan(dst...); err != nil {
					t.Fatal(err)
				}
				rows = append(rows, row)
			}
			if err := r.Close(); err != nil {
				t.Fatal(err)
			}
			// Half of each sum taken away here, added on the other shard.
			for sign, to := range map[int64]chstore.Conn{-1: c, 1: conns[(i+1)%len(conns)]} {
				ins := chstore.Table{Name: db + "." + tb.name + "_local"}
				for j, col := range tb.cols {
					var data any
					switch {
					case j < keys:
						v := make([]uint32, len(rows))
						for k, row := range rows {
							v[k] = uint32(row[j])
						}
						data = v
					default:
						v := make([]int64, len(rows))
						for k, row := range rows {
							if v[k] = row[j]; j >= keys {
								v[k] = sign * (row[j] / 2)
							}
						}
						data = v
					}
					typ := "UInt32"
					if _, ok := data.([]int64); ok {
						typ = "Int64"
					}
					ins.Columns = append(ins.Columns, chstore.Column{Name: col, Type: typ, Data: data})
				}
				if err := to.Insert(t.Context(), ins); err != nil {
					t.Fatal(err)
				}
			}
			for _, row := range rows {
				for _, n := range row[keys:] {
					if tb.name == "answer_sums" && n >= 2 {
						moved++
					}
				}
			}
		}
	}
	if moved == 0 {
		t.Fatal("no sum of answers was split between the shards")
	}
	// Every shard's cells put into the tallies at once, and 5 at a time.
	for _, chunk := range []int32{1 << 20, 5} {
		prev := chstore.AnswerChunks(chunk)
		got, err := s.TallyResponses(t.Context(), cx.TallyFilter{Survey: d.Survey.ID})
		chstore.AnswerChunks(prev)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Equal(want) {
			t.Errorf("with %d sums of answers split between the shards, cells put %d at a time, the tallies of the cluster differ from those in memory:\n%s", moved, chunk, tallyDiff(want, got))
		}
	}
}

// shardFault makes the reads of one shard's table fail once armed: the
// query itself (fail), or its rows after the first (a failing stream:
// Err), or the tally's context cancelled after the first row (cancel).
type shardFault struct {
	chstore.Conn
	mode   *atomic.Value // "", "fail", "stream" or "cancel"
	table  *atomic.Value // the local table whose reads fail
	cancel *atomic.Value // func()
}

type faultRows struct {
	chstore.Rows
	n     int
	after func() error
}

func (r *faultRows) Next() bool {
	if r.n++; r.n > 1 && r.after != nil {
		if err := r.after(); err != nil {
			return false
		}
	}
	return r.Rows.Next()
}

func (r *faultRows) Err() error {
	if r.n > 1 && r.after != nil {
		if err := r.after(); err != nil {
			return err
		}
	}
	return r.Rows.Err()
}

func (c shardFault) Query(ctx context.Context, q string, ext ...chstore.Table) (chstore.Rows, error) {
	mode, _ := c.mode.Load().(string)
	if mode == "" || !strings.Contains(q, c.table.Load().(string)) {
		return c.Conn.Query(ctx, q, ext...)
	}
	if mode == "fail" {
		return nil, errInjected
	}
	rows, err := c.Conn.Query(ctx, q, ext...)
	if err != nil {
		return nil, err
	}
	if mode == "stream" {
		return &faultRows{Rows: rows, after: func() error { return errInjected }}, nil
	}
	return &faultRows{Rows: rows, after: func() error {
		c.cancel.Load().(func())()
		return nil
	}}, nil
}

// TestTallyFailsWhenAShardFails checks that a tally fails, naming the
// shard, when the read of one shard's sums of answers, patterns or
// respondents fails or its rows stop with an error, and fails when its
// context ends while a shard's rows arrive: it never returns the tallies
// without that shard's part.
func TestTallyFailsWhenAShardFails(t *testing.T) {
	addrs, _ := cluster(t)
	db := database(t, addrs)
	var mode, table, cancel atomic.Value
	mode.Store("")
	cancel.Store(func() {})
	first := true
	s := openWith(t, db, filepath.Join(t.TempDir(), "catalog.db"), func(c chstore.Conn) chstore.Conn {
		if !first || len(addrs) < 2 {
			return shardFault{c, &mode, &table, &cancel}
		}
		first = false
		return c
	})
	d := simulated(t)
	load(t, s, d)
	if _, err := s.TallyResponses(t.Context(), cx.TallyFilter{Survey: d.Survey.ID}); err != nil {
		t.Fatal(err)
	}
	f := cx.TallyFilter{Survey: d.Survey.ID, PatternWaves: []string{d.Waves[len(d.Waves)-1].ID}}
	for _, tb := range []string{"answer_sums_local", "pattern_sums_local", "group_sums_local"} {
		table.Store(tb)
		for _, m := range []string{"fail", "stream"} {
			mode.Store(m)
			_, err := s.TallyResponses(t.Context(), f)
			if !errors.Is(err, errInjected) || !strings.Contains(err.Error(), "shard") {
				t.Errorf("%s, %s: a tally whose read of a shard's sums failed returned %v; want the injected error, naming the shard", tb, m, err)
			}
		}
		mode.Store("cancel")
		ctx, stop := context.WithCancel(t.Context())
		cancel.Store(func() { stop() })
		if _, err := s.TallyResponses(ctx, f); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: a tally whose context ended while a shard's rows arrived returned %v; want context.Canceled", tb, err)
		}
		stop()
		mode.Store("")
	}
}

// swapped reports its shard number as (n mod 2)+1, as if the cluster's
// two shards had been numbered the other way when the rows were written.
type swapped struct{ chstore.Conn }

type swappedRows struct{ chstore.Rows }

func (r swappedRows) Scan(dst ...any) error {
	if err := r.Rows.Scan(dst...); err != nil {
		return err
	}
	p := dst[0].(*uint32)
	*p = *p%2 + 1
	return nil
}

func (c swapped) Query(ctx context.Context, q string, ext ...chstore.Table) (chstore.Rows, error) {
	r, err := c.Conn.Query(ctx, q, ext...)
	if err == nil && strings.Contains(q, "system.clusters") {
		return swappedRows{r}, nil
	}
	return r, err
}

// TestTallyAddsUpUnitsAllAway checks the tallies when every unit's rows
// are on the other shard than the one the store routes it to (written
// through a store that saw the shards numbered the other way): the cells
// held only away from their unit's shard, and, after every third of the
// first 60 responses is deleted through a store that sends the -1 rows to
// the unit's own shard, cells whose +1 rows are away and -1 rows at home. The
// tallies equal memory's, every shard's cells put in at once and 3 at a
// time, of every wave and of two named waves.
func TestTallyAddsUpUnitsAllAway(t *testing.T) {
	addrs, _ := cluster(t)
	if len(addrs) != 2 {
		t.Skip("needs two shards")
	}
	db := database(t, addrs)
	cat := filepath.Join(t.TempDir(), "catalog.db")
	w := openWith(t, db, cat, func(c chstore.Conn) chstore.Conn { return swapped{c} })
	d := simulated(t)
	mem := memstore.New()
	load(t, mem, d)
	load(t, w, d)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	s := openWith(t, db, cat, func(c chstore.Conn) chstore.Conn { return c })
	check := func(when string) {
		for _, chunk := range []int32{1 << 20, 3} {
			prev := chstore.AnswerChunks(chunk)
			for _, f := range []cx.TallyFilter{{Survey: d.Survey.ID}, {Survey: d.Survey.ID, Waves: []string{d.Waves[1].ID, d.Waves[3].ID}}} {
				want, err := cx.TallyResponses(t.Context(), mem, f)
				if err != nil {
					t.Fatal(err)
				}
				got, err := s.TallyResponses(t.Context(), f)
				if err != nil {
					t.Fatalf("%s: %v", when, err)
				}
				if len(want.Answers) == 0 || !got.Equal(want) {
					t.Errorf("%s, cells put %d at a time, waves %v: %s", when, chunk, f.Waves, tallyDiff(want, got))
				}
			}
			chstore.AnswerChunks(prev)
		}
	}
	check("every unit away")
	for i, r := range d.Responses[:min(len(d.Responses), 60)] {
		if i%3 == 0 {
			if err := s.DeleteResponse(t.Context(), r.ID); err != nil {
				t.Fatal(err)
			}
			if err := mem.DeleteResponse(t.Context(), r.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	check("every unit away, 20 responses deleted")
}
