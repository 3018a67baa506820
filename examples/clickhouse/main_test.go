package main

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// clusterArgs returns the flags of the test cluster, or skips the test
// when it is not set, except in CI (CI=true), where it fails.
func clusterArgs(t *testing.T) []string {
	t.Helper()
	addrs, cluster := os.Getenv(addrsEnv), os.Getenv(clusterEnv)
	if addrs == "" || cluster == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s and %s are not set, but CI is: in CI the example runs on the cluster .ci/run starts", addrsEnv, clusterEnv)
		}
		t.Skipf("%s and %s are not set: no ClickHouse cluster to run the example on", addrsEnv, clusterEnv)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return []string{"-addrs", addrs, "-cluster", cluster, "-database", "cxexample_" + hex.EncodeToString(b)}
}

func TestRun(t *testing.T) {
	args := clusterArgs(t)
	var out bytes.Buffer
	if err := run(t.Context(), &out, args); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"Recorded 2902 responses of 15 teams in 12 waves; recording them all again added 0.",
		"1: committed, 1451 responses",
		"2: committed, 1451 responses",
		"Favorable share per behavior in December 2025 (change since January 2025, in points; * significant)",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the output lacks %q:\n%s", want, out.String())
		}
	}
	m := regexp.MustCompile(`Stored responses per shard: shard 1: (\d+) shard 2: (\d+)`).FindStringSubmatch(out.String())
	if m == nil || m[1] == "0" || m[2] == "0" {
		t.Errorf("want responses on both shards:\n%s", out.String())
	}
	for _, row := range []string{`(?m)^Organization +251 `, `(?m)^  Division 1 +109 `} {
		if !regexp.MustCompile(row).MatchString(out.String()) {
			t.Errorf("the output has no row matching %s:\n%s", row, out.String())
		}
	}
}

// TestRunKeepsCatalog runs the example twice on one catalog: the second
// run finds everything stored and adds nothing.
func TestRunKeepsCatalog(t *testing.T) {
	args := append(clusterArgs(t), "-catalog", filepath.Join(t.TempDir(), "catalog.db"))
	t.Cleanup(func() { dropDatabase(strings.Split(args[1], ","), args[5]) })
	var first, second bytes.Buffer
	if err := run(t.Context(), &first, args); err != nil {
		t.Fatalf("first run: %v", err)
	}
	if err := run(t.Context(), &second, args); err != nil {
		t.Fatalf("second run: %v", err)
	}
	if !strings.Contains(second.String(), "Recorded 0 responses") || !strings.Contains(second.String(), "1: committed, 1451 responses") {
		t.Errorf("the second run on a kept catalog should add nothing and list the first run's batches:\n%s", second.String())
	}
}

func TestUsageWithoutAddresses(t *testing.T) {
	t.Setenv(addrsEnv, "")
	t.Setenv(clusterEnv, "")
	var out bytes.Buffer
	err := run(t.Context(), &out, nil)
	if err == nil || !strings.Contains(err.Error(), "-addrs") || !strings.Contains(err.Error(), "usage:") || !strings.Contains(err.Error(), addrsEnv) {
		t.Errorf("run without addresses: want a usage error naming -addrs and %s, got %v", addrsEnv, err)
	}
	err = run(t.Context(), &out, []string{"-cluster", "cxculture"})
	if err == nil || !strings.Contains(err.Error(), "-addrs") {
		t.Errorf("run with a cluster but no addresses: want a usage error naming -addrs, got %v", err)
	}
}
