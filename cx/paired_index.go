package cx

import (
	"encoding/binary"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/cxculture/cxculture/survey"
)

// The checks of paired figures read every response of every wave many
// times (once per space, per pass of the planner): this file reads the
// responses once into integers (figures by number, the sets of items a
// response answered as bits) so that a pass costs a few lookups per
// response.

// pairedIndex is what the checks read of the responses.
type pairedIndex struct {
	cells []pcell // every paired figure, by number
	ids   map[pcell]int32
	on    []bool         // whether each figure is shown
	items map[string]int // the items a paired figure pools, by bit
	words int            // the words of a set of items
	waves map[string]*waveIndex
}

// waveIndex is one wave's responses.
type waveIndex struct {
	wave string
	// profile numbers each response by its unit and segments; reps holds
	// a response of each profile.
	profile []int32
	reps    []int
	// answered holds, per response, the items it answered (words bits).
	answered []uint64
	// entries hold, per response (a person's last), the pairs of waves
	// it counts in.
	entries [][]pairEntry
	// cross holds the cross-sectional signatures of the profiles: "" for
	// respondents, an item's ID for its answers.
	cross map[string]*signatures
}

// pairEntry is a response's part in one pair of waves: the figures of
// the units it counts in (numbers of the units' pairs; a behavior j's
// figure is the number plus 1 + j) and the behaviors whose items it
// answered in both waves.
type pairEntry struct {
	pair  int32
	cells []int32
	both  []bool
}

// signatures number the sets a response belongs to, within a space:
// number 0 is no set.
type signatures struct {
	of   []int32
	ids  map[string]int32
	keys []string
	sets [][]pcell
}

func newSignatures(n int) *signatures {
	return &signatures{of: make([]int32, n), ids: map[string]int32{"": 0}, keys: []string{""}, sets: [][]pcell{nil}}
}

// number returns the number of the set whose key is key, adding it with
// sets when new.
func (s *signatures) number(key []byte, sets func() []pcell) int32 {
	if id, ok := s.ids[string(key)]; ok {
		return id
	}
	id := int32(len(s.keys))
	s.ids[string(key)] = id
	s.keys = append(s.keys, string(key))
	s.sets = append(s.sets, sets())
	return id
}

// index reads the responses of every wave of the plan's data.
func (pp *pairedPlan) index() *pairedIndex {
	d := pp.data
	ix := &pairedIndex{ids: map[pcell]int32{}, items: map[string]int{}, waves: map[string]*waveIndex{}}
	base := make([]map[string]int32, len(d.pairs))
	for pi, ps := range d.pairs {
		base[pi] = map[string]int32{}
		for _, u := range d.orgs[ps.wave].IDs() {
			base[pi][u] = int32(len(ix.cells))
			for j := -1; j < len(ps.names); j++ {
				c := pcell{pi, u, j}
				ix.ids[c] = int32(len(ix.cells))
				ix.cells = append(ix.cells, c)
			}
		}
		for _, alike := range ps.alike {
			for _, it := range alike {
				if _, ok := ix.items[it.ID]; !ok {
					ix.items[it.ID] = len(ix.items)
				}
			}
		}
	}
	ix.words = (len(ix.items) + 63) / 64
	ix.on = make([]bool, len(ix.cells))
	masks := make([][][]uint64, len(d.pairs))
	for pi, ps := range d.pairs {
		for _, alike := range ps.alike {
			m := make([]uint64, ix.words)
			for _, it := range alike {
				b := ix.items[it.ID]
				m[b/64] |= 1 << (b % 64)
			}
			masks[pi] = append(masks[pi], m)
		}
	}
	chains := map[[2]string][]int32{}
	chain := func(pi int, unit string) []int32 {
		k := [2]string{d.pairs[pi].wave + "\x00" + d.pairs[pi].base, unit}
		if c, ok := chains[k]; ok {
			return c
		}
		var c []int32
		for _, u := range upward(d.orgs[d.pairs[pi].wave], unit) {
			c = append(c, base[pi][u])
		}
		chains[k] = c
		return c
	}
	for _, w := range d.order {
		recs := d.recs[w]
		wi := &waveIndex{wave: w, profile: make([]int32, len(recs)), answered: make([]uint64, len(recs)*ix.words),
			entries: make([][]pairEntry, len(recs)), cross: map[string]*signatures{}}
		profiles := map[string]int32{}
		var key strings.Builder
		for r, rec := range recs {
			key.Reset()
			key.WriteString(rec.unit)
			for _, k := range d.keys {
				key.WriteString("\x00" + rec.segs[k])
			}
			id, ok := profiles[key.String()]
			if !ok {
				id = int32(len(wi.reps))
				profiles[key.String()] = id
				wi.reps = append(wi.reps, r)
			}
			wi.profile[r] = id
			for it := range rec.answers {
				if b, ok := ix.items[it]; ok {
					wi.answered[r*ix.words+b/64] |= 1 << (b % 64)
				}
			}
		}
		ix.waves[w] = wi
	}
	answered := func(w string, r int, m []uint64) bool {
		a := ix.waves[w].answered[r*ix.words : (r+1)*ix.words]
		for i := range m {
			if a[i]&m[i] != 0 {
				return true
			}
		}
		return false
	}
	for _, w := range d.order {
		wi := ix.waves[w]
		for person, r := range d.last[w] {
			for pi, ps := range d.pairs {
				var other string
				switch w {
				case ps.wave:
					other = ps.base
				case ps.base:
					other = ps.wave
				default:
					continue
				}
				ro, ok := d.last[other][person]
				if !ok {
					continue
				}
				unit := d.rec(ps.wave, person).unit
				e := pairEntry{pair: int32(pi), cells: chain(pi, unit), both: make([]bool, len(ps.names))}
				for j, m := range masks[pi] {
					e.both[j] = answered(w, r, m) && answered(other, ro, m)
				}
				// Appended in the order of the pairs.
				wi.entries[r] = append(wi.entries[r], e)
			}
		}
	}
	return ix
}

// crossOf returns the cross-sectional signatures of wave wi's profiles
// over the answers to item (of behavior), or over respondents when item
// is "".
func (pp *pairedPlan) crossOf(wi *waveIndex, item, behavior string) *signatures {
	if s, ok := wi.cross[item]; ok {
		return s
	}
	s := newSignatures(len(wi.reps))
	for p, r := range wi.reps {
		key := strings.Join(pp.crossSets(wi.wave, pp.data.recs[wi.wave][r], item, behavior), "\x00")
		s.of[p] = s.number([]byte(key), func() []pcell { return nil })
	}
	wi.cross[item] = s
	return s
}

// pairedOf returns the signatures of wave wi's responses by the shown
// paired figures that count them: the pairs of units (jOf nil), or the
// figures of behavior jOf[pair] in each pair (-1: none).
func (pp *pairedPlan) pairedOf(ix *pairedIndex, wi *waveIndex, jOf []int) *signatures {
	s := newSignatures(len(wi.profile))
	var cells []int32
	var key []byte
	for r, es := range wi.entries {
		cells = cells[:0]
		for _, e := range es {
			off := int32(0)
			if jOf != nil {
				j := jOf[e.pair]
				if j < 0 || !e.both[j] {
					continue
				}
				off = int32(1 + j)
			}
			for _, c := range e.cells {
				if ix.on[c+off] {
					cells = append(cells, c+off)
				}
			}
		}
		if len(cells) == 0 {
			continue
		}
		slices.Sort(cells)
		key = key[:0]
		for _, c := range cells {
			key = binary.LittleEndian.AppendUint32(key, uint32(c))
		}
		s.of[r] = s.number(key, func() []pcell {
			out := make([]pcell, len(cells))
			for i, c := range cells {
				out[i] = ix.cells[c]
			}
			return out
		})
	}
	return s
}

// blocks returns the blocks of a space of wave wi, in the order of their
// signatures' keys: its members (every response when nil), their
// cross-sectional signatures (by profile; none when nil) and paired ones.
func blocks(wi *waveIndex, members []int32, cross, paired *signatures) []cutBlock {
	count := map[int64]int{}
	add := func(r int) {
		c := int32(0)
		if cross != nil {
			c = cross.of[wi.profile[r]]
		}
		if p := paired.of[r]; c != 0 || p != 0 {
			count[int64(c)<<32|int64(p)]++
		}
	}
	if members == nil {
		for r := range wi.profile {
			add(r)
		}
	} else {
		for _, r := range members {
			add(int(r))
		}
	}
	bs := make([]cutBlock, 0, len(count))
	for k, n := range count {
		c, p := int32(k>>32), int32(k)
		b := cutBlock{cross: c, paired: p, n: n, sets: paired.sets[p], pkey: paired.keys[p]}
		if cross != nil {
			b.ckey = cross.keys[c]
		}
		bs = append(bs, b)
	}
	slices.SortFunc(bs, func(a, b cutBlock) int {
		if x := strings.Compare(a.ckey, b.ckey); x != 0 {
			return x
		}
		return strings.Compare(a.pkey, b.pkey)
	})
	return bs
}

// complement hides paired figures until no block cut out by them is
// small: first the pairs of units (respondents), then the figures of
// behaviors (each item a paired figure pools, over those who answered it;
// each behavior's favorable people, over the pairs it counts).
func (pp *pairedPlan) complement() {
	d := pp.data
	ix := pp.ix
	// Hiding a figure never lets a reader work out more: a space found
	// safe stays safe, and one pass over the spaces is enough.
	for _, w := range d.order {
		wi := ix.waves[w]
		pp.mend(blocks(wi, nil, pp.crossOf(wi, "", ""), pp.pairedOf(ix, wi, nil)))
	}
	for _, w := range d.order {
		wi := ix.waves[w]
		items := map[string]string{}
		constructs := map[string]bool{}
		for _, ps := range d.pairs {
			if ps.wave != w && ps.base != w {
				continue
			}
			for j, alike := range ps.alike {
				constructs[ps.names[j]] = true
				for _, it := range alike {
					items[it.ID] = ps.names[j]
				}
			}
		}
		// The signatures of a class of figures (behavior j of each
		// pair) are read once: after figures are hidden, the blocks they
		// make are merged again instead (see remerge).
		type read struct {
			sig   *signatures
			hides int
		}
		memo := map[string]read{}
		paired := func(behavior, item string) read {
			jOf := make([]int, len(d.pairs))
			for pi, ps := range d.pairs {
				jOf[pi] = slices.Index(ps.names, behavior)
				if j := jOf[pi]; j >= 0 && item != "" && !slices.ContainsFunc(ps.alike[j], func(it survey.Item) bool { return it.ID == item }) {
					jOf[pi] = -1
				}
			}
			k := fmt.Sprint(jOf)
			if s, ok := memo[k]; ok {
				return s
			}
			s := read{pp.pairedOf(ix, wi, jOf), pp.hides}
			memo[k] = s
			return s
		}
		mend := func(members []int32, cross *signatures, s read) {
			bs := blocks(wi, members, cross, s.sig)
			if s.hides != pp.hides {
				bs = pp.remerge(bs)
			}
			pp.mend(bs)
		}
		for _, id := range slices.Sorted(maps.Keys(items)) {
			b := ix.items[id]
			members := []int32{}
			for r := range wi.profile {
				if wi.answered[r*ix.words+b/64]&(1<<(b%64)) != 0 {
					members = append(members, int32(r))
				}
			}
			mend(members, pp.crossOf(wi, id, items[id]), paired(items[id], id))
		}
		for _, c := range slices.Sorted(maps.Keys(constructs)) {
			mend(nil, nil, paired(c, ""))
		}
	}
}
