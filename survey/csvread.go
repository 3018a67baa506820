package survey

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// csvSource is the shared setup of a CSV input: options, parser, header
// and layout.
type csvSource struct {
	sp     *splitter
	layout *csvLayout
	comma  byte
	max    int   // MaxRecordBytes
	head   chunk // the records after the header in the first chunk read
}

func (src *csvSource) parser() recordParser { return recordParser{comma: src.comma, max: src.max} }

// nextChunk returns the first chunk after the header, then the splitter's.
func (src *csvSource) nextChunk(buf []byte) (chunk, error) {
	if len(src.head.data) > 0 {
		c := src.head
		src.head = chunk{}
		return c, nil
	}
	return src.sp.next(buf)
}

func openCSV(r io.Reader, s Survey, opts *CSVOptions) (*csvSource, error) {
	o := opts.withDefaults()
	if o.Comma <= 0 || o.Comma >= 0x80 || o.Comma == '"' || o.Comma == '\n' || o.Comma == '\r' {
		return nil, &ParseError{Line: 1, Reason: fmt.Sprintf("invalid delimiter %q: use an ASCII character other than quote and newline", o.Comma)}
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	src := &csvSource{sp: newSplitter(r, 1, o.MaxRecordBytes, byte(o.Comma)), comma: byte(o.Comma), max: o.MaxRecordBytes}
	// The header is the first record of the first chunk; the rest of that
	// chunk is the first chunk of data.
	first, err := src.sp.next(nil)
	if errors.Is(err, io.EOF) {
		return nil, &ParseError{Line: 1, Reason: "empty input: a header line is required"}
	}
	if err != nil {
		return nil, fmt.Errorf("survey: reading CSV: %w", err)
	}
	if first.perr != nil {
		return nil, first.perr
	}
	p := src.parser()
	next, nl, fields, perr := p.parse(first.data, 0)
	if perr != nil {
		perr.Line = 1
		return nil, perr
	}
	if len(fields) == 0 {
		return nil, &ParseError{Line: 1, Reason: "the first line is blank: a header line is required"}
	}
	layout, err := newLayout(s, o, fields)
	if err != nil {
		return nil, err
	}
	src.layout = layout
	src.head = chunk{data: first.data[next:], line: first.line + nl, plain: first.plain}
	return src, nil
}

// CSVReader reads responses from a wide CSV file one at a time, with
// memory that does not grow with the file. It is not safe for concurrent
// use; for large files, [ScanCSV] parses on all cores.
type CSVReader struct {
	src    *csvSource
	p      recordParser
	cur    chunk
	pos    int
	line   int
	row    Row
	buf    []byte
	failed error
}

// NewCSVReader reads the header of r and maps its columns onto survey s.
// A header that names unknown columns, repeats a column or lacks a
// required one is a *ParseError listing every problem.
func NewCSVReader(r io.Reader, s Survey, opts *CSVOptions) (*CSVReader, error) {
	src, err := openCSV(r, s, opts)
	if err != nil {
		return nil, err
	}
	return &CSVReader{src: src, p: src.parser(), row: Row{}}, nil
}

// Header returns the column names.
func (cr *CSVReader) Header() []string { return slices.Clone(cr.src.layout.headers) }

// ReadRow reads the next record into the reader's [Row] and returns it; the
// row is valid until the next call. At the end of the input it returns
// io.EOF. A malformed record is a *ParseError naming its line and column,
// or [ParseErrors] when it has several problems; with
// CSVOptions.SkipBadRows the next call goes on at the following record
// (at the bad record's second line when the record itself is malformed,
// so that one bad record never hides the ones after it), otherwise every
// later call returns the same error.
func (cr *CSVReader) ReadRow() (*Row, error) {
	if cr.failed != nil {
		return nil, cr.failed
	}
	for {
		for cr.pos >= len(cr.cur.data) {
			c, err := cr.src.nextChunk(cr.buf)
			if err != nil {
				if !errors.Is(err, io.EOF) {
					cr.failed = fmt.Errorf("survey: reading CSV: %w", err)
				} else {
					cr.failed = io.EOF
				}
				return nil, cr.failed
			}
			cr.cur, cr.pos, cr.line, cr.buf = c, 0, c.line, c.data
			if c.perr != nil {
				return nil, cr.bad(c.perr)
			}
		}
		start, from := cr.line, cr.pos
		if rest := cr.cur.data[cr.pos:]; len(rest) > 0 && rest[0] != '\n' && rest[0] != '\r' {
			// A plain record read in one pass, as ScanCSV reads it.
			end := bytes.IndexByte(rest, '\n')
			rec := rest
			if end >= 0 {
				rec = rest[:end]
			}
			if (cr.cur.plain || bytes.IndexByte(rec, '"') < 0) && cr.src.layout.fillFast(&cr.row, start, rec, cr.p.comma) {
				cr.pos += len(rec)
				if end >= 0 {
					cr.pos++
					cr.line++
				}
				return &cr.row, nil
			}
		}
		next, nl, fields, perr := cr.p.parse(cr.cur.data, cr.pos)
		cr.pos, cr.line = next, cr.line+nl
		if perr == nil && fields == nil {
			continue // blank line
		}
		if perr != nil {
			cr.src.layout.locate(perr, start)
			return nil, cr.bad(perr)
		}
		if err := cr.src.layout.fill(&cr.row, start, fields); err != nil {
			if len(fields) != len(cr.src.layout.kind) && nl > 1 {
				// A record of several lines with the wrong number of
				// fields: a quote out of place joined lines that are
				// records of their own.
				cr.pos, nl = secondLine(cr.cur.data, from)
				cr.line = start + nl
			}
			return nil, cr.bad(err)
		}
		return &cr.row, nil
	}
}

// bad returns the error of a bad row, which fails every later read
// without SkipBadRows.
func (cr *CSVReader) bad(err error) error {
	if !cr.src.layout.opts.SkipBadRows {
		cr.failed = err
	}
	return err
}

// Read reads the next response. Errors are those of [CSVReader.ReadRow].
func (cr *CSVReader) Read() (Response, error) {
	row, err := cr.ReadRow()
	if err != nil {
		return Response{}, err
	}
	return row.Response(cr.src.layout.s), nil
}

// ScanCSV parses a wide CSV file on several goroutines and calls fn for
// every record, from workers goroutines at once (0 means
// runtime.GOMAXPROCS); worker, in [0, workers), tells which goroutine calls,
// so callers can keep per-goroutine state (a tallier each, merged at the
// end). Rows arrive in no particular order. Memory is bounded by a few
// chunks per worker, whatever the size of the input.
//
// The first malformed record of the file fails the scan with its
// *ParseError (the same error whatever the number of workers), unless
// CSVOptions.SkipBadRows is set, in which case bad rows go to
// CSVOptions.OnBadRow and the scan goes on. An error returned by fn stops
// the scan and is returned, wrapped with the row's line.
func ScanCSV(ctx context.Context, r io.Reader, s Survey, opts *CSVOptions, workers int, fn func(worker int, row *Row) error) error {
	src, err := openCSV(r, s, opts)
	if err != nil {
		return err
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	type job struct {
		c   chunk
		seq int64
	}
	jobs := make(chan job, workers)
	free := make(chan []byte, 2*workers+1)
	for range cap(free) {
		free <- nil
	}
	var (
		mu       sync.Mutex // guards firstErr, errLine and OnBadRow calls
		firstErr error
		errLine  = int(^uint(0) >> 1)
		stopSeq  atomic.Int64 // chunks after this one are not needed
	)
	stopSeq.Store(math.MaxInt64)
	fail := func(seq int64, line int, e error) {
		mu.Lock()
		defer mu.Unlock()
		if line < errLine {
			firstErr, errLine = e, line
		}
		if seq < stopSeq.Load() {
			stopSeq.Store(seq)
		}
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := chunkScanner{l: src.layout, p: src.parser(), mu: &mu}
			for j := range jobs {
				if j.seq <= stopSeq.Load() && ctx.Err() == nil {
					if line, err := sc.scan(ctx, j.c, w, fn); err != nil {
						fail(j.seq, line, err)
					}
				}
				select {
				case free <- j.c.data:
				default: // the header's chunk, beyond the pool
				}
			}
		}()
	}
	var readErr error
	for seq := int64(0); seq < stopSeq.Load(); seq++ {
		var buf []byte
		select {
		case buf = <-free:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		c, err := src.nextChunk(buf)
		if err != nil {
			if !errors.Is(err, io.EOF) {
				readErr = fmt.Errorf("survey: reading CSV: %w", err)
			}
			break
		}
		jobs <- job{c, seq}
	}
	close(jobs)
	wg.Wait()
	switch {
	case firstErr != nil:
		return firstErr
	case readErr != nil:
		return readErr
	}
	return ctx.Err()
}

// chunkScanner parses the records of chunks for one goroutine of ScanCSV.
type chunkScanner struct {
	l   *csvLayout
	p   recordParser
	row Row
	mu  *sync.Mutex
}

// scan calls fn for every record of c. It returns the line and error of
// the first record that fails (a bad row without SkipBadRows, or an error
// from fn).
func (sc *chunkScanner) scan(ctx context.Context, c chunk, w int, fn func(int, *Row) error) (int, error) {
	if c.perr != nil {
		return sc.bad(c.perr)
	}
	line := c.line
	for pos, n := 0, 0; pos < len(c.data); n++ {
		if n&1023 == 1023 && ctx.Err() != nil {
			return line, ctx.Err()
		}
		start, from := line, pos
		if rest := c.data[pos:]; len(rest) > 0 && rest[0] != '\n' && rest[0] != '\r' {
			end := bytes.IndexByte(rest, '\n')
			rec := rest
			if end >= 0 {
				rec = rest[:end]
			}
			if (c.plain || bytes.IndexByte(rec, '"') < 0) && sc.l.fillFast(&sc.row, start, rec, sc.p.comma) {
				pos += len(rec)
				if end >= 0 {
					pos++
					line++
				}
				if err := fn(w, &sc.row); err != nil {
					return start, fmt.Errorf("survey: line %d: %w", start, err)
				}
				continue
			}
		}
		next, nl, fields, perr := sc.p.parse(c.data, pos)
		pos, line = next, line+nl
		if perr == nil && fields == nil {
			continue
		}
		var err error
		if perr != nil {
			sc.l.locate(perr, start)
			err = perr
		} else if err = sc.l.fill(&sc.row, start, fields); err != nil && len(fields) != len(sc.l.kind) && nl > 1 {
			pos, nl = secondLine(c.data, from) // as CSVReader.ReadRow does
			line = start + nl
		}
		if err != nil {
			if l, err := sc.bad(err); err != nil {
				return l, err
			}
			continue
		}
		if err := fn(w, &sc.row); err != nil {
			return start, fmt.Errorf("survey: line %d: %w", start, err)
		}
	}
	return 0, nil
}

// bad fails the scan with a bad row's error, or, with SkipBadRows, passes
// its problems to OnBadRow and returns no error.
func (sc *chunkScanner) bad(err error) (int, error) {
	pes := Problems(err)
	if !sc.l.opts.SkipBadRows {
		return pes[0].Line, err
	}
	if sc.l.opts.OnBadRow != nil {
		sc.mu.Lock()
		for _, pe := range pes {
			sc.l.opts.OnBadRow(pe)
		}
		sc.mu.Unlock()
	}
	return 0, nil
}

// locate sets the line and header of a record-level parse error.
func (l *csvLayout) locate(perr *ParseError, line int) {
	perr.Line = line
	if perr.Column > 0 && perr.Column <= len(l.headers) {
		perr.Header = l.headers[perr.Column-1]
	}
}

// CSVWriter writes responses to one survey in the wide format that
// [CSVReader] reads, with the default column names.
type CSVWriter struct {
	w      io.Writer
	s      Survey
	segs   []string
	buf    []byte
	header bool
}

// NewCSVWriter returns a writer of responses to s; segments names the
// segment columns to write after the items.
func NewCSVWriter(w io.Writer, s Survey, segments ...string) *CSVWriter {
	return &CSVWriter{w: w, s: s, segs: segments}
}

// Write writes one response (and the header before the first). Answers to
// items the survey does not have are an error; nothing is dropped.
func (cw *CSVWriter) Write(r Response) error {
	b := cw.buf[:0]
	if !cw.header {
		b = append(b, "response_id,respondent_id,unit_id,wave,submitted_at"...)
		for _, it := range cw.s.Items {
			b = append(b, ',')
			b = appendCSVField(b, it.ID)
		}
		for _, sg := range cw.segs {
			b = append(b, ',')
			b = appendCSVField(b, sg)
		}
		for _, t := range cw.s.TextItems {
			b = append(b, ',')
			b = appendCSVField(b, t.ID)
		}
		b = append(b, ",comment\n"...)
		cw.header = true
	}
	for id := range r.Answers {
		if _, ok := cw.s.Item(id); !ok {
			return fmt.Errorf("survey: response %s answers item %q, which survey %q does not have: %w", r.ID, id, cw.s.ID, ErrInvalid)
		}
	}
	for id := range r.Texts {
		if _, ok := cw.s.TextItem(id); !ok {
			return fmt.Errorf("survey: response %s answers free-text question %q, which survey %q does not have: %w", r.ID, id, cw.s.ID, ErrInvalid)
		}
	}
	for k := range r.Segments {
		if !slices.Contains(cw.segs, k) {
			return fmt.Errorf("survey: response %s has segment %q, which is not a column of this writer: %w", r.ID, k, ErrInvalid)
		}
	}
	b = append(b, r.ID.String()...)
	b = append(b, ',')
	b = appendCSVField(b, r.Respondent)
	b = append(b, ',')
	b = appendCSVField(b, r.Unit)
	b = append(b, ',')
	b = appendCSVField(b, r.Wave)
	b = append(b, ',')
	b = NormalizeTime(r.Submitted).AppendFormat(b, time.RFC3339Nano)
	for _, it := range cw.s.Items {
		b = append(b, ',')
		if v, ok := r.Answers[it.ID]; ok {
			b = strconv.AppendInt(b, int64(v), 10)
		}
	}
	for _, sg := range cw.segs {
		b = append(b, ',')
		b = appendCSVField(b, r.Segments[sg])
	}
	for _, t := range cw.s.TextItems {
		b = append(b, ',')
		b = appendCSVField(b, r.Texts[t.ID])
	}
	b = append(b, ',')
	b = appendCSVField(b, r.Comment)
	b = append(b, '\n')
	cw.buf = b
	_, err := cw.w.Write(b)
	return err
}

func appendCSVField(b []byte, s string) []byte {
	if !strings.ContainsAny(s, ",\"\r\n") && strings.TrimSpace(s) == s {
		return append(b, s...)
	}
	b = append(b, '"')
	b = append(b, strings.ReplaceAll(s, `"`, `""`)...)
	return append(b, '"')
}
