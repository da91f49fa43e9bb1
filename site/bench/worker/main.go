// Command worker times the Worker's API under wrangler dev: the wall
// time of each request as the client sees it, and the CPU the workerd
// processes spend per request (their user + system time from /proc, before
// and after the run, divided by the requests), after warm-up requests.
//
//	go run ./site/bench/worker -url http://127.0.0.1:8787 [-n 100] [-pids PID,PID]
//
// wrangler dev runs two workerd processes (an entry proxy and the Worker);
// -pids takes both, and their CPU is added up.
//
// With -bounds FILE it times the cases of wasm/testdata/bounds.json
// instead (bounds.go):
//
//	go run ./site/bench/worker -url http://127.0.0.1:8787 -bounds wasm/testdata/bounds.json -n 5
//
// With -fresh N it times the first requests of N new isolates instead, each
// in a wrangler dev it starts (and ends) on -url's port with -config; with
// -restarts N, those of N new Go programs in the running isolate of the test
// build (-X main.testEndpoints=true), which it ends with /api/v1/test/exit;
// see first.go:
//
//	go run ./site/bench/worker -url http://127.0.0.1:8790 -fresh 12 -config wrangler.jsonc
//	go run ./site/bench/worker -url http://127.0.0.1:8791 -restarts 15 -pids PID,PID
//
// With -soak N it sends N requests instead, a mixed load (evaluate, check,
// validate, the schemas, 404s, a malformed and an oversized body), every
// answer checked, and follows the memory of the -pids processes (resident
// set, from /proc/PID/status) and of the Go program (-go-memory) at
// checkpoints, and the throughput; see soak.go:
//
//	go run ./site/bench/worker -url http://127.0.0.1:8798 -soak 3000 -warmup 300 -pids PID,PID \
//	  -go-memory -max-heap-slope 1024 -max-rss-slope 20480
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"fieldbook/schemas"
)

func main() {
	url := flag.String("url", "http://127.0.0.1:8787", "the Worker")
	n := flag.Int("n", 100, "requests to time")
	warmup := flag.Int("warmup", 50, "requests sent first, untimed: the isolate starts, V8 tiers the module up")
	pids := flag.String("pids", "", "the workerd processes, comma-separated, for their CPU time and memory (none: wall time only)")
	soakN := flag.Int("soak", 0, "send this many requests instead (a mixed load), checking every answer and the workerd processes' memory (needs -pids)")
	checkpoints := flag.Int("checkpoints", 10, "with -soak, how many times to read the memory and the throughput")
	concurrency := flag.Int("c", 1, "with -soak, requests in flight at once")
	goMem := flag.Bool("go-memory", false, "with -soak, read the Go program's memory too, from /api/v1/test/memory (only in ./build.sh test's build of the Worker)")
	jsHeap := flag.Bool("js-heap", false, "with -soak, read the Worker isolate's JavaScript heap too, from workerd's inspector")
	maxRSS := flag.Float64("max-rss-slope", 0, "with -soak, the most the Worker's workerd may grow per request over the second half, in bytes (0: report only)")
	maxHeap := flag.Float64("max-heap-slope", 0, "with -soak and -go-memory, the most the Go program's live heap may grow per request over the second half, in bytes (0: report only)")
	boundsFile := flag.String("bounds", "", "time the cases of this bounds file (wasm/testdata/bounds.json) instead, -n times each")
	freshN := flag.Int("fresh", 0, "time the first requests in this many new isolates instead, each in a wrangler dev of its own on -url's port (first.go)")
	config := flag.String("config", "wrangler.jsonc", "with -fresh, the wrangler config to start")
	restartsN := flag.Int("restarts", 0, "time the first requests of this many new Go programs in the running isolate instead (the test build of the Worker; needs -pids)")
	flag.Parse()
	if *freshN > 0 {
		if err := fresh(*url, *config, *freshN); err != nil {
			fail(err)
		}
		return
	}
	if *restartsN > 0 {
		if err := restarts(*url, *pids, *restartsN, *warmup); err != nil {
			fail(err)
		}
		return
	}
	if *boundsFile != "" {
		if err := bounds(*url, *boundsFile, *n); err != nil {
			fail(err)
		}
		return
	}
	if *soakN > 0 {
		err := soak(soakOptions{
			base: *url, n: *soakN, warmup: *warmup, checkpoints: *checkpoints, concurrency: *concurrency, pids: *pids,
			goMemory: *goMem, jsHeap: *jsHeap, maxRSSSlope: *maxRSS, maxHeapSlope: *maxHeap,
		})
		if err != nil {
			fail(err)
		}
		return
	}

	body, err := filterBody()
	if err != nil {
		fail(err)
	}
	send := func() time.Duration {
		start := time.Now()
		resp, err := http.Post(*url+"/api/v1/evaluate", "application/json", strings.NewReader(string(body)))
		if err != nil {
			fail(err)
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(out), `"value":true`) {
			fail(fmt.Errorf("unexpected answer %d: %.300s", resp.StatusCode, out))
		}
		return time.Since(start)
	}
	for i := 0; i < *warmup; i++ {
		send()
	}
	procs, err := workerdProcesses(*pids, *url)
	if err != nil {
		fail(err)
	}
	workerBefore, proxyBefore := cpuByRole(procs)
	var walls []time.Duration
	for i := 0; i < *n; i++ {
		walls = append(walls, send())
	}
	workerAfter, proxyAfter := cpuByRole(procs)
	sort.Slice(walls, func(i, j int) bool { return walls[i] < walls[j] })
	fmt.Printf("POST /api/v1/evaluate, %d requests after %d to warm up: wall median %.2f ms, p90 %.2f ms",
		*n, *warmup, ms(walls[len(walls)/2]), ms(walls[len(walls)*9/10]))
	if *pids != "" {
		worker, proxy := workerAfter-workerBefore, proxyAfter-proxyBefore
		fmt.Printf(", workerd CPU %.2f ms per request (the Worker's %.2f, the entry proxy's %.2f)",
			ms(worker+proxy)/float64(*n), ms(worker)/float64(*n), ms(proxy)/float64(*n))
	}
	fmt.Println()
}

// filterExpression is the typical filter over the Appointment example, the
// one every mode times.
const filterExpression = `status == elation.v1.AppointmentStatus.APPOINTMENT_STATUS_SCHEDULED || (mode == "VIDEO" && service_location.city.startsWith("San"))`

// filterBody is the evaluate request of filterExpression over the
// Appointment example.
func filterBody() ([]byte, error) {
	set, err := schemas.Load()
	if err != nil {
		return nil, err
	}
	s, _ := set.Get("elation/appointment")
	payload, _ := json.Marshal(s.Example())
	return json.Marshal(map[string]string{
		"schema": "elation/appointment", "payload": string(payload), "now": "2024-01-01T00:00:00Z", "expression": filterExpression,
	})
}

// cpuTime adds up the user + system CPU time of processes, from
// /proc/PID/stat.
func cpuTime(pids string) time.Duration {
	var total time.Duration
	for _, pid := range strings.Split(pids, ",") {
		if pid == "" {
			continue
		}
		b, err := os.ReadFile("/proc/" + pid + "/stat")
		if err != nil {
			fail(err)
		}
		// Fields after the command name, which is in parentheses and may hold spaces.
		fields := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
		utime, _ := strconv.ParseInt(fields[11], 10, 64) // field 14 of stat
		stime, _ := strconv.ParseInt(fields[12], 10, 64) // field 15
		const ticks = 100                                // USER_HZ on Linux
		total += time.Duration(utime+stime) * time.Second / ticks
	}
	return total
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench/worker:", err)
	os.Exit(1)
}
