package memstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/survey"
)

var _ cx.ImportStore = (*Store)(nil)

// BeginImport implements [cx.ImportStore]: the staged responses are kept
// aside and stored under the write lock at Commit. Other callers
// do not wait for a staged import.
func (s *Store) BeginImport(_ context.Context, surveyID string, opts cx.ImportOptions) (cx.StagedImport, error) {
	s.mu.RLock()
	_, ok := s.surveys[surveyID]
	s.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("memstore: survey %s: %w", surveyID, cx.ErrNotFound)
	}
	return &staged{s: s, replace: opts.Replace}, nil
}

// staged is an import staged in memory.
type staged struct {
	s       *Store
	replace bool
	rs      []survey.Response
	ended   bool
}

var errEnded = errors.New("memstore: the import has ended")

// Add implements [cx.StagedImport].
func (im *staged) Add(_ context.Context, rs []survey.Response) error {
	if im.ended {
		return errEnded
	}
	im.rs = append(im.rs, rs...) // handed over: see cx.StagedImport.Add
	return nil
}

// Commit implements [cx.StagedImport].
func (im *staged) Commit(_ context.Context) (cx.ImportOutcome, error) {
	if im.ended {
		return cx.ImportOutcome{}, errEnded
	}
	im.ended = true
	s := im.s
	s.mu.Lock()
	defer s.mu.Unlock()
	var out cx.ImportOutcome
	for _, r := range im.rs {
		prev, ok := s.responses[r.ID]
		switch {
		case !ok:
		case prev.Equal(r):
			out.Unchanged++
		case im.replace:
			out.Replaced = append(out.Replaced, r.ID)
		default:
			out.Conflicts = append(out.Conflicts, r.ID)
		}
	}
	if len(out.Conflicts) > 0 {
		return cx.ImportOutcome{Conflicts: out.Conflicts}, fmt.Errorf("memstore: %d staged responses differ from the stored ones with their IDs (%s first): %w",
			len(out.Conflicts), out.Conflicts[0], cx.ErrAlreadyExists)
	}
	replaced := make(map[uuid.UUID]bool, len(out.Replaced))
	for _, id := range out.Replaced {
		replaced[id] = true
		prev := s.responses[id]
		s.staleTally(prev.Survey, prev.Wave)
	}
	for _, r := range im.rs {
		_, ok := s.responses[r.ID]
		if ok && !replaced[r.ID] {
			continue // unchanged
		}
		s.responses[r.ID] = r
		if !ok {
			out.Added++
		}
		s.tallyOf(r) // a no-op on a stale tally, which is counted again
	}
	im.rs = nil
	return out, nil
}

// Rollback implements [cx.StagedImport].
func (im *staged) Rollback() error {
	im.ended = true
	im.rs = nil
	return nil
}
