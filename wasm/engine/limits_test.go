package engine

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"fieldbook/wasm/infer"
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
	e := New(set, Limits{MaxPayloadBytes: 1 << 20, MaxDepth: 64, MaxExpressionLength: 8192, CostLimit: 1 << 62, TimeLimit: time.Millisecond, MaxResultBytes: 1 << 20})
	resp, _ := callBounded(t, e, "evaluate", EvaluateRequest{Payload: `{}`, Expression: `lists.range(1000000).filter(x, x % 3 == 0).size()`})
	d := resp["diagnostics"].([]any)
	if resp["ok"] != false || !strings.Contains(d[0].(map[string]any)["message"].(string), "went past the time limit of 1ms") {
		t.Errorf("%v", resp)
	}
}

// widePayload is a schema-less payload of n top-level fields, each an
// object, with the prefix in every key (so payloads differ).
func widePayload(prefix string, n int) string {
	var b strings.Builder
	b.WriteString("{")
	for j := 0; j < n; j++ {
		if j > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"%s_%d": {"a": %d, "b": "x", "c": [1, 2]}`, prefix, j, j)
	}
	b.WriteString("}")
	return b.String()
}

// TestLargePayloadsOfAnyShapeAreBounded: inference types at most
// infer.MaxFields fields, so a payload of 100,000 keys (5 MiB) is read
// in one call; the fields past the bound are dyn, and still read.
func TestLargePayloadsOfAnyShapeAreBounded(t *testing.T) {
	e := newEngine(t)
	wide := widePayload("key", 100_000)
	nested := `{"doc": ` + widePayload("k", 100_000) + `}`
	mapped := `{"answers": {` + strings.TrimPrefix(strings.TrimSuffix(strings.ReplaceAll(widePayload("q", 140_000), `"b": "x", `, ""), "}"), "{") + `}}`
	deep := strings.Repeat(`{"a": `, 60) + "1" + strings.Repeat("}", 60)
	rows := `{"rows": [` + strings.Repeat(`{"id": 1, "name": "x", "tags": ["a"]},`, 100_000) + `{"id": 2}]}`
	for _, c := range []struct{ name, payload, expr, want string }{
		{"100,000 top-level keys", wide, `key_1.a + key_99999.a`, "100000"},
		{"a record of 100,000 keys", nested, `doc.k_99999.a`, "99999"},
		{"a map of 140,000 answers", mapped, `answers.size()`, "140000"},
		{"60 levels", deep, `a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a`, "1"},
		{"100,000 rows", rows, `rows.size()`, "100001"},
	} {
		if len(c.payload) > DefaultLimits.MaxPayloadBytes {
			t.Fatalf("%s: %d bytes, over the payload limit", c.name, len(c.payload))
		}
		resp, _ := callBounded(t, e, "evaluate", EvaluateRequest{Payload: c.payload, Expression: c.expr, Dialect: DialectCEL})
		if resp["ok"] != true || resp["display"] != c.want {
			t.Errorf("%s: %s = %v", c.name, c.expr, resp)
		}
		inf, _ := callBounded(t, e, "infer", InferRequest{Payload: c.payload})
		doc, _ := json.Marshal(inf["schema"])
		if n := strings.Count(string(doc), `"type"`); n > 3*infer.MaxFields {
			t.Errorf("%s: the inferred schema types %d values", c.name, n)
		}
	}
	r := e.Check(CheckRequest{Payload: wide, Expression: `key_99999.a`, Dialect: DialectCEL})
	if !r.OK || r.Type != "dyn" || len(r.Diagnostics) != 1 || !strings.Contains(r.Diagnostics[0].Message, "not among the fields Fieldbook typed") {
		t.Errorf("a field past the bound: %+v", r)
	}
	if r := e.Check(CheckRequest{Payload: wide, Expression: `key_0.a`, Dialect: DialectCEL}); r.Type != "int" {
		t.Errorf("a field within the bound is typed: %+v", r)
	}
}

// TestInferredEnvironmentsStayWithinMemory holds the engine's heap under
// 64 MiB across 1,000 distinct schema-less payloads, as a Worker's isolate
// (128 MB) needs: their environments are kept within a budget, and the
// programs of an environment let go are let go too.
func TestInferredEnvironmentsStayWithinMemory(t *testing.T) {
	if runtime.GOOS == "js" {
		t.Skip("a thousand environments take minutes under js/wasm; the bound is the same Go code natively")
	}
	e := newEngine(t)
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	base := heap()
	var peak uint64
	for i := 0; i < 1000; i++ {
		prefix := fmt.Sprintf("p%d", i)
		r := e.Evaluate(EvaluateRequest{Payload: widePayload(prefix, 100), Expression: prefix + "_1.a + 1"})
		if !r.OK || r.Display != "2" {
			t.Fatalf("payload %d: %+v", i, r)
		}
		// The heap may drop below its start (the collector frees what
		// earlier tests left): only growth counts, never a wrapped-around
		// difference.
		if h := heap(); i%100 == 99 && h > base {
			peak = max(peak, h-base)
		}
	}
	if peak > 64<<20 {
		t.Errorf("the heap grew by %d MiB over 1,000 payloads", peak>>20)
	}
	t.Logf("heap growth at most %d MiB; %d inferred environments kept, %d programs", peak>>20, e.inferred.order.Len(), e.programs.programs.order.Len())
}
