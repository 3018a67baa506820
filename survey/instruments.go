package survey

// Identifiers of the built-in instruments and of the CX drivers and
// outcomes their items measure.
const (
	CulturePulseID = "culture_pulse"
	A11ID          = "a11"
	NPSID          = "nps"
	CSATID         = "csat"
	CESID          = "ces"

	// ENPS is the construct of the employee Net Promoter item.
	ENPS = "enps"

	// The OMB Circular A-11 Section 280 drivers.
	DriverSatisfaction  = "satisfaction"
	DriverTrust         = "trust"
	DriverEffectiveness = "effectiveness"
	DriverEase          = "ease"
	DriverEfficiency    = "efficiency"
	DriverEquity        = "equity_transparency"
	DriverEmployee      = "employee_helpfulness"

	// Constructs of the single-item customer surveys.
	ConstructNPS  = "nps"
	ConstructCSAT = "csat"
	ConstructCES  = "ces"
)

// pulseBehaviors lists the CX behaviors measured by the culture pulse, with
// a belief and a behavior statement each. The IDs match the behaviors of
// culture.CXBehaviors.
var pulseBehaviors = []struct{ id, belief, behavior string }{
	{"customer_focus",
		"In this organization, what matters most is how our work affects customers.",
		"In the last month, my team changed how we work because of what a customer told us."},
	{"agility",
		"We are able to change course quickly when something is not working for customers.",
		"In the last month, my team fixed a customer problem within days of noticing it."},
	{"empowerment",
		"I am trusted to solve a customer's problem without waiting for approval.",
		"In the last month, I resolved a customer issue on my own judgement."},
	{"innovation",
		"Trying a new way to serve customers is encouraged here, even if it might fail.",
		"In the last month, my team tried something new to improve a customer's experience."},
	{"inclusion",
		"Different perspectives and voices are valued when we make decisions.",
		"In the last month, someone with a different view changed a decision my team made."},
}

// CulturePulse returns the built-in employee culture pulse: for each CX
// behavior one belief item ("<behavior>.belief") and one behavior item
// ("<behavior>.behavior") on [Likert5], plus the eNPS item ("enps") on
// [NPS].
func CulturePulse() Survey {
	s := Survey{ID: CulturePulseID, Name: "Culture pulse", Audience: Employee, Version: 1}
	for _, b := range pulseBehaviors {
		s.Items = append(s.Items,
			Item{ID: b.id + ".belief", Text: b.belief, Scale: Likert5, Construct: b.id, Kind: Belief, Version: 1},
			Item{ID: b.id + ".behavior", Text: b.behavior, Scale: Likert5, Construct: b.id, Kind: Behavior, Version: 1},
		)
	}
	s.Items = append(s.Items, Item{ID: ENPS, Text: "How likely are you to recommend this organization as a place to work?",
		Scale: NPS, Construct: ENPS, Kind: Outcome, Version: 1})
	return s
}

// A11 returns the customer survey of OMB Circular A-11 Section 280 (a US
// federal work in the public domain): one statement per driver on a
// 5-point agreement scale. "[the service]" stands for the service's name.
func A11() Survey {
	item := func(id, text, driver string) Item {
		return Item{ID: "a11." + id, Text: text, Scale: Likert5, Construct: driver, Kind: Outcome, Version: 1}
	}
	return Survey{ID: A11ID, Name: "OMB A-11 Section 280 customer experience", Audience: Customer, Version: 1,
		Items: []Item{
			item("satisfaction", "I am satisfied with the service I received from [the service].", DriverSatisfaction),
			item("trust", "This interaction increased my confidence in [the service].", DriverTrust),
			item("effectiveness", "My need was addressed.", DriverEffectiveness),
			item("ease", "It was easy to complete what I needed to do.", DriverEase),
			item("efficiency", "It took a reasonable amount of time to do what I needed to do.", DriverEfficiency),
			item("equity", "I was treated fairly.", DriverEquity),
			item("employee", "Employees I interacted with were helpful.", DriverEmployee),
		}}
}

// NPSSurvey returns the single-item Net Promoter survey on [NPS].
func NPSSurvey() Survey {
	return Survey{ID: NPSID, Name: "Net Promoter", Audience: Customer, Version: 1, Items: []Item{{
		ID: "nps", Text: "How likely are you to recommend us to a friend or colleague?",
		Scale: NPS, Construct: ConstructNPS, Kind: Outcome, Version: 1, Required: true}}}
}

// CSATSurvey returns the single-item customer satisfaction survey on [CSAT].
func CSATSurvey() Survey {
	return Survey{ID: CSATID, Name: "Customer satisfaction", Audience: Customer, Version: 1, Items: []Item{{
		ID: "csat", Text: "How satisfied were you with the service you received?",
		Scale: CSAT, Construct: ConstructCSAT, Kind: Outcome, Version: 1, Required: true}}}
}

// CESSurvey returns the single-item customer effort survey on [CES]
// (agreement with "made it easy").
func CESSurvey() Survey {
	return Survey{ID: CESID, Name: "Customer effort", Audience: Customer, Version: 1, Items: []Item{{
		ID: "ces", Text: "The organization made it easy for me to handle my issue.",
		Scale: CES, Construct: ConstructCES, Kind: Outcome, Version: 1, Required: true}}}
}

// Instruments returns every built-in survey.
func Instruments() []Survey {
	return []Survey{CulturePulse(), A11(), NPSSurvey(), CSATSurvey(), CESSurvey()}
}
