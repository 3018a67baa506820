package cx

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/cxculture/cxculture/metrics"
	"github.com/cxculture/cxculture/survey"
)

// Participation holds the mergeable counts behind response rates and
// survey-fatigue indicators, per unit and wave, as recorded (not rolled
// up): respondents, the answers asked and given, comments and their
// words. Like [Tallies] it adds up under [Participation.Merge], so parts
// of the data can be counted apart.
//
// A Participation is not safe for concurrent mutation.
type Participation struct {
	// Survey is the survey counted.
	Survey string
	// Counts are the counts per unit and wave.
	Counts map[Group]ParticipationCounts
	asked  map[string]map[string]bool // wave → items asked; nil wave: every item
	items  map[string]bool
}

// ParticipationCounts are the counts of one unit in one wave.
type ParticipationCounts struct {
	// Respondents is the number of responses.
	Respondents int64 `json:"respondents"`
	// Asked is the number of items put to the respondents, summed over
	// respondents: respondents × items asked in the wave.
	Asked int64 `json:"asked"`
	// Answered is the number of those items answered.
	Answered int64 `json:"answered"`
	// Comments is the number of responses with a comment.
	Comments int64 `json:"comments"`
	// CommentWords is the total number of words of those comments.
	CommentWords int64 `json:"comment_words"`
}

func (c *ParticipationCounts) add(o ParticipationCounts) {
	c.Respondents += o.Respondents
	c.Asked += o.Asked
	c.Answered += o.Answered
	c.Comments += o.Comments
	c.CommentWords += o.CommentWords
}

// NewParticipation returns empty counts for survey s. asked gives, by
// wave ID, the item IDs asked in that wave (a rotation plan's waves);
// waves it does not name asked every item of s. It fails with a
// [*ValidationError] naming any unknown item.
func NewParticipation(s survey.Survey, asked map[string][]string) (*Participation, error) {
	p := &Participation{Survey: s.ID, Counts: map[Group]ParticipationCounts{}, asked: map[string]map[string]bool{}, items: map[string]bool{}}
	for _, it := range s.Items {
		p.items[it.ID] = true
	}
	var ps problems
	for _, w := range sortedKeys(asked) {
		set := map[string]bool{}
		for i, id := range asked[w] {
			if !p.items[id] {
				ps.add("asked."+w+"["+strconv.Itoa(i)+"]", fmt.Sprintf("unknown item %q in survey %q", id, s.ID))
			}
			set[id] = true
		}
		p.asked[w] = set
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	return p, nil
}

// Add counts one response. It fails with a [*ValidationError] when r is
// a response to another survey or answers an item not asked in its wave.
func (p *Participation) Add(r survey.Response) error {
	var ps problems
	if r.Survey != p.Survey {
		ps.add("response "+r.ID.String()+".survey", fmt.Sprintf("survey %q, counting %q", r.Survey, p.Survey))
	}
	set, rotated := p.asked[r.Wave]
	c := ParticipationCounts{Respondents: 1, Asked: int64(len(p.items))}
	if rotated {
		c.Asked = int64(len(set))
	}
	for _, id := range sortedKeys(r.Answers) {
		if !p.items[id] || rotated && !set[id] {
			ps.add("response "+r.ID.String()+".answers."+id, fmt.Sprintf("item %q was not asked in wave %q", id, r.Wave))
			continue
		}
		c.Answered++
	}
	if err := ps.err(); err != nil {
		return err
	}
	if strings.TrimSpace(r.Comment) != "" {
		c.Comments = 1
		c.CommentWords = int64(len(strings.Fields(r.Comment)))
	}
	g := Group{r.Unit, r.Wave}
	cur := p.Counts[g]
	cur.add(c)
	p.Counts[g] = cur
	return nil
}

// Merge adds the counts of o into p; both must count the same survey.
func (p *Participation) Merge(o *Participation) error {
	if o.Survey != p.Survey {
		return invalid("participation.survey", fmt.Sprintf("cannot merge counts of survey %q into %q", o.Survey, p.Survey))
	}
	for g, c := range o.Counts {
		cur := p.Counts[g]
		cur.add(c)
		p.Counts[g] = cur
	}
	return nil
}

// PulseOptions configure [NewPulseReport]. Zero values take the defaults.
type PulseOptions struct {
	// MinGroup is the minimum number of respondents for a unit's figures
	// in a wave (response rate, skipped answers) to be shown; default 5,
	// the minimum of the field's products for scores and response rates.
	// With Privacy or Disclosure set it defaults to their MinScores and,
	// if given, must equal it.
	MinGroup int
	// MinComments is the minimum number of respondents for a unit's
	// comment figures to be shown; default 10 (and never below MinGroup),
	// or the privacy rules' MinComments.
	MinComments int
	// Privacy, when set, applies these privacy rules: the report plans a
	// disclosure over the participation counts of every wave given (see
	// [Privacy.Plan]): its overlapping-segment and (when set)
	// wave-difference rules come on top of the complementary suppression
	// the report always applies.
	// [Program.PulseReport] applies the program's rules when neither
	// Privacy, Disclosure nor MinGroup is set.
	Privacy *Privacy
	// Disclosure, when set, is a plan to apply: every cell it hides (or
	// whose comments it hides) is hidden here too. Plan once over every
	// wave a product shows and pass the same plan everywhere.
	Disclosure *Disclosure
	// Hidden, if set, hides further cells: it is asked for every unit
	// and wave and hides the cell when it returns true (such as
	// [Disclosure.HiddenFunc] of a plan made elsewhere).
	Hidden func(unit, wave string) bool
	// Level is the confidence level of intervals; default 0.95.
	Level float64
	// Alpha is the significance level of the fatigue signals; default
	// 0.05.
	Alpha float64
}

func (o PulseOptions) withDefaults() PulseOptions {
	o.Privacy = rulesOf(o.Privacy, o.Disclosure)
	if o.Privacy != nil {
		if o.MinGroup == 0 {
			o.MinGroup = o.Privacy.MinScores
		}
		if o.MinComments == 0 {
			o.MinComments = o.Privacy.MinComments
		}
	}
	if o.MinGroup == 0 {
		o.MinGroup = DefaultMinScores
	}
	if o.MinComments == 0 {
		o.MinComments = max(DefaultMinComments, o.MinGroup)
	}
	if o.Level == 0 {
		o.Level = 0.95
	}
	if o.Alpha == 0 {
		o.Alpha = 0.05
	}
	return o
}

func (o PulseOptions) validate() error {
	var ps problems
	if o.MinGroup < 1 {
		ps.add("min_group", fmt.Sprintf("must be at least 1, got %d", o.MinGroup))
	}
	if o.MinComments < o.MinGroup {
		ps.add("min_comments", fmt.Sprintf("must be at least min_group (%d), got %d", o.MinGroup, o.MinComments))
	}
	if o.Privacy != nil {
		if err := o.Privacy.Validate(); err != nil {
			ps = append(ps, asValidation(err, "").(*ValidationError).Problems...)
		}
		if o.MinGroup != o.Privacy.MinScores {
			ps.add("min_group", fmt.Sprintf("%d differs from the privacy rules' minimum %d: leave it unset", o.MinGroup, o.Privacy.MinScores))
		}
		if o.MinComments != o.Privacy.MinComments {
			ps.add("min_comments", fmt.Sprintf("%d differs from the privacy rules' comment minimum %d: leave it unset", o.MinComments, o.Privacy.MinComments))
		}
		if o.Disclosure != nil && *o.Privacy != o.Disclosure.Privacy() {
			ps.add("privacy", "differs from the rules the disclosure plan applied")
		}
	}
	if !(o.Level > 0 && o.Level < 1) {
		ps.add("level", fmt.Sprintf("must be in (0, 1), got %v", o.Level))
	}
	if !(o.Alpha > 0 && o.Alpha < 1) {
		ps.add("alpha", fmt.Sprintf("must be in (0, 1), got %v", o.Alpha))
	}
	return ps.err()
}

// PulseReport shows participation in a pulse program, per unit (rolled
// up the hierarchy) and wave, and the fatigue indicators of each unit.
type PulseReport struct {
	Survey string
	// Waves are the wave IDs in time order.
	Waves []string
	// MinGroup and MinComments are the minimums applied.
	MinGroup    int
	MinComments int
	// Rows hold one row per unit (in hierarchy order) and wave (in time
	// order).
	Rows []PulseRow
	// Fatigue holds the indicators of each unit, in hierarchy order.
	Fatigue []Fatigue
}

// PulseRow is the participation of one unit in one wave. A hidden row
// holds no figure drawn from responses: its counts are zero and its
// shares and intervals NaN.
type PulseRow struct {
	Unit string
	Wave string
	// Invited is the number of people invited (the unit and the units
	// below it), 0 when unknown or withheld by the plan
	// ([Disclosure.InvitedHidden]). It is a headcount, not a response
	// figure, and is shown even when the row is hidden.
	Invited int64
	// Hidden is set when the unit had fewer respondents than the
	// minimum, the Hidden option hid it, or it is hidden so that such a
	// unit cannot be worked out by subtraction; Reason says which.
	Hidden bool
	Reason string
	// Respondents is the number of responses.
	Respondents int64
	// ResponseRate is Respondents / Invited, with its Wilson interval;
	// its value is NaN when Invited is unknown or the row is hidden.
	ResponseRate metrics.Proportion
	RateCI       metrics.Interval
	// Skipped is the share of the items asked that were left unanswered,
	// with its Wilson interval (each asking counted as a trial).
	// SkippedHidden is set, and Skipped zero, when the plan hides it: it
	// sums the answers to every item, so it is shown only when every
	// item's figure is.
	Skipped       metrics.Proportion
	SkippedCI     metrics.Interval
	SkippedHidden bool
	// CommentsHidden is set when the comment figures are hidden (fewer
	// respondents than MinComments, or to protect such a unit);
	// Comments and CommentWords are then zero and NaN.
	CommentsHidden bool
	// Comments is the number of responses with a comment.
	Comments int64
	// CommentWords is the mean number of words per comment; NaN without
	// comments.
	CommentWords float64
}

// Fatigue is the trend of a unit's participation over the waves in which
// its figures are shown: least-squares lines against the wave number
// (0, 1, ...) of the response rate, the skipped share and the mean
// comment length, with their t tests ([metrics.LinearTrend]). A signal is
// set when the slope goes the wrong way and its two-sided p-value is
// below Alpha. Waves in which a figure is hidden or undefined are left
// out of its line.
type Fatigue struct {
	Unit string
	// ResponseRate is the trend of the response rate (a share per wave).
	ResponseRate metrics.Trend
	// Skipped is the trend of the skipped share.
	Skipped metrics.Trend
	// CommentWords is the trend of the mean words per comment.
	CommentWords metrics.Trend
	// FallingResponse, RisingSkips and ShorterComments are the signals.
	FallingResponse bool
	RisingSkips     bool
	ShorterComments bool
}

// Fatigued reports whether any fatigue signal is set.
func (f Fatigue) Fatigued() bool { return f.FallingResponse || f.RisingSkips || f.ShorterComments }

// Signals names the signals set, for reports: "falling response rate",
// "rising skipped answers", "shorter comments".
func (f Fatigue) Signals() []string {
	var out []string
	if f.FallingResponse {
		out = append(out, "falling response rate")
	}
	if f.RisingSkips {
		out = append(out, "rising skipped answers")
	}
	if f.ShorterComments {
		out = append(out, "shorter comments")
	}
	return out
}

// Row returns the row of unit in wave.
func (r *PulseReport) Row(unit, wave string) (PulseRow, bool) {
	for _, row := range r.Rows {
		if row.Unit == unit && row.Wave == wave {
			return row, true
		}
	}
	return PulseRow{}, false
}

// FatigueOf returns the fatigue indicators of unit.
func (r *PulseReport) FatigueOf(unit string) (Fatigue, bool) {
	for _, f := range r.Fatigue {
		if f.Unit == unit {
			return f, true
		}
	}
	return Fatigue{}, false
}

// NewPulseReport computes response rates and fatigue indicators from the
// participation counts p of the given waves (in time order; their Invited
// counts give the denominators), rolled up h. A unit's figures in a wave
// are shown only when it has at least MinGroup respondents, Hidden does
// not hide it, and hiding it is not needed to keep a hidden unit from
// being worked out by subtraction (the parent's count minus its shown
// children, directly or along a chain of such relations); comment
// figures likewise from MinComments respondents. Hidden figures are left
// out of the fatigue trends.
//
// It fails with a [*ValidationError] for invalid options, waves of
// another survey, repeated waves, or counts in waves not given; with
// [ErrNotFound] when the counts or invited counts name a unit not in h.
func NewPulseReport(h *Hierarchy, waves []survey.Wave, p *Participation, opts PulseOptions) (*PulseReport, error) {
	orgs := make([]*Hierarchy, len(waves))
	for i := range orgs {
		orgs[i] = h
	}
	return newPulseReport(orgs, waves, p, opts)
}

// newPulseReport is [NewPulseReport] with each wave rolled up on its own
// org (orgs[i] for waves[i]): the rows follow the units of the last
// wave's org, then those of earlier orgs no longer in it, and a unit has
// a row only in the waves whose org holds it.
func newPulseReport(orgs []*Hierarchy, waves []survey.Wave, p *Participation, opts PulseOptions) (*PulseReport, error) {
	opts = opts.withDefaults()
	if err := opts.validate(); err != nil {
		return nil, err
	}
	var ps problems
	pos := map[string]int{}
	for i, w := range waves {
		f := "waves[" + strconv.Itoa(i) + "]"
		if w.Survey != p.Survey {
			ps.add(f+".survey", fmt.Sprintf("wave %q is of survey %q, counts are of %q", w.ID, w.Survey, p.Survey))
		}
		if _, dup := pos[w.ID]; dup {
			ps.add(f+".id", "wave "+w.ID+" given twice")
		}
		pos[w.ID] = i
	}
	for _, g := range slices.SortedFunc(maps.Keys(p.Counts), func(a, b Group) int { return strings.Compare(a.Wave+"\x00"+a.Unit, b.Wave+"\x00"+b.Unit) }) {
		if _, ok := pos[g.Wave]; !ok {
			ps.add("participation."+g.Unit+"@"+g.Wave, fmt.Sprintf("counts of wave %q, which is not among the waves given", g.Wave))
		}
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	orgOf := func(wave string) *Hierarchy { return orgs[pos[wave]] }

	// Roll up counts and invited numbers, each wave on its org.
	rolled := map[Group]ParticipationCounts{}
	for g, c := range p.Counts {
		h := orgOf(g.Wave)
		if !h.Has(g.Unit) {
			return nil, fmt.Errorf("cx: participation names unit %q, which is not in the hierarchy of wave %s: %w", g.Unit, g.Wave, ErrNotFound)
		}
		for _, u := range withAncestors(h, g.Unit) {
			cur := rolled[Group{u, g.Wave}]
			cur.add(c)
			rolled[Group{u, g.Wave}] = cur
		}
	}
	invited := map[Group]int64{}
	for i, w := range waves {
		h := orgs[i]
		for _, u := range sortedKeys(w.Invited) {
			if !h.Has(u) {
				return nil, fmt.Errorf("cx: wave %q invites unit %q, which is not in the hierarchy: %w", w.ID, u, ErrNotFound)
			}
			for _, a := range withAncestors(h, u) {
				invited[Group{a, w.ID}] += int64(w.Invited[u])
			}
		}
	}
	// The units, in the order of the last wave's org, then of the earlier
	// ones.
	var units []string
	seenUnit := map[string]bool{}
	for i := len(orgs) - 1; i >= 0; i-- {
		for _, u := range orgs[i].IDs() {
			if !seenUnit[u] {
				seenUnit[u] = true
				units = append(units, u)
			}
		}
	}

	for i, w := range waves {
		for _, u := range orgs[i].IDs() {
			g := Group{u, w.ID}
			if n := invited[g]; n > 0 && rolled[g].Respondents > n {
				ps.add("waves["+strconv.Itoa(i)+"].invited."+u, fmt.Sprintf("%d respondents but %d invited", rolled[g].Respondents, n))
			}
		}
	}
	if err := ps.err(); err != nil {
		return nil, err
	}

	rep := &PulseReport{Survey: p.Survey, MinGroup: opts.MinGroup, MinComments: opts.MinComments}
	for _, w := range waves {
		rep.Waves = append(rep.Waves, w.ID)
	}
	// The disclosure plan, if any: given, or planned here from the counts.
	disc := opts.Disclosure
	if disc == nil && opts.Privacy != nil {
		// Consecutive waves on one org are planned together (the
		// wave-difference rule follows a unit across them).
		var plans []*Disclosure
		for i := 0; i < len(waves); {
			j := i + 1
			for j < len(waves) && orgs[j].Equal(orgs[i]) {
				j++
			}
			run := map[string]bool{}
			var ids []string
			for _, w := range waves[i:j] {
				run[w.ID] = true
				ids = append(ids, w.ID)
			}
			t := NewTallies(p.Survey)
			for g, c := range p.Counts {
				if run[g.Wave] {
					t.Respondents[g] = c.Respondents
					t.Comments[g] = c.Comments
				}
			}
			d, err := opts.Privacy.Plan(orgs[i], t, ids, nil)
			if err != nil {
				return nil, err
			}
			plans = append(plans, d)
			i = j
		}
		if len(plans) > 0 {
			disc = mergePlans(plans)
		}
	}
	// Which cells are hidden, per wave: scores, then comments. A plan
	// decides alone (its complementary suppression covers every output);
	// without one, or with further cells hidden by opts.Hidden, the
	// hierarchy's complementary suppression applies.
	hidden := map[Group]string{}
	commentsHidden := map[Group]bool{}
	for i, w := range rep.Waves {
		h := orgs[i]
		n := func(u string) int64 { return rolled[Group{u, w}].Respondents }
		pre := map[string]string{}
		preComments := map[string]string{}
		for _, u := range h.IDs() {
			if disc != nil {
				if r, hid := disc.Hidden(u, w); hid {
					pre[u] = r.String()
				}
				if r, hid := disc.CommentsHidden(u, w); hid {
					preComments[u] = r.String()
				}
			}
			if _, done := pre[u]; !done && opts.Hidden != nil && opts.Hidden(u, w) {
				pre[u] = "hidden by the disclosure plan"
			}
		}
		scores, comments := pre, preComments
		if disc == nil || opts.Hidden != nil {
			scores = suppress(h, n, int64(opts.MinGroup), pre)
			comments = maps.Clone(preComments)
			maps.Copy(comments, scores)
			comments = suppress(h, n, int64(opts.MinComments), comments)
		} else {
			for u, why := range scores {
				if _, ok := comments[u]; !ok {
					comments[u] = why
				}
			}
		}
		for u, why := range scores {
			hidden[Group{u, w}] = why
		}
		for u := range comments {
			commentsHidden[Group{u, w}] = true
		}
	}

	nan := math.NaN()
	for _, u := range units {
		var xs, rates, skips, words []float64
		for i, w := range rep.Waves {
			if !orgs[i].Has(u) {
				continue
			}
			c := rolled[Group{u, w}]
			row := PulseRow{Unit: u, Wave: w, Invited: disc.invitedShown(u, w, invited[Group{u, w}])}
			row.Reason, row.Hidden = hidden[Group{u, w}]
			if row.Hidden {
				row.CommentWords = nan
				row.RateCI, row.SkippedCI = metrics.Interval{Lower: nan, Upper: nan}, metrics.Interval{Lower: nan, Upper: nan}
				row.CommentsHidden = true
				rep.Rows = append(rep.Rows, row)
				xs, rates, skips, words = append(xs, float64(i)), append(rates, nan), append(skips, nan), append(words, nan)
				continue
			}
			row.Respondents = c.Respondents
			if row.Invited > 0 {
				row.ResponseRate = metrics.Proportion{Successes: c.Respondents, N: row.Invited}
			}
			row.RateCI = row.ResponseRate.Wilson(opts.Level)
			row.Skipped = metrics.Proportion{Successes: c.Asked - c.Answered, N: c.Asked}
			row.SkippedCI = row.Skipped.Wilson(opts.Level)
			if disc != nil && disc.hasAnswers() {
				// The skipped share sums every item's answers: it is shown
				// only when every item's figure is.
				if _, hid := disc.FigureHidden(CellRef{Unit: u, Wave: w}, SkippedFigure); hid {
					row.Skipped, row.SkippedCI = metrics.Proportion{}, metrics.Interval{Lower: nan, Upper: nan}
					row.SkippedHidden = true
				}
			}
			row.CommentWords = nan
			if commentsHidden[Group{u, w}] {
				row.CommentsHidden = true
			} else {
				row.Comments = c.Comments
				if c.Comments > 0 {
					row.CommentWords = float64(c.CommentWords) / float64(c.Comments)
				}
			}
			rep.Rows = append(rep.Rows, row)
			skip := row.Skipped.Value()
			if row.SkippedHidden {
				skip = nan
			}
			xs, rates, skips, words = append(xs, float64(i)), append(rates, row.ResponseRate.Value()), append(skips, skip), append(words, row.CommentWords)
		}
		f := Fatigue{Unit: u, ResponseRate: metrics.LinearTrend(xs, rates), Skipped: metrics.LinearTrend(xs, skips), CommentWords: metrics.LinearTrend(xs, words)}
		f.FallingResponse = f.ResponseRate.Slope < 0 && f.ResponseRate.Test.P < opts.Alpha
		f.RisingSkips = f.Skipped.Slope > 0 && f.Skipped.Test.P < opts.Alpha
		f.ShorterComments = f.CommentWords.Slope < 0 && f.CommentWords.Test.P < opts.Alpha
		rep.Fatigue = append(rep.Fatigue, f)
	}
	return rep, nil
}

// PulseReport computes the participation report of the survey with the
// given ID from the store: its waves in time order (with their invited
// counts), each rolled up on the org in force when it opened, and all its
// responses, read a page at a time. asked gives the items asked per wave
// ID, as for [NewParticipation]. The program's plan ([Program.Disclosure]
// over every wave of the survey) applies unless opts sets rules of its
// own (Privacy or Disclosure); a MinGroup other than the program's
// minimum is an error (see [Program.Scorecard]). Under the plan the
// report hides exactly the cells the plan hides, so that its counts are
// those of the program's scorecards. Errors are those of
// [NewParticipation], [Participation.Add] and [NewPulseReport], and the
// store's ([ErrNotFound] for an unknown survey or no org units).
func (p *Program) PulseReport(ctx context.Context, surveyID string, asked map[string][]string, opts PulseOptions) (*PulseReport, error) {
	s, _, waves, err := p.surveyScope(ctx, surveyID)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(waves, func(a, b survey.Wave) int { return a.Opens.Compare(b.Opens) })
	if opts.Privacy == nil && opts.Disclosure == nil {
		if err := p.checkMinGroup(opts.MinGroup); err != nil {
			return nil, err
		}
		if opts.Disclosure, err = p.Disclosure(ctx, surveyID); err != nil {
			return nil, err
		}
	}
	hist, err := p.Org(ctx)
	if err != nil {
		return nil, err
	}
	hs, err := waveOrgs(hist, waves)
	if err != nil {
		return nil, err
	}
	orgs := make([]*Hierarchy, len(waves))
	for i, w := range waves {
		orgs[i] = hs[w.ID]
	}
	part, err := NewParticipation(s, asked)
	if err != nil {
		return nil, err
	}
	if err := eachResponse(ctx, p.store, survey.ResponseFilter{Survey: surveyID}, part.Add); err != nil {
		return nil, err
	}
	return newPulseReport(orgs, waves, part, opts)
}
