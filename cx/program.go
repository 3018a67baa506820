package cx

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx/org"
	"github.com/cxculture/cxculture/survey"
)

// Options configure a [Program]. The zero value, and a nil *Options, use
// the defaults.
type Options struct {
	// Now returns the current time; default time.Now. Times are kept in
	// UTC, truncated to the microsecond.
	Now func() time.Time
	// NewID returns a fresh ID for initiatives launched without one;
	// default uuid.New. (Responses without an ID get one derived from
	// their content: see [Program.RecordResponses].)
	NewID func() uuid.UUID
	// Pseudonymizer, when set, replaces each response's Respondent (the
	// raw identity given to the recorder) with its keyed pseudonym before
	// the response is validated, stored or named in an error, so the raw
	// identity is never kept. Without it, a Respondent must already be a
	// pseudonym ([IsPseudonym]) or empty: recorders and imports refuse any
	// other.
	Pseudonymizer *Pseudonymizer
	// Privacy holds the rules the program's reports apply
	// ([Program.Scorecard], [Program.PulseReport]) when their options set
	// none; nil means [DefaultPrivacy], under which no hidden group can be
	// worked out from the shown ones. A scorecard whose options set
	// MinGroup, Privacy or Disclosure applies those instead.
	Privacy *Privacy
	// Metrics describe the operational metrics the program receives as
	// observations (their names, and whether they are shares); panels
	// carry them ([Panel.Metrics]).
	Metrics []Metric
}

// Program is a culture-change program over one organization: its units,
// the desired culture, the surveys that measure it, the initiatives that
// build it, and the responses and observations that show whether it is
// working. Every recorder validates its whole input before anything is
// stored and returns a [*ValidationError] listing every problem.
//
// A Program is safe for concurrent use. Definitions that depend on the
// state of the store (such as the hierarchy) are serialized within one
// Program; several Programs writing definitions to one store at the same
// time are not coordinated.
type Program struct {
	store   Store
	now     func() time.Time
	newID   func() uuid.UUID
	pseud   *Pseudonymizer
	priv    *Privacy
	metrics []Metric
	mu      sync.Mutex
	plans   planCache
	orgs    orgCache
}

// New returns a Program over store. It fails with a [*ValidationError] if
// store is nil.
func New(store Store, opts *Options) (*Program, error) {
	if store == nil {
		return nil, invalid("store", "required: pass memstore.New() for an in-memory program")
	}
	def := DefaultPrivacy()
	p := &Program{store: store, now: time.Now, newID: uuid.New, priv: &def}
	if opts != nil {
		p.pseud = opts.Pseudonymizer
		p.metrics = slices.Clone(opts.Metrics)
		var ps problems
		for i, m := range opts.Metrics {
			if !survey.ValidID(m.Key) {
				ps.add("metrics["+strconv.Itoa(i)+"].key", fmt.Sprintf("malformed metric key %q", m.Key))
			}
			if m.Kind != 0 && m.Kind != ShareMeasure && m.Kind != MeanMeasure {
				ps.add("metrics["+strconv.Itoa(i)+"].kind", "must be ShareMeasure, MeanMeasure or zero (inferred)")
			}
		}
		if err := ps.err(); err != nil {
			return nil, err
		}
		if opts.Privacy != nil {
			if err := opts.Privacy.Validate(); err != nil {
				return nil, err
			}
			pr := opts.Privacy.WithDefaults()
			p.priv = &pr
		}
		if opts.Now != nil {
			p.now = opts.Now
		}
		if opts.NewID != nil {
			p.newID = opts.NewID
		}
	}
	return p, nil
}

// Pseudonym returns the pseudonym the program records for a respondent
// identity: its keyed pseudonym under Options.Pseudonymizer, or identity
// unchanged without one. Every path that records responses applies it
// before anything else sees the response.
func (p *Program) Pseudonym(identity string) string {
	if p.pseud == nil {
		return identity
	}
	return p.pseud.Pseudonym(identity)
}

// Privacy returns the privacy rules of the program: Options.Privacy, or
// [DefaultPrivacy] when it was not set.
func (p *Program) Privacy() *Privacy {
	if p.priv == nil {
		return nil
	}
	pr := *p.priv
	return &pr
}

// Store returns the store the program keeps its data in.
func (p *Program) Store() Store { return p.store }

// Now returns the program clock's current time, normalized.
func (p *Program) Now() time.Time { return survey.NormalizeTime(p.now()) }

// DefineFramework stores a framework of the desired culture, such as
// culture.CXBehaviors(). Behavior IDs must be unique across frameworks.
func (p *Program) DefineFramework(ctx context.Context, f culture.Framework) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	f = f.Clone()
	if err := f.Validate(); err != nil {
		return asValidation(err, "framework")
	}
	existing, err := p.store.ListFrameworks(ctx)
	if err != nil {
		return err
	}
	var ps problems
	for _, g := range existing {
		if g.ID == f.ID {
			return fmt.Errorf("cx: framework %s: %w", f.ID, ErrAlreadyExists)
		}
		for i, b := range f.Behaviors {
			if _, dup := g.Behavior(b.ID); dup {
				ps.add("framework.behaviors["+strconv.Itoa(i)+"].id", fmt.Sprintf("behavior %s is already defined in framework %s", b.ID, g.ID))
			}
		}
	}
	if err := ps.err(); err != nil {
		return err
	}
	return p.store.CreateFramework(ctx, f)
}

// Behaviors returns every behavior of the stored frameworks, by ID.
func (p *Program) Behaviors(ctx context.Context) (map[string]culture.Behavior, error) {
	fs, err := p.store.ListFrameworks(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]culture.Behavior{}
	for _, f := range fs {
		for _, b := range f.Behaviors {
			out[b.ID] = b
		}
	}
	return out, nil
}

// DefineIndicator stores a behavior indicator. Its behavior must belong to
// a stored framework and its items to a stored survey.
func (p *Program) DefineIndicator(ctx context.Context, in culture.Indicator) error {
	in = in.Clone()
	if len(in.Source.Items) == 0 {
		in.Source.Items = nil
	}
	var ps problems
	if err := in.Validate(); err != nil {
		if ve, ok := asValidation(err, "indicator").(*ValidationError); ok {
			ps = append(ps, ve.Problems...)
		}
	}
	behaviors, err := p.Behaviors(ctx)
	if err != nil {
		return err
	}
	if _, ok := behaviors[in.Behavior]; !ok && in.Behavior != "" {
		ps.add("indicator.behavior", fmt.Sprintf("unknown behavior %q: define its framework first", in.Behavior))
	}
	if len(in.Source.Items) > 0 {
		surveys, err := p.store.ListSurveys(ctx)
		if err != nil {
			return err
		}
		for i, id := range in.Source.Items {
			if !anySurveyHas(surveys, id) {
				ps.add("indicator.source.items["+strconv.Itoa(i)+"]", fmt.Sprintf("unknown item %q: no stored survey has it", id))
			}
		}
	}
	if err := ps.err(); err != nil {
		return err
	}
	return p.store.CreateIndicator(ctx, in)
}

func anySurveyHas(surveys []survey.Survey, item string) bool {
	for _, s := range surveys {
		if _, ok := s.Item(item); ok {
			return true
		}
	}
	return false
}

// LaunchInitiative validates and stores a new initiative and returns it as
// stored. A nil ID gets a fresh one; Created is set to now; a NinetyDay
// initiative without an end ends 90 days after its start; the status
// defaults to Planned. An initiative recorded after the fact may carry its
// History (which must follow the lifecycle, with no transition in the
// future). Its units and behaviors must be defined.
func (p *Program) LaunchInitiative(ctx context.Context, in culture.Initiative) (culture.Initiative, error) {
	in = in.Clone()
	if in.ID == uuid.Nil {
		in.ID = p.newID()
	}
	now := p.Now()
	in.Created = now
	in.Start, in.End = survey.NormalizeTime(in.Start), survey.NormalizeTime(in.End)
	for i := range in.History {
		in.History[i].At = survey.NormalizeTime(in.History[i].At)
	}
	normalizeInitiative(&in)
	in.ApplyDefaults()
	var ps problems
	if err := in.Validate(); err != nil {
		ps = append(ps, asValidation(err, "initiative").(*ValidationError).Problems...)
	}
	for i, t := range in.History {
		if t.At.After(now) {
			ps.add("initiative.history["+strconv.Itoa(i)+"].at", "in the future")
		}
	}
	if err := p.checkRefs(ctx, &ps, in); err != nil {
		return culture.Initiative{}, err
	}
	if err := ps.err(); err != nil {
		return culture.Initiative{}, err
	}
	if err := p.store.CreateInitiative(ctx, in); err != nil {
		return culture.Initiative{}, err
	}
	return in, nil
}

func normalizeInitiative(in *culture.Initiative) {
	if len(in.Behaviors) == 0 {
		in.Behaviors = nil
	}
	if len(in.Outcomes) == 0 {
		in.Outcomes = nil
	}
	if len(in.Participants) == 0 {
		in.Participants = nil
	}
	if len(in.History) == 0 {
		in.History = nil
	}
	if len(in.Units) == 0 {
		in.Units = nil
	}
}

// checkRefs checks that the units and behaviors of in are defined.
func (p *Program) checkRefs(ctx context.Context, ps *problems, in culture.Initiative) error {
	known, err := p.unitSet(ctx)
	if err != nil {
		return err
	}
	for i, u := range in.Units {
		if !known[u] {
			ps.add("initiative.units["+strconv.Itoa(i)+"]", fmt.Sprintf("unknown unit %q", u))
		}
	}
	behaviors, err := p.Behaviors(ctx)
	if err != nil {
		return err
	}
	for i, b := range in.Behaviors {
		if _, ok := behaviors[b]; !ok {
			ps.add("initiative.behaviors["+strconv.Itoa(i)+"]", fmt.Sprintf("unknown behavior %q", b))
		}
	}
	return nil
}

// AdvanceInitiative moves an initiative along its lifecycle (Planned →
// Active → Completed or Stopped) at the program clock's current time and
// returns it as stored. A change the lifecycle does not allow is a
// [*ValidationError] naming the status; an unknown ID is [ErrNotFound].
func (p *Program) AdvanceInitiative(ctx context.Context, id uuid.UUID, to culture.Status, note string) (culture.Initiative, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	in, err := p.store.GetInitiative(ctx, id)
	if err != nil {
		return culture.Initiative{}, err
	}
	if err := in.Transition(to, p.Now(), note); err != nil {
		return culture.Initiative{}, asValidation(err, "initiative")
	}
	if err := p.store.UpdateInitiative(ctx, in); err != nil {
		return culture.Initiative{}, err
	}
	return in, nil
}

// RecordResponses validates a batch of responses and stores it, all or
// nothing, returning how many were added. Every problem in the batch is
// listed in one [*ValidationError]; nothing is stored then.
//
// A Respondent is stored only as a pseudonym: one that is not a pseudonym
// (see [IsPseudonym]) is replaced by its pseudonym under
// Options.Pseudonymizer before anything else sees it, and without a
// Pseudonymizer it is a problem naming the response and its respondent
// field; the raw identity is never stored nor named.
//
// A response without an ID gets the one [survey.ContentID] derives from its
// whole content and its occurrence among the identical responses of rs, so
// recording the same slice again adds nothing, while identical responses
// in one slice (two people who gave the same answers in the same second)
// are counted each. A response without an ID is known by its content
// only: to correct one later, give responses IDs.
func (p *Program) RecordResponses(ctx context.Context, rs []survey.Response) (int, error) {
	if len(rs) == 0 {
		return 0, nil
	}
	batch := make([]survey.Response, len(rs))
	var ps problems
	occurrence := map[uuid.UUID]int{}
	for i, r := range rs {
		r = r.Normalize()
		if reason, ok := p.pseudonymize(&r, nil); !ok {
			f := "responses[" + strconv.Itoa(i) + "]"
			if r.ID != uuid.Nil {
				f = "responses[" + strconv.Itoa(i) + " " + r.ID.String() + "]"
			}
			ps.add(f+".respondent", reason)
			r.Respondent = ""
		}
		if r.ID == uuid.Nil {
			first := survey.ContentID(r, 0)
			k := occurrence[first]
			occurrence[first] = k + 1
			r.ID = first
			if k > 0 {
				r.ID = survey.ContentID(r, k)
			}
		}
		batch[i] = r
	}
	cat, err := p.catalog(ctx)
	if err != nil {
		return 0, err
	}
	verr := survey.ValidateResponses(cat, batch)
	if ve, ok := errors.AsType[*survey.ValidationError](verr); ok {
		for _, pr := range ve.Problems {
			ps.add(pr.Field, pr.Message)
		}
	} else if verr != nil {
		return 0, verr
	}
	if len(ps) > 0 {
		slices.SortStableFunc(ps, func(a, b Problem) int { return cmp.Compare(problemIndex(a.Field), problemIndex(b.Field)) })
		return 0, &ValidationError{Problems: ps, cause: verr}
	}
	return p.store.CreateResponses(ctx, batch)
}

// problemIndex returns i of a field "responses[i ...", for sorting.
func problemIndex(field string) int {
	rest, ok := strings.CutPrefix(field, "responses[")
	if !ok {
		return -1
	}
	end := strings.IndexAny(rest, " ]")
	if end < 0 {
		return -1
	}
	i, _ := strconv.Atoi(rest[:end])
	return i
}

// pseudonymize replaces r's respondent with its pseudonym under the
// program's key. Without a key, a respondent that is not a pseudonym is
// refused: reason says why, and ok is false.
// pm, when not nil, is a maker of the program's pseudonyms to use.
func (p *Program) pseudonymize(r *survey.Response, pm *pseudonymMaker) (reason string, ok bool) {
	// Blanks around an identity are not part of it (see Pseudonym).
	r.Respondent = strings.TrimSpace(r.Respondent)
	if r.Respondent == "" || IsPseudonym(r.Respondent) {
		return "", true
	}
	switch {
	case p.pseud == nil:
		return "not a pseudonym, and the program has no Options.Pseudonymizer to make one (raw identities are never stored)", false
	case pm != nil:
		r.Respondent = pm.pseudonym(r.Respondent)
	default:
		r.Respondent = p.pseud.Pseudonym(r.Respondent)
	}
	return "", true
}

// catalog loads the surveys, waves and units responses are checked against.
func (p *Program) catalog(ctx context.Context) (*catalog, error) {
	c := &catalog{surveys: map[string]survey.Survey{}, waves: map[string]survey.Wave{}, units: map[string]bool{},
		versions: map[string][]survey.Survey{}, orgs: map[string]*Hierarchy{}}
	ss, err := p.store.ListSurveys(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range ss {
		c.surveys[s.ID] = s
		if s.Version > 1 {
			if c.versions[s.ID], err = p.store.ListSurveyVersions(ctx, s.ID); err != nil {
				return nil, err
			}
		}
	}
	ws, err := p.store.ListWaves(ctx, survey.WaveFilter{})
	if err != nil {
		return nil, err
	}
	for _, w := range ws {
		c.waves[w.ID] = w
	}
	if c.hist, err = p.Org(ctx); err != nil {
		return nil, err
	}
	for _, e := range c.hist.Entries() {
		c.units[e.Unit.ID] = true
	}
	return c, nil
}

// catalog answers the lookups of response validation ([survey.Catalog],
// [survey.FieldedCatalog] and [survey.OrgCatalog]). It is not safe for
// concurrent use.
type catalog struct {
	surveys  map[string]survey.Survey
	waves    map[string]survey.Wave
	units    map[string]bool
	versions map[string][]survey.Survey // of the surveys with several
	hist     *org.History
	orgs     map[string]*Hierarchy // by wave, as looked up
}

func (c *catalog) Survey(id string) (survey.Survey, bool) { s, ok := c.surveys[id]; return s, ok }
func (c *catalog) Wave(id string) (survey.Wave, bool)     { w, ok := c.waves[id]; return w, ok }
func (c *catalog) HasUnit(id string) bool                 { return c.units[id] }

// Fielded returns the version of a survey that a wave fielded.
func (c *catalog) Fielded(surveyID, wave string) (survey.Survey, bool) {
	vs, ok := c.versions[surveyID]
	w, okW := c.waves[wave]
	if !ok || !okW {
		return survey.Survey{}, false
	}
	return w.Fielded(vs)
}

// UnitInWave says why unit was not in the org when wave opened, or "".
func (c *catalog) UnitInWave(unit, wave string) string {
	w, ok := c.waves[wave]
	if !ok || c.hist == nil {
		return ""
	}
	h, ok := c.orgs[wave]
	if !ok {
		h, _ = c.hist.At(w.Opens)
		c.orgs[wave] = h
	}
	if h != nil && h.Has(unit) {
		return ""
	}
	return unitNotInForce(c.hist, unit, w.Opens) + fmt.Sprintf(" (wave %s opened on %s)", wave, org.Day(w.Opens))
}

// RecordObservations validates a batch of operational metric observations
// and stores it, all or nothing, returning how many were added. Re-recording
// an identical observation adds nothing.
func (p *Program) RecordObservations(ctx context.Context, obs []Observation) (int, error) {
	if len(obs) == 0 {
		return 0, nil
	}
	known, err := p.unitSet(ctx)
	if err != nil {
		return 0, err
	}
	batch := make([]Observation, len(obs))
	var ps problems
	type key struct {
		metric, unit string
		t            time.Time
	}
	seen := make(map[key]int, len(obs))
	for i, o := range obs {
		o.Time = survey.NormalizeTime(o.Time)
		batch[i] = o
		f := "observations[" + strconv.Itoa(i) + "]"
		if !survey.ValidID(o.Metric) {
			ps.add(f+".metric", fmt.Sprintf("malformed metric key %q", o.Metric))
		}
		if !known[o.Unit] {
			ps.add(f+".unit", fmt.Sprintf("unknown unit %q", o.Unit))
		}
		if o.Time.IsZero() {
			ps.add(f+".time", "required")
		}
		if math.IsNaN(o.Value) || math.IsInf(o.Value, 0) {
			ps.add(f+".value", "must be a finite number")
		}
		if o.N < 0 {
			ps.add(f+".n", "must not be negative")
		}
		k := key{o.Metric, o.Unit, o.Time}
		if j, dup := seen[k]; dup && batch[j] != o {
			ps.add(f, "same metric, unit and time as observations["+strconv.Itoa(j)+"] with a different value")
		}
		seen[k] = i
	}
	if err := ps.err(); err != nil {
		return 0, err
	}
	return p.store.CreateObservations(ctx, batch)
}

// surveyScope returns a stored survey, the org hierarchy and the survey's
// waves, for the reports that read a whole survey from the store.
func (p *Program) surveyScope(ctx context.Context, surveyID string) (survey.Survey, *Hierarchy, []survey.Wave, error) {
	s, err := p.store.GetSurvey(ctx, surveyID)
	if err != nil {
		return survey.Survey{}, nil, nil, err
	}
	h, err := p.Hierarchy(ctx)
	if err != nil {
		return survey.Survey{}, nil, nil, err
	}
	waves, err := p.store.ListWaves(ctx, survey.WaveFilter{Survey: surveyID})
	if err != nil {
		return survey.Survey{}, nil, nil, err
	}
	return s, h, waves, nil
}

// normalizeSurvey returns a copy of s as stores keep it: empty lists nil.
func normalizeSurvey(s survey.Survey) survey.Survey {
	s = s.Clone()
	for i := range s.Items {
		if len(s.Items[i].Labels) == 0 {
			s.Items[i].Labels = nil
		}
		if len(s.Items[i].Alternatives) == 0 {
			s.Items[i].Alternatives = nil
		}
	}
	if len(s.TextItems) == 0 {
		s.TextItems = nil
	}
	return s
}
