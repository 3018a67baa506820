package clickhouse

import (
	"bytes"
	"io"
	"math/rand"
	"testing"
	"testing/iotest"

	"github.com/cxculture/cxculture/cx/chstore"
)

// TestStreamMatchesWire checks that the bytes a column's stream reads
// are those wire writes (the native protocol's encoding, made by ch-go's
// columns), and the same number of rows, for every column type stream
// takes: integers, and arrays of integers with empty arrays among them,
// whatever the size of the reads.
func TestStreamMatchesWire(t *testing.T) {
	if !littleEndian {
		t.Skip("stream reads the slices' memory on little-endian machines only")
	}
	r := rand.New(rand.NewSource(1))
	arrays := func(rows int) ([][]uint32, [][]int64) {
		u, v := make([][]uint32, rows), make([][]int64, rows)
		for i := range rows {
			for range r.Intn(4) * r.Intn(2) { // empty arrays half the time
				u[i] = append(u[i], r.Uint32())
				v[i] = append(v[i], int64(r.Uint64()))
			}
		}
		return u, v
	}
	for _, rows := range []int{0, 1, 2, 7, 1000} {
		i8, u32, i64, u64 := make([]int8, rows), make([]uint32, rows), make([]int64, rows), make([]uint64, rows)
		for i := range rows {
			i8[i], u32[i], i64[i], u64[i] = int8(r.Intn(256)-128), r.Uint32(), int64(r.Uint64()), r.Uint64()
		}
		au, ai := arrays(rows)
		for _, col := range []chstore.Column{
			{Name: "sign", Type: "Int8", Data: i8},
			{Name: "unit", Type: "UInt32", Data: u32},
			{Name: "n", Type: "Int64", Data: i64},
			{Name: "digest", Type: "UInt64", Data: u64},
			{Name: "items", Type: "Array(UInt32)", Data: au},
			{Name: "vals", Type: "Array(Int64)", Data: ai},
		} {
			want, wn, ok := wire(col)
			if !ok {
				t.Fatalf("%s, %d rows: wire does not take the column", col.Type, rows)
			}
			for _, read := range []func(io.Reader) io.Reader{
				func(r io.Reader) io.Reader { return r },
				iotest.OneByteReader,
				iotest.HalfReader,
			} {
				s, n, ok := stream(col)
				if !ok {
					t.Fatalf("%s, %d rows: stream does not take the column", col.Type, rows)
				}
				got, err := io.ReadAll(read(s))
				if err != nil {
					t.Fatal(err)
				}
				if n != wn || !bytes.Equal(got, want) {
					t.Errorf("%s, %d rows: stream reads %d rows, %d bytes; wire %d rows, %d bytes (equal: %v)",
						col.Type, rows, n, len(got), wn, len(want), bytes.Equal(got, want))
				}
			}
		}
	}
	// Columns whose type does not match their data are left to the
	// batch's Append, by both.
	if _, _, ok := stream(chstore.Column{Type: "UInt64", Data: []uint32{1}}); ok {
		t.Error("stream took a UInt64 column of uint32 values")
	}
}
