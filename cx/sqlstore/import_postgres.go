package sqlstore

import (
	"context"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/survey"
)

// A PostgreSQL import with the store's CopyFunc copies its rows on a
// goroutine of its own, in segments of copySegment rows, each one COPY
// in a savepoint, fed with the staged batches as they come: the server
// stores the rows of one batch while the process checks and encodes the
// next ones, and waits for the server once a segment rather than once a
// batch. A segment that meets a stored ID is rolled back to its savepoint
// and written again without the stored responses, which are compared
// with the staged ones (see resolve). The segment's rows are kept until
// it is released, for that; the staged responses are not.

// copySegment is the number of rows of one COPY at least (the segment
// ends with the batch that reaches it), and copyQueue the number of
// staged batches that wait for the copier at most.
// (copySegment is a variable for the tests.)
var copySegment = 8192

const copyQueue = 2

// copyChunk is the rows of a staged batch.
type copyChunk struct {
	rows []responseRow
}

// copySegments copies the rows of chunks, in segments, until it is
// closed; it runs on the import's asyncWriter.
func (im *staged) copySegments(ctx context.Context, chunks <-chan copyChunk) error {
	for {
		first, ok := <-chunks
		if !ok {
			return nil
		}
		seg := []copyChunk{first}
		n := len(first.rows)
		if _, err := im.tx.ExecContext(ctx, "SAVEPOINT cx_import"); err != nil {
			return wrap(err, "import", "")
		}
		ci, i := 0, 0 // the chunk and row copied next
		var row []any
		next := func() ([]any, error) {
			for i == len(seg[ci].rows) {
				if n >= copySegment {
					return nil, nil
				}
				ch, ok := <-chunks
				if !ok {
					return nil, nil
				}
				seg = append(seg, ch)
				n += len(ch.rows)
				ci, i = ci+1, 0
			}
			row = seg[ci].rows[i].appendArgs(row[:0], im.s.dialect)
			i++
			return row, nil
		}
		err := im.conn.Raw(func(dc any) error { return im.s.copy(ctx, dc, "cx_responses", responseColList, next) })
		if err == nil {
			if _, err := im.tx.ExecContext(ctx, "RELEASE SAVEPOINT cx_import"); err != nil {
				return wrap(err, "import", "")
			}
			continue
		}
		if !isConflict(err) {
			return wrap(err, "copy into cx_responses", "")
		}
		if _, err := im.tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT cx_import"); err != nil {
			return wrap(err, "import", "")
		}
		// The rows of the segment not copied yet were not read from the
		// queue: the segment is what was read.
		var rows []responseRow
		for _, ch := range seg {
			rows = append(rows, ch.rows...)
		}
		if err := im.rewrite(ctx, rows); err != nil {
			return err
		}
	}
}

// rewrite writes the rows of a segment that met stored IDs: the rows not
// stored, then resolves the others.
func (im *staged) rewrite(ctx context.Context, rows []responseRow) error {
	stored, err := im.stored(ctx, rows, "")
	if err != nil {
		return err
	}
	fresh := make([]responseRow, 0, len(rows))
	for i := range rows {
		id, _ := uuid.FromBytes(rows[i].id)
		if _, ok := stored[id]; !ok {
			fresh = append(fresh, rows[i])
		}
	}
	if err := im.write(ctx, fresh); err != nil {
		return err
	}
	im.mu.Lock()
	defer im.mu.Unlock()
	return im.resolve(ctx, rows, stored)
}

// addPostgres encodes rs, counts them, and writes them: queued for the
// copier with a CopyFunc, at once with INSERTs otherwise.
func (im *staged) addPostgres(ctx context.Context, rs []survey.Response) error {
	rows := make([]responseRow, len(rs))
	for i, r := range rs {
		var err error
		if rows[i], err = im.encode(r); err != nil {
			return err
		}
	}
	im.mu.Lock()
	for i := range rs {
		im.count(rs[i], &rows[i], +1)
	}
	im.mu.Unlock()
	if im.s.copy == nil {
		return im.insertPostgres(ctx, rows)
	}
	if im.cp == nil {
		im.cp = startWriter(im.ctx, copyQueue, im.copySegments)
	}
	return im.cp.add(ctx, copyChunk{rows: rows})
}

// endWriters waits for the SQLite writer or the PostgreSQL copier, if
// any, to write what is queued.
func (im *staged) endWriters() error {
	var err error
	if im.sw != nil {
		err = im.sw.wait()
		im.sw = nil
	}
	if im.cp != nil {
		err = im.cp.wait()
		im.cp = nil
	}
	return err
}

// insertPostgres writes rows with INSERTs in a savepoint; if one of their
// IDs is stored, it rolls back to the savepoint, compares the stored
// responses, and writes the others.
func (im *staged) insertPostgres(ctx context.Context, rows []responseRow) error {
	if _, err := im.tx.ExecContext(ctx, "SAVEPOINT cx_import"); err != nil {
		return wrap(err, "import", "")
	}
	err := im.write(ctx, rows)
	if err == nil {
		_, err = im.tx.ExecContext(ctx, "RELEASE SAVEPOINT cx_import")
		return wrap(err, "import", "")
	}
	if !isConflict(err) {
		return err
	}
	if _, err := im.tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT cx_import"); err != nil {
		return wrap(err, "import", "")
	}
	return im.rewrite(ctx, rows)
}
