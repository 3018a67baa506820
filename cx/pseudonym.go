package cx

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"strings"
)

// MinPseudonymKey is the shortest key a [Pseudonymizer] accepts, in bytes.
const MinPseudonymKey = 16

// PseudonymPrefix begins every pseudonym, so that a pseudonym is never
// mistaken for an identity (and is not pseudonymized twice).
const PseudonymPrefix = "p1:"

// Pseudonymizer turns a respondent's identity (an employee ID, an e-mail
// address) into a keyed pseudonym: PseudonymPrefix followed by the
// hexadecimal HMAC-SHA256 of the identity under a key the caller holds.
// The same identity always gives the same pseudonym under the same key, so
// one person's responses link across waves; without the key, a pseudonym
// cannot be traced back to a person, nor can a guessed identity be
// checked against it. Keep the key outside the store: whoever holds both
// can test identities.
//
// A Pseudonymizer never prints its key. It is safe for concurrent use.
type Pseudonymizer struct {
	key []byte
}

// NewPseudonymizer returns a Pseudonymizer keyed with a copy of key, which
// must hold at least [MinPseudonymKey] bytes (a random key of 32 bytes is
// recommended); a shorter key is a [*ValidationError].
func NewPseudonymizer(key []byte) (*Pseudonymizer, error) {
	if len(key) < MinPseudonymKey {
		return nil, invalid("pseudonym_key", fmt.Sprintf("must hold at least %d bytes, got %d", MinPseudonymKey, len(key)))
	}
	return &Pseudonymizer{key: append([]byte(nil), key...)}, nil
}

// Pseudonym returns the pseudonym of identity. Blanks around an identity
// are not part of it (as the readers of this module read the values of a
// record): " ana@example.gov " and "ana@example.gov" are one person with
// one pseudonym. The empty identity, or one of blanks only (an anonymous
// response), stays empty, and a value that already is a pseudonym is
// returned as it is, so that re-recording stored responses keeps their
// links.
func (p *Pseudonymizer) Pseudonym(identity string) string {
	identity = strings.TrimSpace(identity)
	if identity == "" || IsPseudonym(identity) {
		return identity
	}
	m := hmac.New(sha256.New, p.key)
	m.Write([]byte(identity))
	return PseudonymPrefix + hex.EncodeToString(m.Sum(nil))
}

// pseudonymMaker makes the pseudonyms of one Pseudonymizer with one HMAC,
// reset between identities, which saves deriving the keyed state for
// each: for imports of many responses. It is not safe for concurrent use.
type pseudonymMaker struct {
	m   hash.Hash
	buf []byte
	sum [sha256.Size]byte
}

func (p *Pseudonymizer) maker() *pseudonymMaker {
	return &pseudonymMaker{m: hmac.New(sha256.New, p.key)}
}

// pseudonym returns what [Pseudonymizer.Pseudonym] returns.
func (pm *pseudonymMaker) pseudonym(identity string) string {
	identity = strings.TrimSpace(identity)
	if identity == "" || IsPseudonym(identity) {
		return identity
	}
	pm.m.Reset()
	pm.buf = append(pm.buf[:0], identity...)
	pm.m.Write(pm.buf)
	sum := pm.m.Sum(pm.sum[:0])
	out := make([]byte, len(PseudonymPrefix)+2*len(sum))
	copy(out, PseudonymPrefix)
	hex.Encode(out[len(PseudonymPrefix):], sum)
	return string(out)
}

// IsPseudonym reports whether s has the form of a pseudonym.
func IsPseudonym(s string) bool {
	if len(s) != len(PseudonymPrefix)+2*sha256.Size || s[:len(PseudonymPrefix)] != PseudonymPrefix {
		return false
	}
	for _, c := range s[len(PseudonymPrefix):] {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// String hides the key.
func (p *Pseudonymizer) String() string { return "cx.Pseudonymizer{key: redacted}" }

// GoString hides the key from %#v.
func (p *Pseudonymizer) GoString() string { return p.String() }
