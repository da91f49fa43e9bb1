//go:build workerd

package api

import "testing"

// TestWorkerAnswersAfterAnOversizedBody: under wrangler dev, the request
// after an oversized body got wrangler's plain-text 503, 6 times of 6.
func TestWorkerAnswersAfterAnOversizedBody(t *testing.T) {
	runOversizedThenNormal(t, workerURL(t))
}

// TestWorkerMixedLoadWithOversizedBodies: 400 requests, 2 at a time, every
// 40th oversized; under wrangler dev, 50 answers 413 were followed by 46
// answers 503 to good requests.
func TestWorkerMixedLoadWithOversizedBodies(t *testing.T) {
	runMixedLoad(t, workerURL(t), 400, 2)
}
