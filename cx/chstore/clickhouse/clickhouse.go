// Package clickhouse opens a [chstore.Store] on a ClickHouse cluster with
// github.com/ClickHouse/clickhouse-go/v2, over ClickHouse's native
// protocol, and its catalog in SQLite (a file) or PostgreSQL.
//
// Run: go run ./examples/clickhouse -addrs HOST:PORT[,HOST:PORT] -cluster NAME
package clickhouse

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unsafe"

	"github.com/ClickHouse/ch-go/proto"
	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/ext"
	"github.com/ClickHouse/clickhouse-go/v2/lib/column"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/chstore"
	"github.com/cxculture/cxculture/cx/sqlstore"
	// The database/sql drivers of the catalog: "pgx" and "sqlite".
	_ "github.com/cxculture/cxculture/cx/sqlstore/postgres"
	"github.com/cxculture/cxculture/cx/sqlstore/sqlite"
)

// Options configure [Open].
type Options struct {
	// Cluster names the cluster of the servers' remote_servers
	// configuration whose shards the addresses are. Required.
	Cluster string
	// Database is the ClickHouse database of the store's tables:
	// "cxculture" when empty.
	Database string
	// Catalog is where the catalog (units, surveys, waves, initiatives,
	// and the store's log of batches) is kept: the path of a SQLite file,
	// created if missing, for a store used by one process at a time, or a
	// PostgreSQL URL (postgres://...) for a store shared by several
	// processes or machines. Required.
	Catalog string
	// Username and Password authenticate to every server; the empty
	// username is ClickHouse's "default" user.
	Username, Password string
	// Compress asks for LZ4 compression of the data sent to and from the
	// servers: worth it over a network, a cost on one machine.
	Compress bool
}

// Open connects to every shard of a ClickHouse cluster, one address
// (host:port of the native protocol) per shard in any order, opens the
// catalog, and returns a store over them, its tables created where
// missing. Close the store to close the connections and the catalog.
func Open(ctx context.Context, addrs []string, opts *Options) (*chstore.Store, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	var ps []cx.Problem
	if len(addrs) == 0 {
		ps = append(ps, cx.Problem{Field: "addrs", Message: "required: the host:port of the native protocol of every shard"})
	}
	for i, a := range addrs {
		if !strings.Contains(a, ":") {
			ps = append(ps, cx.Problem{Field: fmt.Sprintf("addrs[%d]", i), Message: fmt.Sprintf("%q is not host:port", a)})
		}
	}
	if o.Catalog == "" {
		ps = append(ps, cx.Problem{Field: "options.catalog", Message: "required: a SQLite file path or a postgres:// URL"})
	}
	if len(ps) > 0 {
		return nil, &cx.ValidationError{Problems: ps}
	}
	var conns []chstore.Conn
	closeAll := func() {
		for _, c := range conns {
			_ = c.Close()
		}
	}
	for _, a := range addrs {
		c, err := Dial(ctx, a, &o)
		if err != nil {
			closeAll()
			return nil, err
		}
		conns = append(conns, c)
	}
	db, dialect, err := openCatalog(ctx, o.Catalog)
	if err != nil {
		closeAll()
		return nil, err
	}
	s, err := chstore.New(ctx, conns, db, &chstore.Options{Cluster: o.Cluster, Database: o.Database, Dialect: dialect, Close: true})
	if err != nil {
		closeAll()
		return nil, errors.Join(err, db.Close())
	}
	return s, nil
}

// openCatalog opens the catalog database named by catalog.
func openCatalog(ctx context.Context, catalog string) (*sql.DB, sqlstore.Dialect, error) {
	driverName, dsn, dialect := "sqlite", "file:"+escape(catalog)+"?"+sqlite.Pragmas, sqlstore.SQLite
	if strings.HasPrefix(catalog, "postgres://") || strings.HasPrefix(catalog, "postgresql://") {
		driverName, dsn, dialect = "pgx", catalog, sqlstore.Postgres
	}
	db, err := sql.Open(driverName, dsn)
	if err != nil {
		return nil, 0, fmt.Errorf("clickhouse: opening the catalog: %w", err)
	}
	if err := db.PingContext(ctx); err != nil {
		return nil, 0, errors.Join(fmt.Errorf("clickhouse: opening the catalog: %w", err), db.Close())
	}
	return db, dialect, nil
}

// escape makes path safe inside a SQLite URI.
func escape(path string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
}

// Dial connects to one ClickHouse server (host:port of its native
// protocol) and returns it as a [chstore.Conn]; opts gives the user,
// password and compression (nil: the default user, no compression).
func Dial(ctx context.Context, addr string, opts *Options) (chstore.Conn, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	co := &ch.Options{
		Addr:         []string{addr},
		Auth:         ch.Auth{Username: o.Username, Password: o.Password},
		DialTimeout:  10 * time.Second,
		MaxOpenConns: 16,
		MaxIdleConns: 4,
	}
	if o.Compress {
		co.Compression = &ch.Compression{Method: ch.CompressionLZ4}
	}
	c, err := ch.Open(co)
	if err != nil {
		return nil, fmt.Errorf("clickhouse: connecting to %s: %w", addr, err)
	}
	if err := c.Ping(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("clickhouse: connecting to %s: %w", addr, err), c.Close())
	}
	return &conn{c: c, addr: addr}, nil
}

// conn is a chstore.Conn over a clickhouse-go connection pool.
type conn struct {
	c    driver.Conn
	addr string
}

func (c *conn) Exec(ctx context.Context, q string) error {
	if err := c.c.Exec(ctx, q); err != nil {
		return fmt.Errorf("clickhouse %s: %w", c.addr, err)
	}
	return nil
}

func (c *conn) Query(ctx context.Context, q string, external ...chstore.Table) (chstore.Rows, error) {
	if len(external) > 0 {
		var ts []*ext.Table
		for _, t := range external {
			et, err := ext.NewTable(t.Name)
			if err != nil {
				return nil, err
			}
			for _, col := range t.Columns {
				if err := et.Block().AddColumn(col.Name, column.Type(col.Type)); err != nil {
					return nil, fmt.Errorf("clickhouse: external table %s: %w", t.Name, err)
				}
			}
			for i, col := range t.Columns {
				if _, err := et.Block().Columns[i].Append(col.Data); err != nil {
					return nil, fmt.Errorf("clickhouse: external table %s, column %s: %w", t.Name, col.Name, err)
				}
			}
			ts = append(ts, et)
		}
		ctx = ch.Context(ctx, ch.WithExternalTable(ts...))
	}
	rows, err := c.c.Query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("clickhouse %s: %w", c.addr, err)
	}
	return rows, nil
}

func (c *conn) Insert(ctx context.Context, t chstore.Table) error {
	names := make([]string, len(t.Columns))
	for i, col := range t.Columns {
		names[i] = col.Name
	}
	b, err := c.c.PrepareBatch(ctx, "INSERT INTO "+t.Name+" ("+strings.Join(names, ", ")+")")
	if err != nil {
		return fmt.Errorf("clickhouse %s: %w", c.addr, err)
	}
	cols := b.Columns()
	for i, col := range t.Columns {
		var err error
		if r, n, ok := stream(col); ok && i < len(cols) {
			err = cols[i].Decode(proto.NewReader(r), n)
		} else if raw, n, ok := wire(col); ok && i < len(cols) {
			err = cols[i].Decode(proto.NewReader(bytes.NewReader(raw)), n)
		} else {
			err = b.Column(i).Append(col.Data)
		}
		if err != nil {
			_ = b.Abort()
			return fmt.Errorf("clickhouse %s: %s.%s: %w", c.addr, t.Name, col.Name, err)
		}
	}
	if err := b.Send(); err != nil {
		return fmt.Errorf("clickhouse %s: inserting into %s: %w", c.addr, t.Name, err)
	}
	return nil
}

func (c *conn) Close() error { return c.c.Close() }

// littleEndian is true on machines that keep integers with their lowest
// byte first, as the native protocol sends them.
var littleEndian = func() bool { x := uint16(1); return *(*byte)(unsafe.Pointer(&x)) == 1 }()

// stream returns a reader of the values of a column of integers, or of
// arrays of integers, as the native protocol sends them (see wire), and
// their number: on a little-endian machine it reads the bytes of the
// column's own slices, so that the batch's column (its Decode) copies
// them once, from the slices, without the copy of the whole column that
// wire makes first (for the arrays of answers, 12 bytes per answer, twice
// per response written). Only the offsets of an array column are made
// (8 bytes per row). ok is false for other columns, and on big-endian
// machines.
func stream(col chstore.Column) (r io.Reader, n int, ok bool) {
	if !littleEndian {
		return nil, 0, false
	}
	switch d := col.Data.(type) {
	case []int8:
		return &chunks{head: bytesOf(d)}, len(d), col.Type == "Int8"
	case []uint32:
		return &chunks{head: bytesOf(d)}, len(d), col.Type == "UInt32"
	case []int64:
		return &chunks{head: bytesOf(d)}, len(d), col.Type == "Int64"
	case []uint64:
		return &chunks{head: bytesOf(d)}, len(d), col.Type == "UInt64"
	case [][]uint32:
		if col.Type != "Array(UInt32)" {
			return nil, 0, false
		}
		return arrayChunks(d), len(d), true
	case [][]int64:
		if col.Type != "Array(Int64)" {
			return nil, 0, false
		}
		return arrayChunks(d), len(d), true
	}
	return nil, 0, false
}

// bytesOf returns the memory of s as bytes (on a little-endian machine,
// the values as the native protocol sends them).
func bytesOf[T int8 | uint32 | int64 | uint64](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(s[0])))
}

// arrayChunks returns the reader of an array column: the offsets, then
// the values of each row's array in turn.
func arrayChunks[T uint32 | int64](d [][]T) *chunks {
	offsets := make(proto.ColUInt64, 0, len(d))
	end := uint64(0)
	for _, a := range d {
		end += uint64(len(a))
		offsets = append(offsets, end)
	}
	var b proto.Buffer
	offsets.EncodeColumn(&b)
	c := &chunks{head: b.Buf}
	c.next = func() ([]byte, bool) {
		for len(d) > 0 {
			a := d[0]
			d = d[1:]
			if len(a) > 0 {
				return bytesOf(a), true
			}
		}
		return nil, false
	}
	return c
}

// chunks reads head, then each slice next returns until it returns false.
type chunks struct {
	head []byte
	next func() ([]byte, bool)
}

func (c *chunks) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(c.head) == 0 {
			if c.next == nil {
				break
			}
			var ok bool
			if c.head, ok = c.next(); !ok {
				c.next = nil
				break
			}
		}
		k := copy(p[n:], c.head)
		c.head = c.head[k:]
		n += k
	}
	if n == 0 && len(p) > 0 {
		return 0, io.EOF
	}
	return n, nil
}

// wire returns the values of a column as the native protocol sends them,
// and their number, so that the batch's column takes them in one pass (its
// Decode) instead of its Append, which adds them one at a time to slices
// that grow as they go, and appends arrays through reflection (about
// 0.5 us per array per row). Fixed-width integers are little-endian; an
// array column is the end offset of each row's array among all the rows'
// values (UInt64), then those values, laid out by ch-go's columns (the
// protocol library clickhouse-go is built on), which copy a slice of
// integers in one move on little-endian machines. ok is false for other
// columns (strings go through Append, which copies them once).
func wire(col chstore.Column) (raw []byte, n int, ok bool) {
	var b proto.Buffer
	switch d := col.Data.(type) {
	case []uint8:
		return d, len(d), col.Type == "UInt8"
	case []int8:
		if col.Type != "Int8" {
			return nil, 0, false
		}
		proto.ColInt8(d).EncodeColumn(&b)
	case []uint32:
		if col.Type != "UInt32" {
			return nil, 0, false
		}
		proto.ColUInt32(d).EncodeColumn(&b)
	case []int64:
		if col.Type != "Int64" {
			return nil, 0, false
		}
		proto.ColInt64(d).EncodeColumn(&b)
	case []uint64:
		if col.Type != "UInt64" {
			return nil, 0, false
		}
		proto.ColUInt64(d).EncodeColumn(&b)
	case [][]uint32:
		if col.Type != "Array(UInt32)" {
			return nil, 0, false
		}
		b.Buf = appendOffsets(d, 4)
		for _, a := range d {
			proto.ColUInt32(a).EncodeColumn(&b)
		}
	case [][]int64:
		if col.Type != "Array(Int64)" {
			return nil, 0, false
		}
		b.Buf = appendOffsets(d, 8)
		for _, a := range d {
			proto.ColInt64(a).EncodeColumn(&b)
		}
	case [][]string:
		if col.Type != "Array(String)" {
			return nil, 0, false
		}
		// A String is its length (unsigned LEB128), then its bytes.
		b.Buf = appendOffsets(d, 0)
		for _, a := range d {
			for _, v := range a {
				b.Buf = binary.AppendUvarint(b.Buf, uint64(len(v)))
				b.Buf = append(b.Buf, v...)
			}
		}
	default:
		return nil, 0, false
	}
	return b.Buf, chstore.Table{Columns: []chstore.Column{col}}.Len(), true
}

// appendOffsets returns the offsets of an array column (the end of each
// row's array among all the rows' values), with room after them for the
// values at size bytes each.
func appendOffsets[T any](d [][]T, size int) []byte {
	total := 0
	for _, a := range d {
		total += len(a)
	}
	offsets := make(proto.ColUInt64, 0, len(d))
	end := uint64(0)
	for _, a := range d {
		end += uint64(len(a))
		offsets = append(offsets, end)
	}
	b := proto.Buffer{Buf: make([]byte, 0, 8*len(d)+size*total)}
	offsets.EncodeColumn(&b)
	return b.Buf
}
