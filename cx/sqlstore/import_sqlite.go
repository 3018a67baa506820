package sqlstore

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cxculture/cxculture/survey"
)

// The INSERTs of a SQLite import write the values that every row of a
// statement shares (the import's survey, an empty comment, no segments,
// answers kept as a code of the import's encoding, no free-text answers:
// the common response) as literals of the statement rather than as bound
// parameters: binding a value costs the driver a conversion and, for
// text, a copy into memory of its own, for each of them. A statement's
// shape says which values are literals; the statements of full sets of
// rows are prepared once per shape.
const (
	shapeSurvey     = 1 << iota // survey: the import's
	shapeNoComment              // comment: ''
	shapeNoSegments             // segments: NULL
	shapeEncoded                // enc: the import's encoding; answers: NULL
	shapeNoTexts                // texts: NULL
)

// importRowsPerInsert is the number of rows of an import's INSERT: the
// importer's batches of 1,024 responses are two statements (6,144
// parameters at most, within SQLite's 32,766).
const importRowsPerInsert = 512

// shapedInserter writes the rows of a SQLite import.
type shapedInserter struct {
	tx       *sql.Tx
	surveyID string
	// survey is the SQL literal of surveyID; "" when it cannot be one.
	survey string
	enc    int64 // the import's encoding; rawEncoding without one
	full   map[int]*sql.Stmt
}

func newShapedInserter(tx *sql.Tx, surveyID string, l *layout) *shapedInserter {
	in := &shapedInserter{tx: tx, surveyID: surveyID, enc: rawEncoding, full: map[int]*sql.Stmt{}}
	if utf8.ValidString(surveyID) && !strings.ContainsRune(surveyID, 0) {
		in.survey = "'" + strings.ReplaceAll(surveyID, "'", "''") + "'"
	}
	if l != nil {
		in.enc = l.id
	}
	return in
}

// shape returns the shape of a statement writing rows.
func (in *shapedInserter) shape(rows []responseRow) int {
	sh := shapeSurvey | shapeNoComment | shapeNoSegments | shapeEncoded | shapeNoTexts
	if in.survey == "" {
		sh &^= shapeSurvey
	}
	if in.enc == rawEncoding {
		sh &^= shapeEncoded
	}
	for i := range rows {
		r := &rows[i]
		if r.survey != in.surveyID {
			sh &^= shapeSurvey
		}
		if r.comment != "" {
			sh &^= shapeNoComment
		}
		if r.segments.Valid {
			sh &^= shapeNoSegments
		}
		if r.enc != in.enc || r.answers.Valid {
			sh &^= shapeEncoded
		}
		if r.texts.Valid {
			sh &^= shapeNoTexts
		}
	}
	return sh
}

// appendShaped appends the values of r that a statement of shape sh binds,
// in the order of responseColList.
func appendShaped(args []any, r *responseRow, sh int) []any {
	args = append(args, r.id)
	if sh&shapeSurvey == 0 {
		args = append(args, r.survey)
	}
	args = append(args, r.wave, r.unit, respondentValue(SQLite, r.respondent), r.submitted)
	if sh&shapeNoComment == 0 {
		args = append(args, r.comment)
	}
	if sh&shapeNoSegments == 0 {
		args = append(args, nullable(r.segments))
	}
	if sh&shapeEncoded == 0 {
		args = append(args, r.enc)
	}
	args = append(args, nullable(r.code))
	if sh&shapeEncoded == 0 {
		args = append(args, nullable(r.answers))
	}
	if sh&shapeNoTexts == 0 {
		args = append(args, nullable(r.texts))
	}
	return args
}

// text returns the statement writing n rows of shape sh. OR ROLLBACK: a
// statement that fails on another constraint ends the transaction at
// once (the import then fails), so SQLite keeps no statement journal,
// which makes the INSERTs much faster; a stored ID is left out by the
// upsert clause.
func (in *shapedInserter) text(n, sh int) string {
	var b strings.Builder
	b.WriteString("INSERT OR ROLLBACK INTO cx_responses (" + responseCols + ") VALUES ")
	lit := func(bit int, v string) string {
		if sh&bit != 0 {
			return v
		}
		return "?"
	}
	row := "(?, " + lit(shapeSurvey, in.survey) + ", ?, ?, ?, ?, " + lit(shapeNoComment, "''") + ", " + lit(shapeNoSegments, "NULL") + ", " +
		lit(shapeEncoded, strconv.FormatInt(in.enc, 10)) + ", ?, " + lit(shapeEncoded, "NULL") + ", " + lit(shapeNoTexts, "NULL") + ")"
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	b.WriteString(" ON CONFLICT (id) DO NOTHING")
	return b.String()
}

// exec writes n rows of shape sh (their bound values in args) and returns
// the number of rows written.
func (in *shapedInserter) exec(ctx context.Context, n, sh int, args []any) (int64, error) {
	const opName = "insert into cx_responses"
	var res sql.Result
	var err error
	if n == importRowsPerInsert {
		stmt := in.full[sh]
		if stmt == nil {
			if stmt, err = in.tx.PrepareContext(ctx, in.text(n, sh)); err != nil {
				return 0, wrap(err, opName, "")
			}
			in.full[sh] = stmt
		}
		res, err = stmt.ExecContext(ctx, args...)
	} else {
		res, err = in.tx.ExecContext(ctx, in.text(n, sh), args...)
	}
	if err != nil {
		return 0, wrap(err, opName, "")
	}
	written, err := res.RowsAffected()
	return written, wrap(err, opName, "")
}

// close releases the prepared statements.
func (in *shapedInserter) close() {
	for sh, stmt := range in.full {
		stmt.Close()
		delete(in.full, sh)
	}
}

// sqlitePart is the rows of one INSERT of a SQLite import, with the
// values the statement of shape binds.
type sqlitePart struct {
	rows  []responseRow
	shape int
	args  []any
}

// The INSERTs of a SQLite import run on a goroutine of their own (an
// asyncWriter), while Add encodes and counts the rows of the next
// statements. A statement that writes fewer rows than it was given met
// stored IDs: its rows stored before the import are compared with the
// staged responses then.

// Statements queued for the writer at most, beside the one it runs.
const sqliteQueue = 2

func (im *staged) startSQLiteWriter() {
	im.free = make(chan []any, sqliteQueue+2)
	for range cap(im.free) {
		im.free <- make([]any, 0, importRowsPerInsert*len(responseColList))
	}
	im.in = newShapedInserter(im.tx, im.surveyID, im.l)
	im.sw = startWriter(im.ctx, sqliteQueue, im.runInserts)
}

// runInserts runs the statements of parts.
func (im *staged) runInserts(ctx context.Context, parts <-chan sqlitePart) error {
	for p := range parts {
		n, err := im.in.exec(ctx, len(p.rows), p.shape, p.args)
		clear(p.args) // drops the references to the rows' values
		im.free <- p.args[:0]
		if err != nil {
			return err
		}
		if n < int64(len(p.rows)) {
			im.mu.Lock()
			err := im.compare(ctx, p.rows, "rowid <= "+strconv.FormatInt(im.maxRowID, 10))
			im.mu.Unlock()
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// freeArgs returns an argument slice for a statement, once the writer is
// done with one: with the writer's error if it has stopped on one, with
// the error of ctx if ctx is done first.
func (im *staged) freeArgs(ctx context.Context) ([]any, error) {
	select {
	case a := <-im.free:
		return a, nil
	case <-im.sw.failed:
		return nil, im.sw.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// insertSQLite encodes rs and counts their tallies, and queues them for
// the writer in statements of importRowsPerInsert rows.
func (im *staged) insertSQLite(ctx context.Context, rs []survey.Response) error {
	if im.sw == nil {
		im.startSQLiteWriter()
	}
	rows := make([]responseRow, len(rs))
	for lo := 0; lo < len(rs); lo += importRowsPerInsert {
		hi := min(lo+importRowsPerInsert, len(rs))
		for i := lo; i < hi; i++ {
			row, err := im.encode(rs[i])
			if err != nil {
				return err
			}
			rows[i] = row
		}
		im.mu.Lock()
		for i := lo; i < hi; i++ {
			im.count(rs[i], &rows[i], +1)
		}
		im.mu.Unlock()
		args, err := im.freeArgs(ctx)
		if err != nil {
			return err
		}
		sh := im.in.shape(rows[lo:hi])
		for i := lo; i < hi; i++ {
			args = appendShaped(args, &rows[i], sh)
		}
		if err := im.sw.add(ctx, sqlitePart{rows: rows[lo:hi], shape: sh, args: args}); err != nil {
			return err
		}
	}
	return nil
}
