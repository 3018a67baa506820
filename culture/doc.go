// Package culture models the desired culture of an organization and the
// initiatives that build it.
//
// # Concepts
//
// A [Behavior] is something people do that can be observed, such as
// customer focus; it has a stable slug ID that survey items name as their
// construct. A [Framework] is a named set of behaviors. An [Indicator]
// makes a behavior observable: a value read from survey items (their
// favorable share) or from an operational metric, the [Direction] in which
// it should move, and an optional target.
//
// An [Initiative] is an effort that improves customer experience while
// fostering behaviors: a targeted [NinetyDay] project with rapid,
// measurable results, or a longer [ChangeProgram]. It names its owner, the
// units where it runs, the behaviors it fosters, its [OutcomeTarget]s
// (metric, baseline, target, direction), how it serves the mission and who
// takes part beyond the owner.
//
// # Built-in frameworks
//
// [CXBehaviors] (customer focus, agility, empowerment, innovation,
// inclusion of different perspectives), [CustomerMindset] (empathy,
// responsiveness, ownership, obsession) and [ContinuousImprovement] (high
// standards, healthy impatience, the courage to be self-critical,
// resilience); [BuiltinFrameworks] returns all three. Their behavior IDs
// are constants such as [CustomerFocus] and are unique across the three,
// and the built-in culture pulse of package survey measures the CX
// behaviors under the same IDs.
//
// # Initiative lifecycle
//
// An initiative's [Status] moves through
//
//	Planned → Active → Completed
//	   │         └───→ Stopped
//	   └─────────────→ Stopped
//
// [Initiative.Transition] makes one change and records it, with its time
// and a note, in the initiative's history; a change the lifecycle does not
// allow, or one timestamped before the previous change, is refused and
// leaves the initiative as it was. [Initiative.ApplyDefaults] sets the
// status to Planned and, for a 90-day project without an end, the end to
// 90 days ([NinetyDays]) after the start.
//
// # Validation
//
// Framework.Validate, Indicator.Validate and Initiative.Validate check a
// value on its own and return a [*ValidationError] listing every problem
// found, each naming its field ("name", "outcomes[1].target",
// "history[0].at"); it unwraps to [ErrInvalid]. Whether the units,
// behaviors and survey items a value refers to exist is checked by the
// program that holds them (package cx), which reports it in the same way.
//
// # Stores
//
// [FrameworkStore], [IndicatorStore] and [InitiativeStore] persist the
// values of this package. They are implemented by the stores of package
// cx (cx/memstore in memory, cx/sqlstore in a database), report errors in
// the categories of package cx (cx.ErrNotFound, cx.ErrAlreadyExists), and
// are checked by the conformance suite cx/storetest.
//
// # Concurrency
//
// The values of this package are plain data: a value may be read from
// several goroutines at once, but not modified while it is read. Clone
// returns a deep copy. Stores are safe for concurrent use.
package culture
