package cx

import (
	"slices"
	"strings"

	"github.com/cxculture/cxculture/survey"
)

// Figures a plan decides on beside the measure keys (see [BehaviorMeasure]
// and the prefixes beside it): a group's respondent count (with its
// response rate), its comments (texts and count), and the share of
// questions its respondents skipped (which rests on every item).
const (
	RespondentsFigure = "respondents"
	CommentsFigure    = "comments"
	SkippedFigure     = "skipped"
)

// ItemMeasure returns the measure key of one item's favorable share, a
// figure of its own: "item:" + id.
func ItemMeasure(id string) string { return ItemPrefix + id }

// FigureHidden reports whether one figure of a cell may not be shown, and
// why. figure is a measure key (BehaviorMeasure(b), "belief:b",
// "practice:b", "mean:b", ItemMeasure(id), ENPSMeasure) or
// RespondentsFigure, CommentsFigure or SkippedFigure. A figure is shown
// only when its cell is shown ([Disclosure.Hidden] or
// [Disclosure.SegmentHidden]) and every item behind it is shown in the
// cell: answered by no one, or by at least the minimum number of people
// and not hidden to protect another cell's answers. The people behind a
// figure pooled over items number at least as many as answered its most
// answered item, so a pooled figure shown rests on at least the minimum.
//
// A figure whose items nobody in the cell answered is not hidden (there
// is nothing to protect): the caller shows it as missing. A figure the
// plan cannot resolve (a key of a survey it did not plan, a segment
// counted without answers, an operational metric) is hidden as
// NotPlanned, so that an oversight hides rather than shows.
func (d *Disclosure) FigureHidden(c CellRef, figure string) (Reason, bool) {
	if r, hidden := d.cellHidden(c); hidden {
		return r, true
	}
	switch figure {
	case RespondentsFigure:
		return Reason{}, false
	case CommentsFigure:
		if c.Key != "" {
			return Reason{Kind: NotPlanned, Min: d.privacy.MinComments}, true
		}
		return d.CommentsHidden(c.Unit, c.Wave)
	}
	items, ok := d.figureItems(figure)
	if !ok {
		return Reason{Kind: NotPlanned, Min: d.privacy.MinScores}, true
	}
	return d.ItemsHidden(c, items...)
}

// ItemsHidden reports whether a figure pooled over the given items (such
// as an indicator's own set of items) may not be shown in a cell, by the
// rules of [Disclosure.FigureHidden].
func (d *Disclosure) ItemsHidden(c CellRef, items ...string) (Reason, bool) {
	if r, hidden := d.cellHidden(c); hidden {
		return r, true
	}
	vec, ok := d.ans[c]
	if !ok || d.space == nil {
		// A shown cell always has respondents; without answer counts the
		// plan cannot tell who answered.
		return Reason{Kind: NotPlanned, Min: d.privacy.MinScores}, true
	}
	min := int64(d.privacy.MinScores)
	for _, id := range items {
		ms := d.space.byItem[id]
		if len(ms) == 0 {
			continue // not an item of the plan: nobody answered it here
		}
		if r, ok := d.figures[c][id]; ok {
			return r, true
		}
		if n := vec[2*ms[0]]; n > 0 && n < min {
			return Reason{Kind: FewAnswered, Min: d.privacy.MinScores}, true
		}
	}
	return Reason{}, false
}

// hasAnswers reports whether the plan knows the answers of its cells,
// which the per-figure rules need.
func (d *Disclosure) hasAnswers() bool { return d.space != nil && len(d.ans) > 0 }

func (d *Disclosure) cellHidden(c CellRef) (Reason, bool) {
	return d.lookup(d.hidden, d.emptyHidden, d.shown, d.privacy.MinScores, c)
}

// figureItems returns the items behind a figure key.
func (d *Disclosure) figureItems(figure string) ([]string, bool) {
	if figure == SkippedFigure {
		if d.space == nil {
			return nil, false
		}
		return sortedKeys(d.space.byItem), true
	}
	m, err := parseMeasure(figure)
	if err != nil || m.source != "survey" {
		return nil, false
	}
	if d.survey == nil {
		// Without the survey only single items can be resolved.
		if id, ok := strings.CutPrefix(m.key, ItemPrefix); ok {
			return []string{id}, true
		}
		return nil, false
	}
	var out []string
	for _, it := range m.items(*d.survey) {
		out = append(out, it.ID)
	}
	return out, true
}

// itemIDs returns the IDs of items.
func itemIDs(items []survey.Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return slices.Clip(out)
}
