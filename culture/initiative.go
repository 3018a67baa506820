package culture

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/google/uuid"
)

// Kind distinguishes short, targeted projects from longer programs.
type Kind int

const (
	// NinetyDay is a targeted project with rapid, measurable CX results.
	// Its end defaults to 90 days after its start.
	NinetyDay Kind = iota + 1
	// ChangeProgram is a longer effort that changes how the organization
	// works; its end is set explicitly.
	ChangeProgram
)

// NinetyDays is the default length of a [NinetyDay] initiative.
const NinetyDays = 90 * 24 * time.Hour

// String returns "ninety_day" or "change_program".
func (k Kind) String() string {
	switch k {
	case NinetyDay:
		return "ninety_day"
	case ChangeProgram:
		return "change_program"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Status is a stage of an initiative's lifecycle:
//
//	Planned → Active → Completed
//	   │         └───→ Stopped
//	   └─────────────→ Stopped
type Status int

const (
	// Planned initiatives have not started.
	Planned Status = iota + 1
	// Active initiatives are running.
	Active
	// Completed initiatives ran to their end.
	Completed
	// Stopped initiatives were ended early or dropped before they started.
	Stopped
)

// String returns the lower-case status name.
func (s Status) String() string {
	switch s {
	case Planned:
		return "planned"
	case Active:
		return "active"
	case Completed:
		return "completed"
	case Stopped:
		return "stopped"
	}
	return "Status(" + strconv.Itoa(int(s)) + ")"
}

// CanTransition reports whether the lifecycle allows going from s to to.
func (s Status) CanTransition(to Status) bool {
	switch s {
	case Planned:
		return to == Active || to == Stopped
	case Active:
		return to == Completed || to == Stopped
	}
	return false
}

// Ended reports whether s is a final status.
func (s Status) Ended() bool { return s == Completed || s == Stopped }

// Transition records one status change.
type Transition struct {
	From Status    `json:"from"`
	To   Status    `json:"to"`
	At   time.Time `json:"at"`
	Note string    `json:"note,omitempty"`
}

// OutcomeTarget is a measurable result an initiative commits to: a metric,
// its value when the initiative was planned, the value to reach and the
// direction of improvement.
type OutcomeTarget struct {
	// Metric is the key of the measure: an operational metric fed as
	// observations (such as "csat_weekly"), a measure of the employee
	// survey (such as "behavior:customer_focus"), or a customer survey's
	// measure as SURVEY/MEASURE (such as "a11/trust" or "nps/nps"); see
	// [ValidMetric] and package cx's measure keys.
	Metric    string    `json:"metric"`
	Baseline  float64   `json:"baseline"`
	Target    float64   `json:"target"`
	Direction Direction `json:"direction"`
}

// Initiative is an effort that improves customer experience while fostering
// behaviors of the desired culture: a 90-day project or a change program.
type Initiative struct {
	ID   uuid.UUID `json:"id"`
	Name string    `json:"name"`
	Kind Kind      `json:"kind"`
	// Owner is the sponsor accountable for the initiative.
	Owner string `json:"owner"`
	// Units are the IDs of the org units where the initiative runs.
	Units []string  `json:"units"`
	Start time.Time `json:"start"`
	// End is when the initiative is planned to end; for a NinetyDay
	// initiative a zero End means Start + 90 days.
	End time.Time `json:"end"`
	// Behaviors are the IDs of the behaviors the initiative fosters.
	Behaviors []string        `json:"behaviors,omitempty"`
	Outcomes  []OutcomeTarget `json:"outcomes,omitempty"`
	// MissionLink says how the initiative serves the organization's mission.
	MissionLink string `json:"mission_link,omitempty"`
	// Participants are the people or groups involved beyond the owner.
	Participants []string     `json:"participants,omitempty"`
	Status       Status       `json:"status"`
	History      []Transition `json:"history,omitempty"`
	Created      time.Time    `json:"created"`
}

// ApplyDefaults fills the fields that have defaults: status Planned, and the
// end of a NinetyDay initiative 90 days after its start.
func (in *Initiative) ApplyDefaults() {
	if in.Status == 0 {
		in.Status = Planned
	}
	if in.Kind == NinetyDay && in.End.IsZero() && !in.Start.IsZero() {
		in.End = in.Start.Add(NinetyDays)
	}
}

// Validate reports every problem with in. Whether the units and behaviors
// exist is checked by the program that holds them, not here.
func (in Initiative) Validate() error {
	var ps problems
	if in.ID == uuid.Nil {
		ps.add("id", "required")
	}
	if in.Name == "" {
		ps.add("name", "required")
	}
	if in.Kind != NinetyDay && in.Kind != ChangeProgram {
		ps.add("kind", "must be NinetyDay or ChangeProgram")
	}
	if in.Owner == "" {
		ps.add("owner", "required: the sponsor accountable for the initiative")
	}
	if len(in.Units) == 0 {
		ps.add("units", "name at least one unit where the initiative runs")
	}
	checkIDs(&ps, "units", in.Units)
	checkIDs(&ps, "behaviors", in.Behaviors)
	switch {
	case in.Start.IsZero():
		ps.add("start", "required")
	case in.End.IsZero():
		ps.add("end", "required for a change program")
	case !in.End.After(in.Start):
		ps.add("end", "must be after start")
	}
	for i, o := range in.Outcomes {
		f := "outcomes[" + strconv.Itoa(i) + "]"
		if !ValidMetric(o.Metric) {
			ps.add(f+".metric", "malformed metric key "+strconv.Quote(o.Metric))
		}
		if !finite(o.Baseline) {
			ps.add(f+".baseline", "must be a finite number")
		}
		if !finite(o.Target) {
			ps.add(f+".target", "must be a finite number")
		}
		if !o.Direction.valid() {
			ps.add(f+".direction", "must be HigherIsBetter or LowerIsBetter")
		} else if finite(o.Baseline) && finite(o.Target) && !o.Direction.Better(o.Baseline, o.Target) {
			ps.add(f+".target", fmt.Sprintf("target %g is not an improvement on baseline %g (%s is better)", o.Target, o.Baseline, o.Direction))
		}
	}
	for i, p := range in.Participants {
		if p == "" {
			ps.add("participants["+strconv.Itoa(i)+"]", "empty name")
		}
	}
	if in.Status < Planned || in.Status > Stopped {
		ps.add("status", "unknown status "+in.Status.String())
	}
	prev := Planned
	var prevAt time.Time
	for i, t := range in.History {
		f := "history[" + strconv.Itoa(i) + "]"
		if t.From != prev || !t.From.CanTransition(t.To) {
			ps.add(f, fmt.Sprintf("%s → %s does not follow the lifecycle from %s", t.From, t.To, prev))
		}
		if t.At.IsZero() || t.At.Before(prevAt) {
			ps.add(f+".at", "transitions must be timestamped in order")
		}
		prev, prevAt = t.To, t.At
	}
	if in.Status >= Planned && in.Status <= Stopped && in.Status != prev {
		ps.add("status", fmt.Sprintf("status %s does not match the last transition (%s)", in.Status, prev))
	}
	return ps.err()
}

// Transition moves in to status to at time at, recording the change in its
// history. It returns a [*ValidationError] naming the status field if the
// lifecycle does not allow the change or at precedes the last transition;
// in is then unchanged.
func (in *Initiative) Transition(to Status, at time.Time, note string) error {
	if !in.Status.CanTransition(to) {
		return &ValidationError{Problems: []Problem{{"status", fmt.Sprintf("cannot go from %s to %s", in.Status, to)}}}
	}
	if n := len(in.History); n > 0 && at.Before(in.History[n-1].At) {
		return &ValidationError{Problems: []Problem{{"status", "transition at " + at.Format(time.RFC3339) + " precedes the previous one"}}}
	}
	in.History = append(in.History, Transition{From: in.Status, To: to, At: at, Note: note})
	in.Status = to
	return nil
}

// StartedAt returns when the initiative became Active, if it did.
func (in Initiative) StartedAt() (time.Time, bool) { return in.transitionAt(Active) }

// EndedAt returns when the initiative was Completed or Stopped, if it was.
func (in Initiative) EndedAt() (time.Time, bool) {
	if t, ok := in.transitionAt(Completed); ok {
		return t, true
	}
	return in.transitionAt(Stopped)
}

func (in Initiative) transitionAt(s Status) (time.Time, bool) {
	for _, t := range in.History {
		if t.To == s {
			return t.At, true
		}
	}
	return time.Time{}, false
}

// RunsIn reports whether the initiative runs in the unit with the given ID.
func (in Initiative) RunsIn(unit string) bool {
	for _, u := range in.Units {
		if u == unit {
			return true
		}
	}
	return false
}

// Clone returns a deep copy of in.
func (in Initiative) Clone() Initiative {
	in.Units = cloneStrings(in.Units)
	in.Behaviors = cloneStrings(in.Behaviors)
	in.Participants = cloneStrings(in.Participants)
	if in.Outcomes != nil {
		in.Outcomes = append([]OutcomeTarget(nil), in.Outcomes...)
	}
	if in.History != nil {
		in.History = append([]Transition(nil), in.History...)
	}
	return in
}

func cloneStrings(s []string) []string {
	if s == nil {
		return nil
	}
	return append([]string(nil), s...)
}

func checkIDs(ps *problems, field string, ids []string) {
	seen := make(map[string]bool, len(ids))
	for i, id := range ids {
		f := field + "[" + strconv.Itoa(i) + "]"
		switch {
		case !ValidID(id):
			ps.add(f, "malformed ID "+strconv.Quote(id))
		case seen[id]:
			ps.add(f, "duplicate "+id)
		}
		seen[id] = true
	}
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// InitiativeFilter selects initiatives in [InitiativeStore.ListInitiatives].
// Zero fields select everything.
type InitiativeFilter struct {
	// Unit keeps initiatives that run in this unit.
	Unit string
	// Status keeps initiatives with this status.
	Status Status
}

// Match reports whether in passes the filter.
func (f InitiativeFilter) Match(in Initiative) bool {
	return (f.Unit == "" || in.RunsIn(f.Unit)) && (f.Status == 0 || in.Status == f.Status)
}

// InitiativeStore persists initiatives.
//
// Implementations must be safe for concurrent use and must not retain or
// modify the values passed to them or returned by them (slices included).
// Errors are reported in the categories of package cx: an error satisfying
// errors.Is(err, cx.ErrNotFound) or errors.Is(err, cx.ErrAlreadyExists).
// Values are validated and normalized (times in UTC, truncated to the
// microsecond; empty slices nil) before a store sees them; a store returns
// exactly what it was given. Package cx/storetest checks implementations.
type InitiativeStore interface {
	// CreateInitiative stores in. It fails with cx.ErrAlreadyExists if an
	// initiative with in.ID is stored.
	CreateInitiative(ctx context.Context, in Initiative) error
	// GetInitiative returns the initiative with the given ID, or
	// cx.ErrNotFound.
	GetInitiative(ctx context.Context, id uuid.UUID) (Initiative, error)
	// ListInitiatives returns the initiatives that match f, ordered by
	// Start, then ID.
	ListInitiatives(ctx context.Context, f InitiativeFilter) ([]Initiative, error)
	// UpdateInitiative replaces the stored initiative with in.ID, or fails
	// with cx.ErrNotFound.
	UpdateInitiative(ctx context.Context, in Initiative) error
	// DeleteInitiative removes the initiative with the given ID, or fails
	// with cx.ErrNotFound.
	DeleteInitiative(ctx context.Context, id uuid.UUID) error
}
