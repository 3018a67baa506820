package storetest

import (
	"fmt"
	"reflect"
	"strings"
	"time"
)

var timeType = reflect.TypeFor[time.Time]()

// diff returns "" if got is exactly want, or a description of the first
// difference and where it is ("[2].Answers[q1]: want 4, got 5"). Exactly
// means: nil and empty slices and maps differ, pointers are compared by
// what they point to, and times must be the same instant in the same
// location (a UTC time must come back in UTC).
func diff(want, got any) string {
	return diffValue("", reflect.ValueOf(want), reflect.ValueOf(got))
}

func diffValue(path string, w, g reflect.Value) string {
	at := path
	if at == "" {
		at = "value"
	}
	if !w.IsValid() || !g.IsValid() {
		if w.IsValid() != g.IsValid() {
			return fmt.Sprintf("%s: want %v, got %v", at, w, g)
		}
		return ""
	}
	if w.Type() != g.Type() {
		return fmt.Sprintf("%s: want type %s, got %s", at, w.Type(), g.Type())
	}
	if w.Type() == timeType {
		wt, gt := w.Interface().(time.Time), g.Interface().(time.Time)
		switch {
		case !wt.Equal(gt):
			return fmt.Sprintf("%s: want time %s, got %s", at, wt.Format(time.RFC3339Nano), gt.Format(time.RFC3339Nano))
		case wt.Location().String() != gt.Location().String():
			return fmt.Sprintf("%s: want the time in location %s, got %s (stores return times in UTC)", at, wt.Location(), gt.Location())
		}
		return ""
	}
	switch w.Kind() {
	case reflect.Pointer:
		if w.IsNil() || g.IsNil() {
			if w.IsNil() != g.IsNil() {
				return fmt.Sprintf("%s: want %s, got %s", at, nilOr(w), nilOr(g))
			}
			return ""
		}
		return diffValue(path, w.Elem(), g.Elem())
	case reflect.Struct:
		for i := range w.NumField() {
			f := w.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			if d := diffValue(join(path, f.Name), w.Field(i), g.Field(i)); d != "" {
				return d
			}
		}
		return ""
	case reflect.Slice:
		if w.IsNil() != g.IsNil() {
			return fmt.Sprintf("%s: want %s, got %s (a nil slice must come back nil, a non-empty one as given)", at, nilOrLen(w), nilOrLen(g))
		}
		if w.Len() != g.Len() {
			return fmt.Sprintf("%s: want %d elements, got %d", at, w.Len(), g.Len())
		}
		for i := range w.Len() {
			if d := diffValue(fmt.Sprintf("%s[%d]", path, i), w.Index(i), g.Index(i)); d != "" {
				return d
			}
		}
		return ""
	case reflect.Array:
		for i := range w.Len() {
			if d := diffValue(fmt.Sprintf("%s[%d]", path, i), w.Index(i), g.Index(i)); d != "" {
				return fmt.Sprintf("%s: want %v, got %v", at, w, g)
			}
		}
		return ""
	case reflect.Map:
		if w.IsNil() != g.IsNil() {
			return fmt.Sprintf("%s: want %s, got %s (a nil map must come back nil, a non-empty one as given)", at, nilOrLen(w), nilOrLen(g))
		}
		if w.Len() != g.Len() {
			return fmt.Sprintf("%s: want %d entries %v, got %d %v", at, w.Len(), w, g.Len(), g)
		}
		iter := w.MapRange()
		for iter.Next() {
			k := iter.Key()
			gv := g.MapIndex(k)
			if !gv.IsValid() {
				return fmt.Sprintf("%s: key %v missing", at, k)
			}
			if d := diffValue(fmt.Sprintf("%s[%v]", path, k), iter.Value(), gv); d != "" {
				return d
			}
		}
		return ""
	case reflect.Interface:
		return diffValue(path, w.Elem(), g.Elem())
	}
	if !w.Equal(g) {
		return fmt.Sprintf("%s: want %#v, got %#v", at, w, g)
	}
	return ""
}

func join(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

func nilOr(v reflect.Value) string {
	if v.IsNil() {
		return "nil"
	}
	return fmt.Sprintf("%v", v.Elem())
}

func nilOrLen(v reflect.Value) string {
	if v.IsNil() {
		return "nil"
	}
	if v.Len() == 0 {
		return "empty (not nil)"
	}
	return fmt.Sprintf("%d elements", v.Len())
}

// fmtFilter formats a filter struct showing only its set fields, with
// times in RFC 3339: "Survey:pulse Since:2025-03-03T09:30:16.123457Z".
func fmtFilter(f any) string {
	v := reflect.ValueOf(f)
	var parts []string
	for i := range v.NumField() {
		fv := v.Field(i)
		if fv.IsZero() {
			continue
		}
		val := fmt.Sprint(fv.Interface())
		if t, ok := fv.Interface().(time.Time); ok {
			val = t.Format(time.RFC3339Nano)
		}
		parts = append(parts, v.Type().Field(i).Name+":"+val)
	}
	if len(parts) == 0 {
		return "{}"
	}
	return strings.Join(parts, " ")
}
