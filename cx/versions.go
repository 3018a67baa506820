package cx

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/cxculture/cxculture/survey"
)

// surveyVersion returns version v of a stored survey (the latest when v
// is zero), or ErrNotFound.
func surveyVersion(ctx context.Context, store Store, id string, v int) (survey.Survey, error) {
	if v == 0 {
		return store.GetSurvey(ctx, id)
	}
	vs, err := store.ListSurveyVersions(ctx, id)
	if err != nil {
		return survey.Survey{}, err
	}
	for _, s := range vs {
		if s.Version == v {
			return s, nil
		}
	}
	return survey.Survey{}, fmt.Errorf("cx: survey %s has no version %d: %w", id, v, ErrNotFound)
}

// tallyFielded tallies f, each wave against the version of the survey it
// fielded.
func tallyFielded(ctx context.Context, store Store, f TallyFilter) (*Tallies, error) {
	if f.Version != 0 {
		return tallyVersion(ctx, store, f)
	}
	versions, err := store.ListSurveyVersions(ctx, f.Survey)
	if err != nil {
		return nil, err
	}
	if len(versions) <= 1 {
		return tallyVersion(ctx, store, f)
	}
	waves, err := store.ListWaves(ctx, survey.WaveFilter{Survey: f.Survey})
	if err != nil {
		return nil, err
	}
	keep := map[string]bool{}
	for _, w := range f.Waves {
		keep[w] = true
	}
	groups := map[int][]string{}
	for _, w := range waves {
		if len(f.Waves) > 0 && !keep[w.ID] {
			continue
		}
		fs, ok := w.Fielded(versions)
		if !ok {
			return nil, fmt.Errorf("cx: wave %s fielded version %d of survey %s, which is not stored: %w", w.ID, w.SurveyVersion, f.Survey, ErrNotFound)
		}
		groups[fs.Version] = append(groups[fs.Version], w.ID)
		delete(keep, w.ID)
	}
	// Waves asked for but not stored: against the latest version.
	latest := versions[len(versions)-1].Version
	if len(keep) > 0 {
		groups[latest] = append(groups[latest], slices.Sorted(maps.Keys(keep))...)
	}
	out := NewTallies(f.Survey)
	for _, v := range slices.Sorted(maps.Keys(groups)) {
		t, err := tallyVersion(ctx, store, TallyFilter{Survey: f.Survey, Waves: groups[v], Version: v, PatternWaves: f.PatternWaves, NoPatterns: f.NoPatterns})
		if err != nil {
			return nil, err
		}
		if err := out.Merge(t); err != nil {
			return nil, err
		}
	}
	return out, nil
}
