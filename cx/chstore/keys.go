package chstore

import (
	"context"
	"fmt"
	"math/bits"
	"strings"
	"sync/atomic"
)

// The patterns' GROUP BY query groups by one 64-bit integer that packs
// the reliability group, the wave and the pattern but its last answer
// whenever these fit in 64 bits, which they do in every store of ordinary
// size, and sums the counts of each last answer in a column of its own:
// ClickHouse 18.16 aggregates by a single UInt64 in its fastest hash
// table, and the fewer groups it holds the cheaper the GROUP BY. On the
// sums of the 10-million-response benchmark (system.query_log, both
// shards) patterns cost 0.34 s of the servers' CPU grouped by their three
// columns, 0.24 s by one packed key, 0.13 s without their last answer.
// The rows whose columns do not fit (a wave code beyond the key's width,
// a pattern too long) fall in group 0, which the query always returns
// when it has rows, and are then tallied by a second query grouping by
// the columns themselves: the tallies are exact whatever the codes and
// patterns. The widths are not part of the store: each read chooses them
// from the dictionary's largest codes and the survey's scales. (The
// answers are read as the cluster keeps them: see answers.go.)

// maxColumns bounds the count columns of a query.
const maxColumns = 16

// packCap, when not 0, caps the unit, wave and item codes the keys pack,
// so that a tally reads some rows by packed key and the others by their
// columns (tests).
var packCap atomic.Uint32

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
