// Package cxculture measures whether an organization's culture is becoming
// customer-centred, and whether that shows up in customer experience (CX).
//
// Culture changes when new behaviors produce measurable results and those
// wins are celebrated. This module turns that practice into data
// structures and numbers a leader can act on and a researcher can check.
//
// # Concepts
//
// The desired culture is a set of behaviors (customer focus, agility,
// empowerment, innovation, inclusion of different perspectives), mindsets
// and continuous-improvement values, grouped in frameworks. Behavior
// indicators make them observable, from survey items or operational
// metrics. Initiatives foster them: 90-day projects with measurable CX
// targets, and longer change programs, each moving from planned to active
// to completed or stopped.
//
// Pulse surveys measure beliefs and behaviors apart (employees) and
// outcomes (customers: the OMB A-11 Section 280 drivers, CSAT, NPS, CES).
// Each fielding is a wave; each answer is stored as an integer on its
// item's scale.
//
// A program ties it together over one org hierarchy: a baseline, change
// over time, scorecards per unit with their uncertainty, privacy rules for
// small groups, wins (a measurable CX result with the behaviors behind it)
// and pitfalls (change by decree, initiatives not tied to the mission or to
// outcomes, stopping before gains are embedded).
//
// Every score is computed from tallies that add up: histograms of answers
// per unit, wave and item, and counts of response patterns for
// reliability. Roll-ups up the hierarchy, parallel ingestion and
// computation inside a database are all merges of tallies.
//
// # Packages
//
//   - culture: behaviors, frameworks, indicators, initiatives and their
//     lifecycle.
//   - survey: scales, items, surveys and built-in instruments, waves,
//     responses, validation, CSV and JSON Lines reading and writing.
//   - metrics: the numbers: favorability, NPS, intervals, reliability,
//     tests of change, multiple-comparison control, control charts, driver
//     analysis; they agree with R.
//   - cx: the program: units, observations, tallies, scorecards, privacy
//     rules and pseudonyms, baselines, trends, impact, wins, pitfalls,
//     pulse programs; the composed store interface and its error
//     categories.
//   - cx/report: Markdown, HTML with inline SVG charts, JSON and tidy CSV.
//   - cx/simulate: seeded simulation of pulse programs.
//   - cx/memstore: the in-memory store, the default.
//   - cx/sqlstore: SQLite and PostgreSQL storage with tallies computed in
//     the database.
//   - cx/storetest: the conformance suite every store passes.
//   - examples: runnable stories, go run ./examples/NAME.
//
// # Basic use
//
//	p, _ := cx.New(memstore.New(), nil)
//	p.DefineUnits(ctx, cx.Unit{ID: "org", Name: "Org"}, cx.Unit{ID: "team1", Parent: "org", Name: "Team 1"})
//	p.DefineFramework(ctx, culture.CXBehaviors())
//	p.DefineSurvey(ctx, survey.CulturePulse())
//	p.OpenWave(ctx, survey.Wave{ID: "w1", Survey: "culture_pulse", Opens: opens, Closes: closes})
//	p.RecordResponses(ctx, responses)
//	sc, _ := p.Scorecard(ctx, "culture_pulse", cx.ScorecardOptions{Wave: "w1"})
//
// Every exported type says whether it is safe for concurrent use; stores
// and programs are.
package cxculture
