package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
)

// Schema names the JSON document format; [Version] is its version.
const Schema = "cxculture.report"

// Version is the version of the JSON document format. It changes only
// when a field is removed, renamed or changes meaning; fields may be added
// within a version.
const Version = 1

// Document is what a report says, in the form it is written as JSON. The
// Markdown, HTML and CSV renderings are made from it, so every format shows
// the same numbers, and a suppressed group's numbers, which never enter a
// Document, cannot appear in any of them.
//
// A Document is not modified by its methods and is safe for concurrent
// reading.
type Document struct {
	// Schema is always [Schema].
	Schema string `json:"schema"`
	// Version is the [Version] of the format.
	Version int `json:"version"`
	// Title is the report's title.
	Title string `json:"title"`
	// Generated is when the report was made, RFC 3339 in UTC; empty when
	// not given.
	Generated string `json:"generated,omitempty"`
	// Scorecard is the scorecard of one wave, when the report has one.
	Scorecard *Scorecard `json:"scorecard,omitempty"`
	// Heatmap is the units × behaviors grid of the scorecard.
	Heatmap *Heatmap `json:"heatmap,omitempty"`
	// Trends are control charts of measures over time.
	Trends []Trend `json:"trends,omitempty"`
	// Impacts are estimated effects of initiatives.
	Impacts []Impact `json:"impacts,omitempty"`
	// Wins are measurable CX results with the behaviors behind them.
	Wins []Win `json:"wins,omitempty"`
	// Pitfalls are the known mistakes of culture change detected, with
	// their evidence.
	Pitfalls []Pitfall `json:"pitfalls,omitempty"`
	// Sustainment says whether initiatives' gains held after they ended.
	Sustainment []Sustainment `json:"sustainment,omitempty"`
	// Links relate behaviors to customer outcomes across units.
	Links []Link `json:"links,omitempty"`
	// Gaps are belief-practice gaps.
	Gaps []Gap `json:"gaps,omitempty"`
	// Indicators are the behavior indicators per unit.
	Indicators []Indicator `json:"indicators,omitempty"`
	// A11 and Touchpoints summarize a quarter of the A-11 customer
	// survey, ours and in the Touchpoints convention.
	A11         *A11         `json:"a11,omitempty"`
	Touchpoints *Touchpoints `json:"touchpoints,omitempty"`
	// Pulse is the participation report.
	Pulse *Pulse `json:"pulse,omitempty"`
	// Comments are the comments per unit, wave and question with their
	// themes.
	Comments []CommentGroup `json:"comments,omitempty"`
	// Recognition counts acts of recognition per unit, behavior and
	// period.
	Recognition []Recognition `json:"recognition,omitempty"`
	// Segments are waves cut by a segment attribute; Leaders are leaders'
	// views; Paired are changes among the people who answered both waves.
	Segments []SegmentCut   `json:"segments,omitempty"`
	Leaders  []LeaderView   `json:"leaders,omitempty"`
	Paired   []PairedChange `json:"paired,omitempty"`
	// WaveNames and SurveyNames name the waves and surveys (by ID) in the
	// texts leaders read: a wave's name, else the date it opened.
	WaveNames   map[string]string `json:"wave_names,omitempty"`
	SurveyNames map[string]string `json:"survey_names,omitempty"`

	// names maps unit IDs to names, for rendering; behaviors names the
	// behaviors.
	names     map[string]string
	behaviors behaviorNames
}

// Number is a figure of a report. It is written as a JSON number, or as
// null when undefined (NaN or infinite); in CSV as a number or NA. Written
// figures are rounded to 12 significant digits, far below any
// interval's width, so that renderings do not depend on the last bits of
// floating point arithmetic.
type Number float64

// NaN returns the undefined Number.
func NaN() Number { return Number(math.NaN()) }

// Defined reports whether n is a finite number.
func (n Number) Defined() bool { return !math.IsNaN(float64(n)) && !math.IsInf(float64(n), 0) }

// String formats n as the shortest decimal that reads back as n rounded
// to 12 significant digits, or "NA" when undefined.
func (n Number) String() string {
	if !n.Defined() {
		return "NA"
	}
	// 'g' with a precision writes no trailing zeros, so for the magnitudes
	// of a report (below 1e12) this is the shortest form of the rounded
	// value.
	s := strconv.FormatFloat(float64(n), 'g', 12, 64)
	if s == "-0" {
		return "0"
	}
	return s
}

// MarshalJSON writes n as a JSON number, or null when undefined.
func (n Number) MarshalJSON() ([]byte, error) {
	if !n.Defined() {
		return []byte("null"), nil
	}
	s := n.String()
	// JSON has no exponent without digits before it; 'g' never writes
	// one, but it writes "e-07" which JSON allows.
	return []byte(s), nil
}

// UnmarshalJSON reads a JSON number, or null as NaN.
func (n *Number) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		*n = NaN()
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("report: number %s: %w", b, err)
	}
	*n = Number(f)
	return nil
}

// Share is a proportion with its confidence interval: Successes of N.
type Share struct {
	Value     Number `json:"value"`
	Lower     Number `json:"lower"`
	Upper     Number `json:"upper"`
	Successes int64  `json:"successes"`
	N         int64  `json:"n"`
}

// Mean is a mean with its confidence interval; all NaN when undefined.
type Mean struct {
	Value Number `json:"value"`
	Lower Number `json:"lower"`
	Upper Number `json:"upper"`
}

// Scorecard is the scorecard of one wave, as [cx.Scorecard] holds it,
// without the figures of suppressed units.
type Scorecard struct {
	// waveNames names the waves for people (Document.WaveNames).
	waveNames map[string]string

	Survey   string `json:"survey"`
	Wave     string `json:"wave"`
	Baseline string `json:"baseline,omitempty"`
	// Level is the confidence level of every interval.
	Level Number `json:"level"`
	// FDR is the false discovery rate of the change tests.
	FDR Number `json:"fdr"`
	// MinGroup is the minimum number of respondents of a shown unit.
	MinGroup int `json:"min_group"`
	// Privacy holds the privacy rules applied beyond MinGroup; absent
	// when only the bare threshold was applied.
	Privacy *Privacy `json:"privacy,omitempty"`
	// Tests is the number of change tests adjusted together.
	Tests int `json:"tests"`
	// Behaviors are the behaviors scored; every Unit.Behaviors is aligned
	// with it.
	Behaviors []string `json:"behaviors"`
	// BehaviorNames name the behaviors for people (from Report.Behaviors);
	// absent when none were given, and a behavior missing from it is
	// named from its ID.
	BehaviorNames map[string]string `json:"behavior_names,omitempty"`
	// Units lists every unit, parents before children.
	Units []Unit `json:"units"`
	// Reliability is Cronbach's alpha of each behavior's items over the
	// organization.
	Reliability []Reliability `json:"reliability,omitempty"`
	// Comparisons say what the changes since the baseline compare across
	// a reorganization or a new version of the survey, and what they do
	// not.
	Comparisons []Comparison `json:"comparisons,omitempty"`
}

// Privacy describes the privacy rules a scorecard applied.
type Privacy struct {
	// MinScores is the minimum number of respondents of shown scores;
	// MinComments that of shown comments.
	MinScores   int `json:"min_scores"`
	MinComments int `json:"min_comments"`
	// Complementary reports complementary suppression: more units are
	// hidden so that no hidden unit can be worked out by subtraction.
	Complementary bool `json:"complementary"`
}

// Unit is one unit's row of a scorecard. A hidden unit has only its
// identity, Hidden and Reason.
type Unit struct {
	Unit   string `json:"unit"`
	Name   string `json:"name"`
	Parent string `json:"parent,omitempty"`
	Depth  int    `json:"depth"`
	Leaf   bool   `json:"leaf"`
	// Hidden units show no figures; Reason says why.
	Hidden bool   `json:"hidden"`
	Reason string `json:"reason,omitempty"`
	// Respondents is the number of responses in the wave.
	Respondents int64 `json:"respondents,omitempty"`
	// ResponseRate is respondents over invited, when known.
	ResponseRate *Share `json:"response_rate,omitempty"`
	// Behaviors are aligned with Scorecard.Behaviors.
	Behaviors []BehaviorScore `json:"behaviors,omitempty"`
	// ENPS is the employee Net Promoter Score, when measured.
	ENPS *ENPS `json:"enps,omitempty"`
}

// BehaviorScore is how favorable one behavior is in one unit.
type BehaviorScore struct {
	Behavior string `json:"behavior"`
	// Hidden behaviors of a shown unit show no figures (fewer than the
	// minimum of its people answered, or hiding them protects another
	// group); Reason says why.
	Hidden bool   `json:"hidden,omitempty"`
	Reason string `json:"reason,omitempty"`
	// Favorable is the share of favorable answers (answers, not
	// respondents, are counted in N).
	Favorable Share `json:"favorable"`
	// Mean is the mean answer after reverse keying.
	Mean Mean `json:"mean"`
	// Change is the change since the baseline wave, when measured.
	Change *Change `json:"change,omitempty"`
}

// Change is the change of a favorable share since the baseline wave.
type Change struct {
	// Items are the items compared when an item of the behavior was
	// reworded, rescaled or not asked in the baseline: Current and
	// Baseline are then over these items only, and Current differs from
	// the behavior's Favorable share (over every item of the wave).
	Items []string `json:"items,omitempty"`
	// Current is the wave's favorable share over the items compared.
	Current Share `json:"current"`
	// Baseline is the favorable share in the baseline wave, over the same
	// items.
	Baseline Share `json:"baseline"`
	// Diff is the change in share, Current minus Baseline.
	Diff Number `json:"diff"`
	// Z and P are the pooled two-proportion z test.
	Z Number `json:"z"`
	P Number `json:"p"`
	// Adjusted is the Benjamini-Hochberg adjusted p-value; null when the
	// change was not among the tests adjusted.
	Adjusted Number `json:"p_adjusted"`
	// Significant reports Adjusted < the scorecard's FDR.
	Significant bool `json:"significant"`
}

// ENPS is an employee Net Promoter Score in points (-100..100) with its
// interval and counts.
type ENPS struct {
	Score      Number `json:"score"`
	Lower      Number `json:"lower"`
	Upper      Number `json:"upper"`
	Promoters  int64  `json:"promoters"`
	Passives   int64  `json:"passives"`
	Detractors int64  `json:"detractors"`
	N          int64  `json:"n"`
}

// Reliability is Cronbach's alpha of one behavior's items with its Feldt
// interval.
type Reliability struct {
	Behavior string   `json:"behavior"`
	Items    []string `json:"items"`
	Alpha    Number   `json:"alpha"`
	Lower    Number   `json:"lower"`
	Upper    Number   `json:"upper"`
	N        int      `json:"n"`
}

// Heatmap is the units × behaviors grid of favorable shares.
type Heatmap struct {
	// Units and Names are the rows' unit IDs and names.
	Units []string `json:"units"`
	Names []string `json:"names"`
	// Behaviors are the columns.
	Behaviors []string `json:"behaviors"`
	// Cells[i][j] is unit i, behavior j.
	Cells [][]Cell `json:"cells"`
}

// Cell is one cell of a heatmap: a favorable share with its interval, or
// hidden with the reason.
type Cell struct {
	Value Number `json:"value"`
	Lower Number `json:"lower"`
	Upper Number `json:"upper"`
	N     int64  `json:"n"`
	// Hidden cells have no figures; Reason says why.
	Hidden bool   `json:"hidden"`
	Reason string `json:"reason,omitempty"`
	// Change is "up" or "down" for a significant change since the
	// baseline, else empty.
	Change string `json:"change,omitempty"`
}

// WriteJSON writes d as indented JSON.
func (d *Document) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(d)
}

// ReadJSON reads a document written by [Document.WriteJSON]. It fails when
// the input is not a report of this [Schema] or has a newer [Version].
func ReadJSON(r io.Reader) (*Document, error) {
	var d Document
	dec := json.NewDecoder(r)
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("report: reading JSON: %w", err)
	}
	if d.Schema != Schema {
		return nil, fmt.Errorf("report: schema %q, want %q", d.Schema, Schema)
	}
	if d.Version < 1 || d.Version > Version {
		return nil, fmt.Errorf("report: version %d, this package reads 1 to %d", d.Version, Version)
	}
	if d.Scorecard != nil {
		d.Scorecard.waveNames = d.WaveNames
	}
	return &d, nil
}

// wname names a wave of the scorecard for people (see Document.wave).
func (sc *Scorecard) wname(id string) string {
	if n := sc.waveNames[id]; n != "" {
		return n
	}
	return "survey " + id
}

// bname names a behavior of the scorecard for people.
func (sc *Scorecard) bname(id string) string {
	if n := sc.BehaviorNames[id]; n != "" {
		return n
	}
	return humanizeID(id)
}
