package storetest

import (
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/survey"
)

// Harness describes a store to [RunHarness]: how to make one and how to
// open a second handle on the same data, as another process would (the
// shape of go-cloud's drivertest harnesses).
type Harness struct {
	// NewStore returns a fresh, empty store, as for [Run].
	NewStore func(t *testing.T) cx.Store
	// Reopen returns another handle on the data of s that shares nothing
	// with s in the process (a new connection pool, its own locks), as
	// another process would open. Nil when the store cannot be reopened
	// (in memory): the cases that need two handles are skipped.
	Reopen func(t *testing.T, s cx.Store) cx.Store
	// Capabilities are the promises the store claims to keep among those
	// some stores cannot (see [Capabilities]); the zero value claims none.
	Capabilities Capabilities
}

// RunHarness runs the conformance suite on the store h describes: the
// cases of [Run], then the cases that write through two handles at once,
// then those of the capabilities h claims (and the weaker rules of those
// it does not). A store whose writes are serialized within the process
// only (by a mutex) passes Run and fails the cases of two handles: they
// check that the store detects or prevents conflicting writes made
// through another handle.
func RunHarness(t *testing.T, h Harness) {
	t.Helper()
	Run(t, h.NewStore)
	for _, tc := range handleCases() {
		t.Run(tc.name, func(t *testing.T) {
			if h.Reopen == nil {
				t.Skip("the harness cannot open a second handle on a store (Harness.Reopen is nil)")
			}
			s := h.NewStore(t)
			tc.f(&check{T: t, ctx: t.Context(), s: s, rule: tc.explanation}, h.Reopen(t, s))
		})
	}
	runCapabilities(t, h)
}

// handleCase is a case that writes through two handles.
type handleCase struct {
	name, explanation string
	f                 func(c *check, other cx.Store)
}

func handleCases() []handleCase {
	const n = 40
	return []handleCase{
		{"Handles/IdenticalBatches", "Identical batches written at once through two handles store each response once: the added counts sum to the batch's size", func(c *check, other cx.Store) {
			for round := range 3 {
				rs := responses(round*n, (round+1)*n)
				var added [2]int
				var errs [2]error
				var wg sync.WaitGroup
				for h, s := range []cx.Store{c.s, other} {
					wg.Go(func() { added[h], errs[h] = s.CreateResponses(c.ctx, shuffled(rs)) })
				}
				wg.Wait()
				for h, err := range errs {
					c.must(err, []string{"CreateResponses through the first handle", "CreateResponses through the second handle"}[h])
				}
				if added[0]+added[1] != len(rs) {
					c.failf("round %d: the two handles added %d and %d responses of a batch of %d", round, added[0], added[1], len(rs))
				}
			}
			c.responsesAre(responses(0, 3*n), "after the rounds")
			for _, s := range []cx.Store{c.s, other} {
				got, err := s.ListResponses(c.ctx, survey.ResponseFilter{})
				c.must(err, "ListResponses")
				if len(got) != 3*n {
					c.failf("ListResponses through each handle: want %d responses, got %d", 3*n, len(got))
				}
			}
		}},
		{"Handles/ConflictingBatches", "Batches that give different content to the same IDs, written at once through two handles: at most one is stored, whole, and the other fails with cx.ErrAlreadyExists", func(c *check, other cx.Store) {
			for round := range 3 {
				a := responses(round*n, (round+1)*n)
				b := slices.Clone(a)
				for i := range b {
					b[i] = responseChange(b[i])
				}
				var errs [2]error
				var wg sync.WaitGroup
				wg.Go(func() { _, errs[0] = c.s.CreateResponses(c.ctx, a) })
				wg.Go(func() { _, errs[1] = other.CreateResponses(c.ctx, b) })
				wg.Wait()
				ok := 0
				for h, err := range errs {
					switch {
					case err == nil:
						ok++
					case !errors.Is(err, cx.ErrAlreadyExists):
						c.failf("round %d, handle %d: want nil or cx.ErrAlreadyExists, got %v", round, h+1, err)
					}
				}
				if ok != 1 {
					c.failf("round %d: want exactly one batch stored, got %d", round, ok)
					continue
				}
				want := a
				if errs[0] != nil {
					want = b
				}
				for _, r := range want {
					g, err := other.GetResponse(c.ctx, r.ID)
					if err != nil {
						c.failf("round %d: GetResponse(%s): %v", round, r.ID, err)
						continue
					}
					c.equal(r, g, "a response of the batch stored")
				}
			}
		}},
	}
}
