package chstore

import (
	"math/rand"
	"slices"
	"testing"
	"unsafe"

	"github.com/cxculture/cxculture/cx/internal/cxgen"
)

// TestFastPathsMatchGeneral compares the write path's fast paths with
// the general ones they stand for, on random responses: the patterns a
// patternPlan writes in one pass with groupLayout.pattern's (items shared
// by groups, items answered or not, answers off the scale, codes close
// together and spread beyond maxDense); the order answerSorter gives
// answers with a sort by item code; and the interner's texts with the
// patterns themselves (one string per distinct text).
func TestFastPathsMatchGeneral(t *testing.T) {
	r := rand.New(rand.NewSource(cxgen.Seed(t)))
	var sorter answerSorter
	var in interner
	interned := map[string]string{}
	spread := 0 // rounds whose codes are spread too far for the array
	for round := range cxgen.Runs(t, 300) {
		// Item codes of the round: close together, or some far apart.
		base := uint32(1 + r.Intn(1000))
		code := func() uint32 { return base + uint32(r.Intn(40)) }
		if round%5 == 4 {
			code = func() uint32 { return base + uint32(r.Intn(3))*(maxDense/2+1) + uint32(r.Intn(8)) }
		}
		var ls []groupLayout
		for g := range 1 + r.Intn(4) {
			l := groupLayout{code: uint32(g + 1)}
			seen := map[uint32]bool{}
			for range 1 + r.Intn(12) {
				c := code()
				if seen[c] {
					continue
				}
				seen[c] = true
				lo := r.Intn(7) - 3
				l.codes, l.Min, l.Max = append(l.codes, c), append(l.Min, lo), append(l.Max, lo+1+r.Intn(61))
			}
			ls = append(ls, l)
		}
		pl := newPatternPlan(ls)
		lo, hi := uint32(1<<32-1), uint32(0)
		for _, l := range ls {
			for _, c := range l.codes {
				lo, hi = min(lo, c), max(hi, c+1)
			}
		}
		if dense := hi-lo <= maxDense; dense != (pl.head != nil) {
			t.Fatalf("round %d: codes %d..%d close together %v, plan looks codes up in an array %v", round, lo, hi, dense, pl.head != nil)
		}
		if pl.head == nil {
			spread++
		}
		var buf []byte
		for range 20 {
			var items []uint32
			var vals []int64
			seen := map[uint32]bool{}
			for range r.Intn(30) {
				c := code()
				if seen[c] {
					continue
				}
				seen[c] = true
				items, vals = append(items, c), append(vals, int64(r.Intn(80)-10))
			}
			want := slices.Clone(items)
			slices.Sort(want)
			byItem := map[uint32]int64{}
			for j, c := range items {
				byItem[c] = vals[j]
			}
			sorter.sort(items, vals)
			if !slices.Equal(items, want) {
				t.Fatalf("round %d: answers sorted as %v, want %v", round, items, want)
			}
			for j, c := range items {
				if vals[j] != byItem[c] {
					t.Fatalf("round %d: item %d sorted with value %d, want %d", round, c, vals[j], byItem[c])
				}
			}
			rc := &rec{items: items, vals: vals}
			if pl.head == nil {
				continue
			}
			buf = pl.fill(rc, buf)
			for i := range ls {
				got := buf[pl.offs[i]:pl.offs[i+1]]
				want := string(ls[i].pattern(rc, nil))
				if string(got) != want {
					t.Fatalf("round %d, group %d: pattern %q, want %q", round, i, got, want)
				}
				s := in.intern(got)
				if s != want {
					t.Fatalf("round %d: interned %q as %q", round, want, s)
				}
				if prev, ok := interned[want]; ok && unsafe.StringData(prev) != unsafe.StringData(s) {
					t.Fatalf("round %d: pattern %q interned twice", round, want)
				}
				interned[want] = s
			}
		}
	}
	if spread == 0 {
		t.Fatal("no round spread the codes beyond the array")
	}
}

// TestInternerEdges interns the patterns at the bounds of the interner's
// integer keys: each text comes back equal to itself, and equal texts as
// one string. Patterns with a zero byte (an answer 191 points above its
// scale's minimum, which memory's encoding wraps to 0) would share the
// key of the pattern without its trailing zero bytes if packed.
func TestInternerEdges(t *testing.T) {
	var in interner
	ps := []string{"", "A", "A\x00", "A\x00\x00", "\x00A", "\x00", "ABCDEFGH", "ABCDEFGHI", "ABCDEFGH\x00", "\xff\xff\xff\xff\xff\xff\xff\xff"}
	first := map[string]string{}
	for range 2 {
		for _, p := range ps {
			s := in.intern([]byte(p))
			if s != p {
				t.Fatalf("pattern %q interned as %q", p, s)
			}
			if f, ok := first[p]; ok && unsafe.StringData(f) != unsafe.StringData(s) {
				t.Fatalf("pattern %q interned twice", p)
			}
			first[p] = s
		}
	}
}
