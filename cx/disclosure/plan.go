package disclosure

import (
	"maps"
	"slices"
)

// planner holds the state of one [Table.Plan].
type planner struct {
	*Table
	min int64
	// close holds the pairs of cells shown or hidden together.
	close [][2]int
	// relsOf holds, per cell, the relations it is a term of, and terms,
	// per relation, its total then its parts.
	relsOf [][]int
	terms  [][]int
	// dirty marks, during a pass of complete, the relations of the cells
	// hidden in that pass: rules touching them wait for the next pass.
	dirty []bool
	// answers reports whether the table follows answers.
	answers bool
	// exact counts the linear programs settled by the exact solver, for
	// tests.
	exact int
	// exposed marks the protected cells a reader can pin although no
	// further suppression would prevent it.
	exposed map[int]bool
	// clean holds the keys (auditKey) of the sets of cells the audit
	// found nothing to pin in, so that its next passes skip them.
	clean map[string]bool
	// skips counts the audits the record saved, for tests.
	skips int
	// rest is revealed's buffer; partsOf holds, per cell, the parts of
	// the relations of which it is the total (holdsProtected); lo and hi
	// are intervals' buffers.
	rest    []int64
	partsOf [][]int
	lo, hi  []int64
}

func (pl *planner) isExposed(i int) bool { return pl.exposed[i] }

func (pl *planner) expose(i int) {
	if pl.exposed == nil {
		pl.exposed = map[int]bool{}
	}
	pl.exposed[i] = true
}

// Plan hides cells of t until the rules of the package hold (see the
// package documentation): primary suppression; cells of a close pair
// together; then, to a fixpoint, the fast rules and the audit by linear
// programming. Cells hidden on input stay hidden with their reasons.
//
// The fast rules, checked in a fixed order:
//
//   - a protected group's count pinned by chains of subtractions and the
//     bounds the reasons reveal;
//   - in a relation whose total is known, the unknown terms together
//     hold 0 or at least Min people, and their answers to each measure
//     are not unanimous (all or none in range) when a protected group is
//     among them, unless a shown cell holding it is unanimous the same way;
//   - a shown cell minus any family of disjoint shown cells inside it (up
//     to 64 ways of dividing it, several relations deep) leaves 0 or at
//     least Min people, not unanimous when a protected group is among
//     them.
//
// To mend a breach the plan hides, among the shown parts of the relation
// at fault, one that is not a headline (Cell.Headline) when there is
// one, then the one whose hiding leaves the fewest other relations with a
// single unknown term, then the deepest, then the one with the smallest
// known bound Hi (an invited count, which a reader knows), then by name;
// it never chooses by
// the count of a cell it hides, which would tell a reader that the cell
// is smaller than the ones left shown. A unanimity is mended by the shown
// part that ends the most unanimities at once (it answered otherwise).
// Each hidden cell's Reason is Complementary, naming the protected group.
// The result is deterministic.
//
// Plan panics if t is inconsistent (see [Table.Validate]); callers build
// tables from counts that add up.
func (t *Table) Plan() {
	if err := t.Validate(); err != nil {
		panic(err)
	}
	pl := newPlanner(t)
	pl.primary()
	if t.ThresholdOnly {
		return
	}
	pl.overlaps()
	pl.settle()
	// Groups still pinned with every cell near them hidden: the reasons
	// of the hidden cells around them are withheld, and the plan settles
	// again, until none is pinned or no reason is left to withhold.
	for t.WithholdReasons && len(pl.exposed) > 0 && !pl.answers && pl.withhold() {
		pl.exposed, pl.clean = nil, nil
		pl.settle()
	}
	t.Exposed = slices.Sorted(maps.Keys(pl.exposed))
	t.ExactSolves = pl.exact
	t.auditSkips = pl.skips
}

// settle runs the fast rules and the audit to a fixpoint, then marks
// the protected groups whose own bounds pin them as exposed.
func (pl *planner) settle() {
	pl.complete()
	for pl.audit() {
		pl.complete()
	}
	for i := range pl.Cells {
		c := &pl.Cells[i]
		if c.Reason.Kind == FewAnswered && !c.Virtual && !c.Borrowed && c.N >= pl.min {
			continue // hidden for another item of its group: this count is not small
		}
		if lo, hi := pl.Known(i); pl.protects(i) && lo == hi {
			pl.expose(i)
		}
	}
}

// withhold withholds the reasons of the hidden published cells joined to
// an exposed group by relations through cells a reader does not know
// (hidden, or never shown): a reason bounds a count ("fewer than" the
// minimum, "at least" the minimum), and such bounds, with nothing left
// to hide, are what pins a group (a unit of 3 hidden as "at least 3"
// whose two segments are hidden as "fewer than 3"). A reader who cannot
// tell a small cell from a cell hidden to protect another knows neither
// bound. It reports whether it withheld a reason not withheld before.
func (pl *planner) withhold() bool {
	// An empty listed cell reads as a small one there would: its reason
	// is withheld too, and the region reaches on through it as it would
	// through a small one, so that the published reasons do not tell it
	// empty. The plan still takes it as known empty (Known).
	emptyListed := func(c *Cell) bool { return c.Listed && !c.Virtual && c.N == 0 }
	unknown := func(i int) bool {
		c := &pl.Cells[i]
		return pl.open(i) && (c.Virtual || c.Hidden) || emptyListed(c)
	}
	seen := make([]bool, len(pl.Cells))
	var queue []int
	for _, x := range slices.Sorted(maps.Keys(pl.exposed)) {
		if !seen[x] {
			seen[x] = true
			queue = append(queue, x)
		}
	}
	more := false
	for len(queue) > 0 {
		y := queue[0]
		queue = queue[1:]
		if c := &pl.Cells[y]; (c.Hidden || emptyListed(c)) && !c.Virtual && !c.Withheld {
			c.Withheld, more = true, true
		}
		for _, ri := range pl.relsOf[y] {
			for _, z := range pl.terms[ri] {
				if !seen[z] && unknown(z) {
					seen[z] = true
					queue = append(queue, z)
				}
			}
		}
	}
	return more
}

func newPlanner(t *Table) *planner {
	pl := &planner{Table: t, min: t.Min}
	if pl.Primary == 0 {
		pl.Primary = BelowMinimum
	}
	for i := range t.Cells {
		if t.Cells[i].Ans != nil {
			pl.answers = t.Measures > 0
		}
	}
	pl.relsOf = make([][]int, len(t.Cells))
	pl.terms = make([][]int, len(t.Relations))
	for ri, r := range t.Relations {
		pl.terms[ri] = append(append(make([]int, 0, 1+len(r.Parts)), r.Total), r.Parts...)
		pl.relsOf[r.Total] = append(pl.relsOf[r.Total], ri)
		for _, x := range r.Parts {
			pl.relsOf[x] = append(pl.relsOf[x], ri)
		}
	}
	return pl
}

// Cover returns, for a planned table, the shown cell the plan would hide
// next to protect cell i, as it chooses one around a pinned group (see
// [Table.Plan]), with the reason it would give; false when no shown cell
// near i would do. It leaves t as it is. A caller that learns from
// another table (of answers over the same cells) that i is pinned hides
// the cell returned and plans again.
func (t *Table) Cover(i int) (int, Reason, bool) {
	c := *t
	c.Cells = slices.Clone(t.Cells)
	pl := newPlanner(&c)
	if !pl.mendFrom(i) {
		return 0, Reason{}, false
	}
	for j := range c.Cells {
		if c.Cells[j].Hidden && !t.Cells[j].Hidden {
			return j, c.Cells[j].Reason, true
		}
	}
	return 0, Reason{}, false
}

func (pl *planner) name(i int) string { return pl.Cells[i].Name }

// protected reports whether cell i is a group the plan protects: a
// hidden cell with people, or a group never shown of 1 to Min-1 (in a
// table of Figures, not a cell hidden only to protect another).
func (pl *planner) protected(i int) bool {
	if !pl.protects(i) {
		return false
	}
	// A count its own bounds pin (an invited count that equals the
	// reason's bound) cannot be protected by hiding more: it is exposed.
	lo, hi := pl.Known(i)
	return lo < hi
}

// protects reports whether the plan means to protect cell i, whatever
// its bounds: a group below the minimum (hidden as such, borrowed from a
// group hidden as such, or never shown), a segment hidden as nearly
// another, a unit hidden for its wave difference. A cell hidden only to
// protect another holds at least the minimum: a reader may learn its
// count, as a shown cell's, so long as the groups it protects stay
// unknown.
func (pl *planner) protects(i int) bool {
	c := &pl.Cells[i]
	if !c.Hidden || !(c.N > 0 || c.EmptyHidden) {
		return false
	}
	switch c.Reason.Kind {
	case BelowMinimum, FewAnswered, OverlappingSegment, WaveDifference:
		return true
	}
	return c.Virtual
}

// open reports whether cell i may hold people as far as a reader knows:
// it has some, or it is empty and hidden as if small, or (in a table of
// answers) a hidden group or one never shown whose people are unknown.
func (pl *planner) open(i int) bool {
	c := &pl.Cells[i]
	return c.N > 0 || c.EmptyHidden && c.Hidden || c.Unknown && c.Virtual || c.PeopleLo < c.PeopleHi && (c.Hidden || c.Virtual)
}

func (pl *planner) hide(i int, r Reason) {
	if !pl.Cells[i].Hidden {
		pl.Cells[i].Hidden, pl.Cells[i].Reason = true, r
		if pl.dirty != nil {
			for _, ri := range pl.relsOf[i] {
				pl.dirty[ri] = true
			}
		}
	}
}

// primary hides the published cells below the minimum, and marks the
// small groups never shown as protected.
func (pl *planner) primary() {
	for i := range pl.Cells {
		c := &pl.Cells[i]
		switch {
		case c.Virtual:
			// Small, empty where a reader cannot tell empty from small,
			// or marked small on input (a group of items one of which it
			// answered too little).
			c.Hidden = c.Hidden || c.N > 0 && c.N < pl.min || c.N == 0 && c.EmptyHidden && c.hi() > 0
		case c.N > 0 && c.N < pl.min, c.N == 0 && c.EmptyHidden && c.hi() > 0:
			pl.hide(i, Reason{Kind: pl.Primary, Min: int(pl.min)})
		}
	}
}

// overlaps hides, of each close pair of shown cells that differ at all,
// the one named later.
func (pl *planner) overlaps() {
	for _, p := range pl.Pairs {
		if p.Apart >= pl.min {
			continue
		}
		pl.close = append(pl.close, [2]int{p.A, p.B})
		a, b := &pl.Cells[p.A], &pl.Cells[p.B]
		if p.Apart > 0 && !a.Hidden && !b.Hidden {
			if p.NameA < p.NameB {
				pl.hide(p.B, Reason{Kind: OverlappingSegment, Min: int(pl.min), Other: p.NameA})
			} else {
				pl.hide(p.A, Reason{Kind: OverlappingSegment, Min: int(pl.min), Other: p.NameB})
			}
		}
	}
}

// touched reports whether a relation of any of xs changed in this pass.
func (pl *planner) touched(xs ...int) bool {
	for _, x := range xs {
		for _, ri := range pl.relsOf[x] {
			if pl.dirty[ri] {
				return true
			}
		}
	}
	return false
}

// bounds returns what a reader knows of a cell's count before using the
// relations (see [Table.Known]).
func (pl *planner) bounds(i int) (lo, hi int64) { return pl.Known(i) }

// maxIntervalPasses caps the passes of interval propagation.
const maxIntervalPasses = 1000

func satAdd(a, b int64) int64 { return min(a+b, Unbounded) }

// intervals narrows every cell's bounds through the relations (total =
// sum of parts) until nothing changes: what a reader can work out by
// chaining subtractions and the bounds the reasons reveal. The bounds
// are valid until the next call.
func (pl *planner) intervals() (lo, hi []int64) {
	if cap(pl.lo) < len(pl.Cells) {
		pl.lo, pl.hi = make([]int64, len(pl.Cells)), make([]int64, len(pl.Cells))
	}
	lo, hi = pl.lo[:len(pl.Cells)], pl.hi[:len(pl.Cells)]
	for i := range pl.Cells {
		lo[i], hi[i] = pl.bounds(i)
	}
	// Bounds tighten by whole people; a cycle of relations can tighten
	// them one at a time, so the passes are capped (the cap is far above
	// what trees of relations need).
	for pass, changed := 0, true; changed && pass < maxIntervalPasses; pass++ {
		changed = false
		set := func(i int, l, h int64) {
			if l > lo[i] {
				lo[i], changed = l, true
			}
			if h < hi[i] {
				hi[i], changed = h, true
			}
		}
		for _, r := range pl.Relations {
			var sumLo, sumHi int64
			for _, p := range r.Parts {
				sumLo, sumHi = satAdd(sumLo, lo[p]), satAdd(sumHi, hi[p])
			}
			set(r.Total, sumLo, sumHi)
			for _, p := range r.Parts {
				l := lo[p]
				if sumHi < Unbounded && hi[p] < Unbounded {
					l = lo[r.Total] - (sumHi - hi[p])
				}
				h := hi[p]
				if hi[r.Total] < Unbounded {
					h = hi[r.Total] - (sumLo - lo[p])
				}
				set(p, l, h)
			}
		}
	}
	return lo, hi
}

// complete hides cells until no fast rule is broken.
func (pl *planner) complete() {
	for pl.fixPass() {
	}
	pl.dirty = nil
}

// before orders candidate cells for hiding without looking at their
// counts: cells that are not headlines first, then deeper first, then by
// known bound Hi (smaller first; unknown last), then name.
func (pl *planner) before(x, y int) bool {
	if hx, hy := pl.Cells[x].Headline, pl.Cells[y].Headline; hx != hy {
		return hy
	}
	if dx, dy := pl.Cells[x].Depth, pl.Cells[y].Depth; dx != dy {
		return dx > dy
	}
	hx, hy := pl.Cells[x].hi(), pl.Cells[y].hi()
	if hx != hy {
		return hx < hy
	}
	return pl.name(x) < pl.name(y)
}

// mendFrom hides one cell to mend the pinned cell x: among the shown
// cells of x's relations and of the relations of the hidden cells in
// them, the first in the order of better (the cheapest, then one of x's
// own relations, then one that is not a headline, then the first in the
// order of before); or, when none is shown, the nearest relation with a
// shown cell (breadth first over the relations, through their terms). It
// reports whether it hid one.
func (pl *planner) mendFrom(x int) bool {
	best, last := choice{p: -1}, -1
	consider := func(ri int, far bool) {
		for _, p := range pl.terms[ri] {
			c := &pl.Cells[p]
			if c.Virtual || c.Hidden || c.N == 0 {
				continue
			}
			if pl.ceiling(p) <= pl.min {
				if last < 0 || pl.before(p, last) {
					last = p
				}
				continue
			}
			ch := choice{p: p, cost: pl.cost(p), far: far}
			if best.p < 0 || pl.better(ch, best) {
				best = ch
			}
		}
	}
	// x's relations, then those of the hidden cells in them: the corners
	// of a rectangle of hidden cells lie there.
	var second []int
	for _, ri := range pl.relsOf[x] {
		if pl.dirty != nil && pl.dirty[ri] {
			return false // changed in this pass: the next pass decides
		}
		consider(ri, false)
		for _, y := range pl.terms[ri] {
			if y != x && pl.Cells[y].Hidden && !pl.Cells[y].Virtual {
				second = append(second, pl.relsOf[y]...)
			}
		}
	}
	for _, ri := range second {
		if pl.dirty == nil || !pl.dirty[ri] {
			consider(ri, true)
		}
	}
	if best.p >= 0 {
		pl.hide(best.p, Reason{Kind: Complementary, Min: int(pl.min), Other: pl.name(x)})
		return true
	}
	seenRel := make([]bool, len(pl.Relations))
	seen := map[int]bool{x: true}
	queue := []int{x}
	for len(queue) > 0 {
		y := queue[0]
		queue = queue[1:]
		for _, ri := range pl.relsOf[y] {
			if seenRel[ri] {
				continue
			}
			seenRel[ri] = true
			if pl.dirty != nil && pl.dirty[ri] {
				return false // changed in this pass: the next pass decides
			}
			r := pl.Relations[ri]
			if pl.mend(r, x) {
				return true
			}
			for _, z := range pl.terms[ri] {
				if !seen[z] && pl.open(z) {
					seen[z] = true
					queue = append(queue, z)
				}
			}
		}
	}
	return false
}

// mend hides, in relation r, the shown part with people that leaves the
// fewest other relations with a single unknown (see cost), the first of
// those in the order of before, or else the shown total, as complementary
// to protected cell x; a headline only when no cell that is not one
// would do. It reports whether it hid a cell.
func (pl *planner) mend(r Relation, x int) bool {
	// A cell whose bound Hi is at most the minimum would be pinned by it
	// once hidden as complementary (at least the minimum): a last resort.
	pinnedBy := func(i int) bool { return pl.ceiling(i) <= pl.min }
	best, bestCost, last := -1, 0, -1
	for _, p := range r.Parts {
		c := &pl.Cells[p]
		if c.Virtual || c.Hidden || c.N == 0 {
			continue
		}
		if pinnedBy(p) {
			if last < 0 || pl.before(p, last) {
				last = p
			}
			continue
		}
		cost := pl.cost(p)
		if best < 0 || pl.lessHeadline(p, best) || c.Headline == pl.Cells[best].Headline && (cost < bestCost || cost == bestCost && pl.before(p, best)) {
			best, bestCost = p, cost
		}
	}
	if t := &pl.Cells[r.Total]; (best < 0 || pl.lessHeadline(r.Total, best)) && !t.Virtual && !t.Hidden && t.N > 0 && (!pinnedBy(r.Total) || last < 0) {
		best = r.Total
	}
	if best < 0 {
		best = last
	}
	if best < 0 {
		return false
	}
	pl.hide(best, Reason{Kind: Complementary, Min: int(pl.min), Other: pl.name(x)})
	return true
}

// choice is a cell the plan may hide to protect a cell x, with what
// orders it among others (see better).
type choice struct {
	p, cost int
	// far marks a cell of a relation of a hidden cell beside x rather
	// than of x's own relations.
	far bool
}

// better orders the cells the plan may hide to protect a cell x: the one
// whose hiding leaves the fewest relations with it as their only unknown
// term (see cost; a cell that would stay derivable is of little use, one
// that closes a cycle of hidden cells around x is what a table needs),
// then a cell of x's own relations (one of a relation beside them may not
// help x at all), then the order of before (which puts a unit's segment
// before the unit: declaring segments must not cost the units' figures).
func (pl *planner) better(a, b choice) bool {
	if a.cost != b.cost {
		return a.cost < b.cost
	}
	if a.far != b.far {
		return !a.far
	}
	return pl.before(a.p, b.p)
}

// lessHeadline reports whether cell x is not a headline and y is: x is
// to be hidden first, whatever else orders them.
func (pl *planner) lessHeadline(x, y int) bool { return !pl.Cells[x].Headline && pl.Cells[y].Headline }

// ceiling returns the most a reader knows cell i to hold, whether or not
// it is hidden: its bound Hi and, in a table of answers, its
// respondents' bound (a shown group's respondents). A cell whose ceiling
// is at most the minimum would be pinned once hidden as complementary
// (at least the minimum).
func (pl *planner) ceiling(i int) int64 {
	c := &pl.Cells[i]
	if c.PeopleHi > 0 {
		return min(c.hi(), c.PeopleHi)
	}
	return c.hi()
}

// cost counts the relations of cell p that hiding it would leave with p
// as their only unknown term: each would need one more cell hidden. A part
// whose other relations already hold a hidden cell closes a cycle of
// hidden cells (as in a table, where the protection of a hidden cell needs
// a rectangle of them) and costs nothing.
func (pl *planner) cost(p int) int {
	cost := 0
	for _, ri := range pl.relsOf[p] {
		other := false
		for _, z := range pl.terms[ri] {
			if z != p && pl.open(z) && (pl.Cells[z].Hidden || pl.Cells[z].Virtual) {
				other = true
				break
			}
		}
		if !other {
			cost++
		}
	}
	return cost
}

// smallestName returns the cell of xs with the smallest name, published
// cells before groups never shown: the protected cell a complementary
// reason names.
func (pl *planner) smallestName(xs []int) int {
	best := xs[0]
	for _, x := range xs[1:] {
		if pl.Cells[x].Virtual != pl.Cells[best].Virtual {
			if !pl.Cells[x].Virtual {
				best = x
			}
			continue
		}
		if pl.name(x) < pl.name(best) {
			best = x
		}
	}
	return best
}
