package cx

import (
	"fmt"
	"maps"
)

// suppress returns the units whose figures are hidden in one wave, with
// the reason: those in pre, those with fewer than min respondents (n
// gives a unit's respondents, rolled up), and, to a fixpoint, enough
// others that no hidden group can be worked out by subtraction along the
// hierarchy, where a unit's respondents are those of its children plus
// its own direct respondents (never shown, but derivable). The rules,
// checked in every parent's relation: no hidden group with respondents
// and no group of 1 to min-1 direct respondents may be the only unknown
// term, and the unknown parts of a relation whose total is known must
// hold 0 or at least min respondents. A broken rule hides the smallest
// shown child with respondents (ties by ID), or else the parent. Hidden
// cells without respondents count as known to be empty. This is the
// hierarchy part of the program's privacy plan; a disclosure plan that
// also covers segments and waves passes its hidden cells through
// PulseOptions.Hidden, and they take part in the same rules.
func suppress(h *Hierarchy, n func(string) int64, min int64, pre map[string]string) map[string]string {
	hidden := maps.Clone(pre)
	if hidden == nil {
		hidden = map[string]string{}
	}
	ids := h.IDs()
	for _, u := range ids {
		if _, ok := hidden[u]; !ok && n(u) < min {
			hidden[u] = fmt.Sprintf("fewer than %d respondents", min)
		}
	}
	var parents []string
	own := map[string]int64{}
	for _, u := range ids {
		if h.IsLeaf(u) {
			continue
		}
		parents = append(parents, u)
		o := n(u)
		for _, c := range h.Children(u) {
			o -= n(c)
		}
		own[u] = o
	}
	// mend hides, in p's relation, the smallest shown child with
	// respondents, or else p, to protect what; it reports whether it hid
	// a cell.
	mend := func(p, what string) bool {
		best := ""
		for _, c := range h.Children(p) {
			if _, hid := hidden[c]; hid || n(c) == 0 {
				continue
			}
			if best == "" || n(c) < n(best) {
				best = c
			}
		}
		if best == "" {
			if _, hid := hidden[p]; hid || n(p) == 0 {
				return false
			}
			best = p
		}
		// The reason leaders read names no unit, nor what it protects.
		hidden[best] = Reason{Kind: Complementary, Min: int(min)}.String()
		return true
	}
	for {
		det := map[string]bool{}    // hidden units the relations determine
		ownDet := map[string]bool{} // parents whose direct respondents are determined
		known := func(u string) bool { _, hid := hidden[u]; return !hid || n(u) == 0 || det[u] }
		ownKnown := func(p string) bool { return own[p] == 0 || ownDet[p] }
		by := map[string]string{} // determined unit → relation (parent) that determined it
		var order []string
		for changed := true; changed; {
			changed = false
			for _, p := range parents {
				var unknown []string
				if !known(p) {
					unknown = append(unknown, p)
				}
				for _, c := range h.Children(p) {
					if !known(c) {
						unknown = append(unknown, c)
					}
				}
				ownUnknown := !ownKnown(p)
				switch {
				case len(unknown) == 1 && !ownUnknown:
					det[unknown[0]], by[unknown[0]] = true, p
					order = append(order, unknown[0])
					changed = true
				case len(unknown) == 0 && ownUnknown:
					ownDet[p] = true
					changed = true
				}
			}
		}
		fixed := false
		for _, x := range order {
			if fixed = mend(by[x], x); fixed {
				break
			}
		}
		for _, p := range parents {
			if fixed {
				break
			}
			if ownDet[p] && own[p] > 0 && own[p] < min {
				fixed = mend(p, "the direct respondents of "+p)
				continue
			}
			if !known(p) {
				continue
			}
			var sum int64
			protect := ""
			for _, c := range h.Children(p) {
				if !known(c) {
					sum += n(c)
					if protect == "" {
						protect = c
					}
				}
			}
			if !ownKnown(p) {
				sum += own[p]
				if protect == "" {
					protect = "the direct respondents of " + p
				}
			}
			if sum > 0 && sum < min {
				fixed = mend(p, protect)
			}
		}
		if !fixed {
			return hidden
		}
	}
}
