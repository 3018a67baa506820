package chstore_test

import (
	"fmt"
	"math/rand"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/chstore"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/survey"
)

// TestTallyOddScalesMatchesMemory checks that the cluster's tallies equal
// memory's for reliability groups on scales memory encodes one byte per
// answer however wide (a slider of the most points a survey may have,
// 0-20, -3..3 and a minimum of 0; every survey valid),
// with responses without answers and deletions, both for the batch stored
// before the survey had its groups (patterns computed from the responses)
// and for the batch stored after (patterns summed as written), at every
// width of the packed keys, before and after the shards merge their sums.
func TestTallyOddScalesMatchesMemory(t *testing.T) {
	ctx := t.Context()
	// The widest scale a survey may have (survey.MaxPoints points).
	slider := survey.Scale{ID: "slider", Min: 0, Max: survey.MaxPoints - 1, FavorableMin: 40, FavorableMax: survey.MaxPoints - 1}
	sym := survey.Scale{ID: "sym", Min: -3, Max: 3, FavorableMin: 1, FavorableMax: 3}
	wide := survey.Scale{ID: "w20", Min: 0, Max: 20, FavorableMin: 15, FavorableMax: 20}
	type spec struct {
		id        string
		scale     survey.Scale
		kind      survey.ItemKind
		construct string
	}
	specs := []spec{
		{"s1", slider, survey.Behavior, culture.Agility},
		{"s2", slider, survey.Behavior, culture.Agility},
		{"a2", wide, survey.Behavior, culture.Resilience},
		{"a3", wide, survey.Behavior, culture.Resilience},
		{"e1", sym, survey.Belief, culture.Empathy},
		{"e2", sym, survey.Belief, culture.Empathy},
		{"o1", survey.Likert5, survey.Belief, culture.Ownership},
		{"o2", survey.Likert5, survey.Belief, culture.Ownership},
		{"i1", survey.Likert5, survey.Behavior, culture.Innovation},
	}
	// Version 1 has no reliability group (every item a construct of its
	// own); version 2 has the groups above.
	own := []string{culture.CustomerFocus, culture.Agility, culture.Empowerment, culture.Innovation, culture.Inclusion,
		culture.Empathy, culture.Responsiveness, culture.Ownership, culture.Obsession}
	version := func(v int) survey.Survey {
		sv := survey.Survey{ID: "odd", Name: "Odd", Audience: survey.Employee, Version: v}
		for i, s := range specs {
			c := s.construct
			if v == 1 {
				c = own[i]
			}
			sv.Items = append(sv.Items, survey.Item{ID: s.id, Text: "Item", Scale: s.scale, Kind: s.kind, Construct: c, Version: 1})
		}
		return sv
	}
	for v := 1; v <= 2; v++ {
		if err := version(v).Validate(); err != nil {
			t.Fatal(err)
		}
	}
	if len(cx.ReliabilityGroups(version(1))) != 0 || len(cx.ReliabilityGroups(version(2))) != 4 {
		t.Fatalf("groups: %v then %v", cx.ReliabilityGroups(version(1)), cx.ReliabilityGroups(version(2)))
	}
	r := rand.New(rand.NewSource(5))
	var rs []survey.Response
	for i := range 400 {
		resp := survey.Response{ID: uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "odd/%d", i)), Survey: "odd",
			Wave: fmt.Sprintf("w%d", i%3), Unit: fmt.Sprintf("u%d", i%7), Submitted: time.Unix(int64(i), 0).UTC(), Answers: map[string]int{}}
		if i%11 != 0 {
			for _, s := range specs {
				if r.Intn(5) != 0 {
					// Both ends of each scale appear.
					switch r.Intn(6) {
					case 0:
						resp.Answers[s.id] = s.scale.Min
					case 1:
						resp.Answers[s.id] = s.scale.Max
					default:
						resp.Answers[s.id] = s.scale.Min + r.Intn(s.scale.Points())
					}
				}
			}
		}
		rs = append(rs, resp)
	}
	ch, mem := openStore(t), memstore.New()
	for _, s := range []cx.Store{ch, mem} {
		if err := s.CreateSurvey(ctx, version(1)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateResponses(ctx, rs[:200]); err != nil {
			t.Fatal(err)
		}
		if err := s.UpdateSurvey(ctx, version(2)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateResponses(ctx, rs[200:]); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 400; i += 13 {
			if err := s.DeleteResponse(ctx, rs[i].ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	want, err := cx.TallyResponses(ctx, mem, cx.TallyFilter{Survey: "odd", Version: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(want.Patterns) < 100 {
		t.Fatalf("memory's tally has only %d patterns", len(want.Patterns))
	}
	// As written (a row per cell and value of each write), then once
	// the shards have merged the sums (a row per cell, the values off
	// 0-10 in its map, the deleted answers taken away).
	for _, merged := range []bool{false, true} {
		if merged {
			mergeSums(t, ch)
		}
		for _, cap := range []uint32{0, 1, 3} {
			// The waves named (as a scorecard names them), and not.
			f := cx.TallyFilter{Survey: "odd", Version: 2}
			if cap != 3 {
				f.Waves = []string{"w0", "w1", "w2"}
			}
			prev := chstore.NarrowKeys(cap)
			got, err := cx.TallyResponses(ctx, ch, f)
			chstore.NarrowKeys(prev)
			if err != nil {
				t.Fatalf("merged %v, cap %d: %v", merged, cap, err)
			}
			if !got.Equal(want) {
				t.Errorf("merged %v, cap %d: %s", merged, cap, tallyDiff(want, got))
			}
		}
	}
}
