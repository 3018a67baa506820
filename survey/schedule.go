package survey

import (
	"fmt"
	"maps"
	"strconv"
	"strings"
	"time"
)

// Cadence is how often a pulse program fields a wave.
type Cadence int

const (
	// Weekly fields a wave every 7 days.
	Weekly Cadence = iota + 1
	// Biweekly fields a wave every 14 days.
	Biweekly
	// Monthly fields a wave on the same day of every month (the last day
	// of a shorter month when the day does not exist in it).
	Monthly
	// Quarterly fields a wave every three months, on the same day as
	// [Monthly].
	Quarterly
)

// String returns "weekly", "biweekly", "monthly" or "quarterly".
func (c Cadence) String() string {
	switch c {
	case Weekly:
		return "weekly"
	case Biweekly:
		return "biweekly"
	case Monthly:
		return "monthly"
	case Quarterly:
		return "quarterly"
	}
	return "Cadence(" + strconv.Itoa(int(c)) + ")"
}

// ParseCadence returns the cadence named s ("weekly", "biweekly" or
// "fortnightly", "monthly", "quarterly"), matched without regard to case.
func ParseCadence(s string) (Cadence, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "weekly":
		return Weekly, nil
	case "biweekly", "fortnightly", "every two weeks":
		return Biweekly, nil
	case "monthly":
		return Monthly, nil
	case "quarterly":
		return Quarterly, nil
	}
	return 0, &ValidationError{Problems: []Problem{{"cadence", fmt.Sprintf("unknown cadence %q (want weekly, biweekly, monthly or quarterly)", s)}}}
}

func (c Cadence) valid() bool { return c >= Weekly && c <= Quarterly }

// MinDays returns the fewest calendar days between the openings of two
// consecutive waves: 7, 14, 28 (February) or 89 (February to April). It
// is 0 for an unknown cadence.
func (c Cadence) MinDays() int {
	switch c {
	case Weekly:
		return 7
	case Biweekly:
		return 14
	case Monthly:
		return 28
	case Quarterly:
		return 89
	}
	return 0
}

// Opening returns when wave i (counting from 0) of a program whose first
// wave opens at first opens: at the wall-clock time of first, in first's
// location, i periods later. Across a daylight-saving change the wall
// clock is kept, so the UTC time moves by the change; a wall-clock time
// that does not exist on that day (in the hour skipped in spring) is
// moved forward as [time.Date] does. For [Monthly] and [Quarterly] the
// day of month is that of first, or the last day of a month too short
// for it (a program opening on 31 January opens on 28 or 29 February,
// then on 31 March). Opening panics if c is not a known cadence.
func (c Cadence) Opening(first time.Time, i int) time.Time {
	y, m, d := first.Date()
	hh, mm, ss := first.Clock()
	ns, loc := first.Nanosecond(), first.Location()
	switch c {
	case Weekly:
		return time.Date(y, m, d+7*i, hh, mm, ss, ns, loc)
	case Biweekly:
		return time.Date(y, m, d+14*i, hh, mm, ss, ns, loc)
	case Monthly, Quarterly:
		step := 1
		if c == Quarterly {
			step = 3
		}
		// The first day of the target month, then the day clamped to it.
		target := time.Date(y, m+time.Month(step*i), 1, 0, 0, 0, 0, time.UTC)
		last := time.Date(target.Year(), target.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
		return time.Date(target.Year(), target.Month(), min(d, last), hh, mm, ss, ns, loc)
	}
	panic("survey: Opening: unknown cadence " + c.String())
}

// Schedule is the calendar of a pulse program: a survey fielded at a
// cadence from a first opening, in a time zone. [Schedule.Plan] turns it
// into waves.
//
// A Schedule is a value; it is safe for concurrent use when not mutated.
type Schedule struct {
	// Survey is the ID of the survey fielded.
	Survey string
	// Cadence is how often a wave opens.
	Cadence Cadence
	// First is when the first wave opens. Its location is the program's
	// time zone: every wave opens at the same wall-clock time there.
	First time.Time
	// Waves is the number of waves to plan (1 or more).
	Waves int
	// OpenDays is how many calendar days a wave stays open: it closes at
	// the wall-clock time it opened, OpenDays days later. It must be
	// below [Cadence.MinDays] so that no wave overlaps the next. Zero
	// keeps each wave open until one microsecond before the next opens
	// (the last wave, one period long).
	OpenDays int
	// IDPrefix starts every wave ID, followed by "-" and the opening
	// date in the program's time zone as YYYYMMDD; empty means the survey
	// ID.
	IDPrefix string
	// Invited, if set, is copied into every wave as its invited counts per
	// unit.
	Invited map[string]int
}

// Validate reports every problem with s.
func (s Schedule) Validate() error {
	var ps problems
	if !ValidID(s.Survey) {
		ps.add("survey", fmt.Sprintf("malformed survey ID %q", s.Survey))
	}
	if !s.Cadence.valid() {
		ps.add("cadence", fmt.Sprintf("unknown cadence %d (want Weekly, Biweekly, Monthly or Quarterly)", int(s.Cadence)))
	}
	if s.First.IsZero() {
		ps.add("first", "required")
	}
	if s.Waves < 1 {
		ps.add("waves", fmt.Sprintf("%d waves: plan 1 or more", s.Waves))
	}
	switch {
	case s.OpenDays < 0:
		ps.add("open_days", fmt.Sprintf("negative: %d", s.OpenDays))
	case s.Cadence.valid() && s.OpenDays >= s.Cadence.MinDays():
		ps.add("open_days", fmt.Sprintf("a wave open %d days would overlap the next: a %s period can be as short as %d days",
			s.OpenDays, s.Cadence, s.Cadence.MinDays()))
	}
	prefix := s.prefix()
	if !ValidID(prefix + "-20060102") {
		ps.add("id_prefix", fmt.Sprintf("wave IDs %q would be malformed", prefix+"-YYYYMMDD"))
	}
	for _, u := range sortedKeys(s.Invited) {
		if !ValidID(u) {
			ps.add("invited", fmt.Sprintf("malformed unit ID %q", u))
		} else if n := s.Invited[u]; n < 0 {
			ps.add("invited."+u, fmt.Sprintf("negative count %d", n))
		}
	}
	return ps.err()
}

func (s Schedule) prefix() string {
	if s.IDPrefix != "" {
		return s.IDPrefix
	}
	return s.Survey
}

// Plan returns the waves of the schedule in order. Wave i opens at
// s.Cadence.Opening(s.First, i) and closes as OpenDays says, strictly
// before wave i+1 opens, so no instant belongs to two waves. Times are in
// the location of s.First. An invalid schedule gives a
// [*ValidationError] listing every problem.
func (s Schedule) Plan() ([]Wave, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	prefix := s.prefix()
	waves := make([]Wave, s.Waves)
	next := s.Cadence.Opening(s.First, 0)
	for i := range waves {
		opens := next
		next = s.Cadence.Opening(s.First, i+1)
		closes := next.Add(-time.Microsecond)
		if s.OpenDays > 0 {
			y, m, d := opens.Date()
			hh, mm, ss := opens.Clock()
			closes = time.Date(y, m, d+s.OpenDays, hh, mm, ss, opens.Nanosecond(), opens.Location())
		}
		if !closes.Before(next) || !closes.After(opens) {
			// Unreachable with a validated schedule; kept so that a
			// calendar oddity is an error, not an overlap.
			return nil, &ValidationError{Problems: []Problem{{"waves[" + strconv.Itoa(i) + "]",
				fmt.Sprintf("closes %s, not between its opening %s and the next %s", closes, opens, next)}}}
		}
		w := Wave{
			ID:     prefix + "-" + opens.Format("20060102"),
			Survey: s.Survey,
			Name:   fmt.Sprintf("%s %s", s.Cadence, opens.Format("2006-01-02")),
			Opens:  opens,
			Closes: closes,
		}
		if s.Invited != nil {
			w.Invited = maps.Clone(s.Invited)
		}
		waves[i] = w
	}
	return waves, nil
}
