package org

import (
	"errors"
	"strings"
)

// Error categories of this package. Package cx reports them in its own
// categories: ErrInvalid as cx.ErrInvalid, ErrExists as
// cx.ErrAlreadyExists, ErrNotFound as cx.ErrNotFound.
var (
	// ErrInvalid is the category of a [*ValidationError]: an org chart or
	// a history of changes that breaks a rule.
	ErrInvalid = errors.New("org: invalid")
	// ErrExists is the category of a [*ConflictError]: a unit defined
	// again with different content.
	ErrExists = errors.New("org: unit already exists")
	// ErrNotFound means a unit is not in the history at all.
	ErrNotFound = errors.New("org: unknown unit")
)

// Problem is one thing wrong: the field it concerns (a path such as
// "units[3].parent" or "changes[2].unit") and what is wrong with it.
type Problem struct {
	Field   string
	Message string
}

// ValidationError lists every problem found, not only the first. It
// unwraps to [ErrInvalid].
type ValidationError struct {
	Problems []Problem
}

// Error joins the problems into one line.
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Field + ": " + p.Message
	}
	return "org: invalid: " + strings.Join(parts, "; ")
}

// Unwrap returns [ErrInvalid].
func (e *ValidationError) Unwrap() error { return ErrInvalid }

// ConflictError reports a unit that is defined again with content that
// differs from its stored definition. It unwraps to [ErrExists].
type ConflictError struct {
	// Unit is the ID of the unit; Field the change that defines it again.
	Unit, Field string
	// Stored and Given are the two definitions.
	Stored, Given Unit
}

// Error names the unit and what differs.
func (e *ConflictError) Error() string {
	return "org: " + e.Field + ": unit " + e.Unit + " is already defined differently (" + describeDiff(e.Stored, e.Given) + ")"
}

// Unwrap returns [ErrExists].
func (e *ConflictError) Unwrap() error { return ErrExists }

func describeDiff(a, b Unit) string {
	var parts []string
	if a.Name != b.Name {
		parts = append(parts, "name "+quote(a.Name)+", not "+quote(b.Name))
	}
	if a.Parent != b.Parent {
		parts = append(parts, "parent "+quote(a.Parent)+", not "+quote(b.Parent))
	}
	if !equalStrings(a.Leaders, b.Leaders) {
		parts = append(parts, "other leaders")
	}
	if len(parts) == 0 {
		return "another effective date"
	}
	return "stored with " + strings.Join(parts, ", ")
}

func quote(s string) string {
	if s == "" {
		return "none"
	}
	return `"` + s + `"`
}

type problems []Problem

func (ps *problems) add(field, msg string) { *ps = append(*ps, Problem{field, msg}) }

func (ps problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return &ValidationError{Problems: ps}
}
