package api

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"fieldbook/schemas"
	"fieldbook/site/static"
	"fieldbook/wasm/engine"
)

// apiCase is one request and what must come back. The same cases run
// against the handler in this process and against the Worker in workerd.
type apiCase struct {
	name        string
	method      string
	path        string
	contentType string
	body        string
	status      int
	code        string // the error code, for errors
	contains    []string
	header      map[string]string
}

func appointmentExample(t testing.TB) string {
	t.Helper()
	set, err := schemas.Load()
	if err != nil {
		t.Fatal(err)
	}
	s, _ := set.Get("elation/appointment")
	b, _ := json.Marshal(s.Example())
	return string(b)
}

func apiCases(t testing.TB) []apiCase {
	payload, _ := json.Marshal(appointmentExample(t))
	req := func(fields string) string {
		return `{"schema": "elation/appointment", "payload": ` + string(payload) + fields + `}`
	}
	return []apiCase{
		{name: "list schemas", method: "GET", path: "/api/v1/schemas", status: 200,
			contains: []string{`{"id":"elation/appointment","title":"Appointment","source":"elation","events":["Elation Appointment Scheduled"`}},
		{name: "one schema", method: "GET", path: "/api/v1/schemas/elation/message-thread", status: 200,
			contains: []string{`"$id": "https://fieldbook.dev/schemas/elation/message-thread.json"`}},
		{name: "unknown schema document", method: "GET", path: "/api/v1/schemas/elation/nope", status: 404, code: "unknown_schema"},
		{name: "validate", method: "POST", path: "/api/v1/validate", body: req(""), status: 200,
			contains: []string{`"ok":true`, `"pointer":"/status"`, `known quirk`}},
		{name: "invalid payload is an answer", method: "POST", path: "/api/v1/validate",
			body: `{"schema": "elation/appointment", "payload": "{\"mode\": \"PHONE\"}"}`, status: 200,
			contains: []string{`"ok":false`, `"pointer":"/mode"`}},
		{name: "check", method: "POST", path: "/api/v1/check", body: `{"schema": "elation/message-thread", "expression": "members.map(x, x.id)"}`, status: 200,
			contains: []string{`"ok":true`, `"type":"list(string)"`, `"cost":{"min":`}},
		{name: "evaluate in the schema's dialect", method: "POST", path: "/api/v1/evaluate",
			body: req(`, "expression": "appointment_datetime.isAfter(morf.now().sub(parseDuration(\"24h\"))) && status.orValue(\"\") == \"\"", "now": "2016-10-13T12:00:00Z"`), status: 200,
			contains: []string{`"ok":true`, `"dialect":"morf"`, `"value":true`}},
		{name: "evaluate in a named dialect", method: "POST", path: "/api/v1/evaluate",
			body: req(`, "dialect": "cel", "expression": "status == null && appointment_datetime.getHours(\"America/Los_Angeles\") == 4"`), status: 200,
			contains: []string{`"ok":true`, `"dialect":"cel"`, `"value":true`}},
		{name: "unknown dialect", method: "POST", path: "/api/v1/check", body: `{"schema": "", "dialect": "morph", "expression": "1"}`, status: 400,
			code: "bad_request", contains: []string{`unknown dialect \"morph\"`}},
		{name: "typo is an answer", method: "POST", path: "/api/v1/check", body: `{"schema": "elation/appointment", "expression": "service_location.citty"}`, status: 200,
			contains: []string{`"ok":false`, `did you mean 'city'?`, `"column":17`}},
		{name: "evaluate", method: "POST", path: "/api/v1/evaluate", body: req(`, "expression": "appointment_datetime + duration('1h')", "now": "2024-01-01T00:00:00Z"`), status: 200,
			contains: []string{`"value":"2016-10-13T12:15:00Z"`, `"type":"google.protobuf.Timestamp"`}},
		{name: "evaluate, explained", method: "POST", path: "/api/v1/evaluate", body: req(`, "expression": "mode == \"VIDEO\" && appointment_duration_in_minutes == 30", "explain": true`), status: 200,
			contains: []string{`"value":false`, `"explanation":{"parts":[`, `"decided":true`, "\"summary\":\"false because `appointment_duration_in_minutes == 30` is false\""}},
		{name: "schema-less", method: "POST", path: "/api/v1/evaluate", contentType: "application/json; charset=utf-8",
			body: `{"schema": "", "payload": "{\"n\": 2}", "expression": "n * 21"}`, status: 200, contains: []string{`"value":42`}},
		{name: "too large", method: "POST", path: "/api/v1/evaluate", body: `{"schema": "", "payload": "` + strings.Repeat("x", MaxBody) + `"}`,
			status: 413, code: "payload_too_large"},
		{name: "malformed JSON", method: "POST", path: "/api/v1/evaluate", body: "{\n  \"schema\": \"\",\n  \"payload\": }", status: 400, code: "invalid_json",
			contains: []string{"line 3, column 14"}},
		{name: "byte-order mark", method: "POST", path: "/api/v1/evaluate", body: "\ufeff" + `{"schema": "", "payload": "{}", "expression": "1"}`,
			status: 400, code: "invalid_json", contains: []string{"line 1, column 1", "byte-order mark"}},
		{name: "not an object", method: "POST", path: "/api/v1/check", body: `["appointment_id"]`, status: 400, code: "bad_request"},
		{name: "unknown member", method: "POST", path: "/api/v1/check", body: `{"schema": "", "expresion": "1"}`, status: 400, code: "bad_request",
			contains: []string{`unknown field \"expresion\"`}},
		{name: "unknown schema", method: "POST", path: "/api/v1/evaluate", body: `{"schema": "elation/apointment", "payload": "{}", "expression": "1"}`,
			status: 404, code: "unknown_schema"},
		{name: "wrong method", method: "GET", path: "/api/v1/evaluate", status: 405, code: "method_not_allowed",
			header: map[string]string{"Allow": "POST, OPTIONS"}},
		{name: "wrong method on schemas", method: "DELETE", path: "/api/v1/schemas", status: 405, code: "method_not_allowed",
			header: map[string]string{"Allow": "GET, HEAD, OPTIONS"}},
		{name: "wrong content type", method: "POST", path: "/api/v1/evaluate", contentType: "text/plain", body: `{}`, status: 415, code: "unsupported_media_type"},
		{name: "no content type", method: "POST", path: "/api/v1/evaluate", contentType: "-", body: `{}`, status: 415, code: "unsupported_media_type"},
		{name: "unknown endpoint", method: "POST", path: "/api/v1/launch", body: `{}`, status: 404, code: "not_found"},
		// Calls beyond the four the API first served: the table serves them all but batch.
		{name: "version", method: "GET", path: "/api/v1/version", status: 200, contains: []string{`"fieldbook":"` + engine.Version + `"`, `"celGo":"` + engine.CelGoVersion + `"`}},
		{name: "complete", method: "POST", path: "/api/v1/complete", body: `{"schema": "elation/appointment", "expression": "appointment_d", "offset": 13}`, status: 200,
			contains: []string{`"label":"appointment_datetime"`, `"from":0`}},
		{name: "infer", method: "POST", path: "/api/v1/infer", body: `{"payload": "{\"n\": 2}"}`, status: 200,
			contains: []string{`"ok":true`, `"n":{"type":"integer"`}},
		{name: "no batch, and why", method: "POST", path: "/api/v1/batch", body: `{"schema": "", "payloads": "", "expressions": []}`, status: 404, code: "not_found",
			contains: []string{"batch is not served over HTTP: a batch runs up to 20 expressions over up to 100,000 payloads"}},
		{name: "unknown endpoint names the served ones", method: "GET", path: "/api/v1/validates", status: 404, code: "not_found",
			contains: []string{"use version, schemas, validate, check, evaluate, complete, infer"}},
		{name: "outside /api/v1/", method: "GET", path: "/api/v2/schemas", status: 404, code: "not_found"},
		// The test endpoints exist only in ./build.sh test's own build of the Worker.
		{name: "no test exit", method: "POST", path: "/api/v1/test/exit", body: `{}`, status: 404, code: "not_found"},
		{name: "no test memory", method: "GET", path: "/api/v1/test/memory", status: 404, code: "not_found"},
		{name: "preflight", method: "OPTIONS", path: "/api/v1/evaluate", status: 204,
			header: map[string]string{"Access-Control-Allow-Methods": "POST, OPTIONS", "Access-Control-Allow-Origin": "*"}},
	}
}

// runMethodTable sends a request to every call of the engine's method
// table as the table says it is served, and compares the answer with the
// engine's own: a call added to the table is served without another edit.
func runMethodTable(t *testing.T, base string) {
	set, err := schemas.Load()
	if err != nil {
		t.Fatal(err)
	}
	eng := engine.New(set, engine.DefaultLimits)
	for _, m := range engine.Methods() {
		t.Run(m.Name, func(t *testing.T) {
			verb := m.HTTP
			if verb == "" {
				verb = "POST"
			}
			r, _ := http.NewRequest(verb, base+Prefix+m.Name, strings.NewReader(`{}`))
			r.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(r)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if m.HTTP == "" {
				var e struct {
					Error struct{ Code, Message string }
				}
				_ = json.Unmarshal(body, &e)
				if resp.StatusCode != 404 || !strings.Contains(e.Error.Message, m.NotServed) {
					t.Fatalf("%s, not served, answered %d %s; want 404 saying %q", m.Name, resp.StatusCode, body, m.NotServed)
				}
				return
			}
			want := eng.Call(m.Name, []byte(`{}`))
			if m.HTTP == "GET" {
				want = eng.Call(m.Name, nil)
			}
			if msg := requestError(want); msg != "" {
				if resp.StatusCode != 400 || !strings.Contains(string(body), jsonText(t, msg)) {
					t.Fatalf("%s %s answered %d %s; want 400 saying %q", verb, m.Name, resp.StatusCode, body, msg)
				}
				return
			}
			if resp.StatusCode != 200 || string(body) != string(want) {
				t.Fatalf("%s %s answered %d\n%s\nthe engine answers\n%s", verb, m.Name, resp.StatusCode, body, want)
			}
			// The preflight names the verb.
			r, _ = http.NewRequest("OPTIONS", base+Prefix+m.Name, nil)
			resp, err = http.DefaultClient.Do(r)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if allow := resp.Header.Get("Access-Control-Allow-Methods"); !strings.HasPrefix(allow, m.HTTP+", ") {
				t.Errorf("the preflight of %s allows %q, want %s first", m.Name, allow, m.HTTP)
			}
		})
	}
}

// jsonText is s as it appears inside a JSON string.
func jsonText(t *testing.T, s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Trim(string(b), `"`)
}

func TestEveryMethodOfTheTableIsServed(t *testing.T) {
	runMethodTable(t, localAPI(t))
}

// runAPICases sends every case to base and checks the answers.
func runAPICases(t *testing.T, base string) {
	for _, c := range apiCases(t) {
		t.Run(c.name, func(t *testing.T) {
			r, err := http.NewRequest(c.method, base+c.path, strings.NewReader(c.body))
			if err != nil {
				t.Fatal(err)
			}
			switch c.contentType {
			case "":
				if c.method == "POST" {
					r.Header.Set("Content-Type", "application/json")
				}
			case "-":
			default:
				r.Header.Set("Content-Type", c.contentType)
			}
			r.Header.Set("Origin", "https://ci.example")
			resp, err := http.DefaultClient.Do(r)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.status, body)
			}
			checkHeaders(t, resp)
			for k, v := range c.header {
				if got := resp.Header.Get(k); got != v {
					t.Errorf("%s: %q, want %q", k, got, v)
				}
			}
			if c.status == 204 {
				return
			}
			if !json.Valid(body) {
				t.Fatalf("not JSON: %s", body)
			}
			if c.code != "" {
				var e struct {
					Error struct{ Code, Message string }
				}
				if err := json.Unmarshal(body, &e); err != nil || e.Error.Code != c.code || e.Error.Message == "" {
					t.Errorf("error %s, want code %q", body, c.code)
				}
			}
			for _, want := range c.contains {
				if !strings.Contains(string(body), want) {
					t.Errorf("the answer lacks %s: %.400s", want, body)
				}
			}
		})
	}
}

// checkHeaders holds every API response to the site's security headers and
// the API's CORS and cache policy.
func checkHeaders(t *testing.T, resp *http.Response) {
	t.Helper()
	for k, v := range static.SecurityHeaders {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("%s: %q", k, got)
		}
	}
	if resp.Header.Get("Access-Control-Allow-Origin") != "*" || resp.Header.Get("Access-Control-Allow-Credentials") != "" {
		t.Errorf("CORS: %v", resp.Header)
	}
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control: %q", resp.Header.Get("Cache-Control"))
	}
}

func TestAPI(t *testing.T) {
	runAPICases(t, localAPI(t))
}

func TestAPanicIsA500NotACrash(t *testing.T) {
	h := Handler(&engine.Engine{}, nil) // no schemas: the handler panics inside
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/api/v1/schemas/elation/appointment", nil))
	if w.Code != 500 || !strings.Contains(w.Body.String(), `"code":"internal"`) {
		t.Errorf("%d %s", w.Code, w.Body.String())
	}
}
