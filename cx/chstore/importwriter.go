package chstore

import (
	"context"
	"errors"
	"sync"
)

// importWriter writes the rows of an import's batch to the shards on a
// goroutine of its own, a chunk of responses at a time, while the import
// stages and encodes the next chunk: reading and checking the input, and
// encoding it, overlap with the servers' work on the chunk before.
type importWriter struct {
	s      *Store
	ctx    context.Context
	batch  uint32
	groups map[uint32][]groupLayout
	jobs   chan []rec
	done   chan struct{}
	ended  bool

	mu  sync.Mutex
	err error // the first error
}

// newImportWriter starts the writer of batch b, whose responses have the
// reliability groups given by survey code; ctx is the import's (its end
// stops the writes).
func (s *Store) newImportWriter(ctx context.Context, b int64, groups map[uint32][]groupLayout) *importWriter {
	w := &importWriter{s: s, ctx: ctx, batch: uint32(b), groups: groups, jobs: make(chan []rec), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for recs := range w.jobs {
			if w.failed() == nil {
				if err := s.writeRecs(w.ctx, w.batch, 1, recs, w.groups); err != nil {
					w.fail(err)
				}
			}
		}
	}()
	return w
}

func (w *importWriter) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

func (w *importWriter) fail(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err == nil {
		w.err = err
	}
}

// send hands recs (with sign +1) to the writer; it waits while the writer
// writes the chunk before (nothing is queued: at most two chunks are held,
// the one written and the one sent), and returns the first error of the
// writes so far.
func (w *importWriter) send(ctx context.Context, recs []rec) error {
	if err := w.failed(); err != nil {
		return err
	}
	select {
	case w.jobs <- recs:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// finish writes what is queued: when it returns nil, every row sent is
// written.
func (w *importWriter) finish() error {
	w.stop()
	return w.failed()
}

var errAborted = errors.New("chstore: the import was abandoned")

// abort stops the writer, dropping what is queued.
func (w *importWriter) abort() {
	w.fail(errAborted)
	w.stop()
}

// stop waits for the writer to end.
func (w *importWriter) stop() {
	if !w.ended {
		w.ended = true
		close(w.jobs)
	}
	<-w.done
}
