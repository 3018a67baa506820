package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// pct formats a share as a percentage with one decimal, "–" when
// undefined.
func pct(n Number) string {
	if !n.Defined() {
		return "–"
	}
	return strconv.FormatFloat(100*float64(n), 'f', 1, 64) + "%"
}

// pctRange formats an interval of shares in percent, "68.1–76.3".
func pctRange(lo, hi Number) string {
	if !lo.Defined() || !hi.Defined() {
		return "–"
	}
	return strconv.FormatFloat(100*float64(lo), 'f', 1, 64) + "–" + strconv.FormatFloat(100*float64(hi), 'f', 1, 64)
}

// points formats a change of share in signed percentage points.
func points(n Number) string {
	if !n.Defined() {
		return "–"
	}
	v := 100 * float64(n)
	if math.Abs(v) < 0.05 {
		v = 0
	}
	return fmt.Sprintf("%+.1f percentage points", v)
}

// signed formats a score with a sign and one decimal (eNPS).
func signed(n Number) string {
	if !n.Defined() {
		return "–"
	}
	v := float64(n)
	if math.Abs(v) < 0.05 {
		v = 0
	}
	return fmt.Sprintf("%+.1f", v)
}

// signedRange formats an interval of scores, "-4.1 to +16.5".
func signedRange(lo, hi Number) string {
	if !lo.Defined() || !hi.Defined() {
		return "–"
	}
	return signed(lo) + " to " + signed(hi)
}

// fixed formats n with d decimals, "–" when undefined.
func fixed(n Number, d int) string {
	if !n.Defined() {
		return "–"
	}
	return strconv.FormatFloat(float64(n), 'f', d, 64)
}

// pvalue formats a p-value: three significant digits, "< 0.0001" below.
func pvalue(n Number) string {
	if !n.Defined() {
		return "–"
	}
	if n < 0.0001 {
		return "< 0.0001"
	}
	return strconv.FormatFloat(float64(n), 'g', 3, 64)
}

// count formats an integer with thousands separators.
func count[T int | int64](v T) string {
	s := strconv.FormatInt(int64(v), 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// levelPct formats a confidence level, "95%".
func levelPct(l Number) string {
	if !l.Defined() {
		return "–"
	}
	return strconv.FormatFloat(100*float64(l), 'f', -1, 64) + "%"
}

// arrow is the mark of a significant change.
func arrow(change string) string {
	switch change {
	case "up":
		return "▲"
	case "down":
		return "▼"
	}
	return ""
}

// direction names the direction of a change.
func direction(diff Number) string {
	if diff > 0 {
		return "up"
	}
	return "down"
}

// pText writes a p-value with its name: "p = 0.012", "p < 0.0001".
func pText(n Number) string {
	v := pvalue(n)
	if strings.HasPrefix(v, "<") {
		return "p " + v
	}
	return "p = " + v
}

// dayText writes a date given as YYYY-MM-DD for people: "5 Jan 2026";
// other text is returned as it is.
func dayText(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return t.Format("2 Jan 2006")
}
