package survey

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Response is one person's answers in one wave.
type Response struct {
	ID     uuid.UUID `json:"id"`
	Survey string    `json:"survey"`
	Wave   string    `json:"wave"`
	// Unit is the org unit the respondent belongs to (or, for a customer
	// survey, the unit that served them).
	Unit string `json:"unit"`
	// Respondent is a keyed pseudonym of the person, never their identity;
	// it links one person's responses across waves.
	Respondent string    `json:"respondent,omitempty"`
	Submitted  time.Time `json:"submitted"`
	// Answers maps item IDs to the answer given, as the scale point
	// chosen (before reverse keying). A skipped item has no entry.
	Answers map[string]int `json:"answers"`
	// Comment is a free comment outside any question, kept for inputs
	// that have one comment column.
	Comment string `json:"comment,omitempty"`
	// Texts maps the IDs of the survey's free-text questions
	// ([Survey.TextItems]) to the words given. A skipped question has no
	// entry.
	Texts map[string]string `json:"texts,omitempty"`
	// Segments are attributes of the respondent used to break results
	// down (such as "tenure": "0-2y"), subject to the privacy rules.
	Segments map[string]string `json:"segments,omitempty"`
}

// Clone returns a deep copy of r.
func (r Response) Clone() Response {
	if r.Answers != nil {
		r.Answers = maps.Clone(r.Answers)
	}
	if r.Segments != nil {
		r.Segments = maps.Clone(r.Segments)
	}
	if r.Texts != nil {
		r.Texts = maps.Clone(r.Texts)
	}
	return r
}

// Equal reports whether r and o hold the same data. Nil and empty maps are
// equal; times are compared with time.Time.Equal.
func (r Response) Equal(o Response) bool {
	return r.ID == o.ID && r.Survey == o.Survey && r.Wave == o.Wave && r.Unit == o.Unit &&
		r.Respondent == o.Respondent && r.Submitted.Equal(o.Submitted) && r.Comment == o.Comment &&
		maps.Equal(r.Answers, o.Answers) && maps.Equal(r.Segments, o.Segments) && maps.Equal(r.Texts, o.Texts)
}

// Normalize returns r as stores keep it: the submitted time in UTC
// truncated to the microsecond, empty maps nil.
func (r Response) Normalize() Response {
	r = r.Clone()
	r.normalize()
	return r
}

// normalize normalizes a response whose maps are its own, in place.
func (r *Response) normalize() {
	r.Submitted = NormalizeTime(r.Submitted)
	if len(r.Answers) == 0 {
		r.Answers = nil
	}
	if len(r.Segments) == 0 {
		r.Segments = nil
	}
	if len(r.Texts) == 0 {
		r.Texts = nil
	}
}

// NormalizeTime returns t in UTC truncated to the microsecond, the
// resolution every store keeps.
func NormalizeTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// Catalog answers the lookups that response validation needs.
type Catalog interface {
	// Survey returns the survey with the given ID.
	Survey(id string) (Survey, bool)
	// Wave returns the wave with the given ID.
	Wave(id string) (Wave, bool)
	// HasUnit reports whether an org unit with the given ID exists.
	HasUnit(id string) bool
}

// FieldedCatalog is a [Catalog] that knows which version of its survey
// each wave fielded: [ValidateResponses] then checks a response's answers
// against that version.
type FieldedCatalog interface {
	Catalog
	// Fielded returns the version of survey that wave fielded.
	Fielded(survey, wave string) (Survey, bool)
}

// OrgCatalog is a [Catalog] that knows the org in force when each wave
// opened: [ValidateResponses] then checks that a response's unit was in
// it.
type OrgCatalog interface {
	Catalog
	// UnitInWave returns "" when unit was in the org when wave opened,
	// or says why it was not.
	UnitInWave(unit, wave string) string
}

// ValidateResponses checks a batch of responses against c and returns one
// [*ValidationError] listing every problem, each naming the response (by
// position and ID) and the field or item: a missing or duplicate ID,
// an unknown survey, wave or unit, a wave of another survey, a time
// outside the wave's window, an unknown item, a value outside the item's
// scale, a missing required item, a response with no answers, text (a
// respondent, a comment, a segment) that is not valid UTF-8 or holds a
// NUL byte.
func ValidateResponses(c Catalog, rs []Response) error {
	var ps problems
	seen := make(map[uuid.UUID]int, len(rs))
	for i, r := range rs {
		f := "responses[" + strconv.Itoa(i) + "]"
		if r.ID == uuid.Nil {
			ps.add(f+".id", "required")
		} else {
			f = "responses[" + strconv.Itoa(i) + " " + r.ID.String() + "]"
			if j, dup := seen[r.ID]; dup {
				ps.add(f+".id", "same response ID as responses["+strconv.Itoa(j)+"] in this batch")
			} else {
				seen[r.ID] = i
			}
		}
		validateResponse(&ps, c, f+".", r)
	}
	return ps.err()
}

// ValidateResponse checks one response as [ValidateResponses] does, but for
// its ID, and names the fields without a prefix ("unit",
// "answers.q07").
func ValidateResponse(c Catalog, r Response) error {
	var ps problems
	validateResponse(&ps, c, "", r)
	return ps.err()
}

// validateResponse adds the problems of r, its fields named after prefix.
func validateResponse(ps *problems, c Catalog, f string, r Response) {
	s, okSurvey := c.Survey(r.Survey)
	if !okSurvey {
		ps.add(f+"survey", fmt.Sprintf("unknown survey %q", r.Survey))
	} else if fc, ok := c.(FieldedCatalog); ok {
		if fs, ok := fc.Fielded(r.Survey, r.Wave); ok {
			s = fs
		}
	}
	w, okWave := c.Wave(r.Wave)
	switch {
	case !okWave:
		ps.add(f+"wave", fmt.Sprintf("unknown wave %q", r.Wave))
	case okSurvey && w.Survey != r.Survey:
		ps.add(f+"wave", fmt.Sprintf("wave %q belongs to survey %q, not %q", r.Wave, w.Survey, r.Survey))
	}
	if !c.HasUnit(r.Unit) {
		ps.add(f+"unit", fmt.Sprintf("unknown unit %q", r.Unit))
	} else if oc, ok := c.(OrgCatalog); ok && okWave {
		if why := oc.UnitInWave(r.Unit, r.Wave); why != "" {
			ps.add(f+"unit", why)
		}
	}
	switch {
	case r.Submitted.IsZero():
		ps.add(f+"submitted", "required")
	case okWave && !w.Open(r.Submitted):
		ps.add(f+"submitted", fmt.Sprintf("%s is outside wave %q (%s to %s)", r.Submitted.UTC().Format(time.RFC3339),
			w.ID, w.Opens.UTC().Format(time.RFC3339), w.Closes.UTC().Format(time.RFC3339)))
	}
	if len(r.Answers) == 0 && len(r.Texts) == 0 {
		ps.add(f+"answers", "no answers")
	}
	if okSurvey && !answersFit(s, r.Answers) {
		for _, id := range sortedKeys(r.Answers) {
			v := r.Answers[id]
			it, ok := s.Item(id)
			switch {
			case !ok:
				ps.add(f+"answers."+id, fmt.Sprintf("unknown item %q in survey %q", id, s.ID))
			case !it.Scale.Contains(v):
				ps.add(f+"answers."+id, fmt.Sprintf("value %d outside scale %s", v, it.Scale))
			}
		}
		for _, it := range s.Items {
			if _, ok := r.Answers[it.ID]; it.Required && !ok {
				ps.add(f+"answers."+it.ID, "required item not answered")
			}
		}
	}
	if okSurvey && (len(r.Texts) > 0 || len(s.TextItems) > 0) {
		validateTexts(ps, f, s, r)
	}
	if okSurvey {
		checkDeclared(ps, f, s, r.Segments)
	}
	for _, k := range sortedKeys(r.Segments) {
		if !ValidID(k) {
			ps.add(f+"segments", fmt.Sprintf("malformed segment name %q", k))
		} else if reason, ok := TextProblem(r.Segments[k]); !ok {
			ps.add(f+"segments."+k, reason)
		}
	}
	if reason, ok := TextProblem(r.Respondent); !ok {
		ps.add(f+"respondent", reason)
	}
	if reason, ok := TextProblem(r.Comment); !ok {
		ps.add(f+"comment", reason)
	}
	for _, k := range sortedKeys(r.Texts) {
		if reason, ok := TextProblem(r.Texts[k]); !ok {
			ps.add(f+"texts."+k, reason)
		}
	}
}

// answersFit reports whether every answer is to an item of s and on its
// scale, and every required item answered: the common case, checked
// without sorting.
func answersFit(s Survey, answers map[string]int) bool {
	n := 0
	for _, it := range s.Items {
		v, ok := answers[it.ID]
		switch {
		case ok && !it.Scale.Contains(v):
			return false
		case ok:
			n++
		case it.Required:
			return false
		}
	}
	return n == len(answers)
}

// sortedKeys returns the keys of m in order; nil for an empty map, without
// allocating (validation calls it for every response, whose segments and
// free-text answers are mostly empty).
func sortedKeys[V any](m map[string]V) []string {
	if len(m) == 0 {
		return nil
	}
	return slices.Sorted(maps.Keys(m))
}

// ResponseFilter selects responses in [ResponseStore.ListResponses]. Zero
// fields select everything.
type ResponseFilter struct {
	Survey string
	Wave   string
	// Units keeps responses from these units.
	Units []string
	// Since and Until bound the submitted time: Since <= t < Until.
	Since, Until time.Time
	// Limit caps the number returned (0: no cap); Offset skips the first
	// matches.
	Limit, Offset int
}

// Match reports whether r passes the filter (ignoring Limit and Offset).
func (f ResponseFilter) Match(r Response) bool {
	if (f.Survey != "" && r.Survey != f.Survey) || (f.Wave != "" && r.Wave != f.Wave) {
		return false
	}
	if len(f.Units) > 0 && !slices.Contains(f.Units, r.Unit) {
		return false
	}
	if !f.Since.IsZero() && r.Submitted.Before(f.Since) {
		return false
	}
	return f.Until.IsZero() || r.Submitted.Before(f.Until)
}

// validateTexts checks the free-text answers of r: each to a text item of
// s, valid UTF-8, within its length; every required text item answered.
// f is the response's field prefix, ending in ".".
func validateTexts(ps *problems, f string, s Survey, r Response) {
	for _, id := range sortedKeys(r.Texts) {
		t, ok := s.TextItem(id)
		max := t.MaxLength
		if max == 0 {
			max = DefaultMaxTextLength
		}
		switch {
		case !ok:
			ps.add(f+"texts."+id, fmt.Sprintf("unknown free-text question %q in survey %q", id, s.ID))
		case utf8.RuneCountInString(r.Texts[id]) > max:
			ps.add(f+"texts."+id, fmt.Sprintf("%d characters: at most %d", utf8.RuneCountInString(r.Texts[id]), max))
		}
	}
	for _, t := range s.TextItems {
		if v, ok := r.Texts[t.ID]; t.Required && (!ok || strings.TrimSpace(v) == "") {
			ps.add(f+"texts."+t.ID, "required question not answered")
		}
	}
}
