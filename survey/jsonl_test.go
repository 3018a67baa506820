package survey_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand"
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

// jsonlTexts are awkward strings for comments, respondents and segments:
// newlines, quotes, HTML characters, line and paragraph separators,
// invalid-looking escapes and non-ASCII text.
var jsonlTexts = []string{"", "fine", "two\nlines", `say "hi"`, "<b>&amp;</b>", "sep\u2028par\u2029", `back\slash \n`, "é ünïcode 😀", "tab\tend ", " lead", "\r\n"}

// jsonlResponses returns 0 to 7 responses to testSurvey with awkward
// texts, times with nanoseconds in other zones, and skipped items.
func jsonlResponses(r *rand.Rand) []survey.Response {
	s := testSurvey()
	zone := time.FixedZone("x", -5*3600+1800)
	var rs []survey.Response
	for range r.Intn(8) {
		resp := survey.Response{
			ID: randUUID(r), Survey: s.ID, Wave: fmt.Sprintf("w%d", r.Intn(3)), Unit: fmt.Sprintf("team.%d", r.Intn(4)),
			Respondent: jsonlTexts[r.Intn(len(jsonlTexts))],
			Submitted:  respBase.Add(time.Duration(r.Int63n(int64(365 * 24 * time.Hour)))).In(zone),
			Comment:    jsonlTexts[r.Intn(len(jsonlTexts))],
		}
		if r.Intn(4) > 0 {
			resp.Answers = map[string]int{}
			for _, it := range s.Items {
				if r.Intn(3) > 0 {
					resp.Answers[it.ID] = it.Scale.Min + r.Intn(it.Scale.Points())
				}
			}
		}
		if r.Intn(3) == 0 {
			resp.Segments = map[string]string{"tenure": jsonlTexts[r.Intn(len(jsonlTexts))]}
		}
		rs = append(rs, resp)
	}
	return rs
}

func readJSONL(data []byte, opts *survey.JSONLOptions) ([]survey.Response, []error) {
	jr := survey.NewJSONLReader(bytes.NewReader(data), opts)
	var rs []survey.Response
	var errs []error
	for i := 0; i <= len(data)+1; i++ {
		r, err := jr.Read()
		if errors.Is(err, io.EOF) {
			return rs, errs
		}
		if err != nil {
			errs = append(errs, err)
			if opts == nil || !opts.SkipBadRows {
				return rs, errs
			}
			continue
		}
		rs = append(rs, r)
	}
	return rs, append(errs, errors.New("the reader does not advance"))
}

func TestJSONLRoundTrip(t *testing.T) {
	props := newSurveyProps(t, 300)
	gen := gopter.Gen(func(p *gopter.GenParameters) *gopter.GenResult {
		return gopter.NewGenResult(jsonlResponses(p.Rng), gopter.NoShrinker)
	}).WithLabel("responses")
	props.Property("what the writer writes, the reader reads back unchanged (normalized), one line each", prop.ForAll(func(in []survey.Response) string {
		var buf bytes.Buffer
		w := survey.NewJSONLWriter(&buf)
		for _, r := range in {
			if err := w.Write(r); err != nil {
				return err.Error()
			}
		}
		if n := bytes.Count(buf.Bytes(), []byte("\n")); n != len(in) {
			return fmt.Sprintf("%d lines for %d responses", n, len(in))
		}
		s := testSurvey()
		for _, opts := range []*survey.JSONLOptions{nil, {Survey: &s}} {
			out, errs := readJSONL(buf.Bytes(), opts)
			if len(errs) > 0 {
				return errors.Join(errs...).Error()
			}
			if len(out) != len(in) {
				return fmt.Sprintf("read %d of %d", len(out), len(in))
			}
			for i := range in {
				want := in[i].Normalize()
				if !want.Equal(out[i]) || out[i].Submitted.Location() != time.UTC {
					return fmt.Sprintf("response %d: wrote %+v, read %+v", i, want, out[i])
				}
			}
		}
		return ""
	}, gen))
	props.run()
}

func TestJSONLLongLineAndLineNumbers(t *testing.T) {
	long := survey.Response{ID: uuid.MustParse("00000000-0000-4000-8000-000000000001"), Survey: "pulse", Wave: "w1", Unit: "t1",
		Submitted: respBase, Answers: map[string]int{"q1": 3}, Comment: strings.Repeat("long comment ", 20000)}
	var buf bytes.Buffer
	w := survey.NewJSONLWriter(&buf)
	require.NoError(t, w.Write(long))
	buf.WriteString("\n  \r\n")
	require.NoError(t, w.Write(long))
	jr := survey.NewJSONLReader(&buf, nil)
	r, err := jr.Read()
	require.NoError(t, err)
	assert.True(t, long.Equal(r), "a line longer than the read buffer")
	assert.Equal(t, 1, jr.Line())
	_, err = jr.Read()
	require.NoError(t, err)
	assert.Equal(t, 4, jr.Line(), "blank lines are skipped and counted")
	_, err = jr.Read()
	assert.ErrorIs(t, err, io.EOF)
	_, err = jr.Read()
	assert.ErrorIs(t, err, io.EOF, "EOF again")
}

func TestJSONLReaderErrorsNameLineAndField(t *testing.T) {
	s := testSurvey()
	good := `{"id":"00000000-0000-4000-8000-000000000001","survey":"pulse","wave":"w1","unit":"t1","submitted":"2026-01-05T09:00:00Z","answers":{"q1":4}}`
	cases := []struct {
		name, line string
		column     int
		field      string
		want       string
	}{
		{"malformed JSON", `{"survey":"pulse",`, 19, "", "malformed JSON: the line ends inside a value"},
		{"syntax error position", `{"survey" "pulse"}`, 11, "", "malformed JSON"},
		{"wrong type", strings.Replace(good, `"q1":4`, `"q1":4,"q2":"4"`, 1), 0, "answers.q2", "field answers.q2: string is not an integer"},
		{"wrong type of a field", strings.Replace(good, `"unit":"t1"`, `"unit":7`, 1), 0, "unit", "field unit: number is not a string"},
		{"fraction", strings.Replace(good, `"q1":4`, `"q1":4.5`, 1), 0, "answers.q1", "number 4.5 is not an integer"},
		{"unknown field", strings.Replace(good, `"wave"`, `"round":1,"wave"`, 1), 0, "", `unknown field "round"`},
		{"bad time", strings.Replace(good, `2026-01-05T09:00:00Z`, `yesterday`, 1), 0, "", "malformed response"},
		{"bad id", strings.Replace(good, `00000000-0000-4000-8000-000000000001`, `42`, 1), 0, "", "malformed response"},
		{"two values", good + " {}", len(good) + 2, "", "more than one JSON value"},
		{"not an object", `[1,2]`, 0, "", "one JSON object, not array"},
		{"other survey", strings.Replace(good, `"pulse"`, `"other"`, 1), 0, "survey", `response to survey "other", expected "pulse"`},
		{"unknown item", strings.Replace(good, `"q1":4`, `"q9":4`, 1), 0, "answers.q9", `unknown item "q9"`},
		{"outside scale", strings.Replace(good, `"q1":4`, `"q1":4,"enps":11`, 1), 0, "answers.enps", "answer 11 outside scale"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := good + "\n\n" + c.line + "\n" + good + "\n"
			rs, errs := readJSONL([]byte(in), &survey.JSONLOptions{Survey: &s})
			require.Len(t, errs, 1)
			assert.Len(t, rs, 1, "by default the first bad line stops reading")
			var pe *survey.ParseError
			require.ErrorAs(t, errs[0], &pe)
			assert.ErrorIs(t, errs[0], survey.ErrInvalid)
			assert.Equal(t, 3, pe.Line, "line")
			assert.Contains(t, pe.Error(), "line 3")
			if c.column > 0 {
				assert.Equal(t, c.column, pe.Column, "column")
			}
			assert.Equal(t, c.field, pe.Header, "field")
			assert.Contains(t, pe.Reason, c.want)

			jr := survey.NewJSONLReader(strings.NewReader(in), &survey.JSONLOptions{Survey: &s})
			_, _ = jr.Read()
			_, err1 := jr.Read()
			_, err2 := jr.Read()
			assert.Equal(t, err1, err2, "every later Read returns the same error")

			rs, errs = readJSONL([]byte(in), &survey.JSONLOptions{Survey: &s, SkipBadRows: true})
			assert.Len(t, errs, 1)
			assert.Len(t, rs, 2, "with SkipBadRows reading goes on after the bad line")
		})
	}
	t.Run("without a survey, any survey's answers are read", func(t *testing.T) {
		rs, errs := readJSONL([]byte(strings.Replace(good, `"q1":4`, `"zz":99`, 1)), nil)
		require.Empty(t, errs)
		assert.Equal(t, map[string]int{"zz": 99}, rs[0].Answers)
	})
}

// failingReader returns some bytes, then an error.
type failingReader struct{ data []byte }

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, errors.New("disk on fire")
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestJSONLReaderReadError(t *testing.T) {
	jr := survey.NewJSONLReader(&failingReader{data: []byte(`{"survey":"pulse"}` + "\n")}, nil)
	_, err := jr.Read()
	require.NoError(t, err)
	_, err = jr.Read()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "disk on fire")
	assert.NotErrorIs(t, err, survey.ErrInvalid, "an I/O error is not an input error")
}

func FuzzJSONLReader(f *testing.F) {
	var buf bytes.Buffer
	w := survey.NewJSONLWriter(&buf)
	for _, r := range jsonlResponses(rand.New(rand.NewSource(3))) {
		_ = w.Write(r)
	}
	f.Add(buf.Bytes())
	f.Add([]byte(`{"id":"00000000-0000-4000-8000-000000000001","survey":"pulse","wave":"w1","unit":"t1","submitted":"2026-01-05T09:00:00Z","answers":{"q1":4,"enps":10}}` + "\n"))
	f.Add([]byte("\n\r\n{}\nnull\n[]\n{\"answers\":{\"q1\":1e400}}\n"))
	f.Add([]byte(`{"survey":"pulse","answers":{"q1":-9223372036854775809}} {"x":1}`))
	f.Add([]byte("{\"comment\":\"\\ud800\\u2028\"}\n\xff\xfe"))
	s := testSurvey()
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, opts := range []*survey.JSONLOptions{{SkipBadRows: true}, {Survey: &s, SkipBadRows: true}} {
			jr := survey.NewJSONLReader(bytes.NewReader(data), opts)
			for i := 0; ; i++ {
				if i > len(data)+1 {
					t.Fatal("more records than bytes: the reader does not advance")
				}
				r, err := jr.Read()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					var pe *survey.ParseError
					if !errors.As(err, &pe) || pe.Line < 1 || pe.Reason == "" {
						t.Fatalf("error %T %v without a line and a reason", err, err)
					}
					continue
				}
				if jr.Line() < 1 {
					t.Fatalf("response read at line %d", jr.Line())
				}
				if opts.Survey != nil {
					if r.Survey != s.ID {
						t.Fatalf("accepted a response to survey %q", r.Survey)
					}
					for id, v := range r.Answers {
						it, ok := s.Item(id)
						if !ok || !it.Scale.Contains(v) {
							t.Fatalf("accepted answer %s=%d", id, v)
						}
					}
				}
				// What was read writes back to one line that reads the same.
				var out bytes.Buffer
				if err := survey.NewJSONLWriter(&out).Write(r); err != nil {
					t.Fatalf("writing back %+v: %v", r, err)
				}
				back, err := survey.NewJSONLReader(&out, nil).Read()
				if err != nil || !back.Equal(r) {
					t.Fatalf("round trip of %+v: got %+v, %v", r, back, err)
				}
			}
		}
	})
}
