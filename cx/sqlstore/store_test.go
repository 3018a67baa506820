package sqlstore_test

import (
	"database/sql"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/org"
	"github.com/cxculture/cxculture/cx/sqlstore"
	"github.com/cxculture/cxculture/cx/sqlstore/postgres"
	"github.com/cxculture/cxculture/cx/sqlstore/sqlite"
	"github.com/cxculture/cxculture/survey"
)

// rawDB opens a database of the backend with no store on it: a new SQLite
// file, or a new PostgreSQL schema.
func rawDB(t *testing.T, backend string) (*sql.DB, sqlstore.Dialect) {
	t.Helper()
	var db *sql.DB
	var err error
	d := sqlstore.SQLite
	if backend == "SQLite" {
		db, err = sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "cx.db")+"?"+sqlite.Pragmas)
	} else {
		dsn, _ := newSchema(t)
		db, err = sql.Open("pgx", dsn)
		d = sqlstore.Postgres
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db, d
}

// TestMigrations checks that opening a database written by an older
// version upgrades it, keeping its data, and that opening one written by a
// newer version fails with ErrSchemaNewer and changes nothing.
func TestMigrations(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			ctx := t.Context()
			t.Run("UpgradeOlder", func(t *testing.T) {
				db, d := rawDB(t, b.name)
				old, err := sqlstore.NewAtVersion(ctx, db, d, 1)
				if err != nil {
					t.Fatalf("creating a version 1 database: %v", err)
				}
				if v, _ := old.SchemaVersion(ctx); v != 1 {
					t.Fatalf("schema version: want 1, got %d", v)
				}
				// Version 1 kept units in a table and one version of each
				// survey.
				for _, q := range []string{
					"INSERT INTO cx_units (id, parent, name) VALUES ('org', '', 'Organization'), ('a', 'org', 'Team A')",
					`INSERT INTO cx_surveys (id, doc) VALUES ('s', '{"id":"s","name":"S","audience":1,"version":3,"items":[{"id":"q","text":"Q","scale":{"id":"binary","min":0,"max":1,"favorable_min":1,"favorable_max":1},"kind":3,"version":1}]}')`,
				} {
					if _, err := db.ExecContext(ctx, q); err != nil {
						t.Fatalf("writing version 1 data: %v", err)
					}
				}
				_ = old
				s, err := sqlstore.New(ctx, db, nil)
				if err != nil {
					t.Fatalf("New on a version 1 database: %v", err)
				}
				if got := s.Dialect(); got != d {
					t.Errorf("detected dialect: want %v, got %v", d, got)
				}
				if v, _ := s.SchemaVersion(ctx); v != sqlstore.LatestVersion(d) {
					t.Errorf("schema version after New: want %d, got %d", sqlstore.LatestVersion(d), v)
				}
				want := []cx.OrgChange{
					{Kind: org.Add, Unit: cx.Unit{ID: "a", Parent: "org", Name: "Team A"}},
					{Kind: org.Add, Unit: cx.Unit{ID: "org", Name: "Organization"}},
				}
				if got, err := s.ListOrgChanges(ctx); err != nil || !slices.EqualFunc(want, got, cx.OrgChange.Equal) {
					t.Errorf("ListOrgChanges after the upgrade: want the units added from the start %v, got %v, %v", want, got, err)
				}
				if vs, err := s.ListSurveyVersions(ctx, "s"); err != nil || len(vs) != 1 || vs[0].Version != 3 {
					t.Errorf("ListSurveyVersions after the upgrade: want the stored survey as version 3, got %v, %v", vs, err)
				}
				r := survey.Response{ID: uuid.New(), Survey: "s", Wave: "w", Unit: "org", Submitted: time.Unix(1e9, 0).UTC(), Answers: map[string]int{"q": 1}}
				if n, err := s.CreateResponses(ctx, []survey.Response{r}); err != nil || n != 1 {
					t.Errorf("CreateResponses after the upgrade: want 1, nil; got %d, %v", n, err)
				}
				// Opening again is a no-op.
				if _, err := sqlstore.New(ctx, db, nil); err != nil {
					t.Errorf("New on an up-to-date database: %v", err)
				}
			})
			t.Run("FailedUpgrade", func(t *testing.T) {
				// Two more versions: the first applies, the second fails
				// half-way and leaves nothing of itself.
				db, d := rawDB(t, b.name)
				s, err := sqlstore.New(ctx, db, &sqlstore.Options{Dialect: d})
				if err != nil {
					t.Fatal(err)
				}
				latest := sqlstore.LatestVersion(d)
				err = s.MigrateWithExtra(ctx,
					"CREATE TABLE cx_extra (x INTEGER NOT NULL); INSERT INTO cx_extra (x) VALUES (1)",
					"CREATE TABLE cx_half (x INTEGER NOT NULL); INSERT INTO cx_half (x) VALUES (1); INSERT INTO cx_no_such_table (x) VALUES (1)")
				if err == nil || !strings.Contains(err.Error(), itoa(latest+2)+"_extra.sql") {
					t.Fatalf("a failing migration: want an error naming it, got %v", err)
				}
				if v, err := s.SchemaVersion(ctx); v != latest+1 || err != nil {
					t.Errorf("schema version after the failed upgrade: want %d, got %d, %v", latest+1, v, err)
				}
				var n int
				if err := db.QueryRowContext(ctx, "SELECT count(*) FROM cx_extra").Scan(&n); err != nil || n != 1 {
					t.Errorf("the applied version's table: want 1 row, got %d, %v", n, err)
				}
				if err := db.QueryRowContext(ctx, "SELECT count(*) FROM cx_half").Scan(&n); err == nil {
					t.Errorf("the failed version's table exists, with %d rows", n)
				}
			})
			t.Run("RefuseNewer", func(t *testing.T) {
				db, d := rawDB(t, b.name)
				if _, err := sqlstore.New(ctx, db, &sqlstore.Options{Dialect: d}); err != nil {
					t.Fatal(err)
				}
				future := sqlstore.LatestVersion(d) + 1
				if _, err := db.ExecContext(ctx, "INSERT INTO cx_schema (version, name, applied_us) VALUES ($1, 'from_the_future.sql', 0)", future); err != nil {
					t.Fatal(err)
				}
				_, err := sqlstore.New(ctx, db, &sqlstore.Options{Dialect: d})
				if !errors.Is(err, sqlstore.ErrSchemaNewer) {
					t.Fatalf("New on a newer database: want ErrSchemaNewer, got %v", err)
				}
				for _, want := range []string{"version " + itoa(future), "newer version"} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q does not say %q", err, want)
					}
				}
				var n int
				if err := db.QueryRowContext(ctx, "SELECT count(*) FROM cx_schema").Scan(&n); err != nil || n != future {
					t.Errorf("cx_schema after the refused open: want %d rows, got %d, %v", future, n, err)
				}
			})
		})
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func mkdirAll(dir string) error { return os.MkdirAll(dir, 0o755) }

func fileExists(path string) bool { _, err := os.Stat(path); return err == nil }

// TestReopen checks that data and tallies written through one store are
// read back exactly through another opened later on the same SQLite file.
func TestReopen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "cx.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	sv := survey.CulturePulse()
	rs := pulseResponses(sv, "w1", 50)
	if err := s.CreateSurvey(ctx, sv); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateResponses(ctx, rs); err != nil {
		t.Fatal(err)
	}
	want, err := s.TallyResponses(ctx, cx.TallyFilter{Survey: sv.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2 := openSQLiteAt(t, path)
	got, err := s2.TallyResponses(ctx, cx.TallyFilter{Survey: sv.ID})
	if err != nil {
		t.Fatal(err)
	}
	if !want.Equal(got) {
		t.Errorf("tallies after reopening differ")
	}
	for _, r := range rs[:5] {
		g, err := s2.GetResponse(ctx, r.ID)
		if err != nil || !g.Equal(r) {
			t.Errorf("GetResponse(%s) after reopening: want %+v, got %+v, %v", r.ID, r, g, err)
		}
	}
}

// pulseResponses returns n deterministic responses to sv in wave w.
func pulseResponses(sv survey.Survey, wave string, n int) []survey.Response {
	out := make([]survey.Response, n)
	for i := range out {
		r := survey.Response{ID: uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "%s/%d", wave, i)),
			Survey: sv.ID, Wave: wave, Unit: []string{"north", "south"}[i%2],
			Submitted: time.Date(2026, 1, 1+i%28, 9, 0, i%60, 0, time.UTC), Answers: map[string]int{}}
		for j, it := range sv.Items {
			if (i+j)%7 != 0 {
				r.Answers[it.ID] = it.Scale.Min + (i*3+j)%it.Scale.Points()
			}
		}
		if i%4 == 0 {
			r.Comment = "comment"
		}
		out[i] = r
	}
	return out
}

// TestOpeners checks the openers and their refusals of empty arguments.
func TestOpeners(t *testing.T) {
	ctx := t.Context()
	for _, path := range []string{"", ":memory:", "file:x.db"} {
		if _, err := sqlite.Open(ctx, path); !errors.Is(err, cx.ErrInvalid) {
			t.Errorf("sqlite.Open(%q): want cx.ErrInvalid, got %v", path, err)
		}
	}
	if _, err := postgres.Open(ctx, ""); !errors.Is(err, cx.ErrInvalid) {
		t.Errorf(`postgres.Open(""): want cx.ErrInvalid, got %v`, err)
	}
	// A path with characters that mean something in a URI.
	odd := filepath.Join(t.TempDir(), "a dir?#%", "cx.db")
	if err := mkdirAll(filepath.Dir(odd)); err != nil {
		t.Fatal(err)
	}
	s := openSQLiteAt(t, odd)
	if _, err := s.RecordOrgChanges(ctx, []cx.OrgChange{{Kind: org.Add, Unit: cx.Unit{ID: "u", Name: "U"}}}); err != nil {
		t.Errorf("RecordOrgChanges in %s: %v", odd, err)
	}
	if !fileExists(odd) {
		t.Errorf("sqlite.Open(%q) did not create that file", odd)
	}
	t.Run("Postgres", func(t *testing.T) {
		s := openPostgresOpener(t)
		if _, err := s.RecordOrgChanges(ctx, []cx.OrgChange{{Kind: org.Add, Unit: cx.Unit{ID: "u", Name: "U"}}}); err != nil {
			t.Errorf("RecordOrgChanges: %v", err)
		}
	})
}

// TestBadInput checks that input a database cannot keep is refused with a
// *cx.ValidationError and leaves nothing of its batch behind.
func TestBadInput(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			ctx := t.Context()
			s := b.open(t)
			at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
			obs := []cx.Observation{{Metric: "m", Unit: "u", Time: at, Value: 1}, {Metric: "m", Unit: "u", Time: at.Add(time.Hour), Value: math.NaN()}}
			n, err := s.CreateObservations(ctx, obs)
			var ve *cx.ValidationError
			if !errors.As(err, &ve) || n != 0 {
				t.Errorf("CreateObservations with a NaN: want a *cx.ValidationError and 0, got %d, %v", n, err)
			}
			if got, _ := s.ListObservations(ctx, cx.ObservationFilter{}); len(got) != 0 {
				t.Errorf("a refused batch left %d observations", len(got))
			}
			in := culture.Indicator{ID: "i", Behavior: "b", Name: "I", Source: culture.Source{Metric: "m"}}
			inf := math.Inf(1)
			in.Target = &inf
			if err := s.CreateIndicator(ctx, in); !errors.As(err, &ve) {
				t.Errorf("CreateIndicator with an infinite target: want a *cx.ValidationError, got %v", err)
			}
			if b.name == "Postgres" {
				// PostgreSQL text cannot hold NUL bytes or invalid UTF-8.
				good := survey.Response{ID: uuid.New(), Survey: "s", Wave: "w", Unit: "u", Submitted: at, Answers: map[string]int{"q": 1}}
				bad := good
				bad.ID, bad.Comment = uuid.New(), "nul \x00 byte"
				n, err := s.CreateResponses(ctx, []survey.Response{good, bad})
				if !errors.As(err, &ve) || n != 0 {
					t.Errorf("CreateResponses with a NUL byte: want a *cx.ValidationError and 0, got %d, %v", n, err)
				}
				if c, _ := s.CountResponses(ctx, survey.ResponseFilter{}); c != 0 {
					t.Errorf("a refused batch left %d responses", c)
				}
				if _, err := s.RecordOrgChanges(ctx, []cx.OrgChange{{Kind: org.Add, Unit: cx.Unit{ID: "u", Name: "bad \xff"}}}); !errors.As(err, &ve) {
					t.Errorf("RecordOrgChanges with invalid UTF-8: want a *cx.ValidationError, got %v", err)
				}
			}
		})
	}
}

// fakeErr is a driver error with a code.
type fakeErr struct{ state string }

func (e fakeErr) Error() string    { return "driver error" }
func (e fakeErr) SQLState() string { return e.state }

type fakeSQLiteErr struct{ code int }

func (e fakeSQLiteErr) Error() string { return "driver error" }
func (e fakeSQLiteErr) Code() int     { return e.code }

// TestErrorCategories checks how driver errors map onto the cx categories.
func TestErrorCategories(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want error
	}{
		{sql.ErrNoRows, cx.ErrNotFound},
		{fakeErr{state: "23505"}, cx.ErrAlreadyExists},
		{fakeErr{state: "23502"}, cx.ErrInvalid},
		{fakeErr{state: "22021"}, cx.ErrInvalid},
		{fakeErr{state: "40001"}, nil},
		{fakeSQLiteErr{1555}, cx.ErrAlreadyExists},
		{fakeSQLiteErr{2067}, cx.ErrAlreadyExists},
		{fakeSQLiteErr{1299}, cx.ErrInvalid},
		{fakeSQLiteErr{18}, cx.ErrInvalid},
		{fakeSQLiteErr{5}, nil},
		{errors.New("other"), nil},
	} {
		wrapped := errors.Join(errors.New("context"), tc.err)
		if got := sqlstore.Category(wrapped); got != tc.want {
			t.Errorf("category(%#v): want %v, got %v", tc.err, tc.want, got)
		}
	}
}
