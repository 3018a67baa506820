package cx

import (
	"cmp"
	"context"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/survey"
)

// recognitionNamespace is the namespace of the IDs derived for
// recognitions recorded without one.
var recognitionNamespace = uuid.MustParse("8f6c1e52-3b7a-4d09-9c1e-5a2f7d4b6e13")

// recognitionID derives an ID from a recognition's content and its
// occurrence among identical ones, so that recording the same batch again
// adds nothing.
func recognitionID(r culture.Recognition, occurrence int) uuid.UUID {
	var b []byte
	for _, s := range []string{r.Recognized, r.By, r.Behavior, r.Unit, r.Initiative.String(), r.Note} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.AppendVarint(b, r.At.UnixMicro())
	b = binary.AppendUvarint(b, uint64(occurrence))
	h := sha1.New()
	h.Write(recognitionNamespace[:])
	h.Write(b)
	var id uuid.UUID
	copy(id[:], h.Sum(nil))
	id[6] = (id[6] & 0x0f) | 0x50
	id[8] = (id[8] & 0x3f) | 0x80
	return id
}

// RecordRecognitions validates a batch of acts of recognition and stores
// it, all or nothing, returning how many were added. Who was recognized
// and who recognized them are replaced by their keyed pseudonyms (with
// Options.Pseudonymizer) before anything is validated or stored; without a
// Pseudonymizer they must already be pseudonyms ([IsPseudonym]). A
// recognition without an ID gets one derived from its content, so that
// recording the same batch twice adds nothing. Units, behaviors and
// initiatives must be defined; every problem is listed in one
// [*ValidationError].
func (p *Program) RecordRecognitions(ctx context.Context, rs []culture.Recognition) (int, error) {
	if len(rs) == 0 {
		return 0, nil
	}
	known, err := p.unitSet(ctx)
	if err != nil {
		return 0, err
	}
	behaviors, err := p.Behaviors(ctx)
	if err != nil {
		return 0, err
	}
	var ps problems
	batch := make([]culture.Recognition, len(rs))
	occurrence := map[uuid.UUID]int{}
	initiatives := map[uuid.UUID]bool{}
	for i, r := range rs {
		f := "recognitions[" + strconv.Itoa(i) + "]"
		r.At = survey.NormalizeTime(r.At)
		for _, who := range []struct {
			field string
			v     *string
		}{{"recognized", &r.Recognized}, {"by", &r.By}} {
			*who.v = strings.TrimSpace(*who.v) // as Pseudonym reads an identity
			if *who.v == "" || IsPseudonym(*who.v) {
				continue
			}
			if p.pseud == nil {
				ps.add(f+"."+who.field, "not a pseudonym, and the program has no Options.Pseudonymizer to make one (raw identities are never stored)")
				*who.v = ""
				continue
			}
			*who.v = p.pseud.Pseudonym(*who.v)
		}
		if r.ID == uuid.Nil {
			first := recognitionID(r, 0)
			k := occurrence[first]
			occurrence[first] = k + 1
			r.ID = recognitionID(r, k)
		}
		if err := r.Validate(); err != nil {
			if ve, ok := asValidation(err, f).(*ValidationError); ok {
				for _, pr := range ve.Problems {
					if !(pr.Field == f+".recognized" || pr.Field == f+".by") || !slices.ContainsFunc(ps, func(x Problem) bool { return x.Field == pr.Field }) {
						ps = append(ps, pr)
					}
				}
			}
		}
		if r.Unit != "" && !known[r.Unit] {
			ps.add(f+".unit", fmt.Sprintf("unknown unit %q", r.Unit))
		}
		if _, ok := behaviors[r.Behavior]; r.Behavior != "" && !ok {
			ps.add(f+".behavior", fmt.Sprintf("unknown behavior %q: define its framework first", r.Behavior))
		}
		if r.Initiative != uuid.Nil && !initiatives[r.Initiative] {
			switch _, err := p.store.GetInitiative(ctx, r.Initiative); {
			case errors.Is(err, ErrNotFound):
				ps.add(f+".initiative", fmt.Sprintf("unknown initiative %s", r.Initiative))
			case err != nil:
				return 0, err
			default:
				initiatives[r.Initiative] = true
			}
		}
		batch[i] = r
	}
	if err := ps.err(); err != nil {
		return 0, err
	}
	return p.store.CreateRecognitions(ctx, batch)
}

// RecognitionOptions configure [CountRecognitions].
type RecognitionOptions struct {
	// Periods are the boundaries of the periods counted, in time order:
	// period i runs from Periods[i] to Periods[i+1]. Default: the
	// calendar months (UTC) from the first recognition's to the last's.
	Periods []time.Time
	// Units are the units counted (each with the units below it);
	// default every unit of the hierarchy.
	Units []string
	// Behaviors are the behaviors counted; default those recognized.
	Behaviors []culture.Behavior
}

// RecognitionCount is how often a behavior was recognized in a unit
// (with the units below it) over one period: an indicator of
// reinforcement.
type RecognitionCount struct {
	Unit     string `json:"unit"`
	UnitName string `json:"unit_name"`
	Behavior string `json:"behavior"`
	// Label names the behavior for people.
	Label string `json:"label"`
	// From and To bound the period: From <= At < To.
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Count is the number of acts of recognition; People the number of
	// different people recognized.
	Count  int `json:"count"`
	People int `json:"people"`
}

// CountRecognitions counts recognitions per unit (rolled up the
// hierarchy: a division counts its teams'), behavior and period, in
// that order (units parents first, behaviors in the order given or by
// ID, periods in time order). Recognitions outside every period, or in
// units outside h, are not counted. Counts of zero are included, so that
// a unit nobody recognized shows as such.
//
// It fails with a [*ValidationError] for unknown units or periods out of
// order.
func CountRecognitions(h *Hierarchy, rs []culture.Recognition, opts RecognitionOptions) ([]RecognitionCount, error) {
	var ps problems
	if h == nil {
		ps.add("hierarchy", "required")
		return nil, ps.err()
	}
	units := opts.Units
	if units == nil {
		units = h.IDs()
	}
	for i, u := range units {
		if !h.Has(u) {
			ps.add("units["+strconv.Itoa(i)+"]", fmt.Sprintf("unknown unit %q", u))
		}
	}
	periods := opts.Periods
	if periods == nil && len(rs) > 0 {
		lo, hi := rs[0].At, rs[0].At
		for _, r := range rs {
			lo, hi = minTime(lo, r.At), maxTime(hi, r.At)
		}
		m := time.Date(lo.Year(), lo.Month(), 1, 0, 0, 0, 0, time.UTC)
		for ; !m.After(hi); m = m.AddDate(0, 1, 0) {
			periods = append(periods, m)
		}
		periods = append(periods, m)
	}
	for i := 1; i < len(periods); i++ {
		if !periods[i].After(periods[i-1]) {
			ps.add("periods["+strconv.Itoa(i)+"]", "periods must be in time order")
		}
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	behaviors := opts.Behaviors
	if behaviors == nil {
		seen := map[string]bool{}
		for _, r := range rs {
			if !seen[r.Behavior] {
				seen[r.Behavior] = true
				behaviors = append(behaviors, culture.Behavior{ID: r.Behavior})
			}
		}
		slices.SortFunc(behaviors, func(a, b culture.Behavior) int { return cmp.Compare(a.ID, b.ID) })
	}
	type key struct {
		unit, behavior string
		period         int
	}
	count := map[key]int{}
	people := map[key]map[string]bool{}
	for _, r := range rs {
		if !h.Has(r.Unit) {
			continue
		}
		pi := -1
		for i := 0; i+1 < len(periods); i++ {
			if !r.At.Before(periods[i]) && r.At.Before(periods[i+1]) {
				pi = i
				break
			}
		}
		if pi < 0 {
			continue
		}
		for _, u := range append([]string{r.Unit}, h.Ancestors(r.Unit)...) {
			k := key{u, r.Behavior, pi}
			count[k]++
			if people[k] == nil {
				people[k] = map[string]bool{}
			}
			people[k][r.Recognized] = true
		}
	}
	var out []RecognitionCount
	for _, u := range units {
		name := u
		if x, ok := h.Unit(u); ok && x.Name != "" {
			name = x.Name
		}
		for _, b := range behaviors {
			label := b.Name
			if label == "" {
				label = humanize(b.ID)
			}
			for i := 0; i+1 < len(periods); i++ {
				k := key{u, b.ID, i}
				out = append(out, RecognitionCount{Unit: u, UnitName: name, Behavior: b.ID, Label: label, From: periods[i], To: periods[i+1],
					Count: count[k], People: len(people[k])})
			}
		}
	}
	return out, nil
}

// RecognitionObservations turns counts into observations of the
// operational metric "recognitions:BEHAVIOR" (one per unit and period,
// at the period's start), so that trends and indicators can follow
// reinforcement like any other metric.
func RecognitionObservations(counts []RecognitionCount) []Observation {
	out := make([]Observation, 0, len(counts))
	for _, c := range counts {
		out = append(out, Observation{Metric: RecognitionMetric(c.Behavior), Unit: c.Unit, Time: c.From, Value: float64(c.Count)})
	}
	return out
}

// RecognitionMetric is the metric key of a behavior's recognition counts
// ([RecognitionObservations]).
func RecognitionMetric(behavior string) string { return recognitionPrefix + behavior }

const recognitionPrefix = "recognitions:"

// RecognitionCounts counts the stored recognitions over the program's
// hierarchy ([CountRecognitions]), with the behaviors' names.
//
// The program's minimum (Privacy.MinScores) does not apply to these
// counts, on purpose: they are not survey figures. The minimum protects
// what respondents told the survey in confidence, which no one else
// knows; a recognition is an act given openly by one employee to
// another, known to both and usually to their team, and it is recorded
// with both as pseudonyms. A count of such acts tells no one's answers,
// and hiding small counts would blank exactly the small teams whose
// reinforcement the indicator follows (a team nobody recognized shows
// 0, which is the point). They do describe the few people of a small
// unit, though: "1 person recognized" in a team of two is about one of
// them. Show unit-level counts to those who may see the unit's
// recognitions themselves, and give wider audiences larger units
// (RecognitionOptions.Units).
func (p *Program) RecognitionCounts(ctx context.Context, opts RecognitionOptions) ([]RecognitionCount, error) {
	h, err := p.Hierarchy(ctx)
	if err != nil {
		return nil, err
	}
	rs, err := p.store.ListRecognitions(ctx, culture.RecognitionFilter{})
	if err != nil {
		return nil, err
	}
	if opts.Behaviors == nil {
		all, err := p.Behaviors(ctx)
		if err != nil {
			return nil, err
		}
		seen := map[string]bool{}
		for _, r := range rs {
			if !seen[r.Behavior] {
				seen[r.Behavior] = true
				b, ok := all[r.Behavior]
				if !ok {
					b = culture.Behavior{ID: r.Behavior}
				}
				opts.Behaviors = append(opts.Behaviors, b)
			}
		}
		slices.SortFunc(opts.Behaviors, func(a, b culture.Behavior) int { return strings.Compare(a.ID, b.ID) })
	}
	return CountRecognitions(h, rs, opts)
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
