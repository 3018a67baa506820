package cx

import (
	"fmt"
	"slices"
	"strings"
)

// A block cut out of a cross-sectional block by paired figures may be
// small without any group below the minimum being a combination of the
// published sums: a team's two leavers are not worked out from the
// agency's pairs unless every other team's leavers are known too. Where
// the cross-sectional sets of a space are nested (the units of one wave's
// org, without segments), this file decides exactly, for a reader
// stronger than any real one, whether a new group of 1 to min-1 people
// can be worked out. With segments declared, the cross-sectional sets are
// not nested and the planner keeps the conservative rule (every block cut
// out by paired figures holds no one, the whole cross-sectional block or
// at least the minimum; see mend).
//
// The model. People in exactly the same shown cross-sectional sets form a
// cross-sectional block, with signature c (c0: in none); people in
// exactly the same shown paired figures have paired signature π (π0: in
// none). Blocks (c, π) are the edges of a bipartite graph between
// signatures, weighted by their counts. A combination of published sums
// gives every person of block (c, π) the coefficient b(c) + p(π), where b
// is a combination of cross-sectional sets and p of paired ones. The
// model lets b and p be any functions with b(c0) = 0 and p(π0) = 0: real
// combinations are among them (a stronger reader), and since nested sets
// give every such b (a unit's set minus its largest shown sets below it
// is one block), the groups the cross-sectional sums alone give are
// exactly the unions of whole blocks c ≠ c0, the plan's to protect. A
// group is a combination that is 0 or 1 on every edge; it is new when it
// is not such a union: some c has edges of both values, or an edge of c0
// has 1.
//
// Claim: the smallest new group weighs as much as the smallest new cut,
// where a cut is a set U of signatures closed under "π in U brings every
// c of π" (and holding both or neither of c0 and π0), its weight is the
// count of its edges from a c in U to a π outside U (that is, a group,
// of 1 on those edges), and it is new when some c in U has an edge to a π
// in U and one outside U, or c0 is in U with an edge outside.
//
// Proof. A closed U is a group: b = 1 on U's c's and p = -1 on U's π's
// (shifted, b by -1 and p by +1, when c0 or π0 is in U, so that they stay
// 0) give 1 exactly on U's cut edges and 0 elsewhere, since no edge goes
// from a π in U to a c outside.
// Conversely, let a group be given by b and p, and set a(c) = b(c),
// a(π) = -p(π): every edge has a(c) - a(π) in {0, 1}, with a(c0) =
// a(π0) = 0. For a level t, U_t = {v : a(v) >= t} is closed (an edge
// with a(π) >= t has a(c) >= a(π) >= t; c0 and π0 share their level) and
// its cut edges have a(c) >= t > a(π), hence value 1: the cut is part of
// the group and weighs no more. If c has edges to π1 of value 1 and π2
// of value 0, U_t for t = a(c) holds c and π2, not π1: new. If an edge
// (c0, π1) has value 1, U_0 holds c0 (and π0), not π1: new.
//
// So the planner looks, for each small block (c, π), at the smallest
// cut holding another paired signature of c (or c0, when c is c0) and not
// π: a minimum cut between two nodes (edges c -> π weigh the block, edges
// π -> c are uncuttable), found by maximum flow stopped at the minimum.
// Every new cut lighter than the minimum holds such a small block on its
// edge and is found this way. When c's blocks hold at least the minimum
// together, one flow from c itself does for all its paired signatures: a
// cut holding c and none of them weighs them all. When one is found, a
// paired figure that tells the cut's sides apart is hidden, and the
// paired signatures it alone told apart are tied in the graph; hiding
// only removes combinations, so a cut found too heavy stays too heavy and
// a space found safe stays safe.

// cutBlock is a block of a space: its signatures, people and paired sets.
type cutBlock struct {
	// cross and paired number the signatures (0 for none); ckey and pkey
	// order them.
	cross, paired int32
	ckey, pkey    string
	n             int
	sets          []pcell
}

// flowInf is a capacity no cut pays.
const flowInf = int64(1) << 50

// flowNet is a directed graph with capacities, edges stored in pairs
// (an edge and its reverse). A flow changes capacities in place and
// restores them before the next.
type flowNet struct {
	adj     [][]int
	to      []int
	cap     []int64
	changed []int // edges whose capacity the last flow changed, with
	was     []int64
	prev    []int
	stamp   []int
	gen     int
	queue   []int
}

func (g *flowNet) add(a, b int, c int64) {
	g.undo()
	g.adj[a] = append(g.adj[a], len(g.to))
	g.to, g.cap = append(g.to, b), append(g.cap, c)
	g.adj[b] = append(g.adj[b], len(g.to))
	g.to, g.cap = append(g.to, a), append(g.cap, 0)
}

// undo restores the capacities the last flow changed.
func (g *flowNet) undo() {
	for i := len(g.changed) - 1; i >= 0; i-- {
		g.cap[g.changed[i]] = g.was[i]
	}
	g.changed, g.was = g.changed[:0], g.was[:0]
}

// flow returns the maximum flow from s to t, stopping once it reaches
// limit, and the nodes reachable from s in the residual graph (the source
// side of a minimum cut when the flow is below limit).
func (g *flowNet) flow(s, t int, limit int64) (int64, []bool) {
	g.undo()
	if len(g.prev) < len(g.adj) {
		g.prev, g.stamp = make([]int, len(g.adj)), make([]int, len(g.adj))
	}
	var total int64
	for {
		g.gen++
		g.stamp[s] = g.gen
		g.queue = append(g.queue[:0], s)
		for k := 0; k < len(g.queue) && g.stamp[t] != g.gen; k++ {
			x := g.queue[k]
			for _, e := range g.adj[x] {
				if y := g.to[e]; g.stamp[y] != g.gen && g.cap[e] > 0 {
					g.stamp[y], g.prev[y] = g.gen, e
					g.queue = append(g.queue, y)
				}
			}
		}
		if g.stamp[t] != g.gen {
			side := make([]bool, len(g.adj))
			for _, x := range g.queue {
				side[x] = true
			}
			return total, side
		}
		push := flowInf
		for y := t; y != s; y = g.to[g.prev[y]^1] {
			push = min(push, g.cap[g.prev[y]])
		}
		for y := t; y != s; y = g.to[g.prev[y]^1] {
			e := g.prev[y]
			g.changed, g.was = append(g.changed, e, e^1), append(g.was, g.cap[e], g.cap[e^1])
			g.cap[e] -= push
			g.cap[e^1] += push
		}
		total += push
		if total >= limit {
			return total, nil
		}
	}
}

// cutGraph is the graph of the blocks of a space: nodes 0..nl-1 are the
// cross-sectional signatures, the others the paired signatures. Hiding a
// figure ties the paired signatures it told apart (edges no cut pays
// both ways): closed sets only become fewer, so a cut found too heavy
// stays too heavy.
type cutGraph struct {
	bs      []cutBlock
	ends    [][2]int // the nodes of each block
	byCross [][]int  // the blocks of each cross-sectional signature
	nl, c0  int      // c0 is -1 when no one is in c0
	// rsets hold each paired signature's figures still shown, and keys
	// the node of each set of figures.
	rsets map[int][]pcell
	keys  map[string]int
	// holding lists the paired signatures holding each figure.
	holding map[pcell][]int
	net     *flowNet
	tried   map[[2]int]bool
	min     int64
}

// pcellKey returns a key of a set of paired figures.
func pcellKey(sets []pcell) string {
	var b strings.Builder
	for _, c := range sets {
		fmt.Fprintf(&b, "%d/%s/%d\x00", c.pair, c.unit, c.beh)
	}
	return b.String()
}

// newCutGraph builds the graph of blocks bs, for groups below min.
func newCutGraph(bs []cutBlock, min int) *cutGraph {
	left, right := map[int32]int{}, map[int32]int{}
	for _, b := range bs {
		if _, ok := left[b.cross]; !ok {
			left[b.cross] = len(left)
		}
	}
	g := &cutGraph{bs: bs, nl: len(left), c0: -1, rsets: map[int][]pcell{}, keys: map[string]int{}, holding: map[pcell][]int{},
		tried: map[[2]int]bool{}, min: int64(min)}
	for _, b := range bs {
		if _, ok := right[b.paired]; !ok {
			n := g.nl + len(right)
			right[b.paired] = n
			g.rsets[n] = slices.Clone(b.sets)
			g.keys[pcellKey(b.sets)] = n
			for _, f := range b.sets {
				g.holding[f] = append(g.holding[f], n)
			}
		}
	}
	g.net = &flowNet{adj: make([][]int, g.nl+len(right))}
	g.byCross = make([][]int, g.nl)
	for i, b := range bs {
		c, r := left[b.cross], right[b.paired]
		g.ends = append(g.ends, [2]int{c, r})
		g.byCross[c] = append(g.byCross[c], i)
		g.net.add(c, r, int64(b.n))
		g.net.add(r, c, flowInf)
	}
	if c0, ok := left[0]; ok {
		g.c0 = c0
		if r0, ok := right[0]; ok {
			g.tie(c0, r0)
		} else {
			g.keys[""] = c0 // a paired signature left with no figure goes with c0
		}
	}
	return g
}

// tie joins two nodes by edges no cut pays.
func (g *cutGraph) tie(a, b int) {
	g.net.add(a, b, flowInf)
	g.net.add(b, a, flowInf)
}

// hidden ties the paired signatures that figure f alone told apart.
func (g *cutGraph) hidden(f pcell) {
	for _, n := range g.holding[f] {
		sets := g.rsets[n]
		i := slices.Index(sets, f)
		if i < 0 {
			continue
		}
		sets = slices.Delete(slices.Clone(sets), i, i+1)
		g.rsets[n] = sets
		key := pcellKey(sets)
		if m, ok := g.keys[key]; ok && m != n {
			g.tie(n, m)
		} else if !ok {
			g.keys[key] = n
			if key == "" && g.c0 >= 0 {
				g.tie(n, g.c0)
			}
		}
	}
}

// smallCut returns the source side of a new cut lighter than the minimum
// that cuts block i (of fewer than the minimum), or nil: the smallest cut
// with block i's paired signature outside and, inside, another paired
// signature of its cross-sectional one or, for c0, c0 itself.
func (g *cutGraph) smallCut(i int) []bool {
	c, r := g.ends[i][0], g.ends[i][1]
	if int64(g.bs[i].n) >= g.min {
		return nil
	}
	// A cut with c inside and none of its paired signatures cuts every
	// block of c: when they hold at least the minimum together, the
	// smallest cut with c inside is light only if one with another paired
	// signature of c inside is, and one flow from c tells.
	total := int64(0)
	for _, j := range g.byCross[c] {
		total += int64(g.bs[j].n)
	}
	var sources []int
	if total >= g.min || c == g.c0 {
		sources = []int{c}
	} else {
		for _, j := range g.byCross[c] {
			if s := g.ends[j][1]; s != r {
				sources = append(sources, s)
			}
		}
	}
	for _, s := range sources {
		if g.tried[[2]int{s, r}] {
			continue
		}
		if f, side := g.net.flow(s, r, g.min); f < g.min {
			return side
		}
		g.tried[[2]int{s, r}] = true // stays too heavy: ties only add edges
	}
	return nil
}

// isolable hides paired figures until the model lets a reader work out
// no new group of 1 to min-1 people from the blocks bs: in rounds over
// the small blocks, one figure that tells the sides of a small cut apart
// (so that the teams a cut runs through are hidden before the units
// above them). It reports whether it hid one.
func (pp *pairedPlan) isolable(bs []cutBlock) bool {
	g := newCutGraph(bs, pp.min)
	hid := false
	for again := true; again; {
		again = false
		for i := range bs {
			side := g.smallCut(i)
			if side == nil {
				continue
			}
			if f, ok := pp.choose(g, side); ok {
				pp.hide(f)
				g.hidden(f)
				hid, again = true, true
			}
		}
	}
	return hid
}

// choose returns the paired figure to hide against the cut whose source
// side is side: a figure that tells a block of the cut from a block of
// the same cross-sectional signature on the other side, the deepest
// unit's first (see before).
func (pp *pairedPlan) choose(g *cutGraph, side []bool) (pcell, bool) {
	var cand []pcell
	for i := range g.bs {
		c, r := g.ends[i][0], g.ends[i][1]
		if !side[c] || side[r] {
			continue // not an edge of the cut
		}
		var other []pcell
		for _, j := range g.byCross[c] {
			if o := g.ends[j][1]; side[o] {
				other = g.rsets[o]
				break
			}
		}
		for _, x := range g.rsets[r] {
			if !slices.Contains(other, x) {
				cand = append(cand, x)
			}
		}
		for _, x := range other {
			if !slices.Contains(g.rsets[r], x) {
				cand = append(cand, x)
			}
		}
		if len(cand) > 0 {
			break
		}
	}
	if len(cand) == 0 {
		// Only a tie to c0 puts the block's c in U: any figure of the
		// cut's blocks will do.
		for i := range g.bs {
			if side[g.ends[i][0]] && !side[g.ends[i][1]] {
				cand = append(cand, g.rsets[g.ends[i][1]]...)
			}
		}
	}
	if len(cand) == 0 {
		return pcell{}, false
	}
	best := cand[0]
	for _, x := range cand[1:] {
		if pp.before(x, best) {
			best = x
		}
	}
	return best, true
}
