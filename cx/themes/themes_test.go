package themes_test

import (
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/cx/internal/cxgen"
	"github.com/cxculture/cxculture/cx/themes"
)

func TestWords(t *testing.T) {
	require.Equal(t, []string{"didnt", "wait", "3", "days", "très", "rapide", "lagent"},
		themes.Words("Didn't WAIT 3 days — très rapide! L'agent…"))
	require.Equal(t, []string{"top", "down"}, themes.Words("top-down"))
	require.Empty(t, themes.Words(" ,.;'’ "))
}

func TestMatch(t *testing.T) {
	m, err := themes.New(themes.BuiltIn())
	require.NoError(t, err)
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"I waited three weeks for an answer.", []string{"effectiveness", "efficiency"}},
		{"The agent was kind and explained everything clearly", []string{"transparency", "humanity", "employee"}},
		{"It was not easy to log in to the portal", []string{"ease", "digital"}},
		{"Nothing to add", nil},
		{"Our manager thanked the team for fixing the customer's form", []string{"effectiveness", "ease", "customer_focus", "recognition", "leadership", "teamwork"}},
	} {
		require.Equal(t, tc.want, m.Match(tc.text), tc.text)
	}

	// User themes extend the built-in ones, in order.
	own, err := themes.New(append(themes.BuiltIn(), themes.Theme{ID: "passport", Name: "Passports", Keywords: []string{"passport*", "photo id"}}))
	require.NoError(t, err)
	require.Equal(t, []string{"passport"}, own.Match("My passport arrived"))
	require.Equal(t, []string{"passport"}, own.Match("they lost my photo ID"))
	require.Empty(t, own.Match("a photo of an ID card"), "a phrase matches words in a row")

	_, err = themes.New([]themes.Theme{{ID: "a", Name: "A", Keywords: []string{"x"}}, {ID: "a", Name: "B", Keywords: []string{"—"}}, {ID: "", Name: ""}})
	require.ErrorContains(t, err, `themes[1]: theme "a" appears twice`)
	require.ErrorContains(t, err, `themes[1] (a).keywords[0]: "—" holds no word`)
	require.ErrorContains(t, err, "themes[2]: an ID and a name are required")
}

// The counts are a law of Match: a theme's count is the number of
// comments Match gives it, whatever the order of the comments.
func TestCountProperty(t *testing.T) {
	m, err := themes.New(themes.BuiltIn())
	require.NoError(t, err)
	vocab := []string{"wait", "waiting", "easy", "not", "staff", "rude", "the", "website", "fee", "manager", "team", "thanks", "issue",
		"resolved", "hard", "to", "log", "in", "customer", "slow", "form", "fair", "-", "!", "’s"}
	props := cxgen.NewProperties(t, 200)
	props.Property("counts equal matches, in any order", prop.ForAll(func(seed int64) bool {
		r := rand.New(rand.NewSource(seed))
		comments := make([]string, r.Intn(20))
		for i := range comments {
			ws := make([]string, r.Intn(12))
			for j := range ws {
				ws[j] = vocab[r.Intn(len(vocab))]
			}
			comments[i] = strings.Join(ws, " ")
		}
		counts := m.Count(comments)
		shuffled := slices.Clone(comments)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if !slices.Equal(counts, m.Count(shuffled)) {
			return false
		}
		for _, c := range counts {
			n := 0
			for _, text := range comments {
				if slices.Contains(m.Match(text), c.Theme) {
					n++
				}
			}
			if n != c.Comments {
				return false
			}
		}
		return true
	}, gen.Int64()))
	props.Run()
}
