package cxgen

import (
	"crypto/sha256"
	"encoding/hex"
	"math/rand"
	"slices"
	"strconv"
	"time"

	"github.com/leanovate/gopter"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/org"
	"github.com/cxculture/cxculture/survey"
)

// OrgHistoryFrom returns a valid org history: a tree of 2 to 1+maxN units
// "u0", ... added from the start (u0 the root), then up to steps dated
// changes of every kind (add, rename, move, merge, split, close, lead),
// several sharing a date at times, each valid on the org the changes
// before it left. Dates are whole days from [Base]; the last is at most
// Base + 4*steps days.
func OrgHistoryFrom(r *rand.Rand, maxN, steps int) []cx.OrgChange {
	return OrgStoryFrom(r, maxN, steps).Changes
}

// OrgState is the org as the generator built it, in force from At: the
// parent of each open unit ("" for the root).
type OrgState struct {
	At     time.Time
	Parent map[string]string
}

// OrgStory is a history of [OrgHistoryFrom] with the generator's own
// record of the org after each date it changed (States, in date order,
// the first from the start): an oracle of the org at any date that does
// not replay the changes.
type OrgStory struct {
	Changes []cx.OrgChange
	States  []OrgState
}

// At returns the generator's org in force at t: each open unit's parent.
func (s OrgStory) At(t time.Time) map[string]string {
	var out map[string]string
	for _, st := range s.States {
		if st.At.After(t) {
			break
		}
		out = st.Parent
	}
	return out
}

// OrgStoryFrom returns what [OrgHistoryFrom] returns for the same r, with
// the generator's record of the org.
func OrgStoryFrom(r *rand.Rand, maxN, steps int) OrgStory {
	g := &orgGen{r: r, parent: map[string]string{}}
	n := 2 + r.Intn(maxN)
	for i := range n {
		id := g.fresh()
		u := cx.Unit{ID: id, Name: TextFrom(r)}
		if i > 0 {
			u.Parent = g.open[r.Intn(len(g.open))]
		}
		if r.Intn(4) == 0 {
			u.Leaders = []string{Leader(r.Intn(5))}
		}
		g.add(cx.OrgChange{Kind: org.Add, Unit: u})
	}
	var states []OrgState
	snapshot := func(t time.Time) {
		st := OrgState{At: t, Parent: map[string]string{}}
		for _, u := range g.open {
			st.Parent[u] = g.parent[u]
		}
		if k := len(states) - 1; k >= 0 && states[k].At.Equal(t) {
			states[k] = st
			return
		}
		states = append(states, st)
	}
	snapshot(time.Time{})
	day := 0
	for range r.Intn(steps + 1) {
		if r.Intn(3) > 0 {
			day += 1 + r.Intn(3)
		}
		t := Base.Add(time.Duration(day) * 24 * time.Hour)
		g.step(t)
		snapshot(t)
	}
	return OrgStory{Changes: g.out, States: states}
}

// OrgStories generates stories of [OrgStoryFrom].
func OrgStories(maxN, steps int) gopter.Gen {
	return From(func(r *rand.Rand) OrgStory { return OrgStoryFrom(r, maxN, steps) }).WithLabel("org story")
}

// Leader returns the i-th leader, as a program keeps leaders: a pseudonym
// (the form of cx.IsPseudonym).
func Leader(i int) string {
	sum := sha256.Sum256([]byte("leader " + strconv.Itoa(i)))
	return cx.PseudonymPrefix + hex.EncodeToString(sum[:])
}

// OrgHistory generates histories of [OrgHistoryFrom].
func OrgHistory(maxN, steps int) gopter.Gen {
	return From(func(r *rand.Rand) []cx.OrgChange { return OrgHistoryFrom(r, maxN, steps) }).WithLabel("org history")
}

type orgGen struct {
	r      *rand.Rand
	next   int
	open   []string // open units, root first
	parent map[string]string
	out    []cx.OrgChange
}

func (g *orgGen) fresh() string {
	id := "u" + strconv.Itoa(g.next)
	g.next++
	return id
}

func (g *orgGen) add(c cx.OrgChange) {
	g.out = append(g.out, c)
	g.open = append(g.open, c.Unit.ID)
	g.parent[c.Unit.ID] = c.Unit.Parent
}

func (g *orgGen) children(id string) []string {
	var out []string
	for _, u := range g.open {
		if g.parent[u] == id {
			out = append(out, u)
		}
	}
	return out
}

func (g *orgGen) within(u, anc string) bool {
	for ; u != ""; u = g.parent[u] {
		if u == anc {
			return true
		}
	}
	return false
}

func (g *orgGen) close(id string) {
	g.open = slices.DeleteFunc(g.open, func(u string) bool { return u == id })
}

// step appends one valid change effective at t.
func (g *orgGen) step(t time.Time) {
	r := g.r
	nonRoot := g.open[1:]
	switch k := r.Intn(7); {
	case k == 0 || len(nonRoot) == 0:
		id := g.fresh()
		g.add(cx.OrgChange{Kind: org.Add, Effective: t, Unit: cx.Unit{ID: id, Parent: pick(r, g.open), Name: TextFrom(r)}})
	case k == 1:
		u := pick(r, g.open)
		g.out = append(g.out, cx.OrgChange{Kind: org.Rename, Effective: t, Unit: cx.Unit{ID: u, Name: TextFrom(r)}})
	case k == 2:
		u := pick(r, nonRoot)
		var to []string
		for _, p := range g.open {
			if !g.within(p, u) && p != g.parent[u] {
				to = append(to, p)
			}
		}
		if len(to) == 0 {
			return
		}
		p := pick(r, to)
		g.parent[u] = p
		g.out = append(g.out, cx.OrgChange{Kind: org.Move, Effective: t, Unit: cx.Unit{ID: u, Parent: p}, Note: "moved"})
	case k == 3:
		// Merge two siblings: into a new unit, or one into the other.
		a := pick(r, nonRoot)
		sib := slices.DeleteFunc(g.children(g.parent[a]), func(u string) bool { return u == a })
		if len(sib) == 0 {
			return
		}
		b := pick(r, sib)
		if r.Intn(2) == 0 {
			id := g.fresh()
			g.out = append(g.out, cx.OrgChange{Kind: org.Merge, Effective: t, Unit: cx.Unit{ID: id, Name: TextFrom(r)}, From: []string{a, b}})
			g.open = append(g.open, id)
			g.parent[id] = g.parent[a]
			for _, c := range append(g.children(a), g.children(b)...) {
				g.parent[c] = id
			}
			g.close(a)
			g.close(b)
			return
		}
		g.out = append(g.out, cx.OrgChange{Kind: org.Merge, Effective: t, Unit: cx.Unit{ID: a}, From: []string{b}})
		for _, c := range g.children(b) {
			g.parent[c] = a
		}
		g.close(b)
	case k == 4:
		// Split a unit without units below it.
		var leaves []string
		for _, u := range nonRoot {
			if len(g.children(u)) == 0 {
				leaves = append(leaves, u)
			}
		}
		if len(leaves) == 0 {
			return
		}
		u := pick(r, leaves)
		carries := r.Intn(2) == 0
		var into []cx.Unit
		if carries {
			into = append(into, cx.Unit{ID: u})
		}
		for range 1 + r.Intn(2) {
			id := g.fresh()
			into = append(into, cx.Unit{ID: id, Name: TextFrom(r)})
			g.open = append(g.open, id)
			g.parent[id] = g.parent[u]
		}
		if len(into) == 1 {
			id := g.fresh()
			into = append(into, cx.Unit{ID: id, Name: TextFrom(r)})
			g.open = append(g.open, id)
			g.parent[id] = g.parent[u]
		}
		g.out = append(g.out, cx.OrgChange{Kind: org.Split, Effective: t, Unit: cx.Unit{ID: u}, Into: into})
		if !carries {
			g.close(u)
		}
	case k == 5:
		var leaves []string
		for _, u := range nonRoot {
			if len(g.children(u)) == 0 {
				leaves = append(leaves, u)
			}
		}
		if len(leaves) == 0 {
			return
		}
		u := pick(r, leaves)
		g.out = append(g.out, cx.OrgChange{Kind: org.Close, Effective: t, Unit: cx.Unit{ID: u}})
		g.close(u)
	default:
		u := pick(r, g.open)
		var leaders []string
		for i := range r.Intn(3) {
			leaders = append(leaders, Leader(i+r.Intn(5)*3))
		}
		g.out = append(g.out, cx.OrgChange{Kind: org.Lead, Effective: t, Unit: cx.Unit{ID: u, Leaders: leaders}})
	}
}

// IDsOfItems returns the IDs of items, in order.
func IDsOfItems(items []survey.Item) []string {
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	return ids
}

// BenchOrg returns the org of the org benchmarks (of package cx/org and
// of the program): 3,031 units, a root "org" (Org) with 30 divisions "d0"
// to "d29" (Division 0 ...) of 100 teams each ("d0t0", Team 0.0, ...),
// added from the start; then moves dated moves, the i-th on 1 January
// 2026 plus i days, of team "d<i%30>t<i/30>" under division
// "d<(i+1)%30>" (moves at most 3,000).
func BenchOrg(moves int) (adds, dated []cx.OrgChange) {
	adds = []cx.OrgChange{{Kind: org.Add, Unit: cx.Unit{ID: "org", Name: "Org"}}}
	for d := range 30 {
		div := "d" + strconv.Itoa(d)
		adds = append(adds, cx.OrgChange{Kind: org.Add, Unit: cx.Unit{ID: div, Parent: "org", Name: "Division " + strconv.Itoa(d)}})
		for k := range 100 {
			adds = append(adds, cx.OrgChange{Kind: org.Add, Unit: cx.Unit{ID: div + "t" + strconv.Itoa(k), Parent: div,
				Name: "Team " + strconv.Itoa(d) + "." + strconv.Itoa(k)}})
		}
	}
	day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range moves {
		dated = append(dated, cx.OrgChange{Kind: org.Move, Effective: day.AddDate(0, 0, i),
			Unit: cx.Unit{ID: "d" + strconv.Itoa(i%30) + "t" + strconv.Itoa(i/30), Parent: "d" + strconv.Itoa((i+1)%30)}})
	}
	return adds, dated
}
