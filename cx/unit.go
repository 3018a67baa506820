package cx

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/cxculture/cxculture/survey"
)

// Unit is a node of the org hierarchy: the organization, a division, a
// team. Exactly one unit, the root, has no parent.
type Unit struct {
	ID     string `json:"id"`
	Parent string `json:"parent,omitempty"`
	Name   string `json:"name"`
}

// UnitStore persists org units.
//
// Implementations must be safe for concurrent use and must not retain or
// modify the values passed to them or returned by them. Errors satisfy
// errors.Is with [ErrNotFound] or [ErrAlreadyExists] as documented. The
// hierarchy is validated by [Program] before a store sees a unit.
type UnitStore interface {
	// CreateUnit stores u, or fails with ErrAlreadyExists if a unit with
	// u.ID is stored.
	CreateUnit(ctx context.Context, u Unit) error
	// GetUnit returns the unit with the given ID, or ErrNotFound.
	GetUnit(ctx context.Context, id string) (Unit, error)
	// ListUnits returns every unit ordered by ID.
	ListUnits(ctx context.Context) ([]Unit, error)
	// UpdateUnit replaces the stored unit with u.ID, or fails with
	// ErrNotFound.
	UpdateUnit(ctx context.Context, u Unit) error
	// DeleteUnit removes the unit with the given ID, or fails with
	// ErrNotFound.
	DeleteUnit(ctx context.Context, id string) error
}

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
// missing names, no root or several roots, unknown parents, cycles.
func NewHierarchy(units []Unit) (*Hierarchy, error) {
	var ps problems
	h := &Hierarchy{units: make(map[string]Unit, len(units)), children: map[string][]string{}, depth: map[string]int{}}
	var roots []string
	for i, u := range units {
		f := "units[" + strconv.Itoa(i) + "]"
		if !survey.ValidID(u.ID) {
			ps.add(f+".id", fmt.Sprintf("malformed unit ID %q", u.ID))
			continue
		}
		f = "units[" + u.ID + "]"
		if _, dup := h.units[u.ID]; dup {
			ps.add(f+".id", "duplicate unit "+u.ID)
			continue
		}
		if u.Name == "" {
			ps.add(f+".name", "required")
		}
		if u.Parent == u.ID {
			ps.add(f+".parent", "a unit cannot be its own parent")
		}
		h.units[u.ID] = u
		if u.Parent == "" {
			roots = append(roots, u.ID)
		}
	}
	switch {
	case len(units) == 0:
		ps.add("units", "an org hierarchy needs a root unit")
	case len(roots) == 0 && len(h.units) > 0:
		ps.add("units", "no root: exactly one unit must have no parent")
	case len(roots) > 1:
		ps.add("units", fmt.Sprintf("%d roots (%v): exactly one unit must have no parent", len(roots), roots))
	}
	ids := slices.Sorted(maps.Keys(h.units))
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
	return u, ok
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

// Units returns every unit in the order of [Hierarchy.IDs].
func (h *Hierarchy) Units() []Unit {
	out := make([]Unit, len(h.order))
	for i, id := range h.order {
		out[i] = h.units[id]
	}
	return out
}
