package cx

import (
	"fmt"

	"github.com/cxculture/cxculture/survey"
)

// prepareOrgs finds the org of each wave of a panel with an Org, and the
// units whose people changed from one wave to the next.
func (p *Panel) prepareOrgs() error {
	if p.Org == nil || len(p.Waves) == 0 {
		return nil
	}
	hs, err := waveOrgs(p.Org, p.Waves)
	if err != nil {
		return err
	}
	p.orgs, p.orgBreak = hs, map[Group]bool{}
	for i := 1; i < len(p.Waves); i++ {
		prev, cur := p.Waves[i-1], p.Waves[i]
		if !p.Org.Changed(prev.Opens, cur.Opens) {
			continue
		}
		l, ok := p.Org.Lineage(prev.Opens, cur.Opens)
		if !ok || l.Identity() {
			continue
		}
		for _, u := range hs[cur.ID].IDs() {
			if c, _ := l.Compare(u); !c.Comparable || c.Restated {
				p.orgBreak[Group{u, cur.ID}] = true
			}
		}
	}
	return nil
}

// notInOrg says why unit has no figure in wave: it was not in the org
// when the wave opened; "" when it was (or the panel has no Org).
func (p *Panel) notInOrg(unit, wave string) string {
	h, ok := p.orgs[wave]
	if !ok || h.Has(unit) {
		return ""
	}
	return fmt.Sprintf("not in the org when wave %s opened", wave)
}

// planOrgs plans the panel's waves under its Privacy, each on the org in
// force when it opened.
func (p *Panel) planOrgs() (*Disclosure, error) {
	priv := p.Privacy.WithDefaults()
	if p.orgs == nil {
		return priv.PlanSurvey(p.Survey, p.Hierarchy, p.Tallies, p.order, nil)
	}
	return planRuns(priv, p.Survey, p.Waves, p.orgs, p.Tallies, nil)
}

// rollUpOrgs rolls t up: each wave on its org when the panel has an
// Org, every wave on Hierarchy otherwise.
func (p *Panel) rollUpOrgs(t *Tallies) (*Tallies, error) {
	if p.orgs == nil {
		return t.rollUp(p.Hierarchy, nil)
	}
	out := NewTallies(t.Survey)
	for _, w := range p.Waves {
		part, err := t.rollUp(p.orgs[w.ID], map[string]bool{w.ID: true})
		if err != nil {
			return nil, fmt.Errorf("cx: wave %s: %w", w.ID, err)
		}
		if err := out.Merge(part); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// planRuns plans waves (in time order) under priv, each on its org: a run
// of consecutive waves on one org together, the runs' plans merged.
func planRuns(priv Privacy, s survey.Survey, waves []survey.Wave, hs map[string]*Hierarchy, t *Tallies, segs *Segments) (*Disclosure, error) {
	var runs [][]survey.Wave
	var orgs []*Hierarchy
	for _, w := range waves {
		h := hs[w.ID]
		if n := len(orgs); n > 0 && orgs[n-1].SameShape(h) {
			runs[n-1] = append(runs[n-1], w)
			continue
		}
		runs = append(runs, []survey.Wave{w})
		orgs = append(orgs, h)
	}
	plans := make([]*Disclosure, len(runs))
	for i, run := range runs {
		var err error
		if plans[i], err = priv.PlanWaves(s, orgs[i], t, run, segs); err != nil {
			return nil, err
		}
	}
	return mergePlans(plans), nil
}
