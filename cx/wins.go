package cx

import (
	"fmt"
	"math"
	"strings"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/metrics"
)

// Win is a measurable CX result worth celebrating, with the evidence
// behind it: an improvement in one of an initiative's outcomes, estimated
// against comparison units and significant after Benjamini-Hochberg
// control over every effect of the initiative, together with the
// behaviors that improved significantly in the same units over the same
// time. Its figures pool only groups shown under the privacy rules.
type Win struct {
	Initiative uuid.UUID `json:"initiative"`
	Name       string    `json:"name"`
	Kind       string    `json:"kind"`
	// Units ran the initiative; TreatedUnits of them had shown values
	// before and after, against ComparisonUnits comparison units.
	Units           []string `json:"units"`
	TreatedUnits    int      `json:"treated_units"`
	ComparisonUnits int      `json:"comparison_units"`
	// Window is DuringWindow or AfterWindow; Before and After name the
	// waves compared.
	Window string   `json:"window"`
	Before []string `json:"before"`
	After  []string `json:"after"`
	// Outcome is the effect on the outcome metric.
	Outcome Effect `json:"outcome"`
	// Behaviors are the effects on the behaviors that improved
	// significantly in the same units and window.
	Behaviors []Effect `json:"behaviors,omitempty"`
	// Text and Markdown announce the win.
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

// Wins returns the wins of an estimated impact: one per outcome metric of
// the initiative and window with a significant improvement (after BH
// control, at the impact's FDR), in the order of the impact's effects.
// Behaviors count when they are behavior measures ([BehaviorMeasure]) of
// the impact that improved significantly in the same window.
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
		w := Win{Initiative: im.Initiative, Name: im.Name, Kind: im.Kind, Units: append([]string(nil), im.Units...),
			TreatedUnits: e.TreatedUnits, ComparisonUnits: e.ComparisonUnits, Window: e.Window, Before: append([]string(nil), im.Pre...),
			Outcome: e}
		if e.Window == DuringWindow {
			w.After = append([]string(nil), im.During...)
		} else {
			w.After = append([]string(nil), im.After...)
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

// measureName is how an announcement names a measure.
func measureName(key string) string {
	for _, pfx := range []struct{ p, name string }{{BehaviorPrefix, ""}, {BeliefPrefix, "belief in "}, {PracticePrefix, "practice of "},
		{MeanPrefix, "mean "}, {ItemPrefix, "item "}} {
		if rest, ok := strings.CutPrefix(key, pfx.p); ok {
			return pfx.name + strings.ReplaceAll(rest, "_", " ")
		}
	}
	if key == ENPSMeasure {
		return "eNPS"
	}
	return strings.ReplaceAll(key, "_", " ")
}

// amount formats an effect: percentage points for shares, points for
// scores and means.
func amount(e Effect) string {
	if e.Kind == ShareMeasure {
		return fmt.Sprintf("%.1f percentage points", 100*math.Abs(e.Estimate))
	}
	return fmt.Sprintf("%.3g points", math.Abs(e.Estimate))
}

func interval(e Effect, iv metrics.Interval) string {
	if e.Kind == ShareMeasure {
		return fmt.Sprintf("%+.1f to %+.1f", 100*iv.Lower, 100*iv.Upper)
	}
	return fmt.Sprintf("%+.3g to %+.3g", iv.Lower, iv.Upper)
}

func waveSpan(ws []string) string {
	switch len(ws) {
	case 0:
		return "no waves"
	case 1:
		return "wave " + ws[0]
	}
	return "waves " + ws[0] + "–" + ws[len(ws)-1]
}

func verb(e Effect) string {
	if e.Estimate < 0 {
		return "lowered"
	}
	return "raised"
}

// announce writes the plain and Markdown announcements of a win.
func announce(w Win, level float64) (text, md string) {
	kind := kindName[w.Kind]
	if kind == "" {
		kind = "initiative"
	}
	pct := fmt.Sprintf("%.0f%%", 100*level)
	o := w.Outcome
	head := fmt.Sprintf("%s (%s) %s %s by %s in %d units, from %s to %s, beyond the change in %d comparison units",
		w.Name, kind, verb(o), measureName(o.Measure), amount(o), w.TreatedUnits, waveSpan(w.Before), waveSpan(w.After), w.ComparisonUnits)
	stats := fmt.Sprintf("%s interval %s; adjusted p = %.2g", pct, interval(o, o.Interval), o.Adjusted)
	var bs []string
	for _, b := range w.Behaviors {
		bs = append(bs, fmt.Sprintf("%s %s by %s (%s interval %s)", measureName(b.Measure), map[bool]string{true: "fell", false: "rose"}[b.Estimate < 0], amount(b), pct, interval(b, b.Interval)))
	}
	text = "Win: " + head + " (" + stats + ")."
	if len(bs) > 0 {
		text += " Behind it, in the same units and time: " + strings.Join(bs, "; ") + "."
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "**Win: %s**  \n", w.Name)
	fmt.Fprintf(&sb, "%s %s **%s by %s** in %d units, from %s to %s, beyond the change in %d comparison units (%s).\n",
		w.Name, verb(o), measureName(o.Measure), amount(o), w.TreatedUnits, waveSpan(w.Before), waveSpan(w.After), w.ComparisonUnits, stats)
	if len(bs) > 0 {
		sb.WriteString("\nBehind it, in the same units and time:\n\n")
		for _, b := range bs {
			sb.WriteString("- " + b + "\n")
		}
	}
	return text, sb.String()
}
