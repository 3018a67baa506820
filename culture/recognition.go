package culture

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Recognition is an act of recognition: someone thanked, named or
// rewarded for a behavior of the desired culture (an act of customer
// focus, a problem solved on one's own judgement), by whom, when and in
// which unit. Recognizing the behaviors behind a win is how the new
// culture is reinforced; counted per unit, behavior and period,
// recognitions are an indicator of reinforcement.
//
// People appear only as keyed pseudonyms: package cx's Program replaces
// raw identities with their pseudonyms before anything is stored.
type Recognition struct {
	ID uuid.UUID `json:"id"`
	// Recognized is the pseudonym of the person recognized.
	Recognized string `json:"recognized"`
	// By is the pseudonym of who recognized them: a leader, a peer.
	By string `json:"by"`
	// Behavior is the ID of the behavior recognized.
	Behavior string `json:"behavior"`
	// Unit is the org unit the person recognized belongs to.
	Unit string `json:"unit"`
	// At is when the recognition was given.
	At time.Time `json:"at"`
	// Initiative, when set, is the initiative whose win or work is
	// recognized.
	Initiative uuid.UUID `json:"initiative,omitzero"`
	// Note says in words what was recognized.
	Note string `json:"note,omitempty"`
}

// MaxNoteLength is the longest note a recognition may carry, in
// characters.
const MaxNoteLength = 2000

// Validate reports every problem with r. Whether the unit, the behavior
// and the initiative exist is checked by the program that holds them.
func (r Recognition) Validate() error {
	var ps problems
	if r.ID == uuid.Nil {
		ps.add("id", "required")
	}
	if strings.TrimSpace(r.Recognized) == "" {
		ps.add("recognized", "required: who was recognized")
	}
	if strings.TrimSpace(r.By) == "" {
		ps.add("by", "required: who recognized them")
	}
	if !ValidID(r.Behavior) {
		ps.add("behavior", "required: the ID of the behavior recognized")
	}
	if !ValidID(r.Unit) {
		ps.add("unit", "required: the ID of the unit of the person recognized")
	}
	if r.At.IsZero() {
		ps.add("at", "required")
	}
	if n := len([]rune(r.Note)); n > MaxNoteLength {
		ps.add("note", "too long: at most 2000 characters")
	}
	return ps.err()
}

// RecognitionFilter selects recognitions; zero fields select everything.
type RecognitionFilter struct {
	// Units keeps the recognitions given in these units.
	Units []string
	// Behavior keeps those of one behavior.
	Behavior string
	// Initiative keeps those tied to one initiative.
	Initiative uuid.UUID
	// Since and Until bound the time: Since <= At < Until.
	Since, Until time.Time
}

// Match reports whether r passes the filter.
func (f RecognitionFilter) Match(r Recognition) bool {
	switch {
	case len(f.Units) > 0 && !slices.Contains(f.Units, r.Unit):
		return false
	case f.Behavior != "" && r.Behavior != f.Behavior:
		return false
	case f.Initiative != uuid.Nil && r.Initiative != f.Initiative:
		return false
	case !f.Since.IsZero() && r.At.Before(f.Since):
		return false
	}
	return f.Until.IsZero() || r.At.Before(f.Until)
}

// RecognitionStore persists acts of recognition.
//
// The concurrency, ownership and error rules of [InitiativeStore] apply.
type RecognitionStore interface {
	// CreateRecognitions stores a batch, all or nothing, and returns how
	// many were added. It is idempotent by ID: a recognition identical
	// to a stored one (or to an earlier one in the batch) adds nothing;
	// a different one under a stored ID fails the whole batch with
	// cx.ErrAlreadyExists.
	CreateRecognitions(ctx context.Context, rs []Recognition) (added int, err error)
	// ListRecognitions returns the recognitions that match f, ordered by
	// At, then ID.
	ListRecognitions(ctx context.Context, f RecognitionFilter) ([]Recognition, error)
	// DeleteRecognition removes one recognition, or fails with
	// cx.ErrNotFound.
	DeleteRecognition(ctx context.Context, id uuid.UUID) error
}
