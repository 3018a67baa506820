package memstore

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/survey"
)

var _ cx.SegmentTallyStore = (*Store)(nil)

// The store keeps, per survey and wave, the counts of its responses by
// segment profile (every attribute a response carries), as they are added:
// a cut by segment reads them, projected on the attributes it asks for,
// without walking the responses. A deletion makes the counts of its wave
// stale: they are counted again from the responses when next read.

// segCounts are the counts of one survey and wave; stale when they must
// be counted again.
type segCounts struct {
	stale  bool
	groups map[segGroup]*segGroupCounts
}

// segGroup is a unit and a profile: the response's segments as
// "key=value" pairs, sorted, joined with "\x1f".
type segGroup struct{ unit, profile string }

type segGroupCounts struct {
	respondents int64
	answers     map[string]map[int]int64 // item → value → count
}

func profileOf(segs map[string]string) string {
	parts := make([]string, 0, len(segs))
	for _, k := range slices.Sorted(maps.Keys(segs)) {
		parts = append(parts, k+"="+segs[k])
	}
	return strings.Join(parts, "\x1f")
}

// segmentsOf counts r in the segment counts of its survey and wave. The
// caller holds the write lock.
func (s *Store) segmentsOf(k tallyKey, r survey.Response) {
	sc := s.segs[k]
	if sc == nil {
		sc = &segCounts{groups: map[segGroup]*segGroupCounts{}}
		s.segs[k] = sc
	}
	if sc.stale {
		return
	}
	sc.add(r)
}

func (sc *segCounts) add(r survey.Response) {
	g := segGroup{r.Unit, profileOf(r.Segments)}
	c := sc.groups[g]
	if c == nil {
		c = &segGroupCounts{answers: map[string]map[int]int64{}}
		sc.groups[g] = c
	}
	c.respondents++
	for item, v := range r.Answers {
		m := c.answers[item]
		if m == nil {
			m = map[int]int64{}
			c.answers[item] = m
		}
		m[v]++
	}
}

// staleSegments marks the segment counts of a survey and wave to be
// counted again. The caller holds the write lock.
func (s *Store) staleSegments(k tallyKey) {
	s.segs[k] = &segCounts{stale: true}
}

// TallySegments implements [cx.SegmentTallyStore]: it projects the counts
// kept for the waves of f on the attributes of f, counting again from the
// responses those that are stale.
func (s *Store) TallySegments(_ context.Context, f cx.SegmentFilter) (*cx.SegmentTallies, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.surveys[f.Survey]; !ok {
		return nil, fmt.Errorf("memstore: survey %s: %w", f.Survey, cx.ErrNotFound)
	}
	keep := func(w string) bool { return len(f.Waves) == 0 || slices.Contains(f.Waves, w) }
	for k, sc := range s.segs {
		if k.survey == f.Survey && keep(k.wave) && sc.stale {
			fresh := &segCounts{groups: map[segGroup]*segGroupCounts{}}
			for _, r := range s.responses {
				if r.Survey == k.survey && r.Wave == k.wave {
					fresh.add(r)
				}
			}
			s.segs[k] = fresh
		}
	}
	out := cx.NewSegmentTallies(f.Survey, f.Keys)
	keys := out.Keys()
	values := make([]string, len(keys))
	for k, sc := range s.segs {
		if k.survey != f.Survey || !keep(k.wave) {
			continue
		}
		for g, c := range sc.groups {
			attrs := map[string]string{}
			if g.profile != "" {
				for _, kv := range strings.Split(g.profile, "\x1f") {
					name, v, _ := strings.Cut(kv, "=")
					attrs[name] = v
				}
			}
			for i, key := range keys {
				values[i] = attrs[key]
			}
			if err := out.Add(g.unit, k.wave, values, c.respondents); err != nil {
				return nil, err
			}
			for item, m := range c.answers {
				for v, n := range m {
					if err := out.AddAnswers(g.unit, k.wave, values, item, v, n); err != nil {
						return nil, err
					}
				}
			}
		}
	}
	return out, nil
}
