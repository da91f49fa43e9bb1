package engine

import (
	"encoding/json"
	"testing"

	"fieldbook/wasm/boundscases"
	"fieldbook/wasm/celjson"
)

// TestBoundsHoldOnValuesGrownByBinding runs the cases of
// wasm/testdata/bounds.json: each is stopped by a bound, or answered, at
// once, without allocating more than the work allows, and the engine
// answers the next call.
func TestBoundsHoldOnValuesGrownByBinding(t *testing.T) {
	cases, err := boundscases.Load("../testdata/bounds.json")
	if err != nil {
		t.Fatal(err)
	}
	e := newEngine(t)
	for _, c := range cases {
		expr := c.Expression()
		if len(expr) > 1000 {
			t.Errorf("%s: the expression is %d characters: these cases are short ones", c.Name, len(expr))
		}
		resp, alloc := callBounded(t, e, "evaluate", EvaluateRequest{Payload: c.Payload(), Dialect: c.Dialect, Expression: expr})
		raw, _ := json.Marshal(resp)
		if problem := c.Check(resp, len(raw), celjson.PreviewChars); problem != "" {
			t.Errorf("%s: %s", c.Name, problem)
		}
		if alloc > 64<<20+uint64(20*c.PayloadString) {
			t.Errorf("%s: allocated %d MiB", c.Name, alloc>>20)
		}
		if next := e.Evaluate(EvaluateRequest{Payload: `{"n": 2}`, Expression: "n * 21"}); next.Display != "42" {
			t.Errorf("the call after %s: %+v", c.Name, next)
		}
	}
}
