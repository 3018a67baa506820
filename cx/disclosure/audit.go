package disclosure

import (
	"encoding/binary"
	"maps"
	"slices"
)

// maxAuditCells is the most cells one linear program of the audit holds.
const maxAuditCells = 48

// audit solves what a reader can work out of each protected group from
// everything shown (the counts and answers of shown cells, the relations,
// the bounds the reasons and Hi reveal, that a group holds at least as
// many people as answers and at least as many answers as answers in a
// range) and hides one more cell for the first group pinned in each
// connected set of cells not shown; it reports whether it hid one.
//
// A set of more than maxAuditCells cells is audited around each
// protected cell, the farther cells taken as known at their true values:
// a count free there is free in the whole, so the audit stays sound, if
// more cautious.
func (pl *planner) audit() bool {
	hid := false
	unknown := func(i int) bool { c := &pl.Cells[i]; return pl.open(i) && (c.Virtual || c.Hidden) }
	parent := make([]int, len(pl.Cells))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for ri := range pl.Relations {
		first := -1
		for _, x := range pl.terms[ri] {
			if !unknown(x) {
				continue
			}
			if first < 0 {
				first = x
			} else if a, b := find(first), find(x); a != b {
				parent[max(a, b)] = min(a, b)
			}
		}
	}
	comps := map[int][]int{}
	for i := range pl.Cells {
		if unknown(i) {
			comps[find(i)] = append(comps[find(i)], i)
		}
	}
	guarded := func(i int) bool { return pl.protected(i) || pl.smallPeople(i) }
	for _, root := range slices.Sorted(maps.Keys(comps)) {
		comp := comps[root]
		if !slices.ContainsFunc(comp, guarded) {
			continue
		}
		if len(comp) <= maxAuditCells {
			if pl.wasClean(comp, -1) {
				continue
			}
			targets := slices.DeleteFunc(slices.Clone(comp), pl.isExposed)
			mended := false
			for {
				x, ok := pl.pinned(comp, targets)
				if !ok {
					break
				}
				if pl.mendFrom(x) {
					hid, mended = true, true
					break
				}
				// Nothing left to hide near it: its own bounds and the
				// hidden cells' reasons pin it. Report it, and go on.
				pl.expose(x)
				targets = slices.DeleteFunc(targets, func(y int) bool { return y == x })
			}
			if !mended {
				pl.markClean(comp, -1)
			}
			continue
		}
		for _, x := range comp {
			if !guarded(x) || pl.isExposed(x) {
				continue
			}
			near := pl.around(x, unknown)
			if pl.wasClean(near, x) {
				continue
			}
			if _, ok := pl.pinned(near, []int{x}); ok {
				if pl.mendFrom(x) {
					hid = true
					break
				}
				pl.expose(x)
				continue
			}
			pl.markClean(near, x)
		}
	}
	return hid
}

// around returns up to maxAuditCells unknown cells nearest x through the
// relations, x first.
func (pl *planner) around(x int, unknown func(int) bool) []int {
	out := []int{x}
	seen := map[int]bool{x: true}
	for i := 0; i < len(out) && len(out) < maxAuditCells; i++ {
		for _, ri := range pl.relsOf[out[i]] {
			for _, y := range pl.terms[ri] {
				if !seen[y] && unknown(y) && len(out) < maxAuditCells {
					seen[y] = true
					out = append(out, y)
				}
			}
		}
	}
	return out
}

// people returns a cell's respondents and what a reader knows of them:
// People with its bounds in a table of answers, else the count N with
// its bounds.
func (pl *planner) people(i int) (n, lo, hi int64) {
	c := &pl.Cells[i]
	if c.PeopleHi > 0 || c.People > 0 {
		return c.People, c.PeopleLo, c.PeopleHi
	}
	lo, hi = pl.bounds(i)
	return c.N, lo, hi
}

// smallPeople reports whether cell i, in a table of answers, is a group
// the respondents' layer hid as small (or empty, where a reader cannot
// tell empty from small), or a group never shown that it protects: its
// respondents must stay free on every
// measure, whether or not anyone in it answered (a count of answers
// pinned at none, with everyone around it answering, would pin its
// respondents).
func (pl *planner) smallPeople(i int) bool {
	c := &pl.Cells[i]
	if !pl.answers || !(c.Borrowed && c.Hidden || c.Virtual) || c.Ans == nil {
		return false
	}
	_, lo, hi := pl.people(i)
	return lo < hi && hi < pl.min
}

// pinned returns the first protected cell of targets whose count, or
// whose answers on some measure, a reader can pin down, solving over the
// cells of comp (cells not shown, targets among them) with every other
// cell taken as known; and, in a table of answers, the first cell of
// targets that the respondents' layer hid as small whose respondents a
// reader can pin down through the answers.
func (pl *planner) pinned(comp, targets []int) (int, bool) {
	col := make(map[int]int, len(comp))
	for j, x := range comp {
		col[x] = j
	}
	k := len(comp)
	// The relations touching comp, once each, in a fixed order.
	var rels []int
	seen := map[int]bool{}
	for _, x := range comp {
		for _, ri := range pl.relsOf[x] {
			if !seen[ri] {
				seen[ri] = true
				rels = append(rels, ri)
			}
		}
	}
	slices.Sort(rels)
	// equations returns the relations over comp at offset off; with
	// answers set, only those whose known terms have known answers.
	var terms []term
	equations := func(off int, answers bool) []row {
		var out []row
		for _, ri := range rels {
			r := pl.Relations[ri]
			terms = terms[:0]
			ok := true
			add := func(x int, sign int64) {
				if j, in := col[x]; in {
					terms = append(terms, term{off + j, sign})
				} else if answers && pl.Cells[x].N > 0 && pl.Cells[x].Ans == nil {
					ok = false
				}
			}
			add(r.Total, 1)
			for _, p := range r.Parts {
				add(p, -1)
			}
			if ok && len(terms) > 0 {
				out = append(out, sparseTerms(terms))
			}
		}
		return out
	}
	// The counts.
	z0 := make([]int64, k)
	for j, x := range comp {
		z0[j] = pl.Cells[x].N
	}
	counts := newRegion(z0, equations(0, false))
	for j, x := range comp {
		lo, hi := pl.bounds(x)
		counts.atMost(unit(j, -1), -lo)
		if hi < Unbounded {
			counts.atMost(unit(j, 1), hi)
		}
	}
	defer func() { pl.exact += counts.exactSolves }()
	for _, x := range targets {
		if !pl.protected(x) {
			continue
		}
		if c := &pl.Cells[x]; !c.Virtual && !c.Borrowed && c.Reason.Kind == FewAnswered && c.N >= pl.min {
			continue // hidden with a small item of its group; its count is not small
		}
		w := unit(col[x], 1)
		if !counts.reach(w, 1) && !counts.reach(w, -1) {
			return x, true
		}
	}
	if !pl.answers || slices.ContainsFunc(comp, func(x int) bool { return pl.Cells[x].Ans == nil }) {
		return 0, false
	}
	// Per measure: the people who did not answer (s), the answers in the
	// range (f) and the other answers (g), at 0, k and 2k. The equations
	// are the same for every measure; only the true point differs.
	eq := equations(0, true)
	eq = append(eq, equations(k, true)...)
	eq = append(eq, equations(2*k, true)...)
	for j, x := range comp {
		if _, lo, hi := pl.people(x); lo == hi {
			eq = append(eq, ones(j, k+j, 2*k+j))
		}
	}
	free := newDirections(3*k, eq)
	// One region serves every measure in turn (reset), with one true
	// point zm.
	var g *region
	zm := make([]int64, 3*k)
	for m := range pl.Measures {
		if !slices.ContainsFunc(targets, func(x int) bool { return pl.protected(x) && pl.Cells[x].Ans[2*m] > 0 || pl.smallPeople(x) }) {
			continue
		}
		for j, x := range comp {
			c := &pl.Cells[x]
			people, _, _ := pl.people(x)
			zm[j] = people - c.Ans[2*m]
			zm[k+j] = c.Ans[2*m+1]
			zm[2*k+j] = c.Ans[2*m] - c.Ans[2*m+1]
		}
		if g == nil {
			g = regionOf(zm, free)
		} else {
			g.reset(zm)
		}
		for j, x := range comp {
			c := &pl.Cells[x]
			for _, v := range [...]int{j, k + j, 2*k + j} {
				g.nonNegative(v)
			}
			all := ones(j, k+j, 2*k+j)
			_, lo, hi := pl.people(x)
			if lo < hi {
				g.atMost(neg(all), -lo)
				if hi < Unbounded {
					g.atMost(all, hi)
				}
			}
			if c.Virtual || c.Borrowed || !c.Hidden {
				continue
			}
			// What the reason tells of this item's answers: none, 1 to
			// min-1, or at least min (true of the item, whichever reason
			// the cell shows for its group).
			answers := ones(k+j, 2*k+j)
			least := int64(c.Reason.Min)
			if least <= 0 {
				least = pl.min
			}
			switch a := c.Ans[2*m]; {
			case a == 0:
				g.atMost(answers, 0)
			case a < least:
				g.atMost(neg(answers), -1)
				g.atMost(answers, least-1)
			default:
				g.atMost(neg(answers), -least)
			}
		}
		for _, x := range targets {
			j := col[x]
			c := &pl.Cells[x]
			small := pl.smallPeople(x)
			if !pl.protected(x) && !small {
				continue
			}
			if c.Ans[2*m] == 0 {
				// Nobody in it answered: its answers are none, as a
				// reader may learn; its respondents must stay free.
				if all := ones(j, k+j, 2*k+j); small && !g.reach(all, 1) && !g.reach(all, -1) {
					pl.exact += g.exactSolves
					return x, true
				}
				continue
			}
			if !c.Virtual && !c.Borrowed && c.Ans[2*m] >= pl.min {
				continue // hidden with a small item of its group; not small itself
			}
			// The respondents, where the respondents' layer protects them:
			// a hidden group's, a small group's never shown.
			if people, lo, hi := pl.people(x); lo < hi && (c.Borrowed || c.Virtual && people > 0 && people < pl.min) {
				all := ones(j, k+j, 2*k+j)
				if !g.reach(all, 1) && !g.reach(all, -1) {
					pl.exact += g.exactSolves
					return x, true
				}
			}
			f, u := unit(k+j, 1), unit(2*k+j, 1)
			answers := ones(k+j, 2*k+j)
			fav, unfav := c.Ans[2*m+1], c.Ans[2*m]-c.Ans[2*m+1]
			breach := !g.reach(answers, 1) && !g.reach(answers, -1)
			if !breach {
				// Each category a figure publishes (in the range, out of
				// it) must stay free: pinned at none only where a shown
				// cell holding x already tells it, never pinned at a
				// count of people.
				upF, upU := g.reach(f, 1), g.reach(u, 1)
				switch {
				case fav == 0 && !upF:
					// None in range, surely: a breach unless a shown cell
					// holding x already tells it.
					breach = !pl.toldBy(x, m, true)
				case unfav == 0 && !upU:
					breach = !pl.toldBy(x, m, false)
				case !upF && !g.reach(f, -1), !upU && !g.reach(u, -1):
					breach = true
				}
			}
			if breach {
				pl.exact += g.exactSolves
				return x, true
			}
		}
		pl.exact += g.exactSolves
	}
	return 0, false
}

// unit returns the form c·z_j.
func unit(j int, c int64) row { return row{idx: []int{j}, coef: []int64{c}} }

// neg returns -w.
func neg(w row) row {
	out := row{idx: w.idx, coef: make([]int64, len(w.coef))}
	for i, c := range w.coef {
		out.coef[i] = -c
	}
	return out
}

// ones returns the form with coefficient 1 at each of idx, which are
// increasing: what sparse returns for them.
func ones(idx ...int) row {
	r := row{idx: idx, coef: make([]int64, len(idx))}
	for k := range r.coef {
		r.coef[k] = 1
	}
	return r
}

// term is a coefficient of a form at an index.
type term struct {
	j int
	c int64
}

// sparseTerms returns the form of the sum of terms (an index may come
// more than once), as sparse returns it for the same coefficients by
// index: the nonzero ones, by increasing index. It reorders terms.
func sparseTerms(terms []term) row {
	slices.SortFunc(terms, func(a, b term) int { return a.j - b.j })
	var r row
	for i := 0; i < len(terms); {
		j, c := terms[i].j, int64(0)
		for ; i < len(terms) && terms[i].j == j; i++ {
			c += terms[i].c
		}
		if c != 0 {
			r.idx, r.coef = append(r.idx, j), append(r.coef, c)
		}
	}
	return r
}

// sparse returns the form of the nonzero coefficients of m, by index.
func sparse(m map[int]int64) row {
	var keys [8]int
	idx := keys[:0]
	for j, c := range m {
		if c != 0 {
			idx = append(idx, j)
		}
	}
	if len(idx) == 0 {
		return row{}
	}
	slices.Sort(idx)
	r := row{idx: slices.Clone(idx), coef: make([]int64, len(idx))}
	for k, j := range r.idx {
		r.coef[k] = m[j]
	}
	return r
}

// auditKey returns what the audit of cells (with target x, or every
// cell not exposed when x < 0) reads of the plan's state, as a key: the
// cells, whether each is hidden or exposed and its reason, and whether
// each cell holding one of them, up through the relations' totals, is
// hidden. Everything else the audit reads is fixed for the table; cells
// not among them are known at their true values; and hiding or exposing
// only grows. So a set of cells the audit found nothing to pin in, with
// the same key, is found so again.
func (pl *planner) auditKey(cells []int, x int) string {
	b := make([]byte, 0, 16*len(cells))
	put := func(v int) { b = binary.AppendUvarint(b, uint64(v)) }
	put(x + 1)
	seen := make(map[int]bool, 2*len(cells))
	var up []int
	for _, y := range cells {
		c := &pl.Cells[y]
		put(y)
		flags := 0
		if c.Hidden {
			flags |= 1
		}
		if pl.isExposed(y) {
			flags |= 2
		}
		put(flags)
		put(int(c.Reason.Kind))
		put(c.Reason.Min)
		seen[y] = true
		up = append(up, y)
	}
	put(len(pl.Cells)) // no cell's index: the end of the cells
	for i := 0; i < len(up); i++ {
		y := up[i]
		for _, ri := range pl.relsOf[y] {
			if t := pl.Relations[ri].Total; t != y && !seen[t] {
				seen[t] = true
				up = append(up, t)
				if pl.Cells[t].Hidden {
					put(t)
				}
			}
		}
	}
	return string(b)
}

// wasClean reports whether the audit found nothing to pin in cells (with
// target x, or all when x < 0) in the same state before.
func (pl *planner) wasClean(cells []int, x int) bool {
	if !auditMemo || !pl.clean[pl.auditKey(cells, x)] {
		return false
	}
	pl.skips++
	return true
}

// auditMemo turns the record of clean sets on; tests turn it off to
// compare.
var auditMemo = true

// markClean records that the audit found nothing to pin in cells (with
// target x, or all when x < 0) in their present state.
func (pl *planner) markClean(cells []int, x int) {
	if !auditMemo {
		return
	}
	if pl.clean == nil {
		pl.clean = map[string]bool{}
	}
	pl.clean[pl.auditKey(cells, x)] = true
}
