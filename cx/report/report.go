package report

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/survey"
)

// Report is what one report renders. Every part is optional, but a report
// must have at least one.
type Report struct {
	// Title heads the report; default "Culture and customer experience
	// report".
	Title string
	// Generated is printed as the report's date when not zero.
	Generated time.Time
	// Scorecard is the scorecard of one wave; its heatmap is drawn from it.
	Scorecard *cx.Scorecard
	// Trends are control charts of measures over time ([cx.Trends]).
	Trends []cx.Trend
	// Impacts are estimated effects of initiatives ([cx.EstimateImpact]).
	Impacts []*cx.Impact
	// Wins are the wins feed ([cx.Wins]).
	Wins []cx.Win
	// Pitfalls are the detected pitfalls ([cx.Pitfalls]).
	Pitfalls []cx.Pitfall
	// Sustainment says whether each initiative's gains held after it
	// ended ([cx.Sustain]).
	Sustainment []cx.Sustainment
	// Links relate the behaviors to customer outcomes across units
	// ([cx.Links]).
	Links []*cx.Link
	// Gaps are the belief-practice gaps ([cx.Gaps]).
	Gaps []cx.Gap
	// Indicators are the behavior indicators ([cx.EvaluateIndicators]).
	Indicators []cx.IndicatorResult
	// A11 is the quarterly A-11 summary ([cx.A11Summarize]) and
	// Touchpoints the same quarter in the Touchpoints convention
	// ([cx.A11Touchpoints]).
	A11         *cx.A11Summary
	Touchpoints *cx.TouchpointsSummary
	// Pulse is the participation report ([cx.Program.PulseReport]).
	Pulse *cx.PulseReport
	// Comments are the comments read back with their themes
	// ([cx.Program.Comments]).
	Comments []cx.CommentGroup
	// Recognition counts the acts of recognition ([cx.CountRecognitions]).
	Recognition []cx.RecognitionCount
	// Behaviors name the behaviors in the texts leaders read (the
	// program's frameworks' behaviors); a behavior without a name is
	// named from its ID.
	Behaviors []culture.Behavior
	// Hierarchy, when given, names the units of trends and impacts that
	// the scorecard does not list.
	Hierarchy *cx.Hierarchy
	// Segments are waves cut by a segment attribute ([cx.SegmentCut]).
	Segments []*cx.SegmentCut
	// Leaders are leaders' views ([cx.LeaderView]), each named for the
	// report by its key (the leader's name as people read it).
	Leaders map[string]*cx.LeaderView
	// Paired are changes among the people who answered two waves
	// ([cx.PairedChange]).
	Paired []*cx.PairedChange
	// Waves name the waves of every survey the parts cover in the texts
	// leaders read: a wave's Name, else the date it opened (as
	// the store's ListWaves returns them). A wave not listed is named by the
	// date of the trend or indicator points that carry it, else "survey"
	// and its ID.
	Waves []survey.Wave
	// Surveys name the surveys in the texts leaders read; a survey not
	// listed is named "the survey".
	Surveys []survey.Survey
	// Disclosure, when given, is the privacy plan of the program
	// ([cx.Program.Disclosure]), applied on top of what each part hides:
	// every cell it hides (a unit in a wave of the plan, with its reason)
	// is hidden in the scorecard, its baseline comparisons, every trend,
	// gap, indicator and pulse row. Pass the plan the scorecard was
	// computed with. Waves the plan does not cover (a customer survey's)
	// are left to the plans they were computed under.
	Disclosure *cx.Disclosure
}

// DefaultTitle is the title of a report without one.
const DefaultTitle = "Culture and customer experience report"

// Outputs are the writers of the four formats; a nil writer skips its
// format.
type Outputs struct {
	Markdown io.Writer
	HTML     io.Writer
	JSON     io.Writer
	CSV      io.Writer
}

// Render builds the document of r once and writes every format of out that
// is not nil: Markdown, one self-contained HTML file, JSON and tidy CSV. It
// fails with a [*cx.ValidationError] when r is inconsistent (see [Build]),
// or with the first write error.
func Render(r Report, out Outputs) error {
	d, err := Build(r)
	if err != nil {
		return err
	}
	steps := []struct {
		w     io.Writer
		write func(io.Writer) error
		name  string
	}{
		{out.Markdown, d.WriteMarkdown, "Markdown"},
		{out.HTML, d.WriteHTML, "HTML"},
		{out.JSON, d.WriteJSON, "JSON"},
		{out.CSV, d.WriteCSV, "CSV"},
	}
	for _, s := range steps {
		if s.w == nil {
			continue
		}
		if err := s.write(s.w); err != nil {
			return fmt.Errorf("report: writing %s: %w", s.name, err)
		}
	}
	return nil
}

// Files are the names [WriteFiles] writes in its folder.
var Files = []string{"report.html", "report.md", "report.json", "report.csv"}

// WriteFiles renders r into the folder dir, which must exist, as the files
// named in [Files], and returns their paths. Files are replaced whole: each
// is written to a temporary file first and renamed.
func WriteFiles(dir string, r Report) ([]string, error) {
	if fi, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("report: output folder: %w", err)
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("report: output folder %s is not a folder", dir)
	}
	d, err := Build(r)
	if err != nil {
		return nil, err
	}
	writers := []func(io.Writer) error{d.WriteHTML, d.WriteMarkdown, d.WriteJSON, d.WriteCSV}
	var paths []string
	for i, name := range Files {
		path := filepath.Join(dir, name)
		if err := writeFile(path, writers[i]); err != nil {
			return paths, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}

func writeFile(path string, write func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	if err = write(f); err != nil {
		return fmt.Errorf("report: writing %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("report: writing %s: %w", path, err)
	}
	if err = os.Chmod(f.Name(), 0o644); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// Build returns the document of r: the figures every format renders, with
// suppressed groups reduced to their identity and the reason they are
// hidden. It fails with a [*cx.ValidationError] listing every problem
// when r has nothing to report or its parts are inconsistent (a unit's
// behaviors not aligned with the scorecard's, a heatmap that does not
// match its scorecard).
func Build(r Report) (*Document, error) {
	var ps problems
	d := &Document{Schema: Schema, Version: Version, Title: r.Title}
	if d.Title == "" {
		d.Title = DefaultTitle
	}
	d.nameWaves(r)
	if !r.Generated.IsZero() {
		d.Generated = r.Generated.UTC().Format(time.RFC3339)
	}
	if r.Scorecard == nil && len(r.Trends) == 0 && len(r.Impacts) == 0 && len(r.Wins) == 0 && len(r.Pitfalls) == 0 && !r.hasLoop() &&
		len(r.Segments) == 0 && len(r.Leaders) == 0 && len(r.Paired) == 0 {
		ps.add("report", "nothing to report: no scorecard, trends, impacts, wins, pitfalls, sustainment, links, gaps, indicators, A-11 summary, pulse report, comments, recognition, segment cuts, leaders' views or paired changes")
	}
	names := map[string]string{}
	if r.Hierarchy != nil {
		for _, u := range r.Hierarchy.Units() {
			names[u.ID] = u.Name
		}
	}
	// planned reports whether the disclosure plan hides a unit in a wave.
	// planned applies the plan to the waves it covers: those of the
	// survey it was made for. Other waves (a customer survey's periods)
	// are protected by their own plans where they were computed.
	var covered map[string]bool
	if r.Disclosure != nil {
		covered = map[string]bool{}
		for _, w := range r.Disclosure.Waves() {
			covered[w] = true
		}
	}
	planned := func(unit, wave string) (string, bool) {
		if r.Disclosure == nil || wave == "" || !covered[wave] {
			return "", false
		}
		why, hidden := r.Disclosure.Hidden(unit, wave)
		return why.String(), hidden
	}
	if r.Scorecard != nil {
		d.Scorecard, d.Heatmap = buildScorecard(r.Scorecard, planned, &ps)
		if len(r.Behaviors) > 0 {
			d.Scorecard.BehaviorNames = map[string]string{}
			for _, b := range r.Behaviors {
				if b.Name != "" && slices.Contains(d.Scorecard.Behaviors, b.ID) {
					d.Scorecard.BehaviorNames[b.ID] = b.Name
				}
			}
		}
		if p := r.Scorecard.Privacy; p != nil {
			d.Scorecard.Privacy = privacyRules(*p)
		} else if r.Disclosure != nil {
			d.Scorecard.Privacy = privacyRules(r.Disclosure.Privacy())
		}
		for _, u := range r.Scorecard.Units {
			names[u.Unit] = u.Name
		}
	}
	// A unit the scorecard hides in its wave is hidden in that wave of
	// every trend too, whatever the trend's own rule says.
	hidden := func(unit, wave string) (string, bool) {
		if why, ok := planned(unit, wave); ok {
			return why, true
		}
		if d.Scorecard == nil || wave != d.Scorecard.Wave {
			return "", false
		}
		for _, u := range d.Scorecard.Units {
			if u.Unit == unit && u.Hidden {
				return u.Reason, true
			}
		}
		return "", false
	}
	for i, tr := range r.Trends {
		d.Trends = append(d.Trends, buildTrend(tr, names, d.wave, hidden, "trends["+strconv.Itoa(i)+"]", &ps))
	}
	for i, im := range r.Impacts {
		if im == nil {
			ps.add("impacts["+strconv.Itoa(i)+"]", "nil impact")
			continue
		}
		d.Impacts = append(d.Impacts, buildImpact(im))
	}
	for _, w := range r.Wins {
		d.Wins = append(d.Wins, buildWin(w))
	}
	for _, p := range r.Pitfalls {
		d.Pitfalls = append(d.Pitfalls, buildPitfall(p))
	}
	d.buildLoop(r, names, hidden, &ps)
	d.buildChange(r, &ps)
	d.names = names
	if d.Scorecard != nil {
		d.Scorecard.waveNames = d.WaveNames
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	return d, nil
}

type problems []cx.Problem

func (ps *problems) add(field, msg string) { *ps = append(*ps, cx.Problem{Field: field, Message: msg}) }

func (ps problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return &cx.ValidationError{Problems: ps}
}

// nameWaves fills WaveNames and SurveyNames from the report's waves and
// surveys, then from the dates of the points of trends and indicators.
func (d *Document) nameWaves(r Report) {
	waves := map[string]string{}
	for _, w := range r.Waves {
		switch {
		case w.Name != "":
			waves[w.ID] = w.Name
		case !w.Opens.IsZero():
			waves[w.ID] = w.Opens.Format("2 Jan 2006")
		}
	}
	dated := func(id string, t time.Time) {
		if id != "" && !t.IsZero() && waves[id] == "" {
			waves[id] = t.Format("2 Jan 2006")
		}
	}
	for _, tr := range r.Trends {
		for _, p := range tr.Points {
			dated(p.Wave, p.Time)
		}
	}
	for _, ind := range r.Indicators {
		for _, p := range ind.Points {
			dated(p.Wave, p.Time)
		}
	}
	for _, g := range r.Comments {
		if g.WaveName != "" && waves[g.Wave] == "" {
			waves[g.Wave] = g.WaveName
		}
	}
	if len(waves) > 0 {
		d.WaveNames = waves
	}
	for _, s := range r.Surveys {
		if s.Name != "" {
			if d.SurveyNames == nil {
				d.SurveyNames = map[string]string{}
			}
			d.SurveyNames[s.ID] = s.Name
		}
	}
}

// wave names a wave for people.
func (d *Document) wave(id string) string {
	if n := d.WaveNames[id]; n != "" {
		return n
	}
	if id == "" {
		return ""
	}
	return "survey " + id
}

// waves names a list of waves for people: "5 Jan 2026", "5 Jan 2026 to
// 5 Apr 2026" for several, "none" for none.
func (d *Document) waves(ids []string) string {
	switch len(ids) {
	case 0:
		return "none"
	case 1:
		return d.wave(ids[0])
	}
	return d.wave(ids[0]) + " to " + d.wave(ids[len(ids)-1])
}
