package chstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/survey"
)

var _ cx.ImportStore = (*Store)(nil)

// BeginImport implements [cx.ImportStore]: the import is one batch, its
// rows written to the shards as it goes and made visible, all at once,
// when Commit commits the batch; until then no read sees them, and a
// process that dies leaves the batch pending (invisible; see
// [Store.Batches] and [Store.Discard]). Staged responses are compared
// with those stored when the import began, a group at a time (not at
// all when the store held no response then), and each group is written
// to the shards on a goroutine of the import's own while the next group
// is staged.
//
// Memory: a group holds up to 1,048,576 responses and up to 256 MiB of
// staged responses (as estimated from their answers, segments and texts;
// about 600 bytes for a response with 26 answers). At most two groups are
// held at once, the one being written and the one being staged, and
// writing a group copies its answers in the order it writes them and
// builds its columns, one table at a time, which the driver copies again
// (together about twice its staged size): the import's live memory stays
// under about 4 x 256 MiB however wide the responses, and Go's collector
// lets the process grow to about twice its live memory (GOGC=100). The 1M
// benchmark import (groups of about 447,000, 256 MiB) peaks at 1.6 to
// 1.9 GB resident.
//
// The import holds the Store's write lock until Commit or Rollback:
// other writes of this Store wait for it, so the caller must end every
// import it begins. Writes of other processes are detected at Commit,
// which then fails, storing nothing, if one of them stored responses with
// the staged IDs meanwhile; the import can then be run again.
func (s *Store) BeginImport(ctx context.Context, surveyID string, opts cx.ImportOptions) (cx.StagedImport, error) {
	opName := fmt.Sprintf("import responses to survey %q", surveyID)
	if _, err := s.catalog.GetSurvey(ctx, surveyID); err != nil {
		return nil, err
	}
	s.wmu.Lock()
	sn, err := s.snapshot(ctx)
	if err != nil {
		s.wmu.Unlock()
		return nil, wrap(err, opName)
	}
	im := &staged{s: s, ctx: ctx, op: opName, replace: opts.Replace, sn: sn, groups: map[batchGroup]bool{}}
	// Into a store that held no response when the import began, nothing
	// staged can be stored already: the comparisons are skipped.
	var rows int64
	err = query(ctx, s.coordinator(), fmt.Sprintf("SELECT count() FROM (SELECT 1 FROM %s.group_sums WHERE %s LIMIT 1)", s.database, sn.where()),
		func(r Rows) error { var n uint64; err := r.Scan(&n); rows = int64(n); return err })
	if err != nil {
		s.wmu.Unlock()
		return nil, wrap(err, opName)
	}
	im.empty = rows == 0
	return im, nil
}

// stageFlush is the largest number of staged responses compared with
// the stored ones and written at a time: one INSERT per shard and table
// (see writeChunk). Each INSERT makes a part of each table (and of the
// tables its views fill), which the server merges with the others later.
// Most groups are bounded by stageBytes rather than by this number, which
// matters for narrow responses. Larger groups cost the servers less: the
// views that sum answers and patterns write, per INSERT, about one row
// per cell the INSERT's responses reach (unit, wave, item and value;
// wave, group and pattern), and a shard's INSERT of 100,000 benchmark
// responses reaches most of its cells already, so that each INSERT costs
// the servers a near fixed sorting and writing of those sums besides the
// work per response. On the 1M benchmark export (26 answers per response,
// two shards), groups of at most 256 MiB (about 447,000 responses, three
// groups) cost the two servers 8.2 s of CPU per million responses, groups
// of 262,144 (four) 9.1 s (medians of three alternating imports on two
// cores, load 2 to 3), and they leave three parts of each table on each
// shard rather than four, for the servers to merge later (merging an
// import's parts into one costs them about 4 s more, 0.8 s less than
// with four parts); the import's process peaks at 1.6 to 1.9 GB
// resident rather than 1.2 GB.
var stageFlush = 1 << 20

// stageBytes bounds the memory of a group of staged responses, as
// rec.size estimates it: a group is written when it holds stageFlush
// responses or stageBytes, whichever comes first. The benchmark's
// responses (26 answers, two segments) take about 600 bytes each, so its
// groups hold about 447,000; responses with 100 answers (about
// 1.5 KB) make groups of about 180,000, with comments of 2 KB (about 2.6
// KB) about 100,000, and with records of the largest size the CSV readers
// accept (1 MiB) 256.
var stageBytes = 256 << 20

// addChunk is the largest number of responses of an Add encoded at once,
// so that a long Add stages no more than a group and this much.
const addChunk = 4096

// staged is an import in progress.
type staged struct {
	s       *Store
	ctx     context.Context // BeginImport's: it bounds the writer
	failed  error           // the first error of Add
	op      string
	replace bool
	sn      snapshot // what was stored when the import began
	batch   int64    // 0 until the first write
	pending []rec    // staged, not compared yet
	bytes   int      // the size of pending (rec.size)
	written int      // responses written (+1)
	out     cx.ImportOutcome
	layouts map[uint32][]groupLayout // of the import's survey, once known
	groups  map[batchGroup]bool
	ended   bool
	empty   bool          // the store held no response when the import began
	w       *importWriter // writes the staged responses, once the batch has begun
}

var errImportEnded = errors.New("chstore: the import has ended")

// Add implements [cx.StagedImport]. Its first error ends the import:
// Commit then stores nothing and returns it (some of the staged
// responses may have been written already). ctx bounds this call; the
// writing of the responses it staged goes on under the context given to
// BeginImport.
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
	if im.failed != nil {
		return wrap(fmt.Errorf("an earlier batch failed: %w", im.failed), im.op)
	}
	if err := ctx.Err(); err != nil {
		return wrap(err, im.op)
	}
	for len(rs) > 0 {
		n := min(len(rs), addChunk, stageFlush-len(im.pending))
		start := len(im.pending)
		var err error
		// The responses are encoded into the group itself.
		if im.pending, err = im.s.encodeInto(ctx, im.pending, rs[:n]); err != nil {
			return wrap(err, im.op)
		}
		rs = rs[n:]
		for i := start; i < len(im.pending); i++ {
			im.bytes += im.pending[i].size()
			if i+1 < stageFlush && im.bytes < stageBytes {
				continue
			}
			// The group is full: the responses after it begin the next
			// group, which is likely as long (its array is allocated
			// once).
			full := i + 1
			next := append(make([]rec, 0, full), im.pending[full:]...)
			im.pending = im.pending[:full]
			if err := im.flush(ctx); err != nil {
				return wrap(err, im.op)
			}
			im.pending, i = next, -1
		}
	}
	return nil
}

// flush compares the pending responses with the stored ones and writes
// the new ones (and, with Replace, the changed ones over the stored).
func (im *staged) flush(ctx context.Context) error {
	recs := im.pending
	im.pending, im.bytes = nil, 0
	if len(recs) == 0 {
		return nil
	}
	ids := make([]uuid.UUID, len(recs))
	for i := range recs {
		ids[i] = recs[i].id
	}
	var err error
	stored := map[uuid.UUID]uint64{}
	if !im.empty {
		if stored, err = im.s.storedDigests(ctx, im.sn, ids); err != nil {
			return err
		}
	}
	var fresh []rec
	var replaced []uuid.UUID
	if len(stored) == 0 {
		fresh, im.out.Added = recs, im.out.Added+len(recs)
		recs = nil
	}
	for _, r := range recs {
		d, ok := stored[r.id]
		switch {
		case !ok:
			fresh = append(fresh, r)
			im.out.Added++
		case d == r.digest:
			im.out.Unchanged++
		case im.replace:
			fresh = append(fresh, r)
			replaced = append(replaced, r.id)
		default:
			im.out.Conflicts = append(im.out.Conflicts, r.id)
		}
	}
	if len(fresh) == 0 || (len(im.out.Conflicts) > 0 && !im.replace) {
		return nil // nothing to write, or Commit will store nothing
	}
	if im.batch == 0 {
		if im.batch, err = im.s.beginBatch(ctx); err != nil {
			return err
		}
	}
	if im.layouts == nil {
		if im.layouts, err = im.s.surveyGroups(ctx, fresh); err != nil {
			return err
		}
	}
	if len(replaced) > 0 {
		// The replaced responses leave with -1 rows that mirror those
		// their batches wrote.
		old, err := im.s.liveResponses(ctx, im.sn, "id IN ids", replaced, "", 0, 0)
		if err != nil {
			return err
		}
		byBatch := map[int64][]survey.Response{}
		for _, o := range old {
			byBatch[o.batch] = append(byBatch[o.batch], o.Response)
		}
		for b, rs := range byBatch {
			groups, err := im.s.batchGroups(ctx, b)
			if err != nil {
				return err
			}
			olds, err := im.s.encode(ctx, rs)
			if err != nil {
				return err
			}
			if err := im.s.writeRecs(ctx, uint32(im.batch), -1, olds, groups); err != nil {
				return err
			}
		}
		im.out.Replaced = append(im.out.Replaced, replaced...)
	}
	if im.w == nil {
		im.w = im.s.newImportWriter(im.ctx, im.batch, im.layouts)
	}
	if err := im.w.send(ctx, fresh); err != nil {
		return err
	}
	for _, g := range recorded(im.layouts) {
		im.groups[g] = true
	}
	im.written += len(fresh)
	return nil
}

// Commit implements [cx.StagedImport].
func (im *staged) Commit(ctx context.Context) (cx.ImportOutcome, error) {
	if im.ended {
		return cx.ImportOutcome{}, errImportEnded
	}
	defer im.end()
	if im.failed != nil {
		err := fmt.Errorf("nothing is stored, as staging a batch failed: %w", im.failed)
		im.fail(ctx, err)
		return cx.ImportOutcome{}, wrap(err, im.op)
	}
	if err := im.flush(ctx); err != nil {
		im.fail(ctx, err)
		return cx.ImportOutcome{}, wrap(err, im.op)
	}
	if im.w != nil {
		if err := im.w.finish(); err != nil {
			im.fail(ctx, err)
			return cx.ImportOutcome{}, wrap(err, im.op)
		}
	}
	if len(im.out.Conflicts) > 0 && !im.replace {
		err := alreadyExists(im.op, fmt.Sprintf("%d staged responses differ from the stored ones with their IDs, such as %s; nothing was stored",
			len(im.out.Conflicts), im.out.Conflicts[0]))
		im.fail(ctx, err)
		return cx.ImportOutcome{Conflicts: im.out.Conflicts}, err
	}
	if im.batch == 0 {
		return im.out, nil // nothing new
	}
	var groups []batchGroup
	for g := range im.groups {
		groups = append(groups, g)
	}
	err := im.s.commitBatch(ctx, im.batch, im.written, im.sn, groups, func(since []int64) (bool, error) {
		return im.s.batchTouched(ctx, since, im.batch)
	}, func(tx *sql.Tx) error {
		for _, id := range im.out.Replaced {
			if _, err := tx.ExecContext(ctx, "INSERT INTO cxch_erasures (id, before) VALUES ($1, $2)", hex.EncodeToString(id[:]), im.batch); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		if !errors.Is(err, errRace) {
			im.fail(ctx, err)
		}
		return cx.ImportOutcome{}, wrap(fmt.Errorf("%w; nothing was stored: run the import again", err), im.op)
	}
	if len(im.out.Replaced) > 0 {
		if err := im.s.eraseIfMany(context.WithoutCancel(ctx)); err != nil {
			return im.out, err
		}
	}
	return im.out, nil
}

// Rollback implements [cx.StagedImport].
func (im *staged) Rollback() error {
	if im.ended {
		return nil
	}
	im.fail(context.Background(), errors.New("rolled back"))
	im.end()
	return nil
}

// fail stops the import's writes and marks its batch failed, if it has
// one.
func (im *staged) fail(ctx context.Context, cause error) {
	if im.w != nil {
		im.w.abort()
	}
	if im.batch != 0 {
		im.s.failBatch(ctx, im.batch, cause)
	}
}

// end ends the import and releases the Store's write lock.
func (im *staged) end() {
	if !im.ended {
		im.ended = true
		im.pending = nil
		im.s.wmu.Unlock()
	}
}
