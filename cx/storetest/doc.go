// Package storetest is the conformance suite of [cx.Store]: every store
// implementation runs it, and passes it, to be usable by a [cx.Program].
//
// # Wiring a store in
//
// A backend calls [Run] from one test, with a function that returns a
// fresh, empty and isolated store. The in-memory store needs one line:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(*testing.T) cx.Store { return memstore.New() })
//	}
//
// A store over a database opens a new one each time and closes it when the
// subtest ends (mystore standing for the backend's package):
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) cx.Store {
//			s, err := mystore.Open(filepath.Join(t.TempDir(), "cx.db"))
//			if err != nil {
//				t.Fatal(err)
//			}
//			t.Cleanup(func() { s.Close() })
//			return s
//		})
//	}
//
// A store whose data another process can open runs [RunHarness] instead,
// with a Reopen function that opens a second handle on a store's data: the
// suite then also writes through two handles at once, which a store that
// serializes its writes within the process only (a mutex) would fail.
// The SQL stores and the ClickHouse store run it.
//
// Some promises not every store can keep: a store claims those it keeps
// in [Harness.Capabilities] (the capability flags of go-cloud's
// drivertest). The suite runs the case of each claimed capability, and
// for the others skips it, saying so, and checks the weaker rule every
// store keeps. memstore and the SQL stores claim every capability; the
// ClickHouse store, whose catalog and responses share no transaction,
// claims none (see [Capabilities]).
//
// Run it under the race detector (go test -race): the suite uses the store
// from several goroutines at once. newStore is called once per subtest,
// and once per command sequence of the model-based test (a few hundred
// times in all, fewer under -short); each call must return a store that
// shares nothing with the others, such as a new in-memory database, a new
// temporary file or a new PostgreSQL schema. Resources registered with
// t.Cleanup are released when the subtest ends; the model-based test also
// calls Close, if the store has one (io.Closer), as soon as each command
// sequence ends, so a Close registered with t.Cleanup as well must be
// harmless the second time.
//
// # What it checks
//
// Every subtest names the rule it checks and a failure message quotes it.
// For each entity (frameworks, indicators, initiatives, surveys, waves,
// responses, observations) the suite checks, against the doc comments of
// the store interfaces:
//
//   - round trips: what Get and List return is exactly what was stored:
//     every field, nil slices and maps nil, times the same instant in UTC;
//   - errors: Get, Update and Delete of a missing entity fail with an error
//     that satisfies errors.Is(err, cx.ErrNotFound); Create of a stored
//     one with cx.ErrAlreadyExists, leaving the stored value as it was; a
//     failed Update creates nothing;
//   - lists: the documented order (by ID; initiatives by Start then ID;
//     waves by Opens then ID; responses by Submitted then ID; observations
//     by metric, unit and time), every filter field, Limit and Offset, and
//     CountResponses, which ignores them;
//   - batches: CreateResponses and CreateObservations are all or nothing
//     and idempotent: re-inserting identical values adds nothing and
//     returns added=0; a different value under a stored key, or two
//     different values under one key in a batch, fail the whole batch with
//     cx.ErrAlreadyExists (and added=0) and store nothing of it;
//   - ownership: mutating a value after passing it to Create or Update, or
//     a value returned by Get or List, does not change what is stored;
//   - concurrency: creates, reads, updates, deletes and overlapping batches
//     from several goroutines leave the store consistent; identical
//     batches inserted concurrently add each response once;
//   - a model-based test (gopter commands): random sequences of creates,
//     gets, updates, deletes, lists and batches over a tiny key space, so
//     that keys collide, checked step by step against a plain map model;
//     a failing sequence is shrunk to a short one.
//
// The org chart is kept as a history of dated changes (cx.UnitStore); the
// suite checks that RecordOrgChanges keeps the history valid whoever calls
// it: a change that makes a cycle, a second root or an orphan, or that
// breaks a later date, fails with cx.ErrInvalid and stores nothing of its
// batch; a unit added again differently fails with cx.ErrAlreadyExists;
// changes equal to recorded ones add nothing; concurrent writers cannot
// record two roots; ListOrgChanges returns the changes in the order
// recorded; DeleteUnit erases a unit only when nothing refers to it. The
// model-based test replays its histories with a checker of its own.
//
// Surveys keep every version: UpdateSurvey adds a new version or replaces
// a stored one that no wave fielded; GetSurvey and ListSurveys return the
// latest; ListSurveyVersions every one. A store that offers cx.TallyStore
// tallies against the version its filter names.
//
// Generated values come from a seeded random source; a failure prints the
// seed, and setting CXCULTURE_GOPTER_SEED to it replays the run.
//
// Values given to the store are valid and normalized as a [cx.Program]
// hands them over (times in UTC truncated to the microsecond, empty slices
// and maps nil); the suite does not test how a store treats other input.
// Stores check references between entities on delete only: a unit, wave
// or survey that records refer to is not deleted (cx.ErrInvalid). On
// create the program checks them, so the suite stores waves of surveys and
// responses of units that are not stored.
package storetest
