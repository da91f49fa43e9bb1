// Command workerbench times the Worker's API under wrangler dev: the wall
// time of each request as the client sees it, and the CPU the workerd
// processes spend per request (their user + system time from /proc, before
// and after the run, divided by the requests), after warm-up requests.
//
//	go run ./site/workerbench -url http://127.0.0.1:8787 [-n 100] [-pids PID,PID]
//
// wrangler dev runs two workerd processes (an entry proxy and the Worker);
// -pids takes both, and their CPU is added up.
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
	pids := flag.String("pids", "", "the workerd processes, comma-separated, for their CPU time (none: wall time only)")
	flag.Parse()

	set, err := schemas.Load()
	if err != nil {
		fail(err)
	}
	s, _ := set.Get("elation/appointment")
	payload, _ := json.Marshal(s.Example())
	body, _ := json.Marshal(map[string]string{
		"schema": "elation/appointment", "payload": string(payload), "now": "2024-01-01T00:00:00Z",
		"expression": `status == elation.v1.AppointmentStatus.APPOINTMENT_STATUS_SCHEDULED || (mode == "VIDEO" && service_location.city.startsWith("San"))`,
	})
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
	cpuBefore := cpuTime(*pids)
	var walls []time.Duration
	for i := 0; i < *n; i++ {
		walls = append(walls, send())
	}
	cpuAfter := cpuTime(*pids)
	sort.Slice(walls, func(i, j int) bool { return walls[i] < walls[j] })
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	fmt.Printf("POST /api/v1/evaluate, %d requests after %d to warm up: wall median %.2f ms, p90 %.2f ms",
		*n, *warmup, ms(walls[len(walls)/2]), ms(walls[len(walls)*9/10]))
	if *pids != "" {
		fmt.Printf(", workerd CPU %.2f ms per request", ms(cpuAfter-cpuBefore)/float64(*n))
	}
	fmt.Println()
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
	fmt.Fprintln(os.Stderr, "workerbench:", err)
	os.Exit(1)
}
