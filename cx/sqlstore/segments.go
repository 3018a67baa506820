package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/cxculture/cxculture/cx"
)

var _ cx.SegmentTallyStore = (*Store)(nil)

// maxSegmentColumns bounds the counted columns of one GROUP BY query of
// TallySegments: a survey with more scale points is read in several
// scans.
const maxSegmentColumns = 400

// TallySegments implements [cx.SegmentTallyStore] with GROUP BY: for the
// responses kept as codes, one scan per encoding (and per 400 scale
// points) groups them by unit, wave and segments, and counts, per group,
// the respondents and each answer of each item (a count of the rows whose
// code holds it); the responses kept as JSON, which do not fit their
// survey, are read and counted here. It reads one snapshot.
func (s *Store) TallySegments(ctx context.Context, f cx.SegmentFilter) (*cx.SegmentTallies, error) {
	o := op("tally segments of", "survey", f.Survey)
	out := cx.NewSegmentTallies(f.Survey, f.Keys)
	keys := out.Keys()
	waves := slices.Compact(slices.Sorted(slices.Values(f.Waves)))
	where := func(b *builder) {
		b.sb.WriteString(" WHERE survey = " + b.arg(f.Survey))
		if len(waves) > 0 {
			b.sb.WriteString(" AND ")
			in(b, "wave", waves)
		}
	}
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		if _, err := getSurvey(ctx, tx, f.Survey); err != nil {
			return err
		}
		b := builder{d: s.dialect}
		b.sb.WriteString("SELECT DISTINCT enc FROM cx_responses")
		where(&b)
		encs, err := queryInts(ctx, tx, b.String(), b.args...)
		if err != nil {
			return wrap(err, o, "")
		}
		values := make([]string, len(keys))
		setValues := func(segs sql.NullString) error {
			var m map[string]string
			if segs.Valid {
				if err := json.Unmarshal([]byte(segs.String), &m); err != nil {
					return wrap(fmt.Errorf("stored segments are corrupt: %w", err), o, "")
				}
			}
			for i, k := range keys {
				values[i] = m[k]
			}
			return nil
		}
		for _, enc := range encs {
			if enc == rawEncoding {
				continue
			}
			l, err := s.layout(ctx, tx, enc)
			if err != nil {
				return err
			}
			if err := s.groupSegments(ctx, tx, l, where, out, setValues, values); err != nil {
				return err
			}
		}
		if !slices.Contains(encs, rawEncoding) {
			return nil
		}
		// The responses kept as JSON, a page at a time.
		const page = 1000
		after := []byte{}
		for {
			b := builder{d: s.dialect}
			b.sb.WriteString("SELECT " + responseCols + " FROM cx_responses")
			where(&b)
			b.sb.WriteString(" AND enc = " + b.arg(int64(rawEncoding)) + " AND id > " + b.arg(after) + " ORDER BY id LIMIT " + b.arg(int64(page)))
			rows, err := queryResponseRows(ctx, tx, o, b.String(), b.args...)
			if err != nil {
				return err
			}
			for _, row := range rows {
				r, err := s.decodeResponse(ctx, tx, row)
				if err != nil {
					return err
				}
				out.AddResponse(r)
			}
			if len(rows) < page {
				return nil
			}
			after = rows[len(rows)-1].id
		}
	})
	if err != nil {
		return nil, wrap(err, o, "")
	}
	return out, nil
}

// segmentColumn is one counted column of a GROUP BY: the rows of a group
// whose code holds value at item.
type segmentColumn struct {
	item  string
	value int
	expr  string
}

// groupSegments counts the responses of encoding l that where selects, by
// unit, wave and segments, into out.
func (s *Store) groupSegments(ctx context.Context, tx *sql.Tx, l *layout, where func(*builder), out *cx.SegmentTallies,
	setValues func(sql.NullString) error, values []string) error {
	const opName = "tally segments"
	var cols []segmentColumn
	for _, it := range l.items {
		for d := range it.points {
			var lit string
			if it.width == 1 {
				lit = string(rune('A' + d))
			} else {
				lit = string([]byte{byte('A' + d/62), byte('A' + d%62)})
			}
			cols = append(cols, segmentColumn{item: it.id, value: it.min + d,
				expr: fmt.Sprintf("count(CASE WHEN substr(code, %d, %d) = '%s' THEN 1 END)", it.pos+1, it.width, lit)})
		}
	}
	for first := true; first || len(cols) > 0; first = false {
		part := cols[:min(len(cols), maxSegmentColumns)]
		cols = cols[len(part):]
		b := builder{d: s.dialect}
		b.sb.WriteString("SELECT unit, wave, segments, count(*)")
		for _, c := range part {
			b.sb.WriteString(", " + c.expr)
		}
		b.sb.WriteString(" FROM cx_responses")
		where(&b)
		b.sb.WriteString(" AND enc = " + b.arg(l.id) + " GROUP BY unit, wave, segments")
		rows, err := tx.QueryContext(ctx, b.String(), b.args...)
		if err != nil {
			return wrap(err, opName, "")
		}
		counts := make([]int64, len(part))
		dest := make([]any, 4+len(part))
		var unit, wave string
		var segs sql.NullString
		var n int64
		dest[0], dest[1], dest[2], dest[3] = &unit, &wave, &segs, &n
		for i := range counts {
			dest[4+i] = &counts[i]
		}
		for rows.Next() {
			if err := rows.Scan(dest...); err != nil {
				rows.Close()
				return wrap(err, opName, "")
			}
			if err := setValues(segs); err != nil {
				rows.Close()
				return err
			}
			if first {
				if err := out.Add(unit, wave, values, n); err != nil {
					rows.Close()
					return err
				}
			}
			for i, c := range part {
				if counts[i] > 0 {
					if err := out.AddAnswers(unit, wave, values, c.item, c.value, counts[i]); err != nil {
						rows.Close()
						return err
					}
				}
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return wrap(err, opName, "")
		}
	}
	return nil
}
