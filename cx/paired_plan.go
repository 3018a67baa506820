package cx

import (
	"context"
	"fmt"
	"slices"

	"github.com/cxculture/cxculture/survey"
)

// Paired figures (the people of a unit who answered two waves) are groups
// of their own, published beside the cross-sectional figures of the
// program's plan: a unit's paired figures subtracted from its scorecard
// figures give the people who answered only one of the waves, and a
// parent's paired figures minus its children's give the pairs of a child.
// This file decides which paired figures may be shown, so that no group
// below the minimum can be worked out by subtracting any of them from
// each other or from the plan's shown figures.
//
// The rule: every published figure, cross-sectional or paired, is a sum
// over a set of people (their answers, or their count). Any sum a reader
// can work out by adding and subtracting published figures is then a sum
// over a union of the blocks of the partition those sets make (people
// belonging to exactly the same published sets). Where the
// cross-sectional sets are nested (no segments declared), a paired figure
// is shown unless a group of 1 to minimum-1 people that the scorecards
// alone do not give is a combination of the published sums, decided as
// a minimum cut for a reader stronger than any real one (paired_cut.go);
// with segments declared, it is shown only when every block it helps to
// cut out of a block of the shown cross-sectional sets holds no one or at
// least the minimum of people. Either way the cross-sectional blocks
// themselves are the plan's to protect. It is checked per wave, for
// respondents (counts) and for the answers to each item a paired figure
// pools (who answered the item), and per behavior for the people a
// paired figure counts as favorable; and over every pair of the survey's
// waves, since a reader may ask for each pair.

// pairedData holds the responses of a survey's waves as paired figures
// read them.
type pairedData struct {
	waves map[string]survey.Wave
	order []string
	orgs  map[string]*Hierarchy
	recs  map[string][]pairedRecord
	// last holds, per wave, the index of each person's last response.
	last  map[string]map[string]int
	pairs []*pairSpec
	index map[[2]string]int
	keys  []string
}

// pairedRecord is one response: a coordinate of the sums published.
type pairedRecord struct {
	person    string
	unit      string
	submitted int64
	answers   map[string]int
	segs      map[string]string
}

// pairSpec is one ordered pair of waves: people counted in the unit they
// answered wave from, compared with base.
type pairSpec struct {
	wave, base string
	names      []string
	alike      [][]survey.Item
	brk        []string
	people     []string
}

// pcell is a paired figure: the pairs of a unit (beh -1), or of one of
// its behaviors (beh, an index into the pair's names).
type pcell struct {
	pair int
	unit string
	beh  int
}

// pairedPlan says which paired figures may be shown.
type pairedPlan struct {
	min    int
	data   *pairedData
	plan   *Disclosure
	shown  map[pcell]bool
	hidden map[pcell]string
	// seen memoizes the plan's answers: whether a cross-sectional set is
	// shown.
	seen map[string]bool
	// ix is the responses read for the checks, once they start.
	ix *pairedIndex
	// hides counts the figures hidden by the checks.
	hides int
}

// waveLabel names a wave for leaders: its name, or the day it opened (as
// [Panel] names waves).
func waveLabel(w survey.Wave) string {
	if w.Name != "" {
		return w.Name
	}
	return "the survey of " + dateText(w.Opens)
}

// readPaired reads every response of the plan's waves.
func (p *Program) readPaired(ctx context.Context, s survey.Survey, plan *Disclosure) (*pairedData, error) {
	hist, err := p.Org(ctx)
	if err != nil {
		return nil, err
	}
	d := &pairedData{waves: map[string]survey.Wave{}, orgs: map[string]*Hierarchy{}, recs: map[string][]pairedRecord{},
		last: map[string]map[string]int{}, index: map[[2]string]int{}}
	var waves []survey.Wave
	for _, id := range plan.Waves() {
		w, err := p.store.GetWave(ctx, id)
		if err != nil {
			return nil, err
		}
		if h, ok := hist.At(w.Opens); ok {
			d.waves[id], d.orgs[id] = w, h
			d.order = append(d.order, id)
			waves = append(waves, w)
			d.last[id] = map[string]int{}
		}
	}
	fielded, err := p.fieldedOf(ctx, s, waves)
	if err != nil {
		return nil, err
	}
	if d.keys, err = p.segmentKeys(ctx, s); err != nil {
		return nil, err
	}
	err = eachResponse(ctx, p.store, survey.ResponseFilter{Survey: s.ID}, func(r survey.Response) error {
		if _, ok := d.waves[r.Wave]; !ok {
			return nil
		}
		rec := pairedRecord{person: r.Respondent, unit: r.Unit, submitted: r.Submitted.UnixMicro(), answers: r.Answers, segs: r.Segments}
		d.recs[r.Wave] = append(d.recs[r.Wave], rec)
		if r.Respondent == "" {
			return nil
		}
		last := d.last[r.Wave]
		if i, ok := last[r.Respondent]; !ok || rec.submitted >= d.recs[r.Wave][i].submitted {
			last[r.Respondent] = len(d.recs[r.Wave]) - 1
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, w := range d.order {
		for _, b := range d.order {
			wv, bv := d.waves[w], d.waves[b]
			if w == b || (hist.Changed(bv.Opens, wv.Opens) || hist.Changed(wv.Opens, bv.Opens)) && bv.Opens.After(wv.Opens) {
				continue // a pair PairedChange refuses
			}
			so := ScorecardOptions{Wave: w, Baseline: b, Fielded: fielded}
			fw := so.instrument(s, w)
			ps := &pairSpec{wave: w, base: b}
			var items [][]survey.Item
			ps.names, items = behaviorItems(fw)
			for _, its := range items {
				alike, brk := so.comparableItems(fw, its)
				ps.alike, ps.brk = append(ps.alike, alike), append(ps.brk, brk)
			}
			for id := range d.last[w] {
				if _, ok := d.last[b][id]; ok {
					ps.people = append(ps.people, id)
				}
			}
			slices.Sort(ps.people)
			d.index[[2]string{w, b}] = len(d.pairs)
			d.pairs = append(d.pairs, ps)
		}
	}
	return d, nil
}

// rec returns the last response of a person in a wave.
func (d *pairedData) rec(wave, person string) pairedRecord {
	return d.recs[wave][d.last[wave][person]]
}

// upward returns unit and the units above it in h.
func upward(h *Hierarchy, unit string) []string {
	if !h.Has(unit) {
		return nil
	}
	return append([]string{unit}, h.Ancestors(unit)...)
}

// planPaired decides which paired figures of every pair of waves of d
// may be shown under the program's plan.
func planPaired(d *pairedData, plan *Disclosure) *pairedPlan {
	pp := &pairedPlan{min: plan.Privacy().MinScores, data: d, plan: plan, shown: map[pcell]bool{}, hidden: map[pcell]string{}, seen: map[string]bool{}}
	ix := pp.index()
	// The people each figure counts: a pair's entries in its later wave.
	people := make([]int, len(ix.cells))
	for _, ps := range d.pairs {
		for _, es := range ix.waves[ps.wave].entries {
			for _, e := range es {
				if d.pairs[e.pair] != ps {
					continue
				}
				for _, c := range e.cells {
					people[c]++
					for j, both := range e.both {
						if both {
							people[c+1+int32(j)]++
						}
					}
				}
			}
		}
	}
	for pi, ps := range d.pairs {
		h, hb := d.orgs[ps.wave], d.orgs[ps.base]
		count := func(u string) int { return people[ix.ids[pcell{pi, u, -1}]] }
		counts := func(j int, u string) int { return people[ix.ids[pcell{pi, u, j}]] }
		wave, base := waveLabel(d.waves[ps.wave]), waveLabel(d.waves[ps.base])
		for _, u := range h.IDs() {
			c := pcell{pi, u, -1}
			unit, _ := h.Unit(u)
			why := ""
			if r, hid := plan.Hidden(u, ps.wave); hid {
				why = hiddenIn(wave, r)
			} else if !hb.Has(u) {
				why = fmt.Sprintf("%s was not in the organization when %s opened", unit.Name, base)
			} else if r, hid := plan.Hidden(u, ps.base); hid {
				why = hiddenIn(base, r)
			} else if count(u) < pp.min {
				why = fmt.Sprintf("fewer than %d people answered both waves", pp.min)
			}
			if why != "" {
				pp.hidden[c] = why
				continue
			}
			pp.shown[c] = true
			for j, name := range ps.names {
				bc := pcell{pi, u, j}
				why := ""
				if len(ps.alike[j]) == 0 {
					why = ps.brk[j]
				} else if r, hid := plan.FigureHidden(CellRef{Unit: u, Wave: ps.wave}, BehaviorMeasure(name)); hid {
					why = hiddenIn(wave, r)
				} else if r, hid := plan.FigureHidden(CellRef{Unit: u, Wave: ps.base}, BehaviorMeasure(name)); hid {
					why = hiddenIn(base, r)
				} else if counts(j, u) < pp.min {
					why = fmt.Sprintf("fewer than %d people answered these items in both waves", pp.min)
				}
				if why != "" {
					pp.hidden[bc] = why
				} else {
					pp.shown[bc] = true
				}
			}
		}
	}
	if !plan.Privacy().ThresholdOnly {
		for i, c := range ix.cells {
			ix.on[i] = pp.shown[c]
		}
		pp.ix = ix
		pp.complement()
	}
	return pp
}

// hiddenIn says, in words for leaders, why the plan hides a group or
// figure in a wave (named by its label).
func hiddenIn(wave string, r Reason) string {
	switch r.Kind {
	case BelowMinimum:
		return fmt.Sprintf("fewer than %d respondents in %s", r.Min, wave)
	case FewAnswered:
		return fmt.Sprintf("fewer than %d people answered these items in %s", r.Min, wave)
	}
	return fmt.Sprintf("hidden in %s by the privacy rules", wave)
}

// complementaryReason is the reason of a paired figure hidden so that
// another group cannot be worked out.
func (pp *pairedPlan) complementaryReason() string {
	return fmt.Sprintf("hidden so that a group of fewer than %d people cannot be worked out by subtraction", pp.min)
}

// hide hides a shown paired figure, and with a unit's pairs every figure
// of the unit.
func (pp *pairedPlan) hide(c pcell) {
	why := pp.complementaryReason()
	pp.hides++
	delete(pp.shown, c)
	pp.hidden[c] = why
	if pp.ix != nil {
		pp.ix.on[pp.ix.ids[c]] = false
	}
	if c.beh < 0 {
		for j := range pp.data.pairs[c.pair].names {
			if bc := (pcell{c.pair, c.unit, j}); pp.shown[bc] {
				delete(pp.shown, bc)
				pp.hidden[bc] = why
				if pp.ix != nil {
					pp.ix.on[pp.ix.ids[bc]] = false
				}
			}
		}
	}
}

// crossSets returns the shown cross-sectional sets of wave w that hold a
// response: its unit and the units above it, and their segments; for the
// answers to an item (item set), the cells whose figures of the item or
// its behavior are shown.
func (pp *pairedPlan) crossSets(w string, rec pairedRecord, item, behavior string) []string {
	var out []string
	for _, u := range upward(pp.data.orgs[w], rec.unit) {
		cells := []CellRef{{Unit: u, Wave: w}}
		for _, k := range pp.data.keys {
			// A respondent without the attribute is counted under "".
			cells = append(cells, CellRef{Unit: u, Wave: w, Key: k, Value: rec.segs[k]})
		}
		for _, c := range cells {
			key := c.String() + " " + item
			shown, ok := pp.seen[key]
			if !ok {
				if item == "" {
					_, hid := pp.plan.cellHidden(c)
					shown = !hid
				} else {
					_, hidItem := pp.plan.FigureHidden(c, ItemMeasure(item))
					_, hidBehavior := pp.plan.FigureHidden(c, BehaviorMeasure(behavior))
					shown = !hidItem || !hidBehavior
				}
				pp.seen[key] = shown
			}
			if shown {
				out = append(out, key)
			}
		}
	}
	return out
}

// mend hides, for each block of bs (a space's blocks, see cutBlock) cut
// out of a block of the shown cross-sectional sets by paired figures and
// holding 1 to min-1 people, one paired figure that cuts it. Where the
// cross-sectional sets are nested (no segments declared), only where the
// model of paired_cut.go finds a new group below the minimum; with
// segments, always, choosing among the figures holding the block, else
// among those cutting the cross-sectional block, the deepest unit's, then
// by unit, pair and behavior. It never chooses by the counts of the
// figures. It reports whether it hid one.
func (pp *pairedPlan) mend(bs []cutBlock) bool {
	crossN := map[int32]int{}
	for _, b := range bs {
		crossN[b.cross] += b.n
	}
	small := false
	for _, b := range bs {
		// A whole cross-sectional block is the plan's business, but for
		// c0 (people in no shown cross-sectional set).
		small = small || b.n < pp.min && (b.n < crossN[b.cross] || b.cross == 0)
	}
	if !small {
		return false // every group worked out is a union of blocks of at least the minimum
	}
	if len(pp.data.keys) == 0 {
		// Nested cross-sectional sets: decide exactly in the model.
		return pp.isolable(bs)
	}
	// With segments the cross-sectional sets are not nested: hide until
	// every block cut out by paired figures is large.
	hid := false
	for pp.mendBlocks(bs, crossN) {
		hid = true
		bs = pp.remerge(bs)
	}
	return hid
}

// remerge returns blocks bs with the figures hidden since taken out of
// their sets, those left alike merged (and their paired signatures
// numbered again).
func (pp *pairedPlan) remerge(bs []cutBlock) []cutBlock {
	at := map[string]int{}
	number := map[string]int32{"": 0}
	var out []cutBlock
	for _, b := range bs {
		var sets []pcell
		for _, c := range b.sets {
			if pp.shown[c] {
				sets = append(sets, c)
			}
		}
		if b.cross == 0 && len(sets) == 0 {
			continue // in no published sum
		}
		pk := pcellKey(sets)
		k := fmt.Sprint(b.cross) + "\x01" + pk
		if i, ok := at[k]; ok {
			out[i].n += b.n
			continue
		}
		at[k] = len(out)
		if _, ok := number[pk]; !ok {
			number[pk] = int32(len(number))
		}
		b.sets, b.pkey, b.paired = sets, pk, number[pk]
		out = append(out, b)
	}
	return out
}

// mendBlocks hides, for each cross-sectional block (of crossN people)
// that paired figures cut into a block of fewer than the minimum, one of
// the figures cutting it. It reports whether it hid one.
func (pp *pairedPlan) mendBlocks(bs []cutBlock, crossN map[int32]int) bool {
	cuts := map[int32]map[pcell]int{}
	for _, b := range bs {
		if cuts[b.cross] == nil {
			cuts[b.cross] = map[pcell]int{}
		}
		for _, c := range b.sets {
			cuts[b.cross][c] += b.n
		}
	}
	hid := false
	done := map[int32]bool{}
	for _, b := range bs {
		if done[b.cross] || b.n >= pp.min || b.n == crossN[b.cross] && b.cross != 0 {
			continue
		}
		best, bestIn := pcell{}, false
		found := false
		for c, n := range cuts[b.cross] {
			if n == crossN[b.cross] && b.cross != 0 {
				continue // holds the whole block: cuts nothing
			}
			in := slices.Contains(b.sets, c)
			if !found || in && !bestIn || in == bestIn && pp.before(c, best) {
				best, bestIn, found = c, in, true
			}
		}
		if found {
			pp.hide(best)
			hid = true
			done[b.cross] = true // the cross-sectional block changed: next pass
		}
	}
	return hid
}

// before orders paired figures for hiding: the deepest unit first, then
// by unit, pair and behavior.
func (pp *pairedPlan) before(a, b pcell) bool {
	da, db := pp.data.orgs[pp.data.pairs[a.pair].wave].Depth(a.unit), pp.data.orgs[pp.data.pairs[b.pair].wave].Depth(b.unit)
	if da != db {
		return da > db
	}
	if a.unit != b.unit {
		return a.unit < b.unit
	}
	if a.pair != b.pair {
		return a.pair < b.pair
	}
	return a.beh < b.beh
}
