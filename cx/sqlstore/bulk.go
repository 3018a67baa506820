package sqlstore

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
)

// Statements are written once, with $N placeholders, for both dialects.
// Statements with many parameters (multi-row INSERTs, IN lists) are built
// by a builder that numbers $N on PostgreSQL and writes SQLite's anonymous
// ? instead: SQLite looks $N names up in a list, which makes binding
// hundreds of them quadratic.

// builder writes one statement and collects its arguments.
type builder struct {
	d    Dialect
	sb   strings.Builder
	args []any
}

// arg appends v to the arguments and returns its placeholder.
func (b *builder) arg(v any) string {
	b.args = append(b.args, v)
	return placeholder(b.d, len(b.args))
}

// placeholder returns the placeholder of the i-th argument (from 1).
func placeholder(d Dialect, i int) string {
	if d == SQLite {
		return "?"
	}
	return "$" + strconv.Itoa(i)
}

// in writes "col IN (p1, p2, ...)" for vs.
func in[T any](b *builder, col string, vs []T) {
	b.sb.WriteString(col)
	b.sb.WriteString(" IN (")
	for i, v := range vs {
		if i > 0 {
			b.sb.WriteString(", ")
		}
		b.sb.WriteString(b.arg(v))
	}
	b.sb.WriteString(")")
}

func (b *builder) String() string { return b.sb.String() }

// Limits of a multi-row INSERT: rows per statement, and parameters per
// statement (SQLite allows 32,766, PostgreSQL 65,535).
const (
	maxRowsPerInsert   = 500
	maxParamsPerInsert = 30000
)

// inserter writes rows with multi-row INSERT statements: "verb INTO
// table (cols) VALUES (...), ... suffix", as many rows per statement as
// the limits allow; the statement of a full set of rows is prepared once.
type inserter struct {
	s       *Store
	tx      *sql.Tx
	verb    string
	table   string
	cols    []string
	suffix  string
	per     int
	full    *sql.Stmt
	pending []any
}

func (s *Store) newInserter(tx *sql.Tx, verb, table string, cols []string, suffix string) *inserter {
	per := min(maxRowsPerInsert, maxParamsPerInsert/len(cols))
	return &inserter{s: s, tx: tx, verb: verb, table: table, cols: cols, suffix: suffix, per: per,
		pending: make([]any, 0, per*len(cols))}
}

func (in *inserter) text(n int) string {
	var sb strings.Builder
	sb.WriteString(in.verb)
	sb.WriteString(" INTO ")
	sb.WriteString(in.table)
	sb.WriteString(" (")
	sb.WriteString(strings.Join(in.cols, ", "))
	sb.WriteString(") VALUES ")
	k := 0
	for r := range n {
		if r > 0 {
			sb.WriteString(", ")
		}
		sb.WriteByte('(')
		for c := range in.cols {
			if c > 0 {
				sb.WriteString(", ")
			}
			k++
			sb.WriteString(placeholder(in.s.dialect, k))
		}
		sb.WriteByte(')')
	}
	sb.WriteString(in.suffix)
	return sb.String()
}

// add queues rows (len(cols) values each) and writes every full set.
func (in *inserter) add(ctx context.Context, args ...any) error {
	width := in.per * len(in.cols)
	for len(args) > 0 {
		k := min(len(args), width-len(in.pending))
		in.pending = append(in.pending, args[:k]...)
		args = args[k:]
		if len(in.pending) < width {
			break
		}
		if in.full == nil {
			stmt, err := in.tx.PrepareContext(ctx, in.text(in.per))
			if err != nil {
				return wrap(err, "insert into "+in.table, "")
			}
			in.full = stmt
		}
		if _, err := in.full.ExecContext(ctx, in.pending...); err != nil {
			return wrap(err, "insert into "+in.table, "")
		}
		in.pending = in.pending[:0]
	}
	return nil
}

// flush writes the queued rows and releases the prepared statement.
func (in *inserter) flush(ctx context.Context) error {
	if in.full != nil {
		defer in.full.Close()
		in.full = nil
	}
	if len(in.pending) == 0 {
		return nil
	}
	_, err := in.tx.ExecContext(ctx, in.text(len(in.pending)/len(in.cols)), in.pending...)
	in.pending = in.pending[:0]
	return wrap(err, "insert into "+in.table, "")
}

// insertRows inserts rows (len(cols) values each, flattened in args).
func (s *Store) insertRows(ctx context.Context, tx *sql.Tx, verb, table string, cols []string, suffix string, args []any) error {
	in := s.newInserter(tx, verb, table, cols, suffix)
	if err := in.add(ctx, args...); err != nil {
		_ = in.flush(ctx)
		return err
	}
	return in.flush(ctx)
}

// chunks calls fn on successive parts of vs of at most n elements.
func chunks[T any](vs []T, n int, fn func([]T) error) error {
	for len(vs) > 0 {
		k := min(n, len(vs))
		if err := fn(vs[:k]); err != nil {
			return err
		}
		vs = vs[k:]
	}
	return nil
}

// exec writes n rows (n at most per; their values flattened in args) with
// one statement, and returns the number of rows the statement wrote. The
// statement of a full set of rows is prepared once.
func (in *inserter) exec(ctx context.Context, n int, args []any) (int64, error) {
	var res sql.Result
	var err error
	if n == in.per {
		if in.full == nil {
			if in.full, err = in.tx.PrepareContext(ctx, in.text(in.per)); err != nil {
				return 0, wrap(err, "insert into "+in.table, "")
			}
		}
		res, err = in.full.ExecContext(ctx, args...)
	} else {
		res, err = in.tx.ExecContext(ctx, in.text(n), args...)
	}
	if err != nil {
		return 0, wrap(err, "insert into "+in.table, "")
	}
	written, err := res.RowsAffected()
	return written, wrap(err, "insert into "+in.table, "")
}

// close releases the prepared statement.
func (in *inserter) close() {
	if in.full != nil {
		in.full.Close()
		in.full = nil
	}
}
