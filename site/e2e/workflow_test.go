package e2e

// Browser tests of the workflow page (/workflows/): a workflow built with
// the page's controls (and with the keyboard alone), run as it is typed,
// shared, exported as a test file, and the links into it from a payload's
// playground and an action's page.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"fieldbook/schemas"
	"fieldbook/wasm/engine"
)

// openWorkflows loads the workflow page and waits for its first run and
// its editors.
func openWorkflows(t *testing.T, b *browser, fragment string) {
	t.Helper()
	b.do(t, chromedp.Navigate(siteURL+"/workflows/"+fragment))
	waitFor(t, b, "the workflow's first run and its editors", workflowReady)
}

const workflowReady = `document.querySelector('[data-fb="workflow"]')?.dataset.ready === 'true' && !!document.querySelector('.fb-editor-json')`

// statuses is, in JavaScript, the trigger's status and each step's, as
// their badges say them.
const statuses = `[...document.querySelectorAll('[data-fb="wf-status"]')].map((s) => s.textContent).join(' / ')`

// inStep is a CSS selector inside the nth step (from 1).
func inStep(n int, selector string) string {
	return fmt.Sprintf(`[data-fb="wf-steps"] > li:nth-child(%d) %s`, n, selector)
}

// stepText is, in JavaScript, the text the nth step shows.
func stepText(n int) string {
	return fmt.Sprintf(`document.querySelector('[data-fb="wf-steps"] > li:nth-child(%d)').innerText`, n)
}

// choose picks an option of a select, as a reader would.
func choose(t *testing.T, b *browser, selector, value string) {
	t.Helper()
	s, _ := json.Marshal(selector)
	v, _ := json.Marshal(value)
	jsEval[bool](t, b, fmt.Sprintf(`(() => { const s = document.querySelector(%s); s.value = %s; s.dispatchEvent(new Event('change', {bubbles: true})); return s.value === %s; })()`, s, v, v))
}

// click clicks a button, as its click event: a mouse click at the
// button's place could land elsewhere when the step above it grows with a
// run's results between the scroll and the click, which made the tests
// flaky.
func click(t *testing.T, b *browser, selector string) {
	t.Helper()
	s, _ := json.Marshal(selector)
	if !jsEval[bool](t, b, fmt.Sprintf(`(() => { const el = document.querySelector(%s); if (!el || el.disabled) return false; el.focus(); el.click(); return true; })()`, s)) {
		t.Fatalf("no button to click at %s", selector)
	}
}

// buildReminder builds, on the page, a workflow of a trigger (with a
// condition), a filter, a wait and two actions, the second reading the
// first's result under its key: from the opening workflow's steps, all
// removed first.
func buildReminder(t *testing.T, b *browser) {
	t.Helper()
	for jsEval[int](t, b, `document.querySelectorAll('[data-fb="wf-step"]').length`) > 0 {
		click(t, b, inStep(1, `[data-fb="wf-remove"]`))
	}
	choose(t, b, `[data-fb="wf-event"]`, "Healthie Appointment Scheduled")
	setValue(t, b, `[data-fb="wf-clock"]`, "2024-07-10T09:00:00Z")
	setValue(t, b, `[data-fb="wf-condition"]`, `appointment_id != ""`)
	click(t, b, `[data-fb="wf-add-filter"]`)
	setValue(t, b, inStep(1, `[data-fb="wf-expression"]`), `morf_event_type.contains("SCHEDULED")`)
	click(t, b, `[data-fb="wf-add-wait"]`)
	setValue(t, b, inStep(2, `[data-fb="wf-expression"]`), `appointment_datetime - duration("24h")`)
	click(t, b, `[data-fb="wf-add-action"]`)
	choose(t, b, inStep(3, `[data-fb="wf-action"]`), "open-phone/v1/send-text-message")
	setValue(t, b, inStep(3, `[data-fb="wf-key"]`), "sms")
	setValue(t, b, inStep(3, `textarea[data-param="from"]`), `"+15555550100"`)
	setValue(t, b, inStep(3, `textarea[data-param="to"]`), `appointment_phone_number`)
	setValue(t, b, inStep(3, `textarea[data-param="content"]`), `"See you tomorrow, " + appointment_first_name`)
	click(t, b, `[data-fb="wf-add-action"]`)
	choose(t, b, inStep(4, `[data-fb="wf-action"]`), "spruce/v1/get-conversation")
	setValue(t, b, inStep(4, `textarea[data-param="id"]`), `sms.id`)
}

const reminderStatuses = `passed / passed / waited / done / done`

// checkReminder checks what the reminder's run shows at its steps.
func checkReminder(t *testing.T, b *browser) {
	t.Helper()
	waitFor(t, b, "the reminder's statuses", statuses+` === '`+reminderStatuses+`'`)
	for n, want := range map[int][]string{
		1: {"gives true bool"},
		2: {`timestamp("2024-07-11T15:00:00Z")`, "The clock after the wait: 2024-07-11T15:00:00Z"},
		3: {`gives "See you tomorrow, Test" string`, "Its result is under sms"},
		4: {`gives "AC123abc" string`, "The clock: 2024-07-11T15:00:00Z"},
	} {
		for _, w := range want {
			waitFor(t, b, fmt.Sprintf("step %d to show %s", n, w), stepText(n)+`.includes(`+jsString(w)+`)`)
		}
	}
	if got := jsEval[string](t, b, `document.querySelector('[data-fb="wf-outcome"]').textContent`); !strings.HasPrefix(got, "Completed: all 4 steps ran") {
		t.Errorf("the outcome says %q", got)
	}
}

// exported is a test file as `site test` reads it: strictly, every member
// known.
type exported struct {
	Workflow engine.Workflow `json:"workflow"`
	Payload  json.RawMessage `json:"payload,omitempty"`
	Now      string          `json:"now"`
	Dialect  string          `json:"dialect,omitempty"`
	Expect   struct {
		Outcome string `json:"outcome"`
		Trigger struct {
			Status string `json:"status"`
		} `json:"trigger"`
		Steps []struct {
			Status string                     `json:"status"`
			Value  json.RawMessage            `json:"value,omitempty"`
			Params map[string]json.RawMessage `json:"params,omitempty"`
		} `json:"steps"`
	} `json:"expect"`
}

func readExported(t *testing.T, data []byte) exported {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	var f exported
	if err := d.Decode(&f); err != nil {
		t.Fatalf("the exported file is not a test file: %v\n%s", err, data)
	}
	return f
}

// TestWorkflowIsBuiltRunSharedAndExported: a workflow of a trigger, a
// filter, a wait and two actions, the second reading the first's key, is
// built on the page and runs as it is typed; its share link restores it in
// another browser; its test file holds the workflow and the expectations,
// and runs to them in the engine; the payload never leaves the browser.
func TestWorkflowIsBuiltRunSharedAndExported(t *testing.T) {
	b := newBrowser(t)
	openWorkflows(t, b, "")
	waitFor(t, b, "the opening workflow's statuses", statuses+` === 'passed / passed / waited / done / passed'`)
	buildReminder(t, b)
	checkReminder(t, b)
	const marker = "PHI-WF-51c2"
	payload := jsEval[string](t, b, `document.querySelector('[data-fb="wf-payload"]').value`)
	payload = strings.Replace(payload, `"appointment_first_name": "Test"`, `"appointment_first_name": "`+marker+`"`, 1)
	setValue(t, b, `[data-fb="wf-payload"]`, payload)
	waitFor(t, b, "the marked payload's text", stepText(3)+`.includes('See you tomorrow, `+marker+`')`)

	// The share link, without the payload: the other browser has the
	// documented example.
	click(t, b, `[data-fb="wf-share"]`)
	click(t, b, `[data-fb="wf-share-copy"]`)
	waitFor(t, b, "the link", `document.querySelector('[data-fb="wf-share-url"]').value.includes('#s=')`)
	link := jsEval[string](t, b, `document.querySelector('[data-fb="wf-share-url"]').value`)
	other := newBrowser(t)
	other.do(t, chromedp.Navigate(link))
	waitFor(t, other, "the shared workflow", workflowReady)
	checkReminder(t, other)
	got := jsEval[[]string](t, other, `[document.querySelector('[data-fb="wf-clock"]').value, document.querySelector('[data-fb="wf-condition"]').value,
		document.querySelector('`+inStep(3, `[data-fb="wf-key"]`)+`').value, document.querySelector('`+inStep(4, `textarea[data-param="id"]`)+`').value,
		document.querySelector('[data-fb="wf-payload"]').value]`)
	if got[0] != "2024-07-10T09:00:00Z" || got[1] != `appointment_id != ""` || got[2] != "sms" || got[3] != "sms.id" || strings.Contains(got[4], marker) {
		t.Errorf("the link restored %q", got)
	}

	// With the payload, ticked.
	click(t, b, `[data-fb="wf-share-payload"]`)
	click(t, b, `[data-fb="wf-share-copy"]`)
	waitFor(t, b, "the link with the payload", `document.querySelector('[data-fb="wf-share-url"]').value !== `+jsString(link))
	linkWith := jsEval[string](t, b, `document.querySelector('[data-fb="wf-share-url"]').value`)
	other.do(t, chromedp.Navigate(linkWith))
	waitFor(t, other, "the shared payload", stepText(3)+`.includes('See you tomorrow, `+marker+`')`)

	// The test file, with the payload: it holds what the page shows.
	click(t, b, `[data-fb="wf-export"]`)
	click(t, b, `[data-fb="wf-export-payload"]`)
	data := downloadFile(t, b, `[data-fb="wf-export-download"]`, "healthie-appointment.workflow.json")
	f := readExported(t, data)
	var top map[string]json.RawMessage
	_ = json.Unmarshal(data, &top)
	if keys := slices.Sorted(func(yield func(string) bool) {
		for k := range top {
			if !yield(k) {
				return
			}
		}
	}); !reflect.DeepEqual(keys, []string{"expect", "now", "payload", "workflow"}) {
		t.Errorf("the file's members: %v", keys)
	}
	if f.Payload[0] != '{' || !bytes.Contains(f.Payload, []byte(marker)) || f.Now != "2024-07-10T09:00:00Z" || f.Dialect != "" {
		t.Errorf("payload %.60s…, now %q, dialect %q", f.Payload, f.Now, f.Dialect)
	}
	w := f.Workflow
	if w.Trigger.Schema != "healthie/appointment" || w.Trigger.Event != "Healthie Appointment Scheduled" || w.Trigger.Condition != `appointment_id != ""` || len(w.Steps) != 4 {
		t.Fatalf("the file's workflow: %+v", w)
	}
	if s := w.Steps[3]; s.Kind != "action" || s.Action != "spruce/v1/get-conversation" || s.Params["id"] != "sms.id" || w.Steps[2].Key != "sms" {
		t.Errorf("the file's actions: %+v, %+v", w.Steps[2], s)
	}
	e := f.Expect
	if e.Outcome != "completed" || e.Trigger.Status != "passed" || len(e.Steps) != 4 {
		t.Fatalf("the file's expectations: %+v", e)
	}
	for i, want := range []struct{ status, value, param, paramValue string }{
		{"passed", `true`, "", ""},
		{"waited", `"2024-07-11T15:00:00Z"`, "", ""},
		{"done", "", "content", `"See you tomorrow, ` + marker + `"`},
		{"done", "", "id", `"AC123abc"`},
	} {
		s := e.Steps[i]
		if s.Status != want.status || string(s.Value) != want.value || (want.param != "" && string(s.Params[want.param]) != want.paramValue) {
			t.Errorf("step %d expects %s, %s, %v; want %+v", i+1, s.Status, s.Value, s.Params, want)
		}
	}
	// The file runs to its expectations in the engine, as `site test` runs it.
	set, err := schemas.Load()
	if err != nil {
		t.Fatal(err)
	}
	r := engine.New(set, engine.DefaultLimits).Run(engine.RunRequest{Workflow: f.Workflow, Payload: string(f.Payload), Now: f.Now})
	if r.Outcome != e.Outcome || r.Trigger.Status != e.Trigger.Status {
		t.Errorf("the file runs to %s (trigger %s)", r.Outcome, r.Trigger.Status)
	}
	for i, s := range r.Steps {
		if s.Status != e.Steps[i].Status {
			t.Errorf("step %d runs %s, expected %s", i+1, s.Status, e.Steps[i].Status)
		}
	}

	// Without the payload: no payload member, and the expectations of a
	// run over the documented example.
	click(t, b, `[data-fb="wf-export-payload"]`)
	data = downloadFile(t, b, `[data-fb="wf-export-download"]`, "healthie-appointment.workflow.json")
	f = readExported(t, data)
	if f.Payload != nil || bytes.Contains(data, []byte(marker)) || string(f.Expect.Steps[2].Params["content"]) != `"See you tomorrow, Test"` {
		t.Errorf("a file without the payload: %s", data)
	}

	for _, r := range append(b.snapshot(&b.requests), requests.all()...) {
		if strings.Contains(r, marker) {
			t.Errorf("a request carries the payload: %.200s", r)
		}
	}
	for _, br := range []*browser{b, other} {
		if c := br.snapshot(&br.console); len(c) > 0 {
			t.Errorf("console errors: %v", c)
		}
		if s := br.snapshot(&br.security); len(s) > 0 {
			t.Errorf("security messages (a CSP refusal?): %v", s)
		}
	}
}

// TestWorkflowKeysAreCheckedAndRenamed: a key misspelt, or read before the
// step that makes it, is shown at the step that reads it, in its list and
// marked in its editor; renaming a key renames its reads in the later
// steps, not a string nor a field of the same name.
func TestWorkflowKeysAreCheckedAndRenamed(t *testing.T) {
	b := newBrowser(t)
	openWorkflows(t, b, "")
	waitFor(t, b, "the opening workflow's statuses", statuses+` === 'passed / passed / waited / done / passed'`)

	setValue(t, b, inStep(4, `[data-fb="wf-expression"]`), `mesage.id != ""`)
	waitFor(t, b, "the misspelt key's error at its step", statuses+` === 'skipped / skipped / skipped / skipped / has errors' && `+stepText(4)+`.includes("did you mean 'message'")`)
	waitFor(t, b, "its mark in the step's editor", `!!document.querySelector('`+inStep(4, `.fb-editor-cel`)+`').shadowRoot.querySelector('.cm-lintRange-error')`)
	if got := jsEval[string](t, b, `document.querySelector('[data-fb="wf-outcome"]').textContent`); !strings.Contains(got, "Not run: a step has errors") {
		t.Errorf("the outcome says %q", got)
	}

	// Read before it is made: the step that reads it says which step makes it.
	setValue(t, b, inStep(4, `[data-fb="wf-expression"]`), `message.id != ""`)
	waitFor(t, b, "the workflow running again", statuses+` === 'passed / passed / waited / done / passed'`)
	click(t, b, inStep(4, `[data-fb="wf-up"]`))
	waitFor(t, b, "the early read's error", statuses+` === 'skipped / skipped / skipped / has errors / skipped' && `+stepText(3)+`.includes('message is the result of step 4, which runs after this one')`)
	if got := jsEval[string](t, b, stepText(3)); !strings.HasPrefix(got, "Step 3 · Filter") {
		t.Errorf("the moved step reads %q", got)
	}
	click(t, b, inStep(3, `[data-fb="wf-down"]`))
	waitFor(t, b, "the workflow in order again", statuses+` === 'passed / passed / waited / done / passed'`)

	// The rename, through a name on the way that the expression holds.
	const expr = `message.id != "message" && [1].exists(m, m > 0) && message.created_at > appointment_datetime - duration("720h")`
	setValue(t, b, inStep(4, `[data-fb="wf-expression"]`), expr)
	waitFor(t, b, "the longer filter", statuses+` === 'passed / passed / waited / done / passed'`)
	for _, key := range []string{"m", "me", "text"} {
		setValue(t, b, inStep(3, `[data-fb="wf-key"]`), key)
	}
	want := `text.id != "message" && [1].exists(m, m > 0) && text.created_at > appointment_datetime - duration("720h")`
	if got := jsEval[string](t, b, `document.querySelector('`+inStep(4, `[data-fb="wf-expression"]`)+`').value`); got != want {
		t.Errorf("after the rename the filter reads\n%s\nwant\n%s", got, want)
	}
	waitFor(t, b, "the renamed workflow's run", statuses+` === 'passed / passed / waited / done / passed' && `+stepText(3)+`.includes('Its result is under text')`)

	// A key CEL cannot read is refused, and said.
	setValue(t, b, inStep(3, `[data-fb="wf-key"]`), "2texts")
	if got := jsEval[[]string](t, b, `[document.querySelector('`+inStep(3, `[data-fb="wf-key"]`)+`').getAttribute('aria-invalid') || '', document.querySelector('`+inStep(3, `.wf-key-help`)+`').textContent]`); got[0] != "true" || !strings.Contains(got[1], "not a name CEL can read") {
		t.Errorf("a key that is no name: %q", got)
	}
	waitFor(t, b, "the engine's word on it", stepText(3)+`.includes('not a CEL identifier')`)
}

// TestWorkflowStepsWithTheKeyboardAlone: a step is added, typed, moved and
// removed with key presses only; the button pressed keeps the focus, and
// the page says what happened.
func TestWorkflowStepsWithTheKeyboardAlone(t *testing.T) {
	b := newBrowser(t)
	openWorkflows(t, b, "")
	waitFor(t, b, "the opening workflow's statuses", statuses+` === 'passed / passed / waited / done / passed'`)
	// From the search box (the first control of the header), Tab reaches
	// "Add a filter".
	jsEval[bool](t, b, `(document.querySelector('#site-search').focus(), true)`)
	for i := 0; i < 200 && jsEval[string](t, b, `document.activeElement?.dataset?.fb || ''`) != "wf-add-filter"; i++ {
		b.do(t, chromedp.KeyEvent(kb.Tab))
	}
	if got := jsEval[string](t, b, `document.activeElement?.dataset?.fb || ''`); got != "wf-add-filter" {
		t.Fatalf("Tab does not reach Add a filter (at %q)", got)
	}
	b.do(t, chromedp.KeyEvent(kb.Enter))
	waitFor(t, b, "the new step's editor has the focus", `document.activeElement?.closest?.('[data-fb="wf-step"]') === document.querySelector('[data-fb="wf-steps"] > li:nth-child(5)')`)
	b.do(t, chromedp.KeyEvent(`appointment_id == "597220"`))
	waitFor(t, b, "the typed filter's run", statuses+` === 'passed / passed / waited / done / passed / passed'`)
	// Shift+Tab: Remove, Move down, Move up.
	for i := 0; i < 3; i++ {
		b.do(t, chromedp.KeyEvent(kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift)))
	}
	focused := `document.activeElement.getAttribute('aria-label')`
	if got := jsEval[string](t, b, focused); got != "Move up: step 5, filter" {
		t.Fatalf("three Shift+Tabs from the editor reach %q", got)
	}
	b.do(t, chromedp.KeyEvent(kb.Enter))
	b.do(t, chromedp.KeyEvent(" "))
	waitFor(t, b, "the filter moved up twice", `document.querySelector('[data-fb="wf-steps"] > li:nth-child(3)').dataset.kind === 'filter' && `+focused+` === 'Move up: step 3, filter'`)
	if got := jsEval[string](t, b, `document.querySelector('[data-fb="wf-say"]').textContent`); got != "Step 4 (filter) is now step 3." {
		t.Errorf("the page says %q", got)
	}
	if got := jsEval[string](t, b, `document.querySelector('`+inStep(3, `[data-fb="wf-expression"]`)+`').value`); got != `appointment_id == "597220"` {
		t.Errorf("step 3 holds %q", got)
	}
	waitFor(t, b, "the moved workflow's run", statuses+` === 'passed / passed / waited / passed / done / passed'`)
	// To the first place, and once more: it stays, and says so.
	b.do(t, chromedp.KeyEvent(kb.Enter), chromedp.KeyEvent(kb.Enter), chromedp.KeyEvent(kb.Enter))
	waitFor(t, b, "the filter first", `document.querySelector('[data-fb="wf-say"]').textContent === 'Step 1 is already the first.' && `+focused+` === 'Move up: step 1, filter'`)
	// Tab, Tab: Remove.
	b.do(t, chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent(kb.Tab))
	if got := jsEval[string](t, b, focused); got != "Remove: step 1, filter" {
		t.Fatalf("two Tabs reach %q", got)
	}
	b.do(t, chromedp.KeyEvent(kb.Enter))
	waitFor(t, b, "the step removed", `document.querySelectorAll('[data-fb="wf-step"]').length === 4 && document.activeElement === document.querySelector('[data-fb="wf-steps"] > li:nth-child(1) h3')`)
	waitFor(t, b, "the opening workflow again", statuses+` === 'passed / passed / waited / done / passed'`)
	// An action, added with Space, its action chosen with the arrow keys.
	jsEval[bool](t, b, `(document.querySelector('[data-fb="wf-add-action"]').focus(), true)`)
	b.do(t, chromedp.KeyEvent(" "))
	waitFor(t, b, "the action's picker has the focus", `document.activeElement === document.querySelector('`+inStep(5, `[data-fb="wf-action"]`)+`')`)
	note := `document.querySelector('` + inStep(5, `.wf-action-note`) + `').textContent`
	first := jsEval[string](t, b, note)
	b.do(t, chromedp.KeyEvent(kb.ArrowDown))
	waitFor(t, b, "another action and its parameters", note+` !== `+jsString(first)+` && `+note+`.includes(document.activeElement.value)`)
}

// TestWorkflowLinksFromOtherPages: a payload's playground opens its
// expression as a workflow's first filter, with the reader's payload,
// and leaves no payload in the address; an action's page adds its action
// under the key the reader chose, to a fresh workflow and then to the one
// this browser kept.
func TestWorkflowLinksFromOtherPages(t *testing.T) {
	b := newBrowser(t)
	openPlayground(t, b, "/events/healthie/appointment/")
	const marker = "PHI-OPEN-77e1"
	payload := jsEval[string](t, b, `document.querySelector('[data-fb="payload"]').value`)
	setValue(t, b, `[data-fb="payload"]`, strings.Replace(payload, `"appointment_first_name": "Test"`, `"appointment_first_name": "`+marker+`"`, 1))
	setValue(t, b, `[data-fb="expression"]`, `appointment_first_name.startsWith("PHI")`)
	click(t, b, `[data-fb="open-workflow"]`)
	waitFor(t, b, "the workflow page", `location.pathname === '/workflows/' && `+workflowReady)
	waitFor(t, b, "the expression as a first filter", statuses+` === 'passed / passed' && document.querySelector('`+inStep(1, `[data-fb="wf-expression"]`)+`').value === 'appointment_first_name.startsWith("PHI")'`)
	if got := jsEval[[]string](t, b, `[location.hash, document.querySelector('[data-fb="wf-schema"]').value, document.querySelector('[data-fb="wf-payload"]').value]`); got[0] != "" || got[1] != "healthie/appointment" || !strings.Contains(got[2], marker) {
		t.Errorf("after the playground's link: hash %q, trigger %q, payload with the marker: %v", got[0], got[1], strings.Contains(got[2], marker))
	}

	// An action's page, its key renamed.
	other := newBrowser(t)
	openPage(t, other, "/actions/stripe/v1/create-card/")
	setValue(t, other, `[data-fb="result-key"]`, "stripe_card")
	waitFor(t, other, "the link with the key", `document.querySelector('[data-fb="add-to-workflow"]').href.endsWith('#add=stripe%2Fv1%2Fcreate-card&key=stripe_card')`)
	click(t, other, `[data-fb="add-to-workflow"]`)
	waitFor(t, other, "a fresh workflow with the action", `location.pathname === '/workflows/' && `+workflowReady+` && document.querySelectorAll('[data-fb="wf-step"]').length === 1`)
	got := jsEval[[]string](t, other, `[location.hash, document.querySelector('`+inStep(1, `[data-fb="wf-action"]`)+`').value, document.querySelector('`+inStep(1, `[data-fb="wf-key"]`)+`').value, document.activeElement.dataset.fb, document.querySelector('[data-fb="wf-link-status"]').textContent]`)
	if got[0] != "" || got[1] != "stripe/v1/create-card" || got[2] != "stripe_card" || got[3] != "wf-schema" || !strings.Contains(got[4], "choose the payload") {
		t.Errorf("after Add to a workflow: %q", got)
	}
	waitFor(t, other, "the missing parameter at its step", stepText(1)+`.includes('requires parameter source')`)
	// A second action joins the workflow this browser kept.
	other.do(t, chromedp.Navigate(siteURL+"/actions/open-phone/v1/send-text-message/"))
	click(t, other, `[data-fb="add-to-workflow"]`)
	waitFor(t, other, "the kept workflow with the second action", `location.pathname === '/workflows/' && `+workflowReady+` && document.querySelectorAll('[data-fb="wf-step"]').length === 2`)
	if got := jsEval[[]string](t, other, `[...document.querySelectorAll('[data-fb="wf-action"]')].map((s) => s.value)`); !reflect.DeepEqual(got, []string{"stripe/v1/create-card", "open-phone/v1/send-text-message"}) {
		t.Errorf("the kept workflow's actions: %q", got)
	}
}

// TestWorkflowAccessibility runs axe on the workflow page as it opens, with
// a stopped filter and skipped steps, with errors at a step and its
// parameter, and with its panels open, in the light and the dark scheme;
// the page fits a phone's width.
func TestWorkflowAccessibility(t *testing.T) {
	for _, scheme := range []string{"light", "dark"} {
		t.Run(scheme, func(t *testing.T) {
			b := newBrowser(t)
			emulateScheme(t, b, scheme)
			openWorkflows(t, b, "")
			waitFor(t, b, "the opening workflow's statuses", statuses+` === 'passed / passed / waited / done / passed'`)
			runAxe(t, b, "/workflows/ as it opens")
			choose(t, b, `[data-fb="wf-event"]`, "Healthie Appointment Cancelled")
			waitFor(t, b, "the stopped filter", statuses+` === 'passed / stopped here / skipped / skipped / skipped'`)
			runAxe(t, b, "/workflows/ with a stopped filter")
			setValue(t, b, inStep(3, `textarea[data-param="to"]`), `appointment_length_minutes`)
			waitFor(t, b, "the parameter's error", stepText(3)+`.includes('takes string')`)
			click(t, b, `[data-fb="wf-share"]`)
			click(t, b, `[data-fb="wf-export"]`)
			click(t, b, inStep(3, `.wf-result-box summary`))
			runAxe(t, b, "/workflows/ with errors and its panels open")
		})
	}
	b := newBrowser(t)
	if _, err := chromedp.Call(b.ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 375, Height: 812, DeviceScaleFactor: 1, Mobile: true}); err != nil {
		t.Fatal(err)
	}
	openWorkflows(t, b, "")
	// Against 375 px, not innerWidth, which a page too wide for a phone's
	// screen widens to its own width.
	if width := jsEval[float64](t, b, `document.documentElement.scrollWidth`); width > 375 {
		wide := jsEval[[]string](t, b, `[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > 376 && !e.closest('.table-scroll')).slice(0, 5).map(e => e.tagName + '.' + e.className)`)
		t.Errorf("/workflows/ is %.0f px wide at 375 px; widest: %v", width, wide)
	}
}

// TestAWorkflowLinkOfTheWrongShapeSaysSo: a link whose workflow names an
// action this site does not document is not used, and says why; the page
// opens as it would without it.
func TestAWorkflowLinkOfTheWrongShapeSaysSo(t *testing.T) {
	b := newBrowser(t)
	link := packState(t, map[string]any{"v": 1, "workflow": map[string]any{
		"trigger": map[string]any{"schema": "healthie/appointment"},
		"steps":   []any{map[string]any{"kind": "action", "action": "acme/v1/nothing"}},
	}})
	openWorkflows(t, b, link)
	waitFor(t, b, "the link's note", `document.querySelector('[data-fb="wf-link-status"]').textContent.includes('its step 1 names an action this site does not document')`)
	waitFor(t, b, "the opening workflow", statuses+` === 'passed / passed / waited / done / passed'`)
}

// inStepEditor is, in JavaScript, an element of the nth step's first CEL
// editor (in its shadow root).
func inStepEditor(n int, selector string) string {
	return `document.querySelector('` + inStep(n, `.fb-editor-cel`) + `').shadowRoot.querySelector('` + selector + `')`
}

// TestWorkflowEditorsCompleteEarlierKeys: a step's editor completes the
// keys of the actions before it and their fields, typed, and not those of
// the steps after it; hover gives a key's type.
func TestWorkflowEditorsCompleteEarlierKeys(t *testing.T) {
	b := newBrowser(t)
	openWorkflows(t, b, "")
	waitFor(t, b, "the opening workflow's statuses", statuses+` === 'passed / passed / waited / done / passed'`)
	typeIn := func(n int, keys string) {
		t.Helper()
		textarea := inStep(n, `[data-fb="wf-expression"]`)
		setValue(t, b, textarea, "")
		jsEval[any](t, b, `FieldbookEditor.focus(document.querySelector('`+textarea+`')), true`)
		b.do(t, chromedp.KeyEvent(keys))
	}
	list := inStepEditor(4, ".cm-tooltip-autocomplete")
	typeIn(4, "messa")
	waitFor(t, b, "the earlier key offered", list+`?.textContent.includes('message')`)
	typeIn(4, "message.cr")
	waitFor(t, b, "the key's fields, typed", list+`?.textContent.includes('created_at') && `+list+`.textContent.includes('google.protobuf.Timestamp')`)
	// The first step runs before the action: no key to offer.
	typeIn(1, "messa")
	time.Sleep(time.Second)
	if got := jsEval[string](t, b, inStepEditor(1, ".cm-tooltip-autocomplete")+`?.textContent ?? ''`); strings.Contains(got, "message") {
		t.Errorf("the first step's editor offers a later key: %q", got)
	}

	setValue(t, b, inStep(1, `[data-fb="wf-expression"]`), `morf_event_type.contains("SCHEDULED")`)
	setValue(t, b, inStep(4, `[data-fb="wf-expression"]`), `message.id != ""`)
	waitFor(t, b, "the opening workflow again", statuses+` === 'passed / passed / waited / done / passed'`)
	xy := jsEval[[]float64](t, b, `(() => {
		document.querySelector('`+inStep(4, `.fb-editor-cel`)+`').scrollIntoView({block: 'center'});
		const content = `+inStepEditor(4, ".cm-content")+`;
		const walker = document.createTreeWalker(content, NodeFilter.SHOW_TEXT);
		for (let n; (n = walker.nextNode());) {
			const i = n.textContent.indexOf('message');
			if (i < 0) continue;
			const r = document.createRange(); r.setStart(n, i + 2); r.setEnd(n, i + 3);
			const box = r.getBoundingClientRect();
			return [box.x + box.width / 2, box.y + box.height / 2];
		}
		return [-1, -1];
	})()`)
	if xy[0] < 0 {
		t.Fatal("message is not in the editor")
	}
	for _, dx := range []float64{-2, 0} {
		if _, err := chromedp.Call(b.ctx, input.DispatchMouseEvent, input.DispatchMouseEventParams{Type: input.DispatchMouseEventTypeMouseMoved, X: xy[0] + dx, Y: xy[1]}); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, b, "the hover", `!!`+inStepEditor(4, ".fb-hover"))
	if hover := jsEval[string](t, b, inStepEditor(4, ".fb-hover")+`.textContent`); !strings.HasPrefix(hover, "message: ") {
		t.Errorf("hover over the key: %q", hover)
	}
}
