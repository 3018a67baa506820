package chstore

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

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

	// Every query groups by unit (or by wave) first: a unit's rows are on
	// one shard, so each shard's groups are final (distributed_group_by_
	// no_merge) and the process adds up the rare groups that two shards
	// return (a unit whose rows were spread by an earlier count of
	// shards).
	const noMerge = " SETTINGS distributed_group_by_no_merge = 1"

	// Respondents and comments per unit and wave.
	type uw struct{ unit, wave uint32 }
	type counts struct{ respondents, comments int64 }
	groups := map[uw]counts{}
	groupsQuery := func() error {
		return query(ctx, conn, fmt.Sprintf("SELECT unit, wave, sum(respondents), sum(comments) FROM %s.group_sums WHERE %s GROUP BY unit, wave",
			s.database, where)+noMerge, func(r Rows) error {
			var k uw
			var n, c int64
			if err := r.Scan(&k.unit, &k.wave, &n, &c); err != nil {
				return err
			}
			g := groups[k]
			groups[k] = counts{g.respondents + n, g.comments + c}
			return nil
		})
	}

	// Answers per unit and wave: the items, values and counts, as the
	// sums of a map keyed by item and value (value plus 2^31 in the low
	// 32 bits); values beyond 32 bits, which no usual scale has, are
	// counted apart and read again one by one.
	type cell struct {
		items         []uint32
		values, count []int64
	}
	cells := map[uw][]cell{}
	const fits = "value BETWEEN -2147483648 AND 2147483647"
	var wide int64
	sumMap := fmt.Sprintf("sumMapIf([toUInt64(item) * 4294967296 + toUInt64(value + 2147483648)], [n], %s)", fits)
	answersQuery := func() error {
		// Each shard sums its units' maps; the coordinator only flattens
		// them into rows (cheaper to read than arrays), keeping the units
		// whose map is empty for their count of wide values.
		var last uw
		var cur *cell
		err := query(ctx, conn, fmt.Sprintf("SELECT unit, wave, k, v, w FROM (SELECT unit, wave, %s AS m, toInt64(sumIf(abs(n), NOT (%s))) AS w "+
			"FROM %s.answer_sums WHERE %s GROUP BY unit, wave) LEFT ARRAY JOIN tupleElement(m, 1) AS k, tupleElement(m, 2) AS v",
			sumMap, fits, s.database, where)+noMerge, func(r Rows) error {
			var k uw
			var key uint64
			var n, w int64
			if err := r.Scan(&k.unit, &k.wave, &key, &n, &w); err != nil {
				return err
			}
			if cur == nil || k != last {
				wide += w
				cells[k] = append(cells[k], cell{})
				cur, last = &cells[k][len(cells[k])-1], k
			}
			if key == 0 {
				return nil // an empty map (item codes start at 1)
			}
			cur.items = append(cur.items, uint32(key>>32))
			cur.values = append(cur.values, int64(key&0xffffffff)-1<<31)
			cur.count = append(cur.count, n)
			return nil
		})
		if err != nil || wide == 0 {
			return err
		}
		{
			err = query(ctx, conn, fmt.Sprintf("SELECT unit, wave, item, value, sum(n) AS c FROM %s.answer_sums WHERE %s AND NOT (%s) GROUP BY unit, wave, item, value HAVING c != 0",
				s.database, where, fits)+noMerge, func(r Rows) error {
				var k uw
				c := cell{items: make([]uint32, 1), values: make([]int64, 1), count: make([]int64, 1)}
				if err := r.Scan(&k.unit, &k.wave, &c.items[0], &c.values[0], &c.count[0]); err != nil {
					return err
				}
				cells[k] = append(cells[k], c)
				return nil
			})
		}
		return err
	}
	// The three sums at once; the patterns into tallies of their own.
	pats := cx.NewTallies(sv.ID)
	errs := make([]error, 3)
	var wg sync.WaitGroup
	wg.Go(func() { errs[0] = groupsQuery() })
	wg.Go(func() { errs[1] = answersQuery() })
	wg.Go(func() { errs[2] = s.tallyPatterns(ctx, conn, sv, svCode, where, pats) })
	wg.Wait()
	if err := errors.Join(errs[0], errs[1]); err != nil {
		return nil, err
	}
	var unitCodes, waveCodes, itemCodes []uint32
	for k := range groups {
		unitCodes, waveCodes = append(unitCodes, k.unit), append(waveCodes, k.wave)
	}
	for k, cs := range cells {
		unitCodes, waveCodes = append(unitCodes, k.unit), append(waveCodes, k.wave)
		for _, c := range cs {
			itemCodes = append(itemCodes, c.items...)
		}
	}
	unitN, err := s.namesOf(ctx, kindUnit, unitCodes)
	if err != nil {
		return nil, err
	}
	waveN, err := s.namesOf(ctx, kindWave, waveCodes)
	if err != nil {
		return nil, err
	}
	itemN, err := s.namesOf(ctx, kindItem, itemCodes)
	if err != nil {
		return nil, err
	}
	for k, g := range groups {
		if g.respondents < 0 || g.comments < 0 || g.comments > g.respondents {
			return nil, fmt.Errorf("chstore: unit %q, wave %q: the sums of respondents (%d) and comments (%d) are inconsistent", unitN[k.unit], waveN[k.wave], g.respondents, g.comments)
		}
		key := cx.Group{Unit: unitN[k.unit], Wave: waveN[k.wave]}
		if g.respondents > 0 {
			out.Respondents[key] = g.respondents
		}
		if g.comments > 0 {
			out.Comments[key] = g.comments
		}
	}
	// The survey's items by code, and the codes it does not have.
	byCode := map[uint32]survey.Item{}
	for code, name := range itemN {
		if it, ok := items[name]; ok {
			byCode[code] = it
		}
	}
	var problems []cx.Problem
	for k, cs := range cells {
		unit, wave := unitN[k.unit], waveN[k.wave]
		local := map[uint32]*metrics.Tally{}
		for _, c := range cs {
			for j, code := range c.items {
				v, n := c.values[j], c.count[j]
				it, ok := byCode[code]
				if !ok {
					problems = append(problems, cx.Problem{Field: fmt.Sprintf("responses[unit %s, wave %s].answers.%s", unit, wave, itemN[code]),
						Message: fmt.Sprintf("%d stored answers %d to item %q, which survey %q does not have", n, v, itemN[code], sv.ID)})
					continue
				}
				if v < int64(it.Scale.Min) || v > int64(it.Scale.Max) {
					problems = append(problems, cx.Problem{Field: fmt.Sprintf("responses[unit %s, wave %s].answers.%s", unit, wave, it.ID),
						Message: fmt.Sprintf("%d stored answers %d, outside scale %s", n, v, it.Scale)})
					continue
				}
				t := local[code]
				if t == nil {
					t = &metrics.Tally{Min: it.Scale.Min, Max: it.Scale.Max, Counts: make([]int64, it.Scale.Points())}
					local[code] = t
				}
				t.Counts[v-int64(it.Scale.Min)] += n
			}
		}
		for code, t := range local {
			for i, n := range t.Counts {
				if n < 0 {
					return nil, fmt.Errorf("chstore: unit %s, wave %s, item %s: the sum of answers %d is %d, below zero", unit, wave, byCode[code].ID, t.Min+i, n)
				}
			}
			out.Answers[cx.Cell{Unit: unit, Wave: wave, Item: byCode[code].ID}] = *t
		}
	}
	if len(problems) > 0 {
		return nil, &opError{op: opName, kind: &cx.ValidationError{Problems: problems}}
	}
	// With every answer on its scale, the patterns are sound.
	if errs[2] != nil {
		return nil, errs[2]
	}
	out.Patterns = pats.Patterns
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
	// The sums of every group that batches wrote: the patterns of groups
	// of up to 8 items read as 8-byte integers (grouping by an integer is
	// cheaper than by a string), the others as text; patterns are not
	// kept by unit, so both shards have most of them, and the coordinator
	// adds them up.
	var short, long []uint32
	size := map[uint32]int{}
	for _, l := range ls {
		if c, ok := lcodes[l.name()]; ok {
			size[c] = len(l.Items)
			if len(l.Items) <= 8 {
				short = append(short, c)
			} else {
				long = append(long, c)
			}
		}
	}
	summed := map[uint32][]pat{}
	if len(short) > 0 {
		texts := map[uint64]string{}
		err = query(ctx, conn, fmt.Sprintf("SELECT grp, wave, reinterpretAsUInt64(pattern) AS p, sum(n) AS c FROM %s.pattern_sums WHERE %s AND grp IN (%s) GROUP BY grp, wave, p HAVING c != 0",
			s.database, where, uints(short)), func(r Rows) error {
			var g uint32
			var code uint64
			var p pat
			if err := r.Scan(&g, &p.wave, &code, &p.n); err != nil {
				return err
			}
			text, ok := texts[code]
			if !ok {
				var b [8]byte
				binary.LittleEndian.PutUint64(b[:], code)
				text = string(b[:size[g]])
				texts[code] = text
			}
			p.pattern = text
			summed[g] = append(summed[g], p)
			return nil
		})
		if err != nil {
			return err
		}
	}
	if len(long) > 0 {
		err = query(ctx, conn, fmt.Sprintf("SELECT grp, wave, pattern, sum(n) AS c FROM %s.pattern_sums WHERE %s AND grp IN (%s) GROUP BY grp, wave, pattern HAVING c != 0",
			s.database, where, uints(long)), func(r Rows) error {
			var g uint32
			var p pat
			err := r.Scan(&g, &p.wave, &p.pattern, &p.n)
			summed[g] = append(summed[g], p)
			return err
		})
		if err != nil {
			return err
		}
	}
	for _, l := range ls {
		var slow []int64
		code, ok := lcodes[l.name()]
		pats := summed[code]
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
			// Responses stored by those batches, by their last row; their
			// answers split out of their text.
			err = query(ctx, conn, fmt.Sprintf("SELECT wave, [%s] AS p, toInt64(count()) AS c FROM ("+
				"SELECT wave, arrayFilter(x -> x != '', splitByChar(' ', a)) AS fields, "+
				"arrayMap(x -> toUInt32(substring(x, 1, position(x, ':') - 1)), fields) AS items, "+
				"arrayMap(x -> toInt64(substring(x, position(x, ':') + 1)), fields) AS vals FROM ("+
				"SELECT id, argMax(wave, (batch, sign)) AS wave, argMax(answers, (batch, sign)) AS a "+
				"FROM %s.responses WHERE %s GROUP BY id HAVING %s AND argMax(batch, (batch, sign)) IN (%s))) GROUP BY wave, p",
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
		if len(out.Patterns) == 0 {
			out.Patterns = make(map[cx.PatternKey]int64, len(pats)*len(ls))
		}
		for _, p := range pats {
			out.Patterns[cx.PatternKey{Wave: waveN[p.wave], Items: l.key, Pattern: p.pattern}] += p.n
		}
	}
	for k, n := range out.Patterns {
		switch {
		case n < 0 || strings.ContainsRune(k.Pattern, '?'):
			return fmt.Errorf("chstore: wave %q, items %s: pattern %q has an inconsistent sum %d", k.Wave, k.Items, k.Pattern, n)
		case n == 0:
			delete(out.Patterns, k)
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
	return query2(ctx, conn, q, nil, fn)
}

// query2 runs q on conn with external tables and calls fn for every row.
func query2(ctx context.Context, conn Conn, q string, ext []Table, fn func(Rows) error) error {
	rows, err := conn.Query(ctx, q, ext...)
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
