// Package themes counts the themes of comments (verbatims of employees and
// customers) by a documented, deterministic method: keyword matching over
// words, with no model, no randomness and no dependence on the order of
// the comments.
//
// The method, for each comment and theme:
//
//  1. The comment is lower-cased (Unicode) and split into words: maximal
//     runs of letters and digits; an apostrophe (' or ’) between letters
//     joins them ("didn't" is one word, "didnt" with the apostrophe
//     removed). Everything else separates words.
//  2. A keyword is one word or a phrase of several words. A word matches
//     itself; a word ending in "*" matches every word that starts with
//     what precedes the "*" ("wait*" matches wait, waited, waiting). A
//     phrase matches the same words in a row.
//  3. A comment has a theme when any of the theme's keywords matches; it
//     counts once per theme however many keywords match. A comment may
//     have several themes, or none ("other").
//
// What the method does not do: it does not understand negation ("not
// easy" has the ease theme), sentiment, spelling mistakes or synonyms
// missing from the keywords. Counts are what the words say, to be read
// with the verbatims; configure themes for the vocabulary of a program.
//
// [BuiltIn] gives the built-in themes: the drivers of customer
// experience of OMB Circular A-11 Section 280 (effectiveness, ease,
// efficiency, transparency and equity, humanity, employee helpfulness),
// plus cost and digital access, and the culture themes of the employee
// pulse (customer focus, empowerment, recognition, workload, tools,
// leadership, teamwork, change). A [Matcher] combines them with the
// program's own themes.
//
// A Matcher is safe for concurrent use.
package themes

import (
	"fmt"
	"strings"
	"unicode"
)

// Theme is a named set of keywords.
type Theme struct {
	// ID is a stable identifier, such as "ease".
	ID string `json:"id"`
	// Name is how reports name it, such as "Ease and simplicity".
	Name string `json:"name"`
	// Keywords are words or phrases, lower case; a word may end in "*"
	// to match every word it starts.
	Keywords []string `json:"keywords"`
}

// BuiltIn returns the built-in themes, customer experience first, then
// culture, in a fixed order.
func BuiltIn() []Theme {
	return []Theme{
		{"effectiveness", "Need met, issue resolved", []string{"resolv*", "solved", "fix*", "answer*", "found what", "got what", "need met",
			"needs met", "not resolved", "unresolved", "still waiting", "problem", "issue*", "help me", "helped me"}},
		{"ease", "Ease and simplicity", []string{"easy", "easier", "easily", "simple", "simpl*", "straightforward", "complicat*", "confus*", "difficult",
			"hard to", "hassle", "form*", "paperwork", "steps", "navigat*"}},
		{"efficiency", "Speed and waiting", []string{"wait*", "quick*", "fast*", "slow*", "delay*", "time", "took long", "took too", "hours", "days",
			"weeks", "months", "queue*", "on hold", "backlog", "prompt*", "speed*"}},
		{"transparency", "Clarity and transparency", []string{"clear*", "unclear", "explain*", "understand*", "inform*", "communicat*", "status",
			"update*", "transparen*", "told", "letter*", "notice*"}},
		{"equity", "Fairness and respect", []string{"fair*", "unfair*", "respect*", "disrespect*", "discriminat*", "equal*", "treated", "bias*",
			"dignity"}},
		{"humanity", "Care and courtesy", []string{"kind*", "friendly", "rude*", "courteous", "courtesy", "polite", "impolite", "care", "cared",
			"caring", "patient*", "empath*", "listen*", "warm"}},
		{"employee", "Staff and helpfulness", []string{"staff", "employee*", "agent*", "representative*", "officer*", "clerk*", "person", "people",
			"helpful", "unhelpful", "knowledgeable", "professional*"}},
		{"cost", "Cost and fees", []string{"cost*", "fee*", "price*", "expensive", "charge*", "pay*", "money", "refund*"}},
		{"digital", "Website and digital access", []string{"website*", "web", "online", "app", "apps", "portal*", "login*", "log in", "password*",
			"email*", "link*", "page*", "click*", "mobile"}},
		{"customer_focus", "Customer focus", []string{"customer*", "client*", "citizen*", "resident*", "public", "user*", "feedback"}},
		{"empowerment", "Empowerment and autonomy", []string{"empower*", "trusted", "trust us", "autonom*", "approval*", "permission*",
			"decide", "decision*", "judgement", "judgment", "own it", "ownership"}},
		{"recognition", "Recognition and appreciation", []string{"recogni*", "thank*", "appreciat*", "credit", "celebrat*", "praise*", "reward*",
			"shout out", "kudos"}},
		{"workload", "Workload and staffing", []string{"workload*", "overwork*", "busy", "burnout", "burned out", "burnt out", "understaff*",
			"short staffed", "too much work", "overtime", "stress*", "exhaust*"}},
		{"tools", "Tools and systems", []string{"tool*", "system*", "software", "computer*", "laptop*", "crm", "database*", "equipment", "outdated"}},
		{"leadership", "Leadership and management", []string{"leader*", "manag*", "boss*", "supervisor*", "director*", "executive*",
			"top down", "top-down"}},
		{"teamwork", "Teamwork and collaboration", []string{"team*", "colleague*", "collaborat*", "together", "silo*", "coworker*", "co-worker*"}},
		{"change", "Change and improvement", []string{"chang*", "improv*", "new way", "initiative*", "project*", "innovat*", "experiment*", "idea*"}},
	}
}

// Count is the number of comments of a group with one theme.
type Count struct {
	Theme string `json:"theme"`
	Name  string `json:"name"`
	// Comments is the number of comments with the theme.
	Comments int `json:"comments"`
}

// Matcher assigns themes to comments.
type Matcher struct {
	themes []compiled
}

type compiled struct {
	theme   Theme
	phrases [][]word
}

type word struct {
	text   string
	prefix bool
}

// New returns a Matcher of themes, in their order. It fails when a theme
// has no ID or name, two themes share an ID, or a keyword holds no word.
func New(themes []Theme) (*Matcher, error) {
	m := &Matcher{}
	seen := map[string]bool{}
	var problems []string
	for i, t := range themes {
		if strings.TrimSpace(t.ID) == "" || strings.TrimSpace(t.Name) == "" {
			problems = append(problems, fmt.Sprintf("themes[%d]: an ID and a name are required", i))
		}
		if seen[t.ID] {
			problems = append(problems, fmt.Sprintf("themes[%d]: theme %q appears twice", i, t.ID))
		}
		seen[t.ID] = true
		if len(t.Keywords) == 0 {
			problems = append(problems, fmt.Sprintf("themes[%d] (%s): no keywords", i, t.ID))
		}
		c := compiled{theme: t}
		for j, k := range t.Keywords {
			var ph []word
			for _, w := range strings.Fields(strings.ToLower(k)) {
				prefix := strings.HasSuffix(w, "*")
				toks := Words(strings.TrimSuffix(w, "*"))
				if len(toks) == 0 {
					continue
				}
				for n, tk := range toks {
					ph = append(ph, word{tk, prefix && n == len(toks)-1})
				}
			}
			if len(ph) == 0 {
				problems = append(problems, fmt.Sprintf("themes[%d] (%s).keywords[%d]: %q holds no word", i, t.ID, j, k))
				continue
			}
			c.phrases = append(c.phrases, ph)
		}
		m.themes = append(m.themes, c)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("themes: %s", strings.Join(problems, "; "))
	}
	return m, nil
}

// Themes returns the matcher's themes in order.
func (m *Matcher) Themes() []Theme {
	out := make([]Theme, len(m.themes))
	for i, c := range m.themes {
		out[i] = c.theme
	}
	return out
}

// Words splits a text into lower-case words as the method says (step 1).
func Words(text string) []string {
	var out []string
	var b strings.Builder
	rs := []rune(text)
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	for i, r := range rs {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		case (r == '\'' || r == '’') && b.Len() > 0 && i+1 < len(rs) && unicode.IsLetter(rs[i+1]):
			// An apostrophe inside a word is dropped.
		default:
			flush()
		}
	}
	flush()
	return out
}

// Match returns the IDs of the themes of one comment, in theme order.
func (m *Matcher) Match(text string) []string {
	ws := Words(text)
	var out []string
	for _, c := range m.themes {
		if c.matches(ws) {
			out = append(out, c.theme.ID)
		}
	}
	return out
}

func (c compiled) matches(ws []string) bool {
	for _, ph := range c.phrases {
		for i := 0; i+len(ph) <= len(ws); i++ {
			ok := true
			for j, w := range ph {
				if w.prefix && !strings.HasPrefix(ws[i+j], w.text) || !w.prefix && ws[i+j] != w.text {
					ok = false
					break
				}
			}
			if ok {
				return true
			}
		}
	}
	return false
}

// Count counts the comments of each theme, in theme order, themes with
// no comment included.
func (m *Matcher) Count(comments []string) []Count {
	counts := make([]Count, len(m.themes))
	for i, c := range m.themes {
		counts[i] = Count{Theme: c.theme.ID, Name: c.theme.Name}
	}
	for _, text := range comments {
		ws := Words(text)
		for i, c := range m.themes {
			if c.matches(ws) {
				counts[i].Comments++
			}
		}
	}
	return counts
}
