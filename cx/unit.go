package cx

import (
	"context"
	"errors"
	"fmt"

	"github.com/cxculture/cxculture/cx/org"
)

// Unit is a node of the org hierarchy: the organization, a division, a
// team, with its leaders. It is [org.Unit]; the org chart's history is
// kept as dated [OrgChange]s (see package cx/org).
type Unit = org.Unit

// Hierarchy is a validated org tree: one root, every parent known, no
// cycles. It is [org.Hierarchy], immutable and safe for concurrent use.
type Hierarchy = org.Hierarchy

// OrgChange is one dated change to the org chart: a unit added, renamed,
// moved, merged, split, closed or given leaders. It is [org.Change].
type OrgChange = org.Change

// NewHierarchy validates units as one org tree and returns it. The
// [*ValidationError] lists every problem: malformed or duplicate IDs,
// missing names, no root or several roots, unknown parents, cycles.
func NewHierarchy(units []Unit) (*Hierarchy, error) {
	h, err := org.NewHierarchy(units)
	if err != nil {
		return nil, orgError(err, "")
	}
	return h, nil
}

// UnitStore persists the org chart as its history of dated changes (see
// package cx/org): the only record of the units, from which the org at
// any date is replayed.
//
// Implementations must be safe for concurrent use, also by several
// processes sharing one database, and must not retain or modify the
// values passed to them or returned by them. They keep the history valid
// whoever calls them: every write checks the whole history in the
// transaction (or under the lock) that makes it, so that no sequence of
// calls, concurrent or not, leaves a cycle, a second root, an orphan or a
// unit that records refer to erased.
type UnitStore interface {
	// RecordOrgChanges appends changes to the history, all or nothing,
	// and returns how many were added. It calls [CheckOrgChanges] with
	// the stored history in the same transaction and records what that
	// returns, after the stored changes, in the order given: a change
	// equal to a stored one adds nothing. The errors are those of
	// CheckOrgChanges: ErrInvalid for a history that breaks a rule,
	// ErrAlreadyExists for a unit added again with different content.
	RecordOrgChanges(ctx context.Context, changes []OrgChange) (added int, err error)
	// ListOrgChanges returns every recorded change, in the order
	// recorded.
	ListOrgChanges(ctx context.Context) ([]OrgChange, error)
	// DeleteUnit erases a unit recorded by mistake: the changes that add,
	// rename, move, lead or close it, as [EraseOrgUnit] computes them, in
	// one transaction. It fails with ErrNotFound for a unit the history
	// does not define, and with ErrInvalid, changing nothing, when
	// EraseOrgUnit refuses or when a response, an initiative, an
	// observation, a recognition or a wave's invited counts refer to the
	// unit.
	DeleteUnit(ctx context.Context, id string) error
}

// CheckOrgChanges validates what recording added after the stored
// history would give and returns the changes of added to record: those
// not equal to a stored change or to an earlier one of added (see
// [org.Check]). Store implementations call it inside the transaction
// that records the changes. The error is a [*ValidationError] (naming a
// change of added as "changes[i]") or, for a unit added again with
// different content, an error satisfying errors.Is(err, ErrAlreadyExists)
// that names the unit.
func CheckOrgChanges(stored, added []OrgChange) ([]OrgChange, error) {
	fresh, err := org.Check(stored, added)
	if err != nil {
		return nil, orgError(err, "")
	}
	return fresh, nil
}

// EraseOrgUnit returns the stored history without unit id (see
// [org.Erase]), for store implementations of [UnitStore.DeleteUnit]: a
// [*ValidationError] when a merge or split involves the unit or another
// unit was placed under it, ErrNotFound when the history does not define
// it.
func EraseOrgUnit(stored []OrgChange, id string) ([]OrgChange, error) {
	kept, err := org.Erase(stored, id)
	if err != nil {
		return nil, orgError(err, "")
	}
	return kept, nil
}

// orgError reports the errors of package org in the categories of this
// package, prefixing validation fields with prefix.
func orgError(err error, prefix string) error {
	if err == nil {
		return nil
	}
	if ve, ok := errors.AsType[*org.ValidationError](err); ok {
		out := &ValidationError{cause: err}
		for _, p := range ve.Problems {
			out.Problems = append(out.Problems, Problem{join(prefix, p.Field), p.Message})
		}
		return out
	}
	if ce, ok := errors.AsType[*org.ConflictError](err); ok {
		return fmt.Errorf("cx: %w: %w", ce, ErrAlreadyExists)
	}
	if errors.Is(err, org.ErrNotFound) {
		return fmt.Errorf("cx: %w: %w", err, ErrNotFound)
	}
	return err
}
