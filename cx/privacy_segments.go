package cx

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/cxculture/cxculture/survey"
)

// Segments counts respondents by demographic segment (the attributes of
// survey.Response.Segments) per unit and wave, and the respondents shared
// by every two segments of different attributes, for [Privacy.Plan];
// counted with [Segments.AddResponse], it also counts their answers, so
// that the plan can protect the favorable counts of segments as it does
// those of units. Like [Tallies], counts are per unit as recorded and are
// rolled up the hierarchy by the plan. A Segments is not safe for
// concurrent mutation.
type Segments struct {
	counts      map[CellRef]int64
	pairs       map[segPair]int64
	answers     map[segAnswer]int64
	pairAnswers map[pairAnswer]int64
	// noAnswers is set once a respondent is counted without answers.
	noAnswers bool
}

type segPair struct {
	Unit, Wave string
	A, B       segKV // A.Key < B.Key
}

type segKV struct{ Key, Value string }

// NewSegments returns empty segment counts.
func NewSegments() *Segments {
	return &Segments{counts: map[CellRef]int64{}, pairs: map[segPair]int64{},
		answers: map[segAnswer]int64{}, pairAnswers: map[pairAnswer]int64{}}
}

// Add counts one respondent of unit in wave with the given attributes,
// without answers: a plan then protects the segments' favorable counts
// through their respondent counts only (see [Privacy.Plan]); prefer
// [Segments.AddResponse]. Attributes with an empty key or value are not
// segments and are ignored.
func (s *Segments) Add(unit, wave string, attrs map[string]string) {
	s.noAnswers = true
	s.add(unit, wave, attrs, nil)
}

func (s *Segments) add(unit, wave string, attrs map[string]string, answers map[string]int) {
	keys := make([]string, 0, len(attrs))
	for k, v := range attrs {
		if k != "" && v != "" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for i, k := range keys {
		c := CellRef{unit, wave, k, attrs[k]}
		s.counts[c]++
		for item, v := range answers {
			s.answers[segAnswer{c, item, v}]++
		}
		for _, k2 := range keys[i+1:] {
			p := segPair{unit, wave, segKV{k, attrs[k]}, segKV{k2, attrs[k2]}}
			s.pairs[p]++
			for item, v := range answers {
				s.pairAnswers[pairAnswer{p, item, v}]++
			}
		}
	}
}

// AddResponse counts the respondent of r and their answers.
func (s *Segments) AddResponse(r survey.Response) { s.add(r.Unit, r.Wave, r.Segments, r.Answers) }

// Merge adds the counts of o into s.
func (s *Segments) Merge(o *Segments) {
	for k, v := range o.counts {
		s.counts[k] += v
	}
	for k, v := range o.pairs {
		s.pairs[k] += v
	}
	for k, v := range o.answers {
		s.answers[k] += v
	}
	for k, v := range o.pairAnswers {
		s.pairAnswers[k] += v
	}
	s.noAnswers = s.noAnswers || o.noAnswers
}

// equal reports whether s and o hold the same counts (nil equals nil).
func (s *Segments) equal(o *Segments) bool {
	if s == nil || o == nil {
		return s == o
	}
	return s.noAnswers == o.noAnswers && maps.Equal(s.counts, o.counts) && maps.Equal(s.pairs, o.pairs) &&
		maps.Equal(s.answers, o.answers) && maps.Equal(s.pairAnswers, o.pairAnswers)
}

// Respondents returns the number of respondents recorded in unit (not
// rolled up) and wave whose attribute key has the given value.
func (s *Segments) Respondents(unit, wave, key, value string) int64 {
	return s.counts[CellRef{unit, wave, key, value}]
}

// rollUp returns the segment counts of the waves in keep rolled up h,
// checked against the respondents of t.
func (s *Segments) rollUp(h *Hierarchy, keep map[string]bool, direct map[Group]int64) (*Segments, error) {
	out := NewSegments()
	var ps problems
	perKey := map[CellRef]int64{} // unit, wave, key → respondents with the key
	for _, c := range slices.SortedFunc(maps.Keys(s.counts), func(a, b CellRef) int { return strings.Compare(a.String(), b.String()) }) {
		n := s.counts[c]
		if !keep[c.Wave] {
			continue
		}
		if !h.Has(c.Unit) {
			return nil, fmt.Errorf("cx: segments name unit %q, which is not in the hierarchy: %w", c.Unit, ErrNotFound)
		}
		if n < 0 {
			ps.add("segments."+c.String(), "negative count")
		}
		perKey[CellRef{Unit: c.Unit, Wave: c.Wave, Key: c.Key}] += n
		for _, u := range withAncestors(h, c.Unit) {
			out.counts[CellRef{u, c.Wave, c.Key, c.Value}] += n
		}
	}
	for _, k := range slices.SortedFunc(maps.Keys(perKey), func(a, b CellRef) int { return strings.Compare(a.String(), b.String()) }) {
		if r := direct[Group{k.Unit, k.Wave}]; perKey[k] > r {
			ps.add("segments."+k.Unit+"@"+k.Wave+"."+k.Key, fmt.Sprintf("%d respondents in segments of %s but %d respondents in the tallies", perKey[k], k.Key, r))
		}
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	rollUpCounts(h, keep, s.pairs, out.pairs, func(k *segPair) (*string, string) { return &k.Unit, k.Wave })
	rollUpCounts(h, keep, s.answers, out.answers, func(k *segAnswer) (*string, string) { return &k.Cell.Unit, k.Cell.Wave })
	rollUpCounts(h, keep, s.pairAnswers, out.pairAnswers, func(k *pairAnswer) (*string, string) { return &k.Pair.Unit, k.Pair.Wave })
	out.noAnswers = s.noAnswers
	return out, nil
}

// rollUpCounts adds the counts of src in the waves of keep into dst, at
// the unit of each key and at each of its ancestors; at gives a key's
// unit (to be rewritten) and wave. Keys of units not in h are left out.
func rollUpCounts[K comparable](h *Hierarchy, keep map[string]bool, src, dst map[K]int64, at func(*K) (*string, string)) {
	for k, n := range src {
		unit, wave := at(&k)
		if !keep[wave] || !h.Has(*unit) {
			continue
		}
		for _, u := range withAncestors(h, *unit) {
			*unit = u
			dst[k] += n
		}
	}
}

// segAnswer counts the answers v to an item in a segment cell.
type segAnswer struct {
	Cell  CellRef
	Item  string
	Value int
}

// pairAnswer counts the answers v to an item of the respondents in two
// segments.
type pairAnswer struct {
	Pair  segPair
	Item  string
	Value int
}

// vectors returns the answer vectors of the segment cells and segment
// pairs of s over space, or nils when s holds respondents counted without
// their answers.
func (s *Segments) vectors(space *answerSpace) (cells map[CellRef][]int64, pairs map[segPair][]int64) {
	if s.noAnswers || space == nil {
		return nil, nil
	}
	cells, pairs = map[CellRef][]int64{}, map[segPair][]int64{}
	for c := range s.counts {
		cells[c] = make([]int64, space.width())
	}
	for p := range s.pairs {
		pairs[p] = make([]int64, space.width())
	}
	for k, n := range s.answers {
		if v := cells[k.Cell]; v != nil {
			space.addAnswers(v, k.Item, k.Value, n)
		}
	}
	for k, n := range s.pairAnswers {
		if v := pairs[k.Pair]; v != nil {
			space.addAnswers(v, k.Item, k.Value, n)
		}
	}
	return cells, pairs
}
