package cx_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/survey"
)

// pairedBenchProgram stores an org of 2,001 units (an agency, 20
// divisions, 100 departments, 1,880 teams) and 100,000 people who answer
// the 26 items of the benchmark survey in 3 waves, with churn: each wave
// a person is absent with probability 10%, leaves for good (replaced by
// a newcomer) with 4%, moves to another team with 3%; a tenth of the
// teams are small (3 to 8 people). Fixed seed.
func pairedBenchProgram(b *testing.B, people, nteams int) *cx.Program {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(14, 16))
	units := []cx.Unit{{ID: "org", Name: "Agency"}}
	for d := range 20 {
		units = append(units, cx.Unit{ID: fmt.Sprintf("div%02d", d), Parent: "org", Name: fmt.Sprintf("Division %d", d)})
	}
	for d := range 100 {
		units = append(units, cx.Unit{ID: fmt.Sprintf("dep%03d", d), Parent: fmt.Sprintf("div%02d", d/5), Name: fmt.Sprintf("Department %d", d)})
	}
	var teams []string
	for t := range nteams {
		id := fmt.Sprintf("team%04d", t)
		teams = append(teams, id)
		units = append(units, cx.Unit{ID: id, Parent: fmt.Sprintf("dep%03d", t/19), Name: fmt.Sprintf("Team %d", t)})
	}
	// A tenth of the teams are small; the others share the rest.
	var small, large []string
	for i, t := range teams {
		if i%10 == 0 {
			small = append(small, t)
		} else {
			large = append(large, t)
		}
	}
	home := make([]string, people)
	i := 0
	for _, t := range small {
		for range 3 + rng.IntN(6) {
			home[i] = t
			i++
		}
	}
	for ; i < people; i++ {
		home[i] = large[rng.IntN(len(large))]
	}
	names := make([]string, people)
	for i := range names {
		names[i] = fmt.Sprintf("p%06d", i)
	}
	ps, err := cx.NewPseudonymizer([]byte("a key for the paired benchmark, 32 bytes"))
	if err != nil {
		b.Fatal(err)
	}
	start := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	now := start.AddDate(2, 0, 0)
	p, err := cx.New(memstore.New(), &cx.Options{Now: func() time.Time { return now }, Pseudonymizer: ps})
	if err != nil {
		b.Fatal(err)
	}
	if err := p.DefineUnits(ctx, units...); err != nil {
		b.Fatal(err)
	}
	s := benchSurvey()
	if err := p.DefineSurvey(ctx, s); err != nil {
		b.Fatal(err)
	}
	joined := people
	for w := range 3 {
		opens := start.AddDate(0, 3*w, 0)
		wv := survey.Wave{ID: fmt.Sprintf("w%d", w+1), Survey: s.ID, Name: opens.Format("January 2006"), Opens: opens, Closes: opens.AddDate(0, 0, 14)}
		if err := p.OpenWave(ctx, wv); err != nil {
			b.Fatal(err)
		}
		var rs []survey.Response
		for i := range people {
			if w > 0 {
				switch x := rng.Float64(); {
				case x < 0.04:
					names[i] = fmt.Sprintf("p%06d", joined)
					joined++
				case x < 0.07:
					home[i] = teams[rng.IntN(len(teams))]
				}
			}
			if rng.Float64() < 0.1 {
				continue
			}
			r := survey.Response{ID: uuid.NewSHA1(uuid.NameSpaceOID, []byte(wv.ID+names[i])), Survey: s.ID, Wave: wv.ID, Unit: home[i],
				Respondent: names[i], Submitted: opens.Add(time.Hour), Answers: map[string]int{}}
			for _, it := range s.Items {
				if it.Kind == survey.Outcome {
					r.Answers[it.ID] = rng.IntN(11)
				} else if rng.IntN(33) != 0 {
					r.Answers[it.ID] = 1 + rng.IntN(5)
				}
			}
			rs = append(rs, r)
		}
		if _, err := p.RecordResponses(ctx, rs); err != nil {
			b.Fatal(err)
		}
	}
	return p
}

// BenchmarkPairedPlan measures planning the paired figures of every pair
// of 3 waves (2,001 units, about 90,000 respondents a wave, 26 items),
// from responses and the program's plan already read; and a whole paired
// comparison of every unit, reading the responses and planning.
func BenchmarkPairedPlan(b *testing.B) {
	start := time.Now()
	p := pairedBenchProgram(b, 100000, 1880)
	b.Logf("stored in %v", time.Since(start))
	b.Run("plan", func(b *testing.B) {
		start := time.Now()
		plan, err := cx.PairedPlanner(b.Context(), p, "pulse")
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("read and planned the scorecards in %v", time.Since(start))
		shown := 0
		for b.Loop() {
			shown = plan()
		}
		b.ReportMetric(float64(shown), "shown")
	})
	b.Run("PairedChange", func(b *testing.B) {
		for b.Loop() {
			if _, err := p.PairedChange(b.Context(), "pulse", cx.PairedOptions{Wave: "w3", Baseline: "w1", AllUnits: true}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
