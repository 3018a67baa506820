package cx_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
	"github.com/cxculture/cxculture/cx/simulate"
	"github.com/cxculture/cxculture/survey"
)

func TestFiscalQuarter(t *testing.T) {
	for _, tc := range []struct {
		at   time.Time
		want cx.FiscalQuarter
	}{
		{time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC), cx.FiscalQuarter{Year: 2025, Quarter: 1}},
		{time.Date(2024, 12, 31, 23, 59, 0, 0, time.UTC), cx.FiscalQuarter{Year: 2025, Quarter: 1}},
		{time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), cx.FiscalQuarter{Year: 2025, Quarter: 2}},
		{time.Date(2025, 4, 30, 0, 0, 0, 0, time.UTC), cx.FiscalQuarter{Year: 2025, Quarter: 3}},
		{time.Date(2025, 9, 30, 23, 0, 0, 0, time.UTC), cx.FiscalQuarter{Year: 2025, Quarter: 4}},
	} {
		got := cx.FiscalQuarterOf(tc.at)
		assert.Equal(t, tc.want, got, "%s", tc.at)
		assert.False(t, tc.at.Before(got.Start(time.UTC)), "%s starts after %s", got, tc.at)
		assert.True(t, tc.at.Before(got.End(time.UTC)))
	}
	q := cx.FiscalQuarter{Year: 2025, Quarter: 4}
	assert.Equal(t, "FY2025 Q4", q.String())
	assert.Equal(t, time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC), q.Start(time.UTC))
	assert.Equal(t, time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC), q.End(time.UTC))
	assert.Equal(t, cx.FiscalQuarter{Year: 2026, Quarter: 1}, cx.FiscalQuarterOf(q.End(time.UTC)))
}

// a11Fixture: FY2025 Q2 (January to March 2025).
//   - passport/online: 7 responses, trust 5 4 4 3 2 5 4, satisfaction
//     1 2 3 3 4 5 5, ease skipped once; 40 offered of 200 served in the
//     quarter, and a volume record in the quarter before.
//   - passport/phone: 3 responses (suppressed), 10 offered of 50.
//   - visa/in_person: volumes only.
//   - one response submitted on 31 December 2024 at 22:00 in New York
//     (1 January 03:00 UTC).
func a11Fixture() ([]survey.Response, []cx.A11Volume) {
	at := func(d int) time.Time { return time.Date(2025, 2, d, 15, 0, 0, 0, time.UTC) }
	var rs []survey.Response
	add := func(svc, ch string, when time.Time, answers map[string]int) {
		rs = append(rs, survey.Response{ID: uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "a11/%d", len(rs))), Survey: survey.A11ID, Wave: "q2",
			Unit: "office", Submitted: when, Answers: answers, Segments: map[string]string{"service": svc, "channel": ch}})
	}
	trust := []int{5, 4, 4, 3, 2, 5, 4}
	sat := []int{1, 2, 3, 3, 4, 5, 5}
	for i := range trust {
		a := map[string]int{"a11.trust": trust[i], "a11.satisfaction": sat[i], "a11.ease": 4}
		if i == 0 {
			delete(a, "a11.ease")
		}
		add("passport", "online", at(1+i), a)
	}
	for i := range 3 {
		add("passport", "phone", at(10+i), map[string]int{"a11.trust": 5})
	}
	add("passport", "online", time.Date(2025, 1, 1, 3, 0, 0, 0, time.UTC), map[string]int{"a11.trust": 1})
	vols := []cx.A11Volume{
		{Service: "passport", Channel: "online", At: at(1), Customers: 100, Offered: 20},
		{Service: "passport", Channel: "online", At: at(20), Customers: 100, Offered: 20},
		{Service: "passport", Channel: "online", At: time.Date(2024, 12, 1, 0, 0, 0, 0, time.UTC), Customers: 90, Offered: 30},
		{Service: "passport", Channel: "phone", At: at(1), Customers: 50, Offered: 10},
		{Service: "visa", Channel: "in_person", At: at(1), Customers: 30, Offered: 5},
	}
	return rs, vols
}

func driver(t *testing.T, r cx.A11Row, item string) cx.A11Score {
	t.Helper()
	i := slices.IndexFunc(r.Drivers, func(d cx.A11Score) bool { return d.Item == item })
	require.GreaterOrEqual(t, i, 0, item)
	return r.Drivers[i]
}

func TestA11Summarize(t *testing.T) {
	rs, vols := a11Fixture()
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	q := cx.FiscalQuarter{Year: 2025, Quarter: 2}
	sum, err := cx.A11Summarize(survey.A11(), rs, vols, cx.A11Options{Quarter: q, Location: ny})
	require.NoError(t, err)
	assert.Equal(t, 1, sum.OutsideResponses, "the New Year's Eve response is in FY2025 Q1 in New York")
	assert.Equal(t, 1, sum.OutsideVolumes)
	require.Len(t, sum.Rows, 3)
	assert.Equal(t, []string{"passport/online", "passport/phone", "visa/in_person"},
		[]string{sum.Rows[0].Service + "/" + sum.Rows[0].Channel, sum.Rows[1].Service + "/" + sum.Rows[1].Channel, sum.Rows[2].Service + "/" + sum.Rows[2].Channel})

	on := sum.Rows[0]
	assert.Equal(t, [3]int64{200, 40, 7}, [3]int64{on.Customers, on.Offered, on.Responses})
	// R: prop.test(7, 40, correct = FALSE)$conf.int
	assert.InDelta(t, 0.0874541374603592, on.RateCI.Lower, 1e-12)
	assert.InDelta(t, 0.3194999033178770, on.RateCI.Upper, 1e-12)
	assert.False(t, on.Hidden)

	tr := driver(t, on, "a11.trust")
	assert.Equal(t, survey.DriverTrust, tr.Driver)
	assert.Equal(t, int64(7), tr.Score.N)
	// R: x <- c(5, 4, 4, 3, 2, 5, 4); mean(x); t.test(x)$conf.int;
	// prop.test(5, 7, correct = FALSE)$conf.int
	assert.InDelta(t, 3.85714285714286, tr.Score.Mean, 1e-12)
	assert.InDelta(t, 2.86844116405124, tr.Score.MeanCI.Lower, 1e-12)
	assert.InDelta(t, 4.84584455023448, tr.Score.MeanCI.Upper, 1e-12)
	assert.Equal(t, int64(5), tr.Score.Favorable.Successes)
	assert.InDelta(t, 0.358934451832619, tr.Score.FavorCI.Lower, 1e-12)
	assert.InDelta(t, 0.917781075995943, tr.Score.FavorCI.Upper, 1e-12)
	assert.Equal(t, []int64{0, 1, 1, 3, 2}, tr.Answers.Counts)

	sat := driver(t, on, "a11.satisfaction")
	// R: y <- c(1, 2, 3, 3, 4, 5, 5); t.test(y)$conf.int;
	// prop.test(3, 7, correct = FALSE)$conf.int
	assert.InDelta(t, 3.28571428571429, sat.Score.Mean, 1e-12)
	assert.InDelta(t, 1.90212055346083, sat.Score.MeanCI.Lower, 1e-12)
	assert.InDelta(t, 4.66930801796774, sat.Score.MeanCI.Upper, 1e-12)
	assert.InDelta(t, 0.158219855251470, sat.Score.FavorCI.Lower, 1e-12)
	assert.InDelta(t, 0.749541635472343, sat.Score.FavorCI.Upper, 1e-12)
	assert.Equal(t, int64(6), driver(t, on, "a11.ease").Score.N, "one skipped")
	assert.Equal(t, int64(0), driver(t, on, "a11.employee").Score.N)

	ph := sum.Rows[1]
	assert.True(t, ph.Hidden, "3 responses")
	assert.Equal(t, int64(3), ph.Responses, "the count of responses is reported")
	for _, d := range ph.Drivers {
		assert.Zero(t, d.Score.N)
		assert.Zero(t, d.Answers.N())
		assert.True(t, math.IsNaN(d.Score.Mean))
	}
	visa := sum.Rows[2]
	assert.Equal(t, int64(0), visa.Responses)
	assert.InDelta(t, 0, visa.ResponseRate.Value(), 0)

	// In UTC the New Year's Eve response counts.
	sum, err = cx.A11Summarize(survey.A11(), rs, vols, cx.A11Options{Quarter: q})
	require.NoError(t, err)
	assert.Equal(t, 0, sum.OutsideResponses)
	on, _ = sum.Row("passport", "online")
	assert.Equal(t, int64(8), on.Responses)
	_, ok := sum.Row("visa", "phone")
	assert.False(t, ok)
}

func TestWriteA11CSV(t *testing.T) {
	rs, vols := a11Fixture()
	sum, err := cx.A11Summarize(survey.A11(), rs, vols, cx.A11Options{Quarter: cx.FiscalQuarter{Year: 2025, Quarter: 2}})
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, cx.WriteA11CSV(&buf, sum))
	recs, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	require.Len(t, recs, 4)
	head := recs[0]
	assert.Equal(t, []string{"fiscal_year", "quarter", "service", "channel", "volume_of_customers",
		"volume_of_customers_provided_survey_opportunity", "volume_of_respondents"}, head[:7])
	assert.Len(t, head, 11+7*(5+7))
	col := func(rec []string, name string) string {
		i := slices.Index(head, name)
		require.GreaterOrEqual(t, i, 0, name)
		return rec[i]
	}
	on, ph := recs[1], recs[2]
	assert.Equal(t, "2025", col(on, "fiscal_year"))
	assert.Equal(t, "2", col(on, "quarter"))
	assert.Equal(t, "200", col(on, "volume_of_customers"))
	assert.Equal(t, "40", col(on, "volume_of_customers_provided_survey_opportunity"))
	assert.Equal(t, "8", col(on, "volume_of_respondents"))
	assert.Equal(t, "20.00", col(on, "response_rate_pct"))
	assert.Equal(t, "false", col(on, "suppressed"))
	assert.Equal(t, "1", col(on, "trust_1"), "the New Year's Eve answer, in UTC")
	assert.Equal(t, "3", col(on, "trust_4"))
	assert.Equal(t, "3.5000", col(on, "trust_mean"))
	assert.Equal(t, "62.50", col(on, "trust_agree_pct"))
	assert.Equal(t, "", col(on, "employee_helpfulness_mean"), "no answers: undefined")
	assert.Equal(t, "0", col(on, "employee_helpfulness_n"))

	assert.Equal(t, "true", col(ph, "suppressed"))
	assert.Equal(t, "3", col(ph, "volume_of_respondents"))
	for i, name := range head {
		if i >= 11 {
			assert.Empty(t, ph[i], "suppressed row shows %s", name)
		}
	}
}

func TestA11BadInput(t *testing.T) {
	rs, vols := a11Fixture()
	q := cx.FiscalQuarter{Year: 2025, Quarter: 2}
	_, err := cx.A11Summarize(survey.A11(), rs, vols, cx.A11Options{Quarter: cx.FiscalQuarter{Year: 2025, Quarter: 5}, Level: 1, MinGroup: -2})
	ve, ok := errors.AsType[*cx.ValidationError](err)
	require.True(t, ok, "%v", err)
	assert.Len(t, ve.Problems, 3)

	bad := slices.Clone(rs)
	bad[0].Survey = "nps"
	bad[1].Segments = map[string]string{"service": "passport"}
	bad[2].Answers = map[string]int{"a11.trust": 9, "nope": 1}
	badVols := slices.Clone(vols)
	badVols[0].Offered = 500
	badVols[1].Channel = ""
	_, err = cx.A11Summarize(survey.A11(), bad, badVols, cx.A11Options{Quarter: q})
	ve, ok = errors.AsType[*cx.ValidationError](err)
	require.True(t, ok, "%v", err)
	var fields []string
	for _, p := range ve.Problems {
		fields = append(fields, p.Field)
	}
	assert.Contains(t, fields, "volumes[0].offered")
	assert.Contains(t, fields, "volumes[1].channel")
	assert.Contains(t, fields, "responses[0 "+rs[0].ID.String()+"].survey")
	assert.Contains(t, fields, "responses[1 "+rs[1].ID.String()+"].segments.channel")
	assert.Contains(t, fields, "responses[2 "+rs[2].ID.String()+"].answers.a11.trust")
	assert.Contains(t, fields, "responses[2 "+rs[2].ID.String()+"].answers.nope")

	few := slices.Clone(vols)
	few[0].Offered, few[1].Offered = 2, 2
	_, err = cx.A11Summarize(survey.A11(), rs, few, cx.A11Options{Quarter: q})
	assert.ErrorIs(t, err, cx.ErrInvalid)
	assert.Contains(t, err.Error(), "8 responses but 4 offered the survey in FY2025 Q2")
}

// TestA11OnSimulatedCustomers: the summary of simulated customers adds
// up to the simulation's volumes and responses.
func TestA11OnSimulatedCustomers(t *testing.T) {
	d, err := simulate.Generate(simulate.Config{Seed: 4, Waves: 13, First: time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC),
		Customers: &simulate.Customers{}})
	require.NoError(t, err)
	q := cx.FiscalQuarter{Year: 2025, Quarter: 2}
	sum, err := cx.A11Summarize(d.CustomerSurvey, d.CustomerResponses, d.Volumes, cx.A11Options{Quarter: q})
	require.NoError(t, err)
	var customers, offered, responses int64
	for _, r := range sum.Rows {
		customers += r.Customers
		offered += r.Offered
		responses += r.Responses
	}
	var wantC, wantO int64
	outV := 0
	for _, v := range d.Volumes {
		if cx.FiscalQuarterOf(v.At) == q {
			wantC += v.Customers
			wantO += v.Offered
		} else {
			outV++
		}
	}
	assert.Equal(t, wantC, customers)
	assert.Equal(t, wantO, offered)
	assert.Equal(t, outV, sum.OutsideVolumes)
	assert.Equal(t, int64(len(d.CustomerResponses)-sum.OutsideResponses), responses)
	assert.Len(t, sum.Rows, 6, "2 services × 3 channels")
	on, _ := sum.Row("licensing", "online")
	ph, _ := sum.Row("licensing", "phone")
	assert.Greater(t, driver(t, on, "a11.trust").Score.Mean, driver(t, ph, "a11.trust").Score.Mean, "online is the better channel in the simulation")
}

// The A-11 summary of a simulated quarter of customers, one service and
// channel.
func ExampleA11Summarize() {
	d, err := simulate.Generate(simulate.Config{Seed: 1, Waves: 13, Customers: &simulate.Customers{}})
	if err != nil {
		fmt.Println(err)
		return
	}
	q := cx.FiscalQuarterOf(d.Waves[0].Opens)
	sum, err := cx.A11Summarize(d.CustomerSurvey, d.CustomerResponses, d.Volumes, cx.A11Options{Quarter: q})
	if err != nil {
		fmt.Println(err)
		return
	}
	r, _ := sum.Row("licensing", "online")
	fmt.Printf("%s licensing/online: %d customers, %d offered the survey, %d responses\n", q, r.Customers, r.Offered, r.Responses)
	for _, dr := range r.Drivers[:2] {
		s := dr.Score
		fmt.Printf("%-12s mean %.2f [%.2f, %.2f], agree %.1f%% [%.1f, %.1f]\n", dr.Driver, s.Mean, s.MeanCI.Lower, s.MeanCI.Upper,
			s.Favorable.Percent(), 100*s.FavorCI.Lower, 100*s.FavorCI.Upper)
	}
	// Output:
	// FY2025 Q2 licensing/online: 8831 customers, 2670 offered the survey, 524 responses
	// satisfaction mean 3.21 [3.13, 3.29], agree 38.5% [34.5, 42.8]
	// trust        mean 3.18 [3.10, 3.27], agree 38.2% [34.1, 42.4]
}

// The Touchpoints convention: per question the number of answers, the
// average and the full distribution with the scale's labels, pooled over
// services and channels; a hidden group (passport/phone, 3 responses) is
// pooled only when the hidden groups reach the minimum together.
func TestA11Touchpoints(t *testing.T) {
	rs, vols := a11Fixture()
	rs[0].Texts = map[string]string{"a11.feedback": "Fast and friendly"}
	q := cx.FiscalQuarter{Year: 2025, Quarter: 2}
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	tp, err := cx.A11Touchpoints(survey.A11(), rs, vols, cx.A11Options{Quarter: q, Location: ny})
	require.NoError(t, err)
	assert.Equal(t, int64(7), tp.Responses, "the 3 phone responses are below the minimum and alone: left out")
	assert.Equal(t, int64(3), tp.LeftOut)
	assert.Equal(t, int64(40), tp.Offered, "20 + 20 online; the 10 phone and 5 visa offers belong to groups left out")
	assert.InDelta(t, 7.0/40, tp.Rate, 1e-15, "responses and offers of the same groups")
	// The questions in the questionnaire's order, the free-text ones in
	// place.
	var order []string
	for _, qq := range tp.Questions {
		order = append(order, qq.Item)
	}
	assert.Equal(t, []string{"a11.satisfaction", "a11.trust", "a11.scores_feedback", "a11.effectiveness", "a11.ease", "a11.efficiency",
		"a11.equity", "a11.employee", "a11.feedback"}, order)
	trust := tp.Questions[1]
	// Trust answers of passport/online, the only group pooled: 5 4 4 3 2 5 4.
	answers := []int{5, 4, 4, 3, 2, 5, 4}
	var sum float64
	counts := map[int]int64{}
	for _, a := range answers {
		sum += float64(a)
		counts[a]++
	}
	assert.Equal(t, int64(7), trust.Answered)
	assert.InDelta(t, sum/7, trust.Average, 1e-15)
	assert.Equal(t, 3.86, cx.TouchpointsAverage(trust.Average), "27/7 = 3.857… shown as 3.86")
	require.Len(t, trust.Distribution, 5)
	for _, d := range trust.Distribution {
		assert.Equal(t, counts[d.Value], d.Count, "answers %d", d.Value)
	}
	assert.Equal(t, "Strongly Disagree", trust.Distribution[0].Label)
	assert.Equal(t, "Strongly Agree", trust.Distribution[4].Label)
	ease := tp.Questions[4]
	assert.Equal(t, int64(6), ease.Answered)
	eff := tp.Questions[3]
	assert.True(t, eff.Hidden, "nobody answered effectiveness")
	assert.Empty(t, eff.Distribution)
	fb := tp.Questions[8]
	assert.True(t, fb.FreeText)
	assert.Zero(t, fb.Answered, "a hidden question's count is a small group's")
	assert.True(t, fb.Hidden, "one comment is below the minimum")

	// With two more phone responses the hidden groups… stay hidden in
	// the per-row summary but reach the minimum together: pooled.
	for i := range 2 {
		r := rs[9].Clone() // a phone response in the quarter
		r.ID = uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "extra/%d", i))
		r.Segments = map[string]string{"service": "visa", "channel": "in_person"}
		rs = append(rs, r)
	}
	tp, err = cx.A11Touchpoints(survey.A11(), rs, vols, cx.A11Options{Quarter: q, Location: ny})
	require.NoError(t, err)
	assert.Equal(t, int64(12), tp.Responses)
	assert.Zero(t, tp.LeftOut)
	assert.Equal(t, int64(55), tp.Offered, "every group pooled: 20 + 20 online, 10 phone, 5 visa")
}

// TestTouchpointsLeavesOutHiddenDrivers: the pooled distribution of a
// question minus the distributions the A-11 summary shows never gives
// the answers of fewer than MinGroup customers. In the audit's case
// passport/phone has 6 responses, 2 of which answered equity: the
// summary hides that driver, and Touchpoints used to pool those two
// answers (its equity distribution minus passport/web's gave them). On
// random rows with skipped drivers, the remainder of every question is
// empty or holds at least MinGroup answers.
func TestTouchpointsLeavesOutHiddenDrivers(t *testing.T) {
	s := survey.A11()
	q := cx.FiscalQuarter{Year: 2026, Quarter: 2}
	at := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	type row struct {
		service, channel string
		n                int
		answered         map[string]int // item → customers who answered it (default all)
	}
	build := func(rows []row, r *rand.Rand) []survey.Response {
		var rs []survey.Response
		for _, x := range rows {
			for k := range x.n {
				resp := survey.Response{ID: uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "tp/%d", len(rs))), Survey: s.ID, Wave: "q", Unit: "u",
					Submitted: at.Add(time.Duration(len(rs)) * time.Minute), Answers: map[string]int{},
					Segments: map[string]string{"service": x.service, "channel": x.channel}}
				for _, it := range s.Items {
					if n, ok := x.answered[it.ID]; ok && k >= n {
						continue
					}
					resp.Answers[it.ID] = it.Scale.Min + r.Intn(it.Scale.Max-it.Scale.Min+1)
				}
				rs = append(rs, resp)
			}
		}
		return rs
	}
	// remainders returns, per item, the answers pooled minus those the
	// summary shows.
	remainders := func(rs []survey.Response) (map[string]int64, *cx.TouchpointsSummary) {
		sum, err := cx.A11Summarize(s, rs, nil, cx.A11Options{Quarter: q})
		require.NoError(t, err)
		tp, err := cx.A11Touchpoints(s, rs, nil, cx.A11Options{Quarter: q})
		require.NoError(t, err)
		out := map[string]int64{}
		for _, qq := range tp.Questions {
			if qq.FreeText || qq.Hidden {
				continue
			}
			per := map[int]int64{}
			for _, c := range qq.Distribution {
				per[c.Value] += c.Count
			}
			for _, r := range sum.Rows {
				for _, d := range r.Drivers {
					if d.Item == qq.Item && !r.Hidden && !d.Hidden {
						for j, c := range d.Answers.Counts {
							per[d.Answers.Min+j] -= c
						}
					}
				}
			}
			for v, n := range per {
				require.GreaterOrEqual(t, n, int64(0), "%s: the summary shows more answers %d than pooled", qq.Item, v)
				out[qq.Item] += n
			}
		}
		return out, tp
	}
	r := rand.New(rand.NewSource(cxgen.Seed(t)))
	rest, tp := remainders(build([]row{{"passport", "web", 12, nil}, {"passport", "phone", 6, map[string]int{"a11.equity": 2}}}, r))
	assert.Zero(t, rest["a11.equity"], "the two phone customers' equity answers are not pooled")
	for _, qq := range tp.Questions {
		if qq.Item == "a11.equity" {
			assert.Equal(t, int64(12), qq.Answered)
			assert.Equal(t, int64(2), qq.LeftOut)
		}
	}
	for c := range cxgen.Runs(t, 100) {
		var rows []row
		for i := range 1 + r.Intn(4) {
			x := row{service: fmt.Sprintf("s%d", i%2), channel: fmt.Sprintf("c%d", i), n: r.Intn(12), answered: map[string]int{}}
			for _, it := range s.Items {
				if r.Intn(3) == 0 {
					x.answered[it.ID] = r.Intn(x.n + 1)
				}
			}
			rows = append(rows, x)
		}
		rest, _ := remainders(build(rows, r))
		for item, n := range rest {
			if n > 0 && n < 5 {
				t.Errorf("case %d %v: %s pools %d answers the summary hides", c, rows, item, n)
			}
		}
	}
}
