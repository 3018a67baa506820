package chstore

import (
	"context"
	"fmt"
	"maps"
	"math/bits"
	"slices"
	"sync"

	"github.com/cxculture/cxculture/survey"
)

// answerCell is a unit, wave and item, and a value of the item.
type answerCell struct {
	unit, wave, item uint32
	value            int64
}

// cellKey is a unit, wave and item.
type cellKey struct{ unit, wave, item uint32 }

// cellIndex finds a value (from 1) by unit, wave and item: in an array
// indexed by their bits side by side when the codes are at most maxU,
// maxW and maxI and these bits at most 20 (4 MB), in a map otherwise.
type cellIndex struct {
	maxU, maxW, maxI uint32
	waveAt, unitAt   uint // where the wave and the unit start in dense's index
	dense            []int32
	at               map[cellKey]int32 // the cells dense does not hold
}

func newCellIndex(maxU, maxW, maxI uint32) cellIndex {
	x := cellIndex{maxU: maxU, maxW: maxW, maxI: maxI, at: map[cellKey]int32{}}
	x.waveAt = uint(bits.Len32(maxI))
	x.unitAt = x.waveAt + uint(bits.Len32(maxW))
	if cellBits := x.unitAt + uint(bits.Len32(maxU)); cellBits <= 20 {
		x.dense = make([]int32, 1<<cellBits)
	}
	return x
}

// get returns the value of k, 0 when it has none.
func (x *cellIndex) get(k cellKey) int32 {
	if x.dense != nil && k.unit <= x.maxU && k.wave <= x.maxW && k.item <= x.maxI {
		return x.dense[uint64(k.unit)<<x.unitAt|uint64(k.wave)<<x.waveAt|uint64(k.item)]
	}
	return x.at[k]
}

// set gives k the value v.
func (x *cellIndex) set(k cellKey, v int32) {
	if x.dense != nil && k.unit <= x.maxU && k.wave <= x.maxW && k.item <= x.maxI {
		x.dense[uint64(k.unit)<<x.unitAt|uint64(k.wave)<<x.waveAt|uint64(k.item)] = v
		return
	}
	x.at[k] = v
}

// answerSums adds up the sums of answers the shards return: those on
// their item's scale in their cell's counts, one per point of the scale,
// the others apart.
type answerSums struct {
	items  map[uint32]survey.Item
	byCode []*survey.Item // items by code, when their codes are below 2^16
	cells  []sumCell
	index  cellIndex // 1 + index in cells
	slab   []int64   // where the next cells' counts are cut from
	off    map[answerCell]int64
	last   int // the cell of the last row added, -1 before any
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
// for about cells cells, found by a cellIndex for codes up to maxU, maxW
// and maxI.
func newAnswerSums(items map[uint32]survey.Item, maxU, maxW, maxI uint32, cells int) *answerSums {
	a := &answerSums{items: items, index: newCellIndex(maxU, maxW, maxI), off: map[answerCell]int64{}, last: -1}
	a.cells = make([]sumCell, 0, max(0, min(cells, 1<<17)))
	top := uint32(0)
	for c := range items {
		top = max(top, c)
	}
	if top < 1<<16 && packCap.Load() == 0 {
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
	k := cellKey{unit, wave, item}
	j := a.last
	if j < 0 || a.cells[j].cellKey != k {
		var ok bool
		if j, ok = a.cell(k); !ok {
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

// addCounts adds the counts of a row of the answer sums of unit, wave and
// item: counts[v] answers of value v. A row whose counts are all 0 (a cell
// whose answers a batch took away and put back) adds nothing, as in add.
func (a *answerSums) addCounts(unit, wave, item uint32, counts *[countedValues]int64) {
	for v, n := range counts {
		if n != 0 {
			a.add(unit, wave, item, int64(v), n)
		}
	}
}

// cell returns the index of the cell of k, made if new, or false when
// the survey does not have the item.
func (a *answerSums) cell(k cellKey) (int, bool) {
	if i := a.index.get(k); i > 0 {
		return int(i) - 1, true
	}
	it, ok := a.item(k.item)
	if !ok {
		return 0, false
	}
	points := it.Scale.Points()
	if len(a.slab)+points > cap(a.slab) {
		a.slab = make([]int64, 0, max(countSlab, points))
	}
	a.slab = a.slab[:len(a.slab)+points]
	a.cells = append(a.cells, sumCell{cellKey: k, counts: a.slab[len(a.slab)-points : len(a.slab) : len(a.slab)], min: int64(it.Scale.Min)})
	a.index.set(k, int32(len(a.cells)))
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

// patternSums are the sums of patterns the shards return: by packed key
// (counts holds len(key.letters) counts per key, one per last answer),
// and the others.
type patternSums struct {
	key    patternKey
	keys   []uint64
	counts []int64
	at     map[uint64]int // index in keys
	rest   []pat
}

// add adds n patterns p of group grp in wave.
func (ps *patternSums) add(grp, wave uint32, p string, n int64) {
	key, col, ok := ps.key.pack(grp, wave, p)
	if !ok {
		ps.rest = append(ps.rest, pat{grp: grp, wave: wave, pattern: p, n: n})
		return
	}
	i, ok := ps.at[key]
	if !ok {
		i = len(ps.keys)
		ps.at[key] = i
		ps.keys = append(ps.keys, key)
		ps.counts = append(ps.counts, make([]int64, len(ps.key.letters))...)
	}
	ps.counts[i*len(ps.key.letters)+col] += n
}

// merge adds the sums of b (of the same key) to ps.
func (ps *patternSums) merge(b *patternSums) {
	l := len(ps.key.letters)
	for j, key := range b.keys {
		i, ok := ps.at[key]
		if !ok {
			i = len(ps.keys)
			ps.at[key] = i
			ps.keys = append(ps.keys, key)
			ps.counts = append(ps.counts, make([]int64, l)...)
		}
		for c, n := range b.counts[j*l : (j+1)*l] {
			ps.counts[i*l+c] += n
		}
	}
	ps.rest = append(ps.rest, b.rest...)
}

// patternSums reads into out the sums of the patterns of the groups
// (codes, numbers of items and widths of their last item's scale) of the
// rows of where: each shard's rows of pattern_sums_local, read on a
// connection to that shard, every shard at once, and added up by packed
// key (see patternKey) on a goroutine per shard, those the key does not
// pack (longer patterns, a wave code beyond the key's) kept apart; the
// shards' sums are then added up. A pattern's rows are on every shard
// that stored responses with it. Reading the sums as the cluster keeps
// them (per batch, wave, group and pattern) costs the servers a scan:
// 4-6 ms of CPU for a shard's 31,500 rows of one wave of the 10-million-
// response benchmark, 20-28 ms for its 378,700 rows of 12 waves, against
// 11-17 and 78-101 ms for a GROUP BY by packed key with a column per last
// answer; the process adds up the rows the GROUP BY read.
func (s *Store) patternSums(ctx context.Context, where string, codes []uint32, sizes, spans []int, maxW uint32, out *patternSums) error {
	if len(codes) == 0 {
		return nil
	}
	k := newPatternKey(codes, sizes, spans, maxW)
	parts := make([]*patternSums, len(s.shards))
	err := s.eachShard(ctx, "pattern sums", func(ctx context.Context, i int, c Conn) error {
		ps := &patternSums{key: k, at: map[uint64]int{}}
		parts[i] = ps
		var grp, wave uint32
		var p string
		var n int64
		dst := []any{&grp, &wave, &p, &n}
		return query(ctx, c, fmt.Sprintf("SELECT grp, wave, pattern, n FROM %s.pattern_sums_local WHERE %s AND grp IN (%s)", s.database, where, uints(codes)), func(r Rows) error {
			if err := r.Scan(dst...); err != nil {
				return err
			}
			ps.add(grp, wave, p, n)
			return nil
		})
	})
	if err != nil {
		return err
	}
	for _, p := range parts[1:] {
		parts[0].merge(p)
	}
	*out = *parts[0]
	return nil
}

// unitWave is a unit and a wave.
type unitWave struct{ unit, wave uint32 }

// groupCounts are the respondents and comments of a unit and wave.
type groupCounts struct{ respondents, comments int64 }

// groupSums returns the respondents and comments of the rows of where per
// unit and wave, and, sorted, the batches of the rows of waves (sorted;
// every wave when nil). Each shard's rows of group_sums_local are read on
// a connection to that shard, every shard at once, and added up in the
// process (one row per batch, unit and wave: the sums a GROUP BY would
// read), the rare units two shards hold (spread by an earlier count of
// shards) added up too.
func (s *Store) groupSums(ctx context.Context, where string, waves []uint32) (map[unitWave]groupCounts, []int64, error) {
	groups := map[unitWave]groupCounts{}
	seen := map[int64]bool{}
	var mu sync.Mutex
	err := s.eachShard(ctx, "respondents' sums", func(ctx context.Context, i int, c Conn) error {
		local, bs := map[unitWave]groupCounts{}, map[int64]bool{}
		var k unitWave
		var b, n, cm int64
		dst := []any{&k.unit, &k.wave, &b, &n, &cm}
		err := query(ctx, c, fmt.Sprintf("SELECT unit, wave, toInt64(batch), respondents, comments FROM %s.group_sums_local WHERE %s", s.database, where), func(r Rows) error {
			if err := r.Scan(dst...); err != nil {
				return err
			}
			g := local[k]
			local[k] = groupCounts{g.respondents + n, g.comments + cm}
			if _, ok := slices.BinarySearch(waves, k.wave); ok || waves == nil {
				bs[b] = true
			}
			return nil
		})
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		for k, g := range local {
			h := groups[k]
			groups[k] = groupCounts{h.respondents + g.respondents, h.comments + g.comments}
		}
		maps.Copy(seen, bs)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return groups, slices.Sorted(maps.Keys(seen)), nil
}
