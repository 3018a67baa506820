package cx

import (
	"errors"
	"strings"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/survey"
)

// Error categories. Every error returned by a [Program] or a store falls
// in at most one of them; test with errors.Is. Stores in other packages
// (including the store interfaces declared in packages culture and survey)
// report their errors in these categories.
var (
	// ErrNotFound means the requested entity does not exist.
	ErrNotFound = errors.New("cx: not found")
	// ErrAlreadyExists means an entity with the same identity exists with
	// different content.
	ErrAlreadyExists = errors.New("cx: already exists")
	// ErrInvalid means the input is malformed or inconsistent; the error
	// is a [*ValidationError] listing every problem.
	ErrInvalid = errors.New("cx: invalid input")
)

// Problem is one thing wrong with an input: the field it concerns (a path
// such as "responses[3 <id>].answers.q07" or "units[2].parent") and what is
// wrong with it.
type Problem struct {
	Field   string
	Message string
}

// ValidationError lists every problem found in an input, not only the
// first. It unwraps to [ErrInvalid], and to the validation error of package
// culture or survey it was built from, if any.
type ValidationError struct {
	Problems []Problem
	cause    error
}

// Error joins the problems into one line.
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Field + ": " + p.Message
	}
	return "cx: invalid input: " + strings.Join(parts, "; ")
}

// Unwrap returns [ErrInvalid] and the underlying validation error, if any.
func (e *ValidationError) Unwrap() []error {
	if e.cause != nil {
		return []error{ErrInvalid, e.cause}
	}
	return []error{ErrInvalid}
}

// invalid returns a ValidationError with one problem.
func invalid(field, msg string) *ValidationError {
	return &ValidationError{Problems: []Problem{{field, msg}}}
}

type problems []Problem

func (ps *problems) add(field, msg string) { *ps = append(*ps, Problem{field, msg}) }

func (ps problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return &ValidationError{Problems: ps}
}

// asValidation converts the validation errors of packages culture and
// survey into a *ValidationError, prefixing each field with prefix (which
// may be empty). Other errors are returned unchanged.
func asValidation(err error, prefix string) error {
	if err == nil {
		return nil
	}
	var out ValidationError
	if ce, ok := errors.AsType[*culture.ValidationError](err); ok {
		for _, p := range ce.Problems {
			out.Problems = append(out.Problems, Problem{join(prefix, p.Field), p.Message})
		}
	} else if se, ok := errors.AsType[*survey.ValidationError](err); ok {
		for _, p := range se.Problems {
			out.Problems = append(out.Problems, Problem{join(prefix, p.Field), p.Message})
		}
	} else if ve, ok := errors.AsType[*ValidationError](err); ok {
		for _, p := range ve.Problems {
			out.Problems = append(out.Problems, Problem{join(prefix, p.Field), p.Message})
		}
		return &out
	} else {
		return err
	}
	out.cause = err
	return &out
}

func join(prefix, field string) string {
	switch {
	case prefix == "":
		return field
	case field == "":
		return prefix
	}
	return prefix + "." + field
}
