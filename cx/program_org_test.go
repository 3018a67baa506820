package cx_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/cx"
	cxorg "github.com/cxculture/cxculture/cx/org"
)

var orgUnits = []cx.Unit{
	{ID: "org", Name: "Agency"},
	{ID: "sales", Parent: "org", Name: "Sales"},
	{ID: "north", Parent: "sales", Name: "North"},
	{ID: "south", Parent: "sales", Name: "South"},
	{ID: "ops", Parent: "org", Name: "Operations"},
}

func TestDefineUnitsAgainIsNoOp(t *testing.T) {
	ctx := t.Context()
	p, s := newProgram(t)
	require.NoError(t, p.DefineUnits(ctx, orgUnits...))
	before, err := s.ListOrgChanges(ctx)
	require.NoError(t, err)
	require.NoError(t, p.DefineUnits(ctx, orgUnits...), "defining the same units again")
	require.NoError(t, p.DefineUnits(ctx, orgUnits[2], orgUnits[0]), "defining some of them again")
	after, err := s.ListOrgChanges(ctx)
	require.NoError(t, err)
	assert.Equal(t, before, after, "nothing is recorded twice")

	other := orgUnits[2]
	other.Name = "North, renamed by mistake"
	err = p.DefineUnits(ctx, other)
	require.ErrorIs(t, err, cx.ErrAlreadyExists, "a conflicting definition is ErrAlreadyExists, as every other one")
	assert.Contains(t, err.Error(), "north")
	assert.Contains(t, err.Error(), `name "North", not "North, renamed by mistake"`)
	moved := orgUnits[2]
	moved.Parent = "ops"
	require.ErrorIs(t, p.DefineUnits(ctx, moved), cx.ErrAlreadyExists)

	// A unit renamed since is still defined as it first was.
	require.NoError(t, p.ChangeOrg(ctx, cx.OrgChange{Kind: cxorg.Rename, Effective: now, Unit: cx.Unit{ID: "north", Name: "North East"}}))
	require.NoError(t, p.DefineUnits(ctx, orgUnits...), "a setup that defines its units runs again after a rename")
}

func TestDefineUnitsAllOrNothing(t *testing.T) {
	ctx := t.Context()
	p, s := newProgram(t)
	var units []cx.Unit
	units = append(units, cx.Unit{ID: "org", Name: "Org"})
	for i := range 3000 {
		units = append(units, cx.Unit{ID: fmt.Sprintf("t%04d", i), Parent: "org", Name: "Team"})
	}
	units = append(units, cx.Unit{ID: "lost", Parent: "nowhere", Name: "Lost"})
	err := p.DefineUnits(ctx, units...)
	assert.Empty(t, wantProblem(err, "units[lost].parent", "unknown parent"))
	stored, err := s.ListOrgChanges(ctx)
	require.NoError(t, err)
	assert.Empty(t, stored, "nothing of a refused definition is stored")
	require.NoError(t, p.DefineUnits(ctx, units[:len(units)-1]...))
	h, err := p.Hierarchy(ctx)
	require.NoError(t, err)
	assert.Equal(t, 3001, h.Len())
}

func TestChangeOrg(t *testing.T) {
	ctx := t.Context()
	p, s := newProgram(t)
	require.NoError(t, p.DefineUnits(ctx, orgUnits...))
	reorg := time.Date(2026, time.April, 1, 0, 0, 0, 0, time.FixedZone("CET", 3600))
	changes := []cx.OrgChange{
		{Kind: cxorg.Merge, Effective: reorg, Unit: cx.Unit{ID: "central", Name: "Central"}, From: []string{"north", "south"}, Note: "one team per region"},
		{Kind: cxorg.Add, Effective: reorg, Unit: cx.Unit{ID: "west", Parent: "ops", Name: "West", Leaders: []string{}}},
	}
	require.NoError(t, p.ChangeOrg(ctx, changes...))
	require.NoError(t, p.ChangeOrg(ctx, changes...), "recording the same reorganization again")
	stored, err := s.ListOrgChanges(ctx)
	require.NoError(t, err)
	require.Len(t, stored, 7)
	assert.Equal(t, reorg.UTC(), stored[5].Effective, "effective dates are kept in UTC")
	assert.Nil(t, stored[6].Unit.Leaders, "empty slices are kept as nil")

	before, err := p.HierarchyAt(ctx, reorg.Add(-time.Microsecond))
	require.NoError(t, err)
	assert.Equal(t, []string{"org", "ops", "sales", "north", "south"}, before.IDs())
	after, err := p.HierarchyAt(ctx, reorg)
	require.NoError(t, err)
	assert.Equal(t, []string{"org", "ops", "west", "sales", "central"}, after.IDs())
	latest, err := p.Hierarchy(ctx)
	require.NoError(t, err)
	assert.True(t, latest.Equal(after))
	_, err = p.HierarchyAt(ctx, time.Time{}.Add(-time.Hour))
	assert.ErrorIs(t, err, cx.ErrNotFound)

	err = p.ChangeOrg(ctx,
		cx.OrgChange{Kind: cxorg.Rename, Effective: reorg, Unit: cx.Unit{ID: "ops", Name: "Ops"}},
		cx.OrgChange{Kind: cxorg.Move, Effective: reorg.Add(time.Hour), Unit: cx.Unit{ID: "sales", Parent: "central"}})
	assert.Empty(t, wantProblem(err, "changes[1]", "cycle"), "a reorganization that makes a cycle is refused, naming the change")
	assert.Len(t, mustList(t, s), 7, "and nothing of it is stored")
	require.Error(t, p.ChangeOrg(ctx))
}

func mustList(t *testing.T, s cx.Store) []cx.OrgChange {
	t.Helper()
	l, err := s.ListOrgChanges(t.Context())
	require.NoError(t, err)
	return l
}

// TestStoreRefusesBrokenOrg is the reproducer: a cycle made
// through Program.Store() broke every later call. The store refuses it,
// and the program keeps working.
func TestStoreRefusesBrokenOrg(t *testing.T) {
	ctx := t.Context()
	p, _ := newProgram(t)
	require.NoError(t, p.DefineUnits(ctx, orgUnits...))
	_, err := p.Store().RecordOrgChanges(ctx, []cx.OrgChange{{Kind: cxorg.Move, Effective: now, Unit: cx.Unit{ID: "sales", Parent: "north"}}})
	require.ErrorIs(t, err, cx.ErrInvalid)
	_, err = p.Store().RecordOrgChanges(ctx, []cx.OrgChange{{Kind: cxorg.Add, Unit: cx.Unit{ID: "ministry", Name: "Ministry"}}})
	require.ErrorIs(t, err, cx.ErrInvalid, "no second root")
	err = p.Store().DeleteUnit(ctx, "sales")
	require.ErrorIs(t, err, cx.ErrInvalid, "no unit deleted from under its teams")
	var ve *cx.ValidationError
	require.True(t, errors.As(err, &ve))
	_, err = p.Hierarchy(ctx)
	require.NoError(t, err)
	require.NoError(t, p.DefineUnits(ctx, cx.Unit{ID: "east", Parent: "ops", Name: "East"}))
}

// TestDefineUnitsUnderLaterUnit: a unit defined under a unit the org has
// only from a later date is refused with that date and what to do
// instead, where the error said only that the parent was unknown.
func TestDefineUnitsUnderLaterUnit(t *testing.T) {
	ctx := t.Context()
	p, s := newProgram(t)
	require.NoError(t, p.DefineUnits(ctx, orgUnits...))
	require.NoError(t, p.ChangeOrg(ctx, cx.OrgChange{Kind: cxorg.Merge, Effective: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		Unit: cx.Unit{ID: "central", Name: "Central Office"}, From: []string{"north", "south"}}))
	before := mustList(t, s)
	err := p.DefineUnits(ctx, cx.Unit{ID: "desk", Parent: "ops", Name: "Desk"}, cx.Unit{ID: "east", Parent: "central", Name: "East"})
	require.ErrorIs(t, err, cx.ErrInvalid)
	var ve *cx.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Len(t, ve.Problems, 1, "%v", err)
	assert.Equal(t, "units[1].parent", ve.Problems[0].Field)
	assert.Contains(t, ve.Problems[0].Message, `the parent "central" (Central Office) is in the org only from 1 March 2026`)
	assert.Contains(t, ve.Problems[0].Message, "ChangeOrg")
	assert.Equal(t, before, mustList(t, s), "nothing is recorded")
	// The way the message gives works.
	require.NoError(t, p.ChangeOrg(ctx, cx.OrgChange{Kind: cxorg.Add, Effective: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		Unit: cx.Unit{ID: "east", Parent: "central", Name: "East"}}))
	// An unknown parent is still said to be unknown.
	err = p.DefineUnits(ctx, cx.Unit{ID: "west", Parent: "nowhere", Name: "West"})
	require.ErrorIs(t, err, cx.ErrInvalid)
	assert.Contains(t, err.Error(), "nowhere")
}
