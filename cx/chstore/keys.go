package chstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math/bits"
	"slices"
	"sync/atomic"
)

// The process adds up the pattern sums the shards return by one 64-bit
// integer that packs the reliability group, the wave and the pattern but
// its last answer whenever these fit in 64 bits, which they do in every
// store of ordinary size, with a count per last answer: the rows are
// added up in a map keyed by one integer rather than by the pattern's
// text (about five rows to a key on the benchmark), and a pattern's text
// is made once per key and last answer (addPatternSums). The patterns
// the key does not pack (a wave code beyond its width, a pattern too
// long, a last answer without a column) are kept apart by group, wave and
// pattern: the tallies are exact whatever the codes and patterns. The
// widths are not part of the store: each read chooses them from the
// dictionary's largest codes and the survey's scales. (The answers are
// added up by unit, wave and item: see answers.go.)

// maxColumns bounds the counts a pattern's key holds (the letters of its
// last answer).
const maxColumns = 16

// packCap, when not 0, caps the unit, wave and item codes a tally takes
// as the largest (tests): it then packs the patterns of some waves and
// keeps the others apart, and finds most cells of answers, and the
// survey's items by code, in maps rather than arrays.
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

// pack returns the key of pattern p of group grp in wave and the column
// of its last answer, or false when the key does not pack it (a group
// left out, a pattern empty or longer than size, a wave beyond wBits, a
// last answer without a column).
func (k patternKey) pack(grp, wave uint32, p string) (key uint64, col int, ok bool) {
	if !k.ok || len(p) < 1 || len(p) > k.size || uint64(wave) >= uint64(1)<<k.wBits {
		return 0, 0, false
	}
	place := slices.Index(k.groups, grp)
	col = bytes.IndexByte(k.letters, p[len(p)-1])
	if place < 0 || col < 0 {
		return 0, 0, false
	}
	var b [8]byte
	copy(b[:], p[:len(p)-1])
	return binary.LittleEndian.Uint64(b[:]) | (uint64(len(p))|uint64(place+1)<<4|uint64(wave)<<(4+k.gBits))<<(8*(k.size-1)), col, true
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
