package engine

import (
	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"

	"fieldbook/wasm/dialect/morf"
	"fieldbook/wasm/explain"
)

// explanation says why an expression evaluated with an explaining program
// (modeExplain, whose compiled holds the plan) gave its answer, in the
// dialect's words; nil when cel-go recorded nothing (the evaluation was
// stopped before it began).
func explanation(env *celEnv, c *compiled, det *cel.EvalDetails) *explain.Explanation {
	if det == nil || det.State() == nil {
		return nil
	}
	var r explain.Reading
	if env.dialect == DialectMorf {
		r.Absent = morf.IsAbsent
		r.Message = func(err *types.Err) string { return morf.AbsentMessage(c.ast, err) }
	}
	return c.plan.Explain(det.State(), r)
}

// explainMode is the program mode a request asks for.
func explainMode(explain bool) programMode {
	if explain {
		return modeExplain
	}
	return modePlain
}

// chainOf gives, for a compiled expression whose top is a chain of &&,
// its explaining program and its conditions; nil, nil for another.
func (e *Engine) chainOf(env *celEnv, c *compiled) (*compiled, []explain.Condition) {
	if c == nil || c.ast == nil || !explain.IsChain(c.ast) {
		return nil, nil
	}
	x := e.compileAs(modeExplain, env, c.ast.Source().Content(), e.limits.CostLimit)
	if x.plan == nil {
		return nil, nil
	}
	return x, x.plan.Chain()
}

// conditionCounts are a chain's conditions, none stopped yet.
func conditionCounts(chain []explain.Condition) []ConditionCount {
	out := make([]ConditionCount, len(chain))
	for i, c := range chain {
		out[i] = ConditionCount{Condition: c}
	}
	return out
}
