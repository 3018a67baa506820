package survey

import (
	"bytes"
	"errors"
	"fmt"
	"io"
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

// chunk is a run of whole records and the line number of its first byte.
type chunk struct {
	data []byte
	line int
}

// splitter cuts an input into chunks that end on record boundaries: a
// newline outside quotes. Input is read straight into the chunk's buffer;
// only the partial record at its end is copied, to the next chunk.
type splitter struct {
	r     io.Reader
	carry []byte // the start of a record cut by the previous read
	line  int    // line number of carry[0]
	eof   bool
	size  int
}

// chunkSize is the initial chunk size; tests lower it to exercise chunk
// boundaries.
var chunkSize = 1 << 20

func newSplitter(r io.Reader, line int) *splitter {
	return &splitter{r: r, line: line, size: chunkSize}
}

// next fills dst (reusing its capacity) with the next chunk. It returns
// io.EOF when the input is exhausted. A record longer than the chunk size
// doubles it.
func (s *splitter) next(dst []byte) (chunk, error) {
	if s.eof && len(s.carry) == 0 {
		return chunk{}, io.EOF
	}
	if cap(dst) < s.size {
		dst = make([]byte, 0, s.size)
	}
	buf := append(dst[:0], s.carry...)
	for {
		for !s.eof && len(buf) < cap(buf) {
			n, err := s.r.Read(buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+n]
			if errors.Is(err, io.EOF) {
				s.eof = true
			} else if err != nil {
				return chunk{}, err
			}
		}
		cut := lastBoundary(buf)
		if s.eof {
			if len(buf) == 0 {
				s.carry = s.carry[:0]
				return chunk{}, io.EOF
			}
			cut = len(buf)
		}
		if cut > 0 {
			c := chunk{data: buf[:cut], line: s.line}
			s.line += bytes.Count(c.data, []byte{'\n'})
			s.carry = append(s.carry[:0], buf[cut:]...)
			return c, nil
		}
		s.size *= 2
		grown := make([]byte, len(buf), s.size)
		copy(grown, buf)
		buf = grown
	}
}

// lastBoundary returns the length of the longest prefix of b made of whole
// records (ending in a newline outside quotes), or 0.
func lastBoundary(b []byte) int {
	if bytes.IndexByte(b, '"') < 0 {
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
	fields  [][]byte
	unquote []byte
}

// parse reads one record from data starting at pos. It returns the
// position after the record, the number of newlines consumed, and the
// fields; for a blank line it returns no fields. A malformed record
// returns a *ParseError with Line relative to the record start (the
// caller adds the record's line) and the position after the record.
func (p *recordParser) parse(data []byte, pos int) (next, newlines int, fields [][]byte, err *ParseError) {
	p.fields = p.fields[:0]
	p.unquote = p.unquote[:0]
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
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		start := 0
		for i, c := range line {
			if c == p.comma {
				p.fields = append(p.fields, line[start:i])
				start = i + 1
			}
		}
		p.fields = append(p.fields, line[start:])
		if end >= 0 {
			return lineEnd + 1, 1, p.fields, nil
		}
		return lineEnd, 0, p.fields, nil
	}
	type span struct{ start, end int } // into unquote, for quoted fields
	var quotedSpans []span
	var quotedIdx []int
	for {
		col := len(p.fields) + 1
		if pos < len(data) && data[pos] == '"' {
			start := len(p.unquote)
			pos++
			for {
				i := bytes.IndexByte(data[pos:], '"')
				if i < 0 {
					newlines += bytes.Count(data[pos:], []byte{'\n'})
					return len(data), newlines, nil, &ParseError{Column: col, Reason: "quoted field not closed"}
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
			quotedSpans = append(quotedSpans, span{start, len(p.unquote)})
			p.fields = append(p.fields, nil)
			if pos < len(data) && data[pos] != p.comma && data[pos] != '\n' &&
				(data[pos] != '\r' || pos+1 >= len(data) || data[pos+1] != '\n') {
				end, nl := skipRecord(data, pos)
				return end, newlines + nl, nil, &ParseError{Column: col, Reason: fmt.Sprintf("unexpected %q after a quoted field", data[pos])}
			}
		} else {
			start := pos
			for pos < len(data) && data[pos] != p.comma && data[pos] != '\n' {
				if data[pos] == '"' {
					end, nl := skipRecord(data, pos)
					return end, newlines + nl, nil, &ParseError{Column: col, Reason: `bare " in an unquoted field (quote the field and double the quote)`}
				}
				pos++
			}
			end := pos
			if pos < len(data) && data[pos] == '\n' && end > start && data[end-1] == '\r' {
				end--
			} else if pos == len(data) && end > start && data[end-1] == '\r' {
				end--
			}
			p.fields = append(p.fields, data[start:end])
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
	for i, fi := range quotedIdx {
		p.fields[fi] = p.unquote[quotedSpans[i].start:quotedSpans[i].end]
	}
	return pos, newlines, p.fields, nil
}

// skipRecord returns the position after the record containing pos,
// honoring quotes from pos on, and the newlines consumed.
func skipRecord(data []byte, pos int) (int, int) {
	newlines := 0
	quoted := false
	for ; pos < len(data); pos++ {
		switch data[pos] {
		case '"':
			quoted = !quoted
		case '\n':
			if !quoted {
				return pos + 1, newlines + 1
			}
			newlines++
		}
	}
	return pos, newlines
}
