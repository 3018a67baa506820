package survey

import (
	"fmt"
	"strconv"
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
// time: the same ID, wording version, scale and keying.
func (it Item) Comparable(other Item) bool {
	return it.ID == other.ID && it.Version == other.Version && it.Scale == other.Scale && it.Reverse == other.Reverse
}

// Survey is an instrument: a versioned list of items for one audience.
type Survey struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Audience Audience `json:"audience"`
	Version  int      `json:"version"`
	Items    []Item   `json:"items"`
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

// Clone returns a deep copy of s.
func (s Survey) Clone() Survey {
	if s.Items != nil {
		s.Items = append([]Item(nil), s.Items...)
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
	}
	return ps.err()
}
