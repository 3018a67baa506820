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
	"unsafe"

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
// wave rather than by their names: in one flat table of the pairs of keys
// met (bounded by maxKeyed entries, or four per block), so that a row's
// counters are found with one look-up, without reading the block.
type keyedTallier struct {
	t *Tallier
	// table holds, by unit key × stride + wave key, where the counters
	// of the pair's block start (its rec, of n bytes), or nil: a pointer
	// rather than a slice, so that the table is a third of the size.
	table  []*uint8
	stride int          // the wave keys of a unit in table
	rows   int          // the unit keys in table: len(table) is rows × stride
	n      int          // the bytes of a block's counters
	waves  []*waveBlock // by wave key
}

// maxKeyed bounds the entries of a keyedTallier's table, or four per
// block when there are more blocks: pairs of keys past the bound, in an
// export where most units answer in few of many waves, are found by name.
const maxKeyed = 1 << 16

// add tallies a row. The reader has checked its answers against the
// tallier's survey.
func (k *keyedTallier) add(row *survey.Row) {
	k.addKeyed(int(row.UnitKey), int(row.WaveKey), row.Unit, row.Wave, row.Values, row.HasComment())
}

// addKeyed tallies a response of unit and wave, whose keys are u and w
// (negative when it has none), with answers vals.
func (k *keyedTallier) addKeyed(u, w int, unit, wave string, vals []int, hasComment bool) {
	// Both keys are tested before the index is formed: u*stride+w of keys
	// past the table could wrap an int of 32 bits into another pair's.
	if uint(u) < uint(k.rows) && uint(w) < uint(k.stride) {
		if p := k.table[u*k.stride+w]; p != nil {
			rec := unsafe.Slice(p, k.n)
			if rec[k.n-1] == 255 {
				k.t.block(unit, wave).spill()
			}
			k.t.count(rec, k.waves[w], vals, hasComment)
			return
		}
	}
	b := k.t.block(unit, wave)
	if u >= 0 && w >= 0 && k.room(u, w) {
		k.table[u*k.stride+w] = &b.rec[0]
		k.waves[w] = b.wave
		k.n = len(b.rec)
	}
	if b.full() {
		b.spill()
	}
	k.t.count(b.rec, b.wave, vals, hasComment)
}

// room makes the table hold unit key u and wave key w, and reports
// whether it does: false when it would grow past its bound.
func (k *keyedTallier) room(u, w int) bool {
	stride, rows := k.stride, k.rows
	if w < stride && u < rows {
		return true
	}
	newStride, newRows := max(stride, w+1), max(rows, u+1)
	if newStride > stride {
		newStride = max(newStride, 2*stride, 4)
	}
	if newRows > rows {
		newRows = max(newRows, 2*rows, 16)
	}
	// The bound is tested by division: the product of two keys' counts
	// can pass the largest int of 32 bits.
	if newRows > max(maxKeyed, 4*len(k.t.blocks))/newStride {
		return false
	}
	table := make([]*uint8, newStride*newRows)
	clear(table) // written before it is read, as writeFirst says
	for r := range rows {
		copy(table[r*newStride:r*newStride+stride], k.table[r*stride:(r+1)*stride])
	}
	k.table, k.stride, k.rows = table, newStride, newRows
	for len(k.waves) < newStride {
		k.waves = append(k.waves, nil)
	}
	return true
}
