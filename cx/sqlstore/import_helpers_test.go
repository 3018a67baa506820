package sqlstore_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/sqlstore"
	"github.com/cxculture/cxculture/survey"
)

// The set-up and checks the import tests share.

// stageInBatches stages copies of rs in a new import of survey surveyID,
// in batches of 1,024 as Program.ImportCSV does, and commits it.
func stageInBatches(t *testing.T, s *sqlstore.Store, surveyID string, rs []survey.Response, opts cx.ImportOptions) (cx.ImportOutcome, error) {
	t.Helper()
	ctx := t.Context()
	im, err := s.BeginImport(ctx, surveyID, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer im.Rollback()
	for lo := 0; lo < len(rs); lo += 1024 {
		batch := make([]survey.Response, 0, 1024)
		for _, r := range rs[lo:min(lo+1024, len(rs))] {
			batch = append(batch, r.Clone())
		}
		if err := im.Add(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	return im.Commit(ctx)
}

// importBatch returns the k-th batch of 1,024 responses to sv, each with
// one answer, their IDs made from name: the batches of one name are
// disjoint.
func importBatch(sv survey.Survey, name string, k int) []survey.Response {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	rs := make([]survey.Response, 1024)
	for i := range rs {
		n := k*1024 + i
		rs[i] = survey.Response{ID: uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "%s %d", name, n)), Survey: sv.ID,
			Wave: "w1", Unit: "team1", Respondent: fmt.Sprintf("p%d", n), Submitted: at.Add(time.Duration(n) * time.Second),
			Answers: map[string]int{sv.Items[0].ID: sv.Items[0].Scale.Min}}
	}
	return rs
}

// openWithSurvey returns a fresh store of backend b in which survey sv is
// defined.
func openWithSurvey(t *testing.T, b backend, sv survey.Survey) *sqlstore.Store {
	t.Helper()
	s := b.open(t)
	if err := s.CreateSurvey(t.Context(), sv); err != nil {
		t.Fatal(err)
	}
	return s
}

// openWithResponses returns a fresh store of backend b in which survey
// sv is defined and rs are stored by CreateResponses.
func openWithResponses(t *testing.T, b backend, sv survey.Survey, rs []survey.Response) *sqlstore.Store {
	t.Helper()
	s := openWithSurvey(t, b, sv)
	if _, err := s.CreateResponses(t.Context(), rs); err != nil {
		t.Fatal(err)
	}
	return s
}

// checkStoredAsStaged checks that every response of rs reads back from s
// as it was staged.
func checkStoredAsStaged(t *testing.T, s *sqlstore.Store, rs []survey.Response) {
	t.Helper()
	for i, r := range rs {
		got, err := s.GetResponse(t.Context(), r.ID)
		if err != nil || !got.Equal(r) {
			t.Fatalf("response %d: stored %+v (%v), staged %+v", i, got, err, r)
		}
	}
}

// checkTalliesAsCreated checks that the tallies of sv stored in s equal
// those of rs stored by CreateResponses, whose statements bind every
// value, in a fresh store of backend b.
func checkTalliesAsCreated(t *testing.T, b backend, s *sqlstore.Store, sv survey.Survey, rs []survey.Response) {
	t.Helper()
	f := cx.TallyFilter{Survey: sv.ID}
	want, err := openWithResponses(t, b, sv, rs).TallyResponses(t.Context(), f)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.TallyResponses(t.Context(), f)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equal(want) {
		t.Fatal("the tallies of the import differ from those of the same responses stored by CreateResponses")
	}
}
