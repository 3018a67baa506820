package metrics

import (
	"fmt"
	"math"
	"slices"
)

// Tally is a mergeable histogram of integer answers on the scale [Min, Max].
// Counts[v-Min] is the number of answers equal to v, and len(Counts) is
// Max-Min+1.
//
// The zero Tally is empty and has no scale: merging a Tally into it adopts
// the other's scale, so the zero Tally is the identity of [Tally.Merge].
// Create a Tally that accepts answers with [NewTally]. Merge is associative
// and commutative, and merging the tallies of the parts of a data set gives
// the tally of the whole, so tallies can be computed where the data lives
// (per unit, per wave, in SQL with GROUP BY, in parallel) and rolled up.
//
// A Tally is a value: copying it shares Counts, so use [Tally.Clone] before
// mutating a copy. It is not safe for concurrent mutation.
type Tally struct {
	Min, Max int
	Counts   []int64 // Counts[v-Min] = number of answers equal to v; len = Max-Min+1
}

// NewTally returns an empty Tally on the scale [min, max]. It panics if
// max < min.
func NewTally(min, max int) Tally {
	if max < min {
		panic(fmt.Sprintf("metrics: NewTally: max %d < min %d", max, min))
	}
	w := max - min + 1
	if w <= 0 {
		panic(fmt.Sprintf("metrics: NewTally: scale [%d, %d] too wide", min, max))
	}
	return Tally{Min: min, Max: max, Counts: make([]int64, w)}
}

// hasScale reports whether t has a scale (non-empty Counts).
func (t Tally) hasScale() bool { return len(t.Counts) > 0 }

// check returns an error if t has Counts whose length does not match its
// scale.
func (t Tally) check() error {
	if t.hasScale() && (t.Max < t.Min || int64(len(t.Counts)) != int64(t.Max)-int64(t.Min)+1) {
		return errorf(ErrInvalid, "tally on [%d, %d] has %d counts, want %d", t.Min, t.Max, len(t.Counts), int64(t.Max)-int64(t.Min)+1)
	}
	return nil
}

// Add records one answer v. It returns an error wrapping [ErrOutOfScale]
// that names v and the scale when v is outside [Min, Max], or when t has
// no scale (the zero Tally). Add does not allocate.
func (t *Tally) Add(v int) error { return t.AddCount(v, 1) }

// AddCount records n answers equal to v. It returns an error when n < 0
// (wrapping [ErrInvalid]) or under the conditions of [Tally.Add].
func (t *Tally) AddCount(v int, n int64) error {
	if !t.hasScale() {
		return errorf(ErrOutOfScale, "answer %d added to a tally with no scale (use NewTally)", v)
	}
	if v < t.Min || v > t.Max {
		return errorf(ErrOutOfScale, "answer %d is outside the scale [%d, %d]", v, t.Min, t.Max)
	}
	if n < 0 {
		return errorf(ErrInvalid, "negative count %d of answer %d", n, v)
	}
	i := v - t.Min
	if i >= len(t.Counts) {
		return t.check()
	}
	t.Counts[i] += n
	return nil
}

// Merge adds the counts of u to t. Merging an empty-scaled Tally (the zero
// Tally) is a no-op, and merging into one copies u. It returns an error
// wrapping [ErrScaleMismatch] when both tallies have scales and the scales
// differ, or wrapping [ErrInvalid] when either has Counts of the wrong
// length; t is then unchanged.
func (t *Tally) Merge(u Tally) error {
	if err := t.check(); err != nil {
		return err
	}
	if err := u.check(); err != nil {
		return err
	}
	switch {
	case !u.hasScale():
		return nil
	case !t.hasScale():
		*t = u.Clone()
		return nil
	case t.Min != u.Min || t.Max != u.Max:
		return errorf(ErrScaleMismatch, "cannot merge a tally on [%d, %d] into one on [%d, %d]", u.Min, u.Max, t.Min, t.Max)
	}
	for i, c := range u.Counts {
		t.Counts[i] += c
	}
	return nil
}

// Clone returns a deep copy of t.
func (t Tally) Clone() Tally {
	t.Counts = slices.Clone(t.Counts)
	return t
}

// Equal reports whether t and u have the same scale and counts. Two tallies
// without a scale are equal.
func (t Tally) Equal(u Tally) bool {
	if !t.hasScale() || !u.hasScale() {
		return t.hasScale() == u.hasScale()
	}
	return t.Min == u.Min && t.Max == u.Max && slices.Equal(t.Counts, u.Counts)
}

// Reversed returns the tally of the reverse-keyed answers: the count of v
// moves to Min+Max-v, so on a 1–5 scale 1 becomes 5 and 2 becomes 4.
func (t Tally) Reversed() Tally {
	r := t.Clone()
	slices.Reverse(r.Counts)
	return r
}

// N returns the number of answers.
func (t Tally) N() int64 {
	var n int64
	for _, c := range t.Counts {
		n += c
	}
	return n
}

// Count returns the number of answers equal to v, 0 when v is outside the
// scale.
func (t Tally) Count(v int) int64 {
	if v < t.Min || v > t.Max || v-t.Min >= len(t.Counts) {
		return 0
	}
	return t.Counts[v-t.Min]
}

// Mean returns the mean answer,
//
//	mean = Σ_v v · n_v / N
//
// It is NaN when N == 0.
func (t Tally) Mean() float64 {
	var n, s float64
	for i, c := range t.Counts {
		n += float64(c)
		s += float64(c) * float64(t.Min+i)
	}
	if n == 0 {
		return math.NaN()
	}
	return s / n
}

// Variance returns the sample variance of the answers (divisor N-1), as R
// var(x):
//
//	s² = Σ_v n_v (v - mean)² / (N - 1)
//
// It is NaN when N < 2.
func (t Tally) Variance() float64 {
	n := float64(t.N())
	if n < 2 {
		return math.NaN()
	}
	m := t.Mean()
	var ss float64
	for i, c := range t.Counts {
		d := float64(t.Min+i) - m
		ss += float64(c) * d * d
	}
	return ss / (n - 1)
}

// SD returns the sample standard deviation √Variance; NaN when N < 2.
func (t Tally) SD() float64 { return math.Sqrt(t.Variance()) }

// MeanCI returns the Student t confidence interval of the mean,
//
//	mean ± t(N-1, 1 - (1-level)/2) · SD / √N
//
// as R t.test(x, conf.level = level)$conf.int for the answers x. Both
// bounds are NaN when N < 2. MeanCI panics if level is not in (0, 1).
func (t Tally) MeanCI(level float64) Interval {
	mustLevel("Tally.MeanCI", level)
	return tInterval(float64(t.N()), t.Mean(), t.Variance(), level)
}

// Share returns the answers in [lo, hi] as a Proportion of all answers:
// Share(4, 5) on a 1–5 scale is the top-two-box (favorable) share. Points
// of [lo, hi] outside the scale count nothing. Share panics if lo > hi.
func (t Tally) Share(lo, hi int) Proportion {
	if lo > hi {
		panic(fmt.Sprintf("metrics: Tally.Share: lo %d > hi %d", lo, hi))
	}
	var k, n int64
	for i, c := range t.Counts {
		v := t.Min + i
		n += c
		if v >= lo && v <= hi {
			k += c
		}
	}
	return Proportion{Successes: k, N: n}
}

// NPS returns the promoters (answers 9–10), passives (7–8) and detractors
// (0–6) of a tally of 0–10 likelihood-to-recommend answers. NPS panics if
// the scale of t extends outside [0, 10].
func (t Tally) NPS() NPS {
	if t.hasScale() && (t.Min < 0 || t.Max > 10) {
		panic(fmt.Sprintf("metrics: Tally.NPS: scale [%d, %d] is not within [0, 10]", t.Min, t.Max))
	}
	var s NPS
	for i, c := range t.Counts {
		switch v := t.Min + i; {
		case v >= 9:
			s.Promoters += c
		case v >= 7:
			s.Passives += c
		default:
			s.Detractors += c
		}
	}
	return s
}

// String formats the tally as "[min, max] counts".
func (t Tally) String() string {
	return fmt.Sprintf("[%d, %d] %v", t.Min, t.Max, t.Counts)
}
