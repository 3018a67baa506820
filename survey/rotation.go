package survey

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Rotation is a rule for asking a bank of items a few at a time: short
// pulses, often, with every behavior measured in every wave and every
// item asked regularly. [Rotation.Plan] applies it to a survey.
//
// A Rotation is a value; it is safe for concurrent use when not mutated.
type Rotation struct {
	// MaxItems is the most items a pulse asks (1 or more).
	MaxItems int
	// Every is the longest gap: each item is asked at least once in
	// every Every consecutive waves (1 or more; 1 asks everything every
	// time).
	Every int
	// Anchors are item IDs asked in every wave. An anchor per construct
	// gives each behavior an unbroken series of one identical item, the
	// comparable trend line; [AnchorItems] picks the first item of each.
	// Constructs without an anchor are still measured in every wave, by
	// one or more of their items in turn.
	Anchors []string
}

// AnchorItems returns the first item of each construct of s, in the
// order of [Survey.Constructs]: the usual anchors of a [Rotation].
func AnchorItems(s Survey) []string {
	var out []string
	for _, c := range s.Constructs() {
		out = append(out, s.ItemsFor(c)[0].ID)
	}
	return out
}

// RotationPlan is the result of [Rotation.Plan]: the items of each wave,
// repeating with a period.
type RotationPlan struct {
	// Slots lists the item IDs asked in each wave of one period, in
	// survey order: wave i asks Slots[i % len(Slots)].
	Slots [][]string
	// Gap is the longest number of waves between two askings of the same
	// item plus one, that is the period: every item is asked at least
	// once in every Gap consecutive waves.
	Gap int
}

// Items returns the item IDs asked in wave i (counting from 0). It panics
// if i is negative.
func (p RotationPlan) Items(i int) []string {
	if i < 0 {
		panic("survey: RotationPlan.Items: negative wave " + strconv.Itoa(i))
	}
	return slices.Clone(p.Slots[i%len(p.Slots)])
}

// Waves returns the item IDs of the first n waves.
func (p RotationPlan) Waves(n int) [][]string {
	out := make([][]string, max(n, 0))
	for i := range out {
		out[i] = p.Items(i)
	}
	return out
}

// Plan returns the rotation of the items of s: every wave asks at most
// MaxItems items, every anchor, and at least one item of every construct
// (every behavior, and outcomes such as eNPS); every item is asked at
// least once in every Every consecutive waves. Items without a construct
// only obey the last rule.
//
// The plan is periodic with the shortest period P <= Every that fits, so
// each item recurs at the same phase of the cycle, and results of an
// item stay comparable from one cycle to the next. It is deterministic:
// the same survey and rotation always give the same plan.
//
// Within a period of P waves, an anchor is asked P times, a construct
// without anchor with n non-anchor items max(n, P) times (once per wave
// at least, each item at least once), and every other item once; so a
// plan exists exactly when
//
//	P·|anchors| + Σ max(n_c, P) + |others| <= P·MaxItems
//
// for some P <= Every. Plan builds it by dealing those askings over the
// P waves in turn. When no P fits, the combination is impossible and
// Plan returns a [*ValidationError] that names the fewest items per wave
// (or the longest gap) that would make it possible; malformed rules or
// unknown anchors are reported the same way.
func (r Rotation) Plan(s Survey) (RotationPlan, error) {
	var ps problems
	if r.MaxItems < 1 {
		ps.add("max_items", fmt.Sprintf("%d: a pulse asks at least 1 item", r.MaxItems))
	}
	if r.Every < 1 {
		ps.add("every", fmt.Sprintf("%d: every item is asked at least every 1 or more waves", r.Every))
	}
	if len(s.Items) == 0 {
		ps.add("survey.items", fmt.Sprintf("survey %q has no items to rotate", s.ID))
	}
	anchored := map[string]bool{}
	for i, id := range r.Anchors {
		f := "anchors[" + strconv.Itoa(i) + "]"
		if _, ok := s.Item(id); !ok {
			ps.add(f, fmt.Sprintf("unknown item %q in survey %q", id, s.ID))
		} else if anchored[id] {
			ps.add(f, "duplicate anchor "+id)
		}
		anchored[id] = true
	}
	seen := map[string]bool{}
	for i, it := range s.Items {
		if seen[it.ID] {
			ps.add("survey.items["+strconv.Itoa(i)+"].id", "duplicate item "+it.ID)
		}
		seen[it.ID] = true
	}
	if err := ps.err(); err != nil {
		return RotationPlan{}, err
	}

	// Group the items not anchored: by construct for the constructs
	// without an anchor, the rest loose.
	var groups [][]string // constructs without anchor, in construct order
	var loose []string
	coveredBy := map[string]bool{}
	for _, it := range s.Items {
		if anchored[it.ID] && it.Construct != "" {
			coveredBy[it.Construct] = true
		}
	}
	for _, c := range s.Constructs() {
		if coveredBy[c] {
			continue
		}
		var g []string
		for _, it := range s.ItemsFor(c) {
			g = append(g, it.ID)
		}
		groups = append(groups, g)
	}
	for _, it := range s.Items {
		if !anchored[it.ID] && (it.Construct == "" || coveredBy[it.Construct]) {
			loose = append(loose, it.ID)
		}
	}
	need := func(p int) int { // askings needed in p waves
		n := p*len(r.Anchors) + len(loose)
		for _, g := range groups {
			n += max(len(g), p)
		}
		return n
	}
	period := 0
	for p := 1; p <= r.Every; p++ {
		if need(p) <= p*r.MaxItems {
			period = p
			break
		}
	}
	if period == 0 {
		return RotationPlan{}, r.impossible(s, groups, loose, need)
	}

	// Deal the askings over the waves of one period in turn: consecutive
	// askings go to consecutive waves, so a construct's max(n, P)
	// askings reach every wave, and each wave gets at most MaxItems.
	slots := make([][]string, period)
	for i := range slots {
		slots[i] = slices.Clone(r.Anchors)
	}
	next := 0
	deal := func(id string) {
		slots[next] = append(slots[next], id)
		next = (next + 1) % period
	}
	for _, g := range groups {
		for k := range max(len(g), period) {
			deal(g[k%len(g)])
		}
	}
	for _, id := range loose {
		deal(id)
	}
	order := map[string]int{}
	for i, it := range s.Items {
		order[it.ID] = i
	}
	for _, sl := range slots {
		slices.SortFunc(sl, func(a, b string) int { return order[a] - order[b] })
	}
	return RotationPlan{Slots: slots, Gap: period}, nil
}

// impossible explains why no plan fits: the fewest items per wave that
// would, and the gap that would fit MaxItems if any.
func (r Rotation) impossible(s Survey, groups [][]string, loose []string, need func(int) int) error {
	minItems := (need(r.Every) + r.Every - 1) / r.Every
	var every []string
	if len(r.Anchors) > 0 {
		every = append(every, fmt.Sprintf("the %d anchors", len(r.Anchors)))
	}
	if len(groups) > 0 {
		every = append(every, fmt.Sprintf("one item of each of the %d constructs without an anchor", len(groups)))
	}
	msg := fmt.Sprintf("%d items per wave cannot ask", r.MaxItems)
	if len(every) > 0 {
		msg += " " + strings.Join(every, " and ") + " in every wave and"
	}
	msg += fmt.Sprintf(" each of the %d items of survey %q at least every %d waves: that needs at least %d items per wave",
		len(s.Items), s.ID, r.Every, minItems)
	// A longer gap helps only while the per-wave minimum fits.
	if floor := len(r.Anchors) + len(groups); floor <= r.MaxItems && (floor < r.MaxItems || len(loose) == 0) {
		for p := r.Every + 1; p <= len(s.Items)+1; p++ {
			if need(p) <= p*r.MaxItems {
				msg += fmt.Sprintf(", or a gap of %d waves", p)
				break
			}
		}
	}
	return &ValidationError{Problems: []Problem{{"max_items", msg}}}
}
