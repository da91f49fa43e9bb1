package engine

import (
	"encoding/json"
	"fmt"
	"sync"

	"cel.dev/cel-go/interpreter"

	"fieldbook/schemas"
	"fieldbook/wasm/celjson"
	"fieldbook/wasm/infer"
	"fieldbook/wasm/jsonpos"
)

// parsedPayload is a payload read once: its JSON value and what CEL reads.
type parsedPayload struct {
	schemaID string
	text     string
	value    any
	warnings []jsonpos.Warning
	err      *Diagnostic
	// inferred describes a payload read without a schema; its types type
	// the expressions over it.
	inferred *schemas.Schema
	root     *schemas.Node // the schema's root, or the inferred one's

	mu     sync.Mutex
	fields map[string]*payloadFields // by dialect
	check  *schemaCheck              // against its schema, made on first use
}

// checkAgainst is the payload's check against s, its schema (nil
// without one): kept with the payload, so that it validates once however
// many evaluations fail over it.
func (p *parsedPayload) checkAgainst(s *schemas.Schema) *schemaCheck {
	if s == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.check == nil || p.check.s != s {
		p.check = newSchemaCheck(s, p.value)
	}
	return p.check
}

// top is the payload's top-level fields as the dialect's CEL reads them.
func (p *parsedPayload) top(dialect string) *payloadFields {
	p.mu.Lock()
	defer p.mu.Unlock()
	if f, ok := p.fields[dialect]; ok {
		return f
	}
	if p.fields == nil {
		p.fields = map[string]*payloadFields{}
	}
	f := newPayloadFields(p.value.(map[string]any), p.root, dialect)
	p.fields[dialect] = f
	return f
}

// payloadFields are a payload's top-level fields as a dialect's CEL reads
// them: the activation of an expression over it. Each field is converted
// when an expression first names it, since an expression reads a few
// fields of a payload that may have thousands.
type payloadFields struct {
	obj          map[string]any
	root         *schemas.Node
	nullIsAbsent bool

	mu   sync.Mutex
	read map[string]any
}

func newPayloadFields(obj map[string]any, root *schemas.Node, dialect string) *payloadFields {
	return &payloadFields{obj: obj, root: root.Resolved(), nullIsAbsent: dialect == DialectMorf, read: map[string]any{}}
}

// ResolveName gives a field's value; a field the payload lacks (or, in
// morf, sends as null) is absent.
func (f *payloadFields) ResolveName(name string) (any, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if v, ok := f.read[name]; ok {
		return v, true
	}
	raw, ok := f.obj[name]
	if !ok || raw == nil && f.nullIsAbsent {
		return nil, false
	}
	v := celjson.FromJSON(raw, f.root.Property(name), f.nullIsAbsent)
	f.read[name] = v
	return v, true
}

// Parent is nil: the fields are the whole activation, with the clock.
func (f *payloadFields) Parent() interpreter.Activation { return nil }

// readPayload parses payload text for schema s (nil for none), reusing the
// last result while the text is unchanged: a reader typing expressions
// re-evaluates against the same payload on every key stroke.
func (e *Engine) readPayload(s *schemas.Schema, text string) *parsedPayload {
	id := ""
	if s != nil {
		id = s.ID
	}
	e.mu.Lock()
	last := e.lastInput
	e.mu.Unlock()
	if last != nil && last.schemaID == id && last.text == text {
		return last
	}
	p := &parsedPayload{schemaID: id, text: text}
	v, warnings, perr := jsonpos.Parse(text, jsonpos.Limits{MaxBytes: e.limits.MaxPayloadBytes, MaxDepth: e.limits.MaxDepth})
	switch {
	case perr != nil:
		p.err = &Diagnostic{Severity: SeverityError, Message: perr.Message, Line: perr.Line, Column: perr.Column, Source: "payload"}
	default:
		if _, ok := v.(map[string]any); !ok {
			p.err = &Diagnostic{Severity: SeverityError, Message: fmt.Sprintf("the payload is %s; it must be a JSON object, whose top-level fields are the variables", describeJSON(v)), Line: 1, Column: 1, Source: "payload"}
			break
		}
		p.value, p.warnings = v, warnings
		if s != nil {
			p.root = s.Root
		} else {
			inferred, err := infer.Schema(v)
			if err != nil {
				p.err = &Diagnostic{Severity: SeverityError, Message: "the payload's schema could not be inferred: " + err.Error(), Source: "payload"}
				break
			}
			p.inferred, p.root = inferred, inferred.Root
		}
	}
	e.mu.Lock()
	e.lastInput = p
	e.mu.Unlock()
	return p
}

func describeJSON(v any) string {
	switch v.(type) {
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return "an object"
}
