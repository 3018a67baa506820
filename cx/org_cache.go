package cx

import (
	"slices"
	"sync"

	"github.com/cxculture/cxculture/cx/org"
)

// orgCache keeps the last org history a program replayed, with the
// changes it was replayed from. Replaying a history builds the org at
// every effective date, which grows with the units times the dates; a
// program reads the org several times per scorecard, cut or view, so it
// replays the stored changes only when they differ from the last ones.
// The store is read on every call (another process may have recorded a
// change), and comparing the changes read with the cached ones costs one
// pass over them. A History is never modified once built, so the cached
// one is shared by every caller.
type orgCache struct {
	mu      sync.Mutex
	changes []OrgChange
	hist    *org.History
}

// get returns the cached history when it was replayed from changes. The
// cached changes and history are replaced, never modified, so they are
// compared outside the lock: readers at once do not wait for each other.
func (c *orgCache) get(changes []OrgChange) *org.History {
	c.mu.Lock()
	cached, h := c.changes, c.hist
	c.mu.Unlock()
	if h == nil || !slices.EqualFunc(cached, changes, OrgChange.Equal) {
		return nil
	}
	return h
}

// put caches the history replayed from changes, which the cache keeps
// (callers do not modify them afterwards).
func (c *orgCache) put(changes []OrgChange, h *org.History) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.changes, c.hist = changes, h
}
