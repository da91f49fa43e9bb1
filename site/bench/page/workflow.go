package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"fieldbook/schemas"
	"fieldbook/workflows"
)

// workflowRuns times the engine's run of the appointment reminder (a
// trigger with a condition and five steps: two filters, a wait, two
// actions, the second reading the first's result) from a page to the
// engine's worker, warm: the same workflow n times, then n times with its
// first filter changed (a key stroke in a step's editor, which checks that
// expression afresh). Then a batch of that workflow over batch payloads,
// the example each with its own appointment id and time, in one call.
func workflowRuns(url, chromium string, n, batch int) {
	set, err := schemas.Load()
	if err != nil {
		fail(err)
	}
	examples, err := workflows.Examples()
	if err != nil {
		fail(err)
	}
	var request []byte
	var payload map[string]any
	for _, ex := range examples {
		if ex.Name != "appointment-reminder" {
			continue
		}
		req, err := ex.File.Request(set)
		if err != nil {
			fail(err)
		}
		request, _ = json.Marshal(req)
		_ = json.Unmarshal([]byte(req.Payload), &payload)
	}
	if request == nil {
		fail(fmt.Errorf("no worked example named appointment-reminder"))
	}
	var lines []string
	for i := 0; i < batch; i++ {
		payload["appointment_id"] = fmt.Sprint(600000 + i)
		payload["appointment_datetime"] = time.Date(2024, 7, 2+i%28, 9+i%8, 0, 0, 0, time.UTC).Format(time.RFC3339)
		b, _ := json.Marshal(payload)
		lines = append(lines, string(b))
	}
	ctx, cancel := browser(chromium)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		fail(err)
	}
	script := fmt.Sprintf(`(async () => {
		`+engineWorkerJS+`
		const request = %[1]s;
		const time = async (req) => {
			const t = performance.now();
			const r = await call('run', req);
			if (!r.ok || r.outcome !== 'completed') throw new Error(JSON.stringify(r));
			return performance.now() - t;
		};
		for (let i = 0; i < 20; i++) await time(request);
		const same = [], edited = [];
		for (let i = 0; i < %[2]d; i++) same.push(await time(request));
		for (let i = 0; i < %[2]d; i++) {
			const req = structuredClone(request);
			req.workflow.steps[0].expression += ' || ' + i + ' == -1';
			edited.push(await time(req));
		}
		const median = (a) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)];
		const payloads = %[3]s;
		const t = performance.now();
		const b = await call('batch', { workflow: request.workflow, payloads, now: request.now, rows: 100 });
		const batchMs = performance.now() - t;
		if (!b.ok) throw new Error(JSON.stringify(b.diagnostics));
		w.terminate();
		return [median(same), median(edited), batchMs, b.workflow.completed, b.workflow.stopped, b.workflow.failed];
	})()`, request, n, mustJSON(strings.Join(lines, "\n")))
	v := awaitNumbers(ctx, script, 300*time.Second)
	fmt.Printf("median of %d warm runs of the 5-step appointment reminder, page to worker: same workflow %.2f ms, first filter edited each time %.2f ms\n", n, v[0], v[1])
	fmt.Printf("batch of the workflow over %d payloads, one call: %.0f ms (completed %.0f, stopped %.0f, failed %.0f)\n", batch, v[2], v[3], v[4], v[5])
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		fail(err)
	}
	return string(b)
}
