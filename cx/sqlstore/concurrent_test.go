package sqlstore_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/survey"
)

// batchOf returns batch i of an ingest: n responses to sv in wave w from
// unit "batch<i>", so that a batch can be counted on its own.
func batchOf(sv survey.Survey, wave string, i, n int) []survey.Response {
	unit := fmt.Sprintf("batch%05d", i)
	out := make([]survey.Response, n)
	for j := range out {
		r := survey.Response{ID: uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "%s/%d", unit, j)), Survey: sv.ID, Wave: wave, Unit: unit,
			Submitted: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i*n+j) * time.Second), Answers: map[string]int{}}
		for k, it := range sv.Items {
			if (i+j+k)%9 != 0 {
				r.Answers[it.ID] = it.Scale.Min + (i+j*k)%it.Scale.Points()
			}
		}
		if j%5 == 0 {
			r.Comment = "noted"
		}
		out[j] = r
	}
	return out
}

// TestReadersWhileWriting checks that reads run, and see whole batches
// only, while a writer ingests: counts, lists, gets and tallies from
// several goroutines during a stream of batches.
func TestReadersWhileWriting(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			ctx := t.Context()
			s := b.open(t)
			sv := survey.CulturePulse()
			if err := s.CreateSurvey(ctx, sv); err != nil {
				t.Fatal(err)
			}
			const batches, size = 30, 200
			done := make(chan struct{})
			var reads atomic.Int64
			var wg sync.WaitGroup
			for g := range 3 {
				wg.Go(func() {
					for {
						select {
						case <-done:
							return
						default:
						}
						switch g {
						case 0:
							n, err := s.CountResponses(ctx, survey.ResponseFilter{Survey: sv.ID})
							if err != nil {
								t.Errorf("CountResponses during ingest: %v", err)
								return
							}
							if n%size != 0 {
								t.Errorf("CountResponses during ingest: %d is not a whole number of batches of %d", n, size)
							}
						case 1:
							tl, err := s.TallyResponses(ctx, cx.TallyFilter{Survey: sv.ID})
							if err != nil {
								t.Errorf("TallyResponses during ingest: %v", err)
								return
							}
							for grp, n := range tl.Respondents {
								if n != size {
									t.Errorf("TallyResponses during ingest: unit %s has %d respondents, want a whole batch of %d", grp.Unit, n, size)
								}
							}
						case 2:
							rs, err := s.ListResponses(ctx, survey.ResponseFilter{Survey: sv.ID, Limit: 50})
							if err != nil {
								t.Errorf("ListResponses during ingest: %v", err)
								return
							}
							for _, r := range rs {
								if _, err := s.GetResponse(ctx, r.ID); err != nil {
									t.Errorf("GetResponse of a listed response during ingest: %v", err)
								}
							}
						}
						reads.Add(1)
					}
				})
			}
			start := time.Now()
			for i := range batches {
				if n, err := s.CreateResponses(ctx, batchOf(sv, "w1", i, size)); err != nil || n != size {
					t.Fatalf("CreateResponses of batch %d: want %d, nil; got %d, %v", i, size, n, err)
				}
			}
			elapsed := time.Since(start)
			close(done)
			wg.Wait()
			t.Logf("%d reads during %d batch writes in %v", reads.Load(), batches, elapsed.Round(time.Millisecond))
			if reads.Load() < 3 {
				t.Errorf("only %d reads completed while %d batches were written: readers are blocked by the writer", reads.Load(), batches)
			}
			tl, err := s.TallyResponses(ctx, cx.TallyFilter{Survey: sv.ID})
			if err != nil {
				t.Fatal(err)
			}
			if len(tl.Respondents) != batches {
				t.Errorf("after ingest: want %d units tallied, got %d", batches, len(tl.Respondents))
			}
		})
	}
}
