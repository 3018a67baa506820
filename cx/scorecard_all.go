package cx

import (
	"errors"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/cxculture/cxculture/survey"
)

// scorecardPlans are the disclosure plans of the options that need one,
// made on goroutines of their own (as many at once as there are
// processors, each option's by one goroutine).
type scorecardPlans struct {
	// planned[i] is closed once opts[i] has its plan, plans[i] (or
	// errs[i]); nil for options planned by no run.
	planned []chan struct{}
	plans   []ScorecardOptions
	errs    []error
	toPlan  []int
}

// plannedWaves returns the waves the plans of opts read: the scored wave
// and the baseline of each option that needs a plan.
func plannedWaves(opts []ScorecardOptions) []string {
	var waves []string
	for _, o := range opts {
		if o.Privacy == nil || o.Disclosure != nil {
			continue
		}
		for _, w := range []string{o.baseKey, o.Wave} {
			if w != "" && !slices.Contains(waves, w) {
				waves = append(waves, w)
			}
		}
	}
	return waves
}

// startPlans starts the plans of the options of opts that need one,
// over the rolled-up tallies r (which must hold their waves).
func startPlans(h *Hierarchy, s survey.Survey, r *rolled, opts []ScorecardOptions) *scorecardPlans {
	space := surveySpace(s)
	runs := &scorecardPlans{planned: make([]chan struct{}, len(opts)), plans: make([]ScorecardOptions, len(opts)), errs: make([]error, len(opts))}
	for i, o := range opts {
		if o.Privacy != nil && o.Disclosure == nil {
			runs.planned[i] = make(chan struct{})
			runs.toPlan = append(runs.toPlan, i)
		}
	}
	var nextPlan atomic.Int64
	for range min(len(runs.toPlan), runtime.GOMAXPROCS(0)) {
		go func() {
			for k := int(nextPlan.Add(1) - 1); k < len(runs.toPlan); k = int(nextPlan.Add(1) - 1) {
				i := runs.toPlan[k]
				o := opts[i]
				// The scored wave and its baseline, which need not be
				// consecutive: no wave-difference rule.
				pr := *o.Privacy
				pr.WaveDifference = false
				waves := []string{o.Wave}
				if o.Baseline != "" {
					waves = []string{o.baseKey, o.Wave}
				}
				var err error
				if o.Disclosure, err = pr.plan(h, r.respondents, r.answers(space), space, nil, waves, nil); err == nil {
					o.Privacy = &pr
				}
				runs.plans[i], runs.errs[i] = o, err
				close(runs.planned[i])
			}
		}()
	}
	return runs
}

// wait waits for every plan.
func (runs *scorecardPlans) wait() {
	for _, i := range runs.toPlan {
		<-runs.planned[i]
	}
}

// scoreAll computes the scorecards of opts in parallel. The disclosure
// plans of the options that need one are made from the start by runs
// (started from r when nil), while stats computes the reliability
// statistics, so that the plans (the longest part of a few small
// scorecards) do not wait for them.
func scoreAll(h *Hierarchy, s survey.Survey, r *rolled, runs *scorecardPlans, stats func() (map[string]groupStats, error), opts []ScorecardOptions) ([]*Scorecard, error) {
	out := make([]*Scorecard, len(opts))
	errs := make([]error, len(opts))
	if runs == nil {
		runs = startPlans(h, s, r, opts)
	}
	planned, plans := runs.planned, runs.plans
	byWave, err := stats()
	if err != nil {
		runs.wait()
		return nil, err
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(len(opts), runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(opts); i = int(next.Add(1) - 1) {
				o := opts[i]
				if planned[i] != nil {
					<-planned[i]
					if errs[i] = runs.errs[i]; errs[i] != nil {
						continue
					}
					o = plans[i]
				}
				out[i], errs[i] = score(h, s, &rolledReader{rolled: r}, byWave[o.Wave], o)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}
