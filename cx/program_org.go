package cx

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cxculture/cxculture/cx/org"
	"github.com/cxculture/cxculture/survey"
)

// DefineUnits adds units to the org chart, in force from the start of its
// history. A unit's Leaders are kept as pseudonyms: with
// Options.Pseudonymizer a raw identity is turned into its pseudonym;
// without one, a leader that is not a pseudonym is a problem. Defining a unit again exactly as it was first defined does
// nothing, so a setup that defines its units can run again; a unit
// defined again differently fails with an error satisfying
// errors.Is(err, ErrAlreadyExists) that names it (change a unit with
// [Program.ChangeOrg]). The org that results must be one valid tree at
// every date of its history; otherwise nothing is stored and a
// [*ValidationError] lists every problem. The units are stored together,
// all or nothing.
func (p *Program) DefineUnits(ctx context.Context, units ...Unit) error {
	if len(units) == 0 {
		return invalid("units", "no units given")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	stored, hist, err := p.orgHistory(ctx)
	if err != nil {
		return err
	}
	var fresh []Unit
	var at []int // the position of each fresh unit in units
	var ps problems
	for i, u := range units {
		u = u.Clone()
		u.Leaders = p.leaderPseudonyms(&ps, "units["+strconv.Itoa(i)+"]", u.Leaders)
		if err := ps.err(); err != nil {
			return err
		}
		if e, ok := hist.Entry(u.ID); ok {
			if e.Defined.Equal(u) {
				continue
			}
			return orgError(&org.ConflictError{Unit: u.ID, Field: "units[" + strconv.Itoa(i) + "]", Stored: e.Defined, Given: u}, "")
		}
		fresh, at = append(fresh, u), append(at, i)
	}
	if len(fresh) == 0 {
		return nil
	}
	// The units at the start and the new ones first, so that problems
	// name the new units by their position in units.
	start := slices.Clone(fresh)
	if h, ok := hist.At(time.Time{}); ok {
		start = append(start, h.Units()...)
	}
	// A parent the history has, but not from its start, is named with
	// the date it was created or closed.
	atStart := map[string]bool{}
	for _, u := range start {
		atStart[u.ID] = true
	}
	for i, u := range fresh {
		e, ok := hist.Entry(u.Parent)
		if u.Parent == "" || atStart[u.Parent] || !ok {
			continue
		}
		f := "units[" + strconv.Itoa(at[i]) + "].parent"
		if !e.Added.IsZero() {
			ps.add(f, fmt.Sprintf("the parent %q (%s) is in the org only from %s, and DefineUnits adds units from the start of the org's history: add this unit under it with ChangeOrg, from %s or later",
				u.Parent, e.Defined.Name, org.Day(e.Added), org.Day(e.Added)))
		} else {
			ps.add(f, fmt.Sprintf("the parent %q (%s) is not in the org at the start of its history", u.Parent, e.Defined.Name))
		}
	}
	if err := ps.err(); err != nil {
		return err
	}
	if _, err := NewHierarchy(start); err != nil {
		return err
	}
	changes := make([]OrgChange, len(fresh))
	for i, u := range fresh {
		changes[i] = OrgChange{Kind: org.Add, Unit: u}
	}
	if _, err := CheckOrgChanges(stored, changes); err != nil {
		return renameChanges(err, func(i int) string { return "units[" + fresh[i].ID + "]" })
	}
	_, err = p.store.RecordOrgChanges(ctx, changes)
	return err
}

// ChangeOrg records dated changes to the org chart (see [OrgChange] and
// package cx/org): units added, renamed, moved, merged, split, closed or
// given leaders, each from its effective date. The changes are checked
// together with the stored history, which must stay one valid org tree
// at every date (one root, every parent open, no cycles), and stored
// together, all or nothing; a [*ValidationError] names each problem's
// change ("changes[2]") and date. A change equal to one already recorded
// adds nothing, so a reorganization recorded twice is recorded once.
// Effective dates are kept in UTC, truncated to the microsecond; leaders
// as pseudonyms, as DefineUnits keeps them.
func (p *Program) ChangeOrg(ctx context.Context, changes ...OrgChange) error {
	if len(changes) == 0 {
		return invalid("changes", "no changes given")
	}
	batch := make([]OrgChange, len(changes))
	var ps problems
	for i, c := range changes {
		c = c.Clone()
		c.Effective = survey.NormalizeTime(c.Effective)
		f := "changes[" + strconv.Itoa(i) + "]"
		c.Unit.Leaders = p.leaderPseudonyms(&ps, f+".unit", c.Unit.Leaders)
		for j := range c.Into {
			c.Into[j].Leaders = p.leaderPseudonyms(&ps, f+".into["+strconv.Itoa(j)+"]", c.Into[j].Leaders)
		}
		normalizeChange(&c)
		batch[i] = c
	}
	if err := ps.err(); err != nil {
		return err
	}
	// The store checks the changes against the stored history in the
	// transaction that records them, with CheckOrgChanges (as every
	// UnitStore does), and returns its error as it is: a check here
	// first would replay the whole history once more for the same
	// verdict.
	p.mu.Lock()
	defer p.mu.Unlock()
	_, err := p.store.RecordOrgChanges(ctx, batch)
	return err
}

// normalizeChange makes empty slices nil, as stores keep them.
func normalizeChange(c *OrgChange) {
	if len(c.Unit.Leaders) == 0 {
		c.Unit.Leaders = nil
	}
	if len(c.From) == 0 {
		c.From = nil
	}
	if len(c.Into) == 0 {
		c.Into = nil
	}
	for i := range c.Into {
		if len(c.Into[i].Leaders) == 0 {
			c.Into[i].Leaders = nil
		}
	}
}

// renameChanges rewrites the "changes[i]" fields of a validation error
// with name(i).
func renameChanges(err error, name func(i int) string) error {
	ve, ok := err.(*ValidationError)
	if !ok {
		return err
	}
	out := &ValidationError{cause: ve.cause}
	for _, pr := range ve.Problems {
		if rest, ok := strings.CutPrefix(pr.Field, "changes["); ok {
			if num, tail, ok := strings.Cut(rest, "]"); ok {
				if i, err := strconv.Atoi(num); err == nil {
					pr.Field = name(i) + tail
				}
			}
		}
		out.Problems = append(out.Problems, pr)
	}
	return out
}

// Org returns the history of the org chart: every change, and the org at
// any date ([org.History.At]), with the lineage that relates two dates
// ([org.History.Lineage]).
func (p *Program) Org(ctx context.Context) (*org.History, error) {
	_, h, err := p.orgHistory(ctx)
	return h, err
}

// orgHistory reads the stored changes and returns them with their
// history, replayed only when they differ from the last ones the program
// replayed (see orgCache).
func (p *Program) orgHistory(ctx context.Context) ([]OrgChange, *org.History, error) {
	stored, err := p.store.ListOrgChanges(ctx)
	if err != nil {
		return nil, nil, err
	}
	if h := p.orgs.get(stored); h != nil {
		return stored, h, nil
	}
	h, err := org.NewHistory(stored)
	if err != nil {
		return nil, nil, fmt.Errorf("cx: the stored org history is not valid: %w", orgError(err, "org"))
	}
	kept := make([]OrgChange, len(stored))
	for i, c := range stored {
		kept[i] = c.Clone()
	}
	p.orgs.put(kept, h)
	return stored, h, nil
}

// Hierarchy returns the org as it stands after the last recorded change
// (changes dated in the future included); [ErrNotFound] when no unit is
// defined.
func (p *Program) Hierarchy(ctx context.Context) (*Hierarchy, error) {
	hist, err := p.Org(ctx)
	if err != nil {
		return nil, err
	}
	h, ok := hist.Latest()
	if !ok {
		return nil, fmt.Errorf("cx: no org units defined: %w", ErrNotFound)
	}
	return h, nil
}

// HierarchyAt returns the org in force at t: after every change effective
// at or before t. [ErrNotFound] when no unit was in force then.
func (p *Program) HierarchyAt(ctx context.Context, t time.Time) (*Hierarchy, error) {
	hist, err := p.Org(ctx)
	if err != nil {
		return nil, err
	}
	h, ok := hist.At(survey.NormalizeTime(t))
	if !ok {
		return nil, fmt.Errorf("cx: no org unit was in force on %s: %w", org.Day(t), ErrNotFound)
	}
	return h, nil
}

// unitSet returns the IDs of every unit the org history defines, open or
// closed. An empty set is not an error: references to units are then
// reported as unknown.
func (p *Program) unitSet(ctx context.Context) (map[string]bool, error) {
	hist, err := p.Org(ctx)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, e := range hist.Entries() {
		known[e.Unit.ID] = true
	}
	return known, nil
}
