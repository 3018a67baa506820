package cx

import (
	"io"

	"github.com/cxculture/cxculture/survey"
)

// readAhead reads an import's input on a goroutine of its own, in blocks
// of records, while the importer checks the records read before: parsing
// a record and building its response then overlaps with checking,
// identifying and storing the ones before. The records come out in the
// order of the input.
type readAhead struct {
	blocks chan []readRecord
	free   chan []readRecord
	stop   chan struct{}
	done   chan struct{}
	cur    []readRecord
	pos    int
}

// readRecord is what the input's next function returned for one record.
type readRecord struct {
	line int
	resp survey.Response
	err  error
}

// Records per block, and blocks in all: two queued, one being filled,
// one being checked.
const (
	readBlock  = 256
	readBlocks = 4
)

// newReadAhead calls next on a goroutine of its own until it returns
// io.EOF or an error that is not a record's problem (see survey.Problems).
func newReadAhead(next func() (int, survey.Response, error)) *readAhead {
	ra := &readAhead{blocks: make(chan []readRecord, readBlocks-2), free: make(chan []readRecord, readBlocks),
		stop: make(chan struct{}), done: make(chan struct{})}
	for range readBlocks {
		ra.free <- make([]readRecord, 0, readBlock)
	}
	go func() {
		defer close(ra.done)
		defer close(ra.blocks)
		for {
			var b []readRecord
			select {
			case b = <-ra.free:
			case <-ra.stop:
				return
			}
			end := false
			for len(b) < readBlock && !end {
				line, resp, err := next()
				b = append(b, readRecord{line, resp, err})
				end = err != nil && len(survey.Problems(err)) == 0
			}
			select {
			case ra.blocks <- b:
			case <-ra.stop:
				return
			}
			if end {
				return
			}
		}
	}()
	return ra
}

// next returns the next record's line, response and error, as the next
// function given to newReadAhead returned them; after its last one,
// io.EOF.
func (ra *readAhead) next() (int, survey.Response, error) {
	if ra.pos == len(ra.cur) {
		if ra.cur != nil {
			clear(ra.cur) // drops the references to the responses
			ra.free <- ra.cur[:0]
			ra.cur = nil
		}
		b, ok := <-ra.blocks
		if !ok {
			return 0, survey.Response{}, io.EOF
		}
		ra.cur, ra.pos = b, 0
	}
	r := ra.cur[ra.pos]
	ra.pos++
	return r.line, r.resp, r.err
}

// close stops the reading and waits for the goroutine to end (after the
// call of next in progress, if any).
func (ra *readAhead) close() {
	close(ra.stop)
	<-ra.done
}
