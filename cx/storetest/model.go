package storetest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/commands"
	"github.com/leanovate/gopter/gen"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
	"github.com/cxculture/cxculture/survey"
)

// The model-based test runs random command sequences against a store and
// against a model made of plain maps, and checks after every command that
// the store returned what the model predicts: the error category, the
// number added, the value got, and the whole list of the entity touched.
// Keys come from a space of three per kind, and values from two variants
// per key, so that creates collide, batches repeat or contradict stored
// values, and deletes hit missing keys.

const (
	nKeys     = 3
	nVariants = 2
)

// modelRule is quoted when the model-based test fails.
const modelRule = "the store behaves like a map keyed by ID: every command returns what the contract says given the commands before it"

// model is the expected content of the store: one map per kind of entity,
// in the order of the kinds, and what the last command should have
// returned. A model is never modified: NextState returns a new one.
type model struct {
	tables []any // map[K]V per kind
	want   outcome
}

// outcome is what a command should return.
type outcome struct {
	err   error // nil, cx.ErrNotFound or cx.ErrAlreadyExists
	added int
}

func (m *model) String() string { return "empty store" }

func (m *model) with(idx int, table any, want outcome) *model {
	n := &model{tables: slices.Clone(m.tables), want: want}
	if table != nil {
		n.tables[idx] = table
	}
	return n
}

func table[K comparable, V any](m *model, idx int) map[K]V { return m.tables[idx].(map[K]V) }

// result is what running a command on the store gave.
type result struct {
	err   error
	added int
	got   any   // the value a Get returned
	list  any   // the list after the command
	count int   // CountResponses
	fail  error // an unexpected error of the follow-up List or Count
}

// kind is an entity with Create, Get, List, Update and Delete, with a
// pool of values: pool[key][variant].
type kind[K comparable, V any] struct {
	entity[K, V]
	idx  int
	pool [nKeys][nVariants]V
}

func (k *kind[K, V]) keyName(i int) string { return fmt.Sprint(k.key(k.pool[i][0])) }

func (k *kind[K, V]) listNow(s cx.Store) (any, error) {
	l, err := k.list(s, context.Background())
	return l, err
}

// expected returns the values of the model's table in list order.
func (k *kind[K, V]) expected(m *model) []V {
	return sorted(slices.Collect(maps.Values(table[K, V](m, k.idx))), k.order)
}

// checkList compares the list a command returned with the model.
func checkList[K comparable, V any](want []V, r result, key func(V) K, what string) string {
	if r.fail != nil {
		return fmt.Sprintf("%s: unexpected error: %v", what, r.fail)
	}
	got, _ := r.list.([]V)
	if len(want) == 0 && len(got) == 0 {
		return ""
	}
	if wk, gk := keys(want, key), keys(got, key); !slices.Equal(wk, gk) {
		return fmt.Sprintf("%s: want keys, in order, %v; got %v", what, wk, gk)
	}
	if d := diff(want, got); d != "" {
		return what + ": " + d
	}
	return ""
}

// checkErr compares an error with the expected category.
func checkErr(want, got error, op string) string {
	switch {
	case want == nil && got != nil:
		return fmt.Sprintf("%s: unexpected error: %v", op, got)
	case want != nil && !errors.Is(got, want):
		return fmt.Sprintf("%s: want an error satisfying errors.Is(err, %s), got %v", op, errName(want), got)
	}
	return ""
}

func verdict(msgs ...string) *gopter.PropResult {
	for _, m := range msgs {
		if m != "" {
			return gopter.NewPropResult(false, m+"\n\trule: "+modelRule)
		}
	}
	return gopter.NewPropResult(true, "")
}

type createCmd[K comparable, V any] struct {
	k    *kind[K, V]
	i, v int
}

func (c createCmd[K, V]) Run(sut commands.SystemUnderTest) commands.Result {
	s := sut.(cx.Store)
	err := c.k.create(s, context.Background(), c.k.pool[c.i][c.v])
	l, lerr := c.k.listNow(s)
	return result{err: err, list: l, fail: lerr}
}

func (c createCmd[K, V]) NextState(st commands.State) commands.State {
	m := st.(*model)
	t := table[K, V](m, c.k.idx)
	val := c.k.pool[c.i][c.v]
	if _, ok := t[c.k.key(val)]; ok {
		return m.with(c.k.idx, nil, outcome{err: cx.ErrAlreadyExists})
	}
	t = maps.Clone(t)
	t[c.k.key(val)] = val
	return m.with(c.k.idx, t, outcome{})
}

func (createCmd[K, V]) PreCondition(commands.State) bool { return true }

func (c createCmd[K, V]) PostCondition(st commands.State, res commands.Result) *gopter.PropResult {
	m, r := st.(*model), res.(result)
	return verdict(checkErr(m.want.err, r.err, c.String()), checkList(c.k.expected(m), r, c.k.key, "List"+c.k.plural+" after "+c.String()))
}

func (c createCmd[K, V]) String() string {
	return fmt.Sprintf("Create%s(%s#%d)", c.k.name, c.k.keyName(c.i), c.v)
}

type updateCmd[K comparable, V any] struct {
	k    *kind[K, V]
	i, v int
}

func (c updateCmd[K, V]) Run(sut commands.SystemUnderTest) commands.Result {
	s := sut.(cx.Store)
	err := c.k.update(s, context.Background(), c.k.pool[c.i][c.v])
	l, lerr := c.k.listNow(s)
	return result{err: err, list: l, fail: lerr}
}

func (c updateCmd[K, V]) NextState(st commands.State) commands.State {
	m := st.(*model)
	t := table[K, V](m, c.k.idx)
	val := c.k.pool[c.i][c.v]
	if _, ok := t[c.k.key(val)]; !ok {
		return m.with(c.k.idx, nil, outcome{err: cx.ErrNotFound})
	}
	t = maps.Clone(t)
	t[c.k.key(val)] = val
	return m.with(c.k.idx, t, outcome{})
}

func (updateCmd[K, V]) PreCondition(commands.State) bool { return true }

func (c updateCmd[K, V]) PostCondition(st commands.State, res commands.Result) *gopter.PropResult {
	m, r := st.(*model), res.(result)
	return verdict(checkErr(m.want.err, r.err, c.String()), checkList(c.k.expected(m), r, c.k.key, "List"+c.k.plural+" after "+c.String()))
}

func (c updateCmd[K, V]) String() string {
	return fmt.Sprintf("Update%s(%s#%d)", c.k.name, c.k.keyName(c.i), c.v)
}

type deleteCmd[K comparable, V any] struct {
	k *kind[K, V]
	i int
}

func (c deleteCmd[K, V]) Run(sut commands.SystemUnderTest) commands.Result {
	s := sut.(cx.Store)
	err := c.k.delete(s, context.Background(), c.k.key(c.k.pool[c.i][0]))
	l, lerr := c.k.listNow(s)
	return result{err: err, list: l, fail: lerr}
}

func (c deleteCmd[K, V]) NextState(st commands.State) commands.State {
	m := st.(*model)
	t := table[K, V](m, c.k.idx)
	key := c.k.key(c.k.pool[c.i][0])
	if _, ok := t[key]; !ok {
		return m.with(c.k.idx, nil, outcome{err: cx.ErrNotFound})
	}
	t = maps.Clone(t)
	delete(t, key)
	return m.with(c.k.idx, t, outcome{})
}

func (deleteCmd[K, V]) PreCondition(commands.State) bool { return true }

func (c deleteCmd[K, V]) PostCondition(st commands.State, res commands.Result) *gopter.PropResult {
	m, r := st.(*model), res.(result)
	return verdict(checkErr(m.want.err, r.err, c.String()), checkList(c.k.expected(m), r, c.k.key, "List"+c.k.plural+" after "+c.String()))
}

func (c deleteCmd[K, V]) String() string {
	return fmt.Sprintf("Delete%s(%s)", c.k.name, c.k.keyName(c.i))
}

type getCmd[K comparable, V any] struct {
	k *kind[K, V]
	i int
}

func (c getCmd[K, V]) Run(sut commands.SystemUnderTest) commands.Result {
	v, err := c.k.get(sut.(cx.Store), context.Background(), c.k.key(c.k.pool[c.i][0]))
	return result{err: err, got: v}
}

func (c getCmd[K, V]) NextState(st commands.State) commands.State {
	m := st.(*model)
	if _, ok := table[K, V](m, c.k.idx)[c.k.key(c.k.pool[c.i][0])]; !ok {
		return m.with(c.k.idx, nil, outcome{err: cx.ErrNotFound})
	}
	return m.with(c.k.idx, nil, outcome{})
}

func (getCmd[K, V]) PreCondition(commands.State) bool { return true }

func (c getCmd[K, V]) PostCondition(st commands.State, res commands.Result) *gopter.PropResult {
	m, r := st.(*model), res.(result)
	if msg := checkErr(m.want.err, r.err, c.String()); msg != "" || m.want.err != nil {
		return verdict(msg)
	}
	want := table[K, V](m, c.k.idx)[c.k.key(c.k.pool[c.i][0])]
	if d := diff(want, r.got); d != "" {
		return verdict(c.String() + ": " + d)
	}
	return verdict()
}

func (c getCmd[K, V]) String() string { return fmt.Sprintf("Get%s(%s)", c.k.name, c.k.keyName(c.i)) }

// kindGens returns the command generators of a kind.
func kindGens[K comparable, V any](k *kind[K, V]) []gopter.Gen {
	return []gopter.Gen{
		cxgen.From(func(r *rand.Rand) commands.Command { return createCmd[K, V]{k, r.Intn(nKeys), r.Intn(nVariants)} }),
		cxgen.From(func(r *rand.Rand) commands.Command { return updateCmd[K, V]{k, r.Intn(nKeys), r.Intn(nVariants)} }),
		cxgen.From(func(r *rand.Rand) commands.Command { return deleteCmd[K, V]{k, r.Intn(nKeys)} }),
		cxgen.From(func(r *rand.Rand) commands.Command { return getCmd[K, V]{k, r.Intn(nKeys)} }),
	}
}

func newKind[K comparable, V any](e entity[K, V], idx int, withKey func(V, int) V) *kind[K, V] {
	k := &kind[K, V]{entity: e, idx: idx}
	for i := range nKeys {
		v0 := withKey(e.fixture(i), i)
		k.pool[i] = [nVariants]V{v0, e.change(v0)}
	}
	return k
}

// Responses and observations have batches instead of Create, and filters.

type pair struct{ i, v int }

// responsePool[key][variant]: variants differ in answers and in time, and
// keys 0 and 1 share a submitted time in variant 0.
var responsePool = func() (p [nKeys][nVariants]survey.Response) {
	for i := range nKeys {
		r := response(i)
		r.ID = uuidOf("model response", i)
		p[i][0] = r
		r = responseChange(r)
		r.Submitted = r.Submitted.Add(time.Duration(i+1) * time.Hour)
		r.Unit = "u3"
		p[i][1] = r
	}
	return p
}()

var responseFilters = []survey.ResponseFilter{
	{}, {Wave: "w0"}, {Units: []string{"u1", "u3"}}, {Limit: 1, Offset: 1}, {Survey: "pulse", Limit: 2},
	{Since: responsePool[0][0].Submitted.Add(time.Microsecond)}, {Until: responsePool[2][0].Submitted}, {Offset: 2},
}

type responsesTable = map[uuid.UUID]survey.Response

func expectedResponses(m *model, idx int) []survey.Response {
	return sorted(slices.Collect(maps.Values(table[uuid.UUID, survey.Response](m, idx))), compareResponses)
}

type createResponsesCmd struct {
	idx   int
	batch []pair
}

func (c createResponsesCmd) Run(sut commands.SystemUnderTest) commands.Result {
	s := sut.(cx.Store)
	batch := make([]survey.Response, len(c.batch))
	for j, p := range c.batch {
		batch[j] = responsePool[p.i][p.v]
	}
	n, err := s.CreateResponses(context.Background(), batch)
	l, lerr := s.ListResponses(context.Background(), survey.ResponseFilter{})
	return result{err: err, added: n, list: l, fail: lerr}
}

func (c createResponsesCmd) NextState(st commands.State) commands.State {
	m := st.(*model)
	t := maps.Clone(table[uuid.UUID, survey.Response](m, c.idx))
	added := 0
	for _, p := range c.batch {
		r := responsePool[p.i][p.v]
		if prev, ok := t[r.ID]; ok {
			if !prev.Equal(r) {
				return m.with(c.idx, nil, outcome{err: cx.ErrAlreadyExists})
			}
			continue
		}
		t[r.ID] = r
		added++
	}
	return m.with(c.idx, t, outcome{added: added})
}

func (createResponsesCmd) PreCondition(commands.State) bool { return true }

func (c createResponsesCmd) PostCondition(st commands.State, res commands.Result) *gopter.PropResult {
	m, r := st.(*model), res.(result)
	msg := checkErr(m.want.err, r.err, c.String())
	if msg == "" && r.added != m.want.added {
		msg = fmt.Sprintf("%s: want added=%d, got %d", c, m.want.added, r.added)
	}
	return verdict(msg, checkList(expectedResponses(m, c.idx), r, responseKey, "ListResponses after "+c.String()))
}

func (c createResponsesCmd) String() string {
	parts := make([]string, len(c.batch))
	for j, p := range c.batch {
		parts[j] = fmt.Sprintf("r%d#%d", p.i, p.v)
	}
	return "CreateResponses[" + strings.Join(parts, " ") + "]"
}

type getResponseCmd struct{ idx, i int }

func (c getResponseCmd) Run(sut commands.SystemUnderTest) commands.Result {
	r, err := sut.(cx.Store).GetResponse(context.Background(), responsePool[c.i][0].ID)
	return result{err: err, got: r}
}

func (c getResponseCmd) NextState(st commands.State) commands.State {
	m := st.(*model)
	if _, ok := table[uuid.UUID, survey.Response](m, c.idx)[responsePool[c.i][0].ID]; !ok {
		return m.with(c.idx, nil, outcome{err: cx.ErrNotFound})
	}
	return m.with(c.idx, nil, outcome{})
}

func (getResponseCmd) PreCondition(commands.State) bool { return true }

func (c getResponseCmd) PostCondition(st commands.State, res commands.Result) *gopter.PropResult {
	m, r := st.(*model), res.(result)
	if msg := checkErr(m.want.err, r.err, c.String()); msg != "" || m.want.err != nil {
		return verdict(msg)
	}
	return verdict(prefix(c.String(), diff(table[uuid.UUID, survey.Response](m, c.idx)[responsePool[c.i][0].ID], r.got)))
}

func (c getResponseCmd) String() string { return fmt.Sprintf("GetResponse(r%d)", c.i) }

func prefix(p, msg string) string {
	if msg == "" {
		return ""
	}
	return p + ": " + msg
}

type deleteResponseCmd struct{ idx, i int }

func (c deleteResponseCmd) Run(sut commands.SystemUnderTest) commands.Result {
	s := sut.(cx.Store)
	err := s.DeleteResponse(context.Background(), responsePool[c.i][0].ID)
	l, lerr := s.ListResponses(context.Background(), survey.ResponseFilter{})
	return result{err: err, list: l, fail: lerr}
}

func (c deleteResponseCmd) NextState(st commands.State) commands.State {
	m := st.(*model)
	t := table[uuid.UUID, survey.Response](m, c.idx)
	id := responsePool[c.i][0].ID
	if _, ok := t[id]; !ok {
		return m.with(c.idx, nil, outcome{err: cx.ErrNotFound})
	}
	t = maps.Clone(t)
	delete(t, id)
	return m.with(c.idx, t, outcome{})
}

func (deleteResponseCmd) PreCondition(commands.State) bool { return true }

func (c deleteResponseCmd) PostCondition(st commands.State, res commands.Result) *gopter.PropResult {
	m, r := st.(*model), res.(result)
	return verdict(checkErr(m.want.err, r.err, c.String()), checkList(expectedResponses(m, c.idx), r, responseKey, "ListResponses after "+c.String()))
}

func (c deleteResponseCmd) String() string { return fmt.Sprintf("DeleteResponse(r%d)", c.i) }

type listResponsesCmd struct{ idx, f int }

func (c listResponsesCmd) Run(sut commands.SystemUnderTest) commands.Result {
	s := sut.(cx.Store)
	f := responseFilters[c.f]
	l, err := s.ListResponses(context.Background(), f)
	n, cerr := s.CountResponses(context.Background(), f)
	return result{err: err, list: l, count: n, fail: cerr}
}

func (c listResponsesCmd) NextState(st commands.State) commands.State {
	return st.(*model).with(c.idx, nil, outcome{})
}

func (listResponsesCmd) PreCondition(commands.State) bool { return true }

func (c listResponsesCmd) PostCondition(st commands.State, res commands.Result) *gopter.PropResult {
	m, r := st.(*model), res.(result)
	f := responseFilters[c.f]
	matches := matching(expectedResponses(m, c.idx), f)
	msg := ""
	if r.fail == nil && r.count != len(matches) {
		msg = fmt.Sprintf("CountResponses(%s): want %d, got %d", fmtFilter(f), len(matches), r.count)
	}
	return verdict(checkErr(nil, r.err, c.String()), msg, checkList(page(matches, f.Offset, f.Limit), r, responseKey, c.String()))
}

func (c listResponsesCmd) String() string {
	return "ListResponses(" + fmtFilter(responseFilters[c.f]) + ")"
}

// Observations: three keys, two values each.
var observationPool = func() (p [nKeys][nVariants]cx.Observation) {
	keys := []cx.Observation{
		{Metric: "csat_weekly", Unit: "u1", Time: at(0, 0)},
		{Metric: "csat_weekly", Unit: "u1", Time: at(24, 0)},
		{Metric: "nps", Unit: "u0", Time: at(0, 0)},
	}
	for i, o := range keys {
		o.Value, o.N = 0.1*float64(i+1), int64(10*i)
		p[i][0] = o
		o.Value = -o.Value
		p[i][1] = o
	}
	return p
}()

var observationFilters = []cx.ObservationFilter{
	{}, {Metric: "csat_weekly"}, {Units: []string{"u0"}}, {Since: at(24, 0)}, {Until: at(24, 0)},
}

func expectedObservations(m *model, idx int, f cx.ObservationFilter) []cx.Observation {
	var out []cx.Observation
	for _, o := range table[string, cx.Observation](m, idx) {
		if f.Match(o) {
			out = append(out, o)
		}
	}
	return sorted(out, compareObservations)
}

type createObservationsCmd struct {
	idx   int
	batch []pair
}

func (c createObservationsCmd) Run(sut commands.SystemUnderTest) commands.Result {
	s := sut.(cx.Store)
	batch := make([]cx.Observation, len(c.batch))
	for j, p := range c.batch {
		batch[j] = observationPool[p.i][p.v]
	}
	n, err := s.CreateObservations(context.Background(), batch)
	l, lerr := s.ListObservations(context.Background(), cx.ObservationFilter{})
	return result{err: err, added: n, list: l, fail: lerr}
}

func (c createObservationsCmd) NextState(st commands.State) commands.State {
	m := st.(*model)
	t := maps.Clone(table[string, cx.Observation](m, c.idx))
	added := 0
	for _, p := range c.batch {
		o := observationPool[p.i][p.v]
		if prev, ok := t[observationKey(o)]; ok {
			if prev != o {
				return m.with(c.idx, nil, outcome{err: cx.ErrAlreadyExists})
			}
			continue
		}
		t[observationKey(o)] = o
		added++
	}
	return m.with(c.idx, t, outcome{added: added})
}

func (createObservationsCmd) PreCondition(commands.State) bool { return true }

func (c createObservationsCmd) PostCondition(st commands.State, res commands.Result) *gopter.PropResult {
	m, r := st.(*model), res.(result)
	msg := checkErr(m.want.err, r.err, c.String())
	if msg == "" && r.added != m.want.added {
		msg = fmt.Sprintf("%s: want added=%d, got %d", c, m.want.added, r.added)
	}
	return verdict(msg, checkList(expectedObservations(m, c.idx, cx.ObservationFilter{}), r, observationKey, "ListObservations after "+c.String()))
}

func (c createObservationsCmd) String() string {
	parts := make([]string, len(c.batch))
	for j, p := range c.batch {
		parts[j] = fmt.Sprintf("o%d#%d", p.i, p.v)
	}
	return "CreateObservations[" + strings.Join(parts, " ") + "]"
}

type deleteObservationCmd struct{ idx, i int }

func (c deleteObservationCmd) Run(sut commands.SystemUnderTest) commands.Result {
	s := sut.(cx.Store)
	o := observationPool[c.i][0]
	err := s.DeleteObservation(context.Background(), o.Metric, o.Unit, o.Time)
	l, lerr := s.ListObservations(context.Background(), cx.ObservationFilter{})
	return result{err: err, list: l, fail: lerr}
}

func (c deleteObservationCmd) NextState(st commands.State) commands.State {
	m := st.(*model)
	t := table[string, cx.Observation](m, c.idx)
	k := observationKey(observationPool[c.i][0])
	if _, ok := t[k]; !ok {
		return m.with(c.idx, nil, outcome{err: cx.ErrNotFound})
	}
	t = maps.Clone(t)
	delete(t, k)
	return m.with(c.idx, t, outcome{})
}

func (deleteObservationCmd) PreCondition(commands.State) bool { return true }

func (c deleteObservationCmd) PostCondition(st commands.State, res commands.Result) *gopter.PropResult {
	m, r := st.(*model), res.(result)
	return verdict(checkErr(m.want.err, r.err, c.String()), checkList(expectedObservations(m, c.idx, cx.ObservationFilter{}), r, observationKey, "ListObservations after "+c.String()))
}

func (c deleteObservationCmd) String() string { return fmt.Sprintf("DeleteObservation(o%d)", c.i) }

type listObservationsCmd struct{ idx, f int }

func (c listObservationsCmd) Run(sut commands.SystemUnderTest) commands.Result {
	l, err := sut.(cx.Store).ListObservations(context.Background(), observationFilters[c.f])
	return result{err: err, list: l}
}

func (c listObservationsCmd) NextState(st commands.State) commands.State {
	return st.(*model).with(c.idx, nil, outcome{})
}

func (listObservationsCmd) PreCondition(commands.State) bool { return true }

func (c listObservationsCmd) PostCondition(st commands.State, res commands.Result) *gopter.PropResult {
	m, r := st.(*model), res.(result)
	return verdict(checkErr(nil, r.err, c.String()), checkList(expectedObservations(m, c.idx, observationFilters[c.f]), r, observationKey, c.String()))
}

func (c listObservationsCmd) String() string {
	return "ListObservations(" + fmtFilter(observationFilters[c.f]) + ")"
}

func batchOf(r *rand.Rand) []pair {
	b := make([]pair, r.Intn(5))
	for j := range b {
		b[j] = pair{r.Intn(nKeys), r.Intn(nVariants)}
	}
	return b
}

// storeCommands returns the commands of the model-based test.
func storeCommands(t *testing.T, newStore func(*testing.T) cx.Store) *commands.ProtoCommands {
	var gens []gopter.Gen
	var tables []any
	add := func(idx int, gs []gopter.Gen, empty any) {
		for len(tables) <= idx {
			tables = append(tables, nil)
		}
		tables[idx] = empty
		gens = append(gens, gs...)
	}
	add(0, orgGens(0), orgTable(nil))
	frameworks := newKind(frameworkEntity(), 1, func(f culture.Framework, i int) culture.Framework { f.ID = ids[i]; return f })
	add(1, kindGens(frameworks), map[string]culture.Framework{})
	indicators := newKind(indicatorEntity(), 2, func(in culture.Indicator, i int) culture.Indicator { in.ID = ids[i]; return in })
	add(2, kindGens(indicators), map[string]culture.Indicator{})
	initiatives := newKind(initiativeEntity(), modelInitiatives, func(in culture.Initiative, i int) culture.Initiative {
		in.ID = uuidOf("model initiative", i)
		return in
	})
	add(modelInitiatives, kindGens(initiatives), map[uuid.UUID]culture.Initiative{})
	// A survey's variants share a version, so that an update replaces
	// it; new versions are checked by the named cases.
	sameVersion := surveyEntity()
	sameVersion.change = func(s survey.Survey) survey.Survey {
		c := surveyChange(s)
		c.Version = s.Version
		return c
	}
	surveys := newKind(sameVersion, 4, func(s survey.Survey, i int) survey.Survey { s.ID = ids[i]; return s })
	add(4, kindGens(surveys), map[string]survey.Survey{})
	waves := newKind(waveEntity(), modelWaves, func(w survey.Wave, i int) survey.Wave { w.ID = ids[i]; return w })
	add(modelWaves, kindGens(waves), map[string]survey.Wave{})

	const resp, obs = modelResponses, modelObservations
	respGens := []gopter.Gen{
		cxgen.From(func(r *rand.Rand) commands.Command { return createResponsesCmd{resp, batchOf(r)} }),
		cxgen.From(func(r *rand.Rand) commands.Command { return createResponsesCmd{resp, batchOf(r)} }),
		cxgen.From(func(r *rand.Rand) commands.Command { return getResponseCmd{resp, r.Intn(nKeys)} }),
		cxgen.From(func(r *rand.Rand) commands.Command { return deleteResponseCmd{resp, r.Intn(nKeys)} }),
		cxgen.From(func(r *rand.Rand) commands.Command { return listResponsesCmd{resp, r.Intn(len(responseFilters))} }),
	}
	add(resp, respGens, responsesTable{})
	obsGens := []gopter.Gen{
		cxgen.From(func(r *rand.Rand) commands.Command { return createObservationsCmd{obs, batchOf(r)} }),
		cxgen.From(func(r *rand.Rand) commands.Command { return deleteObservationCmd{obs, r.Intn(nKeys)} }),
		cxgen.From(func(r *rand.Rand) commands.Command { return listObservationsCmd{obs, r.Intn(len(observationFilters))} }),
	}
	add(obs, obsGens, map[string]cx.Observation{})
	const recog = modelRecognitions
	add(recog, recognitionGens(recog), map[uuid.UUID]culture.Recognition{})

	return &commands.ProtoCommands{
		NewSystemUnderTestFunc: func(commands.State) commands.SystemUnderTest { return newStore(t) },
		// A sequence's store is released as soon as the sequence ends, so
		// that a long run (or the shrinking of a failure) does not hold
		// hundreds of open stores until the subtest ends.
		DestroySystemUnderTestFunc: func(sut commands.SystemUnderTest) {
			if c, ok := sut.(io.Closer); ok {
				if err := c.Close(); err != nil {
					t.Errorf("storetest: closing a store of the model-based test: %v", err)
				}
			}
		},
		InitialStateGen: cxgen.From(func(*rand.Rand) *model {
			return &model{tables: slices.Clone(tables)}
		}),
		GenCommandFunc: func(commands.State) gopter.Gen { return gen.OneGenOf(gens...) },
	}
}

// runModel runs the model-based test.
func runModel(t *testing.T, newStore func(*testing.T) cx.Store) {
	props := cxgen.NewProperties(t, 100)
	props.Parameters().MaxSize = 60 // commands per sequence, growing from 0
	props.Property("a store behaves like a map model under random command sequences", commands.Prop(storeCommands(t, newStore)))
	props.Run()
}
