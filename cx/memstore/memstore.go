// Package memstore keeps a program's data in memory. It is the default
// store and the reference implementation of [cx.Store]: every other store
// must behave like it, as package cx/storetest checks.
//
// A Store is safe for concurrent use. It copies values on the way in and
// on the way out, so callers may modify what they passed or received.
// Nothing survives the process; use package cx/sqlstore to keep data.
package memstore

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/survey"
)

// Store is an in-memory [cx.Store]. The zero value is not usable; call
// [New].
type Store struct {
	mu           sync.RWMutex
	org          []cx.OrgChange
	frameworks   map[string]culture.Framework
	indicators   map[string]culture.Indicator
	initiatives  map[uuid.UUID]culture.Initiative
	surveys      map[string][]survey.Survey // every version, by Version
	waves        map[string]survey.Wave
	responses    map[uuid.UUID]survey.Response
	observations map[obsKey]cx.Observation
	recognitions map[uuid.UUID]culture.Recognition
	// talliers hold the tallies of the stored responses per survey and
	// wave, and stale the ones to count again (see tally.go).
	talliers map[tallyKey]*cx.Tallier
	stale    map[tallyKey]bool
	// segs hold the counts of the stored responses by segment profile
	// per survey and wave (see segments.go).
	segs map[tallyKey]*segCounts
}

type obsKey struct {
	metric, unit string
	t            time.Time
}

var _ cx.Store = (*Store)(nil)

// New returns an empty store.
func New() *Store {
	return &Store{
		frameworks:   map[string]culture.Framework{},
		indicators:   map[string]culture.Indicator{},
		initiatives:  map[uuid.UUID]culture.Initiative{},
		surveys:      map[string][]survey.Survey{},
		waves:        map[string]survey.Wave{},
		responses:    map[uuid.UUID]survey.Response{},
		observations: map[obsKey]cx.Observation{},
		recognitions: map[uuid.UUID]culture.Recognition{},
		talliers:     map[tallyKey]*cx.Tallier{},
		stale:        map[tallyKey]bool{},
		segs:         map[tallyKey]*segCounts{},
	}
}

// create, get, update, del and list implement the keyed entities; clone
// deep-copies a value.
func create[K comparable, V any](mu *sync.RWMutex, m map[K]V, k K, v V, clone func(V) V, what string) error {
	mu.Lock()
	defer mu.Unlock()
	if _, ok := m[k]; ok {
		return fmt.Errorf("memstore: %s %v: %w", what, k, cx.ErrAlreadyExists)
	}
	m[k] = clone(v)
	return nil
}

func get[K comparable, V any](mu *sync.RWMutex, m map[K]V, k K, clone func(V) V, what string) (V, error) {
	mu.RLock()
	defer mu.RUnlock()
	v, ok := m[k]
	if !ok {
		var zero V
		return zero, fmt.Errorf("memstore: %s %v: %w", what, k, cx.ErrNotFound)
	}
	return clone(v), nil
}

func update[K comparable, V any](mu *sync.RWMutex, m map[K]V, k K, v V, clone func(V) V, what string) error {
	mu.Lock()
	defer mu.Unlock()
	if _, ok := m[k]; !ok {
		return fmt.Errorf("memstore: %s %v: %w", what, k, cx.ErrNotFound)
	}
	m[k] = clone(v)
	return nil
}

func del[K comparable, V any](mu *sync.RWMutex, m map[K]V, k K, what string) error {
	mu.Lock()
	defer mu.Unlock()
	if _, ok := m[k]; !ok {
		return fmt.Errorf("memstore: %s %v: %w", what, k, cx.ErrNotFound)
	}
	delete(m, k)
	return nil
}

// list returns the clones of the values that keep accepts, sorted by less.
func list[K comparable, V any](mu *sync.RWMutex, m map[K]V, keep func(V) bool, clone func(V) V, less func(a, b V) int) []V {
	mu.RLock()
	out := make([]V, 0, len(m))
	for _, v := range m {
		if keep == nil || keep(v) {
			out = append(out, clone(v))
		}
	}
	mu.RUnlock()
	slices.SortFunc(out, less)
	return out
}

func same[V any](v V) V { return v }

// CreateFramework implements [culture.FrameworkStore].
func (s *Store) CreateFramework(_ context.Context, f culture.Framework) error {
	return create(&s.mu, s.frameworks, f.ID, f, culture.Framework.Clone, "framework")
}

// GetFramework implements [culture.FrameworkStore].
func (s *Store) GetFramework(_ context.Context, id string) (culture.Framework, error) {
	return get(&s.mu, s.frameworks, id, culture.Framework.Clone, "framework")
}

// ListFrameworks implements [culture.FrameworkStore].
func (s *Store) ListFrameworks(context.Context) ([]culture.Framework, error) {
	return list(&s.mu, s.frameworks, nil, culture.Framework.Clone,
		func(a, b culture.Framework) int { return cmp.Compare(a.ID, b.ID) }), nil
}

// UpdateFramework implements [culture.FrameworkStore].
func (s *Store) UpdateFramework(_ context.Context, f culture.Framework) error {
	return update(&s.mu, s.frameworks, f.ID, f, culture.Framework.Clone, "framework")
}

// DeleteFramework implements [culture.FrameworkStore].
func (s *Store) DeleteFramework(_ context.Context, id string) error {
	return del(&s.mu, s.frameworks, id, "framework")
}

// CreateIndicator implements [culture.IndicatorStore].
func (s *Store) CreateIndicator(_ context.Context, in culture.Indicator) error {
	return create(&s.mu, s.indicators, in.ID, in, culture.Indicator.Clone, "indicator")
}

// GetIndicator implements [culture.IndicatorStore].
func (s *Store) GetIndicator(_ context.Context, id string) (culture.Indicator, error) {
	return get(&s.mu, s.indicators, id, culture.Indicator.Clone, "indicator")
}

// ListIndicators implements [culture.IndicatorStore].
func (s *Store) ListIndicators(context.Context) ([]culture.Indicator, error) {
	return list(&s.mu, s.indicators, nil, culture.Indicator.Clone,
		func(a, b culture.Indicator) int { return cmp.Compare(a.ID, b.ID) }), nil
}

// UpdateIndicator implements [culture.IndicatorStore].
func (s *Store) UpdateIndicator(_ context.Context, in culture.Indicator) error {
	return update(&s.mu, s.indicators, in.ID, in, culture.Indicator.Clone, "indicator")
}

// DeleteIndicator implements [culture.IndicatorStore].
func (s *Store) DeleteIndicator(_ context.Context, id string) error {
	return del(&s.mu, s.indicators, id, "indicator")
}

// CreateInitiative implements [culture.InitiativeStore].
func (s *Store) CreateInitiative(_ context.Context, in culture.Initiative) error {
	return create(&s.mu, s.initiatives, in.ID, in, culture.Initiative.Clone, "initiative")
}

// GetInitiative implements [culture.InitiativeStore].
func (s *Store) GetInitiative(_ context.Context, id uuid.UUID) (culture.Initiative, error) {
	return get(&s.mu, s.initiatives, id, culture.Initiative.Clone, "initiative")
}

// ListInitiatives implements [culture.InitiativeStore].
func (s *Store) ListInitiatives(_ context.Context, f culture.InitiativeFilter) ([]culture.Initiative, error) {
	return list(&s.mu, s.initiatives, f.Match, culture.Initiative.Clone, func(a, b culture.Initiative) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return bytes.Compare(a.ID[:], b.ID[:])
	}), nil
}

// UpdateInitiative implements [culture.InitiativeStore].
func (s *Store) UpdateInitiative(_ context.Context, in culture.Initiative) error {
	return update(&s.mu, s.initiatives, in.ID, in, culture.Initiative.Clone, "initiative")
}

// DeleteInitiative implements [culture.InitiativeStore].
func (s *Store) DeleteInitiative(_ context.Context, id uuid.UUID) error {
	return del(&s.mu, s.initiatives, id, "initiative")
}

// CreateResponses implements [survey.ResponseStore]: the batch is checked
// whole before anything is added.
func (s *Store) CreateResponses(_ context.Context, rs []survey.Response) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fresh := make(map[uuid.UUID]survey.Response, len(rs))
	for _, r := range rs {
		prev, ok := s.responses[r.ID]
		if !ok {
			prev, ok = fresh[r.ID]
		}
		if ok {
			if !prev.Equal(r) {
				return 0, fmt.Errorf("memstore: response %s: %w", r.ID, cx.ErrAlreadyExists)
			}
			continue
		}
		fresh[r.ID] = r.Clone()
	}
	maps.Copy(s.responses, fresh)
	for _, r := range fresh {
		s.tallyOf(r)
	}
	return len(fresh), nil
}

// GetResponse implements [survey.ResponseStore].
func (s *Store) GetResponse(_ context.Context, id uuid.UUID) (survey.Response, error) {
	return get(&s.mu, s.responses, id, survey.Response.Clone, "response")
}

// ListResponses implements [survey.ResponseStore].
func (s *Store) ListResponses(_ context.Context, f survey.ResponseFilter) ([]survey.Response, error) {
	out := list(&s.mu, s.responses, f.Match, survey.Response.Clone, compareResponses)
	return page(out, f.Offset, f.Limit), nil
}

func compareResponses(a, b survey.Response) int {
	if c := a.Submitted.Compare(b.Submitted); c != 0 {
		return c
	}
	return bytes.Compare(a.ID[:], b.ID[:])
}

func page[V any](v []V, offset, limit int) []V {
	if offset > 0 {
		v = v[min(offset, len(v)):]
	}
	if limit > 0 && len(v) > limit {
		v = v[:limit]
	}
	return v
}

// CountResponses implements [survey.ResponseStore].
func (s *Store) CountResponses(_ context.Context, f survey.ResponseFilter) (int, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	n := 0
	for _, r := range s.responses {
		if f.Match(r) {
			n++
		}
	}
	return n, nil
}

// DeleteResponse implements [survey.ResponseStore].
func (s *Store) DeleteResponse(_ context.Context, id uuid.UUID) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.responses[id]
	if !ok {
		return fmt.Errorf("memstore: response %v: %w", id, cx.ErrNotFound)
	}
	delete(s.responses, id)
	s.staleTally(r.Survey, r.Wave)
	return nil
}

// CreateObservations implements [cx.ObservationStore].
func (s *Store) CreateObservations(_ context.Context, obs []cx.Observation) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fresh := make(map[obsKey]cx.Observation, len(obs))
	for _, o := range obs {
		k := obsKey{o.Metric, o.Unit, o.Time}
		prev, ok := s.observations[k]
		if !ok {
			prev, ok = fresh[k]
		}
		if ok {
			if prev != o {
				return 0, fmt.Errorf("memstore: observation %s/%s at %s: %w", o.Metric, o.Unit, o.Time.Format(time.RFC3339Nano), cx.ErrAlreadyExists)
			}
			continue
		}
		fresh[k] = o
	}
	maps.Copy(s.observations, fresh)
	return len(fresh), nil
}

// ListObservations implements [cx.ObservationStore].
func (s *Store) ListObservations(_ context.Context, f cx.ObservationFilter) ([]cx.Observation, error) {
	return list(&s.mu, s.observations, f.Match, same, func(a, b cx.Observation) int {
		return cmp.Or(cmp.Compare(a.Metric, b.Metric), cmp.Compare(a.Unit, b.Unit), a.Time.Compare(b.Time))
	}), nil
}

// DeleteObservation implements [cx.ObservationStore].
func (s *Store) DeleteObservation(_ context.Context, metric, unit string, t time.Time) error {
	return del(&s.mu, s.observations, obsKey{metric, unit, survey.NormalizeTime(t)}, "observation")
}
