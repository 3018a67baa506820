// Package report renders what package cx measures for the people who
// read it: leaders look at pictures, researchers load tables.
//
// One call, [Render], writes the four formats of one [Report] from one
// [Document], so they always show the same numbers:
//
//   - Markdown (CommonMark with GitHub tables);
//   - one self-contained HTML file: inline CSS and inline SVG charts, no
//     scripts, no fonts, no external resources (its Content Security Policy
//     forbids loading any);
//   - JSON with the stable schema described below;
//   - tidy CSV in long format: one row per unit, wave and measure.
//
// [WriteFiles] writes them as report.html, report.md, report.json and
// report.csv in a folder:
//
//	sc, err := program.Scorecard(ctx, "culture_pulse", cx.ScorecardOptions{Wave: "2026-06", Baseline: "2026-01"})
//	...
//	paths, err := report.WriteFiles(dir, report.Report{Title: "Culture pulse, June", Scorecard: sc})
//
// # Privacy
//
// A suppressed unit's figures never enter a [Document]: [Build] keeps only
// its identity and the reason it is hidden, and hides as well any unit whose
// respondents are fewer than the scorecard's minimum group, whatever the
// scorecard says. The organization-wide reliability is dropped when the
// root unit is hidden. Charts draw hidden units grey and hatched with their
// reason; tables and the CSV say "hidden" and give the reason.
//
// # Charts
//
// The HTML holds, for a scorecard: headline cards (respondents, response
// rate, eNPS, most and least favorable behavior, significant changes,
// hidden units); a dot-and-interval chart of each behavior's favorable
// share in the organization, with the baseline; the heatmap of units ×
// behaviors on the viridis scale from 0% to 100%, ▲/▼ on significant
// changes; and eNPS by unit with intervals. Every chart has a visible
// title, axis labels, a legend, n and intervals, an SVG <title> and <desc>
// for screen readers, and a table of its numbers beside it. Colors are
// colorblind-safe (Okabe-Ito for marks, viridis for the heatmap) and
// never the only cue. Up to 60 units fit one heatmap; a larger
// organization gets the units that have children first, then, folded,
// the units under each of them, 60 rows a page.
//
// # JSON schema
//
// The JSON document is [Document]; its field tags are the names. Version 1:
//
//	schema        "cxculture.report"
//	version       1; bumped only when a field is removed, renamed or changes meaning
//	title         string
//	generated     RFC 3339 time in UTC; absent when not given
//	scorecard     object, absent without a scorecard:
//	  survey, wave, baseline (absent without one)    strings
//	  level, fdr                                     confidence level, false discovery rate
//	  min_group, tests                               integers
//	  behaviors                                      [string], the order of every behaviors array
//	  units        [unit], parents before children:
//	    unit, name, parent (absent for the root), depth, leaf
//	    hidden       bool; a hidden unit has only its identity, hidden and reason
//	    reason       why it is hidden
//	    respondents  integer
//	    response_rate  share, absent when invited counts are unknown
//	    behaviors    [{behavior, favorable: share, mean: {value, lower, upper},
//	                   change: {baseline: share, diff, z, p, p_adjusted, significant}}]
//	                 change is absent without a baseline measure; p_adjusted is
//	                 null for a change that was not among the adjusted tests
//	    enps         {score, lower, upper, promoters, passives, detractors, n}, absent when not measured
//	  reliability  [{behavior, items, alpha, lower, upper, n}], Cronbach's alpha with its Feldt interval
//	heatmap       object, absent without a scorecard:
//	  units, names, behaviors   the rows' unit IDs and names, the columns
//	  cells        [[{value, lower, upper, n, hidden, reason, change}]], cells[i][j] is unit i, behavior j;
//	               change is "up" or "down" for a significant change, else absent
//
// A share is {value, lower, upper, successes, n}: successes of n, the
// value in [0, 1] and its interval (Wilson for favorable shares, counting
// answers; respondents of invited for response rates). Every number is a
// JSON number rounded to 12 significant digits, or null when undefined
// (no answers, a mean over mixed scales). [ReadJSON] reads a document back
// and refuses another schema or a newer version.
//
// # CSV columns
//
// The CSV has the header [CSVHeader] and one row per unit, wave, measure
// and behavior (for measures of a behavior). R's read.csv and pandas'
// read_csv read it with their defaults: missing figures are NA, logical
// columns TRUE or FALSE, text quoted as RFC 4180 requires.
//
//	section      "scorecard"
//	unit, unit_name, parent, depth   the unit and where it sits
//	wave         the wave the figure belongs to (the baseline wave for baseline figures)
//	measure      respondents | response_rate | favorable | mean | favorable_change | enps | alpha
//	behavior     the behavior of favorable, mean, favorable_change and alpha; empty otherwise
//	value        the figure: a count, a share in [0, 1], a mean, a change in share, eNPS points, alpha
//	lower, upper its confidence interval at the scorecard's level
//	successes, n the counts behind a share; n is answers for favorable and mean, respondents for enps and alpha
//	p_value, p_adjusted, significant   for favorable_change: the z test, its Benjamini-Hochberg adjustment, the verdict
//	hidden       TRUE for a hidden unit, whose rows carry no figure
//	reason       why it is hidden
//
// alpha rows belong to the root unit: reliability is computed over the
// organization.
//
// # Concurrency
//
// Render, Build and WriteFiles may be called concurrently; a [Document] is
// not modified by its methods and is safe for concurrent use.
package report
