package chstore_test

import (
	"testing"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/storetest"
)

func TestConformance(t *testing.T) {
	cluster(t)
	storetest.RunHarness(t, storetest.Harness{NewStore: func(t *testing.T) cx.Store { return openStore(t) }, Reopen: reopen})
}
