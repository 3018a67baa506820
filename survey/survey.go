package survey

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// ItemKind says what an item measures. Culture changes when behaviors
// change, not only beliefs, so the two are measured apart.
type ItemKind int

const (
	// Belief items ask what people think ("Our customers' needs come first
	// here").
	Belief ItemKind = iota + 1
	// Behavior items ask what people see being done ("In the last month my
	// team changed a process because of customer feedback").
	Behavior
	// Outcome items measure a result: eNPS, a customer's satisfaction,
	// trust, effort.
	Outcome
)

// String returns "belief", "behavior" or "outcome".
func (k ItemKind) String() string {
	switch k {
	case Belief:
		return "belief"
	case Behavior:
		return "behavior"
	case Outcome:
		return "outcome"
	}
	return "ItemKind(" + strconv.Itoa(int(k)) + ")"
}

// Audience says who answers a survey.
type Audience int

const (
	// Employee surveys are answered by the organization's people.
	Employee Audience = iota + 1
	// Customer surveys are answered by the people it serves.
	Customer
)

// String returns "employee" or "customer".
func (a Audience) String() string {
	switch a {
	case Employee:
		return "employee"
	case Customer:
		return "customer"
	}
	return "Audience(" + strconv.Itoa(int(a)) + ")"
}

// Item is one question.
type Item struct {
	// ID is the stable identifier answers refer to, such as "q01" or
	// "a11.trust".
	ID   string `json:"id"`
	Text string `json:"text"`
	// Scale is the answer scale.
	Scale Scale `json:"scale"`
	// Reverse marks a negatively worded item: an answer v counts as
	// Scale.Reverse(v) in every score.
	Reverse bool `json:"reverse,omitempty"`
	// Construct is what the item measures: a behavior ID of the culture
	// model (such as "customer_focus") or a CX driver or outcome (such as
	// "trust", "enps").
	Construct string   `json:"construct,omitempty"`
	Kind      ItemKind `json:"kind"`
	// Version is the wording version; a change of wording or scale bumps
	// it, and results are only compared across identical versions.
	Version int `json:"version"`
	// Required items must be answered in every response.
	Required bool `json:"required,omitempty"`
	// Labels name the scale's points from Min to Max as the respondent
	// reads them (such as "Strongly Disagree" ... "Strongly Agree"); nil
	// when the points are unlabelled.
	Labels []string `json:"labels,omitempty"`
	// Alternatives are other wordings of the question that its standard
	// allows in place of Text (such as the alternative trust statement
	// of OMB Circular A-11 Section 280).
	Alternatives []string `json:"alternatives,omitempty"`
	// Option, for one option of a multiple-choice question, is the
	// option's value: the item is on the [Binary] scale (1 chosen, 0 not
	// chosen when the question was shown) and the items of one question
	// share its Text.
	Option string `json:"option,omitempty"`
}

// TextItem is a free-text question: its answers are words, kept in
// [Response.Texts] under its ID, never scored.
type TextItem struct {
	// ID is the stable identifier text answers refer to; unique among
	// the survey's items and text items.
	ID   string `json:"id"`
	Text string `json:"text"`
	// Construct, when set, is the behavior or CX driver the answers
	// speak of, so comments can be read per behavior.
	Construct string `json:"construct,omitempty"`
	// After is the ID of the item (or text item) the question follows in
	// the questionnaire; empty places it after every item.
	After string `json:"after,omitempty"`
	// Required text items must be answered in every response.
	Required bool `json:"required,omitempty"`
	// MaxLength bounds an answer's length in characters (0: the default
	// of 10,000).
	MaxLength int `json:"max_length,omitempty"`
}

// DefaultMaxTextLength is the longest text answer accepted when a text
// item sets no MaxLength.
const DefaultMaxTextLength = 10000

// Label returns the label of scale point v, or "" when it has none.
func (it Item) Label(v int) string {
	i := v - it.Scale.Min
	if i < 0 || i >= len(it.Labels) {
		return ""
	}
	return it.Labels[i]
}

// Keyed returns the answer v as it counts in scores: reversed for a
// reverse-keyed item.
func (it Item) Keyed(v int) int {
	if it.Reverse {
		return it.Scale.Reverse(v)
	}
	return v
}

// Comparable reports whether results of it and other may be compared over
// time: the same ID, wording (version and text), scale and keying. The
// text is compared too, so that an item reworded without a new version
// (stored around the program's checks) is still not compared with its
// old wording.
func (it Item) Comparable(other Item) bool {
	return it.ID == other.ID && it.Version == other.Version && it.Text == other.Text && it.Scale == other.Scale && it.Reverse == other.Reverse
}

// Survey is an instrument: a versioned list of items for one audience.
type Survey struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Audience Audience `json:"audience"`
	Version  int      `json:"version"`
	Items    []Item   `json:"items"`
	// TextItems are the free-text questions, answered in Response.Texts.
	TextItems []TextItem `json:"text_items,omitempty"`
	// Segments declare the attributes of respondents (tenure band,
	// location, role, shift...) that results are cut by; responses carry
	// them in Response.Segments. See [Segment].
	Segments []Segment `json:"segments,omitempty"`
}

// TextItem returns the free-text question with the given ID.
func (s Survey) TextItem(id string) (TextItem, bool) {
	for _, t := range s.TextItems {
		if t.ID == id {
			return t, true
		}
	}
	return TextItem{}, false
}

// Fill returns s with every placeholder of its texts replaced: each key
// of values (such as "[Program/Service name]") is replaced by its value in
// the items' and text items' wordings, alternatives and labels. Filling
// names the service; it does not change the question, so versions are
// kept.
func (s Survey) Fill(values map[string]string) Survey {
	s = s.Clone()
	var pairs []string
	for _, k := range sortedKeys(values) {
		pairs = append(pairs, k, values[k])
	}
	r := strings.NewReplacer(pairs...)
	for i := range s.Items {
		it := &s.Items[i]
		it.Text = r.Replace(it.Text)
		for j := range it.Alternatives {
			it.Alternatives[j] = r.Replace(it.Alternatives[j])
		}
		for j := range it.Labels {
			it.Labels[j] = r.Replace(it.Labels[j])
		}
	}
	for i := range s.TextItems {
		s.TextItems[i].Text = r.Replace(s.TextItems[i].Text)
	}
	return s
}

// Item returns the item with the given ID.
func (s Survey) Item(id string) (Item, bool) {
	for _, it := range s.Items {
		if it.ID == id {
			return it, true
		}
	}
	return Item{}, false
}

// ItemsFor returns the items whose construct is c, in survey order.
func (s Survey) ItemsFor(c string) []Item {
	var out []Item
	for _, it := range s.Items {
		if it.Construct == c {
			out = append(out, it)
		}
	}
	return out
}

// Constructs returns the distinct constructs of the items, in the order
// they first appear.
func (s Survey) Constructs() []string {
	var out []string
	seen := map[string]bool{}
	for _, it := range s.Items {
		if it.Construct != "" && !seen[it.Construct] {
			seen[it.Construct] = true
			out = append(out, it.Construct)
		}
	}
	return out
}

// Equal reports whether it and o are the same item, field by field.
func (it Item) Equal(o Item) bool {
	return it.ID == o.ID && it.Text == o.Text && it.Scale == o.Scale && it.Reverse == o.Reverse && it.Construct == o.Construct &&
		it.Kind == o.Kind && it.Version == o.Version && it.Required == o.Required && it.Option == o.Option &&
		slices.Equal(it.Labels, o.Labels) && slices.Equal(it.Alternatives, o.Alternatives)
}

// Equal reports whether s and o hold the same survey: the same fields,
// items and text items (nil and empty lists are equal).
func (s Survey) Equal(o Survey) bool {
	return s.ID == o.ID && s.Name == o.Name && s.Audience == o.Audience && s.Version == o.Version &&
		slices.EqualFunc(s.Items, o.Items, Item.Equal) && slices.Equal(s.TextItems, o.TextItems) &&
		slices.EqualFunc(s.Segments, o.Segments, Segment.Equal)
}

// Clone returns a deep copy of s.
func (s Survey) Clone() Survey {
	if s.Items != nil {
		s.Items = append([]Item(nil), s.Items...)
		for i := range s.Items {
			s.Items[i].Labels = slices.Clone(s.Items[i].Labels)
			s.Items[i].Alternatives = slices.Clone(s.Items[i].Alternatives)
		}
	}
	s.TextItems = slices.Clone(s.TextItems)
	if s.Segments != nil {
		segs := make([]Segment, len(s.Segments))
		for i, sg := range s.Segments {
			segs[i] = sg.Clone()
		}
		s.Segments = segs
	}
	return s
}

// Validate reports every problem with s: malformed or duplicate IDs,
// missing text, invalid scales, unknown kinds or audiences.
func (s Survey) Validate() error {
	var ps problems
	if !ValidID(s.ID) {
		ps.add("id", fmt.Sprintf("malformed survey ID %q", s.ID))
	}
	if s.Name == "" {
		ps.add("name", "required")
	}
	if s.Audience != Employee && s.Audience != Customer {
		ps.add("audience", "must be Employee or Customer")
	}
	if s.Version < 1 {
		ps.add("version", "must be 1 or more")
	}
	if len(s.Items) == 0 {
		ps.add("items", "a survey needs at least one item")
	}
	seen := make(map[string]bool, len(s.Items))
	for i, it := range s.Items {
		f := "items[" + strconv.Itoa(i) + "]"
		switch {
		case !ValidID(it.ID):
			ps.add(f+".id", fmt.Sprintf("malformed item ID %q", it.ID))
		case seen[it.ID]:
			ps.add(f+".id", "duplicate item "+it.ID)
		}
		seen[it.ID] = true
		if it.Text == "" {
			ps.add(f+".text", "required")
		}
		it.Scale.check(&ps, f+".scale")
		if it.Construct != "" && !ValidID(it.Construct) {
			ps.add(f+".construct", fmt.Sprintf("malformed construct %q", it.Construct))
		}
		if it.Kind < Belief || it.Kind > Outcome {
			ps.add(f+".kind", "must be Belief, Behavior or Outcome")
		}
		if it.Version < 1 {
			ps.add(f+".version", "must be 1 or more")
		}
		if len(it.Labels) > 0 && len(it.Labels) != it.Scale.Points() {
			ps.add(f+".labels", fmt.Sprintf("%d labels for a scale of %d points", len(it.Labels), it.Scale.Points()))
		}
		for j, a := range it.Alternatives {
			if strings.TrimSpace(a) == "" {
				ps.add(f+".alternatives["+strconv.Itoa(j)+"]", "empty wording")
			}
		}
		if it.Option != "" && (it.Scale.Min != 0 || it.Scale.Max != 1) {
			ps.add(f+".option", "an option of a multiple-choice question is on a 0-1 scale (1 chosen)")
		}
	}
	for i, t := range s.TextItems {
		f := "text_items[" + strconv.Itoa(i) + "]"
		switch {
		case !ValidID(t.ID):
			ps.add(f+".id", fmt.Sprintf("malformed item ID %q", t.ID))
		case seen[t.ID]:
			ps.add(f+".id", "duplicate item "+t.ID)
		}
		seen[t.ID] = true
		if strings.TrimSpace(t.Text) == "" {
			ps.add(f+".text", "required")
		}
		if t.Construct != "" && !ValidID(t.Construct) {
			ps.add(f+".construct", fmt.Sprintf("malformed construct %q", t.Construct))
		}
		if t.MaxLength < 0 {
			ps.add(f+".max_length", "must not be negative")
		}
	}
	for i, t := range s.TextItems {
		if t.After != "" && !seen[t.After] {
			ps.add("text_items["+strconv.Itoa(i)+"].after", fmt.Sprintf("unknown item %q", t.After))
		}
	}
	checkSegments(&ps, s.Segments)
	return ps.err()
}
