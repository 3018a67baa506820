package storetest

import (
	"context"
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/commands"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
	"github.com/cxculture/cxculture/cx/org"
	"github.com/cxculture/cxculture/survey"
)

// The org history in the model is a plain slice of changes, checked by a
// replay written here apart from package cx/org: a small org (a root r,
// units a and b, a second root z) whose changes collide, repeat, break the
// tree or contradict recorded ones.

type orgTable = []cx.OrgChange

var orgPool = func() []cx.OrgChange {
	t := func(d int) time.Time { return at(d, 0) }
	u := func(id, parent, name string) cx.Unit { return cx.Unit{ID: id, Parent: parent, Name: name} }
	return []cx.OrgChange{
		{Kind: org.Add, Unit: u("r", "", "Root")},
		{Kind: org.Add, Unit: u("a", "r", "A")},
		{Kind: org.Add, Unit: u("a", "r", "A, defined otherwise")},
		{Kind: org.Add, Effective: t(1), Unit: u("b", "a", "B")},
		{Kind: org.Move, Effective: t(2), Unit: cx.Unit{ID: "b", Parent: "r"}},
		{Kind: org.Close, Effective: t(3), Unit: cx.Unit{ID: "a"}},
		{Kind: org.Rename, Effective: t(1), Unit: cx.Unit{ID: "a", Name: "A renamed"}},
		{Kind: org.Add, Unit: u("z", "", "Second root")},
		{Kind: org.Close, Effective: t(2), Unit: cx.Unit{ID: "b"}},
		{Kind: org.Move, Effective: t(1), Unit: cx.Unit{ID: "a", Parent: "b"}},
		// Units that the pools of other kinds refer to: responses,
		// observations, recognitions and waves' invited counts in u1, the
		// initiatives in beta.
		{Kind: org.Add, Unit: u("u1", "r", "Team one")},
		{Kind: org.Add, Effective: t(1), Unit: u("beta", "r", "Beta")},
	}
}()

var orgModelUnits = []string{"r", "a", "b", "z", "u1", "beta"}

// The tables of the model that may refer to a unit (see storeCommands).
const (
	modelInitiatives  = 3
	modelWaves        = 5
	modelResponses    = 6
	modelObservations = 7
	modelRecognitions = 8
)

// unitReferred reports whether a record of the model refers to unit u:
// a response, an observation or a recognition in it, an initiative that
// runs in it, or a wave that counts people invited in it.
func (m *model) unitReferred(u string) bool {
	for _, r := range table[uuid.UUID, survey.Response](m, modelResponses) {
		if r.Unit == u {
			return true
		}
	}
	for _, o := range table[string, cx.Observation](m, modelObservations) {
		if o.Unit == u {
			return true
		}
	}
	for _, r := range table[uuid.UUID, culture.Recognition](m, modelRecognitions) {
		if r.Unit == u {
			return true
		}
	}
	for _, in := range table[uuid.UUID, culture.Initiative](m, modelInitiatives) {
		if slices.Contains(in.Units, u) {
			return true
		}
	}
	for _, w := range table[string, survey.Wave](m, modelWaves) {
		if _, ok := w.Invited[u]; ok {
			return true
		}
	}
	return false
}

// modelReplay reports whether a history breaks the tree at some date
// (invalid) and whether it adds a unit twice (conflict).
func modelReplay(changes []cx.OrgChange) (invalid, conflict bool) {
	type st struct {
		parent string
		open   bool
	}
	units := map[string]*st{}
	sortedCh := slices.Clone(changes)
	slices.SortStableFunc(sortedCh, func(a, b cx.OrgChange) int { return a.Effective.Compare(b.Effective) })
	for i := 0; i < len(sortedCh); {
		j := i
		for j < len(sortedCh) && sortedCh[j].Effective.Equal(sortedCh[i].Effective) {
			c := sortedCh[j]
			u := units[c.Unit.ID]
			switch c.Kind {
			case org.Add:
				if u != nil {
					conflict = true
				} else {
					units[c.Unit.ID] = &st{parent: c.Unit.Parent, open: true}
				}
			case org.Rename, org.Move, org.Close:
				if u == nil || !u.open {
					invalid = true
					break
				}
				if c.Kind == org.Move {
					u.parent = c.Unit.Parent
				}
				if c.Kind == org.Close {
					u.open = false
				}
			}
			j++
		}
		i = j
		roots, open := 0, 0
		for _, u := range units {
			if !u.open {
				continue
			}
			open++
			if u.parent == "" {
				roots++
			} else if p := units[u.parent]; p == nil || !p.open {
				invalid = true
			}
		}
		if roots != 1 {
			invalid = true
		}
		for _, u := range units {
			steps := 0
			for x := u; x != nil && x.open && x.parent != ""; x = units[x.parent] {
				if steps++; steps > len(units) {
					invalid = true
					break
				}
			}
		}
	}
	return invalid, conflict
}

type recordOrgCmd struct {
	idx   int
	batch []int
}

func (c recordOrgCmd) Run(sut commands.SystemUnderTest) commands.Result {
	s := sut.(cx.Store)
	batch := make([]cx.OrgChange, len(c.batch))
	for j, i := range c.batch {
		batch[j] = orgPool[i]
	}
	n, err := s.RecordOrgChanges(context.Background(), batch)
	l, lerr := s.ListOrgChanges(context.Background())
	return result{err: err, added: n, list: l, fail: lerr}
}

func (c recordOrgCmd) NextState(st commands.State) commands.State {
	m := st.(*model)
	stored := m.tables[c.idx].(orgTable)
	var fresh orgTable
	for _, i := range c.batch {
		ch := orgPool[i]
		if !slices.ContainsFunc(stored, ch.Equal) && !slices.ContainsFunc(fresh, ch.Equal) {
			fresh = append(fresh, ch)
		}
	}
	if len(fresh) == 0 {
		return m.with(c.idx, nil, outcome{})
	}
	all := append(slices.Clone(stored), fresh...)
	switch invalid, conflict := modelReplay(all); {
	case invalid:
		return m.with(c.idx, nil, outcome{err: cx.ErrInvalid})
	case conflict:
		return m.with(c.idx, nil, outcome{err: cx.ErrAlreadyExists})
	}
	return m.with(c.idx, all, outcome{added: len(fresh)})
}

func (recordOrgCmd) PreCondition(commands.State) bool { return true }

func (c recordOrgCmd) PostCondition(st commands.State, res commands.Result) *gopter.PropResult {
	m, r := st.(*model), res.(result)
	msg := checkErr(m.want.err, r.err, c.String())
	if msg == "" && r.added != m.want.added {
		msg = fmt.Sprintf("%s: want added=%d, got %d", c, m.want.added, r.added)
	}
	return verdict(msg, checkHistory(m.tables[c.idx].(orgTable), r, "ListOrgChanges after "+c.String()))
}

func (c recordOrgCmd) String() string {
	parts := make([]string, len(c.batch))
	for j, i := range c.batch {
		ch := orgPool[i]
		parts[j] = fmt.Sprintf("c%d:%s %s", i, ch.Kind, ch.Unit.ID)
	}
	return "RecordOrgChanges[" + strings.Join(parts, ", ") + "]"
}

func checkHistory(want orgTable, r result, what string) string {
	if r.fail != nil {
		return fmt.Sprintf("%s: unexpected error: %v", what, r.fail)
	}
	got, _ := r.list.([]cx.OrgChange)
	if len(want) == 0 && len(got) == 0 {
		return ""
	}
	if d := diff(want, got); d != "" {
		return what + ": " + d
	}
	return ""
}

type deleteUnitCmd struct {
	idx  int
	unit string
}

func (c deleteUnitCmd) Run(sut commands.SystemUnderTest) commands.Result {
	s := sut.(cx.Store)
	err := s.DeleteUnit(context.Background(), c.unit)
	l, lerr := s.ListOrgChanges(context.Background())
	return result{err: err, list: l, fail: lerr}
}

func (c deleteUnitCmd) NextState(st commands.State) commands.State {
	m := st.(*model)
	stored := m.tables[c.idx].(orgTable)
	found := false
	var kept orgTable
	for _, ch := range stored {
		if ch.Unit.ID == c.unit {
			found = found || ch.Kind == org.Add
			continue
		}
		if ch.Unit.Parent == c.unit {
			return m.with(c.idx, nil, outcome{err: cx.ErrInvalid})
		}
		kept = append(kept, ch)
	}
	if !found {
		return m.with(c.idx, nil, outcome{err: cx.ErrNotFound})
	}
	if m.unitReferred(c.unit) {
		return m.with(c.idx, nil, outcome{err: cx.ErrInvalid})
	}
	return m.with(c.idx, kept, outcome{})
}

func (deleteUnitCmd) PreCondition(commands.State) bool { return true }

func (c deleteUnitCmd) PostCondition(st commands.State, res commands.Result) *gopter.PropResult {
	m, r := st.(*model), res.(result)
	return verdict(checkErr(m.want.err, r.err, c.String()), checkHistory(m.tables[c.idx].(orgTable), r, "ListOrgChanges after "+c.String()))
}

func (c deleteUnitCmd) String() string { return "DeleteUnit(" + c.unit + ")" }

func orgGens(idx int) []gopter.Gen {
	record := cxgen.From(func(r *rand.Rand) commands.Command {
		b := make([]int, 1+r.Intn(2))
		for j := range b {
			b[j] = r.Intn(len(orgPool))
		}
		return recordOrgCmd{idx, b}
	})
	// The units other kinds refer to are recorded and deleted more often,
	// so that sequences delete units that records refer to.
	referred := []string{"u1", "beta"}
	return []gopter.Gen{record, record, record,
		cxgen.From(func(r *rand.Rand) commands.Command {
			return recordOrgCmd{idx, []int{0, len(orgPool) - 2 + r.Intn(2)}}
		}),
		cxgen.From(func(r *rand.Rand) commands.Command {
			return deleteUnitCmd{idx, orgModelUnits[r.Intn(len(orgModelUnits))]}
		}),
		cxgen.From(func(r *rand.Rand) commands.Command {
			return deleteUnitCmd{idx, referred[r.Intn(len(referred))]}
		}),
	}
}
