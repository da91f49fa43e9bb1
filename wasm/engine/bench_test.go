package engine

import (
	"fmt"
	"testing"

	"cel.dev/cel-go/cel"

	"fieldbook/wasm/boundscases"
)

// The expression a filter typically is: two fields, an enum and a string.
const typicalExpr = `status == elation.v1.AppointmentStatus.APPOINTMENT_STATUS_SCHEDULED || (mode == "VIDEO" && service_location.city.startsWith("San"))`

// BenchmarkEnvBuild builds the Appointment environment from nothing, as the
// first call after the module starts does.
func BenchmarkEnvBuild(b *testing.B) {
	e := newEngine(b)
	s := schemaByID(b, e, "elation/appointment")
	base, err := cel.NewEnv(dialectOptions(DialectCEL, DefaultLimits)...)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("base", func(b *testing.B) {
		for b.Loop() {
			if _, err := cel.NewEnv(dialectOptions(DialectCEL, DefaultLimits)...); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("schema", func(b *testing.B) {
		for b.Loop() {
			if _, err := newSchemaEnv(&dialectEnv{env: base}, s, DialectCEL); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkCheck parses and type-checks an expression that is not cached,
// as each key stroke in an expression editor does.
func BenchmarkCheck(b *testing.B) {
	e := newEngine(b)
	s := schemaByID(b, e, "elation/appointment")
	env, err := e.envFor(s, DialectCEL)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, iss := env.env.Compile(typicalExpr); iss.Err() != nil {
			b.Fatal(iss.Err())
		}
	}
}

// BenchmarkEvaluate runs a compiled expression over a payload already read:
// a reader trying an expression on one payload.
func BenchmarkEvaluate(b *testing.B) {
	e := newEngine(b)
	payload := exampleText(b, schemaByID(b, e, "elation/appointment"))
	req := EvaluateRequest{Schema: "elation/appointment", Dialect: DialectCEL, Payload: payload, Expression: typicalExpr, Now: "2024-01-01T00:00:00Z"}
	if r := e.Evaluate(req); !r.OK {
		b.Fatal(r.Diagnostics)
	}
	for b.Loop() {
		e.Evaluate(req)
	}
}

// BenchmarkEvaluateExplained is BenchmarkEvaluate asking for an
// explanation: every part's value recorded, its span and display written.
func BenchmarkEvaluateExplained(b *testing.B) {
	e := newEngine(b)
	payload := exampleText(b, schemaByID(b, e, "elation/appointment"))
	req := EvaluateRequest{Schema: "elation/appointment", Dialect: DialectCEL, Payload: payload, Expression: typicalExpr, Now: "2024-01-01T00:00:00Z", Explain: true}
	if r := e.Evaluate(req); !r.OK || r.Explanation == nil || len(r.Explanation.Parts) < 5 {
		b.Fatal(r.Diagnostics, r.Explanation)
	}
	for b.Loop() {
		e.Evaluate(req)
	}
}

// BenchmarkEvaluateNewPayload reads the payload on every call, as a batch
// run over many payloads does.
func BenchmarkEvaluateNewPayload(b *testing.B) {
	e := newEngine(b)
	base := exampleText(b, schemaByID(b, e, "elation/appointment"))
	payloads := make([]string, 2)
	for i := range payloads {
		payloads[i] = base + fmt.Sprintf("%*s", i, "") // differ, so none is reused
	}
	i := 0
	for b.Loop() {
		i++
		e.Evaluate(EvaluateRequest{Schema: "elation/appointment", Dialect: DialectCEL, Payload: payloads[i%2], Expression: typicalExpr, Now: "2024-01-01T00:00:00Z"})
	}
}

// BenchmarkValidate validates the Appointment example.
func BenchmarkValidate(b *testing.B) {
	e := newEngine(b)
	payload := exampleText(b, schemaByID(b, e, "elation/appointment"))
	payloads := []string{payload, payload + " "}
	i := 0
	for b.Loop() {
		i++
		e.Validate(ValidateRequest{Schema: "elation/appointment", Payload: payloads[i%2]})
	}
}

// BenchmarkCall is a whole browser-API call: JSON request in, JSON out.
func BenchmarkCall(b *testing.B) {
	e := newEngine(b)
	payload := exampleText(b, schemaByID(b, e, "elation/appointment"))
	req := []byte(fmt.Sprintf(`{"schema": "elation/appointment", "payload": %q, "expression": %q, "now": "2024-01-01T00:00:00Z"}`, payload, typicalExpr))
	for b.Loop() {
		e.Call("evaluate", req)
	}
}

// BenchmarkNamedZone evaluates a timestamp in a named zone, the zone
// already loaded.
func BenchmarkNamedZone(b *testing.B) {
	e := newEngine(b)
	req := EvaluateRequest{Payload: `{"t": "2024-06-14T05:30:00Z"}`, Expression: `t.getHours("America/Los_Angeles")`}
	if r := e.Evaluate(req); !r.OK {
		b.Fatal(r.Diagnostics)
	}
	for b.Loop() {
		e.Evaluate(req)
	}
}

// BenchmarkSchemalessWide evaluates an expression over a payload of
// 50,000 top-level keys without a schema, read afresh each time (a new
// payload each call).
func BenchmarkSchemalessWide(b *testing.B) {
	e := newEngine(b)
	payloads := []string{widePayload("a", 50_000), widePayload("b", 50_000)}
	i := 0
	for b.Loop() {
		p := payloads[i%2]
		i++
		if r := e.Evaluate(EvaluateRequest{Payload: p, Expression: string(p[2]) + "_1.a"}); !r.OK {
			b.Fatal(r.Diagnostics)
		}
	}
}

// BenchmarkCostlyCall is one of the calls that ran for seconds before it
// was charged: now refused from its arguments.
func BenchmarkCostlyCall(b *testing.B) {
	e := newEngine(b)
	for b.Loop() {
		if r := e.Evaluate(EvaluateRequest{Payload: `{}`, Expression: `lists.range(40000).distinct().size()`}); r.OK {
			b.Fatal("not stopped")
		}
	}
}

// BenchmarkBoundsCases times each case of wasm/testdata/bounds.json (the
// expressions that held a call for seconds), warm: natively, and under
// GOOS=js in Node (./build.sh bench runs both).
func BenchmarkBoundsCases(b *testing.B) {
	cases, err := boundscases.Load("../testdata/bounds.json")
	if err != nil {
		b.Fatal(err)
	}
	e := newEngine(b)
	for i, c := range cases {
		req := EvaluateRequest{Payload: c.Payload(), Dialect: c.Dialect, Expression: c.Expression()}
		b.Run(fmt.Sprintf("%02d", i+1), func(b *testing.B) {
			for b.Loop() {
				e.Evaluate(req)
			}
		})
	}
}
