//go:build workerd

package api

import "testing"

// TestWorkerBoundsHold runs the cases of wasm/testdata/bounds.json against
// the Worker in workerd, where a list compared with itself held the isolate
// for 31 s and an answer of 205 MB doubled workerd's memory.
func TestWorkerBoundsHold(t *testing.T) {
	runBoundsCases(t, workerURL(t))
}
