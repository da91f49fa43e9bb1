//go:build js && wasm

// Command wasm is the payload engine compiled to WebAssembly. Once started
// it defines globalThis.fieldbook, with a function for every call of the
// engine's method table (version, schemas, validate, check, evaluate,
// complete, infer, batch), each taking one plain object and returning one,
// the same objects the Worker API and the command line speak. None of them
// throws: a Go panic would end the module for good, so every call recovers
// and answers with an error instead.
package main

import (
	"encoding/json"
	"fmt"
	"syscall/js"

	"fieldbook/schemas"
	"fieldbook/wasm/engine"
)

func main() {
	var eng *engine.Engine
	set, loadErr := schemas.Load()
	if loadErr == nil {
		eng = engine.New(set, engine.DefaultLimits)
	}
	js.Global().Set("fieldbook", api(eng, loadErr))
	select {} // serve calls until the page goes away
}

// api is globalThis.fieldbook: a function for every call of the table,
// answering every call with loadErr when the schemas did not load.
func api(eng *engine.Engine, loadErr error) js.Value {
	obj := js.Global().Get("Object").New()
	for _, m := range engine.Methods() {
		method := m.Name
		obj.Set(method, js.FuncOf(func(_ js.Value, args []js.Value) (result any) {
			defer func() {
				if r := recover(); r != nil {
					result = fromJSON(failure(fmt.Sprintf("internal error in %s: %v", method, r)))
				}
			}()
			if loadErr != nil {
				return fromJSON(failure("the schemas did not load: " + loadErr.Error()))
			}
			req, msg := toJSON(args)
			if msg != "" {
				return fromJSON(failure(msg))
			}
			return fromJSON(eng.Call(method, req))
		}))
	}
	return obj
}

// toJSON reads the one argument, a plain object (or nothing), as JSON.
func toJSON(args []js.Value) ([]byte, string) {
	if len(args) == 0 || args[0].IsUndefined() || args[0].IsNull() {
		return []byte("{}"), ""
	}
	if args[0].Type() != js.TypeObject || js.Global().Get("Array").Call("isArray", args[0]).Bool() {
		return nil, "the argument must be one plain object, such as {schema: \"elation/appointment\", payload: \"{}\"}"
	}
	s := js.Global().Get("JSON").Call("stringify", args[0]) // throws, and so panics, on a cyclic object
	return []byte(s.String()), ""
}

func fromJSON(b []byte) js.Value {
	return js.Global().Get("JSON").Call("parse", string(b))
}

func failure(msg string) []byte {
	b, _ := json.Marshal(engine.ErrorResponse{OK: false, Diagnostics: []engine.Diagnostic{{
		Severity: engine.SeverityError, Message: msg, Source: "request",
	}}})
	return b
}
