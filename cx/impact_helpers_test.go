package cx_test

import (
	"math"
	"math/rand/v2"
	"slices"
)

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 11)) }

func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

func sqrtInt(n int) float64 { return math.Sqrt(float64(n)) }
