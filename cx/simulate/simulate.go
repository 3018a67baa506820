package simulate

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/survey"
)

// PulseID is the ID of the survey returned by [Pulse].
const PulseID = "cx_pulse"

// reverseItems are the negatively worded statements of [Pulse], one per
// CX behavior.
var reverseItems = []struct{ behavior, text string }{
	{culture.CustomerFocus, "Internal targets often matter more here than what customers experience."},
	{culture.Agility, "Fixing a customer problem here takes weeks of sign-off."},
	{culture.Empowerment, "I need a manager's approval before I can help a customer in an unusual situation."},
	{culture.Innovation, "People here avoid trying new things for fear of being blamed if they fail."},
	{culture.Inclusion, "Decisions here are made by the same few people, whoever else has a view."},
}

// Pulse returns the default employee pulse of the simulator: the items of
// [survey.CulturePulse] (a belief and a behavior statement for each of
// the five CX behaviors of [culture.CXBehaviors], and the eNPS item), plus
// a reverse-keyed statement per behavior ("<behavior>.reverse"), so three
// items per behavior on [survey.Likert5] and eNPS on [survey.NPS].
func Pulse() survey.Survey {
	base := survey.CulturePulse()
	s := survey.Survey{ID: PulseID, Name: "CX culture pulse", Audience: survey.Employee, Version: 1}
	for _, r := range reverseItems {
		s.Items = append(s.Items, base.ItemsFor(r.behavior)...)
		s.Items = append(s.Items, survey.Item{ID: r.behavior + ".reverse", Text: r.text, Scale: survey.Likert5,
			Reverse: true, Construct: r.behavior, Kind: survey.Belief, Version: 1})
	}
	s.Items = append(s.Items, base.ItemsFor(survey.ENPS)...)
	return s
}

// Lift is the effect of an initiative on the latent culture level: from
// wave From on, the teams at or below Units answer the items of
// Behaviors as if their level were Size higher.
type Lift struct {
	// Units are unit IDs; the lift applies to every team at or below
	// them.
	Units []string
	// From is the index (from 0) of the first wave that shows the lift.
	From int
	// Behaviors are the constructs lifted; empty lifts every construct
	// except eNPS.
	Behaviors []string
	// Size is the lift on the latent scale, where 1 is about one answer
	// point on a 5-point scale: 0.3 moves a unit's mean by about 0.3 and
	// its favorable share by about 10 points from a neutral start.
	Size float64
	// Ramp is the number of waves over which the lift grows to Size
	// linearly (0: fully from wave From).
	Ramp int
	// Until, when above From, is the index of the first wave after the
	// initiative ended. From then on the lift fades linearly over Fade
	// waves (0: at once) to Keep times its size: Keep 1 for a change
	// embedded in the culture, 0 for gains lost because the effort
	// stopped too soon. Until 0 means the initiative never ends.
	Until int
	Fade  int
	Keep  float64
}

// LiftFor returns the lift of an initiative on a schedule of waves: in
// its units and behaviors, from the first wave opening at or after its
// start, of the given size, and, when it has an end, ending with the
// first wave opening at or after its end with the gain kept (Keep 1; set
// Keep and Fade for gains that fade).
func LiftFor(in culture.Initiative, waves []survey.Wave, size float64) Lift {
	first := func(t time.Time) int {
		for i, w := range waves {
			if !w.Opens.Before(t) {
				return i
			}
		}
		return len(waves)
	}
	l := Lift{Units: slices.Clone(in.Units), Behaviors: slices.Clone(in.Behaviors), From: first(in.Start), Size: size, Keep: 1}
	if !in.End.IsZero() {
		l.Until = max(first(in.End), l.From+1)
	}
	return l
}

// Customers configures optional customer responses to the A-11 survey:
// each team serves customers of one service (the teams take the services
// in turn) through every channel, offers some of them the survey, and
// some of those answer. Customers answer more favorably where the team's
// culture is stronger.
type Customers struct {
	// Survey is the customer survey; the zero value means [survey.A11].
	Survey survey.Survey
	// Services are the services provided (default "benefits_claims",
	// "licensing").
	Services []string
	// Channels are the channels of every service (default "online",
	// "phone", "in_person").
	Channels []string
	// Volume is the mean number of customers a team serves per wave and
	// channel (default 120).
	Volume int
	// ChannelVolumes override Volume for some channels.
	ChannelVolumes map[string]int
	// OfferRate is the share of customers offered the survey (default
	// 0.3).
	OfferRate float64
	// ResponseRate is the share of those offered who answer (default
	// 0.2).
	ResponseRate float64
	// Link is how much of a team's latent culture level (the mean over
	// the behaviors, with lifts and drift) shows in its customers'
	// answers (default 0.6).
	Link float64
	// ChannelLevels shift the latent level by channel (default: online
	// +0.2, phone -0.2).
	ChannelLevels map[string]float64
}

// Config describes the program to simulate. Zero fields take the
// defaults given with them.
type Config struct {
	// Seed selects the random stream: the same Config gives the same
	// data, byte for byte.
	Seed int64

	// Units is the org tree (validated with [cx.NewHierarchy]; pass
	// h.Units() for a [cx.Hierarchy] h); its leaves are the teams whose
	// people answer. Nil builds a tree "org"
	// → "d1".."dN" (Divisions, default 3) → "d1-t1".. (TeamsPerDivision,
	// default 4).
	Units            []cx.Unit
	Divisions        int
	TeamsPerDivision int
	// TeamSizes fixes the headcount of teams by ID; other teams get an
	// uneven size between MinTeamSize (default 4) and MaxTeamSize
	// (default 30), small teams more often than large ones.
	TeamSizes                map[string]int
	MinTeamSize, MaxTeamSize int

	// Survey is the employee pulse; the zero value means [Pulse].
	Survey survey.Survey
	// Asked lists the item IDs asked in each wave (wave i asks
	// Asked[i % len(Asked)]), as a rotation plan gives them; nil asks
	// every item in every wave.
	Asked [][]string

	// Waves is the number of waves (default 12). They follow a
	// [survey.Schedule] of Cadence (default weekly) from First (default
	// Monday 6 January 2025, 09:00 UTC; its location is the program's
	// time zone), each open OpenDays days (default 0: until the next
	// opens).
	Waves    int
	Cadence  survey.Cadence
	First    time.Time
	OpenDays int

	// Baseline is the latent culture level of the organization, where 0
	// is neutral (a 5-point item averages 3). Zero takes the default 0.2;
	// set NeutralBaseline for exactly 0.
	Baseline float64
	// NeutralBaseline sets the baseline to 0 whatever Baseline says.
	NeutralBaseline bool
	// Levels add to the latent level of a unit and everything below it,
	// by unit ID: a division's level applies to its teams.
	Levels map[string]float64
	// TeamSD is the spread of random team levels around the sum above
	// (default 0.3; negative means none).
	TeamSD float64
	// BehaviorLevels add to the latent level of one construct everywhere.
	BehaviorLevels map[string]float64
	// Drift is added to every latent level per wave (a slow rise or
	// fall of the whole organization).
	Drift float64
	// Walk is the standard deviation of a per-team random walk step per
	// wave (default 0: none).
	Walk float64
	// Lifts are initiative effects.
	Lifts []Lift

	// ResponseRate is the share of invited people who answer a wave
	// (default 0.7); people differ in how often they answer.
	ResponseRate float64
	// MissingRate is the probability that a respondent skips an item
	// (default 0.04; negative means none); required items are never
	// skipped and every response answers at least one item.
	MissingRate float64
	// CommentRate is the share of responses with a comment (default
	// 0.3; negative means none).
	CommentRate float64
	// Fatigue in [0, 1) is survey fatigue per wave: the response rate
	// and the comment length are multiplied by (1-Fatigue) each wave,
	// and the share of answered items by (1-Fatigue/4): in wave w (from
	// 0) the skip probability is 1 - (1-MissingRate)(1-Fatigue/4)^w.
	Fatigue float64

	// Customers, if set, adds customer responses to the A-11 survey.
	Customers *Customers
}

// Data is a simulated program.
type Data struct {
	// Units is the org tree, parents before children.
	Units []cx.Unit
	// Teams are the IDs of the leaf units whose people answer.
	Teams []string
	// Survey is the employee pulse.
	Survey survey.Survey
	// Waves are the pulse waves in order, with invited counts per team.
	Waves []survey.Wave
	// Responses are the pulse responses, by wave, team and person.
	Responses []survey.Response
	// Asked is the list of item IDs asked in each wave.
	Asked [][]string

	// CustomerSurvey, CustomerWaves, CustomerResponses and Volumes are
	// set when Config.Customers is: the customer survey, one wave per
	// pulse wave (invited counts are the customers offered), the
	// responses (segments "service" and "channel") and the volumes per
	// team, wave, service and channel.
	CustomerSurvey    survey.Survey
	CustomerWaves     []survey.Wave
	CustomerResponses []survey.Response
	Volumes           []cx.A11Volume

	cfg     Config
	h       *cx.Hierarchy
	level   map[string]float64   // team base latent level
	walk    map[string][]float64 // team random walk by wave
	service map[string]string    // team → service

	customerItems []string
}

// Latent returns the latent level of team in wave (from 0) for
// construct: the expected answer, before person and item noise, on the
// latent scale (0 neutral, about one 5-point answer point per unit). It
// is what a perfect measurement would find, for tests and power
// planning; it is NaN for an unknown team or wave.
func (d *Data) Latent(team string, wave int, construct string) float64 {
	base, ok := d.level[team]
	if !ok || wave < 0 || wave >= len(d.Waves) {
		return math.NaN()
	}
	v := base + d.cfg.BehaviorLevels[construct] + d.cfg.Drift*float64(wave) + d.walk[team][wave]
	if construct == survey.ENPS {
		v += enpsShift
	}
	for _, l := range d.cfg.Lifts {
		v += d.liftAt(l, team, wave, construct)
	}
	return v
}

func (d *Data) liftAt(l Lift, team string, wave int, construct string) float64 {
	if wave < l.From {
		return 0
	}
	if len(l.Behaviors) == 0 {
		if construct == survey.ENPS {
			return 0
		}
	} else if !slices.Contains(l.Behaviors, construct) {
		return 0
	}
	if !slices.Contains(l.Units, team) && !slices.ContainsFunc(d.h.Ancestors(team), func(a string) bool { return slices.Contains(l.Units, a) }) {
		return 0
	}
	f := 1.0
	if l.Ramp > 0 {
		f = math.Min(1, float64(wave-l.From+1)/float64(l.Ramp+1))
	}
	if l.Until > l.From && wave >= l.Until {
		left := math.Max(0, 1-float64(wave-l.Until+1)/float64(l.Fade+1))
		f *= l.Keep + (1-l.Keep)*left
	}
	return l.Size * f
}

// enpsShift moves the latent level of the eNPS item so that a neutral
// culture gives a typical eNPS mean near 6.5 on 0-10.
const enpsShift = 0.6

// personSD is the spread of stable person effects on the latent scale.
const personSD = 0.5

// Generate simulates the program described by cfg. The result depends on
// cfg alone (no clock, no global random source): every random draw comes
// from a stream derived from Seed and the names of the team, wave and
// person concerned, and IDs are name-based (version 5) UUIDs. An invalid
// configuration gives a [*cx.ValidationError] listing every problem.
func Generate(cfg Config) (*Data, error) {
	cfg, err := withDefaults(cfg)
	if err != nil {
		return nil, err
	}
	d := &Data{cfg: cfg, level: map[string]float64{}, walk: map[string][]float64{}, service: map[string]string{}}
	if err := d.build(); err != nil {
		return nil, err
	}
	d.respond()
	if cfg.Customers != nil {
		d.customers()
	}
	return d, nil
}

func withDefaults(cfg Config) (Config, error) {
	var ps []cx.Problem
	bad := func(f, m string) { ps = append(ps, cx.Problem{Field: f, Message: m}) }
	defInt := func(v *int, def int) {
		if *v == 0 {
			*v = def
		}
	}
	defInt(&cfg.Divisions, 3)
	defInt(&cfg.TeamsPerDivision, 4)
	defInt(&cfg.MinTeamSize, 4)
	defInt(&cfg.MaxTeamSize, 30)
	defInt(&cfg.Waves, 12)
	if cfg.Cadence == 0 {
		cfg.Cadence = survey.Weekly
	}
	if cfg.First.IsZero() {
		cfg.First = time.Date(2025, time.January, 6, 9, 0, 0, 0, time.UTC)
	}
	if cfg.Survey.ID == "" && len(cfg.Survey.Items) == 0 {
		cfg.Survey = Pulse()
	}
	switch {
	case cfg.NeutralBaseline:
		cfg.Baseline = 0
	case cfg.Baseline == 0:
		cfg.Baseline = 0.2
	}
	switch {
	case cfg.TeamSD == 0:
		cfg.TeamSD = 0.3
	case cfg.TeamSD < 0:
		cfg.TeamSD = 0
	}
	if cfg.ResponseRate == 0 {
		cfg.ResponseRate = 0.7
	}
	switch {
	case cfg.MissingRate == 0:
		cfg.MissingRate = 0.04
	case cfg.MissingRate < 0:
		cfg.MissingRate = 0
	}
	switch {
	case cfg.CommentRate == 0:
		cfg.CommentRate = 0.3
	case cfg.CommentRate < 0:
		cfg.CommentRate = 0
	}
	if cfg.Divisions < 1 || cfg.TeamsPerDivision < 1 {
		bad("divisions", fmt.Sprintf("%d divisions of %d teams: both must be 1 or more", cfg.Divisions, cfg.TeamsPerDivision))
	}
	if cfg.MinTeamSize < 1 || cfg.MaxTeamSize < cfg.MinTeamSize {
		bad("team_size", fmt.Sprintf("range [%d, %d]: need 1 <= min <= max", cfg.MinTeamSize, cfg.MaxTeamSize))
	}
	for _, id := range sortedKeys(cfg.TeamSizes) {
		if cfg.TeamSizes[id] < 0 {
			bad("team_sizes."+id, fmt.Sprintf("negative size %d", cfg.TeamSizes[id]))
		}
	}
	if cfg.Waves < 1 {
		bad("waves", fmt.Sprintf("%d: need 1 or more", cfg.Waves))
	}
	rate := func(f string, v float64, upper float64) {
		if !(v >= 0 && v <= upper) {
			bad(f, fmt.Sprintf("%v outside [0, %v]", v, upper))
		}
	}
	rate("response_rate", cfg.ResponseRate, 1)
	rate("missing_rate", cfg.MissingRate, 0.99)
	rate("comment_rate", cfg.CommentRate, 1)
	rate("fatigue", cfg.Fatigue, 0.99)
	for _, f := range []struct {
		name string
		v    float64
	}{{"baseline", cfg.Baseline}, {"team_sd", cfg.TeamSD}, {"drift", cfg.Drift}, {"walk", cfg.Walk}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			bad(f.name, "must be a finite number")
		}
	}
	if cfg.Walk < 0 {
		bad("walk", fmt.Sprintf("negative standard deviation %v", cfg.Walk))
	}
	if err := cfg.Survey.Validate(); err != nil {
		for _, p := range err.(*survey.ValidationError).Problems {
			bad("survey."+p.Field, p.Message)
		}
	}
	for i, ids := range cfg.Asked {
		if len(ids) == 0 {
			bad("asked["+strconv.Itoa(i)+"]", "no items")
		}
		for _, id := range ids {
			if _, ok := cfg.Survey.Item(id); !ok {
				bad("asked["+strconv.Itoa(i)+"]", fmt.Sprintf("unknown item %q in survey %q", id, cfg.Survey.ID))
			}
		}
	}
	for i, l := range cfg.Lifts {
		f := "lifts[" + strconv.Itoa(i) + "]"
		if len(l.Units) == 0 {
			bad(f+".units", "name at least one unit")
		}
		if l.From < 0 || l.Ramp < 0 || l.Until < 0 || l.Fade < 0 {
			bad(f, fmt.Sprintf("from %d, ramp %d, until %d, fade %d: must not be negative", l.From, l.Ramp, l.Until, l.Fade))
		}
		if !(l.Keep >= 0 && l.Keep <= 1) {
			bad(f+".keep", fmt.Sprintf("%v outside [0, 1]", l.Keep))
		}
		if math.IsNaN(l.Size) || math.IsInf(l.Size, 0) {
			bad(f+".size", "must be a finite number")
		}
	}
	if c := cfg.Customers; c != nil {
		cc := *c
		if cc.Survey.ID == "" && len(cc.Survey.Items) == 0 {
			cc.Survey = survey.A11()
		}
		if len(cc.Services) == 0 {
			cc.Services = []string{"benefits_claims", "licensing"}
		}
		if len(cc.Channels) == 0 {
			cc.Channels = []string{"online", "phone", "in_person"}
		}
		if cc.ChannelLevels == nil {
			cc.ChannelLevels = map[string]float64{"online": 0.2, "phone": -0.2}
		}
		if cc.Volume == 0 {
			cc.Volume = 120
		}
		if cc.OfferRate == 0 {
			cc.OfferRate = 0.3
		}
		if cc.ResponseRate == 0 {
			cc.ResponseRate = 0.2
		}
		if cc.Link == 0 {
			cc.Link = 0.6
		}
		if cc.Volume < 0 {
			bad("customers.volume", fmt.Sprintf("negative volume %d", cc.Volume))
		}
		for _, ch := range sortedKeys(cc.ChannelVolumes) {
			if cc.ChannelVolumes[ch] < 0 {
				bad("customers.channel_volumes."+ch, fmt.Sprintf("negative volume %d", cc.ChannelVolumes[ch]))
			} else if !slices.Contains(cc.Channels, ch) {
				bad("customers.channel_volumes."+ch, "not one of the channels")
			}
		}
		rate("customers.offer_rate", cc.OfferRate, 1)
		rate("customers.response_rate", cc.ResponseRate, 1)
		if err := cc.Survey.Validate(); err != nil {
			for _, p := range err.(*survey.ValidationError).Problems {
				bad("customers.survey."+p.Field, p.Message)
			}
		}
		if cc.Survey.ID == cfg.Survey.ID {
			bad("customers.survey.id", fmt.Sprintf("the customer survey needs an ID other than the pulse's %q", cfg.Survey.ID))
		}
		for i, s := range append(slices.Clone(cc.Services), cc.Channels...) {
			if !survey.ValidID(s) {
				bad("customers", fmt.Sprintf("malformed service or channel name %q (entry %d)", s, i))
			}
		}
		cfg.Customers = &cc
	}
	if len(ps) > 0 {
		return cfg, &cx.ValidationError{Problems: ps}
	}
	return cfg, nil
}

// build makes the org tree, team levels and the waves.
func (d *Data) build() error {
	cfg := d.cfg
	units := cfg.Units
	if units == nil {
		units = []cx.Unit{{ID: "org", Name: "Organization"}}
		for i := 1; i <= cfg.Divisions; i++ {
			div := "d" + strconv.Itoa(i)
			units = append(units, cx.Unit{ID: div, Parent: "org", Name: "Division " + strconv.Itoa(i)})
			for j := 1; j <= cfg.TeamsPerDivision; j++ {
				units = append(units, cx.Unit{ID: div + "-t" + strconv.Itoa(j), Parent: div, Name: fmt.Sprintf("Team %d.%d", i, j)})
			}
		}
	}
	h, err := cx.NewHierarchy(units)
	if err != nil {
		return err
	}
	d.h = h
	d.Units = h.Units()
	var ps []cx.Problem
	for _, id := range sortedKeys(cfg.TeamSizes) {
		if !h.Has(id) || !h.IsLeaf(id) {
			ps = append(ps, cx.Problem{Field: "team_sizes." + id, Message: "not a team (a leaf unit) of the org tree"})
		}
	}
	for _, id := range sortedKeys(cfg.Levels) {
		if !h.Has(id) {
			ps = append(ps, cx.Problem{Field: "levels." + id, Message: "unknown unit"})
		}
	}
	for i, l := range cfg.Lifts {
		for _, u := range l.Units {
			if !h.Has(u) {
				ps = append(ps, cx.Problem{Field: "lifts[" + strconv.Itoa(i) + "].units", Message: fmt.Sprintf("unknown unit %q", u)})
			}
		}
	}
	if len(ps) > 0 {
		return &cx.ValidationError{Problems: ps}
	}

	invited := map[string]int{}
	for _, id := range h.IDs() {
		if !h.IsLeaf(id) {
			continue
		}
		d.Teams = append(d.Teams, id)
		r := d.rng("team", id)
		size, fixed := cfg.TeamSizes[id]
		if !fixed {
			// Small teams more often than large: u² skews toward the minimum.
			u := r.Float64()
			size = cfg.MinTeamSize + int(u*u*float64(cfg.MaxTeamSize-cfg.MinTeamSize+1))
		}
		invited[id] = size
		lv := cfg.Baseline + cfg.Levels[id] + cfg.TeamSD*r.NormFloat64()
		for _, a := range h.Ancestors(id) {
			lv += cfg.Levels[a]
		}
		d.level[id] = lv
		walk := make([]float64, cfg.Waves)
		for w := 1; w < cfg.Waves; w++ {
			walk[w] = walk[w-1] + cfg.Walk*r.NormFloat64()
		}
		d.walk[id] = walk
		d.service[id] = ""
	}

	d.Survey = cfg.Survey.Clone()
	waves, err := survey.Schedule{Survey: d.Survey.ID, Cadence: cfg.Cadence, First: cfg.First, Waves: cfg.Waves,
		OpenDays: cfg.OpenDays, Invited: invited}.Plan()
	if err != nil {
		return asCX(err, "schedule")
	}
	d.Waves = waves
	all := make([]string, len(d.Survey.Items))
	for i, it := range d.Survey.Items {
		all[i] = it.ID
	}
	d.Asked = make([][]string, cfg.Waves)
	for w := range d.Asked {
		if len(cfg.Asked) == 0 {
			d.Asked[w] = slices.Clone(all)
		} else {
			d.Asked[w] = slices.Clone(cfg.Asked[w%len(cfg.Asked)])
		}
	}
	return nil
}
