package engine

import (
	"encoding/json"
	"testing"
)

// The fuzz targets call the engine's methods directly, not Call: Call
// recovers panics, which would hide the bugs fuzzing is for.

func FuzzValidate(f *testing.F) {
	e := newEngine(f)
	for _, s := range e.set.All() {
		f.Add(s.ID, exampleText(f, s))
	}
	f.Add("elation/appointment", `{"status": 3, "members": [{"a": [}`)
	f.Add("", `{"a": {"a": {"a": 1, "a": 2}}}`)
	f.Fuzz(func(t *testing.T, schema, payload string) {
		resp := e.Validate(ValidateRequest{Schema: schema, Payload: payload})
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
		resp := e.Evaluate(EvaluateRequest{Schema: schema, Payload: payload, Expression: expr, Now: "2024-01-01T00:00:00Z"})
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
		check := e.Check(CheckRequest{Schema: schema, Payload: payload, Expression: expr})
		if !check.OK {
			t.Fatalf("evaluates but does not check: %+v", check.Diagnostics)
		}
	})
}
