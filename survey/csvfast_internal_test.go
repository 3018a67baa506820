package survey

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
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

// TestIDTableNumbersEveryID states that the reader's table of IDs gives
// every valid ID its own key, from 0 in the order met, the same key each
// time the ID is met again, and -1 past maxIDs distinct IDs; it refuses
// fields that are not IDs. The model is a Go map.
func TestIDTableNumbersEveryID(t *testing.T) {
	const distinct = maxIDs + 500
	done := make(chan error, 1)
	go func() {
		var tab idTable
		model := map[string]int32{}
		check := func(id string) error {
			want, ok := model[id]
			if !ok {
				want = int32(len(model))
				if want >= maxIDs {
					want = -1
				}
				model[id] = want
			}
			s, k, ok := tab.intern([]byte(id))
			if !ok || s != id || k != want {
				return fmt.Errorf("intern(%q) = %q, %d, %v; want %q, %d, true", id, s, k, ok, id, want)
			}
			return nil
		}
		for i := range distinct {
			// Each new ID, then one met before (the 7th-last), so
			// that lookups of known IDs interleave with growth.
			for _, j := range []int{i, max(0, i-7)} {
				if err := check(fmt.Sprintf("team%05d", j)); err != nil {
					done <- err
					return
				}
			}
		}
		for _, bad := range []string{"", " team00001", "team00001 ", "a b"} {
			if _, _, ok := tab.intern([]byte(bad)); ok {
				done <- fmt.Errorf("intern(%q) accepted a field that is not an ID", bad)
				return
			}
		}
		done <- nil
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the table of IDs did not number the IDs within 30 s")
	}
}

// TestIDTableFindsMostIDsAtTheirSlot states that the hash spreads IDs
// that differ in their last characters (team0000 to team0399, as in the
// benchmark export, and waves 1 to 12): a lookup compares about one
// string, not a run of neighbours.
func TestIDTableFindsMostIDsAtTheirSlot(t *testing.T) {
	for _, c := range []struct {
		format string
		n      int
	}{{"team%04d", 400}, {"%d", 12}, {"division-%02d", 20}, {"respondent-%07d", 5000}} {
		var tab idTable
		for i := range c.n {
			tab.intern(fmt.Appendf(nil, c.format, i))
		}
		mask := uint(len(tab.slots)) - 1
		probes := 0
		for i := range c.n {
			id := fmt.Sprintf(c.format, i)
			j := idHash([]byte(id)) & mask
			for tab.slots[j].s != id {
				probes++
				j = (j + 1) & mask
			}
			probes++
		}
		if mean := float64(probes) / float64(c.n); mean > 1.5 {
			t.Errorf("%s, %d IDs: %.2f slots compared per lookup, want at most 1.5 (a table at most a quarter full)", c.format, c.n, mean)
		}
	}
}

// TestTextProblemOfBytesAgrees states that the check of a byte slice
// agrees with TextProblem on every byte value at every position of
// fields of 1 to 19 bytes (the eight-byte steps and the tail), around
// printable text.
func TestTextProblemOfBytesAgrees(t *testing.T) {
	for n := 1; n < 20; n++ {
		for pos := range n {
			for c := range 256 {
				b := bytes.Repeat([]byte{'a'}, n)
				b[pos] = byte(c)
				gotReason, gotOK := textProblem(b)
				wantReason, wantOK := TextProblem(string(b))
				if gotReason != wantReason || gotOK != wantOK {
					t.Fatalf("%q: textProblem %q, %v; TextProblem %q, %v", b, gotReason, gotOK, wantReason, wantOK)
				}
			}
		}
	}
	for _, s := range []string{"", "respondent-0001", "é", "caf\xc3\xa9 au lait", "\x1f", "abcdefg\x7f", "abcdefgh\x00", "\xff\xfe"} {
		gotReason, gotOK := textProblem([]byte(s))
		wantReason, wantOK := TextProblem(s)
		if gotReason != wantReason || gotOK != wantOK {
			t.Errorf("%q: textProblem %q, %v; TextProblem %q, %v", s, gotReason, gotOK, wantReason, wantOK)
		}
	}
}

// TestIDTableReadsIDsInsideRecords interns IDs of 1 to 10 characters
// that share prefixes ("b1" and "b12"), read as fields of one record, so
// that bytes of the next fields follow each one in memory, and the last
// field ends the buffer: every ID gets its key in the order met, as a Go
// map numbers them.
func TestIDTableReadsIDsInsideRecords(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 9))
	var tab idTable
	model := map[string]int32{}
	for range 200 {
		var fields []string
		for range 1 + rng.IntN(40) {
			id := make([]byte, 1+rng.IntN(10))
			for j := range id {
				id[j] = "ab12"[rng.IntN(4)]
			}
			fields = append(fields, string(id))
		}
		rec := []byte(strings.Join(fields, ","))
		pos := 0
		for _, f := range fields {
			b := rec[pos : pos+len(f)]
			pos += len(f) + 1
			want, ok := model[f]
			if !ok {
				want = int32(len(model))
				model[f] = want
			}
			if s, k, ok := tab.intern(b); !ok || s != f || k != want {
				t.Fatalf("intern(%q) = %q, %d, %v; want %q, %d, true", b, s, k, ok, f, want)
			}
		}
	}
	if len(model) < 1000 {
		t.Fatalf("only %d distinct IDs met", len(model))
	}
}

// TestFourAnswersAtOnceReadAsTheGeneralParser reads records whose item
// columns are read four at a time (items on five points, on 2..3, on
// 0..10, in the survey's order and not), with any one-digit answer in
// every field, and compares with the general parser: the same rows, and
// the same error for the first answer off its scale.
func TestFourAnswersAtOnceReadAsTheGeneralParser(t *testing.T) {
	narrow := Scale{ID: "narrow", Min: 2, Max: 3, FavorableMin: 3, FavorableMax: 3}
	s := Survey{ID: "pulse", Name: "Pulse", Audience: Employee, Version: 1, Items: []Item{
		{ID: "q1", Text: "One", Scale: Likert5, Construct: "c", Kind: Behavior, Version: 1},
		{ID: "q2", Text: "Two", Scale: narrow, Construct: "d", Kind: Behavior, Version: 1},
		{ID: "q3", Text: "Three", Scale: Likert5, Construct: "c", Kind: Behavior, Version: 1},
		{ID: "q4", Text: "Four", Scale: Likert5, Construct: "c", Kind: Behavior, Version: 1},
		{ID: "q5", Text: "Five", Scale: narrow, Construct: "d", Kind: Behavior, Version: 1},
		{ID: "enps", Text: "Recommend", Scale: NPS, Construct: ENPS, Kind: Outcome, Version: 1},
	}}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, header := range []string{
		"respondent_id,unit_id,wave,submitted_at,q1,q2,q3,q4,q5,enps\n",
		"respondent_id,unit_id,wave,submitted_at,enps,q5,q1,q3,q2,q4\n",
	} {
		for _, skipBad := range []bool{false, true} {
			for range 60 {
				var b strings.Builder
				b.WriteString(header)
				for i := range 1 + rng.IntN(20) {
					fmt.Fprintf(&b, "r%d,t%d,w1,2026-01-05T09:00:00Z", i, rng.IntN(3))
					for range 6 {
						// Mostly answers on every scale, at times one off.
						d := []int{2, 3}[rng.IntN(2)]
						if rng.IntN(8) == 0 {
							d = rng.IntN(10)
						}
						fmt.Fprintf(&b, ",%d", d)
					}
					b.WriteString("\n")
				}
				data := []byte(b.String())
				opts := &CSVOptions{SkipBadRows: skipBad}
				if fast, slow := scanAll(t, data, s, opts, true), scanAll(t, data, s, opts, false); fast != slow {
					t.Fatalf("%s: the fast path reads\n%s\nthe general parser reads\n%s", data, fast, slow)
				}
			}
		}
	}
}

// TestFieldCountsReadAsTheGeneralParser states that the fast path finds
// a record with too few or too many fields, or cut anywhere, as the
// general parser does, whichever column comes last: four answers, one
// answer or a text.
func TestFieldCountsReadAsTheGeneralParser(t *testing.T) {
	s := Survey{ID: "pulse", Name: "Pulse", Audience: Employee, Version: 1}
	for _, id := range []string{"q1", "q2", "q3", "q4", "q5"} {
		s.Items = append(s.Items, Item{ID: id, Text: id, Scale: Likert5, Construct: "c", Kind: Behavior, Version: 1})
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, header := range []string{
		"respondent_id,unit_id,wave,submitted_at,q5,q1,q2,q3,q4",
		"respondent_id,unit_id,wave,submitted_at,q1,q2,q3,q4,q5",
		"q1,q2,q3,q4,q5,unit_id,wave,submitted_at,respondent_id",
		"submitted_at,unit_id,q1,q2,q3,q4,wave,q5,respondent_id",
	} {
		cols := strings.Split(header, ",")
		for _, skipBad := range []bool{false, true} {
			for range 40 {
				var b strings.Builder
				b.WriteString(header + "\n")
				for i := range 1 + rng.IntN(12) {
					fields := make([]string, len(cols))
					for j, c := range cols {
						switch c {
						case "respondent_id":
							fields[j] = fmt.Sprintf("r%d", i)
						case "unit_id":
							fields[j] = fmt.Sprintf("t%d", rng.IntN(3))
						case "wave":
							fields[j] = "w1"
						case "submitted_at":
							fields[j] = "2026-01-05T09:00:00Z"
						default:
							if rng.IntN(6) > 0 {
								fields[j] = fmt.Sprint(1 + rng.IntN(5))
							}
						}
					}
					rec := strings.Join(fields, ",")
					switch rng.IntN(6) {
					case 0: // a field too few
						rec = strings.Join(fields[:len(fields)-1], ",")
					case 1: // an empty field too many
						rec += ","
					case 2: // a field too many
						rec += ",3"
					case 3: // cut anywhere
						rec = rec[:rng.IntN(len(rec)+1)]
					}
					b.WriteString(rec + "\n")
				}
				data := []byte(b.String())
				opts := &CSVOptions{SkipBadRows: skipBad}
				if fast, slow := scanAll(t, data, s, opts, true), scanAll(t, data, s, opts, false); fast != slow {
					t.Fatalf("%s: the fast path reads\n%s\nthe general parser reads\n%s", data, fast, slow)
				}
			}
		}
	}
}
