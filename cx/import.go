package cx

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"

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

// TallyCSV tallies the responses of a wide CSV export of survey s straight
// from the file, on workers goroutines (0 means runtime.GOMAXPROCS),
// without storing them: memory does not grow with the file. The result is
// the same whatever the number of workers. Errors are those of
// [survey.ScanCSV]: the first bad row fails the tally with its line and
// column, unless opts.SkipBadRows is set.
func TallyCSV(ctx context.Context, r io.Reader, s survey.Survey, opts *survey.CSVOptions, workers int) (*Tallies, error) {
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
	return talliers[0].Tallies(), nil
}
