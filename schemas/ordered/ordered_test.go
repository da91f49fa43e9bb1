package ordered

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestDecodeKeepsOrderAndRefusesDuplicates(t *testing.T) {
	text := `{"z": 1, "a": {"y": [1, 2.5], "b": "<&>"}} and the rest of a page`
	v, n, err := Decode(text)
	if err != nil {
		t.Fatal(err)
	}
	if text[n:] != " and the rest of a page" {
		t.Errorf("the value took %d bytes, leaving %q", n, text[n:])
	}
	o := v.(*Object)
	if strings.Join(o.Keys, ",") != "z,a" {
		t.Errorf("keys %v", o.Keys)
	}
	if n, _ := o.Get("z"); n != json.Number("1") {
		t.Errorf("z is %#v, want the number 1 as written", n)
	}
	var out strings.Builder
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false) // as the OpenAPI document is written
	if err := enc.Encode(o); err != nil || out.String() != `{"z":1,"a":{"y":[1,2.5],"b":"<&>"}}`+"\n" {
		t.Errorf("written back: %s %v", out.String(), err)
	}
	if _, _, err := Decode(`{"a": 1, "a": 2}`); err == nil || !strings.Contains(err.Error(), `duplicate key "a"`) {
		t.Errorf("a duplicate key: %v", err)
	}
}

func TestSetBeforeAndDelete(t *testing.T) {
	o := New()
	o.Set("type", "object")
	o.Set("examples", []any{})
	o.SetBefore("properties", New(), "examples")
	o.SetBefore("type", "array", "nowhere") // already there: keeps its place
	o.SetBefore("end", 1, "nowhere")
	o.Delete("examples")
	o.Delete("absent")
	if got := strings.Join(o.Keys, ","); got != "type,properties,end" || o.Vals["type"] != "array" {
		t.Errorf("keys %s, type %v", got, o.Vals["type"])
	}
	if m, ok := Plain(o).(map[string]any); !ok || len(m) != 3 {
		t.Errorf("Plain: %#v", Plain(o))
	}
}
