package engine

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/cost"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/interpreter"
)

// compiled is a checked expression and its program, cached by environment,
// expression and cost limit.
type compiled struct {
	ast   *cel.Ast
	prg   cel.Program
	diags []Diagnostic // non-nil when the expression does not check
}

// Check types an expression and estimates its cost.
func (e *Engine) Check(req CheckRequest) CheckResponse {
	env, diag := e.envForRequest(req.Schema, req.Payload)
	if diag != nil {
		return CheckResponse{OK: false, Diagnostics: []Diagnostic{*diag}}
	}
	c := e.compile(env, req.Expression, e.limits.CostLimit)
	if c.diags != nil {
		return CheckResponse{OK: false, Diagnostics: c.diags}
	}
	resp := CheckResponse{OK: true, Type: typeName(c.ast.OutputType()), Diagnostics: []Diagnostic{}}
	if est, err := env.env.EstimateCost(c.ast, sizeEstimator{max: uint64(e.limits.MaxPayloadBytes)}); err == nil {
		resp.Cost = &Cost{Min: est.Min, Max: est.Max}
	}
	return resp
}

// envForRequest finds the environment for a request's schema; without one,
// the schema inferred from the payload (an empty object when there is none)
// declares the variables.
func (e *Engine) envForRequest(schemaID, payload string) (*celEnv, *Diagnostic) {
	s, bad := e.schema(schemaID)
	if bad != nil {
		return nil, bad
	}
	var p *parsedPayload
	if s == nil {
		if strings.TrimSpace(payload) == "" {
			payload = "{}"
		}
		if p = e.readPayload(nil, payload); p.err != nil {
			return nil, p.err
		}
	}
	env, err := e.envFor(s, p)
	if err != nil {
		d := requestError("the CEL environment could not be built: " + err.Error())
		return nil, &d
	}
	return env, nil
}

// Evaluate runs an expression over a payload. The payload need not be
// valid against its schema: a reader tries expressions on what a source
// really sends, quirks and all.
func (e *Engine) Evaluate(req EvaluateRequest) EvaluateResponse {
	fail := func(d Diagnostic) EvaluateResponse {
		return EvaluateResponse{OK: false, Diagnostics: []Diagnostic{d}}
	}
	s, bad := e.schema(req.Schema)
	if bad != nil {
		return fail(*bad)
	}
	now, bad := parseClock(req.Now)
	if bad != nil {
		return fail(*bad)
	}
	limit := e.limits.CostLimit
	if req.CostLimit > 0 && req.CostLimit < limit {
		limit = req.CostLimit
	}
	p := e.readPayload(s, req.Payload)
	if p.err != nil {
		return fail(*p.err)
	}
	env, err := e.envFor(s, p)
	if err != nil {
		return fail(requestError("the CEL environment could not be built: " + err.Error()))
	}
	c := e.compile(env, req.Expression, limit)
	if c.diags != nil {
		return EvaluateResponse{OK: false, Diagnostics: c.diags}
	}
	out, det, err := c.prg.Eval(activation(env, p.top, clockFunctions(now)))
	var spent uint64
	if det != nil && det.ActualCost() != nil {
		spent = *det.ActualCost()
	}
	if err != nil {
		return EvaluateResponse{OK: false, Cost: spent, Diagnostics: []Diagnostic{e.runtimeError(c.ast, err, limit)}}
	}
	return EvaluateResponse{
		OK:          true,
		Type:        resultType(c.ast.OutputType(), out),
		Value:       jsonValue(out),
		Display:     display(out),
		Cost:        spent,
		Diagnostics: []Diagnostic{},
	}
}

// parseClock reads the time now() returns: an RFC 3339 time, or "" for
// the real time.
func parseClock(s string) (time.Time, *Diagnostic) {
	if s == "" {
		return time.Now(), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		d := requestError(fmt.Sprintf("now %q is not an RFC 3339 time such as 2024-06-11T09:30:00Z", s))
		return time.Time{}, &d
	}
	return t, nil
}

// clockFunctions binds now() to a time, for an activation.
func clockFunctions(now time.Time) map[string]cel.LateBoundFunction {
	return map[string]cel.LateBoundFunction{
		"now": func(string, ...ref.Val) ref.Val { return types.Timestamp{Time: now} },
	}
}

// activation gives an expression the environment's variables that the
// payload has, and the clock.
func activation(env *celEnv, top map[string]any, clock map[string]cel.LateBoundFunction) cel.FunctionActivation {
	vars := make(map[string]any, len(env.vars))
	for name := range env.vars {
		if v, ok := top[name]; ok {
			vars[name] = v
		}
	}
	act, err := cel.FunctionVars(vars, clock)
	if err != nil {
		panic(err) // vars is a plain map: FunctionVars cannot refuse it
	}
	return act
}

// compile parses, checks and plans an expression once per environment and
// cost limit.
func (e *Engine) compile(env *celEnv, expr string, limit uint64) *compiled {
	if d := e.checkExpressionText(expr); d != nil {
		return &compiled{diags: []Diagnostic{*d}}
	}
	key := fmt.Sprintf("%d\x00%d\x00%s", env.id, limit, expr)
	e.mu.Lock()
	cached, ok := e.programs.get(key)
	e.mu.Unlock()
	if ok {
		return cached.(*compiled)
	}
	c := &compiled{}
	ast, iss := env.env.Compile(expr)
	if iss != nil && iss.Err() != nil {
		c.diags = e.checkErrors(env, expr, iss)
	} else {
		prg, err := env.env.Program(ast,
			cel.CostLimit(limit),
			cel.EvalOptions(cel.OptOptimize),
		)
		if err != nil {
			c.diags = []Diagnostic{{Severity: SeverityError, Message: err.Error(), Line: 1, Column: 1, Source: "expression"}}
		} else {
			c.ast, c.prg = ast, prg
		}
	}
	e.mu.Lock()
	e.programs.put(key, c)
	e.mu.Unlock()
	return c
}

// checkErrors turns parse and check errors into diagnostics, adding a
// suggestion where a name is close to one that exists.
func (e *Engine) checkErrors(env *celEnv, expr string, iss *cel.Issues) []Diagnostic {
	var out []Diagnostic
	for _, err := range iss.Errors() {
		line, col := err.Location.Line(), err.Location.Column()+1
		if line < 1 {
			line, col = 1, 1
		}
		msg := err.Message
		if hint := e.suggest(env, expr, msg, line, col); hint != "" {
			msg += " (did you mean " + hint + "?)"
		}
		out = append(out, Diagnostic{Severity: SeverityError, Message: msg, Line: line, Column: col, Source: "expression"})
	}
	return out
}

// runtimeError explains an evaluation that failed, at the subexpression
// that failed where CEL says which one.
func (e *Engine) runtimeError(ast *cel.Ast, err error, limit uint64) Diagnostic {
	d := Diagnostic{Severity: SeverityError, Message: err.Error(), Line: 1, Column: 1, Source: "expression"}
	var cancelled interpreter.EvalCancelledError
	if errors.As(err, &cancelled) && cancelled.Cause == interpreter.CostLimitExceeded {
		d.Message = fmt.Sprintf("the expression was stopped: it went past the cost limit of %s units (CEL counts roughly one unit per operation and per element visited)", groupDigits(limit))
		return d
	}
	var celErr *types.Err
	if errors.As(err, &celErr) {
		if loc := ast.NativeRep().SourceInfo().GetStartLocation(celErr.NodeID()); loc.Line() > 0 {
			d.Line, d.Column = loc.Line(), loc.Column()+1
		}
	}
	return d
}

func groupDigits(n uint64) string {
	s := strconv.FormatUint(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// sizeEstimator bounds the size of every payload value by the payload
// limit, so the estimate's maximum is finite.
type sizeEstimator struct{ max uint64 }

func (s sizeEstimator) EstimateSize(n cost.AstNode) *cost.SizeEstimate {
	if len(n.Path()) > 0 {
		return &cost.SizeEstimate{Min: 0, Max: s.max}
	}
	return nil
}

func (s sizeEstimator) EstimateCallCost(string, string, *cost.AstNode, []cost.AstNode) *cost.CallEstimate {
	return nil
}
