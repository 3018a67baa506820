package survey

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestUnixSecondsMatchesTime checks the civil-date arithmetic of the fast
// timestamp path against the time package over random instants.
func TestUnixSecondsMatchesTime(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for range 20000 {
		want := time.Unix(rng.Int64N(1<<36)-1<<35, 0).UTC()
		y, m, d := want.Date()
		if got := unixSeconds(y, int(m), d, want.Hour(), want.Minute(), want.Second()); got != want.Unix() {
			t.Fatalf("unixSeconds(%v) = %d, want %d", want, got, want.Unix())
		}
		if got, wantDays := daysIn(int(m), y), time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day(); got != wantDays {
			t.Fatalf("daysIn(%d, %d) = %d, want %d", m, y, got, wantDays)
		}
	}
}
