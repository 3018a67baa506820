package cx

import (
	"encoding/binary"
	"math/bits"
)

// block holds what a Tallier has counted of one unit in one wave.
type block struct {
	// rec holds the block's counts modulo 256, one byte each: the
	// answers' counters (width of them), then the respondents' and the
	// comments' (the low counters, see low), and last their bound. A
	// response touches only the few cache lines of rec, and of its block
	// nothing else, so that the blocks of a large organization stay in
	// the processor's cache while a file is read, and a response's
	// counters are fetched from memory at once. The higher counts are in
	// counts. Call settle before reading counts.
	rec []uint8
	// counts holds the rest of each low counter's count.
	counts []int64
	wave   *waveBlock
	key    Group
	// unitData and waveData are where the IDs last looked up for this
	// block pointed.
	unitData, waveData *byte
}

// low returns the block's low counters: the answers' (width of them),
// then the respondents' and the comments'. The last byte of rec, after
// them, bounds every low counter: count spills the large ones into
// counts before one could wrap, so that counting an answer needs no test.
func (b *block) low() []uint8 { return b.rec[:len(b.rec)-1] }

// full reports whether a low counter of b may hold 255: spill before
// counting another response.
func (b *block) full() bool { return b.rec[len(b.rec)-1] == 255 }

// respondents returns the number of responses counted in b.
func (b *block) respondents() int64 { return b.total(len(b.rec) - 3) }

// comments returns the number of responses with a comment counted in b.
func (b *block) comments() int64 { return b.total(len(b.rec) - 2) }

// total returns the count of low counter i, without settling b.
func (b *block) total(i int) int64 {
	n := int64(b.rec[i])
	if b.counts != nil {
		n += b.counts[i]
	}
	return n
}

// settle moves the counts held in the low counters into counts.
func (b *block) settle() {
	low := b.low()
	if b.counts == nil {
		b.counts = make([]int64, len(low))
	}
	for i, c := range low {
		if c != 0 {
			b.counts[i] += int64(c)
			low[i] = 0
		}
	}
	b.rec[len(low)] = 0
}

// spill moves the low counters of 128 or more into counts, so that 128
// more responses can be counted before one could wrap.
func (b *block) spill() {
	low := b.low()
	for i, c := range low {
		if c >= 128 {
			if b.counts == nil {
				b.counts = make([]int64, len(low))
			}
			b.counts[i] += int64(c)
			low[i] = 0
		}
	}
	b.rec[len(low)] = 127
}

// merge adds the counts of o to b, low counts with their carry, without
// settling either: most blocks never hold 256 of one answer, and need no
// wide counts. The low counters are added eight at a time, in a word.
func (b *block) merge(o *block) {
	const highs = 0x8080808080808080
	low := b.low()
	ol := o.low()[:len(low)]
	i := 0
	for ; i+8 <= len(low); i += 8 {
		x, y := binary.LittleEndian.Uint64(low[i:]), binary.LittleEndian.Uint64(ol[i:])
		// Each byte's sum of its low seven bits, then its top bit: the
		// sum modulo 256 of each pair of bytes, with no carry between
		// bytes. A pair carries out of its byte when both top bits are
		// set, or one is and the low bits carried into it.
		t := (x &^ highs) + (y &^ highs)
		binary.LittleEndian.PutUint64(low[i:], t^((x^y)&highs))
		for carry := (x&y | (x|y)&t) & highs; carry != 0; carry &= carry - 1 {
			b.wrapped(i + bits.TrailingZeros64(carry)/8)
		}
	}
	for ; i < len(low); i++ {
		s := uint(low[i]) + uint(ol[i])
		if s >= 256 {
			b.wrapped(i)
			s -= 256
		}
		low[i] = uint8(s)
	}
	b.rec[len(low)] = 255
	if o.counts != nil {
		if b.counts == nil {
			b.counts = make([]int64, len(low))
		}
		for i, c := range o.counts {
			b.counts[i] += c
		}
	}
}

// addTo adds the counts of b's first len(dst) low counters to dst
// without settling b.
func (b *block) addTo(dst []int64) {
	low := b.rec[:len(dst)]
	if b.counts == nil {
		for i, c := range low {
			dst[i] += int64(c)
		}
		return
	}
	counts := b.counts[:len(dst)]
	for i, c := range low {
		dst[i] += int64(c) + counts[i]
	}
}

// wrapped counts the 256 answers of counter k whose low count wrapped.
func (b *block) wrapped(k int) {
	if b.counts == nil {
		b.counts = make([]int64, len(b.rec)-1)
	}
	b.counts[k] += 256
}
