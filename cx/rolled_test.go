package cx_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand"
	"reflect"
	"strconv"

	"testing"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
	"github.com/cxculture/cxculture/survey"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"
)

// scoringCase is generated data to score: a hierarchy, a survey and
// responses over a few waves.
type scoringCase struct {
	h     *cx.Hierarchy
	s     survey.Survey
	rows  []survey.Response
	waves []string
}

func (c scoringCase) String() string {
	return fmt.Sprintf("%d units, %d items, %d responses, waves %v", len(c.h.IDs()), len(c.s.Items), len(c.rows), c.waves)
}

func genScoringCase(r *rand.Rand) scoringCase {
	units := cxgen.UnitsFrom(r, 12)
	h, err := cx.NewHierarchy(units)
	if err != nil {
		panic(err) // the generator makes valid trees
	}
	s := cxgen.SurveyFrom(r, "pulse")
	waves := []string{"w1", "w2", "w3"}[:1+r.Intn(3)]
	ids := cxgen.UnitIDs(units)
	var rows []survey.Response
	for range r.Intn(300) {
		resp := survey.Response{Survey: s.ID, Wave: waves[r.Intn(len(waves))], Unit: ids[r.Intn(len(ids))], Answers: map[string]int{}}
		for _, it := range s.Items {
			if r.Intn(6) > 0 {
				resp.Answers[it.ID] = it.Scale.Min + r.Intn(it.Scale.Points())
			}
		}
		if r.Intn(4) == 0 {
			resp.Comment = "c" + strconv.Itoa(r.Intn(9))
		}
		rows = append(rows, resp)
	}
	return scoringCase{h: h, s: s, rows: rows, waves: waves}
}

// options returns one scorecard per wave, each against the first wave
// where it can.
func (c scoringCase) options(minGroup int) []cx.ScorecardOptions {
	var opts []cx.ScorecardOptions
	for i, w := range c.waves {
		o := cx.ScorecardOptions{Wave: w, MinGroup: minGroup, Listwise: i%2 == 1}
		if i%2 == 0 {
			// Every other option is planned: several plans are made at
			// once in one batch (the minimum is the plan's).
			o.MinGroup, o.Privacy = 0, &cx.Privacy{MinScores: max(3, minGroup)}
		}
		if i > 0 {
			o.Baseline = c.waves[0]
		}
		opts = append(opts, o)
	}
	return opts
}

// TestScorecardPathsAgree states that the three ways to score agree:
// NewScorecard one wave at a time, NewScorecards in one batch, and
// Tallier.Scorecards without building the tallies, with a disclosure
// plan for every other option.
func TestScorecardPathsAgree(t *testing.T) {
	p := cxgen.NewProperties(t, 100)
	p.Property("NewScorecard = NewScorecards = Tallier.Scorecards", prop.ForAll(
		func(c scoringCase, minGroup int) string {
			tl := cx.NewTallier(c.s)
			for _, r := range c.rows {
				if err := tl.Add(r); err != nil {
					return "tally: " + err.Error()
				}
			}
			tallies := tl.Tallies()
			opts := c.options(minGroup)
			one := make([]*cx.Scorecard, len(opts))
			var oneErr error
			for i, o := range opts {
				sc, err := cx.NewScorecard(c.h, c.s, tallies, o)
				if err != nil {
					oneErr = err
					break
				}
				one[i] = sc
			}
			batch, batchErr := cx.NewScorecards(c.h, c.s, tallies, c.options(minGroup)...)
			direct, directErr := tl.Scorecards(c.h, c.options(minGroup)...)
			if (oneErr == nil) != (batchErr == nil) || (batchErr == nil) != (directErr == nil) {
				return fmt.Sprintf("errors differ: one %v, batch %v, direct %v", oneErr, batchErr, directErr)
			}
			if oneErr != nil {
				return ""
			}
			for i := range one {
				if !equalNaN(reflect.ValueOf(one[i]), reflect.ValueOf(batch[i])) {
					return fmt.Sprintf("wave %s: NewScorecard %+v\nNewScorecards %+v", opts[i].Wave, *one[i], *batch[i])
				}
				if !equalNaN(reflect.ValueOf(one[i]), reflect.ValueOf(direct[i])) {
					return fmt.Sprintf("wave %s: NewScorecard %+v\nTallier.Scorecards %+v", opts[i].Wave, *one[i], *direct[i])
				}
			}
			return ""
		},
		cxgen.From(genScoringCase), gopter.Gen(func(gp *gopter.GenParameters) *gopter.GenResult {
			return gopter.NewGenResult(1+gp.Rng.Intn(6), gopter.NoShrinker)
		}),
	))
	p.Run()
}

// equalNaN is reflect.DeepEqual with NaN equal to NaN.
func equalNaN(a, b reflect.Value) bool {
	if a.Kind() != b.Kind() {
		return false
	}
	switch a.Kind() {
	case reflect.Float32, reflect.Float64:
		x, y := a.Float(), b.Float()
		return x == y || math.IsNaN(x) && math.IsNaN(y)
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return equalNaN(a.Elem(), b.Elem())
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			return false
		}
		for i := range a.Len() {
			if !equalNaN(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Struct:
		for i := range a.NumField() {
			if !equalNaN(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Map:
		if a.Len() != b.Len() {
			return false
		}
		for _, k := range a.MapKeys() {
			if !equalNaN(a.MapIndex(k), b.MapIndex(k)) {
				return false
			}
		}
		return true
	default:
		return reflect.DeepEqual(a.Interface(), b.Interface())
	}
}

// TestTallierWavesAndRespondents checks the tallier's own summaries
// against the tallies it returns.
func TestTallierWavesAndRespondents(t *testing.T) {
	c := genScoringCase(rand.New(rand.NewSource(7)))
	tl := cx.NewTallier(c.s)
	for _, r := range c.rows {
		if err := tl.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	tallies := tl.Tallies()
	if got, want := tl.Waves(), tallies.Waves(); !reflect.DeepEqual(got, want) {
		t.Errorf("Waves() = %v, the tallies have %v", got, want)
	}
	if got, want := tl.Respondents(), tallies.Respondents; !reflect.DeepEqual(got, want) {
		t.Errorf("Respondents() = %v, the tallies have %v", got, want)
	}
	if len(c.rows) > 0 && len(tl.Respondents()) == 0 {
		t.Error("no respondents counted")
	}
}

// TestTallierCountsPastByteRange tallies the same answers hundreds of
// times, so that every count passes 256 several times, in two talliers
// merged, and checks the counts against a plain count.
func TestTallierCountsPastByteRange(t *testing.T) {
	s := survey.Survey{ID: "pulse", Name: "Pulse", Audience: survey.Employee, Version: 1, Items: []survey.Item{
		{ID: "a", Text: "A", Scale: survey.Likert5, Construct: "c", Kind: survey.Behavior, Version: 1},
		{ID: "b", Text: "B", Scale: survey.Likert5, Construct: "c", Kind: survey.Behavior, Version: 1, Reverse: true},
		{ID: "e", Text: "E", Scale: survey.NPS, Construct: survey.ENPS, Kind: survey.Outcome, Version: 1},
	}}
	rng := rand.New(rand.NewSource(11))
	want := map[cx.Cell]map[int]int64{}
	parts := []*cx.Tallier{cx.NewTallier(s), cx.NewTallier(s)}
	for i := range 5000 {
		unit := []string{"t1", "t2"}[rng.Intn(2)]
		vals := []int{1 + rng.Intn(2), 5, rng.Intn(11)}
		if i%7 == 0 {
			vals[1] = survey.Skipped
		}
		if err := parts[i%2].AddRow(unit, "w1", vals, false); err != nil {
			t.Fatal(err)
		}
		for j, it := range s.Items {
			if vals[j] == survey.Skipped {
				continue
			}
			c := cx.Cell{Unit: unit, Wave: "w1", Item: it.ID}
			if want[c] == nil {
				want[c] = map[int]int64{}
			}
			want[c][vals[j]]++
		}
	}
	if err := parts[0].Merge(parts[1]); err != nil {
		t.Fatal(err)
	}
	// Counting on after a merge, before reading: the merged low counters
	// may be anywhere below 256.
	for range 300 {
		vals := []int{2, 4, 7}
		if err := parts[0].AddRow("t1", "w1", vals, false); err != nil {
			t.Fatal(err)
		}
		for j, it := range s.Items {
			want[cx.Cell{Unit: "t1", Wave: "w1", Item: it.ID}][vals[j]]++
		}
	}
	got := parts[0].Tallies()
	for c, byValue := range want {
		tally := got.Answers[c]
		for v, n := range byValue {
			if tally.Count(v) != n {
				t.Errorf("%v answer %d: counted %d, want %d", c, v, tally.Count(v), n)
			}
		}
	}
	if n := got.Respondents[cx.Group{Unit: "t1", Wave: "w1"}] + got.Respondents[cx.Group{Unit: "t2", Wave: "w1"}]; n != 5300 {
		t.Errorf("respondents %d, want 5300", n)
	}
	// Adding after reading keeps counting from where it was.
	if err := parts[0].AddRow("t1", "w1", []int{5, 5, 10}, false); err != nil {
		t.Fatal(err)
	}
	c := cx.Cell{Unit: "t1", Wave: "w1", Item: "a"}
	if n := parts[0].Tallies().Answers[c].Count(5); n != want[c][5]+1 {
		t.Errorf("after one more response: %d answers 5 to a, want %d", n, want[c][5]+1)
	}
}

// TestScorecardENPSScaleErrors: an eNPS item off the 0..10 range, or eNPS
// items on different scales, are invalid input, not a panic.
func TestScorecardENPSScaleErrors(t *testing.T) {
	h, err := cx.NewHierarchy([]cx.Unit{{ID: "org", Name: "Org"}})
	if err != nil {
		t.Fatal(err)
	}
	percent := survey.Scale{ID: "percent", Min: 0, Max: 60, FavorableMin: 50, FavorableMax: 60}
	for name, items := range map[string][]survey.Item{
		"off range": {{ID: "e", Text: "E", Scale: percent, Construct: survey.ENPS, Kind: survey.Outcome, Version: 1}},
		"mixed": {
			{ID: "e1", Text: "E", Scale: survey.NPS, Construct: survey.ENPS, Kind: survey.Outcome, Version: 1},
			{ID: "e2", Text: "E", Scale: survey.Likert5, Construct: survey.ENPS, Kind: survey.Outcome, Version: 1},
		},
	} {
		s := survey.Survey{ID: "pulse", Name: "Pulse", Audience: survey.Employee, Version: 1, Items: items}
		tl := cx.NewTallier(s)
		vals := make([]int, len(items))
		for i := range vals {
			vals[i] = items[i].Scale.Max
		}
		for range 6 {
			if err := tl.AddRow("org", "w1", vals, false); err != nil {
				t.Fatal(err)
			}
		}
		_, err := cx.NewScorecard(h, s, tl.Tallies(), cx.ScorecardOptions{Wave: "w1"})
		var ve *cx.ValidationError
		if !errors.Is(err, cx.ErrInvalid) || !errors.As(err, &ve) {
			t.Errorf("%s: got %v, want a validation error", name, err)
		}
		if _, err := tl.Scorecards(h, cx.ScorecardOptions{Wave: "w1"}); !errors.Is(err, cx.ErrInvalid) {
			t.Errorf("%s: Tallier.Scorecards: got %v, want ErrInvalid", name, err)
		}
	}
}
