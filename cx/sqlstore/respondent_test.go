package sqlstore_test

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/survey"
)

// TestRespondentsReadBackAsStored stores responses whose respondents are
// pseudonyms the program makes and strings that only look like them
// (upper case digits, a digit short or over, a letter that is not a
// digit, another prefix, the bare prefix), through CreateResponses and
// through an import, and reads each one back exactly as given. On SQLite
// the pseudonyms the program makes are kept in 32 bytes, every other
// respondent as text: the file is read directly to check it.
func TestRespondentsReadBackAsStored(t *testing.T) {
	ctx := t.Context()
	ps, err := cx.NewPseudonymizer([]byte("a key of at least sixteen bytes"))
	if err != nil {
		t.Fatal(err)
	}
	hex64 := strings.Repeat("0123456789abcdef", 4)
	compact := map[string]bool{
		ps.Pseudonym("ana@example.org"): true,
		ps.Pseudonym("bo@example.org"):  true,
		"p1:" + hex64:                   true,
		"p1:" + strings.Repeat("0", 64): true,
		"p1:" + strings.ToUpper(hex64):  false,
		"p1:" + hex64[:63]:              false,
		"p1:" + hex64 + "0":             false,
		"p1:" + hex64[:63] + "g":        false,
		"p2:" + hex64:                   false,
		"p1:":                           false,
		hex64[:32]:                      false,
		"r00000001":                     false,
	}
	sv := survey.CulturePulse()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var created, imported []survey.Response
	i := 0
	for who := range compact {
		for k, to := range []*[]survey.Response{&created, &imported} {
			r := survey.Response{ID: uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "respondent %d %d", i, k)), Survey: sv.ID,
				Wave: "w1", Unit: "team1", Respondent: who, Submitted: at.Add(time.Duration(i) * time.Minute),
				Answers: map[string]int{sv.Items[0].ID: sv.Items[0].Scale.Min}}
			*to = append(*to, r)
		}
		i++
	}
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			s := openWithResponses(t, b, sv, created)
			if out, err := stageInBatches(t, s, sv.ID, imported, cx.ImportOptions{}); err != nil || out.Added != len(imported) {
				t.Fatalf("import: %+v, %v", out, err)
			}
			// Again: every response is found stored and identical.
			if out, err := stageInBatches(t, s, sv.ID, imported, cx.ImportOptions{}); err != nil || out.Unchanged != len(imported) {
				t.Fatalf("import again: %+v, %v; want %d unchanged", out, err, len(imported))
			}
			for _, r := range append(append([]survey.Response{}, created...), imported...) {
				got, err := s.GetResponse(ctx, r.ID)
				if err != nil || got.Respondent != r.Respondent || !got.Equal(r) {
					t.Fatalf("stored respondent %q read back as %q (%v)", r.Respondent, got.Respondent, err)
				}
			}
			all, err := s.ListResponses(ctx, survey.ResponseFilter{Survey: sv.ID})
			if err != nil || len(all) != 2*len(compact) {
				t.Fatalf("ListResponses: %d responses, %v", len(all), err)
			}
			for _, r := range all {
				if _, ok := compact[r.Respondent]; !ok {
					t.Fatalf("ListResponses: respondent %q was not stored", r.Respondent)
				}
			}
			if b.name != "SQLite" {
				return
			}
			where, _ := location.Load(s)
			db, err := sql.Open("sqlite", where.(string))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			for _, r := range all {
				var typ string
				var n int
				if err := db.QueryRowContext(ctx, "SELECT typeof(respondent), length(CAST(respondent AS BLOB)) FROM cx_responses WHERE id = ?", r.ID[:]).Scan(&typ, &n); err != nil {
					t.Fatal(err)
				}
				want, wantN := "text", len(r.Respondent)
				if compact[r.Respondent] {
					want, wantN = "blob", 32
				}
				if typ != want || n != wantN {
					t.Errorf("respondent %q is stored as %s of %d bytes; want %s of %d", r.Respondent, typ, n, want, wantN)
				}
			}
		})
	}
}
