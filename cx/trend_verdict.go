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
	name := func(k int) string { return tr.pointName(tr.Points[idx[k]]) }
	tr.Evidence = append(tr.Evidence, fmt.Sprintf("baseline: %s to %s (%d results), %s on average", name(0), name(nBase-1), nBase, tr.format(tr.Center)))
	var last *TrendSignal
	for i := range tr.Signals {
		s := &tr.Signals[i]
		if s.Side == "" {
			tr.Evidence = append(tr.Evidence, fmt.Sprintf("%s: %s", tr.pointName(tr.Points[s.Index]), ruleText[s.Rule]))
			continue
		}
		last = s
	}
	if tr.SlopeDefined {
		tr.Evidence = append(tr.Evidence, fmt.Sprintf("over the period the results moved by %s a survey on average (95%% interval %s to %s; %s)",
			tr.change(tr.Slope), tr.changeNumber(tr.SlopeInterval.Lower), tr.changeNumber(tr.SlopeInterval.Upper), pText(tr.SlopeP)))
	}
	if last == nil {
		tr.Verdict = Stable
		tr.Evidence = append(tr.Evidence, fmt.Sprintf("none of the %d results since the baseline stands out from ordinary variation", len(idx)-nBase))
		return
	}
	tr.Evidence = append(tr.Evidence, fmt.Sprintf("latest signal, %s: %s, %s", tr.pointName(tr.Points[last.Index]), ruleText[last.Rule],
		map[bool]string{true: "on the improving side", false: "on the worsening side"}[last.Improving]))
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
	from := name(k0)
	fromLatest := name(latest[0])
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
			tr.Evidence = append(tr.Evidence, fmt.Sprintf("the gain faded: the latest %d results, from %s on, average %s, against %s for the %d earlier results of the gain since %s (one-sided %s)",
				len(latest), fromLatest, tr.format(lv), tr.format(gv), len(gain), from, pText(dp)))
			if holds {
				tr.Evidence = append(tr.Evidence, fmt.Sprintf("they are still better than the baseline average of %s (one-sided %s)", tr.format(tr.Center), pText(holdP)))
			} else {
				tr.Evidence = append(tr.Evidence, fmt.Sprintf("they are no longer clearly better than the baseline average of %s (one-sided %s)", tr.format(tr.Center), pText(holdP)))
			}
			return
		}
	}
	// The gain must still hold at the latest point itself: the last
	// point, against the earlier points of the run, one-sided at Alpha/5
	// (a single point is noisy; the stricter level keeps the power of a
	// gain that holds).
	var fell string
	if n >= 2 {
		rest := make([]int, 0, n-1)
		for k := k0; k < len(idx)-1; k++ {
			rest = append(rest, k)
		}
		dz, gv, lv := tr.declineTest(idx, nBase, rest, []int{len(idx) - 1}, better)
		if dp := distuv.UnitNormal.Survival(dz); dp < opts.Alpha/5 {
			fell = fmt.Sprintf("the latest result, %s, at %s, is clearly below the %s of the earlier results of the gain since %s (one-sided %s): the gain is not shown to hold at the latest result",
				name(len(idx)-1), tr.format(lv), tr.format(gv), from, pText(dp))
		}
	}
	switch {
	case fell != "":
		tr.Verdict = Improving
		tr.Evidence = append(tr.Evidence, fell)
	case held && holds && n >= opts.SustainPoints:
		tr.Verdict = SustainedShift
		tr.Evidence = append(tr.Evidence, fmt.Sprintf("all %d results since %s are better than the baseline average, and the latest %d average %s: still clearly better than the baseline (one-sided %s) and not clearly below the earlier results of the gain: the gain is embedded",
			n, from, len(latest), tr.format(holdV), pText(holdP)))
		return
	case held && holds:
		tr.Verdict = Improving
		tr.Evidence = append(tr.Evidence, fmt.Sprintf("%d results since %s are better than the baseline average; %d are needed to call the gain embedded", n, from, opts.SustainPoints))
	case held:
		tr.Verdict = Improving
		tr.Evidence = append(tr.Evidence, fmt.Sprintf("the latest %d results average %s: not clearly better than the baseline (one-sided %s), so the gain is not shown to hold",
			len(latest), tr.format(holdV), pText(holdP)))
	default:
		tr.Verdict = Improving
		tr.Evidence = append(tr.Evidence, fmt.Sprintf("not every result since %s stayed better than the baseline average: the gain is not yet embedded", from))
	}
}

// pointName names a point for the evidence.
func (tr *Trend) pointName(pt TrendPoint) string {
	if tr.name != nil {
		return tr.name(pt.Point)
	}
	if pt.Wave != "" {
		return "survey " + pt.Wave
	}
	return dateText(pt.Time)
}

// change writes a change of the trend's measure per survey: percentage
// points for shares and their differences, three significant digits
// otherwise.
func (tr *Trend) change(v float64) string {
	if tr.Kind == ShareMeasure || tr.Kind == DifferenceMeasure {
		return fmt.Sprintf("%+.1f percentage points", 100*v)
	}
	return signedNum(v)
}

// changeNumber writes a change as change does, without its unit.
func (tr *Trend) changeNumber(v float64) string {
	if tr.Kind == ShareMeasure || tr.Kind == DifferenceMeasure {
		return fmt.Sprintf("%+.1f", 100*v)
	}
	return signedNum(v)
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
	return num(v)
}
