package sqlstore

import "context"

// asyncWriter runs the writing of an import on a goroutine of its own,
// fed through a queue, while Add prepares the next items: the database
// does not wait for the process between batches. Both stores' imports
// use it, the SQLite INSERTs and the PostgreSQL COPY segments.
//
// The goroutine runs run(ctx, queue) until run returns: run reads the
// queue until it is closed (by wait), and returns the first error that
// stops the writing. After an error, add returns it at once, and what is
// still queued or added is dropped.
type asyncWriter[T any] struct {
	queue chan T
	// failed is closed when run has returned an error, err; done when the
	// goroutine has ended. err is read only once one of them is closed.
	failed chan struct{}
	done   chan struct{}
	err    error
}

// startWriter starts run on a goroutine of its own, under ctx, with a
// queue of n items beside the one it works on.
func startWriter[T any](ctx context.Context, n int, run func(context.Context, <-chan T) error) *asyncWriter[T] {
	w := &asyncWriter[T]{queue: make(chan T, n), failed: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		if w.err = run(ctx, w.queue); w.err != nil {
			close(w.failed) // add returns the error from now on
			for range w.queue {
			}
		}
	}()
	return w
}

// add queues an item. It returns the writer's error if it has stopped,
// without waiting for room in the queue, and the error of ctx (the
// caller's, which bounds the wait for room) if ctx is done first.
func (w *asyncWriter[T]) add(ctx context.Context, item T) error {
	select {
	case <-w.failed:
		return w.err
	default:
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case w.queue <- item:
		return nil
	case <-w.failed:
		return w.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// wait ends the writing, once the queued items are written, and returns
// its error. It is called once.
func (w *asyncWriter[T]) wait() error {
	close(w.queue)
	<-w.done
	return w.err
}
