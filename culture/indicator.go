package culture

import (
	"math"
	"strconv"
)

// Direction says which way a measure should move.
type Direction int

const (
	// HigherIsBetter is the default: a larger value is an improvement.
	HigherIsBetter Direction = iota
	// LowerIsBetter marks measures such as processing days or effort.
	LowerIsBetter
)

// String returns "higher" or "lower".
func (d Direction) String() string {
	switch d {
	case HigherIsBetter:
		return "higher"
	case LowerIsBetter:
		return "lower"
	}
	return "Direction(" + strconv.Itoa(int(d)) + ")"
}

// Better reports whether moving from a to b is an improvement.
func (d Direction) Better(a, b float64) bool {
	if d == LowerIsBetter {
		return b < a
	}
	return b > a
}

// Met reports whether value meets target in direction d.
func (d Direction) Met(value, target float64) bool {
	if d == LowerIsBetter {
		return value <= target
	}
	return value >= target
}

func (d Direction) valid() bool { return d == HigherIsBetter || d == LowerIsBetter }

// Source says where an indicator's values come from: either survey items
// (the favorable share pooled over them) or an operational metric fed as
// observations. Exactly one of the two is set.
type Source struct {
	// Items are survey item IDs whose favorable share is the indicator's
	// value.
	Items []string `json:"items,omitempty"`
	// Metric is the key of an operational metric, such as "csat_weekly" or
	// "processing_days", or of another measure of the program, such as a
	// customer survey's "a11/trust" (see [ValidMetric]).
	Metric string `json:"metric,omitempty"`
}

// Indicator makes a behavior observable: a value measured from a source,
// the direction in which it should move, and optionally a target.
type Indicator struct {
	ID        string    `json:"id"`
	Behavior  string    `json:"behavior"`
	Name      string    `json:"name"`
	Source    Source    `json:"source"`
	Direction Direction `json:"direction"`
	// Target is the value to reach, in the source's units (a share in [0,1]
	// for survey items); nil when no target is set.
	Target *float64 `json:"target,omitempty"`
}

// HasTarget reports whether a target is set.
func (in Indicator) HasTarget() bool { return in.Target != nil }

// Validate reports every problem with in. Whether Behavior names a known
// behavior and the items exist is checked by the program that holds the
// culture model, not here.
func (in Indicator) Validate() error {
	var ps problems
	if !ValidID(in.ID) {
		ps.add("id", "must be 1-64 letters, digits or _.:- starting with a letter or digit")
	}
	if !ValidID(in.Behavior) {
		ps.add("behavior", "required: the ID of the behavior this indicator observes")
	}
	if in.Name == "" {
		ps.add("name", "required")
	}
	switch {
	case len(in.Source.Items) == 0 && in.Source.Metric == "":
		ps.add("source", "set either items or metric")
	case len(in.Source.Items) > 0 && in.Source.Metric != "":
		ps.add("source", "set items or metric, not both")
	}
	seen := map[string]bool{}
	for i, it := range in.Source.Items {
		f := "source.items[" + strconv.Itoa(i) + "]"
		switch {
		case !ValidID(it):
			ps.add(f, "malformed item ID "+strconv.Quote(it))
		case seen[it]:
			ps.add(f, "duplicate item "+it)
		}
		seen[it] = true
	}
	if in.Source.Metric != "" && !ValidMetric(in.Source.Metric) {
		ps.add("source.metric", "malformed metric key "+strconv.Quote(in.Source.Metric))
	}
	if !in.Direction.valid() {
		ps.add("direction", "must be HigherIsBetter or LowerIsBetter")
	}
	if in.Target != nil {
		t := *in.Target
		switch {
		case math.IsNaN(t) || math.IsInf(t, 0):
			ps.add("target", "must be a finite number")
		case len(in.Source.Items) > 0 && (t < 0 || t > 1):
			ps.add("target", "a target for survey items is a favorable share in [0,1]")
		}
	}
	return ps.err()
}

// Clone returns a deep copy of in.
func (in Indicator) Clone() Indicator {
	in.Source.Items = append([]string(nil), in.Source.Items...)
	if in.Target != nil {
		t := *in.Target
		in.Target = &t
	}
	return in
}
