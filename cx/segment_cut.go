package cx

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/cxculture/cxculture/metrics"
	"github.com/cxculture/cxculture/survey"
)

// SegmentOptions configure a cut of a wave by a segment attribute.
type SegmentOptions struct {
	// Wave is the wave cut; required.
	Wave string
	// Key is the segment attribute, one the survey declares
	// (survey.Survey.Segments); required.
	Key string
	// Units are the units cut, each with the units below it; default the
	// whole organization (the root). AllUnits cuts every unit: the unit ×
	// segment grid.
	Units    []string
	AllUnits bool
	// Level is the confidence level of intervals; default 0.95.
	Level float64
}

// SegmentCut is one wave's figures cut by a segment attribute: per unit
// cut and value of the attribute, the respondents and how favorable each
// behavior is, with the privacy rules applied to every cell.
type SegmentCut struct {
	Survey string `json:"survey"`
	Wave   string `json:"wave"`
	// Key is the attribute, Name its label in reports.
	Key  string `json:"key"`
	Name string `json:"name"`
	// Values are the attribute's values: the declared ones in their
	// order, then any other, by name.
	Values []string `json:"values"`
	// Behaviors are the behaviors scored, as in [Scorecard].
	Behaviors []string `json:"behaviors"`
	Level     float64  `json:"level"`
	// Privacy holds the rules of the plan applied.
	Privacy Privacy `json:"privacy"`
	// Rows hold one row per unit cut and value, units in the order of the
	// hierarchy, values in the order of Values.
	Rows []SegmentRow `json:"rows"`
}

// SegmentRow is one unit's figures for one value of a segment attribute.
// A suppressed row shows no figure at all, not even its respondents, and
// Reason says why.
type SegmentRow struct {
	Unit     string `json:"unit"`
	UnitName string `json:"unit_name"`
	Depth    int    `json:"depth"`
	Value    string `json:"value"`
	// Suppressed rows show nothing; Reason says why.
	Suppressed bool   `json:"suppressed,omitempty"`
	Reason     string `json:"reason,omitempty"`
	// Respondents is the number of the unit's respondents with the value.
	Respondents int64 `json:"respondents,omitempty"`
	// Behaviors are aligned with SegmentCut.Behaviors; a behavior whose
	// figures may not be shown is Suppressed, with its reason.
	Behaviors []BehaviorScore `json:"behaviors,omitempty"`
	// ENPS is the eNPS of the group, when the survey has eNPS items and
	// it may be shown; ENPSReason says why it is hidden when it may not.
	ENPS       *NPSScore `json:"enps,omitempty"`
	ENPSReason string    `json:"enps_reason,omitempty"`
}

// Row returns the row of a unit and value.
func (c *SegmentCut) Row(unit, value string) (SegmentRow, bool) {
	for _, r := range c.Rows {
		if r.Unit == unit && r.Value == value {
			return r, true
		}
	}
	return SegmentRow{}, false
}

// SegmentCut cuts a stored wave of a survey by a segment attribute the
// survey declares. Counts come from the store, by segment, without
// reading the responses when the store offers [SegmentTallyStore]. The
// wave is scored on the org in force when it opened and on the version of
// the survey it fielded. Every cell goes through the program's plan
// ([Program.Disclosure], which covers the declared segments): a group
// below the minimum is never shown, and neither is one whose figures
// could be worked out by subtracting other cuts of the same unit (its
// other values, its units below, the unit itself) or crossings with the
// other declared attributes.
func (p *Program) SegmentCut(ctx context.Context, surveyID string, opts SegmentOptions) (*SegmentCut, error) {
	if opts.Level == 0 {
		opts.Level = 0.95
	}
	var ps problems
	if !survey.ValidID(opts.Wave) {
		ps.add("wave", fmt.Sprintf("malformed or missing wave %q", opts.Wave))
	}
	if !(opts.Level > 0 && opts.Level < 1) {
		ps.add("level", fmt.Sprintf("must be in (0,1), got %g", opts.Level))
	}
	s, err := p.store.GetSurvey(ctx, surveyID)
	if err != nil {
		return nil, err
	}
	seg, ok := s.Segment(opts.Key)
	if !ok {
		ps.add("key", fmt.Sprintf("segment %q is not declared by survey %s: declare it in the survey's Segments", opts.Key, surveyID))
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	w, err := p.store.GetWave(ctx, opts.Wave)
	if err != nil {
		return nil, err
	}
	if w.Survey != surveyID {
		return nil, invalid("wave", fmt.Sprintf("wave %q belongs to survey %q, not %q", w.ID, w.Survey, surveyID))
	}
	var so ScorecardOptions
	h, err := p.waveContext(ctx, s, w, "", &so)
	if err != nil {
		return nil, err
	}
	fw := so.instrument(s, w.ID)
	units := opts.Units
	switch {
	case opts.AllUnits:
		units = h.IDs()
	case len(units) == 0:
		units = []string{h.Root()}
	}
	for i, u := range units {
		if !h.Has(u) {
			ps.add(fmt.Sprintf("units[%d]", i), fmt.Sprintf("unit %q was not in the org when wave %s opened", u, w.ID))
		}
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	plan, err := p.Disclosure(ctx, surveyID)
	if err != nil {
		return nil, err
	}
	st, err := TallySegments(ctx, p.store, SegmentFilter{Survey: surveyID, Waves: []string{w.ID}, Keys: []string{seg.Key}})
	if err != nil {
		return nil, err
	}
	tallies, seen := st.cut(seg.Key, fw)
	values := slices.Clone(seg.Values)
	for _, v := range seen {
		if !slices.Contains(values, v) {
			values = append(values, v)
		}
	}
	keys := make([]string, len(values))
	for i, v := range values {
		keys[i] = cutKey(w.ID, v)
	}
	r, err := rollUpWaves(h, fw, tallies, keys...)
	if err != nil {
		return nil, err
	}
	rolled := &rolledReader{rolled: r}
	names, items := behaviorItems(fw)
	cut := &SegmentCut{Survey: surveyID, Wave: w.ID, Key: seg.Key, Name: seg.Label(), Values: values, Behaviors: names,
		Level: opts.Level, Privacy: plan.Privacy()}
	enps := fw.ItemsFor(survey.ENPS)
	nan := math.NaN()
	nanInterval := metrics.Interval{Lower: nan, Upper: nan}
	for _, u := range units {
		unit, _ := h.Unit(u)
		for _, v := range values {
			row := SegmentRow{Unit: u, UnitName: unit.Name, Depth: h.Depth(u), Value: v}
			ref := CellRef{Unit: u, Wave: w.ID, Key: seg.Key, Value: v}
			if why, hid := plan.Hidden(u, w.ID); hid {
				row.Suppressed, row.Reason = true, why.String()
			} else if why, hid := plan.SegmentHidden(u, w.ID, seg.Key, v); hid {
				row.Suppressed, row.Reason = true, why.String()
			}
			if row.Suppressed {
				cut.Rows = append(cut.Rows, row)
				continue
			}
			key := cutKey(w.ID, v)
			row.Respondents = rolled.respondents(u, key)
			for j, b := range names {
				if why, hid := plan.ItemsHidden(ref, itemIDs(items[j])...); hid {
					row.Behaviors = append(row.Behaviors, BehaviorScore{Behavior: b, Suppressed: true, Reason: why.String(),
						Favorable: Estimate{Value: nan, Interval: nanInterval}, Mean: nan, MeanInterval: nanInterval})
					continue
				}
				fav, all, same := rolled.pooled(u, key, items[j])
				bs := BehaviorScore{Behavior: b, Favorable: estimate(fav, opts.Level), Mean: nan, MeanInterval: nanInterval}
				if same && all.N() > 0 {
					bs.Mean, bs.MeanInterval = all.Mean(), all.MeanCI(opts.Level)
				}
				row.Behaviors = append(row.Behaviors, bs)
			}
			if len(enps) > 0 {
				if why, hid := plan.ItemsHidden(ref, itemIDs(enps)...); hid {
					row.ENPSReason = why.String()
				} else {
					var nps metrics.Tally
					for _, it := range enps {
						if err := nps.Merge(rolled.tally(u, key, it)); err != nil {
							return nil, fmt.Errorf("cx: eNPS items use different scales: %w: %w", ErrInvalid, err)
						}
					}
					if nps.N() > 0 {
						v := nps.NPS()
						row.ENPS = &NPSScore{NPS: v, Score: v.Score(), Interval: v.CI(opts.Level)}
					}
				}
			}
			cut.Rows = append(cut.Rows, row)
		}
	}
	return cut, nil
}

// MarshalJSON writes the SegmentCut as encoding/json would, with undefined
// numbers (NaN, ±Inf) as null.
func (c SegmentCut) MarshalJSON() ([]byte, error) { return marshalNull(c) }

// MarshalJSON writes the SegmentRow as encoding/json would, with undefined
// numbers (NaN, ±Inf) as null.
func (v SegmentRow) MarshalJSON() ([]byte, error) { return marshalNull(v) }
