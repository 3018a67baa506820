//go:build !unix

package sqlstore_test

import (
	"context"
	"database/sql"
	"time"
)

// processCPU returns -1: the CPU time of the process is read on Unix only.
func processCPU() time.Duration { return -1 }

// serverCPU returns -1: the CPU time of a server is read on Linux only.
func serverCPU(context.Context, *sql.DB) time.Duration { return -1 }
