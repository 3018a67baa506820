package chstore

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
)

// writeChunk is the largest number of responses written per INSERT to a
// shard: as many as the largest group an import stages (stageFlush).
const writeChunk = 1 << 20

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

// writeShard writes the rows of responses of one shard, one row per
// response in each of responses, answers_in (when it has answers) and
// patterns_in (when its survey has reliability groups; see tables),
// in the order of the key of responses, so that neither the server nor the
// views that make the long table have anything to sort. The tables are
// written one after the other, each built just before it is sent: what a
// table holds, and the driver's copy of it, is garbage once it is sent,
// which keeps the import's peak memory down (the shards are written at
// once, so the servers still work side by side).
func (s *Store) writeShard(ctx context.Context, conn Conn, b uint32, sign int8, rs []*rec, groups map[uint32][]groupLayout) error {
	sortByKey(rs)
	gatherAnswers(rs)
	insert := func(t Table) error {
		if t.Len() == 0 {
			return nil
		}
		if err := conn.Insert(ctx, t); err != nil {
			return fmt.Errorf("chstore: writing to %s: %w", t.Name, err)
		}
		return nil
	}
	n := len(rs)
	resp := responseColumns(n)
	for _, r := range rs {
		resp.add(r, b, sign)
	}
	if err := insert(resp.table(s.database)); err != nil {
		return err
	}
	ans := answerColumns(n)
	for _, r := range rs {
		if len(r.items) > 0 {
			ans.add(r, sign, b)
		}
	}
	if err := insert(ans.table(s.database)); err != nil {
		return err
	}
	return insert(patternTable(s.database, rs, groups, sign, b))
}

// sortByKey sorts rs in the order of the key of responses: survey, wave,
// unit, ID. Each response's key is packed first into two integers (and the
// rest of its ID), so that the sort compares integers rather than four
// fields through a function.
func sortByKey(rs []*rec) {
	type keyed struct {
		hi, lo, id uint64 // survey and wave; unit and the ID's first 4 bytes; its next 8
		r          *rec
	}
	ks := make([]keyed, len(rs))
	for i, r := range rs {
		ks[i] = keyed{hi: uint64(r.survey)<<32 | uint64(r.wave), lo: uint64(r.unit)<<32 | uint64(binary.BigEndian.Uint32(r.id[:4])),
			id: binary.BigEndian.Uint64(r.id[4:12]), r: r}
	}
	slices.SortFunc(ks, func(x, y keyed) int {
		switch {
		case x.hi != y.hi:
			return cmp.Compare(x.hi, y.hi)
		case x.lo != y.lo:
			return cmp.Compare(x.lo, y.lo)
		case x.id != y.id:
			return cmp.Compare(x.id, y.id)
		}
		return bytes.Compare(x.r.id[12:], y.r.id[12:])
	})
	for i := range ks {
		rs[i] = ks[i].r
	}
}

// gatherAnswers copies the answers of rs, in their order, into one array
// of items and one of values, and points each response at its part of
// them, so that the three tables (responses, answers_in, and the
// patterns), which read every response's answers in this order, read
// memory in sequence rather than arrays scattered over the group as
// encode made them. The responses are the writer's own (see writeRecs).
func gatherAnswers(rs []*rec) {
	n := 0
	for _, r := range rs {
		n += len(r.items)
	}
	items, vals := make([]uint32, 0, n), make([]int64, 0, n)
	for _, r := range rs {
		if len(r.items) == 0 {
			continue
		}
		lo := len(items)
		items, vals = append(items, r.items...), append(vals, r.vals...)
		r.items, r.vals = items[lo:len(items):len(items)], vals[lo:len(vals):len(vals)]
	}
}

// patternTable returns the rows of patterns_in of rs: per response, the
// codes of the reliability groups of its survey and its pattern over each.
func patternTable(db string, rs []*rec, groups map[uint32][]groupLayout, sign int8, b uint32) Table {
	nPatterns := 0
	for _, r := range rs {
		nPatterns += len(groups[r.survey])
	}
	pat := patternColumns(len(rs))
	// The patterns of every response in one backing array; the groups'
	// codes, and the way to their patterns, made once per survey.
	texts := make([]string, 0, nPatterns)
	plans := map[uint32]*patternPlan{}
	var in interner
	var buf []byte
	for _, r := range rs {
		ls := groups[r.survey]
		if len(ls) == 0 {
			continue
		}
		pl, ok := plans[r.survey]
		if !ok {
			pl = newPatternPlan(ls)
			plans[r.survey] = pl
		}
		lo := len(texts)
		if pl.head != nil {
			buf = pl.fill(r, buf)
			for i := range ls {
				texts = append(texts, in.intern(buf[pl.offs[i]:pl.offs[i+1]]))
			}
		} else {
			for i := range ls {
				buf = ls[i].pattern(r, buf)
				texts = append(texts, in.intern(buf))
			}
		}
		pat.add(r, pl.codes, texts[lo:len(texts):len(texts)], sign, b)
	}
	return pat.table(db)
}

// patternPlan writes the patterns of a survey's responses over its
// reliability groups (see groupLayout.pattern) in one pass over each
// response's answers: the patterns of all the groups side by side in one
// buffer, each answer's letter written where its item's slots say. The
// slots are found in an array indexed by item code (the codes of one
// survey's items are close together); when the groups' codes are spread
// over more than maxDense codes, head is nil and each pattern is written
// by groupLayout.pattern. One pass over the answers spares looking each
// item of each group up apart.
type patternPlan struct {
	codes []uint32 // the groups' codes
	offs  []int    // where each group's pattern begins in the buffer, and the end
	blank []byte   // every pattern skipped: '.' per item
	lo    uint32   // the smallest item code of the groups
	head  []int32  // by item code - lo: the first slot of the item, or -1
	slots []patternSlot
}

// patternSlot is the place of an item in a pattern.
type patternSlot struct {
	pos      int32 // in the buffer
	next     int32 // the item's next slot (in another group), or -1
	min, max int64 // the item's scale
}

// maxDense bounds the range of item codes looked up in an array.
const maxDense = 1 << 16

func newPatternPlan(ls []groupLayout) *patternPlan {
	pl := &patternPlan{offs: []int{0}}
	lo, hi := uint32(math.MaxUint32), uint32(0)
	for i := range ls {
		pl.codes = append(pl.codes, ls[i].code)
		pl.offs = append(pl.offs, pl.offs[i]+len(ls[i].codes))
		for _, c := range ls[i].codes {
			lo, hi = min(lo, c), max(hi, c+1)
		}
	}
	pl.blank = bytes.Repeat([]byte{'.'}, pl.offs[len(ls)])
	if hi <= lo || hi-lo > maxDense {
		return pl
	}
	pl.lo, pl.head = lo, make([]int32, hi-lo)
	for i := range pl.head {
		pl.head[i] = -1
	}
	for i := range ls {
		for j, c := range ls[i].codes {
			pl.slots = append(pl.slots, patternSlot{pos: int32(pl.offs[i] + j), next: pl.head[c-lo],
				min: int64(ls[i].Min[j]), max: int64(ls[i].Max[j])})
			pl.head[c-lo] = int32(len(pl.slots) - 1)
		}
	}
	return pl
}

// fill writes r's patterns over every group into buf, and returns it.
func (pl *patternPlan) fill(r *rec, buf []byte) []byte {
	buf = append(buf[:0], pl.blank...)
	for j, c := range r.items {
		i := c - pl.lo // below lo, it wraps beyond head
		if int64(i) >= int64(len(pl.head)) {
			continue
		}
		for k := pl.head[i]; k >= 0; k = pl.slots[k].next {
			s := &pl.slots[k]
			switch v := r.vals[j]; {
			case v < s.min || v > s.max:
				buf[s.pos] = '?'
			default:
				buf[s.pos] = byte('A' + v - s.min)
			}
		}
	}
	return buf
}

// interner allocates each distinct pattern text once. A pattern of up to
// eight nonzero bytes is found by the integer its bytes make (shorter
// patterns leave the high bytes zero, so they do not collide with longer
// ones), which costs less than hashing the text; a pattern with a zero
// byte (an answer 191 points above its scale's minimum) is found by its
// text.
type interner struct {
	short map[uint64]string
	long  map[string]string
}

func (in *interner) intern(p []byte) string {
	if k, ok := packPattern(p); ok {
		if s, ok := in.short[k]; ok {
			return s
		}
		if in.short == nil {
			in.short = map[uint64]string{}
		}
		s := string(p)
		in.short[k] = s
		return s
	}
	if s, ok := in.long[string(p)]; ok {
		return s
	}
	if in.long == nil {
		in.long = map[string]string{}
	}
	s := string(p)
	in.long[s] = s
	return s
}

// packPattern returns the integer whose bytes, from the lowest, are the
// letters of a pattern of up to eight letters; ok is false for a longer
// pattern, or one with a zero byte.
func packPattern(p []byte) (k uint64, ok bool) {
	if len(p) > 8 {
		return 0, false
	}
	for i, c := range p {
		if c == 0 {
			return 0, false
		}
		k |= uint64(c) << (8 * i)
	}
	return k, true
}
