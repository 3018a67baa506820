package cx

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/cxculture/cxculture/survey"
)

// Default and floor values of the privacy rules, as the field applies them:
// scores need 5 respondents (Viva Glint, Qualtrics, Culture Amp, Lattice,
// 15Five), comments 10 respondents (Viva Glint), and no product lets the
// minimum go below 3.
const (
	// DefaultMinScores is the default minimum number of respondents for a
	// group's scores to be shown.
	DefaultMinScores = 5
	// DefaultMinComments is the default minimum number of respondents for
	// a group's comments (and comment counts) to be shown.
	DefaultMinComments = 10
	// FloorMinScores is the lowest minimum a [Privacy] accepts.
	FloorMinScores = 3
)

// Privacy holds the rules that decide which groups' figures may be shown.
// The zero value applies the defaults with complementary and
// overlapping-segment suppression on (the wave-difference rule is opt-in); use
// [Privacy.WithDefaults] to see the values applied. A Privacy is a plain
// value, safe to copy and to use concurrently.
//
// The rules:
//
//   - A group's scores (counts, favorable shares, means, eNPS, response
//     rate, change) are shown only when it has at least MinScores
//     respondents; its comments and comment count only when it has at
//     least MinComments respondents and its scores are shown.
//   - Complementary suppression: when a group is hidden, enough other
//     groups are hidden that the hidden group cannot be worked out from the
//     visible ones (see [Privacy.Plan] for exactly what is protected).
//   - Overlapping segments: of two demographic segments of the same unit
//     and wave whose memberships differ by fewer than MinScores people,
//     the smaller is hidden.
//   - Wave difference, when WaveDifference is set: a small unit whose
//     respondent count moved by fewer than MinScores people since its last
//     shown wave is hidden in the later wave.
type Privacy struct {
	// MinScores is the minimum number of respondents for a group's scores
	// to be shown; default 5, never below 3.
	MinScores int `json:"min_scores"`
	// MinComments is the minimum number of respondents for a group's
	// comments to be shown; default 10 (and never below MinScores).
	MinComments int `json:"min_comments"`
	// ThresholdOnly hides only the groups below the minimum: no
	// complementary, overlapping-segment or wave-difference suppression.
	// Hidden groups can then often be recovered by subtraction; it exists
	// to reproduce tools that apply the bare threshold.
	ThresholdOnly bool `json:"threshold_only,omitempty"`
	// WaveDifference turns the wave-difference rule on (see [Privacy.Plan]).
	// It is off by default: waves are not linked by an exact relation, so
	// the rule guards against inference, not subtraction, and in small
	// teams it hides much (on the 100,000-response benchmark data, 765 of
	// 5,007 unit cells, against 68 for the complementary rule).
	WaveDifference bool `json:"wave_difference,omitempty"`
}

// rulesOf returns the privacy rules that options name, directly or through
// their disclosure plan, with defaults applied; nil when they name none.
func rulesOf(p *Privacy, d *Disclosure) *Privacy {
	if p == nil && d == nil {
		return nil
	}
	if p == nil {
		pr := d.Privacy()
		p = &pr
	}
	pr := p.WithDefaults()
	return &pr
}

// DefaultPrivacy returns the recommended rules: scores from 5 respondents,
// comments from 10, complementary and overlapping-segment suppression on.
func DefaultPrivacy() Privacy { return Privacy{}.WithDefaults() }

// WithDefaults returns p with zero fields set to their defaults.
func (p Privacy) WithDefaults() Privacy {
	if p.MinScores == 0 {
		p.MinScores = DefaultMinScores
	}
	if p.MinComments == 0 {
		p.MinComments = max(DefaultMinComments, p.MinScores)
	}
	return p
}

// Validate reports, in one [*ValidationError], every setting of p (after
// defaults) that is not allowed: a score minimum below 3, a comment
// minimum below the score minimum.
func (p Privacy) Validate() error {
	p = p.WithDefaults()
	var ps problems
	if p.MinScores < FloorMinScores {
		ps.add("privacy.min_scores", fmt.Sprintf("must be at least %d, got %d: smaller groups single people out", FloorMinScores, p.MinScores))
	}
	if p.MinComments < p.MinScores {
		ps.add("privacy.min_comments", fmt.Sprintf("must be at least min_scores (%d), got %d", p.MinScores, p.MinComments))
	}
	return ps.err()
}

// ReasonKind says why a cell is hidden.
type ReasonKind int

const (
	// BelowMinimum: the group has fewer respondents than the minimum.
	BelowMinimum ReasonKind = iota + 1
	// Complementary: the group is hidden so that another hidden group
	// cannot be worked out by subtraction.
	Complementary
	// OverlappingSegment: the segment's members differ from another
	// shown segment's by fewer than the minimum.
	OverlappingSegment
	// WaveDifference: the unit's respondent count moved by fewer than the
	// minimum since its last shown wave.
	WaveDifference
	// NotPlanned: the cell was not part of the plan (an unknown wave).
	NotPlanned
	// FewAnswered: the group is shown, but fewer than the minimum of its
	// people answered the questions behind the figure.
	FewAnswered
)

// String returns the kind's name.
func (k ReasonKind) String() string {
	switch k {
	case BelowMinimum:
		return "below_minimum"
	case Complementary:
		return "complementary"
	case OverlappingSegment:
		return "overlapping_segment"
	case WaveDifference:
		return "wave_difference"
	case NotPlanned:
		return "not_planned"
	case FewAnswered:
		return "few_answered"
	}
	return fmt.Sprintf("ReasonKind(%d)", int(k))
}

// Reason explains why a cell is hidden, for reports.
type Reason struct {
	Kind ReasonKind `json:"kind"`
	// Min is the minimum number of respondents applied.
	Min int `json:"min"`
	// Other names the cell this one protects (Complementary), the other
	// segment (OverlappingSegment) or the earlier wave (WaveDifference).
	Other string `json:"other,omitempty"`
}

// String explains the reason in words.
func (r Reason) String() string {
	switch r.Kind {
	case BelowMinimum:
		return fmt.Sprintf("fewer than %d respondents", r.Min)
	case Complementary:
		return fmt.Sprintf("hidden so that %s cannot be worked out by subtraction", r.Other)
	case OverlappingSegment:
		return fmt.Sprintf("differs by fewer than %d respondents from segment %s", r.Min, r.Other)
	case WaveDifference:
		return fmt.Sprintf("fewer than %d respondents joined or left since wave %s", r.Min, r.Other)
	case NotPlanned:
		return "not covered by the disclosure plan"
	case FewAnswered:
		return fmt.Sprintf("fewer than %d people answered", r.Min)
	}
	return r.Kind.String()
}

// CellRef names a cell of a [Disclosure]: a unit in a wave, or, with Key
// and Value set, the segment of that unit's respondents whose
// survey.Response.Segments[Key] is Value.
type CellRef struct {
	Unit  string `json:"unit"`
	Wave  string `json:"wave"`
	Key   string `json:"key,omitempty"`
	Value string `json:"value,omitempty"`
}

// String returns "unit@wave" or "unit@wave[key=value]".
func (c CellRef) String() string {
	s := c.Unit + "@" + c.Wave
	if c.Key != "" {
		s += "[" + c.Key + "=" + c.Value + "]"
	}
	return s
}

// HiddenCell is one hidden cell of a [Disclosure] and its reason.
type HiddenCell struct {
	Cell   CellRef `json:"cell"`
	Reason Reason  `json:"reason"`
	// Respondents is the group's size, for counting what is hidden; it is
	// never to be shown.
	Respondents int64 `json:"-"`
}

// Segments counts respondents by demographic segment (the attributes of
// survey.Response.Segments) per unit and wave, and the respondents shared
// by every two segments of different attributes, for [Privacy.Plan];
// counted with [Segments.AddResponse], it also counts their answers, so
// that the plan can protect the favorable counts of segments as it does
// those of units. Like [Tallies], counts are per unit as recorded and are
// rolled up the hierarchy by the plan. A Segments is not safe for
// concurrent mutation.
type Segments struct {
	counts      map[CellRef]int64
	pairs       map[segPair]int64
	answers     map[segAnswer]int64
	pairAnswers map[pairAnswer]int64
	// noAnswers is set once a respondent is counted without answers.
	noAnswers bool
}

type segPair struct {
	Unit, Wave string
	A, B       segKV // A.Key < B.Key
}

type segKV struct{ Key, Value string }

// NewSegments returns empty segment counts.
func NewSegments() *Segments {
	return &Segments{counts: map[CellRef]int64{}, pairs: map[segPair]int64{},
		answers: map[segAnswer]int64{}, pairAnswers: map[pairAnswer]int64{}}
}

// Add counts one respondent of unit in wave with the given attributes,
// without answers: a plan then protects the segments' favorable counts
// through their respondent counts only (see [Privacy.Plan]); prefer
// [Segments.AddResponse]. Attributes with an empty key or value are not
// segments and are ignored.
func (s *Segments) Add(unit, wave string, attrs map[string]string) {
	s.noAnswers = true
	s.add(unit, wave, attrs, nil)
}

func (s *Segments) add(unit, wave string, attrs map[string]string, answers map[string]int) {
	keys := make([]string, 0, len(attrs))
	for k, v := range attrs {
		if k != "" && v != "" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for i, k := range keys {
		c := CellRef{unit, wave, k, attrs[k]}
		s.counts[c]++
		for item, v := range answers {
			s.answers[segAnswer{c, item, v}]++
		}
		for _, k2 := range keys[i+1:] {
			p := segPair{unit, wave, segKV{k, attrs[k]}, segKV{k2, attrs[k2]}}
			s.pairs[p]++
			for item, v := range answers {
				s.pairAnswers[pairAnswer{p, item, v}]++
			}
		}
	}
}

// AddResponse counts the respondent of r and their answers.
func (s *Segments) AddResponse(r survey.Response) { s.add(r.Unit, r.Wave, r.Segments, r.Answers) }

// Merge adds the counts of o into s.
func (s *Segments) Merge(o *Segments) {
	for k, v := range o.counts {
		s.counts[k] += v
	}
	for k, v := range o.pairs {
		s.pairs[k] += v
	}
	for k, v := range o.answers {
		s.answers[k] += v
	}
	for k, v := range o.pairAnswers {
		s.pairAnswers[k] += v
	}
	s.noAnswers = s.noAnswers || o.noAnswers
}

// Respondents returns the number of respondents recorded in unit (not
// rolled up) and wave whose attribute key has the given value.
func (s *Segments) Respondents(unit, wave, key, value string) int64 {
	return s.counts[CellRef{unit, wave, key, value}]
}

// Disclosure is the plan of what may be shown from a set of tallies: which
// unit and segment cells are hidden, and why. Every path that shows
// figures (scorecard, heatmap, trend, change tests, exports, reports, win
// texts, comments) asks it before showing a cell, and shows nothing of a
// hidden cell: no count, share, mean, interval, test, response rate or
// comment. A Disclosure is immutable and safe for concurrent use.
type Disclosure struct {
	privacy  Privacy
	waves    map[string]bool
	order    []string
	hidden   map[CellRef]HiddenCell
	comments map[CellRef]HiddenCell
	// shown and commentsShown hold the cells with respondents that may be
	// shown; any other cell is hidden.
	shown         map[CellRef]bool
	commentsShown map[CellRef]bool
	primary       int
	// survey is the survey planned (nil for a plan without one), space
	// the answers followed, and ans the answer vector over space of every
	// cell with respondents, for the per-figure rules.
	survey *survey.Survey
	space  *answerSpace
	ans    map[CellRef][]int64
}

// Privacy returns the rules the plan applied.
func (d *Disclosure) Privacy() Privacy { return d.privacy }

// Waves returns the waves the plan covers, in the order given to the plan.
func (d *Disclosure) Waves() []string { return slices.Clone(d.order) }

// Hidden reports whether the scores of unit in wave are hidden, and why. A
// wave the plan does not cover is hidden (NotPlanned), so an oversight
// hides rather than shows.
func (d *Disclosure) Hidden(unit, wave string) (Reason, bool) {
	return d.lookup(d.hidden, d.shown, d.privacy.MinScores, CellRef{Unit: unit, Wave: wave})
}

// SegmentHidden reports whether the scores of the segment key=value of
// unit in wave are hidden, and why. A segment the plan did not see has no
// respondents and is hidden as below the minimum.
func (d *Disclosure) SegmentHidden(unit, wave, key, value string) (Reason, bool) {
	return d.lookup(d.hidden, d.shown, d.privacy.MinScores, CellRef{unit, wave, key, value})
}

// CommentsHidden reports whether the comments (texts and counts) of unit
// in wave are hidden, and why: they are shown only for groups of at least
// MinComments respondents whose scores are shown, under the same
// complementary rules.
func (d *Disclosure) CommentsHidden(unit, wave string) (Reason, bool) {
	return d.lookup(d.comments, d.commentsShown, d.privacy.MinComments, CellRef{Unit: unit, Wave: wave})
}

func (d *Disclosure) lookup(m map[CellRef]HiddenCell, shown map[CellRef]bool, min int, c CellRef) (Reason, bool) {
	if !d.waves[c.Wave] {
		return Reason{Kind: NotPlanned, Min: min}, true
	}
	if h, ok := m[c]; ok {
		return h.Reason, true
	}
	if shown[c] {
		return Reason{}, false
	}
	// A cell the plan did not see has no respondents.
	return Reason{Kind: BelowMinimum, Min: min}, true
}

// HiddenCells returns every hidden cell with respondents (unit and segment
// cells), ordered by wave (in plan order), then cell.
func (d *Disclosure) HiddenCells() []HiddenCell {
	return sortedCells(d.hidden, d.order)
}

// HiddenComments returns every unit cell with respondents whose comments
// are hidden, in the order of [Disclosure.HiddenCells].
func (d *Disclosure) HiddenComments() []HiddenCell {
	return sortedCells(d.comments, d.order)
}

func sortedCells(m map[CellRef]HiddenCell, order []string) []HiddenCell {
	pos := map[string]int{}
	for i, w := range order {
		pos[w] = i
	}
	out := slices.Collect(maps.Values(m))
	slices.SortFunc(out, func(a, b HiddenCell) int {
		return cmp.Or(cmp.Compare(pos[a.Cell.Wave], pos[b.Cell.Wave]), strings.Compare(a.Cell.String(), b.Cell.String()))
	})
	return out
}

// BeyondMinimum returns the number of cells with respondents hidden for a
// reason other than being below the minimum: the price of complementary,
// overlapping-segment and wave-difference protection.
func (d *Disclosure) BeyondMinimum() int { return len(d.hidden) - d.primary }

// Plan decides which cells of the tallies may be shown under p: the unit
// cells (every unit of h, rolled up, in each of waves) and, when segs is
// not nil, the segment cells (each attribute value of each unit, rolled
// up). waves must be in time order: the wave-difference rule compares each
// wave with the unit's last shown wave before it. Build one plan over every
// wave a product shows and hand the same [Disclosure] to every path
// (ScorecardOptions.Disclosure, trends, exports, reports), so that a cell
// hidden in one is hidden in all.
//
// Plan fails with a [*ValidationError] when p is invalid, a wave is
// malformed or repeated, or segment counts exceed the unit's respondents;
// with [ErrNotFound] when the tallies or segments name a unit not in h.
//
// # What is protected
//
// A hidden group with respondents ("protected") is one below the minimum,
// or one hidden to protect another. The plan treats every figure it lets
// through as known to a reader: the respondent count of each shown cell
// and, item by item, its answer count and favorable count (from which its
// shares, means and eNPS follow), together with these linear relations,
// which hold for each of those counts:
//
//   - a unit = its own direct respondents + its children (the roll-up of
//     [Tallies.RollUp]);
//   - a unit = the sum of its segments of one attribute + the respondents
//     without that attribute;
//   - a unit's segment = the unit's own respondents in the segment + the
//     same segment of its children;
//   - the respondents of a unit without an attribute = its own without
//     it + its children's without it; its own = its own in each segment +
//     its own without the attribute;
//   - a unit's segment of one attribute = the sum of its crossings with
//     each value of another attribute (and with none), and likewise for
//     the respondents without an attribute.
//
// The direct respondents of a unit and the respondents without an
// attribute are groups too: never shown, but derivable, so when they number
// 1 to min-1 they are protected like a hidden cell. The reason of a hidden
// cell is shown, so a reader also knows that a cell hidden below the
// minimum has at most min-1 respondents and a cell hidden for another
// reason at least min; and every group holds at least as many respondents
// as answers to an item, and at least as many answers as favorable ones.
//
// The plan hides, one cell at a time and to a fixpoint, until:
//
//   - no protected group's respondent count is determined;
//   - for each item, no protected group that answered it has its favorable
//     count determined, nor is known to have answered it all favorably or
//     all unfavorably (which would tell its favorable share, and, since
//     every answer would then be on one side, much of its mean);
//   - in every relation whose total is known, the unknown terms together
//     hold 0 or at least min respondents, and their answers to each item
//     are not unanimous (all or none favorable) when a protected group is
//     among them;
//   - a shown cell minus any family of disjoint shown cells inside it
//     (units below it, whole or by the segments of one attribute, several
//     levels down) leaves 0 or at least min respondents, whose answers are
//     not unanimous when a protected group is among them.
//
// The first two are checked by solving, per connected set of cells not
// shown, the linear programs of what a reader can infer (the minimum and
// maximum of each protected count, favorable count and unfavorable count
// over every non-negative solution of the relations and bounds, counts
// rounded inward to whole people); a set of more than 48 such cells is
// solved around each protected cell, the farther cells taken as known,
// which is sound but may hide more. Faster rules (chains of subtractions
// with the reasons' bounds, the last two rules above) find most breaches
// first. To mend a breach the plan hides the
// smallest shown part with respondents (ties broken by cell name) of the
// relation at fault, or, when it has none, its shown total, or else the
// nearest relation that has a shown cell; that cell's Reason is
// Complementary, naming the protected group. Hidden cells with no
// respondents are treated as known to be empty: they never count as
// protection. The result is deterministic: the same input always hides the
// same cells. The package's tests attack plans with an independent solver
// that searches for whole-number solutions.
//
// Which answers count as favorable: Plan protects, for each item, the
// answers above the midpoint of its scale and those below it (the
// favorable answers of items as worded and of reverse-keyed items on the
// built-in agreement, satisfaction and effort scales), and on 0-10 scales
// the promoters. [Privacy.PlanSurvey] protects exactly each item's
// favorable range instead, and hides less; use it when the survey is at
// hand. Segment cells carry answers only when counted with
// [Segments.AddResponse].
//
// Overlapping segments: for two shown segments of different attributes in
// the same unit and wave whose members differ by 1 to min-1 people
// (counted by [Segments] as members of one but not the other), the smaller
// is hidden (ties by name), since their difference is nearly a small group;
// and when one of two segments that differ by fewer than min people is
// hidden, so is the other.
//
// Wave difference (only with WaveDifference set): answers change between
// waves, so two waves of a unit are not linked by an exact relation; but in
// a small unit a change of a few people weighs heavily on the change of
// its scores. When a unit with fewer than 2×min respondents in a wave or
// in its last shown wave differs from that wave by 1 to min-1
// respondents, the later wave is hidden.
//
// # Limits
//
//   - Unanimity of a shown group: when every respondent of a shown group
//     answered an item the same way, every part of it, hidden or not, is
//     known to have answered that way. No suppression pattern can prevent
//     this short of hiding the group itself, which the rules do not ask.
//   - Items one at a time: the plan solves each item's answers with the
//     respondent counts, not several items jointly, and protects favorable
//     counts, not the count of each answer (how many chose 1, 2, ...).
//     A mean is protected through the favorable count and unanimity; a
//     reader may still narrow it.
//   - Ranges: a protected count is never determined, but a reader may
//     narrow it (for example to "3 or 4"). The linear programs work over
//     fractions and round inward; a set of relations whose only
//     whole-number solutions agree on a count, though fractional ones do
//     not, would escape them (the tests have not found one). Shares are
//     protected through counts and unanimity: a share that stays the same
//     while a group's counts vary together (2 of 4, 4 of 8) is not looked
//     for.
//   - Figures computed outside the plan's relations (pooled waves, custom
//     groupings, segments of two attributes crossed with each other) are
//     not covered: plan them as their own cells or do not show them. The
//     crossings of three or more attributes, and the crossings of a unit
//     as sums of its children's, are not among the relations.
//   - The wave rule is a heuristic over counts, off by default: it does not
//     know who joined or left, and planning fewer waves than are shown
//     breaks it. Without it, a reader comparing two waves of a small unit
//     may attribute the change to the people who joined or left.
//   - With ThresholdOnly set, none of the above beyond the minimum holds.
func (p Privacy) Plan(h *Hierarchy, t *Tallies, waves []string, segs *Segments) (*Disclosure, error) {
	if t == nil {
		return nil, invalid("tallies", "required")
	}
	return p.planTallies(h, t, waves, segs, conventionSpace(t, waves))
}

// PlanSurvey is [Privacy.Plan] for tallies of survey s: it protects the
// favorable answers of each item as s defines them (the item's favorable
// range, reverse keyed for a reversed item), where Plan protects the
// answers above and below each scale's midpoint and, on 0-10 scales, the
// promoters. Use it when s has scales with other favorable ranges.
func (p Privacy) PlanSurvey(s survey.Survey, h *Hierarchy, t *Tallies, waves []string, segs *Segments) (*Disclosure, error) {
	if t == nil {
		return nil, invalid("tallies", "required")
	}
	d, err := p.planTallies(h, t, waves, segs, surveySpace(s))
	if err != nil {
		return nil, err
	}
	sc := s.Clone()
	d.survey = &sc
	return d, nil
}

func (p Privacy) planTallies(h *Hierarchy, t *Tallies, waves []string, segs *Segments, space *answerSpace) (*Disclosure, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	keep := map[string]bool{}
	for _, w := range waves {
		keep[w] = true
	}
	resp := map[Group]int64{}
	for g, n := range t.Respondents {
		if !keep[g.Wave] {
			continue
		}
		if !h.Has(g.Unit) {
			return nil, fmt.Errorf("cx: tallies name unit %q, which is not in the hierarchy: %w", g.Unit, ErrNotFound)
		}
		for _, u := range withAncestors(h, g.Unit) {
			resp[Group{u, g.Wave}] += n
		}
	}
	vecs := map[Group][]int64{}
	for c, v := range t.Answers {
		if !keep[c.Wave] || len(space.byItem[c.Item]) == 0 {
			continue
		}
		if !h.Has(c.Unit) {
			return nil, fmt.Errorf("cx: tallies name unit %q, which is not in the hierarchy: %w", c.Unit, ErrNotFound)
		}
		for _, u := range withAncestors(h, c.Unit) {
			g := Group{u, c.Wave}
			vec := vecs[g]
			if vec == nil {
				vec = make([]int64, space.width())
				vecs[g] = vec
			}
			space.addTally(vec, c.Item, v)
		}
	}
	answers := func(unit, wave string) []int64 {
		if v := vecs[Group{unit, wave}]; v != nil {
			return v
		}
		return make([]int64, space.width())
	}
	return p.WithDefaults().plan(h, func(unit, wave string) int64 { return resp[Group{unit, wave}] }, answers, space, t.Respondents, waves, segs)
}

// HiddenFunc returns Hidden as a predicate, for options that take one
// (such as PulseOptions.Hidden).
func (d *Disclosure) HiddenFunc() func(unit, wave string) bool {
	return func(unit, wave string) bool { _, hidden := d.Hidden(unit, wave); return hidden }
}

// plan builds a disclosure from rolled-up respondent counts and answer
// vectors over space (answers may be nil: no answers known), without
// validating p. direct holds the respondents per unit as tallied, against
// which segment counts are checked.
func (p Privacy) plan(h *Hierarchy, resp func(unit, wave string) int64, answers func(unit, wave string) []int64, space *answerSpace,
	direct map[Group]int64, waves []string, segs *Segments) (*Disclosure, error) {
	var ps problems
	seen := map[string]bool{}
	for i, w := range waves {
		switch {
		case !survey.ValidID(w):
			ps.add(fmt.Sprintf("waves[%d]", i), fmt.Sprintf("malformed wave %q", w))
		case seen[w]:
			ps.add(fmt.Sprintf("waves[%d]", i), fmt.Sprintf("wave %q given twice", w))
		}
		seen[w] = true
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	var segRolled *Segments
	var segVecs map[CellRef][]int64
	var pairVecs map[segPair][]int64
	if segs != nil {
		var err error
		if segRolled, err = segs.rollUp(h, seen, direct); err != nil {
			return nil, err
		}
		if answers != nil {
			segVecs, pairVecs = segRolled.vectors(space)
		}
	}
	av := answerVecs{unit: answers, seg: segVecs, pair: pairVecs, space: space}
	d := &Disclosure{privacy: p, waves: seen, order: slices.Clone(waves), hidden: map[CellRef]HiddenCell{},
		comments: map[CellRef]HiddenCell{}, shown: map[CellRef]bool{}, commentsShown: map[CellRef]bool{},
		space: space, ans: map[CellRef][]int64{}}
	type shown struct {
		wave string
		n    int64
	}
	last := map[string]shown{}
	for _, w := range waves {
		pl := newPlanner(h, resp, av, segRolled, w, int64(p.MinScores))
		pl.primary()
		if !p.ThresholdOnly {
			if p.WaveDifference {
				for i := range pl.nodes {
					nd := &pl.nodes[i]
					if nd.virtual || nd.ref.Key != "" || nd.hidden {
						continue
					}
					prev, ok := last[nd.ref.Unit]
					diff := nd.n - prev.n
					if ok && diff != 0 && abs64(diff) < pl.min && min(nd.n, prev.n) < 2*pl.min {
						pl.hide(i, Reason{Kind: WaveDifference, Min: p.MinScores, Other: prev.wave})
					}
				}
			}
			pl.overlaps(segRolled)
			pl.complete()
			for pl.audit() {
				pl.complete()
			}
		}
		for _, nd := range pl.nodes {
			if nd.virtual {
				continue
			}
			if nd.ans != nil && nd.n > 0 {
				d.ans[nd.ref] = nd.ans
			}
			if nd.hidden {
				if nd.n > 0 {
					d.hidden[nd.ref] = HiddenCell{Cell: nd.ref, Reason: nd.reason, Respondents: nd.n}
					if nd.reason.Kind == BelowMinimum {
						d.primary++
					}
				}
			} else {
				d.shown[nd.ref] = true
				if nd.ref.Key == "" {
					last[nd.ref.Unit] = shown{w, nd.n}
				}
			}
		}
		// Comments: the same plan at the comment minimum, starting from
		// the cells whose scores are hidden.
		cp := newPlanner(h, resp, answerVecs{}, segRolled, w, int64(p.MinComments))
		for i := range cp.nodes {
			nd := &cp.nodes[i]
			if nd.virtual {
				continue
			}
			if hc, ok := pl.lookup(nd.ref); ok && hc.hidden {
				cp.hide(i, hc.reason)
			}
		}
		cp.primary()
		if !p.ThresholdOnly {
			cp.overlaps(segRolled)
			cp.complete()
			for cp.audit() {
				cp.complete()
			}
		}
		for _, nd := range cp.nodes {
			switch {
			case nd.virtual || nd.ref.Key != "":
			case nd.hidden && nd.n > 0:
				d.comments[nd.ref] = HiddenCell{Cell: nd.ref, Reason: nd.reason, Respondents: nd.n}
			case !nd.hidden:
				d.commentsShown[nd.ref] = true
			}
		}
	}
	return d, nil
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// rollUp returns the segment counts of the waves in keep rolled up h,
// checked against the respondents of t.
func (s *Segments) rollUp(h *Hierarchy, keep map[string]bool, direct map[Group]int64) (*Segments, error) {
	out := NewSegments()
	var ps problems
	perKey := map[CellRef]int64{} // unit, wave, key → respondents with the key
	for _, c := range slices.SortedFunc(maps.Keys(s.counts), func(a, b CellRef) int { return strings.Compare(a.String(), b.String()) }) {
		n := s.counts[c]
		if !keep[c.Wave] {
			continue
		}
		if !h.Has(c.Unit) {
			return nil, fmt.Errorf("cx: segments name unit %q, which is not in the hierarchy: %w", c.Unit, ErrNotFound)
		}
		if n < 0 {
			ps.add("segments."+c.String(), "negative count")
		}
		perKey[CellRef{Unit: c.Unit, Wave: c.Wave, Key: c.Key}] += n
		for _, u := range withAncestors(h, c.Unit) {
			out.counts[CellRef{u, c.Wave, c.Key, c.Value}] += n
		}
	}
	for _, k := range slices.SortedFunc(maps.Keys(perKey), func(a, b CellRef) int { return strings.Compare(a.String(), b.String()) }) {
		if r := direct[Group{k.Unit, k.Wave}]; perKey[k] > r {
			ps.add("segments."+k.Unit+"@"+k.Wave+"."+k.Key, fmt.Sprintf("%d respondents in segments of %s but %d respondents in the tallies", perKey[k], k.Key, r))
		}
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	rollUpCounts(h, keep, s.pairs, out.pairs, func(k *segPair) (*string, string) { return &k.Unit, k.Wave })
	rollUpCounts(h, keep, s.answers, out.answers, func(k *segAnswer) (*string, string) { return &k.Cell.Unit, k.Cell.Wave })
	rollUpCounts(h, keep, s.pairAnswers, out.pairAnswers, func(k *pairAnswer) (*string, string) { return &k.Pair.Unit, k.Pair.Wave })
	out.noAnswers = s.noAnswers
	return out, nil
}

// rollUpCounts adds the counts of src in the waves of keep into dst, at
// the unit of each key and at each of its ancestors; at gives a key's
// unit (to be rewritten) and wave. Keys of units not in h are left out.
func rollUpCounts[K comparable](h *Hierarchy, keep map[string]bool, src, dst map[K]int64, at func(*K) (*string, string)) {
	for k, n := range src {
		unit, wave := at(&k)
		if !keep[wave] || !h.Has(*unit) {
			continue
		}
		for _, u := range withAncestors(h, *unit) {
			*unit = u
			dst[k] += n
		}
	}
}

// The planner works on one wave: nodes are the cells (published unit and
// segment cells, and virtual groups that are never shown but derivable),
// relations say total = sum of parts.
type planner struct {
	min   int64
	nodes []pnode
	index map[CellRef]int
	rels  []prel
	// close holds the pairs of segments (different keys, same unit) whose
	// members differ by fewer than min people: shown or hidden together.
	close [][2]int
	// kids holds, per cell, the same cell of the unit's children (the
	// unit tree, and one tree per segment).
	kids map[int][]int
	// segsOf holds, per unit cell, its segment cells by key.
	segsOf map[int]map[string][]int
	// relsOf holds, per node, the relations it is a term of.
	relsOf [][]int
	// dirty marks, during a pass of complete, the relations of the cells
	// hidden in that pass: rules touching them wait for the next pass.
	dirty []bool
	// space is what the nodes' answer vectors count; nil when none.
	space *answerSpace
}

type pnode struct {
	ref   CellRef
	label string // names a virtual group in reasons
	n     int64
	// ans is the node's answer vector (see answerSpace), nil when unknown.
	ans     []int64
	virtual bool
	hidden  bool
	reason  Reason
}

type prel struct {
	total int
	parts []int
}

// answerVecs gives the answer vectors of a plan's cells: of units rolled
// up, of segments and of segment pairs; unit nil means none are known.
type answerVecs struct {
	unit  func(unit, wave string) []int64
	seg   map[CellRef][]int64
	pair  map[segPair][]int64
	space *answerSpace
}

func newPlanner(h *Hierarchy, resp func(unit, wave string) int64, av answerVecs, segs *Segments, wave string, min int64) *planner {
	pl := &planner{min: min, index: map[CellRef]int{}, kids: map[int][]int{}, segsOf: map[int]map[string][]int{}, space: av.space}
	add := func(ref CellRef, n int64, ans []int64) int {
		pl.index[ref] = len(pl.nodes)
		pl.nodes = append(pl.nodes, pnode{ref: ref, n: n, ans: ans})
		return len(pl.nodes) - 1
	}
	virtual := func(label string, ref CellRef, n int64, ans []int64) int {
		pl.nodes = append(pl.nodes, pnode{ref: ref, label: label, n: n, ans: ans, virtual: true, hidden: n > 0 && n < min})
		return len(pl.nodes) - 1
	}
	ansOf := func(i int) []int64 { return pl.nodes[i].ans }
	ids := h.IDs()
	for _, u := range ids {
		var ans []int64
		if av.unit != nil {
			ans = av.unit(u, wave)
		}
		add(CellRef{Unit: u, Wave: wave}, resp(u, wave), ans)
	}
	// values per key, over the whole wave, sorted
	values := map[string][]string{}
	if segs != nil {
		set := map[segKV]bool{}
		for c := range segs.counts {
			if c.Wave == wave {
				set[segKV{c.Key, c.Value}] = true
			}
		}
		for kv := range set {
			values[kv.Key] = append(values[kv.Key], kv.Value)
		}
		for k := range values {
			slices.Sort(values[k])
		}
		for _, u := range ids {
			for _, k := range sortedKeys(values) {
				for _, v := range values[k] {
					if n := segs.counts[CellRef{u, wave, k, v}]; n > 0 {
						ui := pl.index[CellRef{Unit: u, Wave: wave}]
						if pl.segsOf[ui] == nil {
							pl.segsOf[ui] = map[string][]int{}
						}
						pl.segsOf[ui][k] = append(pl.segsOf[ui][k], add(CellRef{u, wave, k, v}, n, av.seg[CellRef{u, wave, k, v}]))
					}
				}
			}
		}
	}
	// own[u] is the group of u's direct respondents: u itself for a leaf.
	own := map[string]int{}
	for _, u := range ids {
		total := pl.index[CellRef{Unit: u, Wave: wave}]
		if h.IsLeaf(u) {
			own[u] = total
			continue
		}
		r := prel{total: total}
		n := pl.nodes[total].n
		var sub [][]int64
		for _, c := range h.Children(u) {
			i := pl.index[CellRef{Unit: c, Wave: wave}]
			r.parts = append(r.parts, i)
			pl.kids[total] = append(pl.kids[total], i)
			n -= pl.nodes[i].n
			sub = append(sub, ansOf(i))
		}
		own[u] = virtual("the direct respondents of "+u+"@"+wave, CellRef{Unit: u, Wave: wave}, n, subVec(ansOf(total), sub...))
		r.parts = append(r.parts, own[u])
		pl.rels = append(pl.rels, r)
	}
	unsetOf := map[string]map[string]int{}
	for _, k := range sortedKeys(values) {
		// unset[u]: u's respondents without k; ownUnset[u]: u's direct
		// respondents without k; ownSeg[u][v]: u's direct respondents with
		// k=v (-1 when there are none).
		unset, ownUnset := map[string]int{}, map[string]int{}
		unsetOf[k] = unset
		ownSeg := map[string][]int{}
		for _, u := range ids {
			total := pl.index[CellRef{Unit: u, Wave: wave}]
			r := prel{total: total}
			rest := pl.nodes[total].n
			var sub [][]int64
			for _, v := range values[k] {
				if i, ok := pl.index[CellRef{u, wave, k, v}]; ok {
					r.parts = append(r.parts, i)
					rest -= pl.nodes[i].n
					sub = append(sub, ansOf(i))
				}
			}
			unset[u] = virtual("the respondents of "+u+"@"+wave+" without "+k, CellRef{Unit: u, Wave: wave, Key: k}, rest, subVec(ansOf(total), sub...))
			r.parts = append(r.parts, unset[u])
			pl.rels = append(pl.rels, r)
		}
		for _, u := range ids {
			segs := make([]int, len(values[k]))
			for j, v := range values[k] {
				total, ok := pl.index[CellRef{u, wave, k, v}]
				switch {
				case !ok:
					segs[j] = -1
					continue
				case h.IsLeaf(u):
					segs[j] = total
					continue
				}
				r := prel{total: total}
				n := pl.nodes[total].n
				var sub [][]int64
				for _, c := range h.Children(u) {
					if i, ok := pl.index[CellRef{c, wave, k, v}]; ok {
						r.parts = append(r.parts, i)
						pl.kids[total] = append(pl.kids[total], i)
						n -= pl.nodes[i].n
						sub = append(sub, ansOf(i))
					}
				}
				segs[j] = virtual("the direct respondents of "+u+"@"+wave+" with "+k+"="+v, CellRef{u, wave, k, v}, n, subVec(ansOf(total), sub...))
				r.parts = append(r.parts, segs[j])
				pl.rels = append(pl.rels, r)
			}
			ownSeg[u] = segs
			if h.IsLeaf(u) {
				ownUnset[u] = unset[u]
				continue
			}
			// Without k: u's = its direct ones + its children's.
			r := prel{total: unset[u]}
			n := pl.nodes[unset[u]].n
			var sub [][]int64
			for _, c := range h.Children(u) {
				r.parts = append(r.parts, unset[c])
				n -= pl.nodes[unset[c]].n
				sub = append(sub, ansOf(unset[c]))
			}
			ownUnset[u] = virtual("the direct respondents of "+u+"@"+wave+" without "+k, CellRef{Unit: u, Wave: wave, Key: k}, n, subVec(ansOf(unset[u]), sub...))
			r.parts = append(r.parts, ownUnset[u])
			pl.rels = append(pl.rels, r)
		}
		// u's direct respondents = theirs in each segment + those without k.
		for _, u := range ids {
			if h.IsLeaf(u) {
				continue
			}
			r := prel{total: own[u]}
			for _, i := range ownSeg[u] {
				if i >= 0 {
					r.parts = append(r.parts, i)
				}
			}
			r.parts = append(r.parts, ownUnset[u])
			pl.rels = append(pl.rels, r)
		}
	}
	// Two attributes cross in each unit: the respondents with k1=v and
	// k2=w (counted by Segments), with one and without the other, with
	// neither. Each segment is the sum of its crossings with the other
	// attribute.
	keys := sortedKeys(values)
	for i, k1 := range keys {
		for _, k2 := range keys[i+1:] {
			for _, u := range ids {
				pl.cross(segs, av.pair, u, wave, k1, k2, values[k1], values[k2], unsetOf[k1][u], unsetOf[k2][u])
			}
		}
	}
	pl.relsOf = make([][]int, len(pl.nodes))
	for ri, r := range pl.rels {
		pl.relsOf[r.total] = append(pl.relsOf[r.total], ri)
		for _, x := range r.parts {
			pl.relsOf[x] = append(pl.relsOf[x], ri)
		}
	}
	return pl
}

// mendFrom mends the relation nearest to the pinned node x (breadth first
// over the relations, through their terms) that has a shown cell: it
// hides that cell. It reports whether it hid one.
func (pl *planner) mendFrom(x int) bool {
	seenRel := make([]bool, len(pl.rels))
	seen := map[int]bool{x: true}
	queue := []int{x}
	for len(queue) > 0 {
		y := queue[0]
		queue = queue[1:]
		for _, ri := range pl.relsOf[y] {
			if seenRel[ri] {
				continue
			}
			seenRel[ri] = true
			if pl.dirty != nil && pl.dirty[ri] {
				return false // changed in this pass: the next pass decides
			}
			r := pl.rels[ri]
			if pl.mend(r, x) {
				return true
			}
			for _, z := range append([]int{r.total}, r.parts...) {
				if !seen[z] && pl.nodes[z].n > 0 {
					seen[z] = true
					queue = append(queue, z)
				}
			}
		}
	}
	return false
}

// cross adds the crossings of attributes k1 and k2 (k1 < k2) in unit u as
// groups never shown, and the relations that tie them to the segments
// and to the respondents without each attribute.
func (pl *planner) cross(segs *Segments, pairVecs map[segPair][]int64, u, wave, k1, k2 string, vs1, vs2 []string, unset1, unset2 int) {
	seg := func(k, v string) int {
		if i, ok := pl.index[CellRef{u, wave, k, v}]; ok {
			return i
		}
		return -1
	}
	virtual := func(label string, n int64, ans []int64) int {
		pl.nodes = append(pl.nodes, pnode{ref: CellRef{Unit: u, Wave: wave}, label: label, n: n, ans: ans, virtual: true, hidden: n > 0 && n < pl.min})
		return len(pl.nodes) - 1
	}
	name := u + "@" + wave
	// rows[v] and cols[w] collect the crossings of k1=v and k2=w; the
	// last of each is "without the other attribute".
	rows := make([]prel, len(vs1)+1)
	cols := make([]prel, len(vs2)+1)
	for a, v := range vs1 {
		rows[a].total = seg(k1, v)
	}
	rows[len(vs1)].total = unset1
	for b, w := range vs2 {
		cols[b].total = seg(k2, w)
	}
	cols[len(vs2)].total = unset2
	rowN := func(a int) int64 {
		if rows[a].total < 0 {
			return 0
		}
		return pl.nodes[rows[a].total].n
	}
	colN := func(b int) int64 {
		if cols[b].total < 0 {
			return 0
		}
		return pl.nodes[cols[b].total].n
	}
	// The answers of a row or column total; a missing segment has none.
	ansOf := func(i int) []int64 {
		if i < 0 {
			if pl.space == nil || pairVecs == nil {
				return nil
			}
			return make([]int64, pl.space.width())
		}
		return pl.nodes[i].ans
	}
	cell := make([][]int64, len(vs1)+1)
	ans := make([][][]int64, len(vs1)+1)
	for a := range cell {
		cell[a] = make([]int64, len(vs2)+1)
		ans[a] = make([][]int64, len(vs2)+1)
	}
	for a, v := range vs1 {
		rest := rowN(a)
		var sub [][]int64
		for b, w := range vs2 {
			p := segPair{u, wave, segKV{k1, v}, segKV{k2, w}}
			cell[a][b] = segs.pairs[p]
			rest -= cell[a][b]
			if pairVecs != nil {
				ans[a][b] = pairVecs[p]
				if ans[a][b] == nil {
					ans[a][b] = make([]int64, pl.space.width())
				}
			}
			sub = append(sub, ans[a][b])
		}
		cell[a][len(vs2)] = rest
		ans[a][len(vs2)] = subVec(ansOf(rows[a].total), sub...)
	}
	for b := range vs2 {
		rest := colN(b)
		var sub [][]int64
		for a := range vs1 {
			rest -= cell[a][b]
			sub = append(sub, ans[a][b])
		}
		cell[len(vs1)][b] = rest
		ans[len(vs1)][b] = subVec(ansOf(cols[b].total), sub...)
	}
	rest := rowN(len(vs1))
	var sub [][]int64
	for b := range vs2 {
		rest -= cell[len(vs1)][b]
		sub = append(sub, ans[len(vs1)][b])
	}
	cell[len(vs1)][len(vs2)] = rest
	ans[len(vs1)][len(vs2)] = subVec(ansOf(rows[len(vs1)].total), sub...)
	label := func(a, b int) string {
		x, y := "without "+k1, "without "+k2
		if a < len(vs1) {
			x = k1 + "=" + vs1[a]
		}
		if b < len(vs2) {
			y = k2 + "=" + vs2[b]
		}
		return "the respondents of " + name + " with " + x + " and " + y
	}
	for a := range cell {
		for b := range cell[a] {
			if cell[a][b] == 0 {
				continue
			}
			x := virtual(label(a, b), cell[a][b], ans[a][b])
			rows[a].parts = append(rows[a].parts, x)
			cols[b].parts = append(cols[b].parts, x)
		}
	}
	for _, r := range append(rows, cols...) {
		if r.total >= 0 && len(r.parts) > 0 {
			pl.rels = append(pl.rels, r)
		}
	}
}

func (pl *planner) lookup(ref CellRef) (pnode, bool) {
	i, ok := pl.index[ref]
	if !ok {
		return pnode{}, false
	}
	return pl.nodes[i], true
}

func (pl *planner) name(i int) string {
	if pl.nodes[i].virtual {
		return pl.nodes[i].label
	}
	return pl.nodes[i].ref.String()
}

func (pl *planner) hide(i int, r Reason) {
	if !pl.nodes[i].hidden {
		pl.nodes[i].hidden, pl.nodes[i].reason = true, r
		if pl.dirty != nil {
			for _, ri := range pl.relsOf[i] {
				pl.dirty[ri] = true
			}
		}
	}
}

// touched reports whether a relation of any of xs changed in this pass.
func (pl *planner) touched(xs ...int) bool {
	for _, x := range xs {
		for _, ri := range pl.relsOf[x] {
			if pl.dirty[ri] {
				return true
			}
		}
	}
	return false
}

// primary hides the published cells below the minimum.
func (pl *planner) primary() {
	for i := range pl.nodes {
		if !pl.nodes[i].virtual && pl.nodes[i].n < pl.min {
			pl.hide(i, Reason{Kind: BelowMinimum, Min: int(pl.min)})
		}
	}
}

// overlaps finds the pairs of segments of different keys in the same unit
// whose members differ by fewer than min people, and hides the smaller of
// each such pair that is shown and differs at all.
func (pl *planner) overlaps(segs *Segments) {
	if segs == nil {
		return
	}
	for i := range pl.nodes {
		a := pl.nodes[i]
		if a.virtual || a.ref.Key == "" {
			continue
		}
		for j := i + 1; j < len(pl.nodes); j++ {
			b := pl.nodes[j]
			if b.virtual || b.ref.Key == "" || b.ref.Unit != a.ref.Unit || b.ref.Key == a.ref.Key {
				continue
			}
			x, y := segKV{a.ref.Key, a.ref.Value}, segKV{b.ref.Key, b.ref.Value}
			if y.Key < x.Key {
				x, y = y, x
			}
			both := segs.pairs[segPair{a.ref.Unit, a.ref.Wave, x, y}]
			if d := a.n + b.n - 2*both; d < pl.min {
				pl.close = append(pl.close, [2]int{i, j})
				if d > 0 && !a.hidden && !b.hidden {
					small, big := i, j
					if b.n < a.n || b.n == a.n && pl.name(j) < pl.name(i) {
						small, big = j, i
					}
					pl.hide(small, pl.overlapReason(big))
				}
			}
		}
	}
}

func (pl *planner) overlapReason(other int) Reason {
	return Reason{Kind: OverlappingSegment, Min: int(pl.min), Other: pl.nodes[other].ref.Key + "=" + pl.nodes[other].ref.Value}
}

// bounds returns what a reader knows of a node's count before using the
// relations: its value when shown or empty; from a hidden cell's reason,
// at most min-1 below the minimum and at least min otherwise; of a group
// never shown, at most min-1 when it is that small (taking the worst case
// that a reader guesses it), else nothing.
func (pl *planner) bounds(i int) (lo, hi int64) {
	nd := &pl.nodes[i]
	switch {
	case nd.virtual && nd.n == 0:
		return 0, 0
	case nd.virtual && nd.hidden:
		return 0, pl.min - 1
	case nd.virtual:
		return 0, unbounded
	case !nd.hidden || nd.n == 0:
		return nd.n, nd.n
	case nd.reason.Kind == BelowMinimum:
		return 0, int64(nd.reason.Min) - 1
	}
	return int64(nd.reason.Min), unbounded
}

// maxIntervalPasses caps the passes of interval propagation.
const maxIntervalPasses = 1000

// unbounded is the upper bound of a count known only from below; sums
// saturate at it.
const unbounded = int64(math.MaxInt64 / 4)

func satAdd(a, b int64) int64 { return min(a+b, unbounded) }

// intervals narrows every node's bounds through the relations (total =
// sum of parts) until nothing changes: what a reader can work out by
// chaining subtractions and the bounds the reasons reveal.
func (pl *planner) intervals() (lo, hi []int64) {
	lo, hi = make([]int64, len(pl.nodes)), make([]int64, len(pl.nodes))
	for i := range pl.nodes {
		lo[i], hi[i] = pl.bounds(i)
	}
	// Bounds tighten by whole respondents; a cycle of relations can
	// tighten them one at a time, so the passes are capped (the cap is
	// far above what trees of relations need).
	for pass, changed := 0, true; changed && pass < maxIntervalPasses; pass++ {
		changed = false
		set := func(i int, l, h int64) {
			if l > lo[i] {
				lo[i], changed = l, true
			}
			if h < hi[i] {
				hi[i], changed = h, true
			}
		}
		for _, r := range pl.rels {
			var sumLo, sumHi int64
			for _, p := range r.parts {
				sumLo, sumHi = satAdd(sumLo, lo[p]), satAdd(sumHi, hi[p])
			}
			set(r.total, sumLo, sumHi)
			for _, p := range r.parts {
				l := lo[p]
				if sumHi < unbounded && hi[p] < unbounded {
					l = lo[r.total] - (sumHi - hi[p])
				}
				h := hi[p]
				if hi[r.total] < unbounded {
					h = hi[r.total] - (sumLo - lo[p])
				}
				set(p, l, h)
			}
		}
	}
	return lo, hi
}

// complete hides cells until no rule is broken (see Privacy.Plan).
func (pl *planner) complete() {
	for pl.fixPass() {
	}
	pl.dirty = nil
}

// fixPass mends, in a fixed order, every broken rule whose relations no
// earlier mend of the pass changed (those wait for the next pass, which
// sees the change); it reports whether it hid a cell.
func (pl *planner) fixPass() bool {
	pl.dirty = make([]bool, len(pl.rels))
	fixed := false
	lo, hi := pl.intervals()
	known := func(i int) bool { return lo[i] == hi[i] }
	// A protected group pinned to one value.
	for x := range pl.nodes {
		if !pl.nodes[x].hidden || pl.nodes[x].n == 0 || !known(x) || pl.touched(x) {
			continue
		}
		if pl.mendFrom(x) {
			fixed = true
		}
	}
	// A hidden segment whose near twin is shown.
	for _, c := range pl.close {
		a, b := c[0], c[1]
		if pl.nodes[b].hidden && pl.nodes[b].n > 0 {
			a, b = b, a
		}
		if pl.nodes[a].hidden && pl.nodes[a].n > 0 && !pl.nodes[b].hidden {
			pl.hide(b, pl.overlapReason(a))
			fixed = true
		}
	}
	// A difference that is a small group.
	for ri, r := range pl.rels {
		if !known(r.total) || pl.dirty[ri] {
			continue
		}
		var unknown []int
		var sum int64
		for _, x := range r.parts {
			if !known(x) {
				unknown = append(unknown, x)
				sum += pl.nodes[x].n
			}
		}
		if len(unknown) > 0 && sum < pl.min && pl.mend(r, pl.smallestName(unknown)) {
			fixed = true
		}
	}
	// Unknown terms whose answers, together, are unanimous: each protected
	// group among them would be known to have answered that way.
	var holds []bool
	if pl.space != nil {
		holds = pl.holdsProtected()
		for ri, r := range pl.rels {
			if !known(r.total) || pl.dirty[ri] {
				continue
			}
			var kn, unknown, prot []int
			for _, x := range r.parts {
				switch {
				case known(x):
					kn = append(kn, x)
				case holds[x]:
					prot = append(prot, x)
					fallthrough
				default:
					unknown = append(unknown, x)
				}
			}
			if len(prot) == 0 {
				continue
			}
			if un := pl.revealed(pl.nodes[r.total].ans, kn, unknown, holds); len(un) > 0 {
				x := pl.smallestName(prot)
				var shown []int
				for _, p := range r.parts {
					if nd := &pl.nodes[p]; !nd.virtual && !nd.hidden && nd.n > 0 {
						shown = append(shown, p)
					}
				}
				if b := pl.breaker(shown, un); b >= 0 {
					pl.hide(b, Reason{Kind: Complementary, Min: int(pl.min), Other: pl.name(x)})
					fixed = true
				} else if pl.mend(r, x) || pl.mendFrom(x) {
					fixed = true
				}
			}
		}
	}
	// A shown cell minus shown cells inside it (units below it, whole or
	// by segment, over several levels): what is left must not be a small
	// group, nor a protected group whose answers are unanimous.
	memo := map[int][]split{}
	for v := range pl.nodes {
		nd := &pl.nodes[v]
		if nd.virtual || nd.hidden || nd.n == 0 || pl.touched(v) {
			continue
		}
		for _, ri := range pl.relsOf[v] {
			r := pl.rels[ri]
			if r.total != v || !pl.publishedPart(r) {
				continue
			}
			for _, sp := range pl.product(r.parts, memo) {
				if len(sp.cells) == 0 || pl.touched(sp.cells...) || pl.touched(sp.open...) {
					continue
				}
				var rest int64
				for _, x := range sp.open {
					rest += pl.nodes[x].n
				}
				if rest == 0 {
					continue
				}
				var why string
				best := -1
				if rest < pl.min {
					why = "the respondents of " + pl.name(v) + " outside its shown parts"
				} else if holds == nil {
					continue
				} else if un := pl.revealed(nd.ans, sp.cells, sp.open, holds); len(un) > 0 {
					why = "the answers of the respondents of " + pl.name(v) + " outside its shown parts"
					best = pl.breaker(sp.cells, un)
				} else {
					continue
				}
				if best < 0 {
					best = sp.cells[0]
					for _, x := range sp.cells[1:] {
						if pl.nodes[x].n < pl.nodes[best].n || pl.nodes[x].n == pl.nodes[best].n && pl.name(x) < pl.name(best) {
							best = x
						}
					}
				}
				pl.hide(best, Reason{Kind: Complementary, Min: int(pl.min), Other: why})
				fixed = true
				break
			}
		}
	}
	return fixed
}

// unanimity is a measure on which some answers are unanimous: none in its
// range (none) or all.
type unanimity struct {
	m    int
	none bool
}

// breaker returns the cell of xs whose answers, hidden, would end the most
// of the unanimities un (it answered otherwise on those measures), the
// smallest of those (ties by name); -1 when none would end any.
func (pl *planner) breaker(xs []int, un []unanimity) int {
	best, bestN := -1, 0
	for _, x := range xs {
		a := pl.nodes[x].ans
		if a == nil {
			continue
		}
		n := 0
		for _, u := range un {
			if u.none && a[2*u.m+1] > 0 || !u.none && a[2*u.m+1] < a[2*u.m] {
				n++
			}
		}
		if n == 0 {
			continue
		}
		if best < 0 || n > bestN || n == bestN && (pl.nodes[x].n < pl.nodes[best].n || pl.nodes[x].n == pl.nodes[best].n && pl.name(x) < pl.name(best)) {
			best, bestN = x, n
		}
	}
	return best
}

// revealed returns the measures on which total minus the answers of the
// known nodes leaves unanimous answers while one of the unknown nodes
// holds a protected group that answered and whose unanimity no shown cell
// already tells (a shown cell holding it, unanimous the same way). Unknown
// answers count as not revealed.
func (pl *planner) revealed(total []int64, known, unknown []int, holds []bool) []unanimity {
	rest := total
	for _, x := range known {
		rest = subVec(rest, pl.nodes[x].ans)
	}
	if rest == nil {
		return nil
	}
	var out []unanimity
	for m := range pl.space.ms {
		n, k := rest[2*m], rest[2*m+1]
		if n == 0 || k != 0 && k != n {
			continue
		}
		for _, x := range unknown {
			if holds[x] && pl.nodes[x].ans != nil && pl.nodes[x].ans[2*m] > 0 && !pl.toldBy(x, m, k == 0) {
				out = append(out, unanimity{m, k == 0})
				break
			}
		}
	}
	return out
}

// toldBy reports whether a shown cell holding node x is unanimous on
// measure m, none in range (none) or all.
func (pl *planner) toldBy(x, m int, none bool) bool {
	seen := map[int]bool{x: true}
	queue := []int{x}
	for len(queue) > 0 {
		y := queue[0]
		queue = queue[1:]
		nd := &pl.nodes[y]
		if !nd.virtual && !nd.hidden && nd.ans != nil {
			if n, k := nd.ans[2*m], nd.ans[2*m+1]; n > 0 && (none && k == 0 || !none && k == n) {
				return true
			}
		}
		for _, ri := range pl.relsOf[y] {
			if t := pl.rels[ri].total; t != y && !seen[t] {
				seen[t] = true
				queue = append(queue, t)
			}
		}
	}
	return false
}

// holdsProtected returns, per node, whether it is or holds a protected
// group: a hidden cell with respondents, a group never shown of 1 to min-1
// respondents, or the total of a relation with such a part.
func (pl *planner) holdsProtected() []bool {
	out := make([]bool, len(pl.nodes))
	state := make([]int8, len(pl.nodes)) // 0 new, 1 visiting, 2 done
	parts := make([][]int, len(pl.nodes))
	for _, r := range pl.rels {
		parts[r.total] = append(parts[r.total], r.parts...)
	}
	var visit func(i int) bool
	visit = func(i int) bool {
		if state[i] != 0 {
			return out[i]
		}
		state[i] = 1
		nd := &pl.nodes[i]
		h := nd.hidden && nd.n > 0
		for _, p := range parts[i] {
			if visit(p) {
				h = true
			}
		}
		out[i], state[i] = h, 2
		return h
	}
	for i := range pl.nodes {
		visit(i)
	}
	return out
}

// cost counts the relations of node p that hiding it would leave with p
// as their only unknown term: each would need one more cell hidden. A part
// whose other relations already hold a hidden cell closes a cycle of
// hidden cells (as in a table, where the protection of a hidden cell needs
// a rectangle of them) and costs nothing.
func (pl *planner) cost(p int) int {
	cost := 0
	for _, ri := range pl.relsOf[p] {
		r := pl.rels[ri]
		other := false
		for _, z := range append([]int{r.total}, r.parts...) {
			if z != p && pl.nodes[z].n > 0 && (pl.nodes[z].hidden || pl.nodes[z].virtual) {
				other = true
				break
			}
		}
		if !other {
			cost++
		}
	}
	return cost
}

// split divides a group into shown cells and groups not shown (hidden
// cells and groups never shown), disjoint.
type split struct{ cells, open []int }

// maxSplits caps the ways of dividing one group that the plan examines.
const maxSplits = 64

// publishedPart reports whether a part of r is a cell that can be shown.
func (pl *planner) publishedPart(r prel) bool {
	return slices.ContainsFunc(r.parts, func(p int) bool { return !pl.nodes[p].virtual && pl.nodes[p].n > 0 })
}

// splits returns the ways of dividing the hidden cell i into shown cells
// and groups not shown, through the relations of which it is the total,
// over several levels: first i itself, not divided.
func (pl *planner) splits(i int, memo map[int][]split) []split {
	if m, ok := memo[i]; ok {
		return m
	}
	out := []split{{open: []int{i}}}
	memo[i] = out // a relation back to i divides it no further
	for _, ri := range pl.relsOf[i] {
		r := pl.rels[ri]
		if r.total != i || !pl.publishedPart(r) {
			continue
		}
		out = append(out, pl.product(r.parts, memo)...)
		if len(out) >= maxSplits {
			out = out[:maxSplits]
			break
		}
	}
	memo[i] = out
	return out
}

// product returns the ways of dividing the sum of parts: each shown part
// whole, each hidden part in each of its ways, each group never shown
// whole; parts with no respondents are left out.
func (pl *planner) product(parts []int, memo map[int][]split) []split {
	acc := []split{{}}
	for _, p := range parts {
		nd := &pl.nodes[p]
		var opts []split
		switch {
		case nd.n == 0:
			continue
		case nd.virtual:
			opts = []split{{open: []int{p}}}
		case !nd.hidden:
			opts = []split{{cells: []int{p}}}
		default:
			opts = pl.splits(p, memo)
		}
		next := make([]split, 0, min(len(acc)*len(opts), maxSplits))
	combine:
		for _, a := range acc {
			for _, o := range opts {
				next = append(next, split{cells: append(slices.Clip(a.cells), o.cells...), open: append(slices.Clip(a.open), o.open...)})
				if len(next) >= maxSplits {
					break combine
				}
			}
		}
		acc = next
	}
	return acc
}

// smallestName returns the node of xs with the smallest name, shown cells
// before virtual groups: the protected cell a complementary reason names.
func (pl *planner) smallestName(xs []int) int {
	best := xs[0]
	for _, x := range xs[1:] {
		if pl.nodes[x].virtual != pl.nodes[best].virtual {
			if !pl.nodes[x].virtual {
				best = x
			}
			continue
		}
		if pl.name(x) < pl.name(best) {
			best = x
		}
	}
	return best
}

// mend hides, in relation r, the shown part with respondents that leaves
// the fewest other relations with a single unknown (see cost), the
// smallest of those (ties by name), or else the shown total, as
// complementary to protected node x. It reports whether it hid a cell.
func (pl *planner) mend(r prel, x int) bool {
	best, bestCost := -1, 0
	for _, p := range r.parts {
		nd := &pl.nodes[p]
		if nd.virtual || nd.hidden || nd.n == 0 {
			continue
		}
		cost := pl.cost(p)
		if best < 0 || cost < bestCost || cost == bestCost && (nd.n < pl.nodes[best].n || nd.n == pl.nodes[best].n && pl.name(p) < pl.name(best)) {
			best, bestCost = p, cost
		}
	}
	if best < 0 {
		if t := &pl.nodes[r.total]; !t.virtual && !t.hidden && t.n > 0 {
			best = r.total
		}
	}
	if best < 0 {
		return false
	}
	pl.hide(best, Reason{Kind: Complementary, Min: int(pl.min), Other: pl.name(x)})
	return true
}
