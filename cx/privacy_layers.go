package cx

import (
	"fmt"
	"maps"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/cxculture/cxculture/cx/disclosure"
	"github.com/cxculture/cxculture/survey"
)

// planInput is what a plan covers besides the rules: the rolled-up
// respondents and answers of every unit, the answers followed, the
// respondents per unit as tallied (against which segments are checked),
// the waves in time order with their invited counts, and the segments.
type planInput struct {
	h       *Hierarchy
	resp    func(unit, wave string) int64
	answers func(unit, wave string) []int64 // nil: no answers known
	space   *answerSpace
	direct  map[Group]int64
	waves   []string
	invited map[string]map[string]int // wave → unit → invited, may be nil
	segs    *Segments
}

// plan builds a disclosure from rolled-up respondent counts and answer
// vectors over space (answers may be nil: no answers known), without
// validating p. direct holds the respondents per unit as tallied, against
// which segment counts are checked.
func (p Privacy) plan(h *Hierarchy, resp func(unit, wave string) int64, answers func(unit, wave string) []int64, space *answerSpace,
	direct map[Group]int64, waves []string, segs *Segments) (*Disclosure, error) {
	return p.planLayers(planInput{h: h, resp: resp, answers: answers, space: space, direct: direct, waves: waves, segs: segs})
}

// planLayers plans each wave in time order in three layers over the same
// cells and relations: the respondents (which groups are shown at all),
// the comments (at the comment minimum, from the groups hidden in the
// first layer), and the items behind figures (which figures of a shown
// group are shown; items whose answers are missing or small in the same
// cells are planned together).
func (p Privacy) planLayers(in planInput) (*Disclosure, error) {
	var ps problems
	seen := map[string]bool{}
	for i, w := range in.waves {
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
	if in.segs != nil {
		var err error
		if segRolled, err = in.segs.rollUp(in.h, seen, in.direct); err != nil {
			return nil, err
		}
		if in.answers != nil {
			segVecs, pairVecs = segRolled.vectors(in.space)
		}
	}
	av := answerVecs{unit: in.answers, seg: segVecs, pair: pairVecs, space: in.space}
	d := p.newDisclosure(in.space)
	d.waves, d.order = seen, slices.Clone(in.waves)
	if len(in.waves) < 2 || !planWavesApart || p.WaveDifference && !p.ThresholdOnly {
		// A wave's plan reads the counts shown in the waves before it.
		last := map[string]shownCount{}
		for _, w := range in.waves {
			p.planWave(d, in, av, segRolled, segVecs != nil, w, last)
		}
		return d, nil
	}
	// Without the wave-difference rule the waves' plans are independent:
	// they are made side by side, each into a plan of its own, and
	// gathered in the order of the waves (the same plan as one after the
	// other).
	// As many waves at once as there are processors.
	parts := make([]*Disclosure, len(in.waves))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(len(in.waves), runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(in.waves); i = int(next.Add(1) - 1) {
				parts[i] = p.newDisclosure(in.space)
				p.planWave(parts[i], in, av, segRolled, segVecs != nil, in.waves[i], map[string]shownCount{})
			}
		})
	}
	wg.Wait()
	for _, part := range parts {
		d.absorb(part)
	}
	return d, nil
}

// planWavesApart lets the waves of a plan without the wave-difference
// rule be planned side by side; tests turn it off to compare.
var planWavesApart = true

// newDisclosure returns an empty plan under p over space, without waves.
func (p Privacy) newDisclosure(space *answerSpace) *Disclosure {
	return &Disclosure{privacy: p, hidden: map[CellRef]HiddenCell{},
		comments: map[CellRef]HiddenCell{}, emptyHidden: map[CellRef]Reason{}, emptyComments: map[CellRef]Reason{}, shown: map[CellRef]bool{}, commentsShown: map[CellRef]bool{},
		space: space, ans: map[CellRef][]int64{}, figures: map[CellRef]map[string]Reason{}, invitedHidden: map[Group]bool{}}
}

// absorb adds to d what the plan of other waves, part, decided: their
// cells differ from d's, so that nothing d holds is replaced.
func (d *Disclosure) absorb(part *Disclosure) {
	maps.Copy(d.hidden, part.hidden)
	maps.Copy(d.comments, part.comments)
	maps.Copy(d.emptyHidden, part.emptyHidden)
	maps.Copy(d.emptyComments, part.emptyComments)
	maps.Copy(d.shown, part.shown)
	maps.Copy(d.commentsShown, part.commentsShown)
	maps.Copy(d.ans, part.ans)
	maps.Copy(d.figures, part.figures)
	maps.Copy(d.invitedHidden, part.invitedHidden)
	d.primary += part.primary
	d.exposed = append(d.exposed, part.exposed...)
}

// planWave plans wave w into d: the respondents' layer, the comments'
// and the items'. last holds the counts shown in the waves planned
// before w, for the wave-difference rule; planWave records w's in it.
// segAnswers reports whether the segments have answer vectors.
func (p Privacy) planWave(d *Disclosure, in planInput, av answerVecs, segRolled *Segments, segAnswers bool, w string, last map[string]shownCount) {
	limit := int64(max(p.MinScores, p.MinComments))
	m := newWaveModel(in.h, in.resp, av, segRolled, w, in.invited[w])
	pairs := m.pairs(segRolled, limit)
	// The respondents' layer's cells by name, for the layers of items
	// (over m, or over its units alone).
	at := make(map[string]int, len(m.nodes))
	for i := range m.nodes {
		at[m.name(i)] = i
	}
	items := m
	if segRolled != nil && !segAnswers {
		// Segments counted without answers: their figures are not
		// planned (hidden as NotPlanned), so the items are planned
		// over the units alone.
		items = newWaveModel(in.h, in.resp, answerVecs{unit: in.answers, space: in.space}, nil, w, in.invited[w])
	}
	// cover holds the groups hidden in the respondents' layer for
	// what the layers of items found pinned.
	cover := map[int]Reason{}
	var people *disclosure.Table
	// withheld gathers, over every round, the units whose invited
	// counts the model no longer bounds: a later round starts from
	// the model as the earlier ones left it.
	withheld := map[string]bool{}
	var figs []figureLayer
	for round := 0; ; round++ {
		reasons := false
		plan := func() *disclosure.Table { return p.peopleLayer(m, pairs, w, last, cover, reasons) }
		people = withholdInvited(in.h, m, plan(), plan, withheld)
		if len(people.Exposed) > 0 {
			// No invited count left to withhold: the reasons around
			// what is still pinned are withheld instead.
			reasons = true
			people = plan()
		}
		figs = nil
		if in.answers == nil || in.space == nil || len(in.space.ms) == 0 {
			break
		}
		items.withhold(withheld)
		figs = p.itemLayers(items, people, at)
		// At most maxCoverRounds plans of the wave: what is still
		// exposed then is listed.
		if round == maxCoverRounds || !coverExposed(figs, items, people, at, cover) {
			break
		}
	}
	for u := range withheld {
		d.invitedHidden[Group{u, w}] = true
	}
	for _, i := range people.Exposed {
		d.exposed = append(d.exposed, Exposure{Group: m.name(i)})
	}
	for i, c := range people.Cells {
		nd := &m.nodes[i]
		if nd.virtual {
			continue
		}
		if nd.n == 0 {
			// An empty listed cell the outputs list as hidden: withheld
			// where a small one there would be.
			if c.Withheld {
				d.emptyHidden[nd.ref] = published(c, p.MinScores)
			}
			continue
		}
		if nd.ans != nil {
			d.ans[nd.ref] = nd.ans
		}
		if c.Hidden {
			d.hidden[nd.ref] = HiddenCell{Cell: nd.ref, Reason: published(c, p.MinScores), Respondents: nd.n}
			// A cell whose reason is withheld counts apart: counting it
			// as below the minimum or beyond it would tell which it is.
			if c.Withheld || c.Reason.Kind == BelowMinimum {
				d.primary++
			}
			continue
		}
		d.shown[nd.ref] = true
		if nd.ref.Key == "" {
			last[nd.ref.Unit] = shownCount{w, nd.n}
		}
	}
	comments := p.commentLayer(m, pairs, people)
	// Where the comments' plan leaves a group it cannot protect, no
	// comment of the wave is shown, every unit's with the same reason
	// (withheld), so that neither the texts nor the counts of a small
	// group can be set apart.
	wholeWave := len(comments.Exposed) > 0
	for i, c := range comments.Cells {
		nd := &m.nodes[i]
		if wholeWave && !c.Virtual {
			c.Hidden, c.Withheld = true, true
		}
		switch {
		case nd.virtual || nd.ref.Key != "":
		case nd.n == 0:
			if c.Withheld {
				d.emptyComments[nd.ref] = published(c, p.MinComments)
			}
		case c.Hidden:
			d.comments[nd.ref] = HiddenCell{Cell: nd.ref, Reason: published(c, p.MinComments), Respondents: nd.n}
		default:
			d.commentsShown[nd.ref] = true
		}
	}
	for _, f := range figs {
		d.record(f, items, p.MinScores)
	}
}

// withholdInvited withholds the invited counts that pin a group no
// suppression protects (a team of 2 invited, both of whom answered, in a
// unit of barely the minimum): for each group the respondents' layer
// reports exposed, the invited counts of its unit, of the units above it
// (from which, less its siblings', its own would follow) and of the units
// below it (which would add up to it) are withheld, and the layer
// planned again (plan), until no group is exposed or none of them has an
// invited count left to withhold. It returns the last plan and the
// units withheld.
func withholdInvited(h *Hierarchy, m *waveModel, people *disclosure.Table, plan func() *disclosure.Table, withheld map[string]bool) *disclosure.Table {
	for len(people.Exposed) > 0 {
		more := false
		for _, i := range people.Exposed {
			u := m.nodes[i].ref.Unit
			for _, v := range append(withAncestors(h, u), h.Descendants(u)...) {
				if !withheld[v] && m.bounds(v) {
					withheld[v], more = true, true
				}
			}
		}
		if !more {
			break
		}
		m.withhold(withheld)
		people = plan()
	}
	return people
}

type shownCount struct {
	wave string
	n    int64
}

// layerCells returns the cells of a layer over m: each cell's count is
// n(i). In a layer of respondents, a unit or segment cell of a unit where
// people were invited (whether or not the plan withholds the invited
// count), and the direct respondents of a unit where people were invited
// directly (a division's head), are groups a reader cannot tell empty
// from small: the outputs read the two alike (see Disclosure.lookup), and the
// plan protects an empty one as a small one, so that no one's
// participation can be told (an empty team, or a small one whose invited
// count bounds it, would tell whether each of its people answered;
// protecting a division's direct respondents only when someone answered
// would tell that its head did). Without invited counts an empty cell is
// no one's to protect. A unit's own cell is a headline:
// to protect a small segment the plan hides other segment cells (of the
// same unit, or the same segment elsewhere) before it hides a unit, so
// that declaring segments does not blank the units' figures.
func layerCells(m *waveModel, respondents bool, n func(i int) int64) []disclosure.Cell {
	out := make([]disclosure.Cell, len(m.nodes))
	for i := range m.nodes {
		nd := &m.nodes[i]
		out[i] = disclosure.Cell{Name: m.name(i), Virtual: nd.virtual, N: n(i), Hi: nd.invited, Bounded: nd.bounded, Depth: nd.depth,
			EmptyHidden: respondents && nd.mayBeEmpty, Unknown: respondents && nd.unknown, Listed: respondents && !nd.virtual,
			Headline: !nd.virtual && nd.ref.Key == ""}
	}
	return out
}

// peopleLayer plans which groups of wave w are shown: their respondents.
// The cells of cover are hidden first, with their reasons. With the
// wave-difference rule, a unit whose count moved by 1 to min-1 since its
// last shown wave (last) is hidden first.
func (p Privacy) peopleLayer(m *waveModel, pairs []disclosure.Pair, w string, last map[string]shownCount, cover map[int]Reason, reasons bool) *disclosure.Table {
	t := &disclosure.Table{Min: int64(p.MinScores), Primary: disclosure.BelowMinimum, Relations: m.rels, Pairs: pairs,
		ThresholdOnly: p.ThresholdOnly, WithholdReasons: reasons, Cells: layerCells(m, true, func(i int) int64 { return m.nodes[i].n })}
	for i, r := range cover {
		t.Cells[i].Hidden, t.Cells[i].Reason = true, r
	}
	if p.WaveDifference && !p.ThresholdOnly {
		least := int64(p.MinScores)
		for i := range m.nodes {
			nd := &m.nodes[i]
			if nd.virtual || nd.ref.Key != "" || nd.n < least {
				continue
			}
			prev, ok := last[nd.ref.Unit]
			diff := nd.n - prev.n
			if ok && diff != 0 && abs64(diff) < least && min(nd.n, prev.n) < 2*least {
				t.Cells[i].Hidden, t.Cells[i].Reason = true, Reason{Kind: WaveDifference, Min: p.MinScores, Other: prev.wave}
			}
		}
	}
	t.Plan()
	return t
}

// commentLayer plans which groups' comments are shown: the same cells at
// the comment minimum, starting from the groups hidden in people.
func (p Privacy) commentLayer(m *waveModel, pairs []disclosure.Pair, people *disclosure.Table) *disclosure.Table {
	t := &disclosure.Table{Min: int64(p.MinComments), Primary: disclosure.BelowMinimum, Relations: m.rels, Pairs: pairs,
		ThresholdOnly: p.ThresholdOnly, Cells: layerCells(m, true, func(i int) int64 { return m.nodes[i].n })}
	for i, c := range people.Cells {
		switch {
		case c.Hidden && !c.Virtual:
			t.Cells[i].Hidden, t.Cells[i].Reason, t.Cells[i].Withheld = true, c.Reason, c.Withheld
		case c.Withheld:
			t.Cells[i].Withheld = true // an empty listed cell read as a small one
		}
	}
	t.Plan()
	return t
}

// published returns the reason a hidden cell of a layer shows: its own,
// or Withheld where the plan withholds it.
func published(c disclosure.Cell, min int) Reason {
	if c.Withheld {
		return Reason{Kind: Withheld, Min: min}
	}
	return c.Reason
}

// figureLayer is the plan of one group of items over a wave's cells.
type figureLayer struct {
	group []string
	t     *disclosure.Table
	// few reports whether item id has 1 to min-1 answers in cell i.
	few func(i int, id string) bool
}

// itemLayers plans, per group of items, which figures of the shown groups
// are shown. items is the model the items are planned over (m itself, or
// its units alone when segments have no answers); people is the
// respondents' layer over m, whose cells at names.
func (p Privacy) itemLayers(items *waveModel, people *disclosure.Table, at map[string]int) []figureLayer {
	min := int64(p.MinScores)
	// few reports whether item id has 1 to min-1 answers in cell i.
	few := func(i int, id string) bool {
		a := items.nodes[i].ans[2*items.space.byItem[id][0]]
		return a > 0 && a < min
	}
	// The groups' tables are independent: they are built, then planned
	// side by side.
	groups := itemGroups(items)
	out := make([]figureLayer, 0, len(groups))
	for _, group := range groups {
		var ms []int
		for _, id := range group {
			ms = append(ms, items.space.byItem[id]...)
		}
		first := ms[0]
		t := &disclosure.Table{Min: min, Primary: disclosure.FewAnswered, Relations: items.rels, ThresholdOnly: p.ThresholdOnly,
			Measures: len(ms), Cells: layerCells(items, false, func(i int) int64 { return items.nodes[i].ans[2*first] })}
		for i := range t.Cells {
			c := &t.Cells[i]
			nd := &items.nodes[i]
			c.Ans = make([]int64, 2*len(ms))
			for k, mi := range ms {
				c.Ans[2*k], c.Ans[2*k+1] = nd.ans[2*mi], nd.ans[2*mi+1]
			}
			pi := at[items.name(i)]
			c.People = nd.n
			c.PeopleLo, c.PeopleHi = people.Known(pi)
			if pc := people.Cells[pi]; pc.Hidden && !pc.Virtual {
				c.Hidden, c.Borrowed, c.Reason = true, true, pc.Reason
				continue
			}
			// A cell where any item of the group is answered by 1 to
			// min-1 people: the group's figures rest on too few there.
			if slices.ContainsFunc(group, func(id string) bool { return few(i, id) }) {
				c.Hidden = true
				if !c.Virtual {
					c.Reason = Reason{Kind: FewAnswered, Min: p.MinScores}
				}
			}
		}
		out = append(out, figureLayer{group: group, t: t, few: few})
	}
	planFigureLayers(out)
	return out
}

// planFigureLayers plans the tables of independent layers on up to
// GOMAXPROCS goroutines.
func planFigureLayers(ls []figureLayer) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(len(ls), runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(ls); i = int(next.Add(1) - 1) {
				ls[i].t.Plan()
			}
		})
	}
	wg.Wait()
}

// maxCoverRounds bounds how many times a wave is planned again for the
// groups the layers of items report exposed (see coverExposed), so that
// the time to plan stays bounded; the tests' cases need one or two.
const maxCoverRounds = 8

// coverExposed hides, in the respondents' layer people, a group for
// each group a layer of items reports exposed (no figure left to hide
// would protect it, as when everyone answered in a group whose count is
// shown): the cell the respondents' layer would hide next to protect it,
// so that its figures are hidden too. It records them in cover and
// reports whether it added one: the wave is then planned again.
func coverExposed(figs []figureLayer, items *waveModel, people *disclosure.Table, at map[string]int, cover map[int]Reason) bool {
	added := false
	for _, f := range figs {
		for _, i := range f.t.Exposed {
			pi := at[items.name(i)]
			if j, r, ok := people.Cover(pi); ok {
				if _, dup := cover[j]; !dup {
					cover[j] = r
					added = true
				}
			}
		}
	}
	return added
}

// record records in d the figures a layer of items hides, and the
// groups it reports exposed.
func (d *Disclosure) record(f figureLayer, items *waveModel, minScores int) {
	for _, i := range f.t.Exposed {
		d.exposed = append(d.exposed, Exposure{Group: items.name(i), Items: slices.Clone(f.group)})
	}
	for i, c := range f.t.Cells {
		nd := &items.nodes[i]
		if nd.virtual || !c.Hidden || c.Borrowed {
			continue
		}
		figs := d.figures[nd.ref]
		if figs == nil {
			figs = map[string]Reason{}
			d.figures[nd.ref] = figs
		}
		for _, id := range f.group {
			r := c.Reason
			if r.Kind == FewAnswered && !f.few(i, id) {
				// Enough answered this item, but not another of its
				// group: hidden with the group.
				r = Reason{Kind: Complementary, Min: minScores, Other: items.name(i)}
			}
			figs[id] = r
		}
	}
}

// itemGroups returns the items answered in the wave of m, grouped as
// the space groups them (the items of one behavior, planned together: a
// figure pooled over a behavior's items is shown only where each of them
// is), in the order of the measures.
func itemGroups(m *waveModel) [][]string {
	var keys []string
	groups := map[string][]string{}
	for _, id := range itemOrder(m.space) {
		mi := m.space.byItem[id][0]
		if !slices.ContainsFunc(m.nodes, func(nd modelCell) bool { return nd.ans[2*mi] > 0 }) {
			continue // nobody answered it in this wave
		}
		k := m.space.groupOf(id)
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], id)
	}
	out := make([][]string, len(keys))
	for i, k := range keys {
		out[i] = groups[k]
	}
	return out
}

// itemOrder returns the items of a space in the order of their first
// measure.
func itemOrder(a *answerSpace) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range a.ms {
		if !seen[m.item] {
			seen[m.item] = true
			out = append(out, m.item)
		}
	}
	return out
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
