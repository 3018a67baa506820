package cx_test

import (
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/survey"
)

// fewAnsweredProgram is the case: a team of six respondents of
// whom one answered the customer-focus items, alone in its organization.
// Every other item was answered by all six. Three weekly waves alike.
func fewAnsweredProgram(t *testing.T) *cx.Program {
	t.Helper()
	ctx := t.Context()
	opens := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	p, err := cx.New(memstore.New(), &cx.Options{Now: func() time.Time { return opens.Add(60 * 24 * time.Hour) }})
	require.NoError(t, err)
	require.NoError(t, p.DefineUnits(ctx, cx.Unit{ID: "org", Name: "Org"}))
	s := survey.CulturePulse()
	require.NoError(t, p.DefineSurvey(ctx, s))
	var rs []survey.Response
	for w := range 3 {
		wave := survey.Wave{ID: fmt.Sprintf("w%d", w+1), Survey: s.ID, Opens: opens.AddDate(0, 0, 7*w), Invited: map[string]int{"org": 8}}
		wave.Closes = wave.Opens.Add(6 * 24 * time.Hour)
		require.NoError(t, p.OpenWave(ctx, wave))
		for i := range 6 {
			r := survey.Response{ID: cxgen.IDOf(len(rs) + 1), Survey: s.ID, Wave: wave.ID, Unit: "org", Submitted: wave.Opens.Add(time.Hour),
				Answers: map[string]int{}}
			for _, it := range s.Items {
				if it.Construct == culture.CustomerFocus && i > 0 {
					continue
				}
				r.Answers[it.ID] = it.Scale.Min + (i+w+len(it.ID))%(it.Scale.Max-it.Scale.Min+1)
			}
			rs = append(rs, r)
		}
	}
	_, err = p.RecordResponses(ctx, rs)
	require.NoError(t, err)
	return p
}

// A figure is shown only when the people behind it reach the minimum:
// the team's headcount (6) does not qualify its customer-focus figures,
// which rest on one person, in the scorecard, the panel or the plan.
func TestMinimumPerFigure(t *testing.T) {
	ctx := t.Context()
	p := fewAnsweredProgram(t)
	s := survey.CulturePulse()
	cf := cx.BehaviorMeasure(culture.CustomerFocus)

	sc, err := p.Scorecard(ctx, s.ID, cx.ScorecardOptions{Wave: "w1"})
	require.NoError(t, err)
	u, ok := sc.Unit("org")
	require.True(t, ok)
	require.False(t, u.Suppressed, "six respondents: the unit is shown")
	assert.Equal(t, int64(6), u.Respondents)
	for j, b := range u.Behaviors {
		if b.Behavior == culture.CustomerFocus {
			assert.True(t, b.Suppressed, "one person answered")
			assert.Equal(t, "fewer than 5 people answered", b.Reason)
			assert.Zero(t, b.Favorable.N)
			assert.Zero(t, b.Favorable.Successes)
			assert.True(t, isNaN(b.Mean))
			assert.True(t, sc.Heatmap().Cells[0][j].Suppressed)
			continue
		}
		assert.False(t, b.Suppressed, b.Behavior)
		assert.Equal(t, int64(12), b.Favorable.N, "six people, two items")
	}
	require.NotNil(t, u.ENPS, "six answered eNPS")

	d, err := p.Disclosure(ctx, s.ID)
	require.NoError(t, err)
	c := cx.CellRef{Unit: "org", Wave: "w1"}
	for figure, hidden := range map[string]bool{cf: true, "mean:" + culture.CustomerFocus: true, "belief:" + culture.CustomerFocus: true,
		cx.ItemMeasure(culture.CustomerFocus + ".belief"): true, cx.BehaviorMeasure(culture.Agility): false, cx.ENPSMeasure: false,
		cx.RespondentsFigure: false, cx.SkippedFigure: true, "nonsense:x": true} {
		r, hid := d.FigureHidden(c, figure)
		assert.Equal(t, hidden, hid, figure)
		if hidden && figure != "nonsense:x" {
			assert.Equal(t, cx.FewAnswered, r.Kind, figure)
		}
	}
	r, hid := d.FigureHidden(c, "nonsense:x")
	assert.True(t, hid)
	assert.Equal(t, cx.NotPlanned, r.Kind, "a figure the plan cannot resolve is hidden")

	panel, err := p.Panel(ctx, s.ID)
	require.NoError(t, err)
	trends, err := cx.Trends(panel, cx.TrendOptions{Units: []string{"org"}, Measures: []string{cf, cx.BehaviorMeasure(culture.Agility)}, BaselinePoints: 2, MinPoints: 3})
	require.NoError(t, err)
	require.Len(t, trends, 2)
	for _, tr := range trends {
		require.Len(t, tr.Points, 3)
		for _, pt := range tr.Points {
			if tr.Measure == cf {
				assert.True(t, pt.Suppressed, "the trend hides it too")
				assert.Zero(t, pt.N)
				continue
			}
			assert.False(t, pt.Suppressed)
			assert.Equal(t, int64(12), pt.N)
		}
	}

	pr, err := p.PulseReport(ctx, s.ID, nil, cx.PulseOptions{})
	require.NoError(t, err)
	row, ok := pr.Row("org", "w1")
	require.True(t, ok)
	assert.False(t, row.Hidden)
	assert.True(t, row.SkippedHidden, "the skipped share sums the customer-focus answers")
	assert.Zero(t, row.Skipped.N)
}

// Program.Disclosure plans the survey's waves in time order, names what
// it cannot plan, and is the plan the program's outputs apply.
func TestProgramDisclosure(t *testing.T) {
	ctx := t.Context()
	p := scProgramWith(t, &cx.Options{})
	_, err := p.Disclosure(ctx, "nope")
	assert.ErrorIs(t, err, cx.ErrNotFound)
	_, err = p.Disclosure(ctx, "pulse", "w9")
	assert.ErrorIs(t, err, cx.ErrNotFound)
	_, err = p.Disclosure(ctx, "pulse", "w1", "w1")
	assert.ErrorIs(t, err, cx.ErrInvalid)

	all, err := p.Disclosure(ctx, "pulse")
	require.NoError(t, err)
	assert.Equal(t, []string{"w1", "w2"}, all.Waves())
	named, err := p.Disclosure(ctx, "pulse", "w2", "w1")
	require.NoError(t, err)
	assert.Equal(t, []string{"w1", "w2"}, named.Waves(), "time order, whatever the order given")
	first, err := p.Disclosure(ctx, "pulse", "w1")
	require.NoError(t, err)
	assert.Equal(t, hiddenSet(first), hiddenIn(all, "w1"), "a plan of the first wave is the first wave of a longer plan")

	// The same plan as planning the stored tallies by hand.
	h, tl := scTallies(t)
	want, err := p.Privacy().PlanSurvey(scSurvey(), h, tl, []string{"w1", "w2"}, nil)
	require.NoError(t, err)
	assert.Equal(t, hiddenSet(want), hiddenSet(all))

	// The scorecard applies it.
	sc, err := p.Scorecard(ctx, "pulse", cx.ScorecardOptions{Wave: "w2", Baseline: "w1"})
	require.NoError(t, err)
	for _, u := range sc.Units {
		r, hidden := all.Hidden(u.Unit, "w2")
		assert.Equal(t, hidden, u.Suppressed, u.Unit)
		if hidden {
			assert.Equal(t, r.String(), u.Reason)
		}
		for _, b := range u.Behaviors {
			_, hid := all.FigureHidden(cx.CellRef{Unit: u.Unit, Wave: "w2"}, cx.BehaviorMeasure(b.Behavior))
			assert.Equal(t, hid, b.Suppressed, u.Unit+" "+b.Behavior)
		}
	}
}

// hiddenIn returns the hidden cells of d in one wave, as hiddenSet.
func hiddenIn(d *cx.Disclosure, wave string) map[string]string {
	out := map[string]string{}
	for _, c := range d.HiddenCells() {
		if c.Cell.Wave == wave {
			out[c.Cell.String()] = detail(c.Reason)
		}
	}
	return out
}

// An A-11 driver rests on the customers who answered it: in a shown row
// of 7 responses, a question two of them answered shows nothing, in the
// summary and its CSV.
func TestA11DriverBelowTheMinimum(t *testing.T) {
	rs, vols := a11Fixture()
	for i, r := range rs {
		if r.Segments["channel"] == "online" && r.Submitted.Year() == 2025 && r.Submitted.Month() == 2 {
			if i < 2 {
				r.Answers["a11.employee"] = 5
			}
		}
	}
	q := cx.FiscalQuarter{Year: 2025, Quarter: 2}
	sum, err := cx.A11Summarize(survey.A11(), rs, vols, cx.A11Options{Quarter: q})
	require.NoError(t, err)
	on, ok := sum.Row("passport", "online")
	require.True(t, ok)
	require.False(t, on.Hidden)
	for _, d := range on.Drivers {
		switch d.Item {
		case "a11.employee":
			assert.True(t, d.Hidden, "two customers answered")
			assert.Zero(t, d.Score.N)
			assert.Zero(t, d.Answers.N())
			assert.True(t, isNaN(d.Score.Mean))
		case "a11.trust":
			assert.False(t, d.Hidden)
			assert.Equal(t, int64(8), d.Score.N)
		}
	}
	var buf strings.Builder
	require.NoError(t, cx.WriteA11CSV(&buf, sum))
	rows, err := csv.NewReader(strings.NewReader(buf.String())).ReadAll()
	require.NoError(t, err)
	col := slices.Index(rows[0], survey.DriverEmployee+"_n")
	require.Positive(t, col)
	for _, r := range rows[1:] {
		if r[2] == "passport" && r[3] == "online" {
			assert.Empty(t, r[col])
			assert.Empty(t, r[col-1], "the count of the top point")
		}
	}
}

// The program plans once while nothing it plans from changes, and again
// when it does.
func TestProgramDisclosureIsReusedWhileItsInputsHold(t *testing.T) {
	ctx := t.Context()
	p := scProgramWith(t, &cx.Options{})
	a, err := p.Disclosure(ctx, "pulse")
	require.NoError(t, err)
	b, err := p.Disclosure(ctx, "pulse")
	require.NoError(t, err)
	assert.Same(t, a, b, "the same inputs: the same plan")
	c, err := p.Disclosure(ctx, "pulse", "w1")
	require.NoError(t, err)
	assert.NotSame(t, a, c, "other waves: another plan")
	_, err = p.RecordResponses(ctx, []survey.Response{{ID: cxgen.IDOf(998), Survey: "pulse", Wave: "w2", Unit: "team_c",
		Submitted: scOpens["w2"].Add(time.Hour), Answers: map[string]int{"a1": 4}}, {ID: cxgen.IDOf(999), Survey: "pulse", Wave: "w2",
		Unit: "team_c", Submitted: scOpens["w2"].Add(time.Hour), Answers: map[string]int{"a1": 2}}})
	require.NoError(t, err)
	d, err := p.Disclosure(ctx, "pulse")
	require.NoError(t, err)
	assert.NotSame(t, a, d, "new responses: a new plan")
	assert.NotEqual(t, hiddenSet(a), hiddenSet(d), "team_c reaches the minimum")
}
