package main

import (
	"context"
	"errors"
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
	return errors.New("story mode not written yet")
}
