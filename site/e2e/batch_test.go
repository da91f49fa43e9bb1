package e2e

// Browser test of a batch run over a large local file: 100,000 Appointment
// payloads, about 130 MB, read a piece at a time in the page.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"fieldbook/schemas"
)

const batchFilter = `mode == "VIDEO" && service_location.state == "CA"`

// appointmentExample is elation/appointment's example, as a reader pastes
// it, decoded afresh: each caller changes its own.
func appointmentExample(t *testing.T) map[string]any {
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
	return example
}

// appointmentsFile writes n Appointment payloads as NDJSON, each the
// example with its own id, mode and state, and every 997th line broken. It
// answers the counts the filter must give: true, false, error.
func appointmentsFile(t *testing.T, n int) (path string, want [3]int) {
	t.Helper()
	example := appointmentExample(t)
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

// conditionsFilter is a filter of three conditions; appointmentConditions
// answers, for an appointment's mode, state and duration, the index of the
// first of them that is false (the one that stops it), or -1 where all hold.
var conditionsFilter = []string{`mode == "VIDEO"`, `service_location.state == "CA"`, `appointment_duration_in_minutes >= 30`}

func appointmentConditions(mode, state string, minutes int) int {
	for i, holds := range []bool{mode == "VIDEO", state == "CA", minutes >= 30} {
		if !holds {
			return i
		}
	}
	return -1
}

// variedAppointments writes n Appointment payloads as NDJSON, the example
// with a mode, a state and a duration drawn from a seeded generator, and
// answers which condition of conditionsFilter stops each (-1: none), and
// how many each stops.
func variedAppointments(t *testing.T, n int) (ndjson string, stoppedBy []int, stopped [3]int) {
	t.Helper()
	example := appointmentExample(t)
	location := example["service_location"].(map[string]any)
	r := rand.New(rand.NewPCG(22, 3))
	var sb strings.Builder
	for i := 0; i < n; i++ {
		mode := []string{"VIDEO", "VIDEO", "IN_PERSON", "PHONE"}[r.IntN(4)]
		state := []string{"CA", "CA", "NY", "TX"}[r.IntN(4)]
		minutes := []int{15, 15, 30, 45}[r.IntN(4)]
		example["appointment_id"] = fmt.Sprint(67176890458 + i)
		example["mode"] = mode
		example["appointment_duration_in_minutes"] = minutes
		location["state"] = state
		line, _ := json.Marshal(example)
		sb.Write(line)
		sb.WriteByte('\n')
		k := appointmentConditions(mode, state, minutes)
		stoppedBy = append(stoppedBy, k)
		if k >= 0 {
			stopped[k]++
		}
	}
	return sb.String(), stoppedBy, stopped
}

// runConditionsBatch writes the filter of three conditions and runs the
// batch over payloads, pasted or, with a file name, from a file.
func runConditionsBatch(t *testing.T, b *browser, payloads, file string) {
	t.Helper()
	setValue(t, b, `#expression-2`, ``)
	setValue(t, b, `[data-fb="expression"]`, strings.Join(conditionsFilter, " && "))
	waitFor(t, b, "the filter's value", firstResult+`.startsWith('false')`)
	if file == "" {
		jsEval[bool](t, b, `document.querySelector('[data-fb="batch"]').open = true`)
		setValue(t, b, `[data-fb="batch-input"]`, payloads)
	} else {
		openBatchFile(t, b, file, payloads) // opens the batch panel
		waitFor(t, b, "the file checked", batchStatus+`.includes('is ready')`)
	}
	b.do(t, chromedp.Click(chromedp.CSS(`[data-fb="batch-run"]`)))
	waitLong(t, b, "the run's end", `!(`+batchRunning+`) && !!document.querySelector('[data-fb="batch-counts"]')`)
}

// checkConditionCounts compares the breakdown the page shows with the
// payloads each condition stops, and the false count with their sum.
func checkConditionCounts(t *testing.T, b *browser, stopped [3]int) {
	t.Helper()
	falses := stopped[0] + stopped[1] + stopped[2]
	if got := jsEval[[]string](t, b, batchCountRow); len(got) < 3 || got[2] != fmt.Sprint(falses) {
		t.Errorf("counts %q, want %d false", got, falses)
	}
	shown := jsEval[[][]string](t, b, `[...document.querySelectorAll('[data-fb="batch-conditions"] tr')].slice(1).map((tr) => [...tr.children].map((c) => c.textContent))`)
	var want [][]string
	for i, c := range conditionsFilter {
		share := strconv.FormatFloat(math.Round(1000*float64(stopped[i])/float64(falses))/10, 'f', -1, 64) + "%"
		want = append(want, []string{c, fmt.Sprint(stopped[i]), share})
	}
	if fmt.Sprintf("%q", shown) != fmt.Sprintf("%q", want) {
		t.Errorf("the conditions shown:\n %q\nwant\n %q", shown, want)
	}
	if got := jsEval[string](t, b, `document.querySelector('[data-fb="batch-conditions"] caption').textContent`); !strings.Contains(got, fmt.Sprintf("false on %d payloads", falses)) {
		t.Errorf("the conditions' caption: %q", got)
	}
}

// A filter's misses, broken down by the condition that stopped each: the
// counts, each false row, and the download name it; the page stays
// accessible.
func TestBatchTellsWhichConditionStoppedEachPayload(t *testing.T) {
	payloads, stoppedBy, stopped := variedAppointments(t, 30)
	for i, n := range stopped {
		if n == 0 {
			t.Fatalf("no payload is stopped by condition %d: the test payloads need more variety", i+1)
		}
	}
	b := newBrowser(t)
	openPlayground(t, b, "/playground/")
	runConditionsBatch(t, b, payloads, "")
	checkConditionCounts(t, b, stopped)

	// Each row's cell: true, or false and the condition that stopped it.
	cells := jsEval[[]string](t, b, `[...document.querySelectorAll('[data-fb="batch-rows"] tr')].slice(1).map((tr) => tr.lastChild.textContent)`)
	if len(cells) != len(stoppedBy) {
		t.Fatalf("%d rows shown, want %d", len(cells), len(stoppedBy))
	}
	for i, k := range stoppedBy {
		want := "true"
		if k >= 0 {
			want = "false stopped by " + conditionsFilter[k]
		}
		if cells[i] != want {
			t.Errorf("row %d: %q, want %q", i+1, cells[i], want)
		}
	}

	lines := downloadResults(t, b)
	if len(lines) != len(stoppedBy) {
		t.Fatalf("the download holds %d lines, want %d", len(lines), len(stoppedBy))
	}
	for i, l := range lines {
		var row struct {
			Values []struct {
				OK        bool
				Display   string
				StoppedBy *string
			}
		}
		if err := json.Unmarshal([]byte(l), &row); err != nil || len(row.Values) != 1 {
			t.Fatalf("download line %d: %q (%v)", i+1, l, err)
		}
		v := row.Values[0]
		switch k := stoppedBy[i]; {
		case k < 0 && (v.Display != "true" || v.StoppedBy != nil):
			t.Errorf("download line %d: %q, want true and no stoppedBy", i+1, l)
		case k >= 0 && (v.Display != "false" || v.StoppedBy == nil || *v.StoppedBy != conditionsFilter[k]):
			t.Errorf("download line %d: %q, want false stopped by %q", i+1, l, conditionsFilter[k])
		}
	}
	runAxe(t, b, "the batch's conditions")
}

// A batch the page sends the engine in several calls (1,000 payloads a
// call, BATCH_CHUNK_PAYLOADS in batchrun.mjs) adds up each call's
// per-condition counts.
func TestBatchAddsUpConditionsAcrossCalls(t *testing.T) {
	payloads, _, stopped := variedAppointments(t, 2500)
	b := newBrowser(t)
	openPlayground(t, b, "/playground/")
	runConditionsBatch(t, b, payloads, "appointments.ndjson")
	if status := jsEval[string](t, b, batchStatus); status != "2,500 payloads" {
		t.Fatalf("status %q", status)
	}
	checkConditionCounts(t, b, stopped)
}
