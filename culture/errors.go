package culture

import (
	"errors"
	"strings"
)

// ErrInvalid is the category of every validation error returned by this
// package; a [*ValidationError] unwraps to it.
var ErrInvalid = errors.New("culture: invalid")

// Problem is one thing wrong with a value: the field it concerns (a dotted
// path such as "outcomes[1].metric") and what is wrong with it.
type Problem struct {
	Field   string
	Message string
}

// ValidationError lists every problem found in a value, not only the
// first. It unwraps to [ErrInvalid].
type ValidationError struct {
	Problems []Problem
}

// Error joins the problems into one line.
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Field + ": " + p.Message
	}
	return "culture: invalid: " + strings.Join(parts, "; ")
}

// Unwrap returns [ErrInvalid].
func (e *ValidationError) Unwrap() error { return ErrInvalid }

// problems collects validation problems.
type problems []Problem

func (ps *problems) add(field, msg string) { *ps = append(*ps, Problem{field, msg}) }

func (ps problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return &ValidationError{Problems: ps}
}

// ValidMetric reports whether s is a well-formed measure key for an
// outcome target or an indicator: an identifier ([ValidID]), or a survey
// ID and an identifier joined by "/" (a customer survey's measure, such
// as "a11/trust").
func ValidMetric(s string) bool {
	if sv, m, ok := strings.Cut(s, "/"); ok {
		return ValidID(sv) && ValidID(m)
	}
	return ValidID(s)
}

// ValidID reports whether s is a well-formed identifier for a behavior,
// framework or indicator: 1 to 64 characters from letters, digits and
// "_.:-", starting with a letter or digit.
func ValidID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case i > 0 && (c == '_' || c == '.' || c == ':' || c == '-'):
		default:
			return false
		}
	}
	return true
}
