package memstore_test

import (
	"testing"
	"time"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/cx/storetest"
)

func TestConformance(t *testing.T) {
	// One mutex guards every write: memstore keeps every promise, with
	// one handle (it cannot be reopened).
	storetest.RunHarness(t, storetest.Harness{
		NewStore:     func(*testing.T) cx.Store { return memstore.New() },
		Capabilities: storetest.AllCapabilities,
	})
}

// memstore-specific tests.

// DeleteObservation normalizes the time it is given, as the program
// normalizes the times it stores.
func TestDeleteObservationNormalizesTime(t *testing.T) {
	ctx := t.Context()
	s := memstore.New()
	at := time.Date(2025, 5, 5, 12, 0, 0, 250000000, time.UTC)
	if _, err := s.CreateObservations(ctx, []cx.Observation{{Metric: "csat_weekly", Unit: "claims", Time: at, Value: 0.8}}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteObservation(ctx, "csat_weekly", "claims", at.Add(999).In(time.FixedZone("CET", 3600))); err != nil {
		t.Fatalf("DeleteObservation of the same microsecond in another zone: %v", err)
	}
	if got, err := s.ListObservations(ctx, cx.ObservationFilter{}); err != nil || len(got) != 0 {
		t.Fatalf("ListObservations after delete: %v, %v; want none", got, err)
	}
}
