package cx_test

// attackRegressions are counterexamples the property once found, shrunk.
var attackRegressions = []attackCase{
	// Two teams' small segments: their sum follows from the shown totals
	// by a combination of relations, and the bound of their reasons (at
	// most 2 each) pins both.
	{Min: 3, Keys: 1, Waves: 2, Parents: []int{0, 0, 0, 0}, Atoms: []atom{
		{Unit: 1, Wave: 1, Seg: []int{1}, N: 4, F: 3}, {Unit: 1, Wave: 1, Seg: []int{2}, N: 2, F: 1},
		{Unit: 2, Wave: 1, Seg: []int{1}, N: 4, F: 3}, {Unit: 2, Wave: 1, Seg: []int{2}, N: 2, F: 1},
		{Unit: 3, Wave: 1, Seg: []int{0}, N: 2, F: 1}, {Unit: 3, Wave: 1, Seg: []int{2}, N: 3, F: 2}}},
	// A unit whose segments' reasons pinned it between lower bounds.
	{Min: 3, Keys: 1, Waves: 2, Parents: []int{0, 0}, Atoms: []atom{
		{Unit: 1, Wave: 1, Seg: []int{0}, N: 1, F: 1}, {Unit: 1, Wave: 1, Seg: []int{2}, N: 3, F: 1}}},
	// Upper bounds of cells below the minimum, chained over three levels.
	{Min: 4, Keys: 1, Waves: 1, Parents: []int{0, 0, 1, 1, 3, 2}, Atoms: []atom{
		{Unit: 4, Seg: []int{2}, N: 3, F: 1}, {Unit: 5, Seg: []int{1}, N: 3, F: 2}, {Unit: 5, Seg: []int{2}, N: 3, F: 3}}},
	// Two segments of different attributes with the same members.
	{Min: 4, Keys: 2, Waves: 1, Parents: []int{0, 0}, Atoms: []atom{
		{Unit: 1, Seg: []int{0, 0}, N: 1, F: 1}, {Unit: 1, Seg: []int{2, 2}, N: 4, F: 3}}},
	// Lower bounds of complementary cells summing to a shown segment.
	{Min: 4, Keys: 2, Waves: 1, Parents: []int{0, 0}, Atoms: []atom{
		{Unit: 1, Seg: []int{0, 0}, N: 1, F: 1}, {Unit: 1, Seg: []int{1, 2}, N: 4, F: 3}, {Unit: 1, Seg: []int{2, 2}, N: 4, F: 3}}},
	// The respondents without an attribute, pinned through the hierarchy.
	{Min: 5, Keys: 1, Waves: 1, Parents: []int{0, 0, 1, 0, 2, 0, 5}, Atoms: []atom{
		{Unit: 0, Seg: []int{1}, N: 3, F: 2}, {Unit: 4, Seg: []int{1}, N: 2, F: 1}, {Unit: 4, Seg: []int{2}, N: 1, F: 1},
		{Unit: 6, Seg: []int{0}, N: 1, F: 1}, {Unit: 6, Seg: []int{2}, N: 4, F: 2}}},
	// A shown unit minus a shown grandchild: two people, both unfavorable.
	{Min: 5, Waves: 1, Parents: []int{0, 0, 1, 2, 2, 0}, Atoms: []atom{
		{Unit: 0, N: 2, F: 1}, {Unit: 1, N: 1, F: 0}, {Unit: 2, N: 1, F: 0}, {Unit: 4, N: 5, F: 5}, {Unit: 5, N: 3, F: 2}}},
	// A shown unit minus its shown segment and a shown sibling: the one
	// person of a team without the attribute.
	{Min: 5, Keys: 1, Waves: 1, Parents: []int{0, 0, 0, 0}, Atoms: []atom{
		{Unit: 1, Seg: []int{0}, N: 5, F: 2}, {Unit: 2, Seg: []int{2}, N: 3, F: 2}, {Unit: 3, Seg: []int{0}, N: 1, F: 1},
		{Unit: 3, Seg: []int{2}, N: 2, F: 1}}},
	// A team's segment pinned by a linear combination of four relations
	// (the organization, its segment, the team, its direct respondents).
	{Min: 5, Keys: 1, Waves: 1, Parents: []int{0, 0, 0, 2, 0, 3}, Atoms: []atom{
		{Unit: 0, Seg: []int{2}, N: 1, F: 1}, {Unit: 1, Seg: []int{1}, N: 2, F: 2}, {Unit: 1, Seg: []int{2}, N: 4, F: 4},
		{Unit: 2, Seg: []int{1}, N: 1, F: 1}, {Unit: 3, Seg: []int{0}, N: 3, F: 1}, {Unit: 5, Seg: []int{1}, N: 1, F: 1}}},
	// The organization minus a shown team and a shown segment of another:
	// two people, whose favorable count follows.
	{Min: 5, Keys: 1, Waves: 1, Parents: []int{0, 0, 0, 0}, Atoms: []atom{
		{Unit: 1, Seg: []int{1}, N: 5, F: 1}, {Unit: 1, Seg: []int{2}, N: 1, F: 0}, {Unit: 2, Seg: []int{2}, N: 1, F: 0},
		{Unit: 3, Seg: []int{0}, N: 5, F: 4}, {Unit: 3, Seg: []int{2}, N: 1, F: 1}}},
	// Favorable counts bounding a segment from below: the count alone left
	// it two values, the favorable counts took one away.
	{Min: 4, Keys: 1, Waves: 1, Parents: []int{0, 0, 0, 0, 2}, Atoms: []atom{
		{Unit: 1, Seg: []int{2}, N: 4, F: 2}, {Unit: 3, Seg: []int{1}, N: 1, F: 1}, {Unit: 3, Seg: []int{2}, N: 4, F: 3},
		{Unit: 4, Seg: []int{0}, N: 8, F: 2}, {Unit: 4, Seg: []int{1}, N: 9, F: 4}, {Unit: 4, Seg: []int{2}, N: 1, F: 0}}},
	// Two attributes crossed: their segments pin each other through the
	// crossings.
	{Min: 5, Keys: 2, Waves: 2, Parents: []int{0, 0, 0, 0, 1}, Atoms: []atom{
		{Unit: 1, Wave: 1, Seg: []int{1, 0}, N: 3, F: 1}, {Unit: 1, Wave: 1, Seg: []int{1, 1}, N: 4, F: 3},
		{Unit: 1, Wave: 1, Seg: []int{2, 1}, N: 2, F: 1}, {Unit: 2, Wave: 1, Seg: []int{1, 2}, N: 6, F: 5},
		{Unit: 2, Wave: 1, Seg: []int{2, 1}, N: 4, F: 1}, {Unit: 2, Wave: 1, Seg: []int{2, 2}, N: 1, F: 1},
		{Unit: 3, Wave: 1, Seg: []int{1, 2}, N: 2, F: 1}, {Unit: 3, Wave: 1, Seg: []int{2, 0}, N: 5, F: 3},
		{Unit: 4, Wave: 1, Seg: []int{0, 0}, N: 1, F: 0}, {Unit: 4, Wave: 1, Seg: []int{1, 1}, N: 4, F: 3},
		{Unit: 4, Wave: 1, Seg: []int{2, 1}, N: 1, F: 1}, {Unit: 4, Wave: 1, Seg: []int{2, 2}, N: 5, F: 1}}},
	// A shown team whose four people all answered favorably: the
	// favorable counts of the division's segments then bound the team's
	// segments, and the count of one follows.
	{Min: 4, Keys: 1, Waves: 1, Parents: []int{0, 0}, Atoms: []atom{
		{Unit: 0, Seg: []int{1}, N: 4, F: 0}, {Unit: 0, Seg: []int{2}, N: 4, F: 0},
		{Unit: 1, Seg: []int{1}, N: 3, F: 3}, {Unit: 1, Seg: []int{2}, N: 1, F: 1}}},
	// The organization minus a shown grandchild leaves four people, all
	// favorable, though the organization is also covered by its shown
	// segments.
	{Min: 5, Keys: 1, Waves: 1, Parents: []int{0, 0, 1, 0, 1}, Atoms: []atom{
		{Unit: 0, Seg: []int{2}, N: 1, F: 1}, {Unit: 1, Seg: []int{1}, N: 2, F: 2}, {Unit: 1, Seg: []int{2}, N: 1, F: 1},
		{Unit: 4, Seg: []int{1}, N: 5, F: 4}, {Unit: 4, Seg: []int{2}, N: 4, F: 0}}},
	// A team below the minimum inside a chain of units: its favorable
	// count follows from its parent's and a shown segment's.
	{Min: 3, Keys: 1, Waves: 1, Parents: []int{0, 0, 1, 2}, Atoms: []atom{
		{Unit: 2, Seg: []int{2}, N: 3, F: 0}, {Unit: 3, Seg: []int{0}, N: 3, F: 3}, {Unit: 3, Seg: []int{2}, N: 1, F: 0}}},
	// A shown segment whose figure is hidden (one of its nine answered):
	// its out-of-range answers were pinned at one while its favorable
	// count stayed free.
	{Min: 5, Keys: 1, Waves: 1, Parents: []int{0, 0, 0, 0, 2}, Atoms: []atom{
		{Unit: 0, Seg: []int{1}, N: 10, Ans: []int{0, 0}}, {Unit: 1, Seg: []int{2}, N: 6, Ans: []int{1, 4}},
		{Unit: 2, Seg: []int{2}, N: 1, Ans: []int{0, 0}}, {Unit: 3, Seg: []int{1}, N: 6, Ans: []int{0, 6}},
		{Unit: 3, Seg: []int{2}, N: 9, Ans: []int{1, 0}}, {Unit: 4, Seg: []int{1}, N: 10, Ans: []int{0, 1}}}},
	// An empty segment of a team where everyone invited answered: the
	// team's answers (all detractors) and its parent segment's (no
	// detractor) left the segment no answers, hence no people.
	{Min: 3, Keys: 1, Waves: 1, Cats: 3, Parents: []int{0, 0, 1}, Invited: [][]int{{6, 11, 3}}, Atoms: []atom{
		{Unit: 0, Seg: []int{2}, N: 3, Ans: []int{0, 0, 0}}, {Unit: 1, Seg: []int{1}, N: 3, Ans: []int{0, 3, 0}},
		{Unit: 2, N: 3, Ans: []int{3, 0, 0}}}},
	// A division whose head, the one person invited in it directly, did
	// not answer: its teams shown and the division shown told so.
	{Min: 5, Waves: 1, Parents: []int{0, 0, 0, 1, 1}, Invited: [][]int{{0, 1, 14, 10, 10}}, Atoms: []atom{
		{Unit: 2, N: 12, F: 6}, {Unit: 3, N: 8, F: 5}, {Unit: 4, N: 9, F: 4}}},
	// Everyone invited answered in two small teams that make up a unit of
	// exactly the minimum: the unit hidden as at least the minimum, and
	// its invited count of 5, pinned both; the invited counts are
	// withheld.
	{Min: 5, Waves: 1, Parents: []int{0, 0, 0, 0, 1, 1}, Invited: [][]int{{0, 0, 12, 11, 2, 3}}, Atoms: []atom{
		{Unit: 2, N: 10, F: 5}, {Unit: 3, N: 9, F: 4}, {Unit: 4, N: 2, F: 1}, {Unit: 5, N: 3, F: 2}}},
	// An organization of two, one in each of two teams, nobody invited:
	// every cell hidden as "fewer than 3"; a reader who took each hidden
	// team to hold someone had the organization at 2 at least, hence 2,
	// and each team at 1. Outputs list an empty team as hidden like a
	// small one, so a hidden team may hold no one.
	{Min: 3, Waves: 1, Parents: []int{0, 0, 0}, Atoms: []atom{{Unit: 1, N: 1, F: 1}, {Unit: 2, N: 1, F: 0}}},
	// Every cell hidden, and still pinned: two teams of 3 (1 and 2 in the
	// segments) under a chain of units; the teams and the units above,
	// hidden to protect the segments, read "at least 3" each, the
	// segments "fewer than 3", and together they pinned the segment of 2
	// in the organization. The plan withholds those reasons.
	{Min: 3, Keys: 1, Waves: 1, Parents: []int{0, 0, 1, 2, 0, 4, 2}, Atoms: []atom{
		{Unit: 3, Seg: []int{1}, N: 1, F: 0}, {Unit: 3, Seg: []int{2}, N: 2, F: 0},
		{Unit: 6, Seg: []int{1}, N: 1, F: 0}, {Unit: 6, Seg: []int{2}, N: 2, F: 0}}},
	// Two segments of a team, one unanimous each way.
	{Min: 4, Keys: 1, Waves: 1, Parents: []int{0, 0, 0, 2}, Atoms: []atom{
		{Unit: 2, Seg: []int{1}, N: 4, F: 0}, {Unit: 2, Seg: []int{2}, N: 4, F: 0},
		{Unit: 3, Seg: []int{1}, N: 2, F: 0}, {Unit: 3, Seg: []int{2}, N: 4, F: 4}}},
}
