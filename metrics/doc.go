// Package metrics provides the numerics of customer-experience and culture
// measurement: mergeable tallies of survey answers, CX scores, proportions
// and means with their intervals, two-sample tests, multiple-comparison
// adjustments, reliability, control charts, driver analysis, effect sizes
// and survey planning.
//
// The functions follow gonum's style: plain slices and small value types
// in, formulas in the doc comments, and results that agree with R (stats
// 4.2, psych 2.2.9) to about 1e-9 relative. Each function cites the
// published formula it implements.
//
// # Groups
//
//   - Sufficient statistics: [Tally] (answers per scale point) and
//     [ScaleStats] (sums and cross-products of a multi-item scale). Both
//     merge associatively and commutatively, so they can be computed per
//     unit, per wave, in SQL or in parallel, and rolled up; both encode to
//     JSON. [ScaleCounts] counts rows on rating scales by level and adds
//     them to a ScaleStats at once.
//   - Estimates with uncertainty: [Proportion] with [Proportion.Wilson],
//     [NPS] with its standard error and interval, [Tally.MeanCI], [MeanCI],
//     [NewcombeDiff], [WelchCI], [LinearTrend].
//   - CX conventions: [Favorable] (FEVS percent positive, A-11 % agree),
//     [TopBox], [CSAT], [CES], [ScoreItem] for A-11 driver scores,
//     [PercentPositive] for FEVS-style indices, [Tally.NPS].
//   - Tests: [TwoProportionZ], [CompareNPS], [WelchT], [MannWhitney], all
//     returning a [Test]; [Spearman] rank correlation.
//   - Multiple comparisons: [AdjustBH], [AdjustHolm], [AdjustBonferroni].
//   - Reliability: [CronbachAlpha] and [ScaleStats.Alpha] with the Feldt
//     interval, alpha if deleted and item-rest correlations; [OmegaTotal]
//     and [ScaleStats.Omega].
//   - Statistical process control: [XmR] and [PChart] with the eight
//     Nelson rules ([Rule], [Signal], [Chart]).
//   - Driver analysis: [RelativeWeights] (Johnson 2000) and [ShapleyR2]
//     (LMG).
//   - Effect sizes: [CohenH], [CohenD], [HedgesG], [CliffDelta].
//   - Planning: [MarginOfError], [SampleSize], [MinDetectableChange],
//     [MinDetectableMeanChange].
//
// # Conventions
//
// Confidence levels are fractions in (0, 1), such as 0.95. Intervals are
// two-sided and equal-tailed, and p-values are two-sided.
//
// Proportions are fractions in [0, 1] ([Proportion.Value]); percentages
// are in points, 0 to 100 ([Proportion.Percent], [Index]); the Net
// Promoter Score, its standard error and its interval are in points, -100
// to 100. Effect sizes are unitless; planning results are in the units of
// their inputs (a proportion change for proportions).
//
// Scales are integer answers from Min to Max; the midpoint (Min+Max)/2
// splits favorable from unfavorable answers. Items are reverse keyed by
// the caller ([Tally.Reversed]).
//
// # Missing values and undefined results
//
// In slices of observations, NaN is a missing value: the sample functions
// drop it, the paired ones ([Spearman], [LinearTrend]) drop the pair, the
// reliability functions use pairwise or complete rows, the driver
// analyses drop the row, and the p-value adjustments keep it in place
// without counting it.
//
// A result that is undefined for valid input is NaN: a mean of no answers,
// a variance of one, a correlation with a constant, an interval from too
// few observations. Such input never panics.
//
// Invalid input is reported. Functions with an error result return an
// error that wraps [ErrInvalid], [ErrOutOfScale] or [ErrScaleMismatch] and
// says what is wrong and where. Functions without one panic, as gonum's
// do, with a message starting with "metrics: ", when a precondition their
// documentation states is violated: slices of different lengths, a
// confidence level outside (0, 1), a proportion with more successes than
// trials.
//
// # Concurrency
//
// Functions are safe for concurrent use. The value types ([Tally],
// [Proportion], [NPS], [Interval], [Test], [Alpha], [Chart], ...) are safe
// to copy and to read concurrently; a copy of a Tally shares its Counts
// until cloned. A [ScaleStats] is not safe for concurrent mutation: give
// each goroutine its own and merge them.
//
// # Licensing of the references
//
// The formulas are implemented from their publications. R and psych serve
// only as numerical references in the tests; no code is taken from the
// GPL-licensed psych, relaimpo or qcc.
package metrics
