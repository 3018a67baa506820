package disclosure

import (
	"fmt"
	"math/rand"
	"slices"
	"testing"
)

// memoTable returns a random org of three levels as a table: each
// division's count is its teams' and its direct respondents' (a group
// never shown), the organization's its divisions'. With answers, each
// cell counts the answers to the first of two measures, the teams' people
// are known and a team is hidden on input (Borrowed) where its people
// are few, as in the layers of package cx; every entry of the answer
// vectors adds up through the relations.
func memoTable(r *rand.Rand, answers bool) *Table {
	t := &Table{Min: 5, Primary: BelowMinimum}
	if answers {
		t.Primary, t.Measures = FewAnswered, 2
	}
	add := func(c Cell) int {
		t.Cells = append(t.Cells, c)
		return len(t.Cells) - 1
	}
	leaf := func(name string, virtual bool, depth int) int {
		people := int64(r.Intn(13))
		if virtual {
			people = int64(r.Intn(4))
		}
		c := Cell{Name: name, Virtual: virtual, Depth: depth, N: people}
		if answers {
			c.Ans = make([]int64, 4)
			for m := range 2 {
				a := people - int64(r.Intn(3))
				a = max(a, 0)
				c.Ans[2*m], c.Ans[2*m+1] = a, int64(r.Intn(int(a)+1))
			}
			c.N = c.Ans[0]
			c.People, c.PeopleLo, c.PeopleHi = people, people, people
			if !virtual && people > 0 && people < t.Min {
				c.Hidden, c.Borrowed, c.Reason = true, true, Reason{Kind: BelowMinimum, Min: int(t.Min)}
				c.PeopleLo, c.PeopleHi = 0, t.Min-1
			}
			if virtual {
				c.PeopleLo, c.PeopleHi = 0, Unbounded
			}
		}
		return add(c)
	}
	sum := func(total int, parts []int) {
		c := &t.Cells[total]
		for _, p := range parts {
			q := &t.Cells[p]
			c.N += q.N
			c.People += q.People
			for k := range c.Ans {
				c.Ans[k] += q.Ans[k]
			}
		}
		c.PeopleLo, c.PeopleHi = c.People, c.People
		t.Relations = append(t.Relations, Relation{Total: total, Parts: parts})
	}
	node := func(name string, depth int) int {
		c := Cell{Name: name, Depth: depth}
		if answers {
			c.Ans = make([]int64, 4)
		}
		return add(c)
	}
	org := node("org", 0)
	var divs []int
	for d := range 2 + r.Intn(3) {
		div := node(fmt.Sprintf("d%d", d), 1)
		var parts []int
		for tm := range 2 + r.Intn(4) {
			parts = append(parts, leaf(fmt.Sprintf("d%dt%d", d, tm), false, 2))
		}
		parts = append(parts, leaf(fmt.Sprintf("d%d-direct", d), true, 2))
		sum(div, parts)
		divs = append(divs, div)
	}
	sum(org, divs)
	return t
}

// TestAuditSkipsOnlyWhatItFoundCleanBefore states that the audit's record
// of the sets of cells it found nothing to pin in changes no plan: on
// random orgs, counts and answers, the plan with the record hides the
// same cells for the same reasons and reports the same exposed groups as
// the plan that audits every set again on every pass.
func TestAuditSkipsOnlyWhatItFoundCleanBefore(t *testing.T) {
	r := rand.New(rand.NewSource(testSeed(t)))
	runs := testRuns(t, 300)
	skipped := 0
	for i := range runs {
		answers := i%2 == 1
		seed := r.Int63()
		with := memoTable(rand.New(rand.NewSource(seed)), answers)
		without := memoTable(rand.New(rand.NewSource(seed)), answers)
		with.Plan()
		skipped += with.auditSkips
		auditMemo = false
		without.Plan()
		auditMemo = true
		for j := range with.Cells {
			a, b := with.Cells[j], without.Cells[j]
			if a.Hidden != b.Hidden || a.Reason != b.Reason {
				t.Fatalf("case %d (answers %v): cell %s: with the record hidden %v (%+v), without %v (%+v)", i, answers, a.Name, a.Hidden, a.Reason, b.Hidden, b.Reason)
			}
		}
		if !slices.Equal(with.Exposed, without.Exposed) {
			t.Fatalf("case %d (answers %v): exposed %v with the record, %v without", i, answers, with.Exposed, without.Exposed)
		}
	}
	if skipped == 0 {
		t.Fatalf("the audit skipped no set of cells in %d plans: the cases do not exercise the record", runs)
	}
	t.Logf("%d audits of a set of cells skipped in %d plans", skipped, runs)
}
