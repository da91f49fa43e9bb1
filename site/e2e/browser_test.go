package e2e

// Browser tests: the built site, served as local serve serves it, driven in
// a real headless Chromium. ./build.sh test builds the shipped module first
// and names it in FIELDBOOK_WASM.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"fieldbook/schemas"
	"fieldbook/site/generate"
	"fieldbook/site/headless"
	"fieldbook/site/static"
)

// siteURL is the test server, shared by the tests, serving siteDir;
// requests records every request it was sent.
var (
	siteURL  string
	siteDir  string // the built site the server serves
	requests = &requestLog{}
)

type requestLog struct {
	mu   sync.Mutex
	seen []string // method, URL and body of each request
}

func (l *requestLog) add(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seen = append(l.seen, s)
}

func (l *requestLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string{}, l.seen...)
}

func TestMain(m *testing.M) {
	os.Exit(runWithSite(m))
}

func runWithSite(m *testing.M) int {
	wasm := os.Getenv("FIELDBOOK_WASM")
	if wasm == "" {
		fmt.Fprintln(os.Stderr, "the browser tests need the engine module: run them with ./build.sh test, or set FIELDBOOK_WASM")
		return 1
	}
	dir, err := os.MkdirTemp("", "fieldbook-site")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	wasmExec, err := toolchainWasmExec()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	editor := os.Getenv("FIELDBOOK_EDITOR")
	if editor == "" {
		editor = "../../build/editor/editor.js"
	}
	playground := os.Getenv("FIELDBOOK_PLAYGROUND")
	if playground == "" {
		// Bundle the playground's modules as ./build.sh does, so that the
		// tests run what its sources say now.
		cmd := exec.Command("bash", "../../build.sh", "playground")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "./build.sh playground:", err)
			return 1
		}
		playground = "../../build/playground/playground.js"
	}
	out := filepath.Join(dir, "dist")
	siteDir = out
	if _, err := generate.Build(generate.Options{Out: out, Wasm: wasm, Editor: editor, Playground: playground, WasmExec: wasmExec, SiteURL: "http://127.0.0.1", CacheDir: "../../build/cache", Indexer: "../search/index.mjs"}); err != nil {
		fmt.Fprintln(os.Stderr, "build:", err)
		return 1
	}
	h, err := static.Handler(out)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		requests.add(r.Method + " " + r.URL.String() + " " + string(body))
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	siteURL = srv.URL
	return m.Run()
}

// toolchainWasmExec finds wasm_exec.js in the Go toolchain that built the
// module, as the site's build command does.
func toolchainWasmExec() (string, error) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOROOT: %w", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "lib", "wasm", "wasm_exec.js"), nil
}

// browser is one Chromium tab with what it reported.
type browser struct {
	ctx      context.Context
	mu       sync.Mutex
	console  []string // console errors and uncaught exceptions
	security []string // the browser's own security messages: a CSP refusal, say
	dialogs  []string
	requests []string // what the page's network domain saw
}

func (b *browser) record(list *[]string, s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	*list = append(*list, s)
}

func (b *browser) snapshot(list *[]string) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string{}, (*list)...)
}

// newBrowser starts headless Chromium with the flags this machine needs.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	ctx, cancel := headless.Start(t.TempDir(), chromedp.WindowSize(1280, 900))
	t.Cleanup(cancel)
	b := &browser{ctx: ctx}
	if err := chromedp.Do(ctx); err != nil { // start the browser
		t.Fatalf("chromium did not start: %v", err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, runtime.Enable, struct{}{}); err != nil {
		t.Fatal(err)
	}
	// A CSP refusal reaches the log domain, not the console API.
	if _, err := chromedp.Call(ctx, cdplog.Enable, struct{}{}); err != nil {
		t.Fatal(err)
	}
	dialogs := make(chan struct{}, 8)
	err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				b.record(&b.console, strings.Join(parts, " "))
			}
		case *cdplog.EventEntryAdded:
			if ev.Entry.Source == cdplog.EntrySourceSecurity {
				b.record(&b.security, ev.Entry.Text)
			}
		case *runtime.EventExceptionThrown:
			b.record(&b.console, ev.ExceptionDetails.Text+" "+exceptionText(ev))
		case *page.EventJavascriptDialogOpening:
			b.record(&b.dialogs, ev.Message)
			select {
			case dialogs <- struct{}{}:
			default:
			}
		case *network.EventRequestWillBeSent:
			var body bytes.Buffer
			for _, e := range ev.Request.PostDataEntries {
				body.Write(e.Bytes)
			}
			b.record(&b.requests, ev.Request.Method+" "+ev.Request.URL+" "+body.String())
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	go func() { // dismiss dialogs, outside the event loop as chromedp asks
		for range dialogs {
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{})
		}
	}()
	return b
}

func exceptionText(ev *runtime.EventExceptionThrown) string {
	if ev.ExceptionDetails.Exception != nil {
		return ev.ExceptionDetails.Exception.Description
	}
	return ""
}

func (b *browser) do(t *testing.T, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

func jsEval[T any](t *testing.T, b *browser, js string) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// waitFor polls a JavaScript predicate until it is truthy.
func waitFor(t *testing.T, b *browser, what, js string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	deadline := time.Now().Add(45 * time.Second)
	for {
		_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingTimeout(time.Until(deadline))))
		if err == nil {
			return
		}
		// A navigation under way (a link followed, Enter on a result)
		// ends the page the poll ran in: poll again in the next one.
		if navigating(err) && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		t.Fatalf("waiting for %s: %v\nconsole: %v", what, err, b.snapshot(&b.console))
	}
}

// navigating tells the errors of a script run in a page that a navigation
// replaced while it ran.
func navigating(err error) bool {
	for _, s := range []string{"Cannot find context with specified id", "Execution context was destroyed", "Inspected target navigated"} {
		if strings.Contains(err.Error(), s) {
			return true
		}
	}
	return false
}

// openPlayground loads a page, comes to its playground as a reader would
// (which starts the engine on a payload page) and waits for the engine's
// first results.
func openPlayground(t *testing.T, b *browser, path string) {
	t.Helper()
	b.do(t, chromedp.Navigate(siteURL+path))
	comeToPlayground(t, b)
	waitFor(t, b, "the playground's first result and its editors", `document.querySelector('[data-fb="playground"]').dataset.ready === 'true' && !!document.querySelector('.fb-editor-json')`)
}

// setValue types into a textarea as a reader would, by replacing its text
// and firing the input event the page listens to.
func setValue(t *testing.T, b *browser, selector, value string) {
	t.Helper()
	v, _ := json.Marshal(value)
	s, _ := json.Marshal(selector)
	jsEval[any](t, b, fmt.Sprintf(`(() => { const el = document.querySelector(%s); el.value = %s; el.dispatchEvent(new Event('input', {bubbles: true})); return true })()`, s, v))
}

// comeToPlayground scrolls the page's playground, if it has one, into view.
func comeToPlayground(t *testing.T, b *browser) {
	t.Helper()
	jsEval[bool](t, b, `document.querySelector('[data-fb="playground"]')?.scrollIntoView(), true`)
}

const firstResult = `document.querySelector('[data-fb="result"]').textContent`

// resultOf is, in JavaScript, the result shown beside the expression row
// that holds exactly expr (” while there is none).
func resultOf(expr string) string {
	quoted, _ := json.Marshal(expr)
	return `([...document.querySelectorAll('[data-fb="expression"]')].find((e) => e.value === ` + string(quoted) + `)?.closest('.expression').querySelector('[data-fb="result"]').textContent || '')`
}

func TestPayloadPageShowsEveryFieldOnce(t *testing.T) {
	set, err := schemas.Load()
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	for _, s := range set.All() {
		b.do(t, chromedp.Navigate(siteURL+"/events/"+s.ID+"/"))
		got := jsEval[[]string](t, b, `[...document.querySelectorAll('[data-field]')].map(e => e.dataset.field)`)
		want := map[string]bool{}
		for _, f := range s.Fields {
			want[f.Name()] = true
		}
		seen := map[string]int{}
		for _, name := range got {
			seen[name]++
			if !want[name] {
				t.Errorf("%s shows %s, which the schema does not have", s.ID, name)
			}
		}
		for name := range want {
			if seen[name] != 1 {
				t.Errorf("%s shows %s %d times", s.ID, name, seen[name])
			}
		}
	}
}

func TestTypingAnExpressionShowsItsValue(t *testing.T) {
	b := newBrowser(t)
	openPlayground(t, b, "/events/elation/appointment/")
	setValue(t, b, `[data-fb="expression"]`, `service_location.city + ", " + service_location.state`)
	waitFor(t, b, "the value", firstResult+`.includes('"San Francisco, CA"')`)
	if got := jsEval[string](t, b, firstResult); !strings.Contains(got, "string") || !strings.Contains(got, "cost") {
		t.Errorf("the result shows no type and cost: %q", got)
	}

	setValue(t, b, `[data-fb="expression"]`, `service_location.citty`)
	waitFor(t, b, "the typo's error", firstResult+`.includes("did you mean 'city'")`)
	if got := jsEval[string](t, b, firstResult); !strings.Contains(got, "1:17") {
		t.Errorf("the typo's error has no position: %q", got)
	}
}

func TestTryRunsTheFieldsExpression(t *testing.T) {
	b := newBrowser(t)
	openPlayground(t, b, "/events/elation/message-thread/")
	first := jsEval[string](t, b, `document.querySelector('[data-fb="expression"]').value`)
	b.do(t, chromedp.Click(chromedp.CSS(`[id="messages.associated_document.document_type"] button.try`)))
	// Try adds the field's expression beside the reader's own.
	waitFor(t, b, "the field's value", resultOf("messages.map(x, x.associated_document.document_type)")+`.includes('[91]')`)
	if got := jsEval[string](t, b, `document.querySelector('[data-fb="expression"]').value`); got != first {
		t.Errorf("Try replaced the first expression, %q, with %q", first, got)
	}
	if n := jsEval[int](t, b, `document.querySelectorAll('[data-fb="expression"]').length`); n != 2 {
		t.Errorf("%d expressions after Try, want 2", n)
	}
	// Tried again, it runs where it already is.
	b.do(t, chromedp.Click(chromedp.CSS(`[id="messages.associated_document.document_type"] button.try`)))
	if n := jsEval[int](t, b, `document.querySelectorAll('[data-fb="expression"]').length`); n != 2 {
		t.Errorf("%d expressions after a second Try, want 2", n)
	}
}

func TestBrokenPayloadShowsItsDiagnostics(t *testing.T) {
	b := newBrowser(t)
	openPlayground(t, b, "/events/elation/appointment/")
	setValue(t, b, `[data-fb="payload"]`, "{\n  \"mode\": VIDEO\n}")
	waitFor(t, b, "the syntax error", `document.querySelector('[data-fb="diagnostics"]').textContent.includes('2:11')`)
	if got := jsEval[string](t, b, `document.querySelector('[data-fb="status"]').textContent`); !strings.HasPrefix(got, "Not valid") {
		t.Errorf("status %q", got)
	}
	setValue(t, b, `[data-fb="payload"]`, `{"mode": "PHONE", "status": null}`)
	waitFor(t, b, "schema errors", `document.querySelector('[data-fb="diagnostics"]').textContent.includes('/mode')`)
	text := jsEval[string](t, b, `document.querySelector('[data-fb="diagnostics"]').textContent`)
	if !strings.Contains(text, "appointment_id") || !strings.Contains(text, "known quirk") {
		t.Errorf("diagnostics: %q", text)
	}
	// A diagnostic's position takes the reader to it.
	b.do(t, chromedp.Click(chromedp.CSS(`[data-fb="diagnostics"] li.error button.jump`)))
	// The payload's editor takes the focus (CodeMirror's, over the textarea).
	if got := jsEval[bool](t, b, `document.activeElement === document.querySelector('[data-fb="payload"]') || document.activeElement.classList.contains('fb-editor-json')`); !got {
		t.Error("clicking a diagnostic does not move to the payload")
	}
}

func TestPayloadTextIsNeverMarkup(t *testing.T) {
	b := newBrowser(t)
	openPlayground(t, b, "/playground/")
	evil := `<img src=x onerror=alert(1)>`
	payload, _ := json.Marshal(map[string]any{"appointment_type_title": evil, evil: 1})
	setValue(t, b, `[data-fb="payload"]`, string(payload))
	setValue(t, b, `[data-fb="expression"]`, `appointment_type_title + "<script>alert(2)</script>"`)
	waitFor(t, b, "the value", firstResult+`.includes('onerror')`)
	if got := jsEval[string](t, b, firstResult); !strings.Contains(got, evil) {
		t.Errorf("the value is not shown as text: %q", got)
	}
	if n := jsEval[int](t, b, `document.querySelectorAll('.playground img, .playground script').length`); n != 0 {
		t.Errorf("%d elements made from payload text", n)
	}
	time.Sleep(300 * time.Millisecond) // an onerror would fire by now
	if d := b.snapshot(&b.dialogs); len(d) > 0 {
		t.Errorf("dialogs opened: %v", d)
	}
	if c := b.snapshot(&b.console); len(c) > 0 {
		t.Errorf("console errors: %v", c)
	}
}

func TestPayloadNeverLeavesTheBrowser(t *testing.T) {
	b := newBrowser(t)
	openPlayground(t, b, "/events/elation/appointment/")
	const marker = "PHI-MARKER-7f3a9c"
	setValue(t, b, `[data-fb="payload"]`, `{"patient_id": "`+marker+`", "appointment_id": "1"}`)
	setValue(t, b, `[data-fb="expression"]`, `patient_id + "-`+marker+`"`)
	waitFor(t, b, "the value", firstResult+`.includes('`+marker+`')`)
	b.do(t, chromedp.Click(chromedp.CSS(`[data-fb="add-expression"]`)))
	setValue(t, b, `#expression-2`, `size(patient_id)`)
	waitFor(t, b, "the second value", `document.querySelectorAll('[data-fb="result"]')[1].textContent.includes('17')`)
	for _, r := range append(b.snapshot(&b.requests), requests.all()...) {
		if strings.Contains(r, marker) || strings.Contains(r, "PHI-MARKER") {
			t.Errorf("a request carries the payload: %s", r)
		}
	}
	if len(requests.all()) == 0 {
		t.Fatal("the server saw no request at all: the log does not work")
	}
}

func TestPagesReadWithoutJavaScript(t *testing.T) {
	b := newBrowser(t)
	if _, err := chromedp.Call(b.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	b.do(t, chromedp.Navigate(siteURL+"/events/elation/appointment/"))
	text := jsEval[string](t, b, `document.body.innerText`)
	for _, want := range []string{
		"Elation Appointment Not Seen Left Without Seeing", // events
		"Known quirks",
		`"appointment_type_title": "Follow-Up"`, // the example
		"service_location.phone_number.country_code_source",
		"Reason for the appointment. Required field, maximum 50 characters.",
		"at most 50 characters",
		"APPOINTMENT_STATUS_NOT_SEEN_OTHER",
		"needs JavaScript", // the playground says what it needs
	} {
		if !strings.Contains(text, want) {
			t.Errorf("without JavaScript the page lacks %q", want)
		}
	}
	if got := jsEval[bool](t, b, `document.querySelector('button.try').offsetParent === null`); !got {
		t.Error("Try buttons show without JavaScript, where they cannot work")
	}
}

func contextWithTimeout(b *browser, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(b.ctx, d)
}
