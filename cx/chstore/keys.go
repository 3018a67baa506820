package chstore

import (
	"context"
	"fmt"
	"math/bits"
	"sync/atomic"
)

// The tallies' GROUP BY queries group by one 64-bit integer that packs
// the columns of a group (unit, wave, item and value; reliability group,
// wave and pattern) whenever these fit in 64 bits, which they do in every
// store of ordinary size: ClickHouse 18.16 aggregates by a single UInt64
// in its fastest hash table, and grouping the sums of the 10-million-
// response benchmark by the four columns of an answer cost the servers
// several times more CPU than by one packed key (system.query_log). The
// rows whose columns do not fit (a code or value beyond the fields' widths)
// fall in group 0, which the queries always return, and are then tallied
// by a second query grouping by the columns themselves: the tallies are
// exact whatever the codes and values. The widths are not part of the
// store: each read chooses them from the dictionary's largest codes.

// packCap, when not 0, caps the unit, wave and item codes the keys pack,
// so that a tally reads some rows by packed key and the others by their
// columns (tests).
var packCap atomic.Uint32

// answerKey packs the unit, wave, item and value of a row of the answer
// sums: value minus lo in the low bits, then item, wave and unit.
type answerKey struct {
	ok                  bool
	lo, hi              int64
	maxU, maxW, maxI    uint32
	itemAt, waveAt, uAt uint
}

// newAnswerKey returns the packing of answers with unit, wave and item
// codes up to maxU, maxW and maxI and values in [lo, hi] (the survey's
// scales); ok is false when they do not fit in 64 bits.
func newAnswerKey(maxU, maxW, maxI uint32, lo, hi int64) answerKey {
	k := answerKey{lo: lo, hi: hi, maxU: maxU, maxW: maxW, maxI: maxI}
	if lo > hi || lo < -1<<40 || hi > 1<<40 {
		return k
	}
	k.itemAt = uint(bits.Len64(uint64(hi - lo)))
	k.waveAt = k.itemAt + uint(bits.Len32(maxI))
	k.uAt = k.waveAt + uint(bits.Len32(maxW))
	k.ok = k.uAt+uint(bits.Len32(maxU)) <= 64
	return k
}

// sql returns the expression of the key: the packed columns for the rows
// that fit, 0 for the others (unit codes start at 1, so no packed key is
// 0).
func (k answerKey) sql() string {
	if !k.ok {
		return "toUInt64(0)"
	}
	return fmt.Sprintf("if(%s, bitOr(bitOr(bitShiftLeft(toUInt64(unit), %d), bitShiftLeft(toUInt64(wave), %d)), "+
		"bitOr(bitShiftLeft(toUInt64(item), %d), toUInt64(value - (%d)))), toUInt64(0))", k.fits(), k.uAt, k.waveAt, k.itemAt, k.lo)
}

// fits is the condition of the rows the key packs.
func (k answerKey) fits() string {
	if !k.ok {
		return "0"
	}
	return fmt.Sprintf("(unit BETWEEN 1 AND %d AND wave <= %d AND item <= %d AND value BETWEEN %d AND %d)", k.maxU, k.maxW, k.maxI, k.lo, k.hi)
}

// decode returns the columns packed in key (not 0).
func (k answerKey) decode(key uint64) (unit, wave, item uint32, value int64) {
	field := func(from, to uint) uint64 { return key >> from & (1<<(to-from) - 1) }
	return uint32(key >> k.uAt), uint32(field(k.waveAt, k.uAt)), uint32(field(k.itemAt, k.waveAt)), int64(field(0, k.itemAt)) + k.lo
}

// patternKey packs the reliability group, wave and pattern of a row of
// the pattern sums: the pattern's bytes (size at most 7) in the low 8 x
// size bits, zero after its length, then its length (4 bits), the group's
// place in groups counted from 1, and the wave.
type patternKey struct {
	ok     bool
	size   int      // the longest pattern packed
	groups []uint32 // the groups whose patterns are packed
	gBits  uint
	wBits  uint
}

// newPatternKey returns the packing of the patterns of the groups (codes
// and numbers of items) for waves with codes up to maxW: the groups of up
// to size items for the largest size whose fields fit in 64 bits.
func newPatternKey(codes []uint32, sizes []int, maxW uint32) patternKey {
	for size := 7; size >= 1; size-- {
		k := patternKey{size: size, wBits: uint(bits.Len32(maxW))}
		for i, c := range codes {
			if sizes[i] <= size {
				k.groups = append(k.groups, c)
			}
		}
		k.gBits = uint(bits.Len(uint(len(k.groups))))
		if len(k.groups) > 0 && 8*uint(size)+4+k.gBits+k.wBits <= 64 {
			k.ok = true
			return k
		}
	}
	return patternKey{}
}

// sql returns the expression of the key: the packed columns for the rows
// that fit, 0 for the others (group places start at 1, so no packed key
// is 0).
func (k patternKey) sql() string {
	if !k.ok {
		return "toUInt64(0)"
	}
	return fmt.Sprintf("if(%s, bitOr(reinterpretAsUInt64(pattern), bitShiftLeft(bitOr(bitOr(length(pattern), bitShiftLeft(indexOf([%s], grp), 4)), "+
		"bitShiftLeft(toUInt64(wave), %d)), %d)), toUInt64(0))", k.fits(), uints(k.groups), 4+k.gBits, 8*k.size)
}

// fits is the condition of the rows the key packs.
func (k patternKey) fits() string {
	if !k.ok {
		return "0"
	}
	return fmt.Sprintf("(grp IN (%s) AND length(pattern) <= %d AND wave < %d)", uints(k.groups), k.size, uint64(1)<<k.wBits)
}

// decode returns the group, wave and pattern packed in key (not 0).
func (k patternKey) decode(key uint64) (grp, wave uint32, pattern uint64, length int) {
	rest := key >> (8 * k.size)
	return k.groups[int(rest>>4&(1<<k.gBits-1))-1], uint32(rest >> (4 + k.gBits)), key & (1<<(8*k.size) - 1), int(rest & 15)
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
