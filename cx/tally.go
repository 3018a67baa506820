package cx

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/cxculture/cxculture/metrics"
	"github.com/cxculture/cxculture/survey"
)

// Cell identifies the answers to one item in one unit and wave.
type Cell struct{ Unit, Wave, Item string }

// Group identifies the respondents of one unit in one wave.
type Group struct{ Unit, Wave string }

// PatternKey identifies a response pattern over a reliability group of
// items (see [ReliabilityGroups]) in one wave, over the whole organization.
type PatternKey struct {
	Wave string
	// Items are the item IDs of the group, joined with commas.
	Items string
	// Pattern holds one byte per item: 'A' + (answer - scale min), as
	// answered (before reverse keying), or '.' for a skipped item.
	Pattern string
}

// Tallies are the mergeable sufficient statistics of a set of responses to
// one survey: everything a scorecard needs, without the responses. Every
// field adds up under [Tallies.Merge], so tallies of parts of the data
// (goroutines, processes, database partitions) merge into the tallies of
// the whole.
//
// Tallies are not safe for concurrent mutation.
type Tallies struct {
	Survey string
	// Answers holds, per unit, wave and item, the histogram of answers on
	// the item's scale, as answered (before reverse keying).
	Answers map[Cell]metrics.Tally
	// Respondents counts responses per unit and wave.
	Respondents map[Group]int64
	// Comments counts responses with a non-empty comment per unit and
	// wave.
	Comments map[Group]int64
	// Patterns counts, per wave and reliability group, the responses with
	// each pattern of answers. Reliability (Cronbach's alpha) is computed
	// from them exactly, pairwise or listwise.
	Patterns map[PatternKey]int64
}

// NewTallies returns empty tallies of the given survey.
func NewTallies(surveyID string) *Tallies {
	return &Tallies{
		Survey:      surveyID,
		Answers:     map[Cell]metrics.Tally{},
		Respondents: map[Group]int64{},
		Comments:    map[Group]int64{},
		Patterns:    map[PatternKey]int64{},
	}
}

// Merge adds o into t. It fails if the two tally different surveys or an
// item's scale differs.
func (t *Tallies) Merge(o *Tallies) error {
	if t.Survey != o.Survey {
		return fmt.Errorf("cx: cannot merge tallies of survey %q into %q", o.Survey, t.Survey)
	}
	for k, v := range o.Answers {
		cur := t.Answers[k]
		if err := cur.Merge(v); err != nil {
			return fmt.Errorf("cx: merging %s/%s/%s: %w", k.Unit, k.Wave, k.Item, err)
		}
		t.Answers[k] = cur
	}
	for k, v := range o.Respondents {
		t.Respondents[k] += v
	}
	for k, v := range o.Comments {
		t.Comments[k] += v
	}
	for k, v := range o.Patterns {
		t.Patterns[k] += v
	}
	return nil
}

// Clone returns a deep copy of t.
func (t *Tallies) Clone() *Tallies {
	c := NewTallies(t.Survey)
	for k, v := range t.Answers {
		c.Answers[k] = v.Clone()
	}
	maps.Copy(c.Respondents, t.Respondents)
	maps.Copy(c.Comments, t.Comments)
	maps.Copy(c.Patterns, t.Patterns)
	return c
}

// Equal reports whether t and o hold the same counts. Zero counts and
// missing entries are equal.
func (t *Tallies) Equal(o *Tallies) bool {
	return t.equalCounts(o) && equalCounts(t.Patterns, o.Patterns)
}

// cloneCounts returns a deep copy of t without its patterns.
func (t *Tallies) cloneCounts() *Tallies {
	c := NewTallies(t.Survey)
	c.Answers = make(map[Cell]metrics.Tally, len(t.Answers))
	for k, v := range t.Answers {
		c.Answers[k] = v.Clone()
	}
	maps.Copy(c.Respondents, t.Respondents)
	maps.Copy(c.Comments, t.Comments)
	return c
}

// equalCounts reports whether t and o hold the same answers, respondents
// and comments (Equal without the patterns).
func (t *Tallies) equalCounts(o *Tallies) bool {
	if t.Survey != o.Survey {
		return false
	}
	return equalMaps(t.Answers, o.Answers, equalTally) && equalCounts(t.Respondents, o.Respondents) && equalCounts(t.Comments, o.Comments)
}

// equalTally reports whether two tallies hold the same counts; two empty
// tallies are equal whatever their scales.
func equalTally(a, b metrics.Tally) bool {
	if a.Min == b.Min && a.Max == b.Max && slices.Equal(a.Counts, b.Counts) {
		return true
	}
	na, nb := a.N(), b.N()
	return (na == 0 || nb == 0) && na == nb
}

func equalCounts[K comparable](a, b map[K]int64) bool {
	return equalMaps(a, b, func(x, y int64) bool { return x == y })
}

// equalMaps reports whether a and b hold equal values (by eq) under every
// key, a missing entry reading as the zero value. When every key of b is
// also one of a's, the look-ups from a have compared every entry of both,
// and b is not read again.
func equalMaps[K comparable, V any](a, b map[K]V, eq func(V, V) bool) bool {
	both := 0
	for k, v := range a {
		w, ok := b[k]
		if !eq(v, w) {
			return false
		}
		if ok {
			both++
		}
	}
	if both == len(b) {
		return true
	}
	var zero V
	for k, w := range b {
		if _, ok := a[k]; !ok && !eq(zero, w) {
			return false
		}
	}
	return true
}

// RollUp returns tallies in which every unit also holds the answers,
// respondents and comments of every unit below it in h, so that each
// division and the organization are scored over all their people. Units of
// t missing from h are an error. Patterns are organization-wide and copied
// as they are.
func (t *Tallies) RollUp(h *Hierarchy) (*Tallies, error) {
	out, err := t.rollUp(h, nil)
	if err != nil {
		return nil, err
	}
	maps.Copy(out.Patterns, t.Patterns)
	return out, nil
}

// rollUp rolls up the answers, respondents and comments of the waves in
// keep, or of every wave when keep is nil; patterns are left out.
func (t *Tallies) rollUp(h *Hierarchy, keep map[string]bool) (*Tallies, error) {
	out := NewTallies(t.Survey)
	for k, v := range t.Answers {
		if keep != nil && !keep[k.Wave] {
			continue
		}
		if !h.Has(k.Unit) {
			return nil, errNotInHierarchy(k.Unit)
		}
		for _, u := range withAncestors(h, k.Unit) {
			c := Cell{u, k.Wave, k.Item}
			cur := out.Answers[c]
			if err := cur.Merge(v); err != nil {
				return nil, err
			}
			out.Answers[c] = cur
		}
	}
	for _, pair := range []struct{ from, to map[Group]int64 }{{t.Respondents, out.Respondents}, {t.Comments, out.Comments}} {
		for k, v := range pair.from {
			if keep != nil && !keep[k.Wave] {
				continue
			}
			if !h.Has(k.Unit) {
				return nil, errNotInHierarchy(k.Unit)
			}
			for _, u := range withAncestors(h, k.Unit) {
				pair.to[Group{u, k.Wave}] += v
			}
		}
	}
	return out, nil
}

func withAncestors(h *Hierarchy, id string) []string {
	return append([]string{id}, h.Ancestors(id)...)
}

// Waves returns the distinct waves of t, sorted.
func (t *Tallies) Waves() []string {
	set := map[string]bool{}
	for g := range t.Respondents {
		set[g.Wave] = true
	}
	return slices.Sorted(maps.Keys(set))
}

// ReliabilityGroups returns the groups of items whose internal consistency
// is measured: for each construct, the items that measure it on the same
// scale, when there are at least two. Groups follow the order of the
// survey's items.
func ReliabilityGroups(s survey.Survey) [][]string {
	var out [][]string
	index := map[string]int{}
	for _, it := range s.Items {
		if it.Construct == "" {
			continue
		}
		key := it.Construct + "\x00" + it.Scale.ID
		i, ok := index[key]
		if !ok {
			i = len(out)
			index[key] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], it.ID)
	}
	groups := out[:0]
	for _, g := range out {
		if len(g) >= 2 {
			groups = append(groups, g)
		}
	}
	return groups
}

// TallyFilter selects the responses a [TallyStore] tallies.
type TallyFilter struct {
	Survey string
	// Waves keeps responses of these waves; empty means every wave.
	Waves []string
	// Version is the version of the survey the answers are tallied
	// against (its items' scales; see survey.SurveyStore); zero means the
	// latest. [TallyResponses] tallies each wave against the version it
	// fielded.
	Version int
	// PatternWaves, when not empty, keeps the response patterns
	// (Tallies.Patterns) of these waves only; empty keeps those of every
	// wave tallied. A scorecard needs the patterns of the wave it scores
	// (for the reliability of its groups) and the answers of every wave
	// (for the program's plan): the patterns are most of the tallies'
	// size. A [TallyStore] may return other waves' patterns too;
	// [TallyResponses] leaves them out. Patterns a store does not read
	// are not checked: damaged pattern rows of another wave fail no
	// tally that leaves them out.
	PatternWaves []string
	// NoPatterns leaves every response pattern out, whatever
	// PatternWaves holds: for callers that show no reliability (a
	// disclosure plan reads answers, respondents and comments only). A
	// [TallyStore] may return patterns; [TallyResponses] leaves them out.
	// As with PatternWaves, the patterns not read are not checked.
	NoPatterns bool
}

// TallyStore is an optional capability of a [Store]: computing [Tallies]
// where the data lives (for example with GROUP BY in SQL), so a scorecard
// over millions of stored responses never loads them into the process.
// Scorecards use it when the store offers it, and otherwise tally the
// responses listed from the store.
//
// TallyResponses must return exactly what a [Tallier] of version
// f.Version of the survey (the latest when zero) computes from the
// store's responses that f selects, except that it may leave out the
// patterns of waves not in f.PatternWaves, when set, and every pattern
// with f.NoPatterns (and should: they are not asked for). It fails with
// ErrNotFound for an unknown survey or version.
type TallyStore interface {
	TallyResponses(ctx context.Context, f TallyFilter) (*Tallies, error)
}

// TallyResponses returns the tallies of the stored responses that match f
// (with the patterns of f.PatternWaves only, when set, and none with
// f.NoPatterns): through the store's [TallyStore] capability when it has
// one, otherwise by listing the responses in pages and tallying them in
// the process. When
// f.Version is zero and the survey has several stored versions, each
// wave's answers are tallied against the version the wave fielded (see
// survey.Wave.SurveyVersion), and only the responses of stored waves are
// tallied.
func TallyResponses(ctx context.Context, store Store, f TallyFilter) (*Tallies, error) {
	t, err := tallyFielded(ctx, store, f)
	if err != nil || len(f.PatternWaves) == 0 && !f.NoPatterns {
		return t, err
	}
	if f.NoPatterns {
		clear(t.Patterns)
		return t, nil
	}
	keep := make(map[string]bool, len(f.PatternWaves))
	for _, w := range f.PatternWaves {
		keep[w] = true
	}
	for k := range t.Patterns {
		if !keep[k.Wave] {
			delete(t.Patterns, k)
		}
	}
	return t, nil
}

// tallyVersion tallies f against one version of the survey.
func tallyVersion(ctx context.Context, store Store, f TallyFilter) (*Tallies, error) {
	if ts, ok := store.(TallyStore); ok {
		return ts.TallyResponses(ctx, f)
	}
	return tallyListed(ctx, store, f)
}

// tallyListed tallies the responses listed from store, page by page.
func tallyListed(ctx context.Context, store Store, f TallyFilter) (*Tallies, error) {
	s, err := surveyVersion(ctx, store, f.Survey, f.Version)
	if err != nil {
		return nil, err
	}
	t := NewTallier(s)
	waves := f.Waves
	if len(waves) == 0 {
		waves = []string{""}
	}
	for _, w := range waves {
		if err := eachResponse(ctx, store, survey.ResponseFilter{Survey: f.Survey, Wave: w}, t.Add); err != nil {
			return nil, err
		}
	}
	return t.Tallies(), nil
}

// listPage is the number of responses read from a store at a time.
const listPage = 10000

// eachResponse calls fn for every stored response that f selects, read
// from the store in pages of listPage (f's Limit and Offset are set here).
func eachResponse(ctx context.Context, store Store, f survey.ResponseFilter, fn func(survey.Response) error) error {
	f.Limit = listPage
	for f.Offset = 0; ; f.Offset += listPage {
		rs, err := store.ListResponses(ctx, f)
		if err != nil {
			return err
		}
		for _, r := range rs {
			if err := fn(r); err != nil {
				return err
			}
		}
		if len(rs) < listPage {
			return nil
		}
	}
}

// errNotInHierarchy is the error of tallies that name a unit the
// hierarchy does not hold.
func errNotInHierarchy(unit string) error {
	return fmt.Errorf("cx: tallies name unit %q, which is not in the hierarchy: %w", unit, ErrNotFound)
}
