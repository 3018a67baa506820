package culture_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/culture"
)

var t0 = time.Date(2025, time.February, 3, 9, 0, 0, 0, time.UTC)

// lifecycle is the documented lifecycle, written out: Planned → Active →
// Completed or Stopped, and Planned → Stopped.
var lifecycle = map[[2]culture.Status]bool{
	{culture.Planned, culture.Active}:   true,
	{culture.Planned, culture.Stopped}:  true,
	{culture.Active, culture.Completed}: true,
	{culture.Active, culture.Stopped}:   true,
}

var statuses = []culture.Status{0, culture.Planned, culture.Active, culture.Completed, culture.Stopped, 9}

// validInitiative returns an initiative that passes Validate.
func validInitiative() culture.Initiative {
	return culture.Initiative{
		ID:           uuid.MustParse("5f0c7a0e-8d7f-4b4e-9a57-0c3c2f9b1a01"),
		Name:         "Answer claims in a week",
		Kind:         culture.NinetyDay,
		Owner:        "Head of claims",
		Units:        []string{"claims", "contact_centre"},
		Start:        t0,
		End:          t0.Add(culture.NinetyDays),
		Behaviors:    []string{culture.CustomerFocus, culture.Agility},
		Outcomes:     []culture.OutcomeTarget{{Metric: "processing_days", Baseline: 21, Target: 7, Direction: culture.LowerIsBetter}},
		MissionLink:  "People get the support they are entitled to without waiting.",
		Participants: []string{"Claims team", "Digital team"},
		Status:       culture.Planned,
		Created:      t0.Add(-24 * time.Hour),
	}
}

func problemFields(t *testing.T, err error) []string {
	t.Helper()
	var ve *culture.ValidationError
	require.ErrorAs(t, err, &ve)
	require.ErrorIs(t, err, culture.ErrInvalid)
	fields := make([]string, len(ve.Problems))
	for i, p := range ve.Problems {
		fields[i] = p.Field
		assert.NotEmpty(t, p.Message, "problem %s has no message", p.Field)
	}
	return fields
}

func TestStatusCanTransition(t *testing.T) {
	for _, from := range statuses {
		for _, to := range statuses {
			assert.Equal(t, lifecycle[[2]culture.Status{from, to}], from.CanTransition(to), "%s → %s", from, to)
		}
	}
	for _, s := range statuses {
		assert.Equal(t, s == culture.Completed || s == culture.Stopped, s.Ended(), "%s.Ended()", s)
	}
}

func TestEnumStrings(t *testing.T) {
	assert.Equal(t, "planned", culture.Planned.String())
	assert.Equal(t, "active", culture.Active.String())
	assert.Equal(t, "completed", culture.Completed.String())
	assert.Equal(t, "stopped", culture.Stopped.String())
	assert.Equal(t, "Status(9)", culture.Status(9).String())
	assert.Equal(t, "ninety_day", culture.NinetyDay.String())
	assert.Equal(t, "change_program", culture.ChangeProgram.String())
	assert.Equal(t, "Kind(0)", culture.Kind(0).String())
	assert.Equal(t, "higher", culture.HigherIsBetter.String())
	assert.Equal(t, "lower", culture.LowerIsBetter.String())
	assert.Equal(t, "Direction(7)", culture.Direction(7).String())
}

func TestDirection(t *testing.T) {
	assert.True(t, culture.HigherIsBetter.Better(1, 2))
	assert.False(t, culture.HigherIsBetter.Better(2, 2))
	assert.True(t, culture.LowerIsBetter.Better(2, 1))
	assert.False(t, culture.LowerIsBetter.Better(1, 2))
	assert.True(t, culture.HigherIsBetter.Met(0.8, 0.8))
	assert.False(t, culture.HigherIsBetter.Met(0.79, 0.8))
	assert.True(t, culture.LowerIsBetter.Met(7, 7))
	assert.False(t, culture.LowerIsBetter.Met(7.5, 7))
}

func TestApplyDefaults(t *testing.T) {
	t.Run("NinetyDayEnd", func(t *testing.T) {
		in := validInitiative()
		in.End, in.Status = time.Time{}, 0
		in.ApplyDefaults()
		assert.Equal(t, t0.Add(90*24*time.Hour), in.End, "a 90-day initiative without an end ends 90 days after its start")
		assert.Equal(t, culture.Planned, in.Status)
		require.NoError(t, in.Validate())
		in.ApplyDefaults()
		assert.Equal(t, t0.Add(90*24*time.Hour), in.End, "ApplyDefaults is idempotent")
	})
	t.Run("ExplicitEndKept", func(t *testing.T) {
		in := validInitiative()
		in.End = t0.Add(30 * 24 * time.Hour)
		in.ApplyDefaults()
		assert.Equal(t, t0.Add(30*24*time.Hour), in.End)
	})
	t.Run("ChangeProgramHasNoDefaultEnd", func(t *testing.T) {
		in := validInitiative()
		in.Kind, in.End = culture.ChangeProgram, time.Time{}
		in.ApplyDefaults()
		assert.True(t, in.End.IsZero())
		assert.Contains(t, problemFields(t, in.Validate()), "end")
	})
	t.Run("NoStartNoEnd", func(t *testing.T) {
		in := validInitiative()
		in.Start, in.End = time.Time{}, time.Time{}
		in.ApplyDefaults()
		assert.True(t, in.End.IsZero())
		assert.Contains(t, problemFields(t, in.Validate()), "start")
	})
	t.Run("StatusKept", func(t *testing.T) {
		in := validInitiative()
		in.Status = culture.Active
		in.ApplyDefaults()
		assert.Equal(t, culture.Active, in.Status)
	})
}

func TestInitiativeValidate(t *testing.T) {
	require.NoError(t, validInitiative().Validate())
	cases := []struct {
		name  string
		edit  func(*culture.Initiative)
		field string
	}{
		{"NilID", func(in *culture.Initiative) { in.ID = uuid.Nil }, "id"},
		{"NoName", func(in *culture.Initiative) { in.Name = "" }, "name"},
		{"NoKind", func(in *culture.Initiative) { in.Kind = 0 }, "kind"},
		{"UnknownKind", func(in *culture.Initiative) { in.Kind = 3 }, "kind"},
		{"NoOwner", func(in *culture.Initiative) { in.Owner = "" }, "owner"},
		{"NoUnits", func(in *culture.Initiative) { in.Units = nil }, "units"},
		{"MalformedUnit", func(in *culture.Initiative) { in.Units[1] = "contact centre" }, "units[1]"},
		{"DuplicateUnit", func(in *culture.Initiative) { in.Units[1] = in.Units[0] }, "units[1]"},
		{"MalformedBehavior", func(in *culture.Initiative) { in.Behaviors[0] = "_x" }, "behaviors[0]"},
		{"DuplicateBehavior", func(in *culture.Initiative) { in.Behaviors[1] = in.Behaviors[0] }, "behaviors[1]"},
		{"NoStart", func(in *culture.Initiative) { in.Start = time.Time{} }, "start"},
		{"EndBeforeStart", func(in *culture.Initiative) { in.End = in.Start.Add(-time.Hour) }, "end"},
		{"EndAtStart", func(in *culture.Initiative) { in.End = in.Start }, "end"},
		{"ChangeProgramWithoutEnd", func(in *culture.Initiative) { in.Kind, in.End = culture.ChangeProgram, time.Time{} }, "end"},
		{"MalformedOutcomeMetric", func(in *culture.Initiative) { in.Outcomes[0].Metric = "" }, "outcomes[0].metric"},
		{"NaNBaseline", func(in *culture.Initiative) { in.Outcomes[0].Baseline = math.NaN() }, "outcomes[0].baseline"},
		{"InfiniteTarget", func(in *culture.Initiative) { in.Outcomes[0].Target = math.Inf(-1) }, "outcomes[0].target"},
		{"UnknownDirection", func(in *culture.Initiative) { in.Outcomes[0].Direction = 2 }, "outcomes[0].direction"},
		{"TargetNoImprovement", func(in *culture.Initiative) { in.Outcomes[0].Target = 30 }, "outcomes[0].target"},
		{"TargetEqualsBaseline", func(in *culture.Initiative) { in.Outcomes[0].Target = in.Outcomes[0].Baseline }, "outcomes[0].target"},
		{"EmptyParticipant", func(in *culture.Initiative) { in.Participants[1] = "" }, "participants[1]"},
		{"UnknownStatus", func(in *culture.Initiative) { in.Status = 9 }, "status"},
		{"StatusWithoutHistory", func(in *culture.Initiative) { in.Status = culture.Active }, "status"},
		{"HistorySkipsActive", func(in *culture.Initiative) {
			in.History = []culture.Transition{{From: culture.Planned, To: culture.Completed, At: t0}}
			in.Status = culture.Completed
		}, "history[0]"},
		{"HistoryWrongFrom", func(in *culture.Initiative) {
			in.History = []culture.Transition{{From: culture.Active, To: culture.Stopped, At: t0}}
			in.Status = culture.Stopped
		}, "history[0]"},
		{"HistoryAfterEnd", func(in *culture.Initiative) {
			in.History = []culture.Transition{{From: culture.Planned, To: culture.Stopped, At: t0}, {From: culture.Stopped, To: culture.Active, At: t0}}
			in.Status = culture.Active
		}, "history[1]"},
		{"HistoryWithoutTime", func(in *culture.Initiative) {
			in.History = []culture.Transition{{From: culture.Planned, To: culture.Active}}
			in.Status = culture.Active
		}, "history[0].at"},
		{"HistoryOutOfOrder", func(in *culture.Initiative) {
			in.History = []culture.Transition{{From: culture.Planned, To: culture.Active, At: t0}, {From: culture.Active, To: culture.Completed, At: t0.Add(-time.Second)}}
			in.Status = culture.Completed
		}, "history[1].at"},
		{"StatusDisagreesWithHistory", func(in *culture.Initiative) {
			in.History = []culture.Transition{{From: culture.Planned, To: culture.Active, At: t0}}
			in.Status = culture.Stopped
		}, "status"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := validInitiative()
			tc.edit(&in)
			assert.Contains(t, problemFields(t, in.Validate()), tc.field)
		})
	}
	t.Run("EveryProblemListed", func(t *testing.T) {
		in := validInitiative()
		in.Name, in.Owner, in.Units, in.Start = "", "", nil, time.Time{}
		fields := problemFields(t, in.Validate())
		assert.Subset(t, fields, []string{"name", "owner", "units", "start"})
		assert.Contains(t, in.Validate().Error(), "owner: required")
	})
}

func TestInitiativeTransition(t *testing.T) {
	in := validInitiative()
	require.NoError(t, in.Transition(culture.Active, t0.Add(time.Hour), "kick-off"))
	require.NoError(t, in.Transition(culture.Completed, t0.Add(80*24*time.Hour), ""))
	assert.Equal(t, culture.Completed, in.Status)
	assert.Equal(t, []culture.Transition{
		{From: culture.Planned, To: culture.Active, At: t0.Add(time.Hour), Note: "kick-off"},
		{From: culture.Active, To: culture.Completed, At: t0.Add(80 * 24 * time.Hour)},
	}, in.History)
	started, ok := in.StartedAt()
	assert.True(t, ok)
	assert.Equal(t, t0.Add(time.Hour), started)
	ended, ok := in.EndedAt()
	assert.True(t, ok)
	assert.Equal(t, t0.Add(80*24*time.Hour), ended)
	require.NoError(t, in.Validate())

	before := in.Clone()
	err := in.Transition(culture.Stopped, t0.Add(90*24*time.Hour), "")
	assert.Equal(t, []string{"status"}, problemFields(t, err))
	assert.Equal(t, before, in, "a refused transition leaves the initiative unchanged")

	dropped := validInitiative()
	require.NoError(t, dropped.Transition(culture.Stopped, t0, "no budget"))
	_, ok = dropped.StartedAt()
	assert.False(t, ok, "an initiative stopped before it started has no start")
	ended, ok = dropped.EndedAt()
	assert.True(t, ok)
	assert.Equal(t, t0, ended)

	late := validInitiative()
	require.NoError(t, late.Transition(culture.Active, t0.Add(time.Hour), ""))
	assert.Equal(t, []string{"status"}, problemFields(t, late.Transition(culture.Stopped, t0, "")), "a transition may not precede the previous one")
	require.NoError(t, late.Transition(culture.Stopped, t0.Add(time.Hour), ""), "a transition at the same instant as the previous one is in order")
}

// step is one attempted transition: the status to go to and the time
// since the previous attempt (which may be negative).
type step struct {
	To    culture.Status
	Delta time.Duration
}

func (s step) String() string { return fmt.Sprintf("→%s%+v", s.To, s.Delta) }

func genSteps() gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		steps := make([]step, p.Rng.Intn(6))
		for i := range steps {
			steps[i] = step{To: statuses[p.Rng.Intn(len(statuses))], Delta: time.Duration(p.Rng.Int63n(int64(50*time.Hour))) - 2*time.Hour}
		}
		return gopter.NewGenResult(steps, gopter.NoShrinker)
	}
}

// genHistory generates histories that mostly follow the lifecycle, with
// occasional wrong statuses, missing or out-of-order times, and a status
// that may disagree with the last transition.
type history struct {
	Transitions []culture.Transition
	Status      culture.Status
}

func genHistory() gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		r := p.Rng
		var h history
		cur, at := culture.Planned, t0
		for range r.Intn(4) {
			tr := culture.Transition{From: cur, To: pickNext(r, cur), At: at.Add(time.Duration(r.Intn(48)) * time.Hour)}
			switch r.Intn(8) {
			case 0:
				tr.From = statuses[r.Intn(len(statuses))]
			case 1:
				tr.To = statuses[r.Intn(len(statuses))]
			case 2:
				tr.At = at.Add(-time.Microsecond)
			case 3:
				tr.At = time.Time{}
			}
			h.Transitions = append(h.Transitions, tr)
			cur, at = tr.To, tr.At
		}
		h.Status = cur
		if r.Intn(6) == 0 {
			h.Status = statuses[1+r.Intn(4)]
		}
		return gopter.NewGenResult(h, gopter.NoShrinker)
	}
}

func pickNext(r *rand.Rand, s culture.Status) culture.Status {
	var next []culture.Status
	for pair := range lifecycle {
		if pair[0] == s {
			next = append(next, pair[1])
		}
	}
	if len(next) == 0 {
		return culture.Active
	}
	slices.Sort(next)
	return next[r.Intn(len(next))]
}

func TestInitiativeLifecycleProperties(t *testing.T) {
	props := newCultureProps(t, 300)
	props.Property("Transition accepts a change exactly when the lifecycle allows it at a time not before the previous change, and leaves the initiative unchanged otherwise", prop.ForAll(
		func(steps []step) string {
			in := validInitiative()
			at := t0
			for i, s := range steps {
				at = at.Add(s.Delta)
				before := in.Clone()
				wantOK := lifecycle[[2]culture.Status{in.Status, s.To}]
				if n := len(in.History); n > 0 && at.Before(in.History[n-1].At) {
					wantOK = false
				}
				err := in.Transition(s.To, at, "")
				switch {
				case wantOK && err != nil:
					return fmt.Sprintf("step %d %s from %s: refused: %v", i, s, before.Status, err)
				case !wantOK && err == nil:
					return fmt.Sprintf("step %d %s from %s: accepted", i, s, before.Status)
				case err != nil:
					var ve *culture.ValidationError
					if !errors.As(err, &ve) || !errors.Is(err, culture.ErrInvalid) || len(ve.Problems) != 1 || ve.Problems[0].Field != "status" {
						return fmt.Sprintf("step %d: want a ValidationError naming status, got %v", i, err)
					}
					if !reflect.DeepEqual(before, in) {
						return fmt.Sprintf("step %d: a refused transition changed the initiative", i)
					}
				default:
					if in.Status != s.To || len(in.History) != len(before.History)+1 || !in.History[len(in.History)-1].At.Equal(at) {
						return fmt.Sprintf("step %d: accepted but not recorded: status %s, history %v", i, in.Status, in.History)
					}
				}
			}
			if err := in.Validate(); err != nil {
				return "the initiative that results from accepted transitions does not validate: " + err.Error()
			}
			return ""
		}, genSteps().WithLabel("steps")))
	props.Property("Validate accepts a history exactly when it follows the lifecycle from Planned with timestamps in order, and the status is the last one reached; it names each wrong transition", prop.ForAll(
		func(h history) string {
			in := validInitiative()
			in.History, in.Status = h.Transitions, h.Status
			var want []string
			prev, prevAt := culture.Planned, time.Time{}
			for i, tr := range h.Transitions {
				if tr.From != prev || !lifecycle[[2]culture.Status{tr.From, tr.To}] {
					want = append(want, fmt.Sprintf("history[%d]", i))
				}
				if tr.At.IsZero() || tr.At.Before(prevAt) {
					want = append(want, fmt.Sprintf("history[%d].at", i))
				}
				prev, prevAt = tr.To, tr.At
			}
			if h.Status != prev || h.Status < culture.Planned || h.Status > culture.Stopped {
				want = append(want, "status")
			}
			err := in.Validate()
			var got []string
			var ve *culture.ValidationError
			if errors.As(err, &ve) {
				for _, p := range ve.Problems {
					if p.Field == "status" || strings.HasPrefix(p.Field, "history") {
						got = append(got, p.Field)
					}
				}
			} else if err != nil {
				return "not a ValidationError: " + err.Error()
			}
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(want, got) {
				return fmt.Sprintf("want problems %v, got %v (%v)", want, got, err)
			}
			return ""
		}, genHistory().WithLabel("history")))
	props.Property("a NinetyDay initiative without an end ends exactly 90 days after its start, whatever the start", prop.ForAll(
		func(offset int64) string {
			in := validInitiative()
			in.Start = t0.Add(time.Duration(offset) * time.Microsecond)
			in.End = time.Time{}
			in.ApplyDefaults()
			if want := in.Start.Add(90 * 24 * time.Hour); !in.End.Equal(want) {
				return fmt.Sprintf("end %s, want %s", in.End, want)
			}
			if err := in.Validate(); err != nil {
				return err.Error()
			}
			return ""
		}, gopter.Gen(func(p *gopter.GenParameters) *gopter.GenResult {
			return gopter.NewGenResult(p.Rng.Int63n(int64(20*365*24*time.Hour/time.Microsecond)), gopter.NoShrinker)
		}).WithLabel("start offset µs")))
	props.run()
}

func TestInitiativeCloneIsDeep(t *testing.T) {
	in := validInitiative()
	require.NoError(t, in.Transition(culture.Active, t0, "go"))
	c := in.Clone()
	c.Units[0], c.Behaviors[0], c.Participants[0] = "x", "x", "x"
	c.Outcomes[0].Target = 99
	c.History[0].Note = "x"
	assert.Equal(t, "claims", in.Units[0])
	assert.Equal(t, culture.CustomerFocus, in.Behaviors[0])
	assert.Equal(t, "Claims team", in.Participants[0])
	assert.Equal(t, 7.0, in.Outcomes[0].Target)
	assert.Equal(t, "go", in.History[0].Note)
	var empty culture.Initiative
	assert.Equal(t, empty, empty.Clone(), "nil slices stay nil")
}

func TestInitiativeFilter(t *testing.T) {
	in := validInitiative()
	assert.True(t, culture.InitiativeFilter{}.Match(in))
	assert.True(t, culture.InitiativeFilter{Unit: "claims"}.Match(in))
	assert.True(t, in.RunsIn("contact_centre"))
	assert.False(t, in.RunsIn("claim"))
	assert.False(t, culture.InitiativeFilter{Unit: "digital"}.Match(in))
	assert.True(t, culture.InitiativeFilter{Status: culture.Planned}.Match(in))
	assert.False(t, culture.InitiativeFilter{Status: culture.Active}.Match(in))
	assert.False(t, culture.InitiativeFilter{Unit: "claims", Status: culture.Stopped}.Match(in))
}
