package survey

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// JSONLReader reads responses from JSON Lines: one JSON object per line,
// in the form [Response] marshals to. Blank lines are skipped, and so is
// a byte-order mark before the first line. Memory is bounded by
// JSONLOptions.MaxRecordBytes. It is not safe for concurrent use.
type JSONLReader struct {
	r      *bufio.Reader
	s      *Survey
	line   int
	skip   bool
	max    int
	buf    []byte
	failed error
	scales map[string]Scale // the survey's item scales by ID
	in     *interner
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
	// MaxRecordBytes caps the length of a line; 0 means
	// [DefaultMaxRecordBytes]. A longer line is a bad line named by its
	// number, and is skipped without being held in memory.
	MaxRecordBytes int
}

// NewJSONLReader returns a reader of r.
func NewJSONLReader(r io.Reader, opts *JSONLOptions) *JSONLReader {
	jr := &JSONLReader{r: bufio.NewReaderSize(r, 64<<10), max: DefaultMaxRecordBytes}
	if opts != nil {
		jr.s, jr.skip = opts.Survey, opts.SkipBadRows
		if opts.MaxRecordBytes > 0 {
			jr.max = opts.MaxRecordBytes
		}
	}
	jr.in = newInterner(jr.s)
	return jr
}

// Read returns the next response, io.EOF at the end, or a *ParseError
// naming the line, the column (byte offset in the line, for syntax errors
// and text that is not valid UTF-8) or field, and the reason; a line with
// several problems (answers off their scales) returns [ParseErrors]
// listing them all. Unknown fields are errors, and so are text fields
// holding a NUL character.
func (jr *JSONLReader) Read() (Response, error) {
	if jr.failed != nil {
		return Response{}, jr.failed
	}
	for {
		b, tooLong, err := jr.readLine()
		if len(b) == 0 && !tooLong && err != nil {
			if errors.Is(err, io.EOF) {
				jr.failed = io.EOF
			} else {
				jr.failed = fmt.Errorf("survey: reading JSON Lines: %w", err)
			}
			return Response{}, jr.failed
		}
		jr.line++
		if jr.line == 1 {
			b = bytes.TrimPrefix(b, []byte("\ufeff"))
		}
		var perr error
		var r Response
		switch {
		case tooLong:
			perr = &ParseError{Line: jr.line, Column: jr.max + 1, Reason: fmt.Sprintf("the line is longer than %d bytes (MaxRecordBytes)", jr.max)}
		case len(bytes.TrimSpace(b)) == 0:
			continue
		default:
			if !utf8.Valid(b) {
				i := 0
				for i < len(b) {
					c, size := utf8.DecodeRune(b[i:])
					if c == utf8.RuneError && size == 1 {
						break
					}
					i += size
				}
				perr = &ParseError{Line: jr.line, Column: i + 1, Reason: "invalid UTF-8"}
				break
			}
			var pes []*ParseError
			r, pes = jr.decode(b)
			for _, pe := range pes {
				pe.Line = jr.line
			}
			perr = parseErr(pes)
		}
		if perr != nil {
			if !jr.skip {
				jr.failed = perr
			}
			return Response{}, perr
		}
		return r, nil
	}
}

// readLine returns the next line, or reports a line longer than the limit
// after reading past it.
func (jr *JSONLReader) readLine() ([]byte, bool, error) {
	jr.buf = jr.buf[:0]
	for {
		part, err := jr.r.ReadSlice('\n')
		if len(jr.buf)+len(part) > jr.max+1 { // +1: the newline
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = jr.r.ReadSlice('\n')
			}
			if errors.Is(err, io.EOF) {
				err = nil
			}
			jr.buf = jr.buf[:0]
			return nil, true, err
		}
		jr.buf = append(jr.buf, part...)
		if !errors.Is(err, bufio.ErrBufferFull) {
			return jr.buf, false, err
		}
	}
}

// Line returns the line number of the last line read: the line of the
// response (or error) Read last returned.
func (jr *JSONLReader) Line() int { return jr.line }

func (jr *JSONLReader) decode(b []byte) (Response, []*ParseError) {
	r, ok := decodeFast(b, jr.in)
	if !ok {
		var pes []*ParseError
		if r, pes = decodeJSON(b); pes != nil {
			return Response{}, pes
		}
	}
	return jr.check(r)
}

// decodeJSON decodes a line with encoding/json, naming what is wrong.
func decodeJSON(b []byte) (Response, []*ParseError) {
	one := func(pe *ParseError) (Response, []*ParseError) { return Response{}, []*ParseError{pe} }
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var r Response
	if err := dec.Decode(&r); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return one(&ParseError{Column: int(se.Offset), Reason: "malformed JSON: " + se.Error()})
		case errors.Is(err, io.ErrUnexpectedEOF):
			return one(&ParseError{Column: len(bytes.TrimRight(b, " \t\r\n")) + 1, Reason: "malformed JSON: the line ends inside a value"})
		case errors.As(err, &te) && te.Field == "":
			return one(&ParseError{Reason: fmt.Sprintf("a line must hold one JSON object, not %s", te.Value)})
		case errors.As(err, &te):
			field := te.Field
			if field == "answers" {
				field = badAnswer(b)
			}
			return one(&ParseError{Header: field, Reason: fmt.Sprintf("field %s: %s is not %s", field, te.Value, kindName(te.Type.Kind().String()))})
		}
		return one(&ParseError{Reason: "malformed response: " + strings.TrimPrefix(err.Error(), "json: ")})
	}
	if dec.More() {
		return one(&ParseError{Column: int(dec.InputOffset()) + 1, Reason: "more than one JSON value on the line"})
	}
	return r, nil
}

// check checks the text and, with a survey, the answers of a decoded
// line, and returns the response normalized.
func (jr *JSONLReader) check(r Response) (Response, []*ParseError) {
	var pes []*ParseError
	text := func(field, v string) {
		if reason, ok := TextProblem(v); !ok {
			pes = append(pes, &ParseError{Header: field, Reason: reason})
		}
	}
	text("respondent", r.Respondent)
	text("comment", r.Comment)
	for _, k := range sortedKeys(r.Segments) {
		text("segments."+k, r.Segments[k])
	}
	for _, k := range sortedKeys(r.Texts) {
		text("texts."+k, r.Texts[k])
	}
	if jr.s != nil {
		if r.Survey != jr.s.ID {
			pes = append(pes, &ParseError{Header: "survey", Reason: fmt.Sprintf("response to survey %q, expected %q", r.Survey, jr.s.ID)})
		}
		if jr.scales == nil {
			jr.scales = make(map[string]Scale, len(jr.s.Items))
			for _, it := range jr.s.Items {
				jr.scales[it.ID] = it.Scale
			}
		}
		fit := true
		for id, v := range r.Answers {
			if sc, ok := jr.scales[id]; !ok || !sc.Contains(v) {
				fit = false
				break
			}
		}
		if !fit { // every problem, in the order of the item IDs
			for _, id := range sortedKeys(r.Answers) {
				sc, ok := jr.scales[id]
				if !ok {
					pes = append(pes, &ParseError{Header: "answers." + id, Reason: fmt.Sprintf("unknown item %q in survey %q", id, jr.s.ID)})
					continue
				}
				if v := r.Answers[id]; !sc.Contains(v) {
					pes = append(pes, &ParseError{Header: "answers." + id, Reason: fmt.Sprintf("answer %d outside scale %s", v, sc)})
				}
			}
		}
		for _, id := range sortedKeys(r.Texts) {
			if _, ok := jr.s.TextItem(id); !ok {
				pes = append(pes, &ParseError{Header: "texts." + id, Reason: fmt.Sprintf("unknown free-text question %q in survey %q", id, jr.s.ID)})
			}
		}
	}
	if len(pes) > 0 {
		return Response{}, pes
	}
	r.normalize() // the maps are the decoder's own
	return r, nil
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
