package cx

import "context"

// PairedPlanner reads the responses of a survey's waves and its plan once,
// and returns a function that plans the paired figures of every pair of
// its waves and counts those shown: for benchmarks of the planning alone.
func PairedPlanner(ctx context.Context, p *Program, surveyID string) (func() int, error) {
	s, err := p.store.GetSurvey(ctx, surveyID)
	if err != nil {
		return nil, err
	}
	plan, err := p.Disclosure(ctx, surveyID)
	if err != nil {
		return nil, err
	}
	d, err := p.readPaired(ctx, s, plan)
	if err != nil {
		return nil, err
	}
	return func() int { return len(planPaired(d, plan).shown) }, nil
}

// CutBlock is a block of people for [SmallNewGroup]: its cross-sectional
// and paired signatures ("" for none) and its count.
type CutBlock struct {
	Cross, Paired string
	N             int
}

// SmallNewGroup reports whether the paired planner's model finds a new
// group of 1 to min-1 people among blocks.
func SmallNewGroup(min int, blocks []CutBlock) bool {
	bs := make([]cutBlock, len(blocks))
	number := func(m map[string]int32, key string) int32 {
		if _, ok := m[key]; !ok {
			m[key] = int32(len(m))
		}
		return m[key]
	}
	cross, paired := map[string]int32{"": 0}, map[string]int32{"": 0}
	for i, b := range blocks {
		bs[i] = cutBlock{cross: number(cross, b.Cross), paired: number(paired, b.Paired), n: b.N}
	}
	g := newCutGraph(bs, min)
	for i := range bs {
		if g.smallCut(i) != nil {
			return true
		}
	}
	return false
}
