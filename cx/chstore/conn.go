package chstore

import "context"

// Conn is a connection (or a pool of them) to one ClickHouse server: one
// shard of the cluster. Package cx/chstore/clickhouse implements it with
// github.com/ClickHouse/clickhouse-go/v2 over ClickHouse's native
// protocol; this package imports no driver.
//
// Implementations must be safe for concurrent use.
type Conn interface {
	// Exec runs a statement that returns no rows (DDL, ALTER).
	Exec(ctx context.Context, query string) error
	// Query runs a SELECT and returns its rows. The external tables, if
	// any, are sent with the query, and the query may read them by name
	// (ClickHouse's external data for query processing).
	Query(ctx context.Context, query string, external ...Table) (Rows, error)
	// Insert writes the rows of t into the table named t.Name with one
	// INSERT INTO t.Name (columns...) statement, the column list written
	// out (Debian's 18.16 server refuses a batch insert without it).
	Insert(ctx context.Context, t Table) error
	// Close releases the connection.
	Close() error
}

// Rows are the result of [Conn.Query]. Scan takes pointers to Go values
// of the types that match the result's ClickHouse types: *uint8, *int8,
// *uint32, *int64, *uint64 for those integer types, *string for String
// and FixedString, *[]string, *[]uint32, *[]int64 and *[]uint64 for arrays
// of them.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close() error
}

// Table is a block of rows held by column: the rows to insert, or an
// external table sent with a query.
type Table struct {
	Name    string
	Columns []Column
}

// Column is one column of a [Table]. Data is a slice with one element
// per row, of the Go type that matches Type: []uint8, []int8, []uint32,
// []int64, []uint64, []string (String, FixedString), [][]string, [][]uint32 or
// [][]int64 (arrays).
type Column struct {
	Name string
	Type string
	Data any
}

// Len returns the number of rows of t.
func (t Table) Len() int {
	if len(t.Columns) == 0 {
		return 0
	}
	switch d := t.Columns[0].Data.(type) {
	case []uint8:
		return len(d)
	case []int8:
		return len(d)
	case []uint32:
		return len(d)
	case []int64:
		return len(d)
	case []uint64:
		return len(d)
	case []string:
		return len(d)
	case [][]string:
		return len(d)
	case [][]uint32:
		return len(d)
	case [][]int64:
		return len(d)
	}
	return 0
}
