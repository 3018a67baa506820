package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/survey"
)

// An encoding says how the answers of a response to one version of a
// survey are written as a code: one field per item, in survey order, of
// one character ('A' + answer - scale min, '.' when skipped) or, for scales
// over 62 points, two ('A' + d/62, 'A' + d%62, ".." when skipped). It also
// fixes the survey's reliability groups, whose response patterns are
// tallied. An encoding is identified by a hash of its descriptor and never
// changes; responses name the encoding they were written with, so they
// stay readable after their survey changes.

// descriptor is the stored form of an encoding.
type descriptor struct {
	Items  []descItem `json:"items"`
	Groups [][]string `json:"groups,omitempty"`
}

type descItem struct {
	ID  string `json:"id"`
	Min int    `json:"min"`
	Max int    `json:"max"`
}

// layout is a decoded encoding.
type layout struct {
	id     int64
	desc   string
	items  []litem
	index  map[string]int
	groups []lgroup
	// codeLen is the length of a code; cells the number of answer counts
	// (scale points over items).
	codeLen, cells int
}

type litem struct {
	id               string
	min, max, points int
	pos, width, off  int // place in the code; offset of the counts
}

type lgroup struct {
	key   string // item IDs joined with commas, as cx.PatternKey.Items
	items []int
	// base holds the mixed-radix weights of the items ((points+1) per
	// item, 0 meaning skipped) and size the number of patterns, when at
	// most maxDensePatterns: the group's patterns are then counted in an
	// array indexed by the pattern's number. size is 0 otherwise.
	base []int
	size int
}

// maxDensePatterns bounds the patterns of a group counted in an array;
// larger pattern spaces are counted in a map.
const maxDensePatterns = 1 << 16

// Limits of an encodable survey: two characters hold 62*62 points, and the
// counts of one unit and wave stay small.
const (
	maxPoints = 62 * 62
	maxCells  = 1 << 16
)

// rawEncoding marks responses kept as JSON answers.
const rawEncoding = 0

// layoutOf returns the encoding of s, or an error saying why its responses
// cannot be encoded (a scale wider than 3,844 points, too many cells).
func layoutOf(s survey.Survey) (*layout, error) {
	d := descriptor{Items: make([]descItem, len(s.Items))}
	for i, it := range s.Items {
		d.Items[i] = descItem{ID: it.ID, Min: it.Scale.Min, Max: it.Scale.Max}
	}
	d.Groups = cx.ReliabilityGroups(s)
	b, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(b)
	id := int64(binary.BigEndian.Uint64(sum[:8]) >> 1)
	if id == rawEncoding {
		id = 1
	}
	return d.layout(id, string(b))
}

// parseLayout decodes a stored encoding.
func parseLayout(id int64, desc string) (*layout, error) {
	var d descriptor
	if err := json.Unmarshal([]byte(desc), &d); err != nil {
		return nil, fmt.Errorf("encoding %d is corrupt: %w", id, err)
	}
	return d.layout(id, desc)
}

func (d descriptor) layout(id int64, desc string) (*layout, error) {
	l := &layout{id: id, desc: desc, items: make([]litem, len(d.Items)), index: make(map[string]int, len(d.Items))}
	for i, it := range d.Items {
		if _, dup := l.index[it.ID]; dup {
			return nil, fmt.Errorf("item %q appears twice", it.ID)
		}
		points := int64(it.Max) - int64(it.Min) + 1
		if points < 1 || points > maxPoints {
			return nil, fmt.Errorf("item %q: scale [%d,%d] has %d points; between 1 and %d can be encoded", it.ID, it.Min, it.Max, points, maxPoints)
		}
		w := 1
		if points > 62 {
			w = 2
		}
		l.items[i] = litem{id: it.ID, min: it.Min, max: it.Max, points: int(points), pos: l.codeLen, width: w, off: l.cells}
		l.index[it.ID] = i
		l.codeLen += w
		l.cells += int(points)
		if l.cells > maxCells {
			return nil, fmt.Errorf("the items have more than %d scale points in all", maxCells)
		}
	}
	for _, g := range d.Groups {
		lg := lgroup{key: strings.Join(g, ",")}
		for _, id := range g {
			i, ok := l.index[id]
			if !ok {
				return nil, fmt.Errorf("reliability group %q names unknown item %q", lg.key, id)
			}
			lg.items = append(lg.items, i)
		}
		lg.base = make([]int, len(lg.items))
		lg.size = 1
		for j := len(lg.items) - 1; j >= 0 && lg.size > 0; j-- {
			lg.base[j] = lg.size
			lg.size *= l.items[lg.items[j]].points + 1
			if lg.size > maxDensePatterns {
				lg.size = 0
			}
		}
		l.groups = append(l.groups, lg)
	}
	return l, nil
}

// encode returns the code of answers, or false if they do not fit the
// encoding (an unknown item, a value off its scale) or are an empty,
// non-nil map (which a code cannot tell from nil).
func (l *layout) encode(answers map[string]int) (string, bool) {
	if answers != nil && len(answers) == 0 {
		return "", false
	}
	// The items are looked up in the answers, rather than the answers in
	// the index: half the map operations. An answer to an item the
	// encoding lacks shows as fewer answers found than given.
	var buf [128]byte
	b := buf[:0]
	if l.codeLen > len(buf) {
		b = make([]byte, 0, l.codeLen)
	}
	b = b[:l.codeLen]
	found := 0
	for i := range l.items {
		it := &l.items[i]
		v, ok := answers[it.id]
		switch {
		case !ok:
			b[it.pos] = '.'
			if it.width == 2 {
				b[it.pos+1] = '.'
			}
			continue
		case v < it.min || v > it.max:
			return "", false
		}
		found++
		d := v - it.min
		if it.width == 1 {
			b[it.pos] = byte('A' + d)
		} else {
			b[it.pos], b[it.pos+1] = byte('A'+d/62), byte('A'+d%62)
		}
	}
	if found != len(answers) {
		return "", false
	}
	return string(b), true
}

// digit returns the scale index (answer - min) of item i in code, or -1
// when skipped; false if the code is malformed.
func (l *layout) digit(code string, i int) (int, bool) {
	it := &l.items[i]
	if it.width == 1 {
		c := code[it.pos]
		if c == '.' {
			return -1, true
		}
		d := int(c) - 'A'
		return d, d >= 0 && d < it.points
	}
	hi, lo := code[it.pos], code[it.pos+1]
	if hi == '.' && lo == '.' {
		return -1, true
	}
	d := (int(hi)-'A')*62 + int(lo) - 'A'
	return d, hi >= 'A' && lo >= 'A' && int(lo)-'A' < 62 && d < it.points
}

// decode returns the answers of a code: nil when every item is skipped.
func (l *layout) decode(code string) (map[string]int, error) {
	if len(code) != l.codeLen {
		return nil, fmt.Errorf("code %q has %d characters, encoding %d wants %d", code, len(code), l.id, l.codeLen)
	}
	var out map[string]int
	for i := range l.items {
		d, ok := l.digit(code, i)
		if !ok {
			return nil, fmt.Errorf("code %q: malformed answer to item %q", code, l.items[i].id)
		}
		if d < 0 {
			continue
		}
		if out == nil {
			out = make(map[string]int, len(l.items))
		}
		out[l.items[i].id] = l.items[i].min + d
	}
	return out, nil
}

// patternIndex returns the number of the pattern of group g in code, for
// a group counted in an array.
func (l *layout) patternIndex(code string, g *lgroup) int {
	n := 0
	for j, i := range g.items {
		it := &l.items[i]
		if it.width == 1 {
			if c := code[it.pos]; c != '.' {
				n += (int(c) - 'A' + 1) * g.base[j]
			}
		} else if d, _ := l.digit(code, i); d >= 0 {
			n += (d + 1) * g.base[j]
		}
	}
	return n
}

// patternOf returns the cx.PatternKey.Pattern of the pattern numbered n of
// group g.
func (l *layout) patternOf(g *lgroup, n int) string {
	b := make([]byte, len(g.items))
	for j, i := range g.items {
		d := n / g.base[j] % (l.items[i].points + 1)
		if d == 0 {
			b[j] = '.'
		} else {
			b[j] = byte('A' + d - 1)
		}
	}
	return string(b)
}

// pattern returns the cx.PatternKey.Pattern of group g in code, as
// cx.EncodePattern writes it: one byte per item, 'A' + (answer - min), or
// '.' when skipped.
func (l *layout) pattern(code string, g *lgroup, buf []byte) []byte {
	buf = buf[:0]
	for _, i := range g.items {
		d, _ := l.digit(code, i)
		if d < 0 {
			buf = append(buf, '.')
		} else {
			buf = append(buf, byte('A'+d))
		}
	}
	return buf
}

// layout returns the encoding with the given ID, from the cache or from
// the database through q.
func (s *Store) layout(ctx context.Context, q queryer, id int64) (*layout, error) {
	s.mu.RLock()
	l := s.layouts[id]
	s.mu.RUnlock()
	if l != nil {
		return l, nil
	}
	var desc string
	if err := q.QueryRowContext(ctx, "SELECT descriptor FROM cx_encodings WHERE id = $1", id).Scan(&desc); err != nil {
		if err == sql.ErrNoRows {
			return nil, wrap(fmt.Errorf("encoding %d is missing from cx_encodings", id), "read encoding", "")
		}
		return nil, wrap(err, "read encoding", "")
	}
	l, err := parseLayout(id, desc)
	if err != nil {
		return nil, wrap(err, "read encoding", "")
	}
	s.mu.Lock()
	s.layouts[id] = l
	s.mu.Unlock()
	return l, nil
}

// saveLayout stores l in cx_encodings if it is not there yet. Its ID is a
// hash of its descriptor; a different descriptor under the same ID (a
// collision) is an error rather than a silent mix-up.
func (s *Store) saveLayout(ctx context.Context, tx *sql.Tx, l *layout) error {
	if _, err := tx.ExecContext(ctx, "INSERT INTO cx_encodings (id, descriptor) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING", l.id, l.desc); err != nil {
		return wrap(err, "store encoding", "")
	}
	var desc string
	if err := tx.QueryRowContext(ctx, "SELECT descriptor FROM cx_encodings WHERE id = $1", l.id).Scan(&desc); err != nil {
		return wrap(err, "read encoding", "")
	}
	if desc != l.desc {
		return wrap(fmt.Errorf("encoding %d: two descriptors hash to the same ID", l.id), "store encoding", "")
	}
	// The cache maps an ID to the one descriptor it hashes from, so it
	// stays right even if this transaction rolls back.
	s.mu.Lock()
	s.layouts[l.id] = l
	s.mu.Unlock()
	return nil
}
