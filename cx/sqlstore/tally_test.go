package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/leanovate/gopter/prop"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/cx/org"
	"github.com/cxculture/cxculture/survey"
)

// tallyScenario is a history of a store: a world, batches of responses,
// deletions, a survey created only after its responses, a survey changed
// after them; then tallies are asked for.
type tallyScenario struct {
	World   cxgen.World
	Batches [][]survey.Response
	Deletes []uuid.UUID
	// Late is the ID of a survey created after its responses, or "".
	Late string
	// Update replaces a stored survey after the responses, if not nil.
	Update *survey.Survey
	// Filters are the wave filters tallies are asked with.
	Filters [][]string
}

func (sc tallyScenario) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d units; surveys:", len(sc.World.Units))
	for _, s := range sc.World.Surveys {
		fmt.Fprintf(&b, " %s[", s.ID)
		for _, it := range s.Items {
			fmt.Fprintf(&b, " %s:%s:%s", it.ID, it.Scale.ID, it.Construct)
		}
		b.WriteString(" ]")
	}
	n := 0
	for _, bt := range sc.Batches {
		n += len(bt)
	}
	fmt.Fprintf(&b, "; %d responses in %d batches, %d deleted; late %q; update %v; filters %v", n, len(sc.Batches), len(sc.Deletes), sc.Late, sc.Update != nil, sc.Filters)
	return b.String()
}

// pct is a scale wide enough to take two characters per answer.
var pct = survey.Scale{ID: "pct", Min: 0, Max: 100, FavorableMin: 80, FavorableMax: 100}

func genTallyScenario(r *rand.Rand) tallyScenario {
	var sc tallyScenario
	sc.World = cxgen.WorldFrom(r)
	for i := range sc.World.Surveys {
		s := &sc.World.Surveys[i]
		for j := range s.Items {
			// Not on eNPS items: scorecards take those on 0-10 scales only.
			if r.Intn(8) == 0 && s.Items[j].Construct != survey.ENPS {
				s.Items[j].Scale = pct
			}
		}
	}
	units := cxgen.UnitIDs(sc.World.Units)
	var all []survey.Response
	for range r.Intn(60) {
		w := sc.World.Waves[r.Intn(len(sc.World.Waves))]
		s, _ := sc.World.Survey(w.Survey)
		resp := cxgen.ResponseFrom(r, s, w, units)
		if r.Intn(40) == 0 {
			resp.Answers["unknown_item"] = 1 // does not fit: tallies fail
		}
		all = append(all, resp)
	}
	for len(all) > 0 {
		n := 1 + r.Intn(len(all))
		batch := all[:n]
		if n > 1 && r.Intn(4) == 0 {
			batch = append(batch, batch[0]) // an identical duplicate
		}
		sc.Batches = append(sc.Batches, batch)
		for _, x := range batch {
			if r.Intn(8) == 0 {
				sc.Deletes = append(sc.Deletes, x.ID)
			}
		}
		all = all[n:]
	}
	if r.Intn(3) == 0 {
		sc.Late = sc.World.Surveys[r.Intn(len(sc.World.Surveys))].ID
	}
	if r.Intn(3) == 0 {
		s := sc.World.Surveys[r.Intn(len(sc.World.Surveys))].Clone()
		switch r.Intn(4) {
		case 0: // reorder the items
			slices.Reverse(s.Items)
		case 1: // drop an item: responses that answered it no longer fit
			s.Items = s.Items[:len(s.Items)-1]
			if len(s.Items) == 0 {
				s.Items = []survey.Item{{ID: "q_new", Text: "New", Scale: survey.Likert5, Kind: survey.Belief, Version: 1}}
			}
		case 2: // regroup: every item on one construct
			for i := range s.Items {
				s.Items[i].Construct = culture.Agility
			}
		case 3: // widen the scales (but eNPS ones, as above)
			for i := range s.Items {
				if s.Items[i].Construct == survey.ENPS {
					continue
				}
				s.Items[i].Scale = survey.Scale{ID: "wide", Min: -5, Max: 120, FavorableMin: 100, FavorableMax: 120}
			}
		}
		s.Version++ // a fielded version is kept: the change is a new one
		sc.Update = &s
	}
	sc.Filters = [][]string{nil}
	for _, w := range sc.World.Waves {
		if r.Intn(2) == 0 {
			sc.Filters = append(sc.Filters, []string{w.ID, "no_such_wave"})
		}
	}
	return sc
}

// play runs the scenario on s and returns, per survey and filter, the
// tallies or the error category.
func play(ctx context.Context, s cx.Store, sc tallyScenario) (map[string]any, error) {
	var adds []cx.OrgChange
	for _, u := range sc.World.Units {
		adds = append(adds, cx.OrgChange{Kind: org.Add, Unit: u})
	}
	if _, err := s.RecordOrgChanges(ctx, adds); err != nil {
		return nil, err
	}
	for _, w := range sc.World.Waves {
		if err := s.CreateWave(ctx, w); err != nil {
			return nil, err
		}
	}
	for _, sv := range sc.World.Surveys {
		if sv.ID != sc.Late {
			if err := s.CreateSurvey(ctx, sv); err != nil {
				return nil, err
			}
		}
	}
	for _, b := range sc.Batches {
		if _, err := s.CreateResponses(ctx, b); err != nil {
			return nil, err
		}
	}
	for _, id := range sc.Deletes {
		if err := s.DeleteResponse(ctx, id); err != nil && !errors.Is(err, cx.ErrNotFound) {
			return nil, err
		}
	}
	if sc.Late != "" {
		sv, _ := sc.World.Survey(sc.Late)
		if err := s.CreateSurvey(ctx, sv); err != nil {
			return nil, err
		}
	}
	if sc.Update != nil {
		if err := s.UpdateSurvey(ctx, *sc.Update); err != nil {
			return nil, err
		}
	}
	out := map[string]any{}
	ids := []string{"no_such_survey"}
	for _, sv := range sc.World.Surveys {
		ids = append(ids, sv.ID)
	}
	for _, id := range ids {
		for _, f := range sc.Filters {
			key := fmt.Sprintf("tallies %s %v", id, f)
			t, err := cx.TallyResponses(ctx, s, cx.TallyFilter{Survey: id, Waves: f})
			if out[key], err = outcome(t, err, false); err != nil {
				return nil, fmt.Errorf("%s: %w", key, err)
			}
			// Against the latest version too, whichever the waves
			// fielded: the re-encoded responses.
			if sc.Update != nil && id == sc.Update.ID {
				key += " latest"
				t, err := cx.TallyResponses(ctx, s, cx.TallyFilter{Survey: id, Waves: f, Version: sc.Update.Version})
				if out[key], err = outcome(t, err, false); err != nil {
					return nil, fmt.Errorf("%s: %w", key, err)
				}
			}
		}
	}
	// The scorecard of every wave, against the survey's other wave when
	// it has one; groups of one are shown, so that every figure counts.
	p, err := cx.New(s, nil)
	if err != nil {
		return nil, err
	}
	for _, w := range sc.World.Waves {
		opts := cx.ScorecardOptions{Wave: w.ID, MinGroup: 1}
		for _, b := range sc.World.Waves {
			if b.Survey == w.Survey && b.ID != w.ID {
				opts.Baseline = b.ID
			}
		}
		key := fmt.Sprintf("scorecard %s %s against %q", w.Survey, w.ID, opts.Baseline)
		card, err := p.Scorecard(ctx, w.Survey, opts)
		if out[key], err = outcome(card, err, true); err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
	}
	return out, nil
}

// outcome returns v, or the cx category of err. Scorecards also fail on
// surveys they cannot score (such as eNPS items on different scales),
// which the program finds after the tallies: their errors are kept as
// their text. Any other error is returned.
func outcome(v any, err error, scorecard bool) (any, error) {
	switch {
	case errors.Is(err, cx.ErrNotFound):
		return "ErrNotFound", nil
	case errors.Is(err, cx.ErrInvalid):
		return "ErrInvalid", nil
	case err != nil && scorecard && strings.HasPrefix(err.Error(), "cx: "):
		return "error: " + err.Error(), nil
	case err != nil:
		return nil, err
	}
	return v, nil
}

// describeDiff says where two results of play differ.
func describeDiff(want, got map[string]any) string {
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range want {
			if !yield(k) {
				return
			}
		}
	}) {
		w, g := want[k], got[k]
		if reflect.DeepEqual(w, g) {
			continue
		}
		if wc, ok := w.(*cx.Scorecard); ok {
			gc, ok := g.(*cx.Scorecard)
			if !ok {
				return fmt.Sprintf("%s: want a scorecard, got %v", k, g)
			}
			if d := diffValue("", reflect.ValueOf(*wc), reflect.ValueOf(*gc)); d != "" {
				return k + ": " + d
			}
			continue
		}
		wt, ok1 := w.(*cx.Tallies)
		gt, ok2 := g.(*cx.Tallies)
		if !ok1 || !ok2 {
			return fmt.Sprintf("%s: want %v, got %v", k, w, g)
		}
		for c, v := range wt.Answers {
			if !reflect.DeepEqual(v, gt.Answers[c]) {
				return fmt.Sprintf("%s: answers %v: want %v, got %v", k, c, v, gt.Answers[c])
			}
		}
		for c, v := range gt.Answers {
			if _, ok := wt.Answers[c]; !ok {
				return fmt.Sprintf("%s: answers %v: want none, got %v", k, c, v)
			}
		}
		if !reflect.DeepEqual(wt.Respondents, gt.Respondents) {
			return fmt.Sprintf("%s: respondents: want %v, got %v", k, wt.Respondents, gt.Respondents)
		}
		if !reflect.DeepEqual(wt.Comments, gt.Comments) {
			return fmt.Sprintf("%s: comments: want %v, got %v", k, wt.Comments, gt.Comments)
		}
		return fmt.Sprintf("%s: patterns: want %v, got %v", k, wt.Patterns, gt.Patterns)
	}
	return ""
}

// diffValue says where two values of one type differ, or returns "".
// Floating-point numbers are equal when both are NaN or when they differ by
// at most 1e-9 relatively: a scorecard adds up the same integer tallies,
// but the reliability of a group sums its patterns in the order a map
// gives them.
func diffValue(path string, want, got reflect.Value) string {
	differ := func(w, g any) string { return fmt.Sprintf("%s: want %v, got %v", path, w, g) }
	switch want.Kind() {
	case reflect.Float32, reflect.Float64:
		w, g := want.Float(), got.Float()
		if w == g || math.IsNaN(w) && math.IsNaN(g) || math.Abs(w-g) <= 1e-9*max(1, math.Abs(w), math.Abs(g)) {
			return ""
		}
		return differ(w, g)
	case reflect.Pointer, reflect.Interface:
		if want.IsNil() || got.IsNil() {
			if want.IsNil() != got.IsNil() {
				return differ(want, got)
			}
			return ""
		}
		return diffValue(path, want.Elem(), got.Elem())
	case reflect.Struct:
		for i := range want.NumField() {
			if d := diffValue(path+"."+want.Type().Field(i).Name, want.Field(i), got.Field(i)); d != "" {
				return d
			}
		}
		return ""
	case reflect.Slice, reflect.Array:
		if want.Len() != got.Len() {
			return fmt.Sprintf("%s: want %d elements, got %d", path, want.Len(), got.Len())
		}
		for i := range want.Len() {
			if d := diffValue(fmt.Sprintf("%s[%d]", path, i), want.Index(i), got.Index(i)); d != "" {
				return d
			}
		}
		return ""
	case reflect.Map:
		if want.Len() != got.Len() {
			return fmt.Sprintf("%s: want %d entries, got %d", path, want.Len(), got.Len())
		}
		for _, k := range want.MapKeys() {
			g := got.MapIndex(k)
			if !g.IsValid() {
				return fmt.Sprintf("%s: want an entry %v, got none", path, k)
			}
			if d := diffValue(fmt.Sprintf("%s[%v]", path, k), want.MapIndex(k), g); d != "" {
				return d
			}
		}
		return ""
	case reflect.String:
		if want.String() != got.String() {
			return differ(want.String(), got.String())
		}
	case reflect.Bool:
		if want.Bool() != got.Bool() {
			return differ(want.Bool(), got.Bool())
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if want.Int() != got.Int() {
			return differ(want.Int(), got.Int())
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if want.Uint() != got.Uint() {
			return differ(want.Uint(), got.Uint())
		}
	default:
		return fmt.Sprintf("%s: cannot compare values of kind %v", path, want.Kind())
	}
	return ""
}

// TestTallyMatchesMemory checks that the tallies SQLite and PostgreSQL keep
// are exactly those computed in memory from the same responses, and that
// the scorecards of Program.Scorecard, computed from them, equal those of
// a program in memory: SQLite, PostgreSQL (when CXCULTURE_POSTGRES_DSN is
// set) and memory play each generated scenario. Scenarios hold batches
// with duplicates, deletions, surveys created after their responses or
// changed after them, tallies with and without wave filters, and
// responses that do not fit their survey (every store then fails with
// cx.ErrInvalid).
func TestTallyMatchesMemory(t *testing.T) {
	stores := []backend{{"SQLite", openSQLite}}
	if os.Getenv(dsnEnv) != "" {
		stores = append(stores, backend{"Postgres", openPostgres})
	} else {
		t.Run("Postgres", func(t *testing.T) { postgresDSN(t) }) // reports the skip
	}
	ctx := t.Context()
	props := cxgen.NewProperties(t, 60)
	props.Property("tallies and scorecards in the databases equal those in memory", prop.ForAll(func(sc tallyScenario) string {
		want, err := play(ctx, memstore.New(), sc)
		if err != nil {
			return "memstore: " + err.Error()
		}
		for _, b := range stores {
			got, err := play(ctx, b.open(t), sc)
			if err != nil {
				return b.name + ": " + err.Error()
			}
			if d := describeDiff(want, got); d != "" {
				return b.name + ": " + d
			}
		}
		return ""
	}, cxgen.From(genTallyScenario).WithLabel("scenario")))
	props.Run()
}
