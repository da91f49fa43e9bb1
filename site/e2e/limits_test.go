package e2e

// Browser tests of the playground's bounds and of its engine's life: share
// links that hold too much or the wrong thing, a call queued behind one that
// overran, an engine whose Go program ended, and a batch file that is not
// UTF-8.

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// packLink writes a share link's fragment as the page does: the state's
// JSON, deflated (raw), in base64url. write writes the JSON.
func packLink(t *testing.T, write func(w *flate.Writer)) string {
	t.Helper()
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	write(w)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return "#s=" + base64.RawURLEncoding.EncodeToString(buf.Bytes())
}

func packState(t *testing.T, state any) string {
	t.Helper()
	return packLink(t, func(w *flate.Writer) {
		if err := json.NewEncoder(w).Encode(state); err != nil {
			t.Fatal(err)
		}
	})
}

const linkStatus = `(document.querySelector('[data-fb="link-status"]')?.textContent ?? '')`

// answersOnePlusOne checks that the page still works: a new expression gets
// its value.
func answersOnePlusOne(t *testing.T, b *browser) {
	t.Helper()
	setValue(t, b, `[data-fb="expression"]`, `1 + 1`)
	waitFor(t, b, "the value of 1 + 1", firstResult+`.startsWith('2 ')`)
}

// A link whose state decompresses to 256 MiB (a 348 KB link) is refused
// without decompressing it all, and the page goes on working.
func TestAHugeShareLinkIsRefused(t *testing.T) {
	const size = 256 << 20
	link := packLink(t, func(w *flate.Writer) {
		fmt.Fprint(w, `{"v":1,"schema":"","dialect":"cel","expressions":["size(pad)"],"payload":"{\"pad\": \"`)
		chunk := bytes.Repeat([]byte("a"), 1<<20)
		for range size / len(chunk) {
			w.Write(chunk)
		}
		fmt.Fprint(w, `\"}"}`)
	})
	t.Logf("the link is %d KB", len(link)/1000)
	b := newBrowser(t)
	b.do(t, chromedp.Navigate(siteURL+"/playground/"+link))
	waitFor(t, b, "the refusal", linkStatus+`.includes('This link holds more than')`)
	t.Logf("%s", jsEval[string](t, b, linkStatus))
	if n := jsEval[int](t, b, `document.querySelector('[data-fb="payload"]').value.length`); n > 1<<20 {
		t.Errorf("the payload holds %d characters from the refused link", n)
	}
	waitFor(t, b, "the playground's results", `document.querySelector('[data-fb="playground"]').dataset.ready === 'true'`)
	answersOnePlusOne(t, b)
}

// A link with 1,000 expressions restores the first 20 and says so.
func TestAShareLinkRestoresAtMost20Expressions(t *testing.T) {
	exprs := make([]string, 1000)
	for i := range exprs {
		exprs[i] = fmt.Sprintf("%d + 1", i)
	}
	link := packState(t, map[string]any{"v": 1, "schema": "", "dialect": "cel", "expressions": exprs})
	b := newBrowser(t)
	b.do(t, chromedp.Navigate(siteURL+"/playground/"+link))
	waitFor(t, b, "the note on the expressions", linkStatus+`.includes('1000 expressions')`)
	if got := jsEval[string](t, b, linkStatus); !strings.Contains(got, "first 20") {
		t.Errorf("the note does not say what was restored: %q", got)
	}
	if n := jsEval[int](t, b, `document.querySelectorAll('[data-fb="expression"]').length`); n != 20 {
		t.Errorf("%d expressions restored, want 20", n)
	}
	waitFor(t, b, "the twentieth value", `document.querySelectorAll('[data-fb="result"]')[19].textContent.startsWith('20 ')`)
}

// A link whose JSON has the wrong shape says so and changes nothing.
func TestAShareLinkOfTheWrongShapeSaysSo(t *testing.T) {
	b := newBrowser(t)
	openPlayground(t, b, "/playground/")
	before := jsEval[string](t, b, `document.querySelector('[data-fb="expression"]').value`)
	for _, c := range []struct {
		state any
		want  string
	}{
		{[]any{"1 + 1"}, "not an object"},
		{"1 + 1", "not an object"},
		{map[string]any{"v": 1, "expressions": "1 + 1"}, "expressions"},
		{map[string]any{"v": 1, "expressions": []any{1, 2}}, "expressions"},
		{map[string]any{"v": 1, "payload": 7, "expressions": []string{"1 + 1"}}, "payload"},
		{map[string]any{"v": 1, "schema": 5, "expressions": []string{"1 + 1"}}, "schema"},
		{map[string]any{"v": 1, "dialect": "klingon", "expressions": []string{"1 + 1"}}, "dialect"},
	} {
		jsEval[any](t, b, `document.querySelector('[data-fb="link-status"]')?.replaceChildren(), true`)
		b.do(t, chromedp.Navigate(siteURL+"/playground/"+packState(t, c.state)))
		waitFor(t, b, fmt.Sprintf("what is wrong with %v", c.state), linkStatus+`.includes('This link could not be used')`)
		if got := jsEval[string](t, b, linkStatus); !strings.Contains(got, c.want) {
			t.Errorf("for %v the page says %q, which does not name %q", c.state, got, c.want)
		}
		if got := jsEval[string](t, b, `document.querySelector('[data-fb="expression"]').value`); got != before {
			t.Errorf("the link %v was applied: the expression is %q", c.state, got)
		}
	}
}

// A call that was waiting behind one that overran is not "Stopped": its
// time counts from when the engine starts it, and it runs on the restarted
// engine.
func TestTheCallAfterAnOverrunAnswers(t *testing.T) {
	b := newBrowser(t)
	openPlayground(t, b, "/playground/")
	jsEval[any](t, b, `(() => { const s = document.querySelector('[data-fb="schema"]'); s.value = ''; s.dispatchEvent(new Event('change')); })()`)
	jsEval[any](t, b, `document.querySelector('[data-fb="playground"]').dataset.timeout = '1000'`)
	// A 50,000-key object without a schema: an evaluation on it takes
	// seconds.
	jsEval[any](t, b, `(() => {
		const el = document.querySelector('[data-fb="payload"]');
		el.value = JSON.stringify(Object.fromEntries(Array.from({length: 50000}, (_, i) => ['key' + i, i])));
		el.dispatchEvent(new Event('input', {bubbles: true}));
	})()`)
	setValue(t, b, `[data-fb="clock"]`, "2020-01-01T00:00:00Z")
	// Once that run has started (it shows its clock), the reader types on.
	waitFor(t, b, "the run on the big payload", `document.querySelector('[data-fb="clock-shown"]').textContent.includes('2020-01-01')`)
	setValue(t, b, `[data-fb="payload"]`, `{"mode": "VIDEO"}`)
	setValue(t, b, `[data-fb="expression"]`, `size(mode)`)
	setValue(t, b, `[data-fb="clock"]`, "2021-01-01T00:00:00Z")
	// The big run's call overruns (its "Stopped" is for a run the reader
	// left, and is not shown); the small call, which waited behind it,
	// answers.
	waitFor(t, b, "the small call's value", firstResult+`.startsWith('5 ')`)
}

// engineWorker attaches to the engine's worker (not the one named skip).
func engineWorker(t *testing.T, b *browser, skip target.ID) (context.Context, target.ID) {
	t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	for {
		targets, err := chromedp.Targets(b.ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, ti := range targets {
			if ti.Type == "worker" && strings.Contains(ti.URL, "engine-worker") && ti.TargetID != skip {
				ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithTargetID(ti.TargetID))
				t.Cleanup(cancel)
				return ctx, ti.TargetID
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no engine worker among %d targets", len(targets))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func inWorker(t *testing.T, ctx context.Context, js string) {
	t.Helper()
	r, err := chromedp.Call(ctx, runtime.Evaluate, runtime.EvaluateParams{Expression: js})
	if err != nil {
		t.Fatal(err)
	}
	if r.ExceptionDetails != nil {
		t.Fatalf("in the worker: %s: %s", r.ExceptionDetails.Text, exceptionDescription(r.ExceptionDetails))
	}
}

func exceptionDescription(d *runtime.ExceptionDetails) string {
	if d.Exception != nil {
		return d.Exception.Description
	}
	return ""
}

// When the engine's Go program ends, or its worker fails, the page starts
// a fresh engine and the next call answers.
//
// To end the program the test reaches into the worker through DevTools and
// hands the Go runtime the event that syscall/js takes for a deadlock (id
// 0): the handler blocks for good and the runtime ends the program as on
// any fatal error ("all goroutines are asleep - deadlock!", exit code 2),
// through wasm_exec.js's own exit path. The shipped files have no code for
// tests.
func TestADeadEngineRestarts(t *testing.T) {
	b := newBrowser(t)
	openPlayground(t, b, "/playground/")
	worker, id := engineWorker(t, b, "")
	inWorker(t, worker, `go._pendingEvent = { id: 0, this: null, args: [] }; go._resume(); go.exited`)
	waitFor(t, b, "the restart", `document.querySelector('[data-fb="status"]').textContent.includes('restarted')`)
	got := jsEval[string](t, b, `document.querySelector('[data-fb="status"]').textContent`)
	t.Logf("status: %s", got)
	if !strings.Contains(got, "stopped") {
		t.Errorf("the status does not say the engine stopped: %q", got)
	}
	setValue(t, b, `[data-fb="expression"]`, `lists.range(10).size() + 32`)
	waitFor(t, b, "a value from the restarted engine", firstResult+`.startsWith('42 ') || `+firstResult+`.includes('Stopped')`)
	if got := jsEval[string](t, b, firstResult); !strings.HasPrefix(got, "42 ") {
		t.Fatalf("the first call after the engine ended answered %q", got)
	}

	// A worker that fails after it was ready is replaced too.
	waitFor(t, b, "the status after the value", `!document.querySelector('[data-fb="status"]').textContent.includes('restarted')`)
	worker, _ = engineWorker(t, b, id)
	inWorker(t, worker, `setTimeout(() => { throw new Error('the worker fails') }, 0); true`)
	waitFor(t, b, "the second restart", `document.querySelector('[data-fb="status"]').textContent.includes('restarted')`)
	setValue(t, b, `[data-fb="expression"]`, `lists.range(10).size() + 33`)
	waitFor(t, b, "a value from the engine restarted again", firstResult+`.startsWith('43 ')`)
}

// A batch file that is not UTF-8 is refused, with the line that holds the
// bytes, as the command line refuses it.
func TestBatchFileThatIsNotUTF8IsRefused(t *testing.T) {
	b := newBrowser(t)
	openPlayground(t, b, "/playground/")
	setValue(t, b, `[data-fb="expression"]`, `mode == "VIDEO"`)
	waitFor(t, b, "the value", firstResult+`.startsWith('true')`)
	openBatchFile(t, b, "latin1.ndjson", "{\"mode\": \"VIDEO\"}\n{\"mode\": \"IN_PERSON\"}\n{\"mode\": \"VID\xe9O\"}\n{\"mode\": \"VIDEO\"}\n")
	const batchStatus = `document.querySelector('[data-fb="batch-status"]').textContent`
	waitFor(t, b, "the file read", batchStatus+`.includes('latin1.ndjson')`)
	if got := jsEval[string](t, b, batchStatus); !strings.Contains(got, "UTF-8") || !strings.Contains(got, "line 3") {
		t.Errorf("the status does not refuse the file with its line: %q", got)
	}
	if got := jsEval[string](t, b, `document.querySelector('[data-fb="batch-input"]').value`); strings.ContainsRune(got, '\uFFFD') {
		t.Errorf("the file's bytes became U+FFFD: %q", got)
	}
	// Run answers at once, as it starts a run ("Running…") or refuses it.
	b.do(t, chromedp.Click(chromedp.CSS(`[data-fb="batch-run"]`)))
	if got := jsEval[string](t, b, batchStatus); !strings.Contains(got, "line 3") {
		t.Errorf("Run on the refused file: %q", got)
	}
	if jsEval[bool](t, b, `!!document.querySelector('[data-fb="batch-counts"]')`) {
		t.Error("the batch ran on the file")
	}
}

// TestAtMost20Expressions: the playground adds expressions up to the
// engine's limit a run takes, then says so on the disabled button.
func TestAtMost20Expressions(t *testing.T) {
	b := newBrowser(t)
	openPlayground(t, b, "/playground/")
	got := jsEval[[]any](t, b, `(() => {
		const add = document.querySelector('[data-fb="add-expression"]');
		for (let i = 0; i < 25; i++) add.click();
		return [document.querySelectorAll('[data-fb="expression"]').length, add.disabled, add.title];
	})()`)
	if got[0] != float64(20) || got[1] != true || got[2] != "At most 20 expressions" {
		t.Errorf("after 25 clicks: %v", got)
	}
}
