package cx

import (
	"math"
	"strings"

	"github.com/cxculture/cxculture/metrics"
	"github.com/cxculture/cxculture/survey"
)

// TouchpointsSummary summarizes an A-11 survey's quarter in the
// convention of GSA Touchpoints' A-11 analysis (the customer feedback
// summary of app/views/components/_a11_analysis.html.erb and the
// averages of Form#average_answer in github.com/GSA/touchpoints): the
// responses, the customers offered the survey and the rate, then, per
// question, the number of answers, the average answer (Touchpoints shows
// it rounded to 2 decimals) and the full distribution of answers with the
// labels of the scale's points. [A11Summarize] gives our summary beside it
// (per service and channel, with intervals and shares who agree).
//
// It pools every service and channel. The groups [A11Summarize] hides
// (fewer than MinGroup responses) are pooled only when together they
// reach MinGroup responses, so that subtracting the rows that summary
// shows never reveals a hidden group; otherwise they are left out and
// counted in LeftOut. Likewise per question: the answers of every driver
// the summary hides (in a hidden row, or answered by fewer than MinGroup
// customers of a shown row) are pooled only when together they reach
// MinGroup answers, and otherwise left out of that question
// (TouchpointsQuestion.LeftOut), so that a question's distribution minus
// the distributions the summary shows never gives the answers of fewer
// than MinGroup customers.
type TouchpointsSummary struct {
	Survey  string
	Quarter FiscalQuarter
	// Responses are the responses pooled; Offered the customers offered
	// the survey in the quarter (Touchpoints' activations) in the groups
	// pooled; Rate Responses / Offered, NaN without offers. The offers of
	// the groups left out are not counted, so the rate is not lowered by
	// customers whose responses are left out.
	Responses int64
	Offered   int64
	Rate      float64
	// LeftOut counts the responses of hidden groups left out.
	LeftOut int64
	// MinGroup is the fewest answers for a question's figures.
	MinGroup int
	// Questions hold one entry per item and free-text question, in the
	// order a respondent reads them.
	Questions []TouchpointsQuestion
}

// TouchpointsQuestion is the summary of one question.
type TouchpointsQuestion struct {
	// Item is the item (or text item) ID, Text its wording, Option the
	// option of a multiple-choice item and Driver its construct.
	Item, Text, Option, Driver string
	// FreeText marks a free-text question: only Answered is given.
	FreeText bool
	// Answered is the number of answers pooled; 0 when hidden.
	Answered int64
	// LeftOut is the number of answers left out: those of the drivers
	// [A11Summarize] hides, when together they are fewer than MinGroup.
	LeftOut int64
	// Hidden is set when fewer than MinGroup answered: Answered, Average
	// and Distribution are then empty.
	Hidden bool
	// Average is the mean answer, unrounded (NaN when hidden or
	// without answers).
	Average float64
	// Distribution counts the answers on each point of the scale, from
	// its minimum to its maximum, with the point's label.
	Distribution []TouchpointsCount
}

// TouchpointsCount is the number of answers on one point of a scale.
type TouchpointsCount struct {
	Value int    `json:"value"`
	Label string `json:"label,omitempty"`
	Count int64  `json:"count"`
}

// A11Touchpoints builds the [TouchpointsSummary] of survey s for the
// quarter of opts from the responses and volumes [A11Summarize] takes,
// with the same validation and errors.
func A11Touchpoints(s survey.Survey, rs []survey.Response, vols []A11Volume, opts A11Options) (*TouchpointsSummary, error) {
	sum, err := A11Summarize(s, rs, vols, opts)
	if err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	hidden := map[a11Key]bool{}
	// driverHidden holds, per row, the items whose driver the summary
	// hides in it (all of them in a hidden row).
	driverHidden := map[a11Key][]bool{}
	var hiddenN int64
	out := &TouchpointsSummary{Survey: s.ID, Quarter: sum.Quarter, MinGroup: sum.MinGroup}
	for _, r := range sum.Rows {
		k := a11Key{r.Service, r.Channel}
		if r.Hidden {
			hidden[k] = true
			hiddenN += r.Responses
		}
		dh := make([]bool, len(s.Items))
		for i, d := range r.Drivers {
			dh[i] = r.Hidden || d.Hidden
		}
		driverHidden[k] = dh
	}
	poolHidden := hiddenN >= int64(sum.MinGroup)
	// The offers counted are those of the groups pooled, so that the rate
	// compares responses and offers of the same groups.
	for _, r := range sum.Rows {
		if !r.Hidden || poolHidden {
			out.Offered += r.Offered
		}
	}
	from, to := sum.Quarter.Start(opts.Location), sum.Quarter.End(opts.Location)
	// pooled returns the key of a response pooled, or false when it is
	// outside the quarter or in a hidden row left out.
	pooled := func(r survey.Response) (a11Key, bool) {
		if r.Submitted.Before(from) || !r.Submitted.Before(to) {
			return a11Key{}, false
		}
		k := a11Key{strings.TrimSpace(r.Segments[opts.ServiceKey]), strings.TrimSpace(r.Segments[opts.ChannelKey])}
		return k, !hidden[k] || poolHidden
	}
	// The answers of hidden drivers, per item, among the responses pooled.
	hiddenAnswers := make([]int64, len(s.Items))
	for _, r := range rs {
		k, ok := pooled(r)
		if !ok {
			continue
		}
		for i, it := range s.Items {
			if _, answered := r.Answers[it.ID]; answered && driverHidden[k][i] {
				hiddenAnswers[i]++
			}
		}
	}
	tallies := make([]metrics.Tally, len(s.Items))
	for i, it := range s.Items {
		tallies[i] = metrics.NewTally(it.Scale.Min, it.Scale.Max)
	}
	leftOut := make([]int64, len(s.Items))
	texts := map[string]int64{}
	for _, r := range rs {
		k, ok := pooled(r)
		if !ok {
			if !r.Submitted.Before(from) && r.Submitted.Before(to) {
				out.LeftOut++
			}
			continue
		}
		out.Responses++
		for i, it := range s.Items {
			v, answered := r.Answers[it.ID]
			switch {
			case !answered:
			case driverHidden[k][i] && hiddenAnswers[i] < int64(sum.MinGroup):
				leftOut[i]++
			default:
				// Validated by A11Summarize: on the scale.
				_ = tallies[i].Add(v)
			}
		}
		for id, v := range r.Texts {
			if strings.TrimSpace(v) != "" {
				texts[id]++
			}
		}
	}
	out.Rate = math.NaN()
	if out.Offered > 0 {
		out.Rate = float64(out.Responses) / float64(out.Offered)
	}
	add := func(q TouchpointsQuestion) { out.Questions = append(out.Questions, q) }
	placeTexts := func(after string) {
		for _, t := range s.TextItems {
			if t.After == after {
				n := texts[t.ID]
				q := TouchpointsQuestion{Item: t.ID, Text: t.Text, Driver: t.Construct, FreeText: true, Answered: n,
					Hidden: n > 0 && n < int64(sum.MinGroup), Average: math.NaN()}
				if q.Hidden {
					q.Answered = 0
				}
				add(q)
			}
		}
	}
	for i, it := range s.Items {
		t := tallies[i]
		q := TouchpointsQuestion{Item: it.ID, Text: it.Text, Option: it.Option, Driver: it.Construct, Answered: t.N(), LeftOut: leftOut[i], Average: math.NaN()}
		q.Hidden = q.Answered < int64(sum.MinGroup)
		if q.Hidden {
			q.Answered = 0
		} else {
			q.Average = t.Mean()
			for v := it.Scale.Min; v <= it.Scale.Max; v++ {
				q.Distribution = append(q.Distribution, TouchpointsCount{Value: v, Label: it.Label(v), Count: t.Count(v)})
			}
		}
		add(q)
		placeTexts(it.ID)
	}
	placeTexts("")
	return out, nil
}

// TouchpointsAverage rounds an average as Touchpoints shows it: to 2
// decimals (Ruby's Float#round(2), half away from zero).
func TouchpointsAverage(v float64) float64 {
	if math.IsNaN(v) {
		return v
	}
	return math.Round(v*100) / 100
}
