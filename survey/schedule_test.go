package survey_test

import (
	"fmt"
	"math/rand"
	"testing"
	"time"
	_ "time/tzdata" // the zones below, wherever the tests run

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/survey"
)

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

func TestScheduleWeeklyAcrossDST(t *testing.T) {
	ny := mustZone(t, "America/New_York")
	// US daylight saving time starts on Sunday 9 March 2025 and ends on
	// Sunday 2 November 2025.
	s := survey.Schedule{Survey: "pulse", Cadence: survey.Weekly, First: time.Date(2025, 3, 3, 9, 0, 0, 0, ny), Waves: 3, OpenDays: 4}
	ws, err := s.Plan()
	require.NoError(t, err)
	require.Len(t, ws, 3)
	assert.Equal(t, []string{"pulse-20250303", "pulse-20250310", "pulse-20250317"}, []string{ws[0].ID, ws[1].ID, ws[2].ID})
	for _, w := range ws {
		require.NoError(t, w.Validate())
		assert.Equal(t, 9, w.Opens.Hour(), "opens at 09:00 in New York")
		assert.Equal(t, 9, w.Closes.Hour(), "closes at 09:00 in New York")
		assert.Equal(t, time.Friday, w.Closes.Weekday())
	}
	assert.Equal(t, "2025-03-03T14:00:00Z", ws[0].Opens.UTC().Format(time.RFC3339), "EST is UTC-5")
	assert.Equal(t, "2025-03-10T13:00:00Z", ws[1].Opens.UTC().Format(time.RFC3339), "EDT is UTC-4")
	assert.Equal(t, 7*24*time.Hour-time.Hour, ws[1].Opens.Sub(ws[0].Opens), "the week with the spring change is an hour short")

	// Open until the next wave: closes a microsecond before it.
	s.OpenDays = 0
	s.First = time.Date(2025, 10, 27, 8, 30, 0, 0, ny)
	ws, err = s.Plan()
	require.NoError(t, err)
	assert.Equal(t, ws[1].Opens.Add(-time.Microsecond), ws[0].Closes)
	assert.Equal(t, 7*24*time.Hour+time.Hour, ws[1].Opens.Sub(ws[0].Opens), "the week with the autumn change is an hour long")
	assert.Equal(t, time.Date(2025, 11, 17, 8, 30, 0, 0, ny).Add(-time.Microsecond), ws[2].Closes, "the last wave lasts one period")
}

func TestScheduleMonthlyClampsDay(t *testing.T) {
	s := survey.Schedule{Survey: "pulse", Cadence: survey.Monthly, First: time.Date(2024, 1, 31, 12, 0, 0, 0, time.UTC), Waves: 4, OpenDays: 10}
	ws, err := s.Plan()
	require.NoError(t, err)
	var days []string
	for _, w := range ws {
		days = append(days, w.Opens.Format("2006-01-02"))
		assert.Equal(t, 10*24*time.Hour, w.Closes.Sub(w.Opens))
	}
	assert.Equal(t, []string{"2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30"}, days)

	s.Cadence, s.First = survey.Quarterly, time.Date(2025, 11, 30, 0, 0, 0, 0, time.UTC)
	ws, err = s.Plan()
	require.NoError(t, err)
	days = days[:0]
	for _, w := range ws {
		days = append(days, w.Opens.Format("2006-01-02"))
	}
	assert.Equal(t, []string{"2025-11-30", "2026-02-28", "2026-05-30", "2026-08-30"}, days)
}

func TestScheduleBiweeklyAndInvited(t *testing.T) {
	inv := map[string]int{"claims": 12}
	s := survey.Schedule{Survey: "pulse", Cadence: survey.Biweekly, First: time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC), Waves: 2, IDPrefix: "p2025", Invited: inv}
	ws, err := s.Plan()
	require.NoError(t, err)
	assert.Equal(t, "p2025-20250120", ws[1].ID)
	assert.Equal(t, "pulse", ws[1].Survey)
	assert.Equal(t, 14*24*time.Hour, ws[1].Opens.Sub(ws[0].Opens))
	assert.Equal(t, inv, ws[0].Invited)
	ws[0].Invited["claims"] = 99
	assert.Equal(t, 12, ws[1].Invited["claims"], "each wave has its own copy")
	assert.Equal(t, 12, inv["claims"])
}

func TestScheduleValidate(t *testing.T) {
	first := time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC)
	for name, tc := range map[string]struct {
		s     survey.Schedule
		field string
	}{
		"no survey":       {survey.Schedule{Cadence: survey.Weekly, First: first, Waves: 1}, "survey"},
		"no cadence":      {survey.Schedule{Survey: "p", First: first, Waves: 1}, "cadence"},
		"no first":        {survey.Schedule{Survey: "p", Cadence: survey.Weekly, Waves: 1}, "first"},
		"no waves":        {survey.Schedule{Survey: "p", Cadence: survey.Weekly, First: first}, "waves"},
		"overlap weekly":  {survey.Schedule{Survey: "p", Cadence: survey.Weekly, First: first, Waves: 2, OpenDays: 7}, "open_days"},
		"overlap monthly": {survey.Schedule{Survey: "p", Cadence: survey.Monthly, First: first, Waves: 2, OpenDays: 28}, "open_days"},
		"negative open":   {survey.Schedule{Survey: "p", Cadence: survey.Weekly, First: first, Waves: 2, OpenDays: -1}, "open_days"},
		"long prefix":     {survey.Schedule{Survey: "p", Cadence: survey.Weekly, First: first, Waves: 2, IDPrefix: string(make([]byte, 60))}, "id_prefix"},
		"bad invited":     {survey.Schedule{Survey: "p", Cadence: survey.Weekly, First: first, Waves: 2, Invited: map[string]int{"a": -1}}, "invited.a"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := tc.s.Plan()
			assert.Contains(t, surveyFields(t, err), tc.field)
		})
	}
	// Every problem, not only the first.
	_, err := survey.Schedule{OpenDays: -1}.Plan()
	assert.Subset(t, surveyFields(t, err), []string{"survey", "cadence", "first", "waves", "open_days"})
}

func TestParseCadence(t *testing.T) {
	for _, c := range []survey.Cadence{survey.Weekly, survey.Biweekly, survey.Monthly, survey.Quarterly} {
		got, err := survey.ParseCadence(c.String())
		require.NoError(t, err)
		assert.Equal(t, c, got)
	}
	got, err := survey.ParseCadence(" Fortnightly")
	require.NoError(t, err)
	assert.Equal(t, survey.Biweekly, got)
	_, err = survey.ParseCadence("daily")
	assert.Equal(t, []string{"cadence"}, surveyFields(t, err))
	assert.Equal(t, "Cadence(9)", survey.Cadence(9).String())
	assert.Panics(t, func() { survey.Cadence(0).Opening(time.Now(), 1) })
}

// scheduleCase is a generated valid schedule.
type scheduleCase struct{ s survey.Schedule }

func (c scheduleCase) String() string {
	return fmt.Sprintf("%s from %s (%s), %d waves open %d days", c.s.Cadence, c.s.First.Format(time.RFC3339), c.s.First.Location(), c.s.Waves, c.s.OpenDays)
}

var scheduleZones = []string{"UTC", "America/New_York", "Europe/Paris", "Australia/Lord_Howe", "Asia/Kathmandu", "America/Sao_Paulo"}

func genSchedule(t *testing.T) gopter.Gen {
	zones := make([]*time.Location, len(scheduleZones))
	for i, z := range scheduleZones {
		zones[i] = mustZone(t, z)
	}
	return func(p *gopter.GenParameters) *gopter.GenResult {
		r := p.Rng
		c := survey.Cadence(1 + r.Intn(4))
		loc := zones[r.Intn(len(zones))]
		first := time.Date(2020+r.Intn(8), time.Month(1+r.Intn(12)), 1+r.Intn(31), r.Intn(24), r.Intn(60), 0, 0, loc)
		s := survey.Schedule{Survey: "pulse", Cadence: c, First: first, Waves: 1 + r.Intn(40), OpenDays: openDays(r, c)}
		return gopter.NewGenResult(scheduleCase{s}, gopter.NoShrinker)
	}
}

func openDays(r *rand.Rand, c survey.Cadence) int {
	if r.Intn(3) == 0 {
		return 0
	}
	return 1 + r.Intn(c.MinDays()-1)
}

func TestScheduleProperties(t *testing.T) {
	props := newSurveyProps(t, 300)
	props.Property("waves are valid, in order, never overlapping, at the first wave's wall-clock time and unique IDs", prop.ForAll(func(c scheduleCase) string {
		ws, err := c.s.Plan()
		if err != nil {
			return "rejected: " + err.Error()
		}
		if len(ws) != c.s.Waves {
			return fmt.Sprintf("%d waves, want %d", len(ws), c.s.Waves)
		}
		ids := map[string]bool{}
		for i, w := range ws {
			if err := w.Validate(); err != nil {
				return fmt.Sprintf("wave %d: %v", i, err)
			}
			if ids[w.ID] {
				return "duplicate ID " + w.ID
			}
			ids[w.ID] = true
			if w.Opens.Location() != c.s.First.Location() {
				return fmt.Sprintf("wave %d in %s", i, w.Opens.Location())
			}
			if !w.Opens.Equal(c.s.Cadence.Opening(c.s.First, i)) {
				return fmt.Sprintf("wave %d opens %s, not at Opening", i, w.Opens)
			}
			if i > 0 && !ws[i-1].Closes.Before(w.Opens) {
				return fmt.Sprintf("wave %d closes %s, not before wave %d opens %s", i-1, ws[i-1].Closes, i, w.Opens)
			}
			if days := w.Opens.Sub(c.s.First).Hours() / 24; i > 0 && days < float64(i*c.s.Cadence.MinDays())-1 {
				return fmt.Sprintf("wave %d opens only %.1f days after the first", i, days)
			}
			// The wall clock is kept unless the time does not exist that
			// day (a daylight-saving gap), where it moves forward.
			h0, m0, _ := c.s.First.Clock()
			h, m, _ := w.Opens.Clock()
			if (h != h0 || m != m0) && !inGap(c.s.First, w.Opens) {
				return fmt.Sprintf("wave %d opens at %02d:%02d, not %02d:%02d", i, h, m, h0, m0)
			}
			if c.s.OpenDays > 0 {
				y, mo, d := w.Opens.Date()
				want := time.Date(y, mo, d+c.s.OpenDays, h, m, 0, 0, w.Opens.Location())
				if !w.Closes.Equal(want) {
					return fmt.Sprintf("wave %d closes %s, want %s", i, w.Closes, want)
				}
			}
		}
		last := ws[len(ws)-1]
		if next := c.s.Cadence.Opening(c.s.First, len(ws)); !last.Closes.Before(next) {
			return "the last wave runs into the next period"
		}
		return ""
	}, genSchedule(t)))
	props.run()
}

// inGap reports whether first's wall-clock time does not exist on the
// day of at (at was moved forward over a daylight-saving gap).
func inGap(first, at time.Time) bool {
	h, m, s := first.Clock()
	y, mo, d := at.Date()
	want := time.Date(y, mo, d, h, m, s, 0, at.Location())
	hh, mm, _ := want.Clock()
	return hh != h || mm != m
}

// A monthly pulse on the last day of the month, 17:00 in Paris, open
// three days: the day is clamped in short months, and the wall clock is
// kept across the change to summer time on 30 March 2025.
func ExampleSchedule_Plan() {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		fmt.Println(err)
		return
	}
	s := survey.Schedule{Survey: "pulse", Cadence: survey.Monthly, First: time.Date(2025, 1, 31, 17, 0, 0, 0, paris), Waves: 4, OpenDays: 3}
	waves, err := s.Plan()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, w := range waves {
		fmt.Println(w.ID, w.Opens.Format("Mon 02 Jan 15:04 MST"), "→", w.Closes.Format("Mon 02 Jan 15:04 MST"), "=", w.Opens.UTC().Format("15:04Z"))
	}
	// Output:
	// pulse-20250131 Fri 31 Jan 17:00 CET → Mon 03 Feb 17:00 CET = 16:00Z
	// pulse-20250228 Fri 28 Feb 17:00 CET → Mon 03 Mar 17:00 CET = 16:00Z
	// pulse-20250331 Mon 31 Mar 17:00 CEST → Thu 03 Apr 17:00 CEST = 15:00Z
	// pulse-20250430 Wed 30 Apr 17:00 CEST → Sat 03 May 17:00 CEST = 15:00Z
}
