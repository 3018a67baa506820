package cx

import (
	"slices"
	"strings"

	"github.com/cxculture/cxculture/cx/disclosure"
)

// waveModel is the structure of one wave's plan: the cells (published
// unit and segment cells, and groups never shown but derivable) with
// their respondents, answers and invited counts, and the relations
// between them (total = sum of parts), which hold for the respondents and
// every answer count. Each layer of the plan (respondents, comments, the
// items behind figures) is a [disclosure.Table] over this structure.
type waveModel struct {
	nodes []modelCell
	rels  []disclosure.Relation
	index map[CellRef]int
	space *answerSpace
}

type modelCell struct {
	ref     CellRef
	label   string // names a group never shown in reasons
	virtual bool
	n       int64
	// ans is the cell's answer vector over space, nil when unknown.
	ans []int64
	// depth is the unit's depth in the hierarchy.
	depth int
	// invited, when bounded, is a bound on n a reader knows (an invited
	// count).
	invited int64
	bounded bool
	// mayBeEmpty marks a cell where people were invited (or its direct
	// respondents, where people were invited directly), whether or not
	// the invited count is shown: a reader cannot tell it empty from
	// small. unknown marks a group never shown that a reader cannot tell
	// empty, though it protects it only when small: the direct
	// respondents of a unit in a segment, or without an attribute, where
	// people were invited directly.
	mayBeEmpty, unknown bool
}

// answerVecs gives the answer vectors of a plan's cells: of units rolled
// up, of segments and of segment pairs; unit nil means none are known.
type answerVecs struct {
	unit  func(unit, wave string) []int64
	seg   map[CellRef][]int64
	pair  map[segPair][]int64
	space *answerSpace
}

func (pl *waveModel) name(i int) string {
	if pl.nodes[i].virtual {
		return pl.nodes[i].label
	}
	return pl.nodes[i].ref.String()
}

// invitedBounds sets the invited counts of the wave as bounds: a unit's
// respondents (and each of its segments') are at most the people invited
// in it and below it, its direct respondents at most those invited in it.
// A bound the counts break (invited counts missing for some units) is
// left out.
func (pl *waveModel) invitedBounds(h *Hierarchy, wave string, invited map[string]int) {
	if len(invited) == 0 {
		return
	}
	rolled := rollInvited(h, invited)
	for i := range pl.nodes {
		c := &pl.nodes[i]
		var inv int
		var ok bool
		switch {
		case c.ref.Key != "" && c.virtual:
			c.unknown = invited[c.ref.Unit] > 0 && strings.HasPrefix(c.label, directLabel(c.ref.Unit, wave)+" ")
			continue
		case !c.virtual:
			// A segment holds at most the unit's people.
			inv, ok = rolled[c.ref.Unit]
		case c.label == directLabel(c.ref.Unit, wave):
			inv, ok = invited[c.ref.Unit]
		}
		if ok && c.n <= int64(inv) {
			c.invited, c.bounded, c.mayBeEmpty = int64(inv), true, inv > 0
		}
	}
}

// bounds reports whether a cell of unit has an invited count as bound.
func (pl *waveModel) bounds(unit string) bool {
	return slices.ContainsFunc(pl.nodes, func(c modelCell) bool { return c.bounded && c.ref.Unit == unit })
}

// withhold drops the invited counts of units as bounds (the outputs do
// not show them): a reader may still not tell their cells empty from
// small.
func (pl *waveModel) withhold(units map[string]bool) {
	for i := range pl.nodes {
		if c := &pl.nodes[i]; units[c.ref.Unit] {
			c.invited, c.bounded = 0, false
		}
	}
}

// directLabel names the direct respondents of a unit in a wave.
func directLabel(unit, wave string) string { return "the direct respondents of " + unit + "@" + wave }

// newWaveModel builds the model of one wave.
func newWaveModel(h *Hierarchy, resp func(unit, wave string) int64, av answerVecs, segs *Segments, wave string, invited map[string]int) *waveModel {
	pl := &waveModel{index: map[CellRef]int{}, space: av.space}
	add := func(ref CellRef, n int64, ans []int64) int {
		pl.index[ref] = len(pl.nodes)
		pl.nodes = append(pl.nodes, modelCell{ref: ref, n: n, ans: ans})
		return len(pl.nodes) - 1
	}
	virtual := func(label string, ref CellRef, n int64, ans []int64) int {
		pl.nodes = append(pl.nodes, modelCell{ref: ref, label: label, n: n, ans: ans, virtual: true})
		return len(pl.nodes) - 1
	}
	ansOf := func(i int) []int64 { return pl.nodes[i].ans }
	ids := h.IDs()
	for _, u := range ids {
		var ans []int64
		if av.unit != nil {
			ans = av.unit(u, wave)
		}
		add(CellRef{Unit: u, Wave: wave}, resp(u, wave), ans)
	}
	// values per key, over the whole wave, sorted
	values := map[string][]string{}
	if segs != nil {
		set := map[segKV]bool{}
		for c := range segs.counts {
			if c.Wave == wave {
				set[segKV{c.Key, c.Value}] = true
			}
		}
		for kv := range set {
			values[kv.Key] = append(values[kv.Key], kv.Value)
		}
		for k := range values {
			slices.Sort(values[k])
		}
		for _, u := range ids {
			for _, k := range sortedKeys(values) {
				for _, v := range values[k] {
					// Every value of the wave in every unit, empty or not:
					// a reader cannot tell an empty segment from a small one.
					ref := CellRef{u, wave, k, v}
					ans := av.seg[ref]
					if ans == nil && av.seg != nil {
						ans = make([]int64, av.space.width())
					}
					add(ref, segs.counts[ref], ans)
				}
			}
		}
	}
	// own[u] is the group of u's direct respondents: u itself for a leaf.
	own := map[string]int{}
	for _, u := range ids {
		total := pl.index[CellRef{Unit: u, Wave: wave}]
		if h.IsLeaf(u) {
			own[u] = total
			continue
		}
		r := disclosure.Relation{Total: total}
		n := pl.nodes[total].n
		var sub [][]int64
		for _, c := range h.Children(u) {
			i := pl.index[CellRef{Unit: c, Wave: wave}]
			r.Parts = append(r.Parts, i)
			n -= pl.nodes[i].n
			sub = append(sub, ansOf(i))
		}
		own[u] = virtual(directLabel(u, wave), CellRef{Unit: u, Wave: wave}, n, subVec(ansOf(total), sub...))
		r.Parts = append(r.Parts, own[u])
		pl.rels = append(pl.rels, r)
	}
	unsetOf := map[string]map[string]int{}
	for _, k := range sortedKeys(values) {
		// unset[u]: u's respondents without k; ownUnset[u]: u's direct
		// respondents without k; ownSeg[u][v]: u's direct respondents with
		// k=v (-1 when there are none).
		unset, ownUnset := map[string]int{}, map[string]int{}
		unsetOf[k] = unset
		ownSeg := map[string][]int{}
		for _, u := range ids {
			total := pl.index[CellRef{Unit: u, Wave: wave}]
			r := disclosure.Relation{Total: total}
			rest := pl.nodes[total].n
			var sub [][]int64
			for _, v := range values[k] {
				if i, ok := pl.index[CellRef{u, wave, k, v}]; ok {
					r.Parts = append(r.Parts, i)
					rest -= pl.nodes[i].n
					sub = append(sub, ansOf(i))
				}
			}
			unset[u] = virtual("the respondents of "+u+"@"+wave+" without "+k, CellRef{Unit: u, Wave: wave, Key: k}, rest, subVec(ansOf(total), sub...))
			r.Parts = append(r.Parts, unset[u])
			pl.rels = append(pl.rels, r)
		}
		for _, u := range ids {
			segs := make([]int, len(values[k]))
			for j, v := range values[k] {
				total, ok := pl.index[CellRef{u, wave, k, v}]
				switch {
				case !ok:
					segs[j] = -1
					continue
				case h.IsLeaf(u):
					segs[j] = total
					continue
				}
				r := disclosure.Relation{Total: total}
				n := pl.nodes[total].n
				var sub [][]int64
				for _, c := range h.Children(u) {
					if i, ok := pl.index[CellRef{c, wave, k, v}]; ok {
						r.Parts = append(r.Parts, i)
						n -= pl.nodes[i].n
						sub = append(sub, ansOf(i))
					}
				}
				segs[j] = virtual("the direct respondents of "+u+"@"+wave+" with "+k+"="+v, CellRef{u, wave, k, v}, n, subVec(ansOf(total), sub...))
				r.Parts = append(r.Parts, segs[j])
				pl.rels = append(pl.rels, r)
			}
			ownSeg[u] = segs
			if h.IsLeaf(u) {
				ownUnset[u] = unset[u]
				continue
			}
			// Without k: u's = its direct ones + its children's.
			r := disclosure.Relation{Total: unset[u]}
			n := pl.nodes[unset[u]].n
			var sub [][]int64
			for _, c := range h.Children(u) {
				r.Parts = append(r.Parts, unset[c])
				n -= pl.nodes[unset[c]].n
				sub = append(sub, ansOf(unset[c]))
			}
			ownUnset[u] = virtual("the direct respondents of "+u+"@"+wave+" without "+k, CellRef{Unit: u, Wave: wave, Key: k}, n, subVec(ansOf(unset[u]), sub...))
			r.Parts = append(r.Parts, ownUnset[u])
			pl.rels = append(pl.rels, r)
		}
		// u's direct respondents = theirs in each segment + those without k.
		for _, u := range ids {
			if h.IsLeaf(u) {
				continue
			}
			r := disclosure.Relation{Total: own[u]}
			for _, i := range ownSeg[u] {
				if i >= 0 {
					r.Parts = append(r.Parts, i)
				}
			}
			r.Parts = append(r.Parts, ownUnset[u])
			pl.rels = append(pl.rels, r)
		}
	}
	// Two attributes cross in each unit: the respondents with k1=v and
	// k2=w (counted by Segments), with one and without the other, with
	// neither. Each segment is the sum of its crossings with the other
	// attribute.
	keys := sortedKeys(values)
	for i, k1 := range keys {
		for _, k2 := range keys[i+1:] {
			for _, u := range ids {
				pl.cross(segs, av.pair, u, wave, k1, k2, values[k1], values[k2], unsetOf[k1][u], unsetOf[k2][u])
			}
		}
	}
	pl.invitedBounds(h, wave, invited)
	for i := range pl.nodes {
		pl.nodes[i].depth = h.Depth(pl.nodes[i].ref.Unit)
	}
	return pl
}

// cross adds the crossings of attributes k1 and k2 (k1 < k2) in unit u as
// groups never shown, and the relations that tie them to the segments
// and to the respondents without each attribute.
func (pl *waveModel) cross(segs *Segments, pairVecs map[segPair][]int64, u, wave, k1, k2 string, vs1, vs2 []string, unset1, unset2 int) {
	seg := func(k, v string) int {
		if i, ok := pl.index[CellRef{u, wave, k, v}]; ok {
			return i
		}
		return -1
	}
	virtual := func(label string, n int64, ans []int64) int {
		pl.nodes = append(pl.nodes, modelCell{ref: CellRef{Unit: u, Wave: wave}, label: label, n: n, ans: ans, virtual: true})
		return len(pl.nodes) - 1
	}
	name := u + "@" + wave
	// rows[v] and cols[w] collect the crossings of k1=v and k2=w; the
	// last of each is "without the other attribute".
	rows := make([]disclosure.Relation, len(vs1)+1)
	cols := make([]disclosure.Relation, len(vs2)+1)
	for a, v := range vs1 {
		rows[a].Total = seg(k1, v)
	}
	rows[len(vs1)].Total = unset1
	for b, w := range vs2 {
		cols[b].Total = seg(k2, w)
	}
	cols[len(vs2)].Total = unset2
	rowN := func(a int) int64 {
		if rows[a].Total < 0 {
			return 0
		}
		return pl.nodes[rows[a].Total].n
	}
	colN := func(b int) int64 {
		if cols[b].Total < 0 {
			return 0
		}
		return pl.nodes[cols[b].Total].n
	}
	// The answers of a row or column total; a missing segment has none.
	ansOf := func(i int) []int64 {
		if i < 0 {
			if pl.space == nil || pairVecs == nil {
				return nil
			}
			return make([]int64, pl.space.width())
		}
		return pl.nodes[i].ans
	}
	cell := make([][]int64, len(vs1)+1)
	ans := make([][][]int64, len(vs1)+1)
	for a := range cell {
		cell[a] = make([]int64, len(vs2)+1)
		ans[a] = make([][]int64, len(vs2)+1)
	}
	for a, v := range vs1 {
		rest := rowN(a)
		var sub [][]int64
		for b, w := range vs2 {
			p := segPair{u, wave, segKV{k1, v}, segKV{k2, w}}
			cell[a][b] = segs.pairs[p]
			rest -= cell[a][b]
			if pairVecs != nil {
				ans[a][b] = pairVecs[p]
				if ans[a][b] == nil {
					ans[a][b] = make([]int64, pl.space.width())
				}
			}
			sub = append(sub, ans[a][b])
		}
		cell[a][len(vs2)] = rest
		ans[a][len(vs2)] = subVec(ansOf(rows[a].Total), sub...)
	}
	for b := range vs2 {
		rest := colN(b)
		var sub [][]int64
		for a := range vs1 {
			rest -= cell[a][b]
			sub = append(sub, ans[a][b])
		}
		cell[len(vs1)][b] = rest
		ans[len(vs1)][b] = subVec(ansOf(cols[b].Total), sub...)
	}
	rest := rowN(len(vs1))
	var sub [][]int64
	for b := range vs2 {
		rest -= cell[len(vs1)][b]
		sub = append(sub, ans[len(vs1)][b])
	}
	cell[len(vs1)][len(vs2)] = rest
	ans[len(vs1)][len(vs2)] = subVec(ansOf(rows[len(vs1)].Total), sub...)
	label := func(a, b int) string {
		x, y := "without "+k1, "without "+k2
		if a < len(vs1) {
			x = k1 + "=" + vs1[a]
		}
		if b < len(vs2) {
			y = k2 + "=" + vs2[b]
		}
		return "the respondents of " + name + " with " + x + " and " + y
	}
	for a := range cell {
		for b := range cell[a] {
			if cell[a][b] == 0 {
				continue
			}
			x := virtual(label(a, b), cell[a][b], ans[a][b])
			rows[a].Parts = append(rows[a].Parts, x)
			cols[b].Parts = append(cols[b].Parts, x)
		}
	}
	for _, r := range append(rows, cols...) {
		if r.Total >= 0 && len(r.Parts) > 0 {
			pl.rels = append(pl.rels, r)
		}
	}
}

// pairs returns the pairs of segment cells of different attributes in the
// same unit whose members differ by fewer than limit people (in one but
// not the other, as [Segments] counts them).
func (pl *waveModel) pairs(segs *Segments, limit int64) []disclosure.Pair {
	if segs == nil {
		return nil
	}
	var out []disclosure.Pair
	for i := range pl.nodes {
		a := pl.nodes[i]
		if a.virtual || a.ref.Key == "" {
			continue
		}
		for j := i + 1; j < len(pl.nodes); j++ {
			b := pl.nodes[j]
			if b.virtual || b.ref.Key == "" || b.ref.Unit != a.ref.Unit || b.ref.Key == a.ref.Key {
				continue
			}
			x, y := segKV{a.ref.Key, a.ref.Value}, segKV{b.ref.Key, b.ref.Value}
			if y.Key < x.Key {
				x, y = y, x
			}
			both := segs.pairs[segPair{a.ref.Unit, a.ref.Wave, x, y}]
			if d := a.n + b.n - 2*both; d < limit {
				out = append(out, disclosure.Pair{A: i, B: j, Apart: d, NameA: a.ref.Key + "=" + a.ref.Value, NameB: b.ref.Key + "=" + b.ref.Value})
			}
		}
	}
	return out
}
