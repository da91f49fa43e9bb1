package engine

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"fieldbook/schemas"
)

func newEngine(t testing.TB) *Engine {
	t.Helper()
	set, err := schemas.Load()
	if err != nil {
		t.Fatal(err)
	}
	return New(set, DefaultLimits)
}

// exampleText is a schema's root example as a reader would paste it.
func exampleText(t testing.TB, s *schemas.Schema) string {
	t.Helper()
	b, err := json.MarshalIndent(s.Example(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// documentedSchema is a schema the tests hold to its examples, with the
// id a request names it by.
type documentedSchema struct {
	id string
	s  *schemas.Schema
}

// documented is every schema whose examples the tests hold it to: each
// payload's, and each action's result under its own key (with the action's
// id, by which a request names it; the payload's id is its own).
func documented(t testing.TB, e *Engine) []documentedSchema {
	t.Helper()
	var out []documentedSchema
	for _, s := range e.set.All() {
		out = append(out, documentedSchema{s.ID, s})
	}
	for _, a := range e.set.Actions() {
		if len(a.Root.Examples) == 0 {
			continue // the page shows no result
		}
		k, err := a.Keyed("")
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, documentedSchema{a.ID, k})
	}
	return out
}

func schemaByID(t testing.TB, e *Engine, id string) *schemas.Schema {
	t.Helper()
	s, ok := e.set.Get(id)
	if !ok {
		t.Fatalf("no schema %s", id)
	}
	return s
}

// normalize compares JSON values whatever their Go types.
func normalize(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.UseNumber()
	if err := d.Decode(&out); err != nil {
		t.Fatal(err)
	}
	b, _ = json.Marshal(instants(out))
	return string(b)
}

// instants writes every RFC 3339 date-time as its instant in UTC: a
// timestamp field sent as "2023-06-09T14:08:00+00:00" is the CEL timestamp
// 2023-06-09T14:08:00Z, the same instant in the engine's spelling.
func instants(v any) any {
	switch v := v.(type) {
	case string:
		if ts, err := time.Parse(time.RFC3339Nano, v); err == nil {
			return ts.UTC().Format(time.RFC3339Nano)
		}
	case []any:
		for i := range v {
			v[i] = instants(v[i])
		}
	case map[string]any:
		for k := range v {
			v[k] = instants(v[k])
		}
	}
	return v
}

// valuesAt walks a decoded example along a field path the way the field's
// CEL expression does, mapping over arrays and over the values of the maps
// the field names ({} in into); it shares no code with the engine.
func valuesAt(v any, path, into []string) (any, bool) {
	if len(path) == 0 {
		return v, true
	}
	switch v := v.(type) {
	case []any:
		out := make([]any, 0, len(v))
		for _, el := range v {
			got, ok := valuesAt(el, path, into)
			if !ok {
				return nil, false
			}
			out = append(out, got)
		}
		return out, true
	case map[string]any:
		child, ok := v[path[0]]
		if !ok {
			return nil, false
		}
		if arr, isArr := child.([]any); isArr && len(path) > 1 {
			return valuesAt(arr, path[1:], into[1:])
		}
		if m, isMap := child.(map[string]any); isMap && len(path) > 1 && into[0] == "{}" {
			out := make([]any, 0, len(m))
			for _, el := range m {
				got, ok := valuesAt(el, path[1:], into[1:])
				if !ok {
					return nil, false
				}
				out = append(out, got)
			}
			return out, true
		}
		return valuesAt(child, path[1:], into[1:])
	}
	return nil, false
}

// comparableJSON is a field's value, as normalize writes it, with the lists
// that come from mapping over a map sorted: CEL does not define the order
// in which a map is iterated, nor does Go. Each array or map the field's
// path enters nests one level of list; a map's level is sorted by its
// elements' JSON. normalize writes RFC 3339 times in UTC: the engine gives a
// timestamp back in UTC ("2024-07-04T10:35:45Z" for the example's
// "2024-07-04T10:35:45+00:00"), the same instant.
func comparableJSON(t testing.TB, v any, f *schemas.Field) string {
	t.Helper()
	var levels []string
	for _, into := range f.Into {
		if into != "" {
			levels = append(levels, into)
		}
	}
	var out any
	d := json.NewDecoder(strings.NewReader(normalize(t, v)))
	d.UseNumber()
	if err := d.Decode(&out); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(sortLevels(out, levels))
	return string(b)
}

func sortLevels(v any, levels []string) any {
	list, ok := v.([]any)
	if len(levels) == 0 || !ok {
		return v
	}
	out := make([]any, len(list))
	for i, el := range list {
		out[i] = sortLevels(el, levels[1:])
	}
	if levels[0] == "{}" {
		sort.Slice(out, func(i, j int) bool {
			a, _ := json.Marshal(out[i])
			b, _ := json.Marshal(out[j])
			return string(a) < string(b)
		})
	}
	return out
}

// withoutNulls is a decoded example as the morf dialect reads it: an
// object's null members are not there.
func withoutNulls(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range v {
			if x != nil {
				out[k] = withoutNulls(x)
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = withoutNulls(x)
		}
		return out
	}
	return v
}

func TestEveryFieldsExpressionGivesTheExampleValue(t *testing.T) {
	e := newEngine(t)
	for _, d := range documented(t, e) {
		s := d.s
		payload := exampleText(t, s)
		for _, dialect := range []string{DialectMorf, DialectCEL} {
			example := s.Example()
			if dialect == DialectMorf {
				example = withoutNulls(example)
			}
			for _, f := range s.Fields {
				resp := e.Evaluate(EvaluateRequest{Schema: d.id, Dialect: dialect, Payload: payload, Expression: f.CEL})
				want, reached := valuesAt(example, f.Path, f.Into)
				if !reached {
					// The example does not reach the field (Elation sends the
					// phone number as a string; in morf, a null is absent):
					// the expression must fail with a message, not give a
					// value.
					if resp.OK || len(resp.Diagnostics) == 0 {
						t.Errorf("%s (%s): %s = %v, but the example has no such field", s.ID, dialect, f.CEL, resp.Value)
					}
					if dialect == DialectMorf && f.InArray == 0 {
						if has := e.Evaluate(EvaluateRequest{Schema: d.id, Payload: payload, Expression: f.CEL + ".hasValue()"}); !has.OK || has.Value != false {
							t.Errorf("%s: %s.hasValue() = %v %+v, the example has no such field", s.ID, f.CEL, has.Value, has.Diagnostics)
						}
					}
					continue
				}
				if !resp.OK {
					t.Errorf("%s (%s): %s failed: %+v", s.ID, dialect, f.CEL, resp.Diagnostics)
					continue
				}
				if got, w := comparableJSON(t, resp.Value, f), comparableJSON(t, want, f); got != w {
					t.Errorf("%s (%s): %s = %s, the example has %s", s.ID, dialect, f.CEL, got, w)
				}
				if ex, ok := f.Node.Example(); ok && f.InArray == 0 && dialect == DialectCEL && comparableJSON(t, ex, f) != comparableJSON(t, resp.Value, f) {
					t.Errorf("%s: %s = %s, the field's example is %s", s.ID, f.CEL, normalize(t, resp.Value), normalize(t, ex))
				}
			}
		}
	}
}

func TestExamplesValidateWithExactlyTheirQuirks(t *testing.T) {
	e := newEngine(t)
	for _, d := range documented(t, e) {
		s := d.s
		resp := e.Validate(ValidateRequest{Schema: d.id, Payload: exampleText(t, s)})
		if !resp.OK {
			t.Errorf("%s: the example does not validate: %+v", s.ID, resp.Diagnostics)
		}
		shown := map[string]bool{}
		for _, d := range resp.Diagnostics {
			if d.Severity != SeverityWarning || !strings.HasPrefix(d.Message, "known quirk") {
				t.Errorf("%s: undeclared problem in the example: %+v", s.ID, d)
			}
			for _, q := range s.Quirks() {
				if strings.Contains(d.Message, q.Note) {
					shown[q.Pointer] = true
				}
			}
		}
		for _, q := range s.Quirks() {
			if !shown[q.Pointer] {
				t.Errorf("%s: quirk at %s is declared, but the example does not show it", s.ID, q.Pointer)
			}
		}
	}
}

func TestQuirkWarningsPointAtTheirLine(t *testing.T) {
	e := newEngine(t)
	payload := exampleText(t, schemaByID(t, e, "elation/appointment"))
	resp := e.Validate(ValidateRequest{Schema: "elation/appointment", Payload: payload})
	lines := strings.Split(payload, "\n")
	found := false
	for _, d := range resp.Diagnostics {
		if d.Pointer != "/status" {
			continue
		}
		found = true
		line := lines[d.Line-1]
		if !strings.Contains(line, `"status": null`) || []rune(line)[d.Column-1] != 'n' {
			t.Errorf("the status warning points at line %d column %d: %q", d.Line, d.Column, line)
		}
		if strings.Count(d.Message, "known quirk") != 1 {
			t.Errorf("one quirk, one warning: %q", d.Message)
		}
	}
	if !found {
		t.Errorf("no warning for status: null: %+v", resp.Diagnostics)
	}
}

func TestUndeclaredContradictionsAreErrors(t *testing.T) {
	e := newEngine(t)
	var p map[string]any
	if err := json.Unmarshal([]byte(exampleText(t, schemaByID(t, e, "elation/appointment"))), &p); err != nil {
		t.Fatal(err)
	}
	p["appointment_duration_in_minutes"] = 0
	p["mode"] = "PHONE"
	p["appointment_type_title"] = strings.Repeat("x", 51)
	delete(p, "patient_id")
	p["service_location"].(map[string]any)["city"] = 7
	b, _ := json.MarshalIndent(p, "", "  ")
	resp := e.Validate(ValidateRequest{Schema: "elation/appointment", Payload: string(b)})
	if resp.OK {
		t.Fatal("a payload with errors validated")
	}
	errorsAt := map[string]string{}
	for _, d := range resp.Diagnostics {
		if d.Severity == SeverityError {
			errorsAt[d.Pointer] = d.Message
			if d.Line < 1 || d.Column < 1 {
				t.Errorf("%s has no position: %+v", d.Pointer, d)
			}
		}
	}
	for _, ptr := range []string{"/appointment_duration_in_minutes", "/mode", "/appointment_type_title", "/service_location/city", ""} {
		if _, ok := errorsAt[ptr]; !ok {
			t.Errorf("no error at %q; errors: %v", ptr, errorsAt)
		}
	}
	if !strings.Contains(errorsAt[""], "patient_id") {
		t.Errorf("the missing required field is not named: %q", errorsAt[""])
	}
}

func TestBadInputGetsAClearError(t *testing.T) {
	e := newEngine(t)
	appt := exampleText(t, schemaByID(t, e, "elation/appointment"))
	deep := `{"a": ` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "}"
	big := `{"a": "` + strings.Repeat("x", 6<<20) + `"}`
	cases := []struct {
		name      string
		resp      any
		message   string
		line, col int
		source    string
	}{
		{"malformed JSON", e.Validate(ValidateRequest{Schema: "elation/appointment", Payload: "{\n  \"a\": 1,\n  \"b\": }"}),
			"unexpected '}'", 3, 8, "payload"},
		{"unterminated", e.Validate(ValidateRequest{Payload: `{"a": "b`}), "unterminated string", 1, 7, "payload"},
		{"6 MiB payload", e.Validate(ValidateRequest{Schema: "elation/appointment", Payload: big}),
			"the limit is 5.0 MiB", 1, 1, "payload"},
		{"too deep", e.Evaluate(EvaluateRequest{Payload: deep, Expression: "a"}),
			"nests deeper than 64 levels", 1, 70, "payload"},
		{"not an object", e.Evaluate(EvaluateRequest{Payload: `[1]`, Expression: "1"}), "must be a JSON object", 1, 1, "payload"},
		{"cost limit", e.Evaluate(EvaluateRequest{Schema: "elation/appointment", Payload: appt,
			Expression: "lists.range(2000).map(a, lists.range(2000).map(b, a * b)).size()"}),
			"cost limit of 1,000,000", 1, 1, "expression"},
		{"unknown schema", e.Check(CheckRequest{Schema: "elation/apointment", Expression: "1"}),
			`unknown schema "elation/apointment": use one of `, 0, 0, "request"},
		{"field typo", e.Check(CheckRequest{Schema: "elation/appointment", Expression: "service_location.citty == 'x'"}),
			"undefined field 'citty' (did you mean 'city'?)", 1, 17, "expression"},
		{"variable typo", e.Check(CheckRequest{Schema: "elation/appointment", Expression: "size(apointment_id)"}),
			"did you mean 'appointment_id'?", 1, 6, "expression"},
		{"member typo in map", e.Check(CheckRequest{Schema: "elation/message-thread", Expression: "members.map(x, x.stauts)"}),
			"(did you mean 'status'?)", 1, 17, "expression"},
		{"type error", e.Check(CheckRequest{Schema: "elation/appointment", Expression: "appointment_id + 1"}),
			"no matching overload for '_+_' applied to '(string, int)'", 1, 16, "expression"},
		{"syntax error", e.Check(CheckRequest{Schema: "elation/appointment", Expression: "mode ==\n  "}),
			"Syntax error", 2, 3, "expression"},
		{"empty expression", e.Check(CheckRequest{Schema: "elation/appointment", Expression: "  "}), "the expression is empty", 1, 1, "expression"},
		{"long expression", e.Check(CheckRequest{Schema: "elation/appointment", Expression: strings.Repeat("1+", 5000) + "1"}),
			"the limit is 8192", 1, 1, "expression"},
		{"bad clock", e.Evaluate(EvaluateRequest{Schema: "elation/appointment", Payload: appt, Expression: "now()", Now: "yesterday"}),
			"not an RFC 3339 time", 0, 0, "request"},
		{"runtime error", e.Evaluate(EvaluateRequest{Schema: "elation/appointment", Dialect: DialectCEL, Payload: appt, Expression: "true && service_location.phone_number.country_code == 1"}),
			"no such key: country_code", 1, 38, "expression"},
		{"absent field (morf)", e.Evaluate(EvaluateRequest{Schema: "elation/appointment", Payload: appt, Expression: "true && service_location.phone_number.country_code == 1"}),
			"service_location.phone_number.country_code is absent from this payload (missing, or sent as null): write service_location.phone_number.country_code.orValue(default)", 1, 38, "expression"},
		{"unknown dialect", e.Check(CheckRequest{Schema: "elation/appointment", Dialect: "morph", Expression: "1"}),
			`unknown dialect "morph": use "morf"`, 0, 0, "request"},
	}
	for _, c := range cases {
		b, _ := json.Marshal(c.resp)
		var r struct {
			OK          bool
			Diagnostics []Diagnostic
		}
		_ = json.Unmarshal(b, &r)
		if r.OK || len(r.Diagnostics) == 0 {
			t.Errorf("%s: ok, want an error: %s", c.name, b)
			continue
		}
		d := r.Diagnostics[0]
		if d.Severity != SeverityError || !strings.Contains(d.Message, c.message) || d.Line != c.line || d.Column != c.col || d.Source != c.source {
			t.Errorf("%s: got %+v\nwant an error saying %q at %s %d:%d", c.name, d, c.message, c.source, c.line, c.col)
		}
	}
}

func TestCallSpeaksJSON(t *testing.T) {
	e := newEngine(t)
	cases := []struct{ method, request, want string }{
		{"evaluate", `{"schema": "", "payload": "{\"a\": 2}", "expression": "a * 21"}`, `"value":42`},
		{"evaluate", `{"schema": "", "payload": "{}", "expresion": "1"}`, `unknown field \"expresion\"`},
		{"evaluate", `{"schema": 1}`, `the request's \"schema\" must be a string`},
		{"check", `{"schema": "",`, `the request is not valid JSON`},
		{"launch", `{}`, `unknown method \"launch\"`},
		{"version", ``, `"celGo":"v0.33.`},
		{"schemas", `{}`, `{"id":"elation/appointment","title":"Appointment","source":"elation","events":["Elation Appointment Scheduled"`},
	}
	for _, c := range cases {
		got := string(e.Call(c.method, []byte(c.request)))
		if !strings.Contains(got, c.want) {
			t.Errorf("%s %s:\n got %s\nwant it to contain %s", c.method, c.request, got, c.want)
		}
		if !json.Valid([]byte(got)) {
			t.Errorf("%s: the response is not JSON: %s", c.method, got)
		}
	}
}

// The method table is the contract: every call has a name Call answers to,
// a verb or a reason the HTTP API does not serve it, and a call that takes
// a request reads it strictly.
func TestTheMethodTable(t *testing.T) {
	e := newEngine(t)
	seen := map[string]bool{}
	for _, m := range Methods() {
		if seen[m.Name] {
			t.Errorf("%s is in the table twice", m.Name)
		}
		seen[m.Name] = true
		switch {
		case m.HTTP == "" && m.NotServed == "":
			t.Errorf("%s is not served over HTTP, and the table does not say why", m.Name)
		case m.HTTP != "" && m.NotServed != "":
			t.Errorf("%s is served with %s and has a reason not to be", m.Name, m.HTTP)
		case m.HTTP != "" && m.HTTP != "GET" && m.HTTP != "POST":
			t.Errorf("%s is served with %q", m.Name, m.HTTP)
		}
		got := string(e.Call(m.Name, []byte(`{"surprise": 1}`)))
		if strings.Contains(got, "unknown method") {
			t.Errorf("Call does not answer %s: %s", m.Name, got)
		}
		if strings.Contains(got, `unknown field \"surprise\"`) != (m.HTTP != "GET") {
			t.Errorf("%s (%s) answered a request with an unknown member: %s", m.Name, m.HTTP, got)
		}
		if found, ok := MethodNamed(m.Name); !ok || found.Name != m.Name {
			t.Errorf("MethodNamed(%q) = %v, %v", m.Name, found.Name, ok)
		}
	}
	for _, name := range []string{"version", "schemas", "validate", "check", "evaluate", "complete", "infer", "batch"} {
		if !seen[name] {
			t.Errorf("the table lacks %s", name)
		}
	}
}

func TestVersionNamesTheCelGoOfGoMod(t *testing.T) {
	mod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	if want := "cel.dev/cel-go " + CelGoVersion + "\n"; !strings.Contains(string(mod), want) {
		t.Errorf("go.mod does not require %q", want)
	}
}

func TestAPanicInsideIsAnsweredAsAnError(t *testing.T) {
	broken := &Engine{} // no schemas: every call into them panics
	got := string(broken.Call("schemas", nil))
	if !strings.Contains(got, `"ok":false`) || !strings.Contains(got, "internal error in schemas") {
		t.Errorf("got %s", got)
	}
	// The engine is still usable afterwards.
	if got := string(broken.Call("version", nil)); !strings.Contains(got, "fieldbook") {
		t.Errorf("after a panic: %s", got)
	}
}

func TestTypedExpressions(t *testing.T) {
	e := newEngine(t)
	appt := exampleText(t, schemaByID(t, e, "elation/appointment"))
	thread := exampleText(t, schemaByID(t, e, "elation/message-thread"))
	channel := exampleText(t, schemaByID(t, e, "packagex/channel"))
	cases := []struct {
		schema, payload, expr string
		typ, display          string
	}{
		{"elation/appointment", appt, "appointment_datetime", "google.protobuf.Timestamp", `timestamp("2016-10-13T11:15:00Z")`},
		{"elation/appointment", appt, "appointment_duration_in_minutes + 5", "int", "20"},
		{"elation/appointment", appt, `mode == "VIDEO" && service_location.city.startsWith("San")`, "bool", "true"},
		{"elation/appointment", appt, "elation.v1.AppointmentStatus.APPOINTMENT_STATUS_SCHEDULED", "string", `"APPOINTMENT_STATUS_SCHEDULED"`},
		{"elation/appointment", appt, `status.orValue("") == elation.v1.AppointmentStatus.APPOINTMENT_STATUS_SCHEDULED`, "bool", "false"},
		{"elation/appointment", appt, `payment.deleted_at.hasValue()`, "bool", "false"},
		{"elation/appointment", appt, `deleted_at - created_at`, "google.protobuf.Duration", `duration("87917s")`},
		{"elation/appointment", appt, `last_modified_at - created_at`, "google.protobuf.Duration", `duration("735s")`},
		{"elation/appointment", appt, `appointment_datetime > now() - duration("24h")`, "bool", "true"},
		{"elation/appointment", appt, `service_location.city + ", " + service_location.state`, "string", `"San Francisco, CA"`},
		{"elation/appointment", appt, `metadata.foo`, "string", `"bar"`}, // dyn: the value's own type
		{"elation/appointment", appt, `payment.bill > 41.5`, "bool", "true"},
		{"elation/message-thread", thread, "members.map(x, x.id)", "list(string)", `["346292316"]`},
		{"elation/message-thread", thread, `messages.exists(m, m.body.contains("appointment"))`, "bool", "true"},
		{"elation/message-thread", thread, `messages.map(m, m.associated_document.document_type)`, "list(int)", "[91]"},
		{"elation/message-thread", thread, `members.all(i, m, m.status.endsWith("ADDRESSED") && i == 0)`, "bool", "true"},
		{"packagex/channel", channel, `timestamp(updated_at) > timestamp("2020-01-01T00:00:00Z")`, "bool", "true"},
		{"packagex/channel", channel, `subscribers.map(s, s.type)`, "list(string)", `["user"]`},
		// cel-go's extensions
		{"", `{}`, `"a,b".split(",")`, "list(string)", `["a", "b"]`},
		{"", `{}`, `math.greatest(1, 5, 3)`, "int", "5"},
		{"", `{}`, `[3, 1, 2].sort()`, "list(int)", "[1, 2, 3]"},
		{"", `{}`, `sets.contains([1, 2, 3], [2])`, "bool", "true"},
		{"", `{}`, `base64.encode(b"hi")`, "string", `"aGk="`},
		{"", `{}`, `optional.of(1).orValue(2)`, "int", "1"},
		{"", `{}`, `cel.bind(x, 20, x + 1)`, "int", "21"},
		{"", `{}`, `{"a": 1}.transformMap(k, v, v * 2)`, "map(string, int)", `{"a": 2}`},
		{"", `{}`, `uint(15)`, "uint", "15u"},
		{"", `{}`, `optional.none()`, "optional_type(dyn)", "optional.none()"},
	}
	for _, c := range cases {
		resp := e.Evaluate(EvaluateRequest{Schema: c.schema, Payload: c.payload, Expression: c.expr, Now: "2016-10-13T12:00:00Z"})
		if !resp.OK {
			t.Errorf("%s: %+v", c.expr, resp.Diagnostics)
			continue
		}
		if resp.Type != c.typ || resp.Display != c.display {
			t.Errorf("%s = %s (%s), want %s (%s)", c.expr, resp.Display, resp.Type, c.display, c.typ)
		}
	}
}

func TestClockIsTheCallers(t *testing.T) {
	e := newEngine(t)
	for _, now := range []string{"2020-01-01T00:00:00Z", "2031-05-06T07:08:09.5+02:00"} {
		resp := e.Evaluate(EvaluateRequest{Payload: `{}`, Expression: "now()", Now: now})
		if !resp.OK {
			t.Fatalf("%+v", resp.Diagnostics)
		}
		want := now
		if strings.HasSuffix(now, "+02:00") {
			want = "2031-05-06T05:08:09.5Z"
		}
		if resp.Value != want {
			t.Errorf("now() = %v with the clock at %s", resp.Value, now)
		}
	}
}

func TestValuesAsJSON(t *testing.T) {
	e := newEngine(t)
	cases := map[string]string{
		`9007199254740993`:                     `"9007199254740993"`,
		`-9007199254740993`:                    `"-9007199254740993"`,
		`9007199254740992`:                     `9007199254740992`,
		`18446744073709551615u`:                `"18446744073709551615"`,
		`b"\xff\x00"`:                          `"/wA="`,
		`duration("1h30m")`:                    `"5400s"`,
		`duration("-1.5s")`:                    `"-1.5s"`,
		`timestamp("2016-10-13T11:15:00.25Z")`: `"2016-10-13T11:15:00.25Z"`,
		`[1, 2.5, "x", null, true]`:            `[1,2.5,"x",null,true]`,
		`{"b": {1: 2}}`:                        `{"b":{"1":2}}`,
		`double("NaN")`:                        `"NaN"`,
		`-1.0 / 0.0`:                           `"-Infinity"`,
		`optional.of("x")`:                     `"x"`,
		`type(1)`:                              `"int"`,
	}
	for expr, want := range cases {
		resp := e.Evaluate(EvaluateRequest{Payload: `{}`, Expression: expr})
		if !resp.OK {
			t.Errorf("%s: %+v", expr, resp.Diagnostics)
			continue
		}
		if got, _ := json.Marshal(resp.Value); string(got) != want {
			t.Errorf("%s: value %s, want %s", expr, got, want)
		}
	}
	resp := e.Evaluate(EvaluateRequest{Payload: `{}`, Expression: `{"k": [1u, 2.0, b"a"]}`})
	if resp.Display != `{"k": [1u, 2.0, b"a"]}` {
		t.Errorf("display %s", resp.Display)
	}
}

func TestSchemalessPayloadsDeclareTheirTopLevelFields(t *testing.T) {
	e := newEngine(t)
	payload := `{"name": "Dana", "visits": 3, "score": 2.5, "tags": ["a"], "address": {"city": "Oslo"}, "first-name": "x"}`
	cases := map[string]string{
		`visits + 1`:               "4",
		`score * 2.0`:              "5.0",
		`name.startsWith("Da")`:    "true",
		`tags.exists(t, t == "a")`: "true",
		`address.city`:             `"Oslo"`,
	}
	for expr, want := range cases {
		resp := e.Evaluate(EvaluateRequest{Payload: payload, Expression: expr})
		if !resp.OK || resp.Display != want {
			t.Errorf("%s = %s %+v, want %s", expr, resp.Display, resp.Diagnostics, want)
		}
	}
	check := e.Check(CheckRequest{Payload: payload, Expression: "visits + name"})
	if check.OK || !strings.Contains(check.Diagnostics[0].Message, "no matching overload") {
		t.Errorf("schema-less check is not typed: %+v", check)
	}
	check = e.Check(CheckRequest{Expression: "visits", Dialect: DialectCEL})
	if check.OK {
		t.Errorf("with no payload and no schema, visits is not declared: %+v", check)
	}
	// In Morf's reading any field may be absent: a field the payload does
	// not have checks as dyn, with a warning that names it.
	check = e.Check(CheckRequest{Payload: payload, Expression: "vists.orValue(0)"})
	if !check.OK || len(check.Diagnostics) != 1 || check.Diagnostics[0].Severity != SeverityWarning ||
		!strings.Contains(check.Diagnostics[0].Message, "vists is not a field of this payload") || !strings.Contains(check.Diagnostics[0].Message, "did you mean 'visits'?") {
		t.Errorf("an absent field: %+v", check)
	}
}

func TestCheckGivesTypeAndCost(t *testing.T) {
	e := newEngine(t)
	resp := e.Check(CheckRequest{Schema: "elation/message-thread", Expression: `messages.map(m, m.body.size())`})
	if !resp.OK || resp.Type != "list(int)" || resp.Cost == nil || resp.Cost.Max <= resp.Cost.Min {
		t.Errorf("%+v %+v", resp, resp.Cost)
	}
	resp = e.Check(CheckRequest{Schema: "elation/message-thread", Expression: `is_urgent`})
	if !resp.OK || resp.Type != "bool" || resp.Cost.Min != 1 || resp.Cost.Max != 1 {
		t.Errorf("%+v %+v", resp, resp.Cost)
	}
}

func TestEnvironmentsAreBuiltOnce(t *testing.T) {
	e := newEngine(t)
	appt := exampleText(t, schemaByID(t, e, "elation/appointment"))
	for i := 0; i < 5; i++ {
		e.Evaluate(EvaluateRequest{Schema: "elation/appointment", Payload: appt, Expression: fmt.Sprintf("appointment_duration_in_minutes + %d", i)})
		e.Check(CheckRequest{Schema: "elation/appointment", Expression: "mode"})
	}
	if len(e.envs) != 1 {
		t.Errorf("%d environments for one schema", len(e.envs))
	}
	if e.programs.programs.order.Len() != 6 {
		t.Errorf("%d programs cached for 6 expressions", e.programs.programs.order.Len())
	}
}

func TestComplete(t *testing.T) {
	e := newEngine(t)
	labels := func(resp CompleteResponse) []string {
		var out []string
		for _, it := range resp.Items {
			out = append(out, it.Label)
		}
		return out
	}
	at := func(schema, expr string) CompleteResponse {
		return e.Complete(CompleteRequest{Schema: schema, Expression: expr, Offset: len([]rune(expr))})
	}
	resp := at("elation/appointment", "service_location.")
	got := labels(resp)
	want := []string{"id", "name", "address_line1", "address_line2", "city", "state", "zip", "phone_number"}
	if len(got) < len(want) || !reflect.DeepEqual(got[:len(want)], want) {
		t.Errorf("after service_location.: %v", got)
	}
	if slicesContains(got, "appointment_id") {
		t.Errorf("top-level variables offered after a dot: %v", got)
	}
	if resp.Items[4].Type != "string" || resp.Items[4].Detail != "City of the service location." || resp.Items[4].Kind != "field" {
		t.Errorf("city item: %+v", resp.Items[4])
	}
	if got := labels(at("elation/appointment", "service_location.ci")); !reflect.DeepEqual(got, []string{"city"}) {
		t.Errorf("after service_location.ci: %v", got)
	}
	if got := labels(at("elation/message-thread", "members.map(x, x.")); !reflect.DeepEqual(got[:6], []string{"id", "thread_id", "user_id", "group_id", "status", "acked_at"}) {
		t.Errorf("inside members.map(x, x.: %v", got)
	}
	if got := labels(at("elation/message-thread", "messages.exists(m, m.associated_document.sig")); !reflect.DeepEqual(got, []string{"signed_at", "signed_by"}) {
		t.Errorf("inside a nested object: %v", got)
	}
	if got := labels(at("elation/appointment", "elation.v1.AppointmentStatus.APPOINTMENT_STATUS_NOT_SEEN_")); len(got) != 3 {
		t.Errorf("enum constants: %v", got)
	}
	if got := labels(at("elation/appointment", "appointment_d")); !reflect.DeepEqual(got, []string{"appointment_datetime", "appointment_duration_in_minutes"}) {
		t.Errorf("variables: %v", got)
	}
	if got := labels(at("elation/appointment", "appointment_id.starts")); !reflect.DeepEqual(got, []string{"startsWith"}) {
		t.Errorf("string methods: %v", got)
	}
	if got := labels(at("elation/message-thread", "members.")); !slicesContains(got, "map") || !slicesContains(got, "exists") || slicesContains(got, "startsWith") {
		t.Errorf("list methods: %v", got)
	}
	if got := labels(at("elation/message-thread", "messages.map(m, m")); !slicesContains(got, "m") || !slicesContains(got, "messages") {
		t.Errorf("bound variable in scope: %v", got)
	}
	// A map's values: the field expression of form_answers{}.answer, typed
	// up to its last dot, offers the answer record's fields.
	if got := labels(at("healthie/form-answer-group", "form_answers.map(x, form_answers[x].")); len(got) < 5 || !reflect.DeepEqual(got[:5], []string{"answer", "created_at", "custom_module_id", "id", "label"}) {
		t.Errorf("inside form_answers.map(x, form_answers[x].: %v", got)
	}
	resp = e.Complete(CompleteRequest{Schema: "elation/appointment", Expression: "mode == 'VIDEO' && service_location.ci", Offset: 38})
	if resp.From != 36 || resp.To != 38 {
		t.Errorf("replace range %d..%d", resp.From, resp.To)
	}
}

func slicesContains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// TestExampleLibraryRunsOnTheExamples keeps the example expressions from
// rotting: each evaluates on its schema's example, and a filter is a bool.
func TestExampleLibraryRunsOnTheExamples(t *testing.T) {
	e := newEngine(t)
	for _, s := range e.set.All() {
		if len(s.Root.XCELExamples) < 4 {
			t.Errorf("%s has %d example expressions", s.ID, len(s.Root.XCELExamples))
		}
		payload := exampleText(t, s)
		for _, ex := range s.Root.XCELExamples {
			now := ex.Now
			if now == "" {
				now = "2024-06-11T00:00:00Z"
			}
			r := e.Evaluate(EvaluateRequest{Schema: s.ID, Payload: payload, Expression: ex.Expression, Now: now})
			if !r.OK {
				t.Errorf("%s: %q fails: %+v", s.ID, ex.Expression, r.Diagnostics)
				continue
			}
			if ex.Kind == "filter" && r.Type != "bool" {
				t.Errorf("%s: the filter %q is a %s", s.ID, ex.Expression, r.Type)
			}
		}
	}
}

// TestQuirkStarMatchesIndexesAndKeys: a quirk's * stands for one step, an
// array's index or a map's key, since the fields of map values are named
// with * as array elements' are.
func TestQuirkStarMatchesIndexesAndKeys(t *testing.T) {
	quirks := []schemas.Quirk{{Pointer: "/answers/*/created_at", Keywords: []string{"format"}, Note: "n"}}
	for pointer, want := range map[string]bool{
		"/answers/0/created_at":       true,
		"/answers/1313912/created_at": true,
		"/answers/q-1/created_at":     true,
		"/answers/q-1/label":          false,
		"/answers/created_at":         false,
		"/answers/a/b/created_at":     false,
	} {
		if _, got := matchQuirk(quirks, pointer, "format"); got != want {
			t.Errorf("%s: matched %v, want %v", pointer, got, want)
		}
	}
}

// A payload whose field has another type than its schema declares passes
// the checker, and the expression fails when it runs: the error says where
// the payload breaks the schema, at the fields the expression reads only.
func TestAFailureOverAMismatchedFieldSaysWhere(t *testing.T) {
	e := newEngine(t)
	var p map[string]any
	if err := json.Unmarshal([]byte(exampleText(t, schemaByID(t, e, "healthie/appointment"))), &p); err != nil {
		t.Fatal(err)
	}
	p["appointment_id"] = 12345
	p["appointment_first_name"] = true
	b, _ := json.Marshal(p)
	resp := e.Evaluate(EvaluateRequest{Schema: "healthie/appointment", Payload: string(b), Expression: `appointment_id + "-x"`})
	if resp.OK || len(resp.Diagnostics) != 1 {
		t.Fatalf("a string operation on a number did not fail: %+v", resp)
	}
	msg := resp.Diagnostics[0].Message
	for _, want := range []string{"no such overload", "does not match Healthie Appointment", "/appointment_id: expected string, got number"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the error %q does not say %q", msg, want)
		}
	}
	if strings.Contains(msg, "appointment_first_name") {
		t.Errorf("the error names a field the expression does not read: %q", msg)
	}
	// The payload is validated once, however many evaluations fail over
	// it: a reader types on over a payload that may be megabytes.
	check := e.lastInput.check
	again := e.Evaluate(EvaluateRequest{Schema: "healthie/appointment", Payload: string(b), Expression: `appointment_id + "-y"`})
	if check == nil || e.lastInput.check != check || again.Diagnostics[0].Message != msg {
		t.Errorf("a second failure over the same payload: validated again (%v) or said otherwise: %q", e.lastInput.check != check, again.Diagnostics[0].Message)
	}

	// Within an object, only the field read: an action's result, here,
	// whose created_at is wrong too.
	resp = e.Evaluate(EvaluateRequest{Schema: "open-phone/v1/send-text-message", Payload: `{"message": {"id": 12, "created_at": 5}}`, Expression: `message.id + "x"`})
	if msg := resp.Diagnostics[0].Message; resp.OK || !strings.Contains(msg, "/message/id: expected string, got number") || strings.Contains(msg, "created_at") {
		t.Errorf("the error over the result's id: %+v", resp)
	}

	// A failure over fields that match says nothing of the schema.
	resp = e.Evaluate(EvaluateRequest{Schema: "healthie/appointment", Payload: string(b), Expression: `int(appointment_datetime.getFullYear()) / 0`})
	if resp.OK || len(resp.Diagnostics) != 1 || strings.Contains(resp.Diagnostics[0].Message, "does not match") {
		t.Errorf("a division by zero over a matching field: %+v", resp)
	}

	// A workflow's step says it too.
	req := RunRequest{Payload: string(b), Now: "2024-06-01T09:00:00Z", Workflow: Workflow{
		Trigger: Trigger{Schema: "healthie/appointment"},
		Steps:   []Step{{Kind: KindFilter, Expression: `appointment_id.startsWith("1")`}},
	}}
	raw, _ := json.Marshal(req)
	var run RunResponse
	if err := json.Unmarshal(e.Call("run", raw), &run); err != nil {
		t.Fatal(err)
	}
	if run.Outcome != OutcomeFailed || len(run.Steps[0].Diagnostics) == 0 ||
		!strings.Contains(run.Steps[0].Diagnostics[0].Message, "/appointment_id: expected string, got number") {
		t.Errorf("the failed filter does not say where the payload breaks its schema: %+v", run)
	}
}
