package chstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/metrics"
	"github.com/cxculture/cxculture/survey"
)

// TallyResponses implements [cx.TallyStore]: it returns the tallies of
// the stored responses to f.Survey in f.Waves (every wave when empty)
// against version f.Version of the survey (the latest when zero), exactly
// as a [cx.Tallier] of that version computes them from the responses, with
// three GROUP BY queries on the cluster and no response read into the
// process: respondents and comments per unit and wave, answers per unit,
// wave, item and value, and the patterns of each reliability group per
// wave, each summed over the batches that a snapshot of the catalog shows
// committed. Answers the stored survey cannot tally (an item it does not
// have, a value off the item's scale) make the tally fail with an error
// satisfying errors.Is(err, cx.ErrInvalid), as in memory; an unknown
// survey is cx.ErrNotFound.
//
// Patterns are read from the sums the cluster keeps when the batches that
// stored the responses wrote them for the survey's current reliability
// groups (same items, same scales); for batches stored before the survey
// had these groups they are computed from the responses' answers on the
// cluster, a slower query over those batches' rows.
func (s *Store) TallyResponses(ctx context.Context, f cx.TallyFilter) (*cx.Tallies, error) {
	opName := fmt.Sprintf("tally responses to survey %q", f.Survey)
	sv, err := s.surveyVersion(ctx, f.Survey, f.Version)
	if err != nil {
		return nil, err
	}
	out, err := s.tally(ctx, sv, f.Waves)
	if err != nil {
		return nil, wrap(err, opName)
	}
	return out, nil
}

func (s *Store) tally(ctx context.Context, sv survey.Survey, waveIDs []string) (*cx.Tallies, error) {
	opName := fmt.Sprintf("tally responses to survey %q", sv.ID)
	out := cx.NewTallies(sv.ID)
	items := map[string]survey.Item{}
	for i, it := range sv.Items {
		if it.Scale.Max < it.Scale.Min {
			return nil, invalid(opName, fmt.Sprintf("survey.items[%d].scale", i), fmt.Sprintf("max %d is below min %d", it.Scale.Max, it.Scale.Min))
		}
		items[it.ID] = it
	}
	svc, err := s.lookup(ctx, kindSurvey, []string{sv.ID})
	if err != nil {
		return nil, err
	}
	svCode, ok := svc[sv.ID]
	if !ok {
		return out, nil // never stored a response
	}
	cond := fmt.Sprintf("survey = %d", svCode)
	if len(waveIDs) > 0 {
		wc, err := s.lookup(ctx, kindWave, slices.Compact(slices.Sorted(slices.Values(waveIDs))))
		if err != nil {
			return nil, err
		}
		if len(wc) == 0 {
			return out, nil
		}
		var codes []uint32
		for _, c := range wc {
			codes = append(codes, c)
		}
		slices.Sort(codes)
		cond += " AND wave IN (" + uints(codes) + ")"
	}
	sn, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	where := sn.where() + " AND " + cond
	conn := s.coordinator()

	// Respondents and comments per unit and wave.
	type group struct {
		unit, wave           uint32
		respondents, comment int64
	}
	var groups []group
	err = query(ctx, conn, fmt.Sprintf("SELECT unit, wave, sum(respondents), sum(comments) FROM %s.group_sums WHERE %s GROUP BY unit, wave",
		s.database, where), func(r Rows) error {
		var g group
		if err := r.Scan(&g.unit, &g.wave, &g.respondents, &g.comment); err != nil {
			return err
		}
		groups = append(groups, g)
		return nil
	})
	if err != nil {
		return nil, err
	}
	var unitCodes, waveCodes []uint32
	for _, g := range groups {
		unitCodes, waveCodes = append(unitCodes, g.unit), append(waveCodes, g.wave)
	}
	unitN, err := s.namesOf(ctx, kindUnit, unitCodes)
	if err != nil {
		return nil, err
	}
	waveN, err := s.namesOf(ctx, kindWave, waveCodes)
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		if g.respondents < 0 || g.comment < 0 || g.comment > g.respondents {
			return nil, fmt.Errorf("chstore: unit %q, wave %q: the sums of respondents (%d) and comments (%d) are inconsistent", unitN[g.unit], waveN[g.wave], g.respondents, g.comment)
		}
		k := cx.Group{Unit: unitN[g.unit], Wave: waveN[g.wave]}
		if g.respondents > 0 {
			out.Respondents[k] = g.respondents
		}
		if g.comment > 0 {
			out.Comments[k] = g.comment
		}
	}

	// Answers per unit, wave and item: the values and their counts.
	type cell struct {
		unit, wave, item uint32
		values, counts   []int64
	}
	var cells []cell
	err = query(ctx, conn, fmt.Sprintf("SELECT unit, wave, item, groupArray(value), groupArray(n) FROM ("+
		"SELECT unit, wave, item, value, sum(n) AS n FROM %s.answer_sums WHERE %s GROUP BY unit, wave, item, value HAVING n != 0"+
		") GROUP BY unit, wave, item", s.database, where), func(r Rows) error {
		var c cell
		if err := r.Scan(&c.unit, &c.wave, &c.item, &c.values, &c.counts); err != nil {
			return err
		}
		cells = append(cells, c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	var itemCodes []uint32
	unitCodes, waveCodes = unitCodes[:0], waveCodes[:0]
	for _, c := range cells {
		unitCodes, waveCodes, itemCodes = append(unitCodes, c.unit), append(waveCodes, c.wave), append(itemCodes, c.item)
	}
	if unitN, err = s.namesOf(ctx, kindUnit, unitCodes); err != nil {
		return nil, err
	}
	if waveN, err = s.namesOf(ctx, kindWave, waveCodes); err != nil {
		return nil, err
	}
	itemN, err := s.namesOf(ctx, kindItem, itemCodes)
	if err != nil {
		return nil, err
	}
	var problems []cx.Problem
	for _, c := range cells {
		at := fmt.Sprintf("responses[unit %s, wave %s].answers.%s", unitN[c.unit], waveN[c.wave], itemN[c.item])
		it, ok := items[itemN[c.item]]
		if !ok {
			problems = append(problems, cx.Problem{Field: at, Message: fmt.Sprintf("%d stored answers to item %q, which survey %q does not have", sum(c.counts), itemN[c.item], sv.ID)})
			continue
		}
		t := metrics.Tally{Min: it.Scale.Min, Max: it.Scale.Max, Counts: make([]int64, it.Scale.Points())}
		for j, v := range c.values {
			switch {
			case c.counts[j] < 0:
				return nil, fmt.Errorf("chstore: %s: the sum of answers %d is %d, below zero", at, v, c.counts[j])
			case v < int64(it.Scale.Min) || v > int64(it.Scale.Max):
				problems = append(problems, cx.Problem{Field: at, Message: fmt.Sprintf("%d stored answers %d, outside scale %s", c.counts[j], v, it.Scale)})
			default:
				t.Counts[v-int64(it.Scale.Min)] = c.counts[j]
			}
		}
		out.Answers[cx.Cell{Unit: unitN[c.unit], Wave: waveN[c.wave], Item: it.ID}] = t
	}
	if len(problems) > 0 {
		return nil, &opError{op: opName, kind: &cx.ValidationError{Problems: problems}}
	}
	if err := s.tallyPatterns(ctx, conn, sv, svCode, where, out); err != nil {
		return nil, err
	}
	return out, nil
}

// tallyPatterns adds the patterns of each reliability group of sv to out.
func (s *Store) tallyPatterns(ctx context.Context, conn Conn, sv survey.Survey, svCode uint32, where string, out *cx.Tallies) error {
	ls := layouts(sv)
	if len(ls) == 0 {
		return nil
	}
	var lnames []string
	for _, l := range ls {
		lnames = append(lnames, l.name())
	}
	lcodes, err := s.lookup(ctx, kindGroup, lnames)
	if err != nil {
		return err
	}
	// The batches with responses to the survey in the waves tallied.
	var batches []int64
	err = query(ctx, conn, fmt.Sprintf("SELECT DISTINCT toInt64(batch) FROM %s.group_sums WHERE %s", s.database, where), func(r Rows) error {
		var b int64
		err := r.Scan(&b)
		batches = append(batches, b)
		return err
	})
	if err != nil || len(batches) == 0 {
		return err
	}
	itemCodes, err := s.lookup(ctx, kindItem, slices.Concat(func() [][]string {
		var all [][]string
		for _, l := range ls {
			all = append(all, l.Items)
		}
		return all
	}()...))
	if err != nil {
		return err
	}
	type pat struct {
		wave    uint32
		pattern string
		n       int64
	}
	for _, l := range ls {
		var pats []pat
		var slow []int64
		code, ok := lcodes[l.name()]
		if !ok {
			slow = batches
		} else {
			fast, err := s.batchesWithGroup(ctx, svCode, code)
			if err != nil {
				return err
			}
			for _, b := range batches {
				if _, ok := slices.BinarySearch(fast, b); !ok {
					slow = append(slow, b)
				}
			}
			err = query(ctx, conn, fmt.Sprintf("SELECT wave, pattern, sum(n) AS c FROM %s.pattern_sums WHERE %s AND grp = %d GROUP BY wave, pattern HAVING c != 0",
				s.database, where, code), func(r Rows) error {
				var p pat
				err := r.Scan(&p.wave, &p.pattern, &p.n)
				pats = append(pats, p)
				return err
			})
			if err != nil {
				return err
			}
		}
		if len(slow) > 0 {
			// The pattern of each response, from its answers: per item
			// the answer's distance from the scale's minimum, -1 when
			// skipped.
			var digits []string
			for j, id := range l.Items {
				c, ok := itemCodes[id]
				if !ok {
					digits = append(digits, "toInt64(-1)")
					continue
				}
				digits = append(digits, fmt.Sprintf("if(indexOf(items, %d) = 0, toInt64(-1), vals[indexOf(items, %d)] - %d)", c, c, l.Min[j]))
			}
			// Responses stored by those batches, by their last row.
			err = query(ctx, conn, fmt.Sprintf("SELECT wave, [%s] AS p, toInt64(count()) AS c FROM ("+
				"SELECT id, argMax(wave, (batch, sign)) AS wave, argMax(items, (batch, sign)) AS items, argMax(vals, (batch, sign)) AS vals "+
				"FROM %s.responses WHERE %s GROUP BY id HAVING %s AND argMax(batch, (batch, sign)) IN (%s)) GROUP BY wave, p",
				strings.Join(digits, ", "), s.database, where, liveRule, uints(slow)), func(r Rows) error {
				var p pat
				var ds []int64
				if err := r.Scan(&p.wave, &ds, &p.n); err != nil {
					return err
				}
				b := make([]byte, len(ds))
				for j, d := range ds {
					switch {
					case d == -1:
						b[j] = '.'
					case d >= 0 && d <= int64(l.Max[j]-l.Min[j]):
						b[j] = byte('A' + d)
					default:
						return fmt.Errorf("an answer to item %q is off its scale", l.Items[j])
					}
				}
				p.pattern = string(b)
				pats = append(pats, p)
				return nil
			})
			if err != nil {
				return err
			}
		}
		var waves []uint32
		for _, p := range pats {
			waves = append(waves, p.wave)
		}
		waveN, err := s.namesOf(ctx, kindWave, waves)
		if err != nil {
			return err
		}
		for _, p := range pats {
			if p.n < 0 || strings.ContainsRune(p.pattern, '?') {
				return fmt.Errorf("chstore: wave %q, items %s: pattern %q has an inconsistent sum %d", waveN[p.wave], l.key, p.pattern, p.n)
			}
			out.Patterns[cx.PatternKey{Wave: waveN[p.wave], Items: l.key, Pattern: p.pattern}] += p.n
		}
	}
	return nil
}

// batchesWithGroup returns, sorted, the batches that wrote the pattern
// rows of group grp for their responses to the survey.
func (s *Store) batchesWithGroup(ctx context.Context, svCode, grp uint32) ([]int64, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT batch FROM cxch_batch_groups WHERE survey = $1 AND grp = $2 ORDER BY batch", svCode, grp)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var b int64
		if err := rows.Scan(&b); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// query runs q on conn and calls fn for every row.
func query(ctx context.Context, conn Conn, q string, fn func(Rows) error) error {
	rows, err := conn.Query(ctx, q)
	if err != nil {
		return err
	}
	for rows.Next() {
		if err := fn(rows); err != nil {
			rows.Close()
			return err
		}
	}
	return errors.Join(rows.Err(), rows.Close())
}

func sum(vs []int64) int64 {
	var n int64
	for _, v := range vs {
		n += v
	}
	return n
}
