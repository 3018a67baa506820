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
// # Change over time
//
// The org chart is a history of dated [OrgChange]s (package cx/org):
// [Program.DefineUnits] adds units from the start, [Program.ChangeOrg]
// records additions, renames, moves, merges, splits, closes and leaders,
// each from its effective date; every store checks the whole history in
// the transaction that records a change ([UnitStore]), so it is one valid
// tree at every date whoever writes. [Program.HierarchyAt] is the org on
// a date. Each wave is scored, rolled up and planned for privacy on the
// org in force when it opened, and on the version of the survey it
// fielded (survey.Wave.SurveyVersion; [Program.DefineSurvey] keeps every
// version). A scorecard's change since a baseline compares each unit with
// the units its people were in at the baseline (ScorecardOptions.Lineage)
// on the items both waves asked alike (ScorecardOptions.Fielded), and
// says what it left out and why ([UnitScore.NotComparable],
// [UnitScore.Restated], [BehaviorScore.Break]); panels break their series
// at a rewording or at a change of a unit's people.
//
// [Program.SegmentCut] cuts a wave by a segment the survey declares,
// counted in the store ([SegmentTallyStore]); [Program.LeaderView] is a
// leader's part of a scorecard with gaps to the unit above and to the
// organization; [Program.PairedChange] compares two waves among the people
// who answered both. All go through the program's privacy plan.
//
// # Is the culture changing?
//
// A [Panel] gathers the measured history of a program: the hierarchy, the
// waves of the employee pulse in time order with the instrument fielded in
// each, the tallies of the responses, the panels of the customer surveys
// the units' customers answer ([Panel.Customer]), and operational metrics
// as observations. Customer results are measures like any other
// ([CustomerMeasure], such as "a11/trust"), so initiatives' outcome
// targets, wins, links and indicators use them directly. From it:
//
//   - [NewBaseline] captures where each unit stood, per behavior, belief
//     and behavior item group and outcome; [ComparabilityBreaks] lists the
//     waves between which a measure's items were reworded or rescaled, so
//     that nothing is compared across them.
//   - [EvaluateIndicators] evaluates each behavior indicator per unit and
//     wave (or observation period): value, interval, target met, trend.
//   - [Trends] charts each unit's series against limits fixed from a
//     baseline period (a p′-chart for shares, an XmR chart for means) with
//     the Nelson rules, and judges it improving, sustained shift (the gain
//     still holds at the latest points: embedded), faded (a tested
//     decline), declining, stable or too little data, with evidence.
//   - [EstimateImpact] estimates an initiative's effect on its outcomes
//     and fostered behaviors against comparison units (difference in
//     differences with an interval), from before its start to its end and
//     after; [Wins] turns significant improvements of its outcomes, after
//     Benjamini-Hochberg control, into plain-language announcements that
//     name the result with its interval, whether the target was met, the
//     behaviors that improved with it and the initiative; [Sustain] says
//     whether each gain held after the initiative ended.
//   - [Pitfalls] detects change by decree (a tested widening of the
//     belief-practice gap), initiatives not aligned with the mission or
//     outcomes, stopping too soon (a tested fading), no measurable gain,
//     wins never recognized, no baseline, survey fatigue and
//     comparability breaks, each naming its initiative, with its evidence.
//   - [Links] relates behaviors to a customer outcome across units
//     (Shapley R² and relative weights with bootstrap intervals, and a
//     permutation p-value: nothing is claimed under the null); [Gaps]
//     gives the belief-behavior gap; [Detectability] the smallest change
//     a unit's waves can detect, and the targets none could.
//
// Each judgement rule documents its definition, rationale and error rates,
// measured by simulation in the package's tests.
//
// [Program.Comments] reads back the comments of employees and customers
// per unit, wave and free-text question, with theme counts (package
// cx/themes); [Program.RecordRecognitions] records acts of recognition and
// [Program.RecognitionCounts] counts them per unit, behavior and period.
//
// Only groups shown under the privacy rules (a minimum group size, or a
// [Disclosure] plan) enter any of these figures.
//
// # Privacy
//
// Employees answer honestly only if they cannot be singled out. A
// [Privacy] value holds the rules: a group's scores are shown from
// MinScores respondents (default 5, never below 3), its comments from
// MinComments (default 10), its response rate only with its scores.
//
// Hiding the small groups is not enough: a hidden team is its division
// minus its shown sibling teams. A program has one [Disclosure] plan per
// survey ([Program.Disclosure]) and every output applies it by default
// (scorecards, pulse reports, panels and what is computed from them,
// segment cuts, comments, reports). From the hierarchy, the tallies, the
// waves in time order with their invited counts and the declared
// [Segments], the plan hides, besides the groups below the minimum, the
// further cells that leave every small group undetermined: no reader can
// work out its respondent count or, item by item, its answers and answers
// in each published range (the favorable range, eNPS's promoters, passives
// and detractors), nor learn that it answered an item all one way, by
// subtracting shown groups from their parent, across levels, across
// segments, between a unit and its direct respondents, or by any
// combination of these with the bounds the reasons and the invited counts
// reveal (the plan solves what a reader can infer as linear programs
// over fractions, its "safe" answers certified exactly; package
// [disclosure] holds the planner). Where invited counts would pin a small
// group that no suppression protects, the plan withholds them
// ([Disclosure.InvitedHidden]); where the reasons of the hidden cells
// around a small group would pin it, it withholds those reasons
// ([Withheld]). An empty unit or segment reads exactly as a small one in
// its place would (below the minimum, or withheld among withheld
// reasons), so no reason tells a reader whether a hidden group holds
// anyone.
// Figures are planned one by one:
// a shown group's figure ([Disclosure.FigureHidden]) is shown only when
// the people who answered its items reach the minimum, and is hidden to
// protect another group's answers rather than the whole group where that
// suffices. Complementary cells are chosen by structure, depth, invited
// counts and names, never by their counts. Every hidden cell and figure
// carries a [Reason] that a report can print.
//
// What a reader can still learn is spelled out in [Privacy.Plan]: that a
// hidden group is small, a range for its count, the count of a cell hidden
// only to protect another (which holds at least the minimum); when all of
// a shown group answered alike, so did each of its parts; a reader who
// reruns the planner on every organization consistent with what is shown
// can read something from which cells are hidden (the rates measured are
// there); figures computed outside the plan's cells are not covered.
// [Disclosure.Exposed] is a safety net: it lists what a reader who knows
// more than the outputs tell (which crossings of two attributes, and
// which listed groups, are empty) could pin. It lists groups in about
// half of the tests' generated organizations cut by two attributes at
// once, and in none cut by one or none; the project's attacker tests,
// reading only what is published, pin none of them.
//
// Respondent identity is kept only as a keyed pseudonym: with
// Options.Pseudonymizer (a [Pseudonymizer], HMAC-SHA256 under a key the
// caller holds), [Program.RecordResponses] and the imports replace each
// respondent by its pseudonym before anything is validated, stored or
// reported, and the same person links across waves through it. Without a
// Pseudonymizer they refuse a respondent that is not already a pseudonym
// ([IsPseudonym]), naming the response and the field: a raw identity is
// never stored.
//
// # Recording and importing responses
//
// [Program.RecordResponses] stores a slice, [Program.ImportCSV] and
// [Program.ImportJSONL] a file of any size, by the same rules. Every
// response is checked against the program's surveys, waves and units, and
// every problem is named (for a file: line, column and reason, all the
// problems of a row). A response without an ID gets the one
// [survey.ContentID] derives from its whole content and its occurrence
// among the identical responses of the input: distinct responses never
// share an ID, identical ones (two people answering alike in the same
// second) are each counted, and recording or importing the same input
// again adds nothing. A response without an ID is known by its content
// alone, so a corrected response is a new one: corrections need IDs.
//
// An import checks the whole file before it stores anything, and by
// default stores nothing unless every row is good (opts.SkipBadRows
// stores the good ones and lists the bad ones). A response ID that comes
// back in the file with other content names both lines; a row whose ID is
// stored with other content fails the import naming the line, unless
// [ImportOptions].Replace is set, which replaces the stored response and
// reports it. Stores that offer [ImportStore] (memstore, sqlstore) stage
// the import in one transaction: a failed, cancelled or killed import
// leaves nothing stored and no file behind, and memory does not grow with
// the file beyond some 30 to 50 bytes a response (to find repeated IDs).
//
// Results marshal to JSON with encoding/json; an undefined number (NaN,
// such as the share of a group without answers) is written as null.
//
// # Concurrency
//
// A Program and every store in this module are safe for concurrent use.
// Values returned are copies the caller owns.
package cx
