package cx

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/cxculture/cxculture/metrics"
)

// MeasureValues returns, per unit, the value of a measure pooled over the
// given waves (every wave when nil) as [EstimateImpact] pools a period:
// the pooled share, or the N-weighted mean. For an operational metric the
// observations from the first wave's opening to the last wave's closing
// are pooled (every observation when waves is nil). Units without a shown
// value are left out. It is the usual way to get the customer outcome of
// [Links] from a customer survey's panel or from observations.
func MeasureValues(p *Panel, measure string, waves []string) (map[string]float64, error) {
	q, err := p.prepare()
	if err != nil {
		return nil, err
	}
	m, err := q.measure(measure)
	if err != nil {
		return nil, err
	}
	keep := map[string]bool{}
	var from, to time.Time
	for i, w := range waves {
		wi, ok := q.index[w]
		if !ok {
			return nil, invalid("waves["+strconv.Itoa(i)+"]", fmt.Sprintf("unknown wave %q", w))
		}
		keep[w] = true
		if wi < len(q.Waves) {
			if t := q.Waves[wi].Opens; from.IsZero() || t.Before(from) {
				from = t
			}
			t := q.Waves[wi].Closes
			if t.IsZero() {
				t = q.Waves[wi].Opens
			}
			if t.After(to) {
				to = t
			}
		}
	}
	out := map[string]float64{}
	for _, u := range q.Hierarchy.IDs() {
		var pts []Point
		for _, pt := range q.series(u, m) {
			if !pt.usable() {
				continue
			}
			switch {
			case waves == nil:
			case m.source == "survey" && !keep[pt.Wave]:
				continue
			case m.source != "survey" && (pt.Time.Before(from) || pt.Time.After(to)):
				continue
			}
			pts = append(pts, pt)
		}
		if pv, ok := pool(pts, m.kind); ok {
			out[u] = pv.value
		}
	}
	return out, nil
}

// LinkOptions configure [Links]. Zero values take the defaults.
type LinkOptions struct {
	// Waves are the waves whose behavior favorability is related to the
	// outcome; default the last wave of the panel.
	Waves []string
	// Behaviors are the behaviors used as drivers; default every
	// behavior of the survey (at most 16).
	Behaviors []string
	// Units are the units related; default the leaves of the hierarchy.
	Units []string
	// MinUnits is the fewest units with both a behavior profile and an
	// outcome; default 10, and never fewer than the behaviors + 3.
	MinUnits int
	// Bootstrap is the number of bootstrap resamples of units for the
	// intervals; default 1000.
	Bootstrap int
	// Permutations is the number of random permutations of the outcome
	// across units for the permutation test of R²; default 999.
	Permutations int
	// Alpha is the significance level of the permutation test; a link
	// is claimed only when its p-value is below it; default 0.05.
	Alpha float64
	// Seed seeds the bootstrap and the permutations; the same seed gives
	// the same intervals and p-value.
	Seed uint64
	// Level is the confidence level of the intervals; default the
	// panel's.
	Level float64
}

// Link says how much each behavior's favorability explains a customer
// outcome across units: the R² of the regression of the outcome on the
// behaviors' favorable shares, with a permutation p-value, split among
// the behaviors by Shapley value (LMG) and by Johnson's relative weights,
// each with a percentile bootstrap interval over units.
//
// The rule: a link is claimed (Significant) only when the permutation
// test rejects "the outcome is unrelated to the behaviors" at Alpha. The
// test permutes the outcome across units B times and counts how often the
// R² of the permuted data reaches the observed one: p = (1 + #{R²ᵦ ≥
// R²}) / (B + 1). Rationale: with few units and several behaviors, R² is
// large by chance alone (its expectation under no relation is k/(n−1) for
// k behaviors and n units), so neither R² nor its bootstrap interval can
// tell a link from noise; under exchangeable units the permutation test
// has exactly its nominal level. Error rates, measured by simulation
// (TestLinksErrorRates: 20 teams, three behaviors, 199 permutations,
// 3,000 organizations per case, CXCULTURE_TEST_SCALE=20): with no
// relation a link is claimed in 3.6% (documented bound 5%, Alpha); with a
// planted one (a team 10 points more favorable on customer focus scores
// higher by the noise's SD) in 84.3% (floor 80%). When not Significant,
// the R² and the drivers' shares are descriptive only and texts claim
// nothing.
type Link struct {
	Outcome string `json:"outcome"`
	// Label names the outcome for people.
	Label string   `json:"label"`
	Waves []string `json:"waves"`
	// Units are the units used: shown, with every behavior and the
	// outcome measured.
	Units []string `json:"units"`
	// Enough reports whether there were at least MinUnits units; when
	// not, Reason says so and the figures are zero.
	Enough   bool   `json:"enough"`
	Reason   string `json:"reason,omitempty"`
	MinUnits int    `json:"min_units"`
	// R2 is the R² of all behaviors together, with its interval.
	R2         float64          `json:"r2"`
	R2Interval metrics.Interval `json:"r2_interval"`
	// P is the permutation p-value of R² over Permutations permutations;
	// Significant says whether it is below Alpha: only then is a link
	// claimed.
	P            float64 `json:"p"`
	Permutations int     `json:"permutations"`
	Alpha        float64 `json:"alpha"`
	Significant  bool    `json:"significant"`
	// Summary says in one plain sentence what the link shows, or that
	// there is no evidence of one.
	Summary string       `json:"summary"`
	Drivers []DriverLink `json:"drivers"`
	// Resamples is the number of bootstrap resamples that gave an
	// estimate (degenerate resamples, such as a constant behavior, are
	// skipped).
	Resamples int     `json:"resamples"`
	Level     float64 `json:"level"`
}

// DriverLink is one behavior's share of the explained variance.
type DriverLink struct {
	Behavior string `json:"behavior"`
	// Shapley is the behavior's LMG share of R² ([metrics.ShapleyR2]).
	Shapley         float64          `json:"shapley"`
	ShapleyInterval metrics.Interval `json:"shapley_interval"`
	// Weight is its relative weight ([metrics.RelativeWeights]).
	Weight         float64          `json:"weight"`
	WeightInterval metrics.Interval `json:"weight_interval"`
}

// Links relates the behaviors' favorability in the units of p to a
// customer outcome per unit (outcome, by unit ID; see [MeasureValues]),
// across units. With a nil outcome, outcomeName is a measure key of the
// panel (such as a customer survey's "a11/trust") and the outcome of a
// unit is that measure pooled over its shown points from the opening of
// the first linked wave to the opening of the wave after the last one
// (to the end of the data after the panel's last wave). Units whose
// figures are suppressed in any of the waves are left out. It fails with a [*ValidationError] for invalid options or
// more than 16 behaviors.
func Links(p *Panel, outcomeName string, outcome map[string]float64, opts LinkOptions) (*Link, error) {
	q, err := p.prepare()
	if err != nil {
		return nil, err
	}
	var ps problems
	waves := opts.Waves
	if waves == nil && len(q.order) > 0 {
		waves = []string{q.order[len(q.order)-1]}
	}
	for i, w := range waves {
		if _, ok := q.index[w]; !ok {
			ps.add("waves["+strconv.Itoa(i)+"]", fmt.Sprintf("unknown wave %q", w))
		}
	}
	behaviors := opts.Behaviors
	if behaviors == nil {
		behaviors, _ = behaviorItems(q.Survey)
	}
	if len(behaviors) == 0 {
		ps.add("behaviors", "no behaviors to relate")
	}
	if len(behaviors) > 16 {
		ps.add("behaviors", fmt.Sprintf("%d behaviors: at most 16", len(behaviors)))
	}
	units := opts.Units
	if units == nil {
		for _, u := range q.Hierarchy.IDs() {
			if q.Hierarchy.IsLeaf(u) {
				units = append(units, u)
			}
		}
	}
	for i, u := range units {
		if !q.Hierarchy.Has(u) {
			ps.add("units["+strconv.Itoa(i)+"]", fmt.Sprintf("unknown unit %q", u))
		}
	}
	if opts.MinUnits == 0 {
		opts.MinUnits = 10
	}
	opts.MinUnits = max(opts.MinUnits, len(behaviors)+3)
	if opts.Bootstrap == 0 {
		opts.Bootstrap = 1000
	}
	if opts.Bootstrap < 0 {
		ps.add("bootstrap", "must not be negative")
	}
	if opts.Permutations == 0 {
		opts.Permutations = 999
	}
	if opts.Permutations < 0 {
		ps.add("permutations", "must not be negative")
	}
	if opts.Alpha == 0 {
		opts.Alpha = 0.05
	}
	if !(opts.Alpha > 0 && opts.Alpha < 1) {
		ps.add("alpha", "must be in (0,1)")
	}
	if opts.Level == 0 {
		opts.Level = q.Level
	}
	if !(opts.Level > 0 && opts.Level < 1) {
		ps.add("level", "must be in (0,1)")
	}
	for _, u := range sortedKeys(outcome) {
		if v := outcome[u]; math.IsNaN(v) || math.IsInf(v, 0) {
			ps.add("outcome."+u, "must be a finite number")
		}
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	if outcome == nil {
		if outcome, err = q.outcomeValues(outcomeName, waves); err != nil {
			return nil, err
		}
	}
	specs := make([]measureSpec, len(behaviors))
	for j, b := range behaviors {
		if specs[j], err = q.measure(BehaviorMeasure(b)); err != nil {
			return nil, err
		}
	}
	keep := map[string]bool{}
	for _, w := range waves {
		keep[w] = true
	}
	link := &Link{Outcome: outcomeName, Label: q.Label(outcomeName), Waves: slices.Clone(waves), MinUnits: opts.MinUnits, Level: opts.Level,
		Units: []string{}, Alpha: opts.Alpha, Permutations: opts.Permutations, P: 1}
	var x [][]float64
	var y []float64
	for _, u := range units {
		v, ok := outcome[u]
		if !ok {
			continue
		}
		row := make([]float64, len(specs))
		complete := true
		for j, m := range specs {
			var pts []Point
			for _, pt := range q.series(u, m) {
				if keep[pt.Wave] {
					if !pt.usable() {
						complete = false
					}
					pts = append(pts, pt)
				}
			}
			pv, ok := pool(pts, ShareMeasure)
			if !complete || !ok {
				complete = false
				break
			}
			row[j] = pv.value
		}
		if complete {
			link.Units = append(link.Units, u)
			x = append(x, row)
			y = append(y, v)
		}
	}
	for _, b := range behaviors {
		link.Drivers = append(link.Drivers, DriverLink{Behavior: b})
	}
	if len(y) < opts.MinUnits {
		link.Reason = fmt.Sprintf("%d units with every behavior shown and the outcome measured: at least %d are needed", len(y), opts.MinUnits)
		link.Summary = fmt.Sprintf("Too few units to relate the behaviors to %s: %d have every behavior shown and %s measured, %d are needed",
			link.Label, len(y), link.Label, opts.MinUnits)
		return link, nil
	}
	shap, w, r2, ok := drivers(x, y)
	if !ok {
		link.Reason = "the behaviors are collinear or constant across units: their shares cannot be separated"
		link.Summary = "The behaviors move together (or not at all) across units: their link to " + link.Label + " cannot be told apart"
		return link, nil
	}
	link.Enough, link.R2 = true, r2
	link.P = permutationP(x, y, r2, opts.Permutations, rand.New(rand.NewPCG(opts.Seed, 0x9e3779b97f4a7c15)))
	link.Significant = link.P < opts.Alpha
	link.Summary = q.linkSummary(link, behaviors, shap)
	for j := range link.Drivers {
		link.Drivers[j].Shapley, link.Drivers[j].Weight = shap[j], w[j]
	}
	// Percentile bootstrap over units.
	rng := rand.New(rand.NewPCG(opts.Seed, 0x5eed^uint64(len(y))))
	n := len(y)
	bs := make([][]float64, len(behaviors))
	bw := make([][]float64, len(behaviors))
	var br2 []float64
	rx, ry := make([][]float64, n), make([]float64, n)
	for range opts.Bootstrap {
		for i := range n {
			k := rng.IntN(n)
			rx[i], ry[i] = x[k], y[k]
		}
		s, ww, r, ok := drivers(rx, ry)
		if !ok {
			continue
		}
		for j := range behaviors {
			bs[j] = append(bs[j], s[j])
			bw[j] = append(bw[j], ww[j])
		}
		br2 = append(br2, r)
	}
	link.Resamples = len(br2)
	link.R2Interval = percentiles(br2, opts.Level)
	for j := range link.Drivers {
		link.Drivers[j].ShapleyInterval = percentiles(bs[j], opts.Level)
		link.Drivers[j].WeightInterval = percentiles(bw[j], opts.Level)
	}
	return link, nil
}

// drivers returns the Shapley shares, relative weights and R², or ok
// false when they are undefined.
func drivers(x [][]float64, y []float64) (shap, w []float64, r2 float64, ok bool) {
	shap, err := metrics.ShapleyR2(x, y)
	if err != nil || slices.ContainsFunc(shap, math.IsNaN) {
		return nil, nil, 0, false
	}
	w, err = metrics.RelativeWeights(x, y)
	if err != nil || slices.ContainsFunc(w, math.IsNaN) {
		return nil, nil, 0, false
	}
	for _, s := range shap {
		r2 += s
	}
	return shap, w, r2, true
}

// percentiles returns the percentile interval of xs at the level, by R's
// default quantile (type 7); zero when xs is empty.
func percentiles(xs []float64, level float64) metrics.Interval {
	if len(xs) == 0 {
		return metrics.Interval{}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	q := func(p float64) float64 {
		h := (float64(len(s)) - 1) * p
		lo := math.Floor(h)
		if int(lo)+1 >= len(s) {
			return s[len(s)-1]
		}
		return s[int(lo)] + (h-lo)*(s[int(lo)+1]-s[int(lo)])
	}
	a := (1 - level) / 2
	return metrics.Interval{Lower: q(a), Upper: q(1 - a)}
}

// permutationP returns the permutation p-value of the R² of the
// regression of y on x: (1 + #{R² of a permutation of y ≥ r2}) / (b + 1).
// R² = rᵀ R⁻¹ r with R the correlation matrix of the drivers, which a
// permutation of y leaves unchanged, and r the correlations of the
// drivers with y, so each permutation costs O(n·k + k²). It is written
// here rather than by calling [metrics.ShapleyR2] per permutation, whose
// cost grows as 2^k. With b = 0 it returns 1.
func permutationP(x [][]float64, y []float64, r2 float64, b int, rng *rand.Rand) float64 {
	n, k := len(y), len(x[0])
	if b == 0 || n < 3 {
		return 1
	}
	// Standardized drivers and outcome.
	z := mat.NewDense(n, k, nil)
	for j := range k {
		col := make([]float64, n)
		for i := range n {
			col[i] = x[i][j]
		}
		m, sd := meanSD(col)
		for i := range n {
			z.Set(i, j, (col[i]-m)/sd)
		}
	}
	ys := slices.Clone(y)
	my, sy := meanSD(ys)
	for i := range ys {
		ys[i] = (ys[i] - my) / sy
	}
	var rxx mat.SymDense
	rxx.SymOuterK(1/float64(n-1), z.T())
	var chol mat.Cholesky
	if !chol.Factorize(&rxx) {
		return 1
	}
	r := mat.NewVecDense(k, nil)
	sol := mat.NewVecDense(k, nil)
	yv := mat.NewVecDense(n, ys)
	stat := func() float64 {
		r.MulVec(z.T(), yv)
		r.ScaleVec(1/float64(n-1), r)
		if err := chol.SolveVecTo(sol, r); err != nil {
			return math.NaN()
		}
		return mat.Dot(r, sol)
	}
	// The observed R² through the same formula, so that ties compare
	// alike; r2 (from the Shapley values) agrees to rounding.
	obs := stat()
	if math.IsNaN(obs) {
		obs = r2
	}
	count := 0
	for range b {
		rng.Shuffle(n, func(i, j int) { ys[i], ys[j] = ys[j], ys[i] })
		if v := stat(); v >= obs-1e-12 {
			count++
		}
	}
	return float64(1+count) / float64(b+1)
}

func meanSD(x []float64) (mean, sd float64) {
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	for _, v := range x {
		sd += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(sd / float64(len(x)-1))
}

// linkSummary says what a link shows in plain words.
func (p *Panel) linkSummary(l *Link, behaviors []string, shap []float64) string {
	if !l.Significant {
		return fmt.Sprintf("No evidence that the behaviors go with %s across the %d units: a relation this strong arises by chance in %.0f%% of random pairings (%s)",
			l.Label, len(l.Units), 100*l.P, pText(l.P))
	}
	order := make([]int, len(behaviors))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return -cmpFloat(shap[a], shap[b]) })
	var top []string
	for _, j := range order[:min(2, len(order))] {
		top = append(top, fmt.Sprintf("%s (%.0f%%)", lowerFirst(p.behaviorName(behaviors[j])), 100*shap[j]))
	}
	return fmt.Sprintf("Across %d units, the behaviors together account for %.0f%% of the differences in %s; a relation this strong arises by chance in %.1f%% of random pairings (%s); most of it goes with %s",
		len(l.Units), 100*l.R2, l.Label, 100*l.P, pText(l.P), joinAnd(top))
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// outcomeValues pools a measure per unit over the time the linked waves
// cover: from the opening of the first to the opening of the wave after
// the last.
func (p *Panel) outcomeValues(key string, waves []string) (map[string]float64, error) {
	m, err := p.measure(key)
	if err != nil {
		return nil, err
	}
	var from, to time.Time
	if len(waves) > 0 && len(p.Waves) > 0 {
		first, last := len(p.order), -1
		for _, w := range waves {
			first, last = min(first, p.index[w]), max(last, p.index[w])
		}
		from = p.waveTime(first)
		if last+1 < len(p.Waves) {
			to = p.waveTime(last + 1)
		}
	}
	out := map[string]float64{}
	for _, u := range p.Hierarchy.IDs() {
		var pts []Point
		for _, pt := range p.series(u, m) {
			if !pt.usable() || (!from.IsZero() && pt.Time.Before(from)) || (!to.IsZero() && !pt.Time.Before(to)) {
				continue
			}
			pts = append(pts, pt)
		}
		if pv, ok := pool(pts, m.kind); ok {
			out[u] = pv.value
		}
	}
	return out, nil
}
