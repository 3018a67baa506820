//go:build !unix

package sqlstore_test

import "time"

// processCPU returns -1: the CPU time of the process is read on Unix only.
func processCPU() time.Duration { return -1 }
