package cxgen_test

import (
	"math"
	"math/rand"
	"reflect"
	"testing"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
	"github.com/cxculture/cxculture/survey"
)

var units = []string{"u0", "u1", "u2"}

// generators lists every generator with a check that its values are valid.
var generators = []struct {
	name  string
	gen   gopter.Gen
	valid func(v any) error
}{
	{"Units", cxgen.Units(12), func(v any) error { _, err := cx.NewHierarchy(v.([]cx.Unit)); return err }},
	{"Survey", cxgen.Survey(), func(v any) error { return v.(survey.Survey).Validate() }},
	{"Wave", cxgen.Wave("s", units), func(v any) error { return v.(survey.Wave).Validate() }},
	{"Responses", cxgen.Responses(8), func(v any) error {
		b := v.(cxgen.Batch)
		return survey.ValidateResponses(b.World, b.Responses)
	}},
	{"Initiative", cxgen.Initiative(units, []string{culture.Agility}), func(v any) error { return v.(culture.Initiative).Validate() }},
	{"Framework", cxgen.Framework(), func(v any) error { return v.(culture.Framework).Validate() }},
	{"Indicator", cxgen.Indicator(), func(v any) error { return v.(culture.Indicator).Validate() }},
	{"Observation", cxgen.Observation([]string{"csat_weekly"}, units), func(v any) error {
		o := v.(cx.Observation)
		if !survey.ValidID(o.Metric) || math.IsNaN(o.Value) || o.N < 0 || o.Time != survey.NormalizeTime(o.Time) {
			return errInvalid
		}
		return nil
	}},
}

type invalidError struct{}

func (invalidError) Error() string { return "invalid observation" }

var errInvalid = invalidError{}

func TestGeneratorsAreDeterministic(t *testing.T) {
	for _, g := range generators {
		for seed := range int64(20) {
			a, b := cxgen.Sample[any](g.gen, seed), cxgen.Sample[any](g.gen, seed)
			if !reflect.DeepEqual(a, b) {
				t.Errorf("%s: two draws with seed %d differ:\n%+v\n%+v", g.name, seed, a, b)
			}
		}
	}
}

func TestGeneratorsAreValid(t *testing.T) {
	props := cxgen.NewProperties(t, 200)
	for _, g := range generators {
		props.Property(g.name+" generates valid values", prop.ForAll(func(v any) string {
			if err := g.valid(v); err != nil {
				return err.Error()
			}
			return ""
		}, g.gen))
	}
	props.Property("IDOf gives distinct, ordered, well-formed UUIDs", prop.ForAll(func(i int) bool {
		a, b := cxgen.IDOf(i), cxgen.IDOf(i+1)
		return a.String() < b.String() && a.Version() == 4
	}, cxgen.From(func(r *rand.Rand) int { return r.Intn(1 << 20) })))
	props.Run()
}
