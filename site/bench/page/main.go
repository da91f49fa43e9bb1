// Command page times a payload page in headless Chromium over local
// serve. A payload page starts its engine when the reader shows intent, so
// it loads the page, waits for first contentful paint, then scrolls the
// playground into view (intent) and times from the page's
// 'fieldbook:intent' mark (on a build before intent existed, the engine's
// start after first paint, 'fieldbook:engine-start') to the module
// compiled ('fieldbook:engine-compiled', from the worker), the engine ready
// ('fieldbook:engine-ready') and the first result on screen
// ('fieldbook:first-result'): cold (a new browser profile: empty HTTP and
// code caches) and on a second visit (the same browser, loading the page
// again). It prints the runs and their medians.
//
//	go run ./site/bench/page [-dir dist] [-runs 5] [-path /events/elation/appointment/]
//
// With -bytes it counts instead the bytes the server sends for a cold
// visit that never reaches the playground: every request of the page and
// its workers, bodies as sent (compressed), over 3 s after first paint.
//
//	go run ./site/bench/page -bytes [-runs 1]
//
// With -batch N it times instead a batch run of N Appointment payloads
// through one filter on the playground (its 'fieldbook:batch' measure, from
// the click to the results on screen).
//
//	go run ./site/bench/page -batch 10000 [-runs 5]
//
// With -file as well, the payloads are a local file chosen through the file
// input, and it reports the longest main-thread task and the tab's peak
// memory too.
//
//	go run ./site/bench/page -batch 100000 -file [-runs 3]
//
// With -calls N it times N check + evaluate round trips from the page to
// the engine's worker, warm: the same expression (its program cached), and
// a new expression each time (checked afresh).
//
//	go run ./site/bench/page -calls 200
//
// With -workflow N it times N warm runs of the worked appointment reminder
// (workflows/), the same and with a step edited, and a batch of it over
// -batch payloads (10,000 by default).
//
//	go run ./site/bench/page -workflow 200
//
// With -bare it pairs cold loads of the page with cold loads of a bare
// cel-go page (site/bench/bare: cel-go and Fieldbook's extensions alone,
// started the same way, evaluating the page's first expression over its
// payload), in turn, and prints the medians of intent → first result and
// their ratio. With -also, a second built site's page is loaded in turn
// too (the module without the action schemas, say). ./build.sh bench-wasm
// builds the bare module.
//
//	go run ./site/bench/page -bare [-also dist-noactions] [-runs 9]
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/chromedp"

	"fieldbook/schemas"
	"fieldbook/site/headless"
)

// timing is one page load, in milliseconds: first contentful paint from
// navigation start, the rest from intent. compiled is -1 on a build whose
// worker does not report it.
type timing struct{ paint, compiled, ready, result float64 }

func main() {
	dir := flag.String("dir", "dist", "the built site")
	runs := flag.Int("runs", 5, "loads of each kind")
	pagePath := flag.String("path", "/events/elation/appointment/", "the page to load")
	chromium := flag.String("chromium", headless.ExecPath(), "the browser")
	batch := flag.Int("batch", 0, "time a batch run of this many payloads instead")
	batchFile := flag.Bool("file", false, "with -batch: from a local file, not pasted")
	calls := flag.Int("calls", 0, "time this many warm check + evaluate calls instead")
	runsOfWorkflow := flag.Int("workflow", 0, "time this many warm runs of the appointment reminder workflow, and a batch of it over -batch payloads (default 10000), instead")
	stay := flag.Duration("stay", 5*time.Second, "how long to stay on the page after the first result before the second visit")
	countBytes := flag.Bool("bytes", false, "count the bytes of a cold visit that never reaches the playground instead")
	bare := flag.Bool("bare", false, "pair cold loads of the page with the bare cel-go page's (site/bench/bare) instead")
	bareModule := flag.String("bare-wasm", "build/bare.opt.wasm", "with -bare: the bare page's module (./build.sh bench-wasm)")
	bareSrc := flag.String("bare-src", "site/bench/bare", "with -bare: the bare page's files")
	also := flag.String("also", "", "with -bare: another built site whose page to load in turn too (such as one with the module without the action schemas)")
	flag.Parse()

	if *bare {
		pages := []page{}
		for _, d := range []string{*dir, *also} {
			if d == "" {
				continue
			}
			u, sent := serveDir(d)
			pages = append(pages, page{name: "Fieldbook (" + d + ")", url: u + *pagePath, sent: sent})
		}
		site := bareSite(*bareSrc, *bareModule, filepath.Join(*dir, filepath.FromSlash(*pagePath), "index.html"))
		defer os.RemoveAll(site)
		u, sent := serveDir(site)
		pages = append(pages, page{name: "bare cel-go", url: u + "/", sent: sent})
		pairedRuns(pages, *chromium, *runs)
		return
	}

	base, sent := serveDir(*dir)
	url := base + *pagePath
	if *calls > 0 {
		callRuns(url, *chromium, *calls)
		return
	}
	if *runsOfWorkflow > 0 {
		if *batch == 0 {
			*batch = 10000
		}
		workflowRuns(base+"/events/healthie/appointment/", *chromium, *runsOfWorkflow, *batch)
		return
	}
	if *batch > 0 {
		batchRuns(base+"/playground/", *chromium, *batch, *runs, *batchFile)
		return
	}
	if *countBytes {
		byteRuns(url, *chromium, *runs, sent)
		return
	}

	var cold, warm []timing
	for i := 0; i < *runs; i++ {
		ctx, cancel := browser(*chromium)
		c, err := load(ctx, url) // a new profile: nothing cached
		if err != nil {
			fail(err)
		}
		// A reader's second visit comes later: V8 writes a module's compiled
		// code to Chromium's cache once its optimised code has settled (no
		// new code for 2 s, --wasm-caching-timeout-ms), so stay a while.
		time.Sleep(*stay)
		w, err := load(ctx, url) // the same browser again: HTTP and wasm code caches warm
		cancel()
		if err != nil {
			fail(err)
		}
		cold, warm = append(cold, c), append(warm, w)
		fmt.Printf("run %d: cold %s; second visit %s\n", i+1, c, w)
	}
	fmt.Printf("median of %d, %s\n", *runs, *pagePath)
	for _, k := range []struct {
		name string
		ts   []timing
	}{{"cold", cold}, {"second visit", warm}} {
		fmt.Printf("  %s: first contentful paint %.0f ms; from intent: module compiled %.0f ms, engine ready %.0f ms, first playground result %.0f ms\n",
			k.name, median(k.ts, paint), median(k.ts, compiled), median(k.ts, ready), median(k.ts, result))
	}
}

func browser(path string) (context.Context, context.CancelFunc) {
	profile, err := os.MkdirTemp("", "bench-page")
	if err != nil {
		fail(err)
	}
	ctx, cancel := headless.Start(profile, chromedp.ExecPath(path))
	return ctx, func() { cancel(); os.RemoveAll(profile) }
}

// load navigates to url, waits for first paint, brings the playground into
// view and waits for its first result.
func load(ctx context.Context, url string) (timing, error) {
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank"), chromedp.Navigate(url)); err != nil {
		return timing{}, err
	}
	if err := poll(ctx, `performance.getEntriesByName('first-contentful-paint').length > 0`); err != nil {
		return timing{}, fmt.Errorf("waiting for first paint: %w", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('[data-fb="playground"]').scrollIntoView(), true`)); err != nil {
		return timing{}, err
	}
	if err := poll(ctx, `performance.getEntriesByName('fieldbook:first-result').length > 0`); err != nil {
		return timing{}, fmt.Errorf("waiting for the first result: %w", err)
	}
	v, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => {
		const at = (n) => performance.getEntriesByName(n)[0]?.startTime ?? -1;
		const intent = performance.getEntriesByName('fieldbook:intent').length ? at('fieldbook:intent') : at('fieldbook:engine-start');
		const since = (n) => at(n) < 0 ? -1 : at(n) - intent;
		return [at('first-contentful-paint'), since('fieldbook:engine-compiled'), since('fieldbook:engine-ready'), since('fieldbook:first-result')];
	})()`))
	if err != nil {
		return timing{}, err
	}
	return timing{paint: v[0], compiled: v[1], ready: v[2], result: v[3]}, nil
}

// poll waits up to a minute for a JavaScript predicate.
func poll(ctx context.Context, js string) error {
	wait, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	for {
		_, err := chromedp.Run(wait, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingInterval(5*time.Millisecond)))
		// The page's context changes under the poll while it navigates.
		if err == nil || !strings.Contains(err.Error(), "Cannot find context") || wait.Err() != nil {
			return err
		}
	}
}

func (t timing) String() string {
	return fmt.Sprintf("paint %.0f; from intent: compiled %.0f, ready %.0f, first result %.0f ms", t.paint, t.compiled, t.ready, t.result)
}

func paint(t timing) float64    { return t.paint }
func compiled(t timing) float64 { return t.compiled }
func ready(t timing) float64    { return t.ready }
func result(t timing) float64   { return t.result }

func median(ts []timing, f func(timing) float64) float64 {
	vals := make([]float64, len(ts))
	for i, t := range ts {
		vals[i] = f(t)
	}
	sort.Float64s(vals)
	return vals[len(vals)/2]
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench/page:", err)
	os.Exit(1)
}

// batchRuns times the playground's batch run of n payloads, runs times, in
// one warm page: pasted into the box, or with fromFile chosen as a local
// file through the file input. For a file it also reports the longest task
// on the page's main thread during the run (the Long Tasks API reports
// those over 50 ms) and the peak resident memory of the tab's renderer
// process (the page and its engine worker, which runs in the same
// process), sampled from /proc.
func batchRuns(url, chromium string, n, runs int, fromFile bool) {
	set, err := schemas.Load()
	if err != nil {
		fail(err)
	}
	s, _ := set.Get("elation/appointment")
	var example map[string]any
	b, _ := json.Marshal(s.Example())
	_ = json.Unmarshal(b, &example)
	var lines strings.Builder
	for i := 0; i < n; i++ {
		example["appointment_id"] = fmt.Sprint(67176890458 + i)
		example["mode"] = map[bool]string{true: "VIDEO", false: "IN_PERSON"}[i%2 == 0]
		line, _ := json.Marshal(example)
		lines.Write(line)
		lines.WriteByte('\n')
	}
	profile, err := os.MkdirTemp("", "bench-page")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(profile)
	ctx, cancel := headless.Start(profile, chromedp.ExecPath(chromium))
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		fail(err)
	}
	wait := func(js string) {
		w, c := context.WithTimeout(ctx, 300*time.Second)
		defer c()
		if _, err := chromedp.Run(w, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingInterval(5*time.Millisecond), chromedp.WithPollingTimeout(300*time.Second))); err != nil {
			fail(err)
		}
	}
	wait(`document.querySelector('[data-fb="playground"]').dataset.ready === 'true'`)
	const filter = `mode == "VIDEO" && service_location.state == "CA"`
	setup := fmt.Sprintf(`(() => {
		const e = document.querySelector('[data-fb="expression"]'); e.value = %q; e.dispatchEvent(new Event('input', {bubbles: true}));
		document.querySelectorAll('[data-fb="expression"]')[1].value = '';
		window.longest = 0;
		new PerformanceObserver((list) => { for (const t of list.getEntries()) longest = Math.max(longest, t.duration); }).observe({ type: 'longtask' });
		return true })()`, filter)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](setup)); err != nil {
		fail(err)
	}
	idle := make(chan struct{})
	close(idle)
	fmt.Printf("tab's renderer RSS with the engine ready, before any batch: %d MiB\n", peakRSS(profile, idle)>>20)
	if fromFile {
		file := filepath.Join(profile, "appointments.ndjson")
		if err := os.WriteFile(file, []byte(lines.String()), 0o644); err != nil {
			fail(err)
		}
		fmt.Printf("%d payloads, %.1f MB\n", n, float64(lines.Len())/1e6)
		lines.Reset()
		nodes, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS(`[data-fb="batch-file"]`)))
		if err != nil || len(nodes) == 0 {
			fail(fmt.Errorf("no file input: %v", err))
		}
		start := time.Now()
		if _, err := chromedp.Call(ctx, dom.SetFileInputFiles, dom.SetFileInputFilesParams{Files: []string{file}, BackendNodeID: nodes[0].BackendNodeID}); err != nil {
			fail(err)
		}
		wait(`document.querySelector('[data-fb="batch-status"]').textContent.includes('is ready')`)
		fmt.Printf("the file checked as UTF-8 in %.0f ms\n", float64(time.Since(start).Microseconds())/1000)
	} else {
		ndjson, _ := json.Marshal(lines.String())
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector('[data-fb="batch-input"]').value = %s, true`, ndjson))); err != nil {
			fail(err)
		}
	}
	var times []float64
	for i := 0; i < runs; i++ {
		click := `longest = 0; performance.clearMeasures('fieldbook:batch'); document.querySelector('[data-fb="batch-results"]').replaceChildren(); document.querySelector('[data-fb="batch-run"]').click(); true`
		before := peakRSS(profile, idle)
		peak := make(chan int64)
		stop := make(chan struct{})
		go func() { peak <- peakRSS(profile, stop) }()
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](click)); err != nil {
			fail(err)
		}
		wait(`performance.getEntriesByName('fieldbook:batch').length > 0 && !!document.querySelector('[data-fb="batch-counts"]')`)
		close(stop)
		v, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[String(performance.getEntriesByName('fieldbook:batch')[0].duration), document.querySelector('[data-fb="batch-counts"] tr:nth-child(2)').textContent, String(longest)]`))
		if err != nil {
			fail(err)
		}
		d, _ := strconv.ParseFloat(v[0], 64)
		times = append(times, d)
		fmt.Printf("run %d: %.0f ms (%s); longest main-thread task %s ms (0: none over 50 ms); tab's renderer RSS %d MiB before, peak %d MiB\n", i+1, d, v[1], v[2], before>>20, <-peak>>20)
	}
	sort.Float64s(times)
	fmt.Printf("median of %d: %d payloads through %s in %.0f ms\n", runs, n, filter, times[len(times)/2])
}

// peakRSS samples, until stop, the resident memory of the renderer
// processes of the browser whose profile is profile (its descendants with
// --type=renderer), and answers the largest seen, in bytes: the tab's. The
// others are Chromium's own (the first blank tab, a spare renderer), and
// processes share pages, so their sum would count some twice.
func peakRSS(profile string, stop <-chan struct{}) int64 {
	var peak int64
	for {
		parent := map[int]int{}
		var renderers, roots []int
		procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
		for _, p := range procs {
			pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(p)))
			cmd, err := os.ReadFile(p)
			stat, err2 := os.ReadFile(filepath.Join(filepath.Dir(p), "stat"))
			if err != nil || err2 != nil {
				continue
			}
			// stat: pid (comm) state ppid ...; comm may hold spaces.
			if f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:])); len(f) > 1 {
				parent[pid], _ = strconv.Atoi(f[1])
			}
			switch {
			case bytes.Contains(cmd, []byte("--type=renderer")):
				renderers = append(renderers, pid)
			case bytes.Contains(cmd, []byte(profile)) && !bytes.Contains(cmd, []byte("--type=")):
				roots = append(roots, pid)
			}
		}
		for _, pid := range renderers {
			if !descends(pid, roots, parent) {
				continue
			}
			status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
			if err != nil {
				continue
			}
			for _, l := range strings.Split(string(status), "\n") {
				if f := strings.Fields(l); len(f) == 3 && f[0] == "VmRSS:" {
					kb, _ := strconv.ParseInt(f[1], 10, 64)
					peak = max(peak, kb<<10)
				}
			}
		}
		select {
		case <-stop:
			return peak
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func descends(pid int, roots []int, parent map[int]int) bool {
	for p := pid; p > 1; p = parent[p] {
		for _, r := range roots {
			if p == r {
				return true
			}
		}
	}
	return false
}

// engineWorkerJS starts a worker of the page's own engine and defines
// call(method, request), one call at a time: the start of a script that
// times calls from the page, as the playground makes them.
const engineWorkerJS = `const root = document.querySelector('[data-fb="playground"]');
		const w = new Worker(root.dataset.worker);
		await new Promise((resolve) => { w.onmessage = (e) => { if (e.data.type === 'ready') resolve(); }; });
		let id = 0;
		const call = (method, request) => new Promise((resolve) => {
			const mine = ++id;
			w.onmessage = (e) => { if (e.data.id === mine) resolve(e.data.response); };
			w.postMessage({ id: mine, method, request });
		});`

// callRuns times warm check + evaluate round trips through a worker of the
// page's own engine, plain and with an explanation.
func callRuns(url, chromium string, n int) {
	ctx, cancel := browser(chromium)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		fail(err)
	}
	const typical = `status == elation.v1.AppointmentStatus.APPOINTMENT_STATUS_SCHEDULED || (mode == "VIDEO" && service_location.city.startsWith("San"))`
	script := fmt.Sprintf(`(async () => {
		`+engineWorkerJS+`
		const schema = root.dataset.schema, payload = document.querySelector('[data-fb="payload"]').value, now = '2024-01-01T00:00:00Z';
		const time = async (expr, explain) => {
			const t = performance.now();
			const c = await call('check', { schema, expression: expr });
			const r = await call('evaluate', { schema, payload, expression: expr, now, explain });
			if (!c.ok || !r.ok || explain !== !!r.explanation) throw new Error(JSON.stringify([c, r]));
			return performance.now() - t;
		};
		for (let i = 0; i < 20; i++) { await time(%[1]q, false); await time(%[1]q, true); }
		// Plain and explained calls alternate, so that a slow spell of the
		// machine falls on both.
		const same = [], fresh = [], sameWhy = [], freshWhy = [];
		for (let i = 0; i < %[2]d; i++) { same.push(await time(%[1]q, false)); sameWhy.push(await time(%[1]q, true)); }
		for (let i = 0; i < %[2]d; i++) { fresh.push(await time(%[1]q + ' || ' + i + ' == -1', false)); freshWhy.push(await time(%[1]q + ' || ' + i + ' == -2', true)); }
		const median = (a) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)];
		w.terminate();
		return [median(same), median(fresh), median(sameWhy), median(freshWhy)];
	})()`, typical, n)
	v := awaitNumbers(ctx, script, 120*time.Second)
	fmt.Printf("median of %d warm check + evaluate round trips, page to worker: same expression %.2f ms, new expression each time %.2f ms\n", n, v[0], v[1])
	fmt.Printf("the same with explain: true: same expression %.2f ms (%.2f×), new expression each time %.2f ms (%.2f×)\n", v[2], v[2]/v[0], v[3], v[3]/v[1])
}

// awaitNumbers runs a script in the page that answers a promise of
// numbers, and waits for them at most limit.
func awaitNumbers(ctx context.Context, script string, limit time.Duration) []float64 {
	wait, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	v, err := chromedp.Run(wait, chromedp.Evaluate[[]float64](script, chromedp.EvalAwaitPromise))
	if err != nil {
		fail(err)
	}
	return v
}

// byteLog counts the body bytes the server sends, request by request.
type byteLog struct {
	mu   sync.Mutex
	sent map[string]int
}

func (l *byteLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := &countingWriter{ResponseWriter: w}
		h.ServeHTTP(cw, r)
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.sent == nil {
			l.sent = map[string]int{}
		}
		l.sent[fmt.Sprintf("%s %d %s", r.URL.Path, cw.status, w.Header().Get("Content-Encoding"))] += cw.n
	})
}

func (l *byteLog) take() map[string]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.sent
	l.sent = nil
	return s
}

type countingWriter struct {
	http.ResponseWriter
	n      int
	status int
}

func (w *countingWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *countingWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.n += n
	return n, err
}

// byteRuns loads the page in a new profile, does nothing for 3 s after
// first paint, and prints what the server sent.
func byteRuns(url, chromium string, runs int, sent *byteLog) {
	for i := 0; i < runs; i++ {
		ctx, cancel := browser(chromium)
		sent.take()
		if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
			fail(err)
		}
		if err := poll(ctx, `performance.getEntriesByName('first-contentful-paint').length > 0`); err != nil {
			fail(err)
		}
		time.Sleep(3 * time.Second)
		cancel()
		got := sent.take()
		keys := make([]string, 0, len(got))
		total := 0
		for k, n := range got {
			keys = append(keys, k)
			total += n
		}
		sort.Strings(keys)
		fmt.Printf("run %d: %d requests, %d bytes (%.1f KB)\n", i+1, len(got), total, float64(total)/1000)
		for _, k := range keys {
			fmt.Printf("  %9d  %s\n", got[k], k)
		}
	}
}
