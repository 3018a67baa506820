package survey

import (
	"bytes"
	"testing"
	"time"

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
	f.Fuzz(func(t *testing.T, line []byte) {
		fast, ok := decodeFast(line)
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
