package storetest

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/survey"
)

// Capabilities are promises of the suite that some stores cannot keep
// (the capability flags of go-cloud's drivertest). A store claims, in its
// [Harness], the ones it keeps; the suite runs the cases of every claimed
// capability and skips the others, naming the capability, so that the
// difference is written down where the store's tests run. A store that
// claims a capability it lacks fails its case. memstore and the SQL
// stores claim all of them ([AllCapabilities]); the ClickHouse store
// (cx/chstore), whose responses and catalog live in two databases with no
// transaction spanning both, claims none.
//
// Whatever a store claims, the suite checks the weaker promise every
// store keeps: each final state is that of some order of the writes.
type Capabilities struct {
	// AtomicReferenceChecks: DeleteUnit, DeleteSurvey, DeleteWave and
	// UpdateWave check that no stored response refers to what they
	// delete or change in one transaction with the write itself, and
	// response writes through any handle wait for that transaction (or
	// it for them). So once a reader has seen a response stored while
	// the survey it answers still existed, deleting that survey is
	// refused.
	//
	// A store whose responses and catalog are in two databases checks
	// the responses, then writes the catalog: a response stored through
	// another handle in between is stored beside a deletion that went
	// through. The final state is still that of an order of the two
	// writes (stores do not check references when responses are
	// written: the response may have been stored after the deletion),
	// but a reader may have seen the response and its survey together
	// before the deletion succeeded.
	AtomicReferenceChecks bool
	// SerializedImports: an import staged through one handle while
	// another handle stages one waits for it (at BeginImport or at its
	// first write), so that two imports of the same responses at once
	// both commit: one adds them, the other finds them unchanged.
	//
	// A store that detects conflicting writes when they commit, instead
	// of making writers wait, fails the import that commits second,
	// storing nothing of it, with an error asking to run it again; run
	// again, it finds the responses unchanged.
	SerializedImports bool
}

// AllCapabilities claims every capability.
var AllCapabilities = Capabilities{AtomicReferenceChecks: true, SerializedImports: true}

// capabilityCase is a case that runs only for a store claiming a
// capability, and checks the weaker promise for the others.
type capabilityCase struct {
	name, explanation string
	claimed           func(Capabilities) bool
	weak              string // the rule checked when the capability is not claimed
	f                 func(c *check, other cx.Store, claimed bool)
}

func capabilityCases() []capabilityCase {
	return []capabilityCase{
		{name: "AtomicReferenceChecks",
			explanation: "DeleteSurvey checks that no stored response answers the survey in one step with the deletion, for response writes through any handle: a reader that saw a response stored while its survey existed sees the deletion refused",
			weak:        "DeleteSurvey and a response write through another handle at once end in the state of some order of the two: the deletion went through or was refused with cx.ErrInvalid, and the response is stored",
			claimed:     func(c Capabilities) bool { return c.AtomicReferenceChecks },
			f:           referenceRace},
		{name: "SerializedImports",
			explanation: "Two imports of the same responses staged at once through two handles both commit: one adds them, the other finds them unchanged",
			weak:        "Two imports of the same responses staged at once through two handles store each response once: each commits, or fails storing nothing and, run again, finds the responses unchanged",
			claimed:     func(c Capabilities) bool { return c.SerializedImports },
			f:           concurrentImports},
	}
}

// runCapabilities runs the case of each capability, named
// Capabilities/NAME: for a claimed one its rule, otherwise a skip that
// says what the store does instead, and then the weaker rule, named
// Capabilities/Unclaimed/NAME. Without Reopen, the second handle is the
// store itself.
func runCapabilities(t *testing.T, h Harness) {
	t.Helper()
	for _, cc := range capabilityCases() {
		claimed := cc.claimed(h.Capabilities)
		run := func(name, rule string) {
			t.Run(name, func(t *testing.T) {
				c := &check{T: t, ctx: t.Context(), s: h.NewStore(t), rule: rule}
				other := c.s
				if h.Reopen != nil {
					other = h.Reopen(t, c.s)
				}
				cc.f(c, other, claimed)
			})
		}
		if claimed {
			run("Capabilities/"+cc.name, cc.explanation)
			continue
		}
		t.Run("Capabilities/"+cc.name, func(t *testing.T) {
			t.Skipf("the store does not claim storetest.Capabilities.%s; it keeps the weaker rule (Capabilities/Unclaimed/%s): %s", cc.name, cc.name, cc.weak)
		})
		run("Capabilities/Unclaimed/"+cc.name, cc.weak)
	}
}

// referenceRace deletes a survey through the case's store while another
// handle stores a response to it, and a reader on the other handle
// watches for the response and the survey stored together.
func referenceRace(c *check, other cx.Store, strict bool) {
	const rounds = 6
	for round := range rounds {
		sv := surveyFixture(0)
		sv.ID = fmt.Sprintf("race%d", round)
		c.must(c.s.CreateSurvey(c.ctx, sv), "CreateSurvey")
		// A response to the survey comes and goes first: the survey
		// has had responses, none of which is stored.
		gone := withID(response(2*round+1), uuidOf("reference race, deleted", round))
		gone.Survey = sv.ID
		if _, err := other.CreateResponses(c.ctx, []survey.Response{gone}); err != nil {
			c.fatalf("CreateResponses: %v", err)
		}
		c.must(other.DeleteResponse(c.ctx, gone.ID), "DeleteResponse")
		r := withID(response(2*round), uuidOf("reference race", round))
		r.Survey = sv.ID
		var delErr, createErr, readErr error
		var sawBoth atomic.Bool
		done := make(chan struct{})
		var writers, reader sync.WaitGroup
		writers.Go(func() { _, createErr = other.CreateResponses(c.ctx, []survey.Response{r}) })
		writers.Go(func() { delErr = c.s.DeleteSurvey(c.ctx, sv.ID) })
		reader.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				_, err := other.GetResponse(c.ctx, r.ID)
				if errors.Is(err, cx.ErrNotFound) {
					time.Sleep(100 * time.Microsecond)
					continue
				}
				if err != nil {
					readErr = fmt.Errorf("GetResponse: %w", err)
					return
				}
				// The response is stored (for good: nothing deletes it).
				switch _, err := other.GetSurvey(c.ctx, sv.ID); {
				case err == nil:
					sawBoth.Store(true)
				case !errors.Is(err, cx.ErrNotFound):
					readErr = fmt.Errorf("GetSurvey: %w", err)
				}
				return
			}
		})
		writers.Wait()
		close(done)
		reader.Wait()
		c.must(createErr, "CreateResponses through the second handle")
		c.must(readErr, "the reader on the second handle")
		if delErr != nil && !c.wantErr(delErr, cx.ErrInvalid, fmt.Sprintf("round %d: DeleteSurvey(%s)", round, sv.ID)) {
			continue
		}
		if strict && delErr == nil && sawBoth.Load() {
			c.fatalf("round %d: a reader saw response %s stored while survey %s existed, and DeleteSurvey then succeeded", round, r.ID, sv.ID)
		}
		_, err := c.s.GetSurvey(c.ctx, sv.ID)
		switch {
		case delErr == nil && !errors.Is(err, cx.ErrNotFound):
			c.failf("round %d: DeleteSurvey(%s) succeeded, but GetSurvey then returns %v", round, sv.ID, err)
		case delErr != nil && err != nil:
			c.failf("round %d: DeleteSurvey(%s) was refused, but GetSurvey then fails: %v", round, sv.ID, err)
		}
		got, err := c.s.GetResponse(c.ctx, r.ID)
		c.must(err, fmt.Sprintf("round %d: GetResponse of the response written through the second handle", round))
		c.equal(r, got, "the response written through the second handle")
	}
}

// concurrentImports stages the same responses through two handles at
// once: the first handle's import stages them, then waits (up to half a
// second) for the second's to begin before it commits; the second stages
// and commits after that.
func concurrentImports(c *check, other cx.Store, strict bool) {
	is1, ok1 := c.s.(cx.ImportStore)
	is2, ok2 := other.(cx.ImportStore)
	if !ok1 || !ok2 {
		c.Skip("the store does not implement cx.ImportStore")
	}
	c.must(c.s.CreateSurvey(c.ctx, importSurvey()), "CreateSurvey")
	rs := pulse(0, 60)
	stores := [2]cx.ImportStore{is1, is2}
	var outs [2]cx.ImportOutcome
	var errs [2]error
	importOnce := func(h int, staged func()) {
		im, err := stores[h].BeginImport(c.ctx, "pulse", cx.ImportOptions{})
		if err != nil {
			errs[h] = fmt.Errorf("BeginImport: %w", err)
			staged()
			return
		}
		defer func() { _ = im.Rollback() }()
		if h == 1 {
			staged()
		}
		if err := im.Add(c.ctx, shuffled(rs)); err != nil {
			errs[h] = fmt.Errorf("the import's Add: %w", err)
			if h == 0 {
				staged()
			}
			return
		}
		if h == 0 {
			staged()
		}
		outs[h], errs[h] = im.Commit(c.ctx)
	}
	first, second := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		importOnce(0, func() {
			close(first)
			// A store whose imports wait for each other blocks the
			// second import until this one ends: wait a little only.
			select {
			case <-second:
			case <-time.After(500 * time.Millisecond):
			}
		})
	})
	wg.Go(func() {
		<-first
		importOnce(1, func() { close(second) })
	})
	wg.Wait()
	added := 0
	for h, err := range errs {
		switch {
		case err == nil:
			added += outs[h].Added
			if outs[h].Added+outs[h].Unchanged != len(rs) {
				c.failf("the import through handle %d: %d added and %d unchanged of %d staged responses", h+1, outs[h].Added, outs[h].Unchanged, len(rs))
			}
		case strict:
			c.failf("the import through handle %d failed: %v", h+1, err)
		case errs[1-h] != nil:
			c.failf("both imports failed: %v; %v", errs[0], errs[1])
		default:
			// The import that failed runs again and finds them stored.
			im, err := stores[h].BeginImport(c.ctx, "pulse", cx.ImportOptions{})
			c.must(err, "BeginImport of the import run again")
			c.must(im.Add(c.ctx, rs), "Add of the import run again")
			out, err := im.Commit(c.ctx)
			c.must(err, "Commit of the import run again")
			if out.Added != 0 || out.Unchanged != len(rs) {
				c.failf("the import run again through handle %d: want %d unchanged and none added, got %d unchanged and %d added", h+1, len(rs), out.Unchanged, out.Added)
			}
		}
	}
	if added != len(rs) {
		c.failf("the imports that committed added %d responses in all; %d were staged", added, len(rs))
	}
	c.responsesAre(rs, "after the two imports")
	c.talliesMatch("after the two imports")
}
