package e2e

// Browser test of a batch run over a large local file: 100,000 Appointment
// payloads, about 130 MB, read a piece at a time in the page.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"fieldbook/schemas"
)

const batchFilter = `mode == "VIDEO" && service_location.state == "CA"`

// appointmentsFile writes n Appointment payloads as NDJSON, each the
// example with its own id, mode and state, and every 997th line broken. It
// answers the counts the filter must give: true, false, error.
func appointmentsFile(t *testing.T, n int) (path string, want [3]int) {
	t.Helper()
	set, err := schemas.Load()
	if err != nil {
		t.Fatal(err)
	}
	s, _ := set.Get("elation/appointment")
	var example map[string]any
	raw, _ := json.Marshal(s.Example())
	if err := json.Unmarshal(raw, &example); err != nil {
		t.Fatal(err)
	}
	location := example["service_location"].(map[string]any)
	path = filepath.Join(t.TempDir(), "appointments.ndjson")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	for i := 0; i < n; i++ {
		if i%997 == 500 {
			fmt.Fprintf(w, "{\"appointment_id\": %d, \"mode\": \n", i)
			want[2]++
			continue
		}
		mode := []string{"VIDEO", "IN_PERSON", "VIDEO"}[i%3]
		state := []string{"CA", "NY", "TX", "CA", "WA"}[i%5]
		example["appointment_id"] = 67176890458 + i
		example["mode"] = mode
		location["state"] = state
		line, _ := json.Marshal(example)
		w.Write(line)
		w.WriteByte('\n')
		if mode == "VIDEO" && state == "CA" {
			want[0]++
		} else {
			want[1]++
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path, want
}

// chooseBatchFile opens a local file in the batch panel and waits until
// the page has checked it.
func chooseBatchFile(t *testing.T, b *browser, path string) {
	t.Helper()
	content, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	openBatchFile(t, b, filepath.Base(path), string(content))
	waitFor(t, b, "the file checked", batchStatus+`.includes('is ready')`)
}

const (
	batchStatus   = `document.querySelector('[data-fb="batch-status"]').textContent`
	batchRunning  = `!document.querySelector('[data-fb="batch-progress"]').hidden`
	batchCountRow = `[...document.querySelectorAll('[data-fb="batch-counts"] tr:nth-child(2) td')].map(td => td.textContent)`
)

// waitLong polls a predicate for up to five minutes: a large run on a
// shared machine.
func waitLong(t *testing.T, b *browser, what, js string) {
	t.Helper()
	ctx, cancel := contextWithTimeout(b, 5*time.Minute)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingTimeout(5*time.Minute), chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		t.Fatalf("waiting for %s: %v\nconsole: %v", what, err, b.snapshot(&b.console))
	}
}

func TestALargeBatchFileRuns(t *testing.T) {
	const n = 100_000
	path, want := appointmentsFile(t, n)
	b := newBrowser(t)
	openPlayground(t, b, "/playground/")
	setValue(t, b, `#expression-2`, ``)
	setValue(t, b, `[data-fb="expression"]`, batchFilter)
	waitFor(t, b, "the filter's value", firstResult+`.startsWith('true')`)
	chooseBatchFile(t, b, path)
	if got := jsEval[string](t, b, `document.querySelector('[data-fb="batch-input"]').value`); got != "" {
		t.Errorf("the file went into the text box (%d characters)", len(got))
	}

	b.do(t, chromedp.Click(chromedp.CSS(`[data-fb="batch-run"]`)))
	waitLong(t, b, "the progress", batchRunning+` && document.querySelector('[data-fb="batch-rate"]').textContent.includes('payloads')`)
	// The page stays responsive while the run goes on: a frame is drawn,
	// and an expression typed now gets its live value (between the run's
	// calls to the engine) before the run ends.
	ctx, cancel := contextWithTimeout(b, 30*time.Second)
	framed, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`new Promise((r) => requestAnimationFrame(() => r(`+batchRunning+`)))`, chromedp.EvalAwaitPromise))
	cancel()
	if err != nil || !framed {
		t.Errorf("no frame drawn during the run (%v)", err)
	}
	setValue(t, b, `#expression-2`, `40 + 2`)
	waitLong(t, b, "a live value during the run", `document.querySelectorAll('[data-fb="result"]')[1].textContent.startsWith('42 ')`)
	if !jsEval[bool](t, b, batchRunning) {
		t.Error("the run was over before the live value came: nothing shows the page answered during it")
	}
	progress := jsEval[string](t, b, `document.querySelector('[data-fb="batch-rate"]').textContent`)
	t.Logf("progress during the run: %s", progress)
	if !strings.Contains(progress, "a second") || !strings.Contains(progress, "left") {
		t.Errorf("the progress does not say the rate and the time left: %q", progress)
	}

	waitLong(t, b, "the run's end", `!(`+batchRunning+`) && !!document.querySelector('[data-fb="batch-counts"]')`)
	got := jsEval[[]string](t, b, batchCountRow)
	wantRow := []string{batchFilter, fmt.Sprint(want[0]), fmt.Sprint(want[1]), "0", fmt.Sprint(want[2])}
	if fmt.Sprint(got) != fmt.Sprint(wantRow) {
		t.Errorf("counts %q, want %q", got, wantRow)
	}
	if status := jsEval[string](t, b, batchStatus); status != "100,000 payloads" {
		t.Errorf("status %q", status)
	}
	if shown := jsEval[int](t, b, `document.querySelectorAll('[data-fb="batch-results"] table:nth-of-type(2) tr').length - 1`); shown != 200 {
		t.Errorf("%d rows shown, want the first 200", shown)
	}
	if text := jsEval[string](t, b, `document.querySelector('[data-fb="batch-results"]').textContent`); !strings.Contains(text, "line 501") {
		t.Errorf("the first broken line, 501, is not among the first errors: %.300s", text)
	}

	// The download holds one line per payload, in order.
	lines := downloadResults(t, b)
	if len(lines) != n {
		t.Fatalf("the download holds %d lines, want %d", len(lines), n)
	}
	for i, l := range lines {
		var row struct {
			Index  int
			Line   int
			Error  string
			Values []struct{ OK bool }
		}
		if err := json.Unmarshal([]byte(l), &row); err != nil || row.Index != i || row.Line != i+1 {
			t.Fatalf("download line %d: %q (%v)", i+1, l, err)
		}
		if broken := i%997 == 500; broken != (row.Error != "") || !broken && len(row.Values) != 1 {
			t.Fatalf("download line %d: %q", i+1, l)
		}
	}
	for _, r := range requests.all() {
		if strings.Contains(r, "67176890458") {
			t.Fatalf("a payload left the page: %.200s", r)
		}
	}

	// Cancel stops a run: it ends with the payloads done so far, and the
	// next run works.
	b.do(t, chromedp.Click(chromedp.CSS(`[data-fb="batch-run"]`)))
	waitLong(t, b, "the second run under way", batchRunning+` && document.querySelector('[data-fb="batch-rate"]').textContent.includes('payloads')`)
	b.do(t, chromedp.Click(chromedp.CSS(`[data-fb="batch-cancel"]`)))
	waitLong(t, b, "the cancelled run's end", `!(`+batchRunning+`)`)
	status := jsEval[string](t, b, batchStatus)
	if !strings.HasPrefix(status, "Cancelled after ") {
		t.Fatalf("status after Cancel: %q", status)
	}
	got = jsEval[[]string](t, b, batchCountRow)
	var done int
	for _, c := range got[1:] {
		var k int
		fmt.Sscan(c, &k)
		done += k
	}
	if done == 0 || done >= n {
		t.Errorf("the cancelled run counted %d payloads (%q), want some, not all", done, got)
	}
	if jsEval[bool](t, b, `document.querySelector('[data-fb="batch-run"]').disabled`) {
		t.Error("Run stays disabled after Cancel")
	}
}

// downloadResults clicks the download link and reads the file the browser
// saved.
func downloadResults(t *testing.T, b *browser) []string {
	t.Helper()
	data := downloadFile(t, b, `[data-fb="batch-download"]`, "batch-results.ndjson")
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

// downloadFile clicks what downloads a file and reads the file, of that
// name, the browser saved.
func downloadFile(t *testing.T, b *browser, selector, name string) []byte {
	t.Helper()
	dir := t.TempDir()
	yes := true
	done := make(chan string, 1)
	chromedp.ListenBrowser(b.ctx, func(ev any) {
		if e, ok := ev.(*cdpbrowser.EventDownloadProgress); ok && e.State != cdpbrowser.DownloadProgressStateInProgress {
			select {
			case done <- string(e.State):
			default:
			}
		}
	})
	if _, err := chromedp.CallBrowser(b.ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir, EventsEnabled: &yes}); err != nil {
		t.Fatal(err)
	}
	b.do(t, chromedp.Click(chromedp.CSS(selector)))
	select {
	case state := <-done:
		if state != string(cdpbrowser.DownloadProgressStateCompleted) {
			t.Fatalf("the download ended %s", state)
		}
	case <-time.After(time.Minute):
		t.Fatal("the download did not end")
	}
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// A payload of a batch that is not JSON shows one error across every
// expression's column, so the row has as many columns as the others.
func TestABatchRowThatIsNotJSONSpansTheExpressions(t *testing.T) {
	b := newBrowser(t)
	openPlayground(t, b, "/playground/")
	setValue(t, b, `[data-fb="expression"]`, `mode == "VIDEO"`)
	setValue(t, b, `#expression-2`, `service_location.state`)
	jsEval[bool](t, b, `document.querySelector('[data-fb="batch"]').open = true`)
	setValue(t, b, `[data-fb="batch-input"]`, "{\"mode\": \"VIDEO\"}\n{not json\n{\"mode\": \"PHONE\"}")
	b.do(t, chromedp.Click(chromedp.CSS(`[data-fb="batch-run"]`)))
	waitFor(t, b, "the rows", `document.querySelectorAll('[data-fb="batch-results"] table:nth-of-type(2) tr').length === 4`)
	// As many columns as the header: #, the schema's column where a
	// payload breaks it, and one an expression.
	spans := jsEval[[]float64](t, b, `[...document.querySelectorAll('[data-fb="batch-results"] table:nth-of-type(2) tr')].map((tr) => [...tr.children].reduce((n, td) => n + td.colSpan, 0))`)
	if len(spans) != 4 || spans[0] < 3 || spans[1] != spans[0] || spans[2] != spans[0] || spans[3] != spans[0] {
		t.Errorf("columns of the header and the rows: %v, want as many in each, at least 3", spans)
	}
}
