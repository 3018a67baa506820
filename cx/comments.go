package cx

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cxculture/cxculture/cx/themes"
	"github.com/cxculture/cxculture/survey"
)

// CommentItem names the free comment of a response (survey.Response's
// Comment field) among the questions of [CommentOptions.Items].
const CommentItem = "comment"

// CommentOptions configure [Program.Comments].
type CommentOptions struct {
	// Survey is the survey whose comments are read: the employee pulse
	// or a customer survey (its comments are the voice of the customer);
	// required.
	Survey string
	// Waves are the waves read; default every wave of the survey.
	Waves []string
	// Units are the units read, each with the units below it; default
	// every unit of the hierarchy in force at each wave.
	Units []string
	// Items are the free-text questions read (text item IDs, or
	// [CommentItem] for the free comment); default every text item of
	// the survey and the free comment.
	Items []string
	// Behavior, when set, keeps the free-text questions about that
	// behavior (the text items whose Construct it is).
	Behavior string
	// Themes are the program's own themes, counted after the built-in
	// ones ([themes.BuiltIn]) unless NoBuiltInThemes is set.
	Themes          []themes.Theme
	NoBuiltInThemes bool
	// MaxVerbatims caps the verbatims returned per group (0: every one).
	MaxVerbatims int
}

// CommentGroup holds the comments of one unit (with the units below it),
// wave and free-text question: the verbatims and the number of comments
// per theme.
type CommentGroup struct {
	Survey     string `json:"survey"`
	SurveyName string `json:"survey_name"`
	// Customer marks the comments of customers (a customer survey).
	Customer bool   `json:"customer"`
	Unit     string `json:"unit"`
	UnitName string `json:"unit_name"`
	Wave     string `json:"wave"`
	// WaveName names the wave for people: its name or its date.
	WaveName string `json:"wave_name"`
	// Item is the text item ID (or [CommentItem]); Question its wording;
	// Behavior the behavior or driver it is about, if any.
	Item     string `json:"item"`
	Question string `json:"question"`
	Behavior string `json:"behavior,omitempty"`
	// Hidden groups show nothing but their identity and Reason.
	Hidden bool   `json:"hidden"`
	Reason string `json:"reason,omitempty"`
	// Respondents is the number of people of the group who responded in
	// the wave; Comments how many wrote an answer to the question.
	Respondents int64 `json:"respondents,omitempty"`
	Comments    int   `json:"comments,omitempty"`
	// Verbatims are the answers, in alphabetical order (never in the
	// order given), at most MaxVerbatims.
	Verbatims []string `json:"verbatims,omitempty"`
	// Themes count the comments per theme ([themes.Matcher.Count]).
	Themes []themes.Count `json:"themes,omitempty"`
}

// Comments reads back the comments of a survey: per unit (with the units
// below it), wave and free-text question, the verbatims and the number of
// comments per theme, counted by the deterministic method of package
// themes over the built-in themes and opts.Themes.
//
// A group's comments are shown only when the program's disclosure plan
// for the survey ([Program.Disclosure]) shows them
// ([Disclosure.CommentsHidden]): at least MinComments respondents (10 by
// default; respondents, not comments) in a group whose scores are shown,
// under the same complementary rules, so that the comments of a hidden
// group cannot be found by setting a parent's comments against its
// shown parts. A hidden group keeps only its identity and the reason.
// Results are ordered by wave, then unit (parents before children), then
// question.
//
// It fails with [ErrNotFound] for an unknown survey, and with a
// [*ValidationError] for unknown waves, units or questions, or invalid
// themes.
func (p *Program) Comments(ctx context.Context, opts CommentOptions) ([]CommentGroup, error) {
	s, err := p.store.GetSurvey(ctx, opts.Survey)
	if err != nil {
		return nil, err
	}
	waves, err := p.store.ListWaves(ctx, survey.WaveFilter{Survey: s.ID})
	if err != nil {
		return nil, err
	}
	var ps problems
	if opts.Waves != nil {
		var keep []survey.Wave
		for i, id := range opts.Waves {
			j := slices.IndexFunc(waves, func(w survey.Wave) bool { return w.ID == id })
			if j < 0 {
				ps.add("waves["+strconv.Itoa(i)+"]", fmt.Sprintf("unknown wave %q of survey %q", id, s.ID))
				continue
			}
			keep = append(keep, waves[j])
		}
		waves = keep
	}
	type question struct{ id, text, behavior string }
	var questions []question
	for _, t := range s.TextItems {
		questions = append(questions, question{t.ID, t.Text, t.Construct})
	}
	questions = append(questions, question{CommentItem, "Comment", ""})
	if opts.Items != nil {
		var keep []question
		for i, id := range opts.Items {
			j := slices.IndexFunc(questions, func(q question) bool { return q.id == id })
			if j < 0 {
				ps.add("items["+strconv.Itoa(i)+"]", fmt.Sprintf("%q is not a free-text question of survey %q", id, s.ID))
				continue
			}
			keep = append(keep, questions[j])
		}
		questions = keep
	}
	if opts.Behavior != "" {
		questions = slices.DeleteFunc(questions, func(q question) bool { return q.behavior != opts.Behavior })
	}
	all := opts.Themes
	if !opts.NoBuiltInThemes {
		all = append(themes.BuiltIn(), opts.Themes...)
	}
	matcher, err := themes.New(all)
	if err != nil {
		ps.add("themes", strings.TrimPrefix(err.Error(), "themes: "))
	}
	if opts.MaxVerbatims < 0 {
		ps.add("max_verbatims", "must not be negative")
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	plan, err := p.Disclosure(ctx, s.ID)
	if err != nil {
		return nil, err
	}
	var out []CommentGroup
	for _, w := range waves {
		h, err := p.HierarchyAt(ctx, w.Opens)
		if err != nil {
			return nil, err
		}
		units := opts.Units
		if units == nil {
			units = h.IDs()
		}
		for i, u := range units {
			if !h.Has(u) {
				ps.add("units["+strconv.Itoa(i)+"]", fmt.Sprintf("unknown unit %q in the org of wave %s", u, w.ID))
			}
		}
		if err := ps.err(); err != nil {
			return nil, err
		}
		respondents := map[string]int64{}
		texts := map[string]map[string][]string{} // unit → question → texts
		err = eachResponse(ctx, p.store, survey.ResponseFilter{Survey: s.ID, Wave: w.ID}, func(r survey.Response) error {
			if !h.Has(r.Unit) {
				return nil
			}
			for _, u := range append([]string{r.Unit}, h.Ancestors(r.Unit)...) {
				respondents[u]++
				for _, q := range questions {
					v := r.Comment
					if q.id != CommentItem {
						v = r.Texts[q.id]
					}
					if strings.TrimSpace(v) == "" {
						continue
					}
					if texts[u] == nil {
						texts[u] = map[string][]string{}
					}
					texts[u][q.id] = append(texts[u][q.id], strings.TrimSpace(v))
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		wname := w.Name
		if wname == "" {
			wname = dateText(w.Opens)
		}
		for _, u := range units {
			uname := u
			if x, ok := h.Unit(u); ok && x.Name != "" {
				uname = x.Name
			}
			reason, hidden := plan.CommentsHidden(u, w.ID)
			for _, q := range questions {
				g := CommentGroup{Survey: s.ID, SurveyName: s.Name, Customer: s.Audience == survey.Customer, Unit: u, UnitName: uname,
					Wave: w.ID, WaveName: wname, Item: q.id, Question: q.text, Behavior: q.behavior}
				if hidden {
					g.Hidden, g.Reason = true, reason.String()
					out = append(out, g)
					continue
				}
				vs := slices.Clone(texts[u][q.id])
				slices.Sort(vs)
				g.Respondents, g.Comments = respondents[u], len(vs)
				g.Themes = matcher.Count(vs)
				if opts.MaxVerbatims > 0 && len(vs) > opts.MaxVerbatims {
					vs = vs[:opts.MaxVerbatims]
				}
				g.Verbatims = vs
				out = append(out, g)
			}
		}
	}
	return out, nil
}
