package cx_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/cx/simulate"
)

func TestProgramPanel(t *testing.T) {
	ctx := t.Context()
	d, err := simulate.Generate(simulate.Config{Seed: 7, Waves: 6, TeamsPerDivision: 3, MinTeamSize: 15, MaxTeamSize: 25,
		Lifts: []simulate.Lift{{Units: []string{"d1"}, From: 3, Behaviors: []string{culture.CustomerFocus}, Size: 0.8}}})
	require.NoError(t, err)
	now := d.Waves[len(d.Waves)-1].Closes.Add(time.Hour)
	p, err := cx.New(memstore.New(), &cx.Options{Now: func() time.Time { return now }})
	require.NoError(t, err)
	require.NoError(t, p.DefineUnits(ctx, d.Units...))
	require.NoError(t, p.DefineFramework(ctx, culture.CXBehaviors()))
	require.NoError(t, p.DefineSurvey(ctx, d.Survey))
	for _, w := range d.Waves {
		require.NoError(t, p.OpenWave(ctx, w))
	}
	_, err = p.RecordResponses(ctx, d.Responses)
	require.NoError(t, err)
	_, err = p.RecordObservations(ctx, []cx.Observation{{Metric: "csat", Unit: "d1-t1", Time: d.Waves[0].Opens, Value: 0.8, N: 50}})
	require.NoError(t, err)

	panel, err := p.Panel(ctx, d.Survey.ID)
	require.NoError(t, err)
	require.Len(t, panel.Waves, 6)
	require.Len(t, panel.Observations, 1)
	in := culture.Initiative{Name: "Lift", Kind: culture.NinetyDay, Owner: "x", Units: []string{"d1"}, Start: d.Waves[3].Opens,
		Behaviors: []string{culture.CustomerFocus}}
	in.ID = [16]byte{1}
	im, err := cx.EstimateImpact(panel, in, cx.ImpactOptions{})
	require.NoError(t, err)
	require.Equal(t, []string{"d2", "d3"}, im.Comparison, "the other divisions")
	require.Greater(t, im.Effects[0].Estimate, 0.1)

	_, err = p.Panel(ctx, "nope")
	require.ErrorIs(t, err, cx.ErrNotFound)
}
