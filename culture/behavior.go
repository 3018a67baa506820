package culture

import "strconv"

// Behavior is one element of the desired culture, such as customer focus:
// something people do that can be observed and measured.
type Behavior struct {
	// ID is a stable slug such as "customer_focus"; survey items name it as
	// their construct.
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// Framework is a named set of behaviors, such as the CX behaviors or the
// customer mindset.
type Framework struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Description string     `json:"description,omitempty"`
	Behaviors   []Behavior `json:"behaviors"`
}

// Validate reports every problem with f: a malformed or duplicate ID, a
// missing name, a framework without behaviors.
func (f Framework) Validate() error {
	var ps problems
	if !ValidID(f.ID) {
		ps.add("id", "must be 1-64 letters, digits or _.:- starting with a letter or digit")
	}
	if f.Name == "" {
		ps.add("name", "required")
	}
	if len(f.Behaviors) == 0 {
		ps.add("behaviors", "a framework needs at least one behavior")
	}
	seen := make(map[string]bool, len(f.Behaviors))
	for i, b := range f.Behaviors {
		field := "behaviors[" + strconv.Itoa(i) + "]"
		switch {
		case !ValidID(b.ID):
			ps.add(field+".id", "must be 1-64 letters, digits or _.:- starting with a letter or digit")
		case seen[b.ID]:
			ps.add(field+".id", "duplicate behavior "+b.ID)
		}
		seen[b.ID] = true
		if b.Name == "" {
			ps.add(field+".name", "required")
		}
	}
	return ps.err()
}

// Clone returns a deep copy of f.
func (f Framework) Clone() Framework {
	f.Behaviors = append([]Behavior(nil), f.Behaviors...)
	return f
}

// Behavior returns the behavior of f with the given ID.
func (f Framework) Behavior(id string) (Behavior, bool) {
	for _, b := range f.Behaviors {
		if b.ID == id {
			return b, true
		}
	}
	return Behavior{}, false
}

// Identifiers of the behaviors in the built-in frameworks.
const (
	CustomerFocus = "customer_focus"
	Agility       = "agility"
	Empowerment   = "empowerment"
	Innovation    = "innovation"
	Inclusion     = "inclusion"

	Empathy        = "empathy"
	Responsiveness = "responsiveness"
	Ownership      = "ownership"
	Obsession      = "obsession"

	HighStandards     = "high_standards"
	HealthyImpatience = "healthy_impatience"
	SelfCriticism     = "self_criticism"
	Resilience        = "resilience"
)

// CXBehaviors returns the built-in framework of customer-experience
// behaviors: customer focus, agility, empowerment, innovation, and inclusion
// of different perspectives and voices.
func CXBehaviors() Framework {
	return Framework{
		ID:          "cx_behaviors",
		Name:        "CX behaviors",
		Description: "What people do, day to day, in an organization that puts its customers at the centre.",
		Behaviors: []Behavior{
			{CustomerFocus, "Customer focus", "Decisions start from what the customer needs and how a change will feel to them."},
			{Agility, "Agility", "Teams notice what is not working for customers and change course quickly."},
			{Empowerment, "Empowerment", "People closest to the customer are trusted to solve problems without waiting for permission."},
			{Innovation, "Innovation", "People try new ways to serve customers and learn from the attempts that fail."},
			{Inclusion, "Inclusion of different perspectives", "Different voices, inside and outside the team, are sought out and shape the work."},
		},
	}
}

// CustomerMindset returns the built-in framework of customer mindsets:
// empathy, responsiveness, ownership and obsession.
func CustomerMindset() Framework {
	return Framework{
		ID:          "customer_mindset",
		Name:        "Customer mindset",
		Description: "How people think about customers, which shapes what they do.",
		Behaviors: []Behavior{
			{Empathy, "Empathy", "Seeing the situation through the customer's eyes, including their constraints and feelings."},
			{Responsiveness, "Responsiveness", "Treating a customer's need as urgent and closing the loop."},
			{Ownership, "Ownership", "Taking a customer's problem as one's own until it is solved, whoever caused it."},
			{Obsession, "Obsession", "Caring about the details of the customer's experience that others overlook."},
		},
	}
}

// ContinuousImprovement returns the built-in framework of
// continuous-improvement values: high standards, healthy impatience, the
// courage to be self-critical, and resilience.
func ContinuousImprovement() Framework {
	return Framework{
		ID:          "continuous_improvement",
		Name:        "Continuous improvement",
		Description: "The values that keep gains coming after the first ones.",
		Behaviors: []Behavior{
			{HighStandards, "High standards", "Good enough for the customer is the floor, not the goal."},
			{HealthyImpatience, "Healthy impatience", "A bias to act now on what can be improved now."},
			{SelfCriticism, "Courage to be self-critical", "Naming one's own shortfalls openly so they can be fixed."},
			{Resilience, "Resilience", "Keeping at an improvement through setbacks until it holds."},
		},
	}
}

// BuiltinFrameworks returns the three built-in frameworks.
func BuiltinFrameworks() []Framework {
	return []Framework{CXBehaviors(), CustomerMindset(), ContinuousImprovement()}
}
