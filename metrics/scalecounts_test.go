package metrics_test

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"

	"github.com/cxculture/cxculture/metrics"
)

// countsCase is a scale of 1 to 6 items, each with 2 to 11 whole-number
// values (as keyed answers: increasing or reversed, possibly negative),
// and weighted rows of levels with about a fifth of answers missing.
type countsCase struct {
	values  [][]float64
	levels  [][]int
	weights []int64
}

func (c countsCase) String() string {
	return fmt.Sprintf("values %v, rows %v, weights %v", c.values, c.levels, c.weights)
}

func genCountsCase(p *gopter.GenParameters) *gopter.GenResult {
	r := p.Rng
	k := 1 + r.Intn(6)
	var c countsCase
	for range k {
		points := 2 + r.Intn(10)
		lo, step := r.Intn(7)-3, 1
		if r.Intn(4) == 0 {
			lo, step = lo+points-1, -1 // reverse keyed
		}
		v := make([]float64, points+1)
		v[0] = math.NaN() // never read
		for l := 1; l <= points; l++ {
			v[l] = float64(lo + step*(l-1))
		}
		c.values = append(c.values, v)
	}
	for range r.Intn(60) {
		row := make([]int, k)
		for i := range row {
			if r.Intn(5) > 0 {
				row[i] = 1 + r.Intn(len(c.values[i])-1)
			}
		}
		c.levels = append(c.levels, row)
		c.weights = append(c.weights, int64(r.Intn(6)))
	}
	return gopter.NewGenResult(c, gopter.NoShrinker)
}

// TestScaleCountsEqualAddWeighted states that counting rows by their
// levels and adding the counts gives exactly the statistics (every count
// and sum) of adding each row with AddWeighted, and the same alpha.
func TestScaleCountsEqualAddWeighted(t *testing.T) {
	ps := properties(t)
	ps.Property("ScaleCounts.AddTo = AddWeighted per row", prop.ForAll(
		func(c countsCase) string {
			k := len(c.values)
			want := metrics.NewScaleStats(k)
			counts, err := metrics.NewScaleCounts(c.values)
			if err != nil {
				return err.Error()
			}
			row := make([]float64, k)
			for r, lv := range c.levels {
				for i, l := range lv {
					row[i] = math.NaN()
					if l > 0 {
						row[i] = c.values[i][l]
					}
				}
				if err := want.AddWeighted(row, c.weights[r]); err != nil {
					return err.Error()
				}
				if err := counts.Add(lv, c.weights[r]); err != nil {
					return err.Error()
				}
			}
			got := metrics.NewScaleStats(k)
			if err := counts.AddTo(got); err != nil {
				return err.Error()
			}
			if !got.Equal(want) {
				g, _ := got.MarshalJSON()
				w, _ := want.MarshalJSON()
				return fmt.Sprintf("counts give %s, AddWeighted %s", g, w)
			}
			return ""
		},
		gopter.Gen(genCountsCase),
	))
	ps.TestingRun(t)
}

// TestScaleCountsRefusesBadInput states that a scale without items, a
// value that is not finite, a level outside the scale, a row of another
// length and a negative weight are errors, and that nothing is counted
// from a refused row.
func TestScaleCountsRefusesBadInput(t *testing.T) {
	if _, err := metrics.NewScaleCounts(nil); !errors.Is(err, metrics.ErrInvalid) {
		t.Errorf("no items: %v, want ErrInvalid", err)
	}
	if _, err := metrics.NewScaleCounts([][]float64{{0, 1, math.Inf(1)}}); !errors.Is(err, metrics.ErrInvalid) {
		t.Errorf("infinite value: %v, want ErrInvalid", err)
	}
	c, err := metrics.NewScaleCounts([][]float64{{0, 1, 2}, {0, 5, 4, 3}})
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct {
		levels []int
		w      int64
	}{{[]int{3, 1}, 1}, {[]int{1, 4}, 1}, {[]int{-1, 1}, 1}, {[]int{1}, 1}, {[]int{1, 1, 1}, 1}, {[]int{1, 1}, -1}} {
		if err := c.Add(bad.levels, bad.w); !errors.Is(err, metrics.ErrInvalid) {
			t.Errorf("Add(%v, %d) = %v, want ErrInvalid", bad.levels, bad.w, err)
		}
	}
	s := metrics.NewScaleStats(2)
	if err := c.AddTo(s); err != nil {
		t.Fatal(err)
	}
	if !s.Equal(metrics.NewScaleStats(2)) {
		t.Errorf("refused rows were counted")
	}
	if err := c.AddTo(metrics.NewScaleStats(3)); !errors.Is(err, metrics.ErrScaleMismatch) {
		t.Errorf("AddTo 3 items: %v, want ErrScaleMismatch", err)
	}
}

// TestScaleCountsAddCodesEqualAdd states that counting a table of rows by
// their codes gives exactly the statistics of adding each code's row with
// Add, on scales of 1 to 5 items with 1 to 5 points (reversed and
// negative values too), with about half the codes never met.
func TestScaleCountsAddCodesEqualAdd(t *testing.T) {
	ps := properties(t)
	ps.Property("ScaleCounts.AddCodes = Add per code", prop.ForAll(
		func(c countsCase) string {
			k := len(c.values)
			size := 1
			for _, v := range c.values {
				size *= len(v)
			}
			// The case's rows and weights seed the table: each row's code
			// gets its weight, and other codes a count now and then.
			table := make([]int64, size)
			for r, lv := range c.levels {
				code := 0
				for i, l := range lv {
					code = code*len(c.values[i]) + l
				}
				table[code] += c.weights[r]
			}
			for code := range table {
				if (code*7919)%5 == 0 {
					table[code] += int64(code % 4)
				}
			}
			byCode, err := metrics.NewScaleCounts(c.values)
			if err != nil {
				return err.Error()
			}
			each, _ := metrics.NewScaleCounts(c.values)
			if err := byCode.AddCodes(table); err != nil {
				return err.Error()
			}
			levels := make([]int, k)
			for _, w := range table {
				if err := each.Add(levels, w); err != nil {
					return err.Error()
				}
				for i := k - 1; i >= 0; i-- {
					if levels[i]++; levels[i] < len(c.values[i]) {
						break
					}
					levels[i] = 0
				}
			}
			got, want := metrics.NewScaleStats(k), metrics.NewScaleStats(k)
			if err := byCode.AddTo(got); err != nil {
				return err.Error()
			}
			if err := each.AddTo(want); err != nil {
				return err.Error()
			}
			if !got.Equal(want) {
				g, _ := got.MarshalJSON()
				w, _ := want.MarshalJSON()
				return fmt.Sprintf("AddCodes gives %s, Add per code %s", g, w)
			}
			return ""
		},
		gopter.Gen(func(p *gopter.GenParameters) *gopter.GenResult {
			r := p.Rng
			c := genCountsCase(p).Result.(countsCase)
			// At most five items of at most five points: tables of at most
			// 6^5 codes.
			c.values = c.values[:min(len(c.values), 5)]
			for i, v := range c.values {
				c.values[i] = v[:min(len(v), 2+r.Intn(5))]
			}
			for j, lv := range c.levels {
				lv = lv[:len(c.values)]
				for i := range lv {
					lv[i] %= len(c.values[i])
				}
				c.levels[j] = lv
			}
			return gopter.NewGenResult(c, gopter.NoShrinker)
		}),
	))
	ps.TestingRun(t)
}

// TestScaleCountsAddCodesRefusesBadTables states that a table of another
// length than the number of codes, or with a negative count, is an error
// and counts nothing.
func TestScaleCountsAddCodesRefusesBadTables(t *testing.T) {
	c, err := metrics.NewScaleCounts([][]float64{{0, 1, 2}, {0, 5, 4, 3}})
	if err != nil {
		t.Fatal(err)
	}
	good := make([]int64, 12)
	for i := range good {
		good[i] = 1
	}
	bad := append([]int64(nil), good...)
	bad[11] = -1
	for _, table := range [][]int64{good[:11], append(good, 1), bad} {
		if err := c.AddCodes(table); !errors.Is(err, metrics.ErrInvalid) {
			t.Errorf("AddCodes(%v) = %v, want ErrInvalid", table, err)
		}
	}
	s := metrics.NewScaleStats(2)
	if err := c.AddTo(s); err != nil {
		t.Fatal(err)
	}
	if !s.Equal(metrics.NewScaleStats(2)) {
		t.Errorf("refused tables were counted")
	}
}
