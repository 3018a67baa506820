package cx

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/survey"
)

// ImportOptions change how [Program.ImportCSV] and [Program.ImportJSONL]
// treat what is already stored and rows that carry no response ID. The
// zero value is the default.
type ImportOptions struct {
	// Replace lets a row replace a stored response with the same ID and
	// different content (a corrected re-export). Without it such a row
	// fails the whole import, naming its line, and nothing is stored.
	// ImportResult.Replaced lists what was replaced. Two rows of one input
	// with the same ID and different content fail the import with or
	// without Replace.
	Replace bool
	// MergeIdenticalRows makes identical rows without a response ID one
	// response (the later ones count as Unchanged). By default identical
	// rows are distinct responses: two people may give the same answers
	// at the same second, and each is counted.
	MergeIdenticalRows bool
}

// ImportStore is an optional capability of a [Store]: staging a whole
// import inside the store, so that an import of any size is stored all or
// nothing, without the process holding the responses or writing them to a
// file of its own. [Program.ImportCSV] and [Program.ImportJSONL] use it
// when the store offers it (discovered by type assertion, as
// database/sql/driver does with its optional interfaces); without it they
// keep the checked responses in memory and store them with one
// [survey.ResponseStore.CreateResponses] call.
//
// The program checks and normalizes every response before it reaches
// the import (known survey, wave and unit, answers on their scales,
// respondents pseudonymized) and passes each response ID once: a store
// need not look for repeats among the staged responses.
type ImportStore interface {
	// BeginImport starts staging an import of responses to survey
	// surveyID. Of opts, stores use Replace: when set, Commit replaces
	// stored responses that differ from a staged one with the same ID;
	// otherwise such a conflict makes Commit store nothing. It fails with
	// ErrNotFound for an unknown survey.
	//
	// The staged import may hold a transaction and a connection, and
	// writers to the store may wait for it, until Commit or Rollback.
	BeginImport(ctx context.Context, surveyID string, opts ImportOptions) (StagedImport, error)
}

// StagedImport is an import being staged in a store (see [ImportStore]).
// Nothing staged is visible to readers of the store before Commit
// returns, and a process that ends (or is killed) before then leaves the
// store as it was: stores stage inside a transaction, or an equivalent the
// store discards by itself, never in a file left for the caller to remove.
//
// A StagedImport is used by one goroutine at a time.
type StagedImport interface {
	// Add stages a batch of responses. The store may write them at once,
	// inside the import's transaction. The caller hands the responses
	// over: the store may keep them, maps included, without copying them,
	// and the caller does not change them afterwards (the slice rs itself
	// is the caller's again when Add returns). An error ends the import:
	// the caller then calls Rollback.
	Add(ctx context.Context, rs []survey.Response) error
	// Commit stores the staged responses that are not stored yet, with
	// their share of the tallies, all at once, and ends the import. A
	// staged response identical to the stored one with its ID is left as
	// it is (Unchanged). A stored response with a staged ID and different
	// content is a conflict: without Replace, Commit stores nothing and
	// returns an error satisfying errors.Is(err, ErrAlreadyExists), with
	// the conflicting IDs in ImportOutcome.Conflicts; with Replace the
	// staged response replaces it, listed in ImportOutcome.Replaced.
	Commit(ctx context.Context) (ImportOutcome, error)
	// Rollback discards what was staged and ends the import. It may be
	// called after Commit (or after another Rollback), and then does
	// nothing.
	Rollback() error
}

// ImportOutcome is what [StagedImport.Commit] did.
type ImportOutcome struct {
	// Added is the number of responses newly stored.
	Added int
	// Unchanged is the number of staged responses already stored
	// identically.
	Unchanged int
	// Replaced lists the stored responses replaced by a staged one with
	// the same ID (with Replace only).
	Replaced []uuid.UUID
	// Conflicts lists the IDs of stored responses that differ from the
	// staged one (without Replace; nothing is stored then).
	Conflicts []uuid.UUID
}

// stager hands batches to a store's import on a goroutine of its own, so
// that reading and checking the input overlaps with storing it.
type stager struct {
	st    StagedImport
	jobs  chan []survey.Response
	free  chan []survey.Response
	done  chan struct{}
	mu    sync.Mutex
	err   error // the first error of Add
	ended bool  // committed or rolled back
}

func newStager(ctx context.Context, st StagedImport) *stager {
	s := &stager{st: st, jobs: make(chan []survey.Response, 1), free: make(chan []survey.Response, 3), done: make(chan struct{})}
	for range 2 {
		s.free <- make([]survey.Response, 0, importBatch)
	}
	go func() {
		defer close(s.done)
		for b := range s.jobs {
			if s.failed() == nil {
				if err := st.Add(ctx, b); err != nil {
					s.mu.Lock()
					s.err = err
					s.mu.Unlock()
				}
			}
			clear(b) // drops the references to the responses
			s.free <- b[:0]
		}
	}()
	return s
}

func (s *stager) failed() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// add queues a full batch and returns an empty one to fill.
func (s *stager) add(ctx context.Context, b []survey.Response) ([]survey.Response, error) {
	if err := s.failed(); err != nil {
		return b[:0], fmt.Errorf("cx: import: staging the responses (nothing was stored): %w", err)
	}
	s.jobs <- b
	select {
	case nb := <-s.free:
		return nb, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// wait ends the goroutine and returns the first error of Add.
func (s *stager) wait() error {
	close(s.jobs)
	<-s.done
	return s.failed()
}

// commit stages what is queued and commits the import.
func (s *stager) commit(ctx context.Context) (ImportOutcome, error) {
	if s.ended {
		return ImportOutcome{}, errors.New("cx: import: the staged import has ended")
	}
	s.ended = true
	if err := s.wait(); err != nil {
		return ImportOutcome{}, errors.Join(err, s.st.Rollback())
	}
	out, err := s.st.Commit(ctx)
	if err != nil {
		_ = s.st.Rollback() // a no-op if Commit ended the import
	}
	return out, err
}

// rollback discards the staged import, unless it has ended.
func (s *stager) rollback() {
	if s.ended {
		return
	}
	s.ended = true
	_ = s.wait()
	_ = s.st.Rollback()
}
