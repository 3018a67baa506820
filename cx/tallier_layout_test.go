package cx

import (
	"fmt"
	"testing"
	"unsafe"

	"github.com/cxculture/cxculture/survey"
)

// TestBlockHotFieldsShareACacheLine: on 64-bit platforms the fields
// count reads and writes lie within a block's first 64 bytes, and a
// block is 128 bytes, a size the allocator places on 128-byte
// boundaries, so that counting a response touches one cache line of its
// block.
func TestBlockHotFieldsShareACacheLine(t *testing.T) {
	if unsafe.Sizeof(uintptr(0)) != 8 {
		t.Skip("the layout is laid out for 64-bit platforms")
	}
	var b block
	if s := unsafe.Sizeof(b); s != 128 {
		t.Errorf("a block is %d bytes, not 128: it may straddle cache lines", s)
	}
	hot := map[string]uintptr{
		"low":         unsafe.Offsetof(b.low) + unsafe.Sizeof(b.low),
		"wave":        unsafe.Offsetof(b.wave) + unsafe.Sizeof(b.wave),
		"respondents": unsafe.Offsetof(b.respondents) + unsafe.Sizeof(b.respondents),
		"comments":    unsafe.Offsetof(b.comments) + unsafe.Sizeof(b.comments),
		"bound":       unsafe.Offsetof(b.bound) + unsafe.Sizeof(b.bound),
	}
	for name, end := range hot {
		if end > 64 {
			t.Errorf("block.%s ends at byte %d, past the first cache line", name, end)
		}
	}
}

// TestPendingCodesStayBounded: a wave buffers at most maxPendingRows rows
// of pattern codes, however many responses it counts, and counts every
// one of them: after 3·maxPendingRows+5 responses of one pattern, the
// pattern's count is theirs.
func TestPendingCodesStayBounded(t *testing.T) {
	s := survey.Survey{ID: "s", Name: "S", Audience: survey.Employee, Version: 1}
	for i := range 3 {
		s.Items = append(s.Items, survey.Item{ID: fmt.Sprintf("q%d", i), Text: "Statement", Scale: survey.Likert5,
			Construct: "trust", Kind: survey.Behavior, Version: 1})
	}
	tl := NewTallier(s)
	n := 3*maxPendingRows + 5
	for range n {
		if err := tl.AddRow("team", "w1", []int{1, 2, 3}, false); err != nil {
			t.Fatal(err)
		}
		wb := tl.waves["w1"]
		if rows := len(wb.pending) / len(wb.denseGroups); rows > maxPendingRows {
			t.Fatalf("the wave buffers %d rows of codes, more than %d", rows, maxPendingRows)
		}
	}
	var got int64
	for k, c := range tl.Tallies().Patterns {
		if k.Wave == "w1" {
			got += c
		}
	}
	if got != int64(n) {
		t.Fatalf("patterns counted %d times, want %d", got, n)
	}
}
