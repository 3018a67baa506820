package cx

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/cxculture/cxculture/survey"
)

// This file holds what a scorecard's change since a baseline does when
// the baseline is not the same thing as the wave: another version of the
// survey (items reworded or rescaled), another org (units moved, merged,
// split). Changes are then measured only on what both waves measured
// alike, and what is left out is said.

// restatedKey is the wave key, in the tallies a scorecard rolls up, of
// the baseline's figures restated for the scored wave: a well-formed wave
// ID derived from both, that no wave of t uses.
func restatedKey(t *Tallies, baseline, wave string) string {
	sum := sha256.Sum256([]byte(baseline + "\x00" + wave))
	for n := 12; ; n++ {
		key := "restated-" + hex.EncodeToString(sum[:])[:n]
		if !slices.Contains(t.Waves(), key) {
			return key
		}
	}
}

// needsRestating reports whether o's baseline is read through a lineage
// or through other item versions.
func (o ScorecardOptions) needsRestating() bool {
	if o.Baseline == "" {
		return false
	}
	if o.Lineage != nil && !o.Lineage.Identity() {
		return true
	}
	_, okW := o.Fielded[o.Wave]
	_, okB := o.Fielded[o.Baseline]
	return okW || okB
}

// instrument returns the survey as fielded in wave: o.Fielded[wave], or s.
func (o ScorecardOptions) instrument(s survey.Survey, wave string) survey.Survey {
	if f, ok := o.Fielded[wave]; ok {
		return f
	}
	return s
}

// comparableItems returns the items of a behavior that the baseline
// measured alike (same ID, wording version, scale and keying), and, when
// some are left out, why, in words that quote the items.
func (o ScorecardOptions) comparableItems(s survey.Survey, items []survey.Item) ([]survey.Item, string) {
	if o.Baseline == "" {
		return items, ""
	}
	b := o.instrument(s, o.Baseline)
	var keep []survey.Item
	var why []string
	for _, it := range items {
		old, ok := b.Item(it.ID)
		switch {
		case !ok:
			why = append(why, fmt.Sprintf("the item %q was not asked in the baseline", it.Text))
		case !old.Comparable(it):
			why = append(why, describeItemChange(old, it))
		default:
			keep = append(keep, it)
		}
	}
	if len(why) == 0 {
		return items, ""
	}
	if len(keep) == 0 {
		return nil, "not compared with the baseline: " + strings.Join(why, "; ")
	}
	return keep, fmt.Sprintf("compared with the baseline on %d of its %d items: %s", len(keep), len(items), strings.Join(why, "; "))
}

// describeItemChange says, quoting the item, how it changed between the
// baseline and the wave.
func describeItemChange(old, cur survey.Item) string {
	var parts []string
	if old.Text != cur.Text {
		parts = append(parts, fmt.Sprintf("the item %q was reworded as %q", old.Text, cur.Text))
	} else {
		parts = append(parts, fmt.Sprintf("the item %q changed", cur.Text))
	}
	if old.Scale != cur.Scale {
		parts = append(parts, fmt.Sprintf("its scale went from %d-%d to %d-%d points", old.Scale.Min, old.Scale.Max, cur.Scale.Min, cur.Scale.Max))
	}
	if old.Reverse != cur.Reverse {
		parts = append(parts, "its keying was reversed")
	}
	if old.Version == cur.Version {
		return strings.Join(parts, ", ")
	}
	return strings.Join(parts, ", ") + fmt.Sprintf(" (version %d, then %d)", old.Version, cur.Version)
}

// howChanged says how an item changed between two versions.
func howChanged(old, cur survey.Item) string {
	var parts []string
	if old.Version != cur.Version || old.Text != cur.Text {
		parts = append(parts, "was reworded")
	}
	if old.Scale != cur.Scale {
		parts = append(parts, fmt.Sprintf("moved from scale %s to %s", old.Scale, cur.Scale))
	}
	if old.Reverse != cur.Reverse {
		parts = append(parts, "changed keying")
	}
	if len(parts) == 0 {
		return "changed"
	}
	return strings.Join(parts, " and ")
}

// restate returns t with, for every options value whose baseline needs
// it, the baseline's figures under restatedKey: each unit's figures
// counted in the unit of the scored wave's org that its people are now
// counted in (org.Lineage.Counted), and only the answers to items that
// both waves measured alike. It sets each such value's baseKey.
func restate(t *Tallies, opts []ScorecardOptions, s survey.Survey) (*Tallies, error) {
	var out *Tallies
	done := map[string]bool{}
	for i := range opts {
		o := &opts[i]
		o.baseKey = o.Baseline
		if !o.needsRestating() {
			continue
		}
		if out == nil {
			out = &Tallies{Survey: t.Survey, Answers: maps.Clone(t.Answers), Respondents: maps.Clone(t.Respondents),
				Comments: maps.Clone(t.Comments), Patterns: t.Patterns}
		}
		key := restatedKey(t, o.Baseline, o.Wave)
		o.baseKey = key
		if done[key] {
			continue
		}
		done[key] = true
		w, b := o.instrument(s, o.Wave), o.instrument(s, o.Baseline)
		keepItem := map[string]bool{}
		for _, it := range w.Items {
			if old, ok := b.Item(it.ID); ok && old.Comparable(it) {
				keepItem[it.ID] = true
			}
		}
		unit := func(u string) (string, bool) {
			if o.Lineage == nil || o.Lineage.Identity() {
				return u, true
			}
			if !o.Lineage.Then().Has(u) {
				return "", false
			}
			return o.Lineage.Counted(u)
		}
		for g, n := range t.Respondents {
			if g.Wave != o.Baseline {
				continue
			}
			u, ok := unit(g.Unit)
			if !ok {
				if o.Lineage != nil && !o.Lineage.Then().Has(g.Unit) {
					return nil, fmt.Errorf("cx: the baseline's tallies name unit %q, which was not in the org when wave %s opened: %w", g.Unit, o.Baseline, ErrNotFound)
				}
				continue
			}
			out.Respondents[Group{u, key}] += n
			out.Comments[Group{u, key}] += t.Comments[g]
		}
		for c, v := range t.Answers {
			if c.Wave != o.Baseline || !keepItem[c.Item] {
				continue
			}
			u, ok := unit(c.Unit)
			if !ok {
				continue
			}
			k := Cell{u, key, c.Item}
			cur := out.Answers[k].Clone()
			if err := cur.Merge(v); err != nil {
				return nil, err
			}
			out.Answers[k] = cur
		}
		// The baseline's respondents on its own org, and its plan there,
		// for the privacy of restated figures.
		if o.Lineage != nil && !o.Lineage.Identity() {
			o.thenRespondents = map[string]int64{}
			then := o.Lineage.Then()
			for g, n := range t.Respondents {
				if g.Wave == o.Baseline && then.Has(g.Unit) {
					for _, a := range withAncestors(then, g.Unit) {
						o.thenRespondents[a] += n
					}
				}
			}
			o.thenPlan = o.Disclosure
			if o.Privacy != nil && o.Disclosure == nil {
				pr := *o.Privacy
				pr.WaveDifference = false
				d, err := pr.PlanSurvey(b, then, t, []string{o.Baseline}, nil)
				if err != nil {
					return nil, err
				}
				o.thenPlan = d
			}
		}
	}
	if out == nil {
		for i := range opts {
			opts[i].baseKey = opts[i].Baseline
		}
		return t, nil
	}
	return out, nil
}

// baseView is how one unit of a scorecard reads its baseline.
type baseView struct {
	// shown reports whether the unit's baseline figures may be shown.
	shown bool
	// notComparable says why the unit is not compared with the baseline;
	// restated how its baseline was restated.
	notComparable, restated string
	// cover lists the baseline org's units whose figures make up the
	// restated baseline; nil when the baseline is the unit's own cell.
	cover []string
}

// baseline returns how unit id reads its baseline; hidden is the
// scorecard's rule for a unit's cells.
func (o ScorecardOptions) baseline(id string, rolled *rolledReader, hidden func(id, wave string) (Reason, bool)) baseView {
	if o.Lineage == nil || o.Lineage.Identity() {
		if o.baseKey == o.Baseline {
			_, hid := hidden(id, o.Baseline)
			return baseView{shown: !hid}
		}
		// Another version of the survey: the baseline's own cells, read
		// under another key.
		if rolled.respondents(id, o.baseKey) < int64(o.MinGroup) {
			return baseView{}
		}
		if o.Disclosure != nil {
			if _, hid := o.Disclosure.Hidden(id, o.Baseline); hid {
				return baseView{}
			}
		}
		return baseView{shown: true}
	}
	c, ok := o.Lineage.Compare(id)
	if !ok {
		return baseView{notComparable: "not in the org when the wave opened"}
	}
	if !c.Comparable {
		return baseView{notComparable: c.Reason}
	}
	v := baseView{restated: c.Reason}
	add, sub := o.Lineage.Then().Cover(c.Predecessors)
	v.cover = append(add, sub...)
	// A restated baseline is shown only when it is the sum and difference
	// of baseline figures that are shown themselves (so that it tells
	// nothing they do not), and rests on at least the minimum.
	if rolled.respondents(id, o.baseKey) < int64(o.MinGroup) {
		return v
	}
	if o.Disclosure != nil && o.Disclosure.waves[o.baseKey] {
		if _, hid := o.Disclosure.Hidden(id, o.baseKey); hid {
			return v
		}
	}
	for _, x := range v.cover {
		if o.thenRespondents[x] == 0 {
			continue
		}
		if o.thenPlan != nil {
			if _, hid := o.thenPlan.Hidden(x, o.Baseline); hid {
				return v
			}
		} else if o.thenRespondents[x] < int64(o.MinGroup) {
			return v
		}
	}
	v.shown = true
	return v
}

// baseFigureHidden applies the per-figure rule to a unit's baseline
// figure over items: on the unit's own baseline cell, or on every cell of
// the baseline org that a restated baseline is made of; and the minimum
// of people per item on the figure itself.
func (o ScorecardOptions) baseFigureHidden(id string, v baseView, items []survey.Item, rolled *rolledReader,
	figureHidden func(id, wave string, items []survey.Item) (Reason, bool)) bool {
	plan := o.Disclosure
	if v.cover != nil {
		plan = o.thenPlan
	}
	if plan != nil && plan.waves[o.Baseline] {
		cells := v.cover
		if cells == nil {
			cells = []string{id}
		}
		ids := itemIDs(items)
		for _, x := range cells {
			if v.cover != nil && o.thenRespondents[x] == 0 {
				continue
			}
			if _, hid := plan.ItemsHidden(CellRef{Unit: x, Wave: o.Baseline}, ids...); hid {
				return true
			}
		}
	}
	if o.Disclosure != nil && o.Disclosure.waves[o.baseKey] && o.baseKey != o.Baseline {
		if _, hid := figureHidden(id, o.baseKey, items); hid {
			return true
		}
	}
	if o.UnitMinimumOnly {
		return false
	}
	for _, it := range items {
		if n := rolled.tally(id, o.baseKey, it).N(); n > 0 && n < int64(o.MinGroup) {
			return true
		}
	}
	return false
}

// sameItems reports whether a and b hold the same items, by ID.
func sameItems(a, b []survey.Item) bool {
	return slices.EqualFunc(a, b, func(x, y survey.Item) bool { return x.ID == y.ID })
}
