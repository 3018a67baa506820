package memstore

import (
	"context"
	"fmt"
	"slices"

	"github.com/cxculture/cxculture/cx"
)

var _ cx.TallyStore = (*Store)(nil)

// TallyResponses implements [cx.TallyStore]: it tallies the stored
// responses in place, without copying them.
func (s *Store) TallyResponses(_ context.Context, f cx.TallyFilter) (*cx.Tallies, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	sv, ok := s.surveyVersion(f.Survey, f.Version)
	if !ok {
		return nil, fmt.Errorf("memstore: survey %s version %d: %w", f.Survey, f.Version, cx.ErrNotFound)
	}
	t := cx.NewTallier(sv)
	for _, r := range s.responses {
		if r.Survey != f.Survey || (len(f.Waves) > 0 && !slices.Contains(f.Waves, r.Wave)) {
			continue
		}
		if err := t.Add(r); err != nil {
			return nil, fmt.Errorf("memstore: %w", err)
		}
	}
	return t.Tallies(), nil
}
