package cx_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/metrics"
	"github.com/cxculture/cxculture/survey"
)

// pairedProgram: in Claims, 40 people answer in January; in April 35 of
// them answer again with 5 newcomers. Person i answers 4 (favorable) in
// January when i < 16, in April when i < 26: 10 people moved up, none
// down. Billing has 6 respondents in each wave, 3 of them in both.
func pairedProgram(t *testing.T, reword bool) *cx.Program {
	t.Helper()
	ctx := t.Context()
	pz, err := cx.NewPseudonymizer([]byte("a key of at least thirty-two bytes, for tests"))
	require.NoError(t, err)
	p, err := cx.New(memstore.New(), &cx.Options{Now: func() time.Time { return now }, Pseudonymizer: pz})
	require.NoError(t, err)
	require.NoError(t, p.DefineUnits(ctx, cx.Unit{ID: "org", Name: "Agency"}, cx.Unit{ID: "claims", Parent: "org", Name: "Claims"},
		cx.Unit{ID: "billing", Parent: "org", Name: "Billing"}))
	s := rewordSurvey()
	require.NoError(t, p.DefineSurvey(ctx, s))
	require.NoError(t, p.OpenWave(ctx, reorgW1))
	if reword {
		s.Version, s.Items[0].Version, s.Items[0].Text = 2, 2, "Reworded."
		require.NoError(t, p.DefineSurvey(ctx, s))
	}
	require.NoError(t, p.OpenWave(ctx, reorgW2))
	var rs []survey.Response
	add := func(w survey.Wave, unit, person string, fav bool, extra int) {
		a := map[string]int{"cf_belief": 2, "cf_practice": 1 + extra%2}
		if fav {
			a["cf_belief"], a["cf_practice"] = 4, 4+extra%2
		}
		rs = append(rs, survey.Response{ID: uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "%s-%s", w.ID, person)), Survey: "pulse", Wave: w.ID,
			Unit: unit, Respondent: person, Submitted: w.Opens.Add(time.Hour), Answers: a})
	}
	for i := range 45 {
		person := fmt.Sprintf("person%02d@agency.gov", i)
		if i < 40 {
			add(reorgW1, "claims", person, i < 16, i)
		}
		if i >= 5 {
			add(reorgW2, "claims", person, i < 26, i/3)
		}
	}
	for i := range 9 {
		person := fmt.Sprintf("billing%d@agency.gov", i)
		if i < 6 {
			add(reorgW1, "billing", person, false, i)
		}
		if i >= 3 {
			add(reorgW2, "billing", person, true, i)
		}
	}
	_, err = p.RecordResponses(ctx, rs)
	require.NoError(t, err)
	return p
}

func TestPairedChange(t *testing.T) {
	ctx := t.Context()
	p := pairedProgram(t, false)
	pc, err := p.PairedChange(ctx, "pulse", cx.PairedOptions{Wave: "w2", Baseline: "w1", AllUnits: true})
	require.NoError(t, err)
	var agency, claims, billing cx.PairedUnit
	for _, u := range pc.Units {
		switch u.Unit {
		case "org":
			agency = u
		case "claims":
			claims = u
		case "billing":
			billing = u
		}
	}
	require.False(t, claims.Suppressed, claims.Reason)
	assert.Equal(t, int64(35), claims.Pairs, "people 5 to 39 answered both waves")
	cf := claims.Behaviors[0]
	assert.Equal(t, []string{"cf_belief", "cf_practice"}, cf.Items)
	assert.Equal(t, int64(35), cf.Pairs)
	assert.InDelta(t, 11.0/35, cf.Before, 1e-12, "people 5 to 15 were favorable in January")
	assert.InDelta(t, 21.0/35, cf.After, 1e-12, "people 5 to 25 in April")
	// 10 people moved up and none down: R mcnemar.test(matrix(c(11, 10, 0, 14), 2)).
	assert.Equal(t, metrics.McNemar(0, 10, true), cf.McNemar)
	assert.InDelta(t, 8.1, cf.McNemar.Statistic, 1e-12)
	// The means, computed here person by person.
	var x, y []float64
	for i := 5; i < 40; i++ {
		mean := func(fav bool, extra int) float64 {
			if fav {
				return (4 + float64(4+extra%2)) / 2
			}
			return (2 + float64(1+extra%2)) / 2
		}
		x = append(x, mean(i < 26, i/3))
		y = append(y, mean(i < 16, i))
	}
	pt, w := metrics.PairedT(x, y), metrics.WilcoxonSignedRank(x, y)
	m, ci := metrics.PairedTCI(x, y, 0.95)
	for _, c := range [][2]float64{{pt.Statistic, cf.PairedT.Statistic}, {pt.DF, cf.PairedT.DF}, {pt.P, cf.PairedT.P},
		{w.Statistic, cf.Wilcoxon.Statistic}, {w.P, cf.Wilcoxon.P}, {m, cf.MeanChange}, {ci.Lower, cf.MeanInterval.Lower}, {ci.Upper, cf.MeanInterval.Upper}} {
		assert.InDelta(t, c[0], c[1], 1e-12)
	}
	require.NotNil(t, cf.CrossSectional, "the change among everyone who answered stands beside")
	assert.Equal(t, int64(80), cf.CrossSectional.Baseline.N, "40 people, 2 items, in January")

	assert.True(t, billing.Suppressed, "3 paired people are below the minimum")
	assert.Zero(t, billing.Pairs)
	assert.Empty(t, billing.Behaviors)
	// The agency's 38 pairs minus Claims' 35 would be Billing's 3.
	assert.True(t, agency.Suppressed, "Billing's pairs are part of the agency's")
	assert.Zero(t, agency.Pairs)
}

func TestPairedChangeAcrossVersions(t *testing.T) {
	ctx := t.Context()
	p := pairedProgram(t, true)
	pc, err := p.PairedChange(ctx, "pulse", cx.PairedOptions{Wave: "w2", Baseline: "w1", Units: []string{"claims"}})
	require.NoError(t, err)
	cf := pc.Units[0].Behaviors[0]
	assert.Equal(t, []string{"cf_practice"}, cf.Items, "the reworded item is not compared, even for the same people")
	_, err = p.PairedChange(ctx, "pulse", cx.PairedOptions{Wave: "w2", Baseline: "w2"})
	assert.Empty(t, wantProblem(err, "baseline", "differ"))
}
