package e2e

// Browser tests of the playground's tools, its accessibility and its
// layout on a narrow screen.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

func TestClockSetsNow(t *testing.T) {
	b := newBrowser(t)
	openPlayground(t, b, "/events/elation/appointment/")
	setValue(t, b, `[data-fb="expression"]`, `appointment_datetime > now() - duration("24h")`)
	setValue(t, b, `[data-fb="clock"]`, "2016-10-14T00:00:00Z")
	waitFor(t, b, "the value with the clock set", firstResult+`.startsWith('true')`)
	if got := jsEval[string](t, b, `document.querySelector('[data-fb="clock-shown"]').textContent`); got != "now() is 2016-10-14T00:00:00Z" {
		t.Errorf("the clock shown: %q", got)
	}
	setValue(t, b, `[data-fb="clock"]`, "")
	waitFor(t, b, "the value on the real clock", firstResult+`.startsWith('false')`)
	if got := jsEval[string](t, b, `document.querySelector('[data-fb="clock-shown"]').textContent`); !strings.HasSuffix(got, "(your clock)") {
		t.Errorf("the clock shown: %q", got)
	}
}

func TestShareLinks(t *testing.T) {
	b := newBrowser(t)
	openPlayground(t, b, "/events/elation/appointment/")
	const marker = "SHARE-PHI-5c1e"
	setValue(t, b, `[data-fb="payload"]`, `{"appointment_type_title": "`+marker+`", "mode": "VIDEO"}`)
	setValue(t, b, `[data-fb="expression"]`, `appointment_type_title.size()`)
	waitFor(t, b, "the value", firstResult+`.startsWith('14')`)
	b.do(t, chromedp.Click(chromedp.CSS(`[data-fb="share"]`)))
	if jsEval[bool](t, b, `document.querySelector('[data-fb="share-panel"] .warning').offsetParent === null`) {
		t.Fatal("no warning about patient data before a link is made")
	}
	link := func() string {
		jsEval[any](t, b, `document.querySelector('[data-fb="share-url"]').value = ''`)
		b.do(t, chromedp.Click(chromedp.CSS(`[data-fb="share-copy"]`)))
		waitFor(t, b, "the link", `document.querySelector('[data-fb="share-url"]').value.includes('#s=')`)
		return jsEval[string](t, b, `document.querySelector('[data-fb="share-url"]').value`)
	}
	withoutPayload := link()
	b.do(t, chromedp.Click(chromedp.CSS(`[data-fb="share-payload"]`)))
	withPayload := link()
	for _, l := range []string{withoutPayload, withPayload} {
		if u := strings.SplitN(l, "#", 2)[0]; u != siteURL+"/events/elation/appointment/" || strings.Contains(l, "?") {
			t.Errorf("the state is not only in the fragment: %s", l)
		}
	}

	// A new browser opens each link.
	other := newBrowser(t)
	other.do(t, chromedp.Navigate(withoutPayload))
	waitFor(t, other, "the shared expression's value", firstResult+`.startsWith('9')`) // "Follow-Up"
	if got := jsEval[string](t, other, `document.querySelector('[data-fb="payload"]').value`); strings.Contains(got, marker) {
		t.Error("the link without the payload carried it")
	}
	other.do(t, chromedp.Navigate(withPayload))
	waitFor(t, other, "the shared payload's value", firstResult+`.startsWith('14')`)

	for _, r := range requests.all() {
		if strings.Contains(r, marker) || strings.Contains(r, "#s=") {
			t.Errorf("a request carries shared state: %s", r)
		}
	}

	// Clear empties everything, the link included.
	other.do(t, chromedp.Click(chromedp.CSS(`[data-fb="clear"]`)))
	state := jsEval[[]string](t, other, `[document.querySelector('[data-fb="payload"]').value, document.querySelector('[data-fb="expression"]').value, location.hash, String(localStorage.length + sessionStorage.length)]`)
	if state[0] != "" || state[1] != "" || state[2] != "" || state[3] != "0" {
		t.Errorf("after Clear: %q", state)
	}
	// An empty payload is no error: the page says what to do.
	waitFor(t, other, "the empty payload's status", `document.querySelector('[data-fb="status"]').textContent.startsWith('No payload')`)
	if n := jsEval[int](t, other, `document.querySelectorAll('[data-fb="diagnostics"] li').length`); n != 0 {
		t.Errorf("%d diagnostics for an empty payload", n)
	}
	// Reset brings back the page's example and expressions.
	other.do(t, chromedp.Click(chromedp.CSS(`[data-fb="reset"]`)))
	waitFor(t, other, "the example's value after Reset", firstResult+` !== '' && document.querySelector('[data-fb="status"]').textContent.startsWith('Valid')`)
	if got := jsEval[bool](t, other, `document.querySelector('[data-fb="payload"]').value === document.querySelector('[data-fb="payload"]').defaultValue && document.querySelector('[data-fb="expression"]').value !== ''`); !got {
		t.Error("Reset did not bring back the example and its expression")
	}
}

func TestARunawayEvaluationIsStoppedAndTheNextWorks(t *testing.T) {
	b := newBrowser(t)
	openPlayground(t, b, "/playground/")
	jsEval[any](t, b, `document.querySelector('[data-fb="playground"]').dataset.timeout = '200'`)
	setValue(t, b, `[data-fb="expression"]`, `lists.range(100000).filter(i, i % 7 == 0).size()`)
	waitFor(t, b, "the stop message", firstResult+`.includes('Stopped')`)
	if got := jsEval[string](t, b, `document.querySelector('[data-fb="status"]').textContent`); !strings.Contains(got, "restarted") && !strings.Contains(got, "Valid") {
		t.Errorf("status after the stop: %q", got)
	}
	jsEval[any](t, b, `delete document.querySelector('[data-fb="playground"]').dataset.timeout`)
	setValue(t, b, `[data-fb="expression"]`, `lists.range(10).size() + 32`)
	waitFor(t, b, "a value from the restarted engine", firstResult+`.startsWith('42')`)
}

func TestBatchRun(t *testing.T) {
	b := newBrowser(t)
	openPlayground(t, b, "/playground/")
	setValue(t, b, `[data-fb="expression"]`, `mode == "VIDEO"`)
	waitFor(t, b, "the value", firstResult+`.startsWith('true')`)
	// A local file, read in the page.
	openBatchFile(t, b, "appointments.ndjson", `{"mode": "VIDEO"}`+"\n"+`{"mode": "IN_PERSON"}`+"\n"+`{"mode": `+"\n"+`{"mode": "VIDEO"}`+"\n")
	waitFor(t, b, "the file checked", `document.querySelector('[data-fb="batch-status"]').textContent.includes('is ready')`)
	b.do(t, chromedp.Click(chromedp.CSS(`[data-fb="batch-run"]`)))
	waitFor(t, b, "the counts", `!!document.querySelector('[data-fb="batch-counts"]')`)
	counts := jsEval[[]string](t, b, `[...document.querySelectorAll('[data-fb="batch-counts"] tr:nth-child(2) td')].map(td => td.textContent)`)
	if want := []string{`mode == "VIDEO"`, "2", "1", "0", "1"}; fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("counts %q, want %q", counts, want)
	}
	if got := jsEval[string](t, b, `document.querySelector('[data-fb="batch-results"]').textContent`); !strings.Contains(got, "line 3") {
		t.Errorf("the broken line is not named: %.300s", got)
	}
	// Payloads that break the schema (these lack Elation's required
	// fields) are counted, and each row says where.
	if got := jsEval[string](t, b, `document.querySelector('[data-fb="batch-status"]').textContent`); !strings.Contains(got, "of those an expression failed on, 3 do not match the schema") {
		t.Errorf("the status does not count the payloads that break the schema: %q", got)
	}
	if got := jsEval[[]string](t, b, `[...document.querySelectorAll('[data-fb="batch-rows"] tr:nth-of-type(2) td')].map(td => td.className + ':' + td.textContent)`); len(got) < 3 || !strings.HasPrefix(got[1], "error:the payload: ") || !strings.Contains(got[1], "appointment_id") {
		t.Errorf("the first row's schema cell: %q", got)
	}
	// A JSON array pasted, written over several lines: the box replaces
	// the file.
	setValue(t, b, `[data-fb="batch-input"]`, "[\n  {\"mode\": \"VIDEO\", \"note\": \"a, [b] {c}\"},\n  {\"mode\":\n    \"IN_PERSON\"},\n  3\n]\n")
	jsEval[any](t, b, `document.querySelector('[data-fb="batch-results"]').replaceChildren()`)
	b.do(t, chromedp.Click(chromedp.CSS(`[data-fb="batch-run"]`)))
	waitFor(t, b, "the array's counts", `!!document.querySelector('[data-fb="batch-counts"]')`)
	counts = jsEval[[]string](t, b, `[...document.querySelectorAll('[data-fb="batch-counts"] tr:nth-child(2) td')].map(td => td.textContent)`)
	if want := []string{`mode == "VIDEO"`, "1", "1", "0", "1"}; fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("the array's counts %q, want %q", counts, want)
	}
	if got := jsEval[string](t, b, `document.querySelector('[data-fb="batch-results"]').textContent`); !strings.Contains(got, "payload 3") {
		t.Errorf("the array's third payload, not an object, is not named: %.300s", got)
	}
	// Asked to, the run checks every payload, not only those an
	// expression failed on.
	b.do(t, chromedp.Click(chromedp.CSS(`[data-fb="batch-check-all"]`)))
	jsEval[any](t, b, `document.querySelector('[data-fb="batch-results"]').replaceChildren()`)
	b.do(t, chromedp.Click(chromedp.CSS(`[data-fb="batch-run"]`)))
	waitFor(t, b, "the checked run's counts", `!!document.querySelector('[data-fb="batch-counts"]')`)
	if got := jsEval[string](t, b, `document.querySelector('[data-fb="batch-status"]').textContent`); !strings.Contains(got, "2 of them do not match the schema") {
		t.Errorf("checking every payload, the status says %q", got)
	}
	for _, r := range requests.all() {
		if strings.Contains(r, "IN_PERSON") {
			t.Errorf("the batch left the page: %s", r)
		}
	}
}

func TestSchemalessPayloadShowsItsInferredSchema(t *testing.T) {
	b := newBrowser(t)
	openPlayground(t, b, "/playground/")
	jsEval[any](t, b, `(() => { const s = document.querySelector('[data-fb="schema"]'); s.value = ''; s.dispatchEvent(new Event('change')); })()`)
	setValue(t, b, `[data-fb="payload"]`, `{"visit": {"at": "2024-05-01T09:30:00Z"}}`)
	setValue(t, b, `[data-fb="expression"]`, `visit.at + duration("1h")`)
	waitFor(t, b, "the typed value", firstResult+`.includes('timestamp("2024-05-01T10:30:00Z")')`)
	waitFor(t, b, "the inferred schema", `document.querySelector('[data-fb="inferred-schema"]').textContent.includes('"date-time"')`)
	if jsEval[bool](t, b, `document.querySelector('[data-fb="inferred"]').hidden`) {
		t.Error("the inferred schema is hidden")
	}
	if href := jsEval[string](t, b, `document.querySelector('[data-fb="inferred-download"]').href`); !strings.HasPrefix(href, "blob:") {
		t.Errorf("the download link is %q", href)
	}
}

func TestExampleLibraryTries(t *testing.T) {
	b := newBrowser(t)
	openPlayground(t, b, "/events/elation/message-thread/")
	b.do(t, chromedp.Click(chromedp.CSS(`#examples li:first-child button.try`)))
	waitFor(t, b, "the example's value", resultOf(`messages.exists(m, m.body.contains("appointment"))`)+`.startsWith('true')`)
}

// The journey of a Morf author on the Healthie Appointment page: the
// reminder guide's filter on the event picked; Try on a card that reads
// now() gives the card's value, at the card's clock, and says so; a
// misspelt field is named with the field meant; Fieldbook's now() carries
// the warning that Morf may not have it.
func TestAMorfAuthorsJourney(t *testing.T) {
	b := newBrowser(t)
	openPlayground(t, b, "/events/healthie/appointment/")
	filter := `morf_event_type.contains("SCHEDULED")`
	setValue(t, b, `[data-fb="expression"]`, filter)
	waitFor(t, b, "the filter on the Scheduled event", firstResult+`.startsWith('true')`)
	if got := jsEval[string](t, b, `document.querySelector('[data-fb="event"]').value`); got != "Healthie Appointment Scheduled" {
		t.Errorf("the event picked: %q", got)
	}
	jsEval[bool](t, b, `(() => { const s = document.querySelector('[data-fb="event"]'); s.value = 'Healthie Appointment Cancelled'; s.dispatchEvent(new Event('change')); return true; })()`)
	waitFor(t, b, "the filter on the Cancelled event", firstResult+`.startsWith('false')`)

	card := `appointment_datetime.isAfter(morf.now().add(parseDuration("167h")))`
	b.do(t, chromedp.Click(chromedp.CSS(`#examples button.try[data-try='`+card+`']`)))
	waitFor(t, b, "the card's value", resultOf(card)+`.startsWith('true')`)
	if got := jsEval[string](t, b, `document.querySelector('[data-fb="clock-shown"]').textContent`); !strings.Contains(got, "2024-07-01T00:00:00Z (the example's clock, set by Try)") {
		t.Errorf("the clock line says %q", got)
	}

	setValue(t, b, `[data-fb="expression"]`, `appointment_datetim.isAfter(morf.now())`)
	waitFor(t, b, "the typo's message", firstResult+`.includes("did you mean 'appointment_datetime'")`)
	if got := jsEval[string](t, b, firstResult); strings.Contains(got, "isAfter'") || strings.Contains(got, "math.") {
		t.Errorf("the typo's message: %q", got)
	}
	setValue(t, b, `[data-fb="expression"]`, `now() > appointment_datetime`)
	waitFor(t, b, "now()'s warning", firstResult+`.includes("now is not shown in Morf's docs")`)
}

// TestAccessibility runs axe-core (from npm) in the page: no serious or
// critical violation on the catalog, a payload page, the playground and the
// dialect pages, in the light and the dark colour scheme.
func TestAccessibility(t *testing.T) {
	for _, scheme := range []string{"light", "dark"} {
		t.Run(scheme, func(t *testing.T) {
			b := newBrowser(t)
			emulateScheme(t, b, scheme)
			checkAccessibility(t, b)
		})
	}
}

func emulateScheme(t *testing.T, b *browser, scheme string) {
	t.Helper()
	if _, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
	}); err != nil {
		t.Fatal(err)
	}
}

// TestDarkModeFollowsTheSystem: with prefers-color-scheme dark, the page and
// the editors are dark, text light.
func TestDarkModeFollowsTheSystem(t *testing.T) {
	b := newBrowser(t)
	emulateScheme(t, b, "dark")
	openPage(t, b, "/events/elation/appointment/")
	got := jsEval[[]float64](t, b, `(() => {
		const lum = (c) => { const [r, g, b] = c.match(/\d+/g).map(Number); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
		const body = getComputedStyle(document.body);
		const editor = getComputedStyle(document.querySelector('.fb-editor-json').shadowRoot.querySelector('.cm-editor'));
		return [lum(body.backgroundColor), lum(body.color), lum(editor.backgroundColor)];
	})()`)
	if got[0] > 60 || got[1] < 150 || got[2] > 60 {
		t.Errorf("in dark mode: background %.0f, text %.0f, editor %.0f (of 255)", got[0], got[1], got[2])
	}
}

func checkAccessibility(t *testing.T, b *browser) {
	for _, path := range []string{"/", "/events/elation/appointment/", "/playground/", "/dialects/", "/dialects/morf/", "/actions/", "/actions/stripe/v1/create-card/"} {
		openPage(t, b, path)
		runAxe(t, b, path)
	}
}

// runAxe runs axe-core in the page as it is and fails on a serious or
// critical violation; where names the page's state in the failures.
func runAxe(t *testing.T, b *browser, where string) {
	t.Helper()
	axe, err := os.ReadFile("../../node_modules/axe-core/axe.min.js")
	if err != nil {
		t.Fatalf("axe-core: %v (npm ci installs it)", err)
	}
	// DevTools evaluation is not subject to the page's CSP.
	jsEval[any](t, b, string(axe)+";true")
	ctx, cancel := contextWithTimeout(b, 60*time.Second)
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document, {resultTypes: ['violations']}).then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))))`, chromedp.EvalAwaitPromise))
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	var violations []struct {
		ID, Impact, Help string
		Nodes            []string
	}
	_ = json.Unmarshal([]byte(raw), &violations)
	for _, v := range violations {
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Errorf("%s: %s (%s): %s at %v", where, v.ID, v.Impact, v.Help, v.Nodes)
		}
	}
}

// TestNarrowScreen loads the pages 375 px wide: nothing scrolls sideways.
// The screenshots go to build/screenshots for a person to look at.
func TestNarrowScreen(t *testing.T) {
	b := newBrowser(t)
	if _, err := chromedp.Call(b.ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 375, Height: 812, DeviceScaleFactor: 1, Mobile: true}); err != nil {
		t.Fatal(err)
	}
	shots := filepath.Join("..", "..", "build", "screenshots")
	_ = os.MkdirAll(shots, 0o755)
	for _, path := range []string{"/", "/events/elation/appointment/", "/events/healthie/appointment/", "/playground/", "/dialects/", "/dialects/morf/", "/actions/", "/actions/spruce/v1/create-or-update-contact/"} {
		openPage(t, b, path)
		if cut := jsEval[[]string](t, b, codeCutInsideAName); len(cut) > 0 {
			t.Errorf("%s: code breaks inside a name at 375 px: %q", path, cut)
		}
		widths := jsEval[[]float64](t, b, `[document.documentElement.scrollWidth, window.innerWidth]`)
		if widths[0] > widths[1] {
			wide := jsEval[[]string](t, b, `[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5).map(e => e.tagName + '.' + e.className)`)
			t.Errorf("%s scrolls sideways at 375 px: %v wide; widest: %v", path, widths, wide)
		}
		png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(90))
		if err == nil {
			name := strings.Trim(strings.ReplaceAll(path, "/", "-"), "-")
			if name == "" {
				name = "catalog"
			}
			_ = os.WriteFile(filepath.Join(shots, "375-"+name+".jpg"), png, 0o644)
		}
	}
}

// codeCutInsideAName lists the code on the page (outside pre blocks and
// the editors) whose lines break inside a name: between two of its letters
// or digits (after an underscore, a name too long for a line of its own may
// break; a string, such as a long address, may break anywhere). It
// measures where each character lands.
const codeCutInsideAName = `(() => {
	const cuts = [];
	for (const code of document.querySelectorAll('main code')) {
		if (code.closest('pre')) continue;
		let lastTop = null, prev = '', inString = false;
		const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
		for (let node = walker.nextNode(); node; node = walker.nextNode()) {
			for (let i = 0; i < node.length; i++) {
				const r = document.createRange();
				r.setStart(node, i); r.setEnd(node, i + 1);
				const rect = r.getClientRects()[0];
				if (!rect) continue;
				if (node.data[i] === '"') inString = !inString;
				if (lastTop !== null && rect.top > lastTop + 2 && !inString && /[A-Za-z0-9]/.test(prev) && /[A-Za-z0-9_]/.test(node.data[i])) {
					cuts.push(code.textContent.slice(0, 80) + ' @ ' + prev + '|' + node.data[i]);
				}
				lastTop = rect.top; prev = node.data[i];
			}
		}
	}
	return cuts.slice(0, 5);
})()`

// TestThePlaygroundIsWithinReach: a skip link at the top of a payload page
// takes the keyboard to the playground; on a wide screen the playground
// sits beside the fields and stays in view as they scroll.
func TestThePlaygroundIsWithinReach(t *testing.T) {
	b := newBrowser(t)
	if _, err := chromedp.Call(b.ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 1600, Height: 900, DeviceScaleFactor: 1}); err != nil {
		t.Fatal(err)
	}
	openPage(t, b, "/events/healthie/appointment/")
	// The second Tab from the top of the page is the skip link.
	jsEval[any](t, b, `(document.activeElement && document.activeElement.blur(), window.scrollTo(0, 0), true)`)
	b.do(t, chromedp.KeyEvent("\t"), chromedp.KeyEvent("\t"))
	if got := jsEval[string](t, b, `document.activeElement.dataset.fb || document.activeElement.textContent`); got != "skip-playground" {
		t.Fatalf("the second Tab reaches %q, not the skip link to the playground", got)
	}
	b.do(t, chromedp.KeyEvent("\r"))
	waitFor(t, b, "the jump", `location.hash === '#playground'`)
	b.do(t, chromedp.KeyEvent("\t"))
	if !jsEval[bool](t, b, `!!document.activeElement.closest('[data-fb="playground"]')`) {
		t.Errorf("after the skip link, Tab reaches %s, outside the playground", jsEval[string](t, b, `document.activeElement.outerHTML.slice(0, 120)`))
	}
	// Beside the fields, and in view with the last field.
	jsEval[any](t, b, `(document.querySelector('#fields article:last-of-type').scrollIntoView(), true)`)
	got := jsEval[[]float64](t, b, `(() => {
		const pg = document.querySelector('[data-fb="playground"]').getBoundingClientRect();
		const fields = document.querySelector('#fields').getBoundingClientRect();
		return [pg.left, fields.right, pg.top, pg.bottom, window.innerHeight];
	})()`)
	if got[0] < got[1] {
		t.Errorf("at 1600 px the playground (left %.0f) is not beside the fields (right %.0f)", got[0], got[1])
	}
	if got[2] < 0 || got[2] > got[4]/2 {
		t.Errorf("with the last field in view, the playground's top is at %.0f of %.0f px", got[2], got[4])
	}
}

// openPage loads a page and, where it has a playground, comes to it and
// waits for it and its editors.
func openPage(t *testing.T, b *browser, path string) {
	t.Helper()
	b.do(t, chromedp.Navigate(siteURL+path))
	comeToPlayground(t, b)
	waitFor(t, b, "the page", `!document.querySelector('[data-fb="playground"]') || document.querySelector('[data-fb="playground"]').dataset.ready === 'true' && !!document.querySelector('.fb-editor-json')`)
}

// TestDialectsInThePlayground: a payload page starts in its schema's
// dialect, the reader can switch, results say which dialect gave them and
// what they fit in a workflow, share links carry the dialect, and Morf's
// functions and named time zones run in the browser's module.
func TestDialectsInThePlayground(t *testing.T) {
	b := newBrowser(t)
	openPlayground(t, b, "/events/elation/appointment/")
	if got := jsEval[string](t, b, `document.querySelector('[data-fb="dialect"]').value`); got != "morf" {
		t.Fatalf("an Elation payload starts in %q, want morf", got)
	}
	setValue(t, b, `[data-fb="clock"]`, "2016-10-13T09:00:00Z")
	setValue(t, b, `[data-fb="expression"]`, `appointment_datetime.isAfter(morf.now()) && appointment_datetime.getHours("America/Los_Angeles") == 4`)
	waitFor(t, b, "a Morf filter's value", firstResult+`.startsWith('true')`)
	if got := jsEval[string](t, b, firstResult); !strings.Contains(got, "· morf") || !strings.Contains(got, "In a workflow: a filter") {
		t.Errorf("the result does not say its dialect and use: %q", got)
	}
	setValue(t, b, `[data-fb="expression"]`, `appointment_datetime.sub(parseDuration("24h"))`)
	waitFor(t, b, "a wait's value", firstResult+`.includes('In a workflow: a wait, until this time')`)
	setValue(t, b, `[data-fb="expression"]`, `appointment_datetime.customFormatInTimezone("2006-01-02 3:04 PM", "America/Phoenix")`)
	waitFor(t, b, "a mapping's value", firstResult+`.startsWith('"2016-10-13 4:15 AM"') && `+firstResult+`.includes('a field mapping')`)

	// status is null in Elation's example: absent in morf, null in cel.
	setValue(t, b, `[data-fb="expression"]`, `status == "APPOINTMENT_STATUS_SCHEDULED"`)
	waitFor(t, b, "morf's absent field", firstResult+`.includes('status is absent from this payload')`)
	jsEval[any](t, b, `(() => { const s = document.querySelector('[data-fb="dialect"]'); s.value = 'cel'; s.dispatchEvent(new Event('change')); })()`)
	waitFor(t, b, "cel's null", firstResult+`.startsWith('false') && `+firstResult+`.includes('· cel')`)

	b.do(t, chromedp.Click(chromedp.CSS(`[data-fb="share"]`)))
	b.do(t, chromedp.Click(chromedp.CSS(`[data-fb="share-copy"]`)))
	waitFor(t, b, "the link", `document.querySelector('[data-fb="share-url"]').value.includes('#s=')`)
	link := jsEval[string](t, b, `document.querySelector('[data-fb="share-url"]').value`)
	other := newBrowser(t)
	other.do(t, chromedp.Navigate(link))
	waitFor(t, other, "the shared dialect", `document.querySelector('[data-fb="dialect"]').value === 'cel' && `+firstResult+`.startsWith('false')`)
}

// openBatchFile writes a local file and opens it in the batch panel, as a
// reader choosing it would.
func openBatchFile(t *testing.T, b *browser, name, content string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	b.do(t, chromedp.Click(chromedp.CSS(`[data-fb="batch"] summary`)))
	nodes, err := chromedp.Run(b.ctx, chromedp.Nodes(chromedp.CSS(`[data-fb="batch-file"]`)))
	if err != nil || len(nodes) == 0 {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(b.ctx, dom.SetFileInputFiles, dom.SetFileInputFilesParams{Files: []string{file}, BackendNodeID: nodes[0].BackendNodeID}); err != nil {
		t.Fatal(err)
	}
}

// The reader's work survives a reload: the expressions and the clock
// always, the payload only when the reader ticks it; Forget removes it.
func TestWorkSurvivesAReload(t *testing.T) {
	b := newBrowser(t)
	openPlayground(t, b, "/events/healthie/appointment/")
	const expr = `appointment_id + "!"`
	const marker = "KEEP-PHI-9d2a"
	setValue(t, b, `[data-fb="payload"]`, `{"appointment_id": "`+marker+`"}`)
	setValue(t, b, `[data-fb="expression"]`, expr)
	setValue(t, b, `[data-fb="clock"]`, "2024-07-01T00:00:00Z")
	waitFor(t, b, "the expression's answer", firstResult+`.startsWith('"KEEP-PHI-9d2a!"')`)
	reload := func(what string) {
		t.Helper()
		b.do(t, chromedp.Reload())
		waitFor(t, b, "the playground after a reload ("+what+")", `document.querySelector('[data-fb="playground"]')?.dataset.ready === 'true'`)
	}
	reload("the payload not kept")
	state := jsEval[[]string](t, b, `[document.querySelector('[data-fb="expression"]').value, document.querySelector('[data-fb="clock"]').value, document.querySelector('[data-fb="payload"]').value]`)
	if state[0] != expr || state[1] != "2024-07-01T00:00:00Z" || strings.Contains(state[2], marker) {
		t.Errorf("after a reload: %q", state)
	}
	if kept := jsEval[string](t, b, `JSON.stringify(localStorage)`); strings.Contains(kept, marker) {
		t.Errorf("the payload was kept without the reader's tick: %s", kept)
	}

	setValue(t, b, `[data-fb="payload"]`, `{"appointment_id": "`+marker+`"}`)
	b.do(t, chromedp.Click(chromedp.CSS(`[data-fb="keep-payload"]`)))
	reload("the payload kept")
	if got := jsEval[string](t, b, `document.querySelector('[data-fb="payload"]').value`); !strings.Contains(got, marker) {
		t.Errorf("the payload after a reload with its tick: %q", got)
	}

	b.do(t, chromedp.Click(chromedp.CSS(`[data-fb="forget"]`)))
	if n := jsEval[int](t, b, `localStorage.length`); n != 0 {
		t.Errorf("%d entries kept after Forget", n)
	}
	b.do(t, chromedp.Reload())
	comeToPlayground(t, b)
	waitFor(t, b, "the page's own expression", `document.querySelector('[data-fb="playground"]')?.dataset.ready === 'true'`)
	if got := jsEval[string](t, b, `document.querySelector('[data-fb="expression"]').value`); got == expr {
		t.Error("the expression came back after Forget")
	}
}
