// Package engine is Fieldbook's payload engine: it validates payloads against
// their JSON Schema and checks and evaluates typed CEL over them. It is pure
// Go, so the same code runs natively, in the browser as WebAssembly and in
// the Cloudflare Worker; Call is the one entry point all three use.
package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/functions"
	"cel.dev/cel-go/interpreter"

	"fieldbook/schemas"
	"fieldbook/wasm/jsonpos"
)

// Version is Fieldbook's version.
const Version = "0.1.0"

// CelGoVersion is the cel-go release the engine is built with; a test holds
// it to go.mod.
const CelGoVersion = "v0.33.2"

// Limits bound every call, so no input can hang or crash the engine.
type Limits struct {
	MaxPayloadBytes     int    // payload text, in bytes
	MaxDepth            int    // nesting of objects and arrays in a payload
	MaxExpressionLength int    // expression text, in characters
	CostLimit           uint64 // CEL's runtime cost units per evaluation
	// TimeLimit ends an evaluation that runs longer, where the host lets a
	// timer fire while it runs (natively; not in a js/wasm call, where the
	// cost limit and the guards of costly calls bound it).
	TimeLimit time.Duration
	// MaxResultBytes bounds a result as an answer writes it: its JSON
	// value and its CEL display together.
	MaxResultBytes int
}

// DefaultLimits are the bounds Fieldbook runs with everywhere.
var DefaultLimits = Limits{
	MaxPayloadBytes:     5 << 20,
	MaxDepth:            64,
	MaxExpressionLength: 8192,
	CostLimit:           1_000_000,
	TimeLimit:           time.Second,
	MaxResultBytes:      1 << 20,
}

// Engine serves calls over one set of schemas. It is safe for concurrent use.
type Engine struct {
	set    *schemas.Set
	limits Limits

	mu        sync.Mutex
	base      map[string]*dialectEnv // by dialect
	envs      map[string]*celEnv     // by dialect and schema id
	inferred  *lru[string, *celEnv]  // by dialect and inferred schema: the environments of schema-less payloads
	lastEnvID uint64
	programs  *lru[programKey, *compiled]
	lastInput *parsedPayload // the last payload read, reused while it is unchanged
}

// New returns an engine over set.
func New(set *schemas.Set, limits Limits) *Engine {
	e := &Engine{set: set, limits: limits, base: map[string]*dialectEnv{}, envs: map[string]*celEnv{}, programs: newLRU[programKey, *compiled](programCacheSize, nil)}
	e.inferred = newLRU[string, *celEnv](inferredEnvBudget, e.dropPrograms)
	return e
}

// Call serves one request, as JSON in and JSON out, for every front end:
// method is version, schemas, validate, check, evaluate, complete, infer
// or batch. It
// never panics: a failure inside is answered as an error response.
func (e *Engine) Call(method string, request []byte) (response []byte) {
	defer func() {
		if r := recover(); r != nil {
			response = mustJSON(failure(fmt.Sprintf("internal error in %s: %v", method, r)))
		}
	}()
	var resp any
	switch method {
	case "version":
		resp = e.Version()
	case "schemas":
		resp = e.Schemas()
	case "validate":
		resp = serve(request, e.Validate)
	case "check":
		resp = serve(request, e.Check)
	case "evaluate":
		resp = serve(request, e.Evaluate)
	case "complete":
		resp = serve(request, e.Complete)
	case "infer":
		resp = serve(request, e.Infer)
	case "batch":
		resp = serve(request, e.Batch)
	default:
		resp = failure(fmt.Sprintf("unknown method %q: use version, schemas, validate, check, evaluate, complete, infer or batch", method))
	}
	return mustJSON(resp)
}

// serve decodes a request and hands it to a method.
func serve[Req, Resp any](raw []byte, method func(Req) Resp) any {
	var req Req
	if d := decodeRequest(raw, &req); d != nil {
		return failure(d.Message)
	}
	return method(req)
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

func failure(msg string) ErrorResponse {
	return ErrorResponse{OK: false, Diagnostics: []Diagnostic{requestError(msg)}}
}

func requestError(msg string) Diagnostic {
	return Diagnostic{Severity: SeverityError, Message: msg, Source: "request"}
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

// schema finds a schema by id; "" is the schema-less mode (nil, nil).
func (e *Engine) schema(id string) (*schemas.Schema, *Diagnostic) {
	if id == "" {
		return nil, nil
	}
	if s, ok := e.set.Get(id); ok {
		return s, nil
	}
	var ids []string
	for _, s := range e.set.All() {
		ids = append(ids, s.ID)
	}
	d := requestError(fmt.Sprintf("unknown schema %q: use one of %s, or \"\" for none", id, strings.Join(ids, ", ")))
	return nil, &d
}

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
	v := celValue(raw, f.root.Property(name), f.nullIsAbsent)
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
			inferred, err := inferredSchema(v)
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

// envFor returns the dialect's environment for schema s or, without a
// schema, for the schema inferred from the payload; each is built once.
func (e *Engine) envFor(s *schemas.Schema, p *parsedPayload, dialect string) (*celEnv, error) {
	if s == nil {
		s = p.inferred
	}
	key := s.ID
	if s.ID == inferredID {
		// Inferred schemas differ by content, not by name: their text is
		// the key (a hash would link crypto into the module, 0.1 MB, and
		// the schema's text is kept with its environment anyway).
		key = "?" + string(s.Raw)
	}
	key = dialect + "\x00" + key
	e.mu.Lock()
	defer e.mu.Unlock()
	if env, ok := e.envs[key]; ok {
		return env, nil
	}
	if env, ok := e.inferred.get(key); ok {
		return env, nil
	}
	base, err := e.baseEnv(dialect)
	if err != nil {
		return nil, err
	}
	env, err := newSchemaEnv(base, s, dialect)
	if err != nil {
		return nil, err
	}
	// An id, not the pointer, keys its programs: an evicted environment's
	// address may be reused by a new one, which must not get its programs.
	e.lastEnvID++
	env.id = e.lastEnvID
	if s.ID == inferredID {
		// Inferred environments come and go with payloads: they are kept
		// within a memory budget, the least recently used dropped first.
		e.inferred.put(key, env, inferredEnvCost(s))
	} else {
		e.envs[key] = env
	}
	return env, nil
}

// inferredEnvBudget bounds the memory the inferred environments kept may
// take, as inferredEnvCost estimates it: a Worker's isolate has 128 MB.
const inferredEnvBudget = 24 << 20

// inferredEnvCost estimates the heap an inferred schema's environment
// takes: about twenty times its schema's text (measured: 2 MiB for the
// 100 KB schema of a 300-field payload with nested objects), and its key,
// the text once more.
func inferredEnvCost(s *schemas.Schema) int {
	return 64<<10 + 21*len(s.Raw)
}

// dialectEnv is a dialect's base environment, with the implementations of
// its guarded functions (guards.go), which every environment built on it
// shares.
type dialectEnv struct {
	env    *cel.Env
	guards map[string]*functions.Overload
}

// baseEnv is a dialect's base environment, built on first use; e.mu must
// be held.
func (e *Engine) baseEnv(dialect string) (*dialectEnv, error) {
	if d := e.base[dialect]; d != nil {
		return d, nil
	}
	env, err := cel.NewEnv(dialectOptions(dialect, e.limits)...)
	if err != nil {
		return nil, err
	}
	impls, err := guardImpls(env)
	if err != nil {
		return nil, err
	}
	d := &dialectEnv{env: env, guards: impls}
	e.base[dialect] = d
	return d, nil
}
