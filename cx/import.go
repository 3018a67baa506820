package cx

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/cxculture/cxculture/survey"
)

// ReadUnitsCSV reads an org chart: a CSV file with the header
// unit_id,parent_id,name (parent_id empty for the root; header names are
// matched as [survey.HeaderIndex] says). The units are not checked as a
// hierarchy here; pass them to [NewHierarchy] or [Program.DefineUnits].
// Malformed lines, and names that are not valid UTF-8 or hold a NUL byte,
// are reported with their line and column, all of them in one
// [*ValidationError].
func ReadUnitsCSV(r io.Reader) ([]Unit, error) {
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, invalid("line 1", "empty input: a header line is required")
	}
	if err != nil {
		return nil, fmt.Errorf("cx: reading units: %w", err)
	}
	col, err := survey.HeaderIndex(header)
	if err != nil {
		return nil, importError(err)
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
			return units, ps.err()
		}
		if err != nil {
			return nil, invalid("units", err.Error())
		}
		for _, name := range []string{"unit_id", "parent_id", "name"} {
			if reason, ok := survey.TextProblem(rec[col[name]]); !ok {
				line, _ := cr.FieldPos(col[name])
				ps.add(fmt.Sprintf("line %d, column %d (%s)", line, col[name]+1, name), reason)
			}
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
	keyed := make([]keyedTallier, workers)
	for i := range keyed {
		keyed[i].t = NewTallier(s)
	}
	err := survey.ScanCSV(ctx, r, s, opts, workers, func(w int, row *survey.Row) error {
		keyed[w].add(row)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, k := range keyed[1:] {
		if err := keyed[0].t.Merge(k.t); err != nil {
			return nil, err
		}
	}
	return keyed[0].t, nil
}

// keyedTallier tallies the rows of one goroutine of survey.ScanCSV,
// finding each row's block by the keys the goroutine gave its unit and
// wave rather than by their names.
type keyedTallier struct {
	t     *Tallier
	byKey [][]keyedBlock // by unit key, then wave key
}

// keyedBlock is a block with its low counters: where they lie is known
// without reading the block, so that a response's counters and its
// block are fetched from memory at once rather than one after the other.
type keyedBlock struct {
	b   *block
	low []uint8
}

// add tallies a row. The reader has checked its answers against the
// tallier's survey.
func (k *keyedTallier) add(row *survey.Row) {
	u, w := int(row.UnitKey), int(row.WaveKey)
	if u < 0 || w < 0 {
		b := k.t.block(row.Unit, row.Wave)
		k.t.count(b, b.low, row.Values, row.HasComment())
		return
	}
	var kb keyedBlock
	if u < len(k.byKey) && w < len(k.byKey[u]) {
		kb = k.byKey[u][w]
	}
	if kb.b == nil {
		b := k.t.block(row.Unit, row.Wave)
		kb = keyedBlock{b, b.low}
		for len(k.byKey) <= u {
			k.byKey = append(k.byKey, nil)
		}
		for len(k.byKey[u]) <= w {
			k.byKey[u] = append(k.byKey[u], keyedBlock{})
		}
		k.byKey[u][w] = kb
	}
	k.t.count(kb.b, kb.low, row.Values, row.HasComment())
}
