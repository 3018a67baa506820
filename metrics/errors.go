package metrics

import (
	"errors"
	"fmt"
)

// Error categories. Every error the package returns wraps exactly one of
// them, so callers can branch with [errors.Is] while the message says what
// is wrong and where.
var (
	// ErrInvalid is wrapped by errors about invalid input: mismatched
	// lengths, too few items, a confidence level outside (0, 1), a negative
	// count or weight, an infinite value.
	ErrInvalid = errors.New("metrics: invalid input")

	// ErrOutOfScale is wrapped by errors about an answer outside the scale
	// of a [Tally].
	ErrOutOfScale = errors.New("metrics: answer outside the scale")

	// ErrScaleMismatch is wrapped by errors about merging statistics kept on
	// different scales: tallies with different Min or Max, or [ScaleStats]
	// with different numbers of items.
	ErrScaleMismatch = errors.New("metrics: scales differ")
)

// inputError carries a specific message and unwraps to its category.
type inputError struct {
	msg  string
	kind error
}

func (e *inputError) Error() string { return "metrics: " + e.msg }
func (e *inputError) Unwrap() error { return e.kind }

func errorf(kind error, format string, args ...any) error {
	return &inputError{msg: fmt.Sprintf(format, args...), kind: kind}
}
