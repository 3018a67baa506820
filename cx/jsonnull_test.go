package cx_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/survey"
)

// resultTypes are the exported types of package cx with json tags. A new
// one must be listed here (TestEveryResultTypeIsListed), so that
// TestResultTypesMarshalUndefinedAsNull checks it.
var resultTypes = []reflect.Type{
	reflect.TypeFor[cx.A11Volume](), reflect.TypeFor[cx.Baseline](), reflect.TypeFor[cx.BehaviorScore](),
	reflect.TypeFor[cx.CellRef](), reflect.TypeFor[cx.Change](), reflect.TypeFor[cx.CommentGroup](), reflect.TypeFor[cx.ComparabilityBreak](),
	reflect.TypeFor[cx.DetectableChange](), reflect.TypeFor[cx.DriverLink](), reflect.TypeFor[cx.Effect](),
	reflect.TypeFor[cx.Estimate](), reflect.TypeFor[cx.Exposure](), reflect.TypeFor[cx.Gap](), reflect.TypeFor[cx.HeatCell](),
	reflect.TypeFor[cx.Heatmap](), reflect.TypeFor[cx.HiddenCell](), reflect.TypeFor[cx.Impact](),
	reflect.TypeFor[cx.ImportResult](), reflect.TypeFor[cx.IndicatorPoint](), reflect.TypeFor[cx.IndicatorResult](),
	reflect.TypeFor[cx.Link](), reflect.TypeFor[cx.Metric](), reflect.TypeFor[cx.NPSScore](),
	reflect.TypeFor[cx.Observation](), reflect.TypeFor[cx.ParticipationCounts](), reflect.TypeFor[cx.Pitfall](),
	reflect.TypeFor[cx.Point](), reflect.TypeFor[cx.Privacy](), reflect.TypeFor[cx.RecognitionCount](),
	reflect.TypeFor[cx.Reliability](), reflect.TypeFor[cx.ReplacedResponse](), reflect.TypeFor[cx.Scorecard](),
	reflect.TypeFor[cx.SegmentCut](), reflect.TypeFor[cx.SegmentRow](), reflect.TypeFor[cx.LeaderView](), reflect.TypeFor[cx.BehaviorGap](),
	reflect.TypeFor[cx.UnitGap](), reflect.TypeFor[cx.PairedChange](), reflect.TypeFor[cx.PairedUnit](), reflect.TypeFor[cx.PairedBehavior](),
	reflect.TypeFor[cx.Sustainment](), reflect.TypeFor[cx.TargetCheck](), reflect.TypeFor[cx.TouchpointsCount](), reflect.TypeFor[cx.Trend](),
	reflect.TypeFor[cx.TrendPoint](), reflect.TypeFor[cx.TrendSignal](), reflect.TypeFor[cx.UnitBaseline](),
	reflect.TypeFor[cx.UnitEffect](), reflect.TypeFor[cx.UnitScore](), reflect.TypeFor[cx.Win](),
}

// jsonTypes returns the names of the exported struct types with json tags
// declared in the package's files.
func jsonTypes(t *testing.T) []string {
	t.Helper()
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	require.NoError(t, err)
	var out []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, e.Name(), nil, 0)
		require.NoError(t, err)
		ast.Inspect(f, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok || !ts.Name.IsExported() {
				return true
			}
			if st, ok := ts.Type.(*ast.StructType); ok {
				for _, fl := range st.Fields.List {
					if fl.Tag != nil && strings.Contains(fl.Tag.Value, `json:"`) {
						out = append(out, ts.Name.Name)
						break
					}
				}
			}
			return true
		})
	}
	slices.Sort(out)
	return out
}

func TestEveryResultTypeIsListed(t *testing.T) {
	var listed []string
	for _, rt := range resultTypes {
		listed = append(listed, rt.Name())
	}
	slices.Sort(listed)
	assert.Equal(t, jsonTypes(t), listed, "list every exported type with json tags in resultTypes")
}

// fill sets every number reachable from v to x, other scalars to a
// non-zero value, and gives slices and maps one element.
func fill(v reflect.Value, x float64, depth int) {
	if depth > 6 || !v.CanSet() {
		return
	}
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		v.SetFloat(x)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(1)
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(p.Elem(), x, depth+1)
		v.Set(p)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(s.Index(0), x, depth+1)
		v.Set(s)
	case reflect.Array:
		for i := range v.Len() {
			fill(v.Index(i), x, depth+1)
		}
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k := reflect.New(v.Type().Key()).Elem()
		fill(k, x, depth+1)
		e := reflect.New(v.Type().Elem()).Elem()
		fill(e, x, depth+1)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)))
			return
		}
		for i := range v.NumField() {
			fill(v.Field(i), x, depth+1)
		}
	}
}

// TestResultTypesMarshalUndefinedAsNull marshals every result type with
// every number undefined (NaN, then +Inf): json.Marshal must succeed and
// write null; with finite numbers, the JSON reads back into an equal
// value.
func TestResultTypesMarshalUndefinedAsNull(t *testing.T) {
	for _, rt := range resultTypes {
		t.Run(rt.Name(), func(t *testing.T) {
			for _, x := range []float64{math.NaN(), math.Inf(1)} {
				v := reflect.New(rt)
				fill(v.Elem(), x, 0)
				b, err := json.Marshal(v.Interface())
				require.NoError(t, err, "json.Marshal with undefined numbers")
				require.True(t, json.Valid(b))
				if hasFloat(rt, 0) {
					assert.Contains(t, string(b), "null", "undefined numbers are written as null: %s", b)
				}
			}
			v := reflect.New(rt)
			fill(v.Elem(), 0.25, 0)
			b, err := json.Marshal(v.Interface())
			require.NoError(t, err)
			back := reflect.New(rt)
			if json.Unmarshal(b, back.Interface()) != nil {
				return // a type that does not read back (a kind written as text)
			}
			again, err := json.Marshal(back.Interface())
			require.NoError(t, err)
			assert.JSONEq(t, string(b), string(again), "finite values survive a round trip")
		})
	}
}

// hasFloat reports whether a number can be reached from t.
func hasFloat(t reflect.Type, depth int) bool {
	if depth > 6 {
		return false
	}
	switch t.Kind() {
	case reflect.Float32, reflect.Float64:
		return true
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return hasFloat(t.Elem(), depth+1)
	case reflect.Map:
		return hasFloat(t.Key(), depth+1) || hasFloat(t.Elem(), depth+1)
	case reflect.Struct:
		for i := range t.NumField() {
			if t.Field(i).IsExported() && hasFloat(t.Field(i).Type, depth+1) {
				return true
			}
		}
	}
	return false
}

// A scorecard whose groups have no answers or one answer to a behavior
// marshals, with its undefined figures as null.
func TestScorecardMarshalsWithEmptyAndOneAnswerGroups(t *testing.T) {
	ctx := t.Context()
	p := importProgramOn(t, memstore.New())
	at := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)
	rs := []survey.Response{
		{Survey: "pulse", Wave: "w1", Unit: "team_a", Submitted: at, Answers: map[string]int{"enps": 9}},
		{Survey: "pulse", Wave: "w1", Unit: "team_b", Submitted: at, Answers: map[string]int{"q1": 4, "enps": 3}},
	}
	_, err := p.RecordResponses(ctx, rs)
	require.NoError(t, err)
	sc, err := p.Scorecard(ctx, "pulse", cx.ScorecardOptions{Wave: "w1", MinGroup: 1, Privacy: &cx.Privacy{MinScores: 1}})
	if err != nil {
		sc, err = p.Scorecard(ctx, "pulse", cx.ScorecardOptions{Wave: "w1", MinGroup: 1, UnitMinimumOnly: true})
	}
	require.NoError(t, err)
	b, err := json.Marshal(sc)
	require.NoError(t, err, "json.Marshal(*cx.Scorecard)")
	require.True(t, json.Valid(b))
	assert.Contains(t, string(b), "null")
	hm := sc.Heatmap()
	_, err = json.Marshal(hm)
	require.NoError(t, err)
}
