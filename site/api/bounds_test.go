package api

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"fieldbook/wasm/boundscases"
	"fieldbook/wasm/engine"
)

// resultPreviewChars is what the engine keeps of a result too large to
// answer (engine.resultPreviewChars).
const resultPreviewChars = 2000

// runBoundsCases sends the cases of wasm/testdata/bounds.json, each with a
// small request sent while it is in flight: every case is stopped by a
// bound or answered within the answer limit, and the small request gets its
// answer. (In the Worker's isolate requests take turns, so the small one
// waits for the case to end: its wait is logged.) The 20 s bound detects a
// hang; the calls take milliseconds.
func runBoundsCases(t *testing.T, base string) {
	cases, err := boundscases.Load("../../wasm/testdata/bounds.json")
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Timeout: 20 * time.Second}
	post := func(body any) (map[string]any, int, error) {
		raw, _ := json.Marshal(body)
		resp, err := client.Post(base+"/api/v1/evaluate", "application/json", strings.NewReader(string(raw)))
		if err != nil {
			return nil, 0, err
		}
		defer resp.Body.Close()
		var out map[string]any
		size := countingReader{r: resp.Body}
		if err := json.NewDecoder(&size).Decode(&out); err != nil || resp.StatusCode != 200 {
			return nil, 0, err
		}
		return out, size.n, nil
	}
	var slowest time.Duration
	for _, c := range cases {
		small := make(chan error, 1)
		go func() {
			time.Sleep(5 * time.Millisecond) // once the case is in flight
			start := time.Now()
			out, _, err := post(engine.EvaluateRequest{Payload: `{"n": 2}`, Expression: "n * 21"})
			if err == nil && out["value"] != float64(42) {
				err = fmt.Errorf("got %v", out)
			}
			slowest = max(slowest, time.Since(start))
			small <- err
		}()
		out, size, err := post(engine.EvaluateRequest{Payload: c.Payload(), Dialect: c.Dialect, Expression: c.Expression()})
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if problem := c.Check(out, size, resultPreviewChars); problem != "" {
			t.Errorf("%s: %s", c.Name, problem)
		}
		if err := <-small; err != nil {
			t.Errorf("the request sent during %s: %v", c.Name, err)
		}
	}
	t.Logf("%d cases; the longest wait of a small request sent during one: %s", len(cases), slowest.Round(time.Millisecond))
}

// countingReader counts the bytes of an answer as it is read.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func TestBoundsHoldInTheAPI(t *testing.T) {
	runBoundsCases(t, localAPI(t))
}
