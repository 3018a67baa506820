// Package org keeps an organization's chart over time: its units
// ([Unit], [Hierarchy]) and the dated changes that reorganize them
// ([Change]): units added, renamed, moved, merged, split, closed or given
// leaders, each from its effective date.
//
// # The rules
//
// A [History] replays the changes in the order of their effective dates
// (those of one date in the order they were recorded). After the changes
// of each date the open units must form one tree: exactly one root, every
// parent an open unit, no cycles. A unit keeps its ID for life: a closed
// or merged unit's ID is never used again, and defining a unit again with
// other content is a conflict ([ConflictError]), while recording a change
// equal to a recorded one adds nothing ([Check]). Every problem is listed
// in one [*ValidationError] naming the change and the date.
//
// [History.At] gives the org in force at any time: a survey wave is scored
// on the org in force when it opened, and its roll-ups (a division's
// figures pool its teams') use that org.
//
// # Comparing across a reorganization
//
// A [Lineage] relates the org at a baseline to the org at a later time.
// Renames and moves keep a unit's identity; a merge passes the people of
// the merged units to the unit they merge into; a split passes the people
// of the split unit to its parts; a close ends them. A later unit is
// compared with its predecessors, the baseline units whose people it now
// counts. The comparison holds when no predecessor's people went partly
// elsewhere; otherwise, or when the unit is new, it is not comparable and
// [Comparison.Reason] says why in words, with unit names and dates. When
// the predecessors differ from what the unit itself was at the baseline,
// the baseline is restated on today's structure, and the reason says so.
//
// Package cx keeps the history in its stores (cx.UnitStore) and applies
// these rules to scorecards, trends and reports.
package org
