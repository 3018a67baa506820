package metrics

import (
	"encoding/json"
	"math"
	"slices"
)

// ScaleStats holds the mergeable sufficient statistics of a k-item scale
// (per-item and per-pair counts, sums, squares and cross-products over
// pairwise-complete answers, and the same over complete rows), from which
// Cronbach's alpha is computed without keeping rows. With integer answers the
// sums are exact in float64, so Merge is exactly associative and commutative.
//
// For item i with nᵢ answers and for items i, j with nᵢⱼ rows answering
// both, the covariances are those of R cov(x, use = "pairwise"):
//
//	cᵢⱼ = (nᵢⱼ Σxᵢxⱼ - Σxᵢ Σxⱼ) / (nᵢⱼ (nᵢⱼ - 1))
//
// with the sums over the nᵢⱼ rows (over the nᵢ rows for cᵢᵢ). Sums of
// integers stay exact while they are below 2⁵³; with non-integer answers
// the statistics are as exact as float64 sums allow, and merging is
// associative only up to rounding.
//
// The zero ScaleStats is not usable; create one with [NewScaleStats]. A
// ScaleStats encodes to and decodes from JSON exactly, so a store can keep
// the statistics of each wave and merge them later. A ScaleStats is not
// safe for concurrent mutation: give each goroutine its own and merge them.
type ScaleStats struct {
	k int
	n int64 // rows with at least one answer

	// Per item, over the rows answering it.
	itemN         []int64
	itemS, itemSS []float64

	// Per pair i < j (packed, see pairIndex), over the rows answering both.
	pairN            []int64
	pairSx, pairSy   []float64
	pairSxx, pairSyy []float64
	pairSxy          []float64

	// Over complete rows: sums per item and cross-products per pair i <= j
	// (packed upper triangle with the diagonal, see triIndex).
	compN  int64
	compS  []float64
	compSP []float64
}

// NewScaleStats returns empty statistics for a scale of k items. It panics
// if k < 1.
func NewScaleStats(k int) *ScaleStats {
	if k < 1 {
		panic("metrics: NewScaleStats: k < 1")
	}
	p := k * (k - 1) / 2
	return &ScaleStats{
		k:       k,
		itemN:   make([]int64, k),
		itemS:   make([]float64, k),
		itemSS:  make([]float64, k),
		pairN:   make([]int64, p),
		pairSx:  make([]float64, p),
		pairSy:  make([]float64, p),
		pairSxx: make([]float64, p),
		pairSyy: make([]float64, p),
		pairSxy: make([]float64, p),
		compS:   make([]float64, k),
		compSP:  make([]float64, k*(k+1)/2),
	}
}

// K returns the number of items.
func (s *ScaleStats) K() int { return s.k }

// N returns the number of rows added with at least one answer.
func (s *ScaleStats) N() int64 { return s.n }

// Complete returns the number of rows added with every item answered.
func (s *ScaleStats) Complete() int64 { return s.compN }

// Add adds one row of answers, one per item in item order, NaN for a
// missing answer. It returns an error wrapping [ErrInvalid] if len(row) is
// not K or if an answer is infinite; s is then unchanged. A row with every
// answer missing changes nothing. Add does not allocate.
func (s *ScaleStats) Add(row []float64) error { return s.AddWeighted(row, 1) }

// AddWeighted adds row as if it were added w times with [ScaleStats.Add]:
// every count grows by w and every sum by w times its term. It returns an
// error wrapping [ErrInvalid] if w < 0, under the conditions of Add.
func (s *ScaleStats) AddWeighted(row []float64, w int64) error {
	if len(row) != s.k {
		return errorf(ErrInvalid, "row has %d answers, the scale has %d items", len(row), s.k)
	}
	if w < 0 {
		return errorf(ErrInvalid, "negative weight %d", w)
	}
	answered := 0
	for i, v := range row {
		if math.IsInf(v, 0) {
			return errorf(ErrInvalid, "infinite answer %v to item %d", v, i)
		}
		if !math.IsNaN(v) {
			answered++
		}
	}
	if answered == 0 || w == 0 {
		return nil
	}
	fw := float64(w)
	s.n += w
	k := s.k
	p := 0
	for i, x := range row {
		if math.IsNaN(x) {
			p += k - 1 - i
			continue
		}
		wx := fw * x
		s.itemN[i] += w
		s.itemS[i] += wx
		s.itemSS[i] += wx * x
		for _, y := range row[i+1:] {
			if !math.IsNaN(y) {
				s.addPair(p, w, fw, x, y)
			}
			p++
		}
	}
	if answered == k {
		s.compN += w
		t := 0
		for i, x := range row {
			wx := fw * x
			s.compS[i] += wx
			for _, y := range row[i:] {
				s.compSP[t] += wx * y
				t++
			}
		}
	}
	return nil
}

// addPair adds the answers x, y to pair p, w times (fw = w).
func (s *ScaleStats) addPair(p int, w int64, fw, x, y float64) {
	wx := fw * x
	s.pairN[p] += w
	s.pairSx[p] += wx
	s.pairSy[p] += fw * y
	s.pairSxx[p] += wx * x
	s.pairSyy[p] += fw * y * y
	s.pairSxy[p] += wx * y
}

// Merge adds the statistics of o to s. A nil o is empty. It returns an
// error wrapping [ErrScaleMismatch] when the numbers of items differ; s is
// then unchanged.
func (s *ScaleStats) Merge(o *ScaleStats) error {
	if o == nil {
		return nil
	}
	if o.k != s.k {
		return errorf(ErrScaleMismatch, "cannot merge statistics of %d items into statistics of %d items", o.k, s.k)
	}
	s.n += o.n
	s.compN += o.compN
	addInts(s.itemN, o.itemN)
	addInts(s.pairN, o.pairN)
	for _, f := range [...][2][]float64{
		{s.itemS, o.itemS}, {s.itemSS, o.itemSS},
		{s.pairSx, o.pairSx}, {s.pairSy, o.pairSy},
		{s.pairSxx, o.pairSxx}, {s.pairSyy, o.pairSyy}, {s.pairSxy, o.pairSxy},
		{s.compS, o.compS}, {s.compSP, o.compSP},
	} {
		for i, v := range f[1] {
			f[0][i] += v
		}
	}
	return nil
}

func addInts(dst, src []int64) {
	for i, v := range src {
		dst[i] += v
	}
}

// Clone returns a deep copy of s.
func (s *ScaleStats) Clone() *ScaleStats {
	c := *s
	c.itemN, c.pairN = slices.Clone(s.itemN), slices.Clone(s.pairN)
	c.itemS, c.itemSS = slices.Clone(s.itemS), slices.Clone(s.itemSS)
	c.pairSx, c.pairSy = slices.Clone(s.pairSx), slices.Clone(s.pairSy)
	c.pairSxx, c.pairSyy = slices.Clone(s.pairSxx), slices.Clone(s.pairSyy)
	c.pairSxy = slices.Clone(s.pairSxy)
	c.compS, c.compSP = slices.Clone(s.compS), slices.Clone(s.compSP)
	return &c
}

// Equal reports whether s and o hold exactly the same statistics.
func (s *ScaleStats) Equal(o *ScaleStats) bool {
	return s.k == o.k && s.n == o.n && s.compN == o.compN &&
		slices.Equal(s.itemN, o.itemN) && slices.Equal(s.pairN, o.pairN) &&
		slices.Equal(s.itemS, o.itemS) && slices.Equal(s.itemSS, o.itemSS) &&
		slices.Equal(s.pairSx, o.pairSx) && slices.Equal(s.pairSy, o.pairSy) &&
		slices.Equal(s.pairSxx, o.pairSxx) && slices.Equal(s.pairSyy, o.pairSyy) &&
		slices.Equal(s.pairSxy, o.pairSxy) &&
		slices.Equal(s.compS, o.compS) && slices.Equal(s.compSP, o.compSP)
}

// Cov returns the k×k covariance matrix of the items in row-major order:
// pairwise as R cov(x, use = "pairwise") or, when listwise is true, over
// the complete rows as R cov(x, use = "complete.obs"). An entry is NaN
// when fewer than two rows contribute to it.
func (s *ScaleStats) Cov(listwise bool) []float64 {
	k := s.k
	c := make([]float64, k*k)
	if listwise {
		n := s.compN
		t := 0
		for i := range k {
			for j := i; j < k; j++ {
				v := covFromSums(n, s.compS[i], s.compS[j], s.compSP[t])
				c[i*k+j], c[j*k+i] = v, v
				t++
			}
		}
		return c
	}
	p := 0
	for i := range k {
		c[i*k+i] = covFromSums(s.itemN[i], s.itemS[i], s.itemS[i], s.itemSS[i])
		for j := i + 1; j < k; j++ {
			v := covFromSums(s.pairN[p], s.pairSx[p], s.pairSy[p], s.pairSxy[p])
			c[i*k+j], c[j*k+i] = v, v
			p++
		}
	}
	return c
}

// covFromSums returns (n Σxy - Σx Σy) / (n (n-1)), NaN when n < 2. The
// numerator is exact for integer data below 2⁵³.
func covFromSums(n int64, sx, sy, sxy float64) float64 {
	if n < 2 {
		return math.NaN()
	}
	f := float64(n)
	return (f*sxy - sx*sy) / (f * (f - 1))
}

// scaleStatsJSON is the JSON form of ScaleStats. Pairs are packed in the
// order (0,1), (0,2), …, (0,k-1), (1,2), …; complete-row cross-products
// in the order (0,0), (0,1), …, (0,k-1), (1,1), ….
type scaleStatsJSON struct {
	K             int       `json:"k"`
	N             int64     `json:"n"`
	ItemN         []int64   `json:"item_n"`
	ItemSum       []float64 `json:"item_sum"`
	ItemSumSq     []float64 `json:"item_sum_sq"`
	PairN         []int64   `json:"pair_n"`
	PairSumX      []float64 `json:"pair_sum_x"`
	PairSumY      []float64 `json:"pair_sum_y"`
	PairSumXX     []float64 `json:"pair_sum_xx"`
	PairSumYY     []float64 `json:"pair_sum_yy"`
	PairSumXY     []float64 `json:"pair_sum_xy"`
	CompleteN     int64     `json:"complete_n"`
	CompleteSum   []float64 `json:"complete_sum"`
	CompleteCross []float64 `json:"complete_cross"`
}

// MarshalJSON encodes the statistics, so that they can be stored and
// merged later; float64 sums round-trip exactly.
func (s *ScaleStats) MarshalJSON() ([]byte, error) {
	return json.Marshal(scaleStatsJSON{
		K: s.k, N: s.n,
		ItemN: s.itemN, ItemSum: s.itemS, ItemSumSq: s.itemSS,
		PairN: s.pairN, PairSumX: s.pairSx, PairSumY: s.pairSy,
		PairSumXX: s.pairSxx, PairSumYY: s.pairSyy, PairSumXY: s.pairSxy,
		CompleteN: s.compN, CompleteSum: s.compS, CompleteCross: s.compSP,
	})
}

// UnmarshalJSON decodes statistics encoded by [ScaleStats.MarshalJSON]
// into s, replacing its contents. It returns an error wrapping
// [ErrInvalid] when the lengths do not match k or a count is negative; s
// is then unchanged.
func (s *ScaleStats) UnmarshalJSON(data []byte) error {
	var j scaleStatsJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return errorf(ErrInvalid, "ScaleStats: %v", err)
	}
	if j.K < 1 {
		return errorf(ErrInvalid, "ScaleStats: k = %d < 1", j.K)
	}
	k, p, t := j.K, j.K*(j.K-1)/2, j.K*(j.K+1)/2
	lengths := []struct {
		name      string
		got, want int
	}{
		{"item_n", len(j.ItemN), k}, {"item_sum", len(j.ItemSum), k}, {"item_sum_sq", len(j.ItemSumSq), k},
		{"pair_n", len(j.PairN), p}, {"pair_sum_x", len(j.PairSumX), p}, {"pair_sum_y", len(j.PairSumY), p},
		{"pair_sum_xx", len(j.PairSumXX), p}, {"pair_sum_yy", len(j.PairSumYY), p}, {"pair_sum_xy", len(j.PairSumXY), p},
		{"complete_sum", len(j.CompleteSum), k}, {"complete_cross", len(j.CompleteCross), t},
	}
	for _, l := range lengths {
		if l.got != l.want {
			return errorf(ErrInvalid, "ScaleStats: %s has %d values, want %d for k = %d", l.name, l.got, l.want, k)
		}
	}
	if j.N < 0 || j.CompleteN < 0 || slices.ContainsFunc(j.ItemN, negative) || slices.ContainsFunc(j.PairN, negative) {
		return errorf(ErrInvalid, "ScaleStats: negative count")
	}
	*s = ScaleStats{
		k: k, n: j.N,
		itemN: j.ItemN, itemS: j.ItemSum, itemSS: j.ItemSumSq,
		pairN: j.PairN, pairSx: j.PairSumX, pairSy: j.PairSumY,
		pairSxx: j.PairSumXX, pairSyy: j.PairSumYY, pairSxy: j.PairSumXY,
		compN: j.CompleteN, compS: j.CompleteSum, compSP: j.CompleteCross,
	}
	return nil
}

func negative(n int64) bool { return n < 0 }
