package cx_test

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/leanovate/gopter/prop"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
)

// cutWorld is a set of blocks of people, by cross-sectional and paired
// signature ("" for none).
type cutWorld []cx.CutBlock

func (w cutWorld) String() string {
	var b strings.Builder
	for _, x := range w {
		fmt.Fprintf(&b, "(%q,%q)=%d ", x.Cross, x.Paired, x.N)
	}
	return b.String()
}

// bruteSmallNewGroup enumerates every 0/1 value of the blocks and keeps
// those a combination gives, b(c) + p(π) with b(c0) = p(π0) = 0: values
// a(c) - a(π) for levels a with a(c0) = a(π0) = 0, checked by walking
// each connected part. It reports whether one is new (not a union of
// whole blocks c ≠ c0) and holds 1 to min-1 people.
func bruteSmallNewGroup(min int, w cutWorld) bool {
	for mask := 1; mask < 1<<len(w); mask++ {
		x := func(i int) int { return mask >> i & 1 }
		n, isNew := 0, false
		for i, b := range w {
			if x(i) == 1 {
				n += b.N
				if b.Cross == "" {
					isNew = true
				}
			}
			for j, o := range w {
				if o.Cross == b.Cross && x(i) != x(j) {
					isNew = true
				}
			}
		}
		if n == 0 || n >= min || !isNew {
			continue
		}
		// Levels: a["c:"+c] - a["p:"+π] = x on every block; c0 and π0 at 0.
		a := map[string]int{}
		pinned := []string{"c:", "p:"}
		consistent := true
		var visit func(node string)
		visit = func(node string) {
			for i, b := range w {
				c, p := "c:"+b.Cross, "p:"+b.Paired
				if node != c && node != p {
					continue
				}
				if _, ok := a[c]; !ok {
					a[c] = a[p] + x(i)
					visit(c)
				} else if _, ok := a[p]; !ok {
					a[p] = a[c] - x(i)
					visit(p)
				} else if a[c]-a[p] != x(i) {
					consistent = false
				}
			}
		}
		for _, node := range pinned {
			if _, ok := a[node]; !ok {
				a[node] = 0
				visit(node)
			} else if a[node] != 0 {
				consistent = false
			}
		}
		for _, b := range w {
			if _, ok := a["c:"+b.Cross]; !ok {
				a["c:"+b.Cross] = 0
				visit("c:" + b.Cross)
			}
		}
		if consistent {
			return true
		}
	}
	return false
}

// The planner's minimum cuts find a new group below the minimum exactly
// when one exists among the values combinations give, enumerated. 300
// random sets of up to 10 blocks by default (CXCULTURE_TEST_SCALE for
// more).
func TestPairedCutFindsExactlyTheSmallGroups(t *testing.T) {
	props := cxgen.NewProperties(t, 300)
	found := 0
	props.Property("a small cut exactly when a small new group", prop.ForAll(func(w cutWorld) string {
		model, brute := cx.SmallNewGroup(5, w), bruteSmallNewGroup(5, w)
		if model {
			found++
		}
		if model != brute {
			return fmt.Sprintf("model %v, enumeration %v: %v", model, brute, w)
		}
		return ""
	}, cxgen.From(func(r *rand.Rand) cutWorld {
		crosses, paireds := []string{"", "a", "b", "c"}[:2+r.Intn(3)], []string{"", "x", "y", "z", "u"}[:2+r.Intn(4)]
		seen := map[[2]string]bool{}
		var w cutWorld
		for range 1 + r.Intn(10) {
			c, p := crosses[r.Intn(len(crosses))], paireds[r.Intn(len(paireds))]
			if seen[[2]string{c, p}] || c == "" && p == "" {
				continue // a block is one pair of signatures; no one is in c0 and π0
			}
			seen[[2]string{c, p}] = true
			w = append(w, cx.CutBlock{Cross: c, Paired: p, N: 1 + r.Intn(8)})
		}
		return w
	})))
	props.Run()
	t.Logf("%d sets of blocks with a small new group", found)
	if found == 0 {
		t.Error("the property never met a small new group: it is vacuous")
	}
}
