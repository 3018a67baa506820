package disclosure

import (
	"fmt"
	"math"
)

// ReasonKind says why a cell is hidden.
type ReasonKind int

const (
	// BelowMinimum: the group has fewer people than the minimum.
	BelowMinimum ReasonKind = iota + 1
	// Complementary: the cell is hidden so that another hidden group
	// cannot be worked out by subtraction.
	Complementary
	// OverlappingSegment: the segment's members differ from another
	// shown segment's by fewer than the minimum.
	OverlappingSegment
	// WaveDifference: the unit's respondent count moved by fewer than the
	// minimum since its last shown wave.
	WaveDifference
	// NotPlanned: the cell was not part of the plan (an unknown wave, a
	// figure the plan cannot resolve).
	NotPlanned
	// FewAnswered: the group is shown, but fewer than the minimum of its
	// people answered the questions behind the figure.
	FewAnswered
	// Withheld: the cell is hidden and its reason withheld, small or not:
	// around a group that every cell near it hidden could not protect,
	// because the reasons ("fewer than", "at least" the minimum) pinned
	// it (see [Cell.Withheld]).
	Withheld
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
	case Withheld:
		return "withheld"
	}
	return fmt.Sprintf("ReasonKind(%d)", int(k))
}

// Reason explains why a cell is hidden, for reports.
type Reason struct {
	Kind ReasonKind `json:"kind"`
	// Min is the minimum number of people applied.
	Min int `json:"min"`
	// Other names the cell this one protects (Complementary), the other
	// segment (OverlappingSegment) or the earlier wave (WaveDifference).
	Other string `json:"other,omitempty"`
}

// String explains the reason in the words reports show to the people
// who read them: the minimum, never a cell, segment key or wave as the
// plan names it (Other keeps that, for programs). A complementary
// reason reads the same whichever group it protects.
func (r Reason) String() string {
	switch r.Kind {
	case BelowMinimum:
		return fmt.Sprintf("fewer than %d respondents", r.Min)
	case Complementary:
		return "hidden so that a smaller group cannot be worked out from the figures shown"
	case OverlappingSegment:
		return fmt.Sprintf("differs by fewer than %d respondents from another segment shown", r.Min)
	case WaveDifference:
		return fmt.Sprintf("fewer than %d respondents joined or left since the last survey it was shown in", r.Min)
	case NotPlanned:
		return "not covered by the disclosure plan"
	case FewAnswered:
		return fmt.Sprintf("fewer than %d people answered", r.Min)
	case Withheld:
		return fmt.Sprintf("hidden so that no group of fewer than %d respondents can be worked out", r.Min)
	}
	return r.Kind.String()
}

// Unbounded is the upper bound of a count a reader knows nothing of from
// above; sums saturate at it.
const Unbounded = int64(math.MaxInt64 / 4)

// Cell is a group of people in a [Table].
type Cell struct {
	// Name names the cell in reasons.
	Name string
	// Virtual marks a group never shown but derivable from shown cells
	// (the direct respondents of a unit); it is protected when it holds
	// 1 to Min-1 people.
	Virtual bool
	// N is the cell's count in the table's layer: its respondents, or the
	// answers to the items behind a figure.
	N int64
	// Hi, when Bounded, is what a reader knows of N from elsewhere: at
	// most Hi (an invited count). It must hold for N.
	Hi      int64
	Bounded bool
	// Ans is the cell's answer vector: per measure m, the answers at 2m
	// and the answers in the measure's range at 2m+1; nil when the table
	// follows no answers or they are unknown for this cell.
	Ans []int64
	// People, PeopleLo and PeopleHi are, in a table whose N counts
	// answers, the cell's respondents and what a reader knows of them
	// (equal when shown). They bound the people who did not answer.
	// Ignored when PeopleHi is 0 and People is 0.
	People, PeopleLo, PeopleHi int64
	// Hidden and Reason: on input, a cell hidden already (by another
	// rule or another layer); on output, the plan's decision.
	Hidden bool
	Reason Reason
	// Borrowed marks a cell hidden on input because another layer hid
	// its group: its reason says nothing of N beyond N <= people.
	Borrowed bool
	// Depth is how deep the cell lies in its hierarchy: to protect a
	// group the plan hides deeper cells first (a team before its
	// division), which usually costs readers less.
	Depth int
	// Headline marks a cell readers look at first (a unit's own figures,
	// where the other cells are cuts of them, such as a unit's segments):
	// to protect a group the plan hides, in a relation at fault, a cell
	// that is not a headline before any headline, and among cells that
	// would serve alike (as many relations left to mend, as near the
	// group), one that is not a headline.
	Headline bool
	// EmptyHidden marks a cell that a reader cannot tell empty from
	// small: when empty it is hidden below the minimum (a group never
	// shown: protected) like a small cell, unless its bound Hi says it is
	// empty, and a cell hidden below the minimum may hold 0 people.
	// Without it an empty cell is known to be empty, and a cell hidden
	// below the minimum holds at least one person.
	EmptyHidden bool
	// Unknown marks a group never shown (Virtual) that a reader cannot
	// tell empty: even empty, its count is 0 to Hi as far as a reader
	// knows; unlike EmptyHidden it is protected only when it holds 1 to
	// Min-1 (the direct respondents of a division in one segment, where
	// people were invited directly).
	Unknown bool
	// Listed marks a published cell that outputs list whether or not it
	// holds anyone (every unit of the organization, every value of a
	// segment in the wave), an empty one hidden as below the minimum like
	// a small one: hidden below the minimum, it may hold no one as far as
	// a reader knows. Unlike EmptyHidden, an empty listed cell is not
	// protected (it is no one's), and the plan takes a reader to know it
	// empty, which errs toward hiding.
	Listed bool
	// Withheld marks, after Plan, a hidden cell whose reason must not be
	// published (show it as [Withheld], whatever Reason says): a reader
	// then knows nothing of its count beyond Hi. The plan withholds the
	// reasons of the hidden cells around a group that their bounds pin
	// although every cell near it is hidden (see [Table.Exposed]), and
	// of the empty listed cells among them (not hidden in the table, but
	// listed as hidden by the outputs), so that an empty listed cell reads
	// as a small one in its place.
	Withheld bool
}

// Relation says that the people of Total are exactly those of Parts,
// which are disjoint: in every layer, Total's count and answer vector are
// the sums of its parts'.
type Relation struct {
	Total int
	Parts []int
}

// Pair names two published cells whose members differ by Apart people
// (in one but not the other). When Apart is below the minimum they are
// shown or hidden together (the smaller is hidden when they differ at
// all), since their difference is nearly a small group.
type Pair struct {
	A, B         int
	Apart        int64
	NameA, NameB string
}

// Table is one planning problem: cells, relations, overlapping pairs and
// the minimum. [Table.Plan] sets Hidden and Reason of its cells.
type Table struct {
	// Min is the minimum number of people of a shown cell.
	Min int64
	// Primary is the reason given to a published cell with 1 to Min-1
	// people: BelowMinimum (respondents) or FewAnswered (answers).
	Primary ReasonKind
	Cells   []Cell
	// Relations hold for the count and for every entry of the answer
	// vectors.
	Relations []Relation
	Pairs     []Pair
	// Measures is the number of measures of the answer vectors
	// (len(Ans) == 2*Measures).
	Measures int
	// ThresholdOnly hides only the cells below the minimum.
	ThresholdOnly bool
	// WithholdReasons lets the plan withhold the reasons of the hidden
	// cells around a group their bounds still pin once every cell near it
	// is hidden (see [Cell.Withheld]), and settle again; a caller that
	// can first drop other bounds (invited counts it need not publish)
	// sets it only when those are gone.
	WithholdReasons bool
	// Exposed lists, after Plan, the protected cells a reader can still
	// pin down although every cell near them is hidden: their own bounds
	// (an invited count, the reasons of the cells around them) pin them,
	// and no suppression pattern can prevent it. Empty in the cases the
	// package's tests generate except where an organization or a unit has
	// barely the minimum of respondents, all in small parts whose invited
	// counts bound them.
	Exposed []int
	// ExactSolves counts, after Plan, the questions the audit's exact
	// simplex settled (floating point could not certify them).
	ExactSolves int
	// auditSkips counts, after Plan, the audits of sets of cells found
	// clean before and skipped, for tests.
	auditSkips int
}

// Validate reports the first inconsistency of t: an index out of range,
// a relation whose counts do not add up, a bound a cell's count breaks.
func (t *Table) Validate() error {
	n := len(t.Cells)
	for i, c := range t.Cells {
		if c.N < 0 || c.N > c.hi() {
			return fmt.Errorf("disclosure: cell %d (%s): count %d outside [0, %d]", i, c.Name, c.N, c.hi())
		}
		if c.Ans != nil && len(c.Ans) != 2*t.Measures {
			return fmt.Errorf("disclosure: cell %d (%s): %d answer counts for %d measures", i, c.Name, len(c.Ans), t.Measures)
		}
	}
	for ri, r := range t.Relations {
		if r.Total < 0 || r.Total >= n {
			return fmt.Errorf("disclosure: relation %d: total %d out of range", ri, r.Total)
		}
		sum := int64(0)
		for _, p := range r.Parts {
			if p < 0 || p >= n {
				return fmt.Errorf("disclosure: relation %d: part %d out of range", ri, p)
			}
			sum += t.Cells[p].N
		}
		if sum != t.Cells[r.Total].N {
			return fmt.Errorf("disclosure: relation %d: %s holds %d, its parts %d", ri, t.Cells[r.Total].Name, t.Cells[r.Total].N, sum)
		}
	}
	for _, p := range t.Pairs {
		if p.A < 0 || p.A >= n || p.B < 0 || p.B >= n {
			return fmt.Errorf("disclosure: pair %d, %d out of range", p.A, p.B)
		}
	}
	return nil
}

// hi returns the bound Hi, Unbounded when unset.
func (c *Cell) hi() int64 {
	if !c.Bounded || c.Hi > Unbounded {
		return Unbounded
	}
	return max(c.Hi, 0)
}

// Known returns what a reader knows of cell i's count before using the
// relations: its value when shown or empty; of a hidden cell, 1 to min-1
// when its count is below the minimum of its reason (0 to min-1 for a
// cell a reader cannot tell empty from small: EmptyHidden or Listed) and
// at least min otherwise (its reason tells a reader so, or, for a cell
// hidden with the other items of a group, the plan takes the reader to
// know it); of a small group never shown, at most Min-1 (taking the
// worst case that a reader guesses it); and at most Hi, and for a count
// of answers at most the people's bound. The reason of a borrowed cell,
// or one withheld, tells nothing of its count.
func (t *Table) Known(i int) (lo, hi int64) {
	c := &t.Cells[i]
	hi = c.hi()
	if c.PeopleHi > 0 {
		hi = min(hi, c.PeopleHi)
	}
	switch {
	case c.N == 0 && !(c.EmptyHidden && c.Hidden) && !(c.Unknown && c.Virtual):
		return 0, 0
	case c.Virtual && c.Hidden && c.N < t.Min:
		return 0, min(hi, t.Min-1)
	case c.Virtual:
		return 0, hi
	case !c.Hidden:
		return c.N, c.N
	case c.Borrowed || c.Withheld:
		return 0, hi
	}
	// A hidden cell: its reason tells below or at least the minimum; the
	// plan takes a reader to know which, for the cell's own count (true
	// of it, whichever reason the cell shows).
	least := int64(c.Reason.Min)
	if least <= 0 {
		least = t.Min
	}
	switch {
	case (c.EmptyHidden || c.Listed) && c.N < least:
		return 0, min(hi, least-1) // empty or small: a reader cannot tell
	case c.N < least:
		return min(1, hi), min(hi, least-1)
	}
	return min(least, hi), hi
}
