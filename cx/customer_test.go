package cx_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/cx/simulate"
	"github.com/cxculture/cxculture/metrics"
	"github.com/cxculture/cxculture/survey"
)

// customerPanel adds to the fixture organization's pulse (teams t1-t5
// lift customer focus by 25 points from the fourth wave) an A-11 customer
// survey fielded monthly: 40 customers a month per team, who agree with
// the trust statement with probability 55%, 75% in t1-t5 from the fourth
// month on. Team t12 serves 3 customers a month.
func customerPanel(t testing.TB) *cx.Panel {
	t.Helper()
	h := fixtureHierarchy(t)
	treated := map[string]bool{"t1": true, "t2": true, "t3": true, "t4": true, "t5": true}
	p := simPanel(t, h, simSpec{seed: 31, waves: 8, n: 40, base: 0.45, lift: 0.25, from: 3, treated: treated,
		lifted: map[string]bool{culture.CustomerFocus: true}})
	a11 := survey.A11()
	tl := cx.NewTallies(a11.ID)
	var waves []survey.Wave
	rng := rand.New(rand.NewPCG(31, 1))
	for m := range 8 {
		opens := t0.AddDate(0, 0, 30*m+1)
		w := survey.Wave{ID: fmt.Sprintf("cx%02d", m+1), Survey: a11.ID, Name: opens.Format("January 2006") + " customers",
			Opens: opens, Closes: opens.AddDate(0, 0, 29)}
		waves = append(waves, w)
		for i := 1; i <= 12; i++ {
			u := fmt.Sprintf("t%d", i)
			n := int64(40)
			if u == "t12" {
				n = 3
			}
			for _, it := range a11.Items {
				pr := 0.55
				if it.Construct == survey.DriverTrust && treated[u] && m >= 3 {
					pr = 0.75
				}
				c := metrics.NewTally(1, 5)
				for range n {
					v := 2
					if rng.Float64() < pr {
						v = 4
					}
					require.NoError(t, c.Add(v))
				}
				tl.Answers[cx.Cell{Unit: u, Wave: w.ID, Item: it.ID}] = c
			}
			tl.Respondents[cx.Group{Unit: u, Wave: w.ID}] = n
		}
	}
	p.Customer = []*cx.Panel{{Survey: a11, Waves: waves, Tallies: tl}}
	p.Behaviors = culture.CXBehaviors().Behaviors
	return p
}

// Customer results are outcomes the analytics use directly: an outcome
// target on A-11 trust is estimated against comparison units from the
// customer survey's own months, its win names the result with its
// interval and target and the behaviors behind it in the pulse, and the
// customer survey's privacy rules apply.
func TestCustomerOutcomes(t *testing.T) {
	p := customerPanel(t)
	trust := cx.CustomerMeasure(survey.A11ID, survey.DriverTrust)
	require.Equal(t, "a11/trust", trust)
	require.True(t, cx.ValidMeasure(trust))
	require.Equal(t, "trust (OMB A-11 Section 280 customer experience)", p.Label(trust))

	in := fixtureInitiative([]string{"t1", "t2", "t3", "t4", "t5"}, 3)
	in.Behaviors = []string{culture.CustomerFocus, culture.Empowerment}
	in.Outcomes = []culture.OutcomeTarget{{Metric: trust, Baseline: 0.55, Target: 0.7}}
	in.ApplyDefaults()
	require.NoError(t, in.Validate(), "a customer measure is a valid outcome metric")
	im, err := cx.EstimateImpact(p, in, cx.ImpactOptions{})
	require.NoError(t, err)
	var e cx.Effect
	for _, x := range im.Effects {
		if x.Measure == trust && x.Window == cx.DuringWindow {
			e = x
		}
	}
	require.True(t, e.Improved, "%+v", e)
	require.Equal(t, cx.ShareMeasure, e.Kind)
	require.InDelta(t, 0.2, e.Estimate, 0.08)
	require.Equal(t, []string{"cx01", "cx02", "cx03"}, e.Before, "the customer survey's own months")
	require.Equal(t, 6, e.ComparisonUnits, "t6-t11: t12 is hidden, with 3 customers a month")

	wins := cx.Wins(im)
	require.NotEmpty(t, wins)
	w := wins[0]
	require.Equal(t, trust, w.Outcome.Measure)
	require.True(t, w.TargetMet)
	require.True(t, strings.HasPrefix(w.Text, "Win: Customer first (90-day project, 5 Apr–4 Jul 2026) raised trust (OMB A-11 Section 280 customer experience) by "), w.Text)
	require.Contains(t, w.Text, "from the surveys of 6 Jan–7 Mar 2026 to those of 6 Apr–5 Jun 2026")
	require.Contains(t, w.Text, "meeting the target of 70%")
	require.Contains(t, w.Text, "Behind it, in the same units' employee pulse: customer focus rose by")
	require.NotContains(t, w.Text, "empowerment", "empowerment did not move")

	// The customer survey's figures are suppressed by its own counts.
	trends, err := cx.Trends(p, cx.TrendOptions{Measures: []string{trust}, Units: []string{"t12", "t1"}, Since: in.Start})
	require.NoError(t, err)
	require.Len(t, trends, 2)
	for _, pt := range trends[0].Points {
		require.True(t, pt.Suppressed)
		require.Equal(t, "fewer than 5 respondents", pt.Reason)
	}
	require.Equal(t, cx.ShareMeasure, trends[1].Kind)

	// Indicators and links take the customer measure directly.
	res, err := cx.EvaluateIndicators(p, []culture.Indicator{{ID: "trust", Behavior: culture.CustomerFocus, Name: "Customers trust us",
		Source: culture.Source{Metric: trust}, Target: ptrFloat(0.7)}}, cx.IndicatorOptions{Units: []string{"t1"}})
	require.NoError(t, err)
	require.Equal(t, cx.ShareMeasure, res[0].Trend.Kind)
	require.Equal(t, 8, len(res[0].Points))
	l, err := cx.Links(p, trust, nil, cx.LinkOptions{Waves: []string{"w08"}, Bootstrap: 10, Permutations: 99})
	require.NoError(t, err)
	require.Len(t, l.Units, 11, "t12's customers are too few")
	require.Equal(t, "trust (OMB A-11 Section 280 customer experience)", l.Label)

	// An unknown customer survey is named.
	_, err = cx.EstimateImpact(p, in, cx.ImpactOptions{Measures: []string{"csat/csat"}})
	require.ErrorIs(t, err, cx.ErrInvalid)
	require.Contains(t, err.Error(), `no customer survey "csat"`)
}

func ptrFloat(v float64) *float64 { return &v }

// One program, both sides: a customer survey stored in the program joins
// the employee pulse's panel, and its results per unit are outcomes.
func TestProgramCustomerPanel(t *testing.T) {
	ctx := t.Context()
	d, err := simulate.Generate(simulate.Config{Seed: 9, Waves: 8, TeamsPerDivision: 4, MinTeamSize: 15, MaxTeamSize: 25,
		Customers: &simulate.Customers{},
		Lifts: []simulate.Lift{{Units: []string{"d1"}, From: 3, Size: 1.2, Behaviors: []string{culture.CustomerFocus, culture.Agility,
			culture.Empowerment, culture.Innovation, culture.Inclusion}}}})
	require.NoError(t, err)
	now := d.Waves[len(d.Waves)-1].Closes.Add(time.Hour)
	p, err := cx.New(memstore.New(), &cx.Options{Now: func() time.Time { return now },
		Metrics: []cx.Metric{{Key: "fcr", Name: "first-contact resolution", Kind: cx.ShareMeasure}}})
	require.NoError(t, err)
	require.NoError(t, p.DefineUnits(ctx, d.Units...))
	require.NoError(t, p.DefineFramework(ctx, culture.CXBehaviors()))
	require.NoError(t, p.DefineSurvey(ctx, d.Survey))
	require.NoError(t, p.DefineSurvey(ctx, d.CustomerSurvey))
	for _, w := range append(slices.Clone(d.Waves), d.CustomerWaves...) {
		require.NoError(t, p.OpenWave(ctx, w))
	}
	_, err = p.RecordResponses(ctx, append(slices.Clone(d.Responses), d.CustomerResponses...))
	require.NoError(t, err)

	panel, err := p.Panel(ctx, d.Survey.ID)
	require.NoError(t, err)
	require.Len(t, panel.Customer, 1)
	require.Equal(t, d.CustomerSurvey.ID, panel.Customer[0].Survey.ID)
	require.Len(t, panel.Customer[0].Waves, 8)
	require.Equal(t, "Customer focus", panel.Label("behavior:customer_focus"), "behavior names from the frameworks")
	require.Equal(t, "first-contact resolution", panel.Label("fcr"))
	require.NotNil(t, panel.Recognitions, "a program's panel carries its recognitions (none yet)")
	require.Empty(t, panel.Recognitions)

	in := culture.Initiative{ID: [16]byte{9}, Name: "Listen", Kind: culture.NinetyDay, Owner: "x", Units: []string{"d1"}, Start: d.Waves[3].Opens,
		Behaviors: []string{culture.CustomerFocus},
		Outcomes:  []culture.OutcomeTarget{{Metric: cx.CustomerMeasure(d.CustomerSurvey.ID, survey.DriverTrust), Baseline: 0.5, Target: 0.6}}}
	im, err := cx.EstimateImpact(panel, in, cx.ImpactOptions{})
	require.NoError(t, err)
	var trust *cx.Effect
	for i, e := range im.Effects {
		if e.Measure == in.Outcomes[0].Metric && e.Window == cx.DuringWindow {
			trust = &im.Effects[i]
		}
	}
	require.NotNil(t, trust)
	require.True(t, trust.Estimable, trust.Reason)
	require.Greater(t, trust.Estimate, 0.0, "customers of a stronger culture trust more")
}

// The wins on the built-in customer surveys name the result plainly:
// "Net Promoter Score" (not "net Promoter Score (Net Promoter)") changing
// in points, a score; customer satisfaction and effort, shares, in
// percentage points, each named once.
func TestCustomerWinTextsNameMeasuresPlainly(t *testing.T) {
	for _, c := range []struct {
		s      survey.Survey
		label  string
		points string
	}{
		{survey.NPSSurvey(), "Net Promoter Score", " points in its 5 units"},
		{survey.CSATSurvey(), "customer satisfaction (CSAT)", " percentage points in its 5 units"},
		{survey.CESSurvey(), "customer effort (CES)", " percentage points in its 5 units"},
	} {
		t.Run(c.s.ID, func(t *testing.T) {
			h := fixtureHierarchy(t)
			treated := map[string]bool{"t1": true, "t2": true, "t3": true, "t4": true, "t5": true}
			p := simPanel(t, h, simSpec{seed: 5, waves: 8, n: 40, base: 0.45, lift: 0.25, from: 3, treated: treated,
				lifted: map[string]bool{culture.CustomerFocus: true}})
			tl := cx.NewTallies(c.s.ID)
			var waves []survey.Wave
			rng := rand.New(rand.NewPCG(5, 1))
			it := c.s.Items[0]
			for m := range 8 {
				opens := t0.AddDate(0, 0, 30*m+1)
				w := survey.Wave{ID: fmt.Sprintf("c%02d", m+1), Survey: c.s.ID, Opens: opens, Closes: opens.AddDate(0, 0, 29)}
				waves = append(waves, w)
				for i := 1; i <= 12; i++ {
					u := fmt.Sprintf("t%d", i)
					pr := 0.55
					if treated[u] && m >= 3 {
						pr = 0.8
					}
					tally := metrics.NewTally(it.Scale.Min, it.Scale.Max)
					for range 60 {
						v := it.Scale.Min
						if rng.Float64() < pr {
							v = it.Scale.Max
						}
						require.NoError(t, tally.Add(v))
					}
					tl.Answers[cx.Cell{Unit: u, Wave: w.ID, Item: it.ID}] = tally
					tl.Respondents[cx.Group{Unit: u, Wave: w.ID}] = 60
				}
			}
			p.Customer = []*cx.Panel{{Survey: c.s, Waves: waves, Tallies: tl}}
			p.Behaviors = culture.CXBehaviors().Behaviors
			key := cx.CustomerMeasure(c.s.ID, it.Construct)
			require.Equal(t, c.label, p.Label(key))
			in := fixtureInitiative([]string{"t1", "t2", "t3", "t4", "t5"}, 3)
			in.Outcomes = []culture.OutcomeTarget{{Metric: key, Baseline: 0, Target: 0.1}}
			im, err := cx.EstimateImpact(p, in, cx.ImpactOptions{})
			require.NoError(t, err)
			wins := cx.Wins(im)
			require.NotEmpty(t, wins)
			for _, w := range wins {
				require.Contains(t, w.Text, "raised "+c.label+" by ", w.Text)
				require.Contains(t, w.Text, c.points, w.Text)
				require.NotContains(t, w.Text, ") (", w.Text)
				require.NotContains(t, w.Text, "net Promoter", w.Text)
			}
		})
	}
}

// Measures are named for people: recognition counts by their behavior,
// an undeclared metric with a conventional key by its conventional name,
// a declared one by its name.
func TestLabelsOfMetrics(t *testing.T) {
	p := &cx.Panel{Survey: fixtureSurvey(), Behaviors: culture.CXBehaviors().Behaviors,
		Metrics: []cx.Metric{{Key: "fcr", Name: "first-contact resolution"}}}
	require.Equal(t, "recognitions of customer focus", p.Label(cx.RecognitionMetric(culture.CustomerFocus)))
	require.Equal(t, "customer satisfaction (CSAT)", p.Label("csat"))
	require.Equal(t, "first-contact resolution", p.Label("fcr"))
	require.Equal(t, "processing days", p.Label("processing_days"))
}
