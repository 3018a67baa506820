// Command initiative closes the loop from culture to customer results on
// seeded simulated data, through one program holding the employees' pulse
// and the customers' A-11 survey: a 90-day project whose outcome target
// is customer trust, its impact against the teams that did not run it
// (difference in differences), the win announced with the customer
// result, the target and the behaviors behind it, whether the gain held
// after the project ended, the behavior indicators, the pitfalls, which
// behaviors go with customer trust across teams, where beliefs run ahead
// of practice, the comments and their themes, the recognition of the
// behaviors, and the report in four formats (-report DIR).
//
// With -data it instead reads the benchmark data of shared/bench (every
// fifth team runs an initiative from wave 6 that lifts customer focus and
// empowerment), declares that initiative, estimates its impact on every
// behavior with per-team and placebo effects, and prints recall and false
// positives.
//
// Run:
//
//	go run ./examples/initiative [-report DIR] [-data DIR] [-min-group N] [-workers N]
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
	reportDir := fs.String("report", "", "also write the report (HTML, Markdown, JSON, CSV) into this folder")
	minGroup := fs.Int("min-group", 5, "minimum respondents for a group's figures to be shown")
	workers := fs.Int("workers", 0, "goroutines parsing the responses (0: one per core)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *data != "" {
		return runBench(ctx, w, *data, *minGroup, *workers)
	}
	return runStory(ctx, w, *minGroup, *reportDir)
}
