package engine

import (
	"context"
	"errors"
	"fieldbook/wasm/dialect/morf"
	"fieldbook/wasm/jsonpos"
	"fmt"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/interpreter"
)

// Evaluate runs an expression over a payload. The payload need not be
// valid against its schema: a reader tries expressions on what a source
// really sends, quirks and all.
func (e *Engine) Evaluate(req EvaluateRequest) EvaluateResponse {
	fail := func(d Diagnostic) EvaluateResponse {
		return EvaluateResponse{OK: false, Diagnostics: []Diagnostic{d}}
	}
	p, bad := e.prepare(preparation{schema: req.Schema, dialect: req.Dialect, now: req.Now, clock: true, payload: req.Payload, payloadIn: true, env: true})
	if bad != nil {
		return fail(*bad)
	}
	env, dialect := p.env, p.dialect
	limit := e.limits.CostLimit
	if req.CostLimit > 0 && req.CostLimit < limit {
		limit = req.CostLimit
	}
	c := e.compile(env, req.Expression, limit, modePlain)
	if c.diags != nil {
		return EvaluateResponse{OK: false, Dialect: dialect, Diagnostics: c.diags}
	}
	out, det, err := e.run(c.prg, activation(p.payload.top(dialect), clockFunctions(p.now)))
	var spent uint64
	if det != nil && det.ActualCost() != nil {
		spent = *det.ActualCost()
	}
	if err != nil {
		return EvaluateResponse{OK: false, Dialect: dialect, Cost: spent, Diagnostics: []Diagnostic{e.runtimeError(env, c.ast, err, limit)}}
	}
	resp := EvaluateResponse{
		OK:          true,
		Dialect:     dialect,
		Type:        resultType(c.ast.OutputType(), out),
		Cost:        spent,
		Diagnostics: append([]Diagnostic{}, c.warnings...),
	}
	var tooLarge bool
	if resp.Value, resp.Display, tooLarge = writeResult(out, e.limits.MaxResultBytes); tooLarge {
		resp.OK, resp.Truncated = false, true
		resp.Diagnostics = append(resp.Diagnostics, Diagnostic{Severity: SeverityError, Message: tooLargeMessage(e.limits.MaxResultBytes), Line: 1, Column: 1, Source: "expression"})
	}
	return resp
}

// interruptCheckFrequency is how many comprehension steps pass between
// two looks at the time limit.
const interruptCheckFrequency = 64

// run evaluates a program within the engine's time limit.
func (e *Engine) run(prg cel.Program, act cel.Activation) (ref.Val, *cel.EvalDetails, error) {
	ctx, cancel := context.WithTimeout(context.Background(), e.limits.TimeLimit)
	defer cancel()
	return prg.ContextEval(ctx, act)
}

// activation gives an expression the payload's top-level fields and the
// clock. All of them: a field the checker did not know cannot be named,
// except one a schema-less morf expression declared as absent, which a
// later payload of a batch may have.
func activation(top *payloadFields, clock map[string]cel.LateBoundFunction) cel.FunctionActivation {
	act, err := cel.FunctionVars(top, clock)
	if err != nil {
		panic(err) // top is an Activation: FunctionVars cannot refuse it
	}
	return act
}

// runtimeError explains an evaluation that failed, at the subexpression
// that failed where CEL says which one.
func (e *Engine) runtimeError(env *celEnv, ast *cel.Ast, err error, limit uint64) Diagnostic {
	d := Diagnostic{Severity: SeverityError, Message: err.Error(), Line: 1, Column: 1, Source: "expression"}
	var cancelled interpreter.EvalCancelledError
	if errors.As(err, &cancelled) {
		switch cancelled.Cause {
		case interpreter.CostLimitExceeded:
			if strings.HasPrefix(cancelled.Message, refusalPrefix) { // a guard's, which says more
				d.Message = cancelled.Message
				return d
			}
			d.Message = fmt.Sprintf("the expression was stopped: it went past the cost limit of %s units (CEL counts roughly one unit per operation and per element visited)", jsonpos.GroupDigits(limit))
			return d
		case interpreter.ContextCancelled:
			d.Message = e.timeLimitMessage()
			return d
		}
	}
	if errors.Is(err, interpreter.InterruptError{}) || errors.Is(err, context.DeadlineExceeded) {
		d.Message = e.timeLimitMessage()
		return d
	}
	var celErr *types.Err
	if errors.As(err, &celErr) {
		if env.dialect == DialectMorf {
			if msg := morf.AbsentMessage(ast, celErr); msg != "" {
				d.Message = msg
			}
		}
		if loc := ast.NativeRep().SourceInfo().GetStartLocation(celErr.NodeID()); loc.Line() > 0 {
			d.Line, d.Column = loc.Line(), loc.Column()+1
		}
	}
	return d
}

func (e *Engine) timeLimitMessage() string {
	return fmt.Sprintf("the expression was stopped: it went past the time limit of %s", e.limits.TimeLimit)
}
