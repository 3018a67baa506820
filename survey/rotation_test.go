package survey_test

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/survey"
)

// bank returns a survey with, for each count n in sizes, a construct
// "c<i>" of n items "c<i>.<j>", then loose items "x<k>" without a
// construct.
func bank(sizes []int, loose int) survey.Survey {
	s := survey.Survey{ID: "bank", Name: "Bank", Audience: survey.Employee, Version: 1}
	for i, n := range sizes {
		for j := range n {
			s.Items = append(s.Items, survey.Item{ID: fmt.Sprintf("c%d.%d", i, j), Text: "t", Scale: survey.Likert5,
				Construct: "c" + strconv.Itoa(i), Kind: survey.Belief, Version: 1})
		}
	}
	for k := range loose {
		s.Items = append(s.Items, survey.Item{ID: "x" + strconv.Itoa(k), Text: "t", Scale: survey.Likert5, Kind: survey.Outcome, Version: 1})
	}
	return s
}

func TestRotationCulturePulse(t *testing.T) {
	s := survey.CulturePulse() // 5 behaviors × 2 items + eNPS
	anchors := survey.AnchorItems(s)
	assert.Equal(t, []string{"customer_focus.belief", "agility.belief", "empowerment.belief", "innovation.belief", "inclusion.belief", "enps"}, anchors)

	plan, err := survey.Rotation{MaxItems: 8, Every: 3, Anchors: anchors}.Plan(s)
	require.NoError(t, err)
	// 6 anchors leave 2 places for the 5 behavior items: a cycle of 3.
	assert.Equal(t, 3, plan.Gap)
	// The five behavior items are dealt in turn: waves 0, 1, 2, 0, 1.
	assert.Equal(t, []string{"customer_focus.belief", "customer_focus.behavior", "agility.belief", "empowerment.belief",
		"innovation.belief", "innovation.behavior", "inclusion.belief", "enps"}, plan.Items(0))
	assert.Equal(t, []string{"customer_focus.belief", "agility.belief", "empowerment.belief", "empowerment.behavior",
		"innovation.belief", "inclusion.belief", "enps"}, plan.Items(2))
	assert.Equal(t, plan.Items(1), plan.Items(4))
	assert.Len(t, plan.Waves(7), 7)

	// Without anchors each behavior is still measured in every wave.
	plan, err = survey.Rotation{MaxItems: 6, Every: 2}.Plan(s)
	require.NoError(t, err)
	assert.Equal(t, 2, plan.Gap)
	for i := range 2 {
		got := plan.Items(i)
		assert.Len(t, got, 6)
		for _, c := range s.Constructs() {
			assert.True(t, slices.ContainsFunc(got, func(id string) bool { it, _ := s.Item(id); return it.Construct == c }), "wave %d lacks %s", i, c)
		}
	}

	// Everything fits: a period of 1.
	plan, err = survey.Rotation{MaxItems: 20, Every: 4}.Plan(s)
	require.NoError(t, err)
	assert.Equal(t, 1, plan.Gap)
	assert.Len(t, plan.Items(9), len(s.Items))
}

func TestRotationImpossible(t *testing.T) {
	s := survey.CulturePulse()
	_, err := survey.Rotation{MaxItems: 5, Every: 4}.Plan(s)
	require.ErrorIs(t, err, survey.ErrInvalid)
	ve, ok := errors.AsType[*survey.ValidationError](err)
	require.True(t, ok)
	require.Len(t, ve.Problems, 1)
	assert.Equal(t, "max_items", ve.Problems[0].Field)
	assert.Contains(t, ve.Problems[0].Message, "cannot ask one item of each of the 6 constructs without an anchor in every wave and each of the 11 items")
	assert.Contains(t, ve.Problems[0].Message, "at least 6 items per wave")

	_, err = survey.Rotation{MaxItems: 7, Every: 2, Anchors: survey.AnchorItems(s)}.Plan(s)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "7 items per wave cannot ask the 6 anchors in every wave and each of the 11 items of survey \"culture_pulse\" at least every 2 waves: that needs at least 9 items per wave, or a gap of 5 waves")
	_, err = survey.Rotation{MaxItems: 7, Every: 5, Anchors: survey.AnchorItems(s)}.Plan(s)
	assert.NoError(t, err, "the gap the error proposes works")

	fields := surveyFields(t, func() error {
		_, err := survey.Rotation{MaxItems: 0, Every: 0, Anchors: []string{"nope", "enps", "enps"}}.Plan(s)
		return err
	}())
	assert.Equal(t, []string{"max_items", "every", "anchors[0]", "anchors[2]"}, fields)
	_, err = survey.Rotation{MaxItems: 3, Every: 1}.Plan(survey.Survey{ID: "empty"})
	assert.Equal(t, []string{"survey.items"}, surveyFields(t, err))
	assert.Panics(t, func() { survey.RotationPlan{Slots: [][]string{{"a"}}, Gap: 1}.Items(-1) })
}

// rotationCase is a generated bank and rotation rule.
type rotationCase struct {
	sizes []int
	loose int
	rot   survey.Rotation
}

func (c rotationCase) String() string {
	return fmt.Sprintf("constructs %v, %d loose, max %d, every %d, anchors %v", c.sizes, c.loose, c.rot.MaxItems, c.rot.Every, c.rot.Anchors)
}

func genRotation() gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		r := p.Rng
		c := rotationCase{loose: r.Intn(4)}
		for range r.Intn(6) {
			c.sizes = append(c.sizes, 1+r.Intn(5))
		}
		if len(c.sizes) == 0 && c.loose == 0 {
			c.loose = 1
		}
		s := bank(c.sizes, c.loose)
		c.rot = survey.Rotation{MaxItems: 1 + r.Intn(10), Every: 1 + r.Intn(6)}
		for _, it := range s.Items {
			if r.Intn(5) == 0 {
				c.rot.Anchors = append(c.rot.Anchors, it.ID)
			}
		}
		return gopter.NewGenResult(c, gopter.NoShrinker)
	}
}

// feasible is the bound of the Plan documentation, computed here from
// the bank's shape: some P <= Every with
// P·anchors + Σ max(n_c, P) over constructs without anchor + others <= P·MaxItems.
func feasible(c rotationCase) bool {
	s := bank(c.sizes, c.loose)
	anchored := map[string]bool{}
	for _, a := range c.rot.Anchors {
		if it, _ := s.Item(a); it.Construct != "" {
			anchored[it.Construct] = true
		}
	}
	for p := 1; p <= c.rot.Every; p++ {
		n := p * len(c.rot.Anchors)
		for k := range c.loose {
			if !slices.Contains(c.rot.Anchors, "x"+strconv.Itoa(k)) {
				n++
			}
		}
		for i, size := range c.sizes {
			if anchored["c"+strconv.Itoa(i)] {
				n += size
				for j := range size {
					if slices.Contains(c.rot.Anchors, fmt.Sprintf("c%d.%d", i, j)) {
						n--
					}
				}
			} else {
				n += max(size, p)
			}
		}
		if n <= p*c.rot.MaxItems {
			return true
		}
	}
	return false
}

func TestRotationProperties(t *testing.T) {
	props := newSurveyProps(t, 500)
	props.Property("a plan exists exactly when the bound allows; it keeps every guarantee and is deterministic", prop.ForAll(func(c rotationCase) string {
		s := bank(c.sizes, c.loose)
		plan, err := c.rot.Plan(s)
		if !feasible(c) {
			if err == nil {
				return "planned an impossible combination"
			}
			if ve, ok := errors.AsType[*survey.ValidationError](err); !ok || !errors.Is(err, survey.ErrInvalid) || ve.Problems[0].Field != "max_items" {
				return "impossible combination, unclear error: " + err.Error()
			}
			return ""
		}
		if err != nil {
			return "feasible, but: " + err.Error()
		}
		if plan.Gap < 1 || plan.Gap > c.rot.Every || len(plan.Slots) != plan.Gap {
			return fmt.Sprintf("gap %d with %d slots", plan.Gap, len(plan.Slots))
		}
		again, _ := c.rot.Plan(s)
		if !slices.EqualFunc(plan.Slots, again.Slots, slices.Equal) {
			return "not deterministic"
		}
		n := 3*plan.Gap + c.rot.Every
		waves := plan.Waves(n)
		for w, ids := range waves {
			if len(ids) > c.rot.MaxItems {
				return fmt.Sprintf("wave %d asks %d items", w, len(ids))
			}
			if len(slices.Compact(slices.Sorted(slices.Values(ids)))) != len(ids) {
				return fmt.Sprintf("wave %d asks an item twice: %v", w, ids)
			}
			for _, a := range c.rot.Anchors {
				if !slices.Contains(ids, a) {
					return fmt.Sprintf("wave %d lacks anchor %s", w, a)
				}
			}
			for _, con := range s.Constructs() {
				if !slices.ContainsFunc(ids, func(id string) bool { it, _ := s.Item(id); return it.Construct == con }) {
					return fmt.Sprintf("wave %d does not measure %s", w, con)
				}
			}
		}
		for _, it := range s.Items {
			for start := 0; start+c.rot.Every <= n; start++ {
				asked := false
				for _, ids := range waves[start : start+c.rot.Every] {
					asked = asked || slices.Contains(ids, it.ID)
				}
				if !asked {
					return fmt.Sprintf("%s not asked in waves %d..%d", it.ID, start, start+c.rot.Every-1)
				}
			}
		}
		return ""
	}, genRotation()))
	props.run()
}

// The culture pulse (five behaviors with two items each, and eNPS) in
// pulses of at most seven items: each behavior's belief item and eNPS
// every week, the behavior items in turn, each at least every five
// weeks.
func ExampleRotation_Plan() {
	s := survey.CulturePulse()
	plan, err := survey.Rotation{MaxItems: 7, Every: 5, Anchors: survey.AnchorItems(s)}.Plan(s)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("cycle of", plan.Gap, "weeks")
	for i := range plan.Gap {
		fmt.Printf("week %d: %v\n", i+1, plan.Items(i))
	}
	_, err = survey.Rotation{MaxItems: 5, Every: 5, Anchors: survey.AnchorItems(s)}.Plan(s)
	fmt.Println(err)
	// Output:
	// cycle of 5 weeks
	// week 1: [customer_focus.belief customer_focus.behavior agility.belief empowerment.belief innovation.belief inclusion.belief enps]
	// week 2: [customer_focus.belief agility.belief agility.behavior empowerment.belief innovation.belief inclusion.belief enps]
	// week 3: [customer_focus.belief agility.belief empowerment.belief empowerment.behavior innovation.belief inclusion.belief enps]
	// week 4: [customer_focus.belief agility.belief empowerment.belief innovation.belief innovation.behavior inclusion.belief enps]
	// week 5: [customer_focus.belief agility.belief empowerment.belief innovation.belief inclusion.belief inclusion.behavior enps]
	// survey: invalid: max_items: 5 items per wave cannot ask the 6 anchors in every wave and each of the 11 items of survey "culture_pulse" at least every 5 waves: that needs at least 7 items per wave
}
