package chstore_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/chstore"
	"github.com/cxculture/cxculture/cx/storetest"
)

// TestConformance runs the whole suite, with two handles. The store
// claims no capability (storetest.Capabilities): the catalog and the
// cluster share no transaction, so a reference check and the catalog
// write it guards are two steps for another process's writes, and an
// import that another process's import overtook fails at commit, asking
// to be run again, instead of waiting for it. The weaker rules run.
func TestConformance(t *testing.T) {
	cluster(t)
	storetest.RunHarness(t, storetest.Harness{NewStore: func(t *testing.T) cx.Store { return openStore(t) }, Reopen: reopen})
}

// falseClaimEnv makes TestFalseClaimFails the child that runs the
// capability cases on a store claiming every capability.
const falseClaimEnv = "CXCULTURE_CLICKHOUSE_FALSE_CLAIM_CHILD"

// TestFalseClaimFails shows that the suite's capability cases fail for a
// store that claims capabilities it lacks: a child process runs them on
// this store claiming all of them (its reference checks slowed down, so
// that another handle's write surely lands between the check and the
// catalog's deletion), and must fail both, naming their rules.
func TestFalseClaimFails(t *testing.T) {
	if os.Getenv(falseClaimEnv) != "" {
		addrs, _ := cluster(t)
		type place struct{ db, catalog string }
		var places sync.Map // *chstore.Store -> place
		storetest.RunHarness(t, storetest.Harness{
			NewStore: func(t *testing.T) cx.Store {
				db := database(t, addrs)
				catalog := filepath.Join(t.TempDir(), "catalog.db")
				s := openWith(t, db, catalog, func(c chstore.Conn) chstore.Conn { return slowRefs{c} })
				places.Store(s, place{db, catalog})
				return s
			},
			Reopen: func(t *testing.T, s cx.Store) cx.Store {
				p, _ := places.Load(s)
				return openWith(t, p.(place).db, p.(place).catalog, func(c chstore.Conn) chstore.Conn { return c })
			},
			Capabilities: storetest.AllCapabilities,
		})
		return
	}
	cluster(t)
	exe, err := os.Executable()
	if err != nil {
		t.Skipf("cannot re-execute the test binary: %v", err)
	}
	cmd := exec.CommandContext(t.Context(), exe, "-test.run=^TestFalseClaimFails$/^Capabilities$/^(AtomicReferenceChecks|SerializedImports)$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), falseClaimEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the child claiming every capability passed; want both capability cases to fail:\n%s", out)
	}
	for _, c := range []string{"AtomicReferenceChecks", "SerializedImports"} {
		if !strings.Contains(string(out), "--- FAIL: TestFalseClaimFails/Capabilities/"+c) {
			t.Errorf("the child claiming every capability: want case Capabilities/%s to fail; its output:\n%s", c, out)
		}
	}
	for _, rule := range []*regexp.Regexp{regexp.MustCompile(`and DeleteSurvey then succeeded`), regexp.MustCompile(`the import through handle [12] failed`)} {
		if !rule.Match(out) {
			t.Errorf("the child's failures do not say %q; its output:\n%s", rule, out)
		}
	}
}

// slowRefs is a Conn on which the count of stored responses that refer
// to a survey returns only after a pause.
type slowRefs struct{ chstore.Conn }

func (c slowRefs) Query(ctx context.Context, q string, ext ...chstore.Table) (chstore.Rows, error) {
	rows, err := c.Conn.Query(ctx, q, ext...)
	if strings.Contains(q, "sum(respondents)") && strings.Contains(q, "AND survey = ") {
		time.Sleep(time.Second)
	}
	return rows, err
}
