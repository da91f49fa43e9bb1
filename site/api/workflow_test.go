package api

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"fieldbook/schemas"
	"fieldbook/wasm/engine"
	"fieldbook/workflows"
)

// runWorkflowExamples runs each worked example through the API at base:
// the answer is the one the engine gives natively, and holds to what the
// example expects.
func runWorkflowExamples(t *testing.T, base string) {
	set, err := schemas.Load()
	if err != nil {
		t.Fatal(err)
	}
	native := engine.New(set, engine.DefaultLimits)
	examples, err := workflows.Examples()
	if err != nil || len(examples) == 0 {
		t.Fatalf("the worked examples: %d, %v", len(examples), err)
	}
	for _, ex := range examples {
		req, err := ex.File.Request(set)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := json.Marshal(req)
		resp, err := http.Post(base+"/api/v1/run", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", ex.Name, resp.StatusCode, got)
		}
		want, _ := json.Marshal(native.Run(req))
		if !bytes.Equal(bytes.TrimSpace(got), want) {
			t.Errorf("%s: the API answers\n%s\nthe engine natively\n%s", ex.Name, got, want)
		}
		var run engine.RunResponse
		if err := json.Unmarshal(got, &run); err != nil {
			t.Fatal(err)
		}
		if diffs := workflows.Differences(*ex.File.Expect, run); len(diffs) > 0 {
			t.Errorf("%s departs from what it expects: %q", ex.Name, diffs)
		}
	}
}

func TestTheWorkflowExamplesRunInTheAPI(t *testing.T) {
	runWorkflowExamples(t, localAPI(t))
}
