package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"fieldbook/wasm/boundscases"
)

// bounds times the cases of a bounds file (wasm/testdata/bounds.json) in
// the Worker: each case once untimed, then runs times, each with a small
// evaluate sent while it is in flight; it prints each case's median and
// slowest request, and the slowest wait of a small request.
func bounds(base, file string, runs int) error {
	cases, err := boundscases.Load(file)
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: 60 * time.Second}
	post := func(req any) (time.Duration, error) {
		body, _ := json.Marshal(req)
		start := time.Now()
		resp, err := client.Post(base+"/api/v1/evaluate", "application/json", strings.NewReader(string(body)))
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		if _, err := io.Copy(io.Discard, resp.Body); err != nil || resp.StatusCode != 200 {
			return 0, fmt.Errorf("status %d: %v", resp.StatusCode, err)
		}
		return time.Since(start), nil
	}
	var slowestWait time.Duration
	for i, c := range cases {
		req := map[string]string{"schema": "", "dialect": c.Dialect, "payload": c.Payload(), "expression": c.Expression()}
		if _, err := post(req); err != nil {
			return fmt.Errorf("%s: %w", c.Name, err)
		}
		var times []time.Duration
		for r := 0; r < runs; r++ {
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				time.Sleep(5 * time.Millisecond) // once the case is in flight
				if d, err := post(map[string]string{"schema": "", "payload": `{"n": 2}`, "expression": "n * 21"}); err == nil {
					slowestWait = max(slowestWait, d)
				}
			}()
			d, err := post(req)
			wg.Wait()
			if err != nil {
				return fmt.Errorf("%s: %w", c.Name, err)
			}
			times = append(times, d)
		}
		sort.Slice(times, func(a, b int) bool { return times[a] < times[b] })
		fmt.Printf("%2d %-9s median %7.1f ms, slowest %7.1f ms  %s\n", i+1, c.Want, ms(times[len(times)/2]), ms(times[len(times)-1]), c.Name)
	}
	fmt.Printf("the slowest answer to a small evaluate sent while a case was in flight: %.1f ms\n", ms(slowestWait))
	return nil
}
