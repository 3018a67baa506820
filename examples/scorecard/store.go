package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/cx/sqlstore/postgres"
	"github.com/cxculture/cxculture/cx/sqlstore/sqlite"
	"github.com/cxculture/cxculture/survey"
)

// openStore opens the store -store names: memory, sqlite:FILE or
// postgres:DSN.
func openStore(ctx context.Context, spec string) (cx.Store, func() error, error) {
	kind, arg, _ := strings.Cut(spec, ":")
	switch kind {
	case "memory":
		return memstore.New(), func() error { return nil }, nil
	case "sqlite":
		s, err := sqlite.Open(ctx, arg)
		if err != nil {
			return nil, nil, err
		}
		return s, s.Close, nil
	case "postgres":
		s, err := postgres.Open(ctx, arg)
		if err != nil {
			return nil, nil, err
		}
		return s, s.Close, nil
	}
	return nil, nil, fmt.Errorf("-store %q: use memory, sqlite:FILE or postgres:DSN", spec)
}

// demoKey pseudonymizes respondents when CXCULTURE_PSEUDONYM_KEY is unset.
const demoKey = "scorecard example demo key, not a secret"

// throughStore defines the program of the export in the store -store
// names (unless the store holds it already), imports the responses, and
// returns the data and a function computing scorecards with
// Program.Scorecard, and one closing the store.
func throughStore(ctx context.Context, cfg config) (*data, func([]cx.ScorecardOptions) ([]*cx.Scorecard, error), func() error, error) {
	h, s, err := cx.ReadExportFolder(cfg.data, survey.Survey{ID: "pulse", Name: "Pulse", Audience: survey.Employee, Version: 1})
	if err != nil {
		return nil, nil, nil, err
	}
	windows, err := waveWindows(ctx, filepath.Join(cfg.data, "responses.csv"), s, cfg.workers)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("responses.csv: %w", err)
	}
	store, done, err := openStore(ctx, cfg.store)
	if err != nil {
		return nil, nil, nil, err
	}
	key := os.Getenv("CXCULTURE_PSEUDONYM_KEY")
	if key == "" {
		key = demoKey
	}
	ps, err := cx.NewPseudonymizer([]byte(key))
	if err != nil {
		return nil, nil, nil, errors.Join(err, done())
	}
	var waves []string
	var latest time.Time
	for w, win := range windows {
		waves = append(waves, w)
		if win[1].After(latest) {
			latest = win[1]
		}
	}
	slices.SortFunc(waves, compareWaves)
	p, err := cx.New(store, &cx.Options{Pseudonymizer: ps, Now: func() time.Time { return latest.Add(24 * time.Hour) }})
	if err == nil {
		err = define(ctx, p, h, s, waves, windows)
	}
	if err != nil {
		return nil, nil, nil, errors.Join(err, done())
	}

	file := cfg.importFile
	if file == "" {
		file = filepath.Join(cfg.data, "responses.csv")
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, nil, nil, errors.Join(err, done())
	}
	// An import holds some 50 bytes a response of its own (the IDs it has
	// seen, to refuse repeats), more than the soft memory limit for an
	// export of a million responses: the collector would then run without
	// pause (546 collections instead of 80, 23% more CPU, for 1,000,000
	// responses into SQLite). The store path runs without it, paced by
	// GOGC alone, as a program importing into a store would.
	dropLimit()
	start := time.Now()
	var res cx.ImportResult
	if strings.HasSuffix(file, ".jsonl") {
		res, err = p.ImportJSONL(ctx, s.ID, f, nil)
	} else {
		res, err = p.ImportCSV(ctx, s.ID, f, nil)
	}
	took := time.Since(start)
	f.Close()
	if err != nil {
		return nil, nil, nil, errors.Join(fmt.Errorf("%s: %w", file, err), done())
	}
	fmt.Fprintf(os.Stderr, "import: %d rows, %d added, %d unchanged in %.3f s: %.0f responses/s\n",
		res.Rows, res.Added, res.Unchanged, took.Seconds(), float64(res.Rows)/took.Seconds())

	d := &data{h: h, s: s, waves: waves}
	score := func(opts []cx.ScorecardOptions) ([]*cx.Scorecard, error) {
		start := time.Now()
		out := make([]*cx.Scorecard, len(opts))
		for i, o := range opts {
			sc, err := p.Scorecard(ctx, s.ID, o)
			if err != nil {
				return nil, err
			}
			out[i] = sc
		}
		fmt.Fprintf(os.Stderr, "scorecards: %d in %.3f s\n", len(opts), time.Since(start).Seconds())
		t, err := cx.TallyResponses(ctx, store, cx.TallyFilter{Survey: s.ID})
		if err != nil {
			return nil, err
		}
		d.respondents = t.Respondents
		return out, nil
	}
	return d, score, done, nil
}

// define defines the org, the survey and its waves in the program's
// store, unless it holds the survey already.
func define(ctx context.Context, p *cx.Program, h *cx.Hierarchy, s survey.Survey, waves []string, windows map[string][2]time.Time) error {
	if _, err := p.Store().GetSurvey(ctx, s.ID); err == nil {
		return nil
	} else if !errors.Is(err, cx.ErrNotFound) {
		return err
	}
	if err := p.DefineUnits(ctx, h.Units()...); err != nil {
		return err
	}
	if err := p.DefineSurvey(ctx, s); err != nil {
		return err
	}
	for _, w := range waves {
		win := windows[w]
		if err := p.OpenWave(ctx, survey.Wave{ID: w, Survey: s.ID, Opens: win[0], Closes: win[1]}); err != nil {
			return err
		}
	}
	return nil
}

// waveWindows reads the responses once and returns, per wave, the first
// and last submitted time.
func waveWindows(ctx context.Context, path string, s survey.Survey, workers int) (map[string][2]time.Time, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string][2]time.Time{}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	local := make([]map[string][2]time.Time, workers)
	for i := range local {
		local[i] = map[string][2]time.Time{}
	}
	err = survey.ScanCSV(ctx, f, s, nil, workers, func(w int, row *survey.Row) error {
		m := local[w]
		win, ok := m[row.Wave]
		if !ok || row.Submitted.Before(win[0]) {
			win[0] = row.Submitted
		}
		if !ok || row.Submitted.After(win[1]) {
			win[1] = row.Submitted
		}
		m[row.Wave] = win
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, m := range local {
		for w, win := range m {
			cur, ok := out[w]
			if !ok || win[0].Before(cur[0]) {
				cur[0] = win[0]
			}
			if !ok || win[1].After(cur[1]) {
				cur[1] = win[1]
			}
			out[w] = cur
		}
	}
	return out, nil
}
