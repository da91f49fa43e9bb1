package engine

import (
	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"

	"fieldbook/wasm/dialect/morf"
	"fieldbook/wasm/explain"
)

// explanation says why an expression evaluated with an explaining program
// (modeExplain, whose compiled holds the plan) gave its answer, in the dialect's words; nil when cel-go
// recorded nothing (the evaluation was stopped before it began).
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
