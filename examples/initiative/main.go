// Command initiative tells the story of a 90-day project on seeded
// simulated data: the baseline, the scorecard, the project's impact
// against comparison teams (difference in differences), the wins to
// celebrate with the behaviors behind them, whether the gain is embedded,
// the behavior indicators, the pitfalls of the program, which behaviors go
// with customer trust across teams, where beliefs run ahead of practice,
// and what a team can detect.
//
// With -data it instead reads the benchmark data of shared/bench (every
// fifth team runs an initiative from wave 6 that lifts customer focus and
// empowerment), declares that initiative, estimates its impact on every
// behavior with per-team and placebo effects, and prints recall and false
// positives.
//
// Run:
//
//	go run ./examples/initiative [-data DIR] [-min-group N] [-workers N]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	if err := run(context.Background(), os.Stdout, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "initiative:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer, args []string) error {
	fs := flag.NewFlagSet("initiative", flag.ContinueOnError)
	fs.SetOutput(w)
	data := fs.String("data", "", "benchmark data folder (units.csv, items.csv, responses.csv)")
	minGroup := fs.Int("min-group", 5, "minimum respondents for a group's figures to be shown")
	workers := fs.Int("workers", 0, "goroutines parsing the responses (0: one per core)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *data != "" {
		return runBench(ctx, w, *data, *minGroup, *workers)
	}
	return runStory(w, *minGroup)
}
