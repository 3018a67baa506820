package survey

import (
	"fmt"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Segment declares an attribute of respondents that a survey's results
// are cut by, such as tenure band, location, role or shift. Responses
// carry their value under Key in Response.Segments; a CSV file, unless
// CSVOptions.Segments says otherwise, in the column named Key; a JSON
// Lines file in its "segments" object. Once a survey declares segments,
// a response may carry only declared keys, and, for a segment that lists
// its Values, only those values.
type Segment struct {
	// Key is the attribute's name, an ID such as "tenure".
	Key string `json:"key"`
	// Name is the attribute as reports name it ("Tenure"); Key when
	// empty.
	Name string `json:"name,omitempty"`
	// Values are the values the attribute takes, in the order reports
	// show them ("0-2y", "2-5y", "5y+"); empty for free values.
	Values []string `json:"values,omitempty"`
}

// Clone returns a copy of sg that shares no slice with it.
func (sg Segment) Clone() Segment {
	if sg.Values != nil {
		sg.Values = slices.Clone(sg.Values)
	}
	return sg
}

// Label returns the segment's name, or its key.
func (sg Segment) Label() string {
	if sg.Name != "" {
		return sg.Name
	}
	return sg.Key
}

// Segment returns the declared segment with the given key.
func (s Survey) Segment(key string) (Segment, bool) {
	for _, sg := range s.Segments {
		if sg.Key == key {
			return sg.Clone(), true
		}
	}
	return Segment{}, false
}

// Equal reports whether sg and o declare the same segment.
func (sg Segment) Equal(o Segment) bool {
	return sg.Key == o.Key && sg.Name == o.Name && slices.Equal(sg.Values, o.Values)
}

func checkSegments(ps *problems, segs []Segment) {
	seen := map[string]bool{}
	for i, sg := range segs {
		f := "segments[" + strconv.Itoa(i) + "]"
		switch {
		case !ValidID(sg.Key):
			ps.add(f+".key", fmt.Sprintf("malformed segment key %q", sg.Key))
		case seen[sg.Key]:
			ps.add(f+".key", "duplicate segment "+sg.Key)
		}
		seen[sg.Key] = true
		if !utf8.ValidString(sg.Name) {
			ps.add(f+".name", "not valid UTF-8 text")
		}
		vals := map[string]bool{}
		for j, v := range sg.Values {
			ff := f + ".values[" + strconv.Itoa(j) + "]"
			switch {
			case v == "":
				ps.add(ff, "empty value")
			case vals[v]:
				ps.add(ff, fmt.Sprintf("value %q listed twice", v))
			}
			if reason, ok := TextProblem(v); !ok {
				ps.add(ff, reason)
			}
			vals[v] = true
		}
	}
}

// checkDeclared adds a problem for each segment of a response that s
// does not declare, or whose value is not one of the declared values.
func checkDeclared(ps *problems, f string, s Survey, segs map[string]string) {
	if len(s.Segments) == 0 {
		return
	}
	for _, k := range sortedKeys(segs) {
		sg, ok := s.Segment(k)
		switch {
		case !ok:
			ps.add(f+"segments."+k, fmt.Sprintf("segment %q is not declared by survey %q", k, s.ID))
		case len(sg.Values) > 0 && !slices.Contains(sg.Values, segs[k]):
			ps.add(f+"segments."+k, fmt.Sprintf("value %q is not one of the values of segment %s (%v)", segs[k], k, sg.Values))
		}
	}
}
