package cx

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx/org"
	"github.com/cxculture/cxculture/metrics"
	"github.com/cxculture/cxculture/survey"
)

// Panel is the measured history of a culture-change program, from which
// baselines, indicators, trends, initiative impact, wins, pitfalls and
// culture-to-CX links are computed: the org hierarchy, the waves of one
// employee survey in time order with the instrument as fielded in each,
// the tallies of the responses, the customer surveys answered by the
// customers the units serve ([Panel.Customer]), and operational CX
// metrics. Customer results are measures of the panel like any other
// (see the measure key constants, such as a11/trust), so that impact,
// wins, links, indicators and outcome targets use them directly.
//
// Only groups shown under the disclosure rule (see [Panel.MinGroup]) enter
// any figure computed from a panel: a group below the minimum, as
// tallied, is left out of every roll-up too, so that a parent pools only
// shown groups and no figure can be differenced into the numbers of a
// suppressed group.
//
// A Panel is read, never modified, by the functions of this package; it is
// safe for concurrent use by several of them.
type Panel struct {
	// Hierarchy is the org tree; required.
	Hierarchy *Hierarchy
	// Survey is the employee survey as it stands now; required.
	Survey survey.Survey
	// Waves are the waves of the survey in time order (by Opens). A
	// wave's time is its Opens. When nil, the waves of Tallies are used,
	// ordered by number when their IDs are numbers, without times.
	Waves []survey.Wave
	// Fielded holds, per wave ID, the instrument as it was fielded in
	// that wave when it differs from Survey (an item reworded, rescaled
	// or added). Results are compared only across waves whose items are
	// identical; a difference is a [ComparabilityBreak].
	Fielded map[string]survey.Survey
	// Tallies are the tallies of the responses to Survey, per unit as
	// tallied (roll-ups are computed here); required.
	Tallies *Tallies
	// Org is the history of the org chart; [Program.Panel] fills it.
	// When set (with Waves), each wave is rolled up on the org in force
	// when it opened; a unit's series shows no figure in a wave whose org
	// did not have it, and starts a new comparable stretch
	// ([Point.Segment]) when the people it counts changed since the wave
	// before (a unit moved in or out, a merge, a split: see
	// org.Lineage). Without it, every wave is rolled up on Hierarchy.
	Org *org.History
	// Observations are values of operational CX metrics, such as weekly
	// CSAT, per unit and time.
	Observations []Observation
	// MinGroup is the minimum number of respondents for a unit's figures
	// in a wave to be shown when no privacy plan is given; default 5, as
	// [ScorecardOptions]. Groups below it are also left out of every
	// roll-up. With Privacy or Disclosure it defaults to the plan's
	// minimum and applies to observations' case counts only.
	MinGroup int
	// Privacy, when set, builds a disclosure plan ([Privacy.Plan]) over
	// the panel's waves, and a unit's figures in a wave are shown only
	// when the plan shows them (with complementary, wave-difference and
	// other protections). Roll-ups then pool every group, as the plan
	// assumes.
	Privacy *Privacy
	// Disclosure is a plan made elsewhere (the one a product hands to its
	// scorecards and reports); it takes precedence over Privacy. It must
	// cover the panel's waves: a wave it does not cover is hidden.
	Disclosure *Disclosure
	// Level is the confidence level of intervals; default 0.95.
	Level float64
	// Customer are the panels of the customer surveys (A-11, CSAT, NPS,
	// CES or the program's own), over the same units: each response is
	// counted in the unit that served the customer, and each survey's
	// waves are its reporting periods (months or quarters of a continuous
	// survey). Their results per unit and wave, with intervals and the
	// privacy rules applied, are the measures SURVEY/M of this panel
	// ([CustomerMeasure]). A customer panel's nil Hierarchy, unset privacy
	// (Privacy, Disclosure, MinGroup), zero Level and nil Behaviors take
	// this panel's; with this panel's Privacy or Disclosure, a customer
	// panel without its own plans its survey under the same rules.
	// Program.Panel fills it with every customer survey of the program.
	Customer []*Panel
	// Behaviors names the behaviors of the culture model in the texts
	// leaders read; Program.Panel fills it. A behavior without a name is
	// named from its ID.
	Behaviors []culture.Behavior
	// Metrics describe operational metrics: their names, and whether
	// they are shares (see [Metric]).
	Metrics []Metric
	// Recognitions are the acts of recognition recorded by the program
	// ([Program.RecordRecognitions]); Program.Panel fills it (an empty,
	// non-nil slice when none were recorded). When not nil, [Pitfalls]
	// checks that wins were recognized (see
	// PitfallOptions.Recognitions, which takes precedence).
	Recognitions []culture.Recognition

	rolled    *Tallies
	order     []string
	index     map[string]int
	plan      *Disclosure
	customers map[string]*Panel
	orgs      map[string]*Hierarchy // per wave, with Org
	orgBreak  map[Group]bool        // unit and wave where the unit's people changed
}

// prepare validates the panel and computes the roll-ups once. A panel
// prepare returned is returned as it is: the analytics that call each
// other on a prepared panel do not prepare it again.
func (p *Panel) prepare() (*Panel, error) {
	var ps problems
	if p == nil {
		return nil, invalid("panel", "required")
	}
	if p.rolled != nil {
		return p, nil
	}
	if p.Hierarchy == nil {
		ps.add("panel.hierarchy", "required")
	}
	if p.Tallies == nil {
		ps.add("panel.tallies", "required")
	} else if p.Tallies.Survey != p.Survey.ID {
		ps.add("panel.tallies", fmt.Sprintf("tallies of survey %q, not %q", p.Tallies.Survey, p.Survey.ID))
	}
	if p.MinGroup < 0 {
		ps.add("panel.min_group", fmt.Sprintf("must be at least 1, got %d", p.MinGroup))
	}
	if p.Level != 0 && !(p.Level > 0 && p.Level < 1) {
		ps.add("panel.level", fmt.Sprintf("must be in (0,1), got %g", p.Level))
	}
	seen := map[string]bool{}
	for i, w := range p.Waves {
		f := "panel.waves[" + strconv.Itoa(i) + "]"
		if seen[w.ID] {
			ps.add(f+".id", "duplicate wave "+w.ID)
		}
		seen[w.ID] = true
		if i > 0 && w.Opens.Before(p.Waves[i-1].Opens) {
			ps.add(f+".opens", fmt.Sprintf("wave %s opens before wave %s: waves must be in time order", w.ID, p.Waves[i-1].ID))
		}
	}
	for _, w := range sortedKeys(p.Fielded) {
		if len(p.Waves) > 0 && !seen[w] {
			ps.add("panel.fielded."+w, "unknown wave "+w)
		}
		if s := p.Fielded[w]; s.ID != p.Survey.ID {
			ps.add("panel.fielded."+w, fmt.Sprintf("instrument of survey %q, not %q", s.ID, p.Survey.ID))
		}
	}
	for i, o := range p.Observations {
		f := "panel.observations[" + strconv.Itoa(i) + "]"
		if p.Hierarchy != nil && !p.Hierarchy.Has(o.Unit) {
			ps.add(f+".unit", fmt.Sprintf("unknown unit %q", o.Unit))
		}
		if math.IsNaN(o.Value) || math.IsInf(o.Value, 0) {
			ps.add(f+".value", "must be a finite number")
		}
		if o.N < 0 {
			ps.add(f+".n", "must not be negative")
		}
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	q := *p
	q.order, q.index, q.rolled, q.plan, q.customers = nil, nil, nil, nil, nil
	if len(p.Customer) > 0 {
		cs, err := p.prepareCustomers()
		if err != nil {
			return nil, err
		}
		q.customers = cs
	}
	if q.MinGroup == 0 {
		q.MinGroup = 5
		switch {
		case q.Disclosure != nil:
			q.MinGroup = q.Disclosure.Privacy().MinScores
		case q.Privacy != nil:
			q.MinGroup = q.Privacy.WithDefaults().MinScores
		}
	}
	if q.Level == 0 {
		q.Level = 0.95
	}
	if len(q.Waves) > 0 {
		for _, w := range q.Waves {
			q.order = append(q.order, w.ID)
		}
		for g := range q.Tallies.Respondents {
			if !seen[g.Wave] {
				return nil, invalid("panel.tallies", fmt.Sprintf("tallies hold wave %q, which is not in panel.waves", g.Wave))
			}
		}
	} else {
		q.order = q.Tallies.Waves()
		slices.SortFunc(q.order, compareWaveIDs)
	}
	q.index = map[string]int{}
	for i, w := range q.order {
		q.index[w] = i
	}
	if err := q.prepareOrgs(); err != nil {
		return nil, err
	}
	q.plan = q.Disclosure
	if q.plan == nil && q.Privacy != nil {
		plan, err := q.planOrgs()
		if err != nil {
			return nil, err
		}
		q.plan = plan
	}
	source := q.Tallies
	if q.plan == nil {
		source = q.disclosed()
	}
	rolled, err := q.rollUpOrgs(source)
	if err != nil {
		return nil, err
	}
	q.rolled = rolled
	return &q, nil
}

// disclosed returns the tallies of the groups (as tallied) that may be
// shown, so that a roll-up pools only shown groups and no parent's figure
// can be differenced into a hidden group's.
func (p *Panel) disclosed() *Tallies {
	out := NewTallies(p.Tallies.Survey)
	for g, n := range p.Tallies.Respondents {
		if p.groupShown(n) {
			out.Respondents[g] = n
			out.Comments[g] = p.Tallies.Comments[g]
		}
	}
	for c, v := range p.Tallies.Answers {
		if _, ok := out.Respondents[Group{c.Unit, c.Wave}]; ok {
			out.Answers[c] = v
		}
	}
	return out
}

// compareWaveIDs orders numeric wave IDs by number, others by text.
func compareWaveIDs(a, b string) int {
	x, errA := strconv.Atoi(a)
	y, errB := strconv.Atoi(b)
	if errA == nil && errB == nil {
		return x - y
	}
	return strings.Compare(a, b)
}

// waveTime returns the time of wave i (its Opens), zero when unknown.
func (p *Panel) waveTime(i int) time.Time {
	if i < len(p.Waves) {
		return p.Waves[i].Opens
	}
	return time.Time{}
}

// instrument returns the survey as fielded in a wave.
func (p *Panel) instrument(wave string) survey.Survey {
	if s, ok := p.Fielded[wave]; ok {
		return s
	}
	return p.Survey
}

// groupShown is the disclosure rule: whether a group of n respondents
// may be shown. It is the one place where the rule is applied.
func (p *Panel) groupShown(n int64) bool { return n >= int64(p.MinGroup) }

// shown reports whether the figures of a unit in a wave may be shown, and
// if not, why. The unit's count pools the shown groups at or below it.
func (p *Panel) shown(unit, wave string) (bool, string) {
	n := p.rolled.Respondents[Group{unit, wave}]
	if p.plan != nil {
		// The plan's reason, the same for an empty unit as for a small
		// one: a reader must not tell them apart.
		if r, hidden := p.plan.Hidden(unit, wave); hidden || n == 0 {
			return false, r.String()
		}
		return true, ""
	}
	if p.groupShown(n) && n > 0 {
		return true, ""
	}
	if p.Tallies.Respondents[Group{unit, wave}] == 0 && n == 0 && !p.anyBelow(unit, wave) {
		return false, "no respondents"
	}
	return false, fmt.Sprintf("fewer than %d respondents", p.MinGroup)
}

// figureHidden reports whether a figure over items of a shown unit in a
// wave is hidden, and why: by the plan's rule ([Disclosure.ItemsHidden]),
// or without a plan when an item was answered by 1 to MinGroup-1 people.
func (p *Panel) figureHidden(unit, wave string, items []survey.Item) (bool, string) {
	if p.plan != nil {
		r, hid := p.plan.ItemsHidden(CellRef{Unit: unit, Wave: wave}, itemIDs(items)...)
		return hid, r.String()
	}
	for _, it := range items {
		if n := p.rolled.Answers[Cell{unit, wave, it.ID}].N(); n > 0 && n < int64(p.MinGroup) {
			return true, Reason{Kind: FewAnswered, Min: p.MinGroup}.String()
		}
	}
	return false, ""
}

// anyBelow reports whether anyone responded at or below unit in wave.
func (p *Panel) anyBelow(unit, wave string) bool {
	for _, u := range append([]string{unit}, p.Hierarchy.Descendants(unit)...) {
		if p.Tallies.Respondents[Group{u, wave}] > 0 {
			return true
		}
	}
	return false
}

// Point is one value of a series: a unit's measure in one wave, or one
// observation of an operational metric. A suppressed point carries no
// figure, only the reason.
type Point struct {
	// Wave is the wave of a survey measure; empty for observations.
	Wave string `json:"wave,omitempty"`
	// Time is the wave's opening or the observation's time; zero when
	// the panel has no wave times.
	Time time.Time `json:"time,omitzero"`
	// Value is the share (0-1), mean, score or metric value.
	Value float64 `json:"value"`
	// Interval is the confidence interval of Value: Wilson for shares, t
	// for means, Wald for NPS; for an observation, Wilson when it is a
	// share (a value in [0,1] with N cases), else equal to the value.
	Interval metrics.Interval `json:"interval"`
	// SE is the standard error of Value (binomial for shares).
	SE float64 `json:"se"`
	// N is the number of answers (survey) or cases (observations; 0 when
	// unknown); Successes the favorable answers of a share.
	N         int64 `json:"n"`
	Successes int64 `json:"successes,omitempty"`
	// Respondents is the number of respondents of the unit in the wave.
	Respondents int64 `json:"respondents,omitempty"`
	// Suppressed points show nothing; Reason says why.
	Suppressed bool   `json:"suppressed,omitempty"`
	Reason     string `json:"reason,omitempty"`
	// Segment numbers the comparable stretches of a series: it grows by
	// one at each comparability break.
	Segment int `json:"segment"`
	// QuestionsChanged and OrgChanged say why a comparable stretch starts
	// at this point: the measure's items differ from the wave before's
	// (an item reworded, rescaled, added or dropped), or the people the
	// unit counts changed with the org (a unit moved in or out, a merge,
	// a split).
	QuestionsChanged bool `json:"questions_changed,omitempty"`
	OrgChanged       bool `json:"org_changed,omitempty"`
	// Missing marks a wave in which the unit has no answers to the
	// measure's items at all (while it has respondents).
	Missing bool `json:"missing,omitempty"`
}

// series returns the points of a measure in a unit, in time order. For a
// survey measure there is one point per wave of the panel.
func (p *Panel) series(unit string, m measureSpec) []Point {
	if m.sub != nil {
		return m.sub.series(unit, *m.inner)
	}
	if m.source == "observations" {
		return p.observationSeries(unit, m.key, m.kind)
	}
	out := make([]Point, 0, len(p.order))
	segment, prevSig := 0, ""
	for i, w := range p.order {
		items := m.items(p.instrument(w))
		var other []survey.Item
		if m.other != nil {
			other = m.other(p.instrument(w))
		}
		sig := itemsKey(append(slices.Clone(items), other...))
		questions, reorg := i > 0 && sig != prevSig, i > 0 && p.orgBreak[Group{unit, w}]
		if questions || reorg {
			segment++
		}
		prevSig = sig
		pt := Point{Wave: w, Time: p.waveTime(i), Segment: segment, QuestionsChanged: questions, OrgChanged: reorg}
		if why := p.notInOrg(unit, w); why != "" {
			pt.Suppressed, pt.Reason = true, why
			out = append(out, pt)
			continue
		}
		if ok, why := p.shown(unit, w); !ok {
			pt.Suppressed, pt.Reason = true, why
			out = append(out, pt)
			continue
		}
		if hid, why := p.figureHidden(unit, w, append(slices.Clone(items), other...)); hid {
			pt.Suppressed, pt.Reason = true, why
			out = append(out, pt)
			continue
		}
		pt.Respondents = p.rolled.Respondents[Group{unit, w}]
		p.estimate(&pt, unit, w, m, items, other)
		out = append(out, pt)
	}
	return out
}

// estimate fills the figures of a shown point.
func (p *Panel) estimate(pt *Point, unit, wave string, m measureSpec, items, other []survey.Item) {
	switch {
	case m.gap:
		fb, _, _ := pooled(p.rolled, unit, wave, items)
		fp, _, _ := pooled(p.rolled, unit, wave, other)
		pt.N = min(fb.N, fp.N)
		if fb.N == 0 || fp.N == 0 {
			pt.Missing = true
			return
		}
		pt.Value = fb.Value() - fp.Value()
		pt.SE = math.Hypot(fb.SE(), fp.SE())
		pt.Interval = metrics.NewcombeDiff(fb, fp, p.Level)
	case m.nps:
		var nps metrics.NPS
		for _, it := range items {
			c := p.rolled.Answers[Cell{unit, wave, it.ID}]
			if c.N() == 0 || it.Scale.Min < 0 || it.Scale.Max > 10 {
				continue
			}
			nps = nps.Add(c.NPS())
		}
		pt.N = nps.N()
		if pt.N == 0 {
			pt.Missing = true
			return
		}
		pt.Value, pt.SE, pt.Interval = nps.Score(), nps.SE(), nps.CI(p.Level)
	case m.mean:
		_, all, same := pooled(p.rolled, unit, wave, items)
		pt.N = all.N()
		if pt.N == 0 || !same {
			pt.Missing = true
			return
		}
		pt.Value, pt.Interval = all.Mean(), all.MeanCI(p.Level)
		pt.SE = math.Sqrt(all.Variance() / float64(pt.N))
	default:
		fav, _, _ := pooled(p.rolled, unit, wave, items)
		pt.N, pt.Successes = fav.N, fav.Successes
		if pt.N == 0 {
			pt.Missing = true
			return
		}
		pt.Value, pt.Interval, pt.SE = fav.Value(), fav.Wilson(p.Level), fav.SE()
	}
	if math.IsNaN(pt.SE) {
		pt.SE = 0
	}
	if math.IsNaN(pt.Interval.Lower) {
		pt.Interval = metrics.Interval{Lower: pt.Value, Upper: pt.Value}
	}
}

// observationSeries returns the observations of a metric in a unit as
// points, in time order. Observations are not grouped, so none is
// suppressed; an observation with N cases below MinGroup is.
func (p *Panel) observationSeries(unit, metric string, kind MeasureKind) []Point {
	var out []Point
	for _, o := range p.Observations {
		if o.Metric != metric || o.Unit != unit {
			continue
		}
		pt := Point{Time: o.Time, Value: o.Value, N: o.N, Interval: metrics.Interval{Lower: o.Value, Upper: o.Value}}
		if o.N > 0 && o.N < int64(p.MinGroup) {
			pt = Point{Time: o.Time, Suppressed: true, Reason: fmt.Sprintf("fewer than %d cases", p.MinGroup)}
		} else if kind == ShareMeasure && o.N > 0 && o.Value >= 0 && o.Value <= 1 {
			s := int64(math.Round(o.Value * float64(o.N)))
			pt.Successes = s
			prop := metrics.Proportion{Successes: s, N: o.N}
			pt.Interval, pt.SE = prop.Wilson(p.Level), prop.SE()
		}
		out = append(out, pt)
	}
	slices.SortStableFunc(out, func(a, b Point) int { return a.Time.Compare(b.Time) })
	return out
}

// itemSignature identifies the items of a measure for comparability: IDs,
// wording versions, scales and keying.
func itemSignature(items []survey.Item) string {
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = fmt.Sprintf("%s@v%d/%s[%d..%d;%d..%d]/r%t", it.ID, it.Version, it.Scale.ID, it.Scale.Min, it.Scale.Max,
			it.Scale.FavorableMin, it.Scale.FavorableMax, it.Reverse)
	}
	slices.Sort(parts)
	return strings.Join(parts, ",")
}

// itemsKey identifies the items of a measure for comparability: what
// [itemSignature] lists, and each item's text, so that a wording changed
// without a new version still breaks a series ([survey.Item.Comparable]).
func itemsKey(items []survey.Item) string {
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = itemSignature([]survey.Item{it}) + "/" + strconv.Quote(it.Text)
	}
	slices.Sort(parts)
	return strings.Join(parts, ",")
}

// usable reports whether a point has a figure.
func (pt Point) usable() bool { return !pt.Suppressed && !pt.Missing && pt.N >= 0 }

// finiteOr returns x, or alt when x is NaN or infinite: result types stay
// encodable as JSON.
func finiteOr(x, alt float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return alt
	}
	return x
}

// pooledSeries returns the series of a measure over several units
// together: per wave (or observation time), the shown points of the units
// pooled as in [pool]. A wave in which no unit is shown is suppressed.
func (p *Panel) pooledSeries(units []string, m measureSpec) []Point {
	var all [][]Point
	for _, u := range units {
		all = append(all, p.series(u, m))
	}
	type slot struct {
		pt  Point
		pts []Point
	}
	var order []time.Time
	var waves []string
	slots := map[string]*slot{}
	key := func(pt Point) string {
		if pt.Wave != "" {
			return pt.Wave
		}
		return pt.Time.String()
	}
	for _, pts := range all {
		for _, pt := range pts {
			k := key(pt)
			s, ok := slots[k]
			if !ok {
				s = &slot{pt: Point{Wave: pt.Wave, Time: pt.Time, Segment: pt.Segment}}
				slots[k] = s
				order = append(order, pt.Time)
				waves = append(waves, k)
			}
			s.pt.QuestionsChanged = s.pt.QuestionsChanged || pt.QuestionsChanged
			s.pt.OrgChanged = s.pt.OrgChanged || pt.OrgChanged
			if pt.usable() {
				s.pts = append(s.pts, pt)
			}
		}
	}
	idx := make([]int, len(waves))
	for i := range idx {
		idx[i] = i
	}
	if m.source == "observations" {
		slices.SortStableFunc(idx, func(a, b int) int { return order[a].Compare(order[b]) })
	}
	out := make([]Point, 0, len(waves))
	for _, i := range idx {
		s := slots[waves[i]]
		pt := s.pt
		pv, ok := pool(s.pts, m.kind)
		if !ok {
			pt.Suppressed, pt.Reason = true, "no unit shown"
			out = append(out, pt)
			continue
		}
		for _, x := range s.pts {
			pt.N += x.N
			pt.Successes += x.Successes
			pt.Respondents += x.Respondents
		}
		pt.Value = pv.value
		pt.SE = finiteOr(math.Sqrt(pv.variance), 0)
		if m.kind == ShareMeasure && pt.N > 0 {
			pt.Interval = metrics.Proportion{Successes: pt.Successes, N: pt.N}.Wilson(p.Level)
		} else {
			z := distuv.UnitNormal.Quantile(1 - (1-p.Level)/2)
			pt.Interval = metrics.Interval{Lower: pt.Value - z*pt.SE, Upper: pt.Value + z*pt.SE}
		}
		out = append(out, pt)
	}
	return out
}
