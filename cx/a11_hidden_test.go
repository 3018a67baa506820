package cx_test

import (
	"bytes"
	"fmt"
	"math/rand"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
	"github.com/cxculture/cxculture/survey"
)

// The A-11 summary, its CSV and the touchpoints view are the same for two
// sets of responses that differ only in what they hide: the answers of a
// row of fewer than the minimum (visa by web, 3 customers) and the
// answers to a driver answered by 2 customers of a shown row (equity,
// passport by phone). Touchpoints once pooled those two answers, so that
// its equity distribution minus the rows shown gave them.
func TestA11ShowsNothingThatOnlyHiddenAnswersChange(t *testing.T) {
	s := survey.A11()
	q := cx.FiscalQuarter{Year: 2026, Quarter: 2}
	at := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	type row struct {
		service, channel string
		n                int
		// hidden: the customers whose answers (all, or to equity alone)
		// the summary hides.
		hidden, equityOnly bool
		equity             int // customers who answered equity (default all)
	}
	rows := []row{{"passport", "web", 12, false, false, 0}, {"passport", "phone", 6, true, true, 2},
		{"visa", "web", 3, true, false, 0}, {"visa", "phone", 8, false, false, 0}}
	seed := cxgen.Seed(t)
	build := func(changed bool) []survey.Response {
		r := rand.New(rand.NewSource(seed))
		var rs []survey.Response
		for _, x := range rows {
			for k := range x.n {
				resp := survey.Response{ID: uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "a11h/%d", len(rs))), Survey: s.ID, Wave: "q", Unit: "u",
					Submitted: at.Add(time.Duration(len(rs)) * time.Minute), Answers: map[string]int{},
					Segments: map[string]string{"service": x.service, "channel": x.channel}}
				for _, it := range s.Items {
					if it.Scale.Max <= it.Scale.Min {
						continue
					}
					v := it.Scale.Min + r.Intn(it.Scale.Max-it.Scale.Min+1)
					equity := it.ID == "a11.equity"
					if equity && x.equity > 0 && k >= x.equity {
						continue
					}
					if changed && x.hidden && (equity || !x.equityOnly) {
						v = it.Scale.Max - (v - it.Scale.Min) // another answer
					}
					resp.Answers[it.ID] = v
				}
				rs = append(rs, resp)
			}
		}
		return rs
	}
	outputs := func(rs []survey.Response) map[string]any {
		sum, err := cx.A11Summarize(s, rs, nil, cx.A11Options{Quarter: q})
		require.NoError(t, err)
		tp, err := cx.A11Touchpoints(s, rs, nil, cx.A11Options{Quarter: q})
		require.NoError(t, err)
		var csv bytes.Buffer
		require.NoError(t, cx.WriteA11CSV(&csv, sum))
		return map[string]any{"csv": csv.String(), "summary": nanFree(sum), "touchpoints": nanFree(tp)}
	}
	before, after := build(false), build(true)
	require.NotEqual(t, before, after, "the hidden answers changed")
	ob, oa := outputs(before), outputs(after)
	for _, k := range []string{"summary", "csv", "touchpoints"} {
		assert.Equal(t, ob[k], oa[k], k)
	}
	// Not vacuous: the small row and the phone customers' equity are
	// hidden, and the other rows are shown.
	sum, err := cx.A11Summarize(s, before, nil, cx.A11Options{Quarter: q})
	require.NoError(t, err)
	hidden := map[string]bool{}
	for _, r := range sum.Rows {
		hidden[r.Service+"/"+r.Channel] = r.Hidden
		for _, d := range r.Drivers {
			if d.Item == "a11.equity" && r.Service+"/"+r.Channel == "passport/phone" {
				assert.True(t, d.Hidden, "passport/phone equity")
			}
		}
	}
	assert.Equal(t, map[string]bool{"passport/web": false, "passport/phone": false, "visa/web": true, "visa/phone": false}, hidden)
}
