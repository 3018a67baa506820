package metrics

import (
	"fmt"
	"math"
	"slices"
)

// AdjustBH returns the Benjamini–Hochberg (1995) false-discovery-rate
// adjusted p-values, as R p.adjust(p, "BH"). With the m non-NaN p-values
// sorted so that p₍₁₎ <= … <= p₍ₘ₎,
//
//	q₍ᵢ₎ = min(1, min_{j >= i} m/j · p₍ⱼ₎)
//
// NaN entries stay NaN in place and are not counted in m. The result is a
// new slice in the order of p; each q >= its p, and q is monotone in p.
// AdjustBH panics if a p-value is outside [0, 1]. gonum has no multiple
// comparison procedures, hence this implementation.
func AdjustBH(p []float64) []float64 {
	q, order := adjustSetup("AdjustBH", p)
	m := float64(len(order))
	run := math.Inf(1)
	for k := len(order) - 1; k >= 0; k-- {
		i := order[k]
		run = math.Min(run, m/float64(k+1)*p[i])
		q[i] = math.Min(1, run)
	}
	return q
}

// AdjustHolm returns the Holm (1979) step-down adjusted p-values, which
// control the family-wise error rate, as R p.adjust(p, "holm"). With the m
// non-NaN p-values sorted so that p₍₁₎ <= … <= p₍ₘ₎,
//
//	q₍ᵢ₎ = min(1, max_{j <= i} (m - j + 1) · p₍ⱼ₎)
//
// NaN entries stay NaN in place and are not counted in m. The result is a
// new slice in the order of p. AdjustHolm panics if a p-value is outside
// [0, 1].
func AdjustHolm(p []float64) []float64 {
	q, order := adjustSetup("AdjustHolm", p)
	m := float64(len(order))
	run := math.Inf(-1)
	for k, i := range order {
		run = math.Max(run, (m-float64(k))*p[i])
		q[i] = math.Min(1, run)
	}
	return q
}

// AdjustBonferroni returns the Bonferroni adjusted p-values min(1, m·p), as
// R p.adjust(p, "bonferroni"), with the NaN rule of [AdjustHolm]. It
// panics if a p-value is outside [0, 1].
func AdjustBonferroni(p []float64) []float64 {
	q, order := adjustSetup("AdjustBonferroni", p)
	m := float64(len(order))
	for _, i := range order {
		q[i] = math.Min(1, m*p[i])
	}
	return q
}

// adjustSetup validates p and returns a result slice holding NaN at the
// NaN positions of p, and the indices of the other p-values in increasing
// order of p (stable, so equal p-values keep their order).
func adjustSetup(fn string, p []float64) (q []float64, order []int) {
	q = make([]float64, len(p))
	order = make([]int, 0, len(p))
	for i, v := range p {
		switch {
		case math.IsNaN(v):
			q[i] = math.NaN()
		case v < 0 || v > 1:
			panic(fmt.Sprintf("metrics: %s: p-value %v at index %d outside [0, 1]", fn, v, i))
		default:
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case p[a] < p[b]:
			return -1
		case p[a] > p[b]:
			return 1
		}
		return 0
	})
	return q, order
}
