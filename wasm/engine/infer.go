package engine

import (
	"encoding/json"

	"fieldbook/wasm/infer"
)

// InferRequest asks for a JSON Schema that describes a payload.
type InferRequest struct {
	Payload string `json:"payload"`
}

// InferResponse carries the inferred schema as a JSON Schema 2020-12
// document.
type InferResponse struct {
	OK          bool            `json:"ok"`
	Schema      json.RawMessage `json:"schema,omitempty"`
	Diagnostics []Diagnostic    `json:"diagnostics"`
}

// Infer describes a payload with a JSON Schema: its types, nested objects,
// arrays of objects (whose elements are merged into one type), objects
// whose keys are data (maps) and RFC 3339 strings as date-times.
func (e *Engine) Infer(req InferRequest) InferResponse {
	p, bad := e.prepare(preparation{payload: req.Payload, payloadIn: true})
	if bad != nil {
		return InferResponse{OK: false, Diagnostics: []Diagnostic{*bad}}
	}
	return InferResponse{OK: true, Schema: infer.Document(p.payload.value), Diagnostics: []Diagnostic{}}
}
