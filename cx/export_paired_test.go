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
