package cx

import (
	"context"
	"time"
)

// Observation is one value of an operational CX metric fed from another
// system: weekly CSAT from a contact centre, processing days, digital
// adoption. An observation is identified by its metric, unit and time.
type Observation struct {
	// Metric is the metric key, such as "csat_weekly".
	Metric string `json:"metric"`
	// Unit is the org unit the value belongs to.
	Unit string `json:"unit"`
	// Time is the end of the period the value covers.
	Time  time.Time `json:"time"`
	Value float64   `json:"value"`
	// N is the number of cases behind the value (such as the surveys in a
	// weekly CSAT), or 0 when unknown.
	N int64 `json:"n,omitempty"`
}

// ObservationFilter selects observations; zero fields select everything.
type ObservationFilter struct {
	Metric string
	Units  []string
	// Since and Until bound the time: Since <= t < Until.
	Since, Until time.Time
}

// Match reports whether o passes the filter.
func (f ObservationFilter) Match(o Observation) bool {
	if f.Metric != "" && o.Metric != f.Metric {
		return false
	}
	if len(f.Units) > 0 && !contains(f.Units, o.Unit) {
		return false
	}
	if !f.Since.IsZero() && o.Time.Before(f.Since) {
		return false
	}
	return f.Until.IsZero() || o.Time.Before(f.Until)
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// ObservationStore persists operational metric observations.
//
// The concurrency, ownership and error rules of [UnitStore] apply.
type ObservationStore interface {
	// CreateObservations stores a batch, all or nothing, and returns how
	// many were added. It is idempotent by (Metric, Unit, Time): an
	// observation identical to a stored one adds nothing; a different
	// value under a stored key fails the whole batch with ErrAlreadyExists.
	CreateObservations(ctx context.Context, obs []Observation) (added int, err error)
	// ListObservations returns the observations that match f, ordered by
	// Metric, Unit, then Time.
	ListObservations(ctx context.Context, f ObservationFilter) ([]Observation, error)
	// DeleteObservation removes one observation, or fails with
	// ErrNotFound.
	DeleteObservation(ctx context.Context, metric, unit string, t time.Time) error
}
