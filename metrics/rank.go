package metrics

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"
)

// averageRanks returns the 1-based ranks of x, tied values sharing the
// average of the ranks they span (R rank(x, ties.method = "average")), and
// the tie term Σ(t³ - t) over the groups of t tied values. gonum has no
// ranking with average ties, hence this small helper. x must not contain
// NaN.
func averageRanks(x []float64) (ranks []float64, ties float64) {
	n := len(x)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case x[a] < x[b]:
			return -1
		case x[a] > x[b]:
			return 1
		}
		return 0
	})
	ranks = make([]float64, n)
	for i := 0; i < n; {
		j := i + 1
		for j < n && x[idx[j]] == x[idx[i]] {
			j++
		}
		r := float64(i+j+1) / 2 // mean of ranks i+1 .. j
		for _, k := range idx[i:j] {
			ranks[k] = r
		}
		if t := float64(j - i); t > 1 {
			ties += t*t*t - t
		}
		i = j
	}
	return ranks, ties
}

// Spearman returns Spearman's rank correlation coefficient of x and y, the
// Pearson correlation of their ranks,
//
//	ρ = Σ (rᵢ - r̄)(sᵢ - s̄) / √(Σ (rᵢ - r̄)² Σ (sᵢ - s̄)²)
//
// where r and s are the ranks of x and y with ties given their average
// rank, as R cor(x, y, method = "spearman", use = "complete.obs"). Pairs
// with a NaN in either element are dropped first. The result lies in
// [-1, 1]; it is NaN when fewer than two pairs remain or when either
// variable is constant. Spearman panics if len(x) != len(y).
func Spearman(x, y []float64) float64 {
	if len(x) != len(y) {
		panic(fmt.Sprintf("metrics: Spearman: length mismatch %d != %d", len(x), len(y)))
	}
	xs := make([]float64, 0, len(x))
	ys := make([]float64, 0, len(y))
	for i := range x {
		if !math.IsNaN(x[i]) && !math.IsNaN(y[i]) {
			xs = append(xs, x[i])
			ys = append(ys, y[i])
		}
	}
	if len(xs) < 2 {
		return math.NaN()
	}
	rx, _ := averageRanks(xs)
	ry, _ := averageRanks(ys)
	return clamp(stat.Correlation(rx, ry, nil), -1, 1)
}

// clamp limits x to [lo, hi], keeping NaN.
func clamp(x, lo, hi float64) float64 {
	switch {
	case x < lo:
		return lo
	case x > hi:
		return hi
	}
	return x
}
