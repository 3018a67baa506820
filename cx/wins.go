package cx

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Win is a measurable CX result worth celebrating, with the evidence
// behind it: an improvement in one of an initiative's outcomes (a
// customer result such as A-11 trust, CSAT or NPS, or any outcome
// target), estimated against comparison units and significant after
// Benjamini-Hochberg control over every effect of the initiative; whether
// the initiative's target for it was met; and the behaviors that improved
// significantly in the same units' employee pulse over the same time. Its
// figures pool only groups shown under the privacy rules.
type Win struct {
	Initiative uuid.UUID `json:"initiative"`
	Name       string    `json:"name"`
	Kind       string    `json:"kind"`
	// Start and End are the initiative's dates.
	Start time.Time `json:"start,omitzero"`
	End   time.Time `json:"end,omitzero"`
	// Units ran the initiative (UnitNames name them); TreatedUnits of
	// them had shown values before and after, against ComparisonUnits
	// comparison units.
	Units           []string `json:"units"`
	UnitNames       []string `json:"unit_names,omitempty"`
	TreatedUnits    int      `json:"treated_units"`
	ComparisonUnits int      `json:"comparison_units"`
	// Window is DuringWindow or AfterWindow; Before and After name the
	// waves (or observation dates) of the outcome compared.
	Window string   `json:"window"`
	Before []string `json:"before"`
	After  []string `json:"after"`
	// Outcome is the effect on the outcome metric; Label names it.
	Outcome Effect `json:"outcome"`
	Label   string `json:"label"`
	// HasTarget says whether the initiative set a target on the outcome;
	// Target is that target, Reached the level the initiative's units
	// reached in the window (the mean over them of their pooled values),
	// and TargetMet whether it meets the target in the target's
	// direction.
	HasTarget bool    `json:"has_target"`
	Target    float64 `json:"target,omitempty"`
	Reached   float64 `json:"reached"`
	TargetMet bool    `json:"target_met"`
	// Behaviors are the effects on the behaviors that improved
	// significantly in the same units and window.
	Behaviors []Effect `json:"behaviors,omitempty"`
	// Text and Markdown announce the win in plain language.
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

// Wins returns the wins of an estimated impact: one per outcome metric of
// the initiative and window with a significant improvement (after BH
// control, at the impact's FDR), in the order of the impact's effects.
// Behaviors count when they are behavior measures ([BehaviorMeasure]) of
// the impact that improved significantly in the same window.
//
// Error rates, measured by simulation (TestWinsErrorRates: 12 teams, 5 of
// them running a 90-day initiative from the fourth of 8 monthly waves, 30
// answers per item and wave; 2,400 programs per case,
// CXCULTURE_TEST_SCALE=20): with no change, a win is announced in 1.5% of
// programs (documented bound 5%, the FDR: Benjamini-Hochberg bounds the
// chance of any false discovery by it under the complete null); with a
// planted 15-point lift of the outcome, in 96.6% (floor 90%).
func Wins(im *Impact) []Win {
	if im == nil {
		return nil
	}
	var out []Win
	isOutcome := map[string]bool{}
	for _, o := range im.Outcomes {
		isOutcome[o] = true
	}
	for _, e := range im.Effects {
		if !isOutcome[e.Measure] || !e.Improved || !e.Estimable {
			continue
		}
		w := Win{Initiative: im.Initiative, Name: im.Name, Kind: im.Kind, Start: im.Start, End: im.End, Units: append([]string(nil), im.Units...),
			UnitNames: append([]string(nil), im.UnitNames...), TreatedUnits: e.TreatedUnits, ComparisonUnits: e.ComparisonUnits, Window: e.Window,
			Before: append([]string{}, e.Before...), After: append([]string{}, e.After...), Outcome: e, Label: e.Label, Reached: e.TreatedAfter}
		if w.Label == "" {
			w.Label = (&Panel{}).Label(e.Measure)
		}
		w.Label = lowerFirst(w.Label)
		if len(w.Before) == 0 && len(w.After) == 0 {
			w.Before = append([]string{}, im.Pre...)
			if e.Window == DuringWindow {
				w.After = append([]string{}, im.During...)
			} else {
				w.After = append([]string{}, im.After...)
			}
		}
		for _, t := range im.Targets {
			if t.Metric == e.Measure {
				w.HasTarget, w.Target = true, t.Target
				w.TargetMet = t.Direction.Met(w.Reached, t.Target)
			}
		}
		for _, b := range im.Effects {
			if b.Window == e.Window && b.Measure != e.Measure && strings.HasPrefix(b.Measure, BehaviorPrefix) && b.Improved {
				w.Behaviors = append(w.Behaviors, b)
			}
		}
		w.Text, w.Markdown = announce(w, im.Level)
		out = append(out, w)
	}
	return out
}

// kindName is how an announcement names an initiative kind.
var kindName = map[string]string{"ninety_day": "90-day project", "change_program": "change program"}

// level writes a value of a measure: a percentage for shares, a signed
// score for a Net Promoter Score, 3 significant digits otherwise.
func levelText(e Effect, v float64) string {
	switch {
	case e.Kind == ShareMeasure:
		return fmt.Sprintf("%.0f%%", 100*v)
	case e.Kind == DifferenceMeasure:
		return fmt.Sprintf("%+.0f percentage points", 100*v)
	case strings.HasPrefix(e.Measure, NPSPrefix) || e.Measure == ENPSMeasure || strings.Contains(e.Label, "Net Promoter"):
		return fmt.Sprintf("%+.0f", v)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// spanText writes a span of dates: "5 Jan–6 Apr 2026".
func spanText(from, to time.Time) string {
	switch {
	case from.IsZero():
		return "unknown dates"
	case from.Equal(to) || to.IsZero():
		return dateText(from)
	case from.Year() == to.Year():
		return from.Format("2 Jan") + "–" + to.Format("2 Jan 2006")
	}
	return from.Format("2 Jan 2006") + "–" + to.Format("2 Jan 2006")
}

// unitsText names the units of a win: by name up to four, else by count.
func unitsText(w Win) string {
	if len(w.UnitNames) > 0 && len(w.UnitNames) <= 4 {
		return joinAnd(w.UnitNames)
	}
	if len(w.Units) == 1 {
		return "its unit"
	}
	return fmt.Sprintf("its %d units", len(w.Units))
}

// plural writes a count and its noun: "1 unit", "4 units".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// announce writes the plain and Markdown announcements of a win.
func announce(w Win, level float64) (text, md string) {
	kind := kindName[w.Kind]
	if kind == "" {
		kind = "initiative"
	}
	pct := strconv.FormatFloat(100*level, 'f', -1, 64) + "%"
	o := w.Outcome
	verb := "raised"
	if o.Estimate < 0 {
		verb = "lowered"
	}
	dates := ""
	if !w.Start.IsZero() {
		dates = ", " + spanText(w.Start, w.End)
	}
	unit := "percentage points"
	if o.Kind != ShareMeasure && o.Kind != DifferenceMeasure {
		unit = "points"
	}
	amount := strings.TrimPrefix(strings.TrimPrefix(signedAmount(o.Kind, o.Estimate), "+"), "-")
	head := fmt.Sprintf("%s (%s%s) %s %s by %s in %s, beyond the change in %s that did not run it (%s interval %s to %s %s)",
		w.Name, kind, dates, verb, w.Label, amount, unitsText(w), plural(w.ComparisonUnits, "unit"), pct,
		signedNumber(o.Kind, o.Interval.Lower), signedNumber(o.Kind, o.Interval.Upper), unit)
	when := ""
	if !o.BeforeFrom.IsZero() && !o.AfterFrom.IsZero() {
		when = fmt.Sprintf(", from the surveys of %s to those of %s", spanText(o.BeforeFrom, o.BeforeTo), spanText(o.AfterFrom, o.AfterTo))
	}
	if o.Window == AfterWindow {
		when += ", after it ended"
	}
	target := fmt.Sprintf("Its units reached %s", levelText(o, w.Reached))
	if len(w.Units) == 1 {
		target = "Its unit reached " + levelText(o, w.Reached)
	}
	switch {
	case !w.HasTarget:
		target += "; no target was set."
	case w.TargetMet:
		target += fmt.Sprintf(", meeting the target of %s.", levelText(o, w.Target))
	default:
		target += fmt.Sprintf(", short of the target of %s.", levelText(o, w.Target))
	}
	var bs []string
	for _, b := range w.Behaviors {
		dir := "rose"
		if b.Estimate < 0 {
			dir = "fell"
		}
		label := b.Label
		if label == "" {
			label = humanize(strings.TrimPrefix(b.Measure, BehaviorPrefix))
		}
		bs = append(bs, fmt.Sprintf("%s %s by %s (%s interval %s to %s)", lowerFirst(label), dir,
			strings.TrimPrefix(strings.TrimPrefix(signedAmount(b.Kind, b.Estimate), "+"), "-"), pct,
			signedNumber(b.Kind, b.Interval.Lower), signedNumber(b.Kind, b.Interval.Upper)))
	}
	text = "Win: " + head + when + ". " + target
	if len(bs) > 0 {
		text += " Behind it, in the same units' employee pulse: " + strings.Join(bs, "; ") + "."
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "**Win: %s**  \n", w.Name)
	fmt.Fprintf(&sb, "%s (%s%s) %s **%s by %s** in %s, beyond the change in %s that did not run it (%s interval %s to %s %s)%s. %s\n",
		w.Name, kind, dates, verb, w.Label, amount, unitsText(w), plural(w.ComparisonUnits, "unit"), pct,
		signedNumber(o.Kind, o.Interval.Lower), signedNumber(o.Kind, o.Interval.Upper), unit, when, target)
	if len(bs) > 0 {
		sb.WriteString("\nBehind it, in the same units' employee pulse:\n\n")
		for _, b := range bs {
			sb.WriteString("- " + b + "\n")
		}
	}
	return text, sb.String()
}
