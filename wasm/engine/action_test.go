package engine

import (
	"testing"
)

// An action's result is read under its key, the action's own or one the
// reader chose; a payload's id takes no key.
func TestActionResultsUnderTheirKey(t *testing.T) {
	e := newEngine(t)
	result := `{"message": {"created_at": "2025-01-17T10:57:05Z", "id": "AC123abc"}}`
	r := e.Evaluate(EvaluateRequest{Schema: "open-phone/v1/send-text-message", Payload: result, Expression: `message.id.startsWith("AC") && message.created_at.getFullYear() == 2025`})
	if !r.OK || r.Value != true || r.Dialect != DialectMorf {
		t.Errorf("under the action's key: %+v", r)
	}
	renamed := `{"sms": {"created_at": "2025-01-17T10:57:05Z", "id": "AC123abc"}}`
	r = e.Evaluate(EvaluateRequest{Schema: "open-phone/v1/send-text-message", Key: "sms", Payload: renamed, Expression: `sms.created_at`})
	if !r.OK || r.Type != "google.protobuf.Timestamp" {
		t.Errorf("under a key of the reader's: %+v", r)
	}
	c := e.Check(CheckRequest{Schema: "open-phone/v1/send-text-message", Key: "sms", Expression: `message.id`})
	if c.OK || len(c.Diagnostics) == 0 {
		t.Errorf("the action's own key is not declared under another: %+v", c)
	}
	v := e.Validate(ValidateRequest{Schema: "open-phone/v1/send-text-message", Key: "sms", Payload: `{"sms": {"id": "AC1", "created_at": "soon"}}`})
	if v.OK {
		t.Errorf("a result whose time is no time validates: %+v", v)
	}
	for _, bad := range []struct{ schema, key string }{{"open-phone/v1/send-text-message", "2x"}, {"elation/appointment", "x"}, {"", "x"}} {
		if r := e.Check(CheckRequest{Schema: bad.schema, Key: bad.key, Expression: `1`}); r.OK {
			t.Errorf("schema %q key %q is taken", bad.schema, bad.key)
		}
	}
}

// Every parameter of every action takes a CEL type the engine reads.
func TestEveryParameterTakesACELType(t *testing.T) {
	e := newEngine(t)
	n := 0
	for _, a := range e.set.Actions() {
		for _, p := range a.Action.Parameters {
			if _, err := ParamType(p.CEL); err != nil {
				t.Errorf("%s: %s: %v", a.ID, p.Key, err)
			}
			n++
		}
	}
	if n == 0 {
		t.Error("no parameters")
	}
	for _, bad := range []string{"text", "list(text)", "map(string)", "Map<string,string>"} {
		if _, err := ParamType(bad); err == nil {
			t.Errorf("%q is read as a type", bad)
		}
	}
}
