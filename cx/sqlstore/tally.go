package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/metrics"
	"github.com/cxculture/cxculture/survey"
)

// lockResponses is the cx_locks row of response writes: batches, deletes
// and the survey changes that re-encode responses.
const lockResponses = "responses"

type groupKey struct {
	survey string
	enc    int64
	wave   string
	unit   string
}

type groupDelta struct {
	respondents, comments int64
	counts                []int64 // nil for responses kept as JSON
}

type waveKey struct {
	survey string
	enc    int64
	wave   string
}

// delta is a change to the tallies: responses counted in (+1) or out (-1).
type delta struct {
	groups map[groupKey]*groupDelta
	// patterns holds, per survey, encoding and wave, the pattern counts
	// of each reliability group of the encoding, in its order.
	patterns map[waveKey]*wavePatterns
	buf      []byte
	// byWave indexes groups and patterns by wave, then unit, and last is
	// the entry of the wave counted last: most lookups then hash a unit
	// ID only.
	byWave  map[waveKey]*waveIndex
	lastKey waveKey
	last    *waveIndex
}

type waveIndex struct {
	units    map[string]*groupDelta
	patterns *wavePatterns
}

type wavePatterns struct {
	l      *layout
	counts []*patternCounts
}

func newDelta() *delta {
	return &delta{groups: map[groupKey]*groupDelta{}, patterns: map[waveKey]*wavePatterns{}}
}

// add counts one response with sign +1 or -1: under encoding l with the
// given code, or, when l is nil, as a response kept as JSON (counted as a
// respondent only).
func (d *delta) add(l *layout, surveyID, wave, unit, code string, hasComment bool, sign int64) {
	enc := int64(rawEncoding)
	if l != nil {
		enc = l.id
	}
	wk := waveKey{surveyID, enc, wave}
	wi := d.last
	if wi == nil || d.lastKey != wk {
		if d.byWave == nil {
			d.byWave = map[waveKey]*waveIndex{}
		}
		wi = d.byWave[wk]
		if wi == nil {
			wi = &waveIndex{units: map[string]*groupDelta{}}
			d.byWave[wk] = wi
		}
		d.lastKey, d.last = wk, wi
	}
	g := wi.units[unit]
	if g == nil {
		k := groupKey{surveyID, enc, wave, unit}
		g = d.groups[k]
		if g == nil {
			g = &groupDelta{}
			if l != nil {
				g.counts = make([]int64, l.cells)
			}
			d.groups[k] = g
		}
		wi.units[unit] = g
	}
	g.respondents += sign
	if hasComment {
		g.comments += sign
	}
	if l == nil {
		return
	}
	counts := g.counts
	for i := range l.items {
		it := &l.items[i]
		if it.width == 1 {
			if c := code[it.pos]; c != '.' {
				counts[it.off+int(c)-'A'] += sign
			}
		} else if v, _ := l.digit(code, i); v >= 0 {
			counts[it.off+v] += sign
		}
	}
	if len(l.groups) == 0 {
		return
	}
	wp := wi.patterns
	if wp == nil {
		wp = d.patterns[wk]
		if wp == nil {
			wp = &wavePatterns{l: l, counts: make([]*patternCounts, len(l.groups))}
			for gi := range l.groups {
				wp.counts[gi] = newPatternCounts(&l.groups[gi])
			}
			d.patterns[wk] = wp
		}
		wi.patterns = wp
	}
	for gi := range l.groups {
		grp := &l.groups[gi]
		if grp.size > 0 {
			wp.counts[gi].dense[l.patternIndex(code, grp)] += sign
		} else {
			d.buf = l.pattern(code, grp, d.buf)
			wp.counts[gi].sparse[string(d.buf)] += sign
		}
	}
}

// apply adds d to the stored tallies in tx, whose caller holds the
// responses lock. Rows whose counts fall to zero are removed.
func (s *Store) apply(ctx context.Context, tx *sql.Tx, d *delta) error {
	const opName = "update tallies"
	byWave := map[waveKey][]string{}
	for k := range d.groups {
		wk := waveKey{k.survey, k.enc, k.wave}
		byWave[wk] = append(byWave[wk], k.unit)
	}
	wks := slices.SortedFunc(maps.Keys(byWave), func(a, b waveKey) int {
		return cmp.Or(cmp.Compare(a.survey, b.survey), cmp.Compare(a.enc, b.enc), cmp.Compare(a.wave, b.wave))
	})
	cols := []string{"survey", "enc", "wave", "unit", "respondents", "comments", "counts"}
	const upsert = " ON CONFLICT (survey, enc, wave, unit) DO UPDATE SET respondents = excluded.respondents, comments = excluded.comments, counts = excluded.counts"
	var rows []any
	for _, wk := range wks {
		units := byWave[wk]
		slices.Sort(units)
		type stored struct {
			respondents, comments int64
			counts                []byte
		}
		have := map[string]stored{}
		err := chunks(units, 500, func(part []string) error {
			b := builder{d: s.dialect}
			b.sb.WriteString("SELECT unit, respondents, comments, counts FROM cx_tally_groups WHERE survey = " + b.arg(wk.survey) +
				" AND enc = " + b.arg(wk.enc) + " AND wave = " + b.arg(wk.wave) + " AND ")
			in(&b, "unit", part)
			rs, err := tx.QueryContext(ctx, b.String(), b.args...)
			if err != nil {
				return wrap(err, opName, "")
			}
			defer rs.Close()
			for rs.Next() {
				var u string
				var st stored
				if err := rs.Scan(&u, &st.respondents, &st.comments, &st.counts); err != nil {
					return wrap(err, opName, "")
				}
				have[u] = st
			}
			return wrap(rs.Err(), opName, "")
		})
		if err != nil {
			return err
		}
		for _, u := range units {
			g := d.groups[groupKey{wk.survey, wk.enc, wk.wave, u}]
			st := have[u]
			respondents, comments := st.respondents+g.respondents, st.comments+g.comments
			var counts []int64
			if g.counts != nil {
				old, err := decodeCounts(st.counts, len(g.counts))
				if err != nil {
					return wrap(fmt.Errorf("survey %q, wave %q, unit %q: %w", wk.survey, wk.wave, u, err), opName, "")
				}
				counts = old
				for i, c := range g.counts {
					counts[i] += c
					if counts[i] < 0 {
						respondents = -1 // reported below
					}
				}
			}
			switch {
			case respondents < 0 || comments < 0:
				return wrap(fmt.Errorf("survey %q, wave %q, unit %q: the tallies would fall below zero; they do not match the stored responses", wk.survey, wk.wave, u), opName, "")
			case respondents == 0:
				if _, err := tx.ExecContext(ctx, "DELETE FROM cx_tally_groups WHERE survey = $1 AND enc = $2 AND wave = $3 AND unit = $4",
					wk.survey, wk.enc, wk.wave, u); err != nil {
					return wrap(err, opName, "")
				}
			default:
				rows = append(rows, wk.survey, wk.enc, wk.wave, u, respondents, comments, appendCounts([]byte{}, counts))
			}
		}
	}
	if len(rows) > 0 {
		if err := s.insertRows(ctx, tx, "INSERT", "cx_tally_groups", cols, upsert, rows); err != nil {
			return err
		}
	}

	pwks := slices.SortedFunc(maps.Keys(d.patterns), func(a, b waveKey) int {
		return cmp.Or(cmp.Compare(a.survey, b.survey), cmp.Compare(a.enc, b.enc), cmp.Compare(a.wave, b.wave))
	})
	for _, wk := range pwks {
		wp := d.patterns[wk]
		for gi := range wp.l.groups {
			grp := &wp.l.groups[gi]
			var blob []byte
			err := tx.QueryRowContext(ctx, "SELECT counts FROM cx_tally_patterns WHERE survey = $1 AND enc = $2 AND wave = $3 AND items = $4",
				wk.survey, wk.enc, wk.wave, grp.key).Scan(&blob)
			counts := newPatternCounts(grp)
			switch {
			case err == sql.ErrNoRows:
			case err != nil:
				return wrap(err, opName, "")
			default:
				if counts, err = decodePatternCounts(blob, grp); err != nil {
					return wrap(fmt.Errorf("survey %q, wave %q, items %s: %w", wk.survey, wk.wave, grp.key, err), opName, "")
				}
			}
			if counts.add(wp.counts[gi]) {
				return wrap(fmt.Errorf("survey %q, wave %q, items %s: the pattern tallies would fall below zero; they do not match the stored responses", wk.survey, wk.wave, grp.key), opName, "")
			}
			if counts.empty() {
				_, err = tx.ExecContext(ctx, "DELETE FROM cx_tally_patterns WHERE survey = $1 AND enc = $2 AND wave = $3 AND items = $4",
					wk.survey, wk.enc, wk.wave, grp.key)
			} else {
				_, err = tx.ExecContext(ctx, "INSERT INTO cx_tally_patterns (survey, enc, wave, items, counts) VALUES ($1, $2, $3, $4, $5)"+
					" ON CONFLICT (survey, enc, wave, items) DO UPDATE SET counts = excluded.counts",
					wk.survey, wk.enc, wk.wave, grp.key, counts.encode())
			}
			if err != nil {
				return wrap(err, opName, "")
			}
		}
	}
	return nil
}

// TallyResponses implements [cx.TallyStore]: it returns the tallies of the
// stored responses to f.Survey in f.Waves (every wave when empty), exactly
// as [cx.TallyResponses] computes them from the responses, without reading
// the responses: it reads the tallies kept beside them, one row per unit
// and wave and one per wave and reliability group. Responses whose answers
// do not fit the stored survey (an unknown item, a value off its scale)
// make the tally fail with an error satisfying errors.Is(err,
// cx.ErrInvalid), as in memory; an unknown survey is cx.ErrNotFound.
//
// The tally reads one snapshot of the database: a batch being written at
// the same time is counted whole or not at all.
func (s *Store) TallyResponses(ctx context.Context, f cx.TallyFilter) (*cx.Tallies, error) {
	o := op("tally responses to", "survey", f.Survey)
	var out *cx.Tallies
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		sv, err := getVersion(ctx, tx, f.Survey, f.Version)
		if err != nil {
			return err
		}
		out = cx.NewTallies(sv.ID)
		waves := slices.Compact(slices.Sorted(slices.Values(f.Waves)))
		where := func(b *builder) {
			b.sb.WriteString(" WHERE survey = " + b.arg(sv.ID))
			if len(waves) > 0 {
				b.sb.WriteString(" AND ")
				in(b, "wave", waves)
			}
		}
		l, lerr := layoutOf(sv)
		enc := int64(-1) // no encoding: every response is tallied here
		if lerr == nil {
			enc = l.id
			if err := s.readTallies(ctx, tx, l, out, where, !f.NoPatterns, slices.Compact(slices.Sorted(slices.Values(f.PatternWaves)))); err != nil {
				return err
			}
		}
		for i, it := range sv.Items {
			if it.Scale.Max < it.Scale.Min {
				return invalid(o, fmt.Sprintf("survey.items[%d].scale", i), fmt.Sprintf("max %d is below min %d", it.Scale.Max, it.Scale.Min))
			}
		}
		// Responses stored under another encoding (or as JSON) are
		// tallied here, from their answers; with the survey stored they
		// are those that do not fit it, and the tally then fails as it
		// does in memory.
		b := builder{d: s.dialect}
		b.sb.WriteString("SELECT DISTINCT enc FROM cx_tally_groups")
		where(&b)
		b.sb.WriteString(" AND enc <> " + b.arg(enc))
		encs, err := queryInts(ctx, tx, b.String(), b.args...)
		if err != nil || len(encs) == 0 {
			return wrap(err, o, "")
		}
		t := cx.NewTallier(sv)
		err = s.scanResponses(ctx, tx, sv.ID, waves, enc, encs, func(_ responseRow, r survey.Response) error {
			if err := t.Add(r); err != nil {
				return wrap(err, o, "")
			}
			return nil
		})
		if err != nil {
			return err
		}
		return out.Merge(t.Tallies())
	})
	if err != nil {
		return nil, wrap(err, o, "")
	}
	return out, nil
}

// readTallies adds the stored tallies of encoding l, selected by where,
// to out: with patterns, those of patternWaves only, when given.
func (s *Store) readTallies(ctx context.Context, tx *sql.Tx, l *layout, out *cx.Tallies, where func(*builder), patterns bool, patternWaves []string) error {
	const opName = "read tallies"
	b := builder{d: s.dialect}
	b.sb.WriteString("SELECT wave, unit, respondents, comments, counts FROM cx_tally_groups")
	where(&b)
	b.sb.WriteString(" AND enc = " + b.arg(l.id))
	rows, err := tx.QueryContext(ctx, b.String(), b.args...)
	if err != nil {
		return wrap(err, opName, "")
	}
	defer rows.Close()
	var blob []byte
	for rows.Next() {
		var g cx.Group
		var respondents, comments int64
		if err := rows.Scan(&g.Wave, &g.Unit, &respondents, &comments, &blob); err != nil {
			return wrap(err, opName, "")
		}
		counts, err := decodeCounts(blob, l.cells)
		if err != nil {
			return wrap(fmt.Errorf("wave %q, unit %q: %w", g.Wave, g.Unit, err), opName, "")
		}
		if respondents > 0 {
			out.Respondents[g] += respondents
		}
		if comments > 0 {
			out.Comments[g] += comments
		}
		for i := range l.items {
			it := &l.items[i]
			c := counts[it.off : it.off+it.points : it.off+it.points]
			if slices.ContainsFunc(c, func(n int64) bool { return n != 0 }) {
				out.Answers[cx.Cell{Unit: g.Unit, Wave: g.Wave, Item: it.id}] = metrics.Tally{Min: it.min, Max: it.max, Counts: c}
			}
		}
	}
	if err := rows.Err(); err != nil {
		return wrap(err, opName, "")
	}
	rows.Close()
	if !patterns {
		return nil
	}

	b = builder{d: s.dialect}
	b.sb.WriteString("SELECT wave, items, counts FROM cx_tally_patterns")
	where(&b)
	b.sb.WriteString(" AND enc = " + b.arg(l.id))
	if len(patternWaves) > 0 {
		b.sb.WriteString(" AND ")
		in(&b, "wave", patternWaves)
	}
	prows, err := tx.QueryContext(ctx, b.String(), b.args...)
	if err != nil {
		return wrap(err, opName, "")
	}
	defer prows.Close()
	for prows.Next() {
		var k cx.PatternKey
		if err := prows.Scan(&k.Wave, &k.Items, &blob); err != nil {
			return wrap(err, opName, "")
		}
		gi := slices.IndexFunc(l.groups, func(g lgroup) bool { return g.key == k.Items })
		if gi < 0 {
			return wrap(fmt.Errorf("wave %q: items %s are not a reliability group of encoding %d", k.Wave, k.Items, l.id), opName, "")
		}
		counts, err := decodePatternCounts(blob, &l.groups[gi])
		if err != nil {
			return wrap(fmt.Errorf("wave %q, items %s: %w", k.Wave, k.Items, err), opName, "")
		}
		counts.each(l, &l.groups[gi], func(p string, n int64) {
			k.Pattern = p
			out.Patterns[k] += n
		})
	}
	return wrap(prows.Err(), opName, "")
}

func queryInts(ctx context.Context, q queryer, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// scanResponses calls fn for every response to surveyID in waves (all when
// empty) not stored under encoding enc, with its stored row; encs are the
// encodings they may be stored under. Responses are read a page at a time
// and each page is read whole before fn runs, so fn may query.
func (s *Store) scanResponses(ctx context.Context, q queryer, surveyID string, waves []string, enc int64, encs []int64, fn func(responseRow, survey.Response) error) error {
	for _, e := range encs {
		if e != rawEncoding {
			if _, err := s.layout(ctx, q, e); err != nil {
				return err
			}
		}
	}
	const page = 1000
	after := []byte{}
	for {
		b := builder{d: s.dialect}
		b.sb.WriteString("SELECT " + responseCols + " FROM cx_responses WHERE survey = " + b.arg(surveyID) + " AND enc <> " + b.arg(enc))
		if len(waves) > 0 {
			b.sb.WriteString(" AND ")
			in(&b, "wave", waves)
		}
		b.sb.WriteString(" AND id > " + b.arg(after) + " ORDER BY id LIMIT " + b.arg(int64(page)))
		rows, err := queryResponseRows(ctx, q, "read responses", b.String(), b.args...)
		if err != nil {
			return err
		}
		for _, row := range rows {
			r, err := s.decodeResponse(ctx, q, row)
			if err != nil {
				return err
			}
			if err := fn(row, r); err != nil {
				return err
			}
		}
		if len(rows) < page {
			return nil
		}
		after = rows[len(rows)-1].id
	}
}

// reencode writes the stored responses to sv that are not under sv's
// encoding again: under it when their answers fit, as JSON otherwise, and
// moves their tallies along. The caller holds the responses lock.
func (s *Store) reencode(ctx context.Context, tx *sql.Tx, sv survey.Survey) error {
	o := op("re-encode responses to", "survey", sv.ID)
	l, err := layoutOf(sv)
	if err != nil {
		return nil // the survey cannot be encoded: its responses stay as they are
	}
	encs, err := queryInts(ctx, tx, "SELECT DISTINCT enc FROM cx_tally_groups WHERE survey = $1 AND enc <> $2", sv.ID, l.id)
	if err != nil {
		return wrap(err, o, "")
	}
	if len(encs) == 0 {
		return nil
	}
	if err := s.saveLayout(ctx, tx, l); err != nil {
		return err
	}
	var changes []responseRow
	d := newDelta()
	err = s.scanResponses(ctx, tx, sv.ID, nil, l.id, encs, func(old responseRow, r survey.Response) error {
		row, err := encodeResponse(r, l)
		if err != nil {
			return wrap(err, o, "")
		}
		if row.enc == rawEncoding && old.enc == rawEncoding {
			return nil // still does not fit
		}
		var oldLayout *layout
		if old.enc != rawEncoding {
			if oldLayout, err = s.layout(ctx, tx, old.enc); err != nil {
				return err
			}
		}
		d.add(oldLayout, r.Survey, r.Wave, r.Unit, old.code.String, r.Comment != "", -1)
		var newLayout *layout
		if row.enc != rawEncoding {
			newLayout = l
		}
		d.add(newLayout, r.Survey, r.Wave, r.Unit, row.code.String, r.Comment != "", +1)
		changes = append(changes, row)
		return nil
	})
	if err != nil {
		return err
	}
	for _, c := range changes {
		if _, err := tx.ExecContext(ctx, "UPDATE cx_responses SET enc = $2, code = $3, answers = $4 WHERE id = $1",
			c.id, c.enc, nullable(c.code), nullable(c.answers)); err != nil {
			return wrap(err, o, "")
		}
	}
	return s.apply(ctx, tx, d)
}
