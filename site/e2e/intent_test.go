package e2e

// Browser tests of when the engine's bytes move: a payload page fetches the
// module only when the reader shows intent to use the playground; the
// playground page at once. And the favicon every page asks for.

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// moduleRequests counts the requests for the engine module the server has
// seen since the log held from entries: the page's and its workers' alike.
func moduleRequests(from int) int {
	n := 0
	for _, r := range requests.all()[from:] {
		if strings.Contains(r, "/assets/fieldbook.") && strings.Contains(r, ".wasm") {
			n++
		}
	}
	return n
}

// settle waits for the page's load event and two frames after it, then
// leaves the page half a second more: before intent existed the engine
// started on the first frame after paint, so a page that still fetches it
// unasked does so by then.
func settle(t *testing.T, b *browser) {
	t.Helper()
	waitFor(t, b, "the page loaded", `document.readyState === 'complete'`)
	ctx, cancel := contextWithTimeout(b, 10*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
}

// farFromPlayground scrolls a payload page to where a reader reads the field
// details, and checks that the playground is more than two screens below:
// the test window is 1280×900 and the Appointment page is long, so this
// holds without making the page taller or the window smaller.
func farFromPlayground(t *testing.T, b *browser) {
	t.Helper()
	screens := jsEval[float64](t, b, `(() => {
		document.querySelector('#fields').scrollIntoView();
		return document.querySelector('[data-fb="playground"]').getBoundingClientRect().top / innerHeight;
	})()`)
	if screens < 2 {
		t.Fatalf("the playground is %.1f screens below the fields: too near for this test to mean anything", screens)
	}
}

func TestPayloadPageFetchesTheEngineOnIntent(t *testing.T) {
	for _, intent := range []struct {
		name string
		do   func(t *testing.T, b *browser)
	}{
		{"focus on an editor", func(t *testing.T, b *browser) {
			jsEval[bool](t, b, `document.querySelector('[data-fb="expression"]').focus(), true`)
		}},
		{"Try", func(t *testing.T, b *browser) {
			// The first field's Try button, in the field details: far above
			// the playground.
			b.do(t, chromedp.Click(chromedp.CSS(`#fields button.try`)))
		}},
		{"a share link opened in the tab", func(t *testing.T, b *browser) {
			fragment := packState(t, map[string]any{"v": 1, "expressions": []string{"40 + 2"}})
			jsEval[bool](t, b, `location.hash = '`+fragment+`', true`)
		}},
	} {
		t.Run(intent.name, func(t *testing.T) {
			b := newBrowser(t)
			from := len(requests.all())
			b.do(t, chromedp.Navigate(siteURL+"/events/elation/appointment/"))
			farFromPlayground(t, b)
			settle(t, b)
			if n := moduleRequests(from); n != 0 {
				t.Fatalf("%d requests for the module before the reader came near the playground", n)
			}
			if got := jsEval[bool](t, b, `performance.getEntriesByType('resource').some((r) => r.name.includes('/editor.'))`); got {
				t.Error("the editors were fetched before intent")
			}
			if got := jsEval[string](t, b, `document.querySelector('[data-fb="status"]').textContent`); !strings.Contains(got, "when you come to the playground") {
				t.Errorf("the status before intent: %q", got)
			}

			intent.do(t, b)
			waitFor(t, b, "the first live result", `document.querySelector('[data-fb="playground"]').dataset.ready === 'true'`)
			if got := jsEval[string](t, b, firstResult); got == "" {
				t.Error("no result shown after intent")
			}
			// More intent (the playground in view, a Try) fetches nothing more.
			b.do(t, chromedp.Click(chromedp.CSS(`#examples button.try`)))
			waitFor(t, b, "the example's value", `[...document.querySelectorAll('[data-fb="expression"]')].some((e) => e.value === document.querySelector('#examples button.try').dataset.try && e.closest('.expression').querySelector('[data-fb="result"]').textContent !== '')`)
			if n := moduleRequests(from); n != 1 {
				t.Errorf("%d requests for the module after intent, want 1", n)
			}
			if c := b.snapshot(&b.console); len(c) > 0 {
				t.Errorf("console errors: %v", c)
			}
		})
	}
}

// The playground page, and a share link to a payload page, start the engine
// at once: the reader came to use it.
func TestPlaygroundPageFetchesTheEngineAtOnce(t *testing.T) {
	link := "/events/elation/appointment/" + packState(t, map[string]any{"v": 1, "expressions": []string{"40 + 2"}})
	for _, path := range []string{"/playground/", link} {
		b := newBrowser(t)
		from := len(requests.all())
		b.do(t, chromedp.Navigate(siteURL+path))
		// No scrolling, no focus, no pointer: the page alone asks for it.
		waitFor(t, b, "the first result", `document.querySelector('[data-fb="playground"]').dataset.ready === 'true'`)
		if n := moduleRequests(from); n != 1 {
			t.Errorf("%s: %d requests for the module, want 1", path, n)
		}
	}
}

// TestFavicon: /favicon.ico is a real 32×32 icon, served as one, so no
// page logs a 404 for it.
func TestFavicon(t *testing.T) {
	b := newBrowser(t)
	b.do(t, chromedp.Navigate(siteURL+"/"))
	ctx, cancel := contextWithTimeout(b, 20*time.Second)
	defer cancel()
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]any](`(async () => {
		const r = await fetch('/favicon.ico');
		const img = new Image();
		img.src = '/favicon.ico';
		await img.decode();
		return [r.status, r.headers.get('Content-Type'), img.naturalWidth, img.naturalHeight];
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if want := []any{float64(200), "image/x-icon", float64(32), float64(32)}; len(got) != 4 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] || got[3] != want[3] {
		t.Errorf("/favicon.ico: status, type, width, height %v, want %v", got, want)
	}
}

// A reader who shows intent by focusing an expression and typing keeps
// typing there when the editors replace the textareas: the editor takes
// the focus and the caret.
func TestTypingGoesOnWhenTheEditorsArrive(t *testing.T) {
	b := newBrowser(t)
	b.do(t, chromedp.Navigate(siteURL+"/events/elation/appointment/"))
	farFromPlayground(t, b)
	jsEval[bool](t, b, `(() => {
		const e = document.querySelector('[data-fb="expression"]');
		e.focus();
		e.value = '1 + 1';
		e.setSelectionRange(5, 5);
		e.dispatchEvent(new Event('input', {bubbles: true}));
		return true;
	})()`)
	waitFor(t, b, "the editors", `!!document.querySelector('.fb-editor-cel')`)
	b.do(t, chromedp.KeyEvent(" + 40"))
	waitFor(t, b, "the value of what was typed", firstResult+`.startsWith('42 ')`)
	if got := jsEval[string](t, b, `document.querySelector('[data-fb="expression"]').value`); got != "1 + 1 + 40" {
		t.Errorf("the expression reads %q", got)
	}
}
