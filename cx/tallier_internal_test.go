package cx

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/cxculture/cxculture/metrics"

	"github.com/cxculture/cxculture/survey"
)

// TestKeyedTableAgreesWithNames: rows found by their unit and wave keys
// are counted in the blocks of their names, whatever the order the keys
// come in (the table grows in both directions, and keeps what it held)
// and when the keys lie past the table's bound (found by name): the
// keyed tallier's tallies equal those of the same rows added by name,
// respondents and comments included, with more than 256 responses in a
// block (counts past the low counters). The keys past the bound make the
// table's size and index pass the largest int of 32 bits: run the test
// with GOARCH=386 too (it panicked there when the product was formed
// before the bound was tested).
func TestKeyedTableAgreesWithNames(t *testing.T) {
	s := survey.Survey{ID: "s", Name: "S", Audience: survey.Employee, Version: 1}
	for i := range 3 {
		s.Items = append(s.Items, survey.Item{ID: fmt.Sprintf("q%d", i), Text: "Statement", Scale: survey.Likert5,
			Construct: "trust", Kind: survey.Behavior, Version: 1})
	}
	k := keyedTallier{t: NewTallier(s)}
	byName := NewTallier(s)
	rng := rand.New(rand.NewPCG(3, 5))
	type key struct{ u, w int }
	// Unit keys met in growing order, wave keys first small then large,
	// and a few keys far beyond the table's bound.
	var keys []key
	for u := range 40 {
		for w := range 3 + u/4 {
			keys = append(keys, key{u, w})
		}
	}
	keys = append(keys, key{60000, 5}, key{7, 3000}, key{60001, 40000}, key{-1, 2}, key{3, -1})
	vals := make([]int, len(s.Items))
	for n := range 20000 {
		kk := keys[n%len(keys)]
		if n >= len(keys) {
			kk = keys[rng.IntN(len(keys))]
		}
		if n%7 == 0 {
			kk = keys[0] // a block of more than 256 responses
		}
		unit, wave := fmt.Sprintf("u%d", kk.u), fmt.Sprintf("w%d", kk.w)
		for i := range vals {
			vals[i] = 1 + rng.IntN(5)
			if rng.IntN(6) == 0 {
				vals[i] = survey.Skipped
			}
		}
		comment := rng.IntN(3) == 0
		k.addKeyed(int(kk.u), int(kk.w), unit, wave, vals, comment)
		if err := byName.AddRow(unit, wave, vals, comment); err != nil {
			t.Fatal(err)
		}
	}
	if k.stride < 3+39/4 || len(k.table)/k.stride < 40 {
		t.Fatalf("the table holds %d rows of %d wave keys, want at least 40 of %d", len(k.table)/k.stride, k.stride, 3+39/4)
	}
	got, want := k.t.Tallies(), byName.Tallies()
	if !got.Equal(want) {
		for g, n := range want.Respondents {
			if got.Respondents[g] != n {
				t.Errorf("%s/%s: %d respondents by key, %d by name", g.Unit, g.Wave, got.Respondents[g], n)
			}
		}
		t.Fatal("tallies by key differ from tallies by name")
	}
	if want.Respondents[Group{"u0", "w0"}] <= 256 || len(want.Comments) == 0 {
		t.Fatalf("the test needs a block past 256 responses and comments: %v", want.Respondents[Group{"u0", "w0"}])
	}
}

// TestPendingCodesStayBounded: a wave buffers at most maxPendingRows rows
// of pattern codes, however many responses it counts, and counts every
// one of them: after 3·maxPendingRows+5 responses of one pattern, the
// pattern's count is theirs.
func TestPendingCodesStayBounded(t *testing.T) {
	s := survey.Survey{ID: "s", Name: "S", Audience: survey.Employee, Version: 1}
	for i := range 3 {
		s.Items = append(s.Items, survey.Item{ID: fmt.Sprintf("q%d", i), Text: "Statement", Scale: survey.Likert5,
			Construct: "trust", Kind: survey.Behavior, Version: 1})
	}
	tl := NewTallier(s)
	n := 3*maxPendingRows + 5
	for range n {
		if err := tl.AddRow("team", "w1", []int{1, 2, 3}, false); err != nil {
			t.Fatal(err)
		}
		wb := tl.waves["w1"]
		if rows := len(wb.pending) / len(wb.denseGroups); rows > maxPendingRows {
			t.Fatalf("the wave buffers %d rows of codes, more than %d", rows, maxPendingRows)
		}
	}
	var got int64
	for k, c := range tl.Tallies().Patterns {
		if k.Wave == "w1" {
			got += c
		}
	}
	if got != int64(n) {
		t.Fatalf("patterns counted %d times, want %d", got, n)
	}
}

// TestBlockMergeAddsEveryCounter: merging a block into another adds each
// low counter's count to the other's, carries included, whatever the
// width (eight counters at a time and the rest one by one): the merged
// block's counts equal the sums of the two blocks' counts, a model of
// plain integers, for counters drawn near 0, near 255 and anywhere.
func TestBlockMergeAddsEveryCounter(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	draw := func() uint8 {
		switch rng.IntN(3) {
		case 0:
			return uint8(rng.IntN(4))
		case 1:
			return uint8(252 + rng.IntN(4))
		}
		return uint8(rng.IntN(256))
	}
	for range 2000 {
		n := 1 + rng.IntN(40)
		var bs [2]*block
		want := make([]int64, n)
		for j := range bs {
			b := &block{rec: make([]uint8, n+1)}
			if rng.IntN(2) == 0 {
				b.counts = make([]int64, n)
			}
			for i := range n {
				b.rec[i] = draw()
				if b.counts != nil {
					b.counts[i] = int64(rng.IntN(3)) * 256
				}
				want[i] += b.total(i)
			}
			bs[j] = b
		}
		bs[0].merge(bs[1])
		for i := range n {
			if got := bs[0].total(i); got != want[i] {
				t.Fatalf("width %d: counter %d holds %d after the merge, want %d", n, i, got, want[i])
			}
		}
		if !bs[0].full() {
			t.Fatal("a merged block must spill before it counts again")
		}
	}
}

// TestPoolItemsAgreesWithItsDefinition: pooling items' tallies counts as
// favorable each answer v (reverse keyed: min+max-v) within the item's
// favorable range, and adds each answer to the pooled tally at its keyed
// value, as a model answer by answer does; for tallies on the items'
// scales and on others (the pooled tally then holds the first scale's),
// with reverse keyed items, and favorable ranges that reach past a
// tally's own scale.
func TestPoolItemsAgreesWithItsDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 9))
	scales := []survey.Scale{survey.Likert5, survey.Likert7, survey.NPS, survey.Binary,
		{ID: "odd", Min: 2, Max: 6, FavorableMin: 2, FavorableMax: 2}}
	for range 3000 {
		items := make([]survey.Item, 1+rng.IntN(5))
		tallies := make([]metrics.Tally, len(items))
		sc := scales[rng.IntN(len(scales))]
		for i := range items {
			items[i] = survey.Item{ID: fmt.Sprint(i), Scale: sc, Reverse: rng.IntN(2) == 0}
			ts := sc
			if rng.IntN(5) == 0 {
				ts = scales[rng.IntN(len(scales))] // a tally on another scale
			}
			tl := metrics.Tally{Min: ts.Min, Max: ts.Max, Counts: make([]int64, ts.Points())}
			if rng.IntN(6) > 0 {
				for j := range tl.Counts {
					tl.Counts[j] = int64(rng.IntN(4))
				}
			}
			tallies[i] = tl
		}
		var scratch []int64
		fav, all, same := poolItems(items, func(i int) metrics.Tally { return tallies[i] }, func(n int) []int64 {
			scratch = make([]int64, n)
			return scratch
		})
		var want metrics.Proportion
		var wantAll metrics.Tally
		wantSame := true
		for i, it := range items {
			tl := tallies[i]
			if tl.N() == 0 {
				continue
			}
			if wantAll.Counts == nil {
				wantAll = metrics.Tally{Min: tl.Min, Max: tl.Max, Counts: make([]int64, len(tl.Counts))}
			} else if wantAll.Min != tl.Min || wantAll.Max != tl.Max {
				wantSame = false
			}
			for j, k := range tl.Counts {
				for range k {
					v := tl.Min + j
					if it.Reverse {
						v = tl.Min + tl.Max - v
					}
					if it.Scale.Favorable(v) {
						want.Successes++
					}
					want.N++
					if wantSame {
						wantAll.Counts[v-tl.Min]++
					}
				}
			}
		}
		if fav != want || same != wantSame || !reflect.DeepEqual(all, wantAll) {
			t.Fatalf("pooled %v %v %v, want %v %v %v", fav, all, same, want, wantAll, wantSame)
		}
	}
}

// TestDenseCountsWidenBeforeTheyWrap: a wave's 32-bit pattern counts
// never hold more rows than maxDenseRows (lowered here to three batches
// of codes): past it they are moved to the sparse counts, and the
// patterns counted, merged or not, are those of a tallier that never
// moves them (the default bound, 2^32-1 rows).
func TestDenseCountsWidenBeforeTheyWrap(t *testing.T) {
	s := survey.Survey{ID: "s", Name: "S", Audience: survey.Employee, Version: 1}
	for i := range 4 {
		s.Items = append(s.Items, survey.Item{ID: fmt.Sprintf("q%d", i), Text: "Statement", Scale: survey.Likert5,
			Construct: "trust", Kind: survey.Behavior, Version: 1})
	}
	rng := rand.New(rand.NewPCG(13, 17))
	rows := make([][]int, 12*maxPendingRows+7)
	for r := range rows {
		rows[r] = make([]int, len(s.Items))
		for i := range rows[r] {
			rows[r][i] = 1 + rng.IntN(5)
			if rng.IntN(7) == 0 {
				rows[r][i] = survey.Skipped
			}
		}
	}
	want := NewTallier(s)
	for _, r := range rows {
		if err := want.AddRow("team", "w1", r, false); err != nil {
			t.Fatal(err)
		}
	}
	defer func(old int64) { maxDenseRows = old }(maxDenseRows)
	maxDenseRows = 3 * maxPendingRows
	parts := [2]*Tallier{NewTallier(s), NewTallier(s)}
	for n, r := range rows {
		tl := parts[n%3/2] // two rows in three to the first
		if err := tl.AddRow("team", "w1", r, false); err != nil {
			t.Fatal(err)
		}
		if wb := tl.waves["w1"]; wb.denseRows > maxDenseRows {
			t.Fatalf("the dense counts hold %d rows, more than %d", wb.denseRows, maxDenseRows)
		}
	}
	if len(parts[0].waves["w1"].sparse[0]) == 0 {
		t.Fatal("the test must move dense counts to the sparse ones")
	}
	if err := parts[0].Merge(parts[1]); err != nil {
		t.Fatal(err)
	}
	if wb := parts[0].waves["w1"]; wb.denseRows > maxDenseRows {
		t.Fatalf("after the merge the dense counts hold %d rows, more than %d", wb.denseRows, maxDenseRows)
	}
	got, exp := parts[0].Tallies(), want.Tallies()
	if !reflect.DeepEqual(got.Patterns, exp.Patterns) {
		t.Fatalf("patterns differ: %d against %d", len(got.Patterns), len(exp.Patterns))
	}
	if !got.Equal(exp) {
		t.Fatal("tallies differ")
	}
	// The reliability statistics read the dense and the sparse counts.
	gotStats, err := parts[0].stats([]string{"w1"})
	if err != nil {
		t.Fatal(err)
	}
	wantStats, err := want.stats([]string{"w1"})
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{"q0", "q1", "q2", "q3"}
	if len(want.groups) != 1 || want.groups[0].key != strings.Join(ids, ",") || want.groups[0].size > maxDensePatterns {
		t.Fatalf("the test needs one dense group of the four items, not %+v", want.groups)
	}
	g, err1 := gotStats["w1"](ids)
	w, err2 := wantStats["w1"](ids)
	if err1 != nil || err2 != nil || !reflect.DeepEqual(g, w) {
		t.Fatalf("statistics differ: %v %v\n%+v\n%+v", err1, err2, g, w)
	}
}
