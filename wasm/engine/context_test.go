package engine

import (
	"fmt"
	"strings"
	"testing"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/ext"
)

// morf_event_type, which Morf's appointment filters read, is declared on
// every payload with event types in the morf dialect, and holds the event
// the call names (the schema's first by default).
func TestMorfEventType(t *testing.T) {
	e := newEngine(t)
	appt := exampleText(t, schemaByID(t, e, "healthie/appointment"))
	eval := func(event, dialect, expr string) EvaluateResponse {
		return e.Evaluate(EvaluateRequest{Schema: "healthie/appointment", Dialect: dialect, Payload: appt, Event: event, Expression: expr})
	}
	filter := `morf_event_type.contains("SCHEDULED") || morf_event_type.contains("UPDATED")`
	for event, want := range map[string]bool{"": true, "Healthie Appointment Updated": true, "Healthie Appointment Cancelled": false} {
		if r := eval(event, "", filter); !r.OK || r.Value != want {
			t.Errorf("event %q: %+v, want %v", event, r, want)
		}
	}
	if r := eval("Healthie Appointment No Show", "", "morf_event_type"); r.Value != "HEALTHIE_APPOINTMENT_NO_SHOW" {
		t.Errorf("the value: %+v", r)
	}
	if r := eval("Healthie Appointment Booked", "", "morf_event_type"); r.OK || len(r.Diagnostics) != 1 || r.Diagnostics[0].Source != "request" ||
		!strings.Contains(r.Diagnostics[0].Message, `unknown event "Healthie Appointment Booked": use one of Healthie Appointment Scheduled,`) {
		t.Errorf("an unknown event: %+v", r)
	}
	// The cel dialect is cel-go's: no Morf context.
	if r := eval("", DialectCEL, "morf_event_type"); r.OK || !strings.Contains(r.Diagnostics[0].Message, "undeclared reference to 'morf_event_type'") {
		t.Errorf("in the cel dialect: %+v", r)
	}
	if r := e.Check(CheckRequest{Schema: "healthie/appointment", Expression: filter}); !r.OK || r.Type != "bool" {
		t.Errorf("check: %+v", r)
	}
	c := e.Complete(CompleteRequest{Schema: "healthie/appointment", Expression: "morf_ev", Offset: 7})
	found := false
	for _, it := range c.Items {
		found = found || it.Label == "morf_event_type" && it.Type == "string" && strings.Contains(it.Detail, "HEALTHIE_APPOINTMENT_SCHEDULED")
	}
	if !found {
		t.Errorf("completion does not offer morf_event_type: %+v", c.Items)
	}
	b := e.Batch(BatchRequest{Schema: "healthie/appointment", Payloads: "[" + appt + "]", Event: "Healthie Appointment Cancelled", Expressions: []string{`morf_event_type.endsWith("CANCELLED")`}})
	if !b.OK || b.Counts[0].True != 1 {
		t.Errorf("batch: %+v", b)
	}
}

// A misspelt receiver of a method call is named alone, where it starts,
// with a suggestion among the names in scope, not cel-go's qualified
// function name and its suggestion among functions.
func TestAMisspeltReceiverIsNamedAlone(t *testing.T) {
	e := newEngine(t)
	r := e.Check(CheckRequest{Schema: "healthie/appointment", Expression: "1 == 1 &&\n  appointment_datetim.isAfter(morf.now())"})
	if r.OK || len(r.Diagnostics) != 1 {
		t.Fatalf("%+v", r)
	}
	d := r.Diagnostics[0]
	if d.Message != "undeclared reference to 'appointment_datetim' (did you mean 'appointment_datetime'?)" || d.Line != 2 || d.Column != 3 {
		t.Errorf("%+v", d)
	}
	// A function of a namespace that exists keeps cel-go's message.
	r = e.Check(CheckRequest{Schema: "healthie/appointment", Expression: "math.bogus(1)"})
	if r.OK || strings.Contains(r.Diagnostics[0].Message, "appointment") {
		t.Errorf("%+v", r)
	}
}

// In the morf dialect, a function that may not exist in Morf (neither
// shown in its docs nor CEL's own) checks and runs with a warning where
// it is called; Morf's functions and CEL's standard library do not warn,
// nor does the cel dialect.
func TestMorfWarnsOfWhatItsDocsDoNotShow(t *testing.T) {
	e := newEngine(t)
	warnings := func(dialect, expr string) []Diagnostic {
		r := e.Evaluate(EvaluateRequest{Schema: "", Dialect: dialect, Payload: "{}", Expression: expr, Now: "2024-07-01T00:00:00Z"})
		if !r.OK {
			t.Fatalf("%s: %+v", expr, r)
		}
		return r.Diagnostics
	}
	w := warnings(DialectMorf, `now() > timestamp("2024-01-01T00:00:00Z") && base64.encode(b"a") == "YQ==" && now() != now()`)
	if len(w) != 2 || w[0].Severity != SeverityWarning || w[0].Column != 1 || !strings.HasPrefix(w[0].Message, "now is not shown in Morf's docs: it may not exist in Morf") ||
		!strings.Contains(w[0].Message, "(morf.now() is shown)") || w[1].Column != 46 || !strings.HasPrefix(w[1].Message, "base64.encode is not shown") {
		t.Errorf("%+v", w)
	}
	for _, expr := range []string{
		`morf.now().isAfter(timestamp("2024-01-01T00:00:00Z").add(parseDuration("167h")))`,
		`[1, 2].exists(x, x > 1) && size("ab") == 2 && "abc".startsWith("a") && duration("1h") > duration("1m")`,
	} {
		if w := warnings(DialectMorf, expr); len(w) != 0 {
			t.Errorf("%s: %+v", expr, w)
		}
	}
	if w := warnings(DialectCEL, `now() > timestamp("2024-01-01T00:00:00Z") && base64.encode(b"a") == "YQ=="`); len(w) != 0 {
		t.Errorf("the cel dialect warns: %+v", w)
	}
}

// The functions cel-go charges without a bound are not offered: an
// expression that calls one does not check, completion does not list them,
// and the list is cel-go's: on a bare environment with the encoders and
// the engine's cost limit, each call stops at the limit.
func TestUnboundedFunctionsAreNotOffered(t *testing.T) {
	e := newEngine(t)
	calls := map[string]string{"json.encode": `json.encode(1)`, "json.parse": `json.parse("1")`, "yaml.encode": `yaml.encode(1)`, "yaml.parse": `yaml.parse("1")`}
	bare, err := cel.NewEnv(ext.Encoders())
	if err != nil {
		t.Fatal(err)
	}
	for name := range unbounded {
		expr := calls[name]
		r := e.Check(CheckRequest{Schema: "", Dialect: DialectCEL, Expression: expr})
		if r.OK || r.Diagnostics[0].Message != unboundedMessage(name, DefaultLimits.CostLimit) || r.Diagnostics[0].Column != 1 {
			t.Errorf("%s: %+v", expr, r)
		}
		c := e.Complete(CompleteRequest{Schema: "", Dialect: DialectCEL, Expression: name[:4], Offset: 4})
		for _, it := range c.Items {
			if it.Label == name {
				t.Errorf("completion offers %s", name)
			}
		}
		ast, iss := bare.Compile(expr)
		if iss.Err() != nil {
			t.Fatal(iss.Err())
		}
		prg, err := bare.Program(ast, cel.CostLimit(DefaultLimits.CostLimit))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := prg.Eval(cel.NoVars()); err == nil || !strings.Contains(err.Error(), "cost limit exceeded") {
			t.Errorf("cel-go runs %s under the cost limit: %v; it need not be refused", expr, err)
		}
	}
}

// Morf's own expressions over Healthie Appointment check there: the
// reminder guide's filters and its 72-hour reminder, which reads
// appointment_updated_at and appointment_timezone_offset.
func TestMorfsAppointmentExpressionsCheck(t *testing.T) {
	e := newEngine(t)
	for _, expr := range []string{
		`morf_event_type.contains("SCHEDULED") || morf_event_type.contains("UPDATED")`,
		`appointment_datetime.isAfter(morf.now().add(parseDuration("167h")))`,
		`morf.now().isAfter(appointment_datetime.sub(parseDuration("24h")))`,
		"appointment_updated_at.isBefore( // Was the appointment updated before the cutoff?\n" +
			"  parseTimestamp( // Convert the cutoff string back to a timestamp\n" +
			"    appointment_datetime\n" +
			"      .customFormatInTimezone( // Format the date in the patient's local timezone\n" +
			"        \"2006-01-02\",\n" +
			"        appointment_patient_timezone_identifier.orValue(\"America/Phoenix\")\n" +
			"      ) + \"T09:00:00\" // Anchor to 9:00 AM local time\n" +
			"      + appointment_timezone_offset // Apply the UTC offset for that timezone\n" +
			"  ).sub(parseDuration(\"72h\")) // Go back 72 hours from that 9 AM point\n" +
			")",
	} {
		if r := e.Check(CheckRequest{Schema: "healthie/appointment", Expression: expr}); !r.OK || r.Type != "bool" || len(r.Diagnostics) != 0 {
			t.Errorf("%s: %+v", expr, r)
		}
	}
}

// A field the payload sends and its schema does not document is named in a
// warning at its place, not passed over; a map's keys are data, not fields;
// the examples have none.
func TestUndocumentedFieldsAreNamed(t *testing.T) {
	e := newEngine(t)
	r := e.Validate(ValidateRequest{Schema: "healthie/appointment", Payload: `{"appointment_id": "1", "surprise": 2}`})
	if !r.OK || len(r.Diagnostics) != 1 || r.Diagnostics[0].Severity != SeverityWarning || r.Diagnostics[0].Pointer != "/surprise" ||
		r.Diagnostics[0].Message != "surprise is not a field of Healthie Appointment as its source documents it: an expression cannot name it" {
		t.Errorf("%+v", r)
	}
	for _, s := range e.set.All() {
		r := e.Validate(ValidateRequest{Schema: s.ID, Payload: exampleText(t, s)})
		for _, d := range r.Diagnostics {
			if strings.Contains(d.Message, "is not a field of") {
				t.Errorf("%s: its own example: %s", s.ID, d.Message)
			}
		}
	}
	var many strings.Builder
	many.WriteString(`{"appointment_id": "1"`)
	for i := 0; i < 100; i++ {
		fmt.Fprintf(&many, `, "extra_%d": %d`, i, i)
	}
	many.WriteString("}")
	if r := e.Validate(ValidateRequest{Schema: "healthie/appointment", Payload: many.String()}); len(r.Diagnostics) != maxUnknownFields {
		t.Errorf("%d warnings for 100 undocumented fields, want %d", len(r.Diagnostics), maxUnknownFields)
	}
}
