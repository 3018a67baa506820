package cx

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// verdict applies the rules of [Verdict] to the signals after the
// baseline. idx are the positions in tr.Points of the charted points, the
// first nBase of them the baseline; z their standardized distances from
// the centre line.
func (tr *Trend) verdict(idx []int, nBase int, z []float64, better func(bool) bool, opts TrendOptions) {
	tr.Evidence = append(tr.Evidence, fmt.Sprintf("baseline %s to %s (%d points): %s on average", tr.BaselineFrom, tr.BaselineTo, nBase, tr.format(tr.Center)))
	var last *TrendSignal
	for i := range tr.Signals {
		s := &tr.Signals[i]
		if s.Side == "" {
			tr.Evidence = append(tr.Evidence, fmt.Sprintf("%s at %s: %s (no side)", s.Rule, s.Point, ruleText[s.Rule]))
			continue
		}
		last = s
	}
	if tr.SlopeDefined {
		tr.Evidence = append(tr.Evidence, fmt.Sprintf("slope %+.3g per wave [%.3g, %.3g], p = %.3g", tr.Slope, tr.SlopeInterval.Lower, tr.SlopeInterval.Upper, tr.SlopeP))
	}
	if last == nil {
		tr.Verdict = Stable
		tr.Evidence = append(tr.Evidence, fmt.Sprintf("no special cause in the %d points after the baseline", len(idx)-nBase))
		return
	}
	tr.Evidence = append(tr.Evidence, fmt.Sprintf("latest signal %s at %s: %s, %s", last.Rule, last.Point, ruleText[last.Rule], map[bool]string{true: "improving", false: "worsening"}[last.Improving]))
	if !last.Improving {
		tr.Verdict = Declining
		return
	}
	// The improvement starts at the first improving signal after the
	// latest worsening one.
	first := last.Index
	for i := len(tr.Signals) - 1; i >= 0; i-- {
		s := tr.Signals[i]
		if s.Side == "" {
			continue
		}
		if !s.Improving {
			break
		}
		first = s.Index
	}
	// The run that shows the shift begins where the points first went
	// to the improving side without returning.
	k0 := slices.Index(idx, first)
	for k0 > nBase && z[k0-1] != 0 && better(z[k0-1] > 0) {
		k0--
	}
	held, n := true, 0
	for k := k0; k < len(idx); k++ {
		n++
		if !(z[k] != 0 && better(z[k] > 0)) {
			held = false
		}
	}
	// The latest SustainPoints points of the run (L) are tested against
	// the baseline (does the gain still hold?) and against the earlier
	// points of the run (G: did it fade?).
	nL := min(opts.SustainPoints, len(idx)-k0)
	gain := make([]int, 0, len(idx))
	latest := make([]int, 0, nL)
	for k := k0; k < len(idx); k++ {
		if k < len(idx)-nL {
			gain = append(gain, k)
		} else {
			latest = append(latest, k)
		}
	}
	from := tr.Points[idx[k0]].label()
	fromLatest := tr.Points[idx[latest[0]]].label()
	holdZ, holdV := tr.holdTest(idx, nBase, latest, better)
	holdP := distuv.UnitNormal.Survival(holdZ)
	holds := holdP < opts.Alpha
	if len(gain) > 0 {
		dz, gv, lv := tr.declineTest(idx, nBase, gain, latest, better)
		dp := distuv.UnitNormal.Survival(dz)
		// A dip that has already recovered is no fading: the last point
		// must itself be below the level of the gain.
		lastV := tr.Points[idx[len(idx)-1]].Value
		if dp < opts.Alpha && lastV != gv && !better(lastV > gv) {
			tr.Verdict = Faded
			tr.Evidence = append(tr.Evidence, fmt.Sprintf("the gain faded: the latest %d points from %s on average %s, against %s for the %d earlier points of the gain since %s (one-sided p = %.2g)",
				len(latest), fromLatest, tr.format(lv), tr.format(gv), len(gain), from, dp))
			if holds {
				tr.Evidence = append(tr.Evidence, fmt.Sprintf("they are still better than the baseline average %s (one-sided p = %.2g)", tr.format(tr.Center), holdP))
			} else {
				tr.Evidence = append(tr.Evidence, fmt.Sprintf("they are no longer significantly better than the baseline average %s (one-sided p = %.2g)", tr.format(tr.Center), holdP))
			}
			return
		}
	}
	switch {
	case held && holds && n >= opts.SustainPoints:
		tr.Verdict = SustainedShift
		tr.Evidence = append(tr.Evidence, fmt.Sprintf("all %d points from %s on are on the improving side of the baseline average, and the latest %d average %s, better than the baseline (one-sided p = %.2g) and not significantly below the earlier points of the gain: the gain is embedded",
			n, from, len(latest), tr.format(holdV), holdP))
		return
	case held && holds:
		tr.Verdict = Improving
		tr.Evidence = append(tr.Evidence, fmt.Sprintf("%d points from %s on are on the improving side; %d are needed to call the gain embedded", n, from, opts.SustainPoints))
	case held:
		tr.Verdict = Improving
		tr.Evidence = append(tr.Evidence, fmt.Sprintf("the latest %d points average %s: not significantly better than the baseline (one-sided p = %.2g), so the gain is not shown to hold",
			len(latest), tr.format(holdV), holdP))
	default:
		tr.Verdict = Improving
		tr.Evidence = append(tr.Evidence, fmt.Sprintf("not every point since %s stayed on the improving side: the gain is not yet embedded", from))
	}
}

// holdTest returns the one-sided z statistic (positive when better) of
// the latest points, pooled, against the baseline centre, and their
// pooled value. For shares the pooled proportion is compared with the
// centre p̄ under Laney's σ_Z: z = (p_L − p̄) / (σ_Z √(p̄(1−p̄)(1/n_L +
// 1/n_B))); for means the mean of the points with σ̂ = MR̄/1.128: z =
// (x̄_L − x̄_B) / (σ̂ √(1/k_L + 1/k_B)).
func (tr *Trend) holdTest(idx []int, nBase int, latest []int, better func(bool) bool) (float64, float64) {
	sign := 1.0
	if !better(true) {
		sign = -1
	}
	if tr.Kind == ShareMeasure {
		s, n := tr.pooled(idx, latest)
		p := float64(s) / float64(n)
		se := tr.SigmaZ * math.Sqrt(tr.Center*(1-tr.Center)*(1/float64(n)+1/float64(tr.BaseN)))
		return sign * finiteOr((p-tr.Center)/se, 0), p
	}
	m := tr.mean(idx, latest)
	se := tr.MovingRange / 1.128 * math.Sqrt(1/float64(len(latest))+1/float64(nBase))
	return sign * finiteOr((m-tr.Center)/se, 0), m
}

// declineTest returns the one-sided z statistic (positive when the latest
// points are worse) of the latest points against the earlier points of
// the gain, and the two pooled values: for shares a two-proportion test
// widened by σ_Z, for means a difference of means with σ̂ = MR̄/1.128.
func (tr *Trend) declineTest(idx []int, nBase int, gain, latest []int, better func(bool) bool) (z, g, l float64) {
	sign := 1.0
	if !better(true) {
		sign = -1
	}
	if tr.Kind == ShareMeasure {
		sg, ng := tr.pooled(idx, gain)
		sl, nl := tr.pooled(idx, latest)
		g, l = float64(sg)/float64(ng), float64(sl)/float64(nl)
		p := float64(sg+sl) / float64(ng+nl)
		se := tr.SigmaZ * math.Sqrt(p*(1-p)*(1/float64(ng)+1/float64(nl)))
		return sign * finiteOr((g-l)/se, 0), g, l
	}
	g, l = tr.mean(idx, gain), tr.mean(idx, latest)
	se := tr.MovingRange / 1.128 * math.Sqrt(1/float64(len(gain))+1/float64(len(latest)))
	return sign * finiteOr((g-l)/se, 0), g, l
}

func (tr *Trend) pooled(idx, ks []int) (s, n int64) {
	for _, k := range ks {
		tp := tr.Points[idx[k]]
		s += tp.Successes
		n += tp.N
	}
	return s, n
}

func (tr *Trend) mean(idx, ks []int) float64 {
	var sum float64
	for _, k := range ks {
		sum += tr.Points[idx[k]].Value
	}
	return sum / float64(len(ks))
}

// format writes a value of the trend's measure: a percentage for shares,
// percentage points for differences of shares, 3 significant digits
// otherwise.
func (tr *Trend) format(v float64) string {
	switch tr.Kind {
	case ShareMeasure:
		return fmt.Sprintf("%.1f%%", 100*v)
	case DifferenceMeasure:
		return fmt.Sprintf("%+.1f percentage points", 100*v)
	}
	return fmt.Sprintf("%.3g", v)
}
