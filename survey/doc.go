// Package survey models the instruments that measure a culture and the
// experience of customers, and the answers they collect.
//
// # Concepts
//
// A [Scale] is a range of consecutive integer answers with a favorable
// range. An [Item] is one question: its text, scale, reverse keying, the
// construct it measures (a behavior ID of package culture, or a CX driver
// such as [DriverTrust]) and its [ItemKind]: [Belief] (what people think),
// [Behavior] (what people see done) or [Outcome] (eNPS, satisfaction,
// effort). Culture changes when behaviors change, not only beliefs, so the
// two are measured apart. A [Survey] is a versioned list of items for an
// [Employee] or [Customer] audience; an item's Version changes with its
// wording, and results are compared over time only between comparable
// items: the same version, text, scale and keying ([Item.Comparable]).
//
// A [Wave] is one fielding of a survey: when it opens and closes, and how
// many people were invited in each unit. A [Response] is one person's
// answers in one wave: item ID to the scale point chosen, the unit, a
// keyed pseudonym of the respondent (never their identity), the time
// submitted, an optional comment and segments.
//
// # Built-in scales and instruments
//
// The scales [Likert5], [Likert7], [NPS] (0-10), [CSAT] (1-5), [CES] (1-7)
// and [Binary], with the field's favorable ranges (top two boxes on five
// points, top three on seven, promoters for NPS).
//
// The instruments returned by [Instruments]: the employee [CulturePulse]
// (for each CX behavior one belief and one behavior item, plus eNPS), the
// OMB Circular A-11 Section 280 customer survey [A11] (public domain: one
// statement per driver, on a 5-point agreement scale), and the single-item
// [NPSSurvey], [CSATSurvey] and [CESSurvey]. Each call returns a fresh
// copy.
//
// # Validation
//
// Scale.Validate, Survey.Validate and Wave.Validate check one value.
// [ValidateResponses] checks a batch of responses against a [Catalog] of
// surveys, waves and units: a missing or repeated response ID, an unknown
// survey, wave or unit, a wave of another survey, a time outside the
// wave's window, an unknown item, a value outside the item's scale, a
// required item not answered, a response without answers, text that is
// not valid UTF-8 or holds a NUL byte ([ValidateResponse] checks one).
//
// Every validation returns one [*ValidationError] that lists every problem
// found, each naming its field ("items[2].scale",
// "responses[3 <id>].answers.q07"); it unwraps to [ErrInvalid]. Text (a
// respondent, a comment, a segment or free-text answer, an item's text)
// must be valid UTF-8 without NUL bytes: it is refused, never altered.
//
// # Reading files
//
// Responses are read from and written to wide CSV files ([CSVReader],
// [ScanCSV], [CSVWriter]) and JSON Lines ([JSONLReader], [JSONLWriter]).
// Every reader applies the same rules:
//
//   - a problem names its line, and its column (CSV; for JSON Lines the
//     byte offset of a syntax error or invalid text) or field; a row with
//     several problems reports them all ([ParseErrors], [Problems]);
//   - a record is at most MaxRecordBytes long (1 MiB by default,
//     [DefaultMaxRecordBytes]): a longer one, such as one whose quote is
//     never closed, is a bad record, and reading goes on at its second
//     line, so one bad record never hides the ones after it and memory
//     does not grow with the input;
//   - header names are matched by one rule ([HeaderIndex]): blanks and a
//     byte-order mark ignored, ASCII case not significant; a byte-order
//     mark is read before the first line of JSON Lines too;
//   - a row without a response ID is read without one: the program that
//     records it derives one from its content ([ContentID]).
//
// Package cx imports files into a store (Program.ImportCSV and
// Program.ImportJSONL) with these readers, checking the whole file before
// anything is stored.
//
// Stores keep times in UTC to the microsecond: [NormalizeTime] and
// [Response.Normalize] put values in that form before they are stored.
//
// # Stores
//
// [SurveyStore], [WaveStore] and [ResponseStore] persist the values of
// this package. [ResponseStore.CreateResponses] inserts a batch all or
// nothing, idempotently: re-inserting a stored response adds nothing,
// while a different response under a stored ID refuses the whole batch.
// The stores of package cx implement these interfaces and report errors in
// its categories (cx.ErrNotFound, cx.ErrAlreadyExists); the conformance
// suite cx/storetest checks them.
//
// # Concurrency
//
// The values of this package are plain data: a value may be read from
// several goroutines at once, but not modified while it is read. Clone
// returns a deep copy. Stores are safe for concurrent use.
package survey
