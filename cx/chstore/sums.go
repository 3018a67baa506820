package chstore

import (
	"context"
	"errors"
	"fmt"
	"math/bits"

	"github.com/cxculture/cxculture/survey"
)

// answerCell is a unit, wave and item, and a value of the item.
type answerCell struct {
	unit, wave, item uint32
	value            int64
}

// cellKey is a unit, wave and item.
type cellKey struct{ unit, wave, item uint32 }

// answerSums adds up the sums of answers the shards return: those on
// their item's scale in their cell's counts, one per point of the scale,
// the others apart.
type answerSums struct {
	items map[uint32]survey.Item
	key   answerKey
	cells []sumCell
	at    map[cellKey]int // index in cells, of the cells dense does not hold
	dense []int32         // packed unit, wave and item -> 1 + index in cells
	slab  []int64         // where the next cells' counts are cut from
	off   map[answerCell]int64
}

// sumCell is a unit, wave and item, its counts and its item's scale
// minimum.
type sumCell struct {
	cellKey
	counts []int64
	min    int64
}

// countSlab is the number of counts allocated at a time. A cell's counts
// are cut from a slab that is never resized nor reused, so they never
// move and no copy is made as cells are added; each is a slice whose
// capacity is its length, so an append to one cell's counts cannot write
// into the next cell's.
const countSlab = 1 << 16

// newAnswerSums returns sums of the answers to items (by code), packed
// by key, with room for about cells cells. Cells are found by their
// packed unit, wave and item in an array when there are at most 2^20 of
// these (4 MB), in a map otherwise.
func newAnswerSums(items map[uint32]survey.Item, key answerKey, cells int) *answerSums {
	a := &answerSums{items: items, key: key, at: map[cellKey]int{}, off: map[answerCell]int64{}}
	if cellBits := key.uAt + uint(bits.Len32(key.maxU)) - key.itemAt; key.ok && cellBits <= 20 {
		a.dense = make([]int32, 1<<cellBits)
	}
	a.cells = make([]sumCell, 0, min(cells, 1<<17))
	return a
}

// addPacked adds the counts of the values from the first packed in key
// k (not 0), one count per value.
func (a *answerSums) addPacked(k uint64, counts []int64) {
	u, w, it, v0 := a.key.decode(k)
	j, ok := a.cell(u, w, it)
	if !ok {
		for d, n := range counts {
			if n != 0 {
				a.off[answerCell{u, w, it, v0 + int64(d)}] += n
			}
		}
		return
	}
	c := &a.cells[j]
	for d, n := range counts {
		if n == 0 {
			continue
		}
		if v := v0 + int64(d) - c.min; v >= 0 && v < int64(len(c.counts)) {
			c.counts[v] += n
		} else {
			a.off[answerCell{u, w, it, v0 + int64(d)}] += n
		}
	}
}

// add adds n answers v of unit, wave and item.
func (a *answerSums) add(unit, wave, item uint32, v, n int64) {
	j, ok := a.cell(unit, wave, item)
	if !ok {
		a.off[answerCell{unit, wave, item, v}] += n
		return
	}
	c := &a.cells[j]
	if v -= c.min; v < 0 || v >= int64(len(c.counts)) {
		a.off[answerCell{unit, wave, item, v + c.min}] += n
		return
	}
	c.counts[v] += n
}

// cell returns the index of the cell of unit, wave and item, made if
// new, or false when the survey does not have the item.
func (a *answerSums) cell(unit, wave, item uint32) (int, bool) {
	k := cellKey{unit, wave, item}
	slot, dense := 0, a.dense != nil && unit <= a.key.maxU && wave <= a.key.maxW && item <= a.key.maxI
	if dense {
		slot = int(uint64(unit)<<(a.key.uAt-a.key.itemAt) | uint64(wave)<<(a.key.waveAt-a.key.itemAt) | uint64(item))
		if i := a.dense[slot]; i > 0 {
			return int(i) - 1, true
		}
	} else if j, ok := a.at[k]; ok {
		return j, true
	}
	it, ok := a.items[item]
	if !ok {
		return 0, false
	}
	points := it.Scale.Points()
	if len(a.slab)+points > cap(a.slab) {
		a.slab = make([]int64, 0, max(countSlab, points))
	}
	a.slab = a.slab[:len(a.slab)+points]
	c := sumCell{cellKey: k, counts: a.slab[len(a.slab)-points : len(a.slab) : len(a.slab)], min: int64(it.Scale.Min)}
	a.cells = append(a.cells, c)
	if dense {
		a.dense[slot] = int32(len(a.cells))
	} else {
		a.at[k] = len(a.cells) - 1
	}
	return len(a.cells) - 1, true
}

// pat is a count of a pattern of a reliability group (its code, or its
// items) in a wave.
type pat struct {
	grp, wave uint32
	key       string
	pattern   string
	n         int64
}

// patternSums are the sums of patterns the cluster returns: by packed
// key (counts holds len(key.letters) counts per key, one per last
// answer), and the others.
type patternSums struct {
	key    patternKey
	keys   []uint64
	counts []int64
	rest   []pat
}

// patternSums reads into out the sums of the patterns of the groups
// (codes, numbers of items and widths of their last item's scale) grouped
// by a packed key, and those it does not pack (longer patterns, a wave
// code beyond the key's) by group, wave and pattern, at the same time
// when some groups' patterns are not packed.
func (s *Store) patternSums(ctx context.Context, conn Conn, where string, codes []uint32, sizes, spans []int, maxW uint32, out *patternSums) error {
	if len(codes) == 0 {
		return nil
	}
	k := newPatternKey(codes, sizes, spans, maxW)
	out.key = k
	where += " AND grp IN (" + uints(codes) + ")"
	restQuery := func() error {
		return query(ctx, conn, fmt.Sprintf("SELECT grp, wave, pattern, sum(n) AS c FROM %s.pattern_sums WHERE %s AND NOT %s GROUP BY grp, wave, pattern HAVING c != 0",
			s.database, where, k.fits()), func(r Rows) error {
			var p pat
			err := r.Scan(&p.grp, &p.wave, &p.pattern, &p.n)
			out.rest = append(out.rest, p)
			return err
		})
	}
	if !k.ok {
		return restQuery()
	}
	// Groups the key leaves out: their sums at the same time.
	var restErr chan error
	if len(k.groups) < len(codes) {
		restErr = make(chan error, 1)
		go func() { restErr <- restQuery() }()
	}
	rest := false
	var key uint64
	counts := make([]int64, len(k.letters))
	dst := []any{&key}
	for i := range counts {
		dst = append(dst, &counts[i])
	}
	err := query(ctx, conn, fmt.Sprintf("SELECT %s FROM %s.pattern_sums WHERE %s GROUP BY k", k.sql(), s.database, where), func(r Rows) error {
		if err := r.Scan(dst...); err != nil {
			return err
		}
		if key == 0 {
			rest = true
			return nil
		}
		out.keys = append(out.keys, key)
		out.counts = append(out.counts, counts...)
		return nil
	})
	if restErr != nil {
		return errors.Join(err, <-restErr)
	}
	if err != nil || !rest {
		return err
	}
	return restQuery()
}
