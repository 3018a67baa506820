// Package simulate generates realistic, reproducible pulse-program data
// for examples, tests and power planning: an org tree with teams of
// uneven size, a pulse survey fielded on a schedule, and the answers of
// each team's people, driven by a latent culture level.
//
// # The model
//
// Every team has a latent culture level: Config.Baseline, plus the
// Config.Levels of the team and of its ancestors, plus a random team
// effect (Config.TeamSD). In wave w the level of a construct (a behavior
// or eNPS) adds Config.BehaviorLevels, w·Config.Drift, a per-team random
// walk (Config.Walk) and the Config.Lifts of initiatives running in the
// team. [Data.Latent] returns that level. A person answers an item with
// the level plus a stable person effect (SD 0.5) plus noise (SD 1),
// mapped to the scale so that 0 is the midpoint and one latent unit is
// about one point of a 5-point scale; a reverse-keyed item gets the
// reversed point, so its keyed value follows the level like the others.
//
// Each invited person answers a wave with probability
// Config.ResponseRate times a personal propensity (0.6 to 1.4), skips
// items with probability Config.MissingRate, and leaves a comment with
// probability Config.CommentRate. Config.Fatigue makes all three worse
// wave after wave. Optional customers (Config.Customers) answer the
// A-11 survey per service and channel, more favorably where their team's
// culture is stronger.
//
// # Determinism
//
// [Generate] reads no clock and no global random source. Each random
// draw comes from a PCG stream seeded by Config.Seed and the names of the
// team, wave and channel concerned, so the same Config gives the same
// data, and changing one team's settings leaves other teams' answers
// unchanged. Response IDs and respondent pseudonyms are name-based
// (version 5) UUIDs of the seed, wave and person.
//
// The output is ready for a [cx.Program]: define Data.Units and
// Data.Survey, open Data.Waves, record Data.Responses.
package simulate
