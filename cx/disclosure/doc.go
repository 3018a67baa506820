// Package disclosure decides which cells of a table of counts may be
// shown so that no small group can be worked out from what is shown: the
// planner behind cx's privacy plans, as a small model of its own.
//
// A [Table] holds cells and linear relations between them. A cell is a
// group of people with a count (respondents, or the answers to a set of
// items) and, optionally, an answer vector: per measure (a range of
// answers to one item, such as its favorable answers), the number of
// answers and the number in the range. A relation says that a total cell
// holds exactly the people of its parts. Some cells are published (shown
// unless the plan hides them); others are groups never shown but
// derivable (the direct respondents of a unit, the respondents without an
// attribute). [Table.Plan] hides published cells until:
//
//   - every published cell with fewer people than the minimum is hidden
//     (primary suppression);
//   - no protected group (a hidden cell with people, or a group never
//     shown of 1 to min-1 people, or an empty one a reader cannot tell
//     from a small one) has its count pinned by what is shown:
//     the counts of shown cells, the relations, the bounds a reader knows
//     (a hidden cell's reason, invited counts);
//   - per measure, no protected group's answers, nor its answers in the
//     range, nor those out of it, are pinned, nor known to be all or none
//     of its answers (unless a shown cell holding it already says so),
//     and the respondents of a group hidden as small stay free given the
//     answers, whether or not anyone in it answered;
//   - faster rules hold that catch most breaches before any linear
//     program is solved (see [Table.Plan]).
//
// A protected group that a reader can pin although no published cell is
// left to hide near it (its own bounds pin it) is listed in
// [Table.Exposed]. With [Table.WithholdReasons], the plan first withholds
// the reasons of the hidden cells around it ([Cell.Withheld]: published
// as [Withheld], small or not, they bound nothing) and settles again;
// what is listed then is what that could not protect. [Table.Cover]
// names the cell the plan would hide next
// for a group found pinned in another table over the same cells (cx
// uses it when a table of answers pins a group's respondents).
//
// The checks are linear programs solved in floating point; every
// conclusion that lets a cell stay shown ("this count can take another
// value") is backed by a point checked exactly against the constraints
// in integer or rational arithmetic (a whole-number point where rounding
// finds one, else a rational one with denominators up to 10^7), or else
// by an exact rational simplex, so that rounding can only hide more,
// never show more. What the certificates prove is the fractional
// relaxation: a count can take another value over the rationals. A set
// of relations whose whole-number solutions all agree on a count, though
// fractional ones do not, would escape the audit; the package's tests,
// which search whole numbers, have not met one. Most questions need no
// linear program: a point found for an earlier question, or one or two
// whole steps from the true counts, checked exactly, shows a count can
// move; bounds chained from the constraints in integers show it cannot
// (see region.reach). Each answers exactly; where the floating point
// program would have missed a point (which would hide a cell more), a
// point found before or one or two whole steps away shows it.
//
// cx builds the tables from its tallies, segments, invited counts and
// waves, one per wave and per layer (respondents, comments, and the items
// behind figures); see cx.Privacy.Plan. The package knows nothing of
// surveys.
package disclosure
