package metrics

import (
	"fmt"
	"math"
)

// Favorable returns the share of answers above the midpoint of the scale,
// (Min+Max)/2: 4–5 on a 1–5 agreement scale, 5–7 on a 1–7 scale. It is
// FEVS "percent positive", the A-11 "% agree", CSAT on a 1–5 satisfaction
// scale and the CES 2.0 share agreeing.
func Favorable(t Tally) Proportion {
	var k int64
	for i, c := range t.Counts {
		if 2*(t.Min+i) > t.Min+t.Max {
			k += c
		}
	}
	return Proportion{Successes: k, N: t.N()}
}

// Unfavorable returns the share of answers below the midpoint of the
// scale: 1–2 on a 1–5 scale, 1–3 on a 1–7 scale.
func Unfavorable(t Tally) Proportion {
	var k int64
	for i, c := range t.Counts {
		if 2*(t.Min+i) < t.Min+t.Max {
			k += c
		}
	}
	return Proportion{Successes: k, N: t.N()}
}

// TopBox returns the share of answers in the top k points of the scale,
// [Max-k+1, Max]. It panics if k < 1.
func TopBox(t Tally, k int) Proportion {
	if k < 1 {
		panic(fmt.Sprintf("metrics: TopBox: k = %d < 1", k))
	}
	return t.Share(t.Max-k+1, t.Max)
}

// CSAT returns the customer satisfaction score as a share: the answers in
// the top two points of the scale (4 and 5 on the usual 1–5 satisfaction
// scale) among all answers. Report it as a percentage with
// [Proportion.Percent] and its Wilson interval; the mean-score variant of
// CSAT is [Tally.Mean] with [Tally.MeanCI], both in [ScoreItem].
func CSAT(t Tally) Proportion { return TopBox(t, 2) }

// CES returns the customer effort score of CES 2.0 (Dixon, Toman and
// DeLisi 2013) as a share: the answers agreeing ("[company] made it easy
// for me to handle my issue", 5–7 on the 1–7 agreement scale) among all
// answers, that is [Favorable]. The mean-score variant is [Tally.Mean].
func CES(t Tally) Proportion { return Favorable(t) }

// ItemScore is the summary of one item on an agreement or satisfaction
// scale in both conventions in use: the mean answer with its t interval
// and the favorable share with its Wilson interval. OMB Circular A-11
// §280 driver scores (satisfaction, trust, effectiveness, ease,
// efficiency, transparency, employee helpfulness) are reported this way.
type ItemScore struct {
	N         int64      // answers
	Mean      float64    // mean answer; NaN when N == 0
	SD        float64    // sample standard deviation; NaN when N < 2
	MeanCI    Interval   // Student t interval of Mean
	Favorable Proportion // answers above the midpoint ([Favorable])
	FavorCI   Interval   // Wilson interval of Favorable
}

// ScoreItem returns the [ItemScore] of the answers in t, with intervals at
// the given confidence level. It panics if level is not in (0, 1).
func ScoreItem(t Tally, level float64) ItemScore {
	mustLevel("ScoreItem", level)
	f := Favorable(t)
	return ItemScore{
		N:         t.N(),
		Mean:      t.Mean(),
		SD:        t.SD(),
		MeanCI:    t.MeanCI(level),
		Favorable: f,
		FavorCI:   f.Wilson(level),
	}
}

// Index is a FEVS-style index: the unweighted mean of the percent positive
// of its items.
type Index struct {
	// Value is the index in percentage points (0–100),
	//
	//	Index = (1/m) Σᵢ 100 · Favorableᵢ
	//
	// NaN when there are no items or an item has no answers.
	Value float64

	// Items are the favorable shares of the items, in input order, each
	// with its own N and Wilson interval.
	Items []Proportion
}

// PercentPositive returns the FEVS-style percent-positive index of the
// items (the Employee Engagement Index of the US Office of Personnel
// Management is built this way): each item's percent positive is the
// share of its answers above the scale midpoint, 4–5 on the FEVS 1–5
// scale, with "do not know" and blanks left out of the tallies; the index
// is the unrounded mean of the item percents, each item counting equally
// whatever its N. An index of indices (the EEI from its three subindices)
// is the mean of their Values. Survey weights are not applied.
//
// The items answer to the same respondents, so their percents are
// correlated, and an interval for the index needs the respondent-level
// data; the Items keep each percent's own uncertainty.
func PercentPositive(items []Tally) Index {
	idx := Index{Items: make([]Proportion, len(items))}
	var sum float64
	for i, t := range items {
		idx.Items[i] = Favorable(t)
		sum += idx.Items[i].Percent()
	}
	idx.Value = sum / float64(len(items))
	if len(items) == 0 {
		idx.Value = math.NaN()
	}
	return idx
}
