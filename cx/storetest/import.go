package storetest

import (
	"slices"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/survey"
)

// importSurvey is the survey the "pulse" response fixtures answer.
func importSurvey() survey.Survey {
	return survey.Survey{ID: "pulse", Name: "Pulse", Audience: survey.Employee, Version: 1, Items: []survey.Item{
		{ID: "q1", Text: "One", Scale: survey.Likert5, Construct: culture.CustomerFocus, Kind: survey.Behavior, Version: 1},
		{ID: "q4", Text: "Four", Scale: survey.Likert5, Construct: culture.CustomerFocus, Kind: survey.Behavior, Version: 1},
		{ID: "q2", Text: "Two", Scale: survey.NPS, Construct: survey.ENPS, Kind: survey.Outcome, Version: 1},
		{ID: "q3", Text: "Three", Scale: survey.Binary, Kind: survey.Outcome, Version: 1},
	}}
}

// pulse returns the fixtures of the "pulse" survey among responses(from,
// to).
func pulse(from, to int) []survey.Response {
	var out []survey.Response
	for _, r := range responses(from, to) {
		if r.Survey == "pulse" {
			out = append(out, r)
		}
	}
	return out
}

// importing begins an import into the case's store, or skips the case if
// the store does not stage imports.
func (c *check) importing(opts cx.ImportOptions) cx.StagedImport {
	c.Helper()
	is, ok := c.s.(cx.ImportStore)
	if !ok {
		c.Skip("the store does not implement cx.ImportStore")
	}
	im, err := is.BeginImport(c.ctx, "pulse", opts)
	c.must(err, "BeginImport")
	return im
}

// stage adds rs to im in batches of size.
func (c *check) stage(im cx.StagedImport, rs []survey.Response, size int) {
	c.Helper()
	for lo := 0; lo < len(rs); lo += size {
		c.must(im.Add(c.ctx, rs[lo:min(lo+size, len(rs))]), "Add")
	}
}

// talliesMatch fails the case unless the store's tallies of the survey
// are those of its responses.
func (c *check) talliesMatch(what string) {
	c.Helper()
	all, err := c.s.ListResponses(c.ctx, survey.ResponseFilter{Survey: "pulse"})
	c.must(err, "ListResponses")
	t := cx.NewTallier(importSurvey())
	for _, r := range all {
		c.must(t.Add(r), "Tallier.Add")
	}
	got, err := cx.TallyResponses(c.ctx, c.s, cx.TallyFilter{Survey: "pulse"})
	c.must(err, "TallyResponses")
	if want := t.Tallies(); !want.Equal(got) {
		c.failf("%s: the tallies differ from those of the stored responses:\n\twant %v\n\tgot  %v", what, want.Respondents, got.Respondents)
	}
}

func importCases() []testCase {
	setup := func(c *check) {
		c.must(c.s.CreateSurvey(c.ctx, importSurvey()), "CreateSurvey")
	}
	return []testCase{
		{"Import/Commit", "A staged import stores every staged response at Commit, with its share of the tallies, and reports them added; before Commit, readers see none of them", func(c *check) {
			setup(c)
			im := c.importing(cx.ImportOptions{})
			rs := pulse(0, 40)
			c.stage(im, rs[:7], 3)
			c.responseMissing(rs[0].ID, "before Commit")
			c.stage(im, rs[7:], 5)
			out, err := im.Commit(c.ctx)
			c.must(err, "Commit")
			c.equal(cx.ImportOutcome{Added: len(rs)}, out, "the outcome of Commit")
			c.responsesAre(rs, "after Commit")
			c.talliesMatch("after Commit")
			c.must(im.Rollback(), "Rollback after Commit")
			c.responsesAre(rs, "after a Rollback after Commit")
		}},
		{"Import/Rollback", "Rollback discards what was staged: nothing of it is stored, nor counted in the tallies; a second Rollback does nothing", func(c *check) {
			setup(c)
			c.addResponses(pulse(0, 4), 2, "before the import")
			im := c.importing(cx.ImportOptions{})
			c.stage(im, pulse(4, 20), 4)
			c.must(im.Rollback(), "Rollback")
			c.must(im.Rollback(), "a second Rollback")
			c.responsesAre(pulse(0, 4), "after Rollback")
			c.talliesMatch("after Rollback")
			if _, err := im.Commit(c.ctx); err == nil {
				c.failf("Commit after Rollback: want an error, got none")
			}
		}},
		{"Import/Unchanged", "A staged response identical to a stored one is left as it is and reported unchanged; only the new ones are added and counted", func(c *check) {
			setup(c)
			c.addResponses(pulse(0, 10), 5, "before the import")
			im := c.importing(cx.ImportOptions{})
			c.stage(im, shuffled(pulse(4, 16)), 3)
			out, err := im.Commit(c.ctx)
			c.must(err, "Commit")
			c.equal(cx.ImportOutcome{Added: 3, Unchanged: 3}, out, "the outcome of Commit")
			c.responsesAre(pulse(0, 16), "after Commit")
			c.talliesMatch("after Commit")
		}},
		{"Import/Conflict", "Without Replace, a staged response that differs from the stored one with its ID makes Commit fail with cx.ErrAlreadyExists, list the ID in Conflicts, and store nothing of the import", func(c *check) {
			setup(c)
			c.addResponses(pulse(0, 6), 3, "before the import")
			im := c.importing(cx.ImportOptions{})
			changed := responseChange(response(2))
			c.stage(im, append(pulse(6, 12), changed, response(4)), 2)
			out, err := im.Commit(c.ctx)
			c.wantErr(err, cx.ErrAlreadyExists, "Commit with a conflict")
			c.equal([]uuid.UUID{changed.ID}, out.Conflicts, "the conflicts of Commit")
			c.responsesAre(pulse(0, 6), "after a refused Commit")
			c.talliesMatch("after a refused Commit")
		}},
		{"Import/Replace", "With Replace, a staged response that differs from the stored one with its ID replaces it, is listed in Replaced, and the tallies count it instead of the stored one", func(c *check) {
			setup(c)
			c.addResponses(pulse(0, 6), 3, "before the import")
			im := c.importing(cx.ImportOptions{Replace: true})
			changed := responseChange(response(2))
			moved := response(4)
			moved.Wave, moved.Unit, moved.Comment = "w9", "u9", "moved"
			c.stage(im, append(pulse(6, 10), changed, moved, response(0)), 2)
			out, err := im.Commit(c.ctx)
			c.must(err, "Commit")
			slices.SortFunc(out.Replaced, compareIDs)
			want := []uuid.UUID{changed.ID, moved.ID}
			slices.SortFunc(want, compareIDs)
			c.equal(cx.ImportOutcome{Added: 2, Unchanged: 1, Replaced: want}, out, "the outcome of Commit")
			c.responsesAre(sorted(append(pulse(6, 10), response(0), changed, moved), compareResponses), "after Commit")
			c.talliesMatch("after Commit")
		}},
		{"Import/UnknownSurvey", "BeginImport of a survey that is not stored fails with cx.ErrNotFound", func(c *check) {
			is, ok := c.s.(cx.ImportStore)
			if !ok {
				c.Skip("the store does not implement cx.ImportStore")
			}
			_, err := is.BeginImport(c.ctx, "pulse", cx.ImportOptions{})
			c.wantErr(err, cx.ErrNotFound, "BeginImport")
		}},
	}
}

func compareIDs(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) }
