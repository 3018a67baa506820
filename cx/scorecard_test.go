package cx_test

import (
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/metrics"
	"github.com/cxculture/cxculture/survey"
)

// scRows is a small hand-made data set: unit, wave, then the answers to
// a1, a2 (reverse keyed), e1, e2 and enps, "." for a skipped item. The
// references in the tests below were computed from it with R 4.2.2:
// favorable counts and means after keying a2 as 6 - a2; Wilson intervals
// as prop.test(x, n, correct = FALSE)$conf.int; mean intervals as
// t.test(x)$conf.int; changes as prop.test(c(x2, x1), c(n2, n1),
// correct = FALSE) with z = sign(p2 - p1) sqrt(X-squared) and
// p.adjust(p, "BH"); eNPS as 100 (p - d) ± qnorm(0.975) 100
// sqrt(((p + d) - (p - d)^2) / n); alpha as k/(k-1) (1 - sum(diag(C)) /
// sum(C)) with C = cov(X, use = "pairwise.complete.obs"), or listwise
// over complete.cases(X), and Feldt's interval 1 - (1 - alpha)
// qf(c(0.975, 0.025), N - 1, (N - 1)(k - 1)).
var scRows = []string{
	"team_a w1 4 2 4 4 6", "team_a w1 3 2 5 4 10", "team_a w1 4 2 . 2 .", "team_a w1 4 . 4 3 8",
	"team_a w1 5 1 4 2 9", "team_a w1 4 4 2 3 3", "team_a w1 2 4 5 2 7", "team_a w1 3 3 4 2 5",
	"team_b w1 . 2 4 4 6", "team_b w1 4 2 2 4 3", "team_b w1 4 2 2 . 10", "team_b w1 4 3 2 4 3",
	"team_b w1 3 3 4 3 6", "team_b w1 3 2 3 5 7",
	"team_c w1 4 2 . . 8", "team_c w1 5 2 4 4 5",
	"team_a w2 5 1 4 4 6", "team_a w2 5 3 4 4 .", "team_a w2 5 1 5 4 4", "team_a w2 4 3 . 5 .",
	"team_a w2 4 3 4 5 7", "team_a w2 4 1 3 5 4", "team_a w2 5 . 5 5 .", "team_a w2 3 1 5 5 10",
	"team_a w2 5 1 . 5 .",
	"team_b w2 1 3 3 1 6", "team_b w2 2 4 3 2 8", "team_b w2 3 4 3 2 6", "team_b w2 1 4 1 2 9",
	"team_b w2 3 4 3 1 8",
	"team_c w2 2 3 3 4 .", "team_c w2 4 3 3 5 5", "team_c w2 5 3 5 4 3",
}

func scSurvey() survey.Survey {
	item := func(id, construct string, reverse bool) survey.Item {
		return survey.Item{ID: id, Text: "Statement " + id, Scale: survey.Likert5, Construct: construct, Kind: survey.Behavior, Version: 1, Reverse: reverse}
	}
	return survey.Survey{ID: "pulse", Name: "Pulse", Audience: survey.Employee, Version: 1, Items: []survey.Item{
		item("a1", "agility", false), item("a2", "agility", true), item("e1", "empowerment", false), item("e2", "empowerment", false),
		{ID: "enps", Text: "Recommend", Scale: survey.NPS, Construct: survey.ENPS, Kind: survey.Outcome, Version: 1},
	}}
}

var scUnits = []cx.Unit{{ID: "org", Name: "Org"}, {ID: "team_a", Parent: "org", Name: "A"}, {ID: "team_b", Parent: "org", Name: "B"},
	{ID: "team_c", Parent: "org", Name: "C"}}

var scOpens = map[string]time.Time{"w1": time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), "w2": time.Date(2026, 4, 6, 0, 0, 0, 0, time.UTC)}

func scResponses(t testing.TB) []survey.Response {
	t.Helper()
	ids := []string{"a1", "a2", "e1", "e2", "enps"}
	var rs []survey.Response
	for i, row := range scRows {
		f := strings.Fields(row)
		r := survey.Response{ID: cxgen.IDOf(i + 1), Survey: "pulse", Unit: f[0], Wave: f[1],
			Submitted: scOpens[f[1]].Add(time.Duration(i) * time.Hour), Answers: map[string]int{}}
		for j, v := range f[2:] {
			if v != "." {
				n, err := strconv.Atoi(v)
				require.NoError(t, err)
				r.Answers[ids[j]] = n
			}
		}
		rs = append(rs, r)
	}
	return rs
}

// scProgram returns a program holding the hand-made data, with the
// invited counts of wave w2.
func scProgram(t *testing.T) *cx.Program {
	t.Helper()
	ctx := t.Context()
	p, err := cx.New(memstore.New(), &cx.Options{Now: func() time.Time { return scOpens["w2"].Add(60 * 24 * time.Hour) }})
	require.NoError(t, err)
	require.NoError(t, p.DefineUnits(ctx, scUnits...))
	require.NoError(t, p.DefineSurvey(ctx, scSurvey()))
	require.NoError(t, p.OpenWave(ctx, survey.Wave{ID: "w1", Survey: "pulse", Opens: scOpens["w1"], Closes: scOpens["w1"].Add(14 * 24 * time.Hour)}))
	require.NoError(t, p.OpenWave(ctx, survey.Wave{ID: "w2", Survey: "pulse", Opens: scOpens["w2"], Closes: scOpens["w2"].Add(14 * 24 * time.Hour),
		Invited: map[string]int{"team_a": 12, "team_b": 4, "team_c": 10}}))
	_, err = p.RecordResponses(ctx, scResponses(t))
	require.NoError(t, err)
	return p
}

const scTol = 1e-9

func scNear(t *testing.T, want, got float64, what string, args ...any) {
	t.Helper()
	if math.IsNaN(want) {
		assert.True(t, math.IsNaN(got), append([]any{what + ": want NaN, got %v"}, append(args, got)...)...)
		return
	}
	assert.InDelta(t, want, got, scTol, append([]any{what}, args...)...)
}

type behaviorRef struct {
	x, n           int64
	lo, hi         float64 // Wilson
	mean, mlo, mhi float64
}

type changeRef struct {
	z, p, bh float64
}

func TestScorecardMatchesR(t *testing.T) {
	p := scProgram(t)
	// MinGroup: the bare threshold the references were computed under
	// (the program's default rules would also hide a sibling of the small
	// team; see TestProgramScorecardDefaultPrivacy).
	sc, err := p.Scorecard(t.Context(), "pulse", cx.ScorecardOptions{Wave: "w2", Baseline: "w1", UnitMinimumOnly: true})
	require.NoError(t, err)
	assert.Equal(t, []string{"agility", "empowerment"}, sc.Behaviors)
	assert.Equal(t, 5, sc.MinGroup)
	assert.Equal(t, 0.95, sc.Level)
	assert.Equal(t, 0.05, sc.FDR)
	assert.Equal(t, []string{"org", "team_a", "team_b", "team_c"}, scUnitIDs(sc), "parents before children")

	wave := map[string][2]behaviorRef{
		"org": {{15, 33, 0.29842938513876111, 0.62014061463782522, 3.4848484848484849, 3.0231968223850023, 3.9465001473119674},
			{19, 32, 0.42260024875382868, 0.7448036515733456, 3.65625, 3.1838574153517838, 4.1286425846482162}},
		"team_a": {{13, 17, 0.52738201880435021, 0.90444955677919869, 4.3529411764705879, 3.9098600690503709, 4.7960222838908049},
			{15, 16, 0.71671262429701066, 0.98888065523535751, 4.5, 4.1629882359150141, 4.8370117640849859}},
		"team_b": {{0, 10, 0, 0.27753279986288915, 2.1, 1.5721633286804189, 2.6278366713195811},
			{0, 10, 0, 0.27753279986288915, 2.1, 1.4736370443276461, 2.7263629556723541}},
	}
	base := map[string][2]behaviorRef{
		"org":    {{x: 20, n: 30, lo: 0.48780051644543848, hi: 0.80769501916323849}, {x: 16, n: 28, lo: 0.39070785627468768, hi: 0.73491452875876295}},
		"team_a": {{x: 9, n: 15, lo: 0.35746830120624606, hi: 0.80175503858658403}, {x: 8, n: 15, lo: 0.30116980025498397, hi: 0.7519046463426261}},
		"team_b": {{x: 7, n: 11, lo: 0.35380117450784904, hi: 0.84833528904632438}, {x: 6, n: 11, lo: 0.28009153740932202, hi: 0.78728728377540236}},
	}
	changes := map[string][2]changeRef{
		"org":    {{-1.6922282244532987, 0.0906024670029109, 0.13590370050436634}, {0.17496355305594138, 0.86110827222743003, 0.86110827222743003}},
		"team_a": {{1.003096809164574, 0.31581415409888425, 0.37897698491866111}, {2.5700291474690671, 0.010168995862406075, 0.020337991724812151}},
		"team_b": {{-3.0895719032666231, 0.0020044518128686439, 0.012026710877211863}, {-2.7633971188310298, 0.0057203122482973115, 0.017160936744891934}},
	}
	enps := map[string]struct {
		nps        metrics.NPS
		score      float64
		lo, hi     float64
		n          int64
		rate       float64
		rlo, rhi   float64
		invited    int64
		responding int64
	}{
		"org":    {metrics.NPS{Promoters: 2, Passives: 3, Detractors: 7}, -41.666666666666671, -84.621819455867524, 1.2884861225341737, 17, 17.0 / 26, 0.46220571188810822, 0.80587769677059484, 26, 17},
		"team_a": {metrics.NPS{Promoters: 1, Passives: 1, Detractors: 3}, -40, -100, 30.121803246126518, 9, 9.0 / 12, 0.46769466506643442, 0.91105833160594518, 12, 9},
		// Five responded of four invited: the rate is capped at 4 of 4.
		"team_b": {metrics.NPS{Promoters: 1, Passives: 2, Detractors: 2}, -20, -85.592940772444564, 45.592940772444564, 5, 1, 0.51010916354540281, 1, 4, 4},
	}
	for _, id := range []string{"org", "team_a", "team_b"} {
		u, ok := sc.Unit(id)
		require.True(t, ok)
		require.False(t, u.Suppressed, id)
		e := enps[id]
		assert.Equal(t, e.n, u.Respondents, id)
		require.NotNil(t, u.ResponseRate, id)
		assert.Equal(t, metrics.Proportion{Successes: e.responding, N: e.invited}, u.ResponseRate.Proportion, id)
		scNear(t, e.rate, u.ResponseRate.Value, "response rate", id)
		scNear(t, e.rlo, u.ResponseRate.Interval.Lower, "response rate lower", id)
		scNear(t, e.rhi, u.ResponseRate.Interval.Upper, "response rate upper", id)
		require.NotNil(t, u.ENPS, id)
		assert.Equal(t, e.nps, u.ENPS.NPS, id)
		scNear(t, e.score, u.ENPS.Score, "eNPS", id)
		scNear(t, e.lo, u.ENPS.Interval.Lower, "eNPS lower", id)
		scNear(t, e.hi, u.ENPS.Interval.Upper, "eNPS upper", id)
		require.Len(t, u.Behaviors, 2)
		for j, b := range u.Behaviors {
			w, bl, c := wave[id][j], base[id][j], changes[id][j]
			assert.Equal(t, sc.Behaviors[j], b.Behavior)
			assert.Equal(t, metrics.Proportion{Successes: w.x, N: w.n}, b.Favorable.Proportion, "%s %s", id, b.Behavior)
			scNear(t, float64(w.x)/float64(w.n), b.Favorable.Value, "favorable", id, b.Behavior)
			scNear(t, w.lo, b.Favorable.Interval.Lower, "Wilson lower", id, b.Behavior)
			scNear(t, w.hi, b.Favorable.Interval.Upper, "Wilson upper", id, b.Behavior)
			scNear(t, w.mean, b.Mean, "mean", id, b.Behavior)
			scNear(t, w.mlo, b.MeanInterval.Lower, "mean lower", id, b.Behavior)
			scNear(t, w.mhi, b.MeanInterval.Upper, "mean upper", id, b.Behavior)
			require.NotNil(t, b.Change, "%s %s", id, b.Behavior)
			assert.Equal(t, metrics.Proportion{Successes: bl.x, N: bl.n}, b.Change.Baseline.Proportion, "%s %s", id, b.Behavior)
			scNear(t, bl.lo, b.Change.Baseline.Interval.Lower, "baseline Wilson lower", id, b.Behavior)
			scNear(t, bl.hi, b.Change.Baseline.Interval.Upper, "baseline Wilson upper", id, b.Behavior)
			scNear(t, float64(w.x)/float64(w.n)-float64(bl.x)/float64(bl.n), b.Change.Diff, "diff", id, b.Behavior)
			scNear(t, c.z, b.Change.Test.Statistic, "z", id, b.Behavior)
			scNear(t, c.p, b.Change.Test.P, "p", id, b.Behavior)
			scNear(t, c.bh, b.Change.Adjusted, "BH", id, b.Behavior)
			assert.Equal(t, c.bh < 0.05, b.Change.Significant, "%s %s", id, b.Behavior)
		}
	}
	assert.Equal(t, 6, sc.Tests)

	c, ok := sc.Unit("team_c")
	require.True(t, ok)
	assert.True(t, c.Suppressed)
	assert.Equal(t, "fewer than 5 respondents", c.Reason)

	// Pairwise reliability over the whole organization in w2 (team_c's
	// answers included: the organization is shown).
	require.Len(t, sc.Reliability, 2)
	assert.Equal(t, "agility", sc.Reliability[0].Behavior)
	assert.Equal(t, []string{"a1", "a2"}, sc.Reliability[0].Items)
	scNear(t, 0.70122456495718644, sc.Reliability[0].Alpha.Raw, "alpha agility")
	assert.Equal(t, 17, sc.Reliability[0].Alpha.N)
	assert.Equal(t, []string{"e1", "e2"}, sc.Reliability[1].Items)
	scNear(t, 0.70317273795534652, sc.Reliability[1].Alpha.Raw, "alpha empowerment")

	listwise, err := p.Scorecard(t.Context(), "pulse", cx.ScorecardOptions{Wave: "w2", Baseline: "w1", Listwise: true, UnitMinimumOnly: true})
	require.NoError(t, err)
	for i, want := range []struct {
		alpha, lo, hi float64
		n             int
	}{{0.70219435736677105, 0.14765269468955144, 0.89594828278140937, 16}, {0.69718309859154948, 0.098033355377600051, 0.89833540261679656, 15}} {
		a := listwise.Reliability[i].Alpha
		scNear(t, want.alpha, a.Raw, "listwise alpha", i)
		scNear(t, want.lo, a.Feldt.Lower, "Feldt lower", i)
		scNear(t, want.hi, a.Feldt.Upper, "Feldt upper", i)
		assert.Equal(t, want.n, a.N)
	}
}

func scUnitIDs(sc *cx.Scorecard) []string {
	var ids []string
	for _, u := range sc.Units {
		ids = append(ids, u.Unit)
	}
	return ids
}

// scTallies tallies the hand-made data.
func scTallies(t *testing.T) (*cx.Hierarchy, *cx.Tallies) {
	t.Helper()
	h, err := cx.NewHierarchy(scUnits)
	require.NoError(t, err)
	tl, err := tallyAll(scSurvey(), scResponses(t))
	require.NoError(t, err)
	return h, tl
}

func TestScorecardFromTalliesEqualsProgramScorecard(t *testing.T) {
	h, tl := scTallies(t)
	got, err := cx.NewScorecard(h, scSurvey(), tl, cx.ScorecardOptions{Wave: "w2", Baseline: "w1",
		Invited: map[string]int{"team_a": 12, "team_b": 4, "team_c": 10}})
	require.NoError(t, err)
	want, err := scProgram(t).Scorecard(t.Context(), "pulse", cx.ScorecardOptions{Wave: "w2", Baseline: "w1", UnitMinimumOnly: true})
	require.NoError(t, err)
	assert.True(t, sameScorecard(want, got))
}

// sameScorecard compares scorecards, NaN equal to NaN.
func sameScorecard(a, b *cx.Scorecard) bool {
	return reflect.DeepEqual(nanFree(a), nanFree(b))
}

// nanFree returns a copy of v with every NaN float replaced by a marker.
func nanFree(v any) any {
	return mapFloats(v, func(x float64) float64 {
		if math.IsNaN(x) {
			return -12345.6789
		}
		return x
	})
}

// mapFloats returns a copy of v with f applied to every float64 reachable
// through pointers, structs and slices.
func mapFloats(v any, f func(float64) float64) any {
	var walk func(reflect.Value) reflect.Value
	walk = func(v reflect.Value) reflect.Value {
		switch v.Kind() {
		case reflect.Float64:
			return reflect.ValueOf(f(v.Float())).Convert(v.Type())
		case reflect.Pointer:
			if v.IsNil() {
				return v
			}
			out := reflect.New(v.Elem().Type())
			out.Elem().Set(walk(v.Elem()))
			return out
		case reflect.Struct:
			out := reflect.New(v.Type()).Elem()
			for i := range v.NumField() {
				if out.Field(i).CanSet() {
					out.Field(i).Set(walk(v.Field(i)))
				}
			}
			return out
		case reflect.Slice:
			if v.IsNil() {
				return v
			}
			out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
			for i := range v.Len() {
				out.Index(i).Set(walk(v.Index(i)))
			}
			return out
		}
		return v
	}
	return walk(reflect.ValueOf(v)).Interface()
}

func TestScorecardChangeScopeAndMinGroup(t *testing.T) {
	h, tl := scTallies(t)
	leaves, err := cx.NewScorecard(h, scSurvey(), tl, cx.ScorecardOptions{Wave: "w2", Baseline: "w1", ChangeScope: cx.LeavesOnly})
	require.NoError(t, err)
	assert.Equal(t, 4, leaves.Tests, "team_a and team_b, two behaviors each")
	// R: p.adjust(c(0.31581415409888425, 0.010168995862406075,
	// 0.0020044518128686439, 0.0057203122482973115), "BH")
	wantBH := map[string][2]float64{"team_a": {0.31581415409888425, 0.013558661149874767}, "team_b": {0.0080178072514745756, 0.011440624496594623}}
	for _, u := range leaves.Units {
		for j, b := range u.Behaviors {
			require.NotNil(t, b.Change)
			if u.Unit == "org" {
				assert.True(t, math.IsNaN(b.Change.Adjusted), "a roll-up is not tested under LeavesOnly")
				assert.False(t, b.Change.Significant)
				assert.False(t, math.IsNaN(b.Change.Test.P), "its raw test is still reported")
				continue
			}
			scNear(t, wantBH[u.Unit][j], b.Change.Adjusted, "BH over leaves", u.Unit, b.Behavior)
		}
	}

	none, err := cx.NewScorecard(h, scSurvey(), tl, cx.ScorecardOptions{Wave: "w2"})
	require.NoError(t, err)
	assert.Zero(t, none.Tests)
	for _, u := range none.Units {
		for _, b := range u.Behaviors {
			assert.Nil(t, b.Change, "no baseline, no change")
		}
		assert.Nil(t, u.ResponseRate, "no invited counts, no response rate")
	}

	two, err := cx.NewScorecard(h, scSurvey(), tl, cx.ScorecardOptions{Wave: "w2", Baseline: "w1", MinGroup: 2})
	require.NoError(t, err)
	c, _ := two.Unit("team_c")
	require.False(t, c.Suppressed, "three respondents are shown with a minimum of 2")
	assert.Equal(t, metrics.Proportion{Successes: 2, N: 6}, c.Behaviors[0].Favorable.Proportion)
	assert.Equal(t, metrics.Proportion{Successes: 4, N: 4}, c.Behaviors[0].Change.Baseline.Proportion)
	// team_c's empowerment in w1 rests on one person (the other skipped
	// both items): hidden at a minimum of 2, so it is not tested.
	base, _ := two.Unit("team_c")
	assert.Nil(t, base.Behaviors[1].Change, "empowerment rests on one person in the baseline")
	assert.Equal(t, 7, two.Tests)
	one, err := cx.NewScorecard(h, scSurvey(), tl, cx.ScorecardOptions{Wave: "w1", MinGroup: 2})
	require.NoError(t, err)
	c1, _ := one.Unit("team_c")
	require.False(t, c1.Suppressed)
	assert.True(t, c1.Behaviors[1].Suppressed, "empowerment answered by one person")
	assert.Equal(t, "fewer than 2 people answered", c1.Behaviors[1].Reason)
	assert.Zero(t, c1.Behaviors[1].Favorable.N)
	assert.False(t, c1.Behaviors[0].Suppressed, "agility answered by both")

	// team_b has 5 respondents in w2 and 6 in w1: with a minimum of 6 it
	// is shown in neither comparison, and team_a still is.
	six, err := cx.NewScorecard(h, scSurvey(), tl, cx.ScorecardOptions{Wave: "w2", Baseline: "w1", MinGroup: 6})
	require.NoError(t, err)
	b, _ := six.Unit("team_b")
	assert.True(t, b.Suppressed)
	assert.Equal(t, "fewer than 6 respondents", b.Reason)
	assert.Equal(t, 4, six.Tests)
	// With a minimum of 7, team_b is shown in no wave, team_a (8 in w1,
	// 9 in w2) in both.
	w1, err := cx.NewScorecard(h, scSurvey(), tl, cx.ScorecardOptions{Wave: "w1", Baseline: "w2", MinGroup: 7})
	require.NoError(t, err)
	a, _ := w1.Unit("team_a")
	require.NotNil(t, a.Behaviors[0].Change)
	assert.Equal(t, metrics.Proportion{Successes: 13, N: 17}, a.Behaviors[0].Change.Baseline.Proportion, "the baseline can be a later wave")
}

func TestScorecardHeatmap(t *testing.T) {
	h, tl := scTallies(t)
	sc, err := cx.NewScorecard(h, scSurvey(), tl, cx.ScorecardOptions{Wave: "w2", Baseline: "w1"})
	require.NoError(t, err)
	hm := sc.Heatmap()
	assert.Equal(t, []string{"org", "team_a", "team_b", "team_c"}, hm.Units)
	assert.Equal(t, sc.Behaviors, hm.Behaviors)
	require.Len(t, hm.Cells, 4)
	type cell struct {
		value   float64
		n       int64
		sig, up bool
	}
	want := [][]cell{
		{{15.0 / 33, 33, false, false}, {19.0 / 32, 32, false, false}},
		{{13.0 / 17, 17, false, false}, {15.0 / 16, 16, true, true}},
		{{0, 10, true, false}, {0, 10, true, false}},
	}
	for i, row := range want {
		for j, w := range row {
			got := hm.Cells[i][j]
			scNear(t, w.value, got.Value, "value", hm.Units[i], j)
			assert.Equal(t, w.n, got.N)
			assert.Equal(t, w.sig, got.Significant, "%s %d", hm.Units[i], j)
			assert.Equal(t, w.up, got.Up, "%s %d", hm.Units[i], j)
			assert.False(t, got.Suppressed)
		}
	}
	for _, got := range hm.Cells[3] {
		assert.True(t, got.Suppressed)
		assert.True(t, math.IsNaN(got.Value))
		assert.Zero(t, got.N)
		assert.Equal(t, "fewer than 5 respondents", got.Reason)
	}
	hm.Behaviors[0] = "changed"
	assert.Equal(t, "agility", sc.Behaviors[0], "the heatmap does not share the scorecard's slices")
}

func TestScorecardENPSOnlyWhenAnswered(t *testing.T) {
	h, err := cx.NewHierarchy(scUnits)
	require.NoError(t, err)
	s := scSurvey()
	rs := scResponses(t)
	for i := range rs {
		if rs[i].Unit == "team_a" {
			delete(rs[i].Answers, "enps")
		}
	}
	tl, err := tallyAll(s, rs)
	require.NoError(t, err)
	sc, err := cx.NewScorecard(h, s, tl, cx.ScorecardOptions{Wave: "w2"})
	require.NoError(t, err)
	a, _ := sc.Unit("team_a")
	assert.Nil(t, a.ENPS, "nobody in team_a answered eNPS")
	org, _ := sc.Unit("org")
	require.NotNil(t, org.ENPS)
	assert.Equal(t, metrics.NPS{Promoters: 1, Passives: 2, Detractors: 4}, org.ENPS.NPS, "teams b and c")

	s.Items = s.Items[:4]
	noENPS, err := tallyAll(s, scResponsesWithout(t, "enps"))
	require.NoError(t, err)
	sc, err = cx.NewScorecard(h, s, noENPS, cx.ScorecardOptions{Wave: "w2"})
	require.NoError(t, err)
	for _, u := range sc.Units {
		assert.Nil(t, u.ENPS, "a survey without an eNPS item has no eNPS")
	}
}

func scResponsesWithout(t *testing.T, item string) []survey.Response {
	rs := scResponses(t)
	for i := range rs {
		delete(rs[i].Answers, item)
	}
	return rs
}

func TestScorecardOptionErrors(t *testing.T) {
	h, tl := scTallies(t)
	s := scSurvey()
	cases := []struct {
		name   string
		opts   cx.ScorecardOptions
		fields []string
	}{
		{"no wave", cx.ScorecardOptions{}, []string{"wave"}},
		{"malformed wave", cx.ScorecardOptions{Wave: "w 2"}, []string{"wave"}},
		{"malformed baseline", cx.ScorecardOptions{Wave: "w2", Baseline: "-x"}, []string{"baseline"}},
		{"baseline is the wave", cx.ScorecardOptions{Wave: "w2", Baseline: "w2"}, []string{"baseline"}},
		{"negative minimum", cx.ScorecardOptions{Wave: "w2", MinGroup: -1}, []string{"min_group"}},
		{"level", cx.ScorecardOptions{Wave: "w2", Level: 1}, []string{"level"}},
		{"NaN level", cx.ScorecardOptions{Wave: "w2", Level: math.NaN()}, []string{"level"}},
		{"fdr", cx.ScorecardOptions{Wave: "w2", FDR: -0.1}, []string{"fdr"}},
		{"scope", cx.ScorecardOptions{Wave: "w2", ChangeScope: 9}, []string{"change_scope"}},
		{"invited", cx.ScorecardOptions{Wave: "w2", Invited: map[string]int{"team_b": -3}}, []string{"invited.team_b"}},
		{"every problem", cx.ScorecardOptions{MinGroup: -2, Level: 2, FDR: 3, Invited: map[string]int{"a": -1, "b": -1}},
			[]string{"wave", "min_group", "level", "fdr", "invited.a", "invited.b"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := cx.NewScorecard(h, s, tl, c.opts)
			require.ErrorIs(t, err, cx.ErrInvalid)
			var ve *cx.ValidationError
			require.ErrorAs(t, err, &ve)
			var fields []string
			for _, p := range ve.Problems {
				fields = append(fields, p.Field)
			}
			assert.Equal(t, c.fields, fields)
		})
	}
	other := cx.NewTallies("other")
	_, err := cx.NewScorecard(h, s, other, cx.ScorecardOptions{Wave: "w2"})
	assert.ErrorIs(t, err, cx.ErrInvalid, "tallies of another survey")

	small, err := cx.NewHierarchy([]cx.Unit{{ID: "org", Name: "Org"}, {ID: "team_a", Parent: "org", Name: "A"}})
	require.NoError(t, err)
	_, err = cx.NewScorecard(small, s, tl, cx.ScorecardOptions{Wave: "w2"})
	assert.ErrorIs(t, err, cx.ErrNotFound, "units of the tallies missing from the hierarchy")
	tallier := cx.NewTallier(s)
	row := make([]int, len(s.Items))
	for i := range row {
		row[i] = survey.Skipped
	}
	require.NoError(t, tallier.AddRow("team_b", "w2", row, false))
	_, err = tallier.Scorecards(small, cx.ScorecardOptions{Wave: "w2"})
	assert.ErrorIs(t, err, cx.ErrNotFound, "units of a Tallier missing from the hierarchy")

	p := scProgram(t)
	_, err = p.Scorecard(t.Context(), "nope", cx.ScorecardOptions{Wave: "w2"})
	assert.ErrorIs(t, err, cx.ErrNotFound)
	_, err = p.Scorecard(t.Context(), "pulse", cx.ScorecardOptions{Wave: "w9"})
	assert.ErrorIs(t, err, cx.ErrNotFound)
	_, err = p.Scorecard(t.Context(), "pulse", cx.ScorecardOptions{Wave: "w2", Baseline: "w9"})
	assert.ErrorIs(t, err, cx.ErrNotFound)
	require.NoError(t, p.DefineSurvey(t.Context(), survey.Survey{ID: "other", Name: "Other", Audience: survey.Employee, Version: 1,
		Items: []survey.Item{{ID: "x", Text: "X", Scale: survey.Likert5, Kind: survey.Outcome, Version: 1}}}))
	require.NoError(t, p.OpenWave(t.Context(), survey.Wave{ID: "o1", Survey: "other", Opens: scOpens["w1"], Closes: scOpens["w2"]}))
	_, err = p.Scorecard(t.Context(), "pulse", cx.ScorecardOptions{Wave: "o1"})
	assert.ErrorIs(t, err, cx.ErrInvalid, "a wave of another survey")
	_, err = p.Scorecard(t.Context(), "pulse", cx.ScorecardOptions{Wave: "w2", Baseline: "o1"})
	assert.ErrorIs(t, err, cx.ErrInvalid, "a baseline of another survey")
}
