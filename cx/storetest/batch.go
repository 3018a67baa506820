package storetest

import (
	"bytes"
	"cmp"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/survey"
)

func compareResponses(a, b survey.Response) int {
	return cmp.Or(a.Submitted.Compare(b.Submitted), bytes.Compare(a.ID[:], b.ID[:]))
}

func responseKey(r survey.Response) uuid.UUID { return r.ID }

func compareObservations(a, b cx.Observation) int {
	return cmp.Or(strings.Compare(a.Metric, b.Metric), strings.Compare(a.Unit, b.Unit), a.Time.Compare(b.Time))
}

func observationKey(o cx.Observation) string {
	return o.Metric + "/" + o.Unit + "@" + o.Time.Format(time.RFC3339Nano)
}

// shuffled returns vs in the fixed insertion order used by the cases
// (applied cyclically beyond its length).
func shuffled[V any](vs []V) []V {
	out := make([]V, 0, len(vs))
	for i := 0; i < len(vs); i += len(insertionOrder) {
		for _, j := range insertionOrder {
			if i+j < len(vs) {
				out = append(out, vs[i+j])
			}
		}
	}
	return out
}

// addResponses inserts rs and fails the case unless exactly want were
// added.
func (c *check) addResponses(rs []survey.Response, want int, what string) {
	c.Helper()
	n, err := c.s.CreateResponses(c.ctx, rs)
	c.must(err, "CreateResponses "+what)
	if n != want {
		c.failf("CreateResponses %s: want added=%d, got %d", what, want, n)
	}
}

// refuseResponses inserts rs and fails the case unless the batch is
// refused with cx.ErrAlreadyExists and added=0.
func (c *check) refuseResponses(rs []survey.Response, what string) {
	c.Helper()
	n, err := c.s.CreateResponses(c.ctx, rs)
	c.wantErr(err, cx.ErrAlreadyExists, "CreateResponses "+what)
	if n != 0 {
		c.failf("CreateResponses %s: a refused batch adds nothing, want added=0, got %d", what, n)
	}
}

// responsesAre checks that the store holds exactly want.
func (c *check) responsesAre(want []survey.Response, what string) {
	c.Helper()
	want = sorted(want, compareResponses)
	got, err := c.s.ListResponses(c.ctx, survey.ResponseFilter{})
	c.must(err, "ListResponses")
	listed(c, "ListResponses "+what, want, got, responseKey)
	n, err := c.s.CountResponses(c.ctx, survey.ResponseFilter{})
	c.must(err, "CountResponses")
	if n != len(want) {
		c.failf("CountResponses %s: want %d, got %d", what, len(want), n)
	}
	for _, r := range want {
		g, err := c.s.GetResponse(c.ctx, r.ID)
		if err != nil {
			c.failf("GetResponse(%s) %s: %v", r.ID, what, err)
			continue
		}
		c.equal(r, g, fmt.Sprintf("GetResponse(%s) %s", r.ID, what))
	}
}

func (c *check) responseMissing(id uuid.UUID, what string) {
	c.Helper()
	_, err := c.s.GetResponse(c.ctx, id)
	c.wantErr(err, cx.ErrNotFound, fmt.Sprintf("GetResponse(%s) %s", id, what))
}

// page applies Offset and Limit as ListResponses documents them.
func page[V any](vs []V, offset, limit int) []V {
	vs = vs[min(offset, len(vs)):]
	if limit > 0 && len(vs) > limit {
		vs = vs[:limit]
	}
	return vs
}

func matching(all []survey.Response, f survey.ResponseFilter) []survey.Response {
	var out []survey.Response
	for _, r := range all {
		if f.Match(r) {
			out = append(out, r)
		}
	}
	return out
}

func responseCases() []testCase {
	const n = 12
	return []testCase{
		{"Response/CreateGet", "CreateResponses adds every response of a batch of new ones and returns how many; GetResponse and ListResponses return each exactly as given (nil maps nil, times in UTC to the microsecond)", func(c *check) {
			c.addResponses(shuffled(responses(0, n)), n, "of new responses")
			c.responsesAre(responses(0, n), "after one batch")
		}},
		{"Response/GetMissing", "GetResponse of an ID that is not stored fails with cx.ErrNotFound", func(c *check) {
			c.responseMissing(response(0).ID, "on an empty store")
			c.addResponses(responses(1, 2), 1, "")
			c.responseMissing(response(0).ID, "with another response stored")
		}},
		{"Response/Idempotent", "CreateResponses is idempotent by response ID: re-inserting responses identical to stored ones adds nothing, is not an error and returns added=0; a batch mixing stored and new responses adds only the new ones", func(c *check) {
			c.addResponses(responses(0, 6), 6, "of new responses")
			c.addResponses(responses(0, 6), 0, "of the same batch again")
			c.addResponses(shuffled(responses(3, 9)), 3, "of 3 stored and 3 new responses")
			c.responsesAre(responses(0, 9), "after re-inserts")
		}},
		{"Response/ConflictRefusesBatch", "A different response under a stored ID fails the whole batch with cx.ErrAlreadyExists and added=0; nothing of the batch is stored, not even its new responses", func(c *check) {
			c.addResponses(responses(0, 4), 4, "of new responses")
			batch := []survey.Response{response(4), responseChange(response(1)), response(5)}
			c.refuseResponses(batch, "with a changed answer under a stored ID")
			last := response(6)
			last.Comment = "changed comment"
			c.refuseResponses([]survey.Response{response(7), response(6), response(0), withID(last, response(2).ID)}, "with a changed comment under a stored ID, last in the batch")
			c.responseMissing(response(4).ID, "after its batch was refused")
			c.responseMissing(response(5).ID, "after its batch was refused")
			c.responseMissing(response(6).ID, "after its batch was refused")
			c.responsesAre(responses(0, 4), "after refused batches")
		}},
		{"Response/DuplicateInBatch", "Within one batch, a response identical to an earlier one adds nothing; two different responses under one ID fail the whole batch with cx.ErrAlreadyExists and store nothing of it", func(c *check) {
			c.addResponses([]survey.Response{response(0), response(1), response(0), response(1), response(0)}, 2, "with identical duplicates")
			c.refuseResponses([]survey.Response{response(2), response(3), responseChange(response(2))}, "with two different responses under one new ID")
			c.responseMissing(response(2).ID, "after its batch was refused")
			c.responseMissing(response(3).ID, "after its batch was refused")
			c.responsesAre(responses(0, 2), "after a refused batch")
		}},
		{"Response/EmptyBatch", "CreateResponses of an empty or nil batch adds nothing and is not an error", func(c *check) {
			c.addResponses(nil, 0, "of a nil batch")
			c.addResponses([]survey.Response{}, 0, "of an empty batch")
			c.responsesAre(nil, "after empty batches")
		}},
		{"Response/Delete", "DeleteResponse removes one response: GetResponse then fails with cx.ErrNotFound, List and Count omit it, a second delete fails with cx.ErrNotFound, and re-inserting it adds it again", func(c *check) {
			c.addResponses(responses(0, 5), 5, "")
			c.must(c.s.DeleteResponse(c.ctx, response(2).ID), "DeleteResponse")
			c.responseMissing(response(2).ID, "after DeleteResponse")
			rest := append(responses(0, 2), responses(3, 5)...)
			c.responsesAre(rest, "after DeleteResponse")
			c.wantErr(c.s.DeleteResponse(c.ctx, response(2).ID), cx.ErrNotFound, "DeleteResponse of a deleted response")
			c.addResponses(responses(0, 5), 1, "re-inserting the deleted response with the others")
			c.responsesAre(responses(0, 5), "after re-insert")
		}},
		{"Response/DeleteMissing", "DeleteResponse of an ID that is not stored fails with cx.ErrNotFound and removes nothing", func(c *check) {
			c.wantErr(c.s.DeleteResponse(c.ctx, response(0).ID), cx.ErrNotFound, "DeleteResponse on an empty store")
			c.addResponses(responses(1, 3), 2, "")
			c.wantErr(c.s.DeleteResponse(c.ctx, response(0).ID), cx.ErrNotFound, "DeleteResponse of an ID never stored")
			c.responsesAre(responses(1, 3), "after a refused delete")
		}},
		{"Response/ListOrder", "ListResponses orders by Submitted, then ID (byte order of the UUID): responses submitted at the same instant come in ID order", func(c *check) {
			all := responses(0, n)
			c.addResponses(shuffled(all), n, "")
			got, err := c.s.ListResponses(c.ctx, survey.ResponseFilter{})
			c.must(err, "ListResponses")
			listed(c, "ListResponses", sorted(all, compareResponses), got, responseKey)
		}},
		{"Response/ListFilter", "ListResponses keeps the responses of Filter.Survey, Filter.Wave and Filter.Units when set, submitted at or after Since and before Until; filters combine with AND", func(c *check) {
			all := sorted(responses(0, n), compareResponses)
			c.addResponses(shuffled(all), n, "")
			r := func(i int) survey.Response { return response(i) }
			cases := []struct {
				f    survey.ResponseFilter
				want []survey.Response // nil: computed with ResponseFilter.Match
			}{
				// Since is inclusive and Until exclusive: pairs (2,3) and (4,5)
				// share Submitted times at(1,1) and at(2,2).
				{survey.ResponseFilter{Since: r(2).Submitted, Until: r(6).Submitted}, sorted([]survey.Response{r(2), r(3), r(4), r(5)}, compareResponses)},
				{survey.ResponseFilter{Since: r(2).Submitted.Add(time.Microsecond)}, nil},
				{survey.ResponseFilter{Until: r(2).Submitted}, sorted([]survey.Response{r(0), r(1)}, compareResponses)},
				{survey.ResponseFilter{Survey: "pulse"}, nil},
				{survey.ResponseFilter{Wave: "w1"}, nil},
				{survey.ResponseFilter{Units: []string{"u1"}}, nil},
				{survey.ResponseFilter{Units: []string{"u0", "u3", "nowhere"}}, nil},
				{survey.ResponseFilter{Survey: "a11", Wave: "w0", Units: []string{"u3", "u1"}}, nil},
				{survey.ResponseFilter{Survey: "pulse", Since: r(4).Submitted, Until: r(10).Submitted}, nil},
				{survey.ResponseFilter{Survey: "none"}, nil},
				{survey.ResponseFilter{Wave: "w"}, nil},
				{survey.ResponseFilter{Survey: "pulse", Wave: "w1"}, nil},
			}
			for _, tc := range cases {
				want := tc.want
				if want == nil {
					want = matching(all, tc.f)
				}
				got, err := c.s.ListResponses(c.ctx, tc.f)
				c.must(err, "ListResponses")
				listed(c, "ListResponses("+fmtFilter(tc.f)+")", want, got, responseKey)
			}
		}},
		{"Response/LimitOffset", "ListResponses skips Filter.Offset matches, then returns at most Filter.Limit of them (0: no limit), in order; an offset past the end returns nothing", func(c *check) {
			all := sorted(responses(0, n), compareResponses)
			c.addResponses(shuffled(all), n, "")
			for _, base := range []survey.ResponseFilter{{}, {Survey: "pulse"}, {Units: []string{"u1", "u2"}}} {
				matches := matching(all, base)
				for _, off := range []int{0, 1, 3, len(matches) - 1, len(matches), len(matches) + 5} {
					for _, lim := range []int{0, 1, 2, 5, len(matches), len(matches) + 1} {
						f := base
						f.Offset, f.Limit = max(off, 0), lim
						got, err := c.s.ListResponses(c.ctx, f)
						c.must(err, "ListResponses")
						listed(c, "ListResponses("+fmtFilter(f)+")", page(matches, f.Offset, f.Limit), got, responseKey)
					}
				}
			}
			// Walking the pages returns every response once, in order.
			var walked []survey.Response
			for off := 0; off < n+5; off += 5 {
				got, err := c.s.ListResponses(c.ctx, survey.ResponseFilter{Offset: off, Limit: 5})
				c.must(err, "ListResponses")
				walked = append(walked, got...)
			}
			listed(c, "ListResponses pages of 5 concatenated", all, walked, responseKey)
		}},
		{"Response/Count", "CountResponses returns how many responses match the filter, ignoring Limit and Offset", func(c *check) {
			all := responses(0, n)
			if got, err := c.s.CountResponses(c.ctx, survey.ResponseFilter{}); err != nil || got != 0 {
				c.failf("CountResponses on an empty store: want 0, nil; got %d, %v", got, err)
			}
			c.addResponses(all, n, "")
			for _, f := range []survey.ResponseFilter{
				{}, {Survey: "pulse"}, {Wave: "w2"}, {Units: []string{"u0", "u2"}}, {Survey: "none"},
				{Since: response(4).Submitted, Until: response(8).Submitted},
				{Limit: 2}, {Offset: 5}, {Survey: "a11", Limit: 1, Offset: 1}, {Offset: 100},
			} {
				want := len(matching(all, f))
				got, err := c.s.CountResponses(c.ctx, f)
				c.must(err, "CountResponses")
				if got != want {
					c.failf("CountResponses(%s): want %d, got %d", fmtFilter(f), want, got)
				}
			}
		}},
		{"Response/OwnershipIn", "A store does not retain the batch passed to CreateResponses: mutating the responses, their maps or the slice afterwards does not change what is stored", func(c *check) {
			batch := responses(0, 4)
			c.addResponses(batch, 4, "")
			for i := range batch {
				responseMutate(&batch[i])
			}
			batch[1] = response(9)
			c.responsesAre(responses(0, 4), "after the caller mutated the batch it passed")
		}},
		{"Response/OwnershipOut", "A store does not share the responses it returns: mutating what GetResponse or ListResponses returned does not change what is stored", func(c *check) {
			c.addResponses(responses(0, 4), 4, "")
			g, err := c.s.GetResponse(c.ctx, response(0).ID)
			c.must(err, "GetResponse")
			responseMutate(&g)
			l, err := c.s.ListResponses(c.ctx, survey.ResponseFilter{})
			c.must(err, "ListResponses")
			for i := range l {
				responseMutate(&l[i])
			}
			c.responsesAre(responses(0, 4), "after the caller mutated returned responses")
		}},
	}
}

func withID(r survey.Response, id uuid.UUID) survey.Response {
	r.ID = id
	return r
}

func (c *check) addObservations(obs []cx.Observation, want int, what string) {
	c.Helper()
	n, err := c.s.CreateObservations(c.ctx, obs)
	c.must(err, "CreateObservations "+what)
	if n != want {
		c.failf("CreateObservations %s: want added=%d, got %d", what, want, n)
	}
}

func (c *check) refuseObservations(obs []cx.Observation, what string) {
	c.Helper()
	n, err := c.s.CreateObservations(c.ctx, obs)
	c.wantErr(err, cx.ErrAlreadyExists, "CreateObservations "+what)
	if n != 0 {
		c.failf("CreateObservations %s: a refused batch adds nothing, want added=0, got %d", what, n)
	}
}

func (c *check) observationsAre(want []cx.Observation, what string) {
	c.Helper()
	got, err := c.s.ListObservations(c.ctx, cx.ObservationFilter{})
	c.must(err, "ListObservations")
	listed(c, "ListObservations "+what, sorted(want, compareObservations), got, observationKey)
}

func observationCases() []testCase {
	const n = 12
	return []testCase{
		{"Observation/CreateList", "CreateObservations adds every observation of a batch of new ones and returns how many; ListObservations returns them exactly (values to the last bit, times in UTC to the microsecond), ordered by Metric, Unit, then Time", func(c *check) {
			c.observationsAre(nil, "on an empty store")
			c.addObservations(shuffled(observations(0, n)), n, "of new observations")
			c.observationsAre(observations(0, n), "after one batch")
		}},
		{"Observation/Idempotent", "CreateObservations is idempotent by (Metric, Unit, Time): re-inserting identical observations adds nothing, is not an error and returns added=0; a batch mixing stored and new ones adds only the new ones", func(c *check) {
			c.addObservations(observations(0, 6), 6, "of new observations")
			c.addObservations(observations(0, 6), 0, "of the same batch again")
			c.addObservations(shuffled(observations(3, 9)), 3, "of 3 stored and 3 new observations")
			c.observationsAre(observations(0, 9), "after re-inserts")
		}},
		{"Observation/ConflictRefusesBatch", "An observation that differs from a stored one with the same Metric, Unit and Time (in Value or N) fails the whole batch with cx.ErrAlreadyExists and added=0; nothing of the batch is stored", func(c *check) {
			c.addObservations(observations(0, 4), 4, "")
			changed := observation(1)
			changed.Value += 1
			c.refuseObservations([]cx.Observation{observation(4), changed, observation(5)}, "with a changed value under a stored key")
			changedN := observation(2)
			changedN.N++
			c.refuseObservations([]cx.Observation{observation(6), observation(0), changedN}, "with a changed N under a stored key")
			c.observationsAre(observations(0, 4), "after refused batches")
		}},
		{"Observation/DuplicateInBatch", "Within one batch an observation identical to an earlier one adds nothing; two different observations under one key fail the whole batch with cx.ErrAlreadyExists and store nothing of it", func(c *check) {
			c.addObservations([]cx.Observation{observation(0), observation(1), observation(0)}, 2, "with an identical duplicate")
			changed := observation(2)
			changed.Value = -changed.Value
			c.refuseObservations([]cx.Observation{observation(2), observation(3), changed}, "with two values under one new key")
			c.observationsAre(observations(0, 2), "after a refused batch")
		}},
		{"Observation/EmptyBatch", "CreateObservations of an empty or nil batch adds nothing and is not an error", func(c *check) {
			c.addObservations(nil, 0, "of a nil batch")
			c.addObservations([]cx.Observation{}, 0, "of an empty batch")
			c.observationsAre(nil, "after empty batches")
		}},
		{"Observation/ListFilter", "ListObservations keeps the observations of Filter.Metric and Filter.Units when set, at or after Since and before Until; filters combine with AND", func(c *check) {
			all := sorted(observations(0, n), compareObservations)
			c.addObservations(shuffled(all), n, "")
			o := observation
			for _, tc := range []struct {
				f    cx.ObservationFilter
				want []cx.Observation // nil: computed with ObservationFilter.Match
			}{
				{cx.ObservationFilter{Since: o(3).Time, Until: o(6).Time}, sorted([]cx.Observation{o(3), o(4), o(5)}, compareObservations)},
				{cx.ObservationFilter{Metric: "csat_weekly"}, nil},
				{cx.ObservationFilter{Units: []string{"u2"}}, nil},
				{cx.ObservationFilter{Units: []string{"u0", "u1", "nowhere"}}, nil},
				{cx.ObservationFilter{Metric: "processing_days", Units: []string{"u1"}, Since: o(1).Time}, nil},
				{cx.ObservationFilter{Until: o(0).Time}, nil},
				{cx.ObservationFilter{Since: o(n - 1).Time.Add(time.Microsecond)}, nil},
				{cx.ObservationFilter{Metric: "csat"}, nil},
			} {
				want := tc.want
				if want == nil {
					for _, ob := range all {
						if tc.f.Match(ob) {
							want = append(want, ob)
						}
					}
				}
				got, err := c.s.ListObservations(c.ctx, tc.f)
				c.must(err, "ListObservations")
				listed(c, "ListObservations("+fmtFilter(tc.f)+")", want, got, observationKey)
			}
		}},
		{"Observation/Delete", "DeleteObservation removes the one observation with that metric, unit and time (the same instant, in whatever location it is given), leaves the others, and fails with cx.ErrNotFound once it is gone", func(c *check) {
			c.addObservations(observations(0, 6), 6, "")
			gone := observation(3)
			c.must(c.s.DeleteObservation(c.ctx, gone.Metric, gone.Unit, gone.Time.In(time.FixedZone("UTC+5", 5*3600))), "DeleteObservation")
			rest := append(observations(0, 3), observations(4, 6)...)
			c.observationsAre(rest, "after DeleteObservation")
			c.wantErr(c.s.DeleteObservation(c.ctx, gone.Metric, gone.Unit, gone.Time), cx.ErrNotFound, "DeleteObservation of a deleted observation")
			c.addObservations(observations(0, 6), 1, "re-inserting the deleted observation with the others")
			c.observationsAre(observations(0, 6), "after re-insert")
		}},
		{"Observation/DeleteMissing", "DeleteObservation of a key that is not stored (another metric, unit or time, even a microsecond off) fails with cx.ErrNotFound and removes nothing", func(c *check) {
			o := observation(0)
			c.wantErr(c.s.DeleteObservation(c.ctx, o.Metric, o.Unit, o.Time), cx.ErrNotFound, "DeleteObservation on an empty store")
			c.addObservations(observations(0, 3), 3, "")
			c.wantErr(c.s.DeleteObservation(c.ctx, o.Metric, o.Unit, o.Time.Add(time.Microsecond)), cx.ErrNotFound, "DeleteObservation a microsecond off")
			c.wantErr(c.s.DeleteObservation(c.ctx, o.Metric, "nowhere", o.Time), cx.ErrNotFound, "DeleteObservation of another unit")
			c.wantErr(c.s.DeleteObservation(c.ctx, "other_metric", o.Unit, o.Time), cx.ErrNotFound, "DeleteObservation of another metric")
			c.observationsAre(observations(0, 3), "after refused deletes")
		}},
		{"Observation/OwnershipIn", "A store does not retain the batch passed to CreateObservations: changing the slice afterwards does not change what is stored", func(c *check) {
			batch := observations(0, 3)
			c.addObservations(batch, 3, "")
			batch[0].Value = 99
			batch[1] = observation(7)
			c.observationsAre(observations(0, 3), "after the caller changed the batch it passed")
			got, err := c.s.ListObservations(c.ctx, cx.ObservationFilter{})
			c.must(err, "ListObservations")
			for i := range got {
				got[i].Value = -1
			}
			c.observationsAre(observations(0, 3), "after the caller changed a returned slice")
		}},
	}
}
