package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"fieldbook/schemas"
)

// soakTimeout bounds a soak however slow the Worker gets.
const soakTimeout = 15 * time.Minute

// soakOptions say what a soak sends and what it holds the Worker to.
type soakOptions struct {
	base        string
	n, warmup   int
	checkpoints int
	concurrency int
	pids        string
	// goMemory reads the Go program's own memory at each checkpoint, from
	// /api/v1/test/memory, which only ./build.sh test's build of the Worker
	// has.
	goMemory bool
	// jsHeap reads the Worker isolate's JavaScript heap at each checkpoint,
	// from workerd's inspector (inspector.go); reported, not judged.
	jsHeap bool
	// The bounds on growth per request over the second half of the run, in
	// bytes; 0 for none.
	maxRSSSlope, maxHeapSlope float64
}

// soak sends n requests to the Worker (soakRequests: the API's calls, its
// errors, an oversized body), c at a time, after warmup more, and checks
// every answer. At each checkpoint it reads the resident set of the
// workerd processes (from /proc/PID/status), the Go program's live heap and
// memory if asked, and the throughput since the last checkpoint.
//
// It fails on a wrong answer, and on memory that has not levelled off: a
// growth over the second half of the run above the bounds, per request.
// The first half absorbs what a fresh isolate grows by anyway. The resident
// set bound is on the Worker's own workerd process (wrangler dev's entry
// proxy is reported, not judged: it runs none of Fieldbook's code), and it
// has to be generous: workerd's allocator grows the process by 4 to 16 KB a
// request for a while under wrangler dev even for a Worker of three lines of
// JavaScript. The Go heap bound is exact: a leak there is a leak.
func soak(o soakOptions) error {
	if o.pids == "" {
		return fmt.Errorf("-soak needs -pids, the workerd processes whose memory it follows")
	}
	checkpoints := max(o.checkpoints, 2)
	checkpoints -= checkpoints % 2 // the middle is a checkpoint
	c := max(o.concurrency, 1)
	deadline := time.Now().Add(soakTimeout)
	client := &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: c, MaxConnsPerHost: c},
	}
	requests, err := soakRequests()
	if err != nil {
		return err
	}
	send := func(i int) error {
		r := requests[(i%len(requests)+len(requests))%len(requests)](i)
		var body io.Reader
		if r.body != nil {
			body = bytes.NewReader(r.body)
			if r.chunked {
				body = io.MultiReader(body) // of unknown length: sent chunked
			}
		}
		req, err := http.NewRequest(r.method, o.base+r.path, body)
		if err != nil {
			return err
		}
		if r.body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := client.Do(req)
		if err != nil {
			return fmt.Errorf("request %d (%s): %w", i, r.name, err)
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != r.status || !bytes.Contains(out, []byte(r.want)) {
			return fmt.Errorf("request %d (%s): %d %.300s, want %d and %s", i, r.name, resp.StatusCode, out, r.status, r.want)
		}
		return nil
	}
	// run sends requests [from, to), c at a time.
	run := func(from, to int) error {
		var (
			mu    sync.Mutex
			next  = from
			first error
			wg    sync.WaitGroup
		)
		for range c {
			wg.Go(func() {
				for {
					mu.Lock()
					i := next
					next++
					stop := first != nil || i >= to
					mu.Unlock()
					if stop {
						return
					}
					var err error
					if time.Now().After(deadline) {
						err = fmt.Errorf("the soak took over %v", soakTimeout)
					} else {
						err = send(i)
					}
					if err != nil {
						mu.Lock()
						if first == nil {
							first = err
						}
						mu.Unlock()
						return
					}
				}
			})
		}
		wg.Wait()
		return first
	}
	procs, err := workerdProcesses(o.pids, o.base)
	if err != nil {
		return err
	}
	var inspector string
	if o.jsHeap {
		for _, p := range procs {
			if p.role == roleWorker {
				if inspector, err = findInspector(p.pid); err != nil {
					return err
				}
			}
		}
		if inspector == "" {
			return fmt.Errorf("-js-heap: none of -pids is the Worker's workerd")
		}
	}
	type sample struct {
		rss      []int64 // per process
		heap     int64   // the Go program's live heap
		js       int64   // the isolate's JavaScript heap, used
		sys      int64   // the Go program's memory
		requests int
		rate     float64
	}
	measure := func() (sample, error) {
		var s sample
		for _, p := range procs {
			b, err := residentSet(p.pid)
			if err != nil {
				return s, err
			}
			s.rss = append(s.rss, b)
		}
		if inspector != "" {
			h, err := readJSHeap(inspector)
			for try := 1; err != nil && try < 5; try++ {
				// The inspector drops a session now and then (seen right
				// after the Worker starts): ask again.
				time.Sleep(time.Second)
				h, err = readJSHeap(inspector)
			}
			if err != nil {
				return s, fmt.Errorf("the isolate's JavaScript heap: %w", err)
			}
			s.js = h.Used
		}
		if o.goMemory {
			m, err := goMemory(client, o.base)
			if err != nil {
				return s, err
			}
			s.heap, s.sys = m.Heap, m.Sys
		}
		return s, nil
	}

	if err := run(-o.warmup, 0); err != nil {
		return fmt.Errorf("warm-up: %w", err)
	}
	fmt.Printf("soak: %d requests (a cycle of %d: evaluate, check, validate, schemas, 404s, a malformed and an oversized body), %d at a time, after %d to warm up\n",
		o.n, len(requests), c, o.warmup)
	var names []string
	for _, p := range procs {
		names = append(names, fmt.Sprintf("%s %d", p.role, p.pid))
	}
	header := fmt.Sprintf("%8s  %10s  RSS MiB (%s)", "requests", "requests/s", strings.Join(names, ", "))
	if inspector != "" {
		header += "  JS heap MiB"
	}
	if o.goMemory {
		header += "  Go heap / memory MiB"
	}
	fmt.Println(header)
	show := func(s sample) {
		rate := ""
		if s.rate > 0 {
			rate = fmt.Sprintf("%.1f", s.rate)
		}
		line := fmt.Sprintf("%8d  %10s  ", s.requests, rate)
		for i, b := range s.rss {
			if i > 0 {
				line += " "
			}
			line += fmt.Sprintf("%.1f", mib(b))
		}
		if inspector != "" {
			line += fmt.Sprintf("  %11.2f", mib(s.js))
		}
		if o.goMemory {
			line += fmt.Sprintf("  %.2f / %.1f", mib(s.heap), mib(s.sys))
		}
		fmt.Println(line)
	}
	s, err := measure()
	if err != nil {
		return err
	}
	samples := []sample{s}
	show(s)
	start := time.Now()
	rates := []float64{}
	for k := 1; k <= checkpoints; k++ {
		from, to := samples[k-1].requests, o.n*k/checkpoints
		t := time.Now()
		if err := run(from, to); err != nil {
			return err
		}
		rate := float64(to-from) / time.Since(t).Seconds()
		s, err := measure()
		if err != nil {
			return err
		}
		s.requests, s.rate = to, rate
		samples = append(samples, s)
		rates = append(rates, rate)
		show(s)
	}
	elapsed := time.Since(start)
	mid, end := samples[checkpoints/2], samples[checkpoints]
	half := float64(end.requests - mid.requests)
	fmt.Printf("all %d answers correct in %.1f s (%.0f requests/s; first interval %.0f, last %.0f)\n",
		o.n, elapsed.Seconds(), float64(o.n)/elapsed.Seconds(), rates[0], rates[len(rates)-1])

	var failures []string
	var workerFirst, workerSecond float64
	for i, p := range procs {
		first := float64(mid.rss[i] - samples[0].rss[i])
		second := float64(end.rss[i] - mid.rss[i])
		fmt.Printf("RSS of the %s: first half %+.1f MiB, second half %+.1f MiB (%.0f bytes per request)\n",
			p.role, first/(1<<20), second/(1<<20), second/half)
		if p.role == roleWorker {
			workerFirst += first
			workerSecond += second
		}
	}
	if slope := workerSecond / half; o.maxRSSSlope > 0 && slope > o.maxRSSSlope {
		failures = append(failures, fmt.Sprintf("the Worker's workerd grew %.0f bytes per request over the second half, more than %.0f (first half: %.1f MiB)",
			slope, o.maxRSSSlope, workerFirst/(1<<20)))
	}
	if inspector != "" {
		fmt.Printf("JS heap of the Worker's isolate, used (not collected first): %.2f -> %.2f -> %.2f MiB (start, middle, end)\n",
			mib(samples[0].js), mib(mid.js), mib(end.js))
	}
	if o.goMemory {
		first := float64(mid.heap - samples[0].heap)
		second := float64(end.heap - mid.heap)
		fmt.Printf("Go heap, live: first half %+.2f MiB, second half %+.2f MiB (%.0f bytes per request); Go memory %.1f -> %.1f MiB\n",
			first/(1<<20), second/(1<<20), second/half, mib(samples[0].sys), mib(end.sys))
		if slope := second / half; o.maxHeapSlope > 0 && slope > o.maxHeapSlope {
			failures = append(failures, fmt.Sprintf("the Go program's live heap grew %.0f bytes per request over the second half, more than %.0f", slope, o.maxHeapSlope))
		}
	}
	if len(failures) > 0 {
		return fmt.Errorf("the Worker's memory has not levelled off: %s", strings.Join(failures, "; "))
	}
	return nil
}

// soakRequest is one request of the soak and what its answer must be.
type soakRequest struct {
	name         string
	method, path string
	body         []byte // sent as application/json; nil: none
	chunked      bool   // sent without a Content-Length
	status       int
	want         string // what the answer's body holds
}

// Oversized bodies: past the API's 1 MiB by 64 KiB with a Content-Length
// (the Worker reads none of it), by 512 KiB chunked (it reads 1 MiB + 1
// byte). Both are refused with 413 and drained after the answer.
const (
	oversizedPlain   = 1<<20 + 64<<10
	oversizedChunked = 1<<20 + 512<<10
)

// soakRequests are the requests the soak sends in turn, a cycle of 20: the
// engine's calls (evaluate, check, validate, with answers that are ok and
// that are not), the schemas, and the errors (an unknown endpoint and an
// unknown schema, 404; a malformed body, 400; an oversized body, 413, one
// a cycle, by turns with a Content-Length and chunked). Evaluates carry a
// payload of their own through a one-operation expression, and the typical
// filter over the Appointment example. The expressions do not change, so
// the engine's program cache (256 programs) does not fill up along the way.
func soakRequests() ([]func(i int) soakRequest, error) {
	set, err := schemas.Load()
	if err != nil {
		return nil, err
	}
	s, _ := set.Get("elation/appointment")
	example, _ := json.Marshal(s.Example())
	post := func(name, path string, status int, want string, fields map[string]string) func(int) soakRequest {
		b, _ := json.Marshal(fields)
		return func(int) soakRequest {
			return soakRequest{name: name, method: "POST", path: "/api/v1/" + path, body: b, status: status, want: want}
		}
	}
	get := func(name, path string, status int, want string) func(int) soakRequest {
		return func(int) soakRequest {
			return soakRequest{name: name, method: "GET", path: "/api/v1/" + path, status: status, want: want}
		}
	}
	evaluateOwn := func(i int) soakRequest {
		b, _ := json.Marshal(map[string]string{"schema": "", "payload": fmt.Sprintf(`{"n": %d}`, i), "expression": "n * 3 + 1"})
		return soakRequest{name: "evaluate", method: "POST", path: "/api/v1/evaluate", body: b, status: 200, want: fmt.Sprintf(`"value":%d`, i*3+1)}
	}
	filter := post("evaluate the filter", "evaluate", 200, `"value":true`, map[string]string{
		"schema": "elation/appointment", "payload": string(example), "now": "2024-01-01T00:00:00Z",
		"expression": filterExpression,
	})
	check := post("check", "check", 200, `"type":"list(string)"`, map[string]string{"schema": "elation/message-thread", "expression": "members.map(x, x.id)"})
	checkTypo := post("check a typo", "check", 200, `did you mean 'city'?`, map[string]string{"schema": "elation/appointment", "expression": "service_location.citty"})
	validate := post("validate", "validate", 200, `"ok":true`, map[string]string{"schema": "elation/appointment", "payload": string(example)})
	validateInvalid := post("validate an invalid payload", "validate", 200, `"pointer":"/mode"`, map[string]string{"schema": "elation/appointment", "payload": `{"mode": "PHONE"}`})
	unknownSchema := post("unknown schema", "evaluate", 404, `"code":"unknown_schema"`, map[string]string{"schema": "elation/apointment", "payload": "{}", "expression": "1"})
	malformed := func(int) soakRequest {
		return soakRequest{name: "malformed body", method: "POST", path: "/api/v1/check", body: []byte("{\n  \"schema\": \"\",\n  \"expression\": }"),
			status: 400, want: `"code":"invalid_json"`}
	}
	plain, chunked := oversizedBody(oversizedPlain), oversizedBody(oversizedChunked)
	oversized := func(i int) soakRequest {
		r := soakRequest{name: "oversized body", method: "POST", path: "/api/v1/evaluate", body: plain, status: 413, want: `"code":"payload_too_large"`}
		if (i/20)%2 != 0 {
			r.name, r.body, r.chunked = "oversized body, chunked", chunked, true
		}
		return r
	}
	return []func(int) soakRequest{
		evaluateOwn, filter, check, validate, evaluateOwn,
		get("schemas", "schemas", 200, `{"id":"elation/appointment"`), checkTypo, validateInvalid, evaluateOwn,
		post("unknown endpoint", "launch", 404, `"code":"not_found"`, map[string]string{}),
		malformed, get("one schema", "schemas/elation/message-thread", 200, `"$id": "https://fieldbook.dev/schemas/elation/message-thread.json"`),
		evaluateOwn, unknownSchema, filter, check, evaluateOwn, validate, evaluateOwn, oversized,
	}, nil
}

// oversizedBody is a JSON request of n bytes.
func oversizedBody(n int) []byte {
	head, tail := `{"schema": "", "payload": "`, `", "expression": "1"}`
	return []byte(head + strings.Repeat("x", n-len(head)-len(tail)) + tail)
}

const (
	roleWorker = "Worker"
	roleProxy  = "entry proxy"
)

type workerdProcess struct {
	pid  int
	role string
}

// workerdProcesses tells wrangler dev's entry proxy, the workerd that
// listens on the Worker's own address, from the Worker's workerd, which
// listens on a port of its own choosing (entry=127.0.0.1:0).
func workerdProcesses(pids, base string) ([]workerdProcess, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	var procs []workerdProcess
	for _, s := range strings.Split(pids, ",") {
		if s == "" {
			continue
		}
		pid, err := strconv.Atoi(s)
		if err != nil {
			return nil, fmt.Errorf("-pids: %w", err)
		}
		cmd, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if err != nil {
			return nil, err
		}
		role := roleWorker
		if bytes.Contains(cmd, []byte("--socket-addr=entry="+u.Host+"\x00")) {
			role = roleProxy
		}
		procs = append(procs, workerdProcess{pid, role})
	}
	return procs, nil
}

// residentSet reads VmRSS of a process, in bytes.
func residentSet(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

// goMemory asks the test build of the Worker for its Go program's memory.
func goMemory(client *http.Client, base string) (m struct{ Heap, Objects, Sys int64 }, err error) {
	resp, err := client.Get(base + "/api/v1/test/memory")
	if err != nil {
		return m, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return m, fmt.Errorf("/api/v1/test/memory: %s (only the Worker built with -X main.testEndpoints=true has it)", resp.Status)
	}
	return m, json.NewDecoder(resp.Body).Decode(&m)
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }
