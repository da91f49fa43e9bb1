package engine

import (
	"fieldbook/wasm/celjson"
	"fieldbook/wasm/explain"
)

// Evaluate runs an expression over a payload. The payload need not be
// valid against its schema: a reader tries expressions on what a source
// really sends, quirks and all.
func (e *Engine) Evaluate(req EvaluateRequest) EvaluateResponse {
	fail := func(d Diagnostic) EvaluateResponse {
		return EvaluateResponse{OK: false, Diagnostics: []Diagnostic{d}}
	}
	p, bad := e.prepare(preparation{schema: req.Schema, key: req.Key, dialect: req.Dialect, now: req.Now, clock: true, payload: req.Payload, payloadIn: true, env: true, event: req.Event})
	if bad != nil {
		return fail(*bad)
	}
	env, dialect := p.env, p.dialect
	limit := e.limits.CostLimit
	if req.CostLimit > 0 && req.CostLimit < limit {
		limit = req.CostLimit
	}
	c := e.compileAs(explainMode(req.Explain), env, req.Expression, limit)
	if c.diags != nil {
		return EvaluateResponse{OK: false, Dialect: dialect, Diagnostics: c.diags}
	}
	out, det, err := e.run(c.prg, activation(p.payload.top(dialect), p.context, clockFunctions(p.now)))
	var spent uint64
	if det != nil && det.ActualCost() != nil {
		spent = *det.ActualCost()
	}
	var why *explain.Explanation
	if req.Explain {
		why = explanation(env, c, det)
	}
	if err != nil {
		d := e.runtimeError(env, c.ast, err, limit)
		d.Message += e.mismatchNote(p.payload.checkAgainst(p.schema), c.ast)
		return EvaluateResponse{OK: false, Dialect: dialect, Cost: spent, Diagnostics: []Diagnostic{d}, Explanation: why}
	}
	resp := EvaluateResponse{
		OK:          true,
		Dialect:     dialect,
		Type:        celjson.ResultType(c.ast.OutputType(), out),
		Cost:        spent,
		Diagnostics: append([]Diagnostic{}, c.warnings...),
		Explanation: why,
	}
	var tooLarge bool
	if resp.Value, resp.Display, tooLarge = celjson.Write(out, e.limits.MaxResultBytes); tooLarge {
		resp.OK, resp.Truncated = false, true
		resp.Diagnostics = append(resp.Diagnostics, Diagnostic{Severity: SeverityError, Message: celjson.TooLargeMessage(e.limits.MaxResultBytes), Line: 1, Column: 1, Source: "expression"})
	}
	return resp
}
