package cx

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/cxculture/cxculture/cx/disclosure"
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

// ReasonKind says why a cell is hidden (see package [disclosure]).
type ReasonKind = disclosure.ReasonKind

// The reasons a cell or figure is hidden.
const (
	// BelowMinimum: the group has fewer respondents than the minimum.
	BelowMinimum = disclosure.BelowMinimum
	// Complementary: the group is hidden so that another hidden group
	// cannot be worked out by subtraction.
	Complementary = disclosure.Complementary
	// OverlappingSegment: the segment's members differ from another
	// shown segment's by fewer than the minimum.
	OverlappingSegment = disclosure.OverlappingSegment
	// WaveDifference: the unit's respondent count moved by fewer than the
	// minimum since its last shown wave.
	WaveDifference = disclosure.WaveDifference
	// NotPlanned: the cell was not part of the plan (an unknown wave, a
	// figure the plan cannot resolve).
	NotPlanned = disclosure.NotPlanned
	// FewAnswered: the group is shown, but fewer than the minimum of its
	// people answered the questions behind the figure.
	FewAnswered = disclosure.FewAnswered
	// Withheld: the cell is hidden and its reason withheld, small or
	// not, so that the reasons around a small group do not pin it.
	Withheld = disclosure.Withheld
)

// Reason explains why a cell is hidden, for reports.
type Reason = disclosure.Reason

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
	// emptyHidden and emptyComments hold the reasons of the empty listed
	// cells that read otherwise than below the minimum: withheld, as a
	// small one in their place would be.
	emptyHidden   map[CellRef]Reason
	emptyComments map[CellRef]Reason
	// shown and commentsShown hold the cells with respondents that may be
	// shown; any other cell is hidden.
	shown         map[CellRef]bool
	commentsShown map[CellRef]bool
	// primary counts the hidden cells with respondents that are not
	// beyond the minimum as far as a reader knows: below it, or with
	// their reason withheld.
	primary int
	// survey is the survey planned (nil for a plan without one), space
	// the answers followed, and ans the answer vector over space of every
	// cell with respondents, for the per-figure rules.
	survey *survey.Survey
	space  *answerSpace
	ans    map[CellRef][]int64
	// figures holds, per shown cell, the items whose figures are hidden
	// there, with the reason.
	figures map[CellRef]map[string]Reason
	// exposed lists the groups the plan could not protect.
	exposed []Exposure
	// invitedHidden holds the units whose invited counts the plan
	// withholds, per wave.
	invitedHidden map[Group]bool
}

// Exposure is a group whose respondent count (Items nil) or whose answers
// to Items the plan cannot show to be protected: every cell near it is
// hidden, and its own bounds pin it for the reader the plan assumes (the
// reasons of the hidden cells, the invited counts around it). The plan
// resolves what it can before listing anything: where invited counts pin
// a group, it withholds them ([Disclosure.InvitedHidden]) and plans the
// wave again; where no figure left to hide protects a group's answers, it
// hides one more group and plans again; where the reasons of the hidden
// cells pin it ("fewer than" the minimum for a part, "at least" the
// minimum for a total hidden to protect it), it withholds those reasons
// ([Withheld]). Exposed is a safety net: the plan's reader knows more
// than the outputs tell (which crossings of two segment attributes are
// empty, which listed cells are empty, and that a small group never
// shown is small), so a group may be listed that no reader of the
// outputs can pin; the project's attacker tests, which read only what is
// published (an empty listed cell read as a small one in its place),
// pin none of them. Organizations cut by two attributes at once often
// have some listed: 242 of the 489 such organizations among 3,000
// generated by the attacker property's generator (1,000 at each of three
// seeds); with one attribute or none, none is. A product should not show
// a listed group's unit at all.
type Exposure struct {
	// Group names the cell ("unit@wave", "unit@wave[key=value]") or the
	// group never shown ("the direct respondents of unit@wave").
	Group string   `json:"group"`
	Items []string `json:"items,omitempty"`
}

// Exposed returns the groups the plan could not protect (see
// [Exposure]), in the order of the waves; usually none.
func (d *Disclosure) Exposed() []Exposure { return slices.Clone(d.exposed) }

// InvitedHidden reports whether the invited count of unit in wave (the
// people invited in it and below it) must not be shown, nor a response
// rate drawn from it. Where an invited count would pin a small group with
// what the plan shows (a team of 2 invited, both of whom answered, in a
// unit of barely the minimum), and no suppression could prevent it, the
// plan withholds the invited counts of that group's unit, of the units
// above it and of the units below it, and plans the wave without them.
// Usually none is withheld.
func (d *Disclosure) InvitedHidden(unit, wave string) bool { return d.invitedHidden[Group{unit, wave}] }

// invitedShown returns n, the invited count of unit in wave, or 0 where
// the plan withholds it; a nil plan withholds nothing. Every output that
// shows an invited count or a rate drawn from one goes through it.
func (d *Disclosure) invitedShown(unit, wave string, n int64) int64 {
	if d != nil && d.InvitedHidden(unit, wave) {
		return 0
	}
	return n
}

// Privacy returns the rules the plan applied.
func (d *Disclosure) Privacy() Privacy { return d.privacy }

// Waves returns the waves the plan covers, in the order given to the plan.
func (d *Disclosure) Waves() []string { return slices.Clone(d.order) }

// Hidden reports whether the scores of unit in wave are hidden, and why. A
// wave the plan does not cover is hidden (NotPlanned), so an oversight
// hides rather than shows.
func (d *Disclosure) Hidden(unit, wave string) (Reason, bool) {
	return d.lookup(d.hidden, d.emptyHidden, d.shown, d.privacy.MinScores, CellRef{Unit: unit, Wave: wave})
}

// SegmentHidden reports whether the scores of the segment key=value of
// unit in wave are hidden, and why. An empty segment (or one the plan did
// not see) reads as a small one in its place: below the minimum, or
// withheld where the reasons around it are.
func (d *Disclosure) SegmentHidden(unit, wave, key, value string) (Reason, bool) {
	return d.lookup(d.hidden, d.emptyHidden, d.shown, d.privacy.MinScores, CellRef{unit, wave, key, value})
}

// CommentsHidden reports whether the comments (texts and counts) of unit
// in wave are hidden, and why: they are shown only for groups of at least
// MinComments respondents whose scores are shown, under the same
// complementary rules; where those rules leave a group that no
// suppression protects, no comment of the wave is shown (every unit's
// withheld), rather than listing it.
func (d *Disclosure) CommentsHidden(unit, wave string) (Reason, bool) {
	return d.lookup(d.comments, d.emptyComments, d.commentsShown, d.privacy.MinComments, CellRef{Unit: unit, Wave: wave})
}

func (d *Disclosure) lookup(m map[CellRef]HiddenCell, empty map[CellRef]Reason, shown map[CellRef]bool, min int, c CellRef) (Reason, bool) {
	if !d.waves[c.Wave] {
		return Reason{Kind: NotPlanned, Min: min}, true
	}
	if h, ok := m[c]; ok {
		return h.Reason, true
	}
	if shown[c] {
		return Reason{}, false
	}
	if r, ok := empty[c]; ok {
		return r, true
	}
	// A cell with no respondents reads as a small one in its place
	// would: below the minimum, or withheld (emptyHidden).
	return Reason{Kind: BelowMinimum, Min: min}, true
}

// HiddenCells returns every hidden cell with respondents (unit and segment
// cells), ordered by wave (in plan order), then cell. It is an operator's
// list, not one to publish: it leaves out the empty cells the outputs
// list as hidden (so it tells them from small ones), gives each cell's
// respondents, and a reason's Other names the group it protects. Readers'
// outputs ask [Disclosure.Hidden] and [Disclosure.SegmentHidden] of
// every cell they list and show [Reason.String].
func (d *Disclosure) HiddenCells() []HiddenCell {
	return sortedCells(d.hidden, d.order)
}

// HiddenComments returns every unit cell with respondents whose comments
// are hidden, in the order of [Disclosure.HiddenCells]: like it, an
// operator's list (readers' outputs ask [Disclosure.CommentsHidden]).
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
// overlapping-segment and wave-difference protection. A cell whose reason
// is withheld ([Withheld]) counts in neither, so that the count tells
// nothing the published reasons do not: it is the number of cells of
// [Disclosure.HiddenCells] whose reason is neither [BelowMinimum] nor
// [Withheld].
func (d *Disclosure) BeyondMinimum() int { return len(d.hidden) - d.primary }

// Plan decides which cells of the tallies may be shown under p, and which
// figures of each shown cell: the unit cells (every unit of h, rolled up,
// in each of waves) and, when segs is not nil, the segment cells (each
// attribute value of the wave in each unit, rolled up). waves must be in
// time order: the wave-difference rule compares each wave with the unit's
// last shown wave before it. A program has one plan per survey
// ([Program.Disclosure]); its outputs apply it by default, and code that
// shows figures of its own asks it before each (see [Disclosure]).
//
// Plan fails with a [*ValidationError] when p is invalid, a wave is
// malformed or repeated, or segment counts exceed the unit's respondents;
// with [ErrNotFound] when the tallies or segments name a unit not in h.
//
// # Layers
//
// Each wave is planned in three layers over the same cells and relations
// (package [disclosure] holds the planner): the respondents (which cells
// are shown at all, with their respondent counts and response rates), the
// comments (at MinComments, starting from the cells hidden in the first
// layer), and the items behind figures (which figures of a shown cell are
// shown). A figure (a behavior's favorable share and mean, an item's,
// eNPS with its promoters, passives and detractors, the skipped share) is
// shown only when its cell is shown and every item behind it is answered
// there by no one or by at least MinScores people, and not hidden to
// protect another cell's answers ([Disclosure.FigureHidden]). The people
// behind a figure pooled over items number at least the answers to its
// most answered item, so a figure shown rests on at least MinScores.
//
// # What is protected
//
// A protected group is one below the minimum: a cell hidden as such, the
// answers of an item in a cell answered by 1 to min-1 people, and the
// groups never shown but derivable (the direct respondents of a unit, the
// respondents without an attribute, the crossings of two attributes) when
// they number 1 to min-1; also a segment hidden as nearly another, and a
// unit hidden for its wave difference. A reader is taken to know every
// figure the plan lets through (the respondents of each shown cell and,
// per item, its answers and its answers in each published range: the
// favorable range, eNPS's three categories), the linear relations below,
// each hidden cell's reason (below the minimum: at most min-1; hidden to
// protect another: at least min), the invited counts ([Privacy.PlanWaves]:
// a unit holds at most the people invited in it and below it), and that a
// group holds at least as many respondents as answers, and at least as
// many answers as answers in a range. The relations, which hold for each
// of those counts:
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
// Per layer and to a fixpoint, the plan hides cells until no protected
// group's count is determined, and, per item and range, no protected
// group's answers, nor its answers in the range, nor those out of it are
// determined, nor is it known to have answered all in the range or none
// (unless a shown cell holding it already says so), nor do the answers
// shown determine the respondents of a group hidden as small (answered
// or not). This is checked by linear programming over
// every solution a reader cannot rule out; every answer that lets a cell
// stay shown is certified exactly (see package [disclosure]). Faster
// rules (chains of subtractions, unanimous remainders, a shown cell minus
// shown cells inside it) find most breaches first. To mend a breach the
// plan hides, among the shown cells around the protected group, the one
// whose hiding leaves the fewest relations with it as their only unknown
// term, then a segment before a unit (a small segment is covered by
// other segments, of its unit or the same segment elsewhere, so that
// declaring segments does not hide units), then the deepest in the
// hierarchy, then the one with the fewest
// invited (a count every reader knows), then the first by name: never by
// the count of the cell it hides. Its Reason is Complementary, naming
// the protected group. The result is deterministic.
//
// Empty cells: every output lists an empty unit, and an empty segment of
// a unit, as it lists a small one in its place (hidden, "fewer than" the
// minimum, or withheld where the reasons around it are withheld: see
// below), so a reader cannot tell a hidden group below the minimum, or
// one whose reason is withheld, from an empty one: the plan takes it to
// hold 0 to min-1 people, not 1 to min-1 (and a withheld one 0 or more).
// A segment value nobody has in a wave reads below the minimum in every
// unit. The operators' lists [Disclosure.HiddenCells] and
// [Disclosure.HiddenComments] leave empty cells out. In a
// unit where people were invited, the plan also protects the empty one
// like a small one, so that no one's participation can be told; likewise
// the direct respondents of a unit where people were invited directly (a
// division's head), so that whether the head answered cannot be told.
// Without invited counts an empty cell is no one's to protect.
//
// Withheld reasons: where every cell around a small group is hidden and
// the reasons still pin it (a unit of 3, hidden as "at least" the
// minimum to protect its two segments of 1 and 2, each hidden as "fewer
// than 3"), the plan withholds the reasons of the hidden cells joined to
// it and gives them one reason, [Withheld], small, empty or not, which
// bounds nothing (the region reaches on through an empty listed cell, and
// gives it that reason, as it would a small one in its place); it does
// so only once withholding invited counts could not help.
//
// Which answers count: Plan protects, for each item, the answers above
// the midpoint of its scale and those below it, and on 0-10 scales the
// promoters, passives and detractors. [Privacy.PlanSurvey] protects
// exactly each item's favorable range (and eNPS's three categories) and
// resolves the figures of the survey's behaviors; use it, or
// [Privacy.PlanWaves] with the waves' invited counts, when the survey is
// at hand. Segment cells carry answers only when counted with
// [Segments.AddResponse]; without them their figures are hidden as
// NotPlanned.
//
// Overlapping segments: for two shown segments of different attributes in
// the same unit and wave whose members differ by 1 to min-1 people
// (counted by [Segments] as members of one but not the other), the one
// named later is hidden, since their difference is nearly a small group;
// and when one of two such segments is hidden, so is the other.
//
// Wave difference (only with WaveDifference set): answers change between
// waves, so two waves of a unit are not linked by an exact relation; but in
// a small unit a change of a few people weighs heavily on the change of
// its scores. When a unit with fewer than 2×min respondents in a wave or
// in its last shown wave differs from that wave by 1 to min-1
// respondents, the later wave is hidden.
//
// # What a reader can still learn
//
//   - That a hidden group is small (its reason says so), and a range for
//     its count (for example "1 to 4"): what is shown, the reasons and the
//     invited counts shown never pin it (the linear programs' check),
//     except for the exposed groups listed (below); see the pattern below
//     for what rerunning the planner can add.
//   - The count of a cell hidden only to protect another: it holds at
//     least the minimum, and its count may follow from what is shown, as a
//     shown cell's would (for example a team of 5 invited, all of whom
//     answered).
//   - Something of the pattern: the plan chooses complementary cells by
//     structure, depth, invited counts and names, not by their counts, so
//     the pattern does not bound a hidden cell by the sizes of the cells
//     left shown; but whether a group needed protection at all depends on
//     whether it is small, and a cell hidden to break a unanimity answered
//     otherwise than the group it protects. The planner is deterministic
//     and public: a reader who reruns it on every organization consistent
//     with what is shown, keeping those that give the same pattern, may
//     narrow a hidden count, at times to one value. Measured (the test
//     TestHiddenOnlyChangesPattern at CXCULTURE_TEST_SCALE=10, seeds 1 to
//     3, random organizations of 3 to 16 units): moving one person between
//     two hidden sibling teams, every shown count, reason and invited
//     count the same, changed the pattern in 239 of 4,500 moves (5.3%)
//     without invited counts and 294 of 4,500 (6.5%) with them. Whether a
//     division's head (the one person invited in it directly) answered no
//     longer changes it: the direct respondents of a unit where people
//     were invited directly are protected as a small group even when
//     empty.
//   - Unanimity of a shown group: when every respondent of a shown group
//     answered an item the same way, every part of it, hidden or not, is
//     known to have answered that way. No suppression pattern can prevent
//     this short of hiding the group itself, which the rules do not ask.
//   - Items one at a time: the plan solves each item's answers with the
//     respondent counts, not several items jointly, and protects the
//     published ranges, not the count of each answer (how many chose 1,
//     2, ...). A mean is protected through the ranges and unanimity; a
//     reader may still narrow it.
//   - Whole numbers: the linear programs work over fractions; a set of
//     relations whose only whole-number solutions agree on a count,
//     though fractional ones do not, would escape them (the tests, which
//     search whole numbers, have not found one). A share that stays the
//     same while a group's counts vary together (2 of 4, 4 of 8) is not
//     looked for.
//   - Bounds that no suppression can break: where every cell around a
//     small group is hidden and its own bounds still pin it, the plan
//     withholds the invited counts of its unit, the units above and the
//     units below ([Disclosure.InvitedHidden]; outputs show neither them
//     nor the response rates drawn from them) and plans the wave again;
//     where the hidden cells' reasons pin it, it withholds those reasons
//     ([Withheld]). A reader then learns that reasons were withheld
//     there, which itself says that such a structure is present. What
//     the plan's stronger reader could still pin is listed
//     ([Disclosure.Exposed], see [Exposure]); the attacker tests pin none
//     of it.
//   - Figures computed outside the plan's relations (pooled waves, custom
//     groupings, crossings of three or more attributes) are not covered:
//     plan them as their own cells or do not show them.
//   - The wave rule is a heuristic over counts, off by default: it does not
//     know who joined or left. Without it, a reader comparing two waves of
//     a small unit may attribute the change to the people who joined or
//     left.
//   - With ThresholdOnly set, none of the above beyond the minimum (per
//     cell and per figure) holds.
func (p Privacy) Plan(h *Hierarchy, t *Tallies, waves []string, segs *Segments) (*Disclosure, error) {
	if t == nil {
		return nil, invalid("tallies", "required")
	}
	return p.planTallies(h, t, waves, nil, segs, conventionSpace(t, waves))
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
	return p.planSurvey(s, h, t, waves, nil, segs)
}

// PlanWaves is [Privacy.PlanSurvey] over whole waves, in time order: their
// invited counts (survey.Wave.Invited, per unit) are figures a reader
// knows (the pulse report shows them, response rates divide by them), so
// the plan takes them into account: a unit's respondents are at most the
// people invited in it and below it. [Program.Disclosure] plans this way.
func (p Privacy) PlanWaves(s survey.Survey, h *Hierarchy, t *Tallies, waves []survey.Wave, segs *Segments) (*Disclosure, error) {
	if t == nil {
		return nil, invalid("tallies", "required")
	}
	ids := make([]string, len(waves))
	invited := map[string]map[string]int{}
	for i, w := range waves {
		ids[i] = w.ID
		invited[w.ID] = w.Invited
	}
	return p.planSurvey(s, h, t, ids, invited, segs)
}

func (p Privacy) planSurvey(s survey.Survey, h *Hierarchy, t *Tallies, waves []string, invited map[string]map[string]int, segs *Segments) (*Disclosure, error) {
	d, err := p.planTallies(h, t, waves, invited, segs, surveySpace(s))
	if err != nil {
		return nil, err
	}
	sc := s.Clone()
	d.survey = &sc
	return d, nil
}

func (p Privacy) planTallies(h *Hierarchy, t *Tallies, waves []string, invited map[string]map[string]int, segs *Segments, space *answerSpace) (*Disclosure, error) {
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
			return nil, errNotInHierarchy(g.Unit)
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
			return nil, errNotInHierarchy(c.Unit)
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
	return p.WithDefaults().planLayers(planInput{h: h, resp: func(unit, wave string) int64 { return resp[Group{unit, wave}] }, answers: answers,
		space: space, direct: t.Respondents, waves: waves, invited: invited, segs: segs})
}

// HiddenFunc returns Hidden as a predicate, for options that take one
// (such as PulseOptions.Hidden).
func (d *Disclosure) HiddenFunc() func(unit, wave string) bool {
	return func(unit, wave string) bool { _, hidden := d.Hidden(unit, wave); return hidden }
}
