package metrics_test

import (
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"

	"github.com/cxculture/cxculture/metrics"
)

// seedEnv sets the seed of the property runs (default 20261207, fixed, so
// a plain go test replays the same cases); CXCULTURE_TEST_SCALE multiplies
// the number of runs for a longer search. The conventions are those of
// package cx/internal/cxgen, which this package cannot import.
const seedEnv = "CXCULTURE_GOPTER_SEED"

// properties returns the gopter properties of one test: seeded from
// CXCULTURE_GOPTER_SEED (printed to standard error when the test starts),
// 200 runs scaled by CXCULTURE_TEST_SCALE, fewer under -short.
func properties(t *testing.T) *gopter.Properties {
	t.Helper()
	seed := int64(20261207)
	if s := os.Getenv(seedEnv); s != "" {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q: %v", seedEnv, s, err)
		}
		seed = v
	}
	fmt.Fprintf(os.Stderr, "%s: seed %d (replay with %s=%d)\n", t.Name(), seed, seedEnv, seed)
	runs := 200
	if s := os.Getenv("CXCULTURE_TEST_SCALE"); s != "" {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || !(v > 0) {
			t.Fatalf("CXCULTURE_TEST_SCALE=%q: not a positive number", s)
		}
		runs = max(1, int(float64(runs)*v+0.5))
	}
	if testing.Short() {
		runs = max(10, runs/8)
	}
	params := gopter.DefaultTestParametersWithSeed(seed)
	params.MinSuccessfulTests = runs
	return gopter.NewProperties(params)
}

// answersGen generates answers on the 1-5 scale.
func answersGen() gopter.Gen { return gen.SliceOf(gen.IntRange(1, 5)).WithLabel("answers") }

// tallyFrom tallies answers on 1-5; no answers give the zero Tally, the
// identity of Merge.
func tallyFrom(answers []int) metrics.Tally {
	if len(answers) == 0 {
		return metrics.Tally{}
	}
	t := metrics.NewTally(1, 5)
	for _, v := range answers {
		if err := t.Add(v); err != nil {
			panic(err)
		}
	}
	return t
}

func merged(ts ...metrics.Tally) (metrics.Tally, error) {
	var out metrics.Tally
	for _, t := range ts {
		if err := out.Merge(t); err != nil {
			return out, err
		}
	}
	return out, nil
}

func TestTallyLaws(t *testing.T) {
	props := properties(t)
	props.Property("merge is commutative", prop.ForAll(
		func(a, b []int) string {
			ab, err1 := merged(tallyFrom(a), tallyFrom(b))
			ba, err2 := merged(tallyFrom(b), tallyFrom(a))
			if err1 != nil || err2 != nil {
				return fmt.Sprint(err1, err2)
			}
			if !ab.Equal(ba) {
				return fmt.Sprintf("a+b = %v, b+a = %v", ab, ba)
			}
			return ""
		}, answersGen(), answersGen()))
	props.Property("merge is associative", prop.ForAll(
		func(a, b, c []int) string {
			left, _ := merged(tallyFrom(a), tallyFrom(b))
			if err := left.Merge(tallyFrom(c)); err != nil {
				return err.Error()
			}
			right, _ := merged(tallyFrom(b), tallyFrom(c))
			all := tallyFrom(a)
			if err := all.Merge(right); err != nil {
				return err.Error()
			}
			if !left.Equal(all) {
				return fmt.Sprintf("(a+b)+c = %v, a+(b+c) = %v", left, all)
			}
			return ""
		}, answersGen(), answersGen(), answersGen()))
	props.Property("the tallies of a partition merge to the tally of the whole", prop.ForAll(
		func(coded []int) string {
			// coded = 5*part + (answer-1), four parts.
			whole := make([]int, len(coded))
			parts := make([][]int, 4)
			for i, c := range coded {
				whole[i] = c%5 + 1
				parts[c/5] = append(parts[c/5], c%5+1)
			}
			m, err := merged(tallyFrom(parts[0]), tallyFrom(parts[1]), tallyFrom(parts[2]), tallyFrom(parts[3]))
			if err != nil {
				return err.Error()
			}
			if w := tallyFrom(whole); !m.Equal(w) {
				return fmt.Sprintf("merged parts %v, whole %v", m, w)
			}
			return ""
		}, gen.SliceOf(gen.IntRange(0, 19)).WithLabel("coded answers")))
	props.Property("reversing twice is the identity and mirrors the mean", prop.ForAll(
		func(a []int) bool {
			tl := tallyFrom(a)
			r := tl.Reversed()
			return r.Reversed().Equal(tl) && r.N() == tl.N() &&
				(tl.N() == 0 || math.Abs(r.Mean()-(6-tl.Mean())) < 1e-12)
		}, answersGen()))
	props.TestingRun(t)
}

// rowsGen generates rows of four answers on 1-5, with about one answer in
// six missing.
func rowsGen() gopter.Gen {
	return gen.SliceOf(gen.SliceOfN(4, gen.IntRange(0, 5))).Map(func(coded [][]int) [][]float64 {
		rows := make([][]float64, len(coded))
		for i, r := range coded {
			rows[i] = make([]float64, len(r))
			for j, v := range r {
				rows[i][j] = float64(v)
				if v == 0 {
					rows[i][j] = math.NaN()
				}
			}
		}
		return rows
	}).WithLabel("rows")
}

func statsOf(rows [][]float64) *metrics.ScaleStats {
	s := metrics.NewScaleStats(4)
	for _, r := range rows {
		if err := s.Add(r); err != nil {
			panic(err)
		}
	}
	return s
}

func mergeStats(ss ...*metrics.ScaleStats) *metrics.ScaleStats {
	out := metrics.NewScaleStats(4)
	for _, s := range ss {
		if err := out.Merge(s); err != nil {
			panic(err)
		}
	}
	return out
}

func TestScaleStatsLaws(t *testing.T) {
	props := properties(t)
	props.Property("merge is commutative", prop.ForAll(
		func(a, b [][]float64) bool {
			return mergeStats(statsOf(a), statsOf(b)).Equal(mergeStats(statsOf(b), statsOf(a)))
		}, rowsGen(), rowsGen()))
	props.Property("merge is associative", prop.ForAll(
		func(a, b, c [][]float64) bool {
			left := mergeStats(mergeStats(statsOf(a), statsOf(b)), statsOf(c))
			right := mergeStats(statsOf(a), mergeStats(statsOf(b), statsOf(c)))
			return left.Equal(right)
		}, rowsGen(), rowsGen(), rowsGen()))
	props.Property("the statistics of a partition merge to those of the whole", prop.ForAll(
		func(rows [][]float64, labels []int) string {
			parts := make([][][]float64, 3)
			for i, r := range rows {
				p := 0
				if i < len(labels) {
					p = labels[i]
				}
				parts[p] = append(parts[p], r)
			}
			m := mergeStats(statsOf(parts[0]), statsOf(parts[1]), statsOf(parts[2]))
			w := statsOf(rows)
			if !m.Equal(w) {
				return "merged statistics differ from the whole"
			}
			am, err1 := m.Alpha(nil)
			aw, err2 := w.Alpha(nil)
			if err1 != nil || err2 != nil {
				return fmt.Sprint(err1, err2)
			}
			if !alphaEqual(am, aw, 0) {
				return fmt.Sprintf("alpha %+v, whole %+v", am, aw)
			}
			return ""
		}, rowsGen(), gen.SliceOf(gen.IntRange(0, 2)).WithLabel("parts")))
	props.Property("AddWeighted(row, w) equals w calls of Add", prop.ForAll(
		func(rows [][]float64, w int) bool {
			a, b := metrics.NewScaleStats(4), metrics.NewScaleStats(4)
			for _, r := range rows {
				if a.AddWeighted(r, int64(w)) != nil {
					return false
				}
				for range w {
					if b.Add(r) != nil {
						return false
					}
				}
			}
			return a.Equal(b)
		}, rowsGen(), gen.IntRange(0, 4).WithLabel("w")))
	props.TestingRun(t)
}

// alphaEqual compares two Alpha results within a relative tolerance, NaN
// matching NaN.
func alphaEqual(a, b metrics.Alpha, tol float64) bool {
	if a.N != b.N || len(a.AlphaIfDeleted) != len(b.AlphaIfDeleted) {
		return false
	}
	x := append([]float64{a.Raw, a.Standardized, a.Feldt.Lower, a.Feldt.Upper}, append(a.AlphaIfDeleted, a.ItemRest...)...)
	y := append([]float64{b.Raw, b.Standardized, b.Feldt.Lower, b.Feldt.Upper}, append(b.AlphaIfDeleted, b.ItemRest...)...)
	for i := range x {
		if !near(x[i], y[i], tol) {
			return false
		}
	}
	return true
}

// permGen generates a permutation of 0..n-1 by sorting random keys.
func permGen(n int) gopter.Gen {
	return gen.SliceOfN(n, gen.Float64Range(0, 1)).Map(func(keys []float64) []int {
		p := []int{0, 1, 2, 3}[:n]
		p = slices.Clone(p)
		slices.SortStableFunc(p, func(a, b int) int {
			switch {
			case keys[a] < keys[b]:
				return -1
			case keys[a] > keys[b]:
				return 1
			}
			return 0
		})
		return p
	}).WithLabel("permutation")
}

func TestAlphaLaws(t *testing.T) {
	props := properties(t)
	props.Property("alpha is invariant under item reordering", prop.ForAll(
		func(rows [][]float64, perm []int, listwise bool) string {
			permuted := make([][]float64, len(rows))
			for i, r := range rows {
				permuted[i] = make([]float64, len(r))
				for j, src := range perm {
					permuted[i][j] = r[src]
				}
			}
			if len(rows) == 0 {
				return ""
			}
			opts := &metrics.AlphaOptions{Listwise: listwise}
			a, err1 := metrics.CronbachAlpha(rows, opts)
			b, err2 := metrics.CronbachAlpha(permuted, opts)
			if err1 != nil || err2 != nil {
				return fmt.Sprint(err1, err2)
			}
			// Item diagnostics follow their items.
			back := metrics.Alpha{Raw: b.Raw, Standardized: b.Standardized, Feldt: b.Feldt, N: b.N,
				AlphaIfDeleted: make([]float64, 4), ItemRest: make([]float64, 4)}
			for j, src := range perm {
				back.AlphaIfDeleted[src] = b.AlphaIfDeleted[j]
				back.ItemRest[src] = b.ItemRest[j]
			}
			if !alphaEqual(a, back, 1e-9) {
				return fmt.Sprintf("alpha %+v, permuted %+v", a, back)
			}
			return ""
		}, rowsGen(), permGen(4), gen.Bool().WithLabel("listwise")))
	props.Property("alpha is at most 1", prop.ForAll(
		func(rows [][]float64) bool {
			if len(rows) == 0 {
				return true
			}
			a, err := metrics.CronbachAlpha(rows, &metrics.AlphaOptions{Listwise: true})
			return err == nil && !(a.Raw > 1+1e-12) && !(a.Standardized > 1+1e-12)
		}, rowsGen()))
	props.TestingRun(t)
}

func TestWilsonLaws(t *testing.T) {
	props := properties(t)
	props.Property("the Wilson interval lies in [0, 1] and contains the estimate", prop.ForAll(
		func(a, b int64, level float64) string {
			p := metrics.Proportion{Successes: min(a, b), N: max(a, b)}
			iv := p.Wilson(level)
			if p.N == 0 {
				if math.IsNaN(iv.Lower) && math.IsNaN(iv.Upper) {
					return ""
				}
				return fmt.Sprintf("N = 0 gives %v", iv)
			}
			if !(iv.Lower >= 0 && iv.Upper <= 1 && iv.Contains(p.Value())) {
				return fmt.Sprintf("%v at %v gives %v", p, level, iv)
			}
			return ""
		}, gen.Int64Range(0, 2000).WithLabel("a"), gen.Int64Range(0, 2000).WithLabel("b"), gen.Float64Range(0.5, 0.999).WithLabel("level")))
	props.Property("a higher level gives a wider interval", prop.ForAll(
		func(a, b int64) bool {
			p := metrics.Proportion{Successes: min(a, b), N: max(a, b) + 1}
			narrow, wide := p.Wilson(0.8), p.Wilson(0.99)
			return wide.Lower <= narrow.Lower && wide.Upper >= narrow.Upper
		}, gen.Int64Range(0, 500), gen.Int64Range(0, 500)))
	props.TestingRun(t)
}

func TestNPSLaws(t *testing.T) {
	props := properties(t)
	counts := func(l string) gopter.Gen { return gen.Int64Range(0, 1000).WithLabel(l) }
	props.Property("the score lies in [-100, 100] and the interval contains it", prop.ForAll(
		func(p, a, d int64) string {
			s := metrics.NPS{Promoters: p, Passives: a, Detractors: d}
			score, iv := s.Score(), s.CI(0.95)
			if s.N() == 0 {
				if math.IsNaN(score) && math.IsNaN(iv.Lower) {
					return ""
				}
				return "an empty NPS must be NaN"
			}
			if !(score >= -100 && score <= 100) {
				return fmt.Sprintf("score %v", score)
			}
			if !(iv.Lower >= -100 && iv.Upper <= 100 && iv.Contains(score)) {
				return fmt.Sprintf("interval %v for score %v", iv, score)
			}
			return ""
		}, counts("promoters"), counts("passives"), counts("detractors")))
	props.Property("a tally's NPS counts every answer", prop.ForAll(
		func(answers []int) bool {
			tl := metrics.NewTally(0, 10)
			for _, v := range answers {
				_ = tl.Add(v)
			}
			return tl.NPS().N() == tl.N()
		}, gen.SliceOf(gen.IntRange(0, 10))))
	props.TestingRun(t)
}

func TestAdjustLaws(t *testing.T) {
	props := properties(t)
	pvals := gen.SliceOf(gen.OneGenOf(
		gen.Float64Range(0, 1),
		gen.OneConstOf(0.0, 0.01, 0.05, 1.0, math.NaN()), // ties, bounds and missing values
	)).WithLabel("p")
	for _, m := range []struct {
		name   string
		adjust func([]float64) []float64
	}{{"BH", metrics.AdjustBH}, {"Holm", metrics.AdjustHolm}} {
		props.Property(m.name+" adjusted p >= raw p, <= 1, and monotone in raw p", prop.ForAll(
			func(p []float64) string {
				q := m.adjust(p)
				for i := range p {
					if math.IsNaN(p[i]) != math.IsNaN(q[i]) {
						return fmt.Sprintf("NaN moved at %d", i)
					}
					if math.IsNaN(p[i]) {
						continue
					}
					if q[i] < p[i] || q[i] > 1 {
						return fmt.Sprintf("q[%d] = %v for p = %v", i, q[i], p[i])
					}
					for j := range p {
						if p[i] <= p[j] && q[i] > q[j] {
							return fmt.Sprintf("p[%d] = %v <= p[%d] = %v but q %v > %v", i, p[i], j, p[j], q[i], q[j])
						}
					}
				}
				return ""
			}, pvals))
	}
	props.TestingRun(t)
}

func TestRankLaws(t *testing.T) {
	props := properties(t)
	pairs := gen.SliceOf(gen.IntRange(0, 400)).Map(func(coded []int) [2][]float64 {
		// Small integer values, so ties are frequent.
		x := make([]float64, len(coded))
		y := make([]float64, len(coded))
		for i, c := range coded {
			x[i], y[i] = float64(c%20), float64(c/20)
		}
		return [2][]float64{x, y}
	}).WithLabel("pairs")
	props.Property("Spearman lies in [-1, 1]", prop.ForAll(
		func(xy [2][]float64) bool {
			r := metrics.Spearman(xy[0], xy[1])
			return math.IsNaN(r) || (r >= -1 && r <= 1)
		}, pairs))
	props.Property("Spearman is invariant under increasing transforms", prop.ForAll(
		func(xy [2][]float64) string {
			fx := make([]float64, len(xy[0]))
			fy := make([]float64, len(xy[1]))
			for i := range fx {
				fx[i] = math.Exp(xy[0][i] / 3)
				fy[i] = xy[1][i]*xy[1][i]*xy[1][i] - 50
			}
			a, b := metrics.Spearman(xy[0], xy[1]), metrics.Spearman(fx, fy)
			if !near(a, b, 1e-12) {
				return fmt.Sprintf("%v before, %v after", a, b)
			}
			return ""
		}, pairs))
	props.Property("Spearman changes sign under a decreasing transform", prop.ForAll(
		func(xy [2][]float64) bool {
			neg := make([]float64, len(xy[0]))
			for i, v := range xy[0] {
				neg[i] = -v
			}
			return near(metrics.Spearman(neg, xy[1]), -metrics.Spearman(xy[0], xy[1]), 1e-12)
		}, pairs))
	props.Property("Cliff's delta is 2U/(n1 n2) - 1 for the U of MannWhitney", prop.ForAll(
		func(xy [2][]float64) bool {
			x, y := xy[0], xy[1][:len(xy[1])/2]
			if len(x) == 0 || len(y) == 0 {
				return true
			}
			u := metrics.MannWhitney(x, y).Statistic
			return near(metrics.CliffDelta(x, y), 2*u/float64(len(x)*len(y))-1, 1e-12)
		}, pairs))
	props.TestingRun(t)
}
