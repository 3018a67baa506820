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
// their item's scale in counts, one per point of the scale from where
// their cell's start, the others apart.
type answerSums struct {
	items  map[uint32]survey.Item
	key    answerKey
	cells  []sumCell
	at     map[cellKey]int // index in cells
	dense  []int32         // packed unit, wave and item -> 1 + index in cells
	counts []int64
	off    map[answerCell]int64
}

// sumCell is where the counts of a unit, wave and item start, and the
// item's scale.
type sumCell struct {
	cellKey
	at, points int
	min        int64
}

// newAnswerSums returns sums of the answers to items (by code), packed
// by key. Cells are found by their packed unit, wave and item in an array
// when there are at most 2^20 of these (4 MB), in a map otherwise.
func newAnswerSums(items map[uint32]survey.Item, key answerKey) *answerSums {
	a := &answerSums{items: items, key: key, at: map[cellKey]int{}, off: map[answerCell]int64{}}
	if cellBits := key.uAt + uint(bits.Len32(key.maxU)) - key.itemAt; key.ok && cellBits <= 20 {
		a.dense = make([]int32, 1<<cellBits)
	}
	return a
}

// addPacked adds n answers of the packed key k (not 0).
func (a *answerSums) addPacked(k uint64, n int64) {
	if a.dense == nil {
		u, w, it, v := a.key.decode(k)
		a.add(u, w, it, v, n)
		return
	}
	i := a.dense[k>>a.key.itemAt]
	if i == 0 {
		u, w, it, v := a.key.decode(k)
		if j, ok := a.cell(u, w, it, v); ok {
			a.dense[k>>a.key.itemAt] = int32(j) + 1
			a.counts[a.cells[j].at+int(v-a.cells[j].min)] += n
		} else {
			a.off[answerCell{u, w, it, v}] += n
		}
		return
	}
	c := &a.cells[i-1]
	if v := int64(k&(1<<a.key.itemAt-1)) + a.key.lo - c.min; v >= 0 && v < int64(c.points) {
		a.counts[c.at+int(v)] += n
		return
	}
	u, w, it, v := a.key.decode(k)
	a.off[answerCell{u, w, it, v}] += n
}

// add adds n answers v of unit, wave and item.
func (a *answerSums) add(unit, wave, item uint32, v, n int64) {
	k := cellKey{unit, wave, item}
	j, ok := a.at[k]
	if !ok {
		if j, ok = a.cell(unit, wave, item, v); !ok {
			a.off[answerCell{unit, wave, item, v}] += n
			return
		}
		a.at[k] = j
	}
	c := &a.cells[j]
	if v -= c.min; v < 0 || v >= int64(c.points) {
		a.off[answerCell{unit, wave, item, v + c.min}] += n
		return
	}
	a.counts[c.at+int(v)] += n
}

// cell makes the cell of unit, wave and item and returns its index, or
// false when the survey does not have the item or v is off its scale.
func (a *answerSums) cell(unit, wave, item uint32, v int64) (int, bool) {
	it, ok := a.items[item]
	if !ok || v < int64(it.Scale.Min) || v > int64(it.Scale.Max) {
		return 0, false
	}
	c := sumCell{cellKey: cellKey{unit, wave, item}, at: len(a.counts), points: it.Scale.Points(), min: int64(it.Scale.Min)}
	a.counts = append(a.counts, make([]int64, c.points)...)
	a.cells = append(a.cells, c)
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

// patternSums are the sums of patterns the shards return: by packed key,
// and the others.
type patternSums struct {
	key    patternKey
	packed []struct {
		key uint64
		n   int64
	}
	rest []pat
}

// waves returns the waves of the sums, with repeats.
func (ps *patternSums) waves() []uint32 {
	var out []uint32
	var last uint32
	for i, r := range ps.packed {
		_, w, _, _ := ps.key.decode(r.key)
		if i == 0 || w != last {
			out = append(out, w)
			last = w
		}
	}
	for _, p := range ps.rest {
		out = append(out, p.wave)
	}
	return out
}

// patternSums reads into out the sums of the patterns of the groups
// (codes and numbers of items) grouped by a packed key, and those it does
// not pack (longer patterns, a wave code beyond the key's) by group,
// wave and pattern, at the same time when some groups' patterns are too
// long to pack.
func (s *Store) patternSums(ctx context.Context, conn Conn, where string, codes []uint32, sizes []int, maxW uint32, out *patternSums) error {
	if len(codes) == 0 {
		return nil
	}
	k := newPatternKey(codes, sizes, maxW)
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
	err := query(ctx, conn, fmt.Sprintf("SELECT %s AS k, sum(n) AS c FROM %s.pattern_sums WHERE %s GROUP BY k HAVING c != 0 OR k = 0",
		k.sql(), s.database, where), func(r Rows) error {
		var key uint64
		var n int64
		if err := r.Scan(&key, &n); err != nil {
			return err
		}
		if key == 0 {
			rest = true
			return nil
		}
		out.packed = append(out.packed, struct {
			key uint64
			n   int64
		}{key, n})
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
