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
// Pattern counts (cx_tally_patterns.counts): see patternCounts.encode.

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

// patternCounts are the counts of the patterns of one reliability group:
// in an array indexed by the pattern's number for a group with at most
// maxDensePatterns patterns, in a map by pattern otherwise.
type patternCounts struct {
	dense  []int64
	sparse map[string]int64
}

func newPatternCounts(g *lgroup) *patternCounts {
	if g.size > 0 {
		return &patternCounts{dense: make([]int64, g.size)}
	}
	return &patternCounts{sparse: map[string]int64{}}
}

// add adds o (of the same group) to p, and reports whether any count
// falls below zero.
func (p *patternCounts) add(o *patternCounts) (negative bool) {
	for i, c := range o.dense {
		p.dense[i] += c
		negative = negative || p.dense[i] < 0
	}
	for k, c := range o.sparse {
		n := p.sparse[k] + c
		negative = negative || n < 0
		if n == 0 {
			delete(p.sparse, k)
		} else {
			p.sparse[k] = n
		}
	}
	return negative
}

func (p *patternCounts) empty() bool {
	for _, c := range p.dense {
		if c != 0 {
			return false
		}
	}
	return len(p.sparse) == 0
}

// each calls fn for every pattern with a count, named by l's group g.
func (p *patternCounts) each(l *layout, g *lgroup, fn func(pattern string, n int64)) {
	for i, c := range p.dense {
		if c != 0 {
			fn(l.patternOf(g, i), c)
		}
	}
	for k, c := range p.sparse {
		fn(k, c)
	}
}

// Pattern blobs start with a tag: 'd' for an array (its length, then the
// counts), 's' for a map (the number of patterns, then for each, in byte
// order, its length, its bytes and its count).
func (p *patternCounts) encode() []byte {
	if p.dense != nil {
		b := binary.AppendUvarint([]byte{'d'}, uint64(len(p.dense)))
		return appendCounts(b, p.dense)
	}
	keys := slices.Sorted(maps.Keys(p.sparse))
	b := binary.AppendUvarint([]byte{'s'}, uint64(len(keys)))
	for _, k := range keys {
		b = binary.AppendUvarint(b, uint64(len(k)))
		b = append(b, k...)
		b = binary.AppendUvarint(b, uint64(p.sparse[k]))
	}
	return b
}

// decodePatternCounts reads a blob of group g.
func decodePatternCounts(b []byte, g *lgroup) (*patternCounts, error) {
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: empty pattern counts", errBlob)
	}
	switch b[0] {
	case 'd':
		n, k := binary.Uvarint(b[1:])
		if k <= 0 || int(n) != g.size {
			return nil, fmt.Errorf("%w: %d pattern counts, the group has %d patterns", errBlob, n, g.size)
		}
		counts, err := decodeCounts(b[1+k:], g.size)
		if err != nil {
			return nil, err
		}
		return &patternCounts{dense: counts}, nil
	case 's':
		if g.size > 0 {
			return nil, fmt.Errorf("%w: a map of patterns for a group counted in an array", errBlob)
		}
		b = b[1:]
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
		return &patternCounts{sparse: out}, nil
	}
	return nil, fmt.Errorf("%w: unknown pattern tag %q", errBlob, b[0])
}
