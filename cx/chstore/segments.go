package chstore

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/cxculture/cxculture/cx"
)

var _ cx.SegmentTallyStore = (*Store)(nil)

// TallySegments implements [cx.SegmentTallyStore] with GROUP BY on every
// shard: respondents per unit, wave and profile (the values of f.Keys),
// and answers per unit, wave, profile, item and value, counted over the
// stored responses (each by its last row) in the batches a snapshot shows
// committed, and added up in the process. The segments are read from the
// text kept beside each response, and the answers from its arrays; no
// response is read into the process. An unknown survey is
// cx.ErrNotFound.
//
// It reads every stored response of the survey in the waves asked for,
// grouped by ID: slower than TallyResponses, which reads sums.
func (s *Store) TallySegments(ctx context.Context, f cx.SegmentFilter) (*cx.SegmentTallies, error) {
	opName := fmt.Sprintf("tally segments of survey %q", f.Survey)
	if _, err := s.catalog.GetSurvey(ctx, f.Survey); err != nil {
		return nil, err
	}
	out := cx.NewSegmentTallies(f.Survey, f.Keys)
	cond, none, err := s.surveyCond(ctx, f.Survey, f.Waves)
	if err != nil || none {
		return out, wrap(err, opName)
	}
	sn, err := s.snapshot(ctx)
	if err != nil {
		return nil, wrap(err, opName)
	}
	keys := out.Keys()
	profile := make([]string, len(keys))
	for i, k := range keys {
		prefix := quote(hex.EncodeToString([]byte(k)) + "=")
		profile[i] = fmt.Sprintf("unhex(substring(arrayFirst(x -> startsWith(x, %s), splitByChar(',', sg)), length(%s) + 1))", prefix, prefix)
	}
	p := "[" + strings.Join(profile, ", ") + "]"
	if len(keys) == 0 {
		p = "emptyArrayString()"
	}
	// A response's rows (+1, and its tombstone) are on one shard, the
	// one of its unit: each shard's count of its live responses is
	// exact.
	live := fmt.Sprintf("SELECT argMax(unit, (batch, sign)) AS u, argMax(wave, (batch, sign)) AS w, argMax(segs, (batch, sign)) AS sg, "+
		"argMax(items, (batch, sign)) AS its, argMax(vals, (batch, sign)) AS vs FROM %s.responses_local WHERE %s AND %s GROUP BY id HAVING %s", s.database, sn.where(), cond, liveRule)
	qGroups := fmt.Sprintf("SELECT u, w, %s AS p, toInt64(count()) FROM (%s) GROUP BY u, w, p", p, live)
	qAnswers := fmt.Sprintf("SELECT u, w, p, item, value, toInt64(count()) FROM (SELECT u, w, %s AS p, its, vs FROM (%s)) ARRAY JOIN its AS item, vs AS value "+
		"GROUP BY u, w, p, item, value", p, live)
	type row struct {
		unit, wave, item uint32
		profile          []string
		value, n         int64
		answer           bool
	}
	perShard := make([][]row, len(s.shards))
	errs := make([]error, len(s.shards))
	var wg sync.WaitGroup
	for i, c := range s.shards {
		wg.Go(func() {
			errs[i] = query(ctx, c, qGroups, func(r Rows) error {
				var x row
				err := r.Scan(&x.unit, &x.wave, &x.profile, &x.n)
				perShard[i] = append(perShard[i], x)
				return err
			})
			if errs[i] != nil {
				return
			}
			errs[i] = query(ctx, c, qAnswers, func(r Rows) error {
				x := row{answer: true}
				err := r.Scan(&x.unit, &x.wave, &x.profile, &x.item, &x.value, &x.n)
				perShard[i] = append(perShard[i], x)
				return err
			})
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, wrap(err, opName)
	}
	var us, ws, its []uint32
	for _, rows := range perShard {
		for _, x := range rows {
			us, ws = append(us, x.unit), append(ws, x.wave)
			if x.answer {
				its = append(its, x.item)
			}
		}
	}
	unitN, err := s.namesOf(ctx, kindUnit, us)
	if err != nil {
		return nil, wrap(err, opName)
	}
	waveN, err := s.namesOf(ctx, kindWave, ws)
	if err != nil {
		return nil, wrap(err, opName)
	}
	itemN, err := s.namesOf(ctx, kindItem, its)
	if err != nil {
		return nil, wrap(err, opName)
	}
	for _, rows := range perShard {
		for _, x := range rows {
			if x.answer {
				err = out.AddAnswers(unitN[x.unit], waveN[x.wave], x.profile, itemN[x.item], int(x.value), x.n)
			} else {
				err = out.Add(unitN[x.unit], waveN[x.wave], x.profile, x.n)
			}
			if err != nil {
				return nil, wrap(err, opName)
			}
		}
	}
	return out, nil
}

// surveyCond returns the condition on rows of the survey in the given
// waves (every wave when none), or none when no stored row can match.
func (s *Store) surveyCond(ctx context.Context, surveyID string, waveIDs []string) (cond string, none bool, err error) {
	svc, err := s.lookup(ctx, kindSurvey, []string{surveyID})
	if err != nil {
		return "", true, err
	}
	code, ok := svc[surveyID]
	if !ok {
		return "", true, nil
	}
	cond = fmt.Sprintf("survey = %d", code)
	if len(waveIDs) > 0 {
		wc, err := s.lookup(ctx, kindWave, slices.Compact(slices.Sorted(slices.Values(waveIDs))))
		if err != nil {
			return "", true, err
		}
		if len(wc) == 0 {
			return "", true, nil
		}
		var codes []uint32
		for _, c := range wc {
			codes = append(codes, c)
		}
		slices.Sort(codes)
		cond += " AND wave IN (" + uints(codes) + ")"
	}
	return cond, false, nil
}
