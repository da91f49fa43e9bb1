package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// runCostlyExpressions sends the expressions that ran for tens of seconds
// (39.5 s in the Worker, with every other request of the isolate waiting)
// and a small request right after each: each answers at once, the costly
// one with the cost limit's message. The 10 s bound detects a hang; the
// calls take milliseconds.
func runCostlyExpressions(t *testing.T, base string) {
	s := strings.Repeat("a", 100_000)
	payload, _ := json.Marshal(`{"s": "` + s + `"}`)
	client := &http.Client{Timeout: 10 * time.Second}
	post := func(body string) map[string]any {
		t.Helper()
		resp, err := client.Post(base+"/api/v1/evaluate", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatalf("no answer within 10 s: %v", err)
		}
		defer resp.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
			t.Fatalf("status %d: %v", resp.StatusCode, err)
		}
		return out
	}
	for _, expr := range []string{`lists.range(40000).distinct().size()`, `s.split("").join(s).size()`, `s.replace("a", s).size()`} {
		q, _ := json.Marshal(expr)
		out := post(fmt.Sprintf(`{"schema": "", "payload": %s, "expression": %s}`, payload, q))
		diags, _ := out["diagnostics"].([]any)
		if out["ok"] != false || len(diags) == 0 || !strings.Contains(fmt.Sprint(diags[0]), "past the cost limit of 1,000,000 units") {
			t.Errorf("%s: %v", expr, out)
		}
		if next := post(`{"schema": "", "payload": "{\"n\": 2}", "expression": "n * 21"}`); next["value"] != float64(42) {
			t.Errorf("the request after %s: %v", expr, next)
		}
	}
}

func TestCostlyExpressionsAnswerAtOnce(t *testing.T) {
	runCostlyExpressions(t, localAPI(t))
}
