package main

import (
	"bytes"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The data set of these tests has the layout of the benchmark data
// (shared/bench): an org, two divisions and five teams; three behaviors of
// three Likert-5 items each, the last reverse keyed, and eNPS on nps11;
// waves 1, 2 and 10 (so the last wave is 10 only if waves are ordered as
// numbers). Team sizes are designed:
//
//	team   div   wave 1  wave 2  wave 10
//	t00    div0     8       8       8
//	t01    div0     6       4       7
//	t10    div1     5       5       5
//	t11    div1     7       7       3
//	t12    div1     2       -       1
//
// so that four groups are suppressed (t01 in wave 2, t11 in wave 10, t12
// in waves 1 and 10; t12 has no group in wave 2), and three teams (t00,
// t01, t10) are tested for change, three behaviors each: 9 tests. t00's
// customer focus rises from unfavorable to favorable; every inclusion
// answer of t10 is favorable in both waves, a test whose pooled
// proportion is 1 (p = 1).

var (
	testBehaviors = []string{"customer_focus", "agility", "inclusion"}
	testWaves     = []int{1, 2, 10}
	testTeams     = []struct {
		id, div string
		sizes   map[int]int
	}{
		{"t00", "div0", map[int]int{1: 8, 2: 8, 10: 8}},
		{"t01", "div0", map[int]int{1: 6, 2: 4, 10: 7}},
		{"t10", "div1", map[int]int{1: 5, 2: 5, 10: 5}},
		{"t11", "div1", map[int]int{1: 7, 2: 7, 10: 3}},
		{"t12", "div1", map[int]int{1: 2, 10: 1}},
	}
)

// response is one generated row: keyed answers per behavior (0 for a
// skipped item) and eNPS (-1 for skipped).
type response struct {
	team, div string
	wave      int
	keyed     [3][3]int
	enps      int
}

// writeData writes units.csv, items.csv and responses.csv into dir and
// returns the responses as generated.
func writeData(t *testing.T, dir string) []response {
	t.Helper()
	units := "unit_id,parent_id,name\norg,,Organization\ndiv0,org,Division 0\ndiv1,org,Division 1\n"
	for _, tm := range testTeams {
		units += fmt.Sprintf("%s,%s,Team %s\n", tm.id, tm.div, tm.id)
	}
	items := "item_id,behavior,scale,reverse,text\n"
	var header []string
	for b, name := range testBehaviors {
		for i := range 3 {
			id := fmt.Sprintf("q%02d", 3*b+i+1)
			header = append(header, id)
			items += fmt.Sprintf("%s,%s,likert5,%v,Statement %d about %s\n", id, name, i == 2, 3*b+i+1, name)
		}
	}
	items += "enps,,nps11,false,How likely are you to recommend working here?\n"

	rng := rand.New(rand.NewSource(20260105))
	var rs []response
	var b strings.Builder
	b.WriteString("respondent_id,unit_id,wave,submitted_at," + strings.Join(header, ",") + ",enps\n")
	person := 0
	for _, w := range testWaves {
		for _, tm := range testTeams {
			for range tm.sizes[w] {
				r := response{team: tm.id, div: tm.div, wave: w, enps: rng.Intn(11)}
				trait := rng.Intn(3) - 1
				fmt.Fprintf(&b, "r%05d,%s,%d,2026-%02d-03T09:%02d:00Z", person, tm.id, w, min(w, 12), person%60)
				person++
				for bi := range 3 {
					for i := range 3 {
						v := min(5, max(1, 1+rng.Intn(5)+trait))
						switch {
						case tm.id == "t00" && bi == 0 && w == 1:
							v = 1 + rng.Intn(3)
						case tm.id == "t00" && bi == 0 && w == 10:
							v = 4 + rng.Intn(2)
						case tm.id == "t10" && bi == 2:
							v = 4 + rng.Intn(2)
						}
						if rng.Intn(20) == 0 {
							b.WriteString(",")
							continue
						}
						r.keyed[bi][i] = v
						raw := v
						if i == 2 {
							raw = 6 - v
						}
						fmt.Fprintf(&b, ",%d", raw)
					}
				}
				if rng.Intn(20) == 0 {
					r.enps = -1
					b.WriteString(",\n")
				} else {
					fmt.Fprintf(&b, ",%d\n", r.enps)
				}
				rs = append(rs, r)
			}
		}
	}
	for name, content := range map[string]string{"units.csv": units, "items.csv": items, "responses.csv": b.String()} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	}
	return rs
}

// groupStats are the sums of one group (team, division or org, in a wave).
type groupStats struct {
	n                int
	fav, ans         [3]int
	prom, det, enpsN int
}

func (g *groupStats) add(r response) {
	g.n++
	for b := range 3 {
		for _, v := range r.keyed[b] {
			if v > 0 {
				g.ans[b]++
				if v >= 4 {
					g.fav[b]++
				}
			}
		}
	}
	if r.enps >= 0 {
		g.enpsN++
		if r.enps >= 9 {
			g.prom++
		}
		if r.enps <= 6 {
			g.det++
		}
	}
}

// expectedLines computes the two result lines of the benchmark workload
// (shared/bench/README.md) from the generated responses, directly.
func expectedLines(rs []response) (string, string, int) {
	type key struct {
		unit string
		wave int
	}
	groups := map[key]*groupStats{}
	get := func(k key) *groupStats {
		if groups[k] == nil {
			groups[k] = &groupStats{}
		}
		return groups[k]
	}
	for _, r := range rs {
		for _, u := range []string{r.team, r.div, "org"} {
			get(key{u, r.wave}).add(r)
		}
	}
	suppressed := 0
	var checksum float64
	for _, g := range groups {
		if g.n < 5 {
			suppressed++
			continue
		}
		for b := range 3 {
			if g.ans[b] > 0 {
				checksum += float64(g.fav[b]) / float64(g.ans[b])
			}
		}
		if g.enpsN > 0 {
			checksum += float64(g.prom-g.det) / float64(g.enpsN)
		}
	}
	// Listwise Cronbach's alpha per wave and behavior over the org.
	var alphas []float64
	for _, w := range testWaves {
		for b := range 3 {
			var rows [][3]int
			for _, r := range rs {
				if r.wave == w && !slices.Contains(r.keyed[b][:], 0) {
					rows = append(rows, r.keyed[b])
				}
			}
			variance := func(x []float64) float64 {
				var m float64
				for _, v := range x {
					m += v
				}
				m /= float64(len(x))
				var ss float64
				for _, v := range x {
					ss += (v - m) * (v - m)
				}
				return ss / float64(len(x)-1)
			}
			var itemVar float64
			for i := range 3 {
				col := make([]float64, len(rows))
				for j, row := range rows {
					col[j] = float64(row[i])
				}
				itemVar += variance(col)
			}
			total := make([]float64, len(rows))
			for j, row := range rows {
				total[j] = float64(row[0] + row[1] + row[2])
			}
			alphas = append(alphas, 1.5*(1-itemVar/variance(total)))
		}
	}
	var alphaSum float64
	for _, a := range alphas {
		alphaSum += a
		checksum += a
	}
	// Last wave against the first, per team and behavior, then BH.
	var ps []float64
	for _, tm := range testTeams {
		a, c := groups[key{tm.id, 1}], groups[key{tm.id, 10}]
		if a == nil || c == nil || a.n < 5 || c.n < 5 {
			continue
		}
		for b := range 3 {
			x1, n1, x2, n2 := float64(a.fav[b]), float64(a.ans[b]), float64(c.fav[b]), float64(c.ans[b])
			p := (x1 + x2) / (n1 + n2)
			z := (x2/n2 - x1/n1) / math.Sqrt(p*(1-p)*(1/n1+1/n2))
			if math.IsNaN(z) || math.IsInf(z, 0) {
				ps = append(ps, 1)
				continue
			}
			ps = append(ps, math.Erfc(math.Abs(z)/math.Sqrt2))
		}
	}
	order := make([]int, len(ps))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(i, j int) bool { return ps[order[i]] < ps[order[j]] })
	significant := 0
	adj := math.Inf(1)
	m := float64(len(ps))
	for rank := len(order); rank >= 1; rank-- {
		adj = math.Min(adj, ps[order[rank-1]]*m/float64(rank))
		if math.Min(adj, 1) < 0.05 {
			significant++
		}
	}
	return fmt.Sprintf("groups_suppressed=%d alpha_mean=%.6f significant_changes=%d of %d", suppressed, alphaSum/float64(len(alphas)), significant, len(ps)),
		fmt.Sprintf("checksum=%.6f", checksum), significant
}

func TestBenchLines(t *testing.T) {
	dir := t.TempDir()
	rs := writeData(t, dir)
	want1, want2, significant := expectedLines(rs)
	// The pandas peer (shared/bench/peers/scorecard_pandas.py) prints
	// these lines on this data.
	assert.Equal(t, "groups_suppressed=4 alpha_mean=0.400344 significant_changes=1 of 9", want1)
	assert.Equal(t, "checksum=18.967853", want2)
	// The designed features hold in the generated data.
	assert.True(t, strings.HasPrefix(want1, "groups_suppressed=4 "), want1)
	assert.True(t, strings.HasSuffix(want1, " of 9"), want1)
	assert.Positive(t, significant, "t00's customer focus changes significantly")

	for _, workers := range []string{"1", "3"} {
		var out bytes.Buffer
		require.NoError(t, run(t.Context(), &out, []string{"-data", dir, "-bench", "-workers", workers}))
		lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
		require.GreaterOrEqual(t, len(lines), 2)
		assert.Equal(t, want1, lines[len(lines)-2], "first result line, workers=%s", workers)
		assert.Equal(t, want2, lines[len(lines)-1], "checksum line, workers=%s", workers)
		assert.Regexp(t, `^groups_suppressed=\d+ alpha_mean=-?\d+\.\d{6} significant_changes=\d+ of \d+$`, lines[len(lines)-2])
		assert.Regexp(t, `^checksum=-?\d+\.\d{6}$`, lines[len(lines)-1])
	}
}

func TestScorecardOutput(t *testing.T) {
	dir := t.TempDir()
	writeData(t, dir)
	var out bytes.Buffer
	require.NoError(t, run(t.Context(), &out, []string{"-data", dir}))
	text := out.String()
	assert.True(t, strings.HasPrefix(text, "Scorecard of survey pulse, wave 10 against wave 1\n"), "waves are ordered as numbers:\n%s", text)
	assert.NotContains(t, text, "groups_suppressed=", "the result lines need -bench")
	for _, want := range []string{"customer_focus", "agility", "inclusion", "eNPS", "org ", "  div0 ", "  div1 ",
		"Reliability (Cronbach's alpha over the organization, wave 10)"} {
		assert.Contains(t, text, want)
	}
	assert.NotContains(t, text, "t00", "teams are shown with -all only")
	// The organization has 24 respondents in wave 10, the divisions 15 and 9.
	assert.Regexp(t, `(?m)^org\s+24\s`, text)
	assert.Regexp(t, `(?m)^  div0\s+15\s`, text)
	assert.Regexp(t, `(?m)^  div1\s+9\s`, text)

	out.Reset()
	require.NoError(t, run(t.Context(), &out, []string{"-data", dir, "-all"}))
	text = out.String()
	assert.Regexp(t, `(?m)^    t00\s+8\s`, text)
	assert.Regexp(t, `(?m)^    t11\s+-\s+suppressed: fewer than 5 respondents$`, text)
	assert.Regexp(t, `(?m)^    t12\s+-\s+suppressed: fewer than 5 respondents$`, text)
	assert.Contains(t, text, "8 of 8 units shown")
	assert.Regexp(t, `(?m)^    t10\s+-\s+suppressed: `, text, "t10 is hidden so that t11 and t12 cannot be worked out")
	assert.Contains(t, text, "3 suppressed")

	out.Reset()
	require.NoError(t, run(t.Context(), &out, []string{"-data", dir, "-all", "-min-group", "3"}))
	assert.Regexp(t, `(?m)^    t11\s+3\s`, out.String(), "a smaller minimum shows t11")
}

func TestRunErrors(t *testing.T) {
	var out bytes.Buffer
	assert.ErrorContains(t, run(t.Context(), &out, nil), "-data is required")
	assert.Error(t, run(t.Context(), &out, []string{"-data", filepath.Join(t.TempDir(), "missing")}))
	assert.Error(t, run(t.Context(), &out, []string{"-nope"}))

	dir := t.TempDir()
	writeData(t, dir)
	bad, err := os.ReadFile(filepath.Join(dir, "responses.csv"))
	require.NoError(t, err)
	lines := strings.Split(string(bad), "\n")
	fields := strings.Split(lines[5], ",")
	fields[6] = "7"
	lines[5] = strings.Join(fields, ",")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "responses.csv"), []byte(strings.Join(lines, "\n")), 0o644))
	err = run(t.Context(), &out, []string{"-data", dir})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "responses.csv")
	assert.Contains(t, err.Error(), "line 6, column 7 (q03)")

	one := t.TempDir()
	writeData(t, one)
	only, err := os.ReadFile(filepath.Join(one, "responses.csv"))
	require.NoError(t, err)
	var kept []string
	for i, l := range strings.Split(strings.TrimRight(string(only), "\n"), "\n") {
		if i == 0 || strings.Split(l, ",")[2] == "1" {
			kept = append(kept, l)
		}
	}
	require.NoError(t, os.WriteFile(filepath.Join(one, "responses.csv"), []byte(strings.Join(kept, "\n")+"\n"), 0o644))
	assert.ErrorContains(t, run(t.Context(), &out, []string{"-data", one}), "need at least two waves")
}

// TestBenchLinesCountTestsWithoutAnswers blanks one behavior of a team in
// the first wave: the team is still shown in both waves, so the workload
// counts its test of that behavior, with p = 1, in the BH family.
func TestBenchLinesCountTestsWithoutAnswers(t *testing.T) {
	dir := t.TempDir()
	rs := writeData(t, dir)
	path := filepath.Join(dir, "responses.csv")
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
	blanked := 0
	for i, line := range lines[1:] {
		f := strings.Split(line, ",")
		if f[1] == "t01" && f[2] == "1" {
			f[7], f[8], f[9] = "", "", "" // q04..q06: the second behavior
			lines[i+1] = strings.Join(f, ",")
			blanked++
		}
	}
	require.GreaterOrEqual(t, blanked, 5, "t01 must be shown in the first wave")
	require.NoError(t, os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644))
	for i := range rs {
		if rs[i].team == "t01" && rs[i].wave == 1 {
			rs[i].keyed[1] = [3]int{}
		}
	}
	want1, want2, _ := expectedLines(rs)
	assert.True(t, strings.HasSuffix(want1, " of 9"), "the family keeps t01's blank behavior: %s", want1)

	assertBenchLines(t, dir, want1, want2)
}

// TestStorePathsMatchTheCSVPath: imported into memory or SQLite and
// scored with Program.Scorecard, the data give exactly the scorecard and
// the result lines of the scorecard computed straight from the file;
// importing the file again into the same store changes nothing.
func TestStorePathsMatchTheCSVPath(t *testing.T) {
	dir := t.TempDir()
	writeData(t, dir)
	var want bytes.Buffer
	require.NoError(t, run(t.Context(), &want, []string{"-data", dir, "-bench", "-all"}))
	for _, st := range []string{"memory", "sqlite:" + filepath.Join(dir, "cx.db")} {
		name, _, _ := strings.Cut(st, ":")
		t.Run(name, func(t *testing.T) {
			for range 2 {
				var got bytes.Buffer
				require.NoError(t, run(t.Context(), &got, []string{"-data", dir, "-bench", "-all", "-store", st}))
				assert.Equal(t, want.String(), got.String())
			}
		})
	}
}

// TestBenchLinesCountSmallDivisions: a division whose only team has two
// respondents in a wave is a group of the data too small to show, as its
// team is: the workload counts both as suppressed (the division's
// respondents come only from below it).
func TestBenchLinesCountSmallDivisions(t *testing.T) {
	dir := t.TempDir()
	rs := writeData(t, dir)
	units := filepath.Join(dir, "units.csv")
	raw, err := os.ReadFile(units)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(units, append(raw, "div2,org,Division 2\nt20,div2,Team t20\n"...), 0o644))
	path := filepath.Join(dir, "responses.csv")
	raw, err = os.ReadFile(path)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
	var extra []string
	for i, line := range lines[1:] {
		f := strings.Split(line, ",")
		if f[1] == "t00" && f[2] == "1" && len(extra) < 2 {
			// The same answers, from another person of t20.
			f[0], f[1] = fmt.Sprintf("x%05d", i), "t20"
			extra = append(extra, strings.Join(f, ","))
		}
	}
	require.Len(t, extra, 2)
	lines = append(lines, extra...)
	require.NoError(t, os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644))
	added := 0
	for _, r := range slices.Clone(rs) {
		if r.team == "t00" && r.wave == 1 && added < 2 {
			r.team, r.div = "t20", "div2"
			rs = append(rs, r)
			added++
		}
	}
	want1, want2, _ := expectedLines(rs)
	require.True(t, strings.HasPrefix(want1, "groups_suppressed=6 "), "t20 and div2 in wave 1 are suppressed too: %s", want1)
	assertBenchLines(t, dir, want1, want2)
}

// assertBenchLines runs the example with -bench on dir and checks that
// its last two lines are want1 and want2.
func assertBenchLines(t *testing.T, dir, want1, want2 string) {
	t.Helper()
	var out bytes.Buffer
	require.NoError(t, run(t.Context(), &out, []string{"-data", dir, "-bench"}))
	got := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	require.GreaterOrEqual(t, len(got), 2)
	assert.Equal(t, want1, got[len(got)-2])
	assert.Equal(t, want2, got[len(got)-1])
}
