package storetest

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/org"
	"github.com/cxculture/cxculture/survey"
)

// Run runs the conformance suite: every case in a subtest of its own on a
// store returned by newStore, then generated round trips, then the
// model-based test, which calls newStore once per command sequence.
// newStore must return a fresh, empty store that shares nothing with the
// stores returned before; it may register clean-ups with t.Cleanup and
// end the test with t.Fatal if it cannot make one.
func Run(t *testing.T, newStore func(t *testing.T) cx.Store) {
	t.Helper()
	mk := func(t *testing.T) cx.Store {
		t.Helper()
		s := newStore(t)
		if s == nil {
			t.Fatal("storetest: newStore returned a nil store")
		}
		return s
	}
	for _, tc := range cases() {
		t.Run(tc.name, func(t *testing.T) {
			tc.f(&check{T: t, ctx: t.Context(), s: mk(t), rule: tc.explanation})
		})
	}
	t.Run("RoundTrip", func(t *testing.T) { roundTrips(t, mk(t)) })
	t.Run("Model", func(t *testing.T) { runModel(t, mk) })
}

// testCase is one named rule of the contract.
type testCase struct {
	name string
	// explanation states the rule; failure messages quote it.
	explanation string
	f           func(c *check)
}

// check carries what a case needs and reports failures with the rule.
type check struct {
	*testing.T
	ctx  context.Context
	s    cx.Store
	rule string
}

func (c *check) failf(format string, args ...any) {
	c.Helper()
	c.Errorf("%s\n\trule: %s", fmt.Sprintf(format, args...), c.rule)
}

func (c *check) fatalf(format string, args ...any) {
	c.Helper()
	c.Fatalf("%s\n\trule: %s", fmt.Sprintf(format, args...), c.rule)
}

// must stops the case if err is not nil.
func (c *check) must(err error, op string) {
	c.Helper()
	if err != nil {
		c.fatalf("%s: unexpected error: %v", op, err)
	}
}

// wantErr reports whether err falls in the category target, and fails the
// case if not.
func (c *check) wantErr(err, target error, op string) bool {
	c.Helper()
	if !errors.Is(err, target) {
		c.failf("%s: want an error satisfying errors.Is(err, %s), got %v", op, errName(target), err)
		return false
	}
	return true
}

// equal fails the case if got is not exactly want.
func (c *check) equal(want, got any, what string) {
	c.Helper()
	if d := diff(want, got); d != "" {
		c.failf("%s: %s", what, d)
	}
}

func errName(err error) string {
	switch err {
	case cx.ErrNotFound:
		return "cx.ErrNotFound"
	case cx.ErrAlreadyExists:
		return "cx.ErrAlreadyExists"
	case cx.ErrInvalid:
		return "cx.ErrInvalid"
	}
	return fmt.Sprint(err)
}

// cases returns every named case of the suite.
func cases() []testCase {
	var cs []testCase
	cs = append(cs, orgCases()...)
	cs = append(cs, entityCases(frameworkEntity())...)
	cs = append(cs, entityCases(indicatorEntity())...)
	cs = append(cs, entityCases(initiativeEntity())...)
	cs = append(cs, initiativeCases()...)
	cs = append(cs, entityCases(surveyEntity())...)
	cs = append(cs, surveyVersionCases()...)
	cs = append(cs, segmentCases()...)
	cs = append(cs, entityCases(waveEntity())...)
	cs = append(cs, waveCases()...)
	cs = append(cs, responseCases()...)
	cs = append(cs, importCases()...)
	cs = append(cs, observationCases()...)
	cs = append(cs, recognitionCases()...)
	cs = append(cs, crossCases()...)
	cs = append(cs, concurrencyCases()...)
	return cs
}

// entity describes one kind of keyed value with Create, Get, List, Update
// and Delete, so that the same cases check every such kind.
type entity[K comparable, V any] struct {
	name   string // singular, as in the method names: "Unit"
	plural string // as in the List method: "Units"
	key    func(V) K
	order  func(a, b V) int
	// orderDoc says what order List documents.
	orderDoc string
	// fixture returns distinct values for i in [0, nFixtures).
	fixture func(i int) V
	// change returns a different value with the same key.
	change func(V) V
	// mutate changes the slices, maps and pointers inside a value in
	// place; nil for kinds that hold none.
	mutate func(*V)
	create func(cx.Store, context.Context, V) error
	get    func(cx.Store, context.Context, K) (V, error)
	list   func(cx.Store, context.Context) ([]V, error)
	update func(cx.Store, context.Context, V) error
	delete func(cx.Store, context.Context, K) error
}

func byID[V any](id func(V) string) func(a, b V) int {
	return func(a, b V) int { return strings.Compare(id(a), id(b)) }
}

func frameworkEntity() entity[string, culture.Framework] {
	return entity[string, culture.Framework]{
		name: "Framework", plural: "Frameworks", key: func(f culture.Framework) string { return f.ID },
		order: byID(func(f culture.Framework) string { return f.ID }), orderDoc: "by ID (byte order)",
		fixture: frameworkFixture, change: frameworkChange, mutate: frameworkMutate,
		create: cx.Store.CreateFramework, get: cx.Store.GetFramework, list: cx.Store.ListFrameworks,
		update: cx.Store.UpdateFramework, delete: cx.Store.DeleteFramework,
	}
}

func indicatorEntity() entity[string, culture.Indicator] {
	return entity[string, culture.Indicator]{
		name: "Indicator", plural: "Indicators", key: func(in culture.Indicator) string { return in.ID },
		order: byID(func(in culture.Indicator) string { return in.ID }), orderDoc: "by ID (byte order)",
		fixture: indicatorFixture, change: indicatorChange, mutate: indicatorMutate,
		create: cx.Store.CreateIndicator, get: cx.Store.GetIndicator, list: cx.Store.ListIndicators,
		update: cx.Store.UpdateIndicator, delete: cx.Store.DeleteIndicator,
	}
}

func compareInitiatives(a, b culture.Initiative) int {
	return cmp.Or(a.Start.Compare(b.Start), bytes.Compare(a.ID[:], b.ID[:]))
}

func initiativeEntity() entity[uuid.UUID, culture.Initiative] {
	return entity[uuid.UUID, culture.Initiative]{
		name: "Initiative", plural: "Initiatives", key: func(in culture.Initiative) uuid.UUID { return in.ID },
		order: compareInitiatives, orderDoc: "by Start, then ID (byte order of the UUID)",
		fixture: initiativeFixture, change: initiativeChange, mutate: initiativeMutate,
		create: cx.Store.CreateInitiative, get: cx.Store.GetInitiative,
		list: func(s cx.Store, ctx context.Context) ([]culture.Initiative, error) {
			return s.ListInitiatives(ctx, culture.InitiativeFilter{})
		},
		update: cx.Store.UpdateInitiative, delete: cx.Store.DeleteInitiative,
	}
}

func surveyEntity() entity[string, survey.Survey] {
	return entity[string, survey.Survey]{
		name: "Survey", plural: "Surveys", key: func(s survey.Survey) string { return s.ID },
		order: byID(func(s survey.Survey) string { return s.ID }), orderDoc: "by ID (byte order)",
		fixture: surveyFixture, change: surveyChange, mutate: surveyMutate,
		create: cx.Store.CreateSurvey, get: cx.Store.GetSurvey, list: cx.Store.ListSurveys,
		update: cx.Store.UpdateSurvey, delete: cx.Store.DeleteSurvey,
	}
}

func compareWaves(a, b survey.Wave) int {
	return cmp.Or(a.Opens.Compare(b.Opens), strings.Compare(a.ID, b.ID))
}

func waveEntity() entity[string, survey.Wave] {
	return entity[string, survey.Wave]{
		name: "Wave", plural: "Waves", key: func(w survey.Wave) string { return w.ID },
		order: compareWaves, orderDoc: "by Opens, then ID (byte order)",
		fixture: waveFixture, change: waveChange, mutate: waveMutate,
		create: cx.Store.CreateWave, get: cx.Store.GetWave,
		list: func(s cx.Store, ctx context.Context) ([]survey.Wave, error) {
			return s.ListWaves(ctx, survey.WaveFilter{})
		},
		update: cx.Store.UpdateWave, delete: cx.Store.DeleteWave,
	}
}

// insertionOrder is the order fixtures are created in by the list cases:
// neither the order of the keys nor the documented list order.
var insertionOrder = []int{3, 0, 6, 1, 5, 2, 4}

// sorted returns a sorted copy of vs.
func sorted[V any](vs []V, order func(a, b V) int) []V {
	out := slices.Clone(vs)
	slices.SortStableFunc(out, order)
	return out
}

func entityCases[K comparable, V any](e entity[K, V]) []testCase {
	op := func(verb string) string {
		if verb == "List" {
			return verb + e.plural
		}
		return verb + e.name
	}
	createAll := func(c *check) []V {
		c.Helper()
		var all []V
		for _, i := range insertionOrder {
			v := e.fixture(i)
			c.must(e.create(c.s, c.ctx, v), fmt.Sprintf("%s(%v)", op("Create"), e.key(v)))
			all = append(all, v)
		}
		return all
	}
	// listIs checks that List returns exactly want, in order.
	listIs := func(c *check, want []V, what string) {
		c.Helper()
		got, err := e.list(c.s, c.ctx)
		c.must(err, op("List"))
		if len(want) == 0 && len(got) == 0 {
			return
		}
		if len(got) != len(want) {
			c.failf("%s %s: want %d values, got %d (keys %v)", op("List"), what, len(want), len(got), keys(got, e.key))
			return
		}
		if wk, gk := keys(want, e.key), keys(got, e.key); !slices.Equal(wk, gk) {
			c.failf("%s %s: want keys in the order %v, got %v", op("List"), what, wk, gk)
			return
		}
		c.equal(want, got, op("List")+" "+what)
	}
	getIs := func(c *check, want V, what string) {
		c.Helper()
		got, err := e.get(c.s, c.ctx, e.key(want))
		c.must(err, fmt.Sprintf("%s(%v)", op("Get"), e.key(want)))
		c.equal(want, got, fmt.Sprintf("%s(%v) %s", op("Get"), e.key(want), what))
	}
	getMissing := func(c *check, k K, what string) {
		c.Helper()
		_, err := e.get(c.s, c.ctx, k)
		c.wantErr(err, cx.ErrNotFound, fmt.Sprintf("%s(%v) %s", op("Get"), k, what))
	}

	cs := []testCase{
		{"CreateGet", "Get returns exactly the value given to Create: every field, nil slices and maps nil, times the same instant in UTC", func(c *check) {
			for _, v := range createAll(c) {
				getIs(c, v, "after Create")
			}
		}},
		{"GetMissing", "Get of a key that is not stored fails with an error satisfying errors.Is(err, cx.ErrNotFound)", func(c *check) {
			getMissing(c, e.key(e.fixture(0)), "on an empty store")
			c.must(e.create(c.s, c.ctx, e.fixture(1)), op("Create"))
			getMissing(c, e.key(e.fixture(0)), "with another value stored")
		}},
		{"CreateExisting", "Create of a key that is stored fails with cx.ErrAlreadyExists, whether the value is the same or different, and leaves the stored value as it was", func(c *check) {
			v := e.fixture(0)
			c.must(e.create(c.s, c.ctx, v), op("Create"))
			c.wantErr(e.create(c.s, c.ctx, e.change(v)), cx.ErrAlreadyExists, op("Create")+" of a different value under a stored key")
			c.wantErr(e.create(c.s, c.ctx, v), cx.ErrAlreadyExists, op("Create")+" of the same value again")
			getIs(c, v, "after the refused Creates")
			listIs(c, []V{v}, "after the refused Creates")
		}},
		{"Update", "Update replaces the stored value with the given one; Get and List return the new value and other values are untouched", func(c *check) {
			all := sorted(createAll(c), e.order)
			v := e.change(all[2])
			c.must(e.update(c.s, c.ctx, v), op("Update"))
			getIs(c, v, "after Update")
			all[2] = v
			listIs(c, sorted(all, e.order), "after Update")
		}},
		{"UpdateMissing", "Update of a key that is not stored fails with cx.ErrNotFound and stores nothing", func(c *check) {
			v := e.fixture(0)
			c.wantErr(e.update(c.s, c.ctx, v), cx.ErrNotFound, op("Update")+" on an empty store")
			getMissing(c, e.key(v), "after the refused Update")
			listIs(c, nil, "after the refused Update")
		}},
		{"Delete", "Delete removes the value: Get then fails with cx.ErrNotFound, List omits it, other values stay, a second Delete fails with cx.ErrNotFound, and the key can be created again", func(c *check) {
			all := sorted(createAll(c), e.order)
			gone := all[1]
			c.must(e.delete(c.s, c.ctx, e.key(gone)), op("Delete"))
			getMissing(c, e.key(gone), "after Delete")
			rest := slices.Delete(slices.Clone(all), 1, 2)
			listIs(c, rest, "after Delete")
			for _, v := range rest {
				getIs(c, v, "after another value was deleted")
			}
			c.wantErr(e.delete(c.s, c.ctx, e.key(gone)), cx.ErrNotFound, op("Delete")+" of a deleted key")
			c.must(e.create(c.s, c.ctx, gone), op("Create")+" of a deleted key")
			getIs(c, gone, "after it was deleted and created again")
		}},
		{"DeleteMissing", "Delete of a key that is not stored fails with cx.ErrNotFound", func(c *check) {
			c.wantErr(e.delete(c.s, c.ctx, e.key(e.fixture(0))), cx.ErrNotFound, op("Delete")+" on an empty store")
			c.must(e.create(c.s, c.ctx, e.fixture(1)), op("Create"))
			c.wantErr(e.delete(c.s, c.ctx, e.key(e.fixture(0))), cx.ErrNotFound, op("Delete")+" of a key that was never stored")
			listIs(c, []V{e.fixture(1)}, "after the refused Delete")
		}},
		{"ListEmpty", "List on an empty store returns no values and no error", func(c *check) {
			listIs(c, nil, "on an empty store")
		}},
		{"ListOrder", "List returns every stored value exactly once, ordered " + e.orderDoc, func(c *check) {
			listIs(c, sorted(createAll(c), e.order), "after creating them in another order")
		}},
	}
	if e.mutate != nil {
		cs = append(cs,
			testCase{"OwnershipIn", "A store does not retain the values passed to Create or Update: mutating their slices, maps or pointers afterwards does not change what is stored", func(c *check) {
				v := e.fixture(0)
				c.must(e.create(c.s, c.ctx, v), op("Create"))
				e.mutate(&v)
				getIs(c, e.fixture(0), "after the caller mutated the value it passed to Create")
				u := e.change(e.fixture(0))
				c.must(e.update(c.s, c.ctx, u), op("Update"))
				e.mutate(&u)
				getIs(c, e.change(e.fixture(0)), "after the caller mutated the value it passed to Update")
			}},
			testCase{"OwnershipOut", "A store does not share the values it returns: mutating what Get or List returned does not change what is stored", func(c *check) {
				c.must(e.create(c.s, c.ctx, e.fixture(0)), op("Create"))
				got, err := e.get(c.s, c.ctx, e.key(e.fixture(0)))
				c.must(err, op("Get"))
				e.mutate(&got)
				getIs(c, e.fixture(0), "after the caller mutated a value returned by Get")
				l, err := e.list(c.s, c.ctx)
				c.must(err, op("List"))
				if len(l) != 1 {
					c.fatalf("%s: want 1 value, got %d", op("List"), len(l))
				}
				e.mutate(&l[0])
				getIs(c, e.fixture(0), "after the caller mutated a value returned by List")
				listIs(c, []V{e.fixture(0)}, "after the caller mutated a value returned by List")
			}},
		)
	}
	for i := range cs {
		cs[i].name = e.name + "/" + cs[i].name
	}
	return cs
}

func keys[K comparable, V any](vs []V, key func(V) K) []K {
	out := make([]K, len(vs))
	for i, v := range vs {
		out[i] = key(v)
	}
	return out
}

// listed checks that a list call returned exactly want, in order, naming
// the keys when the order or membership differs.
func listed[K comparable, V any](c *check, what string, want, got []V, key func(V) K) {
	c.Helper()
	if len(want) == 0 && len(got) == 0 {
		return
	}
	if wk, gk := keys(want, key), keys(got, key); !slices.Equal(wk, gk) {
		c.failf("%s: want %d values with keys, in order, %v; got %d: %v", what, len(want), wk, len(got), gk)
		return
	}
	c.equal(want, got, what)
}

func initiativeCases() []testCase {
	return []testCase{
		{"Initiative/ListFilter", "ListInitiatives keeps the initiatives that run in Filter.Unit (when set) and have Filter.Status (when set), in the order by Start, then ID", func(c *check) {
			var all []culture.Initiative
			for _, i := range insertionOrder {
				in := initiativeFixture(i)
				c.must(c.s.CreateInitiative(c.ctx, in), "CreateInitiative")
				all = append(all, in)
			}
			all = sorted(all, compareInitiatives)
			filters := []culture.InitiativeFilter{
				{Unit: ids[0]}, {Unit: "team_" + ids[2]}, {Status: culture.Planned}, {Status: culture.Active},
				{Status: culture.Stopped}, {Unit: ids[1], Status: culture.Active}, {Unit: ids[1], Status: culture.Completed},
				{Unit: "nowhere"}, {Unit: ids[0][:2]},
			}
			for _, f := range filters {
				var want []culture.Initiative
				for _, in := range all {
					if f.Match(in) {
						want = append(want, in)
					}
				}
				got, err := c.s.ListInitiatives(c.ctx, f)
				c.must(err, "ListInitiatives")
				listed(c, fmt.Sprintf("ListInitiatives(%s)", fmtFilter(f)), want, got, func(in culture.Initiative) uuid.UUID { return in.ID })
			}
		}},
	}
}

func waveCases() []testCase {
	return []testCase{
		{"Wave/ListFilter", "ListWaves keeps the waves of Filter.Survey (when set), in the order by Opens, then ID", func(c *check) {
			var all []survey.Wave
			for _, i := range insertionOrder {
				w := waveFixture(i)
				c.must(c.s.CreateWave(c.ctx, w), "CreateWave")
				all = append(all, w)
			}
			all = sorted(all, compareWaves)
			for _, sv := range []string{"pulse", "a11", "none", "puls"} {
				var want []survey.Wave
				for _, w := range all {
					if w.Survey == sv {
						want = append(want, w)
					}
				}
				got, err := c.s.ListWaves(c.ctx, survey.WaveFilter{Survey: sv})
				c.must(err, "ListWaves")
				listed(c, fmt.Sprintf("ListWaves(Survey: %q)", sv), want, got, func(w survey.Wave) string { return w.ID })
			}
		}},
	}
}

// crossCases check that the kinds of entity are kept apart.
func crossCases() []testCase {
	return []testCase{
		{"KindsApart", "Each kind of entity has its own keys: a unit, a framework, an indicator, a survey and a wave may share an ID, and deleting one leaves the others", func(c *check) {
			const id = "shared"
			u := cx.OrgChange{Kind: org.Add, Unit: cx.Unit{ID: id, Name: "Unit"}}
			f := frameworkFixture(0)
			f.ID = id
			in := indicatorFixture(0)
			in.ID = id
			s := surveyFixture(0)
			s.ID = id
			w := waveFixture(0)
			w.ID, w.Survey = id, id
			c.record([]cx.OrgChange{u}, 1, "of unit shared")
			c.must(c.s.CreateFramework(c.ctx, f), "CreateFramework")
			c.must(c.s.CreateIndicator(c.ctx, in), "CreateIndicator")
			c.must(c.s.CreateSurvey(c.ctx, s), "CreateSurvey")
			c.must(c.s.CreateWave(c.ctx, w), "CreateWave")
			c.must(c.s.DeleteUnit(c.ctx, id), "DeleteUnit")
			gf, err := c.s.GetFramework(c.ctx, id)
			c.must(err, "GetFramework")
			c.equal(f, gf, "GetFramework after DeleteUnit of the same ID")
			gi, err := c.s.GetIndicator(c.ctx, id)
			c.must(err, "GetIndicator")
			c.equal(in, gi, "GetIndicator after DeleteUnit of the same ID")
			gs, err := c.s.GetSurvey(c.ctx, id)
			c.must(err, "GetSurvey")
			c.equal(s, gs, "GetSurvey after DeleteUnit of the same ID")
			gw, err := c.s.GetWave(c.ctx, id)
			c.must(err, "GetWave")
			c.equal(w, gw, "GetWave after DeleteUnit of the same ID")
			c.must(c.s.DeleteWave(c.ctx, id), "DeleteWave")
			gs, err = c.s.GetSurvey(c.ctx, id)
			c.must(err, "GetSurvey after DeleteWave of the same ID")
			c.equal(s, gs, "GetSurvey after DeleteWave")
			c.must(c.s.DeleteSurvey(c.ctx, id), "DeleteSurvey")
			gf, err = c.s.GetFramework(c.ctx, id)
			c.must(err, "GetFramework after DeleteSurvey of the same ID")
			c.equal(f, gf, "GetFramework after DeleteSurvey")
		}},
		{"InitiativeAndResponseIDsApart", "Initiatives and responses have separate UUID keys: the same UUID may name one of each", func(c *check) {
			in := initiativeFixture(0)
			r := response(0)
			r.ID = in.ID
			c.must(c.s.CreateInitiative(c.ctx, in), "CreateInitiative")
			n, err := c.s.CreateResponses(c.ctx, []survey.Response{r})
			c.must(err, "CreateResponses")
			if n != 1 {
				c.failf("CreateResponses: want added=1, got %d", n)
			}
			c.must(c.s.DeleteInitiative(c.ctx, in.ID), "DeleteInitiative")
			got, err := c.s.GetResponse(c.ctx, r.ID)
			c.must(err, "GetResponse after DeleteInitiative of the same UUID")
			c.equal(r, got, "GetResponse")
		}},
	}
}
