package cx

import (
	"context"

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
