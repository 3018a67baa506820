package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/sqlstore"
	"github.com/cxculture/cxculture/survey"
)

// TestImportStoresEveryKindOfRow stages, through cx.ImportStore, plain
// responses (no comment, segments or free-text answers, answers that fit
// the survey) in full statements and in partial ones, with among them
// responses that have a comment, segments, free-text answers, or answers
// kept as JSON (an empty map, which a code cannot tell from none), alone in a statement or mixed
// with plain ones; every response must read back as staged, and the
// tallies must equal those of the same responses stored by
// CreateResponses.
func TestImportStoresEveryKindOfRow(t *testing.T) {
	sv := survey.CulturePulse()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var rs []survey.Response
	for i := range 2600 {
		r := survey.Response{ID: uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "shape %d", i)), Survey: sv.ID,
			Wave: fmt.Sprintf("w%d", 1+i%2), Unit: fmt.Sprintf("team%d", i%4), Respondent: fmt.Sprintf("p%d", i%700),
			Submitted: at.Add(time.Duration(i) * time.Minute), Answers: map[string]int{}}
		for k, it := range sv.Items {
			if (i+k)%7 != 0 {
				r.Answers[it.ID] = it.Scale.Min + (i+3*k)%it.Scale.Points()
			}
		}
		// Statements of 512 rows: the first two are plain; each kind of
		// row then appears alone in one statement, and all together in
		// another; the last rows make a partial statement.
		switch {
		case i == 1100 || i == 2100 || i == 2590:
			r.Comment = fmt.Sprintf("comment %d, with 'quotes'", i)
		case i == 1300 || i == 2101:
			r.Segments = map[string]string{"tenure": "veteran"}
		case i == 1700 || i == 2102:
			r.Texts = map[string]string{"comments": fmt.Sprintf("text %d", i)}
		case i == 1900 || i == 2103 || i == 2591:
			r.Answers = map[string]int{} // not a code: an empty map
		case i >= 1024 && i%250 == 0:
			r.Answers = nil
			r.Comment = "only a comment"
		}
		rs = append(rs, r)
	}
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			s := openWithSurvey(t, b, sv)
			out, err := stageInBatches(t, s, sv.ID, rs, cx.ImportOptions{})
			if err != nil || out.Added != len(rs) {
				t.Fatalf("Commit: %+v, %v; want %d added", out, err, len(rs))
			}
			checkStoredAsStaged(t, s, rs)
			checkTalliesAsCreated(t, b, s, sv, rs)
		})
	}
}

// TestImportSegmentsMeetStoredResponses imports, in batches of 1,024
// responses and COPY segments of 2,048 rows on PostgreSQL (statements of
// 512 rows on SQLite), 2,600 responses of which the 1,101st is stored
// identically and the 1,102nd stored with other content, in the second
// batch of the first segment: without Replace nothing is stored
// and the conflict is named; with it, the stored response is replaced,
// the identical one is unchanged, and every other response is added and
// reads back as staged.
func TestImportSegmentsMeetStoredResponses(t *testing.T) {
	defer sqlstore.SetCopySegment(2048)()
	ctx := t.Context()
	sv := survey.CulturePulse()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	response := func(i int) survey.Response {
		r := survey.Response{ID: uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "segment %d", i)), Survey: sv.ID,
			Wave: "w1", Unit: fmt.Sprintf("team%d", i%4), Respondent: fmt.Sprintf("p%d", i),
			Submitted: at.Add(time.Duration(i) * time.Second), Answers: map[string]int{}}
		for k, it := range sv.Items {
			r.Answers[it.ID] = it.Scale.Min + (i+k)%it.Scale.Points()
		}
		return r
	}
	stored := []survey.Response{response(-1), response(-2)}
	changed := stored[1].Clone()
	changed.Comment = "corrected"
	var rs []survey.Response
	for i := range 2600 {
		switch i {
		case 1100:
			rs = append(rs, stored[0])
		case 1101:
			rs = append(rs, changed)
		default:
			rs = append(rs, response(i))
		}
	}
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			s := openWithResponses(t, b, sv, stored)
			out, err := stageInBatches(t, s, sv.ID, rs, cx.ImportOptions{})
			if !errors.Is(err, cx.ErrAlreadyExists) || len(out.Conflicts) != 1 || out.Conflicts[0] != changed.ID {
				t.Fatalf("without Replace: %+v, %v; want the conflict of %s", out, err, changed.ID)
			}
			if all, err := s.ListResponses(ctx, survey.ResponseFilter{}); err != nil || len(all) != 2 {
				t.Fatalf("after a refused import: %d responses stored (%v); want the 2 stored before", len(all), err)
			}
			out, err = stageInBatches(t, s, sv.ID, rs, cx.ImportOptions{Replace: true})
			if err != nil || out.Added != 2598 || out.Unchanged != 1 || len(out.Replaced) != 1 || out.Replaced[0] != changed.ID {
				t.Fatalf("with Replace: %+v, %v; want 2,598 added, 1 unchanged, %s replaced", out, err, changed.ID)
			}
			checkStoredAsStaged(t, s, rs)
		})
	}
}

// TestImportReplacesEveryField replaces, with ImportOptions.Replace,
// stored responses that each differ from the staged one in one field
// only (free-text answers changed, added or removed, segments, comment,
// answers kept as JSON rather than as a code, respondent a pseudonym or
// not, time, unit): every replaced response must read back as staged,
// an identical one stays unchanged, and the tallies must equal those of
// the staged responses stored by CreateResponses.
func TestImportReplacesEveryField(t *testing.T) {
	sv := survey.CulturePulse()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	pseudonym := "p1:" + strings.Repeat("0123456789abcdef", 4)
	base := func(i int) survey.Response {
		r := survey.Response{ID: uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "replace %d", i)), Survey: sv.ID,
			Wave: "w1", Unit: "team1", Respondent: fmt.Sprintf("p%d", i), Submitted: at.Add(time.Duration(i) * time.Minute),
			Answers: map[string]int{}}
		for k, it := range sv.Items {
			r.Answers[it.ID] = it.Scale.Min + (i+k)%it.Scale.Points()
		}
		return r
	}
	changes := []func(old, staged *survey.Response){
		func(old, staged *survey.Response) {
			old.Texts = map[string]string{"comments": "before"}
			staged.Texts = map[string]string{"comments": "after"}
		},
		func(old, staged *survey.Response) { staged.Texts = map[string]string{"comments": "added"} },
		func(old, staged *survey.Response) { old.Texts = map[string]string{"comments": "removed"} },
		func(old, staged *survey.Response) { staged.Segments = map[string]string{"tenure": "veteran"} },
		func(old, staged *survey.Response) { old.Comment = "removed" },
		func(old, staged *survey.Response) { staged.Answers = map[string]int{} },
		func(old, staged *survey.Response) { staged.Respondent = pseudonym },
		func(old, staged *survey.Response) { old.Respondent = pseudonym },
		func(old, staged *survey.Response) { staged.Submitted = staged.Submitted.Add(time.Second) },
		func(old, staged *survey.Response) { staged.Unit = "team2" },
		func(old, staged *survey.Response) {}, // identical
	}
	var olds, staged []survey.Response
	for i, change := range changes {
		o, s := base(i), base(i)
		change(&o, &s)
		olds, staged = append(olds, o), append(staged, s)
	}
	for i := range 600 { // responses added beside them, in the same statements
		staged = append(staged, base(100+i))
	}
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			s := openWithResponses(t, b, sv, olds)
			out, err := stageInBatches(t, s, sv.ID, staged, cx.ImportOptions{Replace: true})
			if err != nil || out.Added != 600 || out.Unchanged != 1 || len(out.Replaced) != len(changes)-1 {
				t.Fatalf("Commit: %+v, %v; want 600 added, 1 unchanged, %d replaced", out, err, len(changes)-1)
			}
			checkStoredAsStaged(t, s, staged)
			checkTalliesAsCreated(t, b, s, sv, staged)
		})
	}
}

// TestImportCancelledStops cancels the context of an import after its
// first batch and stages twenty more: every call must return (the import
// fails, it does not wait for ever), Add or Commit must report the
// failure, and nothing is stored.
func TestImportCancelledStops(t *testing.T) {
	sv := survey.CulturePulse()
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			s := openWithSurvey(t, b, sv)
			ctx, cancel := context.WithCancel(t.Context())
			im, err := s.BeginImport(ctx, sv.ID, cx.ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() {
				errs := []error{im.Add(ctx, importBatch(sv, "cancel", 0))}
				cancel()
				for k := 1; k <= 20; k++ {
					errs = append(errs, im.Add(ctx, importBatch(sv, "cancel", k)))
				}
				_, err := im.Commit(ctx)
				errs = append(errs, err, im.Rollback())
				done <- errors.Join(errs...)
			}()
			select {
			case err := <-done:
				if err == nil {
					t.Fatal("an import whose context was cancelled reported no error")
				}
			case <-time.After(2 * time.Minute):
				t.Fatal("an import whose context was cancelled did not return")
			}
			if n, err := s.CountResponses(t.Context(), survey.ResponseFilter{}); err != nil || n != 0 {
				t.Fatalf("after a cancelled import %d responses are stored (%v)", n, err)
			}
		})
	}
}
