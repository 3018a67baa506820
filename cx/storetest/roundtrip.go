package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"testing"

	"github.com/leanovate/gopter/prop"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
	"github.com/cxculture/cxculture/survey"
)

const roundTripRule = "what Get and List return is exactly what was stored, for every valid value a program may hand a store"

// roundTrip stores v, reads it back with get and list, deletes it and
// checks that it is gone; it returns "" or what went wrong.
func roundTrip[K comparable, V any](ctx context.Context, s cx.Store, e entity[K, V], v V) string {
	k := e.key(v)
	fail := func(format string, args ...any) string {
		return fmt.Sprintf("%s(%v): %s\n\trule: %s", e.name, k, fmt.Sprintf(format, args...), roundTripRule)
	}
	if err := e.create(s, ctx, v); err != nil {
		return fail("Create: %v", err)
	}
	got, err := e.get(s, ctx, k)
	if err != nil {
		return fail("Get: %v", err)
	}
	if d := diff(v, got); d != "" {
		return fail("Get: %s", d)
	}
	l, err := e.list(s, ctx)
	if err != nil {
		return fail("List: %v", err)
	}
	found := 0
	for _, x := range l {
		if e.key(x) == k {
			found++
			if d := diff(v, x); d != "" {
				return fail("List: %s", d)
			}
		}
	}
	if found != 1 {
		return fail("List: the value appears %d times, want once", found)
	}
	if err := e.delete(s, ctx, k); err != nil {
		return fail("Delete: %v", err)
	}
	if _, err := e.get(s, ctx, k); !errors.Is(err, cx.ErrNotFound) {
		return fail("Get after Delete: want cx.ErrNotFound, got %v", err)
	}
	return ""
}

// roundTrips checks generated values of every kind against one store;
// each check deletes what it stored.
func roundTrips(t *testing.T, s cx.Store) {
	ctx := t.Context()
	props := cxgen.NewProperties(t, 100)
	n := 0
	next := func(p string) string { n++; return fmt.Sprintf("%s%d", p, n) }

	// Org histories accumulate in the store (merged and split units are
	// never erased), and each change is checked against the whole
	// history: fewer of them keep the suite fast.
	c := &check{T: t, ctx: ctx, s: s}
	orgProps := cxgen.NewProperties(t, 25)
	orgProps.Property("org histories round-trip", prop.ForAll(func(changes []cx.OrgChange) string {
		prefix := next("h")
		for i := range changes {
			changes[i] = prefixUnits(changes[i], prefix)
		}
		return c.orgRoundTrip(changes)
	}, cxgen.OrgHistory(4, 8)))
	orgProps.Run()
	props.Property("frameworks round-trip", prop.ForAll(func(f culture.Framework) string {
		f.ID = next("framework")
		return roundTrip(ctx, s, frameworkEntity(), f)
	}, cxgen.Framework()))
	props.Property("indicators round-trip", prop.ForAll(func(in culture.Indicator) string {
		in.ID = next("indicator")
		return roundTrip(ctx, s, indicatorEntity(), in)
	}, cxgen.Indicator()))
	props.Property("initiatives round-trip", prop.ForAll(func(in culture.Initiative) string {
		return roundTrip(ctx, s, initiativeEntity(), in)
	}, cxgen.Initiative([]string{"u0", "u1", "team.north", "Z-9"}, []string{culture.CustomerFocus, culture.Empathy, culture.Resilience})))
	props.Property("surveys round-trip", prop.ForAll(func(sv survey.Survey) string {
		sv.ID = next("survey")
		return roundTrip(ctx, s, surveyEntity(), sv)
	}, cxgen.Survey()))
	props.Property("waves round-trip", prop.ForAll(func(w survey.Wave) string {
		w.ID = next("wave")
		return roundTrip(ctx, s, waveEntity(), w)
	}, cxgen.Wave("pulse", []string{"u0", "u1", "u2", "u3"})))
	props.Property("response batches round-trip", prop.ForAll(func(b cxgen.Batch) string {
		return responsesRoundTrip(ctx, s, b.Responses)
	}, cxgen.Responses(8)))
	props.Property("observation batches round-trip", prop.ForAll(func(obs []cx.Observation) string {
		return observationsRoundTrip(ctx, s, obs)
	}, cxgen.From(func(r *rand.Rand) []cx.Observation {
		seen := map[string]bool{}
		var obs []cx.Observation
		for range 1 + r.Intn(8) {
			o := cxgen.ObservationFrom(r, []string{"csat_weekly", "digital.adoption", "Days-to-decision"}, []string{"u0", "u1", "Z"})
			if !seen[observationKey(o)] {
				seen[observationKey(o)] = true
				obs = append(obs, o)
			}
		}
		return obs
	}).WithLabel("observations")))
	props.Run()
}

func responsesRoundTrip(ctx context.Context, s cx.Store, rs []survey.Response) string {
	fail := func(format string, args ...any) string {
		return fmt.Sprintf(format, args...) + "\n\trule: " + roundTripRule
	}
	n, err := s.CreateResponses(ctx, rs)
	if err != nil || n != len(rs) {
		return fail("CreateResponses of %d new responses: want added=%d, nil; got %d, %v", len(rs), len(rs), n, err)
	}
	if n, err := s.CreateResponses(ctx, rs); err != nil || n != 0 {
		return fail("CreateResponses of the same batch again: want added=0, nil; got %d, %v", n, err)
	}
	want := sorted(rs, compareResponses)
	got, err := s.ListResponses(ctx, survey.ResponseFilter{})
	if err != nil {
		return fail("ListResponses: %v", err)
	}
	if d := diff(want, got); d != "" {
		return fail("ListResponses: %s", d)
	}
	for _, r := range rs {
		g, err := s.GetResponse(ctx, r.ID)
		if err != nil {
			return fail("GetResponse(%s): %v", r.ID, err)
		}
		if d := diff(r, g); d != "" {
			return fail("GetResponse(%s): %s", r.ID, d)
		}
	}
	for _, r := range rs {
		if err := s.DeleteResponse(ctx, r.ID); err != nil {
			return fail("DeleteResponse(%s): %v", r.ID, err)
		}
	}
	if n, err := s.CountResponses(ctx, survey.ResponseFilter{}); err != nil || n != 0 {
		return fail("CountResponses after deleting every response: want 0, nil; got %d, %v", n, err)
	}
	return ""
}

func observationsRoundTrip(ctx context.Context, s cx.Store, obs []cx.Observation) string {
	fail := func(format string, args ...any) string {
		return fmt.Sprintf(format, args...) + "\n\trule: " + roundTripRule
	}
	n, err := s.CreateObservations(ctx, obs)
	if err != nil || n != len(obs) {
		return fail("CreateObservations of %d new observations: want added=%d, nil; got %d, %v", len(obs), len(obs), n, err)
	}
	got, err := s.ListObservations(ctx, cx.ObservationFilter{})
	if err != nil {
		return fail("ListObservations: %v", err)
	}
	if d := diff(sorted(obs, compareObservations), got); d != "" {
		return fail("ListObservations: %s", d)
	}
	for _, o := range obs {
		if err := s.DeleteObservation(ctx, o.Metric, o.Unit, o.Time); err != nil {
			return fail("DeleteObservation(%s): %v", observationKey(o), err)
		}
	}
	if got, err := s.ListObservations(ctx, cx.ObservationFilter{}); err != nil || len(got) != 0 {
		return fail("ListObservations after deleting every observation: want none, got %d, %v", len(got), err)
	}
	return ""
}
