package metrics_test

import (
	"encoding/json"
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/metrics"
)

// References from R 4.2.2 with psych 2.2.9:
//
//	library(psych)
//	A <- bfi[1:200, c("A1","A2","A3","A4","A5")]; A$A1 <- 7 - A$A1
//	C <- bfi[1:150, c("C1","C2","C3","C4","C5")]; C$C4 <- 7 - C$C4; C$C5 <- 7 - C$C5
//	a <- alpha(x, use = "pairwise", warnings = FALSE)   # x = A, na.omit(A), C, na.omit(C), A[, 2:3]
//	a$total$raw_alpha; a$total$std.alpha; a$alpha.drop$raw_alpha; a$item.stats$r.drop
//	alpha.ci(a$total$raw_alpha, nrow(x), ncol(x), p.val = 1 - level)   # Feldt; nrow(x) = N here
//
// No row of A or C is entirely missing, so psych's N (all rows) equals
// ours (rows with an answer).
func TestCronbachAlphaMatchesPsych(t *testing.T) {
	A := reverse(bfiA, 1, 6, 0)
	C := reverse(bfiC, 1, 6, 3, 4)
	tests := []struct {
		name         string
		rows         [][]float64
		opts         *metrics.AlphaOptions
		raw, std     float64
		n            int
		drop, rdrop  []float64
		lower, upper float64
	}{
		{
			name: "bfi A pairwise", rows: A, raw: 0.71358336057472826, std: 0.72686269416137661, n: 200,
			drop:  []float64{0.72690506983455327, 0.62962936685845627, 0.59701681206259072, 0.73758694566159932, 0.6225326289578712},
			rdrop: []float64{0.31710218498433418, 0.581912159321052, 0.63824076424021459, 0.31431239331603555, 0.57559509572965439},
			lower: 0.64565755060225305, upper: 0.77187139188844267,
		},
		{
			name: "bfi A pairwise level 0.9", rows: A, opts: &metrics.AlphaOptions{Level: 0.9},
			raw: 0.71358336057472826, std: 0.72686269416137661, n: 200,
			drop:  []float64{0.72690506983455327, 0.62962936685845627, 0.59701681206259072, 0.73758694566159932, 0.6225326289578712},
			rdrop: []float64{0.31710218498433418, 0.581912159321052, 0.63824076424021459, 0.31431239331603555, 0.57559509572965439},
			lower: 0.65751171717176637, upper: 0.76329761517321282,
		},
		{
			// alpha(na.omit(A)): listwise deletion keeps the 197 complete rows.
			name: "bfi A listwise", rows: A, opts: &metrics.AlphaOptions{Listwise: true},
			raw: 0.71485623990761371, std: 0.72756428128523321, n: 197,
			drop:  []float64{0.72943116095359006, 0.63041796678828899, 0.59865593723861432, 0.73726965529129096, 0.62449601724478776},
			rdrop: []float64{0.31468747542514769, 0.58515542460593395, 0.63895098176146692, 0.31831592915758594, 0.5758180466653664},
			lower: 0.6466768601188192, upper: 0.77329351413965175,
		},
		{
			name: "bfi C pairwise", rows: C, raw: 0.71137863485288677, std: 0.72409051632517007, n: 150,
			drop:  []float64{0.64377165227022903, 0.65961595943689844, 0.64000327989330819, 0.65692814080656237, 0.71944372122120903},
			rdrop: []float64{0.52516797090017309, 0.47829768636306774, 0.53751397278835222, 0.48397487345165041, 0.36406297346014377},
			lower: 0.63132348290246376, upper: 0.77845409173812985,
		},
		{
			name: "bfi C listwise", rows: C, opts: &metrics.AlphaOptions{Listwise: true},
			raw: 0.70545131340867584, std: 0.71868600628147461, n: 147,
			drop:  []float64{0.63643864204421352, 0.65037282180139322, 0.63537740684681199, 0.65121202232430486, 0.71431774435772155},
			rdrop: []float64{0.52015915872407581, 0.47840317053242443, 0.52572475559240894, 0.47525267418185579, 0.35667499837978456},
			lower: 0.62284204855829683, upper: 0.77454140064219645,
		},
		{
			// Alpha of one item is undefined, so alpha if deleted is NaN
			// with two items (psych reports other numbers there).
			name: "two items", rows: columns(A, 1, 2), raw: 0.70648415077888482, std: 0.71020122913327244, n: 200,
			drop:  []float64{math.NaN(), math.NaN()},
			rdrop: []float64{0.55062948203619944, 0.55062948203619944},
			lower: 0.61215506177933943, upper: 0.77787114061811646,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := metrics.CronbachAlpha(tc.rows, tc.opts)
			require.NoError(t, err)
			checkNear(t, "Raw", a.Raw, tc.raw, tolR)
			checkNear(t, "Standardized", a.Standardized, tc.std, tolR)
			require.Equal(t, tc.n, a.N)
			checkSlice(t, "AlphaIfDeleted", a.AlphaIfDeleted, tc.drop, tolR)
			checkSlice(t, "ItemRest", a.ItemRest, tc.rdrop, tolR)
			checkNear(t, "Feldt.Lower", a.Feldt.Lower, tc.lower, tolFeldt)
			checkNear(t, "Feldt.Upper", a.Feldt.Upper, tc.upper, tolFeldt)
		})
	}
}

// columns returns the given columns of rows.
func columns(rows [][]float64, cols ...int) [][]float64 {
	out := make([][]float64, len(rows))
	for i, r := range rows {
		for _, c := range cols {
			out[i] = append(out[i], r[c])
		}
	}
	return out
}

func TestCronbachAlphaInvalidInput(t *testing.T) {
	tests := []struct {
		name string
		rows [][]float64
		opts *metrics.AlphaOptions
	}{
		{"no rows", nil, nil},
		{"one item", [][]float64{{1}, {2}}, nil},
		{"ragged rows", [][]float64{{1, 2}, {1, 2, 3}}, nil},
		{"infinite answer", [][]float64{{1, 2}, {1, math.Inf(1)}}, nil},
		{"level 1", [][]float64{{1, 2}, {2, 3}}, &metrics.AlphaOptions{Level: 1}},
		{"level negative", [][]float64{{1, 2}, {2, 3}}, &metrics.AlphaOptions{Level: -0.5}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := metrics.CronbachAlpha(tc.rows, tc.opts)
			require.Error(t, err)
			require.True(t, errors.Is(err, metrics.ErrInvalid), "%v does not wrap ErrInvalid", err)
			require.Contains(t, err.Error(), "metrics: ")
		})
	}
}

func TestCronbachAlphaUndefined(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name      string
		rows      [][]float64
		n         int
		raw, std  float64
		feldtNaN  bool
		itemRest0 float64
	}{
		{"one respondent", [][]float64{{1, 2, 3}}, 1, nan, nan, true, nan},
		{"all missing", [][]float64{{nan, nan}, {nan, nan}}, 0, nan, nan, true, nan},
		{"identical answers", [][]float64{{3, 3, 3}, {3, 3, 3}, {3, 3, 3}}, 3, nan, nan, true, nan},
		// A constant item keeps raw alpha defined; its correlations are not.
		// x <- data.frame(a = c(3,3,3,3), b = c(1,2,4,5), c = c(2,3,4,4))
		// C <- cov(x); (1 - sum(diag(C))/sum(C)) * 3/2
		{"one constant item", [][]float64{{3, 1, 2}, {3, 2, 3}, {3, 4, 4}, {3, 5, 4}}, 4, 0.65934065934065933, nan, false, nan},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := metrics.CronbachAlpha(tc.rows, nil)
			require.NoError(t, err)
			require.Equal(t, tc.n, a.N)
			checkNear(t, "Raw", a.Raw, tc.raw, tolR)
			checkNear(t, "Standardized", a.Standardized, tc.std, tolR)
			require.Equal(t, tc.feldtNaN, math.IsNaN(a.Feldt.Lower), "Feldt %v", a.Feldt)
			checkNear(t, "ItemRest[0]", a.ItemRest[0], tc.itemRest0, tolR)
		})
	}
}

// The ScaleStats path equals CronbachAlpha, with rows added one at a time,
// in weighted batches, or merged from parts.
func TestScaleStatsAlphaEqualsCronbachAlpha(t *testing.T) {
	A := reverse(bfiA, 1, 6, 0)
	want, err := metrics.CronbachAlpha(A, nil)
	require.NoError(t, err)

	whole := metrics.NewScaleStats(5)
	parts := []*metrics.ScaleStats{metrics.NewScaleStats(5), metrics.NewScaleStats(5), metrics.NewScaleStats(5)}
	for i, r := range A {
		require.NoError(t, whole.Add(r))
		require.NoError(t, parts[i%3].Add(r))
	}
	merged := metrics.NewScaleStats(5)
	for _, p := range parts {
		require.NoError(t, merged.Merge(p))
	}
	require.True(t, merged.Equal(whole))
	got, err := merged.Alpha(nil)
	require.NoError(t, err)
	require.Equal(t, want, got)

	// Twice every row: weights and duplicates agree exactly.
	w := metrics.NewScaleStats(5)
	d := metrics.NewScaleStats(5)
	for _, r := range A {
		require.NoError(t, w.AddWeighted(r, 2))
		require.NoError(t, d.Add(r))
		require.NoError(t, d.Add(r))
	}
	require.True(t, w.Equal(d))
	require.Equal(t, int64(400), w.N())
	require.Equal(t, int64(2*197), w.Complete())
}

func TestScaleStatsErrors(t *testing.T) {
	s := metrics.NewScaleStats(3)
	require.ErrorIs(t, s.Add([]float64{1, 2}), metrics.ErrInvalid)
	require.ErrorIs(t, s.Add([]float64{1, math.Inf(-1), 2}), metrics.ErrInvalid)
	require.ErrorIs(t, s.AddWeighted([]float64{1, 2, 3}, -1), metrics.ErrInvalid)
	require.ErrorIs(t, s.Merge(metrics.NewScaleStats(4)), metrics.ErrScaleMismatch)
	require.NoError(t, s.Merge(nil))
	require.Equal(t, int64(0), s.N(), "failed calls must leave s unchanged")
	require.Equal(t, 3, s.K())

	one := metrics.NewScaleStats(1)
	require.NoError(t, one.Add([]float64{4}))
	_, err := one.Alpha(nil)
	require.ErrorIs(t, err, metrics.ErrInvalid)
	_, err = s.Alpha(&metrics.AlphaOptions{Level: 2})
	require.ErrorIs(t, err, metrics.ErrInvalid)

	mustPanic(t, "NewScaleStats(0)", func() { metrics.NewScaleStats(0) })
}

// Cov agrees with R cov(A, use = "pairwise") and cov(na.omit(A)).
//
//	A <- bfi[1:200, c("A1","A2","A3","A4","A5")]; A$A1 <- 7 - A$A1
//	cov(A, use = "pairwise")[1, ]; cov(na.omit(A))[1, ]
func TestScaleStatsCov(t *testing.T) {
	s := metrics.NewScaleStats(5)
	for _, r := range reverse(bfiA, 1, 6, 0) {
		require.NoError(t, s.Add(r))
	}
	checkSlice(t, "pairwise", s.Cov(false)[:5], []float64{
		1.8683315567737677, 0.63167205045377639, 0.48101619207146845, 0.12603189252935446, 0.46809806608801585,
	}, tolR)
	checkSlice(t, "listwise", s.Cov(true)[:5], []float64{
		1.8714907282710038, 0.63674505335128972, 0.48137884595462549, 0.12457267170827722, 0.46128146690148142,
	}, tolR)
}

func TestScaleStatsJSON(t *testing.T) {
	s := metrics.NewScaleStats(5)
	for _, r := range reverse(bfiA, 1, 6, 0) {
		require.NoError(t, s.Add(r))
	}
	data, err := json.Marshal(s)
	require.NoError(t, err)
	var back metrics.ScaleStats
	require.NoError(t, json.Unmarshal(data, &back))
	require.True(t, back.Equal(s), "the JSON round trip must be exact")
	a, _ := s.Alpha(nil)
	b, _ := back.Alpha(nil)
	require.Equal(t, a, b)

	bad := []string{
		`{"k": 0}`,
		`{"k": 2, "item_n": [1]}`,
		`{"k": 1, "n": -1, "item_n": [0], "item_sum": [0], "item_sum_sq": [0], "complete_sum": [0], "complete_cross": [0]}`,
		`[1, 2]`,
	}
	for _, in := range bad {
		var x metrics.ScaleStats
		require.ErrorIs(t, json.Unmarshal([]byte(in), &x), metrics.ErrInvalid, in)
	}
	var one metrics.ScaleStats
	require.NoError(t, json.Unmarshal([]byte(`{"k": 1, "n": 2, "item_n": [2], "item_sum": [7], "item_sum_sq": [25], "pair_n": [], "complete_n": 2, "complete_sum": [7], "complete_cross": [25]}`), &one))
	require.Equal(t, 1, one.K())
	require.Equal(t, int64(2), one.N())
}

func TestScaleStatsClone(t *testing.T) {
	s := metrics.NewScaleStats(3)
	require.NoError(t, s.Add([]float64{1, 2, 3}))
	c := s.Clone()
	require.True(t, c.Equal(s))
	require.NoError(t, c.Add([]float64{2, 2, 2}))
	require.False(t, c.Equal(s), "a clone must not share storage")
	require.Equal(t, int64(1), s.N())
}
