package org

import (
	"fmt"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/cxculture/cxculture/survey"
)

// Kind says what a [Change] does to the org chart.
type Kind int

const (
	// Add creates Unit (ID, Parent, Name and Leaders). A unit without a
	// parent is the root; there is exactly one.
	Add Kind = iota + 1
	// Rename gives Unit.ID the name Unit.Name.
	Rename
	// Move places Unit.ID under Unit.Parent.
	Move
	// Merge closes the units of From and counts their people in Unit.ID
	// from then on; units below them move under Unit.ID. Unit.ID is an
	// open unit that absorbs them, or a new unit (Name required; Parent
	// defaults to the parent the merged units share). A Name, Parent or
	// Leaders given for an existing unit apply too. A unit placed under
	// a unit it absorbs takes that unit's place; so a merge that absorbs
	// the root makes Unit.ID the root, with every open unit below it.
	Merge
	// Split divides Unit.ID into the units of Into: new units (Name
	// required; Parent defaults to the split unit's parent) and, when
	// Into names it, the split unit itself, which then carries on (a Name
	// or Parent given for it apply). A split unit that does not carry on
	// closes, and must have no units below it left.
	Split
	// Close ends Unit.ID; no unit may be left below it.
	Close
	// Lead names Unit.Leaders as the leaders of Unit.ID from then on (an
	// empty list: none).
	Lead
)

var kindNames = []string{Add: "add", Rename: "rename", Move: "move", Merge: "merge", Split: "split", Close: "close", Lead: "lead"}

// String returns "add", "rename", "move", "merge", "split", "close" or
// "lead".
func (k Kind) String() string {
	if k >= Add && k <= Lead {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// MarshalText encodes the kind as its name.
func (k Kind) MarshalText() ([]byte, error) {
	if k < Add || k > Lead {
		return nil, fmt.Errorf("org: unknown change kind %d", int(k))
	}
	return []byte(k.String()), nil
}

// UnmarshalText decodes a kind from its name.
func (k *Kind) UnmarshalText(b []byte) error {
	for i, n := range kindNames {
		if i > 0 && n == string(b) {
			*k = Kind(i)
			return nil
		}
	}
	return fmt.Errorf("org: unknown change kind %q", b)
}

// Change is one dated change to the org chart. Which fields a change uses
// depends on its Kind (see the kinds); the others stay empty.
type Change struct {
	Kind Kind `json:"kind"`
	// Effective is when the change takes effect: a wave that opens at or
	// after it is scored on the org with the change. The zero time means
	// from the start of the org's history. Package cx keeps times in UTC,
	// truncated to the microsecond.
	Effective time.Time `json:"effective"`
	// Unit is the unit changed: added, renamed, moved, closed or led; the
	// unit a merge counts people in; the unit split.
	Unit Unit `json:"unit"`
	// From are the units a Merge closes.
	From []string `json:"from,omitempty"`
	// Into are the units a Split divides Unit.ID into.
	Into []Unit `json:"into,omitempty"`
	// Note says why, for reports.
	Note string `json:"note,omitempty"`
}

// Clone returns a copy of c that shares no slice with it.
func (c Change) Clone() Change {
	c.Unit = c.Unit.Clone()
	if c.From != nil {
		c.From = slices.Clone(c.From)
	}
	if c.Into != nil {
		into := make([]Unit, len(c.Into))
		for i, u := range c.Into {
			into[i] = u.Clone()
		}
		c.Into = into
	}
	return c
}

// Equal reports whether c and o are the same change: same kind, instant,
// units and note (nil and empty slices are equal).
func (c Change) Equal(o Change) bool {
	return c.Kind == o.Kind && c.Effective.Equal(o.Effective) && c.Unit.Equal(o.Unit) &&
		slices.Equal(c.From, o.From) && c.Note == o.Note &&
		slices.EqualFunc(c.Into, o.Into, Unit.Equal)
}

// check reports the problems of c on its own, before it is replayed
// against an org.
func (c Change) check(ps *problems, f string) {
	id := c.Unit.ID
	if !survey.ValidID(id) {
		ps.add(f+".unit.id", fmt.Sprintf("malformed unit ID %q", id))
	}
	leaders := func() {
		checkUnit(ps, f+".unit", Unit{Name: "-", Leaders: c.Unit.Leaders})
	}
	unused := func(what string, set bool) {
		if set {
			ps.add(f+"."+what, "not used by a "+c.Kind.String())
		}
	}
	if !utf8.ValidString(c.Note) {
		ps.add(f+".note", "not valid UTF-8 text")
	}
	switch c.Kind {
	case Add:
		checkUnit(ps, f+".unit", c.Unit)
		if c.Unit.Parent == id && id != "" {
			ps.add(f+".unit.parent", "a unit cannot be its own parent")
		}
		unused("from", len(c.From) > 0)
		unused("into", len(c.Into) > 0)
	case Rename:
		if c.Unit.Name == "" {
			ps.add(f+".unit.name", "required: the new name")
		} else {
			checkUnit(ps, f+".unit", Unit{Name: c.Unit.Name})
		}
		unused("unit.parent", c.Unit.Parent != "")
		unused("unit.leaders", len(c.Unit.Leaders) > 0)
		unused("from", len(c.From) > 0)
		unused("into", len(c.Into) > 0)
	case Move:
		switch {
		case c.Unit.Parent == "":
			ps.add(f+".unit.parent", "required: the new parent (the root cannot be replaced by a move)")
		case !survey.ValidID(c.Unit.Parent):
			ps.add(f+".unit.parent", fmt.Sprintf("malformed unit ID %q", c.Unit.Parent))
		case c.Unit.Parent == id:
			ps.add(f+".unit.parent", "a unit cannot be its own parent")
		}
		unused("unit.name", c.Unit.Name != "")
		unused("unit.leaders", len(c.Unit.Leaders) > 0)
		unused("from", len(c.From) > 0)
		unused("into", len(c.Into) > 0)
	case Merge:
		leaders()
		if c.Unit.Parent != "" && !survey.ValidID(c.Unit.Parent) {
			ps.add(f+".unit.parent", fmt.Sprintf("malformed unit ID %q", c.Unit.Parent))
		}
		if len(c.From) == 0 {
			ps.add(f+".from", "required: the units merged")
		}
		seen := map[string]bool{}
		for i, u := range c.From {
			ff := f + ".from[" + strconv.Itoa(i) + "]"
			switch {
			case !survey.ValidID(u):
				ps.add(ff, fmt.Sprintf("malformed unit ID %q", u))
			case u == id:
				ps.add(ff, "the unit merged into cannot be among the units merged")
			case seen[u]:
				ps.add(ff, "named twice")
			}
			seen[u] = true
		}
		unused("into", len(c.Into) > 0)
	case Split:
		unused("unit.name", c.Unit.Name != "")
		unused("unit.parent", c.Unit.Parent != "")
		unused("unit.leaders", len(c.Unit.Leaders) > 0)
		unused("from", len(c.From) > 0)
		if len(c.Into) == 0 {
			ps.add(f+".into", "required: the units it is split into")
		}
		seen := map[string]bool{}
		fresh := 0
		for i, u := range c.Into {
			ff := f + ".into[" + strconv.Itoa(i) + "]"
			switch {
			case !survey.ValidID(u.ID):
				ps.add(ff+".id", fmt.Sprintf("malformed unit ID %q", u.ID))
			case seen[u.ID]:
				ps.add(ff+".id", "named twice")
			}
			seen[u.ID] = true
			if u.ID != id {
				fresh++
				checkUnit(ps, ff, Unit{Name: u.Name, Parent: u.Parent, Leaders: u.Leaders})
			} else {
				checkUnit(ps, ff, Unit{Name: "-", Parent: u.Parent, Leaders: u.Leaders})
			}
			if u.Parent == u.ID && u.ID != "" {
				ps.add(ff+".parent", "a unit cannot be its own parent")
			}
		}
		if len(c.Into) > 0 && fresh == 0 {
			ps.add(f+".into", "a split needs at least one new unit")
		}
	case Close:
		unused("unit.name", c.Unit.Name != "")
		unused("unit.parent", c.Unit.Parent != "")
		unused("unit.leaders", len(c.Unit.Leaders) > 0)
		unused("from", len(c.From) > 0)
		unused("into", len(c.Into) > 0)
	case Lead:
		leaders()
		unused("unit.name", c.Unit.Name != "")
		unused("unit.parent", c.Unit.Parent != "")
		unused("from", len(c.From) > 0)
		unused("into", len(c.Into) > 0)
	default:
		ps.add(f+".kind", fmt.Sprintf("unknown kind %d: use Add, Rename, Move, Merge, Split, Close or Lead", int(c.Kind)))
	}
}
