package chstore

import (
	"context"
	"fmt"
	"maps"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/cxculture/cxculture/survey"
)

// The tallies' GROUP BY queries group by one 64-bit integer that packs
// the columns of a group (unit, wave and item; reliability group, wave and
// pattern but its last answer) whenever these fit in 64 bits, which they
// do in every store of ordinary size, and sum the counts of each value
// (of each last answer) in a column of its own: ClickHouse 18.16
// aggregates by a single UInt64 in its fastest hash table, and the fewer
// groups it holds the cheaper the GROUP BY. On the sums of the 10-million-
// response benchmark (system.query_log, both shards) answers cost 0.5 s of
// the servers' CPU grouped by their four columns, 0.16 s by one packed key
// per value, 0.1 s by one per unit, wave and item with a column per value;
// patterns 0.34 s by their three columns, 0.24 s by one packed key, 0.13 s
// without their last answer. The rows whose columns do not fit (a code or
// value beyond the fields' widths, a pattern too long) fall in group 0,
// which a query always returns when it has rows, and are then tallied by a
// second query grouping by the columns themselves: the tallies are exact
// whatever the codes and values. The widths are not part of the store:
// each read chooses them from the dictionary's largest codes and the
// survey's scales.

// maxColumns bounds the count columns of a query.
const maxColumns = 16

// packCap, when not 0, caps the unit, wave and item codes the keys pack,
// so that a tally reads some rows by packed key and the others by their
// columns (tests).
var packCap atomic.Uint32

// answerKey packs the unit, wave and item of a row of the answer sums,
// and the bucket of cols values of the answer's distance from its item's
// scale minimum (from lo for an item the survey does not have), in that
// order from the high bits; the answer's place in its bucket is the
// count's column. cols is the number of points most of the survey's
// items have: most cells are then one row of one bucket.
type answerKey struct {
	ok                  bool
	lo, hi              int64
	cols                int64
	mins                map[uint32]int64 // item code -> scale minimum
	maxU, maxW, maxI    uint32
	itemAt, waveAt, uAt uint
}

// newAnswerKey returns the packing of answers with unit, wave and item
// codes up to maxU, maxW and maxI and values on the scales of items (the
// survey's, by code); ok is false when they do not fit in 64 bits.
func newAnswerKey(maxU, maxW, maxI uint32, items map[uint32]survey.Item) answerKey {
	k := answerKey{maxU: maxU, maxW: maxW, maxI: maxI, mins: map[uint32]int64{}}
	if len(items) == 0 {
		return k
	}
	k.lo, k.hi = int64(math.MaxInt64), int64(math.MinInt64)
	points := map[int64]int{}
	for code, it := range items {
		k.mins[code] = int64(it.Scale.Min)
		k.lo, k.hi = min(k.lo, int64(it.Scale.Min)), max(k.hi, int64(it.Scale.Max))
		points[int64(it.Scale.Max)-int64(it.Scale.Min)+1]++
	}
	if k.lo < -1<<40 || k.hi > 1<<40 {
		return k
	}
	for p, n := range points {
		if p >= 1 && (n > points[k.cols] || n == points[k.cols] && p > k.cols) {
			k.cols = p
		}
	}
	if k.cols = min(k.cols, maxColumns); k.cols < 1 {
		return k
	}
	k.itemAt = uint(bits.Len64(uint64((k.hi - k.lo) / k.cols)))
	k.waveAt = k.itemAt + uint(bits.Len32(maxI))
	k.uAt = k.waveAt + uint(bits.Len32(maxW))
	k.ok = k.uAt+uint(bits.Len32(maxU)) <= 64
	return k
}

// offset is the answer's distance from its item's scale minimum.
func (k answerKey) offset() string {
	codes := slices.Sorted(maps.Keys(k.mins))
	mins := make([]string, len(codes))
	for i, c := range codes {
		mins[i] = strconv.FormatInt(k.mins[c], 10)
	}
	return fmt.Sprintf("(value - transform(item, CAST([%s] AS Array(UInt32)), CAST([%s] AS Array(Int64)), toInt64(%d)))", uints(codes), strings.Join(mins, ", "), k.lo)
}

// sql returns the expression of the key: the packed columns for the rows
// that fit, 0 for the others (unit codes start at 1, so no packed key is
// 0), and the sums of the counts' columns.
func (k answerKey) sql() string {
	if !k.ok {
		return "toUInt64(0) AS k, sum(n)"
	}
	off := k.offset()
	bucket, place := "toUInt64(0)", off
	if k.hi-k.lo >= k.cols {
		bucket, place = fmt.Sprintf("toUInt64(intDiv(%s, %d))", off, k.cols), fmt.Sprintf("%s %% %d", off, k.cols)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "if(%s, bitOr(bitOr(bitShiftLeft(toUInt64(unit), %d), bitShiftLeft(toUInt64(wave), %d)), "+
		"bitOr(bitShiftLeft(toUInt64(item), %d), %s)), toUInt64(0)) AS k", k.fits(), k.uAt, k.waveAt, k.itemAt, bucket)
	for j := range k.cols {
		fmt.Fprintf(&b, ", sum(if(%s = %d, n, 0))", place, j)
	}
	return b.String()
}

// fits is the condition of the rows the key packs.
func (k answerKey) fits() string {
	if !k.ok {
		return "0"
	}
	return fmt.Sprintf("(unit BETWEEN 1 AND %d AND wave <= %d AND item <= %d AND value BETWEEN %d AND %d AND %s >= 0)", k.maxU, k.maxW, k.maxI, k.lo, k.hi, k.offset())
}

// decode returns the columns packed in key (not 0), and the value of the
// counts' first column.
func (k answerKey) decode(key uint64) (unit, wave, item uint32, value int64) {
	field := func(from, to uint) uint64 { return key >> from & (1<<(to-from) - 1) }
	item = uint32(field(k.itemAt, k.waveAt))
	from, ok := k.mins[item]
	if !ok {
		from = k.lo
	}
	return uint32(key >> k.uAt), uint32(field(k.waveAt, k.uAt)), item, int64(field(0, k.itemAt))*k.cols + from
}

// patternKey packs the reliability group, wave and pattern but its last
// answer of a row of the pattern sums: the pattern's bytes but the last
// (size at most 8) in the low 8 x (size - 1) bits, zero after them, then
// its length (4 bits), the group's place in groups counted from 1, and
// the wave. The last answer's letter is the count's column.
type patternKey struct {
	ok      bool
	size    int      // the longest pattern packed
	groups  []uint32 // the groups whose patterns are packed
	letters []byte   // the last answers packed, one per column
	gBits   uint
	wBits   uint
}

// newPatternKey returns the packing of the patterns of the groups (codes,
// numbers of items, and the width of their last item's scale: maximum
// minus minimum) for waves with codes up to maxW: the groups of up to
// size items for the largest size whose fields fit in 64 bits, whose last
// items' scales have at most maxColumns - 1 points.
func newPatternKey(codes []uint32, sizes, spans []int, maxW uint32) patternKey {
	for size := 8; size >= 1; size-- {
		k := patternKey{size: size, wBits: uint(bits.Len32(maxW))}
		span := -1
		for i, c := range codes {
			if sizes[i] <= size && spans[i] < maxColumns-1 {
				k.groups = append(k.groups, c)
				span = max(span, spans[i])
			}
		}
		k.gBits = uint(bits.Len(uint(len(k.groups))))
		if len(k.groups) > 0 && 8*uint(size-1)+4+k.gBits+k.wBits <= 64 {
			k.letters = append(k.letters, '.')
			for d := range span + 1 {
				k.letters = append(k.letters, byte('A'+d))
			}
			k.ok = true
			return k
		}
	}
	return patternKey{}
}

// sql returns the expression of the key: the packed columns for the rows
// that fit, 0 for the others (group places start at 1, so no packed key
// is 0), and the sums of the counts' columns.
func (k patternKey) sql() string {
	if !k.ok {
		return "toUInt64(0) AS k, sum(n)"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "if(%s, bitOr(bitXor(reinterpretAsUInt64(pattern), bitShiftLeft("+lastLetter+", "+lastAt+")), bitShiftLeft(bitOr(bitOr(length(pattern), "+
		"bitShiftLeft(indexOf([%s], grp), 4)), bitShiftLeft(toUInt64(wave), %d)), %d)), toUInt64(0)) AS k", k.fits(), uints(k.groups), 4+k.gBits, 8*(k.size-1))
	for _, l := range k.letters {
		fmt.Fprintf(&b, ", sum(if(%s = %d, n, 0))", lastLetter, l)
	}
	return b.String()
}

// lastLetter is the last byte of a pattern of at most 8 bytes, and
// lastAt where it starts in the pattern read as an integer: shifts cost
// the servers less than substrings (about 6% of the pattern query).
const (
	lastAt     = "toUInt8(multiply(8, length(pattern) - 1))"
	lastLetter = "bitAnd(bitShiftRight(reinterpretAsUInt64(pattern), " + lastAt + "), 255)"
)

// fits is the condition of the rows the key packs.
func (k patternKey) fits() string {
	if !k.ok {
		return "0"
	}
	return fmt.Sprintf("(grp IN (%s) AND length(pattern) BETWEEN 1 AND %d AND wave < %d AND %s IN (%s))",
		uints(k.groups), k.size, uint64(1)<<k.wBits, lastLetter, uints(k.letterCodes()))
}

func (k patternKey) letterCodes() []uint32 {
	out := make([]uint32, len(k.letters))
	for i, l := range k.letters {
		out[i] = uint32(l)
	}
	return out
}

// decode returns the group, wave, length and bytes but the last of the
// pattern packed in key (not 0).
func (k patternKey) decode(key uint64) (grp, wave uint32, length int, prefix uint64) {
	rest := key >> (8 * (k.size - 1))
	return k.groups[int(rest>>4&(1<<k.gBits-1))-1], uint32(rest >> (4 + k.gBits)), int(rest & 15), key & (1<<(8*(k.size-1)) - 1)
}

// maxCodes returns the largest codes of the dictionary's units, waves and
// items. Read after a snapshot, they bound the codes of every row the
// snapshot sees (codes are given, and committed, before the rows that use
// them are written).
func (s *Store) maxCodes(ctx context.Context) (unit, wave, item uint32, err error) {
	rows, err := s.db.QueryContext(ctx, "SELECT kind, MAX(code) FROM cxch_names WHERE kind IN ($1, $2, $3) GROUP BY kind", kindUnit, kindWave, kindItem)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("chstore: reading the dictionary: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind string
		var c int64
		if err := rows.Scan(&kind, &c); err != nil {
			return 0, 0, 0, fmt.Errorf("chstore: reading the dictionary: %w", err)
		}
		switch kind {
		case kindUnit:
			unit = uint32(c)
		case kindWave:
			wave = uint32(c)
		case kindItem:
			item = uint32(c)
		}
	}
	if c := packCap.Load(); c > 0 {
		unit, wave, item = min(unit, c), min(wave, c), min(item, c)
	}
	return unit, wave, item, rows.Err()
}
