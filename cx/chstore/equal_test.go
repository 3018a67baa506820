package chstore_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/cx/simulate"
	"github.com/cxculture/cxculture/survey"
)

// load defines a simulated program in store and records its responses,
// in two batches per survey, the second overlapping the first (a file
// imported again with more lines).
func load(t *testing.T, store cx.Store, d *simulate.Data) *cx.Program {
	t.Helper()
	ctx := t.Context()
	p, err := cx.New(store, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.DefineUnits(ctx, d.Units...); err != nil {
		t.Fatal(err)
	}
	for _, s := range []survey.Survey{d.Survey, d.CustomerSurvey} {
		if err := p.DefineSurvey(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	for _, w := range append(append([]survey.Wave{}, d.Waves...), d.CustomerWaves...) {
		if err := p.OpenWave(ctx, w); err != nil {
			t.Fatal(err)
		}
	}
	for _, rs := range [][]survey.Response{d.Responses, d.CustomerResponses} {
		half := len(rs) / 2
		if _, err := p.RecordResponses(ctx, rs[:half+len(rs)/10]); err != nil {
			t.Fatal(err)
		}
		if _, err := p.RecordResponses(ctx, rs[half:]); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

func simulated(t *testing.T) *simulate.Data {
	t.Helper()
	d, err := simulate.Generate(simulate.Config{Seed: cxgen.Seed(t), Waves: 6, Divisions: 2, TeamsPerDivision: 3,
		Customers: &simulate.Customers{Volume: 40}})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestScorecardEqualsMemory checks that the tallies, the segment tallies
// and the scorecard computed by the cluster equal those computed in
// memory from the same responses, for the employee pulse and the A-11
// customer survey (whose responses have segments).
func TestScorecardEqualsMemory(t *testing.T) {
	ch := openStore(t)
	d := simulated(t)
	mem := memstore.New()
	pm, pc := load(t, mem, d), load(t, ch, d)
	ctx := context.Background()
	for _, s := range []struct {
		survey string
		waves  []survey.Wave
	}{{d.Survey.ID, d.Waves}, {d.CustomerSurvey.ID, d.CustomerWaves}} {
		want, err := cx.TallyResponses(ctx, mem, cx.TallyFilter{Survey: s.survey})
		if err != nil {
			t.Fatal(err)
		}
		got, err := ch.TallyResponses(ctx, cx.TallyFilter{Survey: s.survey})
		if err != nil {
			t.Fatal(err)
		}
		if len(want.Respondents) == 0 || len(want.Patterns) == 0 && s.survey == d.Survey.ID {
			t.Fatalf("survey %s: the simulated data tallies nothing", s.survey)
		}
		if !got.Equal(want) {
			t.Errorf("survey %s: the tallies of the cluster differ from those in memory:\n%s", s.survey, tallyDiff(want, got))
		}
		for _, keys := range [][]string{{"service", "channel"}, {"channel"}, nil, {"nobody has this"}} {
			f := cx.SegmentFilter{Survey: s.survey, Keys: keys}
			want, err := cx.TallySegments(ctx, mem, f)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ch.TallySegments(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(want) {
				t.Errorf("survey %s, segments %v: the cluster's segment tallies differ from memory's:\nmemory:  %.500s\ncluster: %.500s", s.survey, keys, want, got)
			}
		}
		opts := cx.ScorecardOptions{Wave: s.waves[len(s.waves)-1].ID, Baseline: s.waves[0].ID}
		wantCard, err := pm.Scorecard(ctx, s.survey, opts)
		if err != nil {
			t.Fatal(err)
		}
		gotCard, err := pc.Scorecard(ctx, s.survey, opts)
		if err != nil {
			t.Fatal(err)
		}
		wj, _ := json.Marshal(wantCard)
		gj, _ := json.Marshal(gotCard)
		if string(wj) != string(gj) {
			t.Errorf("survey %s: the scorecard from the cluster differs from the one in memory:\nmemory:  %.600s\ncluster: %.600s", s.survey, wj, gj)
		}
	}
}

// tallyDiff describes the first differences between two tallies.
func tallyDiff(want, got *cx.Tallies) string {
	var out []string
	add := func(s string) {
		if len(out) < 10 {
			out = append(out, s)
		}
	}
	for k, v := range want.Answers {
		if g, ok := got.Answers[k]; !ok || !equalCounts(v.Counts, g.Counts) || v.Min != g.Min {
			add("answers " + k.Unit + "/" + k.Wave + "/" + k.Item)
		}
	}
	for k := range got.Answers {
		if _, ok := want.Answers[k]; !ok {
			add("extra answers " + k.Unit + "/" + k.Wave + "/" + k.Item)
		}
	}
	for k, v := range want.Respondents {
		if got.Respondents[k] != v {
			add("respondents " + k.Unit + "/" + k.Wave)
		}
	}
	for k, v := range want.Comments {
		if got.Comments[k] != v {
			add("comments " + k.Unit + "/" + k.Wave)
		}
	}
	for k, v := range want.Patterns {
		if got.Patterns[k] != v {
			add("pattern " + k.Wave + " " + k.Items + " " + k.Pattern)
		}
	}
	for k, v := range got.Patterns {
		if want.Patterns[k] != v {
			add("pattern (cluster) " + k.Wave + " " + k.Items + " " + k.Pattern)
		}
	}
	b, _ := json.Marshal(out)
	return string(b)
}

func equalCounts(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// tallyInBoth tallies every wave of survey svID in memory and in the
// cluster and returns both; either failing fails the test, naming the
// case by what.
func tallyInBoth(t *testing.T, mem, ch cx.Store, svID, what string) (want, got *cx.Tallies) {
	t.Helper()
	want, err := cx.TallyResponses(t.Context(), mem, cx.TallyFilter{Survey: svID})
	if err != nil {
		t.Fatalf("%s: memory's tally failed: %v", what, err)
	}
	got, err = cx.TallyResponses(t.Context(), ch, cx.TallyFilter{Survey: svID})
	if err != nil {
		t.Fatalf("%s: the cluster's tally failed: %v", what, err)
	}
	return want, got
}
