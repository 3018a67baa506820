package cx

import (
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"
)

// smallLP is max c·t subject to a t <= b (b >= 0), t free.
type smallLP struct {
	a    [][]float64
	b, c []float64
}

func genSmallLP() gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		r := p.Rng
		d, m := 1+r.Intn(4), 1+r.Intn(8)
		q := smallLP{c: make([]float64, d)}
		for j := range d {
			q.c[j] = float64(r.Intn(7) - 3)
		}
		for range m {
			row := make([]float64, d)
			for j := range row {
				row[j] = float64(r.Intn(5) - 2)
			}
			q.a = append(q.a, row)
			q.b = append(q.b, float64(r.Intn(4))) // zeros make degenerate vertices
		}
		return gopter.NewGenResult(q, gopter.NoShrinker)
	}
}

// gonumMax solves q with gonum's Simplex in standard form: t = t+ - t-,
// one slack per row. A variable in no row (which Simplex refuses) makes
// the program unbounded when it raises the objective, and is dropped
// otherwise.
func gonumMax(q smallLP) (float64, error) {
	d, m := len(q.c), len(q.a)
	var cols [][]float64
	var c []float64
	for j := range 2*d + m {
		col := make([]float64, m)
		zero := true
		for i, row := range q.a {
			switch {
			case j < d:
				col[i] = row[j]
			case j < 2*d:
				col[i] = -row[j-d]
			case j-2*d == i:
				col[i] = 1
			}
			zero = zero && col[i] == 0
		}
		var cj float64
		switch {
		case j < d:
			cj = -q.c[j]
		case j < 2*d:
			cj = q.c[j-d]
		}
		if zero {
			if cj < 0 {
				return 0, lp.ErrUnbounded
			}
			continue
		}
		cols, c = append(cols, col), append(c, cj)
	}
	a := mat.NewDense(m, len(cols), nil)
	for j, col := range cols {
		for i, x := range col {
			a.Set(i, j, x)
		}
	}
	f, _, err := lp.Simplex(c, a, q.b, 1e-10, nil)
	return -f, err
}

// The audit's simplex agrees with gonum's on small programs, bounded or
// not, including degenerate ones.
func TestMaximizeAgreesWithGonum(t *testing.T) {
	// This test is in package cx, which package cxgen imports: its
	// conventions are repeated here (a fixed default seed, printed, and
	// CXCULTURE_GOPTER_SEED to replay another).
	seed := int64(20261207)
	if s, err := strconv.ParseInt(os.Getenv("CXCULTURE_GOPTER_SEED"), 10, 64); err == nil {
		seed = s
	}
	fmt.Fprintf(os.Stderr, "%s: seed %d (replay with CXCULTURE_GOPTER_SEED=%d)\n", t.Name(), seed, seed)
	params := gopter.DefaultTestParametersWithSeed(seed)
	params.MinSuccessfulTests = 500
	if testing.Short() {
		params.MinSuccessfulTests = 100
	}
	props := gopter.NewProperties(params)
	props.Property("maximize = lp.Simplex", prop.ForAll(func(q smallLP) bool {
		got, ok := maximize(q.a, q.b, q.c)
		if !ok {
			return false
		}
		want, err := gonumMax(q)
		if errors.Is(err, lp.ErrUnbounded) {
			return math.IsInf(got, 1)
		}
		return err == nil && math.Abs(got-want) < 1e-7
	}, genSmallLP()))
	props.TestingRun(t)
}

// A region parametrizes the solutions of its equations: every point it
// reaches satisfies them, and span finds the range of a count pinned by
// them (x + y = 4, y = 1 pins x) or left free (x + y = 4 alone).
func TestRegionSpan(t *testing.T) {
	z0 := []float64{3, 1}
	pinned := newRegion(z0, []map[int]float64{{0: 1, 1: 1}, {1: 1}})
	for i := range z0 {
		pinned.atMost(map[int]float64{i: -1}, 0)
	}
	lo, hi, ok := pinned.span(map[int]float64{0: 1})
	if !ok || lo != 3 || hi != 3 {
		t.Errorf("pinned: span %v..%v (ok %v), want 3..3", lo, hi, ok)
	}
	free := newRegion(z0, []map[int]float64{{0: 1, 1: 1}})
	for i := range z0 {
		free.atMost(map[int]float64{i: -1}, 0)
	}
	lo, hi, ok = free.span(map[int]float64{0: 1})
	if !ok || lo != 0 || hi != 4 {
		t.Errorf("free: span %v..%v (ok %v), want 0..4", lo, hi, ok)
	}
	if !free.moves(map[int]float64{0: 1}, true, true) || pinned.moves(map[int]float64{0: 1}, true, true) {
		t.Error("moves: want a move in the free region only")
	}
	free.atMost(map[int]float64{0: 1}, 3) // x <= 3: x can only fall
	if free.moves(map[int]float64{0: 1}, true, false) || !free.moves(map[int]float64{1: 1}, true, false) || !free.moves(map[int]float64{0: 1}, false, true) {
		t.Error("moves up: x is at its bound, y is not; x can still fall")
	}
}
