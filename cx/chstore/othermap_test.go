package chstore_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/chstore"
	"github.com/cxculture/cxculture/cx/chstore/clickhouse"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/survey"
)

// The answer sums count the values 0 to 10 in a column each and the
// others in each cell's map (otherMap): these tests hold the tallies of
// values on both sides to memory's through many batches, deletions,
// replacements, merges and cells split between the shards.

// wideSurvey has items on 0-20 (values 11-20 in the map), on -3..3
// (the negative values in the map) and on Likert 1-5.
func wideSurvey() survey.Survey {
	wide := survey.Scale{ID: "w20", Min: 0, Max: 20, FavorableMin: 15, FavorableMax: 20}
	sym := survey.Scale{ID: "sym", Min: -3, Max: 3, FavorableMin: 1, FavorableMax: 3}
	return survey.Survey{ID: "wide", Name: "Wide", Audience: survey.Employee, Version: 1, Items: []survey.Item{
		{ID: "a1", Text: "Item", Scale: wide, Kind: survey.Behavior, Construct: culture.Agility, Version: 1},
		{ID: "a2", Text: "Item", Scale: wide, Kind: survey.Behavior, Construct: culture.Agility, Version: 1},
		{ID: "e1", Text: "Item", Scale: sym, Kind: survey.Belief, Construct: culture.Empathy, Version: 1},
		{ID: "e2", Text: "Item", Scale: sym, Kind: survey.Belief, Construct: culture.Empathy, Version: 1},
		{ID: "o1", Text: "Item", Scale: survey.Likert5, Kind: survey.Belief, Construct: culture.Ownership, Version: 1},
	}}
}

// wideResponses returns n responses to wideSurvey in 3 waves and 9 units,
// about one answer in six skipped.
func wideResponses(seed int64, n int) []survey.Response {
	r := rand.New(rand.NewSource(seed))
	var rs []survey.Response
	for i := range n {
		resp := survey.Response{ID: uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "wide/%d", i)), Survey: "wide",
			Wave: fmt.Sprintf("w%d", i%3), Unit: fmt.Sprintf("u%d", i%9), Submitted: time.Unix(int64(i), 0).UTC(), Answers: map[string]int{}}
		for _, it := range wideSurvey().Items {
			if r.Intn(6) != 0 {
				resp.Answers[it.ID] = it.Scale.Min + r.Intn(it.Scale.Points())
			}
		}
		rs = append(rs, resp)
	}
	return rs
}

// TestTallyOtherValuesThroughHistory checks that the tallies of values
// counted in the columns and in the map equal memory's when responses are
// written in many small batches, some deleted, some replaced (with the
// same answers, whose -1 and +1 rows of one batch add up to 0, and with
// others), before and after the shards merge their sums, and after half
// of every count of every other unit (columns and map) is moved to the
// other shard, as an earlier count of shards would have spread it.
func TestTallyOtherValuesThroughHistory(t *testing.T) {
	ctx := t.Context()
	addrs, _ := cluster(t)
	ch, mem := openStore(t), memstore.New()
	opts, _ := location.Load(ch)
	db := opts.(*clickhouse.Options).Database
	sv := wideSurvey()
	rs := wideResponses(11, 300)
	for _, s := range []cx.Store{ch, mem} {
		if err := s.CreateSurvey(ctx, sv); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(rs); i += 10 {
			if _, err := s.CreateResponses(ctx, rs[i:i+10]); err != nil {
				t.Fatal(err)
			}
		}
		for i := 0; i < len(rs); i += 7 {
			if err := s.DeleteResponse(ctx, rs[i].ID); err != nil {
				t.Fatal(err)
			}
		}
		var changed []survey.Response
		for i := 1; i < len(rs); i += 5 {
			c := rs[i].Clone()
			c.Comment = "changed"
			if i%2 == 0 {
				for k, v := range c.Answers {
					if k[0] == 'a' {
						c.Answers[k] = 19 + v%2
					} else {
						c.Answers[k] = 1
					}
				}
			}
			changed = append(changed, c)
		}
		im, err := s.(cx.ImportStore).BeginImport(ctx, sv.ID, cx.ImportOptions{Replace: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := im.Add(ctx, changed); err != nil {
			t.Fatal(err)
		}
		if _, err := im.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	compare := func(what string) {
		t.Helper()
		for _, chunk := range []int32{1 << 20, 3} {
			prev := chstore.AnswerChunks(chunk)
			want, got := tallyInBoth(t, mem, ch, sv.ID, what)
			chstore.AnswerChunks(prev)
			if !got.Equal(want) {
				t.Errorf("%s (cells put %d at a time): %s", what, chunk, tallyDiff(want, got))
			}
		}
	}
	compare("many batches")
	mergeSums(t, ch)
	compare("many batches, merged")
	if len(addrs) < 2 {
		return
	}
	// Half of each count of the even units, columns and map, taken
	// from the unit's shard and added on the other one.
	counts := chstore.CountColumns()
	cols := "survey, wave, unit, item, batch, " + strings.Join(counts, ", ")
	half := func(sign string) string {
		var b []string
		for _, c := range counts {
			b = append(b, fmt.Sprintf("%sintDiv(%s, 2)", sign, c))
		}
		return "survey, wave, unit, item, batch, " + strings.Join(b, ", ") + ", ov, arrayMap(x -> " + sign + "intDiv(x, 2), on)"
	}
	for _, a := range addrs {
		chQuery(t, a, fmt.Sprintf("CREATE TABLE %s.moved ENGINE = Memory AS SELECT %s, otherMap.value AS ov, otherMap.n AS on FROM %s.answer_sums_local WHERE unit %% 2 = 0", db, cols, db))
	}
	moved := int64(0)
	for i, a := range addrs {
		to := addrs[(i+1)%len(addrs)]
		moved += chQuery(t, a, fmt.Sprintf("SELECT toInt64(count()) FROM %s.moved WHERE arrayExists(x -> abs(x) >= 2, on)", db))
		chQuery(t, to, fmt.Sprintf("INSERT INTO %s.answer_sums_local (%s, `otherMap.value`, `otherMap.n`) SELECT %s FROM remote('%s', %s, moved)", db, cols, half(""), a, db))
		chQuery(t, a, fmt.Sprintf("INSERT INTO %s.answer_sums_local (%s, `otherMap.value`, `otherMap.n`) SELECT %s FROM %s.moved", db, cols, half("-"), db))
	}
	if moved == 0 {
		t.Fatal("no count of a map was split between the shards")
	}
	compare("split between the shards")
	mergeSums(t, ch)
	compare("split between the shards, merged")
}

// TestTallyOffValuesFail checks that answers off their item's scale, in
// the columns (0, 6, 7, 10 on Likert 1-5) and in the map (11, 12, -1, -7,
// 2^40 and the extremes of Int64), fail the tally as in memory, naming
// each unit, wave, item and value, before and after the shards merge; and
// that once those responses are deleted the tallies equal memory's.
func TestTallyOffValuesFail(t *testing.T) {
	ctx := t.Context()
	ch, mem := openStore(t), memstore.New()
	sv := tallySurvey(1, nil)
	rs := pool(40)
	offs := []int{0, 6, 7, 10, 11, -1, -7, 1 << 40, math.MaxInt64, math.MinInt64, 12}
	for i, v := range offs {
		rs[i+1].Answers[fmt.Sprintf("q%d", i%6)] = v
	}
	for _, s := range []cx.Store{ch, mem} {
		if err := s.CreateSurvey(ctx, sv); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateResponses(ctx, rs); err != nil {
			t.Fatal(err)
		}
	}
	check := func(what string) {
		t.Helper()
		_, errMem := cx.TallyResponses(ctx, mem, cx.TallyFilter{Survey: sv.ID})
		_, errCh := cx.TallyResponses(ctx, ch, cx.TallyFilter{Survey: sv.ID})
		if !errors.Is(errMem, cx.ErrInvalid) || !errors.Is(errCh, cx.ErrInvalid) {
			t.Fatalf("%s: want cx.ErrInvalid from both stores, got %v and %v", what, errMem, errCh)
		}
		for i, v := range offs {
			r := rs[i+1]
			field := fmt.Sprintf("responses[unit %s, wave %s].answers.q%d", r.Unit, r.Wave, i%6)
			if !strings.Contains(errCh.Error(), field) || !strings.Contains(errCh.Error(), fmt.Sprintf("stored answers %d,", v)) {
				t.Errorf("%s: the error does not name %s = %d: %v", what, field, v, errCh)
			}
		}
	}
	check("as written")
	mergeSums(t, ch)
	check("merged")
	for i := range offs {
		for _, s := range []cx.Store{ch, mem} {
			if err := s.DeleteResponse(ctx, rs[i+1].ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, merged := range []bool{false, true} {
		if merged {
			mergeSums(t, ch)
		}
		want, got := tallyInBoth(t, mem, ch, sv.ID, "off values deleted")
		if !got.Equal(want) {
			t.Errorf("off values deleted, merged %v: %s", merged, tallyDiff(want, got))
		}
	}
}

// TestTallyFailsWhenAShardsMapFails checks that a tally fails, naming the
// shard, when the read of one shard's values counted in the maps fails or
// its rows stop with an error.
func TestTallyFailsWhenAShardsMapFails(t *testing.T) {
	addrs, _ := cluster(t)
	db := database(t, addrs)
	var mode, table, cancel atomic.Value
	mode.Store("")
	cancel.Store(func() {})
	s := openWith(t, db, filepath.Join(t.TempDir(), "catalog.db"), func(c chstore.Conn) chstore.Conn {
		return shardFault{c, &mode, &table, &cancel}
	})
	mem := memstore.New()
	sv := wideSurvey()
	rs := wideResponses(11, 300)
	for _, st := range []cx.Store{s, mem} {
		if err := st.CreateSurvey(t.Context(), sv); err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateResponses(t.Context(), rs); err != nil {
			t.Fatal(err)
		}
	}
	table.Store("notEmpty(otherMap.value)")
	for _, m := range []string{"fail", "stream"} {
		mode.Store(m)
		_, err := s.TallyResponses(t.Context(), cx.TallyFilter{Survey: sv.ID})
		if !errors.Is(err, errInjected) || !strings.Contains(err.Error(), "shard") {
			t.Errorf("%s: a tally whose read of a shard's map failed returned %v; want the injected error, naming the shard", m, err)
		}
	}
	mode.Store("")
	want, got := tallyInBoth(t, mem, s, sv.ID, "no fault")
	if !got.Equal(want) {
		t.Errorf("%s", tallyDiff(want, got))
	}
}
