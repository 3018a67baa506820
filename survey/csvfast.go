package survey

import (
	"bytes"
	"encoding/binary"
	"time"

	"github.com/google/uuid"
)

// The one-pass reading of plain records, and the parsing of times and
// numbers it shares with the general path.

// fastRecords enables [csvLayout.fillFast]; tests turn it off to compare.
var fastRecords = true

// fillFast maps a record without quotes onto r straight from its bytes,
// in one pass, for layouts whose columns are items, unit, wave, submitted
// time, respondent and ignored ones, when every field is in its plain
// form. It reports false on anything else, and the record then goes
// through the general parser and [csvLayout.fill], which read it the same
// way or name what is wrong.
func (l *csvLayout) fillFast(r *Row, line int, rec []byte, comma byte) bool {
	if !l.fast || len(rec) > l.opts.MaxRecordBytes {
		return false
	}
	if n := len(rec); n > 0 && rec[n-1] == '\r' {
		rec = rec[:n-1]
	}
	if len(r.Values) != len(l.s.Items) {
		r.Values = make([]int, len(l.s.Items))
	}
	vals := r.Values
	for _, i := range l.unread {
		vals[i] = Skipped
	}
	r.Line = line
	r.ID, r.Unit, r.Wave, r.UnitKey, r.WaveKey, r.Submitted = uuid.Nil, "", "", -1, -1, time.Time{}
	r.respondent, r.comment, r.segments, r.texts = nil, nil, r.segments[:0], r.texts[:0]
	// Fields are taken column by column: an answer is one or two digits
	// or nothing, so most fields are read without searching for the comma.
	// Every field ends at a delimiter or at the end of the record, and
	// pos then steps over it: past the end after the last field (four
	// answers read at once take their last delimiter with them).
	pos, n := 0, len(rec)
	cols := l.cols
	for c := 0; c < len(cols); c++ {
		col := &cols[c]
		if col.items >= 4 && pos+8 <= n {
			// Four one-digit answers at once, when the next eight bytes
			// read "d,d,d,d,".
			if v, ok := fourDigits(binary.LittleEndian.Uint64(rec[pos:]), comma); ok {
				// Each lane on its scale: below the least or above the
				// greatest, a lane's difference is negative.
				if ((v-col.lo4)|(col.hi4-v))&0x8000800080008000 != 0 {
					return false
				}
				d0, d1, d2, d3 := int(v&0xff), int(v>>16&0xff), int(v>>32&0xff), int(v>>48&0xff)
				if col.next4 {
					vs := vals[col.item : col.item+4 : col.item+4]
					vs[0], vs[1], vs[2], vs[3] = d0, d1, d2, d3
				} else {
					cs := cols[c : c+4 : c+4]
					vals[cs[0].item], vals[cs[1].item], vals[cs[2].item], vals[cs[3].item] = d0, d1, d2, d3
				}
				c += 3
				pos += 8
				continue
			}
		}
		if col.kind == colItem {
			v := Skipped
			if pos < n && rec[pos] != comma {
				d := int(rec[pos]) - '0'
				if uint(d) > 9 {
					return false
				}
				pos++
				if pos < n && rec[pos] != comma {
					// Two digits, as an eNPS of 10; no leading zero.
					d2 := int(rec[pos]) - '0'
					if uint(d2) > 9 || d == 0 {
						return false
					}
					d = 10*d + d2
					pos++
					if pos < n && rec[pos] != comma {
						return false
					}
				}
				if d < col.min || d > col.max {
					return false
				}
				v = d
			}
			vals[col.item] = v
			if pos >= n && c+1 < len(cols) {
				return false // fewer fields than columns
			}
			pos++ // the delimiter, as read above, or one past the end
			continue
		}
		kind := col.kind
		end := bytes.IndexByte(rec[pos:], comma)
		if end < 0 {
			end = n - pos
		}
		f := rec[pos : pos+end]
		pos += end
		switch kind {
		case colUnit, colWave:
			if !r.internID(kind, f) {
				return false
			}
		case colSubmitted:
			t, ok := l.parseTimeCached(r, f)
			if !ok || len(f) == 0 || f[0] <= ' ' || f[len(f)-1] <= ' ' {
				return false
			}
			r.Submitted = t
		case colRespondent:
			if _, ok := textProblem(f); !ok {
				return false
			}
			r.respondent = f
		}
		if pos >= n && c+1 < len(cols) {
			return false // fewer fields than columns
		}
		pos++ // the delimiter IndexByte found, or one past the end
	}
	if pos != n+1 {
		return false // more fields than columns
	}
	return !r.Submitted.IsZero()
}

// fourDigits reads w, eight bytes of a record, as four one-digit fields
// each followed by the delimiter: "d,d,d,d,". It returns the digits' values
// in the low bytes of the four 16-bit lanes of v.
func fourDigits(w uint64, comma byte) (v uint64, ok bool) {
	const (
		lanes  = 0x0001000100010001
		low    = 0x00ff00ff00ff00ff
		high   = 0x0080008000800080
		commas = 0xff00ff00ff00ff00
	)
	if w&commas != uint64(comma)<<8*lanes {
		return 0, false
	}
	d := w & low
	// A byte is a digit when adding 0x46 leaves it below 0x80 (it is at
	// most '9') and subtracting '0' does not wrap (it is at least '0'); a
	// wrap borrows from the lane above, which the test also rejects.
	x := d - '0'*lanes
	if ((d+0x46*lanes)|x)&high != 0 {
		return 0, false
	}
	return x, true
}

// parseTime reads a submitted time, normalized. The common UTC form of
// RFC 3339 without fractional seconds ("2026-01-05T09:00:00Z") is read
// directly; anything else goes through time.ParseInLocation.
func (l *csvLayout) parseTime(f []byte) (time.Time, bool) {
	return l.parseTimeCached(nil, f)
}

// dayCacheBits sets the slots of a dayCache, 1 << bits: a year of daily
// dates (the benchmark exports hold 97) rarely share one.
const dayCacheBits = 10

// dayCache holds the days since the epoch of recently read dates, by a
// hash of their ten bytes ("2026-09-09"): an export has few dates and many
// rows, so most times are read without parsing their date.
type dayCache [1 << dayCacheBits]struct {
	date uint64 // the first eight bytes of the date
	end  uint16 // and its last two
	days int64
}

// parseTimeCached is parseTime with the dates of r's cache (none when r
// is nil).
func (l *csvLayout) parseTimeCached(r *Row, f []byte) (time.Time, bool) {
	if r != nil && l.rfc3339 && len(f) == 20 && f[10] == 'T' && f[19] == 'Z' {
		if r.days == nil {
			r.days = new(dayCache)
			// Written before it is read, as idTable.slots: this matters
			// only when the cache comes from pages fresh from the
			// operating system.
			clear(r.days[:])
		}
		date, end := binary.LittleEndian.Uint64(f[0:8]), binary.LittleEndian.Uint16(f[8:10])
		slot := &r.days[fmix(date*0x9e3779b97f4a7c15^uint64(end))&(1<<dayCacheBits-1)]
		if secs, ok := clock(binary.LittleEndian.Uint64(f[11:19])); ok {
			if slot.date == date && slot.end == end && date != 0 {
				return time.Unix(slot.days*86400+secs, 0).UTC(), true
			}
			y, ok1 := digits(f[0:4])
			mo, ok2 := digits(f[5:7])
			d, ok3 := digits(f[8:10])
			if ok1 && ok2 && ok3 && f[4] == '-' && f[7] == '-' && mo >= 1 && mo <= 12 && d >= 1 && d <= daysIn(mo, y) {
				slot.date, slot.end, slot.days = date, end, unixSeconds(y, mo, d, 0, 0, 0)/86400
				return time.Unix(slot.days*86400+secs, 0).UTC(), true
			}
		}
	}
	if l.rfc3339 && len(f) == 20 && f[4] == '-' && f[7] == '-' && f[10] == 'T' && f[13] == ':' && f[16] == ':' && f[19] == 'Z' {
		y, ok1 := digits(f[0:4])
		mo, ok2 := digits(f[5:7])
		d, ok3 := digits(f[8:10])
		h, ok4 := digits(f[11:13])
		mi, ok5 := digits(f[14:16])
		sec, ok6 := digits(f[17:19])
		if ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysIn(mo, y) && h < 24 && mi < 60 && sec < 60 {
			return time.Unix(unixSeconds(y, mo, d, h, mi, sec), 0).UTC(), true
		}
	}
	t, err := time.ParseInLocation(l.opts.TimeLayout, string(f), l.loc)
	if err != nil {
		return time.Time{}, false
	}
	return NormalizeTime(t), true
}

// clock reads w, the eight bytes "hh:mm:ss" of a time of day, and
// returns its seconds since midnight, or false when w is not one (the
// digits checked eight bytes at a time, as fourDigits does).
func clock(w uint64) (int64, bool) {
	const (
		digitBytes = 0xffff00ffff00ffff
		colons     = 0x00003a00003a0000
		zeros      = 0x3030003030003030
		to80       = 0x4646004646004646
		high       = 0x8080008080008080
	)
	if w&^digitBytes != colons {
		return 0, false
	}
	d := w & digitBytes
	x := d - zeros
	if ((d+to80)|x)&high != 0 {
		return 0, false
	}
	h := (x&0xff)*10 + x>>8&0xff
	m := (x>>24&0xff)*10 + x>>32&0xff
	sec := (x>>48&0xff)*10 + x>>56
	if h >= 24 || m >= 60 || sec >= 60 {
		return 0, false
	}
	return int64(h*3600 + m*60 + sec), true
}

func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// daysIn returns the number of days of month m of year y (Gregorian).
func daysIn(m, y int) int {
	if m == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		return 29
	}
	return monthDays[m]
}

var monthDays = [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// unixSeconds returns the Unix time of a valid UTC civil date and time,
// counting days with the days-from-civil algorithm of Howard Hinnant
// ("chrono-Compatible Low-Level Date Algorithms").
func unixSeconds(y, m, d, h, mi, s int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	days := int64(era)*146097 + int64(doe) - 719468
	return days*86400 + int64(h*3600+mi*60+s)
}

// trimSpace is bytes.TrimSpace with a fast path for fields without
// surrounding blanks.
func trimSpace(b []byte) []byte {
	if len(b) == 0 || (b[0] > ' ' && b[len(b)-1] > ' ') {
		return b
	}
	return bytes.TrimSpace(b)
}

// atoi parses a small decimal integer with an optional sign.
func atoi(b []byte) (int, bool) {
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}
