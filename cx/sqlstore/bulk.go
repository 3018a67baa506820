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

// insertRows inserts rows (len(cols) values each, flattened in args) with
// multi-row INSERT statements: "verb INTO table (cols) VALUES (...), ...
// suffix". Full statements are prepared once and reused.
func (s *Store) insertRows(ctx context.Context, tx *sql.Tx, verb, table string, cols []string, suffix string, args []any) error {
	ncols := len(cols)
	nrows := len(args) / ncols
	per := min(maxRowsPerInsert, maxParamsPerInsert/ncols)
	text := func(n int) string {
		var sb strings.Builder
		sb.WriteString(verb)
		sb.WriteString(" INTO ")
		sb.WriteString(table)
		sb.WriteString(" (")
		sb.WriteString(strings.Join(cols, ", "))
		sb.WriteString(") VALUES ")
		k := 0
		for r := range n {
			if r > 0 {
				sb.WriteString(", ")
			}
			sb.WriteByte('(')
			for c := range ncols {
				if c > 0 {
					sb.WriteString(", ")
				}
				k++
				sb.WriteString(placeholder(s.dialect, k))
			}
			sb.WriteByte(')')
		}
		sb.WriteString(suffix)
		return sb.String()
	}
	opName := "insert into " + table
	full := nrows / per
	if full > 1 {
		stmt, err := tx.PrepareContext(ctx, text(per))
		if err != nil {
			return wrap(err, opName, "")
		}
		defer stmt.Close()
		for i := range full {
			if _, err := stmt.ExecContext(ctx, args[i*per*ncols:(i+1)*per*ncols]...); err != nil {
				return wrap(err, opName, "")
			}
		}
		args = args[full*per*ncols:]
	}
	for len(args) > 0 {
		n := min(per, len(args)/ncols)
		if _, err := tx.ExecContext(ctx, text(n), args[:n*ncols]...); err != nil {
			return wrap(err, opName, "")
		}
		args = args[n*ncols:]
	}
	return nil
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
