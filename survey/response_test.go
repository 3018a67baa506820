package survey_test

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"math/rand"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/survey"
)

// respBase is the origin of generated times.
var respBase = time.Date(2025, time.April, 7, 8, 0, 0, 0, time.UTC)

// respCatalog is a survey.Catalog over maps.
type respCatalog struct {
	surveys map[string]survey.Survey
	waves   map[string]survey.Wave
	units   []string
}

func (c respCatalog) Survey(id string) (survey.Survey, bool) { s, ok := c.surveys[id]; return s, ok }
func (c respCatalog) Wave(id string) (survey.Wave, bool)     { w, ok := c.waves[id]; return w, ok }
func (c respCatalog) HasUnit(id string) bool                 { return slices.Contains(c.units, id) }

// respCase is a catalog and a batch of responses valid against it.
type respCase struct {
	cat   respCatalog
	batch []survey.Response
}

func (c respCase) String() string {
	var b strings.Builder
	for _, id := range slices.Sorted(maps.Keys(c.cat.surveys)) {
		s := c.cat.surveys[id]
		fmt.Fprintf(&b, "survey %s:", id)
		for _, it := range s.Items {
			fmt.Fprintf(&b, " %s%v[%d,%d]", it.ID, map[bool]string{true: "*", false: ""}[it.Required], it.Scale.Min, it.Scale.Max)
		}
		b.WriteString("; ")
	}
	for _, id := range slices.Sorted(maps.Keys(c.cat.waves)) {
		w := c.cat.waves[id]
		fmt.Fprintf(&b, "wave %s of %s %s..%s; ", id, w.Survey, w.Opens.Format(time.RFC3339), w.Closes.Format(time.RFC3339))
	}
	fmt.Fprintf(&b, "units %v; responses %+v", c.cat.units, c.batch)
	return b.String()
}

func randUUID(r *rand.Rand) uuid.UUID {
	var u uuid.UUID
	for i := range u {
		u[i] = byte(r.Intn(256))
	}
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return u
}

// newRespCase builds a catalog of 1 to 3 surveys (items on the built-in
// scales, some required), 1 or 2 waves each and 1 to 4 units, and a batch
// of 1 to 5 valid responses with distinct IDs.
func newRespCase(r *rand.Rand) respCase {
	c := respCase{cat: respCatalog{surveys: map[string]survey.Survey{}, waves: map[string]survey.Wave{}}}
	for i := range 1 + r.Intn(4) {
		c.cat.units = append(c.cat.units, "u"+strconv.Itoa(i))
	}
	scales := survey.Scales()
	for i := range 1 + r.Intn(3) {
		s := survey.Survey{ID: "s" + strconv.Itoa(i), Name: "Survey", Audience: survey.Employee, Version: 1}
		for j := range 1 + r.Intn(5) {
			s.Items = append(s.Items, survey.Item{ID: fmt.Sprintf("s%dq%d", i, j), Text: "Statement", Scale: scales[r.Intn(len(scales))],
				Kind: survey.Behavior, Version: 1, Required: r.Intn(3) == 0})
		}
		c.cat.surveys[s.ID] = s
		for j := range 1 + r.Intn(2) {
			opens := respBase.Add(time.Duration(r.Intn(365*24)) * time.Hour)
			w := survey.Wave{ID: fmt.Sprintf("%sw%d", s.ID, j), Survey: s.ID, Opens: opens,
				Closes: opens.Add(time.Duration(1+r.Intn(30*24)) * time.Hour)}
			c.cat.waves[w.ID] = w
		}
	}
	waves := slices.Sorted(maps.Keys(c.cat.waves))
	for range 1 + r.Intn(5) {
		w := c.cat.waves[waves[r.Intn(len(waves))]]
		s := c.cat.surveys[w.Survey]
		resp := survey.Response{
			ID: randUUID(r), Survey: s.ID, Wave: w.ID, Unit: c.cat.units[r.Intn(len(c.cat.units))],
			Submitted: w.Opens.Add(time.Duration(r.Int63n(int64(w.Closes.Sub(w.Opens)) + 1))),
			Answers:   map[string]int{},
		}
		for _, it := range s.Items {
			if it.Required || r.Intn(2) == 0 {
				resp.Answers[it.ID] = it.Scale.Min + r.Intn(it.Scale.Points())
			}
		}
		if len(resp.Answers) == 0 {
			it := s.Items[r.Intn(len(s.Items))]
			resp.Answers[it.ID] = it.Scale.Max
		}
		if r.Intn(3) == 0 {
			resp.Segments = map[string]string{"tenure": "0-2y"}
		}
		c.batch = append(c.batch, resp)
	}
	return c
}

func genRespCase() gopter.Gen {
	return gopter.Gen(func(p *gopter.GenParameters) *gopter.GenResult {
		return gopter.NewGenResult(newRespCase(p.Rng), gopter.NoShrinker)
	}).WithLabel("catalog and batch")
}

// mutation is a batch with one thing wrong and the field that must be
// named.
type mutation struct {
	name  string
	batch []survey.Response
	field string
}

func fieldPrefix(i int, r survey.Response) string {
	if r.ID == uuid.Nil {
		return "responses[" + strconv.Itoa(i) + "]"
	}
	return "responses[" + strconv.Itoa(i) + " " + r.ID.String() + "]"
}

// mutations returns every single mutation of the i-th response of c that
// applies to it.
func mutations(c respCase, i int) []mutation {
	var out []mutation
	orig := c.batch[i]
	s := c.cat.surveys[orig.Survey]
	w := c.cat.waves[orig.Wave]
	add := func(name string, edit func(*survey.Response), field string) {
		b := slices.Clone(c.batch)
		r := b[i].Clone()
		edit(&r)
		b[i] = r
		out = append(out, mutation{name, b, fieldPrefix(i, r) + field})
	}
	answered := slices.Sorted(maps.Keys(orig.Answers))
	item := answered[0]
	it, _ := s.Item(item)
	add("value above the scale", func(r *survey.Response) { r.Answers[item] = it.Scale.Max + 1 }, ".answers."+item)
	add("value below the scale", func(r *survey.Response) { r.Answers[item] = it.Scale.Min - 1 }, ".answers."+item)
	add("unknown item", func(r *survey.Response) { r.Answers["zz_unknown"] = it.Scale.Min }, ".answers.zz_unknown")
	for _, os := range slices.Sorted(maps.Keys(c.cat.surveys)) {
		if os != orig.Survey {
			other := c.cat.surveys[os].Items[0]
			add("item of another survey", func(r *survey.Response) { r.Answers[other.ID] = other.Scale.Min }, ".answers."+other.ID)
			break
		}
	}
	add("unknown unit", func(r *survey.Response) { r.Unit = "nowhere" }, ".unit")
	add("no unit", func(r *survey.Response) { r.Unit = "" }, ".unit")
	add("unknown wave", func(r *survey.Response) { r.Wave = "nowave" }, ".wave")
	add("unknown survey", func(r *survey.Response) { r.Survey = "nosurvey" }, ".survey")
	for _, ow := range slices.Sorted(maps.Keys(c.cat.waves)) {
		if c.cat.waves[ow].Survey != orig.Survey {
			add("wave of another survey", func(r *survey.Response) { r.Wave = ow }, ".wave")
			break
		}
	}
	for _, req := range s.Items {
		if req.Required {
			add("required item missing", func(r *survey.Response) { delete(r.Answers, req.ID) }, ".answers."+req.ID)
			break
		}
	}
	add("submitted before the wave opens", func(r *survey.Response) { r.Submitted = w.Opens.Add(-time.Microsecond) }, ".submitted")
	add("submitted after the wave closes", func(r *survey.Response) { r.Submitted = w.Closes.Add(time.Nanosecond) }, ".submitted")
	add("no submitted time", func(r *survey.Response) { r.Submitted = time.Time{} }, ".submitted")
	add("no ID", func(r *survey.Response) { r.ID = uuid.Nil }, ".id")
	add("no answers", func(r *survey.Response) { r.Answers = nil }, ".answers")
	add("malformed segment name", func(r *survey.Response) { r.Segments = map[string]string{"team size": "5"} }, ".segments")
	// The same ID twice in one batch, identical or not.
	for _, changed := range []bool{false, true} {
		dup := orig.Clone()
		if changed {
			dup.Comment = "another response under the same ID"
		}
		b := append(slices.Clone(c.batch), dup)
		out = append(out, mutation{"duplicate ID in the batch", b, fieldPrefix(len(c.batch), dup) + ".id"})
	}
	return out
}

// checkProblems returns "" if err is a *survey.ValidationError that
// unwraps to survey.ErrInvalid, names want among its fields, and whose
// every field starts with one of prefixes.
func checkProblems(err error, want []string, prefixes []string) string {
	if err == nil {
		return "accepted"
	}
	var ve *survey.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, survey.ErrInvalid) {
		return fmt.Sprintf("not a ValidationError unwrapping to ErrInvalid: %v", err)
	}
	fields := map[string]bool{}
	for _, p := range ve.Problems {
		fields[p.Field] = true
		if p.Message == "" {
			return "problem " + p.Field + " has no message"
		}
		if !slices.ContainsFunc(prefixes, func(pre string) bool { return strings.HasPrefix(p.Field, pre+".") }) {
			return fmt.Sprintf("problem %q names a response that is not wrong (%v)", p.Field, err)
		}
	}
	for _, f := range want {
		if !fields[f] {
			return fmt.Sprintf("no problem names %s: %v", f, err)
		}
	}
	return ""
}

func TestValidateResponsesProperties(t *testing.T) {
	props := newSurveyProps(t, 300)
	props.Property("every generated valid batch is accepted", prop.ForAll(func(c respCase) string {
		if err := survey.ValidateResponses(c.cat, c.batch); err != nil {
			return err.Error()
		}
		return ""
	}, genRespCase()))
	props.Property("answers at both ends of the scale, submitted at the instants the wave opens and closes, are accepted", prop.ForAll(func(c respCase) string {
		for i := range c.batch {
			r := &c.batch[i]
			s, w := c.cat.surveys[r.Survey], c.cat.waves[r.Wave]
			for id := range r.Answers {
				it, _ := s.Item(id)
				r.Answers[id] = it.Scale.Min
				if i%2 == 1 {
					r.Answers[id] = it.Scale.Max
				}
			}
			r.Submitted = w.Opens
			if i%2 == 1 {
				r.Submitted = w.Closes
			}
		}
		if err := survey.ValidateResponses(c.cat, c.batch); err != nil {
			return err.Error()
		}
		return ""
	}, genRespCase()))
	props.Property("every single mutation of a valid response is rejected with a problem naming the response and its field, and only that response", prop.ForAll(func(c respCase, pick int) string {
		i := pick % len(c.batch)
		for _, m := range mutations(c, i) {
			last := len(m.batch) - 1
			prefixes := []string{fieldPrefix(i, m.batch[i])}
			if m.name == "duplicate ID in the batch" {
				prefixes = []string{fieldPrefix(last, m.batch[last])}
			}
			if msg := checkProblems(survey.ValidateResponses(c.cat, m.batch), []string{m.field}, prefixes); msg != "" {
				return m.name + ": " + msg
			}
		}
		return ""
	}, genRespCase(), gopter.Gen(func(p *gopter.GenParameters) *gopter.GenResult {
		return gopter.NewGenResult(p.Rng.Intn(5), gopter.NoShrinker)
	}).WithLabel("response index")))
	props.Property("a batch with one mutation in each response lists every problem, not only the first", prop.ForAll(func(c respCase, seed int64) string {
		r := rand.New(rand.NewSource(seed))
		batch := slices.Clone(c.batch)
		var want, prefixes []string
		for i := range c.batch {
			ms := mutations(respCase{c.cat, batch}, i)
			ms = slices.DeleteFunc(ms, func(m mutation) bool { return m.name == "duplicate ID in the batch" || m.name == "no ID" })
			m := ms[r.Intn(len(ms))]
			batch[i] = m.batch[i]
			want = append(want, m.field)
			prefixes = append(prefixes, fieldPrefix(i, batch[i]))
		}
		return checkProblems(survey.ValidateResponses(c.cat, batch), want, prefixes)
	}, genRespCase(), gopter.Gen(func(p *gopter.GenParameters) *gopter.GenResult {
		return gopter.NewGenResult(p.Rng.Int63(), gopter.NoShrinker)
	}).WithLabel("seed")))
	props.run()
}

func TestValidateResponsesExample(t *testing.T) {
	pulse := survey.CulturePulse()
	cat := respCatalog{
		surveys: map[string]survey.Survey{pulse.ID: pulse},
		waves:   map[string]survey.Wave{"w1": {ID: "w1", Survey: pulse.ID, Opens: respBase, Closes: respBase.Add(14 * 24 * time.Hour)}},
		units:   []string{"claims"},
	}
	id := uuid.MustParse("6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0")
	ok := survey.Response{ID: id, Survey: pulse.ID, Wave: "w1", Unit: "claims", Submitted: respBase.Add(time.Hour),
		Answers: map[string]int{"agility.belief": 4, "enps": 9}}
	require.NoError(t, survey.ValidateResponses(cat, []survey.Response{ok}))
	bad := ok.Clone()
	bad.Answers["agility.belief"] = 6
	bad.Answers["enps"] = 11
	bad.Unit = "billing"
	err := survey.ValidateResponses(cat, []survey.Response{bad})
	var ve *survey.ValidationError
	require.ErrorAs(t, err, &ve)
	p := "responses[0 " + id.String() + "]"
	assert.Equal(t, []survey.Problem{
		{p + ".unit", `unknown unit "billing"`},
		{p + ".answers.agility.belief", "value 6 outside scale likert5 [1,5]"},
		{p + ".answers.enps", "value 11 outside scale nps [0,10]"},
	}, ve.Problems)
	assert.NoError(t, survey.ValidateResponses(cat, nil), "an empty batch has nothing wrong")
}

func TestResponseCloneEqualNormalize(t *testing.T) {
	r := survey.Response{ID: uuid.MustParse("6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"), Survey: "s", Wave: "w", Unit: "u",
		Submitted: time.Date(2025, 5, 1, 12, 0, 0, 123456789, time.FixedZone("CEST", 2*3600)),
		Answers:   map[string]int{"q1": 3}, Segments: map[string]string{}}
	c := r.Clone()
	c.Answers["q1"] = 5
	assert.Equal(t, 3, r.Answers["q1"], "Clone copies the answers")
	assert.True(t, r.Equal(r.Clone()))
	assert.False(t, r.Equal(c))

	n := r.Normalize()
	assert.Equal(t, time.UTC, n.Submitted.Location())
	assert.Equal(t, time.Date(2025, 5, 1, 10, 0, 0, 123456000, time.UTC), n.Submitted)
	assert.Nil(t, n.Segments, "empty maps become nil")
	assert.False(t, n.Equal(r), "normalizing drops the nanoseconds")
	withEmpty := n.Clone()
	withEmpty.Segments = map[string]string{}
	assert.True(t, n.Equal(withEmpty), "nil and empty maps are equal")
	n.Answers["q1"] = 1
	assert.Equal(t, 3, r.Answers["q1"], "Normalize copies the answers")
	empty := survey.Response{Answers: map[string]int{}}
	assert.Nil(t, empty.Normalize().Answers)

	later := r
	later.Submitted = r.Submitted.Add(time.Nanosecond)
	assert.False(t, later.Equal(r))
	assert.True(t, later.Normalize().Equal(r.Normalize()))
	assert.Equal(t, survey.NormalizeTime(r.Submitted), n.Submitted)
}

func TestResponseFilterMatch(t *testing.T) {
	at := respBase
	r := survey.Response{Survey: "pulse", Wave: "w1", Unit: "claims", Submitted: at}
	for _, tc := range []struct {
		f    survey.ResponseFilter
		want bool
	}{
		{survey.ResponseFilter{}, true},
		{survey.ResponseFilter{Survey: "pulse", Wave: "w1"}, true},
		{survey.ResponseFilter{Survey: "a11"}, false},
		{survey.ResponseFilter{Wave: "w2"}, false},
		{survey.ResponseFilter{Units: []string{"billing", "claims"}}, true},
		{survey.ResponseFilter{Units: []string{"billing"}}, false},
		{survey.ResponseFilter{Since: at}, true},
		{survey.ResponseFilter{Since: at.Add(time.Nanosecond)}, false},
		{survey.ResponseFilter{Until: at}, false},
		{survey.ResponseFilter{Until: at.Add(time.Nanosecond)}, true},
		{survey.ResponseFilter{Limit: 1, Offset: 5}, true},
	} {
		assert.Equal(t, tc.want, tc.f.Match(r), "%+v", tc.f)
	}
}

// Free-text answers live in Response.Texts, keyed by the survey's text
// items; Comment keeps working beside them.
func TestTextAnswers(t *testing.T) {
	s := survey.A11()
	s.TextItems[1].Required = true
	s.TextItems[1].MaxLength = 20
	w := survey.Wave{ID: "q1", Survey: s.ID, Opens: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Closes: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)}
	cat := textCatalog{s: s, w: w}
	ok := survey.Response{ID: uuid.New(), Survey: s.ID, Wave: "q1", Unit: "u", Submitted: w.Opens.Add(time.Hour),
		Answers: map[string]int{"a11.satisfaction": 4, "a11.trust": 5},
		Texts:   map[string]string{"a11.feedback": "Quick and kind", "a11.scores_feedback": "none"}, Comment: "also a comment"}
	require.NoError(t, survey.ValidateResponses(cat, []survey.Response{ok}))
	require.True(t, ok.Equal(ok.Clone()))
	plain := ok.Clone()
	plain.Texts = nil
	require.NotEqual(t, survey.ContentID(ok, 0), survey.ContentID(plain, 0), "the content ID covers the text answers")
	c := ok.Clone()
	c.Texts["a11.feedback"] = "changed"
	require.Equal(t, "Quick and kind", ok.Texts["a11.feedback"], "Clone copies the texts")
	require.False(t, ok.Equal(c))

	bad := ok.Clone()
	bad.ID = uuid.New()
	bad.Texts = map[string]string{"a11.trust": "words for a scale item", "a11.feedback": strings.Repeat("x", 21)}
	err := survey.ValidateResponses(cat, []survey.Response{bad})
	var ve *survey.ValidationError
	require.ErrorAs(t, err, &ve)
	msgs := fmt.Sprint(ve.Problems)
	require.Contains(t, msgs, `unknown free-text question "a11.trust"`)
	require.Contains(t, msgs, "21 characters: at most 20")
	bad.Texts = nil
	require.ErrorContains(t, survey.ValidateResponses(cat, []survey.Response{bad}), "texts.a11.feedback: required question not answered")

	// CSV: a column named after a text item holds its answers.
	var buf bytes.Buffer
	cw := survey.NewCSVWriter(&buf, s)
	require.NoError(t, cw.Write(ok))
	require.Contains(t, buf.String(), ",a11.scores_feedback,a11.feedback,comment\n")
	rd, err := survey.NewCSVReader(&buf, s, nil)
	require.NoError(t, err)
	back, err := rd.Read()
	require.NoError(t, err)
	require.Equal(t, ok.Texts, back.Texts)
	require.Equal(t, ok.Comment, back.Comment)

	// JSON Lines: texts round-trip; an unknown text question is refused.
	buf.Reset()
	require.NoError(t, survey.NewJSONLWriter(&buf).Write(ok))
	jr := survey.NewJSONLReader(&buf, &survey.JSONLOptions{Survey: &s})
	back, err = jr.Read()
	require.NoError(t, err)
	require.True(t, ok.Equal(back))
	jr = survey.NewJSONLReader(strings.NewReader(`{"id":"`+uuid.NewString()+`","survey":"a11","wave":"q1","unit":"u","submitted":"2026-01-02T00:00:00Z","answers":{"a11.trust":4},"texts":{"nope":"x"}}`+"\n"), &survey.JSONLOptions{Survey: &s})
	_, err = jr.Read()
	require.ErrorContains(t, err, `unknown free-text question "nope"`)
}

type textCatalog struct {
	s survey.Survey
	w survey.Wave
}

func (c textCatalog) Survey(id string) (survey.Survey, bool) { return c.s, id == c.s.ID }
func (c textCatalog) Wave(id string) (survey.Wave, bool)     { return c.w, id == c.w.ID }
func (c textCatalog) HasUnit(id string) bool                 { return id == "u" }
