package engine

import (
	"encoding/json"
	"runtime/metrics"
	"testing"
	"time"
)

// The fuzz targets call the engine's methods directly, not Call: Call
// recovers panics, which would hide the bugs fuzzing is for. Each call is
// also held to bounds of time and memory: an input that makes the engine
// run away is a finding as much as a panic is.

// Per fuzzed call: a call still running after callTimeBound has hung (the
// calls take milliseconds); one that allocates more than callAllocBound, or
// leaves a heap of more than heapBound, has run away.
const (
	callTimeBound  = 10 * time.Second
	callAllocBound = 512 << 20
	heapBound      = 1 << 30
)

var memorySamples = []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}, {Name: "/memory/classes/heap/objects:bytes"}}

func memory() (allocated, heap uint64) {
	metrics.Read(memorySamples)
	return memorySamples[0].Value.Uint64(), memorySamples[1].Value.Uint64()
}

// bounded runs one fuzzed call within the bounds.
func bounded(t *testing.T, call func()) {
	t.Helper()
	before, _ := memory()
	done := make(chan struct{})
	go func() {
		defer close(done)
		call()
	}()
	select {
	case <-done:
	case <-time.After(callTimeBound):
		t.Fatalf("the call has not returned after %s", callTimeBound)
	}
	after, heap := memory()
	if after-before > callAllocBound {
		t.Fatalf("the call allocated %d MiB", (after-before)>>20)
	}
	if heap > heapBound {
		t.Fatalf("the heap holds %d MiB after the call", heap>>20)
	}
}

func FuzzValidate(f *testing.F) {
	e := newEngine(f)
	for _, s := range e.set.All() {
		f.Add(s.ID, exampleText(f, s))
	}
	f.Add("elation/appointment", `{"status": 3, "members": [{"a": [}`)
	f.Add("", `{"a": {"a": {"a": 1, "a": 2}}}`)
	f.Fuzz(func(t *testing.T, schema, payload string) {
		var resp ValidateResponse
		bounded(t, func() { resp = e.Validate(ValidateRequest{Schema: schema, Payload: payload}) })
		errors := 0
		for _, d := range resp.Diagnostics {
			if d.Severity == SeverityError {
				errors++
			}
			if d.Source == "payload" && d.Pointer != "" && (d.Line < 1 || d.Column < 1) {
				t.Fatalf("a payload diagnostic without a position: %+v", d)
			}
		}
		if resp.OK != (errors == 0) {
			t.Fatalf("ok %v with %d errors: %+v", resp.OK, errors, resp.Diagnostics)
		}
	})
}

func FuzzEvaluate(f *testing.F) {
	e := newEngine(f)
	appt := exampleText(f, schemaByID(f, e, "elation/appointment"))
	thread := exampleText(f, schemaByID(f, e, "elation/message-thread"))
	f.Add("elation/appointment", appt, `service_location.city + ", " + service_location.state`)
	f.Add("elation/appointment", appt, `payment.?deleted_at.orValue("")`)
	f.Add("elation/message-thread", thread, `messages.map(x, x.associated_document.id)`)
	f.Add("elation/message-thread", thread, `members.all(i, m, m.status.endsWith("D") || i > 0)`)
	f.Add("", `{"a": [1, 2.5, "x"]}`, `a.map(x, string(x)).join(",")`)
	f.Add("", `{"n": 9007199254740993}`, `n * 2`)
	f.Fuzz(func(t *testing.T, schema, payload, expr string) {
		var resp EvaluateResponse
		bounded(t, func() {
			resp = e.Evaluate(EvaluateRequest{Schema: schema, Payload: payload, Expression: expr, Now: "2024-01-01T00:00:00Z"})
		})
		if !resp.OK {
			if len(resp.Diagnostics) == 0 {
				t.Fatal("failed without a diagnostic")
			}
			return
		}
		if resp.Type == "" || resp.Display == "" {
			t.Fatalf("a result without type or display: %+v", resp)
		}
		if _, err := json.Marshal(resp.Value); err != nil {
			t.Fatalf("the value is not JSON: %v", err)
		}
		var check CheckResponse
		bounded(t, func() { check = e.Check(CheckRequest{Schema: schema, Payload: payload, Expression: expr}) })
		if !check.OK {
			t.Fatalf("evaluates but does not check: %+v", check.Diagnostics)
		}
	})
}
