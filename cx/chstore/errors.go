package chstore

import (
	"errors"
	"strings"

	"github.com/cxculture/cxculture/cx"
)

// opError is an error of a store operation: what was done, the cx
// category it falls in (if any) and the cause (if any).
type opError struct {
	op   string // such as "create responses"
	kind error  // cx.ErrNotFound, cx.ErrAlreadyExists, a *cx.ValidationError or nil
	err  error
}

func (e *opError) Error() string {
	var b strings.Builder
	b.WriteString("chstore: ")
	b.WriteString(e.op)
	if e.kind != nil {
		b.WriteString(": ")
		b.WriteString(e.kind.Error())
	}
	if e.err != nil && e.err != e.kind {
		b.WriteString(": ")
		b.WriteString(strings.TrimPrefix(e.err.Error(), "chstore: "))
	}
	return b.String()
}

// Unwrap returns the category and the cause.
func (e *opError) Unwrap() []error {
	var out []error
	if e.kind != nil {
		out = append(out, e.kind)
	}
	if e.err != nil && e.err != e.kind {
		out = append(out, e.err)
	}
	return out
}

// wrap returns err as an error of op; nil stays nil, and an error of this
// package (or one already in a cx category) is returned as it is.
func wrap(err error, op string) error {
	if err == nil {
		return nil
	}
	if _, ok := errors.AsType[*opError](err); ok {
		return err
	}
	if errors.Is(err, cx.ErrNotFound) || errors.Is(err, cx.ErrAlreadyExists) || errors.Is(err, cx.ErrInvalid) {
		return err
	}
	return &opError{op: op, err: err}
}

// alreadyExists returns the ErrAlreadyExists error of op, saying why.
func alreadyExists(op, why string) error {
	return &opError{op: op, kind: cx.ErrAlreadyExists, err: errors.New(why)}
}

// invalid returns the *cx.ValidationError of one problem, for op.
func invalid(op, field, msg string) error {
	return &opError{op: op, kind: &cx.ValidationError{Problems: []cx.Problem{{Field: field, Message: msg}}}}
}
