// Package api serves the payload engine as a JSON API over HTTP, as the
// Cloudflare Worker runs it: the request and response objects are the ones
// globalThis.fieldbook takes and returns.
//
//	GET  /api/v1/<call>                       a call that takes no request (version, schemas)
//	POST /api/v1/<call>                       a call that takes one (validate, check, evaluate, ...)
//	GET  /api/v1/schemas/<source>/<payload>   one schema document
//
// The calls and their verbs are the engine's method table's
// (engine.Methods); a call the table keeps out of the API is a 404 that
// says why.
//
// Bad input is never a 500: a body over 1 MiB is 413, malformed JSON 400
// (with its line and column), an unknown schema 404, a wrong method 405 with
// Allow, a body that is not JSON 415; every error is
// {"error": {"code", "message"}}. Request bodies are never logged: payloads
// hold patient data. Any origin may call the API, without credentials.
package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"

	"fieldbook/schemas"
	"fieldbook/site/static"
	"fieldbook/wasm/engine"
	"fieldbook/wasm/jsonpos"
)

// Prefix is the API's path.
const Prefix = "/api/v1/"

// MaxBody bounds a request body.
const MaxBody = 1 << 20

// Handler serves the API.
func Handler(eng *engine.Engine, set *schemas.Set) http.Handler {
	return &handler{eng: eng, set: set}
}

type handler struct {
	eng *engine.Engine
	set *schemas.Set
}

// apiError is the one error shape.
type apiError struct {
	status  int
	code    string
	message string
}

// SetCommonHeaders sets the headers every API response carries: the site's
// security headers, no caching, and CORS for any origin. The Worker's
// entry.mjs puts the same on the answers it writes itself.
func SetCommonHeaders(hdr http.Header) {
	for k, v := range static.SecurityHeaders {
		hdr.Set(k, v)
	}
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("Access-Control-Allow-Origin", "*")
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	SetCommonHeaders(w.Header())
	defer func() {
		// A panic must not end the Worker's Go instance, which serves every
		// request of its isolate.
		if p := recover(); p != nil {
			writeError(w, apiError{http.StatusInternalServerError, "internal", fmt.Sprintf("internal error: %v", p)})
		}
	}()
	if e := h.serve(w, r); e != nil {
		writeError(w, *e)
	}
}

func (h *handler) serve(w http.ResponseWriter, r *http.Request) *apiError {
	route, ok := strings.CutPrefix(r.URL.Path, Prefix)
	if !ok {
		return &apiError{http.StatusNotFound, "not_found", "the API is under " + Prefix}
	}
	method, isCall := engine.MethodNamed(route)
	var methods string
	switch {
	case strings.HasPrefix(route, "schemas/"):
		methods = "GET, HEAD, OPTIONS"
	case isCall && method.HTTP == http.MethodGet:
		methods = "GET, HEAD, OPTIONS"
	case isCall && method.HTTP == http.MethodPost:
		methods = "POST, OPTIONS"
	case isCall:
		return &apiError{http.StatusNotFound, "not_found", fmt.Sprintf("%s is not served over HTTP: %s", route, method.NotServed)}
	default:
		return &apiError{http.StatusNotFound, "not_found", fmt.Sprintf("no endpoint %s%s: use %s", Prefix, route, servedNames())}
	}
	if r.Method == http.MethodOptions { // CORS preflight
		w.Header().Set("Access-Control-Allow-Methods", methods)
		w.Header().Set("Access-Control-Allow-Headers", "Content-Type")
		w.Header().Set("Access-Control-Max-Age", "86400")
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	if !slices.Contains(strings.Split(methods, ", "), r.Method) {
		w.Header().Set("Allow", methods)
		return &apiError{http.StatusMethodNotAllowed, "method_not_allowed", fmt.Sprintf("%s %s%s is not allowed: use %s", r.Method, Prefix, route, methods)}
	}
	if id, ok := strings.CutPrefix(route, "schemas/"); ok {
		s, found := h.set.Get(id)
		if !found {
			return unknownSchema(id)
		}
		writeJSON(w, http.StatusOK, s.Raw)
		return nil
	}
	if method.HTTP == http.MethodGet {
		writeJSON(w, http.StatusOK, h.eng.Call(route, nil))
		return nil
	}
	body, e := readBody(r)
	if e != nil {
		return e
	}
	var req struct {
		Schema string `json:"schema"`
	}
	_ = json.Unmarshal(body, &req) // its type errors are the engine's to explain
	if _, found := h.set.Get(req.Schema); req.Schema != "" && !found {
		return unknownSchema(req.Schema)
	}
	resp := h.eng.Call(route, body)
	if msg := requestError(resp); msg != "" {
		return &apiError{http.StatusBadRequest, "bad_request", msg}
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// servedNames lists the calls the API serves, for the 404 that names them.
func servedNames() string {
	var names []string
	for _, m := range engine.Methods() {
		if m.HTTP != "" {
			names = append(names, m.Name)
		}
	}
	return strings.Join(names, ", ")
}

// utf8BOM is the byte-order mark some editors write at the start of a file.
var utf8BOM = []byte("\xef\xbb\xbf")

// readBody reads a POST body that must be a JSON object of at most MaxBody
// bytes.
func readBody(r *http.Request) ([]byte, *apiError) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return nil, &apiError{http.StatusUnsupportedMediaType, "unsupported_media_type", "send the request as Content-Type: application/json"}
	}
	tooLarge := &apiError{http.StatusRequestEntityTooLarge, "payload_too_large", fmt.Sprintf("the request body is over %s", jsonpos.FormatBytes(MaxBody))}
	if r.ContentLength > MaxBody {
		return nil, tooLarge
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
	if err != nil {
		return nil, &apiError{http.StatusBadRequest, "bad_request", "the request body could not be read: " + err.Error()}
	}
	if len(body) > MaxBody {
		return nil, tooLarge
	}
	if bytes.HasPrefix(body, utf8BOM) {
		// JSON forbids it (RFC 8259, section 8.1); say so where it is.
		return nil, &apiError{http.StatusBadRequest, "invalid_json", "the request body is not valid JSON: line 1, column 1: it starts with a UTF-8 byte-order mark (U+FEFF, bytes EF BB BF): send the JSON without one"}
	}
	v, _, perr := jsonpos.Parse(string(body), jsonpos.Limits{MaxDepth: 64})
	if perr != nil {
		return nil, &apiError{http.StatusBadRequest, "invalid_json", fmt.Sprintf("the request body is not valid JSON: line %d, column %d: %s", perr.Line, perr.Column, perr.Message)}
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, &apiError{http.StatusBadRequest, "bad_request", "the request body must be a JSON object, such as {\"schema\": \"elation/appointment\", \"payload\": \"{}\"}"}
	}
	return body, nil
}

// requestError finds the engine's complaint about the request itself (an
// unknown member, a bad clock), as opposed to about the payload or the
// expression, which is a successful answer with ok false.
func requestError(resp []byte) string {
	var r struct {
		Diagnostics []engine.Diagnostic `json:"diagnostics"`
	}
	if err := json.Unmarshal(resp, &r); err != nil {
		return ""
	}
	for _, d := range r.Diagnostics {
		if d.Source == "request" {
			return d.Message
		}
	}
	return ""
}

func unknownSchema(id string) *apiError {
	return &apiError{http.StatusNotFound, "unknown_schema", fmt.Sprintf("unknown schema %q: GET %sschemas lists them", id, Prefix)}
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func writeError(w http.ResponseWriter, e apiError) {
	var body bytes.Buffer
	_ = json.NewEncoder(&body).Encode(map[string]any{"error": map[string]string{"code": e.code, "message": e.message}})
	writeJSON(w, e.status, body.Bytes())
}
