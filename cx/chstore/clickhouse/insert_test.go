package clickhouse

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/cxculture/cxculture/cx/chstore"
)

// TestInsertInBlocks inserts a table of every column type the store
// writes, in blocks of a few rows (insertBlock lowered for the test), and
// reads it back: every row arrives once and whole, in one part of the
// table and one part of what a materialized view makes of it (the server
// gathers the blocks of an INSERT before writing them, as Insert's
// documentation relies on).
func TestInsertInBlocks(t *testing.T) {
	addrs := os.Getenv("CXCULTURE_CLICKHOUSE_ADDRS")
	if addrs == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CXCULTURE_CLICKHOUSE_ADDRS is not set in CI")
		}
		t.Skip("CXCULTURE_CLICKHOUSE_ADDRS is not set: no ClickHouse server to test against (.ci/clickhouse-cluster starts one)")
	}
	ctx := context.Background()
	c, err := Dial(ctx, strings.Split(addrs, ",")[0], nil)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	db := "cxtest_" + hex.EncodeToString(b)
	t.Cleanup(func() {
		if err := c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+db); err != nil {
			t.Errorf("dropping database %s: %v", db, err)
		}
		_ = c.Close()
	})
	for _, q := range []string{
		"CREATE DATABASE " + db,
		"CREATE TABLE " + db + ".t (k UInt32, a Int8, u UInt8, x Int64, y UInt64, s String, f FixedString(4), as Array(String), au Array(UInt32), ai Array(Int64)) ENGINE = MergeTree ORDER BY k",
		"CREATE TABLE " + db + ".v_t (n UInt64, x Int64) ENGINE = MergeTree ORDER BY n",
		"CREATE MATERIALIZED VIEW " + db + ".v TO " + db + ".v_t AS SELECT count() AS n, sum(x) AS x FROM " + db + ".t",
	} {
		if err := c.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	defer func(n int) { insertBlock = n }(insertBlock)
	insertBlock = 7
	const rows = 100 // 15 blocks, the last of 2 rows
	var (
		k, au []uint32
		a     []int8
		u     []uint8
		x     []int64
		y     []uint64
		s, f  []string
		as    [][]string
		aus   [][]uint32
		ais   [][]int64
		want  []string
		sumX  int64
	)
	for i := range rows {
		k, a, u = append(k, uint32(i)), append(a, int8(i%256-128)), append(u, uint8(i*7))
		x, y = append(x, int64(i)*1e12-7), append(y, uint64(i)<<40)
		s, f = append(s, strings.Repeat("s", i%5)), append(f, fmt.Sprintf("%04d", i))
		au = au[:0]
		var ai []int64
		var ss []string
		for j := range i % 4 {
			au, ai, ss = append(au, uint32(i+j)), append(ai, -int64(i*j)), append(ss, fmt.Sprint(i, j))
		}
		as, aus, ais = append(as, ss), append(aus, slices.Clone(au)), append(ais, ai)
		want = append(want, fmt.Sprint(k[i], a[i], u[i], x[i], y[i], s[i], f[i], ss, aus[i], ai))
		sumX += x[i]
	}
	err = c.Insert(ctx, chstore.Table{Name: db + ".t", Columns: []chstore.Column{
		{Name: "k", Type: "UInt32", Data: k}, {Name: "a", Type: "Int8", Data: a}, {Name: "u", Type: "UInt8", Data: u},
		{Name: "x", Type: "Int64", Data: x}, {Name: "y", Type: "UInt64", Data: y}, {Name: "s", Type: "String", Data: s},
		{Name: "f", Type: "FixedString(4)", Data: f}, {Name: "as", Type: "Array(String)", Data: as},
		{Name: "au", Type: "Array(UInt32)", Data: aus}, {Name: "ai", Type: "Array(Int64)", Data: ais},
	}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.Query(ctx, "SELECT k, a, u, x, y, s, f, as, au, ai FROM "+db+".t ORDER BY k")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for r.Next() {
		var (
			k   uint32
			a   int8
			u   uint8
			x   int64
			y   uint64
			s   string
			f   string
			as  []string
			au  []uint32
			ai  []int64
			err = error(nil)
		)
		if err = r.Scan(&k, &a, &u, &x, &y, &s, &f, &as, &au, &ai); err != nil {
			t.Fatal(err)
		}
		if len(as) == 0 {
			as = nil
		}
		if len(ai) == 0 {
			ai = nil
		}
		got = append(got, fmt.Sprint(k, a, u, x, y, s, f, as, au, ai))
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	_ = r.Close()
	if len(got) != len(want) {
		t.Fatalf("read %d rows back, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("row %d reads %q, want %q", i, got[i], want[i])
		}
	}
	// One part in the table and one row (one block) from the view: the
	// blocks were gathered into one before the table and the view.
	var parts, viewRows uint64
	var viewX int64
	r, err = c.Query(ctx, "SELECT count() FROM system.parts WHERE database = '"+db+"' AND table = 't' AND active")
	if err != nil {
		t.Fatal(err)
	}
	for r.Next() {
		if err := r.Scan(&parts); err != nil {
			t.Fatal(err)
		}
	}
	_ = r.Close()
	r, err = c.Query(ctx, "SELECT count(), sum(x) FROM "+db+".v_t WHERE n > 0")
	if err != nil {
		t.Fatal(err)
	}
	for r.Next() {
		if err := r.Scan(&viewRows, &viewX); err != nil {
			t.Fatal(err)
		}
	}
	_ = r.Close()
	if parts != 1 || viewRows != 1 || viewX != sumX {
		t.Fatalf("the insert made %d parts and the view %d rows summing %d; want 1 part, 1 row summing %d", parts, viewRows, viewX, sumX)
	}
}
