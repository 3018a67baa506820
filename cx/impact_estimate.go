package cx

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/metrics"
)

// dispersion returns φ, the quasi-likelihood scale of the comparison
// changes, at least 1; 1 when it cannot be estimated.
func dispersion(control []unitChange, skip string) float64 {
	var ds, vs []float64
	for _, c := range control {
		if c.unit == skip {
			continue
		}
		if v := c.v(); v > 0 && !math.IsNaN(v) {
			ds = append(ds, c.d())
			vs = append(vs, v)
		}
	}
	if len(ds) < 3 {
		return 1
	}
	var mean float64
	for _, d := range ds {
		mean += d
	}
	mean /= float64(len(ds))
	var phi float64
	for i, d := range ds {
		phi += (d - mean) * (d - mean) / vs[i]
	}
	return math.Max(1, phi/float64(len(ds)-1))
}

func meanVar(cs []unitChange, skip string) (mean, variance float64, n int) {
	var xs []float64
	for _, c := range cs {
		if c.unit != skip {
			xs = append(xs, c.d())
		}
	}
	n = len(xs)
	if n == 0 {
		return math.NaN(), math.NaN(), 0
	}
	for _, x := range xs {
		mean += x
	}
	mean /= float64(n)
	if n < 2 {
		return mean, math.NaN(), n
	}
	for _, x := range xs {
		variance += (x - mean) * (x - mean)
	}
	return mean, variance / float64(n-1), n
}

func didEffect(treated, control []unitChange, m measureSpec, dir culture.Direction, window string, level float64) Effect {
	e := Effect{Measure: m.key, Window: window, Kind: m.kind, Direction: dir.String(), TreatedUnits: len(treated), ComparisonUnits: len(control)}
	avg := func(cs []unitChange, after bool) float64 {
		var s float64
		for _, c := range cs {
			if after {
				s += c.after.value
			} else {
				s += c.before.value
			}
		}
		return s / float64(len(cs))
	}
	switch {
	case len(treated) == 0:
		e.Reason = fmt.Sprintf("no treated unit has shown values both before the start and in the %s period", window)
		return e
	case len(control) < 2:
		e.Reason = fmt.Sprintf("%d comparison unit(s) with shown values before and %s: at least 2 are needed", len(control), window)
		return e
	}
	e.TreatedBefore, e.TreatedAfter = avg(treated, false), avg(treated, true)
	e.ComparisonBefore, e.ComparisonAfter = avg(control, false), avg(control, true)
	known := true
	for _, c := range treated {
		known = known && c.v() > 0 && !math.IsNaN(c.v())
	}
	if len(treated) == 1 && !known {
		ue := unitEffect(treated[0], control, "", dir, window, level, m.key)
		if !ue.Estimable || ue.SE == 0 {
			e.Reason = "the treated unit's change has no estimable variance"
			return e
		}
		e.Estimable = true
		e.Estimate, e.SE, e.Interval, e.P = ue.Estimate, ue.SE, ue.Interval, ue.P
		return e
	}
	if len(treated) < minWelchUnits && known {
		// Too few treated units for a t test on their changes: the
		// variance is model-based.
		mT, _, nT := meanVar(treated, "")
		mC, vC, nC := meanVar(control, "")
		phi := dispersion(control, "")
		var sv float64
		for _, c := range treated {
			sv += c.v()
		}
		e.Estimate = mT - mC
		e.SE = math.Sqrt(phi*sv/float64(nT*nT) + vC/float64(nC))
		if math.IsNaN(e.SE) || e.SE == 0 {
			e.Reason = "the treated units' changes have no estimable variance"
			e.Estimate, e.SE = 0, 0
			return e
		}
		e.Estimable = true
		z := distuv.UnitNormal.Quantile(1 - (1-level)/2)
		e.Interval = metrics.Interval{Lower: e.Estimate - z*e.SE, Upper: e.Estimate + z*e.SE}
		e.P = 2 * distuv.UnitNormal.CDF(-math.Abs(e.Estimate/e.SE))
		return e
	}
	dT, dC := make([]float64, len(treated)), make([]float64, len(control))
	for i, c := range treated {
		dT[i] = c.d()
	}
	for i, c := range control {
		dC[i] = c.d()
	}
	t := metrics.WelchT(dT, dC)
	if math.IsNaN(t.P) {
		e.Reason = "the units' changes have no variance"
		return e
	}
	e.Estimable = true
	mT, _, _ := meanVar(treated, "")
	mC, _, _ := meanVar(control, "")
	e.Estimate = mT - mC
	e.SE = e.Estimate / t.Statistic
	if e.Estimate == 0 {
		_, vT, nT := meanVar(treated, "")
		_, vC, nC := meanVar(control, "")
		e.SE = math.Sqrt(vT/float64(nT) + vC/float64(nC))
	}
	e.DF, e.P = t.DF, t.P
	e.Interval = metrics.WelchCI(dT, dC, level)
	return e
}

func unitEffect(c unitChange, control []unitChange, skip string, dir culture.Direction, window string, level float64, measure string) UnitEffect {
	ue := UnitEffect{Unit: c.unit, Measure: measure, Window: window, Direction: dir.String(), Before: c.before.value, After: c.after.value, Change: c.d(),
		P: math.NaN(), Adjusted: math.NaN()}
	mC, vC, nC := meanVar(control, skip)
	if nC < 2 || math.IsNaN(vC) {
		return ue
	}
	ue.Estimable = true
	ue.Estimate = c.d() - mC
	var crit float64
	if v := c.v(); v > 0 && !math.IsNaN(v) {
		ue.SE = math.Sqrt(dispersion(control, skip)*v + vC/float64(nC))
		z := ue.Estimate / ue.SE
		ue.P = 2 * distuv.UnitNormal.CDF(-math.Abs(z))
		crit = distuv.UnitNormal.Quantile(1 - (1-level)/2)
	} else {
		ue.SE = math.Sqrt(vC * (1 + 1/float64(nC)))
		df := float64(nC - 1)
		tdist := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}
		ue.P = 2 * tdist.CDF(-math.Abs(ue.Estimate/ue.SE))
		crit = tdist.Quantile(1 - (1-level)/2)
	}
	if ue.SE == 0 {
		ue.P = map[bool]float64{true: 1, false: 0}[ue.Estimate == 0]
	}
	ue.Interval = metrics.Interval{Lower: ue.Estimate - crit*ue.SE, Upper: ue.Estimate + crit*ue.SE}
	return ue
}

func adjustEffects(es []Effect, fdr float64) {
	p := make([]float64, len(es))
	for i, e := range es {
		p[i] = math.NaN()
		if e.Estimable {
			p[i] = e.P
		}
	}
	q := metrics.AdjustBH(p)
	for i := range es {
		e := &es[i]
		if !e.Estimable {
			e.P, e.Adjusted, e.Interval = 0, 0, metrics.Interval{}
			continue
		}
		e.Adjusted = q[i]
		e.Significant = q[i] < fdr
		e.Improved = e.Significant && better(e.Direction, e.Estimate)
	}
}

func adjustUnitEffects(es []*UnitEffect, fdr float64) {
	p := make([]float64, len(es))
	for i, e := range es {
		p[i] = e.P
	}
	q := metrics.AdjustBH(p)
	for i, e := range es {
		if math.IsNaN(q[i]) {
			*e = UnitEffect{Unit: e.Unit, Measure: e.Measure, Window: e.Window, Placebo: e.Placebo, Direction: e.Direction,
				Before: e.Before, After: e.After, Change: e.Change}
			continue
		}
		e.Adjusted = q[i]
		e.Significant = q[i] < fdr
		e.Improved = e.Significant && better(e.Direction, e.Estimate)
	}
}
