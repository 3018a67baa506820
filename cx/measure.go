package cx

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/survey"
)

// MeasureKind says how a measure is estimated and charted.
type MeasureKind int

const (
	// ShareMeasure is a proportion: a favorable share of answers, or an
	// operational metric that is a share of cases (such as the share of
	// calls resolved at first contact). It has a binomial (Wilson)
	// interval, is charted on a p′-chart and changes in percentage points.
	ShareMeasure MeasureKind = iota + 1
	// MeanMeasure is a mean (a mean answer, a Net Promoter Score, an
	// operational metric such as processing days), charted on an XmR
	// chart.
	MeanMeasure
	// DifferenceMeasure is a difference of two shares (the belief-practice
	// gap), in percentage points, charted on an XmR chart.
	DifferenceMeasure
)

// String returns "share", "mean" or "difference".
func (k MeasureKind) String() string {
	switch k {
	case ShareMeasure:
		return "share"
	case MeanMeasure:
		return "mean"
	case DifferenceMeasure:
		return "difference"
	}
	return "MeasureKind(" + strconv.Itoa(int(k)) + ")"
}

// MarshalText encodes the kind as its name.
func (k MeasureKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Measure keys name what is measured, as in culture.OutcomeTarget.Metric:
//
//	behavior:X  favorable share pooled over the belief and behavior items
//	            of behavior X (as the scorecard scores it)
//	belief:X    favorable share of the belief items of X (what people think)
//	practice:X  favorable share of the behavior items of X (what people see done)
//	gap:X       belief:X minus practice:X, a difference of shares
//	mean:X      mean answer over the items of construct X
//	outcome:X   favorable share of the outcome items of construct X (such
//	            as an A-11 driver)
//	nps:X       Net Promoter Score of the 0-10 items of construct X, in points
//	item:ID     favorable share of one survey item
//	enps        employee Net Promoter Score, in points (nps:enps)
//	SURVEY/M    measure M of the customer survey SURVEY (a panel of
//	            [Panel.Customer]); besides the forms above, M may be a bare
//	            construct of that survey: its Net Promoter Score for items on
//	            the 0-10 scale, else the favorable share of its items, so
//	            "a11/trust" is the share who agree with the A-11 trust
//	            statement and "nps/nps" the customers' Net Promoter Score
//	            (see [CustomerMeasure])
//	anything else: an operational metric fed as observations, a share when
//	            [Panel.Metrics] says so or when every observation of it is a
//	            value in [0,1] with its number of cases, a mean otherwise
const (
	BehaviorPrefix = "behavior:"
	BeliefPrefix   = "belief:"
	PracticePrefix = "practice:"
	GapPrefix      = "gap:"
	MeanPrefix     = "mean:"
	OutcomePrefix  = "outcome:"
	NPSPrefix      = "nps:"
	ItemPrefix     = "item:"
	ENPSMeasure    = "enps"
)

// BehaviorMeasure returns the measure key of a behavior's favorability.
func BehaviorMeasure(behavior string) string { return BehaviorPrefix + behavior }

// CustomerMeasure returns the key of measure m of the customer survey
// surveyID, such as CustomerMeasure("a11", "trust") for the share of
// customers who agree with the A-11 trust statement, or
// CustomerMeasure("nps", "nps") for the customers' Net Promoter Score.
func CustomerMeasure(surveyID, m string) string { return surveyID + "/" + m }

// ValidMeasure reports whether key is a well-formed measure key (see the
// measure key constants): an ID, or a survey ID and an ID joined by "/".
func ValidMeasure(key string) bool {
	_, err := parseMeasure(key)
	return err == nil
}

// Metric describes an operational metric fed as [Observation]s, for the
// analytics and the texts leaders read.
type Metric struct {
	// Key is the metric key of its observations.
	Key string `json:"key"`
	// Name is how texts name it, such as "first-contact resolution".
	Name string `json:"name,omitempty"`
	// Kind is ShareMeasure for a proportion of cases (each observation's
	// Value in [0,1] and N its number of cases), MeanMeasure otherwise;
	// zero infers it: a share when every observation of the metric has
	// cases and a value in [0,1].
	Kind MeasureKind `json:"kind,omitempty"`
}

// measureSpec is a parsed measure key.
type measureSpec struct {
	key  string
	kind MeasureKind
	// source is "survey" or "observations".
	source string
	// items selects the survey items of the measure in an instrument;
	// for a gap, the belief items, and other the behavior items.
	items, other func(s survey.Survey) []survey.Item
	nps          bool
	mean         bool
	gap          bool
	// construct is a bare construct of a customer survey, resolved by
	// [Panel.measure] to a share or a Net Promoter Score.
	construct string
	// survey and inner are the customer survey and its measure of a
	// SURVEY/M key; sub is the customer panel, set by [Panel.measure].
	survey string
	inner  *measureSpec
	sub    *Panel
}

func itemsOf(c string, kinds ...survey.ItemKind) func(s survey.Survey) []survey.Item {
	return func(s survey.Survey) []survey.Item {
		var out []survey.Item
		for _, it := range s.Items {
			if it.Construct == c && (len(kinds) == 0 || slices.Contains(kinds, it.Kind)) {
				out = append(out, it)
			}
		}
		return out
	}
}

func parseMeasure(key string) (measureSpec, error) {
	if sv, inner, ok := strings.Cut(key, "/"); ok {
		if !survey.ValidID(sv) || strings.Contains(inner, "/") {
			return measureSpec{key: key}, invalid("measure", fmt.Sprintf("malformed measure %q: want SURVEY/MEASURE with a survey ID before the \"/\"", key))
		}
		in, err := parseMeasure(inner)
		if err != nil {
			return measureSpec{key: key}, invalid("measure", fmt.Sprintf("malformed measure %q: %s", key, strings.TrimPrefix(err.Error(), "cx: invalid: measure: ")))
		}
		if in.source == "observations" {
			in = measureSpec{key: inner, kind: ShareMeasure, source: "survey", construct: inner}
		}
		return measureSpec{key: key, kind: in.kind, source: "survey", survey: sv, inner: &in}, nil
	}
	m := measureSpec{key: key, kind: ShareMeasure, source: "survey"}
	rest := func(prefix string) string { return strings.TrimPrefix(key, prefix) }
	switch {
	case strings.HasPrefix(key, BehaviorPrefix):
		m.items = itemsOf(rest(BehaviorPrefix), survey.Belief, survey.Behavior)
	case strings.HasPrefix(key, BeliefPrefix):
		m.items = itemsOf(rest(BeliefPrefix), survey.Belief)
	case strings.HasPrefix(key, PracticePrefix):
		m.items = itemsOf(rest(PracticePrefix), survey.Behavior)
	case strings.HasPrefix(key, GapPrefix):
		m.items, m.other = itemsOf(rest(GapPrefix), survey.Belief), itemsOf(rest(GapPrefix), survey.Behavior)
		m.kind, m.gap = DifferenceMeasure, true
	case strings.HasPrefix(key, MeanPrefix):
		m.items = itemsOf(rest(MeanPrefix))
		m.kind, m.mean = MeanMeasure, true
	case strings.HasPrefix(key, OutcomePrefix):
		m.items = itemsOf(rest(OutcomePrefix), survey.Outcome)
	case strings.HasPrefix(key, NPSPrefix):
		m.items = itemsOf(rest(NPSPrefix))
		m.kind, m.nps = MeanMeasure, true
	case strings.HasPrefix(key, ItemPrefix):
		id := rest(ItemPrefix)
		m.items = func(s survey.Survey) []survey.Item {
			if it, ok := s.Item(id); ok {
				return []survey.Item{it}
			}
			return nil
		}
	case key == ENPSMeasure:
		m.items = func(s survey.Survey) []survey.Item { return s.ItemsFor(survey.ENPS) }
		m.kind, m.nps = MeanMeasure, true
	default:
		m.kind, m.source = MeanMeasure, "observations"
	}
	if i := strings.IndexByte(key, ':'); i >= 0 && m.source == "survey" && !survey.ValidID(key[i+1:]) {
		return m, invalid("measure", fmt.Sprintf("malformed measure %q: the part after %q must be an ID", key, key[:i+1]))
	}
	if m.source == "observations" && !survey.ValidID(key) {
		return m, invalid("measure", fmt.Sprintf("malformed measure %q: not a metric key nor one of behavior:, belief:, practice:, gap:, mean:, outcome:, nps:, item:, enps, SURVEY/MEASURE", key))
	}
	return m, nil
}

// measure parses a measure key and resolves it against the prepared
// panel: a customer survey's measure to its panel, a bare construct of a
// customer survey to a share or a Net Promoter Score, an operational
// metric to a share or a mean. It fails with a [*ValidationError] for a
// malformed key or an unknown customer survey.
func (p *Panel) measure(key string) (measureSpec, error) {
	m, err := parseMeasure(key)
	if err != nil {
		return m, err
	}
	switch {
	case m.inner != nil:
		sub, ok := p.customers[m.survey]
		if !ok {
			if m.survey == p.Survey.ID {
				return p.measure(m.inner.key)
			}
			return m, invalid("measure", fmt.Sprintf("measure %q: no customer survey %q in the panel (panel.customer)", key, m.survey))
		}
		var in measureSpec
		if m.inner.construct != "" {
			in = sub.constructMeasure(m.inner.key)
		} else if in, err = sub.measure(m.inner.key); err != nil {
			return m, err
		}
		m.inner, m.sub, m.kind = &in, sub, in.kind
	case m.source == "observations":
		m.kind = p.metricKind(key)
	}
	return m, nil
}

// constructMeasure is the conventional score of a construct of the
// panel's survey: its Net Promoter Score when its items are on the 0-10
// scale, else the favorable share of its items.
func (p *Panel) constructMeasure(c string) measureSpec {
	m := measureSpec{key: c, kind: ShareMeasure, source: "survey", items: itemsOf(c)}
	items := m.items(p.Survey)
	if len(items) > 0 && items[0].Scale.Min == 0 && items[0].Scale.Max == 10 {
		m.kind, m.nps = MeanMeasure, true
	}
	return m
}

// metricKind is the kind of an operational metric: as declared in
// Metrics, else a share when every observation of it has cases and a
// value in [0,1].
func (p *Panel) metricKind(key string) MeasureKind {
	for _, mt := range p.Metrics {
		if mt.Key == key && mt.Kind != 0 {
			return mt.Kind
		}
	}
	share, any := true, false
	for _, o := range p.Observations {
		if o.Metric != key {
			continue
		}
		any = true
		if o.N <= 0 || o.Value < 0 || o.Value > 1 {
			share = false
		}
	}
	if any && share {
		return ShareMeasure
	}
	return MeanMeasure
}

// behaviorName returns the name of a behavior for texts: its name in
// Panel.Behaviors, else its ID with spaces for underscores.
func (p *Panel) behaviorName(id string) string {
	for _, b := range p.Behaviors {
		if b.ID == id && b.Name != "" {
			return b.Name
		}
	}
	return humanize(id)
}

// constructNames are how texts name the constructs of the built-in
// customer instruments.
var constructNames = map[string]string{
	survey.DriverSatisfaction:  "satisfaction",
	survey.DriverTrust:         "trust",
	survey.DriverEffectiveness: "effectiveness",
	survey.DriverEase:          "ease",
	survey.DriverEfficiency:    "efficiency",
	survey.DriverEquity:        "equity and transparency",
	survey.DriverEmployee:      "employee helpfulness",
	survey.ConstructCSAT:       "customer satisfaction (CSAT)",
	survey.ConstructCES:        "customer effort (CES)",
	survey.ConstructNPS:        "Net Promoter Score",
	survey.ENPS:                "employee Net Promoter Score",
}

// Label returns the name texts give a measure of the panel: "Customer
// focus" for behavior:customer_focus, "trust (A-11 survey)" for a11/trust,
// the metric's name for an operational metric. Unknown parts are named
// from their IDs.
func (p *Panel) Label(key string) string {
	m, err := parseMeasure(key)
	if err != nil {
		return key
	}
	if m.inner != nil {
		name := humanize(m.survey)
		var sub *Panel
		for _, c := range p.Customer {
			if c != nil && c.Survey.ID == m.survey {
				sub = c
				if c.Survey.Name != "" {
					name = c.Survey.Name
				}
			}
		}
		if sub == nil {
			sub = &Panel{Behaviors: p.Behaviors}
		}
		inner := sub.Label(m.inner.key)
		if m.inner.construct != "" {
			inner = constructName(m.inner.key)
		}
		// A survey named for what it measures ("Net Promoter" for the
		// Net Promoter Score) is not named twice; a name's own
		// parenthesis ("(v2)") is not nested in the label's.
		if strings.Contains(strings.ToLower(inner), strings.ToLower(name)) || strings.Contains(strings.ToLower(name), strings.ToLower(inner)) {
			return inner
		}
		if open := strings.LastIndex(name, " ("); open > 0 && strings.HasSuffix(name, ")") {
			name = name[:open] + ", " + name[open+2:len(name)-1]
		}
		return inner + " (" + name + ")"
	}
	rest := func(prefix string) string { return strings.TrimPrefix(key, prefix) }
	switch {
	case strings.HasPrefix(key, BehaviorPrefix):
		return p.behaviorName(rest(BehaviorPrefix))
	case strings.HasPrefix(key, BeliefPrefix):
		return "belief in " + lowerFirst(p.behaviorName(rest(BeliefPrefix)))
	case strings.HasPrefix(key, PracticePrefix):
		return lowerFirst(p.behaviorName(rest(PracticePrefix))) + " in practice"
	case strings.HasPrefix(key, GapPrefix):
		return "gap between belief in and practice of " + lowerFirst(p.behaviorName(rest(GapPrefix)))
	case strings.HasPrefix(key, MeanPrefix):
		return "average answer on " + lowerFirst(p.behaviorName(rest(MeanPrefix)))
	case strings.HasPrefix(key, OutcomePrefix):
		return constructName(rest(OutcomePrefix))
	case strings.HasPrefix(key, NPSPrefix):
		return constructName(rest(NPSPrefix))
	case strings.HasPrefix(key, ItemPrefix):
		id := rest(ItemPrefix)
		if it, ok := p.Survey.Item(id); ok {
			if it.Kind == survey.Outcome && it.Construct != "" {
				return constructName(it.Construct)
			}
			if it.Text != "" {
				return "“" + it.Text + "”"
			}
		}
		return humanize(id)
	case key == ENPSMeasure:
		return constructNames[survey.ENPS]
	}
	for _, mt := range p.Metrics {
		if mt.Key == key && mt.Name != "" {
			return mt.Name
		}
	}
	if b, ok := strings.CutPrefix(key, recognitionPrefix); ok {
		return "recognitions of " + lowerFirst(p.behaviorName(b))
	}
	return constructName(key)
}

func constructName(c string) string {
	if n, ok := constructNames[c]; ok {
		return n
	}
	return humanize(c)
}

// humanize turns an ID into words: "customer_focus" → "customer focus".
func humanize(id string) string { return strings.NewReplacer("_", " ", ".", " ").Replace(id) }

// lowerFirst puts a name in lower case for the middle of a sentence:
// "Customer focus" → "customer focus". A name with another capitalized
// word outside parentheses ("Net Promoter Score") or an acronym ("OMB
// A-11") is a proper name and stays as it is.
func lowerFirst(s string) string {
	if s == "" || strings.ToUpper(s[:1]) != s[:1] || (len(s) > 1 && strings.ToUpper(s[1:2]) == s[1:2] && s[1:2] != " ") {
		return s
	}
	depth := 0
	for i, w := range strings.Fields(s) {
		if i > 0 && depth == 0 && w[0] >= 'A' && w[0] <= 'Z' {
			return s
		}
		depth += strings.Count(w, "(") - strings.Count(w, ")")
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// directionOf returns the direction of improvement of a measure for an
// initiative: that of its outcome target on the measure, else higher.
func directionOf(in culture.Initiative, key string) culture.Direction {
	for _, o := range in.Outcomes {
		if o.Metric == key {
			return o.Direction
		}
	}
	return culture.HigherIsBetter
}

// waveName names a wave for people: its name, else the date it opened,
// else its ID.
func (p *Panel) waveName(id string) string {
	for _, w := range p.Waves {
		if w.ID == id {
			if w.Name != "" {
				return w.Name
			}
			return "the survey of " + dateText(w.Opens)
		}
	}
	return id
}

// pointName names a point of a series for people: its wave's name, else
// the date the wave opened, else the date of the observation.
func (p *Panel) pointName(pt Point) string {
	if pt.Wave == "" {
		return dateText(pt.Time)
	}
	for _, w := range p.Waves {
		if w.ID == pt.Wave && w.Name != "" {
			return w.Name
		}
	}
	if !pt.Time.IsZero() {
		return dateText(pt.Time)
	}
	return "survey " + pt.Wave
}
