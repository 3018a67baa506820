package simulate

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/survey"
	"github.com/google/uuid"
)

// person is one member of a team.
type person struct {
	id         string  // pseudonym
	effect     float64 // stable latent offset
	propensity float64 // multiplies the response rate
	tenure     string
}

// pseudonym returns the respondent of a simulated person as a program
// stores it: a pseudonym (see cx.IsPseudonym), here a hash of the person's
// ID, since simulated people have no identity to protect.
func pseudonym(id string) string {
	sum := sha256.Sum256([]byte(id))
	return cx.PseudonymPrefix + hex.EncodeToString(sum[:])
}

func (d *Data) people(team string) []person {
	r := d.rng("people", team)
	n := d.Waves[0].Invited[team]
	ps := make([]person, n)
	for i := range ps {
		ps[i] = person{
			id:         "p" + strings.ReplaceAll(uuid.NewSHA1(namespace, fmt.Appendf(nil, "%d/person/%s/%d", d.cfg.Seed, team, i)).String(), "-", "")[:16],
			effect:     personSD * r.NormFloat64(),
			propensity: 0.6 + 0.8*r.Float64(),
			tenure:     []string{"0-2y", "2-5y", "5y+"}[r.IntN(3)],
		}
	}
	return ps
}

// respond draws the pulse responses.
func (d *Data) respond() {
	cfg := d.cfg
	staff := make(map[string][]person, len(d.Teams))
	for _, team := range d.Teams {
		staff[team] = d.people(team)
	}
	for w, wave := range d.Waves {
		decay := math.Pow(1-cfg.Fatigue, float64(w))
		rate := cfg.ResponseRate * decay
		skip := 1 - (1-cfg.MissingRate)*math.Pow(1-cfg.Fatigue/4, float64(w))
		for _, team := range d.Teams {
			r := d.rng("wave", wave.ID, team)
			for _, p := range staff[team] {
				if r.Float64() >= math.Min(1, rate*p.propensity) {
					continue
				}
				resp := survey.Response{
					Survey:     d.Survey.ID,
					Wave:       wave.ID,
					Unit:       team,
					Respondent: pseudonym(p.id),
					Submitted:  submitted(r, wave),
					Answers:    make(map[string]int, len(d.Asked[w])),
					Segments:   map[string]string{"tenure": p.tenure},
				}
				d.answer(r, resp.Answers, d.Survey, d.Asked[w], skip, func(it survey.Item) float64 {
					return d.Latent(team, w, it.Construct) + p.effect + r.NormFloat64()
				})
				if r.Float64() < cfg.CommentRate {
					resp.Comment = comment(r, 4+r.IntN(20), decay)
				}
				resp.ID = uuid.NewSHA1(namespace, fmt.Appendf(nil, "%d/response/%s/%s", cfg.Seed, wave.ID, p.id))
				d.Responses = append(d.Responses, resp)
			}
		}
	}
}

// customers draws the customer volumes and responses.
func (d *Data) customers() {
	c := d.cfg.Customers
	d.CustomerSurvey = c.Survey.Clone()
	for _, it := range c.Survey.Items {
		d.customerItems = append(d.customerItems, it.ID)
	}
	for i, team := range d.Teams {
		d.service[team] = c.Services[i%len(c.Services)]
	}
	for w, wave := range d.Waves {
		cw := survey.Wave{ID: c.Survey.ID + strings.TrimPrefix(wave.ID, d.Survey.ID), Survey: c.Survey.ID,
			Name: wave.Name, Opens: wave.Opens, Closes: wave.Closes, Invited: map[string]int{}}
		if !survey.ValidID(cw.ID) {
			cw.ID = c.Survey.ID + "-w" + strconv.Itoa(w+1)
		}
		for _, team := range d.Teams {
			var lvl float64
			var n int
			for _, c := range d.Survey.Constructs() {
				if c != survey.ENPS {
					lvl += d.Latent(team, w, c)
					n++
				}
			}
			if n > 0 {
				lvl /= float64(n)
			}
			for _, ch := range c.Channels {
				r := d.rng("customers", wave.ID, team, ch)
				mean := c.Volume
				if v, ok := c.ChannelVolumes[ch]; ok {
					mean = v
				}
				volume := max(0, int(math.Round(float64(mean)*(1+0.25*r.NormFloat64()))))
				offered := binomial(r, volume, c.OfferRate)
				answered := binomial(r, offered, c.ResponseRate)
				d.Volumes = append(d.Volumes, cx.A11Volume{Service: d.service[team], Channel: ch, Unit: team,
					At: wave.Opens, Customers: int64(volume), Offered: int64(offered)})
				cw.Invited[team] += offered
				for k := range answered {
					level := c.Link*lvl + c.ChannelLevels[ch] + 0.7*r.NormFloat64()
					resp := survey.Response{
						ID:        uuid.NewSHA1(namespace, fmt.Appendf(nil, "%d/customer/%s/%s/%s/%d", d.cfg.Seed, cw.ID, team, ch, k)),
						Survey:    c.Survey.ID,
						Wave:      cw.ID,
						Unit:      team,
						Submitted: submitted(r, cw),
						Answers:   make(map[string]int, len(d.customerItems)),
						Segments:  map[string]string{"service": d.service[team], "channel": ch},
					}
					d.answer(r, resp.Answers, c.Survey, d.customerItems, customerSkip, func(survey.Item) float64 {
						return level + 0.6*r.NormFloat64()
					})
					d.CustomerResponses = append(d.CustomerResponses, resp)
				}
			}
		}
		d.CustomerWaves = append(d.CustomerWaves, cw)
	}
}

// customerSkip is the probability that a customer skips an item.
const customerSkip = 0.03

// answer draws the answers to the items asked into answers: each item's
// value from its latent level, reversed for a reverse-keyed item, and
// skipped with probability skip unless required. If every item was
// skipped the first one asked is kept, so a response is never empty.
func (d *Data) answer(r *rand.Rand, answers map[string]int, s survey.Survey, asked []string, skip float64, latent func(survey.Item) float64) {
	firstID, firstV := "", 0
	for _, id := range asked {
		it, _ := s.Item(id)
		v := answer(it.Scale, latent(it))
		if it.Reverse {
			v = it.Scale.Reverse(v)
		}
		if firstID == "" {
			firstID, firstV = id, v
		}
		if it.Required || r.Float64() >= skip {
			answers[id] = v
		}
	}
	if len(answers) == 0 && firstID != "" {
		answers[firstID] = firstV
	}
}

// answer maps a latent value to a point of scale s: the scale's midpoint
// at 0, one point per unit on a 5-point scale (proportionally more on
// longer scales), clamped to the scale.
func answer(s survey.Scale, latent float64) int {
	k := float64(s.Points() - 1)
	i := int(math.Round(k/2 + latent*k/4))
	return s.Min + min(max(i, 0), s.Points()-1)
}

// submitted returns a time in w's window, most answers early.
func submitted(r *rand.Rand, w survey.Wave) time.Time {
	window := w.Closes.Sub(w.Opens)
	u := r.Float64()
	f := 1 - math.Pow(1-u, 0.4) // density falling over the window
	at := w.Opens.Add(time.Duration(f * float64(window))).Truncate(time.Microsecond)
	if at.Before(w.Opens) {
		at = w.Opens
	}
	if at.After(w.Closes) {
		at = w.Closes
	}
	return at
}

// binomial draws from Binomial(n, p).
func binomial(r *rand.Rand, n int, p float64) int {
	k := 0
	for range n {
		if r.Float64() < p {
			k++
		}
	}
	return k
}

var commentWords = strings.Fields(`customers waiting too long on the phone line new process helped us close cases faster
team meeting about feedback we need clearer guidance from managers approvals slow everything down
great support from colleagues this week the portal keeps failing for older customers more training please
we listened to complaints and changed the letter wording staffing is tight workload feels heavy
proud of how we handled the backlog`)

// comment returns a comment of about n words, shortened by decay.
func comment(r *rand.Rand, n int, decay float64) string {
	n = max(1, int(math.Round(float64(n)*decay)))
	words := make([]string, n)
	for i := range words {
		words[i] = commentWords[r.IntN(len(commentWords))]
	}
	return strings.Join(words, " ")
}

// namespace is the UUID namespace of simulated IDs.
var namespace = uuid.MustParse("8a3c2f1e-54d7-4b8e-9e0f-6b1d7c2a9f30")

// rng returns a random stream derived from the seed and the names given.
func (d *Data) rng(names ...string) *rand.Rand {
	h := fnv.New64a()
	for _, n := range names {
		h.Write([]byte(n))
		h.Write([]byte{0})
	}
	return rand.New(rand.NewPCG(uint64(d.cfg.Seed), h.Sum64()))
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// asCX turns a survey validation error into a cx one under prefix.
func asCX(err error, prefix string) error {
	if se, ok := err.(*survey.ValidationError); ok {
		out := &cx.ValidationError{}
		for _, p := range se.Problems {
			out.Problems = append(out.Problems, cx.Problem{Field: prefix + "." + p.Field, Message: p.Message})
		}
		return out
	}
	return err
}
