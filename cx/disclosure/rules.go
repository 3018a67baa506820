package disclosure

import "slices"

// fixPass mends, in a fixed order, every broken fast rule whose
// relations no earlier mend of the pass changed (those wait for the next
// pass, which sees the change); it reports whether it hid a cell.
func (pl *planner) fixPass() bool {
	pl.dirty = make([]bool, len(pl.Relations))
	fixed := false
	lo, hi := pl.intervals()
	known := func(i int) bool { return lo[i] == hi[i] }
	// A protected group pinned to one value.
	for x := range pl.Cells {
		if !pl.protected(x) || !known(x) || pl.touched(x) {
			continue
		}
		if pl.mendFrom(x) {
			fixed = true
		}
	}
	// A hidden cell whose near twin is shown.
	for _, c := range pl.close {
		a, b := c[0], c[1]
		if pl.Cells[b].Hidden && pl.Cells[b].N > 0 {
			a, b = b, a
		}
		if pl.Cells[a].Hidden && pl.Cells[a].N > 0 && !pl.Cells[b].Hidden {
			pl.hide(b, Reason{Kind: OverlappingSegment, Min: int(pl.min), Other: pl.pairName(a)})
			fixed = true
		}
	}
	// A difference that is a small group.
	for ri, r := range pl.Relations {
		if !known(r.Total) || pl.dirty[ri] {
			continue
		}
		var unknown []int
		var sum int64
		for _, x := range r.Parts {
			if !known(x) {
				unknown = append(unknown, x)
				sum += pl.Cells[x].N
			}
		}
		if len(unknown) > 0 && sum < pl.min && pl.mend(r, pl.smallestName(unknown)) {
			fixed = true
		}
	}
	// Unknown terms whose answers, together, are unanimous: each protected
	// group among them would be known to have answered that way.
	var holds []bool
	if pl.answers {
		holds = pl.holdsProtected()
		for ri, r := range pl.Relations {
			if !known(r.Total) || pl.dirty[ri] {
				continue
			}
			var kn, unknown, prot []int
			for _, x := range r.Parts {
				switch {
				case known(x):
					kn = append(kn, x)
				case holds[x]:
					prot = append(prot, x)
					fallthrough
				default:
					unknown = append(unknown, x)
				}
			}
			if len(prot) == 0 {
				continue
			}
			if un := pl.revealed(pl.Cells[r.Total].Ans, kn, unknown, holds); len(un) > 0 {
				x := pl.smallestName(prot)
				var shown []int
				for _, p := range r.Parts {
					if c := &pl.Cells[p]; !c.Virtual && !c.Hidden && c.N > 0 {
						shown = append(shown, p)
					}
				}
				if b := pl.breaker(shown, un); b >= 0 {
					pl.hide(b, Reason{Kind: Complementary, Min: int(pl.min), Other: pl.name(x)})
					fixed = true
				} else if pl.mend(r, x) || pl.mendFrom(x) {
					fixed = true
				}
			}
		}
	}
	// A shown cell minus shown cells inside it (cells below it, whole or
	// divided, over several relations): what is left must not be a small
	// group, nor a protected group whose answers are unanimous.
	memo := map[int][]split{}
	for v := range pl.Cells {
		c := &pl.Cells[v]
		if c.Virtual || c.Hidden || c.N == 0 || pl.touched(v) {
			continue
		}
		for _, ri := range pl.relsOf[v] {
			r := pl.Relations[ri]
			if r.Total != v || !pl.publishedPart(r) {
				continue
			}
			for _, sp := range pl.product(r.Parts, memo) {
				if len(sp.cells) == 0 || pl.touched(sp.cells...) || pl.touched(sp.open...) {
					continue
				}
				var rest int64
				for _, x := range sp.open {
					rest += pl.Cells[x].N
				}
				if rest == 0 && !slices.ContainsFunc(sp.open, pl.mayBeSmall) {
					continue // nobody, as a reader may know
				}
				var why string
				best := -1
				if rest < pl.min {
					why = "the respondents of " + pl.name(v) + " outside its shown parts"
				} else if holds == nil {
					continue
				} else if un := pl.revealed(c.Ans, sp.cells, sp.open, holds); len(un) > 0 {
					why = "the answers of the respondents of " + pl.name(v) + " outside its shown parts"
					best = pl.breaker(sp.cells, un)
				} else {
					continue
				}
				if best < 0 {
					best = sp.cells[0]
					for _, x := range sp.cells[1:] {
						if pl.before(x, best) {
							best = x
						}
					}
				}
				pl.hide(best, Reason{Kind: Complementary, Min: int(pl.min), Other: why})
				fixed = true
				break
			}
		}
	}
	return fixed
}

// mayBeSmall reports whether cell x, empty, may hold a small group as
// far as a reader knows: an empty cell hidden as small, or a group never
// shown that a reader cannot tell empty.
func (pl *planner) mayBeSmall(x int) bool {
	c := &pl.Cells[x]
	return c.EmptyHidden && c.Hidden || c.Unknown && c.Virtual
}

// pairName returns the name a close pair gives cell i in reasons.
func (pl *planner) pairName(i int) string {
	for _, p := range pl.Pairs {
		switch i {
		case p.A:
			return p.NameA
		case p.B:
			return p.NameB
		}
	}
	return pl.name(i)
}

// unanimity is a measure on which some answers are unanimous: none in its
// range (none) or all.
type unanimity struct {
	m    int
	none bool
}

// breaker returns the cell of xs whose answers, hidden, would end the most
// of the unanimities un (it answered otherwise on those measures), the
// first of those in the order of before; -1 when none would end any.
func (pl *planner) breaker(xs []int, un []unanimity) int {
	best, bestN := -1, 0
	for _, x := range xs {
		a := pl.Cells[x].Ans
		if a == nil {
			continue
		}
		n := 0
		for _, u := range un {
			if u.none && a[2*u.m+1] > 0 || !u.none && a[2*u.m+1] < a[2*u.m] {
				n++
			}
		}
		if n == 0 {
			continue
		}
		if best < 0 || n > bestN || n == bestN && pl.before(x, best) {
			best, bestN = x, n
		}
	}
	return best
}

// revealed returns the measures on which total minus the answers of the
// known cells leaves unanimous answers while one of the unknown cells
// holds a protected group that answered and whose unanimity no shown cell
// already tells (a shown cell holding it, unanimous the same way). Unknown
// answers count as not revealed.
func (pl *planner) revealed(total []int64, known, unknown []int, holds []bool) []unanimity {
	// rest = total - Σ known answers, in one buffer of the planner's;
	// unknown (nil) when any of them is.
	if total == nil || slices.ContainsFunc(known, func(x int) bool { return pl.Cells[x].Ans == nil }) {
		return nil
	}
	rest := append(pl.rest[:0], total...)
	pl.rest = rest
	for _, x := range known {
		for i, v := range pl.Cells[x].Ans {
			rest[i] -= v
		}
	}
	var out []unanimity
	for m := range pl.Measures {
		n, k := rest[2*m], rest[2*m+1]
		if n == 0 || k != 0 && k != n {
			continue
		}
		for _, x := range unknown {
			if holds[x] && pl.Cells[x].Ans != nil && pl.Cells[x].Ans[2*m] > 0 && !pl.toldBy(x, m, k == 0) {
				out = append(out, unanimity{m, k == 0})
				break
			}
		}
	}
	return out
}

// toldBy reports whether a shown cell holding cell x is unanimous on
// measure m, none in range (none) or all.
func (pl *planner) toldBy(x, m int, none bool) bool {
	seen := map[int]bool{x: true}
	queue := []int{x}
	for len(queue) > 0 {
		y := queue[0]
		queue = queue[1:]
		c := &pl.Cells[y]
		if !c.Virtual && !c.Hidden && c.Ans != nil {
			if n, k := c.Ans[2*m], c.Ans[2*m+1]; n > 0 && (none && k == 0 || !none && k == n) {
				return true
			}
		}
		for _, ri := range pl.relsOf[y] {
			if t := pl.Relations[ri].Total; t != y && !seen[t] {
				seen[t] = true
				queue = append(queue, t)
			}
		}
	}
	return false
}

// holdsProtected returns, per cell, whether it is or holds a protected
// group: a hidden cell with people, a group never shown of 1 to min-1
// people, or the total of a relation with such a part.
func (pl *planner) holdsProtected() []bool {
	out := make([]bool, len(pl.Cells))
	state := make([]int8, len(pl.Cells)) // 0 new, 1 visiting, 2 done
	if pl.partsOf == nil {
		// The parts of each cell, over the relations of which it is
		// the total: the same for every pass.
		pl.partsOf = make([][]int, len(pl.Cells))
		for _, r := range pl.Relations {
			pl.partsOf[r.Total] = append(pl.partsOf[r.Total], r.Parts...)
		}
	}
	parts := pl.partsOf
	var visit func(i int) bool
	visit = func(i int) bool {
		if state[i] != 0 {
			return out[i]
		}
		state[i] = 1
		h := pl.protected(i)
		for _, p := range parts[i] {
			if visit(p) {
				h = true
			}
		}
		out[i], state[i] = h, 2
		return h
	}
	for i := range pl.Cells {
		visit(i)
	}
	return out
}

// split divides a group into shown cells and groups not shown (hidden
// cells and groups never shown), disjoint.
type split struct{ cells, open []int }

// maxSplits caps the ways of dividing one group that the plan examines.
const maxSplits = 64

// publishedPart reports whether a part of r is a cell that can be shown.
func (pl *planner) publishedPart(r Relation) bool {
	return slices.ContainsFunc(r.Parts, func(p int) bool { return !pl.Cells[p].Virtual && pl.Cells[p].N > 0 })
}

// splits returns the ways of dividing the hidden cell i into shown cells
// and groups not shown, through the relations of which it is the total,
// over several levels: first i itself, not divided.
func (pl *planner) splits(i int, memo map[int][]split) []split {
	if m, ok := memo[i]; ok {
		return m
	}
	out := []split{{open: []int{i}}}
	memo[i] = out // a relation back to i divides it no further
	for _, ri := range pl.relsOf[i] {
		r := pl.Relations[ri]
		if r.Total != i || !pl.publishedPart(r) {
			continue
		}
		out = append(out, pl.product(r.Parts, memo)...)
		if len(out) >= maxSplits {
			out = out[:maxSplits]
			break
		}
	}
	memo[i] = out
	return out
}

// product returns the ways of dividing the sum of parts: each shown part
// whole, each hidden part in each of its ways, each group never shown
// whole; parts with no people are left out.
func (pl *planner) product(parts []int, memo map[int][]split) []split {
	acc := []split{{}}
	for _, p := range parts {
		c := &pl.Cells[p]
		var opts []split
		switch {
		case !pl.open(p):
			continue
		case c.Virtual:
			opts = []split{{open: []int{p}}}
		case !c.Hidden:
			opts = []split{{cells: []int{p}}}
		default:
			opts = pl.splits(p, memo)
		}
		if len(acc) == 1 && len(opts) == 1 {
			// One way so far and one for p: p's cells are appended to
			// the one way in place, which is what the general step makes
			// of it. Its slices are this call's own: acc holds one way
			// only while every step so far had one option.
			acc[0].cells = append(acc[0].cells, opts[0].cells...)
			acc[0].open = append(acc[0].open, opts[0].open...)
			continue
		}
		next := make([]split, 0, min(len(acc)*len(opts), maxSplits))
	combine:
		for _, a := range acc {
			for _, o := range opts {
				next = append(next, split{cells: append(slices.Clip(a.cells), o.cells...), open: append(slices.Clip(a.open), o.open...)})
				if len(next) >= maxSplits {
					break combine
				}
			}
		}
		acc = next
	}
	return acc
}
