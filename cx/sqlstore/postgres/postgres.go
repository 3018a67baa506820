// Package postgres opens a [sqlstore.Store] in a PostgreSQL database, with
// the database/sql driver of github.com/jackc/pgx/v5.
//
// The store's tables go in the schema first on the connection's
// search_path (public by default); give each store its own schema by
// adding search_path to the DSN, such as
// "postgres://user@host/db?search_path=cx".
//
// Run: CXCULTURE_POSTGRES_DSN=postgres://... go run ./examples/postgres
package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/sqlstore"
)

// Open connects to the PostgreSQL database named by dsn (a URL,
// postgres://user:password@host:port/db?options, or key=value pairs) and
// returns a store over it, its schema created or upgraded. Close the store
// to close the connections.
func Open(ctx context.Context, dsn string) (*sqlstore.Store, error) {
	if dsn == "" {
		return nil, &cx.ValidationError{Problems: []cx.Problem{{Field: "dsn", Message: "required: a PostgreSQL connection string such as postgres://user@localhost:5432/db"}}}
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: opening the database: %w", err)
	}
	if err := db.PingContext(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("postgres: connecting: %w", err), db.Close())
	}
	s, err := sqlstore.New(ctx, db, Options())
	if err != nil {
		return nil, errors.Join(fmt.Errorf("postgres: opening the store: %w", err), db.Close())
	}
	return s, nil
}

// Options returns the options [Open] gives [sqlstore.New]: the PostgreSQL
// dialect, closing the *sql.DB on Close, and batches of responses written
// with COPY. Use them to open a store over a *sql.DB of the "pgx" driver
// configured otherwise.
func Options() *sqlstore.Options {
	return &sqlstore.Options{Dialect: sqlstore.Postgres, CloseDB: true, Copy: Copy}
}

// Copy is a [sqlstore.CopyFunc]: COPY FROM STDIN through pgx, on a
// connection of the "pgx" database/sql driver.
func Copy(ctx context.Context, conn any, table string, cols []string, next func() ([]any, error)) error {
	c, ok := conn.(*stdlib.Conn)
	if !ok {
		return fmt.Errorf("postgres: COPY needs a connection of the pgx driver, got %T", conn)
	}
	_, err := c.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromFunc(next))
	return err
}
