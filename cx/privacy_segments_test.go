package cx_test

import (
	"encoding/csv"
	"fmt"
	"hash/fnv"
	"io"
	"maps"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/memstore"
	cxorg "github.com/cxculture/cxculture/cx/org"
	"github.com/cxculture/cxculture/survey"
)

// segPerson is one respondent of a segment fixture: where they answered,
// their segments and their answer.
type segPerson struct {
	wave, unit string
	segs       map[string]string
	answer     int
}

// segFixture is a program whose respondents carry segments, with the
// record of who answered where and of the org of each wave (child →
// parent): the oracle of the test.
type segFixture struct {
	p       *cx.Program
	people  []segPerson
	keys    []string
	parents map[string]map[string]string
}

// newSegFixture records people under units, with the given declared
// segments: one wave (w1, w2, ...) per org of parents, every three months
// from January; changes are applied to the org first.
func newSegFixture(t *testing.T, units []cx.Unit, changes []cx.OrgChange, segs []survey.Segment, parents map[string]map[string]string, people []segPerson) *segFixture {
	t.Helper()
	ctx := t.Context()
	p, err := cx.New(memstore.New(), &cx.Options{Now: func() time.Time { return time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) }})
	require.NoError(t, err)
	require.NoError(t, p.DefineUnits(ctx, units...))
	for _, c := range changes {
		require.NoError(t, p.ChangeOrg(ctx, c))
	}
	s := survey.Survey{ID: "pulse", Name: "Pulse", Audience: survey.Employee, Version: 1, Items: []survey.Item{
		{ID: "cf", Text: "Customers come first.", Scale: survey.Likert5, Construct: culture.CustomerFocus, Kind: survey.Belief, Version: 1}},
		Segments: segs}
	require.NoError(t, p.DefineSurvey(ctx, s))
	for i := range len(parents) {
		opens := time.Date(2026, time.Month(1+3*i), 5, 0, 0, 0, 0, time.UTC)
		require.NoError(t, p.OpenWave(ctx, survey.Wave{ID: fmt.Sprintf("w%d", i+1), Survey: "pulse", Name: opens.Month().String(), Opens: opens, Closes: opens.AddDate(0, 0, 14)}))
	}
	var rs []survey.Response
	for i, x := range people {
		w, _ := p.Store().GetWave(ctx, x.wave)
		rs = append(rs, survey.Response{ID: uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "person %d", i)), Survey: "pulse", Wave: x.wave, Unit: x.unit,
			Submitted: w.Opens.Add(time.Hour), Answers: map[string]int{"cf": x.answer}, Segments: x.segs})
	}
	_, err = p.RecordResponses(ctx, rs)
	require.NoError(t, err)
	var keys []string
	for _, sg := range segs {
		keys = append(keys, sg.Key)
	}
	return &segFixture{p: p, people: people, keys: keys, parents: parents}
}

// teams returns people by unit and tenure; with sites, every site-th
// person of each group works remote, the others at hq.
func teams(wave string, sites int, byUnit map[string]map[string]int) []segPerson {
	var out []segPerson
	for _, u := range slices.Sorted(maps.Keys(byUnit)) {
		for _, ten := range slices.Sorted(maps.Keys(byUnit[u])) {
			for i := range byUnit[u][ten] {
				segs := map[string]string{"tenure": ten}
				if sites > 0 {
					segs["site"] = "hq"
					if i%sites == 0 {
						segs["site"] = "remote"
					}
				}
				out = append(out, segPerson{wave: wave, unit: u, segs: segs, answer: 1 + (i*7+len(out))%5})
			}
		}
	}
	return out
}

// shownUnits returns the units a wave's scorecard shows with their
// respondents, and checks that each shown unit's figure is shown too.
func shownUnits(t *testing.T, p *cx.Program, wave string) map[string]int64 {
	t.Helper()
	sc, err := p.Scorecard(t.Context(), "pulse", cx.ScorecardOptions{Wave: wave})
	require.NoError(t, err)
	out := map[string]int64{}
	for _, u := range sc.Units {
		if u.Suppressed {
			continue
		}
		out[u.Unit] = u.Respondents
		for _, b := range u.Behaviors {
			assert.False(t, b.Suppressed, "%s@%s: %s shown, its figure hidden (%s)", u.Unit, wave, b.Behavior, b.Reason)
		}
	}
	return out
}

// noSmallGroupInSpan checks, with exact rational arithmetic, that no
// group of 1 to 4 respondents of the wave (a unit's, a unit's direct
// respondents, a unit's with a segment value, with two values crossed)
// is a linear combination of the groups whose counts the scorecard and
// the segment cuts show: no sum or difference of shown figures gives the
// count, nor any answer count, of a small group. It returns the number of
// groups published.
func (f *segFixture) noSmallGroupInSpan(t *testing.T, wave string) int {
	t.Helper()
	ctx := t.Context()
	parent := f.parents[wave]
	var people []segPerson
	for _, x := range f.people {
		if x.wave == wave {
			people = append(people, x)
		}
	}
	vec := func(in func(segPerson) bool) ([]*big.Rat, int) {
		v, n := make([]*big.Rat, len(people)), 0
		for i, x := range people {
			v[i] = new(big.Rat)
			if in(x) {
				v[i].SetInt64(1)
				n++
			}
		}
		return v, n
	}
	within := func(x segPerson, u string) bool {
		for a := x.unit; a != ""; a = parent[a] {
			if a == u {
				return true
			}
		}
		return false
	}
	var shown [][]*big.Rat
	sc, err := f.p.Scorecard(ctx, "pulse", cx.ScorecardOptions{Wave: wave})
	require.NoError(t, err)
	for _, u := range sc.Units {
		if u.Suppressed {
			continue
		}
		v, n := vec(func(x segPerson) bool { return within(x, u.Unit) })
		require.Equal(t, int64(n), u.Respondents, "%s@%s", u.Unit, wave)
		shown = append(shown, v)
	}
	for _, k := range f.keys {
		cut, err := f.p.SegmentCut(ctx, "pulse", cx.SegmentOptions{Wave: wave, Key: k, AllUnits: true})
		require.NoError(t, err)
		for _, row := range cut.Rows {
			if row.Suppressed {
				continue
			}
			v, n := vec(func(x segPerson) bool { return within(x, row.Unit) && x.segs[k] == row.Value })
			require.Equal(t, int64(n), row.Respondents, "%s@%s %s=%s", row.Unit, wave, k, row.Value)
			shown = append(shown, v)
		}
	}
	basis := echelon(shown)
	type group struct {
		name string
		in   func(segPerson) bool
	}
	var groups []group
	values := map[string][]string{}
	for _, x := range people {
		for k, v := range x.segs {
			if !slices.Contains(values[k], v) {
				values[k] = append(values[k], v)
			}
		}
	}
	for _, u := range slices.Sorted(maps.Keys(parent)) {
		groups = append(groups, group{u, func(x segPerson) bool { return within(x, u) }},
			group{u + " direct", func(x segPerson) bool { return x.unit == u }})
		for _, k := range f.keys {
			for _, v := range values[k] {
				groups = append(groups, group{u + " " + k + "=" + v, func(x segPerson) bool { return within(x, u) && x.segs[k] == v }})
				for _, k2 := range f.keys {
					for _, v2 := range values[k2] {
						if k < k2 {
							groups = append(groups, group{u + " " + k + "=" + v + " " + k2 + "=" + v2, func(x segPerson) bool {
								return within(x, u) && x.segs[k] == v && x.segs[k2] == v2
							}})
						}
					}
				}
			}
		}
	}
	for _, g := range groups {
		if v, n := vec(g.in); n > 0 && n < 5 {
			assert.False(t, inSpan(basis, v), "%s@%s: %d respondents, worked out from the figures shown", g.name, wave, n)
		}
	}
	return len(shown)
}

// echelon returns a basis of the rows' span in row echelon form, with the
// column of each row's pivot.
func echelon(rows [][]*big.Rat) (basis [][]*big.Rat) {
	for _, r := range rows {
		v := reduce(basis, r)
		if pivot(v) >= 0 {
			basis = append(basis, v)
		}
	}
	return basis
}

func pivot(v []*big.Rat) int {
	for j, x := range v {
		if x.Sign() != 0 {
			return j
		}
	}
	return -1
}

// reduce returns r minus its components along the basis.
func reduce(basis [][]*big.Rat, r []*big.Rat) []*big.Rat {
	v := make([]*big.Rat, len(r))
	for j := range r {
		v[j] = new(big.Rat).Set(r[j])
	}
	for _, b := range basis {
		p := pivot(b)
		if v[p].Sign() == 0 {
			continue
		}
		f := new(big.Rat).Quo(v[p], b[p])
		for j := range v {
			v[j].Sub(v[j], new(big.Rat).Mul(f, b[j]))
		}
	}
	return v
}

func inSpan(basis [][]*big.Rat, v []*big.Rat) bool { return pivot(reduce(basis, v)) < 0 }

// TestDeclaredSegmentsKeepHeadlines: declaring a segment attribute does
// not hide units in the scorecard. A small segment cell is protected by
// other segment cells (the unit's other segments, the same segment in
// other units), not by the unit's or the organization's totals, and no
// small group can be worked out from what the scorecard and the cuts
// show. Before, three new people in a team of 14 hid all three teams of
// 24, 24 and 14, and three veterans in Operations hid Operations (24) and
// the whole agency (64).
func TestDeclaredSegmentsKeepHeadlines(t *testing.T) {
	three := []cx.Unit{{ID: "org", Name: "Org"}, {ID: "t0", Parent: "org", Name: "T0"}, {ID: "t1", Parent: "org", Name: "T1"}, {ID: "t2", Parent: "org", Name: "T2"}}
	tenure := survey.Segment{Key: "tenure", Name: "Tenure", Values: []string{"new", "mid", "old"}}
	site := survey.Segment{Key: "site", Name: "Site"}
	counts := map[string]map[string]int{"t0": {"new": 8, "mid": 8, "old": 8}, "t1": {"new": 8, "mid": 8, "old": 8}, "t2": {"new": 2, "mid": 6, "old": 6}}
	want := map[string]int64{"org": 62, "t0": 24, "t1": 24, "t2": 14}
	for _, c := range []struct {
		name  string
		segs  []survey.Segment
		sites int
	}{{"no segment", nil, 0}, {"tenure", []survey.Segment{tenure}, 0}, {"tenure and site", []survey.Segment{tenure, site}, 3},
		// Every crossing of tenure and site holds 4 people: a team of 24
		// is six groups of at most 4, which pins each of them; the plan
		// must hide the teams (it takes a reader to know which groups are
		// small). Only the soundness is checked.
		{"every crossing small", []survey.Segment{tenure, site}, 2}} {
		t.Run(c.name, func(t *testing.T) {
			f := newSegFixture(t, three, nil, c.segs, map[string]map[string]string{"w1": {"org": "", "t0": "org", "t1": "org", "t2": "org"}}, teams("w1", c.sites, counts))
			if c.sites != 2 {
				assert.Equal(t, want, shownUnits(t, f.p, "w1"))
			}
			f.noSmallGroupInSpan(t, "w1")
			if len(c.segs) > 0 {
				cut, err := f.p.SegmentCut(t.Context(), "pulse", cx.SegmentOptions{Wave: "w1", Key: "tenure", AllUnits: true})
				require.NoError(t, err)
				row, ok := cut.Row("t2", "new")
				require.True(t, ok)
				assert.True(t, row.Suppressed, "the two new people of t2 are hidden")
			}
		})
	}

	t.Run("agency", func(t *testing.T) {
		// The report's program: North and South (20 each) merge into
		// Central after January; Operations (24) has 3 veterans.
		units := []cx.Unit{{ID: "org", Name: "Agency"}, {ID: "sales", Parent: "org", Name: "Sales"},
			{ID: "north", Parent: "sales", Name: "North Office"}, {ID: "south", Parent: "sales", Name: "South Office"}, {ID: "ops", Parent: "org", Name: "Operations"}}
		merge := cx.OrgChange{Kind: cxorg.Merge, Effective: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
			Unit: cx.Unit{ID: "central", Name: "Central Office"}, From: []string{"north", "south"}}
		var people []segPerson
		for wi, w := range []string{"w1", "w2"} {
			size := map[string]int{"north": 20, "south": 20, "ops": 24}
			if wi == 1 {
				size = map[string]int{"central": 40, "ops": 24}
			}
			for _, u := range slices.Sorted(maps.Keys(size)) {
				for i := range size[u] {
					ten := []string{"new", "settled"}[i%2]
					if u == "ops" && i < 3 {
						ten = "veteran"
					}
					people = append(people, segPerson{wave: w, unit: u, segs: map[string]string{"tenure": ten}, answer: 2 + 2*((i+wi*3)%4/2)})
				}
			}
		}
		parents := map[string]map[string]string{
			"w1": {"org": "", "sales": "org", "north": "sales", "south": "sales", "ops": "org"},
			"w2": {"org": "", "sales": "org", "central": "sales", "ops": "org"},
		}
		f := newSegFixture(t, units, []cx.OrgChange{merge}, []survey.Segment{{Key: "tenure", Name: "Tenure", Values: []string{"new", "settled", "veteran"}}}, parents, people)
		assert.Equal(t, map[string]int64{"org": 64, "sales": 40, "north": 20, "south": 20, "ops": 24}, shownUnits(t, f.p, "w1"))
		assert.Equal(t, map[string]int64{"org": 64, "sales": 40, "central": 40, "ops": 24}, shownUnits(t, f.p, "w2"))
		for _, w := range []string{"w1", "w2"} {
			f.noSmallGroupInSpan(t, w)
		}
	})
}

// TestBenchSegmentsOverSuppression reports what declaring a segment
// attribute costs the benchmark data's headline figures: the pulse100k
// responses, each respondent given a tenure derived from their ID (4 in
// 10 new, 5 in 10 settled, 1 in 10 veteran, so that most teams have a
// small group of veterans), planned with and without the segment over
// its first CXCULTURE_BENCH_WAVES waves (default 2; planning a segment
// costs much more than planning the units). It runs only when
// CXCULTURE_BENCH_DATA names the benchmark data folder (holding
// pulse100k).
func TestBenchSegmentsOverSuppression(t *testing.T) {
	root := os.Getenv("CXCULTURE_BENCH_DATA")
	if root == "" {
		t.Skip("set CXCULTURE_BENCH_DATA to the benchmark data folder")
	}
	dir := filepath.Join(root, "pulse100k")
	h, s, tl, waves := loadBench(t, dir)
	nw := 2
	if v := os.Getenv("CXCULTURE_BENCH_WAVES"); v != "" {
		var err error
		nw, err = strconv.Atoi(v)
		require.NoError(t, err)
	}
	waves = waves[:min(nw, len(waves))]
	segs := cx.NewSegments()
	f, err := os.Open(filepath.Join(dir, "responses.csv"))
	require.NoError(t, err)
	defer f.Close()
	rd := csv.NewReader(f)
	header, err := rd.Read()
	require.NoError(t, err)
	for {
		rec, err := rd.Read()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		r := survey.Response{Answers: map[string]int{}}
		for c, name := range header {
			switch name {
			case "respondent_id":
				hash := fnv.New32a()
				hash.Write([]byte(rec[c]))
				r.Segments = map[string]string{"tenure": [10]string{"new", "new", "new", "new", "settled", "settled", "settled", "settled", "settled", "veteran"}[hash.Sum32()%10]}
			case "unit_id":
				r.Unit = rec[c]
			case "wave":
				r.Wave = rec[c]
			case "submitted_at":
			default:
				if rec[c] != "" {
					v, err := strconv.Atoi(rec[c])
					require.NoError(t, err)
					r.Answers[name] = v
				}
			}
		}
		segs.AddResponse(r)
	}
	s.Segments = []survey.Segment{{Key: "tenure", Name: "Tenure", Values: []string{"new", "settled", "veteran"}}}
	keys := []string{cx.ENPSMeasure}
	for _, b := range []string{"customer_focus", "agility", "empowerment", "innovation", "inclusion"} {
		keys = append(keys, cx.BehaviorMeasure(b))
	}
	var without *cx.Disclosure
	for _, run := range []struct {
		name string
		segs *cx.Segments
	}{{"without segments", nil}, {"with tenure", segs}} {
		start := time.Now()
		d, err := cx.DefaultPrivacy().PlanSurvey(s, h, tl, waves, run.segs)
		took := time.Since(start)
		require.NoError(t, err)
		// more counts the units shown without segments and hidden with.
		shown, beyond, more, figures, figHidden, segCells, segHidden := 0, 0, 0, 0, 0, 0, 0
		for _, w := range waves {
			for _, u := range h.IDs() {
				if rolledRespondents(h, tl, u, w) == 0 {
					continue
				}
				if run.segs != nil {
					for _, v := range s.Segments[0].Values {
						segCells++
						if _, hid := d.SegmentHidden(u, w, "tenure", v); hid {
							segHidden++
						}
					}
				}
				if r, hid := d.Hidden(u, w); hid {
					if r.Kind != cx.BelowMinimum {
						beyond++
					}
					if without != nil {
						if _, was := without.Hidden(u, w); !was {
							more++
						}
					}
					continue
				}
				shown++
				for _, k := range keys {
					figures++
					if _, hid := d.FigureHidden(cx.CellRef{Unit: u, Wave: w}, k); hid {
						figHidden++
					}
				}
			}
		}
		t.Logf("pulse100k, %d waves, %s: units with respondents shown %d, hidden beyond the minimum %d (%d of them shown without segments); "+
			"figures of shown units %d, hidden %d; segment cells %d, hidden %d; %d exposed; planned in %v",
			len(waves), run.name, shown, beyond, more, figures, figHidden, segCells, segHidden, len(d.Exposed()), took.Round(time.Millisecond))
		if run.segs == nil {
			without = d
		}
	}
}

// rolledRespondents returns the respondents of unit u and the units below
// it in wave w.
func rolledRespondents(h *cx.Hierarchy, tl *cx.Tallies, u, w string) int64 {
	n := int64(0)
	for _, x := range append([]string{u}, h.Descendants(u)...) {
		n += tl.Respondents[cx.Group{Unit: x, Wave: w}]
	}
	return n
}
