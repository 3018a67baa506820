package chstore

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
)

// writeChunk is the number of responses written per INSERT to a shard:
// as many as the largest group an import stages (stageFlush).
const writeChunk = 1 << 18

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
	slices.SortFunc(rs, func(x, y *rec) int {
		return cmp.Or(cmp.Compare(x.survey, y.survey), cmp.Compare(x.wave, y.wave), cmp.Compare(x.unit, y.unit),
			bytes.Compare(x.id[:], y.id[:]))
	})
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

// patternTable returns the rows of patterns_in of rs: per response, the
// codes of the reliability groups of its survey and its pattern over each.
func patternTable(db string, rs []*rec, groups map[uint32][]groupLayout, sign int8, b uint32) Table {
	nPatterns := 0
	for _, r := range rs {
		nPatterns += len(groups[r.survey])
	}
	pat := patternColumns(len(rs))
	// The patterns of every response in one backing array; the groups'
	// codes shared by the responses of a survey.
	texts := make([]string, 0, nPatterns)
	codes := map[uint32][]uint32{}
	var p patterner
	for _, r := range rs {
		ls := groups[r.survey]
		if len(ls) == 0 {
			continue
		}
		gs, ok := codes[r.survey]
		if !ok {
			for i := range ls {
				gs = append(gs, ls[i].code)
			}
			codes[r.survey] = gs
		}
		lo := len(texts)
		dense := p.load(r, ls)
		for i := range ls {
			if dense {
				texts = append(texts, p.pattern(&ls[i]))
			} else {
				p.buf = ls[i].pattern(r, p.buf)
				texts = append(texts, p.intern())
			}
		}
		pat.add(r, gs, texts[lo:len(texts):len(texts)], sign, b)
	}
	return pat.table(db)
}

// patterner writes the patterns of responses over reliability groups:
// the answers to the groups' items are looked up in an array indexed by
// item code (the codes of one survey's items are close together), and
// each distinct pattern text is allocated once.
type patterner struct {
	lo, hi  uint32  // the codes the array covers
	val     []int64 // answer by code - lo
	has     []bool
	touched []uint32
	buf     []byte
	seen    map[string]string
}

// maxDense bounds the range of item codes looked up in an array.
const maxDense = 1 << 16

// load makes r's answers to the items of ls the ones looked up, and
// reports whether they are: when the codes of ls are spread too far
// apart, they are not, and patterns are written with groupLayout.pattern.
func (p *patterner) load(r *rec, ls []groupLayout) bool {
	for _, c := range p.touched {
		p.has[c-p.lo] = false
	}
	p.touched = p.touched[:0]
	if p.seen == nil {
		p.seen = map[string]string{}
	}
	for i := range ls {
		for _, c := range ls[i].codes {
			if len(p.val) == 0 || c < p.lo || c >= p.hi {
				if !p.grow(ls) {
					return false
				}
			}
		}
	}
	for j, c := range r.items {
		if c >= p.lo && c < p.hi {
			p.val[c-p.lo], p.has[c-p.lo] = r.vals[j], true
			p.touched = append(p.touched, c)
		}
	}
	return true
}

// grow makes the array cover every item code of ls, unless they are
// spread over more than maxDense codes.
func (p *patterner) grow(ls []groupLayout) bool {
	lo, hi := uint32(math.MaxUint32), uint32(0)
	for i := range ls {
		for _, c := range ls[i].codes {
			lo, hi = min(lo, c), max(hi, c+1)
		}
	}
	if len(p.val) > 0 {
		lo, hi = min(lo, p.lo), max(hi, p.hi)
	}
	if hi-lo > maxDense {
		return false
	}
	p.lo, p.hi = lo, hi
	p.val, p.has, p.touched = make([]int64, hi-lo), make([]bool, hi-lo), p.touched[:0]
	return true
}

// pattern returns the pattern of the loaded response over l's items (see
// groupLayout.pattern).
func (p *patterner) pattern(l *groupLayout) string {
	p.buf = p.buf[:0]
	for j, c := range l.codes {
		i := c - p.lo
		switch v := p.val[i]; {
		case !p.has[i]:
			p.buf = append(p.buf, '.')
		case v < int64(l.Min[j]) || v > int64(l.Max[j]):
			p.buf = append(p.buf, '?')
		default:
			p.buf = append(p.buf, byte('A'+v-int64(l.Min[j])))
		}
	}
	return p.intern()
}

// intern returns the text of buf, allocated once per distinct text.
func (p *patterner) intern() string {
	if s, ok := p.seen[string(p.buf)]; ok {
		return s
	}
	s := string(p.buf)
	p.seen[s] = s
	return s
}
