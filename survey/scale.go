package survey

import (
	"fmt"
	"strings"
)

// Scale is an answer scale of consecutive integers from Min to Max, with
// the range of answers that count as favorable.
type Scale struct {
	// ID names the scale, such as "likert5".
	ID           string `json:"id"`
	Min          int    `json:"min"`
	Max          int    `json:"max"`
	FavorableMin int    `json:"favorable_min"`
	FavorableMax int    `json:"favorable_max"`
}

// The built-in scales. Favorable ranges follow the field's conventions:
// top-two box on five points (agree, strongly agree), top three on seven,
// promoters (9-10) for NPS.
var (
	// Likert5 is a 5-point agreement scale, 1 strongly disagree to 5
	// strongly agree; 4-5 are favorable.
	Likert5 = Scale{ID: "likert5", Min: 1, Max: 5, FavorableMin: 4, FavorableMax: 5}
	// Likert7 is a 7-point agreement scale; 5-7 are favorable.
	Likert7 = Scale{ID: "likert7", Min: 1, Max: 7, FavorableMin: 5, FavorableMax: 7}
	// NPS is the 0-10 likelihood-to-recommend scale; 9-10 (promoters) are
	// favorable, 0-6 are detractors.
	NPS = Scale{ID: "nps", Min: 0, Max: 10, FavorableMin: 9, FavorableMax: 10}
	// CSAT is a 5-point satisfaction scale, 1 very dissatisfied to 5 very
	// satisfied; 4-5 are favorable.
	CSAT = Scale{ID: "csat", Min: 1, Max: 5, FavorableMin: 4, FavorableMax: 5}
	// CES is the 7-point customer effort agreement scale ("made it easy
	// for me"); 5-7 are favorable.
	CES = Scale{ID: "ces", Min: 1, Max: 7, FavorableMin: 5, FavorableMax: 7}
	// Binary is a yes/no (thumbs up/down) scale, 0 no and 1 yes; 1 is
	// favorable.
	Binary = Scale{ID: "binary", Min: 0, Max: 1, FavorableMin: 1, FavorableMax: 1}
)

// MaxPoints is the largest number of points a scale may have. Answers are
// encoded as one printable character per item in response patterns (see
// package cx), which bounds the scale length.
const MaxPoints = 62

// Scales returns the built-in scales.
func Scales() []Scale { return []Scale{Likert5, Likert7, NPS, CSAT, CES, Binary} }

// ScaleByID returns the built-in scale with the given ID, matched without
// regard to case; "nps11" and "enps" are accepted for [NPS].
func ScaleByID(id string) (Scale, bool) {
	id = strings.ToLower(id)
	switch id {
	case "nps11", "enps", "nps10":
		return NPS, true
	}
	for _, s := range Scales() {
		if s.ID == id {
			return s, true
		}
	}
	return Scale{}, false
}

// Points returns the number of scale points.
func (s Scale) Points() int { return s.Max - s.Min + 1 }

// Contains reports whether v is a point of the scale.
func (s Scale) Contains(v int) bool { return v >= s.Min && v <= s.Max }

// Favorable reports whether v is in the favorable range.
func (s Scale) Favorable(v int) bool { return v >= s.FavorableMin && v <= s.FavorableMax }

// Reverse maps v to its reverse-keyed value Min + Max - v.
func (s Scale) Reverse(v int) int { return s.Min + s.Max - v }

// Validate reports what is wrong with the scale definition.
func (s Scale) Validate() error {
	var ps problems
	s.check(&ps, "scale")
	return ps.err()
}

func (s Scale) check(ps *problems, field string) {
	if !ValidID(s.ID) {
		ps.add(field+".id", "malformed scale ID "+fmt.Sprintf("%q", s.ID))
	}
	if s.Max <= s.Min {
		ps.add(field, fmt.Sprintf("max %d must exceed min %d", s.Max, s.Min))
	}
	if s.Max-s.Min >= MaxPoints {
		ps.add(field, fmt.Sprintf("at most %d points", MaxPoints))
	}
	if s.FavorableMin > s.FavorableMax || s.FavorableMin < s.Min || s.FavorableMax > s.Max {
		ps.add(field+".favorable", fmt.Sprintf("favorable range [%d,%d] must lie within [%d,%d]", s.FavorableMin, s.FavorableMax, s.Min, s.Max))
	}
}

// String returns "id [min,max]".
func (s Scale) String() string { return fmt.Sprintf("%s [%d,%d]", s.ID, s.Min, s.Max) }
