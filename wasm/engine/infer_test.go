package engine

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"fieldbook/schemas"
	"fieldbook/wasm/infer"
)

// validatesItsPayload holds an inferred schema to the payload it came from,
// with the real JSON Schema library.
func validatesItsPayload(t testing.TB, payload string, doc []byte) {
	t.Helper()
	if _, err := schemas.Standalone(infer.ID, doc); err != nil {
		t.Fatalf("the inferred schema does not load: %v\n%s", err, doc)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := jsonschema.UnmarshalJSON(strings.NewReader(string(doc)))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource("inferred.json", sch); err != nil {
		t.Fatal(err)
	}
	compiled, err := c.Compile("inferred.json")
	if err != nil {
		t.Fatalf("the inferred schema does not compile: %v\n%s", err, doc)
	}
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(payload))
	if err != nil {
		t.Fatal(err)
	}
	if err := compiled.Validate(v); err != nil {
		t.Fatalf("the payload does not validate against its inferred schema: %v\n%s", err, doc)
	}
}

func TestInferDescribesThePayload(t *testing.T) {
	e := newEngine(t)
	thread := exampleText(t, schemaByID(t, e, "elation/message-thread"))
	resp := e.Infer(InferRequest{Payload: thread})
	if !resp.OK {
		t.Fatal(resp.Diagnostics)
	}
	validatesItsPayload(t, thread, resp.Schema)
	var doc struct {
		Properties map[string]map[string]any
		Defs       map[string]struct {
			Properties map[string]map[string]any
		} `json:"$defs"`
	}
	if err := json.Unmarshal(resp.Schema, &doc); err != nil {
		t.Fatal(err)
	}
	if got := doc.Properties["created_at"]; got["type"] != "string" || got["format"] != "date-time" {
		t.Errorf("created_at: %v", got)
	}
	if got := doc.Properties["deleted_at"]; got["format"] != nil {
		t.Errorf("an empty string is no date-time: %v", got)
	}
	if got := doc.Properties["is_urgent"]; got["type"] != "boolean" {
		t.Errorf("is_urgent: %v", got)
	}
	if got := doc.Properties["messages"]["items"]; got.(map[string]any)["$ref"] != "#/$defs/MessagesItem" {
		t.Errorf("messages items: %v", got)
	}
	if got := doc.Defs["AssociatedDocumentItem"]; got.Properties != nil {
		t.Errorf("a nested object is not an array element: %v", doc.Defs)
	}
	if got := doc.Defs["MessagesItem"].Properties["associated_document"]["properties"].(map[string]any)["document_type"]; got.(map[string]any)["type"] != "integer" {
		t.Errorf("document_type: %v", got)
	}
}

func TestInferMergesArrayElements(t *testing.T) {
	e := newEngine(t)
	payload := `{"rows": [{"a": 1, "b": "x"}, {"a": 2.5, "c": null}, {"a": 3, "b": "2024-01-01T00:00:00Z"}], "grid": [[{"v": 1}]], "mixed": [1, "a"]}`
	resp := e.Infer(InferRequest{Payload: payload})
	validatesItsPayload(t, payload, resp.Schema)
	s := string(resp.Schema)
	for _, want := range []string{`"RowsItem"`, `"GridItem"`, `"type": "number"`, `"type": [`} {
		if !strings.Contains(s, want) {
			t.Errorf("the schema lacks %s:\n%s", want, s)
		}
	}
	if strings.Contains(s, `"format": "date-time"`) {
		t.Errorf("b is not always a date-time:\n%s", s)
	}
}

func TestSchemalessExpressionsAreTypedByInference(t *testing.T) {
	e := newEngine(t)
	var v any
	_ = json.Unmarshal([]byte(exampleText(t, schemaByID(t, e, "elation/message-thread"))), &v)
	m := v.(map[string]any)
	delete(m, "deleted_at")
	b, _ := json.Marshal(m)
	payload := string(b)
	cases := map[string]string{
		`messages.map(m, m.associated_document.document_type)`: "list(int)",
		`created_at`: "google.protobuf.Timestamp",
		`members.filter(x, x.status.endsWith("ADDRESSED"))`: "list(inferred.MembersItem)",
	}
	for expr, typ := range cases {
		if r := e.Check(CheckRequest{Payload: payload, Expression: expr}); !r.OK || r.Type != typ {
			t.Errorf("%s: %s %+v, want %s", expr, r.Type, r.Diagnostics, typ)
		}
	}
	if r := e.Evaluate(EvaluateRequest{Payload: payload, Expression: `created_at < timestamp("2022-01-01T00:00:00Z")`}); !r.OK || r.Value != true {
		t.Errorf("timestamps compare: %+v", r)
	}
	r := e.Check(CheckRequest{Payload: payload, Expression: `messages.map(m, m.bdy)`})
	if r.OK || !strings.Contains(r.Diagnostics[0].Message, "did you mean 'body'?") {
		t.Errorf("a typo in a nested field: %+v", r)
	}
	got := e.Complete(CompleteRequest{Payload: payload, Expression: "messages.map(m, m.associated_document.sig", Offset: 42})
	if len(got.Items) != 2 || got.Items[0].Label != "signed_at" || got.Items[0].Type != "google.protobuf.Timestamp" {
		t.Errorf("completion without a schema: %+v", got.Items)
	}
}

func FuzzInfer(f *testing.F) {
	e := newEngine(f)
	for _, s := range e.set.All() {
		f.Add(exampleText(f, s))
	}
	f.Add(`{"a": [[{"b": [1, {"c": 2}]}]], "d": [null, "2024-01-01T00:00:00Z"], "e-f": {"1x": true}}`)
	f.Fuzz(func(t *testing.T, payload string) {
		var resp InferResponse
		bounded(t, func() { resp = e.Infer(InferRequest{Payload: payload}) })
		if !resp.OK {
			return
		}
		validatesItsPayload(t, payload, resp.Schema)
	})
}
