package engine

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"fieldbook/wasm/dialect/morf"
)

// morfCase is one case of wasm/testdata/morf-docs.json, which the Node test
// of the shipped module runs too.
type morfCase struct {
	Name       string         `json:"name"`
	Payload    map[string]any `json:"payload"`
	Expression string         `json:"expression"`
	Now        string         `json:"now"`
	Dialect    string         `json:"dialect"`
	Display    string         `json:"display"`
	Type       string         `json:"type"`
	Error      string         `json:"error"`
}

func morfCases(t *testing.T) []morfCase {
	t.Helper()
	raw, err := os.ReadFile("../testdata/morf-docs.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Cases []morfCase }
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Cases
}

// TestMorfsDocumentedExpressions runs the expressions of Morf's docs (and
// the dialect's maps, zones and errors) without a schema, as a reader
// pasting such a payload would.
func TestMorfsDocumentedExpressions(t *testing.T) {
	e := newEngine(t)
	for _, c := range morfCases(t) {
		payload, _ := json.Marshal(c.Payload)
		r := e.Evaluate(EvaluateRequest{Payload: string(payload), Dialect: c.Dialect, Expression: c.Expression, Now: c.Now})
		want := c.Dialect
		if want == "" {
			want = DialectMorf
		}
		if r.Dialect != want {
			t.Errorf("%s: ran in %q, want %q", c.Name, r.Dialect, want)
		}
		if c.Error != "" {
			if r.OK || !strings.Contains(r.Diagnostics[0].Message, c.Error) {
				t.Errorf("%s: %s = %s %+v, want an error saying %q", c.Name, c.Expression, r.Display, r.Diagnostics, c.Error)
			}
			continue
		}
		if !r.OK || r.Display != c.Display || r.Type != c.Type {
			t.Errorf("%s: %s = %s (%s) %+v, want %s (%s)", c.Name, c.Expression, r.Display, r.Type, r.Diagnostics, c.Display, c.Type)
		}
		if check := e.Check(CheckRequest{Payload: string(payload), Dialect: c.Dialect, Expression: c.Expression}); !check.OK || check.Type != c.Type || check.Dialect != want {
			t.Errorf("%s: check gives %s in %s %+v, want %s", c.Name, check.Type, check.Dialect, check.Diagnostics, c.Type)
		}
	}
}

func TestDialectFollowsTheSchemasSource(t *testing.T) {
	e := newEngine(t)
	for schema, want := range map[string]string{"elation/appointment": DialectMorf, "packagex/thread": DialectCEL, "": DialectMorf} {
		if r := e.Check(CheckRequest{Schema: schema, Expression: "1"}); r.Dialect != want {
			t.Errorf("%q: dialect %q, want %q", schema, r.Dialect, want)
		}
	}
	if r := e.Check(CheckRequest{Schema: "packagex/thread", Dialect: DialectMorf, Expression: "morf.now()"}); !r.OK || r.Dialect != DialectMorf {
		t.Errorf("a request names its dialect: %+v", r)
	}
}

// TestAbsentIsNullInMorf holds the two readings of a null field: absent
// in morf, where the declared type stays; a value in cel, where it is dyn.
func TestAbsentIsNullInMorf(t *testing.T) {
	e := newEngine(t)
	appt := exampleText(t, schemaByID(t, e, "elation/appointment")) // status and payment.deleted_at are null
	cases := []struct {
		dialect, expr, display, typ, err string
	}{
		{DialectMorf, `status.orValue("none")`, `"none"`, "string", ""},
		{DialectMorf, `status.hasValue()`, "false", "bool", ""},
		{DialectMorf, `mode.hasValue()`, "true", "bool", ""},
		{DialectMorf, `mode.orValue("none")`, `"VIDEO"`, "string", ""},
		{DialectMorf, `payment.?deleted_at.hasValue()`, "false", "bool", ""},
		{DialectMorf, `payment.deleted_at.orValue(timestamp("2000-01-01T00:00:00Z"))`, `timestamp("2000-01-01T00:00:00Z")`, "google.protobuf.Timestamp", ""},
		{DialectMorf, `service_location.hasValue()`, "true", "bool", ""},
		{DialectMorf, `status == "X"`, "", "", "status is absent from this payload (missing, or sent as null): write status.orValue(default)"},
		{DialectCEL, `status == null`, "true", "bool", ""},
		{DialectCEL, `has(payment.deleted_at)`, "true", "bool", ""},
	}
	for _, c := range cases {
		r := e.Evaluate(EvaluateRequest{Schema: "elation/appointment", Dialect: c.dialect, Payload: appt, Expression: c.expr})
		if c.err != "" {
			if r.OK || !strings.Contains(r.Diagnostics[0].Message, c.err) {
				t.Errorf("%s (%s): %+v, want %q", c.expr, c.dialect, r, c.err)
			}
			continue
		}
		if !r.OK || r.Display != c.display || r.Type != c.typ {
			t.Errorf("%s (%s) = %s (%s) %+v, want %s (%s)", c.expr, c.dialect, r.Display, r.Type, r.Diagnostics, c.display, c.typ)
		}
	}
	if r := e.Check(CheckRequest{Schema: "elation/appointment", Expression: `status.orValue(1)`}); r.OK {
		t.Errorf("orValue's default must have the field's type: %+v", r)
	}
}

func TestMapsAreTypedAsMaps(t *testing.T) {
	e := newEngine(t)
	payload := `{"answers": {"First Name": "Jo", "email": "a@b.c"}, "service_location": {"city": "Oslo", "zip": 1234}, "rows": [{"id": "a", "name": "b"}]}`
	for expr, typ := range map[string]string{
		`answers`:          "map(string, string)",
		`service_location`: "inferred.Payload.ServiceLocation", // a record: its values differ
		`rows`:             "list(inferred.RowsItem)",          // array elements are rows
	} {
		if r := e.Check(CheckRequest{Payload: payload, Expression: expr}); r.Type != typ {
			t.Errorf("%s: %s %+v, want %s", expr, r.Type, r.Diagnostics, typ)
		}
	}
	r := e.Check(CheckRequest{Payload: payload, Expression: `service_location.citty`})
	if r.OK || !strings.Contains(r.Diagnostics[0].Message, "did you mean 'city'?") {
		t.Errorf("a record's typo: %+v", r)
	}
	inf := e.Infer(InferRequest{Payload: payload})
	if !strings.Contains(string(inf.Schema), `"additionalProperties": {`) || !strings.Contains(string(inf.Schema), "a map: its keys are data") {
		t.Errorf("the inferred schema does not say answers is a map:\n%s", inf.Schema)
	}
	validatesItsPayload(t, payload, inf.Schema)
}

func TestCompletionOffersMorfsFunctions(t *testing.T) {
	e := newEngine(t)
	find := func(r CompleteResponse, label string) *CompletionItem {
		for i := range r.Items {
			if r.Items[i].Label == label {
				return &r.Items[i]
			}
		}
		return nil
	}
	r := e.Complete(CompleteRequest{Schema: "elation/appointment", Expression: "appointment_datetime.is", Offset: 23})
	it := find(r, "isAfter")
	if it == nil || !strings.Contains(it.Detail, "google.protobuf.Timestamp.isAfter(google.protobuf.Timestamp) -> bool") || !strings.Contains(it.Detail, morf.SignatureNote) {
		t.Errorf("isAfter after a timestamp: %+v", r.Items)
	}
	r = e.Complete(CompleteRequest{Schema: "elation/appointment", Expression: "morf.", Offset: 5})
	if find(r, "now") == nil {
		t.Errorf("morf.: %+v", r.Items)
	}
	r = e.Complete(CompleteRequest{Schema: "elation/appointment", Expression: "status.or", Offset: 9})
	if it := find(r, "orValue"); it == nil || !strings.Contains(it.Detail, "sent as null") {
		t.Errorf("orValue on a field: %+v", r.Items)
	}
	r = e.Complete(CompleteRequest{Schema: "packagex/thread", Expression: "parseDur", Offset: 8})
	if find(r, "parseDuration") != nil {
		t.Errorf("the cel dialect has no parseDuration: %+v", r.Items)
	}
}

// TestAbsentInsideHas names what is absent, not the has() around it.
func TestAbsentInsideHas(t *testing.T) {
	e := newEngine(t)
	r := e.Evaluate(EvaluateRequest{Payload: `{"id": 1}`, Expression: `has(user.address)`})
	if r.OK || !strings.HasPrefix(r.Diagnostics[0].Message, "user is absent from this payload") {
		t.Errorf("%+v", r)
	}
}

// TestCompletionOffersMapKeys: after a map's dot, its keys in the pasted
// payload; one that is no identifier is offered as the index reaching it.
func TestCompletionOffersMapKeys(t *testing.T) {
	e := newEngine(t)
	payload := `{"answers": {"email": "a@b.c", "First Name": "Jo", "zip": "x"}}`
	r := e.Complete(CompleteRequest{Payload: payload, Expression: "answers.", Offset: 8})
	byLabel := map[string]CompletionItem{}
	for _, it := range r.Items {
		byLabel[it.Label] = it
	}
	if it, ok := byLabel["email"]; !ok || it.Insert != "" || it.Type != "string" {
		t.Errorf("an identifier key: %+v", r.Items)
	}
	if it, ok := byLabel["First Name"]; !ok || it.Insert != `["First Name"]` || it.At == nil || *it.At != 7 {
		t.Errorf("a key that is no identifier is offered as an index from the dot: %+v", it)
	}
	r = e.Complete(CompleteRequest{Payload: payload, Expression: "answers.Fi", Offset: 10})
	if len(r.Items) == 0 || r.Items[0].Label != "First Name" {
		t.Errorf("typed on, the key first: %+v", r.Items)
	}
}
