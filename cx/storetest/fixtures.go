package storetest

import (
	"fmt"
	"maps"
	"math"
	"time"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/survey"
)

// The fixtures are deterministic values with every field set in some of
// them and left empty in others, built so that the documented list orders
// are exercised: string IDs whose byte order differs from a dictionary
// collation, and times shared by several values so that ties are broken
// by ID.

// base is the origin of fixture times; its fraction of a second checks
// that microseconds survive a round trip.
var base = time.Date(2025, time.March, 3, 8, 30, 15, 123456000, time.UTC)

// ids are string IDs in an insertion order that differs from byte order
// ("0day" < "Zeta" < "alpha" < "beta" < "beta-2" < "beta.3" < "beta_1"):
// a store that sorts with a case-insensitive or locale collation fails.
var ids = []string{"beta", "Zeta", "beta_1", "alpha", "beta.3", "0day", "beta-2"}

// nFixtures is how many distinct fixtures of each entity there are.
var nFixtures = len(ids)

// uuidOf returns a fixed UUID for a name, derived by hashing (so that the
// byte order of the IDs has nothing to do with the order of i).
func uuidOf(kind string, i int) uuid.UUID {
	return uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "cxculture storetest %s %d", kind, i))
}

// at returns base plus h hours and us microseconds.
func at(h, us int) time.Time {
	return base.Add(time.Duration(h)*time.Hour + time.Duration(us)*time.Microsecond)
}

func frameworkFixture(i int) culture.Framework {
	f := culture.Framework{ID: ids[i], Name: fmt.Sprintf("Framework %d", i)}
	if i%2 == 0 {
		f.Description = "Described\nover two lines."
	}
	for j := range i%3 + 1 {
		b := culture.Behavior{ID: fmt.Sprintf("b%d_%d", i, j), Name: fmt.Sprintf("Behavior %d.%d", i, j)}
		if j%2 == 0 {
			b.Description = "What people do, ünïcode included."
		}
		f.Behaviors = append(f.Behaviors, b)
	}
	return f
}

func frameworkChange(f culture.Framework) culture.Framework {
	f = f.Clone()
	f.Name += " v2"
	f.Description = ""
	f.Behaviors = append(f.Behaviors, culture.Behavior{ID: "added", Name: "Added behavior"})
	f.Behaviors[0].Name = "Renamed behavior"
	return f
}

func frameworkMutate(f *culture.Framework) {
	f.Behaviors[0].Name = "mutated by the caller"
	f.Name = "mutated"
}

func indicatorFixture(i int) culture.Indicator {
	in := culture.Indicator{ID: ids[i], Behavior: fmt.Sprintf("b%d", i), Name: fmt.Sprintf("Indicator %d", i),
		Direction: culture.Direction(i % 2)}
	if i%2 == 0 {
		in.Source.Items = []string{"q1", fmt.Sprintf("q%d", i+2)}
		t := 0.75
		in.Target = &t
	} else {
		in.Source.Metric = "processing_days"
		if i%3 == 0 {
			t := -3.25
			in.Target = &t
		}
	}
	return in
}

func indicatorChange(in culture.Indicator) culture.Indicator {
	in = in.Clone()
	in.Name += " v2"
	in.Direction = 1 - in.Direction
	if in.Target == nil {
		t := 0.5
		in.Target = &t
	} else {
		*in.Target += 0.125
	}
	if in.Source.Items != nil {
		in.Source.Items = append(in.Source.Items, "q9")
	}
	return in
}

func indicatorMutate(in *culture.Indicator) {
	if in.Source.Items != nil {
		in.Source.Items[0] = "mutated"
	}
	if in.Target != nil {
		*in.Target = 99
	}
}

// initiativeStarts gives several initiatives the same start, so that the
// order by Start, then ID is exercised.
var initiativeStarts = []time.Time{at(48, 1), at(0, 0), at(48, 1), at(24, 999999), at(0, 0), at(48, 1), at(24, 7)}

func initiativeFixture(i int) culture.Initiative {
	in := culture.Initiative{
		ID:      uuidOf("initiative", i),
		Name:    fmt.Sprintf("Initiative %d", i),
		Kind:    culture.Kind(1 + i%2),
		Owner:   "Director of service ü",
		Units:   []string{ids[i%3], "team_" + ids[(i+1)%nFixtures]},
		Start:   initiativeStarts[i],
		Status:  culture.Planned,
		Created: at(-24, 5),
	}
	in.End = in.Start.Add(culture.NinetyDays)
	if in.Kind == culture.ChangeProgram {
		in.End = in.Start.Add(400*24*time.Hour + 17*time.Microsecond)
	}
	if i%2 == 0 {
		in.Behaviors = []string{culture.CustomerFocus, culture.Agility}
		in.Outcomes = []culture.OutcomeTarget{
			{Metric: "csat_weekly", Baseline: 0.61, Target: 0.7, Direction: culture.HigherIsBetter},
			{Metric: "processing_days", Baseline: 12, Target: 7.5, Direction: culture.LowerIsBetter},
		}
		in.MissionLink = "Faster answers for the people we serve."
		in.Participants = []string{"Claims team", "Digital team"}
	}
	switch i % 4 {
	case 1:
		in.History = []culture.Transition{{From: culture.Planned, To: culture.Active, At: at(1, 3), Note: "kick-off"}}
		in.Status = culture.Active
	case 2:
		in.History = []culture.Transition{
			{From: culture.Planned, To: culture.Active, At: at(1, 3)},
			{From: culture.Active, To: culture.Completed, At: at(2000, 4), Note: "target met"},
		}
		in.Status = culture.Completed
	case 3:
		in.History = []culture.Transition{{From: culture.Planned, To: culture.Stopped, At: at(3, 0), Note: "dropped"}}
		in.Status = culture.Stopped
	}
	return in
}

func initiativeChange(in culture.Initiative) culture.Initiative {
	in = in.Clone()
	in.Name += " v2"
	in.Units = append(in.Units, "added_unit")
	in.Outcomes = append(in.Outcomes, culture.OutcomeTarget{Metric: "nps", Baseline: -5, Target: 10})
	in.History = append(in.History, culture.Transition{From: in.Status, To: culture.Stopped, At: at(5000, 1), Note: "changed"})
	in.Status = culture.Stopped
	return in
}

func initiativeMutate(in *culture.Initiative) {
	in.Units[0] = "mutated"
	if in.Behaviors != nil {
		in.Behaviors[0] = "mutated"
	}
	if in.Outcomes != nil {
		in.Outcomes[0].Target = 1e9
	}
	if in.Participants != nil {
		in.Participants[0] = "mutated"
	}
	if in.History != nil {
		in.History[0].Note = "mutated"
	}
}

func surveyFixture(i int) survey.Survey {
	s := survey.Survey{ID: ids[i], Name: fmt.Sprintf("Survey %d", i), Audience: survey.Audience(1 + i%2), Version: 1 + i}
	scales := survey.Scales()
	for j := range i%4 + 1 {
		it := survey.Item{
			ID:       fmt.Sprintf("q%02d", j),
			Text:     fmt.Sprintf("Statement %d, with “quotes” and ünïcode.", j),
			Scale:    scales[(i+j)%len(scales)],
			Reverse:  j == 1,
			Kind:     survey.ItemKind(1 + j%3),
			Version:  1 + j%2,
			Required: j == 0,
		}
		if j%2 == 0 {
			it.Construct = culture.CustomerFocus
		}
		s.Items = append(s.Items, it)
	}
	return s
}

func surveyChange(s survey.Survey) survey.Survey {
	s = s.Clone()
	s.Version++
	s.Items[0].Text = "Reworded statement."
	s.Items[0].Version++
	s.Items = append(s.Items, survey.Item{ID: "added", Text: "Added item", Scale: survey.Binary, Kind: survey.Outcome, Version: 1})
	return s
}

func surveyMutate(s *survey.Survey) {
	s.Items[0].Text = "mutated"
	s.Items[0].Scale.Max = 99
}

var waveOpens = []time.Time{at(100, 5), at(10, 0), at(100, 5), at(50, 0), at(10, 0), at(100, 5), at(75, 1)}

func waveFixture(i int) survey.Wave {
	w := survey.Wave{ID: ids[i], Survey: []string{"pulse", "a11"}[i%2], Opens: waveOpens[i], Closes: waveOpens[i].Add(14*24*time.Hour + time.Microsecond)}
	if i%2 == 0 {
		w.Name = fmt.Sprintf("Wave %d", i)
		w.Invited = map[string]int{"u1": 40 + i, "u2": 0}
	}
	return w
}

func waveChange(w survey.Wave) survey.Wave {
	w = w.Clone()
	w.Closes = w.Closes.Add(24 * time.Hour)
	w.Name = "Extended"
	if w.Invited == nil {
		w.Invited = map[string]int{}
	}
	w.Invited["u3"] = 12
	return w
}

func waveMutate(w *survey.Wave) {
	w.Invited["u1"] = 999
	w.Invited["mutated"] = 1
}

// response returns the i-th response fixture. Responses come in pairs
// submitted at the same time (so ties are broken by ID), over two
// surveys, three waves and four units.
func response(i int) survey.Response {
	r := survey.Response{
		ID:        uuidOf("response", i),
		Survey:    []string{"pulse", "a11"}[i%2],
		Wave:      fmt.Sprintf("w%d", i%3),
		Unit:      fmt.Sprintf("u%d", i%4),
		Submitted: at(i/2, i/2),
		Answers:   map[string]int{"q1": 1 + i%5, "q2": i % 11},
	}
	if i%2 == 0 {
		r.Respondent = fmt.Sprintf("pseudonym-%03d", i)
		r.Answers["q3"] = 0
	}
	if i%3 == 0 {
		r.Comment = "Helpful, but slow.\nSecond line, ünïcode."
	}
	if i%4 == 0 {
		r.Segments = map[string]string{"tenure": "0-2y", "role": "frontline"}
	}
	return r
}

// responses returns the response fixtures from..to-1.
func responses(from, to int) []survey.Response {
	out := make([]survey.Response, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, response(i))
	}
	return out
}

// responseChange returns r with a different answer: a different response
// under the same ID.
func responseChange(r survey.Response) survey.Response {
	r = r.Clone()
	r.Answers = maps.Clone(r.Answers)
	r.Answers["q1"]++
	return r
}

func responseMutate(r *survey.Response) {
	r.Answers["q1"] = 42
	r.Answers["mutated"] = 1
	if r.Segments != nil {
		r.Segments["tenure"] = "mutated"
	}
}

// observation returns the i-th observation fixture, over two metrics,
// three units and shared times.
func observation(i int) cx.Observation {
	o := cx.Observation{
		Metric: []string{"csat_weekly", "processing_days"}[i%2],
		Unit:   fmt.Sprintf("u%d", i%3),
		Time:   at(24*(i/3), i),
		Value:  math.Pi*float64(i) + 1.0/3,
	}
	if i%2 == 0 {
		o.N = int64(100 + i)
	}
	return o
}

func observations(from, to int) []cx.Observation {
	out := make([]cx.Observation, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, observation(i))
	}
	return out
}
