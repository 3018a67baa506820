package cx

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/survey"
)

// IndicatorOptions configure [EvaluateIndicators].
type IndicatorOptions struct {
	// Units are the units evaluated; default every unit of the
	// hierarchy.
	Units []string
	// Trend configures the trend of each indicator's series (its
	// Measures, Units and Directions are ignored: the indicator's own
	// direction applies).
	Trend TrendOptions
}

// IndicatorResult is one behavior indicator evaluated in one unit: its
// value in every wave (survey items) or period (operational metric) with
// its interval, its target and whether the target is met, and the trend
// of the series, so a leader sees which behaviors are becoming visible
// and where.
type IndicatorResult struct {
	Indicator string `json:"indicator"`
	Behavior  string `json:"behavior"`
	Name      string `json:"name"`
	Unit      string `json:"unit"`
	// Measure is "items:ID,ID" for survey items or the metric key.
	Measure   string `json:"measure"`
	Direction string `json:"direction"`
	// HasTarget says whether Target is set.
	HasTarget bool    `json:"has_target"`
	Target    float64 `json:"target,omitempty"`
	// Points are the values per wave or period.
	Points []IndicatorPoint `json:"points"`
	// Latest is the index in Points of the latest shown value, or -1.
	Latest int `json:"latest"`
	// Met reports whether the latest shown value meets the target.
	Met bool `json:"met"`
	// Trend is the series on its control chart with its verdict.
	Trend Trend `json:"trend"`
}

// IndicatorPoint is one value of an indicator.
type IndicatorPoint struct {
	Point
	// Met reports whether the value meets the target (false when there
	// is no target or the point is suppressed).
	Met bool `json:"met"`
}

// EvaluateIndicators evaluates every indicator in every unit selected by
// opts. An indicator on survey items takes the favorable share pooled over
// its items (after reverse keying); one on a metric takes the panel's
// observations of that metric. Results are ordered by indicator, then
// unit. Only shown groups carry figures.
//
// It fails with a [*ValidationError] listing every invalid indicator,
// item unknown to the panel's survey, or unknown unit.
func EvaluateIndicators(p *Panel, indicators []culture.Indicator, opts IndicatorOptions) ([]IndicatorResult, error) {
	q, err := p.prepare()
	if err != nil {
		return nil, err
	}
	var ps problems
	for i, in := range indicators {
		f := "indicators[" + strconv.Itoa(i) + "]"
		if err := in.Validate(); err != nil {
			if ve, ok := asValidation(err, f).(*ValidationError); ok {
				ps = append(ps, ve.Problems...)
			}
		}
		for j, id := range in.Source.Items {
			if _, ok := q.Survey.Item(id); !ok {
				ps.add(f+".source.items["+strconv.Itoa(j)+"]", fmt.Sprintf("item %q is not in survey %q", id, q.Survey.ID))
			}
		}
	}
	units := opts.Units
	if units == nil {
		units = q.Hierarchy.IDs()
	}
	for i, u := range units {
		if !q.Hierarchy.Has(u) {
			ps.add("units["+strconv.Itoa(i)+"]", fmt.Sprintf("unknown unit %q", u))
		}
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	topts := opts.Trend.withDefaults()
	if err := topts.validate(q.Hierarchy); err != nil {
		return nil, err
	}
	var out []IndicatorResult
	for _, in := range indicators {
		m, err := q.indicatorMeasure(in)
		if err != nil {
			return nil, err
		}
		series := make([][]Point, len(units))
		for i, u := range units {
			series[i] = q.series(u, m)
		}
		namer := q
		if m.sub != nil {
			namer = m.sub
		}
		trends := chartAll(units, series, m, in.Direction, namer.pointName, topts)
		for i, u := range units {
			r := IndicatorResult{Indicator: in.ID, Behavior: in.Behavior, Name: in.Name, Unit: u, Measure: m.key,
				Direction: in.Direction.String(), HasTarget: in.Target != nil, Latest: -1, Trend: trends[i]}
			if in.Target != nil {
				r.Target = *in.Target
			}
			for k, pt := range series[i] {
				ip := IndicatorPoint{Point: pt}
				if pt.usable() {
					ip.Met = in.Target != nil && in.Direction.Met(pt.Value, *in.Target)
					r.Latest = k
				}
				r.Points = append(r.Points, ip)
			}
			if r.Latest >= 0 {
				r.Met = r.Points[r.Latest].Met
			}
			out = append(out, r)
		}
	}
	return out, nil
}

// indicatorMeasure returns the measure of an indicator: the favorable
// share of its items, or the measure its metric key names (an operational
// metric, or any measure of the panel such as a customer survey's).
func (p *Panel) indicatorMeasure(in culture.Indicator) (measureSpec, error) {
	if in.Source.Metric != "" {
		return p.measure(in.Source.Metric)
	}
	ids := slices.Clone(in.Source.Items)
	key := "items:"
	for i, id := range ids {
		if i > 0 {
			key += ","
		}
		key += id
	}
	return measureSpec{key: key, kind: ShareMeasure, source: "survey", items: func(s survey.Survey) []survey.Item {
		var out []survey.Item
		for _, id := range ids {
			if it, ok := s.Item(id); ok {
				out = append(out, it)
			}
		}
		return out
	}}, nil
}
