package sqlstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/sqlstore"
	"github.com/cxculture/cxculture/survey"
)

// TestImportRunsUnderBeginImportContext checks that an import's writing
// runs under the context given to BeginImport, in both stores: a context
// given to an Add and cancelled once that Add has returned leaves the
// import whole (its rows and those of later Adds are stored at Commit);
// an Add whose context is done fails with its error, and Commit then
// stores nothing;
// the context of BeginImport cancelled between two Adds makes the next
// Add and Commit fail with an error satisfying errors.Is with
// context.Canceled, and nothing is stored.
func TestImportRunsUnderBeginImportContext(t *testing.T) {
	// One COPY segment per batch on PostgreSQL: each batch starts a
	// statement of its own on the copier, as each does on the SQLite
	// writer.
	defer sqlstore.SetCopySegment(1024)()
	sv := survey.CulturePulse()
	for _, b := range backends() {
		t.Run(b.name+"/Add's context", func(t *testing.T) {
			s, im := beginImport(t, b, sv, t.Context())
			addCtx, cancel := context.WithCancel(t.Context())
			if err := im.Add(addCtx, importBatch(sv, "context", 0)); err != nil {
				t.Fatal(err)
			}
			cancel()
			for k := 1; k <= 2; k++ {
				if err := im.Add(t.Context(), importBatch(sv, "context", k)); err != nil {
					t.Fatalf("Add of batch %d, after the first Add's context was cancelled: %v", k, err)
				}
			}
			out, err := im.Commit(t.Context())
			if err != nil || out.Added != 3*1024 {
				t.Fatalf("Commit: %+v, %v; want %d added", out, err, 3*1024)
			}
			checkCount(t, s, 3*1024)
		})
		t.Run(b.name+"/Add's context done", func(t *testing.T) {
			s, im := beginImport(t, b, sv, t.Context())
			if err := im.Add(t.Context(), importBatch(sv, "context", 0)); err != nil {
				t.Fatal(err)
			}
			addCtx, cancel := context.WithCancel(t.Context())
			cancel()
			if err := im.Add(addCtx, importBatch(sv, "context", 1)); !errors.Is(err, context.Canceled) {
				t.Fatalf("Add with its context done: %v; want an error satisfying errors.Is(err, context.Canceled)", err)
			}
			out, err := im.Commit(t.Context())
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Commit after an Add failed: %+v, %v; want that Add's error", out, err)
			}
			checkCount(t, s, 0)
		})
		t.Run(b.name+"/BeginImport's context", func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			s, im := beginImport(t, b, sv, ctx)
			if err := im.Add(t.Context(), importBatch(sv, "context", 0)); err != nil {
				t.Fatal(err)
			}
			cancel()
			if err := im.Add(t.Context(), importBatch(sv, "context", 1)); !errors.Is(err, context.Canceled) {
				t.Fatalf("Add after BeginImport's context was cancelled: %v; want an error satisfying errors.Is(err, context.Canceled)", err)
			}
			out, err := im.Commit(t.Context())
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Commit after BeginImport's context was cancelled: %+v, %v; want an error satisfying errors.Is(err, context.Canceled)", out, err)
			}
			if err := im.Rollback(); err != nil {
				t.Fatalf("Rollback after Commit failed: %v", err)
			}
			checkCount(t, s, 0)
		})
	}
}

// beginImport begins an import of sv under ctx in a fresh store of
// backend b that defines sv; the import is rolled back at the end of the
// test (a no-op once it has ended).
func beginImport(t *testing.T, b backend, sv survey.Survey, ctx context.Context) (*sqlstore.Store, cx.StagedImport) {
	t.Helper()
	s := openWithSurvey(t, b, sv)
	im, err := s.BeginImport(ctx, sv.ID, cx.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = im.Rollback() })
	return s, im
}

// checkCount checks that s stores n responses.
func checkCount(t *testing.T, s *sqlstore.Store, n int) {
	t.Helper()
	if got, err := s.CountResponses(t.Context(), survey.ResponseFilter{}); err != nil || got != n {
		t.Fatalf("%d responses stored (%v), want %d", got, err, n)
	}
}
