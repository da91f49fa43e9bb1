package engine

import (
	"fieldbook/wasm/celjson"

	"cel.dev/cel-go/common/cost"
)

// Check types an expression and estimates its cost.
func (e *Engine) Check(req CheckRequest) CheckResponse {
	p, bad := e.prepare(preparation{schema: req.Schema, key: req.Key, results: req.Results, dialect: req.Dialect, payload: req.Payload, env: true, event: req.Event})
	if bad != nil {
		return CheckResponse{OK: false, Diagnostics: []Diagnostic{*bad}}
	}
	env := p.env
	c := e.compile(env, req.Expression, e.limits.CostLimit)
	if c.diags != nil {
		return CheckResponse{OK: false, Dialect: env.dialect, Diagnostics: c.diags}
	}
	resp := CheckResponse{OK: true, Dialect: env.dialect, Type: celjson.TypeName(c.ast.OutputType()), Diagnostics: append([]Diagnostic{}, c.warnings...)}
	if est, err := c.env.EstimateCost(c.ast, sizeEstimator{max: uint64(e.limits.MaxPayloadBytes)}); err == nil {
		resp.Cost = &Cost{Min: est.Min, Max: est.Max}
	}
	return resp
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
