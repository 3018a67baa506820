package chstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
)

// writeChunk is the number of responses written per INSERT to a shard.
const writeChunk = 50000

// writeRecs writes the rows of rs with the given sign under batch b:
// responses, answers and, for the reliability groups given by survey code
// (groups[r.survey]), patterns.
func (s *Store) writeRecs(ctx context.Context, b uint32, sign int8, rs []rec, groups map[uint32][]groupLayout) error {
	for lo := 0; lo < len(rs); lo += writeChunk {
		part := rs[lo:min(lo+writeChunk, len(rs))]
		per := make([][]*rec, len(s.shards))
		for i := range part {
			sh := s.shardOf(part[i].unit)
			per[sh] = append(per[sh], &part[i])
		}
		errs := make([]error, len(s.shards))
		var wg sync.WaitGroup
		for sh, recs := range per {
			if len(recs) == 0 {
				continue
			}
			wg.Go(func() { errs[sh] = s.writeShard(ctx, s.shards[sh], b, sign, recs, groups) })
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return err
		}
	}
	return nil
}

// writeShard writes the rows of responses of one shard, each table's
// rows in the order of its sorting key, so that the server has little to
// sort, the three tables at once.
func (s *Store) writeShard(ctx context.Context, conn Conn, b uint32, sign int8, rs []*rec, groups map[uint32][]groupLayout) error {
	slices.SortFunc(rs, func(x, y *rec) int {
		return cmp.Or(cmp.Compare(x.survey, y.survey), cmp.Compare(x.wave, y.wave), cmp.Compare(x.unit, y.unit),
			strings.Compare(string(x.id[:]), string(y.id[:])))
	})
	n := len(rs)
	resp := responseColumns(n)
	nAnswers := 0
	for _, r := range rs {
		nAnswers += len(r.items)
		resp.add(r, b, sign)
	}
	ans := answerColumns(nAnswers)
	var keys []uint64
	var wide []answerPair
	for lo := 0; lo < n; {
		hi := lo + 1
		for hi < n && rs[hi].survey == rs[lo].survey && rs[hi].wave == rs[lo].wave && rs[hi].unit == rs[lo].unit {
			hi++
		}
		// The answers of one survey, wave and unit, by item and value:
		// one integer key each when the value fits 32 bits.
		keys, wide = keys[:0], wide[:0]
		for _, r := range rs[lo:hi] {
			for j, item := range r.items {
				if v := r.vals[j]; v >= math.MinInt32 && v <= math.MaxInt32 {
					keys = append(keys, uint64(item)<<32|uint64(uint32(int32(v))^0x80000000))
				} else {
					wide = append(wide, answerPair{item, v})
				}
			}
		}
		slices.Sort(keys)
		if len(wide) == 0 {
			for _, k := range keys {
				ans.add(rs[lo].survey, rs[lo].wave, rs[lo].unit, uint32(k>>32), int64(int32(uint32(k)^0x80000000)), sign, b)
			}
		} else {
			for _, k := range keys {
				wide = append(wide, answerPair{uint32(k >> 32), int64(int32(uint32(k) ^ 0x80000000))})
			}
			slices.SortFunc(wide, func(x, y answerPair) int { return cmp.Or(cmp.Compare(x.item, y.item), cmp.Compare(x.value, y.value)) })
			for _, p := range wide {
				ans.add(rs[lo].survey, rs[lo].wave, rs[lo].unit, p.item, p.value, sign, b)
			}
		}
		lo = hi
	}
	nPatterns := 0
	for _, r := range rs {
		nPatterns += len(groups[r.survey])
	}
	pat := patternColumns(nPatterns)
	var buf []byte
	for lo := 0; lo < n; {
		hi := lo + 1
		for hi < n && rs[hi].survey == rs[lo].survey && rs[hi].wave == rs[lo].wave {
			hi++
		}
		for _, l := range groups[rs[lo].survey] {
			for _, r := range rs[lo:hi] {
				buf = l.pattern(r, buf)
				pat.add(r.survey, r.wave, r.unit, l.code, string(buf), sign, b)
			}
		}
		lo = hi
	}
	ts := []Table{resp.table(s.database), ans.table(s.database), pat.table(s.database)}
	errs := make([]error, len(ts))
	var wg sync.WaitGroup
	for i, t := range ts {
		if t.Len() == 0 {
			continue
		}
		wg.Go(func() {
			if err := conn.Insert(ctx, t); err != nil {
				errs[i] = fmt.Errorf("chstore: writing to %s: %w", t.Name, err)
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

type answerPair struct {
	item  uint32
	value int64
}
