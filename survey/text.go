package survey

import (
	"encoding/binary"
	"fmt"
	"strings"
	"unicode/utf8"
)

// headerName is the name of column c of a header as every reader reads
// it: blanks around it ignored, and a byte-order mark before the first.
func headerName(h string, c int) string {
	if c == 0 {
		h = strings.TrimPrefix(strings.TrimLeft(h, " \t"), "\ufeff")
	}
	return strings.TrimSpace(h)
}

// HeaderIndex maps the names of a CSV header onto their columns (from 0)
// by the rule every reader of this module applies: blanks around a name,
// and a byte-order mark before the first, are ignored, and ASCII case is
// not significant. The keys are the names in lower case. A name that
// appears twice under this rule is a *ParseError on line 1 naming both
// columns.
func HeaderIndex(header []string) (map[string]int, error) {
	out := make(map[string]int, len(header))
	var ps []string
	for c, h := range header {
		name := headerName(h, c)
		key := strings.ToLower(name)
		if prev, dup := out[key]; dup {
			ps = append(ps, fmt.Sprintf("column %d (%s): same name as column %d", c+1, name, prev+1))
			continue
		}
		out[key] = c
	}
	if len(ps) > 0 {
		return nil, &ParseError{Line: 1, Reason: "header: " + strings.Join(ps, "; ")}
	}
	return out, nil
}

// TextProblem reports what is wrong with a text field (a comment, a
// respondent, a name): invalid UTF-8 or a NUL byte, with the byte offset
// (from 1) where it starts; ok is true for valid text. Every reader and
// recorder of this module refuses such text rather than store it
// altered.
func TextProblem(s string) (reason string, ok bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c < 0x80 {
			continue
		}
		if c == 0 {
			return fmt.Sprintf("NUL byte at byte %d", i+1), false
		}
		if c < 0x80 {
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return fmt.Sprintf("invalid UTF-8 at byte %d", i+1), false
		}
		i += size - 1
	}
	return "", true
}

// textProblem is TextProblem of a byte slice, without converting it.
// Printable ASCII, what nearly every ID and comment holds, is checked
// eight bytes at a time; anything else goes to TextProblem.
func textProblem(b []byte) (string, bool) {
	const lows, highs = 0x2020202020202020, 0x8080808080808080
	i := 0
	for ; i+8 <= len(b); i += 8 {
		// A byte at 0x80 or above sets its high bit in x; a byte below
		// 0x20 borrows when 0x20 is taken from it, setting its high
		// bit in x-lows (a borrow may set higher bytes' too, which only
		// sends valid text to the full check).
		if x := binary.LittleEndian.Uint64(b[i:]); (x|(x-lows))&highs != 0 {
			return TextProblem(string(b))
		}
	}
	if i < len(b) && len(b) >= 8 {
		// The tail, as the last eight bytes (some checked again).
		if x := binary.LittleEndian.Uint64(b[len(b)-8:]); (x|(x-lows))&highs != 0 {
			return TextProblem(string(b))
		}
		return "", true
	}
	for _, c := range b[i:] {
		if c < 0x20 || c >= 0x80 {
			return TextProblem(string(b))
		}
	}
	return "", true
}
