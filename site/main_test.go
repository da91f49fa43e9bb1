package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"fieldbook/schemas"
	"fieldbook/wasm/engine"
)

// cli runs the command line as a user would, returning its status and
// output.
func cli(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func appointmentFile(t *testing.T) string {
	t.Helper()
	set, err := schemas.Load()
	if err != nil {
		t.Fatal(err)
	}
	s, _ := set.Get("elation/appointment")
	b, _ := json.MarshalIndent(s.Example(), "", "  ")
	p := filepath.Join(t.TempDir(), "appointment.json")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestValidateCommand(t *testing.T) {
	p := appointmentFile(t)
	code, out, _ := cli(t, "", "validate", "-schema", "elation/appointment", p)
	if code != 0 || !strings.Contains(out, "valid") || !strings.Contains(out, "appointment.json:") || !strings.Contains(out, ": warning: known quirk") {
		t.Errorf("valid payload: %d\n%s", code, out)
	}
	code, out, _ = cli(t, "", "validate", "-schema", "elation/appointment", p, "--json")
	var resp struct {
		OK          bool
		Diagnostics []map[string]any
	}
	if err := json.Unmarshal([]byte(out), &resp); err != nil || code != 0 || !resp.OK || len(resp.Diagnostics) != 3 { // the example's three quirks
		t.Errorf("--json after the file: %d %v\n%s", code, err, out)
	}
	code, out, _ = cli(t, `{"mode": "PHONE"}`, "validate", "-schema", "elation/appointment", "-")
	if code != 1 || !strings.Contains(out, "-:1:10: error:") {
		t.Errorf("invalid payload from stdin: %d\n%s", code, out)
	}
	code, _, errOut := cli(t, "{}", "validate", "-schema", "elation/nope", "-")
	if code != 2 || !strings.Contains(errOut, `unknown schema "elation/nope"`) {
		t.Errorf("unknown schema: %d %s", code, errOut)
	}
	if code, _, _ := cli(t, "", "validate", "-schema", "elation/appointment"); code != 2 {
		t.Errorf("no payload file: %d", code)
	}
	if code, _, _ := cli(t, "", "validate", "-schema", "elation/appointment", "/no/such/file.json"); code != 2 {
		t.Errorf("missing file: %d", code)
	}
}

func TestEvalCommand(t *testing.T) {
	p := appointmentFile(t)
	code, out, _ := cli(t, "", "eval", "-schema", "elation/appointment", "-payload", p, `service_location.city + ", " + service_location.state`)
	if code != 0 || out != "\"San Francisco, CA\"\n" {
		t.Errorf("eval: %d %q", code, out)
	}
	code, out, _ = cli(t, "", "eval", "-schema", "elation/appointment", "-payload", p, "--json", "-now", "2016-10-13T12:00:00Z", `now() - appointment_datetime`)
	var resp struct {
		OK    bool
		Type  string
		Value any
	}
	if err := json.Unmarshal([]byte(out), &resp); err != nil || code != 0 || resp.Type != "google.protobuf.Duration" || resp.Value != "2700s" {
		t.Errorf("--json: %d %v %s", code, err, out)
	}
	code, _, errOut := cli(t, "", "eval", "-schema", "elation/appointment", "-payload", p, "service_location.citty")
	if code != 1 || !strings.Contains(errOut, "expression:1:17: error: undefined field 'citty' (did you mean 'city'?)") {
		t.Errorf("typo: %d %s", code, errOut)
	}
	code, _, errOut = cli(t, `{"a": [`, "eval", "-payload", "-", "a")
	if code != 1 || !strings.Contains(errOut, "-:1:8: error:") {
		t.Errorf("broken payload: %d %s", code, errOut)
	}
	if code, _, _ := cli(t, "", "eval", "-schema", "elation/appointment", "appointment_id"); code != 2 {
		t.Errorf("no -payload: %d", code)
	}
	if code, _, _ := cli(t, "", "frobnicate"); code != 2 {
		t.Errorf("unknown command: %d", code)
	}
}

// endlessReader is standard input that never ends, as /dev/zero.
type endlessReader struct{ read int }

func (r *endlessReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	r.read += len(p)
	return len(p), nil
}

// TestInputIsReadOnlyToTheLimit: the command line reads a payload no
// further than one byte past the engine's limit, and answers with the
// size error (status 1) instead of filling memory.
func TestInputIsReadOnlyToTheLimit(t *testing.T) {
	in := &endlessReader{}
	var out, errOut bytes.Buffer
	code := run([]string{"validate", "-schema", "", "-"}, in, &out, &errOut)
	if code != 1 || !strings.Contains(out.String(), "the payload is over 5.0 MiB, the limit") || in.read > 6<<20 {
		t.Errorf("endless stdin: status %d, read %d bytes\n%s%s", code, in.read, out.String(), errOut.String())
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		code, out, _ := cli(t, "", "validate", "-schema", "", "/dev/zero")
		if code != 1 || !strings.Contains(out, "/dev/zero:1:1: error: the payload is over 5.0 MiB") {
			t.Errorf("/dev/zero: %d %s", code, out)
		}
	}
	big := filepath.Join(t.TempDir(), "big.json")
	if err := os.WriteFile(big, []byte(`{"a": "`+strings.Repeat("x", 5<<20)+`"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errText := cli(t, "", "eval", "-schema", "", "-payload", big, "a.size()")
	if code != 1 || !strings.Contains(errText, "the payload is 5,242,889 bytes; the limit is 5,242,880 bytes") {
		t.Errorf("a file 9 bytes over: %d %s", code, errText)
	}
}

// TestCostlyExpressionsStopOnTheCommandLine: the expressions that ran for
// tens of seconds answer at once with the cost limit's message, status 1.
func TestCostlyExpressionsStopOnTheCommandLine(t *testing.T) {
	p := filepath.Join(t.TempDir(), "s.json")
	if err := os.WriteFile(p, []byte(`{"s": "`+strings.Repeat("a", 100_000)+`"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, expr := range []string{`lists.range(100000).distinct().size()`, `s.split("").join(s).size()`, `s.replace("a", s).size()`} {
		done := make(chan struct{})
		go func() {
			defer close(done)
			code, _, errText := cli(t, "", "eval", "-schema", "", "-payload", p, expr)
			if code != 1 || !strings.Contains(errText, "past the cost limit of 1,000,000 units") {
				t.Errorf("%s: %d %s", expr, code, errText)
			}
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second): // a hang, not a timing: the call takes milliseconds
			t.Fatalf("%s has not answered after 10 s", expr)
		}
	}
}

// TestImportCommand imports a seed page as a user would: the draft lands
// under schemas/<source>/<payload>.json, loads, names its page, and a
// second run over a hand edit keeps the edit.
func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	page := filepath.Join("importer", "testdata", "appointment.txt")
	code, _, errOut := cli(t, "", "import", "-page", page, "-schemas", dir,
		"-url", "https://docs.example/elation/appointment", "-partial", "the page stops before the payment's fields",
		"-description", "An Elation appointment.")
	target := filepath.Join(dir, "elation", "appointment.json")
	if code != 0 || !strings.Contains(errOut, "wrote "+target) || !strings.Contains(errOut, `list "elation/appointment" in the catalog`) {
		t.Fatalf("import: %d\n%s", code, errOut)
	}
	if !strings.Contains(errOut, "warning: no description on the page for: service_location.phone_number.") {
		t.Errorf("the fields the page leaves undescribed are not named:\n%s", errOut)
	}
	raw, err := os.ReadFile(target)
	if err != nil {
		t.Fatal(err)
	}
	s, err := schemas.Standalone("elation/appointment", raw)
	if err != nil {
		t.Fatalf("the draft does not load: %v", err)
	}
	if p := s.Root.XSourcePage; p == nil || p.URL != "https://docs.example/elation/appointment" || p.Partial == "" || s.Root.Description != "An Elation appointment." {
		t.Errorf("root: %+v %q", p, s.Root.Description)
	}

	edited := strings.Replace(string(raw), `"Type of time slot."`, `"The kind of slot: appointment or event."`, 1)
	if err := os.WriteFile(target, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = cli(t, "", "import", "-page", page, "-schemas", dir)
	after, _ := os.ReadFile(target)
	if code != 0 || !strings.Contains(errOut, "updated") || !strings.Contains(string(after), "The kind of slot: appointment or event.") {
		t.Errorf("re-run: %d %s", code, errOut)
	}

	// The pieces in files, to standard output.
	ex := filepath.Join(dir, "ex.json")
	os.WriteFile(ex, []byte(`{"id": "1", "at": "2024-06-11T09:00:00Z"}`), 0o644)
	code, out, _ := cli(t, "", "import", "-example", ex, "-source", "acme", "-payload", "order", "-title", "Order", "-events", "Order Created, Order Paid", "-o", "-")
	if code != 0 || !strings.Contains(out, `"$id": "https://fieldbook.dev/schemas/acme/order.json"`) || !strings.Contains(out, `"x-events": ["Order Created", "Order Paid"]`) {
		t.Errorf("pieces: %d\n%s", code, out)
	}
	if code, _, _ := cli(t, "", "import", "-source", "acme"); code != 2 {
		t.Errorf("no material: %d", code)
	}
	if code, _, errOut := cli(t, "", "import", "-example", ex, "-o", "-"); code != 2 || !strings.Contains(errOut, "-source and -payload") {
		t.Errorf("no names: %d %s", code, errOut)
	}
	if code, _, _ := cli(t, "", "import", "-page", "/no/such/page.txt"); code != 2 {
		t.Errorf("missing page: %d", code)
	}
}

// Every call of the engine's method table runs from the command line and
// prints the engine's own answer: a call added to the table is there
// without another edit.
func TestCallRunsEveryMethodOfTheTable(t *testing.T) {
	set, err := schemas.Load()
	if err != nil {
		t.Fatal(err)
	}
	eng := engine.New(set, engine.DefaultLimits)
	request := `{"schema": "", "payload": "{\"n\": 2}", "expression": "n * 21"}`
	for _, m := range engine.Methods() {
		code, out, _ := cli(t, request, "call", m.Name, "-")
		want := eng.Call(m.Name, []byte(request))
		var got, wantV any
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("call %s printed %q: %v", m.Name, out, err)
		}
		_ = json.Unmarshal(want, &wantV)
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(wantV)
		if string(g) != string(w) {
			t.Errorf("call %s printed\n%s\nthe engine answers\n%s", m.Name, g, w)
		}
		if code == exitUsage && !strings.Contains(string(want), `"source":"request"`) {
			t.Errorf("call %s exited %d (bad usage) for an answer that is not a request error", m.Name, code)
		}
	}
	if code, _, errOut := cli(t, "", "call", "launch"); code != exitUsage || !strings.Contains(errOut, `unknown method "launch": use version, schemas`) {
		t.Errorf("call launch: %d %q", code, errOut)
	}
	if code, out, _ := cli(t, "", "call", "evaluate", "-"); code != exitInvalid || !strings.Contains(out, `"ok": false`) {
		t.Errorf("an empty evaluate request: %d %q", code, out)
	}
	if code, out, _ := cli(t, request, "call", "evaluate", "-"); code != exitOK || !strings.Contains(out, `"value": 42`) {
		t.Errorf("call evaluate: %d %q", code, out)
	}
}

// TestEvalExplain holds eval --explain to a power assertion: each value
// starts in the column (in characters) of what it is the value of.
func TestEvalExplain(t *testing.T) {
	p := appointmentFile(t)
	expr := `"é🎉" + mode == "IN_PERSON" && appointment_duration_in_minutes > 10`
	code, out, errOut := cli(t, "", "eval", "-schema", "elation/appointment", "-payload", p, "--explain", expr)
	if code != 0 {
		t.Fatalf("eval --explain: %d %s", code, errOut)
	}
	lines := strings.Split(out, "\n")
	if lines[0] != expr {
		t.Fatalf("the first line is %q, not the expression", lines[0])
	}
	column := func(line, s string) int {
		at := strings.Index(line, s)
		if at < 0 {
			return -1
		}
		return utf8.RuneCountInString(line[:at])
	}
	under := func(value, in string) {
		t.Helper()
		want := column(expr, in)
		for _, l := range lines[1:] {
			if c := column(l, value); c >= 0 {
				if c != want {
					t.Errorf("%s is in column %d, not under %q (column %d)\n%s", value, c, in, want, out)
				}
				return
			}
		}
		t.Errorf("no line holds %s\n%s", value, out)
	}
	under(`"é🎉VIDEO"`, "+")
	under(`"VIDEO"`, "mode")
	if !strings.Contains(out, "false because `\"é🎉\" + mode == \"IN_PERSON\"` is false") ||
		!strings.Contains(out, "not evaluated (an earlier operand decided): `appointment_duration_in_minutes > 10`") {
		t.Errorf("no reason:\n%s", out)
	}

	code, out, _ = cli(t, "", "eval", "-schema", "elation/appointment", "-payload", p, "--explain", "--json", expr)
	var resp struct {
		Explanation struct {
			Parts []struct {
				From, To int
				Decided  bool
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &resp); err != nil || code != 0 || len(resp.Explanation.Parts) < 4 {
		t.Fatalf("--explain --json: %d %v\n%s", code, err, out)
	}
	for _, part := range resp.Explanation.Parts {
		if part.Decided && string([]rune(expr)[part.From:part.To]) != `"é🎉" + mode == "IN_PERSON"` {
			t.Errorf("decided: %q", string([]rune(expr)[part.From:part.To]))
		}
	}
}
