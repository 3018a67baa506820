package survey

import (
	"cmp"
	"crypto/sha1"
	"encoding/binary"
	"slices"
	"strings"

	"github.com/google/uuid"
)

// contentNamespace is the UUID namespace of content-derived response IDs.
var contentNamespace = uuid.MustParse("0c1f6a39-2f51-4d7e-8b1d-9a3c6e2b7f40")

// ContentID returns the ID given to a response recorded or imported
// without one: a name-based (SHA-1, version 5) UUID of the response's
// whole content (survey, wave, unit, respondent, submitted time, answers,
// comment, segments and free-text answers) and of occurrence, its number among the identical
// responses of one input (0 for the first, 1 for the second, ...).
//
// Responses that differ in anything get different IDs; identical
// responses of one input get distinct IDs through their occurrence; and
// the same input gives the same IDs every time, so storing it again adds
// nothing. The ID does not depend on the order of the answers or segments
// nor on the time's zone, and reads r as [Response.Normalize] leaves it.
// The ID ignores r.ID.
func ContentID(r Response, occurrence int) uuid.UUID {
	var buf [512]byte
	return contentID(AppendContent(buf[:0], r), occurrence)
}

// contentID returns the content ID of a response whose content encoding
// (AppendContent) is content.
func contentID(content []byte, occurrence int) uuid.UUID {
	var buf [binary.MaxVarintLen64]byte
	occ := binary.AppendUvarint(buf[:0], uint64(occurrence))
	h := sha1.New()
	h.Write(contentNamespace[:])
	h.Write(content)
	h.Write(occ)
	var sum [sha1.Size]byte
	h.Sum(sum[:0])
	var id uuid.UUID
	copy(id[:], sum[:])
	id[6] = (id[6] & 0x0f) | 0x50 // version 5
	id[8] = (id[8] & 0x3f) | 0x80 // RFC 4122 variant
	return id
}

// ContentHasher computes the content encodings and IDs of many responses
// to one survey, as [AppendContent] and [ContentID] do, faster: it knows
// the order of the survey's item IDs, so it need not sort each response's
// answers, and it reuses its buffer. It is not safe for concurrent use.
type ContentHasher struct {
	ids []string // the survey's item IDs, sorted
	buf []byte
}

// NewContentHasher returns a ContentHasher for responses to s.
func NewContentHasher(s Survey) *ContentHasher {
	ids := make([]string, len(s.Items))
	for i, it := range s.Items {
		ids[i] = it.ID
	}
	slices.Sort(ids)
	return &ContentHasher{ids: ids}
}

// Content returns the content encoding of r (see [AppendContent]), valid
// until the next call.
func (c *ContentHasher) Content(r Response) []byte {
	b := c.buf[:0]
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = append(b, 'v', '2')
	str(r.Survey)
	str(r.Wave)
	str(r.Unit)
	str(r.Respondent)
	b = binary.AppendVarint(b, NormalizeTime(r.Submitted).UnixMicro())
	b = binary.AppendUvarint(b, uint64(len(r.Answers)))
	n := 0
	for _, id := range c.ids {
		if v, ok := r.Answers[id]; ok {
			str(id)
			b = binary.AppendVarint(b, int64(v))
			n++
		}
	}
	if n != len(r.Answers) {
		// Answers to items the survey does not have: the general way.
		c.buf = AppendContent(b[:0], r)
		return c.buf
	}
	b = appendRest(b, r)
	c.buf = b
	return b
}

// ID returns [ContentID](r, occurrence).
func (c *ContentHasher) ID(r Response, occurrence int) uuid.UUID {
	return contentID(c.Content(r), occurrence)
}

// AppendContent appends to b an encoding of r's content that two
// responses share exactly when they hold the same data (IDs aside), as
// [Response.Equal] compares them: every string with its length, the
// answers and segments sorted by key, the submitted time in microseconds
// since the epoch. [ContentID] hashes it.
func AppendContent(b []byte, r Response) []byte {
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = append(b, 'v', '2')
	str(r.Survey)
	str(r.Wave)
	str(r.Unit)
	str(r.Respondent)
	b = binary.AppendVarint(b, NormalizeTime(r.Submitted).UnixMicro())
	b = binary.AppendUvarint(b, uint64(len(r.Answers)))
	if len(r.Answers) > 0 {
		type kv struct {
			k string
			v int
		}
		var arr [64]kv
		kvs := arr[:0]
		for k, v := range r.Answers {
			kvs = append(kvs, kv{k, v})
		}
		slices.SortFunc(kvs, func(a, b kv) int { return strings.Compare(a.k, b.k) })
		for _, e := range kvs {
			str(e.k)
			b = binary.AppendVarint(b, int64(e.v))
		}
	}
	return appendRest(b, r)
}

// appendRest appends the comment and segments of a content encoding.
func appendRest(b []byte, r Response) []byte {
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	str(r.Comment)
	b = binary.AppendUvarint(b, uint64(len(r.Segments)))
	if len(r.Segments) > 0 {
		keys := make([]string, 0, len(r.Segments))
		for k := range r.Segments {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, cmp.Compare[string])
		for _, k := range keys {
			str(k)
			str(r.Segments[k])
		}
	}
	// Free-text answers, only when there are any, so that the IDs of
	// responses without them are those of before they existed.
	if len(r.Texts) > 0 {
		b = append(b, 't')
		b = binary.AppendUvarint(b, uint64(len(r.Texts)))
		keys := make([]string, 0, len(r.Texts))
		for k := range r.Texts {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, cmp.Compare[string])
		for _, k := range keys {
			str(k)
			str(r.Texts[k])
		}
	}
	return b
}
