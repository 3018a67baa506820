package chstore

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/survey"
)

// TallyResponses implements [cx.TallyStore]: it returns the tallies of
// the stored responses to f.Survey in f.Waves (every wave when empty;
// the patterns of f.PatternWaves only, when set, none with f.NoPatterns)
// against version f.Version of the survey (the latest when zero), exactly
// as a [cx.Tallier] of that version computes them from the responses,
// from the sums each shard keeps per batch (see "Where the grouping
// happens" in the package documentation) and no response read into the
// process: respondents and comments per unit and wave, answers per unit,
// wave and item, counted by value, and the patterns of each reliability
// group per wave, each summed over the batches that a snapshot of the catalog shows
// committed. Answers the stored survey cannot tally (an item it does not
// have, a value off the item's scale) make the tally fail with an error
// satisfying errors.Is(err, cx.ErrInvalid), as in memory; an unknown
// survey is cx.ErrNotFound. A tally whose context ends before it returns
// fails with the context's error.
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
	out, err := s.tally(ctx, sv, f.Waves, f.PatternWaves, f.NoPatterns)
	if err != nil {
		return nil, wrap(err, opName)
	}
	return out, nil
}

func (s *Store) tally(ctx context.Context, sv survey.Survey, waveIDs, patternWaves []string, noPatterns bool) (*cx.Tallies, error) {
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
	var tallied []uint32 // the waves tallied, nil for every wave
	if len(waveIDs) > 0 {
		wc, err := s.lookup(ctx, kindWave, slices.Compact(slices.Sorted(slices.Values(waveIDs))))
		if err != nil {
			return nil, err
		}
		if len(wc) == 0 {
			return out, nil
		}
		for _, c := range wc {
			tallied = append(tallied, c)
		}
		slices.Sort(tallied)
		cond += " AND wave IN (" + uints(tallied) + ")"
	}
	sn, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	where := sn.where() + " AND " + cond
	// The patterns of the waves asked for only.
	patWhere, patWaves := where, tallied
	if len(patternWaves) > 0 && !noPatterns {
		pc, err := s.lookup(ctx, kindWave, slices.Compact(slices.Sorted(slices.Values(patternWaves))))
		if err != nil {
			return nil, err
		}
		patWaves = nil
		for _, c := range pc {
			if tallied == nil || slices.Contains(tallied, c) {
				patWaves = append(patWaves, c)
			}
		}
		slices.Sort(patWaves)
		noPatterns = len(patWaves) == 0
		patWhere += " AND wave IN (" + uints(patWaves) + ")"
	}
	maxU, maxW, maxI, err := s.maxCodes(ctx)
	if err != nil {
		return nil, err
	}
	// The survey's items by code (the codes of items it has that no
	// response answered are unused).
	ids := make([]string, len(sv.Items))
	for i, it := range sv.Items {
		ids[i] = it.ID
	}
	itemCodes, err := s.lookup(ctx, kindItem, ids)
	if err != nil {
		return nil, err
	}
	byCode := map[uint32]survey.Item{}
	for id, code := range itemCodes {
		byCode[code] = items[id]
	}
	// The patterns computed from responses (batches stored before their
	// survey had its reliability groups) are read through the
	// distributed tables, coordinated by a shard taking turns.
	other := s.coordinator()

	// Respondents and comments per unit and wave, from every shard's own
	// sums at once (see groupSums), and the batches of the rows of the
	// pattern waves.
	var groups map[unitWave]groupCounts
	var batches []int64
	var groupsErr error
	groupsRead := make(chan struct{})
	groupsQuery := func() error {
		defer close(groupsRead)
		groups, batches, groupsErr = s.groupSums(ctx, where, patWaves)
		return groupsErr
	}
	batchesOf := func() ([]int64, error) {
		<-groupsRead
		return batches, groupsErr
	}

	// Answers per unit, wave and item, by value: every shard's sums, read
	// from its own table (see tallyAnswers), into at most a cell per
	// unit, wave tallied and item of the survey.
	waves := len(tallied)
	if waves == 0 {
		waves = int(maxW)
	}
	cells := int(min(float64(maxU)*float64(waves)*float64(len(byCode)), 1<<17))
	// The room the answers' map is made with: a cell per unit and wave
	// with respondents and item of the survey once the respondents are
	// read (the bound above is loose when the dictionary holds many more
	// units or waves than the survey has), the bound above before.
	room := func() int {
		select {
		case <-groupsRead:
			if groupsErr == nil {
				return len(groups) * len(byCode)
			}
		default:
		}
		return cells
	}
	// The three sums at once, each made into its part of the tallies on
	// its own goroutine; the patterns into tallies of their own.
	groupsTallies := func() error {
		if err := groupsQuery(); err != nil {
			return err
		}
		var unitCodes, waveCodes []uint32
		for k := range groups {
			unitCodes, waveCodes = append(unitCodes, k.unit), append(waveCodes, k.wave)
		}
		unitN, waveN, err := s.unitWaveNames(ctx, unitCodes, waveCodes)
		if err != nil {
			return err
		}
		out.Respondents, out.Comments = make(map[cx.Group]int64, len(groups)), make(map[cx.Group]int64, len(groups))
		for k, g := range groups {
			if g.respondents < 0 || g.comments < 0 || g.comments > g.respondents {
				return fmt.Errorf("chstore: unit %q, wave %q: the sums of respondents (%d) and comments (%d) are inconsistent", unitN[k.unit], waveN[k.wave], g.respondents, g.comments)
			}
			key := cx.Group{Unit: unitN[k.unit], Wave: waveN[k.wave]}
			if g.respondents > 0 {
				out.Respondents[key] = g.respondents
			}
			if g.comments > 0 {
				out.Comments[key] = g.comments
			}
		}
		return nil
	}
	pats := cx.NewTallies(sv.ID)
	errs := make([]error, 3)
	var wg sync.WaitGroup
	wg.Go(func() { errs[0] = groupsTallies() })
	wg.Go(func() {
		out.Answers, errs[1] = s.tallyAnswers(ctx, opName, sv, where, byCode, maxU, maxW, maxI, cells, room)
	})
	if !noPatterns {
		wg.Go(func() { errs[2] = s.tallyPatterns(ctx, other, sv, svCode, patWhere, patWaves, maxW, batchesOf, pats) })
	}
	wg.Wait()
	// The context may end after the last rows arrived (the driver has
	// them all): the tally fails all the same.
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	switch {
	case errs[0] != nil && errs[1] != nil:
		return nil, errors.Join(errs[0], errs[1])
	case errs[0] != nil:
		return nil, errs[0]
	case errs[1] != nil:
		return nil, errs[1]
	}
	// With every answer on its scale, the patterns are sound.
	if errs[2] != nil {
		return nil, errs[2]
	}
	out.Patterns = pats.Patterns
	return out, nil
}

// tallyPatterns adds the patterns of each reliability group of sv to out,
// reading the rows of where (of the waves given, sorted, or of every wave
// when nil); batches returns the batches with responses in those rows.
func (s *Store) tallyPatterns(ctx context.Context, conn Conn, sv survey.Survey, svCode uint32, where string, waves []uint32, maxW uint32,
	batches func() ([]int64, error), out *cx.Tallies) error {
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
	var codes []uint32
	var sizes, spans []int
	keyOf := map[uint32]string{}
	for _, l := range ls {
		if c, ok := lcodes[l.name()]; ok {
			keyOf[c] = l.key
			codes, sizes = append(codes, c), append(sizes, len(l.Items))
			spans = append(spans, l.Max[len(l.Max)-1]-l.Min[len(l.Min)-1])
		}
	}
	// The sums of every group that batches wrote, read in parts of a few
	// waves each, one part after the other, while the batches without
	// them are looked for and the parts already read are made into
	// tallies: the shards send (and the shards' goroutines add up) the
	// next part while the process builds the map of the last (a map of
	// hundreds of thousands of patterns costs the process about as much
	// as reading their sums).
	parts := waveParts(waves)
	sums := make(chan patternPart, len(parts))
	pctx, cancel := context.WithCancel(ctx)
	go func() {
		defer close(sums)
		for _, p := range parts {
			part := patternPart{}
			cond := where
			if p != nil {
				cond += " AND wave IN (" + uints(p) + ")"
			}
			part.err = s.patternSums(pctx, cond, codes, sizes, spans, maxW, &part.sums)
			if part.err == nil && pctx.Err() != nil {
				part.err = pctx.Err() // the parts left are not read
			}
			sums <- part
			if part.err != nil {
				return
			}
		}
	}()
	defer func() {
		cancel()
		for range sums {
		}
	}()
	bs, err := batches()
	if err != nil {
		return err
	}
	computed, err := s.computedPatterns(ctx, conn, ls, lcodes, svCode, where, bs)
	if err != nil {
		return err
	}
	texts := map[uint64]string{}
	read := 0
	for part := range sums {
		if part.err != nil {
			return part.err
		}
		read++
		if out.Patterns == nil {
			// Sized for as many patterns in every part as in the first.
			n := len(computed)
			for _, c := range part.sums.counts {
				if c != 0 {
					n += len(parts)
				}
			}
			out.Patterns = make(map[cx.PatternKey]int64, n+n/8)
		}
		if err := s.addPatternSums(ctx, &part.sums, keyOf, texts, out.Patterns); err != nil {
			return err
		}
	}
	if read < len(parts) {
		return cmp.Or(ctx.Err(), errors.New("chstore: the pattern sums of some waves were not read"))
	}
	if out.Patterns == nil {
		out.Patterns = map[cx.PatternKey]int64{}
	}
	if len(computed) > 0 {
		var ws []uint32
		for _, p := range computed {
			ws = append(ws, p.wave)
		}
		waveN, err := s.namesOf(ctx, kindWave, ws)
		if err != nil {
			return err
		}
		for _, p := range computed {
			out.Patterns[cx.PatternKey{Wave: waveN[p.wave], Items: p.key, Pattern: p.pattern}] += p.n
		}
	}
	for k, n := range out.Patterns {
		// A pattern's rows of several batches (a response written, then
		// deleted or replaced) may add up to 0: gone, whatever its text.
		switch {
		case n == 0:
			delete(out.Patterns, k)
		case n < 0 || strings.ContainsRune(k.Pattern, '?'):
			return fmt.Errorf("chstore: wave %q, items %s: pattern %q has an inconsistent sum %d", k.Wave, k.Items, k.Pattern, n)
		}
	}
	return nil
}

// patternPart is the pattern sums of a part of the waves tallied.
type patternPart struct {
	sums patternSums
	err  error
}

// patternParts is the number of parts the pattern sums of several waves
// are read in. Each part costs the cluster a query per shard, and the
// last part's map is built after the shards end: more parts would cost
// more queries for a shorter tail.
const patternParts = 4

// waveParts splits the sorted wave codes into at most patternParts runs
// of about as many waves each: one part when there are fewer than two
// (nil, every wave, when there are none).
func waveParts(waves []uint32) [][]uint32 {
	if len(waves) < 2 {
		return [][]uint32{waves}
	}
	n := min(patternParts, len(waves))
	out := make([][]uint32, 0, n)
	for i := range n {
		out = append(out, waves[i*len(waves)/n:(i+1)*len(waves)/n])
	}
	return out
}

// addPatternSums adds to out the pattern sums of sm (groups by code in
// keyOf), their texts shared through texts.
func (s *Store) addPatternSums(ctx context.Context, sm *patternSums, keyOf map[uint32]string, texts map[uint64]string, out map[cx.PatternKey]int64) error {
	var waves []uint32
	for _, k := range sm.keys {
		_, w, _, _ := sm.key.decode(k)
		if len(waves) == 0 || waves[len(waves)-1] != w {
			waves = append(waves, w)
		}
	}
	for _, p := range sm.rest {
		waves = append(waves, p.wave)
	}
	waveN, err := s.namesOf(ctx, kindWave, waves)
	if err != nil {
		return err
	}
	letters := sm.key.letters
	for i, k := range sm.keys {
		grp, wave, length, prefix := sm.key.decode(k)
		for j, n := range sm.counts[i*len(letters) : (i+1)*len(letters)] {
			if n == 0 {
				continue
			}
			tk := prefix | uint64(length)<<56 | uint64(j)<<60
			text, ok := texts[tk]
			if !ok {
				var b [8]byte
				binary.LittleEndian.PutUint64(b[:], prefix)
				b[length-1] = letters[j]
				text = string(b[:length])
				texts[tk] = text
			}
			out[cx.PatternKey{Wave: waveN[wave], Items: keyOf[grp], Pattern: text}] += n
		}
	}
	for _, p := range sm.rest {
		out[cx.PatternKey{Wave: waveN[p.wave], Items: keyOf[p.grp], Pattern: p.pattern}] += p.n
	}
	return nil
}

// computedPatterns returns the patterns of the layouts ls (groups by code
// in lcodes) computed on the cluster from the answers of the responses of
// where stored by those of batches (the batches with responses in those
// rows) that did not write the sums of their group.
func (s *Store) computedPatterns(ctx context.Context, conn Conn, ls []groupLayout, lcodes map[string]uint32, svCode uint32, where string, batches []int64) ([]pat, error) {
	if len(batches) == 0 {
		return nil, nil
	}
	itemCodes, err := s.lookup(ctx, kindItem, slices.Concat(func() [][]string {
		var all [][]string
		for _, l := range ls {
			all = append(all, l.Items)
		}
		return all
	}()...))
	if err != nil {
		return nil, err
	}
	// Patterns computed from the responses of batches stored before the
	// survey had a group.
	var computed []pat
	for _, l := range ls {
		var slow []int64
		code, ok := lcodes[l.name()]
		if !ok {
			slow = batches
		} else {
			fast, err := s.batchesWithGroup(ctx, svCode, code)
			if err != nil {
				return nil, err
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
				digits = append(digits, fmt.Sprintf("if(indexOf(its, %d) = 0, toInt64(-1), vs[indexOf(its, %d)] - %d)", c, c, l.Min[j]))
			}
			// Responses stored by those batches, by their last row
			// (named apart from the columns, which the condition on
			// the rows reads: 18.16 would read an alias named as a
			// column there).
			err = query(ctx, conn, fmt.Sprintf("SELECT w, [%s] AS p, toInt64(count()) AS c FROM ("+
				"SELECT id, argMax(wave, (batch, sign)) AS w, argMax(items, (batch, sign)) AS its, argMax(vals, (batch, sign)) AS vs "+
				"FROM %s.responses WHERE %s GROUP BY id HAVING %s AND argMax(batch, (batch, sign)) IN (%s)) GROUP BY w, p",
				strings.Join(digits, ", "), s.database, where, liveRule, uints(slow)), func(r Rows) error {
				p := pat{key: l.key}
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
				computed = append(computed, p)
				return nil
			})
			if err != nil {
				return nil, err
			}
		}
	}
	return computed, nil
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

// unitWaveNames returns the names of the unit and wave codes given (with
// repeats, in any order).
func (s *Store) unitWaveNames(ctx context.Context, units, waves []uint32) (unitN, waveN map[uint32]string, err error) {
	if unitN, err = s.namesOf(ctx, kindUnit, slices.Compact(slices.Sorted(slices.Values(units)))); err != nil {
		return nil, nil, err
	}
	if waveN, err = s.namesOf(ctx, kindWave, slices.Compact(slices.Sorted(slices.Values(waves)))); err != nil {
		return nil, nil, err
	}
	return unitN, waveN, nil
}
