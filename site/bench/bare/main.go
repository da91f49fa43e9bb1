//go:build js && wasm

// Command bare is the bare cel-go page's module (site/bench/bare): the
// smallest engine a CEL playground can have, for the page-load benchmark
// to pair with Fieldbook's (go run ./site/bench/page -bare). It has
// cel-go with the same extensions as Fieldbook's environments
// (wasm/engine/dialect.go, baseOptions), and nothing else: no schemas, no
// JSON Schema library, no dialects. The payload's top-level fields are
// declared as dyn variables, so an expression reads them as Fieldbook's
// do, without their types.
//
// Once started it defines globalThis.bare.evaluate({payload, expression}),
// answering {ok, display} or {ok: false, error}; the environment is built
// on the first call, as Fieldbook's engine builds a schema's on its first
// evaluate.
package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"syscall/js"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/ext"
)

func main() {
	api := js.Global().Get("Object").New()
	api.Set("evaluate", js.FuncOf(func(_ js.Value, args []js.Value) any {
		display, err := evaluate(args[0].Get("payload").String(), args[0].Get("expression").String())
		if err != nil {
			return map[string]any{"ok": false, "error": err.Error()}
		}
		return map[string]any{"ok": true, "display": display}
	}))
	js.Global().Set("bare", api)
	select {} // serve calls until the page goes away
}

// env is the last environment built, and the variables it declares.
var (
	env     *cel.Env
	envVars []string
)

// evaluate runs expression over the payload (a JSON object) and answers
// its value as JSON, or as Go prints it where it is no JSON value.
func evaluate(payload, expression string) (string, error) {
	var vars map[string]any
	if err := json.Unmarshal([]byte(payload), &vars); err != nil {
		return "", fmt.Errorf("payload: %w", err)
	}
	names := make([]string, 0, len(vars))
	for k := range vars {
		names = append(names, k)
	}
	slices.Sort(names)
	if env == nil || !slices.Equal(names, envVars) {
		e, err := newEnv(names)
		if err != nil {
			return "", err
		}
		env, envVars = e, names
	}
	ast, iss := env.Compile(expression)
	if iss.Err() != nil {
		return "", iss.Err()
	}
	prg, err := env.Program(ast)
	if err != nil {
		return "", err
	}
	out, _, err := prg.Eval(vars)
	if err != nil {
		return "", err
	}
	if b, err := json.Marshal(out.Value()); err == nil {
		return string(b), nil
	}
	return fmt.Sprint(out.Value()), nil
}

// newEnv is CEL's standard library with Fieldbook's extensions
// (baseOptions), and each name a dyn variable.
func newEnv(names []string) (*cel.Env, error) {
	opts := []cel.EnvOption{
		ext.Strings(),
		ext.Math(),
		ext.Lists(),
		ext.Sets(),
		ext.Encoders(),
		ext.Bindings(),
		ext.TwoVarComprehensions(),
		cel.OptionalTypes(),
		cel.CrossTypeNumericComparisons(true),
	}
	for _, n := range names {
		opts = append(opts, cel.Variable(n, cel.DynType))
	}
	return cel.NewEnv(opts...)
}
