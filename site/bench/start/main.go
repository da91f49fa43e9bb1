// Command start times the engine module's start in headless Chromium, as
// wasm/startbench.mjs times it in Node, so that the two can be set side
// by side on one machine: the same module, the same first call, nothing
// else on the page (no editors, no playground).
//
//	go run ./site/bench/start [-runs 5] [-worker] [-exec wasm_exec.js] MODULE.wasm
//
// Each run is a fresh browser with a fresh profile (no code cache). In the
// page's main thread it times: compile (WebAssembly.compile of the bytes,
// fetched first), instantiate, main (go.run, until main has defined
// globalThis.fieldbook), check (the first check call, on
// elation/appointment) and first (instantiate to the check's answer); then
// the medians. With -worker it starts the module as the playground does,
// in a Web Worker compiling it as it streams in: compile is then the
// fetch, compile and instantiate together (instantiate 0), and first
// counts from the worker's start.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"fieldbook/site/headless"
)

const page = `<!doctype html><meta charset="utf-8"><script src="/wasm_exec.js"></script><script>
(async () => {
  try {
    const bytes = await (await fetch('/module.wasm')).arrayBuffer();
    const go = new Go();
    const t0 = performance.now();
    const module = await WebAssembly.compile(bytes);
    const t1 = performance.now();
    const instance = await WebAssembly.instantiate(module, go.importObject);
    const t2 = performance.now();
    go.run(instance);
    const t3 = performance.now();
    const r = globalThis.fieldbook.check({ schema: 'elation/appointment', expression: 'mode == "VIDEO"' });
    const t4 = performance.now();
    window.__times = r.ok ? [t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t1] : 'check failed: ' + JSON.stringify(r);
  } catch (e) {
    window.__times = String(e);
  }
})();
</script>`

// workerPage starts the module as the playground's page does: in a Web
// Worker that compiles it as it streams in.
const workerPage = `<!doctype html><meta charset="utf-8"><script>
const src = ` + "`" + `
importScripts('/wasm_exec.js');
(async () => {
  const t0 = performance.now();
  const go = new Go();
  const { instance } = await WebAssembly.instantiateStreaming(fetch('/module.wasm'), go.importObject);
  const t2 = performance.now();
  go.run(instance);
  const t3 = performance.now();
  const r = globalThis.fieldbook.check({ schema: 'elation/appointment', expression: 'mode == "VIDEO"' });
  const t4 = performance.now();
  postMessage(r.ok ? [t2 - t0, 0, t3 - t2, t4 - t3, t4 - t0] : 'check failed');
})();
` + "`" + `;
const started = performance.now();
const w = new Worker(URL.createObjectURL(new Blob([src.replace('/wasm_exec.js', location.origin + '/wasm_exec.js').replace('/module.wasm', location.origin + '/module.wasm')])));
w.onmessage = (e) => { window.__times = e.data; window.__workerStart = performance.now() - started; };
</script>`

var columns = []string{"compile", "instantiate", "main", "check", "first"}

func main() {
	runs := flag.Int("runs", 5, "fresh browsers")
	execJS := flag.String("exec", "", "wasm_exec.js (default: the Go toolchain's)")
	chromium := flag.String("chromium", headless.ExecPath(), "the browser")
	inWorker := flag.Bool("worker", false, "start it in a Web Worker, fetched as it compiles (instantiateStreaming), as the playground does")
	flag.Parse()
	if flag.NArg() != 1 {
		log.Fatal("usage: go run ./site/bench/start [-runs 5] [-exec wasm_exec.js] MODULE.wasm")
	}
	module := flag.Arg(0)
	if *execJS == "" {
		root, err := exec.Command("go", "env", "GOROOT").Output()
		if err != nil {
			log.Fatal(err)
		}
		*execJS = strings.TrimSpace(string(root)) + "/lib/wasm/wasm_exec.js"
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if *inWorker {
			fmt.Fprint(w, workerPage)
		} else {
			fmt.Fprint(w, page)
		}
	})
	mux.HandleFunc("/module.wasm", func(w http.ResponseWriter, r *http.Request) { http.ServeFile(w, r, module) })
	mux.HandleFunc("/wasm_exec.js", func(w http.ResponseWriter, r *http.Request) { http.ServeFile(w, r, *execJS) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go http.Serve(ln, mux)

	fmt.Printf("%s in %s, %d runs (ms)\nrun %s\n", module, *chromium, *runs, row(columns))
	var all [][]float64
	for i := range *runs {
		times, err := once(*chromium, "http://"+ln.Addr().String()+"/")
		if err != nil {
			log.Fatalf("run %d: %v", i+1, err)
		}
		all = append(all, times)
		fmt.Printf("%-4d%s\n", i+1, row(times))
	}
	med := make([]float64, len(columns))
	for c := range columns {
		col := make([]float64, len(all))
		for i, t := range all {
			col[i] = t[c]
		}
		slices.Sort(col)
		med[c] = col[len(col)/2]
	}
	fmt.Printf("med %s\n", row(med))
}

// once starts a browser with a fresh profile, loads the page and answers
// its times.
func once(chromium, url string) ([]float64, error) {
	dir, err := os.MkdirTemp("", "fieldbook-start-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	ctx, cancel := headless.Start(dir, chromedp.ExecPath(chromium))
	defer cancel()
	ctx, stop := context.WithTimeout(ctx, 2*time.Minute)
	defer stop()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return nil, err
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](`window.__times !== undefined`, chromedp.WithPollingInterval(10*time.Millisecond))); err != nil {
		return nil, err
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[any](`window.__times`))
	if err != nil {
		return nil, err
	}
	list, ok := got.([]any)
	if !ok {
		return nil, fmt.Errorf("the page says: %v", got)
	}
	times := make([]float64, len(list))
	for i, v := range list {
		times[i], _ = v.(float64)
	}
	return times, nil
}

func row[T any](cells []T) string {
	var b strings.Builder
	for _, c := range cells {
		switch v := any(c).(type) {
		case float64:
			fmt.Fprintf(&b, "%12.1f", v)
		default:
			fmt.Fprintf(&b, "%12v", v)
		}
	}
	return b.String()
}
