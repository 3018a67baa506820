package cx_test

import (
	"bytes"
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/leanovate/gopter/prop"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/internal/cxgen"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/survey"
)

var testKey = []byte("0123456789abcdef0123456789abcdef")

func TestPseudonymizerKey(t *testing.T) {
	for _, n := range []int{0, 1, 15} {
		_, err := cx.NewPseudonymizer(make([]byte, n))
		require.ErrorIs(t, err, cx.ErrInvalid, "key of %d bytes", n)
		var ve *cx.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "pseudonym_key", ve.Problems[0].Field)
		assert.Contains(t, err.Error(), "at least 16 bytes")
	}
	_, err := cx.NewPseudonymizer(make([]byte, 16))
	assert.NoError(t, err)
}

func TestPseudonymIsHMACSHA256(t *testing.T) {
	// RFC 4231, test case 1: key 0x0b × 20, data "Hi There".
	p, err := cx.NewPseudonymizer(bytes.Repeat([]byte{0x0b}, 20))
	require.NoError(t, err)
	assert.Equal(t, "p1:b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7", p.Pseudonym("Hi There"))
	assert.True(t, cx.IsPseudonym(p.Pseudonym("Hi There")))
	assert.Empty(t, p.Pseudonym(""), "an anonymous response stays anonymous")
}

func TestPseudonymizerKeepsItsKey(t *testing.T) {
	key := bytes.Clone(testKey)
	p, err := cx.NewPseudonymizer(key)
	require.NoError(t, err)
	before := p.Pseudonym("e1234")
	key[0] ^= 0xff // the caller's slice changes; the pseudonymizer's copy does not
	assert.Equal(t, before, p.Pseudonym("e1234"))
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(format, p)
		assert.NotContains(t, out, string(testKey[:8]), format)
		assert.NotContains(t, out, fmt.Sprintf("%x", testKey[:8]), format)
	}
}

func TestPseudonymProperties(t *testing.T) {
	props := cxgen.NewProperties(t, 200)
	p1, _ := cx.NewPseudonymizer(testKey)
	p2, _ := cx.NewPseudonymizer(append(bytes.Clone(testKey[1:]), 'x'))
	ident := cxgen.From(func(r *rand.Rand) string { return cxgen.SlugFrom(r, "e") + cxgen.TextFrom(r) }).WithLabel("identity")
	props.Property("a pseudonym is stable, keyed, distinct per identity, holds no part of it, and is not pseudonymized twice", prop.ForAll(func(a, b string) string {
		pa := p1.Pseudonym(a)
		switch {
		case pa != p1.Pseudonym(a):
			return "not stable"
		case !cx.IsPseudonym(pa):
			return "not of the pseudonym form: " + pa
		case p1.Pseudonym(pa) != pa:
			return "pseudonymized twice"
		case pa == p2.Pseudonym(a):
			return "another key gives the same pseudonym"
		case a != b && pa == p1.Pseudonym(b):
			return "two identities share a pseudonym"
		case len(a) >= 4 && strings.Contains(pa, a):
			return "the pseudonym contains the identity"
		}
		return ""
	}, ident, ident))
	props.Run()
}

// pseudonymProgram is a program that pseudonymizes respondents, with one
// unit, the culture pulse and two waves.
func pseudonymProgram(t *testing.T) (*cx.Program, cx.Store) {
	t.Helper()
	ctx := t.Context()
	ps, err := cx.NewPseudonymizer(testKey)
	require.NoError(t, err)
	store := memstore.New()
	p, err := cx.New(store, &cx.Options{Now: func() time.Time { return now }, Pseudonymizer: ps})
	require.NoError(t, err)
	require.NoError(t, p.DefineUnits(ctx, cx.Unit{ID: "org", Name: "Agency"}))
	require.NoError(t, p.DefineFramework(ctx, culture.CXBehaviors()))
	require.NoError(t, p.DefineSurvey(ctx, survey.CulturePulse()))
	for i, id := range []string{"w1", "w2"} {
		opens := now.Add(-time.Duration(60-30*i) * 24 * time.Hour)
		require.NoError(t, p.OpenWave(ctx, survey.Wave{ID: id, Survey: survey.CulturePulseID, Opens: opens, Closes: opens.Add(14 * 24 * time.Hour)}))
	}
	return p, store
}

func TestRecordResponsesStoresOnlyPseudonyms(t *testing.T) {
	ctx := t.Context()
	p, store := pseudonymProgram(t)
	const who = "ada.lovelace@example.org"
	resp := func(id uuid.UUID, wave string, days int) survey.Response {
		return survey.Response{ID: id, Survey: survey.CulturePulseID, Wave: wave, Unit: "org", Respondent: who,
			Submitted: now.Add(-time.Duration(days) * 24 * time.Hour), Answers: map[string]int{"enps": 8}}
	}
	_, err := p.RecordResponses(ctx, []survey.Response{resp(respA, "w1", 55)})
	require.NoError(t, err)
	_, err = p.RecordResponses(ctx, []survey.Response{resp(respB, "w2", 25)})
	require.NoError(t, err)

	stored, err := store.ListResponses(ctx, survey.ResponseFilter{Survey: survey.CulturePulseID})
	require.NoError(t, err)
	require.Len(t, stored, 2)
	want := p.Pseudonym(who)
	for _, r := range stored {
		assert.Equal(t, want, r.Respondent, "the same person links across waves through the pseudonym")
		assert.NotContains(t, fmt.Sprintf("%+v", r), "lovelace")
	}

	// Recording the stored responses again adds nothing and keeps the link.
	n, err := p.RecordResponses(ctx, stored)
	require.NoError(t, err)
	assert.Zero(t, n)

	// An invalid response is reported without the raw identity.
	bad := resp(cxgen.IDOf(77), "w2", 25)
	bad.Unit = "nowhere"
	_, err = p.RecordResponses(ctx, []survey.Response{bad})
	require.ErrorIs(t, err, cx.ErrInvalid)
	assert.NotContains(t, err.Error(), "lovelace")
}

func TestRecordResponsesWithoutPseudonymizerKeepsRespondent(t *testing.T) {
	ctx := t.Context()
	p, store := seeded(t)
	r := pulseResponse(respA)
	r.Respondent = "p1:already-a-pseudonym-from-the-caller"
	_, err := p.RecordResponses(ctx, []survey.Response{r})
	require.ErrorIs(t, err, cx.ErrInvalid, "a respondent that is not of the pseudonym form is refused without a key")
	r.Respondent = cx.PseudonymPrefix + strings.Repeat("0f", 32)
	_, err = p.RecordResponses(ctx, []survey.Response{r})
	require.NoError(t, err)
	got, err := store.GetResponse(ctx, respA)
	require.NoError(t, err)
	assert.Equal(t, r.Respondent, got.Respondent)
	assert.Equal(t, r.Respondent, p.Pseudonym(r.Respondent))
}
