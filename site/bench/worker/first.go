package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// The first request: what a new isolate costs the request that finds it,
// and what a new Go program costs in an isolate that already has one.
//
// fresh starts wrangler dev anew for each sample, so that every sample
// meets a new workerd, a new isolate and a new Go program; it waits until
// the site's front page answers (a static asset, which the Worker's script
// does not serve: run_worker_first is /api/* alone), then sends the
// sequence's requests one after the other, each timed (wall, from sent to
// read) and its CPU taken from the workerd processes' /proc/PID/stat.
//
// restarts does the same in one running isolate of the test build: each
// sample ends the Go program first (/api/v1/test/exit), so the sequence's
// first request starts a new program from the module the isolate already
// has, and has run through its warm-up.

// firstRequest is one request of a sequence, and what its answer must hold.
type firstRequest struct {
	name   string
	method string
	path   string
	body   []byte
	status int
	want   string
}

// firstSequence is what one sample sends, the first request first.
type firstSequence struct {
	name     string
	requests []firstRequest
}

// firstSequences are the samples' sequences, taken in turn so that a load
// that drifts falls on all of them alike: the typical evaluate first (and
// again, the second request); a check first (then the evaluate); and a request the API
// answers without the engine (an unknown endpoint, 404: Go's start, the
// schemas' catalog and the engine's construction in main, and little else),
// then the evaluate, whose time is then the first evaluate's own.
func firstSequences() ([]firstSequence, error) {
	filter, err := filterBody()
	if err != nil {
		return nil, err
	}
	evaluate := firstRequest{"evaluate", "POST", "/api/v1/evaluate", filter, 200, `"value":true`}
	checkBody, _ := json.Marshal(map[string]string{"schema": "elation/appointment", "expression": filterExpression})
	check := firstRequest{"check", "POST", "/api/v1/check", checkBody, 200, `"type":"bool"`}
	notFound := firstRequest{"unknown endpoint (404)", "GET", "/api/v1/nothing", nil, 404, `"code":"not_found"`}
	return []firstSequence{
		{"evaluate first", []firstRequest{evaluate, evaluate}},
		{"check first", []firstRequest{check, evaluate}},
		{"404 first", []firstRequest{notFound, evaluate}},
	}, nil
}

// timing is one request's wall time and the CPU the workerd processes
// spent meanwhile: the Worker's own and the entry proxy's.
type timing struct {
	wall, worker, proxy time.Duration
}

// sendTimed sends r and checks its answer, and times it.
func sendTimed(client *http.Client, base string, r firstRequest, procs []workerdProcess) (timing, error) {
	var t timing
	req, err := http.NewRequest(r.method, base+r.path, bytes.NewReader(r.body))
	if err != nil {
		return t, err
	}
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	workerBefore, proxyBefore := cpuByRole(procs)
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return t, fmt.Errorf("%s: %w", r.name, err)
	}
	out, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	t.wall = time.Since(start)
	workerAfter, proxyAfter := cpuByRole(procs)
	t.worker, t.proxy = workerAfter-workerBefore, proxyAfter-proxyBefore
	if err != nil {
		return t, fmt.Errorf("%s: %w", r.name, err)
	}
	if resp.StatusCode != r.status || !bytes.Contains(out, []byte(r.want)) {
		return t, fmt.Errorf("%s: %d %.300s, want %d and %s", r.name, resp.StatusCode, out, r.status, r.want)
	}
	return t, nil
}

// cpuByRole adds up the CPU time of the Worker's workerd processes and of
// the entry proxy's.
func cpuByRole(procs []workerdProcess) (worker, proxy time.Duration) {
	for _, p := range procs {
		if p.role == roleWorker {
			worker += cpuTime(strconv.Itoa(p.pid))
		} else {
			proxy += cpuTime(strconv.Itoa(p.pid))
		}
	}
	return worker, proxy
}

// firstResults gathers the samples' timings by sequence and request.
type firstResults struct {
	sequences []firstSequence
	timings   [][][]timing // [sequence][request][sample]
}

func newFirstResults(seqs []firstSequence) *firstResults {
	r := &firstResults{sequences: seqs, timings: make([][][]timing, len(seqs))}
	for i, s := range seqs {
		r.timings[i] = make([][]timing, len(s.requests))
	}
	return r
}

// runSequence sends sequence i and records and prints its timings.
func (r *firstResults) runSequence(i int, client *http.Client, base string, procs []workerdProcess, prefix string) error {
	line := prefix + r.sequences[i].name + ":"
	for k, req := range r.sequences[i].requests {
		t, err := sendTimed(client, base, req, procs)
		if err != nil {
			return err
		}
		r.timings[i][k] = append(r.timings[i][k], t)
		line += fmt.Sprintf("  %s %.1f ms (CPU: Worker %.0f, proxy %.0f ms)", req.name, ms(t.wall), ms(t.worker), ms(t.proxy))
	}
	fmt.Println(line)
	return nil
}

// print shows each request's median and range over the samples: the wall
// time, and the CPU of the Worker's workerd and of the proxy (in 10 ms
// ticks, so a request under 10 ms reads as 0 or 10).
func (r *firstResults) print(title string) {
	fmt.Println(title)
	for i, s := range r.sequences {
		for k, req := range s.requests {
			ts := r.timings[i][k]
			if len(ts) == 0 {
				continue
			}
			fmt.Printf("  %-46s n=%d  wall median %7.1f ms (%.1f–%.1f)  CPU median: Worker %4.0f ms (%.0f–%.0f), proxy %2.0f ms (%.0f–%.0f)\n",
				fmt.Sprintf("%s, request %d: %s", s.name, k+1, req.name), len(ts),
				median(ts, wallOf), minOf(ts, wallOf), maxOf(ts, wallOf),
				median(ts, workerOf), minOf(ts, workerOf), maxOf(ts, workerOf),
				median(ts, proxyOf), minOf(ts, proxyOf), maxOf(ts, proxyOf))
		}
	}
}

func wallOf(t timing) time.Duration   { return t.wall }
func workerOf(t timing) time.Duration { return t.worker }
func proxyOf(t timing) time.Duration  { return t.proxy }

// median is the middle value in ms (the mean of the two middle ones for an
// even count).
func median(ts []timing, f func(timing) time.Duration) float64 {
	v := make([]time.Duration, len(ts))
	for i, t := range ts {
		v[i] = f(t)
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return ms(v[len(v)/2])
	}
	return (ms(v[len(v)/2-1]) + ms(v[len(v)/2])) / 2
}

func minOf(ts []timing, f func(timing) time.Duration) float64 {
	m := f(ts[0])
	for _, t := range ts[1:] {
		m = min(m, f(t))
	}
	return ms(m)
}

func maxOf(ts []timing, f func(timing) time.Duration) float64 {
	m := f(ts[0])
	for _, t := range ts[1:] {
		m = max(m, f(t))
	}
	return ms(m)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// fresh takes n samples, each in a wrangler dev of its own started with
// config on base's port; the sequences are taken in turn.
func fresh(base, config string, n int) error {
	seqs, err := firstSequences()
	if err != nil {
		return err
	}
	results := newFirstResults(seqs)
	// wrangler runs in a process group of its own, which an interrupt of
	// this one does not reach: it is ended here.
	var (
		mu      sync.Mutex
		current *wrangler
	)
	interrupt := make(chan os.Signal, 1)
	signal.Notify(interrupt, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(interrupt)
	go func() {
		<-interrupt
		mu.Lock()
		if current != nil {
			current.stop()
		}
		os.Exit(1)
	}()
	var ready, startCPU []time.Duration
	for s := 0; s < n; s++ {
		i := s % len(seqs)
		if err := func() error {
			mu.Lock()
			w, err := startWrangler(base, config)
			current = w
			mu.Unlock()
			if err != nil {
				return err
			}
			defer func() {
				mu.Lock()
				w.stop()
				current = nil
				mu.Unlock()
			}()
			ready = append(ready, w.ready)
			startCPU = append(startCPU, w.startCPU)
			return results.runSequence(i, w.client, base, w.procs,
				fmt.Sprintf("start %d (ready in %.1f s, the Worker's workerd %.0f ms CPU by then), ", s+1, w.ready.Seconds(), ms(w.startCPU)))
		}(); err != nil {
			return fmt.Errorf("start %d: %w", s+1, err)
		}
	}
	slices.Sort(ready)
	slices.Sort(startCPU)
	fmt.Printf("wrangler dev, started %d times: ready (the front page answers) in %.1f s median (%.1f–%.1f); the Worker's workerd had spent %.0f ms CPU by then, median (%.0f–%.0f)\n",
		n, ready[len(ready)/2].Seconds(), ready[0].Seconds(), ready[len(ready)-1].Seconds(),
		ms(startCPU[len(startCPU)/2]), ms(startCPU[0]), ms(startCPU[len(startCPU)-1]))
	results.print(fmt.Sprintf("The first requests in a new isolate (a new wrangler dev each, %s; CPU from /proc, in 10 ms ticks):", config))
	return nil
}

// restarts takes n samples in the running test build of the Worker at
// base: each ends the Go program, then sends a sequence, whose first
// request starts a new one in the same isolate. warmup evaluates go first,
// untimed, so that the samples meet code V8 has tiered up, as an isolate
// that has served a while has.
func restarts(base, pids string, n, warmup int) error {
	seqs, err := firstSequences()
	if err != nil {
		return err
	}
	procs, err := workerdProcesses(pids, base)
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: 60 * time.Second}
	exit := firstRequest{"exit", "POST", "/api/v1/test/exit", []byte(`{}`), 503, `"code":"engine_restarting"`}
	for range warmup {
		if _, err := sendTimed(client, base, seqs[0].requests[0], procs); err != nil {
			return fmt.Errorf("warm-up: %w", err)
		}
	}
	results := newFirstResults(seqs)
	for s := 0; s < n; s++ {
		if _, err := sendTimed(client, base, exit, procs); err != nil {
			return fmt.Errorf("restart %d: %w (the test build of the Worker, -X main.testEndpoints=true, has /api/v1/test/exit)", s+1, err)
		}
		if err := results.runSequence(s%len(seqs), client, base, procs, fmt.Sprintf("restart %d, ", s+1)); err != nil {
			return fmt.Errorf("restart %d: %w", s+1, err)
		}
	}
	results.print(fmt.Sprintf("The first requests of a new Go program in the same isolate (after /api/v1/test/exit, and %d evaluates to warm up; the test build; CPU from /proc, in 10 ms ticks):", warmup))
	return nil
}

// wrangler is a wrangler dev started by fresh.
type wrangler struct {
	cmd      *exec.Cmd
	client   *http.Client
	procs    []workerdProcess
	ready    time.Duration // from the start until the front page answered
	startCPU time.Duration // the Worker's workerd's CPU by then
}

// startWrangler starts wrangler dev with config on base's port, in a
// process group of its own (its node and workerd processes with it), and
// waits until the site's front page answers.
func startWrangler(base, config string) (*wrangler, error) {
	host := strings.TrimPrefix(base, "http://")
	ip, port, ok := strings.Cut(host, ":")
	if !ok {
		return nil, fmt.Errorf("-url %s has no port", base)
	}
	log, err := os.Create(filepath.Join(os.TempDir(), "fieldbook-bench-wrangler-"+port+".log"))
	if err != nil {
		return nil, err
	}
	defer log.Close()
	cmd := exec.Command("node_modules/.bin/wrangler", "dev", "-c", config, "--ip", ip, "--port", port)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	w := &wrangler{cmd: cmd, client: &http.Client{Timeout: 60 * time.Second}}
	for {
		if time.Since(start) > 2*time.Minute {
			w.stop()
			return nil, fmt.Errorf("wrangler dev did not answer on %s within 2 minutes; its log: %s", base, log.Name())
		}
		resp, err := w.client.Get(base + "/")
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	w.ready = time.Since(start)
	var pids []string
	for _, pid := range descendants(cmd.Process.Pid) {
		if comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid)); err == nil && strings.TrimSpace(string(comm)) == "workerd" {
			pids = append(pids, strconv.Itoa(pid))
		}
	}
	if w.procs, err = workerdProcesses(strings.Join(pids, ","), base); err != nil {
		w.stop()
		return nil, err
	}
	if !slices.ContainsFunc(w.procs, func(p workerdProcess) bool { return p.role == roleWorker }) {
		w.stop()
		return nil, fmt.Errorf("no Worker's workerd among wrangler's processes (%v)", pids)
	}
	w.startCPU, _ = cpuByRole(w.procs)
	return w, nil
}

// stop ends the wrangler dev and every process of its group, and waits
// until they are gone, so that the next start finds the port free.
func (w *wrangler) stop() {
	w.client.CloseIdleConnections()
	pgid := w.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = w.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-done
	}
	// The group's other processes may outlive wrangler by a moment.
	for deadline := time.Now().Add(10 * time.Second); groupAlive(pgid) && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
}

// groupAlive tells whether process group pgid has a process left.
func groupAlive(pgid int) bool {
	return syscall.Kill(-pgid, 0) == nil
}

// descendants lists the processes under pid, from the parents in
// /proc/PID/stat.
func descendants(pid int) []int {
	children := map[int][]int{}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, f := range stats {
		b, err := os.ReadFile(f)
		if err != nil {
			continue // gone meanwhile
		}
		fields := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
		child, _ := strconv.Atoi(filepath.Base(filepath.Dir(f)))
		parent, _ := strconv.Atoi(fields[1]) // field 4 of stat
		children[parent] = append(children[parent], child)
	}
	var out []int
	for next := []int{pid}; len(next) > 0; {
		p := next[0]
		next = next[1:]
		out = append(out, children[p]...)
		next = append(next, children[p]...)
	}
	return out
}
