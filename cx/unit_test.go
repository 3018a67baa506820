package cx_test

import (
	"errors"
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/leanovate/gopter/prop"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
)

// problems returns the problems of a *cx.ValidationError by field, or an
// explanation of why err is not one.
func problems(err error) (map[string]string, string) {
	if err == nil {
		return nil, "accepted"
	}
	var ve *cx.ValidationError
	if !errors.As(err, &ve) {
		return nil, fmt.Sprintf("not a *cx.ValidationError: %v", err)
	}
	if !errors.Is(err, cx.ErrInvalid) {
		return nil, fmt.Sprintf("does not unwrap to cx.ErrInvalid: %v", err)
	}
	out := map[string]string{}
	for _, p := range ve.Problems {
		if p.Message == "" {
			return nil, "problem " + p.Field + " has no message"
		}
		out[p.Field] += p.Message + "; "
	}
	return out, ""
}

// wantProblem returns "" if err is a *cx.ValidationError with a problem
// on field whose message contains msg.
func wantProblem(err error, field, msg string) string {
	ps, why := problems(err)
	if why != "" {
		return why
	}
	m, ok := ps[field]
	if !ok {
		return fmt.Sprintf("no problem names %s: %v", field, err)
	}
	if !strings.Contains(m, msg) {
		return fmt.Sprintf("problem %s says %q, want it to mention %q", field, m, msg)
	}
	return ""
}

// parents returns the parent of each unit by ID.
func parents(units []cx.Unit) map[string]string {
	m := make(map[string]string, len(units))
	for _, u := range units {
		m[u.ID] = u.Parent
	}
	return m
}

// below returns the units at or below id, following parent links.
func below(units []cx.Unit, id string) []string {
	out := []string{id}
	for i := 0; i < len(out); i++ {
		for _, u := range units {
			if u.Parent == out[i] {
				out = append(out, u.ID)
			}
		}
	}
	return out
}

func rootOf(units []cx.Unit) int {
	return slices.IndexFunc(units, func(u cx.Unit) bool { return u.Parent == "" })
}

// checkTree checks every accessor of a hierarchy built from a valid tree.
func checkTree(units []cx.Unit, h *cx.Hierarchy) string {
	par := parents(units)
	if h.Len() != len(units) {
		return fmt.Sprintf("Len %d, want %d", h.Len(), len(units))
	}
	root := units[rootOf(units)].ID
	if h.Root() != root {
		return fmt.Sprintf("Root %q, want %q", h.Root(), root)
	}
	ids := h.IDs()
	pos := map[string]int{}
	for i, id := range ids {
		pos[id] = i
	}
	if len(pos) != len(units) {
		return fmt.Sprintf("IDs %v do not list every unit once", ids)
	}
	for _, u := range units {
		got, ok := h.Unit(u.ID)
		if !ok || !got.Equal(u) || !h.Has(u.ID) {
			return fmt.Sprintf("Unit(%s) = %+v, %v", u.ID, got, ok)
		}
		anc := h.Ancestors(u.ID)
		if h.Depth(u.ID) != len(anc) {
			return fmt.Sprintf("Depth(%s) = %d with ancestors %v", u.ID, h.Depth(u.ID), anc)
		}
		for i, cur := 0, u.ID; i < len(anc); i++ {
			if anc[i] != par[cur] {
				return fmt.Sprintf("Ancestors(%s) = %v", u.ID, anc)
			}
			cur = anc[i]
		}
		if u.ID != root && (len(anc) == 0 || anc[len(anc)-1] != root) {
			return fmt.Sprintf("Ancestors(%s) = %v do not end at the root", u.ID, anc)
		}
		if u.Parent != "" && pos[u.Parent] > pos[u.ID] {
			return fmt.Sprintf("IDs %v list %s before its parent", ids, u.ID)
		}
		children := h.Children(u.ID)
		if !slices.IsSorted(children) {
			return fmt.Sprintf("Children(%s) = %v not sorted", u.ID, children)
		}
		var want []string
		for _, c := range units {
			if c.Parent == u.ID {
				want = append(want, c.ID)
			}
		}
		slices.Sort(want)
		if !slices.Equal(want, children) || h.IsLeaf(u.ID) != (len(want) == 0) {
			return fmt.Sprintf("Children(%s) = %v, want %v", u.ID, children, want)
		}
		desc := h.Descendants(u.ID)
		if wantDesc := below(units, u.ID)[1:]; len(desc) != len(wantDesc) {
			return fmt.Sprintf("Descendants(%s) = %v, want the units %v", u.ID, desc, wantDesc)
		}
	}
	for i, u := range h.Units() {
		if u.ID != ids[i] {
			return fmt.Sprintf("Units() not in the order of IDs(): %v", h.Units())
		}
	}
	return ""
}

func TestHierarchyProperties(t *testing.T) {
	props := cxgen.NewProperties(t, 300)
	props.Property("generated trees are accepted, in any order, and every accessor agrees with the parent links", prop.ForAll(func(units []cx.Unit) string {
		h, err := cx.NewHierarchy(units)
		if err != nil {
			return err.Error()
		}
		return checkTree(units, h)
	}, cxgen.Units(12)))
	props.Property("a generated cycle is rejected, naming every unit on it and no other", prop.ForAll(func(units []cx.Unit, seed int64) string {
		r := rand.New(rand.NewSource(seed))
		x := r.Intn(len(units))
		sub := below(units, units[x].ID)
		d := sub[r.Intn(len(sub))]
		units[x].Parent = d
		if d == units[x].ID {
			return wantProblem(mustFail(units), "units["+d+"].parent", "own parent")
		}
		// The cycle runs from d up through its parents to x, then back to d.
		par := parents(units)
		cycle := []string{d}
		for cur := par[d]; cur != d; cur = par[cur] {
			cycle = append(cycle, cur)
		}
		err := mustFail(units)
		ps, why := problems(err)
		if why != "" {
			return why
		}
		for _, id := range cycle {
			if msg := wantProblem(err, "units["+id+"].parent", "cycle"); msg != "" {
				return msg
			}
		}
		for f, m := range ps {
			if strings.Contains(m, "cycle") && !slices.ContainsFunc(cycle, func(id string) bool { return f == "units["+id+"].parent" }) {
				return fmt.Sprintf("%s is not on the cycle %v but is reported: %s", f, cycle, m)
			}
		}
		if x == rootOf(units) || rootOf(units) < 0 {
			if msg := wantProblem(err, "units", "no root"); msg != "" {
				return msg
			}
		}
		return ""
	}, cxgen.Units(12), cxgen.From(func(r *rand.Rand) int64 { return r.Int63() }).WithLabel("seed")))
	props.Property("a unit whose parent is not in the tree is rejected, naming it", prop.ForAll(func(units []cx.Unit, seed int64) string {
		x := rand.New(rand.NewSource(seed)).Intn(len(units))
		units[x].Parent = "zz_missing"
		return wantProblem(mustFail(units), "units["+units[x].ID+"].parent", `unknown parent "zz_missing"`)
	}, cxgen.Units(12), cxgen.From(func(r *rand.Rand) int64 { return r.Int63() }).WithLabel("seed")))
	props.Property("a second root is rejected", prop.ForAll(func(units []cx.Unit) string {
		units = append(units, cx.Unit{ID: "other_root", Name: "Another organization"})
		return wantProblem(mustFail(units), "units", "2 roots")
	}, cxgen.Units(12)))
	props.Property("a second root and a cycle are both reported", prop.ForAll(func(units []cx.Unit) string {
		units = append(units, cx.Unit{ID: "other_root", Name: "Another"}, cx.Unit{ID: "c1", Parent: "c2", Name: "C1"}, cx.Unit{ID: "c2", Parent: "c1", Name: "C2"})
		err := mustFail(units)
		for _, f := range []string{"units", "units[c1].parent", "units[c2].parent"} {
			if msg := wantProblem(err, f, ""); msg != "" {
				return msg
			}
		}
		return ""
	}, cxgen.Units(12)))
	props.Property("a duplicate ID is rejected, naming it", prop.ForAll(func(units []cx.Unit, seed int64) string {
		dup := units[rand.New(rand.NewSource(seed)).Intn(len(units))]
		dup.Name = "a second unit under a taken ID"
		return wantProblem(mustFail(append(units, dup)), "units["+dup.ID+"].id", "duplicate")
	}, cxgen.Units(12), cxgen.From(func(r *rand.Rand) int64 { return r.Int63() }).WithLabel("seed")))
	props.Run()
}

// mustFail returns the error of NewHierarchy, or a sentinel error when it
// accepts units.
func mustFail(units []cx.Unit) error {
	h, err := cx.NewHierarchy(units)
	if err == nil && h != nil {
		return errors.New("accepted")
	}
	return err
}

func TestNewHierarchyTable(t *testing.T) {
	for _, tc := range []struct {
		name  string
		units []cx.Unit
		field string
	}{
		{"Empty", nil, "units"},
		{"MalformedID", []cx.Unit{{ID: "org", Name: "Org"}, {ID: "new team", Parent: "org", Name: "T"}}, "units[1].id"},
		{"NoName", []cx.Unit{{ID: "org"}}, "units[org].name"},
		{"OwnParent", []cx.Unit{{ID: "org", Name: "Org"}, {ID: "t", Parent: "t", Name: "T"}}, "units[t].parent"},
		{"NoRoot", []cx.Unit{{ID: "a", Parent: "b", Name: "A"}, {ID: "b", Parent: "a", Name: "B"}}, "units"},
		{"TwoRoots", []cx.Unit{{ID: "a", Name: "A"}, {ID: "b", Name: "B"}}, "units"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := cx.NewHierarchy(tc.units)
			assert.Nil(t, h)
			assert.Empty(t, wantProblem(err, tc.field, ""))
		})
	}
	t.Run("Accessors", func(t *testing.T) {
		h, err := cx.NewHierarchy([]cx.Unit{
			{ID: "team_b", Parent: "claims", Name: "B"}, {ID: "org", Name: "Org"}, {ID: "claims", Parent: "org", Name: "Claims"},
			{ID: "team_a", Parent: "claims", Name: "A"}, {ID: "billing", Parent: "org", Name: "Billing"},
		})
		require.NoError(t, err)
		assert.Equal(t, []string{"org", "billing", "claims", "team_a", "team_b"}, h.IDs())
		assert.Equal(t, []string{"claims", "org"}, h.Ancestors("team_a"))
		assert.Equal(t, []string{"team_a", "team_b"}, h.Children("claims"))
		assert.Equal(t, []string{"billing", "claims", "team_a", "team_b"}, h.Descendants("org"))
		assert.Equal(t, 2, h.Depth("team_b"))
		assert.True(t, h.IsLeaf("billing"))
		assert.False(t, h.Has("nowhere"))
		ids := h.IDs()
		ids[0] = "changed"
		assert.Equal(t, "org", h.IDs()[0], "IDs returns a copy")
	})
}

// TestNewHierarchyOrderFree: the order units are given in changes neither
// the hierarchy (its units, its order of parents before children and
// siblings by ID, depths) nor the problems found, whether the units come
// sorted by ID (as an org history gives them), shuffled, or reversed;
// with a unit under an unknown parent, a cycle and a unit given twice
// added too (a duplicate that differs is kept or dropped by its place).
func TestNewHierarchyOrderFree(t *testing.T) {
	props := cxgen.NewProperties(t, 200)
	props.Property("a hierarchy does not depend on the order of its units", prop.ForAll(func(units []cx.Unit, seed int64, broken bool) string {
		r := rand.New(rand.NewSource(seed))
		if broken {
			units = append(units, cx.Unit{ID: "zz_lost", Parent: "zz_missing", Name: "Lost"},
				cx.Unit{ID: "c1", Parent: "c2", Name: "C1"}, cx.Unit{ID: "c2", Parent: "c1", Name: "C2"}, units[r.Intn(len(units))])
		}
		sorted := slices.Clone(units)
		slices.SortStableFunc(sorted, func(a, b cx.Unit) int { return strings.Compare(a.ID, b.ID) })
		shuffled := slices.Clone(units)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		reversed := slices.Clone(sorted)
		slices.Reverse(reversed)
		describe := func(us []cx.Unit) string {
			h, err := cx.NewHierarchy(us)
			if err != nil {
				ps, why := problems(err)
				if why != "" {
					return why
				}
				return fmt.Sprint(ps)
			}
			var b strings.Builder
			for _, id := range h.IDs() {
				u, _ := h.Unit(id)
				fmt.Fprintf(&b, "%s<%s:%d:%v ", id, u.Parent, h.Depth(id), h.Children(id))
			}
			return b.String()
		}
		want := describe(sorted)
		for name, us := range map[string][]cx.Unit{"shuffled": shuffled, "reversed": reversed} {
			if got := describe(us); got != want {
				return fmt.Sprintf("%s: %s\nsorted by ID: %s", name, got, want)
			}
		}
		return ""
	}, cxgen.Units(12), cxgen.From(func(r *rand.Rand) int64 { return r.Int63() }).WithLabel("seed"), cxgen.From(func(r *rand.Rand) bool { return r.Intn(3) == 0 }).WithLabel("broken")))
	props.Run()
}
