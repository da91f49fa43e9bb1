package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"fieldbook/wasm/jsonpos"
)

// Method is one call of the engine's contract. The table below is the one
// place a call is named: Call serves it, wasm/main.go puts it on
// globalThis.fieldbook, site/api serves it over HTTP as HTTP says, and the
// command line's call runs it; a method added here reaches all of them.
type Method struct {
	Name string
	// HTTP is the verb the HTTP API serves the call with: GET for a call
	// that takes no request, POST for one that does, "" for a call the
	// API does not serve, and then NotServed says why.
	HTTP      string
	NotServed string
	call      func(e *Engine, request []byte) any
}

// methods is the table, in the order the contract lists the calls.
var methods = []Method{
	noRequest("version", (*Engine).Version),
	noRequest("schemas", (*Engine).Schemas),
	withRequest("validate", (*Engine).Validate),
	withRequest("check", (*Engine).Check),
	withRequest("evaluate", (*Engine).Evaluate),
	withRequest("complete", (*Engine).Complete),
	withRequest("infer", (*Engine).Infer),
	withRequest("run", (*Engine).Run),
	browserOnly(withRequest("batch", (*Engine).Batch),
		"a batch runs up to 20 expressions over up to 100,000 payloads, more work than one request of the API may take; "+
			"it runs in the browser (globalThis.fieldbook.batch), or send one evaluate per payload"),
}

// Methods lists the engine's calls.
func Methods() []Method { return append([]Method(nil), methods...) }

// MethodNamed finds a call by its name.
func MethodNamed(name string) (Method, bool) {
	for _, m := range methods {
		if m.Name == name {
			return m, true
		}
	}
	return Method{}, false
}

// noRequest makes a call that takes no request (any sent is ignored).
func noRequest[Resp any](name string, f func(*Engine) Resp) Method {
	return Method{Name: name, HTTP: "GET", call: func(e *Engine, _ []byte) any { return f(e) }}
}

// withRequest makes a call that decodes its request strictly first.
func withRequest[Req, Resp any](name string, f func(*Engine, Req) Resp) Method {
	return Method{Name: name, HTTP: "POST", call: func(e *Engine, raw []byte) any {
		var req Req
		if d := decodeRequest(raw, &req); d != nil {
			return failure(d.Message)
		}
		return f(e, req)
	}}
}

// browserOnly keeps a call out of the HTTP API, saying why.
func browserOnly(m Method, why string) Method {
	m.HTTP, m.NotServed = "", why
	return m
}

// methodNames lists the calls' names, for the error that names them.
func methodNames() string {
	names := make([]string, len(methods))
	for i, m := range methods {
		names[i] = m.Name
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// Call serves one request, as JSON in and JSON out, for every front end;
// method is a name of the table. It never panics: a failure inside is
// answered as an error response.
func (e *Engine) Call(method string, request []byte) (response []byte) {
	defer func() {
		if r := recover(); r != nil {
			response = mustJSON(failure(fmt.Sprintf("internal error in %s: %v", method, r)))
		}
	}()
	m, ok := MethodNamed(method)
	if !ok {
		return mustJSON(failure(fmt.Sprintf("unknown method %q: use %s", method, methodNames())))
	}
	return mustJSON(m.call(e, request))
}

// decodeRequest reads a request object strictly: a misspelt member would
// otherwise be dropped without a word.
func decodeRequest(raw []byte, v any) *Diagnostic {
	if len(strings.TrimSpace(string(raw))) == 0 {
		raw = []byte("{}")
	}
	d := json.NewDecoder(strings.NewReader(string(raw)))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		msg := err.Error()
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.Is(err, io.ErrUnexpectedEOF):
			msg = "the request is not valid JSON: it ends before the object closes"
		case errors.As(err, &syn):
			line, col := jsonpos.LineColumn(string(raw), int(syn.Offset))
			msg = fmt.Sprintf("the request is not valid JSON: %s (line %d, column %d)", syn.Error(), line, col)
		case errors.As(err, &typ):
			msg = fmt.Sprintf("the request's %q must be a %s, not a %s", typ.Field, typ.Type.String(), typ.Value)
		case strings.HasPrefix(msg, "json: unknown field"):
			msg = "the request has an " + strings.TrimPrefix(msg, "json: ")
		default:
			msg = "the request is not a JSON object: " + msg
		}
		return &Diagnostic{Severity: SeverityError, Message: msg, Source: "request"}
	}
	return nil
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		b, _ = json.Marshal(failure("the response could not be written as JSON: " + err.Error()))
	}
	return b
}

// Version names Fieldbook's version and the cel-go it was built with.
func (e *Engine) Version() VersionResponse {
	return VersionResponse{Fieldbook: Version, CelGo: CelGoVersion}
}

// Schemas lists the schemas the engine knows.
func (e *Engine) Schemas() SchemasResponse {
	out := SchemasResponse{Schemas: []SchemaInfo{}}
	for _, s := range e.set.All() {
		events := s.Events()
		if events == nil {
			events = []string{}
		}
		out.Schemas = append(out.Schemas, SchemaInfo{ID: s.ID, Title: s.Title(), Source: s.Source, Events: events})
	}
	return out
}
