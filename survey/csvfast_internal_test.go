package survey

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// scanAll reads every row of data (or the error) into text, with the fast
// record path on or off.
func scanAll(t testing.TB, data []byte, s Survey, opts *CSVOptions, fast bool) string {
	t.Helper()
	fastRecords = fast
	defer func() { fastRecords = true }()
	var out strings.Builder
	err := ScanCSV(t.Context(), bytes.NewReader(data), s, opts, 1, func(_ int, r *Row) error {
		fmt.Fprintf(&out, "%d %s %s %s %q %v\n", r.Line, r.Unit, r.Wave, r.Submitted.Format("2006-01-02T15:04:05.999999Z07:00"), r.respondent, r.Values)
		return nil
	})
	if err != nil {
		fmt.Fprintf(&out, "error: %v\n", err)
	}
	return out.String()
}

func fastPathSurvey() Survey {
	return Survey{ID: "pulse", Name: "Pulse", Audience: Employee, Version: 1, Items: []Item{
		{ID: "q1", Text: "One", Scale: Likert5, Construct: "c", Kind: Behavior, Version: 1},
		{ID: "q2", Text: "Two", Scale: Likert5, Construct: "c", Kind: Behavior, Version: 1},
		{ID: "enps", Text: "Recommend", Scale: NPS, Construct: ENPS, Kind: Outcome, Version: 1},
	}}
}

// FuzzCSVFastPath states that the one-pass reading of plain records gives
// exactly what the general parser gives: the same rows, or the same error.
func FuzzCSVFastPath(f *testing.F) {
	const header = "respondent_id,unit_id,wave,submitted_at,q1,q2,enps,extra\n"
	for _, body := range []string{
		"r1,t1,w1,2026-01-05T09:00:00Z,1,5,10,x\nr2,t2,w1,2026-01-05T09:00:00Z,,3,,\n",
		"r1, t1 ,w1,2026-01-05T09:00:00Z,1,5,10,x\r\nr2,t2,w1, 2026-01-05T09:00:00Z ,6,3,,\n",
		"r1,t1,w1,2026-02-30T09:00:00Z,1,5,10,x\n\n\"r2\",t2,w1,2026-01-05T09:00:00+01:00,02,3, 7 ,y\n",
		"r1,t1,w1,2026-01-05T09:00:00Z,1,5\nr2,t2,w1,2026-01-05T09:00:00Z,1,5,10,x,z\n",
		"r1,t/1,w1,2026-01-05T09:00:00Z,1,5,10,x\nr2,,w1,2026-01-05T09:00:00Z,a,-1,11,x",
	} {
		f.Add(body, false)
		f.Add(body, true)
	}
	s := fastPathSurvey()
	f.Fuzz(func(t *testing.T, body string, skipBad bool) {
		data := []byte(header + body)
		opts := &CSVOptions{SkipBadRows: skipBad}
		fast, slow := scanAll(t, data, s, opts, true), scanAll(t, data, s, opts, false)
		if fast != slow {
			t.Fatalf("the fast path reads\n%s\nthe general parser reads\n%s", fast, slow)
		}
	})
}
