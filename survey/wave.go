package survey

import (
	"fmt"
	"maps"
	"time"
)

// Wave is one fielding of a survey: when it opens and closes and how many
// people were invited in each unit.
type Wave struct {
	ID     string    `json:"id"`
	Survey string    `json:"survey"`
	Name   string    `json:"name,omitempty"`
	Opens  time.Time `json:"opens"`
	Closes time.Time `json:"closes"`
	// Invited is the number of people invited per unit ID, where known;
	// response rates are computed from it.
	Invited map[string]int `json:"invited,omitempty"`
	// SurveyVersion is the version of the survey the wave fielded (see
	// [Survey.Version]); a program records the survey's latest version
	// when the wave opens. Zero, for waves stored before versions were
	// kept, stands for the survey's first stored version.
	SurveyVersion int `json:"survey_version,omitempty"`
}

// Fielded returns the version of the survey w fielded, from the stored
// versions of its survey in any order: the one numbered
// w.SurveyVersion, or the first when it is zero. It reports false when
// that version is not among them.
func (w Wave) Fielded(versions []Survey) (Survey, bool) {
	var first Survey
	found := false
	for _, s := range versions {
		if w.SurveyVersion != 0 && s.Version == w.SurveyVersion {
			return s, true
		}
		if w.SurveyVersion == 0 && (!found || s.Version < first.Version) {
			first, found = s, true
		}
	}
	return first, found
}

// Refielded says what w, an update of the stored wave prev, changes of
// what prev's responses were given to: its survey, or the version of the
// survey it fielded (as [Wave.Fielded] resolves it among versions, the
// survey's stored versions). It returns the field changed and the change
// in words ("would change from version 1 of survey pulse to version 2"),
// or two empty strings. Stores refuse such an update while responses
// refer to the wave.
func (w Wave) Refielded(prev Wave, versions []Survey) (field, change string) {
	if w.Survey != prev.Survey {
		return "survey", fmt.Sprintf("would change from survey %s to %s", prev.Survey, w.Survey)
	}
	version := func(w Wave) int {
		if f, ok := w.Fielded(versions); ok {
			return f.Version
		}
		return w.SurveyVersion
	}
	if a, b := version(prev), version(w); a != b {
		return "survey_version", fmt.Sprintf("would change from version %d of survey %s to version %d", a, prev.Survey, b)
	}
	return "", ""
}

// Open reports whether t falls in the wave's window [Opens, Closes].
func (w Wave) Open(t time.Time) bool { return !t.Before(w.Opens) && !t.After(w.Closes) }

// Clone returns a deep copy of w.
func (w Wave) Clone() Wave {
	if w.Invited != nil {
		w.Invited = maps.Clone(w.Invited)
	}
	return w
}

// Validate reports every problem with w. Whether the survey and the units
// exist is checked by the program, not here.
func (w Wave) Validate() error {
	var ps problems
	if !ValidID(w.ID) {
		ps.add("id", fmt.Sprintf("malformed wave ID %q", w.ID))
	}
	if !ValidID(w.Survey) {
		ps.add("survey", fmt.Sprintf("malformed survey ID %q", w.Survey))
	}
	switch {
	case w.Opens.IsZero():
		ps.add("opens", "required")
	case w.Closes.IsZero():
		ps.add("closes", "required")
	case !w.Closes.After(w.Opens):
		ps.add("closes", "must be after opens")
	}
	if w.SurveyVersion < 0 {
		ps.add("survey_version", fmt.Sprintf("must be 1 or more (or 0: the first), got %d", w.SurveyVersion))
	}
	for _, u := range sortedKeys(w.Invited) {
		if !ValidID(u) {
			ps.add("invited", fmt.Sprintf("malformed unit ID %q", u))
		} else if n := w.Invited[u]; n < 0 {
			ps.add("invited."+u, fmt.Sprintf("negative count %d", n))
		}
	}
	return ps.err()
}

// WaveFilter selects waves in [WaveStore.ListWaves]; zero fields select
// everything.
type WaveFilter struct {
	Survey string
}
