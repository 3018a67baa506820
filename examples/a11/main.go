// Command a11 produces the quarterly customer-experience summary that US
// federal High Impact Service Providers report under OMB Circular A-11
// Section 280: the A-11 customer survey word for word (its statements on a
// 5-point agreement scale with their labels, the required marks, the
// standard's alternative wordings and its two free-text questions, with
// the service and agency names filled in), a quarter of simulated customer
// responses for three services across three channels, and, per service and
// channel, the volume of customers, the surveys offered, the responses,
// and per driver the mean and the share who agree with their 95%
// intervals; then the same quarter in the convention of GSA Touchpoints
// (per question the average and the full distribution of answers).
//
// The teams of division d2 run a change program from the first week, so
// their customers' answers improve as the quarter goes on; the mail
// channel serves few customers, and its answers are suppressed where
// fewer than five customers responded.
//
// Run:
//
//	go run ./examples/a11 [-seed N] [-csv FILE]
//
// With -csv the summary is also written as CSV in the reporting shape
// (fiscal_year, quarter, service, channel, volume_of_customers,
// volume_of_customers_provided_survey_opportunity, volume_of_respondents,
// then per driver the answer counts, mean and percent agreeing).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/cx/simulate"
	"github.com/cxculture/cxculture/metrics"
	"github.com/cxculture/cxculture/survey"
)

func main() {
	if err := run(context.Background(), os.Stdout, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "a11:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer, args []string) error {
	fs := flag.NewFlagSet("a11", flag.ContinueOnError)
	fs.SetOutput(w)
	seed := fs.Int64("seed", 280, "simulation seed")
	csvPath := fs.String("csv", "", "also write the summary as CSV to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}

	// 1. The survey, word for word, with the names filled in.
	a11 := survey.A11().Fill(map[string]string{survey.A11ProgramService: "State Benefits Online",
		survey.A11AgencyProgramService: "the State Benefits Office", survey.A11Population: "residents"})
	fmt.Fprintf(w, "%s (%d items, %s: %s)\n", a11.Name, len(a11.Items), a11.Items[0].Scale, strings.Join(a11.Items[0].Labels, " / "))
	texts := func(after string) {
		for _, t := range a11.TextItems {
			if t.After == after {
				fmt.Fprintf(w, "  %-22s %s (free text)\n", "", t.Text)
			}
		}
	}
	for _, it := range a11.Items {
		mark := ""
		if it.Required {
			mark = " *"
		}
		fmt.Fprintf(w, "  %-22s %s%s\n", it.Construct, it.Text, mark)
		for _, alt := range it.Alternatives {
			fmt.Fprintf(w, "  %-22s   or: %s\n", "", alt)
		}
		texts(it.ID)
	}
	texts("")
	fmt.Fprintln(w, "  (* required)")

	// 2. A quarter of customers: FY2025 Q2, January to March 2025, in
	// weekly batches, served by twelve teams.
	quarter := cx.FiscalQuarter{Year: 2025, Quarter: 2}
	d, err := simulate.Generate(simulate.Config{
		Seed:  *seed,
		Waves: 13,
		First: time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC),
		Lifts: []simulate.Lift{{Units: []string{"d2"}, From: 0, Size: 0.8, Ramp: 8}},
		Customers: &simulate.Customers{
			Services:       []string{"benefits_claims", "licensing", "appeals"},
			Channels:       []string{"online", "phone", "mail"},
			ChannelVolumes: map[string]int{"mail": 1},
		},
	})
	if err != nil {
		return err
	}

	// 3. Recorded in a program, which validates every response.
	p, err := cx.New(memstore.New(), nil)
	if err != nil {
		return err
	}
	if err := p.DefineUnits(ctx, d.Units...); err != nil {
		return err
	}
	if err := p.DefineSurvey(ctx, d.CustomerSurvey); err != nil {
		return err
	}
	for _, wv := range d.CustomerWaves {
		if err := p.OpenWave(ctx, wv); err != nil {
			return err
		}
	}
	n, err := p.RecordResponses(ctx, d.CustomerResponses)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%s: %d customer responses recorded from %d teams\n", quarter, n, len(d.Teams))

	// 4. The quarterly summary.
	sum, err := cx.A11Summarize(d.CustomerSurvey, d.CustomerResponses, d.Volumes, cx.A11Options{Quarter: quarter})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nVolumes and responses, %s (%s to %s)\n", quarter,
		quarter.Start(time.UTC).Format("2006-01-02"), quarter.End(time.UTC).AddDate(0, 0, -1).Format("2006-01-02"))
	fmt.Fprintf(w, "  %-16s %-7s %9s %8s %9s %20s\n", "service", "channel", "customers", "offered", "responses", "response rate")
	for _, r := range sum.Rows {
		fmt.Fprintf(w, "  %-16s %-7s %9d %8d %9d %20s\n", r.Service, r.Channel, r.Customers, r.Offered, r.Responses,
			pct(r.ResponseRate.Value(), r.RateCI))
	}
	if sum.OutsideResponses+sum.OutsideVolumes > 0 {
		fmt.Fprintf(w, "  (%d responses and %d volume records fall outside the quarter)\n", sum.OutsideResponses, sum.OutsideVolumes)
	}

	fmt.Fprintf(w, "\nDrivers: mean on 1-5 [95%% CI] and %% agree (4-5) [95%% CI]\n")
	for _, r := range sum.Rows {
		fmt.Fprintf(w, "  %s / %s", r.Service, r.Channel)
		if r.Hidden {
			fmt.Fprintf(w, ": suppressed, fewer than %d responses\n", sum.MinGroup)
			continue
		}
		fmt.Fprintln(w)
		for _, dr := range r.Drivers {
			sc := dr.Score
			if dr.Hidden {
				fmt.Fprintf(w, "    %-22s hidden, fewer than %d answered\n", dr.Driver, sum.MinGroup)
				continue
			}
			fmt.Fprintf(w, "    %-22s n=%-4d %4.2f [%4.2f, %4.2f]  %s\n", dr.Driver, sc.N, sc.Mean, sc.MeanCI.Lower, sc.MeanCI.Upper,
				pct(sc.Favorable.Value(), sc.FavorCI))
		}
	}

	// 5. The same quarter in the Touchpoints convention.
	tp, err := cx.A11Touchpoints(d.CustomerSurvey, d.CustomerResponses, d.Volumes, cx.A11Options{Quarter: quarter})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nTouchpoints summary, %s: %d responses, %d offered the survey, rate %.0f%%", quarter, tp.Responses, tp.Offered, 100*tp.Rate)
	if tp.LeftOut > 0 {
		fmt.Fprintf(w, " (%d responses of groups below the minimum left out)", tp.LeftOut)
	}
	fmt.Fprintln(w)
	for _, q := range tp.Questions {
		switch {
		case q.FreeText:
			fmt.Fprintf(w, "  %-22s %d written answers\n", q.Item, q.Answered)
		case q.Hidden:
			fmt.Fprintf(w, "  %-22s hidden: %d answers\n", q.Driver, q.Answered)
		default:
			var dist []string
			for _, c := range q.Distribution {
				dist = append(dist, fmt.Sprintf("%s %d", c.Label, c.Count))
			}
			fmt.Fprintf(w, "  %-22s average %.2f of %d answers: %s\n", q.Driver, cx.TouchpointsAverage(q.Average), q.Answered, strings.Join(dist, ", "))
		}
	}

	// 6. Trust by division: the change program shows in its customers.
	fmt.Fprintf(w, "\nTrust by division (%% agree), January and March, change with its 95%% interval (Newcombe)\n")
	for _, div := range []string{"d1", "d2", "d3"} {
		jan, mar := trustShare(d, div, time.January), trustShare(d, div, time.March)
		ch := metrics.NewcombeDiff(mar, jan, 0.95)
		mark := ""
		if !ch.Contains(0) {
			mark = " *"
		}
		fmt.Fprintf(w, "  %-3s January %5.1f%% (n=%d)   March %5.1f%% (n=%d)   change %+5.1f pp [%+5.1f, %+5.1f]%s\n", div,
			jan.Percent(), jan.N, mar.Percent(), mar.N, mar.Percent()-jan.Percent(), 100*ch.Lower, 100*ch.Upper, mark)
	}

	if *csvPath != "" {
		f, err := os.Create(*csvPath)
		if err != nil {
			return err
		}
		if err := cx.WriteA11CSV(f, sum); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		fmt.Fprintf(w, "\nWrote %s (%d rows)\n", *csvPath, len(sum.Rows))
	}
	return nil
}

// trustShare returns the customers of the division's teams who agree
// with the trust item (4 or 5) in the given month of 2025, among those
// who answered it.
func trustShare(d *simulate.Data, div string, month time.Month) metrics.Proportion {
	var p metrics.Proportion
	for _, r := range d.CustomerResponses {
		v, ok := r.Answers["a11.trust"]
		if !ok || !strings.HasPrefix(r.Unit, div+"-") || r.Submitted.Month() != month {
			continue
		}
		p.N++
		if v >= 4 {
			p.Successes++
		}
	}
	return p
}

// pct formats a share and its interval as percentages.
func pct(v float64, iv metrics.Interval) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return fmt.Sprintf("%5.1f%% [%4.1f, %4.1f]", 100*v, 100*iv.Lower, 100*iv.Upper)
}
