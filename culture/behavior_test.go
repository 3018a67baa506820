package culture_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/culture"
)

func TestBuiltinFrameworks(t *testing.T) {
	want := map[string][]string{
		"cx_behaviors":           {culture.CustomerFocus, culture.Agility, culture.Empowerment, culture.Innovation, culture.Inclusion},
		"customer_mindset":       {culture.Empathy, culture.Responsiveness, culture.Ownership, culture.Obsession},
		"continuous_improvement": {culture.HighStandards, culture.HealthyImpatience, culture.SelfCriticism, culture.Resilience},
	}
	seen := map[string]string{}
	fs := culture.BuiltinFrameworks()
	require.Len(t, fs, 3)
	for _, f := range fs {
		require.NoError(t, f.Validate(), f.ID)
		var ids []string
		for _, b := range f.Behaviors {
			ids = append(ids, b.ID)
			assert.NotEmpty(t, b.Description, "%s/%s has no description", f.ID, b.ID)
			if other, dup := seen[b.ID]; dup {
				t.Errorf("behavior %s is in both %s and %s", b.ID, other, f.ID)
			}
			seen[b.ID] = f.ID
		}
		assert.Equal(t, want[f.ID], ids, f.ID)
	}
	b, ok := culture.CXBehaviors().Behavior(culture.Inclusion)
	assert.True(t, ok)
	assert.Equal(t, "Inclusion of different perspectives", b.Name)
	_, ok = culture.CXBehaviors().Behavior(culture.Empathy)
	assert.False(t, ok)
	assert.Equal(t, culture.CXBehaviors(), culture.BuiltinFrameworks()[0], "each call returns the same framework")
}

func TestFrameworkValidate(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*culture.Framework)
		field string
	}{
		{"MalformedID", func(f *culture.Framework) { f.ID = "cx behaviors" }, "id"},
		{"EmptyID", func(f *culture.Framework) { f.ID = "" }, "id"},
		{"NoName", func(f *culture.Framework) { f.Name = "" }, "name"},
		{"NoBehaviors", func(f *culture.Framework) { f.Behaviors = nil }, "behaviors"},
		{"MalformedBehaviorID", func(f *culture.Framework) { f.Behaviors[2].ID = "-x" }, "behaviors[2].id"},
		{"DuplicateBehavior", func(f *culture.Framework) { f.Behaviors[3].ID = f.Behaviors[0].ID }, "behaviors[3].id"},
		{"BehaviorWithoutName", func(f *culture.Framework) { f.Behaviors[1].Name = "" }, "behaviors[1].name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := culture.CXBehaviors()
			tc.edit(&f)
			assert.Contains(t, problemFields(t, f.Validate()), tc.field)
		})
	}
}

func TestFrameworkClone(t *testing.T) {
	f := culture.CXBehaviors()
	c := f.Clone()
	c.Behaviors[0].Name = "changed"
	assert.Equal(t, "Customer focus", f.Behaviors[0].Name)
}

func TestValidID(t *testing.T) {
	for _, ok := range []string{"a", "Z", "0", "customer_focus", "a11.trust", "x:y-z", strings.Repeat("a", 64)} {
		assert.True(t, culture.ValidID(ok), "%q", ok)
	}
	for _, bad := range []string{"", "_a", ".a", "-a", ":a", "a b", "é", "a/b", "a\n", strings.Repeat("a", 65)} {
		assert.False(t, culture.ValidID(bad), "%q", bad)
	}
}

func TestValidIDProperties(t *testing.T) {
	props := newCultureProps(t, 500)
	const first = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	const rest = first + "_.:-"
	genID := gopter.Gen(func(p *gopter.GenParameters) *gopter.GenResult {
		b := []byte{first[p.Rng.Intn(len(first))]}
		for range p.Rng.Intn(64) {
			b = append(b, rest[p.Rng.Intn(len(rest))])
		}
		return gopter.NewGenResult(string(b), gopter.NoShrinker)
	}).WithLabel("id")
	props.Property("IDs of 1-64 letters, digits and _.:- starting with a letter or digit are valid", prop.ForAll(culture.ValidID, genID))
	props.Property("inserting any other byte, or a separator in front, makes an ID invalid", prop.ForAll(
		func(id string, b byte, at int) bool {
			at %= len(id) + 1
			if strings.IndexByte(rest, b) >= 0 {
				if strings.IndexByte(first, b) >= 0 {
					return true
				}
				return !culture.ValidID(string(b) + id)
			}
			return !culture.ValidID(id[:at] + string(b) + id[at:])
		}, genID, gopter.Gen(func(p *gopter.GenParameters) *gopter.GenResult {
			return gopter.NewGenResult(byte(p.Rng.Intn(256)), gopter.NoShrinker)
		}).WithLabel("byte"), gopter.Gen(func(p *gopter.GenParameters) *gopter.GenResult {
			return gopter.NewGenResult(p.Rng.Intn(100), gopter.NoShrinker)
		}).WithLabel("position")))
	props.run()
}

func validIndicator() culture.Indicator {
	target := 0.7
	return culture.Indicator{ID: "cf_behavior", Behavior: culture.CustomerFocus, Name: "Teams act on customer feedback",
		Source: culture.Source{Items: []string{"customer_focus.behavior", "customer_focus.belief"}}, Target: &target}
}

func TestIndicatorValidate(t *testing.T) {
	require.NoError(t, validIndicator().Validate())
	metric := validIndicator()
	metric.Source = culture.Source{Metric: "processing_days"}
	metric.Direction = culture.LowerIsBetter
	*metric.Target = 12
	require.NoError(t, metric.Validate(), "a metric target is in the metric's units")
	cases := []struct {
		name  string
		edit  func(*culture.Indicator)
		field string
	}{
		{"MalformedID", func(in *culture.Indicator) { in.ID = "cf behavior" }, "id"},
		{"NoBehavior", func(in *culture.Indicator) { in.Behavior = "" }, "behavior"},
		{"NoName", func(in *culture.Indicator) { in.Name = "" }, "name"},
		{"NoSource", func(in *culture.Indicator) { in.Source = culture.Source{} }, "source"},
		{"BothSources", func(in *culture.Indicator) { in.Source.Metric = "csat_weekly" }, "source"},
		{"MalformedItem", func(in *culture.Indicator) { in.Source.Items[1] = "q 1" }, "source.items[1]"},
		{"DuplicateItem", func(in *culture.Indicator) { in.Source.Items[1] = in.Source.Items[0] }, "source.items[1]"},
		{"MalformedMetric", func(in *culture.Indicator) { in.Source = culture.Source{Metric: "csat weekly"} }, "source.metric"},
		{"UnknownDirection", func(in *culture.Indicator) { in.Direction = -1 }, "direction"},
		{"NaNTarget", func(in *culture.Indicator) { *in.Target = math.NaN() }, "target"},
		{"InfiniteTarget", func(in *culture.Indicator) { *in.Target = math.Inf(1) }, "target"},
		{"ShareTargetAboveOne", func(in *culture.Indicator) { *in.Target = 70 }, "target"},
		{"ShareTargetBelowZero", func(in *culture.Indicator) { *in.Target = -0.1 }, "target"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := validIndicator()
			tc.edit(&in)
			assert.Contains(t, problemFields(t, in.Validate()), tc.field)
		})
	}
}

func TestIndicatorClone(t *testing.T) {
	in := validIndicator()
	c := in.Clone()
	c.Source.Items[0] = "x"
	*c.Target = 0.1
	assert.Equal(t, "customer_focus.behavior", in.Source.Items[0])
	assert.Equal(t, 0.7, *in.Target)
	assert.True(t, in.HasTarget())
	in.Target = nil
	assert.False(t, in.HasTarget())
	assert.Nil(t, in.Clone().Target)
}

func TestValidationError(t *testing.T) {
	err := error(&culture.ValidationError{Problems: []culture.Problem{{"name", "required"}, {"units[0]", "malformed ID \"a b\""}}})
	assert.Equal(t, `culture: invalid: name: required; units[0]: malformed ID "a b"`, err.Error())
	assert.True(t, errors.Is(err, culture.ErrInvalid))
}
