package cx

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/survey"
)

// ImportResult tells what an import read and stored.
type ImportResult struct {
	// Rows is the number of records read, good and bad (blank lines
	// aside).
	Rows int `json:"rows"`
	// Added is the number of responses newly stored.
	Added int `json:"added"`
	// Unchanged is the number of good records whose response was already
	// stored, identical (a re-import), or repeated in the input under the
	// same response ID (or, with MergeIdenticalRows, identical rows
	// without one).
	Unchanged int `json:"unchanged"`
	// Skipped is the number of bad records left out; only an import with
	// SkipBadRows stores anything when it is not zero.
	Skipped int `json:"skipped"`
	// Replaced lists the stored responses the input replaced (with
	// ImportOptions.Replace), by line and response ID.
	Replaced []ReplacedResponse `json:"replaced,omitempty"`
	// Bad lists every problem of the records left out, in the order of
	// the input, each naming its line, column (or field) and reason. A
	// record may have several problems. With SkipBadRows it is the full
	// list; without, it holds at most the problems the error lists.
	Bad []*survey.ParseError `json:"bad,omitempty"`
}

// ReplacedResponse names a stored response an import replaced.
type ReplacedResponse struct {
	Line int       `json:"line"`
	ID   uuid.UUID `json:"id"`
}

// importBatch is the number of responses handed to the store at once.
const importBatch = 1024

// maxListedProblems bounds the problems listed in the error of a failed
// import; the count of the others is given.
const maxListedProblems = 100

// ImportCSV reads a wide CSV export of responses to survey surveyID (one
// row per response, one column per item; see [survey.CSVOptions]) and
// stores them. Each response is checked as [Program.RecordResponses]
// checks it: a known wave of the survey, a known unit, a time inside the
// wave, answers on their items' scales, text that is valid UTF-8 without
// NUL bytes, and a respondent that is a pseudonym or is made one with the
// program's key (without Options.Pseudonymizer, a raw identity fails the
// row).
//
// A row without a response ID gets the one [survey.ContentID] derives
// from its whole content and its occurrence among the identical rows of
// the input: distinct rows never share an ID, identical rows (two people
// who gave the same answers in the same second) are distinct responses,
// unless ImportOptions.MergeIdenticalRows says otherwise, and importing
// the same file again adds nothing. A row without an ID is known by its
// content only: a corrected row is a new response, and only rows with
// response IDs can replace what is stored.
//
// The whole input is checked before anything is stored. By default the
// import is all or nothing: if any row is bad, nothing is stored and the
// error, a [*ValidationError] that unwraps to the first row's
// *survey.ParseError, names the line, column and reason of every problem
// (the first hundred, and how many more). A response ID given twice with
// different content is a problem naming both lines. With
// opts.SkipBadRows the good rows are stored and every problem is listed
// in ImportResult.Bad. A row whose ID is stored with different content
// fails the whole import (with SkipBadRows too), naming its line, unless
// ImportOptions.Replace is set: then it replaces the stored response and
// ImportResult.Replaced lists it.
//
// The import is staged inside the store when the store offers
// [ImportStore] (memstore and sqlstore do, in one transaction; chstore
// says what it promises): the checked responses go to the store in
// batches and are committed only once the whole input is read and
// checked, so a failed, cancelled or killed import leaves nothing stored
// and no file behind, and memory does not grow with the input (beyond
// about 30 bytes per response, to find repeated IDs).
// With a store without the capability, the checked responses are held in
// memory and stored with one CreateResponses call at the end, all or
// nothing; ImportOptions.Replace then fails with ErrInvalid.
//
// Of imp, at most one value is used.
func (p *Program) ImportCSV(ctx context.Context, surveyID string, r io.Reader, opts *survey.CSVOptions, imp ...ImportOptions) (ImportResult, error) {
	var o survey.CSVOptions
	if opts != nil {
		o = *opts
	}
	im, err := p.newImporter(ctx, surveyID, o.SkipBadRows, imp)
	if err != nil {
		return ImportResult{}, err
	}
	defer im.abort()
	o.SkipBadRows, o.OnBadRow = true, nil
	cr, err := survey.NewCSVReader(r, im.s, &o)
	if err != nil {
		return ImportResult{}, importError(err)
	}
	im.cols = csvColumns(cr.Header(), o, im.s)
	return im.run(ctx, func() (int, survey.Response, error) {
		row, err := cr.ReadRow()
		if err != nil {
			line := 0
			if pes := survey.Problems(err); len(pes) > 0 {
				line = pes[0].Line
			}
			return line, survey.Response{}, err
		}
		return row.Line, row.Response(im.s), nil
	})
}

// ImportJSONL reads responses to survey surveyID as JSON Lines (one
// [survey.Response] per line, as [survey.JSONLWriter] writes them) and
// stores them, with the rules and guarantees of [Program.ImportCSV]. A
// line without an ID gets the one [survey.ContentID] derives. Problems
// name the line and the field. Of opts, SkipBadRows and MaxRecordBytes
// are used: the survey every line must answer is surveyID's.
func (p *Program) ImportJSONL(ctx context.Context, surveyID string, r io.Reader, opts *survey.JSONLOptions, imp ...ImportOptions) (ImportResult, error) {
	var o survey.JSONLOptions
	if opts != nil {
		o = *opts
	}
	im, err := p.newImporter(ctx, surveyID, o.SkipBadRows, imp)
	if err != nil {
		return ImportResult{}, err
	}
	defer im.abort()
	jr := survey.NewJSONLReader(r, &survey.JSONLOptions{Survey: &im.s, SkipBadRows: true, MaxRecordBytes: o.MaxRecordBytes})
	return im.run(ctx, func() (int, survey.Response, error) {
		resp, err := jr.Read()
		return jr.Line(), resp, err
	})
}

// importer checks responses, finds repeated IDs, and stages the good
// responses in the store.
type importer struct {
	p    *Program
	cat  *catalog
	s    survey.Survey
	skip bool
	opts ImportOptions
	cols map[string]column // fields to CSV columns; nil for JSON Lines
	res  ImportResult
	nBad int // problems found, listed or not

	// given holds, for every response ID of the input, its line and a
	// hash of its content, to find IDs repeated with different content
	// and name both lines; derived holds the line of the IDs derived from
	// rows without one (the ID stands for the content). Both are keyed by
	// 96 bits of a keyed hash of the ID, so that they take some 20 to 35
	// bytes a response; two IDs of one input share a key with a
	// probability below 1e-17 for a million responses.
	given   map[idKey]seenRow
	derived map[idKey]uint32
	hseed   maphash.Seed
	kseed   [2]maphash.Seed
	hasher  *survey.ContentHasher
	pseud   *pseudonymMaker // nil without a Pseudonymizer

	stage *stager           // the store's import, when it has the capability
	held  []survey.Response // the responses to store, without it
	batch []survey.Response // the batch being filled
}

// seenRow is the line of a response ID given in the input and the hash of
// its content, in 4-byte words so that it packs with its key.
type seenRow struct{ line, hashLo, hashHi uint32 }

func (r seenRow) hash() uint64 { return uint64(r.hashHi)<<32 | uint64(r.hashLo) }

// idKey stands for a response ID in the maps of IDs seen.
type idKey [12]byte

// key returns the key of id.
func (im *importer) key(id uuid.UUID) idKey {
	var k idKey
	binary.LittleEndian.PutUint64(k[:8], maphash.Bytes(im.kseed[0], id[:]))
	binary.LittleEndian.PutUint32(k[8:], uint32(maphash.Bytes(im.kseed[1], id[:])))
	return k
}

// line returns the line of an ID of the input.
func (im *importer) line(id uuid.UUID) int {
	k := im.key(id)
	if line, ok := im.derived[k]; ok {
		return int(line)
	}
	return int(im.given[k].line)
}

func (p *Program) newImporter(ctx context.Context, surveyID string, skip bool, imp []ImportOptions) (*importer, error) {
	s, err := p.store.GetSurvey(ctx, surveyID)
	if err != nil {
		return nil, err
	}
	cat, err := p.catalog(ctx)
	if err != nil {
		return nil, err
	}
	im := &importer{p: p, cat: cat, s: s, skip: skip, given: map[idKey]seenRow{}, derived: map[idKey]uint32{},
		hseed: maphash.MakeSeed(), kseed: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}, hasher: survey.NewContentHasher(s)}
	if p.pseud != nil {
		im.pseud = p.pseud.maker()
	}
	if len(imp) > 0 {
		im.opts = imp[0]
	}
	if is, ok := p.store.(ImportStore); ok {
		st, err := is.BeginImport(ctx, surveyID, im.opts)
		if err != nil {
			return nil, err
		}
		im.stage = newStager(ctx, st)
	} else {
		if im.opts.Replace {
			return nil, invalid("options.replace", fmt.Sprintf("the store (%T) cannot replace responses within an import: it does not implement cx.ImportStore", p.store))
		}
	}
	return im, nil
}

// abort rolls back the staged import unless it was committed.
func (im *importer) abort() {
	if im.stage != nil {
		im.stage.rollback()
	}
}

// bad records a problem of a record left out.
func (im *importer) bad(pe *survey.ParseError) {
	im.nBad++
	if im.skip || len(im.res.Bad) < maxListedProblems {
		im.res.Bad = append(im.res.Bad, pe)
	}
	if !im.skip && im.stage != nil {
		// The import will fail: release the store at once.
		im.stage.rollback()
	}
}

// failing reports whether the import will fail for bad records.
func (im *importer) failing() bool { return !im.skip && im.nBad > 0 }

// run reads every response next returns (its line, the response, or
// io.EOF at the end), keeps the good ones, reports the bad ones, and
// stores the kept ones when the input allows.
func (im *importer) run(ctx context.Context, next func() (int, survey.Response, error)) (ImportResult, error) {
	ra := newReadAhead(next)
	defer ra.close()
	next = ra.next
	for {
		if im.res.Rows&1023 == 1023 && ctx.Err() != nil {
			return im.res, ctx.Err()
		}
		line, resp, err := next()
		if errors.Is(err, io.EOF) {
			break
		}
		if pes := survey.Problems(err); len(pes) > 0 {
			im.res.Rows++
			im.res.Skipped++
			for _, pe := range pes {
				im.bad(pe)
			}
			continue
		}
		if err != nil {
			return im.res, err
		}
		im.res.Rows++
		if err := im.add(ctx, line, resp); err != nil {
			return im.res, err
		}
	}
	if err := ctx.Err(); err != nil {
		return im.res, err
	}
	return im.finish(ctx)
}

// column locates a field of a response in the input: its column number
// and header.
type column struct {
	n      int
	header string
}

// csvColumns maps the fields validation names ("unit", "answers.q1", ...)
// onto the columns of a CSV header read with opts, by the rule of
// [survey.HeaderIndex].
func csvColumns(header []string, opts survey.CSVOptions, s survey.Survey) map[string]column {
	name := func(v, def string) string {
		if v == "" {
			return def
		}
		return strings.ToLower(v)
	}
	fields := map[string]string{
		name(opts.ID, "response_id"): "id", name(opts.Respondent, "respondent_id"): "respondent",
		name(opts.Unit, "unit_id"): "unit", name(opts.Wave, "wave"): "wave",
		name(opts.Submitted, "submitted_at"): "submitted", name(opts.Comment, "comment"): "comment",
	}
	for _, sg := range opts.Segments {
		fields[strings.ToLower(sg)] = "segments." + sg
	}
	mapped := map[string]string{}
	for h, id := range opts.Items {
		mapped[strings.ToLower(strings.TrimSpace(h))] = id
	}
	items := map[string]string{}
	for _, it := range s.Items {
		if _, dup := items[strings.ToLower(it.ID)]; dup {
			items[strings.ToLower(it.ID)] = "" // ambiguous without the exact name
			continue
		}
		items[strings.ToLower(it.ID)] = it.ID
	}
	out := map[string]column{}
	for i, h := range header {
		key := strings.ToLower(h)
		if id, ok := mapped[key]; ok {
			out["answers."+id] = column{i + 1, h}
			continue
		}
		if f, ok := fields[key]; ok {
			out[f] = column{i + 1, h}
			continue
		}
		if _, ok := s.Item(h); ok {
			out["answers."+h] = column{i + 1, h}
		} else if id := items[key]; id != "" {
			out["answers."+id] = column{i + 1, h}
		}
	}
	return out
}

// problem records a problem of field of the record at line.
func (im *importer) problem(line int, field, reason string) {
	pe := &survey.ParseError{Line: line, Header: field, Reason: reason}
	if c, ok := im.cols[field]; ok {
		pe.Column, pe.Header = c.n, c.header
	}
	im.bad(pe)
}

// add checks one response read at line and stages it, or records its
// problems.
func (im *importer) add(ctx context.Context, line int, r survey.Response) error {
	normalize(&r)
	var pes []*survey.ParseError
	if reason, ok := im.p.pseudonymize(&r, im.pseud); !ok {
		pes = append(pes, &survey.ParseError{Line: line, Header: "respondent", Reason: reason})
	}
	if err := survey.ValidateResponse(im.cat, r); err != nil {
		ve, ok := errors.AsType[*survey.ValidationError](err)
		if !ok {
			return err
		}
		for _, pr := range ve.Problems {
			pes = append(pes, &survey.ParseError{Line: line, Header: pr.Field, Reason: pr.Message})
		}
	}
	if len(pes) > 0 {
		im.res.Skipped++
		for _, pe := range pes {
			if c, ok := im.cols[pe.Header]; ok {
				pe.Column, pe.Header = c.n, c.header
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
	if !im.identify(line, &r) {
		return nil
	}
	if im.failing() {
		return nil // the import fails: nothing more to store
	}
	im.batch = append(im.batch, r)
	if len(im.batch) == importBatch {
		return im.flush(ctx)
	}
	return nil
}

// normalize normalizes a response the importer owns in place, as
// [survey.Response.Normalize] does without copying.
func normalize(r *survey.Response) {
	r.Submitted = survey.NormalizeTime(r.Submitted)
	if len(r.Answers) == 0 {
		r.Answers = nil
	}
	if len(r.Segments) == 0 {
		r.Segments = nil
	}
}

// identify gives r its ID when it has none and checks it against the
// responses read before. It reports whether r is to be stored: false for
// a repeat (counted unchanged) or a conflict (a bad row).
func (im *importer) identify(line int, r *survey.Response) bool {
	if r.ID == uuid.Nil {
		// A derived ID seen before stands for an identical row.
		for k := 0; ; k++ {
			r.ID = im.hasher.ID(*r, k)
			key := im.key(r.ID)
			_, dup := im.derived[key]
			if !dup {
				if _, dup = im.given[key]; !dup {
					im.derived[key] = uint32(line)
					return true
				}
			}
			if im.opts.MergeIdenticalRows {
				im.res.Unchanged++
				return false
			}
		}
	}
	key := im.key(r.ID)
	h := maphash.Bytes(im.hseed, im.hasher.Content(*r))
	row := seenRow{line: uint32(line), hashLo: uint32(h), hashHi: uint32(h >> 32)}
	prev, dup := im.given[key]
	same := dup && prev.hash() == h
	if d, ok := im.derived[key]; ok {
		// An ID given on this line was derived from an earlier row: the
		// same response if this row has that row's content (and one of the
		// first occurrences of it).
		prev, dup, same = seenRow{line: d}, true, false
		for k := 0; k < 64 && !same; k++ {
			same = im.hasher.ID(*r, k) == r.ID
		}
	}
	switch {
	case same:
		im.res.Unchanged++
		return false
	case dup:
		im.res.Skipped++
		im.problem(line, "id", fmt.Sprintf("response ID %s is also on line %d, with different content", r.ID, prev.line))
		return false
	}
	im.given[key] = row
	return true
}

// flush hands the batch to the store's import, or holds it without one.
func (im *importer) flush(ctx context.Context) error {
	if len(im.batch) == 0 {
		return nil
	}
	if im.stage == nil {
		im.held = append(im.held, im.batch...)
		im.batch = im.batch[:0]
		return nil
	}
	var err error
	im.batch, err = im.stage.add(ctx, im.batch)
	return err
}

// finish stores what was kept, unless the input had bad records and
// SkipBadRows is not set.
func (im *importer) finish(ctx context.Context) (ImportResult, error) {
	if im.failing() {
		return im.res, im.failure()
	}
	if err := im.flush(ctx); err != nil {
		return im.res, err
	}
	var out ImportOutcome
	var err error
	if im.stage != nil {
		out, err = im.stage.commit(ctx)
	} else {
		out, err = im.storeHeld(ctx)
	}
	if len(out.Conflicts) > 0 && errors.Is(err, ErrAlreadyExists) {
		return im.res, im.conflicts(out.Conflicts)
	}
	if err != nil {
		return im.res, fmt.Errorf("cx: import: storing the responses (nothing was stored): %w", err)
	}
	im.res.Added += out.Added
	im.res.Unchanged += out.Unchanged
	for _, id := range out.Replaced {
		im.res.Replaced = append(im.res.Replaced, ReplacedResponse{Line: im.line(id), ID: id})
	}
	slices.SortFunc(im.res.Replaced, func(a, b ReplacedResponse) int { return cmp.Compare(a.Line, b.Line) })
	return im.res, nil
}

// storeHeld stores the held responses with one CreateResponses call, for a
// store without [ImportStore]. A conflict is found by looking up each ID.
func (im *importer) storeHeld(ctx context.Context) (ImportOutcome, error) {
	if len(im.held) == 0 {
		return ImportOutcome{}, nil
	}
	added, err := im.p.store.CreateResponses(ctx, im.held)
	if errors.Is(err, ErrAlreadyExists) {
		var out ImportOutcome
		for _, r := range im.held {
			stored, gerr := im.p.store.GetResponse(ctx, r.ID)
			if gerr == nil && !stored.Equal(r) {
				out.Conflicts = append(out.Conflicts, r.ID)
			}
		}
		return out, err
	}
	if err != nil {
		return ImportOutcome{}, err
	}
	return ImportOutcome{Added: added, Unchanged: len(im.held) - added}, nil
}

// conflicts returns the error of an import refused because rows conflict
// with stored responses: it satisfies errors.Is(err, ErrAlreadyExists),
// unwraps to the first row's *survey.ParseError, and names the line of
// every row (the first hundred, and how many more).
func (im *importer) conflicts(ids []uuid.UUID) error {
	pes := make([]*survey.ParseError, 0, len(ids))
	for _, id := range ids {
		pe := &survey.ParseError{Line: im.line(id), Header: "id",
			Reason: fmt.Sprintf("a different response is already stored with ID %s (import with ImportOptions.Replace to replace it)", id)}
		if c, ok := im.cols["id"]; ok {
			pe.Column, pe.Header = c.n, c.header
		}
		pes = append(pes, pe)
	}
	slices.SortFunc(pes, func(a, b *survey.ParseError) int { return cmp.Compare(a.Line, b.Line) })
	im.res.Skipped += len(pes)
	im.res.Bad = append(im.res.Bad, pes...)
	var b strings.Builder
	for i, pe := range pes[:min(len(pes), maxListedProblems)] {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(where(pe) + ": " + pe.Reason)
	}
	if more := len(pes) - maxListedProblems; more > 0 {
		fmt.Fprintf(&b, "; %d more", more)
	}
	return fmt.Errorf("cx: import: %s; nothing was stored: %w (%w)", b.String(), ErrAlreadyExists, pes[0])
}

// failure returns the error of an import refused for bad records.
func (im *importer) failure() error {
	ve := &ValidationError{cause: im.res.Bad[0]}
	for _, pe := range im.res.Bad[:min(len(im.res.Bad), maxListedProblems)] {
		ve.Problems = append(ve.Problems, Problem{where(pe), pe.Reason})
	}
	if more := im.nBad - min(len(im.res.Bad), maxListedProblems); more > 0 {
		ve.Problems = append(ve.Problems, Problem{"input", fmt.Sprintf("%d more problems not listed", more)})
	}
	ve.Problems = append(ve.Problems, Problem{"input", "nothing was stored; fix the input, or import with SkipBadRows to store the good records"})
	return ve
}

// where names the place of a problem: "line L, column C (header)".
func where(pe *survey.ParseError) string {
	field := "line " + strconv.Itoa(pe.Line)
	switch {
	case pe.Column > 0 && pe.Header != "":
		field += fmt.Sprintf(", column %d (%s)", pe.Column, pe.Header)
	case pe.Column > 0:
		field += fmt.Sprintf(", column %d", pe.Column)
	case pe.Header != "":
		field += " (" + pe.Header + ")"
	}
	return field
}

// importError turns a header problem into a *ValidationError that unwraps
// to it.
func importError(err error) error {
	pe, ok := errors.AsType[*survey.ParseError](err)
	if !ok {
		return asValidation(err, "survey")
	}
	return &ValidationError{Problems: []Problem{{where(pe), pe.Reason}}, cause: pe}
}
