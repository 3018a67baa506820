package chstore_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/chstore"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/survey"
)

// op is one step of a history of writes, done to the cluster and to
// memory alike.
type op struct {
	kind  int // 0 store a batch, 1 delete, 2 new survey version, 3 import with Replace, 4 create the survey
	pick  []int
	seed  int64
	label string
}

func (o op) String() string { return o.label }

// tallySurvey is the survey of the history: two reliability groups, and a
// version number that each change of the survey raises.
func tallySurvey(version int, r *rand.Rand) survey.Survey {
	constructs := []string{culture.CustomerFocus, culture.Agility}
	sv := survey.Survey{ID: "pulse", Name: "Pulse", Audience: survey.Employee, Version: version}
	for i := range 6 {
		it := survey.Item{ID: fmt.Sprintf("q%d", i), Text: "Item", Scale: survey.Likert5, Kind: survey.Behavior, Version: 1,
			Construct: constructs[i%2]}
		if r != nil {
			// A new version moves items between constructs and changes
			// scales: the reliability groups change.
			it.Construct = []string{culture.CustomerFocus, culture.Agility, culture.Empowerment}[r.Intn(3)]
			if r.Intn(3) == 0 {
				it.Scale, it.Version = survey.Likert7, 2
			}
		}
		sv.Items = append(sv.Items, it)
	}
	return sv
}

// pool returns the responses the history picks from: two waves, four
// units, answers on five points (some skipped).
func pool(n int) []survey.Response {
	r := rand.New(rand.NewSource(7))
	out := make([]survey.Response, n)
	for i := range out {
		resp := survey.Response{ID: uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "pool/%d", i)), Survey: "pulse",
			Wave: fmt.Sprintf("w%d", i%2), Unit: fmt.Sprintf("u%d", i%4), Submitted: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute),
			Answers: map[string]int{}}
		for j := range 6 {
			if r.Intn(8) != 0 {
				resp.Answers[fmt.Sprintf("q%d", j)] = 1 + r.Intn(5)
			}
		}
		if i%5 == 0 {
			resp.Comment = "a comment"
		}
		if i%3 != 0 {
			// Values with the characters a text encoding might split on.
			resp.Segments = map[string]string{"tenure": []string{"0-2y", "2y+", "a=b,c", "x y\tz"}[i%4]}
			if i%2 == 0 {
				resp.Segments["role"] = "lead"
			}
		}
		out[i] = resp
	}
	return out
}

// TestTallyMatchesMemoryAfterAnyHistory checks, after every step of
// random histories of writes (batches, deletions, replacing imports,
// the survey created after its responses or changed so that its
// reliability groups change), that the cluster's tallies, of the latest
// version and of every earlier one, and the segment tallies, equal those
// that memory computes from the same responses. It covers the patterns read from the sums and those
// computed from the answers of batches that stored them before the
// survey had its current groups.
func TestTallyMatchesMemoryAfterAnyHistory(t *testing.T) {
	cluster(t)
	responses := pool(60)
	ops := gen.SliceOfN(7, cxgen.From(func(r *rand.Rand) op {
		o := op{kind: r.Intn(5), seed: r.Int63()}
		for range 1 + r.Intn(20) {
			o.pick = append(o.pick, r.Intn(len(responses)))
		}
		o.label = fmt.Sprintf("%s of %d", []string{"batch", "delete", "new version", "replace", "create survey"}[o.kind], len(o.pick))
		return o
	}))
	props := cxgen.NewProperties(t, 4)
	props.Property("the cluster's tallies equal memory's after every step", prop.ForAll(func(history []op) string {
		ctx := context.Background()
		ch := openStore(t)
		mem := memstore.New()
		version := 0
		for step, o := range history {
			if err := apply(ctx, ch, mem, o, responses, &version); err != nil {
				return fmt.Sprintf("step %d (%s): %v", step, o, err)
			}
			if version == 0 {
				continue
			}
			for v := 1; v <= version; v++ {
				want, err1 := cx.TallyResponses(ctx, mem, cx.TallyFilter{Survey: "pulse", Version: v})
				got, err2 := cx.TallyResponses(ctx, ch, cx.TallyFilter{Survey: "pulse", Version: v})
				if (err1 == nil) != (err2 == nil) {
					return fmt.Sprintf("step %d (%s), version %d: memory says %v, the cluster %v", step, o, v, err1, err2)
				}
				if err1 == nil && !got.Equal(want) {
					return fmt.Sprintf("step %d (%s), version %d: %s", step, o, v, tallyDiff(want, got))
				}
				// Again with most patterns kept apart rather than
				// packed, most cells and items found in maps rather
				// than arrays, cells put into the tallies 3 at a time,
				// and the waves named (as a scorecard names them).
				f := cx.TallyFilter{Survey: "pulse", Version: v, Waves: []string{"w1", "w0"}}
				want, err1 = cx.TallyResponses(ctx, mem, f)
				prev, prevChunks := chstore.NarrowKeys(1), chstore.AnswerChunks(3)
				got, err2 = cx.TallyResponses(ctx, ch, f)
				chstore.NarrowKeys(prev)
				chstore.AnswerChunks(prevChunks)
				if (err1 == nil) != (err2 == nil) {
					return fmt.Sprintf("step %d (%s), version %d, narrow keys: memory says %v, the cluster %v", step, o, v, err1, err2)
				}
				if err1 == nil && !got.Equal(want) {
					return fmt.Sprintf("step %d (%s), version %d, narrow keys: %s", step, o, v, tallyDiff(want, got))
				}
			}
			for _, keys := range [][]string{{"tenure"}, {"role", "tenure"}} {
				f := cx.SegmentFilter{Survey: "pulse", Keys: keys}
				want, err1 := cx.TallySegments(ctx, mem, f)
				got, err2 := cx.TallySegments(ctx, ch, f)
				if err1 != nil || err2 != nil {
					return fmt.Sprintf("step %d (%s): TallySegments: memory says %v, the cluster %v", step, o, err1, err2)
				}
				if !got.Equal(want) {
					return fmt.Sprintf("step %d (%s), segments %v:\n\tmemory  %v\n\tcluster %v", step, o, keys, want, got)
				}
			}
		}
		return ""
	}, ops))
	props.Run()
}

// apply does o to both stores.
func apply(ctx context.Context, ch, mem cx.Store, o op, responses []survey.Response, version *int) error {
	r := rand.New(rand.NewSource(o.seed))
	var picked []survey.Response
	seen := map[int]bool{}
	for _, i := range o.pick {
		if !seen[i] {
			seen[i] = true
			picked = append(picked, responses[i])
		}
	}
	both := func(f func(cx.Store) error) error {
		errCh, errMem := f(ch), f(mem)
		if (errCh == nil) != (errMem == nil) {
			return fmt.Errorf("the cluster says %v, memory %v", errCh, errMem)
		}
		return nil
	}
	switch o.kind {
	case 0:
		return both(func(s cx.Store) error { _, err := s.CreateResponses(ctx, picked); return err })
	case 1:
		for _, p := range picked {
			if err := both(func(s cx.Store) error { return s.DeleteResponse(ctx, p.ID) }); err != nil {
				return err
			}
		}
	case 2, 4:
		if *version == 0 {
			*version = 1
			return both(func(s cx.Store) error { return s.CreateSurvey(ctx, tallySurvey(1, nil)) })
		}
		if o.kind == 4 {
			return nil
		}
		*version++
		sv := tallySurvey(*version, r)
		return both(func(s cx.Store) error { return s.UpdateSurvey(ctx, sv) })
	case 3:
		if *version == 0 {
			return nil // an import needs the survey
		}
		var changed []survey.Response
		for _, p := range picked {
			c := p.Clone()
			for k := range c.Answers {
				c.Answers[k] = 1 + r.Intn(5)
			}
			if r.Intn(3) == 0 {
				c.Unit = fmt.Sprintf("u%d", r.Intn(6))
			}
			changed = append(changed, c)
		}
		return both(func(s cx.Store) error {
			im, err := s.(cx.ImportStore).BeginImport(ctx, "pulse", cx.ImportOptions{Replace: true})
			if err != nil {
				return err
			}
			if err := im.Add(ctx, changed); err != nil {
				return err
			}
			out, err := im.Commit(ctx)
			slices.SortFunc(out.Replaced, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
			return err
		})
	}
	return nil
}

// TestTallyWideValues stores answers beyond 32 bits, which no usual
// scale has: they come back exactly, and a tally refuses them as off
// their item's scale, as memory does.
func TestTallyWideValues(t *testing.T) {
	ctx := t.Context()
	ch, mem := openStore(t), memstore.New()
	sv := tallySurvey(1, nil)
	rs := pool(6)
	rs[1].Answers["q0"] = 1 << 40
	rs[2].Answers["q1"] = -5e9
	for _, s := range []cx.Store{ch, mem} {
		if err := s.CreateSurvey(ctx, sv); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateResponses(ctx, rs); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range rs[1:3] {
		got, err := ch.GetResponse(ctx, r.ID)
		if err != nil || !got.Equal(r) {
			t.Errorf("GetResponse(%s): want %v, got %v, %v", r.ID, r.Answers, got.Answers, err)
		}
	}
	_, errMem := cx.TallyResponses(ctx, mem, cx.TallyFilter{Survey: sv.ID})
	_, errCh := cx.TallyResponses(ctx, ch, cx.TallyFilter{Survey: sv.ID})
	if !errors.Is(errMem, cx.ErrInvalid) || !errors.Is(errCh, cx.ErrInvalid) {
		t.Errorf("tallies with answers off the scale: want cx.ErrInvalid from memory and the cluster, got %v and %v", errMem, errCh)
	}
	if err := ch.DeleteResponse(ctx, rs[1].ID); err != nil {
		t.Fatal(err)
	}
	if err := ch.DeleteResponse(ctx, rs[2].ID); err != nil {
		t.Fatal(err)
	}
	if err := mem.DeleteResponse(ctx, rs[1].ID); err != nil {
		t.Fatal(err)
	}
	if err := mem.DeleteResponse(ctx, rs[2].ID); err != nil {
		t.Fatal(err)
	}
	want, got := tallyInBoth(t, mem, ch, sv.ID, "the tally once the wide answers are deleted")
	if !got.Equal(want) {
		t.Errorf("the tally once the wide answers are deleted: %s", tallyDiff(want, got))
	}
}

// TestTallyLongGroups tallies a survey whose reliability group has more
// items than fit the integer reading of a pattern (8): its patterns are
// read as text, and equal memory's.
func TestTallyLongGroups(t *testing.T) {
	ctx := t.Context()
	sv := survey.Survey{ID: "long", Name: "Long", Audience: survey.Employee, Version: 1}
	for i := range 10 {
		sv.Items = append(sv.Items, survey.Item{ID: fmt.Sprintf("q%02d", i), Text: "Item", Scale: survey.Likert7,
			Kind: survey.Behavior, Construct: culture.Agility, Version: 1})
	}
	sv.Items = append(sv.Items, survey.Item{ID: "n1", Text: "Item", Scale: survey.Likert5, Kind: survey.Belief, Construct: culture.Empathy, Version: 1},
		survey.Item{ID: "n2", Text: "Item", Scale: survey.Likert5, Kind: survey.Belief, Construct: culture.Empathy, Version: 1})
	r := rand.New(rand.NewSource(3))
	var rs []survey.Response
	for i := range 200 {
		resp := survey.Response{ID: uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "long/%d", i)), Survey: sv.ID,
			Wave: fmt.Sprintf("w%d", i%3), Unit: fmt.Sprintf("u%d", i%5), Submitted: time.Unix(int64(i), 0).UTC(), Answers: map[string]int{}}
		for _, it := range sv.Items {
			if r.Intn(6) != 0 {
				resp.Answers[it.ID] = it.Scale.Min + r.Intn(it.Scale.Points())
			}
		}
		rs = append(rs, resp)
	}
	ch, mem := openStore(t), memstore.New()
	for _, s := range []cx.Store{ch, mem} {
		if err := s.CreateSurvey(ctx, sv); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateResponses(ctx, rs); err != nil {
			t.Fatal(err)
		}
	}
	want, got := tallyInBoth(t, mem, ch, sv.ID, "tallies with a group of 10 items")
	long := 0
	for k := range want.Patterns {
		if len(k.Pattern) > 8 {
			long++
		}
	}
	if long == 0 {
		t.Fatal("the data has no pattern of more than 8 items")
	}
	if !got.Equal(want) {
		t.Errorf("tallies with a group of 10 items: %s", tallyDiff(want, got))
	}
}

// TestTallyAfterOffScaleLastItemRemoved checks that a tally succeeds, and
// equals memory's, once a response whose answer to the last item of a
// reliability group is off its scale (its pattern ends in '?', which the
// pattern key does not pack) is deleted or replaced by a corrected
// version: the pattern's rows of the two batches add up to 0.
func TestTallyAfterOffScaleLastItemRemoved(t *testing.T) {
	for _, replace := range []bool{false, true} {
		ctx := t.Context()
		ch, mem := openStore(t), memstore.New()
		sv := tallySurvey(1, nil) // groups q0,q2,q4 and q1,q3,q5
		rs := pool(6)
		rs[1].Answers["q4"] = 9
		fixed := rs[1].Clone()
		fixed.Answers["q4"] = 3
		for _, s := range []cx.Store{ch, mem} {
			if err := s.CreateSurvey(ctx, sv); err != nil {
				t.Fatal(err)
			}
			if _, err := s.CreateResponses(ctx, rs); err != nil {
				t.Fatal(err)
			}
			if !replace {
				if err := s.DeleteResponse(ctx, rs[1].ID); err != nil {
					t.Fatal(err)
				}
				continue
			}
			im, err := s.(cx.ImportStore).BeginImport(ctx, sv.ID, cx.ImportOptions{Replace: true})
			if err != nil {
				t.Fatal(err)
			}
			if err := im.Add(ctx, []survey.Response{fixed}); err != nil {
				t.Fatal(err)
			}
			if _, err := im.Commit(ctx); err != nil {
				t.Fatal(err)
			}
		}
		want, got := tallyInBoth(t, mem, ch, sv.ID, fmt.Sprintf("replace %v", replace))
		if !got.Equal(want) {
			t.Errorf("replace %v: %s", replace, tallyDiff(want, got))
		}
	}
}
