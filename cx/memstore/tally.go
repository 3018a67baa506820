package memstore

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/survey"
)

var _ cx.TallyStore = (*Store)(nil)

// The store keeps the tallies of its responses as they are added: one
// [cx.Tallier] per survey and wave, which a response updates once, when it
// is stored, so that a scorecard reads the counts without walking the
// responses. Every survey and wave with responses has a Tallier or is
// marked stale. A tally that a change cannot update in place (a response
// deleted or replaced, a response to an unknown survey or that does not
// fit the version tallied) is marked stale, and a Tallier of another
// version of the survey than the one asked for is not used: those are
// counted again from the responses when they are read.

// tallyKey names the tallies of one survey and wave.
type tallyKey struct{ survey, wave string }

// tallyOf adds r to the tallies of its survey and wave, creating them (for
// the latest version of the survey) if needed. The caller holds the write
// lock.
func (s *Store) tallyOf(r survey.Response) {
	k := tallyKey{r.Survey, r.Wave}
	s.segmentsOf(k, r)
	if s.stale[k] {
		return
	}
	t := s.talliers[k]
	if t == nil {
		sv, ok := s.surveyVersion(r.Survey, 0)
		if !ok {
			s.stale[k] = true
			return
		}
		t = cx.NewTallier(sv)
		s.talliers[k] = t
	}
	if t.Add(r) != nil {
		s.staleTally(r.Survey, r.Wave) // counted again, and the error reported, when read
	}
}

// staleTally marks the tallies of a survey and wave to be counted again.
// The caller holds the write lock.
func (s *Store) staleTally(surveyID, wave string) {
	k := tallyKey{surveyID, wave}
	s.staleSegments(k)
	s.stale[k] = true
	delete(s.talliers, k)
}

// TallyResponses implements [cx.TallyStore]: it merges the tallies kept
// for the waves of f, counting again from the responses those that are
// stale or kept for another version of the survey.
func (s *Store) TallyResponses(_ context.Context, f cx.TallyFilter) (*cx.Tallies, error) {
	// Reading a Tallier settles its counts: the write lock.
	s.mu.Lock()
	defer s.mu.Unlock()
	sv, ok := s.surveyVersion(f.Survey, f.Version)
	if !ok {
		return nil, fmt.Errorf("memstore: survey %s version %d: %w", f.Survey, f.Version, cx.ErrNotFound)
	}
	keep := func(w string) bool { return len(f.Waves) == 0 || slices.Contains(f.Waves, w) }
	recount := map[string]*cx.Tallier{}
	for k, t := range s.talliers {
		if k.survey == sv.ID && keep(k.wave) && !sameSurvey(t.Survey(), sv) {
			recount[k.wave] = cx.NewTallier(sv)
		}
	}
	for k := range s.stale {
		if k.survey == sv.ID && keep(k.wave) {
			recount[k.wave] = cx.NewTallier(sv)
		}
	}
	if len(recount) > 0 {
		for _, r := range s.responses {
			if t := recount[r.Wave]; t != nil && r.Survey == sv.ID {
				if err := t.Add(r); err != nil {
					return nil, fmt.Errorf("memstore: %w", err)
				}
			}
		}
		for w, t := range recount {
			k := tallyKey{sv.ID, w}
			delete(s.stale, k)
			s.talliers[k] = t
		}
	}
	var out *cx.Tallies
	for _, k := range slices.SortedFunc(maps.Keys(s.talliers), func(a, b tallyKey) int {
		return cmp.Or(cmp.Compare(a.survey, b.survey), cmp.Compare(a.wave, b.wave))
	}) {
		if k.survey != sv.ID || !keep(k.wave) {
			continue
		}
		t := s.talliers[k].Tallies()
		if out == nil {
			out = t // a fresh copy: the first wave's tallies are the start
			continue
		}
		if err := out.Merge(t); err != nil {
			return nil, fmt.Errorf("memstore: %w", err)
		}
	}
	if out == nil {
		out = cx.NewTallies(sv.ID)
	}
	return out, nil
}
