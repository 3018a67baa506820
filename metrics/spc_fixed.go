package metrics

import (
	"fmt"
	"math"
)

// XmRFixed returns the individuals chart of x against limits fixed in
// advance, typically from a baseline period (phase II monitoring,
// Montgomery, Introduction to Statistical Quality Control, §6.4): the
// centre and the average moving range mrBar of the baseline points,
//
//	σ = mrBar / 1.128 · √(1 + 1/k),  limits = centre ± 3σ
//
// where k = basePoints is the number of baseline points the centre is the
// mean of: the factor √(1 + 1/k) widens the limits of a new point for the
// error of an estimated centre (as a prediction interval does). With
// basePoints 0 the factor is 1 and the limits are the classical centre ±
// 2.66 mrBar. The Nelson rules are evaluated on z = (x - centre) / σ as
// in [XmR].
// When mrBar is 0 every z is NaN, so only rule 1 (a point off the centre,
// which is then beyond the limits) can signal. XmRFixed
// panics if x holds a NaN or an infinity, or if centre or mrBar is not
// finite, mrBar is negative, or basePoints is negative.
func XmRFixed(x []float64, center, mrBar float64, basePoints int) Chart {
	if !finiteFloat(center) || !finiteFloat(mrBar) || mrBar < 0 || basePoints < 0 {
		panic(fmt.Sprintf("metrics: XmRFixed: centre %v and average moving range %v must be finite, the range and base points %d not negative",
			center, mrBar, basePoints))
	}
	n := len(x)
	ch := Chart{Center: make([]float64, n), Lower: make([]float64, n), Upper: make([]float64, n)}
	z := make([]float64, n)
	f := 1.0
	if basePoints > 0 {
		f = math.Sqrt(1 + 1/float64(basePoints))
	}
	sigma := mrBar / 1.128 * f
	for i, v := range x {
		if !finiteFloat(v) {
			panic(fmt.Sprintf("metrics: XmRFixed: value %v at index %d", v, i))
		}
		ch.Center[i], ch.Lower[i], ch.Upper[i] = center, center-2.66*mrBar*f, center+2.66*mrBar*f
		z[i] = (v - center) / sigma
		if sigma == 0 {
			z[i] = math.NaN()
		}
	}
	ch.Signals = nelson(x, z, ch.Lower, ch.Upper)
	return ch
}

// PChartFixed returns the p-chart of the proportions successes[i]/n[i]
// against a centre line pBar fixed in advance, typically from a baseline
// period, with the spread of each point inflated by sigmaZ (Laney 2002,
// "Improved control charts for attributes"):
//
//	σᵢ = sigmaZ · √(p̄ (1 - p̄) (1/nᵢ + 1/baseN))
//	limitsᵢ = p̄ ± 3σᵢ, clipped to [0, 1]
//
// where baseN is the number of trials p̄ was estimated from: the term
// 1/baseN widens the limits of a new point for the error of an estimated
// centre (0 leaves it out, for a known p̄).
// sigmaZ = 1 gives the classical p-chart; Laney's p′-chart takes sigmaZ
// as the average moving range of the standardized points divided by 1.128,
// which widens the limits when the points vary more than binomially (as
// answers of one respondent to several items do). The Nelson rules are
// evaluated on z = (pᵢ - p̄) / σᵢ as in [PChart]; a sample with nᵢ == 0 has
// NaN limits and takes part in no rule. PChartFixed panics if the slices
// differ in length, a sample is not a valid proportion, pBar is not in
// (0, 1), sigmaZ is not positive and finite, or baseN is negative.
func PChartFixed(successes, n []int64, pBar, sigmaZ float64, baseN int64) Chart {
	if len(successes) != len(n) {
		panic(fmt.Sprintf("metrics: PChartFixed: length mismatch %d != %d", len(successes), len(n)))
	}
	if !(pBar > 0 && pBar < 1) {
		panic(fmt.Sprintf("metrics: PChartFixed: centre %v outside (0, 1)", pBar))
	}
	if !(sigmaZ > 0) || !finiteFloat(sigmaZ) {
		panic(fmt.Sprintf("metrics: PChartFixed: sigmaZ %v is not positive and finite", sigmaZ))
	}
	if baseN < 0 {
		panic(fmt.Sprintf("metrics: PChartFixed: negative base count %d", baseN))
	}
	var inv float64
	if baseN > 0 {
		inv = 1 / float64(baseN)
	}
	m := len(n)
	ch := Chart{Center: make([]float64, m), Lower: make([]float64, m), Upper: make([]float64, m)}
	p := make([]float64, m)
	z := make([]float64, m)
	for i := range n {
		Proportion{successes[i], n[i]}.mustValid(fmt.Sprintf("PChartFixed (sample %d)", i))
		ch.Center[i] = pBar
		if n[i] == 0 {
			p[i], z[i] = math.NaN(), math.NaN()
			ch.Lower[i], ch.Upper[i] = math.NaN(), math.NaN()
			continue
		}
		sigma := sigmaZ * math.Sqrt(pBar*(1-pBar)*(1/float64(n[i])+inv))
		ch.Lower[i] = math.Max(0, pBar-3*sigma)
		ch.Upper[i] = math.Min(1, pBar+3*sigma)
		p[i] = float64(successes[i]) / float64(n[i])
		z[i] = (p[i] - pBar) / sigma
	}
	ch.Signals = nelson(p, z, ch.Lower, ch.Upper)
	return ch
}

func finiteFloat(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
