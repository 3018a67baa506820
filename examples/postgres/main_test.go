package main

import (
	"bytes"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
)

// schemaDSN returns a DSN for a new schema of the test database, dropped
// at the end of the test; the test skips when CXCULTURE_POSTGRES_DSN is
// unset, except in CI (CI=true), where it fails.
func schemaDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv(dsnEnv)
	if dsn == "" && os.Getenv("CI") == "true" {
		t.Fatalf("%s is not set, but CI is: in CI the example runs against the PostgreSQL .ci/run starts", dsnEnv)
	}
	if dsn == "" {
		t.Skipf("%s is not set: no PostgreSQL to run the example against", dsnEnv)
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "cxexample_" + hex.EncodeToString(b)
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := db.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " search_path=" + schema
}

func TestRun(t *testing.T) {
	dsn := schemaDSN(t)
	var out bytes.Buffer
	if err := run(t.Context(), &out, []string{"-dsn", dsn}); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"Recorded 134 new responses, then disconnected.",
		"Connected again: 134 responses to the culture pulse are stored.",
		"Favorable share per behavior, wave 2026-06 (change since 2026-02; * significant)",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the output lacks %q:\n%s", want, out.String())
		}
	}
	for _, row := range []string{`(?m)^org +67 `, `(?m)^    contact +30 `, `(?m)^    field +22 `} {
		if !regexp.MustCompile(row).MatchString(out.String()) {
			t.Errorf("the output has no row matching %s:\n%s", row, out.String())
		}
	}
	// The DSN may come from the environment, and a second run adds
	// nothing.
	t.Setenv(dsnEnv, dsn)
	var again bytes.Buffer
	if err := run(t.Context(), &again, nil); err != nil {
		t.Fatalf("second run: %v", err)
	}
	if !strings.Contains(again.String(), "Recorded 0 new responses") {
		t.Errorf("a second run recorded responses again:\n%s", again.String())
	}
}

func TestRunWithoutDSN(t *testing.T) {
	t.Setenv(dsnEnv, "")
	var out bytes.Buffer
	err := run(t.Context(), &out, nil)
	if err == nil || !strings.Contains(err.Error(), "-dsn") || !strings.Contains(err.Error(), dsnEnv) {
		t.Errorf("run without a DSN: want a usage error naming -dsn and %s, got %v", dsnEnv, err)
	}
}
