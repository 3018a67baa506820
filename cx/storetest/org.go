package storetest

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/org"
	"github.com/cxculture/cxculture/survey"
)

// orgFixture is a history with a change of every kind, times that need
// microseconds, several changes on one date, names that need escaping and
// leaders.
func orgFixture() []cx.OrgChange {
	u := func(id, parent, name string, leaders ...string) cx.Unit {
		return cx.Unit{ID: id, Parent: parent, Name: name, Leaders: leaders}
	}
	return []cx.OrgChange{
		{Kind: org.Add, Unit: u("org", "", "Agency \"HQ\"", "pseudonym-ceo")},
		{Kind: org.Add, Unit: u("sales", "org", "Sales")},
		{Kind: org.Add, Unit: u("north", "sales", "North")},
		{Kind: org.Add, Unit: u("south", "sales", "South")},
		{Kind: org.Add, Unit: u("ops", "org", "Opérations")},
		{Kind: org.Add, Effective: at(24, 1), Unit: u("west", "sales", "West"), Note: "new office"},
		{Kind: org.Rename, Effective: at(48, 0), Unit: cx.Unit{ID: "ops", Name: "Operations"}},
		{Kind: org.Move, Effective: at(48, 0), Unit: cx.Unit{ID: "west", Parent: "ops"}, Note: "reorganization\nsecond line"},
		{Kind: org.Merge, Effective: at(72, 5), Unit: u("central", "", "Central", "p1", "p2"), From: []string{"north", "south"}},
		{Kind: org.Split, Effective: at(96, 0), Unit: cx.Unit{ID: "west"}, Into: []cx.Unit{{ID: "west"}, u("west_2", "", "West 2", "p3")}},
		{Kind: org.Lead, Effective: at(96, 0), Unit: cx.Unit{ID: "sales", Leaders: []string{"p4"}}},
		{Kind: org.Close, Effective: at(120, 0), Unit: cx.Unit{ID: "west_2"}},
	}
}

func (c *check) record(changes []cx.OrgChange, want int, what string) {
	c.Helper()
	n, err := c.s.RecordOrgChanges(c.ctx, changes)
	c.must(err, "RecordOrgChanges "+what)
	if n != want {
		c.failf("RecordOrgChanges %s: want added=%d, got %d", what, want, n)
	}
}

func (c *check) refuseOrg(changes []cx.OrgChange, target error, what string) {
	c.Helper()
	before, err := c.s.ListOrgChanges(c.ctx)
	c.must(err, "ListOrgChanges")
	n, err := c.s.RecordOrgChanges(c.ctx, changes)
	if c.wantErr(err, target, "RecordOrgChanges "+what) && n != 0 {
		c.failf("RecordOrgChanges %s: refused, yet added=%d", what, n)
	}
	c.historyIs(before, "after the refused RecordOrgChanges "+what)
}

func (c *check) historyIs(want []cx.OrgChange, what string) {
	c.Helper()
	got, err := c.s.ListOrgChanges(c.ctx)
	c.must(err, "ListOrgChanges")
	if len(want) == 0 && len(got) == 0 {
		return
	}
	c.equal(want, got, "ListOrgChanges "+what)
}

func orgCases() []testCase {
	base := func() []cx.OrgChange { return orgFixture()[:5] }
	return []testCase{
		{"Org/Empty", "ListOrgChanges on an empty store returns no changes and no error", func(c *check) {
			c.historyIs(nil, "on an empty store")
		}},
		{"Org/RecordList", "ListOrgChanges returns exactly the changes recorded, every field, in the order recorded (not the order of their effective dates)", func(c *check) {
			all := orgFixture()
			c.record(all[:7], 7, "of the first changes")
			c.record(all[7:], len(all)-7, "of the rest")
			c.historyIs(all, "after two batches")
		}},
		{"Org/Idempotent", "Recording changes equal to recorded ones adds nothing and is no error; a batch of old and new changes adds the new ones only", func(c *check) {
			all := orgFixture()
			c.record(all[:6], 6, "of the first changes")
			c.record(all[:6], 0, "of the same changes again")
			c.record(all[3:8], 2, "of some recorded and two new changes")
			c.historyIs(all[:8], "after the repeated batches")
		}},
		{"Org/AllOrNothing", "A batch with one change that breaks the history stores none of its changes", func(c *check) {
			c.record(base(), 5, "of the base org")
			bad := []cx.OrgChange{
				{Kind: org.Add, Effective: at(1, 0), Unit: cx.Unit{ID: "fine", Parent: "org", Name: "Fine"}},
				{Kind: org.Move, Effective: at(1, 0), Unit: cx.Unit{ID: "nowhere", Parent: "org"}},
			}
			c.refuseOrg(bad, cx.ErrInvalid, "with a move of an unknown unit")
		}},
		{"Org/Cycle", "A change that makes a cycle fails with cx.ErrInvalid and changes nothing", func(c *check) {
			c.record(base(), 5, "of the base org")
			c.refuseOrg([]cx.OrgChange{{Kind: org.Move, Effective: at(1, 0), Unit: cx.Unit{ID: "sales", Parent: "north"}}}, cx.ErrInvalid, "moving sales under its own team")
		}},
		{"Org/SecondRoot", "Adding a second unit without a parent fails with cx.ErrInvalid, also when the first root comes in another batch", func(c *check) {
			c.record(base(), 5, "of the base org")
			c.refuseOrg([]cx.OrgChange{{Kind: org.Add, Unit: cx.Unit{ID: "ministry", Name: "Ministry"}}}, cx.ErrInvalid, "of a second root")
		}},
		{"Org/Orphan", "A unit under an unknown or closed parent, and closing a unit with units below it, fail with cx.ErrInvalid", func(c *check) {
			c.record(base(), 5, "of the base org")
			c.refuseOrg([]cx.OrgChange{{Kind: org.Add, Unit: cx.Unit{ID: "x", Parent: "nowhere", Name: "X"}}}, cx.ErrInvalid, "under an unknown parent")
			c.refuseOrg([]cx.OrgChange{{Kind: org.Close, Effective: at(1, 0), Unit: cx.Unit{ID: "sales"}}}, cx.ErrInvalid, "closing a unit with teams")
			c.record([]cx.OrgChange{{Kind: org.Close, Effective: at(1, 0), Unit: cx.Unit{ID: "north"}}}, 1, "closing a team")
			c.refuseOrg([]cx.OrgChange{{Kind: org.Add, Effective: at(2, 0), Unit: cx.Unit{ID: "x", Parent: "north", Name: "X"}}}, cx.ErrInvalid, "under a closed unit")
		}},
		{"Org/BackDated", "A change dated before recorded ones is checked against the whole history: one that breaks a later date fails with cx.ErrInvalid", func(c *check) {
			c.record(base(), 5, "of the base org")
			c.record([]cx.OrgChange{{Kind: org.Add, Effective: at(48, 0), Unit: cx.Unit{ID: "east", Parent: "ops", Name: "East"}}}, 1, "a team added later")
			c.refuseOrg([]cx.OrgChange{{Kind: org.Close, Effective: at(24, 0), Unit: cx.Unit{ID: "ops"}}}, cx.ErrInvalid, "closing its parent before")
		}},
		{"Org/Conflict", "Adding a recorded unit again with other content fails with cx.ErrAlreadyExists and changes nothing", func(c *check) {
			c.record(base(), 5, "of the base org")
			c.refuseOrg([]cx.OrgChange{{Kind: org.Add, Unit: cx.Unit{ID: "north", Parent: "sales", Name: "North again"}}}, cx.ErrAlreadyExists, "of a unit with another name")
		}},
		{"Unit/Delete", "DeleteUnit erases a unit that nothing refers to: its changes go, the others stay in order; a second DeleteUnit and one of an unknown unit fail with cx.ErrNotFound", func(c *check) {
			c.record(base(), 5, "of the base org")
			ren := cx.OrgChange{Kind: org.Rename, Effective: at(5, 0), Unit: cx.Unit{ID: "south", Name: "South 2"}}
			c.record([]cx.OrgChange{ren}, 1, "a rename")
			c.must(c.s.DeleteUnit(c.ctx, "south"), "DeleteUnit(south)")
			want := slices.Delete(base(), 3, 4)
			c.historyIs(want, "after DeleteUnit")
			c.wantErr(c.s.DeleteUnit(c.ctx, "south"), cx.ErrNotFound, "DeleteUnit of an erased unit")
			c.wantErr(c.s.DeleteUnit(c.ctx, "never"), cx.ErrNotFound, "DeleteUnit of a unit never recorded")
			c.record([]cx.OrgChange{base()[3]}, 1, "the erased unit again")
		}},
		{"Unit/DeleteRefused", "DeleteUnit fails with cx.ErrInvalid, erasing nothing, for a unit with units below it, one a merge involves, and one that a response, an initiative, an observation, a recognition or a wave's invited counts refer to", func(c *check) {
			all := orgFixture()
			c.record(all, len(all), "of the fixture history")
			for _, id := range []string{"sales", "north", "central", "west", "west_2"} {
				before, _ := c.s.ListOrgChanges(c.ctx)
				c.wantErr(c.s.DeleteUnit(c.ctx, id), cx.ErrInvalid, "DeleteUnit("+id+")")
				c.historyIs(before, "after the refused DeleteUnit("+id+")")
			}
			leaves := []string{"t_resp", "t_init", "t_obs", "t_wave", "t_recog"}
			for _, id := range leaves {
				c.record([]cx.OrgChange{{Kind: org.Add, Unit: cx.Unit{ID: id, Parent: "org", Name: id}}}, 1, "a team")
			}
			r := response(0)
			r.Unit = "t_resp"
			c.addResponses([]survey.Response{r}, 1, "a response in t_resp")
			in := initiativeFixture(0)
			in.Units = []string{"ops", "t_init"}
			c.must(c.s.CreateInitiative(c.ctx, in), "CreateInitiative")
			o := observation(0)
			o.Unit = "t_obs"
			c.addObservations([]cx.Observation{o}, 1, "an observation in t_obs")
			w := waveFixture(1)
			w.Invited = map[string]int{"t_wave": 12}
			c.must(c.s.CreateWave(c.ctx, w), "CreateWave")
			rc := recognition(0)
			rc.Unit = "t_recog"
			c.addRecognitions([]culture.Recognition{rc}, 1, "a recognition in t_recog")
			for _, id := range leaves {
				before, _ := c.s.ListOrgChanges(c.ctx)
				c.wantErr(c.s.DeleteUnit(c.ctx, id), cx.ErrInvalid, "DeleteUnit("+id+") while a record refers to it")
				c.historyIs(before, "after the refused DeleteUnit("+id+")")
			}
			c.must(c.s.DeleteResponse(c.ctx, r.ID), "DeleteResponse")
			c.must(c.s.DeleteUnit(c.ctx, "t_resp"), "DeleteUnit of a unit whose responses were deleted")
			c.must(c.s.DeleteRecognition(c.ctx, rc.ID), "DeleteRecognition")
			c.must(c.s.DeleteUnit(c.ctx, "t_recog"), "DeleteUnit of a unit whose recognitions were deleted")
		}},
		{"Concurrent/OrgRoots", "Several goroutines, released together, each recording a different root with a run of dated renames, in several rounds: in each exactly one succeeds, the others fail with cx.ErrInvalid, and the history holds that root's changes only", func(c *check) {
			// The renames make each write long enough for writers that do
			// not wait for each other to overlap: without the org lock,
			// PostgreSQL stores two roots or fails with a duplicate key.
			const rounds, renames = 6, 50
			for round := range rounds {
				var wg sync.WaitGroup
				errs := make([]error, workers)
				start := make(chan struct{})
				for g := range workers {
					root := fmt.Sprintf("root%d_%d", round, g)
					batch := []cx.OrgChange{{Kind: org.Add, Unit: cx.Unit{ID: root, Name: "Root"}}}
					for k := range renames {
						batch = append(batch, cx.OrgChange{Kind: org.Rename, Effective: time.Date(2026, 1, 1+k, 0, 0, 0, 0, time.UTC),
							Unit: cx.Unit{ID: root, Name: fmt.Sprintf("Root %d", k)}})
					}
					wg.Go(func() {
						<-start
						_, errs[g] = c.s.RecordOrgChanges(c.ctx, batch)
					})
				}
				close(start)
				wg.Wait()
				ok := 0
				for g, err := range errs {
					switch {
					case err == nil:
						ok++
					case !errors.Is(err, cx.ErrInvalid):
						c.failf("round %d: RecordOrgChanges of root%d_%d: want nil or cx.ErrInvalid, got %v", round, round, g, err)
					}
				}
				got, err := c.s.ListOrgChanges(c.ctx)
				c.must(err, "ListOrgChanges")
				if ok != 1 || len(got) != 1+renames {
					c.failf("round %d: want exactly one root and its %d renames recorded, got %d successes and %d changes", round, renames, ok, len(got))
					return
				}
				c.must(c.s.DeleteUnit(c.ctx, got[0].Unit.ID), "DeleteUnit of the round's root")
			}
		}},
	}
}

func surveyVersionCases() []testCase {
	return []testCase{
		{"Survey/Versions", "UpdateSurvey with a new version keeps the stored ones: GetSurvey and ListSurveys return the highest version, ListSurveyVersions every version in order; an older version may be replaced while no wave fielded it", func(c *check) {
			v1 := surveyFixture(2)
			v1.Version = 1
			v2 := surveyChange(v1)
			c.must(c.s.CreateSurvey(c.ctx, v1), "CreateSurvey")
			c.must(c.s.UpdateSurvey(c.ctx, v2), "UpdateSurvey of version 2")
			got, err := c.s.GetSurvey(c.ctx, v1.ID)
			c.must(err, "GetSurvey")
			c.equal(v2, got, "GetSurvey after a new version")
			list, err := c.s.ListSurveys(c.ctx)
			c.must(err, "ListSurveys")
			c.equal([]survey.Survey{v2}, list, "ListSurveys after a new version")
			vs, err := c.s.ListSurveyVersions(c.ctx, v1.ID)
			c.must(err, "ListSurveyVersions")
			c.equal([]survey.Survey{v1, v2}, vs, "ListSurveyVersions")
			v1b := v1.Clone()
			v1b.Name = "Corrected before fielding"
			c.must(c.s.UpdateSurvey(c.ctx, v1b), "UpdateSurvey of version 1 that no wave fielded")
			vs, err = c.s.ListSurveyVersions(c.ctx, v1.ID)
			c.must(err, "ListSurveyVersions")
			c.equal([]survey.Survey{v1b, v2}, vs, "ListSurveyVersions after replacing version 1")
			got, err = c.s.GetSurvey(c.ctx, v1.ID)
			c.must(err, "GetSurvey")
			c.equal(v2, got, "GetSurvey after replacing an older version")
			_, err = c.s.ListSurveyVersions(c.ctx, "missing")
			c.wantErr(err, cx.ErrNotFound, "ListSurveyVersions of an unknown survey")
		}},
		{"Survey/FieldedKept", "UpdateSurvey of a version a stored wave fielded fails with cx.ErrInvalid and changes nothing, unless it changes nothing; a wave without a version fielded the first", func(c *check) {
			v1 := surveyFixture(1)
			v1.Version = 1
			c.must(c.s.CreateSurvey(c.ctx, v1), "CreateSurvey")
			w := waveFixture(0)
			w.Survey = v1.ID
			c.must(c.s.CreateWave(c.ctx, w), "CreateWave without a version")
			c.must(c.s.UpdateSurvey(c.ctx, v1), "UpdateSurvey of the fielded version, unchanged")
			changed := v1.Clone()
			changed.Items[0].Text = "Reworded in place"
			c.wantErr(c.s.UpdateSurvey(c.ctx, changed), cx.ErrInvalid, "UpdateSurvey rewording the fielded version in place")
			v2 := surveyChange(v1)
			c.must(c.s.UpdateSurvey(c.ctx, v2), "UpdateSurvey of version 2")
			w2 := waveFixture(2)
			w2.Survey, w2.SurveyVersion = v1.ID, 2
			c.must(c.s.CreateWave(c.ctx, w2), "CreateWave fielding version 2")
			bad := v2.Clone()
			bad.Items[0].Text = "Reworded in place"
			c.wantErr(c.s.UpdateSurvey(c.ctx, bad), cx.ErrInvalid, "UpdateSurvey rewording version 2 in place")
			vs, err := c.s.ListSurveyVersions(c.ctx, v1.ID)
			c.must(err, "ListSurveyVersions")
			c.equal([]survey.Survey{v1, v2}, vs, "ListSurveyVersions after the refused updates")
		}},
		{"Survey/NewVersionBelowLatest", "UpdateSurvey of a new version below the latest stored one fails with cx.ErrInvalid and changes nothing (versions are added in order: what a wave without a version fielded, the first, never changes); replacing a stored older version is still allowed", func(c *check) {
			v2 := surveyFixture(1)
			v2.Version = 2
			c.must(c.s.CreateSurvey(c.ctx, v2), "CreateSurvey of version 2")
			w := waveFixture(0)
			w.Survey, w.SurveyVersion = v2.ID, 0
			c.must(c.s.CreateWave(c.ctx, w), "CreateWave without a version")
			for _, v := range []int{0, 1} {
				low := surveyChange(v2)
				low.Version = v
				c.wantErr(c.s.UpdateSurvey(c.ctx, low), cx.ErrInvalid, fmt.Sprintf("UpdateSurvey of a new version %d below the latest", v))
			}
			v3 := surveyChange(v2)
			c.must(c.s.UpdateSurvey(c.ctx, v3), "UpdateSurvey of version 3")
			vs, err := c.s.ListSurveyVersions(c.ctx, v2.ID)
			c.must(err, "ListSurveyVersions")
			c.equal([]survey.Survey{v2, v3}, vs, "ListSurveyVersions after the refused versions")
		}},
		{"Wave/FieldedVersionKept", "UpdateWave fails with cx.ErrInvalid, changing nothing, when it would change the survey or the version of the survey fielded by a wave that a response refers to; other changes of the wave, and any change once no response refers to it, are stored", func(c *check) {
			v1 := surveyFixture(0)
			v1.ID, v1.Version = "pulse", 1
			c.must(c.s.CreateSurvey(c.ctx, v1), "CreateSurvey")
			c.must(c.s.UpdateSurvey(c.ctx, surveyChange(v1)), "UpdateSurvey of version 2")
			w := waveFixture(0)
			w.ID, w.Survey, w.SurveyVersion = "w0", "pulse", 1
			c.must(c.s.CreateWave(c.ctx, w), "CreateWave fielding version 1")
			r := response(0)
			c.addResponses([]survey.Response{r}, 1, "a response in the wave")
			for _, bad := range []survey.Wave{
				func() survey.Wave { x := w.Clone(); x.SurveyVersion = 2; return x }(),
				func() survey.Wave { x := w.Clone(); x.Survey = "a11"; return x }(),
			} {
				c.wantErr(c.s.UpdateWave(c.ctx, bad), cx.ErrInvalid, fmt.Sprintf("UpdateWave to survey %s version %d while a response refers to the wave", bad.Survey, bad.SurveyVersion))
				got, err := c.s.GetWave(c.ctx, w.ID)
				c.must(err, "GetWave after the refused update")
				c.equal(w, got, "GetWave after the refused update")
			}
			same := waveChange(w)
			same.SurveyVersion = 0 // the first version: what it fielded
			c.must(c.s.UpdateWave(c.ctx, same), "UpdateWave keeping what the wave fielded")
			c.must(c.s.DeleteResponse(c.ctx, r.ID), "DeleteResponse")
			moved := same.Clone()
			moved.SurveyVersion = 2
			c.must(c.s.UpdateWave(c.ctx, moved), "UpdateWave of the fielded version once no response refers to the wave")
			got, err := c.s.GetWave(c.ctx, w.ID)
			c.must(err, "GetWave")
			c.equal(moved, got, "GetWave after the update")
		}},
		{"Survey/DeleteRefused", "DeleteSurvey fails with cx.ErrInvalid, deleting nothing, while a wave or a response refers to the survey; then it deletes every version", func(c *check) {
			sv := surveyFixture(0)
			sv.ID = "pulse"
			c.must(c.s.CreateSurvey(c.ctx, sv), "CreateSurvey")
			c.must(c.s.UpdateSurvey(c.ctx, surveyChange(sv)), "UpdateSurvey")
			w := waveFixture(0)
			c.must(c.s.CreateWave(c.ctx, w), "CreateWave")
			c.wantErr(c.s.DeleteSurvey(c.ctx, sv.ID), cx.ErrInvalid, "DeleteSurvey while a wave belongs to it")
			c.must(c.s.DeleteWave(c.ctx, w.ID), "DeleteWave")
			r := response(0)
			c.addResponses([]survey.Response{r}, 1, "a response to the survey")
			c.wantErr(c.s.DeleteSurvey(c.ctx, sv.ID), cx.ErrInvalid, "DeleteSurvey while a response refers to it")
			vs, err := c.s.ListSurveyVersions(c.ctx, sv.ID)
			c.must(err, "ListSurveyVersions after the refused deletes")
			c.equal([]survey.Survey{sv, surveyChange(sv)}, vs, "ListSurveyVersions after the refused deletes")
			c.must(c.s.DeleteResponse(c.ctx, r.ID), "DeleteResponse")
			c.must(c.s.DeleteSurvey(c.ctx, sv.ID), "DeleteSurvey")
			_, err = c.s.ListSurveyVersions(c.ctx, sv.ID)
			c.wantErr(err, cx.ErrNotFound, "ListSurveyVersions after DeleteSurvey")
			c.must(c.s.CreateSurvey(c.ctx, sv), "CreateSurvey again after DeleteSurvey")
			vs, err = c.s.ListSurveyVersions(c.ctx, sv.ID)
			c.must(err, "ListSurveyVersions")
			c.equal([]survey.Survey{sv}, vs, "ListSurveyVersions of the survey created again")
		}},
		{"Wave/DeleteRefused", "DeleteWave fails with cx.ErrInvalid, deleting nothing, while a response refers to the wave", func(c *check) {
			w := waveFixture(0)
			w.ID = "w0"
			c.must(c.s.CreateWave(c.ctx, w), "CreateWave")
			r := response(0)
			c.addResponses([]survey.Response{r}, 1, "a response in the wave")
			c.wantErr(c.s.DeleteWave(c.ctx, w.ID), cx.ErrInvalid, "DeleteWave while a response refers to it")
			got, err := c.s.GetWave(c.ctx, w.ID)
			c.must(err, "GetWave after the refused delete")
			c.equal(w, got, "GetWave after the refused delete")
			c.must(c.s.DeleteResponse(c.ctx, r.ID), "DeleteResponse")
			c.must(c.s.DeleteWave(c.ctx, w.ID), "DeleteWave once no response refers to it")
		}},
		{"Tally/Version", "A TallyStore tallies against the survey version the filter names: answers off the latest version's scale count on the version they were given on", func(c *check) {
			ts, ok := c.s.(cx.TallyStore)
			if !ok {
				c.Skip("the store does not offer cx.TallyStore")
			}
			v1 := survey.Survey{ID: "pulse", Name: "Pulse", Audience: survey.Employee, Version: 1, Items: []survey.Item{
				{ID: "q1", Text: "One", Scale: survey.Likert5, Kind: survey.Belief, Construct: culture.CustomerFocus, Version: 1},
				{ID: "q2", Text: "Two", Scale: survey.Likert5, Kind: survey.Behavior, Construct: culture.CustomerFocus, Version: 1},
			}}
			v2 := v1.Clone()
			v2.Version = 2
			v2.Items[1].Scale, v2.Items[1].Version, v2.Items[1].Text = survey.Likert7, 2, "Two, on seven points"
			c.must(c.s.CreateSurvey(c.ctx, v1), "CreateSurvey")
			var rs []survey.Response
			for i := range 6 {
				rs = append(rs, survey.Response{ID: uuidOf("tally version", i), Survey: "pulse", Wave: "w1", Unit: "u1",
					Submitted: at(i, 0), Answers: map[string]int{"q1": 1 + i%5, "q2": 1 + (i*2)%5}})
			}
			c.addResponses(rs, len(rs), "answers on version 1")
			c.must(c.s.UpdateSurvey(c.ctx, v2), "UpdateSurvey rescaling q2")
			var late []survey.Response
			for i := range 4 {
				late = append(late, survey.Response{ID: uuidOf("tally version late", i), Survey: "pulse", Wave: "w2", Unit: "u1",
					Submitted: at(100+i, 0), Answers: map[string]int{"q1": 5, "q2": 7 - i}})
			}
			c.addResponses(late, len(late), "answers on version 2")
			check := func(v int, wave string, batch []survey.Response, sv survey.Survey) {
				want := cx.NewTallier(sv)
				for _, r := range batch {
					c.must(want.Add(r), "Tallier.Add")
				}
				got, err := ts.TallyResponses(c.ctx, cx.TallyFilter{Survey: "pulse", Waves: []string{wave}, Version: v})
				c.must(err, fmt.Sprintf("TallyResponses(version %d, wave %s)", v, wave))
				if !want.Tallies().Equal(got) {
					c.failf("TallyResponses(version %d, wave %s): want the tallies of a Tallier of that version, got %+v", v, wave, got.Answers)
				}
			}
			check(1, "w1", rs, v1)
			check(0, "w2", late, v2)
			check(2, "w2", late, v2)
			_, err := ts.TallyResponses(c.ctx, cx.TallyFilter{Survey: "pulse", Version: 9})
			c.wantErr(err, cx.ErrNotFound, "TallyResponses of a version not stored")
		}},
		{"Tally/PatternWaves", "A tally asked for the patterns of some waves (or for none) has the answers, respondents and comments of every wave it tallies and the patterns of those waves as a Tallier counts them; cx.TallyResponses keeps no other pattern", func(c *check) {
			sv := survey.Survey{ID: "pulse", Name: "Pulse", Audience: survey.Employee, Version: 1, Items: []survey.Item{
				{ID: "q1", Text: "One", Scale: survey.Likert5, Kind: survey.Behavior, Construct: culture.CustomerFocus, Version: 1},
				{ID: "q2", Text: "Two", Scale: survey.Likert5, Kind: survey.Behavior, Construct: culture.CustomerFocus, Version: 1},
				{ID: "q3", Text: "Three", Scale: survey.Likert5, Kind: survey.Belief, Construct: culture.CustomerFocus, Version: 1},
			}}
			c.must(c.s.CreateSurvey(c.ctx, sv), "CreateSurvey")
			var rs []survey.Response
			for i := range 30 {
				r := survey.Response{ID: uuidOf("tally pattern waves", i), Survey: "pulse", Wave: fmt.Sprintf("w%d", i%3), Unit: fmt.Sprintf("u%d", i%2),
					Submitted: at(i, 0), Answers: map[string]int{"q1": 1 + i%5, "q3": 1 + (i/3)%5}, Comment: strings.Repeat("x", i%2)}
				if i%4 != 0 {
					r.Answers["q2"] = 1 + (i*7)%5
				}
				rs = append(rs, r)
			}
			c.addResponses(rs, len(rs), "responses in three waves")
			tallier := cx.NewTallier(sv)
			for _, r := range rs {
				c.must(tallier.Add(r), "Tallier.Add")
			}
			want := tallier.Tallies()
			only := func(t *cx.Tallies, waves ...string) map[cx.PatternKey]int64 {
				out := map[cx.PatternKey]int64{}
				for k, n := range t.Patterns {
					if slices.Contains(waves, k.Wave) && n != 0 {
						out[k] = n
					}
				}
				return out
			}
			if len(only(want, "w1")) == 0 || len(only(want, "w0", "w2")) == 0 {
				c.failf("the Tallier counted no patterns in some wave: %v", want.Patterns)
			}
			for _, f := range []cx.TallyFilter{
				{Survey: "pulse", PatternWaves: []string{"w1"}},
				{Survey: "pulse", Waves: []string{"w0", "w1", "w2"}, PatternWaves: []string{"w2", "w0"}},
				{Survey: "pulse", Waves: []string{"w2", "w0", "w1"}, PatternWaves: []string{"w1", "w9"}},
				{Survey: "pulse", Waves: []string{"w0", "w2"}, PatternWaves: []string{"w1"}},
				{Survey: "pulse", Waves: []string{"w0", "w1"}, PatternWaves: []string{"w1"}, NoPatterns: true},
			} {
				tallied := f.Waves
				if tallied == nil {
					tallied = []string{"w0", "w1", "w2"}
				}
				w := cx.NewTallier(sv)
				for _, r := range rs {
					if slices.Contains(tallied, r.Wave) {
						c.must(w.Add(r), "Tallier.Add")
					}
				}
				wantWaves := w.Tallies()
				kept := only(want, slices.DeleteFunc(slices.Clone(f.PatternWaves), func(x string) bool { return !slices.Contains(tallied, x) })...)
				if f.NoPatterns {
					kept = map[cx.PatternKey]int64{}
				}
				got, err := cx.TallyResponses(c.ctx, c.s, f)
				c.must(err, fmt.Sprintf("cx.TallyResponses(%+v)", f))
				wantWaves.Patterns = kept
				if !got.Equal(wantWaves) {
					c.failf("cx.TallyResponses(%+v): want every count of the waves tallied and the patterns %v, got the answers %v and the patterns %v", f, kept, got.Answers, got.Patterns)
				}
				ts, ok := c.s.(cx.TallyStore)
				if !ok {
					continue
				}
				got, err = ts.TallyResponses(c.ctx, f)
				c.must(err, fmt.Sprintf("TallyResponses(%+v)", f))
				if !f.NoPatterns && !maps.Equal(only(got, f.PatternWaves...), kept) {
					c.failf("TallyResponses(%+v): want the patterns %v, got %v", f, kept, only(got, f.PatternWaves...))
				}
				got.Patterns = kept
				if !got.Equal(wantWaves) {
					c.failf("TallyResponses(%+v): want the answers, respondents and comments of the waves tallied %v, got %v", f, wantWaves.Answers, got.Answers)
				}
			}
		}},
	}
}

// roundTripRoot is the root under which the org round trips record
// their histories, one after another in one store.
const roundTripRoot = "rt"

// prefixUnits returns c with every unit ID prefixed, and the root placed
// under roundTripRoot.
func prefixUnits(c cx.OrgChange, prefix string) cx.OrgChange {
	c = c.Clone()
	p := func(id string) string {
		if id == "" {
			return ""
		}
		return prefix + "." + id
	}
	c.Unit.ID, c.Unit.Parent = p(c.Unit.ID), p(c.Unit.Parent)
	if c.Kind == org.Add && c.Unit.Parent == "" {
		c.Unit.Parent = roundTripRoot
	}
	for i := range c.From {
		c.From[i] = p(c.From[i])
	}
	for i := range c.Into {
		c.Into[i].ID, c.Into[i].Parent = p(c.Into[i].ID), p(c.Into[i].Parent)
	}
	return c
}

// orgRoundTrip records a generated history under roundTripRoot, reads it
// back and erases its units, leaves first (the units merges and splits
// involve stay); it returns "" or what went wrong.
func (c *check) orgRoundTrip(changes []cx.OrgChange) string {
	fail := func(format string, args ...any) string {
		return fmt.Sprintf(format, args...) + "\n\trule: " + roundTripRule
	}
	before, err := c.s.ListOrgChanges(c.ctx)
	if err != nil {
		return fail("ListOrgChanges: %v", err)
	}
	if len(before) == 0 {
		if _, err := c.s.RecordOrgChanges(c.ctx, []cx.OrgChange{{Kind: org.Add, Unit: cx.Unit{ID: roundTripRoot, Name: "Round trips"}}}); err != nil {
			return fail("RecordOrgChanges of the root: %v", err)
		}
		before, _ = c.s.ListOrgChanges(c.ctx)
	}
	n, err := c.s.RecordOrgChanges(c.ctx, changes)
	if err != nil || n != len(changes) {
		return fail("RecordOrgChanges of %d changes: want added=%d, nil; got %d, %v", len(changes), len(changes), n, err)
	}
	got, err := c.s.ListOrgChanges(c.ctx)
	if err != nil {
		return fail("ListOrgChanges: %v", err)
	}
	if len(got) < len(before) {
		return fail("ListOrgChanges: %d changes, fewer than the %d stored before", len(got), len(before))
	}
	if d := diff(changes, got[len(before):]); d != "" {
		return fail("ListOrgChanges: %s", d)
	}
	// Erase this history's units, leaves first: one pass in the reverse
	// order of their adds erases every unit no merge or split involves
	// (whose children, added after it, go before it).
	for _, id := range orgUnitsOf(changes) {
		_ = c.s.DeleteUnit(c.ctx, id)
	}
	if _, err := c.s.ListOrgChanges(c.ctx); err != nil {
		return fail("ListOrgChanges: %v", err)
	}
	return ""
}

func orgUnitsOf(changes []cx.OrgChange) []string {
	var out []string
	for _, c := range changes {
		if c.Kind == org.Add && !slices.Contains(out, c.Unit.ID) {
			out = append(out, c.Unit.ID)
		}
	}
	slices.Reverse(out)
	return out
}

func segmentCases() []testCase {
	return []testCase{
		{"Segments/Tally", "A SegmentTallyStore counts exactly what SegmentTallies.AddResponse counts from the stored responses: for any attributes and waves, responses with some, all or none of the attributes, answers that do not fit the survey, after deletes", func(c *check) {
			ts, ok := c.s.(cx.SegmentTallyStore)
			if !ok {
				c.Skip("the store does not offer cx.SegmentTallyStore")
			}
			sv := survey.Survey{ID: "pulse", Name: "Pulse", Audience: survey.Employee, Version: 1, Items: []survey.Item{
				{ID: "q1", Text: "One", Scale: survey.Likert5, Kind: survey.Belief, Version: 1},
				{ID: "q2", Text: "Two", Scale: survey.NPS, Kind: survey.Outcome, Version: 1},
				{ID: "q3", Text: "Three", Scale: survey.Scale{ID: "wide", Min: -3, Max: 80, FavorableMin: 70, FavorableMax: 80}, Kind: survey.Outcome, Version: 1},
			}}
			c.must(c.s.CreateSurvey(c.ctx, sv), "CreateSurvey")
			var rs []survey.Response
			for i := range 60 {
				r := survey.Response{ID: uuidOf("segments", i), Survey: "pulse", Wave: []string{"w1", "w2"}[i%2], Unit: []string{"u1", "u2", "u3"}[i%3],
					Submitted: at(i, 0), Answers: map[string]int{"q1": 1 + i%5, "q2": i % 11, "q3": -3 + (i*7)%84}}
				switch i % 4 {
				case 0:
					r.Segments = map[string]string{"tenure": []string{"0-2y", "2-5y"}[i%3%2], "site": "hq"}
				case 1:
					r.Segments = map[string]string{"tenure": "5y+"}
				case 2:
					r.Segments = map[string]string{"site": "remote", "role": "agent=lead"}
				}
				if i%9 == 0 {
					delete(r.Answers, "q2")
				}
				if i%13 == 0 {
					r.Answers["q9"] = 2 // not in the survey: kept as it is, counted all the same
				}
				rs = append(rs, r)
			}
			c.addResponses(rs, len(rs), "responses with segments")
			for _, id := range []int{3, 8} {
				c.must(c.s.DeleteResponse(c.ctx, uuidOf("segments", id)), "DeleteResponse")
			}
			filters := []cx.SegmentFilter{
				{Survey: "pulse", Keys: []string{"tenure"}},
				{Survey: "pulse", Keys: []string{"tenure", "site"}, Waves: []string{"w2"}},
				{Survey: "pulse", Keys: []string{"role", "site", "tenure"}, Waves: []string{"w1", "w2", "w9"}},
				{Survey: "pulse"},
			}
			stored, err := c.s.ListResponses(c.ctx, survey.ResponseFilter{Survey: "pulse"})
			c.must(err, "ListResponses")
			for _, f := range filters {
				want := cx.NewSegmentTallies(f.Survey, f.Keys)
				for _, r := range stored {
					if len(f.Waves) == 0 || slices.Contains(f.Waves, r.Wave) {
						want.AddResponse(r)
					}
				}
				got, err := ts.TallySegments(c.ctx, f)
				c.must(err, "TallySegments")
				if !want.Equal(got) {
					c.failf("TallySegments(%+v):\n\twant %v\n\tgot  %v", f, want, got)
				}
			}
			_, err = ts.TallySegments(c.ctx, cx.SegmentFilter{Survey: "nope", Keys: []string{"tenure"}})
			c.wantErr(err, cx.ErrNotFound, "TallySegments of an unknown survey")
		}},
	}
}
