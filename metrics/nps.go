package metrics

import (
	"fmt"
	"math"
)

// NPS holds the counts behind a Net Promoter Score: on the 0–10
// likelihood-to-recommend scale, promoters answer 9–10, passives 7–8 and
// detractors 0–6 (Reichheld 2003). A Tally of such answers gives one with
// [Tally.NPS]. NPS values add up: the NPS of a merged group is the sum of
// the groups' counts.
type NPS struct{ Promoters, Passives, Detractors int64 }

// N returns the number of respondents, Promoters + Passives + Detractors.
func (s NPS) N() int64 { return s.Promoters + s.Passives + s.Detractors }

// Add returns the counts of s and o together.
func (s NPS) Add(o NPS) NPS {
	return NPS{s.Promoters + o.Promoters, s.Passives + o.Passives, s.Detractors + o.Detractors}
}

// shares returns p = Promoters/N and d = Detractors/N.
func (s NPS) shares() (p, d float64) {
	n := float64(s.N())
	return float64(s.Promoters) / n, float64(s.Detractors) / n
}

// Score returns the Net Promoter Score in points, from -100 to 100:
//
//	NPS = 100 (p - d),  p = Promoters/N,  d = Detractors/N
//
// It is NaN when N == 0.
func (s NPS) Score() float64 {
	if s.N() == 0 {
		return math.NaN()
	}
	p, d := s.shares()
	return 100 * (p - d)
}

// variance returns the per-respondent variance of the score in proportion
// units, with each respondent scored +1, 0 or -1:
//
//	V = p(1-p) + d(1-d) + 2pd = (p + d) - (p - d)²
func (s NPS) variance() float64 {
	p, d := s.shares()
	return math.Max(0, (p+d)-(p-d)*(p-d))
}

// SE returns the standard error of [NPS.Score], in points:
//
//	SE = 100 √(((p + d) - (p - d)²) / N)
//
// It is NaN when N == 0 and 0 when every respondent is in the same group.
func (s NPS) SE() float64 {
	if s.N() == 0 {
		return math.NaN()
	}
	return 100 * math.Sqrt(s.variance()/float64(s.N()))
}

// CI returns the Wald confidence interval of the score, in points,
//
//	Score ± z · SE
//
// with z the standard normal quantile at 1 - (1-level)/2, clipped to
// [-100, 100]. Both bounds are NaN when N == 0. CI panics if level is not
// in (0, 1) or if a count is negative.
func (s NPS) CI(level float64) Interval {
	mustLevel("NPS.CI", level)
	s.mustValid("NPS.CI")
	if s.N() == 0 {
		return nanInterval
	}
	score, h := s.Score(), zCrit(level)*s.SE()
	return Interval{math.Max(-100, score-h), math.Min(100, score+h)}
}

// String formats the counts as "NPS(promoters/passives/detractors)".
func (s NPS) String() string {
	return fmt.Sprintf("NPS(%d/%d/%d)", s.Promoters, s.Passives, s.Detractors)
}

func (s NPS) mustValid(fn string) {
	if s.Promoters < 0 || s.Passives < 0 || s.Detractors < 0 {
		panic(fmt.Sprintf("metrics: %s: negative count in %v", fn, s))
	}
}
