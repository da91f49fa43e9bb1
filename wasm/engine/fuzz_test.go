package engine

import (
	"encoding/json"
	"fmt"
	"runtime/metrics"
	"strings"
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

// growSteps are the ways FuzzBounds grows a value from the one before it
// (P); each keeps it small to write and may make it large to hold, visit
// or write.
var growSteps = []string{"P + P", "[P, P]", "[P]", "{'a': P, 'b': P}", "P.reverse()", "[P, P].flatten()", "P.map(y, P)", "P + [P]", "[P, P, P, P, P, P, P, P]", "P.filter(y, true)"}

// growBases are the values FuzzBounds starts from; s is the payload's
// string.
var growBases = []string{"[0, 0]", "[s, s]", "s", "{'k': [1, 2]}", "[[1], ['a']]", "'ab'"}

// growBodies are what FuzzBounds does with the value grown (X): compare,
// search, copy, scan, write it out.
var growBodies = []string{"X", "X == X", "X != X", "X in [X]", "[X] == [X]", "size(X)", "[X].flatten(64)", "sets.contains([X], [X])",
	"'%s'.format([X])", "[X].flatten()", "[X, X].distinct()", "X.join('-')", "[X].exists(y, y == X)", "X + X == X + X", "lists.range(50).map(i, X).size()"}

// growExpression writes the expression FuzzBounds evaluates: each step
// binds the next value, as dyn, so that the checker lets any step follow
// any other (a step that does not apply fails at run time).
func growExpression(base, body uint8, steps []byte) string {
	var b strings.Builder
	fmt.Fprintf(&b, "cel.bind(x0, dyn(%s), ", growBases[int(base)%len(growBases)])
	for i, s := range steps {
		step := strings.ReplaceAll(growSteps[int(s)%len(growSteps)], "P", fmt.Sprintf("x%d", i))
		fmt.Fprintf(&b, "cel.bind(x%d, dyn(%s), ", i+1, step)
	}
	b.WriteString(strings.ReplaceAll(growBodies[int(body)%len(growBodies)], "X", fmt.Sprintf("x%d", len(steps))))
	b.WriteString(strings.Repeat(")", len(steps)+1))
	return b.String()
}

// FuzzBounds grows values by binding and concatenation, then compares,
// searches, copies and writes them: every call ends within its bounds (of
// time and memory, bounded; of cost; of the answer's size), stopped with a
// message when a bound is hit.
func FuzzBounds(f *testing.F) {
	e := newEngine(f)
	f.Add(uint8(0), uint8(1), []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, uint32(0))
	f.Add(uint8(0), uint8(0), []byte{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, uint32(0))
	f.Add(uint8(1), uint8(0), []byte{1, 1, 1, 1, 1, 1}, uint32(100_000))
	f.Add(uint8(0), uint8(6), []byte{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, uint32(0))
	f.Add(uint8(2), uint8(11), []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, uint32(10))
	f.Add(uint8(3), uint8(3), []byte{3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3}, uint32(0))
	f.Add(uint8(0), uint8(14), []byte{8, 8, 8, 8, 8, 8, 6, 6}, uint32(0))
	f.Fuzz(func(t *testing.T, base, body uint8, steps []byte, payloadString uint32) {
		if len(steps) > 64 {
			steps = steps[:64]
		}
		expr := growExpression(base, body, steps)
		payload := `{"s": "` + strings.Repeat("a", int(payloadString%(1<<20))) + `"}`
		var resp EvaluateResponse
		bounded(t, func() {
			resp = e.Evaluate(EvaluateRequest{Payload: payload, Expression: expr, Dialect: DialectCEL})
		})
		raw, err := json.Marshal(resp)
		if err != nil {
			t.Fatalf("the answer is not JSON: %v", err)
		}
		if len(raw) > e.limits.MaxResultBytes+64<<10 {
			t.Fatalf("an answer of %d bytes", len(raw))
		}
		if resp.OK && resp.Cost > e.limits.CostLimit {
			t.Fatalf("answered at a cost of %d", resp.Cost)
		}
		if !resp.OK && len(resp.Diagnostics) == 0 {
			t.Fatal("failed without a diagnostic")
		}
	})
}

// FuzzRun runs the reminder workflow with a fuzzed filter, key, parameter
// and result: the check, the run and a later step's read of the key must
// answer, never panic, within the bounds.
func FuzzRun(f *testing.F) {
	e := newEngine(f)
	base := reminder(f, e)
	f.Add(`sms.id != ""`, "sms", `appointment_phone_number`, `{"id": "x", "created_at": "2024-01-01T00:00:00Z"}`)
	f.Add(`[1, 2].exists(sms, sms > 1)`, "sms", `"+1" + appointment_id`, `"{\"id\": 7}"`)
	f.Add(`morf.now() > appointment_datetime`, "2x", `appointment_length_minutes`, `[1, 2]`)
	f.Add(`sms.created_at + duration("1h") < morf.now()`, "appointment_id", `sms.id`, `{"id":`)
	f.Fuzz(func(t *testing.T, filter, key, param, result string) {
		req := base
		req.Workflow.Steps = append([]Step(nil), base.Workflow.Steps...)
		act := req.Workflow.Steps[2]
		act.Key = key
		act.Params = map[string]string{"from": `"+15550100"`, "to": param, "content": `"hi"`}
		if json.Valid([]byte(result)) {
			act.Result = json.RawMessage(result)
		}
		req.Workflow.Steps[2] = act
		req.Workflow.Steps[3].Expression = filter
		bounded(t, func() {
			resp := e.Run(req)
			if len(resp.Steps) != len(req.Workflow.Steps) && len(resp.Diagnostics) == 0 {
				t.Fatalf("a run with %d steps answered %d, and no diagnostic", len(req.Workflow.Steps), len(resp.Steps))
			}
			if resp.OK && resp.Outcome == OutcomeFailed {
				t.Fatalf("a failed run is ok: %+v", resp)
			}
		})
	})
}
