package cx_test

import (
	"math/rand"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
	"github.com/cxculture/cxculture/survey"
)

// TestPlanWavesSideBySideEqualsOneByOne: without the wave-difference
// rule, a plan makes its waves' plans side by side and gathers them; the
// plan must be the one made wave after wave (every hidden cell and
// reason, comment, figure, exposure and withheld invited count, in the
// same order), on generated organizations of three waves with invited
// counts, comments and, in small organizations, segments.
func TestPlanWavesSideBySideEqualsOneByOne(t *testing.T) {
	seed := cxgen.Seed(t)
	runs := cxgen.Runs(t, 30)
	var figures, spread int // cases with hidden figures; with hidden cells in several waves
	for i := range runs {
		r := rand.New(rand.NewSource(seed + int64(i)))
		units := cxgen.UnitsFrom(r, 10)
		h, err := cx.NewHierarchy(units)
		require.NoError(t, err)
		ids := cxgen.UnitIDs(units)
		s := cxgen.SurveyFrom(r, "s")
		s.Segments = []survey.Segment{{Key: "tenure", Name: "Tenure", Values: []string{"0-2y", "2-5y", "5y+"}}}
		tl := cx.NewTallier(s)
		segs := cx.NewSegments()
		var waves []survey.Wave
		for k := range 3 {
			w := cxgen.WaveFrom(r, "w"+string(rune('1'+k)), s.ID, ids)
			waves = append(waves, w)
			for range 10 + r.Intn(40) {
				resp := cxgen.ResponseFrom(r, s, w, ids)
				delete(resp.Segments, "role") // one attribute: two make the plans slow
				require.NoError(t, tl.Add(resp))
				segs.AddResponse(resp)
			}
		}
		if i%2 != 0 || len(ids) > 6 {
			segs = nil // segments make the plans of larger organizations slow
		}
		p := cx.Privacy{MinScores: 3 + r.Intn(3), MinComments: 6}
		apart, err := p.PlanWaves(s, h, tl.Tallies(), waves, segs)
		require.NoError(t, err)
		restore := cx.PlanWavesOneByOne()
		serial, err := p.PlanWaves(s, h, tl.Tallies(), waves, segs)
		restore()
		require.NoError(t, err)
		if !reflect.DeepEqual(apart, serial) {
			t.Fatalf("case %d (seed %d): the waves planned side by side differ from the waves planned one by one:\n%v\n%v",
				i, seed, apart.HiddenCells(), serial.HiddenCells())
		}
		inWaves := map[string]bool{}
		for _, c := range apart.HiddenCells() {
			inWaves[c.Cell.Wave] = true
		}
		if len(inWaves) > 1 {
			spread++
		}
		if cx.FiguresHiddenIn(apart) > 0 {
			figures++
		}
	}
	// The cases must exercise the gathering: hidden cells in several
	// waves, and hidden figures.
	require.Greater(t, spread, runs/4, "cases with hidden cells in several waves")
	require.Greater(t, figures, 0, "cases with hidden figures")
}
