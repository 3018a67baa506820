package simulate_test

import (
	"context"
	"errors"
	"math"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/cx/simulate"
	"github.com/cxculture/cxculture/survey"
)

func TestGenerateIsDeterministic(t *testing.T) {
	cfg := simulate.Config{Seed: 42, Waves: 5, Fatigue: 0.02, Customers: &simulate.Customers{Volume: 40},
		Lifts: []simulate.Lift{{Units: []string{"d2"}, From: 3, Size: 0.4, Ramp: 2}}}
	a, err := simulate.Generate(cfg)
	require.NoError(t, err)
	b, err := simulate.Generate(cfg)
	require.NoError(t, err)
	assert.True(t, reflect.DeepEqual(a.Responses, b.Responses), "responses differ between runs with one seed")
	assert.True(t, reflect.DeepEqual(a.CustomerResponses, b.CustomerResponses), "customer responses differ")
	assert.Equal(t, a.Waves, b.Waves)
	assert.Equal(t, a.Volumes, b.Volumes)

	cfg.Seed = 43
	c, err := simulate.Generate(cfg)
	require.NoError(t, err)
	assert.False(t, reflect.DeepEqual(a.Responses, c.Responses), "another seed gives the same responses")
	assert.Equal(t, a.Units, c.Units, "the org tree does not depend on the seed")
}

func TestTeamsAreIndependentStreams(t *testing.T) {
	// Lifting one division leaves the answers of the others unchanged.
	base, err := simulate.Generate(simulate.Config{Seed: 7, Waves: 4})
	require.NoError(t, err)
	lifted, err := simulate.Generate(simulate.Config{Seed: 7, Waves: 4, Lifts: []simulate.Lift{{Units: []string{"d1"}, Size: 1}}})
	require.NoError(t, err)
	keep := func(rs []survey.Response) []survey.Response {
		var out []survey.Response
		for _, r := range rs {
			if r.Unit[:2] != "d1" {
				out = append(out, r)
			}
		}
		return out
	}
	assert.Equal(t, keep(base.Responses), keep(lifted.Responses))
	assert.NotEqual(t, base.Responses, lifted.Responses)
}

// TestShape loads a simulated program into a cx.Program, which validates
// every unit, wave and response.
func TestShape(t *testing.T) {
	ctx := context.Background()
	d, err := simulate.Generate(simulate.Config{Seed: 3, Waves: 6, Divisions: 2, TeamsPerDivision: 3,
		Cadence: survey.Biweekly, OpenDays: 5, MissingRate: 0.2, Customers: &simulate.Customers{}})
	require.NoError(t, err)

	assert.Len(t, d.Units, 1+2+3*2)
	assert.Len(t, d.Teams, 6)
	assert.Len(t, d.Waves, 6)
	assert.Len(t, d.CustomerWaves, 6)
	p, err := cx.New(memstore.New(), nil)
	require.NoError(t, err)
	require.NoError(t, p.DefineUnits(ctx, d.Units...))
	require.NoError(t, p.DefineSurvey(ctx, d.Survey))
	require.NoError(t, p.DefineSurvey(ctx, d.CustomerSurvey))
	for _, w := range append(slices.Clone(d.Waves), d.CustomerWaves...) {
		require.NoError(t, p.OpenWave(ctx, w))
	}
	n, err := p.RecordResponses(ctx, d.Responses)
	require.NoError(t, err)
	assert.Equal(t, len(d.Responses), n)
	n, err = p.RecordResponses(ctx, d.CustomerResponses)
	require.NoError(t, err)
	assert.Equal(t, len(d.CustomerResponses), n)

	sizes := map[int]bool{}
	for i, w := range d.Waves {
		assert.Equal(t, 5*24*time.Hour, w.Closes.Sub(w.Opens), "wave %d open 5 days", i)
		if i > 0 {
			assert.Equal(t, 14*24*time.Hour, w.Opens.Sub(d.Waves[i-1].Opens))
		}
		require.Len(t, w.Invited, len(d.Teams))
		perTeam := map[string]int{}
		for _, r := range d.Responses {
			if r.Wave == w.ID {
				perTeam[r.Unit]++
			}
		}
		for team, inv := range w.Invited {
			sizes[inv] = true
			assert.LessOrEqual(t, perTeam[team], inv, "team %s answered more than invited in %s", team, w.ID)
			assert.GreaterOrEqual(t, inv, 4)
			assert.LessOrEqual(t, inv, 30)
		}
	}
	assert.Greater(t, len(sizes), 2, "team sizes are uneven")

	// One response per person and wave; some answers are missing; reverse
	// items are present.
	seen := map[string]bool{}
	missing := 0
	for _, r := range d.Responses {
		k := r.Wave + "/" + r.Respondent
		assert.False(t, seen[k], "two responses of %s", k)
		seen[k] = true
		missing += len(d.Survey.Items) - len(r.Answers)
	}
	share := float64(missing) / float64(len(d.Responses)*len(d.Survey.Items))
	assert.InDelta(t, 0.2, share, 0.03, "share of skipped answers")

	// Customer volumes: offered within volume; responses within offered.
	var customers, offered int64
	for _, v := range d.Volumes {
		assert.LessOrEqual(t, v.Offered, v.Customers)
		customers += v.Customers
		offered += v.Offered
	}
	assert.InDelta(t, 0.3, float64(offered)/float64(customers), 0.02)
	assert.InDelta(t, 0.2, float64(len(d.CustomerResponses))/float64(offered), 0.02)
}

func TestDefaultPulse(t *testing.T) {
	s := simulate.Pulse()
	require.NoError(t, s.Validate())
	for _, b := range culture.CXBehaviors().Behaviors {
		items := s.ItemsFor(b.ID)
		assert.Len(t, items, 3, b.ID)
		rev := 0
		for _, it := range items {
			if it.Reverse {
				rev++
			}
		}
		assert.Equal(t, 1, rev, "%s: one reverse-keyed item", b.ID)
	}
	assert.Len(t, s.ItemsFor(survey.ENPS), 1)
}

// keyedMean returns the mean keyed answer to the items of construct in
// the responses of the teams (and wave range [from, to)) selected.
func keyedMean(d *simulate.Data, construct string, team func(string) bool, from, to int) float64 {
	waves := map[string]int{}
	for i, w := range d.Waves {
		waves[w.ID] = i
	}
	var sum, n float64
	for _, r := range d.Responses {
		if w := waves[r.Wave]; w < from || w >= to || !team(r.Unit) {
			continue
		}
		for id, v := range r.Answers {
			it, _ := d.Survey.Item(id)
			if it.Construct == construct {
				sum += float64(it.Keyed(v))
				n++
			}
		}
	}
	return sum / n
}

func TestLiftVisibleInMeans(t *testing.T) {
	d, err := simulate.Generate(simulate.Config{Seed: 11, Waves: 10, Divisions: 2, TeamsPerDivision: 6, MinTeamSize: 20, MaxTeamSize: 25,
		Lifts: []simulate.Lift{{Units: []string{"d1"}, From: 5, Behaviors: []string{culture.Empowerment}, Size: 0.6}}})
	require.NoError(t, err)
	inD1 := func(u string) bool { return u[:3] == "d1-" }
	notD1 := func(u string) bool { return !inD1(u) }
	// Difference in differences: the lifted division against the other,
	// after against before.
	did := func(construct string) float64 {
		return (keyedMean(d, construct, inD1, 5, 10) - keyedMean(d, construct, inD1, 0, 5)) -
			(keyedMean(d, construct, notD1, 5, 10) - keyedMean(d, construct, notD1, 0, 5))
	}
	assert.InDelta(t, 0.6, did(culture.Empowerment), 0.2, "empowerment lift")
	assert.InDelta(t, 0, did(culture.Agility), 0.15, "agility is not lifted")

	// Latent reports the lift too.
	assert.InDelta(t, 0.6, d.Latent("d1-t1", 5, culture.Empowerment)-d.Latent("d1-t1", 4, culture.Empowerment), 1e-12)
	assert.InDelta(t, 0, d.Latent("d2-t1", 5, culture.Empowerment)-d.Latent("d2-t1", 4, culture.Empowerment), 1e-12)
	assert.True(t, math.IsNaN(d.Latent("nope", 0, culture.Empowerment)))
}

func TestRampAndDrift(t *testing.T) {
	d, err := simulate.Generate(simulate.Config{Seed: 1, Drift: 0.05, Lifts: []simulate.Lift{{Units: []string{"org"}, From: 2, Size: 0.3, Ramp: 2}}})
	require.NoError(t, err)
	step := func(w int) float64 {
		return d.Latent("d3-t2", w, culture.Agility) - d.Latent("d3-t2", w-1, culture.Agility)
	}
	assert.InDelta(t, 0.05, step(1), 1e-12)
	assert.InDelta(t, 0.05+0.1, step(2), 1e-12)
	assert.InDelta(t, 0.05+0.1, step(4), 1e-12)
	assert.InDelta(t, 0.05, step(5), 1e-12)
	// eNPS is not lifted by a lift that names no behaviors.
	assert.InDelta(t, 0.05, d.Latent("d3-t2", 6, survey.ENPS)-d.Latent("d3-t2", 5, survey.ENPS), 1e-12)
}

func TestFatigue(t *testing.T) {
	d, err := simulate.Generate(simulate.Config{Seed: 5, Waves: 12, Fatigue: 0.06, MinTeamSize: 20, MaxTeamSize: 30, CommentRate: 1})
	require.NoError(t, err)
	counts := make([]float64, len(d.Waves))
	words := make([]float64, len(d.Waves))
	answers := make([]float64, len(d.Waves))
	for _, r := range d.Responses {
		for i, w := range d.Waves {
			if r.Wave == w.ID {
				counts[i]++
				words[i] += float64(len(r.Comment))
				answers[i] += float64(len(r.Answers))
			}
		}
	}
	assert.Less(t, counts[11], 0.7*counts[0], "responses fall")
	assert.Less(t, words[11]/counts[11], 0.7*words[0]/counts[0], "comments shorten")
	assert.Less(t, answers[11]/counts[11], answers[0]/counts[0]-1, "more items skipped")
}

func TestAskedRotation(t *testing.T) {
	plan := [][]string{{"customer_focus.belief", "enps"}, {"agility.behavior"}}
	d, err := simulate.Generate(simulate.Config{Seed: 2, Waves: 4, Asked: plan})
	require.NoError(t, err)
	for _, r := range d.Responses {
		i := slices.IndexFunc(d.Waves, func(w survey.Wave) bool { return w.ID == r.Wave })
		for id := range r.Answers {
			assert.Contains(t, plan[i%2], id)
		}
	}
	assert.Equal(t, plan[0], d.Asked[2])
}

func TestCustomersFollowCulture(t *testing.T) {
	d, err := simulate.Generate(simulate.Config{Seed: 9, Waves: 4, Levels: map[string]float64{"d1": 1, "d3": -1}, TeamSD: -1,
		Customers: &simulate.Customers{Volume: 400}})
	require.NoError(t, err)
	mean := func(div string) float64 {
		var s, n float64
		for _, r := range d.CustomerResponses {
			if r.Unit[:2] == div {
				s += float64(r.Answers["a11.trust"])
				n++
			}
		}
		return s / n
	}
	assert.Greater(t, mean("d1"), mean("d2")+0.3)
	assert.Greater(t, mean("d2"), mean("d3")+0.3)
	quiet, err := simulate.Generate(simulate.Config{Seed: 9, Waves: 4, Customers: &simulate.Customers{ChannelVolumes: map[string]int{"phone": 0}}})
	require.NoError(t, err)
	for _, v := range quiet.Volumes {
		if v.Channel == "phone" {
			assert.Zero(t, v.Customers)
		} else {
			assert.Positive(t, v.Customers)
		}
	}
	services := map[string]bool{}
	for _, v := range d.Volumes {
		services[v.Service+"/"+v.Channel] = true
	}
	assert.Len(t, services, 6)
}

func TestCustomUnits(t *testing.T) {
	units := []cx.Unit{{ID: "hq", Name: "HQ"}, {ID: "a", Parent: "hq", Name: "A"}, {ID: "b", Parent: "hq", Name: "B"}, {ID: "b1", Parent: "b", Name: "B1"}}
	d, err := simulate.Generate(simulate.Config{Seed: 1, Units: units, TeamSizes: map[string]int{"a": 3, "b1": 50}, Waves: 2})
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b1"}, d.Teams)
	assert.Equal(t, map[string]int{"a": 3, "b1": 50}, d.Waves[0].Invited)
}

func TestBadConfig(t *testing.T) {
	for name, tc := range map[string]struct {
		cfg   simulate.Config
		field string
	}{
		"negative waves":     {simulate.Config{Waves: -1}, "waves"},
		"response rate":      {simulate.Config{ResponseRate: 1.5}, "response_rate"},
		"fatigue":            {simulate.Config{Fatigue: 1}, "fatigue"},
		"team size range":    {simulate.Config{MinTeamSize: 10, MaxTeamSize: 5}, "team_size"},
		"unknown asked":      {simulate.Config{Asked: [][]string{{"nope"}}}, "asked[0]"},
		"lift unknown unit":  {simulate.Config{Lifts: []simulate.Lift{{Units: []string{"zz"}, Size: 1}}}, "lifts[0].units"},
		"lift no units":      {simulate.Config{Lifts: []simulate.Lift{{Size: 1}}}, "lifts[0].units"},
		"level unknown":      {simulate.Config{Levels: map[string]float64{"zz": 1}}, "levels.zz"},
		"size of a division": {simulate.Config{TeamSizes: map[string]int{"d1": 3}}, "team_sizes.d1"},
		"bad tree":           {simulate.Config{Units: []cx.Unit{{ID: "a", Name: "A"}, {ID: "b", Name: "B"}}}, "units"},
		"open days":          {simulate.Config{OpenDays: 7}, "schedule.open_days"},
		"customer rate":      {simulate.Config{Customers: &simulate.Customers{OfferRate: -0.1}}, "customers.offer_rate"},
		"customer survey":    {simulate.Config{Customers: &simulate.Customers{Survey: simulate.Pulse()}}, "customers.survey.id"},
		"nan drift":          {simulate.Config{Drift: math.NaN()}, "drift"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := simulate.Generate(tc.cfg)
			require.Error(t, err)
			assert.True(t, errors.Is(err, cx.ErrInvalid), "%v", err)
			ve, ok := errors.AsType[*cx.ValidationError](err)
			require.True(t, ok, "%T", err)
			fields := []string{}
			for _, p := range ve.Problems {
				fields = append(fields, p.Field)
			}
			assert.Contains(t, fields, tc.field, "%v", err)
		})
	}
}

// BenchmarkGenerate simulates a quarter of weekly pulses in 10 divisions
// of 10 teams (about 1,700 people, 16 items).
func BenchmarkGenerate(b *testing.B) {
	cfg := simulate.Config{Seed: 1, Waves: 13, Divisions: 10, TeamsPerDivision: 10}
	var n int
	for b.Loop() {
		d, err := simulate.Generate(cfg)
		if err != nil {
			b.Fatal(err)
		}
		n = len(d.Responses)
	}
	b.ReportMetric(float64(n), "responses/op")
}

func TestLiftFades(t *testing.T) {
	d, err := simulate.Generate(simulate.Config{Seed: 1, Waves: 10, Lifts: []simulate.Lift{
		{Units: []string{"d1"}, From: 2, Size: 0.6, Until: 5, Fade: 2, Keep: 0.5}, // half the gain lost after the end
		{Units: []string{"d2"}, From: 2, Size: 0.6, Until: 5, Keep: 1},            // embedded
		{Units: []string{"d3"}, From: 2, Size: 0.6, Until: 5},                     // stopped too soon: lost at once
	}})
	require.NoError(t, err)
	lift := func(team string, w int) float64 {
		return d.Latent(team, w, culture.Agility) - d.Latent(team, 0, culture.Agility)
	}
	assert.InDelta(t, 0.6, lift("d1-t1", 4), 1e-12)
	assert.InDelta(t, 0.3+0.3*2.0/3, lift("d1-t1", 5), 1e-12)
	assert.InDelta(t, 0.3+0.3*1.0/3, lift("d1-t1", 6), 1e-12)
	assert.InDelta(t, 0.3, lift("d1-t1", 7), 1e-12)
	assert.InDelta(t, 0.3, lift("d1-t1", 9), 1e-12)
	assert.InDelta(t, 0.6, lift("d2-t1", 9), 1e-12)
	assert.InDelta(t, 0.6, lift("d3-t1", 4), 1e-12)
	assert.InDelta(t, 0, lift("d3-t1", 5), 1e-12)
}

func TestLiftFor(t *testing.T) {
	d, err := simulate.Generate(simulate.Config{Seed: 1, Waves: 20})
	require.NoError(t, err)
	start := d.Waves[3].Opens.Add(-time.Hour)
	in := culture.Initiative{Units: []string{"d2"}, Behaviors: []string{culture.Agility}, Start: start, End: start.Add(culture.NinetyDays)}
	l := simulate.LiftFor(in, d.Waves, 0.4)
	assert.Equal(t, simulate.Lift{Units: []string{"d2"}, Behaviors: []string{culture.Agility}, From: 3, Size: 0.4, Until: 16, Keep: 1}, l)
	in.End = time.Time{}
	assert.Equal(t, 0, simulate.LiftFor(in, d.Waves, 0.4).Until)
	in.Start = d.Waves[19].Opens.Add(time.Second)
	assert.Equal(t, 20, simulate.LiftFor(in, d.Waves, 0.4).From, "starts after the last wave")
}

func TestZeroSettings(t *testing.T) {
	d, err := simulate.Generate(simulate.Config{Seed: 3, Waves: 3, MissingRate: -1, CommentRate: -1, NeutralBaseline: true, TeamSD: -1})
	require.NoError(t, err)
	for _, r := range d.Responses {
		assert.Len(t, r.Answers, len(d.Survey.Items), "no skipped answers")
		assert.Empty(t, r.Comment)
	}
	assert.InDelta(t, 0, d.Latent("d1-t1", 0, culture.Agility), 1e-12)
	assert.InDelta(t, 0, d.Latent("d2-t3", 2, culture.Innovation), 1e-12)
}
