package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/survey"
)

var _ cx.ImportStore = (*Store)(nil)

// BeginImport implements [cx.ImportStore]. The import runs in one
// transaction on a connection of its own, which holds the store's
// responses lock from the start: other writers of responses wait for the
// import to commit or roll back (on SQLite, every writer does, and one
// that waits longer than the busy timeout, 30 s with the opener's
// settings, fails). Readers do not wait, and see nothing of the import
// before it commits; a process killed before then leaves the database as
// it was.
//
// ctx bounds the whole import, the writing goroutines included: once it
// is done, Add and Commit fail with its error and nothing is stored.
// The context given to Add bounds that call only (its wait for the
// writing goroutine, on both stores, and its own statements on
// PostgreSQL without a CopyFunc).
//
// Responses are written as they are staged, straight into the responses
// table: on SQLite with multi-row INSERTs that leave out IDs stored
// already, run on a goroutine of its own while the next rows are encoded;
// on PostgreSQL with the store's CopyFunc (COPY through pgx with
// the opener of package cx/sqlstore/postgres) on a goroutine of its own,
// in segments of 8,192 rows each in a savepoint, so that a segment that
// meets a stored ID is written again without it (the responses of a
// segment are held until it is written). A staged ID found stored is
// compared with the stored response then. The
// tallies of the import are counted in the process as the rows are
// written and applied to the stored tallies once, at Commit.
func (s *Store) BeginImport(ctx context.Context, surveyID string, opts cx.ImportOptions) (cx.StagedImport, error) {
	o := op("import responses to", "survey", surveyID)
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, wrap(err, o, "")
	}
	im := &staged{s: s, ctx: ctx, conn: conn, surveyID: surveyID, replace: opts.Replace, d: newDelta()}
	if err := im.begin(ctx, surveyID); err != nil {
		return nil, errors.Join(err, im.Rollback())
	}
	return im, nil
}

// staged is an import in progress: a transaction on conn.
type staged struct {
	s *Store
	// ctx is the context of BeginImport, which the transaction and the
	// writers run under.
	ctx  context.Context
	conn *sql.Conn
	tx   *sql.Tx
	l    *layout // the encoding of the survey's responses; nil if it has none
	// surveyID is the survey of the import.
	surveyID string
	replace  bool
	// maxRowID is the largest rowid of cx_responses when the import began
	// (SQLite): rows at or below it were stored before.
	maxRowID int64
	d        *delta
	out      cx.ImportOutcome
	n        int // responses written
	ended    bool
	failed   error // the first error of Add
	args     []any
	in       *shapedInserter          // the INSERTs of SQLite
	sw       *asyncWriter[sqlitePart] // the goroutine running them
	free     chan []any               // the argument slices the INSERTs are done with
	cp       *asyncWriter[copyChunk]  // the COPY of PostgreSQL
	// mu guards d and out, which the writer or the copier changes when it
	// meets stored IDs.
	mu sync.Mutex
	// cacheSize is the SQLite connection's page cache size to restore.
	cacheSize *int64
}

// importCacheKiB caps the SQLite page cache of an import's connection.
const importCacheKiB = 24 << 10

// release restores the connection's settings and returns it to the pool.
func (im *staged) release() error {
	var err error
	if im.cacheSize != nil {
		_, err = im.conn.ExecContext(context.Background(), fmt.Sprintf("PRAGMA cache_size = %d", *im.cacheSize))
		err = wrap(err, "end an import", "")
	}
	return errors.Join(err, im.conn.Close())
}

var errImportEnded = errors.New("sqlstore: the import has ended")

// done returns, once the context of BeginImport is done, the error saying
// so (it satisfies errors.Is with the context's error); nil before. The
// transaction is then rolled back, and what the writers or the
// transaction report (a statement cancelled, a transaction ended) follows
// from it.
func (im *staged) done() error {
	if err := im.ctx.Err(); err != nil {
		return &opError{op: op("import responses to", "survey", im.surveyID), err: fmt.Errorf("the import's context is done: %w", err)}
	}
	return nil
}

func (im *staged) begin(ctx context.Context, surveyID string) error {
	if im.s.dialect == SQLite {
		// An import writes every page it touches once: a page cache larger
		// than importCacheKiB adds memory, not speed. The connection's own
		// size is restored when the import ends.
		var size int64
		if err := im.conn.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&size); err != nil {
			return wrap(err, "begin an import", "")
		}
		if size < -importCacheKiB || size > importCacheKiB/4 { // KiB when negative, pages of at least 4 KiB otherwise
			if _, err := im.conn.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = %d", -importCacheKiB)); err != nil {
				return wrap(err, "begin an import", "")
			}
			im.cacheSize = &size
		}
	}
	tx, err := im.conn.BeginTx(ctx, nil)
	if err != nil {
		return wrap(err, "begin an import", "")
	}
	im.tx = tx
	if err := lock(ctx, tx, lockResponses); err != nil {
		return err
	}
	sv, err := getSurvey(ctx, tx, surveyID)
	if err != nil {
		return err
	}
	if l, err := layoutOf(sv); err == nil {
		if err := im.s.saveLayout(ctx, tx, l); err != nil {
			return err
		}
		im.l = l
	}
	if im.s.dialect == SQLite {
		if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(rowid), 0) FROM cx_responses").Scan(&im.maxRowID); err != nil {
			return wrap(err, "begin an import", "")
		}
	}
	return nil
}

// Add implements [cx.StagedImport]. Its first error ends the import:
// Commit then stores nothing and returns it (a batch may have been
// staged in part, and its tallies counted).
func (im *staged) Add(ctx context.Context, rs []survey.Response) error {
	if im.ended {
		return errImportEnded
	}
	err := im.add(ctx, rs)
	if err != nil && im.failed == nil {
		im.failed = err
	}
	return err
}

func (im *staged) add(ctx context.Context, rs []survey.Response) error {
	if err := im.done(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(rs) == 0 {
		return nil
	}
	var err error
	if im.s.dialect == SQLite {
		err = im.insertSQLite(ctx, rs)
	} else {
		err = im.addPostgres(ctx, rs)
	}
	if err != nil {
		if derr := im.done(); derr != nil {
			return derr
		}
		return err
	}
	im.n += len(rs)
	return nil
}

// encode returns the row of r.
func (im *staged) encode(r survey.Response) (responseRow, error) {
	row, err := encodeResponse(r, im.l)
	if err != nil {
		return row, invalid(op("import", "response", r.ID), "answers", err.Error())
	}
	return row, nil
}

// count adds r, stored as row, to the tallies of the import.
func (im *staged) count(r survey.Response, row *responseRow, sign int64) {
	l := im.l
	if row.enc == rawEncoding {
		l = nil
	}
	im.d.add(l, r.Survey, r.Wave, r.Unit, row.code.String, r.Comment != "", sign)
}

// write writes rows that are not stored: with the store's CopyFunc when it
// has one, with multi-row INSERTs otherwise.
func (im *staged) write(ctx context.Context, rows []responseRow) error {
	if len(rows) == 0 {
		return nil
	}
	if im.s.copy != nil {
		ncols := len(responseColList)
		i := 0
		row := make([]any, 0, ncols)
		next := func() ([]any, error) {
			if i == len(rows) {
				return nil, nil
			}
			row = rows[i].appendArgs(row[:0], im.s.dialect)
			i++
			return row, nil
		}
		err := im.conn.Raw(func(dc any) error { return im.s.copy(ctx, dc, "cx_responses", responseColList, next) })
		return wrap(err, "copy into cx_responses", "")
	}
	in := im.s.newInserter(im.tx, "INSERT", "cx_responses", responseColList, "")
	defer in.close()
	for lo := 0; lo < len(rows); lo += in.per {
		hi := min(lo+in.per, len(rows))
		args := im.args[:0]
		for i := lo; i < hi; i++ {
			args = rows[i].appendArgs(args, im.s.dialect)
		}
		im.args = args
		_, err := in.exec(ctx, hi-lo, args)
		clear(args)
		if err != nil {
			return err
		}
	}
	return nil
}

// stored returns the stored responses (as stored rows) with the IDs of
// rows, among those that cond (a condition on cx_responses, or "")
// selects.
func (im *staged) stored(ctx context.Context, rows []responseRow, cond string) (map[uuid.UUID]responseRow, error) {
	out := map[uuid.UUID]responseRow{}
	err := chunks(rows, 500, func(part []responseRow) error {
		b := builder{d: im.s.dialect}
		b.sb.WriteString("SELECT " + responseCols + " FROM cx_responses WHERE ")
		if cond != "" {
			b.sb.WriteString(cond + " AND ")
		}
		ids := make([][]byte, len(part))
		for i := range part {
			ids[i] = part[i].id
		}
		in(&b, "id", ids)
		got, err := queryResponseRows(ctx, im.tx, "read stored responses", b.String(), b.args...)
		for _, row := range got {
			id, _ := uuid.FromBytes(row.id)
			out[id] = row
		}
		return err
	})
	return out, err
}

// compare finds, among rows (written but for stored IDs), the responses
// stored before the import (selected by cond), and resolves them.
func (im *staged) compare(ctx context.Context, rows []responseRow, cond string) error {
	stored, err := im.stored(ctx, rows, cond)
	if err != nil {
		return err
	}
	return im.resolve(ctx, rows, stored)
}

// resolve handles the staged rows whose IDs are stored: identical, they
// are unchanged and leave the tallies; different, they are a conflict,
// or, with replace, they replace the stored response, whose share of the
// tallies goes. A staged row is compared as the response it stores (read
// back as the stored one is), so that the import need not keep the
// staged responses until their rows are written.
func (im *staged) resolve(ctx context.Context, rows []responseRow, stored map[uuid.UUID]responseRow) error {
	if len(stored) == 0 {
		return nil
	}
	for i := range rows {
		nr := &rows[i]
		id, err := uuid.FromBytes(nr.id)
		if err != nil {
			return wrap(err, "import", "")
		}
		old, ok := stored[id]
		if !ok {
			continue
		}
		prev, err := im.s.decodeResponse(ctx, im.tx, old)
		if err != nil {
			return err
		}
		r, err := im.s.decodeResponse(ctx, im.tx, *nr)
		if err != nil {
			return err
		}
		switch {
		case prev.Equal(r):
			im.out.Unchanged++
			im.count(r, nr, -1)
		case !im.replace:
			im.out.Conflicts = append(im.out.Conflicts, r.ID)
			im.count(r, nr, -1)
		default:
			im.out.Replaced = append(im.out.Replaced, r.ID)
			var oldLayout *layout
			if old.enc != rawEncoding {
				if oldLayout, err = im.s.layout(ctx, im.tx, old.enc); err != nil {
					return err
				}
			}
			im.d.add(oldLayout, old.survey, old.wave, old.unit, old.code.String, old.comment != "", -1)
			if _, err := im.tx.ExecContext(ctx, "UPDATE cx_responses SET survey = $2, wave = $3, unit = $4, respondent = $5, submitted_us = $6, "+
				"comment = $7, segments = $8, enc = $9, code = $10, answers = $11, texts = $12 WHERE id = $1",
				nr.id, nr.survey, nr.wave, nr.unit, respondentValue(im.s.dialect, nr.respondent), nr.submitted, nr.comment, nullable(nr.segments), nr.enc,
				nullable(nr.code), nullable(nr.answers), nullable(nr.texts)); err != nil {
				return wrap(err, op("replace", "response", r.ID), "")
			}
		}
	}
	return nil
}

// Commit implements [cx.StagedImport]: it applies the tallies of the
// import to the stored tallies and commits.
func (im *staged) Commit(ctx context.Context) (cx.ImportOutcome, error) {
	if im.ended {
		return cx.ImportOutcome{}, errImportEnded
	}
	if im.failed != nil {
		err := fmt.Errorf("sqlstore: import: nothing is stored, as staging a batch failed: %w", im.failed)
		return cx.ImportOutcome{}, errors.Join(err, im.Rollback())
	}
	werr := im.endWriters()
	if err := cmp.Or(im.done(), werr); err != nil {
		return cx.ImportOutcome{}, errors.Join(err, im.Rollback())
	}
	if n := len(im.out.Conflicts); n > 0 {
		out := cx.ImportOutcome{Conflicts: im.out.Conflicts}
		err := fmt.Errorf("sqlstore: import: %d staged responses differ from the stored ones with their IDs (%s first): %w",
			n, out.Conflicts[0], cx.ErrAlreadyExists)
		return out, errors.Join(err, im.Rollback())
	}
	if im.in != nil {
		im.in.close()
	}
	if err := im.s.apply(ctx, im.tx, im.d); err != nil {
		return cx.ImportOutcome{}, errors.Join(cmp.Or(im.done(), err), im.Rollback())
	}
	err := im.tx.Commit()
	im.ended = true
	if rerr := im.release(); err == nil {
		err = rerr
	}
	if err != nil {
		return cx.ImportOutcome{}, cmp.Or(im.done(), wrap(err, "commit an import", ""))
	}
	out := im.out
	out.Added = im.n - out.Unchanged - len(out.Replaced)
	return out, nil
}

// Rollback implements [cx.StagedImport].
func (im *staged) Rollback() error {
	if im.ended {
		return nil
	}
	im.ended = true
	// The import is discarded: what the writers met does not matter.
	_ = im.endWriters()
	if im.in != nil {
		im.in.close()
	}
	var err error
	if im.tx != nil {
		if rerr := im.tx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) {
			err = wrap(rerr, "roll back an import", "")
		}
	}
	return errors.Join(err, im.release())
}
