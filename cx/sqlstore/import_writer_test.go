package sqlstore

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

// TestAsyncWriter checks the writer both imports run on: items reach run
// in the order added and wait returns once they are written; once run
// stops on an error, every later add returns that error without waiting
// (the queue is full by then) and wait returns it too; an add whose
// context is done returns the context's error rather than wait for room.
func TestAsyncWriter(t *testing.T) {
	var got []int
	w := startWriter(t.Context(), 2, func(_ context.Context, q <-chan int) error {
		for x := range q {
			got = append(got, x)
		}
		return nil
	})
	for i := range 10 {
		if err := w.add(t.Context(), i); err != nil {
			t.Fatalf("add(%d): %v", i, err)
		}
	}
	if err := w.wait(); err != nil || !slices.Equal(got, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
		t.Fatalf("wait: %v; written %v, want 0 to 9 in order", err, got)
	}

	stop := errors.New("the database refused a row")
	release := make(chan struct{})
	w = startWriter(t.Context(), 2, func(_ context.Context, q <-chan int) error {
		for x := range q {
			if x == 1 {
				<-release // holds the queue full until the test lets go
				return stop
			}
		}
		return nil
	})
	for i := range 4 { // 0 written, 1 held, 2 and 3 queued
		if err := w.add(t.Context(), i); err != nil {
			t.Fatalf("add(%d): %v", i, err)
		}
	}
	close(release)
	<-w.failed
	for i := 4; i < 8; i++ {
		if err := w.add(t.Context(), i); !errors.Is(err, stop) {
			t.Fatalf("add(%d) after the writer stopped: %v; want its error", i, err)
		}
	}
	if err := w.wait(); !errors.Is(err, stop) {
		t.Fatalf("wait after the writer stopped: %v; want its error", err)
	}

	// The caller's context bounds its wait for room in the queue.
	release = make(chan struct{})
	w = startWriter(t.Context(), 1, func(_ context.Context, q <-chan int) error {
		<-release // holds the queue full until the test lets go
		for range q {
		}
		return nil
	})
	if err := w.add(t.Context(), 0); err != nil { // queued: the queue is full
		t.Fatal(err)
	}
	// Cancelled while add waits (not before: add checks that first).
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(20*time.Millisecond, cancel)
	if err := w.add(ctx, 1); !errors.Is(err, context.Canceled) {
		t.Fatalf("add with its context done, the queue full: %v; want context.Canceled", err)
	}
	close(release)
	if err := w.wait(); err != nil {
		t.Fatalf("wait: %v", err)
	}
}
