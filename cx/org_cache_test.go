package cx_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
	"github.com/cxculture/cxculture/cx/memstore"
	cxorg "github.com/cxculture/cxculture/cx/org"
	"github.com/cxculture/cxculture/survey"
)

// TestOrgReadAfterStoreChanges: the program keeps the org history it
// last replayed, and reads the changes anew each time: a change recorded
// straight into the store (as another process would) shows at once, and
// so does a unit erased from it; concurrent readers agree.
func TestOrgReadAfterStoreChanges(t *testing.T) {
	ctx := t.Context()
	p, s := newProgram(t)
	require.NoError(t, p.DefineUnits(ctx, orgUnits...))
	first, err := p.Org(ctx)
	require.NoError(t, err)
	again, err := p.Org(ctx)
	require.NoError(t, err)
	assert.Same(t, first, again, "an unchanged history is not replayed again")

	moved := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	_, err = s.RecordOrgChanges(ctx, []cx.OrgChange{{Kind: cxorg.Move, Effective: moved, Unit: cx.Unit{ID: "north", Parent: "ops"}}})
	require.NoError(t, err)
	h, err := p.HierarchyAt(ctx, moved)
	require.NoError(t, err)
	north, _ := h.Unit("north")
	assert.Equal(t, "ops", north.Parent, "a change recorded through the store is seen")

	require.NoError(t, p.DefineUnits(ctx, cx.Unit{ID: "desk", Parent: "ops", Name: "Desk"}))
	h, err = p.Hierarchy(ctx)
	require.NoError(t, err)
	require.True(t, h.Has("desk"))
	// As many changes as the history just read, but not the same ones.
	require.NoError(t, s.DeleteUnit(ctx, "desk"))
	_, err = s.RecordOrgChanges(ctx, []cx.OrgChange{{Kind: cxorg.Add, Unit: cx.Unit{ID: "kiosk", Parent: "ops", Name: "Kiosk"}}})
	require.NoError(t, err)
	h, err = p.Hierarchy(ctx)
	require.NoError(t, err)
	assert.False(t, h.Has("desk"), "a unit erased from the store is gone")
	assert.True(t, h.Has("kiosk"), "a unit recorded in its place is seen")

	var wg sync.WaitGroup
	got := make([]*cx.Hierarchy, 8)
	for i := range got {
		wg.Go(func() {
			h, err := p.Hierarchy(ctx)
			assert.NoError(t, err)
			got[i] = h
		})
	}
	wg.Wait()
	for _, g := range got {
		assert.True(t, g.Equal(h))
	}
}

// BenchmarkProgramOrg reads the org history of a program of 3,031 units
// (30 divisions of 100 teams) with 60 dated moves, as every scorecard,
// cut and view does several times.
func BenchmarkProgramOrg(b *testing.B) {
	ctx := b.Context()
	p := benchOrgProgram(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := p.Org(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// benchOrgProgram returns a program whose org has 3,031 units (30
// divisions of 100 teams) and 60 dated moves (cxgen.BenchOrg).
func benchOrgProgram(b *testing.B) *cx.Program {
	ctx := b.Context()
	p, err := cx.New(memstore.New(), nil)
	require.NoError(b, err)
	adds, moves := cxgen.BenchOrg(60)
	units := make([]cx.Unit, len(adds))
	for i, c := range adds {
		units[i] = c.Unit
	}
	require.NoError(b, p.DefineUnits(ctx, units...))
	require.NoError(b, p.ChangeOrg(ctx, moves...))
	return p
}

// BenchmarkChangeOrg records one dated move in the org of
// BenchmarkProgramOrg, as a reorganization recorded change by change does.
func BenchmarkChangeOrg(b *testing.B) {
	ctx := b.Context()
	p := benchOrgProgram(b)
	day := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	i := 0
	b.ResetTimer()
	for b.Loop() {
		i++
		if err := p.ChangeOrg(ctx, cx.OrgChange{Kind: cxorg.Move, Effective: day.AddDate(0, 0, i),
			Unit: cx.Unit{ID: fmt.Sprintf("d%dt%d", i%30, 50+i/30%50), Parent: fmt.Sprintf("d%d", (i+7)%30)}}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScorecardLargeOrg scores a wave on the org of
// BenchmarkProgramOrg against a baseline before its 60 moves: 5 people
// in each of its 3,000 teams in each wave.
func BenchmarkScorecardLargeOrg(b *testing.B) {
	ctx := b.Context()
	p := benchOrgProgram(b)
	require.NoError(b, p.DefineFramework(ctx, culture.CXBehaviors()))
	require.NoError(b, p.DefineSurvey(ctx, rewordSurvey()))
	var rs []survey.Response
	for wi, opens := range []time.Time{time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)} {
		w := survey.Wave{ID: fmt.Sprintf("w%d", wi+1), Survey: "pulse", Opens: opens, Closes: opens.AddDate(0, 0, 14)}
		require.NoError(b, p.OpenWave(ctx, w))
		for d := range 30 {
			for k := range 100 {
				for i := range 5 {
					rs = append(rs, survey.Response{ID: uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "%s-%d-%d-%d", w.ID, d, k, i)), Survey: "pulse", Wave: w.ID,
						Unit: fmt.Sprintf("d%dt%d", d, k), Submitted: opens.Add(time.Hour), Answers: map[string]int{"cf_belief": 1 + (d+k+i)%5, "cf_practice": 1 + (d*k+i)%5}})
				}
			}
		}
	}
	_, err := p.RecordResponses(ctx, rs)
	require.NoError(b, err)
	b.ResetTimer()
	for b.Loop() {
		if _, err := p.Scorecard(ctx, "pulse", cx.ScorecardOptions{Wave: "w2", Baseline: "w1"}); err != nil {
			b.Fatal(err)
		}
	}
}
