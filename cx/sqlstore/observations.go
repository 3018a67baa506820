package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/survey"
)

// lockObservations is the cx_locks row of observation batches.
const lockObservations = "observations"

var observationCols = []string{"metric", "unit", "time_us", "value", "n"}

type obsKey struct {
	metric, unit string
	us           int64
}

func keyOf(o cx.Observation) obsKey { return obsKey{o.Metric, o.Unit, o.Time.UnixMicro()} }

func sameObservation(a, b cx.Observation) bool {
	return a.Metric == b.Metric && a.Unit == b.Unit && a.Time.Equal(b.Time) && a.Value == b.Value && a.N == b.N
}

func obsOp(verb string, o cx.Observation) string {
	return fmt.Sprintf("%s observation %s/%s at %s", verb, o.Metric, o.Unit, o.Time.UTC().Format(time.RFC3339Nano))
}

// CreateObservations implements [cx.ObservationStore]: the batch is
// written in one transaction, all or nothing, as [Store.CreateResponses]
// writes responses. A NaN value is refused with a *cx.ValidationError:
// SQLite cannot keep it.
func (s *Store) CreateObservations(ctx context.Context, obs []cx.Observation) (int, error) {
	if len(obs) == 0 {
		return 0, nil
	}
	fresh := make([]cx.Observation, 0, len(obs))
	seen := make(map[obsKey]int, len(obs))
	for i, o := range obs {
		if math.IsNaN(o.Value) {
			return 0, invalid(obsOp("create", o), fmt.Sprintf("observations[%d].value", i), "NaN cannot be stored")
		}
		k := keyOf(o)
		if j, dup := seen[k]; dup {
			if !sameObservation(fresh[j], o) {
				return 0, alreadyExists(obsOp("create", o), "the batch holds two different observations with this metric, unit and time")
			}
			continue
		}
		seen[k] = len(fresh)
		fresh = append(fresh, o)
	}
	added, err := s.insertObservations(ctx, fresh, true)
	if err != nil && isConflict(err) {
		added, err = s.insertObservations(ctx, fresh, false)
	}
	if err != nil {
		return 0, err
	}
	return added, nil
}

func (s *Store) insertObservations(ctx context.Context, obs []cx.Observation, fast bool) (int, error) {
	o := fmt.Sprintf("create %d observations", len(obs))
	added := 0
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		if err := lock(ctx, tx, lockObservations); err != nil {
			return err
		}
		if !fast {
			var err error
			if obs, err = s.leaveOutStoredObservations(ctx, tx, obs); err != nil {
				return err
			}
		}
		args := make([]any, 0, len(obs)*len(observationCols))
		for _, ob := range obs {
			args = append(args, ob.Metric, ob.Unit, ob.Time.UnixMicro(), ob.Value, ob.N)
		}
		verb := "INSERT"
		if fast && s.dialect == SQLite {
			verb = "INSERT OR ROLLBACK" // see insertResponses
		}
		if err := s.insertRows(ctx, tx, verb, "cx_observations", observationCols, "", args); err != nil {
			return err
		}
		added = len(obs)
		return nil
	})
	if err != nil {
		return 0, wrap(err, o, "")
	}
	return added, nil
}

// leaveOutStoredObservations returns obs without those stored identically;
// one stored with another value fails with ErrAlreadyExists.
func (s *Store) leaveOutStoredObservations(ctx context.Context, tx *sql.Tx, obs []cx.Observation) ([]cx.Observation, error) {
	stored := map[obsKey]cx.Observation{}
	err := chunks(obs, 200, func(part []cx.Observation) error {
		b := builder{d: s.dialect}
		b.sb.WriteString("SELECT metric, unit, time_us, value, n FROM cx_observations WHERE ")
		for i, o := range part {
			if i > 0 {
				b.sb.WriteString(" OR ")
			}
			b.sb.WriteString("(metric = " + b.arg(o.Metric) + " AND unit = " + b.arg(o.Unit) + " AND time_us = " + b.arg(o.Time.UnixMicro()) + ")")
		}
		got, err := queryObservations(ctx, tx, "read stored observations", b.String(), b.args...)
		for _, o := range got {
			stored[keyOf(o)] = o
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make([]cx.Observation, 0, len(obs))
	for _, o := range obs {
		prev, ok := stored[keyOf(o)]
		switch {
		case !ok:
			out = append(out, o)
		case !sameObservation(prev, o):
			return nil, alreadyExists(obsOp("create", o), "another value is stored with this metric, unit and time")
		}
	}
	return out, nil
}

func queryObservations(ctx context.Context, q queryer, opName, query string, args ...any) ([]cx.Observation, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, wrap(err, opName, "")
	}
	defer rows.Close()
	var out []cx.Observation
	for rows.Next() {
		var o cx.Observation
		var us int64
		if err := rows.Scan(&o.Metric, &o.Unit, &us, &o.Value, &o.N); err != nil {
			return nil, wrap(err, opName, "")
		}
		o.Time = time.UnixMicro(us).UTC()
		out = append(out, o)
	}
	return out, wrap(rows.Err(), opName, "")
}

// ListObservations implements [cx.ObservationStore].
func (s *Store) ListObservations(ctx context.Context, f cx.ObservationFilter) ([]cx.Observation, error) {
	b := builder{d: s.dialect}
	b.sb.WriteString("SELECT metric, unit, time_us, value, n FROM cx_observations")
	and := " WHERE "
	cond := func(c string) {
		b.sb.WriteString(and + c)
		and = " AND "
	}
	if f.Metric != "" {
		cond("metric = " + b.arg(f.Metric))
	}
	if len(f.Units) > 0 {
		b.sb.WriteString(and)
		and = " AND "
		in(&b, "unit", f.Units)
	}
	if !f.Since.IsZero() {
		cond("time_us >= " + b.arg(ceilMicro(f.Since)))
	}
	if !f.Until.IsZero() {
		cond("time_us < " + b.arg(ceilMicro(f.Until)))
	}
	b.sb.WriteString(" ORDER BY metric, unit, time_us")
	return queryObservations(ctx, s.db, "list observations", b.String(), b.args...)
}

// DeleteObservation implements [cx.ObservationStore]. The time is matched
// as an instant, to the microsecond.
func (s *Store) DeleteObservation(ctx context.Context, metric, unit string, t time.Time) error {
	t = survey.NormalizeTime(t)
	return execOne(ctx, s.db, obsOp("delete", cx.Observation{Metric: metric, Unit: unit, Time: t}),
		"DELETE FROM cx_observations WHERE metric = $1 AND unit = $2 AND time_us = $3", metric, unit, t.UnixMicro())
}
