package engine

import "fieldbook/wasm/explain"

// The request and response objects below are Fieldbook's one contract: the
// browser API (globalThis.fieldbook.*), the Worker API (POST /api/v1/*) and
// the command line (--json) all speak them as JSON.

// Diagnostic is one problem found in a payload, an expression or a request.
// Line and Column are 1-based, the column counted in characters; both are 0
// when the problem has no place in a text (an unknown schema, say).
type Diagnostic struct {
	Severity string `json:"severity"` // "error" or "warning"
	Message  string `json:"message"`
	Pointer  string `json:"pointer,omitempty"` // JSON pointer into the payload
	Line     int    `json:"line"`
	Column   int    `json:"column"`
	// Source names the text Line and Column count in: "payload",
	// "expression", or "request" for the request itself; in a workflow's
	// run also "result" (an action's result) and "workflow" (a step's
	// shape, which has no place in a text).
	Source string `json:"source"`
	// Param names the action parameter whose expression Line and Column
	// count in, in a workflow's run.
	Param string `json:"param,omitempty"`
}

// Severities.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
)

// VersionResponse answers version().
type VersionResponse struct {
	Fieldbook string `json:"fieldbook"`
	CelGo     string `json:"celGo"`
}

// SchemaInfo describes one schema in schemas().
type SchemaInfo struct {
	ID     string   `json:"id"`
	Title  string   `json:"title"`
	Source string   `json:"source"`
	Events []string `json:"events"`
}

// SchemasResponse answers schemas().
type SchemasResponse struct {
	Schemas []SchemaInfo `json:"schemas"`
}

// ValidateRequest asks whether payload conforms to schema.
type ValidateRequest struct {
	Schema  string `json:"schema"`
	Payload string `json:"payload"`
	// Key is the result object key an action's result is read under,
	// where Schema is an action's id (default: the action's own key).
	Key string `json:"key,omitempty"`
}

// ValidateResponse is ok when no diagnostic is an error; quirks the schema
// declares come back as warnings.
type ValidateResponse struct {
	OK          bool         `json:"ok"`
	Diagnostics []Diagnostic `json:"diagnostics"`
}

// CheckRequest asks for the type of expression over schema's payloads.
// Payload is read only without a schema, where its top-level keys declare
// the variables.
type CheckRequest struct {
	Schema     string `json:"schema"`
	Dialect    string `json:"dialect,omitempty"`
	Expression string `json:"expression"`
	Payload    string `json:"payload,omitempty"`
	// Event is the trigger's event type, among the schema's (default: the
	// first); in the morf dialect, morf_event_type holds it.
	Event string `json:"event,omitempty"`
	// Key is the result object key an action's result is read under,
	// where Schema is an action's id (default: the action's own key).
	Key string `json:"key,omitempty"`
	// Results are the earlier actions of a workflow whose results the
	// expression reads beside the payload's fields, each under its key,
	// where Schema is a payload's id: a workflow step's context.
	Results []ResultRef `json:"results,omitempty"`
}

// ResultRef names an action of a workflow whose result later steps read
// under Key (default: the action's own key).
type ResultRef struct {
	Key    string `json:"key,omitempty"`
	Action string `json:"action"`
}

// Cost is CEL's estimated cost range of an expression.
type Cost struct {
	Min uint64 `json:"min"`
	Max uint64 `json:"max"`
}

// CheckResponse gives the expression's output type and estimated cost.
type CheckResponse struct {
	OK          bool         `json:"ok"`
	Dialect     string       `json:"dialect,omitempty"` // the dialect the expression was checked in
	Type        string       `json:"type,omitempty"`
	Cost        *Cost        `json:"cost,omitempty"`
	Diagnostics []Diagnostic `json:"diagnostics"`
}

// EvaluateRequest runs expression over payload. Now is the RFC 3339 time
// now() returns; empty means the real time. CostLimit lowers the engine's
// cost limit for this call; 0 keeps the default.
type EvaluateRequest struct {
	Schema     string `json:"schema"`
	Dialect    string `json:"dialect,omitempty"`
	Payload    string `json:"payload"`
	Expression string `json:"expression"`
	Now        string `json:"now,omitempty"`
	CostLimit  uint64 `json:"costLimit,omitempty"`
	Event      string `json:"event,omitempty"` // as CheckRequest's
	Key        string `json:"key,omitempty"`   // as CheckRequest's
	// Explain asks for the value of every part of the expression.
	Explain bool `json:"explain,omitempty"`
}

// EvaluateResponse carries the result as JSON (Value) and as CEL (Display).
// A result too large to answer (Limits.MaxResultBytes for the two) is not
// ok: Value is null, Display the first characters of the display, and
// Truncated says so.
type EvaluateResponse struct {
	OK          bool         `json:"ok"`
	Dialect     string       `json:"dialect,omitempty"` // the dialect the expression ran in
	Type        string       `json:"type,omitempty"`
	Value       any          `json:"value"`
	Display     string       `json:"display,omitempty"`
	Truncated   bool         `json:"truncated,omitempty"`
	Cost        uint64       `json:"cost"`
	Diagnostics []Diagnostic `json:"diagnostics"`
	// Explanation, where the request asked for it, says why: the value
	// of every part that was evaluated (package explain), also when the
	// evaluation failed.
	Explanation *explain.Explanation `json:"explanation,omitempty"`
}

// CompleteRequest asks what may be typed at Offset (in characters) of
// expression.
type CompleteRequest struct {
	Schema     string      `json:"schema"`
	Dialect    string      `json:"dialect,omitempty"`
	Expression string      `json:"expression"`
	Offset     int         `json:"offset"`
	Payload    string      `json:"payload,omitempty"`
	Key        string      `json:"key,omitempty"`     // as CheckRequest's
	Results    []ResultRef `json:"results,omitempty"` // as CheckRequest's
}

// CompletionItem is one suggestion.
type CompletionItem struct {
	Label  string `json:"label"`
	Kind   string `json:"kind"` // field, variable, function, macro, constant, keyword
	Type   string `json:"type,omitempty"`
	Detail string `json:"detail,omitempty"`
	// Insert and At, where set, say that choosing the item replaces the
	// text from At (a character offset) to the response's To with Insert:
	// a map key that is no identifier is indexed, answers["First Name"],
	// in place of the dot before it.
	Insert string `json:"insert,omitempty"`
	At     *int   `json:"at,omitempty"`
}

// CompleteResponse lists suggestions for the word from From to To (character
// offsets in the expression), which a chosen item replaces.
type CompleteResponse struct {
	Items []CompletionItem `json:"items"`
	From  int              `json:"from"`
	To    int              `json:"to"`
}

// ErrorResponse answers a call that could not be served at all: an unknown
// method, a request that is not JSON, or a failure inside the engine.
type ErrorResponse struct {
	OK          bool         `json:"ok"`
	Diagnostics []Diagnostic `json:"diagnostics"`
}

// failure is the answer to a request the engine could not take.
func failure(msg string) ErrorResponse {
	return ErrorResponse{OK: false, Diagnostics: []Diagnostic{requestError(msg)}}
}

func requestError(msg string) Diagnostic {
	return Diagnostic{Severity: SeverityError, Message: msg, Source: "request"}
}

// Dialect describes a dialect for the site and the API.
type Dialect struct {
	Name    string `json:"name"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
}
