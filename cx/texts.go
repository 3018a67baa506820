package cx

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// pText writes a p-value for people: "p = 0.012", or "p < 0.0001" below
// that, never in exponent notation.
func pText(p float64) string {
	if p < 0.0001 {
		return "p < 0.0001"
	}
	return fmt.Sprintf("p = %.2g", p)
}

// num writes a number for people with about three significant digits,
// without trailing zeros and never in exponent notation: 1234, 12.3,
// 1.5, 0.123.
func num(v float64) string {
	a := math.Abs(v)
	d := 3
	switch {
	case a >= 100:
		d = 0
	case a >= 10:
		d = 1
	case a >= 1:
		d = 2
	}
	out := strconv.FormatFloat(v, 'f', d, 64)
	if strings.Contains(out, ".") {
		out = strings.TrimRight(strings.TrimRight(out, "0"), ".")
	}
	if out == "-0" {
		out = "0"
	}
	return out
}

// signedNum writes num with its sign: "+1.23", "-0.5".
func signedNum(v float64) string {
	if v >= 0 {
		return "+" + num(v)
	}
	return num(v)
}
