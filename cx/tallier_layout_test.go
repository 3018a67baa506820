package cx

import (
	"testing"
	"unsafe"
)

// TestBlockHotFieldsShareACacheLine: the fields count reads and writes
// lie within a block's first 64 bytes, and a block is 128 bytes, a size
// the allocator places on 128-byte boundaries, so that counting a
// response touches one cache line of its block.
func TestBlockHotFieldsShareACacheLine(t *testing.T) {
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
