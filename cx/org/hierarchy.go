package org

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/cxculture/cxculture/survey"
)

// Unit is a node of the org hierarchy: the organization, a division, a
// team. Exactly one unit, the root, has no parent.
type Unit struct {
	ID     string `json:"id"`
	Parent string `json:"parent,omitempty"`
	Name   string `json:"name"`
	// Leaders are the keyed pseudonyms of the people who lead the unit,
	// never their identities. A leader's view covers the unit and every
	// unit below it.
	Leaders []string `json:"leaders,omitempty"`
}

// Equal reports whether u and o are the same unit definition; nil and
// empty Leaders are equal.
func (u Unit) Equal(o Unit) bool {
	return u.ID == o.ID && u.Parent == o.Parent && u.Name == o.Name && equalStrings(u.Leaders, o.Leaders)
}

// Clone returns a copy of u that shares no slice with it.
func (u Unit) Clone() Unit {
	if u.Leaders != nil {
		u.Leaders = slices.Clone(u.Leaders)
	}
	return u
}

func equalStrings(a, b []string) bool { return slices.Equal(a, b) }

// Hierarchy is a validated org tree: one root, every parent known, no
// cycles. It is immutable and safe for concurrent use.
type Hierarchy struct {
	units    map[string]Unit
	children map[string][]string
	order    []string // parents before children, siblings by ID
	depth    map[string]int
	root     string
}

// NewHierarchy validates units as one org tree and returns it. The
// [*ValidationError] lists every problem: malformed or duplicate IDs,
// missing names, malformed leader pseudonyms, no root or several roots,
// unknown parents, cycles.
func NewHierarchy(units []Unit) (*Hierarchy, error) {
	var ps problems
	h := &Hierarchy{units: make(map[string]Unit, len(units)), children: map[string][]string{}, depth: make(map[string]int, len(units)),
		order: make([]string, 0, len(units))}
	var roots []string
	sorted := true // units are given in increasing order of ID (as a History gives them)
	for i, u := range units {
		if !survey.ValidID(u.ID) {
			ps.add("units["+strconv.Itoa(i)+"].id", fmt.Sprintf("malformed unit ID %q", u.ID))
			continue
		}
		f := "units[" + u.ID + "]"
		if _, dup := h.units[u.ID]; dup {
			ps.add(f+".id", "duplicate unit "+u.ID)
			continue
		}
		checkUnit(&ps, f, u)
		if u.Parent == u.ID {
			ps.add(f+".parent", "a unit cannot be its own parent")
		}
		h.units[u.ID] = u.Clone()
		if u.Parent == "" {
			roots = append(roots, u.ID)
		}
		sorted = sorted && (i == 0 || units[i-1].ID < u.ID)
	}
	switch {
	case len(units) == 0:
		ps.add("units", "an org hierarchy needs a root unit")
	case len(roots) == 0 && len(h.units) > 0:
		ps.add("units", "no root: exactly one unit must have no parent")
	case len(roots) > 1:
		ps.add("units", fmt.Sprintf("%d roots (%v): exactly one unit must have no parent", len(roots), roots))
	}
	var ids []string
	if sorted && len(h.units) == len(units) {
		ids = make([]string, len(units))
		for i, u := range units {
			ids[i] = u.ID
		}
	} else {
		ids = slices.Sorted(maps.Keys(h.units))
	}
	for _, id := range ids {
		u := h.units[id]
		if u.Parent == "" || u.Parent == u.ID {
			continue
		}
		if _, ok := h.units[u.Parent]; !ok {
			ps.add("units["+id+"].parent", fmt.Sprintf("unknown parent %q", u.Parent))
			continue
		}
		h.children[u.Parent] = append(h.children[u.Parent], id)
	}
	// Units not reachable from a root sit on a cycle or below one.
	if len(roots) == 1 {
		h.root = roots[0]
		h.walk(h.root, 0)
	}
	for _, id := range ids {
		if _, reached := h.depth[id]; !reached && h.units[id].Parent != "" && h.units[id].Parent != id {
			if _, known := h.units[h.units[id].Parent]; known && h.onCycle(id) {
				ps.add("units["+id+"].parent", "cycle: "+h.cycleFrom(id))
			}
		}
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	return h, nil
}

// checkUnit checks the fields of one unit other than its place in a tree.
func checkUnit(ps *problems, f string, u Unit) {
	if u.Name == "" {
		ps.add(f+".name", "required")
	} else if reason, ok := survey.TextProblem(u.Name); !ok {
		ps.add(f+".name", reason)
	}
	if u.Parent != "" && !survey.ValidID(u.Parent) {
		ps.add(f+".parent", fmt.Sprintf("malformed unit ID %q", u.Parent))
	}
	seen := map[string]bool{}
	for i, l := range u.Leaders {
		switch {
		case l == "" || len(l) > 256 || !utf8.ValidString(l):
			ps.add(f+".leaders["+strconv.Itoa(i)+"]", "a leader is named by a pseudonym of 1 to 256 bytes of UTF-8 text")
		case seen[l]:
			ps.add(f+".leaders["+strconv.Itoa(i)+"]", "named twice")
		}
		seen[l] = true
	}
}

func (h *Hierarchy) walk(id string, d int) {
	h.depth[id] = d
	h.order = append(h.order, id)
	for _, c := range h.children[id] {
		h.walk(c, d+1)
	}
}

// onCycle reports whether following parents from id returns to id.
func (h *Hierarchy) onCycle(id string) bool {
	seen := map[string]bool{}
	for cur := id; cur != ""; cur = h.units[cur].Parent {
		if seen[cur] {
			return cur == id
		}
		seen[cur] = true
		if _, ok := h.units[cur]; !ok {
			return false
		}
	}
	return false
}

func (h *Hierarchy) cycleFrom(id string) string {
	path := id
	for cur := h.units[id].Parent; cur != id; cur = h.units[cur].Parent {
		path += " → " + cur
	}
	return path + " → " + id
}

// Root returns the ID of the root unit.
func (h *Hierarchy) Root() string { return h.root }

// Unit returns the unit with the given ID.
func (h *Hierarchy) Unit(id string) (Unit, bool) {
	u, ok := h.units[id]
	return u.Clone(), ok
}

// Has reports whether the hierarchy holds a unit with the given ID.
func (h *Hierarchy) Has(id string) bool { _, ok := h.units[id]; return ok }

// Len returns the number of units.
func (h *Hierarchy) Len() int { return len(h.order) }

// IDs returns every unit ID, parents before their children and siblings
// ordered by ID (a pre-order walk from the root).
func (h *Hierarchy) IDs() []string { return slices.Clone(h.order) }

// Children returns the IDs of the direct children of id, ordered by ID.
func (h *Hierarchy) Children(id string) []string { return slices.Clone(h.children[id]) }

// IsLeaf reports whether id has no children.
func (h *Hierarchy) IsLeaf(id string) bool { return len(h.children[id]) == 0 }

// Depth returns the distance from the root (0 for the root).
func (h *Hierarchy) Depth(id string) int { return h.depth[id] }

// Ancestors returns the IDs from the parent of id up to the root.
func (h *Hierarchy) Ancestors(id string) []string {
	var out []string
	for p := h.units[id].Parent; p != ""; p = h.units[p].Parent {
		out = append(out, p)
	}
	return out
}

// Descendants returns the IDs below id, in pre-order.
func (h *Hierarchy) Descendants(id string) []string {
	var out []string
	var walk func(string)
	walk = func(u string) {
		for _, c := range h.children[u] {
			out = append(out, c)
			walk(c)
		}
	}
	walk(id)
	return out
}

// Subtree returns id and the IDs below it, in pre-order.
func (h *Hierarchy) Subtree(id string) []string {
	if !h.Has(id) {
		return nil
	}
	return append([]string{id}, h.Descendants(id)...)
}

// Within reports whether unit is anc or lies below it.
func (h *Hierarchy) Within(unit, anc string) bool {
	if !h.Has(unit) {
		return false
	}
	for u := unit; u != ""; u = h.units[u].Parent {
		if u == anc {
			return true
		}
	}
	return false
}

// Units returns every unit in the order of [Hierarchy.IDs].
func (h *Hierarchy) Units() []Unit {
	out := make([]Unit, len(h.order))
	for i, id := range h.order {
		out[i] = h.units[id].Clone()
	}
	return out
}

// Led returns the IDs of the units whose leaders include leader, in the
// order of [Hierarchy.IDs].
func (h *Hierarchy) Led(leader string) []string {
	var out []string
	for _, id := range h.order {
		if slices.Contains(h.units[id].Leaders, leader) {
			out = append(out, id)
		}
	}
	return out
}

// Equal reports whether h and o hold the same units with the same
// parents, names and leaders.
func (h *Hierarchy) Equal(o *Hierarchy) bool {
	if h == nil || o == nil {
		return h == o
	}
	if len(h.units) != len(o.units) {
		return false
	}
	for id, u := range h.units {
		if v, ok := o.units[id]; !ok || !u.Equal(v) {
			return false
		}
	}
	return true
}

// SameShape reports whether h and o hold the same unit IDs with the same
// parents (names and leaders aside): roll-ups over them are identical.
func (h *Hierarchy) SameShape(o *Hierarchy) bool {
	if h == nil || o == nil {
		return h == o
	}
	if len(h.units) != len(o.units) {
		return false
	}
	for id, u := range h.units {
		if v, ok := o.units[id]; !ok || u.Parent != v.Parent {
			return false
		}
	}
	return true
}
