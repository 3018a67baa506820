package cx

import (
	"bytes"
	"encoding"
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// The result types of this package mark undefined numbers (a share of no
// answers, an interval of one) as NaN, which encoding/json refuses. Each
// result type that holds numbers has a MarshalJSON that writes it as
// encoding/json would, with every undefined number (NaN, ±Inf) at any
// depth written as null, as cx/report does. encoding/json offers no hook
// for a float64 field short of changing its type, which would change the
// API; hence this encoder, which defers to encoding/json for everything
// but floats and the containers that may hold them.

// marshalNull returns the JSON encoding of v with undefined numbers as
// null. v's own MarshalJSON, if any, is not called (it is the caller).
func marshalNull(v any) ([]byte, error) {
	var b bytes.Buffer
	if err := encodeNull(&b, reflect.ValueOf(v), true); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// encodeNull writes v; top says v is the value whose MarshalJSON is
// running, whose own methods are not to be called again.
func encodeNull(b *bytes.Buffer, v reflect.Value, top bool) error {
	if !v.IsValid() {
		b.WriteString("null")
		return nil
	}
	t := v.Type()
	if !top && (t.Implements(marshalerType) || t.Implements(textMarshalerType)) {
		if (t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface) && v.IsNil() {
			b.WriteString("null")
			return nil
		}
		return leaf(b, v)
	}
	switch t.Kind() {
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			b.WriteString("null")
			return nil
		}
		return leaf(b, v)
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			b.WriteString("null")
			return nil
		}
		return encodeNull(b, v.Elem(), false)
	case reflect.Struct:
		return encodeStruct(b, v)
	case reflect.Slice:
		if v.IsNil() {
			b.WriteString("null")
			return nil
		}
		if t.Elem().Kind() == reflect.Uint8 {
			return leaf(b, v) // base64, as encoding/json writes bytes
		}
		fallthrough
	case reflect.Array:
		b.WriteByte('[')
		for i := range v.Len() {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := encodeNull(b, v.Index(i), false); err != nil {
				return err
			}
		}
		b.WriteByte(']')
		return nil
	case reflect.Map:
		return encodeMap(b, v)
	}
	return leaf(b, v)
}

// leaf writes v with encoding/json.
func leaf(b *bytes.Buffer, v reflect.Value) error {
	out, err := json.Marshal(v.Interface())
	if err != nil {
		return err
	}
	b.Write(out)
	return nil
}

// encodeMap writes a map with its keys as encoding/json writes them,
// sorted.
func encodeMap(b *bytes.Buffer, v reflect.Value) error {
	if v.IsNil() {
		b.WriteString("null")
		return nil
	}
	type entry struct {
		key string
		val reflect.Value
	}
	entries := make([]entry, 0, v.Len())
	for it := v.MapRange(); it.Next(); {
		k := it.Key()
		var key string
		switch {
		case k.Kind() == reflect.String:
			key = k.String()
		case k.Type().Implements(textMarshalerType):
			text, err := k.Interface().(encoding.TextMarshaler).MarshalText()
			if err != nil {
				return err
			}
			key = string(text)
		case k.CanInt():
			key = strconv.FormatInt(k.Int(), 10)
		case k.CanUint():
			key = strconv.FormatUint(k.Uint(), 10)
		default:
			return leaf(b, v) // encoding/json's own error
		}
		entries = append(entries, entry{key, it.Value()})
	}
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.key, b.key) })
	b.WriteByte('{')
	for i, e := range entries {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(e.key)
		b.Write(k)
		b.WriteByte(':')
		if err := encodeNull(b, e.val, false); err != nil {
			return err
		}
	}
	b.WriteByte('}')
	return nil
}

// encodeStruct writes the exported fields of a struct under their json
// names, honoring "-", omitempty and omitzero, with the fields of
// untagged embedded structs in line.
func encodeStruct(b *bytes.Buffer, v reflect.Value) error {
	b.WriteByte('{')
	first := true
	if err := structFields(b, v, &first); err != nil {
		return err
	}
	b.WriteByte('}')
	return nil
}

func structFields(b *bytes.Buffer, v reflect.Value, first *bool) error {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		fv := v.Field(i)
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				if fv.IsNil() {
					continue
				}
				ft, fv = ft.Elem(), fv.Elem()
			}
			if ft.Kind() == reflect.Struct {
				if err := structFields(b, fv, first); err != nil {
					return err
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if hasOption(opts, "omitempty") && emptyValue(fv) || hasOption(opts, "omitzero") && fv.IsZero() {
			continue
		}
		if !*first {
			b.WriteByte(',')
		}
		*first = false
		k, _ := json.Marshal(name)
		b.Write(k)
		b.WriteByte(':')
		if err := encodeNull(b, fv, false); err != nil {
			return err
		}
	}
	return nil
}

func hasOption(opts, o string) bool {
	for opts != "" {
		var cur string
		cur, opts, _ = strings.Cut(opts, ",")
		if cur == o {
			return true
		}
	}
	return false
}

// emptyValue is encoding/json's notion of an empty value for omitempty.
func emptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// The MarshalJSON methods of the result types that hold numbers: each
// writes the value as encoding/json would, with undefined numbers as null.

// MarshalJSON writes the Baseline as encoding/json would, with undefined
// numbers (NaN, ±Inf) as null.
func (b Baseline) MarshalJSON() ([]byte, error) { return marshalNull(b) }

// MarshalJSON writes the BehaviorScore as encoding/json would, with undefined
// numbers (NaN, ±Inf) as null.
func (v BehaviorScore) MarshalJSON() ([]byte, error) { return marshalNull(v) }

// MarshalJSON writes the Change as encoding/json would, with undefined
// numbers (NaN, ±Inf) as null.
func (v Change) MarshalJSON() ([]byte, error) { return marshalNull(v) }

// MarshalJSON writes the DetectableChange as encoding/json would, with undefined
// numbers (NaN, ±Inf) as null.
func (v DetectableChange) MarshalJSON() ([]byte, error) { return marshalNull(v) }

// MarshalJSON writes the DriverLink as encoding/json would, with undefined
// numbers (NaN, ±Inf) as null.
func (v DriverLink) MarshalJSON() ([]byte, error) { return marshalNull(v) }

// MarshalJSON writes the Effect as encoding/json would, with undefined
// numbers (NaN, ±Inf) as null.
func (e Effect) MarshalJSON() ([]byte, error) { return marshalNull(e) }

// MarshalJSON writes the Estimate as encoding/json would, with undefined
// numbers (NaN, ±Inf) as null.
func (v Estimate) MarshalJSON() ([]byte, error) { return marshalNull(v) }

// MarshalJSON writes the Gap as encoding/json would, with undefined
// numbers (NaN, ±Inf) as null.
func (v Gap) MarshalJSON() ([]byte, error) { return marshalNull(v) }

// MarshalJSON writes the HeatCell as encoding/json would, with undefined
// numbers (NaN, ±Inf) as null.
func (v HeatCell) MarshalJSON() ([]byte, error) { return marshalNull(v) }

// MarshalJSON writes the Heatmap as encoding/json would, with undefined
// numbers (NaN, ±Inf) as null.
func (v Heatmap) MarshalJSON() ([]byte, error) { return marshalNull(v) }

// MarshalJSON writes the Impact as encoding/json would, with undefined
// numbers (NaN, ±Inf) as null.
func (v Impact) MarshalJSON() ([]byte, error) { return marshalNull(v) }

// MarshalJSON writes the IndicatorPoint as encoding/json would, with undefined
// numbers (NaN, ±Inf) as null.
func (v IndicatorPoint) MarshalJSON() ([]byte, error) { return marshalNull(v) }

// MarshalJSON writes the IndicatorResult as encoding/json would, with undefined
// numbers (NaN, ±Inf) as null.
func (v IndicatorResult) MarshalJSON() ([]byte, error) { return marshalNull(v) }

// MarshalJSON writes the Link as encoding/json would, with undefined
// numbers (NaN, ±Inf) as null.
func (v Link) MarshalJSON() ([]byte, error) { return marshalNull(v) }

// MarshalJSON writes the NPSScore as encoding/json would, with undefined
// numbers (NaN, ±Inf) as null.
func (v NPSScore) MarshalJSON() ([]byte, error) { return marshalNull(v) }

// MarshalJSON writes the Observation as encoding/json would, with undefined
// numbers (NaN, ±Inf) as null.
func (v Observation) MarshalJSON() ([]byte, error) { return marshalNull(v) }

// MarshalJSON writes the Point as encoding/json would, with undefined
// numbers (NaN, ±Inf) as null.
func (pt Point) MarshalJSON() ([]byte, error) { return marshalNull(pt) }

// MarshalJSON writes the Reliability as encoding/json would, with undefined
// numbers (NaN, ±Inf) as null.
func (v Reliability) MarshalJSON() ([]byte, error) { return marshalNull(v) }

// MarshalJSON writes the Scorecard as encoding/json would, with undefined
// numbers (NaN, ±Inf) as null.
func (sc Scorecard) MarshalJSON() ([]byte, error) { return marshalNull(sc) }

// MarshalJSON writes the Sustainment as encoding/json would, with undefined
// numbers (NaN, ±Inf) as null.
func (v Sustainment) MarshalJSON() ([]byte, error) { return marshalNull(v) }

// MarshalJSON writes the TargetCheck as encoding/json would, with undefined
// numbers (NaN, ±Inf) as null.
func (v TargetCheck) MarshalJSON() ([]byte, error) { return marshalNull(v) }

// MarshalJSON writes the Trend as encoding/json would, with undefined
// numbers (NaN, ±Inf) as null.
func (tr Trend) MarshalJSON() ([]byte, error) { return marshalNull(tr) }

// MarshalJSON writes the TrendPoint as encoding/json would, with undefined
// numbers (NaN, ±Inf) as null.
func (tp TrendPoint) MarshalJSON() ([]byte, error) { return marshalNull(tp) }

// MarshalJSON writes the UnitBaseline as encoding/json would, with undefined
// numbers (NaN, ±Inf) as null.
func (v UnitBaseline) MarshalJSON() ([]byte, error) { return marshalNull(v) }

// MarshalJSON writes the UnitEffect as encoding/json would, with undefined
// numbers (NaN, ±Inf) as null.
func (v UnitEffect) MarshalJSON() ([]byte, error) { return marshalNull(v) }

// MarshalJSON writes the UnitScore as encoding/json would, with undefined
// numbers (NaN, ±Inf) as null.
func (v UnitScore) MarshalJSON() ([]byte, error) { return marshalNull(v) }

// MarshalJSON writes the Win as encoding/json would, with undefined
// numbers (NaN, ±Inf) as null.
func (v Win) MarshalJSON() ([]byte, error) { return marshalNull(v) }
