package simulate_test

import (
	"fmt"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx/simulate"
	"github.com/cxculture/cxculture/metrics"
)

// A quarter of weekly pulses in three divisions, with a 90-day
// empowerment project in division d1 from the fifth week.
func Example() {
	d, err := simulate.Generate(simulate.Config{
		Seed:  2025,
		Waves: 13,
		Lifts: []simulate.Lift{{Units: []string{"d1"}, From: 4, Behaviors: []string{culture.Empowerment}, Size: 0.5, Ramp: 3}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(d.Teams), "teams,", len(d.Waves), "waves from", d.Waves[0].Opens.Format("2006-01-02"), "to", d.Waves[12].Closes.Format("2006-01-02"))
	fmt.Println(len(d.Responses), "responses, the first:", d.Responses[0].ID)
	fmt.Printf("latent empowerment of d1-t1: week 1 %.2f, week 13 %.2f\n",
		d.Latent("d1-t1", 0, culture.Empowerment), d.Latent("d1-t1", 12, culture.Empowerment))
	// Output:
	// 12 teams, 13 waves from 2025-01-06 to 2025-04-07
	// 1615 responses, the first: 0ee5ad34-5232-5bf9-be55-1a62156e8cdd
	// latent empowerment of d1-t1: week 1 0.43, week 13 0.93
}

// Power planning: how often does a pulse detect a lift of 0.3 on the
// latent scale in one division of four teams of 8 to 12 people, comparing
// the favorable share of the empowerment items in the last four waves with
// the first four? Each seed is one imagined program.
func Example_power() {
	detected, programs := 0, 40
	for seed := range int64(programs) {
		d, err := simulate.Generate(simulate.Config{
			Seed: seed, Waves: 8, Divisions: 1, TeamsPerDivision: 4, MinTeamSize: 8, MaxTeamSize: 12,
			Lifts: []simulate.Lift{{Units: []string{"d1"}, From: 4, Behaviors: []string{culture.Empowerment}, Size: 0.3}},
		})
		if err != nil {
			fmt.Println(err)
			return
		}
		var before, after metrics.Proportion
		for _, r := range d.Responses {
			half := &before
			if r.Wave >= d.Waves[4].ID { // wave IDs sort by date
				half = &after
			}
			for id, v := range r.Answers {
				if it, _ := d.Survey.Item(id); it.Construct == culture.Empowerment {
					half.N++
					if it.Scale.Favorable(it.Keyed(v)) {
						half.Successes++
					}
				}
			}
		}
		if metrics.NewcombeDiff(after, before, 0.95).Lower > 0 {
			detected++
		}
	}
	fmt.Printf("lift detected in %d of %d simulated programs\n", detected, programs)
	// Output:
	// lift detected in 27 of 40 simulated programs
}
