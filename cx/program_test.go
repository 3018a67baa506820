package cx_test

import (
	"context"
	"fmt"
	"maps"
	"math"
	"math/rand"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/leanovate/gopter/prop"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
	"github.com/cxculture/cxculture/cx/memstore"
	cxorg "github.com/cxculture/cxculture/cx/org"
	"github.com/cxculture/cxculture/survey"
)

// now is the program clock in these tests.
var now = time.Date(2026, time.March, 2, 10, 30, 0, 0, time.UTC)

// newProgram returns a program over an empty memstore with a fixed clock
// and IDs cxgen.IDOf(1), IDOf(2), ...
func newProgram(t *testing.T) (*cx.Program, cx.Store) {
	t.Helper()
	p, store, err := makeProgram()
	require.NoError(t, err)
	return p, store
}

func makeProgram() (*cx.Program, cx.Store, error) {
	store := memstore.New()
	n := 0
	p, err := cx.New(store, &cx.Options{
		Now:   func() time.Time { return now },
		NewID: func() uuid.UUID { n++; return cxgen.IDOf(n) },
	})
	return p, store, err
}

var (
	pulseWave = survey.Wave{ID: "pulse-1", Survey: survey.CulturePulseID, Opens: now.Add(-30 * 24 * time.Hour), Closes: now.Add(-16 * 24 * time.Hour),
		Invited: map[string]int{"claims": 40, "billing": 25}}
	csatWave   = survey.Wave{ID: "csat-1", Survey: survey.CSATID, Opens: now.Add(-60 * 24 * time.Hour), Closes: now}
	initiative = culture.Initiative{
		ID: uuid.MustParse("3d6f7a80-0b1c-4d2e-8f3a-4b5c6d7e8f90"), Name: "Answer claims in a week", Kind: culture.NinetyDay,
		Owner: "Head of claims", Units: []string{"claims"}, Start: now.Add(-10 * 24 * time.Hour),
		Behaviors: []string{culture.CustomerFocus}, Outcomes: []culture.OutcomeTarget{{Metric: "processing_days", Baseline: 21, Target: 7, Direction: culture.LowerIsBetter}},
	}
)

// seeded returns a program with an org, the CX framework, the culture
// pulse and CSAT surveys, a wave of each and a planned initiative.
func seeded(t *testing.T) (*cx.Program, cx.Store) {
	t.Helper()
	ctx := t.Context()
	p, s := newProgram(t)
	require.NoError(t, p.DefineUnits(ctx,
		cx.Unit{ID: "org", Name: "Agency"}, cx.Unit{ID: "claims", Parent: "org", Name: "Claims"},
		cx.Unit{ID: "billing", Parent: "org", Name: "Billing"}, cx.Unit{ID: "claims_north", Parent: "claims", Name: "Claims north"}))
	require.NoError(t, p.DefineFramework(ctx, culture.CXBehaviors()))
	require.NoError(t, p.DefineSurvey(ctx, survey.CulturePulse()))
	require.NoError(t, p.DefineSurvey(ctx, survey.CSATSurvey()))
	require.NoError(t, p.OpenWave(ctx, pulseWave))
	require.NoError(t, p.OpenWave(ctx, csatWave))
	_, err := p.LaunchInitiative(ctx, initiative)
	require.NoError(t, err)
	return p, s
}

// snapshot is everything a store holds.
type snapshot struct {
	Org          []cx.OrgChange
	Frameworks   []culture.Framework
	Indicators   []culture.Indicator
	Initiatives  []culture.Initiative
	Surveys      []survey.Survey
	Waves        []survey.Wave
	Responses    []survey.Response
	Observations []cx.Observation
}

func snap(t *testing.T, s cx.Store) snapshot {
	t.Helper()
	ctx := context.Background()
	var sn snapshot
	var err error
	must := func(e error) {
		t.Helper()
		if e != nil && err == nil {
			err = e
		}
	}
	var e error
	sn.Org, e = s.ListOrgChanges(ctx)
	must(e)
	sn.Frameworks, e = s.ListFrameworks(ctx)
	must(e)
	sn.Indicators, e = s.ListIndicators(ctx)
	must(e)
	sn.Initiatives, e = s.ListInitiatives(ctx, culture.InitiativeFilter{})
	must(e)
	sn.Surveys, e = s.ListSurveys(ctx)
	must(e)
	sn.Waves, e = s.ListWaves(ctx, survey.WaveFilter{})
	must(e)
	sn.Responses, e = s.ListResponses(ctx, survey.ResponseFilter{})
	must(e)
	sn.Observations, e = s.ListObservations(ctx, cx.ObservationFilter{})
	must(e)
	require.NoError(t, err)
	return sn
}

var (
	respA = uuid.MustParse("a0000000-0000-4000-8000-00000000000a")
	respB = uuid.MustParse("b0000000-0000-4000-8000-00000000000b")
)

func pulseResponse(id uuid.UUID) survey.Response {
	return survey.Response{ID: id, Survey: survey.CulturePulseID, Wave: "pulse-1", Unit: "claims_north",
		Submitted: pulseWave.Opens.Add(time.Hour), Answers: map[string]int{"customer_focus.belief": 4, "agility.behavior": 2, "enps": 9}}
}

func csatResponse(id uuid.UUID) survey.Response {
	return survey.Response{ID: id, Survey: survey.CSATID, Wave: "csat-1", Unit: "billing",
		Submitted: csatWave.Opens.Add(time.Hour), Answers: map[string]int{"csat": 5}}
}

func obs(metric, unit string, days int, v float64) cx.Observation {
	return cx.Observation{Metric: metric, Unit: unit, Time: now.Add(-time.Duration(days) * 24 * time.Hour), Value: v}
}

// TestProgramRejectsBadInput checks that every constructor and recorder,
// given bad input, returns a *cx.ValidationError that unwraps to
// cx.ErrInvalid and names the field, and stores nothing.
func TestProgramRejectsBadInput(t *testing.T) {
	type op func(ctx context.Context, p *cx.Program) error
	launch := func(edit func(*culture.Initiative)) op {
		return func(ctx context.Context, p *cx.Program) error {
			in := initiative.Clone()
			in.ID = uuid.Nil
			edit(&in)
			_, err := p.LaunchInitiative(ctx, in)
			return err
		}
	}
	record := func(rs ...survey.Response) op {
		return func(ctx context.Context, p *cx.Program) error {
			_, err := p.RecordResponses(ctx, rs)
			return err
		}
	}
	edited := func(r survey.Response, edit func(*survey.Response)) survey.Response {
		r = r.Clone()
		edit(&r)
		return r
	}
	observe := func(os ...cx.Observation) op {
		return func(ctx context.Context, p *cx.Program) error {
			_, err := p.RecordObservations(ctx, os)
			return err
		}
	}
	indicator := func(edit func(*culture.Indicator)) op {
		return func(ctx context.Context, p *cx.Program) error {
			target := 0.7
			in := culture.Indicator{ID: "cf", Behavior: culture.CustomerFocus, Name: "Customer focus in action",
				Source: culture.Source{Items: []string{"customer_focus.behavior"}}, Target: &target}
			edit(&in)
			return p.DefineIndicator(ctx, in)
		}
	}
	wave := func(edit func(*survey.Wave)) op {
		return func(ctx context.Context, p *cx.Program) error {
			w := pulseWave.Clone()
			w.ID = "pulse-2"
			edit(&w)
			return p.OpenWave(ctx, w)
		}
	}
	defineSurvey := func(edit func(*survey.Survey)) op {
		return func(ctx context.Context, p *cx.Program) error {
			s := survey.CESSurvey()
			edit(&s)
			return p.DefineSurvey(ctx, s)
		}
	}
	pa := fmt.Sprintf("responses[0 %s]", respA)
	cases := []struct {
		name  string
		fresh func(t *testing.T) (*cx.Program, cx.Store) // default: seeded
		op    op
		field string
	}{
		{"DefineUnits/None", nil, func(ctx context.Context, p *cx.Program) error { return p.DefineUnits(ctx) }, "units"},
		{"DefineUnits/MalformedID", nil, func(ctx context.Context, p *cx.Program) error {
			return p.DefineUnits(ctx, cx.Unit{ID: "new team", Parent: "org", Name: "New"})
		}, "units[0].id"},
		{"DefineUnits/SecondMalformedID", nil, func(ctx context.Context, p *cx.Program) error {
			return p.DefineUnits(ctx, cx.Unit{ID: "digital", Parent: "org", Name: "Digital"}, cx.Unit{ID: "-x", Parent: "org", Name: "X"})
		}, "units[1].id"},
		{"DefineUnits/NoName", nil, func(ctx context.Context, p *cx.Program) error {
			return p.DefineUnits(ctx, cx.Unit{ID: "digital", Parent: "org"})
		}, "units[digital].name"},
		{"DefineUnits/UnknownParent", nil, func(ctx context.Context, p *cx.Program) error {
			return p.DefineUnits(ctx, cx.Unit{ID: "digital", Parent: "it", Name: "Digital"})
		}, "units[digital].parent"},
		{"DefineUnits/SecondRoot", nil, func(ctx context.Context, p *cx.Program) error {
			return p.DefineUnits(ctx, cx.Unit{ID: "ministry", Name: "Ministry"})
		}, "units"},
		{"DefineUnits/Cycle", nil, func(ctx context.Context, p *cx.Program) error {
			return p.DefineUnits(ctx, cx.Unit{ID: "x", Parent: "y", Name: "X"}, cx.Unit{ID: "y", Parent: "x", Name: "Y"})
		}, "units[x].parent"},
		{"DefineUnits/NoRootInEmptyProgram", newProgram, func(ctx context.Context, p *cx.Program) error {
			return p.DefineUnits(ctx, cx.Unit{ID: "claims", Parent: "org", Name: "Claims"})
		}, "units[claims].parent"},

		{"DefineFramework/MalformedID", nil, func(ctx context.Context, p *cx.Program) error {
			f := culture.CustomerMindset()
			f.ID = "customer mindset"
			return p.DefineFramework(ctx, f)
		}, "framework.id"},
		{"DefineFramework/NoBehaviors", nil, func(ctx context.Context, p *cx.Program) error {
			return p.DefineFramework(ctx, culture.Framework{ID: "empty", Name: "Empty"})
		}, "framework.behaviors"},
		{"DefineFramework/BehaviorOfAnotherFramework", nil, func(ctx context.Context, p *cx.Program) error {
			f := culture.CustomerMindset()
			f.ID = "mine"
			f.Behaviors[1].ID = culture.Agility
			return p.DefineFramework(ctx, f)
		}, "framework.behaviors[1].id"},

		{"DefineIndicator/UnknownBehavior", nil, indicator(func(in *culture.Indicator) { in.Behavior = culture.Empathy }), "indicator.behavior"},
		{"DefineIndicator/UnknownItem", nil, indicator(func(in *culture.Indicator) { in.Source.Items = []string{"customer_focus.behavior", "q99"} }), "indicator.source.items[1]"},
		{"DefineIndicator/NoSource", nil, indicator(func(in *culture.Indicator) { in.Source = culture.Source{} }), "indicator.source"},
		{"DefineIndicator/TargetNotAShare", nil, indicator(func(in *culture.Indicator) { *in.Target = 70 }), "indicator.target"},
		{"DefineIndicator/MalformedID", nil, indicator(func(in *culture.Indicator) { in.ID = "" }), "indicator.id"},

		{"DefineSurvey/NoItems", nil, defineSurvey(func(s *survey.Survey) { s.Items = nil }), "survey.items"},
		{"DefineSurvey/BadScale", nil, defineSurvey(func(s *survey.Survey) { s.Items[0].Scale.Max = s.Items[0].Scale.Min }), "survey.items[0].scale"},
		{"DefineSurvey/NoName", nil, defineSurvey(func(s *survey.Survey) { s.Name = "" }), "survey.name"},

		{"OpenWave/UnknownSurvey", nil, wave(func(w *survey.Wave) { w.Survey = "engagement" }), "wave.survey"},
		{"OpenWave/ClosesBeforeOpens", nil, wave(func(w *survey.Wave) { w.Closes = w.Opens.Add(-time.Hour) }), "wave.closes"},
		{"OpenWave/NoOpens", nil, wave(func(w *survey.Wave) { w.Opens = time.Time{} }), "wave.opens"},
		{"OpenWave/UnknownInvitedUnit", nil, wave(func(w *survey.Wave) { w.Invited["digital"] = 3 }), "wave.invited.digital"},
		{"OpenWave/NegativeInvited", nil, wave(func(w *survey.Wave) { w.Invited["claims"] = -1 }), "wave.invited.claims"},
		{"OpenWave/InvitedBeforeUnitsDefined", func(t *testing.T) (*cx.Program, cx.Store) {
			p, s := newProgram(t)
			require.NoError(t, p.DefineSurvey(t.Context(), survey.CulturePulse()))
			return p, s
		}, wave(func(*survey.Wave) {}), "wave.invited.claims"},

		{"LaunchInitiative/UnknownUnit", nil, launch(func(in *culture.Initiative) { in.Units = []string{"digital"} }), "initiative.units[0]"},
		{"LaunchInitiative/NoUnits", nil, launch(func(in *culture.Initiative) { in.Units = nil }), "initiative.units"},
		{"LaunchInitiative/UnknownBehavior", nil, launch(func(in *culture.Initiative) { in.Behaviors = []string{culture.Empathy} }), "initiative.behaviors[0]"},
		{"LaunchInitiative/NoName", nil, launch(func(in *culture.Initiative) { in.Name = "" }), "initiative.name"},
		{"LaunchInitiative/NoOwner", nil, launch(func(in *culture.Initiative) { in.Owner = "" }), "initiative.owner"},
		{"LaunchInitiative/ChangeProgramWithoutEnd", nil, launch(func(in *culture.Initiative) { in.Kind = culture.ChangeProgram }), "initiative.end"},
		{"LaunchInitiative/TargetNoImprovement", nil, launch(func(in *culture.Initiative) { in.Outcomes[0].Target = 30 }), "initiative.outcomes[0].target"},
		{"LaunchInitiative/HistoryInTheFuture", nil, launch(func(in *culture.Initiative) {
			in.History = []culture.Transition{{From: culture.Planned, To: culture.Active, At: now.Add(time.Hour)}}
			in.Status = culture.Active
		}), "initiative.history[0].at"},
		{"LaunchInitiative/HistoryOutsideLifecycle", nil, launch(func(in *culture.Initiative) {
			in.History = []culture.Transition{{From: culture.Planned, To: culture.Completed, At: now.Add(-time.Hour)}}
			in.Status = culture.Completed
		}), "initiative.history[0]"},
		{"LaunchInitiative/StatusWithoutHistory", nil, launch(func(in *culture.Initiative) { in.Status = culture.Active }), "initiative.status"},

		{"AdvanceInitiative/NotAllowed", nil, func(ctx context.Context, p *cx.Program) error {
			_, err := p.AdvanceInitiative(ctx, initiative.ID, culture.Completed, "")
			return err
		}, "initiative.status"},
		{"AdvanceInitiative/UnknownStatus", nil, func(ctx context.Context, p *cx.Program) error {
			_, err := p.AdvanceInitiative(ctx, initiative.ID, culture.Status(9), "")
			return err
		}, "initiative.status"},

		{"RecordResponses/ValueOutsideScale", nil, record(edited(pulseResponse(respA), func(r *survey.Response) { r.Answers["enps"] = 11 })), pa + ".answers.enps"},
		{"RecordResponses/UnknownItem", nil, record(edited(pulseResponse(respA), func(r *survey.Response) { r.Answers["q1"] = 3 })), pa + ".answers.q1"},
		{"RecordResponses/UnknownUnit", nil, record(edited(pulseResponse(respA), func(r *survey.Response) { r.Unit = "digital" })), pa + ".unit"},
		{"RecordResponses/UnknownWave", nil, record(edited(pulseResponse(respA), func(r *survey.Response) { r.Wave = "pulse-9" })), pa + ".wave"},
		{"RecordResponses/WaveOfAnotherSurvey", nil, record(edited(pulseResponse(respA), func(r *survey.Response) { r.Wave = "csat-1" })), pa + ".wave"},
		{"RecordResponses/UnknownSurvey", nil, record(edited(pulseResponse(respA), func(r *survey.Response) { r.Survey = "engagement" })), pa + ".survey"},
		{"RecordResponses/RequiredItemMissing", nil, record(edited(csatResponse(respA), func(r *survey.Response) { r.Answers = map[string]int{"other": 1} })), pa + ".answers.csat"},
		{"RecordResponses/NoAnswers", nil, record(edited(pulseResponse(respA), func(r *survey.Response) { r.Answers = nil })), pa + ".answers"},
		{"RecordResponses/AfterTheWave", nil, record(edited(pulseResponse(respA), func(r *survey.Response) { r.Submitted = pulseWave.Closes.Add(time.Microsecond) })), pa + ".submitted"},
		{"RecordResponses/BeforeTheWave", nil, record(edited(pulseResponse(respA), func(r *survey.Response) { r.Submitted = pulseWave.Opens.Add(-time.Microsecond) })), pa + ".submitted"},
		{"RecordResponses/DuplicateIDInBatch", nil, record(pulseResponse(respA), pulseResponse(respA)), fmt.Sprintf("responses[1 %s].id", respA)},
		{"RecordResponses/OneBadInBatch", nil, record(csatResponse(respB), pulseResponse(respA), edited(pulseResponse(cxgen.IDOf(77)), func(r *survey.Response) { r.Answers["enps"] = -1 })),
			fmt.Sprintf("responses[2 %s].answers.enps", cxgen.IDOf(77))},

		{"RecordObservations/NotANumber", nil, observe(obs("csat_weekly", "claims", 7, 0.8), obs("csat_weekly", "claims", 14, math.NaN())), "observations[1].value"},
		{"RecordObservations/Infinite", nil, observe(obs("csat_weekly", "claims", 7, math.Inf(1))), "observations[0].value"},
		{"RecordObservations/UnknownUnit", nil, observe(obs("csat_weekly", "digital", 7, 0.8)), "observations[0].unit"},
		{"RecordObservations/MalformedMetric", nil, observe(obs("csat weekly", "claims", 7, 0.8)), "observations[0].metric"},
		{"RecordObservations/NoTime", nil, observe(cx.Observation{Metric: "csat_weekly", Unit: "claims", Value: 0.8}), "observations[0].time"},
		{"RecordObservations/NegativeN", nil, observe(cx.Observation{Metric: "csat_weekly", Unit: "claims", Time: now, Value: 0.8, N: -1}), "observations[0].n"},
		{"RecordObservations/TwoValuesOneKey", nil, observe(obs("csat_weekly", "claims", 7, 0.8), obs("csat_weekly", "claims", 7, 0.7)), "observations[1]"},
		{"RecordObservations/BeforeUnitsDefined", newProgram, observe(obs("csat_weekly", "claims", 7, 0.8)), "observations[0].unit"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			setup := tc.fresh
			if setup == nil {
				setup = seeded
			}
			p, s := setup(t)
			before := snap(t, s)
			err := tc.op(t.Context(), p)
			assert.Empty(t, wantProblem(err, tc.field, ""), "the error must be a *cx.ValidationError naming %s", tc.field)
			assert.Equal(t, before, snap(t, s), "bad input stores nothing")
		})
	}
	t.Run("New/NilStore", func(t *testing.T) {
		p, err := cx.New(nil, nil)
		assert.Nil(t, p)
		assert.Empty(t, wantProblem(err, "store", "required"))
	})
}

func TestProgramDefinesAndRecords(t *testing.T) {
	ctx := t.Context()
	p, s := seeded(t)
	assert.Equal(t, now, p.Now())
	assert.Same(t, s, p.Store())

	h, err := p.Hierarchy(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"org", "billing", "claims", "claims_north"}, h.IDs())
	require.NoError(t, p.DefineUnits(ctx, cx.Unit{ID: "claims_south", Parent: "claims", Name: "Claims south"}), "units can be added to a stored tree")
	h, err = p.Hierarchy(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"claims_north", "claims_south"}, h.Children("claims"))

	t.Run("Framework", func(t *testing.T) {
		assert.ErrorIs(t, p.DefineFramework(ctx, culture.CXBehaviors()), cx.ErrAlreadyExists)
		require.NoError(t, p.DefineFramework(ctx, culture.CustomerMindset()))
		bs, err := p.Behaviors(ctx)
		require.NoError(t, err)
		assert.Len(t, bs, 9)
		assert.Equal(t, "Empathy", bs[culture.Empathy].Name)
	})
	t.Run("Indicator", func(t *testing.T) {
		in := culture.Indicator{ID: "cf", Behavior: culture.CustomerFocus, Name: "Acts on feedback",
			Source: culture.Source{Items: []string{"customer_focus.behavior"}}}
		require.NoError(t, p.DefineIndicator(ctx, in))
		got, err := s.GetIndicator(ctx, "cf")
		require.NoError(t, err)
		assert.Equal(t, in, got)
		metric := culture.Indicator{ID: "days", Behavior: culture.Agility, Name: "Days to decision",
			Source: culture.Source{Items: []string{}, Metric: "processing_days"}, Direction: culture.LowerIsBetter}
		require.NoError(t, p.DefineIndicator(ctx, metric))
		got, err = s.GetIndicator(ctx, "days")
		require.NoError(t, err)
		assert.Nil(t, got.Source.Items, "empty slices are stored nil")
	})
	t.Run("Wave", func(t *testing.T) {
		got, err := s.GetWave(ctx, "pulse-1")
		require.NoError(t, err)
		want := pulseWave.Clone()
		want.SurveyVersion = survey.CulturePulse().Version
		assert.Equal(t, want, got, "the wave records the version of the survey it fields")
		local := time.FixedZone("UTC-5", -5*3600)
		w := survey.Wave{ID: "pulse-2", Survey: survey.CulturePulseID, Opens: now.In(local).Add(123456789), Closes: now.Add(14 * 24 * time.Hour), Invited: map[string]int{}}
		require.NoError(t, p.OpenWave(ctx, w))
		got, err = s.GetWave(ctx, "pulse-2")
		require.NoError(t, err)
		assert.Equal(t, now.Add(123456*time.Microsecond), got.Opens, "times are stored in UTC, to the microsecond")
		assert.Nil(t, got.Invited, "empty maps are stored nil")
	})
	t.Run("InitiativeLifecycle", func(t *testing.T) {
		got, err := s.GetInitiative(ctx, initiative.ID)
		require.NoError(t, err)
		assert.Equal(t, culture.Planned, got.Status)
		assert.Equal(t, initiative.Start.Add(90*24*time.Hour), got.End, "a 90-day initiative ends 90 days after its start")
		assert.Equal(t, now, got.Created)

		in, err := p.AdvanceInitiative(ctx, initiative.ID, culture.Active, "kick-off")
		require.NoError(t, err)
		assert.Equal(t, []culture.Transition{{From: culture.Planned, To: culture.Active, At: now, Note: "kick-off"}}, in.History)
		stored, err := s.GetInitiative(ctx, initiative.ID)
		require.NoError(t, err)
		assert.Equal(t, in, stored)
		in, err = p.AdvanceInitiative(ctx, initiative.ID, culture.Stopped, "mission changed")
		require.NoError(t, err)
		assert.Equal(t, culture.Stopped, in.Status)
		_, err = p.AdvanceInitiative(ctx, uuid.MustParse("00000000-0000-4000-8000-0000000000ff"), culture.Active, "")
		assert.ErrorIs(t, err, cx.ErrNotFound)

		fresh := initiative.Clone()
		fresh.ID = uuid.Nil
		fresh.Start = now.In(time.FixedZone("CET", 3600)).Add(999)
		fresh.Behaviors, fresh.Participants = []string{}, []string{}
		launched, err := p.LaunchInitiative(ctx, fresh)
		require.NoError(t, err)
		assert.Equal(t, cxgen.IDOf(1), launched.ID, "an initiative without an ID gets one from Options.NewID")
		assert.Equal(t, now, launched.Start)
		assert.Nil(t, launched.Behaviors)
		stored, err = s.GetInitiative(ctx, launched.ID)
		require.NoError(t, err)
		assert.Equal(t, launched, stored)
		_, err = p.LaunchInitiative(ctx, launched)
		assert.ErrorIs(t, err, cx.ErrAlreadyExists)
	})
	t.Run("Responses", func(t *testing.T) {
		noID := csatResponse(uuid.Nil)
		noID.Submitted = noID.Submitted.In(time.FixedZone("CET", 3600)).Add(1500)
		noID.Segments = map[string]string{}
		batch := []survey.Response{pulseResponse(respA), noID}
		n, err := p.RecordResponses(ctx, batch)
		require.NoError(t, err)
		assert.Equal(t, 2, n)
		assert.Equal(t, uuid.Nil, batch[1].ID, "the caller's batch is not modified")
		got, err := s.ListResponses(ctx, survey.ResponseFilter{Survey: survey.CSATID})
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, survey.ContentID(noID, 0), got[0].ID, "a response without an ID gets one derived from its content")
		assert.Equal(t, csatResponse(uuid.Nil).Submitted.Add(time.Microsecond), got[0].Submitted)
		assert.Nil(t, got[0].Segments)

		n, err = p.RecordResponses(ctx, []survey.Response{pulseResponse(respA), pulseResponse(respB)})
		require.NoError(t, err)
		assert.Equal(t, 1, n, "re-recording a stored response adds nothing")
		changed := pulseResponse(respA)
		changed.Answers["enps"] = 3
		before := snap(t, s)
		_, err = p.RecordResponses(ctx, []survey.Response{pulseResponse(cxgen.IDOf(50)), changed})
		assert.ErrorIs(t, err, cx.ErrAlreadyExists)
		assert.Equal(t, before, snap(t, s), "a refused batch stores nothing")
		n, err = p.RecordResponses(ctx, nil)
		assert.NoError(t, err)
		assert.Zero(t, n)
	})
	t.Run("Observations", func(t *testing.T) {
		batch := []cx.Observation{obs("csat_weekly", "claims", 7, 0.81), obs("csat_weekly", "claims", 14, 0.78), obs("csat_weekly", "claims", 7, 0.81)}
		n, err := p.RecordObservations(ctx, batch)
		require.NoError(t, err)
		assert.Equal(t, 2, n, "an identical duplicate in the batch counts once")
		n, err = p.RecordObservations(ctx, batch[:2])
		require.NoError(t, err)
		assert.Zero(t, n, "re-recording adds nothing")
		_, err = p.RecordObservations(ctx, []cx.Observation{obs("csat_weekly", "claims", 7, 0.5)})
		assert.ErrorIs(t, err, cx.ErrAlreadyExists)
		n, err = p.RecordObservations(ctx, nil)
		assert.NoError(t, err)
		assert.Zero(t, n)
	})
}

func TestProgramHierarchyEmpty(t *testing.T) {
	p, _ := newProgram(t)
	_, err := p.Hierarchy(t.Context())
	assert.ErrorIs(t, err, cx.ErrNotFound)
}

func TestValidationErrorUnwrapsToCause(t *testing.T) {
	p, _ := seeded(t)
	_, err := p.RecordResponses(t.Context(), []survey.Response{{ID: respA, Survey: "nope"}})
	var ve *cx.ValidationError
	require.ErrorAs(t, err, &ve)
	var se *survey.ValidationError
	require.ErrorAs(t, err, &se, "a validation error of package survey stays reachable")
	assert.Len(t, ve.Problems, len(se.Problems))
	assert.ErrorIs(t, err, cx.ErrInvalid)
	assert.ErrorIs(t, err, survey.ErrInvalid)
	assert.True(t, strings.HasPrefix(err.Error(), "cx: invalid input: responses[0 "), err.Error())

	err = p.DefineFramework(t.Context(), culture.Framework{ID: "x"})
	var ce *culture.ValidationError
	require.ErrorAs(t, err, &ce)
	assert.ErrorIs(t, err, culture.ErrInvalid)
	assert.Empty(t, wantProblem(err, "framework.name", "required"))
}

func TestObservationFilterMatch(t *testing.T) {
	o := obs("csat_weekly", "claims", 7, 0.8)
	for _, tc := range []struct {
		f    cx.ObservationFilter
		want bool
	}{
		{cx.ObservationFilter{}, true},
		{cx.ObservationFilter{Metric: "csat_weekly", Units: []string{"billing", "claims"}}, true},
		{cx.ObservationFilter{Metric: "nps"}, false},
		{cx.ObservationFilter{Units: []string{"billing"}}, false},
		{cx.ObservationFilter{Since: o.Time}, true},
		{cx.ObservationFilter{Since: o.Time.Add(1)}, false},
		{cx.ObservationFilter{Until: o.Time}, false},
		{cx.ObservationFilter{Until: o.Time.Add(1)}, true},
	} {
		assert.Equal(t, tc.want, tc.f.Match(o), "%+v", tc.f)
	}
}

// world defines a generated world in a fresh program.
func world(ctx context.Context, w cxgen.World) (*cx.Program, cx.Store, error) {
	p, s, err := makeProgram()
	if err != nil {
		return nil, nil, err
	}
	if err := p.DefineUnits(ctx, w.Units...); err != nil {
		return nil, nil, fmt.Errorf("DefineUnits: %w", err)
	}
	for _, sv := range w.Surveys {
		if err := p.DefineSurvey(ctx, sv); err != nil {
			return nil, nil, fmt.Errorf("DefineSurvey: %w", err)
		}
	}
	for _, wv := range w.Waves {
		if err := p.OpenWave(ctx, wv); err != nil {
			return nil, nil, fmt.Errorf("OpenWave: %w", err)
		}
	}
	return p, s, nil
}

func TestProgramProperties(t *testing.T) {
	ctx := t.Context()
	props := cxgen.NewProperties(t, 150)
	props.Property("a generated valid batch is recorded whole, exactly as given, and re-recording it adds nothing", prop.ForAll(func(b cxgen.Batch) string {
		p, s, err := world(ctx, b.World)
		if err != nil {
			return err.Error()
		}
		n, err := p.RecordResponses(ctx, b.Responses)
		if err != nil || n != len(b.Responses) {
			return fmt.Sprintf("RecordResponses: %d, %v; want %d", n, err, len(b.Responses))
		}
		for _, r := range b.Responses {
			got, err := s.GetResponse(ctx, r.ID)
			if err != nil || !got.Equal(r) {
				return fmt.Sprintf("GetResponse(%s) = %+v, %v; want %+v", r.ID, got, err, r)
			}
		}
		if n, err := p.RecordResponses(ctx, b.Responses); err != nil || n != 0 {
			return fmt.Sprintf("re-recording: %d, %v; want 0, nil", n, err)
		}
		return ""
	}, cxgen.Responses(8)))
	props.Property("a batch with one bad response is refused with a ValidationError naming it, and nothing of it is stored", prop.ForAll(func(b cxgen.Batch, seed int64) string {
		p, s, err := world(ctx, b.World)
		if err != nil {
			return err.Error()
		}
		r := rand.New(rand.NewSource(seed))
		i := r.Intn(len(b.Responses))
		bad := b.Responses[i].Clone()
		prefix := fmt.Sprintf("responses[%d %s]", i, bad.ID)
		var field string
		switch r.Intn(4) {
		case 0:
			id := slices.Sorted(maps.Keys(bad.Answers))[0]
			sv, _ := b.World.Survey(bad.Survey)
			it, _ := sv.Item(id)
			bad.Answers[id] = it.Scale.Max + 1 + r.Intn(3)
			field = prefix + ".answers." + id
		case 1:
			bad.Unit = "zz_nowhere"
			field = prefix + ".unit"
		case 2:
			bad.Wave = "zz_nowave"
			field = prefix + ".wave"
		case 3:
			w, _ := b.World.Wave(bad.Wave)
			bad.Submitted = w.Closes.Add(time.Duration(1+r.Intn(1000)) * time.Microsecond)
			field = prefix + ".submitted"
		}
		batch := slices.Clone(b.Responses)
		batch[i] = bad
		_, err = p.RecordResponses(ctx, batch)
		if msg := wantProblem(err, field, ""); msg != "" {
			return msg
		}
		if n, err := s.CountResponses(ctx, survey.ResponseFilter{}); err != nil || n != 0 {
			return fmt.Sprintf("%d responses stored after a refused batch (%v)", n, err)
		}
		return ""
	}, cxgen.Responses(8), cxgen.From(func(r *rand.Rand) int64 { return r.Int63() }).WithLabel("seed")))
	props.Property("a generated org tree defined in one call is stored whole and comes back as the same hierarchy", prop.ForAll(func(units []cx.Unit) string {
		p, s, err := makeProgram()
		if err != nil {
			return err.Error()
		}
		if err := p.DefineUnits(ctx, units...); err != nil {
			return err.Error()
		}
		stored, err := s.ListOrgChanges(ctx)
		if err != nil {
			return err.Error()
		}
		var got []cx.Unit
		for _, c := range stored {
			if c.Kind != cxorg.Add || !c.Effective.IsZero() {
				return fmt.Sprintf("stored %v, want units added from the start", c)
			}
			got = append(got, c.Unit)
		}
		if !slices.EqualFunc(units, got, cx.Unit.Equal) {
			return fmt.Sprintf("stored %v, want %v in the order given", got, units)
		}
		h, err := p.Hierarchy(ctx)
		if err != nil {
			return err.Error()
		}
		return checkTree(units, h)
	}, cxgen.Units(10)))
	props.Run()
}
