package chstore

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unsafe"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/survey"
)

// rec is a response as the store writes it: its names as codes of the
// dictionary, its answers as item codes (ascending) and values, its
// segments by key, and the digest of its content. A rec holds no
// reference to the maps of the response it was made from.
type rec struct {
	id                 uuid.UUID
	survey, wave, unit uint32
	submitted          int64
	respondent         string
	comment            string
	segKeys, segVals   []string
	textKeys, textVals []string
	items              []uint32
	vals               []int64
	digest             uint64
}

// size estimates the bytes r holds: its fields, its answers, and the
// texts it refers to.
func (r *rec) size() int {
	n := int(unsafe.Sizeof(*r)) + len(r.respondent) + len(r.comment) + 12*len(r.items)
	for _, ss := range [][]string{r.segKeys, r.segVals, r.textKeys, r.textVals} {
		n += int(unsafe.Sizeof("")) * len(ss)
		for _, s := range ss {
			n += len(s)
		}
	}
	return n
}

// value returns the answer to the item with the given code.
func (r *rec) value(item uint32) (int64, bool) {
	i, ok := slices.BinarySearch(r.items, item)
	if !ok {
		return 0, false
	}
	return r.vals[i], true
}

// encode turns responses into recs, giving codes to the names that have
// none yet (see encodeInto).
func (s *Store) encode(ctx context.Context, rs []survey.Response) ([]rec, error) {
	return s.encodeInto(ctx, nil, rs)
}

// encodeInto appends the recs of rs to dst, giving codes to the names
// that have none yet. Each name is looked up once per response in a map
// of this call's own (the item names of answers first in a small cache
// by the address of their text: readers give every response the same
// texts for the same items); names the dictionary lacks are given codes
// after a first pass, and the responses encoded again.
func (s *Store) encodeInto(ctx context.Context, dst []rec, rs []survey.Response) ([]rec, error) {
	total := 0
	for i := range rs {
		total += len(rs[i].Answers)
	}
	d := coder{s: s, known: map[string]map[string]uint32{}}
	sv, wv, un, it := d.kind(kindSurvey), d.kind(kindWave), d.kind(kindUnit), d.kind(kindItem)
	var sorter answerSorter
	base := len(dst)
	for pass := 0; ; pass++ {
		// One backing array for every response's items and values.
		itemsAll, valsAll := make([]uint32, 0, total), make([]int64, 0, total)
		dst = slices.Grow(dst[:base], len(rs))
		var buf []byte
		for i := range rs {
			r := &rs[i]
			dst = append(dst, rec{id: r.ID, survey: d.code(kindSurvey, sv, r.Survey), wave: d.code(kindWave, wv, r.Wave), unit: d.code(kindUnit, un, r.Unit),
				submitted: r.Submitted.UnixMicro(), respondent: r.Respondent, comment: r.Comment})
			e := &dst[len(dst)-1]
			if len(r.Answers) > 0 {
				lo := len(itemsAll)
				for k, v := range r.Answers {
					itemsAll, valsAll = append(itemsAll, d.item(it, k)), append(valsAll, int64(v))
				}
				e.items, e.vals = itemsAll[lo:len(itemsAll):len(itemsAll)], valsAll[lo:len(valsAll):len(valsAll)]
			}
			if len(d.missing) > 0 {
				continue // encoded again once the names have codes
			}
			sorter.sort(e.items, e.vals)
			e.segKeys, e.segVals = sortedPairs(r.Segments)
			e.textKeys, e.textVals = sortedPairs(r.Texts)
			buf = e.appendDigested(buf[:0], r)
			sum := sha256.Sum256(buf)
			e.digest = binary.LittleEndian.Uint64(sum[:])
		}
		if len(d.missing) == 0 {
			return dst, nil
		}
		if pass > 0 {
			return dst[:base], errors.New("chstore: the dictionary gave no code to some names")
		}
		if err := d.resolve(ctx); err != nil {
			return dst[:base], err
		}
	}
}

// answerSorter sorts a response's answers by item code. The codes of a
// survey's items are close together, so the answers are mostly put in
// place through an array indexed by code, in time proportional to their
// number, where an insertion sort would take time quadratic in it (they
// come in the random order of a Go map); answers whose codes are spread
// too far apart are sorted by insertion (a response has a few dozen
// answers).
type answerSorter struct {
	val []int64
	has []bool
}

func (a *answerSorter) sort(items []uint32, vals []int64) {
	if len(items) < 2 {
		return
	}
	lo, hi := items[0], items[0]
	for _, c := range items[1:] {
		lo, hi = min(lo, c), max(hi, c)
	}
	span := int(hi-lo) + 1
	if span > 4*len(items)+64 {
		for j := 1; j < len(items); j++ {
			for k := j; k > 0 && items[k] < items[k-1]; k-- {
				items[k], items[k-1] = items[k-1], items[k]
				vals[k], vals[k-1] = vals[k-1], vals[k]
			}
		}
		return
	}
	if len(a.has) < span {
		a.val, a.has = make([]int64, span), make([]bool, span)
	}
	for j, c := range items {
		a.val[c-lo], a.has[c-lo] = vals[j], true
	}
	j := 0
	for i := range span {
		if a.has[i] {
			items[j], vals[j] = lo+uint32(i), a.val[i]
			a.has[i] = false
			j++
		}
	}
}

// coder looks up the codes of names for encode.
type coder struct {
	s       *Store
	known   map[string]map[string]uint32 // by kind, then name
	missing map[[2]string]bool
	items   [256]itemSlot
}

// item returns the code of an item's name (see code), first from a
// cache of 256 slots by the address of the name's text, which spares
// hashing the name of every answer: the same address and length are the
// same text, and the cache holds the texts it refers to.
func (d *coder) item(m map[string]uint32, name string) uint32 {
	p := unsafe.StringData(name)
	e := &d.items[(uintptr(unsafe.Pointer(p))>>3)%uintptr(len(d.items))]
	if e.p == p && e.n == len(name) && p != nil {
		return e.code
	}
	c := d.code(kindItem, m, name)
	if c != 0 {
		*e = itemSlot{p: p, n: len(name), code: c}
	}
	return c
}

// itemSlot is a slot of coder's cache of item codes.
type itemSlot struct {
	p    *byte
	n    int
	code uint32
}

// kind returns the map of the known codes of the names of a kind.
func (d *coder) kind(kind string) map[string]uint32 {
	m := map[string]uint32{}
	d.known[kind] = m
	return m
}

// code returns the code of the name of the given kind (whose known codes
// are m), or 0 and notes the name as missing when the dictionary has not
// given it one yet.
func (d *coder) code(kind string, m map[string]uint32, name string) uint32 {
	if c, ok := m[name]; ok {
		return c
	}
	c, ok := d.s.names.cached(kind, name)
	if !ok {
		if d.missing == nil {
			d.missing = map[[2]string]bool{}
		}
		d.missing[[2]string{kind, name}] = true
		return 0
	}
	m[name] = c
	return c
}

// resolve gives codes to the missing names.
func (d *coder) resolve(ctx context.Context) error {
	byKind := map[string][]string{}
	for kn := range d.missing {
		byKind[kn[0]] = append(byKind[kn[0]], kn[1])
	}
	for _, kind := range slices.Sorted(maps.Keys(byKind)) {
		cs, err := d.s.codes(ctx, kind, byKind[kind])
		if err != nil {
			return err
		}
		for n, c := range cs {
			d.known[kind][n] = c
		}
	}
	d.missing = nil
	return nil
}

// sortedPairs returns the keys of m in order and their values.
func sortedPairs(m map[string]string) (keys, vals []string) {
	if len(m) == 0 {
		return nil, nil
	}
	keys = slices.Sorted(maps.Keys(m))
	vals = make([]string, len(keys))
	for i, k := range keys {
		vals[i] = m[k]
	}
	return keys, vals
}

// appendDigested appends what the digest of a response covers: its
// survey, wave and unit, respondent, submitted time, comment, answers
// (by item ID, in the order of the item codes, which are the store's
// own), segments and free-text answers, each string with its length.
func (r *rec) appendDigested(b []byte, resp *survey.Response) []byte {
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	str(resp.Survey)
	str(resp.Wave)
	str(resp.Unit)
	str(resp.Respondent)
	b = binary.AppendVarint(b, r.submitted)
	str(resp.Comment)
	for j, item := range r.items {
		b = binary.AppendUvarint(b, uint64(item))
		b = binary.AppendVarint(b, r.vals[j])
	}
	b = append(b, 0xff)
	for j, k := range r.segKeys {
		str(k)
		str(r.segVals[j])
	}
	b = append(b, 0xfe)
	for j, k := range r.textKeys {
		str(k)
		str(r.textVals[j])
	}
	return b
}

// groupLayout is a reliability group as its pattern rows encode it: the
// items, and the scale bounds the letters of a pattern count from. Its
// JSON text is its name in the dictionary.
type groupLayout struct {
	Items []string `json:"items"`
	Min   []int    `json:"min"`
	Max   []int    `json:"max"`
	code  uint32
	key   string   // the items joined with commas, as cx.PatternKey.Items
	codes []uint32 // the items' codes
}

// layouts returns the reliability groups of sv as layouts.
func layouts(sv survey.Survey) []groupLayout {
	byID := map[string]survey.Item{}
	for _, it := range sv.Items {
		byID[it.ID] = it
	}
	var out []groupLayout
	for _, g := range cx.ReliabilityGroups(sv) {
		l := groupLayout{Items: g, key: strings.Join(g, ",")}
		for _, id := range g {
			l.Min = append(l.Min, byID[id].Scale.Min)
			l.Max = append(l.Max, byID[id].Scale.Max)
		}
		out = append(out, l)
	}
	return out
}

func (l groupLayout) name() string {
	b, _ := json.Marshal(l)
	return string(b)
}

func parseLayout(name string) (groupLayout, error) {
	var l groupLayout
	if err := json.Unmarshal([]byte(name), &l); err != nil || len(l.Min) != len(l.Items) || len(l.Max) != len(l.Items) {
		return l, fmt.Errorf("chstore: the dictionary holds a malformed reliability group %q", name)
	}
	l.key = strings.Join(l.Items, ",")
	return l, nil
}

// pattern returns the pattern text of r over the group's items: a letter
// per item from 'A' for the scale's minimum, '.' for a skipped item, '?'
// for an answer off the scale (a response the tally refuses).
func (l *groupLayout) pattern(r *rec, buf []byte) []byte {
	buf = buf[:0]
	for j, c := range l.codes {
		v, ok := r.value(c)
		switch {
		case !ok:
			buf = append(buf, '.')
		case v < int64(l.Min[j]) || v > int64(l.Max[j]):
			buf = append(buf, '?')
		default:
			buf = append(buf, byte('A'+v-int64(l.Min[j])))
		}
	}
	return buf
}

// withCodes gives the layouts their codes and their items' codes, and
// sorts them by code.
func (s *Store) withCodes(ctx context.Context, ls []groupLayout) error {
	var ns, items []string
	for _, l := range ls {
		ns = append(ns, l.name())
		items = append(items, l.Items...)
	}
	gc, err := s.codes(ctx, kindGroup, ns)
	if err != nil {
		return err
	}
	ic, err := s.codes(ctx, kindItem, items)
	if err != nil {
		return err
	}
	for i := range ls {
		ls[i].code = gc[ls[i].name()]
		ls[i].codes = make([]uint32, len(ls[i].Items))
		for j, id := range ls[i].Items {
			ls[i].codes[j] = ic[id]
		}
	}
	slices.SortFunc(ls, func(a, b groupLayout) int { return cmp.Compare(a.code, b.code) })
	return nil
}

// surveyGroups returns the layouts of the reliability groups of the
// stored surveys among the codes of rs, by survey code; a survey not
// stored has none.
func (s *Store) surveyGroups(ctx context.Context, rs []rec) (map[uint32][]groupLayout, error) {
	var codes []uint32
	for _, r := range rs {
		codes = append(codes, r.survey)
	}
	names, err := s.namesOf(ctx, kindSurvey, codes)
	if err != nil {
		return nil, err
	}
	out := map[uint32][]groupLayout{}
	for code, id := range names {
		sv, err := s.catalog.GetSurvey(ctx, id)
		if errors.Is(err, cx.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		ls := layouts(sv)
		if err := s.withCodes(ctx, ls); err != nil {
			return nil, err
		}
		out[code] = ls
	}
	return out, nil
}

// batchGroups returns the layouts whose pattern rows batch b wrote for
// the responses it stored, by survey code.
func (s *Store) batchGroups(ctx context.Context, b int64) (map[uint32][]groupLayout, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT survey, grp FROM cxch_batch_groups WHERE batch = $1 ORDER BY survey, grp", b)
	if err != nil {
		return nil, fmt.Errorf("chstore: reading the groups of batch %d: %w", b, err)
	}
	var pairs []batchGroup
	for rows.Next() {
		var sv, g int64
		if err := rows.Scan(&sv, &g); err != nil {
			rows.Close()
			return nil, err
		}
		pairs = append(pairs, batchGroup{uint32(sv), uint32(g)})
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, err
	}
	var gs []uint32
	for _, p := range pairs {
		gs = append(gs, p.grp)
	}
	gNames, err := s.namesOf(ctx, kindGroup, gs)
	if err != nil {
		return nil, err
	}
	out := map[uint32][]groupLayout{}
	for _, p := range pairs {
		l, err := parseLayout(gNames[p.grp])
		if err != nil {
			return nil, err
		}
		out[p.survey] = append(out[p.survey], l)
	}
	for sv, ls := range out {
		if err := s.withCodes(ctx, ls); err != nil {
			return nil, err
		}
		out[sv] = ls
	}
	return out, nil
}
