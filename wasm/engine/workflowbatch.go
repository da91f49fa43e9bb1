package engine

import (
	"fmt"
	"strings"

	"fieldbook/wasm/explain"

	"cel.dev/cel-go/interpreter"
)

// BatchWorkflow counts a workflow's runs over a batch: how many completed,
// stopped and failed, and at which step.
type BatchWorkflow struct {
	Completed int              `json:"completed"`
	Stopped   int              `json:"stopped"`
	Failed    int              `json:"failed"`
	Trigger   BatchStepCount   `json:"trigger"`
	Steps     []BatchStepCount `json:"steps"`
}

// BatchStepCount counts the runs that reached a step, and those that
// stopped or failed there; for a filter (or the trigger's condition) that
// is a chain of &&, Conditions count the runs each condition stopped.
type BatchStepCount struct {
	Reached    int              `json:"reached"`
	Stopped    int              `json:"stopped"`
	Failed     int              `json:"failed"`
	Conditions []ConditionCount `json:"conditions,omitempty"`
}

// batchWorkflow runs one workflow over every payload of a batch: checked
// once, run once a payload.
func (e *Engine) batchWorkflow(req BatchRequest) BatchResponse {
	switch {
	case len(req.Expressions) > 0:
		return batchFailure(requestError("a batch runs expressions or a workflow, not both"))
	case req.Schema != "" || req.Event != "" || req.Key != "":
		return batchFailure(requestError("a workflow's batch takes its schema and event from the workflow's trigger: leave schema, event and key out"))
	}
	w, bad := e.checkWorkflow(RunRequest{Workflow: *req.Workflow, Now: req.Now, Dialect: req.Dialect})
	if bad != nil {
		return batchFailure(*bad)
	}
	if w.errors > 0 {
		resp := e.runChecked(w, map[string]any{}, nil) // it does not run: it says where the errors are
		diags := []Diagnostic{}
		for i, st := range append([]StepRun{*resp.Trigger}, resp.Steps...) {
			for _, d := range st.Diagnostics {
				if d.Severity == SeverityError {
					d.Message = stepName(i) + ": " + d.Message
					diags = append(diags, d)
				}
			}
		}
		return BatchResponse{OK: false, Counts: []BatchCount{}, Rows: []BatchRow{}, Errors: []BatchError{}, Diagnostics: diags}
	}
	items, d := e.splitBatch(req.Payloads)
	if d != nil {
		return batchFailure(*d)
	}
	rowsWanted := req.rows()
	counts := &BatchWorkflow{Steps: make([]BatchStepCount, len(w.steps))}
	chains := e.filterChains(w, counts)
	resp := BatchResponse{OK: true, Total: len(items), CheckedAll: req.CheckAll, Counts: []BatchCount{}, Workflow: counts,
		Rows: []BatchRow{}, Errors: []BatchError{}, Diagnostics: []Diagnostic{}}
	for i, it := range items {
		row := BatchRow{Index: i, Line: it.line, Error: it.err}
		if it.err != "" {
			resp.noteError(BatchError{Index: i, Line: it.line, Expression: -1, Message: it.err})
		} else {
			check := newSchemaCheck(w.schema, it.value) // one validation for the row and its failure
			run := e.runChecked(w, it.value.(map[string]any), check)
			row.Outcome = run.Outcome
			at, why := countRun(counts, run)
			if run.Outcome != OutcomeCompleted {
				row.Step = &at
			}
			if run.Outcome == OutcomeStopped && chains[at] != nil {
				row.StoppedBy = e.stoppedByCondition(w, it.value.(map[string]any), check, at, chains[at], counts)
			}
			if run.Outcome == OutcomeFailed {
				row.Failure = why
				resp.noteError(BatchError{Index: i, Line: it.line, Expression: -1, Message: stepName(at) + ": " + why})
			}
			if run.Outcome == OutcomeFailed || req.CheckAll {
				row.Invalid = check.errors(nil)
			}
			if row.Invalid != nil {
				resp.Invalid++
				resp.noteError(BatchError{Index: i, Line: it.line, Expression: -1, Message: "does not match " + e.payloadName(w.schema) + ": " + strings.Join(row.Invalid, "; ")})
			}
		}
		if len(resp.Rows) < rowsWanted {
			resp.Rows = append(resp.Rows, row)
		}
	}
	return resp
}

// filterChains finds the trigger's condition and the filters that are a
// chain of && (by step: 0 the trigger), and gives their counts their
// conditions.
func (e *Engine) filterChains(w *checkedWorkflow, counts *BatchWorkflow) [][]explain.Condition {
	chains := make([][]explain.Condition, len(w.steps)+1)
	for i, s := range append([]*checkedStep{&w.trigger}, pointers(w.steps)...) {
		if s.expression == nil || i > 0 && s.step.Kind != KindFilter {
			continue
		}
		if _, chains[i] = e.chainOf(w.env, s.expression); chains[i] != nil {
			counts.step(i).Conditions = conditionCounts(chains[i])
		}
	}
	return chains
}

// stoppedByCondition runs again, recording each part's value, a run that
// a chain of && stopped at step at, counts the condition that stopped it
// and names it. Only the runs a chain stopped pay for the second run.
func (e *Engine) stoppedByCondition(w *checkedWorkflow, payload map[string]any, check *schemaCheck, at int, chain []explain.Condition, counts *BatchWorkflow) string {
	rerun := *w // its steps shared: an action's result is read once
	rerun.states = map[*compiled]interpreter.EvalState{}
	e.runChecked(&rerun, payload, check)
	filter := &w.trigger
	if at > 0 {
		filter = &w.steps[at-1]
	}
	state, ran := rerun.states[filter.expression]
	if !ran {
		return ""
	}
	k := explain.FirstFalse(chain, state)
	if k < 0 {
		return ""
	}
	counts.step(at).Conditions[k].Stopped++
	return chain[k].Text
}

// countRun counts one run: the steps it reached, and where it ended. It
// gives the step it ended at (0 the trigger, 1 the first step) and, for a
// failure, the first error there.
func countRun(c *BatchWorkflow, run RunResponse) (int, string) {
	all := append([]StepRun{*run.Trigger}, run.Steps...)
	for i, st := range all {
		count := c.step(i)
		if st.Status == StatusSkipped {
			break
		}
		count.Reached++
		switch st.Status {
		case StatusStopped:
			count.Stopped++
			c.Stopped++
			return i, ""
		case StatusFailed:
			count.Failed++
			c.Failed++
			for _, d := range st.Diagnostics {
				if d.Severity == SeverityError {
					return i, d.Message
				}
			}
			return i, "it failed"
		}
	}
	c.Completed++
	return len(all), ""
}

// step is the count of a step by its place: 0 the trigger, 1 the first
// step.
func (c *BatchWorkflow) step(i int) *BatchStepCount {
	if i == 0 {
		return &c.Trigger
	}
	return &c.Steps[i-1]
}

// stepName names a step by its place: 0 the trigger, 1 the first step.
func stepName(i int) string {
	if i == 0 {
		return "the trigger"
	}
	return fmt.Sprintf("step %d", i)
}
