package survey

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// JSONLReader reads responses from JSON Lines: one JSON object per line,
// in the form [Response] marshals to. Blank lines are skipped. Memory is
// bounded by the longest line. It is not safe for concurrent use.
type JSONLReader struct {
	r      *bufio.Reader
	s      *Survey
	line   int
	skip   bool
	failed error
}

// JSONLOptions configure a [JSONLReader]; a nil *JSONLOptions uses the
// defaults.
type JSONLOptions struct {
	// Survey, when set, is the survey every line must answer: responses to
	// another survey, unknown items and answers outside an item's scale
	// are errors naming the line and the item.
	Survey *Survey
	// SkipBadRows makes Read return each bad line's *ParseError and go on
	// at the next line; by default the first bad line fails every later
	// Read too.
	SkipBadRows bool
}

// NewJSONLReader returns a reader of r.
func NewJSONLReader(r io.Reader, opts *JSONLOptions) *JSONLReader {
	jr := &JSONLReader{r: bufio.NewReaderSize(r, 64<<10)}
	if opts != nil {
		jr.s, jr.skip = opts.Survey, opts.SkipBadRows
	}
	return jr
}

// Read returns the next response, io.EOF at the end, or a *ParseError
// naming the line, the column (byte offset in the line, for syntax errors)
// or field, and the reason. Unknown fields are errors.
func (jr *JSONLReader) Read() (Response, error) {
	if jr.failed != nil {
		return Response{}, jr.failed
	}
	for {
		b, err := jr.r.ReadBytes('\n')
		if len(b) == 0 && err != nil {
			if errors.Is(err, io.EOF) {
				jr.failed = io.EOF
			} else {
				jr.failed = fmt.Errorf("survey: reading JSON Lines: %w", err)
			}
			return Response{}, jr.failed
		}
		jr.line++
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		r, perr := jr.decode(b)
		if perr != nil {
			perr.Line = jr.line
			if !jr.skip {
				jr.failed = perr
			}
			return Response{}, perr
		}
		return r, nil
	}
}

// Line returns the line number of the last line read: the line of the
// response (or error) Read last returned.
func (jr *JSONLReader) Line() int { return jr.line }

func (jr *JSONLReader) decode(b []byte) (Response, *ParseError) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var r Response
	if err := dec.Decode(&r); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return r, &ParseError{Column: int(se.Offset), Reason: "malformed JSON: " + se.Error()}
		case errors.Is(err, io.ErrUnexpectedEOF):
			return r, &ParseError{Column: len(bytes.TrimRight(b, " \t\r\n")) + 1, Reason: "malformed JSON: the line ends inside a value"}
		case errors.As(err, &te) && te.Field == "":
			return r, &ParseError{Reason: fmt.Sprintf("a line must hold one JSON object, not %s", te.Value)}
		case errors.As(err, &te):
			field := te.Field
			if field == "answers" {
				field = badAnswer(b)
			}
			return r, &ParseError{Header: field, Reason: fmt.Sprintf("field %s: %s is not %s", field, te.Value, kindName(te.Type.Kind().String()))}
		}
		return r, &ParseError{Reason: "malformed response: " + strings.TrimPrefix(err.Error(), "json: ")}
	}
	if dec.More() {
		return r, &ParseError{Column: int(dec.InputOffset()) + 1, Reason: "more than one JSON value on the line"}
	}
	if jr.s == nil {
		return r.Normalize(), nil
	}
	if r.Survey != jr.s.ID {
		return r, &ParseError{Header: "survey", Reason: fmt.Sprintf("response to survey %q, expected %q", r.Survey, jr.s.ID)}
	}
	for _, id := range sortedKeys(r.Answers) {
		it, ok := jr.s.Item(id)
		if !ok {
			return r, &ParseError{Header: "answers." + id, Reason: fmt.Sprintf("unknown item %q in survey %q", id, jr.s.ID)}
		}
		if v := r.Answers[id]; !it.Scale.Contains(v) {
			return r, &ParseError{Header: "answers." + id, Reason: fmt.Sprintf("answer %d outside scale %s", v, it.Scale)}
		}
	}
	return r.Normalize(), nil
}

// badAnswer returns "answers.ID" for the first answer (by ID) of a line
// that is not an integer, or "answers".
func badAnswer(b []byte) string {
	var v struct {
		Answers map[string]json.RawMessage `json:"answers"`
	}
	if json.Unmarshal(b, &v) != nil {
		return "answers"
	}
	for _, id := range sortedKeys(v.Answers) {
		var n int
		if json.Unmarshal(v.Answers[id], &n) != nil {
			return "answers." + id
		}
	}
	return "answers"
}

// kindName names what a JSON value should have been.
func kindName(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"):
		return "an integer"
	case kind == "map", kind == "struct":
		return "an object"
	case kind == "slice", kind == "array":
		return "an array"
	}
	return "a " + kind
}

// JSONLWriter writes responses as JSON Lines that [JSONLReader] reads back
// unchanged. It is not safe for concurrent use.
type JSONLWriter struct {
	enc *json.Encoder
}

// NewJSONLWriter returns a writer to w.
func NewJSONLWriter(w io.Writer) *JSONLWriter {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &JSONLWriter{enc: enc}
}

// Write writes one response as one line.
func (jw *JSONLWriter) Write(r Response) error {
	return jw.enc.Encode(r.Normalize())
}
