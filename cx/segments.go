package cx

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/cxculture/cxculture/metrics"
	"github.com/cxculture/cxculture/survey"
)

// SegmentTallies count respondents and their answers per unit (as
// recorded), wave and profile: the values a respondent has for a set of
// segment attributes (survey.Response.Segments), a respondent without an
// attribute counted under the empty value. They are the sufficient
// statistics of every cut by segment, and of the segment cells of a
// privacy plan: a store computes them where the data lives
// ([SegmentTallyStore]) and they merge like [Tallies]. Answers are kept by
// value, as answered, so tallies of waves that fielded other versions of
// the survey merge.
//
// SegmentTallies are not safe for concurrent mutation.
type SegmentTallies struct {
	survey string
	keys   []string
	groups map[profileGroup]*profileCounts
}

type profileGroup struct{ unit, wave, profile string }

type profileCounts struct {
	respondents int64
	answers     map[itemValue]int64
}

type itemValue struct {
	item  string
	value int
}

// profileSep joins a profile's values; segment values are text without
// control characters (survey.TextProblem), so it never occurs in one.
const profileSep = "\x1f"

// NewSegmentTallies returns empty tallies of a survey's responses by the
// segment attributes keys (in any order; kept sorted, without repeats).
func NewSegmentTallies(surveyID string, keys []string) *SegmentTallies {
	ks := slices.Compact(slices.Sorted(slices.Values(keys)))
	return &SegmentTallies{survey: surveyID, keys: ks, groups: map[profileGroup]*profileCounts{}}
}

// Survey returns the ID of the survey tallied.
func (t *SegmentTallies) Survey() string { return t.survey }

// Keys returns the segment attributes tallied, sorted.
func (t *SegmentTallies) Keys() []string { return slices.Clone(t.keys) }

func (t *SegmentTallies) group(unit, wave string, values []string) (*profileCounts, error) {
	if len(values) != len(t.keys) {
		return nil, fmt.Errorf("cx: %d segment values for the %d keys %v: %w", len(values), len(t.keys), t.keys, ErrInvalid)
	}
	k := profileGroup{unit, wave, strings.Join(values, profileSep)}
	g := t.groups[k]
	if g == nil {
		g = &profileCounts{answers: map[itemValue]int64{}}
		t.groups[k] = g
	}
	return g, nil
}

// Add counts n respondents of unit in wave with the given values of the
// tallied attributes (in the order of Keys; "" for a respondent without
// the attribute).
func (t *SegmentTallies) Add(unit, wave string, values []string, n int64) error {
	g, err := t.group(unit, wave, values)
	if err != nil {
		return err
	}
	g.respondents += n
	return nil
}

// AddAnswers counts n answers value to item by respondents of unit in
// wave with the given values of the tallied attributes. Stores that
// count with GROUP BY call Add and AddAnswers once per group.
func (t *SegmentTallies) AddAnswers(unit, wave string, values []string, item string, value int, n int64) error {
	g, err := t.group(unit, wave, values)
	if err != nil {
		return err
	}
	g.answers[itemValue{item, value}] += n
	return nil
}

// AddResponse counts the respondent of r and their answers.
func (t *SegmentTallies) AddResponse(r survey.Response) {
	values := make([]string, len(t.keys))
	for i, k := range t.keys {
		values[i] = r.Segments[k]
	}
	g, _ := t.group(r.Unit, r.Wave, values)
	g.respondents++
	for item, v := range r.Answers {
		g.answers[itemValue{item, v}]++
	}
}

// Merge adds o into t. It fails when the two tally different surveys or
// keys.
func (t *SegmentTallies) Merge(o *SegmentTallies) error {
	if t.survey != o.survey || !slices.Equal(t.keys, o.keys) {
		return fmt.Errorf("cx: cannot merge segment tallies of survey %q by %v into survey %q by %v", o.survey, o.keys, t.survey, t.keys)
	}
	for k, og := range o.groups {
		g := t.groups[k]
		if g == nil {
			g = &profileCounts{answers: map[itemValue]int64{}}
			t.groups[k] = g
		}
		g.respondents += og.respondents
		for iv, n := range og.answers {
			g.answers[iv] += n
		}
	}
	return nil
}

// Equal reports whether t and o hold the same counts (zero counts and
// missing ones are equal).
func (t *SegmentTallies) Equal(o *SegmentTallies) bool {
	if t.survey != o.survey || !slices.Equal(t.keys, o.keys) {
		return false
	}
	sub := func(a, b *SegmentTallies) bool {
		for k, g := range a.groups {
			h := b.groups[k]
			var hr int64
			if h != nil {
				hr = h.respondents
			}
			if g.respondents != hr {
				return false
			}
			for iv, n := range g.answers {
				var m int64
				if h != nil {
					m = h.answers[iv]
				}
				if n != m {
					return false
				}
			}
		}
		return true
	}
	return sub(t, o) && sub(o, t)
}

// Count returns the respondents of unit (as recorded) in wave whose
// attribute key has value ("" for those without it); 0 for a key not
// tallied.
func (t *SegmentTallies) Count(unit, wave, key, value string) int64 {
	i, ok := slices.BinarySearch(t.keys, key)
	if !ok {
		return 0
	}
	var n int64
	for k, g := range t.groups {
		if k.unit == unit && k.wave == wave && strings.Split(k.profile, profileSep)[i] == value {
			n += g.respondents
		}
	}
	return n
}

// String lists the groups, for test failures.
func (t *SegmentTallies) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "segment tallies of %s by %v:", t.survey, t.keys)
	keys := slices.SortedFunc(maps.Keys(t.groups), func(a, b profileGroup) int {
		return cmp.Or(cmp.Compare(a.unit, b.unit), cmp.Compare(a.wave, b.wave), cmp.Compare(a.profile, b.profile))
	})
	for _, k := range keys {
		g := t.groups[k]
		fmt.Fprintf(&b, " %s/%s/%q: %d", k.unit, k.wave, k.profile, g.respondents)
	}
	return b.String()
}

// segments returns the counts a privacy plan takes ([Segments]): per
// unit, wave and attribute value, and per two values of different
// attributes, the respondents and their answers.
func (t *SegmentTallies) segments() *Segments {
	s := NewSegments()
	for k, g := range t.groups {
		values := strings.Split(k.profile, profileSep)
		for i, key := range t.keys {
			if values[i] == "" {
				continue
			}
			c := CellRef{k.unit, k.wave, key, values[i]}
			s.counts[c] += g.respondents
			for iv, n := range g.answers {
				s.answers[segAnswer{c, iv.item, iv.value}] += n
			}
			for j := i + 1; j < len(t.keys); j++ {
				if values[j] == "" {
					continue
				}
				p := segPair{k.unit, k.wave, segKV{key, values[i]}, segKV{t.keys[j], values[j]}}
				s.pairs[p] += g.respondents
				for iv, n := range g.answers {
					s.pairAnswers[pairAnswer{p, iv.item, iv.value}] += n
				}
			}
		}
	}
	return s
}

// cutKey is the wave key, in the tallies of a cut, of the respondents of
// wave whose attribute has value.
func cutKey(wave, value string) string { return wave + profileSep + value }

// cut returns, for attribute key, tallies whose wave keys are
// cutKey(wave, value): per unit as recorded, the respondents of each
// value of the attribute and their answers, on the scales of the items
// of s (answers to other items, or off their scale, are left out).
func (t *SegmentTallies) cut(key string, s survey.Survey) (*Tallies, []string) {
	i, ok := slices.BinarySearch(t.keys, key)
	out := NewTallies(t.survey)
	if !ok {
		return out, nil
	}
	items := map[string]survey.Item{}
	for _, it := range s.Items {
		items[it.ID] = it
	}
	seen := map[string]bool{}
	for k, g := range t.groups {
		v := strings.Split(k.profile, profileSep)[i]
		if v == "" {
			continue
		}
		seen[v] = true
		grp := Group{k.unit, cutKey(k.wave, v)}
		out.Respondents[grp] += g.respondents
		for iv, n := range g.answers {
			it, ok := items[iv.item]
			if !ok || !it.Scale.Contains(iv.value) {
				continue
			}
			c := Cell{k.unit, grp.Wave, iv.item}
			tl := out.Answers[c]
			if tl.Counts == nil {
				tl = metrics.Tally{Min: it.Scale.Min, Max: it.Scale.Max, Counts: make([]int64, it.Scale.Points())}
			}
			tl.Counts[iv.value-it.Scale.Min] += n
			out.Answers[c] = tl
		}
	}
	return out, slices.Sorted(maps.Keys(seen))
}

// SegmentFilter selects the responses a [SegmentTallyStore] tallies.
type SegmentFilter struct {
	Survey string
	// Waves keeps responses of these waves; empty means every wave.
	Waves []string
	// Keys are the segment attributes tallied.
	Keys []string
}

// SegmentTallyStore is an optional capability of a [Store]: computing
// [SegmentTallies] where the data lives (with GROUP BY in SQL, or kept
// up to date as responses are added in memory), so that a cut by segment
// never loads the responses into the process. [TallySegments] uses it
// when the store offers it, and otherwise counts the responses listed
// from the store.
//
// TallySegments must return exactly what [SegmentTallies.AddResponse]
// counts from the store's responses that f selects. It fails with
// ErrNotFound for an unknown survey.
type SegmentTallyStore interface {
	TallySegments(ctx context.Context, f SegmentFilter) (*SegmentTallies, error)
}

// TallySegments returns the segment tallies of the stored responses that
// f selects: through the store's [SegmentTallyStore] capability when it
// has one, otherwise by listing the responses in pages.
func TallySegments(ctx context.Context, store Store, f SegmentFilter) (*SegmentTallies, error) {
	if ts, ok := store.(SegmentTallyStore); ok {
		return ts.TallySegments(ctx, f)
	}
	if _, err := store.GetSurvey(ctx, f.Survey); err != nil {
		return nil, err
	}
	t := NewSegmentTallies(f.Survey, f.Keys)
	waves := f.Waves
	if len(waves) == 0 {
		waves = []string{""}
	}
	for _, w := range waves {
		err := eachResponse(ctx, store, survey.ResponseFilter{Survey: f.Survey, Wave: w}, func(r survey.Response) error {
			t.AddResponse(r)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return t, nil
}
