package sqlstore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"slices"
)

// The tallies are kept as blobs of unsigned varints.
//
// Answer counts (cx_tally_groups.counts): one varint per cell of the
// encoding, the counts of each item's scale points in survey order; empty
// for responses kept as JSON.
//
// Pattern counts (cx_tally_patterns.counts): the number of patterns, then
// for each, in byte order, its length, its bytes and its count.

var errBlob = errors.New("malformed tally blob")

func appendCounts(b []byte, counts []int64) []byte {
	for _, c := range counts {
		b = binary.AppendUvarint(b, uint64(c))
	}
	return b
}

// decodeCounts reads n counts from b.
func decodeCounts(b []byte, n int) ([]int64, error) {
	if len(b) == 0 {
		return make([]int64, n), nil
	}
	out := make([]int64, n)
	for i := range out {
		v, k := binary.Uvarint(b)
		if k <= 0 || v > 1<<62 {
			return nil, fmt.Errorf("%w: answer count %d of %d", errBlob, i, n)
		}
		out[i] = int64(v)
		b = b[k:]
	}
	if len(b) != 0 {
		return nil, fmt.Errorf("%w: %d bytes after %d answer counts", errBlob, len(b), n)
	}
	return out, nil
}

func encodePatterns(m map[string]int64) []byte {
	keys := slices.Sorted(maps.Keys(m))
	b := binary.AppendUvarint(nil, uint64(len(keys)))
	for _, k := range keys {
		b = binary.AppendUvarint(b, uint64(len(k)))
		b = append(b, k...)
		b = binary.AppendUvarint(b, uint64(m[k]))
	}
	return b
}

func decodePatterns(b []byte) (map[string]int64, error) {
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)) {
		return nil, fmt.Errorf("%w: pattern count", errBlob)
	}
	b = b[k:]
	out := make(map[string]int64, n)
	for range n {
		l, k := binary.Uvarint(b)
		if k <= 0 || l > uint64(len(b)-k) {
			return nil, fmt.Errorf("%w: pattern length", errBlob)
		}
		p := string(b[k : k+int(l)])
		b = b[k+int(l):]
		c, k := binary.Uvarint(b)
		if k <= 0 || c > 1<<62 {
			return nil, fmt.Errorf("%w: count of pattern %q", errBlob, p)
		}
		b = b[k:]
		out[p] = int64(c)
	}
	if len(b) != 0 {
		return nil, fmt.Errorf("%w: %d bytes after the patterns", errBlob, len(b))
	}
	return out, nil
}
