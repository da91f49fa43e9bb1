//go:build workerd

package api

import "testing"

// TestWorkerCostlyExpressionsAnswerAtOnce runs them against the Worker in
// workerd, where one runaway call held the isolate for 39.5 s.
func TestWorkerCostlyExpressionsAnswerAtOnce(t *testing.T) {
	runCostlyExpressions(t, workerURL(t))
}
