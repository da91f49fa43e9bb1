package engine

// A workflow run: a trigger over one payload, then filters, waits and
// actions in order, each reading the payload's fields and the results of
// the earlier actions under their keys (docs/…/workflow.md in the sources
// says what Morf states of this and what Fieldbook assumes). The whole
// workflow is checked first (workflowcheck.go), as Morf checks a workflow
// before it is used; then it runs (Run, below).

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"fieldbook/schemas"
	"fieldbook/wasm/celjson"
	"fieldbook/wasm/dialect/morf"
	"fieldbook/wasm/explain"
	"fieldbook/wasm/jsonpos"
)

// Workflow bounds: its steps, the trigger aside; an action's parameters
// (the most any action documents is 16); and the cost of all of a run's
// expressions together, in units of CEL's cost as Limits.CostLimit counts
// them, each expression being bounded by that limit too. Without the last
// two, one request of a megabyte could hold thousands of expressions, each
// costly within its own limit.
const (
	maxWorkflowSteps  = 50
	maxActionParams   = 64
	runCostLimitTimes = 4 // a run's cost limit, in expression cost limits
)

// Step kinds.
const (
	KindFilter = "filter"
	KindWait   = "wait"
	KindAction = "action"
)

// Step statuses.
const (
	StatusPassed  = "passed"  // a filter or the trigger's condition was true, or the trigger has none
	StatusStopped = "stopped" // it was false: the workflow ends there
	StatusWaited  = "waited"  // a wait: the clock moved (or did not, a warning says why)
	StatusDone    = "done"    // an action: its parameters were given and its result placed
	StatusSkipped = "skipped" // not run: an earlier step stopped or failed, or the workflow has errors
	StatusFailed  = "failed"  // an error while it ran: its diagnostics say which
	StatusInvalid = "invalid" // the check before the run found an error in it
)

// Workflow outcomes.
const (
	OutcomeCompleted = "completed"
	OutcomeStopped   = "stopped"
	OutcomeFailed    = "failed"
)

// RunRequest runs a workflow over one payload. Now is the clock the
// workflow starts at (RFC 3339; "" for the real time); Dialect is morf
// unless it says otherwise.
type RunRequest struct {
	Workflow Workflow `json:"workflow"`
	Payload  string   `json:"payload"`
	Now      string   `json:"now,omitempty"`
	Dialect  string   `json:"dialect,omitempty"`
	// Explain asks for the value of every part of each expression that
	// ran: a step's, the trigger's condition, a parameter's.
	Explain bool `json:"explain,omitempty"`
}

// Workflow is a trigger and the steps after it, in order.
type Workflow struct {
	Trigger Trigger `json:"trigger"`
	Steps   []Step  `json:"steps"`
}

// Trigger names the payload that starts the workflow, its event type
// (default: the payload's first) and an optional boolean condition.
type Trigger struct {
	Schema    string `json:"schema"`
	Event     string `json:"event,omitempty"`
	Condition string `json:"condition,omitempty"`
}

// Step is a filter (Expression must be true for the workflow to go on), a
// wait (Expression gives a timestamp to wait until or a duration to wait
// for) or an action: Action is its id, Params its parameters' expressions
// by parameter key, Key the result object key later steps read its result
// under (default: the action's own), Result the JSON it returns in this
// run (default: the example its page documents): a JSON value, or its
// text as a string, where diagnostics place their lines and columns.
type Step struct {
	Kind       string            `json:"kind"`
	Expression string            `json:"expression,omitempty"`
	Action     string            `json:"action,omitempty"`
	Key        string            `json:"key,omitempty"`
	Params     map[string]string `json:"params,omitempty"`
	Result     json.RawMessage   `json:"result,omitempty"`
}

// RunResponse answers a run. OK is false when the workflow has errors
// (then nothing ran) or a step failed; a filter that stops it is an
// answer, not an error.
type RunResponse struct {
	OK      bool   `json:"ok"`
	Outcome string `json:"outcome,omitempty"` // completed, stopped or failed
	Dialect string `json:"dialect,omitempty"`
	// Now is the clock the workflow started at.
	Now         string       `json:"now,omitempty"`
	Trigger     *StepRun     `json:"trigger,omitempty"`
	Steps       []StepRun    `json:"steps"`
	Diagnostics []Diagnostic `json:"diagnostics"`
}

// StepRun is what one step did. Type, Value and Display are a filter's or
// a wait's value; Now is the clock after the step; an action has Params,
// Key and Result.
type StepRun struct {
	Kind        string              `json:"kind"`
	Status      string              `json:"status"`
	Type        string              `json:"type,omitempty"`
	Value       any                 `json:"value,omitempty"`
	Display     string              `json:"display,omitempty"`
	Truncated   bool                `json:"truncated,omitempty"` // Value too large to answer: null, and Display its start
	Now         string              `json:"now,omitempty"`
	Key         string              `json:"key,omitempty"`
	Params      map[string]ParamRun `json:"params,omitempty"`
	Result      any                 `json:"result,omitempty"`
	Diagnostics []Diagnostic        `json:"diagnostics"`
	// Explanation is a filter's, a wait's or the trigger condition's,
	// where the request asked for it (EvaluateResponse's).
	Explanation *explain.Explanation `json:"explanation,omitempty"`
}

// ParamRun is one parameter's value as the action was given it. A value
// too large to answer (Limits.MaxResultBytes) is given, but answered in
// part: Value is null, Display its start, and Truncated says so.
type ParamRun struct {
	Type      string `json:"type"`
	Value     any    `json:"value"`
	Display   string `json:"display"`
	Truncated bool   `json:"truncated,omitempty"`
	// Explanation, where the request asked for it.
	Explanation *explain.Explanation `json:"explanation,omitempty"`
}

// Run checks a workflow, then runs it over the payload, step by step.
func (e *Engine) Run(req RunRequest) RunResponse {
	w, bad := e.checkWorkflow(req)
	if bad == nil {
		w.explain = req.Explain
		if p := e.readPayload(w.schema, req.Payload); p.err != nil {
			bad = p.err
		} else {
			return e.runChecked(w, p.value.(map[string]any), p.checkAgainst(w.schema))
		}
	}
	return RunResponse{OK: false, Outcome: OutcomeFailed, Steps: []StepRun{}, Diagnostics: []Diagnostic{*bad}}
}

// runChecked runs a checked workflow over one payload, if it has no
// errors; a batch runs one over each of its payloads. check is the
// payload's against the trigger's schema, which a failed step reads.
func (e *Engine) runChecked(w *checkedWorkflow, payload map[string]any, check *schemaCheck) RunResponse {
	trigger := w.trigger.run
	trigger.Diagnostics = slices.Clone(trigger.Diagnostics)
	resp := RunResponse{Dialect: w.dialect, Now: formatClock(w.now), Trigger: &trigger, Steps: make([]StepRun, len(w.steps)), Diagnostics: []Diagnostic{}}
	for i := range w.steps {
		resp.Steps[i] = w.steps[i].run
		resp.Steps[i].Diagnostics = slices.Clone(resp.Steps[i].Diagnostics)
	}
	if w.errors > 0 {
		resp.Outcome = OutcomeFailed
		resp.Diagnostics = append(resp.Diagnostics, Diagnostic{Severity: SeverityError, Source: "workflow",
			Message: fmt.Sprintf("the workflow did not run: %s an error; a workflow is checked whole before it runs", countSteps(w.errors))})
		markSkipped(&resp)
		return resp
	}
	e.runWorkflow(w, payload, check, &resp)
	resp.OK = resp.Outcome != OutcomeFailed
	return resp
}

func countSteps(n int) string {
	if n == 1 {
		return "1 step has"
	}
	return fmt.Sprintf("%d steps have", n)
}

// markSkipped marks every step not yet given a status as skipped.
func markSkipped(resp *RunResponse) {
	if resp.Trigger.Status == "" {
		resp.Trigger.Status = StatusSkipped
	}
	for i := range resp.Steps {
		if resp.Steps[i].Status == "" {
			resp.Steps[i].Status = StatusSkipped
		}
	}
}

// runWorkflow runs a checked workflow: the trigger's condition, then each
// step, until a filter stops it or a step fails.
func (e *Engine) runWorkflow(w *checkedWorkflow, payload map[string]any, check *schemaCheck, resp *RunResponse) {
	// The context grows as actions give results: a copy of the payload's
	// top level, so the payload read (and cached) stays as it was.
	obj := maps.Clone(payload)
	fields := newPayloadFields(obj, w.context.Root, w.dialect)
	clock := w.now
	var spent uint64
	runLimit := runCostLimitTimes * e.limits.CostLimit
	// The activation is made again only when a wait moves the clock.
	var act cel.FunctionActivation
	var actClock time.Time
	eval := func(c *compiled) evaluated {
		if act == nil || !actClock.Equal(clock) {
			act, actClock = activation(fields, w.eventContext, clockFunctions(clock)), clock
		}
		var why *explain.Explanation
		given := c // the step's, by which states keeps what it recorded
		if w.explain || w.states != nil {
			c = e.compileAs(modeExplain, w.env, c.ast.Source().Content(), e.limits.CostLimit)
		}
		out, det, err := e.run(c.prg, act)
		if w.explain {
			why = explanation(w.env, c, det)
		}
		if w.states != nil && det != nil && det.State() != nil {
			w.states[given] = det.State()
		}
		if det != nil && det.ActualCost() != nil {
			spent += *det.ActualCost()
		}
		if err != nil {
			d := e.runtimeError(w.env, c.ast, err, e.limits.CostLimit)
			d.Message += e.mismatchNote(check, c.ast)
			return evaluated{why: why, err: &d}
		}
		if spent > runLimit {
			return evaluated{why: why, err: &Diagnostic{Severity: SeverityError, Line: 1, Column: 1, Source: "expression",
				Message: fmt.Sprintf("the workflow was stopped here: its expressions together went past a run's cost limit of %s units (%d times an expression's)", jsonpos.GroupDigits(runLimit), runCostLimitTimes)}}
		}
		return evaluated{value: out, why: why}
	}
	resp.Outcome = OutcomeCompleted
	t := resp.Trigger
	t.Now = formatClock(clock)
	if w.trigger.expression == nil {
		t.Status = StatusPassed
	} else if !e.runFilter(w.trigger.expression, t, eval) {
		resp.Outcome = outcomeOf(t.Status)
		markSkipped(resp)
		return
	}
	unknown := map[string]int{} // keys whose action gave no result this run knows, by step
	for i := range w.steps {
		s, out := &w.steps[i], &resp.Steps[i]
		if d := unknownResult(s, unknown); d != nil {
			out.Status, out.Now = StatusFailed, formatClock(clock)
			out.Diagnostics = append(out.Diagnostics, *d)
			resp.Outcome = OutcomeFailed
			markSkipped(resp)
			return
		}
		switch s.step.Kind {
		case KindFilter:
			if !e.runFilter(s.expression, out, eval) {
				resp.Outcome = outcomeOf(out.Status)
				out.Now = formatClock(clock)
				markSkipped(resp)
				return
			}
		case KindWait:
			next, ok := e.runWait(s.expression, out, clock, eval)
			if !ok {
				resp.Outcome = OutcomeFailed
				markSkipped(resp)
				return
			}
			clock = next
		case KindAction:
			result, ok := e.runAction(s, out, eval)
			switch {
			case !ok:
				resp.Outcome = OutcomeFailed
				out.Now = formatClock(clock)
				markSkipped(resp)
				return
			case result == nil:
				unknown[s.key] = i
			default:
				obj[s.key] = result
			}
		}
		out.Now = formatClock(clock)
	}
}

// evaluated is an expression's value in a run, or the error that stopped
// it, and its explanation where the run explains.
type evaluated struct {
	value ref.Val
	why   *explain.Explanation
	err   *Diagnostic
}

func outcomeOf(status string) string {
	if status == StatusStopped {
		return OutcomeStopped
	}
	return OutcomeFailed
}

// runFilter runs a condition or a filter: it tells whether the workflow
// goes on, and writes the status and the value.
func (e *Engine) runFilter(c *compiled, out *StepRun, eval func(*compiled) evaluated) bool {
	r := eval(c)
	v, d := r.value, r.err
	out.Explanation = r.why
	if d != nil {
		out.Status, out.Diagnostics = StatusFailed, append(out.Diagnostics, *d)
		return false
	}
	e.writeValue(c, v, out)
	b, isBool := v.(types.Bool)
	switch {
	case !isBool:
		out.Status = StatusFailed
		out.Diagnostics = append(out.Diagnostics, Diagnostic{Severity: SeverityError, Line: 1, Column: 1, Source: "expression",
			Message: fmt.Sprintf("a %s must give true or false; this gave %s", out.Kind, celjson.ResultType(c.ast.OutputType(), v))})
		return false
	case bool(b):
		out.Status = StatusPassed
		return true
	}
	out.Status = StatusStopped
	return false
}

// runWait runs a wait: a timestamp moves the clock to it, a duration on by
// it; a time already past leaves the clock, and a warning says so.
func (e *Engine) runWait(c *compiled, out *StepRun, clock time.Time, eval func(*compiled) evaluated) (time.Time, bool) {
	r := eval(c)
	v, d := r.value, r.err
	out.Explanation = r.why
	if d != nil {
		out.Status, out.Diagnostics = StatusFailed, append(out.Diagnostics, *d)
		return clock, false
	}
	e.writeValue(c, v, out)
	var until time.Time
	switch x := v.(type) {
	case types.Timestamp:
		until = x.Time
	case types.Duration:
		until = clock.Add(x.Duration)
	default:
		out.Status = StatusFailed
		out.Diagnostics = append(out.Diagnostics, Diagnostic{Severity: SeverityError, Line: 1, Column: 1, Source: "expression",
			Message: "a wait must give a timestamp to wait until or a duration to wait for; this gave " + celjson.ResultType(c.ast.OutputType(), v)})
		return clock, false
	}
	out.Status = StatusWaited
	if until.Before(clock) {
		out.Diagnostics = append(out.Diagnostics, Diagnostic{Severity: SeverityWarning, Line: 1, Column: 1, Source: "expression",
			Message: fmt.Sprintf("the wait ends at %s, %s before the workflow's clock (%s): it does not wait (Morf's docs do not say what a wait in the past does; Fieldbook assumes it goes on at once)",
				formatClock(until), clock.Sub(until), formatClock(clock))})
		return clock, true
	}
	return until, true
}

// runAction gives an action its parameters and takes its result: the
// step's own, or the example its page documents, checked against the
// action's result schema.
func (e *Engine) runAction(s *checkedStep, out *StepRun, eval func(*compiled) evaluated) (any, bool) {
	out.Params = map[string]ParamRun{}
	failed := false
	for _, p := range s.params {
		r := eval(p.compiled)
		v, d := r.value, r.err
		if d != nil {
			d.Param = p.key
			out.Diagnostics = append(out.Diagnostics, *d)
			failed = true
			continue
		}
		value, display, tooLarge := celjson.Write(v, e.limits.MaxResultBytes)
		out.Params[p.key] = ParamRun{Type: celjson.ResultType(p.compiled.ast.OutputType(), v), Value: value, Display: display, Truncated: tooLarge, Explanation: r.why}
		if msg := paramValueProblem(p, v); msg != "" {
			out.Diagnostics = append(out.Diagnostics, Diagnostic{Severity: SeverityError, Message: msg, Param: p.key, Line: 1, Column: 1, Source: "expression"})
			failed = true
		}
	}
	if failed {
		out.Status = StatusFailed
		return nil, false
	}
	out.Key = s.key
	if s.result == nil {
		s.result = e.resultOf(s)
	}
	result := s.result.value
	out.Diagnostics = append(out.Diagnostics, s.result.diags...)
	for _, d := range s.result.diags {
		if d.Severity == SeverityError {
			out.Status = StatusFailed
			return nil, false
		}
	}
	out.Result = result
	out.Status = StatusDone
	return result, true
}

// unknownResult stops a step that reads the result of an action whose
// result this run does not know (it documents no example, and the step
// gave none): the step fails there, saying so.
func unknownResult(s *checkedStep, unknown map[string]int) *Diagnostic {
	for _, r := range s.reads {
		if j, ok := unknown[r.key]; ok {
			return &Diagnostic{Severity: SeverityError, Line: r.line, Column: r.column, Source: "expression",
				Message: fmt.Sprintf("%s is the result of step %d, which this run does not know: its action documents no example result; give step %d a result", r.key, j+1, j+1)}
		}
	}
	return nil
}

// paramValueProblem says what is wrong with a parameter's value, where the
// checker could not tell: a value of another type than the parameter's
// (from a dyn expression), one the parameter's enum does not allow, or no
// value for a required parameter.
func paramValueProblem(p checkedParam, v ref.Val) string {
	if p.want != nil && !p.want.IsAssignableRuntimeType(v) {
		return fmt.Sprintf("%s takes %s; this gave %s", p.name(), celjson.TypeName(p.want), celjson.ResultType(p.compiled.ast.OutputType(), v))
	}
	if p.param == nil {
		return ""
	}
	if _, isNull := v.(types.Null); isNull && p.param.IsRequired() {
		return p.name() + " is required; this gave null"
	}
	if str, ok := v.(types.String); ok && len(p.param.Enum) > 0 && !slices.Contains(p.param.Enum, string(str)) {
		return fmt.Sprintf("%s takes one of %s; this gave %q", p.name(), strings.Join(p.param.Enum, ", "), string(str))
	}
	return ""
}

// resultOf is an action step's result: the one it gives, or the example
// its action documents, read once for the engine's life.
func (e *Engine) resultOf(s *checkedStep) *actionResult {
	if len(s.step.Result) > 0 {
		value, diags := e.readResult(s)
		return &actionResult{value, diags}
	}
	e.mu.Lock()
	r, ok := e.examples[s.action.ID]
	e.mu.Unlock()
	if !ok {
		value, diags := e.readResult(s)
		r = &actionResult{value, diags}
		e.mu.Lock()
		e.examples[s.action.ID] = r
		e.mu.Unlock()
	}
	return r
}

// readResult reads the result an action returns in this run and checks
// it against the action's result schema: quirks the schema declares are
// warnings, other problems errors.
func (e *Engine) readResult(s *checkedStep) (any, []Diagnostic) {
	var text string
	if raw := s.step.Result; len(raw) > 0 && raw[0] == '"' {
		if err := json.Unmarshal(raw, &text); err != nil {
			return nil, []Diagnostic{{Severity: SeverityError, Source: "result", Message: "the result's text could not be read: " + err.Error()}}
		}
	} else if len(raw) > 0 {
		text = string(raw)
	} else {
		ex, ok := s.action.Root.Example()
		if !ok {
			return nil, []Diagnostic{{Severity: SeverityWarning, Source: "result",
				Message: s.action.ID + " documents no example result, so this run does not know its result: a later step that reads it fails; give the step a result"}}
		}
		raw, err := json.Marshal(ex)
		if err != nil {
			return nil, []Diagnostic{{Severity: SeverityError, Source: "result", Message: "the example result could not be read: " + err.Error()}}
		}
		text = string(raw)
	}
	v, warnings, perr := jsonpos.Parse(text, jsonpos.Limits{MaxBytes: e.limits.MaxPayloadBytes, MaxDepth: e.limits.MaxDepth})
	if perr != nil {
		return nil, []Diagnostic{{Severity: SeverityError, Message: "the result is not JSON: " + perr.Message, Line: perr.Line, Column: perr.Column, Source: "result"}}
	}
	var found []problem
	for _, w := range warnings {
		found = append(found, problem{severity: SeverityWarning, message: w.Message, pointer: w.Pointer})
	}
	schemaProblems, err := validateAgainst(s.action, v)
	if err != nil {
		return nil, []Diagnostic{requestError(err.Error())}
	}
	found = append(found, schemaProblems...)
	diags := place(text, found)
	for i := range diags {
		diags[i].Source = "result"
		if diags[i].Severity == SeverityError {
			diags[i].Message = "the result does not match " + s.action.ID + "'s result schema: " + diags[i].Message
		}
	}
	return v, diags
}

// writeValue writes a step's value, its type and its display.
func (e *Engine) writeValue(c *compiled, v ref.Val, out *StepRun) {
	out.Type = celjson.ResultType(c.ast.OutputType(), v)
	var tooLarge bool
	out.Value, out.Display, tooLarge = celjson.Write(v, e.limits.MaxResultBytes)
	out.Truncated = tooLarge
}

// formatClock writes a clock as the responses do.
func formatClock(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// contextResults are the keyed results a workflow's steps read, as the
// schemas package builds their context.
func contextResults(steps []checkedStep) []schemas.Result {
	var out []schemas.Result
	for _, s := range steps {
		if s.key != "" && s.action != nil {
			out = append(out, schemas.Result{Key: s.key, Action: s.action})
		}
	}
	return out
}

// eventVariable is Morf's event type variable, which a result key may not
// take either.
var eventVariable = morf.EventTypeVariable
