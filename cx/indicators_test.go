package cx_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
)

func TestEvaluateIndicators(t *testing.T) {
	p := trendPanel(t)
	target, days := 0.6, 3.6
	inds := []culture.Indicator{
		{ID: "cf_seen", Behavior: culture.CustomerFocus, Name: "Customer focus seen", Source: culture.Source{Items: []string{"cf_practice"}}, Target: &target},
		{ID: "fast", Behavior: culture.Agility, Name: "Days to resolve", Source: culture.Source{Metric: "days"}, Direction: culture.LowerIsBetter, Target: &days},
		{ID: "em_seen", Behavior: culture.Empowerment, Name: "Empowerment seen", Source: culture.Source{Items: []string{"em_practice"}}},
	}
	rs, err := cx.EvaluateIndicators(p, inds, cx.IndicatorOptions{Units: []string{"t1", "t2", "t6"}})
	require.NoError(t, err)
	require.Len(t, rs, 9)
	t2 := rs[1]
	require.Equal(t, "cf_seen", t2.Indicator)
	require.Equal(t, "t2", t2.Unit)
	require.Equal(t, "items:cf_practice", t2.Measure)
	require.True(t, t2.HasTarget)
	require.Len(t, t2.Points, 8)
	for i, pt := range t2.Points {
		require.Equal(t, i >= 3, pt.Met, "0.5 before w04, 0.7 from w04 against a target of 0.6")
		require.Equal(t, int64(100), pt.N)
	}
	require.Equal(t, 7, t2.Latest)
	require.True(t, t2.Met)
	require.Equal(t, cx.SustainedShift, t2.Trend.Verdict)

	t6 := rs[2]
	require.True(t, t6.Points[1].Suppressed)
	require.False(t, t6.Points[1].Met)
	require.Zero(t, t6.Points[1].Value)
	require.Equal(t, 6, t6.Latest, "w07 is t6's latest shown wave")

	fast := rs[3]
	require.Equal(t, "t1", fast.Unit)
	require.Equal(t, "days", fast.Measure)
	require.Len(t, fast.Points, 7)
	require.False(t, fast.Points[0].Met)
	require.True(t, fast.Points[3].Met, "3.5 days meets a target of at most 3.6")
	require.True(t, fast.Met)
	require.Equal(t, cx.SustainedShift, fast.Trend.Verdict)
	require.Empty(t, rs[4].Points, "t2 has no observations")
	require.Equal(t, -1, rs[4].Latest)

	none := rs[6]
	require.False(t, none.HasTarget)
	require.False(t, none.Met)
	_, err = json.Marshal(rs)
	require.NoError(t, err)

	_, err = cx.EvaluateIndicators(p, []culture.Indicator{{ID: "x", Behavior: "agility", Name: "X", Source: culture.Source{Items: []string{"nope"}}}, {}},
		cx.IndicatorOptions{Units: []string{"ghost"}})
	var ve *cx.ValidationError
	require.ErrorAs(t, err, &ve)
	fields := map[string]bool{}
	for _, pr := range ve.Problems {
		fields[pr.Field] = true
	}
	require.True(t, fields["indicators[0].source.items[0]"])
	require.True(t, fields["indicators[1].id"])
	require.True(t, fields["units[0]"])
}
