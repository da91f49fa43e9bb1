package e2e

// Browser tests of the explanations (playground/explain.mjs): why an
// expression gave its answer, in the playground and on the workflow page,
// with the mouse, the keyboard, and as a screen reader reads it.

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// accessibleName is the name Chromium's accessibility tree gives the
// element a JavaScript expression answers: what a screen reader says of it.
func accessibleName(t *testing.T, b *browser, js string) string {
	t.Helper()
	r, err := chromedp.Call(b.ctx, runtime.Evaluate, runtime.EvaluateParams{Expression: js})
	if err != nil || r.Result == nil || r.Result.ObjectID == "" {
		t.Fatalf("no element at %s: %v", js, err)
	}
	relatives := false
	tree, err := chromedp.Call(b.ctx, accessibility.GetPartialAXTree, accessibility.GetPartialAXTreeParams{ObjectID: r.Result.ObjectID, FetchRelatives: &relatives})
	if err != nil || len(tree.Nodes) == 0 || tree.Nodes[0].Name == nil {
		t.Fatalf("no accessible name for %s: %v", js, err)
	}
	var name string
	if err := json.Unmarshal([]byte(tree.Nodes[0].Name.Value), &name); err != nil {
		t.Fatal(err)
	}
	return name
}

// pointAt moves the mouse over the middle of an element.
func pointAt(t *testing.T, b *browser, js string) {
	t.Helper()
	xy := jsEval[[]float64](t, b, `(() => { const e = `+js+`; e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()`)
	if _, err := chromedp.Call(b.ctx, input.DispatchMouseEvent, input.DispatchMouseEventParams{Type: input.DispatchMouseEventTypeMouseMoved, X: xy[0], Y: xy[1]}); err != nil {
		t.Fatal(err)
	}
}

// partButton is, in JavaScript, the button of the part whose text is
// exactly text, inside the element box.
func partButton(box, text string) string {
	return `[...` + box + `.querySelectorAll('.xp-part')].find((p) => p.textContent === ` + jsString(text) + `)?.querySelector(':scope > button')`
}

// TestAFalseFilterSaysWhy: a filter that is false says which of its
// conditions made it so, in words and with a mark (which a screen reader
// hears too); each part's value shows where the reader points or where
// the keyboard goes; and the page stays accessible.
func TestAFalseFilterSaysWhy(t *testing.T) {
	b := newBrowser(t)
	openPlayground(t, b, "/events/elation/appointment/")
	setValue(t, b, `[data-fb="payload"]`, `{"time_slot_status": "booked", "mode": "VIDEO"}`)
	const filter = `time_slot_status == "booked" && mode == "IN_PERSON"`
	setValue(t, b, `[data-fb="expression"]`, filter)
	const why = `document.querySelector('.expression [data-fb="explain"]')`
	waitFor(t, b, "the explanation", firstResult+`.startsWith('false') && !!`+why+`.querySelector('.xp-summary')`)

	summary := jsEval[string](t, b, why+`.querySelector('.xp-summary').textContent`)
	if !strings.Contains(summary, `mode == "IN_PERSON"`) || strings.Contains(summary, `time_slot_status == "booked"`) {
		t.Errorf("the summary should name the condition that is false, and only it: %q", summary)
	}
	if got := jsEval[string](t, b, why+`.querySelector('.xp-expr').textContent`); got != filter {
		t.Errorf("the expression is written as %q", got)
	}
	marked := jsEval[[]string](t, b, `[...`+why+`.querySelectorAll('mark')].map((m) => m.textContent)`)
	if len(marked) != 1 || marked[0] != `mode == "IN_PERSON"` {
		t.Errorf("marked: %q, want the false condition alone", marked)
	}
	// A screen reader hears the mark as words.
	decided := accessibleName(t, b, why+`.querySelector('mark > button')`)
	if !strings.Contains(decided, `mode == "IN_PERSON"`) || !strings.Contains(decided, "false") || !strings.Contains(decided, "decided") {
		t.Errorf("the decided part's name: %q", decided)
	}
	other := accessibleName(t, b, partButton(why, `time_slot_status == "booked"`))
	if !strings.Contains(other, "true") || strings.Contains(other, "decided") {
		t.Errorf("the true condition's name: %q", other)
	}

	// The keyboard: Tab from the editor reaches the explanation once, at
	// the part that decided; the arrow keys go to the other parts.
	detail := why + `.querySelector('.xp-detail').textContent`
	jsEval[any](t, b, `FieldbookEditor.focus(document.querySelector('[data-fb="expression"]')), true`)
	b.do(t, chromedp.KeyEvent(kb.Tab))
	if got := jsEval[string](t, b, `document.activeElement.closest('mark')?.textContent ?? document.activeElement.outerHTML`); got != `mode == "IN_PERSON"` {
		t.Fatalf("Tab went to %q, not the part that decided", got)
	}
	if got := jsEval[string](t, b, detail); !strings.Contains(got, `mode == "IN_PERSON"`) || !strings.Contains(got, "false (bool)") {
		t.Errorf("the focused part's detail: %q", got)
	}
	if n := jsEval[int](t, b, `[...`+why+`.querySelectorAll('button')].filter((e) => e.tabIndex === 0).length`); n != 1 {
		t.Errorf("%d tab stops in the explanation, want 1", n)
	}
	b.do(t, chromedp.KeyEvent(kb.ArrowLeft))
	if got := jsEval[string](t, b, detail); !strings.HasPrefix(got, "mode") || !strings.Contains(got, `"VIDEO"`) || !strings.Contains(got, "string") {
		t.Errorf("after ←, the detail of the field mode: %q", got)
	}
	b.do(t, chromedp.KeyEvent(kb.Home))
	if got := jsEval[string](t, b, detail); !strings.HasPrefix(got, "time_slot_status") || !strings.Contains(got, `"booked"`) {
		t.Errorf("after Home, the detail of the first part: %q", got)
	}
	// A run meanwhile (the clock set from elsewhere) leaves the keyboard
	// on the part it was on.
	jsEval[any](t, b, `window.__shownBar = `+why+`.querySelector('.xp-bar'), true`)
	setValue(t, b, `[data-fb="clock"]`, "2016-10-01T00:00:00Z")
	waitFor(t, b, "the run with the clock", why+`.querySelector('.xp-bar') !== window.__shownBar`)
	if got := jsEval[string](t, b, `document.activeElement.closest('.xp-bar') === `+why+`.querySelector('.xp-bar') ? document.activeElement.textContent : document.activeElement.tagName`); got != "time_slot_status" {
		t.Errorf("after a run, the keyboard is on %q", got)
	}
	runAxe(t, b, "the playground with a part of an explanation focused")

	// The mouse: pointing at the first condition shows its value.
	pointAt(t, b, partButton(why, `time_slot_status == "booked"`))
	if got := jsEval[string](t, b, detail); !strings.Contains(got, `time_slot_status == "booked"`) || !strings.Contains(got, "true (bool)") {
		t.Errorf("pointing at the first condition shows %q", got)
	}
	if got := jsEval[string](t, b, why+`.querySelector('.xp-on')?.textContent`); got != `time_slot_status == "booked"` {
		t.Errorf("the part pointed at is outlined as %q", got)
	}

	// A field the payload lacks, and an operand never evaluated, say so.
	setValue(t, b, `[data-fb="expression"]`, `time_slot_status == "open" && mode == "IN_PERSON"`)
	waitFor(t, b, "the short circuit explained", why+`?.querySelector('.xp-expr')?.textContent.includes('"open"')`)
	if got := accessibleName(t, b, partButton(why, `mode == "IN_PERSON"`)); !strings.Contains(got, "not evaluated") {
		t.Errorf("the operand && never evaluated: %q", got)
	}
	setValue(t, b, `[data-fb="payload"]`, `{"time_slot_status": "booked"}`)
	setValue(t, b, `[data-fb="expression"]`, filter)
	waitFor(t, b, "the absent field explained", why+`?.querySelector('.xp-summary')?.textContent.includes('absent')`)
	if got := accessibleName(t, b, partButton(why, `mode`)); !strings.Contains(got, "absent") {
		t.Errorf("the absent field: %q", got)
	}
	for _, scheme := range []string{"light", "dark"} {
		emulateScheme(t, b, scheme)
		runAxe(t, b, fmt.Sprintf("the playground with explanations, %s", scheme))
	}

	// A character beyond the BMP (two UTF-16 units, one to the engine)
	// before a part leaves the part in its place.
	setValue(t, b, `[data-fb="payload"]`, `{"time_slot_status": "booked", "mode": "VIDEO"}`)
	setValue(t, b, `[data-fb="expression"]`, `"😀" != mode && mode == "IN_PERSON"`)
	waitFor(t, b, "the explanation past the emoji", why+`?.querySelector('.xp-expr')?.textContent.startsWith('"😀"') && !!`+why+`.querySelector('mark')`)
	if got := jsEval[[]string](t, b, `[...`+why+`.querySelectorAll('mark, .xp-at')].map((e) => e.textContent)`); fmt.Sprint(got) != fmt.Sprint([]string{"!=", "mode", "&&", `mode == "IN_PERSON"`, "mode", "=="}) {
		t.Errorf("the marks and the buttons: %q", got)
	}
}

// TestAStoppedFilterSaysWhichConditionStoppedIt: on the workflow page, a
// filter that stops the run names, at the step, the condition that was
// false, and marks it.
func TestAStoppedFilterSaysWhichConditionStoppedIt(t *testing.T) {
	b := newBrowser(t)
	openWorkflows(t, b, "")
	const condition = `morf_event_type.contains("SCHEDULED")`
	setValue(t, b, inStep(1, `[data-fb="wf-expression"]`), `appointment_id != "" && `+condition)
	choose(t, b, `[data-fb="wf-event"]`, "Healthie Appointment Cancelled")
	waitFor(t, b, "the stopped filter", statuses+`.startsWith('passed / stopped here')`)
	why := `document.querySelector('` + inStep(1, `.xp`) + `')`
	waitFor(t, b, "its explanation", why+`?.querySelector('.xp-summary')?.textContent.includes('false because')`)
	summary := jsEval[string](t, b, why+`.querySelector('.xp-summary').textContent`)
	if !strings.Contains(summary, condition) || strings.Contains(summary, `appointment_id != ""`) {
		t.Errorf("the stopped filter's summary should name the false condition, and only it: %q", summary)
	}
	if got := jsEval[[]string](t, b, `[...`+why+`.querySelectorAll('mark')].map((m) => m.textContent)`); len(got) != 1 || got[0] != condition {
		t.Errorf("marked: %q", got)
	}
	if got := accessibleName(t, b, why+`.querySelector('mark > button')`); !strings.Contains(got, "decided") {
		t.Errorf("the stopping condition's name: %q", got)
	}
	// The trigger passed: its condition-less run explains nothing, and the
	// other steps did not run.
	if n := jsEval[int](t, b, `document.querySelectorAll('[data-fb="wf-steps"] > li:not(:first-child) .xp-bar').length`); n != 0 {
		t.Errorf("%d explanations at the steps that did not run", n)
	}
	runAxe(t, b, "/workflows/ with a stopped filter explained")
}

// TestALongExpressionIsExplainedInBounds: an expression of more parts
// than the engine explains (400) is written whole, says that only its
// first parts are explained, and holds up the page for no more than a
// moment.
func TestALongExpressionIsExplainedInBounds(t *testing.T) {
	b := newBrowser(t)
	watchMainThread(t, b)
	openPlayground(t, b, "/events/elation/appointment/")
	var clauses []string
	for i := range 300 {
		clauses = append(clauses, fmt.Sprintf(`mode == "M%d"`, i))
	}
	long := strings.Join(clauses, " || ")
	jsEval[any](t, b, `window.__fbLongTasks = [], true`)
	setValue(t, b, `[data-fb="expression"]`, long)
	const why = `document.querySelector('.expression [data-fb="explain"]')`
	waitFor(t, b, "the long expression's explanation", why+`?.querySelector('.xp-expr')?.textContent === `+jsString(long))
	twoFrames(t, b)
	if got := jsEval[string](t, b, why+`.querySelector('.xp-summary').textContent`); !strings.Contains(got, "only its first parts") {
		t.Errorf("the summary does not say the explanation is cut: %.300q", got)
	}
	if n := jsEval[int](t, b, why+`.querySelectorAll('.xp-part').length`); n == 0 || n > 400 {
		t.Errorf("%d parts shown, want 1 to 400", n)
	}
	// The explanation's own work (its script), and the longest the page
	// was held up for anything (the editor's, the layout's, the
	// explanation's): both well under what a reader takes for a freeze.
	// Converting each offset anew took the explanation past 300 ms here.
	own := jsEval[float64](t, b, `performance.getEntriesByName('fieldbook:explain').at(-1).duration`)
	longest := 0.0
	for _, d := range jsEval[[]float64](t, b, `window.__fbLongTasks`) {
		longest = max(longest, d)
	}
	t.Logf("the explanation took %.0f ms; the longest task %.0f ms", own, longest)
	if own > 200 || longest > 1000 {
		t.Errorf("the explanation took %.0f ms, and held up the page for up to %.0f ms", own, longest)
	}
}
