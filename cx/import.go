package cx

import (
	"bufio"
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/survey"
)

// ReadUnitsCSV reads an org chart: a CSV file with the header
// unit_id,parent_id,name (parent_id empty for the root). The units are not
// checked as a hierarchy here; pass them to [NewHierarchy] or
// [Program.DefineUnits]. Malformed lines are reported with their line
// number.
func ReadUnitsCSV(r io.Reader) ([]Unit, error) {
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, invalid("line 1", "empty input: a header line is required")
	}
	if err != nil {
		return nil, fmt.Errorf("cx: reading units: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	var ps problems
	for _, req := range []string{"unit_id", "parent_id", "name"} {
		if _, ok := col[req]; !ok {
			ps.add("line 1", "required column "+req+" missing")
		}
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	var units []Unit
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return units, nil
		}
		if err != nil {
			return nil, invalid("units", err.Error())
		}
		units = append(units, Unit{ID: strings.TrimSpace(rec[col["unit_id"]]),
			Parent: strings.TrimSpace(rec[col["parent_id"]]), Name: strings.TrimSpace(rec[col["name"]])})
	}
}

// ReadExportFolder reads the org chart and the item catalog of a survey
// platform's export kept in folder dir: units.csv (see [ReadUnitsCSV])
// and items.csv (see [survey.ReadItemsCSV]). It returns the hierarchy and
// s with its items set from the catalog. The responses stay in
// dir/responses.csv, for [TallyCSV], [TallierFromCSV] or
// [Program.ImportCSV]. Errors name the file.
func ReadExportFolder(dir string, s survey.Survey) (*Hierarchy, survey.Survey, error) {
	read := func(name string, fn func(io.Reader) error) error {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		defer f.Close()
		if err := fn(f); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		return nil
	}
	var h *Hierarchy
	err := read("units.csv", func(r io.Reader) error {
		units, err := ReadUnitsCSV(r)
		if err == nil {
			h, err = NewHierarchy(units)
		}
		return err
	})
	if err != nil {
		return nil, s, err
	}
	err = read("items.csv", func(r io.Reader) error {
		items, err := survey.ReadItemsCSV(r)
		s.Items = items
		return err
	})
	if err != nil {
		return nil, s, err
	}
	return h, s, nil
}

// TallyCSV tallies the responses of a wide CSV export of survey s straight
// from the file, on workers goroutines (0 means runtime.GOMAXPROCS),
// without storing them: memory does not grow with the file. The result is
// the same whatever the number of workers. Errors are those of
// [survey.ScanCSV]: the first bad row fails the tally with its line and
// column, unless opts.SkipBadRows is set.
func TallyCSV(ctx context.Context, r io.Reader, s survey.Survey, opts *survey.CSVOptions, workers int) (*Tallies, error) {
	t, err := TallierFromCSV(ctx, r, s, opts, workers)
	if err != nil {
		return nil, err
	}
	return t.Tallies(), nil
}

// TallierFromCSV reads a wide CSV export of survey s as [TallyCSV] does and
// returns the [Tallier] holding its counts, for [Tallier.Scorecards] or
// for adding more responses.
func TallierFromCSV(ctx context.Context, r io.Reader, s survey.Survey, opts *survey.CSVOptions, workers int) (*Tallier, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	talliers := make([]*Tallier, workers)
	for i := range talliers {
		talliers[i] = NewTallier(s)
	}
	err := survey.ScanCSV(ctx, r, s, opts, workers, func(w int, row *survey.Row) error {
		return talliers[w].AddRow(row.Unit, row.Wave, row.Values, row.HasComment())
	})
	if err != nil {
		return nil, err
	}
	for _, t := range talliers[1:] {
		if err := talliers[0].Merge(t); err != nil {
			return nil, err
		}
	}
	return talliers[0], nil
}

// ImportResult tells what an import read and stored.
type ImportResult struct {
	// Rows is the number of records read, good and bad (blank lines
	// aside).
	Rows int `json:"rows"`
	// Added is the number of responses newly stored.
	Added int `json:"added"`
	// Unchanged is the number of good records whose response was already
	// stored, identical (a re-import), or repeated in the input.
	Unchanged int `json:"unchanged"`
	// Skipped is the number of bad records left out; only an import with
	// SkipBadRows stores anything when it is not zero.
	Skipped int `json:"skipped"`
	// Bad lists every problem of the records left out, in the order of
	// the input, each naming its line, column (or field) and reason. A
	// record may have several problems. With SkipBadRows it is the full
	// list; without, it holds at most the problems the error lists.
	Bad []*survey.ParseError `json:"bad,omitempty"`
}

// importBatch is the number of responses handed to the store at once.
const importBatch = 1000

// maxListedProblems bounds the problems listed in the error of a failed
// import; the count of the others is given.
const maxListedProblems = 100

// ImportCSV reads a wide CSV export of responses to survey surveyID (one
// row per response, one column per item; see [survey.CSVOptions]) and
// stores them. Each response is checked as [Program.RecordResponses]
// checks it: a known wave of the survey, a known unit, a time inside the
// wave, answers on their items' scales. A row without a response ID gets
// the one [survey.DerivedID] gives it, so importing a file again adds
// nothing.
//
// By default the import is all or nothing: if any row is bad, nothing is
// stored and the error, a [*ValidationError] that unwraps to the first
// row's *survey.ParseError, names the line, column and reason of every
// bad row (the first hundred, and how many more). With opts.SkipBadRows
// the good rows are stored and every bad row is listed in
// ImportResult.Bad.
//
// Memory does not grow with the input. The input is read once, and every
// row parsed and checked before the first response is stored; the checked
// responses are kept in memory up to one batch (1,000 responses) and, past
// that, spooled to a temporary file, which the second phase reads back to
// hand the store one batch at a time (each batch all or nothing,
// [survey.ResponseStore.CreateResponses]). An io.Reader cannot be read
// twice, and holding every response until the end would make memory grow
// with the file; the spool is the price of both guarantees. The one
// failure that can still come after storing has begun is the store
// refusing a batch, when a different response is already stored under
// one of its IDs (or was earlier in the input) or the store fails: the
// batches before it stay stored, the error names the lines of the
// refused batch, and importing the corrected input again completes the
// import without storing anything twice.
func (p *Program) ImportCSV(ctx context.Context, surveyID string, r io.Reader, opts *survey.CSVOptions) (ImportResult, error) {
	im, err := p.newImporter(ctx, surveyID)
	if err != nil {
		return ImportResult{}, err
	}
	defer im.close()
	var o survey.CSVOptions
	if opts != nil {
		o = *opts
	}
	im.skip = o.SkipBadRows
	o.SkipBadRows, o.OnBadRow = true, nil
	cr, err := survey.NewCSVReader(r, im.s, &o)
	if err != nil {
		return ImportResult{}, importError(err)
	}
	cols := csvColumns(cr.Header(), o, im.s)
	return im.run(ctx, cols, func() (int, survey.Response, bool, error) {
		row, err := cr.ReadRow()
		if err != nil {
			return 0, survey.Response{}, false, err
		}
		return row.Line, row.Response(im.s), row.ID == uuid.Nil, nil
	})
}

// ImportJSONL reads responses to survey surveyID as JSON Lines (one
// [survey.Response] per line, as [survey.JSONLWriter] writes them) and
// stores them, with the rules and guarantees of [Program.ImportCSV]. A
// line without an ID gets the one [survey.DerivedID] gives it. Problems
// name the line and the field. Of opts, only SkipBadRows is used: the
// survey every line must answer is surveyID's.
func (p *Program) ImportJSONL(ctx context.Context, surveyID string, r io.Reader, opts *survey.JSONLOptions) (ImportResult, error) {
	im, err := p.newImporter(ctx, surveyID)
	if err != nil {
		return ImportResult{}, err
	}
	defer im.close()
	im.skip = opts != nil && opts.SkipBadRows
	jr := survey.NewJSONLReader(r, &survey.JSONLOptions{Survey: &im.s, SkipBadRows: true})
	return im.run(ctx, nil, func() (int, survey.Response, bool, error) {
		resp, err := jr.Read()
		return jr.Line(), resp, resp.ID == uuid.Nil, err
	})
}

// run reads every response next returns (its line, the response, whether
// its ID is to be derived, or io.EOF at the end), keeps the good ones,
// reports the bad ones, and stores the kept ones when the input allows.
func (im *importer) run(ctx context.Context, cols map[string]column, next func() (int, survey.Response, bool, error)) (ImportResult, error) {
	for {
		if im.res.Rows&1023 == 1023 && ctx.Err() != nil {
			return im.res, ctx.Err()
		}
		line, resp, derive, err := next()
		if errors.Is(err, io.EOF) {
			break
		}
		im.res.Rows++
		if pe, ok := errors.AsType[*survey.ParseError](err); ok {
			im.res.Skipped++
			im.bad(pe)
			continue
		}
		if err != nil {
			return im.res, err
		}
		im.pseudonymize(&resp, derive)
		if err := im.add(line, resp, cols); err != nil {
			return im.res, err
		}
	}
	return im.finish(ctx)
}

// pseudonymize replaces the respondent's identity with the program's keyed
// pseudonym (see [Options.Pseudonymizer]) before anything else sees it, and
// derives the response's ID, when the input gave none, from the
// pseudonym, so that neither the spool, the store nor the ID carries the
// raw identity.
func (im *importer) pseudonymize(r *survey.Response, derive bool) {
	r.Respondent = im.p.Pseudonym(r.Respondent)
	if derive {
		r.ID = survey.DerivedID(*r)
	}
}

// importer checks responses, keeps them to store, and stores them.
type importer struct {
	p     *Program
	cat   *catalog
	s     survey.Survey
	skip  bool
	res   ImportResult
	nBad  int // problems found, listed or not
	buf   []survey.Response
	lines []int // the line of each response of buf
	spool *os.File
	w     *bufio.Writer
	enc   *survey.JSONLWriter
	// spans holds the first and last line of each batch spooled.
	spans [][2]int
}

func (p *Program) newImporter(ctx context.Context, surveyID string) (*importer, error) {
	s, err := p.store.GetSurvey(ctx, surveyID)
	if err != nil {
		return nil, err
	}
	cat, err := p.catalog(ctx)
	if err != nil {
		return nil, err
	}
	return &importer{p: p, cat: cat, s: s}, nil
}

// close removes the spool, if any.
func (im *importer) close() {
	if im.spool != nil {
		im.spool.Close()
		os.Remove(im.spool.Name())
	}
}

// bad records a problem of a record left out.
func (im *importer) bad(pe *survey.ParseError) {
	im.nBad++
	if im.skip || len(im.res.Bad) < maxListedProblems {
		im.res.Bad = append(im.res.Bad, pe)
	}
}

// column locates a field of a response in the input: its column number
// and header.
type column struct {
	n      int
	header string
}

// csvColumns maps the fields validation names ("unit", "answers.q1", ...)
// onto the columns of a CSV header read with opts.
func csvColumns(header []string, opts survey.CSVOptions, s survey.Survey) map[string]column {
	name := func(v, def string) string {
		if v == "" {
			return def
		}
		return v
	}
	fields := map[string]string{
		name(opts.ID, "response_id"): "id", name(opts.Respondent, "respondent_id"): "respondent",
		name(opts.Unit, "unit_id"): "unit", name(opts.Wave, "wave"): "wave",
		name(opts.Submitted, "submitted_at"): "submitted", name(opts.Comment, "comment"): "comment",
	}
	out := map[string]column{}
	for i, h := range header {
		if id, ok := opts.Items[h]; ok {
			out["answers."+id] = column{i + 1, h}
			continue
		}
		if f, ok := fields[h]; ok {
			out[f] = column{i + 1, h}
			continue
		}
		if _, ok := s.Item(h); ok {
			out["answers."+h] = column{i + 1, h}
		}
	}
	return out
}

// add checks one response read at line and keeps it to store, or records
// its problems. cols maps fields to CSV columns (nil for JSON Lines).
func (im *importer) add(line int, r survey.Response, cols map[string]column) error {
	r = r.Normalize()
	if err := survey.ValidateResponses(im.cat, []survey.Response{r}); err != nil {
		ve, ok := errors.AsType[*survey.ValidationError](err)
		if !ok {
			return err
		}
		im.res.Skipped++
		pes := make([]*survey.ParseError, len(ve.Problems))
		for i, pr := range ve.Problems {
			field := pr.Field
			if i := strings.Index(field, "]."); i >= 0 {
				field = field[i+2:]
			}
			pes[i] = &survey.ParseError{Line: line, Header: field, Reason: pr.Message}
			if c, ok := cols[field]; ok {
				pes[i].Column, pes[i].Header = c.n, c.header
			}
		}
		// In the order of the columns; problems of no column last.
		slices.SortStableFunc(pes, func(a, b *survey.ParseError) int {
			return cmp.Compare(uint(a.Column-1), uint(b.Column-1))
		})
		for _, pe := range pes {
			im.bad(pe)
		}
		return nil
	}
	if !im.skip && im.nBad > 0 {
		return nil // the import fails: nothing more to keep
	}
	im.buf = append(im.buf, r)
	im.lines = append(im.lines, line)
	if len(im.buf) == importBatch {
		return im.flush()
	}
	return nil
}

// flush writes the responses kept in memory to the spool.
func (im *importer) flush() error {
	if len(im.buf) == 0 {
		return nil
	}
	if im.spool == nil {
		f, err := os.CreateTemp("", "cxculture-import-*.jsonl")
		if err != nil {
			return fmt.Errorf("cx: import: %w", err)
		}
		im.spool, im.w = f, bufio.NewWriterSize(f, 256<<10)
		im.enc = survey.NewJSONLWriter(im.w)
	}
	for _, r := range im.buf {
		if err := im.enc.Write(r); err != nil {
			return fmt.Errorf("cx: import: spooling: %w", err)
		}
	}
	im.spans = append(im.spans, [2]int{im.lines[0], im.lines[len(im.lines)-1]})
	im.buf, im.lines = im.buf[:0], im.lines[:0]
	return nil
}

// finish stores what was kept, unless the input had bad records and
// SkipBadRows is not set.
func (im *importer) finish(ctx context.Context) (ImportResult, error) {
	if !im.skip && im.nBad > 0 {
		return im.res, im.failure()
	}
	if im.spool == nil {
		if len(im.buf) > 0 {
			if err := im.store(ctx, im.buf, im.lines[0], im.lines[len(im.lines)-1]); err != nil {
				return im.res, err
			}
		}
		return im.res, nil
	}
	if err := im.flush(); err != nil {
		return im.res, err
	}
	if err := im.w.Flush(); err != nil {
		return im.res, fmt.Errorf("cx: import: spooling: %w", err)
	}
	if _, err := im.spool.Seek(0, io.SeekStart); err != nil {
		return im.res, fmt.Errorf("cx: import: %w", err)
	}
	jr := survey.NewJSONLReader(im.spool, nil)
	batch := make([]survey.Response, 0, importBatch)
	for _, span := range im.spans {
		batch = batch[:0]
		for len(batch) < importBatch {
			r, err := jr.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return im.res, fmt.Errorf("cx: import: reading the spool: %w", err)
			}
			batch = append(batch, r)
		}
		if err := ctx.Err(); err != nil {
			return im.res, err
		}
		if err := im.store(ctx, batch, span[0], span[1]); err != nil {
			return im.res, err
		}
	}
	return im.res, nil
}

func (im *importer) store(ctx context.Context, batch []survey.Response, first, last int) error {
	added, err := im.p.store.CreateResponses(ctx, batch)
	if err != nil {
		return fmt.Errorf("cx: import: storing the responses of lines %d to %d (%d responses of earlier lines are stored): %w", first, last, im.res.Added+im.res.Unchanged, err)
	}
	im.res.Added += added
	im.res.Unchanged += len(batch) - added
	return nil
}

// failure returns the error of an import refused for bad records.
func (im *importer) failure() error {
	ve := &ValidationError{cause: im.res.Bad[0]}
	for _, pe := range im.res.Bad {
		field := "line " + strconv.Itoa(pe.Line)
		switch {
		case pe.Column > 0 && pe.Header != "":
			field += fmt.Sprintf(", column %d (%s)", pe.Column, pe.Header)
		case pe.Column > 0:
			field += fmt.Sprintf(", column %d", pe.Column)
		case pe.Header != "":
			field += " (" + pe.Header + ")"
		}
		ve.Problems = append(ve.Problems, Problem{field, pe.Reason})
	}
	if more := im.nBad - len(im.res.Bad); more > 0 {
		ve.Problems = append(ve.Problems, Problem{"input", fmt.Sprintf("%d more problems not listed", more)})
	}
	ve.Problems = append(ve.Problems, Problem{"input", "nothing was stored; fix the input, or import with SkipBadRows to store the good records"})
	return ve
}

// importError turns a header problem into a *ValidationError that unwraps
// to it.
func importError(err error) error {
	pe, ok := errors.AsType[*survey.ParseError](err)
	if !ok {
		return asValidation(err, "survey")
	}
	field := "line " + strconv.Itoa(pe.Line)
	if pe.Column > 0 {
		field += fmt.Sprintf(", column %d (%s)", pe.Column, pe.Header)
	}
	return &ValidationError{Problems: []Problem{{field, pe.Reason}}, cause: pe}
}
