package chstore

import (
	"context"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/survey"
)

// segmentPage is the number of responses read at a time by TallySegments.
const segmentPage = 10000

// TallySegments implements [cx.SegmentTallyStore] by counting the stored
// responses read from the cluster a page at a time, so that the counts are
// the cluster's and not the catalog's (whose response tables are empty).
// It holds one page in memory at a time, not every response; counting by
// GROUP BY on the cluster, as TallyResponses does, is still to be written.
func (s *Store) TallySegments(ctx context.Context, f cx.SegmentFilter) (*cx.SegmentTallies, error) {
	if _, err := s.GetSurvey(ctx, f.Survey); err != nil {
		return nil, err
	}
	out := cx.NewSegmentTallies(f.Survey, f.Keys)
	waves := f.Waves
	if len(waves) == 0 {
		waves = []string{""}
	}
	for _, w := range waves {
		rf := survey.ResponseFilter{Survey: f.Survey, Wave: w, Limit: segmentPage}
		for rf.Offset = 0; ; rf.Offset += segmentPage {
			rs, err := s.ListResponses(ctx, rf)
			if err != nil {
				return nil, err
			}
			for _, r := range rs {
				out.AddResponse(r)
			}
			if len(rs) < segmentPage {
				break
			}
		}
	}
	return out, nil
}
