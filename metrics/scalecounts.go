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

// AddCodes counts rows given by their codes, counts[code] times each: the
// code of the levels l_0 .. l_{k-1} is the number they write in the mixed
// radix of the levels (l_i·Π_{j>i} len(values[j]) summed, the last item's
// level moving fastest), so len(counts) is the product of the number of
// levels of the items. It counts exactly what Add(levels, counts[code])
// for every code counts, in one pass: rows that differ only in the last
// item's level are counted together for the other items and their pairs.
// It returns an error wrapping [ErrInvalid] when counts has another
// length or a negative count; nothing is counted then. AddCodes does not
// allocate beyond its level digits (one slice).
func (c *ScaleCounts) AddCodes(counts []int64) error {
	k := len(c.values)
	size := 1
	for _, v := range c.values {
		if len(v) == 0 || size > math.MaxInt/len(v) {
			return errorf(ErrInvalid, "too many codes for a table")
		}
		size *= len(v)
	}
	if len(counts) != size {
		return errorf(ErrInvalid, "%d counts for %d codes", len(counts), size)
	}
	for code, w := range counts {
		if w < 0 {
			return errorf(ErrInvalid, "negative count %d of code %d", w, code)
		}
	}
	last := k - 1
	nl := len(c.values[last])
	// The pairs of an item i with the last item are p(i) = the pair
	// index of (i, last); those among the first k-1 items come before it
	// in the packing of ScaleStats.
	digits := make([]int, last) // the levels of the first k-1 items
	for start := 0; start < size; start += nl {
		run := counts[start : start+nl]
		var all, answered int64 // the run's rows, and those answering the last item
		for l, w := range run {
			all += w
			if l > 0 {
				answered += w
			}
		}
		if all > 0 {
			c.addRun(digits, run, all, answered)
		}
		for i := last - 1; i >= 0; i-- {
			if digits[i]++; digits[i] < len(c.values[i]) {
				break
			}
			digits[i] = 0
		}
	}
	return nil
}

// addRun counts the rows whose first k-1 items have the levels prefix and
// whose last item has level l run[l] times: all rows in all, answered of
// them with the last item answered.
func (c *ScaleCounts) addRun(prefix []int, run []int64, all, answered int64) {
	k := len(c.values)
	last := k - 1
	nl := len(run)
	some, complete := false, true
	for _, l := range prefix {
		if l > 0 {
			some = true
		} else {
			complete = false
		}
	}
	if some {
		c.n += all
	} else {
		c.n += answered
	}
	lastItem := c.item[last]
	for l := 1; l < nl; l++ {
		lastItem[l] += run[l]
	}
	p := 0
	for i, li := range prefix {
		if li == 0 {
			p += k - 1 - i
			continue
		}
		c.item[i][li] += all
		for j := i + 1; j < last; j++ {
			if lj := prefix[j]; lj > 0 {
				c.pair[p][li*len(c.values[j])+lj] += all
			}
			p++
		}
		withLast := c.pair[p][li*nl : li*nl+nl]
		for l := 1; l < nl; l++ {
			withLast[l] += run[l]
		}
		p++
	}
	if !complete || answered == 0 {
		return
	}
	c.compN += answered
	compLast := c.compItem[last]
	for l := 1; l < nl; l++ {
		compLast[l] += run[l]
	}
	p = 0
	for i, li := range prefix {
		c.compItem[i][li] += answered
		for j := i + 1; j < last; j++ {
			c.compPair[p][li*len(c.values[j])+prefix[j]] += answered
			p++
		}
		withLast := c.compPair[p][li*nl : li*nl+nl]
		for l := 1; l < nl; l++ {
			withLast[l] += run[l]
		}
		p++
	}
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
