package engine

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// reminder is an appointment reminder over the Healthie appointment: a
// filter on the event type, a wait until a day before, a text message, and
// a second action that reads the first's result.
func reminder(t testing.TB, e *Engine) RunRequest {
	return RunRequest{
		Payload: exampleText(t, schemaByID(t, e, "healthie/appointment")),
		Now:     "2024-06-01T09:00:00Z",
		Workflow: Workflow{
			Trigger: Trigger{Schema: "healthie/appointment", Event: "Healthie Appointment Scheduled"},
			Steps: []Step{
				{Kind: KindFilter, Expression: `morf_event_type.contains("SCHEDULED")`},
				{Kind: KindWait, Expression: `appointment_datetime - duration("24h")`},
				{Kind: KindAction, Action: "open-phone/v1/send-text-message", Key: "sms", Params: map[string]string{
					"from": `"+15550100"`, "to": `appointment_phone_number`, "content": `"See you tomorrow, " + appointment_first_name`,
				}},
				{Kind: KindFilter, Expression: `sms.id != ""`},
			},
		},
	}
}

func run(t *testing.T, e *Engine, req RunRequest) RunResponse {
	t.Helper()
	raw, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	var resp RunResponse
	if err := json.Unmarshal(e.Call("run", raw), &resp); err != nil {
		t.Fatal(err)
	}
	return resp
}

func statuses(resp RunResponse) string {
	var out []string
	for _, s := range resp.Steps {
		out = append(out, s.Status)
	}
	return strings.Join(out, " ")
}

func TestAWorkflowRunsStepByStep(t *testing.T) {
	e := newEngine(t)
	resp := run(t, e, reminder(t, e))
	if !resp.OK || resp.Outcome != OutcomeCompleted {
		t.Fatalf("run: %+v", resp)
	}
	if got, want := statuses(resp), "passed waited done passed"; got != want {
		t.Errorf("statuses %q, want %q", got, want)
	}
	if resp.Steps[1].Type != "google.protobuf.Timestamp" || resp.Steps[1].Now == resp.Now {
		t.Errorf("the wait did not move the clock: %+v (start %s)", resp.Steps[1], resp.Now)
	}
	if resp.Steps[2].Now != resp.Steps[1].Now {
		t.Errorf("an action moved the clock: %s after %s", resp.Steps[2].Now, resp.Steps[1].Now)
	}
	p := resp.Steps[2].Params["content"]
	if p.Type != "string" || !strings.HasPrefix(p.Value.(string), "See you tomorrow, ") {
		t.Errorf("content param %+v", p)
	}
	if resp.Steps[2].Key != "sms" || resp.Steps[2].Result == nil {
		t.Errorf("the action's result is not under its key: %+v", resp.Steps[2])
	}
}

func TestAFalseFilterStopsTheRest(t *testing.T) {
	e := newEngine(t)
	req := reminder(t, e)
	req.Workflow.Trigger.Event = "Healthie Appointment Cancelled"
	resp := run(t, e, req)
	if !resp.OK || resp.Outcome != OutcomeStopped {
		t.Fatalf("run: %+v", resp)
	}
	if got, want := statuses(resp), "stopped skipped skipped skipped"; got != want {
		t.Errorf("statuses %q, want %q", got, want)
	}
	if resp.Steps[0].Value != false {
		t.Errorf("the filter's value %v", resp.Steps[0].Value)
	}
}

func TestAWaitInThePastDoesNotWait(t *testing.T) {
	e := newEngine(t)
	req := reminder(t, e)
	req.Now = "2030-01-01T00:00:00Z"
	resp := run(t, e, req)
	w := resp.Steps[1]
	if w.Status != StatusWaited || w.Now != "2030-01-01T00:00:00Z" || len(w.Diagnostics) != 1 || w.Diagnostics[0].Severity != SeverityWarning {
		t.Fatalf("wait in the past: %+v", w)
	}
	if !strings.Contains(w.Diagnostics[0].Message, "does not wait") {
		t.Errorf("warning %q", w.Diagnostics[0].Message)
	}
}

func TestADurationWaitMovesTheClockOn(t *testing.T) {
	e := newEngine(t)
	req := reminder(t, e)
	req.Workflow.Steps[1].Expression = `duration("90m")`
	resp := run(t, e, req)
	if got := resp.Steps[1].Now; got != "2024-06-01T10:30:00Z" {
		t.Errorf("clock after a 90m wait from 09:00: %s", got)
	}
}

// checks are the mistakes the check before the run finds, each at its
// step, with what its message must say.
func TestTheWorkflowIsCheckedBeforeItRuns(t *testing.T) {
	e := newEngine(t)
	for _, c := range []struct {
		name  string
		edit  func(w *Workflow)
		step  int // -1 the trigger
		param string
		want  string
	}{
		{"a key read before it is made", func(w *Workflow) {
			w.Steps[0].Expression = `sms.id != ""`
		}, 0, "", "result of step 3, which runs after this one"},
		{"a misspelt key", func(w *Workflow) {
			w.Steps[3].Expression = `smss.id != ""`
		}, 3, "", "did you mean 'sms'"},
		{"a key the trigger reads", func(w *Workflow) {
			w.Trigger.Condition = `sms.id != ""`
		}, -1, "", "reads no result"},
		{"a key that is a payload field", func(w *Workflow) {
			w.Steps[2].Key = "appointment_id"
			w.Steps[3].Expression = "true"
		}, 2, "", "is a field of the payload"},
		{"a key that is no identifier", func(w *Workflow) {
			w.Steps[2].Key = "2sms"
			w.Steps[3].Expression = "true"
		}, 2, "", "not a CEL identifier"},
		{"a key taken twice", func(w *Workflow) {
			w.Steps = append(w.Steps, w.Steps[2])
		}, 4, "", "already step 3's"},
		{"a filter that is not bool", func(w *Workflow) {
			w.Steps[0].Expression = `appointment_id`
		}, 0, "", "must give true or false"},
		{"a wait that is not a time", func(w *Workflow) {
			w.Steps[1].Expression = `appointment_length_minutes`
		}, 1, "", "a timestamp to wait until or a duration"},
		{"a parameter of the wrong type", func(w *Workflow) {
			w.Steps[2].Params["to"] = `appointment_length_minutes`
		}, 2, "to", "takes string; this expression gives int"},
		{"a required parameter missing", func(w *Workflow) {
			delete(w.Steps[2].Params, "from")
		}, 2, "from", "requires parameter from"},
		{"an unknown parameter", func(w *Workflow) {
			w.Steps[2].Params["contnet"] = `"hi"`
		}, 2, "contnet", "did you mean content"},
		{"an unknown action", func(w *Workflow) {
			w.Steps[2].Action = "open-phone/v1/send-text-mesage"
		}, 2, "", "did you mean open-phone/v1/send-text-message"},
		{"an enum value the destination refuses", func(w *Workflow) {
			w.Steps = append(w.Steps, Step{Kind: KindAction, Action: "spruce/v1/list-conversation-items", Params: map[string]string{"order": `"NEWEST"`}})
		}, 4, "order", `did you mean "NEWEST_FIRST"`},
		{"an unknown step kind", func(w *Workflow) {
			w.Steps[0].Kind = "branch"
		}, 0, "", `unknown step kind "branch"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := reminder(t, e)
			c.edit(&req.Workflow)
			resp := run(t, e, req)
			if resp.OK || resp.Outcome != OutcomeFailed {
				t.Fatalf("a workflow with %s ran: %+v", c.name, resp)
			}
			st := resp.Trigger
			if c.step >= 0 {
				st = &resp.Steps[c.step]
			}
			if st.Status != StatusInvalid {
				t.Errorf("step status %q, want invalid", st.Status)
			}
			found := false
			for _, d := range st.Diagnostics {
				if d.Severity == SeverityError && strings.Contains(d.Message, c.want) && d.Param == c.param {
					found = true
				}
			}
			if !found {
				t.Errorf("no error saying %q (param %q) at the step: %+v", c.want, c.param, st.Diagnostics)
			}
			for i, s := range resp.Steps {
				if s.Status != StatusInvalid && s.Status != StatusSkipped {
					t.Errorf("step %d ran (%s) though the workflow has errors", i+1, s.Status)
				}
			}
		})
	}
}

func TestAnErrorIsPlacedInItsExpression(t *testing.T) {
	e := newEngine(t)
	req := reminder(t, e)
	req.Workflow.Steps[3].Expression = "true &&\n  sms.id != \"\" && later.id != \"\""
	req.Workflow.Steps = append(req.Workflow.Steps, Step{Kind: KindAction, Action: "spruce/v1/get-conversation", Key: "later", Params: map[string]string{"id": `sms.id`}})
	resp := run(t, e, req)
	var d *Diagnostic
	for i := range resp.Steps[3].Diagnostics {
		if strings.Contains(resp.Steps[3].Diagnostics[i].Message, "later") {
			d = &resp.Steps[3].Diagnostics[i]
		}
	}
	if d == nil || d.Line != 2 || d.Column != 19 || d.Source != "expression" {
		t.Fatalf("the later key's error is not at line 2, column 19: %+v", resp.Steps[3].Diagnostics)
	}
	if !strings.Contains(d.Message, "step 5") {
		t.Errorf("the error does not name the step that makes the key: %s", d.Message)
	}
}

func TestAComprehensionVariableIsNotAKey(t *testing.T) {
	e := newEngine(t)
	req := reminder(t, e)
	req.Workflow.Steps[0].Expression = `[1, 2].exists(sms, sms > 1)`
	resp := run(t, e, req)
	if !resp.OK {
		t.Fatalf("a comprehension's variable named as a later key was refused: %+v", resp.Steps[0])
	}
}

func TestAStepThatFailsStopsTheRun(t *testing.T) {
	e := newEngine(t)
	req := reminder(t, e)
	req.Workflow.Steps[2].Result = json.RawMessage(`{"id": 12}`)
	resp := run(t, e, req)
	if resp.OK || resp.Outcome != OutcomeFailed {
		t.Fatalf("a result that breaks its schema did not fail the run: %+v", resp)
	}
	if got, want := statuses(resp), "passed waited failed skipped"; got != want {
		t.Errorf("statuses %q, want %q", got, want)
	}
	if d := resp.Steps[2].Diagnostics; len(d) == 0 || d[0].Source != "result" || !strings.Contains(d[0].Message, "result schema") {
		t.Errorf("the failed action does not say its result is wrong: %+v", d)
	}
}

func TestAGivenResultIsWhatLaterStepsRead(t *testing.T) {
	e := newEngine(t)
	req := reminder(t, e)
	req.Workflow.Steps[3].Expression = `sms.id == "MSG-1"`
	// A result is a JSON value, or its text as a string.
	for _, result := range []string{`{"id": "MSG-1", "created_at": "2024-06-01T09:00:00Z"}`, `"{\"id\": \"MSG-1\", \"created_at\": \"2024-06-01T09:00:00Z\"}"`} {
		req.Workflow.Steps[2].Result = json.RawMessage(result)
		resp := run(t, e, req)
		if !resp.OK || resp.Steps[3].Status != StatusPassed {
			t.Fatalf("the later filter did not read the result %s: %+v", result, resp)
		}
	}
	req.Workflow.Steps[2].Result = json.RawMessage(`"{\n  \"id\": 7, \"created_at\": \"2024-06-01T09:00:00Z\"}"`)
	d := run(t, e, req).Steps[2].Diagnostics
	if len(d) != 1 || d[0].Line != 2 || d[0].Column != 9 || d[0].Pointer != "/id" {
		t.Errorf("an error in a result's text is not placed in it: %+v", d)
	}
}

func TestAWorkflowOfTooManyStepsIsRefused(t *testing.T) {
	e := newEngine(t)
	req := reminder(t, e)
	for len(req.Workflow.Steps) <= maxWorkflowSteps {
		req.Workflow.Steps = append(req.Workflow.Steps, Step{Kind: KindFilter, Expression: "true"})
	}
	resp := run(t, e, req)
	if resp.OK || len(resp.Diagnostics) != 1 || !strings.Contains(resp.Diagnostics[0].Message, "at most 50") {
		t.Fatalf("51 steps: %+v", resp.Diagnostics)
	}
}

func TestAStepsEditorCompletesTheKeysOfEarlierSteps(t *testing.T) {
	e := newEngine(t)
	results := []ResultRef{{Key: "sms", Action: "open-phone/v1/send-text-message"}}
	got := e.Complete(CompleteRequest{Schema: "healthie/appointment", Expression: "sm", Offset: 2, Results: results})
	if !slices.ContainsFunc(got.Items, func(it CompletionItem) bool { return it.Label == "sms" }) {
		t.Errorf("completion of sm offers no sms: %+v", got.Items)
	}
	got = e.Complete(CompleteRequest{Schema: "healthie/appointment", Expression: "sms.", Offset: 4, Results: results})
	if !slices.ContainsFunc(got.Items, func(it CompletionItem) bool {
		return it.Label == "created_at" && it.Type == "google.protobuf.Timestamp"
	}) {
		t.Errorf("completion of sms. offers not its created_at timestamp: %+v", got.Items)
	}
	c := e.Check(CheckRequest{Schema: "healthie/appointment", Expression: "sms.created_at < appointment_datetime", Results: results})
	if !c.OK || c.Type != "bool" {
		t.Errorf("check over a step's context: %+v", c)
	}
	c = e.Check(CheckRequest{Schema: "healthie/appointment", Expression: "true", Results: []ResultRef{{Key: "appointment_id", Action: "open-phone/v1/send-text-message"}}})
	if c.OK || !strings.Contains(c.Diagnostics[0].Message, "already a field") {
		t.Errorf("a key that is a payload field: %+v", c)
	}
}

func TestAResultThatIsNotKnownFailsTheStepThatReadsIt(t *testing.T) {
	e := newEngine(t)
	req := reminder(t, e)
	// healthie/v1/update-appointment documents no example result.
	req.Workflow.Steps[2] = Step{Kind: KindAction, Action: "healthie/v1/update-appointment", Key: "updated", Params: map[string]string{"id": "appointment_id"}}
	req.Workflow.Steps[3].Expression = `updated.appointment_id != ""`
	resp := run(t, e, req)
	if got, want := statuses(resp), "passed waited done failed"; got != want {
		t.Fatalf("statuses %q, want %q: %+v", got, want, resp.Steps)
	}
	if d := resp.Steps[2].Diagnostics; len(d) != 1 || d[0].Severity != SeverityWarning || !strings.Contains(d[0].Message, "documents no example result") {
		t.Errorf("the action does not warn that its result is not known: %+v", d)
	}
	if d := resp.Steps[3].Diagnostics; len(d) != 1 || !strings.Contains(d[0].Message, "give step 3 a result") || d[0].Column != 1 {
		t.Errorf("the step that reads it does not say why it failed: %+v", d)
	}
}

func TestABatchRunsAWorkflowOverEveryPayload(t *testing.T) {
	e := newEngine(t)
	req := reminder(t, e)
	req.Workflow.Steps[0].Expression = "appointment_datetime.isAfter(morf.now())"
	var ex map[string]any
	if err := json.Unmarshal([]byte(req.Payload), &ex); err != nil {
		t.Fatal(err)
	}
	line := func(edit func(map[string]any)) string {
		p := maps.Clone(ex)
		edit(p)
		b, _ := json.Marshal(p)
		return string(b)
	}
	payloads := strings.Join([]string{
		line(func(map[string]any) {}), // completes
		line(func(p map[string]any) { p["appointment_datetime"] = "2024-05-01T10:00:00Z" }), // already past: stops at step 1
		line(func(p map[string]any) { delete(p, "appointment_phone_number") }),              // no number to text: fails at step 3
		`{"appointment_id": `, // not JSON
	}, "\n")
	raw, _ := json.Marshal(BatchRequest{Workflow: &req.Workflow, Payloads: payloads, Now: req.Now})
	var resp BatchResponse
	if err := json.Unmarshal(e.Call("batch", raw), &resp); err != nil {
		t.Fatal(err)
	}
	w := resp.Workflow
	if !resp.OK || resp.Total != 4 || w == nil {
		t.Fatalf("batch: %+v", resp)
	}
	if w.Completed != 1 || w.Stopped != 1 || w.Failed != 1 {
		t.Errorf("completed %d, stopped %d, failed %d; want 1 each", w.Completed, w.Stopped, w.Failed)
	}
	if w.Steps[0].Reached != 3 || w.Steps[0].Stopped != 1 || w.Steps[2].Reached != 2 || w.Steps[2].Failed != 1 || w.Steps[3].Reached != 1 {
		t.Errorf("counts by step: %+v", w.Steps)
	}
	if r := resp.Rows[2]; r.Outcome != OutcomeFailed || r.Step == nil || *r.Step != 3 || !strings.Contains(r.Failure, "appointment_phone_number") {
		t.Errorf("the failed row: %+v", r)
	}
	if r := resp.Rows[3]; r.Error == "" || r.Outcome != "" {
		t.Errorf("the row that is not JSON: %+v", r)
	}
	// A workflow with an error runs over nothing, and says where.
	req.Workflow.Steps[0].Expression = "appointment_datetme > now()"
	raw, _ = json.Marshal(BatchRequest{Workflow: &req.Workflow, Payloads: payloads})
	_ = json.Unmarshal(e.Call("batch", raw), &resp)
	if resp.OK || len(resp.Diagnostics) == 0 || !strings.HasPrefix(resp.Diagnostics[0].Message, "step 1: undeclared reference") {
		t.Errorf("a broken workflow's batch: %+v", resp.Diagnostics)
	}
}

// fiveSteps is the reminder with a fifth step, an action that reads the
// first's result: the workflow the budget names.
func fiveSteps(t testing.TB, e *Engine) RunRequest {
	req := reminder(t, e)
	req.Workflow.Steps = append(req.Workflow.Steps, Step{Kind: KindAction, Action: "healthie/v1/update-appointment",
		Params: map[string]string{"id": "appointment_id", "notes": `"Reminder " + sms.id`}})
	return req
}

// BenchmarkRun runs the five-step workflow over one payload, warm: its
// programs compiled, its payload read; as the workflow page re-runs it on
// each edit of the payload or the clock.
func BenchmarkRun(b *testing.B) {
	e := newEngine(b)
	req := fiveSteps(b, e)
	if r := e.Run(req); !r.OK {
		b.Fatal(r)
	}
	for b.Loop() {
		e.Run(req)
	}
}

// BenchmarkBatchWorkflow10000 runs the five-step workflow over 10,000
// payloads, in one batch call.
func BenchmarkBatchWorkflow10000(b *testing.B) {
	e := newEngine(b)
	req := fiveSteps(b, e)
	var ex map[string]any
	if err := json.Unmarshal([]byte(req.Payload), &ex); err != nil {
		b.Fatal(err)
	}
	lines := make([]string, 10000)
	for i := range lines {
		ex["appointment_id"] = strconv.Itoa(600000 + i)
		raw, _ := json.Marshal(ex)
		lines[i] = string(raw)
	}
	batch := BatchRequest{Workflow: &req.Workflow, Payloads: strings.Join(lines, "\n"), Now: req.Now, Rows: 100}
	if r := e.Batch(batch); !r.OK || r.Workflow.Completed != 10000 {
		b.Fatalf("%+v", r.Workflow)
	}
	for b.Loop() {
		e.Batch(batch)
	}
}

func TestCompletionLeavesOutAResultItCannotRead(t *testing.T) {
	e := newEngine(t)
	// The first key is a payload field's, the second no identifier: the
	// step's editor still completes the payload's fields and the good key.
	results := []ResultRef{{Key: "appointment_id", Action: "open-phone/v1/send-text-message"}, {Key: "2x", Action: "open-phone/v1/send-text-message"},
		{Key: "card", Action: "stripe/v1/create-card"}}
	got := e.Complete(CompleteRequest{Schema: "healthie/appointment", Expression: "appo", Offset: 4, Results: results})
	if !slices.ContainsFunc(got.Items, func(it CompletionItem) bool { return it.Label == "appointment_datetime" }) {
		t.Errorf("completion with a bad key offers no payload field: %+v", got.Items)
	}
	got = e.Complete(CompleteRequest{Schema: "healthie/appointment", Expression: "card.", Offset: 5, Results: results})
	if !slices.ContainsFunc(got.Items, func(it CompletionItem) bool { return it.Label == "customer_id" }) {
		t.Errorf("completion leaves out the good key after a bad one: %+v", got.Items)
	}
}

func TestAParameterTooLargeToAnswerSaysSo(t *testing.T) {
	e := newEngine(t)
	req := reminder(t, e)
	var payload map[string]any
	if err := json.Unmarshal([]byte(req.Payload), &payload); err != nil {
		t.Fatal(err)
	}
	payload["appointment_notes"] = strings.Repeat("x", 1200000)
	raw, _ := json.Marshal(payload)
	req.Payload = string(raw)
	req.Workflow.Steps[2].Params["content"] = `appointment_notes`
	resp := run(t, e, req)
	p := resp.Steps[2].Params["content"]
	if resp.Steps[2].Status != StatusDone || !p.Truncated || p.Value != nil || len(p.Display) == 0 || len(p.Display) > 4000 {
		t.Errorf("a 1.2 MB parameter: status %s, truncated %v, value %v, display of %d", resp.Steps[2].Status, p.Truncated, p.Value != nil, len(p.Display))
	}
}

// A run's expressions are bounded together, not only each alone: one
// request could otherwise hold a thousand costly ones.
func TestARunIsBoundedAsAWhole(t *testing.T) {
	e := newEngine(t)
	req := reminder(t, e)
	costly := `lists.range(60000).all(x, x >= 0 && x < 1000000)` // within an expression's limit, about half of it
	if r := e.Evaluate(EvaluateRequest{Schema: "", Payload: "{}", Expression: costly}); !r.OK || r.Cost < DefaultLimits.CostLimit/10 {
		t.Fatalf("the costly filter alone: ok %v, cost %d", r.OK, r.Cost)
	}
	req.Workflow.Steps = nil
	for range maxWorkflowSteps {
		req.Workflow.Steps = append(req.Workflow.Steps, Step{Kind: KindFilter, Expression: costly})
	}
	resp := run(t, e, req)
	var failed *StepRun
	for i := range resp.Steps {
		if resp.Steps[i].Status == StatusFailed {
			failed = &resp.Steps[i]
		}
	}
	if resp.OK || resp.Outcome != OutcomeFailed || failed == nil || !slices.ContainsFunc(failed.Diagnostics, func(d Diagnostic) bool {
		return d.Severity == SeverityError && strings.Contains(d.Message, "a run's cost limit of 4,000,000 units")
	}) {
		t.Fatalf("50 costly filters: %s, %s", resp.Outcome, statuses(resp))
	}
	params := map[string]string{}
	for i := range maxActionParams + 1 {
		params[fmt.Sprintf("p%d", i)] = `"x"`
	}
	req.Workflow.Steps = []Step{{Kind: KindAction, Action: "healthie/v1/update-appointment", Params: params}}
	if resp := run(t, e, req); resp.OK || !strings.Contains(resp.Steps[0].Diagnostics[0].Message, "at most 64") {
		t.Errorf("65 parameters: %+v", resp.Steps[0].Diagnostics)
	}
}
