package chstore

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/survey"
)

// CreateResponses implements [survey.ResponseStore]: the batch is written
// to the cluster under a new batch number and becomes visible, all at
// once, when the catalog marks the batch committed. Responses stored
// already (in a committed batch) with the same content add nothing; one
// with the same ID and different content fails the whole batch with
// cx.ErrAlreadyExists before anything is written. If writing fails, the
// batch is marked failed, no read ever sees its rows, and calling
// CreateResponses again with the same responses stores them.
func (s *Store) CreateResponses(ctx context.Context, rs []survey.Response) (int, error) {
	const opName = "create responses"
	uniq := make([]survey.Response, 0, len(rs))
	seen := make(map[uuid.UUID]int, len(rs))
	for i, r := range rs {
		if j, ok := seen[r.ID]; ok {
			if !uniq[j].Equal(r) {
				return 0, alreadyExists(opName, fmt.Sprintf("responses[%d] and an earlier response of the batch differ under ID %s", i, r.ID))
			}
			continue
		}
		seen[r.ID] = len(uniq)
		uniq = append(uniq, r)
	}
	if len(uniq) == 0 {
		return 0, nil
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	for attempt := 0; ; attempt++ {
		n, err := s.createOnce(ctx, uniq)
		if errors.Is(err, errRace) && attempt < 5 {
			continue // another process stored some of them meanwhile: look again
		}
		return n, wrap(err, opName)
	}
}

// createOnce stores the responses of rs (distinct IDs) not stored yet, in
// one batch.
func (s *Store) createOnce(ctx context.Context, rs []survey.Response) (int, error) {
	sn, err := s.snapshot(ctx)
	if err != nil {
		return 0, err
	}
	digests := make([]uint64, len(rs))
	for i := range rs {
		digests[i] = digest(rs[i])
	}
	stored, err := s.storedDigests(ctx, sn, idsOf(rs))
	if err != nil {
		return 0, err
	}
	var fresh []survey.Response
	for i, r := range rs {
		d, ok := stored[r.ID]
		switch {
		case !ok:
			fresh = append(fresh, r)
		case d != digests[i]:
			return 0, &opError{op: "create responses", kind: cx.ErrAlreadyExists,
				err: fmt.Errorf("response %s is stored with different content", r.ID)}
		}
	}
	if len(fresh) == 0 {
		return 0, nil
	}
	b, err := s.beginBatch(ctx)
	if err != nil {
		return 0, err
	}
	groups, err := s.writeResponses(ctx, uint32(b), 1, fresh, nil)
	if err != nil {
		s.failBatch(ctx, b, err)
		return 0, err
	}
	ids := idsOf(fresh)
	err = s.commitBatch(ctx, b, len(fresh), sn, groups, func(since []int64) (bool, error) {
		return s.anyTouched(ctx, since, ids)
	}, nil)
	if err != nil {
		if !errors.Is(err, errRace) {
			s.failBatch(ctx, b, err)
		}
		return 0, err
	}
	return len(fresh), nil
}

// DeleteResponse implements [survey.ResponseStore]: in a batch of its
// own it writes the response's answers and patterns again with sign -1,
// and a tombstone (its ID and keys, without its content) in the table of
// responses, so that every sum and every read leaves it out from the
// moment the batch commits. The row that holds the response's content
// (respondent, comment, segments, answers) is then erased from the
// shards' disks by a mutation: the catalog records the erasure with the
// batch, and the store asks the shards for the erasures recorded in
// groups (see [Store.Erase]). The long tables of answers and patterns
// hold none of that content, only the counts the response added and took
// away.
func (s *Store) DeleteResponse(ctx context.Context, id uuid.UUID) error {
	opName := "delete response " + id.String()
	s.wmu.Lock()
	defer s.wmu.Unlock()
	for attempt := 0; ; attempt++ {
		err := s.deleteOnce(ctx, id)
		if errors.Is(err, errRace) && attempt < 5 {
			continue
		}
		return wrap(err, opName)
	}
}

func (s *Store) deleteOnce(ctx context.Context, id uuid.UUID) error {
	sn, err := s.snapshot(ctx)
	if err != nil {
		return err
	}
	live, err := s.liveResponses(ctx, sn, "id IN ids", []uuid.UUID{id}, "", 0, 0)
	if err != nil {
		return err
	}
	if len(live) == 0 {
		return &opError{op: "delete response " + id.String(), kind: cx.ErrNotFound}
	}
	r := live[0]
	// The -1 rows of patterns mirror the +1 rows: the groups the batch
	// that stored the response wrote.
	groups, err := s.batchGroups(ctx, r.batch)
	if err != nil {
		return err
	}
	b, err := s.beginBatch(ctx)
	if err != nil {
		return err
	}
	written, err := s.writeResponses(ctx, uint32(b), -1, []survey.Response{r.Response}, groups)
	if err != nil {
		s.failBatch(ctx, b, err)
		return err
	}
	err = s.commitBatch(ctx, b, 1, sn, written, func(since []int64) (bool, error) {
		return s.anyTouched(ctx, since, []uuid.UUID{id})
	}, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO cxch_erasures (id, before) VALUES ($1, $2)", hex.EncodeToString(id[:]), b)
		return err
	})
	if err != nil {
		if !errors.Is(err, errRace) {
			s.failBatch(ctx, b, err)
		}
		return err
	}
	return s.eraseIfMany(context.WithoutCancel(ctx))
}

func idsOf(rs []survey.Response) []uuid.UUID {
	out := make([]uuid.UUID, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

// idTable is an external table of response IDs, named ids.
func idTable(ids []uuid.UUID) Table {
	col := make([]string, len(ids))
	for i, id := range ids {
		col[i] = string(id[:])
	}
	return Table{Name: "ids", Columns: []Column{{Name: "id", Type: "FixedString(16)", Data: col}}}
}

// storedDigests returns the digest of each response among ids that the
// snapshot sees stored.
func (s *Store) storedDigests(ctx context.Context, sn snapshot, ids []uuid.UUID) (map[uuid.UUID]uint64, error) {
	out := map[uuid.UUID]uint64{}
	const page = 200000
	for lo := 0; lo < len(ids); lo += page {
		part := ids[lo:min(lo+page, len(ids))]
		q := fmt.Sprintf("SELECT id, argMax(digest, (batch, sign)) FROM %s.responses WHERE %s AND id IN ids GROUP BY id HAVING %s",
			s.database, sn.where(), liveRule)
		rows, err := s.coordinator().Query(ctx, q, idTable(part))
		if err != nil {
			return nil, fmt.Errorf("chstore: looking up stored responses: %w", err)
		}
		for rows.Next() {
			var id string
			var d uint64
			if err := rows.Scan(&id, &d); err != nil {
				rows.Close()
				return nil, fmt.Errorf("chstore: looking up stored responses: %w", err)
			}
			out[uuid.UUID([]byte(id))] = d
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return nil, fmt.Errorf("chstore: looking up stored responses: %w", err)
		}
	}
	return out, nil
}

// anyTouched reports whether the batches given wrote rows of any of the
// responses with the given IDs.
func (s *Store) anyTouched(ctx context.Context, batches []int64, ids []uuid.UUID) (bool, error) {
	q := fmt.Sprintf("SELECT count() FROM %s.responses WHERE batch IN (%s) AND id IN ids", s.database, uints(batches))
	rows, err := s.coordinator().Query(ctx, q, idTable(ids))
	if err != nil {
		return false, err
	}
	var n uint64
	if rows.Next() {
		err = rows.Scan(&n)
	}
	if err := errors.Join(err, rows.Err(), rows.Close()); err != nil {
		return false, err
	}
	return n > 0, nil
}

// digest returns a digest of everything a response holds, which the
// store keeps beside it: a response stored again is recognized by it.
func digest(r survey.Response) uint64 {
	h := sha256.New()
	var buf []byte
	str := func(s string) {
		buf = binary.AppendUvarint(buf[:0], uint64(len(s)))
		h.Write(buf)
		h.Write([]byte(s))
	}
	str(r.Survey)
	str(r.Wave)
	str(r.Unit)
	str(r.Respondent)
	buf = binary.AppendVarint(buf[:0], r.Submitted.UnixMicro())
	h.Write(buf)
	str(r.Comment)
	for _, k := range slices.Sorted(maps.Keys(r.Answers)) {
		str(k)
		buf = binary.AppendVarint(buf[:0], int64(r.Answers[k]))
		h.Write(buf)
	}
	h.Write([]byte{0xff})
	for _, k := range slices.Sorted(maps.Keys(r.Segments)) {
		str(k)
		str(r.Segments[k])
	}
	if len(r.Texts) > 0 {
		h.Write([]byte{0xfe})
		for _, k := range slices.Sorted(maps.Keys(r.Texts)) {
			str(k)
			str(r.Texts[k])
		}
	}
	return binary.LittleEndian.Uint64(h.Sum(nil))
}

// groupLayout is a reliability group as its pattern rows encode it: the
// items, and the scale bounds the letters of a pattern count from. Its
// JSON text is its name in the dictionary.
type groupLayout struct {
	Items []string `json:"items"`
	Min   []int    `json:"min"`
	Max   []int    `json:"max"`
	code  uint32
	key   string // the items joined with commas, as cx.PatternKey.Items
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

// pattern returns the pattern text of answers over the group's items: a
// letter per item from 'A' for the scale's minimum, '.' for a skipped
// item, '?' for an answer off the scale (a response the tally refuses).
func (l *groupLayout) pattern(answers map[string]int, buf []byte) []byte {
	buf = buf[:0]
	for j, id := range l.Items {
		v, ok := answers[id]
		switch {
		case !ok:
			buf = append(buf, '.')
		case v < l.Min[j] || v > l.Max[j] || l.Max[j]-l.Min[j] > 'z'-'A':
			buf = append(buf, '?')
		default:
			buf = append(buf, byte('A'+v-l.Min[j]))
		}
	}
	return buf
}

// surveyGroups returns the layouts (with codes) of the reliability groups
// of the stored surveys among ids; a survey not stored has none.
func (s *Store) surveyGroups(ctx context.Context, ids []string) (map[string][]groupLayout, error) {
	out := map[string][]groupLayout{}
	var all []groupLayout
	for _, id := range ids {
		sv, err := s.catalog.GetSurvey(ctx, id)
		if errors.Is(err, cx.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		ls := layouts(sv)
		out[id] = ls
		all = append(all, ls...)
	}
	if len(all) == 0 {
		return out, nil
	}
	var ns []string
	for _, l := range all {
		ns = append(ns, l.name())
	}
	codes, err := s.codes(ctx, kindGroup, ns)
	if err != nil {
		return nil, err
	}
	for id, ls := range out {
		for i := range ls {
			ls[i].code = codes[ls[i].name()]
		}
		slices.SortFunc(ls, func(a, b groupLayout) int { return cmp.Compare(a.code, b.code) })
		out[id] = ls
	}
	return out, nil
}

// batchGroups returns the layouts whose pattern rows batch b wrote, by
// survey ID.
func (s *Store) batchGroups(ctx context.Context, b int64) (map[string][]groupLayout, error) {
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
	var svs, gs []uint32
	for _, p := range pairs {
		svs, gs = append(svs, p.survey), append(gs, p.grp)
	}
	svNames, err := s.namesOf(ctx, kindSurvey, svs)
	if err != nil {
		return nil, err
	}
	gNames, err := s.namesOf(ctx, kindGroup, gs)
	if err != nil {
		return nil, err
	}
	out := map[string][]groupLayout{}
	for _, p := range pairs {
		l, err := parseLayout(gNames[p.grp])
		if err != nil {
			return nil, err
		}
		l.code = p.grp
		out[svNames[p.survey]] = append(out[svNames[p.survey]], l)
	}
	return out, nil
}

// writeChunk is the number of responses written per INSERT to a shard.
const writeChunk = 50000

// writeResponses writes the rows of rs with the given sign under batch b:
// responses, answers and, for the reliability groups of their surveys,
// patterns; it returns the groups whose pattern rows it wrote. groups
// gives the layouts to use per survey ID; nil means those of the stored
// surveys.
func (s *Store) writeResponses(ctx context.Context, b uint32, sign int8, rs []survey.Response, groups map[string][]groupLayout) ([]batchGroup, error) {
	var surveys, waves, units, items []string
	seen := map[string]bool{}
	add := func(list *[]string, kind, name string) {
		if k := nameKey(kind, name); !seen[k] {
			seen[k] = true
			*list = append(*list, name)
		}
	}
	for _, r := range rs {
		add(&surveys, kindSurvey, r.Survey)
		add(&waves, kindWave, r.Wave)
		add(&units, kindUnit, r.Unit)
		for k := range r.Answers {
			add(&items, kindItem, k)
		}
	}
	var c codebook
	var err error
	if c.survey, err = s.codes(ctx, kindSurvey, surveys); err != nil {
		return nil, err
	}
	if c.wave, err = s.codes(ctx, kindWave, waves); err != nil {
		return nil, err
	}
	if c.unit, err = s.codes(ctx, kindUnit, units); err != nil {
		return nil, err
	}
	if c.item, err = s.codes(ctx, kindItem, items); err != nil {
		return nil, err
	}
	if groups == nil {
		if groups, err = s.surveyGroups(ctx, surveys); err != nil {
			return nil, err
		}
	}
	c.groups = map[uint32][]groupLayout{}
	var written []batchGroup
	for id, ls := range groups {
		code, ok := c.survey[id]
		if !ok {
			continue
		}
		c.groups[code] = ls
		for _, l := range ls {
			written = append(written, batchGroup{code, l.code})
		}
	}
	for lo := 0; lo < len(rs); lo += writeChunk {
		if err := s.writeChunk(ctx, b, sign, rs[lo:min(lo+writeChunk, len(rs))], &c); err != nil {
			return nil, err
		}
	}
	return written, nil
}

// codebook holds the codes of the names a write uses.
type codebook struct {
	survey, wave, unit, item map[string]uint32
	groups                   map[uint32][]groupLayout // by survey code
}

// coded is a response with its codes, for sorting.
type coded struct {
	r                  *survey.Response
	survey, wave, unit uint32
}

// writeChunk writes the rows of rs to their shards, every shard at once.
func (s *Store) writeChunk(ctx context.Context, b uint32, sign int8, rs []survey.Response, c *codebook) error {
	per := make([][]coded, len(s.shards))
	for i := range rs {
		r := &rs[i]
		cr := coded{r: r, survey: c.survey[r.Survey], wave: c.wave[r.Wave], unit: c.unit[r.Unit]}
		sh := s.shardOf(cr.unit)
		per[sh] = append(per[sh], cr)
	}
	errs := make([]error, len(s.shards))
	var wg sync.WaitGroup
	for sh, part := range per {
		if len(part) == 0 {
			continue
		}
		wg.Go(func() {
			errs[sh] = s.writeShard(ctx, s.shards[sh], b, sign, part, c)
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// writeShard writes the rows of responses of one shard, each table's
// rows in the order of its sorting key, so that the server has little to
// sort.
func (s *Store) writeShard(ctx context.Context, conn Conn, b uint32, sign int8, rs []coded, c *codebook) error {
	slices.SortFunc(rs, func(x, y coded) int {
		return cmp.Or(cmp.Compare(x.survey, y.survey), cmp.Compare(x.wave, y.wave), cmp.Compare(x.unit, y.unit),
			strings.Compare(string(x.r.ID[:]), string(y.r.ID[:])))
	})
	n := len(rs)
	resp := responseColumns(n)
	nAnswers := 0
	for _, cr := range rs {
		nAnswers += len(cr.r.Answers)
	}
	ans := answerColumns(nAnswers)
	var keys []uint64
	var wide []answerPair
	for lo := 0; lo < n; {
		hi := lo + 1
		for hi < n && rs[hi].survey == rs[lo].survey && rs[hi].wave == rs[lo].wave && rs[hi].unit == rs[lo].unit {
			hi++
		}
		// The answers of one survey, wave and unit, by item and value.
		keys, wide = keys[:0], wide[:0]
		for _, cr := range rs[lo:hi] {
			for k, v := range cr.r.Answers {
				item := c.item[k]
				if v >= math.MinInt32 && v <= math.MaxInt32 {
					keys = append(keys, uint64(item)<<32|uint64(uint32(int32(v))^0x80000000))
				} else {
					wide = append(wide, answerPair{item, int64(v)})
				}
			}
		}
		slices.Sort(keys)
		if len(wide) == 0 {
			for _, k := range keys {
				ans.add(rs[lo].survey, rs[lo].wave, rs[lo].unit, uint32(k>>32), int64(int32(uint32(k)^0x80000000)), sign, b)
			}
			lo = hi
			continue
		}
		for _, k := range keys {
			wide = append(wide, answerPair{uint32(k >> 32), int64(int32(uint32(k) ^ 0x80000000))})
		}
		slices.SortFunc(wide, func(x, y answerPair) int { return cmp.Or(cmp.Compare(x.item, y.item), cmp.Compare(x.value, y.value)) })
		for _, p := range wide {
			ans.add(rs[lo].survey, rs[lo].wave, rs[lo].unit, p.item, p.value, sign, b)
		}
		lo = hi
	}
	for _, cr := range rs {
		resp.add(cr, b, sign, c)
	}
	pat := patternColumns(0)
	var buf []byte
	for lo := 0; lo < n; {
		hi := lo + 1
		for hi < n && rs[hi].survey == rs[lo].survey && rs[hi].wave == rs[lo].wave {
			hi++
		}
		for _, l := range c.groups[rs[lo].survey] {
			for _, cr := range rs[lo:hi] {
				buf = l.pattern(cr.r.Answers, buf)
				pat.add(cr.survey, cr.wave, cr.unit, l.code, string(buf), sign, b)
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
