package metrics

import "math"

// ScaleCounts counts the rows of a k-item scale whose answers each take
// one of a few values (the points of a rating scale), by item, by pair
// of items and over complete rows, so that many rows reach a
// [ScaleStats] at the cost of a few integer additions each, rather than
// the floating-point sums of [ScaleStats.AddWeighted] per row. With
// whole-number values, adding the counts to a ScaleStats
// ([ScaleCounts.AddTo]) gives exactly the statistics of adding every row
// with AddWeighted.
//
// A row is given by its levels: level 0 is a missing answer, level l >= 1
// the answer values[i][l] to item i. Create one with [NewScaleCounts]. A
// ScaleCounts is not safe for concurrent mutation.
type ScaleCounts struct {
	values [][]float64
	n      int64
	// item[i][l] counts the rows answering item i at level l; pair[p]
	// the rows answering both items of pair p (i < j, packed as in
	// ScaleStats) at levels li, lj, at li·len(values[j]) + lj; compItem
	// and compPair the same over complete rows.
	item, pair         [][]int64
	compN              int64
	compItem, compPair [][]int64
}

// NewScaleCounts returns empty counts for a scale of len(values) items,
// whose item i takes the value values[i][l] at level l >= 1
// (values[i][0], for a missing answer, is not read). It returns an error
// wrapping [ErrInvalid] when there is no item or a value is not finite.
func NewScaleCounts(values [][]float64) (*ScaleCounts, error) {
	k := len(values)
	if k < 1 {
		return nil, errorf(ErrInvalid, "a scale needs at least one item")
	}
	for i, v := range values {
		for l, x := range v {
			if l > 0 && (math.IsInf(x, 0) || math.IsNaN(x)) {
				return nil, errorf(ErrInvalid, "value %v of item %d at level %d is not finite", x, i, l)
			}
		}
	}
	c := &ScaleCounts{values: values, item: make([][]int64, k), compItem: make([][]int64, k)}
	for i, v := range values {
		c.item[i] = make([]int64, len(v))
		c.compItem[i] = make([]int64, len(v))
		for _, w := range values[i+1:] {
			c.pair = append(c.pair, make([]int64, len(v)*len(w)))
			c.compPair = append(c.compPair, make([]int64, len(v)*len(w)))
		}
	}
	return c, nil
}

// Add counts a row given by its levels, w times. It returns an error
// wrapping [ErrInvalid] if len(levels) is not the number of items, a
// level is outside 0..len(values[i])-1 or w < 0; nothing is counted
// then. A row with every answer missing counts nothing, as in
// [ScaleStats.AddWeighted]. Add does not allocate.
func (c *ScaleCounts) Add(levels []int, w int64) error {
	k := len(c.values)
	if len(levels) != k {
		return errorf(ErrInvalid, "row has %d levels, the scale has %d items", len(levels), k)
	}
	if w < 0 {
		return errorf(ErrInvalid, "negative weight %d", w)
	}
	answered := 0
	for i, l := range levels {
		if l < 0 || l >= len(c.values[i]) {
			return errorf(ErrInvalid, "level %d of item %d outside 0..%d", l, i, len(c.values[i])-1)
		}
		if l > 0 {
			answered++
		}
	}
	if answered == 0 || w == 0 {
		return nil
	}
	c.n += w
	p := 0
	for i, li := range levels {
		if li == 0 {
			p += k - 1 - i
			continue
		}
		c.item[i][li] += w
		for j := i + 1; j < k; j++ {
			if lj := levels[j]; lj > 0 {
				c.pair[p][li*len(c.values[j])+lj] += w
			}
			p++
		}
	}
	if answered == k {
		c.compN += w
		p = 0
		for i, li := range levels {
			c.compItem[i][li] += w
			for j := i + 1; j < k; j++ {
				c.compPair[p][li*len(c.values[j])+levels[j]] += w
				p++
			}
		}
	}
	return nil
}

// AddTo adds the rows counted to s, as [ScaleStats.AddWeighted] would
// add each of them. It returns an error wrapping [ErrScaleMismatch] when
// s has another number of items; s is then unchanged.
func (c *ScaleCounts) AddTo(s *ScaleStats) error {
	k := len(c.values)
	if s.k != k {
		return errorf(ErrScaleMismatch, "cannot add counts of %d items to statistics of %d items", k, s.k)
	}
	s.n += c.n
	s.compN += c.compN
	p, t := 0, 0
	for i, vi := range c.values {
		for li, n := range c.item[i] {
			if li == 0 || n == 0 {
				continue
			}
			fw, x := float64(n), vi[li]
			wx := fw * x
			s.itemN[i] += n
			s.itemS[i] += wx
			s.itemSS[i] += wx * x
		}
		for li, n := range c.compItem[i] {
			if li == 0 || n == 0 {
				continue
			}
			wx := float64(n) * vi[li]
			s.compS[i] += wx
			s.compSP[t] += wx * vi[li]
		}
		t++
		for j := i + 1; j < k; j++ {
			vj := c.values[j]
			for cell, n := range c.pair[p] {
				li, lj := cell/len(vj), cell%len(vj)
				if li == 0 || lj == 0 || n == 0 {
					continue
				}
				s.addPair(p, n, float64(n), vi[li], vj[lj])
			}
			for cell, n := range c.compPair[p] {
				li, lj := cell/len(vj), cell%len(vj)
				if li == 0 || lj == 0 || n == 0 {
					continue
				}
				s.compSP[t] += float64(n) * vi[li] * vj[lj]
			}
			p++
			t++
		}
	}
	return nil
}
