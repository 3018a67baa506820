// Package cx ties the culture model, the surveys and the numbers together
// into a culture-change program over one organization.
//
// A [Program] holds the org hierarchy ([Unit], [Hierarchy]), the desired
// culture (frameworks and indicators of package culture), the instruments
// (surveys and waves of package survey), the initiatives that build the
// culture, and what measures it: survey responses and operational
// [Observation]s. Every recorder validates its whole input before anything
// is stored and reports every problem in one [*ValidationError].
//
// # Storage
//
// A Program keeps its data in a [Store], passed in explicitly:
//
//	p, err := cx.New(memstore.New(), nil)
//
// Package cx/memstore is the in-memory default; package cx/sqlstore keeps
// data in SQLite or PostgreSQL; package cx/storetest is the conformance
// suite every store passes. Store errors fall in the categories
// [ErrNotFound], [ErrAlreadyExists] and [ErrInvalid].
//
// # Concurrency
//
// A Program and every store in this module are safe for concurrent use.
// Values returned are copies the caller owns.
package cx
