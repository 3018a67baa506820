package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/org"
	"github.com/cxculture/cxculture/survey"
)

const workers = 8

func concurrencyCases() []testCase {
	return []testCase{
		{"Concurrent/Mixed", "A store is safe for concurrent use: creates, gets, lists, updates, deletes and batches from several goroutines at once leave it as if they had run one after another (run the suite with -race)", concurrentMixed},
		{"Concurrent/IdenticalBatches", "Identical batches inserted at the same time by several goroutines add each response and observation exactly once, and none of them fails: the added counts sum to the batch size", concurrentIdentical},
		{"Concurrent/ConflictingBatches", "When several goroutines insert different responses under the same ID at the same time, exactly one batch is stored whole; every other fails with cx.ErrAlreadyExists and stores nothing", concurrentConflicting},
	}
}

func concurrentMixed(c *check) {
	const perWorker = 10
	addOf := func(g, j int) cx.OrgChange {
		return cx.OrgChange{Kind: org.Add, Unit: cx.Unit{ID: fmt.Sprintf("g%d_u%02d", g, j), Parent: "root", Name: "created"}}
	}
	renameOf := func(g, j int) cx.OrgChange {
		return cx.OrgChange{Kind: org.Rename, Effective: at(g, j), Unit: cx.Unit{ID: fmt.Sprintf("g%d_u%02d", g, j), Name: "renamed"}}
	}
	root := cx.OrgChange{Kind: org.Add, Unit: cx.Unit{ID: "root", Name: "Root"}}
	if _, err := c.s.RecordOrgChanges(c.ctx, []cx.OrgChange{root}); err != nil {
		c.fatalf("RecordOrgChanges of the root: %v", err)
	}
	responseOf := func(g, j int) survey.Response {
		return withID(response(j), uuidOf("concurrent response", g*100+j))
	}
	initiativeOf := func(g, j int) culture.Initiative {
		in := initiativeFixture(j % nFixtures)
		in.ID = uuidOf("concurrent initiative", g*100+j)
		return in
	}
	observationOf := func(g, j int) cx.Observation {
		o := observation(j)
		o.Unit = fmt.Sprintf("g%d", g)
		return o
	}
	ok := func(err error, op string) bool {
		if err != nil {
			c.failf("%s: unexpected error: %v", op, err)
			return false
		}
		return true
	}
	var wg sync.WaitGroup
	for g := range workers {
		wg.Go(func() {
			for j := range perWorker {
				if n, err := c.s.RecordOrgChanges(c.ctx, []cx.OrgChange{addOf(g, j)}); !ok(err, "RecordOrgChanges") || n != 1 {
					return
				}
				if got, err := c.s.ListOrgChanges(c.ctx); ok(err, "ListOrgChanges") && !slices.ContainsFunc(got, addOf(g, j).Equal) {
					c.failf("ListOrgChanges while other goroutines write: the unit %s just added is missing", addOf(g, j).Unit.ID)
				}
				_, err := c.s.RecordOrgChanges(c.ctx, []cx.OrgChange{renameOf(g, j)})
				ok(err, "RecordOrgChanges of a rename")
				if j%2 == 0 {
					ok(c.s.DeleteUnit(c.ctx, addOf(g, j).Unit.ID), "DeleteUnit")
				}

				n, err := c.s.CreateResponses(c.ctx, []survey.Response{responseOf(g, j)})
				if ok(err, "CreateResponses") && n != 1 {
					c.failf("CreateResponses of one new response: want added=1, got %d", n)
				}
				_, err = c.s.ListResponses(c.ctx, survey.ResponseFilter{Limit: 3, Offset: 1})
				ok(err, "ListResponses")
				_, err = c.s.CountResponses(c.ctx, survey.ResponseFilter{Survey: "pulse"})
				ok(err, "CountResponses")

				n, err = c.s.CreateObservations(c.ctx, []cx.Observation{observationOf(g, j)})
				if ok(err, "CreateObservations") && n != 1 {
					c.failf("CreateObservations of one new observation: want added=1, got %d", n)
				}
				_, err = c.s.ListObservations(c.ctx, cx.ObservationFilter{Units: []string{fmt.Sprintf("g%d", g)}})
				ok(err, "ListObservations")

				in := initiativeOf(g, j)
				if ok(c.s.CreateInitiative(c.ctx, in), "CreateInitiative") {
					ok(c.s.UpdateInitiative(c.ctx, initiativeChange(in)), "UpdateInitiative")
				}
				_, err = c.s.ListInitiatives(c.ctx, culture.InitiativeFilter{Status: culture.Stopped})
				ok(err, "ListInitiatives")
			}
		})
	}
	wg.Wait()
	if c.Failed() {
		return
	}

	changes := []cx.OrgChange{root}
	var rs []survey.Response
	var obs []cx.Observation
	var ins []culture.Initiative
	for g := range workers {
		for j := range perWorker {
			if j%2 == 1 {
				changes = append(changes, addOf(g, j), renameOf(g, j))
			}
			rs = append(rs, responseOf(g, j))
			obs = append(obs, observationOf(g, j))
			ins = append(ins, initiativeChange(initiativeOf(g, j)))
		}
	}
	got, err := c.s.ListOrgChanges(c.ctx)
	c.must(err, "ListOrgChanges")
	// Each goroutine's changes keep their order; the goroutines'
	// changes interleave.
	key := func(ch cx.OrgChange) string { return ch.Kind.String() + " " + ch.Unit.ID }
	listed(c, "ListOrgChanges after concurrent writes (sorted)", sorted(changes, func(a, b cx.OrgChange) int { return strings.Compare(key(a), key(b)) }),
		sorted(got, func(a, b cx.OrgChange) int { return strings.Compare(key(a), key(b)) }), key)
	for i, ch := range got {
		if ch.Kind == org.Rename && !slices.ContainsFunc(got[:i], func(x cx.OrgChange) bool { return x.Kind == org.Add && x.Unit.ID == ch.Unit.ID }) {
			c.failf("ListOrgChanges after concurrent writes: the rename of %s comes before its add", ch.Unit.ID)
		}
	}
	c.responsesAre(rs, "after concurrent writes")
	c.observationsAre(obs, "after concurrent writes")
	gotIns, err := c.s.ListInitiatives(c.ctx, culture.InitiativeFilter{})
	c.must(err, "ListInitiatives")
	listed(c, "ListInitiatives after concurrent writes", sorted(ins, compareInitiatives), gotIns, func(in culture.Initiative) uuid.UUID { return in.ID })
}

func concurrentIdentical(c *check) {
	rs := responses(0, 20)
	obs := observations(0, 20)
	var addedR, addedO atomic.Int64
	var wg sync.WaitGroup
	for g := range workers {
		wg.Go(func() {
			batch := rs
			if g%2 == 1 {
				batch = shuffled(rs)
			}
			n, err := c.s.CreateResponses(c.ctx, batch)
			if err != nil {
				c.failf("CreateResponses of a batch another goroutine inserts at the same time: unexpected error: %v", err)
			}
			addedR.Add(int64(n))
			n, err = c.s.CreateObservations(c.ctx, obs)
			if err != nil {
				c.failf("CreateObservations of a batch another goroutine inserts at the same time: unexpected error: %v", err)
			}
			addedO.Add(int64(n))
		})
	}
	wg.Wait()
	if n := addedR.Load(); n != int64(len(rs)) {
		c.failf("CreateResponses from %d goroutines: the added counts sum to %d, want %d", workers, n, len(rs))
	}
	if n := addedO.Load(); n != int64(len(obs)) {
		c.failf("CreateObservations from %d goroutines: the added counts sum to %d, want %d", workers, n, len(obs))
	}
	c.responsesAre(rs, "after concurrent identical batches")
	c.observationsAre(obs, "after concurrent identical batches")
}

func concurrentConflicting(c *check) {
	shared := response(0)
	variant := func(g int) survey.Response {
		r := shared.Clone()
		r.Comment = fmt.Sprintf("variant %d", g)
		return r
	}
	own := func(g int) survey.Response { return withID(response(g+1), uuidOf("conflict own", g)) }
	errs := make([]error, workers)
	added := make([]int, workers)
	var wg sync.WaitGroup
	for g := range workers {
		wg.Go(func() {
			added[g], errs[g] = c.s.CreateResponses(c.ctx, []survey.Response{own(g), variant(g)})
		})
	}
	wg.Wait()
	winner := -1
	for g, err := range errs {
		switch {
		case err == nil:
			if winner >= 0 {
				c.failf("CreateResponses: batches %d and %d both succeeded with different responses under ID %s", winner, g, shared.ID)
			}
			winner = g
			if added[g] != 2 {
				c.failf("CreateResponses: the batch that won: want added=2, got %d", added[g])
			}
		case errors.Is(err, cx.ErrAlreadyExists):
			if added[g] != 0 {
				c.failf("CreateResponses: a refused batch: want added=0, got %d", added[g])
			}
		default:
			c.failf("CreateResponses: want nil or an error satisfying errors.Is(err, cx.ErrAlreadyExists), got %v", err)
		}
	}
	if winner < 0 {
		c.fatalf("CreateResponses: every one of %d conflicting batches failed; one must succeed", workers)
	}
	c.responsesAre([]survey.Response{own(winner), variant(winner)}, "after conflicting batches")
}
