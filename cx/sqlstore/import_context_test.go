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
			s := openWithSurvey(t, b, sv)
			im, err := s.BeginImport(t.Context(), sv.ID, cx.ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer im.Rollback()
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
			if n, err := s.CountResponses(t.Context(), survey.ResponseFilter{}); err != nil || n != 3*1024 {
				t.Fatalf("%d responses stored (%v), want %d", n, err, 3*1024)
			}
		})
		t.Run(b.name+"/BeginImport's context", func(t *testing.T) {
			s := openWithSurvey(t, b, sv)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			im, err := s.BeginImport(ctx, sv.ID, cx.ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
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
			if n, err := s.CountResponses(t.Context(), survey.ResponseFilter{}); err != nil || n != 0 {
				t.Fatalf("after a cancelled import %d responses are stored (%v)", n, err)
			}
		})
	}
}
