//go:build js && wasm

package main

import (
	"encoding/json"
	"strings"
	"syscall/js"
	"testing"

	"fieldbook/schemas"
	"fieldbook/wasm/engine"
)

// Every call of the engine's table is a function of globalThis.fieldbook,
// answering as the engine does, and the object has no other.
func TestEveryMethodOfTheTableIsAFunction(t *testing.T) {
	set, err := schemas.Load()
	if err != nil {
		t.Fatal(err)
	}
	eng := engine.New(set, engine.DefaultLimits)
	obj := api(eng, nil)
	keys := js.Global().Get("Object").Call("keys", obj)
	var got []string
	for i := 0; i < keys.Length(); i++ {
		got = append(got, keys.Index(i).String())
	}
	var want []string
	for _, m := range engine.Methods() {
		want = append(want, m.Name)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("globalThis.fieldbook has %v; the table has %v", got, want)
	}
	request := js.Global().Get("JSON").Call("parse", `{"schema": "", "payload": "{\"n\": 2}", "expression": "n * 21"}`)
	for _, m := range engine.Methods() {
		answer := js.Global().Get("JSON").Call("stringify", obj.Call(m.Name, request)).String()
		direct := eng.Call(m.Name, []byte(js.Global().Get("JSON").Call("stringify", request).String()))
		if !sameJSON(answer, string(direct)) {
			t.Errorf("fieldbook.%s answered\n%s\nthe engine's Call\n%s", m.Name, answer, direct)
		}
		if strings.Contains(answer, "unknown method") {
			t.Errorf("fieldbook.%s is not served: %s", m.Name, answer)
		}
	}
}

func sameJSON(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return string(xa) == string(ya)
}

// A call that the schemas' failure to load stops says so, for every call.
func TestEveryMethodSaysTheSchemasDidNotLoad(t *testing.T) {
	obj := api(nil, errTest("no schemas"))
	for _, m := range engine.Methods() {
		answer := js.Global().Get("JSON").Call("stringify", obj.Call(m.Name)).String()
		if !strings.Contains(answer, "the schemas did not load: no schemas") {
			t.Errorf("fieldbook.%s answered %s", m.Name, answer)
		}
	}
}

type errTest string

func (e errTest) Error() string { return string(e) }
