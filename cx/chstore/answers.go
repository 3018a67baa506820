package chstore

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/metrics"
	"github.com/cxculture/cxculture/survey"
)

// tallyAnswers returns the tallies of the answers of the rows of where,
// per unit, wave and item, for the survey sv (its items by code in items),
// or fails with the answers sv cannot tally (an item it does not have, a
// value off the item's scale) or a sum below zero. Cells with unit, wave
// and item codes up to maxU, maxW and maxI are found in an array (see
// newAnswerSums); the map returned is made with room for cells cells.
//
// Each shard's rows of answer_sums_local are read on a connection to that
// shard, every shard at once, and added up on a goroutine of its own,
// which then puts its cells into the tallies while the other shards' rows
// still arrive. The sums are the cluster's: its views group each batch's
// answers by unit, wave, item and value as they are written, and its
// merges add up a batch's rows of the same cell and value; the read adds
// up the batches the snapshot shows committed (and the rows of parts not
// yet merged), as the GROUP BY of a query would. Reading them as they are
// costs the servers a scan (about 15 ms of CPU for each shard's 326,000
// rows of the 10-million-response benchmark, against 40-65 ms for a GROUP
// BY by a packed key with a column per value, which sends no row before
// it ends), and reading each shard's own table spares the relay of one
// shard's rows through another. A cell's rows are on the shard of its
// unit; the rare cells two shards hold (a unit whose rows were spread by
// an earlier count of shards) are added up. Every shard must answer: an
// error of one fails the tally, naming the shard.
func (s *Store) tallyAnswers(ctx context.Context, opName string, sv survey.Survey, where string, items map[uint32]survey.Item,
	maxU, maxW, maxI uint32, cells int) (map[cx.Cell]metrics.Tally, error) {
	out := make(map[cx.Cell]metrics.Tally, cells)
	var mu sync.Mutex // guards out, unitN, waveN and done
	unitN, waveN := map[uint32]string{}, map[uint32]string{}
	var done []*answerSums // the shards' sums in the tallies
	parts := make([]*answerSums, len(s.shards))
	errs := make([]error, len(s.shards))
	var wg sync.WaitGroup
	for i, c := range s.shards {
		sums := newAnswerSums(items, maxU, maxW, maxI, cells/len(s.shards)+cells/8)
		parts[i] = sums
		wg.Go(func() {
			if err := s.readAnswerSums(ctx, c, where, sums); err != nil {
				errs[i] = fmt.Errorf("chstore: reading the answer sums of shard %d of %d: %w", i+1, len(s.shards), err)
				return
			}
			units, waves := sums.codes()
			un, wn, err := s.unitWaveNames(ctx, units, waves)
			if err != nil {
				errs[i] = err
				return
			}
			mu.Lock()
			defer mu.Unlock()
			maps.Copy(unitN, un)
			maps.Copy(waveN, wn)
			for j := range sums.cells {
				c := &sums.cells[j]
				if d, ok := dupOf(done, c.cellKey); ok {
					// A cell of a shard already in the tallies (same
					// codes, same names): its counts hold both.
					for v, n := range c.counts {
						d.counts[v] += n
					}
					c.counts = nil
					continue
				}
				it, _ := sums.item(c.item)
				out[cx.Cell{Unit: un[c.unit], Wave: wn[c.wave], Item: it.ID}] = metrics.Tally{Min: it.Scale.Min, Max: it.Scale.Max, Counts: c.counts}
			}
			done = append(done, sums)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	off := parts[0].off
	for _, p := range parts[1:] {
		for k, n := range p.off {
			off[k] += n
		}
	}
	if err := s.offScale(ctx, opName, sv, items, off, unitN, waveN); err != nil {
		return nil, err
	}
	for _, p := range parts {
		for _, c := range p.cells {
			if c.counts == nil {
				continue
			}
			it, _ := p.item(c.item)
			var n int64
			for i, v := range c.counts {
				if v < 0 {
					return nil, fmt.Errorf("chstore: unit %s, wave %s, item %s: the sum of answers %d is %d, below zero", unitN[c.unit], waveN[c.wave], it.ID, it.Scale.Min+i, v)
				}
				n += v
			}
			if n == 0 {
				delete(out, cx.Cell{Unit: unitN[c.unit], Wave: waveN[c.wave], Item: it.ID})
			}
		}
	}
	return out, nil
}

// readAnswerSums adds to sums the rows of where of the answer sums of the
// shard conn reaches (its own table).
func (s *Store) readAnswerSums(ctx context.Context, conn Conn, where string, sums *answerSums) error {
	var u, w, it uint32
	var v, n int64
	dst := []any{&u, &w, &it, &v, &n}
	return query(ctx, conn, fmt.Sprintf("SELECT unit, wave, item, value, n FROM %s.answer_sums_local WHERE %s", s.database, where), func(r Rows) error {
		if err := r.Scan(dst...); err != nil {
			return err
		}
		sums.add(u, w, it, v, n)
		return nil
	})
}

// codes returns the distinct unit and wave codes of the cells and of the
// answers off their scale (a few hundred among the cells' hundreds of
// thousands: sorting every cell's codes cost more than the rest of this
// but the map of the tallies).
func (a *answerSums) codes() (units, waves []uint32) {
	us, ws := map[uint32]bool{}, map[uint32]bool{}
	for i, c := range a.cells {
		if i == 0 || c.unit != a.cells[i-1].unit {
			us[c.unit] = true
		}
		if i == 0 || c.wave != a.cells[i-1].wave {
			ws[c.wave] = true
		}
	}
	for k := range a.off {
		us[k.unit], ws[k.wave] = true, true
	}
	return slices.Collect(maps.Keys(us)), slices.Collect(maps.Keys(ws))
}

// offScale fails with the answers of off (answers to items sv does not
// have, or off their item's scale, and their sums) whose sum is not zero,
// naming their units and waves by unitN and waveN.
func (s *Store) offScale(ctx context.Context, opName string, sv survey.Survey, items map[uint32]survey.Item, off map[answerCell]int64, unitN, waveN map[uint32]string) error {
	var offItems []uint32
	for k, n := range off {
		if _, ok := items[k.item]; !ok && n != 0 {
			offItems = append(offItems, k.item)
		}
	}
	itemN, err := s.namesOf(ctx, kindItem, slices.Compact(slices.Sorted(slices.Values(offItems))))
	if err != nil {
		return err
	}
	var problems []cx.Problem
	for _, k := range slices.SortedFunc(maps.Keys(off), func(a, b answerCell) int {
		return cmp.Or(cmp.Compare(a.unit, b.unit), cmp.Compare(a.wave, b.wave), cmp.Compare(a.item, b.item), cmp.Compare(a.value, b.value))
	}) {
		n := off[k]
		if n == 0 {
			continue
		}
		unit, wave := unitN[k.unit], waveN[k.wave]
		if it, ok := items[k.item]; ok {
			problems = append(problems, cx.Problem{Field: fmt.Sprintf("responses[unit %s, wave %s].answers.%s", unit, wave, it.ID),
				Message: fmt.Sprintf("%d stored answers %d, outside scale %s", n, k.value, it.Scale)})
			continue
		}
		problems = append(problems, cx.Problem{Field: fmt.Sprintf("responses[unit %s, wave %s].answers.%s", unit, wave, itemN[k.item]),
			Message: fmt.Sprintf("%d stored answers %d to item %q, which survey %q does not have", n, k.value, itemN[k.item], sv.ID)})
	}
	if len(problems) > 0 {
		return &opError{op: opName, kind: &cx.ValidationError{Problems: problems}}
	}
	return nil
}

// dupOf returns the cell of k of the first of parts that has one.
func dupOf(parts []*answerSums, k cellKey) (*sumCell, bool) {
	for _, p := range parts {
		if j, ok := p.cell(k.unit, k.wave, k.item, false); ok {
			return &p.cells[j], true
		}
	}
	return nil, false
}
