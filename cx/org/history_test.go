package org_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/cx/org"
)

func day(d int) time.Time {
	return time.Date(2025, time.March, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, d)
}

func u(id, parent, name string) org.Unit { return org.Unit{ID: id, Parent: parent, Name: name} }

// story is a reorganization: on day 10 West is added under Sales, on day
// 20 Ops is renamed and West moves under it, on day 30 North and South
// merge into Central, on day 40 West is split (carrying on, with West 2),
// on day 50 West 2 closes.
func story() []org.Change {
	return []org.Change{
		{Kind: org.Add, Unit: u("org", "", "Agency")},
		{Kind: org.Add, Unit: u("sales", "org", "Sales")},
		{Kind: org.Add, Unit: u("north", "sales", "North")},
		{Kind: org.Add, Unit: u("south", "sales", "South")},
		{Kind: org.Add, Unit: u("ops", "org", "Ops")},
		{Kind: org.Add, Effective: day(10), Unit: u("west", "sales", "West")},
		{Kind: org.Rename, Effective: day(20), Unit: org.Unit{ID: "ops", Name: "Operations"}},
		{Kind: org.Move, Effective: day(20), Unit: org.Unit{ID: "west", Parent: "ops"}},
		{Kind: org.Merge, Effective: day(30), Unit: u("central", "", "Central"), From: []string{"north", "south"}},
		{Kind: org.Split, Effective: day(40), Unit: org.Unit{ID: "west"}, Into: []org.Unit{{ID: "west"}, u("west2", "", "West 2")}},
		{Kind: org.Lead, Effective: day(40), Unit: org.Unit{ID: "sales", Leaders: []string{"p-lead"}}},
		{Kind: org.Close, Effective: day(50), Unit: org.Unit{ID: "west2"}},
	}
}

// shape returns unit:parent pairs of h in pre-order.
func shape(h *org.Hierarchy) string {
	var parts []string
	for _, x := range h.Units() {
		parts = append(parts, x.ID+":"+x.Parent)
	}
	return strings.Join(parts, " ")
}

func TestHistoryAt(t *testing.T) {
	h, err := org.NewHistory(story())
	require.NoError(t, err)
	cases := []struct {
		at   time.Time
		want string
	}{
		{time.Time{}, "org: ops:org sales:org north:sales south:sales"},
		{day(9), "org: ops:org sales:org north:sales south:sales"},
		{day(10), "org: ops:org sales:org north:sales south:sales west:sales"},
		{day(20), "org: ops:org west:ops sales:org north:sales south:sales"},
		{day(30), "org: ops:org west:ops sales:org central:sales"},
		{day(45), "org: ops:org west:ops west2:ops sales:org central:sales"},
		{day(99), "org: ops:org west:ops sales:org central:sales"},
	}
	for _, c := range cases {
		got, ok := h.At(c.at)
		require.True(t, ok, "At(%s)", c.at)
		assert.Equal(t, c.want, shape(got), "At(%s)", c.at)
	}
	at20, _ := h.At(day(20))
	ops, _ := at20.Unit("ops")
	assert.Equal(t, "Operations", ops.Name, "a rename applies from its date")
	at19, _ := h.At(day(19))
	ops, _ = at19.Unit("ops")
	assert.Equal(t, "Ops", ops.Name, "and not before")
	at40, _ := h.At(day(40))
	assert.Equal(t, []string{"sales"}, at40.Led("p-lead"))
	at39, _ := h.At(day(39))
	assert.Empty(t, at39.Led("p-lead"))
	e, ok := h.Entry("north")
	require.True(t, ok)
	assert.False(t, e.Open)
	assert.Equal(t, day(30), e.Closed)
	e, _ = h.Entry("central")
	assert.Equal(t, u("central", "sales", "Central"), e.Defined, "a merged unit's parent defaults to the parent of the units merged")
	latest, _ := h.Latest()
	assert.Equal(t, "org: ops:org west:ops sales:org central:sales", shape(latest))
	assert.True(t, h.Changed(day(9), day(10)))
	assert.False(t, h.Changed(day(10), day(19)))
}

func TestHistoryEmpty(t *testing.T) {
	h, err := org.NewHistory(nil)
	require.NoError(t, err)
	_, ok := h.At(day(0))
	assert.False(t, ok)
	_, ok = h.Latest()
	assert.False(t, ok)
	h, err = org.NewHistory([]org.Change{{Kind: org.Add, Effective: day(5), Unit: u("org", "", "Org")}})
	require.NoError(t, err)
	_, ok = h.At(day(4))
	assert.False(t, ok, "nothing was in force before the first change")
}

// TestHistoryProblems checks that each broken history fails with a
// *org.ValidationError whose problem names the change and says what is
// wrong.
func TestHistoryProblems(t *testing.T) {
	cases := []struct {
		name  string
		more  []org.Change
		field string
		msg   string
	}{
		{"Cycle", []org.Change{{Kind: org.Move, Effective: day(1), Unit: org.Unit{ID: "sales", Parent: "north"}}}, "changes[5]", "cycle"},
		{"SecondRoot", []org.Change{{Kind: org.Add, Effective: day(1), Unit: u("x", "", "X")}}, "changes[5]", "roots"},
		{"UnknownParent", []org.Change{{Kind: org.Add, Effective: day(1), Unit: u("x", "nowhere", "X")}}, "changes[5]", `unknown parent "nowhere"`},
		{"ClosedParent", []org.Change{
			{Kind: org.Close, Effective: day(1), Unit: org.Unit{ID: "north"}},
			{Kind: org.Add, Effective: day(2), Unit: u("x", "north", "X")},
		}, "changes[6]", "its parent north was closed on 2 March 2025"},
		{"CloseWithChildren", []org.Change{{Kind: org.Close, Effective: day(1), Unit: org.Unit{ID: "sales"}}}, "changes[5]", "parent sales was closed"},
		{"RenameUnknown", []org.Change{{Kind: org.Rename, Effective: day(1), Unit: org.Unit{ID: "nowhere", Name: "N"}}}, "changes[5].unit.id", "unknown unit"},
		{"MoveClosed", []org.Change{
			{Kind: org.Close, Effective: day(1), Unit: org.Unit{ID: "north"}},
			{Kind: org.Move, Effective: day(2), Unit: org.Unit{ID: "north", Parent: "ops"}},
		}, "changes[6].unit.id", "closed on 2 March 2025"},
		{"SplitIntoExisting", []org.Change{{Kind: org.Split, Effective: day(1), Unit: org.Unit{ID: "north"}, Into: []org.Unit{u("south", "", "S")}}}, "changes[5].into[0].id", "already exists"},
		{"SplitNothingNew", []org.Change{{Kind: org.Split, Effective: day(1), Unit: org.Unit{ID: "north"}, Into: []org.Unit{{ID: "north"}}}}, "changes[5].into", "at least one new unit"},
		{"MergeNoName", []org.Change{{Kind: org.Merge, Effective: day(1), Unit: org.Unit{ID: "nw"}, From: []string{"north", "south"}}}, "changes[5].unit.name", "required"},
		{"MergeParentsDiffer", []org.Change{{Kind: org.Merge, Effective: day(1), Unit: u("nw", "", "NW"), From: []string{"north", "ops"}}}, "changes[5].unit.parent", "different parents"},
		{"MergeIntoItself", []org.Change{{Kind: org.Merge, Effective: day(1), Unit: org.Unit{ID: "north"}, From: []string{"north"}}}, "changes[5].from[0]", "cannot be among"},
		{"MoveWithoutParent", []org.Change{{Kind: org.Move, Effective: day(1), Unit: org.Unit{ID: "north"}}}, "changes[5].unit.parent", "required"},
		{"UnusedField", []org.Change{{Kind: org.Rename, Effective: day(1), Unit: org.Unit{ID: "north", Name: "N", Parent: "ops"}}}, "changes[5].unit.parent", "not used"},
		{"UnknownKind", []org.Change{{Kind: 42, Unit: org.Unit{ID: "north"}}}, "changes[5].kind", "unknown kind"},
		{"NoUnitLeft", []org.Change{{Kind: org.Add, Effective: day(1), Unit: u("solo", "", "Solo")}}, "changes[5]", "roots"},
		{"BadLeader", []org.Change{{Kind: org.Lead, Effective: day(1), Unit: org.Unit{ID: "north", Leaders: []string{"p", "p"}}}}, "changes[5].unit.leaders[1]", "twice"},
		{"BadName", []org.Change{{Kind: org.Rename, Effective: day(1), Unit: org.Unit{ID: "north", Name: "bad \xff"}}}, "changes[5].unit.name", "UTF-8"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			changes := append(story()[:5], c.more...)
			_, err := org.NewHistory(changes)
			var ve *org.ValidationError
			require.ErrorAs(t, err, &ve)
			require.ErrorIs(t, err, org.ErrInvalid)
			found := false
			for _, p := range ve.Problems {
				if p.Field == c.field && strings.Contains(p.Message, c.msg) {
					found = true
				}
			}
			assert.True(t, found, "want a problem on %s mentioning %q, got %v", c.field, c.msg, ve.Problems)
		})
	}
}

func TestCheck(t *testing.T) {
	all := story()
	fresh, err := org.Check(all[:6], all)
	require.NoError(t, err)
	assert.Equal(t, all[6:], fresh, "the changes already stored are left out")
	fresh, err = org.Check(all, all)
	require.NoError(t, err)
	assert.Empty(t, fresh, "recording the same history again adds nothing")
	_, err = org.Check(all, []org.Change{{Kind: org.Add, Unit: u("north", "sales", "North, again")}})
	var ce *org.ConflictError
	require.ErrorAs(t, err, &ce)
	assert.ErrorIs(t, err, org.ErrExists)
	assert.Equal(t, "north", ce.Unit)
	assert.Contains(t, err.Error(), `name "North", not "North, again"`)
	// A back-dated change is checked against the later ones.
	_, err = org.Check(all, []org.Change{{Kind: org.Close, Effective: day(15), Unit: org.Unit{ID: "ops"}}})
	var ve *org.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "changes[0]", ve.Problems[0].Field)
}

func TestErase(t *testing.T) {
	all := story()
	extra := org.Change{Kind: org.Add, Effective: day(60), Unit: u("east", "ops", "East")}
	ren := org.Change{Kind: org.Rename, Effective: day(61), Unit: org.Unit{ID: "east", Name: "East 2"}}
	withEast := append(append(story(), extra), ren)
	kept, err := org.Erase(withEast, "east")
	require.NoError(t, err)
	assert.Equal(t, all, kept)
	for _, id := range []string{"sales", "north", "central", "west", "west2", "org", "ops"} {
		_, err := org.Erase(all, id)
		var ve *org.ValidationError
		assert.ErrorAs(t, err, &ve, "erasing %s", id)
	}
	_, err = org.Erase(all, "never")
	assert.True(t, errors.Is(err, org.ErrNotFound))
}

func TestKindText(t *testing.T) {
	for k := org.Add; k <= org.Lead; k++ {
		b, err := k.MarshalText()
		require.NoError(t, err)
		var back org.Kind
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, k, back)
	}
	var k org.Kind
	assert.Error(t, k.UnmarshalText([]byte("reorg")))
	_, err := org.Kind(0).MarshalText()
	assert.Error(t, err)
}

// TestMergeAbsorbingTheRoot: a merge that absorbs the root makes the
// unit that absorbs it the root, with every open unit below it, and the
// lineage compares the new root with the whole org it absorbed.
func TestMergeAbsorbingTheRoot(t *testing.T) {
	changes := append(story()[:5], org.Change{Kind: org.Merge, Effective: day(10), Unit: org.Unit{ID: "ops"}, From: []string{"org"}})
	h, err := org.NewHistory(changes)
	require.NoError(t, err)
	at, ok := h.At(day(10))
	require.True(t, ok)
	assert.Equal(t, "ops: sales:ops north:sales south:sales", shape(at))
	e, _ := h.Entry("org")
	assert.False(t, e.Open)
	l, ok := h.Lineage(day(0), day(10))
	require.True(t, ok)
	c, ok := l.Compare("ops")
	require.True(t, ok)
	assert.True(t, c.Comparable, "%+v", c)
	assert.ElementsMatch(t, []string{"org", "ops", "sales", "north", "south"}, c.Predecessors)
}
