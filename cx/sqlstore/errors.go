package sqlstore

import (
	"database/sql"
	"errors"
	"strings"

	"github.com/cxculture/cxculture/cx"
)

// ErrSchemaNewer means the database was written by a newer version of this
// package: its schema version is beyond the migrations this version knows.
// Open it with the newer version.
var ErrSchemaNewer = errors.New("sqlstore: database schema is newer than this package")

// The drivers' errors are classified through the methods they expose,
// without importing them: jackc/pgx's *pgconn.PgError has SQLState() and
// modernc.org/sqlite's *sqlite.Error has Code().
type (
	sqlStater interface {
		error
		SQLState() string
	}
	coder interface {
		error
		Code() int
	}
)

// SQLite result codes (https://www.sqlite.org/rescode.html).
const (
	sqliteTooBig            = 18
	sqliteConstraint        = 19
	sqliteMismatch          = 20
	sqliteRange             = 25
	sqliteConstraintPK      = 1555
	sqliteConstraintUnique  = 2067
	sqliteConstraintRowID   = 2579
	sqliteConstraintNotNull = 1299
)

// category returns the cx error category of a driver error: ErrNotFound for
// sql.ErrNoRows, ErrAlreadyExists for a unique or primary-key violation,
// ErrInvalid for other constraint violations and for values the database
// refuses (too big, malformed text); nil for every other error.
func category(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return cx.ErrNotFound
	}
	if e, ok := errors.AsType[sqlStater](err); ok {
		state := e.SQLState()
		switch {
		case state == "23505": // unique_violation
			return cx.ErrAlreadyExists
		case strings.HasPrefix(state, "23"), // integrity constraint violation
			strings.HasPrefix(state, "22"): // data exception: bad encoding, NUL in text, out of range
			return cx.ErrInvalid
		}
		return nil
	}
	if e, ok := errors.AsType[coder](err); ok {
		code := e.Code()
		switch {
		case code == sqliteConstraintPK, code == sqliteConstraintUnique, code == sqliteConstraintRowID:
			return cx.ErrAlreadyExists
		case code&0xff == sqliteConstraint, code&0xff == sqliteTooBig, code&0xff == sqliteMismatch, code&0xff == sqliteRange:
			return cx.ErrInvalid
		}
	}
	return nil
}

// isConflict reports whether err is a unique or primary-key violation.
func isConflict(err error) bool { return category(err) == cx.ErrAlreadyExists }

// opError is an error of a store operation: what was done to what, the
// cx category it falls in (if any) and the driver's error (if any).
type opError struct {
	op   string // such as `create unit "north"`
	kind error  // cx.ErrNotFound, cx.ErrAlreadyExists, a *cx.ValidationError or nil
	err  error
}

func (e *opError) Error() string {
	var b strings.Builder
	b.WriteString("sqlstore: ")
	b.WriteString(e.op)
	if e.kind != nil {
		b.WriteString(": ")
		b.WriteString(e.kind.Error())
	}
	if e.err != nil && e.err != e.kind {
		b.WriteString(": ")
		b.WriteString(e.err.Error())
	}
	return b.String()
}

// Unwrap returns the category and the underlying error.
func (e *opError) Unwrap() []error {
	var out []error
	if e.kind != nil {
		out = append(out, e.kind)
	}
	if e.err != nil && e.err != e.kind {
		out = append(out, e.err)
	}
	return out
}

// wrap returns err as an *opError of op, classified; nil stays nil. An
// error that already comes from this package is returned as it is.
func wrap(err error, op, field string) error {
	if err == nil {
		return nil
	}
	if _, ok := errors.AsType[*opError](err); ok {
		return err
	}
	kind := category(err)
	if kind == cx.ErrInvalid {
		// ErrInvalid errors are *cx.ValidationError values.
		kind = &cx.ValidationError{Problems: []cx.Problem{{Field: field, Message: "refused by the database"}}}
	}
	return &opError{op: op, kind: kind, err: err}
}

// notFound returns the ErrNotFound error of op.
func notFound(op string) error { return &opError{op: op, kind: cx.ErrNotFound} }

// alreadyExists returns the ErrAlreadyExists error of op, saying why.
func alreadyExists(op, why string) error {
	return &opError{op: op, kind: cx.ErrAlreadyExists, err: errors.New(why)}
}

// invalid returns the *cx.ValidationError of one problem, for op.
func invalid(op, field, msg string) error {
	return &opError{op: op, kind: &cx.ValidationError{Problems: []cx.Problem{{Field: field, Message: msg}}}}
}
