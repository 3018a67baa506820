package survey_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/survey"
)

func surveyFields(t *testing.T, err error) []string {
	t.Helper()
	var ve *survey.ValidationError
	require.ErrorAs(t, err, &ve)
	require.ErrorIs(t, err, survey.ErrInvalid)
	var fields []string
	for _, p := range ve.Problems {
		fields = append(fields, p.Field)
		assert.NotEmpty(t, p.Message, p.Field)
	}
	return fields
}

func TestBuiltinScales(t *testing.T) {
	want := map[string][4]int{
		"likert5": {1, 5, 4, 5}, "likert7": {1, 7, 5, 7}, "nps": {0, 10, 9, 10},
		"csat": {1, 5, 4, 5}, "ces": {1, 7, 5, 7}, "binary": {0, 1, 1, 1},
	}
	require.Len(t, survey.Scales(), len(want))
	for _, s := range survey.Scales() {
		require.NoError(t, s.Validate(), s.ID)
		assert.Equal(t, want[s.ID], [4]int{s.Min, s.Max, s.FavorableMin, s.FavorableMax}, s.ID)
		got, ok := survey.ScaleByID(strings.ToUpper(s.ID))
		assert.True(t, ok, "ScaleByID ignores case: %s", s.ID)
		assert.Equal(t, s, got)
	}
	for _, alias := range []string{"nps11", "ENPS", "nps10"} {
		got, ok := survey.ScaleByID(alias)
		assert.True(t, ok, alias)
		assert.Equal(t, survey.NPS, got, alias)
	}
	_, ok := survey.ScaleByID("likert4")
	assert.False(t, ok)
	assert.Equal(t, 11, survey.NPS.Points())
	assert.Equal(t, "nps [0,10]", survey.NPS.String())
	assert.True(t, survey.NPS.Favorable(9))
	assert.False(t, survey.NPS.Favorable(8))
	assert.False(t, survey.Likert5.Contains(0))
	assert.True(t, survey.Likert5.Contains(5))
	assert.False(t, survey.Likert5.Contains(6))
	assert.Equal(t, 2, survey.Likert5.Reverse(4))
}

func TestScaleValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		s     survey.Scale
		field string
	}{
		{"MalformedID", survey.Scale{ID: "five points", Min: 1, Max: 5, FavorableMin: 4, FavorableMax: 5}, "scale.id"},
		{"MaxNotAboveMin", survey.Scale{ID: "s", Min: 3, Max: 3, FavorableMin: 3, FavorableMax: 3}, "scale"},
		{"TooManyPoints", survey.Scale{ID: "s", Min: 0, Max: 200, FavorableMin: 150, FavorableMax: 200}, "scale"},
		{"FavorableOutside", survey.Scale{ID: "s", Min: 1, Max: 5, FavorableMin: 4, FavorableMax: 6}, "scale.favorable"},
		{"FavorableReversed", survey.Scale{ID: "s", Min: 1, Max: 5, FavorableMin: 5, FavorableMax: 4}, "scale.favorable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Contains(t, surveyFields(t, tc.s.Validate()), tc.field)
		})
	}
}

func TestScaleProperties(t *testing.T) {
	props := newSurveyProps(t, 500)
	genPoint := gopter.Gen(func(p *gopter.GenParameters) *gopter.GenResult {
		s := survey.Scales()[p.Rng.Intn(len(survey.Scales()))]
		return gopter.NewGenResult(scalePoint{s, s.Min - 2 + p.Rng.Intn(s.Points()+4)}, gopter.NoShrinker)
	}).WithLabel("scale and value")
	props.Property("Reverse maps the scale onto itself, is an involution, and swaps the ends", prop.ForAll(func(sp scalePoint) bool {
		s, v := sp.Scale, sp.V
		if !s.Contains(v) {
			return true
		}
		rv := s.Reverse(v)
		return s.Contains(rv) && s.Reverse(rv) == v && (v != s.Min || rv == s.Max)
	}, genPoint))
	props.Property("favorable answers are points of the scale, and reverse keying maps the favorable range of a reversed item away from the top", prop.ForAll(func(sp scalePoint) bool {
		s, v := sp.Scale, sp.V
		it := survey.Item{Scale: s, Reverse: true}
		if s.Favorable(v) && !s.Contains(v) {
			return false
		}
		return !s.Contains(v) || it.Keyed(v) == s.Min+s.Max-v
	}, genPoint))
	props.run()
}

type scalePoint struct {
	Scale survey.Scale
	V     int
}

func TestBuiltinInstruments(t *testing.T) {
	all := survey.Instruments()
	ids := make([]string, len(all))
	for i, s := range all {
		require.NoError(t, s.Validate(), s.ID)
		ids[i] = s.ID
	}
	assert.Equal(t, []string{survey.CulturePulseID, survey.A11ID, survey.A11V2ID, survey.NPSID, survey.CSATID, survey.CESID}, ids)

	t.Run("CulturePulse", func(t *testing.T) {
		p := survey.CulturePulse()
		assert.Equal(t, survey.Employee, p.Audience)
		var behaviors []string
		for _, b := range culture.CXBehaviors().Behaviors {
			behaviors = append(behaviors, b.ID)
			belief, ok := p.Item(b.ID + ".belief")
			require.True(t, ok, "a belief item for %s", b.ID)
			behavior, ok := p.Item(b.ID + ".behavior")
			require.True(t, ok, "a behavior item for %s", b.ID)
			assert.Equal(t, survey.Belief, belief.Kind)
			assert.Equal(t, survey.Behavior, behavior.Kind)
			assert.Equal(t, []survey.Item{belief, behavior}, p.ItemsFor(b.ID))
			assert.Equal(t, survey.Likert5, belief.Scale)
		}
		enps, ok := p.Item("enps")
		require.True(t, ok)
		assert.Equal(t, survey.NPS, enps.Scale)
		assert.Equal(t, survey.Outcome, enps.Kind)
		assert.Equal(t, append(behaviors, survey.ENPS), p.Constructs(), "the pulse measures each CX behavior of package culture, then eNPS")
	})
	t.Run("A11", func(t *testing.T) {
		a := survey.A11()
		assert.Equal(t, survey.Customer, a.Audience)
		assert.Equal(t, []string{survey.DriverSatisfaction, survey.DriverTrust, survey.DriverEffectiveness, survey.DriverEase,
			survey.DriverEfficiency, survey.DriverEquity, survey.DriverEmployee}, a.Constructs())
		for _, it := range a.Items {
			assert.Equal(t, survey.Likert5, it.Scale, it.ID)
			assert.True(t, strings.HasPrefix(it.ID, "a11."), it.ID)
		}
	})
	t.Run("A11Verbatim", func(t *testing.T) {
		// The question list of OMB Circular A-11 Section 280 as GSA
		// Touchpoints' PRA supporting statement gives it (app/models/
		// pra_form.rb), one line per question, "OR" between wordings. The
		// statement there lacks the full stop after "My need was
		// addressed", which every other wording has; it is kept here.
		standard := []string{
			"5 point Likert scale: I am satisfied with the service I received from [Program/Service name].",
			"5 point Likert scale: This interaction increased my confidence in [Program/Service name]. OR I trust [Agency/Program/Service name] to fulfill our country’s commitment to [relevant population].",
			"Free response: Any additional feedback on your scores above?",
			"5 point Likert scale: My need was addressed. OR My issue was resolved. OR I found what I was looking for.",
			"5 point Likert scale: It was easy to complete what I needed to do.",
			"5 point Likert scale: It took a reasonable amount of time to do what I needed to do.",
			"5 point Likert scale: I was treated fairly.",
			"5 point Likert scale: Employees I interacted with were helpful.",
			"Free response: Any additional feedback for [Program/Service name]?",
		}
		a := survey.A11()
		assert.Equal(t, standard, questionnaire(a))
		for _, it := range a.Items {
			assert.Equal(t, []string{"Strongly Disagree", "Disagree", "Neutral", "Agree", "Strongly Agree"}, it.Labels, it.ID)
			assert.Equal(t, "Strongly Agree", it.Label(5))
			assert.Equal(t, it.ID == "a11.satisfaction" || it.ID == "a11.trust", it.Required, "required: %s", it.ID)
		}
		require.NoError(t, a.Validate())

		filled := a.Fill(map[string]string{survey.A11ProgramService: "Passport Renewal",
			survey.A11AgencyProgramService: "the Passport Office", survey.A11Population: "travelers"})
		sat, _ := filled.Item("a11.satisfaction")
		assert.Equal(t, "I am satisfied with the service I received from Passport Renewal.", sat.Text)
		trust, _ := filled.Item("a11.trust")
		assert.Equal(t, []string{"I trust the Passport Office to fulfill our country’s commitment to travelers."}, trust.Alternatives)
		fb, _ := filled.TextItem("a11.feedback")
		assert.Equal(t, "Any additional feedback for Passport Renewal?", fb.Text)
		orig, _ := a.Item("a11.satisfaction")
		assert.Contains(t, orig.Text, survey.A11ProgramService, "Fill returns a copy")
	})
	t.Run("A11V2", func(t *testing.T) {
		v2 := survey.A11V2()
		require.NoError(t, v2.Validate())
		trust := v2.Items[0]
		assert.Equal(t, "Based on my experience [Agency name]'s Service, I trust [Agency name] to deliver on their mission for the American public.", trust.Text)
		assert.Equal(t, survey.Binary, trust.Scale, "thumbs up (1) or down (0)")
		assert.True(t, trust.Required)
		assert.Equal(t, []string{"Thumbs down", "Thumbs up"}, trust.Labels)
		// Touchpoints' a11_v2 seed and CSV export: two checkbox questions
		// over the codes effectiveness, ease, efficiency, transparency,
		// humanity, employee, other; then "Additional Comments".
		codes := []string{"effectiveness", "ease", "efficiency", "transparency", "humanity", "employee", "other"}
		for qi, q := range []string{"What went well?", "What didn't go so well?"} {
			for oi, code := range codes {
				it := v2.Items[1+qi*len(codes)+oi]
				assert.Equal(t, q, it.Text)
				assert.Equal(t, code, it.Option)
				assert.Equal(t, survey.Binary, it.Scale)
				assert.False(t, it.Required)
			}
		}
		require.Len(t, v2.TextItems, 1)
		assert.Equal(t, "Additional Comments", v2.TextItems[0].Text)
	})
	t.Run("SingleItem", func(t *testing.T) {
		for _, tc := range []struct {
			s     survey.Survey
			scale survey.Scale
		}{{survey.NPSSurvey(), survey.NPS}, {survey.CSATSurvey(), survey.CSAT}, {survey.CESSurvey(), survey.CES}} {
			require.Len(t, tc.s.Items, 1, tc.s.ID)
			assert.Equal(t, tc.scale, tc.s.Items[0].Scale, tc.s.ID)
			assert.True(t, tc.s.Items[0].Required, "the one item of %s is required", tc.s.ID)
			assert.Equal(t, survey.Customer, tc.s.Audience)
		}
	})
	t.Run("FreshCopies", func(t *testing.T) {
		p := survey.CulturePulse()
		p.Items[0].Text = "changed"
		assert.NotEqual(t, "changed", survey.CulturePulse().Items[0].Text)
	})
}

func TestSurveyValidate(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*survey.Survey)
		field string
	}{
		{"MalformedID", func(s *survey.Survey) { s.ID = "culture pulse" }, "id"},
		{"NoName", func(s *survey.Survey) { s.Name = "" }, "name"},
		{"NoAudience", func(s *survey.Survey) { s.Audience = 0 }, "audience"},
		{"NoVersion", func(s *survey.Survey) { s.Version = 0 }, "version"},
		{"NoItems", func(s *survey.Survey) { s.Items = nil }, "items"},
		{"MalformedItemID", func(s *survey.Survey) { s.Items[2].ID = "q 2" }, "items[2].id"},
		{"DuplicateItem", func(s *survey.Survey) { s.Items[3].ID = s.Items[1].ID }, "items[3].id"},
		{"NoText", func(s *survey.Survey) { s.Items[0].Text = "" }, "items[0].text"},
		{"BadScale", func(s *survey.Survey) { s.Items[1].Scale.Max = 0 }, "items[1].scale"},
		{"BadFavorable", func(s *survey.Survey) { s.Items[1].Scale.FavorableMax = 9 }, "items[1].scale.favorable"},
		{"MalformedConstruct", func(s *survey.Survey) { s.Items[4].Construct = "customer focus" }, "items[4].construct"},
		{"NoKind", func(s *survey.Survey) { s.Items[5].Kind = 0 }, "items[5].kind"},
		{"NoItemVersion", func(s *survey.Survey) { s.Items[6].Version = 0 }, "items[6].version"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := survey.CulturePulse()
			tc.edit(&s)
			assert.Contains(t, surveyFields(t, s.Validate()), tc.field)
		})
	}
	t.Run("EveryProblemListed", func(t *testing.T) {
		s := survey.CulturePulse()
		s.Name, s.Version, s.Items[0].Text = "", 0, ""
		assert.Subset(t, surveyFields(t, s.Validate()), []string{"name", "version", "items[0].text"})
	})
}

func TestItem(t *testing.T) {
	it := survey.Item{ID: "q1", Scale: survey.Likert5, Version: 1}
	assert.Equal(t, 2, it.Keyed(2))
	rev := it
	rev.Reverse = true
	assert.Equal(t, 4, rev.Keyed(2))
	assert.True(t, it.Comparable(it))
	assert.False(t, it.Comparable(rev), "reverse keying changes what an answer means")
	reworded := it
	reworded.Version = 2
	assert.False(t, it.Comparable(reworded))
	rescaled := it
	rescaled.Scale = survey.Likert7
	assert.False(t, it.Comparable(rescaled))
	retexted := it
	retexted.Text = "typo fixed"
	assert.False(t, it.Comparable(retexted), "other wording is not compared, even at the same version")

	s := survey.CulturePulse()
	c := s.Clone()
	c.Items[0].Text = "changed"
	assert.NotEqual(t, "changed", s.Items[0].Text)
	_, ok := s.Item("nope")
	assert.False(t, ok)
	assert.Empty(t, s.ItemsFor("nope"))
	for _, k := range []survey.ItemKind{survey.Belief, survey.Behavior, survey.Outcome, 0} {
		assert.NotEmpty(t, k.String())
	}
	assert.Equal(t, "behavior", survey.Behavior.String())
	assert.Equal(t, "customer", survey.Customer.String())
	assert.Equal(t, "Audience(3)", survey.Audience(3).String())
}

func TestWave(t *testing.T) {
	opens := time.Date(2025, 6, 2, 8, 0, 0, 0, time.UTC)
	w := survey.Wave{ID: "pulse-2025-06", Survey: "culture_pulse", Opens: opens, Closes: opens.Add(14 * 24 * time.Hour),
		Invited: map[string]int{"claims": 40, "billing": 0}}
	require.NoError(t, w.Validate())
	assert.True(t, w.Open(opens))
	assert.True(t, w.Open(w.Closes))
	assert.False(t, w.Open(opens.Add(-time.Nanosecond)))
	assert.False(t, w.Open(w.Closes.Add(time.Nanosecond)))
	c := w.Clone()
	c.Invited["claims"] = 1
	assert.Equal(t, 40, w.Invited["claims"])

	for _, tc := range []struct {
		name  string
		edit  func(*survey.Wave)
		field string
	}{
		{"MalformedID", func(w *survey.Wave) { w.ID = "" }, "id"},
		{"MalformedSurvey", func(w *survey.Wave) { w.Survey = "culture pulse" }, "survey"},
		{"NoOpens", func(w *survey.Wave) { w.Opens = time.Time{} }, "opens"},
		{"NoCloses", func(w *survey.Wave) { w.Closes = time.Time{} }, "closes"},
		{"ClosesBeforeOpens", func(w *survey.Wave) { w.Closes = w.Opens.Add(-time.Hour) }, "closes"},
		{"ClosesAtOpens", func(w *survey.Wave) { w.Closes = w.Opens }, "closes"},
		{"MalformedUnit", func(w *survey.Wave) { w.Invited["contact centre"] = 3 }, "invited"},
		{"NegativeCount", func(w *survey.Wave) { w.Invited["claims"] = -1 }, "invited.claims"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := w.Clone()
			tc.edit(&w)
			assert.Contains(t, surveyFields(t, w.Validate()), tc.field)
		})
	}
}

func TestSurveyValidID(t *testing.T) {
	for _, ok := range []string{"q1", "a11.trust", "customer_focus.belief", "W-2025:06", strings.Repeat("x", 64)} {
		assert.True(t, survey.ValidID(ok), ok)
	}
	for _, bad := range []string{"", ".q", "q 1", "ü", strings.Repeat("x", 65)} {
		assert.False(t, survey.ValidID(bad), bad)
	}
}

func TestSurveyValidationError(t *testing.T) {
	err := error(&survey.ValidationError{Problems: []survey.Problem{{"id", "required"}, {"items", "a survey needs at least one item"}}})
	assert.Equal(t, "survey: invalid: id: required; items: a survey needs at least one item", err.Error())
	assert.True(t, errors.Is(err, survey.ErrInvalid))
	assert.True(t, slices.Equal([]string{"id", "items"}, surveyFields(t, err)))
}

// questionnaire lists a survey's questions in the order a respondent reads
// them, in the form of the A-11 standard's list: "5 point Likert scale:"
// or "Free response:", then the wording and its alternatives joined by
// " OR ".
func questionnaire(s survey.Survey) []string {
	var out []string
	place := func(after string) {
		for _, t := range s.TextItems {
			if t.After == after {
				out = append(out, "Free response: "+t.Text)
			}
		}
	}
	for _, it := range s.Items {
		out = append(out, "5 point Likert scale: "+strings.Join(append([]string{it.Text}, it.Alternatives...), " OR "))
		place(it.ID)
	}
	place("")
	return out
}
