package survey

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"
	"time"
)

// TestUnixSecondsMatchesTime checks the civil-date arithmetic of the fast
// timestamp path against the time package over random instants.
func TestUnixSecondsMatchesTime(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for range 20000 {
		want := time.Unix(rng.Int64N(1<<36)-1<<35, 0).UTC()
		y, m, d := want.Date()
		if got := unixSeconds(y, int(m), d, want.Hour(), want.Minute(), want.Second()); got != want.Unix() {
			t.Fatalf("unixSeconds(%v) = %d, want %d", want, got, want.Unix())
		}
		if got, wantDays := daysIn(int(m), y), time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day(); got != wantDays {
			t.Fatalf("daysIn(%d, %d) = %d, want %d", m, y, got, wantDays)
		}
	}
}

// TestCachedTimesMatchTime reads RFC 3339 times through a row's date
// cache, valid ones and ones with any byte replaced (by a digit, a blank,
// a separator or anything), and compares each with time.Parse: the same
// instant, or refused where time.Parse refuses.
func TestCachedTimesMatchTime(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	l := &csvLayout{opts: CSVOptions{TimeLayout: time.RFC3339}, loc: time.UTC, rfc3339: true}
	r := &Row{}
	repl := []byte("0123456789 :-TZ/\x00\xff+.a")
	refused := 0
	for i := range 50000 {
		// Few dates, so that most reads hit the cache.
		when := time.Date(2020+rng.IntN(8), time.Month(1+rng.IntN(12)), 1+rng.IntN(3), rng.IntN(24), rng.IntN(60), rng.IntN(60), 0, time.UTC)
		f := []byte(when.Format(time.RFC3339))
		if i%3 == 0 {
			f[rng.IntN(len(f))] = repl[rng.IntN(len(repl))]
		}
		got, ok := l.parseTimeCached(r, f)
		want, err := time.Parse(time.RFC3339, string(f))
		if ok != (err == nil) || (ok && !got.Equal(want)) {
			t.Fatalf("%q: read %v %v, time.Parse %v %v", f, got, ok, want, err)
		}
		if !ok {
			refused++
		}
	}
	if refused < 5000 {
		t.Fatalf("only %d of the 16,667 altered times refused", refused)
	}
}

// TestDayCacheKeepsMostDatesOfAnExport reads times on 100 consecutive
// days (the benchmark exports hold 97 dates) and then checks that at
// least 90 of the dates are still in the row's cache: most rows are read
// without parsing their date.
func TestDayCacheKeepsMostDatesOfAnExport(t *testing.T) {
	l := &csvLayout{opts: CSVOptions{TimeLayout: time.RFC3339}, loc: time.UTC, rfc3339: true}
	r := &Row{}
	start := time.Date(2026, 9, 1, 9, 30, 0, 0, time.UTC)
	var dates [][]byte
	for d := range 100 {
		f := []byte(start.AddDate(0, 0, d).Format(time.RFC3339))
		dates = append(dates, f)
		if _, ok := l.parseTimeCached(r, f); !ok {
			t.Fatalf("%s refused", f)
		}
	}
	kept := 0
	for _, f := range dates {
		date, end := binary.LittleEndian.Uint64(f[0:8]), binary.LittleEndian.Uint16(f[8:10])
		for _, slot := range r.days {
			if slot.date == date && slot.end == end {
				kept++
				break
			}
		}
	}
	if kept < 90 {
		t.Fatalf("%d of 100 dates kept in the cache, want at least 90", kept)
	}
}
