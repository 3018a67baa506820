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
// root unit is hidden, and a trend's point is hidden in the scorecard's
// wave for every unit the scorecard hides. Charts draw hidden units grey
// and hatched with their reason; tables and the CSV say "hidden" and give
// the reason. Trends, impacts, wins and pitfalls are computed by package
// cx from shown groups only; their suppressed points are rendered without
// figures.
//
// # Charts
//
// The HTML holds, in order: headline cards (respondents, response rate,
// eNPS, most and least favorable behavior, significant changes, hidden
// units); the wins feed and the pitfalls; a dot-and-interval chart of each
// behavior's favorable share in the organization, with the baseline; the
// significant changes; the heatmap of units × behaviors on the viridis
// scale from 0% to 100%, ▲/▼ on significant changes; control charts of
// trends (values with intervals, the baseline average and the range of
// ordinary variation, shaded baseline period, signals as diamonds; the organization's series and
// those with a verdict other than stable, at most 12, and a table of every
// verdict); each initiative's effects with intervals around zero; eNPS by
// unit with intervals; reliability. Every chart has a visible
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
//	  privacy      {min_scores, min_comments, complementary}: the privacy rules applied;
//	               absent when only the bare min_group threshold was
//	  behaviors                                      [string], the order of every behaviors array
//	  units        [unit], parents before children:
//	    unit, name, parent (absent for the root), depth, leaf
//	    hidden       bool; a hidden unit has only its identity, hidden and reason
//	    reason       why it is hidden
//	    respondents  integer
//	    response_rate  share, absent when invited counts are unknown
//	    behaviors    [{behavior, favorable: share, mean: {value, lower, upper},
//	                   change: {items, current: share, baseline: share, diff, z, p, p_adjusted, significant}}]
//	                 change is absent without a baseline measure; p_adjusted is
//	                 null for a change that was not among the adjusted tests; items
//	                 (absent when every item is compared) are the items asked alike in
//	                 both waves when an item was reworded, rescaled or not asked in the
//	                 baseline: current and baseline are then over these items only, and
//	                 current differs from favorable; diff is current minus baseline
//	    enps         {score, lower, upper, promoters, passives, detractors, n}, absent when not measured
//	  reliability  [{behavior, items, alpha, lower, upper, n}], Cronbach's alpha with its Feldt interval
//	heatmap       object, absent without a scorecard:
//	  units, names, behaviors   the rows' unit IDs and names, the columns
//	  cells        [[{value, lower, upper, n, hidden, reason, change}]], cells[i][j] is unit i, behavior j;
//	               change is "up" or "down" for a significant change, else absent
//	trends        [trend], absent without trends:
//	  unit, name, measure (a measure key of package cx, such as "behavior:agility" or "enps")
//	  kind         "share" (p′-chart) or "mean" (XmR chart); direction of improvement
//	  baseline_from, baseline_to, center   the baseline period and its centre line (null without a chart)
//	  slope, slope_lower, slope_upper, slope_p   change per wave (null when undefined)
//	  verdict      too_little_data | stable | improving | sustained_shift | declining | faded;
//	               evidence [string], plain sentences naming the surveys
//	  points       [{label (wave ID or date), name (the wave's name or date, for people), time, hidden,
//	                 reason, missing, value, lower, upper, n, successes, charted, baseline, lcl, ucl}],
//	                 every wave; a hidden point has no figures
//	  signals      [{rule (Nelson 1-8), text (the rule in plain words), point, index, improving, side}]
//	impacts       [impact], absent without impacts:
//	  initiative (UUID), name, kind, status, start, end (dates), behaviors, outcomes,
//	  units, comparison, pre, during, after (wave IDs), fdr, level, notes
//	  effects      [effect]: {measure, label (the measure's name), window ("during" | "after"), kind,
//	               direction, estimable, reason,
//	               treated_units, comparison_units, treated_before, treated_after, comparison_before,
//	               comparison_after, estimate, se, lower, upper, p, p_adjusted, significant, improved};
//	               the figures are null when estimable is false
//	  unit_effects [{unit, measure, window, placebo, direction, estimable, before, after, estimate,
//	               lower, upper, p, p_adjusted, significant, improved}]
//	wins          [{initiative, name, kind, units, treated_units, comparison_units, window, before,
//	               after, outcome: effect, behaviors: [effect], text}], absent without wins
//	pitfalls      [{kind, check, initiative, name, unit, measure, summary, evidence}], absent without pitfalls
//	sustainment   [{initiative, name, measure, label, verdict (not_ended | too_little_data | no_measurable_gain
//	              | holding | embedded | fading), ended_at, waves_after, summary, evidence}]
//	links         [{outcome, label, waves, units, enough, reason, r2, r2_lower, r2_upper, p (permutation),
//	              permutations, alpha, significant, summary, drivers: [{behavior, name, shapley, lower, upper, weight}]}]
//	gaps          [{unit, name, wave, behavior, behavior_name, hidden, reason, belief: share, practice: share,
//	              gap, lower, upper}]: belief minus practice, Newcombe's interval
//	indicators    [{indicator, name, behavior, unit, unit_name, measure, kind, direction, target, met, verdict,
//	              points: [{label (date or wave), hidden, reason, value, lower, upper, n, met}]}]
//	a11           {survey, quarter, min_group, level, items: [{item, driver, text}], rows: [{service, channel,
//	              customers, offered, responses, response_rate: share, hidden, drivers: [{item, driver, n,
//	              mean: {value, lower, upper}, agree: share}]}]}: a hidden row has only its volumes
//	touchpoints   {survey, quarter, responses, offered, rate, left_out, questions: [{item, text, driver, option,
//	              free_text, answered, hidden, average, distribution: [{value, label, count}]}]}
//	pulse         {survey, waves, min_group, min_comments, rows: [{unit, name, wave, invited, hidden, reason,
//	              respondents, response_rate: share, skipped: share, comments}], fatigue: [{unit, name, signals}]}
//	comments      [{survey, customer, unit, unit_name, wave, wave_name, item, question, hidden, reason,
//	              respondents, comments, verbatims, themes: [{theme, name, comments}]}]
//	recognition   [{unit, unit_name, behavior, label, from, to, count, people}]
//	wave_names    {wave ID: name}, the waves' names or dates as texts name them (Report.Waves)
//	survey_names  {survey ID: name} (Report.Surveys)
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
//	section      scorecard | trend | impact | impact_unit | impact_placebo | win | pitfall | pitfall_evidence
//	             | sustainment | link | link_driver | gap | indicator | a11 | touchpoints | pulse | comment
//	             | comment_theme | comment_verbatim | recognition
//	unit, unit_name, parent, depth   the unit and where it sits (depth NA when the scorecard does not list it;
//	             empty for an initiative's overall effect)
//	initiative   the initiative's name (impact sections)
//	wave         the wave the figure belongs to (the baseline wave for baseline figures, each point of a trend)
//	window       during | after (impact sections)
//	measure      respondents | response_rate | favorable | mean | favorable_change | enps | alpha
//	             | favorable_compared_items | belief_favorable | practice_favorable
//	             | another measure key (an operational metric)
//	behavior     the behavior of favorable, mean, favorable_change, alpha and their kin; empty otherwise
//	             (favorable_compared_items: the share over the items asked alike in the wave and its
//	             baseline, in both waves' rows, when a change compares fewer items than the behavior has;
//	             the baseline's favorable row is then absent)
//	value        the figure: a count, a share in [0, 1], a mean, a change in share, eNPS points, alpha,
//	             or an effect (difference in differences, in the measure's unit: a share difference for shares)
//	lower, upper its confidence interval
//	successes, n the counts behind a share; n is answers for favorable and mean, respondents for enps and
//	             alpha, treated units for an initiative's effect
//	p_value, p_adjusted, significant   for changes and effects: the test, its Benjamini-Hochberg adjustment, the verdict
//	center, lcl, ucl   for a charted trend point: the baseline centre line and the point's control limits
//	signal       for a trend point: the Nelson rules it completes, separated by ";"
//	verdict      for a trend: its verdict, on each of its rows
//	hidden       TRUE for a hidden unit or point, whose rows carry no figure
//	reason       why it is hidden, or why an effect could not be estimated ("no answers" for a trend
//	             point without answers)
//	text         the sentence people read: a win's announcement, a pitfall's summary or evidence, a
//	             sustainment's or link's summary, a comment; empty otherwise
//
// alpha rows belong to the root unit: reliability is computed over the
// organization. In the later sections: a link row holds R² (value, its
// bootstrap interval, the permutation p in p_value, the units in n) and
// each link_driver row a behavior's Shapley share; a gap row the gap in
// share points; an indicator row one point (wave holds its date); a11
// rows carry service/channel in unit and the quarter in wave; a
// touchpoints row one question (its ID in unit, the average in value);
// a comment row the number of comments (n: respondents) and each
// comment_theme row one theme's count; a recognition row a count (n:
// people) from the period's start (wave); a sustainment row the verdict
// (n: waves after the end) and its summary in text; a link row its
// summary in text. A win row holds the effect on its outcome (value,
// interval, p_value, p_adjusted, n: the units that ran it) and its
// announcement in text; a pitfall row the pitfall's kind in verdict and
// its summary in text, each pitfall_evidence row one fact in text; a
// comment_verbatim row one distinct comment of a shown group in text,
// with how many wrote it in n (most frequent first).
//
// # Concurrency
//
// Render, Build and WriteFiles may be called concurrently; a [Document] is
// not modified by its methods and is safe for concurrent use.
package report
