package survey

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// This file holds the byte-level CSV machinery shared by [CSVReader] and
// [ScanCSV]: a splitter that cuts the input into chunks of whole records
// (so chunks can be parsed in parallel), and a strict RFC 4180 record
// parser that reuses its buffers. encoding/csv reads records one at a time
// from a single reader and allocates a string per record, which rules out
// both parallel parsing and an allocation-free path; hence this parser.

// ParseError is a problem with one record (or the header) of an input
// file. It names the line where the record starts, the column (1-based
// field index; 0 when the problem concerns the whole record) and its
// header, and the reason. It unwraps to [ErrInvalid].
type ParseError struct {
	Line   int
	Column int
	Header string
	Reason string
}

// Error formats the error as "line L, column C (header): reason".
func (e *ParseError) Error() string {
	switch {
	case e.Column > 0 && e.Header != "":
		return fmt.Sprintf("survey: line %d, column %d (%s): %s", e.Line, e.Column, e.Header, e.Reason)
	case e.Column > 0:
		return fmt.Sprintf("survey: line %d, column %d: %s", e.Line, e.Column, e.Reason)
	case e.Header != "":
		return fmt.Sprintf("survey: line %d (%s): %s", e.Line, e.Header, e.Reason)
	}
	return fmt.Sprintf("survey: line %d: %s", e.Line, e.Reason)
}

// Unwrap returns [ErrInvalid].
func (e *ParseError) Unwrap() error { return ErrInvalid }

// ParseErrors lists the problems of one record that has several (a row
// with two answers off their scale), in the order of the columns. Readers
// return a lone problem as a *ParseError and several as ParseErrors;
// errors.As finds the first *ParseError through it, and [Problems] lists
// them all.
type ParseErrors []*ParseError

// Error joins the problems.
func (e ParseErrors) Error() string {
	parts := make([]string, len(e))
	for i, pe := range e {
		parts[i] = pe.Error()
	}
	return strings.Join(parts, "; ")
}

// Unwrap returns the problems.
func (e ParseErrors) Unwrap() []error {
	out := make([]error, len(e))
	for i, pe := range e {
		out[i] = pe
	}
	return out
}

// Problems returns the problems an error of a reader of this package
// names: the *ParseError itself, each of ParseErrors, or nil for other
// errors.
func Problems(err error) []*ParseError {
	if pes, ok := errors.AsType[ParseErrors](err); ok {
		return pes
	}
	if pe, ok := errors.AsType[*ParseError](err); ok {
		return []*ParseError{pe}
	}
	return nil
}

// parseErr returns nil, the lone problem, or all of them.
func parseErr(pes []*ParseError) error {
	switch len(pes) {
	case 0:
		return nil
	case 1:
		return pes[0]
	}
	return ParseErrors(pes)
}

// DefaultMaxRecordBytes is the longest record (a CSV record, a JSON line)
// the readers accept unless told otherwise: 1 MiB, far above any survey
// response, low enough that an unclosed quote cannot make a reader hold
// a whole file.
const DefaultMaxRecordBytes = 1 << 20

// chunk is a run of whole records and the line number of its first byte,
// or, with perr set and no data, a record the splitter skipped because it
// exceeds the record size limit.
type chunk struct {
	data []byte
	line int
	perr *ParseError
	// plain reports that data holds no quote, so that its records need
	// no search for one.
	plain bool
}

// splitter cuts an input into chunks that end on record boundaries: a
// newline outside quotes. Input is read straight into the chunk's buffer;
// only the partial record at its end is copied, to the next chunk. A
// record longer than max bytes is not kept: the splitter reports it as a
// chunk with an error and goes on at the record's second line, so that an
// unclosed quote neither makes memory grow with the input nor swallows the
// records after it.
type splitter struct {
	r     io.Reader
	carry []byte // the start of a record cut by the previous read
	line  int    // line number of carry[0]
	eof   bool
	size  int
	max   int
	comma byte
}

// chunkSize is the initial chunk size; tests lower it to exercise chunk
// boundaries. A quarter of a megabyte: the goroutines of ScanCSV finish
// their last chunks at nearly the same time, and the first is read soon.
var chunkSize = 256 << 10

func newSplitter(r io.Reader, line, max int, comma byte) *splitter {
	return &splitter{r: r, line: line, size: chunkSize, max: max, comma: comma}
}

// next fills dst (reusing its capacity) with the next chunk. It returns
// io.EOF when the input is exhausted. A record longer than the chunk size
// doubles it, up to the record limit.
func (s *splitter) next(dst []byte) (chunk, error) {
	if s.eof && len(s.carry) == 0 {
		return chunk{}, io.EOF
	}
	if cap(dst) < s.size {
		dst = make([]byte, 0, s.size)
	}
	buf := append(dst[:0], s.carry...)
	for {
		if err := s.fill(&buf); err != nil {
			return chunk{}, err
		}
		plain := bytes.IndexByte(buf, '"') < 0
		cut := lastBoundary(buf, plain)
		if s.eof {
			if len(buf) == 0 {
				s.carry = s.carry[:0]
				return chunk{}, io.EOF
			}
			cut = len(buf)
		}
		if cut > 0 {
			c := chunk{data: buf[:cut], line: s.line, plain: plain}
			s.line += bytes.Count(c.data, []byte{'\n'})
			s.carry = append(s.carry[:0], buf[cut:]...)
			return c, nil
		}
		if len(buf) > s.max {
			return s.skip(buf)
		}
		s.size = min(2*s.size, s.max+1)
		if s.size <= cap(buf) {
			s.size = cap(buf) + 1
		}
		grown := make([]byte, len(buf), s.size)
		copy(grown, buf)
		buf = grown
	}
}

// fill reads into buf until it is full or the input ends.
func (s *splitter) fill(buf *[]byte) error {
	b := *buf
	for !s.eof && len(b) < cap(b) {
		n, err := s.r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if errors.Is(err, io.EOF) {
			s.eof = true
		} else if err != nil {
			*buf = b
			return err
		}
	}
	*buf = b
	return nil
}

// skip reports the record that begins buf, longer than the limit, and
// moves to its second line, reading (and dropping) as much input as it
// takes to find it.
func (s *splitter) skip(buf []byte) (chunk, error) {
	perr := &ParseError{Line: s.line, Column: openColumn(buf[:s.max+1], s.comma),
		Reason: fmt.Sprintf("the record is longer than %d bytes (MaxRecordBytes): is a quote not closed? Reading goes on at the next line", s.max)}
	line := s.line
	i := bytes.IndexByte(buf, '\n')
	for i < 0 && !s.eof {
		buf = buf[:0]
		if err := s.fill(&buf); err != nil {
			return chunk{}, err
		}
		i = bytes.IndexByte(buf, '\n')
	}
	if i < 0 {
		s.carry = s.carry[:0]
	} else {
		s.carry = append(s.carry[:0], buf[i+1:]...)
		s.line++
	}
	return chunk{data: buf[:0], line: line, perr: perr}, nil
}

// openColumn returns the column (from 1) that the end of b falls in,
// counting delimiters outside quotes.
func openColumn(b []byte, comma byte) int {
	col, quoted := 1, false
	for _, c := range b {
		switch {
		case c == '"':
			quoted = !quoted
		case c == comma && !quoted:
			col++
		}
	}
	return col
}

// lastBoundary returns the length of the longest prefix of b made of whole
// records (ending in a newline outside quotes), or 0.
func lastBoundary(b []byte, plain bool) int {
	if plain {
		return bytes.LastIndexByte(b, '\n') + 1
	}
	cut, quoted := 0, false
	for i, c := range b {
		switch c {
		case '"':
			quoted = !quoted
		case '\n':
			if !quoted {
				cut = i + 1
			}
		}
	}
	return cut
}

// recordParser splits records into fields. Fields are slices of the chunk,
// or of an internal buffer when a quoted field needed unescaping; they are
// valid until the next call.
type recordParser struct {
	comma   byte
	max     int // the longest record accepted, in bytes
	fields  [][]byte
	unquote []byte
}

// parse reads one record from data starting at pos. It returns the
// position after the record, the number of newlines consumed, and the
// fields; for a blank line it returns no fields. A malformed record (an
// unclosed quote, a stray quote, a record longer than max bytes) returns a
// *ParseError with Line relative to the record start (the caller adds the
// record's line), and the position of the record's second line: a bad
// record never swallows the lines after its first.
func (p *recordParser) parse(data []byte, pos int) (next, newlines int, fields [][]byte, err *ParseError) {
	p.fields = p.fields[:0]
	p.unquote = p.unquote[:0]
	start := pos
	if pos < len(data) && (data[pos] == '\n' || (data[pos] == '\r' && pos+1 < len(data) && data[pos+1] == '\n')) {
		if data[pos] == '\r' {
			pos++
		}
		return pos + 1, 1, nil, nil
	}
	// Fast path: a record without quotes splits on the delimiter alone.
	end := bytes.IndexByte(data[pos:], '\n')
	lineEnd := len(data)
	if end >= 0 {
		lineEnd = pos + end
	}
	if line := data[pos:lineEnd]; bytes.IndexByte(line, '"') < 0 {
		if len(line) > p.max {
			next, nl := secondLine(data, start)
			return next, nl, nil, p.tooLong(data[start:])
		}
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		from := 0
		for i, c := range line {
			if c == p.comma {
				p.fields = append(p.fields, line[from:i])
				from = i + 1
			}
		}
		p.fields = append(p.fields, line[from:])
		if end >= 0 {
			return lineEnd + 1, 1, p.fields, nil
		}
		return lineEnd, 0, p.fields, nil
	}
	type span struct{ start, end int } // into unquote, for quoted fields
	var quotedSpans []span
	var quotedIdx []int
	fail := func(col int, reason string) (int, int, [][]byte, *ParseError) {
		next, nl := secondLine(data, start)
		return next, nl, nil, &ParseError{Column: col, Reason: reason}
	}
	for {
		if pos-start > p.max {
			next, nl := secondLine(data, start)
			return next, nl, nil, p.tooLong(data[start:])
		}
		col := len(p.fields) + 1
		if pos < len(data) && data[pos] == '"' {
			begin := len(p.unquote)
			pos++
			for {
				i := bytes.IndexByte(data[pos:], '"')
				if i < 0 || pos+i-start > p.max {
					if i >= 0 || len(data)-start > p.max {
						next, nl := secondLine(data, start)
						return next, nl, nil, p.tooLong(data[start:])
					}
					return fail(col, "quoted field not closed; reading goes on at the next line")
				}
				newlines += bytes.Count(data[pos:pos+i], []byte{'\n'})
				p.unquote = append(p.unquote, data[pos:pos+i]...)
				pos += i + 1
				if pos < len(data) && data[pos] == '"' {
					p.unquote = append(p.unquote, '"')
					pos++
					continue
				}
				break
			}
			quotedIdx = append(quotedIdx, len(p.fields))
			quotedSpans = append(quotedSpans, span{begin, len(p.unquote)})
			p.fields = append(p.fields, nil)
			if pos < len(data) && data[pos] != p.comma && data[pos] != '\n' &&
				(data[pos] != '\r' || pos+1 >= len(data) || data[pos+1] != '\n') {
				return fail(col, fmt.Sprintf("unexpected %q after a quoted field", data[pos]))
			}
		} else {
			from := pos
			for pos < len(data) && data[pos] != p.comma && data[pos] != '\n' {
				if data[pos] == '"' {
					return fail(col, `bare " in an unquoted field (quote the field and double the quote)`)
				}
				pos++
			}
			to := pos
			if pos < len(data) && data[pos] == '\n' && to > from && data[to-1] == '\r' {
				to--
			} else if pos == len(data) && to > from && data[to-1] == '\r' {
				to--
			}
			p.fields = append(p.fields, data[from:to])
		}
		if pos < len(data) && data[pos] == '\r' && pos+1 < len(data) && data[pos+1] == '\n' {
			pos++
		}
		if pos >= len(data) {
			break
		}
		if data[pos] == '\n' {
			pos++
			newlines++
			break
		}
		pos++ // comma
	}
	if pos-start > p.max {
		next, nl := secondLine(data, start)
		return next, nl, nil, p.tooLong(data[start:])
	}
	for i, fi := range quotedIdx {
		p.fields[fi] = p.unquote[quotedSpans[i].start:quotedSpans[i].end]
	}
	return pos, newlines, p.fields, nil
}

// tooLong is the error of a record beginning rec, over the limit.
func (p *recordParser) tooLong(rec []byte) *ParseError {
	return &ParseError{Column: openColumn(rec[:min(len(rec), p.max+1)], p.comma),
		Reason: fmt.Sprintf("the record is longer than %d bytes (MaxRecordBytes): is a quote not closed? Reading goes on at the next line", p.max)}
}

// secondLine returns the position after the first newline at or after
// start (the end of data if there is none) and the newlines consumed.
func secondLine(data []byte, start int) (int, int) {
	i := bytes.IndexByte(data[start:], '\n')
	if i < 0 {
		return len(data), 0
	}
	return start + i + 1, 1
}
