package chstore_test

import (
	"errors"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/survey"
)

// textSurvey has two rated items and three free-text questions.
func textSurvey() survey.Survey {
	return survey.Survey{ID: "exit", Name: "Exit survey", Audience: survey.Employee, Version: 1,
		Items: []survey.Item{
			{ID: "q1", Text: "One", Scale: survey.Likert5, Kind: survey.Behavior, Construct: "customer_focus", Version: 1},
			{ID: "q2", Text: "Two", Scale: survey.Likert5, Kind: survey.Behavior, Construct: "customer_focus", Version: 1},
		},
		TextItems: []survey.TextItem{{ID: "why"}, {ID: "other", Text: "Anything else?"}, {ID: "idea:1=a,b", Text: "Odd name"}},
	}
}

// textResponses returns responses with free-text answers of every shape:
// several per response, one only, texts without rated answers, and texts
// holding what the store's own encodings use as separators.
func textResponses() []survey.Response {
	texts := []map[string]string{
		{"why": "Slow approvals.\nSecond line, ünïcode, “quotes”, tab\there."},
		{"why": "a", "other": "b", "idea:1=a,b": "c"},
		{"other": "item:1 2:3 key=value,other=x " + strings.Repeat("long ", 2000)},
		{"idea:1=a,b": "😀 ∑ 中文"},
		nil,
	}
	var out []survey.Response
	for i := range 20 {
		r := survey.Response{
			ID:        uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "chstore texts %d", i)),
			Survey:    "exit",
			Wave:      "w1",
			Unit:      fmt.Sprintf("u%d", i%4),
			Submitted: time.Date(2026, 3, 1, 9, i, 0, 0, time.UTC),
			Answers:   map[string]int{"q1": 1 + i%5, "q2": 1 + (i/2)%5},
			Texts:     maps.Clone(texts[i%len(texts)]),
		}
		if i%7 == 3 {
			r.Answers = nil // free text only
		}
		out = append(out, r)
	}
	return out
}

// TestTextsRoundTrip stores responses with free-text answers on the
// cluster, by CreateResponses and by a staged import, and checks that
// GetResponse and ListResponses return them exactly, through the handle
// that wrote them and another, as memstore does; that a response stored
// again with another free-text answer is a different response (refused,
// or replaced by an import with Replace); and that a deleted response's
// texts are gone.
func TestTextsRoundTrip(t *testing.T) {
	ctx := t.Context()
	s := openStore(t)
	other := reopen(t, s)
	mem := memstore.New()
	rs := textResponses()
	for _, st := range []cx.Store{s, mem} {
		if err := st.CreateSurvey(ctx, textSurvey()); err != nil {
			t.Fatal(err)
		}
	}
	half := len(rs) / 2
	for _, st := range []cx.Store{s, mem} {
		if n, err := st.CreateResponses(ctx, rs[:half]); err != nil || n != half {
			t.Fatalf("CreateResponses: %d, %v", n, err)
		}
		im, err := st.(cx.ImportStore).BeginImport(ctx, "exit", cx.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := im.Add(ctx, rs[half-2:]); err != nil {
			t.Fatal(err)
		}
		if out, err := im.Commit(ctx); err != nil || out.Added != len(rs)-half || out.Unchanged != 2 {
			t.Fatalf("the import: %+v, %v", out, err)
		}
	}
	same := func(when string) {
		t.Helper()
		want, err := mem.ListResponses(ctx, survey.ResponseFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for h, st := range []cx.Store{s, other} {
			got, err := st.ListResponses(ctx, survey.ResponseFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("%s, handle %d: ListResponses returned %d responses, want %d", when, h+1, len(got), len(want))
			}
			for i := range want {
				if !got[i].Equal(want[i]) {
					t.Errorf("%s, handle %d: ListResponses[%d]:\n\twant texts %q\n\tgot  texts %q\n\t(want %+v, got %+v)", when, h+1, i, want[i].Texts, got[i].Texts, want[i], got[i])
				}
				g, err := st.GetResponse(ctx, want[i].ID)
				if err != nil || !g.Equal(want[i]) {
					t.Errorf("%s, handle %d: GetResponse(%s): want texts %q, got %q, %v", when, h+1, want[i].ID, want[i].Texts, g.Texts, err)
				}
			}
		}
	}
	same("after storing")

	// The free text is part of the response: another text under the same
	// ID is a different response.
	changed := rs[1].Clone()
	changed.Texts["why"] += " (edited)"
	if n, err := s.CreateResponses(ctx, []survey.Response{changed}); !errors.Is(err, cx.ErrAlreadyExists) || n != 0 {
		t.Errorf("CreateResponses of a stored response with another free-text answer: want cx.ErrAlreadyExists, got %d, %v", n, err)
	}
	if n, err := other.CreateResponses(ctx, rs); err != nil || n != 0 {
		t.Errorf("CreateResponses of the stored responses again: want 0 added, got %d, %v", n, err)
	}
	for _, st := range []cx.Store{other, mem} {
		im, err := st.(cx.ImportStore).BeginImport(ctx, "exit", cx.ImportOptions{Replace: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := im.Add(ctx, []survey.Response{changed.Clone()}); err != nil {
			t.Fatal(err)
		}
		if out, err := im.Commit(ctx); err != nil || len(out.Replaced) != 1 {
			t.Fatalf("an import replacing a response's free-text answer: %+v, %v", out, err)
		}
	}
	same("after an import replaced a free-text answer")

	for _, st := range []cx.Store{s, mem} {
		if err := st.DeleteResponse(ctx, rs[2].ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := other.GetResponse(ctx, rs[2].ID); !errors.Is(err, cx.ErrNotFound) {
		t.Errorf("GetResponse of a deleted response with free-text answers: want cx.ErrNotFound, got %v", err)
	}
	same("after a deletion")
	if err := s.Erase(ctx); err != nil {
		t.Fatal(err)
	}
	same("after the deleted and replaced responses were erased from the shards")
}
