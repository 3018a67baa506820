package cx_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/leanovate/gopter/prop"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
	"github.com/cxculture/cxculture/metrics"
	"github.com/cxculture/cxculture/survey"
)

// tallyCase is an org tree, a survey with 1 to 3 waves and responses to
// them from the tree's units, with a random partition of the responses.
type tallyCase struct {
	Units     []cx.Unit
	Survey    survey.Survey
	Responses []survey.Response
	// Cuts are increasing indexes into Responses that split them into
	// parts.
	Cuts []int
}

func (c tallyCase) String() string {
	return fmt.Sprintf("%d units %v, survey items %v, %d responses, cuts %v", len(c.Units), c.Units, c.Survey.Items, len(c.Responses), c.Cuts)
}

// parts returns the responses split at c.Cuts.
func (c tallyCase) parts() [][]survey.Response {
	var out [][]survey.Response
	prev := 0
	for _, cut := range append(slices.Clone(c.Cuts), len(c.Responses)) {
		out = append(out, c.Responses[prev:cut])
		prev = cut
	}
	return out
}

func tallyCaseFrom(r *rand.Rand, maxUnits, maxResponses int) tallyCase {
	c := tallyCase{Units: cxgen.UnitsFrom(r, maxUnits), Survey: cxgen.SurveyFrom(r, "s"+strconv.Itoa(r.Intn(3)))}
	ids := cxgen.UnitIDs(c.Units)
	var waves []survey.Wave
	for i := range 1 + r.Intn(3) {
		waves = append(waves, cxgen.WaveFrom(r, "w"+strconv.Itoa(i), c.Survey.ID, nil))
	}
	for range r.Intn(maxResponses + 1) {
		w := waves[r.Intn(len(waves))]
		c.Responses = append(c.Responses, cxgen.ResponseFrom(r, c.Survey, w, ids))
	}
	for range r.Intn(4) {
		c.Cuts = append(c.Cuts, r.Intn(len(c.Responses)+1))
	}
	slices.Sort(c.Cuts)
	return c
}

func genTallyCase(maxUnits, maxResponses int) func(*rand.Rand) tallyCase {
	return func(r *rand.Rand) tallyCase { return tallyCaseFrom(r, maxUnits, maxResponses) }
}

// tally tallies rs with a fresh Tallier.
func tallyAll(s survey.Survey, rs []survey.Response) (*cx.Tallies, error) {
	t := cx.NewTallier(s)
	for _, r := range rs {
		if err := t.Add(r); err != nil {
			return nil, err
		}
	}
	return t.Tallies(), nil
}

// naiveTally counts rs the obvious way, one map entry at a time, as an
// independent reference for the Tallier.
func naiveTally(s survey.Survey, rs []survey.Response) *cx.Tallies {
	out := cx.NewTallies(s.ID)
	groups := cx.ReliabilityGroups(s)
	for _, r := range rs {
		out.Respondents[cx.Group{Unit: r.Unit, Wave: r.Wave}]++
		if r.Comment != "" {
			out.Comments[cx.Group{Unit: r.Unit, Wave: r.Wave}]++
		}
		for id, v := range r.Answers {
			it, _ := s.Item(id)
			k := cx.Cell{Unit: r.Unit, Wave: r.Wave, Item: id}
			cur, ok := out.Answers[k]
			if !ok {
				cur = metrics.Tally{Min: it.Scale.Min, Max: it.Scale.Max, Counts: make([]int64, it.Scale.Points())}
			}
			cur.Counts[v-it.Scale.Min]++
			out.Answers[k] = cur
		}
		for _, g := range groups {
			items := make([]survey.Item, len(g))
			for i, id := range g {
				items[i], _ = s.Item(id)
			}
			out.Patterns[cx.PatternKey{Wave: r.Wave, Items: strings.Join(g, ","), Pattern: cx.EncodePattern(items, r.Answers)}]++
		}
	}
	return out
}

// only returns the answers, respondents and comments of unit u in t,
// without patterns.
func onlyUnit(t *cx.Tallies, u string) *cx.Tallies {
	out := cx.NewTallies(t.Survey)
	for k, v := range t.Answers {
		if k.Unit == u {
			out.Answers[k] = v
		}
	}
	for k, v := range t.Respondents {
		if k.Unit == u {
			out.Respondents[k] = v
		}
	}
	for k, v := range t.Comments {
		if k.Unit == u {
			out.Comments[k] = v
		}
	}
	return out
}

// writeCSV writes rs in the wide CSV format.
func writeCSV(s survey.Survey, rs []survey.Response) ([]byte, error) {
	var buf bytes.Buffer
	w := survey.NewCSVWriter(&buf, s, "tenure", "role")
	for _, r := range rs {
		if err := w.Write(r); err != nil {
			return nil, err
		}
	}
	if len(rs) == 0 {
		// The header alone.
		if err := w.Write(survey.Response{Survey: s.ID, Wave: "w0", Unit: "u0", Submitted: cxgen.Base}); err != nil {
			return nil, err
		}
		i := bytes.IndexByte(buf.Bytes(), '\n')
		buf.Truncate(i + 1)
	}
	return buf.Bytes(), nil
}

var csvSegments = &survey.CSVOptions{Segments: []string{"tenure", "role"}}

func TestTallyLaws(t *testing.T) {
	props := cxgen.NewProperties(t, 100)
	gen := cxgen.From(genTallyCase(8, 60))

	props.Property("the Tallier agrees with a naive count", prop.ForAll(func(c tallyCase) string {
		got, err := tallyAll(c.Survey, c.Responses)
		if err != nil {
			return err.Error()
		}
		if !got.Equal(naiveTally(c.Survey, c.Responses)) {
			return "Tallier differs from the naive count"
		}
		return ""
	}, gen))

	props.Property("merge is commutative and associative, and the empty tallies are its identity", prop.ForAll(func(c tallyCase) string {
		var ts []*cx.Tallies
		for _, p := range c.parts() {
			t, err := tallyAll(c.Survey, p)
			if err != nil {
				return err.Error()
			}
			ts = append(ts, t)
		}
		for len(ts) < 3 {
			ts = append(ts, cx.NewTallies(c.Survey.ID))
		}
		a, b, d := ts[0], ts[1], ts[2]
		merge := func(x, y *cx.Tallies) *cx.Tallies {
			out := x.Clone()
			if err := out.Merge(y); err != nil {
				panic(err)
			}
			return out
		}
		if !merge(a, b).Equal(merge(b, a)) {
			return "a+b != b+a"
		}
		if !merge(merge(a, b), d).Equal(merge(a, merge(b, d))) {
			return "(a+b)+d != a+(b+d)"
		}
		if !merge(a, cx.NewTallies(c.Survey.ID)).Equal(a) || !merge(cx.NewTallies(c.Survey.ID), a).Equal(a) {
			return "empty tallies are not the identity"
		}
		before := a.Clone()
		_ = merge(a, b)
		if !a.Equal(before) {
			return "merging into a clone changed the original"
		}
		return ""
	}, gen))

	props.Property("tallying the parts and merging equals tallying the whole, for Tallies and Talliers", prop.ForAll(func(c tallyCase) string {
		whole, err := tallyAll(c.Survey, c.Responses)
		if err != nil {
			return err.Error()
		}
		merged := cx.NewTallies(c.Survey.ID)
		mergedTallier := cx.NewTallier(c.Survey)
		for _, p := range c.parts() {
			pt := cx.NewTallier(c.Survey)
			for _, r := range p {
				if err := pt.Add(r); err != nil {
					return err.Error()
				}
			}
			if err := merged.Merge(pt.Tallies()); err != nil {
				return err.Error()
			}
			if err := mergedTallier.Merge(pt); err != nil {
				return err.Error()
			}
		}
		if !merged.Equal(whole) {
			return "merged Tallies differ from the whole"
		}
		if !mergedTallier.Tallies().Equal(whole) {
			return "merged Talliers differ from the whole"
		}
		return ""
	}, gen))

	props.Property("roll-up: every unit holds exactly the responses of its subtree, re-labelled to it", prop.ForAll(func(c tallyCase) string {
		h, err := cx.NewHierarchy(c.Units)
		if err != nil {
			return err.Error()
		}
		t, err := tallyAll(c.Survey, c.Responses)
		if err != nil {
			return err.Error()
		}
		rolled, err := t.RollUp(h)
		if err != nil {
			return err.Error()
		}
		for _, u := range h.IDs() {
			subtree := append([]string{u}, h.Descendants(u)...)
			var rs []survey.Response
			for _, r := range c.Responses {
				if slices.Contains(subtree, r.Unit) {
					r.Unit = u
					rs = append(rs, r)
				}
			}
			want, err := tallyAll(c.Survey, rs)
			if err != nil {
				return err.Error()
			}
			if !onlyUnit(rolled, u).Equal(onlyUnit(want, u)) {
				return "unit " + u + ": roll-up differs from the tally of its subtree's responses"
			}
		}
		if !equalPatterns(rolled.Patterns, t.Patterns) {
			return "roll-up changed the organization-wide patterns"
		}
		if !t.Equal(naiveTally(c.Survey, c.Responses)) {
			return "roll-up changed its input"
		}
		return ""
	}, gen))

	props.Property("the tally is the same whatever the number of goroutines", prop.ForAll(func(c tallyCase, workers int) string {
		whole, err := tallyAll(c.Survey, c.Responses)
		if err != nil {
			return err.Error()
		}
		talliers := make([]*cx.Tallier, workers)
		errs := make([]error, workers)
		var wg sync.WaitGroup
		for w := range workers {
			talliers[w] = cx.NewTallier(c.Survey)
			wg.Go(func() {
				for i := w; i < len(c.Responses); i += workers {
					if err := talliers[w].Add(c.Responses[i]); err != nil {
						errs[w] = err
						return
					}
				}
			})
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return err.Error()
		}
		for _, o := range talliers[1:] {
			if err := talliers[0].Merge(o); err != nil {
				return err.Error()
			}
		}
		if !talliers[0].Tallies().Equal(whole) {
			return fmt.Sprintf("%d goroutines: tallies differ", workers)
		}
		data, err := writeCSV(c.Survey, c.Responses)
		if err != nil {
			return err.Error()
		}
		got, err := cx.TallyCSV(context.Background(), bytes.NewReader(data), c.Survey, csvSegments, workers)
		if err != nil {
			return "TallyCSV: " + err.Error()
		}
		if !got.Equal(whole) {
			return fmt.Sprintf("TallyCSV with %d workers differs from tallying the responses", workers)
		}
		return ""
	}, cxgen.From(genTallyCase(6, 40)), cxgen.From(func(r *rand.Rand) int { return 1 + r.Intn(8) })))

	props.Run()
}

func equalPatterns(a, b map[cx.PatternKey]int64) bool {
	x, y := cx.NewTallies(""), cx.NewTallies("")
	x.Patterns, y.Patterns = a, b
	return x.Equal(y)
}

// bigPulseCSV writes n responses of a 10-item survey over 30 teams and 3
// waves, with some quoted comments over two lines: over a megabyte for n
// of 15,000 (about 85 bytes a row), so that ScanCSV cuts it into chunks.
func bigPulseCSV(n int) (survey.Survey, []byte) {
	s := survey.Survey{ID: "pulse", Name: "Pulse", Audience: survey.Employee, Version: 1}
	for i := range 9 {
		s.Items = append(s.Items, survey.Item{ID: fmt.Sprintf("q%02d", i+1), Text: "Statement", Scale: survey.Likert5,
			Construct: []string{"agility", "empowerment", "inclusion"}[i/3], Kind: survey.Behavior, Version: 1, Reverse: i%3 == 2})
	}
	s.Items = append(s.Items, survey.Item{ID: "enps", Text: "Recommend", Scale: survey.NPS, Construct: survey.ENPS, Kind: survey.Outcome, Version: 1})
	r := rand.New(rand.NewSource(7))
	var b strings.Builder
	b.WriteString("respondent_id,unit_id,wave,submitted_at,q01,q02,q03,q04,q05,q06,q07,q08,q09,enps,comment\n")
	for i := range n {
		fmt.Fprintf(&b, "%016x%016x,team%02d,%d,2026-0%d-%02dT09:%02d:00Z", r.Uint64(), i, r.Intn(30), 1+r.Intn(3), 1+r.Intn(9), 1+r.Intn(28), r.Intn(60))
		for range 9 {
			if r.Intn(30) == 0 {
				b.WriteString(",")
			} else {
				fmt.Fprintf(&b, ",%d", 1+r.Intn(5))
			}
		}
		fmt.Fprintf(&b, ",%d,", r.Intn(11))
		if r.Intn(50) == 0 {
			b.WriteString("\"first line,\nsecond \"\"line\"\"\"")
		}
		b.WriteString("\n")
	}
	return s, []byte(b.String())
}

func TestTallyCSVSameForEveryWorkerCount(t *testing.T) {
	n := 15000
	s, data := bigPulseCSV(n)
	require.Greater(t, len(data), 1<<20, "the input must span several chunks")
	// Reference: the responses read one at a time and tallied in order.
	cr, err := survey.NewCSVReader(bytes.NewReader(data), s, nil)
	require.NoError(t, err)
	var rs []survey.Response
	for {
		r, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		rs = append(rs, r)
	}
	require.Len(t, rs, n)
	want, err := tallyAll(s, rs)
	require.NoError(t, err)
	require.True(t, want.Equal(naiveTally(s, rs)))
	for _, workers := range []int{1, 2, 3, 8} {
		got, err := cx.TallyCSV(t.Context(), bytes.NewReader(data), s, nil, workers)
		require.NoError(t, err)
		assert.True(t, got.Equal(want), "TallyCSV with %d workers", workers)

		// survey.ScanCSV with a tallier per worker, merged.
		talliers := make([]*cx.Tallier, workers)
		for i := range talliers {
			talliers[i] = cx.NewTallier(s)
		}
		err = survey.ScanCSV(t.Context(), bytes.NewReader(data), s, nil, workers, func(w int, row *survey.Row) error {
			return talliers[w].AddRow(row.Unit, row.Wave, row.Values, row.HasComment())
		})
		require.NoError(t, err)
		for _, o := range talliers[1:] {
			require.NoError(t, talliers[0].Merge(o))
		}
		assert.True(t, talliers[0].Tallies().Equal(want), "ScanCSV with %d workers", workers)
	}
}

func TestTallyCSVErrors(t *testing.T) {
	s, data := bigPulseCSV(3000)
	lines := strings.Split(string(data), "\n")
	// Break one answer far into the file.
	bad := 2500
	for strings.Count(lines[bad], ",") != 14 {
		bad++ // a comment's second line
	}
	fields := strings.Split(lines[bad], ",")
	fields[5] = "9"
	lines[bad] = strings.Join(fields, ",")
	broken := strings.Join(lines, "\n")
	for _, workers := range []int{1, 3, 8} {
		_, err := cx.TallyCSV(t.Context(), strings.NewReader(broken), s, nil, workers)
		var pe *survey.ParseError
		require.ErrorAs(t, err, &pe, "workers=%d", workers)
		assert.Equal(t, 6, pe.Column)
		assert.Equal(t, "q02", pe.Header)
		assert.Contains(t, pe.Reason, "outside scale")
		assert.Greater(t, pe.Line, bad, "line numbers count the header and multi-line comments")
	}
	// With SkipBadRows the bad row is reported and the rest tallied.
	var reported []int
	got, err := cx.TallyCSV(t.Context(), strings.NewReader(broken), s, &survey.CSVOptions{SkipBadRows: true,
		OnBadRow: func(pe *survey.ParseError) { reported = append(reported, pe.Line) }}, 4)
	require.NoError(t, err)
	require.Len(t, reported, 1)
	var total int64
	for _, n := range got.Respondents {
		total += n
	}
	assert.EqualValues(t, 2999, total)

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = cx.TallyCSV(ctx, bytes.NewReader(data), s, nil, 2)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestTallierRejectsBadResponsesWhole(t *testing.T) {
	s := survey.Survey{ID: "s", Name: "S", Audience: survey.Employee, Version: 1, Items: []survey.Item{
		{ID: "a", Text: "A", Scale: survey.Likert5, Construct: "x", Kind: survey.Behavior, Version: 1},
		{ID: "b", Text: "B", Scale: survey.Likert5, Construct: "x", Kind: survey.Behavior, Version: 1},
	}}
	tl := cx.NewTallier(s)
	good := survey.Response{Survey: "s", Wave: "w", Unit: "u", Answers: map[string]int{"a": 1, "b": 5}}
	require.NoError(t, tl.Add(good))
	want := tl.Tallies()
	for name, r := range map[string]survey.Response{
		"other survey":  {Survey: "t", Wave: "w", Unit: "u", Answers: map[string]int{"a": 1}},
		"unknown item":  {Survey: "s", Wave: "w", Unit: "u", Answers: map[string]int{"a": 2, "zz": 1}},
		"outside scale": {Survey: "s", Wave: "w", Unit: "u", Answers: map[string]int{"a": 2, "b": 6}},
	} {
		err := tl.Add(r)
		assert.ErrorIs(t, err, cx.ErrInvalid, name)
		assert.True(t, tl.Tallies().Equal(want), "%s: nothing of a rejected response is tallied", name)
	}
	assert.ErrorIs(t, tl.AddRow("u", "w", []int{1}, false), cx.ErrInvalid, "a row of the wrong length")
	assert.ErrorIs(t, tl.AddRow("u", "w", []int{1, 0}, false), cx.ErrInvalid, "a row value outside the scale")
	assert.True(t, tl.Tallies().Equal(want))

	other := cx.NewTallies("t")
	assert.Error(t, want.Clone().Merge(other), "tallies of another survey do not merge")
	s2 := s.Clone()
	s2.Items = s2.Items[:1]
	assert.Error(t, tl.Merge(cx.NewTallier(s2)), "talliers of different item sets do not merge")

	h, err := cx.NewHierarchy([]cx.Unit{{ID: "org", Name: "Org"}})
	require.NoError(t, err)
	_, err = want.RollUp(h)
	assert.ErrorIs(t, err, cx.ErrNotFound, "a unit missing from the hierarchy")
}

// TestTallierAgreesWithNaiveCountOnManyGroups tallies a survey with more
// reliability groups than the Tallier adds up in its own array (18 pairs
// of items), one group too large to count densely (7 items on five
// points) and one counted by its text (11 items on 62 points, more
// patterns than a code holds), with skipped answers, and compares with
// the naive count.
func TestTallierAgreesWithNaiveCountOnManyGroups(t *testing.T) {
	wide := survey.Scale{ID: "wide", Min: 0, Max: 61, FavorableMin: 50, FavorableMax: 61}
	s := survey.Survey{ID: "many", Name: "Many", Audience: survey.Employee, Version: 1}
	add := func(construct string, n int, scale survey.Scale) {
		for j := range n {
			id := fmt.Sprintf("%s_%d", construct, j)
			s.Items = append(s.Items, survey.Item{ID: id, Text: id, Scale: scale, Construct: construct, Kind: survey.Behavior, Version: 1})
		}
	}
	for g := range 18 {
		add(fmt.Sprintf("pair%02d", g), 2, survey.Likert5)
	}
	add("seven", 7, survey.Likert5)
	add("wide", 11, wide)
	s.Items = append(s.Items, survey.Item{ID: "enps", Text: "E", Scale: survey.NPS, Construct: survey.ENPS, Kind: survey.Outcome, Version: 1})
	require.NoError(t, s.Validate())
	rng := rand.New(rand.NewSource(cxgen.Seed(t)))
	var rs []survey.Response
	for i := range 600 {
		r := survey.Response{Survey: s.ID, Wave: []string{"w1", "w2"}[i%2], Unit: []string{"a", "b", "c"}[rng.Intn(3)], Answers: map[string]int{}}
		for _, it := range s.Items {
			if rng.Intn(6) > 0 {
				r.Answers[it.ID] = it.Scale.Min + rng.Intn(min(it.Scale.Points(), 4))
			}
		}
		rs = append(rs, r)
	}
	got, err := tallyAll(s, rs)
	require.NoError(t, err)
	want := naiveTally(s, rs)
	require.True(t, got.Equal(want), "Tallier differs from the naive count")
	// Every group has patterns in both waves.
	keys := map[string]bool{}
	for k := range got.Patterns {
		keys[k.Wave+" "+k.Items] = true
	}
	assert.Len(t, keys, 2*20)
}

// TestTalliesEqualAgreesWithItsDefinition: Equal agrees with its
// definition (every key of either tallies: the same counts, a missing
// entry and a zero count alike, an empty tally equal to any other empty
// one) on random pairs of tallies that differ by a few edits.
func TestTalliesEqualAgreesWithItsDefinition(t *testing.T) {
	r := rand.New(rand.NewSource(cxgen.Seed(t)))
	n := func(m metrics.Tally) (s int64) {
		for _, c := range m.Counts {
			s += c
		}
		return s
	}
	sameTally := func(a, b metrics.Tally) bool {
		if n(a) == 0 || n(b) == 0 {
			return n(a) == n(b)
		}
		return a.Min == b.Min && a.Max == b.Max && slices.Equal(a.Counts, b.Counts)
	}
	definition := func(a, b *cx.Tallies) bool {
		if a.Survey != b.Survey {
			return false
		}
		for _, m := range []map[cx.Cell]metrics.Tally{a.Answers, b.Answers} {
			for k := range m {
				if !sameTally(a.Answers[k], b.Answers[k]) {
					return false
				}
			}
		}
		for _, pair := range [][2]map[cx.Group]int64{{a.Respondents, b.Respondents}, {a.Comments, b.Comments}} {
			for _, m := range pair {
				for k := range m {
					if pair[0][k] != pair[1][k] {
						return false
					}
				}
			}
		}
		for _, m := range []map[cx.PatternKey]int64{a.Patterns, b.Patterns} {
			for k := range m {
				if a.Patterns[k] != b.Patterns[k] {
					return false
				}
			}
		}
		return true
	}
	tally := func() metrics.Tally {
		m := metrics.Tally{Min: 1 + r.Intn(2), Max: 3}
		m.Counts = make([]int64, m.Max-m.Min+1)
		for i := range m.Counts {
			if r.Intn(3) == 0 {
				m.Counts[i] = int64(r.Intn(2))
			}
		}
		return m
	}
	cell := func() cx.Cell {
		return cx.Cell{Unit: fmt.Sprint("u", r.Intn(3)), Wave: "w1", Item: fmt.Sprint("q", r.Intn(3))}
	}
	group := func() cx.Group { return cx.Group{Unit: fmt.Sprint("u", r.Intn(3)), Wave: fmt.Sprint("w", r.Intn(2))} }
	pattern := func() cx.PatternKey {
		return cx.PatternKey{Wave: "w1", Items: "q1,q2", Pattern: fmt.Sprint("A", r.Intn(3))}
	}
	edit := func(x *cx.Tallies) {
		switch r.Intn(8) {
		case 0:
			x.Answers[cell()] = tally()
		case 1:
			delete(x.Answers, cell())
		case 2:
			x.Respondents[group()] = int64(r.Intn(2))
		case 3:
			delete(x.Respondents, group())
		case 4:
			x.Comments[group()] = int64(r.Intn(2))
		case 5:
			x.Patterns[pattern()] = int64(r.Intn(2))
		case 6:
			delete(x.Patterns, pattern())
		default:
			for k, v := range x.Answers {
				v = v.Clone()
				v.Counts[r.Intn(len(v.Counts))]++
				x.Answers[k] = v
				break
			}
		}
	}
	var equal, unequal int
	for range cxgen.Runs(t, 3000) {
		a := cx.NewTallies("pulse")
		for range r.Intn(6) {
			edit(a)
		}
		b := a.Clone()
		for range r.Intn(3) {
			edit(b)
		}
		if r.Intn(50) == 0 {
			b.Survey = "other"
		}
		want := definition(a, b)
		if got := a.Equal(b); got != want {
			t.Fatalf("Equal says %v, its definition %v:\n\t%+v\n\t%+v", got, want, a, b)
		}
		if got := b.Equal(a); got != want {
			t.Fatalf("Equal (swapped) says %v, its definition %v:\n\t%+v\n\t%+v", got, want, b, a)
		}
		if want {
			equal++
		} else {
			unequal++
		}
	}
	if equal < 100 || unequal < 100 {
		t.Fatalf("the pairs were %d equal and %d unequal: too few of one kind", equal, unequal)
	}
}
