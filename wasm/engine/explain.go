package engine

import (
	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"

	"fieldbook/wasm/dialect/morf"
	"fieldbook/wasm/explain"
)

// explanation says why an expression evaluated with an explaining program
// (modeExplain) gave its answer, in the dialect's words; nil when cel-go
// recorded nothing (the evaluation was stopped before it began).
func explanation(env *celEnv, c *compiled, det *cel.EvalDetails) *explain.Explanation {
	if det == nil || det.State() == nil {
		return nil
	}
	in := explain.Input{Expression: c.ast.Source().Content(), Checked: c.ast, State: det.State()}
	if env.dialect == DialectMorf {
		in.Absent = morf.IsAbsent
		in.Message = func(err *types.Err) string { return morf.AbsentMessage(c.ast, err) }
	}
	return explain.Of(in)
}

// explainMode is the program mode a request asks for.
func explainMode(explain bool) programMode {
	if explain {
		return modeExplain
	}
	return modePlain
}
