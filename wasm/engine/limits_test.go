package engine

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"
	"time"
)

// hangAfter is how long a call may run before a test calls it hung: far
// beyond what any bounded call takes (milliseconds), far below what the
// unbounded ones took (tens of seconds). It detects a hang; it does not
// time anything.
const hangAfter = 10 * time.Second

// callBounded runs one Engine.Call and reports its response and the bytes
// it allocated, failing the test if it has not answered after hangAfter.
func callBounded(t *testing.T, e *Engine, method string, req any) (map[string]any, uint64) {
	t.Helper()
	body, _ := json.Marshal(req)
	type result struct {
		resp  []byte
		alloc uint64
	}
	done := make(chan result, 1)
	go func() {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		resp := e.Call(method, body)
		runtime.ReadMemStats(&after)
		done <- result{resp, after.TotalAlloc - before.TotalAlloc}
	}()
	select {
	case r := <-done:
		var out map[string]any
		if err := json.Unmarshal(r.resp, &out); err != nil {
			t.Fatalf("not JSON: %s", r.resp)
		}
		return out, r.alloc
	case <-time.After(hangAfter):
		t.Fatalf("%s %s has not answered after %s", method, body[:min(len(body), 200)], hangAfter)
		return nil, 0
	}
}

// TestCostlyCallsStopBeforeTheyRun: one call whose work grows faster than
// its arguments is refused from its arguments, before it runs, with the
// cost limit's message, in both dialects; and the engine answers the next
// call at once.
func TestCostlyCallsStopBeforeTheyRun(t *testing.T) {
	e := newEngine(t)
	s := strings.Repeat("a", 100_000)
	payload := `{"s": "` + s + `"}`
	for _, expr := range []string{
		`lists.range(100000).distinct().size()`,
		`s.split("").join(s).size()`,
		`s.replace("a", s).size()`,
		`s.replace("", s, 99999).size()`,
		`lists.range(200000).sort().size()`,
		`lists.range(1000).sortBy(x, -x).size() + lists.range(200000).sortBy(x, -x).size()`,
		`sets.contains(lists.range(100000), lists.range(100000))`,
		`lists.range(4000000000).size()`,
	} {
		for _, dialect := range []string{DialectCEL, DialectMorf} {
			resp, alloc := callBounded(t, e, "evaluate", EvaluateRequest{Payload: payload, Dialect: dialect, Expression: expr})
			msg := ""
			if d, ok := resp["diagnostics"].([]any); ok && len(d) > 0 {
				msg = d[0].(map[string]any)["message"].(string)
			}
			if resp["ok"] != false || !strings.Contains(msg, "past the cost limit of 1,000,000 units") {
				t.Errorf("%s (%s): %v", expr, dialect, resp)
			}
			if alloc > 64<<20 {
				t.Errorf("%s (%s) allocated %d MiB before it was stopped", expr, dialect, alloc>>20)
			}
		}
	}
	if resp, _ := callBounded(t, e, "evaluate", EvaluateRequest{Payload: payload, Expression: `s.size()`}); resp["value"] != float64(100_000) {
		t.Errorf("the next call: %v", resp)
	}
}

// TestGuardsAllowWhatTheLimitAllows: calls under the limit run as cel-go
// runs them.
func TestGuardsAllowWhatTheLimitAllows(t *testing.T) {
	e := newEngine(t)
	for expr, want := range map[string]string{
		`lists.range(5).distinct()`:                   `[0, 1, 2, 3, 4]`,
		`["b", "a", "b"].distinct().sort().join("-")`: `"a-b"`,
		`"banana".replace("a", "o")`:                  `"bonono"`,
		`"banana".replace("a", "o", 1)`:               `"bonana"`,
		`"ab".replace("", "-")`:                       `"-a-b-"`,
		`[3, 1, 2].sortBy(x, x)`:                      `[1, 2, 3]`,
		`sets.contains([1, 2, 3], [2])`:               "true",
		`lists.range(100000).size()`:                  "100000",
		`lists.range(500).distinct().size()`:          "500",
		`"x".split("").join(", ")`:                    `"x"`,
	} {
		r := e.Evaluate(EvaluateRequest{Payload: `{}`, Dialect: DialectCEL, Expression: expr})
		if !r.OK || r.Display != want {
			t.Errorf("%s = %s %+v, want %s", expr, r.Display, r.Diagnostics, want)
		}
	}
}

// TestTimeLimitStopsALongEvaluation: natively, a timer ends an evaluation
// past the time limit, checked between comprehension steps. (In js/wasm no
// timer fires during a call; the cost limit and the guards bound it.)
func TestTimeLimitStopsALongEvaluation(t *testing.T) {
	if runtime.GOOS == "js" {
		t.Skip("no timer fires during a js/wasm call: the cost limit bounds it there (TestCostlyCallsStopBeforeTheyRun)")
	}
	set := newEngine(t).set
	e := New(set, Limits{MaxPayloadBytes: 1 << 20, MaxDepth: 64, MaxExpressionLength: 8192, CostLimit: 1 << 62, TimeLimit: time.Millisecond})
	resp, _ := callBounded(t, e, "evaluate", EvaluateRequest{Payload: `{}`, Expression: `lists.range(1000000).filter(x, x % 3 == 0).size()`})
	d := resp["diagnostics"].([]any)
	if resp["ok"] != false || !strings.Contains(d[0].(map[string]any)["message"].(string), "went past the time limit of 1ms") {
		t.Errorf("%v", resp)
	}
}
