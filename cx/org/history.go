package org

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// History is a validated history of the org chart: every change, and the
// org as it stood after each effective date. It is immutable and safe for
// concurrent use. Build it with [NewHistory]; stores check what they are
// asked to record with [Check].
type History struct {
	changes []Change // as recorded
	units   map[string]*entry
	epochs  []epoch
	events  []event
}

// entry is what the replay knows of one unit.
type entry struct {
	unit   Unit // as it stands after the changes replayed so far
	def    Unit // as first defined
	open   bool
	added  time.Time
	closed time.Time
	change int // the change that created it
}

// epoch is the org after the changes of one effective date.
type epoch struct {
	at time.Time
	h  *Hierarchy // nil when no unit is open
}

// event is a change that moves people between units: a merge, a split or
// a close.
type event struct {
	at     time.Time
	kind   Kind
	from   []string
	to     []string
	change int
}

// Entry is what a history knows of one unit: its definition as first
// given, the unit as it stands after the last change, when it was added
// and, if it was, closed.
type Entry struct {
	// Unit is the unit after the last change (for a closed unit, as it
	// stood when it closed).
	Unit Unit
	// Defined is the unit as first defined: by an Add, or by the merge or
	// split that created it.
	Defined Unit
	// Added is the effective date of the change that created the unit.
	Added time.Time
	// Closed is when it was closed, merged away or split up; zero while
	// it is open.
	Closed time.Time
	// Open reports whether the unit is open after the last change.
	Open bool
}

// NewHistory validates changes, in the order they were recorded, as one
// history and returns it. Changes apply in the order of their effective
// dates, those of the same date in the order given; after the changes of
// each date the open units must form one org tree: one root, every parent
// open, no cycles. The [*ValidationError] lists every problem, naming the
// change ("changes[3]") and the date; a unit added twice with different
// content is a [*ConflictError].
func NewHistory(changes []Change) (*History, error) {
	return replay(changes, func(i int) string { return "changes[" + strconv.Itoa(i) + "]" })
}

// Check validates what recording added after stored would give, and
// returns the changes of added to record: those not equal to a stored
// change or to an earlier one of added, so that recording the same
// changes again adds nothing. Problems name a change of added as
// "changes[i]" and one of stored as "stored[i]". Stores call it inside the
// transaction that records the changes.
func Check(stored, added []Change) (fresh []Change, err error) {
	// Equal changes share a kind, a unit and an instant: each change is
	// compared only with the others that do, not with the whole history.
	type key struct {
		kind Kind
		unit string
		sec  int64
		nsec int
	}
	keyOf := func(c Change) key { return key{c.Kind, c.Unit.ID, c.Effective.Unix(), c.Effective.Nanosecond()} }
	seen := make(map[key][]Change, len(stored)+len(added))
	for _, c := range stored {
		seen[keyOf(c)] = append(seen[keyOf(c)], c)
	}
	var at []int
	for i, c := range added {
		k := keyOf(c)
		if slices.ContainsFunc(seen[k], c.Equal) {
			continue
		}
		c = c.Clone()
		fresh = append(fresh, c)
		at = append(at, i)
		seen[k] = append(seen[k], c)
	}
	if len(fresh) == 0 {
		return nil, nil
	}
	all := append(slices.Clone(stored), fresh...)
	_, err = replay(all, func(i int) string {
		if i < len(stored) {
			return "stored[" + strconv.Itoa(i) + "]"
		}
		return "changes[" + strconv.Itoa(at[i-len(stored)]) + "]"
	})
	if ve, ok := err.(*ValidationError); ok {
		// A recorded change that fails because of new ones is reported
		// on the earliest new one.
		first := 0
		for j := range fresh {
			if fresh[j].Effective.Before(fresh[first].Effective) {
				first = j
			}
		}
		for i, p := range ve.Problems {
			rest, ok := strings.CutPrefix(p.Field, "stored[")
			if !ok {
				continue
			}
			num, _, _ := strings.Cut(rest, "]")
			k, _ := strconv.Atoi(num)
			ve.Problems[i] = Problem{Field: "changes[" + strconv.Itoa(at[first]) + "]",
				Message: "with this change, the recorded " + describe(stored[k]) + " fails: " + p.Message}
		}
	}
	if err != nil {
		return nil, err
	}
	return fresh, nil
}

// describe names a change in words: "rename of ops on 21 March 2025".
func describe(c Change) string {
	return c.Kind.String() + " of " + c.Unit.ID + " " + when(c.Effective)
}

// Erase returns stored without the unit id: the changes that add, rename,
// move, lead or close it removed, for a unit recorded by mistake. A unit
// that a merge or split involves, or that another unit was ever placed
// under, cannot be erased (a [*ValidationError] says why); a unit the
// history never defined is [ErrNotFound]. Whether responses or other
// records refer to it is for the store to check.
func Erase(stored []Change, id string) ([]Change, error) {
	var ps problems
	var kept []Change
	found := false
	for i, c := range stored {
		f := "stored[" + strconv.Itoa(i) + "]"
		if c.Unit.ID == id {
			switch c.Kind {
			case Add, Rename, Move, Close, Lead:
				found = true
				continue
			case Merge:
				ps.add(f, fmt.Sprintf("unit %s cannot be erased: units were merged into it %s", id, when(c.Effective)))
			case Split:
				ps.add(f, fmt.Sprintf("unit %s cannot be erased: it was split %s", id, when(c.Effective)))
			}
		}
		if slices.Contains(c.From, id) {
			ps.add(f, fmt.Sprintf("unit %s cannot be erased: it was merged into %s %s", id, c.Unit.ID, when(c.Effective)))
		}
		for _, u := range c.Into {
			switch {
			case u.ID == id && c.Unit.ID != id:
				ps.add(f, fmt.Sprintf("unit %s cannot be erased: it was created by the split of %s %s", id, c.Unit.ID, when(c.Effective)))
			case u.Parent == id:
				ps.add(f, fmt.Sprintf("unit %s cannot be erased: unit %s was placed under it %s", id, u.ID, when(c.Effective)))
			}
		}
		if c.Unit.Parent == id && c.Unit.ID != id {
			ps.add(f, fmt.Sprintf("unit %s cannot be erased: unit %s was placed under it %s", id, c.Unit.ID, when(c.Effective)))
		}
		kept = append(kept, c.Clone())
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("org: unit %q: %w", id, ErrNotFound)
	}
	if _, err := NewHistory(kept); err != nil {
		return nil, err
	}
	return kept, nil
}

// when formats an effective date for messages: "on 3 March 2025", or
// "from the start" for the zero time.
func when(t time.Time) string {
	if t.IsZero() {
		return "from the start"
	}
	return "on " + Day(t)
}

// Day formats t as a date people read ("3 March 2025"), with the time of
// day in UTC when it is not midnight.
func Day(t time.Time) string {
	t = t.UTC()
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 {
		return t.Format("2 January 2006")
	}
	return t.Format("2 January 2006 15:04 UTC")
}

func replay(changes []Change, label func(int) string) (*History, error) {
	var ps problems
	h := &History{changes: make([]Change, len(changes)), units: map[string]*entry{}}
	for i, c := range changes {
		h.changes[i] = c.Clone()
		c.check(&ps, label(i))
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	order := make([]int, len(changes))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return changes[a].Effective.Compare(changes[b].Effective) })
	var conflict *ConflictError
	var ids []string // every unit's ID, sorted (units are never removed)
	for start := 0; start < len(order); {
		at := changes[order[start]].Effective
		end := start
		for end < len(order) && changes[order[end]].Effective.Equal(at) {
			end++
		}
		touched := map[string]int{}
		for _, i := range order[start:end] {
			h.apply(&ps, &conflict, i, label(i), touched)
		}
		if len(ids) != len(h.units) {
			ids = slices.Sorted(maps.Keys(h.units))
		}
		h.settle(&ps, at, order[start], ids, touched, label)
		start = end
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	if conflict != nil {
		return nil, conflict
	}
	return h, nil
}

// apply replays change i, recording in touched the units it concerns.
func (h *History) apply(ps *problems, conflict **ConflictError, i int, f string, touched map[string]int) {
	c := h.changes[i]
	id, at := c.Unit.ID, c.Effective
	touched[id] = i
	open := func(u, field string) *entry {
		e := h.units[u]
		switch {
		case e == nil:
			ps.add(field, fmt.Sprintf("unknown unit %q", u))
			return nil
		case !e.open:
			ps.add(field, fmt.Sprintf("unit %q was closed %s", u, when(e.closed)))
			return nil
		}
		return e
	}
	create := func(u Unit) {
		h.units[u.ID] = &entry{unit: u.Clone(), def: u.Clone(), open: true, added: at, change: i}
		touched[u.ID] = i
	}
	switch c.Kind {
	case Add:
		if e := h.units[id]; e != nil {
			if *conflict == nil {
				*conflict = &ConflictError{Unit: id, Field: f, Stored: e.def, Given: c.Unit.Clone()}
			}
			return
		}
		u := c.Unit
		if len(u.Leaders) == 0 {
			u.Leaders = nil
		}
		create(u)
	case Rename:
		if e := open(id, f+".unit.id"); e != nil {
			e.unit.Name = c.Unit.Name
		}
	case Move:
		if e := open(id, f+".unit.id"); e != nil {
			e.unit.Parent = c.Unit.Parent
		}
	case Lead:
		if e := open(id, f+".unit.id"); e != nil {
			e.unit.Leaders = slices.Clone(c.Unit.Leaders)
			if len(e.unit.Leaders) == 0 {
				e.unit.Leaders = nil
			}
		}
	case Close:
		if e := open(id, f+".unit.id"); e != nil {
			e.open, e.closed = false, at
			h.events = append(h.events, event{at: at, kind: Close, from: []string{id}, change: i})
		}
	case Merge:
		h.merge(ps, i, f, open, create, touched)
	case Split:
		h.split(ps, i, f, open, create)
	}
}

func (h *History) merge(ps *problems, i int, f string, open func(u, field string) *entry, create func(Unit), touched map[string]int) {
	c := h.changes[i]
	id, at := c.Unit.ID, c.Effective
	var from []*entry
	for j, u := range c.From {
		touched[u] = i
		if e := open(u, f+".from["+strconv.Itoa(j)+"]"); e != nil {
			from = append(from, e)
		}
	}
	inFrom := func(u string) bool { return slices.Contains(c.From, u) }
	target := h.units[id]
	switch {
	case target != nil && !target.open:
		ps.add(f+".unit.id", fmt.Sprintf("unit %q was closed %s", id, when(target.closed)))
		return
	case target == nil:
		if c.Unit.Name == "" {
			ps.add(f+".unit.name", "required: the name of the unit the merge creates")
		}
		parent := c.Unit.Parent
		if parent == "" && len(from) > 0 {
			parent = from[0].unit.Parent
			for _, e := range from[1:] {
				if e.unit.Parent != parent {
					ps.add(f+".unit.parent", "required: the units merged have different parents")
					break
				}
			}
		}
		u := c.Unit.Clone()
		u.Parent = parent
		if len(u.Leaders) == 0 {
			u.Leaders = nil
		}
		create(u)
		target = h.units[id]
	default:
		if c.Unit.Name != "" {
			target.unit.Name = c.Unit.Name
		}
		if c.Unit.Parent != "" {
			target.unit.Parent = c.Unit.Parent
		}
		if len(c.Unit.Leaders) > 0 {
			target.unit.Leaders = slices.Clone(c.Unit.Leaders)
		}
	}
	// A target placed under a unit it absorbs takes that unit's place.
	for range len(c.From) {
		p := target.unit.Parent
		if !inFrom(p) || h.units[p] == nil {
			break
		}
		target.unit.Parent = h.units[p].unit.Parent
	}
	for _, e := range from {
		e.open, e.closed = false, at
	}
	for _, u := range slices.Sorted(maps.Keys(h.units)) {
		if e := h.units[u]; e.open && u != id && inFrom(e.unit.Parent) {
			e.unit.Parent = id
			touched[u] = i
		}
	}
	h.events = append(h.events, event{at: at, kind: Merge, from: slices.Clone(c.From), to: []string{id}, change: i})
}

func (h *History) split(ps *problems, i int, f string, open func(u, field string) *entry, create func(Unit)) {
	c := h.changes[i]
	id, at := c.Unit.ID, c.Effective
	src := open(id, f+".unit.id")
	carries := false
	var to []string
	for j, u := range c.Into {
		ff := f + ".into[" + strconv.Itoa(j) + "]"
		to = append(to, u.ID)
		if u.ID == id {
			carries = true
			if src != nil && u.Name != "" {
				src.unit.Name = u.Name
			}
			if src != nil && u.Parent != "" {
				src.unit.Parent = u.Parent
			}
			if src != nil && len(u.Leaders) > 0 {
				src.unit.Leaders = slices.Clone(u.Leaders)
			}
			continue
		}
		if e := h.units[u.ID]; e != nil {
			ps.add(ff+".id", fmt.Sprintf("unit %q already exists (added %s): a split creates new units", u.ID, when(e.added)))
			continue
		}
		nu := u.Clone()
		if nu.Parent == "" && src != nil {
			nu.Parent = src.unit.Parent
		}
		if len(nu.Leaders) == 0 {
			nu.Leaders = nil
		}
		create(nu)
	}
	if src != nil && !carries {
		src.open, src.closed = false, at
	}
	h.events = append(h.events, event{at: at, kind: Split, from: []string{id}, to: to, change: i})
}

// settle checks the org after the changes of one date and keeps it.
// ids are the IDs of h.units, sorted.
func (h *History) settle(ps *problems, at time.Time, first int, ids []string, touched map[string]int, label func(int) string) {
	units := make([]Unit, 0, len(ids))
	for _, id := range ids {
		if e := h.units[id]; e.open {
			units = append(units, e.unit)
		}
	}
	if len(units) == 0 {
		ps.add(label(first), fmt.Sprintf("%s no unit is left open: the org keeps its root", when(at)))
		h.epochs = append(h.epochs, epoch{at: at})
		return
	}
	hier, err := NewHierarchy(units)
	if err == nil {
		h.epochs = append(h.epochs, epoch{at: at, h: hier})
		return
	}
	ve, ok := err.(*ValidationError)
	if !ok {
		ps.add(label(first), err.Error())
		return
	}
	for _, p := range ve.Problems {
		unit := ""
		if rest, ok := strings.CutPrefix(p.Field, "units["); ok {
			unit, _, _ = strings.Cut(rest, "]")
		}
		blame := first
		if i, ok := touched[unit]; ok {
			blame = i
		} else if unit == "" {
			// A root problem: blame a change that made a root.
			for _, u := range units {
				if i, ok := touched[u.ID]; ok && u.Parent == "" {
					blame = i
					break
				}
			}
		}
		msg := p.Message
		if parent, ok := strings.CutPrefix(msg, "unknown parent "); ok {
			if pid, err := strconv.Unquote(parent); err == nil {
				if e := h.units[pid]; e != nil && !e.open {
					msg = fmt.Sprintf("its parent %s was closed %s", pid, when(e.closed))
				}
			}
		}
		if unit != "" {
			msg = "unit " + unit + ": " + msg
		}
		ps.add(label(blame), when(at)+", "+msg)
	}
}

// Changes returns every change, in the order recorded.
func (h *History) Changes() []Change {
	out := make([]Change, len(h.changes))
	for i, c := range h.changes {
		out[i] = c.Clone()
	}
	return out
}

// Len returns the number of changes.
func (h *History) Len() int { return len(h.changes) }

// At returns the org as it stood at t: after every change effective at or
// before t. It reports false when no unit was in force then.
func (h *History) At(t time.Time) (*Hierarchy, bool) {
	i, found := slices.BinarySearchFunc(h.epochs, t, func(e epoch, t time.Time) int { return e.at.Compare(t) })
	if !found {
		i--
	}
	if i < 0 || h.epochs[i].h == nil {
		return nil, false
	}
	return h.epochs[i].h, true
}

// Latest returns the org after the last change; false for an empty
// history.
func (h *History) Latest() (*Hierarchy, bool) {
	if len(h.epochs) == 0 || h.epochs[len(h.epochs)-1].h == nil {
		return nil, false
	}
	return h.epochs[len(h.epochs)-1].h, true
}

// Dates returns the distinct effective dates of the changes, in order.
func (h *History) Dates() []time.Time {
	out := make([]time.Time, len(h.epochs))
	for i, e := range h.epochs {
		out[i] = e.at
	}
	return out
}

// Entry returns what the history knows of unit id.
func (h *History) Entry(id string) (Entry, bool) {
	e, ok := h.units[id]
	if !ok {
		return Entry{}, false
	}
	return e.export(), true
}

// Entries returns every unit the history defines, ordered by ID.
func (h *History) Entries() []Entry {
	out := make([]Entry, 0, len(h.units))
	for _, id := range slices.Sorted(maps.Keys(h.units)) {
		out = append(out, h.units[id].export())
	}
	return out
}

func (e *entry) export() Entry {
	return Entry{Unit: e.unit.Clone(), Defined: e.def.Clone(), Added: e.added, Closed: e.closed, Open: e.open}
}

// Changed reports whether any change takes effect after t0 and at or
// before t1: whether the orgs at the two times may differ.
func (h *History) Changed(t0, t1 time.Time) bool {
	for _, e := range h.epochs {
		if e.at.After(t0) && !e.at.After(t1) {
			return true
		}
	}
	return false
}

func sortedSet(m map[string]bool) []string {
	out := slices.Collect(maps.Keys(m))
	slices.SortFunc(out, cmp.Compare)
	return out
}
