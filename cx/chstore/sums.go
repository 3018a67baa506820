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
	items            map[uint32]survey.Item
	byCode           []*survey.Item // items by code, when their codes are below 2^20
	maxU, maxW, maxI uint32         // the largest codes dense holds
	waveAt, unitAt   uint           // where the wave and the unit start in dense's index
	cells            []sumCell
	at               map[cellKey]int // index in cells, of the cells dense does not hold
	dense            []int32         // unit, wave and item -> 1 + index in cells
	slab             []int64         // where the next cells' counts are cut from
	off              map[answerCell]int64
	last             int // the cell of the last row added, -1 before any
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

// newAnswerSums returns sums of the answers to items (by code), with room
// for about cells cells. Cells with unit, wave and item codes up to maxU,
// maxW and maxI are found in an array by their bits side by side when
// these are at most 20 (4 MB), the others (and all of them with more
// bits) in a map.
func newAnswerSums(items map[uint32]survey.Item, maxU, maxW, maxI uint32, cells int) *answerSums {
	a := &answerSums{items: items, maxU: maxU, maxW: maxW, maxI: maxI, at: map[cellKey]int{}, off: map[answerCell]int64{}, last: -1}
	a.waveAt = uint(bits.Len32(maxI))
	a.unitAt = a.waveAt + uint(bits.Len32(maxW))
	if cellBits := a.unitAt + uint(bits.Len32(maxU)); cellBits <= 20 {
		a.dense = make([]int32, 1<<cellBits)
	}
	a.cells = make([]sumCell, 0, max(0, min(cells, 1<<17)))
	top := uint32(0)
	for c := range items {
		top = max(top, c)
	}
	if top < 1<<20 {
		a.byCode = make([]*survey.Item, top+1)
		for c, it := range items {
			a.byCode[c] = &it
		}
	}
	return a
}

// item returns the survey's item of code c, or false when it has none.
func (a *answerSums) item(c uint32) (*survey.Item, bool) {
	if a.byCode != nil {
		if int(c) < len(a.byCode) && a.byCode[c] != nil {
			return a.byCode[c], true
		}
		return nil, false
	}
	it, ok := a.items[c]
	return &it, ok
}

// add adds n answers v of unit, wave and item.
func (a *answerSums) add(unit, wave, item uint32, v, n int64) {
	j := a.last
	if j < 0 || a.cells[j].cellKey != (cellKey{unit, wave, item}) {
		var ok bool
		if j, ok = a.cell(unit, wave, item, true); !ok {
			a.off[answerCell{unit, wave, item, v}] += n
			return
		}
		a.last = j
	}
	c := &a.cells[j]
	if v -= c.min; v < 0 || v >= int64(len(c.counts)) {
		a.off[answerCell{unit, wave, item, v + c.min}] += n
		return
	}
	c.counts[v] += n
}

// slot returns the place of the cell of unit, wave and item in dense,
// or false when dense does not hold it.
func (a *answerSums) slot(unit, wave, item uint32) (int, bool) {
	if a.dense == nil || unit > a.maxU || wave > a.maxW || item > a.maxI {
		return 0, false
	}
	return int(uint64(unit)<<a.unitAt | uint64(wave)<<a.waveAt | uint64(item)), true
}

// cell returns the index of the cell of unit, wave and item, made if new
// and create is set, or false when there is none or the survey does not
// have the item.
func (a *answerSums) cell(unit, wave, item uint32, create bool) (int, bool) {
	k := cellKey{unit, wave, item}
	slot, dense := a.slot(unit, wave, item)
	if dense {
		if i := a.dense[slot]; i > 0 {
			return int(i) - 1, true
		}
	} else if j, ok := a.at[k]; ok {
		return j, true
	}
	it, ok := a.item(item)
	if !ok || !create {
		return 0, false
	}
	points := it.Scale.Points()
	if len(a.slab)+points > cap(a.slab) {
		a.slab = make([]int64, 0, max(countSlab, points))
	}
	a.slab = a.slab[:len(a.slab)+points]
	return a.put(sumCell{cellKey: k, counts: a.slab[len(a.slab)-points : len(a.slab) : len(a.slab)], min: int64(it.Scale.Min)}, slot, dense), true
}

// put appends c to the cells and indexes it (at slot of dense when
// dense is set), returning its index.
func (a *answerSums) put(c sumCell, slot int, dense bool) int {
	a.cells = append(a.cells, c)
	if dense {
		a.dense[slot] = int32(len(a.cells))
	} else {
		a.at[c.cellKey] = len(a.cells) - 1
	}
	return len(a.cells) - 1
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
