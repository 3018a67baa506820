package chstore

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/metrics"
	"github.com/cxculture/cxculture/survey"
)

// tallyAnswers returns the tallies of the answers of the rows of where,
// per unit, wave and item, for the survey sv (its items by code in items),
// or fails with the answers sv cannot tally (an item it does not have, a
// value off the item's scale) or a sum below zero. Cells with unit, wave
// and item codes up to maxU, maxW and maxI are found in an array (see
// cellIndex); each shard's are kept with room for a share of about cells
// cells, and the map returned is made, when the first cells are put in,
// with room for room() cells.
//
// Each shard's rows of answer_sums_local are read on a connection to that
// shard, every shard at once, and added up on a goroutine of its own,
// which puts its new cells into the tallies (with their counts, still
// being added to) answerChunk at a time as its rows arrive: the map of
// the tallies, which costs the process about as much as reading the rows,
// is built while the servers send them, not after. The sums are the
// cluster's: its views group each batch's answers by unit, wave, item and
// value as they are written, into a row per cell and value that counts
// the value in a column of its own (one for each of the values 0 to 10, a
// map for the others), and its merges add up a batch's rows of the same
// cell into one; the read adds up the batches the snapshot shows
// committed (and the rows of parts not yet merged), as the GROUP BY of a
// query would. Reading them as they are costs the servers a scan (a
// shard's 62,400 rows of the 10-million-response benchmark once merged,
// one per cell; a part no merge has touched, such as the last part
// written, still holds a row per cell and value), which sends rows as it
// reads them, where a GROUP BY sends no row before it ends; and reading
// each shard's own table spares the relay of one shard's rows through
// another. A row per cell rather than per cell and value (326,000 rows a
// shard, five times as many) halves the process's CPU for the read: the
// driver's cost is per column and row. A cell's rows are on the shard of
// its unit; the rare cells two shards hold (a unit whose rows were spread
// by an earlier count of shards) are added up once every shard's rows
// have ended. Every shard
// must answer: an error of one fails the tally, naming the shard, and
// stops the other shards' reads.
func (s *Store) tallyAnswers(ctx context.Context, opName string, sv survey.Survey, where string, items map[uint32]survey.Item,
	maxU, maxW, maxI uint32, cells int, room func() int) (map[cx.Cell]metrics.Tally, error) {
	t := &answerTallies{room: room, unitN: map[uint32]string{}, waveN: map[uint32]string{}}
	parts := make([]*answerSums, len(s.shards))
	for i := range parts {
		parts[i] = newAnswerSums(items, maxU, maxW, maxI, cells/len(s.shards)+cells/8)
	}
	chunk := int(answerChunk.Load())
	err := s.eachShard(ctx, "answer sums", func(ctx context.Context, i int, c Conn) error {
		sums := parts[i]
		put := 0 // the cells in the tallies
		flush := func() error {
			err := t.put(ctx, s, i, sums, put)
			put = len(sums.cells)
			return err
		}
		err := s.readAnswerSums(ctx, c, where, sums, func() error {
			if len(sums.cells)-put < chunk {
				return nil
			}
			return flush()
		})
		if err != nil {
			return err
		}
		return flush()
	})
	if err != nil {
		return nil, err
	}
	// The cells of units away from their shard, added to those of the
	// cell in the tallies (of another shard) or put in.
	for _, d := range t.away {
		c := &parts[d.part].cells[d.cell]
		it, _ := parts[d.part].item(c.item)
		k := cx.Cell{Unit: t.unitN[c.unit], Wave: t.waveN[c.wave], Item: it.ID}
		if in, ok := t.out[k]; ok {
			for v, n := range c.counts {
				in.Counts[v] += n
			}
			c.counts = nil
			continue
		}
		if t.out == nil {
			t.out = make(map[cx.Cell]metrics.Tally, t.room())
		}
		t.out[k] = metrics.Tally{Min: it.Scale.Min, Max: it.Scale.Max, Counts: c.counts}
	}
	off := parts[0].off
	for _, p := range parts[1:] {
		for k, n := range p.off {
			off[k] += n
		}
	}
	var units, waves []uint32
	for k := range off {
		units, waves = append(units, k.unit), append(waves, k.wave)
	}
	un, wn, err := s.unitWaveNames(ctx, units, waves)
	if err != nil {
		return nil, err
	}
	maps.Copy(un, t.unitN)
	maps.Copy(wn, t.waveN)
	if err := s.offScale(ctx, opName, sv, items, off, un, wn); err != nil {
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
					return nil, fmt.Errorf("chstore: unit %s, wave %s, item %s: the sum of answers %d is %d, below zero", un[c.unit], wn[c.wave], it.ID, it.Scale.Min+i, v)
				}
				n += v
			}
			if n == 0 {
				delete(t.out, cx.Cell{Unit: un[c.unit], Wave: wn[c.wave], Item: it.ID})
			}
		}
	}
	if t.out == nil {
		t.out = map[cx.Cell]metrics.Tally{}
	}
	return t.out, nil
}

// answerChunk is the number of new cells of a shard put into the tallies
// at a time while its rows arrive (tests make it smaller).
var answerChunk atomic.Int32

func init() { answerChunk.Store(1 << 14) }

// answerTallies are the tallies of the answers the shards' goroutines put
// their cells into.
type answerTallies struct {
	mu           sync.Mutex
	room         func() int                // the room to make out with
	out          map[cx.Cell]metrics.Tally // made with the first cells put in
	unitN, waveN map[uint32]string
	away         []awayCell // cells of a unit on another shard than the unit's own
}

// awayCell is a shard's cell (indexes of the shard and of the cell).
type awayCell struct{ part, cell int }

// put puts into the tallies the cells of sums (of shard part) from the
// from-th, with the names of their units and waves. A unit's cells on
// its own shard (see Store.shardOf) are put in at once: no other shard's
// cell has their unit, wave and item. The cells of a unit on another
// shard (rows an earlier count of shards spread) are kept in away, to be
// added up once every shard has ended. The counts of the cells put in are
// sums's: they are still being added to.
func (t *answerTallies) put(ctx context.Context, s *Store, part int, sums *answerSums, from int) error {
	cs := sums.cells[from:]
	// The names not known yet (the cells come by wave and unit: a few
	// among thousands).
	var units, waves []uint32
	t.mu.Lock()
	for j, c := range cs {
		if j > 0 && c.unit == cs[j-1].unit && c.wave == cs[j-1].wave {
			continue
		}
		if _, ok := t.unitN[c.unit]; !ok {
			units = append(units, c.unit)
		}
		if _, ok := t.waveN[c.wave]; !ok {
			waves = append(waves, c.wave)
		}
	}
	t.mu.Unlock()
	un, wn, err := s.unitWaveNames(ctx, units, waves)
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.out == nil {
		t.out = make(map[cx.Cell]metrics.Tally, t.room())
	}
	maps.Copy(t.unitN, un)
	maps.Copy(t.waveN, wn)
	var unit, wave string // the names of the cell's unit and wave
	for j, c := range cs {
		if j == 0 || c.unit != cs[j-1].unit {
			unit = t.unitN[c.unit]
		}
		if j == 0 || c.wave != cs[j-1].wave {
			wave = t.waveN[c.wave]
		}
		if s.shardOf(c.unit) != part {
			t.away = append(t.away, awayCell{part, from + j})
			continue
		}
		it, _ := sums.item(c.item)
		t.out[cx.Cell{Unit: unit, Wave: wave, Item: it.ID}] = metrics.Tally{Min: it.Scale.Min, Max: it.Scale.Max, Counts: c.counts}
	}
	return nil
}

// readAnswerSums adds to sums the rows of where of the answer sums of the
// shard conn reaches (its own table), calling each after each row: the
// counts of values 0 to 10, a column each, of every row, then the other
// values of the rows that counted any (otherMap; none on the scales the
// library defines). Columns of integers are scanned one row at a time at
// a small cost each; arrays cost the driver a reflection per value, which
// is why the counts of the common values are columns and not a map.
func (s *Store) readAnswerSums(ctx context.Context, conn Conn, where string, sums *answerSums, each func() error) error {
	var u, w, it uint32
	var counts [countedValues]int64
	dst := []any{&u, &w, &it}
	for v := range counts {
		dst = append(dst, &counts[v])
	}
	err := query(ctx, conn, fmt.Sprintf("SELECT unit, wave, item, %s FROM %s.answer_sums_local WHERE %s", perValue("n%d"), s.database, where), func(r Rows) error {
		if err := r.Scan(dst...); err != nil {
			return err
		}
		sums.addCounts(u, w, it, &counts)
		return each()
	})
	if err != nil {
		return err
	}
	var vals, ns []int64
	return query(ctx, conn, fmt.Sprintf("SELECT unit, wave, item, otherMap.value, otherMap.n FROM %s.answer_sums_local WHERE %s AND notEmpty(otherMap.value)", s.database, where), func(r Rows) error {
		if err := r.Scan(&u, &w, &it, &vals, &ns); err != nil {
			return err
		}
		if len(vals) != len(ns) {
			return fmt.Errorf("chstore: a row of answer_sums holds %d values and %d counts", len(vals), len(ns))
		}
		for j, v := range vals {
			sums.add(u, w, it, v, ns[j])
		}
		return each()
	})
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

// eachShard runs read for every shard at once, each on a goroutine of its
// own, with a context that ends as soon as one of them fails (the other
// shards' reads then stop rather than run to their end), and returns the
// first error, naming its shard and what was read.
func (s *Store) eachShard(ctx context.Context, what string, read func(ctx context.Context, i int, c Conn) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var once sync.Once
	var first error
	var wg sync.WaitGroup
	for i, c := range s.shards {
		wg.Go(func() {
			if err := read(ctx, i, c); err != nil {
				once.Do(func() {
					first = fmt.Errorf("chstore: reading the %s of shard %d of %d: %w", what, i+1, len(s.shards), err)
					cancel()
				})
			}
		})
	}
	wg.Wait()
	return first
}
