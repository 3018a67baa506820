package org_test

import (
	"testing"

	"github.com/cxculture/cxculture/cx/internal/cxgen"
	"github.com/cxculture/cxculture/cx/org"
)

// BenchmarkNewHistory replays the history of the org of 3,031 units of
// cxgen.BenchOrg with 60 dated moves: what a program does when the stored
// history changed, and a store does to check a change.
func BenchmarkNewHistory(b *testing.B) {
	adds, moves := cxgen.BenchOrg(60)
	changes := append(adds, moves...)
	for b.Loop() {
		if _, err := org.NewHistory(changes); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckManyUnits checks the adds of the 3,031 units of
// cxgen.BenchOrg against an empty history, as DefineUnits does (and the
// store again) when an org is first defined.
func BenchmarkCheckManyUnits(b *testing.B) {
	changes, _ := cxgen.BenchOrg(0)
	for b.Loop() {
		if _, err := org.Check(nil, changes); err != nil {
			b.Fatal(err)
		}
	}
}
