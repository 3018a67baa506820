package cx

import (
	"fmt"
	"math"
	"strings"
	"unsafe"

	"github.com/cxculture/cxculture/metrics"
	"github.com/cxculture/cxculture/survey"
)

// Tallier turns responses to one survey into [Tallies] in a single pass.
// Adding a response does not allocate once its unit and wave have been
// seen. A Tallier is not safe for concurrent use: give each goroutine its
// own and merge them with [Tallier.Merge].
type Tallier struct {
	s      survey.Survey
	items  []survey.Item
	index  map[string]int
	offset []int // offset[i] is the start of item i's counts in a block
	shift  []int // offset[i] - lo[i]: the count of answer v is at shift[i]+v
	lo, hi []int // scale bounds per item
	width  int   // total scale points over items
	groups []patternGroup

	blocks map[Group]*block
	texts  [][]string // decoded pattern texts of dense groups, by code
	// cache maps recent (unit, wave) pairs to their block without
	// hashing whole strings.
	cache [1 << blockCacheBits]*block
	waves map[string]*waveBlock
	vals  []int
	// An answer counts at its index k = shift[i]+v in a block's counters
	// and adds codeOf[k] to code grpOf[k] of the response's pattern codes.
	// coded lists the groups counted by code, the dense ones (ndense)
	// first; textGroups those counted by their text. codes holds the
	// codes of the response being counted when there are too many groups
	// for count's own array.
	codeOf     []int64
	grpOf      []int32
	coded      []int
	ndense     int
	textGroups []int
	codes      []int64
	slab       []uint8 // where newRec cuts the counters of blocks
}

type patternGroup struct {
	key   string // item IDs joined with commas
	items []int
	base  []int64 // mixed-radix weights: (points+1) per item
	size  int64   // number of possible patterns, or -1 when over maxCoded
}

type waveBlock struct {
	// dense holds, per group, the counts by pattern code, when small;
	// they are made when codes are first counted (nil before). They are
	// 32 bits wide, half the memory that counting a batch of codes
	// reads and writes: denseRows counts the rows they hold, and before
	// one could pass maxDenseRows they are moved into sparse (see widen).
	dense     [][]uint32
	denseRows int64
	// pending holds the codes of the dense groups not yet counted, one
	// row of len(denseGroups) codes per response (every response has a
	// code in every group): counting them in batches keeps the random
	// accesses to dense in cache. It grows to maxPendingRows rows, so
	// that a wave with fewer responses than that never needs its dense
	// counts until it is read or merged.
	pending     []uint16
	npend       int               // the number of rows pending
	denseGroups []int             // the dense groups, in the order of a row
	sizes       []int64           // per group, its number of patterns
	sparse      []map[int64]int64 // per group, counts by pattern code, when larger (or widened)
	text        []map[string]int64
}

// maxCoded bounds the pattern spaces counted by numeric code; larger ones
// (many items on long scales) are counted by their text.
const maxCoded = 1 << 62

// maxDensePatterns bounds the array used to count the patterns of one
// group in one wave; larger pattern spaces are counted in a map.
const maxDensePatterns = 1 << 16

// smallCodes is the number of pattern codes (a power of two) that count
// adds up in an array of its own: surveys with fewer reliability groups
// than that.
const smallCodes = 16

// minPendingRows and maxPendingRows bound the rows of pattern codes a
// wave buffers before it counts them: the buffer starts small and doubles.
const (
	minPendingRows = 1024
	maxPendingRows = 8192
)

// makeRoom makes room for one more row of nd pending codes: a larger
// buffer, or the codes counted when the buffer is at its largest.
func (wb *waveBlock) makeRoom(nd int) {
	if rows := len(wb.pending) / nd; rows < maxPendingRows {
		grown := make([]uint16, nd*max(minPendingRows, 2*rows))
		copy(grown, wb.pending[:wb.npend*nd])
		wb.pending = grown
		return
	}
	wb.flushAll()
}

// flushAll counts every pending code.
func (wb *waveBlock) flushAll() {
	if nd := len(wb.denseGroups); wb.npend > 0 && nd > 0 {
		wb.countRows(wb.pending[:wb.npend*nd])
	}
	wb.npend = 0
}

// maxDenseRows bounds the rows a wave's dense counts hold, so that no
// 32-bit count wraps; tests lower it (to no less than maxPendingRows,
// the largest batch counted at once).
var maxDenseRows int64 = math.MaxUint32

// countRows counts rows of codes of the dense groups, as pending holds
// them, making the dense counts first if need be.
func (wb *waveBlock) countRows(rows []uint16) {
	wb.makeDense()
	nd := len(wb.denseGroups)
	n := int64(len(rows) / nd)
	if wb.denseRows+n > maxDenseRows {
		wb.widen()
	}
	wb.denseRows += n
	for j, gi := range wb.denseGroups {
		d := wb.dense[gi]
		for r := j; r < len(rows); r += nd {
			d[rows[r]]++
		}
	}
}

// makeDense makes the dense counts, if they are not made yet.
func (wb *waveBlock) makeDense() {
	for _, gi := range wb.denseGroups {
		if wb.dense[gi] == nil {
			wb.dense[gi] = make([]uint32, wb.sizes[gi])
			writeFirst(wb.dense[gi])
		}
	}
}

// widen adds the dense counts to the sparse ones and clears them, which
// then hold no row: every reader adds both.
func (wb *waveBlock) widen() {
	for _, gi := range wb.denseGroups {
		d := wb.dense[gi]
		if d == nil {
			continue
		}
		if wb.sparse[gi] == nil {
			wb.sparse[gi] = map[int64]int64{}
		}
		for code, c := range d {
			if c != 0 {
				wb.sparse[gi][int64(code)] += int64(c)
			}
		}
		clear(d)
	}
	wb.denseRows = 0
}

// NewTallier returns a Tallier for s.
func NewTallier(s survey.Survey) *Tallier {
	t := &Tallier{s: s.Clone(), index: make(map[string]int, len(s.Items)), blocks: map[Group]*block{}, waves: map[string]*waveBlock{}}
	// The cache, 128 KB of a Tallier that comes from fresh pages when
	// the operating system gives them, is written before it is read, as
	// writeFirst says.
	clear(t.cache[:])
	t.items = t.s.Items
	n := len(t.items)
	t.offset, t.shift, t.lo, t.hi = make([]int, n), make([]int, n), make([]int, n), make([]int, n)
	for i, it := range t.items {
		t.index[it.ID] = i
		t.offset[i] = t.width
		t.lo[i], t.hi[i] = it.Scale.Min, it.Scale.Max
		t.shift[i] = t.width - it.Scale.Min
		t.width += it.Scale.Points()
	}
	for _, g := range ReliabilityGroups(s) {
		pg := patternGroup{key: strings.Join(g, ","), size: 1}
		for _, id := range g {
			pg.items = append(pg.items, t.index[id])
		}
		pg.base = make([]int64, len(pg.items))
		for j := len(pg.items) - 1; j >= 0; j-- {
			pg.base[j] = pg.size
			p := int64(t.items[pg.items[j]].Scale.Points() + 1)
			if pg.size < 0 || pg.size > maxCoded/p {
				pg.size = -1
			} else {
				pg.size *= p
			}
		}
		t.groups = append(t.groups, pg)
	}
	t.vals = make([]int, len(t.items))
	// Each answer counts in its block and, through grpOf and codeOf, in
	// the code of its reliability group's pattern: code = Σ (v-min+1)·base
	// over the group's answered items. coded lists the groups counted by
	// code, the dense ones first; grpOf holds an index into it, or
	// len(coded) (a spare code, codeOf 0) for an item of no such group.
	for pass := range 2 {
		for gi, g := range t.groups {
			if g.size >= 0 && (g.size <= maxDensePatterns) == (pass == 0) {
				t.coded = append(t.coded, gi)
				if pass == 0 {
					t.ndense++
				}
			}
		}
	}
	t.codeOf, t.grpOf = make([]int64, t.width), make([]int32, t.width)
	for k := range t.grpOf {
		t.grpOf[k] = int32(len(t.coded))
	}
	for j, gi := range t.coded {
		g := t.groups[gi]
		for k, i := range g.items {
			for v := t.lo[i]; v <= t.hi[i]; v++ {
				t.grpOf[t.shift[i]+v] = int32(j)
				t.codeOf[t.shift[i]+v] = int64(v-t.lo[i]+1) * g.base[k]
			}
		}
	}
	for gi, g := range t.groups {
		if g.size < 0 {
			t.textGroups = append(t.textGroups, gi)
		}
	}
	t.codes = make([]int64, len(t.coded)+1)
	return t
}

// Survey returns the survey being tallied.
func (t *Tallier) Survey() survey.Survey { return t.s }

func (t *Tallier) block(unit, wave string) *block {
	slot := &t.cache[cacheSlot(unit, wave)]
	up, wp := unsafe.StringData(unit), unsafe.StringData(wave)
	if b := *slot; b != nil {
		// Callers that intern their IDs (as the CSV readers do) pass the
		// same strings again: comparing where they point saves reading
		// their bytes. The block keeps them alive, so the memory cannot
		// hold other bytes meanwhile.
		if b.unitData == up && b.waveData == wp && len(b.key.Unit) == len(unit) && len(b.key.Wave) == len(wave) {
			return b
		}
		if b.key.Unit == unit && b.key.Wave == wave {
			b.unitData, b.waveData = up, wp
			return b
		}
	}
	b := t.blocks[Group{unit, wave}]
	if b == nil {
		b = &block{key: Group{strings.Clone(unit), strings.Clone(wave)}, rec: t.newRec(), wave: t.wave(wave)}
		t.blocks[b.key] = b
	}
	b.unitData, b.waveData = up, wp
	*slot = b
	return b
}

// newRec returns the counters of a new block (its rec: width+3 bytes).
// They are cut from slabs, so that the counters of the blocks a file
// touches lie together.
func (t *Tallier) newRec() []uint8 {
	n := t.width + 3
	if len(t.slab) < n {
		t.slab = make([]uint8, max(64<<10, n))
		writeFirst(t.slab)
	}
	rec := t.slab[:n:n]
	t.slab = t.slab[n:]
	return rec
}

// cacheSlot hashes the last bytes of a unit and wave ID, where IDs of the
// same kind usually differ, into a slot of the block cache.
func cacheSlot(unit, wave string) int {
	h := uint64(len(unit))<<32 ^ uint64(len(wave))
	for i := max(0, len(unit)-4); i < len(unit); i++ {
		h = (h ^ uint64(unit[i])) * 0x100000001b3
	}
	for i := max(0, len(wave)-3); i < len(wave); i++ {
		h = (h ^ uint64(wave[i])) * 0x100000001b3
	}
	h *= 0x9e3779b97f4a7c15
	return int(h >> (64 - blockCacheBits))
}

// blockCacheBits sets the number of slots of the block cache, 1 << bits:
// enough for the teams of a large organization times a year of waves to
// rarely share a slot.
const blockCacheBits = 14

func (t *Tallier) wave(w string) *waveBlock {
	wb := t.waves[w]
	if wb == nil {
		n := len(t.groups)
		wb = &waveBlock{dense: make([][]uint32, n), sparse: make([]map[int64]int64, n), text: make([]map[string]int64, n),
			denseGroups: t.coded[:t.ndense], sizes: make([]int64, n)}
		for i, g := range t.groups {
			wb.sizes[i] = g.size
			switch {
			case g.size < 0:
				wb.text[i] = map[string]int64{}
			case g.size <= maxDensePatterns:
			default:
				wb.sparse[i] = map[int64]int64{}
			}
		}
		t.waves[strings.Clone(w)] = wb
	}
	return wb
}

// Add tallies one response. A response to another survey, an unknown item
// or an answer outside its item's scale is an error naming it, and nothing
// of the response is tallied.
func (t *Tallier) Add(r survey.Response) error {
	if r.Survey != t.s.ID {
		return fmt.Errorf("cx: response %s is to survey %q, not %q: %w", r.ID, r.Survey, t.s.ID, ErrInvalid)
	}
	for i := range t.vals {
		t.vals[i] = survey.Skipped
	}
	for id, v := range r.Answers {
		i, ok := t.index[id]
		if !ok {
			return fmt.Errorf("cx: response %s: unknown item %q: %w", r.ID, id, ErrInvalid)
		}
		t.vals[i] = v
	}
	return t.add(r.Unit, r.Wave, t.vals, r.Comment != "")
}

// AddRow tallies one response given as values aligned with the survey's
// items (Survey().Items), with [survey.Skipped] for an item not answered. It
// validates like [Tallier.Add].
func (t *Tallier) AddRow(unit, wave string, values []int, hasComment bool) error {
	if len(values) != len(t.items) {
		return fmt.Errorf("cx: row has %d values for %d items: %w", len(values), len(t.items), ErrInvalid)
	}
	return t.add(unit, wave, values, hasComment)
}

func (t *Tallier) add(unit, wave string, vals []int, hasComment bool) error {
	lo, hi := t.lo[:len(vals)], t.hi[:len(vals)]
	for i, v := range vals {
		if v != survey.Skipped && (v < lo[i] || v > hi[i]) {
			return fmt.Errorf("cx: item %s: value %d outside scale %s: %w", t.items[i].ID, v, t.items[i].Scale, ErrInvalid)
		}
	}
	b := t.block(unit, wave)
	if b.full() {
		b.spill()
	}
	t.count(b.rec, b.wave, vals, hasComment)
	return nil
}

// count tallies one response into the block whose counters are rec (its
// rec, which must not be full) and whose wave is wb: vals, aligned with
// the items, lie on their scales (or are survey.Skipped). It allocates
// nothing, and reads nothing of the block but rec: a caller that keeps
// where the counters lie need not fetch the block from memory.
func (t *Tallier) count(rec []uint8, wb *waveBlock, vals []int, hasComment bool) {
	w := t.width
	rec = rec[: w+3 : w+3]
	rec[w+2]++ // a response adds at most one to each counter
	rec[w]++   // respondents
	if hasComment {
		rec[w+1]++
	}
	low := rec[:w]
	var small [smallCodes]int64
	var codes []int64
	// A skipped answer (survey.Skipped, far below every scale) has its
	// index out of the counters' range, so that one test both skips it
	// and proves the indexes in range.
	shift := t.shift[:len(vals)]
	codeOf, grpOf := t.codeOf[:len(low)], t.grpOf[:len(low)]
	if len(t.coded) < smallCodes {
		for i, v := range vals {
			k := uint(shift[i] + v)
			if k >= uint(len(low)) {
				continue
			}
			low[k]++
			small[grpOf[k]&(smallCodes-1)] += codeOf[k]
		}
		codes = small[:len(t.coded)]
	} else {
		codes = t.codes
		clear(codes)
		for i, v := range vals {
			k := uint(shift[i] + v)
			if k >= uint(len(low)) {
				continue
			}
			low[k]++
			codes[grpOf[k]] += codeOf[k]
		}
		codes = codes[:len(t.coded)]
	}
	if nd := t.ndense; nd > 0 {
		if (wb.npend+1)*nd > len(wb.pending) {
			wb.makeRoom(nd)
		}
		row := wb.pending[wb.npend*nd : wb.npend*nd+nd]
		for j := range row {
			row[j] = uint16(codes[j])
		}
		wb.npend++
	}
	for j := t.ndense; j < len(codes); j++ {
		wb.sparse[t.coded[j]][codes[j]]++
	}
	for _, gi := range t.textGroups {
		wb.text[gi][t.patternText(&t.groups[gi], vals)]++
	}
}

func (t *Tallier) patternText(g *patternGroup, vals []int) string {
	b := make([]byte, len(g.items))
	for j, i := range g.items {
		if v := vals[i]; v == survey.Skipped {
			b[j] = '.'
		} else {
			b[j] = byte('A' + v - t.items[i].Scale.Min)
		}
	}
	return string(b)
}

// Merge adds the counts of o, a Tallier of the same survey, into t.
func (t *Tallier) Merge(o *Tallier) error {
	if o.s.ID != t.s.ID || len(o.items) != len(t.items) || o.width != t.width {
		return fmt.Errorf("cx: cannot merge a tallier of survey %q into one of %q", o.s.ID, t.s.ID)
	}
	// The waves' pattern counts are added on a goroutine of their own
	// while the blocks are merged here; the waves are made first, so that
	// new blocks only read t.waves meanwhile.
	for w := range o.waves {
		t.wave(w)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for w, owb := range o.waves {
			wb := t.waves[w]
			// o's codes not yet counted are counted straight into t's
			// dense counts.
			if nd := len(owb.denseGroups); owb.npend > 0 && nd > 0 {
				wb.countRows(owb.pending[:owb.npend*nd])
			}
			if owb.denseRows > 0 {
				if wb.denseRows+owb.denseRows > maxDenseRows {
					wb.widen()
				}
				wb.denseRows += owb.denseRows
			}
			for gi := range t.groups {
				// A dense group may hold counts in sparse too (widened).
				if owb.dense[gi] != nil {
					wb.makeDense()
					for i, c := range owb.dense[gi] {
						wb.dense[gi][i] += c
					}
				}
				if len(owb.sparse[gi]) > 0 && wb.sparse[gi] == nil {
					wb.sparse[gi] = map[int64]int64{}
				}
				for code, c := range owb.sparse[gi] {
					wb.sparse[gi][code] += c
				}
				for p, c := range owb.text[gi] {
					wb.text[gi][p] += c
				}
			}
		}
	}()
	for k, ob := range o.blocks {
		t.block(k.Unit, k.Wave).merge(ob)
	}
	<-done
	return nil
}

// Tallies returns what has been tallied. The answers and the patterns are
// gathered concurrently.
func (t *Tallier) Tallies() *Tallies {
	out := &Tallies{Survey: t.s.ID}
	done := make(chan struct{})
	go func() {
		defer close(done)
		out.Patterns = t.patterns()
	}()
	out.Answers, out.Respondents, out.Comments = t.answers()
	<-done
	return out
}

// answers gathers the answers, respondents and comments of every block.
func (t *Tallier) answers() (map[Cell]metrics.Tally, map[Group]int64, map[Group]int64) {
	answers := make(map[Cell]metrics.Tally, len(t.blocks)*len(t.items))
	respondents := make(map[Group]int64, len(t.blocks))
	comments := map[Group]int64{}
	// One backing array for every cell's counts.
	backing := make([]int64, len(t.blocks)*t.width)
	for k, b := range t.blocks {
		b.settle()
		respondents[k] += b.respondents()
		if n := b.comments(); n > 0 {
			comments[k] += n
		}
		cells := backing[:t.width:t.width]
		backing = backing[t.width:]
		copy(cells, b.counts)
		for i, it := range t.items {
			counts := cells[t.offset[i] : t.offset[i]+it.Scale.Points() : t.offset[i]+it.Scale.Points()]
			var n int64
			for _, c := range counts {
				n += c
			}
			if n > 0 {
				answers[Cell{k.Unit, k.Wave, it.ID}] = metrics.Tally{Min: it.Scale.Min, Max: it.Scale.Max, Counts: counts}
			}
		}
	}
	return answers, respondents, comments
}

// patterns gathers the response patterns of every wave.
func (t *Tallier) patterns() map[PatternKey]int64 {
	npat := 0
	for _, wb := range t.waves {
		wb.flushAll()
		for gi := range t.groups {
			for _, c := range wb.dense[gi] {
				if c != 0 {
					npat++
				}
			}
			npat += len(wb.sparse[gi]) + len(wb.text[gi])
		}
	}
	out := make(map[PatternKey]int64, npat)
	for w, wb := range t.waves {
		for gi := range t.groups {
			g := &t.groups[gi]
			for code, c := range wb.dense[gi] {
				if c != 0 {
					out[PatternKey{w, g.key, t.denseText(gi, code)}] += int64(c)
				}
			}
			for code, c := range wb.sparse[gi] {
				out[PatternKey{w, g.key, t.decode(*g, code)}] += c
			}
			for p, c := range wb.text[gi] {
				out[PatternKey{w, g.key, p}] += c
			}
		}
	}
	return out
}

// denseText returns the pattern text of a code of dense group gi, decoding
// each code once per tallier.
func (t *Tallier) denseText(gi, code int) string {
	if t.texts == nil {
		t.texts = make([][]string, len(t.groups))
	}
	if t.texts[gi] == nil {
		t.texts[gi] = make([]string, t.groups[gi].size)
	}
	p := t.texts[gi][code]
	if p == "" {
		p = t.decode(t.groups[gi], int64(code))
		t.texts[gi][code] = p
	}
	return p
}

func (t *Tallier) decode(g patternGroup, code int64) string {
	b := make([]byte, len(g.items))
	for j := range g.items {
		d := code / g.base[j] % int64(t.items[g.items[j]].Scale.Points()+1)
		if d == 0 {
			b[j] = '.'
		} else {
			b[j] = byte('A' + d - 1)
		}
	}
	return string(b)
}

// EncodePattern returns the [PatternKey.Pattern] of one response over the
// items of a reliability group (answers as given, before reverse keying).
func EncodePattern(items []survey.Item, answers map[string]int) string {
	b := make([]byte, len(items))
	for j, it := range items {
		if v, ok := answers[it.ID]; ok {
			b[j] = byte('A' + v - it.Scale.Min)
		} else {
			b[j] = '.'
		}
	}
	return string(b)
}

// writeFirst writes zeros over s, which is zero already. Memory fresh
// from the operating system is mapped on first use: a first read maps a
// shared page of zeros, and the write after it copies that page and
// interrupts every other core running the program to flush its stale
// mapping. Counters are read before they are written (x[i]++), so the
// counters of a new slab are written once first: one fault per page,
// and no interruption of the other cores.
func writeFirst[T uint8 | uint32 | int64](s []T) { clear(s) }
