package memstore_test

import (
	"testing"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/memstore"
	"github.com/cxculture/cxculture/cx/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(*testing.T) cx.Store { return memstore.New() })
}
