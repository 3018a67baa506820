package cx_test

import (
	"math/rand"
	"slices"

	"github.com/leanovate/gopter"
)

// The attacker property's cases: generated organizations and their
// shrinking.

func genAttackCase() gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		r := p.Rng
		c := attackCase{Min: 3 + r.Intn(3), Keys: r.Intn(3), Waves: 1 + r.Intn(2), Cats: 2}
		c.WaveRule = c.Waves > 1 && r.Intn(2) == 0
		if c.Keys == 2 && r.Intn(2) == 0 {
			c.Keys = 1
		}
		if c.Keys < 2 && r.Intn(2) == 0 {
			c.Cats = 3
		}
		n := 2 + r.Intn(6)
		c.Parents = make([]int, n)
		for i := 1; i < n; i++ {
			c.Parents[i] = r.Intn(i)
		}
		h := c.hierarchy()
		combos := [][]int{{}}
		for range c.Keys {
			var next [][]int
			for _, s := range combos {
				for v := range segValues {
					next = append(next, append(slices.Clone(s), v))
				}
			}
			combos = next
		}
		for w := range c.Waves {
			for u := range n {
				// Units with children often have no direct respondents.
				if !h.IsLeaf(c.unitID(u)) && r.Intn(3) > 0 {
					continue
				}
				for _, s := range combos {
					if len(s) > 0 && s[0] == 0 && r.Intn(3) > 0 {
						continue // few respondents lack the first attribute
					}
					var k int
					switch x := r.Intn(10); {
					case x < 4:
						k = 0
					case x < 8:
						k = 1 + r.Intn(4)
					default:
						k = 5 + r.Intn(6)
					}
					if k > 0 {
						c.Atoms = append(c.Atoms, atom{Unit: u, Wave: w, Seg: slices.Clone(s), N: k, Ans: answersOf(r, k, c.Cats)})
					}
				}
			}
		}
		if r.Intn(2) == 0 {
			// Invited counts: the respondents plus a few who did not
			// answer, often none (a full response, which pins counts).
			c.Invited = make([][]int, c.Waves)
			for w := range c.Waves {
				c.Invited[w] = make([]int, n)
				for _, a := range c.Atoms {
					if a.Wave == w {
						c.Invited[w][a.Unit] += a.N
					}
				}
				for u := range n {
					if r.Intn(2) == 0 {
						c.Invited[w][u] += 1 + r.Intn(3)
					}
				}
			}
		}
		return gopter.NewGenResult(c, shrinkAttackCase)
	}
}

// answersOf draws the answers of n people by category: usually everyone
// answers, sometimes a few skip; unanimous (all in one category) about
// half the time, so that unanimous groups are common.
func answersOf(r *rand.Rand, n, cats int) []int {
	a := n
	if r.Intn(3) == 0 {
		a = r.Intn(n + 1)
	}
	out := make([]int, cats)
	if r.Intn(2) == 0 {
		out[r.Intn(cats)] = a
		return out
	}
	for range a {
		out[r.Intn(cats)]++
	}
	return out
}

// shrinkAttackCase offers smaller cases: without the wave rule, the
// invited counts, a wave or a key; without an atom, with an atom of one
// respondent or one answer fewer; without the last unit when it is a leaf
// with no atoms.
func shrinkAttackCase(v interface{}) gopter.Shrink {
	c := v.(attackCase)
	var cands []attackCase
	if c.WaveRule {
		d := c
		d.WaveRule = false
		cands = append(cands, d)
	}
	if c.Invited != nil {
		d := c
		d.Invited = nil
		cands = append(cands, d)
	}
	if c.Waves > 1 {
		d := c
		d.Waves = c.Waves - 1
		d.Atoms = slices.DeleteFunc(slices.Clone(c.Atoms), func(a atom) bool { return a.Wave >= d.Waves })
		if d.Invited != nil {
			d.Invited = d.Invited[:d.Waves]
		}
		cands = append(cands, d)
	}
	if c.Keys > 0 {
		d := c
		d.Keys--
		d.Atoms = nil
		for _, a := range c.Atoms {
			a.Seg = a.Seg[:d.Keys]
			d.Atoms = append(d.Atoms, a)
		}
		cands = append(cands, d)
	}
	last := len(c.Parents) - 1
	if last > 1 && !slices.Contains(c.Parents[1:], last) {
		d := c
		d.Parents = c.Parents[:last]
		d.Atoms = slices.DeleteFunc(slices.Clone(c.Atoms), func(a atom) bool { return a.Unit == last })
		if d.Invited != nil {
			d.Invited = make([][]int, len(c.Invited))
			for w := range c.Invited {
				d.Invited[w] = c.Invited[w][:last]
			}
		}
		cands = append(cands, d)
	}
	for i := range c.Atoms {
		d := c
		d.Atoms = slices.Delete(slices.Clone(c.Atoms), i, i+1)
		cands = append(cands, d)
	}
	for i, a := range c.Atoms {
		for cat, k := range a.Ans {
			if k == 0 {
				continue
			}
			// One answer fewer: one person fewer, or one who skipped.
			for _, fewer := range []bool{true, false} {
				d := c
				d.Atoms = slices.Clone(c.Atoms)
				d.Atoms[i].Ans = slices.Clone(a.Ans)
				d.Atoms[i].Ans[cat]--
				if fewer {
					d.Atoms[i].N--
					if d.Invited != nil {
						d.Invited = cloneInvited(c.Invited)
						d.Invited[a.Wave][a.Unit]--
					}
				}
				cands = append(cands, d)
			}
			break
		}
	}
	i := 0
	return func() (interface{}, bool) {
		if i >= len(cands) {
			return nil, false
		}
		i++
		return cands[i-1], true
	}
}

func cloneInvited(in [][]int) [][]int {
	out := make([][]int, len(in))
	for w := range in {
		out[w] = slices.Clone(in[w])
	}
	return out
}
