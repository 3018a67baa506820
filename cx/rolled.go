package cx

import (
	"errors"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/cxculture/cxculture/metrics"
	"github.com/cxculture/cxculture/survey"
)

// rolled holds the answers and respondents of a few waves of tallies,
// rolled up a hierarchy, in flat arrays: one block of counts per unit and
// wave, with the items of the survey side by side. It is what a scorecard
// reads; building it costs one pass over the tallies and no allocation per
// cell.
type rolled struct {
	h      *Hierarchy
	keep   map[string]bool // the waves rolled up
	chains map[Group][]*rolledBlock
	items  []survey.Item
	offset map[string]int // item ID → start of its counts in a block
	width  int
	blocks map[Group]*rolledBlock
	slab   []int64
}

// rolledReader reads a rolled view; unlike the view, which is safe for
// concurrent reads, a reader serves one goroutine.
type rolledReader struct {
	*rolled
	// scratch holds the pooled counts of one behavior.
	scratch []int64
	// offs holds the offsets of the items of the slices pooled so far,
	// by their first element: a scorecard pools the same few slices of
	// items in every unit. last is the block of the last unit and wave
	// read, lastKey its key.
	offs    map[*survey.Item][]int
	last    *rolledBlock
	lastKey Group
}

// offsets returns the offsets of items' counts in a block, -1 for an item
// not tallied.
func (r *rolledReader) offsets(items []survey.Item) []int {
	if len(items) == 0 {
		return nil
	}
	if o, ok := r.offs[&items[0]]; ok && len(o) == len(items) {
		return o
	}
	o := make([]int, len(items))
	for i := range items {
		off, ok := r.offset[items[i].ID]
		if !ok {
			off = -1
		}
		o[i] = off
	}
	if r.offs == nil {
		r.offs = map[*survey.Item][]int{}
	}
	r.offs[&items[0]] = o
	return o
}

type rolledBlock struct {
	counts      []int64
	respondents int64
}

// rollUpWaves rolls the answers and respondents of the given waves of t up
// h. A unit of t missing from h is an error wrapping [ErrNotFound]; a cell
// whose scale differs from its item's is an error wrapping [ErrInvalid].
// Cells of items not in s are not scored and are left out.
func rollUpWaves(h *Hierarchy, s survey.Survey, t *Tallies, waves ...string) (*rolled, error) {
	r := newRolled(h, s, waves)
	for g, n := range t.Respondents {
		if !r.keep[g.Wave] {
			continue
		}
		c, err := r.chain(g.Unit, g.Wave)
		if err != nil {
			return nil, err
		}
		for _, b := range c {
			b.respondents += n
		}
	}
	index := make(map[string]int, len(s.Items))
	for i, it := range s.Items {
		index[it.ID] = i
	}
	for k, v := range t.Answers {
		if !r.keep[k.Wave] {
			continue
		}
		i, ok := index[k.Item]
		if !ok {
			continue
		}
		it := s.Items[i]
		if v.N() == 0 {
			continue
		}
		if v.Min != it.Scale.Min || v.Max != it.Scale.Max || len(v.Counts) != it.Scale.Points() {
			return nil, fmt.Errorf("cx: tallies of %s/%s/%s are on [%d,%d], the item's scale is %s: %w",
				k.Unit, k.Wave, k.Item, v.Min, v.Max, it.Scale, ErrInvalid)
		}
		c, err := r.chain(k.Unit, k.Wave)
		if err != nil {
			return nil, err
		}
		off := r.offset[k.Item]
		for _, b := range c {
			dst := b.counts[off : off+len(v.Counts)]
			for j, n := range v.Counts {
				dst[j] += n
			}
		}
	}
	return r, nil
}

// newRolled returns an empty view of the given waves of survey s over h.
func newRolled(h *Hierarchy, s survey.Survey, waves []string) *rolled {
	r := &rolled{h: h, items: s.Items, offset: make(map[string]int, len(s.Items)), blocks: map[Group]*rolledBlock{},
		keep: make(map[string]bool, len(waves)), chains: map[Group][]*rolledBlock{}}
	for _, it := range s.Items {
		r.offset[it.ID] = r.width
		r.width += it.Scale.Points()
	}
	for _, w := range waves {
		r.keep[w] = true
	}
	return r
}

// chain returns the blocks of a unit and its ancestors in a wave.
func (r *rolled) chain(unit, wave string) ([]*rolledBlock, error) {
	if c, ok := r.chains[Group{unit, wave}]; ok {
		return c, nil
	}
	if !r.h.Has(unit) {
		return nil, errNotInHierarchy(unit)
	}
	ids := withAncestors(r.h, unit)
	c := make([]*rolledBlock, len(ids))
	for i, id := range ids {
		c[i] = r.block(id, wave)
	}
	r.chains[Group{unit, wave}] = c
	return c, nil
}

// block returns the block of a unit and wave, creating it empty.
func (r *rolled) block(unit, wave string) *rolledBlock {
	b, _ := r.newBlock(unit, wave)
	return b
}

// newBlock returns the block of a unit and wave, and whether it created
// it (empty).
func (r *rolled) newBlock(unit, wave string) (*rolledBlock, bool) {
	g := Group{unit, wave}
	if b := r.blocks[g]; b != nil {
		return b, false
	}
	if len(r.slab) < r.width {
		r.slab = make([]int64, max(r.width*64, 1024))
		writeFirst(r.slab)
	}
	b := &rolledBlock{counts: r.slab[:r.width:r.width]}
	r.slab = r.slab[r.width:]
	r.blocks[g] = b
	return b, true
}

// respondents returns the respondents of a unit in a wave, rolled up.
func (r *rolled) respondents(unit, wave string) int64 {
	if b := r.blocks[Group{unit, wave}]; b != nil {
		return b.respondents
	}
	return 0
}

// answers returns the answer vectors over space of the units in each
// wave, rolled up, for a privacy plan.
func (r *rolled) answers(space *answerSpace) func(unit, wave string) []int64 {
	return func(unit, wave string) []int64 {
		vec := make([]int64, space.width())
		for _, it := range r.items {
			space.addTally(vec, it.ID, r.tally(unit, wave, it))
		}
		return vec
	}
}

// tally returns the answers to one item of a unit in a wave; the counts
// alias the block and must not be changed.
func (r *rolled) tally(unit, wave string, it survey.Item) metrics.Tally {
	b := r.blocks[Group{unit, wave}]
	off, ok := r.offset[it.ID]
	if b == nil || !ok {
		return metrics.Tally{}
	}
	p := it.Scale.Points()
	return metrics.Tally{Min: it.Scale.Min, Max: it.Scale.Max, Counts: b.counts[off : off+p : off+p]}
}

// pooled returns the favorable answers of items in a unit and wave, after
// reverse keying, and their pooled keyed answers as one tally, with
// sameScale false when the items use different scales. The pooled tally
// is valid until the next call.
func (r *rolledReader) pooled(unit, wave string, items []survey.Item) (fav metrics.Proportion, all metrics.Tally, sameScale bool) {
	b := r.last
	if b == nil || r.lastKey.Unit != unit || r.lastKey.Wave != wave {
		b = r.blocks[Group{unit, wave}]
		r.last, r.lastKey = b, Group{unit, wave}
	}
	if b == nil {
		return fav, all, true
	}
	offs := r.offsets(items)
	return poolItems(items, func(i int) metrics.Tally {
		off := offs[i]
		if off < 0 {
			return metrics.Tally{}
		}
		it := &items[i]
		return metrics.Tally{Min: it.Scale.Min, Max: it.Scale.Max, Counts: b.counts[off : off+it.Scale.Points()]}
	}, r.scratchCounts)
}

// poolItems pools the answers of items, as tallyOf(i) gives those of
// items[i] (as answered, on the tally's own scale): the favorable answers
// after reverse keying, and the keyed answers as one tally whose counts
// come from counts(n); sameScale is false when the items' tallies use
// different scales, and the pooled tally then holds the first scale's.
func poolItems(items []survey.Item, tallyOf func(int) metrics.Tally, counts func(n int) []int64) (fav metrics.Proportion, all metrics.Tally, sameScale bool) {
	sameScale = true
	for i := range items {
		it := &items[i]
		c := tallyOf(i)
		n := c.N()
		if n == 0 {
			continue
		}
		lo, hi := c.Min, c.Max
		if all.Counts == nil {
			all = metrics.Tally{Min: lo, Max: hi, Counts: counts(len(c.Counts))}
		} else if all.Min != lo || all.Max != hi {
			sameScale = false
		}
		// Answer v counts at index j = v-lo, or, reverse keyed, as
		// v = hi-j: the favorable answers are one run of indexes.
		f0, f1 := it.Scale.FavorableMin-lo, it.Scale.FavorableMax-lo
		if it.Reverse {
			f0, f1 = hi-it.Scale.FavorableMax, hi-it.Scale.FavorableMin
		}
		from := min(max(f0, 0), len(c.Counts))
		for _, k := range c.Counts[from:max(min(f1+1, len(c.Counts)), from)] {
			fav.Successes += k
		}
		if sameScale {
			dst := all.Counts[:len(c.Counts)]
			if it.Reverse {
				for j, k := range c.Counts {
					dst[len(dst)-1-j] += k
				}
			} else {
				for j, k := range c.Counts {
					dst[j] += k
				}
			}
		}
		fav.N += n
	}
	return fav, all, sameScale
}

func (r *rolledReader) scratchCounts(n int) []int64 {
	if cap(r.scratch) < n {
		r.scratch = make([]int64, n)
	}
	s := r.scratch[:n]
	clear(s)
	return s
}

// Scorecards computes scorecards straight from what t has tallied: each
// equals what [NewScorecards](h, t.Survey(), t.Tallies(), opts...) returns,
// without building the [Tallies] maps, which saves their memory and time
// when a program scores a file it has just read (see [TallierFromCSV]).
// Errors are those of NewScorecards.
func (t *Tallier) Scorecards(h *Hierarchy, opts ...ScorecardOptions) ([]*Scorecard, error) {
	waves, scored, err := prepareScorecards(opts)
	if err != nil || len(opts) == 0 {
		return nil, err
	}
	if slices.ContainsFunc(opts, ScorecardOptions.needsRestating) {
		return NewScorecards(h, t.s, t.Tallies(), opts...)
	}
	// The plans read their own waves only: those are rolled up first,
	// and the plans start before the other waves are rolled up; the
	// scorecards then read the blocks of both.
	var runs *scorecardPlans
	var early *rolled
	if pw := plannedWaves(opts); len(pw) > 0 && len(pw) < len(waves) {
		if early, err = t.rollUp(h, pw); err != nil {
			return nil, err
		}
		runs = startPlans(h, t.s, early, opts)
		waves = slices.DeleteFunc(slices.Clone(waves), func(w string) bool { return slices.Contains(pw, w) })
	}
	// The reliability statistics read the waves' pattern counts, which
	// the roll-up does not: they are computed meanwhile.
	type statsOf struct {
		byWave map[string]groupStats
		err    error
	}
	stats := make(chan statsOf, 1)
	go func() {
		byWave, err := t.stats(scored)
		stats <- statsOf{byWave, err}
	}()
	r, err := t.rollUp(h, waves)
	if err != nil {
		if runs != nil {
			runs.wait()
		}
		<-stats
		return nil, err
	}
	if early != nil {
		maps.Copy(r.blocks, early.blocks)
	}
	return scoreAll(h, t.s, r, runs, func() (map[string]groupStats, error) { s := <-stats; return s.byWave, s.err }, opts)
}

// rollUp rolls the tallied blocks of the given waves up h.
func (t *Tallier) rollUp(h *Hierarchy, waves []string) (*rolled, error) {
	r := newRolled(h, t.s, waves)
	// A block per unit and wave at most: the map is made at about its
	// final size rather than grown from empty.
	r.blocks = make(map[Group]*rolledBlock, min(h.Len()*len(waves), 2*len(t.blocks)+len(waves)))
	// Each tallied block adds to its unit's block, then each unit's block,
	// the deepest first, to its parent's: one addition of counts per unit
	// and wave rather than one per tallied block and ancestor.
	type fresh struct {
		g Group
		b *rolledBlock
	}
	var byDepth [][]fresh
	made := func(g Group, b *rolledBlock) {
		d := h.Depth(g.Unit)
		for len(byDepth) <= d {
			byDepth = append(byDepth, nil)
		}
		byDepth[d] = append(byDepth[d], fresh{g, b})
	}
	for k, b := range t.blocks {
		if !r.keep[k.Wave] {
			continue
		}
		if !h.Has(k.Unit) {
			return nil, errNotInHierarchy(k.Unit)
		}
		rb, created := r.newBlock(k.Unit, k.Wave)
		if created {
			made(k, rb)
		}
		rb.respondents += b.respondents()
		b.addTo(rb.counts)
	}
	for d := len(byDepth) - 1; d > 0; d-- {
		for _, f := range byDepth[d] {
			u, _ := h.Unit(f.g.Unit)
			pg := Group{u.Parent, f.g.Wave}
			pb, created := r.newBlock(pg.Unit, pg.Wave)
			if created {
				made(pg, pb)
			}
			pb.respondents += f.b.respondents
			for i, c := range f.b.counts {
				pb.counts[i] += c
			}
		}
	}
	return r, nil
}

// stats returns the reliability statistics of each group of items in
// the given waves, computed once per wave and group (on goroutines, one
// wave each) and shared by the scorecards of the wave. A dense group's
// statistics are added straight from its pattern codes, without the
// patterns' texts.
func (t *Tallier) stats(waves []string) (map[string]groupStats, error) {
	var distinct []string
	for _, w := range waves {
		if !slices.Contains(distinct, w) {
			distinct = append(distinct, w)
		}
	}
	byWave := make([]map[string]*metrics.ScaleStats, len(distinct))
	errs := make([]error, len(distinct))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(len(distinct), runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(distinct); i = int(next.Add(1) - 1) {
				byWave[i], errs[i] = t.waveStats(t.waves[distinct[i]])
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	out := make(map[string]groupStats, len(distinct))
	for i, w := range distinct {
		byGroup := byWave[i]
		out[w] = func(group []string) (*metrics.ScaleStats, error) {
			if st := byGroup[strings.Join(group, ",")]; st != nil {
				return st, nil
			}
			return scaleStats(t.s, group, nil)
		}
	}
	return out, nil
}

// waveStats returns the statistics of each reliability group in one wave
// (none when wb is nil), by group key.
func (t *Tallier) waveStats(wb *waveBlock) (map[string]*metrics.ScaleStats, error) {
	out := make(map[string]*metrics.ScaleStats, len(t.groups))
	if wb == nil {
		return out, nil
	}
	wb.flushAll() // each wave on one goroutine

	var wide []int64 // the dense counts of a group, as AddCodes reads them
	for gi := range t.groups {
		g := &t.groups[gi]
		st := metrics.NewScaleStats(len(g.items))
		if d := wb.dense[gi]; d != nil {
			wide = slices.Grow(wide[:0], len(d))[:len(d)]
			for i, c := range d {
				wide[i] = int64(c)
			}
			if err := t.addDense(st, g, wide); err != nil {
				return nil, err
			}
		}
		var pcs []patternCount
		for code, c := range wb.sparse[gi] {
			pcs = append(pcs, patternCount{t.decode(*g, code), c})
		}
		for p, c := range wb.text[gi] {
			pcs = append(pcs, patternCount{p, c})
		}
		ids := make([]string, len(g.items))
		for j, i := range g.items {
			ids[j] = t.items[i].ID
		}
		if err := addPatterns(st, t.s, ids, pcs); err != nil {
			return nil, err
		}
		out[g.key] = st
	}
	return out, nil
}

// addDense adds the patterns of dense group g, counted by code in d, to
// st: each answer as keyed, a skipped one as missing. The patterns are
// counted by level (metrics.ScaleCounts.AddCodes: integer additions; code
// = Σ digit·base, the last item's digit moving fastest); the statistics
// are sums of whole numbers, exact in any order.
func (t *Tallier) addDense(st *metrics.ScaleStats, g *patternGroup, d []int64) error {
	// keyed[j][v] is the keyed answer of digit v (1 + answer - min) to
	// the group's j-th item; digit 0 is a skipped answer.
	keyed := make([][]float64, len(g.items))
	for j, i := range g.items {
		it := t.items[i]
		p := it.Scale.Points()
		keyed[j] = make([]float64, p+1)
		for v := 1; v <= p; v++ {
			keyed[j][v] = float64(it.Keyed(it.Scale.Min + v - 1))
		}
	}
	counts, err := metrics.NewScaleCounts(keyed)
	if err != nil {
		return err
	}
	// The codes are the levels' mixed-radix numbers, as AddCodes reads
	// them.
	if err := counts.AddCodes(d); err != nil {
		return err
	}
	return counts.AddTo(st)
}

// Waves returns the distinct waves tallied, sorted.
func (t *Tallier) Waves() []string {
	set := map[string]bool{}
	for g := range t.blocks {
		set[g.Wave] = true
	}
	return slices.Sorted(maps.Keys(set))
}

// Respondents returns the number of responses tallied per unit and wave,
// as [Tallies.Respondents] does.
func (t *Tallier) Respondents() map[Group]int64 {
	out := make(map[Group]int64, len(t.blocks))
	for g, b := range t.blocks {
		out[g] = b.respondents()
	}
	return out
}

// pooled returns the keyed answers of items in one unit and wave of t
// merged into one tally, or sameScale false when the items use different
// scales.
func pooled(t *Tallies, unit, wave string, items []survey.Item) (fav metrics.Proportion, all metrics.Tally, sameScale bool) {
	return poolItems(items, func(i int) metrics.Tally {
		return t.Answers[Cell{unit, wave, items[i].ID}]
	}, func(n int) []int64 { return make([]int64, n) })
}
