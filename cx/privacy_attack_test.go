package cx_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/leanovate/gopter/prop"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
	"github.com/cxculture/cxculture/metrics"
	"github.com/cxculture/cxculture/survey"
)

// attackCase is an organization whose respondents are known cell by cell:
// each atom is the people of one unit (directly, not below it) in one wave
// with one combination of segment values, and their answers to one item
// by category. Everything a plan lets an output show is a sum of atoms:
// the respondents of a shown group, its answers by category when its
// figure is shown, and every unit's invited count (the pulse report shows
// it even for hidden units; response rates divide by it). The attacker
// knows the structure, every shown figure, every reason (a reason
// withheld says nothing of the count) and every invited count, and
// nothing else. The outputs themselves are checked against the
// plan path by path (privacy_paths_test.go), so the plan is the union of
// what the default outputs show.
type attackCase struct {
	Min     int
	Parents []int // Parents[i] is the parent of unit i; unit 0 is the root
	Keys    int   // segment attributes k0, k1, ... with values a and b
	Waves   int
	// WaveRule turns Privacy.WaveDifference on.
	WaveRule bool
	// Cats is the number of answer categories of the item: 2 (a yes/no
	// item: no, yes) or 3 (a 0-10 item as eNPS publishes it: detractors,
	// passives, promoters).
	Cats int
	// Invited, when not nil, holds per wave and unit the people invited
	// in the unit itself.
	Invited [][]int
	Atoms   []atom
}

type atom struct {
	Unit, Wave int
	Seg        []int // per key: 0 unset, 1 a, 2 b
	// N people, of whom Ans[c] answered in category c (the others
	// skipped the item). F, in cases written before Ans, is the number
	// who answered yes, everyone answering.
	N   int
	Ans []int
	F   int
}

func (a atom) answered() int {
	s := 0
	for _, x := range a.Ans {
		s += x
	}
	return s
}

var segValues = []string{"", "a", "b"}

// catValues are the answers given in each category: a yes/no item (0, 1),
// or a 0-10 item (a detractor's 3, a passive's 8, a promoter's 10).
var catValues = map[int][]int{2: {0, 1}, 3: {3, 8, 10}}

func (c attackCase) unitID(i int) string { return fmt.Sprintf("u%d", i) }
func (c attackCase) waveID(i int) string { return fmt.Sprintf("w%d", i+1) }

// normalized fills the atoms written with F and the default categories.
func (c attackCase) normalized() attackCase {
	if c.Cats == 0 {
		c.Cats = 2
	}
	c.Atoms = slices.Clone(c.Atoms)
	for i, a := range c.Atoms {
		if a.Seg == nil {
			c.Atoms[i].Seg = make([]int, c.Keys)
		}
		if a.Ans == nil {
			c.Atoms[i].Ans = []int{a.N - a.F, a.F}
		}
	}
	return c
}

// String draws the case: the tree, the invited counts, then every
// non-empty atom.
func (c attackCase) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "min=%d keys=%d waves=%d cats=%d wave_rule=%v tree:", c.Min, c.Keys, c.Waves, c.Cats, c.WaveRule)
	for i := 1; i < len(c.Parents); i++ {
		fmt.Fprintf(&b, " u%d<u%d", i, c.Parents[i])
	}
	if c.Invited != nil {
		fmt.Fprintf(&b, " invited %v", c.Invited)
	}
	b.WriteString(" atoms (unit wave segments: n/answers by category):")
	for _, a := range c.Atoms {
		if a.N == 0 {
			continue
		}
		var seg []string
		for k, v := range a.Seg {
			if v > 0 {
				seg = append(seg, fmt.Sprintf("k%d=%s", k, segValues[v]))
			}
		}
		fmt.Fprintf(&b, " [u%d %s {%s}: %d/%v]", a.Unit, c.waveID(a.Wave), strings.Join(seg, ","), a.N, a.Ans)
	}
	return b.String()
}

func (c attackCase) hierarchy() *cx.Hierarchy {
	units := make([]cx.Unit, len(c.Parents))
	for i, p := range c.Parents {
		units[i] = cx.Unit{ID: c.unitID(i), Name: c.unitID(i)}
		if i > 0 {
			units[i].Parent = c.unitID(p)
		}
	}
	h, err := cx.NewHierarchy(units)
	if err != nil {
		panic(err)
	}
	return h
}

func (c attackCase) attrs(a atom) map[string]string {
	m := map[string]string{}
	for k, v := range a.Seg {
		if v > 0 {
			m[fmt.Sprintf("k%d", k)] = segValues[v]
		}
	}
	return m
}

// survey is the one-item survey of the case.
func (c attackCase) survey() survey.Survey {
	scale := survey.Binary
	if c.Cats == 3 {
		scale = survey.NPS
	}
	return survey.Survey{ID: "s", Items: []survey.Item{{ID: "q", Scale: scale}}}
}

// plan runs the plan under test on the case, as Program.Disclosure does:
// PlanWaves with the waves' invited counts and the segments counted with
// the answers.
func (c attackCase) plan() (*cx.Disclosure, error) {
	s := c.survey()
	scale := s.Items[0].Scale
	t := cx.NewTallies("s")
	segs := cx.NewSegments()
	for _, a := range c.Atoms {
		g := cx.Group{Unit: c.unitID(a.Unit), Wave: c.waveID(a.Wave)}
		t.Respondents[g] += int64(a.N)
		cell := cx.Cell{Unit: g.Unit, Wave: g.Wave, Item: "q"}
		tally, ok := t.Answers[cell]
		if !ok {
			tally = metrics.NewTally(scale.Min, scale.Max)
		}
		person := 0
		for cat, k := range a.Ans {
			v := catValues[c.Cats][cat]
			tally.Counts[v-scale.Min] += int64(k)
			for range k {
				segs.AddResponse(survey.Response{Unit: g.Unit, Wave: g.Wave, Segments: c.attrs(a), Answers: map[string]int{"q": v}})
				person++
			}
		}
		for ; person < a.N; person++ {
			segs.AddResponse(survey.Response{Unit: g.Unit, Wave: g.Wave, Segments: c.attrs(a)})
		}
		if tally.N() > 0 {
			t.Answers[cell] = tally
		}
	}
	waves := make([]survey.Wave, c.Waves)
	for i := range waves {
		waves[i] = survey.Wave{ID: c.waveID(i), Survey: "s"}
		if c.Invited != nil {
			waves[i].Invited = map[string]int{}
			for u, n := range c.Invited[i] {
				waves[i].Invited[c.unitID(u)] = n
			}
		}
	}
	var segments *cx.Segments
	if c.Keys > 0 {
		segments = segs
	}
	return cx.Privacy{MinScores: c.Min, WaveDifference: c.WaveRule}.PlanWaves(s, c.hierarchy(), t, waves, segments)
}

// variables returns the atoms of wave w as the attacker sees them: for
// each unit with direct respondents, every combination of the segment
// values its direct respondents have (the attacker knows which units with
// teams below have direct respondents, as the plan assumes, and which
// values occur in each, but not how attributes combine), with the true
// counts, zero for combinations nobody has. Where the invited counts say
// people were invited, a reader cannot tell an empty team or segment from
// a small one: a team with people invited has atoms even when empty, and
// atoms for every value that occurs in the wave.
func (c attackCase) variables(w int) []atom {
	var out []atom
	inWave := make([]map[int]bool, c.Keys)
	for k := range inWave {
		inWave[k] = map[int]bool{0: true}
	}
	for _, a := range c.Atoms {
		if a.Wave == w && a.N > 0 {
			for k, v := range a.Seg {
				inWave[k][v] = true
			}
		}
	}
	for u := range c.Parents {
		var own []atom
		support := make([]map[int]bool, c.Keys)
		for k := range support {
			support[k] = map[int]bool{}
		}
		for _, a := range c.Atoms {
			if a.Wave == w && a.Unit == u && a.N > 0 {
				own = append(own, a)
				for k, v := range a.Seg {
					support[k][v] = true
				}
			}
		}
		if c.hidesEmpty(c.unitID(u), w) {
			support = inWave
			if len(own) == 0 && (!slices.Contains(c.Parents[1:], u) || c.Invited[w][u] > 0) {
				// An empty team with people invited, or a unit with teams
				// whose people invited directly (its head) did not answer.
				own = append(own, atom{Unit: u, Wave: w, Seg: make([]int, c.Keys)})
			}
		}
		if len(own) == 0 {
			continue
		}
		combos := [][]int{{}}
		for k := range c.Keys {
			var next [][]int
			for _, s := range combos {
				for v := range segValues {
					if support[k][v] {
						next = append(next, append(slices.Clone(s), v))
					}
				}
			}
			combos = next
		}
		for _, s := range combos {
			a := atom{Unit: u, Wave: w, Seg: s, Ans: make([]int, c.Cats)}
			for _, o := range own {
				if slices.Equal(o.Seg, s) {
					a.N += o.N
					for cat, k := range o.Ans {
						a.Ans[cat] += k
					}
				}
			}
			out = append(out, a)
		}
	}
	return out
}

// cell is a group of respondents of one wave: a unit or segment cell the
// plan decides on, or a group a reader may derive (the direct respondents
// of a unit, in all or in a segment; the respondents of a unit without an
// attribute), with the variables it sums.
type cell struct {
	ref     cx.CellRef
	name    string
	derived bool
	// headed marks the direct respondents of a unit with teams where
	// people were invited directly: empty, they are protected as a small
	// group (whether its head answered is theirs).
	headed  bool
	members []int
}

func (c attackCase) cells(w int, vars []atom) []cell {
	h := c.hierarchy()
	var out []cell
	collect := func(keep func(a atom) bool) []int {
		var m []int
		for i, a := range vars {
			if keep(a) {
				m = append(m, i)
			}
		}
		return m
	}
	for _, u := range h.IDs() {
		in := func(a atom) bool {
			id := c.unitID(a.Unit)
			return id == u || slices.Contains(h.Ancestors(id), u)
		}
		direct := func(a atom) bool { return c.unitID(a.Unit) == u }
		ref := cx.CellRef{Unit: u, Wave: c.waveID(w)}
		out = append(out, cell{ref: ref, name: ref.String(), members: collect(in)})
		if !h.IsLeaf(u) {
			var ui int
			fmt.Sscanf(u, "u%d", &ui)
			out = append(out, cell{name: "the direct respondents of " + ref.String(), derived: true, members: collect(direct),
				headed: c.Invited != nil && c.Invited[w][ui] > 0})
		}
		for k := range c.Keys {
			key := fmt.Sprintf("k%d", k)
			out = append(out, cell{name: "the respondents of " + ref.String() + " without " + key, derived: true,
				members: collect(func(a atom) bool { return in(a) && a.Seg[k] == 0 })})
			for v := 1; v < len(segValues); v++ {
				sref := cx.CellRef{Unit: u, Wave: c.waveID(w), Key: key, Value: segValues[v]}
				out = append(out, cell{ref: sref, name: sref.String(), members: collect(func(a atom) bool { return in(a) && a.Seg[k] == v })})
				if !h.IsLeaf(u) {
					out = append(out, cell{name: "the direct respondents of " + ref.String() + " with " + key + "=" + segValues[v], derived: true,
						members: collect(func(a atom) bool { return direct(a) && a.Seg[k] == v })})
				}
			}
		}
	}
	return out
}

// protected is a group the attacker must not pin down, with its true
// counts: its respondents (people) or its answers (figure).
type protected struct {
	name    string
	reason  string
	members []int
	n       int
	ans     []int
}

func (g protected) answered() int {
	s := 0
	for _, x := range g.ans {
		s += x
	}
	return s
}

// told reports whether the shown figures tell that nobody in g answered in
// category cat: each atom of g with answers lies in a shown figure with
// no answer in that category. That is the unanimity no plan can hide
// short of hiding the shown figure.
func told(g protected, vars []atom, shown []protected, cat int) bool {
	for _, i := range g.members {
		if vars[i].answered() == 0 {
			continue
		}
		if !slices.ContainsFunc(shown, func(s protected) bool { return slices.Contains(s.members, i) && s.ans[cat] == 0 }) {
			return false
		}
	}
	return true
}

// attackWave builds the attacker's system of wave w and returns the
// groups whose respondents and whose answers it must leave undetermined,
// and the shown figures.
func (c attackCase) attackWave(d *cx.Disclosure, w int) (s *system, people, figures, shown []protected, why string) {
	vars := c.variables(w)
	m := len(vars)
	s = &system{m: m, cats: c.Cats}
	fail := func(format string, args ...any) (*system, []protected, []protected, []protected, string) {
		return nil, nil, nil, nil, fmt.Sprintf(format, args...)
	}
	// reasons holds the reason of every hidden listed cell, empty ones
	// included, for the check below that the reasons read alike around
	// a withheld one.
	reasons := map[cx.CellRef]cx.Reason{}
	for _, ce := range c.cells(w, vars) {
		g := protected{name: ce.name, members: ce.members, ans: make([]int, c.Cats)}
		for _, i := range ce.members {
			g.n += vars[i].N
			for cat, k := range vars[i].Ans {
				g.ans[cat] += k
			}
		}
		a := g.answered()
		if ce.derived {
			g.reason = "derived"
			if g.n > 0 && g.n < c.Min || g.n == 0 && ce.headed {
				people = append(people, g)
			}
			if a > 0 && a < c.Min {
				figures = append(figures, g)
			}
			continue
		}
		ref := ce.ref
		if ref.Key != "" && !c.valueInWave(ref, w) {
			// Nobody has the value in the wave: the attacker is told so.
			s.add(s.vector(ce.members, -1), 0, 0)
			continue
		}
		var reason cx.Reason
		var hidden bool
		if ref.Key == "" {
			reason, hidden = d.Hidden(ref.Unit, ref.Wave)
		} else {
			reason, hidden = d.SegmentHidden(ref.Unit, ref.Wave, ref.Key, ref.Value)
		}
		if hidden {
			reasons[ref] = reason
		}
		if g.n == 0 && !c.hidesEmpty(ref.Unit, w) {
			// An empty cell where nobody was invited. The outputs list an
			// empty unit or segment as they list a small one in its place
			// (TestOutputsListEmptyGroupsAsSmall and ...WhereReasonsAreWithheld):
			// below the minimum, or withheld among withheld reasons (the
			// check after this loop). So neither reason tells a cell holds
			// anyone, and the attacker bounds no hidden cell's count below
			// by 1; it is told this one empty all the same, which makes it
			// stronger than a reader.
			if !hidden || reason.Kind != cx.BelowMinimum && reason.Kind != cx.Withheld {
				return fail("the empty %s reads as %v (%s), as no small group does", ref, hidden, reason)
			}
			s.add(s.vector(ce.members, -1), 0, 0)
			continue
		}
		g.reason = reason.String()
		switch {
		case !hidden:
			if g.n < c.Min {
				return fail("%s is shown with %d respondents, below the minimum %d", ref, g.n, c.Min)
			}
			s.add(s.vector(ce.members, -1), 0, float64(g.n))
			fr, fh := d.FigureHidden(ref, cx.ItemMeasure("q"))
			switch {
			case !fh:
				if a > 0 && a < c.Min {
					return fail("%s shows the item answered by %d, below the minimum %d", ref, a, c.Min)
				}
				for cat, k := range g.ans {
					s.add(s.vector(ce.members, cat), 0, float64(k))
				}
				shown = append(shown, g)
			case fr.Kind == cx.FewAnswered:
				if a == 0 || a >= c.Min {
					return fail("%s hides the item answered by %d as %s", ref, a, fr)
				}
				s.add(s.vector(ce.members, -2), +1, 1)
				s.add(s.vector(ce.members, -2), -1, float64(fr.Min-1))
				g.reason = fr.String()
				figures = append(figures, g)
			case fr.Kind == cx.Complementary:
				if a < fr.Min {
					return fail("%s hides the item answered by %d as %s, which says at least %d", ref, a, fr, fr.Min)
				}
				s.add(s.vector(ce.members, -2), +1, float64(fr.Min))
			default:
				return fail("%s hides the item as %s", ref, fr)
			}
		case reason.Kind == cx.Withheld:
			// Small, empty or not: no bound beyond the relations.
		case reason.Kind == cx.BelowMinimum:
			if g.n >= reason.Min {
				return fail("%s has %d respondents but is hidden as %s", ref, g.n, reason)
			}
			s.add(s.vector(ce.members, -1), -1, float64(reason.Min-1))
		default:
			if g.n < reason.Min {
				return fail("%s has %d respondents but is hidden as %s, which says at least %d", ref, g.n, reason, reason.Min)
			}
			s.add(s.vector(ce.members, -1), +1, float64(reason.Min))
		}
		// The groups protected: below the minimum (empty ones too, unless
		// nobody was invited) or nearly another segment. A cell hidden
		// only to protect another holds at least the minimum, and its
		// count may be learnt as a shown cell's.
		small := reason.Kind == cx.BelowMinimum || reason.Kind == cx.OverlappingSegment ||
			reason.Kind == cx.Withheld && (g.n > 0 && g.n < c.Min || g.n == 0 && c.hidesEmpty(ref.Unit, w))
		if hidden && small {
			people = append(people, g)
			if a > 0 {
				figures = append(figures, g)
			}
		}
	}
	if why := c.withheldAlike(w, reasons); why != "" {
		return fail("%s", why)
	}
	// Invited counts: of each unit and below, and of the unit itself,
	// unless the plan withholds them.
	if c.Invited != nil {
		h := c.hierarchy()
		for u := range c.Parents {
			id := c.unitID(u)
			if d.InvitedHidden(id, c.waveID(w)) {
				continue
			}
			var below, own []int
			rolled := 0
			for v := range c.Parents {
				vid := c.unitID(v)
				if vid == id || slices.Contains(h.Ancestors(vid), id) {
					rolled += c.Invited[w][v]
				}
			}
			for i, a := range vars {
				aid := c.unitID(a.Unit)
				if aid == id || slices.Contains(h.Ancestors(aid), id) {
					below = append(below, i)
				}
				if a.Unit == u {
					own = append(own, i)
				}
			}
			s.add(s.vector(below, -1), -1, float64(rolled))
			s.add(s.vector(own, -1), -1, float64(c.Invited[w][u]))
		}
	}
	for j := range m {
		row := s.vector([]int{j}, -2)
		row[j] = -1
		s.add(row, -1, 0)
	}
	return s, people, figures, shown, ""
}

// withheldAlike checks what lets the attacker read a cell hidden below
// the minimum as 0 to min-1, and a withheld one as anything: that no
// reason tells a reader whether a hidden cell holds anyone. An empty cell
// reads below the minimum or withheld (checked in attackWave), as a small
// one may; and next to a withheld cell (the same cell in the unit above
// or a team below, the unit's total, its other segments) every hidden
// cell reads withheld, so that a cell read below the minimum among
// withheld ones cannot be told empty, nor a withheld one told not. It
// returns what breaks this, or "".
func (c attackCase) withheldAlike(w int, reasons map[cx.CellRef]cx.Reason) string {
	h := c.hierarchy()
	wave := c.waveID(w)
	var segs []cx.CellRef
	for k := range c.Keys {
		for v := 1; v < len(segValues); v++ {
			ref := cx.CellRef{Wave: wave, Key: fmt.Sprintf("k%d", k), Value: segValues[v]}
			if c.valueInWave(ref, w) {
				segs = append(segs, ref)
			}
		}
	}
	for _, ref := range slices.SortedFunc(maps.Keys(reasons), func(a, b cx.CellRef) int { return strings.Compare(a.String(), b.String()) }) {
		if reasons[ref].Kind != cx.Withheld {
			continue
		}
		var next []cx.CellRef
		at := func(u string) cx.CellRef { r := ref; r.Unit = u; return r }
		if u, _ := h.Unit(ref.Unit); u.Parent != "" {
			next = append(next, at(u.Parent))
		}
		for _, ch := range h.Children(ref.Unit) {
			next = append(next, at(ch))
		}
		for _, sg := range segs {
			if ref.Key == "" || sg.Key == ref.Key && sg.Value != ref.Value {
				sg.Unit = ref.Unit
				next = append(next, sg)
			}
		}
		if ref.Key != "" {
			next = append(next, cx.CellRef{Unit: ref.Unit, Wave: wave})
		}
		for _, n := range next {
			if r, ok := reasons[n]; ok && r.Kind != cx.Withheld {
				return fmt.Sprintf("%s reads %q next to %s, whose reason is withheld", n, r, ref)
			}
		}
	}
	return ""
}

// valueInWave reports whether someone in wave w has the segment value of
// ref.
func (c attackCase) valueInWave(ref cx.CellRef, w int) bool {
	var k int
	fmt.Sscanf(ref.Key, "k%d", &k)
	v := slices.Index(segValues, ref.Value)
	return slices.ContainsFunc(c.Atoms, func(a atom) bool { return a.Wave == w && a.N > 0 && a.Seg[k] == v })
}

// hidesEmpty reports whether the invited counts say that people were
// invited in unit (and below) in wave w: the plan then does not let a
// reader tell the unit or its segments empty.
func (c attackCase) hidesEmpty(unit string, w int) bool {
	if c.Invited == nil {
		return false
	}
	h := c.hierarchy()
	n := 0
	for v := range c.Parents {
		if id := c.unitID(v); id == unit || slices.Contains(h.Ancestors(id), unit) {
			n += c.Invited[w][v]
		}
	}
	return n > 0
}

func TestPrivacyPlanAttacker(t *testing.T) {
	// 40 cases by default: about 10 s under -race on a quiet machine; the
	// attacker's linear programs (gonum) take most of it.
	props := cxgen.NewProperties(t, 40)
	cases, exposed := 0, 0
	props.Property("no hidden group's respondent count, nor any hidden figure's answers or answers by category, is determined by what the plan shows",
		prop.ForAll(func(c attackCase) string {
			msg, exp := checkAttack(c.normalized())
			cases++
			if msg == "" && exp && c.Keys < 2 {
				// Exposed is a safety net for the plan's stronger reader,
				// who knows which crossings of two attributes are empty:
				// without two attributes, nothing is listed.
				msg = "the plan lists exposed groups with fewer than two attributes"
			}
			if exp {
				exposed++
			}
			return msg
		}, genAttackCase()))
	props.Run()
	t.Logf("%d cases, %d with groups the plan reports exposed", cases, exposed)
}

// checkAttack plans c and attacks the plan wave by wave; it returns what
// the attacker pinned down, or "", and whether the plan reports exposed
// groups. Strict: a group the plan reports exposed is attacked like any
// other (the plan may list one only where a reader cannot in fact pin it).
func checkAttack(c attackCase) (string, bool) {
	d, err := c.plan()
	if err != nil {
		return "plan: " + err.Error(), false
	}
	msg := c.attack(d)
	return msg, len(d.Exposed()) > 0
}

// attack attacks the plan d of c wave by wave and returns what it pinned
// down, or "".
func (c attackCase) attack(d *cx.Disclosure) string {
	for w := range c.Waves {
		s, people, figures, shown, why := c.attackWave(d, w)
		if why != "" {
			return why
		}
		vars := c.variables(w)
		trueN := make([]float64, s.width())
		for i, a := range vars {
			trueN[i] = float64(a.N)
		}
		for _, g := range people {
			if msg := s.undetermined(s.vector(g.members, -1), g.n, trueN); msg != "" {
				return fmt.Sprintf("respondents of %s (%d; %s): %s", g.name, g.n, g.reason, msg)
			}
		}
		for _, g := range figures {
			if msg := s.undetermined(s.vector(g.members, -2), g.answered(), trueN); msg != "" {
				return fmt.Sprintf("answers of %s (%d; %s): %s", g.name, g.answered(), g.reason, msg)
			}
			for cat, k := range g.ans {
				if k == 0 && told(g, vars, shown, cat) {
					continue
				}
				if msg := s.undetermined(s.vector(g.members, cat), k, trueN); msg != "" {
					return fmt.Sprintf("answers in category %d of %s (%v; %s): %s", cat, g.name, g.ans, g.reason, msg)
				}
			}
		}
	}
	return ""
}

func TestPrivacyPlanAttackerRegressions(t *testing.T) {
	for _, c := range attackRegressions {
		c = c.normalized()
		t.Run(c.String(), func(t *testing.T) {
			msg, exp := checkAttack(c)
			if msg != "" {
				t.Error(msg)
			}
			if exp && c.Keys < 2 {
				t.Error("the plan lists exposed groups with fewer than two attributes")
			}
		})
	}
}
