package org

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Lineage relates the org at a baseline time to the org at a later time,
// so that a unit's figures are compared with those of the same people's
// units at the baseline. Build it with [History.Lineage]; it is immutable
// and safe for concurrent use.
//
// # The rule
//
// A unit keeps its identity through renames and moves. A merge passes the
// people of the merged units to the unit they merge into; a split passes
// the people of the split unit to the units it is split into; a close
// ends them. Following these changes from the baseline to the later time,
// each baseline unit's people end up in a set of later units, its
// successors.
//
// A later unit U, with the units below it, is compared with the baseline
// units whose people are now counted in it: its predecessors. The
// comparison holds (is like with like) when every predecessor's people
// are now counted within U. It does not hold when:
//
//   - U has no predecessor: it was added after the baseline, with units
//     below it that were all added too;
//   - a predecessor was split and part of its people are counted outside
//     U: its baseline figure cannot be divided.
//
// When the predecessors are not exactly the units that U and the units
// below it were at the baseline (a unit moved in or out, units merged,
// a unit closed), the baseline is restated: it counts the predecessors'
// people at the baseline, and the comparison says so.
type Lineage struct {
	from, to   time.Time
	then, now  *Hierarchy
	successors map[string][]string // per unit of then
	counted    map[string]string   // per unit of then with successors
	units      map[string]Comparison
	h          *History
}

// Comparison says whether a unit of the later org can be compared with
// the baseline, with what, and why.
type Comparison struct {
	// Unit is the unit of the later org.
	Unit string `json:"unit"`
	// Comparable reports whether the unit's figures may be compared with
	// the baseline's.
	Comparable bool `json:"comparable"`
	// Restated reports a comparable unit whose baseline is not what the
	// unit itself was at the baseline (see [Lineage]).
	Restated bool `json:"restated,omitempty"`
	// Predecessors are the units of the baseline org whose people the
	// unit now counts, as the baseline org named them, by ID.
	Predecessors []string `json:"predecessors,omitempty"`
	// Reason says, in words with unit names and dates, why the unit is
	// not comparable, or how its baseline was restated; empty for a unit
	// compared with itself.
	Reason string `json:"reason,omitempty"`
}

// Lineage returns the lineage from the org at from (the baseline) to the
// org at to; to must not be before from. It reports false when no unit
// was in force at one of the two times.
func (h *History) Lineage(from, to time.Time) (*Lineage, bool) {
	then, ok1 := h.At(from)
	now, ok2 := h.At(to)
	if !ok1 || !ok2 || to.Before(from) {
		return nil, false
	}
	l := &Lineage{from: from, to: to, then: then, now: now, h: h,
		successors: map[string][]string{}, counted: map[string]string{}, units: map[string]Comparison{}}
	cur := map[string]map[string]bool{}
	for _, p := range then.IDs() {
		cur[p] = map[string]bool{p: true}
	}
	for _, ev := range h.events {
		if !ev.at.After(from) || ev.at.After(to) {
			continue
		}
		for _, set := range cur {
			hit := false
			for _, f := range ev.from {
				if set[f] {
					delete(set, f)
					hit = true
				}
			}
			if hit {
				for _, t := range ev.to {
					set[t] = true
				}
			}
		}
	}
	for p, set := range cur {
		var succ []string
		for u := range set {
			if now.Has(u) {
				succ = append(succ, u)
			}
		}
		slices.Sort(succ)
		l.successors[p] = succ
		if len(succ) > 0 {
			l.counted[p] = lca(now, succ)
		}
	}
	pred := map[string][]string{}
	for p, succ := range l.successors {
		for _, u := range succ {
			pred[u] = append(pred[u], p)
		}
	}
	for _, u := range now.IDs() {
		l.units[u] = l.compare(u, pred)
	}
	return l, true
}

// lca returns the lowest unit of h at or above every unit of us.
func lca(h *Hierarchy, us []string) string {
	anc := append([]string{us[0]}, h.Ancestors(us[0])...)
	for _, a := range anc {
		all := true
		for _, u := range us[1:] {
			if !h.Within(u, a) {
				all = false
				break
			}
		}
		if all {
			return a
		}
	}
	return h.Root()
}

func (l *Lineage) compare(u string, pred map[string][]string) Comparison {
	c := Comparison{Unit: u}
	inside := map[string]bool{}
	for _, x := range l.now.Subtree(u) {
		inside[x] = true
	}
	ps := map[string]bool{}
	for x := range inside {
		for _, p := range pred[x] {
			ps[p] = true
		}
	}
	c.Predecessors = sortedSet(ps)
	if len(ps) == 0 {
		c.Reason = fmt.Sprintf("%s is new since the baseline: %s", l.nowName(u), l.origin(u))
		return c
	}
	for _, p := range c.Predecessors {
		var out []string
		for _, s := range l.successors[p] {
			if !inside[s] {
				out = append(out, l.nowName(s))
			}
		}
		if len(out) > 0 {
			c.Reason = fmt.Sprintf("%s cannot be compared with the baseline: %s%s, and part of its people are now counted in %s; its baseline figures cannot be divided",
				l.nowName(u), l.thenName(p), l.splitWhen(p), strings.Join(out, ", "))
			c.Predecessors = nil
			return c
		}
	}
	c.Comparable = true
	var before []string
	if l.then.Has(u) {
		before = l.then.Subtree(u)
	}
	// Units added since the baseline bring people it did not have.
	var added []string
	for _, x := range l.now.Subtree(u) {
		if len(pred[x]) == 0 {
			added = append(added, l.nowName(x)+" ("+l.origin(x)+")")
		}
	}
	grown := ""
	if len(added) > 0 {
		grown = "it now also counts " + strings.Join(added, ", ") + ", which the baseline did not have"
	}
	if slices.Equal(sortedList(before), c.Predecessors) {
		if grown != "" {
			c.Reason = l.nowName(u) + " is compared with its baseline; " + grown
		}
		return c
	}
	c.Restated = true
	var joined, left []string
	for _, p := range c.Predecessors {
		if !slices.Contains(before, p) {
			joined = append(joined, l.thenName(p)+l.how(p))
		}
	}
	for _, b := range before {
		if !ps[b] {
			left = append(left, l.thenName(b)+l.how(b))
		}
	}
	var parts []string
	if !l.then.Has(u) {
		parts = append(parts, fmt.Sprintf("%s is compared with the units it was formed from, as they stood at the baseline: %s",
			l.nowName(u), strings.Join(joined, ", ")))
	} else {
		if len(joined) > 0 {
			parts = append(parts, "with "+strings.Join(joined, ", "))
		}
		if len(left) > 0 {
			parts = append(parts, "without "+strings.Join(left, ", "))
		}
		parts[0] = fmt.Sprintf("%s is compared with its baseline restated on today's structure: %s", l.nowName(u), parts[0])
	}
	if grown != "" {
		parts = append(parts, grown)
	}
	c.Reason = strings.Join(parts, "; ")
	return c
}

func sortedList(xs []string) []string {
	out := slices.Clone(xs)
	slices.Sort(out)
	return out
}

func (l *Lineage) nowName(u string) string {
	if x, ok := l.now.Unit(u); ok {
		return x.Name
	}
	return u
}

func (l *Lineage) thenName(u string) string {
	if x, ok := l.then.Unit(u); ok {
		return x.Name
	}
	return u
}

// between returns the events of the lineage's span that involve u.
func (l *Lineage) between(u string) []event {
	var out []event
	for _, ev := range l.h.events {
		if ev.at.After(l.from) && !ev.at.After(l.to) && (slices.Contains(ev.from, u) || slices.Contains(ev.to, u)) {
			out = append(out, ev)
		}
	}
	return out
}

// origin says how a unit with no predecessor came to be.
func (l *Lineage) origin(u string) string {
	if e, ok := l.h.units[u]; ok && e.added.After(l.from) {
		return "added " + when(e.added) + ", after the baseline"
	}
	return "none of its units was in the org at the baseline"
}

// splitWhen names the split that divided p's people: " was split on DATE".
func (l *Lineage) splitWhen(p string) string {
	for _, ev := range l.between(p) {
		if ev.kind == Split && slices.Contains(ev.from, p) {
			return " was split " + when(ev.at)
		}
	}
	return " was divided by later changes"
}

// how says, for a unit of the baseline org, the change that moved its
// people in or out: " (moved on DATE)", " (merged on DATE)".
func (l *Lineage) how(p string) string {
	var last string
	for _, i := range l.changesOf(p) {
		c := l.h.changes[i]
		switch {
		case c.Kind == Move && c.Unit.ID == p:
			last = " (moved " + when(c.Effective) + ")"
		case c.Kind == Merge && slices.Contains(c.From, p):
			last = " (merged " + when(c.Effective) + ")"
		case c.Kind == Merge && c.Unit.ID == p:
			last = " (took in other units " + when(c.Effective) + ")"
		case c.Kind == Close && c.Unit.ID == p:
			last = " (closed " + when(c.Effective) + ")"
		case c.Kind == Split && c.Unit.ID == p:
			last = " (split " + when(c.Effective) + ")"
		}
	}
	if last == "" {
		for _, a := range l.then.Ancestors(p) {
			if s := l.how(a); s != "" {
				return strings.Replace(s, " (", " (with "+l.thenName(a)+", ", 1)
			}
		}
	}
	return last
}

// changesOf returns the changes of the lineage's span that concern p, in
// effective order.
func (l *Lineage) changesOf(p string) []int {
	var out []int
	for i, c := range l.h.changes {
		if !c.Effective.After(l.from) || c.Effective.After(l.to) {
			continue
		}
		if c.Unit.ID == p || slices.Contains(c.From, p) {
			out = append(out, i)
		}
	}
	slices.SortStableFunc(out, func(a, b int) int { return l.h.changes[a].Effective.Compare(l.h.changes[b].Effective) })
	return out
}

// From and To return the two times related.
func (l *Lineage) From() time.Time { return l.from }

// To returns the later time.
func (l *Lineage) To() time.Time { return l.to }

// Then returns the org at the baseline; Now the org at the later time.
func (l *Lineage) Then() *Hierarchy { return l.then }

// Now returns the org at the later time.
func (l *Lineage) Now() *Hierarchy { return l.now }

// Compare returns the comparison of a unit of the later org; false for a
// unit not in it.
func (l *Lineage) Compare(unit string) (Comparison, bool) {
	c, ok := l.units[unit]
	if ok {
		c.Predecessors = slices.Clone(c.Predecessors)
	}
	return c, ok
}

// Successors returns the units of the later org in which the people of
// a baseline unit are now counted (none when it closed), ordered by ID.
func (l *Lineage) Successors(unit string) []string { return slices.Clone(l.successors[unit]) }

// Counted returns the unit of the later org under which the baseline
// people of unit are counted when the baseline is restated: its successor,
// or the lowest unit above all its successors; false when its people left
// the org (it closed). Rolling the baseline's per-unit figures up the
// later org from these units gives, at every comparable unit, its
// restated baseline.
func (l *Lineage) Counted(unit string) (string, bool) {
	u, ok := l.counted[unit]
	return u, ok
}

// Identity reports whether nothing changed between the two times but
// names and leaders: every unit is compared with itself.
func (l *Lineage) Identity() bool {
	if !l.then.SameShape(l.now) {
		return false
	}
	for p, s := range l.successors {
		if len(s) != 1 || s[0] != p {
			return false
		}
	}
	return true
}

// Cover returns, for a set of units of h, the units whose figures as
// rolled up in h add up to the direct figures of the set: the sum of the
// roll-ups of add minus the sum of the roll-ups of sub equals the sum of
// the units' own (direct) figures. A figure for the set is derivable from
// shown figures when every unit of add and sub is shown. Units h does not
// hold are ignored; add and sub are ordered by ID. It takes time in the
// size of the set and the children of its units, not of h.
func (h *Hierarchy) Cover(units []string) (add, sub []string) {
	in := make(map[string]bool, len(units))
	for _, u := range units {
		if _, ok := h.units[u]; ok {
			in[u] = true
		}
	}
	for u := range in {
		if p := h.units[u].Parent; p == "" || !in[p] {
			add = append(add, u)
		}
		for _, c := range h.children[u] {
			if !in[c] {
				sub = append(sub, c)
			}
		}
	}
	slices.Sort(add)
	slices.Sort(sub)
	return add, sub
}
