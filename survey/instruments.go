package survey

import (
	"slices"
	"strings"
)

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

// The placeholders of the A-11 statements, word for word; fill them with
// [Survey.Fill], for example:
//
//	survey.A11().Fill(map[string]string{
//		survey.A11ProgramService:       "Passport Renewal",
//		survey.A11AgencyProgramService: "the Passport Office",
//		survey.A11Population:           "travelers",
//	})
const (
	A11ProgramService       = "[Program/Service name]"
	A11AgencyProgramService = "[Agency/Program/Service name]"
	A11Population           = "[relevant population]"
	// A11V2Agency stands for the agency in the A-11 v2 trust statement
	// (Touchpoints' template says "Example Agency").
	A11V2Agency = "[Agency name]"
)

// A11AgreementLabels are the labels of the A-11 5-point scale, from 1
// (strongly disagree) to 5 (strongly agree). GSA Touchpoints' A-11
// template (db/seeds/forms/a11.rb) has the same five options in lower
// case ("strongly disagree" ... "strongly agree"); they are capitalized
// here as labels shown to respondents.
var A11AgreementLabels = []string{"Strongly Disagree", "Disagree", "Neutral", "Agree", "Strongly Agree"}

// A11 returns the customer feedback survey of OMB Circular A-11 Section
// 280 (a US federal work in the public domain), word for word, with its
// placeholders ([A11ProgramService], [A11AgencyProgramService],
// [A11Population]; fill them with [Survey.Fill]). The statements are
// answered on a 5-point Likert scale, 1 (strongly disagree) to 5 (strongly
// agree), labelled [A11AgreementLabels]; the satisfaction and trust
// statements are required ("without modification"); the others follow
// the standard's order, with the two free-text questions as
// [Survey.TextItems]: "Any additional feedback on your scores above?"
// after the trust statement, and "Any additional feedback for
// [Program/Service name]?" last. Where the standard offers other wordings
// (trust: "I trust [Agency/Program/Service name] to fulfill our country’s
// commitment to [relevant population]."; effectiveness: "My issue was
// resolved." and "I found what I was looking for.") they are the item's
// Alternatives; use one by copying it into Text.
//
// Sources: the question list of the Paperwork Reduction Act supporting
// statement for "Customer Experience Feedback Survey in Support of OMB
// Circular A-11 Section 280" generated by GSA Touchpoints
// (github.com/GSA/touchpoints, app/models/pra_form.rb, PraForm.part_a,
// "5 point Likert scale: I am satisfied with the service I received from
// [Program/Service name]." ...), and the A-11 form template of the same
// repository (db/seeds/forms/a11.rb: the option labels "strongly
// disagree" ... "strongly agree" valued 1 to 5, questions 1 and 2
// required, two free-text questions).
func A11() Survey {
	item := func(id, text, driver string, required bool, alternatives ...string) Item {
		return Item{ID: "a11." + id, Text: text, Scale: Likert5, Construct: driver, Kind: Outcome, Version: 1, Required: required,
			Labels: slices.Clone(A11AgreementLabels), Alternatives: alternatives}
	}
	return Survey{ID: A11ID, Name: "OMB A-11 Section 280 customer experience", Audience: Customer, Version: 1,
		Items: []Item{
			item("satisfaction", "I am satisfied with the service I received from [Program/Service name].", DriverSatisfaction, true),
			item("trust", "This interaction increased my confidence in [Program/Service name].", DriverTrust, true,
				"I trust [Agency/Program/Service name] to fulfill our country’s commitment to [relevant population]."),
			item("effectiveness", "My need was addressed.", DriverEffectiveness, false, "My issue was resolved.", "I found what I was looking for."),
			item("ease", "It was easy to complete what I needed to do.", DriverEase, false),
			item("efficiency", "It took a reasonable amount of time to do what I needed to do.", DriverEfficiency, false),
			item("equity", "I was treated fairly.", DriverEquity, false),
			item("employee", "Employees I interacted with were helpful.", DriverEmployee, false),
		},
		TextItems: []TextItem{
			{ID: "a11.scores_feedback", Text: "Any additional feedback on your scores above?", After: "a11.trust"},
			{ID: "a11.feedback", Text: "Any additional feedback for [Program/Service name]?"},
		}}
}

// A11V2ID is the ID of the newer A-11 survey ([A11V2]).
const A11V2ID = "a11_v2"

// A11V2Options are the driver options of the two follow-up questions of
// the newer A-11 survey, as GSA Touchpoints codes them; its validator
// requires effectiveness and ease.
var A11V2Options = []string{"effectiveness", "ease", "efficiency", "transparency", "humanity", "employee", "other"}

// a11v2Constructs maps the A-11 v2 options to the constructs of the A-11
// drivers where they have one.
var a11v2Constructs = map[string]string{"effectiveness": DriverEffectiveness, "ease": DriverEase, "efficiency": DriverEfficiency,
	"transparency": DriverEquity, "humanity": "humanity", "employee": DriverEmployee, "other": "other"}

// A11V2 returns the newer A-11 customer survey (the "A-11 v2" form of GSA
// Touchpoints, used for the quarterly reporting of high-impact service
// providers): a required thumbs up/down trust question on [Binary] (1
// thumbs up, 0 thumbs down; construct trust), then "What went well?" when
// the thumbs are up or "What didn't go so well?" when they are down, each
// a multiple-choice question whose options are the drivers of
// [A11V2Options] (one Binary item per option, Option set, 1 when chosen
// and 0 when not, unanswered when the question was not shown; IDs
// "a11_v2.went_well.OPTION" and "a11_v2.not_well.OPTION"), and the
// free-text question "Additional Comments". The trust statement keeps the
// template's wording with [A11V2Agency] in place of its example agency.
//
// Source: github.com/GSA/touchpoints, db/seeds/forms/a11_v2.rb (question
// texts, the big thumbs up/down trust question required, the two checkbox
// questions, "Additional Comments"), app/models/form.rb
// (ensure_a11_v2_format: options effectiveness and ease required;
// to_a11_v2_csv: the option codes). The template shows the options by
// their codes; the labels here are the codes capitalized.
func A11V2() Survey {
	s := Survey{ID: A11V2ID, Name: "OMB A-11 Section 280 customer experience (v2)", Audience: Customer, Version: 1}
	s.Items = append(s.Items, Item{ID: "a11_v2.trust",
		Text:  "Based on my experience [Agency name]'s Service, I trust [Agency name] to deliver on their mission for the American public.",
		Scale: Binary, Construct: DriverTrust, Kind: Outcome, Version: 1, Required: true, Labels: []string{"Thumbs down", "Thumbs up"}})
	for _, q := range []struct{ id, text string }{{"went_well", "What went well?"}, {"not_well", "What didn't go so well?"}} {
		for _, o := range A11V2Options {
			s.Items = append(s.Items, Item{ID: "a11_v2." + q.id + "." + o, Text: q.text, Scale: Binary, Construct: a11v2Constructs[o],
				Kind: Outcome, Version: 1, Option: o, Labels: []string{"Not chosen", strings.ToUpper(o[:1]) + o[1:]}})
		}
	}
	s.TextItems = []TextItem{{ID: "a11_v2.comments", Text: "Additional Comments"}}
	return s
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
	return []Survey{CulturePulse(), A11(), A11V2(), NPSSurvey(), CSATSurvey(), CESSurvey()}
}
