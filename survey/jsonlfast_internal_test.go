package survey

import (
	"bytes"
	"fmt"
	"testing"
	"time"
	"unsafe"

	"github.com/google/uuid"
)

// FuzzJSONLFastPath states that the fast decoding of a line gives exactly
// what encoding/json gives, whenever it accepts the line.
func FuzzJSONLFastPath(f *testing.F) {
	var buf bytes.Buffer
	w := NewJSONLWriter(&buf)
	for _, r := range []Response{
		{ID: uuid.MustParse("00000000-0000-4000-8000-000000000001"), Survey: "pulse", Wave: "w1", Unit: "t1", Respondent: "p1",
			Submitted: time.Date(2026, 1, 5, 9, 0, 0, 123000, time.UTC), Answers: map[string]int{"q1": 1, "enps": 10},
			Comment: "said hi", Segments: map[string]string{"tenure": "0-2y"}, Texts: map[string]string{"why": "because"}},
		{Survey: "pulse", Wave: "w2", Unit: "t2", Submitted: time.Date(2026, 2, 5, 9, 0, 0, 0, time.FixedZone("x", 3600))},
		{Survey: "pulse", Wave: "w2", Unit: "t2", Comment: `a "quoted" word`, Answers: map[string]int{"q1": -3}},
	} {
		if err := w.Write(r); err != nil {
			f.Fatal(err)
		}
	}
	for _, line := range bytes.Split(buf.Bytes(), []byte("\n")) {
		f.Add(line)
	}
	f.Add([]byte(` { "answers" : { "q1" : 4 , "q2":05 }, "survey":"s", "Wave":"w" } `))
	f.Add([]byte(`{"answers":{"q1":4,"q1":5},"id":"urn:uuid:00000000-0000-4000-8000-000000000001","submitted":"2026-01-05T09:00:00+01:00"}`))
	f.Add([]byte(`{"answers":{},"segments":null,"texts":{},"respondent":null,"submitted":"2026-13-05T09:00:00Z"}`))
	// Item, survey and wave IDs of the lines above known to the reader,
	// and a unit ID it learns.
	in := newInterner(&Survey{ID: "pulse", Items: []Item{{ID: "q1"}, {ID: "enps"}}})
	f.Fuzz(func(t *testing.T, line []byte) {
		fast, ok := decodeFast(line, in)
		if !ok {
			return
		}
		slow, pes := decodeJSON(line)
		if pes != nil {
			t.Fatalf("the fast path accepts %q, encoding/json refuses it: %v", line, pes[0])
		}
		fast.normalize()
		slow = slow.Normalize()
		if fast.ID != slow.ID || !fast.Equal(slow) || fast.Submitted.Location() != slow.Submitted.Location() {
			t.Fatalf("line %q:\n fast %+v\n json %+v", line, fast, slow)
		}
	})
}

// TestJSONLInterner states that the reader keeps one copy of the IDs it
// meets on many lines (item IDs of the survey, survey, wave and unit IDs),
// that what it reads does not change, and that it stops adding IDs at its
// bounds.
func TestJSONLInterner(t *testing.T) {
	s := Survey{ID: "pulse", Items: []Item{{ID: "q1"}, {ID: "enps"}}}
	in := newInterner(&s)
	line := []byte(`{"survey":"pulse","wave":"w1","unit":"t1","respondent":"p1","submitted":"2026-01-05T09:00:00Z","answers":{"q1":3,"enps":9}}`)
	a, okA := decodeFast(line, in)
	b, okB := decodeFast(bytes.Clone(line), in)
	if !okA || !okB {
		t.Fatal("the fast path refuses a plain line")
	}
	for _, p := range [][2]string{{a.Survey, b.Survey}, {a.Wave, b.Wave}, {a.Unit, b.Unit}} {
		if p[0] != p[1] || unsafe.StringData(p[0]) != unsafe.StringData(p[1]) {
			t.Errorf("%q and %q are two copies", p[0], p[1])
		}
	}
	if a.Survey != "pulse" || a.Wave != "w1" || a.Unit != "t1" || a.Respondent != "p1" || len(a.Answers) != 2 || a.Answers["q1"] != 3 || a.Answers["enps"] != 9 {
		t.Fatalf("decoded %+v", a)
	}
	for k := range a.Answers {
		if it, _ := s.Item(k); unsafe.StringData(k) != unsafe.StringData(it.ID) {
			t.Errorf("answer key %q is not the survey's item ID", k)
		}
	}
	// Bounds: ever new units stop being added; a long ID is never added.
	for i := range maxInterned + 100 {
		in.get(fmt.Appendf(nil, "unit%d", i), true)
	}
	long := bytes.Repeat([]byte("u"), maxInternedLen+1)
	if in.get(long, true) != string(long) || len(in.m) != maxInterned {
		t.Fatalf("the interner holds %d strings; want %d", len(in.m), maxInterned)
	}
	if _, ok := in.m[string(long)]; ok {
		t.Fatal("a string over the length bound was interned")
	}
}
