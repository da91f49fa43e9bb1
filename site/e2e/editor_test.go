package e2e

// Browser tests of the CodeMirror editors: typing, completion, hover,
// inline diagnostics and highlighting. Each editor lives in a shadow root,
// reached through its host element.

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// in the shadow root of the first editor of a kind ("json" or "cel").
func in(kind, selector string) string {
	return `document.querySelector('.fb-editor-` + kind + `').shadowRoot.querySelector('` + selector + `')`
}

// typeInto focuses an expression's editor and types into it with real key
// events.
func typeInto(t *testing.T, b *browser, keys string) {
	t.Helper()
	setValue(t, b, `[data-fb="expression"]`, "")
	jsEval[any](t, b, `FieldbookEditor.focus(document.querySelector('[data-fb="expression"]')), true`)
	b.do(t, chromedp.KeyEvent(keys))
}

// pressEnter sends Enter as a keyboard does: a key down the page may
// cancel (as the completion list does when it accepts), then a key up.
func pressEnter(t *testing.T, b *browser) {
	t.Helper()
	for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeRawKeyDown, input.DispatchKeyEventTypeKeyUp} {
		if _, err := chromedp.Call(b.ctx, input.DispatchKeyEvent, input.DispatchKeyEventParams{Type: typ, Key: "Enter", Code: "Enter", WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestEditorsReplaceTheTextareas(t *testing.T) {
	b := newBrowser(t)
	openPlayground(t, b, "/events/elation/appointment/")
	got := jsEval[[]bool](t, b, `[
		document.querySelector('[data-fb="payload"]').hidden,
		!!`+in("json", ".cm-editor")+`,
		!!`+in("json", ".cm-foldGutter")+`,
		!!`+in("cel", ".cm-editor")+`,
		document.querySelectorAll('.fb-editor-cel').length === document.querySelectorAll('[data-fb="expression"]').length,
	]`)
	for i, what := range []string{"the payload textarea is hidden", "a JSON editor", "with folding", "a CEL editor", "one per expression"} {
		if !got[i] {
			t.Errorf("not so: %s", what)
		}
	}
	if c := b.snapshot(&b.console); len(c) > 0 {
		t.Errorf("console errors (a CSP refusal of the editor's styles would show here): %v", c)
	}
}

func TestTypingCompletesAndEvaluates(t *testing.T) {
	b := newBrowser(t)
	openPlayground(t, b, "/events/elation/appointment/")
	typeInto(t, b, "service_location.ci")
	waitFor(t, b, "the completion list", in("cel", ".cm-tooltip-autocomplete")+` && `+in("cel", ".cm-tooltip-autocomplete")+`.textContent.includes('city')`)
	list := jsEval[string](t, b, in("cel", ".cm-tooltip-autocomplete")+`.textContent`)
	if !strings.Contains(list, "string") || strings.Contains(list, "appointment_id") {
		t.Errorf("completion after service_location.ci: %q", list)
	}
	// CodeMirror takes no accept within 75 ms of the list opening; a reader
	// is slower than that.
	time.Sleep(200 * time.Millisecond)
	pressEnter(t, b) // accept
	waitFor(t, b, "the accepted completion's value", firstResult+`.includes('"San Francisco"')`)
	if got := jsEval[string](t, b, `document.querySelector('[data-fb="expression"]').value`); got != "service_location.city" {
		t.Errorf("the expression is %q", got)
	}

	typeInto(t, b, "members")
	setValue(t, b, `[data-fb="expression"]`, "")
	jsEval[any](t, b, `FieldbookEditor.focus(document.querySelector('[data-fb="expression"]')), true`)
	b.do(t, chromedp.KeyEvent(`[billing].map(x, x.`))
	waitFor(t, b, "the element's fields", in("cel", ".cm-tooltip-autocomplete")+` && `+in("cel", ".cm-tooltip-autocomplete")+`.textContent.includes('referring_provider_state')`)
}

func TestHoverShowsTypeAndDescription(t *testing.T) {
	b := newBrowser(t)
	openPlayground(t, b, "/events/elation/appointment/")
	setValue(t, b, `[data-fb="expression"]`, "service_location.zip")
	waitFor(t, b, "the value", firstResult+`.includes('"94107"')`)
	// The middle of "zip", from the text's layout.
	xy := jsEval[[]float64](t, b, `(() => {
		document.querySelector('.fb-editor-cel').scrollIntoView({block: 'center'});
		const content = `+in("cel", ".cm-content")+`;
		const walker = document.createTreeWalker(content, NodeFilter.SHOW_TEXT);
		for (let n; (n = walker.nextNode());) {
			const i = n.textContent.indexOf('zip');
			if (i < 0) continue;
			const r = document.createRange(); r.setStart(n, i + 1); r.setEnd(n, i + 2);
			const box = r.getBoundingClientRect();
			return [box.x + box.width / 2, box.y + box.height / 2];
		}
		return [-1, -1];
	})()`)
	if xy[0] < 0 {
		t.Fatal("zip is not in the editor")
	}
	for _, dx := range []float64{-2, 0} {
		if _, err := chromedp.Call(b.ctx, input.DispatchMouseEvent, input.DispatchMouseEventParams{Type: input.DispatchMouseEventTypeMouseMoved, X: xy[0] + dx, Y: xy[1]}); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, b, "the hover", `!!`+in("cel", ".fb-hover"))
	hover := jsEval[string](t, b, in("cel", ".fb-hover")+`.textContent`)
	if !strings.Contains(hover, "zip: string") || !strings.Contains(hover, "ZIP code of the service location.") {
		t.Errorf("hover: %q", hover)
	}
}

func TestDiagnosticsAreMarkedInTheEditors(t *testing.T) {
	b := newBrowser(t)
	openPlayground(t, b, "/events/elation/appointment/")
	setValue(t, b, `[data-fb="payload"]`, "{\n  \"mode\": \"PHONE\",\n  \"status\": null\n}")
	waitFor(t, b, "the error mark", `!!`+in("json", ".cm-lintRange-error"))
	waitFor(t, b, "the warning mark", `!!`+in("json", ".cm-lintRange-warning"))
	if got := jsEval[string](t, b, in("json", ".cm-lintRange-error")+`.textContent`); got != `"PHONE"` && !strings.HasPrefix(got, "{") {
		t.Errorf("the error marks %q", got)
	}
	setValue(t, b, `[data-fb="expression"]`, "service_location.citty")
	waitFor(t, b, "the expression's mark", `!!`+in("cel", ".cm-lintRange-error"))
	if got := jsEval[string](t, b, in("cel", ".cm-lintRange-error")+`.textContent`); got == "" {
		t.Error("the mark covers nothing")
	}
}

func TestCELIsHighlighted(t *testing.T) {
	b := newBrowser(t)
	openPlayground(t, b, "/events/elation/appointment/")
	setValue(t, b, `[data-fb="expression"]`, `mode == "VIDEO" && true`)
	waitFor(t, b, "the value", firstResult+`.startsWith('true')`)
	colors := jsEval[map[string]string](t, b, `(() => {
		const out = {};
		for (const el of `+in("cel", ".cm-content")+`.querySelectorAll('span')) out[el.textContent] = getComputedStyle(el).color;
		out.plain = getComputedStyle(`+in("cel", ".cm-content")+`).color;
		return out;
	})()`)
	if colors[`"VIDEO"`] == "" || colors[`"VIDEO"`] == colors["plain"] || colors["true"] == colors["plain"] || colors["true"] == colors[`"VIDEO"`] {
		t.Errorf("string and keyword are not told apart: %v", colors)
	}
}

// TestMapKeyCompletionIndexes: on /playground/ without a schema, a map's
// key that is no identifier completes as the index that reaches it.
func TestMapKeyCompletionIndexes(t *testing.T) {
	b := newBrowser(t)
	openPlayground(t, b, "/playground/")
	jsEval[any](t, b, `(() => { const s = document.querySelector('[data-fb="schema"]'); s.value = ''; s.dispatchEvent(new Event('change')); })()`)
	setValue(t, b, `[data-fb="payload"]`, `{"answers": {"email": "a@b.c", "First Name": "Jo"}}`)
	typeInto(t, b, "answers.Fir")
	waitFor(t, b, "the key in the completion list", in("cel", ".cm-tooltip-autocomplete")+` && `+in("cel", ".cm-tooltip-autocomplete")+`.textContent.includes('First Name')`)
	time.Sleep(200 * time.Millisecond) // CodeMirror takes no accept in its first 75 ms
	pressEnter(t, b)
	waitFor(t, b, "the indexed key's value", firstResult+`.startsWith('"Jo"')`)
	if got := jsEval[string](t, b, `document.querySelector('[data-fb="expression"]').value`); got != `answers["First Name"]` {
		t.Errorf("the expression is %q", got)
	}
}

// TestCompletionIconsAreDrawn: a macro's icon and a keyword's are glyphs
// every font here has, not CodeMirror's empty box or key emoji.
func TestCompletionIconsAreDrawn(t *testing.T) {
	b := newBrowser(t)
	openPlayground(t, b, "/events/elation/appointment/")
	typeInto(t, b, "ha")
	waitFor(t, b, "the completion list", in("cel", ".cm-tooltip-autocomplete")+` && `+in("cel", ".cm-completionIcon-macro")+` !== null`)
	icon := func(kind string) string {
		return jsEval[string](t, b, `getComputedStyle(`+in("cel", ".cm-completionIcon-"+kind)+`, '::after').content`)
	}
	if got := icon("macro"); got != `"∀"` {
		t.Errorf("a macro's icon is %s", got)
	}
	setValue(t, b, `[data-fb="expression"]`, "")
	typeInto(t, b, "tr")
	waitFor(t, b, "the keyword in the list", in("cel", ".cm-completionIcon-keyword")+` !== null`)
	if got := icon("keyword"); got != `"k"` {
		t.Errorf("a keyword's icon is %s", got)
	}
}

// TestEditingRaisesNoCSPRefusal types, completes, deletes, types over a
// selection that spans highlighted tokens and hovers in the expression
// editor: the page's Content-Security-Policy (no inline style) refuses
// nothing. A style attribute set in the page is refused, and seen: the
// check can fail.
func TestEditingRaisesNoCSPRefusal(t *testing.T) {
	b := newBrowser(t)
	openPlayground(t, b, "/events/healthie/appointment/")
	for _, keys := range []string{"appointment_", "morf.", "appointment_datetime.isA", "[1, 2].map(x, x", "morf_event_type.co"} {
		typeInto(t, b, keys)
		waitFor(t, b, "the completions", in("cel", ".cm-tooltip-autocomplete")+` !== null`)
		b.do(t, chromedp.KeyEvent(kb.ArrowDown))
	}
	typeInto(t, b, `appointment_datetime.isAfter(morf.now()) && "x" in ["a", "b"]`)
	for i := 0; i < 12; i++ {
		b.do(t, chromedp.KeyEvent(kb.Backspace))
	}
	jsEval[any](t, b, `(() => {
		const content = document.querySelector('.fb-editor-cel').shadowRoot.querySelector('.cm-content');
		const line = content.querySelector('.cm-line');
		const r = document.createRange();
		r.setStart(line.firstChild, 0); r.setEnd(line.lastChild, 0);
		const s = getSelection(); s.removeAllRanges(); s.addRange(r);
		return true;
	})()`)
	b.do(t, chromedp.KeyEvent("zz"))
	box := jsEval[[]float64](t, b, `(() => { const r = document.querySelector('.fb-editor-cel').getBoundingClientRect(); return [r.left, r.top, r.width, r.height] })()`)
	for x := box[0] + 5; x < box[0]+box[2]; x += 20 {
		if _, err := chromedp.Call(b.ctx, input.DispatchMouseEvent, input.DispatchMouseEventParams{Type: input.DispatchMouseEventTypeMouseMoved, X: x, Y: box[1] + box[3]/2}); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(500 * time.Millisecond) // what the page does in its own time

	if s := b.snapshot(&b.security); len(s) > 0 {
		t.Errorf("the browser refused: %v", s)
	}
	jsEval[any](t, b, `(() => { const d = document.createElement('div'); d.setAttribute('style', 'color: red'); document.body.append(d); return true })()`)
	time.Sleep(300 * time.Millisecond)
	if s := b.snapshot(&b.security); len(s) == 0 || !strings.Contains(s[0], "style-src") {
		t.Errorf("a style attribute set in the page was not refused, or not seen: %v", s)
	}
}
