package org_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/cxculture/cxculture/cx/org"
)

// bigOrg returns the adds of an org of 3,031 units: 30 divisions of 100
// teams.
func bigOrg() []org.Change {
	changes := []org.Change{{Kind: org.Add, Unit: org.Unit{ID: "org", Name: "Org"}}}
	for d := range 30 {
		changes = append(changes, org.Change{Kind: org.Add, Unit: org.Unit{ID: fmt.Sprintf("d%d", d), Parent: "org", Name: fmt.Sprintf("Division %d", d)}})
		for k := range 100 {
			changes = append(changes, org.Change{Kind: org.Add, Unit: org.Unit{ID: fmt.Sprintf("d%dt%d", d, k), Parent: fmt.Sprintf("d%d", d), Name: fmt.Sprintf("Team %d.%d", d, k)}})
		}
	}
	return changes
}

// BenchmarkNewHistory replays the history of the org of bigOrg with 60
// dated moves: what a program does when the stored history changed, and a
// store does to check a change.
func BenchmarkNewHistory(b *testing.B) {
	changes := bigOrg()
	for i := range 60 {
		changes = append(changes, org.Change{Kind: org.Move, Effective: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i),
			Unit: org.Unit{ID: fmt.Sprintf("d%dt%d", i%30, i/30), Parent: fmt.Sprintf("d%d", (i+1)%30)}})
	}
	for b.Loop() {
		if _, err := org.NewHistory(changes); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckManyUnits checks the adds of bigOrg against an empty
// history, as DefineUnits does (and the store again) when an org is first
// defined.
func BenchmarkCheckManyUnits(b *testing.B) {
	changes := bigOrg()
	for b.Loop() {
		if _, err := org.Check(nil, changes); err != nil {
			b.Fatal(err)
		}
	}
}
