package e2e

// Browser tests of the site search: the header's box over the Pagefind
// index the build wrote to /pagefind/, as a reader uses it.

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"fieldbook/schemas"
)

const searchBox = `[data-fb="search-input"]`

// searchResult is an option of the results list, as the reader sees it.
type searchResult struct {
	Name, Where, Type, URL string
	Tags                   []string
}

// search focuses the box, types a query with real key events and waits for
// the list (or "No results") to say what it found.
func search(t *testing.T, b *browser, query string) []searchResult {
	t.Helper()
	b.do(t, chromedp.Focus(chromedp.CSS(searchBox)))
	jsEval[any](t, b, `document.querySelector('`+searchBox+`').value = '', true`)
	b.do(t, chromedp.KeyEvent(query))
	// The list names the query it answers: answers to the first letters
	// may land while the rest is typed.
	waitFor(t, b, "the results of "+query, `document.querySelector('[data-fb="search-results"]').dataset.query === `+jsString(query)+
		` || document.querySelector('[data-fb="search-status"]').textContent === 'Search is unavailable'`)
	if s := jsEval[string](t, b, `document.querySelector('[data-fb="search-status"]').textContent`); s == "Search is unavailable" {
		t.Fatalf("searching %q: the box says %q", query, s)
	}
	raw := jsEval[string](t, b, `JSON.stringify([...document.querySelectorAll('[data-fb="search-results"] [role="option"]')].map(o => ({
		Name: o.querySelector('.search-name').textContent, Where: o.querySelector('.search-where').textContent,
		Type: o.querySelector('.search-type').textContent, URL: o.dataset.url,
		Tags: [...o.querySelectorAll('.tag')].map(e => e.textContent)})))`)
	var out []searchResult
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// pressSlash presses "/" as a keyboard does: one key down that carries the
// character, which the page may cancel, then a key up. (chromedp.KeyEvent
// sends the character as an event of its own, which no cancel stops.)
func pressSlash(t *testing.T, b *browser) {
	t.Helper()
	for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeKeyDown, input.DispatchKeyEventTypeKeyUp} {
		p := input.DispatchKeyEventParams{Type: typ, Key: "/", Code: "Slash", WindowsVirtualKeyCode: 191, NativeVirtualKeyCode: 191}
		if typ == input.DispatchKeyEventTypeKeyDown {
			p.Text, p.UnmodifiedText = "/", "/"
		}
		if _, err := chromedp.Call(b.ctx, input.DispatchKeyEvent, p); err != nil {
			t.Fatal(err)
		}
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func urls(rs []searchResult) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.URL)
	}
	return out
}

// TestSearchFindsFieldsAndPayloads types the queries a reader would: a
// snake_case field name, a tag, a type, a field name, a payload's title.
func TestSearchFindsFieldsAndPayloads(t *testing.T) {
	b := newBrowser(t)
	openPage(t, b, "/")

	// A snake_case name finds its field, and so does each of its parts
	// (Pagefind indexes a name whole and as its parts).
	got := search(t, b, "patient_id")
	if !slices.Contains(urls(got), "/events/elation/appointment/#patient_id") {
		t.Fatalf(`"patient_id" does not list Elation Appointment's patient_id: %+v`, got)
	}
	if !strings.Contains(got[0].Name, "patient_id") {
		t.Errorf(`"patient_id" lists %s first`, got[0].Name)
	}
	for _, r := range got {
		if r.URL == "/events/elation/appointment/#patient_id" {
			if r.Name != "patient_id" || !strings.Contains(r.Where, "Elation") || !strings.Contains(r.Where, "Appointment") || !strings.Contains(r.Type, "string") {
				t.Errorf("the patient_id result shows %+v", r)
			}
		}
	}
	if got := search(t, b, "patient"); !slices.Contains(urls(got), "/events/elation/appointment/#patient_id") {
		t.Errorf(`"patient" does not list patient_id: %v`, urls(got))
	}
	if got := search(t, b, "service_location.city"); len(got) == 0 || got[0].URL != "/events/elation/appointment/#service_location.city" {
		t.Errorf(`"service_location.city" does not list that field first: %v`, urls(got))
	}
	// A nested field's own name, whole: Pagefind keeps "x.y_z" as the one
	// word "xy_z" and its parts, so the record spells its segments out
	// (site/generate/search.go).
	if got := search(t, b, "document_type"); !slices.Contains(urls(got), "/events/elation/message-thread/#messages.associated_document.document_type") {
		t.Errorf(`"document_type" does not list messages[].associated_document.document_type: %v`, urls(got))
	}
	if got := search(t, b, "patient_id"); !slices.Contains(urls(got), "/events/elation/message-thread/#messages.patient_id") {
		t.Errorf(`"patient_id" does not list messages[].patient_id: %v`, urls(got))
	}
	// A part after the name's first: "datetime" is in no schema's text
	// but the name appointment_datetime (and expressions that use it).
	if got := search(t, b, "datetime"); !slices.Contains(urls(got), "/events/elation/appointment/#appointment_datetime") {
		t.Errorf(`"datetime" does not list appointment_datetime: %v`, urls(got))
	} else {
		for _, r := range got {
			if !strings.Contains(r.Name, "datetime") {
				t.Errorf(`"datetime" lists %s, whose name has no such part`, r.Name)
			}
		}
	}

	// A tag lists the fields that carry it.
	got = search(t, b, "PII")
	if len(got) == 0 {
		t.Fatal(`"PII" lists nothing`)
	}
	for _, r := range got {
		if !slices.Contains(r.Tags, "PII") {
			t.Errorf(`"PII" lists %s (%s), which has no PII tag`, r.Name, r.URL)
		}
	}

	// A type lists fields of that type: a timestamp in CEL, or a date-time
	// string that the source sends in another type (a quirk, dyn in CEL).
	// (A description that says "timestamp" may list a field of another
	// type too, after them.)
	got = search(t, b, "timestamp")
	if len(got) == 0 {
		t.Fatal(`"timestamp" lists nothing`)
	}
	timestamps := 0
	for _, r := range got {
		if typ := strings.ToLower(r.Type); strings.Contains(typ, "timestamp") || strings.Contains(typ, "date-time") {
			timestamps++
		}
	}
	if typ := strings.ToLower(got[0].Type); !strings.Contains(typ, "timestamp") || timestamps*2 < len(got) {
		t.Errorf(`"timestamp" lists %d fields of a timestamp type in %d, first %s of type %q`, timestamps, len(got), got[0].Name, got[0].Type)
	}

	// A payload's title lists the pages of that title first.
	set, err := schemas.Load()
	if err != nil {
		t.Fatal(err)
	}
	var pages []string
	for _, s := range set.All() {
		if s.Title() == "Appointment" {
			pages = append(pages, "/events/"+s.ID+"/")
		}
	}
	got = search(t, b, "Appointment")
	if len(got) < len(pages) {
		t.Fatalf(`"Appointment" lists %v, want the pages %v first`, urls(got), pages)
	}
	for _, r := range got[:len(pages)] {
		if !slices.Contains(pages, r.URL) || r.Name != "Appointment" {
			t.Errorf(`"Appointment" does not list the Appointment pages %v first: %v`, pages, urls(got))
			break
		}
	}

	// A field name: the fields whose own name has the word are listed
	// (feathery's answers, Healthie's form_answers and ordered_answers,
	// ...), above the fields inside them, which the list may leave for
	// its count.
	var want []string
	for _, s := range set.All() {
		for _, f := range s.Fields {
			own := f.Path[len(f.Path)-1]
			if slices.Contains(strings.Split(own, "_"), "answers") {
				want = append(want, "/events/"+s.ID+"/#"+f.Anchor())
			}
		}
	}
	if len(want) < 3 {
		t.Fatalf("only %v are called answers: the forms payloads are missing", want)
	}
	got = search(t, b, "answers")
	for _, u := range want {
		if !slices.Contains(urls(got), u) {
			t.Errorf(`"answers" does not list %s: %v`, u, urls(got))
		}
	}

	// Actions: found by title, a parameter, a result field under its key.
	if got := search(t, b, "Send Text Message"); !slices.Contains(urls(got), "/actions/open-phone/v1/send-text-message/") {
		t.Errorf(`"Send Text Message" does not list Open Phone's action: %v`, urls(got))
	}
	if got := search(t, b, "customer_id"); !slices.Contains(urls(got), "/actions/stripe/v1/create-card/#card.customer_id") {
		t.Errorf(`"customer_id" does not list Stripe Create Card's result field: %v`, urls(got))
	}
	if got := search(t, b, "givenName"); !slices.Contains(urls(got), "/actions/spruce/v1/create-or-update-contact/#param-givenName") {
		t.Errorf(`"givenName" does not list Spruce's parameter: %v`, urls(got))
	}
	if got := search(t, b, "zzqxjv"); len(got) != 0 {
		t.Errorf("a word in no schema lists %v", urls(got))
	}
	if s := jsEval[string](t, b, `document.querySelector('[data-fb="search-status"]').textContent`); s != "No results" {
		t.Errorf("the status says %q when nothing matches", s)
	}
	if shown := jsEval[bool](t, b, `document.querySelector('[data-fb="search-status"]').getBoundingClientRect().width > 20`); !shown {
		t.Error(`"No results" is not shown, only announced`)
	}
	if c := b.snapshot(&b.console); len(c) > 0 {
		t.Errorf("console errors (a CSP refusal of Pagefind would show here): %v", c)
	}
}

// TestSearchKeyboard: "/" focuses the box (but types a slash in the
// editors), the arrows move the active result, Escape closes the list,
// Enter opens the field on its page.
func TestSearchKeyboard(t *testing.T) {
	b := newBrowser(t)
	openPlayground(t, b, "/events/elation/message-thread/")
	focused := func() string {
		return jsEval[string](t, b, `document.activeElement.id || document.activeElement.className`)
	}

	// In an expression's editor, "/" is a slash of the expression.
	typeInto(t, b, "4 ")
	pressSlash(t, b)
	b.do(t, chromedp.KeyEvent(" 2"))
	if f := focused(); f == "site-search" {
		t.Fatal(`"/" in the expression editor moved to the search box`)
	}
	waitFor(t, b, "the expression's value", firstResult+`.startsWith('2')`)

	jsEval[any](t, b, `document.activeElement.blur(), true`)
	pressSlash(t, b)
	if f := focused(); f != "site-search" {
		t.Fatalf(`"/" focused %q, not the search box`, f)
	}
	if v := jsEval[string](t, b, `document.querySelector('`+searchBox+`').value`); v != "" {
		t.Errorf(`"/" was typed into the box: %q`, v)
	}

	got := search(t, b, "patient_id")
	if len(got) < 2 {
		t.Fatalf(`"patient_id" lists %d results; the arrows need two`, len(got))
	}
	state := func() (expanded, activeID, selected string) {
		v := jsEval[[]string](t, b, `(() => {
			const box = document.querySelector('`+searchBox+`');
			const sel = document.querySelector('[role="option"][aria-selected="true"]');
			return [box.getAttribute('aria-expanded'), box.getAttribute('aria-activedescendant') || '', sel ? sel.id : ''];
		})()`)
		return v[0], v[1], v[2]
	}
	if exp, act, _ := state(); exp != "true" || act != "" {
		t.Errorf("with results listed: aria-expanded %s, aria-activedescendant %q", exp, act)
	}
	ids := jsEval[[]string](t, b, `[...document.querySelectorAll('[role="option"]')].map(o => o.id)`)
	for _, step := range []struct {
		key  string
		want string
	}{{kb.ArrowDown, ids[0]}, {kb.ArrowDown, ids[1]}, {kb.ArrowUp, ids[0]}} {
		b.do(t, chromedp.KeyEvent(step.key))
		if _, act, sel := state(); act != step.want || sel != step.want {
			t.Errorf("after the arrow keys: aria-activedescendant %q, selected %q, want %q", act, sel, step.want)
		}
	}

	b.do(t, chromedp.KeyEvent(kb.Escape))
	if exp, act, _ := state(); exp != "false" || act != "" || !jsEval[bool](t, b, `document.querySelector('[data-fb="search-results"]').hidden`) {
		t.Errorf("Escape left the list open: aria-expanded %s, aria-activedescendant %q", exp, act)
	}
	if v := jsEval[string](t, b, `document.querySelector('`+searchBox+`').value`); v != "patient_id" {
		t.Errorf("Escape with the list open cleared the query: %q", v)
	}

	// The arrow opens the list again; Enter opens the active result, on
	// another page, at the field.
	b.do(t, chromedp.KeyEvent(kb.ArrowDown))
	target := got[0].URL
	if act := jsEval[string](t, b, `document.querySelector('`+searchBox+`').getAttribute('aria-activedescendant')`); act != ids[0] {
		t.Fatalf("ArrowDown after Escape made %q active", act)
	}
	b.do(t, chromedp.KeyEvent(kb.Enter))
	waitFor(t, b, "the result's page", `location.pathname + location.hash === `+jsString(target))
	anchor := target[strings.Index(target, "#")+1:]
	waitFor(t, b, "the field at the anchor", `document.readyState === 'complete' && document.querySelector(':target') === document.getElementById(`+jsString(anchor)+`)`)
	if name := jsEval[string](t, b, `document.querySelector(':target').dataset.field`); name != got[0].Name {
		t.Errorf("the field at %s is %q, the result said %q", target, name, got[0].Name)
	}
	if top := jsEval[float64](t, b, `document.querySelector(':target').getBoundingClientRect().top`); top < 0 || top > 900 {
		t.Errorf("the field is not in view: %v px from the top", top)
	}
}

// TestSearchSamePageAndClick: a click on a result of the page being read
// moves to the field there, and the focus with it.
func TestSearchSamePageAndClick(t *testing.T) {
	b := newBrowser(t)
	openPage(t, b, "/events/elation/appointment/")
	got := search(t, b, "service_location.city")
	if len(got) == 0 || got[0].URL != "/events/elation/appointment/#service_location.city" {
		t.Fatalf("results: %v", urls(got))
	}
	b.do(t, chromedp.Click(chromedp.CSS(`[data-fb="search-results"] [role="option"]`)))
	waitFor(t, b, "the field", `location.hash === '#service_location.city' && document.querySelector(':target') && document.querySelector(':target').id === 'service_location.city'`)
	if in := jsEval[bool](t, b, `document.querySelector(':target').contains(document.activeElement)`); !in {
		t.Error("the focus did not move to the field")
	}
	if hidden := jsEval[bool](t, b, `document.querySelector('[data-fb="search-results"]').hidden`); !hidden {
		t.Error("the list stays open after a result was chosen")
	}
}

// TestSearchLoadsPagefindOnlyWhenUsed: a reader who never touches the box
// downloads nothing of Pagefind; focusing it starts the download. It logs
// what a first search downloads (BENCHMARKS.md).
func TestSearchLoadsPagefindOnlyWhenUsed(t *testing.T) {
	b := newBrowser(t)
	openPlayground(t, b, "/events/elation/appointment/")
	b.do(t, chromedp.Sleep(500*time.Millisecond)) // anything loaded after first paint has started by now
	pagefindRequests := func() []string {
		var out []string
		for _, r := range b.snapshot(&b.requests) {
			if strings.Contains(r, "/pagefind/") {
				out = append(out, r)
			}
		}
		return out
	}
	if r := pagefindRequests(); len(r) > 0 {
		t.Fatalf("the page asked for Pagefind before the search box was used: %v", r)
	}
	before := len(requests.all())
	listed := search(t, b, "patient_id")
	if r := pagefindRequests(); len(r) == 0 {
		t.Fatal("a search made no request for /pagefind/: the request log does not see it")
	}
	// What the first search cost: the files the server was asked for
	// (the page's requests and those of Pagefind's Web Worker, which the
	// page's own log does not see; the tests run one at a time), as it
	// sends them to a browser that takes brotli.
	seen := map[string]bool{}
	var files, bytes int64
	for _, r := range requests.all()[before:] {
		if !strings.Contains(r, "/pagefind/") {
			continue
		}
		u, err := url.Parse(strings.Fields(r)[1]) // "GET /pagefind/... "
		if err != nil || seen[u.Path] {
			continue
		}
		seen[u.Path] = true
		name := filepath.Join(siteDir, filepath.FromSlash(u.Path))
		st, err := os.Stat(name + ".br")
		if err != nil {
			st, err = os.Stat(name)
		}
		if err != nil {
			t.Errorf("a request for %s, which the build did not write", u.Path)
			continue
		}
		files++
		bytes += st.Size()
		t.Logf("%8d %s", st.Size(), u.Path)
	}
	t.Logf("a first search, typed key by key, downloads %d files from /pagefind/, %d bytes, and lists %d results", files, bytes, len(listed))
}

// TestSearchAccessibility runs axe with the results open and one active.
func TestSearchAccessibility(t *testing.T) {
	for _, scheme := range []string{"light", "dark"} {
		t.Run(scheme, func(t *testing.T) {
			b := newBrowser(t)
			emulateScheme(t, b, scheme)
			openPage(t, b, "/events/elation/appointment/")
			if got := search(t, b, "PII"); len(got) == 0 {
				t.Fatal("no results to check")
			}
			b.do(t, chromedp.KeyEvent(kb.ArrowDown))
			runAxe(t, b, "/events/elation/appointment/ with search results")
		})
	}
}
